"""Office statistics for a range of local days, computed from what the station recorded.

Sources, and why:

- Queue figures come from `queue_events` only (with `tickets.issued_at` as the start): the event
  log is the one record every counter writes and the city receives, whereas the convenience
  columns on `tickets` only hold the latest state.
- Ratings come from the `ratings` table (kiosk.feedback).
- Dossier figures come from `dossiers` (received_at, returned_at, on_time) and the hand-back row
  of `dossier_events` (who handed the result back). On a hub that table is the office dossier
  book (kiosk/dossiers/book.py): every counter PC's dossiers, each once, whichever PC took it
  in or handed it back. Also from `office_dossiers`, the public copies that counters not yet
  writing to the book forward (kiosk.officefeed), for codes the book does not hold: a code in
  the book counts once, from the book. Ratings forwarded by the counters are in `ratings`
  like the hub's own.

Definitions (each figure is documented once, here):

- Day: the office's local calendar day in `tz` (Asia/Ho_Chi_Minh), never the UTC day. A ticket
  and everything that happens to it belongs to the local day it was issued; a rating to the day
  it was given; a dossier's reception to the day it was received and its hand-back to the day it
  was handed back.
- Service segment: a ticket's life is cut into segments by 'transferred' events. The first
  segment starts at `issued_at` under the service the ticket was issued for; each transfer
  closes the current segment and opens one starting at the transfer, under the service the
  transfer names (the same service when it only moves the ticket to another counter).
- issued: tickets issued, under the service they were issued for. Not defined per counter or
  per clerk (the kiosk issues them): None there.
- called: segments called at least once, under the counter and clerk of the first call.
- waiting time: per called segment, first 'called' event − segment start. A transferred
  citizen therefore waits twice, each wait counted under its own service, counter and clerk;
  office-wide waiting figures cover every segment. 'recalled' (announcing again) does not
  restart anything.
- served: segments with a 'finished' event. service time: 'finished' − the call that started
  the service: the first 'called' of the segment, or, when the ticket was skipped and called
  again, the first 'called' after the last skip (the time spent waiting for a no-show is not
  service). Segments closed by a transfer have no service time.
- skipped: segments whose last skip was not followed by another call or a finish.
- transferred: segments closed by a 'transferred' event, under the transferring counter.
- Attribution to a counter and a clerk uses the `detail` JSON ({"counter": N, "clerk": "…"}) of
  the event concerned, falling back to the call that event follows; queue activity without one
  is shown under an "unknown" counter or clerk so that the rows still add up to the total.
- Durations are in minutes; a negative one (clocks of two PCs disagreeing) counts as 0.
  mean: arithmetic mean. median and p90: linear interpolation between closest ranks (Excel's
  PERCENTILE.INC / MEDIAN, R type 7, numpy's default): the p-quantile of n sorted values is
  x[h] with h = (n − 1)·p, interpolated between its two neighbours.
- ratings: counts per level; satisfaction share = (very satisfied + satisfied) / all ratings.
  Under a service through the rated ticket (its last segment's service) or, failing that, the
  rated dossier's procedure.
- dossiers: received (by reception day and receiving clerk); handed back, on time, late (by
  hand-back day and the clerk who handed back); on-time rate = on time / handed back. "On time"
  is the flag the desk stored at hand-back (finished no later than the appointment date).
  Under a service through the procedure catalog's `service` (the counter that handles it).
  Dossier figures are not split per counter (a dossier records its clerk, not a counter): None
  there.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from kiosk.stats.figures import _detail, _name, _sort_key_vi, percentile

LEVELS = ("very_satisfied", "satisfied", "unsatisfied")
LEVEL_LABELS_VI = {"very_satisfied": "Rất hài lòng", "satisfied": "Hài lòng",
                   "unsatisfied": "Không hài lòng"}
WEEKDAYS_VI = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")
UNKNOWN = ""
UNKNOWN_COUNTER_LABEL = "Không rõ quầy"
UNKNOWN_CLERK_LABEL = "Không rõ cán bộ"

DIMENSIONS = ("service", "counter", "clerk", "day")
_RETURNED = 10


# -- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Durations:
    """Summary of a set of durations in minutes; None figures when there is none."""

    count: int = 0
    mean: float | None = None
    median: float | None = None
    p90: float | None = None


def durations(minutes: Iterable[float]) -> Durations:
    xs = list(minutes)
    if not xs:
        return Durations()
    return Durations(count=len(xs), mean=sum(xs) / len(xs), median=percentile(xs, 0.5),
                     p90=percentile(xs, 0.9))


@dataclass(frozen=True)
class RatingCounts:
    very_satisfied: int = 0
    satisfied: int = 0
    unsatisfied: int = 0

    @property
    def total(self) -> int:
        return self.very_satisfied + self.satisfied + self.unsatisfied

    @property
    def satisfaction_share(self) -> float | None:
        """(very satisfied + satisfied) / all ratings, 0..1; None without ratings."""
        return (self.very_satisfied + self.satisfied) / self.total if self.total else None

    def count(self, level: str) -> int:
        return int(getattr(self, level))


@dataclass(frozen=True)
class DossierCounts:
    received: int = 0
    handed_back: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """On time / handed back, 0..1; None when nothing was handed back."""
        return self.on_time / self.handed_back if self.handed_back else None


@dataclass(frozen=True)
class GroupStats:
    """One row of figures: the whole office, a service, a counter, a clerk or a day.

    `issued` is None for counters and clerks, `dossiers` None for counters: not defined there.
    """

    key: str
    label: str
    issued: int | None
    called: int
    served: int
    skipped: int
    transferred: int
    waiting: Durations
    service: Durations
    ratings: RatingCounts
    dossiers: DossierCounts | None


@dataclass(frozen=True)
class OfficeStats:
    start: date
    end: date
    timezone: str
    total: GroupStats
    by_service: tuple[GroupStats, ...]
    by_counter: tuple[GroupStats, ...]
    by_clerk: tuple[GroupStats, ...]
    by_day: tuple[GroupStats, ...]
    #: Tickets issued / served (finished) per local hour of day 0..23, over the whole range.
    issued_by_hour: tuple[int, ...]
    served_by_hour: tuple[int, ...]
    #: Reasons given with unhappy ratings, most frequent first.
    unsatisfied_reasons: tuple[tuple[str, int], ...] = ()
    #: Results per clerk and per procedure for the service index (kiosk.stats.results).
    results: Any = None

    def grouping(self, dimension: str) -> tuple[GroupStats, ...]:
        return {"service": self.by_service, "counter": self.by_counter,
                "clerk": self.by_clerk, "day": self.by_day}[dimension]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


# -- accumulation ------------------------------------------------------------------------------


@dataclass
class _Acc:
    issued: int = 0
    called: int = 0
    served: int = 0
    skipped: int = 0
    transferred: int = 0
    waits: list[float] = field(default_factory=list)
    service_times: list[float] = field(default_factory=list)
    ratings: Counter = field(default_factory=Counter)
    received: int = 0
    handed_back: int = 0
    on_time: int = 0

    def active(self) -> bool:
        return bool(self.issued or self.called or self.served or self.skipped
                    or self.transferred or sum(self.ratings.values()) or self.received
                    or self.handed_back)

    def freeze(self, key: str, label: str, *, issued: bool = True,
               dossiers: bool = True) -> GroupStats:
        return GroupStats(
            key=key, label=label, issued=self.issued if issued else None, called=self.called,
            served=self.served, skipped=self.skipped, transferred=self.transferred,
            waiting=durations(self.waits), service=durations(self.service_times),
            ratings=RatingCounts(**{level: self.ratings[level] for level in LEVELS}),
            dossiers=DossierCounts(self.received, self.handed_back, self.on_time,
                                   self.handed_back - self.on_time) if dossiers else None)


class _Groups:
    def __init__(self) -> None:
        self.total = _Acc()
        self.by: dict[str, defaultdict[str, _Acc]] = {d: defaultdict(_Acc) for d in DIMENSIONS}

    def each(self, **keys: str | None) -> Iterator[_Acc]:
        """The total and one group per dimension given a key (None: not attributed there)."""
        yield self.total
        for dimension, key in keys.items():
            if key is not None:
                yield self.by[dimension][key]


# -- reading the records -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Event:
    id: int
    kind: str
    at: datetime
    counter: str | None
    clerk: str | None
    detail: Mapping[str, Any]


@dataclass
class _Segment:
    service: str
    start: datetime
    first_call: _Event | None = None
    serve_call: _Event | None = None
    skip: _Event | None = None
    finish: _Event | None = None
    transfer: _Event | None = None


@dataclass
class _Ticket:
    id: int
    uid: str
    service: str
    issued_at: datetime
    day: date
    events: list[_Event] = field(default_factory=list)


def _parse_at(text: str, tz: ZoneInfo) -> datetime:
    at = datetime.fromisoformat(text)
    # Everything the station writes carries its offset; a bare time can only be local.
    return at.replace(tzinfo=tz) if at.tzinfo is None else at.astimezone(tz)


def _counter(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def _minutes(later: datetime, earlier: datetime) -> float:
    return max(0.0, (later - earlier).total_seconds() / 60)


def _who(*events: _Event | None) -> tuple[str, str]:
    """(counter, clerk) from the first of `events` that names each; UNKNOWN otherwise."""
    counter = next((e.counter for e in events if e is not None and e.counter), UNKNOWN)
    clerk = next((e.clerk for e in events if e is not None and e.clerk), UNKNOWN)
    return counter, clerk


def _load_tickets(db: Database, start: date, end: date, tz: ZoneInfo) -> dict[int, _Ticket]:
    # The stored `day` is the local day in the configured zone; a day's margin on each side
    # and the filter on issued_at keep the answer right for any `tz`.
    lo, hi = (start - timedelta(days=1)).isoformat(), (end + timedelta(days=1)).isoformat()
    tickets: dict[int, _Ticket] = {}
    for tid, uid, service, issued in db.execute(
            "SELECT id, uid, service_code, issued_at FROM tickets WHERE day BETWEEN ? AND ?",
            (lo, hi)).fetchall():
        at = _parse_at(issued, tz)
        if start <= at.date() <= end:
            tickets[tid] = _Ticket(tid, uid, service, at, at.date())
    if not tickets:
        return tickets
    # Only the kinds that cut or measure segments ('issued', 'printed', 'recalled' change no
    # figure): half the rows of a year. The unary + keeps SQLite on the ticket index.
    kinds = ", ".join(f"'{k}'" for k in _SEGMENT_KINDS)
    rows = db.execute(
        "SELECT e.id, e.ticket_id, e.kind, e.at, e.detail FROM queue_events e "
        "JOIN tickets t ON t.id = e.ticket_id WHERE t.day BETWEEN ? AND ? "
        f"AND +e.kind IN ({kinds})", (lo, hi)).fetchall()
    # A counter writes the same few details all day long: each one is read once.
    details: dict[str | None, tuple[str | None, str | None, dict[str, Any]]] = {}
    for eid, tid, kind, at_text, raw in rows:
        ticket = tickets.get(tid)
        if ticket is None:
            continue
        known = details.get(raw)
        if known is None:
            detail = _detail(raw)
            known = details[raw] = (_counter(detail.get("counter")),
                                    _name(detail.get("clerk")), detail)
        ticket.events.append(_Event(eid, kind, _parse_at(at_text, tz), *known))
    for ticket in tickets.values():
        # Two PCs may write the same second; the row id keeps their order.
        ticket.events.sort(key=lambda e: (e.at, e.id))
    return tickets


#: The event kinds `_segments` reads.
_SEGMENT_KINDS = ("called", "skipped", "finished", "transferred")


def _transfer_target(event: _Event, current: str) -> str:
    for key in ("to_service", "service_code", "service"):
        value = event.detail.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return current


def _first_service(ticket: _Ticket) -> str:
    # `tickets.service_code` may already name the service a transfer moved the ticket to; the
    # first transfer's "from" says where it started.
    for event in ticket.events:
        if event.kind == "transferred":
            for key in ("from_service", "from_service_code"):
                value = event.detail.get(key)
                if isinstance(value, str) and value.strip():
                    return value.strip()
            break
    return ticket.service


def _segments(ticket: _Ticket) -> list[_Segment]:
    """Cut a ticket's events into service segments (see the module docstring)."""
    seg = _Segment(service=_first_service(ticket), start=ticket.issued_at)
    out = [seg]
    for event in ticket.events:
        kind = event.kind
        if kind == "transferred":
            seg.transfer = event
            seg = _Segment(service=_transfer_target(event, seg.service), start=event.at)
            out.append(seg)
        elif seg.finish is not None:
            continue  # nothing after a finish changes what was measured
        elif kind == "called":
            if seg.first_call is None:
                seg.first_call = event
            if seg.serve_call is None or seg.skip is not None:
                seg.serve_call, seg.skip = event, None
        elif kind == "skipped":
            seg.skip = event
        elif kind == "finished":
            seg.finish = event
    return out


