"""Issuing and printing queue tickets: the application service behind the kiosk and the CLI.

Plain Python and blocking: the UI calls it from worker threads, the CLI directly. Every state
change is one transaction that also appends its outbox record.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sqlite3
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from kiosk.config import Config
from kiosk.printout.ticket import TicketSlip, render_ticket
from kiosk.printout.words import ticket_words
from kiosk.queue.catalog import Service, load_catalog
from kiosk.queue.numbering import format_number, local_day
from kiosk.queue.priority import PriorityCategory, PriorityPolicy, Waiting
from kiosk.store import append_outbox, transaction
from kiosk.tickets import PRINT_FAILED, PRINT_PENDING, PRINTED, Ticket  # re-exported

log = logging.getLogger(__name__)


TICKET_COLUMNS = ("id", "uid", "service_code", "day", "seq", "number", "priority", "issued_at",
                  "station_id", "people_ahead", "status", "print_status", "queue_service",
                  "counter", "clerk", "called_at", "finished_at", "target_counter")
TICKET_SELECT = ", ".join(TICKET_COLUMNS)
# The ticket record sent to the city (schema version 1): the calling fields are not part of it,
# they travel as queue events.
RECORD_FIELDS = ("uid", "number", "service", "day", "priority", "issued_at", "people_ahead",
                 "station")


class UnknownService(ValueError):
    def __init__(self, code: str, known: Sequence[str]):
        self.code = code
        self.known = list(known)
        self.message_vi = f"Không có dịch vụ mã {code}."
        super().__init__(f"unknown service code {code!r}; known codes: {', '.join(known)}")


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


# The ticket screen's run of consecutive failed prints, kept in the station database's small
# key-value table so that it survives a restart whatever the hub role: a hub client's database
# holds no tickets to derive it from, and a hub PC's tickets include other kiosks' prints.
PRINT_FAILURES_KEY = "kiosk.print_failures"


def saved_print_failures(db: Database) -> int | None:
    """The run of failed prints the ticket screen last saved here; None if it never saved one
    (a new station, or one that ran an older version)."""
    row = db.execute("SELECT value FROM sync_state WHERE key = ?",
                     (PRINT_FAILURES_KEY,)).fetchone()
    try:
        return max(0, int(row[0])) if row is not None and row[0] is not None else None
    except ValueError:
        return None


def save_print_failures(db: Database, count: int) -> None:
    """Save the ticket screen's run of failed prints (0 after a good print)."""
    with transaction(db) as conn:
        conn.execute("INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) "
                     "DO UPDATE SET value = excluded.value",
                     (PRINT_FAILURES_KEY, str(max(0, int(count)))))


def ticket_slip(config: Config, service: Service, ticket: Ticket,
                language: str = "vi") -> TicketSlip:
    """What goes on the paper slip (also for a ticket issued by the hub, printed here), in the
    language of the screen the citizen took it on."""
    words = ticket_words(language)
    label = None
    if ticket.priority:
        category = ticket.priority.label_en if language == "en" else ticket.priority.label_vi
        label = words.priority if ticket.priority is PriorityCategory.UNSPECIFIED \
            else words.priority_of.format(category=category)
    return TicketSlip(
        office_name=config.office.name, office_code=config.office.code,
        service_name=service.name(language), number=ticket.number, priority_label=label,
        people_ahead=ticket.people_ahead, issued_at=ticket.issued_at, language=language)


def print_slip(printer, slip: TicketSlip, ticket: Ticket
               ) -> tuple[bool, str | None, str | None, str | None]:
    """Print one slip: (ok, message_vi, message_en, detail to record). Never raises for a
    printer problem, so the caller can always record the outcome."""
    from drivers.printers import PrintError

    try:
        printer.print_image(render_ticket(slip, printer.width_dots))
    except PrintError as exc:
        log.warning("ticket %s not printed: %s", ticket.number, exc.message_en)
        return False, exc.message_vi, exc.message_en, exc.message_en
    except Exception as exc:  # a driver bug must not lose the ticket either
        log.exception("ticket %s: unexpected printing error", ticket.number)
        return False, "Máy in gặp lỗi.", f"Unexpected printing error: {exc!r}", repr(exc)
    return True, None, None, None


