"""`kiosk run` supervision: a crashed UI child is restarted (with back-off, exit code or signal
logged), a clean exit ends supervision, and the UI process logs uncaught exceptions."""

import argparse
import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from kiosk.supervisor import (
    EXIT_CRASHED,
    EXIT_RESTART,
    RestartPolicy,
    Supervisor,
    child_command,
    describe_exit,
    kiosk_child_argv,
)
from tests.faultproxy import ROOT
from tests.util import wait_until

FAST = RestartPolicy(initial_delay_s=0.01, max_delay_s=0.05, stable_after_s=60, max_restarts=6)


def script_child(tmp_path, body: str) -> list[str]:
    """A child process that counts its runs in a file and then runs `body` (with `n`)."""
    counter = tmp_path / "runs"
    code = (
        "import os, pathlib, signal, sys\n"
        f"p = pathlib.Path({str(counter)!r})\n"
        "n = int(p.read_text()) + 1 if p.exists() else 1\n"
        "p.write_text(str(n))\n" + body
    )
    return [sys.executable, "-c", code]


def runs(tmp_path) -> int:
    return int((tmp_path / "runs").read_text())


def test_a_crashing_child_is_restarted_until_it_exits_cleanly(tmp_path, caplog):
    command = script_child(tmp_path, (
        "if n == 1: sys.exit(3)\n"
        "if n == 2 and os.name == 'posix': os.kill(os.getpid(), signal.SIGKILL)\n"
        "if n == 2: sys.exit(70)\n"
        "sys.exit(0)\n"))
    supervisor = Supervisor(command, policy=FAST)
    with caplog.at_level(logging.INFO, logger="kiosk.supervisor"):
        assert supervisor.run() == 0
    assert runs(tmp_path) == 3 and supervisor.restarts == 2
    assert supervisor.exits[0] == 3 and supervisor.exits[-1] == 0
    text = caplog.text
    assert "exit code 3; restarting" in text
    if os.name == "posix":
        assert supervisor.exits[1] == -signal.SIGKILL
        assert "killed by SIGKILL (9)" in text
    assert "closed normally" in text


def test_a_clean_exit_is_not_restarted(tmp_path):
    supervisor = Supervisor(script_child(tmp_path, "sys.exit(0)\n"), policy=FAST)
    assert supervisor.run() == 0
    assert runs(tmp_path) == 1 and supervisor.restarts == 0


def test_a_configuration_error_is_not_restarted(tmp_path, caplog):
    supervisor = Supervisor(script_child(tmp_path, "sys.exit(2)\n"), policy=FAST)
    with caplog.at_level(logging.ERROR, logger="kiosk.supervisor"):
        assert supervisor.run() == 2
    assert runs(tmp_path) == 1
    assert "kiosk doctor" in caplog.text


def test_a_restart_request_restarts_at_once(tmp_path):
    slow = RestartPolicy(initial_delay_s=30, max_restarts=3)  # a crash would wait 30 s
    command = script_child(tmp_path, f"sys.exit({EXIT_RESTART} if n == 1 else 0)\n")
    started = time.monotonic()
    assert Supervisor(command, policy=slow).run() == 0
    assert runs(tmp_path) == 2 and time.monotonic() - started < 10


def test_back_off_grows_and_gives_up_after_max_restarts(tmp_path, monkeypatch):
    waits = []
    supervisor = Supervisor(script_child(tmp_path, "sys.exit(1)\n"),
                            policy=RestartPolicy(initial_delay_s=0.01, max_delay_s=0.04,
                                                 max_restarts=4))
    real_wait = supervisor._stopping.wait
    monkeypatch.setattr(supervisor._stopping, "wait",
                        lambda t=None: (waits.append(t), real_wait(0))[1])
    assert supervisor.run() == 1
    assert runs(tmp_path) == 5
    assert waits == [0.01, 0.02, 0.04, 0.04]


def test_stop_ends_the_child_and_supervision(tmp_path):
    supervisor = Supervisor(script_child(tmp_path, "import time\ntime.sleep(60)\n"),
                            policy=FAST)
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("code", supervisor.run()))
    thread.start()
    wait_until((tmp_path / "runs").exists, what="the child to start")
    supervisor.stop()
    thread.join(15)
    assert not thread.is_alive()
    assert result["code"] == 0 and runs(tmp_path) == 1