def _add_queue(groups: _Groups, tickets: Mapping[int, _Ticket], issued_by_hour: list[int],
               served_by_hour: list[int]) -> dict[str, str]:
    """Queue figures into `groups`; returns ticket uid -> the service of its last segment."""
    last_service: dict[str, str] = {}
    for ticket in tickets.values():
        day = ticket.day.isoformat()
        parts = _segments(ticket)
        last_service[ticket.uid] = parts[-1].service
        issued_by_hour[ticket.issued_at.hour] += 1
        for acc in groups.each(service=parts[0].service, day=day):
            acc.issued += 1
        for seg in parts:
            if seg.first_call is not None:
                counter, clerk = _who(seg.first_call)
                wait = _minutes(seg.first_call.at, seg.start)
                for acc in groups.each(service=seg.service, counter=counter, clerk=clerk,
                                       day=day):
                    acc.called += 1
                    acc.waits.append(wait)
            if seg.finish is not None:
                counter, clerk = _who(seg.finish, seg.serve_call)
                served_by_hour[seg.finish.at.hour] += 1
                took = _minutes(seg.finish.at, seg.serve_call.at) if seg.serve_call else None
                for acc in groups.each(service=seg.service, counter=counter, clerk=clerk,
                                       day=day):
                    acc.served += 1
                    if took is not None:
                        acc.service_times.append(took)
            elif seg.skip is not None:
                counter, clerk = _who(seg.skip, seg.serve_call)
                for acc in groups.each(service=seg.service, counter=counter, clerk=clerk,
                                       day=day):
                    acc.skipped += 1
            if seg.transfer is not None:
                counter, clerk = _who(seg.transfer, seg.serve_call)
                for acc in groups.each(service=seg.service, counter=counter, clerk=clerk,
                                       day=day):
                    acc.transferred += 1
    return last_service


