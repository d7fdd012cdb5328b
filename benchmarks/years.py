"""A station's years: three years of a busy office in one station database.

The office: 500 tickets a working day (Monday to Friday; no holidays), served by 8 counters,
about 150 ratings, 60 dossiers received (most moved along to hand-back over the following days)
and 3 pieces of citizen feedback; every outbox row delivered to the city a moment after it was
written (the state of a station whose sync works).

How the database is built (fast, still made by the real code): one representative day, the
first working day of the period, is made through the application services (TicketDesk and
CallDesk for the tickets and their calls, DossierDesk for the dossiers, record_rating,
record_feedback), exactly as `kiosk seed` does. Every later working day up to yesterday is a
copy of that day made with SQL: every row of every record table (tickets, queue_events,
ticket_counters, dossiers, dossier_events, dossier_counters, ratings, citizen_feedback, outbox)
with its ids moved by a fixed stride, its dates moved by whole days and dossier codes renamed
to the new day. So that a copy packs like a real day (and an archived year unpacks as slowly
as a real one), each copy also gets what a real day has of its own (build 2; `_copy_sql`,
`_Copier`): uids drawn afresh (a keyed hash of the template's uid and the day, in the uuid4
text the code writes, so a rating still names its ticket and an outbox row its record); each
ticket's stamps, with its queue events and its rating, and each dossier's, with its steps,
moved together by the ticket's or dossier's own pseudo-random shift (up to 30 minutes, in
microseconds, as `isoformat()` writes them; inside the same day, a ticket issued inside its
morning or afternoon), so a ticket's waiting and service times and a dossier's order stay the
template's; the counters renumbered per day; each rating's level and reasons drawn again; a
dossier's short code made for its new day. A copied day packs with xz to about what the day
alone packs to (the copies before build 2, uids with a per-day suffix and the same times every
day, packed four times better than that). Outbox payloads are copied unchanged (same size,
template dates and uids inside; pruned after a week). The last couple of weeks therefore also
hold dossier steps dated after today (a copy's hand-back days later). The build is cached
under the temp folder (hcc-bench-years/), keyed by its version and period.

Measured on a copy: database size before and after pruning (`sync/prune.py` with the default
`[sync] keep_sent_days`, then incremental vacuum), `kiosk report` for the last month and the
last year (its first run on the copy, which computes every day and keeps the settled ones in
`stats_days`, then the median of the next ones), `office_stats` in process with and without
the kept days, the logbook export for the last year (new processes, as a user runs them), start-up
to the first frame of the ticket kiosk, the counter and the office windows (new process,
offscreen) on the full and on an empty database, and issuing a ticket on both.

`--quick`: one simulated month instead of three years.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

TICKETS_PER_DAY = 500
DOSSIERS_PER_DAY = 60
RATINGS_PER_DAY = 150
FEEDBACK_PER_DAY = 3
COUNTERS = 8
YEARS = 3
STRIDE = 20_000  # id distance between two copied days (a day has far fewer rows per table)
BUILD_VERSION = 2  # 2: copied days with their own uids, times, counters and ratings
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ROOT = Path(__file__).resolve().parent.parent

# Column kinds for the day copies.
_TIMESTAMPS = {"issued_at", "called_at", "last_called_at", "finished_at", "at", "created_at",
               "sent_at", "received_at", "returned_at", "updated_at", "linked_at", "purged_at",
               "set_aside_at"}
_DATES = {"day", "appointment_date"}
_UIDS = {"uid", "record_id", "ticket_uid"}
_IDS = {"id", "ticket_id", "dossier_id"}
_CODES = {"code", "dossier_code"}
_TABLES = ("tickets", "queue_events", "ticket_counters", "dossiers", "dossier_events",
           "dossier_counters", "ratings", "citizen_feedback", "outbox")


def _config():
    from kiosk.config import Config

    return Config()


# -- building ----------------------------------------------------------------------------------


def _instants(day: date, n: int, rng: random.Random) -> list[datetime]:
    out = []
    for _ in range(n):
        a, b = rng.choice([(8, 12), (13, 17)])
        out.append(datetime.combine(day, dtime(a), TZ)
                   + timedelta(seconds=rng.randrange((b - a) * 3600)))
    return sorted(out)


def _template_day(db, config, day: date, rng: random.Random) -> None:
    """One busy day through the application services."""
    import sync.seed as seeding
    from kiosk.calling import CallDesk
    from kiosk.dossiers.intake import DossierDesk
    from kiosk.dossiers.models import Intake, Person
    from kiosk.dossiers.seed import AREAS, BIRTH_PROCEDURE, CLERKS, _advance, fake_person
    from kiosk.feedback.citizen_feedback import DEFAULT_TOPICS, record_feedback
    from kiosk.queue.priority import PriorityCategory
    from kiosk.ticketing import TicketDesk

    desk = TicketDesk(db, config)
    services = [s.code for s in desk.services]
    weights = [seeding.SERVICE_WEIGHTS.get(code, 1) for code in services]
    categories = [c for c in PriorityCategory if c is not PriorityCategory.UNSPECIFIED]
    saved = seeding.SEED_COUNTERS
    seeding.SEED_COUNTERS = COUNTERS  # a busier office than `kiosk seed`'s
    try:
        counters = seeding._Counters(CallDesk(db, config, tickets=desk), rng)
        for at in _instants(day, TICKETS_PER_DAY, rng):
            counters.work_until(at)
            priority = rng.choice(categories) if rng.random() < seeding.PRIORITY_SHARE else None
            ticket = desk.issue(rng.choices(services, weights)[0], priority, at=at)
            ok = rng.random() >= seeding.PRINT_FAILURE_SHARE
            desk.record_print(ticket, ok, None if ok else "out of paper",
                              at=at + timedelta(seconds=2))
            counters.arrived(at + timedelta(seconds=2))
        counters.close_day()
    finally:
        seeding.SEED_COUNTERS = saved
    seeding.seed_ratings(db, config, RATINGS_PER_DAY, rng=rng)
    for at in _instants(day, FEEDBACK_PER_DAY, rng):
        record_feedback(db, topic=rng.choice(DEFAULT_TOPICS),
                        text=rng.choice(seeding.FEEDBACK_TEXTS), phone=None, at=at,
                        station_id=config.station.id)
    # Dossiers as kiosk.dossiers.seed makes them, all received on this day and moved along
    # as far as the following weeks take them.
    dossiers = DossierDesk(db, config)
    procedures = dossiers.procedures
    pweights = [{"HT": 5, "CT": 6, "CTRU": 3, "DD": 2, "HKD": 1.5, "BTXH": 1.2, "GD": 0.8}
                .get(p.field_code, 1) for p in procedures]
    later = datetime.combine(day + timedelta(days=60), dtime(12), TZ)
    for at in _instants(day, DOSSIERS_PER_DAY, rng):
        procedure = rng.choices(procedures, pweights)[0]
        submitter = fake_person(rng, today=at.date())
        owner = None
        if procedure.code == BIRTH_PROCEDURE:
            child = fake_person(rng, today=at.date(), min_age=0, max_age=0, with_contact=False)
            owner = Person(name=" ".join([submitter.name.split()[0], *child.name.split()[1:]]),
                           birth_date=at.date() - timedelta(days=rng.randint(3, 55)),
                           gender=child.gender, address=submitter.address)
        clerk = rng.choice(CLERKS)
        d = dossiers.save_intake(Intake(procedure_code=procedure.code, submitter=submitter,
                                        owner=owner, area=rng.choice(AREAS)),
                                 clerk=clerk, at=at)
        _advance(dossiers, d, rng, later, clerk)
    # Delivered to the city a moment after it was written.
    db.conn.execute("UPDATE outbox SET sent_at = created_at, sync_result = 'accepted'")


def _copy_sql(conn: sqlite3.Connection, table: str) -> str:
    """The INSERT that copies the template day's rows of `table` to day number :k.

    What a real day has of its own, each copy gets too: uids drawn afresh (bench_uid: a keyed
    hash of the template uid and the day, so a rating still names its ticket's new uid and an
    outbox row its record's), each ticket's and each dossier's time stamps moved by whole days
    plus its own pseudo-random shift (bench_at: seconds and microseconds, the same for every
    stamp of the ticket, its queue events and its rating, or of the dossier and its steps;
    inside the same day and office hours), the counters renumbered per day (a clerk at another
    counter), a rating's level (and reasons) drawn again, a dossier's short code made for its
    new day. Outbox rows keep their payloads and time of day (pruned after a week; only their
    uids and days change)."""
    cols = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    key = {"tickets": "'t' || id", "queue_events": "'t' || ticket_id",
           "ratings": "CASE WHEN ticket_uid IS NULL THEN 'r' || id ELSE 'u' || ticket_uid END",
           "dossiers": "'d' || id", "dossier_events": "'d' || dossier_id",
           "citizen_feedback": "'f' || id"}.get(table)
    exprs = []
    for c in cols:
        if c in _TIMESTAMPS and key is not None:
            exprs.append(f"bench_at({c}, {key}, :days, :k)")
        elif c in _TIMESTAMPS:
            exprs.append(f"CASE WHEN {c} IS NULL THEN NULL "
                         f"ELSE date(substr({c}, 1, 10), :shift) || substr({c}, 11) END")
        elif c in _DATES:
            exprs.append(f"date({c}, :shift)")
        elif c in _UIDS:
            exprs.append(f"bench_uid({c}, :k)")
        elif c in _IDS:
            exprs.append(f"{c} + :ids")
        elif c in _CODES:
            exprs.append(f"replace({c}, :code0, :code)")
        elif c in ("counter", "target_counter"):
            exprs.append(f"CASE WHEN {c} BETWEEN 1 AND {COUNTERS} "
                         f"THEN CAST(substr(:perm, {c}, 1) AS INTEGER) ELSE {c} END")
        elif c == "detail":
            exprs.append("CASE WHEN json_valid(detail) AND json_type(detail, '$.counter') = "
                         "'integer' AND json_extract(detail, '$.counter') BETWEEN 1 AND "
                         f"{COUNTERS} THEN json_set(detail, '$.counter', CAST(substr(:perm, "
                         "json_extract(detail, '$.counter'), 1) AS INTEGER)) ELSE detail END")
        elif table == "dossiers" and c == "short_code":  # as intake writes it for its day
            exprs.append("bench_short(date(day, :shift), seq)")
        elif table == "ratings" and c == "level":
            exprs.append("bench_level(id, :k)")
        elif table == "ratings" and c == "reasons":
            exprs.append("bench_reasons(id, :k)")
        else:
            exprs.append(c)
    where = "id < :stride" if "id" in cols else "day = :day0"
    return (f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)} "
            f"FROM {table} WHERE {where}")


_OPEN, _CLOSE = dtime(8), dtime(17, 30)  # the office's day, for stamps made inside it
_SESSIONS = ((dtime(8), dtime(11, 59, 59)), (dtime(13), dtime(16, 59, 59)))  # issuing hours
MAX_SHIFT_S = 30 * 60  # how far a copied ticket or dossier moves from its template (at most)


def _micros(t: dtime) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


class _Copier:
    """The SQL functions of the day copies, with the template day's bounds per ticket and
    dossier: how far its stamps may move and stay inside their day and the office's hours
    (the issue or intake inside its morning or afternoon)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        import hashlib
        import json
        import uuid

        from kiosk.feedback.ratings import RatingReason
        from sync.seed import RATING_LEVELS

        self._hash = hashlib.blake2b
        self._json = json
        self._uuid = uuid.UUID
        self._levels = RATING_LEVELS
        self._reasons = [r.value for r in RatingReason]
        self._ticket_of = dict(conn.execute("SELECT uid, 't' || id FROM tickets"))
        stamps: dict[str, list[tuple[str, bool]]] = {}

        def add(sql: str, session_col: str = "") -> None:
            cur = conn.execute(sql)
            names = [d[0] for d in cur.description]
            for row in cur:
                key = row[0]
                if key is None:
                    continue
                for name, value in zip(names[1:], row[1:], strict=True):
                    if value is not None:
                        stamps.setdefault(key, []).append((value, name == session_col))

        add("SELECT 't' || id, issued_at, called_at, last_called_at, finished_at FROM tickets",
            "issued_at")
        add("SELECT 't' || ticket_id, at FROM queue_events")
        add("SELECT CASE WHEN ticket_uid IS NULL THEN 'r' || id ELSE 't' || "
            "(SELECT t.id FROM tickets t WHERE t.uid = ticket_uid) END, at FROM ratings")
        add("SELECT 'd' || id, received_at, finished_at, returned_at, updated_at FROM dossiers",
            "received_at")
        add("SELECT 'd' || dossier_id, at FROM dossier_events")
        add("SELECT 'f' || id, at FROM citizen_feedback")
        self._bounds = {key: self._bound(values) for key, values in stamps.items()}
        self._day = -1
        self._shifts: dict[str, int] = {}

    @staticmethod
    def _bound(values: list[tuple[str, bool]]) -> tuple[int, int]:
        lo, hi = -MAX_SHIFT_S * 1_000_000, MAX_SHIFT_S * 1_000_000
        for text, session in values:
            tod = _micros(datetime.fromisoformat(text).astimezone(TZ).time())
            if session:
                a, b = next(((_micros(a), _micros(b)) for a, b in _SESSIONS
                             if tod <= _micros(b)), (_micros(_OPEN), _micros(_CLOSE)))
            elif _micros(_OPEN) <= tod <= _micros(_CLOSE):
                a, b = _micros(_OPEN), _micros(_CLOSE)
            else:  # a step the template made outside the office's hours: within its day
                a, b = 0, _micros(dtime.max)
            lo = max(lo, min(a, tod) - tod)
            hi = min(hi, max(b, tod) - tod)
        return lo, max(lo, hi)

    def _number(self, text: str) -> int:
        return int.from_bytes(self._hash(text.encode(), digest_size=8).digest(), "big")

    def shift(self, key: str, k: int) -> int:
        """Microseconds ticket or dossier `key` moves on copy `k` (with its whole days)."""
        if k != self._day:
            self._day, self._shifts = k, {}
        got = self._shifts.get(key)
        if got is None:
            lo, hi = self._bounds.get(key, (0, 0))
            got = self._shifts[key] = lo + self._number(f"{key}/{k}") % (hi - lo + 1)
        return got

    def at(self, text: str | None, key: str | None, days: int, k: int) -> str | None:
        if text is None:
            return None
        if key and key[0] == "u":
            key = self._ticket_of.get(key[1:], key)
        moved = datetime.fromisoformat(text) + timedelta(
            days=days, microseconds=self.shift(key, k) if key else 0)
        return moved.isoformat()  # as the application writes it (no fraction when it is 0)

    def uid(self, text: str | None, k: int) -> str | None:
        if text is None:
            return None
        raw = self._hash(f"{text}/{k}".encode(), digest_size=16).digest()
        return str(self._uuid(bytes=raw, version=4))

    @staticmethod
    def short(day: str, seq: int) -> str | None:
        from kiosk.dossiers.shortcode import short_code

        return short_code(date.fromisoformat(day), seq)

    def _rating(self, rid: int, k: int) -> tuple[str, list[str]]:
        rng = random.Random(self._number(f"r{rid}/{k}/level"))
        levels, shares = zip(*self._levels, strict=True)
        level = rng.choices(levels, shares)[0]
        return level, (rng.sample(self._reasons, rng.randint(1, 2))
                       if level == "unsatisfied" else [])

    def level(self, rid: int, k: int) -> str:
        return self._rating(rid, k)[0]

    def reasons(self, rid: int, k: int) -> str:
        chosen = set(self._rating(rid, k)[1])
        return self._json.dumps([r for r in self._reasons if r in chosen])  # the screen's order

    def register(self, conn: sqlite3.Connection) -> None:
        conn.create_function("bench_at", 4, self.at, deterministic=True)
        conn.create_function("bench_uid", 2, self.uid, deterministic=True)
        conn.create_function("bench_short", 2, self.short, deterministic=True)
        conn.create_function("bench_level", 2, self.level, deterministic=True)
        conn.create_function("bench_reasons", 2, self.reasons, deterministic=True)


def _permutation(k: int) -> str:
    """Counter numbers of copy `k`: counter n of the template day is counter perm[n - 1]."""
    order = list(range(1, COUNTERS + 1))
    random.Random(f"counters/{k}").shuffle(order)
    return "".join(str(n) for n in order)


def _working_days(first: date, last: date) -> list[date]:
    out, day = [], first
    while day <= last:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


def _build(path: Path, first: date, last: date, progress) -> dict:
    from kiosk.store import connect

    t0 = time.perf_counter()
    db = connect(path)
    db.conn.execute("PRAGMA synchronous = OFF")  # building test data, not the code under test
    config = _config()
    _template_day(db, config, first, random.Random(2026))
    template_s = time.perf_counter() - t0
    conn = db.conn
    for table in _TABLES:
        top = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
        if top >= STRIDE:
            raise RuntimeError(f"{table}: {top} rows in a day, more than the stride {STRIDE}")
    _Copier(conn).register(conn)
    sql = {t: _copy_sql(conn, t) for t in _TABLES}
    days = _working_days(first + timedelta(days=1), last)
    code0 = f"-{first:%y%m%d}-"
    conn.execute("BEGIN")
    for k, day in enumerate(days, 1):
        params = {"shift": f"+{(day - first).days} days", "days": (day - first).days, "k": k,
                  "perm": _permutation(k), "ids": k * STRIDE, "stride": STRIDE,
                  "code0": code0, "code": f"-{day:%y%m%d}-", "day0": first.isoformat()}
        for table in _TABLES:
            conn.execute(sql[table], params)
        if k % 40 == 0:
            conn.execute("COMMIT")
            progress(f"{k}/{len(days)} days")
            conn.execute("BEGIN")
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"template_day_s": round(template_s, 1),
            "build_s": round(time.perf_counter() - t0, 1), "working_days": len(days) + 1}


