"""An on-screen touch keyboard that types Vietnamese into a QLineEdit or QPlainTextEdit.

The kiosk has no physical keyboard, and citizens who do not know Telex still need diacritics,
so the text layout has both:
- letter keys that compose Telex as they are tapped (kiosk/ui/telex.py), with a key that turns
  Telex off for codes, e-mail addresses and foreign names;
- keys for the shaped letters (ă â ê ô ơ ư đ) and five tone keys (sắc, huyền, hỏi, ngã, nặng)
  that put the tone on the word before the cursor, wherever it belongs in the word.

The "digits" layout is a big phone keypad.

Keys never take the keyboard focus, so the text field keeps its cursor: a citizen can tap into
the text to move it and go on typing there. Keys act on release (a finger sliding off a key
cancels it, as on phones); Backspace repeats while held. No key is bigger than its neighbours
only on hover: a touch screen has none.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from kiosk.ui.telex import TONE_NAMES, apply_key, normalize, toggle_tone, word_before

Target = QLineEdit | QPlainTextEdit

# (key name, label, width in half-columns); a row is 26 half-columns (13 keys) wide. The tone
# keys are one and a half keys wide, so their names ("huyền") fit on a narrow portrait screen.
_TEXT_ROWS: tuple[tuple[tuple[str, str, int], ...], ...] = (
    (*((d, d, 2) for d in "1234567890"), ("-", "-", 2), ("backspace", "", 4)),
    (*((c, c, 2) for c in "qwertyuiop"), ("ă", "ă", 2), ("â", "â", 2), ("ơ", "ơ", 2)),
    (*((c, c, 2) for c in "asdfghjkl"), ("ê", "ê", 2), ("ô", "ô", 2), ("ư", "ư", 2),
     ("đ", "đ", 2)),
    (("shift", "", 4), *((c, c, 2) for c in "zxcvbnm"), (",", ",", 2), (".", ".", 2),
     ("/", "/", 2), ("@", "@", 2)),
    (("telex", "", 4), *((f"tone_{k}", "", 3) for k in "sfrxj"), ("space", "", 7)),
)
_DIGIT_ROWS: tuple[tuple[tuple[str, str, int], ...], ...] = (
    (("1", "1", 2), ("2", "2", 2), ("3", "3", 2)),
    (("4", "4", 2), ("5", "5", 2), ("6", "6", 2)),
    (("7", "7", 2), ("8", "8", 2), ("9", "9", 2)),
    (("clear", "", 2), ("0", "0", 2), ("backspace", "", 2)),
)
_TONE_SAMPLES = {"s": "á", "f": "à", "r": "ả", "x": "ã", "j": "ạ"}
_SHAPED = frozenset("ăâơêôưđ")


class OnScreenKeyboard(QFrame):
    """Touch keyboard writing into `target` (set_target to change it, None to detach).

    `layout` is "text" or "digits". `keys` maps key names to their buttons: the characters
    themselves, and "shift", "backspace", "space", "telex", "tone_s" … "tone_j", "clear".
    """

    typed = Signal()  # after every key that changed (or tried to change) the text

    def __init__(self, target: Target | None = None, *, layout: str = "text",
                 telex: bool = True, max_length: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if layout not in ("text", "digits"):
            raise ValueError("layout must be 'text' or 'digits'")
        self.setObjectName("Keyboard")
        self.setProperty("layout", layout)
        self.layout_name = layout
        self.max_length = max_length  # for a QPlainTextEdit; a QLineEdit has its own
        self._target: Target | None = None
        self._shift = False
        self._telex = telex
        self.keys: dict[str, QPushButton] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 8, 8, 8)
        grid.setSpacing(6)
        rows = _TEXT_ROWS if layout == "text" else _DIGIT_ROWS
        self._build(grid, rows)
        self.set_target(target)
        self.retranslate()

    # -- building --------------------------------------------------------------------------

    def _build(self, grid: QGridLayout, rows: Sequence[Sequence[tuple[str, str, int]]]) -> None:
        columns = 0
        for r, row in enumerate(rows):
            column = 0
            for name, text, width in row:
                button = QPushButton(text)
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.setAutoDefault(False)
                button.setSizePolicy(QSizePolicy.Policy.Ignored,
                                     QSizePolicy.Policy.Preferred)
                button.setProperty("role", "key" if len(name) == 1 else "keyfn")
                if name == "backspace":
                    button.setAutoRepeat(True)
                    button.setAutoRepeatDelay(450)
                    button.setAutoRepeatInterval(90)
                if name in ("shift", "telex"):
                    button.setCheckable(True)
                if name.startswith("tone_"):
                    button.setProperty("role", "keytone")
                button.clicked.connect(lambda _=False, n=name: self.press(n))
                grid.addWidget(button, r, column, 1, width)
                self.keys[name] = button
                column += width
            columns = max(columns, column)
        for c in range(columns):
            grid.setColumnStretch(c, 1)
        # Natural height: keys keep their size and the text field above takes the rest.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        if "telex" in self.keys:
            self.keys["telex"].setChecked(self._telex)

    def retranslate(self) -> None:
        keys = self.keys
        keys["backspace"].setText(self.tr("Xóa"))
        keys["backspace"].setAccessibleName(self.tr("Xóa một ký tự"))
        if "clear" in keys:
            keys["clear"].setText(self.tr("Xóa hết"))
        if "space" in keys:
            keys["space"].setText(self.tr("Dấu cách"))
            keys["shift"].setText(self.tr("Chữ hoa"))
            for key, name in TONE_NAMES.items():
                keys[f"tone_{key}"].setText(f"{_TONE_SAMPLES[key]}\n{name}")
                keys[f"tone_{key}"].setAccessibleName(self.tr("Dấu %1").replace("%1", name))
        self._render()

    def _render(self) -> None:
        for name, button in self.keys.items():
            if len(name) == 1 and name.isalpha():
                button.setText(name.upper() if self._shift else name)
        if "telex" in self.keys:
            self.keys["telex"].setChecked(self._telex)
            self.keys["telex"].setText(
                self.tr("Telex\nBật") if self._telex else self.tr("Telex\nTắt"))
            self.keys["shift"].setChecked(self._shift)

    # -- state -----------------------------------------------------------------------------

    @property
    def target(self) -> Target | None:
        return self._target

    def set_target(self, target: Target | None) -> None:
        self._target = target

    @property
    def telex(self) -> bool:
        return self._telex

    def set_telex(self, on: bool) -> None:
        self._telex = on
        self._render()

    @property
    def shift(self) -> bool:
        return self._shift

    def set_shift(self, on: bool) -> None:
        self._shift = on
        self._render()

    # -- typing ----------------------------------------------------------------------------

    def press(self, name: str) -> None:
        """What tapping the key `name` does (tests and programmatic use call it too)."""
        if name == "shift":
            self.set_shift(not self._shift)
            return
        if name == "telex":
            self.set_telex(not self._telex)
            return
        if self._target is None:
            return
        if name == "backspace":
            self._backspace()
        elif name == "clear":
            self._target.clear()
        elif name == "space":
            self._replace(0, " ")
        elif name.startswith("tone_"):
            self._tone(name[-1])
        elif len(name) == 1:
            self._char(name.upper() if self._shift else name)
            if self._shift and name.isalpha():
                self.set_shift(False)  # one capital, as on phones
        self.typed.emit()

    def _char(self, ch: str) -> None:
        before = self._before()
        start = word_before(before)
        word = before[start:]
        if ch.isalpha() and ch.lower() in _SHAPED:
            self._replace(len(word), normalize(word + ch))
        elif ch.isalpha() and self._telex:
            self._replace(len(word), apply_key(word, ch))
        else:
            self._replace(0, ch)

    def _tone(self, key: str) -> None:
        before = self._before()
        word = before[word_before(before):]
        toned = toggle_tone(word, key)
        if toned is not None:
            self._replace(len(word), toned)

    # -- the target ------------------------------------------------------------------------

    def _before(self) -> str:
        """The text before the cursor (a selection is what the next key replaces)."""
        t = self._target
        if isinstance(t, QLineEdit):
            if t.hasSelectedText():
                t.del_()
            return t.text()[:t.cursorPosition()]
        assert isinstance(t, QPlainTextEdit)
        cursor = t.textCursor()
        if cursor.hasSelection():
            cursor.removeSelectedText()
            t.setTextCursor(cursor)
        block = cursor.block()
        return block.text()[:cursor.positionInBlock()]

    def _replace(self, count: int, text: str) -> None:
        """Replace the `count` characters before the cursor with `text`."""
        t = self._target
        if isinstance(t, QLineEdit):
            pos = t.cursorPosition()
            if len(t.text()) - count + len(text) > t.maxLength():
                return
            t.setSelection(pos - count, count)
            t.insert(text)
            return
        assert isinstance(t, QPlainTextEdit)
        limit = self.max_length
        if limit is not None and len(t.toPlainText()) - count + len(text) > limit:
            return
        cursor = t.textCursor()
        pos = cursor.position()
        cursor.setPosition(pos - count)
        cursor.setPosition(pos, cursor.MoveMode.KeepAnchor)
        cursor.insertText(text)
        t.setTextCursor(cursor)
        t.ensureCursorVisible()

    def _backspace(self) -> None:
        t = self._target
        if isinstance(t, QLineEdit):
            t.backspace()
            return
        assert isinstance(t, QPlainTextEdit)
        cursor = t.textCursor()
        cursor.deletePreviousChar()
        t.setTextCursor(cursor)
