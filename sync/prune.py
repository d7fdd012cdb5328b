"""Keeping a station's database small over the years: prune delivered outbox rows, then give
the freed pages back to the disk.

The outbox is a delivery queue, not the record: the domain tables (tickets, queue_events,
dossiers, dossier_events, ratings, citizen_feedback) are the audit record and are never touched
here. A delivered row (`sent_at` set by the sync worker when the city accepted it) is pruned
once it was delivered more than `[sync] keep_sent_days` ago, except where something else
still reads it:

- Set-aside rows (refused by the city) are never pruned: a technician must see them.
- A petition's rows stay while its case is open: the office window reads the case's changes
  of hands from them (kiosk/petitions/cases.py `case_history`).
- Pending rows are never pruned (they are not delivered).
- Dossier and rating rows are also read by the office feed (kiosk/officefeed/forward.py),
  which forwards them to the office hub after a cursor per hub: rows after the lowest cursor,
  or after the cursor of the hub this station forwards to (none yet: 0), are kept.
- The retention purge (kiosk/dossiers/retention.py `is_synced`) learns from a dossier's outbox
  rows that the city has it, and a missing row counts as not delivered. So when a delivered
  dossier row goes while its dossier is not past that question (personal data not purged
  yet: handed back, refused, withdrawn and stopped dossiers are all purged once past
  retention), the answer is kept on the status change the row was about:
  `dossier_events.city_delivered = 1`, in the same transaction (until migration 17 the row
  stayed as a payload-less tombstone, about 200 bytes with its keys, for every status change
  of every open dossier; the refused, withdrawn and stopped dossiers' rows an older version
  deleted outright are marked by migration 18).

Each batch is one short write transaction (the candidates are read before it), so a ticket
issued meanwhile waits for at most one small batch. The counter outbox (`counter_outbox`, on a
counter PC whose hub was away) is pruned the same way: operations the hub answered long ago.

With `PRAGMA auto_vacuum = INCREMENTAL` (every database created since; an older one after
`compact()` once) the freed pages are then returned to the file system a chunk at a time;
without it SQLite reuses them for new rows, so the file stops growing but does not shrink.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from kiosk.store import transaction

log = logging.getLogger(__name__)

BATCH_ROWS = 500
VACUUM_CHUNK_PAGES = 256  # 1 MiB of 4 KiB pages per incremental_vacuum call (one short lock)
FORWARDED_TYPES = ("dossier", "rating", "petition")  # kiosk.officefeed.records RECORD_TYPES
_NO_LIMIT = 1 << 62
AUTO_VACUUM_INCREMENTAL = 2


@dataclass
class PruneResult:
    deleted: int = 0         # outbox rows deleted
    slimmed: int = 0         # dossier rows deleted with their delivery marked on the change
    counter_ops: int = 0     # counter_outbox rows deleted
    freed_pages: int = 0     # pages given back to the file system
    more: bool = False       # stopped at max_rows: call again

    @property
    def changed(self) -> int:
        return self.deleted + self.slimmed + self.counter_ops


def cutoff_for(now: datetime, keep_days: int) -> str:
    """Rows delivered before this instant go (compared as instants: julianday() reads the
    offset of each stamp)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return (now - timedelta(days=keep_days)).astimezone(UTC).isoformat()


def forward_floor(db: Database, feed_hub: str | None = None) -> int:
    """The highest outbox id the office feed no longer needs: the lowest cursor over every hub
    this station has forwarded to, and `feed_hub`'s (0 when it has none yet)."""
    cursors = dict(db.execute("SELECT hub, last_outbox_id FROM office_feed_cursor").fetchall())
    floor = min(cursors.values(), default=_NO_LIMIT)
    if feed_hub:
        floor = min(floor, cursors.get(feed_hub.rstrip("/"), 0))
    return floor


