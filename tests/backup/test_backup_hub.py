"""Backups sent to the office hub (PUT /api/v1/backups/{station_id}) on a real `kiosk hub`
process on 127.0.0.1: a kiosk or counter credential for its own station only, owner-only
files, rotation at the hub, its own size limit and deadline while every other route keeps the
64 KiB limit."""

from __future__ import annotations

import contextlib
import gzip
import socket
import stat
import time
from pathlib import Path

import pytest
import requests

from kiosk.backup import UploadError, backup_round, check_backup, take_backup, upload_to_hub
from kiosk.backup.files import station_backups
from kiosk.backup.schedule import read_state
from kiosk.config import Config
from kiosk.diagnostics.checks import PASS, run_checks
from kiosk.diagnostics.checks import check_backup as doctor_check
from kiosk.hub import protocol as p
from kiosk.paths import Paths
from kiosk.store import connect
from kiosk.ticketing import TicketDesk
from tests.hubutil import KEY, HubProcess, pair, read_answer
from tests.util import wait_until

HUB_CONFIG = "[backup]\nhub_keep = 2\nhub_max_mb = 1\n"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    h = HubProcess(tmp_path_factory.mktemp("backuphub") / "data", config=HUB_CONFIG)
    yield h
    h.stop()


def _station(tmp_path: Path, station_id: str, hub: HubProcess, key: str,
             **backup) -> tuple[Config, Paths]:
    data = tmp_path / station_id
    data.mkdir()
    paths = Paths(data_dir=data, config_file=data / "kiosk.toml")
    config = Config().with_values(
        station={"id": station_id, "role": "counter"},
        hub={"role": "client", "url": hub.url, "station_key": key},
        backup={"to_hub": True, **backup})
    db = connect(paths.database)
    TicketDesk(db, config).issue("CT")
    db.conn.close()
    return config, paths


def _stored(hub: HubProcess, station_id: str) -> list[Path]:
    # Oldest first by the time in the name, as the hub rotates them: by name alone, a second
    # backup within the same second ("...-1Z") would sort before the first ("...Z").
    return station_backups(hub.data_dir / "station-backups" / station_id, station_id)


def _arriving(folder: Path) -> list[Path]:
    """The upload the hub is receiving into `folder` just now (its .part file)."""
    return sorted(folder.glob(".incoming-*.part")) if folder.exists() else []


def _put(hub: HubProcess, station_id: str, body: bytes, key: str, **headers) -> requests.Response:
    with requests.Session() as http:
        http.trust_env = False
        return http.put(f"{hub.url}{p.BACKUPS_PATH}/{station_id}", data=body, timeout=30,
                        headers={"Authorization": f"Bearer {key}", **headers})


def test_a_counter_sends_its_backup_and_the_hub_keeps_the_newest(hub, tmp_path):
    token = pair(hub.url, "counter-b1", "counter")
    config, paths = _station(tmp_path, "counter-b1", hub, token)
    sent = []
    for _ in range(3):
        result = backup_round(config, paths)
        assert result.ok, result
        assert result.folder is None  # no folder configured: only the hub
        sent.append(result.hub["stored"])
    stored = _stored(hub, "counter-b1")
    assert [s.name for s in stored] == sent[-2:]  # hub_keep = 2
    for path in stored:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.name.endswith(".db.gz")
    assert stat.S_IMODE(stored[0].parent.stat().st_mode) == 0o700
    info = check_backup(stored[-1], work_dir=tmp_path)
    assert info.station_id == "counter-b1"
    assert not list(paths.data_dir.glob(".backup-*"))  # the station's temporary copy is gone
    (res,) = run_checks(paths, config=config, checks=[doctor_check])
    assert res.status == PASS and res.name == "backup to hub", res
    assert read_state(paths)["hub"]["last_error"] is None


def test_only_kiosk_and_counter_credentials_for_their_own_station(hub, tmp_path):
    counter = pair(hub.url, "counter-b2", "counter")
    kiosk = pair(hub.url, "kiosk-b2", "kiosk")
    display = pair(hub.url, "display-b2", "display")
    config, paths = _station(tmp_path, "kiosk-b2", hub, kiosk)
    backup = tmp_path / "k.db"
    take_backup(paths.database, backup, station_id="kiosk-b2")
    body = backup.read_bytes()

    assert upload_to_hub(config, backup)["station_id"] == "kiosk-b2"
    r = _put(hub, "kiosk-b2", body, display)
    assert r.status_code == 403 and r.json()["error"] == "forbidden"
    r = _put(hub, "kiosk-b2", body, counter)  # another station's id
    assert r.status_code == 403
    r = _put(hub, "kiosk-b2", body, KEY)  # the office key acts as admin: not a station
    assert r.status_code == 403
    r = _put(hub, "kiosk-b2", body, "wrong-key-0123456789")
    assert r.status_code == 401
    assert [path.name.endswith(".db") for path in _stored(hub, "kiosk-b2")] == [True]

    display_config = config.with_values(station={"id": "display-b2"},
                                        hub={"station_key": display})
    with pytest.raises(UploadError, match="403"):
        upload_to_hub(display_config, backup)
    assert not _stored(hub, "display-b2")


