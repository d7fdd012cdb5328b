"""Calling tickets to counters: the application service behind the counters and the hub.

Plain, blocking Python on one SQLite connection, like kiosk.ticketing.TicketDesk (which it
uses for tickets and events). Every operation is one BEGIN IMMEDIATE transaction that changes
the ticket, appends its queue_event (detail JSON with the counter and clerk, the time in `at`)
and the event's outbox row, and remembers the operation id if one is given. The write lock
taken up front is what makes "next" safe: two counters pressing it at the same instant are
serialised by SQLite, and the second one sees the first one's ticket as already called.
A partial unique index also forbids two tickets at one counter.

Decisions:
- "next" while a ticket is at the counter finishes that ticket first (a 'finished' event with
  detail by="next"), in the same transaction; a clerk presses "next" when done.
- A ticket transferred to a counter is called by that counter before anything else; one
  transferred to a service keeps its place (issue order) in that service's queue.
- Only today's (local day) waiting tickets are called.
- Statuses: waiting -> called (at a counter) -> done | skipped, or back to waiting by a
  transfer. 'serving' is not used (no "citizen arrived" step); readers treat it as 'called'.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from kiosk.config import Config
from kiosk.queue.catalog import Service
from kiosk.queue.errors import InvalidRequest, NoCurrentTicket, TicketNotFound
from kiosk.queue.model import (
    CALLED,
    DOSSIER_LINKED,
    FINISHED,
    RECALLED,
    SKIPPED,
    TRANSFERRED,
    CallRecord,
    QueueSnapshot,
    ServingNow,
    WaitingTicket,
)
from kiosk.queue.numbering import local_day
from kiosk.queue.priority import Waiting
from kiosk.scanning.parse import DOSSIER_CODE_RE
from kiosk.store import transaction
from kiosk.ticketing import (
    TICKET_SELECT,
    Ticket,
    TicketDesk,
    applied_op,
    needs_call_history,
    normal_calls_since_priority,
    remember_op,
)

log = logging.getLogger(__name__)

MAX_COUNTER = 999
MAX_CLERK_LENGTH = 100
MAX_DOSSIER_CODE_LENGTH = 64
RECENT_CALLS = 10
AT_COUNTER = ("called", "serving")


def check_counter(counter: Any) -> int:
    if isinstance(counter, bool) or not isinstance(counter, int) \
            or not 1 <= counter <= MAX_COUNTER:
        raise InvalidRequest(f"counter must be a whole number from 1 to {MAX_COUNTER}, "
                             f"not {counter!r}", "Số quầy không hợp lệ.")
    return counter


def clean_clerk(clerk: Any) -> str | None:
    if clerk is None:
        return None
    if not isinstance(clerk, str) or len(clerk) > MAX_CLERK_LENGTH:
        raise InvalidRequest(f"clerk must be text of at most {MAX_CLERK_LENGTH} characters")
    return " ".join(clerk.split()) or None


class CallDesk:
    """Counter operations and queue reads on one connection. One per connection/thread."""

    def __init__(self, db: Database, config: Config, catalog: Sequence[Service] | None = None,
                 tickets: TicketDesk | None = None):
        self.db = db
        self.config = config
        self.tickets = tickets or TicketDesk(db, config, catalog)
        self.policy = self.tickets.policy
        self.tz = self.tickets.tz

    # -- reading -----------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.tickets.now()

    def get(self, ticket_id: int) -> Ticket:
        try:
            return self.tickets.get(ticket_id)
        except KeyError:
            raise TicketNotFound(ticket_id) from None

    def current(self, counter: int) -> Ticket | None:
        return self._current(self.db.conn, check_counter(counter))

    def snapshot(self, *, recent: int = RECENT_CALLS, at: datetime | None = None
                 ) -> QueueSnapshot:
        """One consistent read (a read transaction) of today's queue."""
        at = (at or self.now()).astimezone(self.tz)
        day = local_day(at, self.config.office.timezone)
        today = day.isoformat()
        tomorrow = (day + timedelta(days=1)).isoformat()
        conn = self.db.conn
        conn.execute("BEGIN")
        try:
            seq = conn.execute("SELECT coalesce(max(id), 0) FROM queue_events").fetchone()[0]
            waiting = self.tickets.waiting_counts(at)
            serving = tuple(
                ServingNow(counter=t.counter, ticket=t,  # type: ignore[arg-type]
                           last_called_at=self._time(last))
                for t, last in self._serving(conn, today))
            calls = []
            # `kind IN ('called', 'recalled')` word for word: the calls' partial index
            # (queue_events_calls, kiosk/store/upkeep_schema.py) serves only that.
            for i, kind, when, text, tid, number, service in conn.execute(
                    "SELECT e.id, e.kind, e.at, e.detail, t.id, t.number, t.service_code "
                    "FROM queue_events e JOIN tickets t ON t.id = e.ticket_id "
                    "WHERE e.kind IN ('called', 'recalled') AND e.at >= ? AND e.at < ? "
                    "ORDER BY e.id DESC LIMIT ?", (today, tomorrow, recent)):
                detail = json.loads(text)
                calls.append(CallRecord(
                    seq=i, kind=kind, counter=int(detail["counter"]), number=number,
                    service=detail.get("service", service), ticket_id=tid,
                    at=datetime.fromisoformat(when).astimezone(self.tz)))
            waiting_tickets = tuple(
                WaitingTicket(id=i, number=n, service=s, priority=p, target_counter=tc)
                for i, n, s, p, tc in conn.execute(
                    "SELECT id, number, coalesce(queue_service, service_code), priority, "
                    "target_counter FROM tickets WHERE day = ? AND status = 'waiting' "
                    "ORDER BY id", (today,)))
        finally:
            conn.execute("COMMIT")
        return QueueSnapshot(at=at, day=day, seq=seq, waiting=waiting, serving=serving,
                             recent_calls=tuple(calls), waiting_tickets=waiting_tickets)

    # -- counter operations ------------------------------------------------------------------

    def call_next(self, counter: int, services: Sequence[str] = (), clerk: str | None = None,
                  *, at: datetime | None = None, op_id: str | None = None) -> Ticket | None:
        counter = check_counter(counter)
        clerk = clean_clerk(clerk)
        wanted = self._check_services(services)
        at = self._at(at)
        day = local_day(at, self.config.office.timezone).isoformat()
        with transaction(self.db) as conn:
            done = applied_op(conn, op_id)
            if done is not None:
                return self._fetch(conn, done) if done else None
            current = self._current(conn, counter)
            if current is not None:
                self._finish(conn, current, at, by="next")
            chosen = self._choose(conn, counter, wanted, day)
            if chosen is None:
                remember_op(conn, op_id, "call_next", None, at)
                return None
            before = self._fetch(conn, chosen)
            cur = conn.execute(
                "UPDATE tickets SET status = 'called', counter = ?, clerk = ?, "
                "called_at = coalesce(called_at, ?), last_called_at = ?, target_counter = NULL "
                "WHERE id = ? AND status = 'waiting'",
                (counter, clerk, at.isoformat(), at.isoformat(), chosen))
            if cur.rowcount != 1:  # cannot happen under the write lock; never call twice
                raise RuntimeError(f"ticket {chosen} was taken while being called")
            ticket = self._fetch(conn, chosen)
            self._event(conn, ticket, CALLED, at, counter=counter, clerk=clerk,
                        service=ticket.current_service, first=before.called_at is None)
            remember_op(conn, op_id, "call_next", ticket.id, at)
        log.info("counter %d called %s", counter, ticket.number)
        return ticket

    def recall(self, counter: int, *, at: datetime | None = None,
               op_id: str | None = None) -> Ticket | None:
        counter = check_counter(counter)
        at = self._at(at)
        with transaction(self.db) as conn:
            done = applied_op(conn, op_id)
            if done is not None:
                return self._fetch(conn, done) if done else None
            current = self._current(conn, counter)
            if current is None:
                remember_op(conn, op_id, "recall", None, at)
                return None
            conn.execute("UPDATE tickets SET last_called_at = ? WHERE id = ?",
                         (at.isoformat(), current.id))
            self._event(conn, current, RECALLED, at, counter=counter, clerk=current.clerk,
                        service=current.current_service)
            remember_op(conn, op_id, "recall", current.id, at)
        return self._fetch(self.db.conn, current.id)

    def skip(self, counter: int, *, at: datetime | None = None,
             op_id: str | None = None) -> Ticket | None:
        counter = check_counter(counter)
        at = self._at(at)
        with transaction(self.db) as conn:
            done = applied_op(conn, op_id)
            if done is not None:
                return self._fetch(conn, done) if done else None
            current = self._current(conn, counter)
            if current is None:
                remember_op(conn, op_id, "skip", None, at)
                return None
            # The latest call's time matters only while the citizen is called (the display,
            # ServingNow); every call stays in queue_events: not kept on a closed ticket.
            conn.execute("UPDATE tickets SET status = 'skipped', last_called_at = NULL "
                         "WHERE id = ?", (current.id,))
            self._event(conn, current, SKIPPED, at, counter=counter, clerk=current.clerk,
                        service=current.current_service)
            remember_op(conn, op_id, "skip", current.id, at)
        log.info("counter %d skipped %s", counter, current.number)
        return self._fetch(self.db.conn, current.id)

    def transfer(self, counter: int, *, to_service: str | None = None,
                 to_counter: int | None = None, at: datetime | None = None,
                 op_id: str | None = None) -> Ticket:
        counter = check_counter(counter)
        if to_service is None and to_counter is None:
            raise InvalidRequest("transfer needs to_service, to_counter or both",
                                 "Chọn dịch vụ hoặc quầy để chuyển.")
        if to_service is not None:
            self.tickets.service(to_service)  # raises UnknownService
        if to_counter is not None and check_counter(to_counter) == counter:
            raise InvalidRequest("cannot transfer a ticket to its own counter",
                                 "Không thể chuyển sang chính quầy này.")
        at = self._at(at)
        with transaction(self.db) as conn:
            done = applied_op(conn, op_id)
            if done:
                return self._fetch(conn, done)
            current = self._current(conn, counter)
            if current is None:
                raise NoCurrentTicket(counter)
            new_service = to_service or current.current_service
            conn.execute(
                "UPDATE tickets SET status = 'waiting', queue_service = ?, target_counter = ?, "
                "counter = NULL, clerk = NULL WHERE id = ?",
                (None if new_service == current.service_code else new_service, to_counter,
                 current.id))
            self._event(conn, current, TRANSFERRED, at, counter=counter, clerk=current.clerk,
                        from_service=current.current_service, to_service=new_service,
                        to_counter=to_counter)
            remember_op(conn, op_id, "transfer", current.id, at)
        log.info("counter %d transferred %s to %s", counter, current.number,
                 f"counter {to_counter}" if to_counter else new_service)
        return self._fetch(self.db.conn, current.id)

    def finish(self, counter: int, *, ticket_id: int | None = None, at: datetime | None = None,
               op_id: str | None = None) -> Ticket | None:
        """Finish the counter's current ticket. With `ticket_id` (a counter's replayed outbox)
        only if that ticket is still the current one; otherwise that ticket as it is now."""
        counter = check_counter(counter)
        at = self._at(at, replayed=op_id is not None)
        with transaction(self.db) as conn:
            done = applied_op(conn, op_id)
            if done is not None:
                return self._fetch(conn, done) if done else None
            current = self._current(conn, counter)
            if current is None or (ticket_id is not None and current.id != ticket_id):
                remember_op(conn, op_id, "finish", ticket_id, at)
                return self._fetch(conn, ticket_id) if ticket_id is not None else None
            self._finish(conn, current, at)
            remember_op(conn, op_id, "finish", current.id, at)
        log.info("counter %d finished %s", counter, current.number)
        return self._fetch(self.db.conn, current.id)

    def link_dossier(self, ticket_id: int, dossier_code: str, *, counter: int | None = None,
                     at: datetime | None = None, op_id: str | None = None) -> Ticket:
        # Only a dossier code (UNIT-YYMMDD-NNNN): the linked code is shown to every station
        # that follows the queue (the rating screen ties its rating to it), so never a name,
        # an ID number or a line break.
        code = dossier_code.strip().upper() if isinstance(dossier_code, str) else ""
        if not code or len(code) > MAX_DOSSIER_CODE_LENGTH \
                or not DOSSIER_CODE_RE.fullmatch(code):
            raise InvalidRequest(f"dossier_code must be a dossier code UNIT-YYMMDD-NNNN of at "
                                 f"most {MAX_DOSSIER_CODE_LENGTH} characters",
                                 "Mã hồ sơ không hợp lệ.")
        if counter is not None:
            check_counter(counter)
        at = self._at(at, replayed=op_id is not None)
        with transaction(self.db) as conn:
            if applied_op(conn, op_id) is None:
                ticket = self._fetch(conn, ticket_id)
                cur = conn.execute(
                    "INSERT INTO ticket_dossiers (ticket_id, dossier_code, linked_at, counter) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (ticket.id, code, at.isoformat(), counter or ticket.counter))
                if cur.rowcount:
                    self._event(conn, ticket, DOSSIER_LINKED, at,
                                counter=counter or ticket.counter, clerk=ticket.clerk,
                                dossier_code=code)
                remember_op(conn, op_id, "link_dossier", ticket.id, at)
        return self._fetch(self.db.conn, ticket_id)

    # -- internals ---------------------------------------------------------------------------

    def _at(self, at: datetime | None, *, replayed: bool = False) -> datetime:
        now = self.now()
        if at is None:
            return now
        if at.tzinfo is None:
            raise InvalidRequest("times must carry a UTC offset")
        # A replayed operation keeps the time the clerk acted (service-time statistics), but
        # a station's clock running ahead must not put it in the future.
        return min(at, now).astimezone(self.tz) if replayed else at.astimezone(self.tz)

    def _time(self, value: str | None) -> datetime | None:
        return datetime.fromisoformat(value).astimezone(self.tz) if value else None

    def _check_services(self, services: Sequence[str]) -> tuple[str, ...]:
        if isinstance(services, str):
            services = [s for s in services.split(",") if s]
        for code in services:
            self.tickets.service(code)  # raises UnknownService
        return tuple(services)

    def _fetch(self, conn: sqlite3.Connection, ticket_id: int) -> Ticket:
        try:
            return self.tickets.fetch(conn, ticket_id)
        except KeyError:
            raise TicketNotFound(ticket_id) from None

    def _current(self, conn: sqlite3.Connection, counter: int) -> Ticket | None:
        row = conn.execute(f"SELECT {TICKET_SELECT} FROM tickets WHERE counter = ? AND status "
                           "IN ('called', 'serving')", (counter,)).fetchone()
        return self.tickets.with_dossiers(conn, self.tickets.from_row(row)) if row else None

    def _serving(self, conn: sqlite3.Connection, day: str) -> list[tuple[Ticket, str | None]]:
        # Through tickets_at_counter (one row per busy counter, in counter order); `+day`
        # keeps SQLite from reading the whole day's tickets by their day instead.
        rows = conn.execute(
            f"SELECT {TICKET_SELECT}, last_called_at FROM tickets WHERE status IN "
            "('called', 'serving') AND counter IS NOT NULL AND +day = ? ORDER BY counter",
            (day,)).fetchall()
        return [(self.tickets.with_dossiers(conn, self.tickets.from_row(r[:-1])), r[-1])
                for r in rows]

    def _choose(self, conn: sqlite3.Connection, counter: int, services: tuple[str, ...],
                day: str) -> int | None:
        row = conn.execute("SELECT id FROM tickets WHERE day = ? AND status = 'waiting' AND "
                           "target_counter = ? ORDER BY id LIMIT 1", (day, counter)).fetchone()
        if row:
            return row[0]
        rows = conn.execute(
            "SELECT id, priority IS NOT NULL, coalesce(queue_service, service_code) FROM tickets "
            "WHERE day = ? AND status = 'waiting' AND target_counter IS NULL ORDER BY id",
            (day,)).fetchall()
        wanted = set(services)
        waiting = [Waiting(ticket_id=i, order=i, priority=bool(p))
                   for i, p, s in rows if not wanted or s in wanted]
        if not waiting:
            return None
        since = normal_calls_since_priority(conn, services or None, day, self.policy.every) \
            if needs_call_history(self.policy, waiting) else 0
        chosen = self.policy.next_ticket(waiting, since)
        return chosen.ticket_id if chosen else None

    def _finish(self, conn: sqlite3.Connection, ticket: Ticket, at: datetime,
                by: str | None = None) -> None:
        called = ticket.called_at
        if called is not None and at < called:
            at = called  # a replayed finish from a station whose clock runs behind
        # last_called_at: only while the ticket is at a counter (see skip()).
        conn.execute("UPDATE tickets SET status = 'done', finished_at = ?, last_called_at = NULL "
                     "WHERE id = ?", (at.isoformat(), ticket.id))
        extra = {"by": by} if by else {}
        self._event(conn, ticket, FINISHED, at, counter=ticket.counter, clerk=ticket.clerk,
                    service=ticket.current_service, **extra)

    def _event(self, conn: sqlite3.Connection, ticket: Ticket, kind: str, at: datetime,
               **detail: Any) -> None:
        self.tickets.record_event(conn, ticket, kind, at, json.dumps(
            detail, ensure_ascii=False, separators=(",", ":"), sort_keys=True))
