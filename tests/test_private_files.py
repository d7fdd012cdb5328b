"""Files that can hold personal data or a secret are owner-only (0600, folders 0700) from the
first byte: measured with os.stat on real files, after real runs of the `kiosk` program and of
the library functions the screens use, under the usual umask 022 (so the modes come from the
code, not from a strict umask of the machine)."""

import json
import os
import sqlite3
import stat
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from kiosk.paths import Paths

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")

KIOSK = [sys.executable, "-m", "kiosk.cli"]


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def usual_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def run(*args, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run([*KIOSK, "--data-dir", str(data_dir), *args], capture_output=True,
                          text=True, timeout=120, env=env)


def assert_private_tree(root: Path) -> dict[str, int]:
    seen = {}
    for path in [root, *root.rglob("*")]:
        seen[str(path.relative_to(root))] = mode(path)
        wanted = 0o700 if path.is_dir() else 0o600
        assert mode(path) == wanted, f"{path} is {oct(mode(path))}, wanted {oct(wanted)}"
    return seen


def test_a_real_station_run_leaves_only_owner_only_files(tmp_path):
    data = tmp_path / "station"
    out = tmp_path / "exports"
    assert run("seed", "--tickets", "6", "--dossiers", "3", data_dir=data).returncode == 0
    proc = run("ticket", "--service", "CT", "--printer", f"preview://{data / 'previews'}",
               "--json", data_dir=data)
    assert proc.returncode == 0, proc.stderr
    for fmt in ("csv", "xlsx", "pdf"):
        proc = run("export", "logbook", "--from", "2000-01-01", "--to", "2100-01-01",
                   "--format", fmt, "--out", str(out / f"so.{fmt}"), data_dir=data)
        assert proc.returncode == 0, proc.stderr
    code = sqlite3.connect(data / "kiosk.db").execute(
        "SELECT code FROM dossiers LIMIT 1").fetchone()[0]
    proc = run("dossier", "receipt", code, "--pdf", data_dir=data)
    assert proc.returncode == 0, proc.stderr
    proc = run("support-bundle", "--out", str(out / "bundle.zip"), data_dir=data)
    assert proc.returncode == 0, proc.stderr

    seen = assert_private_tree(data)
    assert {"kiosk.db", "logs/kiosk.log"} <= set(seen)
    assert any(name.startswith("previews/ticket-") for name in seen)
    assert any(name.startswith("receipts/") and name.endswith(".pdf") for name in seen)
    exported = assert_private_tree(out)
    assert {"so.csv", "so.xlsx", "so.pdf", "bundle.zip"} <= set(exported)
    assert not [n for n in exported if n.endswith(".tmp")]


def test_database_wal_and_shm_are_owner_only_while_open(tmp_path):
    from kiosk.store import connect

    path = tmp_path / "new" / "data" / "kiosk.db"
    db = connect(path)
    db.execute("CREATE TABLE probe (x)")
    db.execute("INSERT INTO probe VALUES ('Nguyễn Văn A')")
    try:
        for name in ("kiosk.db", "kiosk.db-wal", "kiosk.db-shm"):
            assert (path.parent / name).exists(), name
            assert mode(path.parent / name) == 0o600, name
        assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700
    finally:
        db.conn.close()


def test_a_database_made_0644_by_an_older_version_is_tightened(tmp_path):
    from kiosk.config import Config
    from kiosk.station import open_database

    data = tmp_path / "station"
    data.mkdir(mode=0o755)
    old = sqlite3.connect(data / "kiosk.db")
    old.execute("PRAGMA journal_mode = WAL")
    old.execute("CREATE TABLE t (x)")
    old.commit()  # -wal and -shm stay while this connection is open: 0644 like the db
    os.chmod(data / "kiosk.db", 0o644)
    os.chmod(data / "kiosk.db-wal", 0o644)
    os.chmod(data / "kiosk.db-shm", 0o644)
    db = open_database(Config(), Paths(data, data / "kiosk.toml"))
    try:
        assert mode(data) == 0o700
        for name in ("kiosk.db", "kiosk.db-wal", "kiosk.db-shm"):
            assert mode(data / name) == 0o600, name
    finally:
        db.conn.close()
        old.close()


def test_configuration_is_never_readable_by_others_not_even_briefly(tmp_path, monkeypatch):
    from kiosk import config as config_mod
    from kiosk import private_files
    from kiosk.config import Config

    path = tmp_path / "cfg" / "kiosk.toml"
    seen = []
    real_replace = os.replace

    def watch(src, dst):  # the moment the new file becomes the configuration
        seen.append(mode(src))
        real_replace(src, dst)

    monkeypatch.setattr(private_files.os, "replace", watch)
    config_mod.save(Config().with_values(sync={"token": "s3cret-token"}), path)
    assert seen == [0o600]
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    config_mod.save(Config(), path)  # rewriting keeps it owner-only
    assert mode(path) == 0o600


def test_pin_lockout_state_and_logs_are_owner_only(tmp_path):
    import logging

    from kiosk.admin.pin import PinGate, hash_pin
    from kiosk.logs import setup_logging

    gate = PinGate(tmp_path / "data" / "admin-lock.json", lock_after_tries=3)
    gate.attempt("000000", hash_pin("135790"))
    assert mode(tmp_path / "data" / "admin-lock.json") == 0o600

    paths = Paths(tmp_path / "data", tmp_path / "data" / "kiosk.toml")
    setup_logging(paths, "INFO")
    try:
        logging.getLogger("kiosk.test").warning("dossier 000.00.01.H26-261113-0001 saved")
        handler = next(h for h in logging.getLogger().handlers if getattr(h, "_kiosk", False))
        handler.flush()
        handler.doRollover()  # the file opened after a rollover is owner-only too
        logging.getLogger("kiosk.test").warning("after the rollover")
        handler.flush()
        for path in paths.logs.iterdir():
            assert mode(path) == 0o600, path
        assert mode(paths.logs) == 0o700
        assert len(list(paths.logs.iterdir())) == 2
    finally:
        for h in list(logging.getLogger().handlers):
            if getattr(h, "_kiosk", False):
                logging.getLogger().removeHandler(h)
                h.close()


def test_city_database_is_owner_only(tmp_path):
    from sync.server.store import SQLiteStore

    store = SQLiteStore(str(tmp_path / "city" / "city.db"))
    try:
        store.conn.execute("CREATE TABLE probe (x)")
        for name in ("city.db", "city.db-wal", "city.db-shm"):
            assert mode(tmp_path / "city" / name) == 0o600, name
        assert mode(tmp_path / "city") == 0o700
    finally:
        store.close()


def test_exports_receipts_previews_and_bundle_from_the_library(tmp_path, db):
    """The paths the counter window and admin view use, without the CLI's umask."""
    from PIL import Image

    from drivers.printers.preview_printer import PreviewPrinter
    from kiosk.diagnostics.bundle import make_support_bundle
    from kiosk.dossiers.logbook import export_logbook
    from kiosk.stats.report import write_report

    for fmt in ("csv", "xlsx", "pdf"):
        export_logbook([], fmt, tmp_path / "out" / f"so.{fmt}", start=date(2026, 1, 1),
                       end=date(2026, 1, 31))
    from kiosk.stats.compute import office_stats

    stats = office_stats(db, date(2026, 1, 1), date(2026, 1, 31), "Asia/Ho_Chi_Minh")
    write_report(stats, "csv", tmp_path / "out" / "report.csv")

    printer = PreviewPrinter("preview://x", tmp_path / "previews", 384)
    printer.print_image(Image.new("1", (384, 40), 1))

    paths = Paths(tmp_path / "station", tmp_path / "station" / "kiosk.toml")
    make_support_bundle(paths, tmp_path / "out" / "bundle.zip", run_doctor=False)
    with zipfile.ZipFile(tmp_path / "out" / "bundle.zip") as zf:
        assert "manifest.txt" in zf.namelist()

    assert_private_tree(tmp_path / "out")
    assert_private_tree(tmp_path / "previews")


def test_receipt_pdf_is_owner_only(tmp_path):
    from datetime import datetime, timedelta, timezone

    from kiosk.printout.receipt import ReceiptDocument, ReceiptSlip
    from kiosk.printout.receipt_pdf import write_receipt_pdf

    slip = ReceiptSlip(
        unit_name="UBND xã A", code="000.00.01.H26-261113-0001", lookup_text="X",
        submitter_name="Nguyễn Văn A", submitter_id_number="001200012345",
        submitter_address="Hà Nội", submitter_phone="0912345678", submitter_email="",
        request="Đăng ký khai sinh", owner_name="Nguyễn Văn A",
        documents=(ReceiptDocument("Tờ khai", 1, 0, 0),), sets=1,
        processing_time="03 ngày làm việc",
        received_at=datetime(2026, 11, 13, 9, 0, tzinfo=timezone(timedelta(hours=7))),
        appointment=date(2026, 11, 18), result_place="Bộ phận một cửa", clerk="Cán bộ B")
    write_receipt_pdf(slip, tmp_path / "receipts" / "r.pdf")
    assert mode(tmp_path / "receipts" / "r.pdf") == 0o600
    assert mode(tmp_path / "receipts") == 0o700


def test_helpers_make_no_window_for_an_existing_loose_file(tmp_path):
    from kiosk.private_files import open_private, write_private_atomic

    loose = tmp_path / "old.json"
    loose.write_text("{}")
    os.chmod(loose, 0o644)
    with open_private(loose, "w", encoding="utf-8") as f:
        assert mode(loose) == 0o600  # tightened before a byte is written
        json.dump({"a": 1}, f)
    write_private_atomic(tmp_path / "new.txt", "x")
    assert mode(tmp_path / "new.txt") == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.txt", "old.json"]


def test_purged_personal_data_is_overwritten_in_the_file(tmp_path):
    """Retention purge blanks the fields; secure_delete makes SQLite overwrite the old bytes
    instead of leaving them in free space (not every SQLite build does by default)."""
    from kiosk.config import Config
    from kiosk.dossiers import DossierDesk, purge_personal_data
    from kiosk.store import connect
    from tests.dossiers.test_dossiers_helpers import CLERK, ID_NUMBER, NAME, THURSDAY_9AM, intake
    from tests.dossiers.test_dossiers_retention import LATER, RETURNED_AT, deliver

    path = tmp_path / "kiosk.db"
    db = connect(path)
    assert db.execute("PRAGMA secure_delete").fetchone()[0] == 1
    desk = DossierDesk(db, Config())
    for _ in range(3):
        d = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
        desk.hand_back(d.code, clerk=CLERK, at=RETURNED_AT)
    deliver(db)
    assert len(purge_personal_data(db, now=LATER, retention_days=90).purged) == 3
    db.conn.close()  # the last connection checkpoints the WAL into the file and removes it
    data = path.read_bytes()
    assert NAME.encode() not in data and ID_NUMBER.encode() not in data


def test_windows_gets_an_owner_system_administrators_acl(tmp_path, monkeypatch):
    """The icacls lines the program runs on Windows (not run by CI: the command is checked)."""
    from kiosk import private_files

    calls = []
    monkeypatch.setattr(private_files, "_WINDOWS", True)
    monkeypatch.setattr(private_files, "_acl_done", set())
    monkeypatch.setattr(private_files.subprocess, "run",
                        lambda cmd, **kw: calls.append(cmd))
    monkeypatch.setenv("USERNAME", "kiosk")
    monkeypatch.setenv("USERDOMAIN", "COUNTER-1")

    data = private_files.private_dir(tmp_path / "hcc-kiosk-data")
    assert calls == [["icacls", str(data), "/inheritance:r", "/grant:r",
                      "*S-1-5-18:(OI)(CI)F", "*S-1-5-32-544:(OI)(CI)F",
                      "COUNTER-1\\kiosk:(OI)(CI)F"]]
    private_files.write_private_atomic(data / "kiosk.toml", "x")  # inherits the folder's ACL
    assert len(calls) == 1
    elsewhere = tmp_path / "exports"
    elsewhere.mkdir()
    private_files.write_private_atomic(elsewhere / "so.csv", "x")  # its own ACL
    assert len(calls) == 2 and calls[1][-1] == "COUNTER-1\\kiosk:F"
    assert calls[1][1].startswith(str(elsewhere / ".so.csv."))
