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
import ctypes
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

from kiosk.commands import EXIT_ALREADY_RUNNING, EXIT_CRASHED, EXIT_OK, EXIT_USAGE

log = logging.getLogger(__name__)

#: The UI asks to be started again at once (its configuration was changed in the admin view).
EXIT_RESTART = 75
SUPERVISOR_LOG = "supervisor.log"
NATIVE_CRASH_LOG = "crash-native.log"
CHILD_FLAG = "--child"
#: How long the window has to close after the stop request before it is terminated, and then
#: before it is killed.
STOP_WAIT_S = 10.0
TERMINATE_WAIT_S = 5.0
#: The file the supervisor creates to ask its window to close (the child polls for it): a
#: polite stop that works the same on Windows, where terminate() is TerminateProcess.
STOP_FILE_ENV = "KIOSK_STOP_FILE"
STOP_FILE = "window.stop"
#: The file `kiosk stop` creates in the data folder: the station (its supervisor, or the only
#: process) closes the way it does on SIGTERM. Windows has no SIGTERM to send.
STOP_REQUEST = "stop.request"

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
    if code == EXIT_ALREADY_RUNNING:
        return (f"another window of this station still runs (exit code {code}; "
                "kiosk/instance.py)")
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
                 on_start: Callable[[subprocess.Popen], None] | None = None,
                 stop_file: str | Path | None = None,
                 stop_wait_s: float = STOP_WAIT_S) -> None:
        self.command = list(command)
        self.stop_file = Path(stop_file) if stop_file is not None else None
        self.stop_wait_s = stop_wait_s
        self._job: KillOnCloseJob | None = None
        self._asked: subprocess.Popen | None = None
        self.policy = policy or RestartPolicy()
        self.env = env
        self.cwd = cwd
        self.on_start = on_start
        self.restarts = 0
        self.exits: list[int] = []
        self._stopping = threading.Event()
        self._proc: subprocess.Popen | None = None
        # reentrant: stop() may run in a signal handler on the thread that holds it
        self._lock = threading.RLock()

    def stop(self) -> None:
        """Stop supervising and end the child: the stop file first (if the supervisor has
        one), terminate() after stop_wait_s, kill after TERMINATE_WAIT_S more. Any thread."""
        self._stopping.set()
        with self._lock:
            proc = self._proc
        if proc is not None and proc.poll() is None:
            self._ask_to_stop(proc)

    def _ask_to_stop(self, proc: subprocess.Popen) -> None:
        with self._lock:
            if self._asked is proc:
                return  # once per child: it removes the file when it has seen it
            self._asked = proc
        if self.stop_file is not None:
            try:
                self.stop_file.touch()
                return
            except OSError as exc:
                log.warning("cannot write the stop file %s (%s): terminating the kiosk UI",
                            self.stop_file, exc)
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
            if self.stop_file is not None:
                env[STOP_FILE_ENV] = str(self.stop_file)
                with contextlib.suppress(FileNotFoundError):
                    self.stop_file.unlink()  # an old request must not stop the new window
            try:
                proc = subprocess.Popen(self.command, env=env, cwd=self.cwd)
            except OSError as exc:
                log.error("cannot start the kiosk UI (%s): %s", self.command[0], exc)
                return 1
            if sys.platform == "win32":
                self._in_job(proc)
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

    def _in_job(self, proc: subprocess.Popen) -> None:
        """Windows: the child goes into a job object that ends it when the supervisor's last
        handle to the job closes, i.e. when the supervisor ends in any way (also killed from
        Task Manager or by ending the scheduled task): no window outlives its supervisor."""
        try:
            if self._job is None:
                self._job = KillOnCloseJob()
            self._job.assign(proc)
        except OSError as exc:
            log.warning("cannot put the kiosk UI into a job object (%s): it may outlive the "
                        "supervisor", exc)

    def _wait(self, proc: subprocess.Popen) -> int:
        while True:
            try:
                code = proc.wait(0.5)
                return code
            except subprocess.TimeoutExpired:
                if self._stopping.is_set():
                    return self._stop_child(proc)

    def _stop_child(self, proc: subprocess.Popen) -> int:
        try:
            return self._end_child(proc)
        finally:
            if self.stop_file is not None:
                with contextlib.suppress(OSError):
                    self.stop_file.unlink()

    def _end_child(self, proc: subprocess.Popen) -> int:
        self._ask_to_stop(proc)
        try:
            return proc.wait(self.stop_wait_s)
        except subprocess.TimeoutExpired:
            pass
        if self.stop_file is not None:
            log.warning("kiosk UI did not close in %g s after the stop request: "
                        "terminating it", self.stop_wait_s)
            with contextlib.suppress(OSError):
                proc.terminate()
            try:
                return proc.wait(TERMINATE_WAIT_S)
            except subprocess.TimeoutExpired:
                pass
        log.warning("kiosk UI did not stop: killing it")
        proc.kill()
        return proc.wait()


# -- Windows: a job object that ends the child with the supervisor -------------------------------

JOB_OBJECT_EXTENDED_LIMIT_INFORMATION = 9  # JOBOBJECTINFOCLASS
JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000
PROCESS_TERMINATE = 0x0001
PROCESS_SET_QUOTA = 0x0100


