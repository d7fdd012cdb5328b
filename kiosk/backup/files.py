"""Backup files of the station database: taking one while the station runs, checking one,
naming and rotating them, and restoring one.

A backup is a plain SQLite file (optionally gzipped) holding the whole station database as it
was at one instant, plus a small table `kiosk_backup` naming the station, office and time it
comes from. It is made with SQLite's online backup API from a read connection that holds one
read transaction for the whole copy: in WAL mode that is a consistent snapshot, writers are
never blocked (they append to the WAL meanwhile), and the copy runs in steps of a few
thousand pages so the disk is shared with the station. (Without the held transaction SQLite
restarts a stepped copy at every commit of another connection, so under load it would never
finish.) The copy is then checked (`PRAGMA integrity_check`, schema version) and only then
renamed to its final name, owner-only (kiosk/private_files.py): a backup file with its final
name is a good one.

No Qt here: the CLI, the station's scheduler thread and the tests share it.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import shutil
import sqlite3
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.private_files import create_private, private_dir, private_temp

BACKUP_TABLE = "kiosk_backup"
PREFIX = "kiosk-backup-"
SQLITE_MAGIC = b"SQLite format 3\x00"
GZIP_MAGIC = b"\x1f\x8b"
PAGES_PER_STEP = 4096        # 16 MB with 4 KiB pages: a few hundredths of a second a step
STEP_PAUSE_S = 0.001
_CHUNK = 1024 * 1024
_NAME = re.compile(r"^kiosk-backup-(?P<station>.+)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?Z"
                   r"\.db(?P<gz>\.gz)?$")


class BackupError(RuntimeError):
    """A backup cannot be taken, checked or restored; the message says why in plain words."""


@dataclass(frozen=True)
class BackupInfo:
    """What a backup holds and where it comes from (read from its `kiosk_backup` table)."""

    station_id: str
    office_code: str
    role: str
    taken_at: str            # ISO 8601 UTC: the instant of the snapshot
    schema_version: int
    program_version: str
    path: str = ""
    size_bytes: int = 0
    seconds: float = 0.0     # how long taking it took (0 when read from a file)
    compressed: bool = False

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def taken(self) -> datetime:
        return datetime.fromisoformat(self.taken_at)


def size_text(size: int) -> str:
    """A file size for people: '820 kB', '23.4 MB'."""
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{max(1, round(size / 1e3))} kB"


# -- names and rotation ------------------------------------------------------------------------

def safe_station(station_id: str) -> str:
    """A station id as a file-name part: letters, digits, '.', '_' and '-' kept."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", station_id) or "station"


def backup_name(station_id: str, at: datetime, *, compress: bool, n: int = 0) -> str:
    stamp = at.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    return (f"{PREFIX}{safe_station(station_id)}-{stamp}{f'-{n}' if n else ''}Z.db"
            + (".gz" if compress else ""))


def new_backup_path(folder: Path, station_id: str, at: datetime, *, compress: bool) -> Path:
    """A name in `folder` after every backup of this station made in the same second (those
    get -1, -2, ...: numbers are never reused, so names keep sorting by age)."""
    stamp = at.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    same = [int(m["n"] or 0) for p in station_backups(folder, station_id)
            if (m := _NAME.match(p.name)) and m["stamp"] == stamp]
    n = max(same) + 1 if same else 0
    while True:
        path = folder / backup_name(station_id, at, compress=compress, n=n)
        if not path.exists():
            return path
        n += 1


def _sort_key(path: Path) -> tuple[str, int]:
    m = _NAME.match(path.name)
    assert m is not None
    return m["stamp"], int(m["n"] or 0)


def station_backups(folder: Path, station_id: str) -> list[Path]:
    """This station's backup files in `folder`, oldest first (by the time in their name).
    Files of other stations and anything else in the folder are not looked at."""
    wanted = safe_station(station_id)
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return []
    found = []
    for path in entries:
        m = _NAME.match(path.name)
        if m and m["station"] == wanted and path.is_file():
            found.append(path)
    return sorted(found, key=_sort_key)


