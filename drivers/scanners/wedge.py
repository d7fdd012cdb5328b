"""Keyboard-wedge (USB HID) scanners: tell a scanner's burst of keys from a person typing.

A wedge scanner types its code as key presses, followed by Enter (or Tab), a few milliseconds
apart; people type tens to hundreds of milliseconds apart. An event filter on the QApplication
sees every key before any widget does, so a scan is caught whichever widget has focus and
never typed into it:

- a printable key is held back (buffered) instead of delivered;
- keys that follow within `max_interkey_ms` of the previous one join the burst;
- a burst of at least `min_length` characters ended by the terminator is swallowed and
  emitted as one `scanned(ScanEvent)`;
- anything else (a slow key, a pause, a short burst, an editing key) shows the buffer was
  typing, and the held-back keys are replayed, in order, to the widget they were meant for;
- a Backspace inside a burst edits the burst (an input method such as Unikey rewriting the
  scanner's keys sends Backspace and a replacement at the scanner's pace);
- with a `shape` (what the start of a code looks like, e.g. kiosk.scanning.starts_like_code),
  a burst whose text starts like a code is a scan even when the scanner pauses in the middle
  (some wedge scanners stop for 35-120 ms between USB reports): it is held, pauses and all,
  until its terminator completes it, or discarded after `hold_ms` without a key, with an
  `incomplete(length)` signal so the window can ask for a rescan. Half a scan never reaches
  a field;
- with a `shape`, a scanner that pauses within its first few characters (before they have a
  code's shape) has them typed as usual; when a fast burst follows within `REJOIN_MS` and the
  two together start like a code, the first characters are taken back out of the line edit
  they were typed into (only if they are still right before its cursor) and the scan goes on
  whole.

Typed keys thus reach their widget after at most one interval plus a little slack (about 50 ms).

Known limits: a key typed within `max_interkey_ms` before a scan starts becomes part of the
scan, and so may a key typed within `REJOIN_MS` before a scan whose start it completes; a scan
split within its first characters is joined again only in a line edit (or a widget that takes
no text); without a `shape`, a UI thread that stalls longer
than the interval in the middle of a burst may have the timer judge the first part as typing
before the rest is handled (the remainder then fails validation rather than filling a form).

Timing comes from the key events' own timestamps (set by the window system when the key was
pressed), so a busy UI thread that handles a burst late still sees it as fast. Events that
carry no timestamp (0, e.g. synthesised ones) are timed with `clock`.

Vietnamese through a wedge scanner depends on the PC's keyboard layout and input method
(Unikey/Telex rewrite keys): use the scanner's USB-CDC mode for ID cards (serial_scanner.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from drivers.scanners.events import ScanEvent

TERMINATORS = {
    "enter": frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter}),
    "tab": frozenset({Qt.Key.Key_Tab}),
}

_MODIFIER_KEYS = frozenset({
    Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_AltGr, Qt.Key.Key_Meta,
    Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock,
})

#: The longest pause of a scanner within its first characters that still joins them to the
#: rest (scanners pause 35-120 ms between USB reports; a person cannot type and then present a
#: card to the scanner this fast).
REJOIN_MS = 200

#: How long after the last held-back key the timer waits, beyond the interval itself, before
#: deciding it was typing. The slack covers timer jitter without delaying typed keys visibly.
_TIMER_SLACK_MS = 15


def _monotonic_ms() -> float:
    return time.monotonic() * 1000.0


@dataclass
class _HeldKey:
    key: int
    modifiers: Qt.KeyboardModifier
    text: str
    receiver: QWidget


class WedgeScanner(QObject):
    """Application-wide event filter that turns keyboard-wedge bursts into ScanEvents.

    Call install() once the QApplication exists. `scanned` is emitted on the UI thread.
    """

    scanned = Signal(object)
    #: A burst that started like a code never completed (no terminator within `hold_ms`): its
    #: keys were thrown away. Carries the number of characters only (the text is personal data).
    incomplete = Signal(int)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_interkey_ms: float = 35,
        min_length: int = 6,
        terminator: str = "enter",
        clock: Callable[[], float] = _monotonic_ms,
        shape: Callable[[str], bool] | None = None,
        hold_ms: float = 1000,
    ) -> None:
        super().__init__(parent)
        if terminator not in TERMINATORS:
            raise ValueError(f"terminator must be one of {', '.join(TERMINATORS)}")
        self.max_interkey_ms = max_interkey_ms
        self.min_length = min_length
        self.terminator = terminator
        self.enabled = True
        self.shape = shape
        self.hold_ms = hold_ms
        self._clock = clock
        self._held: list[_HeldKey] = []
        self._last_key_ts = 0.0
        self._last_key_clock = 0.0
        # Key releases still owed to the filter: a press that was swallowed or held back must
        # not have its release reach the widget on its own.
        self._releases_to_swallow: dict[int, int] = {}
        self._replaying = False
        # The keys last replayed as typing, and when the last of them was pressed: the start of
        # a scan whose scanner paused before its keys had a code's shape.
        self._recent: list[_HeldKey] = []
        self._recent_ts = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_quiet)
        self._installed_on: QApplication | None = None

    def install(self, app: QApplication | None = None) -> None:
        app = app or QApplication.instance()
        if app is None:
            raise RuntimeError("create the QApplication before installing the wedge filter")
        app.installEventFilter(self)
        self._installed_on = app

    def uninstall(self) -> None:
        self.flush()
        if self._installed_on is not None:
            self._installed_on.removeEventFilter(self)
            self._installed_on = None

    @property
    def pending(self) -> int:
        """Keys held back, waiting to be judged."""
        return len(self._held)

    def flush(self) -> None:
        """Deliver any held-back keys now, as typing (a burst shaped like a code is dropped)."""
        self._timer.stop()
        if self._held_scan():
            self._discard()
        self._replay()

    def _held_text(self) -> str:
        return "".join(k.text for k in self._held)

    def _held_scan(self) -> bool:
        """The held keys start like a code: a scan in progress, not typing."""
        return bool(self._held) and self.shape is not None and self.shape(self._held_text())

    # -- the filter -------------------------------------------------------------------------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if self._replaying or not self.enabled or not isinstance(obj, QWidget):
            # Key events reach the QWindow first and then the focus widget; acting on widgets
            # only handles each key once.
            return False
        focus = QApplication.focusWidget()
        if focus is not None and obj is not focus:
            # The same event propagating to a parent after the focus widget ignored it.
            return False
        assert isinstance(event, QKeyEvent)
        if kind == QEvent.Type.KeyRelease:
            return self._on_release(event)
        return self._on_press(obj, event)

    def _on_release(self, event: QKeyEvent) -> bool:
        owed = self._releases_to_swallow.get(event.key(), 0)
        if owed and not event.isAutoRepeat():
            if owed == 1:
                del self._releases_to_swallow[event.key()]
            else:
                self._releases_to_swallow[event.key()] = owed - 1
            return True
        return False

    def _on_press(self, receiver: QWidget, event: QKeyEvent) -> bool:
        key = event.key()
        text = event.text()
        if key in _MODIFIER_KEYS or (not text and self._is_alt_numpad(event)):
            # Shift for capitals, and Alt+numpad codes that some scanners use for non-ASCII
            # characters, come between a burst's keys; they neither break nor join it.
            return False
        now = self._clock()
        ts = float(event.timestamp()) or now
        if (self._held and (ts - self._last_key_ts > self.max_interkey_ms or event.isAutoRepeat())
                and not self._held_scan()):
            self._replay()
        if key == Qt.Key.Key_Backspace and self._held:
            # Inside a burst, a Backspace is an input method (Unikey/Telex) rewriting what the
            # scanner typed ("aa" -> "â"): apply it to the burst instead of ending it.
            self._held.pop()
            self._note_key(ts, now)
            self._owe_release(key)
            return True
        if key in TERMINATORS[self.terminator]:
            if len(self._held) >= self.min_length or self._held_scan():
                self._emit_scan()
                self._owe_release(key)
                return True
            self._replay()
            return False
        if text and text.isprintable() and not event.isAutoRepeat():
            if not self._held and self._recent and ts - self._recent_ts > REJOIN_MS:
                self._recent = []
            self._held.append(_HeldKey(key, event.modifiers(), text, receiver))
            if self._recent:
                self._rejoin()
            self._note_key(ts, now)
            self._owe_release(key)
            return True
        # Editing and navigation keys are typing; held keys go first to keep the order (unless
        # they are half a scan: those are dropped, never typed).
        self._recent = []
        if self._held_scan():
            self._discard()
        self._replay()
        return False

    def _note_key(self, ts: float, now: float) -> None:
        self._last_key_ts = ts
        self._last_key_clock = now
        self._timer.start(int(self._wait_ms() + _TIMER_SLACK_MS))

    def _wait_ms(self) -> float:
        """How long after the last key the held keys are judged."""
        return self.hold_ms if self._held_scan() else self.max_interkey_ms

    @staticmethod
    def _is_alt_numpad(event: QKeyEvent) -> bool:
        mods = event.modifiers()
        return bool(mods & Qt.KeyboardModifier.AltModifier) and bool(
            mods & Qt.KeyboardModifier.KeypadModifier)

    def _owe_release(self, key: int) -> None:
        self._releases_to_swallow[key] = self._releases_to_swallow.get(key, 0) + 1

    def _on_quiet(self) -> None:
        # The timer may fire early relative to the clock (coarse timers); wait out the rest.
        remaining = self._last_key_clock + self._wait_ms() - self._clock()
        if remaining > 0 and self._held:
            self._timer.start(int(remaining) + 1)
            return
        if self._held_scan():
            self._discard()
            return
        self._replay()

    def _rejoin(self) -> None:
        """The keys just typed and the burst now held start a code together: a scanner paused
        within its first characters. Take those back out of their line edit and hold them with
        the rest. Anything else (they are no longer right before the cursor, a widget that
        holds other text) leaves them typed."""
        if self.shape is None:
            self._recent = []
            return
        recent = self._recent
        text = "".join(k.text for k in recent)
        if not self.shape(text + self._held_text()):
            if self._held_scan():
                self._recent = []  # the burst starts a code on its own
            return  # else the next key may still complete the start
        self._recent = []
        target = recent[-1].receiver
        if not all(k.receiver is target for k in recent) or not _alive(target):
            return
        if isinstance(target, QLineEdit):
            before = target.text()[:target.cursorPosition()]
            if target.hasSelectedText() or not before.endswith(text):
                return
            for _ in text:
                target.backspace()
        elif isinstance(target, (QTextEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox)):
            return  # the typed characters are in there somewhere: leave them
        self._held[:0] = recent

    def _discard(self) -> None:
        """Throw away a scan that never completed and say so."""
        self._timer.stop()
        length = len(self._held)
        self._held.clear()
        self._recent = []
        self.incomplete.emit(length)

    def _emit_scan(self) -> None:
        self._timer.stop()
        text = "".join(k.text for k in self._held)
        self._held.clear()
        self._recent = []
        self.scanned.emit(ScanEvent.now(text.encode("utf-8"), text, "wedge"))

    def _replay(self) -> None:
        if not self._held:
            return
        self._timer.stop()
        held, self._held = self._held, []
        self._recent, self._recent_ts = held, self._last_key_ts
        self._replaying = True
        try:
            for k in held:
                target = k.receiver if _alive(k.receiver) else QApplication.focusWidget()
                if target is None:
                    continue
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(target, QKeyEvent(kind, k.key, k.modifiers, k.text))
        finally:
            self._replaying = False


def _alive(widget: QWidget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)
