"""Background operations: the one way a screen has work done off the UI thread.

A screen never touches a database, a printer, the network or a decoder itself. It names the
work, what to do with the result and what to do with a failure, on a lane:

    self._desk.run(lambda desk: desk.get(code), done=self._show, failed=self._say,
                   owner=self, label="open dossier")

- A **lane** (`Lane`) is a named serial line of work on its own thread: operations run one at
  a time, in the order asked. It owns one resource (a database connection, a printer, the
  office queue: whatever its `open` returns), opened on the lane's thread when first needed
  and closed there when the lane stops. An `open` that fails fails that operation only; the
  next one tries again.
- `done(result)` and `failed(error)` are called on the UI thread, and only while `owner` (the
  widget that asked) still exists: a result for a closed screen is dropped. `failed` gets the
  error with database and disk faults already turned into the store's own errors
  (kiosk/failures.py), so no screen handles sqlite3; `kiosk.failures.wording` words it.
- `run` may be called from any thread, also from work on another lane. `then(result)` runs
  on the lane's thread once the answer is on its way to the UI thread: the ticket lane hands
  each issued ticket straight to the printer lane there, without a detour through the UI
  thread, and the screen still hears of the ticket before of its print.
- `coalesce`: an operation with the same key already waiting or running makes this one a
  no-op (periodic refreshes never pile up behind a slow database).

One registry knows every running lane and the operation each is in (`lanes()`, for the
doctor and the logs) and the lanes that did not stop in time; `stop_all()` stops them all,
also at interpreter exit. Destroying a running QThread aborts the process, so a lane that
does not stop within its wait is kept referenced, never deleted; and since the interpreter's
exit would delete it all the same, a process that ran a station and still has such a lane
leaves at exit without deleting anything, with the exit code the command line ends with
(`station_ran`, `leave_with`).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

from kiosk.failures import translate

log = logging.getLogger(__name__)

DEFAULT_STOP_WAIT_MS = 20_000  # longer than SQLite's busy timeout (kiosk/store/db.py)

_RUNNING: set[Lane] = set()
_STUCK: list[Lane] = []
#: A station's window ran in this process (kiosk/ui/runner.py).
_station_ran = False
#: The exit code the command line ends the process with (kiosk/cli.py), once it has one.
_leaving_with: int | None = None


@dataclass(frozen=True)
class LaneState:
    name: str
    busy_with: str | None  # the label of the operation running now
    busy_for_s: float  # for how long
    waiting: int  # operations queued behind it
    stuck: bool  # did not stop in time


def lanes() -> list[LaneState]:
    """Every running lane and every stuck one, with what it is doing."""
    return [lane.state() for lane in sorted(_RUNNING, key=lambda lane: lane.name)] + [
        lane.state() for lane in _STUCK]


def station_ran() -> None:
    """A station's window ran in this process (kiosk/ui/runner.py): at interpreter exit,
    should one of its lanes still be busy, the process leaves at once (`leave_with`'s code)
    instead of being aborted by Qt over the lane's running thread, which `kiosk run` would
    take for a crash and answer by opening the window just closed again. The busy operation
    is abandoned; a database transaction it had open rolls back. Never set in a process that
    only calls the command line (tests), whose exit code must stay its own."""
    global _station_ran
    _station_ran = True


def leave_with(code: object) -> None:
    """What the process is about to end with (kiosk/cli.py `main`), as sys.exit takes it."""
    global _leaving_with
    _leaving_with = code if isinstance(code, int) else 0 if code is None else 1


def stop_all() -> None:
    """Stop every running lane (each waits for its operation in progress, up to its limit)."""
    for lane in sorted(_RUNNING, key=lambda lane: lane.name):
        lane.stop()


@atexit.register
def _at_exit() -> None:
    stop_all()
    stuck = [lane for lane in _STUCK if lane._thread.isRunning()]
    if not stuck or not _station_ran or _leaving_with is None:
        return
    busy = ", ".join(f"{lane.name} ({lane.state().busy_with})" for lane in stuck)
    log.error("leaving with lanes still busy: %s; their work is abandoned", busy)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.flush()
    os._exit(_leaving_with)


class _Operation:
    __slots__ = ("work", "done", "failed", "then", "owner", "label", "key", "result", "error")

    def __init__(self, work, done, failed, then, owner, label, key):
        self.work = work
        self.then = then
        self.done = done
        self.failed = failed
        self.owner = owner
        self.label = label
        self.key = key
        self.result: Any = None
        self.error: BaseException | None = None


class _Postman(QObject):
    """Lives on the UI thread; carries finished operations there."""

    deliver = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.deliver.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _deliver(self, op: _Operation) -> None:
        if not _alive(op.owner):
            return  # the screen that asked is gone
        callback, value = (op.failed, op.error) if op.error is not None else (op.done,
                                                                              op.result)
        if callback is None:
            return
        try:
            callback(value)
        except Exception:
            log.exception("handling the result of %r failed", op.label)


_postman: _Postman | None = None
_postman_lock = threading.Lock()


def _the_postman() -> _Postman:
    global _postman
    with _postman_lock:
        if _postman is None or not shiboken6.isValid(_postman):
            app = QCoreApplication.instance()
            if app is None:
                raise RuntimeError("background operations need a running QApplication")
            _postman = _Postman()
            _postman.moveToThread(app.thread())
        return _postman


class _Owner:
    """A weak link to the one who asked: a QObject is gone once deleted on the C++ side."""

    __slots__ = ("ref",)

    def __init__(self, owner: object) -> None:
        self.ref = weakref.ref(owner)


def _alive(owner: _Owner | None) -> bool:
    if owner is None:
        return True
    target = owner.ref()
    if target is None:
        return False
    return not isinstance(target, QObject) or shiboken6.isValid(target)


class _LaneWorker(QObject):
    def __init__(self, lane: Lane) -> None:
        super().__init__()
        self._lane = lane

    @Slot(object)
    def execute(self, op: _Operation) -> None:
        self._lane._execute(op)

    @Slot()
    def finish(self) -> None:
        self._lane._close()
        QThread.currentThread().quit()


class Lane(QObject):
    """A named serial lane of background work owning one resource; see the module's text.

    `open()` makes the resource (called on the lane's thread, when an operation first needs
    it); `close(resource)` ends it when the lane stops. Without `open`, work gets None.
    `stop_wait_ms`: how long `stop` waits for the operation in progress (a printer lane
    waits for its driver's timeout)."""

    _submit = Signal(object)
    _finish = Signal()

    def __init__(self, name: str, open: Callable[[], Any] | None = None,
                 close: Callable[[Any], None] | None = None, *,
                 stop_wait_ms: int = DEFAULT_STOP_WAIT_MS) -> None:
        super().__init__()
        self.name = name
        self._open_resource = open
        self._close_resource = close
        self.stop_wait_ms = stop_wait_ms
        self._resource: Any = None
        self._opened = False
        self._lock = threading.Lock()
        self._keys: set[str] = set()
        self._waiting = 0
        self._busy: tuple[str, float] | None = None
        self._state = "new"  # new, running, stopped, stuck
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._worker = _LaneWorker(self)
        self._worker.moveToThread(self._thread)
        queued = Qt.ConnectionType.QueuedConnection
        self._submit.connect(self._worker.execute, queued)
        self._finish.connect(self._worker.finish, queued)

    # -- asking for work (any thread) ---------------------------------------------------------

    def run(self, work: Callable[[Any], Any], done: Callable[[Any], None] | None = None,
            failed: Callable[[BaseException], None] | None = None, *,
            then: Callable[[Any], None] | None = None, owner: object | None = None,
            label: str = "", coalesce: str | None = None) -> bool:
        """Queue `work(resource)`; False when it was not queued (the lane is stopped, or an
        operation with the same `coalesce` key is already waiting or running)."""
        with self._lock:
            if self._state in ("stopping", "stopped", "stuck"):
                log.debug("lane %s is stopped: %r not run", self.name, label)
                return False
            if coalesce is not None:
                if coalesce in self._keys:
                    return False
                self._keys.add(coalesce)
            self._waiting += 1
            if self._state == "new":
                self._start_locked()
        op = _Operation(work, done, failed, then, _Owner(owner) if owner is not None else None,
                        label or getattr(work, "__name__", "operation"), coalesce)
        if done is not None or failed is not None:
            _the_postman()  # made now, on the asking thread's side of a running app
        self._submit.emit(op)
        return True

    def start(self) -> None:
        """Start the thread now (it also starts on the first `run`)."""
        with self._lock:
            if self._state == "new":
                self._start_locked()

    def _start_locked(self) -> None:
        self._thread.start()
        self._state = "running"
        _RUNNING.add(self)

    @property
    def running(self) -> bool:
        return self._state == "running"

    def state(self) -> LaneState:
        busy = self._busy
        return LaneState(self.name, busy[0] if busy else None,
                         time.monotonic() - busy[1] if busy else 0.0,
                         max(0, self._waiting - (1 if busy else 0)), self._state == "stuck")

    # -- on the lane's thread -----------------------------------------------------------------

    def resource(self) -> Any:
        """The lane's resource, opened on first use. Only from work running on this lane."""
        if not self._opened and self._open_resource is not None:
            self._resource = self._open_resource()
            self._opened = True
        return self._resource

    def _execute(self, op: _Operation) -> None:
        self._busy = (op.label, time.monotonic())
        try:
            # The work runs even if its screen is gone (a rating is saved all the same);
            # only the answer is dropped.
            op.result = op.work(self.resource())
        except Exception as exc:
            op.error = translate(exc)
            if op.failed is None:
                log.error("%s: %s failed: %s", self.name, op.label,
                          getattr(op.error, "message_en", None) or op.error.__class__.__name__,
                          exc_info=op.error is exc)
        finally:
            self._busy = None
            with self._lock:
                self._waiting -= 1
                if op.key is not None:
                    self._keys.discard(op.key)
        if op.done is not None or op.failed is not None:
            _the_postman().deliver.emit(op)
        if op.then is not None and op.error is None:
            try:
                op.then(op.result)
            except Exception:
                log.exception("%s: what follows %s failed", self.name, op.label)

    def _close(self) -> None:
        if self._opened and self._close_resource is not None:
            try:
                self._close_resource(self._resource)
            except Exception:
                log.debug("closing the resource of lane %s failed", self.name, exc_info=True)
        self._resource, self._opened = None, False

    # -- stopping (the UI thread) -------------------------------------------------------------

    def stop(self, wait_ms: int | None = None) -> bool:
        """Let the operations already asked for finish, close the resource, end the thread.
        True when it ended within `wait_ms` (default: the lane's `stop_wait_ms`)."""
        with self._lock:
            if self._state != "running":
                if self._state == "new":
                    self._state = "stopped"
                return self._state != "stuck"
            self._state = "stopping"
        self._finish.emit()
        wait_ms = self.stop_wait_ms if wait_ms is None else wait_ms
        ended = self._thread.wait(wait_ms)
        _RUNNING.discard(self)
        if ended:
            self._state = "stopped"
            return True
        busy = self._busy
        log.error("lane %s did not stop within %d ms (busy with %s)", self.name, wait_ms,
                  busy[0] if busy else "nothing")
        self._state = "stuck"
        _STUCK.append(self)
        return False
