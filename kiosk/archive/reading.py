"""Reading archived years as if they were live.

`with_archives(db, folder, start=, end=)` unpacks the archive files a range of days needs into
a private folder of the station's data folder (`.archive-reading/`, what a killed reading left
there is removed at the next), attaches them to the reading connection and creates TEMP VIEWs
with the live tables' names, each the live table UNION ALL the archived ones. SQLite looks an
unqualified name up in `temp` first, so the statistics, the logbook and the dossier desk run
unchanged over live and archived rows together; a row in both (a run cut off before it
deleted what it archived) counts once: whether any live key is in an attached archive is
asked once per table, by index (normally none is: ids are never reused), and only a table
where one is gets the anti-join in its view, so the others read their live rows as the live
table does. Only for a range that reaches an archived
year: a range of live days gets no view and no slower query. The views are read-only (a write
through the connection fails), and the connection should be one opened for the reading (the
commands open their own).

A view cannot be joined by an index: SQLite copies a UNION ALL view whole and indexes the copy
each time it is the inner side of a join, while a WHERE on its columns (a range, an IN list)
is looked up in each part by that part's index. Readers whose joins weigh over a year ask
`reads_archives(db)` and then look rows up by key instead (kiosk/stats).

Which years: a record is archived under the year of its last activity, which is never before
its first, so a range from day D needs the archives of D's year and later, except a later
year whose manifest's `earliest_day` is more than a day after the range's end (it holds the
earlier records whose last activity fell in it: a dossier received on 31 December and handed
back in January; the readers read a day wider than the range). For a range from 1
January the year before too (a time stamp written with another offset near midnight), but
only when it holds a row dated 31 December or later (the readers read a day wider than the
range): its manifest's `latest_day` says so without unpacking it; a manifest without it, the
unpacked year is looked at once and detached again when it holds none.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import time as dtime
from pathlib import Path

from sqlite_utils import Database

from kiosk.archive import files
from kiosk.archive.tables import TABLES, Table, columns, existing
from kiosk.store.db import read_only_uri

#: SQLite attaches at most 10 databases by default (SQLITE_MAX_ATTACHED).
MAX_ATTACHED = 9


def needed_years(folder: Path, start: date | None, end: date | None = None,
                 tz: tzinfo | None = None) -> list[int]:
    """The archived years a reading of the range from `start` needs; `tz`: the office's time
    zone, which lets the 1 January rule below decide by the local time of the stamps."""
    # By the files' names: only the manifests of the years the range may need are read.
    years = files.year_numbers(folder)
    if start is not None:
        # A range from 1 January may also meet a time stamp written with another offset
        # that reads as 31 December: the previous year too.
        first = start.year - 1 if (start.month, start.day) == (1, 1) else start.year
        years = [y for y in years if y >= first]
        if first < start.year:
            years = [y for y in years if y != first or reaches(
                files.read_manifest(folder, y), start, tz)]
    years = files.holding_from(folder, years, start)
    if end is not None:
        years = [y for y in years if not starts_after(files.read_manifest(folder, y), end)]
    return years


def starts_after(manifest: dict | None, end: date) -> bool:
    """Whether a year's file (its `manifest`) holds nothing a reading of a range up to `end`
    counts: its earliest day as written is more than a day after `end` (a stamp written with
    another offset may read a day later than its local day). Unknown (older manifests): no."""
    earliest = (manifest or {}).get(EARLIEST_KEY)
    try:
        return date.fromisoformat(earliest) > end + timedelta(days=1)
    except (TypeError, ValueError):
        return False


#: The dated columns a reading of a range bounds its rows by (a day wider than the range on
#: each side: the time stamps, the stored days, a petition's due date).
DATED = {
    "tickets": ("day", "issued_at"), "queue_events": ("at",), "ratings": ("at",),
    "ticket_dossiers": ("linked_at",), "citizen_feedback": ("at",), "dossier_events": ("at",),
    "dossier_slips": ("issued_at",), "dossier_handovers": ("at",),
    "dossiers": ("day", "received_at", "finished_at", "returned_at"),
    "petitions": ("received_at", "answered_at", "closed_at", "due_date"),
    "office_dossiers": ("day", "received_at", "finished_at", "returned_at"),
}
#: The manifest's key for the latest day (YYYY-MM-DD, as written) of those columns in the
#: year's file, when it records one.
LATEST_KEY = "latest_day"
#: The manifest's key for the earliest day (YYYY-MM-DD, as written) of those columns in the
#: year's file: a later year's file also holds the records of earlier days whose last activity
#: fell in its year (a dossier received in December, handed back in January), so a reading
#: of a range that ends before its earliest day (with a day's margin) does not need it.
EARLIEST_KEY = "earliest_day"
#: The stored days among DATED (local days, not time stamps).
PLAIN_DAYS = {("tickets", "day"), ("dossiers", "day"), ("office_dossiers", "day"),
              ("petitions", "due_date")}
#: The manifest's keys for the latest stored day of PLAIN_DAYS and the latest instant of the
#: other DATED columns (UTC, "YYYY-MM-DDTHH:MM:SSZ"): with the office's time zone they say
#: whether a row of the year can fall on a later local day.
PLAIN_KEY, INSTANT_KEY = "latest_plain_day", "latest_at"


def reaches(manifest: dict | None, start: date, tz: tzinfo | None = None) -> bool:
    """Whether the previous year's archive (its `manifest`) can hold a row a reading of a
    range from 1 January `start` counts. With `tz` and the manifest's latest stored day and
    instant: a row of a local day from `start` on (a stamp written with another offset). Else
    one dated 31 December or later as written (the readers read a day wider than the range,
    then decide each row's local day). Without the latest day in the manifest (older
    manifests): yes; with_archives then looks at the unpacked year."""
    manifest = manifest or {}
    marks = [manifest.get(k) for k in (PLAIN_KEY, INSTANT_KEY, LATEST_KEY)]
    if (tz is not None and PLAIN_KEY in manifest and INSTANT_KEY in manifest
            and all(m is None or isinstance(m, str) for m in marks)):
        plain, instant, written = (m or "" for m in marks)
        # A day as written from `start` on (`written`): a stamp without an offset is local
        # (julianday took it for UTC), or a harmless extra.
        return (plain >= start.isoformat() or written >= start.isoformat()
                or instant >= _utc_start(start, tz))
    latest = manifest.get(LATEST_KEY)
    if not isinstance(latest, str) or len(latest) != 10:
        return True
    return latest >= (start - timedelta(days=1)).isoformat()


def _utc_start(start: date, tz: tzinfo) -> str:
    """The instant `start` begins in `tz`, as INSTANT_KEY writes instants."""
    began = datetime.combine(start, dtime(0), tz).astimezone(UTC)
    return began.strftime("%Y-%m-%dT%H:%M:%SZ")


def _dated_columns(db: Database, schema: str) -> Iterator[tuple[str, str]]:
    """(table, column) of the DATED columns the tables in `schema` have."""
    have = {r[0] for r in db.conn.execute(f"SELECT name FROM {schema}.sqlite_master "
                                          "WHERE type = 'table'")}
    for table, dated in DATED.items():
        if table in have:
            cols = set(columns(db, table, schema))
            yield from ((table, c) for c in dated if c in cols)


def latest_marks(db: Database, schema: str = "main") -> dict[str, str | None]:
    """The manifest's LATEST_KEY, PLAIN_KEY and INSTANT_KEY for the year's file in `schema`."""
    conn = db.conn
    plain: list[str] = []
    instants: list[str] = []
    for table, c in _dated_columns(db, schema):
        if (table, c) in PLAIN_DAYS:
            found = conn.execute(f"SELECT max(substr({_q(c)}, 1, 10)) FROM "
                                 f"{schema}.{table}").fetchone()[0]
            if isinstance(found, str):
                plain.append(found)
        else:
            found = conn.execute(f"SELECT strftime('%Y-%m-%dT%H:%M:%SZ', max(julianday("
                                 f"{_q(c)}))) FROM {schema}.{table}").fetchone()[0]
            if isinstance(found, str):
                instants.append(found)
    return {LATEST_KEY: latest_day(db, schema), PLAIN_KEY: max(plain, default=None),
            INSTANT_KEY: max(instants, default=None)}


def holds_local_from(db: Database, schema: str, start: date, tz: tzinfo) -> bool:
    """Whether a table in `schema` holds a row of a local day from `start` on (a stored day,
    or a stamp at or after the instant `start` begins in `tz`)."""
    return reaches(latest_marks(db, schema), start, tz)


def holds_from(db: Database, schema: str, day: str) -> bool:
    """Whether a table in `schema` holds a row with a DATED column on `day` or later. Each
    table is read from its newest row back (a year's last days are its last rows), so a year
    that does hold one is answered at once; one that does not is read through once."""
    conn = db.conn
    have = {r[0] for r in conn.execute(f"SELECT name FROM {schema}.sqlite_master "
                                       "WHERE type = 'table'")}
    for table, dated in DATED.items():
        cols = set(columns(db, table, schema)) if table in have else set()
        picked = [f"{_q(c)} >= ?" for c in dated if c in cols]
        if picked and conn.execute(
                f"SELECT EXISTS (SELECT 1 FROM {schema}.{table} WHERE {' OR '.join(picked)} "
                "ORDER BY rowid DESC)", (day,) * len(picked)).fetchone()[0]:
            return True
    return False


def latest_day(db: Database, schema: str = "main") -> str | None:
    """The latest day (YYYY-MM-DD as written) of the DATED columns of the tables in `schema`;
    None when no row has one."""
    found = [db.conn.execute(f"SELECT max(substr({_q(c)}, 1, 10)) FROM {schema}.{table}"
                             ).fetchone()[0] for table, c in _dated_columns(db, schema)]
    return max((day for day in found if isinstance(day, str)), default=None)


def earliest_day(db: Database, schema: str = "main") -> str | None:
    """The earliest day (YYYY-MM-DD as written) of the DATED columns of the tables in
    `schema`; None when no row has one."""
    found = [db.conn.execute(f"SELECT min(substr({_q(c)}, 1, 10)) FROM {schema}.{table} "
                             f"WHERE typeof({_q(c)}) = 'text'").fetchone()[0]
             for table, c in _dated_columns(db, schema)]
    return min((day for day in found if isinstance(day, str)), default=None)


@contextlib.contextmanager
def with_archives(db: Database, folder: Path, *, start: date | None = None,
                  end: date | None = None, years: list[int] | None = None,
                  tz: tzinfo | None = None,
                  deferred: Collection[tuple[str, tuple[str, ...]]] = ()
                  ) -> Iterator[list[int]]:
    """Within the block, `db` reads the archived years a range from `start` needs (or the
    given `years`) together with the live tables; yields the years attached. `tz`: the
    office's time zone (needed_years). `deferred`: (table, columns) of indexes the unpacked
    copies get only when the reader asks for them (`ensure_index`): a reader that reads most
    of a year's rows anyway (the statistics) reads them faster without.

    A run that replaced a year's file or manifest while they were attached (the monthly run
    writes the file and its manifest, then deletes the live rows it moved) has them attached
    again: a reading of the old file begun after the deletion would count that month nowhere.
    Checked last before the block, whose first read starts the reading's snapshot (a block
    reading in one transaction, as the statistics do)."""
    conn = db.conn
    attached: list[str] = []
    views: list[str] = []
    tmp: Path | None = None
    fresh: list[_Fresh] = []
    finished = False
    try:
        for attempt in range(READ_ATTEMPTS):
            before = files.folder_state(folder)
            attached, tmp, manifests, fresh = _attach(db, folder, start, end, years, tz,
                                                      deferred)
            views = _views(db, attached, manifests)
            if attempt + 1 == READ_ATTEMPTS or files.folder_state(folder) == before:
                break
            _release(conn, attached, tmp, views)
            attached, tmp, views, fresh = [], None, [], []
        yield [int(s.split("_")[1]) for s in attached]
        finished = True
    finally:
        # Copies kept only from a reading that ended well (not one cut off mid-index).
        _release(conn, attached, tmp, views, fresh if finished else None)


def _views(db: Database, attached: list[str], manifests: dict[str, dict | None]) -> list[str]:
    """The TEMP VIEWs over the live tables and the `attached` years (with_archives), and the
    years' identities (from `manifests`: each year's manifest, None when the bytes read were
    not checked against it); the names of the views made."""
    conn = db.conn
    views: list[str] = []
    if not attached:
        return views
    try:
        for t in existing(db):
            live = columns(db, t.name)
            parts = []
            # Oldest first, the live rows last: rows come in the order of their ids, as
            # they did before they were archived.
            for schema in attached:
                have = set(columns(db, t.name, schema))
                if not have:
                    continue
                parts.append(f"SELECT {column_list(live, have)} FROM {schema}.{t.name}")
            if parts:
                # A live row also in an archive (a run cut off between writing the archive
                # and deleting the live rows, until the next run finishes) is read once.
                # Checked once here, with indexed look-ups: normally no live key is in an
                # archive, and the view then reads the live rows as the live table does (its
                # indexes, a WHERE pushed down), with no look-up per live row.
                keys = ", ".join(t.key)
                twice = " AND ".join(f"({keys}) NOT IN (SELECT {keys} FROM {schema}.{t.name})"
                                     for schema in attached
                                     if set(t.key) <= set(columns(db, t.name, schema))
                                     and shares_keys(db, t, schema))
                parts.append(f"SELECT {', '.join(_q(c) for c in live)} FROM main.{t.name}"
                             + (f" WHERE {twice}" if twice else ""))
                conn.execute(f"CREATE TEMP VIEW {t.name} AS {' UNION ALL '.join(parts)}")
                views.append(t.name)
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {IDENTITIES} (schema TEXT PRIMARY "
                     "KEY, identity TEXT, dossier_identity TEXT)")
        conn.executemany(f"INSERT OR REPLACE INTO temp.{IDENTITIES} VALUES (?, ?, ?)",
                         [(schema, _identity(manifests[schema]),
                           _identity(manifests[schema], DOSSIER_IDENTIFIED))
                          for schema in attached])
    except BaseException:
        _drop_views(conn, views)
        raise
    return views


def column_list(wanted: Iterable[str], have: Collection[str]) -> str:
    """A SELECT's columns `wanted` from a table that has the columns `have`, NULL for the
    others: an archive written by an older version lacks the columns added since."""
    return ", ".join(_q(c) if c in have else f"NULL AS {_q(c)}" for c in wanted)


def _drop_views(conn: sqlite3.Connection, views: list[str]) -> None:
    for name in views:
        with contextlib.suppress(Exception):
            conn.execute(f"DROP VIEW IF EXISTS temp.{name}")
    with contextlib.suppress(Exception):
        conn.execute(f"DROP TABLE IF EXISTS temp.{IDENTITIES}")


def _release(conn: sqlite3.Connection, attached: list[str], tmp: Path | None,
             views: list[str], fresh: list[_Fresh] | None = None) -> None:
    """Undo what with_archives made: the views, the identities, the attached years, their
    copies (those unpacked now kept for the next readings: `fresh`)."""
    if attached or views:
        _drop_views(conn, views)
    _detach(conn, attached, None)
    for copy in fresh or ():
        _keep(copy)
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)


#: Attachments of a reading at most, when runs keep replacing its years meanwhile.
READ_ATTEMPTS = 3


def _attach(db: Database, folder: Path, start: date | None, end: date | None,
            years: list[int] | None, tz: tzinfo | None,
            deferred: Collection[tuple[str, tuple[str, ...]]]
            ) -> tuple[list[str], Path | None, dict[str, dict | None], list[_Fresh]]:
    """Attach the years (with_archives), each a kept copy (`KEPT_DIR`) of its file as it
    stands when there is one with the indexes this reading builds, else unpacked now: the
    schemas attached, the folder of this reading's copies (None: nothing attached), each
    schema's manifest when the bytes attached are the ones it describes (None: not checked;
    its identity comes from it: _identity) and the copies to keep afterwards. What it
    attached before an error is detached again."""
    edge = None
    if years is None:
        years = needed_years(folder, start, end, tz)
        if start is not None and (start.month, start.day) == (1, 1):
            # The year before, attached by the 1 January rule: when its manifest does not say
            # how late its stamps go, looked at once unpacked.
            manifest = files.read_manifest(folder, start.year - 1) or {}
            decided = (LATEST_KEY in manifest if tz is None
                       else PLAIN_KEY in manifest and INSTANT_KEY in manifest)
            edge = None if decided else start.year - 1
    years = sorted(years)
    if len(years) > MAX_ATTACHED:
        raise files.ArchiveError(f"the range reaches {len(years)} archived years; SQLite reads "
                                 f"at most {MAX_ATTACHED} at once: choose a shorter range")
    if not years:
        return [], None, {}, []
    tmp = unpack_folder(folder)
    conn = db.conn
    attached: list[str] = []
    manifests: dict[str, dict | None] = {}
    fresh: list[_Fresh] = []
    try:
        for year in years:
            schema = f"archive_{year}"
            manifest = files.read_manifest(folder, year)
            kept = _kept_copy(folder, year, manifest)
            if kept is not None and _attach_kept(db, schema, kept):
                attached.append(schema)
                if _wanted_indexes(db, schema, deferred, missing=True):
                    # Kept by a reading that built fewer indexes: unpacked again, and that
                    # copy kept instead.
                    conn.execute(f"DETACH DATABASE {schema}")
                    attached.remove(schema)
                    kept = None
                else:
                    manifests[schema] = manifest
                    _used(kept)
            else:
                kept = None
            copy = tmp / f"{year}.db"
            if kept is None:
                manifests[schema], digest = _unpack(folder, year, copy, manifest)
                conn.execute(f"ATTACH DATABASE ? AS {schema}", (str(copy),))
                attached.append(schema)  # detached again whatever happens next
            if year == edge and start is not None and not (
                    holds_local_from(db, schema, start, tz) if tz is not None
                    else holds_from(db, schema, (start - timedelta(days=1)).isoformat())):
                # Attached for the 1 January rule only, and nothing in it is that late (an
                # older manifest does not say): not read, not indexed.
                conn.execute(f"DETACH DATABASE {schema}")
                attached.remove(schema)
                if kept is None:
                    copy.unlink()
                continue
            if kept is not None:
                continue  # read as it is: a kept copy is never written (ensure_index)
            # A copy of our own until it is kept: no journal, no flush per index (it is
            # flushed once before it is kept: _keep).
            conn.execute(f"PRAGMA {schema}.journal_mode = OFF")
            conn.execute(f"PRAGMA {schema}.synchronous = OFF")
            index_copy(db, schema, deferred)
            if (digest is not None and EVERY_INDEX[0] not in set(deferred)
                    and digest == _current_digest(folder, year, manifest)):
                fresh.append(_Fresh(folder, copy, year, digest))
    except BaseException:
        _detach(conn, attached, tmp)
        raise
    return attached, tmp, manifests, fresh


def _detach(conn: sqlite3.Connection, attached: list[str], tmp: Path | None) -> None:
    for schema in attached:
        with contextlib.suppress(Exception):
            conn.execute(f"DETACH DATABASE {schema}")
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)


#: The temp table with_archives tells each attached year's identity in (archive_identity).
IDENTITIES = "archive_identities"
#: The tables whose rows an identity stands for: the queue side's (archive_identity) and the
#: dossier side's (`dossiers=True`).
IDENTIFIED = ("tickets", "queue_events")
DOSSIER_IDENTIFIED = ("dossiers", "dossier_events", "dossier_slips")


def _unpack(folder: Path, year: int, copy: Path, manifest: dict | None
            ) -> tuple[dict | None, str | None]:
    """Unpack the year's file to `copy`; the manifest of the bytes unpacked (their identity:
    _identity) and their SHA-256, or None for both. `manifest`, read before, has its SHA-256
    checked on the very bytes unpacked: the monthly run may replace the file and its manifest
    meanwhile, and sums kept under the new file's identity but added up over the old copy
    would be trusted by every later report."""
    digest = (manifest or {}).get("file_sha256")
    if isinstance(digest, str):
        try:
            files.decompress(files.named_file(folder, year, manifest), copy, flush=False,
                             sha256=digest)
            return manifest, digest
        except (files.NotItsManifests, OSError):
            pass  # replaced meanwhile (a year written again as gzip: under its new name; on
            # Windows an old file deleted while open elsewhere cannot be opened again)
    files.decompress(files.year_file(folder, year), copy, flush=False)
    return None, None


def _identity(manifest: dict | None, tables: tuple[str, ...] = IDENTIFIED) -> str | None:
    """What the manifest says the year's `tables` are: their row counts and checksums
    (files.table_checksum over every row, written with the file). None when it does not say
    (an older or damaged manifest)."""
    manifest = manifest or {}
    rows, sums = manifest.get("rows"), manifest.get("rows_sha256")
    if not isinstance(rows, dict) or not isinstance(sums, dict):
        return None
    parts = []
    for table in tables:
        n, digest = rows.get(table), sums.get(table)
        if isinstance(n, bool) or not isinstance(n, int) or not isinstance(digest, str) \
                or not digest:
            return None
        parts.append(f"{table}:{n}:{digest}")
    return f"{manifest.get('year')}|" + "|".join(parts)


def archive_identity(db: Database, schema: str, *, dossiers: bool = False) -> str | None:
    """The identity of the tickets and queue events of the attached year `schema` (from its
    manifest, within with_archives), or with `dossiers` of its dossiers, their history and
    slips: two readings with the same identity read the same rows there, so what they add
    up to can be kept between readings (kiosk.stats.days, kiosk.stats.results). Given only
    when the file read is the one its manifest describes (its SHA-256). None: unknown."""
    column = "dossier_identity" if dossiers else "identity"
    try:
        row = db.conn.execute(f"SELECT {column} FROM temp.{IDENTITIES} WHERE schema = ?",
                              (schema,)).fetchone()
    except sqlite3.OperationalError:  # not within with_archives
        return None
    return row[0] if row else None


def reads_archives(db: Database) -> bool:
    """Whether `db` reads archived years (within with_archives: its live tables' names are
    views). A reader may then choose a query SQLite runs well over a view: a join is run by
    copying the view whole and indexing the copy, while a WHERE on its columns (an IN list, a
    range) is looked up in each part of it by its index."""
    names = ", ".join(f"'{t.name}'" for t in TABLES)
    return db.conn.execute("SELECT EXISTS (SELECT 1 FROM temp.sqlite_master WHERE type = "
                           f"'view' AND name IN ({names}))").fetchone()[0] == 1


#: Where the years a reading needs are unpacked: a private folder in the station's data folder
#: (beside `archive/`), not the system's temporary folder (the rows may hold personal data).
READING_DIR = files.READING_DIR
#: An unpacked copy whose process is gone (or, where that cannot be asked, this old) is stale.
STALE_S = 86400.0


def unpack_folder(folder: Path) -> Path:
    """A new private folder for one reading's unpacked years, after removing the stale ones
    left by a reading that was killed (their process is gone) and the kept copies no longer
    kept (_forget_unused)."""
    from kiosk.private_files import private_dir

    base = private_dir(Path(folder).parent / READING_DIR)
    remove_stale_copies(base)
    _forget_unused(folder)
    return Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=base))


# -- kept copies -------------------------------------------------------------------------------
#
# Unpacking a year (~120 MB for a busy office) and indexing it is most of the wait of a report
# reaching it, and the office window and the commands read the same years again and again
# (the last twelve months reach the archive every day once three months are kept live). The
# copy a reading unpacked is kept, flushed to the disk, in `KEPT_DIR`, named by the SHA-256 of
# the archive file it came from: a later reading whose manifest names the same file attaches
# it as it is. A copy is never written once kept (a missing index is not built there: the look
# -up reads the table, as building the index would), so readings in several processes share
# it. The run that writes a year again (the monthly run, a retention purge: the copies hold
# the personal data it blanked) removes the year's kept copies (files.forget_kept); one a
# reading has open on Windows then goes at the year's next reading (another SHA-256). Kept
# at most KEPT_COPIES, at most KEPT_S after their last use.

#: The folder of the kept copies, in READING_DIR.
KEPT_DIR = files.KEPT_DIR
#: Kept copies at most (the most recently used stay): a year's report reaches two years.
KEPT_COPIES = 3
#: A kept copy unused this long is removed.
KEPT_S = 31 * 86400.0
_KEPT_SUFFIX = files.KEPT_SUFFIX
_SHA256 = re.compile("[0-9a-f]{64}")


@dataclass(frozen=True)
class _Fresh:
    """A year this reading unpacked from the file of SHA-256 `digest`, to keep afterwards."""

    folder: Path
    copy: Path
    year: int
    digest: str


def _is_kept(file: str | None) -> bool:
    return bool(file) and Path(file).parent.name == KEPT_DIR and \
        Path(file).parent.parent.name == READING_DIR


def _kept_copy(folder: Path, year: int, manifest: dict | None) -> Path | None:
    """The kept copy of the year's file its manifest names, when there is a whole one."""
    digest = _current_digest(folder, year, manifest)
    if digest is None:
        return None
    # (The year's copies of files it was before went with unpack_folder: _forget_unused.)
    path = files.kept_folder(folder) / files.kept_name(year, digest)
    return path if _whole(path) else None


