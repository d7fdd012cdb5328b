"""Realistic demo records made through the same code paths as the UI (`kiosk seed`).

For demos, tests and benchmarks: every record lands in the outbox exactly as a real one would.
Each kind of record has one seeder in SEEDERS, calling that kind's application service
(TicketDesk and CallDesk for tickets and their calls, the counter module's DossierDesk for
dossiers, record_rating and record_feedback); a new kind of record is one more function and
one more entry, and OUTBOX_TYPES says which record types each seeder makes.
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
SEED_COUNTERS = 4
NO_SHOW_SHARE = 0.05            # called, did not come: skipped
SERVICE_MINUTES = (3, 12)       # a counter spends this long with one citizen
CLOSING = time(17, 0)
RATING_LEVELS = (("very_satisfied", 0.62), ("satisfied", 0.30), ("unsatisfied", 0.08))
FEEDBACK_TEXTS = (
    "Đề nghị bố trí thêm ghế ngồi chờ cho người cao tuổi.",
    "Cán bộ hướng dẫn nhiệt tình, thủ tục nhanh gọn.",
    "Thời gian chờ buổi sáng quá lâu, đề nghị mở thêm quầy.",
    "Máy lấy số khó nhìn khi trời nắng, đề nghị chuyển vị trí.",
    "Đề nghị niêm yết rõ lệ phí chứng thực tại quầy.",
    "Bãi để xe chật, đề nghị sắp xếp lại.",
)
FEEDBACK_PHONE_SHARE = 0.4
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
                 progress: Progress | None = None, serve: bool = True) -> int:
    """Issue and print `count` tickets through TicketDesk, spread over recent working days,
    and (with `serve`) let SEED_COUNTERS counters call them through CallDesk as the day goes:
    most are finished, a few skipped as no-shows, and the last of a day may be left waiting
    at closing time. Returns the number of outbox records made (3 per ticket without
    `serve`: ticket, issued, printed)."""
    from kiosk.calling import CallDesk
    from kiosk.ticketing import TicketDesk

    desk = TicketDesk(db, config)
    counters = _Counters(CallDesk(db, config, tickets=desk), rng)
    services = [s.code for s in desk.services]
    weights = [SERVICE_WEIGHTS.get(code, 1) for code in services]
    categories = [c for c in PriorityCategory if c is not PriorityCategory.UNSPECIFIED]
    before = _outbox_count(db)
    for index, at in enumerate(working_instants(count, desk.tz, rng)):
        if serve:
            counters.work_until(at)
        priority = rng.choice(categories) if rng.random() < PRIORITY_SHARE else None
        ticket = desk.issue(rng.choices(services, weights)[0], priority, at=at)
        ok = rng.random() >= PRINT_FAILURE_SHARE
        desk.record_print(ticket, ok, None if ok else "out of paper",
                          at=at + timedelta(seconds=2))
        if serve:
            counters.arrived(at + timedelta(seconds=2))
        if progress and (index + 1) % 100 == 0:
            progress(index + 1, count)
    counters.close_day()
    return _outbox_count(db) - before


class _Counters:
    """Counters serving the waiting tickets in time order: each calls the next ticket when
    it is free and a citizen is waiting, then finishes it (or skips a no-show)."""

    def __init__(self, calls, rng: random.Random):
        from kiosk.dossiers.seed import CLERKS

        # The dossier seeder's clerks, so per-clerk statistics join queue and dossier work.
        self.clerks = {n: CLERKS[(n - 1) % len(CLERKS)] for n in range(1, SEED_COUNTERS + 1)}
        self.calls = calls
        self.rng = rng
        self.free: dict[int, datetime] = {}
        self.waiting = 0
        self.last_arrival: datetime | None = None

    def arrived(self, at: datetime) -> None:
        if self.last_arrival is not None and at.date() != self.last_arrival.date():
            self.close_day()
        if not self.free:
            self.free = {n: at for n in range(1, SEED_COUNTERS + 1)}
        self.waiting += 1
        self.last_arrival = at

    def work_until(self, until: datetime) -> None:
        if self.last_arrival is not None and until.date() != self.last_arrival.date():
            self.close_day()
        while self.waiting and self.free:
            counter = min(self.free, key=self.free.__getitem__)
            start = max(self.free[counter], self.last_arrival)  # type: ignore[type-var]
            if start >= until:
                return
            self._serve(counter, start)

    def close_day(self) -> None:
        """Serve until closing time; whoever is still waiting then stays waiting."""
        if self.last_arrival is not None and self.free:
            closing = datetime.combine(self.last_arrival.date(), CLOSING,
                                       self.last_arrival.tzinfo)
            self.work_until(closing)
        self.free = {}
        self.waiting = 0
        self.last_arrival = None

    def _serve(self, counter: int, at: datetime) -> None:
        ticket = self.calls.call_next(counter, clerk=self.clerks[counter], at=at)
        self.waiting -= 1
        if ticket is None:  # cannot happen while tickets wait; never loop on it
            self.waiting = 0
            return
        if self.rng.random() < NO_SHOW_SHARE:
            done = at + timedelta(minutes=1)
            self.calls.skip(counter, at=done)
        else:
            done = at + timedelta(minutes=self.rng.uniform(*SERVICE_MINUTES))
            self.calls.finish(counter, at=done)
        self.free[counter] = done


def seed_ratings(db: Database, config, count: int, *, rng: random.Random,
                 progress: Progress | None = None) -> int:
    """`count` satisfaction ratings through record_rating: of the latest finished tickets
    (a minute after each finish), then, with no finished ticket left, of counter service
    without a ticket. Returns the outbox records made."""
    from kiosk.feedback.ratings import RatingReason, record_rating
    from kiosk.ticketing import TicketDesk

    tz = TicketDesk(db, config).tz
    finished = db.execute(
        "SELECT t.uid, t.number, t.counter, t.clerk, t.finished_at FROM tickets t "
        "WHERE t.status = 'done' AND t.counter IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM ratings r WHERE r.ticket_uid = t.uid) "
        "ORDER BY t.id DESC LIMIT ?", (count,)).fetchall()
    instants = working_instants(max(count - len(finished), 0), tz, rng)
    levels, shares = zip(*RATING_LEVELS, strict=True)
    reasons = [r.value for r in RatingReason]
    before = _outbox_count(db)
    for index in range(count):
        if index < len(finished):
            uid, number, counter, clerk, finished_at = finished[index]
            at = datetime.fromisoformat(finished_at) + timedelta(minutes=1)
        else:
            uid = number = None
            counter, clerk = rng.randint(1, SEED_COUNTERS), ""
            at = instants[index - len(finished)]
        level = rng.choices(levels, shares)[0]
        chosen = rng.sample(reasons, rng.randint(1, 2)) if level == "unsatisfied" else []
        record_rating(db, ticket_uid=uid, ticket_number=number, dossier_code=None,
                      counter=counter, clerk=clerk or "", level=level, reasons=chosen, at=at,
                      station_id=config.station.id)
        if progress and (index + 1) % 100 == 0:
            progress(index + 1, count)
    return _outbox_count(db) - before


def seed_feedback(db: Database, config, count: int, *, rng: random.Random,
                  progress: Progress | None = None) -> int:
    """`count` pieces of citizen feedback (phản ánh, kiến nghị) through take_petition, as the
    kiosk stores them (each one a feedback record and a petition case), on the built-in
    topics, some with a made-up phone number. Returns the outbox records made."""
    from kiosk.feedback.citizen_feedback import DEFAULT_TOPICS
    from kiosk.petitions.cases import take_petition
    from kiosk.ticketing import TicketDesk

    tz = TicketDesk(db, config).tz
    topics = config.selfservice.feedback_topics or DEFAULT_TOPICS
    before = _outbox_count(db)
    for index, at in enumerate(working_instants(count, tz, rng, per_day=10)):
        phone = (f"09{rng.randrange(10 ** 8):08d}" if rng.random() < FEEDBACK_PHONE_SHARE
                 else None)
        take_petition(db, config, topic=rng.choice(topics), text=rng.choice(FEEDBACK_TEXTS),
                      phone=phone, at=at)
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
    "feedback": seed_feedback,
    "ratings": seed_ratings,
}
#: The outbox record types each seeder makes: together, every type a station sends.
OUTBOX_TYPES: dict[str, frozenset[str]] = {
    "tickets": frozenset({"ticket", "queue_event"}),
    "dossiers": frozenset({"dossier", "dossier_slip", "dossier_handover"}),
    "feedback": frozenset({"feedback", "petition"}),
    "ratings": frozenset({"rating"}),
}


def _outbox_count(db: Database) -> int:
    return db.execute("SELECT count(*) FROM outbox").fetchone()[0]
