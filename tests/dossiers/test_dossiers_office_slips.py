"""The official slips and hand-overs of a LAN office's counter PCs in the office's dossier
book: OfficeDesks on their own SQLite files, the real `kiosk hub` process over HTTP on
127.0.0.1 (tests/dossiers/bookhub.py RealBook), and a real `kiosk city-server` receiving the
hub's records. A slip or hand-over is queued for the book with the mirror's rows (a 02's
status change first), the hub stores it and sends its city record once; the counter sends
none of its own."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from datetime import date, datetime, timedelta

import pytest

from kiosk.calendar import is_working_day
from kiosk.config import Config
from kiosk.dossiers import DossierDesk, DossierStatus
from kiosk.dossiers.due import due_date, slips_of
from kiosk.dossiers.duelist import office_due_list
from kiosk.dossiers.office import OfficeDesk, lost_changes, pending_count
from kiosk.dossiers.slips import SlipRefused, issue_slip, record_handover
from kiosk.queue.remote import RemoteQueue
from kiosk.store import connect
from tests.dossiers import test_dossiers_office as office_tests
from tests.dossiers.test_dossiers_helpers import CLERK, HCM, intake
from tests.faultproxy import ROOT, TOKEN, CityServer, assert_city_has_exactly, env, kiosk_cmd
from tests.util import database_at, wait_until

# The counter tests' fixtures: the real hub process and counter PCs on it.
hub, counters = office_tests.hub, office_tests.counters
OTHER_CLERK = office_tests.OTHER_CLERK
MISSING = "Bản sao giấy khai sinh; Giấy tờ chứng minh nơi cư trú"
SLIP_TYPES = ("dossier_slip", "dossier_handover")


def later_working_day(desk, code: str, days: int = 3) -> date:
    """A working day `days` calendar days or more after the dossier's current due date."""
    dossier = desk.get(code)
    day = due_date(dossier, slips_of(desk.db.conn, [dossier.id])[dossier.id], desk.rules)
    day += timedelta(days=days)
    while not is_working_day(day, desk.rules):
        day += timedelta(days=1)
    return day


def work_a_dossier(counter, code: str) -> list[tuple[str, str]]:
    """02 (status 5), supplement handed in (4), 04 with a new date, a hand-over and 05: what
    was made, in order, as (record type, record id)."""
    desk = counter.desk
    made = []
    supplement = issue_slip(desk, code, "02", clerk=CLERK, reason=MISSING)
    ask = desk.get(code).history[-1]
    assert ask.to_status is DossierStatus.SUPPLEMENT_REQUESTED
    made += [("dossier", ask.uid), ("dossier_slip", supplement.uid)]
    back = desk.change_status(code, DossierStatus.PROCESSING, clerk=CLERK).history[-1]
    made.append(("dossier", back.uid))
    new_date = later_working_day(desk, code)
    apology = issue_slip(desk, code, "04", clerk=CLERK, reason="Cần xác minh thêm",
                         new_date=new_date)
    made.append(("dossier_slip", apology.uid))
    handover = record_handover(desk, code, to_party="Công chức Tư pháp - Hộ tịch",
                               received_by=OTHER_CLERK, clerk=CLERK, due=new_date)
    made.append(("dossier_handover", handover.uid))
    control = issue_slip(desk, code, "05", clerk=CLERK)
    made.append(("dossier_slip", control.uid))
    return made


def book_rows(hub, code: str) -> tuple[list[tuple], list[tuple]]:
    db = sqlite3.connect(hub.db_path)
    try:
        slips = db.execute(
            "SELECT s.uid, s.form, s.new_date, s.station_id FROM dossier_slips s JOIN dossiers d "
            "ON d.id = s.dossier_id WHERE d.code = ? ORDER BY s.id", (code,)).fetchall()
        handovers = db.execute(
            "SELECT h.uid, h.to_party, h.station_id FROM dossier_handovers h JOIN dossiers d "
            "ON d.id = h.dossier_id WHERE d.code = ? ORDER BY h.id", (code,)).fetchall()
    finally:
        db.close()
    return slips, handovers


def own_city_records(counter) -> int:
    return counter.db.execute(
        "SELECT count(*) FROM outbox WHERE record_type IN ('dossier', 'dossier_slip', "
        "'dossier_handover')").fetchone()[0]


def sync_to_city(hub, tmp_path) -> CityServer:
    (tmp_path / "city").mkdir()
    city = CityServer(tmp_path / "city")
    synced = subprocess.run(
        kiosk_cmd(hub.process.data_dir, "sync", "once", "--server", city.url, "--token", TOKEN,
                  "--json"), capture_output=True, text=True, env=env(), cwd=ROOT, timeout=120)
    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout)["pending"] == 0
    return city


