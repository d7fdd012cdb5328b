"""The petitions tables, registered with the store as migration 14 (kiosk/store/migrations.py).
Once shipped it must never change: append a new one.

`petitions` holds one row per case (its latest state; every change also goes to the outbox as
a whole "petition" record). `petition_counters` numbers the codes: one sequence per code
prefix and year. `feedback_uid` links the case to the citizen_feedback row the kiosk stored
with it (plain text, no foreign key: retention purges each on its own).
"""

from kiosk.store.migrations import register

PETITIONS_MIGRATION = """
CREATE TABLE petitions (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    code TEXT NOT NULL UNIQUE,
    feedback_uid TEXT,
    topic TEXT NOT NULL,
    text TEXT NOT NULL,
    phone TEXT,
    channel TEXT NOT NULL CHECK (channel IN ('kiosk', 'counter')),
    received_at TEXT NOT NULL,
    due_date TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'assigned', 'answered', 'closed')),
    assignee TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL DEFAULT '',
    answered_by TEXT NOT NULL DEFAULT '',
    answered_at TEXT,
    closed_at TEXT,
    updated_at TEXT NOT NULL,
    station_id TEXT NOT NULL,
    purged_at TEXT
);
CREATE INDEX petitions_by_status ON petitions (status, due_date);
CREATE INDEX petitions_by_received ON petitions (received_at);
CREATE TABLE petition_counters (
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
)
"""

register(14, "kiosk.petitions", PETITIONS_MIGRATION)
