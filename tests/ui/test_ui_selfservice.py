"""Citizen self-service on the ticket kiosk, end to end: real SQLite file, a dossier saved by
the real DossierDesk, the real worker threads, taps on the on-screen keyboard and key bursts
through the keyboard-wedge filter."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json  # noqa: E402
import logging  # noqa: E402
from datetime import date, datetime  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QEvent, QPoint, QRect, Qt  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
)

from kiosk.config import Config  # noqa: E402
from kiosk.dossiers.intake import DossierDesk  # noqa: E402
from kiosk.dossiers.models import Intake, Person  # noqa: E402
from kiosk.dossiers.status import DossierStatus  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.store import connect  # noqa: E402
from kiosk.ui import ticket_screen  # noqa: E402
from kiosk.ui.app import build_window  # noqa: E402
from tests.util import tap  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CCCD_HOA = ("034303011829||Nguyễn Thị Hoa|21032003|Nữ|Thôn Lai Ổn, An Quý, Quỳnh Phụ, "
            "Thái Bình|14082021")
HOA = Person("Nguyễn Thị Hoa", "034303011829", date(2003, 3, 21), "Nữ",
             "Thôn Lai Ổn, An Quý, Quỳnh Phụ, Thái Bình", "0987654321", "hoa@example.com")
PII = ("Nguyễn Thị Hoa", "Thị Hoa", "034303011829", "Lai Ổn", "Quỳnh Phụ", "0987654321",
       "example.com", "21/03/2003", "2003-03-21")


def make_config(tmp_path) -> Config:
    return Config().with_values(printer={"uri": f"preview://{tmp_path}/p", "timeout_s": 5},
                                kiosk={"fullscreen": False, "enforce_opening_hours": False},
                                station={"id": "kiosk-1"})


@pytest.fixture
def dossier(tmp_path):
    db = connect(tmp_path / "kiosk.db")
    try:
        desk = DossierDesk(db, make_config(tmp_path))
        at = datetime(2026, 1, 15, 9, 30, tzinfo=TZ)
        saved = desk.save_intake(Intake("1.001022", HOA), clerk="Trần Minh Đức", at=at)
        return desk.change_status(saved.code, DossierStatus.PROCESSING, clerk="Trần Minh Đức",
                                  at=at.replace(hour=14))
    finally:
        db.conn.close()


_windows: list = []


@pytest.fixture(autouse=True)
def _close():
    yield
    while _windows:
        _windows.pop().close()


def open_screen(qtbot, tmp_path, size=(1366, 768)):
    window = build_window(make_config(tmp_path), Paths(tmp_path, tmp_path / "kiosk.toml"))
    _windows.append(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def type_on(qtbot, keyboard, keys: str) -> None:
    for ch in keys:
        if ch == " ":
            tap(qtbot, keyboard.keys["space"])
        elif ch.isalpha() and ch.isupper():
            tap(qtbot, keyboard.keys["shift"])
            tap(qtbot, keyboard.keys[ch.lower()])
        else:
            tap(qtbot, keyboard.keys[ch])


class WedgeBurst:
    """A keyboard-wedge scanner: the code's keys 3 ms apart, then Enter."""

    t = 80_000

    def __init__(self, window) -> None:
        self.window = window

    def scan(self, text: str) -> None:
        for ch in [*text, "\r"]:
            WedgeBurst.t += 3
            key = Qt.Key.Key_Return if ch == "\r" else (
                Qt.Key(ord(ch.upper())) if ord(ch) < 0x7F else Qt.Key.Key_unknown)
            target = QApplication.focusWidget() or self.window
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch)
                event.setTimestamp(WedgeBurst.t)
                QApplication.sendEvent(target, event)


def all_texts(window) -> str:
    texts = []
    for w in window.findChildren(QLabel):
        texts.append(w.text())
    for w in window.findChildren(QAbstractButton):
        texts.append(w.text())
    for w in window.findChildren(QLineEdit):
        texts.append(w.text())
    for w in window.findChildren(QPlainTextEdit):
        texts.append(w.toPlainText())
    return "\n".join(texts)


def counts(tmp_path) -> dict:
    db = connect(tmp_path / "kiosk.db")
    try:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("dossiers", "outbox", "ratings", "citizen_feedback", "tickets")}
    finally:
        db.conn.close()


