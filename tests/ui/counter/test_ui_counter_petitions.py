"""Petitions at the counter, on the real window and a real SQLite file: the clerk opens the page
with Ctrl+P, types the citizen's petition, saves it with Ctrl+Enter; the case is stored with a
code (channel "counter"), its slip is printed on the receipt printer (ESC/POS bytes parsed back:
the CODE128 reads the code the screen shows large), and the look-up by code shows "no answer
yet", then the office's answer once given. Nothing of the text or the phone number is logged."""

import logging
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re  # noqa: E402
from datetime import datetime  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import pytest  # noqa: E402
import zxingcpp  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from kiosk.petitions import cases  # noqa: E402
from kiosk.store import connect  # noqa: E402
from tests.escpos_raster import parse_escpos  # noqa: E402
from tests.ui.counter.test_ui_counter_helpers import (  # noqa: E402
    Keyboard,
    close_windows,
    make_config,
    open_counter,
    rows,
    settle,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 22, 10, 0, tzinfo=TZ)  # a Tuesday
TEXT = "De nghi them ghe cho o khu vuc tiep nhan"
PHONE = "0987654321"
SHOTS = os.environ.get("PETITION_SHOTS")  # a folder: the screens are saved there to look at


@pytest.fixture(autouse=True)
def _close():
    yield
    close_windows()


def slip_codes(path) -> list[str]:
    pages = parse_escpos(path.read_bytes()).pages if path.exists() else []
    return [r.text for p in pages if min(p.image.size) > 0
            for r in zxingcpp.read_barcodes(p.image)
            if r.format == zxingcpp.BarcodeFormat.Code128]


