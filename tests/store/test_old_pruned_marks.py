"""Migration 18 (kiosk/store/upkeep_schema.py): on a station upgraded from a version whose
sync deleted the delivered rows of refused, withdrawn and stopped dossiers outright, those
dossiers' changes are marked delivered, so the retention purge reaches them; a change still
waiting for the city, or for the office's dossier book, is not marked."""

from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.dossiers import purge_personal_data
from kiosk.store import connect
from tests.util import database_at

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
AT = "2026-01-05T09:00:00+07:00"


def _dossier(raw, dossier_id, status, events):
    raw.execute("INSERT INTO dossiers (id, uid, code, unit_code, day, seq, receiving_unit_name, "
                "deciding_unit_code, deciding_unit_name, procedure_code, procedure_name, "
                "field_code, field_name, processing_days, documents, received_at, "
                "appointment_date, status, clerk, station_id, updated_at, submitter_name, "
                "submitter_id_number) VALUES (?, ?, ?, 'X', '2026-01-05', ?, 'U', 'X', 'U', "
                "'P', 'Chứng thực', 'F', 'F', 3, '[]', ?, '2026-01-08', ?, 'c', 'k1', ?, "
                "'Nguyễn Văn An', '001099012345')",
                (dossier_id, f"d{dossier_id}", f"X-260105-000{dossier_id}", dossier_id, AT,
                 status, AT))
    for n, to in enumerate(events, start=1):
        raw.execute("INSERT INTO dossier_events (uid, dossier_id, to_status, at, clerk, "
                    "station_id) VALUES (?, ?, ?, ?, 'c', 'k1')",
                    (f"e{dossier_id}-{n}", dossier_id, to, AT))


def test_migration_18_marks_the_changes_an_older_sync_pruned_outright(tmp_path):
    path = tmp_path / "kiosk.db"
    raw = database_at(path, 17)
    _dossier(raw, 1, 7, (2, 7))  # withdrawn, both rows delivered then deleted by the old sync
    _dossier(raw, 2, 3, (2, 3))  # refused, its refusal still waiting for the city
    raw.execute("INSERT INTO outbox (record_id, record_type, schema_version, created_at, "
                "payload) VALUES ('e2-2', 'dossier', 1, ?, '{}')", (AT,))
    _dossier(raw, 3, 8, (2, 8))  # stopped at a counter PC, the book has not taken the stop
    raw.execute("INSERT INTO book_outbox (change_id, code, kind, body, created_at) VALUES "
                "('e3-2', 'X-260105-0003', 'status', '{}', ?)", (AT,))
    _dossier(raw, 4, 4, (2, 4))  # still being handled: not the old sync's case
    raw.close()

    db = connect(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] >= 18
        marks = dict(db.execute("SELECT uid, city_delivered FROM dossier_events").fetchall())
        assert marks == {"e1-1": 1, "e1-2": 1, "e2-1": 1, "e2-2": None, "e3-1": 1,
                         "e3-2": None, "e4-1": None, "e4-2": None}
        report = purge_personal_data(db, now=datetime(2026, 8, 1, tzinfo=HCM),
                                     retention_days=90)
        assert report.purged == ["X-260105-0001"]
        assert sorted(report.waiting_for_sync) == ["X-260105-0002", "X-260105-0003"]
        assert db.execute("SELECT submitter_name, submitter_id_number FROM dossiers WHERE id = 1"
                          ).fetchone() == (None, None)
    finally:
        db.conn.close()
