"""The hub's station credentials, registered with the store as migration 7
(kiosk/store/migrations.py). Once shipped it must never change: append a new one.

- hub_credentials (on the hub): one row per paired station: its role and the SHA-256 digest
  of its token (the token itself is shown once, at pairing, and never stored). Pairing a
  station again replaces its row; revoking sets revoked_at.
"""

from kiosk.store.migrations import register

CREDENTIALS_MIGRATION = """
CREATE TABLE hub_credentials (
    station_id TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('kiosk', 'counter', 'display', 'rating', 'admin')),
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
)
"""

register(7, "kiosk.hub", CREDENTIALS_MIGRATION)
