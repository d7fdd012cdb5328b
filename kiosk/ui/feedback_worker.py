"""The database thread behind the citizen-facing views: dossier look-ups, feedback, ratings.

Same pattern as kiosk/ui/workers.py: one QThread with one worker QObject that owns its own
SQLite connection; the UI sends requests as queued signals and hears back through signals. The
UI thread never waits for SQLite, so a long write by a counter (busy_timeout is 15 s) cannot
freeze the kiosk while a citizen types.

The thread starts on the first request, not before, so a window that never uses it (a counter
whose citizens never rate) runs no extra thread. Errors come back as (message_vi, message_en);
only message_en is logged, never what the citizen typed or which dossier they looked up.
"""

from __future__ import annotations

import atexit
import itertools
import logging
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from kiosk.config import Config
from kiosk.feedback.errors import FeedbackError
from kiosk.paths import Paths
from kiosk.station import open_database

log = logging.getLogger(__name__)

_RUNNING: set[FeedbackWorkers] = set()
# Threads that did not stop in time: destroying a running QThread aborts the process.
_STUCK: list[tuple[QThread, QObject]] = []
STOP_WAIT_MS = 20_000  # longer than SQLite's busy timeout


@atexit.register
def stop_all() -> None:
    for workers in list(_RUNNING):
        workers.stop()


def _failure(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, FeedbackError):
        return exc.message_vi, exc.message_en
    from kiosk.queue.errors import HubUnavailable

    if isinstance(exc, HubUnavailable):
        return ("Chưa tra cứu được do mất kết nối với máy chủ của điểm phục vụ. Vui lòng thử "
                "lại sau ít phút hoặc hỏi cán bộ tại quầy.",
                "The office server cannot be reached just now. Please try again in a few "
                "minutes or ask at a counter.")
    return ("Hệ thống đang bận, vui lòng thử lại sau ít phút hoặc hỏi cán bộ tại quầy.",
            f"{exc.__class__.__name__} in the feedback worker")


class FeedbackWorker(QObject):
    looked_up = Signal(int, object)  # request id, PublicDossierView or None (no such code)
    lookup_failed = Signal(int, str, str)
    feedback_saved = Signal(object)  # CitizenFeedback
    feedback_failed = Signal(str, str)
    rating_saved = Signal(object)  # Rating
    rating_failed = Signal(str, str)

    def __init__(self, config: Config, paths: Paths) -> None:
        super().__init__()
        self._config = config
        self._paths = paths
        self._db = None
        self._queue = None

    def _open(self):
        if self._db is None:
            self._db = open_database(self._config, self._paths)
        return self._db

    def _hub(self):
        """The office hub, when this station is its client: dossiers taken in at the
        counters are known there (kiosk.officefeed)."""
        if self._queue is None:
            from kiosk.station import open_queue

            self._queue = open_queue(self._config, self._paths)
        return self._queue

    @Slot(int, str)
    def lookup(self, request: int, code: str) -> None:
        from zoneinfo import ZoneInfo

        from kiosk.officefeed.records import find_public_view
        from kiosk.queue.settings import hub_settings

        try:
            view = find_public_view(self._open(), code, ZoneInfo(self._config.office.timezone))
            if view is None and hub_settings(self._config).role == "client":
                view = self._hub().dossier_view(code)
        except Exception as exc:
            log.error("dossier look-up failed: %s", exc.__class__.__name__)
            self.lookup_failed.emit(request, *_failure(exc))
            return
        self.looked_up.emit(request, view)

    @Slot(object)
    def save_feedback(self, request: dict[str, Any]) -> None:
        from kiosk.feedback.citizen_feedback import record_feedback

        try:
            saved = record_feedback(self._open(), station_id=self._config.station.id,
                                    **request)
        except Exception as exc:
            message_vi, message_en = _failure(exc)
            log.warning("citizen feedback not stored: %s", message_en)
            self.feedback_failed.emit(message_vi, message_en)
            return
        self.feedback_saved.emit(saved)

    @Slot(object)
    def save_rating(self, request: dict[str, Any]) -> None:
        from kiosk.feedback.ratings import record_rating

        try:
            saved = record_rating(self._open(), station_id=self._config.station.id, **request)
        except Exception as exc:
            message_vi, message_en = _failure(exc)
            log.error("rating not stored: %s", message_en)
            self.rating_failed.emit(message_vi, message_en)
            return
        self.rating_saved.emit(saved)

    @Slot()
    def stop(self) -> None:
        if self._db is not None:
            self._db.conn.close()
            self._db = None
        if self._queue is not None:
            self._queue.close()
            self._queue = None
        QThread.currentThread().quit()


class FeedbackWorkers(QObject):
    """UI-thread side: forwards requests to the worker thread and its answers back."""

    looked_up = Signal(int, object)
    lookup_failed = Signal(int, str, str)
    feedback_saved = Signal(object)
    feedback_failed = Signal(str, str)
    rating_saved = Signal(object)
    rating_failed = Signal(str, str)

    _lookup = Signal(int, str)
    _save_feedback = Signal(object)
    _save_rating = Signal(object)
    _stop = Signal()

    def __init__(self, config: Config, paths: Paths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_thread = QThread()
        self.db_thread.setObjectName("kiosk-feedback")
        self.worker = FeedbackWorker(config, paths)
        self.worker.moveToThread(self.db_thread)
        self._lookup.connect(self.worker.lookup)
        self._save_feedback.connect(self.worker.save_feedback)
        self._save_rating.connect(self.worker.save_rating)
        self._stop.connect(self.worker.stop)
        for name in ("looked_up", "lookup_failed", "feedback_saved", "feedback_failed",
                     "rating_saved", "rating_failed"):
            getattr(self.worker, name).connect(getattr(self, name))
        self._requests = itertools.count(1)
        self._running = False
        self._stopped = False

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        if self._running or self._stopped:
            return
        self.db_thread.start()
        self._running = True
        _RUNNING.add(self)

    def lookup(self, code: str) -> int:
        """Look a dossier code up; returns the request id `looked_up` will carry."""
        self.start()
        request = next(self._requests)
        self._lookup.emit(request, code)
        return request

    def save_feedback(self, *, topic: str, text: str, phone: str | None,
                      at: datetime) -> None:
        self.start()
        self._save_feedback.emit({"topic": topic, "text": text, "phone": phone, "at": at})

    def save_rating(self, **request: Any) -> None:
        """record_rating()'s keyword arguments (without db and station_id)."""
        self.start()
        self._save_rating.emit(request)

    def stop(self) -> None:
        """Close the connection and end the thread (waits for a write in progress)."""
        self._stopped = True
        if not self._running:
            return
        self._running = False
        _RUNNING.discard(self)
        self._stop.emit()
        if not self.db_thread.wait(STOP_WAIT_MS):
            log.error("thread %s did not stop within %d ms", self.db_thread.objectName(),
                      STOP_WAIT_MS)
            _STUCK.append((self.db_thread, self.worker))
