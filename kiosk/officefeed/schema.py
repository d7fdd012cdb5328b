"""The office-feed tables, registered with the store as migration 6
(kiosk/store/migrations.py). Once shipped it must never change: append a new one.

- office_dossiers (on the hub): the public subset of dossiers taken in at other stations.
  `version` is the number of status changes the dossier had when it was forwarded, so a late
  copy of an older state never overwrites a newer one.
- office_feed_cursor (on a client): the last outbox id forwarded to each hub.
"""

from kiosk.store.migrations import register

OFFICE_FEED_MIGRATION = """
CREATE TABLE office_dossiers (
    code TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    station_id TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    procedure_name TEXT NOT NULL,
    status INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    day TEXT NOT NULL,
    appointment_date TEXT NOT NULL,
    finished_at TEXT,
    returned_at TEXT,
    on_time INTEGER,
    initials TEXT NOT NULL DEFAULT '',
    result_place TEXT NOT NULL DEFAULT '',
    clerk TEXT NOT NULL DEFAULT '',
    returned_by TEXT,
    forwarded_at TEXT NOT NULL
);
CREATE INDEX office_dossiers_by_day ON office_dossiers (day);
CREATE INDEX office_dossiers_by_returned ON office_dossiers (returned_at);
CREATE TABLE office_feed_cursor (
    hub TEXT PRIMARY KEY,
    last_outbox_id INTEGER NOT NULL,
    forwarded_at TEXT NOT NULL
)
"""

register(6, "kiosk.officefeed", OFFICE_FEED_MIGRATION)
