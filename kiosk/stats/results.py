"""Results per clerk and per procedure, the figures the national service index (Decision
766/QĐ-TTg) judges an office by.

Definitions (local days in the office's time zone, working days by kiosk.calendar):

- settled: dossiers finished (`finished_at`, else `returned_at`) on a day of the range.
- late: a settled dossier finished after its due date, counted by `working_days_late` below
  (the one seam where the project's due-date rule plugs in), or one that got an apology slip
  (Mẫu 04): an apology moves the due date but the dossier still counts as late. on time: the
  other settled dossiers.
- apologised: dossiers with a Mẫu 04 slip (`dossier_slips.form = '04'`) issued in the range.
- refused: dossiers that reached status 3 (Không được tiếp nhận) or got a Mẫu 03 slip (a
  refused settlement stops the dossier at 8) in the range.
- supplemented: dossiers that reached status 5 (Yêu cầu bổ sung) or got a Mẫu 02 slip in the
  range (each dossier once).
- settling time: per settled dossier, working days from the day it counts as received
  (`received_as`: after the cut-off) to the day it was finished, minus the working days it
  spent waiting for a supplement (status 5 until the next status change). Mean and P90 as in
  kiosk.stats.compute (PERCENTILE.INC).
- satisfaction: ratings given in the range; per clerk through the rated ticket (the clerk of
  its last call or finish; the rating's own clerk when the ticket names none); per procedure
  through the rated dossier, or the dossier linked to the rated ticket.
- petitions handled on time: petitions whose due date fell in the range or which were
  answered in the range; on time when answered (or closed) no later than the due date. Read
  from the `petitions` table (kiosk.petitions) only when the station has one (None: no data).

Clerk: the clerk who received the dossier (the one-stop counter answers for it); a refusal or
supplement is under that clerk too. Procedure: the dossier's procedure code. Dossiers come
from `dossiers` (on a hub: the office dossier book, every counter's); the public copies older
counters forward (`office_dossiers`) carry no history or slips and are not in the results.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from kiosk.calendar import CalendarRules, received_as, working_days_between
from kiosk.dossiers.status import DossierStatus

REFUSED = 3
SUPPLEMENT = 5
REFUSAL_FORM = "03"
SUPPLEMENT_FORM = "02"
APOLOGY_FORM = "04"

#: Decision 766/QĐ-TTg's groups (points out of 100) that these figures feed.
PROGRESS = "Tiến độ giải quyết (20 điểm)"
SATISFACTION = "Mức độ hài lòng (18 điểm)"
INDICATOR_GROUPS = {
    "settled": PROGRESS, "on_time": PROGRESS, "late": PROGRESS, "apologised": PROGRESS,
    "refused": PROGRESS, "supplemented": PROGRESS, "settle_mean": PROGRESS,
    "settle_p90": PROGRESS, "satisfaction": SATISFACTION, "petitions_on_time": SATISFACTION,
}

#: The columns of `dossiers` the results read (no personal data: names, ID numbers, addresses
#: are never loaded for a report).
DOSSIER_FIELDS = ("id", "uid", "code", "procedure_code", "procedure_name", "processing_days",
                  "received_at", "appointment_date", "status", "finished_at", "returned_at",
                  "on_time", "clerk", "ticket_id")
@dataclass(frozen=True)
class StatusStep:
    """One row of a dossier's status history, as the due-date rule reads it."""

    to_status: DossierStatus
    at: datetime


@dataclass(frozen=True)
class DossierFacts:
    """What `working_days_late` is given about a dossier: the attributes the due-date rule
    (kiosk/dossiers/due.py) reads of a Dossier, from the columns above (no personal data)."""

    id: int
    code: str
    procedure_code: str
    received_at: datetime
    appointment_date: date
    status: DossierStatus
    finished_at: datetime | None
    returned_at: datetime | None
    history: tuple[StatusStep, ...]


#: Its slips: rows of `dossier_slips` as dicts (form, reason, new_date, issued_at, ...), oldest
#: first.
SlipRows = list[Mapping[str, Any]]
LateCount = Callable[[DossierFacts, SlipRows, CalendarRules, date], int]


