"""Bad input never makes the hub fail: each case answers a 4xx with a plain reason (JSON
{"error", "message", "message_vi"}) and logs no error, and the hub keeps serving."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import aiohttp
import pytest

from kiosk.hub import protocol as p
from kiosk.hub.server import start_hub_in_thread
from kiosk.jsonlimits import JSONLimitError, loads_limited, nesting_depth
from tests.hubutil import KEY


def raw_request(port: int, head: bytes, body: bytes = b"", timeout: float = 10.0,
                ) -> tuple[int, dict[str, str], bytes]:
    """Send `head` (request line and headers, without the blank line) and `body` as they
    are, on a new connection; the status, headers and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head.rstrip(b"\r\n") + b"\r\nConnection: close\r\n"
                     + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    answer = b"".join(chunks)
    top, _, rest = answer.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers, rest


def request(port: int, method: str, path: str, body: bytes | dict | None = None, *,
            key: bytes = KEY.encode()) -> tuple[int, dict]:
    data = json.dumps(body).encode() if isinstance(body, dict) else (body or b"")
    head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode()
            + b"X-Office-Key: " + key + b"\r\nContent-Type: application/json\r\n")
    status, _, answer = raw_request(port, head, data)
    return status, json.loads(answer) if answer.strip() else {}


def assert_refused(status: int, answer: dict, expected: int = 400) -> None:
    assert status == expected, answer
    assert set(answer) >= {"error", "message", "message_vi"}, answer
    assert answer["message"] and answer["message_vi"]


@pytest.fixture
def hub(tmp_path, config, caplog):
    handle = start_hub_in_thread(tmp_path / "hub.db", config, KEY, port=0)
    handle.port = int(handle.url.rsplit(":", 1)[1])
    caplog.set_level(logging.INFO)
    yield handle
    handle.stop()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not errors, [r.getMessage() for r in errors]


def called_ticket(hub) -> int:
    ticket = hub.queue.issue("CT")
    hub.queue.call_next(1, [], "Lan")
    return ticket.id


# -- the cases of the list ---------------------------------------------------------------------

def test_an_office_key_that_is_not_utf8_is_refused(hub):
    for key in (b"\xff\xfe\xfd-not-utf8", KEY.encode() + b"\xc3", b"\x80" * 20):
        status, answer = request(hub.port, "GET", p.SNAPSHOT_PATH, key=key)
        assert 400 <= status < 500, answer
        assert answer["error"] and answer["message"] and answer["message_vi"]
    head = (f"GET {p.SNAPSHOT_PATH} HTTP/1.1\r\nHost: x\r\n".encode()
            + b"Authorization: Bearer \xff\xfe" + KEY.encode() + b"\r\n")
    assert 400 <= raw_request(hub.port, head)[0] < 500
    assert request(hub.port, "GET", p.SNAPSHOT_PATH)[0] == 200  # still serving


@pytest.mark.parametrize("counter", ["²", "٣", "३", "３", "1²", " 1", "+1", "-1", "0x1", "1.0",
                                     "9" * 30, "9" * 5000])
def test_a_counter_that_is_not_ascii_digits_is_refused(hub, counter):
    called_ticket(hub)  # counter 1 is serving a ticket: "٣", "+1" must not reach any
    segment = quote(counter, safe="")
    for method, action in (("GET", ""), ("POST", "/recall"), ("POST", "/finish")):
        status, answer = request(hub.port, method, f"{p.COUNTERS_PATH}/{segment}{action}",
                                 {} if method == "POST" else None)
        assert_refused(status, answer)
    assert hub.queue.current(1) is not None
    assert hub.queue.current(3) is None


def test_counter_numbers_beyond_the_configuration_are_refused(hub):
    for counter in ("1000", "4294967296", str(2 ** 64)):
        assert_refused(*request(hub.port, "POST", f"{p.COUNTERS_PATH}/{counter}/next", {}))
    status, answer = request(hub.port, "POST", f"{p.COUNTERS_PATH}/1/transfer",
                             {"to_counter": 2 ** 64})
    assert_refused(status, answer)
    status, answer = request(hub.port, "POST", f"{p.TICKETS_PATH}/1/dossiers",
                             {"dossier_code": "000.00.01.H26-260115-0001", "counter": 2 ** 70})
    assert_refused(status, answer)


