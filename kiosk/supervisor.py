"""Keep the kiosk's window alive: `kiosk run` supervises the UI in a child process.

A crash of the UI (a Qt segfault, an uncaught exception, a driver hanging the process until
someone kills it) would otherwise leave a citizen-facing screen showing the desktop until a
technician comes back. The supervisor restarts the child after an abnormal exit, waiting a
little longer after each quick crash so a crash loop does not burn the CPU, and logs each
exit code or signal. A clean exit (the admin view's "exit to desktop") ends supervision.

Plain Python: the supervisor itself never imports Qt, so it cannot crash the way the UI can.
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import logging.handlers
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.commands import EXIT_CRASHED, EXIT_OK, EXIT_USAGE

log = logging.getLogger(__name__)

#: The UI asks to be started again at once (its configuration was changed in the admin view).
EXIT_RESTART = 75
SUPERVISOR_LOG = "supervisor.log"
NATIVE_CRASH_LOG = "crash-native.log"
CHILD_FLAG = "--child"
STOP_WAIT_S = 10.0

# Windows NTSTATUS codes seen when a process dies from a native fault.
_NTSTATUS = {
    0xC0000005: "access violation",
    0xC00000FD: "stack overflow",
    0xC0000409: "stack buffer overrun (fail-fast)",
    0xC000013A: "Ctrl+C / console closed",
    0x40010004: "killed (debugger or task manager)",
}


@dataclass(frozen=True)
class RestartPolicy:
    initial_delay_s: float = 1.0
    max_delay_s: float = 60.0
    #: A child that ran this long before crashing starts the back-off afresh.
    stable_after_s: float = 120.0
    #: None: restart for ever (a kiosk); a number: give up after that many restarts (tests).
    max_restarts: int | None = None


def describe_exit(code: int) -> str:
    """Words for a child's exit status, for the log."""
    unsigned = code & 0xFFFFFFFF
    if unsigned in _NTSTATUS:
        return f"{_NTSTATUS[unsigned]} (exit code 0x{unsigned:08X})"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name} ({-code})"
        except ValueError:
            return f"killed by signal {-code}"
    if code == EXIT_CRASHED:
        return f"uncaught exception in the UI (exit code {code}; traceback in kiosk.log)"
    if code == EXIT_RESTART:
        return f"restart requested (exit code {code})"
    return f"exit code {code}"


def child_command(argv: Sequence[str]) -> list[str]:
    """The command that runs `kiosk ARGV...` again: the frozen executable itself, or this
    Python with the CLI module."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *argv]
    return [sys.executable, "-m", "kiosk.cli", *argv]


def kiosk_child_argv(args: Any) -> list[str]:
    """`kiosk [--config C] [--data-dir D] run --child` for the parsed `kiosk run` args."""
    argv: list[str] = []
    if getattr(args, "config", None):
        argv += ["--config", str(args.config)]
    if getattr(args, "data_dir", None):
        argv += ["--data-dir", str(args.data_dir)]
    return [*argv, "run", CHILD_FLAG]


class Supervisor:
    """Runs `command` and restarts it after abnormal exits; `stop()` ends it (any thread)."""

    def __init__(self, command: Sequence[str], *, policy: RestartPolicy | None = None,
                 env: dict[str, str] | None = None, cwd: str | Path | None = None,
                 on_start: Callable[[subprocess.Popen], None] | None = None) -> None:
        self.command = list(command)
        self.policy = policy or RestartPolicy()
        self.env = env
        self.cwd = cwd
        self.on_start = on_start
        self.restarts = 0
        self.exits: list[int] = []
        self._stopping = threading.Event()
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def stop(self) -> None:
        """Stop supervising and end the child (politely, then by force)."""
        self._stopping.set()
        with self._lock:
            proc = self._proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(OSError):
                proc.terminate()

    def run(self) -> int:
        """Supervise until a clean exit, a configuration error, stop() or max_restarts;
        returns the last child's exit code (0 after stop())."""
        policy = self.policy
        delay = policy.initial_delay_s
        while True:
            started = time.monotonic()
            env = dict(self.env if self.env is not None else os.environ)
            env["KIOSK_SUPERVISED"] = "1"
            try:
                proc = subprocess.Popen(self.command, env=env, cwd=self.cwd)
            except OSError as exc:
                log.error("cannot start the kiosk UI (%s): %s", self.command[0], exc)
                return 1
            with self._lock:
                self._proc = proc
            if self.on_start is not None:
                self.on_start(proc)
            log.info("kiosk UI started (pid %d)", proc.pid)
            code = self._wait(proc)
            with self._lock:
                self._proc = None
            ran = time.monotonic() - started
            self.exits.append(code)
            if self._stopping.is_set():
                log.info("kiosk UI stopped by the supervisor (%s)", describe_exit(code))
                return EXIT_OK
            if code == EXIT_OK:
                log.info("kiosk UI closed normally after %.0f s: not restarting", ran)
                return EXIT_OK
            if code == EXIT_USAGE:
                # A configuration error does not go away by itself; restarting would only hide
                # the message. `kiosk doctor` names the key.
                log.error("kiosk UI refused its configuration (exit code %d): not restarting; "
                          "run `kiosk doctor`", code)
                return code
            if policy.max_restarts is not None and self.restarts >= policy.max_restarts:
                log.error("kiosk UI exited (%s); %d restarts already: giving up",
                          describe_exit(code), self.restarts)
                return code
            if code == EXIT_RESTART:
                wait = 0.0
            else:
                if ran >= policy.stable_after_s:
                    delay = policy.initial_delay_s
                wait = delay
                delay = min(delay * 2, policy.max_delay_s)
            log.error("kiosk UI exited after %.0f s: %s; restarting in %.0f s",
                      ran, describe_exit(code), wait)
            self.restarts += 1
            if self._stopping.wait(wait):
                return EXIT_OK

    def _wait(self, proc: subprocess.Popen) -> int:
        while True:
            try:
                code = proc.wait(0.5)
                return code
            except subprocess.TimeoutExpired:
                if self._stopping.is_set():
                    try:
                        return proc.wait(STOP_WAIT_S)
                    except subprocess.TimeoutExpired:
                        log.warning("kiosk UI did not stop in %.0f s: killing it", STOP_WAIT_S)
                        proc.kill()
                        return proc.wait()