def needs_call_history(policy: PriorityPolicy, waiting: Sequence[Waiting]) -> bool:
    """Whether the calling order depends on the calls made so far: only with every_n and both
    kinds of ticket waiting. Skipping the history read keeps a busy day's calls cheap."""
    return (policy.mode == "every_n" and any(w.priority for w in waiting)
            and not all(w.priority for w in waiting))


def normal_calls_since_priority(conn: sqlite3.Connection, services: Collection[str] | None,
                                day: str, every: int) -> int:
    """Normal tickets called today in `services` (None: all) since the last priority call.

    Reads today's 'called' events only (the calls' index queue_events_calls, which SQLite
    uses only for a query that names its `kind IN ('called', 'recalled')` word for word; `at`
    is local time, so its text starts with the office's date). The service is the queue the
    ticket was called from, recorded in the event's detail."""
    next_day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    rows = conn.execute(
        "SELECT t.priority IS NOT NULL, coalesce(json_extract(e.detail, '$.service'), "
        "t.service_code) FROM queue_events e JOIN tickets t ON t.id = e.ticket_id "
        "WHERE e.kind IN ('called', 'recalled') AND e.kind = 'called' "
        "AND e.at >= ? AND e.at < ? ORDER BY e.id DESC", (day, next_day))
    wanted = set(services) if services else None
    count = 0
    for was_priority, service in rows:
        if wanted is not None and service not in wanted:
            continue
        if was_priority:
            return count
        count += 1
    # No priority call yet today: the first priority citizen is due at once.
    return every


def applied_op(conn: sqlite3.Connection, op_id: str | None) -> int | None:
    """For an operation already applied (a retry or a replay): the ticket id it returned, or
    0 when it returned none. None when it is new (or has no id)."""
    if not op_id:
        return None
    row = conn.execute("SELECT ticket_id FROM applied_ops WHERE op_id = ?", (op_id,)).fetchone()
    if row is None:
        return None
    return row[0] or 0


