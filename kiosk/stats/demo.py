"""A made-up but plausible office day (or several) for the office window's demo and screenshots.

Everything goes through the real services with explicit times: tickets through TicketDesk,
calls / skips / transfers / finishes through kiosk.calling.CallDesk, ratings through
kiosk.feedback.ratings.record_rating, dossiers through kiosk.dossiers.seed. So the statistics
read exactly what a real station would have recorded.

A small discrete-event simulation: citizens arrive per service with a morning peak, counters
call the next ticket of their services when free, serve for a random time, now and then skip a
no-show or transfer a citizen to another service; some citizens rate the service.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from kiosk.config import Config

#: (counter, services it calls, clerk). The four dossier clerks of kiosk.dossiers.seed, so the
#: per-clerk table joins queue and dossier figures; counter 5 hands results back.
COUNTERS: tuple[tuple[int, tuple[str, ...], str], ...] = (
    (1, ("CT",), "Nguyễn Thị Thu Hà"),
    (2, ("CT", "HT"), "Trần Minh Đức"),
    (3, ("HT", "CTR"), "Phạm Thị Quỳnh Hương"),
    (4, ("DD", "KD", "XH", "GD"), "Lê Văn Khánh"),
    (5, ("TKQ",), "Đỗ Thị Mai"),
)
#: Citizens per day per service, and the mean minutes a counter spends with one.
DAILY = {"CT": 70, "HT": 30, "CTR": 24, "DD": 8, "KD": 5, "XH": 7, "GD": 4, "TKQ": 30}
SERVICE_MIN = {"CT": 4.0, "HT": 8.0, "CTR": 7.0, "DD": 11.0, "KD": 9.0, "XH": 8.0,
               "GD": 6.0, "TKQ": 2.5}
#: Arrival weight per hour: a morning peak, lunch, a smaller afternoon one.
HOURLY = {7: 0.5, 8: 2.2, 9: 2.4, 10: 1.8, 11: 0.9, 13: 0.6, 14: 1.5, 15: 1.3, 16: 0.6}
MORNING = (time(7, 30), time(11, 45))
AFTERNOON = (time(13, 30), time(17, 0))
NO_SHOW = 0.04
TRANSFER = {"HT": ("CTR", 0.05), "CTR": ("HT", 0.04), "CT": ("HT", 0.02)}


@dataclass
class _Serving:
    ticket_id: int
    service: str
    ends: datetime
    outcome: str  # finish | skip | transfer
    waited_min: float


def _arrivals(day: date, tz: ZoneInfo, rng: random.Random, scale: float
              ) -> list[tuple[datetime, str]]:
    hours = list(HOURLY)
    weights = list(HOURLY.values())
    out = []
    for service, per_day in DAILY.items():
        for _ in range(max(0, round(rng.gauss(per_day * scale, per_day * scale * 0.12)))):
            hour = rng.choices(hours, weights)[0]
            # The kiosk stops taking numbers a little before the lunch break.
            first, last = {7: (30, 59), 11: (0, 15), 13: (30, 59)}.get(hour, (0, 59))
            minute = rng.randint(first, last)
            at = datetime.combine(day, time(hour, minute, rng.randint(0, 59)), tzinfo=tz)
            out.append((at, service))
    return sorted(out)


def _open(at: datetime) -> bool:
    now = at.time()
    return any(a <= now < b for a, b in (MORNING, AFTERNOON))


def _next_opening(at: datetime) -> datetime:
    if at.time() < MORNING[0]:
        return at.replace(hour=MORNING[0].hour, minute=MORNING[0].minute, second=0)
    if MORNING[1] <= at.time() < AFTERNOON[0]:
        return at.replace(hour=AFTERNOON[0].hour, minute=AFTERNOON[0].minute, second=0)
    return at


def simulate_day(db: Database, config: Config, day: date, rng: random.Random, *,
                 until: datetime | None = None, scale: float = 1.0) -> int:
    """One office day on `day` up to `until` (default: the whole day). Returns the number of
    tickets issued."""
    from kiosk.calling import CallDesk
    from kiosk.feedback.ratings import record_rating

    calls = CallDesk(db, config)
    tz = calls.tz
    end = until or datetime.combine(day, time(23, 59), tzinfo=tz)
    order = itertools.count()
    # (time, order, kind, payload): order keeps the heap stable for equal times.
    heap: list[tuple[datetime, int, str, object]] = []
    for at, service in _arrivals(day, tz, rng, scale):
        heapq.heappush(heap, (at, next(order), "arrive", service))
    start = datetime.combine(day, MORNING[0], tzinfo=tz)
    for counter, _, _ in COUNTERS:
        heapq.heappush(heap, (start + timedelta(seconds=rng.randint(60, 400)), next(order),
                              "call", counter))
    serving: dict[int, _Serving] = {}
    issued: dict[int, datetime] = {}
    closing = datetime.combine(day, AFTERNOON[1], tzinfo=tz)
    while heap:
        at, _, kind, payload = heapq.heappop(heap)
        if at > end:
            break
        if kind == "arrive":
            ticket = calls.tickets.issue(str(payload), at=at)
            issued[ticket.id] = at
        elif kind == "end":
            counter = int(payload)  # type: ignore[call-overload]
            current = serving.pop(counter)
            _end(calls, counter, current, at, rng, record_rating)
            heapq.heappush(heap, (at + timedelta(seconds=rng.randint(15, 90)), next(order),
                                  "call", counter))
        elif kind == "call":
            counter = int(payload)  # type: ignore[call-overload]
            if at >= closing:
                continue
            if not _open(at):
                heapq.heappush(heap, (_next_opening(at), next(order), "call", counter))
                continue
            services, clerk = next((s, c) for n, s, c in COUNTERS if n == counter)
            ticket = calls.call_next(counter, services, clerk, at=at)
            if ticket is None:
                heapq.heappush(heap, (at + timedelta(seconds=rng.randint(40, 120)),
                                      next(order), "call", counter))
                continue
            service = ticket.current_service
            waited = (at - issued.get(ticket.id, at)).total_seconds() / 60
            roll = rng.random()
            transfer = TRANSFER.get(service)
            if roll < NO_SHOW:
                outcome, minutes = "skip", rng.uniform(1.0, 2.5)
            elif transfer and roll < NO_SHOW + transfer[1]:
                outcome, minutes = "transfer", rng.uniform(1.5, 4.0)
            else:
                outcome = "finish"
                minutes = max(0.8, rng.lognormvariate(0, 0.45) * SERVICE_MIN[service])
            serving[counter] = _Serving(ticket.id, service, at + timedelta(minutes=minutes),
                                        outcome, waited)
            heapq.heappush(heap, (serving[counter].ends, next(order), "end", counter))
    return len(issued)


def _end(calls, counter: int, current: _Serving, at: datetime, rng: random.Random,
         record_rating) -> None:
    if current.outcome == "skip":
        calls.skip(counter, at=at)
        return
    if current.outcome == "transfer":
        calls.transfer(counter, to_service=TRANSFER[current.service][0], at=at)
        return
    ticket = calls.finish(counter, at=at)
    if ticket is None or rng.random() > 0.68:
        return
    # Long waits make unhappy citizens more likely.
    unhappy = 0.04 + min(0.25, current.waited_min / 200)
    roll = rng.random()
    if roll < unhappy:
        level = "unsatisfied"
        reasons: Sequence[str] = rng.sample(
            ["waiting_time", "staff_attitude", "procedure_unclear", "extra_documents"],
            k=rng.choice((1, 1, 2)))
        if current.waited_min > 25 and "waiting_time" not in reasons:
            reasons = ["waiting_time", *reasons]
    else:
        level = "very_satisfied" if roll < unhappy + 0.68 else "satisfied"
        reasons = ()
    record_rating(calls.db, ticket_uid=ticket.uid, dossier_code=None, counter=counter,
                  clerk=ticket.clerk or "", level=level, reasons=reasons,
                  at=at + timedelta(seconds=rng.randint(8, 40)), station_id=f"rating-{counter}",
                  ticket_number=ticket.number)


def seed_demo(db: Database, config: Config, *, now: datetime | None = None, days: int = 10,
              seed: int = 2026, dossiers: int = 260) -> None:
    """Today up to `now` and the `days` working days before it, plus dossiers received over
    the last three weeks (some handed back late). For a throw-away demo database only."""
    from kiosk.calendar import CalendarRules, is_working_day
    from kiosk.dossiers.intake import DossierDesk
    from kiosk.dossiers.seed import seed_dossiers

    rng = random.Random(seed)
    tz = ZoneInfo(config.office.timezone)
    now = (now or datetime.now(tz)).astimezone(tz)
    # A demo database is thrown away: no need to wait for the disk on every one of the
    # thousands of small transactions below.
    db.execute("PRAGMA synchronous = OFF")
    rules = CalendarRules.from_config(config)
    past: list[date] = []
    day = now.date() - timedelta(days=1)
    while len(past) < days:
        if is_working_day(day, rules):
            past.append(day)
        day -= timedelta(days=1)
    for day in reversed(past):
        simulate_day(db, config, day, rng, scale=rng.uniform(0.85, 1.15))
    simulate_day(db, config, now.date(), rng, until=now)
    seed_dossiers(DossierDesk(db, config), dossiers, rng, now=now, days=15)