def test_the_backup_route_has_its_own_limits_and_the_others_keep_theirs(hub, tmp_path):
    token = pair(hub.url, "counter-b3", "counter")
    r = _put(hub, "counter-b3", b"\x00" * (2 * 1024 * 1024), token)  # hub_max_mb = 1
    assert r.status_code == 413
    r = _put(hub, "counter-b3", b"hello, not a database" * 100, token)
    assert r.status_code == 400 and "not a station backup" in r.json()["message"]
    # Larger than the 64 KiB of every other route, within its own limit: taken.
    big = gzip.compress(b"") + b"\x00" * (p.MAX_BODY_BYTES * 4)
    r = _put(hub, "counter-b3", big, token)
    assert r.status_code == 200, r.text
    assert r.json()["size_bytes"] == len(big)
    assert not [x for x in (hub.data_dir / "station-backups" / "counter-b3").iterdir()
                if x.name.startswith(".")]
    # Every other route still refuses a body over 64 KiB.
    with requests.Session() as http:
        http.trust_env = False
        r = http.post(hub.url + p.TICKETS_PATH, data=b"{" + b" " * p.MAX_BODY_BYTES + b"}",
                      headers={"Authorization": f"Bearer {token}",
                               "Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 413


def test_a_backup_without_length_or_cut_off_is_not_stored(hub, tmp_path):
    token = pair(hub.url, "counter-b4", "counter")

    def chunks():
        yield b"SQLite format 3\x00"
        yield b"\x00" * 1000

    r = _put(hub, "counter-b4", chunks(), token)  # chunked: no Content-Length
    assert r.status_code == 411
    # A body that stops half-way: the hub waits out its deadline or the cut, stores nothing.
    host, port = hub.url.removeprefix("http://").rsplit(":", 1)
    folder = hub.data_dir / "station-backups" / "counter-b4"
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(f"PUT {p.BACKUPS_PATH}/counter-b4 HTTP/1.1\r\nHost: x\r\n"
                  f"Authorization: Bearer {token}\r\nContent-Length: 100000\r\n\r\n"
                  .encode() + b"SQLite format 3\x00" + b"\x00" * 1000)
        wait_until(lambda: _arriving(folder))  # the hub is receiving it when the cut comes
    wait_until(lambda: not _arriving(folder))  # and has given up on it
    assert not _stored(hub, "counter-b4")
    assert not folder.exists() or not list(folder.iterdir())


def test_an_unreachable_hub_is_recorded_not_raised(tmp_path):
    data = tmp_path / "s"
    data.mkdir()
    paths = Paths(data_dir=data, config_file=data / "kiosk.toml")
    config = Config().with_values(station={"id": "counter-b5", "role": "counter"},
                                  hub={"role": "client", "url": "http://127.0.0.1:9",
                                       "station_key": "k" * 8 + "abcdefgh12345678"},
                                  backup={"to_hub": True})
    connect(paths.database).conn.close()
    result = backup_round(config, paths)
    assert result.hub is None and "not reachable" in result.hub_error
    assert "not reachable" in read_state(paths)["hub"]["last_error"]
    (res,) = run_checks(paths, config=config, checks=[doctor_check])
    assert res.status == "WARN" and "not reachable" in res.detail


def test_a_trickling_backup_is_answered_408_after_its_size_based_deadline(tmp_path,
                                                                          monkeypatch):
    """The backup's deadline is BODY_TIMEOUT_S plus its size at BACKUP_MIN_RATE (shortened
    here, on a hub in this process): within it a slow upload is taken, past it 408."""
    from kiosk.hub import credentials, limits
    from kiosk.hub.server import start_hub_in_thread

    monkeypatch.setattr(limits, "BODY_TIMEOUT_S", 0.5)
    monkeypatch.setattr(limits, "BACKUP_MIN_RATE", 100_000)  # 200 kB: 2 s more
    monkeypatch.setattr(limits, "LINGER_S", 0.2)
    handle = start_hub_in_thread(tmp_path / "hub.db", Config(), KEY, port=0)
    try:
        db = connect(tmp_path / "hub.db")
        token = credentials.pair(db, "counter-b6", "counter")
        db.conn.close()
        port = int(handle.url.rsplit(":", 1)[1])
        body = b"SQLite format 3\x00" + b"\x00" * (200_000 - 16)

        def send(pause_s: float) -> bytes:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(f"PUT {p.BACKUPS_PATH}/counter-b6 HTTP/1.1\r\nHost: x\r\n"
                          f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n"
                          "Connection: close\r\n\r\n".encode())
                for i in range(0, len(body), 20_000):  # ten pieces
                    try:
                        s.sendall(body[i:i + 20_000])
                    except OSError:
                        break
                    time.sleep(pause_s)
                return read_answer(s)

        started = time.monotonic()
        assert send(0.1).startswith(b"HTTP/1.1 200")  # 1 s: more than BODY_TIMEOUT_S alone
        answer = send(0.5)  # 5 s: past 0.5 + 2 s
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert time.monotonic() - started < 10
        folder = tmp_path / "station-backups" / "counter-b6"
        assert len(_stored_in(folder)) == 1
        assert not list(folder.glob(".incoming-*"))
    finally:
        handle.stop()


def _stored_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("kiosk-backup-*"))


def test_kiosk_hub_on_a_back_office_pc_schedules_its_own_backups(tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    data = tmp_path / "hubpc"
    h = HubProcess(data, config=f"[backup]\nfolder = {str(folder)!r}\n")
    try:
        log = data / "logs" / "kiosk.log"
        wait_until(lambda: log.exists() and "backups: every 12 h to folder"
                   in log.read_text(encoding="utf-8"), timeout=20,
                   what="the backup thread in `kiosk hub`")
    finally:
        h.stop()


@contextlib.contextmanager
def _hub_in_thread(tmp_path: Path, monkeypatch, **shortened):
    """A hub in this process (limits shortened for the test) with a paired counter."""
    from kiosk.hub import credentials, limits
    from kiosk.hub.server import start_hub_in_thread

    for name, value in shortened.items():
        monkeypatch.setattr(limits, name, value)
    handle = start_hub_in_thread(tmp_path / "hub.db", Config(), KEY, port=0)
    try:
        db = connect(tmp_path / "hub.db")
        token = credentials.pair(db, "counter-b7", "counter")
        db.conn.close()
        yield int(handle.url.rsplit(":", 1)[1]), token
    finally:
        handle.stop()


def _announce(port: int, token: str, length: int) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(f"PUT {p.BACKUPS_PATH}/counter-b7 HTTP/1.1\r\nHost: x\r\n"
              f"Authorization: Bearer {token}\r\nContent-Length: {length}\r\n"
              "Connection: close\r\n\r\n".encode() + b"SQLite format 3\x00")
    return s



def test_a_trickle_is_cut_off_early_and_one_backup_per_station_arrives_at_once(
        tmp_path, monkeypatch):
    """10 MB announced: the size-based deadline alone would be 100 s; a body arriving at a
    byte now and then is answered 408 within seconds, and meanwhile a second upload of the
    same station is told to wait (429)."""
    with _hub_in_thread(tmp_path, monkeypatch, BODY_TIMEOUT_S=0.5, BACKUP_MIN_RATE=100_000,
                        LINGER_S=0.2) as (port, token):
        started = time.monotonic()
        slow = _announce(port, token, 10_000_000)
        wait_until(lambda: _arriving(tmp_path / "station-backups" / "counter-b7"))
        second = _announce(port, token, 1000)
        assert read_answer(second).startswith(b"HTTP/1.1 429")
        second.close()
        slow.settimeout(0.4)
        answer = b""
        while time.monotonic() - started < 20 and not answer:
            try:
                slow.sendall(b"\x00")
                answer = slow.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
        slow.close()
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert time.monotonic() - started < 10
        assert not list((tmp_path / "station-backups" / "counter-b7").glob(".incoming-*"))


def test_a_backup_that_would_leave_the_hub_disk_short_is_refused(tmp_path, monkeypatch):
    with _hub_in_thread(tmp_path, monkeypatch, BACKUP_RESERVE_SHARE=1.0,
                        BACKUP_RESERVE_BYTES=2 ** 62) as (port, token):
        s = _announce(port, token, 1000)
        answer = read_answer(s)
        s.close()
    assert answer.startswith(b"HTTP/1.1 507"), answer[:200]
    assert b"insufficient_storage" in answer
