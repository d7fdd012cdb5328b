"""The due lists: open dossiers due today, due within N working days, overdue; counted per
procedure and per clerk. Read by `kiosk dossier list`, the hub's GET /api/v1/dossiers and the
counter and office windows. Every figure comes from kiosk/dossiers/due.py.

An entry carries no personal data (code, procedure, receiving clerk, status, dates): it may be
shown on any counter of the office and printed by the CLI.

Where the list comes from: a standalone PC and the hub read their own `dossiers` (on the hub:
the office dossier book); a counter PC of a LAN office asks the hub (the whole office), and
with the hub away falls back to its own mirror (`stale`: only the dossiers it touched).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.calendar import CalendarRules
from kiosk.dossiers import due
from kiosk.dossiers.intake import DOSSIER_SELECT, dossier_from_row
from kiosk.dossiers.status import DossierStatus

log = logging.getLogger(__name__)

S = DossierStatus
OPEN_STATUSES = (S.NEW, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.FEE_REQUESTED)
MAX_WITHIN = 30  # working days: the setting's maximum, and the hub's limit on due_within
OVERDUE, TODAY, SOON, LATER = "overdue", "today", "soon", "later"


@dataclass(frozen=True)
class DueEntry:
    code: str
    procedure_code: str
    procedure_name: str
    clerk: str
    status: int
    due_date: date
    working_days_left: int  # to the due moment: 0 due today, negative when overdue
    working_days_late: int  # past the promise (an apology does not clear it)
    overdue: bool
    apologised: bool
    paused: bool  # waiting for a supplement: the clock stands still

    @property
    def kind(self) -> str:
        if self.overdue:
            return OVERDUE
        if self.working_days_left <= 0:
            return TODAY
        return SOON

    @property
    def due_tomorrow(self) -> bool:
        """Falls due on the next working day (the reminders)."""
        return not self.overdue and self.working_days_left == 1

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "procedure_code": self.procedure_code,
                "procedure_name": self.procedure_name, "clerk": self.clerk,
                "status": self.status, "status_label": S(self.status).label_vi,
                "due_date": self.due_date.isoformat(),
                "working_days_left": self.working_days_left,
                "working_days_late": self.working_days_late, "overdue": self.overdue,
                "apologised": self.apologised, "paused": self.paused, "kind": self.kind}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DueEntry:
        def text(name: str) -> str:
            value = data.get(name)
            if not isinstance(value, str):
                raise ValueError(f"{name} must be text")
            return value

        def whole(name: str) -> int:
            value = data.get(name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be a whole number")
            return value

        return cls(text("code"), text("procedure_code"), text("procedure_name"), text("clerk"),
                   int(S(whole("status"))), date.fromisoformat(text("due_date")),
                   whole("working_days_left"), whole("working_days_late"),
                   bool(data.get("overdue")), bool(data.get("apologised")),
                   bool(data.get("paused")))


@dataclass(frozen=True)
class DueList:
    today: date
    within: int
    entries: tuple[DueEntry, ...]
    stale: bool = False  # a counter's own mirror: the hub did not answer
    source: str = "station"  # "station" (this database) or "hub" (the office book)
    groups: dict[str, Any] = field(default_factory=dict)

    def of(self, kind: str) -> list[DueEntry]:
        return [e for e in self.entries if e.kind == kind]

    @property
    def due_tomorrow(self) -> list[DueEntry]:
        return [e for e in self.entries if e.due_tomorrow]

    def as_json(self) -> dict[str, Any]:
        return {"today": self.today.isoformat(), "due_within": self.within,
                "source": self.source, "stale": self.stale,
                "counts": counts(self.entries),
                "by_procedure": per(self.entries, "procedure"),
                "by_clerk": per(self.entries, "clerk"),
                "dossiers": [e.as_json() for e in self.entries]}

    @classmethod
    def from_json(cls, data: dict[str, Any], *, source: str = "hub") -> DueList:
        rows = data.get("dossiers")
        if not isinstance(rows, list):
            raise ValueError("dossiers must be a list")
        return cls(date.fromisoformat(str(data.get("today"))), int(data.get("due_within", 0)),
                   tuple(DueEntry.from_json(r) for r in rows if isinstance(r, dict)),
                   source=source)


def counts(entries: Iterable[DueEntry]) -> dict[str, int]:
    out = {OVERDUE: 0, TODAY: 0, SOON: 0}
    for e in entries:
        out[e.kind] += 1
    return out


def per(entries: Sequence[DueEntry], by: str) -> list[dict[str, Any]]:
    """Counts per procedure or per clerk, the busiest first."""
    groups: dict[str, dict[str, Any]] = {}
    for e in entries:
        if by == "procedure":
            key, extra = e.procedure_code, {"procedure_code": e.procedure_code,
                                            "procedure_name": e.procedure_name}
        else:
            key, extra = e.clerk, {"clerk": e.clerk}
        g = groups.setdefault(key, {**extra, OVERDUE: 0, TODAY: 0, SOON: 0})
        g[e.kind] += 1
    return sorted(groups.values(), key=lambda g: (-g[OVERDUE], -g[TODAY], -g[SOON],
                                                  str(g.get("procedure_code", g.get("clerk")))))


def entry(dossier: Any, slips: Sequence[Any], rules: CalendarRules, today: date) -> DueEntry:
    return DueEntry(
        dossier.code, dossier.procedure_code, dossier.procedure_name, dossier.clerk,
        int(dossier.status), due.due_date(dossier, slips, rules, today),
        due.working_days_left(dossier, slips, rules, today),
        due.working_days_late(dossier, slips, rules, today),
        due.is_overdue(dossier, slips, rules, today), due.latest_apology(slips) is not None,
        dossier.status is S.SUPPLEMENT_REQUESTED)


def check_within(value: Any) -> int:
    """A due_within value from a command line or a query string: 0..MAX_WITHIN working days;
    ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("due_within must be a whole number of working days")
    try:
        n = int(str(value).strip())
    except ValueError:
        raise ValueError("due_within must be a whole number of working days") from None
    if not 0 <= n <= MAX_WITHIN:
        raise ValueError(f"due_within must be 0 to {MAX_WITHIN} working days")
    return n


