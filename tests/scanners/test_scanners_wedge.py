"""Keyboard-wedge scanners: bursts become scans, typing reaches the widget untouched."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QEvent, Qt  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget  # noqa: E402

from drivers.scanners.wedge import WedgeScanner  # noqa: E402

DOSSIER = "000.00.01.H26-260115-0007"
CCCD = "089202017098|352576714|Le Van Luong|23052002|Nam|To 10 Ap An Thai, Hoa Binh|31122021"


def _key_for(ch: str) -> int:
    if ch.isascii() and ch.isalnum():
        return Qt.Key(ord(ch.upper()))
    if ord(ch) < 0x7F:
        return Qt.Key(ord(ch))
    return Qt.Key.Key_unknown


class Keyboard:
    """Sends key events as the window system would, with timestamps we choose (ms)."""

    def __init__(self):
        self.t = 10_000

    def key(self, key, text="", *, gap=5, mods=Qt.KeyboardModifier.NoModifier, autorep=False,
            to=None):
        self.t += gap
        target = to or QApplication.focusWidget()
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, mods, text, autorep)
            event.setTimestamp(self.t)
            QApplication.sendEvent(target, event)

    def type(self, text, gap, terminator=None):
        for ch in text:
            shifted = ch.isupper()
            if shifted:  # what a scanner sends for capitals: Shift around the key
                self._modifier(Qt.Key.Key_Shift, QEvent.Type.KeyPress)
            self.key(_key_for(ch), ch, gap=gap,
                     mods=Qt.KeyboardModifier.ShiftModifier if shifted else
                     Qt.KeyboardModifier.NoModifier)
            if shifted:
                self._modifier(Qt.Key.Key_Shift, QEvent.Type.KeyRelease)
        if terminator == "enter":
            self.key(Qt.Key.Key_Return, "\r", gap=gap)
        elif terminator == "tab":
            self.key(Qt.Key.Key_Tab, "\t", gap=gap)

    def _modifier(self, key, kind):
        event = QKeyEvent(kind, key, Qt.KeyboardModifier.ShiftModifier)
        event.setTimestamp(self.t)
        QApplication.sendEvent(QApplication.focusWidget(), event)


@pytest.fixture
def form(qtbot):
    w = QWidget()
    layout = QVBoxLayout(w)
    w.first, w.second = QLineEdit(), QLineEdit()
    layout.addWidget(w.first)
    layout.addWidget(w.second)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.first.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.first)
    return w


@pytest.fixture
def wedge(qapp):
    scanner = WedgeScanner(max_interkey_ms=35, min_length=6)
    scanner.install(qapp)
    scanner.scans = []
    scanner.scanned.connect(scanner.scans.append)
    yield scanner
    scanner.uninstall()


def test_fast_burst_with_enter_is_a_scan_and_types_nothing(form, wedge, qtbot):
    entered = []
    form.first.returnPressed.connect(lambda: entered.append(True))
    Keyboard().type(DOSSIER, gap=4, terminator="enter")
    assert [e.text for e in wedge.scans] == [DOSSIER]
    assert wedge.scans[0].source == "wedge" and wedge.scans[0].data == DOSSIER.encode()
    qtbot.wait(80)
    assert form.first.text() == "" and not entered and wedge.pending == 0


def test_scan_is_caught_whichever_widget_has_focus(form, wedge, qtbot):
    form.first.setText("đã nhập")
    form.second.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.second)
    Keyboard().type(CCCD, gap=2, terminator="enter")
    assert [e.text for e in wedge.scans] == [CCCD]
    qtbot.wait(80)
    assert form.first.text() == "đã nhập" and form.second.text() == ""


def test_slow_typing_reaches_the_line_edit_untouched(form, wedge, qtbot):
    entered = []
    form.first.returnPressed.connect(lambda: entered.append(form.first.text()))
    Keyboard().type("Nguyen Van A", gap=120, terminator="enter")
    qtbot.waitUntil(lambda: entered == ["Nguyen Van A"], timeout=2000)
    assert wedge.scans == []


def test_short_fast_burst_is_typing(form, wedge, qtbot):
    # A quick "ok" + Enter is well under the minimum length of a code.
    entered = []
    form.first.returnPressed.connect(lambda: entered.append(form.first.text()))
    Keyboard().type("ok", gap=10, terminator="enter")
    qtbot.waitUntil(lambda: entered == ["ok"], timeout=2000)
    assert wedge.scans == []


def test_fast_burst_without_terminator_is_replayed_as_typing(form, wedge, qtbot):
    Keyboard().type("0123456789", gap=3)
    qtbot.waitUntil(lambda: form.first.text() == "0123456789", timeout=2000)
    assert wedge.scans == []


def test_editing_keys_keep_their_place_among_typed_keys(form, wedge, qtbot):
    kb = Keyboard()
    kb.type("abc", gap=10)  # fast enough to be held back
    kb.key(Qt.Key.Key_Left, "", gap=10)
    kb.type("d", gap=10)
    qtbot.waitUntil(lambda: form.first.text() == "abdc", timeout=2000)


def test_backspace_inside_a_burst_edits_the_burst(form, wedge, qtbot):
    # An input method (Unikey/Telex) rewriting the scanner's keys sends Backspace, then the
    # replacement character, at the scanner's pace.
    kb = Keyboard()
    kb.type("Le Vaa", gap=3)
    kb.key(Qt.Key.Key_Backspace, "\b", gap=3)
    kb.key(Qt.Key.Key_Backspace, "\b", gap=3)
    kb.type("ân A", gap=3, terminator="enter")
    assert [e.text for e in wedge.scans] == ["Le Vân A"]
    qtbot.wait(80)
    assert form.first.text() == ""


def test_slow_backspace_edits_the_field(form, wedge, qtbot):
    kb = Keyboard()
    kb.type("abc", gap=120)
    kb.key(Qt.Key.Key_Backspace, "\b", gap=120)
    qtbot.waitUntil(lambda: form.first.text() == "ab", timeout=2000)


def test_a_pause_inside_a_burst_splits_it(form, wedge, qtbot):
    kb = Keyboard()
    kb.type("typed", gap=150)
    kb.t += 200
    kb.type(DOSSIER, gap=3, terminator="enter")
    assert [e.text for e in wedge.scans] == [DOSSIER]
    qtbot.waitUntil(lambda: form.first.text() == "typed", timeout=2000)


def test_tab_terminator(qapp, form, qtbot):
    scanner = WedgeScanner(terminator="tab")
    scanner.install(qapp)
    scans = []
    scanner.scanned.connect(scans.append)
    try:
        Keyboard().type(DOSSIER, gap=3, terminator="tab")
    finally:
        scanner.uninstall()
    assert [e.text for e in scans] == [DOSSIER]
    assert QApplication.focusWidget() is form.first  # the Tab did not move the focus


def test_events_without_timestamps_are_timed_by_the_clock(qapp, form, qtbot):
    now = [0.0]
    scanner = WedgeScanner(clock=lambda: now[0])
    scanner.install(qapp)
    scans = []
    scanner.scanned.connect(scans.append)
    try:
        for ch in DOSSIER:
            now[0] += 3
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                event = QKeyEvent(kind, _key_for(ch), Qt.KeyboardModifier.NoModifier, ch)
                assert event.timestamp() == 0
                QApplication.sendEvent(form.first, event)
        now[0] += 3
        QTest.keyClick(form.first, Qt.Key.Key_Return)
    finally:
        scanner.uninstall()
    assert [e.text for e in scans] == [DOSSIER]
    assert form.first.text() == ""


def test_real_qtest_typing_is_not_disturbed(form, wedge, qtbot):
    # QTest sends its keys within microseconds, but only 3 and with no terminator: typing.
    QTest.keyClicks(form.first, "abc")
    qtbot.waitUntil(lambda: form.first.text() == "abc", timeout=2000)
    assert wedge.scans == []


def test_disabled_filter_lets_everything_through(form, wedge, qtbot):
    wedge.enabled = False
    Keyboard().type("0123456789", gap=2, terminator="enter")
    assert form.first.text() == "0123456789" and wedge.scans == []


def test_unknown_terminator_is_refused():
    with pytest.raises(ValueError):
        WedgeScanner(terminator="space")


# --- a scanner that pauses mid-burst: held by the code's shape ------------------------------

def _digits_then_bar(text):
    """A stand-in for kiosk.scanning.starts_like_code: 4+ digits, or digits then "|"."""
    head, sep, _ = text.partition("|")
    return len(text) >= 4 and head.isdigit() and (sep or len(head) <= 13)


@pytest.fixture
def shaped(qapp):
    scanner = WedgeScanner(max_interkey_ms=35, min_length=6, shape=_digits_then_bar,
                           hold_ms=300)
    scanner.install(qapp)
    scanner.scans, scanner.dropped = [], []
    scanner.scanned.connect(scanner.scans.append)
    scanner.incomplete.connect(scanner.dropped.append)
    yield scanner
    scanner.uninstall()


@pytest.mark.parametrize("pause", [40, 80, 120])
def test_a_pause_inside_a_shaped_burst_is_held_whole(form, shaped, qtbot, pause):
    kb = Keyboard()
    kb.type(CCCD[:30], gap=3)
    qtbot.wait(pause + 20)  # longer than the interval: the timer has judged the held keys
    kb.t += pause
    assert form.first.text() == "" and shaped.pending == 30
    kb.type(CCCD[30:], gap=3, terminator="enter")
    assert [e.text for e in shaped.scans] == [CCCD] and shaped.dropped == []
    qtbot.wait(80)
    assert form.first.text() == ""


def test_a_shaped_burst_that_never_ends_is_dropped(form, shaped, qtbot):
    Keyboard().type(CCCD[:25], gap=3)
    qtbot.waitUntil(lambda: shaped.dropped == [25], timeout=2000)
    assert form.first.text() == "" and shaped.pending == 0 and shaped.scans == []


def test_an_editing_key_drops_half_a_scan(form, shaped, qtbot):
    kb = Keyboard()
    kb.type(CCCD[:25], gap=3)
    kb.key(Qt.Key.Key_Left, "", gap=3)
    assert shaped.dropped == [25] and form.first.text() == ""


def test_without_the_shape_bursts_are_still_typing(form, shaped, qtbot):
    kb = Keyboard()
    kb.type("Le Van", gap=3)  # fast but not a code's start: typed after the interval
    qtbot.waitUntil(lambda: form.first.text() == "Le Van", timeout=2000)
    assert shaped.dropped == [] and shaped.scans == []


@pytest.mark.parametrize("pause", [40, 80, 120, 190])
@pytest.mark.parametrize("first", [1, 2, 3])
def test_a_pause_within_the_first_characters_is_joined_again(form, shaped, qtbot, first,
                                                              pause):
    """The first characters were typed into the field (they had no code's shape yet); the
    burst that follows completes the start of a code: they are taken back out, the scan is
    whole."""
    form.first.setText("Lê ")
    form.first.setCursorPosition(3)
    kb = Keyboard()
    kb.type(CCCD[:first], gap=3)
    qtbot.wait(pause)  # the timer has judged the first keys: typed into the field
    kb.t += pause
    kb.type(CCCD[first:], gap=3, terminator="enter")
    assert [e.text for e in shaped.scans] == [CCCD] and shaped.dropped == []
    qtbot.wait(80)
    assert form.first.text() == "Lê "


def test_typing_then_a_scan_later_stays_apart(form, shaped, qtbot):
    """A phone number typed by hand and a card scanned a moment later: nothing is joined."""
    kb = Keyboard()
    for ch in "0912":
        kb.type(ch, gap=150)
        qtbot.wait(60)
    qtbot.waitUntil(lambda: form.first.text() == "0912", timeout=2000)
    kb.t += 300
    qtbot.wait(50)
    kb.type(CCCD, gap=3, terminator="enter")
    assert [e.text for e in shaped.scans] == [CCCD]
    qtbot.wait(80)
    assert form.first.text() == "0912"


def test_a_split_start_in_a_text_box_is_left_where_it_is(qtbot, shaped):
    """In a multi-line box the typed characters cannot be found for sure: they stay, and the
    rest of the burst is still one scan (which the window's check then refuses)."""
    from PySide6.QtWidgets import QPlainTextEdit

    box = QPlainTextEdit()
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    box.activateWindow()
    box.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is box)
    kb = Keyboard()
    kb.type(CCCD[:2], gap=3)
    qtbot.wait(80)
    kb.t += 80
    kb.type(CCCD[2:], gap=3, terminator="enter")
    assert [e.text for e in shaped.scans] == [CCCD[2:]]
    assert box.toPlainText() == CCCD[:2]
