"""Each closed day's queue figures, kept in the station database so that a year's report reads
a few hundred rows instead of a year's tickets and queue events.

What a day keeps (`DayPart`): for the tickets issued on that local day, per service, counter
and clerk, the counts (issued, called, served, skipped, transferred) and every waiting and
service time in whole microseconds (medians and P90 need every value; kept sorted and
compressed: about 4 KB a busy day, 1.4 MB a year), the tickets issued and served per hour, the
service each transferred ticket ended in (ratings are counted under it) and each ticket's last
clerk (the results credit its rating to that clerk). Ratings, dossiers and the results are
read from their tables on every report (except an archived year's dossiers: what each counts
for is kept by the year's identity, kiosk/stats/results.py).

Never stale: a kept day carries the fingerprint of the records it was computed from (per
stored ticket day: how many tickets and queue events, the sum and the largest of their row
ids) for its day and the days on either side; a report uses it only while the records still
have that fingerprint. Queue events are only ever added (the log is the audit record), so an
event arriving late from a counter on a hub, a ticket synced late, or records moved away to an
archive change the fingerprint and the day is computed again from the records (and kept
anew). Days are kept only once they are two days old (today's and yesterday's figures are
always read live), per time zone and per `VERSION` of the computation.

Over archived years (kiosk/archive/reading.py) the fingerprints add each attached year's file
and the live tables up apart; a year's own sums per day are kept too (one row per year, zone
ARCHIVED_ZONE), under the identity its manifest gives its tickets and queue events, so a
report over an archived year does not read its queue events again until its tickets or queue
events change.

The table (migration 16, kiosk/store/stats_schema.py) is a cache, not a record: never sent
to the city, safe to empty at any time. A station that cannot write it (a read-only copy, a
busy database) computes everything from the records, as before.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from kiosk.store.stats_schema import CREATE_TABLE

#: Bump when what a day keeps or how it is computed changes: older rows are then ignored.
VERSION = 2
TABLE = "stats_days"


@dataclass
class DayPart:
    """One local day's queue figures. `combos`: (service, counter, clerk) -> [issued, called,
    served, skipped, transferred, waits, service times] (times in microseconds; counter and
    clerk None for what the kiosk counts: issued)."""

    combos: dict[tuple[str, str | None, str | None], list] = field(default_factory=dict)
    issued_by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    served_by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    #: Ticket uid -> the service of its last segment, for the tickets transferred.
    moved: dict[str, str] = field(default_factory=dict)
    #: Ticket id -> the clerk of its last call or finish naming one (None: none does), for
    #: every ticket of the day: whom the results credit a rating of it to.
    clerks: dict[int, str | None] = field(default_factory=dict)

    def combo(self, key: tuple[str, str | None, str | None]) -> list:
        found = self.combos.get(key)
        if found is None:
            found = self.combos[key] = [0, 0, 0, 0, 0, [], []]
        return found

    def pack(self) -> bytes:
        combos = [[*key, *counts[:5], sorted(counts[5]), sorted(counts[6])]
                  for key, counts in self.combos.items()]
        names = sorted({c for c in self.clerks.values() if c is not None})
        index = {name: i for i, name in enumerate(names)}
        ids = sorted(self.clerks)
        data = {"combos": combos, "issued_by_hour": self.issued_by_hour,
                "served_by_hour": self.served_by_hour, "moved": self.moved,
                "clerk_names": names,
                # ids as steps from the one before (small numbers), clerks by index (-1: none)
                "ticket_steps": [b - a for a, b in zip([0, *ids], ids, strict=False)],
                "ticket_clerks": [-1 if self.clerks[i] is None else index[self.clerks[i]]
                                  for i in ids]}
        return zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 6)

    @classmethod
    def unpack(cls, blob: bytes) -> DayPart:
        data = json.loads(zlib.decompress(blob))
        names = data["clerk_names"]
        ids, at = [], 0
        for step in data["ticket_steps"]:
            at += step
            ids.append(at)
        clerks = {i: None if k < 0 else names[k]
                  for i, k in zip(ids, data["ticket_clerks"], strict=True)}
        return cls(combos={(c[0], c[1], c[2]): c[3:] for c in data["combos"]},
                   issued_by_hour=data["issued_by_hour"],
                   served_by_hour=data["served_by_hour"], moved=data["moved"], clerks=clerks)


def _day_texts(first: date, last: date) -> list[str]:
    return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def fingerprints(db: Database, first: date, last: date,
                 fresh: list[tuple[str, str, bytes]] | None = None) -> dict[str, str]:
    """Stored ticket day -> what its records add up to (tickets, queue events), for the days
    first - 1 .. last + 1. Over archived years each year's sums are taken from what an
    earlier reading kept of that year (ARCHIVED_ZONE) while its identity is the same; the
    ones added up now are appended to `fresh` (keep_archived: after the read transaction)."""
    lo, hi = (first - timedelta(days=1)).isoformat(), (last + timedelta(days=1)).isoformat()
    from kiosk.archive.reading import reads_archives

    parts = archive_parts(db) if reads_archives(db) else [""]
    if parts is None:
        ticket_sums, event_sums = _sums_without_join(db, lo, hi)
    else:
        ticket_sums, event_sums = _sums_by_part(db, parts, lo, hi, fresh)
    tickets = {day: f"{n}:{int(ids)}" for day, n, ids in ticket_sums}
    events = {day: f"{n}:{int(ids)}:{top}" for day, n, ids, top in event_sums}
    return {day: f"{tickets.get(day, '0')}/{events.get(day, '0')}"
            for day in _day_texts(first - timedelta(days=1), last + timedelta(days=1))}


def archive_parts(db: Database, tables: tuple[str, ...] = ("tickets", "queue_events")
                  ) -> list[str] | None:
    """The schemas whose `tables` a reading through archived years adds up ("archive_2025.",
    ..., "main."): a ticket is archived with its events, a dossier with its history and
    slips, so each part's join is whole. None when a view must drop a live row also archived
    (a run cut off between writing and deleting): the rows are then read through the views."""
    names = ", ".join(f"'{t}'" for t in tables)
    views = db.execute("SELECT sql FROM temp.sqlite_master WHERE type = 'view' AND name IN "
                       f"({names})").fetchall()
    if any("NOT IN" in (sql or "") for (sql,) in views):
        return None
    schemas = [name for _seq, name, _file in db.execute("PRAGMA database_list").fetchall()
               if name.startswith("archive_")]
    return [f"{s}." for s in schemas] + ["main."]


#: The zone under which `stats_days` keeps an archived year's sums per stored ticket day (its
#: `day`: the attached schema's name, archive_YYYY; its `sources`: the year's identity,
#: kiosk.archive.reading.archive_identity). Never a time zone: the kept days never match it.
ARCHIVED_ZONE = "archived-year-sums"


def _sums_by_part(db: Database, parts: list[str], lo: str, hi: str,
                  fresh: list[tuple[str, str, bytes]] | None = None
                  ) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int, int]]]:
    """The live query's sums per day, over each part (its own indexes), added up; an
    archived year's from what was kept of it (_archived_sums)."""
    tickets: dict[str, list[int]] = {}
    events: dict[str, list[int]] = {}
    for part in parts:
        whole = _archived_sums(db, part, fresh) if part.startswith("archive_") else None
        if whole is not None:
            part_tickets = [r for r in whole[0] if lo <= r[0] <= hi]
            part_events = [r for r in whole[1] if lo <= r[0] <= hi]
        else:
            part_tickets = db.execute(
                f"SELECT day, count(*), total(id) FROM {part}tickets WHERE day BETWEEN ? "
                "AND ? GROUP BY day", (lo, hi)).fetchall()
            part_events = db.execute(
                f"SELECT t.day, count(*), total(e.id), max(e.id) FROM {part}tickets t JOIN "
                f"{part}queue_events e ON e.ticket_id = t.id WHERE t.day BETWEEN ? AND ? "
                "GROUP BY t.day", (lo, hi)).fetchall()
        for day, n, ids in part_tickets:
            got = tickets.setdefault(day, [0, 0])
            got[0] += n
            got[1] += int(ids)
        for day, n, ids, top in part_events:
            got = events.setdefault(day, [0, 0, 0])
            got[0] += n
            got[1] += int(ids)
            got[2] = max(got[2], top)
    return ([(day, n, ids) for day, (n, ids) in tickets.items()],
            [(day, n, ids, top) for day, (n, ids, top) in events.items()])


