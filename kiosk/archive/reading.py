"""Reading archived years as if they were live.

`with_archives(db, folder, start=, end=)` unpacks the archive files a range of days needs into
a private folder of the station's data folder (`.archive-reading/`, what a killed reading left
there is removed at the next), attaches them to the reading connection and creates TEMP VIEWs
with the live tables' names, each the live table UNION ALL the archived ones. SQLite looks an
unqualified name up in `temp` first, so the statistics, the logbook and the dossier desk run
unchanged over live and archived rows together; a row in both (a run cut off before it
deleted what it archived) counts once. Only for a range that reaches an archived
year: a range of live days gets no view and no slower query. The views are read-only (a write
through the connection fails), and the connection should be one opened for the reading (the
commands open their own).

Which years: a record is archived under the year of its last activity, which is never before
its first, so a range from day D needs the archives of D's year and later (for a range from 1
January, the year before too: a time stamp written with another offset near midnight).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from kiosk.archive import files
from kiosk.archive.tables import columns, existing

#: SQLite attaches at most 10 databases by default (SQLITE_MAX_ATTACHED).
MAX_ATTACHED = 9


def needed_years(folder: Path, start: date | None, end: date | None = None) -> list[int]:
    years = [a.year for a in files.archived_years(folder)]
    if start is not None:
        # A range from 1 January may also meet a time stamp written with another offset
        # that reads as 31 December: the previous year too.
        first = start.year - 1 if (start.month, start.day) == (1, 1) else start.year
        years = [y for y in years if y >= first]
    return files.holding_from(folder, years, start)


@contextlib.contextmanager
def with_archives(db: Database, folder: Path, *, start: date | None = None,
                  end: date | None = None, years: list[int] | None = None
                  ) -> Iterator[list[int]]:
    """Within the block, `db` reads the archived years a range from `start` needs (or the
    given `years`) together with the live tables; yields the years attached."""
    if years is None:
        years = needed_years(folder, start, end)
    years = sorted(years)
    if len(years) > MAX_ATTACHED:
        raise files.ArchiveError(f"the range reaches {len(years)} archived years; SQLite reads "
                                 f"at most {MAX_ATTACHED} at once: choose a shorter range")
    if not years:
        yield []
        return
    tmp = unpack_folder(folder)
    conn = db.conn
    attached: list[str] = []
    views: list[str] = []
    try:
        for year in years:
            copy = tmp / f"{year}.db"
            files.decompress(files.year_file(folder, year), copy)
            schema = f"archive_{year}"
            conn.execute(f"ATTACH DATABASE ? AS {schema}", (str(copy),))
            attached.append(schema)
            index_copy(db, schema)
        for t in existing(db):
            live = columns(db, t.name)
            parts = []
            # Oldest first, the live rows last: rows come in the order of their ids, as
            # they did before they were archived.
            for schema in attached:
                have = set(columns(db, t.name, schema))
                if not have:
                    continue
                picked = ", ".join(_q(c) if c in have else f"NULL AS {_q(c)}" for c in live)
                parts.append(f"SELECT {picked} FROM {schema}.{t.name}")
            if parts:
                # A live row also in an archive (a run cut off between writing the archive
                # and deleting the live rows, until the next run finishes) is read once.
                keys = ", ".join(t.key)
                twice = " AND ".join(f"({keys}) NOT IN (SELECT {keys} FROM {schema}.{t.name})"
                                     for schema in attached
                                     if set(t.key) <= set(columns(db, t.name, schema)))
                parts.append(f"SELECT {', '.join(_q(c) for c in live)} FROM main.{t.name}"
                             + (f" WHERE {twice}" if twice else ""))
                conn.execute(f"CREATE TEMP VIEW {t.name} AS {' UNION ALL '.join(parts)}")
                views.append(t.name)
        yield years
    finally:
        for name in views:
            with contextlib.suppress(Exception):
                conn.execute(f"DROP VIEW IF EXISTS temp.{name}")
        for schema in attached:
            with contextlib.suppress(Exception):
                conn.execute(f"DETACH DATABASE {schema}")
        shutil.rmtree(tmp, ignore_errors=True)


#: Where the years a reading needs are unpacked: a private folder in the station's data folder
#: (beside `archive/`), not the system's temporary folder (the rows may hold personal data).
READING_DIR = ".archive-reading"
#: An unpacked copy whose process is gone (or, where that cannot be asked, this old) is stale.
STALE_S = 86400.0


def unpack_folder(folder: Path) -> Path:
    """A new private folder for one reading's unpacked years, after removing the stale ones
    left by a reading that was killed (their process is gone)."""
    from kiosk.private_files import private_dir

    base = private_dir(Path(folder).parent / READING_DIR)
    remove_stale_copies(base)
    return Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=base))


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


def archives_of(db: Database, *, start: date | None = None, end: date | None = None):
    """with_archives() for the archive folder beside the database `db` is connected to (for a
    caller that has only the connection: a window's lane)."""
    path = next((r[2] for r in db.execute("PRAGMA database_list").fetchall()
                 if r[1] == "main"), "")
    if not path:  # a database in memory has no archive folder
        return contextlib.nullcontext([])
    return with_archives(db, files.folder_for(path), start=start, end=end)


def index_copy(db: Database, schema: str) -> None:
    """Give the unpacked copy `schema` the live tables' indexes (never unique: an archive is
    read, not checked), so the logbook's look-up of each dossier's history or a rating's
    ticket finds its rows as in the live database. The file keeps none (half its bytes): they
    are built here, on the temporary copy, in a second or two a year."""
    conn = db.conn
    have = {r[0] for r in conn.execute(f"SELECT name FROM {schema}.sqlite_master "
                                       "WHERE type = 'table'")}
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
            if parts and all(p in cols for p in parts) and parts not in wanted:
                wanted.append(parts)
        for ref in conn.execute(f"PRAGMA main.foreign_key_list({t.name})").fetchall():
            if ref[3] in cols and (ref[3],) not in wanted and not any(
                    w[0] == ref[3] for w in wanted):
                wanted.append((ref[3],))
        for n, parts in enumerate(wanted):
            conn.execute(f"CREATE INDEX IF NOT EXISTS {schema}.read_{t.name}_{n} ON "
                         f"{t.name} ({', '.join(_q(p) for p in parts)})")


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