def test_slips_and_hand_overs_reach_the_book_and_the_city_once(hub, counters, tmp_path):
    a, b = counters("counter-a"), counters("counter-b")
    code = a.desk.save_intake(intake(), clerk=CLERK).code
    made = work_a_dossier(a, code)
    assert pending_count(a.db) == 0 and lost_changes(a.db) == []

    # The hub's book holds every slip and hand-over, as made at counter A.
    slips, handovers = book_rows(hub, code)
    made_slips = [uid for kind, uid in made if kind == "dossier_slip"]
    assert [s[0] for s in slips] == made_slips
    assert [s[1] for s in slips] == ["02", "04", "05"]
    assert {s[3] for s in slips} == {h[2] for h in handovers} == {"counter-a"}
    assert [h[0] for h in handovers] == [uid for kind, uid in made if kind == "dossier_handover"]
    new_date = date.fromisoformat(slips[1][2])
    # Another counter's due list (the book's) has the apology's new date as the due date.
    listing = office_due_list(b.desk, datetime.now(HCM).date(), within=30)
    assert not listing.stale
    [entry] = [e for e in listing.entries if e.code == code]
    assert entry.due_date == new_date and entry.apologised
    # Its copy of the dossier holds them too: the due date the dossier page shows, the
    # hand-overs its own Mẫu 05 lists, the one supplement request already made.
    seen = b.desk.get(code)
    assert due_date(seen, slips_of(b.db.conn, [seen.id])[seen.id], b.desk.rules) == new_date
    handover_uid = handovers[0][0]
    assert issue_slip(b.desk, code, "05", clerk=OTHER_CLERK).details == {
        "handovers": [handover_uid]}
    with pytest.raises(SlipRefused, match="already has a supplement request"):
        issue_slip(b.desk, code, "02", clerk=OTHER_CLERK, reason="Thêm giấy tờ")
    assert [s[1] for s in book_rows(hub, code)[0]] == ["02", "04", "05", "05"]
    made.append(("dossier_slip", book_rows(hub, code)[0][-1][0]))

    # The counters keep no city record of their own; the hub's outbox has each once, in
    # order.
    assert own_city_records(a) == own_city_records(b) == 0
    hub_city = [(t, r) for t, r in _hub_outbox(hub)]
    assert [x for x in hub_city if x[1] in {uid for _, uid in made}] == made
    city = sync_to_city(hub, tmp_path)
    try:
        assert_city_has_exactly(city, hub.db_path)
        at_city = [(r["type"], r["id"]) for r in city.records()]
        assert len(at_city) == len(set(at_city))
        for record in made:
            assert at_city.count(record) == 1, record
        # The book's copy of the dossier, every status record once (intake, 5, 4).
        history = [h["uid"] for h in hub.dossier(code)["history"]]
        assert [r for t, r in at_city if t == "dossier"] == history
    finally:
        city.stop()


def _hub_outbox(hub) -> list[tuple[str, str]]:
    db = sqlite3.connect(hub.db_path)
    try:
        return db.execute("SELECT record_type, record_id FROM outbox WHERE record_type IN "
                          "('dossier', 'dossier_slip', 'dossier_handover') ORDER BY id"
                          ).fetchall()
    finally:
        db.close()


def test_with_the_hub_away_they_wait_and_go_in_order_when_it_returns(hub, counters, tmp_path):
    a = counters("counter-a", background=True)  # its RemoteQueue thread replays the queue
    b = counters("counter-b")
    code = a.desk.save_intake(intake(), clerk=CLERK).code
    hub.stop()
    wait_until(lambda: a.queue.connection is not None and not a.queue.connection.connected)

    made = work_a_dossier(a, code)  # all of it offline, on this PC's copy
    assert a.desk.online is False
    queued = [tuple(r) for r in a.db.execute(
        "SELECT kind, change_id FROM book_outbox WHERE sent_at IS NULL ORDER BY id")]
    kinds = {"dossier": "status", "dossier_slip": "slip", "dossier_handover": "handover"}
    assert queued == [(kinds[t], uid) for t, uid in made]  # the status change before its 02
    assert own_city_records(a) == 0
    assert book_rows(hub, code) == ([], [])

    hub.start()
    wait_until(lambda: pending_count(a.db) == 0, timeout=15)
    assert lost_changes(a.db) == []
    slips, handovers = book_rows(hub, code)
    assert [s[1] for s in slips] == ["02", "04", "05"] and len(handovers) == 1
    assert [h["to"] for h in hub.dossier(code)["history"]] == [2, 5, 4]
    assert [x for x in _hub_outbox(hub) if x[1] in {uid for _, uid in made}] == made
    listing = office_due_list(b.desk, datetime.now(HCM).date(), within=30)
    [entry] = [e for e in listing.entries if e.code == code]
    assert entry.due_date == date.fromisoformat(slips[1][2])

    city = sync_to_city(hub, tmp_path)
    try:
        assert_city_has_exactly(city, hub.db_path)
        at_city = [(r["type"], r["id"]) for r in city.records()]
        assert len(at_city) == len(set(at_city)) and set(made) <= set(at_city)
    finally:
        city.stop()