def test_lookup_by_typing_the_code(qtbot, tmp_path, dossier):
    window = open_screen(qtbot, tmp_path)
    start = window.start_page
    assert start.lookup_button.title.text() == "Tra cứu hồ sơ"
    assert start.feedback_button.title.text() == "Phản ánh, kiến nghị"
    tap(qtbot, start.lookup_button)
    page = window.selfservice.lookup_page
    assert window.stack.currentWidget() is page
    assert page.title.text() == "Đưa mã vạch trên giấy hẹn vào máy quét"
    assert not page.keyboard.telex  # codes are typed as they are
    # The short form from the receipt: this office's unit code is added.
    type_on(qtbot, page.keyboard, dossier.code.split("-", 1)[1])
    tap(qtbot, page.search_button)
    qtbot.waitUntil(lambda: page.panel == page.RESULT, timeout=5000)
    card = page.card
    texts = card.texts()
    assert f"Mã hồ sơ: {dossier.code}" in texts
    assert "Đăng ký nhận cha, mẹ, con" in texts
    assert "Đang xử lý" in texts
    assert f"{dossier.appointment_date:%d/%m/%Y}" in texts
    assert "15/01/2026" in texts
    assert "N.T.H." in texts
    shown = all_texts(window)
    for secret in (*PII, "Trần Minh Đức"):
        assert secret not in shown, secret

    tap(qtbot, window.header.lang_buttons["en"])  # the card follows the language live
    qtbot.waitUntil(lambda: "Being processed" in card.texts(), timeout=2000)
    assert f"Dossier code: {dossier.code}" in card.texts()
    assert page.done_button.text() == "Done"

    tap(qtbot, page.done_button)
    assert window.stack.currentWidget() is start
    assert start.lookup_button.title.text() == "Tra cứu hồ sơ"  # back to the station's language
    assert page.code_edit.text() == "" and card.texts() == []  # nothing left for the next


def test_lookup_by_the_receipts_short_code(qtbot, tmp_path, dossier):
    window = open_screen(qtbot, tmp_path)
    tap(qtbot, window.start_page.lookup_button)
    page = window.selfservice.lookup_page
    assert "6 ký tự" in page.or_type.text()
    code = dossier.short_code
    # As printed ("ACD 7KM"), typed in small letters on the on-screen keyboard.
    type_on(qtbot, page.keyboard, f"{code[:3]} {code[3:]}".lower())
    tap(qtbot, page.search_button)
    qtbot.waitUntil(lambda: page.panel == page.RESULT, timeout=5000)
    assert f"Mã hồ sơ: {dossier.code}" in page.card.texts()


def test_lookup_by_scan_and_an_id_card_by_mistake(qtbot, tmp_path, dossier, caplog):
    caplog.set_level(logging.DEBUG)
    window = open_screen(qtbot, tmp_path)
    page = window.selfservice.lookup_page
    assert window.selfservice.wedge is not None
    before = counts(tmp_path)

    # The receipt held to the scanner while the start view shows: the look-up opens.
    WedgeBurst(window).scan(dossier.code)
    qtbot.waitUntil(lambda: page.panel == page.RESULT, timeout=5000)
    assert window.stack.currentWidget() is page
    assert "Đang xử lý" in page.card.texts()

    # An ID card by mistake: a hint, and nothing of the card anywhere.
    WedgeBurst(window).scan(CCCD_HOA)
    assert page.panel == page.ENTRY
    assert page.message.isVisible()
    assert page.message.text() == "Đây là mã căn cước, vui lòng quét mã trên giấy hẹn"
    assert page.code_edit.text() == ""
    qtbot.wait(100)
    shown = all_texts(window)
    for secret in PII:
        assert secret not in shown, secret
        assert secret not in caplog.text, secret
    assert counts(tmp_path) == before  # nothing stored

    # A scan on the look-up page replaces what was there.
    window.on_scan(dossier.code)
    qtbot.waitUntil(lambda: page.panel == page.RESULT, timeout=5000)
    assert page.code_edit.text() == dossier.code


def test_unknown_and_malformed_codes(qtbot, tmp_path, dossier):
    window = open_screen(qtbot, tmp_path)
    tap(qtbot, window.start_page.lookup_button)
    page = window.selfservice.lookup_page
    type_on(qtbot, page.keyboard, "260115-0099")
    tap(qtbot, page.search_button)
    qtbot.waitUntil(lambda: page.searching is None, timeout=5000)
    assert page.panel == page.ENTRY
    assert page.message.text().startswith(
        "Không tìm thấy hồ sơ có mã 000.00.01.H26-260115-0099.")
    page.code_edit.clear()
    type_on(qtbot, page.keyboard, "12345")
    tap(qtbot, page.search_button)
    assert page.message.text().startswith("Mã chưa đúng.")
    window.on_scan("https://example.com/not-a-receipt")
    assert page.message.text().startswith("Mã vừa quét không phải mã hồ sơ.")