class _BasicLimits(ctypes.Structure):
    _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64),
                ("PerJobUserTimeLimit", ctypes.c_int64),
                ("LimitFlags", ctypes.c_uint32),
                ("MinimumWorkingSetSize", ctypes.c_size_t),
                ("MaximumWorkingSetSize", ctypes.c_size_t),
                ("ActiveProcessLimit", ctypes.c_uint32),
                ("Affinity", ctypes.c_size_t),
                ("PriorityClass", ctypes.c_uint32),
                ("SchedulingClass", ctypes.c_uint32)]


class _IoCounters(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint64) for name in (
        "ReadOperationCount", "WriteOperationCount", "OtherOperationCount",
        "ReadTransferCount", "WriteTransferCount", "OtherTransferCount")]


class ExtendedLimits(ctypes.Structure):
    """JOBOBJECT_EXTENDED_LIMIT_INFORMATION."""

    _fields_ = [("BasicLimitInformation", _BasicLimits),
                ("IoInfo", _IoCounters),
                ("ProcessMemoryLimit", ctypes.c_size_t),
                ("JobMemoryLimit", ctypes.c_size_t),
                ("PeakProcessMemoryUsed", ctypes.c_size_t),
                ("PeakJobMemoryUsed", ctypes.c_size_t)]


class KillOnCloseJob:
    """A Windows job object with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE. Its handle stays open
    for the supervisor's life; the system closes it when the supervisor ends, and then ends
    every process in the job."""

    def __init__(self, kernel32: Any = None) -> None:
        if kernel32 is None:
            kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        self._k = kernel32
        self.handle = kernel32.CreateJobObjectW(None, None)
        if not self.handle:
            raise _last_error("CreateJobObjectW")
        info = ExtendedLimits()
        info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
        if not kernel32.SetInformationJobObject(self.handle,
                                                JOB_OBJECT_EXTENDED_LIMIT_INFORMATION,
                                                ctypes.byref(info), ctypes.sizeof(info)):
            raise _last_error("SetInformationJobObject")

    def assign(self, proc: subprocess.Popen) -> None:
        handle = getattr(proc, "_handle", None)  # Popen's own process handle on Windows
        opened = None
        if handle is None:  # not a Windows Popen: open the process by its id
            opened = handle = self._k.OpenProcess(PROCESS_SET_QUOTA | PROCESS_TERMINATE,
                                                  False, proc.pid)
            if not handle:
                raise _last_error("OpenProcess")
        try:
            if not self._k.AssignProcessToJobObject(self.handle, int(handle)):
                raise _last_error("AssignProcessToJobObject")
        finally:
            if opened:
                self._k.CloseHandle(opened)


def _last_error(call: str) -> OSError:
    code = ctypes.get_last_error() if hasattr(ctypes, "get_last_error") else 0
    return OSError(code, f"{call} failed (Windows error {code})")


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


def supervise_kiosk(args: Any, logs_dir: Path, *, policy: RestartPolicy | None = None,
                    stop_file: Path | None = None, stop_request: Path | None = None) -> int:
    """`kiosk run`: run `kiosk run --child` under a Supervisor until it exits cleanly, or
    SIGTERM/SIGINT arrives or `stop_request` appears (`kiosk stop`): then the child is asked
    to close through `stop_file` (or gets SIGTERM without one)."""
    use_own_log_file(logs_dir)
    supervisor = Supervisor(child_command(kiosk_child_argv(args)), policy=policy,
                            stop_file=stop_file)

    def stop(signum: int, frame: Any) -> None:
        log.info("supervisor got %s: stopping the kiosk UI", signal.Signals(signum).name)
        supervisor.stop()

    def requested() -> None:
        log.info("stop requested (`kiosk stop`): stopping the kiosk UI")
        supervisor.stop()

    if stop_request is not None:
        _poll_for(stop_request, requested, name="kiosk-stop-request")

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


def watch_stop_file(path: str | Path | None = None, *,
                    interval_s: float = 0.25) -> threading.Thread | None:
    """In the window process: when the supervisor's stop file (KIOSK_STOP_FILE) appears,
    raise SIGTERM in this process, which every station window handles by closing cleanly (its
    threads stopped, the database closed). Waits until such a handler is installed: a
    request during start-up is served once the window runs. None without a stop file."""
    path = path if path is not None else os.environ.get(STOP_FILE_ENV)
    if not path:
        return None

    def close() -> None:
        log.info("asked to close (%s)", Path(path).name)
        signal.raise_signal(signal.SIGTERM)

    return _poll_for(Path(path), close, name="kiosk-stop-file", interval_s=interval_s,
                     ready=lambda: callable(signal.getsignal(signal.SIGTERM)))


def _poll_for(path: Path, action: Callable[[], None], *, name: str, interval_s: float = 0.25,
              ready: Callable[[], bool] = lambda: True) -> threading.Thread:
    """A daemon thread that waits for `path` to exist (and `ready()`), removes it and runs
    `action` once. (Whoever starts the station removes an old file first: a file that
    appears now is for this run.)"""

    def watch() -> None:
        while not (path.exists() and ready()):
            time.sleep(interval_s)
        with contextlib.suppress(OSError):
            path.unlink()
        action()

    thread = threading.Thread(target=watch, name=name, daemon=True)
    thread.start()
    return thread