def rotate(folder: Path, station_id: str, keep: int) -> list[Path]:
    """Delete this station's backups in `folder` beyond the `keep` newest; the deleted."""
    files = station_backups(folder, station_id)
    gone = files[:max(0, len(files) - keep)]
    for path in gone:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return gone


STALE_TEMPORARY_S = 86400.0


def remove_stale_temporaries(folder: Path, *, older_than_s: float = STALE_TEMPORARY_S) -> int:
    """Delete half-written backups left in `folder` by a process killed mid-copy (hidden
    `.kiosk-backup-…` and `.incoming-…` files older than a day); how many."""
    removed = 0
    cutoff = time.time() - older_than_s
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return 0
    for path in entries:
        if path.name.startswith((f".{PREFIX}", ".incoming-")):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
    return removed


# -- taking a backup ---------------------------------------------------------------------------

def take_backup(db_path: Path | str, out: Path | str, *, station_id: str, office_code: str = "",
                role: str = "", compress: bool | None = None,
                pages_per_step: int = PAGES_PER_STEP) -> BackupInfo:
    """Copy the live database at `db_path` to `out` (gzipped when `compress`, by default when
    `out` ends with .gz), checked, owner-only, atomically. Every transaction committed before
    this call is in the copy. BackupError when the database is missing or the copy fails its
    check; OSError when `out` cannot be written."""
    from kiosk import __version__
    from kiosk.store.migrations import MIGRATIONS

    db_path, out = Path(db_path), Path(out)
    if compress is None:
        compress = out.name.endswith(".gz")
    if not db_path.exists():
        raise BackupError(f"there is no station database at {db_path} to back up")
    started = time.monotonic()
    private_dir(out.parent, tighten=False)
    with private_temp(out, suffix=".part") as final:
        raw = final.with_name(final.name + ".db") if compress else final
        try:
            if compress:
                create_private(raw)
            taken_at = _copy(db_path, raw, pages_per_step)
            with contextlib.closing(sqlite3.connect(str(raw), isolation_level=None)) as dest:
                version = dest.execute("PRAGMA user_version").fetchone()[0]
                if not 0 < version <= len(MIGRATIONS):
                    raise BackupError(f"{db_path} is at schema version {version}, which this "
                                      f"program ({len(MIGRATIONS)}) cannot back up")
                dest.execute(f"CREATE TABLE {BACKUP_TABLE} (key TEXT PRIMARY KEY, "
                             "value TEXT NOT NULL)")
                meta = {"station_id": station_id, "office_code": office_code, "role": role,
                        "taken_at": taken_at.isoformat(), "schema_version": str(version),
                        "program_version": __version__}
                dest.executemany(f"INSERT INTO {BACKUP_TABLE} VALUES (?, ?)", meta.items())
                problems = _integrity(dest)
            if problems:
                raise BackupError(f"the copy of {db_path} failed its check ({problems}); the "
                                  "station database itself may be damaged: run `kiosk doctor`")
            if compress:
                with open(raw, "rb") as src, open(final, "wb") as f:
                    with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=3, mtime=0) as gz:
                        shutil.copyfileobj(src, gz, _CHUNK)
                    f.flush()
                    os.fsync(f.fileno())
            else:
                with open(final, "rb+") as f:
                    os.fsync(f.fileno())
        finally:
            if compress:
                for side in ("", "-journal"):
                    with contextlib.suppress(OSError):
                        Path(str(raw) + side).unlink()
    _fsync_dir(out.parent)
    return BackupInfo(station_id, office_code, role, taken_at.isoformat(), version, __version__,
                      str(out), out.stat().st_size, round(time.monotonic() - started, 3),
                      compress)


