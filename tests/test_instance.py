"""One station, one process, a clean stop: the single-instance lock of a data folder (two real
processes), the supervisor's stop file (the window closes by itself; terminated only when it
does not), and the Windows job object that ends the window with its supervisor (a fake
kernel32: there is no Windows here)."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk import supervisor as supervisor_mod
from kiosk.commands import EXIT_ALREADY_RUNNING
from kiosk.instance import STATION_LOCK, AlreadyRunning, InstanceLock, holder_pid
from kiosk.supervisor import (
    JOB_OBJECT_EXTENDED_LIMIT_INFORMATION,
    JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
    STOP_FILE,
    ExtendedLimits,
    KillOnCloseJob,
    RestartPolicy,
    Supervisor,
)

ROOT = Path(__file__).resolve().parent.parent
posix_only = pytest.mark.skipif(os.name != "posix", reason="signals and process groups")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), **extra)
    return env


def wait_for(check, timeout: float = 60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.1)
    return False


def _log(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


# -- the lock ------------------------------------------------------------------------------------

HOLD = ("import sys, time\nfrom kiosk.instance import InstanceLock\n"
        "InstanceLock(sys.argv[1]).acquire()\nprint('held', flush=True)\ntime.sleep(600)\n")


def test_a_second_process_cannot_take_the_lock_until_the_first_is_gone(tmp_path):
    lock_file = tmp_path / STATION_LOCK
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(lock_file)],
                              stdout=subprocess.PIPE, text=True, env=_env())
    try:
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(AlreadyRunning) as exc:
            InstanceLock(lock_file).acquire()
        assert exc.value.pid == holder.pid == holder_pid(lock_file)
        assert f"(process {holder.pid})" in exc.value.message_en
        assert exc.value.message_vi.startswith("Trạm này đang chạy rồi")
    finally:
        holder.kill()  # no clean-up: the system drops the lock with the process
        holder.wait()

    def free() -> bool:  # Windows drops a dead process's locks shortly after, not at once
        try:
            InstanceLock(lock_file).acquire().release()
        except AlreadyRunning:
            return False
        return True

    assert wait_for(free, 10)
    with InstanceLock(lock_file):
        assert holder_pid(lock_file) == os.getpid()
    with InstanceLock(lock_file):  # released, so it can be taken again
        pass


@posix_only
def test_a_second_kiosk_run_on_the_same_data_folder_refuses_plainly(tmp_path):
    (tmp_path / "kiosk.toml").write_text("", encoding="utf-8")
    kiosk_log = tmp_path / "logs" / "kiosk.log"
    first = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp_path), "run",
         "--no-supervise"], env=_env(), cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        assert wait_for(lambda: "ticket kiosk started" in _log(kiosk_log)), "no first window"
        for argv in (["run"], ["run", "--no-supervise"], ["demo"]):
            second = subprocess.run(
                [sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp_path), *argv],
                env=_env(), cwd=ROOT, capture_output=True, timeout=60)
            err = second.stderr.decode("utf-8")
            assert second.returncode == EXIT_ALREADY_RUNNING, err
            assert f"Trạm này đang chạy rồi (process {first.pid})" in err
            assert f"This station is already running (process {first.pid}), data folder " \
                   f"{tmp_path}" in err
        assert "This station is already running" in _log(kiosk_log)
        assert _log(kiosk_log).count("ticket kiosk started") == 1
        # another data folder is another station
        other = tmp_path / "other"
        other.mkdir()
        with InstanceLock(other / STATION_LOCK):
            pass
    finally:
        first.send_signal(signal.SIGTERM)
        try:
            first.wait(30)
        finally:
            with contextlib.suppress(OSError):
                os.killpg(first.pid, signal.SIGKILL)


def test_a_windowed_second_start_shows_its_refusal_in_a_box(tmp_path, monkeypatch, qtbot):
    # kiosk-gui.exe has no console: the refusal that `kiosk run` prints would reach nobody, so
    # a start without standard output shows it in a box (closed here as a technician would).
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from kiosk.cli import main

    (tmp_path / "kiosk.toml").write_text("", encoding="utf-8")
    seen: list[tuple[str, str, str]] = []

    def close_the_box() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, close_the_box)
            return
        seen.append((box.text(), box.informativeText(),
                     box.button(QMessageBox.StandardButton.Close).text()))
        box.button(QMessageBox.StandardButton.Close).click()

    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        with InstanceLock(tmp_path / STATION_LOCK):  # the running station
            QTimer.singleShot(50, close_the_box)
            started = time.monotonic()
            code = main(["--data-dir", str(tmp_path), "run"])
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
    assert code == EXIT_ALREADY_RUNNING
    assert time.monotonic() - started < 30  # closed by the click, not by its own timeout
    assert len(seen) == 1
    text, detail, button = seen[0]
    assert text.startswith(f"Trạm này đang chạy rồi (process {os.getpid()})")
    assert detail == f"Thư mục dữ liệu: {tmp_path}" and button == "Đóng"
    assert "This station is already running" in _log(tmp_path / "logs" / "kiosk.log")


def test_a_console_second_start_prints_its_refusal_and_loads_no_qt(tmp_path):
    (tmp_path / "kiosk.toml").write_text("", encoding="utf-8")
    script = ("import sys\nfrom kiosk.cli import main\ncode = main(sys.argv[1:])\n"
              "print('qt loaded:', 'PySide6' in sys.modules)\nraise SystemExit(code)\n")
    with InstanceLock(tmp_path / STATION_LOCK):
        proc = subprocess.run(
            [sys.executable, "-c", script, "--data-dir", str(tmp_path), "run"],
            env=_env(PYTHONIOENCODING="cp1258"), cwd=ROOT, capture_output=True, timeout=60)
    assert proc.returncode == EXIT_ALREADY_RUNNING
    assert proc.stdout.decode("utf-8").strip() == "qt loaded: False"
    assert proc.stderr.decode("utf-8").startswith("Trạm này đang chạy rồi")


# -- the clean stop ------------------------------------------------------------------------------

@posix_only
def test_the_supervisor_stops_the_window_through_the_stop_file(tmp_path):
    """`kiosk run` for real: SIGTERM to the supervisor only; the window sees the stop file,
    closes cleanly (exit code 0), and the supervisor ends without terminating it."""
    (tmp_path / "kiosk.toml").write_text("", encoding="utf-8")
    kiosk_log = tmp_path / "logs" / "kiosk.log"
    sup_log = tmp_path / "logs" / "supervisor.log"
    parent = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp_path), "run"],
        env=_env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    try:
        assert wait_for(lambda: "ticket kiosk started" in _log(kiosk_log)), "no window"
        parent.send_signal(signal.SIGTERM)  # the window itself gets no signal
        assert parent.wait(30) == 0
        assert "asked to close (window.stop)" in _log(kiosk_log)
        assert "ticket kiosk stopped (exit code 0)" in _log(kiosk_log)
        assert "stopped by the supervisor (exit code 0)" in _log(sup_log)
        assert "terminating" not in _log(sup_log) and "killing" not in _log(sup_log)
        assert not (tmp_path / STOP_FILE).exists()
    finally:
        with contextlib.suppress(OSError):
            os.killpg(parent.pid, signal.SIGKILL)


@pytest.mark.parametrize("how", [["run"], ["run", "--no-supervise"]])
def test_kiosk_stop_closes_the_station_cleanly(tmp_path, how):
    """`kiosk stop`, as a technician types it before an update (no signals: as on Windows)."""
    (tmp_path / "kiosk.toml").write_text("", encoding="utf-8")
    kiosk_log = tmp_path / "logs" / "kiosk.log"
    station = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp_path), *how],
        env=_env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp_path),
                               "stop", "--timeout", "30"], env=_env(), cwd=ROOT,
                              capture_output=True, timeout=60)

    try:
        assert wait_for(lambda: "ticket kiosk started" in _log(kiosk_log)), "no window"
        done = stop()
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        assert f"The station stopped (process {station.pid})" in done.stdout.decode("utf-8")
        assert station.wait(10) == 0
        assert "ticket kiosk stopped (exit code 0)" in _log(kiosk_log)
        assert "asked to close" in _log(kiosk_log)
        sup_log = _log(tmp_path / "logs" / "supervisor.log")
        assert "terminating" not in sup_log and "killing" not in sup_log
        again = stop()
        assert again.returncode == 0 and b"The station is not running" in again.stdout
    finally:
        if station.poll() is None:
            station.kill()
            station.wait()
        # a window left behind by a failed run: its id is in the supervisor's log
        for pid in re.findall(r"kiosk UI started \(pid (\d+)\)",
                              _log(tmp_path / "logs" / "supervisor.log")):
            with contextlib.suppress(OSError):
                os.kill(int(pid), signal.SIGTERM)


@posix_only
def test_a_window_that_ignores_the_stop_file_is_terminated(tmp_path, caplog):
    stop_file = tmp_path / STOP_FILE
    child = [sys.executable, "-c", "import time\nprint('up', flush=True)\ntime.sleep(600)\n"]
    started = []
    sup = Supervisor(child, stop_file=stop_file, stop_wait_s=0.5,
                     policy=RestartPolicy(max_restarts=0), on_start=started.append)
    import threading

    runner = threading.Thread(target=sup.run)
    with caplog.at_level(logging.INFO, logger="kiosk.supervisor"):
        runner.start()
        assert wait_for(lambda: bool(started), 30)
        sup.stop()
        assert stop_file.exists()  # asked first
        runner.join(30)
    assert not runner.is_alive()
    assert sup.exits == [-signal.SIGTERM]
    assert "did not close in 0.5 s after the stop request: terminating it" in caplog.text


def test_an_old_stop_file_does_not_stop_the_new_window(tmp_path):
    stop_file = tmp_path / STOP_FILE
    stop_file.touch()  # left over from a power cut during a stop
    child = [sys.executable, "-c",
             "import os, sys\nsys.exit(0 if os.environ['KIOSK_STOP_FILE'] == sys.argv[1] and "
             "not os.path.exists(sys.argv[1]) else 5)\n", str(stop_file)]
    sup = Supervisor(child, stop_file=stop_file, policy=RestartPolicy(max_restarts=0))
    assert sup.run() == 0


# -- Windows: the job object (fake kernel32) -----------------------------------------------------

class FakeKernel32:
    """Records the calls the supervisor makes; answers as Windows does when they succeed."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.limits: ExtendedLimits | None = None

    def CreateJobObjectW(self, attributes, name):  # noqa: N802 - the Windows name
        self.calls.append(("CreateJobObjectW", attributes, name))
        return 0x1234

    def SetInformationJobObject(self, job, info_class, info, size):  # noqa: N802
        self.limits = ExtendedLimits.from_buffer_copy(
            ctypes.string_at(ctypes.addressof(info._obj), size))
        self.calls.append(("SetInformationJobObject", job, info_class, size))
        return 1

    def OpenProcess(self, access, inherit, pid):  # noqa: N802
        self.calls.append(("OpenProcess", access, inherit, pid))
        return 0x5000 + pid % 1000

    def AssignProcessToJobObject(self, job, process):  # noqa: N802
        self.calls.append(("AssignProcessToJobObject", job, process))
        return 1

    def CloseHandle(self, handle):  # noqa: N802
        self.calls.append(("CloseHandle", handle))
        return 1


