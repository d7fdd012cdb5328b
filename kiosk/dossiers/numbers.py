"""Dossier sequence numbers, unique across the office, also while a counter PC is offline.

A dossier code is `{unit}-{yyMMdd}-{NNNN}`; the unit is the office's, so what must be unique
is (day, NNNN) across every PC of the office. Where the numbers come from depends on the
station's role ([hub] role):

- standalone and hub: `LocalNumbers`, the day's counter in this database's
  `dossier_counters` (the one sequence of a single-PC office, and the one the hub leases from);
- client (a counter PC of a LAN office): `LeasedNumbers`, blocks of numbers leased from the
  hub ahead of need (`POST /api/v1/dossier-numbers`, answered from the hub's
  `dossier_counters`) and kept in this PC's `dossier_number_blocks`. `take()` runs inside
  the intake's transaction and never touches the network; `refill()` (at the desk's start and
  before an intake, on a thread of its own: `ensure`, `refill_soon`; a RemoteQueue can also
  run it after each of its rounds, `every_round`) keeps at least `low_water` numbers for today
  and a block for the next working day, so a hub that is away all morning does not stop
  intake.

When the hub cannot be reached and no leased number is left, a counter numbers from its own
fallback range, derived from its `[counter] number` (already unique in the office):
FALLBACK_BASE + (n - 1) * FALLBACK_SIZE + 1 ... FALLBACK_BASE + n * FALLBACK_SIZE, e.g.
counter 3: 9201-9300. The hub never leases nor numbers its own dossiers inside the whole
window (FALLBACK_BASE, FALLBACK_END]: a hub sequence reaching it jumps past it.

Restores (`kiosk restore`): `after_restore()` gives the database a new epoch (a random id the
hub returns with every lease, so counters know the hub's book went back in time) and moves
the numbering of today and later days RESTORE_GAP numbers on, since numbers handed out after
the backup was taken (receipts already printed) are not in it; a restored counter drops the
blocks and fallback numbers it held for today and later days, for the same reason.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.dossiers.models import DossierError

log = logging.getLogger(__name__)

#: The fallback window: counter n (1..MAX_COUNTER) owns FALLBACK_SIZE numbers a day above
#: FALLBACK_BASE. No hub lease and no number of the hub's own desk falls inside it.
FALLBACK_BASE = 9000
FALLBACK_SIZE = 100
MAX_COUNTER = 999
FALLBACK_END = FALLBACK_BASE + MAX_COUNTER * FALLBACK_SIZE
#: After a restore, today's and later days' numbering goes on this many numbers past what
#: the restored database knew (more than a busy office hands out between two backups).
RESTORE_GAP = 500
#: A lease asks for BLOCK numbers; refill() keeps LOW_WATER or more for today.
BLOCK = 20
LOW_WATER = 10
MAX_LEASE = 200  # the most numbers one lease may ask for
RETRY_AFTER_FAILURE_S = 30.0  # an intake with no number left asks the hub again after this
MAX_HELD_DAYS = 31  # days a lease request may report as held
MAX_DAY_NUMBER = 999_999  # the office feed and the look-up take codes of up to 6 digits
#: A held number raises the hub's day counter by at most this much (past the restore gap and
#: anything an office gives between two backups), so a stolen key cannot use the day up at once.
HELD_MAX_AHEAD = 2000
LEASE_DAYS_BEHIND = 1  # a lease may be for yesterday (a counter working past midnight) ...
LEASE_DAYS_AHEAD = 31  # ... up to a month ahead (the next working day after a long holiday)

META_EPOCH = "epoch"  # this database's epoch (what the hub tells counters)
META_HUB_EPOCH = "hub_epoch"  # the hub epoch a counter saw last
META_FLOOR_DAY = "restore_floor_day"  # from this day on, numbering starts past ...
META_FLOOR = "restore_floor"  # ... this number (set by after_restore)


class DayFull(ValueError):
    """The hub will not lease past MAX_DAY_NUMBER for a day (leases far beyond any office's
    need: a misbehaving or stolen counter key)."""


class NumbersExhausted(DossierError):
    """No dossier number is left: no leased block, fallback range used up."""

    def __init__(self, counter: int, day: date) -> None:
        super().__init__(
            "Đã hết số hồ sơ dự phòng của quầy trong ngày và chưa kết nối được máy chủ văn "
            "phòng để xin thêm số. Vui lòng kiểm tra kết nối mạng tới máy chủ, hoặc tiếp nhận "
            "hồ sơ tại quầy khác.",
            f"no dossier number left for {day.isoformat()}: no leased block and counter "
            f"{counter}'s fallback range is used up; the hub must be reachable")


def fallback_range(counter: int) -> tuple[int, int]:
    """(first, last) of counter `counter`'s fallback numbers (the same range every day)."""
    if isinstance(counter, bool) or not isinstance(counter, int) or \
            not 1 <= counter <= MAX_COUNTER:
        raise ValueError(f"counter number must be 1..{MAX_COUNTER}, not {counter!r}")
    first = FALLBACK_BASE + (counter - 1) * FALLBACK_SIZE + 1
    return first, first + FALLBACK_SIZE - 1


