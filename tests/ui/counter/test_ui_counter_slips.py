"""The official slips from the counter's dossier page: the clerk opens a dossier, picks the
form, types the reason (and the new date for Mẫu 04), and the slip is stored with its status
change and printed on the receipt printer (read back through the ESC/POS parser)."""

import os
import shutil
import socket
import subprocess

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import timedelta  # noqa: E402

import pytest  # noqa: E402
import zxingcpp  # noqa: E402
from PIL import ImageChops  # noqa: E402
from PySide6.QtCore import QDate, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from kiosk.dossiers.status import DossierStatus  # noqa: E402
from tests.escpos_raster import parse_escpos  # noqa: E402
from tests.ui.counter.test_ui_counter_helpers import (  # noqa: E402
    CLERK,
    Keyboard,
    close_windows,
    make_config,
    open_counter,
    rows,
    settle,
)
from tests.ui.counter.test_ui_counter_results import saved_dossier  # noqa: E402

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"),
                                   reason="poppler-utils (pdftotext) not installed")


@pytest.fixture(autouse=True)
def _close():
    yield
    close_windows()


def printed_codes(path) -> list[str]:
    pages = parse_escpos(path.read_bytes()).pages if path.exists() else []
    # Polled while the printer lane may still be writing: a page cut short has no rows yet.
    return [r.text for p in pages if min(p.image.size) > 0
            for r in zxingcpp.read_barcodes(p.image)
            if r.format == zxingcpp.BarcodeFormat.Code128]


def test_supplement_request_and_apology_from_the_dossier_page(qtbot, tmp_path):
    dossier = saved_dossier(tmp_path)
    printer = tmp_path / "receipt.bin"
    w = open_counter(qtbot, tmp_path, make_config(f"file://{printer}"))
    view = w.dossier_view
    Keyboard().scan(dossier.code)
    qtbot.waitUntil(lambda: view.dossier is not None, timeout=5000)
    assert view.slip_button.isVisible()

    view.slip_button.click()
    panel = view.slip_panel
    assert panel.isVisible() and panel.form == "02" and not panel.issue_button.isEnabled()
    panel.reason.setText("Bản sao giấy khai sinh; Giấy xác nhận cư trú")
    panel.issue_button.click()
    qtbot.waitUntil(lambda: view.dossier.status is DossierStatus.SUPPLEMENT_REQUESTED,
                    timeout=5000)
    qtbot.waitUntil(lambda: printed_codes(printer) == [dossier.code], timeout=10000)
    qtbot.waitUntil(lambda: view.state.text() == "Đã lập và in phiếu Mẫu 02.", timeout=5000)
    (slip,) = rows(tmp_path, "SELECT form, reason, clerk FROM dossier_slips")
    assert slip == {"form": "02", "reason": "Bản sao giấy khai sinh; Giấy xác nhận cư trú",
                    "clerk": CLERK}

    # A second supplement request is refused, worded for the clerk; nothing is printed.
    view.slip_button.click()
    panel.reason.setText("Thêm ảnh 4x6")
    panel.issue_button.click()
    qtbot.waitUntil(lambda: "một lần" in view.state.text(), timeout=5000)
    assert len(rows(tmp_path, "SELECT * FROM dossier_slips")) == 1

    # Mẫu 04: the reason and a new date after the due date.
    view.slip_button.click()
    panel.form_buttons["04"].click()
    assert panel.new_date.isVisible()
    new = dossier.appointment_date + timedelta(days=7)
    while new.weekday() >= 5:
        new += timedelta(days=1)
    panel.new_date.setDate(QDate(new.year, new.month, new.day))
    panel.reason.setText("Cần xác minh thêm tại nơi cư trú trước đây")
    settle(qtbot, w)
    panel.issue_button.click()
    qtbot.waitUntil(lambda: len(rows(tmp_path, "SELECT * FROM dossier_slips")) == 2,
                    timeout=5000)
    qtbot.waitUntil(lambda: len(printed_codes(printer)) == 2, timeout=10000)
    assert rows(tmp_path, "SELECT form, new_date FROM dossier_slips ORDER BY id")[-1] == {
        "form": "04", "new_date": new.isoformat()}
    assert view.dossier.status is DossierStatus.SUPPLEMENT_REQUESTED  # unchanged by 04


