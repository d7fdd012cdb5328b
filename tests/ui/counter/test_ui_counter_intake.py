"""The counter window's intake: an ID card scanned through the keyboard-wedge filter fills the
form, the procedure is found by typing, documents are ticked with the keyboard, F5 saves
(off the UI thread) and the receipt prints. Real SQLite, real DossierDesk, real file printer."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json  # noqa: E402
import logging  # noqa: E402
import re  # noqa: E402
import sqlite3  # noqa: E402
import time  # noqa: E402

import pytest  # noqa: E402
import zxingcpp  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QCheckBox  # noqa: E402

from drivers.scanners.events import ScanEvent  # noqa: E402
from tests.escpos_raster import parse_escpos  # noqa: E402
from tests.ui.counter.test_ui_counter_helpers import (  # noqa: E402
    CCCD_LUONG,
    CLERK,
    CODE_PATTERN,
    PII,
    Keyboard,
    StalledPrinter,
    close_windows,
    make_config,
    open_counter,
    rows,
    settle,
)
from tests.util import watch_event_loop  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    close_windows()


def test_intake_by_scanning_and_keyboard_alone(qtbot, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "receipt.bin"
    w = open_counter(qtbot, tmp_path, make_config(f"file://{out}"))
    form = w.form
    kb = Keyboard()

    # The wedge scanner types the card's QR into whatever has focus: the filter takes it.
    kb.scan(CCCD_LUONG)
    assert form.name.text() == "Lê Văn Lương"
    assert form.id_number.text() == "089202017098"
    assert form.birth_date.text() == "23/05/2002"
    assert form.gender.currentText() == "Nam"
    assert form.address.text() == "Tổ 10 Ấp An Thái, Hòa Bình, Chợ Mới, An Giang"
    assert QApplication.focusWidget() is form.phone  # the next thing to ask
    qtbot.wait(80)
    assert form.phone.text() == "" and w.wedge.pending == 0  # nothing leaked into a field

    kb.type("0912345678")
    kb.key(Qt.Key.Key_Return, "\r")  # on to the next field
    settle(qtbot, w)
    assert form.phone.text() == "0912345678"
    assert QApplication.focusWidget() is form.email

    qtbot.keyClick(w, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is form.picker.search
    form.picker.choose("1.004222")  # a first pick, changed below without an event loop turn
    assert len(form.documents.rows) == 3
    form.picker.search.setFocus()
    kb.type("dang ky khai sinh")  # no diacritics: the input method is often off
    settle(qtbot, w)
    assert form.picker.visible_codes()[0] == "1.001193"
    kb.key(Qt.Key.Key_Return, "\r")
    assert form.procedure is not None and form.procedure.name == "Đăng ký khai sinh"
    assert len(form.documents.rows) == 4
    visible = [b for b in form.documents.inner.findChildren(QCheckBox) if b.isVisibleTo(w)]
    assert visible == [r.received for r in form.documents.rows]  # no rows of an earlier pick
    assert form.appointment.text().startswith("Hẹn trả kết quả: Thứ ")
    assert form.fee.text() == "Miễn lệ phí khi đăng ký đúng hạn"

    # Down the checklist: Space ticks, Down moves.
    assert QApplication.focusWidget() is form.documents.rows[0].received
    kb.type(" ")
    kb.key(Qt.Key.Key_Down)
    kb.type(" ")
    settle(qtbot, w)
    assert [r.received.isChecked() for r in form.documents.rows] == [True, True, False, False]

    started = time.monotonic()
    qtbot.keyClick(w, Qt.Key.Key_F5)
    assert time.monotonic() - started < 0.5  # the save runs on the desk thread
    qtbot.waitUntil(lambda: form.saved is not None, timeout=5000)
    code = form.saved.code
    assert re.fullmatch(CODE_PATTERN, code)
    assert code[14:20] == f"{w.clock():%y%m%d}"
    assert form.saved_code.text() == f"Đã lưu hồ sơ {code}"
    qtbot.waitUntil(lambda: form.print_state.property("state") == "ok", timeout=8000)
    assert form.print_state.text() == "Đã in phiếu tiếp nhận và hẹn trả kết quả."

    (dossier,) = rows(tmp_path, "SELECT * FROM dossiers")
    assert dossier["code"] == code and dossier["status"] == 2
    assert dossier["submitter_name"] == "Lê Văn Lương"
    assert dossier["submitter_id_number"] == "089202017098"
    assert dossier["submitter_birth_date"] == "2002-05-23"
    assert dossier["submitter_gender"] == "Nam"
    assert dossier["submitter_phone"] == "0912345678"
    assert dossier["procedure_code"] == "1.001193" and dossier["clerk"] == CLERK
    documents = json.loads(dossier["documents"])
    assert [d["received"] for d in documents] == [True, True, False, False]
    outbox = rows(tmp_path, "SELECT * FROM outbox")
    assert len(outbox) == 1 and json.loads(outbox[0]["payload"])["code"] == code

    (image,) = parse_escpos(out.read_bytes()).images
    codes = [r.text for r in zxingcpp.read_barcodes(image)
             if r.format == zxingcpp.BarcodeFormat.Code128]
    assert codes == [code]

    # The form stays as saved (read-only) until F2 starts the next citizen.
    assert form.name.isReadOnly() and not form.save_button.isEnabled()
    qtbot.keyClick(w, Qt.Key.Key_F2)
    assert form.is_blank() and not form.name.isReadOnly()
    assert QApplication.focusWidget() is form.name

    for value in PII:
        assert value not in caplog.text


def test_form_problems_are_shown_and_focused(qtbot, tmp_path):
    w = open_counter(qtbot, tmp_path, make_config(f"file://{tmp_path / 'r.bin'}"))
    qtbot.keyClick(w, Qt.Key.Key_F5)
    assert w.banner.level == "error"
    assert w.banner.message.startswith("Cần nhập họ tên người nộp hồ sơ")
    assert QApplication.focusWidget() is w.form.name
    w.wedge.scanned.emit(ScanEvent.now(b"", CCCD_LUONG, "wedge"))
    qtbot.keyClick(w, Qt.Key.Key_F5)
    assert w.banner.message == "Cần chọn thủ tục hành chính (Ctrl+F để tìm)."
    assert QApplication.focusWidget() is w.form.picker.search
    w.form.picker.search.setText("1.004222")  # by code
    w.form.picker.choose_current()
    qtbot.keyClick(w, Qt.Key.Key_F5)
    assert w.banner.message.startswith("Chưa đánh dấu giấy tờ nào đã nhận")
    w.clerk_edit.clear()
    w.form.all_button.click()
    qtbot.keyClick(w, Qt.Key.Key_F5)
    assert w.banner.message.startswith("Nhập họ tên cán bộ tiếp nhận")
    assert QApplication.focusWidget() is w.clerk_edit
    assert rows(tmp_path, "SELECT count(*) AS n FROM dossiers")[0]["n"] == 0


def test_stalled_printer_never_freezes_the_window_nor_loses_the_dossier(qtbot, tmp_path):
    printer = StalledPrinter()
    try:
        w = open_counter(qtbot, tmp_path, make_config(printer.uri, timeout_s=2))
        w.wedge.scanned.emit(ScanEvent.now(b"", CCCD_LUONG, "wedge"))
        w.form.picker.search.setText("chứng thực chữ ký")
        w.form.picker.choose_current()
        w.form.all_button.click()
        timer, gaps = watch_event_loop()
        qtbot.keyClick(w, Qt.Key.Key_F5)
        qtbot.waitUntil(lambda: w.form.saved is not None, timeout=3000)
        assert w.form.print_state.property("state") == "busy"  # saved, printer still stuck
        qtbot.waitUntil(lambda: w.form.print_state.property("state") == "failed",
                        timeout=10_000)
        timer.stop()
        assert gaps and max(gaps) < 0.5, f"event loop stalled for {max(gaps):.2f} s"
        code = w.form.saved.code
        assert rows(tmp_path, "SELECT code FROM dossiers") == [{"code": code}]
        # Worded for the clerk: what is wrong and what to check, not the kiosk's words.
        assert w.form.print_state.text().startswith("Máy in không phản hồi (có thể kẹt giấy")
        assert "báo cán bộ tại quầy" not in w.form.print_state.text()
        assert f"Hồ sơ {code} vẫn đã được lưu" in w.form.print_state.text()
        assert w.banner.level == "error" and w.banner.isVisible()
        assert w.form.print_button.text() == "In lại phiếu (F6)"
        assert w.form.print_button.isEnabled()
        assert w.status.printer.text() == "Máy in: Không kết nối"
    finally:
        close_windows()
        printer.close()


def test_a4_receipt_is_written_and_opened(qtbot, tmp_path):
    w = open_counter(qtbot, tmp_path, make_config(f"preview://{tmp_path / 'previews'}"))
    w.wedge.scanned.emit(ScanEvent.now(b"", CCCD_LUONG, "wedge"))
    w.form.picker.search.setText("khai tu")
    w.form.picker.choose_current()
    assert w.form.procedure.code == "1.000656"
    w.form.all_button.click()
    qtbot.keyClick(w, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: w.form.saved is not None, timeout=5000)
    # The receipt's own print ends first: its line would otherwise replace the A4's.
    qtbot.waitUntil(lambda: w.form.print_state.text().startswith("Đã in phiếu tiếp nhận"),
                    timeout=10_000)
    qtbot.keyClick(w, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: bool(w.opened_files), timeout=10_000)
    (pdf,) = w.opened_files
    assert pdf.name == f"{w.form.saved.code}.pdf" and pdf.read_bytes().startswith(b"%PDF")
    qtbot.waitUntil(lambda: w.form.print_state.text().startswith("Đã tạo giấy A4"),
                    timeout=2000)


def test_a_locked_database_tells_the_clerk_it_is_busy_and_the_save_can_be_retried(
        qtbot, tmp_path, monkeypatch):
    # Another program holds the station database in a write transaction longer than the
    # (shortened) busy timeout: the save fails on the desk lane and the clerk reads why.
    monkeypatch.setattr("kiosk.store.db.BUSY_TIMEOUT_MS", 300)
    w = open_counter(qtbot, tmp_path, make_config(f"file://{tmp_path / 'r.bin'}"))
    qtbot.waitUntil(lambda: w.calling.ready, timeout=5000)  # the database is open, migrated
    w.wedge.scanned.emit(ScanEvent.now(b"", CCCD_LUONG, "wedge"))
    w.form.picker.search.setText("khai tu")
    w.form.picker.choose_current()
    w.form.all_button.click()
    # Waits its turn if the window itself is writing at that moment.
    holder = sqlite3.connect(str(tmp_path / "kiosk.db"), timeout=5, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        qtbot.keyClick(w, Qt.Key.Key_F5)
        assert w.saving and not w.form.save_button.isEnabled()
        qtbot.waitUntil(lambda: not w.saving, timeout=10_000)
    finally:
        holder.rollback()
        holder.close()
    busy = "Không lưu được hồ sơ: cơ sở dữ liệu đang bận. Vui lòng thử lại."
    assert w.banner.level == "error" and w.banner.message == busy
    assert w.form.print_state.property("state") == "failed"
    assert w.form.print_state.text() == busy
    assert w.form.saved is None and w.form.save_button.isEnabled()
    assert rows(tmp_path, "SELECT count(*) AS n FROM dossiers")[0]["n"] == 0

    qtbot.keyClick(w, Qt.Key.Key_F5)  # the lock is gone: the same form saves
    qtbot.waitUntil(lambda: w.form.saved is not None, timeout=5000)
    assert rows(tmp_path, "SELECT code FROM dossiers") == [{"code": w.form.saved.code}]


def test_the_window_s_work_runs_on_its_named_lanes_which_stop_with_it(qtbot, tmp_path):
    from kiosk.ui import operations

    lanes = {"counter-desk", "counter-printer", "counter-queue"}
    w = open_counter(qtbot, tmp_path, make_config(f"file://{tmp_path / 'r.bin'}"))
    qtbot.waitUntil(lambda: lanes <= {lane.name for lane in operations.lanes()}, timeout=5000)
    assert w.lanes.printer.stop_wait_ms == (5 + 5) * 1000  # the driver's timeout + 5 s
    close_windows()
    assert not (w.lanes.desk.running or w.lanes.printer.running or w.queue.lane.running)
    assert not lanes & {lane.name for lane in operations.lanes()}