def _reasons(raw: str | None) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def _add_ratings(db: Database, groups: _Groups, start: date, end: date, tz: ZoneInfo,
                 last_service: Mapping[str, str], procedure_service: Mapping[str, str],
                 reasons: Counter) -> None:
    # Text bounds a day wider than the range: offsets may differ between writers, the exact
    # local day is decided below.
    lo = (start - timedelta(days=1)).isoformat()
    hi = (end + timedelta(days=2)).isoformat()
    wanted = ("ticket_uid", "dossier_code", "counter", "clerk", "level", "reasons", "at")
    rows = db.execute(f"SELECT {', '.join(wanted)} FROM ratings WHERE at >= ? AND at < ?",
                      (lo, hi)).fetchall()
    for values in rows:
        row = dict(zip(wanted, values, strict=True))
        level = row["level"]
        if level not in LEVELS:
            continue
        at = _parse_at(row["at"], tz)
        if not start <= at.date() <= end:
            continue
        service = None
        uid = row.get("ticket_uid")
        if uid:
            service = last_service.get(uid) or _ticket_service(db, uid)
        if service is None and row.get("dossier_code"):
            service = _dossier_service(db, row["dossier_code"], procedure_service)
        for acc in groups.each(service=service, counter=_counter(row.get("counter")),
                               clerk=_name(row.get("clerk")), day=at.date().isoformat()):
            acc.ratings[level] += 1
        if level == "unsatisfied":
            reasons.update(_reasons(row.get("reasons")))


