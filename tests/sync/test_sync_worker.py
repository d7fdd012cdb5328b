"""The sync worker against the real reference server (and the fault proxy) on 127.0.0.1."""

import json
import math
import re
import shutil
import subprocess
import threading
import uuid

import pytest

from kiosk.store import connect, transaction
from sync import status as st
from sync.worker import UNREACHABLE, SyncSettings, SyncWorker
from tests.faultproxy import (
    ERROR_503,
    PASS,
    REVOKED_TOKEN,
    ROOT,
    TOKEN,
    CityServer,
    FaultProxy,
    assert_city_has_exactly,
    env,
    kiosk_cmd,
    seed_station,
)
from tests.util import wait_until


@pytest.fixture
def city(tmp_path):
    server = CityServer(tmp_path)
    yield server
    server.stop()


def make_worker(db_path, url, token=TOKEN, on_change=None, **kw):
    settings = SyncSettings(server_url=url, token=token, backoff_base_s=0.01,
                            backoff_cap_s=0.05, timeout_s=5, **kw)
    return SyncWorker(db_path, settings, office="000.00.01.H26", station="kiosk-1",
                      on_change=on_change)


def test_drains_a_backlog_in_batches(city, db_path):
    made = seed_station(db_path, 100)
    assert made == 300
    worker = make_worker(db_path, city.url, batch_max_records=64)
    final = worker.drain()
    worker.close()
    assert final.state == st.UP_TO_DATE and final.pending == 0 and final.set_aside == 0
    assert worker.wire.records_sent == 300
    assert worker.wire.requests == math.ceil(300 / 64) + 3  # pushes + 3 reference pulls
    assert_city_has_exactly(city, db_path)
    db = connect(db_path)
    saved = st.read_status(db, city.url)
    assert saved.state == st.UP_TO_DATE and saved.last_success_at is not None
    assert db.execute("SELECT count(*) FROM outbox WHERE sync_result = 'accepted'"
                      ).fetchone()[0] == 300


def test_byte_limit_makes_smaller_batches(city, db_path):
    seed_station(db_path, 20)
    worker = make_worker(db_path, city.url, batch_max_bytes=4000)
    worker.drain()
    worker.close()
    assert worker.wire.requests - 3 >= 60 * 300 // 4000
    assert_city_has_exactly(city, db_path)


def _insert_outbox(db, record_type, payload, record_id=None):
    with transaction(db) as conn:
        conn.execute("INSERT INTO outbox (record_id, record_type, schema_version, created_at, "
                     "payload) VALUES (?, ?, 1, '2026-01-05T08:00:00+07:00', ?)",
                     (record_id or str(uuid.uuid4()), record_type, payload))


def test_a_rejected_record_is_set_aside_and_blocks_nothing(city, db_path, tmp_path):
    seed_station(db_path, 5)
    db = connect(db_path)
    _insert_outbox(db, "ticket", '{"number": "A009"}')      # misses required fields
    _insert_outbox(db, "horoscope", '{"sign": "Leo"}')       # a type the city does not know
    seed_station(db_path, 5, seed=2)
    worker = make_worker(db_path, city.url)
    final = worker.drain()
    assert final.pending == 0 and final.set_aside == 2 and final.needs_technician
    aside = st.set_aside_records(db)
    assert [a.record_type for a in aside] == ["ticket", "horoscope"]
    assert aside[0].reason.startswith("invalid_payload") and "issued_at" in aside[0].reason
    assert aside[1].reason.startswith("unknown_type")
    assert city.counts()["total"] == 30
    # Not retried by itself.
    before = worker.wire.requests
    worker.drain()
    assert worker.wire.requests == before
    worker.close()
    # The technician sees them, then puts them back once the city has fixed things.
    out = subprocess.run(kiosk_cmd(tmp_path, "--config", str(tmp_path / "none.toml"),
                                   "sync", "status", "--json", "--server", city.url,
                                   "--token", TOKEN),
                         capture_output=True, text=True, env=_env_db(db_path), cwd=ROOT)
    data = json.loads(out.stdout)
    assert data["set_aside"] == 2 and len(data["set_aside_records"]) == 2
    assert data["pending"] == 0 and data["needs_technician"]
    assert st.requeue(db, [aside[1].record_id]) == 1
    assert st.pending_count(db) == 1


