"""Indexes and marks for a station's years, registered as migrations 8, 17 and 18
(kiosk/store/migrations.py). Once shipped a migration must never change: append a new one.

Migration 8:

- dossiers_by_returned: the statistics read dossiers received *or handed back* in a range
  (kiosk/stats/compute.py); without it that OR scans every dossier the station ever took in.
- outbox_tombstones: the delivered dossier rows the sync kept without their payload until
  retention was done with the dossier (sync/prune.py), found without scanning the outbox
  (gone with migration 17).

Migration 17, a leaner record: every index on the big tables is kept only for a query that
needs it (docs/benchmarks.md, "years": each query's plan before and after), and nothing in
it rewrites a table (an index is dropped or built from one read of its table: about 1.5 s
on two years of a busy office).

- queue_events (kind, at) served only "the calls of today" (kiosk/calling.py's snapshot,
  kiosk/ticketing.py's calls since the last priority call): it becomes an index of the
  calls' times alone, `queue_events_calls`, a quarter of the rows. A query uses it only when
  it says `kind IN ('called', 'recalled')` word for word (SQLite's rule for partial indexes).
- tickets (day, service_code, status) and (day, status) served "today's waiting tickets" and
  every read of a day range; a range of days is read through the UNIQUE (day, service_code,
  seq) index every ticket has anyway, and the waiting ones get `tickets_waiting` on the
  waiting rows alone (a query says `status = 'waiting'`). The called and served ones are
  found through tickets_at_counter (migration 4).
- ratings (counter, at): no query reads ratings by counter in a range; the latest ratings of
  a counter are found from the newest row backwards.
- The delivered dossier rows the sync keeps for the retention purge's question "does the
  city have every change of this dossier?" (kiosk/dossiers/retention.py `is_synced`): instead
  of a tombstone row in the outbox per status change (about 200 bytes with its keys), the
  answer is kept on the change itself, `dossier_events.city_delivered = 1`, and the outbox
  row goes. The tombstones of older versions are turned into marks here.

Migration 18, the delivered changes of refused, withdrawn and stopped dossiers (3, 7, 8) that
an older sync pruned outright: before retention reached those dossiers, sync/prune.py deleted
their delivered outbox rows without a tombstone, so migration 17 had nothing to turn into a
mark and `is_synced` read the missing row as "not yet delivered" (the dossier was then kept
with its personal data for ever). The sync only ever deleted delivered rows, so a change of
such a dossier with neither a city outbox row nor a row for the office's dossier book
(book_outbox) was delivered: it gets the mark. A change still waiting has its row, and keeps
no mark.
"""

from kiosk.store.migrations import register

UPKEEP_MIGRATION = """
CREATE INDEX dossiers_by_returned ON dossiers (returned_at);
CREATE INDEX outbox_tombstones ON outbox (id) WHERE sync_result = 'pruned'
"""

register(8, "kiosk.store", UPKEEP_MIGRATION)

LEAN_MIGRATION = """
DROP INDEX queue_events_by_kind_at;
CREATE INDEX queue_events_calls ON queue_events (at) WHERE kind IN ('called', 'recalled');
DROP INDEX tickets_by_status;
DROP INDEX tickets_waiting;
CREATE INDEX tickets_waiting ON tickets (day) WHERE status = 'waiting';
DROP INDEX ratings_by_counter;
ALTER TABLE dossier_events ADD COLUMN city_delivered INTEGER;
UPDATE dossier_events SET city_delivered = 1 WHERE uid IN
    (SELECT record_id FROM outbox WHERE sync_result = 'pruned' AND sent_at IS NOT NULL);
DELETE FROM outbox WHERE sync_result = 'pruned';
DROP INDEX outbox_tombstones
"""

register(17, "kiosk.store", LEAN_MIGRATION)

OLD_PRUNED_MIGRATION = """
UPDATE dossier_events SET city_delivered = 1 WHERE city_delivered IS NULL
    AND dossier_id IN (SELECT id FROM dossiers WHERE status IN (3, 7, 8))
    AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.record_id = dossier_events.uid)
    AND NOT EXISTS (SELECT 1 FROM book_outbox b WHERE b.change_id = dossier_events.uid)
"""

register(18, "kiosk.store", OLD_PRUNED_MIGRATION)
