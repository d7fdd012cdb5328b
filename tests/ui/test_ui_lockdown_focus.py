"""The lock-down taking the focus back from another window: on Linux Qt's own raise and
activate; on Windows the foreground-lock way round (AttachThreadInput + SetForegroundWindow,
then the Alt-key fallback), checked against a stand-in user32/kernel32 (ctypes.windll does not
exist here) that records the calls and plays the foreground window."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import ctypes  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from kiosk.ui.app import ensure_app  # noqa: E402
from kiosk.ui.lockdown import bring_to_front, force_foreground  # noqa: E402

POPUP, POPUP_THREAD, OWN_THREAD = 0x999, 77, 11


class WinApi:
    """user32 and kernel32 in one: a popup of another program holds the foreground."""

    def __init__(self, refusals: int = 0, hung: bool = False) -> None:
        self.foreground = POPUP
        self.refusals = refusals
        self.hung = hung
        self.calls: list[tuple] = []
        self.user32 = self.kernel32 = self

    def GetForegroundWindow(self) -> int:  # noqa: N802
        return self.foreground

    def GetWindowThreadProcessId(self, hwnd: int, pid: object) -> int:  # noqa: N802
        return POPUP_THREAD if hwnd == POPUP else OWN_THREAD

    def GetCurrentThreadId(self) -> int:  # noqa: N802
        return OWN_THREAD

    def IsIconic(self, hwnd: int) -> int:  # noqa: N802
        return 0

    def IsHungAppWindow(self, hwnd: int) -> int:  # noqa: N802
        return int(self.hung)

    def AttachThreadInput(self, own: int, other: int, attach: bool) -> int:  # noqa: N802
        self.calls.append(("AttachThreadInput", own, other, attach))
        return 1

    def BringWindowToTop(self, hwnd: int) -> int:  # noqa: N802
        self.calls.append(("BringWindowToTop", hwnd))
        return 1

    def SetForegroundWindow(self, hwnd: int) -> int:  # noqa: N802
        self.calls.append(("SetForegroundWindow", hwnd))
        if self.refusals:
            self.refusals -= 1
            return 0
        self.foreground = hwnd
        return 1

    def keybd_event(self, key: int, scan: int, flags: int, extra: int) -> None:
        self.calls.append(("keybd_event", key, flags))


@pytest.fixture
def windows(qtbot):
    ensure_app()
    kiosk, popup = QWidget(), QWidget()
    for w in (kiosk, popup):
        w.resize(400, 300)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
    popup.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is popup, timeout=2000)
    return kiosk, popup


def test_linux_takes_the_focus_back_with_qt_alone(windows, caplog, qtbot) -> None:
    kiosk, _popup = windows
    assert sys.platform != "win32" and not hasattr(ctypes, "windll")
    with caplog.at_level(logging.INFO, logger="kiosk.ui.lockdown"):
        bring_to_front(kiosk)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is kiosk, timeout=2000)
    assert caplog.records == []  # no Windows call attempted


def test_windows_joins_the_foreground_input_queue_to_take_the_foreground(
        windows, monkeypatch: pytest.MonkeyPatch) -> None:
    kiosk, _popup = windows
    api = WinApi()
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(ctypes, "windll", api, raising=False)
    bring_to_front(kiosk)
    hwnd = int(kiosk.winId())
    assert api.calls == [("AttachThreadInput", OWN_THREAD, POPUP_THREAD, True),
                         ("BringWindowToTop", hwnd), ("SetForegroundWindow", hwnd),
                         ("AttachThreadInput", OWN_THREAD, POPUP_THREAD, False)]
    assert api.foreground == hwnd


def test_windows_refusal_falls_back_to_the_alt_key() -> None:
    api = WinApi(refusals=1)
    assert force_foreground(0x123, api, api)
    assert [c[0] for c in api.calls] == ["AttachThreadInput", "BringWindowToTop",
                                         "SetForegroundWindow", "AttachThreadInput",
                                         "keybd_event", "keybd_event", "SetForegroundWindow"]
    assert api.calls[4] == ("keybd_event", 0x12, 0x1) and api.calls[5] == ("keybd_event", 0x12,
                                                                           0x3)
    assert api.foreground == 0x123


def test_windows_never_attaches_to_a_hung_window_and_reports_a_refusal() -> None:
    api = WinApi(refusals=2, hung=True)
    assert not force_foreground(0x123, api, api)
    assert not any(c[0] == "AttachThreadInput" for c in api.calls)
    assert api.foreground == POPUP


def test_windows_already_in_front_does_nothing() -> None:
    api = WinApi()
    api.foreground = 0x123
    assert force_foreground(0x123, api, api) and api.calls == []
