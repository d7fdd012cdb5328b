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
    """A finger on a touch screen: a left click in the middle of `widget`."""
    from PySide6.QtCore import Qt

    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