def use_own_log_file(logs_dir: Path) -> None:
    """Log this (supervisor) process to supervisor.log instead of kiosk.log: two processes
    rotating one file would fight over it (on Windows the rename fails)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.FileHandler) and getattr(handler, "_kiosk", False):
            root.removeHandler(handler)
            handler.close()
    try:
        from kiosk.logs import PrivateRotatingFileHandler
        from kiosk.private_files import private_dir

        private_dir(logs_dir)
        handler = PrivateRotatingFileHandler(
            logs_dir / SUPERVISOR_LOG, maxBytes=500_000, backupCount=2, encoding="utf-8")
    except OSError as exc:
        print(f"warning: cannot write {logs_dir / SUPERVISOR_LOG}: {exc}", file=sys.stderr)
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._kiosk = True  # type: ignore[attr-defined]
    root.addHandler(handler)


def supervise_kiosk(args: Any, logs_dir: Path, *, policy: RestartPolicy | None = None) -> int:
    """`kiosk run`: run `kiosk run --child` under a Supervisor until it exits cleanly or
    SIGTERM/SIGINT arrives (forwarded to the child)."""
    use_own_log_file(logs_dir)
    supervisor = Supervisor(child_command(kiosk_child_argv(args)), policy=policy)

    def stop(signum: int, frame: Any) -> None:
        log.info("supervisor got %s: stopping the kiosk UI", signal.Signals(signum).name)
        supervisor.stop()

    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError):  # not on the main thread
            previous[sig] = signal.signal(sig, stop)
    try:
        return supervisor.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# -- in the UI process -------------------------------------------------------------------------

_native_log: Any = None


def redacted_traceback(exc_type: type[BaseException], exc: BaseException, tb: Any) -> str:
    """The traceback as text for a log, with anything shaped like personal data masked."""
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    # Our tracebacks hold no values unless a message formats one in: mask what looks like
    # an ID number, phone or e-mail all the same.
    from kiosk.diagnostics.redact import redact_text

    return redact_text(text)


def install_crash_logging(logs_dir: Path | None = None, *,
                          exit_code_on_ui_error: int | None = EXIT_CRASHED) -> None:
    """Log uncaught exceptions (UI thread and other threads) with their traceback; with
    `exit_code_on_ui_error`, leave the event loop with that code after one in the UI thread,
    so the supervisor starts a fresh window instead of keeping a half-broken one.
    Native crashes (segfaults in Qt or a driver) are written to crash-native.log."""
    global _native_log

    def hook(exc_type: type[BaseException], exc: BaseException, tb: Any) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.critical("uncaught exception in the UI:\n%s", redacted_traceback(exc_type, exc, tb))
        if exit_code_on_ui_error is None:
            return
        qtcore = sys.modules.get("PySide6.QtCore")
        app = qtcore.QCoreApplication.instance() if qtcore is not None else None
        if app is not None and threading.current_thread() is threading.main_thread():
            app.exit(exit_code_on_ui_error)

    def thread_hook(hook_args: threading.ExceptHookArgs) -> None:
        if hook_args.exc_type is SystemExit:
            return
        name = hook_args.thread.name if hook_args.thread else "?"
        log.error("uncaught exception in thread %s:\n%s", name,
                  redacted_traceback(hook_args.exc_type, hook_args.exc_value,  # type: ignore[arg-type]
                          hook_args.exc_traceback))

    sys.excepthook = hook
    threading.excepthook = thread_hook
    if logs_dir is not None and _native_log is None:
        try:
            from kiosk.private_files import open_private, private_dir

            private_dir(logs_dir)
            _native_log = open_private(logs_dir / NATIVE_CRASH_LOG, "a", encoding="utf-8")
            faulthandler.enable(file=_native_log)
        except OSError as exc:
            log.warning("cannot write native crash traces to %s: %s", logs_dir, exc)
