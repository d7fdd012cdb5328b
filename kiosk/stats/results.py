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
supplement is under that clerk too. Procedure: the dossier's procedure code, under the name its
newest dossier gives it (a procedure renamed in the catalog). Dossiers come
from `dossiers` (on a hub: the office dossier book, every counter's); the public copies older
counters forward (`office_dossiers`) carry no history or slips and are not in the results.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import logging
import sqlite3
import types
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from kiosk.calendar import CalendarRules, received_as, working_days_between
from kiosk.dossiers.status import DossierStatus

log = logging.getLogger(__name__)

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


class _Fact(NamedTuple):
    """What the results count of one dossier, whatever the range: read from its records
    (`_Counting.read`), or kept for an archived year (`_archived_facts`). Days are local day
    ordinals (date.toordinal) in the rules' time zone."""

    id: int
    clerk: str
    procedure: str
    procedure_name: str
    #: The days as written (YYYY-MM-DD, the first ten characters of the stamps) by which the
    #: range's query picks the dossier (its finish, else its hand-back; its refusals and
    #: supplement requests; its slips); None: picked by the query itself.
    picked: tuple[str, ...] | None
    events: tuple[tuple[int, int | None], ...]  # (status reached, local day)
    slips: tuple[tuple[str, int | None], ...]  # (form, local day issued)
    settled: int | None  # the local day it was finished, else handed back
    late: bool  # when settled (and counted): late by the rule, or apologised for
    took: int  # when settled (and counted): working days taken, supplement pauses excepted


def result_stats(db: Database, start: date, end: date, rules: CalendarRules, *,
                 late: LateCount | None = None,
                 ticket_clerks: Mapping[int, str | None] | None = None,
                 rated: list[tuple] | None = None,
                 kept: list[tuple[str, str, bytes]] | None = None) -> ResultStats:
    """Results for local days start..end inclusive. `late` replaces `working_days_late` (tests,
    or another due-date rule). `ticket_clerks`: ticket id -> the clerk of its last call or
    finish naming one (None: none does), for tickets the caller already knows (office_stats:
    those of the range); the others are read. `rated`: the range's ratings as
    kiosk.stats.figures.read_ratings gives them, when the caller already read them
    (office_stats); else they are read. `kept` (a list, over archived years): each archived
    year's dossiers are counted from what an earlier reading kept of them (stats_days, by the
    year's identity and the rules), and those counted now are appended to `kept` for the
    caller to keep after its read transaction (kiosk.stats.days.keep_archived under
    KEPT_ZONE). Read-only; run it inside the caller's read transaction."""
    from kiosk.stats.figures import _sort_key_vi

    tz = ZoneInfo(rules.timezone)
    lo = (start - timedelta(days=1)).isoformat()
    hi = (end + timedelta(days=2)).isoformat()
    total = _Acc()
    clerks: defaultdict[str, _Acc] = defaultdict(_Acc)
    procedures: defaultdict[str, _Acc] = defaultdict(_Acc)
    #: Procedure code -> (the newest dossier's id, the name it gives the procedure).
    procedure_names: dict[str, tuple[int, str]] = {}

    def each(clerk: str | None, procedure: str | None) -> Iterable[_Acc]:
        yield total
        if clerk is not None:
            yield clerks[clerk]
        if procedure is not None:
            yield procedures[procedure]

    def inside(at: datetime | None) -> bool:
        return at is not None and start <= at.date() <= end

    first, last = start.toordinal(), end.toordinal()
    count = _Counting(rules, tz, late or working_days_late, (first, last))
    parts = _dossier_parts(db) if kept is not None and late is None else None
    if parts is None:  # the live tables, or the views over them and the archived years
        facts = count.read(db, "", (lo, hi))
    else:
        facts = []
        for part in parts:
            whole = (_archived_facts(db, part, start, end, count, kept)
                     if part.startswith("archive_") else None)
            facts += whole if whole is not None else count.read(db, part, (lo, hi))

    no_forms: frozenset[str] = frozenset()
    for fact in facts:
        if fact.picked is not None and not any(lo <= day < hi for day in fact.picked):
            continue
        clerk, procedure = fact.clerk, fact.procedure
        named = procedure_names.get(procedure)
        if named is None or fact.id > named[0]:  # a procedure renamed: its latest name
            procedure_names[procedure] = (fact.id, fact.procedure_name)
        # Made when the dossier has a slip or a change in the range or counts for something
        # there: one read only for the day on either side (the text bounds) lists no clerk or
        # procedure with zeros.
        accs = _Lazy(lambda clerk=clerk, procedure=procedure: list(each(clerk, procedure)))
        forms_inside = ({form for form, day in fact.slips
                         if day is not None and first <= day <= last}
                        if fact.slips else no_forms)
        refused = supplemented = changed = False
        for status, day in fact.events:
            if day is not None and first <= day <= last:
                changed = True
                if status == REFUSED:
                    refused = True
                elif status == SUPPLEMENT:
                    supplemented = True
        if forms_inside or changed:
            iter(accs)  # its clerk and procedure listed for the range, a receipt there counts
        if APOLOGY_FORM in forms_inside:
            for acc in accs:
                acc.apologised += 1
        if refused or REFUSAL_FORM in forms_inside:
            for acc in accs:
                acc.refused += 1
        if supplemented or SUPPLEMENT_FORM in forms_inside:
            for acc in accs:
                acc.supplemented += 1
        if fact.settled is None or not first <= fact.settled <= last:
            continue
        for acc in accs:
            acc.settled += 1
            acc.late += int(fact.late)
            acc.on_time += int(not fact.late)
            acc.days.append(float(fact.took))

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
        by_procedure=tuple(procedures[k].freeze(k, procedure_names[k][1] if k in procedure_names
                                                else k, False)
                           for k in sorted(procedures)),
        petitions_known=known)