def working_days_late(dossier: DossierFacts, slips: SlipRows, rules: CalendarRules,
                      finished: date) -> int:
    """Working days `dossier` was late when finished on `finished`; 0 when on time: the
    project's one rule (kiosk/dossiers/due.py: the appointment moved by supplement pauses,
    judged on the finish). A Mẫu 04 makes the dossier late in `result_stats` whatever this
    answers."""
    from kiosk.dossiers.due import working_days_late as late_by_the_rule

    return late_by_the_rule(dossier, slips, rules, finished)


# -- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    """One clerk's, one procedure's or the whole office's results (see the module docstring)."""

    key: str
    label: str
    settled: int = 0
    on_time: int = 0
    late: int = 0
    apologised: int = 0
    refused: int = 0
    supplemented: int = 0
    settle_mean: float | None = None
    settle_p90: float | None = None
    rated: int = 0
    satisfied: int = 0
    #: Petitions due or answered in the range / handled on time; None: no petition data
    #: (or not defined: per procedure).
    petitions: int | None = None
    petitions_on_time: int | None = None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.settled if self.settled else None

    @property
    def satisfaction_share(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None

    @property
    def petitions_on_time_rate(self) -> float | None:
        return (self.petitions_on_time / self.petitions
                if self.petitions and self.petitions_on_time is not None else None)


@dataclass(frozen=True)
class ResultStats:
    total: ResultRow
    by_clerk: tuple[ResultRow, ...]
    by_procedure: tuple[ResultRow, ...]
    #: False when the station has no petitions table: "no data", not zero.
    petitions_known: bool = False

    @property
    def petitions_data(self) -> bool:
        """Petitions to judge in the range: otherwise the reports say "no data"."""
        return self.petitions_known and bool(self.total.petitions)


@dataclass
class _Acc:
    settled: int = 0
    on_time: int = 0
    late: int = 0
    apologised: int = 0
    refused: int = 0
    supplemented: int = 0
    days: list[float] = field(default_factory=list)
    rated: int = 0
    satisfied: int = 0
    petitions: int = 0
    petitions_on_time: int = 0

    def freeze(self, key: str, label: str, petitions: bool) -> ResultRow:
        from kiosk.stats.figures import percentile

        return ResultRow(
            key=key, label=label, settled=self.settled, on_time=self.on_time, late=self.late,
            apologised=self.apologised, refused=self.refused, supplemented=self.supplemented,
            settle_mean=sum(self.days) / len(self.days) if self.days else None,
            settle_p90=percentile(self.days, 0.9) if self.days else None,
            rated=self.rated, satisfied=self.satisfied,
            petitions=self.petitions if petitions else None,
            petitions_on_time=self.petitions_on_time if petitions else None)


# -- reading -----------------------------------------------------------------------------------


def _local(text: str | None, tz: ZoneInfo) -> datetime | None:
    if not text:
        return None
    at = datetime.fromisoformat(text)
    return at.replace(tzinfo=tz) if at.tzinfo is None else at.astimezone(tz)


def _paused_days(events: Iterable[tuple[int, datetime]], finished: date,
                 rules: CalendarRules) -> int:
    """Working days spent in status 5: from the day it was asked to the day it left."""
    paused, since = 0, None
    for status, at in events:
        if status == SUPPLEMENT and since is None:
            since = at.date()
        elif status != SUPPLEMENT and since is not None:
            paused += max(0, working_days_between(since, at.date(), rules))
            since = None
    if since is not None:
        paused += max(0, working_days_between(since, finished, rules))
    return paused


class _Lazy:
    """The accumulators of one dossier, made on first use."""

    def __init__(self, make: Callable[[], list[_Acc]]) -> None:
        self._make = make
        self._made: list[_Acc] | None = None

    def __iter__(self) -> Iterator[_Acc]:
        if self._made is None:
            self._made = self._make()
        return iter(self._made)


def result_stats(db: Database, start: date, end: date, rules: CalendarRules, *,
                 late: LateCount | None = None,
                 ticket_clerks: Mapping[int, str | None] | None = None,
                 rated: list[tuple] | None = None) -> ResultStats:
    """Results for local days start..end inclusive. `late` replaces `working_days_late` (tests,
    or another due-date rule). `ticket_clerks`: ticket id -> the clerk of its last call or
    finish naming one (None: none does), for tickets the caller already knows (office_stats:
    those of the range); the others are read. `rated`: the range's ratings as
    kiosk.stats.figures.read_ratings gives them, when the caller already read them
    (office_stats); else they are read. Read-only; run it inside the caller's read
    transaction."""
    from kiosk.stats.figures import _name, _sort_key_vi

    late = late or working_days_late
    tz = ZoneInfo(rules.timezone)
    lo = (start - timedelta(days=1)).isoformat()
    hi = (end + timedelta(days=2)).isoformat()
    total = _Acc()
    clerks: defaultdict[str, _Acc] = defaultdict(_Acc)
    procedures: defaultdict[str, _Acc] = defaultdict(_Acc)
    procedure_names: dict[str, str] = {}

    def each(clerk: str | None, procedure: str | None) -> Iterable[_Acc]:
        yield total
        if clerk is not None:
            yield clerks[clerk]
        if procedure is not None:
            yield procedures[procedure]

    def inside(at: datetime | None) -> bool:
        return at is not None and start <= at.date() <= end

    # Dossiers with anything in the range: finished, an event or a slip there. Text bounds
    # a day wider; the exact local day is decided below.
    cur = db.execute(
        f"SELECT {', '.join(DOSSIER_FIELDS)} FROM dossiers "
        "WHERE (finished_at >= ? AND finished_at < ?) "
        "OR (finished_at IS NULL AND returned_at >= ? AND returned_at < ?) "
        "OR id IN (SELECT dossier_id FROM dossier_events WHERE at >= ? AND at < ? "
        # Literal statuses: SQLite then reads them by the partial index of migration 16.
        f"          AND to_status IN ({REFUSED}, {SUPPLEMENT})) "
        "OR id IN (SELECT dossier_id FROM dossier_slips WHERE issued_at >= ? AND issued_at < ?)",
        (lo, hi, lo, hi, lo, hi, lo, hi))
    names = [c[0] for c in cur.description]
    dossiers = {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}
    events: defaultdict[int, list[tuple[int, datetime]]] = defaultdict(list)
    slips: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    changed_inside: set[int] = set()  # dossiers with a status change in the range
    if dossiers:
        ids = ",".join(str(i) for i in dossiers)
        for dossier_id, status, at in db.execute(
                f"SELECT dossier_id, to_status, at FROM dossier_events WHERE dossier_id IN ({ids}) "
                "ORDER BY dossier_id, at, id").fetchall():
            local = _local(at, tz)
            events[dossier_id].append((status, local))
            if local is not None and start <= local.date() <= end:
                changed_inside.add(dossier_id)
        cur = db.execute(f"SELECT * FROM dossier_slips WHERE dossier_id IN ({ids}) "
                         "ORDER BY dossier_id, issued_at, id")
        slip_names = [c[0] for c in cur.description]
        for row in cur.fetchall():
            slip = dict(zip(slip_names, row, strict=True))
            slips[slip["dossier_id"]].append(slip)

    statuses = {s.value: s for s in DossierStatus}

    def status_of(value: Any) -> DossierStatus:
        found = statuses.get(value)
        return found if found is not None else DossierStatus(value)

    names_of: dict[Any, str] = {}
    no_slips: list[dict[str, Any]] = []
    no_events: list[tuple[int, datetime]] = []
    no_forms: frozenset[str] = frozenset()
    for dossier_id, d in dossiers.items():
        raw_clerk = d["clerk"]
        clerk = names_of.get(raw_clerk)
        if clerk is None:
            clerk = names_of[raw_clerk] = _name(raw_clerk) or ""
        procedure = d["procedure_code"]
        procedure_names.setdefault(procedure, d["procedure_name"])
        # Made when the dossier has a slip or a change in the range or counts for something
        # there: one read only for the day on either side (the text bounds) lists no clerk or
        # procedure with zeros.
        accs = _Lazy(lambda clerk=clerk, procedure=procedure: list(each(clerk, procedure)))
        own_slips = slips.get(dossier_id, no_slips)
        own_events = events.get(dossier_id, no_events)
        # The forms of its slips issued in the range (each slip's time read once).
        forms_inside = ({s["form"] for s in own_slips if inside(_local(s["issued_at"], tz))}
                        if own_slips else no_forms)
        if forms_inside or dossier_id in changed_inside:
            iter(accs)  # its clerk and procedure listed for the range, a receipt there counts
        apologies = [s for s in own_slips if s["form"] == APOLOGY_FORM]
        if APOLOGY_FORM in forms_inside:
            for acc in accs:
                acc.apologised += 1
        refused = supplemented = False
        for status, at in own_events:
            if status == REFUSED and not refused:
                refused = inside(at)
            elif status == SUPPLEMENT and not supplemented:
                supplemented = inside(at)
        if refused or REFUSAL_FORM in forms_inside:
            for acc in accs:
                acc.refused += 1
        if supplemented or SUPPLEMENT_FORM in forms_inside:
            for acc in accs:
                acc.supplemented += 1
        finished_at = _local(d["finished_at"] or d["returned_at"], tz)
        if not inside(finished_at):
            continue
        finished = finished_at.date()
        received_at = _local(d["received_at"], tz)
        facts = DossierFacts(
            id=dossier_id, code=d["code"], procedure_code=procedure,
            received_at=received_at,
            appointment_date=date.fromisoformat(str(d["appointment_date"])[:10]),
            status=status_of(d["status"]),
            finished_at=finished_at if d["finished_at"] else None,
            returned_at=(finished_at if not d["finished_at"] else _local(d["returned_at"], tz)),
            history=tuple(StatusStep(status_of(status), at) for status, at in own_events))
        days_late = late(facts, own_slips, rules, finished)
        is_late = bool(apologies) or days_late > 0
        received = received_as(received_at, rules)
        took = max(0, working_days_between(received, finished, rules)
                   - _paused_days(own_events, finished, rules))
        for acc in accs:
            acc.settled += 1
            acc.late += int(is_late)
            acc.on_time += int(not is_late)
            acc.days.append(float(took))

    if rated is None:
        from kiosk.stats.figures import read_ratings

        rated = read_ratings(db, start, end)
    _add_satisfaction(db, start, end, tz, each, ticket_clerks or {},
                      [(r[4], r[6], r[3], r[1], r[12], r[7]) for r in rated])
    known = _add_petitions(db, lo, hi, tz, inside, each)

    return ResultStats(
        total=total.freeze("", "Toàn điểm phục vụ", known),
        by_clerk=tuple(clerks[k].freeze(k, k or "Không rõ cán bộ", known)
                       for k in sorted(clerks, key=lambda k: (k == "", _sort_key_vi(k)))),
        by_procedure=tuple(procedures[k].freeze(k, procedure_names.get(k, k), False)
                           for k in sorted(procedures)),
        petitions_known=known)


def _add_satisfaction(db: Database, start: date, end: date, tz: ZoneInfo,
                      each: Callable[[str | None, str | None], Iterable[_Acc]],
                      known: Mapping[int, str | None], rated: list[tuple]) -> None:
    """`rated`: (level, time as written, clerk, dossier code, rated ticket's id or None, the
    time's instant as figures.instant_sql gives it)."""
    from kiosk.stats.figures import _DAY_US, _EPOCH_ORDINAL, Clock, _detail, _name

    # Local days by wall-clock microseconds (figures.Clock: what fromisoformat and
    # astimezone give, the zone's offset looked up once an hour): a year's ratings.
    clock = Clock(tz)
    first = (start.toordinal() - _EPOCH_ORDINAL) * _DAY_US
    last = (end.toordinal() + 1 - _EPOCH_ORDINAL) * _DAY_US
    wanted = [r[:5] for r in rated if first <= clock.wall(r[5], r[1]) < last]
    ticket_ids = sorted({r[4] for r in wanted if r[4] is not None})
    ticket_clerk: dict[int, str] = {t: c for t in ticket_ids if (c := known.get(t))}
    ticket_procedure: dict[int, str] = {}
    clerks: dict[str | None, str | None] = {}
    # The other rated tickets (issued before the range): the clerk of their last call or
    # finish naming one (by time text, then row id, as the counters wrote them), their events
    # read by the ticket's id. In Python: a detail may be a printer's plain message, and
    # SQLite may run json_extract on it before json_valid over the archive views.
    others = [t for t in ticket_ids if t not in known]
    if others:
        from kiosk.archive.reading import ensure_index

        ensure_index(db, "queue_events", ("ticket_id",))  # when with_archives deferred it
        # A list of ids, not a subquery: SQLite looks it up in each part of the archive views
        # by its index (a subquery there reads every part whole).
        ids = ",".join(str(int(t)) for t in others)
        for tid, raw in db.execute(
                f"SELECT ticket_id, detail FROM queue_events WHERE ticket_id IN ({ids}) "
                "AND +kind IN ('called', 'finished') ORDER BY at, id").fetchall():
            if raw not in clerks:
                clerks[raw] = _name(_detail(raw).get("clerk"))
            clerk = clerks[raw]
            if clerk:
                ticket_clerk[tid] = clerk  # the last call or finish naming one wins
    if ticket_ids:
        # The rated tickets' ids lie close together (a range's tickets): their span read by
        # the ticket_id indexes, the rated ones kept here. A list of tens of thousands of ids
        # in the SQL was made into a look-up table for each branch of the archive views.
        rated_ids = set(ticket_ids)
        span = (ticket_ids[0], ticket_ids[-1])
        for tid, procedure in db.execute(
                "SELECT ticket_id, procedure_code FROM dossiers WHERE ticket_id BETWEEN ? AND ? "
                "UNION ALL SELECT td.ticket_id, d.procedure_code FROM ticket_dossiers td "
                "JOIN dossiers d ON d.code = td.dossier_code WHERE td.ticket_id BETWEEN ? AND ?",
                (*span, *span)).fetchall():
            if tid in rated_ids:
                ticket_procedure.setdefault(tid, procedure)
    codes = sorted({r[3] for r in wanted if r[3]})
    code_procedure: dict[str, str] = {}
    if codes:
        marks = ",".join("?" * len(codes))
        code_procedure = dict(db.execute(
            f"SELECT code, procedure_code FROM dossiers WHERE code IN ({marks})", codes
        ).fetchall())
    for level, _at, rating_clerk, code, tid in wanted:
        clerk = ticket_clerk.get(tid) if tid is not None else None
        clerk = clerk or _name(rating_clerk)
        procedure = code_procedure.get(code) if code else None
        if procedure is None and tid is not None:
            procedure = ticket_procedure.get(tid)
        for acc in each(clerk, procedure):
            acc.rated += 1
            acc.satisfied += int(level in ("very_satisfied", "satisfied"))


def _add_petitions(db: Database, lo: str, hi: str, tz: ZoneInfo,
                   inside: Callable[[datetime | None], bool],
                   each: Callable[[str | None, str | None], Iterable[_Acc]]) -> bool:
    """Petitions handled on time, when the station keeps petitions (kiosk.petitions, migration
    14: `due_date`, `answered_at`, `closed_at`, `assignee`, `answered_by`); False: no data.

    A petition counts when its due date or its answer falls in the range; on time when
    answered (or closed) no later than its due date. Under its assignee, else who answered.
    """
    from kiosk.stats.figures import _name

    if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'petitions'"
                      ).fetchone():
        return False
    try:
        rows = db.execute(
            "SELECT due_date, coalesce(answered_at, closed_at), "
            "coalesce(nullif(assignee, ''), answered_by) FROM petitions WHERE "
            "(due_date >= ? AND due_date < ?) OR (answered_at >= ? AND answered_at < ?) "
            "OR (closed_at >= ? AND closed_at < ?)", (lo, hi, lo, hi, lo, hi)).fetchall()
    except sqlite3.OperationalError:
        return False  # a petitions table of another shape: no data rather than wrong figures
    for due_text, answered_text, who in rows:
        due = date.fromisoformat(str(due_text)[:10])
        answered = _local(answered_text, tz)
        if not (inside(datetime(due.year, due.month, due.day, 12, tzinfo=tz))
                or inside(answered)):
            continue
        on_time = answered is not None and answered.date() <= due
        for acc in each(_name(who) or "", None):
            acc.petitions += 1
            acc.petitions_on_time += int(on_time)
    return True


def indicator_legend() -> list[tuple[str, str]]:
    """(figure, Decision 766 group) in the order the reports list them."""
    return [("Hồ sơ giải quyết xong, đúng hạn, quá hạn", PROGRESS),
            ("Hồ sơ xin lỗi (Mẫu 04), từ chối, yêu cầu bổ sung", PROGRESS),
            ("Thời gian giải quyết trung bình và P90 (ngày làm việc)", PROGRESS),
            ("Tỷ lệ hài lòng với giải quyết thủ tục hành chính", SATISFACTION),
            ("Phản ánh, kiến nghị xử lý đúng hạn", SATISFACTION)]


__all__ = ["INDICATOR_GROUPS", "PROGRESS", "SATISFACTION", "ResultRow", "ResultStats",
           "indicator_legend", "result_stats", "working_days_late"]
