import sqlite3

import pytest

from kiosk.store import StoreError, connect, schema_version, transaction
from kiosk.store.migrations import MIGRATIONS


def test_new_database_is_migrated_with_durable_settings(db_path):
    db = connect(db_path)
    assert schema_version(db) == len(MIGRATIONS)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert {"services", "tickets", "queue_events", "outbox", "ticket_counters"} <= set(
        db.table_names())


def test_reopening_does_not_migrate_again(db_path):
    connect(db_path).conn.close()
    db = connect(db_path)
    assert schema_version(db) == len(MIGRATIONS)


def test_newer_database_is_refused(db_path):
    db = connect(db_path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.conn.close()
    with pytest.raises(StoreError, match="newer"):
        connect(db_path)


def test_transaction_rolls_back_on_error(db):
    with pytest.raises(RuntimeError), transaction(db) as conn:
        conn.execute("INSERT INTO outbox (record_id, record_type, schema_version, created_at, "
                     "payload) VALUES ('x', 'ticket', 1, 't', '{}')")
        raise RuntimeError("power cut")
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0


def test_foreign_keys_are_enforced(db):
    with pytest.raises(sqlite3.IntegrityError), transaction(db) as conn:
        conn.execute("INSERT INTO ticket_counters VALUES ('2026-01-01', 'NOPE', 1)")


def test_damaged_file_gives_a_clear_message(tmp_path):
    bad = tmp_path / "kiosk.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="move it aside"):
        connect(bad)


def test_the_city_accepts_every_record_type_a_station_writes():
    from kiosk.store.outbox import SCHEMA_VERSIONS
    from sync.protocol import RECORD_TYPES

    for record_type, version in SCHEMA_VERSIONS.items():
        assert version in RECORD_TYPES[record_type].accepted, record_type


def test_many_connections_opening_a_new_database_at_once_migrate_it_once(tmp_path):
    import threading

    path = tmp_path / "new.db"
    start = threading.Barrier(6)
    errors: list[BaseException] = []

    def open_it():
        start.wait()
        try:
            connect(path).conn.close()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert schema_version(connect(path)) == len(MIGRATIONS)


def test_no_sqlite_utils_plugin_runs_on_the_stations_connections(db_path):
    """sqlite-utils would load every installed package's `sqlite_utils` entry point and let it
    prepare each connection: the station's connections load none (a fresh process: another
    test may have loaded them in this one)."""
    import subprocess
    import sys

    code = ("import sys; from kiosk.store import connect; connect(sys.argv[1]); "
            "import sqlite_utils.plugins as p; print(p._plugins_loaded)")
    out = subprocess.run([sys.executable, "-c", code, str(db_path)], capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "False"