def _archived_sums(db: Database, part: str, fresh: list[tuple[str, str, bytes]] | None
                   ) -> tuple[list[list], list[list]] | None:
    """The attached year `part`'s sums for every stored ticket day it holds (text days, as
    `day BETWEEN` picks them): kept from an earlier reading of the same identity, or added up
    now over the whole year (one scan of its queue events, about what a range of it costs)
    and appended to `fresh` to be kept. None: the year's identity is unknown (read by
    range, as the live tables)."""
    from kiosk.archive.reading import archive_identity

    schema = part.rstrip(".")
    identity = archive_identity(db, schema)
    if identity is None:
        return None
    data = kept_year(db, schema, ARCHIVED_ZONE, identity)
    if data is not None:
        try:
            kept = ([[_day(d), int(n), int(ids)] for d, n, ids in data["tickets"]],
                    [[_day(d), int(n), int(ids), int(top)]
                     for d, n, ids, top in data["events"]])
            return kept
        except (ValueError, KeyError, TypeError):
            pass  # a damaged row: added up again and replaced
    text = "typeof(day) = 'text'"
    sums = ([[d, n, int(ids)] for d, n, ids in db.execute(
                f"SELECT day, count(*), total(id) FROM {part}tickets WHERE {text} "
                "GROUP BY day").fetchall()],
            [[d, n, int(ids), top] for d, n, ids, top in db.execute(
                f"SELECT t.day, count(*), total(e.id), max(e.id) FROM {part}tickets t JOIN "
                f"{part}queue_events e ON e.ticket_id = t.id WHERE typeof(t.day) = 'text' "
                "GROUP BY t.day").fetchall()])
    if fresh is not None:
        fresh.append((schema, identity, year_blob({"tickets": sums[0], "events": sums[1]})))
    return sums


