"""Every record type a station makes reaches the city, and nothing a station sends can make
the city answer 5xx or keep other stations out: the reference server as a real process (or,
for the timing cases, in a thread) on 127.0.0.1, real SQLite files, `kiosk seed` and
`kiosk sync once` as a technician runs them."""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import sqlite3
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.diagnostics.selftest import LocalCityServer
from sync import protocol as p
from sync.seed import OUTBOX_TYPES, SEEDERS
from sync.server.store import open_store
from tests.faultproxy import ROOT, TOKEN, CityServer, assert_city_has_exactly, env, kiosk_cmd
from tests.util import wait_until

OFFICE = "000.00.01.H26"
STATION_TOKEN = "quay-1-token-4f9a0c2e7b"


def envelope(rtype: str, payload: dict | str, **changes) -> dict:
    rid = str(uuid.uuid4())
    text = payload if isinstance(payload, str) else json.dumps(
        payload, ensure_ascii=False, separators=(",", ":"))
    env_ = {"id": rid, "type": rtype, "office": OFFICE, "station": "quay-1",
            "created_at": "2026-12-01T08:00:00+07:00", "schema_version": 1, "payload": text}
    env_.update(changes)
    return env_


def push(url: str, records, token: str = TOKEN, raw: bytes | None = None):
    body = raw if raw is not None else json.dumps({"records": records},
                                                  ensure_ascii=False).encode()
    return requests.post(f"{url}/api/v1/records", data=gzip.compress(body),
                         headers={"Authorization": f"Bearer {token}",
                                  "Content-Type": "application/json",
                                  "Content-Encoding": "gzip"}, timeout=20)


FEEDBACK = {"uid": "x", "topic": "Thái độ phục vụ", "text": "Cán bộ hướng dẫn nhiệt tình.",
            "phone": None, "at": "2026-12-01T09:00:00+07:00", "station": "quay-1"}


