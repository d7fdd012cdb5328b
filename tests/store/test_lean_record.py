"""A leaner station record (migration 17, kiosk/store/upkeep_schema.py): the indexes left on
the big tables still serve every query of the live paths, and an older database's tombstones
become marks on the dossier history."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk.calling import CallDesk
from kiosk.queue.priority import PriorityCategory
from kiosk.store import connect
from tests.util import database_at

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
BIG = ("tickets", "queue_events", "ratings", "dossiers", "dossier_events", "outbox")


def full_scans(db, statements):
    """(statement, plan step) for each step that reads a big table whole."""
    found = []
    for sql, args in statements:
        aliases = {a: t for t, a in re.findall(r"(?:FROM|JOIN)\s+(\w+)\s+(?:AS\s+)?(\w+)", sql)}
        for row in db.execute("EXPLAIN QUERY PLAN " + sql, args).fetchall():
            words = row[3].split()
            if words[0] != "SCAN" or "VIRTUAL" in words:
                continue
            if aliases.get(words[1], words[1]) in BIG:
                found.append((sql, row[3]))
    return found


def traced(db, work):
    """Run `work` and return the SELECT statements it made, with their arguments bound as
    literals by SQLite's trace (expanded SQL)."""
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        work()
    finally:
        db.conn.set_trace_callback(None)
    return [(s, ()) for s in dict.fromkeys(seen) if s.lstrip().upper().startswith("SELECT")]


def test_the_live_paths_read_no_big_table_whole(db, desk, config):
    """Issuing (with a priority citizen waiting, so the calls of the day are read), calling,
    finishing and the queue's snapshot use an index on every big table they read."""
    calls = CallDesk(db, config)
    start = datetime(2026, 11, 20, 8, 0, tzinfo=HCM)
    for i in range(6):
        desk.issue("CT", at=start + timedelta(minutes=i))
    desk.issue("CT", PriorityCategory.ELDERLY, at=start + timedelta(minutes=7))
    at = start + timedelta(minutes=10)

    def day():
        for n in range(3):
            calls.call_next(1, clerk="Nguyễn Văn An", at=at + timedelta(minutes=n))
            calls.finish(1, at=at + timedelta(minutes=n, seconds=30))
        desk.issue("CT", at=at + timedelta(minutes=5))
        desk.issue("CT", PriorityCategory.ELDERLY, at=at + timedelta(minutes=6))
        calls.snapshot(at=at + timedelta(minutes=7))
        desk.waiting_counts(at + timedelta(minutes=7))

    statements = traced(db, day)
    read = " ".join(s for s, _ in statements)
    assert "queue_events" in read and "status = 'waiting'" in read  # what is checked
    assert full_scans(db, statements) == []


def test_calls_of_the_day_are_read_through_the_calls_index(db, desk, config):
    from kiosk.ticketing import normal_calls_since_priority

    plan = []
    db.conn.set_trace_callback(plan.append)
    try:
        normal_calls_since_priority(db.conn, None, "2026-11-20", 5)
    finally:
        db.conn.set_trace_callback(None)
    (sql,) = [s for s in plan if "queue_events" in s]
    detail = " ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql).fetchall())
    assert "USING INDEX queue_events_calls" in detail
    snap = []
    db.conn.set_trace_callback(snap.append)
    try:
        CallDesk(db, config).snapshot(at=datetime(2026, 11, 20, 9, 0, tzinfo=HCM))
    finally:
        db.conn.set_trace_callback(None)
    (sql,) = [s for s in snap if "FROM queue_events e" in s]
    detail = " ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql).fetchall())
    assert "USING INDEX queue_events_calls" in detail