class _Counting:
    """Reads dossiers into `_Fact`s under one calendar and due-date rule. `settling`: the
    local days (ordinals) whose settled dossiers have their lateness and time counted (None:
    every one: a year's facts are kept for any range)."""

    def __init__(self, rules: CalendarRules, tz: ZoneInfo, late: LateCount,
                 settling: tuple[int, int] | None) -> None:
        self.rules, self.tz, self.late, self.settling = rules, tz, late, settling
        self._names: dict[Any, str] = {}

    def read(self, db: Database, part: str, bounds: tuple[str, str] | None) -> list[_Fact]:
        """The facts of the dossiers of `part` ("": the tables or views as named; "main.",
        "archive_2025.": one schema's) with anything in the text `bounds` (finished, a
        refusal, a supplement request or a slip there; None: every dossier, each with the
        days it would be picked by)."""
        where = ""
        args: tuple[str, ...] = ()
        if bounds is not None:
            lo, hi = bounds
            where = (
                "WHERE (finished_at >= ? AND finished_at < ?) "
                "OR (finished_at IS NULL AND returned_at >= ? AND returned_at < ?) "
                f"OR id IN (SELECT dossier_id FROM {part}dossier_events WHERE at >= ? "
                # Literal statuses: SQLite then reads them by the partial index of migration 16.
                f"AND at < ? AND to_status IN ({REFUSED}, {SUPPLEMENT})) "
                f"OR id IN (SELECT dossier_id FROM {part}dossier_slips WHERE issued_at >= ? "
                "AND issued_at < ?)")
            args = (lo, hi) * 4
        cur = db.execute(f"SELECT {_fields(db, part, 'dossiers', DOSSIER_FIELDS)} "
                         f"FROM {part}dossiers {where}", args)
        names = [c[0] for c in cur.description]
        dossiers = {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}
        if not dossiers:
            return []
        tz = self.tz
        whole = bounds is None
        events: defaultdict[int, list[tuple[int, datetime | None]]] = defaultdict(list)
        # As the range's query compares them (whole: kept for any range): text against
        # text, a stamp by its first ten characters.
        picked: defaultdict[int, list[str]] = defaultdict(list)
        events_of = (f"WHERE dossier_id IN ({','.join(str(i) for i in dossiers)}) "
                     if not whole else "")
        for dossier_id, status, at in db.execute(
                f"SELECT dossier_id, to_status, at FROM {part}dossier_events {events_of}"
                "ORDER BY dossier_id, at, id").fetchall():
            events[dossier_id].append((status, _local(at, tz)))
            if whole and status in (REFUSED, SUPPLEMENT) and isinstance(at, str):
                picked[dossier_id].append(at[:10])
        slips: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
        from kiosk.archive.tables import columns

        slip_fields = _fields(db, part, "dossier_slips", tuple(columns(db, "dossier_slips")))
        cur = db.execute(f"SELECT {slip_fields} FROM {part}dossier_slips {events_of}"
                         "ORDER BY dossier_id, issued_at, id")
        slip_names = [c[0] for c in cur.description]
        for row in cur.fetchall():
            slip = dict(zip(slip_names, row, strict=True))
            slips[slip["dossier_id"]].append(slip)
        out = []
        for dossier_id, d in dossiers.items():
            own_slips = slips.get(dossier_id, [])
            days = None
            if whole:
                fin, ret = d["finished_at"], d["returned_at"]
                days = [fin[:10]] if isinstance(fin, str) else (
                    [ret[:10]] if fin is None and isinstance(ret, str) else [])
                days += picked.get(dossier_id, ())
                days += [s["issued_at"][:10] for s in own_slips
                         if isinstance(s["issued_at"], str)]
            out.append(self._fact(dossier_id, d, events.get(dossier_id, []), own_slips,
                                  None if days is None else tuple(days)))
        return out

    def _fact(self, dossier_id: int, d: dict[str, Any],
              own_events: list[tuple[int, datetime | None]],
              own_slips: list[dict[str, Any]], picked: tuple[str, ...] | None) -> _Fact:
        from kiosk.stats.figures import _name

        raw_clerk = d["clerk"]
        clerk = self._names.get(raw_clerk)
        if clerk is None:
            clerk = self._names[raw_clerk] = _name(raw_clerk) or ""
        tz, rules = self.tz, self.rules
        finished_at = _local(d["finished_at"] or d["returned_at"], tz)
        settled = finished_at.toordinal() if finished_at is not None else None
        is_late, took = False, 0
        if finished_at is not None and (self.settling is None
                                        or self.settling[0] <= settled <= self.settling[1]):
            finished = finished_at.date()
            received_at = _local(d["received_at"], tz)
            facts = DossierFacts(
                id=dossier_id, code=d["code"], procedure_code=d["procedure_code"],
                received_at=received_at,
                appointment_date=date.fromisoformat(str(d["appointment_date"])[:10]),
                status=_status(d["status"]),
                finished_at=finished_at if d["finished_at"] else None,
                returned_at=(finished_at if not d["finished_at"]
                             else _local(d["returned_at"], tz)),
                history=tuple(StatusStep(_status(status), at) for status, at in own_events))
            days_late = self.late(facts, own_slips, rules, finished)
            is_late = any(s["form"] == APOLOGY_FORM for s in own_slips) or days_late > 0
            received = received_as(received_at, rules)
            took = max(0, working_days_between(received, finished, rules)
                       - _paused_days(own_events, finished, rules))
        return _Fact(
            id=dossier_id, clerk=clerk, procedure=d["procedure_code"],
            procedure_name=d["procedure_name"], picked=picked,
            events=tuple((status, at.toordinal() if at is not None else None)
                         for status, at in own_events),
            slips=tuple((s["form"], _ordinal(_local(s["issued_at"], tz))) for s in own_slips),
            settled=settled, late=is_late, took=took)


