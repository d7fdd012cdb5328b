"""Small helpers shared by tests in every folder: waiting for a condition, a free TCP port, a
tap on a widget."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0,
               interval: float = 0.02, *, what: str = "a condition") -> None:
    """Poll `predicate` until it is true; AssertionError naming `what` after `timeout`
    seconds. The way to wait for something another thread or process does (never a bare
    time.sleep); in a Qt test, qtbot.waitUntil, which also runs the event loop."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    """A TCP port nothing listens on just now. Bound on every interface, so it is free for a
    server on 127.0.0.1 and for one on 0.0.0.0 (the office hub) alike."""
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        return s.getsockname()[1]


def tap(qtbot, widget) -> None:
    """A finger on a touch screen: a left click in the middle of `widget`, not sooner after
    a page change than a finger could (the screen's tap guard, kiosk/ui/tapguard.py, ignores
    taps within its guard time; `double_tap` is the finger that does not wait)."""
    from PySide6.QtCore import Qt

    from kiosk.ui.tapguard import guards_over

    for guard in guards_over(widget):
        qtbot.waitUntil(lambda g=guard: not g.holding, timeout=2000)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def double_tap(qtbot, widget, gap_ms: int = 150) -> None:
    """Two taps in quick succession at the same place, as an elderly finger bounces, with
    what Qt 6 delivers for them: press, release, then the second press, the double-click
    event and the release, `gap_ms` apart, all at the middle of `widget` as it was at the
    first tap (the second tap lands on whatever the screen shows there by then, picked as
    the window picks the widget under a finger: `childAt`, which passes over widgets made
    transparent to taps, as the tap guard does during its hold)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    left = Qt.MouseButton.LeftButton
    window = widget.window()
    at = widget.mapTo(window, widget.rect().center())
    qtbot.mouseClick(widget, left)
    qtbot.wait(gap_ms)
    target = window.childAt(at) or window
    point = target.mapFrom(window, at)
    qtbot.mousePress(target, left, pos=point)
    qtbot.mouseDClick(target, left, pos=point)
    qtbot.mouseRelease(target, left, pos=point)
    QApplication.processEvents()


def watch_event_loop():
    """A 50 ms timer on the UI thread; returns (timer, gaps between its ticks in seconds)."""
    gaps: list[float] = []
    last = [time.monotonic()]

    def tick() -> None:
        now = time.monotonic()
        gaps.append(now - last[0])
        last[0] = now

    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(tick)
    timer.start()
    return timer, gaps


def database_at(path, version: int):
    """A station database at schema `version` (the first `version` migrations, as a station
    of that release left it): an autocommit sqlite3 connection, for a migration's test."""
    import sqlite3

    from kiosk.store.db import _statements
    from kiosk.store.migrations import MIGRATIONS

    raw = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:version]:
        raw.execute("BEGIN")
        for statement in _statements(script):
            raw.execute(statement)
        raw.execute("COMMIT")
    raw.execute(f"PRAGMA user_version = {version}")
    return raw