def _env_db(db_path):
    """Point the CLI at a test database: a config file with [store] path."""
    e = env()
    cfg = db_path.parent / "kiosk.toml"
    cfg.write_text(f'[store]\npath = "{db_path}"\n', encoding="utf-8")
    e["KIOSK_CONFIG"] = str(cfg)
    return e


@pytest.mark.parametrize("token", [REVOKED_TOKEN, "a-token-the-city-never-issued"])
def test_a_refused_token_stops_the_worker(city, db_path, token):
    seed_station(db_path, 10)
    with FaultProxy(city.url) as proxy:
        worker = make_worker(db_path, proxy.url, token=token)
        worker.start()
        worker._thread.join(5)
        assert not worker._thread.is_alive(), "the worker must stop by itself"
        status = worker.status()
        assert status.state == st.STOPPED and status.needs_technician
        assert "token" in status.last_error
        assert sum(proxy.seen.values()) <= 2  # no hammering
    assert worker.step() == UNREACHABLE
    saved = st.read_status(connect(db_path), city.url)
    assert saved.state == st.ERROR and "token" in saved.last_error
    assert saved.pending == 30
    assert city.counts()["total"] == 0


def test_retry_after_is_honoured(city, db_path):
    seed_station(db_path, 2)
    plan = {1: ERROR_503}
    with FaultProxy(city.url, plan=lambda n, m, path: plan.get(n, PASS),
                    retry_after="7") as proxy:
        worker = make_worker(db_path, proxy.url, reference_interval_s=1e9)
        worker._next_reference = math.inf
        assert worker.step() >= 7
        assert worker.status().next_attempt_at is not None
        assert worker.step() == 0
        worker.close()
    assert_city_has_exactly(city, db_path)


def test_batches_shrink_when_the_server_limits_them(tmp_path, db_path):
    server = CityServer(tmp_path, "--max-batch-records", "10")
    try:
        seed_station(db_path, 20)
        worker = make_worker(db_path, server.url, batch_max_records=50)
        final = worker.drain()
        worker.close()
        assert final.pending == 0 and final.set_aside == 0
        assert_city_has_exactly(server, db_path)
    finally:
        server.stop()


def test_reference_data_is_pulled_with_etags(city, db_path):
    worker = make_worker(db_path, city.url)
    assert worker.pull_reference() == dict.fromkeys(("procedures", "services", "holidays"),
                                                    "updated")
    assert worker.pull_reference() == dict.fromkeys(("procedures", "services", "holidays"),
                                                    "unchanged")
    db = connect(db_path)
    services = st.reference_data(db, "services")
    assert any(s["code"] == "CT" for s in services["items"])
    worker.close()


def test_worker_thread_publishes_status_and_wakes_for_new_records(city, db_path):
    seed_station(db_path, 30)
    seen = []
    lock = threading.Lock()

    def on_change(s):
        with lock:
            seen.append((s.state, s.pending, s.progress))

    worker = make_worker(db_path, city.url, batch_max_records=20, interval_s=30,
                         on_change=on_change)
    worker.start()
    try:
        wait_until(lambda: worker.status().state == st.UP_TO_DATE, timeout=20)
        seed_station(db_path, 3, seed=9)
        worker.wake()
        wait_until(lambda: worker.status().sent_total == 99 and worker.status().pending == 0,
                   timeout=20)
    finally:
        worker.stop()
    assert not worker._thread.is_alive()
    states = [s for s, _, _ in seen]
    assert st.SENDING in states and states[-1] == st.UP_TO_DATE
    progress = [p for _, _, p in seen if p is not None]
    assert progress and all(0 <= p <= 1 for p in progress)
    assert_city_has_exactly(city, db_path)