def kept_year(db: Database, schema: str, zone: str, sources: str) -> Any:
    """What an earlier reading kept of the attached year `schema` under `zone` (its JSON),
    when it was kept from the same `sources` (the year's identity and whatever else it was
    computed by); None: nothing kept, kept from other sources, or not readable (computed
    again and replaced). The caller checks its shape."""
    try:
        row = db.execute(f"SELECT sources, data FROM {TABLE} WHERE day = ? AND zone = ? AND "
                         "version = ?", (schema, zone, VERSION)).fetchone()
    except sqlite3.OperationalError:  # never written on this station yet
        return None
    if row is None or row[0] != sources:
        return None
    try:
        return json.loads(zlib.decompress(row[1]))
    except (ValueError, TypeError, zlib.error):
        return None


def year_blob(data: Any) -> bytes:
    """How what is kept of an archived year is stored (kept_year reads it back)."""
    return zlib.compress(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode(), 6)


def _day(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("a kept day is not text")
    return value


def keep_archived(db: Database, fresh: Iterable[tuple[str, str, bytes]],
                  zone: str = ARCHIVED_ZONE) -> int:
    """Keep the archived years' sums `fresh` (fingerprints; or under another `zone`, what
    else is kept of an archived year: kiosk.stats.results): best effort, as `keep`."""
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    rows = [(schema, zone, VERSION, identity, blob, now) for schema, identity, blob in fresh]
    return _write(db, rows)


def _sums_without_join(db: Database, lo: str, hi: str
                       ) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int, int]]]:
    """Per stored ticket day lo..hi: (day, tickets, sum of their ids), and (day, events, sum
    and largest of their ids) as the join of tickets and queue_events gives them, without the
    join: over an archived year both are views (kiosk/archive/reading.py), which SQLite joins
    by copying one whole and indexing the copy. The tickets are read once; their events by
    the range of the days' ticket ids (each part of the view by its index alone), and added
    up per day here."""
    from kiosk.archive.reading import ensure_index

    ensure_index(db, "queue_events", ("ticket_id",))
    day_of = dict(db.execute("SELECT id, day FROM tickets WHERE day BETWEEN ? AND ?",
                             (lo, hi)).fetchall())
    if not day_of:
        return [], []
    per_ticket_day: dict[str, list[int]] = {}
    for ticket_id, day in day_of.items():
        got = per_ticket_day.get(day)
        if got is None:
            per_ticket_day[day] = [1, ticket_id]
        else:
            got[0] += 1
            got[1] += ticket_id
    per_day: dict[str, list[int]] = {}
    day_of_ticket = day_of.get
    for ticket_id, event_id in db.execute(
            "SELECT ticket_id, id FROM queue_events WHERE ticket_id BETWEEN ? AND ?",
            (min(day_of), max(day_of))):
        day = day_of_ticket(ticket_id)
        if day is None:  # an id inside the range, of a ticket of another day
            continue
        got = per_day.get(day)
        if got is None:
            per_day[day] = [1, event_id, event_id]
        else:
            got[0] += 1
            got[1] += event_id
            if event_id > got[2]:
                got[2] = event_id
    return ([(day, n, ids) for day, (n, ids) in per_ticket_day.items()],
            [(day, n, ids, top) for day, (n, ids, top) in per_day.items()])


