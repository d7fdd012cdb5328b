"""Small helpers the office statistics (compute.py) and the results (results.py) share: the
percentile both report, staff names in one spelling, an event's detail JSON, and the
Vietnamese order of names."""

from __future__ import annotations

import contextlib
import gc
import json
import math
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector paused for the block: a year's figures make millions of
    rows, tuples and lists holding no reference cycle, which it would walk again and again
    (3 % of the instructions of a year's report over archived years). Left as it was when
    another thread paused it already."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def percentile(values: Sequence[float], p: float) -> float:
    """The p-quantile (0 ≤ p ≤ 1) of `values` by linear interpolation between closest ranks
    (Excel PERCENTILE.INC, R type 7). Raises ValueError on no values."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= p <= 1:
        raise ValueError("p must be between 0 and 1")
    xs = sorted(values)
    h = (len(xs) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def _name(text: Any) -> str | None:
    """Staff names as typed at two places (counter login, dossier intake): one spelling."""
    if text is None:
        return None
    cleaned = " ".join(unicodedata.normalize("NFC", str(text)).split())
    return cleaned or None


def _detail(raw: str | None) -> dict[str, Any]:
    # Kiosk events carry plain text (a printer error), counter events a JSON object.
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _sort_key_vi(name: str) -> tuple[str, str]:
    """Vietnamese names sort by given name (the last word), then the full name; accents are
    folded so that "Đức" sorts among the D's."""
    def fold(text: str) -> str:
        text = text.replace("đ", "d").replace("Đ", "D")
        return "".join(c for c in unicodedata.normalize("NFD", text)
                       if unicodedata.category(c) != "Mn").casefold()
    words = name.split()
    return (fold(words[-1]) if words else "", fold(name))



# -- instants, read fast -----------------------------------------------------------------------

_HOUR_US = 3_600_000_000
_DAY_US = 86_400_000_000
_EPOCH = datetime(1970, 1, 1)
_EPOCH_ORDINAL = _EPOCH.toordinal()
_US = timedelta(microseconds=1)
_D = "[0-9]"
_BASE = f"{_D * 4}-{_D * 2}-{_D * 2}T{_D * 2}:{_D * 2}:{_D * 2}"
_OFFSET = f"[+-]{_D * 2}:{_D * 2}"


def instant_sql(column: str) -> str:
    """SQL for the UTC microseconds since 1970 of a stored time, computed by SQLite: only for the
    two shapes the station writes (`datetime.isoformat()` with an offset, with or without
    microseconds); NULL for any other text, which `Clock.wall` then parses in Python."""
    c = column
    return (f"CASE WHEN {c} GLOB '{_BASE}{_OFFSET}' THEN strftime('%s', {c}) * 1000000 "
            f"WHEN {c} GLOB '{_BASE}.{_D * 6}{_OFFSET}' THEN "
            f"strftime('%s', substr({c}, 1, 19) || substr({c}, 27)) * 1000000 "
            f"+ substr({c}, 21, 6) END")


class Clock:
    """Stored times as local wall-clock microseconds since 1970-01-01 in `tz`: exactly what
    `datetime.fromisoformat(text).astimezone(tz)` gives (a time without an offset is local),
    and the difference of two of them is the difference of those datetimes (Python subtracts
    datetimes of one zone by their wall clocks). The zone's offset is looked up once per UTC
    hour; an hour in which the offset changes is parsed time by time."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self._offsets: dict[int, int | None] = {}

    def wall(self, utc_us: int | None, text: str) -> int:
        """`utc_us`: `instant_sql` of `text` (None: parse `text`)."""
        if utc_us is not None:
            hour = utc_us // _HOUR_US
            try:
                offset = self._offsets[hour]
            except KeyError:
                offset = self._offsets[hour] = self._offset(hour)
            if offset is not None:
                return utc_us + offset
        at = datetime.fromisoformat(text)
        at = at.replace(tzinfo=self.tz) if at.tzinfo is None else at.astimezone(self.tz)
        return (at.replace(tzinfo=None) - _EPOCH) // _US

    def _offset(self, hour: int) -> int | None:
        first = datetime.fromtimestamp(hour * 3600, UTC).astimezone(self.tz).utcoffset()
        last = datetime.fromtimestamp(hour * 3600 + 3599, UTC).astimezone(self.tz).utcoffset()
        return first // _US if first == last else None


def wall_day(wall: int) -> date:
    return date.fromordinal(_EPOCH_ORDINAL + wall // _DAY_US)


def wall_hour(wall: int) -> int:
    return wall // _HOUR_US % 24


def rows_by_key(db: Any, table: str, key: str, keys: Iterable[Any], columns: str
                ) -> dict[Any, tuple]:
    """`key` -> (columns...) of the rows of `table` whose `key` is one of `keys`: one query,
    each key looked up by the table's index. Instead of a join: over an archived year the
    table is a view (kiosk/archive/reading.py), which SQLite cannot join by an index (it
    copies the whole view and indexes the copy on every use), while it does look up each part
    of it by an IN list."""
    wanted = sorted({k for k in keys if k is not None})
    if not wanted:
        return {}
    return {row[0]: row[1:] for row in db.execute(
        f"SELECT {key}, {columns} FROM {table} WHERE {key} IN "
        "(SELECT value FROM json_each(?))", (json.dumps(wanted),)).fetchall()}


#: Days before a range whose tickets are looked at first for the range's rated tickets.
RATED_TICKET_DAYS = 7


def rated_tickets_by_uid(db: Any, uids: Iterable[str | None], start: date, end: date
                         ) -> dict[str, tuple]:
    """uid -> (service it was issued for, the queue it was last in, issued_at as written, its
    stored day, its id) of the tickets `uids` rated on local days start..end, over an archived
    year's views. A ticket is rated after it is issued, nearly always the same day: looked
    for first among the tickets stored from RATED_TICKET_DAYS before the range to a day after
    it, each part of the views read by its day index (the year after the range, attached for
    its late records, is not read whole); any not found there, in every part (read whole:
    cheaper than building their uid index for a few)."""
    wanted = sorted({u for u in uids if u is not None})
    if not wanted:
        return {}
    hi = (end + timedelta(days=2)).isoformat()
    select = ("SELECT uid, service_code, coalesce(queue_service, service_code), issued_at, "
              "day, id FROM tickets WHERE ")
    found = {row[0]: row[1:] for row in db.execute(
        select + "day >= ? AND day < ? AND uid IN (SELECT value FROM json_each(?))",
        ((start - timedelta(days=RATED_TICKET_DAYS)).isoformat(), hi,
         json.dumps(wanted))).fetchall()}
    missing = [u for u in wanted if u not in found]
    if missing:
        found.update((row[0], row[1:]) for row in db.execute(
            select + "uid IN (SELECT value FROM json_each(?))",
            (json.dumps(missing),)).fetchall())
    return found


#: The rated ticket's columns of a rating whose ticket is not there (read_ratings).
RATED_TICKET_NONE = (None, None, None, None, None)


def read_ratings(db: Any, start: date, end: date) -> list[tuple]:
    """The ratings of local days start..end with their rated tickets, read once for the
    queue figures (`_add_ratings`) and the results' satisfaction (kiosk.stats.results), each
    (ticket uid, dossier code, counter, clerk, level, reasons, time as written, its instant
    (figures.instant_sql), and of the rated ticket, None without one: the service it was
    issued for, the queue it was last in, issued_at as written, its stored day, its id). Text
    bounds a day wider than the range (offsets may differ between writers; each reader
    decides the exact local day)."""
    lo = (start - timedelta(days=1)).isoformat()
    hi = (end + timedelta(days=2)).isoformat()
    from kiosk.archive.reading import reads_archives

    if reads_archives(db):
        # Over an archived year (views): each rated ticket looked up by its uid, as the
        # LEFT JOIN below finds it (kiosk.archive.reading.reads_archives).
        rated = db.execute(
            "SELECT r.ticket_uid, r.dossier_code, r.counter, r.clerk, r.level, r.reasons, "
            f"r.at, {instant_sql('r.at')} FROM ratings r WHERE r.at >= ? AND r.at < ?",
            (lo, hi)).fetchall()
        rated_tickets = rated_tickets_by_uid(db, [r[0] for r in rated], start, end)
        none = RATED_TICKET_NONE
        return [(*r, *rated_tickets.get(r[0], none)) for r in rated]
    return db.execute(
        "SELECT r.ticket_uid, r.dossier_code, r.counter, r.clerk, r.level, r.reasons, "
        f"r.at, {instant_sql('r.at')}, t.service_code, "
        "coalesce(t.queue_service, t.service_code), t.issued_at, t.day, t.id FROM ratings r "
        "LEFT JOIN tickets t ON t.uid = r.ticket_uid WHERE r.at >= ? AND r.at < ?",
        (lo, hi)).fetchall()