def printed_pages(path):
    return parse_escpos(path.read_bytes()).pages if path.exists() else []


def pdf_text(path) -> str:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return " ".join(text.split())


def rendered(tmp_path, uid: str, config):
    """The slip `uid` drawn afresh by the dossier desk (what the printer must have got)."""
    from kiosk.dossiers import DossierDesk
    from kiosk.dossiers.slips import render_slip, slip_print
    from kiosk.store import connect

    db = connect(tmp_path / "kiosk.db")
    try:
        desk = DossierDesk(db, config)
        return render_slip(desk, uid, 576), slip_print(desk, uid)
    finally:
        db.conn.close()


def same_image(a, b) -> bool:
    return a.size == b.size and ImageChops.difference(a.convert("L"),
                                                      b.convert("L")).getbbox() is None


@needs_poppler
def test_hand_over_from_the_page_then_process_slip_reprint_and_a4(qtbot, tmp_path):
    dossier = saved_dossier(tmp_path)
    printer = tmp_path / "receipt.bin"
    config = make_config(f"file://{printer}")
    w = open_counter(qtbot, tmp_path, config)
    view = w.dossier_view
    listing = view.paperwork
    kb = Keyboard()
    Keyboard().scan(dossier.code)
    qtbot.waitUntil(lambda: listing.paperwork is not None, timeout=5000)
    assert listing.empty.isVisible() and not listing.reprint_button.isEnabled()

    # The hand-over row: to whom, received by, a due date; Enter records it.
    listing.handover_button.setFocus()
    kb.key(Qt.Key.Key_Return, "\r")
    panel = view.handover_panel
    qtbot.waitUntil(panel.isVisible, timeout=2000)
    assert QApplication.focusWidget() is panel.party and panel.due_date is None
    assert not panel.record_button.isEnabled()
    panel.party.setEditText("Công chức Tư pháp - Hộ tịch")
    kb.key(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.received_by
    panel.received_by.setText("Trần Văn Bình")
    due = dossier.appointment_date
    panel.due.setDate(QDate(due.year, due.month, due.day))
    kb.key(Qt.Key.Key_Return, "\r")
    qtbot.waitUntil(lambda: listing.table.rowCount() == 1, timeout=5000)
    assert not panel.isVisible()
    assert rows(tmp_path, "SELECT to_party, received_by, handed_by, due_date "
                          "FROM dossier_handovers") == [
        {"to_party": "Công chức Tư pháp - Hộ tịch", "received_by": "Trần Văn Bình",
         "handed_by": CLERK, "due_date": due.isoformat()}]
    assert listing.table.item(0, 0).text() == "Giao nhận"
    assert "Công chức Tư pháp - Hộ tịch" in listing.table.item(0, 3).text()
    assert view.state.text().startswith("Đã ghi giao hồ sơ cho Công chức Tư pháp - Hộ tịch.")

    # Then Mẫu 05 from the same page: the focus waits on "Lập phiếu…".
    assert QApplication.focusWidget() is view.slip_button
    kb.key(Qt.Key.Key_Return, "\r")
    qtbot.waitUntil(view.slip_panel.isVisible, timeout=2000)
    assert QApplication.focusWidget() is view.slip_panel.reason
    kb.key(Qt.Key.Key_Backtab, mods=Qt.KeyboardModifier.ShiftModifier)  # to "06 Kiểm soát"
    assert QApplication.focusWidget() is view.slip_panel.form_buttons["05"]
    kb.key(Qt.Key.Key_Return, "\r")
    qtbot.waitUntil(lambda: view.slip_panel.form == "05", timeout=2000)
    assert QApplication.focusWidget() is view.slip_panel.issue_button
    kb.key(Qt.Key.Key_Return, "\r")
    qtbot.waitUntil(lambda: printed_codes(printer) == [dossier.code], timeout=10000)
    (slip,) = rows(tmp_path, "SELECT uid, form FROM dossier_slips")
    assert slip["form"] == "05"
    image, content = rendered(tmp_path, slip["uid"], config)
    (page,) = printed_pages(printer)
    assert same_image(page.image, image)  # the printout is the stored slip's …
    (step,) = content.handovers  # … which lists the hand-over
    assert step.parties.endswith("Nhận: Công chức Tư pháp - Hộ tịch")
    assert (step.handed_by, step.received_by) == (CLERK, "Trần Văn Bình")

    # Listed, and chosen: reprint prints the same slip again.
    qtbot.waitUntil(lambda: listing.table.rowCount() == 2, timeout=5000)
    assert listing.selected_slip().uid == slip["uid"]
    assert listing.table.item(1, 0).text() == "Mẫu 06"
    listing.reprint_button.click()
    qtbot.waitUntil(lambda: len(printed_codes(printer)) == 2, timeout=10000)
    first, again = printed_pages(printer)
    assert same_image(first.image, again.image)
    qtbot.waitUntil(lambda: view.state.text() == "Đã in lại phiếu Mẫu 06.", timeout=5000)

    # A4: written beside the A4 receipts, opened with the PC's viewer, said where.
    listing.pdf_button.click()
    qtbot.waitUntil(lambda: len(w.opened_files) == 1, timeout=10000)
    (pdf,) = w.opened_files
    assert pdf.parent == tmp_path / "receipts" and pdf.name.startswith(dossier.code)
    assert str(pdf) in view.state.text()
    text = pdf_text(pdf)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and dossier.code in text
    assert "Trần Văn Bình" in text

    # The next hand-over offers the party used before; Esc closes the row.
    view.start_handover()
    assert [panel.party.itemText(i) for i in range(panel.party.count())] == [
        "Công chức Tư pháp - Hộ tịch"]
    kb.key(Qt.Key.Key_Escape)
    assert not panel.isVisible() and QApplication.focusWidget() is listing.handover_button
    assert len(rows(tmp_path, "SELECT * FROM dossier_handovers")) == 1


def test_a_missing_printer_and_an_unwritable_folder_are_told_in_the_clerks_words(qtbot,
                                                                                  tmp_path):
    dossier = saved_dossier(tmp_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    # Nothing listens on the printer's port; the A4 folder is a file.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = make_config(f"tcp://127.0.0.1:{port}", timeout_s=2).with_values(
        dossiers={"a4_output_dir": str(blocker / "pdf")})
    w = open_counter(qtbot, tmp_path, config)
    view = w.dossier_view
    Keyboard().scan(dossier.code)
    qtbot.waitUntil(lambda: view.paperwork.paperwork is not None, timeout=5000)
    view.action_buttons[DossierStatus.SUPPLEMENT_REQUESTED].click()
    view.slip_panel.reason.setText("Tờ khai")
    view.slip_panel.issue_button.click()
    qtbot.waitUntil(lambda: "chưa in được" in view.state.text(), timeout=10000)
    assert view.state.text().startswith("Phiếu Mẫu 02 đã lập nhưng chưa in được")
    qtbot.waitUntil(lambda: view.paperwork.selected_slip() is not None, timeout=5000)

    view.paperwork.reprint_button.click()
    qtbot.waitUntil(lambda: view.state.text().startswith("Chưa in lại được phiếu Mẫu 02: "),
                    timeout=10000)
    assert w.banner.code == "print" and w.banner.message == view.state.text()

    view.paperwork.pdf_button.click()
    qtbot.waitUntil(lambda: w.banner.code == "action", timeout=10000)
    assert view.state.text().startswith("Không tạo được tệp PDF của phiếu: không ghi được tệp")
    assert w.opened_files == []


def driver_failure(uri: str):
    """The PrintError the printer driver itself raises for `uri` now (what the counter must
    word for the clerk)."""
    from PIL import Image

    from drivers.printers import PrintError, open_printer

    with pytest.raises(PrintError) as failed:
        open_printer(uri, timeout_s=2).print_image(Image.new("1", (576, 40), 1))
    return failed.value


def test_printer_failures_at_the_counter_are_worded_for_the_clerk(qtbot, tmp_path):
    """A reprint of the receipt (F6), of a slip and of a petition slip on a printer nobody
    listens to: the counter says what is wrong and what to check, never the kiosk's "Vui lòng
    báo cán bộ tại quầy" (the clerk is the one at the counter)."""
    from drivers.printers.errors import CLERK_WORDS, VI_OFFLINE

    dossier = saved_dossier(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    uri = f"tcp://127.0.0.1:{port}"
    failure = driver_failure(uri)
    assert failure.message_vi == VI_OFFLINE  # the kiosk's (citizen's) words
    clerk = failure.message_clerk
    assert clerk == CLERK_WORDS[VI_OFFLINE] and "báo cán bộ tại quầy" not in clerk
    assert clerk.startswith("Không kết nối được máy in: kiểm tra máy in đã bật")
    w = open_counter(qtbot, tmp_path, make_config(uri, timeout_s=2))
    view = w.dossier_view
    Keyboard().scan(dossier.code)
    qtbot.waitUntil(lambda: view.paperwork.paperwork is not None, timeout=5000)

    qtbot.keyClick(w, Qt.Key.Key_F6)  # the receipt again
    qtbot.waitUntil(lambda: view.state.property("state") == "failed", timeout=10000)
    assert view.state.text() == (f"{clerk} Hồ sơ {dossier.code} vẫn đã được lưu: nhấn F6 để "
                                 "in lại hoặc F7 để in giấy A4.")
    assert w.banner.message == view.state.text()

    view.action_buttons[DossierStatus.SUPPLEMENT_REQUESTED].click()
    view.slip_panel.reason.setText("Tờ khai")
    view.slip_panel.issue_button.click()
    qtbot.waitUntil(lambda: "chưa in được" in view.state.text(), timeout=10000)
    assert view.state.text() == f"Phiếu Mẫu 02 đã lập nhưng chưa in được: {clerk}"
    qtbot.waitUntil(lambda: view.paperwork.selected_slip() is not None, timeout=5000)
    view.paperwork.reprint_button.click()  # the slip again
    qtbot.waitUntil(lambda: view.state.text().startswith("Chưa in lại được"), timeout=10000)
    assert view.state.text() == f"Chưa in lại được phiếu Mẫu 02: {clerk}"
    assert w.banner.message == view.state.text()

    w.petitions.show()  # a petition taken at the counter: its slip
    petitions = w.petitions.view
    petitions.text.setPlainText("Đề nghị bố trí thêm ghế chờ cho người cao tuổi.")
    petitions.save_button.click()
    qtbot.waitUntil(lambda: petitions.saved is not None and not w.petitions.desk.printing,
                    timeout=10000)
    assert petitions.print_state.text().startswith(f"{clerk} Phản ánh vẫn đã được lưu với mã "
                                                   f"{petitions.saved.code}")
    for text in (view.state.text(), petitions.print_state.text(), w.banner.message):
        assert "Vui lòng báo cán bộ tại quầy" not in text


def refusal(tmp_path, code: str, form: str) -> str:
    """What the dossier desk says when it refuses Mẫu `form` for `code` now (the screen must
    say the same)."""
    from kiosk.config import Config
    from kiosk.dossiers import DossierDesk
    from kiosk.dossiers.models import DossierError
    from kiosk.dossiers.slips import issue_slip
    from kiosk.dossiers.status import IllegalTransition
    from kiosk.store import connect

    db = connect(tmp_path / "kiosk.db")
    try:
        with pytest.raises((DossierError, IllegalTransition)) as refused:
            issue_slip(DossierDesk(db, Config()), code, form, clerk=CLERK, reason="Lần nữa")
        return refused.value.message_vi
    finally:
        db.conn.close()


def online_registration(tmp_path):
    """A dossier registered online, waiting at status 1 for the counter's check (its first
    status set here, as tests/dossiers/test_dossiers_slips.py does)."""
    from kiosk.store import connect

    dossier = saved_dossier(tmp_path)
    db = connect(tmp_path / "kiosk.db")
    try:
        with db.conn:
            db.execute("UPDATE dossiers SET status = 1 WHERE id = ?", (dossier.id,))
            db.execute("UPDATE dossier_events SET to_status = 1 WHERE dossier_id = ?",
                       (dossier.id,))
    finally:
        db.conn.close()
    return dossier


def test_refusing_a_dossier_is_the_refusal_slip(qtbot, tmp_path):
    """"Không tiếp nhận…" is Mẫu 03 (Alt+number, the reason, Enter): the slip, status 3, the
    printout; then "Lập phiếu…" → 03 again shows whatever the desk answers, in its words."""
    dossier = online_registration(tmp_path)
    printer = tmp_path / "receipt.bin"
    w = open_counter(qtbot, tmp_path, make_config(f"file://{printer}"))
    view = w.dossier_view
    kb = Keyboard()
    kb.scan(dossier.code)
    qtbot.waitUntil(lambda: DossierStatus.REFUSED in view.action_buttons, timeout=5000)
    number = list(view.action_buttons).index(DossierStatus.REFUSED) + 1
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=2000)
    kb.key(Qt.Key.Key_0 + number, mods=Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(view.slip_panel.isVisible, timeout=2000)
    assert view.slip_panel.form == "03" and QApplication.focusWidget() is view.slip_panel.reason
    kb.type("Ho so khong thuoc tham quyen")
    settle(qtbot, w)
    kb.key(Qt.Key.Key_Return, "\r")
    qtbot.waitUntil(lambda: view.dossier.status is DossierStatus.REFUSED, timeout=5000)
    qtbot.waitUntil(lambda: printed_codes(printer) == [dossier.code], timeout=10000)
    assert rows(tmp_path, "SELECT form, reason FROM dossier_slips") == [
        {"form": "03", "reason": "Ho so khong thuoc tham quyen"}]
    assert rows(tmp_path, "SELECT status, status_reason FROM dossiers") == [
        {"status": 3, "status_reason": "Ho so khong thuoc tham quyen"}]

    # A refused dossier cannot be refused again: the desk's refusal, as it words it.
    view.slip_button.click()
    view.slip_panel.form_buttons["03"].click()
    view.slip_panel.reason.setText("Lần nữa")
    view.slip_panel.issue_button.click()
    qtbot.waitUntil(lambda: w.banner.code == "action", timeout=5000)
    assert view.state.text() == w.banner.message == refusal(tmp_path, dossier.code, "03")
    assert len(rows(tmp_path, "SELECT * FROM dossier_slips")) == 1
    assert len(printed_codes(printer)) == 1


def test_slips_list_and_hand_over_row_fit_the_page(qtbot, tmp_path):
    """At 1366x768 the slips list, the hand-over row and the slip row fit the dossier page,
    nothing overlaps, and neither row makes the page wider than its action bar does."""
    from tests.ui.counter.test_ui_counter_layout import overlaps

    dossier = saved_dossier(tmp_path)
    w = open_counter(qtbot, tmp_path, make_config(f"file://{tmp_path / 'r.bin'}"))
    view = w.dossier_view
    w.open_dossier(dossier.code)
    qtbot.waitUntil(lambda: view.paperwork.paperwork is not None, timeout=5000)
    widest = view.minimumSizeHint().width()
    for start, panel in ((view.start_handover, view.handover_panel),
                         (view.start_slip, view.slip_panel)):
        start()
        qtbot.wait(50)
        assert panel.isVisible() and view.paperwork.isVisible()
        assert w.size().toTuple() == (1366, 768)
        assert view.minimumSizeHint().width() <= widest
        assert overlaps(w.centralWidget()) == []
        assert panel.minimumSizeHint().width() <= 1000


def test_refusing_settlement_of_a_received_dossier_from_the_slip_row(qtbot, tmp_path):
    """A walk-in dossier (status 2) refused with "Lập phiếu…" → 03: status 8, the slip
    listed and printed."""
    dossier = saved_dossier(tmp_path)
    printer = tmp_path / "receipt.bin"
    w = open_counter(qtbot, tmp_path, make_config(f"file://{printer}"))
    view = w.dossier_view
    Keyboard().scan(dossier.code)
    qtbot.waitUntil(lambda: view.paperwork.paperwork is not None, timeout=5000)
    view.start_slip("03")
    assert view.slip_panel.form == "03"
    view.slip_panel.reason.setText("Hồ sơ không đủ điều kiện giải quyết")
    view.slip_panel.issue_button.click()
    qtbot.waitUntil(lambda: view.dossier.status is DossierStatus.STOPPED, timeout=5000)
    qtbot.waitUntil(lambda: printed_codes(printer) == [dossier.code], timeout=10000)
    qtbot.waitUntil(lambda: view.paperwork.table.rowCount() == 1, timeout=5000)
    assert view.paperwork.table.item(0, 0).text() == "Mẫu 03"
    assert rows(tmp_path, "SELECT status FROM dossiers") == [{"status": 8}]
