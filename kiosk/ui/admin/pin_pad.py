"""The admin PIN pad: a big numeric keypad (touch) that also takes the keyboard's digits.

`PinDialog` checks a PIN against the stored hash through the lockout gate, or asks for a new
PIN twice. It closes itself after a minute without input: at a kiosk it may have been opened by
a curious citizen, and must not stay on screen.

Checking a PIN (scrypt, about two seconds, and the lockout file) and hashing a new one run on
the "admin-pin" lane (tasks.run_task), never on the UI thread; meanwhile the pad is disabled
and says it is checking. The message line keeps its space when empty, so an error appearing
never moves the keys under the finger.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.admin.pin import (
    PIN_MAX_DIGITS,
    VI_NOT_RECORDED,
    PinAttempt,
    PinGate,
    hash_pin,
    pin_problem,
)
from kiosk.failures import wording
from kiosk.ui.admin.style import TECHNICIAN
from kiosk.ui.admin.tasks import run_task
from kiosk.ui.widgets import set_tone

log = logging.getLogger(__name__)

IDLE_CLOSE_MS = 60_000
MESSAGE_LINES = 2  # the message line's reserved height, in lines of text


class PinPad(QWidget):
    """A masked PIN field over a 3x4 keypad (1-9, Xóa, 0, OK)."""

    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.display = QLineEdit()
        self.display.setObjectName("PinDisplay")
        self.display.setEchoMode(QLineEdit.EchoMode.Password)
        self.display.setMaxLength(PIN_MAX_DIGITS)
        self.display.setValidator(QRegularExpressionValidator(
            QRegularExpression(f"[0-9]{{0,{PIN_MAX_DIGITS}}}"), self))
        self.display.setPlaceholderText("••••••")
        self.display.returnPressed.connect(self.submit)
        self.display.setAccessibleName(self.tr("Mã PIN"))
        grid = QGridLayout()
        grid.setSpacing(10)
        self.keys: dict[str, QPushButton] = {}
        layout = ("123", "456", "789", ("back", "0", "ok"))
        for r, row in enumerate(layout):
            for c, name in enumerate(row):
                label = {"back": self.tr("Xóa"), "ok": "OK"}.get(name, name)
                button = QPushButton(label)
                button.setProperty("role", "pinkey" if name.isdigit() else "pinfn")
                if name == "ok":
                    button.setProperty("role", "pinok")
                # Keys never take the focus: the typed digits stay in the field.
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.setAutoDefault(False)
                button.clicked.connect(lambda _=False, n=name: self.press(n))
                grid.addWidget(button, r, c)
                self.keys[name] = button
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(14)
        box.addWidget(self.display)
        box.addLayout(grid)

    def press(self, name: str) -> None:
        if name == "ok":
            self.submit()
        elif name == "back":
            self.display.backspace()
        elif len(self.display.text()) < PIN_MAX_DIGITS:
            self.display.insert(name)
        self.display.setFocus()

    def submit(self) -> None:
        self.submitted.emit(self.display.text())

    def clear(self) -> None:
        self.display.clear()
        self.display.setFocus()

    def setEnabled(self, enabled: bool) -> None:  # noqa: N802 (Qt naming)
        super().setEnabled(enabled)
        if enabled:
            self.display.setFocus()


class _ActivityWatch(QObject):
    """Restarts `timer` on any key or touch in the dialog."""

    def __init__(self, timer: QTimer) -> None:
        super().__init__()
        self._timer = timer

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                            QEvent.Type.TouchBegin):
            self._timer.start()
        return False


class PinDialog(QDialog):
    """Mode VERIFY: `gate.attempt(pin, stored_hash)`; accepted on the right PIN.
    Mode NEW: the PIN twice; accepted with `new_hash` set."""

    VERIFY = "verify"
    NEW = "new"

    def __init__(self, mode: str, *, gate: PinGate | None = None, stored_hash: str = "",
                 title: str | None = None, parent: QWidget | None = None,
                 idle_close_ms: int = IDLE_CLOSE_MS) -> None:
        super().__init__(parent)
        if mode == self.VERIFY and gate is None:
            raise ValueError("a VERIFY PinDialog needs the lockout gate")
        self.setObjectName("PinDialog")
        self.setModal(True)
        self.setWindowTitle(self.tr("Mã PIN quản trị"))
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        self.setStyleSheet(TECHNICIAN.stylesheet())
        self.mode = mode
        self.gate = gate
        self.stored_hash = stored_hash
        self.new_hash: str | None = None
        self._first: str | None = None

        self.title = QLabel(title or (self.tr("Nhập mã PIN quản trị") if mode == self.VERIFY
                                      else self.tr("Đặt mã PIN quản trị mới")))
        self.title.setObjectName("PageTitle")
        self.title.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setProperty("role", "hint")
        self.hint.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # Its space is kept while empty (see _reserve_message): the keys never move.
        policy = self.message.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.message.setSizePolicy(policy)
        self.message.hide()
        self.checking = False
        self.pad = PinPad()
        self.pad.submitted.connect(self._submitted)
        self.cancel_button = QPushButton(self.tr("Hủy"))
        self.cancel_button.setProperty("role", "secondary")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)

        box = QVBoxLayout(self)
        box.setContentsMargins(28, 24, 28, 24)
        box.setSpacing(12)
        box.addWidget(self.title)
        box.addWidget(self.hint)
        box.addWidget(self.message)
        box.addWidget(self.pad)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        box.addLayout(row)
        self.setMinimumWidth(440)
        self._reserve_message()

        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(idle_close_ms)
        self.idle_timer.timeout.connect(self._idle)
        self._watch = _ActivityWatch(self.idle_timer)
        self.installEventFilter(self._watch)
        for child in self.findChildren(QWidget):
            child.installEventFilter(self._watch)
        self.idle_timer.start()
        self.lock_timer = QTimer(self)
        self.lock_timer.setInterval(1000)
        self.lock_timer.timeout.connect(self._refresh_lock)
        self._reset_hint()
        self._refresh_lock()

    # -- states ----------------------------------------------------------------------------

    def _reserve_message(self) -> None:
        """A fixed height for the message line: MESSAGE_LINES lines of its bold text plus the
        margins a toned label gets (kiosk/ui/widgets.set_tone)."""
        self.message.ensurePolished()
        font = self.message.font()
        font.setBold(True)
        from PySide6.QtGui import QFontMetrics

        line = QFontMetrics(font).lineSpacing()
        self.message.setFixedHeight(MESSAGE_LINES * line + 2 * (6 + 2) + 6)

    def _busy(self, text: str) -> None:
        self.checking = True
        self.pad.setEnabled(False)
        set_tone(self.message, "busy", text)

    def _idle_again(self) -> None:
        self.checking = False
        self.pad.setEnabled(True)

    def _reset_hint(self) -> None:
        if self.mode == self.VERIFY:
            self.hint.setText(self.tr("Chỉ dành cho kỹ thuật viên và cán bộ quản lý."))
        elif self._first is None:
            self.hint.setText(self.tr("Từ 6 đến 12 chữ số, không dùng dãy dễ đoán như 123456. "
                                      "Ghi nhớ mã này: không ai xem lại được mã đã đặt."))
        else:
            self.hint.setText(self.tr("Nhập lại mã PIN vừa đặt để xác nhận."))

    def _refresh_lock(self) -> None:
        if self.mode != self.VERIFY or self.gate is None:
            return
        locked = self.gate.locked_for()
        if locked > 0:
            minutes, seconds = divmod(int(locked + 0.999), 60)
            set_tone(self.message, "error", self.tr("Nhập sai quá nhiều lần. Thử lại sau "
                                                    "{minutes} phút {seconds:02d} giây.").format(
                    minutes=minutes,
                    seconds=seconds))
            self.pad.setEnabled(False)
            if not self.lock_timer.isActive():
                self.lock_timer.start()
        elif self.lock_timer.isActive() or not self.pad.isEnabled():
            self.lock_timer.stop()
            self.pad.setEnabled(True)
            set_tone(self.message, None, "")

    def _idle(self) -> None:
        log.info("PIN pad closed after a minute without input")
        self.reject()

    # -- input -----------------------------------------------------------------------------

    def _submitted(self, pin: str) -> None:
        if not pin:
            return
        if self.mode == self.VERIFY:
            self._verify(pin)
        else:
            self._choose(pin)

    def _verify(self, pin: str) -> None:
        assert self.gate is not None
        if self.checking:
            return
        gate, stored = self.gate, self.stored_hash
        self.pad.display.clear()
        self._busy(self.tr("Đang kiểm tra mã PIN…"))
        run_task(self, lambda: gate.attempt(pin, stored), self._verified, self._check_failed,
                 name="admin-pin")

    def _check_failed(self, exc: BaseException) -> None:
        self._idle_again()
        set_tone(self.message, "error", wording(exc, self.tr("kiểm tra được mã PIN"),
                                                "check the PIN")[0])
        log.error("admin PIN check failed: %s", type(exc).__name__)

    def _verified(self, attempt: PinAttempt) -> None:
        self._idle_again()
        self.pad.clear()
        if attempt.ok:
            self.accept()
            return
        if attempt.not_recorded:
            set_tone(self.message, "error", VI_NOT_RECORDED)
            return
        if attempt.locked_for_s > 0:
            self._refresh_lock()
            return
        set_tone(self.message, "error", self.tr("Sai mã PIN. Còn {tries_left} lần thử trước "
                                                "khi bị khóa.").format(
                tries_left=attempt.tries_left))

    def _choose(self, pin: str) -> None:
        self.pad.clear()
        if self._first is None:
            problem = pin_problem(pin)
            if problem:
                set_tone(self.message, "error", problem)
                return
            self._first = pin
            set_tone(self.message, None, "")
            self._reset_hint()
            return
        if pin != self._first:
            self._first = None
            set_tone(self.message, "error", self.tr("Hai lần nhập không khớp. Nhập lại từ đầu."))
            self._reset_hint()
            return
        if self.checking:
            return
        self._busy(self.tr("Đang lưu mã PIN…"))
        run_task(self, lambda: hash_pin(pin), self._hashed, self._check_failed,
                 name="admin-pin")

    def _hashed(self, new_hash: str) -> None:
        self._idle_again()
        set_tone(self.message, None, "")
        self.new_hash = new_hash
        self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        # Enter was the PIN field's (returnPressed submits): no default button may take it.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return
        super().keyPressEvent(event)