def _ticket_service(db: Database, uid: str) -> str | None:
    # A ticket outside the range (issued the evening before, rated after midnight): the queue
    # it was last in.
    row = db.execute("SELECT coalesce(queue_service, service_code) FROM tickets WHERE uid = ?",
                     (uid,)).fetchone()
    return row[0] if row else None


def _dossier_service(db: Database, code: str, procedure_service: Mapping[str, str]
                     ) -> str | None:
    row = db.execute("SELECT coalesce((SELECT procedure_code FROM dossiers WHERE code = ?), "
                     "(SELECT procedure_code FROM office_dossiers WHERE code = ?))",
                     (code, code)).fetchone()
    return procedure_service.get(row[0]) if row and row[0] else None


def _add_dossiers(db: Database, groups: _Groups, start: date, end: date, tz: ZoneInfo,
                  procedure_service: Mapping[str, str]) -> None:
    lo, hi = (start - timedelta(days=1)).isoformat(), (end + timedelta(days=1)).isoformat()
    hi_text = (end + timedelta(days=2)).isoformat()
    rows = db.execute(
        "SELECT d.procedure_code, d.received_at, d.clerk, d.returned_at, d.finished_at, "
        "d.appointment_date, d.on_time, t.service_code, "
        "(SELECT e.clerk FROM dossier_events e WHERE e.dossier_id = d.id AND e.to_status = ? "
        " ORDER BY e.id DESC LIMIT 1) "
        "FROM dossiers d LEFT JOIN tickets t ON t.id = d.ticket_id "
        "WHERE d.day BETWEEN ? AND ? OR (d.returned_at >= ? AND d.returned_at < ?) "
        # Dossiers older counters forwarded to this hub (kiosk.officefeed); a code in this
        # station's own table (on a hub: the office dossier book) counts once, from there.
        "UNION ALL SELECT o.procedure_code, o.received_at, o.clerk, o.returned_at, "
        "o.finished_at, o.appointment_date, o.on_time, "
        "(SELECT t.service_code FROM ticket_dossiers td JOIN tickets t ON t.id = td.ticket_id "
        " WHERE td.dossier_code = o.code LIMIT 1), o.returned_by "
        "FROM office_dossiers o WHERE o.code NOT IN (SELECT code FROM dossiers) AND "
        "(o.day BETWEEN ? AND ? OR (o.returned_at >= ? AND o.returned_at < ?))",
        (_RETURNED, lo, hi, lo, hi_text, lo, hi, lo, hi_text)).fetchall()
    for (procedure, received_text, clerk, returned_text, finished_text, appointment, on_time,
         ticket_service, returning_clerk) in rows:
        service = procedure_service.get(procedure) or ticket_service
        received = _parse_at(received_text, tz)
        if start <= received.date() <= end:
            for acc in groups.each(service=service, clerk=_name(clerk),
                                   day=received.date().isoformat()):
                acc.received += 1
        if not returned_text:
            continue
        returned = _parse_at(returned_text, tz)
        if not start <= returned.date() <= end:
            continue
        if on_time is None:
            # Only rows written outside the desk lack the flag: same rule as the desk.
            finished = _parse_at(finished_text, tz) if finished_text else returned
            on_time = finished.date() <= date.fromisoformat(appointment)
        for acc in groups.each(service=service, clerk=_name(returning_clerk or clerk),
                               day=returned.date().isoformat()):
            acc.handed_back += 1
            acc.on_time += int(bool(on_time))


