"""Run slow work (printing, port scans, network checks) off the UI thread, on lanes.

`run_task(owner, work, on_done)` runs `work()` on the operation lane named `name`
(kiosk/ui/operations.py: one thread per name, tasks of one name one after the other, every
lane in the one registry) and calls `on_done(result)` (or `on_error(exception)`) on the UI
thread, unless `owner` was deleted meanwhile (the technician closed the page): a late answer
is dropped, never delivered to a dead widget.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from kiosk.ui.operations import Lane

log = logging.getLogger(__name__)

_LANES: dict[str, Lane] = {}
_lock = threading.Lock()


def _lane(name: str, fresh: bool = False) -> Lane:
    with _lock:
        lane = _LANES.get(name)
        if lane is None or fresh:
            lane = _LANES[name] = Lane(name)
        return lane


def run_task(owner: QObject, work: Callable[[], Any], on_done: Callable[[Any], None],
             on_error: Callable[[BaseException], None] | None = None,
             name: str = "admin-task") -> None:
    """Run `work` on the lane `name`; deliver its result (or exception) on the UI thread."""
    def failed(error: BaseException) -> None:
        if on_error is not None:
            on_error(error)
        else:
            log.error("background task failed: %s", type(error).__name__)

    def task(_resource: Any) -> Any:
        return work()

    if not _lane(name).run(task, on_done, failed, owner=owner, label=name):
        # That lane was stopped (operations.stop_all): a new one takes the work.
        _lane(name, fresh=True).run(task, on_done, failed, owner=owner, label=name)


def pending_tasks() -> int:
    """Tasks still waiting or running (tests wait for 0)."""
    with _lock:
        lanes = list(_LANES.values())
    return sum(state.waiting + (1 if state.busy_with is not None else 0)
               for state in (lane.state() for lane in lanes))
