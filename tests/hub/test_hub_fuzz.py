"""Random requests against a real hub on 127.0.0.1: whatever the path, query, headers (the
office key in non-UTF-8 bytes too) and body (JSON of every shape, very deep nesting, huge
numbers, bytes that are not UTF-8), the hub answers below 500, an error of its own as JSON
{"error", "message", "message_vi"}, and logs no error."""

from __future__ import annotations

import itertools
import json
import logging
import socket
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kiosk.config import Config
from kiosk.hub import protocol as p
from kiosk.hub.server import start_hub_in_thread
from tests.hubutil import KEY

ROUTES = [
    ("GET", p.HEALTH_PATH), ("GET", p.SERVICES_PATH), ("GET", p.SNAPSHOT_PATH),
    ("POST", p.TICKETS_PATH), ("GET", p.TICKETS_PATH + "/{ticket_id}"),
    ("POST", p.TICKETS_PATH + "/{ticket_id}/print"),
    ("POST", p.TICKETS_PATH + "/{ticket_id}/dossiers"),
    ("GET", p.COUNTERS_PATH + "/{counter}"),
    *[("POST", p.COUNTERS_PATH + "/{counter}/" + a)
      for a in ("next", "recall", "skip", "transfer", "finish")],
    ("POST", p.OFFICE_RECORDS_PATH), ("GET", p.DOSSIERS_PATH + "/{code}"),
    ("GET", p.EVENTS_PATH),
]
ROUTES += [r for r in getattr(p, "PERMISSIONS", {}) if r not in ROUTES]  # newer routes

FIELDS = ["service", "priority", "ok", "detail", "at", "op_id", "dossier_code", "counter",
          "ticket_id", "services", "clerk", "to_service", "to_counter", "records", "id",
          "type", "data", "station_id", "role", "since", "changes"]


ADDRESSES = (n for n in itertools.count(1 << 16) if n & 255 not in (0, 255))


class Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def fuzz_hub(tmp_path_factory):
    errors = Errors()
    logging.getLogger().addHandler(errors)
    hub = start_hub_in_thread(tmp_path_factory.mktemp("fuzz") / "hub.db", Config(), KEY,
                              port=0)
    hub.port = int(hub.url.rsplit(":", 1)[1])
    for _ in range(3):
        hub.queue.issue("CT")
    hub.queue.call_next(1, [], "Lan")
    hub.keys = [KEY]
    if hasattr(p, "PAIR_PATH"):  # paired stations' credentials reach the role-bound handlers
        for role in ("counter", "kiosk", "display"):
            r = requests.post(hub.url + p.PAIR_PATH, json={"station_id": f"fuzz-{role}",
                                                         "role": role},
                              headers={p.KEY_HEADER: KEY}, timeout=5)
            if r.status_code == 200 and "token" in r.json():
                hub.keys.append(r.json()["token"])
    hub.errors = errors
    yield hub
    hub.stop()
    logging.getLogger().removeHandler(errors)


# -- strategies --------------------------------------------------------------------------------

segments = st.one_of(
    st.integers(-2 ** 70, 2 ** 70).map(str),
    st.integers(0, 5).map(str),
    st.sampled_from(["²", "٣", "３", "1²", "", " ", "..", "%", "%00", "%ff", "%ed%a0%80",
                     "%c3", "0x10", "1e3", "-0", "+1", "9" * 30, "9" * 5000, "HS-1",
                     "\ud800"]).map(lambda s: s if s.startswith("%") else quote(
                         s, safe="", errors="surrogatepass")),
    st.text(max_size=20).map(lambda s: quote(s, safe="")),
    st.binary(max_size=12).map(lambda b: quote(b, safe="")),
)

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-2 ** 80, 2 ** 80), st.sampled_from([2 ** 63,
                                                                               -2 ** 63 - 1]),
    st.floats(), st.text(max_size=30), st.sampled_from(["\ud800", "a\udfffb", "CT", "HT"]),
)
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=16)

offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
times = st.one_of(
    st.builds(lambda d, tz: d.replace(tzinfo=tz).isoformat(), st.datetimes(), offsets),
    st.integers(-60 * 24 * 40, 60 * 24 * 3).map(
        lambda m: (datetime.now(UTC) + timedelta(minutes=m)).isoformat()),
    st.datetimes().map(datetime.isoformat), st.text(max_size=30),
)
field_values = {
    "at": times, "op_id": st.one_of(st.uuids().map(str), st.text(max_size=40)),
    "ok": st.one_of(st.booleans(), json_scalars),
    # Dossier changes (POST /dossiers/changes): the right keys, values of every shape.
    "changes": st.lists(st.fixed_dictionaries(
        {}, optional={"id": st.one_of(st.uuids().map(str), json_scalars),
                      "kind": st.sampled_from(["intake", "status", "x"]),
                      "code": st.one_of(st.just("000.00.01.H26-260101-0001"), json_scalars),
                      "base_version": json_scalars, "station": json_scalars,
                      "dossier": json_values, "event": json_values, "after": json_values,
                      "city": json_values}), max_size=4),
    "records": st.lists(st.fixed_dictionaries(
        {}, optional={"id": json_scalars, "type": st.sampled_from(["dossier", "rating", "x"]),
                      "data": json_values}), max_size=4),
}
shaped = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6).flatmap(
    lambda d: st.fixed_dictionaries(
        {k: field_values.get(k, json_values) for k in d}) if d else st.just({}))


def _deep(n: int, opener: str, closer: str, closed: bool) -> bytes:
    return (opener * n + ("0" + closer * n if closed else "")).encode()


bodies = st.one_of(
    shaped.map(lambda d: json.dumps(d).encode()),  # NaN, Infinity, surrogate escapes too
    json_values.map(lambda v: json.dumps(v).encode()),
    st.builds(_deep, st.integers(1, 40000), st.sampled_from(["[", '{"a":']),
              st.sampled_from(["]", "}"]), st.booleans()),
    st.integers(10, 5000).map(lambda n: b'{"ticket_id": ' + b"9" * n + b"}"),
    st.binary(max_size=200),
    st.just(b""),
    shaped.map(lambda d: json.dumps(d).encode() + b"\xff\xfe"),
)

good_keys = st.integers(0, 9).map(lambda i: ("good", i))
bad_keys = st.one_of(st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126),
                             max_size=40).map(str.encode),
                     st.binary(min_size=1, max_size=40).filter(
                         lambda b: b"\r" not in b and b"\n" not in b),
                     st.just(b"")).map(lambda b: ("bad", b))
extra_headers = st.lists(st.sampled_from([
    b"Content-Type: text/plain", b"Content-Type: application/json; charset=latin-1",
    b"Content-Encoding: gzip", b"Content-Encoding: br", b"Expect: 100-continue",
    b"Origin: http://evil.example", b"Accept-Encoding: \xff", b"X-Other: \xc3\x28",
    b"Upgrade: websocket", b"Connection: Upgrade", b"Sec-WebSocket-Version: 13",
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", b"Transfer-Encoding: chunked",
]), max_size=4, unique=True)


@st.composite
def hub_requests(draw):
    method, template = draw(st.sampled_from(ROUTES))
    if draw(st.integers(0, 9)) == 0:
        method = draw(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]))
    path = template
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        path = path[:start] + draw(segments) + path[end + 1:]
    if draw(st.integers(0, 9)) == 0:
        path += "/" + draw(segments)
    query = draw(st.lists(st.tuples(st.sampled_from(["since", "since", "x", "code"]),
                                    segments), max_size=3))
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query)
    key = draw(good_keys) if draw(st.integers(0, 9)) < 8 else draw(bad_keys)  # mostly valid
    how = draw(st.sampled_from(["X-Office-Key", "Bearer"]))
    body = draw(bodies) if method != "GET" or draw(st.integers(0, 4)) == 0 else b""
    return method, path.encode("utf-8", "surrogatepass"), key, how, draw(extra_headers), body


