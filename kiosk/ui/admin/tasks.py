"""Run slow work (printing, port scans, network checks) off the UI thread.

`run_task(owner, work, on_done)` runs `work()` on a daemon thread and calls `on_done(result)`
(or `on_error(exception)`) on the UI thread, unless `owner` was deleted meanwhile (the
technician closed the page): a late answer is dropped, never delivered to a dead widget.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

_PENDING: set[_Task] = set()


class _Task(QObject):
    finished = Signal(object, object)  # result, exception

    def __init__(self, owner: QObject, on_done: Callable[[Any], None],
                 on_error: Callable[[BaseException], None] | None) -> None:
        super().__init__()
        self._owner = owner
        self._on_done = on_done
        self._on_error = on_error
        self.finished.connect(self._deliver)

    def _deliver(self, result: Any, error: BaseException | None) -> None:
        _PENDING.discard(self)
        if not shiboken6.isValid(self._owner):
            return
        if error is None:
            self._on_done(result)
        elif self._on_error is not None:
            self._on_error(error)
        else:
            log.error("background task failed: %s", type(error).__name__)


def run_task(owner: QObject, work: Callable[[], Any], on_done: Callable[[Any], None],
             on_error: Callable[[BaseException], None] | None = None,
             name: str = "admin-task") -> None:
    """Run `work` on a thread; deliver its result (or exception) on the UI thread."""
    task = _Task(owner, on_done, on_error)
    _PENDING.add(task)

    def target() -> None:
        try:
            result, error = work(), None
        except Exception as exc:  # noqa: BLE001 - handed to on_error on the UI thread
            result, error = None, exc
        task.finished.emit(result, error)

    threading.Thread(target=target, name=name, daemon=True).start()


def pending_tasks() -> int:
    """Tasks not yet delivered (tests wait for 0)."""
    return len(_PENDING)
