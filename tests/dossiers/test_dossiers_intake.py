"""DossierDesk: saving intakes, codes, appointments, status changes, hand-back, outbox, logs."""

import json
import logging
import threading
from datetime import UTC, date, datetime, timedelta

import pytest

import kiosk.dossiers.intake as intake_module
from kiosk.dossiers import (
    DocumentItem,
    DossierDesk,
    DossierNotFound,
    DossierStatus,
    IllegalTransition,
    InvalidIntake,
    Person,
    UnknownProcedure,
    portal_record,
)
from kiosk.store import connect
from tests.dossiers.test_dossiers_helpers import (
    CLERK,
    HCM,
    ID_NUMBER,
    NAME,
    OWNER,
    OWNER_ID,
    THURSDAY_9AM,
    intake,
)

S = DossierStatus


def outbox(db):
    return [(r[0], r[1], json.loads(r[2])) for r in db.execute(
        "SELECT record_id, record_type, payload FROM outbox ORDER BY id")]


def test_save_assigns_code_appointment_and_writes_outbox_in_one_go(desk, db):
    d = desk.save_intake(intake("1.004194"), clerk=CLERK, at=THURSDAY_9AM)  # 3 working days
    assert d.code == "000.00.01.H26-260212-0001"
    # Counting starts Fri 13; Tết (16-20 Feb) and two weekends are skipped: Mon 23, Tue 24.
    assert d.appointment_date == date(2026, 2, 24)
    assert d.status is S.RECEIVED
    assert d.submitter.name == NAME and d.holder.name == OWNER
    assert d.procedure_name == "Đăng ký tạm trú" and d.field_name
    assert [doc.received for doc in d.documents] == [True, True]
    assert d.received_at == THURSDAY_9AM and d.clerk == CLERK
    assert d.unit_code == d.deciding_unit_code == "000.00.01.H26"
    assert [(h.from_status, h.to_status) for h in d.history] == [(None, S.RECEIVED)]
    rows = outbox(db)
    assert len(rows) == 1
    record_id, kind, payload = rows[0]
    assert kind == "dossier" and record_id == d.history[0].uid
    assert payload["code"] == d.code and payload["event"]["to"] == 2
    portal = payload["portal"]
    assert portal["MaHoSo"] == d.code and portal["MaTTHC"] == "1.004194"
    assert portal["NgayTiepNhan"] == "20260212090000"
    assert portal["NgayHenTra"] == "20260224170000"
    assert portal["KenhThucHien"] == 1 and portal["LoaiDoiTuong"] == 1
    assert portal["ChuHoSo"] == OWNER and portal["SoGiayToChuHoSo"] == OWNER_ID
    assert portal["TrangThaiHoSo"] == "2" and portal["NgayTra"] == ""
    assert len(portal["TaiLieuNop"]) == 2


def test_an_exception_inside_the_transaction_leaves_nothing(desk, db, monkeypatch):
    def power_cut(*args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr(intake_module, "append_outbox", power_cut)
    with pytest.raises(RuntimeError):
        desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    for table in ("dossiers", "dossier_events", "outbox", "dossier_counters"):
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    monkeypatch.undo()
    # The failed attempt did not use up a number.
    assert desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM).code.endswith("-0001")