@pytest.mark.parametrize("code,words", [
    (0, "exit code 0"), (1, "exit code 1"), (EXIT_CRASHED, "uncaught exception"),
    (EXIT_RESTART, "restart requested"), (-11, "SIGSEGV"), (-9, "SIGKILL"),
    (-0x3FFFFFFB, "access violation"),  # 0xC0000005 as a signed exit status on Windows
    (0xC0000005, "access violation")])
def test_exit_statuses_in_words(code, words):
    assert words in describe_exit(code)


def test_child_command_from_source_and_frozen(monkeypatch):
    args = argparse.Namespace(config="/etc/k.toml", data_dir="/var/k")
    argv = kiosk_child_argv(args)
    assert argv == ["--config", "/etc/k.toml", "--data-dir", "/var/k", "run", "--child"]
    assert child_command(argv)[:3] == [sys.executable, "-m", "kiosk.cli"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert child_command(argv) == [sys.executable, *argv]


def test_the_ui_process_logs_uncaught_exceptions_without_personal_data(tmp_path):
    code = (
        "import threading, pathlib\n"
        "from kiosk.paths import Paths\n"
        "from kiosk.logs import setup_logging\n"
        "from kiosk.supervisor import install_crash_logging\n"
        f"paths = Paths(pathlib.Path({str(tmp_path)!r}), pathlib.Path({str(tmp_path)!r}) / "
        "'kiosk.toml')\n"
        "setup_logging(paths)\n"
        "install_crash_logging(paths.logs, exit_code_on_ui_error=None)\n"
        "t = threading.Thread(target=lambda: 1 / 0, name='worker-x'); t.start(); t.join()\n"
        "raise ValueError('cannot parse card 089202017098 for phone 0912345678')\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1
    log = (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "uncaught exception in thread worker-x" in log and "ZeroDivisionError" in log
    assert "uncaught exception in the UI" in log and "ValueError" in log
    assert "089202017098" not in log and "0912345678" not in log
    assert "<id-number>" in log
    assert (tmp_path / "logs" / "crash-native.log").exists()


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL/SIGTERM")
def test_kiosk_run_restarts_its_window_after_a_kill_and_stops_on_sigterm(tmp_path):
    import re

    (tmp_path / "kiosk.toml").write_text(
        f'[kiosk]\nfullscreen = true\nenforce_opening_hours = false\n'
        f'[printer]\nuri = "file://{tmp_path / "printer.bin"}"\n', encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    parent = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp_path),
                               "run"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    log = tmp_path / "logs" / "supervisor.log"
    kiosk_log = tmp_path / "logs" / "kiosk.log"

    def started() -> list[int]:
        text = log.read_text() if log.exists() else ""
        return [int(p) for p in re.findall(r"kiosk UI started \(pid (\d+)\)", text)]

    def windows() -> int:
        text = kiosk_log.read_text() if kiosk_log.exists() else ""
        return text.count("ticket kiosk started")

    try:
        wait_until(lambda: windows() == 1, timeout=20, what="the first window")
        os.kill(started()[0], signal.SIGKILL)
        wait_until(lambda: windows() == 2, timeout=20, what="the restarted window")
        assert "killed by SIGKILL (9); restarting" in log.read_text()
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(20) == 0
        assert "stopped by the supervisor" in log.read_text()
        assert "ticket kiosk stopped (exit code 0)" in kiosk_log.read_text()
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        for pid in started():  # never leave a window process behind
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def test_an_exception_in_the_ui_thread_ends_the_window_for_a_restart(tmp_path):
    code = (
        "import os, pathlib, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from kiosk.logs import setup_logging\n"
        "from kiosk.paths import Paths\n"
        "from kiosk.supervisor import install_crash_logging\n"
        f"d = pathlib.Path({str(tmp_path)!r})\n"
        "paths = Paths(d, d / 'kiosk.toml')\n"
        "setup_logging(paths)\n"
        "install_crash_logging(paths.logs)\n"
        "app = QApplication([])\n"
        "def slot():\n"
        "    raise RuntimeError('a bug in a slot')\n"
        "QTimer.singleShot(0, slot)\n"
        "QTimer.singleShot(5000, lambda: app.exit(0))\n"
        "sys.exit(app.exec())\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == EXIT_CRASHED, done.stderr
    log = (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "uncaught exception in the UI" in log and "a bug in a slot" in log