def due_list(conn: sqlite3.Connection, tz: ZoneInfo, rules: CalendarRules, today: date, *,
             within: int, overdue_only: bool = False, source: str = "station") -> DueList:
    """Open dossiers of this database that are overdue or fall due within `within` working
    days (today included); with `overdue_only`, the overdue ones only. Overdue first (the
    longest first), then by due date."""
    marks = ", ".join("?" for _ in OPEN_STATUSES)
    rows = conn.execute(f"SELECT {DOSSIER_SELECT} FROM dossiers WHERE status IN ({marks}) "
                        "AND purged_at IS NULL ORDER BY id",
                        tuple(int(s) for s in OPEN_STATUSES)).fetchall()
    dossiers = [dossier_from_row(conn, r, tz) for r in rows]
    slips = due.slips_of(conn, [x.id for x in dossiers])
    out = []
    for x in dossiers:
        e = entry(x, slips.get(x.id, []), rules, today)
        if e.overdue or (not overdue_only and e.working_days_left <= within):
            out.append(e)
    out.sort(key=lambda e: (not e.overdue, e.working_days_left, e.due_date, e.code))
    return DueList(today, within, tuple(out), source=source)


def office_due_list(desk: Any, today: date, *, within: int, overdue_only: bool = False
                    ) -> DueList:
    """The due list for this station's desk: on a counter PC of a LAN office (`desk.book`),
    the whole office from the hub's book; with the hub away, this PC's mirror (stale)."""
    if getattr(desk, "book", False):
        from kiosk.queue.errors import QueueError

        try:
            data = desk.hub().due_dossiers(within, overdue_only=overdue_only)
            return DueList.from_json(data)
        except (QueueError, ValueError, TypeError) as exc:
            log.info("due list: this PC's copy (%s)", getattr(exc, "code", type(exc).__name__))
            mirror = due_list(desk.db.conn, desk.tz, desk.rules, today, within=within,
                              overdue_only=overdue_only)
            return DueList(mirror.today, mirror.within, mirror.entries, stale=True)
    return due_list(desk.db.conn, desk.tz, desk.rules, today, within=within,
                    overdue_only=overdue_only)
