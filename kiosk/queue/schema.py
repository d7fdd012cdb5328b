"""The counter-calling tables, registered with the store as migration 4 (kiosk/store/migrations.py).

Kept here (like kiosk.dossiers.schema) so the calling feature owns its schema; once shipped it
must never change: later changes are new migrations.

- tickets gain where and by whom they are served: `counter`, `clerk`, the first call
  (`called_at`, what waiting-time statistics start from), the latest call or recall
  (`last_called_at`), `finished_at`; `queue_service` is the queue a transferred ticket waits in
  now (NULL: its own service; the printed number and `service_code` never change, so the
  daily numbering stays unique); `target_counter` is the counter it was transferred to.
- At most one ticket is at a counter at a time: a partial unique index, so even a bug or a
  second writer cannot put two citizens at one counter.
- `ticket_dossiers`: the dossiers taken in while a ticket was served (one visit may file
  several).
- `applied_ops`: operation ids the hub has applied, written in the same transaction as the
  operation, so a retried request or a counter's replayed outbox is applied once and only once.
- `counter_outbox`: on a counter station, what it recorded while the hub was unreachable,
  replayed in order when it returns.
- An index on queue_events (kind, at) keeps "calls today" reads off the whole history
  (migration 17, kiosk/store/upkeep_schema.py, replaced it by one on the calls alone, and
  tickets_waiting by one on the waiting tickets alone).
"""

from kiosk.store.migrations import register

CALLING_MIGRATION = """
ALTER TABLE tickets ADD COLUMN queue_service TEXT REFERENCES services(code);
ALTER TABLE tickets ADD COLUMN counter INTEGER;
ALTER TABLE tickets ADD COLUMN clerk TEXT;
ALTER TABLE tickets ADD COLUMN called_at TEXT;
ALTER TABLE tickets ADD COLUMN last_called_at TEXT;
ALTER TABLE tickets ADD COLUMN finished_at TEXT;
ALTER TABLE tickets ADD COLUMN target_counter INTEGER;
CREATE INDEX tickets_waiting ON tickets (day, status);
CREATE UNIQUE INDEX tickets_at_counter ON tickets (counter)
    WHERE status IN ('called', 'serving');
CREATE INDEX queue_events_by_kind_at ON queue_events (kind, at);
CREATE TABLE ticket_dossiers (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    dossier_code TEXT NOT NULL,
    linked_at TEXT NOT NULL,
    counter INTEGER,
    PRIMARY KEY (ticket_id, dossier_code)
);
CREATE TABLE applied_ops (
    op_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    ticket_id INTEGER,
    applied_at TEXT NOT NULL
);
CREATE INDEX applied_ops_by_time ON applied_ops (applied_at);
CREATE TABLE counter_outbox (
    id INTEGER PRIMARY KEY,
    op_id TEXT NOT NULL UNIQUE,
    hub TEXT NOT NULL,
    op TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    set_aside_at TEXT,
    set_aside_reason TEXT
);
CREATE INDEX counter_outbox_pending ON counter_outbox (id)
    WHERE sent_at IS NULL AND set_aside_at IS NULL
"""

register(4, "kiosk.queue", CALLING_MIGRATION)
