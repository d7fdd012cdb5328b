"""Storage faults speak plainly: a read-only or full data folder, or a damaged database, gives
one line with the fix on the CLI (no traceback; --debug shows it); `kiosk doctor` tells a
read-only or full disk from a damaged database and never advises moving a healthy one aside;
the admin PIN try is recorded before the PIN is checked, so a full or read-only disk cannot
turn the lockout off.

Tests run as root, which passes every permission check, so read-only and full folders are
real tmpfs mounts (read-only: mounted, filled, remounted ro; full: a tiny size). Where the
environment cannot mount (no CAP_SYS_ADMIN), those tests are skipped with that reason.
"""

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.admin.pin import PinGate, hash_pin
from kiosk.diagnostics.checks import Context, check_database
from kiosk.paths import Paths

KIOSK = [sys.executable, "-m", "kiosk.cli"]
PIN = "135790"


def run(*args, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run([*KIOSK, "--data-dir", str(data_dir), *args], capture_output=True,
                          text=True, timeout=120, env=env)


def _cannot(reason: str) -> None:
    # CI runs as root on Linux, where these mounts work: there a missing mount is a failure.
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"a real read-only or full folder is required under CI: {reason}",
                    pytrace=False)
    pytest.skip(reason)


def _mount(where: Path, options: str) -> None:
    if sys.platform != "linux" or shutil.which("mount") is None:
        _cannot("needs Linux mount(8) for a real read-only or full folder")
    where.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        _cannot(f"cannot mount a tmpfs here ({proc.stderr.strip() or 'not root'}): "
                "a read-only or full folder cannot be made for real")


def _umount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


@pytest.fixture
def mounts():
    made: list[Path] = []

    def mount(where: Path, options: str) -> Path:
        _mount(where, options)
        made.append(where)
        return where

    yield mount
    for where in reversed(made):
        _umount(where)


def remount_read_only(where: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True, capture_output=True)


def stderr_lines(proc: subprocess.CompletedProcess) -> list[str]:
    return [line for line in proc.stderr.splitlines() if line.strip()]


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    errors = [line for line in stderr_lines(proc) if line.startswith("error:")]
    assert len(errors) == 1, proc.stderr
    assert "Fix:" in errors[0]
    return errors[0]


def doctor_database(data: Path):
    [result] = check_database(Context(Paths(data, data / "kiosk.toml"), None))
    return result


# -- read-only -------------------------------------------------------------------------------

@pytest.fixture
def read_only_station(tmp_path, mounts):
    """A healthy station database (with records) on a disk that became read-only."""
    disk = mounts(tmp_path / "disk", "size=16m,mode=0755")
    data = disk / "station"
    proc = run("seed", "--tickets", "5", "--dossiers", "2", data_dir=data)
    assert proc.returncode == 0, proc.stderr
    remount_read_only(disk)
    return data


def test_read_only_folder_one_line_on_the_cli_and_the_traceback_with_debug(read_only_station):
    line = one_error_line(run("ticket", "--service", "CT", "--json",
                              data_dir=read_only_station))
    assert "read-only" in line and str(read_only_station) in line
    assert "do not move it aside" in line
    debug = run("--debug", "ticket", "--service", "CT", "--json", data_dir=read_only_station)
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_doctor_tells_a_read_only_disk_from_a_damaged_database(read_only_station):
    result = doctor_database(read_only_station)
    assert not result.ok
    assert "read-only" in result.detail and "integrity ok" in result.detail
    assert "Rename" not in result.fix and "do not move it aside" in result.fix
    # And through the real command: the database line does not say "damaged".
    proc = run("doctor", data_dir=read_only_station)
    database = [line for line in proc.stdout.splitlines() if "] database:" in line]
    assert database and "read-only" in database[0] and "damaged" not in database[0]


# -- full ------------------------------------------------------------------------------------

def test_full_disk_one_line_on_the_cli_and_doctor_keeps_the_database(tmp_path, mounts):
    disk = mounts(tmp_path / "disk", "size=600k")
    data = disk / "station"
    line = one_error_line(run("seed", "--tickets", "3000", "--dossiers", "300",
                              data_dir=data))
    assert "full" in line and "do not move it aside" in line
    result = doctor_database(data)
    assert not result.ok and "full" in result.detail
    assert "Rename" not in result.fix


# -- damaged ---------------------------------------------------------------------------------

@pytest.mark.parametrize("keep", [0.5, 50])
def test_truncated_database_one_line_on_the_cli_and_doctor_says_damaged(tmp_path, keep):
    data = tmp_path / "station"
    assert run("seed", "--tickets", "20", "--dossiers", "5", data_dir=data).returncode == 0
    db = data / "kiosk.db"
    size = db.stat().st_size
    with open(db, "r+b") as f:
        f.truncate(int(size * keep) if keep < 1 else keep)
    line = one_error_line(run("ticket", "--service", "CT", "--json", data_dir=data))
    assert "damaged" in line and "kiosk-damaged.db" in line
    result = doctor_database(data)
    assert not result.ok and "damaged" in result.detail and "Rename" in result.fix


