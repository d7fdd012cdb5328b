"""Connects a queue (kiosk.queue.service.QueueService) to the board without blocking the UI.

Every queue method blocks (SQLite, or the hub over the LAN), and subscribers are called on the
queue's own threads. So one lane, "display-feed" (kiosk/ui/operations.py), owns the queue: it
opens it, subscribes, and reads snapshots (at start, after a reconnection, every `refresh_s`:
a UI-thread timer asks the lane, and a refresh already waiting or running makes the next one a
no-op). Everything reaches the UI thread as queued signals:

- `snapshot(QueueSnapshot)`, `event(QueueEvent)`: in the order they were emitted;
- `connection(bool, str)`: linked to the queue or not, with the reason.

Subscribing (and, for the hub, waiting until its event stream is live) happens before the first
snapshot, in the same operation on the lane, so no event falls between the two (an event
already in the snapshot is recognised by its seq and ignored by the board's model). A queue
that cannot be opened is tried again, waiting longer each time (up to 30 s).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from kiosk.ui.operations import Lane

log = logging.getLogger(__name__)

# (on_connection) -> QueueService; on_connection(ConnectionState) is called on any thread.
QueueOpener = Callable[[Callable[[Any], None]], Any]

LANE = "display-feed"
EVENTS_WAIT_S = 5.0
RETRY_FIRST_MS = 1000
RETRY_MAX_MS = 30_000


class QueueNotOpen(Exception):
    """Opening (or subscribing to) the queue failed; `__cause__` says why."""


class _Relay(QObject):
    """Lives on the UI thread; the queue's threads emit its signals, a queued connection
    delivers them there. Owned by the lane's resource, so a callback arriving late never
    meets a deleted object."""

    event = Signal(object)
    connection = Signal(object)

    def on_event(self, event: Any) -> None:
        self.event.emit(event)

    def on_connection(self, state: Any) -> None:
        self.connection.emit(state)


class _Followed:
    """The lane's resource: the queue and its subscription, opened by the first operation
    that needs them (on the lane's thread)."""

    def __init__(self, opener: QueueOpener, relay: _Relay, owns_queue: bool) -> None:
        self.opener = opener
        self.relay = relay
        self.owns_queue = owns_queue
        self.queue: Any = None
        self.unsubscribe: Callable[[], None] | None = None

    def ensure_open(self) -> Any:
        if self.queue is not None:
            return self.queue
        try:
            queue = self.opener(self.relay.on_connection)
        except Exception as exc:
            raise QueueNotOpen(str(exc)) from exc
        try:
            self.unsubscribe = queue.subscribe(self.relay.on_event)
        except Exception as exc:
            if self.owns_queue:
                try:
                    queue.close()
                except Exception:
                    log.debug("closing the queue failed", exc_info=True)
            raise QueueNotOpen(str(exc)) from exc
        self.queue = queue
        # A remote queue's event stream starts in the background. A snapshot read before it
        # is live could miss an event that happens in between (the stream starts after it),
        # so wait for it, briefly: if the hub is slow, the periodic refresh catches up.
        wait_events = getattr(queue, "wait_events", None)
        if callable(wait_events):
            try:
                wait_events(EVENTS_WAIT_S)
            except Exception:
                log.debug("waiting for the event stream failed", exc_info=True)
        return queue

    def close(self) -> None:
        if self.unsubscribe is not None:
            try:
                self.unsubscribe()
            except Exception:
                log.debug("unsubscribing failed", exc_info=True)
            self.unsubscribe = None
        if self.owns_queue and self.queue is not None:
            try:
                self.queue.close()
            except Exception:
                log.debug("closing the queue failed", exc_info=True)
        self.queue = None


def _snapshot(followed: _Followed) -> Any:
    return followed.ensure_open().snapshot()


class BoardFeed(QObject):
    """The board's side of the "display-feed" lane (see the module's text)."""

    snapshot = Signal(object)
    event = Signal(object)
    connection = Signal(bool, str)

    def __init__(self, opener: QueueOpener, *, refresh_s: float = 30.0,
                 owns_queue: bool = True, parent: QObject | None = None):
        super().__init__(parent)
        relay = _Relay()
        queued = Qt.ConnectionType.QueuedConnection
        relay.event.connect(self.event, queued)
        relay.connection.connect(self._on_connection, queued)
        self.lane = Lane(LANE, lambda: _Followed(opener, relay, owns_queue), _Followed.close)
        self._refresh_ms = max(1000, int(refresh_s * 1000))
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self.refresh)
        self._retry_ms = RETRY_FIRST_MS
        self._connected: bool | None = None
        self._running = False

    def start(self) -> None:
        """Open the queue on the lane, subscribe, then read the first snapshot."""
        self._running = True
        self.refresh()

    def refresh(self) -> None:
        """Read a snapshot on the lane (a no-op while one is waiting or being read)."""
        if not self._running:
            return
        self.lane.run(_snapshot, self._got_snapshot, self._failed, owner=self,
                      label="queue snapshot", coalesce="snapshot")

    def stop(self, wait_ms: int = 10_000) -> None:
        """Stop refreshing, unsubscribe and close the queue (when the feed owns it)."""
        if not self._running:
            return
        self._running = False
        self._timer.stop()
        self._retry.stop()
        if not self.lane.stop(wait_ms):
            log.error("the display feed did not stop within %d ms", wait_ms)

    # -- answers, on the UI thread -----------------------------------------------------------

    def _got_snapshot(self, snapshot: Any) -> None:
        if not self._running:
            return
        if not self._timer.isActive():
            self._timer.start(self._refresh_ms)  # the queue is open: refresh from now on
        self._set_connected(True, "")
        self.snapshot.emit(snapshot)

    def _failed(self, exc: BaseException) -> None:
        if not self._running:
            return
        if isinstance(exc, QueueNotOpen):
            log.warning("cannot open the queue (%s); retrying in %d s", exc,
                        self._retry_ms // 1000)
            self._set_connected(False, str(exc))
            self._retry.start(self._retry_ms)
            self._retry_ms = min(RETRY_MAX_MS, self._retry_ms * 2)
            return
        # The board keeps showing its last state, marked as cut off.
        log.info("cannot read the queue snapshot: %s", exc)
        self._set_connected(False, str(exc))

    def _on_connection(self, state: Any) -> None:
        connected = bool(getattr(state, "connected", state))
        self._set_connected(connected, getattr(state, "error", None) or "")
        if connected:
            self.refresh()  # catch up on what happened while cut off

    def _set_connected(self, connected: bool, reason: str) -> None:
        if connected != self._connected:
            self._connected = connected
            self.connection.emit(connected, reason)