def test_the_job_object_is_kill_on_close():
    kernel32 = FakeKernel32()
    job = KillOnCloseJob(kernel32)
    assert job.handle == 0x1234
    assert kernel32.calls[1] == ("SetInformationJobObject", 0x1234,
                                 JOB_OBJECT_EXTENDED_LIMIT_INFORMATION,
                                 ctypes.sizeof(ExtendedLimits))
    if ctypes.sizeof(ctypes.c_void_p) == 8:
        assert ctypes.sizeof(ExtendedLimits) == 144  # JOBOBJECT_EXTENDED_LIMIT_INFORMATION, x64
    flags = kernel32.limits.BasicLimitInformation.LimitFlags
    assert flags == JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE

    class WindowsPopen:  # what subprocess.Popen carries on Windows
        _handle = 0x777
        pid = 42

    job.assign(WindowsPopen())
    assert kernel32.calls[-1] == ("AssignProcessToJobObject", 0x1234, 0x777)


def test_on_windows_every_window_goes_into_one_job(tmp_path, monkeypatch):
    kernel32 = FakeKernel32()
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(ctypes, "WinDLL", lambda name, **kw: kernel32, raising=False)
    child = [sys.executable, "-c", "import sys; sys.exit(3)"]
    sup = Supervisor(child, policy=RestartPolicy(initial_delay_s=0.01, max_restarts=1))
    assert sup.run() == 3
    names = [c[0] for c in kernel32.calls]
    assert names.count("CreateJobObjectW") == 1  # one job for the supervisor's life
    assert names.count("AssignProcessToJobObject") == 2  # each start of the window
    assert supervisor_mod.sys.platform == "win32"


