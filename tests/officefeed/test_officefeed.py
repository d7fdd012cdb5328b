"""The office feed: a counter PC forwards its dossiers and ratings to a real hub process, so
the kiosk's look-up and the hub's statistics see them; once, without personal data, and
nothing lost while the hub is away."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.config import Config
from kiosk.dossiers import DossierDesk
from kiosk.feedback.ratings import list_ratings, record_rating
from kiosk.officefeed.forward import backlog, forward_pending
from kiosk.officefeed.records import apply_records, dossier_record, find_public_view
from kiosk.queue.errors import HubUnavailable
from kiosk.queue.remote import RemoteQueue
from kiosk.stats import office_stats
from kiosk.store import connect
from tests.dossiers.test_dossiers_helpers import CLERK, ID_NUMBER, NAME, OWNER, OWNER_ID, intake
from tests.hubutil import hub_fixture, hub_pool_fixture, pair, wait_until  # noqa: F401

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
RETURNING_CLERK = "Trần Văn Bình"


@pytest.fixture
def counter(tmp_path):
    """A counter PC's own database with one dossier handed back and one unhappy rating."""
    db = connect(tmp_path / "counter" / "kiosk.db")
    desk = DossierDesk(db, Config().with_values(station={"id": "counter-2"}))
    dossier = desk.save_intake(intake(), clerk=CLERK)
    dossier = desk.hand_back(dossier.code, clerk=RETURNING_CLERK)
    record_rating(db, ticket_uid=None, dossier_code=dossier.code, counter=2,
                  clerk=RETURNING_CLERK, level="unsatisfied", reasons=["waiting_time"],
                  at=datetime.now(HCM), station_id="counter-2")
    yield db, desk, dossier
    db.conn.close()


def test_forwarded_dossier_is_looked_up_and_counted_at_the_hub(hub, counter):
    db, _, dossier = counter
    queue = RemoteQueue(hub.url, pair(hub.url, "counter-2", "counter"),
                        outbox_path=db.conn.execute("PRAGMA database_list").fetchone()[2])
    try:
        # received, finished and handed back at once, then the rating
        assert backlog(db, hub.url) == 4
        assert queue.forward_office_records() == 4  # three versions of the dossier, a rating
        assert backlog(db, hub.url) == 0
        view = queue.dossier_view(dossier.code)
        assert view is not None
        assert (view.code, view.initials, view.status_label) == (
            dossier.code, "L.V.L.", "Đã trả kết quả")
        assert view.appointment_date == dossier.appointment_date
        assert queue.dossier_view("000.00.01.H26-260101-9999") is None
    finally:
        queue.close()

    hub_db = connect(hub.db_path)
    today = datetime.now(HCM).date()
    stats = office_stats(hub_db, today, today, HCM)
    assert stats.total.dossiers.received == 1
    assert stats.total.dossiers.handed_back == 1
    assert stats.total.ratings.unsatisfied == 1
    clerks = {g.key: g for g in stats.by_clerk}
    assert clerks[CLERK].dossiers.received == 1
    assert clerks[RETURNING_CLERK].dossiers.handed_back == 1
    assert stats.unsatisfied_reasons == (("waiting_time", 1),)
    hub_db.conn.close()
    # No personal data reached the hub: not the ID numbers, names or address.
    raw = b"".join(p.read_bytes() for p in hub.db_path.parent.glob("kiosk.db*"))
    for secret in (ID_NUMBER, OWNER_ID, NAME, OWNER):
        assert secret.encode() not in raw


def test_forwarding_again_changes_nothing(hub, counter):
    db, _, dossier = counter
    sent: list[dict] = []
    queue = RemoteQueue(hub.url, pair(hub.url, "counter-2", "counter"))
    try:
        def post(batch):
            sent.append(batch)
            return queue._request("POST", "/api/v1/office/records", batch)

        assert forward_pending(db, hub.url, post, HCM) == 4
        db.execute("DELETE FROM office_feed_cursor")  # as if the answer had been lost
        db.conn.commit()
        assert forward_pending(db, hub.url, post, HCM) == 0  # same records: applied once
    finally:
        queue.close()
    assert len(sent) == 2 and sent[0] == sent[1]
    hub_db = connect(hub.db_path)
    assert hub_db.execute("SELECT count(*) FROM office_dossiers").fetchone()[0] == 1
    assert len(list_ratings(hub_db)) == 1
    hub_db.conn.close()


