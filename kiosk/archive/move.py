"""Moving the closed records of past months and years out of the live database.

Into one archive file per calendar year; with `[store] archive_keep_months` the current year's
file grows month by month (unpacked, the rows of the newly closed months added, checked,
repacked), its manifest's `until` saying up to which day (exclusive) it may hold records.
One year at a time, in an order that a power cut at any moment cannot turn into a lost or a
doubled row:

1. select the year's closed rows (tables.py), reading only;
2. build the year's archive in a hidden work file beside it (the existing archive of the year
   unpacked first, so a record that closed late joins its year), adding each selected row not
   already there under its key, and check that every selected row is in it, column for
   column (a SHA-256 over the rows, live against archived);
3. compress it to a hidden file, flushed to the disk, and check that it unpacks to the work
   file byte for byte; write the new manifest beside (`.kiosk-archive-YYYY.json.pending`);
   rename the file over the year's archive, flush the folder, then put the manifest in place;
4. only then delete the selected rows from the live database, in one transaction, and give
   the freed pages back (incremental vacuum, as the sync's pruning does).

Cut off before 3's rename: the live rows are all there, the old archive (if any) untouched,
and the hidden files are removed by the next run (a pending manifest not matching the file in
place is dropped). Cut off between the two renames: the next run puts the pending manifest in
place first (files.finish_pending). Cut off after them: the next run finds the
rows in the archive already (same keys), adds nothing, checks them again and deletes them.
A row is deleted only in the transaction that follows a check of that very row.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from kiosk.archive import files, packing
from kiosk.archive.files import FORMAT, ArchiveError
from kiosk.archive.tables import BY_NAME, TABLES, columns, drop_selection, existing, select_closed
from kiosk.private_files import write_private_atomic
from kiosk.store import transaction, wrap
from kiosk.store.db import read_only_uri

log = logging.getLogger(__name__)

#: Test hook: the process kills itself (SIGKILL) on reaching this step ("built", "packed",
#: "renamed", "step" (the first step of a deletion in steps), "deleted"), to prove a re-run
#: finishes the job. Never set in production.
STOP_AT_ENV = "KIOSK_ARCHIVE_STOP_AT"
ATTACHED = "kiosk_archive_work"
LOCK_FILE = "archive.lock"


@dataclass
class YearResult:
    year: int
    rows: dict[str, int] = field(default_factory=dict)  # rows moved (dry run: to move)
    path: Path | None = None
    size_bytes: int = 0
    seconds: float = 0.0
    dry_run: bool = False
    until: date | None = None  # exclusive end of what the year's file may hold (manifest)

    @property
    def moved(self) -> int:
        return sum(self.rows.values())

    def as_json(self) -> dict[str, Any]:
        return {"year": self.year, "rows": self.rows, "moved": self.moved,
                "file": str(self.path) if self.path else None, "size_bytes": self.size_bytes,
                "seconds": round(self.seconds, 2), "dry_run": self.dry_run,
                "until": self.until.isoformat() if self.until else None}


def _checkpoint(step: str) -> None:
    if os.environ.get(STOP_AT_ENV) == step:
        log.warning("archive: stopping at %r (%s)", step, STOP_AT_ENV)
        if hasattr(signal, "SIGKILL"):
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(137)


def last_year_for(before: date) -> int:
    """The newest calendar year with a day before `before` (a 1 January: the year before)."""
    return before.year - 1 if (before.month, before.day) == (1, 1) else before.year


def year_until(year: int, before: date) -> date:
    """The exclusive end of what an archiving run up to `before` takes of `year`: the next
    1 January, or `before` within its own year."""
    return min(date(year + 1, 1, 1), before)


def default_before(today: date, keep_years: int) -> date:
    """The first day kept live when `keep_years` calendar years stay (the current one
    included): 2 in 2026 -> 2025-01-01."""
    return date(today.year - max(keep_years, 1) + 1, 1, 1)


def months_before(today: date, keep_months: int) -> date:
    """The first day kept live when `keep_months` calendar months stay (the current one
    included): 3 in December 2026 -> 2026-10-01 (October, November, December stay live)."""
    index = today.year * 12 + today.month - 1 - (max(keep_months, 1) - 1)
    return date(index // 12, index % 12 + 1, 1)


def configured_before(store: Any, today: date) -> date | None:
    """The cut-off the configuration's rule sets today ([store] archive_keep_months when > 0,
    else archive_keep_years when > 0); None when automatic archiving is off."""
    if store.archive_keep_months:
        return months_before(today, store.archive_keep_months)
    if store.archive_keep_years:
        return default_before(today, store.archive_keep_years)
    return None


#: Nothing younger is archived by the station's rule: a counter PC forwards a rating or
#: replays a queue operation to its hub up to 31 days late (kiosk/hub/limits.py AT_MAX_AGE),
#: and a record archived before it came would come back live and count twice.
RECENT_DAYS = 32


def ready(before: date, today: date) -> bool:
    """The rule's cut-off `before` is RECENT_DAYS old: its run may go (the station waits for
    that: archive_keep_years = 1 runs from 2 February, archive_keep_months = 2 from the 3rd)."""
    return before <= today - timedelta(days=RECENT_DAYS)


def due_before(store: Any, today: date) -> date | None:
    """The cut-off the station's rule has archived up to by `today`: today's once it is
    ready(), else the one of RECENT_DAYS ago (ready by construction)."""
    before = configured_before(store, today)
    if before is None or ready(before, today):
        return before
    return configured_before(store, today - timedelta(days=RECENT_DAYS))


def first_live_year(db: Database) -> int | None:
    """The oldest year any archived table has a live row of."""
    present = {t.name for t in existing(db)}
    probes = [("tickets", "day"), ("dossiers", "day"), ("ratings", "at"),
              ("citizen_feedback", "at"), ("petitions", "received_at"),
              ("office_dossiers", "day")]
    years = []
    for table, col in probes:
        if table in present:
            v = db.execute(f"SELECT min({col}) FROM main.{table}").fetchone()[0]
            if v and v[:4].isdigit():
                years.append(int(v[:4]))
    return min(years) if years else None


class AfterDeletion(ArchiveError):
    """A year's rows were archived, checked and deleted from the live database; what came
    after (giving the freed pages back, reading the file's size) failed."""

    def __init__(self, year: int, exc: BaseException):
        super().__init__(f"{year} was archived and its rows deleted from the live database, "
                         f"but what came after failed: {exc}")
        self.year = year


def archive(db: Database, folder: Path, before: date, *, station_id: str,
            dry_run: bool = False, now: datetime | None = None,
            done: list[YearResult] | None = None, go_on: Callable[[], bool] | None = None,
            one_year: bool = False, step: int | None = None,
            keep_dossiers: bool = False) -> list[YearResult]:
    """Archive every closed record whose last activity is before the day `before`, into the
    file of its calendar year, one year after the other (oldest first): the years before
    `before`'s year whole, its own year up to `before` (nothing of it when `before` is a 1
    January); the years with something to move (also appended to
    `done` as each finishes, for a caller that must say what was done before a failure).
    `one_year`: stop after the first year with something moved; `go_on`: asked before each
    year's file is put in place, False leaves that year as it was (files.Postponed); `step`:
    delete the checked rows in transactions of that many records each (_delete_in_steps);
    `keep_dossiers` (a PC of a LAN office): the dossier side stays live (tables.DOSSIER_SIDE)."""
    from kiosk.instance import AlreadyRunning, InstanceLock

    last = last_year_for(before)
    first = first_live_year(db)
    results: list[YearResult] = []
    if first is None:  # nothing live; what a cut-off run left is still finished
        if dry_run or not files.has_leftovers(folder):
            return results
        first = last + 1
    lock = None
    if not dry_run:  # one run at a time (the station's yearly run and a `kiosk archive`)
        try:
            lock = InstanceLock(Path(folder) / LOCK_FILE).acquire()
        except AlreadyRunning as exc:
            raise ArchiveError(f"another archiving run is under way (process {exc.pid or '?'})"
                               ": try again when it is done.") from exc
    try:
        if not dry_run:  # a purge of an archived year cut off between its renames
            files.finish_pending(folder)
            # and what a run cut off left, even when nothing is left to move (a run killed
            # after its deletion: the unpacked year must not stay in the folder until the
            # next month with something to archive)
            files.remove_temporaries(folder)
        for year in range(first, last + 1):
            result = archive_year(db, folder, year, station_id=station_id, dry_run=dry_run,
                                  now=now, go_on=go_on, step=step,
                                  until=year_until(year, before),
                                  keep_dossiers=keep_dossiers)
            if result.moved:
                results.append(result)
                if done is not None:
                    done.append(result)
                if one_year:
                    break
    finally:
        if lock is not None:
            lock.release()
    return results


def archive_year(db: Database, folder: Path, year: int, *, station_id: str,
                 dry_run: bool = False, now: datetime | None = None,
                 go_on: Callable[[], bool] | None = None,
                 step: int | None = None, until: date | None = None,
                 keep_dossiers: bool = False) -> YearResult:
    """The closed records of `year` whose last activity is before `until` (default: the
    whole year) into its archive file, added to what it holds already."""
    started = time.monotonic()
    until = year_until(year, until or date(year + 1, 1, 1))
    result = YearResult(year, dry_run=dry_run, until=until)
    deleted = False
    try:
        counts = select_closed(db, year, until, keep_dossiers=keep_dossiers)
        result.rows = {k: v for k, v in counts.items() if v}
        if dry_run or not result.moved:
            return result
        folder = files.ensure_folder(folder)
        files.remove_temporaries(folder)
        held = files.year_file(folder, year)  # gzip, or xz written before
        final = files.new_year_file(folder, year)
        work = folder / f".{final.name}.work.tmp"
        packed = folder / f".{final.name}.new.tmp"
        try:
            if held.exists():
                files.decompress(held, work, threads=packing.archiving_threads(),
                                 sha256=_manifest_sha(folder, year))
            else:
                from kiosk.private_files import create_private

                create_private(work)
            manifest_rows = _build(db, work, year, station_id, now)
            _checkpoint("built")
            digest = files.compress(work, packed)
            _same_bytes(packed, work)
            _checkpoint("packed")
            if go_on is not None and not go_on():
                raise files.Postponed(f"{year} was left as it was: the station got busy")
            public = _public_dossiers(work)
            personal = personal_data(work)
            marks = _day_marks(work)
            if held.exists():  # extending the year: its file may already reach further
                until = max(until, files.manifest_until(files.read_manifest(folder, year), year))
            result.until = until
            # The new manifest waits beside until the file it describes is in place (as a
            # retention rewrite does): a rename that fails (a report holding the file open on
            # Windows) leaves the old pair as it was; cut off between the two renames, the
            # next run puts it in place (files.finish_pending).
            write_private_atomic(files.pending_file(folder, year), files.manifest_text({
                "format": FORMAT, "year": year, "station_id": station_id,
                "until": until.isoformat(),
                "written_at": (now or datetime.now(UTC)).isoformat(),
                "file": final.name, "file_sha256": digest,
                "rows": {k: v[0] for k, v in manifest_rows.items()},
                "rows_sha256": {k: v[1] for k, v in manifest_rows.items()},
                "dossiers": public, "personal": personal, **marks}), fsync=True)
            os.replace(packed, final)
            files.fsync_dir(folder)
            _checkpoint("renamed")
            os.replace(files.pending_file(folder, year), files.manifest_file(folder, year))
            files.fsync_dir(folder)
            _checkpoint("in-place")
            files.remove_replaced(folder, year)  # the year's xz file, when it had one
            files.forget_kept(folder, year)  # the readings' copies of the year as it was
            if step:
                _delete_in_steps(db, step)
            else:
                _delete(db)
            deleted = True
            _checkpoint("deleted")
        finally:
            for p in (work, packed):
                files.remove_work_file(p)
        from sync.prune import incremental_vacuum

        incremental_vacuum(db)
        result.path = final
        result.size_bytes = final.stat().st_size
        log.info("archive: %d record(s) of %d moved to %s (%.1f MB, %.0f s)", result.moved,
                 year, final.name, result.size_bytes / 1e6, time.monotonic() - started)
        return result
    except Exception as exc:
        if deleted and not isinstance(exc, AfterDeletion):
            raise AfterDeletion(year, exc) from exc
        raise
    finally:
        drop_selection(db)
        result.seconds = time.monotonic() - started


def _archive_ddl(db: Database, table: str) -> str:
    info = db.execute(f"PRAGMA main.table_info({table})").fetchall()
    cols = []
    for _cid, name, type_, _notnull, _default, pk in info:
        spec = f'"{name}" {type_}'.rstrip()
        if name == "id" and pk == 1 and BY_NAME[table].key == ("id",):
            spec = '"id" INTEGER PRIMARY KEY'
        cols.append(spec)
    return f"CREATE TABLE IF NOT EXISTS {ATTACHED}.{table} ({', '.join(cols)})"


def _build(db: Database, work: Path, year: int, station_id: str,
           now: datetime | None) -> dict[str, tuple[int, str]]:
    """Add the selected rows to the unpacked archive at `work`; check them; return the rows
    and checksum per table of the whole archive."""
    conn = db.conn
    conn.execute(f"ATTACH DATABASE ? AS {ATTACHED}", (str(work),))
    try:
        conn.execute(f"PRAGMA {ATTACHED}.journal_mode = DELETE").fetchall()
        conn.execute(f"PRAGMA {ATTACHED}.synchronous = FULL")
        present = existing(db)
        # Deferred, not IMMEDIATE: only the archive file is written, the live database is
        # only read (IMMEDIATE would hold its write lock, and every ticket, for the build).
        conn.execute("BEGIN")
        try:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {ATTACHED}.archive_meta "
                         "(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            for t in present:
                conn.execute(_archive_ddl(db, t.name))
                have = set(columns(db, t.name, ATTACHED))
                for name, type_ in db.execute("SELECT name, type FROM pragma_table_info(?)",
                                              (t.name,)).fetchall():
                    if name not in have:  # a column added to the live table since
                        conn.execute(f'ALTER TABLE {ATTACHED}.{t.name} ADD COLUMN "{name}" '
                                     f"{type_}")
                cols = ", ".join(f'"{c}"' for c in columns(db, t.name))
                keys = ", ".join(t.key)
                # A row already archived by a run cut after the rename whose live copy
                # changed since: the archive takes the live row (it is the one deleted).
                conn.execute(
                    f"DELETE FROM {ATTACHED}.{t.name} WHERE ({keys}) IN "
                    f"(SELECT {keys} FROM temp.{t.selection})")
                conn.execute(
                    f"INSERT INTO {ATTACHED}.{t.name} ({cols}) SELECT {cols} FROM main.{t.name} "
                    f"WHERE ({keys}) IN (SELECT {keys} FROM temp.{t.selection})")
            conn.executemany(f"INSERT OR REPLACE INTO {ATTACHED}.archive_meta VALUES (?, ?)", [
                ("format", str(FORMAT)), ("year", str(year)), ("station_id", station_id),
                ("written_at", (now or datetime.now(UTC)).isoformat())])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        whole = {}
        for t in present:
            cols = columns(db, t.name)
            live = files.table_checksum(conn, "main", t.name, cols, t.key, only=t.selection)
            kept = files.table_checksum(conn, ATTACHED, t.name, cols, t.key, only=t.selection)
            if live != kept:
                listed = ", ".join(f'"{c}"' for c in cols)
                keys = ", ".join(t.key)
                alike = conn.execute(
                    f"SELECT count(*) FROM (SELECT {listed} FROM main.{t.name} WHERE ({keys}) IN "
                    f"(SELECT {keys} FROM temp.{t.selection}) INTERSECT SELECT {listed} FROM "
                    f"{ATTACHED}.{t.name} WHERE ({keys}) IN (SELECT {keys} FROM "
                    f"temp.{t.selection}))").fetchone()[0]
                raise ArchiveError(f"the archive of {year} does not hold the live rows of "
                                   f"{t.name} it should ({alike} of {live[0]} alike): "
                                   "nothing was deleted")
            whole[t.name] = files.table_checksum(conn, ATTACHED, t.name,
                                                 columns(db, t.name, ATTACHED), t.key)
        return whole
    finally:
        conn.execute(f"DETACH DATABASE {ATTACHED}")


def _same_bytes(packed: Path, work: Path) -> None:
    """The compressed file unpacks to exactly the checked work file."""
    size = work.stat().st_size

    def compare(offset: int, pieces: Iterator[bytes]) -> None:
        with open(work, "rb") as f:
            f.seek(offset)
            for piece in pieces:
                if f.read(len(piece)) != piece:
                    raise ArchiveError("the compressed archive does not unpack to what was "
                                       "checked")

    try:
        unpacked = files.unpack(packed, compare, threads=packing.archiving_threads())
    except ArchiveError as exc:
        raise ArchiveError(f"the compressed archive does not read back: {exc}") from exc
    if unpacked != size:
        raise ArchiveError("the compressed archive does not unpack to what was checked")


def _manifest_sha(folder: Path, year: int) -> str:
    """The SHA-256 the manifest gives the year's file, which is checked before it is extended:
    a file that is not what its manifest says would carry its damage into the new one."""
    digest = (files.read_manifest(folder, year) or {}).get("file_sha256")
    if not isinstance(digest, str):
        raise ArchiveError(f"the archive of {year} has no readable manifest: nothing was "
                           "added to it (`kiosk doctor`)")
    return digest


def _day_marks(work: Path) -> dict[str, str | None]:
    """How late the year's rows go (kiosk.archive.reading.latest_marks: a reading from
    1 January of the next year then knows without unpacking whether it needs this one) and
    how early (EARLIEST_KEY: a reading of an earlier range, whether it needs this one)."""
    import sqlite3

    from kiosk.archive.reading import EARLIEST_KEY, earliest_day, latest_marks

    conn = sqlite3.connect(read_only_uri(work), uri=True)
    try:
        db = wrap(conn)
        return {**latest_marks(db), EARLIEST_KEY: earliest_day(db)}
    finally:
        conn.close()


def _public_dossiers(work: Path) -> dict[str, list]:
    """The kiosk's look-up of each archived dossier (code -> procedure name, status,
    appointment date, received day, result place, hand-back day): what a citizen's receipt
    scan shows, without personal data (archived dossiers are purged; no initials)."""
    import sqlite3

    conn = sqlite3.connect(read_only_uri(work), uri=True)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        out: dict[str, list] = {}
        for table in ("office_dossiers", "dossiers"):  # the station's own record wins
            if table in names:
                for row in conn.execute(
                        "SELECT code, procedure_name, status, appointment_date, "
                        f"substr(received_at, 1, 10), result_place, substr(returned_at, 1, 10) "
                        f"FROM {table}"):
                    out[row[0]] = list(row[1:])
        return dict(sorted(out.items()))
    finally:
        conn.close()


def personal_data(work: Path) -> dict[str, Any]:
    """What personal data the unpacked archive at `work` holds, counted for the manifest (no
    data, counts and days only): dossiers not purged yet (refused, withdrawn, stopped within
    their retention time when archived) still holding a submitter's or owner's details or
    notes, with
    the oldest and newest day of their last change, and feedback with a phone number, by its
    day. kiosk/archive/purge.py reads it to know whether a year may hold data past
    retention without unpacking it."""
    import sqlite3

    from kiosk.dossiers.intake import PERSON_FIELDS

    conn = sqlite3.connect(read_only_uri(work), uri=True)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        out: dict[str, Any] = {}
        if "dossiers" in names:
            held = " OR ".join(f"x.{p}_{f} IS NOT NULL" for p in ("submitter", "owner")
                               for f in PERSON_FIELDS)
            # The archive has no index: each dossier's last change from one grouped pass.
            events = ("(SELECT dossier_id, max(at) AS at FROM dossier_events GROUP BY "
                      "dossier_id)" if "dossier_events" in names else
                      "(SELECT NULL AS dossier_id, NULL AS at)")
            # The notes count too: a clerk may have typed a name there, and the purge blanks
            # them (purge._past_retention), so a year whose only personal data is notes is
            # rewritten as well.
            n, first, last = conn.execute(
                "SELECT count(*), min(d), max(d) FROM (SELECT substr(max(x.received_at, "
                "coalesce(x.finished_at, ''), coalesce(x.returned_at, ''), coalesce(m.at, '')), "
                f"1, 10) AS d FROM dossiers x LEFT JOIN {events} m ON m.dossier_id = x.id "
                f"WHERE x.purged_at IS NULL AND (({held}) OR coalesce(x.notes, '') != ''))"
                ).fetchone()
            out["dossiers"] = {"rows": n, "from": first, "to": last}
        if "citizen_feedback" in names:
            n, first, last = conn.execute(
                "SELECT count(*), min(substr(at, 1, 10)), max(substr(at, 1, 10)) FROM "
                "citizen_feedback WHERE phone IS NOT NULL AND phone != ''").fetchone()
            out["feedback_phones"] = {"rows": n, "from": first, "to": last}
        return out
    finally:
        conn.close()


def _delete(db: Database) -> None:
    """The checked rows go from the live database, all in one transaction.

    SQLite's own foreign-key check runs per deleted row, and `dossiers.ticket_id` has no
    index: for a year's tickets that is a scan of every dossier per ticket (hours). It is off
    for this transaction, and the same check is made once per reference instead: no live row
    may point to a deleted one (else everything rolls back). Without overwriting the rows
    either (secure_delete FAST, for this transaction only) when none holds personal data:
    nothing is deleted for good here, the rows are in the archive file. Refused, withdrawn or
    stopped dossiers and feedback archived within their retention time still hold it: then
    the freed space is overwritten (ON, _secure_delete_mode), or their values would stay in
    the live file's free pages (a database not in incremental auto-vacuum mode keeps them)."""
    conn = db.conn
    mode = conn.execute("PRAGMA secure_delete").fetchone()[0]
    keys_on = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute(f"PRAGMA secure_delete = {_secure_delete_mode(db)}")
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        with transaction(db) as conn:
            present = existing(db)
            for t in present:
                keys = ", ".join(t.key)
                conn.execute(f"DELETE FROM main.{t.name} WHERE ({keys}) IN "
                             f"(SELECT {keys} FROM temp.{t.selection})")
            _check_references(conn, {t.name for t in present})
    finally:
        conn.execute(f"PRAGMA foreign_keys = {int(keys_on)}")
        conn.execute(f"PRAGMA secure_delete = {int(mode)}")


def _secure_delete_mode(db: Database) -> str:
    """ON when a selected row still holds personal data (a dossier not purged by retention,
    a feedback phone number), else FAST."""
    from kiosk.dossiers.intake import PERSON_FIELDS

    present = {t.name for t in existing(db)}
    if "dossiers" in present:
        held = " OR ".join(f"d.{p}_{f} IS NOT NULL" for p in ("submitter", "owner")
                           for f in PERSON_FIELDS)
        if db.execute(f"SELECT 1 FROM main.dossiers d WHERE d.id IN (SELECT id FROM "
                      f"temp.{BY_NAME['dossiers'].selection}) AND d.purged_at IS NULL AND "
                      f"(({held}) OR coalesce(d.notes, '') != '') LIMIT 1").fetchone():
            return "ON"
    if "citizen_feedback" in present and db.execute(
            f"SELECT 1 FROM main.citizen_feedback f WHERE f.id IN (SELECT id FROM "
            f"temp.{BY_NAME['citizen_feedback'].selection}) AND coalesce(f.phone, '') != '' "
            "LIMIT 1").fetchone():
        return "ON"
    return "FAST"


#: The records deleted together in _delete_in_steps: a parent table with its children (the
#: child's column naming the parent's key), dossiers before the tickets they point to.
GROUPS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("dossiers", "id", (("dossier_events", "dossier_id"), ("dossier_slips", "dossier_id"),
                        ("dossier_handovers", "dossier_id"))),
    ("tickets", "id", (("queue_events", "ticket_id"), ("ticket_dossiers", "ticket_id"))),
    ("ratings", "id", ()),
    ("citizen_feedback", "id", ()),
    ("petitions", "id", ()),
    ("office_dossiers", "code", ()),
)
#: Between two steps: time for a waiting writer (a ticket being issued) to take the lock.
STEP_PAUSE_S = 0.05