def test_a_slip_made_on_a_refused_change_is_kept_as_lost(hub, counters):
    """A 02 made offline while another counter withdrew the dossier: its status change meets
    a conflict, the slip is lost with it (both listed for the clerk in Vietnamese), and this
    PC's copy is the book's again, without the slip."""
    a, b = counters("counter-a"), counters("counter-b")
    code = a.desk.save_intake(intake(), clerk=CLERK).code
    b.desk.get(code)
    hub.stop()
    supplement = issue_slip(a.desk, code, "02", clerk=CLERK, reason=MISSING)
    assert pending_count(a.db) == 2
    hub.start()
    b.desk.change_status(code, DossierStatus.WITHDRAWN, clerk=OTHER_CLERK,
                         reason="Công dân rút hồ sơ")
    assert a.queue.push_book_changes() == 0  # what the background thread does
    lost = lost_changes(a.db)
    assert [x.kind for x in lost] == ["status", "slip"]
    assert all("quầy khác cập nhật" in x.message_vi for x in lost)
    assert book_rows(hub, code) == ([], [])
    assert a.db.execute("SELECT count(*) FROM dossier_slips WHERE uid = ?",
                        (supplement.uid,)).fetchone()[0] == 0
    assert a.desk.get(code).status is DossierStatus.WITHDRAWN
    assert [r for r, _ in hub.city_records(*SLIP_TYPES)] == []


def test_a_refused_slip_or_hand_over_is_worded_for_the_clerk():
    from kiosk.dossiers.office import _lost_message

    body = {"kind": "slip", "code": "X", "slip": {"form": "04"}}
    message = _lost_message("rejected", body, {"reason_vi": "Sổ hồ sơ không có hồ sơ mã X."})
    assert message == ("Máy chủ văn phòng không nhận thay đổi \"lập phiếu Mẫu 04\" của hồ sơ "
                       "X: Sổ hồ sơ không có hồ sơ mã X.")
    body = {"kind": "handover", "code": "X", "handover": {}}
    assert "\"ghi giao nhận hồ sơ\"" in _lost_message("rejected", body, {})


def test_slips_made_before_the_book_took_them_are_uploaded_once_without_the_city(
        hub, tmp_path):
    path = tmp_path / "old" / "kiosk.db"
    path.parent.mkdir()
    db = connect(path)
    config = Config().with_values(station={"id": "counter-old"})
    old = DossierDesk(db, config)
    code = old.save_intake(intake(), clerk=CLERK).code
    supplement = issue_slip(old, code, "02", clerk=CLERK, reason=MISSING)
    handover = record_handover(old, code, to_party="Công chức Địa chính",
                               received_by=OTHER_CLERK, clerk=CLERK)
    apology = issue_slip(old, code, "04", clerk=CLERK, reason="Cần xác minh thêm",
                         new_date=later_working_day(old, code))
    # Their city records went through this PC's own outbox.
    assert db.execute("SELECT count(*) FROM outbox WHERE record_type IN (?, ?)",
                      SLIP_TYPES).fetchone()[0] == 3
    queue = RemoteQueue(hub.url, hub.key_for("counter-old"), outbox_path=path,
                        dossier_book=True)
    try:
        history = [h.uid for h in old.get(code).history]
        desk = OfficeDesk(db, config, queue)
        queued = [tuple(r) for r in db.execute(
            "SELECT kind, change_id, json_extract(body, '$.city') FROM book_outbox "
            "ORDER BY id")]
        assert queued == [("intake", history[0], None), ("status", history[1], None),
                          ("slip", supplement.uid, None), ("handover", handover.uid, None),
                          ("slip", apology.uid, None)]
        OfficeDesk(db, config, queue)  # opened again: nothing queued twice
        assert pending_count(db) == 5
        desk.push()
        assert pending_count(db) == 0 and lost_changes(db) == []
        slips, handovers = book_rows(hub, code)
        assert [s[0] for s in slips] == [supplement.uid, apology.uid]
        assert [h[0] for h in handovers] == [handover.uid]
        assert hub.city_records("dossier", *SLIP_TYPES) == []  # this PC's sync sent them
        OfficeDesk(db, config, queue)
        assert pending_count(db) == 0
    finally:
        queue.close()
        db.conn.close()


