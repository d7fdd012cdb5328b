"""Backups and restores of the station database on real SQLite files: taken while a writer
thread keeps issuing tickets (in this process and through `kiosk backup` in another one),
restored, refused, rotated, scheduled, reported by `kiosk doctor`; owner-only files."""

from __future__ import annotations

import gzip
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kiosk.backup import (
    BackupError,
    BackupScheduler,
    StationRunning,
    backup_round,
    check_backup,
    restore_backup,
    station_backups,
    take_backup,
)
from kiosk.backup.schedule import read_state
from kiosk.config import Config
from kiosk.diagnostics.checks import PASS, SKIP, WARN, run_checks
from kiosk.diagnostics.checks import check_backup as doctor_check
from kiosk.paths import Paths
from kiosk.store import connect
from kiosk.ticketing import TicketDesk
from tests.hubutil import wait_until

KIOSK = [sys.executable, "-m", "kiosk.cli"]
ROOT = Path(__file__).resolve().parents[2]
STATION = "kiosk-test01"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run([*KIOSK, "--data-dir", str(data_dir), *args], capture_output=True,
                          text=True, timeout=120, env=env, cwd=ROOT)


def _station(tmp_path: Path, name: str = "station", station_id: str = STATION,
             config: str = "") -> Paths:
    data = tmp_path / name
    data.mkdir(parents=True, exist_ok=True)
    (data / "station-id").write_text(station_id + "\n", encoding="utf-8")
    if config:
        (data / "kiosk.toml").write_text(config, encoding="utf-8")
    return Paths(data_dir=data, config_file=data / "kiosk.toml")


def _config(station_id: str = STATION, **sections) -> Config:
    return Config().with_values(station={"id": station_id}, **sections)


class TicketWriter:
    """A thread issuing tickets as fast as it can on its own connection; `acked` holds the
    uid of every ticket whose issue() has returned (committed), in order."""

    def __init__(self, db_path: Path, config: Config):
        self.db_path, self.config = db_path, config
        self.acked: list[str] = []
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        db = connect(self.db_path)
        try:
            desk = TicketDesk(db, self.config)
            codes = [s.code for s in desk.services][:4]
            i = 0
            while not self._stop.is_set():
                ticket = desk.issue(codes[i % len(codes)])
                self.acked.append(ticket.uid)
                i += 1
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.errors.append(exc)
        finally:
            db.conn.close()

    def __enter__(self) -> TicketWriter:
        self.thread.start()
        wait_until(lambda: len(self.acked) >= 200, timeout=60)
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.thread.join(30)
        assert not self.errors, self.errors


def _fill(db_path: Path, config: Config, rows: int = 3000) -> None:
    """Some bulk, so that a copy takes many steps."""
    db = connect(db_path)
    try:
        desk = TicketDesk(db, config)
        for _ in range(rows // 100):
            desk.issue("CT")
        with db.conn:
            db.conn.execute("CREATE TABLE IF NOT EXISTS filler (b BLOB)")
            db.conn.executemany("INSERT INTO filler VALUES (?)",
                                [(os.urandom(1000),) for _ in range(rows)])
    finally:
        db.conn.close()


def _uids(db_path: Path) -> set[str]:
    conn = sqlite3.connect(str(db_path))
    try:
        return {r[0] for r in conn.execute("SELECT uid FROM tickets")}
    finally:
        conn.close()


def _assert_consistent(db_path: Path) -> None:
    """Every ticket of the copy came with its outbox row and its 'issued' event (one
    transaction each), and the daily counters match the tickets."""
    conn = sqlite3.connect(str(db_path))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM "
                            "outbox o WHERE o.record_id = t.uid)").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM "
                            "queue_events e WHERE e.ticket_id = t.id AND e.kind = 'issued')"
                            ).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM ticket_counters c WHERE c.last_seq != "
                            "(SELECT max(seq) FROM tickets t WHERE t.day = c.day AND "
                            "t.service_code = c.service_code)").fetchone()[0] == 0
    finally:
        conn.close()


# -- taking a backup under load and restoring it -----------------------------------------------