def sources(prints: Mapping[str, str], day: str) -> str:
    """The fingerprint a kept `day` must match: its stored day and the two beside it (a ticket
    written by a PC in another zone may be stored under a neighbouring day)."""
    d = date.fromisoformat(day)
    return "|".join(prints.get((d + timedelta(days=k)).isoformat(), "0") for k in (-1, 0, 1))


def kept(db: Database, first: date, last: date, zone: str,
         prints: Mapping[str, str]) -> dict[str, DayPart]:
    """The kept days of first..last still true to their records."""
    try:
        rows = db.execute(f"SELECT day, sources, data FROM {TABLE} WHERE zone = ? AND "
                          "version = ? AND day BETWEEN ? AND ?",
                          (zone, VERSION, first.isoformat(), last.isoformat())).fetchall()
    except sqlite3.OperationalError:  # never written on this station yet
        return {}
    out = {}
    for day, was, blob in rows:
        if was == sources(prints, day):
            try:
                out[day] = DayPart.unpack(blob)
            except (ValueError, KeyError, TypeError, zlib.error):
                continue  # a damaged row: computed again and replaced
    return out


def keep(db: Database, parts: Mapping[str, DayPart], days: Iterable[str], zone: str,
         prints: Mapping[str, str]) -> int:
    """Keep `days` (computed from the records that `prints` describe): best effort, in one
    short transaction; a database that cannot be written keeps nothing. How many were kept."""
    rows: list[tuple[Any, ...]] = []
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    for day in days:
        part = parts.get(day) or DayPart()
        rows.append((day, zone, VERSION, sources(prints, day), part.pack(), now))
    return _write(db, rows)


def _write(db: Database, rows: list[tuple[Any, ...]]) -> int:
    """Write kept rows in one short transaction; how many (0: a database that cannot be
    written, read-only or busy, keeps nothing, and the next report tries again)."""
    if not rows:
        return 0
    conn: sqlite3.Connection = db.conn
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(CREATE_TABLE)
            conn.executemany(f"INSERT OR REPLACE INTO {TABLE} (day, zone, version, sources, "
                             "data, built_at) VALUES (?, ?, ?, ?, ?, ?)", rows)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    except sqlite3.Error:
        return 0
    return len(rows)