def remember_op(conn: sqlite3.Connection, op_id: str | None, kind: str,
                ticket_id: int | None, at: datetime) -> None:
    """Inside the operation's own transaction: applied once and only once."""
    if op_id:
        conn.execute("INSERT INTO applied_ops (op_id, kind, ticket_id, applied_at) "
                     "VALUES (?, ?, ?, ?)", (op_id, kind, ticket_id, at.isoformat()))


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
        return self.fetch(self.db.conn, ticket_id)

    def waiting_counts(self, at: datetime | None = None) -> dict[str, int]:
        day = local_day(at or self.now(), self.config.office.timezone).isoformat()
        rows = self.db.execute(
            "SELECT coalesce(queue_service, service_code), count(*) FROM tickets "
            "WHERE day = ? AND status = 'waiting' GROUP BY 1", (day,)).fetchall()
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

    def print_failure_count(self) -> int:
        """The ticket screen's run of failed prints as it last saved it; derived from this
        station's tickets when it never saved one (a database from an older version)."""
        saved = saved_print_failures(self.db)
        return self.consecutive_print_failures() if saved is None else saved

    def save_print_failure_count(self, count: int) -> None:
        save_print_failures(self.db, count)

    # -- writing -----------------------------------------------------------------------------

    def issue(self, service_code: str, priority: PriorityCategory | None = None, *,
              at: datetime | None = None, op_id: str | None = None) -> Ticket:
        """Give the next number of the day for a service: one transaction, never a duplicate.

        `op_id` (the hub's retried requests) makes it idempotent: a second issue with the same
        id returns the first ticket instead of a new number."""
        service = self.service(service_code)
        at = (at or self.now()).astimezone(self.tz)
        day = local_day(at, self.config.office.timezone).isoformat()
        uid = str(uuid.uuid4())
        with transaction(self.db) as conn:
            done = applied_op(conn, op_id)
            if done is not None:
                return self.fetch(conn, done)
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
            ticket = self.from_row(conn.execute(
                f"SELECT {TICKET_SELECT} FROM tickets WHERE id = ?", (ticket_id,)).fetchone())
            append_outbox(conn, "ticket", self._record(ticket, service), at, record_id=uid)
            self.record_event(conn, ticket, "issued", at)
            remember_op(conn, op_id, "issue", ticket.id, at)
        log.info("issued ticket %s for service %s", ticket.number, service.code)
        return ticket

    def record_print(self, ticket: Ticket, ok: bool, detail: str | None = None, *,
                     at: datetime | None = None, op_id: str | None = None) -> Ticket:
        at = (at or self.now()).astimezone(self.tz)
        status = PRINTED if ok else PRINT_FAILED
        with transaction(self.db) as conn:
            if applied_op(conn, op_id) is None:
                conn.execute("UPDATE tickets SET print_status = ? WHERE id = ?",
                             (status, ticket.id))
                self.record_event(conn, ticket, status, at, detail)
                remember_op(conn, op_id, "record_print", ticket.id, at)
        return self.get(ticket.id)

    def print_ticket(self, ticket: Ticket, printer, language: str = "vi") -> PrintOutcome:
        """Render and print; the outcome is recorded whatever happens, so nothing is lost."""
        ok, message_vi, message_en, detail = print_slip(printer, self.slip(ticket, language),
                                                        ticket)
        return PrintOutcome(self.record_print(ticket, ok, detail), ok, message_vi, message_en)

    def slip(self, ticket: Ticket, language: str = "vi") -> TicketSlip:
        return ticket_slip(self.config, self.service(ticket.service_code), ticket, language)

    # -- internals ---------------------------------------------------------------------------

    def _people_ahead(self, conn: sqlite3.Connection, service_code: str, day: str,
                      ticket_id: int) -> int:
        # An estimate for the slip: the ticket's own queue, as if one counter served it.
        rows = conn.execute(
            "SELECT id, priority IS NOT NULL FROM tickets WHERE day = ? AND status = 'waiting' "
            "AND coalesce(queue_service, service_code) = ? AND target_counter IS NULL",
            (day, service_code)).fetchall()
        waiting = [Waiting(ticket_id=i, order=i, priority=bool(p)) for i, p in rows]
        since = self._normal_calls_since_priority(conn, service_code, day) \
            if needs_call_history(self.policy, waiting) else 0
        return self.policy.people_ahead(waiting, ticket_id, since)

    def _normal_calls_since_priority(self, conn: sqlite3.Connection, service_code: str,
                                     day: str) -> int:
        return normal_calls_since_priority(conn, (service_code,), day, self.policy.every)

    def fetch(self, conn: sqlite3.Connection, ticket_id: int) -> Ticket:
        """A ticket with the dossiers linked to it; KeyError if there is none."""
        row = conn.execute(f"SELECT {TICKET_SELECT} FROM tickets WHERE id = ?",
                           (ticket_id,)).fetchone()
        if row is None:
            raise KeyError(ticket_id)
        return self.with_dossiers(conn, self.from_row(row))

    def with_dossiers(self, conn: sqlite3.Connection, ticket: Ticket) -> Ticket:
        codes = tuple(c for (c,) in conn.execute(
            "SELECT dossier_code FROM ticket_dossiers WHERE ticket_id = ? ORDER BY linked_at, "
            "dossier_code", (ticket.id,)))
        return dataclasses.replace(ticket, dossiers=codes) if codes else ticket

    def record_event(self, conn: sqlite3.Connection, ticket: Ticket, kind: str, at: datetime,
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
        full = ticket.as_json()
        record = {k: full[k] for k in RECORD_FIELDS}
        record["office"] = self.config.office.code
        record["service_name"] = service.name_vi
        return record

    def from_row(self, row: sqlite3.Row | tuple) -> Ticket:
        r = dict(zip(TICKET_COLUMNS, row, strict=True))
        return Ticket(
            id=r["id"], uid=r["uid"], service_code=r["service_code"], number=r["number"],
            seq=r["seq"], day=date.fromisoformat(r["day"]),
            priority=PriorityCategory(r["priority"]) if r["priority"] else None,
            issued_at=datetime.fromisoformat(r["issued_at"]).astimezone(self.tz),
            people_ahead=r["people_ahead"], station_id=r["station_id"], status=r["status"],
            print_status=r["print_status"], queue_service=r["queue_service"],
            counter=r["counter"], clerk=r["clerk"], called_at=self._time(r["called_at"]),
            finished_at=self._time(r["finished_at"]), target_counter=r["target_counter"])

    def _time(self, value: str | None) -> datetime | None:
        return datetime.fromisoformat(value).astimezone(self.tz) if value else None
