"""The station database's migrations: ONE ordered list, applied by kiosk.store.db.migrate();
PRAGMA user_version records how many have run.

The store owns the mechanism and its own tables (1 and 2 here, 8 and 17 in upkeep_schema.py); every
other package owns its tables and registers its migration here under its version number
(`register()` in its schema.py: kiosk/dossiers, kiosk/queue, kiosk/feedback, kiosk/officefeed,
kiosk/hub). The store imports none of them: kiosk/schema.py does, and importing `kiosk` imports
it, so the list is whole before any database is opened. A version registered out of order
leaves a gap, which migrate() refuses (missing_versions()).

Never edit a migration that has shipped: register a new one with the next version.
"""

from __future__ import annotations

#: The migrations in version order (MIGRATIONS[0] is version 1), as far as registered without a
#: gap. Changed in place by register(), so `from kiosk.store.migrations import MIGRATIONS` sees
#: every registration.
MIGRATIONS: list[str] = []

_REGISTERED: dict[int, tuple[str, str]] = {}  # version -> (owner, script)


def register(version: int, owner: str, script: str) -> None:
    """Register `script` as migration number `version` (1-based), owned by the package
    `owner`. Registering the same script again is a no-op; another script under a taken
    version is a programming error."""
    if version < 1:
        raise ValueError(f"migration versions start at 1, not {version}")
    known = _REGISTERED.get(version)
    if known is not None:
        if known == (owner, script):
            return
        raise ValueError(f"migration {version} is already registered by {known[0]}")
    _REGISTERED[version] = (owner, script)
    ordered: list[str] = []
    while len(ordered) + 1 in _REGISTERED:
        ordered.append(_REGISTERED[len(ordered) + 1][1])
    MIGRATIONS[:] = ordered


def missing_versions() -> list[int]:
    """Versions below the highest registered one that nobody registered (empty when whole)."""
    top = max(_REGISTERED, default=0)
    return [v for v in range(1, top + 1) if v not in _REGISTERED]


def owners() -> dict[int, str]:
    """Which package registered each version."""
    return {v: owner for v, (owner, _) in sorted(_REGISTERED.items())}


_CORE: list[str] = [
    # 1: services, tickets and their daily counters, queue events, outbox.
    """
    CREATE TABLE services (
        code TEXT PRIMARY KEY,
        prefix TEXT NOT NULL UNIQUE,
        name_vi TEXT NOT NULL,
        name_en TEXT NOT NULL,
        field TEXT NOT NULL DEFAULT '',
        hours TEXT NOT NULL,
        sort INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE ticket_counters (
        day TEXT NOT NULL,
        service_code TEXT NOT NULL REFERENCES services(code),
        last_seq INTEGER NOT NULL,
        PRIMARY KEY (day, service_code)
    );
    CREATE TABLE tickets (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        service_code TEXT NOT NULL REFERENCES services(code),
        day TEXT NOT NULL,
        seq INTEGER NOT NULL,
        number TEXT NOT NULL,
        priority TEXT,
        issued_at TEXT NOT NULL,
        station_id TEXT NOT NULL,
        people_ahead INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'waiting'
            CHECK (status IN ('waiting', 'called', 'serving', 'done', 'skipped', 'cancelled')),
        print_status TEXT NOT NULL DEFAULT 'pending'
            CHECK (print_status IN ('pending', 'printed', 'print_failed')),
        UNIQUE (day, service_code, seq)
    );
    CREATE INDEX tickets_by_status ON tickets (day, service_code, status);
    CREATE TABLE queue_events (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
        kind TEXT NOT NULL,
        at TEXT NOT NULL,
        station_id TEXT NOT NULL,
        detail TEXT
    );
    CREATE INDEX queue_events_by_ticket ON queue_events (ticket_id);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        record_id TEXT NOT NULL UNIQUE,
        record_type TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        payload TEXT NOT NULL
    )
    """,
    # 2: city sync state: per-record delivery outcome on the outbox, a small key-value table
    # for the worker's last success/error, and the reference data pulled from the city.
    """
    ALTER TABLE outbox ADD COLUMN sent_at TEXT;
    ALTER TABLE outbox ADD COLUMN sync_result TEXT;
    ALTER TABLE outbox ADD COLUMN set_aside_at TEXT;
    ALTER TABLE outbox ADD COLUMN set_aside_reason TEXT;
    CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL AND set_aside_at IS NULL;
    CREATE INDEX outbox_set_aside ON outbox (id) WHERE set_aside_at IS NOT NULL;
    CREATE TABLE sync_state (
        key TEXT PRIMARY KEY,
        value TEXT
    );
    CREATE TABLE reference_data (
        name TEXT PRIMARY KEY,
        etag TEXT,
        body TEXT NOT NULL,
        fetched_at TEXT NOT NULL
    )
    """,
]

for _version, _script in enumerate(_CORE, start=1):
    register(_version, "kiosk.store", _script)
