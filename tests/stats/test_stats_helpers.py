"""Shared fixtures for the statistics tests (no tests here; imported by the other test_stats_*).

Tickets are issued through the real TicketDesk; counter events are raw rows of `queue_events`
exactly as the calling service writes them (kind + detail JSON {"counter": N, "clerk": "…"}),
so each figure can be computed by hand from the times below.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from kiosk.feedback.ratings import record_rating
from kiosk.ticketing import Ticket, TicketDesk

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TZ = "Asia/Ho_Chi_Minh"
MONDAY = date(2026, 3, 2)
HA = "Nguyễn Thị Thu Hà"
DUC = "Trần Minh Đức"


def at(hh_mm: str, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time.fromisoformat(hh_mm), tzinfo=HCM)


def add_event(db: Database, ticket: Ticket | int, kind: str, when: datetime,
              counter: int | None = None, clerk: str | None = None, **extra) -> None:
    detail: dict = {}
    if counter is not None:
        detail["counter"] = counter
    if clerk is not None:
        detail["clerk"] = clerk
    detail.update(extra)
    ticket_id = ticket if isinstance(ticket, int) else ticket.id
    db.execute(
        "INSERT INTO queue_events (uid, ticket_id, kind, at, station_id, detail) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (str(uuid.uuid4()), ticket_id, kind, when.isoformat(), f"counter-{counter or 0}",
         json.dumps(detail, ensure_ascii=False) if detail else None))


def add_rating(db: Database, when: datetime, level: str, counter: int, clerk: str = "", *,
               ticket: Ticket | None = None, dossier_code: str | None = None,
               reasons: tuple[str, ...] = ()) -> None:
    record_rating(db, ticket_uid=ticket.uid if ticket else None, dossier_code=dossier_code,
                  counter=counter, clerk=clerk, level=level, reasons=reasons, at=when,
                  station_id=f"rating-{counter}")


def seed_six_plus_one(db: Database, desk: TicketDesk) -> dict[str, Ticket]:
    """Seven tickets over services CT (A) and HT (B), counters 1 (Hà) and 2 (Đức).

    ticket  issued  called        end                                   wait  service
    A001    08:00   08:05 c1      finished 08:15                          5     10
    A002    08:02   08:15 c1      finished 08:27                         13     12
    A003    08:10   08:20 c2      skipped 08:22                          10      –
    B001    08:01   08:03 c2      finished 08:20                          2     17
    B002    08:05   08:22 c2      finished 08:30                         17      8
    B003    08:30   08:31 c1      transferred 08:36 to CT                 1      –
                    08:40 c2      finished 08:50 (CT segment)             4     10
    A004    08:40   never called
    """
    t = {}
    for number, service, issued in (("A001", "CT", "08:00"), ("B001", "HT", "08:01"),
                                    ("A002", "CT", "08:02"), ("B002", "HT", "08:05"),
                                    ("A003", "CT", "08:10"), ("B003", "HT", "08:30"),
                                    ("A004", "CT", "08:40")):
        ticket = desk.issue(service, at=at(issued))
        assert ticket.number == number
        t[number] = ticket
    add_event(db, t["B001"], "called", at("08:03"), 2, DUC)
    add_event(db, t["A001"], "called", at("08:05"), 1, HA)
    add_event(db, t["A001"], "recalled", at("08:06"), 1, HA)
    add_event(db, t["A001"], "finished", at("08:15"), 1, HA)
    add_event(db, t["A002"], "called", at("08:15"), 1, HA)
    add_event(db, t["B001"], "finished", at("08:20"), 2, DUC)
    add_event(db, t["A003"], "called", at("08:20"), 2, DUC)
    add_event(db, t["A003"], "skipped", at("08:22"), 2, DUC)
    add_event(db, t["B002"], "called", at("08:22"), 2, DUC)
    add_event(db, t["A002"], "finished", at("08:27"), 1, HA)
    add_event(db, t["B002"], "finished", at("08:30"), 2, DUC)
    add_event(db, t["B003"], "called", at("08:31"), 1, HA)
    add_event(db, t["B003"], "transferred", at("08:36"), 1, HA, to_service="CT")
    add_event(db, t["B003"], "called", at("08:40"), 2, DUC)
    add_event(db, t["B003"], "finished", at("08:50"), 2, DUC)
    return t
