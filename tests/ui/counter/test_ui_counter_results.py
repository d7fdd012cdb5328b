"""Returning results: the receipt's code scanned (or typed) opens the dossier; only the status
changes the process allows are offered; hand-back records the time and whether on time."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import replace  # noqa: E402
from datetime import date, datetime, timedelta  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from kiosk.calendar import CalendarRules  # noqa: E402
from kiosk.config import Config  # noqa: E402
from kiosk.dossiers import DossierDesk, Intake, Person  # noqa: E402
from kiosk.dossiers.status import TRANSITIONS, DossierStatus  # noqa: E402
from kiosk.store import connect  # noqa: E402
from kiosk.ui.counter.dossier_view import legal_actions, timeliness  # noqa: E402
from tests.ui.counter.test_ui_counter_helpers import (  # noqa: E402
    CLERK,
    Keyboard,
    close_windows,
    make_config,
    open_counter,
    rows,
    settle,
)

S = DossierStatus


@pytest.fixture(autouse=True)
def _close():
    yield
    close_windows()


def saved_dossier(tmp_path, procedure: str = "1.004194", **kw):
    """A dossier received earlier today at another counter (real desk, same database)."""
    db = connect(tmp_path / "kiosk.db")
    try:
        desk = DossierDesk(db, Config())
        person = Person("Nguyễn Thị Kim Thư", "093186002237", date(1986, 1, 11), "Nữ",
                        "56 Trần Hoàng Na, Kv6, An Khánh, Ninh Kiều, Cần Thơ", "0912345678")
        return desk.save_intake(Intake(procedure, person, **kw), clerk="Lê Thị Mai")
    finally:
        db.conn.close()


def test_scan_the_receipt_then_hand_back(qtbot, tmp_path):
    dossier = saved_dossier(tmp_path)
    w = open_counter(qtbot, tmp_path, make_config(f"file://{tmp_path / 'receipt.bin'}"))
    view = w.dossier_view
    kb = Keyboard()
    kb.scan(dossier.code)  # from the intake page: the code goes to the dossier view
    assert w.stack.currentWidget() is view
    qtbot.waitUntil(lambda: view.dossier is not None, timeout=5000)
    assert view.values["code"].text() == dossier.code
    assert view.values["submitter"].text() == "Nguyễn Thị Kim Thư"
    assert view.values["status"].text() == "2. Được tiếp nhận"
    assert view.values["appointment"].text().endswith(f"{dossier.appointment_date:%d/%m/%Y}")
    assert view.history.rowCount() == 1 and view.documents.rowCount() == 2

    offered = set(view.action_buttons)
    assert offered == (set(TRANSITIONS[S.RECEIVED]) | {S.RETURNED})
    assert S.REFUSED not in offered and S.RECEIVED not in offered
    # The common case gets the focus (after any focus moves the page switch queued).
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.action_buttons[S.RETURNED],
                    timeout=2000)

    kb.key(Qt.Key.Key_Return, "\r")  # "Trả kết quả"
    qtbot.waitUntil(view.confirm.isVisible, timeout=2000)
    # An optional note; Enter confirms.
    assert QApplication.focusWidget() is view.reason and view.confirm_button.isEnabled()
    kb.key(Qt.Key.Key_Return, "\r")
    qtbot.waitUntil(lambda: view.dossier.status is S.RETURNED, timeout=5000)
    (row,) = rows(tmp_path, "SELECT * FROM dossiers")
    assert row["status"] == 10 and row["on_time"] == 1 and row["returned_at"]
    assert row["finished_at"]  # finished and handed back in one go
    assert rows(tmp_path, "SELECT clerk, to_status FROM dossier_events ORDER BY id")[-2:] == [
        {"clerk": CLERK, "to_status": 9}, {"clerk": CLERK, "to_status": 10}]
    assert view.values["timeliness"].text() == "Trả kết quả đúng hạn"
    assert view.state.text() == "Đã chuyển sang: Đã trả kết quả"
    # A terminal status offers nothing more.
    assert view.action_buttons == {} and view.no_actions.isVisible()
    assert view.history.rowCount() == 3


def test_type_the_code_and_request_a_supplement_with_the_official_slip(qtbot, tmp_path):
    """"Yêu cầu bổ sung…" is Mẫu 02: the slip's panel opens with 02 chosen, the reason it
    asks for is the slip's, and the slip is stored with status 5 and printed."""
    from tests.ui.counter.test_ui_counter_slips import printed_codes

    dossier = saved_dossier(tmp_path)
    printer = tmp_path / "receipt.bin"
    w = open_counter(qtbot, tmp_path, make_config(f"file://{printer}"))
    view = w.dossier_view
    kb = Keyboard()
    qtbot.keyClick(w, Qt.Key.Key_F9)
    assert QApplication.focusWidget() is view.code_edit
    kb.type(dossier.code.lower(), gap=110)  # typed by hand, in lower case
    kb.key(Qt.Key.Key_Return, "\r")
    settle(qtbot, w)
    qtbot.waitUntil(lambda: view.dossier is not None, timeout=5000)

    view.action_buttons[S.SUPPLEMENT_REQUESTED].click()
    panel = view.slip_panel
    assert panel.isVisible() and panel.form == "02" and not view.confirm.isVisible()
    assert QApplication.focusWidget() is panel.reason and not panel.issue_button.isEnabled()
    kb.key(Qt.Key.Key_Return, "\r")  # no reason yet: nothing happens
    assert panel.isVisible()
    kb.type("Ban sao so ho khau")
    settle(qtbot, w)
    assert panel.issue_button.isEnabled()
    kb.key(Qt.Key.Key_Return, "\r")
    qtbot.waitUntil(lambda: view.dossier.status is S.SUPPLEMENT_REQUESTED, timeout=5000)
    assert rows(tmp_path, "SELECT status, status_reason FROM dossiers") == [
        {"status": 5, "status_reason": "Ban sao so ho khau"}]
    assert rows(tmp_path, "SELECT form, reason, clerk FROM dossier_slips") == [
        {"form": "02", "reason": "Ban sao so ho khau", "clerk": CLERK}]
    qtbot.waitUntil(lambda: printed_codes(printer) == [dossier.code], timeout=10000)
    assert set(view.action_buttons) == set(TRANSITIONS[S.SUPPLEMENT_REQUESTED])
    assert S.RETURNED not in view.action_buttons and S.FINISHED not in view.action_buttons
    # The slip is listed on the page, chosen for a reprint.
    qtbot.waitUntil(lambda: view.paperwork.table.rowCount() == 1, timeout=5000)
    assert view.paperwork.table.item(0, 0).text() == "Mẫu 02"
    assert view.paperwork.selected_slip().form == "02"

    # Withdraw needs a reason too; Esc cancels without writing anything.
    view.action_buttons[S.WITHDRAWN].click()
    kb.key(Qt.Key.Key_Escape)
    assert not view.confirm.isVisible()
    assert rows(tmp_path, "SELECT status FROM dossiers") == [{"status": 5}]


