"""Lock-down of the citizen window: closing shortcuts and close requests refused, the admin
gesture and Ctrl+Shift+Q lead to the PIN pad, scanner typing passes, and the kiosk still
quits cleanly on SIGTERM and from the admin view."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtGui import QKeySequence, QShortcut  # noqa: E402
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget  # noqa: E402

from kiosk import config as config_mod  # noqa: E402
from kiosk.admin.pin import hash_pin  # noqa: E402
from kiosk.admin.settings import save_pin_hash  # noqa: E402
from kiosk.config import Config  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.ui.app import build_window, ensure_app  # noqa: E402
from kiosk.ui.lockdown import Lockdown, install_lockdown, is_blocked_key  # noqa: E402
from tests.faultproxy import ROOT, env  # noqa: E402
from tests.util import wait_until  # noqa: E402

PIN = "482915"
A = Qt.KeyboardModifier


@pytest.fixture
def guarded(qtbot):
    window = QWidget()
    field = QLineEdit()
    QVBoxLayout(window).addWidget(field)
    window.resize(800, 600)
    fired = []
    for keys in ("Escape", "Ctrl+W", "Ctrl+Shift+Q"):
        QShortcut(QKeySequence(keys), window).activated.connect(
            lambda k=keys: fired.append(k))
    lockdown = Lockdown(ensure_app(), reclaim_focus=False)
    lockdown.protect(window, fullscreen=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    field.setFocus()
    yield window, field, lockdown, fired
    lockdown.release()
    lockdown.uninstall()


def test_closing_keys_are_swallowed_and_typing_passes(qtbot, guarded):
    window, field, lockdown, fired = guarded
    for key, mods in ((Qt.Key.Key_F4, A.AltModifier), (Qt.Key.Key_Escape, A.NoModifier),
                      (Qt.Key.Key_W, A.ControlModifier), (Qt.Key.Key_F11, A.NoModifier),
                      (Qt.Key.Key_Tab, A.AltModifier)):
        qtbot.keyClick(field, key, mods)
    assert window.isVisible() and fired == []
    assert lockdown.blocked >= 5
    # A keyboard-wedge scanner's burst (letters, digits, separators, Enter) is untouched.
    qtbot.keyClicks(field, "000.00.01.H26-260115-0007|ABC")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.text() == "000.00.01.H26-260115-0007|ABC"


def test_close_requests_are_refused_until_released(qtbot, guarded):
    window, _field, lockdown, _ = guarded
    window.windowHandle().close()  # what Alt+F4 or the title bar's X do
    qtbot.wait(20)
    assert window.isVisible()
    window.close()
    assert window.isVisible()
    lockdown.release()
    window.close()
    assert not window.isVisible()


def tap_corner(qtbot, window, times, where: QPoint | None = None):
    where = where or QPoint(10, 10)
    for _ in range(times):
        qtbot.mouseClick(window, Qt.MouseButton.LeftButton, pos=where)


def test_admin_gesture_is_five_taps_in_the_corner(qtbot, guarded):
    window, _field, lockdown, _ = guarded
    seen = []
    lockdown.admin_requested.connect(lambda: seen.append(1))
    tap_corner(qtbot, window, 4)
    tap_corner(qtbot, window, 1, QPoint(400, 300))  # a tap elsewhere starts over
    tap_corner(qtbot, window, 4)
    qtbot.wait(20)
    assert seen == []
    with qtbot.waitSignal(lockdown.admin_requested, timeout=2000):
        tap_corner(qtbot, window, 1)
    assert len(seen) == 1


def test_slow_taps_are_not_the_gesture(qtbot, guarded):
    window, _field, lockdown, _ = guarded
    lockdown.window_s = 0.2
    seen = []
    lockdown.admin_requested.connect(lambda: seen.append(1))
    for _ in range(5):
        tap_corner(qtbot, window, 1)
        qtbot.wait(60)
    qtbot.wait(20)
    assert seen == []


def test_technician_shortcut_asks_for_the_pin_instead_of_quitting(qtbot, guarded):
    window, field, lockdown, fired = guarded
    with qtbot.waitSignal(lockdown.admin_requested, timeout=2000):
        qtbot.keyClick(field, Qt.Key.Key_Q, A.ControlModifier | A.ShiftModifier)
    assert fired == [] and window.isVisible()
    lockdown.strict = False  # no PIN set: the shortcut keeps working, never a trap
    qtbot.keyClick(field, Qt.Key.Key_Q, A.ControlModifier | A.ShiftModifier)
    assert fired == ["Ctrl+Shift+Q"]


def test_blocked_key_table():
    assert is_blocked_key(Qt.Key.Key_F4, A.AltModifier)
    assert is_blocked_key(Qt.Key.Key_Meta, A.NoModifier)
    assert not is_blocked_key(Qt.Key.Key_A, A.ShiftModifier)
    assert not is_blocked_key(Qt.Key.Key_Return, A.NoModifier)
    assert not is_blocked_key(Qt.Key.Key_Tab, A.NoModifier)


def kiosk_config(tmp_path, *, pin: bool) -> tuple[Config, Paths]:
    paths = Paths(tmp_path, tmp_path / "kiosk.toml")
    config = Config().with_values(
        kiosk={"fullscreen": True, "enforce_opening_hours": False},
        printer={"uri": f"file://{tmp_path / 'printer.bin'}"})
    config_mod.save(config, paths.config_file)
    if pin:
        config = save_pin_hash(config, paths, hash_pin(PIN))
    return config, paths


def test_gesture_pin_and_admin_view_over_the_ticket_screen(qtbot, tmp_path, monkeypatch):
    config, paths = kiosk_config(tmp_path, pin=True)
    app = ensure_app()
    window = build_window(config, paths)
    lockdown = install_lockdown(app, window, config, paths)
    assert lockdown is not None and lockdown.strict
    assert not window.quit_shortcut.isEnabled()
    exits = []
    monkeypatch.setattr(app, "exit", lambda code=0: exits.append(code))
    try:
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        flow = lockdown.flow
        tap_corner(qtbot, window, 5)
        qtbot.waitUntil(lambda: flow.dialog is not None, timeout=2000)
        dialog = flow.dialog
        for digit in "111111":
            qtbot.mouseClick(dialog.pad.keys[digit], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.pad.keys["ok"], Qt.MouseButton.LeftButton)
        # The PIN is checked on its lane: the answer comes a moment later.
        qtbot.waitUntil(lambda: "Sai mã PIN" in dialog.message.text(), timeout=5000)
        assert flow.view is None
        qtbot.keyClicks(dialog.pad.display, PIN)
        qtbot.keyClick(dialog.pad.display, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: flow.view is not None, timeout=3000)
        view = flow.view
        assert view.exit_button.isVisible()
        # Keys inside the admin view are its own: Escape is not swallowed there.
        assert lockdown._protected(view) is None
        qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)
        assert flow.view is None and window.isVisible()
        # Exit to desktop: the lock is released and the loop ends with code 0.
        tap_corner(qtbot, window, 5)
        qtbot.waitUntil(lambda: flow.dialog is not None, timeout=2000)
        qtbot.keyClicks(flow.dialog.pad.display, PIN)
        qtbot.keyClick(flow.dialog.pad.display, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: flow.view is not None, timeout=3000)
        flow.view.exit_requested.emit()
        assert exits == [0] and lockdown.released
    finally:
        if flow.view is not None:
            flow.view.close()
        lockdown.release()
        lockdown.uninstall()
        window.close()


def test_windowed_demo_is_not_locked(qtbot, tmp_path):
    config, paths = kiosk_config(tmp_path, pin=True)
    config = config.with_values(kiosk={"fullscreen": False})
    window = build_window(config, paths, start=False)
    try:
        assert install_lockdown(ensure_app(), window, config, paths) is None
    finally:
        window.close()


def _run_kiosk(tmp_path, **extra_env):
    e = env()
    e.update(QT_QPA_PLATFORM="offscreen", **extra_env)
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp_path), "run",
         "--no-supervise"], cwd=ROOT, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM")
def test_locked_kiosk_still_stops_cleanly_on_sigterm(tmp_path):
    kiosk_config(tmp_path, pin=True)
    proc = _run_kiosk(tmp_path)
    log = tmp_path / "logs" / "kiosk.log"
    wait_until(lambda: log.exists() and "ticket kiosk started" in log.read_text(), timeout=20,
               what="the kiosk window")
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "ticket kiosk stopped (exit code 0)" in log.read_text()
