"""Lock-down of the citizen-facing windows: full screen, frameless, on top, no way out by touch
or keyboard except the admin gesture and the admin PIN.

An application-level event filter:
- swallows the closing shortcuts Qt sees (Alt+F4, Ctrl+W, Ctrl+Q, Ctrl+F4, Escape, function
  keys, Alt+Space, the Windows/Menu keys) on protected windows, and ignores their close events
  (the window manager's Alt+F4 or close button) unless the application itself is quitting
  (SIGTERM, the admin view's "exit to desktop");
- maps the technician shortcut Ctrl+Shift+Q to the PIN pad instead of quitting;
- puts a protected window back to full screen when something un-full-screens it, and brings
  it back to the front when another program took the focus;
- watches for the admin gesture: 5 taps within 3 s in the 80x80 px top-left corner.

What Qt cannot do: Alt+Tab, the Windows key, Win+D and Ctrl+Alt+Del are taken by the
operating system before any application sees them (Qt never receives them on Windows, and on
X11/Wayland only if the window manager lets them through). Lock those with the OS: Windows
"Assigned Access" / Shell Launcher (kiosk mode) or a group policy disabling the Windows key and
Task Manager; on Linux, a kiosk session without a desktop (cage, or an X session running only
this program). See docs/setup-and-diagnostics.md. What Qt can do is win the focus back when
the window loses it, which it does. On Windows activateWindow() alone only flashes the taskbar
button (Windows lets a program that is not in the foreground take it only in some cases), and
a wedge scanner's keys would go on into the popup that took the focus: bring_to_front() joins
the foreground window's input queue (AttachThreadInput) to call SetForegroundWindow, with the
Alt-key fallback when that is still refused.

Text typed by keyboard-wedge scanners (letters, digits, Enter, Tab) always passes.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import deque
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QWindow
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.config import Config
from kiosk.paths import Paths

log = logging.getLogger(__name__)

GESTURE_TAPS = 5
GESTURE_WINDOW_S = 3.0
GESTURE_CORNER_PX = 80
REFOCUS_DELAY_MS = 800

_K = Qt.Key
_M = Qt.KeyboardModifier
_SYSTEM_KEYS = {_K.Key_Meta, _K.Key_Super_L, _K.Key_Super_R, _K.Key_Menu, _K.Key_Escape,
                _K.Key_Close, _K.Key_Sleep, _K.Key_PowerOff, _K.Key_Suspend, _K.Key_Hibernate}
_FUNCTION_KEYS = {getattr(_K, f"Key_F{n}") for n in range(1, 25)}
_CTRL_KEYS = {_K.Key_W, _K.Key_Q, _K.Key_F4, _K.Key_N, _K.Key_P}
_ALT_KEYS = {_K.Key_F4, _K.Key_Tab, _K.Key_Backtab, _K.Key_Space, _K.Key_Escape}


_SW_RESTORE = 9
_VK_MENU = 0x12
_KEYEVENTF_EXTENDEDKEY = 0x0001
_KEYEVENTF_KEYUP = 0x0002


def force_foreground(hwnd: int, user32: Any, kernel32: Any) -> bool:
    """Windows: make `hwnd` the foreground window although another program has the focus.

    SetForegroundWindow is honoured for a thread attached to the foreground window's input
    queue, so attach for the call (not to a hung window: attaching to it would hang this
    thread too); if Windows still refuses, a synthetic Alt press counts as the user's last
    input (the usual way round the foreground lock) and the call is made once more.
    """
    foreground = user32.GetForegroundWindow()
    if foreground == hwnd:
        return True
    if user32.IsIconic(hwnd):
        user32.ShowWindow(hwnd, _SW_RESTORE)
    own = kernel32.GetCurrentThreadId()
    other = user32.GetWindowThreadProcessId(foreground, None) if foreground else 0
    attached = False
    if other and other != own and not user32.IsHungAppWindow(foreground):
        attached = bool(user32.AttachThreadInput(own, other, True))
    try:
        user32.BringWindowToTop(hwnd)
        done = bool(user32.SetForegroundWindow(hwnd))
    finally:
        if attached:
            user32.AttachThreadInput(own, other, False)
    if not done:
        user32.keybd_event(_VK_MENU, 0, _KEYEVENTF_EXTENDEDKEY, 0)
        user32.keybd_event(_VK_MENU, 0, _KEYEVENTF_EXTENDEDKEY | _KEYEVENTF_KEYUP, 0)
        done = bool(user32.SetForegroundWindow(hwnd))
    return done


def bring_to_front(window: QWidget) -> None:
    """Raise and activate `window`; on Windows also take the foreground back for real."""
    window.raise_()
    window.activateWindow()
    if sys.platform != "win32":
        return
    import ctypes

    try:
        windll = ctypes.windll  # type: ignore[attr-defined]
        if not force_foreground(int(window.winId()), windll.user32, windll.kernel32):
            log.info("lock-down: Windows refused to give the kiosk window the foreground")
    except (AttributeError, OSError):
        log.warning("lock-down: could not bring the kiosk window to the foreground",
                    exc_info=True)


def is_admin_shortcut(key: int, modifiers: Qt.KeyboardModifier) -> bool:
    return key == _K.Key_Q and modifiers & _M.ControlModifier and modifiers & _M.ShiftModifier


def is_blocked_key(key: int, modifiers: Qt.KeyboardModifier) -> bool:
    """Whether a key (with modifiers) could leave, close or hide a citizen window."""
    if key in _SYSTEM_KEYS or key in _FUNCTION_KEYS:
        return True
    if modifiers & _M.AltModifier and key in _ALT_KEYS:
        return True
    if modifiers & _M.ControlModifier and (key in _CTRL_KEYS or key == _K.Key_Escape):
        return True
    return bool(modifiers & _M.MetaModifier)


class Lockdown(QObject):
    """Guards the windows given to `protect()`. `admin_requested` fires on the gesture (and on
    Ctrl+Shift+Q when `strict`). `release()` lets the windows close (exit to desktop)."""

    admin_requested = Signal()

    def __init__(self, app: QApplication, *, strict: bool = True,
                 taps: int = GESTURE_TAPS, window_s: float = GESTURE_WINDOW_S,
                 corner_px: int = GESTURE_CORNER_PX, reclaim_focus: bool = True) -> None:
        super().__init__(app)
        self.app = app
        self.strict = strict
        self.taps = taps
        self.window_s = window_s
        self.corner_px = corner_px
        self.reclaim_focus = reclaim_focus
        self.released = False
        self._quitting = False
        self._windows: list[QWidget] = []
        self._fullscreen = True
        self._taps: deque[float] = deque(maxlen=taps)
        self._last_tap: tuple[int, int, int] | None = None
        self.blocked = 0  # events swallowed (tests, log)
        app.installEventFilter(self)

    # -- set-up ---------------------------------------------------------------------------

    def protect(self, window: QWidget, *, fullscreen: bool = True) -> None:
        """Make `window` frameless and always on top (call before showing it)."""
        window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        self._windows.append(window)
        self._fullscreen = fullscreen

    def release(self) -> None:
        """Stop guarding (the admin chose to exit): closes and shortcuts pass again."""
        self.released = True
        self.app.removeEventFilter(self)

    def uninstall(self) -> None:
        self.app.removeEventFilter(self)
        self._windows.clear()

    # -- the filter -----------------------------------------------------------------------

    def _protected(self, obj: QObject) -> QWidget | None:
        if isinstance(obj, QWindow):
            for w in self._windows:
                if w.windowHandle() is obj:
                    return w
            return None
        if isinstance(obj, QWidget):
            top = obj.window()
            return top if top in self._windows else None
        return None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        etype = event.type()
        if etype == QEvent.Type.Quit:
            # The application itself is quitting (SIGTERM, app.quit()): windows may close.
            self._quitting = True
            return False
        if self.released:
            return False
        if etype in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress,
                     QEvent.Type.KeyRelease):
            return self._key(obj, event)  # type: ignore[arg-type]
        if etype == QEvent.Type.Close:
            if self._quitting or self._protected(obj) is None:
                return False
            event.ignore()
            self.blocked += 1
            log.info("lock-down: a close request on the kiosk window was refused")
            return True
        if etype in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            window = self._protected(obj)
            if window is not None:
                self._tap(window, event)
            return False
        if etype == QEvent.Type.WindowStateChange:
            window = self._protected(obj)
            if window is not None and self._fullscreen and not window.isFullScreen():
                QTimer.singleShot(0, lambda w=window: self._restore(w))
            return False
        if etype == QEvent.Type.ApplicationStateChange and self.reclaim_focus \
                and self._windows and self.app.applicationState() != \
                Qt.ApplicationState.ApplicationActive:
            QTimer.singleShot(REFOCUS_DELAY_MS, self._reclaim)
        return False

    def _key(self, obj: QObject, event: QKeyEvent) -> bool:
        if self._protected(obj) is None:
            return False  # the PIN pad, the admin view: their keys are theirs
        key, modifiers = event.key(), event.modifiers()
        if is_admin_shortcut(key, modifiers) and not self.strict:
            return False  # no PIN yet: the technician shortcut still quits
        if is_admin_shortcut(key, modifiers):
            if event.type() == QEvent.Type.KeyPress and not event.isAutoRepeat():
                log.info("lock-down: technician shortcut, asking for the admin PIN")
                QTimer.singleShot(0, self.admin_requested.emit)
            event.accept()
            return True
        if is_blocked_key(key, modifiers):
            if event.type() == QEvent.Type.ShortcutOverride:
                # Accepting the override keeps any QShortcut on this key from firing.
                event.accept()
            else:
                self.blocked += 1
            return True
        return False

    def _tap(self, window: QWidget, event) -> None:
        # Events propagating from a child to its parents pass this filter again: count a
        # press once, by its timestamp and place.
        pos = event.globalPosition().toPoint()
        identity = (event.timestamp(), pos.x(), pos.y())
        if identity == self._last_tap:
            return
        self._last_tap = identity
        local: QPoint = window.mapFromGlobal(pos)
        if not (0 <= local.x() < self.corner_px and 0 <= local.y() < self.corner_px):
            self._taps.clear()
            return
        now = time.monotonic()
        self._taps.append(now)
        if len(self._taps) >= self.taps and now - self._taps[0] <= self.window_s:
            self._taps.clear()
            log.info("lock-down: admin gesture, asking for the admin PIN")
            QTimer.singleShot(0, self.admin_requested.emit)

    def _restore(self, window: QWidget) -> None:
        if self.released or self._quitting or not window.isVisible():
            return
        window.showFullScreen()
        window.raise_()
        window.activateWindow()

    def _reclaim(self) -> None:
        if self.released or self._quitting:
            return
        if self.app.applicationState() == Qt.ApplicationState.ApplicationActive:
            return
        if self.app.activeModalWidget() is not None or self.app.activePopupWidget() is not None:
            return
        for window in self._windows:
            if window.isVisible():
                log.info("lock-down: another window took the focus; taking it back")
                bring_to_front(window)


class AdminFlow(QObject):
    """From the gesture to the admin view over the kiosk: PIN pad, then the view full screen;
    back to the kiosk, exit to desktop (exit code 0: the supervisor stops) or restart (the
    supervisor starts the app again at once with the saved configuration)."""

    def __init__(self, window: QWidget, config: Config, paths: Paths, lockdown: Lockdown,
                 app: QApplication) -> None:
        super().__init__(window)
        self.window = window
        self.config = config
        self.paths = paths
        self.lockdown = lockdown
        self.app = app
        self.dialog = None
        self.view = None
        self.notice = None
        self._paused_serial: list = []

    def start(self) -> None:
        from kiosk.admin.settings import pin_gate, stored_pin_hash
        from kiosk.ui.admin.pin_pad import PinDialog

        if self.view is not None:
            self.view.raise_()
            return
        if self.dialog is not None:
            return
        stored = stored_pin_hash(self.config, self.paths)
        if not stored:
            self._no_pin()
            return
        self._pause_scanners(True)
        dialog = PinDialog(PinDialog.VERIFY, gate=pin_gate(self.config, self.paths),
                           stored_hash=stored, parent=self.window)
        dialog.accepted.connect(self._open_view)
        dialog.finished.connect(self._dialog_done)
        self.dialog = dialog
        dialog.open()

    def _dialog_done(self, _result: int) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None
        if self.view is None:
            self._pause_scanners(False)

    def _pause_scanners(self, pause: bool) -> None:
        """The kiosk's own scanners step aside while a technician works: its keyboard-wedge
        filter would take a typed PIN or a test scan for a citizen's scan, and its serial
        scanner holds the port the admin view's scan test needs."""
        try:
            from drivers.scanners.qt_adapters import QtSerialScanner
            from drivers.scanners.wedge import WedgeScanner
        except ImportError:
            return
        for wedge in self.window.findChildren(WedgeScanner):
            if pause:
                wedge.flush()
            wedge.enabled = not pause
        if pause:
            running = [s for s in self.window.findChildren(QtSerialScanner)
                       if s.scanner.status.value != "stopped"]
            for serial in running:
                serial.stop()
            self._paused_serial = running
        else:
            for serial in self._paused_serial:
                serial.start()
            self._paused_serial = []

    def _no_pin(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        log.warning("admin gesture, but no admin PIN is set")
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Quản trị"),
                          self.tr("Chưa đặt mã PIN quản trị cho máy này. Kỹ thuật viên: chạy "
                                  "`kiosk setup` hoặc `kiosk admin` trên máy để đặt mã."),
                          QMessageBox.StandardButton.Ok, self.window)
        QTimer.singleShot(10_000, box.accept)
        self.notice = box
        box.open()

    def _open_view(self) -> None:
        from kiosk.supervisor import EXIT_RESTART
        from kiosk.ui.admin.admin_view import AdminView

        log.info("admin view opened over the kiosk")
        view = AdminView(self.config, self.paths, over_kiosk=True)
        view.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        view.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        view.back_requested.connect(self._close_view)
        view.exit_requested.connect(lambda: self._leave(0))
        view.restart_requested.connect(lambda: self._leave(EXIT_RESTART))
        view.config_saved.connect(self._saved)
        self.view = view
        screen = self.window.screen() or self.app.primaryScreen()
        if screen is not None:
            view.setGeometry(screen.geometry())
        view.showFullScreen()
        view.raise_()
        view.activateWindow()

    def _saved(self, config: Config) -> None:
        self.config = config

    def _close_view(self) -> None:
        view, self.view = self.view, None
        if view is not None:
            view.close()
            view.deleteLater()
        log.info("admin view closed: back to the kiosk")
        self._pause_scanners(False)
        self.window.raise_()
        self.window.activateWindow()

    def _leave(self, code: int) -> None:
        log.warning("leaving the kiosk from the admin view (exit code %d)", code)
        self.lockdown.release()
        self.app.exit(code)


def install_lockdown(app: QApplication, window: QWidget, config: Config,
                     paths: Paths) -> Lockdown | None:
    """Lock the ticket kiosk's window down when it runs full screen (not in the windowed
    demo). Without an admin PIN the technician shortcut Ctrl+Shift+Q still quits, so a
    station configured by hand is never a trap; `kiosk doctor` warns about it."""
    from kiosk.admin.settings import stored_pin_hash

    if not config.kiosk.fullscreen:
        return None
    strict = bool(stored_pin_hash(config, paths))
    lockdown = Lockdown(app, strict=strict)
    lockdown.protect(window)
    shortcut = getattr(window, "quit_shortcut", None)
    if strict and shortcut is not None:
        shortcut.setEnabled(False)
    flow = AdminFlow(window, config, paths, lockdown, app)
    lockdown.admin_requested.connect(flow.start)
    lockdown.flow = flow  # type: ignore[attr-defined]
    if not strict:
        log.warning("no admin PIN set: the kiosk is not locked (Ctrl+Shift+Q quits); set one "
                    "with `kiosk setup` or `kiosk admin`")
    return lockdown