def _delete_in_steps(db: Database, step: int) -> None:
    """As _delete, in many short transactions instead of one (the station archiving while
    open, when idle: a ticket tapped meanwhile waits for one step, not for the year). Each
    transaction deletes `step` whole records: a dossier with its history, slips and hand-overs,
    a ticket with its queue events and dossier links, a rating, ... so that a run cut off
    between two steps leaves only whole records live, which the next run archives again (as
    they are, into the same year) and deletes. Each step checks that no live row points to
    the records it deleted (else that step rolls back: ArchiveError)."""
    conn = db.conn
    present = {t.name for t in existing(db)}
    mode = conn.execute("PRAGMA secure_delete").fetchone()[0]
    keys_on = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute(f"PRAGMA secure_delete = {_secure_delete_mode(db)}")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("DROP TABLE IF EXISTS temp.arch_step")
    conn.execute("CREATE TEMP TABLE arch_step (k PRIMARY KEY)")
    try:
        first = True
        for parent, key, children in GROUPS:
            if parent not in present:
                continue
            sel = BY_NAME[parent].selection
            keys = [r[0] for r in conn.execute(f"SELECT {key} FROM temp.{sel} ORDER BY {key}")]
            for at in range(0, len(keys), step):
                if not first:
                    time.sleep(STEP_PAUSE_S)
                first = False
                with transaction(db) as tx:
                    tx.execute("DELETE FROM temp.arch_step")
                    tx.executemany("INSERT INTO temp.arch_step VALUES (?)",
                                   [(k,) for k in keys[at:at + step]])
                    for child, col in children:
                        if child not in present:
                            continue
                        # Found by the child's index on its parent column, then only the
                        # rows selected (checked in the archive); the unary + keeps SQLite
                        # from walking the whole year's selection instead, at every step.
                        ckeys = ", ".join(BY_NAME[child].key)
                        plus = ", ".join(f"+{k}" for k in BY_NAME[child].key)
                        tx.execute(f"DELETE FROM main.{child} WHERE {col} IN (SELECT k FROM "
                                   f"temp.arch_step) AND ({plus}) IN (SELECT {ckeys} FROM "
                                   f"temp.{BY_NAME[child].selection})")
                    tx.execute(f"DELETE FROM main.{parent} WHERE {key} IN "
                               "(SELECT k FROM temp.arch_step)")
                    _check_step_references(tx, parent, key)
                _checkpoint("step")
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.arch_step")
        conn.execute(f"PRAGMA foreign_keys = {int(keys_on)}")
        conn.execute(f"PRAGMA secure_delete = {int(mode)}")


