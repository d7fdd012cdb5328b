"""The queue in this process, on this station's database (single-PC offices, the demo, the hub).

Thread-safe: each thread gets its own SQLite connection (opened on first use), and writes go
through one in-process lock so events are published in commit order. Transactions are
BEGIN IMMEDIATE, so other processes writing the same file (the kiosk screen's own worker,
`kiosk ticket`) are serialised by SQLite too.

Events: every queue_events row becomes one QueueEvent, published in id order. After each of
its own operations the queue publishes at once, on the calling thread, before returning; rows
written by other connections (e.g. the ticket screen issuing through TicketDesk while this
process is the hub) are noticed by a watcher thread that looks for new rows every `watch_s`
seconds, started with the first subscription.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from kiosk.calling import CallDesk
from kiosk.config import Config
from kiosk.feedback.lookup import PublicDossierView
from kiosk.queue.catalog import Service, load_catalog
from kiosk.queue.errors import InvalidRequest, TicketNotFound
from kiosk.queue.model import QueueEvent, QueueSnapshot
from kiosk.queue.priority import PriorityCategory
from kiosk.queue.service import Unsubscribe
from kiosk.store import connect
from kiosk.ticketing import Ticket

if TYPE_CHECKING:
    from kiosk.dossiers.models import Dossier

log = logging.getLogger(__name__)

APPLIED_OPS_KEEP_DAYS = 60  # a counter offline longer than this could replay an op twice
PUMP_BATCH = 500


def parse_detail(text: str | None) -> dict[str, Any]:
    """queue_events.detail: JSON for calling events, plain text for print failures."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"message": text}
    return value if isinstance(value, dict) else {"message": text}


def as_priority(value: PriorityCategory | str | None) -> PriorityCategory | None:
    if value is None or isinstance(value, PriorityCategory):
        return value
    try:
        return PriorityCategory(value)
    except ValueError:
        choices = ", ".join(c.value for c in PriorityCategory)
        raise InvalidRequest(f"unknown priority category {value!r}; use one of: {choices}",
                             "Loại ưu tiên không hợp lệ.") from None