def _copy(db_path: Path, dest_path: Path, pages_per_step: int) -> datetime:
    """The online copy; returns the instant of the snapshot."""
    src = sqlite3.connect(str(db_path), isolation_level=None, timeout=15)  # only reads
    try:
        dest = sqlite3.connect(str(dest_path), isolation_level=None)
        try:
            dest.execute("PRAGMA journal_mode = OFF")  # a new file: nothing to roll back to
            dest.execute("PRAGMA synchronous = OFF")   # fsynced once when complete
            # One read transaction for the whole copy: the snapshot of this instant. Writers
            # go on (WAL); without it SQLite restarts a stepped copy at every commit.
            src.execute("BEGIN")
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()
            taken_at = datetime.now(UTC)
            try:
                src.backup(dest, pages=pages_per_step, sleep=STEP_PAUSE_S)
            finally:
                src.execute("COMMIT")
            dest.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
        finally:
            dest.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"cannot copy {db_path}: {exc}") from exc
    finally:
        src.close()
    return taken_at


def _integrity(conn: sqlite3.Connection) -> str:
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check(5)").fetchall()]
    return "" if rows == ["ok"] else "; ".join(rows)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- reading and checking a backup -------------------------------------------------------------

def is_gzip(path: Path | str) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == GZIP_MAGIC


@contextlib.contextmanager
def _plain_copy(path: Path, work_dir: Path):
    """The backup at `path` as a plain SQLite file: itself, or (gzip) a private temporary
    copy in `work_dir`, removed afterwards."""
    if not is_gzip(path):
        yield path, False
        return
    private_dir(work_dir, tighten=False)
    tmp = work_dir / f".restore-{os.getpid()}-{time.monotonic_ns()}.db"
    try:
        with open_private_write(tmp) as out, gzip.open(path, "rb") as gz:
            shutil.copyfileobj(gz, out, _CHUNK)
        yield tmp, True
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise BackupError(f"{path} is not a readable backup (gzip: {exc})") from exc
    finally:
        for side in ("", "-journal"):
            with contextlib.suppress(OSError):
                Path(str(tmp) + side).unlink()


def open_private_write(path: Path):
    from kiosk.private_files import open_private

    return open_private(path, "wb", exclusive=True)


