"""Petitions taken at a client PC of a LAN office reach the hub, where the office handles
them: a real hub process, the client's real outbox, the real RemoteQueue forwarding."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from kiosk.calendar import CalendarRules
from kiosk.config import Config
from kiosk.officefeed.forward import backlog
from kiosk.officefeed.records import apply_records
from kiosk.petitions import cases
from kiosk.queue.remote import RemoteQueue
from kiosk.store import connect
from tests.hubutil import hub_fixture, hub_pool_fixture, pair  # noqa: F401

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TEXT = "Đề nghị bố trí thêm ghế chờ ở sảnh."


def client_config(station: str) -> Config:
    return Config().with_values(station={"id": station}, counter={"number": 3},
                                hub={"role": "client", "url": "https://hub.local:8443"})


def test_a_petition_taken_at_a_client_pc_reaches_the_hubs_cases(hub, tmp_path):
    db = connect(tmp_path / "kiosk-2" / "kiosk.db")
    _, petition = cases.take_petition(db, client_config("kiosk-2"), topic="Góp ý khác",
                                      text=TEXT, phone="0912345678", at=datetime.now(HCM))
    assert petition.code.startswith("P3-")
    queue = RemoteQueue(hub.url, pair(hub.url, "kiosk-2", "kiosk"),
                        outbox_path=db.conn.execute("PRAGMA database_list").fetchone()[2])
    try:
        assert backlog(db, hub.url) == 1
        assert queue.forward_office_records() == 1
        assert backlog(db, hub.url) == 0
        assert queue.forward_office_records() == 0  # once
    finally:
        queue.close()
        db.conn.close()
    hub_db = connect(hub.db_path)
    try:
        at_hub = cases.find(hub_db, petition.code)
        assert at_hub is not None and (at_hub.text, at_hub.phone, at_hub.station_id) == (
            TEXT, "0912345678", "kiosk-2")
        assert at_hub.due_date == petition.due_date
        # Not sent to the city again from the hub: the client sends it itself.
        assert hub_db.execute("SELECT count(*) FROM outbox WHERE record_type = 'petition'"
                              ).fetchone()[0] == 0
        listed = cases.list_petitions(hub_db, CalendarRules(), date.today(), open_only=True)
        assert [p.code for p in listed] == [petition.code]
        # The office answers at the hub ...
        cases.answer(hub_db, petition.code, text="Đã bố trí thêm ghế.", by="Lê Văn Chính",
                     at=datetime.now(HCM))
    finally:
        hub_db.conn.close()
    # ... and the client kiosk's look-up reads the answer from the hub, public fields only.
    queue = RemoteQueue(hub.url, pair(hub.url, "kiosk-3", "kiosk"))
    try:
        view = queue.petition_view(petition.code.lower())
        assert view is not None and (view.status, view.answer) == ("answered",
                                                                   "Đã bố trí thêm ghế.")
        assert TEXT not in repr(view) and "0912345678" not in repr(view)
        assert queue.petition_view("P3-269999") is None
    finally:
        queue.close()


def test_a_petition_naming_another_station_or_taking_a_code_is_rejected_alone(tmp_path):
    client = connect(tmp_path / "client.db")
    _, petition = cases.take_petition(client, client_config("kiosk-2"), topic="Góp ý khác",
                                      text=TEXT, phone=None, at=datetime.now(HCM))
    client.conn.close()
    hub_db = connect(tmp_path / "hub.db")
    try:
        now = datetime.now(HCM)
        data = petition.as_json()
        answer = apply_records(hub_db, [
            {"id": "a", "type": "petition", "data": dict(data, station="kiosk-9")},
            {"id": "b", "type": "petition", "data": dict(data, status="lost")},
            {"id": "c", "type": "petition", "data": dict(data, code="'; DROP TABLE x")},
            {"id": "d", "type": "petition", "data": data},
            {"id": "e", "type": "petition", "data": dict(data, uid="another")},
            {"id": "f", "type": "petition", "data": data},
        ], HCM, now, station_id="kiosk-2")
        assert answer["applied"] == 1 and answer["unchanged"] == 1
        assert [r["id"] for r in answer["rejected"]] == ["a", "b", "c", "e"]
        rating_only = apply_records(hub_db, [{"id": "g", "type": "petition", "data": data}],
                                    HCM, now, station_id="kiosk-2",
                                    types=frozenset({"rating"}))
        assert rating_only["rejected"][0]["id"] == "g"
        assert hub_db.execute("SELECT count(*) FROM petitions").fetchone()[0] == 1
    finally:
        hub_db.conn.close()


def test_the_counter_and_kiosk_look_up_asks_the_hub_first_then_this_pcs_copy(hub, tmp_path):
    """kiosk.petitions.cases.office_lookup, as a client PC's kiosk and counter call it: the
    hub's view (the office answered there) while it answers, this PC's copy when it cannot
    be reached or does not know the code yet."""
    db = connect(tmp_path / "kiosk-2" / "kiosk.db")
    rules, today = CalendarRules(), date.today()
    try:
        _, petition = cases.take_petition(db, client_config("kiosk-2"), topic="Góp ý khác",
                                          text=TEXT, phone=None, at=datetime.now(HCM))
        queue = RemoteQueue(hub.url, pair(hub.url, "kiosk-2", "kiosk"),
                            outbox_path=db.conn.execute("PRAGMA database_list"
                                                        ).fetchone()[2])
        try:
            # Not forwarded yet: the hub does not know it, this PC's copy answers.
            assert cases.office_lookup(db, petition.code, rules, today,
                                       lambda: queue).status == "open"
            assert queue.forward_office_records() == 1
            hub_db = connect(hub.db_path)
            try:
                cases.answer(hub_db, petition.code, text="Đã bố trí thêm ghế.",
                             by="Lê Văn Chính", at=datetime.now(HCM))
            finally:
                hub_db.conn.close()
            view = cases.office_lookup(db, petition.code, rules, today, lambda: queue)
            assert (view.status, view.answer) == ("answered", "Đã bố trí thêm ghế.")
        finally:
            queue.close()
        # The hub away (nothing listens there): this PC's copy, not an error.
        away = RemoteQueue("https://127.0.0.1:9", pair(hub.url, "kiosk-4", "kiosk"))
        try:
            view = cases.office_lookup(db, petition.code, rules, today, lambda: away)
            assert (view.status, view.answer) == ("open", "")
        finally:
            away.close()
    finally:
        db.conn.close()