def test_backup_taken_mid_load_restores_every_acknowledged_ticket(tmp_path):
    config = _config()
    db_path = tmp_path / "station" / "kiosk.db"
    _fill(db_path, config)
    with TicketWriter(db_path, config) as writer:
        acknowledged = list(writer.acked)  # every issue() that returned before the backup
        before = len(writer.acked)
        info = take_backup(db_path, tmp_path / "b" / "mid-load.db.gz", station_id=STATION,
                           office_code=config.office.code, role="kiosk", pages_per_step=16)
        during = len(writer.acked) - before
    assert during > 0, "the writer was not issuing tickets while the copy ran"
    assert info.compressed and info.station_id == STATION and info.schema_version > 0
    # Restored on a new PC's empty data folder (same station).
    target = tmp_path / "restored" / "kiosk.db"
    result = restore_backup(info.path, target, station_id=STATION)
    restored = _uids(target)
    assert set(acknowledged) <= restored
    assert len(restored) < len(writer.acked)  # a snapshot, not the end state
    _assert_consistent(target)
    db = connect(target)  # the station opens it as usual
    try:
        assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'kiosk_backup'"
                          ).fetchone()[0] == 0
        assert result.unsent == db.execute("SELECT count(*) FROM outbox WHERE sent_at IS "
                                           "NULL").fetchone()[0] > 0
    finally:
        db.conn.close()


def test_kiosk_backup_in_another_process_while_tickets_are_issued(tmp_path):
    paths = _station(tmp_path)
    config = _config()
    _fill(paths.database, config)
    out = tmp_path / "usb" / "manual.db"
    with TicketWriter(paths.database, config) as writer:
        acknowledged = list(writer.acked)
        proc = _cli("backup", "--out", str(out), "--json", data_dir=paths.data_dir)
    assert proc.returncode == 0, proc.stderr
    assert _mode(out) == 0o600
    assert set(acknowledged) <= _uids(out)
    _assert_consistent(out)
    checked = _cli("backup", "--check", str(out), data_dir=paths.data_dir)
    assert checked.returncode == 0 and STATION in checked.stdout
    assert read_state(paths)["file"]["last_ok"]["where"] == str(out)