def _current_digest(folder: Path, year: int, manifest: dict | None) -> str | None:
    """The SHA-256 of the year's file as its manifest names it, unless a rewrite is cut off
    between its renames (the file then is already the new one; the manifest not yet): None.
    A damaged manifest's value never names a path."""
    digest = (manifest or {}).get("file_sha256")
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
        return None
    if files.pending_file(folder, year).exists():
        return None
    return digest


def _whole(path: Path) -> bool:
    """A complete SQLite file: its header, and as long as its header says."""
    try:
        with open(path, "rb") as f:
            header = f.read(100)
            size = os.fstat(f.fileno()).st_size
    except OSError:
        return False
    return files.sqlite_size(header) == size


def _attach_kept(db: Database, schema: str, path: Path) -> bool:
    """Attach the kept copy read-only (a copy removed meanwhile then fails to open instead of
    being made anew, empty); False when that did not attach it, with its tables."""
    conn = db.conn
    try:
        conn.execute(f"ATTACH DATABASE ? AS {schema}", (read_only_uri(path),))
    except sqlite3.Error:
        return False
    files_there = [f for _seq, name, f in conn.execute("PRAGMA database_list").fetchall()
                   if name == schema]
    try:
        ok = (bool(files_there) and Path(files_there[0]).name == path.name
              and conn.execute(f"SELECT count(*) FROM {schema}.sqlite_master WHERE "
                               "type = 'table'").fetchone()[0] > 0)
    except sqlite3.Error:
        ok = False
    if not ok:
        with contextlib.suppress(sqlite3.Error):
            conn.execute(f"DETACH DATABASE {schema}")
    return ok