def test_offline_is_remembered_for_people(db_path, tmp_path):
    seed_station(db_path, 4)
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    worker = make_worker(db_path, url)
    delay = worker.step()
    assert 0 <= delay <= 0.05
    status = worker.status()
    assert status.state == st.OFFLINE and status.offline_since is not None
    assert status.headline("en").startswith("Offline since")
    worker.close()
    saved = st.read_status(connect(db_path), url)
    assert saved.state == st.OFFLINE and saved.pending == 12 and "unreachable" in \
        saved.last_error
    # `kiosk sync once` fails (records still waiting) and says why.
    e = _env_db(db_path)
    r = subprocess.run(kiosk_cmd(tmp_path, "sync", "once", "--server", url, "--token", TOKEN),
                       capture_output=True, text=True, env=e, cwd=ROOT)
    assert r.returncode == 1 and "unreachable" in r.stderr


def test_cli_once_status_and_seed(city, db_path, tmp_path):
    e = _env_db(db_path)
    r = subprocess.run(kiosk_cmd(tmp_path, "seed", "--tickets", "7", "--seed", "3"),
                       capture_output=True, text=True, env=e, cwd=ROOT)
    made = re.search(r"tickets: 7 created \((\d+) outbox records\)", r.stdout)
    assert r.returncode == 0 and made, r.stdout
    made = int(made.group(1))
    assert made > 21  # issued, printed, and most also called and finished or skipped
    r = subprocess.run(kiosk_cmd(tmp_path, "sync", "status", "--json", "--server", city.url,
                                 "--token", TOKEN), capture_output=True, text=True, env=e,
                       cwd=ROOT)
    before = json.loads(r.stdout)
    assert before["pending"] == made and before["last_success"] is None
    assert set(before) >= {"pending", "set_aside", "last_success", "last_error", "state"}
    r = subprocess.run(kiosk_cmd(tmp_path, "sync", "once", "--server", city.url, "--token",
                                 TOKEN, "--progress"), capture_output=True, text=True, env=e,
                       cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert f"{made}/{made} records" in r.stderr  # the progress bar
    r = subprocess.run(kiosk_cmd(tmp_path, "sync", "status", "--server", city.url),
                       capture_output=True, text=True, env=e, cwd=ROOT)
    assert "Up to date" in r.stdout and "Pending:       0" in r.stdout
    assert_city_has_exactly(city, db_path)
    # Sync off without a server: a clear message, not a crash.
    r = subprocess.run(kiosk_cmd(tmp_path, "sync", "once"), capture_output=True, text=True,
                       env=e, cwd=ROOT)
    assert r.returncode == 2 and "server_url" in r.stderr


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_https_with_a_custom_ca_bundle(tmp_path, db_path):
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
             "ca.pem", "-days", "2", "-subj", "/CN=Test City CA", cwd=tmp_path)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out",
             "server.csr", "-subj", "/CN=localhost", cwd=tmp_path)
    (tmp_path / "ext.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf",
             cwd=tmp_path)
    server = CityServer(tmp_path, "--tls-cert", str(tmp_path / "server.pem"), "--tls-key",
                        str(tmp_path / "server.key"))
    try:
        assert server.url.startswith("https://")
        seed_station(db_path, 3)
        # Verification is on: without the city's CA the certificate is refused.
        worker = make_worker(db_path, server.url)
        worker.step()
        status = worker.status()
        assert status.state == st.ERROR and status.needs_technician
        assert "certificate" in status.last_error
        worker.close()
        worker = make_worker(db_path, server.url, ca_bundle=str(tmp_path / "ca.pem"))
        assert worker.drain().pending == 0
        worker.close()
        server.http.verify = str(tmp_path / "ca.pem")
        assert_city_has_exactly(server, db_path)
    finally:
        server.stop()


def test_real_dossier_records_are_accepted(city, db_path):
    """The counter module's dossier records (portal fields under "portal") pass the city's
    validation: none is set aside."""
    pytest.importorskip("kiosk.dossiers.seed")
    import random

    from kiosk.config import Config
    from sync.seed import seed_dossiers

    db = connect(db_path)
    db.execute("PRAGMA synchronous = OFF")
    made = seed_dossiers(db, Config(), 25, rng=random.Random(5))
    assert made >= 25
    worker = make_worker(db_path, city.url)
    final = worker.drain()
    worker.close()
    assert final.pending == 0 and final.set_aside == 0, st.set_aside_records(db)
    assert_city_has_exactly(city, db_path)
    counts = {c["type"]: c["count"] for c in city.counts()["counts"]}
    assert counts["dossier"] >= 25