def _status(value: Any) -> DossierStatus:
    found = _STATUSES.get(value)
    return found if found is not None else DossierStatus(value)


_STATUSES = {s.value: s for s in DossierStatus}


def _ordinal(at: datetime | None) -> int | None:
    return at.toordinal() if at is not None else None


def _fields(db: Database, part: str, table: str, wanted: tuple[str, ...]) -> str:
    """The columns `wanted` of `part`'s `table`, NULL for those an older archive lacks (as
    the views give them)."""
    from kiosk.archive.reading import column_list

    if not part.startswith("archive_"):
        return ", ".join(wanted)  # the live tables have every column: migrations
    from kiosk.archive.tables import columns

    return column_list(wanted, set(columns(db, table, part.rstrip("."))))


def _dossier_parts(db: Database) -> list[str] | None:
    """Over archived years, the schemas to read dossiers from one by one ("archive_2025.",
    ..., "main."); None: read the tables as named (no archive attached, a live row also
    archived, an archived year without the dossier tables)."""
    from kiosk.archive.reading import DOSSIER_IDENTIFIED, reads_archives
    from kiosk.archive.tables import columns
    from kiosk.stats.days import archive_parts

    if not reads_archives(db):
        return None
    parts = archive_parts(db, DOSSIER_IDENTIFIED)
    if parts is None:
        return None
    for part in parts:
        if part.startswith("archive_") and not all(
                columns(db, t, part.rstrip(".")) for t in DOSSIER_IDENTIFIED):
            return None
    return parts