def build_cached(quick: bool, progress) -> tuple[Path, dict, date, date]:
    """The built database (cached) and its build figures, first and last day."""
    today = datetime.now(TZ).date()
    last = today - timedelta(days=1)
    span = timedelta(days=31) if quick else timedelta(days=365 * YEARS)
    first = today - span
    while first.weekday() != 0:
        first += timedelta(days=1)
    cache = Path(tempfile.gettempdir()) / "hcc-bench-years"
    cache.mkdir(exist_ok=True)
    kind = "quick" if quick else "full"
    key = f"v{BUILD_VERSION}-{kind}-{first}-{last}"
    path = cache / f"{key}.db"
    info_path = cache / f"{key}.txt"
    if not path.exists():
        for old in cache.glob(f"v*-{kind}-*"):  # an older build of this kind
            old.unlink()
        tmp = cache / f"{key}.building.db"
        for f in cache.glob(f"{key}.building.db*"):
            f.unlink()
        info = _build(tmp, first, last, progress)
        tmp.rename(path)
        info_path.write_text(repr(info))
    info = eval(info_path.read_text())  # noqa: S307 - our own cache file
    info["cached"] = True
    return path, info, first, last


# -- measuring ---------------------------------------------------------------------------------


def _mb(n: float) -> float:
    return round(n / 1e6, 1)


