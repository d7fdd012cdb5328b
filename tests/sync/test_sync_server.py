"""The reference city server as a real process: auth, validation, dedup, limits, reads,
reference data with ETags."""

import contextlib
import gzip
import json
import os
import random
import signal
import sys
import threading
import time
import uuid
from collections import Counter

import pytest
import requests

from sync import protocol as p
from sync.server.store import open_store
from tests.faultproxy import ADMIN_TOKEN, REVOKED_TOKEN, TOKEN, CityServer
from tests.util import wait_until


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("city")
    s = CityServer(tmp, "--max-batch-records", "50", "--max-body-bytes", "200000")
    yield s
    s.stop()


def ticket(**changes):
    rid = str(uuid.uuid4())
    payload = json.dumps({"uid": rid, "number": "A001", "service": "CT",
                          "issued_at": "2026-01-05T08:00:00+07:00",
                          "service_name": "Chứng thực bản sao"}, ensure_ascii=False,
                         separators=(",", ":"), sort_keys=True)
    env = {"id": rid, "type": "ticket", "office": "000.00.01.H26", "station": "kiosk-1",
           "created_at": "2026-01-05T08:00:00+07:00", "schema_version": 1, "payload": payload}
    env.update(changes)
    return env


def push(server, records, token=TOKEN, gz=True, **kwargs):
    body = json.dumps({"records": records}, ensure_ascii=False).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if gz:
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    headers.update(kwargs.pop("headers", {}))
    return requests.post(f"{server.url}/api/v1/records", data=body, headers=headers,
                         timeout=10, **kwargs)


def test_health_and_document_need_no_token(server):
    assert requests.get(f"{server.url}/api/v1/health", timeout=5).json()["status"] == "ok"
    doc = requests.get(f"{server.url}/api/v1/openapi.yaml", timeout=5)
    assert doc.status_code == 200 and b"openapi: 3.1.0" in doc.content


@pytest.mark.parametrize(("token", "status", "code"), [
    (None, 401, "unauthorized"),
    ("wrong", 401, "unauthorized"),
    (REVOKED_TOKEN, 403, "token_revoked"),
])
def test_tokens_are_checked(server, token, status, code):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    r = requests.post(f"{server.url}/api/v1/records", data=b'{"records":[]}',
                      headers=headers, timeout=5)
    assert r.status_code == status
    assert r.json()["error"] == code


