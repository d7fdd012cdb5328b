"""Realistic demo records made through the same code paths as the UI (`kiosk seed`).

For demos, tests and benchmarks: every record lands in the outbox exactly as a real one would.
Each kind of record has one seeder in SEEDERS, calling that kind's application service
(TicketDesk for tickets, the counter module's DossierDesk for dossiers); a new kind of record
is one more function and one more entry.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from kiosk.queue.priority import PriorityCategory

TICKETS_PER_DAY = 240
PRIORITY_SHARE = 0.08
PRINT_FAILURE_SHARE = 0.01
# Busier fields first (Hà Nội's high-volume fields): relative weights by service code.
SERVICE_WEIGHTS = {"CT": 5, "HT": 4, "DD": 3, "CU": 3}

Progress = Callable[[int, int], None]


class SeedNotAvailable(RuntimeError):
    """This kind of record has no application service yet."""


def working_instants(count: int, tz: ZoneInfo, rng: random.Random,
                     end: datetime | None = None, per_day: int = TICKETS_PER_DAY
                     ) -> list[datetime]:
    """`count` instants in opening hours (Mon–Fri 8–12, 13–17; Sat 8–12) of the working days
    before `end`, about `per_day` a day, in order."""
    end = (end or datetime.now(tz)).astimezone(tz)
    days = []
    day = end.date() - timedelta(days=1)
    while sum(n for _, n in days) < count:
        if day.weekday() < 6:
            n = per_day if day.weekday() < 5 else per_day // 2
            days.append((day, n))
        day -= timedelta(days=1)
    out: list[datetime] = []
    for day, n in reversed(days):
        spans = [(8, 12), (13, 17)] if day.weekday() < 5 else [(8, 12)]
        for _ in range(n):
            a, b = rng.choice(spans)
            start = datetime.combine(day, time(a), tz)
            out.append(start + timedelta(seconds=rng.randrange((b - a) * 3600)))
    out.sort()
    return out[-count:] if count else []


def seed_tickets(db: Database, config, count: int, *, rng: random.Random,
                 progress: Progress | None = None) -> int:
    """Issue and print `count` tickets through TicketDesk, spread over recent working days.
    Returns the number of outbox records made (3 per ticket: ticket, issued, printed)."""
    from kiosk.ticketing import TicketDesk

    desk = TicketDesk(db, config)
    services = [s.code for s in desk.services]
    weights = [SERVICE_WEIGHTS.get(code, 1) for code in services]
    categories = [c for c in PriorityCategory if c is not PriorityCategory.UNSPECIFIED]
    before = _outbox_count(db)
    for index, at in enumerate(working_instants(count, desk.tz, rng)):
        priority = rng.choice(categories) if rng.random() < PRIORITY_SHARE else None
        ticket = desk.issue(rng.choices(services, weights)[0], priority, at=at)
        ok = rng.random() >= PRINT_FAILURE_SHARE
        desk.record_print(ticket, ok, None if ok else "out of paper",
                          at=at + timedelta(seconds=2))
        if progress and (index + 1) % 100 == 0:
            progress(index + 1, count)
    return _outbox_count(db) - before


def seed_dossiers(db: Database, config, count: int, *, rng: random.Random,
                  progress: Progress | None = None) -> int:
    """Receive `count` dossiers through the counter module's DossierDesk (and move older ones
    along their statuses), as kiosk.dossiers.seed does. Returns the outbox records made."""
    try:
        from kiosk.dossiers.intake import DossierDesk
        from kiosk.dossiers.seed import seed_dossiers as receive_dossiers
    except ImportError as exc:
        raise SeedNotAvailable("dossier seeding needs the counter (dossier) module, which "
                               f"this installation lacks ({exc})") from None
    before = _outbox_count(db)
    receive_dossiers(DossierDesk(db, config), count, rng)
    return _outbox_count(db) - before


SEEDERS: dict[str, Callable[..., int]] = {
    "tickets": seed_tickets,
    "dossiers": seed_dossiers,
}


def _outbox_count(db: Database) -> int:
    return db.execute("SELECT count(*) FROM outbox").fetchone()[0]