def _file_mb(path: Path) -> float:
    return _mb(sum(p.stat().st_size for p in path.parent.glob(path.name + "*")))


def _table_mb(path: Path) -> dict[str, float]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT coalesce(m.tbl_name, s.name), sum(s.pgsize) FROM dbstat s "
                            "LEFT JOIN sqlite_master m ON m.name = s.name "
                            "GROUP BY 1 ORDER BY 2 DESC").fetchall()
    except sqlite3.OperationalError:  # SQLite built without dbstat
        return {}
    finally:
        conn.close()
    return {name: _mb(size) for name, size in rows[:8]}


def _prune(path: Path, keep_days: int) -> dict:
    from kiosk.store import connect
    from sync.prune import VACUUM_CHUNK_PAGES, incremental_vacuum, prune_delivered

    db = connect(path)
    t0 = time.perf_counter()
    result = prune_delivered(db, now=datetime.now(UTC), keep_days=keep_days, vacuum=False)
    took = time.perf_counter() - t0
    t0 = time.perf_counter()
    freed = incremental_vacuum(db)
    vacuum_s = time.perf_counter() - t0
    # The steady state: a day later, what the worker prunes and vacuums each day.
    t0 = time.perf_counter()
    daily = prune_delivered(db, now=datetime.now(UTC) + timedelta(days=1), keep_days=keep_days,
                            vacuum=False)
    daily_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    daily_freed = incremental_vacuum(db)
    daily_vacuum_s = time.perf_counter() - t0
    chunks = max(1, -(-daily_freed // VACUUM_CHUNK_PAGES))
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    left = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
    db.conn.close()
    return {"prune_keep_days": keep_days, "prune_deleted_rows": result.deleted,
            "prune_tombstones": result.slimmed,
            "prune_first_run_s": round(took, 1), "vacuum_first_run_s": round(vacuum_s, 1),
            "vacuum_freed_mb": _mb(freed * 4096), "outbox_rows_left": left,
            "daily_prune_rows": daily.deleted + daily.slimmed,
            "daily_prune_s": round(daily_s, 2), "daily_vacuum_s": round(daily_vacuum_s, 2),
            "daily_vacuum_ms_per_chunk": round(daily_vacuum_s * 1000 / chunks, 1)}


def _run(args: list[str], data_dir: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kiosk.cli", "--data-dir", str(data_dir), *args],
                   check=True, capture_output=True, cwd=ROOT, env=_env())
    return time.perf_counter() - t0


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}


def _reports(data_dir: Path, last: date, quick: bool) -> dict:
    month_end = last.replace(day=1) - timedelta(days=1)
    month = (month_end.replace(day=1), month_end)
    year = (last - timedelta(days=364), last)
    out = data_dir / "out"
    out.mkdir(exist_ok=True)
    res = {}
    for label, (a, b) in (("month", month), ("year", year)):
        # The first report of a range on this copy computes every day from the records and
        # keeps the settled ones (kiosk.stats.days); the runs after it read what was kept.
        res[f"report_{label}_csv_first_s"] = round(_run(
            ["report", "--from", f"{a}", "--to", f"{b}", "--format", "csv", "--out",
             str(out / "first.csv")], data_dir), 2)
        for fmt in ("pdf", "xlsx", "csv"):
            times = [_run(["report", "--from", f"{a}", "--to", f"{b}", "--format", fmt,
                           "--out", str(out / f"r.{fmt}")], data_dir)
                     for _ in range(1 if quick else 3)]
            res[f"report_{label}_{fmt}_s"] = round(statistics.median(times), 2)
    for fmt in ("xlsx", "csv"):
        res[f"logbook_year_{fmt}_s"] = round(_run(
            ["export", "logbook", "--from", f"{year[0]}", "--to", f"{year[1]}", "--format", fmt,
             "--out", str(out / f"l.{fmt}")], data_dir), 2)
    # The statistics alone (no process start, no file): what the office window waits for.
    from kiosk.stats import office_stats
    from kiosk.store import connect

    db = connect(data_dir / "kiosk.db")
    for label, (a, b) in (("month", month), ("year", year)):
        t0 = time.perf_counter()
        office_stats(db, a, b, TZ)
        res[f"office_stats_{label}_in_process_s"] = round(time.perf_counter() - t0, 2)
        t0 = time.perf_counter()
        office_stats(db, a, b, TZ, keep_days=False)  # every day from the records
        res[f"office_stats_{label}_from_records_s"] = round(time.perf_counter() - t0, 2)
    # The due list (the office window's and the counter's panel, on their lanes): every open
    # dossier with its history, judged against the calendar; dossiers waiting for a
    # supplement for years among them.
    from kiosk.calendar import CalendarRules
    from kiosk.dossiers.duelist import due_list

    t0 = time.perf_counter()
    listing = due_list(db.conn, TZ, CalendarRules.from_config(_config()), last, within=3)
    res["due_list_s"] = round(time.perf_counter() - t0, 2)
    res["due_list_dossiers"] = len(listing.entries)
    res["stats_days_kb"] = round(db.execute(
        "SELECT coalesce(sum(length(data) + length(sources)), 0) FROM stats_days"
    ).fetchone()[0] / 1000, 1)
    db.conn.close()
    return res


PROBE = """
import sys, time
t0 = float(sys.argv[1])
from pathlib import Path
from PySide6.QtCore import QTimer
from kiosk.config import Config
from kiosk.paths import Paths
kind, d = sys.argv[2], Path(sys.argv[3])
config = Config().with_values(printer={"uri": f"preview://{d}/p"},
                              kiosk={"fullscreen": False, "enforce_opening_hours": False})
paths = Paths(d, d / "kiosk.toml")
state = {}
if kind == "ticket":
    from kiosk.ui.app import build_window, ensure_app
    app = ensure_app()
    window = build_window(config, paths)
elif kind == "counter":
    from kiosk.ui.app import ensure_app
    from kiosk.ui.counter.window import build_counter_window
    app = ensure_app()
    window = build_counter_window(config, paths, clerk="Trần Minh Đức")
elif kind == "display":
    from kiosk.ui.app import ensure_app
    from kiosk.ui.display.app import build_display
    app = ensure_app()
    station = build_display(config, paths, voice=False)
    window = station.board
else:
    from kiosk.ui.app import ensure_app
    from kiosk.ui.office.window import build_office_window
    app = ensure_app()
    window = build_office_window(config, paths, start=False)
    show_stats = window.show_stats
    def computed(stats):
        state.setdefault("stats", time.time() - t0)
        show_stats(stats)
    window.show_stats = computed
    window.start()
window.resize(1366, 768)
window.show()
def finish(force=False):
    if "done" in state:
        return
    if force or "frame" in state and (kind != "office" or "stats" in state):
        state["done"] = True
        print(f"READY {state.get('frame', -1):.4f} {state.get('stats', -1):.4f}", flush=True)
        owner = station if kind == "display" else window
        for stop in ("shutdown", "close"):
            if hasattr(owner, stop):
                getattr(owner, stop)()
                break
        app.quit()
def first_frame():
    state["frame"] = time.time() - t0
    finish()
QTimer.singleShot(0, first_frame)
poll = QTimer()
poll.timeout.connect(finish)
poll.start(10)
QTimer.singleShot(60000, lambda: finish(True))
app.exec()
"""


def _startup(kind: str, data_dir: Path, runs: int) -> tuple[float, float]:
    frames, stats = [], []
    for _ in range(runs):
        t0 = time.time()
        out = subprocess.run([sys.executable, "-c", PROBE, str(t0), kind, str(data_dir)],
                             capture_output=True, text=True, timeout=120, env=_env(),
                             check=True, cwd=ROOT)
        line = next(ln for ln in out.stdout.splitlines() if ln.startswith("READY"))
        _, frame, stat = line.split()
        frames.append(float(frame))
        stats.append(float(stat))
    return statistics.median(frames), statistics.median(stats)


def _startups(full: Path, empty: Path, runs: int) -> dict:
    """Full and empty alternate run by run, so that other load on the machine hits both."""
    res = {}
    for kind in ("ticket", "counter", "office", "display"):
        got: dict[str, list[tuple[float, float]]] = {"full": [], "empty": []}
        for _ in range(runs):
            for label, d in (("full", full), ("empty", empty)):
                got[label].append(_startup(kind, d, 1))
        for label, values in got.items():
            res[f"startup_{kind}_{label}_s"] = round(statistics.median(v[0] for v in values), 2)
            if kind == "office":
                res[f"office_today_figures_{label}_s"] = round(
                    statistics.median(v[1] for v in values), 2)
    return res


def _issue(dirs: dict[str, Path], count: int) -> dict[str, list[float]]:
    """Issue and print `count` tickets today on each database, alternating between them."""
    from kiosk.store import connect
    from kiosk.ticketing import TicketDesk

    desks = {label: TicketDesk(connect(d / "kiosk.db"), _config()) for label, d in dirs.items()}
    services = [s.code for s in next(iter(desks.values())).services]
    times: dict[str, list[float]] = {label: [] for label in dirs}
    at = datetime.combine(datetime.now(TZ).date(), dtime(8), TZ)
    for i in range(count):
        for label, desk in desks.items():
            t0 = time.perf_counter()
            ticket = desk.issue(services[i % len(services)], at=at + timedelta(seconds=i))
            desk.record_print(ticket, True, at=at + timedelta(seconds=i, milliseconds=500))
            times[label].append((time.perf_counter() - t0) * 1000)
    for desk in desks.values():
        desk.db.conn.close()
    return times


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def run(quick: bool = False) -> dict:
    from kiosk.store import connect

    def progress(text: str) -> None:
        if os.environ.get("BENCH_PROGRESS"):
            print(f"  .. {text}", file=sys.stderr, flush=True)

    cached, info, first, last = build_cached(quick, progress)
    years = 1 / 12 if quick else YEARS
    res: dict = {"period": f"{first} .. {last} ({info['working_days']} working days)",
                 **info}
    with tempfile.TemporaryDirectory(prefix="bench-years-") as tmp:
        full = Path(tmp) / "full"
        empty = Path(tmp) / "empty"
        full.mkdir()
        empty.mkdir()
        db_path = full / "kiosk.db"
        shutil.copyfile(cached, db_path)
        connect(empty / "kiosk.db").conn.close()
        res["tickets"] = _count(db_path, "tickets")
        res["outbox_rows_before"] = _count(db_path, "outbox")
        before = _file_mb(db_path)
        res["db_mb_before_pruning"] = before
        res["db_mb_per_year_before_pruning"] = round(before / years, 1)
        res["largest_tables_mb_before"] = _table_mb(db_path)
        # The default window; a quick run's month would keep everything: a week there.
        part = _prune(db_path, 7 if quick else _config().sync.keep_sent_days)
        res.update(part)
        _shown(part, progress)
        after = _file_mb(db_path)
        res["db_mb_after_pruning"] = after
        res["db_mb_per_year_after_pruning"] = round(after / years, 1)
        res["largest_tables_mb_after"] = _table_mb(db_path)
        part = _reports(full, last, quick)
        res.update(part)
        _shown(part, progress)
        part = _startups(full, empty, 1 if quick else 3)
        res.update(part)
        _shown(part, progress)
        issued = _issue({"full": full, "empty": empty}, 50 if quick else 200)
        for label, times in issued.items():
            res[f"issue_{label}_p50_ms"] = round(_percentile(times, 0.5), 1)
            res[f"issue_{label}_p99_ms"] = round(_percentile(times, 0.99), 1)
        part = _archive(full, last, quick, progress)
        res.update(part)
        _shown(part, progress)
    return res


# -- archiving closed years ------------------------------------------------------------------


def _csv_report(data_dir: Path, a: date, b: date, name: str, runs: int) -> tuple[float, bytes]:
    out = data_dir / "out"
    out.mkdir(exist_ok=True)
    times = [_run(["report", "--from", f"{a}", "--to", f"{b}", "--format", "csv", "--out",
                   str(out / name)], data_dir) for _ in range(runs)]
    raw = (out / name).read_bytes()
    # the "Lập lúc HH:MM" line changes with the minute the file was written
    kept = b"\n".join(x for x in raw.split(b"\n") if "Lập lúc".encode() not in x)
    return round(statistics.median(times), 2), kept


def _one_day_archive(plain: Path, tmp: Path) -> tuple[int, int, int]:
    """(bytes plain, xz, gzip) of an archive holding one working day of the archived year
    `plain`: a day alone, with no other day to point back to. The year's file packs like real
    days when it is about its days times this (a little less: the days share their words);
    the copies before build 2 (uids with a per-day suffix, the same times every day) packed
    four times better."""
    import gzip
    import lzma

    day_db = tmp / "one-day.db"
    day_db.unlink(missing_ok=True)
    conn = sqlite3.connect(day_db)
    conn.execute("ATTACH DATABASE ? AS y", (str(plain),))
    day = conn.execute("SELECT min(day) FROM y.tickets").fetchone()[0]
    picks = {
        "tickets": "day = :d", "dossiers": "day = :d", "ratings": "substr(at, 1, 10) = :d",
        "queue_events": "ticket_id IN (SELECT id FROM y.tickets WHERE day = :d)",
        "dossier_events": "dossier_id IN (SELECT id FROM y.dossiers WHERE day = :d)",
        "citizen_feedback": "substr(at, 1, 10) = :d",
    }
    for table, where in picks.items():
        sql = conn.execute("SELECT sql FROM y.sqlite_master WHERE name = ?", (table,)).fetchone()
        if sql:
            conn.execute(sql[0])
            conn.execute(f"INSERT INTO main.{table} SELECT * FROM y.{table} WHERE {where}",
                         {"d": day})
    conn.commit()
    conn.execute("DETACH DATABASE y")
    conn.execute("VACUUM")
    conn.close()
    raw = day_db.read_bytes()
    return len(raw), len(lzma.compress(raw, preset=6)), len(gzip.compress(raw, 6))


def _archive(data_dir: Path, last: date, quick: bool, progress) -> dict:
    """Archive the closed years as a station does with the yearly rule ([store]
    archive_keep_months = 0, archive_keep_years as configured, then 1), then the closed months
    as it does with the default archive_keep_months (a quick run: its month, as if its year
    were closed), and measure the files, the live database and the reports over live and
    archived days."""

    from kiosk.archive import files
    from kiosk.archive.move import archive, configured_before, default_before
    from kiosk.archive.reading import with_archives
    from kiosk.dossiers.retention import purge_personal_data
    from kiosk.stats import office_stats
    from kiosk.store import connect
    from sync.prune import incremental_vacuum, prune_delivered

    config = _config()
    db_path = data_dir / "kiosk.db"
    folder = files.folder_for(db_path)
    keep = config.store.archive_keep_years
    before = date(last.year + 1, 1, 1) if quick else default_before(last, keep)
    runs = 1 if quick else 3
    res: dict = {"archive_keep_years": keep, "archive_before": before.isoformat()}
    # The oldest whole calendar year of the period, and a report over it before archiving.
    year = last.year if quick else before.year - 1
    year_range = (max(date(year, 1, 1), last - timedelta(days=40 if quick else 365 * YEARS)),
                  min(date(year, 12, 31), last))
    res["report_archived_year_range"] = f"{year_range[0]} .. {year_range[1]}"
    took, report_before = _csv_report(data_dir, *year_range, "year-before.csv", runs)
    res["report_that_year_csv_before_archiving_s"] = took
    db = connect(db_path)
    t0 = time.perf_counter()
    purged = purge_personal_data(db, now=datetime.now(UTC),
                                 retention_days=config.dossiers.retention_days)
    res["retention_purge_s"] = round(time.perf_counter() - t0, 1)
    res["retention_purged_dossiers"] = len(purged.purged)
    t0 = time.perf_counter()
    moved = archive(db, folder, before, station_id=config.station.id)
    res["archive_s"] = round(time.perf_counter() - t0, 1)
    res["archived_years"] = {}

    def settle(label: str) -> None:
        # What the station's sync worker does within the hour: prune (the tombstones of the
        # dossiers retention just purged go), vacuum; then the file as it stays.
        prune_delivered(db, now=datetime.now(UTC), keep_days=config.sync.keep_sent_days)
        incremental_vacuum(db)
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        res[f"live_db_mb_{label}"] = _file_mb(db_path)
        res[f"largest_tables_mb_{label}"] = _table_mb(db_path)
        res[f"live_tickets_{label}"] = _count(db_path, "tickets")

    def note(results) -> None:
        for m in results:
            res["archived_years"][m.year] = {
                "rows": m.moved, "tickets": m.rows.get("tickets", 0),
                "dossiers": m.rows.get("dossiers", 0), "seconds": round(m.seconds, 1),
                "file_mb": _mb(m.size_bytes)}

    note(moved)
    settle(f"keep_{keep}_years")
    if not quick and keep > 1:  # and with only the current year live
        t0 = time.perf_counter()
        moved = archive(db, folder, date(last.year, 1, 1), station_id=config.station.id)
        res["archive_one_more_year_s"] = round(time.perf_counter() - t0, 1)
        note(moved)
        settle("keep_1_year")
    months = config.store.archive_keep_months
    if not quick and months:  # and the default rule: the closed months, the day after `last`
        cut = configured_before(config.store, last + timedelta(days=1))
        res["archive_months_before"] = cut.isoformat()
        t0 = time.perf_counter()
        moved = archive(db, folder, cut, station_id=config.station.id)
        res["archive_months_s"] = round(time.perf_counter() - t0, 1)
        note(moved)
        settle(f"keep_{months}_months")
    db.conn.close()
    # Each year's file unpacked (what a report over it does first, on two cores), beside the
    # same year packed as the station packed it before (xz streams, unpacked on two cores).
    from kiosk.archive import xzstreams

    with tempfile.TemporaryDirectory(prefix="bench-archive-") as tmp:
        for entry in files.archived_years(folder):
            plain = Path(tmp) / f"{entry.year}.db"
            t0 = time.perf_counter()
            files.decompress(entry.path, plain)
            info = res["archived_years"].setdefault(entry.year, {})
            info["open_s"] = round(time.perf_counter() - t0, 2)
            info["plain_mb"] = _mb(plain.stat().st_size)
            info["file_mb"] = _mb(entry.size_bytes)
            info["file"] = entry.path.name
            xz = Path(tmp) / f"{entry.year}.db.xz"
            t0 = time.perf_counter()
            with open(plain, "rb") as src, open(xz, "wb") as out:
                for piece in xzstreams.pack(src, 2):
                    out.write(piece)
            info["xz_mb"], info["xz_pack_s"] = _mb(xz.stat().st_size), round(
                time.perf_counter() - t0, 1)
            again = Path(tmp) / f"{entry.year}-xz.db"
            t0 = time.perf_counter()
            files.decompress(xz, again, flush=False)
            info["xz_open_s"] = round(time.perf_counter() - t0, 2)
            xz.unlink()
            again.unlink()
            day_plain, day_xz, day_gz = _one_day_archive(plain, Path(tmp))
            info["one_day_plain_kb"], info["one_day_xz_kb"] = day_plain // 1000, day_xz // 1000
            info["one_day_gzip_kb"] = day_gz // 1000
            info["one_day_xz_ratio"] = round(day_xz / day_plain, 3)
            info["file_ratio"] = round(entry.size_bytes / plain.stat().st_size, 3)
            conn = sqlite3.connect(plain)
            days = conn.execute("SELECT count(DISTINCT day) FROM tickets").fetchone()[0]
            conn.close()
            info["days"] = days
            info["file_kb_per_day"] = round(entry.size_bytes / max(days, 1) / 1000, 1)
            # what the year would be if each day packed as alone (the estimate before build 2)
            info["xz_mb_days_packed_alone"] = _mb(days * day_xz)
            info["xz_mb_at_one_day_ratio"] = _mb(plain.stat().st_size * day_xz / day_plain)
            plain.unlink()
    # Reports after: the same figures, and what reading an archived year costs: the first
    # report of a range unpacks its years (no kept copy), the ones after it read the copies
    # it kept (kiosk/archive/reading.py, "kept copies").
    month_end = last.replace(day=1) - timedelta(days=1)
    ranges = (("that_year", *year_range, "year-after.csv"),
              ("month", month_end.replace(day=1), month_end, "month.csv"),
              ("365_days", last - timedelta(days=364), last, "year.csv"),
              ("this_year", date(last.year, 1, 1), last, "this-year.csv"))
    for label, a, b, name in ranges:
        files.forget_kept(folder)
        res[f"report_{label}_csv_after_archiving_first_s"] = _csv_report(
            data_dir, a, b, name, 1)[0]
        took, raw = _csv_report(data_dir, a, b, name, runs)
        res[f"report_{label}_csv_after_archiving_s"] = took
        if label == "that_year":
            res["report_that_year_same_figures"] = raw == report_before
    res["logbook_that_year_csv_after_archiving_s"] = round(_run(
        ["export", "logbook", "--from", f"{year_range[0]}", "--to", f"{year_range[1]}",
         "--format", "csv", "--out", str(data_dir / "out" / "l.csv")], data_dir), 2)
    db = connect(db_path)
    for kept in (False, True):
        if not kept:
            files.forget_kept(folder)
        t0 = time.perf_counter()
        with with_archives(db, folder, start=year_range[0], end=year_range[1]) as years:
            opened = time.perf_counter() - t0
            office_stats(db, *year_range, TZ)
        tail = "_kept" if kept else ""
        res[f"office_stats_that_year_in_process{tail}_s"] = round(time.perf_counter() - t0, 2)
        res[f"archives_open{tail}_s"] = round(opened, 2)
    res["archives_attached_for_that_year"] = years
    db.conn.close()
    return res


def _shown(res: dict, progress) -> None:
    for key, value in res.items():
        progress(f"{key} {value}")


def _count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()