def _module_db(request) -> str | None:
    """None (SQLite in tmp_path) or a fresh PostgreSQL database (tests/pgcluster.py)."""
    if request.param != "postgresql":
        return None
    cluster = request.getfixturevalue("postgres_cluster")
    if cluster is None:
        return request.getfixturevalue("postgres_url")
    return cluster.create_database()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def city(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("city")
    server = CityServer(tmp, db=_module_db(request))
    yield server
    server.stop()


# -- one table of record types -----------------------------------------------------------------

def test_the_table_of_record_types_drives_outbox_seed_and_protocol_document():
    from kiosk.store.outbox import SCHEMA_VERSIONS

    sent = {name for name, t in p.RECORD_TYPES.items() if t.from_stations}
    assert set(SCHEMA_VERSIONS) == sent
    for name, version in SCHEMA_VERSIONS.items():
        assert version in p.RECORD_TYPES[name].accepted
    # `kiosk seed` can make every type a station sends (a new type needs a seeder).
    assert set().union(*OUTBOX_TYPES.values()) == sent
    assert set(OUTBOX_TYPES) == set(SEEDERS)
    doc = yaml.safe_load((ROOT / "sync" / "openapi.yaml").read_text(encoding="utf-8"))
    envelope_schema = doc["components"]["schemas"]["Envelope"]["properties"]
    assert envelope_schema["type"]["enum"] == list(p.RECORD_TYPES)
    described = " ".join(envelope_schema["payload"]["description"].split())
    for t in p.RECORD_TYPES.values():
        assert f"`{t.name}` {' '.join(t.shape.split())}" in described, t.name


def test_the_outbox_refuses_a_type_the_city_would_never_take(tmp_path):
    from datetime import UTC, datetime

    from kiosk.store import connect, transaction
    from kiosk.store.outbox import UnknownRecordType, append_outbox

    db = connect(tmp_path / "kiosk.db")
    with pytest.raises(UnknownRecordType), transaction(db) as conn:
        append_outbox(conn, "complaint", {"uid": "x"}, datetime.now(UTC))
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0


def test_a_feedback_record_is_accepted_not_a_500(city):
    r = push(city.url, [envelope("feedback", dict(FEEDBACK, uid=str(uuid.uuid4())))])
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 1


@pytest.mark.parametrize("city_db", ["sqlite", "postgresql"])
def test_a_station_with_every_record_type_syncs_to_zero_pending(tmp_path, request, city_db):
    """`kiosk seed` with every kind, then `kiosk sync once` with a token bound to this office
    and station: everything arrives, byte-equal, once (SQLite and PostgreSQL at the city)."""
    db = request.getfixturevalue("postgres_url") if city_db == "postgresql" else None
    station = tmp_path / "station"
    station.mkdir()
    (station / "kiosk.toml").write_text(
        f'[office]\ncode = "{OFFICE}"\n[station]\nid = "quay-1"\nrole = "counter"\n',
        encoding="utf-8")
    tokens = tmp_path / "tokens.txt"
    tokens.write_text(f"{STATION_TOKEN} {OFFICE} quay-1\n", encoding="utf-8")
    server = CityServer(tmp_path, "--token-file", str(tokens), tokens=(), db=db)
    try:
        seeded = subprocess.run(
            kiosk_cmd(station, "seed", "--tickets", "60", "--dossiers", "8", "--feedback", "5",
                      "--ratings", "12", "--seed", "7"),
            capture_output=True, text=True, env=env(), cwd=ROOT, timeout=120)
        assert seeded.returncode == 0, seeded.stderr
        for kind in ("tickets: 60", "dossiers: 8", "feedback: 5", "ratings: 12"):
            assert kind in seeded.stdout
        synced = subprocess.run(
            kiosk_cmd(station, "sync", "once", "--server", server.url, "--token",
                      STATION_TOKEN, "--json"),
            capture_output=True, text=True, env=env(), cwd=ROOT, timeout=120)
        assert synced.returncode == 0, synced.stderr
        status = json.loads(synced.stdout)
        assert status["pending"] == 0 and status["set_aside"] == 0
        assert_city_has_exactly(server, station / "kiosk.db")
        arrived = {c["type"] for c in server.counts()["counts"]}
        assert arrived == {n for n, t in p.RECORD_TYPES.items() if t.from_stations}
    finally:
        server.stop()


def test_seeded_tickets_are_served_not_left_waiting(tmp_path):
    r = subprocess.run(kiosk_cmd(tmp_path, "seed", "--tickets", "120", "--ratings", "10",
                                 "--seed", "2"),
                       capture_output=True, text=True, env=env(), cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    conn = sqlite3.connect(tmp_path / "kiosk.db")
    try:
        status = dict(conn.execute("SELECT status, count(*) FROM tickets GROUP BY status"))
        rated = conn.execute("SELECT count(*) FROM ratings r JOIN tickets t "
                             "ON t.uid = r.ticket_uid AND t.status = 'done'").fetchone()[0]
        early = conn.execute("SELECT count(*) FROM tickets WHERE called_at < issued_at"
                             ).fetchone()[0]
    finally:
        conn.close()
    assert status.get("done", 0) >= 100 and status.get("skipped", 0) >= 1
    assert status.get("waiting", 0) <= 10
    assert rated == 10 and early == 0


# -- one record never fails the batch ----------------------------------------------------------

def test_bad_payloads_are_refused_one_by_one(city):
    good = envelope("feedback", dict(FEEDBACK, uid=str(uuid.uuid4())))
    deep = envelope("rating", "[" * 5000 + "]" * 5000)
    deep_object = envelope("feedback", '{"a":' * 3000 + "1" + "}" * 3000)
    big = envelope("feedback", dict(FEEDBACK, text="x" * (p.MAX_PAYLOAD_BYTES + 10)))
    wrong_shape = envelope("rating", {"uid": 1, "level": ["very_satisfied"], "reasons": "x"})
    year_one = envelope("ticket", {"number": "A001", "service": "CT", "issued_at": "x"},
                        created_at="0001-01-01T00:00:00+07:00")
    r = push(city.url, [good, deep, deep_object, big, wrong_shape, year_one])
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["accepted"] + ["rejected"] * 5
    assert [x["code"] for x in results[1:]] == [
        "invalid_payload", "invalid_payload", "payload_too_large", "invalid_payload",
        "invalid_created_at"]
    assert "level must be one of" in results[4]["reason"]


def test_a_body_nested_30000_deep_is_a_400(city):
    r = push(city.url, None, raw=b'{"records":' + b"[" * 30000 + b"]" * 30000 + b"}")
    assert r.status_code == 400 and r.json()["error"] == "invalid_body"


def test_a_record_the_store_cannot_take_is_refused_alone(tmp_path):
    """A real SQLite fault at the city (a trigger aborting one insert): that record is
    refused, the rest of its batch stored; when the store takes nothing, 503 and retry."""
    db = tmp_path / "city.db"
    open_store(db).close()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TRIGGER poison BEFORE INSERT ON records WHEN NEW.payload LIKE "
                 "'%poison%' BEGIN SELECT RAISE(ABORT, 'cannot store'); END")
    conn.commit()
    server = CityServer(tmp_path, db=str(db))
    try:
        fine = envelope("feedback", dict(FEEDBACK, uid=str(uuid.uuid4())))
        bad = envelope("feedback", dict(FEEDBACK, uid=str(uuid.uuid4()), text="poison"))
        r = push(server.url, [fine, bad])
        assert r.status_code == 200
        assert [(x["status"], x.get("code")) for x in r.json()["results"]] == [
            ("accepted", None), ("rejected", "unprocessable")]
        conn.execute("DROP TRIGGER poison")
        conn.execute("CREATE TRIGGER down BEFORE INSERT ON records "
                     "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END")
        conn.commit()
        r = push(server.url, [envelope("feedback", dict(FEEDBACK, uid=str(uuid.uuid4())))])
        assert r.status_code == 503 and r.headers["Retry-After"]
        assert r.json()["error"] == "store_unavailable"
    finally:
        conn.close()
        server.stop()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12)