# -- Windows: the lock through msvcrt (a stand-in module: there is no msvcrt here) ------------

class FakeMsvcrt:
    """msvcrt.locking as Windows documents it: LK_NBLCK fails with OSError when another
    process holds the bytes; records each call with the file position it was made at."""

    LK_UNLCK, LK_LOCK, LK_NBLCK = 0, 1, 2

    def __init__(self) -> None:
        self.calls: list[tuple[int, int, int]] = []
        self.held_elsewhere = False

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        self.calls.append((os.lseek(fd, 0, os.SEEK_CUR), mode, nbytes))
        if mode == self.LK_NBLCK and self.held_elsewhere:
            raise PermissionError(13, "Permission denied")


def test_on_windows_the_lock_is_byte_zero_through_msvcrt(tmp_path, monkeypatch):
    fake = FakeMsvcrt()
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    lock_file = tmp_path / STATION_LOCK
    with InstanceLock(lock_file):
        assert fake.calls == [(0, FakeMsvcrt.LK_NBLCK, 1)]  # byte 0, without waiting
        assert holder_pid(lock_file) == os.getpid()  # written after the locked byte
        assert lock_file.read_bytes()[1:] == f"{os.getpid()}\n".encode()
    assert fake.calls[-1] == (0, FakeMsvcrt.LK_UNLCK, 1)
    fake.held_elsewhere = True
    with pytest.raises(AlreadyRunning) as exc:
        InstanceLock(lock_file).acquire()
    assert exc.value.pid == os.getpid()  # the id the last holder wrote