def test_migration_17_keeps_every_answer_and_turns_tombstones_into_marks(tmp_path):
    path = tmp_path / "kiosk.db"
    raw = database_at(path, 16)
    raw.execute("INSERT INTO services (code, prefix, name_vi, name_en, hours) VALUES "
                "('CT', 'A', 'Chứng thực', 'Certification', '{}')")
    for i, status in enumerate(("done", "waiting", "called"), start=1):
        raw.execute("INSERT INTO tickets (id, uid, service_code, day, seq, number, issued_at, "
                    "station_id, people_ahead, status, counter) VALUES (?, ?, 'CT', "
                    "'2026-11-20', ?, ?, '2026-11-20T08:00:00+07:00', 'k1', 0, ?, ?)",
                    (i, f"t{i}", i, f"A{i:03d}", status, 2 if status == "called" else None))
        raw.execute("INSERT INTO queue_events (uid, ticket_id, kind, at, station_id, detail) "
                    "VALUES (?, ?, 'called', ?, 'k1', '{\"counter\":2}')",
                    (f"e{i}", i, f"2026-11-20T08:0{i}:00+07:00"))
    raw.execute("INSERT INTO dossiers (id, uid, code, unit_code, day, seq, receiving_unit_name, "
                "deciding_unit_code, deciding_unit_name, procedure_code, procedure_name, "
                "field_code, field_name, processing_days, documents, received_at, "
                "appointment_date, status, clerk, station_id, updated_at) VALUES (1, 'd1', "
                "'X-261120-0001', 'X', '2026-11-20', 1, 'U', 'X', 'U', 'P', 'P', 'F', 'F', 3, "
                "'[]', '2026-11-20T08:00:00+07:00', '2026-11-25', 4, 'c', 'k1', 'now')")
    for n, to in enumerate((2, 4), start=1):
        raw.execute("INSERT INTO dossier_events (uid, dossier_id, to_status, at, clerk, "
                    "station_id) VALUES (?, 1, ?, '2026-11-20T08:00:00+07:00', 'c', 'k1')",
                    (f"de{n}", to))
    # de1: a tombstone as sync/prune.py left it until now; de2: delivered, still whole.
    raw.execute("INSERT INTO outbox (record_id, record_type, schema_version, created_at, "
                "payload, sent_at, sync_result) VALUES ('de1', 'dossier', 1, 'c', '{}', "
                "'2026-11-20T01:00:00+00:00', 'pruned'), ('de2', 'dossier', 1, 'c', "
                "'{\"a\":1}', '2026-11-20T01:00:00+00:00', 'accepted')")
    raw.close()

    db = connect(path)  # migrates to the newest version
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] >= 17
        indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = "
                                            "'index' AND sql IS NOT NULL")}
        assert {"queue_events_calls", "tickets_waiting", "queue_events_by_ticket"} <= indexes
        assert not {"queue_events_by_kind_at", "tickets_by_status", "ratings_by_counter",
                    "outbox_tombstones"} & indexes
        assert db.execute("SELECT record_id FROM outbox").fetchall() == [("de2",)]
        assert db.execute("SELECT uid, city_delivered FROM dossier_events ORDER BY id"
                          ).fetchall() == [("de1", 1), ("de2", None)]
        from kiosk.dossiers.retention import is_synced

        assert is_synced(db.conn, 1)  # de1 by its mark, de2 by its row
        waiting = db.execute("SELECT id FROM tickets WHERE day = '2026-11-20' AND "
                             "status = 'waiting'").fetchall()
        assert waiting == [(2,)]
        assert db.execute("SELECT count(*) FROM queue_events WHERE kind IN ('called', "
                          "'recalled') AND at >= '2026-11-20' AND at < '2026-11-21'"
                          ).fetchone()[0] == 3
    finally:
        db.conn.close()


def test_a_closed_ticket_keeps_no_last_call_time_the_events_keep_every_call(db, desk, config):
    calls = CallDesk(db, config)
    start = datetime(2026, 11, 20, 8, 0, tzinfo=HCM)
    a, b = desk.issue("CT", at=start), desk.issue("CT", at=start + timedelta(minutes=1))
    calls.call_next(1, clerk="Lan", at=start + timedelta(minutes=2))
    calls.recall(1, at=start + timedelta(minutes=3))

    def row(ticket):
        return db.execute("SELECT status, called_at, last_called_at, finished_at FROM tickets "
                          "WHERE id = ?", (ticket.id,)).fetchone()

    assert row(a)[2] == (start + timedelta(minutes=3)).isoformat()  # at the counter: kept
    assert calls.snapshot(at=start + timedelta(minutes=4)).serving[0].last_called_at == (
        start + timedelta(minutes=3))
    calls.call_next(1, clerk="Lan", at=start + timedelta(minutes=5))  # finishes a
    calls.skip(1, at=start + timedelta(minutes=6))
    assert row(a) == ("done", (start + timedelta(minutes=2)).isoformat(), None,
                      (start + timedelta(minutes=5)).isoformat())
    assert row(b)[0] == "skipped" and row(b)[1] and row(b)[2] is None
    assert [r[0] for r in db.execute(
        "SELECT at FROM queue_events WHERE ticket_id = ? AND kind IN ('called', 'recalled') "
        "ORDER BY id", (a.id,))] == [(start + timedelta(minutes=m)).isoformat() for m in (2, 3)]


def test_the_tickets_at_the_counters_are_read_through_their_own_index(db, desk, config):
    calls = CallDesk(db, config)
    start = datetime(2026, 11, 20, 8, 0, tzinfo=HCM)
    for i in range(4):
        desk.issue("CT", at=start + timedelta(minutes=i))
    calls.call_next(2, clerk="Lan", at=start + timedelta(minutes=5))
    seen = []
    db.conn.set_trace_callback(seen.append)
    try:
        snap = calls.snapshot(at=start + timedelta(minutes=6))
    finally:
        db.conn.set_trace_callback(None)
    assert [s.counter for s in snap.serving] == [2]
    (sql,) = [s for s in seen if "last_called_at FROM tickets" in s]
    plan = " ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql).fetchall())
    assert "USING INDEX tickets_at_counter" in plan and "TEMP B-TREE" not in plan