def test_unknown_code_and_reprints(qtbot, tmp_path):
    dossier = saved_dossier(tmp_path)
    out = tmp_path / "receipt.bin"
    w = open_counter(qtbot, tmp_path, make_config(f"file://{out}"))
    view = w.dossier_view
    w.open_dossier("000.00.01.H26-200101-0099")
    qtbot.waitUntil(lambda: w.banner.code == "open", timeout=5000)
    assert w.banner.message == "Không tìm thấy hồ sơ mã 000.00.01.H26-200101-0099."
    # An error reads in red, also when the banner showed something else before.
    from PySide6.QtGui import QPalette

    from kiosk.ui.counter.style import RED
    assert w.banner.text.palette().color(QPalette.ColorRole.WindowText).name() == RED.lower()
    assert view.dossier is None and QApplication.focusWidget() is view.code_edit

    w.open_dossier(dossier.code)
    qtbot.waitUntil(lambda: view.dossier is not None, timeout=5000)
    qtbot.keyClick(w, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: view.state.property("state") == "ok", timeout=8000)
    assert out.stat().st_size > 0
    qtbot.keyClick(w, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: bool(w.opened_files), timeout=10_000)
    assert w.opened_files[0].read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("status", list(S))
def test_offered_actions_are_exactly_the_legal_ones(tmp_path, status):
    dossier = replace(saved_dossier(tmp_path), status=status)
    allowed = set(TRANSITIONS[status])
    extra = {S.RETURNED} if S.FINISHED in allowed else set()
    assert set(legal_actions(dossier)) == allowed | extra
    purged = replace(dossier, purged_at=dossier.received_at)
    assert legal_actions(purged) == []


def test_timeliness_wording(tmp_path):
    dossier = saved_dossier(tmp_path, procedure="1.004222")  # 7 working days
    rules = CalendarRules()
    due = dossier.appointment_date
    assert timeliness(dossier, due, rules) == ("Đến hạn trả hôm nay", "ok")
    text, tone = timeliness(dossier, due + timedelta(days=7), rules)
    assert tone == "late" and text.startswith("Quá hạn ") and text.endswith("ngày làm việc")
    finished = datetime.combine(due + timedelta(days=14), datetime.min.time(),
                                dossier.received_at.tzinfo)
    late = replace(dossier, status=S.FINISHED, finished_at=finished)
    assert timeliness(late, due, rules)[1] == "late"