def _check_step_references(conn, parent: str, key: str) -> None:
    tables = [r[0] for r in conn.execute("SELECT name FROM main.sqlite_master WHERE type = "
                                         "'table' AND name NOT LIKE 'sqlite_%'")]
    for child in tables:
        for ref in conn.execute(f"PRAGMA main.foreign_key_list({child})").fetchall():
            if ref[2] != parent or (ref[4] or "id") != key:
                continue
            if conn.execute(f"SELECT 1 FROM main.{child} WHERE {ref[3]} IN "
                            "(SELECT k FROM temp.arch_step) LIMIT 1").fetchone():
                raise ArchiveError(f"a live row of {child} still points to an archived row "
                                   f"of {parent}: that step was not deleted")


def _check_references(conn, archived: set[str]) -> None:
    tables = [r[0] for r in conn.execute("SELECT name FROM main.sqlite_master WHERE type = "
                                         "'table' AND name NOT LIKE 'sqlite_%'")]
    for child in tables:
        for ref in conn.execute(f"PRAGMA main.foreign_key_list({child})").fetchall():
            parent, col, to = ref[2], ref[3], ref[4] or "id"
            if parent not in archived or BY_NAME[parent].key != (to,):
                continue
            dangling = conn.execute(
                f"SELECT 1 FROM main.{child} WHERE {col} IN (SELECT {to} FROM "
                f"temp.{BY_NAME[parent].selection}) LIMIT 1").fetchone()
            if dangling:
                raise ArchiveError(f"a live row of {child} still points to an archived row "
                                   f"of {parent}: nothing was deleted")


def archived_table_names() -> list[str]:
    return [t.name for t in TABLES]