def test_healthy_database_is_ok_in_doctor(tmp_path):
    data = tmp_path / "station"
    assert run("seed", "--tickets", "3", "--dossiers", "1", data_dir=data).returncode == 0
    result = doctor_database(data)
    assert result.ok and "integrity ok" in result.detail


def test_other_errors_keep_their_traceback(tmp_path):
    """Only storage faults are shortened: a plain bug must stay visible."""
    from kiosk.store.faults import storage_fault

    assert storage_fault(ValueError("x")) is None
    assert storage_fault(ConnectionRefusedError(111, "refused")) is None
    assert storage_fault(sqlite3.OperationalError("database is locked")) is None


# -- the admin PIN ---------------------------------------------------------------------------

def test_the_try_is_recorded_before_the_pin_is_checked(tmp_path, monkeypatch):
    """Power cut (or a killed process) during the slow check: the try still counts."""
    from kiosk.admin import pin as pin_mod

    state = tmp_path / "admin-lock.json"
    gate = PinGate(state, lock_after_tries=3)

    def power_cut(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(pin_mod, "verify_pin", power_cut)
    for _ in range(3):
        with contextlib.suppress(KeyboardInterrupt):
            gate.attempt("000000", hash_pin(PIN))
    monkeypatch.undo()
    again = PinGate(state, lock_after_tries=3)
    assert again.locked_for() > 0
    assert not again.attempt(PIN, hash_pin(PIN)).ok


def test_a_right_pin_clears_the_recorded_try(tmp_path):
    gate = PinGate(tmp_path / "admin-lock.json", lock_after_tries=3)
    stored = hash_pin(PIN)
    gate.attempt("000000", stored)
    gate.attempt("000001", stored)
    assert gate.attempt(PIN, stored).ok
    assert gate.tries_left() == 3 and gate.locked_for() == 0


def test_a_read_only_disk_refuses_pin_tries_instead_of_checking_them(tmp_path, mounts):
    disk = mounts(tmp_path / "disk", "size=1m")
    state = disk / "admin-lock.json"
    stored = hash_pin(PIN)
    gate = PinGate(state, lock_after_tries=3)
    gate.attempt("000000", stored)  # one wrong try recorded while the disk was writable
    remount_read_only(disk)
    for pin in ("000001", "000002", "000003", PIN):
        attempt = gate.attempt(pin, stored)
        assert not attempt.ok and attempt.not_recorded, pin
    assert gate.tries_left() == 2  # nothing was checked, nothing was lost


def test_a_full_disk_refuses_pin_tries_instead_of_checking_them(tmp_path, mounts):
    disk = mounts(tmp_path / "disk", "size=64k")
    state = disk / "admin-lock.json"
    stored = hash_pin(PIN)
    gate = PinGate(state, lock_after_tries=3)
    with contextlib.suppress(OSError), open(disk / "filler", "wb") as f:
        while True:
            f.write(b"\0" * 4096)
            f.flush()
    attempt = gate.attempt(PIN, stored)
    assert not attempt.ok and attempt.not_recorded


def test_an_unwritable_state_folder_refuses_pin_tries(tmp_path):
    """Without mounts: the lockout file's folder is a file (any OSError is a refusal)."""
    (tmp_path / "data").write_text("not a folder")
    gate = PinGate(tmp_path / "data" / "admin-lock.json", lock_after_tries=3)
    attempt = gate.attempt(PIN, hash_pin(PIN))
    assert not attempt.ok and attempt.not_recorded


def test_pin_pad_says_the_try_was_not_recorded(qtbot, tmp_path):
    from kiosk.ui.admin.pin_pad import PinDialog

    (tmp_path / "data").write_text("not a folder")
    gate = PinGate(tmp_path / "data" / "admin-lock.json", lock_after_tries=3)
    dialog = PinDialog(PinDialog.VERIFY, gate=gate, stored_hash=hash_pin(PIN))
    qtbot.addWidget(dialog)
    dialog._submitted(PIN)
    qtbot.waitUntil(lambda: not dialog.checking, timeout=5000)  # checked on its lane
    assert dialog.result() != PinDialog.DialogCode.Accepted
    assert "Không ghi được lần thử mã PIN" in dialog.message.text()


def test_a_refused_port_is_not_a_storage_fault(tmp_path):
    from kiosk.store.faults import storage_fault

    bind = PermissionError(13, "Permission denied")  # binding port 80 as a normal user
    assert storage_fault(bind, tmp_path / "kiosk.db") is None
    wrapped = RuntimeError("cannot serve")
    wrapped.__cause__ = bind
    assert storage_fault(wrapped, tmp_path / "kiosk.db") is None
    file_error = PermissionError(13, "Permission denied", str(tmp_path / "x.zip"))
    assert storage_fault(file_error).kind in ("no-access", "read-only")


def test_a_database_newer_than_the_program_is_one_line_too(tmp_path):
    data = tmp_path / "station"
    assert run("seed", "--tickets", "1", "--dossiers", "0", data_dir=data).returncode == 0
    conn = sqlite3.connect(data / "kiosk.db")
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    proc = run("ticket", "--service", "CT", "--json", data_dir=data)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "newer program version" in proc.stderr