def test_a_ticket_id_beyond_64_bits_is_refused(hub):
    ticket_id = called_ticket(hub)
    for big in (2 ** 63, 2 ** 64, 10 ** 30):
        assert_refused(*request(hub.port, "GET", f"{p.TICKETS_PATH}/{big}"))
        assert_refused(*request(hub.port, "POST", f"{p.TICKETS_PATH}/{big}/print",
                                {"ok": True}))
        assert_refused(*request(hub.port, "POST", f"{p.COUNTERS_PATH}/1/finish",
                                {"ticket_id": big}))
        assert_refused(*request(hub.port, "POST", f"{p.COUNTERS_PATH}/1/finish",
                                {"ticket_id": -big}))
    status, answer = request(hub.port, "GET", f"{p.TICKETS_PATH}/{2 ** 63 - 1}")
    assert status == 404 and answer["error"] == "ticket_not_found"
    assert request(hub.port, "GET", f"{p.TICKETS_PATH}/{ticket_id}")[0] == 200


@pytest.mark.parametrize("opener, depth", [("[", 30000), ('{"a":', 12000)])  # < 64 KiB
def test_a_body_nested_30000_deep_is_refused(hub, opener, depth):
    body = (opener * depth).encode()
    for path in (p.TICKETS_PATH, f"{p.COUNTERS_PATH}/1/next", f"{p.TICKETS_PATH}/1/print"):
        status, answer = request(hub.port, "POST", path, body)
        assert_refused(status, answer)
    closed = ('{"service": "CT", "x": ' + "[" * 30000 + "]" * 30000 + "}").encode()
    assert_refused(*request(hub.port, "POST", p.TICKETS_PATH, closed))
    assert hub.queue.snapshot().waiting_tickets == ()  # nothing issued


def test_bodies_that_no_text_column_can_hold_are_refused(hub):
    ticket_id = called_ticket(hub)
    for body in (b'{"service": "\\ud800"}', b'{"service": "CT", "priority": "\\udfff"}',
                 b'{"\\ud800": 1, "service": "CT"}', b'\xff\xfe{"service": "CT"}',
                 b'{"service": "CT", "n": NaN}', b'{"service": "CT", "n": 1e999}',
                 b'{"service": "CT", "n": ' + b"9" * 5000 + b"}", b"[]", b'"CT"', b"null"):
        assert_refused(*request(hub.port, "POST", p.TICKETS_PATH, body))
    for field in ("clerk", "detail", "dossier_code"):
        body = b'{"ok": true, "%s": "a\\udc80b"}' % field.encode()
        if field != "dossier_code":
            body = body[:-1] + b', "dossier_code": "000.00.01.H26-260115-0001"}'
        assert_refused(*request(hub.port, "POST", f"{p.TICKETS_PATH}/{ticket_id}/print",
                                body))
        assert_refused(*request(hub.port, "POST", f"{p.TICKETS_PATH}/{ticket_id}/dossiers",
                                body))
        assert_refused(*request(hub.port, "POST", f"{p.COUNTERS_PATH}/2/next", body))


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+07:00", "0001-01-01T00:00:00-23:59",
                                "9999-12-31T23:59:59+07:00", "1970-01-01T00:00:00+00:00"])
def test_a_time_far_from_the_hubs_clock_is_refused(hub, at):
    ticket_id = called_ticket(hub)
    for path, body in ((f"{p.TICKETS_PATH}/{ticket_id}/print", {"ok": True}),
                       (f"{p.TICKETS_PATH}/{ticket_id}/dossiers",
                        {"dossier_code": "000.00.01.H26-260115-0001"}),
                       (f"{p.COUNTERS_PATH}/1/finish", {"ticket_id": ticket_id})):
        assert_refused(*request(hub.port, "POST", path, dict(body, at=at)))
    ticket = hub.queue.get(ticket_id)
    assert ticket.status == "called" and ticket.print_status != "printed"
    assert ticket.dossiers == ()