def prune_delivered(db: Database, *, now: datetime, keep_days: int,
                    feed_hub: str | None = None, batch_rows: int = BATCH_ROWS,
                    max_rows: int | None = None, vacuum: bool = True) -> PruneResult:
    """Prune what the module doc says may go, in batches of `batch_rows`; stop after
    `max_rows` (then `more` is set). `vacuum`: give the freed pages back afterwards."""
    if keep_days < 0:
        raise ValueError("keep_days cannot be negative")
    cutoff = cutoff_for(now, keep_days)
    floor = forward_floor(db, feed_hub)
    open_cases = _open_cases_clause(db)
    result = PruneResult()
    budget = max_rows if max_rows is not None else _NO_LIMIT
    after = 0
    while budget > 0:
        # Read outside the write transaction: a scan over old rows never holds the lock.
        rows = db.execute(
            "SELECT id, record_type, record_id FROM outbox WHERE id > ? "
            "AND sent_at IS NOT NULL AND set_aside_at IS NULL "
            "AND julianday(sent_at) < julianday(?) "
            "AND (record_type NOT IN (?, ?, ?) OR id <= ?) "
            f"{open_cases} ORDER BY id LIMIT ?",
            (after, cutoff, *FORWARDED_TYPES, floor,
             min(batch_rows, budget))).fetchall()
        if not rows:
            break
        after = rows[-1][0]
        budget -= len(rows)
        keep = _dossier_rows_to_keep(db, [r[2] for r in rows if r[1] == "dossier"])
        delete = [(r[0],) for r in rows if r[2] not in keep]
        marked = 0
        with transaction(db) as conn:
            # The conditions again, under the lock: only a delivered row goes.
            guard = "AND sent_at IS NOT NULL AND set_aside_at IS NULL"
            for oid, _, record_id in (r for r in rows if r[2] in keep):
                gone = conn.execute(f"DELETE FROM outbox WHERE id = ? {guard}", (oid,))
                if gone.rowcount:
                    conn.execute("UPDATE dossier_events SET city_delivered = 1 WHERE uid = ?",
                                 (record_id,))
                    marked += 1
            conn.executemany(f"DELETE FROM outbox WHERE id = ? {guard}", delete)
        result.deleted += len(delete)
        result.slimmed += marked
    else:
        result.more = True
    result.counter_ops = _prune_counter_outbox(db, cutoff, batch_rows)
    if vacuum and result.changed:
        result.freed_pages = incremental_vacuum(db)
    if result.changed:
        log.info("sync: pruned %d delivered record(s) older than %d days (and %d dossier "
                 "record(s) marked delivered on their history, %d counter operation(s)); "
                 "%d page(s) freed",
                 result.deleted, keep_days, result.slimmed, result.counter_ops,
                 result.freed_pages)
    return result


def _open_cases_clause(db: Database) -> str:
    """The scan's term leaving out the rows of a petition not closed and not purged yet: each
    change of a case appends the whole case to the outbox, and the office window shows its
    changes of hands from there (kiosk.petitions.cases.case_history) while it is open; a case a
    client PC forwarded stays open there (the hub handles it) until retention purges it, which
    asks those rows whether the hub has it. Left out of the scan itself, so that rows kept
    never hold the next calls' scans back."""
    has = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'petitions'"
                     ).fetchone()
    if not has:  # a database before the petitions' migration
        return ""
    return ("AND NOT (record_type = 'petition' AND json_valid(payload) AND EXISTS (SELECT 1 "
            "FROM petitions p WHERE p.uid = json_extract(payload, '$.uid') AND p.status != "
            "'closed' AND p.purged_at IS NULL))")


def _dossier_rows_to_keep(db: Database, record_ids: list[str]) -> set[str]:
    """Of these dossier rows (record id = the status change's uid), those retention may still
    read: the dossier is not purged yet."""
    if not record_ids:
        return set()
    marks = ", ".join("?" * len(record_ids))
    gone = {row[0] for row in db.execute(
        f"SELECT e.uid FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id "
        f"WHERE e.uid IN ({marks}) AND d.purged_at IS NOT NULL", record_ids).fetchall()}
    return set(record_ids) - gone


def _prune_counter_outbox(db: Database, cutoff: str, batch_rows: int) -> int:
    total = 0
    while True:
        ids = db.execute("SELECT id FROM counter_outbox WHERE sent_at IS NOT NULL AND "
                         "set_aside_at IS NULL AND julianday(sent_at) < julianday(?) "
                         "ORDER BY id LIMIT ?",
                         (cutoff, batch_rows)).fetchall()
        if not ids:
            return total
        with transaction(db) as conn:
            conn.executemany("DELETE FROM counter_outbox WHERE id = ? AND sent_at IS NOT NULL",
                             ids)
        total += len(ids)


def auto_vacuum_mode(db: Database) -> int:
    """0 none, 1 full, 2 incremental."""
    return db.execute("PRAGMA auto_vacuum").fetchone()[0]


def incremental_vacuum(db: Database, chunk_pages: int = VACUUM_CHUNK_PAGES) -> int:
    """Return the free pages to the file system, a chunk per write transaction; 0 unless the
    database is in incremental auto-vacuum mode. Returns the pages freed."""
    if auto_vacuum_mode(db) != AUTO_VACUUM_INCREMENTAL:
        return 0
    freed = 0
    while True:
        free = db.execute("PRAGMA freelist_count").fetchone()[0]
        if free == 0:
            return freed
        step = min(free, chunk_pages)
        try:
            db.conn.execute(f"PRAGMA incremental_vacuum({step})").fetchall()
        except sqlite3.OperationalError as exc:  # busy past the timeout: next time
            log.info("sync: incremental vacuum postponed (%s)", exc)
            return freed
        after = db.execute("PRAGMA freelist_count").fetchone()[0]
        if after >= free:
            return freed
        freed += free - after


def compact(db: Database) -> tuple[int, int]:
    """Turn on incremental auto-vacuum if the database predates it, and rebuild the file
    (VACUUM): every free page goes back to the disk. Needs a moment nobody writes (it takes
    the write lock for as long as it copies the database: seconds per 100 MB). Returns the
    file's (pages before, pages after)."""
    before = db.execute("PRAGMA page_count").fetchone()[0]
    if auto_vacuum_mode(db) != AUTO_VACUUM_INCREMENTAL:
        db.conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
    db.conn.execute("VACUUM")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    return before, db.execute("PRAGMA page_count").fetchone()[0]
