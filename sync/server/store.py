"""Where the reference city server keeps what stations send: SQLite (a file path) or
PostgreSQL (a postgresql:// URL, needs the optional `psycopg` package), behind one interface.

A store object is used from one thread at a time (the server runs every store call on one
dedicated thread), so each implementation holds a single connection.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sync.protocol import ACCEPTED, DUPLICATE, REJECTED, Envelope, RecordResult

RECORD_COLUMNS = ("seq", "record_id", "record_type", "office", "station", "created_at",
                  "schema_version", "payload", "received_at")


class Store(Protocol):
    def push(self, envelopes: Sequence[Envelope]) -> list[RecordResult]:
        """Store new records in one transaction; one result per envelope, in order."""

    def get(self, record_id: str) -> dict[str, Any] | None: ...

    def list(self, *, after: int = 0, limit: int = 100, office: str | None = None,
             station: str | None = None, record_type: str | None = None
             ) -> list[dict[str, Any]]: ...

    def counts(self) -> list[dict[str, Any]]: ...

    def get_reference(self, name: str) -> tuple[str, str] | None:
        """(body JSON text, etag) of one reference data set."""

    def put_reference(self, name: str, body: str) -> str: ...

    def close(self) -> None: ...


def open_store(target: str | Path) -> Store:
    """SQLite for a file path (or sqlite:///PATH), PostgreSQL for postgresql://… URLs."""
    text = str(target)
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresStore(text)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///") - 1:] if text.startswith("sqlite:////") \
            else text[len("sqlite:///"):]
    return SQLiteStore(text)


def etag_for(body: str) -> str:
    return '"' + hashlib.sha256(body.encode("utf-8")).hexdigest()[:32] + '"'


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _classify(envelopes: Sequence[Envelope], existing: dict[str, tuple[str, int, str]]
              ) -> tuple[list[RecordResult], list[Envelope]]:
    """Results for a batch given the already stored (type, version, payload) by id; the
    envelopes to insert. Same id and same content is a duplicate; same id with different
    content is refused (an id must never name two different records)."""
    results: list[RecordResult] = []
    new: list[Envelope] = []
    for env in envelopes:
        known = existing.get(env.id)
        if known is None:
            existing[env.id] = (env.type, env.schema_version, env.payload)
            new.append(env)
            results.append(RecordResult(env.id, ACCEPTED))
        elif known == (env.type, env.schema_version, env.payload):
            results.append(RecordResult(env.id, DUPLICATE))
        else:
            results.append(RecordResult(
                env.id, REJECTED, "id_conflict",
                "a different record with this id is already stored"))
    return results, new


# The city database's schema: an ordered list of migrations, the same for SQLite and
# PostgreSQL (only the type names in TYPES differ). Each is applied once, in its own
# transaction together with its row in schema_version; a database made before this list
# existed (the same tables, made with CREATE ... IF NOT EXISTS) is taken over by migration 1.
# Append new migrations; never edit one that has shipped.
TYPES = {
    "sqlite": {"seq": "INTEGER", "bigint": "INTEGER"},
    "postgresql": {"seq": "BIGSERIAL", "bigint": "BIGINT"},
}
MIGRATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("records and reference data", (
        """CREATE TABLE IF NOT EXISTS records (
            seq {seq} PRIMARY KEY,
            record_id TEXT NOT NULL UNIQUE,
            record_type TEXT NOT NULL,
            office TEXT NOT NULL,
            station TEXT NOT NULL,
            created_at TEXT NOT NULL,
            schema_version INTEGER NOT NULL,
            payload TEXT NOT NULL,
            received_at TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS records_by_office_type ON records (office, record_type)",
        """CREATE TABLE IF NOT EXISTS reference (
            name TEXT PRIMARY KEY,
            body TEXT NOT NULL,
            etag TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
    )),
    ("records by station, for reads filtered by station", (
        "CREATE INDEX records_by_station ON records (station, seq)",
    )),
)
SCHEMA_VERSION = len(MIGRATIONS)
VERSION_TABLE = """CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
)"""


def migration_statements(dialect: str, version: int) -> tuple[str, ...]:
    """The statements of migration `version` (1-based) for `dialect`."""
    return tuple(sql.format(**TYPES[dialect]) for sql in MIGRATIONS[version - 1][1])


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer version of this program."""


def _too_new(found: int) -> SchemaTooNew:
    return SchemaTooNew(f"the city database is at schema version {found}, newer than this "
                        f"program's {SCHEMA_VERSION}: run the newer kiosk city-server")


class SQLiteStore:
    def __init__(self, path: str):
        if path != ":memory:":
            # Station records hold personal data: owner-only, -wal and -shm too.
            from kiosk.private_files import private_sqlite

            private_sqlite(path)
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                                    timeout=15)
        self.conn.execute("PRAGMA journal_mode = WAL")
        # FULL: once the server answers "accepted", the record survives a power cut.
        self.conn.execute("PRAGMA synchronous = FULL")
        self.migrate()

    def schema_version(self) -> int:
        self.conn.execute(VERSION_TABLE)
        return self.conn.execute("SELECT coalesce(max(version), 0) FROM schema_version"
                                 ).fetchone()[0]

    def migrate(self) -> list[int]:
        """Apply the migrations this database lacks, each in one transaction (BEGIN
        IMMEDIATE: a second process opening the same file waits, then finds it done).
        Returns the versions applied."""
        applied = []
        while True:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                current = self.schema_version()
                if current > SCHEMA_VERSION:
                    raise _too_new(current)
                if current == SCHEMA_VERSION:
                    self.conn.execute("COMMIT")
                    return applied
                version = current + 1
                for statement in migration_statements("sqlite", version):
                    self.conn.execute(statement)
                self.conn.execute("INSERT INTO schema_version (version, name, applied_at) "
                                  "VALUES (?, ?, ?)", (version, MIGRATIONS[version - 1][0],
                                                       _now()))
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
            applied.append(version)

    def push(self, envelopes: Sequence[Envelope]) -> list[RecordResult]:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            existing: dict[str, tuple[str, int, str]] = {}
            ids = list({e.id for e in envelopes})
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for rid, rtype, version, payload in conn.execute(
                        "SELECT record_id, record_type, schema_version, payload FROM records "
                        f"WHERE record_id IN ({marks})", chunk):
                    existing[rid] = (rtype, version, payload)
            results, new = _classify(envelopes, existing)
            received = _now()
            conn.executemany(
                "INSERT INTO records (record_id, record_type, office, station, created_at, "
                "schema_version, payload, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(e.id, e.type, e.office, e.station, e.created_at, e.schema_version, e.payload,
                  received) for e in new])
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return results

    def get(self, record_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(f"SELECT {', '.join(RECORD_COLUMNS)} FROM records "
                                "WHERE record_id = ?", (record_id,)).fetchone()
        return dict(zip(RECORD_COLUMNS, row, strict=True)) if row else None

    def list(self, *, after: int = 0, limit: int = 100, office: str | None = None,
             station: str | None = None, record_type: str | None = None
             ) -> list[dict[str, Any]]:
        where, params = ["seq > ?"], [after]
        for column, value in (("office", office), ("station", station),
                              ("record_type", record_type)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        rows = self.conn.execute(
            f"SELECT {', '.join(RECORD_COLUMNS)} FROM records WHERE {' AND '.join(where)} "
            "ORDER BY seq LIMIT ?", (*params, limit)).fetchall()
        return [dict(zip(RECORD_COLUMNS, r, strict=True)) for r in rows]

    def counts(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT office, record_type, count(*) FROM records GROUP BY office, record_type "
            "ORDER BY office, record_type").fetchall()
        return [{"office": o, "type": t, "count": n} for o, t, n in rows]

    def get_reference(self, name: str) -> tuple[str, str] | None:
        row = self.conn.execute("SELECT body, etag FROM reference WHERE name = ?",
                                (name,)).fetchone()
        return (row[0], row[1]) if row else None

    def put_reference(self, name: str, body: str) -> str:
        etag = etag_for(body)
        self.conn.execute(
            "INSERT INTO reference (name, body, etag, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET body = excluded.body, etag = excluded.etag, "
            "updated_at = excluded.updated_at WHERE reference.etag != excluded.etag",
            (name, body, etag, _now()))
        return etag

    def close(self) -> None:
        self.conn.close()


# The batch travels as one JSON text (an array of objects with one-letter keys) that
# PostgreSQL unpacks: dumping it is one json.dumps in C, where eight text arrays cost the
# receiver a Python loop with a regular expression per element.
PG_INSERT = (
    "INSERT INTO records (record_id, record_type, office, station, created_at, "
    "schema_version, payload, received_at) "
    "SELECT r.i, r.t, r.o, r.s, r.c, r.v, r.p, %s FROM json_to_recordset(%s::json) "
    "AS r(i text, t text, o text, s text, c text, v int, p text) "
    "ON CONFLICT (record_id) DO NOTHING RETURNING record_id")
PG_READ_BACK = ("SELECT record_id, record_type, schema_version, payload FROM records "
                "WHERE record_id = ANY(%s)")


def _first_copies(envelopes: Sequence[Envelope]) -> dict[str, Envelope]:
    first: dict[str, Envelope] = {}
    for e in envelopes:
        first.setdefault(e.id, e)
    return first


def _pg_insert_params(first: dict[str, Envelope]) -> tuple[str, str]:
    rows = [{"i": e.id, "t": e.type, "o": e.office, "s": e.station, "c": e.created_at,
             "v": e.schema_version, "p": e.payload} for e in first.values()]
    return _now(), json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


class _Waiting:
    """One push's records waiting for a turn at the database, and its answer."""

    __slots__ = ("envelopes", "future", "size", "taken", "waiter")

    def __init__(self, envelopes: list[Envelope], future: Any):
        self.envelopes = envelopes
        self.future = future
        self.taken = False
        #: What the push's records weigh in the merged statement (payloads, ids, dates).
        self.size = sum(len(e.payload) + 96 for e in envelopes)
        #: While the push waits for a connection: the future that hands it one (or None,
        #: when another push's turn took its records).
        self.waiter: Any = None


class AsyncPostgresPusher:
    """PostgresStore.push on the receiver's event loop (psycopg's asyncio connections): no
    store thread, so a push costs no thread hand-over and waits on the database without
    holding a thread. The database must already be migrated (open a PostgresStore first).

    Pushes that wait for one of the `connections` are stored together: whichever push gets a
    connection takes every push waiting (up to MERGE_RECORDS records, oldest first) into one
    INSERT and one commit, and each gets its own results, exactly as if stored one after the
    other. A city of stations sending a few records each then costs PostgreSQL one commit
    (one WAL flush) and the receiver one round trip per turn, not per push. If the database
    refuses such a statement, each push is tried alone, so one push's records can never
    cost another push its answer.

    A free connection goes to the push that has waited longest, and a push whose records
    another turn took stops waiting for one at once (its answer is ready when that turn
    ends)."""

    MERGE_RECORDS = 2000
    #: A turn's statement stays about the size of one push at its largest (the body limit),
    #: not eight of them: it is built on the event loop and held whole by PostgreSQL.
    MERGE_BYTES = 32 * 1024 * 1024

    def __init__(self, url: str, connections: int):
        self.url = url
        self.size = connections
        self._free: list[Any] = []
        self._getters: collections.deque[Any] = collections.deque()
        self._all: list[Any] = []
        self._waiting: collections.deque[_Waiting] = collections.deque()

    async def open(self) -> None:
        import psycopg

        for _ in range(self.size):
            conn = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
            self._all.append(conn)
            self._free.append(conn)

    async def push(self, envelopes: Sequence[Envelope]) -> list[RecordResult]:
        import asyncio

        if not envelopes:
            return []
        mine = _Waiting(list(envelopes), asyncio.get_running_loop().create_future())
        self._waiting.append(mine)
        try:
            while not mine.taken:  # until a turn (this one's or another's) takes it
                conn = await self._get(mine)
                if conn is None:  # another push's turn took this one's records
                    break
                self._put(await self._store(conn, self._take()))
            return await mine.future
        except BaseException:
            if not mine.taken:  # cancelled while waiting: nobody stores it
                self._waiting.remove(mine)
            raise

    async def _get(self, mine: _Waiting) -> Any:
        """A connection, the longest waiting push first; None once a turn took `mine`."""
        import asyncio

        if self._free:
            return self._free.pop()
        waiter = asyncio.get_running_loop().create_future()
        mine.waiter = waiter
        self._getters.append(waiter)
        try:
            return await waiter
        except BaseException:
            # Handed a connection just as it was cancelled: the connection goes on.
            if waiter.done() and not waiter.cancelled() and waiter.result() is not None:
                self._put(waiter.result())
            raise
        finally:
            mine.waiter = None

    def _put(self, conn: Any) -> None:
        while self._getters:
            waiter = self._getters.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return
        self._free.append(conn)

    def _take(self) -> list[_Waiting]:
        batch: list[_Waiting] = []
        count = size = 0
        while self._waiting and (not batch or (
                count + len(self._waiting[0].envelopes) <= self.MERGE_RECORDS
                and size + self._waiting[0].size <= self.MERGE_BYTES)):
            item = self._waiting.popleft()
            item.taken = True
            if item.waiter is not None and not item.waiter.done():
                item.waiter.set_result(None)  # stop waiting for a connection
            batch.append(item)
            count += len(item.envelopes)
            size += item.size
        return batch

    async def _store(self, conn: Any, batch: list[_Waiting]) -> Any:
        """Store `batch`, answer each push; returns the connection to put back (a fresh
        one where the old one failed)."""
        try:
            try:
                envelopes = [e for item in batch for e in item.envelopes]
                results = _classify(envelopes, await self._insert(conn, envelopes))[0]
            except Exception as exc:
                # A broken connection is not reused: a fresh one takes its place. One that
                # only refused the data (its transaction rolled back) serves on.
                conn = await self._mended(conn)
                if len(batch) == 1:
                    _answer(batch[0], error=exc)
                    return conn
                for item in batch:  # each push alone
                    try:
                        existing = await self._insert(conn, item.envelopes)
                    except Exception as alone:
                        conn = await self._mended(conn)
                        _answer(item, error=alone)
                    else:
                        _answer(item, _classify(item.envelopes, existing)[0])
                return conn
            start = 0
            for item in batch:
                _answer(item, results[start:start + len(item.envelopes)])
                start += len(item.envelopes)
            return conn
        except BaseException:  # cancelled mid-statement (the server stopping)
            for item in batch:
                _answer(item, error=RuntimeError("the receiver stopped while storing"))
            await self._replace(conn, give_back=True)
            raise

    @staticmethod
    async def _insert(conn: Any, envelopes: list[Envelope]) -> dict[str, tuple[str, int, str]]:
        """Insert the first copy of each id; the stored (type, version, payload) of the ids
        that were already there."""
        first = _first_copies(envelopes)
        async with conn.cursor() as cur:
            await cur.execute(PG_INSERT, _pg_insert_params(first))
            inserted = {r[0] for r in await cur.fetchall()}
            others = [rid for rid in first if rid not in inserted]
            if not others:
                return {}
            await cur.execute(PG_READ_BACK, (others,))
            return {r[0]: (r[1], r[2], r[3]) for r in await cur.fetchall()}

    async def _mended(self, conn: Any) -> Any:
        """`conn` after a failed statement: itself when it is still usable (autocommit: the
        failed statement's transaction is over), else a fresh one."""
        from psycopg.pq import TransactionStatus

        if not conn.closed and not conn.broken and (
                conn.info.transaction_status == TransactionStatus.IDLE):
            return conn
        return await self._replace(conn)

    async def _replace(self, conn: Any, *, give_back: bool = False) -> Any:
        import psycopg

        with contextlib.suppress(Exception):  # already broken
            await conn.close()
        try:
            fresh = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
        except Exception:
            fresh = conn  # the database is down: the next push fails and tries again
        else:
            self._all[self._all.index(conn)] = fresh
        if give_back:
            self._put(fresh)
        return fresh

    async def close(self) -> None:
        for conn in self._all:
            await conn.close()


def _answer(item: _Waiting, results: list[RecordResult] | None = None, *,
            error: BaseException | None = None) -> None:
    if item.future.done():  # its push was cancelled meanwhile
        return
    if error is not None:
        item.future.set_exception(error)
    else:
        item.future.set_result(results)


class PostgresStore:
    """The same store on PostgreSQL (psycopg 3). Safe with several server processes: the
    primary key on record_id decides, and a lost race reads back as a duplicate."""

    MIGRATION_LOCK = 0x6B696F736B  # pg_advisory_xact_lock key: one migrator at a time

    def __init__(self, url: str):
        try:
            import psycopg
        except ImportError as exc:
            raise RuntimeError("PostgreSQL needs the psycopg package: "
                               "pip install 'psycopg[binary]'") from exc
        self.conn = psycopg.connect(url, autocommit=True)
        self.migrate()

    def schema_version(self) -> int:
        rows = self._rows("SELECT to_regclass('schema_version') IS NOT NULL", ())
        if not rows[0][0]:
            return 0
        return self._rows("SELECT coalesce(max(version), 0) FROM schema_version", ())[0][0]

    def migrate(self) -> list[int]:
        """Apply the migrations this database lacks, each in one transaction. An advisory
        lock makes receivers starting at the same time take turns: the first migrates, the
        others find it done. Returns the versions applied."""
        applied = []
        while True:
            with self.conn.transaction(), self.conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (self.MIGRATION_LOCK,))
                cur.execute(VERSION_TABLE)
                cur.execute("SELECT coalesce(max(version), 0) FROM schema_version")
                current = cur.fetchone()[0]
                if current > SCHEMA_VERSION:
                    raise _too_new(current)
                if current == SCHEMA_VERSION:
                    return applied
                version = current + 1
                for statement in migration_statements("postgresql", version):
                    cur.execute(statement)
                cur.execute("INSERT INTO schema_version (version, name, applied_at) "
                            "VALUES (%s, %s, %s)", (version, MIGRATIONS[version - 1][0],
                                                    _now()))
            applied.append(version)

    def push(self, envelopes: Sequence[Envelope]) -> list[RecordResult]:
        """One INSERT statement for the batch (its first copy of each id), atomic on its own
        (autocommit: one round trip); only ids that were already stored (or that another
        receiver process stored meanwhile: ON CONFLICT waits for its transaction) are read
        back, to tell a duplicate from an id conflict. A stored record never changes, so
        reading it after the insert is as good as reading it in the same transaction."""
        if not envelopes:
            return []
        first = _first_copies(envelopes)
        with self.conn.cursor() as cur:
            cur.execute(PG_INSERT, _pg_insert_params(first))
            inserted = {r[0] for r in cur.fetchall()}
            others = [rid for rid in first if rid not in inserted]
            existing: dict[str, tuple[str, int, str]] = {}
            if others:
                cur.execute(PG_READ_BACK, (others,))
                existing = {r[0]: (r[1], r[2], r[3]) for r in cur.fetchall()}
        results, _ = _classify(envelopes, existing)
        return results

    def _rows(self, sql: str, params: Sequence[Any]) -> list[tuple]:
        # One statement in autocommit: one round trip (a transaction around it: three).
        with self.conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    def get(self, record_id: str) -> dict[str, Any] | None:
        rows = self._rows(f"SELECT {', '.join(RECORD_COLUMNS)} FROM records "
                          "WHERE record_id = %s", (record_id,))
        return dict(zip(RECORD_COLUMNS, rows[0], strict=True)) if rows else None

    def list(self, *, after: int = 0, limit: int = 100, office: str | None = None,
             station: str | None = None, record_type: str | None = None
             ) -> list[dict[str, Any]]:
        where, params = ["seq > %s"], [after]
        for column, value in (("office", office), ("station", station),
                              ("record_type", record_type)):
            if value is not None:
                where.append(f"{column} = %s")
                params.append(value)
        rows = self._rows(f"SELECT {', '.join(RECORD_COLUMNS)} FROM records WHERE "
                          f"{' AND '.join(where)} ORDER BY seq LIMIT %s", (*params, limit))
        return [dict(zip(RECORD_COLUMNS, r, strict=True)) for r in rows]

    def counts(self) -> list[dict[str, Any]]:
        rows = self._rows("SELECT office, record_type, count(*) FROM records "
                          "GROUP BY office, record_type ORDER BY office, record_type", ())
        return [{"office": o, "type": t, "count": n} for o, t, n in rows]

    def get_reference(self, name: str) -> tuple[str, str] | None:
        rows = self._rows("SELECT body, etag FROM reference WHERE name = %s", (name,))
        return (rows[0][0], rows[0][1]) if rows else None

    def put_reference(self, name: str, body: str) -> str:
        etag = etag_for(body)
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.execute(
                "INSERT INTO reference (name, body, etag, updated_at) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (name) DO UPDATE SET body = excluded.body, etag = excluded.etag, "
                "updated_at = excluded.updated_at", (name, body, etag, _now()))
        return etag

    def close(self) -> None:
        self.conn.close()