def test_a_dead_hub_keeps_the_backlog_until_it_returns(hub, counter):
    db, desk, dossier = counter
    token = pair(hub.url, "counter-2", "counter")
    hub.stop()
    queue = RemoteQueue(hub.url, token, timeout_s=1, retries=0,
                        outbox_path=db.conn.execute("PRAGMA database_list").fetchone()[2])
    try:
        with pytest.raises(HubUnavailable):
            queue.forward_office_records()
        assert backlog(db, hub.url) == 4
        hub.restart()
        assert queue.forward_office_records() == 4
        assert backlog(db, hub.url) == 0
    finally:
        queue.close()


def test_the_counter_forwards_on_its_own_while_connected(hub, counter, tmp_path):
    db, desk, _ = counter
    states = []
    queue = RemoteQueue(hub.url, pair(hub.url, "counter-2", "counter"),
                        on_connection=states.append,
                        outbox_path=db.conn.execute("PRAGMA database_list").fetchone()[2])
    try:
        later = desk.save_intake(intake("1.001193"), clerk=CLERK)  # filed while running
        wait_until(lambda: queue.dossier_view(later.code) is not None, timeout=15)
        assert queue.dossier_view(later.code).status_label == "Được tiếp nhận"
    finally:
        queue.close()


def test_an_older_state_never_overwrites_a_newer_one(tmp_path, counter):
    _, desk, dossier = counter
    hub_db = connect(tmp_path / "hub.db")
    now = datetime.now(HCM)
    newest = dossier_record(dossier)
    older = dict(newest, version=1, status=2, returned_at=None, on_time=None)
    assert apply_records(hub_db, [{"id": "a", "type": "dossier", "data": newest}], HCM,
                         now)["applied"] == 1
    answer = apply_records(hub_db, [{"id": "b", "type": "dossier", "data": older}], HCM, now)
    assert (answer["applied"], answer["unchanged"]) == (0, 1)
    assert find_public_view(hub_db, dossier.code, HCM).status_label == "Đã trả kết quả"
    # A purge keeps the version but changes the record later: it is taken.
    purged = dict(newest, initials="", updated_at=(now + timedelta(days=90)).isoformat())
    assert apply_records(hub_db, [{"id": "c", "type": "dossier", "data": purged}], HCM,
                         now)["applied"] == 1
    assert find_public_view(hub_db, dossier.code, HCM).initials == ""


def test_a_bad_record_is_rejected_alone(tmp_path, counter):
    _, _, dossier = counter
    hub_db = connect(tmp_path / "hub.db")
    good = dossier_record(dossier)
    answer = apply_records(hub_db, [
        {"id": "1", "type": "dossier", "data": dict(good, status=42)},
        {"id": "2", "type": "rating", "data": {"uid": "x", "counter": 0}},
        {"id": "3", "type": "ticket", "data": {}},
        {"id": "4", "type": "dossier", "data": good},
    ], HCM, datetime.now(HCM))
    assert answer["applied"] == 1
    assert [r["id"] for r in answer["rejected"]] == ["1", "2", "3"]
    assert "status" in answer["rejected"][0]["reason"]


def test_wrong_types_and_sizes_are_rejected_alone_and_codes_of_another_pc_never_replace(
        tmp_path, counter):
    _, _, dossier = counter
    hub_db = connect(tmp_path / "hub.db")
    good = dossier_record(dossier)
    rating = {"uid": "r1", "counter": 2, "level": "satisfied", "at": datetime.now(HCM).isoformat()}
    answer = apply_records(hub_db, [
        {"id": "1", "type": "rating", "data": dict(rating, reasons=5)},
        {"id": "2", "type": "rating", "data": dict(rating, counter=2**70)},
        {"id": "3", "type": "dossier", "data": dict(good, version=2**70)},
        {"id": "4", "type": "dossier", "data": dict(good, status=True)},
        {"id": "5", "type": "dossier", "data": good},
        {"id": "6", "type": "rating", "data": rating},
    ], HCM, datetime.now(HCM))
    assert answer["applied"] == 2
    assert [r["id"] for r in answer["rejected"]] == ["1", "2", "3", "4"]
    # Another PC numbered a dossier with the same code: it does not replace this one.
    other = dict(good, station_id="counter-9", version=good["version"] + 3, initials="X.Y.")
    answer = apply_records(hub_db, [{"id": "7", "type": "dossier", "data": other}], HCM,
                           datetime.now(HCM))
    assert answer["unchanged"] == 1
    assert find_public_view(hub_db, dossier.code, HCM).initials == "L.V.L."
