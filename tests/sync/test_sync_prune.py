"""Pruning delivered outbox rows and giving the space back (sync/prune.py, the worker's use)."""

import json
import random
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.dossiers import DossierDesk, DossierStatus, is_synced, purge_personal_data
from kiosk.feedback.ratings import record_rating
from kiosk.store import connect, transaction
from sync import status as st
from sync.prune import forward_floor, incremental_vacuum, prune_delivered
from sync.seed import seed_tickets
from tests.dossiers.test_dossiers_helpers import CLERK, HCM, THURSDAY_9AM, intake

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
OLD = (NOW - timedelta(days=40)).isoformat()
RECENT = (NOW - timedelta(days=5)).isoformat()


def deliver(db, when, where="1 = 1", params=()):
    with transaction(db) as conn:
        conn.execute(f"UPDATE outbox SET sent_at = ?, sync_result = 'accepted' WHERE {where}",
                     (when, *params))


def counts(db):
    tables = ("tickets", "queue_events", "dossiers", "dossier_events", "ratings")
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def test_delivered_rows_older_than_the_window_go_the_rest_stays(db, config):
    seed_tickets(db, config, 40, rng=random.Random(1))
    total = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
    ids = [r[0] for r in db.execute("SELECT id FROM outbox ORDER BY id")]
    deliver(db, OLD, "id <= ?", (ids[total // 2],))
    deliver(db, RECENT, "id > ? AND id <= ?", (ids[total // 2], ids[-20]))
    # A refused record delivered... never: set aside, and it stays however old it is.
    with transaction(db) as conn:
        conn.execute("UPDATE outbox SET set_aside_at = ?, set_aside_reason = 'x', sent_at = NULL "
                     "WHERE id = ?", (OLD, ids[3]))
    domain = counts(db)
    old = db.execute("SELECT count(*) FROM outbox WHERE sent_at = ?", (OLD,)).fetchone()[0]

    result = prune_delivered(db, now=NOW, keep_days=30, batch_rows=7)
    assert result.deleted == old and result.slimmed == 0 and not result.more
    left = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
    assert left == total - old
    assert db.execute("SELECT count(*) FROM outbox WHERE sent_at = ?", (OLD,)).fetchone()[0] == 0
    assert st.set_aside_count(db) == 1 and st.pending_count(db) == 19
    assert counts(db) == domain  # the audit record is untouched
    # Nothing more to do: a second run changes nothing.
    assert prune_delivered(db, now=NOW, keep_days=30).changed == 0
    # A shorter window takes the recent ones too, never the pending or the set-aside one.
    prune_delivered(db, now=NOW, keep_days=1)
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 20


def test_max_rows_bounds_one_call(db, config):
    seed_tickets(db, config, 30, rng=random.Random(2), serve=False)
    deliver(db, OLD)
    first = prune_delivered(db, now=NOW, keep_days=30, batch_rows=10, max_rows=50)
    assert first.deleted == 50 and first.more
    rest = prune_delivered(db, now=NOW, keep_days=30, batch_rows=10)
    assert rest.deleted == 90 - 50 and not rest.more


def _rating(db, at):
    return record_rating(db, ticket_uid=None, dossier_code=None, counter=1, clerk=CLERK,
                         level="satisfied", at=at, station_id="counter-1")


def test_rows_the_office_feed_has_not_forwarded_stay(db):
    at = datetime(2026, 4, 1, 9, 0, tzinfo=HCM)
    for i in range(6):
        _rating(db, at + timedelta(minutes=i))
    ids = [r[0] for r in db.execute("SELECT id FROM outbox ORDER BY id")]
    deliver(db, OLD)
    hub = "https://hub.local:8090"
    # A client station that has not reached its hub yet: nothing forwarded, nothing pruned.
    assert forward_floor(db, hub + "/") == 0
    assert prune_delivered(db, now=NOW, keep_days=30, feed_hub=hub).deleted == 0
    # The hub has the first three.
    with transaction(db) as conn:
        conn.execute("INSERT INTO office_feed_cursor (hub, last_outbox_id, forwarded_at) "
                     "VALUES (?, ?, ?)", (hub, ids[2], NOW.isoformat()))
    assert prune_delivered(db, now=NOW, keep_days=30, feed_hub=hub).deleted == 3
    assert [r[0] for r in db.execute("SELECT id FROM outbox ORDER BY id")] == ids[3:]
    # A station that is no hub client any more still honours the cursor it has.
    assert prune_delivered(db, now=NOW, keep_days=30).deleted == 0


def test_tickets_are_pruned_whatever_the_feed_cursor(db, config):
    seed_tickets(db, config, 5, rng=random.Random(3), serve=False)
    deliver(db, OLD)
    assert prune_delivered(db, now=NOW, keep_days=30, feed_hub="https://hub").deleted == 15


def test_dossier_rows_go_and_leave_their_delivery_on_the_change(db, config):
    """A delivered dossier row retention may still ask about goes like any other; the city's
    having it stays on the status change (`city_delivered`), so the purge still purges."""
    # changes of its own, not ones mirrored from a book
    config = replace(config, station=replace(config.station, id="kiosk-prune-1"))
    desk = DossierDesk(db, config)
    returned_at = THURSDAY_9AM + timedelta(days=1)
    kept = desk.save_intake(intake(notes="Nguyễn Thị Kim Thư"), clerk=CLERK, at=THURSDAY_9AM)
    kept = desk.hand_back(kept.code, clerk=CLERK, at=returned_at)
    refused = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    desk.change_status(refused.code, DossierStatus.WITHDRAWN, clerk=CLERK,
                       reason="Công dân rút hồ sơ", at=THURSDAY_9AM + timedelta(hours=1))
    open_one = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    deliver(db, (returned_at + timedelta(hours=1)).isoformat())
    # One change of the open dossier not delivered yet (made later, still pending).
    desk.change_status(open_one.code, DossierStatus.PROCESSING, clerk=CLERK,
                       at=returned_at + timedelta(hours=2))
    kept_rows = len(desk.get(kept.code).history)
    open_delivered = {c.uid for c in desk.get(open_one.code).history[:-1]}
    later = returned_at + timedelta(days=60)
    assert open_delivered and not is_synced(db.conn, desk.get(open_one.code))

    result = prune_delivered(db, now=later, keep_days=30)
    # The withdrawn dossier is purged after its last change too: every delivered row goes,
    # marked on its change, the open dossier's pending change stays.
    withdrawn_rows = len(desk.get(refused.code).history)
    assert result.deleted == 0
    assert result.slimmed == kept_rows + withdrawn_rows + len(open_delivered)
    assert db.execute("SELECT count(*) FROM outbox WHERE record_type = 'dossier'"
                      ).fetchone()[0] == 1  # the pending change of the open dossier
    marked = {r[0] for r in db.execute(
        "SELECT uid FROM dossier_events WHERE city_delivered = 1")}
    assert marked == ({c.uid for c in desk.get(kept.code).history}
                      | {c.uid for c in desk.get(refused.code).history} | open_delivered)
    assert is_synced(db.conn, desk.get(kept.code))
    assert is_synced(db.conn, desk.get(refused.code))
    assert not is_synced(db.conn, desk.get(open_one.code))  # its pending change counts
    # Nothing more to prune...
    assert prune_delivered(db, now=later, keep_days=30).changed == 0
    # ...and retention purges the returned and the withdrawn dossier once their time is up.
    report = purge_personal_data(db, now=returned_at + timedelta(days=91), retention_days=90)
    assert report.purged == [kept.code, refused.code]
    assert db.execute("SELECT count(*) FROM dossier_events").fetchone()[0] == (
        kept_rows + len(desk.get(refused.code).history) + len(desk.get(open_one.code).history))


def test_counter_outbox_operations_the_hub_answered_long_ago_go(db):
    with transaction(db) as conn:
        for i, (sent, aside) in enumerate([(OLD, None), (RECENT, None), (None, None),
                                           (None, OLD)]):
            conn.execute("INSERT INTO counter_outbox (op_id, hub, op, body, created_at, "
                         "sent_at, set_aside_at) VALUES (?, 'h', '/x', '{}', ?, ?, ?)",
                         (f"op{i}", OLD, sent, aside))
    assert prune_delivered(db, now=NOW, keep_days=30).counter_ops == 1
    assert [r[0] for r in db.execute("SELECT op_id FROM counter_outbox ORDER BY id")] == [
        "op1", "op2", "op3"]


def test_a_new_database_gives_pruned_space_back(db_path, config):
    db = connect(db_path)
    assert db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # incremental
    assert db.execute("PRAGMA journal_size_limit").fetchone()[0] > 0
    seed_tickets(db, config, 300, rng=random.Random(4), serve=False)
    deliver(db, OLD)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    before = db.execute("PRAGMA page_count").fetchone()[0]
    result = prune_delivered(db, now=NOW, keep_days=30)
    assert result.deleted == 900 and result.freed_pages > 0
    after = db.execute("PRAGMA page_count").fetchone()[0]
    assert after < before - result.freed_pages // 2
    assert db.execute("PRAGMA freelist_count").fetchone()[0] == 0
    assert incremental_vacuum(db) == 0
    db.conn.close()


def test_an_older_database_is_compacted_once_then_stays_small(tmp_path, config):
    import sqlite3

    from tests.faultproxy import ROOT, env, kiosk_cmd

    path = tmp_path / "kiosk.db"
    sqlite3.connect(path).execute("PRAGMA auto_vacuum = NONE").connection.close()
    sqlite3.connect(path).execute("CREATE TABLE early (x)").connection.close()
    db = connect(path)
    assert db.execute("PRAGMA auto_vacuum").fetchone()[0] == 0  # made before: unchanged
    seed_tickets(db, config, 100, rng=random.Random(5), serve=False)
    deliver(db, (datetime.now(UTC) - timedelta(days=400)).isoformat())
    db.conn.close()
    (tmp_path / "kiosk.toml").write_text(f'[store]\npath = "{path}"\n', encoding="utf-8")
    out = subprocess.run(kiosk_cmd(tmp_path, "--config", str(tmp_path / "kiosk.toml"),
                                   "sync", "compact", "--json"),
                         capture_output=True, text=True, env=env(), cwd=ROOT, check=True)
    data = json.loads(out.stdout)
    assert data["deleted"] == 300 and data["bytes_after"] < data["bytes_before"]
    db = connect(path)
    assert db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2
    assert db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 100
    db.conn.close()


@pytest.fixture
def city(tmp_path):
    from tests.faultproxy import CityServer

    server = CityServer(tmp_path)
    yield server
    server.stop()


def test_the_worker_prunes_after_a_successful_push(city, db_path, config):
    from sync.worker import SyncSettings, SyncWorker
    from tests.faultproxy import TOKEN, seed_station

    seed_station(db_path, 20)
    db = connect(db_path)
    deliver(db, OLD, "id <= 30")  # delivered long ago
    settings = SyncSettings(server_url=city.url, token=TOKEN, timeout_s=5, keep_sent_days=30)
    worker = SyncWorker(db_path, settings, office="000.00.01.H26", station="kiosk-1")
    final = worker.drain()
    worker.close()
    assert final.pending == 0
    # The 30 old ones went, the 30 just sent stay for keep_sent_days.
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 30
    assert db.execute("SELECT count(*) FROM outbox WHERE sent_at = ?", (OLD,)).fetchone()[0] == 0
    db.conn.close()


def test_the_worker_knows_the_hub_it_forwards_to(config):
    from sync.worker import feed_hub_of, worker_from_config

    assert feed_hub_of(config) is None  # standalone
    client = config.with_values(hub={"role": "client", "url": "https://hub.local:8090/"})
    assert feed_hub_of(client) == "https://hub.local:8090"
    assert worker_from_config(client, ":memory:").feed_hub == "https://hub.local:8090"
    assert feed_hub_of(config.with_values(hub={"role": "hub"})) is None


def test_an_open_petitions_rows_stay_for_its_history_until_it_is_closed(db, config):
    """The office window reads an open case's changes of hands from its outbox rows: they stay
    past the window while the case is open, and go once it is closed."""
    from kiosk.petitions import cases

    at = datetime(2026, 4, 1, 9, 0, tzinfo=HCM)
    _, petition = cases.take_petition(db, config, topic="Thái độ, tác phong của cán bộ",
                                      text="Chờ lâu", phone=None, at=at, channel="counter")
    cases.assign(db, petition.code, to="Trần Thị Bình", at=at + timedelta(days=1))
    deliver(db, OLD)
    history = [(e.kind, e.detail) for e in cases.case_history(db, cases.find(db, petition.code))]
    assert ("assigned", "Trần Thị Bình") in history
    result = prune_delivered(db, now=NOW, keep_days=7)
    assert result.deleted == 1  # the feedback row; the case's two rows stay
    assert db.execute("SELECT count(*) FROM outbox WHERE record_type = 'petition'"
                      ).fetchone()[0] == 2
    after = [(e.kind, e.detail) for e in cases.case_history(db, cases.find(db, petition.code))]
    assert after == history
    cases.answer(db, petition.code, text="Đã nhắc nhở cán bộ", by="Lê Văn C",
                 at=at + timedelta(days=3))
    cases.close(db, petition.code, at=at + timedelta(days=4))
    deliver(db, OLD)
    assert prune_delivered(db, now=NOW, keep_days=7).deleted == 4
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0


def test_a_petition_a_counter_forwarded_to_its_hub_is_still_purged_after_the_prune(db, config):
    """On a counter PC the hub handles the case: it stays open here, and the retention purge
    asks its outbox rows whether the hub has it. The prune keeps them until it is purged."""
    from kiosk.petitions import cases

    at = datetime(2026, 1, 5, 9, 0, tzinfo=HCM)
    _, petition = cases.take_petition(db, config, topic="Thái độ, tác phong của cán bộ",
                                      text="Chờ lâu", phone="0912345678", at=at,
                                      channel="counter")
    deliver(db, (at + timedelta(hours=1)).isoformat())
    hub = "https://hub.local:8090"
    top = db.execute("SELECT max(id) FROM outbox").fetchone()[0]
    with transaction(db) as conn:
        conn.execute("INSERT INTO office_feed_cursor (hub, last_outbox_id, forwarded_at) "
                     "VALUES (?, ?, ?)", (hub, top, at.isoformat()))
    prune_delivered(db, now=NOW, keep_days=7, feed_hub=hub)
    assert db.execute("SELECT count(*) FROM outbox WHERE record_type = 'petition'"
                      ).fetchone()[0] == 1
    report = cases.purge(db, now=NOW, retention_days=90)
    assert report.purged == [petition.code]
    assert cases.find(db, petition.code).phone is None
    prune_delivered(db, now=NOW, keep_days=7, feed_hub=hub)  # purged: its rows may go now
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0


def test_kept_petition_rows_never_hold_the_next_scans_back(db, config):
    """Rows kept for open cases are left out of the scan itself: a bounded call goes on past
    them to what may go, and says when nothing more is left."""
    from kiosk.petitions import cases

    at = datetime(2026, 4, 1, 9, 0, tzinfo=HCM)
    for i in range(6):
        cases.take_petition(db, config, topic="Thái độ, tác phong của cán bộ", text="Chờ lâu",
                            phone=None, at=at + timedelta(minutes=i), channel="counter")
    _rating(db, at + timedelta(hours=1))
    deliver(db, OLD)
    kept = db.execute("SELECT count(*) FROM outbox WHERE record_type = 'petition'").fetchone()[0]
    deleted, calls = 0, 0
    while True:
        result = prune_delivered(db, now=NOW, keep_days=7, max_rows=3, batch_rows=2)
        deleted, calls = deleted + result.deleted, calls + 1
        if not result.more:
            break
        assert calls < 10
    assert deleted == 7  # the six feedback rows and the rating
    assert db.execute("SELECT record_type, count(*) FROM outbox GROUP BY record_type"
                      ).fetchall() == [("petition", kept)]
