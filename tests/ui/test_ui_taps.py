"""The citizen's taps on the real touch screens: a double tap never fires what the citizen did
not mean (kiosk/ui/tapguard.py), and how many taps a ticket takes, counted on the real ticket
window (Keystroke-Level Model: an elderly citizen's tap 0.5 s, pointing 1.1 s)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QEvent, QObject, QPoint, QRect  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.feedback.ratings import RatingLevel  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.queue.priority import PriorityCategory  # noqa: E402
from kiosk.store import connect  # noqa: E402
from kiosk.ticketing import TicketDesk  # noqa: E402
from kiosk.ui.app import build_window  # noqa: E402
from kiosk.ui.rating_view import RatingView  # noqa: E402
from kiosk.ui.tapguard import GUARD_MS  # noqa: E402
from tests.util import double_tap, tap  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ELDERLY_TAP_S = 0.5
POINTING_S = 1.1

_windows: list = []


@pytest.fixture(autouse=True)
def _close():
    yield
    while _windows:
        _windows.pop().close()


def config_for(tmp_path, **kiosk) -> Config:
    return Config().with_values(
        printer={"uri": f"preview://{tmp_path / 'previews'}", "timeout_s": 5},
        kiosk={"fullscreen": False, "enforce_opening_hours": False, "confirm_timeout_s": 30,
               **kiosk})


def open_screen(qtbot, tmp_path, config=None, size=(1366, 768)):
    window = build_window(config or config_for(tmp_path), Paths(tmp_path, tmp_path / "k.toml"))
    _windows.append(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def tickets(tmp_path) -> list[dict]:
    db = connect(tmp_path / "kiosk.db")
    try:
        return list(db.query("SELECT number, priority FROM tickets ORDER BY id"))
    finally:
        db.conn.close()


class TapCounter(QObject):
    """Counts the presses that reach the window: each is one tap of the citizen."""

    def __init__(self, window) -> None:
        super().__init__()
        self.window = window
        self.taps = 0
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.MouseButtonPress and hasattr(watched, "window") \
                and watched is not self.window.windowHandle() \
                and getattr(watched, "window", lambda: None)() is self.window:
            self.taps += 1
        return False

    def stop(self) -> None:
        QApplication.instance().removeEventFilter(self)


# -- a double tap fires nothing more than the first tap ------------------------------------

def test_double_tap_on_a_priority_category_takes_no_ticket(qtbot, tmp_path):
    window = open_screen(qtbot, tmp_path)
    start = window.start_page
    double_tap(qtbot, start.category_buttons[PriorityCategory.ELDERLY])
    qtbot.wait(300)
    # The second tap hit the banner that replaced the tiles ("Bỏ ưu tiên" sits where the last
    # tile was): ignored, the choice stands and nothing was issued.
    assert window.priority is PriorityCategory.ELDERLY and start.priority_shown
    assert window.stack.currentWidget() is start
    assert tickets(tmp_path) == []
    assert window.tap_guard.swallowed >= 1


def test_double_tap_on_the_last_category_does_not_cancel_it(qtbot, tmp_path):
    window = open_screen(qtbot, tmp_path)
    start = window.start_page
    last = start.category_buttons[PriorityCategory.SMALL_CHILD]
    # The cancel button of the banner lies under the last tile.
    centre = last.mapTo(window, last.rect().center())
    cancel = start.cancel_priority
    double_tap(qtbot, last)
    qtbot.wait(50)
    assert cancel.isVisible()
    assert QRect(cancel.mapTo(window, QPoint(0, 0)), cancel.size()).contains(centre)
    assert window.priority is PriorityCategory.SMALL_CHILD


def test_double_tap_on_a_service_issues_one_ticket(qtbot, tmp_path):
    window = open_screen(qtbot, tmp_path)
    double_tap(qtbot, window.start_page.service_buttons["CT"])
    qtbot.waitUntil(lambda: window.confirm_page.state == "printed", timeout=5000)
    qtbot.wait(200)
    assert tickets(tmp_path) == [{"number": "A001", "priority": None}]


def test_double_tap_on_done_does_not_open_feedback(qtbot, tmp_path):
    window = open_screen(qtbot, tmp_path)
    tap(qtbot, window.start_page.service_buttons["HT"])
    qtbot.waitUntil(lambda: window.confirm_page.state == "printed", timeout=5000)
    qtbot.wait(GUARD_MS + 50)  # the citizen reads the number first
    done = window.confirm_page.done_button
    before = window.tap_guard.swallowed
    tap_done = done.mapTo(window, done.rect().center())
    double_tap(qtbot, done)
    assert window.stack.currentWidget() is window.start_page
    # Whatever the start page shows where "Xong" was (on this layout: the feedback button's
    # row), the second tap reached nothing. (Looked at once the guard is over: during it the
    # page is transparent to taps, so that Qt hands them to the guard.)
    qtbot.waitUntil(lambda: not window.tap_guard.holding, timeout=2000)
    under = window.childAt(tap_done)
    assert under is not None
    assert window.tap_guard.swallowed == before + 1
    assert window.stack.currentWidget() is not window.selfservice.feedback_page
    assert len(tickets(tmp_path)) == 1


def test_double_tap_into_the_lookup_types_nothing(qtbot, tmp_path):
    window = open_screen(qtbot, tmp_path)
    double_tap(qtbot, window.start_page.lookup_button)
    lookup = window.selfservice.lookup_page
    assert window.stack.currentWidget() is lookup
    assert lookup.panel == "entry" and lookup.code_edit.text() == ""


_touchscreen = []


def touch_tap(widget_or_point, window) -> None:
    """A finger on a real touch screen: touch begin and end, through the window as the
    platform delivers them (no mouse: Qt makes the mouse events of an unhandled touch)."""
    from PySide6.QtTest import QTest

    if not _touchscreen:
        _touchscreen.append(QTest.createTouchDevice())
    handle = window.windowHandle()
    at = widget_or_point
    if not isinstance(at, QPoint):
        at = widget_or_point.mapTo(window, widget_or_point.rect().center())
    QTest.touchEvent(handle, _touchscreen[0], False).press(0, at, handle).commit()
    QTest.touchEvent(handle, _touchscreen[0], False).release(0, at, handle).commit()


def test_a_touch_double_tap_on_the_last_category_does_not_cancel_it(qtbot, tmp_path):
    window = open_screen(qtbot, tmp_path)
    start = window.start_page
    last = start.category_buttons[PriorityCategory.SMALL_CHILD]
    at = last.mapTo(window, last.rect().center())
    before = window.tap_guard.swallowed
    touch_tap(at, window)
    assert window.priority is PriorityCategory.SMALL_CHILD
    qtbot.wait(150)
    # The second touch lands on "Bỏ ưu tiên", which now lies under the finger: ignored.
    cancel = start.cancel_priority
    assert QRect(cancel.mapTo(window, QPoint(0, 0)), cancel.size()).contains(at)
    touch_tap(at, window)
    qtbot.wait(50)
    assert window.priority is PriorityCategory.SMALL_CHILD and start.priority_shown
    assert window.tap_guard.swallowed == before + 1
    # Once the guard time is over the same touch is the citizen's own: it cancels.
    qtbot.waitUntil(lambda: not window.tap_guard.holding, timeout=2000)
    touch_tap(at, window)
    assert window.priority is None


def test_a_press_ignored_in_the_guard_time_is_ignored_up_to_its_release(qtbot, tmp_path):
    """A finger that lands during the guard time and lifts after it clicks nothing."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window = open_screen(qtbot, tmp_path)
    start = window.start_page
    handle = window.windowHandle()
    feedback = start.feedback_button
    at = feedback.mapTo(window, feedback.rect().center())
    tap(qtbot, start.category_buttons[PriorityCategory.PREGNANT])  # a page change: a hold
    assert window.tap_guard.holding
    QTest.mousePress(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    qtbot.waitUntil(lambda: not window.tap_guard.holding, timeout=2000)
    QTest.mouseRelease(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    qtbot.wait(50)
    assert window.stack.currentWidget() is start
    # The next tap is the citizen's own, and goes through.
    touch_tap(feedback, window)
    assert window.stack.currentWidget() is window.selfservice.feedback_page


def test_a_finger_down_while_the_page_changes_clicks_nothing_when_lifted(qtbot, tmp_path):
    """The page changes under a finger already down (the confirmation's countdown ends): Qt
    sends its release to the button it pressed, now on a hidden page; within the guard time
    that release is ignored."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window = open_screen(qtbot, tmp_path)
    tap(qtbot, window.start_page.service_buttons["CT"])
    qtbot.waitUntil(lambda: window.confirm_page.state == "printed", timeout=5000)
    qtbot.waitUntil(lambda: not window.tap_guard.holding, timeout=2000)
    done = window.confirm_page.done_button
    at = done.mapTo(window, done.rect().center())
    handle = window.windowHandle()
    left, plain = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(handle, left, plain, at)
    window.back_to_start()  # what the countdown does when it runs out
    assert window.tap_guard.holding
    with qtbot.assertNotEmitted(done.clicked, wait=50):
        QTest.mouseRelease(handle, left, plain, at)
    assert window.stack.currentWidget() is window.start_page


def test_the_guard_changes_nothing_on_screen(qtbot, tmp_path):
    """While the guard holds the page looks exactly as after it: no greyed buttons flash."""
    window = open_screen(qtbot, tmp_path)
    tap(qtbot, window.start_page.category_buttons[PriorityCategory.ELDERLY])
    assert window.tap_guard.holding
    held = window.stack.grab().toImage()
    qtbot.waitUntil(lambda: not window.tap_guard.holding, timeout=2000)
    assert window.stack.grab().toImage() == held


def test_double_tap_on_unsatisfied_ticks_no_reason(qtbot, tmp_path):
    paths = Paths(tmp_path, tmp_path / "k.toml")
    db = connect(paths.database)
    ticket = TicketDesk(db, Config()).issue("CT")
    db.conn.close()
    view = RatingView(Config(), paths, clock=lambda: datetime(2026, 3, 2, 10, 0, tzinfo=TZ))
    qtbot.addWidget(view)
    view.resize(1024, 640)
    try:
        view.ask(ticket, None, 2, "cb")
        qtbot.waitExposed(view)
        qtbot.wait(GUARD_MS + 50)  # the question has been on screen for a moment
        double_tap(qtbot, view.level_buttons[RatingLevel.UNSATISFIED])
        assert view.state == view.REASONS
        assert view.selected_reasons() == []
        assert view.tap_guard.swallowed >= 1
    finally:
        view.shutdown()


def test_taps_after_the_guard_time_go_through(qtbot, tmp_path):
    """The guard is short: a deliberate tap after it (a citizen's next tap comes at least
    0.5 s later) works."""
    assert GUARD_MS < ELDERLY_TAP_S * 1000
    window = open_screen(qtbot, tmp_path)
    qtbot.mouseClick(window.start_page.category_buttons[PriorityCategory.PREGNANT],
                     qtbot_button())
    qtbot.wait(int(ELDERLY_TAP_S * 1000))
    qtbot.mouseClick(window.start_page.service_buttons["KD"], qtbot_button())
    qtbot.waitUntil(lambda: window.confirm_page.state == "printed", timeout=5000)
    assert tickets(tmp_path) == [{"number": "D001", "priority": "pregnant"}]


def qtbot_button():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


# -- taps counted on the real window -------------------------------------------------------

@pytest.mark.parametrize("size", [(1366, 768), (1080, 1920)])
def test_a_ticket_is_one_tap_and_a_priority_ticket_two(qtbot, tmp_path, size):
    window = open_screen(qtbot, tmp_path, size=size)
    counter = TapCounter(window)
    try:
        tap(qtbot, window.start_page.service_buttons["CT"])
        qtbot.waitUntil(lambda: window.confirm_page.state == "printed", timeout=5000)
        assert counter.taps == 1
        assert tickets(tmp_path) == [{"number": "A001", "priority": None}]
        window.back_to_start()  # the next citizen (the countdown would do it)

        counter.taps = 0
        tap(qtbot, window.start_page.category_buttons[PriorityCategory.ELDERLY])
        tap(qtbot, window.start_page.service_buttons["HT"])
        confirm = window.confirm_page
        qtbot.waitUntil(lambda: confirm.ticket.number == "B001" and confirm.state == "printed",
                        timeout=5000)
        assert counter.taps == 2
        assert tickets(tmp_path)[-1] == {"number": "B001", "priority": "elderly"}
    finally:
        counter.stop()
    # Keystroke-Level Model for an elderly citizen: pointing + tap per tap.
    seconds = {"ticket": 1 * (POINTING_S + ELDERLY_TAP_S),
               "priority": 2 * (POINTING_S + ELDERLY_TAP_S)}
    assert seconds == pytest.approx({"ticket": 1.6, "priority": 3.2})


def test_out_of_service_keeps_lookup_and_feedback(qtbot, tmp_path):
    config = config_for(tmp_path, out_of_service_after=1)
    db = connect(tmp_path / "kiosk.db")
    desk = TicketDesk(db, config)
    desk.record_print(desk.issue("CT"), False, "test")
    db.conn.close()
    window = open_screen(qtbot, tmp_path, config)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.out_of_service_page,
                    timeout=3000)
    page = window.out_of_service_page
    assert page.lookup_button.isVisible() and page.feedback_button.isVisible()
    tap(qtbot, page.lookup_button)
    assert window.stack.currentWidget() is window.selfservice.lookup_page
    window.back_to_start()
    assert window.stack.currentWidget() is page
    tap(qtbot, page.feedback_button)
    assert window.stack.currentWidget() is window.selfservice.feedback_page
