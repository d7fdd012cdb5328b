"""Floods and bad input that used to cost the hub and the city server their file
descriptors, their logs or a 500: connections capped per address and in all (stations keep
room), failed accept() calls and malformed requests logged in a few lines, keys never in a
log line, a bad WebSocket key a 400, non-UTF-8 keys counted as wrong keys, a full disk a 503,
an emptied database refused, keys with accents refused. Real servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sqlite3
import time

import pytest
import requests

from kiosk.hub import limits
from kiosk.hub.server import start_hub_in_thread
from tests.hubutil import KEY, read_answer
from tests.util import wait_until

TOKEN = "city-token-for-flood-tests-0123456789"


@pytest.fixture
def short_limits(monkeypatch):
    monkeypatch.setattr(limits, "MAX_CONNECTIONS_PER_ADDRESS", 8, raising=False)
    monkeypatch.setattr(limits, "MAX_CONNECTIONS", 20, raising=False)
    monkeypatch.setattr(limits, "CITY_MAX_CONNECTIONS_PER_ADDRESS", 8, raising=False)
    monkeypatch.setattr(limits, "CITY_MAX_CONNECTIONS", 20, raising=False)
    monkeypatch.setattr(limits, "LOG_INTERVAL_S", 1.0, raising=False)
    monkeypatch.setattr(limits, "MALFORMED_LOG_LINES", 5, raising=False)
    monkeypatch.setattr(limits, "_BUDGETS", {}, raising=False)


@pytest.fixture
def hub(tmp_path, config, short_limits):
    handle = start_hub_in_thread(tmp_path / "hub.db", config, KEY, port=0)
    handle.port = int(handle.url.rsplit(":", 1)[1])
    yield handle
    handle.stop()


@pytest.fixture
def city(tmp_path, short_limits):
    from kiosk.diagnostics.selftest import LocalCityServer

    server = LocalCityServer(tmp_path, TOKEN)
    url = server.start()
    server.port = int(url.rsplit(":", 1)[1])
    server.url = url
    yield server
    server.stop()


def half_request(port: int, source: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), source_address=(source, 0),
                                    timeout=3)
    sock.send(b"GET / HTTP/1.1\r\n")
    return sock


def closed(sock: socket.socket, wait_s: float = 1.0) -> bool:
    sock.settimeout(wait_s)
    try:
        return sock.recv(16) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


def admitted(port: int, source: str) -> bool:
    """A new connection from `source` is kept open (not closed over the limit)."""
    sock = half_request(port, source)
    with sock:
        return not closed(sock, 0.3)


def raw(port: int, data: bytes, source: str = "127.0.0.1") -> bytes:
    sock = socket.create_connection(("127.0.0.1", port), source_address=(source, 0),
                                    timeout=5)
    with sock:
        sock.sendall(data)
        return read_answer(sock)


def status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer else 0


@pytest.mark.parametrize("server", ["hub", "city"])
def test_a_connection_flood_is_capped_and_stations_keep_room(server, request, caplog):
    caplog.set_level(logging.INFO)
    running = request.getfixturevalue(server)
    port = running.port
    headers = {"X-Office-Key": KEY} if server == "hub" else {"Authorization": f"Bearer {TOKEN}"}
    probe = running.url + ("/api/v1/snapshot" if server == "hub" else "/api/v1/health")
    socks = []
    try:
        one = [half_request(port, "127.0.3.1") for _ in range(9)]
        socks += one
        assert [closed(s, 0.3) for s in one[:8]] == [False] * 8
        assert closed(one[8]), "the 9th connection of one address stays open"
        # Many addresses fill the total: a station from another address still gets in.
        flood = [half_request(port, f"127.0.3.{i}") for i in range(2, 8) for _ in range(8)]
        socks += flood
        open_now = sum(not closed(s, 0.05) for s in socks)
        assert open_now <= 20 + 1
        http = requests.Session()
        http.trust_env = False
        started = time.monotonic()
        assert http.get(probe, headers=headers, timeout=5).status_code == 200
        assert time.monotonic() - started < 3
    finally:
        for s in socks:
            s.close()
    # The refusals are said in one line per interval (1 s here), at its end.
    wait_until(lambda: any("over the limit" in r.getMessage() for r in caplog.records))
    lines = [r.getMessage() for r in caplog.records if "over the limit" in r.getMessage()]
    assert 1 <= len(lines) <= 3, lines
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # Released once the server has seen the closes: the flooding address may connect again.
    wait_until(lambda: admitted(port, "127.0.3.1"))


def test_failed_accepts_are_one_line_per_interval(monkeypatch, caplog):
    monkeypatch.setattr(limits, "LOG_INTERVAL_S", 0.5, raising=False)
    caplog.set_level(logging.INFO)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        limits.quiet_accept_errors(loop, "hub")
        for _ in range(500):
            loop.call_exception_handler({"message": "socket.accept() out of system resource",
                                         "exception": OSError(24, "Too many open files")})
        # The count comes at the end of the interval (0.5 s here): wait for it.
        deadline = loop.time() + 10
        while len(caplog.records) < 2 and loop.time() < deadline:
            await asyncio.sleep(0.02)

    asyncio.run(main())
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2, lines
    assert "accept() failed" in lines[0] and "499 more" in lines[1]
    assert not [r for r in caplog.records if r.exc_info]


def test_malformed_requests_are_logged_a_few_lines_then_counted(hub, caplog):
    caplog.set_level(logging.INFO)
    bad = b"GET /api/v1/snapshot?x=\xff" + b"B" * 2000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    for _ in range(40):
        raw(hub.port, bad, "127.0.0.20")
    # Five lines at once, the count at the end of the interval (1 s here): wait for it.
    wait_until(lambda: any("suppressed" in r.getMessage() for r in caplog.records))
    lines = [r.getMessage() for r in caplog.records if r.name == "aiohttp.server"]
    assert len(lines) == 6, lines
    assert "35 more malformed requests suppressed" in lines[-1]


BAD_ENDS = [b"\x00", b"\x01", b"\x7f", b"\r", b" \x0b", b"\n X-Cont: y"]


def test_keys_never_reach_the_log_from_a_bad_header_line(hub, city, caplog):
    caplog.set_level(logging.INFO)
    station_key = requests.post(hub.url + "/api/v1/pair", headers={"X-Office-Key": KEY},
                                json={"station_id": "counter-9", "role": "counter"},
                                timeout=5).json()
    station_key = station_key.get("key") or station_key.get("token") or station_key
    assert isinstance(station_key, str), station_key
    cases = [(hub.port, b"X-Office-Key: " + KEY.encode()),
             (hub.port, b"X-Office-Key: " + station_key.encode()),
             (hub.port, b"Authorization: Bearer " + station_key.encode()),
             (city.port, b"Authorization: Bearer " + TOKEN.encode())]
    for port, header in cases:
        for end in BAD_ENDS:
            answer = raw(port, b"GET /api/v1/reference/services HTTP/1.1\r\nHost: x\r\n"
                         + header + end + b"\r\nConnection: close\r\n\r\n", "127.0.0.21")
            assert status(answer) in (400, 401, 404), answer[:80]
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "Invalid header value char" in text
    for secret in (KEY, station_key, TOKEN):
        assert secret not in text
        assert secret[:16] not in text


def test_a_websocket_key_that_is_not_ascii_is_a_400(hub, caplog):
    caplog.set_level(logging.INFO)
    answer = raw(hub.port, b"GET /api/v1/events HTTP/1.1\r\nHost: x\r\nX-Office-Key: "
                 + KEY.encode() + b"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: \xc3\xa9"
                 + b"A" * 21 + b"==\r\n\r\n")
    assert status(answer) == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_keys_that_are_not_utf8_count_as_wrong_keys(hub, caplog):
    caplog.set_level(logging.INFO)
    bad = (b"GET /api/v1/snapshot HTTP/1.1\r\nHost: x\r\nX-Office-Key: \xff\xfe"
           + b"A" * 100 + b"\r\nConnection: close\r\n\r\n")
    codes = [status(raw(hub.port, bad, "127.0.0.22")) for _ in range(14)]
    assert codes[0] == 400 and 429 in codes, codes
    assert len([r for r in caplog.records if "127.0.0.22" in r.getMessage()]) <= 1


def test_a_full_disk_is_a_503_with_retry_after_logged_once(hub, monkeypatch, caplog):
    caplog.set_level(logging.INFO)

    def full(*_args, **_kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(type(hub.queue), "issue", full)
    http = requests.Session()
    http.trust_env = False
    for _ in range(3):
        r = http.post(hub.url + "/api/v1/tickets", headers={"X-Office-Key": KEY},
                      json={"service": "CT"}, timeout=5)
        assert r.status_code == 503, r.text
        assert r.headers["Retry-After"] and r.json()["error"] == "storage_unavailable"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and not errors[0].exc_info
    assert "full" in errors[0].getMessage()


def test_an_emptied_database_is_refused_not_silently_new(tmp_path):
    from kiosk.diagnostics.checks import Context, check_database
    from kiosk.paths import Paths
    from kiosk.store import connect
    from kiosk.store.db import StoreError

    data = tmp_path / "station"
    data.mkdir()
    connect(data / "new.db").conn.close()  # brand new: fine
    db = data / "kiosk.db"
    connect(db).conn.close()
    (data / "station-id").write_text("counter-abc")
    db.write_bytes(b"")
    connect(db).conn.close()  # just emptied: as while another connection creates it
    db.write_bytes(b"")
    past = time.time() - 3600  # emptied before this start (a crash, a disk fault)
    os.utime(db, (past, past))
    with pytest.raises(StoreError, match="empty.*kiosk restore"):
        connect(db)
    assert db.stat().st_size == 0
    [result] = check_database(Context(Paths(data, data / "kiosk.toml"), None))
    assert not result.ok and "empty" in result.detail


def test_a_full_disk_is_not_called_damage_in_the_store_error(tmp_path, monkeypatch):
    from kiosk.store import db as db_mod

    real = sqlite3.connect

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(db_mod.sqlite3, "connect", full)
    with pytest.raises(db_mod.StoreError) as caught:
        db_mod.connect(tmp_path / "kiosk.db")
    assert "full" in str(caught.value) and "move it aside and restart" not in str(caught.value)
    monkeypatch.setattr(db_mod.sqlite3, "connect", real)


@pytest.mark.parametrize("key", ["Mậtkhẩuvănphòngxã2026", "key with\ttab-0123456789"])
def test_keys_must_be_printable_ascii(key):
    from kiosk.config import key_weakness
    from kiosk.queue.settings import key_problem

    assert "ASCII" in key_weakness(key)
    assert "ASCII" in key_problem(key)


def test_the_support_bundle_masks_any_key_header_and_key_setting():
    from kiosk.diagnostics.redact import redact_text

    text = redact_text("hub: Invalid header value char: b'X-Office-Key: Zq8vN2xKp4TtR7mW\\x00' "
                       "Authorization: Bearer Yt5uI8oP2aS4dF6g; station_key = \"Hj3kL5zX7cV9bN1m\"")
    for secret in ("Zq8vN2xKp4TtR7mW", "Yt5uI8oP2aS4dF6g", "Hj3kL5zX7cV9bN1m"):
        assert secret not in text
    assert "X-Office-Key: ***" in text and "Bearer ***" in text


def test_a_client_with_an_accented_key_gets_a_plain_error(tmp_path):
    import subprocess
    import sys

    from tests.hubutil import ROOT

    proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp_path),
                           "queue", "--hub", "http://127.0.0.1:9", "--key",
                           "Mậtkhẩuvănphòngxã2026"], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "ASCII" in proc.stderr