#: The zone under which `stats_days` keeps an archived year's dossier facts (its `day`: the
#: attached schema's name, archive_YYYY; its `sources`: FACTS_VERSION, the year's dossier
#: identity, the calendar's key and the code that counted them). Never a time zone.
KEPT_ZONE = "archived-year-results"
#: Bump when what a dossier's facts hold changes (how they are counted is in `rules_code`).
FACTS_VERSION = 1
#: A range covering at least this many days of an archived year counts the whole year's
#: dossiers once and keeps them; a shorter one reads the year's by range, as live ones.
WHOLE_YEAR_DAYS = 90
#: The modules whose code decides what a dossier's facts are: the facts themselves, the
#: due-date rule, working days and local days, clerks' names, the statuses.
RULE_MODULES = ("kiosk.stats.results", "kiosk.dossiers.due", "kiosk.calendar.working_days",
                "kiosk.stats.figures", "kiosk.dossiers.status")


def _archived_facts(db: Database, part: str, start: date, end: date, count: _Counting,
                    kept: list[tuple[str, str, bytes]]) -> list[_Fact] | None:
    """The facts of every dossier of the archived year `part`: kept by an earlier reading of
    the same identity, under the same rules and code, or counted now (and appended to
    `kept`) when the range covers enough of the year to be worth it. None: read by range
    (also when one of the year's dossiers cannot be counted: the range's may all be)."""
    from kiosk.archive.reading import archive_identity
    from kiosk.stats.days import kept_year, year_blob

    schema = part.rstrip(".")
    identity = archive_identity(db, schema, dossiers=True)
    if identity is None:
        return None
    sources = f"{FACTS_VERSION}|{identity}|{count.rules.key}|{rules_code()}"
    data = kept_year(db, schema, KEPT_ZONE, sources)
    if data == _UNCOUNTABLE:
        return None
    if data is not None:
        try:
            return _unpack_facts(data)
        except (ValueError, KeyError, TypeError, IndexError):
            pass  # a damaged row: counted again and replaced
    year = int(schema.split("_")[1])
    covered = (min(end, date(year, 12, 31)) - max(start, date(year, 1, 1))).days + 1
    if covered < WHOLE_YEAR_DAYS:
        return None
    try:
        whole = _Counting(count.rules, count.tz, count.late, None).read(db, part, None)
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError, IndexError) as exc:
        # A stamp or status no rule reads (an older version's, a hand edit): only a range
        # that picks that dossier fails, as before it was archived. Kept as such, so that
        # the next readings go by range at once.
        log.warning("results: a dossier archived in %s cannot be counted (%s); that year is "
                    "read by range", year, type(exc).__name__)
        kept.append((schema, sources, year_blob(_UNCOUNTABLE)))
        return None
    kept.append((schema, sources, year_blob(_packed_facts(whole))))
    return whole


#: Kept for a year that has a dossier no rule can count.
_UNCOUNTABLE = {"uncountable": True}


