"""The one queue interface the application layer talks to, and its errors.

Two implementations with the same behaviour (tests/queue/test_queue_behaviour.py runs one suite
against both):

- `kiosk.queue.local.LocalQueue(db_path, config)`: in process, on this station's database
  (single-PC offices, the demo, and the hub itself);
- `kiosk.queue.remote.RemoteQueue(hub_url, key)`: the office hub over the LAN (HTTP JSON for
  operations, a WebSocket for events).

`kiosk.station.open_queue(config, paths)` picks one from the configuration. The errors they
raise are in kiosk/queue/errors.py (re-exported here).

Every method blocks (SQLite or the network): call them from worker threads, never a UI thread.
Subscribers are called on a background thread; a Qt UI re-emits them as signals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from kiosk.feedback.lookup import PublicDossierView
from kiosk.queue.catalog import Service
from kiosk.queue.errors import (
    HubUnavailable,
    InvalidRequest,
    NoCurrentTicket,
    QueueError,
    TicketNotFound,
    Unauthorized,
)
from kiosk.queue.model import QueueEvent, QueueSnapshot
from kiosk.queue.priority import PriorityCategory
from kiosk.ticketing import Ticket

# The errors, for callers written against the interface (their home is kiosk/queue/errors.py).
__all__ = ["ConnectionState", "HubUnavailable", "InvalidRequest", "NoCurrentTicket",
           "QueueError", "QueueService", "TicketNotFound", "Unauthorized", "Unsubscribe"]

Unsubscribe = Callable[[], None]


@dataclass(frozen=True)
class ConnectionState:
    """How a remote queue's link to the hub is. `since`: when it became so. `pending`:
    operations waiting in the counter outbox. `resync`: events were missed while away (the
    hub restarted, or the station was away long): take a new snapshot."""

    connected: bool
    since: datetime
    error: str | None = None
    pending: int = 0
    resync: bool = False

    @property
    def message_vi(self) -> str:
        if self.connected:
            return "Đã kết nối với máy chủ quầy."
        return f"Mất kết nối với máy chủ quầy từ {self.since:%H:%M:%S}."


@runtime_checkable
class QueueService(Protocol):
    """The office queue. Ticket ids are the hub's. Counter numbers are 1..999."""

    def services(self) -> list[Service]:
        """Every service of the catalog, in catalog order (a kiosk filters by its own
        [kiosk] services)."""

    def issue(self, service_code: str, priority: PriorityCategory | None = None) -> Ticket:
        """The next number of the day for a service (raises UnknownService)."""

    def record_print(self, ticket_id: int, ok: bool, detail: str | None = None) -> Ticket:
        """Record how printing the ticket went (events printed / print_failed)."""

    def call_next(self, counter: int, services: Sequence[str], clerk: str | None = None
                  ) -> Ticket | None:
        """Finish the counter's current ticket if any (a 'finished' event with by=next), then
        call the next one: first a ticket transferred to this counter, else by the priority
        policy across `services` (empty: every service). None when nobody waits."""

    def recall(self, counter: int) -> Ticket | None:
        """Announce the counter's current ticket again; None if it serves nobody."""

    def skip(self, counter: int) -> Ticket | None:
        """No-show: the current ticket becomes 'skipped'; None if it serves nobody."""

    def transfer(self, counter: int, *, to_service: str | None = None,
                 to_counter: int | None = None) -> Ticket:
        """Send the current ticket back to waiting, in another service's queue and/or for
        another counter (which calls it before its other waiting tickets). It keeps its
        number and its place in issue order. Raises NoCurrentTicket."""

    def finish(self, counter: int) -> Ticket | None:
        """The current ticket is done; None if the counter serves nobody."""

    def current(self, counter: int) -> Ticket | None:
        """The ticket at the counter now, if any."""

    def get(self, ticket_id: int) -> Ticket:
        """One ticket (raises TicketNotFound)."""

    def link_dossier(self, ticket_id: int, dossier_code: str) -> Ticket:
        """Link a dossier taken in during this ticket's service (idempotent per code)."""

    def snapshot(self) -> QueueSnapshot:
        """Waiting counts, serving now per counter, the latest calls, the waiting tickets."""

    def dossier_view(self, code: str) -> PublicDossierView | None:
        """The public view of a dossier taken in anywhere in the office (the hub's own, or
        one a client station forwarded); None when the office does not know the code."""

    def subscribe(self, callback: Callable[[QueueEvent], None]) -> Unsubscribe:
        """Call `callback(event)` for every event from now on, in order, on a background
        thread. Keep it quick; it must not raise."""

    def close(self) -> None:
        """Release connections and threads."""