# -- labels and order --------------------------------------------------------------------------


def day_label(day: date) -> str:
    return f"{WEEKDAYS_VI[day.weekday()]} {day:%d/%m/%Y}"


def counter_label(key: str) -> str:
    return f"Quầy {key}" if key else UNKNOWN_COUNTER_LABEL


def _counter_order(key: str) -> tuple[int, int, str]:
    if not key:
        return (2, 0, "")
    return (0, int(key), "") if key.isdigit() else (1, 0, key)


def _service_names(db: Database) -> tuple[dict[str, str], dict[str, int]]:
    rows = db.execute("SELECT code, name_vi, sort FROM services").fetchall()
    return {code: name for code, name, _ in rows}, {code: sort for code, _, sort in rows}


def _default_procedure_services() -> dict[str, str]:
    from kiosk.dossiers.procedures import load_procedures

    return {p.code: p.service for p in load_procedures() if p.service}


# -- the entry point ---------------------------------------------------------------------------


def office_stats(db: Database, start: date, end: date, tz: str | ZoneInfo,
                 *, procedure_service: Mapping[str, str] | None = None,
                 rules: Any = None) -> OfficeStats:
    """Figures for local days start..end inclusive (see the module docstring for each one).

    `procedure_service` maps procedure codes to ticket services (default: the bundled
    procedure catalog). `rules`: the calendar (kiosk.calendar.CalendarRules) the results
    count working days by (default: the national calendar in `tz`). Read-only: safe on a
    worker thread with its own connection.
    """
    from kiosk.calendar import CalendarRules
    from tests.stats.reference.old_results import result_stats

    if end < start:
        raise ValueError("the range ends before it starts")
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    if procedure_service is None:
        procedure_service = _default_procedure_services()
    groups = _Groups()
    issued_by_hour = [0] * 24
    served_by_hour = [0] * 24
    reasons: Counter = Counter()
    # One read transaction: a consistent snapshot while the counters keep writing.
    conn: sqlite3.Connection = db.conn
    began = not conn.in_transaction
    if began:
        conn.execute("BEGIN")
    try:
        tickets = _load_tickets(db, start, end, zone)
        last_service = _add_queue(groups, tickets, issued_by_hour, served_by_hour)
        _add_ratings(db, groups, start, end, zone, last_service, procedure_service, reasons)
        _add_dossiers(db, groups, start, end, zone, procedure_service)
        names, sort = _service_names(db)
        results = result_stats(db, start, end, rules or CalendarRules(timezone=zone.key))
    finally:
        if began:
            conn.execute("COMMIT")

    by = groups.by
    services = sorted((k for k, acc in by["service"].items() if acc.active()),
                      key=lambda k: (sort.get(k, 1_000), k))
    counters = sorted((k for k, acc in by["counter"].items() if acc.active()),
                      key=_counter_order)
    clerks = sorted((k for k, acc in by["clerk"].items() if acc.active()),
                    key=lambda k: (k == UNKNOWN, _sort_key_vi(k)))
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    total_label = "Toàn điểm phục vụ"
    return OfficeStats(
        start=start, end=end, timezone=zone.key,
        total=groups.total.freeze("", total_label),
        by_service=tuple(by["service"][k].freeze(k, names.get(k, k)) for k in services),
        by_counter=tuple(by["counter"][k].freeze(k, counter_label(k), issued=False,
                                                 dossiers=False) for k in counters),
        by_clerk=tuple(by["clerk"][k].freeze(k, k or UNKNOWN_CLERK_LABEL, issued=False)
                       for k in clerks),
        by_day=tuple((by["day"].get(d.isoformat()) or _Acc()).freeze(d.isoformat(),
                                                                     day_label(d))
                     for d in days),
        issued_by_hour=tuple(issued_by_hour), served_by_hour=tuple(served_by_hour),
        unsatisfied_reasons=tuple(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        results=results,
    )


