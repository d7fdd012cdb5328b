"""One guard against taps the citizen did not mean, for every touch screen.

A finger that taps twice, or taps while the screen changes under it, lands its second tap on
whatever the new page shows in that place: a priority category tapped twice took a ticket
for the service under it, "Xong" tapped twice opened "Phản ánh". `TapGuard` swallows every
press, release and double click inside its widget for `GUARD_MS` after each page change
(elderly tap 0.5 s, a deliberate second tap comes later than that; a bounce or a double tap
comes within it). The ticket kiosk, its self-service pages and the rating screen watch their
stacked pages with one guard each (`watch()`); `hold()` starts the guard by hand for a change
that is not a page of a stack (the start page switching to its priority mode).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QStackedWidget, QWidget

#: How long taps are ignored after a page change, in milliseconds.
GUARD_MS = 380

TAP_EVENTS = frozenset({
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.TouchEnd,
})


_GUARDS: list[TapGuard] = []


def guards_over(widget: QWidget) -> list[TapGuard]:
    """The guards whose scope holds `widget` (tests wait for them as a finger would)."""
    found = []
    for guard in list(_GUARDS):
        try:
            if guard.scope is widget or guard.scope.isAncestorOf(widget):
                found.append(guard)
        except RuntimeError:  # its window is gone
            _GUARDS.remove(guard)
    return found


class TapGuard(QObject):
    """Ignores taps inside `scope` (the widget and its children) for `guard_ms` after each
    `hold()`; the stacks given to `watch()` call it on every page change."""

    def __init__(self, scope: QWidget, *, guard_ms: int = GUARD_MS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(scope)
        self.scope = scope
        self.guard_ms = guard_ms
        self.clock = clock
        self.swallowed = 0  # taps ignored so far (tests, the log of a support bundle)
        self._until = 0.0
        self._app = QApplication.instance()
        # The application-wide filter is in place only while the guard holds: a Python call
        # for every event of the application would take the interpreter from the lanes (the
        # printer lane drawing the ticket) for nothing the rest of the time.
        self._filtering = False
        self._release = QTimer(self)
        self._release.setSingleShot(True)
        self._release.timeout.connect(self._release_when_done)
        _GUARDS.append(self)
        scope.destroyed.connect(self._forget)

    def watch(self, *stacks: QStackedWidget) -> None:
        for stack in stacks:
            stack.currentChanged.connect(self.hold)

    def hold(self, *_args) -> None:
        """Ignore taps from now for the guard time."""
        self._until = self.clock() + self.guard_ms / 1000
        if self._app is None:
            return
        if not self._filtering:
            self._app.installEventFilter(self)
            self._filtering = True
        self._release.start(self.guard_ms + 20)

    def _release_when_done(self) -> None:
        if self.holding:  # a clock that runs otherwise than the timer (tests): look again
            self._release.start(max(10, int((self._until - self.clock()) * 1000) + 10))
        elif self._filtering and self._app is not None:
            self._app.removeEventFilter(self)
            self._filtering = False

    @property
    def holding(self) -> bool:
        return self.clock() < self._until

    def stop(self) -> None:
        """Remove the application-wide filter (the window closes)."""
        self._forget()

    def _forget(self, *_args) -> None:
        if self in _GUARDS:
            _GUARDS.remove(self)
        if self._app is not None:
            if self._filtering:
                self._app.removeEventFilter(self)
                self._filtering = False
            self._app = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        if event.type() not in TAP_EVENTS or not isinstance(watched, QWidget):
            return False
        if not self.holding:
            return False
        scope = self.scope
        if watched is scope or scope.isAncestorOf(watched):
            if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
                self.swallowed += 1
            return True
        return False
