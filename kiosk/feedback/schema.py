"""The ratings and citizen feedback tables, registered with the store as migration 5
(kiosk/store/migrations.py). Once shipped it must never change: append a new one.

No foreign keys to tickets or dossiers: a rating screen that follows a remote queue hub
(`kiosk rating --hub URL`) stores ratings of tickets that live in the hub's database, so the
rating keeps the ticket's uid and the dossier's code as plain text.

The feedback phone number is the only personal data here; `purged_at` lets a retention purge
blank it once the city has the record.
"""

from kiosk.store.migrations import register

FEEDBACK_MIGRATION = """
CREATE TABLE ratings (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    ticket_uid TEXT,
    ticket_number TEXT,
    dossier_code TEXT,
    counter INTEGER NOT NULL,
    clerk TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL CHECK (level IN ('very_satisfied', 'satisfied', 'unsatisfied')),
    reasons TEXT NOT NULL DEFAULT '[]',
    at TEXT NOT NULL,
    station_id TEXT NOT NULL
);
CREATE INDEX ratings_by_at ON ratings (at);
CREATE INDEX ratings_by_counter ON ratings (counter, at);
CREATE TABLE citizen_feedback (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    topic TEXT NOT NULL,
    text TEXT NOT NULL,
    phone TEXT,
    at TEXT NOT NULL,
    station_id TEXT NOT NULL,
    purged_at TEXT
);
CREATE INDEX citizen_feedback_by_at ON citizen_feedback (at)
"""

register(5, "kiosk.feedback", FEEDBACK_MIGRATION)
