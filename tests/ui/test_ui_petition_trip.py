"""A petition's whole trip through the real windows: typed on the kiosk's keyboard, stored as a
case in the real SQLite file, its slip printed as ESC/POS bytes and parsed back (the CODE128
decodes to the code the screen shows), answered with `kiosk petition answer` as the office
runs it, then looked up at the kiosk by its code, which shows the answer and nothing of the
petition's text or phone number."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import zxingcpp  # noqa: E402
from PySide6.QtCore import QPoint, QRect  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.petitions import cases  # noqa: E402
from kiosk.store import connect  # noqa: E402
from kiosk.ui.app import build_window  # noqa: E402
from tests.escpos_raster import parse_escpos  # noqa: E402
from tests.faultproxy import ROOT, env, kiosk_cmd  # noqa: E402
from tests.ui.test_ui_selfservice import all_texts, type_on  # noqa: E402
from tests.util import tap  # noqa: E402

SHOTS = os.environ.get("PETITION_SHOTS")  # a folder: the screens are saved there to look at

_windows: list = []


@pytest.fixture(autouse=True)
def _close():
    yield
    while _windows:
        _windows.pop().close()


def open_screen(qtbot, tmp_path: Path, size=(1366, 768)):
    config = Config().with_values(
        printer={"uri": f"file://{tmp_path / 'printer.bin'}", "timeout_s": 5},
        kiosk={"fullscreen": False, "enforce_opening_hours": False},
        station={"id": "kiosk-1"}, office={"name": "UBND phường Ba Đình"})
    window = build_window(config, Paths(tmp_path, tmp_path / "kiosk.toml"))
    _windows.append(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def grab(window, name: str) -> None:
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / f"{name}.png"))


def send_petition(qtbot, window, size_name: str) -> str:
    tap(qtbot, window.start_page.feedback_button)
    page = window.selfservice.feedback_page
    tap(qtbot, page.topic_buttons["Thời gian giải quyết hồ sơ"])
    type_on(qtbot, page.keyboard, "Chowf quas laau")
    tap(qtbot, page.next_button)
    for d in "0912345678":
        tap(qtbot, page.phone_keypad.keys[d])
    tap(qtbot, page.send_button)
    qtbot.waitUntil(lambda: page.step == page.THANKS, timeout=5000)
    qtbot.waitUntil(lambda: bool(page.thanks_code.text()), timeout=2000)
    grab(window, f"petition-thanks-{size_name}")
    return page.thanks_code.text()


@pytest.mark.parametrize("size", [(1366, 768), (1080, 1920)], ids=["landscape", "portrait"])
def test_a_petition_from_the_kiosk_to_its_answer(qtbot, tmp_path, size):
    window = open_screen(qtbot, tmp_path, size)
    name = "x".join(map(str, size))
    code = send_petition(qtbot, window, name)
    page = window.selfservice.feedback_page
    assert cases.looks_like_petition_code(code) and code.startswith("PA-")
    assert "Mã đã được in trên phiếu" in page.thanks_note.text()
    screen = QRect(0, 0, *size)
    for widget in (page.thanks_code, page.thanks_note, page.thanks_done):
        rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        assert screen.contains(rect), f"{widget.objectName()} {rect} outside {screen}"

    # The slip: ESC/POS bytes as the printer gets them, parsed back to the printed image.
    stream = parse_escpos((tmp_path / "printer.bin").read_bytes())
    assert len(stream.images) == 1 and stream.cut_found
    decoded = zxingcpp.read_barcodes(stream.images[0])
    assert [(r.format, r.text) for r in decoded] == [(zxingcpp.BarcodeFormat.Code128, code)]

    db = connect(tmp_path / "kiosk.db")
    try:
        stored = cases.find(db, code)
    finally:
        db.conn.close()
    assert stored.text == "Chờ quá lâu" and stored.phone == "0912345678"
    assert stored.status == "open" and stored.channel == "kiosk"

    # The office answers from the command line.
    answered = subprocess.run(
        kiosk_cmd(tmp_path, "petition", "answer", code, "--text",
                  "Văn phòng đã bổ sung cán bộ tiếp nhận buổi sáng.", "--by", "Lê Văn Chính"),
        capture_output=True, text=True, env=env(), cwd=ROOT, timeout=60)
    assert answered.returncode == 0, answered.stderr

    # The citizen, back at the kiosk, types the code on the on-screen keyboard.
    tap(qtbot, page.thanks_done)
    tap(qtbot, window.start_page.lookup_button)
    lookup = window.selfservice.lookup_page
    type_on(qtbot, lookup.keyboard, code)
    tap(qtbot, lookup.search_button)
    qtbot.waitUntil(lambda: lookup.panel == lookup.RESULT, timeout=5000)
    card = lookup.petition_card
    texts = card.texts()
    assert f"Mã phản ánh: {code}" in texts and "Đã có trả lời" in texts
    assert "Văn phòng đã bổ sung cán bộ tiếp nhận buổi sáng." in texts
    assert card.isVisible() and not lookup.card.isVisible()
    grab(window, f"petition-answer-{name}")
    shown = all_texts(window)
    for secret in ("Chờ quá lâu", "0912345678", "Lê Văn Chính"):
        assert secret not in shown, secret
    rect = QRect(card.mapTo(window, QPoint(0, 0)), card.size())
    assert screen.contains(rect)

    tap(qtbot, window.header.lang_buttons["en"])  # the card follows the language
    qtbot.waitUntil(lambda: "Answered" in card.texts(), timeout=2000)
    assert "Time taken to handle dossiers" in card.texts()
    assert f"Petition code: {code}" in card.texts()
    grab(window, f"petition-answer-en-{name}")
    tap(qtbot, lookup.done_button)
    assert card.texts() == []

    # The slip's barcode held to the scanner on the start view opens the answer too.
    assert window.stack.currentWidget() is window.start_page
    window.on_scan(decoded[0].text)
    qtbot.waitUntil(lambda: lookup.panel == lookup.RESULT and card.texts() != [], timeout=5000)
    assert f"Mã phản ánh: {code}" in card.texts()  # back in the station's language


def test_a_late_petition_shows_as_late_and_an_unknown_code_is_refused(qtbot, tmp_path):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    db = connect(tmp_path / "kiosk.db")
    try:
        _, old = cases.take_petition(db, Config(), topic="Góp ý khác", text="Đèn hành lang hỏng",
                                     phone=None, at=datetime(2025, 3, 3, 9,
                                                             tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    finally:
        db.conn.close()
    window = open_screen(qtbot, tmp_path)
    tap(qtbot, window.start_page.lookup_button)
    lookup = window.selfservice.lookup_page
    type_on(qtbot, lookup.keyboard, "PA-259999")
    tap(qtbot, lookup.search_button)
    qtbot.waitUntil(lambda: lookup.message.text().startswith("Không tìm thấy phản ánh"),
                    timeout=5000)
    assert lookup.panel == lookup.ENTRY
    lookup.code_edit.clear()
    type_on(qtbot, lookup.keyboard, old.code.replace("-", ""))  # without the dash
    tap(qtbot, lookup.search_button)
    qtbot.waitUntil(lambda: lookup.panel == lookup.RESULT, timeout=5000)
    texts = lookup.petition_card.texts()
    assert "Đang xử lý, đã quá hạn trả lời" in texts
    assert f"{old.due_date:%d/%m/%Y}" in texts
    assert "Đèn hành lang hỏng" not in all_texts(window)
    grab(window, "petition-late-1366x768")


def test_without_a_printer_the_code_stays_on_screen_to_be_written_down(qtbot, tmp_path):
    from kiosk.ui import selfservice

    window = open_screen(qtbot, tmp_path)
    (tmp_path / "printer.bin").mkdir()  # the "printer" cannot be written to
    code = send_petition(qtbot, window, "no-printer")
    page = window.selfservice.feedback_page
    assert cases.looks_like_petition_code(code)
    assert "Vui lòng ghi lại mã này" in page.thanks_note.text()
    assert page.thanks_timer.interval() == selfservice.THANKS_UNPRINTED_MS
    db = connect(tmp_path / "kiosk.db")
    try:
        assert cases.find(db, code).status == "open"  # the petition is kept all the same
    finally:
        db.conn.close()