def test_feedback_typed_on_the_keyboard_is_stored(qtbot, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    window = open_screen(qtbot, tmp_path)
    tap(qtbot, window.start_page.feedback_button)
    page = window.selfservice.feedback_page
    assert window.stack.currentWidget() is page and page.step == page.TOPIC
    topic = "Cơ sở vật chất, trang thiết bị"
    tap(qtbot, page.topic_buttons[topic])
    assert page.step == page.TEXT and page.keyboard.telex
    type_on(qtbot, page.keyboard, "Caanf")
    tap(qtbot, page.next_button)  # too short
    assert page.step == page.TEXT
    assert page.text_status.text().startswith("Vui lòng nhập nội dung")
    type_on(qtbot, page.keyboard, " theem ghees chowf cho nguwowif cao tuooir.")
    assert page.text_edit.toPlainText() == "Cần thêm ghế chờ cho người cao tuổi."
    tap(qtbot, page.next_button)
    assert page.step == page.PHONE
    for d in "09123":
        tap(qtbot, page.phone_keypad.keys[d])
    tap(qtbot, page.send_button)
    assert page.step == page.PHONE and page.phone_status.text().startswith(
        "Số điện thoại chưa đúng")
    for d in "45678":
        tap(qtbot, page.phone_keypad.keys[d])
    tap(qtbot, page.send_button)
    qtbot.waitUntil(lambda: page.step == page.THANKS, timeout=5000)
    assert page.text_edit.toPlainText() == "" and page.phone_edit.text() == ""

    db = connect(tmp_path / "kiosk.db")
    try:
        row = db.execute("SELECT uid, topic, text, phone, station_id FROM citizen_feedback"
                         ).fetchone()
        box = db.execute("SELECT record_id, payload FROM outbox WHERE record_type = 'feedback'"
                         ).fetchone()
    finally:
        db.conn.close()
    assert row[1:] == (topic, "Cần thêm ghế chờ cho người cao tuổi.", "0912345678", "kiosk-1")
    assert box[0] == row[0] and json.loads(box[1])["phone"] == "0912345678"
    assert "0912345678" not in caplog.text and "ghế" not in caplog.text

    tap(qtbot, page.thanks_done)
    assert window.stack.currentWidget() is window.start_page
    assert page.step == page.TOPIC


def test_idle_timeout_clears_and_returns_to_start(qtbot, tmp_path, monkeypatch):
    # Longer than the tap guard after a page change (the next tap waits for it).
    monkeypatch.setattr(ticket_screen, "IDLE_RESET_MS", 800)
    window = open_screen(qtbot, tmp_path)
    tap(qtbot, window.start_page.feedback_button)
    page = window.selfservice.feedback_page
    tap(qtbot, next(iter(page.topic_buttons.values())))
    type_on(qtbot, page.keyboard, "bis maatj")
    assert page.text_edit.toPlainText() == "bí mật"
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.start_page, timeout=3000)
    assert page.text_edit.toPlainText() == "" and page.step == page.TOPIC
    assert counts(tmp_path)["citizen_feedback"] == 0

    tap(qtbot, window.start_page.lookup_button)
    type_on(qtbot, window.selfservice.lookup_page.keyboard, "260115")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.start_page, timeout=3000)
    assert window.selfservice.lookup_page.code_edit.text() == ""


@pytest.mark.parametrize("size", [(1366, 768), (1080, 1920)])
def test_pages_fit_the_screen(qtbot, tmp_path, size):
    window = open_screen(qtbot, tmp_path, size=size)
    screen = QRect(0, 0, *size)
    ss = window.selfservice
    tap(qtbot, window.start_page.feedback_button)
    tap(qtbot, next(iter(ss.feedback_page.topic_buttons.values())))
    checks = [ss.feedback_page.keyboard, ss.feedback_page.next_button, ss.feedback_page.text_edit]
    qtbot.wait(50)
    for widget in checks:
        rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        assert screen.contains(rect), f"{widget} {rect} outside {screen}"
    for key in ss.feedback_page.keyboard.keys.values():
        assert key.height() >= 54
    assert (window.width(), window.height()) == size  # nothing forced the window to grow
    tap(qtbot, ss.feedback_page.text_back)
    tap(qtbot, ss.feedback_page.topic_back)
    tap(qtbot, window.start_page.lookup_button)
    qtbot.wait(50)
    page = ss.lookup_page
    for widget in (page.keyboard, page.search_button, page.code_edit, page.title):
        rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        assert screen.contains(rect), f"{widget} {rect} outside {screen}"
    assert (window.width(), window.height()) == size
    for button in (window.start_page.lookup_button, window.start_page.feedback_button):
        for label in (button.title, button.subtitle):
            assert label.heightForWidth(label.width()) <= label.height(), "text clipped"