def test_a_petition_typed_at_the_counter_its_slip_and_its_answer(qtbot, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    printer = tmp_path / "receipt.bin"
    w = open_counter(qtbot, tmp_path, make_config(f"file://{printer}"), clock=lambda: NOW)
    keys = Keyboard()
    keys.key(Qt.Key.Key_P, mods=Qt.KeyboardModifier.ControlModifier)
    view = w.petitions.view
    qtbot.waitUntil(lambda: w.stack.currentWidget() is view, timeout=2000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.text, timeout=2000)
    assert view.topic.currentText() == "Thủ tục hành chính"  # the kiosk's first topic
    view.topic.setCurrentText("Cơ sở vật chất, trang thiết bị")
    keys.type(TEXT)
    settle(qtbot, w)
    keys.key(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is view.phone
    keys.type(PHONE)
    settle(qtbot, w)
    assert view.text.toPlainText() == TEXT and view.phone.text() == PHONE
    keys.key(Qt.Key.Key_Return, mods=Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(lambda: view.saved is not None, timeout=5000)
    code = view.saved.code
    assert re.fullmatch(r"PA-26\d{4}", code)
    assert view.code.text() == code and view.code.isVisible()
    assert view.due.text() == "Hạn trả lời: Thứ Tư, 06/01/2027"  # 10 working days, 1/1 a holiday
    assert view.code.font().pixelSize() > 2 * view.due.font().pixelSize() - 4  # large
    (stored,) = rows(tmp_path, "SELECT code, topic, text, phone, channel, status, due_date "
                     "FROM petitions")
    assert stored == {"code": code, "topic": "Cơ sở vật chất, trang thiết bị", "text": TEXT,
                      "phone": PHONE, "channel": "counter", "status": "open",
                      "due_date": "2027-01-06"}

    # The slip, as the receipt printer got it, read back: the code as CODE128.
    qtbot.waitUntil(lambda: slip_codes(printer) == [code], timeout=10000)
    qtbot.waitUntil(lambda: view.print_state.text() ==
                    f"Đã in phiếu tiếp nhận phản ánh {code}.", timeout=5000)
    assert not view.save_button.isEnabled()

    # The look-up at the counter: typed without the dash, as citizens read it out.
    view.lookup_code.setFocus()
    keys.type(code.replace("-", ""))
    settle(qtbot, w)
    keys.key(Qt.Key.Key_Return)
    found = view.found_values
    qtbot.waitUntil(lambda: view.found.isVisible() and found["code"].text() == code,
                    timeout=5000)
    assert found["status"].text() == "Mới tiếp nhận"
    assert found["answer"].text() == "Chưa có trả lời."
    assert found["due"].text() == "Thứ Tư, 06/01/2027"

    # The office answers (on its own connection); the citizen asks again at the counter.
    db = connect(tmp_path / "kiosk.db")
    try:
        cases.answer(db, code, text="Văn phòng sẽ bổ sung 10 ghế chờ trong tuần này.",
                     by="Lê Văn Chính", at=datetime(2026, 12, 23, 15, tzinfo=TZ))
    finally:
        db.conn.close()
    view.lookup_button.click()
    qtbot.waitUntil(lambda: found["status"].text() == "Đã trả lời", timeout=5000)
    assert found["answer"].text() == \
        "Văn phòng sẽ bổ sung 10 ghế chờ trong tuần này. (23/12/2026)"
    assert found["due"].property("tone") == ""

    # The citizen hands the slip over: its barcode scanned on any page opens the answer.
    w.show_intake()
    view.clear_lookup()
    keys.scan(code)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is view and found["code"].text() == code
                    and view.found.isVisible(), timeout=5000)
    assert found["status"].text() == "Đã trả lời"
    assert w.banner.code != "unknown"

    # Ctrl+P again: an empty form for the next petition.
    keys.key(Qt.Key.Key_P, mods=Qt.KeyboardModifier.ControlModifier)
    assert view.saved is None and view.text.toPlainText() == "" and view.text.isEnabled()
    for secret in (TEXT, PHONE, "ghe cho"):
        assert secret not in caplog.text


def test_a_refused_petition_says_why_and_an_unknown_code_is_not_found(qtbot, tmp_path):
    printer = tmp_path / "receipt.bin"
    w = open_counter(qtbot, tmp_path, make_config(f"file://{printer}"), clock=lambda: NOW)
    w.petitions.show()
    view = w.petitions.view
    view.text.setPlainText("Cần")  # too short
    view.save_button.click()
    qtbot.waitUntil(lambda: "ít nhất 5 ký tự" in view.print_state.text(), timeout=5000)
    assert view.print_state.isVisible() and not view.code.isVisible()
    view.text.setPlainText("Đề nghị sửa máy lấy số")
    view.phone.setText("12345")
    view.save_button.click()
    qtbot.waitUntil(lambda: "Số điện thoại chưa đúng" in view.print_state.text(),
                    timeout=5000)
    assert QApplication.focusWidget() is view.phone
    assert rows(tmp_path, "SELECT count(*) AS n FROM petitions") == [{"n": 0}]
    assert not printer.exists()

    view.lookup_code.setText("PA-269999")
    view.lookup_button.click()
    qtbot.waitUntil(lambda: view.lookup_state.text().startswith("Không tìm thấy"),
                    timeout=5000)
    assert not view.found.isVisible()
    view.lookup_code.setText("000.00.01.H26-261222-0001")  # a dossier code
    view.lookup_button.click()
    assert view.lookup_state.text().startswith("Mã phản ánh gồm")


@pytest.mark.parametrize("rating", [False, True])
def test_the_petitions_page_fits_1093x614_saved_and_looked_up(qtbot, tmp_path, rating):
    from types import SimpleNamespace

    from kiosk.ui.counter.window import MINIMUM_SIZE
    from tests.ui.counter.test_ui_counter_layout import _fits, overlaps

    w = open_counter(qtbot, tmp_path, make_config(f"file://{tmp_path / 'r.bin'}"),
                     size=MINIMUM_SIZE, clock=lambda: NOW)
    if rating:
        w.rating_view.ask(SimpleNamespace(number="A012", id=1, service_code="CT",
                                          service_name="Cư trú", dossiers=[]), None, 1, "X")
    w.petitions.show()
    view = w.petitions.view
    view.text.setPlainText("Đề nghị bố trí thêm ghế chờ và quạt ở khu vực tiếp nhận hồ sơ "
                           "vào buổi sáng cho người cao tuổi.")
    view.save_button.click()
    qtbot.waitUntil(lambda: view.saved is not None and not w.petitions.desk.printing,
                    timeout=10000)
    view.lookup_code.setText(view.saved.code)
    view.lookup_button.click()
    qtbot.waitUntil(view.found.isVisible, timeout=5000)
    qtbot.wait(50)
    assert w.size().toTuple() == MINIMUM_SIZE and _fits(w.minimumSizeHint())
    assert overlaps(w.centralWidget()) == []
    if SHOTS:
        w.grab().save(f"{SHOTS}/counter-petition-1093x614{'-rating' if rating else ''}.png")
    for widget in (view.code, view.due, view.print_state, view.new_button,
                   view.found_values["answer"]):
        assert widget.isVisible() and widget.visibleRegion().boundingRect().size() == \
            widget.size(), widget.objectName()
