"""The dossier tables, registered with the store as migrations 3, 9 and 10
(kiosk/store/migrations.py).

Kept here (not inline in migrations.py) so the dossier feature owns its schema; once shipped it
must never change: later changes are new migrations.

Personal data lives only in the `submitter_*` and `owner_*` columns of `dossiers`, so the
retention purge can blank exactly those and keep the rest of the record.
"""

from kiosk.store.migrations import register

DOSSIER_MIGRATION = """
CREATE TABLE dossier_counters (
    day TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (day, unit_code)
);
CREATE TABLE dossiers (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    code TEXT NOT NULL UNIQUE,
    unit_code TEXT NOT NULL,
    day TEXT NOT NULL,
    seq INTEGER NOT NULL,
    receiving_unit_name TEXT NOT NULL,
    deciding_unit_code TEXT NOT NULL,
    deciding_unit_name TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    procedure_name TEXT NOT NULL,
    field_code TEXT NOT NULL,
    field_name TEXT NOT NULL,
    processing_days INTEGER NOT NULL,
    submitter_name TEXT,
    submitter_id_number TEXT,
    submitter_birth_date TEXT,
    submitter_gender TEXT,
    submitter_address TEXT,
    submitter_phone TEXT,
    submitter_email TEXT,
    owner_name TEXT,
    owner_id_number TEXT,
    owner_birth_date TEXT,
    owner_gender TEXT,
    owner_address TEXT,
    owner_phone TEXT,
    owner_email TEXT,
    owner_kind INTEGER NOT NULL DEFAULT 1 CHECK (owner_kind BETWEEN 1 AND 4),
    documents TEXT NOT NULL,
    sets INTEGER NOT NULL DEFAULT 1 CHECK (sets >= 1),
    summary TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    area TEXT NOT NULL DEFAULT '',
    result_place TEXT NOT NULL DEFAULT '',
    received_at TEXT NOT NULL,
    appointment_date TEXT NOT NULL,
    status INTEGER NOT NULL CHECK (status BETWEEN 1 AND 10),
    status_reason TEXT,
    finished_at TEXT,
    returned_at TEXT,
    on_time INTEGER,
    clerk TEXT NOT NULL,
    station_id TEXT NOT NULL,
    ticket_id INTEGER REFERENCES tickets(id),
    purged_at TEXT,
    updated_at TEXT NOT NULL,
    UNIQUE (unit_code, day, seq)
);
CREATE INDEX dossiers_by_day ON dossiers (day);
CREATE INDEX dossiers_by_status ON dossiers (status, returned_at);
CREATE TABLE dossier_events (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
    from_status INTEGER,
    to_status INTEGER NOT NULL,
    at TEXT NOT NULL,
    clerk TEXT NOT NULL,
    reason TEXT,
    station_id TEXT NOT NULL
);
CREATE INDEX dossier_events_by_dossier ON dossier_events (dossier_id)
"""

register(3, "kiosk.dossiers", DOSSIER_MIGRATION)

#: Migration 9: the short look-up code printed on the receipt (kiosk/dossiers/shortcode.py),
#: unique within an office. Dossiers received before it have none stored (their code still
#: decodes: the look-up does not need the column).
SHORT_CODE_MIGRATION = """
ALTER TABLE dossiers ADD COLUMN short_code TEXT;
CREATE UNIQUE INDEX dossiers_by_short_code ON dossiers (unit_code, short_code)
    WHERE short_code IS NOT NULL
"""

register(9, "kiosk.dossiers", SHORT_CODE_MIGRATION)

#: Migration 10: office-unique dossier numbers (kiosk/dossiers/numbers.py). On a counter PC of
#: a LAN office, the blocks of numbers leased from the hub (source 'hub') and this counter's
#: own fallback range for a day (source 'fallback'); on the hub, the blocks it leased and to
#: which station (source 'lease'); on every station a few named values (the hub's epoch, the
#: restore floor, the last hub epoch a counter saw).
NUMBERS_MIGRATION = """
CREATE TABLE dossier_number_blocks (
    unit_code TEXT NOT NULL,
    day TEXT NOT NULL,
    first INTEGER NOT NULL CHECK (first >= 1),
    last INTEGER NOT NULL CHECK (last >= first),
    next_seq INTEGER NOT NULL CHECK (next_seq BETWEEN first AND last + 1),
    leased_at TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('hub', 'fallback', 'lease')),
    station_id TEXT,
    PRIMARY KEY (unit_code, day, first)
);
CREATE TABLE dossier_number_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
)
"""