def in_fallback_window(seq: int) -> bool:
    return FALLBACK_BASE < seq <= FALLBACK_END


# -- the named values -------------------------------------------------------------------------

def meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM dossier_number_meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO dossier_number_meta (key, value) VALUES (?, ?) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))


def epoch(conn: sqlite3.Connection) -> str:
    """This database's epoch, made on first use (inside the caller's transaction)."""
    value = meta(conn, META_EPOCH)
    if value is None:
        value = secrets.token_hex(8)
        set_meta(conn, META_EPOCH, value)
    return value


def _floor(conn: sqlite3.Connection, day: date) -> int:
    floor_day = meta(conn, META_FLOOR_DAY)
    if floor_day is None or day.isoformat() < floor_day:
        return 0
    return int(meta(conn, META_FLOOR) or 0)


def advance(conn: sqlite3.Connection, unit: str, day: date, count: int, *,
            reserve_fallback: bool) -> tuple[int, int]:
    """Take `count` consecutive numbers from the day's `dossier_counters` row (inside the
    caller's transaction): (first, last). Numbering of a day starts past the restore floor;
    with `reserve_fallback` (a hub) it never lands in the counters' fallback window."""
    row = conn.execute("SELECT last_seq FROM dossier_counters WHERE day = ? AND unit_code = ?",
                       (day.isoformat(), unit)).fetchone()
    start = max(row[0] if row else 0, _floor(conn, day))
    first, last = start + 1, start + count
    if reserve_fallback and last > FALLBACK_BASE and first <= FALLBACK_END:
        first = max(first, FALLBACK_END + 1)
        last = first + count - 1
    conn.execute(
        "INSERT INTO dossier_counters (day, unit_code, last_seq) VALUES (?, ?, ?) "
        "ON CONFLICT (day, unit_code) DO UPDATE SET last_seq = excluded.last_seq",
        (day.isoformat(), unit, last))
    return first, last


def raise_to(conn: sqlite3.Connection, unit: str, day: date, held: int) -> None:
    """The day's counter is at least `held` (a number a counter reports it holds)."""
    conn.execute(
        "INSERT INTO dossier_counters (day, unit_code, last_seq) VALUES (?, ?, ?) "
        "ON CONFLICT (day, unit_code) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
        (day.isoformat(), unit, held))


# -- standalone and hub -------------------------------------------------------------------------

class LocalNumbers:
    """The day's counter in this database: a single-PC office numbers 1, 2, 3, ... each day
    exactly as before; on the hub (`reserve_fallback`), the sequence skips the counters'
    fallback window."""

    def __init__(self, config: Any = None, *, reserve_fallback: bool | None = None) -> None:
        if reserve_fallback is None:
            reserve_fallback = config is not None and config.hub.role == "hub"
        self.reserve_fallback = reserve_fallback

    def take(self, conn: sqlite3.Connection, unit: str, day: date) -> int:
        return advance(conn, unit, day, 1, reserve_fallback=self.reserve_fallback)[0]

    def status(self) -> NumbersStatus:
        return NumbersStatus(leased=False, left_today=None, fallback_left=None,
                             on_fallback=False, hub_reachable=None, next_day_ready=True)