def test_station_tokens_cannot_read_records(server):
    r = requests.get(f"{server.url}/api/v1/counts",
                     headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
    assert r.status_code == 403


def test_push_accepts_dedups_and_keeps_payload_bytes(server):
    a, b = ticket(), ticket()
    r = push(server, [a, b])
    assert r.status_code == 200
    data = r.json()
    assert [x["status"] for x in data["results"]] == ["accepted", "accepted"]
    assert data["accepted"] == 2
    again = push(server, [b, a, a]).json()
    assert [x["status"] for x in again["results"]] == ["duplicate"] * 3
    stored = server.http.get(f"{server.url}/api/v1/records/{a['id']}", timeout=5).json()
    assert stored["payload"] == a["payload"]
    assert stored["payload"].encode() == a["payload"].encode()


def test_one_bad_record_does_not_fail_the_batch(server):
    good = ticket()
    bad_type = ticket(type="coffee")
    bad_payload = ticket(payload="{nope")
    no_id = {k: v for k, v in ticket().items() if k != "id"}
    r = push(server, [good, bad_type, bad_payload, no_id, "not an object"])
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["accepted"] + ["rejected"] * 4
    assert [x.get("code") for x in results[1:]] == [
        "unknown_type", "invalid_payload", "invalid_envelope", "invalid_envelope"]
    assert all(x["reason"] for x in results[1:])
    assert results[1]["id"] == bad_type["id"] and results[3]["id"] is None


def test_same_id_with_different_content_is_a_conflict(server):
    a = ticket()
    push(server, [a])
    other = dict(a, payload=a["payload"].replace("A001", "A002"))
    result = push(server, [other]).json()["results"][0]
    assert (result["status"], result["code"]) == ("rejected", "id_conflict")


def test_plain_json_is_accepted_too(server):
    assert push(server, [ticket()], gz=False).json()["accepted"] == 1


@pytest.mark.parametrize(("body", "headers", "status", "code"), [
    (b"not json", {}, 400, "invalid_body"),
    (b'{"records": []}', {}, 400, "invalid_body"),
    (b'{"records": {}}', {}, 400, "invalid_body"),
    (b'{"records": [1], "more": 1}', {}, 400, "invalid_body"),
    (b"\x1f\x8b garbage", {"Content-Encoding": "gzip"}, 400, "invalid_body"),
    (b"{}", {"Content-Encoding": "br"}, 415, "unsupported_encoding"),
    (b"{}", {"Content-Type": "text/plain"}, 415, "unsupported_media_type"),
])
def test_unreadable_bodies_are_refused_whole(server, body, headers, status, code):
    h = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json", **headers}
    r = requests.post(f"{server.url}/api/v1/records", data=body, headers=h, timeout=5)
    assert r.status_code == status
    assert r.json()["error"] == code


def test_size_limits(server):
    # More records than --max-batch-records.
    r = push(server, [ticket() for _ in range(51)])
    assert (r.status_code, r.json()["error"]) == (413, "batch_too_large")
    # A body over --max-body-bytes as sent.
    r = push(server, [ticket(payload=json.dumps({"pad": str(uuid.uuid4()) * 8000}))], gz=False)
    assert r.status_code == 413
    # A zip bomb: small as sent, huge unpacked.
    bomb = gzip.compress(b'{"records":[' + b" " * 40_000_000 + b"]}")
    assert len(bomb) < 200_000
    r = requests.post(f"{server.url}/api/v1/records", data=bomb, timeout=30, headers={
        "Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json",
        "Content-Encoding": "gzip"})
    assert (r.status_code, r.json()["error"]) == (413, "body_too_large")


def test_reads_list_count_and_get(server):
    records = [ticket(office="000.00.02.H26", station="quay-3") for _ in range(3)]
    records.append(ticket(office="000.00.02.H26", station="quay-3", type="queue_event",
                          payload=json.dumps(
        {"ticket_uid": records[0]["id"], "kind": "issued", "at": "2026-01-05T08:00:00+07:00"})))
    push(server, records)
    counts = server.counts()
    mine = {(c["office"], c["type"]): c["count"] for c in counts["counts"]}
    assert mine[("000.00.02.H26", "ticket")] == 3
    assert mine[("000.00.02.H26", "queue_event")] == 1
    assert counts["total"] == sum(c["count"] for c in counts["counts"])
    page = server.http.get(f"{server.url}/api/v1/records",
                           params={"station": "quay-3", "limit": 2}, timeout=5).json()
    assert len(page["records"]) == 2 and page["next_after"] is not None
    rest = server.http.get(f"{server.url}/api/v1/records", params={
        "station": "quay-3", "limit": 2, "after": page["next_after"]}, timeout=5).json()
    assert len(rest["records"]) == 2
    assert server.http.get(f"{server.url}/api/v1/records/{uuid.uuid4()}",
                           timeout=5).status_code == 404
    assert server.http.get(f"{server.url}/api/v1/records/nope", timeout=5).status_code == 404
    assert server.http.get(f"{server.url}/api/v1/records", params={"limit": "0"},
                           timeout=5).status_code == 400


def test_reference_data_with_etag_caching(server):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = requests.get(f"{server.url}/api/v1/reference/services", headers=auth, timeout=5)
    assert r.status_code == 200 and r.json()["items"]  # the bundled catalog by default
    etag = r.headers["ETag"]
    again = requests.get(f"{server.url}/api/v1/reference/services",
                         headers={**auth, "If-None-Match": etag}, timeout=5)
    assert again.status_code == 304 and again.headers["ETag"] == etag
    holidays = {"items": [{"date": "2026-02-16", "name": "Tết Nguyên Đán", "closed": True}]}
    put = requests.put(f"{server.url}/api/v1/reference/holidays", json=holidays,
                       headers=auth, timeout=5)
    assert put.status_code == 403  # station tokens cannot change reference data
    put = server.http.put(f"{server.url}/api/v1/reference/holidays", json=holidays, timeout=5)
    assert put.status_code == 200
    r = requests.get(f"{server.url}/api/v1/reference/holidays", headers=auth, timeout=5)
    assert r.json() == holidays and r.headers["ETag"] == put.headers["ETag"]
    assert requests.get(f"{server.url}/api/v1/reference/weather", headers=auth,
                        timeout=5).status_code == 404


def test_a_receiver_answers_reference_data_from_memory_while_fresh(tmp_path):
    """Another receiver's update (written to the database behind this one's back) shows once
    this receiver's copy is `reference_fresh_s` old; after its own PUT it reads the database
    again (two PUTs at once: the one stored last)."""
    import asyncio

    from aiohttp.test_utils import TestClient, TestServer

    from sync.server.app import ServerSettings, make_app

    db = tmp_path / "city.db"
    other = open_store(db)  # another receiver's connection
    auth = {"Authorization": f"Bearer {TOKEN}"}
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    first = {"items": [{"date": "2026-02-16", "name": "Tết", "closed": True}]}
    later = {"items": [{"date": "2026-04-30", "name": "Giải phóng", "closed": True}]}
    mine = {"items": [{"date": "2026-09-02", "name": "Quốc khánh", "closed": True}]}
    theirs = {"items": [{"date": "2026-01-01", "name": "Tết Dương lịch", "closed": True}]}

    async def run(fresh_s: float) -> list:
        other.put_reference("holidays", json.dumps(first))
        settings = ServerSettings(tokens=[TOKEN], admin_tokens=[ADMIN_TOKEN],
                                  reference_fresh_s=fresh_s)
        seen = []
        async with TestClient(TestServer(make_app(open_store(db), settings))) as client:
            async def holidays() -> dict:
                r = await client.get("/api/v1/reference/holidays", headers=auth)
                assert r.status == 200
                return await r.json()

            seen.append(await holidays())
            other.put_reference("holidays", json.dumps(later))
            seen.append(await holidays())
            put = await client.put("/api/v1/reference/holidays", json=mine, headers=admin)
            assert put.status == 200
            seen.append(await holidays())
            put = await client.put("/api/v1/reference/holidays", json=mine, headers=admin)
            other.put_reference("holidays", json.dumps(theirs))  # stored after this PUT
            seen.append(await holidays())
        return seen

    try:
        assert asyncio.run(run(3600.0)) == [first, first, mine, theirs]
        assert asyncio.run(run(0.0)) == [first, later, mine, theirs]
    finally:
        other.close()


def test_unknown_paths_and_methods_answer_json(server):
    r = server.http.get(f"{server.url}/api/v1/nothing", timeout=5)
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = server.http.delete(f"{server.url}/api/v1/counts", timeout=5)
    assert r.status_code == 405 and r.json()["error"] == "method_not_allowed"


def test_the_document_lists_every_route(server):
    import yaml

    doc = yaml.safe_load(requests.get(f"{server.url}{p.OPENAPI_PATH}", timeout=5).text)
    assert set(doc["paths"]) == {p.HEALTH_PATH, p.OPENAPI_PATH, p.PUSH_PATH,
                                 p.PUSH_PATH + "/{record_id}", p.COUNTS_PATH,
                                 p.REFERENCE_PATH + "/{name}"}
    assert ADMIN_TOKEN not in json.dumps(doc)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """The city database on SQLite and on a real PostgreSQL server (tests/pgcluster.py)."""
    if request.param == "sqlite":
        return str(tmp_path / "city.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.close()


def test_stores_dedup_and_read_alike(store):
    envs = [p.validate_envelope(ticket()) for _ in range(3)]
    assert [r.status for r in store.push(envs[:2])] == ["accepted", "accepted"]
    changed = p.Envelope(**{**envs[0].as_json(), "payload": envs[1].payload})
    results = store.push([envs[1], envs[2], envs[2], changed])
    assert [r.status for r in results] == ["duplicate", "accepted", "duplicate", "rejected"]
    assert results[3].code == "id_conflict"
    assert store.get(envs[2].id)["payload"] == envs[2].payload
    assert [r["record_id"] for r in store.list(limit=10)] == [e.id for e in envs]
    assert store.counts() == [{"office": "000.00.01.H26", "type": "ticket", "count": 3}]
    etag = store.put_reference("holidays", '{"items":[]}')
    assert store.get_reference("holidays") == ('{"items":[]}', etag)


def test_a_batch_repeating_an_id_with_other_content_keeps_the_first(store):
    a = p.validate_envelope(ticket())
    other = p.Envelope(**{**a.as_json(), "payload": a.payload.replace("A001", "A009")})
    results = store.push([a, other, a])
    assert [(r.status, r.code) for r in results] == [
        ("accepted", None), ("rejected", "id_conflict"), ("duplicate", None)]
    assert store.get(a.id)["payload"] == a.payload


def test_awkward_text_is_stored_byte_for_byte_alike(store):
    # PostgreSQL takes a batch as one JSON text: its escapes must come back as they went in.
    names = ["Nguyễn Thị \"Hoa\" \\ C:\\dir", "tab\tline\nend \u2028 \U0001F600 ạ́",
             "\\u0000 \\ud800 \\\" {}[],:", "'; DROP TABLE records; --"]
    envs = []
    for name in names:
        env = ticket(station="quầy-1")
        data = json.loads(env["payload"])
        data["service_name"] = name
        env["payload"] = json.dumps(data, ensure_ascii=False)
        envs.append(p.validate_envelope(env))
    envs.append(p.validate_envelope(ticket(payload=json.dumps(
        json.loads(ticket()["payload"]), ensure_ascii=True, indent=1))))
    assert {r.status for r in store.push(envs)} == {"accepted"}
    for env in envs:
        row = store.get(env.id)
        assert (row["payload"], row["station"], row["created_at"]) == (
            env.payload, env.station, env.created_at)
    assert [r.status for r in store.push(envs)] == ["duplicate"] * len(envs)


def test_filters_and_paging_alike(store):
    envs = [p.validate_envelope(ticket(station=f"quay-{i % 2}")) for i in range(6)]
    store.push(envs)
    mine = store.list(station="quay-1", limit=2)
    assert [r["record_id"] for r in mine] == [envs[1].id, envs[3].id]
    rest = store.list(station="quay-1", after=mine[-1]["seq"], limit=2)
    assert [r["record_id"] for r in rest] == [envs[5].id]
    assert store.list(office="000.00.09.H26") == []
    assert len(store.list(record_type="ticket", limit=100)) == 6


def test_a_new_database_gets_every_migration_in_order(store_url):
    from sync.server import store as st

    s = open_store(store_url)
    try:
        assert s.schema_version() == st.SCHEMA_VERSION == len(st.MIGRATIONS)
        assert s.migrate() == []  # nothing left to do, also when opened again
    finally:
        s.close()
    again = open_store(store_url)
    try:
        assert again.migrate() == [] and again.schema_version() == st.SCHEMA_VERSION
    finally:
        again.close()


def _raw_execute(url: str, statements) -> None:
    if url.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            for sql in statements:
                conn.execute(sql)
    else:
        import sqlite3

        conn = sqlite3.connect(url)
        try:
            for sql in statements:
                conn.execute(sql)
            conn.commit()
        finally:
            conn.close()


def test_a_database_from_before_migrations_is_taken_over(store_url):
    """The tables as the first release made them (CREATE ... IF NOT EXISTS, no
    schema_version), holding a record: migrated in place, the record kept."""
    from sync.server import store as st

    dialect = "postgresql" if store_url.startswith("postgresql://") else "sqlite"
    _raw_execute(store_url, st.migration_statements(dialect, 1))
    env_ = p.validate_envelope(ticket())
    _raw_execute(store_url, [
        "INSERT INTO records (record_id, record_type, office, station, created_at, "
        f"schema_version, payload, received_at) VALUES ('{env_.id}', 'ticket', "
        f"'{env_.office}', '{env_.station}', '{env_.created_at}', 1, "
        f"'{env_.payload}', '2026-01-05T01:00:00+00:00')"])
    s = open_store(store_url)
    try:
        assert s.schema_version() == st.SCHEMA_VERSION
        assert [r.status for r in s.push([env_])] == ["duplicate"]
        assert s.get(env_.id)["payload"] == env_.payload
    finally:
        s.close()


def test_a_database_from_a_newer_release_is_refused(store_url):
    from sync.server import store as st

    open_store(store_url).close()
    _raw_execute(store_url, ["INSERT INTO schema_version (version, name, applied_at) "
                             f"VALUES ({st.SCHEMA_VERSION + 1}, 'later', 'x')"])
    with pytest.raises(st.SchemaTooNew, match="newer than this program"):
        open_store(store_url)


def test_each_migration_is_one_transaction(store_url):
    """A migration that fails half-way leaves the database at the version before it."""
    from sync.server import store as st

    broken = (*st.MIGRATIONS, ("broken", ("CREATE TABLE later_one (x INTEGER)",
                                          "CREATE TABLE records (x INTEGER)")))
    old = st.MIGRATIONS, st.SCHEMA_VERSION
    st.MIGRATIONS, st.SCHEMA_VERSION = broken, len(broken)
    try:
        with pytest.raises(Exception, match="(?i)exists"):
            open_store(store_url)
    finally:
        st.MIGRATIONS, st.SCHEMA_VERSION = old
    s = open_store(store_url)
    try:
        assert s.schema_version() == st.SCHEMA_VERSION
        if store_url.startswith("postgresql://"):
            rows = s._rows("SELECT to_regclass('later_one') IS NULL", ())
            assert rows[0][0]
        else:
            assert s.conn.execute("SELECT count(*) FROM sqlite_master WHERE name = "
                                  "'later_one'").fetchone()[0] == 0
    finally:
        s.close()


def test_the_server_on_postgresql(tmp_path, postgres_url):
    server = CityServer(tmp_path, db=postgres_url)
    try:
        a = ticket()
        answer = push(server, [a, a])
        assert answer.json()["results"][1]["status"] == "duplicate"
        # The city's time and its parts, for operators and the city benchmark.
        timing = dict(m.strip().split(";dur=") for m in
                      answer.headers["Server-Timing"].split(","))
        assert list(timing) == ["city", "wait", "db"]
        city, wait, db = map(float, timing.values())
        assert 0 < db <= city and 0 <= wait <= city
        assert server.records()[0]["payload"] == a["payload"]
        assert server.counts()["total"] == 1
    finally:
        server.stop()


def test_a_token_is_bound_to_one_office_and_station(tmp_path):
    tokens = tmp_path / "tokens.txt"
    tokens.write_text("# token office station\n"
                      "bound-token-0123456789 000.00.01.H26 quay-1  # counter 1\n"
                      "other-token-0123456789 000.00.02.H26 quay-1\n", encoding="utf-8")
    server = CityServer(tmp_path, "--token-file", str(tokens), tokens=())
    try:
        mine, other = ticket(station="quay-1"), ticket(station="quay-2")
        elsewhere = ticket(station="quay-1", office="000.00.02.H26")
        results = push(server, [mine, other, elsewhere],
                       token="bound-token-0123456789").json()["results"]
        assert [r["status"] for r in results] == ["accepted", "rejected", "rejected"]
        assert [r.get("code") for r in results] == [None, "station_mismatch",
                                                    "office_mismatch"]
        assert push(server, [elsewhere], token="other-token-0123456789").json()["accepted"]
        assert push(server, [other], token="other-token-0123456789").json()["rejected"] == 1
        assert {(r["office"], r["station"]) for r in server.records()} == {
            ("000.00.01.H26", "quay-1"), ("000.00.02.H26", "quay-1")}
    finally:
        server.stop()


def _record(rtype: str, payload: dict, **changes) -> dict:
    rid = str(uuid.uuid4())
    env = {"id": rid, "type": rtype, "office": "000.00.01.H26", "station": "quay-1",
           "created_at": "2026-12-01T08:00:00+07:00", "schema_version": 1,
           "payload": json.dumps(payload, ensure_ascii=False)}
    env.update(changes)
    return env


def _dossier(code: str, **more) -> dict:
    return {"MaHoSo": code, "MaTTHC": "1.001", "KenhThucHien": 1,
            "NgayTiepNhan": "20261201080000", "TrangThaiHoSo": 10, **more}


def test_a_records_content_is_bound_to_the_tokens_office(tmp_path):
    """A token of office 01 cannot file a dossier under office 02's code, change the status of
    one, nor send a ticket whose payload names office 02; each is refused alone. Its own
    codes (any case), a payload naming an older station id, and a staging token are fine."""
    tokens = tmp_path / "tokens.txt"
    tokens.write_text("bound-token-0123456789 000.00.01.H26 quay-1\n", encoding="utf-8")
    server = CityServer(tmp_path, "--token-file", str(tokens))
    other = "000.00.02.H26-261201-0001"
    ticket_payload = {"uid": str(uuid.uuid4()), "number": "A001", "service": "CT",
                      "issued_at": "2026-12-01T08:00:00+07:00", "office": "000.00.02.H26",
                      "station": "quay-9"}
    try:
        records = [
            _record("dossier", _dossier(other, ChuHoSo="Forged")),
            _record("dossier", {"code": other, "portal": _dossier("000.00.01.H26-261201-0001")}),
            _record("dossier", {"receiving_unit": {"code": "000.00.02.H26"},
                                "portal": _dossier("000.00.01.H26-261201-0002")}),
            _record("dossier_status", {"MaHoSo": other, "TrangThaiHoSo": 10}),
            _record("ticket", ticket_payload),
            # accepted: its own codes, the deciding unit elsewhere, an older station id
            _record("dossier", {"code": "000.00.01.H26-261201-0003",
                                "receiving_unit": {"code": "000.00.01.H26"},
                                "deciding_unit": {"code": "000.00.09.H26"},
                                "portal": _dossier("000.00.01.h26-261201-0003")}),
            _record("dossier_status", {"MaHoSo": "000.00.01.H26-261201-0003",
                                       "TrangThaiHoSo": 9}),
            _record("ticket", dict(ticket_payload, uid=str(uuid.uuid4()),
                                   office="000.00.01.H26")),
        ]
        results = push(server, records, token="bound-token-0123456789").json()["results"]
        assert [(r["status"], r.get("code")) for r in results] == [
            ("rejected", "unit_mismatch"), ("rejected", "unit_mismatch"),
            ("rejected", "unit_mismatch"), ("rejected", "unit_mismatch"),
            ("rejected", "office_mismatch"),
            ("accepted", None), ("accepted", None), ("accepted", None)]
        assert all("H26" not in (r.get("reason") or "") for r in results)  # no values
        # a staging token may send other offices' codes, but not a payload at odds with
        # its own envelope
        staged = push(server, [_record("dossier", _dossier(other), office="000.00.02.H26"),
                               _record("ticket", dict(ticket_payload, uid=str(uuid.uuid4())))
                               ]).json()["results"]
        assert [(r["status"], r.get("code")) for r in staged] == [
            ("accepted", None), ("rejected", "office_mismatch")]
    finally:
        server.stop()


@pytest.mark.parametrize(("line", "problem"), [
    ("free-token-0123456789\n", "line 1: write 'TOKEN OFFICE STATION'"),
    ("bound-token-0123456789 quay-1\n", "line 1: write 'TOKEN OFFICE STATION'"),
    ("# header\ntiny1 000.00.01.H26 quay-1\n", "line 2: the token is shorter than 16"),
])
def test_the_token_file_binds_every_token(tmp_path, line, problem):
    tokens = tmp_path / "tokens.txt"
    tokens.write_text(line, encoding="utf-8")
    with pytest.raises(RuntimeError) as failed:
        CityServer(tmp_path, "--token-file", str(tokens), tokens=())
    message = str(failed.value)
    assert problem in message and "Traceback" not in message
    assert line.split("\n")[-2].split()[0] not in message  # never the token itself


BOUND_LINE = "bound-token-0123456789 000.00.01.H26 quay-1\n"


@pytest.mark.parametrize(("args", "file_text", "problem"), [
    # a station's token also given as admin would read everything and push for any office
    (("--admin-token", "bound-token-0123456789"), BOUND_LINE,
     "given both with --token-file and with --admin-token"),
    (("--token", "bound-token-0123456789"), BOUND_LINE,
     "given both with --token and with --token-file"),
    (("--admin-token", "x"), BOUND_LINE, "--admin-token number 2 must be at least 16"),
    (("--token", "b"), BOUND_LINE, "--token number 1 must be at least 16"),
    (("--token", "abababababababababab"), BOUND_LINE, "--token number 1 is too easy"),
    ((), "aaaaaaaaaaaaaaaaaaaaaaaa 000.00.01.H26 quay-1\n", "line 1: the token is too easy"),
])
def test_city_tokens_are_strong_and_have_one_role(tmp_path, args, file_text, problem):
    tokens = tmp_path / "tokens.txt"
    tokens.write_text(file_text, encoding="utf-8")
    with pytest.raises(RuntimeError) as failed:
        CityServer(tmp_path, "--token-file", str(tokens), *args, tokens=())
    message = str(failed.value)
    assert problem in message and "Traceback" not in message
    assert "bound-token-0123456789" not in message and "abababab" not in message


def test_a_damaged_city_database_is_named_in_one_line(tmp_path):
    """`kiosk --data-dir D city-server --db OTHER.db`: the fault names OTHER.db, not
    D/kiosk.db, in one line without a traceback."""
    damaged = tmp_path / "other.db"
    damaged.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    with pytest.raises(RuntimeError) as failed:
        CityServer(tmp_path, db=str(damaged))
    message = str(failed.value)
    assert f"the database {damaged} is damaged" in message, message
    assert "kiosk.db" not in message and "Traceback" not in message


def test_a_token_file_saved_with_a_bom_and_a_revoked_station_token(tmp_path):
    """Notepad's UTF-8 BOM is not part of the first token; a token both bound and revoked is
    revoked (revoked wins), and that is no start-up error."""
    tokens = tmp_path / "tokens.txt"
    tokens.write_text("\ufeff" + BOUND_LINE
                      + "gone-token-0123456789 000.00.01.H26 quay-2\n", encoding="utf-8")
    server = CityServer(tmp_path, "--token-file", str(tokens), tokens=(),
                        revoked=(REVOKED_TOKEN, "gone-token-0123456789"))
    try:
        r = push(server, [ticket(station="quay-1")], token="bound-token-0123456789")
        assert r.status_code == 200 and r.json()["accepted"] == 1, r.text
        gone = push(server, [ticket(station="quay-2")], token="gone-token-0123456789")
        assert gone.status_code == 403 and gone.json()["error"] == "token_revoked"
    finally:
        server.stop()


# -- several receiver processes (--workers) ------------------------------------------------------

def _children(pid: int) -> list[int]:
    path = f"/proc/{pid}/task/{pid}/children"
    with open(path, encoding="ascii") as f:
        return [int(x) for x in f.read().split()]


def _listening(pid: int, port: int) -> bool:
    """Process `pid` has a socket of its own listening on TCP `port`."""
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[len("socket:["):-1])
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table, encoding="ascii") as f:
            for row in f.read().splitlines()[1:]:
                local, state, inode = row.split()[1], row.split()[3], row.split()[9]
                if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port and inode in inodes:
                    return True
    return False