PAYLOAD_KEYS = sorted({"uid", "number", "service", "issued_at", "ticket_uid", "kind", "at",
                       "level", "reasons", "topic", "text", "phone", "portal", "MaHoSo",
                       "MaTTHC", "KenhThucHien", "NgayTiepNhan", "TrangThaiHoSo",
                       "TaiLieuNop", "station", "office"})


@st.composite
def envelopes(draw):
    payload = draw(st.dictionaries(st.sampled_from(PAYLOAD_KEYS), JSON_VALUES, max_size=8))
    text = draw(st.one_of(st.just(json.dumps(payload)), st.text(max_size=30)))
    fields = {"type": draw(st.sampled_from([*p.RECORD_TYPES, "complaint"])),
              "schema_version": draw(st.sampled_from([1, 2, 0, "1", None])),
              "created_at": draw(st.sampled_from(["2026-12-01T08:00:00+07:00", "9999-12-31",
                                                  "2026-12-01\x0008:00:00+07:00",
                                                  "0001-01-01T00:00:00+00:00", ""]))}
    env_ = envelope("ticket", text)
    for key, value in fields.items():
        if draw(st.booleans()) or key == "type":
            env_[key] = value
    return env_


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batch=st.lists(envelopes(), min_size=1, max_size=5))
def test_no_record_of_any_type_makes_the_city_answer_5xx(city, batch):
    r = push(city.url, batch)
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert len(results) == len(batch)
    assert all(x["status"] in ("accepted", "duplicate", "rejected") for x in results)


# -- slow bodies -------------------------------------------------------------------------------

def _slow_body(port: int, stop: threading.Event, started: threading.Event,
               outcome: list) -> None:
    """Announce a 4 MB body and send one byte a second until answered or told to stop."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        sock.sendall(b"POST /api/v1/records HTTP/1.1\r\nHost: x\r\n"
                     b"Authorization: Bearer " + TOKEN.encode() + b"\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 4000000\r\n\r\n{")
        started.set()
        sock.settimeout(1.0)
        while not stop.is_set():
            try:
                answer = sock.recv(4096)
            except TimeoutError:
                try:
                    sock.sendall(b" ")
                except OSError:
                    outcome.append("closed")
                    return
                continue
            outcome.append(answer.split(b"\r\n", 1)[0].decode() if answer else "closed")
            return
    finally:
        sock.close()


@contextlib.contextmanager
def trickling_bodies(tmp_path, count: int, **limits):
    """A city server in this process with the given body limits, and `count` connections
    trickling a body into it; yields (url, outcomes): each connection's answer line."""
    server = LocalCityServer(tmp_path, TOKEN, **limits)
    url = server.start()
    port = int(url.rsplit(":", 1)[1])
    stop = threading.Event()
    outcomes: list[list] = [[] for _ in range(count)]
    threads = []
    try:
        for outcome in outcomes:
            started = threading.Event()
            t = threading.Thread(target=_slow_body, args=(port, stop, started, outcome),
                                 daemon=True)
            t.start()
            assert started.wait(10)
            threads.append(t)
        yield url, outcomes
    finally:
        stop.set()
        for t in threads:
            t.join(5)
        server.stop()


def test_slow_bodies_cannot_keep_other_stations_out(tmp_path):
    with trickling_bodies(tmp_path, 8, body_grace_s=3.0, body_min_rate=10_000_000,
                          max_body_reads_per_token=100) as (url, outcomes):
        # Eight bodies trickling in; other stations' pushes still go through at once.
        for _ in range(5):
            r = push(url, [envelope("feedback", dict(FEEDBACK, uid=str(uuid.uuid4())))])
            assert r.status_code == 200, r.text
            assert r.json()["accepted"] == 1
        # And the trickling ones are answered 408 once their deadline passes.
        wait_until(lambda: all(outcomes), timeout=15)
        assert all(o and ("408" in o[0] or o[0] == "closed") for o in outcomes), outcomes
        assert any("408" in o[0] for o in outcomes), outcomes