def lease(conn: sqlite3.Connection, unit: str, day: date, count: int,
          held: dict[date, int], station_id: str | None = None) -> dict[str, Any]:
    """The hub's side of a lease (inside the caller's transaction): raise each held day's
    counter to what the counter holds, then take `count` numbers for `day`, recorded as
    leased to `station_id` (the office feed accepts those codes from that station only)."""
    for held_day, number in held.items():
        row = conn.execute("SELECT last_seq FROM dossier_counters WHERE day = ? AND "
                           "unit_code = ?", (held_day.isoformat(), unit)).fetchone()
        current = max(row[0] if row else 0, _floor(conn, held_day))
        raise_to(conn, unit, held_day, min(number, current + HELD_MAX_AHEAD))
    first, last = advance(conn, unit, day, count, reserve_fallback=True)
    if last > MAX_DAY_NUMBER:
        raise DayFull(f"dossier numbers of {day.isoformat()} are used up to {MAX_DAY_NUMBER}")
    conn.execute(
        "INSERT INTO dossier_number_blocks (unit_code, day, first, last, next_seq, leased_at, "
        "source, station_id) VALUES (?, ?, ?, ?, ?, ?, 'lease', ?)",
        (unit, day.isoformat(), first, last, last + 1,
         datetime.now().astimezone().isoformat(timespec="seconds"), station_id))
    return {"unit": unit, "day": day.isoformat(), "first": first, "last": last,
            "epoch": epoch(conn)}


def leased_to(conn: sqlite3.Connection, unit: str, day: date, seq: int) -> str | None:
    """On the hub: the station the number `seq` of `day` was leased to (None: not leased)."""
    row = conn.execute(
        "SELECT station_id FROM dossier_number_blocks WHERE unit_code = ? AND day = ? AND "
        "source = 'lease' AND first <= ? AND last >= ?",
        (unit, day.isoformat(), seq, seq)).fetchone()
    return row[0] if row else None


def after_restore(conn: sqlite3.Connection, today: date, *, gap: int = RESTORE_GAP) -> str:
    """A database was just restored from a backup (inside the caller's transaction): a new
    epoch; today's and later days' numbering moved `gap` on (also days the backup has no
    counter for); the blocks a counter held for those days dropped and its fallback range
    closed for today (some of them were used after the backup). Returns the new epoch."""
    new = secrets.token_hex(8)
    set_meta(conn, META_EPOCH, new)
    conn.execute("UPDATE dossier_counters SET last_seq = last_seq + ? WHERE day >= ?",
                 (gap, today.isoformat()))
    previous = _floor(conn, today)
    set_meta(conn, META_FLOOR_DAY, today.isoformat())
    set_meta(conn, META_FLOOR, str(previous + gap))
    conn.execute("UPDATE dossier_number_blocks SET next_seq = last + 1 WHERE day >= ? AND "
                 "source != 'lease'", (today.isoformat(),))
    return new


# -- counter PCs of a LAN office ------------------------------------------------------------------

@dataclass(frozen=True)
class NumbersStatus:
    """What the counter window shows about its dossier numbers."""

    leased: bool  # numbers come from the hub (a counter PC of a LAN office)
    left_today: int | None  # leased numbers left for today (None: not leased)
    fallback_left: int | None  # of this counter's fallback range today
    on_fallback: bool  # today's leased numbers are gone: numbering from the fallback range
    hub_reachable: bool | None  # the last lease attempt (None: none yet)
    next_day_ready: bool  # a block for the next working day is held

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


#: lease(unit, day ISO, count, held {day ISO: number}) -> the hub's answer
LeaseFunction = Callable[[str, str, int, dict[str, int]], dict[str, Any]]