register(10, "kiosk.dossiers", NUMBERS_MIGRATION)

#: Migration 11: the office dossier book needs no table of its own (the hub's `dossiers` and
#: `dossier_events` are the book); a returning citizen's last contact details
#: (DossierDesk.last_contact) are found by ID number without reading every dossier.
register(11, "kiosk.dossiers", "CREATE INDEX dossiers_by_submitter ON dossiers "
                               "(submitter_id_number, received_at)")

#: Migration 12: a counter PC's queue of dossier changes for the office's dossier book on the
#: hub (kiosk/dossiers/office.py), in the order they were made. `body` is the change as the hub
#: takes it (POST /api/v1/dossiers/changes), with the city record the counter built; `sent_at`
#: once the hub applied it (or already had it); `lost_at`/`lost_reason` when the hub refused it
#: (another counter changed the dossier first): kept, never sent again, shown to the clerk
#: until `seen_at`.
BOOK_OUTBOX_MIGRATION = """
CREATE TABLE book_outbox (
    id INTEGER PRIMARY KEY,
    change_id TEXT NOT NULL UNIQUE,
    code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('intake', 'status')),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    result TEXT,
    lost_at TEXT,
    lost_reason TEXT,
    seen_at TEXT
);
CREATE INDEX book_outbox_by_code ON book_outbox (code)
"""

register(12, "kiosk.dossiers", BOOK_OUTBOX_MIGRATION)

#: Migration 13: the official slips issued for a dossier (Mẫu 02 supplement request, 03
#: refusal, 04 apology with a new date, 05 process control) and the hand-overs Mẫu 05 lists
#: (between the one-stop counter and the departments that settle the dossier: who handed, who
#: received, when, and by when it must move on). `details` is the form's own content as JSON
#: (e.g. the documents a supplement request lists); `new_date` only for Mẫu 04, which then
#: gives the dossier's due date (the dossier still counts as late).
SLIPS_MIGRATION = """
CREATE TABLE dossier_slips (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
    form TEXT NOT NULL CHECK (form IN ('02', '03', '04', '05')),
    reason TEXT,
    new_date TEXT,
    details TEXT NOT NULL DEFAULT '{}',
    issued_at TEXT NOT NULL,
    clerk TEXT NOT NULL,
    station_id TEXT NOT NULL
);
CREATE INDEX dossier_slips_by_dossier ON dossier_slips (dossier_id, form);
CREATE TABLE dossier_handovers (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
    at TEXT NOT NULL,
    from_party TEXT NOT NULL,
    to_party TEXT NOT NULL,
    handed_by TEXT NOT NULL,
    received_by TEXT NOT NULL,
    due_date TEXT,
    note TEXT,
    station_id TEXT NOT NULL
);
CREATE INDEX dossier_handovers_by_dossier ON dossier_handovers (dossier_id)
"""

register(13, "kiosk.dossiers", SLIPS_MIGRATION)

#: Migration 15: a counter PC of a LAN office queues its official slips and hand-overs for the
#: office's dossier book too (kinds `slip` and `handover`, kiosk/dossiers/office.py). SQLite
#: cannot alter a CHECK, so the table is rebuilt with its rows (ids and order kept) and index.
BOOK_OUTBOX_SLIPS_MIGRATION = """
CREATE TABLE book_outbox_15 (
    id INTEGER PRIMARY KEY,
    change_id TEXT NOT NULL UNIQUE,
    code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('intake', 'status', 'slip', 'handover')),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    result TEXT,
    lost_at TEXT,
    lost_reason TEXT,
    seen_at TEXT
);
INSERT INTO book_outbox_15 (id, change_id, code, kind, body, created_at, sent_at, result,
                            lost_at, lost_reason, seen_at)
    SELECT id, change_id, code, kind, body, created_at, sent_at, result, lost_at, lost_reason,
           seen_at FROM book_outbox ORDER BY id;
DROP TABLE book_outbox;
ALTER TABLE book_outbox_15 RENAME TO book_outbox;
CREATE INDEX book_outbox_by_code ON book_outbox (code)
"""

register(15, "kiosk.dossiers", BOOK_OUTBOX_SLIPS_MIGRATION)