class LocalQueue:
    """QueueService on a SQLite file. `watch_s`: how often to look for rows written by other
    connections once someone subscribes (None: never; only this object's own operations)."""

    def __init__(self, db_path: Path | str, config: Config, *,
                 catalog: Sequence[Service] | None = None, watch_s: float | None = 0.25):
        self.db_path = db_path
        self.config = config
        self._catalog = list(catalog or load_catalog())
        self._local = threading.local()
        self._conns: list[Database] = []
        self._conns_lock = threading.Lock()
        self._lock = threading.RLock()
        self._subscribers: list[Callable[[QueueEvent], None]] = []
        self._closed = False
        self._watch_s = watch_s
        self._watcher: threading.Thread | None = None
        self._stop = threading.Event()
        desk = self._desk()
        conn = desk.db.conn
        self._last_seq = conn.execute(
            "SELECT coalesce(max(id), 0) FROM queue_events").fetchone()[0]
        cutoff = (desk.now() - timedelta(days=APPLIED_OPS_KEEP_DAYS)).isoformat()
        conn.execute("DELETE FROM applied_ops WHERE applied_at < ?", (cutoff,))

    @property
    def last_seq(self) -> int:
        """The id of the last queue event published to subscribers."""
        return self._last_seq

    # -- QueueService ---------------------------------------------------------------------------

    def services(self) -> list[Service]:
        return list(self._catalog)

    def issue(self, service_code: str, priority: PriorityCategory | str | None = None, *,
              op_id: str | None = None, at: datetime | None = None) -> Ticket:
        category = as_priority(priority)
        return self._write(lambda d: d.tickets.issue(service_code, category, op_id=op_id,
                                                     at=at))

    def record_print(self, ticket_id: int, ok: bool, detail: str | None = None, *,
                     op_id: str | None = None, at: datetime | None = None) -> Ticket:
        def op(desk: CallDesk) -> Ticket:
            ticket = desk.get(ticket_id)
            when = min(at, desk.now()) if at is not None else None
            return desk.tickets.record_print(ticket, bool(ok), detail, at=when, op_id=op_id)

        return self._write(op)

    def call_next(self, counter: int, services: Sequence[str] = (), clerk: str | None = None,
                  *, op_id: str | None = None) -> Ticket | None:
        return self._write(lambda d: d.call_next(counter, services, clerk, op_id=op_id))

    def recall(self, counter: int, *, op_id: str | None = None) -> Ticket | None:
        return self._write(lambda d: d.recall(counter, op_id=op_id))

    def skip(self, counter: int, *, op_id: str | None = None) -> Ticket | None:
        return self._write(lambda d: d.skip(counter, op_id=op_id))

    def transfer(self, counter: int, *, to_service: str | None = None,
                 to_counter: int | None = None, op_id: str | None = None) -> Ticket:
        return self._write(lambda d: d.transfer(counter, to_service=to_service,
                                                to_counter=to_counter, op_id=op_id))

    def finish(self, counter: int, *, ticket_id: int | None = None,
               at: datetime | None = None, op_id: str | None = None) -> Ticket | None:
        return self._write(lambda d: d.finish(counter, ticket_id=ticket_id, at=at,
                                              op_id=op_id))

    def link_dossier(self, ticket_id: int, dossier_code: str, *, counter: int | None = None,
                     at: datetime | None = None, op_id: str | None = None) -> Ticket:
        return self._write(lambda d: d.link_dossier(ticket_id, dossier_code, counter=counter,
                                                    at=at, op_id=op_id))

    def current(self, counter: int) -> Ticket | None:
        return self._desk().current(counter)

    def get(self, ticket_id: int) -> Ticket:
        return self._desk().get(ticket_id)

    def snapshot(self) -> QueueSnapshot:
        return self._desk().snapshot()

    def dossier_view(self, code: str) -> PublicDossierView | None:
        from kiosk.officefeed.records import find_public_view

        desk = self._desk()
        return find_public_view(desk.db, code, desk.tz)

    def petition_view(self, code: str):
        """The public view of petition `code` (kiosk.petitions), None when unknown."""
        from datetime import datetime

        from kiosk.calendar import CalendarRules
        from kiosk.petitions.cases import lookup

        desk = self._desk()
        return lookup(desk.db, code, CalendarRules.from_config(self.config),
                      datetime.now(desk.tz).date())

    def dossier_entry(self, code: str) -> tuple[PublicDossierView | None, Dossier | None]:
        """The public view of dossier `code` and, when the office dossier book (this
        station's own `dossiers`) holds it, the full record; (None, None) when unknown. A
        code only a counter's older public forward knows (office_dossiers) has no record."""
        from kiosk.dossiers.intake import load_dossier
        from kiosk.feedback.lookup import public_dossier_view
        from kiosk.officefeed.records import find_public_view

        desk = self._desk()
        dossier = load_dossier(desk.db.conn, desk.tz, code=code)
        if dossier is not None:
            return public_dossier_view(dossier), dossier
        view = find_public_view(desk.db, code, desk.tz)
        if view is None:  # a closed dossier of an archived year (kiosk/archive)
            from kiosk.archive.files import folder_for
            from kiosk.archive.reading import archived_public_view

            view = archived_public_view(folder_for(self.db_path), code)
        return view, None

    def dossier_records(self, dossier: Dossier) -> dict[str, list[Any]]:
        """The official slips and hand-overs the office dossier book holds for `dossier`
        (kiosk/dossiers/slips.py), as JSON: what a counter's mirror takes with the record."""
        from kiosk.dossiers.slips import records_json

        desk = self._desk()
        return records_json(desk.db.conn, dossier, desk.tz)

    def due_dossiers(self, within: int, *, overdue_only: bool = False) -> dict[str, Any]:
        """The office dossier book's due list (kiosk/dossiers/duelist.py), as JSON."""
        from kiosk.calendar import CalendarRules
        from kiosk.dossiers.duelist import due_list

        desk = self._desk()
        rules = CalendarRules.from_config(self.config)
        return due_list(desk.db.conn, desk.tz, rules, desk.now().date(), within=within,
                        overdue_only=overdue_only, source="hub").as_json()

    def apply_dossier_changes(self, changes: Any, *, station_id: str | None = None
                              ) -> list[dict[str, Any]]:
        """The hub's side of the office dossier book (kiosk/dossiers/book.py): a counter's
        changes, applied in order on this station's database, bound to the station that sent
        them (`station_id`, from its credential; None: the office key). A body that is not a
        list of changes is an InvalidRequest; every other problem is one change's result."""
        from kiosk.calendar import CalendarRules
        from kiosk.dossiers.book import apply_changes
        from kiosk.jsonfields import FieldRejected

        desk = self._desk()
        try:
            results = apply_changes(desk.db, changes, station_id, desk.tz,
                                    unit_code=self.config.office.code, now=desk.now(),
                                    rules=CalendarRules.from_config(self.config))
        except FieldRejected as exc:
            raise InvalidRequest(str(exc)) from None
        return [r.as_json() for r in results]

    def apply_office_records(self, records: Any, *, station_id: str | None = None,
                             types: Any = None) -> dict[str, Any]:
        """The hub's side of the office feed (kiosk.officefeed): dossiers and ratings that
        client stations forward, bound to the station that sent them (`station_id`, from its
        credential) and limited to the record `types` its role may send."""
        from kiosk.officefeed.records import RecordRejected, apply_records

        desk = self._desk()
        try:
            return apply_records(desk.db, records, desk.tz, desk.now(), station_id=station_id,
                                 types=types, unit_code=self.config.office.code)
        except RecordRejected as exc:
            raise InvalidRequest(str(exc)) from None

    def subscribe(self, callback: Callable[[QueueEvent], None]) -> Unsubscribe:
        with self._lock:
            self._subscribers.append(callback)
            if self._watch_s and self._watcher is None and not self._closed:
                self._watcher = threading.Thread(target=self._watch, name="queue-watch",
                                                 daemon=True)
                self._watcher.start()

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def subscribe_at(self, callback: Callable[[QueueEvent], None]
                     ) -> tuple[Unsubscribe, int]:
        """subscribe(), also returning the seq of the last event published before it: the
        callback gets exactly the events after that one."""
        with self._lock:
            return self.subscribe(callback), self._last_seq

    def close(self) -> None:
        self._closed = True
        self._stop.set()
        if self._watcher is not None and self._watcher is not threading.current_thread():
            self._watcher.join(5)
        with self._conns_lock:
            conns, self._conns = self._conns, []
        for db in conns:
            try:
                db.conn.close()
            except Exception:
                log.debug("closing a queue connection failed", exc_info=True)

    # -- internals --------------------------------------------------------------------------------

    def _desk(self) -> CallDesk:
        desk = getattr(self._local, "desk", None)
        if desk is None:
            if self._closed:
                raise RuntimeError("the queue is closed")
            db = connect(self.db_path)
            with self._conns_lock:
                self._conns.append(db)
            desk = CallDesk(db, self.config, self._catalog)
            self._local.desk = desk
        return desk

    def _write(self, op: Callable[[CallDesk], Any]) -> Any:
        desk = self._desk()
        with self._lock:
            try:
                return op(desk)
            except KeyError as exc:  # a ticket id the desk did not find
                raise TicketNotFound(exc.args[0] if exc.args else "?") from None
            finally:
                self._pump(desk)

    def _pump(self, desk: CallDesk) -> None:
        """Publish every queue_events row after the last one published, in id order (under
        self._lock)."""
        conn = desk.db.conn
        while True:
            rows = conn.execute(
                "SELECT id, ticket_id, kind, at, detail FROM queue_events WHERE id > ? "
                "ORDER BY id LIMIT ?", (self._last_seq, PUMP_BATCH)).fetchall()
            if not rows:
                return
            self._last_seq = rows[-1][0]
            subscribers = list(self._subscribers)
            if not subscribers:
                continue
            waiting = desk.tickets.waiting_counts()
            for seq, ticket_id, kind, at, text in rows:
                detail = parse_detail(text)
                try:
                    ticket = desk.tickets.fetch(conn, ticket_id)
                except KeyError:
                    continue
                counter = detail.get("counter", ticket.counter)
                event = QueueEvent(
                    kind=kind, ticket=ticket, counter=counter, seq=seq,
                    at=datetime.fromisoformat(at).astimezone(desk.tz),
                    clerk=detail.get("clerk"), detail=detail, waiting=waiting)
                for callback in subscribers:
                    try:
                        callback(event)
                    except Exception:
                        log.exception("a queue subscriber failed on a %s event", kind)

    def _watch(self) -> None:
        while not self._stop.wait(self._watch_s):
            try:
                desk = self._desk()
                newest = desk.db.conn.execute(
                    "SELECT coalesce(max(id), 0) FROM queue_events").fetchone()[0]
                if newest > self._last_seq:
                    with self._lock:
                        self._pump(desk)
            except Exception:
                if self._closed:
                    return
                log.exception("watching the queue for changes failed")