def test_pushes_waiting_for_the_database_are_stored_together_each_answered_alone(
        postgres_url):
    """Pushes that wait for one of the receiver's PostgreSQL connections go in one statement,
    and each gets the answers it would have had alone: an id sent by two pushes is accepted
    once and a duplicate (or a conflict) for the other, and a push the database refuses
    costs the pushes stored with it nothing."""
    import asyncio

    from sync.server.store import AsyncPostgresPusher

    open_store(postgres_url).close()  # migrated
    shared = [p.validate_envelope(ticket()) for _ in range(5)]
    clash = p.Envelope(**{**shared[0].as_json(), "payload": shared[1].payload})
    pushes = [[p.validate_envelope(ticket()) for _ in range(3)] + [shared[i % 5]]
              for i in range(30)]
    pushes[7].append(clash)
    # No station sends it (validation refuses a NUL): PostgreSQL's text cannot hold one.
    refused = p.Envelope(**{**ticket(), "payload": '{"x":"a\x00b"}'})
    pushes.insert(12, [refused])

    async def run():
        pusher = AsyncPostgresPusher(postgres_url, 2)
        await pusher.open()
        try:
            return await asyncio.gather(*(pusher.push(batch) for batch in pushes),
                                        return_exceptions=True)
        finally:
            await pusher.close()

    answers = asyncio.run(run())
    assert isinstance(answers.pop(12), Exception)
    pushes.pop(12)
    statuses: Counter = Counter()
    for batch, results in zip(pushes, answers, strict=True):
        assert [r.id for r in results] == [e.id for e in batch]
        for env, result in zip(batch, results, strict=True):
            statuses[env.id, result.status, result.code] += 1
    for env in shared:
        assert statuses[env.id, "accepted", None] == 1
        assert statuses[env.id, "duplicate", None] == 5
    assert statuses[shared[0].id, "rejected", "id_conflict"] == 1
    store = open_store(postgres_url)
    try:
        rows = store.list(limit=1000)
    finally:
        store.close()
    assert len(rows) == len({r["record_id"] for r in rows}) == 30 * 3 + 5
    assert refused.id not in {r["record_id"] for r in rows}
    # Stored together: fewer statements (one received_at each) than pushes.
    assert len({r["received_at"] for r in rows}) < 30


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="--workers needs Linux")
def test_several_receivers_store_each_record_once(tmp_path, postgres_url):
    """Three receiver processes on one port: the same records pushed by eight stations at
    once are stored once, answered `accepted` exactly once each; a receiver that dies is
    replaced while the others go on serving."""
    tokens = [f"station-{n}-token-0123456789" for n in range(8)]
    server = CityServer(tmp_path, "--workers", "3", db=postgres_url, tokens=(TOKEN, *tokens))
    try:
        workers = _children(server.proc.pid)
        assert len([w for w in workers if w]) >= 3
        records = [ticket() for _ in range(300)]
        answers: list[list[dict]] = []
        failures: list[str] = []
        lock = threading.Lock()

        def station(seed: int) -> None:
            mine = list(records)
            random.Random(seed).shuffle(mine)
            for start in range(0, len(mine), 50):
                r = push(server, mine[start:start + 50], token=tokens[seed])
                with lock:
                    if r.status_code == 200:
                        answers.append(r.json()["results"])
                    else:
                        failures.append(r.text)

        threads = [threading.Thread(target=station, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not failures
        accepted = Counter(x["id"] for batch in answers for x in batch
                           if x["status"] == "accepted")
        statuses = Counter(x["status"] for batch in answers for x in batch)
        assert statuses == {"accepted": 300, "duplicate": 7 * 300}
        assert set(accepted.values()) == {1} and len(accepted) == 300
        stored = server.records()
        assert sorted(r["id"] for r in stored) == sorted(r["id"] for r in records)

        os.kill(workers[0], signal.SIGKILL)
        wait_until(lambda: workers[0] not in _children(server.proc.pid)
                   and len(_children(server.proc.pid)) == len(workers), timeout=20)
        port = int(server.url.rsplit(":", 1)[1])
        new = [pid for pid in _children(server.proc.pid) if pid not in workers]
        wait_until(lambda: _listening(new[0], port), timeout=20)  # the new receiver
        for _ in range(20):  # every connection is new: each may land on any receiver
            assert push(server, [ticket()]).json()["accepted"] == 1
    finally:
        server.stop()
    assert server.proc.returncode == 0
    for pid in workers[1:]:
        assert not os.path.exists(f"/proc/{pid}")  # stopped and reaped with the parent


def test_several_receivers_need_postgresql(tmp_path):
    with pytest.raises(RuntimeError) as failed:
        CityServer(tmp_path, "--workers", "2")
    assert "--workers N needs PostgreSQL" in str(failed.value)
    assert "Traceback" not in str(failed.value)


def test_connections_per_address_can_be_raised_or_lowered(tmp_path):
    """Behind a load balancer every connection has its address: the cap is an option."""
    import socket

    server = CityServer(tmp_path, "--max-connections-per-address", "2")
    port = int(server.url.rsplit(":", 1)[1])
    held = []
    try:
        for _ in range(2):
            held.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        third = socket.create_connection(("127.0.0.1", port), timeout=5)
        third.settimeout(5)
        third.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        deadline = time.monotonic() + 5
        answer = b"?"
        while time.monotonic() < deadline:
            try:
                answer = third.recv(100)
                break
            except OSError:
                answer = b""
                break
        third.close()
        assert answer == b"", answer  # closed at once, never served
    finally:
        for s in held:
            s.close()
        server.stop()


def test_a_refused_push_keeps_its_connection_and_a_waiting_push_is_not_starved(postgres_url):
    """A statement the database refuses (the data, not the connection) leaves the connection
    serving: no new PostgreSQL session per refusal. And pushes sent back to back by a busy
    station cannot keep one that arrived meanwhile waiting for the connection: it is handed
    on to the longest waiting push."""
    import asyncio

    from sync.server.store import AsyncPostgresPusher

    open_store(postgres_url).close()  # migrated
    refused = p.Envelope(**{**ticket(), "payload": '{"x":"a\x00b"}'})

    async def run():
        pusher = AsyncPostgresPusher(postgres_url, 1)
        await pusher.open()
        first = pusher._all[0]
        try:
            for _ in range(3):
                with pytest.raises(Exception):  # noqa: B017 (psycopg's own error class)
                    await pusher.push([refused])
            assert pusher._all == [first] and not first.closed
            done: list[str] = []

            async def busy(name: str) -> None:
                for _ in range(20):
                    await pusher.push([p.validate_envelope(ticket())])
                    done.append(name)

            async def once() -> None:
                await asyncio.sleep(0)
                await pusher.push([p.validate_envelope(ticket())])
                done.append("once")

            await asyncio.gather(busy("a"), busy("b"), once())
            return done
        finally:
            await pusher.close()

    done = asyncio.run(run())
    assert done.index("once") < 10, done


@pytest.mark.parametrize("created_at", ["2026-12-01\x0008:00:00+07:00",
                                        "2026-12-01X08:00:00+07:00",
                                        "2026-12-01T08:00:00+07:00\u00a0"])
def test_a_timestamp_with_a_stray_character_is_refused(created_at):
    assert p.is_aware_timestamp("2026-12-01T08:00:00+07:00")
    assert p.is_aware_timestamp("2026-12-01 08:00:00.123456+07:00")
    assert not p.is_aware_timestamp(created_at)
