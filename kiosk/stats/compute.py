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
  mean: arithmetic mean (of the exact durations: whole microseconds summed exactly). median
  and p90: linear interpolation between closest ranks (Excel's PERCENTILE.INC / MEDIAN, R
  type 7, numpy's default): the p-quantile of n sorted values is x[h] with h = (n − 1)·p,
  interpolated between its two neighbours.
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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from kiosk.stats import days as day_store
from kiosk.stats.days import DayPart
from kiosk.stats.figures import (
    _DAY_US,
    _EPOCH_ORDINAL,
    _HOUR_US,
    Clock,
    _detail,
    _name,
    _sort_key_vi,
    cycle_collector_paused,
    instant_sql,
    percentile,
    read_ratings,
    rows_by_key,
    wall_day,
)

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


def _durations_us(micros: list[int]) -> Durations:
    """`durations` of waits or service times kept as whole microseconds: the same median and
    P90 to the last bit (the two values they interpolate between are converted as
    `wall_minutes` does), the mean from the exact sum (the same in whatever order the values
    were gathered)."""
    if not micros:
        return Durations()
    xs = sorted(micros)
    n = len(xs)

    def at(p: float) -> float:
        h = (n - 1) * p
        lo = int(h)
        hi = min(lo + 1, n - 1)
        a, b = xs[lo] / 1_000_000 / 60, xs[hi] / 1_000_000 / 60
        return a + (h - lo) * (b - a)

    return Durations(count=n, mean=sum(xs) / n / 1_000_000 / 60, median=at(0.5), p90=at(0.9))


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
    #: Microseconds (whole): see `_durations_us`.
    waits: list[int] = field(default_factory=list)
    service_times: list[int] = field(default_factory=list)
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
            waiting=_durations_us(self.waits), service=_durations_us(self.service_times),
            ratings=RatingCounts(**{level: self.ratings[level] for level in LEVELS}),
            dossiers=DossierCounts(self.received, self.handed_back, self.on_time,
                                   self.handed_back - self.on_time) if dossiers else None)


class _Groups:
    def __init__(self) -> None:
        self.total = _Acc()
        self.by: dict[str, defaultdict[str, _Acc]] = {d: defaultdict(_Acc) for d in DIMENSIONS}
        self._found: dict[tuple, tuple[_Acc, ...]] = {}

    def each(self, service: str | None = None, counter: str | None = None,
             clerk: str | None = None, day: str | None = None) -> tuple[_Acc, ...]:
        """The total and one group per dimension given a key (None: not attributed there);
        each combination looked up once (a year's ratings and dossiers share a few thousand)."""
        keys = (service, counter, clerk, day)
        found = self._found.get(keys)
        if found is None:
            found = self._found[keys] = (self.total, *(
                self.by[dimension][key] for dimension, key in zip(
                    DIMENSIONS, keys, strict=True)
                if key is not None))
        return found


# -- reading the records -----------------------------------------------------------------------
#
# A year is 130 000 tickets and 260 000 queue events: they are read as tuples, their times as
# wall-clock microseconds (figures.Clock, SQLite converting the text), and each combination of
# service, counter, clerk and day finds its accumulators once.


def _parse_at(text: str, tz: ZoneInfo) -> datetime:
    at = datetime.fromisoformat(text)
    # Everything the station writes carries its offset; a bare time can only be local.
    return at.replace(tzinfo=tz) if at.tzinfo is None else at.astimezone(tz)