@functools.cache
def rules_code() -> str:
    """A digest of the code of RULE_MODULES as this process runs it (their functions' and
    methods' bytecode, names and constants, their constants; not line numbers: a comment
    alone changes nothing): facts kept by other code are counted again. The same in every
    process running the same code, from sources or a frozen build."""
    import importlib

    digest = hashlib.sha256()
    seen: set[int] = set()

    def add_code(code: types.CodeType) -> None:
        digest.update(code.co_code)
        digest.update(code.co_exceptiontable)
        digest.update(repr((code.co_names, code.co_varnames, code.co_argcount,
                            code.co_posonlyargcount, code.co_kwonlyargcount,
                            code.co_flags)).encode())
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                add_code(const)
            else:
                digest.update(_stable_repr(const).encode())

    def add(name: str, value: Any, module: str) -> None:
        digest.update(name.encode())
        if isinstance(value, int | float | str | bytes | tuple | frozenset | enum.Enum) \
                or value is None:
            digest.update(_stable_repr(value).encode())
            return
        if id(value) in seen:  # a function or class met again (an alias): once is enough
            return
        seen.add(id(value))
        if isinstance(value, staticmethod | classmethod):
            add(name, value.__func__, module)
        elif isinstance(value, property):
            for part in (value.fget, value.fset, value.fdel):
                if part is not None:
                    add(name, part, module)
        elif hasattr(value, "__wrapped__") and callable(value):  # functools.cache and kin
            add(name, value.__wrapped__, module)
        elif isinstance(value, types.FunctionType):
            add_code(value.__code__)
            digest.update(_stable_repr((value.__defaults__, value.__kwdefaults__)).encode())
        elif isinstance(value, type) and value.__module__ == module:
            for key in sorted(vars(value)):
                add(f"{name}.{key}", vars(value)[key], module)

    for module_name in RULE_MODULES:
        module = importlib.import_module(module_name)
        for key in sorted(vars(module)):
            value = vars(module)[key]
            if isinstance(value, types.FunctionType | type) \
                    and value.__module__ != module_name:
                continue  # imported from elsewhere: counted where it is defined, if a rule
            add(key, value, module_name)
    return digest.hexdigest()[:16]


def _stable_repr(value: Any) -> str:
    """repr of plain values, sets in one order whatever the process's hash seed; of other
    objects their type alone (their repr may hold an address)."""
    if isinstance(value, frozenset | set):
        return "{" + ", ".join(sorted(_stable_repr(v) for v in value)) + "}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_stable_repr(v) for v in value) + ")"
    if value is None or isinstance(value, int | float | str | bytes | enum.Enum):
        return repr(value)
    return f"<{type(value).__module__}.{type(value).__qualname__}>"


def _packed_facts(facts: list[_Fact]) -> dict[str, Any]:
    names: dict[str, int] = {}

    def name(text: str) -> int:
        return names.setdefault(text, len(names))

    rows = [[f.id, name(f.clerk), name(f.procedure), name(f.procedure_name), f.picked,
             [x for e in f.events for x in e], [x for s in f.slips for x in s], f.settled,
             int(f.late), f.took] for f in facts]
    return {"names": list(names), "facts": rows}


def _unpack_facts(data: Any) -> list[_Fact]:
    names = data["names"]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise TypeError("kept names are not text")

    def name(index: Any) -> str:
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise TypeError("a kept name's index is not a number")
        return names[index]

    out = []
    for i, clerk, procedure, pname, picked, events, slips, settled, late, took in data["facts"]:
        if isinstance(i, bool) or not isinstance(i, int) or not isinstance(took, int) \
                or late not in (0, 1) or isinstance(late, float) \
                or not isinstance(picked, list) or not all(isinstance(d, str) for d in picked) \
                or not all(d is None or (isinstance(d, int) and not isinstance(d, bool))
                           for d in (settled, *events[1::2], *slips[1::2])):
            raise TypeError("a kept dossier is not well formed")
        out.append(_Fact(
            id=i, clerk=name(clerk), procedure=name(procedure), procedure_name=name(pname),
            picked=tuple(picked), events=tuple(zip(events[::2], events[1::2], strict=True)),
            slips=tuple(zip(slips[::2], slips[1::2], strict=True)), settled=settled,
            late=bool(late), took=took))
    return out


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
