"""The statistics' own table and the indexes their reads need, registered with the store as
migration 16 (kiosk/store/migrations.py). Once shipped it must never change: append a new one.

Here, with the store (as upkeep_schema.py), so that importing the schema pulls no statistics
code. `stats_days` keeps each settled day's queue figures (kiosk/stats/days.py: a cache checked
against its records on every read, never sent anywhere, safe to empty). The indexes find what
the results per clerk and procedure (kiosk/stats/results.py) read for a range without reading
every dossier and status change of the years: dossiers by finish time and by their ticket,
refusals and supplement requests by time, slips by issue time.
"""

from kiosk.store.migrations import register

#: The kept days (kiosk/stats/days.py reads and writes them; it also creates the table itself
#: if missing, with this statement).
CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS stats_days (
    day TEXT NOT NULL,
    zone TEXT NOT NULL,
    version INTEGER NOT NULL,
    sources TEXT NOT NULL,
    data BLOB NOT NULL,
    built_at TEXT NOT NULL,
    PRIMARY KEY (day, zone)
) WITHOUT ROWID
"""

STATS_MIGRATION = CREATE_TABLE + """;
CREATE INDEX dossiers_by_finished ON dossiers (finished_at);
CREATE INDEX dossiers_by_ticket ON dossiers (ticket_id) WHERE ticket_id IS NOT NULL;
CREATE INDEX dossier_events_refused_supplement ON dossier_events (at)
    WHERE to_status IN (3, 5);
CREATE INDEX dossier_slips_by_issued ON dossier_slips (issued_at)
"""

register(16, "kiosk.stats", STATS_MIGRATION)