class LeasedNumbers:
    """A counter PC's dossier numbers: leased blocks, then its fallback range.

    `db_path`: this PC's database (refill() and status() open a connection of their own, so
    they can run on any thread). `lease`: the hub call (RemoteQueue.lease_dossier_numbers);
    `on_epoch_change(old, new)` is called after a lease answer shows the hub's epoch changed
    (its database was restored). `rules`: the office calendar (the next working day)."""

    def __init__(self, db_path: Path | str, *, unit: str, counter: int, timezone: str,
                 rules: Any, lease: LeaseFunction | None = None,
                 on_epoch_change: Callable[[str, str], None] | None = None,
                 block: int = BLOCK, low_water: int = LOW_WATER) -> None:
        self.db_path = db_path
        self.unit = unit.strip().upper()
        self.counter = counter
        self.fallback = fallback_range(counter)
        self.tz = ZoneInfo(timezone)
        self.rules = rules
        self.lease = lease
        self.on_epoch_change = on_epoch_change
        self.block = max(1, min(block, MAX_LEASE))
        self.low_water = max(1, min(low_water, self.block))
        self.hub_reachable: bool | None = None
        self._failed_at = -float("inf")
        self._lock = threading.Lock()
        self._soon_lock = threading.Lock()
        self._soon: threading.Thread | None = None

    # -- inside the intake's transaction -----------------------------------------------------

    def take(self, conn: sqlite3.Connection, unit: str, day: date) -> int:
        """The next number for `day`: from a leased block, else from this counter's fallback
        range; NumbersExhausted when neither has one. Runs in the caller's transaction and
        never waits on the network."""
        unit = unit.strip().upper()
        while True:
            row = conn.execute(
                "SELECT first, next_seq FROM dossier_number_blocks WHERE unit_code = ? AND "
                "day = ? AND source = 'hub' AND next_seq <= last ORDER BY first LIMIT 1",
                (unit, day.isoformat())).fetchone()
            if row is None:
                row = self._fallback_block(conn, unit, day)
                if row is None:
                    raise NumbersExhausted(self.counter, day)
                log.warning("dossier numbers: no leased number left for %s, counter %d uses "
                            "its fallback range", day.isoformat(), self.counter)
            first, seq = row
            conn.execute("UPDATE dossier_number_blocks SET next_seq = next_seq + 1 "
                         "WHERE unit_code = ? AND day = ? AND first = ?",
                         (unit, day.isoformat(), first))
            # A number this PC already gave (numbered on its own before it was a counter of
            # a LAN office) is passed over, never given twice.
            if conn.execute("SELECT 1 FROM dossiers WHERE unit_code = ? AND day = ? AND seq = ?",
                            (unit, day.isoformat(), seq)).fetchone() is None:
                return seq

    def _fallback_block(self, conn: sqlite3.Connection, unit: str,
                        day: date) -> tuple[int, int] | None:
        if not _fallback_allowed(conn, day):
            return None
        first, last = self.fallback
        conn.execute(
            "INSERT INTO dossier_number_blocks (unit_code, day, first, last, next_seq, "
            "leased_at, source) VALUES (?, ?, ?, ?, ?, ?, 'fallback') "
            "ON CONFLICT (unit_code, day, first) DO NOTHING",
            (unit, day.isoformat(), first, last, first, self._now()))
        row = conn.execute(
            "SELECT first, next_seq FROM dossier_number_blocks WHERE unit_code = ? AND day = ? "
            "AND first = ? AND source = 'fallback' AND next_seq <= last",
            (unit, day.isoformat(), first)).fetchone()
        return (row[0], row[1]) if row else None

    # -- topping up (any thread) -------------------------------------------------------------

    def today(self) -> date:
        return datetime.now(self.tz).date()

    def next_day(self, today: date | None = None) -> date:
        from kiosk.calendar import next_working_day

        return next_working_day(today or self.today(), self.rules)

    def refill(self, lease: LeaseFunction | None = None, *, today: date | None = None) -> int:
        """Lease what is missing: numbers for today down to the low-water mark, and a block
        for the next working day. Returns how many numbers were leased. A hub that cannot be
        reached (or refuses) leaves things as they are: intake goes on with what is held and
        then the fallback range."""
        from kiosk.queue.errors import HubUnavailable, QueueError

        lease = lease or self.lease
        if lease is None:
            return 0
        today = today or self.today()
        got = 0
        with self._lock, self._db() as conn:
            for day in (today, self.next_day(today)):
                left = self._left(conn, day)
                if left >= self.low_water:
                    continue
                try:
                    answer = lease(self.unit, day.isoformat(), self.block, self._held(conn, today))
                except QueueError as exc:
                    self.hub_reachable = False
                    self._failed_at = time.monotonic()
                    # Away: expected now and then. Refused: a setting to fix (the unit code).
                    log.log(logging.INFO if isinstance(exc, HubUnavailable) else logging.WARNING,
                            "dossier numbers: no lease from the hub now (%s: %s)",
                            getattr(exc, "code", type(exc).__name__), exc)
                    return got
                self.hub_reachable = True
                got += self._store(conn, day, answer)
        return got

    def ensure(self, day: date | None = None, *, conn: sqlite3.Connection | None = None
               ) -> None:
        """Before an intake (on the desk's lane, outside its transaction). Below the low-water
        mark a refill starts on a thread of its own, so the intake never waits for it; only
        with no leased number left for the day does it lease now, and not again within
        RETRY_AFTER_FAILURE_S of a failed attempt (a hub that is off would make every intake
        wait for the network's timeout): take() then numbers from the fallback range. `conn`:
        the desk's connection to read what is left (else one is opened)."""
        day = day or self.today()
        if conn is not None:  # the desk's own connection: no new one per intake
            left = self._left(conn, day)
        else:
            with self._db() as own:
                left = self._left(own, day)
        if left >= self.low_water or self.lease is None:
            return
        if left > 0:
            self.refill_soon(today=day)
        elif self.hub_reachable is not False or \
                time.monotonic() - self._failed_at >= RETRY_AFTER_FAILURE_S:
            self.refill(today=day)

    def refill_soon(self, *, today: date | None = None) -> None:
        """refill() on a background thread (one at a time)."""
        with self._soon_lock:
            if self._soon is not None and self._soon.is_alive():
                return
            self._soon = threading.Thread(target=self._refill_quietly, args=(today,),
                                          daemon=True, name="dossier-numbers")
            self._soon.start()

    def _refill_quietly(self, today: date | None) -> None:
        try:
            self.refill(today=today)
        except Exception:
            log.exception("topping up the dossier numbers failed")

    def _store(self, conn: sqlite3.Connection, day: date, answer: dict[str, Any]) -> int:
        try:
            first, last = int(answer["first"]), int(answer["last"])
            ok = (answer.get("day") == day.isoformat()
                  and str(answer.get("unit", "")).upper() == self.unit
                  and 1 <= first <= last and last - first < MAX_LEASE
                  and not any(in_fallback_window(n) for n in (first, last))
                  and not (first <= FALLBACK_BASE < last))
        except (KeyError, TypeError, ValueError):
            ok = False
        if not ok:
            log.warning("dossier numbers: the hub's lease answer is unusable; ignored")
            return 0
        new_epoch = str(answer.get("epoch") or "")
        with _immediate(conn):
            conn.execute(
                "INSERT INTO dossier_number_blocks (unit_code, day, first, last, next_seq, "
                "leased_at, source) VALUES (?, ?, ?, ?, ?, ?, 'hub') "
                "ON CONFLICT (unit_code, day, first) DO NOTHING",
                (self.unit, day.isoformat(), first, last, first, self._now()))
            old_epoch = meta(conn, META_HUB_EPOCH)
            if new_epoch and new_epoch != old_epoch:
                set_meta(conn, META_HUB_EPOCH, new_epoch)
        log.info("dossier numbers: leased %d-%d for %s", first, last, day.isoformat())
        if new_epoch and old_epoch and new_epoch != old_epoch:
            log.warning("dossier numbers: the hub's database was restored (new epoch)")
            if self.on_epoch_change is not None:
                try:
                    self.on_epoch_change(old_epoch, new_epoch)
                except Exception:
                    log.exception("the epoch-change callback failed")
        return last - first + 1

    def _left(self, conn: sqlite3.Connection, day: date) -> int:
        return conn.execute(
            "SELECT coalesce(sum(last + 1 - next_seq), 0) FROM dossier_number_blocks "
            "WHERE unit_code = ? AND day = ? AND source = 'hub'",
            (self.unit, day.isoformat())).fetchone()[0]

    def _held(self, conn: sqlite3.Connection, today: date) -> dict[str, int]:
        """The highest number this PC holds per day, today and later: leased, or given on its
        own before it was a counter of a LAN office (the hub raises its counters to these, so
        a restored hub, or one meeting this PC for the first time, goes on past them)."""
        held: dict[str, int] = {}
        for day, top in conn.execute(
                "SELECT day, max(last) FROM dossier_number_blocks WHERE unit_code = ? AND "
                "source = 'hub' AND day >= ? GROUP BY day UNION ALL "
                "SELECT day, max(seq) FROM dossiers WHERE unit_code = ? AND day >= ? AND "
                "seq <= ? GROUP BY day", (self.unit, today.isoformat(), self.unit,
                                          today.isoformat(), FALLBACK_BASE)):
            held[day] = max(top, held.get(day, 0))
        return dict(sorted(held.items())[:MAX_HELD_DAYS])

    def status(self, today: date | None = None) -> NumbersStatus:
        """Leased numbers left today, the fallback range's use, the last lease's outcome."""
        today = today or self.today()
        with self._db() as conn:
            left = self._left(conn, today)
            row = conn.execute(
                "SELECT last + 1 - next_seq, next_seq > first FROM dossier_number_blocks "
                "WHERE unit_code = ? AND day = ? AND source = 'fallback'",
                (self.unit, today.isoformat())).fetchone()
            next_ready = self._left(conn, self.next_day(today)) > 0
            allowed = _fallback_allowed(conn, today)
        fallback_left = (row[0] if row else FALLBACK_SIZE) if allowed else 0
        return NumbersStatus(leased=True, left_today=left, fallback_left=fallback_left,
                             on_fallback=left == 0 and bool(row and row[1]),
                             hub_reachable=self.hub_reachable, next_day_ready=next_ready)

    @contextlib.contextmanager
    def _db(self):
        from kiosk.store import connect

        db = connect(self.db_path)
        try:
            yield db.conn
        finally:
            db.conn.close()

    def _now(self) -> str:
        return datetime.now(self.tz).isoformat(timespec="seconds")