def send(hub, method: str, path: bytes, key, how: str, headers: list[bytes], body: bytes,
         ) -> tuple[int, bytes, bytes]:
    kind, value = key
    source = "127.0.0.1"
    if kind == "good":
        value = hub.keys[value % len(hub.keys)].encode()
    else:  # a wrong key from an address of its own: the hub's lock-out is per address
        n = next(ADDRESSES)
        source = f"127.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
    auth = (b"X-Office-Key: " + value if how == "X-Office-Key"
            else b"Authorization: Bearer " + value)
    head = b"\r\n".join([method.encode() + b" " + path + b" HTTP/1.1", b"Host: 127.0.0.1",
                         auth, *headers, b"Content-Length: " + str(len(body)).encode()])
    with socket.create_connection(("127.0.0.1", hub.port), timeout=15,
                                  source_address=(source, 0)) as sock:
        sock.sendall(head + b"\r\n\r\n" + body)
        answer = b""
        while b"\r\n\r\n" not in answer or answer.startswith(b"HTTP/1.1 100 "):
            if answer.startswith(b"HTTP/1.1 100 ") and b"\r\n\r\n" in answer:
                answer = answer.partition(b"\r\n\r\n")[2]  # after "100 Continue"
                continue
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        top, _, rest = answer.partition(b"\r\n\r\n")
        lines = top.split(b"\r\n")
        status = int(lines[0].split()[1]) if lines and lines[0].startswith(b"HTTP/") else 0
        length = next((int(line.split(b":", 1)[1]) for line in lines[1:]
                       if line.lower().startswith(b"content-length:")), None)
        while status != 101 and length is not None and len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
    return status, top, rest


@settings(max_examples=400, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.large_base_example])
@given(req=hub_requests())
def test_the_hub_never_answers_5xx(fuzz_hub, req):
    method, path, key, how, headers, body = req
    status, top, rest = send(fuzz_hub, method, path, key, how, headers, body)
    event(f"{key[0]} {how} status {status}")
    assert 100 <= status < 500, (status, top, rest[:300])
    if status >= 400 and b"application/json" in top.lower():
        answer = json.loads(rest)
        assert answer["error"] and answer["message"] and answer["message_vi"], answer
    assert not fuzz_hub.errors.records, [r.getMessage() for r in fuzz_hub.errors.records]


def test_the_hub_still_serves_after_the_fuzz(fuzz_hub):
    r = requests.get(fuzz_hub.url + p.SNAPSHOT_PATH, headers={p.KEY_HEADER: KEY}, timeout=5)
    assert r.status_code == 200
    assert not fuzz_hub.errors.records


# -- dossier changes: real changes with one part replaced --------------------------------------

@pytest.fixture(scope="module")
def real_changes(tmp_path_factory):
    """A counter's real intake and status change (kiosk/dossiers/book.py shapes)."""
    from kiosk.dossiers import DossierStatus
    from tests.dossiers.bookutil import Counter
    from tests.dossiers.test_dossiers_helpers import CLERK, intake

    counter = Counter(tmp_path_factory.mktemp("fuzz-counter"), "fuzz-counter")
    taken = counter.desk.save_intake(intake(), clerk=CLERK)
    moved = counter.desk.change_status(taken.code, DossierStatus.PROCESSING, clerk=CLERK)
    changes = [counter.intake_change(taken), counter.status_change(moved, 2)]
    counter.close()
    return changes


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


def _replaced(value, path, new):
    if not path:
        return new
    copy = list(value) if isinstance(value, list) else dict(value)
    copy[path[0]] = _replaced(value[path[0]], path[1:], new)
    return copy


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_dossier_changes_with_any_part_replaced_never_answer_5xx(fuzz_hub, real_changes, data):
    change = data.draw(st.sampled_from(real_changes))
    path = data.draw(st.sampled_from(list(_paths(change))))
    odd = _replaced(change, path, data.draw(json_values))
    counter_key = fuzz_hub.keys[1]  # fuzz-counter
    body = json.dumps({"changes": [odd, change]}).encode()
    status, top, rest = send(fuzz_hub, "POST", p.DOSSIER_CHANGES_PATH.encode(),
                             ("good", 1), "Bearer", [], body)
    assert counter_key and status in (200, 400), (status, rest[:300])
    event(f"status {status}")
    if status == 200:
        results = json.loads(rest)["results"]
        event(f"the odd change: {results[0]['result']}")
        assert len(results) == 2
        assert results[1]["result"] in ("applied", "unchanged", "conflict", "rejected")
        assert {r["result"] for r in results} <= {"applied", "unchanged", "conflict",
                                                  "rejected"}
    assert not fuzz_hub.errors.records, [r.getMessage() for r in fuzz_hub.errors.records]