def test_a_failed_status_change_leaves_nothing(desk, db, monkeypatch):
    d = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    monkeypatch.setattr(intake_module, "append_outbox",
                        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        desk.hand_back(d.code, clerk=CLERK, at=THURSDAY_9AM + timedelta(hours=1))
    again = desk.get(d.code)
    assert again.status is S.RECEIVED and again.finished_at is None
    assert len(again.history) == 1 and len(outbox(db)) == 1


def test_two_threads_save_200_dossiers_each_without_duplicate_codes(db_path, config):
    connect(db_path).conn.close()
    codes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(2)

    def worker():
        desk = DossierDesk(connect(db_path), config)
        start.wait()
        try:
            for _ in range(200):
                d = desk.save_intake(intake("2.000815", owner=None), clerk=CLERK,
                                     at=THURSDAY_9AM)
                with lock:
                    codes.append(d.code)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(codes) == [f"000.00.01.H26-260212-{i:04d}" for i in range(1, 401)]
    db = connect(db_path)
    assert db.execute("SELECT count(DISTINCT code) FROM dossiers").fetchone()[0] == 400
    assert db.execute("SELECT count(*) FROM outbox WHERE record_type = 'dossier'"
                      ).fetchone()[0] == 400


def test_sequence_continues_after_a_restart_and_restarts_each_local_day(db_path, config):
    first = DossierDesk(connect(db_path), config)
    first.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    first.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    first.db.conn.close()
    again = DossierDesk(connect(db_path), config)
    assert again.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM).code.endswith(
        "260212-0003")
    # 17:00 UTC is midnight in Hà Nội: a new local day, a new sequence.
    midnight = datetime(2026, 2, 12, 17, 0, tzinfo=UTC)
    late = again.save_intake(intake(), clerk=CLERK, at=midnight - timedelta(seconds=1))
    next_day = again.save_intake(intake(), clerk=CLERK, at=midnight)
    assert late.code.endswith("260212-0004")
    assert next_day.code.endswith("260213-0001")


def test_appointment_follows_the_calendar_and_the_cut_off(desk):
    same_day = desk.save_intake(intake("2.000815", owner=None), clerk=CLERK, at=THURSDAY_9AM)
    assert same_day.appointment_date == date(2026, 2, 12)
    after_cutoff = THURSDAY_9AM.replace(hour=15, minute=30)
    late = desk.save_intake(intake("2.000815", owner=None), clerk=CLERK, at=after_cutoff)
    assert late.appointment_date == date(2026, 2, 13)
    three = desk.save_intake(intake("1.004194"), clerk=CLERK, at=after_cutoff)
    assert three.appointment_date == date(2026, 2, 25)


def test_status_changes_record_history_reasons_and_outbox(desk, db):
    d = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    t = THURSDAY_9AM
    desk.change_status(d.code, S.PROCESSING, clerk="Trần Minh Đức", at=t + timedelta(hours=2))
    with pytest.raises(IllegalTransition) as err:
        desk.request_supplement(d.code, "  ", clerk=CLERK, at=t + timedelta(hours=3))
    assert err.value.message_vi
    d = desk.request_supplement(d.code, "Thiếu giấy tờ chứng minh chỗ ở hợp pháp", clerk=CLERK,
                                at=t + timedelta(days=1))
    assert d.status is S.SUPPLEMENT_REQUESTED
    assert d.status_reason == "Thiếu giấy tờ chứng minh chỗ ở hợp pháp"
    with pytest.raises(IllegalTransition):
        desk.hand_back(d.code, clerk=CLERK, at=t + timedelta(days=2))
    desk.change_status(d.code, 4, clerk=CLERK, at=t + timedelta(days=6))
    d = desk.withdraw(d.code, "Công dân chuyển nơi ở", clerk=CLERK, at=t + timedelta(days=7))
    assert d.status is S.WITHDRAWN
    assert [(h.from_status, h.to_status, h.reason) for h in d.history] == [
        (None, S.RECEIVED, None),
        (S.RECEIVED, S.PROCESSING, None),
        (S.PROCESSING, S.SUPPLEMENT_REQUESTED, "Thiếu giấy tờ chứng minh chỗ ở hợp pháp"),
        (S.SUPPLEMENT_REQUESTED, S.PROCESSING, None),
        (S.PROCESSING, S.WITHDRAWN, "Công dân chuyển nơi ở"),
    ]
    assert d.history[1].clerk == "Trần Minh Đức"
    rows = outbox(db)
    assert [r[0] for r in rows] == [h.uid for h in d.history]
    assert [r[2]["portal"]["TrangThaiHoSo"] for r in rows] == ["2", "4", "5", "4", "7"]
    assert rows[-1][2]["status_reason"] == "Công dân chuyển nơi ở"
    # Terminal: nothing more, and the refused attempt wrote nothing.
    with pytest.raises(IllegalTransition):
        desk.change_status(d.code, S.PROCESSING, clerk=CLERK)
    assert len(outbox(db)) == 5