def test_replayed_times_within_the_bounds_are_kept(hub):
    ticket_id = called_ticket(hub)
    now = datetime.now(UTC)
    for at in (now - timedelta(days=30), now - timedelta(minutes=5), now + timedelta(hours=2)):
        status, answer = request(hub.port, "POST", f"{p.TICKETS_PATH}/{ticket_id}/print",
                                 {"ok": True, "at": at.isoformat()})
        assert status == 200, answer
    for at in (now - timedelta(days=32), now + timedelta(days=2)):
        status, answer = request(hub.port, "POST", f"{p.TICKETS_PATH}/{ticket_id}/print",
                                 {"ok": True, "at": at.isoformat()})
        assert_refused(status, answer)
        assert "at is more than" in answer["message"]
    status, answer = request(hub.port, "POST", f"{p.COUNTERS_PATH}/1/finish",
                             {"ticket_id": ticket_id,
                              "at": (now - timedelta(minutes=1)).isoformat()})
    assert status == 200 and answer["ticket"]["status"] == "done", answer


def ws_status(port: int, query: str) -> int:
    async def go() -> int:
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{port}{p.EVENTS_PATH}?{query}"
            try:
                async with session.ws_connect(url, headers={p.KEY_HEADER: KEY}) as ws:
                    await ws.receive(timeout=5)
                    await ws.close()
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    return asyncio.run(go())


def test_the_websocket_since_must_be_ascii_digits_within_64_bits(hub):
    for since in ("²", "٣", "-1", "1e3", str(2 ** 63), "9" * 5000, " 1", "1,2"):
        assert ws_status(hub.port, "since=" + quote(since, safe="")) == 400, since
    for query in ("since=0", "since=12", f"since={2 ** 63 - 1}", "", "other=x"):
        assert ws_status(hub.port, query) == 101, query


def test_a_path_that_is_not_utf8_is_answered_4xx(hub):
    for path in (f"{p.DOSSIERS_PATH}/%ff%fe", f"{p.DOSSIERS_PATH}/%ed%a0%80",
                 f"{p.TICKETS_PATH}/%ff", f"{p.COUNTERS_PATH}/%c3/next"):
        status, answer = request(hub.port, "GET" if "dossiers" in path else "POST", path,
                                 b"{}")
        # Unknown (the office key reads the dossier book's answer, with its version).
        assert 400 <= status < 500 or (status == 200 and answer == {"dossier": None,
                                                                    "version": None}), (
            path, status, answer)
    head = f"GET {p.DOSSIERS_PATH}/".encode() + b"\xff\xfe HTTP/1.1\r\nHost: x\r\n" \
        + b"X-Office-Key: " + KEY.encode() + b"\r\n"
    status = raw_request(hub.port, head)[0]
    assert 400 <= status < 500 or status == 200


# -- the shared JSON helper ----------------------------------------------------------------------

def test_loads_limited_refuses_depth_before_parsing():
    assert loads_limited(b'{"a": [1, {"b": "[[[[[[[[["}]}', max_depth=3) == {
        "a": [1, {"b": "[[[[[[[[["}]}
    assert nesting_depth('{"a": "\\"[[[[", "b": [[]]}') == 3
    with pytest.raises(JSONLimitError, match="nested deeper than 2"):
        loads_limited("[[[1]]]", max_depth=2)
    with pytest.raises(ValueError):
        loads_limited("[" * 100_000)
    for bad in ('"\\ud800"', '{"\\udc00": 1}', "NaN", "[-Infinity]", "1e400", b"\xff"):
        with pytest.raises(ValueError):
            loads_limited(bad)
    with pytest.raises(ValueError, match="BOM"):
        loads_limited(b"\xef\xbb\xbf{}")
    assert loads_limited('"\\ud83d\\ude00"') == "\U0001F600"  # a surrogate pair is fine
    assert loads_limited(str(2 ** 100)) == 2 ** 100  # ranges are the caller's


def test_the_depth_check_takes_linear_time(hub):
    # Escaped quotes that never close a string: a backtracking tokenizer takes seconds here.
    body = ('{"service": "' + '\\"' * 30000).encode()
    start = time.monotonic()
    assert nesting_depth(body.decode()) == 1
    assert_refused(*request(hub.port, "POST", p.TICKETS_PATH, body))
    assert time.monotonic() - start < 1.0


def test_framework_errors_read_in_vietnamese_too(hub):
    status, answer = request(hub.port, "POST", p.TICKETS_PATH, b" " * (p.MAX_BODY_BYTES + 1))
    assert status == 413 and answer["message_vi"] == "Dữ liệu gửi lên quá lớn."
    status, answer = request(hub.port, "GET", p.API_PREFIX + "/nowhere")
    assert status == 404 and answer["message_vi"] != answer["message"]
