"""The counter window's calling bar: F3 calls the next citizen (on the queue thread, never the
UI thread), a dossier saved meanwhile is linked to the ticket, F12 finishes and the citizen is
asked to rate, "Vắng mặt" skips; with a hub, losing it disables calling but not intake.
Real SQLite, real LocalQueue (standalone) and a real `kiosk hub` process with RemoteQueue."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from drivers.scanners.events import ScanEvent  # noqa: E402
from kiosk.queue.local import LocalQueue  # noqa: E402
from kiosk.store import connect  # noqa: E402
from kiosk.ticketing import TicketDesk  # noqa: E402
from tests.hubutil import KEY, HubProcess  # noqa: E402
from tests.ui.counter.test_ui_counter_helpers import (  # noqa: E402
    CCCD_LUONG,
    close_windows,
    make_config,
    open_counter,
    rows,
)
from tests.util import watch_event_loop  # noqa: E402

COUNTER = 3


@pytest.fixture(autouse=True)
def _close():
    yield
    close_windows()


def _issue(db_path, config, *codes):
    db = connect(db_path)
    try:
        desk = TicketDesk(db, config)
        return [desk.issue(code) for code in codes]
    finally:
        db.conn.close()


def _ticket(tmp_path, ticket_id):
    (row,) = rows(tmp_path, "SELECT status, counter FROM tickets WHERE id = ?", ticket_id)
    return row


def _save_intake(qtbot, w):
    w.wedge.scanned.emit(ScanEvent.now(b"", CCCD_LUONG, "wedge"))
    w.form.picker.search.setText("khai tu")
    w.form.picker.choose_current()
    w.form.all_button.click()
    qtbot.keyClick(w, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: w.form.saved is not None, timeout=5000)
    return w.form.saved.code


def test_call_link_finish_rate_and_skip(qtbot, tmp_path):
    config = make_config(f"preview://{tmp_path / 'previews'}").with_values(
        counter={"number": COUNTER, "services": ["CT"]})
    first, second = _issue(tmp_path / "kiosk.db", config, "CT", "CT")
    w = open_counter(qtbot, tmp_path, config)
    bar = w.calling
    qtbot.waitUntil(lambda: bar.ready, timeout=5000)
    assert bar.number_label.text() == "—" and not bar.enabled("finish")
    qtbot.waitUntil(lambda: "Đang chờ 2" in bar.waiting_label.text(), timeout=3000)

    timer, gaps = watch_event_loop()
    qtbot.keyClick(w, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: bar.number_label.text() == first.number, timeout=5000)
    assert first.number == "A001"
    assert _ticket(tmp_path, first.id) == {"status": "called", "counter": COUNTER}
    assert bar.enabled("finish") and bar.enabled("recall")
    qtbot.waitUntil(lambda: "Đang chờ 1" in bar.waiting_label.text(), timeout=3000)

    code = _save_intake(qtbot, w)  # the citizen's dossier, taken in while A001 is served
    queue = LocalQueue(tmp_path / "kiosk.db", config, watch_s=None)
    try:
        qtbot.waitUntil(lambda: code in queue.get(first.id).dossiers, timeout=5000)
    finally:
        queue.close()

    qtbot.keyClick(w, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: bar.ticket is None and bar.number_label.text() == "—",
                    timeout=5000)
    assert _ticket(tmp_path, first.id)["status"] == "done"
    rating = w.rating_view
    assert rating is not None and rating.isVisible() and rating.state == rating.LEVELS
    assert rating._context["dossier_code"] == code
    assert rating._context["ticket_number"] == "A001"
    assert rating._context["counter"] == COUNTER

    qtbot.keyClick(w, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: bar.number_label.text() == second.number, timeout=5000)
    qtbot.mouseClick(bar.skip_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.ticket is None, timeout=5000)
    assert _ticket(tmp_path, second.id)["status"] == "skipped"
    assert "vắng mặt" in bar.message_label.text()

    qtbot.keyClick(w, Qt.Key.Key_F3)  # nobody waits
    qtbot.waitUntil(lambda: "Không còn ai" in bar.message_label.text(), timeout=5000)
    timer.stop()
    assert gaps and max(gaps) < 0.5, max(gaps)


def _question(qtbot):
    from PySide6.QtWidgets import QApplication, QMessageBox

    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox),
                    timeout=2000)
    return QApplication.activeModalWidget()


def test_f3_asks_before_clearing_an_unsaved_form(qtbot, tmp_path):
    """Calling the next number takes the form off the screen with the citizen who leaves: with
    unsaved input in it F3 asks first; Esc and Enter keep the form (no call, as F2's question
    does), the "Bỏ phiếu, gọi số tiếp" button calls."""
    from PySide6.QtWidgets import QApplication, QPushButton

    config = make_config(f"preview://{tmp_path / 'previews'}").with_values(
        counter={"number": COUNTER, "services": ["CT"]})
    first, second, third = _issue(tmp_path / "kiosk.db", config, "CT", "CT", "CT")
    w = open_counter(qtbot, tmp_path, config)
    bar = w.calling
    qtbot.waitUntil(lambda: bar.ready, timeout=5000)
    qtbot.keyClick(w, Qt.Key.Key_F3)  # a blank form: no question
    qtbot.waitUntil(lambda: bar.number_label.text() == first.number, timeout=5000)
    assert QApplication.activeModalWidget() is None

    w.handle_scan(ScanEvent.now(b"", CCCD_LUONG, "serial:COM3"))
    w.form.phone.setText("0912345678")
    before = w.form.snapshot()
    qtbot.keyClick(w, Qt.Key.Key_F3)
    box = _question(qtbot)
    assert box.objectName() == "CallNextDialog"
    assert box.text().startswith("Phiếu đang nhập chưa được lưu")
    assert "Enter" in box.informativeText() and "Esc" in box.informativeText()
    assert box.defaultButton().objectName() == "KeepButton"
    assert box.escapeButton().objectName() == "KeepButton"
    qtbot.keyClick(w, Qt.Key.Key_F3)  # pressed again: still one question
    assert w.call_next_box is box
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: w.call_next_box is None, timeout=2000)
    qtbot.wait(200)  # a call would have gone to the queue lane by now
    assert w.form.snapshot() == before
    assert bar.ticket.id == first.id
    assert _ticket(tmp_path, first.id)["status"] == "called"
    assert _ticket(tmp_path, second.id)["status"] == "waiting"

    # The button asks as well; Enter keeps the form too, the question's button calls, and the
    # form goes with the citizen.
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)
    bar.next_button.click()
    box = _question(qtbot)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.call_next_box is None, timeout=2000)
    qtbot.wait(200)
    assert w.form.snapshot() == before and bar.ticket.id == first.id
    bar.next_button.click()
    box = _question(qtbot)
    box.findChild(QPushButton, "ActButton").click()
    qtbot.waitUntil(lambda: bar.number_label.text() == second.number, timeout=5000)
    assert w.form.is_blank() and w.call_next_box is None
    assert _ticket(tmp_path, first.id)["status"] == "done"

    # A saved form is not asked about.
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)
    _save_intake(qtbot, w)
    qtbot.keyClick(w, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: bar.number_label.text() == third.number, timeout=5000)
    assert QApplication.activeModalWidget() is None and w.form.is_blank()


def test_restart_restores_the_current_ticket_and_transfer(qtbot, tmp_path):
    config = make_config(f"preview://{tmp_path / 'previews'}").with_values(
        counter={"number": COUNTER})
    (ticket,) = _issue(tmp_path / "kiosk.db", config, "CT")
    queue = LocalQueue(tmp_path / "kiosk.db", config, watch_s=None)
    try:
        queue.call_next(COUNTER, (), "Lan")
    finally:
        queue.close()
    w = open_counter(qtbot, tmp_path, config)
    bar = w.calling
    qtbot.waitUntil(lambda: bar.number_label.text() == ticket.number, timeout=5000)
    bar.transfer_button.click()
    assert bar.chooser.isVisible()
    bar.service_combo.setCurrentIndex(bar.service_combo.findData("HT"))
    bar.transfer_ok.click()
    qtbot.waitUntil(lambda: bar.ticket is None, timeout=5000)
    (row,) = rows(tmp_path, "SELECT status, queue_service FROM tickets WHERE id = ?",
                  ticket.id)
    assert row == {"status": "waiting", "queue_service": "HT"}


def test_hub_lost_disables_calling_but_not_intake(qtbot, tmp_path):
    hub = HubProcess(tmp_path / "hub")
    try:
        hub_config = make_config("file:///dev/null")
        _issue(hub.db_path, hub_config, "CT")
        config = make_config(f"preview://{tmp_path / 'previews'}").with_values(
            counter={"number": 2}, hub={"role": "client", "url": hub.url, "office_key": KEY})
        w = open_counter(qtbot, tmp_path, config)
        bar = w.calling
        qtbot.waitUntil(lambda: bar.ready and bar.enabled("next"), timeout=10_000)
        qtbot.keyClick(w, Qt.Key.Key_F3)
        qtbot.waitUntil(lambda: bar.number_label.text() == "A001", timeout=10_000)
        (row,) = [dict(r) for r in connect(hub.db_path).query(
            "SELECT status, counter FROM tickets WHERE number = 'A001'")]
        assert row == {"status": "called", "counter": 2}

        hub.stop()
        qtbot.waitUntil(lambda: bar.connection_label.isVisible(), timeout=20_000)
        assert "Mất kết nối với máy chủ quầy" in bar.connection_label.text()
        assert not bar.enabled("next") and not bar.enabled("recall")
        assert not bar.enabled("skip") and not bar.enabled("transfer")

        code = _save_intake(qtbot, w)  # intake keeps working without the hub
        assert code
        qtbot.waitUntil(lambda: "thao tác đang chờ gửi" in bar.connection_label.text(),
                        timeout=10_000)
    finally:
        close_windows()
        hub.stop()