def _fallback_allowed(conn: sqlite3.Connection, day: date) -> bool:
    """A database restored on `day` or later cannot know which of that day's fallback
    numbers it used after the backup: none of them is used again."""
    floor_day = meta(conn, META_FLOOR_DAY)
    return floor_day is None or day.isoformat() > floor_day


@contextlib.contextmanager
def _immediate(conn: sqlite3.Connection):
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def leased_numbers_for(config: Any, paths: Any, queue: Any,
                       on_epoch_change: Callable[[str, str], None] | None = None
                       ) -> LeasedNumbers:
    """A counter PC's LeasedNumbers: its database, office, counter number and calendar from
    the configuration; leases through `queue` (a RemoteQueue, or a callable returning one,
    opened on first need)."""
    from kiosk.calendar import CalendarRules

    def lease(unit: str, day: str, count: int, held: dict[str, int]) -> dict[str, Any]:
        remote = queue() if callable(queue) and not hasattr(queue, "lease_dossier_numbers") \
            else queue
        return remote.lease_dossier_numbers(unit, day, count, held)

    # As kiosk.station.database_path (not imported: the station module imports the desks).
    db_path = Path(config.store.path) if config.store.path else paths.database
    return LeasedNumbers(db_path, unit=config.office.code,
                         counter=config.counter.number, timezone=config.office.timezone,
                         rules=CalendarRules.from_config(config), lease=lease,
                         on_epoch_change=on_epoch_change)


def numbers_for(config: Any, paths: Any = None, queue: Any = None) -> LocalNumbers | LeasedNumbers:
    """The numbering a desk of this station uses: leased on a counter PC of a LAN office
    ([hub] role = client, with a queue to lease through), else the local counter."""
    if config.hub.role == "client" and queue is not None and paths is not None:
        return leased_numbers_for(config, paths, queue)
    return LocalNumbers(config)

