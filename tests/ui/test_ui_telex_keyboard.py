"""Telex composition and the on-screen keyboard, driven by taps only."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit  # noqa: E402

from kiosk.ui.keyboard import OnScreenKeyboard  # noqa: E402
from kiosk.ui.telex import apply_key, compose, normalize, toggle_tone  # noqa: E402
from tests.util import tap  # noqa: E402


@pytest.mark.parametrize("keys, text", [
    ("tieengs vieetj", "tiếng việt"),
    ("Nguyeenx Thij Hoa", "Nguyễn Thị Hoa"),
    ("ddaay laf thur tucj hafnh chinhs", "đây là thủ tục hành chính"),
    ("DDaauf", "Đầu"),
    ("ANHS", "ÁNH"),
    ("nguwowif truwowngf nuwowcs", "người trường nước"),
    ("nguoiwf thuowng", "người thương"),  # w after the vowels
    ("thuowr", "thuở"),
    ("xoawn hoawcj", "xoăn hoặc"),
    ("quyeenf quoocs giaays giuwx gif", "quyền quốc giấy giữ gì"),
    ("hoaf hoafn toans thuyr", "hòa hoàn toán thủy"),  # tone moves as letters follow
    ("khuyur ngoaif", "khuỷu ngoài"),
    ("chwa nhw", "chưa như"),  # w alone is ư
    ("ass aaa ddd", "as aa dd"),  # typing a modifier twice undoes it
    ("hoasz", "hoa"),  # z removes the tone
    ("Facebook email", "Facebook email"),  # not a syllable: left alone
    ("0912 345 678.", "0912 345 678."),
])
def test_compose(keys, text):
    assert compose(keys) == text


def test_incremental_helpers():
    assert apply_key("Nguyên", "x") == "Nguyễn"  # works on the text as shown
    assert normalize("hòan") == "hoàn"
    assert toggle_tone("Nguyên", "x") == "Nguyễn"
    assert toggle_tone("Nguyễn", "x") == "Nguyên"  # the same tone again takes it off
    assert toggle_tone("Nguyễn", "z") == "Nguyên"
    assert toggle_tone("ng", "s") is None


def type_keys(qtbot, keyboard: OnScreenKeyboard, keys: str) -> None:
    for ch in keys:
        if ch == " ":
            tap(qtbot, keyboard.keys["space"])
        elif ch.isupper():
            tap(qtbot, keyboard.keys["shift"])
            tap(qtbot, keyboard.keys[ch.lower()])
        else:
            tap(qtbot, keyboard.keys[ch])


@pytest.fixture
def line_edit(qtbot):
    edit = QLineEdit()
    keyboard = OnScreenKeyboard(edit)
    host = _host(qtbot, edit, keyboard)
    return edit, keyboard, host


def _host(qtbot, *widgets):
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    host = QWidget()
    box = QVBoxLayout(host)
    for w in widgets:
        box.addWidget(w)
    qtbot.addWidget(host)
    host.resize(1100, 600)
    host.show()
    qtbot.waitExposed(host)
    return host


def test_typing_a_name_by_tapping_keys(qtbot, line_edit):
    edit, keyboard, _ = line_edit
    type_keys(qtbot, keyboard, "Nguyeenx Thij Hoa")
    assert edit.text() == "Nguyễn Thị Hoa"
    assert not keyboard.shift  # shift is for one letter
    assert all(not b.hasFocus() for b in keyboard.keys.values())  # keys never take focus


def test_tone_keys_shaped_letters_backspace_and_cursor(qtbot, line_edit):
    edit, keyboard, _ = line_edit
    # Without Telex: direct letters and the tone keys.
    tap(qtbot, keyboard.keys["telex"])
    assert not keyboard.telex
    type_keys(qtbot, keyboard, "Nguy")
    tap(qtbot, keyboard.keys["ê"])
    tap(qtbot, keyboard.keys["n"])
    tap(qtbot, keyboard.keys["tone_x"])
    assert edit.text() == "Nguyễn"
    type_keys(qtbot, keyboard, " aa")  # Telex off: letters stay letters
    assert edit.text() == "Nguyễn aa"
    tap(qtbot, keyboard.keys["backspace"])
    tap(qtbot, keyboard.keys["backspace"])
    tap(qtbot, keyboard.keys["backspace"])
    assert edit.text() == "Nguyễn"
    # Back into the middle of the text: a tone goes to the word before the cursor.
    tap(qtbot, keyboard.keys["telex"])
    edit.setText("hoa binh")
    edit.setCursorPosition(3)
    tap(qtbot, keyboard.keys["f"])
    assert edit.text() == "hòa binh"
    edit.setCursorPosition(len(edit.text()))
    tap(qtbot, keyboard.keys["tone_f"])
    assert edit.text() == "hòa bình"


def test_selection_is_replaced_and_limits_hold(qtbot):
    edit = QLineEdit()
    edit.setMaxLength(4)
    text = QPlainTextEdit()
    kb_line = OnScreenKeyboard(edit)
    kb_text = OnScreenKeyboard(text, max_length=5)
    host = _host(qtbot, edit, kb_line, text, kb_text)  # noqa: F841 - keeps the widgets alive
    type_keys(qtbot, kb_line, "abcdef")
    assert edit.text() == "abcd"
    edit.selectAll()
    tap(qtbot, kb_line.keys["x"])
    assert edit.text() == "x"
    type_keys(qtbot, kb_text, "chaof ban")
    assert text.toPlainText() == "chào "


def test_digit_keypad(qtbot):
    edit = QLineEdit()
    keypad = OnScreenKeyboard(edit, layout="digits", telex=False)
    host = _host(qtbot, edit, keypad)  # noqa: F841 - keeps the widgets alive
    for d in "0912345678":
        tap(qtbot, keypad.keys[d])
    assert edit.text() == "0912345678"
    tap(qtbot, keypad.keys["backspace"])
    assert edit.text() == "091234567"
    tap(qtbot, keypad.keys["clear"])
    assert edit.text() == ""
    assert "telex" not in keypad.keys and "a" not in keypad.keys