def test_hand_back_on_time_and_late(desk, db):
    on_time = desk.save_intake(intake("1.004194"), clerk=CLERK, at=THURSDAY_9AM)
    desk.finish(on_time.code, clerk=CLERK, at=datetime(2026, 2, 24, 10, 0, tzinfo=HCM))
    back = desk.hand_back(on_time.code, clerk=CLERK,
                          at=datetime(2026, 2, 26, 14, 30, tzinfo=HCM))
    assert back.status is S.RETURNED and back.on_time is True
    assert back.returned_at == datetime(2026, 2, 26, 14, 30, tzinfo=HCM)
    portal = outbox(db)[-1][2]["portal"]
    assert portal["NgayKetThucXuLy"] == "20260224100000"
    assert portal["NgayTra"] == "20260226143000"
    assert portal["TrangThaiHoSo"] == "10"

    late = desk.save_intake(intake("1.004194"), clerk=CLERK, at=THURSDAY_9AM)
    desk.change_status(late.code, S.PROCESSING, clerk=CLERK, at=THURSDAY_9AM)
    # Finished the day after the appointment; handed back in one go from "processing".
    back = desk.hand_back(late.code, clerk=CLERK, at=datetime(2026, 2, 25, 9, 0, tzinfo=HCM))
    assert back.on_time is False
    assert [h.to_status for h in back.history][-2:] == [S.FINISHED, S.RETURNED]
    assert back.finished_at == back.returned_at
    assert outbox(db)[-1][2]["on_time"] is False


def test_same_day_procedure_handed_back_at_once(desk):
    d = desk.save_intake(intake("2.000884", owner=None), clerk=CLERK, at=THURSDAY_9AM)
    back = desk.hand_back(d.code, clerk=CLERK, at=THURSDAY_9AM + timedelta(minutes=20))
    assert back.on_time is True and back.status is S.RETURNED


def test_lookup_by_code_is_forgiving_about_case_and_spaces(desk):
    d = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    assert desk.get(f"  {d.code.lower()} ").id == d.id
    assert desk.find("000.00.01.H26-260212-9999") is None
    with pytest.raises(DossierNotFound) as err:
        desk.get("000.00.01.H26-260212-9999")
    assert err.value.message_vi


def test_invalid_intakes_are_refused_without_writing(desk, db):
    with pytest.raises(UnknownProcedure):
        desk.save_intake(intake("9.999999"), clerk=CLERK, at=THURSDAY_9AM)
    with pytest.raises(InvalidIntake):
        desk.save_intake(intake(owner=None, sets=0), clerk=CLERK, at=THURSDAY_9AM)
    with pytest.raises(InvalidIntake):
        desk.save_intake(intake(owner=Person("  ")), clerk=CLERK, at=THURSDAY_9AM)
    with pytest.raises(InvalidIntake):
        desk.save_intake(intake(), clerk=" ", at=THURSDAY_9AM)
    with pytest.raises(InvalidIntake):
        DocumentItem("Tờ khai", "photocopy")
    with pytest.raises(InvalidIntake):
        desk.save_intake(intake(ticket_id=12345), clerk=CLERK, at=THURSDAY_9AM)
    with pytest.raises(ValueError):
        desk.save_intake(intake(), clerk=CLERK, at=datetime(2026, 2, 12, 9, 0))
    assert db.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0