def _counter(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


#: The event kinds a segment reads ('issued', 'printed', 'recalled' change no figure).
_SEGMENT_KINDS = ("called", "skipped", "finished", "transferred")

# An event: (wall time, id, kind, counter, clerk, detail, time as written).
_WALL, _ID, _KIND, _COUNTER, _CLERK, _DETAIL, _TEXT = range(7)


def _load_tickets(db: Database, start: date, end: date, clock: Clock
                  ) -> tuple[dict[int, list], set[int]]:
    """Tickets issued on local days start..end: id -> [uid, service, issued wall time, day,
    events sorted by time then id]; and the ids of those with a transfer."""
    # The stored `day` is the local day in the configured zone; a day's margin on each side
    # and the check of issued_at keep the answer right for any zone.
    lo, hi = (start - timedelta(days=1)).isoformat(), (end + timedelta(days=1)).isoformat()
    first = (start.toordinal() - _EPOCH_ORDINAL) * _DAY_US
    last = (end.toordinal() + 1 - _EPOCH_ORDINAL) * _DAY_US
    days: dict[int, str] = {}
    tickets: dict[int, list] = {}
    wall = clock.wall
    from kiosk.archive.reading import ensure_index, reads_archives

    # Over archived years (views): each part (an attached year, the live tables) on its own,
    # as the live tables are read; None: through the views (kiosk.stats.days.archive_parts).
    parts = day_store.archive_parts(db) if reads_archives(db) else [""]
    holding: list[str] = []  # the parts holding tickets of the range
    for part in parts or [""]:
        found = False
        for tid, uid, service, issued, utc in db.execute(
                f"SELECT id, uid, service_code, issued_at, {instant_sql('issued_at')} FROM "
                f"{part}tickets WHERE day BETWEEN ? AND ?", (lo, hi)).fetchall():
            found = True
            w = wall(utc, issued)
            if first <= w < last:
                n = w // _DAY_US
                day = days.get(n)
                if day is None:
                    day = days[n] = wall_day(w).isoformat()
                tickets[tid] = [uid, service, w, day, []]
        if found:
            holding.append(part)
    transferred: set[int] = set()
    if not tickets:
        return tickets, transferred
    # The unary + keeps SQLite on the ticket index.
    kinds = ", ".join(f"'{k}'" for k in _SEGMENT_KINDS)
    if parts is None:
        # Through the views: by the range of the tickets' ids, not a join (a view is joined
        # by copying it whole: kiosk.archive.reading.reads_archives); events of other tickets
        # are passed over.
        ensure_index(db, "queue_events", ("ticket_id",))
        rows = db.execute(
            f"SELECT e.id, e.ticket_id, e.kind, e.at, e.detail, {instant_sql('e.at')} "
            "FROM queue_events e WHERE e.ticket_id BETWEEN ? AND ? "
            f"AND +e.kind IN ({kinds})", (min(tickets), max(tickets))).fetchall()
    else:
        # A ticket is archived with its events (a live event's ticket is live: the foreign
        # key): each part holding tickets of the range joins its own (an archived year by
        # the index built now, when deferred).
        rows = []
        for part in holding:
            if part.startswith("archive_"):
                ensure_index(db, "queue_events", ("ticket_id",), [part.rstrip(".")])
            rows += db.execute(
                f"SELECT e.id, e.ticket_id, e.kind, e.at, e.detail, {instant_sql('e.at')} "
                f"FROM {part}queue_events e JOIN {part}tickets t ON t.id = e.ticket_id "
                f"WHERE t.day BETWEEN ? AND ? AND +e.kind IN ({kinds})", (lo, hi)).fetchall()
    # A counter writes the same few details all day long: each one is read once.
    details: dict[str | None, tuple[str | None, str | None, dict[str, Any]]] = {}
    for eid, tid, kind, at_text, raw, utc in rows:
        ticket = tickets.get(tid)
        if ticket is None:
            continue
        known = details.get(raw)
        if known is None:
            detail = _detail(raw)
            known = details[raw] = (_counter(detail.get("counter")),
                                    _name(detail.get("clerk")), detail)
        if kind == "transferred":
            transferred.add(tid)
        ticket[4].append((wall(utc, at_text), eid, kind, *known, at_text))
    for ticket in tickets.values():
        events = ticket[4]
        if len(events) > 1:
            events.sort(key=_order)  # two PCs may write the same second: the id decides
    return tickets, transferred


def _order(event: tuple) -> tuple[int, int]:
    return event[_WALL], event[_ID]


def _transfer_target(event: tuple, current: str) -> str:
    for key in ("to_service", "service_code", "service"):
        value = event[_DETAIL].get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return current


def _first_service(service: str, events: list[tuple]) -> str:
    # `tickets.service_code` may already name the service a transfer moved the ticket to; the
    # first transfer's "from" says where it started.
    for event in events:
        if event[_KIND] == "transferred":
            for key in ("from_service", "from_service_code"):
                value = event[_DETAIL].get(key)
                if isinstance(value, str) and value.strip():
                    return value.strip()
            break
    return service


def _segments(service: str, start: int, events: list[tuple]) -> list[list]:
    """Cut a ticket's events into service segments (see the module docstring): each
    [service, start, first call, serving call, skip, finish, transfer]."""
    seg: list = [service, start, None, None, None, None, None]
    out = [seg]
    for event in events:
        kind = event[_KIND]
        if kind == "transferred":
            seg[6] = event
            seg = [_transfer_target(event, seg[0]), event[_WALL], None, None, None, None, None]
            out.append(seg)
        elif seg[5] is not None:
            continue  # nothing after a finish changes what was measured
        elif kind == "called":
            if seg[2] is None:
                seg[2] = event
            if seg[3] is None or seg[4] is not None:
                seg[3], seg[4] = event, None
        elif kind == "skipped":
            seg[4] = event
        elif kind == "finished":
            seg[5] = event
    return out


def _who(first: tuple | None, then: tuple | None = None) -> tuple[str, str]:
    """(counter, clerk) from the first of the two events that names each; UNKNOWN otherwise."""
    counter = (first and first[_COUNTER]) or (then and then[_COUNTER]) or UNKNOWN
    clerk = (first and first[_CLERK]) or (then and then[_CLERK]) or UNKNOWN
    return counter, clerk


def _queue_parts(tickets: Mapping[int, list], transferred: set[int]) -> dict[str, DayPart]:
    """Each local day's queue figures (see the module docstring) from its tickets."""
    parts: dict[str, DayPart] = {}
    combos: dict[tuple, list] = {}

    def combo_of(part: DayPart, key: tuple) -> list:
        combo = combos.get(key)
        if combo is None:
            combo = combos[key] = part.combo(key[1:])
        return combo

    for tid, (uid, service, issued, day, events) in tickets.items():
        part = parts.get(day)
        if part is None:
            part = parts[day] = DayPart()
        # The clerk the results credit a rating of this ticket to: its last call or finish
        # naming one, in the order the rows are written (time text, then row id).
        last = None
        for event in events:
            if event[_CLERK] and event[_KIND] in ("called", "finished") and (
                    last is None or (event[_TEXT], event[_ID]) > (last[_TEXT], last[_ID])):
                last = event
        part.clerks[tid] = last[_CLERK] if last is not None else None
        if tid in transferred:
            segments = _segments(_first_service(service, events), issued, events)
            part.moved[uid] = segments[-1][0]
        else:
            segments = _segments(service, issued, events)
        part.issued_by_hour[issued // _HOUR_US % 24] += 1
        combo = combo_of(part, (day, segments[0][0], None, None))
        combo[0] += 1
        for seg_service, seg_start, first_call, serve_call, skip, finish, transfer in segments:
            if first_call is not None:
                counter, clerk = _who(first_call)
                combo = combo_of(part, (day, seg_service, counter, clerk))
                combo[1] += 1
                combo[5].append(max(0, first_call[_WALL] - seg_start))
            if finish is not None:
                counter, clerk = _who(finish, serve_call)
                part.served_by_hour[finish[_WALL] // _HOUR_US % 24] += 1
                combo = combo_of(part, (day, seg_service, counter, clerk))
                combo[2] += 1
                if serve_call is not None:
                    combo[6].append(max(0, finish[_WALL] - serve_call[_WALL]))
            elif skip is not None:
                counter, clerk = _who(skip, serve_call)
                combo = combo_of(part, (day, seg_service, counter, clerk))
                combo[3] += 1
            if transfer is not None:
                counter, clerk = _who(transfer, serve_call)
                combo = combo_of(part, (day, seg_service, counter, clerk))
                combo[4] += 1
    return parts


def _add_parts(groups: _Groups, parts: Mapping[str, DayPart], issued_by_hour: list[int],
               served_by_hour: list[int]) -> None:
    for day, part in parts.items():
        for (service, counter, clerk), (issued, called, served, skipped, transferred, waits,
                                        took) in part.combos.items():
            for acc in groups.each(service=service, counter=counter, clerk=clerk, day=day):
                acc.issued += issued
                acc.called += called
                acc.served += served
                acc.skipped += skipped
                acc.transferred += transferred
                acc.waits += waits
                acc.service_times += took
        for hour in range(24):
            issued_by_hour[hour] += part.issued_by_hour[hour]
            served_by_hour[hour] += part.served_by_hour[hour]


def _reasons(raw: str | None) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def _add_ratings(db: Database, groups: _Groups, start: date, end: date, clock: Clock,
                 moved: Mapping[str, str], procedure_service: Mapping[str, str],
                 reasons: Counter, rows: list[tuple]) -> None:
    """Ratings of local days start..end (`rows`: read_ratings). Under the service of the
    rated ticket's last segment when the ticket was issued in the range (its own service
    unless it was transferred: `moved`), else the queue it was last in; failing that the
    rated dossier's procedure."""
    lo = (start - timedelta(days=1)).isoformat()
    first = (start.toordinal() - _EPOCH_ORDINAL) * _DAY_US
    last = (end.toordinal() + 1 - _EPOCH_ORDINAL) * _DAY_US
    # A ticket's stored day is its local day give or take one (written in another zone), and
    # only tickets stored a day around the range count as in it (as `_load_tickets` reads
    # them): only those near the range's edges need their time read.
    day_lo, day_hi = lo, (end + timedelta(days=1)).isoformat()
    inner_lo = (start + timedelta(days=1)).isoformat()
    inner_hi = (end - timedelta(days=1)).isoformat()
    who: dict[tuple, tuple[str | None, str | None]] = {}
    day_texts: dict[int, str] = {}
    for (uid, code, counter, clerk, level, raw_reasons, at_text, utc, issued_service,
         queue_service, issued_text, stored_day, _tid) in rows:
        if level not in LEVELS:
            continue
        w = clock.wall(utc, at_text)
        if not first <= w < last:
            continue
        service = None
        if uid and issued_text is not None:
            if day_lo <= stored_day <= day_hi and (
                    inner_lo <= stored_day <= inner_hi
                    or first <= clock.wall(None, issued_text) < last):
                service = moved.get(uid) or issued_service
            service = service or queue_service
        if service is None and code:
            service = _dossier_service(db, code, procedure_service)
        named = who.get((counter, clerk))
        if named is None:
            named = who[(counter, clerk)] = (_counter(counter), _name(clerk))
        n = w // _DAY_US
        day = day_texts.get(n)
        if day is None:
            day = day_texts[n] = wall_day(w).isoformat()
        for acc in groups.each(service=service, counter=named[0], clerk=named[1], day=day):
            acc.ratings[level] += 1
        if level == "unsatisfied":
            reasons.update(_reasons(raw_reasons))


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
    from kiosk.archive.reading import reads_archives

    # Dossiers older counters forwarded to this hub (kiosk.officefeed); a code in this
    # station's own table (on a hub: the office dossier book) counts once, from there.
    forwarded = (
        "SELECT o.procedure_code, o.received_at, o.clerk, o.returned_at, "
        "o.finished_at, o.appointment_date, o.on_time, "
        "(SELECT t.service_code FROM ticket_dossiers td JOIN tickets t ON t.id = td.ticket_id "
        " WHERE td.dossier_code = o.code LIMIT 1), o.returned_by "
        "FROM office_dossiers o WHERE o.code NOT IN (SELECT code FROM dossiers) AND "
        "(o.day BETWEEN ? AND ? OR (o.returned_at >= ? AND o.returned_at < ?))")
    if reads_archives(db):
        # Over an archived year (views): each dossier's ticket and the clerk of its last
        # hand-back looked up by key, as the LEFT JOIN and the subquery below find them
        # (kiosk.archive.reading.reads_archives).
        own = db.execute(
            "SELECT d.id, d.ticket_id, d.procedure_code, d.received_at, d.clerk, "
            "d.returned_at, d.finished_at, d.appointment_date, d.on_time FROM dossiers d "
            "WHERE d.day BETWEEN ? AND ? OR (d.returned_at >= ? AND d.returned_at < ?)",
            (lo, hi, lo, hi_text)).fetchall()
        ticket_service = rows_by_key(db, "tickets", "id", (r[1] for r in own), "service_code")
        returning: dict[int, str | None] = {}
        if own:
            for dossier_id, clerk in db.execute(
                    "SELECT dossier_id, clerk FROM dossier_events WHERE dossier_id IN "
                    "(SELECT value FROM json_each(?)) AND to_status = ? ORDER BY id",
                    (json.dumps(sorted({r[0] for r in own})), _RETURNED)).fetchall():
                returning[dossier_id] = clerk  # the last one wins
        none = (None,)
        rows = [(*r[2:], ticket_service.get(r[1], none)[0], returning.get(r[0])) for r in own]
        rows += db.execute(forwarded, (lo, hi, lo, hi_text)).fetchall()
    else:
        rows = db.execute(
            "SELECT d.procedure_code, d.received_at, d.clerk, d.returned_at, d.finished_at, "
            "d.appointment_date, d.on_time, t.service_code, "
            "(SELECT e.clerk FROM dossier_events e WHERE e.dossier_id = d.id "
            " AND e.to_status = ? ORDER BY e.id DESC LIMIT 1) "
            "FROM dossiers d LEFT JOIN tickets t ON t.id = d.ticket_id "
            "WHERE d.day BETWEEN ? AND ? OR (d.returned_at >= ? AND d.returned_at < ?) "
            f"UNION ALL {forwarded}",
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

#: The indexes of an unpacked archived year (kiosk.archive.reading.with_archives `deferred`)
#: office_stats reads without: it reads most of a year's rows of these tables anyway, and a
#: scan of them costs less than building the index (the queue events' alone took 0.16 s of a
#: 2026 report reading January to September); or it never looks rows up by them (the
#: dossiers' other keys, petitions, citizen feedback). Where it does look rows up by one of
#: them (a run of days to compute again from an archived year, a rated ticket of another day)
#: it builds the index then (ensure_index).
DEFERRED_INDEXES = (("queue_events", ("ticket_id",)), ("tickets", ("uid",)),
                    ("ratings", ("at",)), ("ratings", ("uid",)),
                    ("dossier_events", ("at",)), ("dossier_events", ("uid",)),
                    ("dossiers", ("uid",)), ("dossiers", ("status", "returned_at")),
                    ("dossiers", ("submitter_id_number", "received_at")),
                    ("dossiers", ("unit_code", "short_code")),
                    ("dossiers", ("unit_code", "day", "seq")),
                    ("dossier_slips", ("uid",)), ("dossier_handovers", ("uid",)),
                    ("citizen_feedback", ("at",)), ("citizen_feedback", ("uid",)),
                    ("petitions", ("received_at",)), ("petitions", ("status", "due_date")),
                    ("petitions", ("code",)), ("petitions", ("uid",)))


def _days(first: date, last: date) -> list[str]:
    return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def _missing_runs(start: date, end: date, parts: Mapping[str, Any]
                  ) -> list[tuple[date, date]]:
    """The runs of consecutive days of start..end without a part."""
    runs: list[tuple[date, date]] = []
    day = start
    while day <= end:
        if day.isoformat() in parts:
            day += timedelta(days=1)
            continue
        first = day
        while day + timedelta(days=1) <= end and (day + timedelta(days=1)).isoformat() \
                not in parts:
            day += timedelta(days=1)
        runs.append((first, day))
        day += timedelta(days=1)
    return runs


def office_stats(db: Database, start: date, end: date, tz: str | ZoneInfo,
                 *, procedure_service: Mapping[str, str] | None = None,
                 rules: Any = None, keep_days: bool = True) -> OfficeStats:
    """Figures for local days start..end inclusive (see the module docstring for each one).

    `procedure_service` maps procedure codes to ticket services (default: the bundled
    procedure catalog). `rules`: the calendar (kiosk.calendar.CalendarRules) the results
    count working days by (default: the national calendar in `tz`). Safe on a worker thread
    with its own connection. It reads the records, except the queue figures of days two days
    old or more, which it takes from `stats_days` while they still match their records
    (kiosk/stats/days.py), and, over archived years, what each year's dossiers count for
    (kiosk/stats/results.py); what it had to compute it keeps there afterwards, in one
    short write of that table only (skipped when the database cannot be written). Nothing
    is kept or read from there with `keep_days=False`.
    """
    if end < start:
        raise ValueError("the range ends before it starts")
    with cycle_collector_paused():
        return _office_stats(db, start, end, tz, procedure_service=procedure_service,
                             rules=rules, keep_days=keep_days)


def _office_stats(db: Database, start: date, end: date, tz: str | ZoneInfo, *,
                  procedure_service: Mapping[str, str] | None, rules: Any,
                  keep_days: bool) -> OfficeStats:
    from kiosk.calendar import CalendarRules
    from kiosk.stats.results import KEPT_ZONE as KEPT_RESULTS
    from kiosk.stats.results import result_stats

    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    if procedure_service is None:
        procedure_service = _default_procedure_services()
    groups = _Groups()
    issued_by_hour = [0] * 24
    served_by_hour = [0] * 24
    reasons: Counter = Counter()
    clock = Clock(zone)
    # Days kept in the database (kiosk.stats.days) once two days old; the others are read.
    settled = min(end, datetime.now(zone).date() - timedelta(days=2))
    to_keep: list[str] = []
    # One read transaction: a consistent snapshot while the counters keep writing.
    conn: sqlite3.Connection = db.conn
    began = not conn.in_transaction
    if began:
        conn.execute("BEGIN")
    try:
        parts: dict[str, DayPart] = {}
        prints: dict[str, str] = {}
        archived_sums: list[tuple[str, str, bytes]] = []
        archived_results: list[tuple[str, str, bytes]] = []
        if keep_days and settled >= start:
            prints = day_store.fingerprints(db, start, settled, archived_sums)
            parts = day_store.kept(db, start, settled, zone.key, prints)
        moved: dict[str, str] = {}
        for first, last in _missing_runs(start, end, parts):
            tickets, transferred = _load_tickets(db, first, last, clock)
            for day, part in _queue_parts(tickets, transferred).items():
                parts[day] = part
            del tickets
            to_keep += [d for d in _days(first, min(last, settled))] if keep_days else []
        for part in parts.values():
            moved.update(part.moved)
        _add_parts(groups, dict(sorted(parts.items())), issued_by_hour, served_by_hour)
        rated = read_ratings(db, start, end)
        _add_ratings(db, groups, start, end, clock, moved, procedure_service, reasons, rated)
        _add_dossiers(db, groups, start, end, zone, procedure_service)
        names, sort = _service_names(db)
        clerks: dict[int, str | None] = {}
        for part in parts.values():
            clerks.update(part.clerks)
        results = result_stats(db, start, end, rules or CalendarRules(timezone=zone.key),
                               ticket_clerks=clerks, rated=rated,
                               # Counting a year whole pays only if it can be kept.
                               kept=archived_results if keep_days and began else None)
    finally:
        if began:
            conn.execute("COMMIT")
    if to_keep and began:
        day_store.keep(db, parts, to_keep, zone.key, prints)
    if archived_sums and began:
        day_store.keep_archived(db, archived_sums)
    if archived_results and began:
        day_store.keep_archived(db, archived_results, KEPT_RESULTS)

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