def test_migration_15_keeps_the_queued_changes(tmp_path):
    """book_outbox rebuilt to take slips and hand-overs: its rows (ids, order, state) and its
    index kept; its CHECK still refuses a kind nobody sends."""

    path = tmp_path / "kiosk.db"
    raw = database_at(path, 14)
    rows = [(3, "uid-a", "CODE-1", "intake", '{"id": "uid-a"}', "2026-01-02T08:00:00+07:00",
             "2026-01-02T08:00:01+07:00", "applied", None, None, None),
            (7, "uid-b", "CODE-1", "status", '{"id": "uid-b"}', "2026-01-02T09:00:00+07:00",
             None, "conflict: x", "2026-01-02T09:00:02+07:00", "Hồ sơ CODE-1 đã được quầy "
             "khác cập nhật trước", None),
            (8, "uid-c", "CODE-2", "intake", "{}", "2026-01-03T08:00:00+07:00", None, None,
             None, None, None)]
    raw.executemany("INSERT INTO book_outbox VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    try:
        raw.execute("INSERT INTO book_outbox (change_id, code, kind, body, created_at) VALUES "
                    "('uid-d', 'CODE-2', 'slip', '{}', '2026-01-03')")
        raise AssertionError("version 14 took a slip")
    except sqlite3.IntegrityError:
        pass
    raw.close()

    db = connect(path)  # migrates to the newest version
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] >= 15
        assert [tuple(r) for r in db.execute("SELECT * FROM book_outbox ORDER BY id")] == rows
        assert db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = "
                          "'book_outbox' AND sql IS NOT NULL").fetchall() == [
            ("book_outbox_by_code",)]
        for n, kind in enumerate(("slip", "handover")):
            db.execute("INSERT INTO book_outbox (change_id, code, kind, body, created_at) "
                       "VALUES (?, 'CODE-2', ?, '{}', '2026-01-03')", (f"uid-{kind}", kind))
            assert db.execute("SELECT id FROM book_outbox WHERE change_id = ?",
                              (f"uid-{kind}",)).fetchone()[0] == 9 + n
        try:
            db.execute("INSERT INTO book_outbox (change_id, code, kind, body, created_at) "
                       "VALUES ('uid-x', 'CODE-2', 'petition', '{}', '2026-01-03')")
            raise AssertionError("a kind nobody sends was taken")
        except sqlite3.IntegrityError:
            pass
    finally:
        db.conn.close()


def test_a_forged_slip_or_hand_over_is_rejected_and_sends_the_city_nothing(hub, counters):
    """A counter's key cannot make the hub send the city a slip or hand-over record that is
    not the change's own: another id, another dossier, another station."""
    import uuid

    import requests

    a = counters("counter-a")
    code = a.desk.save_intake(intake(), clerk=CLERK).code
    issue_slip(a.desk, code, "04", clerk=CLERK, reason="Cần xác minh thêm",
               new_date=later_working_day(a.desk, code))
    record_handover(a.desk, code, to_party="Công chức Tư pháp - Hộ tịch",
                    received_by=OTHER_CLERK, clerk=CLERK)
    bodies = {kind: json.loads(body) for kind, body in a.db.execute(
        "SELECT kind, body FROM book_outbox WHERE kind IN ('slip', 'handover')")}
    before = _hub_outbox(hub)

    def forged(kind: str, change) -> dict:
        body = json.loads(json.dumps(bodies[kind]))
        body["id"] = new = str(uuid.uuid4())
        body["city"]["uid"] = new
        change(body)
        return body

    odd = [
        forged("slip", lambda b: b["city"].update(uid=str(uuid.uuid4()))),
        forged("slip", lambda b: b["city"].update(dossier_uid=str(uuid.uuid4()))),
        forged("handover", lambda b: b["city"].update(station="counter-b")),
        forged("handover", lambda b: b["city"].update(code=f"{code[:-4]}9999")),
        forged("slip", lambda b: b.update(after_event=str(uuid.uuid4()))),
        forged("slip", lambda b: b["city"].pop("form")),
    ]
    r = requests.post(hub.url + "/api/v1/dossiers/changes", json={"changes": odd},
                      headers={"Authorization": f"Bearer {hub.key_for('counter-a')}"},
                      timeout=10)
    assert r.status_code == 200, r.text
    got = [g["result"] for g in r.json()["results"]]
    assert got == ["rejected"] * 4 + ["conflict", "rejected"], r.json()
    assert _hub_outbox(hub) == before  # the city hears of none of them
    assert [s[0] for s in book_rows(hub, code)[0]] == [bodies["slip"]["id"]]