def test_checklist_ticket_and_free_text_are_kept(desk, db, config):
    from kiosk.ticketing import TicketDesk

    ticket = TicketDesk(db, config).issue("CTR", at=THURSDAY_9AM)
    docs = [DocumentItem("Tờ khai thay đổi thông tin cư trú (Mẫu CT01)", "original", 1, True),
            DocumentItem("Hợp đồng thuê nhà", "certified_copy", 2, False)]
    d = desk.save_intake(intake("1.004194", documents=docs, sets=2, notes="Ghi chú\nhai dòng",
                                summary="Đăng ký tạm trú   cho  sinh viên", ticket_id=ticket.id),
                         clerk=CLERK, at=THURSDAY_9AM)
    assert d.documents == tuple(docs)
    assert d.sets == 2 and d.ticket_id == ticket.id
    assert d.summary == "Đăng ký tạm trú cho sinh viên"
    assert d.notes == "Ghi chú\nhai dòng"
    payload = outbox(db)[-1][2]
    assert payload["ticket_uid"] == ticket.uid
    assert payload["portal"]["TrichYeuHoSo"] == "Đăng ký tạm trú cho sinh viên"
    assert [t["DaNop"] for t in payload["portal"]["TaiLieuNop"]] == [True, False]
    assert d.as_json()["documents"][1]["form"] == "certified_copy"


def test_portal_record_without_owner_uses_the_submitter(desk):
    d = desk.save_intake(intake(owner=None), clerk=CLERK, at=THURSDAY_9AM)
    record = portal_record(d)
    assert record["ChuHoSo"] == NAME and record["SoGiayToChuHoSo"] == ID_NUMBER
    assert record["SoDienThoai"] == "0912345678" and record["Email"].endswith("example.com")
    assert set(record) >= {"MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc",
                           "KenhThucHien", "ChuHoSo", "SoGiayToChuHoSo", "LoaiDoiTuong",
                           "SoDienThoai", "Email", "TrichYeuHoSo", "NgayTiepNhan", "NgayHenTra",
                           "TrangThaiHoSo", "NgayTra", "NgayKetThucXuLy", "DonViXuLy",
                           "TaiLieuNop"}


def test_logbook_listing_uses_the_local_day(desk):
    a = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    b = desk.save_intake(intake(), clerk=CLERK,
                         at=datetime(2026, 2, 12, 17, 30, tzinfo=UTC))  # 00:30 on 13th
    assert [d.code for d in desk.list_for_logbook(date(2026, 2, 12), date(2026, 2, 12))] == [
        a.code]
    assert [d.code for d in desk.list_for_logbook(date(2026, 2, 13), date(2026, 2, 13))] == [
        b.code]


def test_no_personal_data_in_logs(desk, db, caplog, tmp_path):
    from drivers.printers import open_printer
    from kiosk.dossiers.logbook import export_logbook, logbook_rows

    caplog.set_level(logging.DEBUG)
    d = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    desk.change_status(d.code, S.PROCESSING, clerk=CLERK, at=THURSDAY_9AM)
    desk.print_receipt(d.code, open_printer(f"file://{tmp_path / 'r.bin'}"))
    desk.hand_back(d.code, clerk=CLERK, at=THURSDAY_9AM + timedelta(days=3))
    export_logbook(logbook_rows(desk, date(2026, 2, 12), date(2026, 2, 12)), "csv",
                   tmp_path / "book.csv")
    with pytest.raises(IllegalTransition):
        desk.change_status(d.code, S.PROCESSING, clerk=CLERK)
    text = caplog.text
    assert d.code in text  # the log does say what happened, by code
    for secret in (NAME, ID_NUMBER, OWNER, OWNER_ID, "Trần Hoàng Na", "0912345678",
                   "kimthu.nguyen", "1986"):
        assert secret not in text


def test_calendar_configuration_is_used(db, config):
    # A declared extra day off pushes the appointment by a day.
    with_day_off = config.with_values(calendar={"holiday_overrides": ["2026-02-13"]})
    desk = DossierDesk(db, with_day_off)
    d = desk.save_intake(intake("1.004194"), clerk=CLERK, at=THURSDAY_9AM)
    assert d.appointment_date == date(2026, 2, 25)
