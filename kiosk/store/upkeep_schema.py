"""Indexes for a station's years, registered as migration 8 (kiosk/store/migrations.py).
Once shipped it must never change: append a new one.

- dossiers_by_returned: the statistics read dossiers received *or handed back* in a range
  (kiosk/stats/compute.py); without it that OR scans every dossier the station ever took in.
- outbox_tombstones: the delivered dossier rows the sync keeps without their payload until
  retention is done with the dossier (sync/prune.py), found without scanning the outbox.
"""

from kiosk.store.migrations import register

UPKEEP_MIGRATION = """
CREATE INDEX dossiers_by_returned ON dossiers (returned_at);
CREATE INDEX outbox_tombstones ON outbox (id) WHERE sync_result = 'pruned'
"""

register(8, "kiosk.store", UPKEEP_MIGRATION)
