"""One guard against taps the citizen did not mean, for every touch screen.

A finger that taps twice, or taps while the screen changes under it, lands its second tap on
whatever the new page shows in that place: a priority category tapped twice took a ticket
for the service under it, "Xong" tapped twice opened "Phản ánh". `TapGuard` ignores every
press, release and double click inside its widget for `GUARD_MS` after each page change
(elderly tap 0.5 s, a deliberate second tap comes later than that; a bounce or a double tap
comes within it). The ticket kiosk, its self-service pages, the rating screen and the set-up
wizard watch their stacked pages with one guard each (`watch()`); `hold()` starts the guard by
hand for a change that is not a page of a stack (the start page switching to its priority
mode).

How: for the hold, the widget's children are made transparent for mouse and touch input
(`Qt.WA_TransparentForMouseEvents`), so Qt itself hands a tap on any of them to the widget,
where a filter on that one widget ignores it (and counts it); the release of an ignored press
is ignored too, whenever it comes. A finger already down when the page changes has its
release sent by Qt to the widget it pressed: the window's QWindow is watched for that release
during the hold. Nothing changes on screen (no widget is disabled, so nothing greys) and no
Python runs for the other events of the application (the change to the confirmation page is
exactly when the printer lane draws and sends the ticket; docs/benchmarks.md has what an
application-wide filter there measured). Input arrives
the way a finger's does, through the window (Qt picks the widget under the finger with
`childAt`); an event sent straight to a child widget with `QApplication.sendEvent` is not a
tap and passes.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QWindow
from PySide6.QtWidgets import QStackedWidget, QWidget

#: How long taps are ignored after a page change, in milliseconds.
GUARD_MS = 380

_TRANSPARENT = Qt.WidgetAttribute.WA_TransparentForMouseEvents
# What starts a tap: a second tap at the same place within the double-click time reaches
# a widget as a double click alone, without a press.
_PRESSES = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
                      QEvent.Type.TouchBegin})
_RELEASES = frozenset({QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd,
                       QEvent.Type.TouchCancel})
_CHILDREN = frozenset({QEvent.Type.ChildAdded, QEvent.Type.ChildPolished})
TAP_EVENTS = frozenset({
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.TouchEnd,
    QEvent.Type.TouchCancel,
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
        # The children made transparent for this hold (not those transparent anyway).
        self._shielded: list[QWidget] = []
        self._holding = False
        self._filtering = False
        self._press_ignored = False  # its release is ignored too, whenever it comes
        # A finger already down when the hold starts: Qt sends its release to the widget it
        # pressed (now perhaps on a hidden page), so the window's own events are watched for
        # it until it comes.
        self._window: QWindow | None = None
        self._gone = False
        self._release = QTimer(self)
        self._release.setSingleShot(True)
        # Never early: a coarse timer may fire up to 5 % before its time.
        self._release.setTimerType(Qt.TimerType.PreciseTimer)
        self._release.timeout.connect(self._release_when_done)
        _GUARDS.append(self)
        scope.destroyed.connect(self._forget)

    def watch(self, *stacks: QStackedWidget) -> None:
        for stack in stacks:
            stack.currentChanged.connect(self.hold)

    def hold(self, *_args) -> None:
        """Ignore taps from now for the guard time."""
        if self._gone:
            return
        self._until = self.clock() + self.guard_ms / 1000
        if not self._holding:
            self._holding = True
            self._press_ignored = False  # a release lost with an earlier window's grab
            self._filter(True)
            for child in self.scope.children():
                self._shield(child)
            if QGuiApplication.mouseButtons() != Qt.MouseButton.NoButton:
                self._watch_window(True)
        self._release.start(self.guard_ms)

    @property
    def holding(self) -> bool:
        """Taps inside the scope are ignored just now."""
        return self._holding

    def _shield(self, child: QObject) -> None:
        if isinstance(child, QWidget) and not child.isWindow() \
                and not child.testAttribute(_TRANSPARENT):
            child.setAttribute(_TRANSPARENT, True)
            self._shielded.append(child)

    def _release_when_done(self) -> None:
        left = self._until - self.clock()
        if left > 0:  # held again meanwhile, or a clock that runs otherwise than the timer
            self._release.start(max(1, math.ceil(left * 1000)))
            return
        self._unshield()

    def _unshield(self) -> None:
        self._holding = False
        for child in self._shielded:
            with contextlib.suppress(RuntimeError):  # deleted meanwhile
                child.setAttribute(_TRANSPARENT, False)
        self._shielded.clear()
        if not self._press_ignored:
            self._filter(False)

    def _watch_window(self, on: bool) -> None:
        if on and self._window is None:
            self._window = self.scope.window().windowHandle()
            if self._window is not None:
                self._window.installEventFilter(self)
        elif not on and self._window is not None:
            self._window.removeEventFilter(self)
            self._window = None

    def _filter(self, on: bool) -> None:
        if on and not self._filtering:
            self.scope.installEventFilter(self)
        elif not on and self._filtering:
            self.scope.removeEventFilter(self)
        self._filtering = on

    def stop(self) -> None:
        """Stop guarding (the window closes)."""
        self._forget()

    def _forget(self, *_args) -> None:
        if self in _GUARDS:
            _GUARDS.remove(self)
        if self._gone:
            return
        self._gone = True
        self._release.stop()
        try:
            self._press_ignored = False
            self._unshield()
            self._watch_window(False)
        except RuntimeError:  # the scope is being destroyed
            pass

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        # Installed on the scope alone, and only for a hold (and the release of a press it
        # ignored): the scope's own events, a handful per hold.
        kind = event.type()
        if watched is self._window:  # a finger down since before the hold
            if kind == QEvent.Type.MouseButtonRelease:
                self._watch_window(False)
                return self._holding
            return False
        if kind in _CHILDREN:
            if self._holding:
                self._shield(event.child())  # a widget added to the scope during the hold
            return False
        if kind not in TAP_EVENTS:
            return False
        if kind in _RELEASES and self._press_ignored:
            self._press_ignored = False
            if not self._holding:
                self._filter(False)
            return True
        if not self._holding:
            return False
        if kind in _PRESSES and not self._press_ignored:  # one tap, counted once
            self.swallowed += 1
            self._press_ignored = True
        return True