def check_backup(path: Path | str, *, work_dir: Path | str | None = None) -> BackupInfo:
    """Read and check a backup file: SQLite (or gzipped SQLite), integrity ok, a schema
    version this program knows, the `kiosk_backup` table. BackupError otherwise."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    with _plain_copy(path, Path(work_dir or path.parent)) as (plain, compressed):
        return _read_info(plain, path, compressed)


def _read_info(plain: Path, shown: Path, compressed: bool) -> BackupInfo:
    from kiosk.store.migrations import MIGRATIONS

    with open(plain, "rb") as f:
        if f.read(16) != SQLITE_MAGIC:
            raise BackupError(f"{shown} is not a station backup (not an SQLite file)")
    from kiosk.store.db import read_only_uri

    try:
        conn = sqlite3.connect(read_only_uri(plain, immutable=True), uri=True)
        try:
            problems = _integrity(conn)
            if problems:
                raise BackupError(f"{shown} is damaged: {problems}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            try:
                meta = dict(conn.execute(f"SELECT key, value FROM {BACKUP_TABLE}").fetchall())
            except sqlite3.OperationalError:
                raise BackupError(f"{shown} is an SQLite file but not a backup made by "
                                  "`kiosk backup` (no kiosk_backup table)") from None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{shown} cannot be read as a backup: {exc}") from exc
    if version > len(MIGRATIONS):
        raise BackupError(f"{shown} is at schema version {version}, newer than this program "
                          f"({len(MIGRATIONS)}): install the newer program version first")
    return BackupInfo(meta.get("station_id", ""), meta.get("office_code", ""),
                      meta.get("role", ""), meta.get("taken_at", ""), version,
                      meta.get("program_version", ""), str(shown), shown.stat().st_size, 0.0,
                      compressed)


# -- restoring ---------------------------------------------------------------------------------

class StationRunning(BackupError):
    """Another program (the station) has the database open."""


@dataclass(frozen=True)
class RestoreResult:
    info: BackupInfo
    database: str
    kept_aside: list[str]     # the previous database's files, renamed
    unsent: int               # outbox records of the restored copy not yet sent to the city
    other_station: bool


def restore_backup(backup: Path | str, db_path: Path | str, *, station_id: str,
                   force: bool = False, now: datetime | None = None) -> RestoreResult:
    """Install the backup at `backup` as the station database `db_path`.

    Refuses (BackupError) a damaged file or one newer than this program, a backup of another
    station unless `force`, and (StationRunning) while another program has the database
    open: the station must be stopped. The current database (and its -wal/-shm) is renamed
    to `<name>-before-restore-<time>.db` beside it, never deleted."""
    backup, db_path = Path(backup), Path(db_path)
    if not backup.is_file():
        raise BackupError(f"{backup} does not exist")
    compressed = is_gzip(backup)
    # Unpacked (or copied) once, beside the database, checked there, then renamed into place.
    with private_temp(db_path, suffix=".restoring") as staged:
        try:
            with (gzip.open(backup, "rb") if compressed else open(backup, "rb")) as src, \
                    open(staged, "wb") as dst:
                shutil.copyfileobj(src, dst, _CHUNK)
        except (EOFError, gzip.BadGzipFile) as exc:
            raise BackupError(f"{backup} is not a readable backup (gzip: {exc})") from exc
        info = _read_info(staged, backup, compressed)
        other = info.station_id != station_id
        if other and not force:
            raise BackupError(
                f"{backup} is a backup of station {info.station_id!r}, not of this station "
                f"({station_id!r}). To install it anyway (e.g. on a PC replacing that "
                "station), add --force.")
        conn = sqlite3.connect(str(staged), isolation_level=None)
        try:
            conn.execute(f"DROP TABLE IF EXISTS {BACKUP_TABLE}")
            conn.execute("PRAGMA journal_mode = DELETE")
            unsent = 0
            with contextlib.suppress(sqlite3.OperationalError):
                unsent = conn.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL "
                                      "AND set_aside_at IS NULL").fetchone()[0]
        finally:
            conn.close()
        with open(staged, "rb+") as f:
            os.fsync(f.fileno())
        kept = _set_aside(db_path, now or datetime.now().astimezone())
        # private_temp renames `staged` onto db_path when this block ends.
    _fsync_dir(db_path.parent)
    return RestoreResult(info, str(db_path), [str(p) for p in kept], unsent, other)


def _set_aside(db_path: Path, now: datetime) -> list[Path]:
    """Rename the current database and its -wal/-shm aside; StationRunning when another
    connection has it open. A WAL database is first made whole (checkpointed into one file)
    by switching it out of WAL mode, which SQLite allows only when no other connection is
    open: that is the check. A damaged database is moved as it is."""
    if not db_path.exists():
        return []
    try:
        conn = sqlite3.connect(str(db_path), isolation_level=None, timeout=1)
        try:
            conn.execute("PRAGMA journal_mode = DELETE").fetchone()
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StationRunning(
                f"{db_path} is open in another program (the station is running?): stop the "
                "station (close its window, or stop its service) and run the restore "
                "again") from exc
    except sqlite3.DatabaseError:
        pass  # damaged: moved aside as it is, with its -wal and -shm
    stamp = now.strftime("%Y%m%d-%H%M%S")
    base = db_path.with_name(f"{db_path.stem}-before-restore-{stamp}{db_path.suffix}")
    kept = []
    for side in ("", "-wal", "-shm", "-journal"):
        src = Path(str(db_path) + side)
        if src.exists():
            dst = Path(str(base) + side)
            os.replace(src, dst)
            kept.append(dst)
    return kept
