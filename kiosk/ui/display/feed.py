"""Connects a queue (kiosk.queue.service.QueueService) to the board without blocking the UI.

Every queue method blocks (SQLite, or the hub over the LAN), and subscribers are called on the
queue's own threads. So one QThread, "display-feed", owns the queue: it opens it, subscribes,
reads snapshots (at start, after a reconnection, every `refresh_s`), and everything reaches the
UI thread as queued signals:

- `snapshot(QueueSnapshot)`, `event(QueueEvent)`: in the order they were emitted;
- `connection(bool, str)`: linked to the queue or not, with the reason.

Subscribing (and, for the hub, waiting until its event stream is live) happens before the first
snapshot, so no event falls between the two (an event already in the snapshot is recognised by
its seq and ignored by the board's model).
"""

from __future__ import annotations

import atexit
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

log = logging.getLogger(__name__)

# (on_connection) -> QueueService; on_connection(ConnectionState) is called on any thread.
QueueOpener = Callable[[Callable[[Any], None]], Any]

_RUNNING: set[BoardFeed] = set()
EVENTS_WAIT_S = 5.0


@atexit.register
def _stop_all() -> None:
    for feed in list(_RUNNING):
        feed.stop()


class FeedWorker(QObject):
    snapshot = Signal(object)
    event = Signal(object)
    connection = Signal(bool, str)
    _refresh_soon = Signal()

    def __init__(self, opener: QueueOpener, refresh_s: float, owns_queue: bool = True):
        super().__init__()
        self._opener = opener
        self._owns_queue = owns_queue
        self._refresh_ms = max(1000, int(refresh_s * 1000))
        self.queue: Any = None
        self._unsubscribe: Callable[[], None] | None = None
        self._timer: QTimer | None = None
        self._retry_ms = 1000
        self._connected: bool | None = None
        self._refresh_soon.connect(self.refresh, Qt.ConnectionType.QueuedConnection)

    @Slot()
    def start(self) -> None:
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._open()

    def _open(self) -> None:
        try:
            self.queue = self._opener(self._on_connection)
            self._unsubscribe = self.queue.subscribe(self._on_event)
        except Exception as exc:
            log.warning("cannot open the queue (%s); retrying in %d s", exc,
                        self._retry_ms // 1000)
            self._set_connected(False, str(exc))
            QTimer.singleShot(self._retry_ms, self._open)
            self._retry_ms = min(30_000, self._retry_ms * 2)
            return
        # A remote queue's event stream starts in the background. A snapshot read before it
        # is live could miss an event that happens in between (the stream starts after it),
        # so wait for it, briefly: if the hub is slow, the periodic refresh catches up.
        wait_events = getattr(self.queue, "wait_events", None)
        if callable(wait_events):
            try:
                wait_events(EVENTS_WAIT_S)
            except Exception:
                log.debug("waiting for the event stream failed", exc_info=True)
        self.refresh()
        assert self._timer is not None
        self._timer.start(self._refresh_ms)

    def _on_event(self, event: Any) -> None:
        # Called on the queue's thread: a signal is the thread-safe way to the UI.
        self.event.emit(event)

    def _on_connection(self, state: Any) -> None:
        connected = bool(getattr(state, "connected", state))
        self._set_connected(connected, getattr(state, "error", None) or "")
        if connected:
            self._refresh_soon.emit()  # catch up on what happened while cut off

    def _set_connected(self, connected: bool, reason: str) -> None:
        if connected != self._connected:
            self._connected = connected
            self.connection.emit(connected, reason)

    @Slot()
    def refresh(self) -> None:
        if self.queue is None:
            return
        try:
            snapshot = self.queue.snapshot()
        except Exception as exc:
            # The board keeps showing its last state, marked as cut off.
            log.info("cannot read the queue snapshot: %s", exc)
            self._set_connected(False, str(exc))
            return
        self._set_connected(True, "")
        self.snapshot.emit(snapshot)

    @Slot()
    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self._unsubscribe is not None:
            try:
                self._unsubscribe()
            except Exception:
                log.debug("unsubscribing failed", exc_info=True)
        if self._owns_queue and self.queue is not None:
            try:
                self.queue.close()
            except Exception:
                log.debug("closing the queue failed", exc_info=True)
        QThread.currentThread().quit()


class BoardFeed(QObject):
    """UI-thread side: owns the feed thread and forwards its signals (queued)."""

    snapshot = Signal(object)
    event = Signal(object)
    connection = Signal(bool, str)
    _start = Signal()
    _stop = Signal()
    _refresh = Signal()

    def __init__(self, opener: QueueOpener, *, refresh_s: float = 30.0,
                 owns_queue: bool = True, parent: QObject | None = None):
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("display-feed")
        self.worker = FeedWorker(opener, refresh_s, owns_queue)
        self.worker.moveToThread(self.thread)
        queued = Qt.ConnectionType.QueuedConnection
        self._start.connect(self.worker.start, queued)
        self._stop.connect(self.worker.stop, queued)
        self._refresh.connect(self.worker.refresh, queued)
        self.worker.snapshot.connect(self.snapshot, queued)
        self.worker.event.connect(self.event, queued)
        self.worker.connection.connect(self.connection, queued)
        self._running = False

    @property
    def queue(self) -> Any:
        return self.worker.queue

    def start(self) -> None:
        self.thread.start()
        self._running = True
        _RUNNING.add(self)
        self._start.emit()

    def refresh(self) -> None:
        self._refresh.emit()

    def stop(self, wait_ms: int = 10_000) -> None:
        if not self._running:
            return
        self._running = False
        _RUNNING.discard(self)
        self._stop.emit()
        if not self.thread.wait(wait_ms):
            log.error("the display feed thread did not stop within %d ms", wait_ms)
