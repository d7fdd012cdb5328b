"""Schema migrations, applied in order; PRAGMA user_version records how many have run.

Never edit a migration that has shipped: append a new one.
"""

from kiosk.dossiers.schema import DOSSIER_MIGRATION
from kiosk.feedback.schema import FEEDBACK_MIGRATION
from kiosk.hub.schema import CREDENTIALS_MIGRATION
from kiosk.officefeed.schema import OFFICE_FEED_MIGRATION
from kiosk.queue.schema import CALLING_MIGRATION
from kiosk.store.upkeep_schema import UPKEEP_MIGRATION

MIGRATIONS: list[str] = [
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
    # dossiers: intake, status history, daily dossier-code counters (kiosk/dossiers).
    DOSSIER_MIGRATION,
    # counter calling: who serves which ticket, dossier links, applied-op ids, counter outbox
    # (kiosk/queue/schema.py).
    CALLING_MIGRATION,
    # citizen satisfaction ratings and kiosk feedback (kiosk/feedback/schema.py).
    FEEDBACK_MIGRATION,
    # the office feed: dossiers forwarded to the hub, and the client's cursor
    # (kiosk/officefeed/schema.py).
    OFFICE_FEED_MIGRATION,
    # the hub's station credentials: role and token digest per paired station
    # (kiosk/hub/schema.py).
    CREDENTIALS_MIGRATION,
    # a station's years: dossiers by hand-back time, the sync's outbox tombstones
    # (kiosk/store/upkeep_schema.py).
    UPKEEP_MIGRATION,
]
