"""Opening the station database: durable settings, one migration path, explicit transactions."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from kiosk.private_files import private_sqlite
from kiosk.store.migrations import MIGRATIONS, missing_versions

BUSY_TIMEOUT_MS = 15_000
JOURNAL_SIZE_LIMIT = 16 * 1024 * 1024


class StoreError(RuntimeError):
    """The database cannot be opened or is newer than this program."""


def read_only_uri(path: Path | str, *, immutable: bool = False) -> str:
    """The `file:` URI that opens (or attaches) the SQLite file `path` read-only: its absolute
    path percent-encoded (a folder named with `#`, `?` or `%` is not cut short or read as
    options), `immutable` for a file nothing changes while it is open."""
    return f"{Path(path).resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")


def connect(path: Path | str) -> Database:
    """Open (creating if needed) and migrate the database at `path`.

    Each thread must open its own connection. Autocommit mode (isolation_level=None) so that
    `transaction()` alone decides where a transaction starts and ends.
    """
    if str(path) != ":memory:":
        problem = empty_database_problem(path)
        if problem:
            raise StoreError(problem)
        # Owner-only from the first byte: SQLite gives -wal and -shm the database's mode.
        private_sqlite(path)
    try:
        # uri: an archived year's kept copy is attached read-only by a `file:` URI
        # (kiosk/archive/reading.py); an absolute path is read as a plain path.
        name = str(path) if str(path) == ":memory:" else str(Path(path).absolute())
        conn = sqlite3.connect(name, timeout=BUSY_TIMEOUT_MS / 1000,
                               isolation_level=None, check_same_thread=False, uri=True)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Before the first table: a new database gives pages freed by the sync's pruning back
        # to the disk (sync/prune.py). On an older one this is a no-op until `kiosk sync
        # compact` rebuilt it.
        conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
        conn.execute("PRAGMA journal_mode = WAL")
        # After a checkpoint the -wal file is cut back to this size instead of staying as
        # large as its largest burst.
        conn.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
        # FULL: a ticket the citizen saw on screen must survive a power cut right after.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        # Deleted and purged personal data is overwritten, not left in free pages (Debian's
        # SQLite does this by default, the one bundled with Python on Windows does not).
        conn.execute("PRAGMA secure_delete = ON")
    except sqlite3.DatabaseError as exc:
        from kiosk.store.faults import DAMAGED, storage_fault

        # A full or read-only disk is not damage: only a damaged file is to be moved aside.
        fault = storage_fault(exc, path)
        if fault is not None and fault.kind == DAMAGED:
            advice = ("The file is damaged: move it aside (keep it: records not yet sent to "
                      "the city are in it) and restart; a new one is created.")
        elif fault is not None:
            advice = f"{fault.message[:1].upper()}{fault.message[1:]}. Fix: {fault.fix}."
        else:
            advice = "Run `kiosk doctor`: it tells a damaged file from a disk problem."
        raise StoreError(f"Cannot open the database {path}: {exc}. {advice}") from exc
    db = wrap(conn)
    migrate(db)
    return db


def wrap(conn: sqlite3.Connection) -> Database:
    """`conn` as the store's Database, without sqlite-utils' plugins: any installed package's
    `sqlite_utils` entry point would run on the station's connections, and finding them reads
    every installed package's metadata (about 20 ms of each command's and window's start)."""
    return Database(conn, execute_plugins=False)


EMPTY_GRACE_S = 120


def empty_database_problem(path: Path | str) -> str | None:
    """Why the existing database file at `path` must not be opened, or None: it has 0 bytes
    while the folder shows the station ran before (its station-id file, its logs, or a -wal
    beside it), so it was cut off, and SQLite would silently start a new, empty database in
    it (the unsent records would be gone without a word)."""
    path = Path(path)
    wal = path.with_name(path.name + "-wal")
    logs = path.parent / "logs"
    try:
        info = path.stat() if path.is_file() else None
        if info is None or info.st_size != 0:
            return None
        # SQLite writes nothing until the first transaction: a new database that another
        # connection (another thread, the station starting) is creating right now is 0 bytes
        # too, for a moment. A file emptied by a fault was emptied before this start.
        if time.time() - info.st_mtime < EMPTY_GRACE_S:
            return None
        if not ((path.parent / "station-id").exists() or (wal.exists() and wal.stat().st_size)
                or (logs.is_dir() and any(logs.iterdir()))):
            return None
    except OSError:
        return None
    return (f"The database file {path} is empty (0 bytes), but this station has run before: "
            "restore a backup (kiosk restore) or move it aside to start a new one.")


@contextmanager
def transaction(db: Database) -> Iterator[sqlite3.Connection]:
    """One atomic state change. IMMEDIATE takes the write lock up front, so two writers
    queue on busy_timeout instead of failing with SQLITE_BUSY half-way."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def schema_version(db: Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: Database) -> int:
    """Apply every migration newer than the file's user_version, each in its own transaction."""
    missing = missing_versions()
    if missing:  # a package registered its migration, one before it did not: never skip one
        raise StoreError(f"Database migrations {missing} are not registered (a program error).")
    current = schema_version(db)
    if current > len(MIGRATIONS):
        raise StoreError(f"The database is at schema version {current}, newer than this "
                         f"program knows ({len(MIGRATIONS)}). Install the newer program version.")
    while current < len(MIGRATIONS):
        with transaction(db) as conn:
            # Read again under the write lock: another connection may have migrated while
            # this one waited (two threads opening a new database at once).
            current = schema_version(db)
            if current >= len(MIGRATIONS):
                break
            for statement in _statements(MIGRATIONS[current]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {current + 1}")
        current += 1
    return schema_version(db)


def _statements(script: str) -> list[str]:
    # executescript() would COMMIT our transaction; split instead (our scripts hold no
    # semicolons inside literals or triggers).
    return [s.strip() for s in script.split(";") if s.strip()]