def test_restore_keeps_the_current_database_aside_and_refuses_a_running_station(tmp_path):
    paths = _station(tmp_path)
    config = _config()
    db = connect(paths.database)
    desk = TicketDesk(db, config)
    first = desk.issue("CT")
    db.conn.close()
    backup = tmp_path / "b.db.gz"
    assert _cli("backup", "--out", str(backup), data_dir=paths.data_dir).returncode == 0
    db = connect(paths.database)
    later = TicketDesk(db, config).issue("CT")  # after the backup
    db.conn.close()

    # The station (another process) has the database open: refused, nothing moved.
    holder = subprocess.Popen([sys.executable, "-c", "import sqlite3, sys, time; "
                               f"c = sqlite3.connect({str(paths.database)!r}); "
                               "c.execute('SELECT count(*) FROM tickets').fetchall(); "
                               "print('open', flush=True); sys.stdin.read()"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(StationRunning):
            restore_backup(backup, paths.database, station_id=STATION)
        proc = _cli("restore", str(backup), data_dir=paths.data_dir)
        assert proc.returncode == 1 and "stop the station" in proc.stderr
    finally:
        holder.stdin.close()
        holder.wait(10)
    assert later.uid in _uids(paths.database)

    proc = _cli("restore", str(backup), data_dir=paths.data_dir)
    assert proc.returncode == 0, proc.stderr
    assert "sends them when it starts" in proc.stdout
    restored = _uids(paths.database)
    assert first.uid in restored and later.uid not in restored
    aside = list(paths.data_dir.glob("kiosk-before-restore-*.db"))
    assert len(aside) == 1 and _mode(aside[0]) == 0o600
    assert later.uid in _uids(aside[0])  # nothing is lost: the newer records are kept aside
    assert _mode(paths.database) == 0o600


def test_restore_refuses_a_backup_of_another_station_without_force(tmp_path):
    other = _station(tmp_path, "other", station_id="counter-9f00")
    db = connect(other.database)
    TicketDesk(db, _config("counter-9f00")).issue("CT")
    db.conn.close()
    backup = tmp_path / "other.db"
    assert _cli("backup", "--out", str(backup), data_dir=other.data_dir).returncode == 0

    mine = _station(tmp_path)
    db = connect(mine.database)
    mine_ticket = TicketDesk(db, _config()).issue("HT")
    db.conn.close()
    proc = _cli("restore", str(backup), data_dir=mine.data_dir)
    assert proc.returncode == 1
    assert "counter-9f00" in proc.stderr and "--force" in proc.stderr
    assert mine_ticket.uid in _uids(mine.database)  # untouched
    assert not list(mine.data_dir.glob("kiosk-before-restore-*"))

    proc = _cli("restore", str(backup), "--force", data_dir=mine.data_dir)
    assert proc.returncode == 0, proc.stderr
    assert 'set [station] id = "counter-9f00"' in proc.stdout
    assert mine_ticket.uid not in _uids(mine.database)


def test_damaged_or_foreign_files_are_refused(tmp_path):
    paths = _station(tmp_path)
    db = connect(paths.database)
    db.conn.close()
    plain = tmp_path / "plain.db"  # an SQLite file, but not a backup
    sqlite3.connect(str(plain)).execute("CREATE TABLE x (a)").connection.close()
    junk = tmp_path / "junk.db.gz"
    junk.write_bytes(gzip.compress(b"not a database at all" * 100))
    truncated = tmp_path / "cut.db"
    take_backup(paths.database, truncated, station_id=STATION)
    data = truncated.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    for bad in (plain, junk, truncated, tmp_path / "missing.db"):
        with pytest.raises(BackupError):
            check_backup(bad)
        with pytest.raises(BackupError):
            restore_backup(bad, paths.database, station_id=STATION)
    assert not list(paths.data_dir.glob("kiosk-before-restore-*"))


# -- the folder, rotation, schedule ------------------------------------------------------------

def test_rotation_keeps_the_newest_and_touches_nothing_else(tmp_path):
    paths = _station(tmp_path)
    folder = tmp_path / "usb"
    folder.mkdir()
    connect(paths.database).conn.close()
    (folder / "kiosk-backup-counter-x-20200101-000000Z.db.gz").write_bytes(b"x")  # another's
    (folder / "holiday-photos.jpg").write_bytes(b"y")
    config = _config(backup={"folder": str(folder), "keep": 3})
    made = []
    for _ in range(5):
        result = backup_round(config, paths)
        assert result.ok, result
        made.append(Path(result.folder.path))
    kept = station_backups(folder, STATION)
    assert kept == made[-3:]
    assert all(_mode(p) == 0o600 and p.name.endswith(".db.gz") for p in kept)
    assert (folder / "kiosk-backup-counter-x-20200101-000000Z.db.gz").exists()
    assert (folder / "holiday-photos.jpg").exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporaries left
    # A copy cut off by a power cut a day ago is cleared; one being written now is not.
    stale, fresh = folder / ".kiosk-backup-x.db.gz.abc.part", folder / ".kiosk-backup-y.part"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    os.utime(stale, (time.time() - 2 * 86400,) * 2)
    assert backup_round(config, paths).ok
    assert not stale.exists() and fresh.exists()


def test_a_missing_drive_is_recorded_retried_and_reported(tmp_path):
    paths = _station(tmp_path)
    connect(paths.database).conn.close()
    drive = tmp_path / "media" / "USB"
    config = _config(backup={"folder": str(drive / "kiosk")})
    result = backup_round(config, paths)
    assert result.folder is None and "does not exist" in result.folder_error
    assert not drive.exists()  # never created: an unplugged drive must not fill the disk
    (res,) = run_checks(paths, config=config, checks=[doctor_check])
    assert res.status == WARN and "does not exist" in res.detail
    (drive / "kiosk").mkdir(parents=True)  # plugged in
    assert backup_round(config, paths).ok
    (res,) = run_checks(paths, config=config, checks=[doctor_check])
    assert res.status == PASS and "kiosk-backup-kiosk-test01-" in res.detail, res.detail


def test_doctor_reports_the_last_backup(tmp_path):
    paths = _station(tmp_path)
    connect(paths.database).conn.close()
    folder = tmp_path / "backups"
    folder.mkdir()
    config = _config(backup={"folder": str(folder), "interval_hours": 1})
    (res,) = run_checks(paths, config=config, checks=[doctor_check])
    assert res.status == WARN and "no backup of this station" in res.detail
    info = backup_round(config, paths).folder
    (res,) = run_checks(paths, config=config, checks=[doctor_check])
    assert res.status == PASS
    assert Path(info.path).name in res.detail and "kB" in res.detail and str(folder) in res.detail
    old = time.time() - 3 * 3600  # three intervals ago
    os.utime(info.path, (old, old))
    (res,) = run_checks(paths, config=config, checks=[doctor_check])
    assert res.status == WARN and "older than 2 h" in res.detail
    # Not configured: said so, with the fix.
    (res,) = run_checks(paths, config=_config(), checks=[doctor_check])
    assert res.status == WARN and "[backup] folder" in res.fix
    (res,) = run_checks(paths, config=None, config_error="broken", checks=[doctor_check])
    assert res.status == SKIP


def test_the_station_scheduler_backs_up_and_waits_an_interval_after_a_restart(tmp_path):
    paths = _station(tmp_path)
    config = _config()
    _fill(paths.database, config, rows=200)
    folder = tmp_path / "backups"
    folder.mkdir()
    config = _config(backup={"folder": str(folder), "keep": 2})
    with TicketWriter(paths.database, config):
        scheduler = BackupScheduler(config, paths, first_delay_s=0.05).start()
        try:
            wait_until(lambda: scheduler.rounds >= 1, timeout=60)
        finally:
            scheduler.stop()
    (made,) = station_backups(folder, STATION)
    assert check_backup(made).station_id == STATION
    # Restarted a minute later: the next backup is due one interval after the last one.
    again = BackupScheduler(config, paths, first_delay_s=0.05)
    assert again.first_wait_s() > config.backup.interval_hours * 3600 - 120


def test_kiosk_backup_without_a_folder_says_what_to_do(tmp_path):
    paths = _station(tmp_path)
    proc = _cli("backup", data_dir=paths.data_dir)
    assert proc.returncode == 2 and "--out FILE" in proc.stderr
    proc = _cli("backup", "--out", str(tmp_path / "x.db"), data_dir=paths.data_dir)
    assert proc.returncode == 1 and "no station database" in proc.stderr


def test_kiosk_run_takes_scheduled_backups_while_the_station_runs(tmp_path):
    """`kiosk run` (here with the station's window replaced by a wait, in a real process)
    starts the backup thread and stops it with the station."""
    folder = tmp_path / "usb"
    folder.mkdir()
    paths = _station(tmp_path, config=f"[backup]\nfolder = {str(folder)!r}\nkeep = 2\n")
    connect(paths.database).conn.close()
    script = (
        "import sys, time\n"
        "import kiosk.backup.schedule as schedule\n"
        "from kiosk.commands import station\n"
        "schedule.FIRST_DELAY_S = 0.1\n"
        "def window(config, paths):\n"
        "    deadline = time.monotonic() + 60\n"
        f"    while not list(__import__('pathlib').Path({str(folder)!r}).glob('kiosk-backup-*'))"
        " and time.monotonic() < deadline:\n"
        "        time.sleep(0.05)\n"
        "    return 0\n"
        "station.ROLE_RUNNERS['kiosk'] = window\n"
        "from kiosk.cli import main\n"
        f"sys.exit(main(['--data-dir', {str(paths.data_dir)!r}, 'run', '--no-supervise']))\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr
    (made,) = station_backups(folder, STATION)
    assert check_backup(made).station_id == STATION
    log = (paths.logs / "kiosk.log").read_text(encoding="utf-8")
    assert "backups: every 12 h to folder" in log