def _used(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(path)


def _keep(fresh: _Fresh) -> None:
    """Keep the copy a reading unpacked (flushed first: a power cut never leaves a kept copy
    half written), in place of the year's older ones; never raises (the reading is done)."""
    kept_dir = files.kept_folder(fresh.folder)
    target = kept_dir / files.kept_name(fresh.year, fresh.digest)
    try:
        from kiosk.private_files import private_dir

        private_dir(kept_dir)
        with open(fresh.copy, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(fresh.copy, target)  # a copy of the same file kept meanwhile: replaced
        files.fsync_dir(kept_dir)
    except OSError:
        return  # Windows: the same name attached by another reading; the copy goes
    # A run that wrote the year again while this reading read it found nothing to remove:
    # looked at once the copy is in place (a run replaces the manifest before it removes the
    # year's copies).
    _forget_unused(fresh.folder)


def _forget_unused(folder: Path, keep: int = KEPT_COPIES, max_age_s: float = KEPT_S) -> None:
    """Remove from the archive `folder`'s kept copies those of a file that is no longer its
    year's (a run wrote it again while a reading read it, or a copy in use on Windows then),
    those beyond the `keep` most recently used, those unused for `max_age_s`, and what is not
    a kept copy (another version's leftovers)."""
    kept_dir = files.kept_folder(folder)
    try:
        entries = [(p.stat().st_mtime, p) for p in kept_dir.iterdir()]
    except OSError:
        return
    now = time.time()
    copies = sorted(((t, p) for t, p in entries if _is_current(folder, p)), reverse=True)
    current = {p for _t, p in copies}
    gone = [p for i, (t, p) in enumerate(copies) if i >= keep or now - t > max_age_s]
    gone += [p for _t, p in entries if p not in current]
    for path in gone:
        with contextlib.suppress(OSError):  # Windows: attached by a reading now
            path.unlink() if path.is_file() else shutil.rmtree(path)


def _is_current(folder: Path, path: Path) -> bool:
    """Whether `path` is named as the kept copy of its year's file as it stands."""
    year, _, rest = path.name.partition("-")
    if not year.isdigit() or not path.name.endswith(_KEPT_SUFFIX):
        return False
    digest = _current_digest(folder, int(year), files.read_manifest(folder, int(year)))
    return digest is not None and path.name == files.kept_name(int(year), digest)


def remove_stale_copies(base: Path) -> int:
    """Remove the unpacked copies in `base` whose reading process is gone; how many."""
    removed = 0
    try:
        entries = list(Path(base).iterdir())
    except OSError:
        return 0
    for path in entries:
        pid_text = path.name.split("-", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid():
            continue
        if _alive(int(pid_text), path):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed += not path.exists()
    return removed


def _alive(pid: int, path: Path) -> bool:
    if os.name == "posix":
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except OSError:
            return True
        return True
    try:  # elsewhere signal 0 is not a question: by age
        return time.time() - path.stat().st_mtime < STALE_S
    except OSError:
        return False


def archives_of(db: Database, *, start: date | None = None, end: date | None = None,
                tz: tzinfo | None = None,
                deferred: Collection[tuple[str, tuple[str, ...]]] = ()):
    """with_archives() for the archive folder beside the database `db` is connected to (for a
    caller that has only the connection: a window's lane; the office window's statistics may
    pass kiosk.stats.compute.DEFERRED_INDEXES as `kiosk report` does)."""
    path = next((r[2] for r in db.execute("PRAGMA database_list").fetchall()
                 if r[1] == "main"), "")
    if not path:  # a database in memory has no archive folder
        return contextlib.nullcontext([])
    return with_archives(db, files.folder_for(path), start=start, end=end, tz=tz,
                         deferred=deferred)


#: Live indexes no reading of an archived year uses (the queue's own work at the counters:
#: its calls by time, the sync's uids, a counter's tickets, the day's numbering): not built on
#: an unpacked copy, where the queue events' alone took half a second a year.
UNREAD: dict[str, tuple[tuple[str, ...], ...]] = {
    "queue_events": (("uid",), ("at",)),
    "tickets": (("counter",), ("queue_service",), ("service_code",),
                ("day", "service_code", "seq")),
}


#: `deferred` for a reader that looks nothing up by index (the logbook reads each year's
#: dossiers by day, once): no index is built on the copies until one is asked for.
EVERY_INDEX: tuple[tuple[str, tuple[str, ...]], ...] = (("*", ()),)


def index_copy(db: Database, schema: str,
               deferred: Collection[tuple[str, tuple[str, ...]]] = ()) -> None:
    """Give the unpacked copy `schema` the live tables' indexes (never unique: an archive is
    read, not checked), so that a reader looking rows up by key (a rating's ticket, a
    dossier's events) finds them as in the live database. The file keeps none (half its
    bytes): they are built here, on the temporary copy, in a second or two a year. `deferred`:
    (table, columns) of indexes not built now (with_archives; EVERY_INDEX: none)."""
    for table, parts in _wanted_indexes(db, schema, deferred):
        _create_index(db, schema, table, parts)


def _wanted_indexes(db: Database, schema: str, deferred: Collection[tuple[str, tuple[str, ...]]],
                    *, missing: bool = False) -> list[tuple[str, tuple[str, ...]]]:
    """(table, columns) of the indexes index_copy builds on `schema` (`missing`: those of
    them it does not have yet)."""
    conn = db.conn
    later = {(table, tuple(cols)) for table, cols in deferred}
    if EVERY_INDEX[0] in later:
        return []
    have = {r[0] for r in conn.execute(f"SELECT name FROM {schema}.sqlite_master "
                                       "WHERE type = 'table'")}
    built = ({r[0] for r in conn.execute(f"SELECT name FROM {schema}.sqlite_master "
                                         "WHERE type = 'index'")} if missing else set())
    out: list[tuple[str, tuple[str, ...]]] = []
    for t in existing(db):
        if t.name not in have:
            continue
        cols = set(columns(db, t.name, schema))
        wanted: list[tuple[str, ...]] = []
        for _seq, name, _unique, origin, _partial in conn.execute(
                f"PRAGMA main.index_list({t.name})").fetchall():
            if origin == "pk":
                continue
            parts = tuple(r[2] for r in conn.execute(f"PRAGMA main.index_info({name})"))
            if (parts and all(p in cols for p in parts) and parts not in wanted
                    and parts not in UNREAD.get(t.name, ())):
                wanted.append(parts)
        for ref in conn.execute(f"PRAGMA main.foreign_key_list({t.name})").fetchall():
            if ref[3] in cols and (ref[3],) not in wanted and (
                    ref[3],) not in UNREAD.get(t.name, ()) and not any(
                    w[0] == ref[3] for w in wanted):
                wanted.append((ref[3],))
        out += [(t.name, parts) for parts in wanted if (t.name, parts) not in later
                and _index_name(t.name, parts) not in built]
    return out


def _create_index(db: Database, schema: str, table: str, cols: tuple[str, ...]) -> None:
    # Named by its columns: ensure_index finds one index_copy built.
    db.conn.execute(f"CREATE INDEX IF NOT EXISTS {schema}.{_index_name(table, cols)} ON "
                    f"{table} ({', '.join(_q(c) for c in cols)})")


def _index_name(table: str, cols: tuple[str, ...]) -> str:
    return f"read_{table}_by_{'_'.join(cols)}"


def ensure_index(db: Database, table: str, cols: tuple[str, ...],
                 schemas: Collection[str] | None = None) -> None:
    """Build on the attached archived years (or only on `schemas`) the index of `table` on
    `cols` when with_archives deferred it (the reader is about to look rows up by it); a copy
    that has it already, or a connection reading no archive, is left as it is."""
    conn = db.conn
    # A kept copy is read as it is (other readings may have it attached): a look-up there
    # without the index reads its table once, as building the index would.
    attached = [name for _seq, name, file in conn.execute("PRAGMA database_list").fetchall()
                if name.startswith("archive_") and (schemas is None or name in schemas)
                and not _is_kept(file)]
    for schema in attached:
        if conn.execute(f"SELECT EXISTS (SELECT 1 FROM {schema}.sqlite_master WHERE type = "
                        "'index' AND name = ?)", (_index_name(table, cols),)).fetchone()[0]:
            continue
        if set(cols) <= set(columns(db, table, schema)):
            _create_index(db, schema, table, cols)


def shares_keys(db: Database, table: Table, schema: str) -> bool:
    """Whether a live row of `table` has its key in the attached archive `schema` too (a run
    cut off between writing the archive and deleting the live rows). Ids are never reused, so
    only the live rows between the archive's lowest and highest id are looked up (the few held
    back), each by the archive's primary key; another key: each archived row by the live
    table's key index."""
    conn = db.conn
    if table.key == ("id",):
        row = conn.execute(
            f"SELECT EXISTS (SELECT 1 FROM main.{table.name} l WHERE l.id BETWEEN "
            f"(SELECT min(id) FROM {schema}.{table.name}) AND "
            f"(SELECT max(id) FROM {schema}.{table.name}) AND EXISTS (SELECT 1 FROM "
            f"{schema}.{table.name} a WHERE a.id = l.id))").fetchone()
    else:
        same = " AND ".join(f"l.{_q(k)} = a.{_q(k)}" for k in table.key)
        row = conn.execute(
            f"SELECT EXISTS (SELECT 1 FROM {schema}.{table.name} a WHERE EXISTS (SELECT 1 "
            f"FROM main.{table.name} l WHERE {same}))").fetchone()
    return bool(row[0])


def _q(name: str) -> str:
    return f'"{name}"'


def archived_dossier_year(folder: Path, code: str) -> int | None:
    """The archived year holding dossier `code` (from the manifests: nothing unpacked)."""
    found = _find_public(folder, code)
    return found[0] if found else None


def archived_public_view(folder: Path, code: str):
    """The kiosk's public view of an archived dossier (kiosk.feedback.lookup), from the
    manifests; None when no archive holds `code`."""
    found = _find_public(folder, code)
    if found is None:
        return None
    from kiosk.feedback.lookup import PublicDossierView

    _, (procedure, status, appointment, received, place, returned) = found
    return PublicDossierView.from_json({
        "code": code.strip().upper(), "procedure_name": procedure, "status": status,
        "appointment_date": appointment, "received_date": received, "initials": "",
        "result_place": place or "", "returned_date": returned})


def _find_public(folder: Path, code: str) -> tuple[int, list] | None:
    code = code.strip().upper()
    for entry in reversed(files.archived_years(folder)):
        found = (entry.manifest or {}).get("dossiers", {}).get(code)
        if found:
            return entry.year, found
    return None
