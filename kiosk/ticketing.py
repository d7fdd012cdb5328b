"""Issuing and printing queue tickets: the application service behind the kiosk and the CLI.

Plain Python and blocking: the UI calls it from worker threads, the CLI directly. Every state
change is one transaction that also appends its outbox record.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from kiosk.config import Config
from kiosk.printout.ticket import TicketSlip, render_ticket
from kiosk.queue.catalog import Service, load_catalog
from kiosk.queue.numbering import format_number, local_day
from kiosk.queue.priority import PriorityCategory, PriorityPolicy, Waiting
from kiosk.store import append_outbox, transaction

log = logging.getLogger(__name__)

PRINTED = "printed"
PRINT_FAILED = "print_failed"
PRINT_PENDING = "pending"

TICKET_COLUMNS = ("id", "uid", "service_code", "day", "seq", "number", "priority", "issued_at",
                  "station_id", "people_ahead", "status", "print_status")
TICKET_SELECT = ", ".join(TICKET_COLUMNS)


class UnknownService(ValueError):
    def __init__(self, code: str, known: Sequence[str]):
        self.code = code
        self.message_vi = f"Không có dịch vụ mã {code}."
        super().__init__(f"unknown service code {code!r}; known codes: {', '.join(known)}")


@dataclass(frozen=True)
class Ticket:
    id: int
    uid: str
    service_code: str
    number: str
    seq: int
    day: date
    priority: PriorityCategory | None
    issued_at: datetime
    people_ahead: int
    station_id: str
    status: str
    print_status: str

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "uid": self.uid,
            "number": self.number,
            "service": self.service_code,
            "day": self.day.isoformat(),
            "priority": self.priority.value if self.priority else None,
            "issued_at": self.issued_at.isoformat(),
            "people_ahead": self.people_ahead,
            "station": self.station_id,
            "status": self.status,
            "print_status": self.print_status,
        }


@dataclass(frozen=True)
class PrintOutcome:
    ticket: Ticket
    ok: bool
    message_vi: str | None = None
    message_en: str | None = None


def seed_services(db: Database, catalog: Sequence[Service]) -> None:
    """Keep the services table equal to the catalog (tickets reference it)."""
    with transaction(db) as conn:
        for sort, s in enumerate(catalog):
            conn.execute(
                "INSERT INTO services (code, prefix, name_vi, name_en, field, hours, sort) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET "
                "prefix = excluded.prefix, name_vi = excluded.name_vi, "
                "name_en = excluded.name_en, field = excluded.field, hours = excluded.hours, "
                "sort = excluded.sort",
                (s.code, s.prefix, s.name_vi, s.name_en, s.field,
                 json.dumps(s.hours_spec, ensure_ascii=False), sort),
            )


class TicketDesk:
    """Issues numbered tickets and records how their printing went. One per connection/thread."""

    def __init__(self, db: Database, config: Config, catalog: Sequence[Service] | None = None):
        self.db = db
        self.config = config
        self.tz = ZoneInfo(config.office.timezone)
        self.policy = PriorityPolicy(config.queue.priority_policy, config.queue.priority_every)
        self.catalog = {s.code: s for s in (catalog or load_catalog())}
        seed_services(db, list(self.catalog.values()))

    # -- reading -----------------------------------------------------------------------------

    @property
    def services(self) -> list[Service]:
        """The services this kiosk offers, in the configured order."""
        wanted = self.config.kiosk.services
        if not wanted:
            return list(self.catalog.values())
        return [self.catalog[c] for c in wanted if c in self.catalog]

    def service(self, code: str) -> Service:
        try:
            return self.catalog[code]
        except KeyError:
            raise UnknownService(code, list(self.catalog)) from None

    def now(self) -> datetime:
        return datetime.now(self.tz)

    def get(self, ticket_id: int) -> Ticket:
        row = self.db.execute(f"SELECT {TICKET_SELECT} FROM tickets WHERE id = ?",
                              (ticket_id,)).fetchone()
        if row is None:
            raise KeyError(ticket_id)
        return self._ticket(row)

    def waiting_counts(self, at: datetime | None = None) -> dict[str, int]:
        day = local_day(at or self.now(), self.config.office.timezone).isoformat()
        rows = self.db.execute(
            "SELECT service_code, count(*) FROM tickets WHERE day = ? AND status = 'waiting' "
            "GROUP BY service_code", (day,)).fetchall()
        counts = dict.fromkeys(self.catalog, 0)
        counts.update(dict(rows))
        return counts

    def consecutive_print_failures(self) -> int:
        """Failed prints since this station's last good one (survives a restart)."""
        rows = self.db.execute(
            "SELECT print_status FROM tickets WHERE station_id = ? AND print_status != ? "
            "ORDER BY id DESC LIMIT 100", (self.config.station.id, PRINT_PENDING)).fetchall()
        count = 0
        for (status,) in rows:
            if status != PRINT_FAILED:
                break
            count += 1
        return count

    # -- writing -----------------------------------------------------------------------------

    def issue(self, service_code: str, priority: PriorityCategory | None = None, *,
              at: datetime | None = None) -> Ticket:
        """Give the next number of the day for a service: one transaction, never a duplicate."""
        service = self.service(service_code)
        at = (at or self.now()).astimezone(self.tz)
        day = local_day(at, self.config.office.timezone).isoformat()
        uid = str(uuid.uuid4())
        with transaction(self.db) as conn:
            seq = conn.execute(
                "INSERT INTO ticket_counters (day, service_code, last_seq) VALUES (?, ?, 1) "
                "ON CONFLICT (day, service_code) DO UPDATE SET last_seq = last_seq + 1 "
                "RETURNING last_seq", (day, service.code)).fetchone()[0]
            number = format_number(service.prefix, seq)
            cur = conn.execute(
                "INSERT INTO tickets (uid, service_code, day, seq, number, priority, issued_at, "
                "station_id, people_ahead) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (uid, service.code, day, seq, number, priority.value if priority else None,
                 at.isoformat(), self.config.station.id))
            ticket_id = cur.lastrowid
            ahead = self._people_ahead(conn, service.code, day, ticket_id)
            conn.execute("UPDATE tickets SET people_ahead = ? WHERE id = ?", (ahead, ticket_id))
            ticket = self._ticket(conn.execute(
                f"SELECT {TICKET_SELECT} FROM tickets WHERE id = ?", (ticket_id,)).fetchone())
            append_outbox(conn, "ticket", self._record(ticket, service), at, record_id=uid)
            self._event(conn, ticket, "issued", at)
        log.info("issued ticket %s for service %s", ticket.number, service.code)
        return ticket

    def record_print(self, ticket: Ticket, ok: bool, detail: str | None = None, *,
                     at: datetime | None = None) -> Ticket:
        at = (at or self.now()).astimezone(self.tz)
        status = PRINTED if ok else PRINT_FAILED
        with transaction(self.db) as conn:
            conn.execute("UPDATE tickets SET print_status = ? WHERE id = ?", (status, ticket.id))
            self._event(conn, ticket, status, at, detail)
        return self.get(ticket.id)

    def print_ticket(self, ticket: Ticket, printer) -> PrintOutcome:
        """Render and print; the outcome is recorded whatever happens, so nothing is lost."""
        from drivers.printers import PrintError

        try:
            printer.print_image(render_ticket(self.slip(ticket), printer.width_dots))
        except PrintError as exc:
            log.warning("ticket %s not printed: %s", ticket.number, exc.message_en)
            return PrintOutcome(self.record_print(ticket, False, exc.message_en), False,
                                exc.message_vi, exc.message_en)
        except Exception as exc:  # a driver bug must not lose the ticket either
            log.exception("ticket %s: unexpected printing error", ticket.number)
            return PrintOutcome(self.record_print(ticket, False, repr(exc)), False,
                                "Máy in gặp lỗi.", f"Unexpected printing error: {exc!r}")
        return PrintOutcome(self.record_print(ticket, True), True)

    def slip(self, ticket: Ticket) -> TicketSlip:
        service = self.service(ticket.service_code)
        label = None
        if ticket.priority:
            label = "ƯU TIÊN" if ticket.priority is PriorityCategory.UNSPECIFIED \
                else f"ƯU TIÊN – {ticket.priority.label_vi}"
        return TicketSlip(
            office_name=self.config.office.name, office_code=self.config.office.code,
            service_name=service.name_vi, number=ticket.number, priority_label=label,
            people_ahead=ticket.people_ahead, issued_at=ticket.issued_at)

    # -- internals ---------------------------------------------------------------------------

    def _people_ahead(self, conn: sqlite3.Connection, service_code: str, day: str,
                      ticket_id: int) -> int:
        rows = conn.execute(
            "SELECT id, priority IS NOT NULL FROM tickets WHERE day = ? AND service_code = ? "
            "AND status = 'waiting'", (day, service_code)).fetchall()
        waiting = [Waiting(ticket_id=i, order=i, priority=bool(p)) for i, p in rows]
        return self.policy.people_ahead(waiting, ticket_id,
                                        self._normal_calls_since_priority(conn, service_code, day))

    def _normal_calls_since_priority(self, conn: sqlite3.Connection, service_code: str,
                                     day: str) -> int:
        rows = conn.execute(
            "SELECT t.priority IS NOT NULL FROM queue_events e "
            "JOIN tickets t ON t.id = e.ticket_id WHERE e.kind = 'called' AND t.day = ? "
            "AND t.service_code = ? ORDER BY e.id DESC",
            (day, service_code)).fetchall()
        for count, (was_priority,) in enumerate(rows):
            if was_priority:
                return count
        # No priority call yet today: the first priority citizen is due at once.
        return self.policy.every

    def _event(self, conn: sqlite3.Connection, ticket: Ticket, kind: str, at: datetime,
               detail: str | None = None) -> None:
        uid = str(uuid.uuid4())
        conn.execute(
            "INSERT INTO queue_events (uid, ticket_id, kind, at, station_id, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (uid, ticket.id, kind, at.isoformat(), self.config.station.id, detail))
        append_outbox(conn, "queue_event", {
            "uid": uid, "ticket_uid": ticket.uid, "kind": kind, "at": at.isoformat(),
            "station": self.config.station.id, "detail": detail,
        }, at, record_id=uid)

    def _record(self, ticket: Ticket, service: Service) -> dict:
        record = ticket.as_json()
        del record["id"], record["status"], record["print_status"]
        record["office"] = self.config.office.code
        record["service_name"] = service.name_vi
        return record

    def _ticket(self, row: sqlite3.Row | tuple) -> Ticket:
        r = dict(zip(TICKET_COLUMNS, row, strict=True))
        return Ticket(
            id=r["id"], uid=r["uid"], service_code=r["service_code"], number=r["number"],
            seq=r["seq"], day=date.fromisoformat(r["day"]),
            priority=PriorityCategory(r["priority"]) if r["priority"] else None,
            issued_at=datetime.fromisoformat(r["issued_at"]).astimezone(self.tz),
            people_ahead=r["people_ahead"], station_id=r["station_id"], status=r["status"],
            print_status=r["print_status"])
