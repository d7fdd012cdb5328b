"""The office window's background thread: statistics and exports never run on the UI thread.

One QThread ("office-stats") with one worker QObject that owns its own database connection,
requests in and results out through queued signals, like the counter window's workers. A month
of a busy point is a few hundred thousand events: seconds of work the window must not freeze
for.
"""

from __future__ import annotations

import atexit
import logging
import sqlite3
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from kiosk.config import Config
from kiosk.paths import Paths
from kiosk.station import open_database
from kiosk.stats import OfficeStats, office_stats
from kiosk.stats.report import write_report

log = logging.getLogger(__name__)

_RUNNING: set[OfficeWorkers] = set()
# A thread that did not stop in time stays referenced: destroying a running QThread aborts.
_STUCK: list[tuple[QThread, QObject]] = []


@atexit.register
def stop_all() -> None:
    for workers in list(_RUNNING):
        workers.stop()


def _failure(exc: BaseException, doing_vi: str) -> tuple[str, str]:
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return (f"Không {doing_vi}: cơ sở dữ liệu đang bận. Vui lòng thử lại.",
                f"database locked: {exc}")
    if isinstance(exc, OSError):
        return (f"Không {doing_vi}: không ghi được tệp ({exc.strerror or exc}).", repr(exc))
    return (f"Không {doing_vi} do lỗi hệ thống. Vui lòng thử lại hoặc báo cán bộ kỹ thuật.",
            exc.__class__.__name__)


class StatsWorker(QObject):
    computed = Signal(int, object)  # request id, OfficeStats
    compute_failed = Signal(int, str, str)  # request id, message_vi, message_en
    exported = Signal(str, str)  # fmt, path
    export_failed = Signal(str, str)

    def __init__(self, config: Config, paths: Paths) -> None:
        super().__init__()
        self._config = config
        self._paths = paths
        self._db: Any = None

    def _open(self) -> Any:
        if self._db is None:
            self._db = open_database(self._config, self._paths)
        return self._db

    @Slot(int, object, object)
    def compute(self, request: int, start: date, end: date) -> None:
        try:
            stats = office_stats(self._open(), start, end, self._config.office.timezone)
        except Exception as exc:
            vi, en = _failure(exc, "tính được số liệu")
            log.exception("statistics for %s..%s failed", start, end)
            self.compute_failed.emit(request, vi, en)
            return
        self.computed.emit(request, stats)

    @Slot(object, str, str, str, str)
    def export(self, stats: OfficeStats, fmt: str, path: str, unit_name: str,
               generated: str) -> None:
        try:
            out = write_report(stats, fmt, path, unit_name=unit_name, generated=generated)
        except Exception as exc:
            vi, en = _failure(exc, "xuất được báo cáo")
            log.warning("report export (%s) failed: %s", fmt, en)
            self.export_failed.emit(vi, en)
            return
        self.exported.emit(fmt, str(out))

    @Slot()
    def stop(self) -> None:
        if self._db is not None:
            self._db.conn.close()
            self._db = None
        QThread.currentThread().quit()


class OfficeWorkers(QObject):
    """Starts the thread and forwards requests as queued signals (UI-thread side)."""

    _compute = Signal(int, object, object)
    _export = Signal(object, str, str, str, str)
    _stop = Signal()

    def __init__(self, config: Config, paths: Paths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("office-stats")
        self.stats = StatsWorker(config, paths)
        self.stats.moveToThread(self.thread)
        self._compute.connect(self.stats.compute)
        self._export.connect(self.stats.export)
        self._stop.connect(self.stats.stop)
        self.running = False

    def start(self) -> None:
        self.thread.start()
        self.running = True
        _RUNNING.add(self)

    def compute(self, request: int, start: date, end: date) -> None:
        self._compute.emit(request, start, end)

    def export(self, stats: OfficeStats, fmt: str, path: str, unit_name: str,
               generated: str) -> None:
        self._export.emit(stats, fmt, path, unit_name, generated)

    def stop(self, wait_ms: int = 20_000) -> None:
        if not self.running:
            return
        self.running = False
        _RUNNING.discard(self)
        self._stop.emit()
        if not self.thread.wait(wait_ms):
            log.error("thread office-stats did not stop within %d ms", wait_ms)
            _STUCK.append((self.thread, self.stats))
