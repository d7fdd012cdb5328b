"""When a dossier is due, and how late it is: the one rule. Plain Python, no Qt, no I/O
except `slips_of` (one SELECT).

Everything that says "on time", "late" or "overdue" (the hand-back's on-time flag, the counter's
dossier view, the due lists, the statistics) asks these functions, so late is counted the same
way everywhere: in working days of the office calendar (kiosk/calendar: weekends, holidays,
Tết, substitute days off and make-up Saturdays, local overrides).

- The promise: the appointment date on the receipt (Mẫu 01), moved later by every supplement
  pause. While a dossier is in status 5 (Yêu cầu bổ sung giấy tờ) its clock stops; the working
  days it spent there are added: paused from the day the request was made (exclusive) to the day
  the supplement came in (inclusive), i.e. `working_days_between(request day, restart day)`. A
  dossier still waiting for its supplement is paused up to `today`.
- The due moment (`due_date`): the promise, or the new date of the latest apology slip (Mẫu 04
  "Phiếu xin lỗi và hẹn lại ngày trả kết quả") when there is one; a pause that begins after the
  apology was issued moves that new date too (pauses before it were known when it was set).
- Late (`working_days_late`): working days past the promise, on the finish time once the result
  is ready (a dossier handed back is judged on its finish, not on when the citizen came), on
  `today` while it is still open. An apology moves the due moment but does not make a late
  dossier on time: it still counts as late in the statistics.
- Overdue (`is_overdue`): still open (not finished, handed back, refused, withdrawn or stopped)
  and past its due moment. A dossier with an apology whose new date is not yet past is late but
  not overdue: that is what takes it off the counters' overdue alert.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kiosk.calendar.working_days import (
    CalendarRules,
    add_working_days,
    local_datetime,
    working_days_between,
)
from kiosk.dossiers.status import TRANSITIONS, DossierStatus

S = DossierStatus
APOLOGY = "04"  # Mẫu 04: apology and new date


@dataclass(frozen=True)
class SlipMark:
    """What the due rule needs of a slip (a dossier_slips row)."""

    form: str
    issued_at: datetime
    new_date: date | None = None


def _field(slip: Any, name: str) -> Any:
    return slip[name] if isinstance(slip, dict) else getattr(slip, name, None)


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_datetime(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _day(at: datetime, rules: CalendarRules) -> date:
    return local_datetime(at, rules).date()


def latest_apology(slips: Iterable[Any]) -> SlipMark | None:
    """The latest Mẫu 04 with a new date (by issue time), as a SlipMark; None if none."""
    best: SlipMark | None = None
    for slip in slips:
        if str(_field(slip, "form")) != APOLOGY:
            continue
        new_date = _as_date(_field(slip, "new_date"))
        issued = _as_datetime(_field(slip, "issued_at"))
        if new_date is None or issued is None:
            continue
        if best is None or issued >= best.issued_at:
            best = SlipMark(APOLOGY, issued, new_date)
    return best


def pauses(dossier: Any, rules: CalendarRules, today: date | None = None
           ) -> list[tuple[datetime, datetime | None, int]]:
    """The supplement pauses of a dossier from its status history: (start, end or None while
    still paused, paused working days)."""
    out: list[tuple[datetime, datetime | None, int]] = []
    start: datetime | None = None
    for change in sorted(dossier.history, key=lambda h: h.at):
        if change.to_status is S.SUPPLEMENT_REQUESTED:
            if start is None:
                start = change.at
        elif start is not None:
            out.append((start, change.at, max(0, working_days_between(
                _day(start, rules), _day(change.at, rules), rules))))
            start = None
    if start is not None:
        end_day = today if today is not None else _day(start, rules)
        out.append((start, None, max(0, working_days_between(_day(start, rules), end_day,
                                                             rules))))
    return out


def promised_date(dossier: Any, rules: CalendarRules, today: date | None = None) -> date:
    """The appointment date plus every supplement pause (no apology): what "late" is measured
    against."""
    paused = sum(n for _, _, n in pauses(dossier, rules, today))
    return add_working_days(dossier.appointment_date, paused, rules)


def due_date(dossier: Any, slips: Sequence[Any], rules: CalendarRules,
             today: date | None = None) -> date:
    """The dossier's due moment: the latest apology's new date, else the appointment date,
    moved by the supplement pauses (those after the apology, when there is one). `today`
    counts a pause still running (the due moment then moves every working day)."""
    apology = latest_apology(slips)
    if apology is None:
        return promised_date(dossier, rules, today)
    assert apology.new_date is not None
    later = sum(n for start, _, n in pauses(dossier, rules, today)
                if start >= apology.issued_at)
    return add_working_days(apology.new_date, later, rules)


def is_open(dossier: Any) -> bool:
    """Still being settled: not finished, handed back, refused, withdrawn or stopped."""
    return dossier.status is not S.FINISHED and bool(TRANSITIONS[dossier.status])


def judged_on(dossier: Any, rules: CalendarRules, today: date) -> date | None:
    """The day lateness is judged on: the finish day once the result is ready (handed back or
    not), `today` while open, None for a dossier ended without a result (refused, withdrawn,
    stopped)."""
    if dossier.status in (S.FINISHED, S.RETURNED):
        finished = dossier.finished_at or dossier.returned_at
        return _day(finished, rules) if finished is not None else today
    return today if is_open(dossier) else None


def working_days_late(dossier: Any, slips: Sequence[Any], rules: CalendarRules,
                      today: date) -> int:
    """Working days past the promise (appointment + pauses); 0 when on time or when there is
    nothing to judge. An apology slip does not reduce it (`slips` is taken for the one
    signature everywhere; only the due moment moves)."""
    del slips  # an apology moves the due moment, never the lateness
    day = judged_on(dossier, rules, today)
    if day is None:
        return 0
    return max(0, working_days_between(promised_date(dossier, rules, today), day, rules))


def is_late(dossier: Any, slips: Sequence[Any], rules: CalendarRules, today: date) -> bool:
    return working_days_late(dossier, slips, rules, today) > 0


def days_overdue(dossier: Any, slips: Sequence[Any], rules: CalendarRules, today: date) -> int:
    """Working days an open dossier is past its due moment (apology included); 0 otherwise."""
    if not is_open(dossier):
        return 0
    return max(0, working_days_between(due_date(dossier, slips, rules, today), today, rules))


def is_overdue(dossier: Any, slips: Sequence[Any], rules: CalendarRules, today: date) -> bool:
    """Open and past its due moment (the apology's new date when there is one)."""
    return days_overdue(dossier, slips, rules, today) > 0


def working_days_left(dossier: Any, slips: Sequence[Any], rules: CalendarRules,
                      today: date) -> int:
    """Working days from `today` to the due moment (0: due today; negative: overdue)."""
    return working_days_between(today, due_date(dossier, slips, rules, today), rules)


def on_time_at_finish(dossier: Any, finished: datetime, rules: CalendarRules) -> bool:
    """The hand-back's on-time flag: finished no later than the promise (appointment +
    pauses), in the office's calendar."""
    return working_days_between(promised_date(dossier, rules), _day(finished, rules),
                                rules) <= 0


def slips_of(conn: sqlite3.Connection, dossier_ids: Iterable[int]) -> dict[int, list[SlipMark]]:
    """The apology slips (Mẫu 04) of these dossiers from dossier_slips, by dossier id."""
    ids = list(dossier_ids)
    out: dict[int, list[SlipMark]] = {i: [] for i in ids}
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        marks = ", ".join("?" for _ in chunk)
        for dossier_id, form, new_date, issued_at, details in conn.execute(
                f"SELECT dossier_id, form, new_date, issued_at, details FROM dossier_slips "
                f"WHERE form = ? AND dossier_id IN ({marks}) ORDER BY issued_at, id",
                (APOLOGY, *chunk)):
            del details  # new_date is a column of its own
            try:
                out[dossier_id].append(SlipMark(form, datetime.fromisoformat(issued_at),
                                                _as_date(new_date)))
            except ValueError:
                continue  # a malformed row never stops the lists
    return out


def as_json(dossier: Any, slips: Sequence[Any], rules: CalendarRules, today: date
            ) -> dict[str, Any]:
    """The due fields of a dossier for `--json` and the hub's route."""
    apology = latest_apology(slips)
    return {
        "due_date": due_date(dossier, slips, rules, today).isoformat(),
        "working_days_left": working_days_left(dossier, slips, rules, today)
        if is_open(dossier) else None,
        "working_days_late": working_days_late(dossier, slips, rules, today),
        "overdue": is_overdue(dossier, slips, rules, today),
        "apologised": apology is not None,
    }


__all__ = ["SlipMark", "due_date", "working_days_late", "is_overdue", "is_late",
           "days_overdue", "working_days_left", "promised_date", "pauses", "latest_apology",
           "is_open", "on_time_at_finish", "slips_of", "as_json"]