def test_one_token_cannot_hold_many_bodies_at_once(tmp_path):
    with trickling_bodies(tmp_path, 3, body_grace_s=5.0,
                          body_min_rate=10_000_000) as (_, outcomes):
        wait_until(lambda: any(outcomes), timeout=4)
        refused = [o for o in outcomes if o]
        assert len(refused) == 1 and "429" in refused[0][0], outcomes


# -- bad input never answers 5xx ---------------------------------------------------------------

def _raw(url: str, request: bytes) -> bytes:
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        return sock.recv(4096).split(b"\r\n", 1)[0]


ADMIN = b"Authorization: Bearer admin-token-0123456789\r\n"


def _put(path: bytes, body: bytes) -> bytes:
    return (b"PUT " + path + b" HTTP/1.1\r\nHost: x\r\n" + ADMIN
            + b"Content-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)


@pytest.mark.parametrize(("request_bytes", "status"), [
    (b"POST /api/v1/records HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\xc3\r\n"
     b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", b"401"),
    (b"GET /api/v1/records?after=%D9%A3 HTTP/1.1\r\nHost: x\r\n" + ADMIN + b"\r\n", b"400"),
    (b"GET /api/v1/records?limit=%C2%B2 HTTP/1.1\r\nHost: x\r\n" + ADMIN + b"\r\n", b"400"),
    (b"GET /api/v1/records?after=99999999999999999999999 HTTP/1.1\r\nHost: x\r\n" + ADMIN
     + b"\r\n", b"400"),
    (b"GET /api/v1/records/%ED%A0%80 HTTP/1.1\r\nHost: x\r\n" + ADMIN + b"\r\n", b"404"),
    (_put(b"/api/v1/reference/holidays", b'{"items":' + b"[" * 30000 + b"]" * 30000 + b"}"),
     b"400"),
    (_put(b"/api/v1/reference/holidays", b'{"items":[{"a":"\\ud800"}]}'), b"400"),
    (_put(b"/api/v1/reference/holidays", b'{"items":[{"a":NaN}]}'), b"400"),
    (b"GET /api/v1/records/\xff HTTP/1.1\r\nHost: x\r\n" + ADMIN + b"\r\n", b"400"),
])
def test_bad_input_gets_a_4xx_and_no_traceback(city, request_bytes, status):
    line = _raw(city.url, request_bytes)
    assert status in line, line
    # A grace period, not a wait for an event: a traceback would be written just after the
    # answer, and the absence of a line has no moment to wait for.
    time.sleep(0.1)
    assert "Traceback" not in city.stderr_path.read_text(encoding="utf-8", errors="replace")


def test_station_ids_are_unique_per_installation_and_stable(tmp_path):
    def station_ids(data_dir: Path) -> set[str]:
        r = subprocess.run(kiosk_cmd(data_dir, "seed", "--tickets", "2", "--seed", "1"),
                           capture_output=True, text=True, env=env(), cwd=ROOT, timeout=60)
        assert r.returncode == 0, r.stderr
        conn = sqlite3.connect(data_dir / "kiosk.db")
        try:
            return {row[0] for row in conn.execute("SELECT DISTINCT station_id FROM tickets")}
        finally:
            conn.close()

    first, second = tmp_path / "pc1", tmp_path / "pc2"
    ids_first, ids_second = station_ids(first), station_ids(second)
    assert len(ids_first) == 1 and len(ids_second) == 1
    assert ids_first != ids_second and "kiosk-1" not in ids_first | ids_second
    assert next(iter(ids_first)).startswith("kiosk-")
    assert station_ids(first) == ids_first  # the next start keeps it
    assert (first / "station-id").read_text(encoding="utf-8").strip() in ids_first


def test_a_push_cut_off_mid_body_logs_no_traceback(city):
    port = int(city.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"POST /api/v1/records HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                     + TOKEN.encode() + b"\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{\"records\":")
        time.sleep(0.3)  # the client stalls mid-body (what is tested), then drops
    # A grace period, not a wait for an event: the server logs the lost connection at INFO,
    # which stderr does not show, so only the absence of a traceback can be checked.
    time.sleep(0.5)
    log = city.stderr_path.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log and "internal error" not in log
