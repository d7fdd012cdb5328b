"""The doctor's wedge-keyboard check (Windows): the active keyboard layout read through a
stand-in user32 (ctypes.windll does not exist here) and the running programs from sample
`tasklist /fo csv /nh` output."""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path

import pytest

from kiosk.config import Config
from kiosk.diagnostics import checks
from kiosk.diagnostics.keyboard import (
    US_LAYOUT,
    check_wedge_keyboard,
    keyboard_layouts,
    parse_tasklist,
)
from kiosk.diagnostics.results import Context
from kiosk.paths import Paths

VIETNAMESE = 0x042A042A
US_INTERNATIONAL = 0xF0010409  # en-US language, US-International layout (sign bit set)

TASKLIST = '''"System Idle Process","0","Services","0","8 K"
"explorer.exe","4128","Console","1","98,512 K"
"UniKeyNT.exe","6420","Console","1","12,344 K"
"EVKey64.exe","7712","Console","1","9,876 K"
"kiosk-gui.exe","8120","Console","1","154,200 K"
'''
CLEAN = '''"System Idle Process","0","Services","0","8 K"
"explorer.exe","4128","Console","1","98,512 K"
'''


class User32:
    """Stand-in for ctypes.windll.user32: one foreground window, a list of layouts."""

    def __init__(self, active: int, installed: list[int]) -> None:
        self.active, self.installed = active, installed
        self.asked_thread: int | None = None

    def GetForegroundWindow(self) -> int:  # noqa: N802
        return 0x10AB

    def GetWindowThreadProcessId(self, hwnd: int, pid: object) -> int:  # noqa: N802
        assert hwnd == 0x10AB
        return 4242

    def GetKeyboardLayout(self, thread: int) -> int:  # noqa: N802
        self.asked_thread = thread
        # ctypes' default restype is a C int: an HKL with the top bit set comes back negative.
        return ctypes.c_int(self.active & 0xFFFFFFFF).value

    def GetKeyboardLayoutList(self, count: int, buffer: object) -> int:  # noqa: N802
        if count == 0:
            return len(self.installed)
        for i, hkl in enumerate(self.installed[:count]):
            buffer[i] = hkl  # type: ignore[index]
        return min(count, len(self.installed))


def ctx(tmp_path: Path, **scanner: object) -> Context:
    config = Config()
    if scanner:
        from dataclasses import replace

        config = replace(config, scanner=replace(config.scanner, **scanner))
    return Context(Paths(tmp_path, tmp_path / "kiosk.toml"), config)


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")


def test_layouts_come_from_the_foreground_window_and_the_list() -> None:
    user32 = User32(US_INTERNATIONAL, [US_LAYOUT, VIETNAMESE])
    active, installed = keyboard_layouts(user32)
    assert user32.asked_thread == 4242
    assert active == US_INTERNATIONAL and installed == [US_LAYOUT, VIETNAMESE]


def test_tasklist_names() -> None:
    assert parse_tasklist(TASKLIST) == ["explorer.exe", "UniKeyNT.exe", "EVKey64.exe",
                                        "kiosk-gui.exe"]
    assert parse_tasklist("") == []


def test_unikey_evkey_and_the_vietnamese_keyboard_are_named(windows: None,
                                                            tmp_path: Path) -> None:
    [result] = check_wedge_keyboard(ctx(tmp_path), run=lambda argv: TASKLIST,
                                    layouts=lambda: (VIETNAMESE, [US_LAYOUT, VIETNAMESE]))
    assert result.ok and result.warning
    assert "Unikey (UniKeyNT.exe)" in result.detail and "EVKey (EVKey64.exe)" in result.detail
    assert "Vietnamese (Windows Telex" in result.detail
    assert "USB-CDC" in result.fix and "Exit" in result.fix


def test_a_layout_other_than_us_is_a_warning(windows: None, tmp_path: Path) -> None:
    [result] = check_wedge_keyboard(ctx(tmp_path), run=lambda argv: CLEAN,
                                    layouts=lambda: (US_INTERNATIONAL, [US_INTERNATIONAL]))
    assert result.warning and "F0010409, not US" in result.detail


def test_us_keyboard_and_no_input_method_is_fine(windows: None, tmp_path: Path) -> None:
    [result] = check_wedge_keyboard(ctx(tmp_path), run=lambda argv: CLEAN,
                                    layouts=lambda: (US_LAYOUT, [US_LAYOUT]))
    assert result.ok and not result.warning
    [other] = check_wedge_keyboard(ctx(tmp_path), run=lambda argv: CLEAN,
                                   layouts=lambda: (US_LAYOUT, [US_LAYOUT, VIETNAMESE]))
    assert other.warning and "Win+Space" in other.detail


def test_no_wedge_scanner_no_warning(windows: None, tmp_path: Path) -> None:
    [result] = check_wedge_keyboard(ctx(tmp_path, wedge_enabled=False),
                                    run=lambda argv: TASKLIST, layouts=lambda: (VIETNAMESE, []))
    assert result.skipped


def test_doctor_runs_it_on_windows_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert checks.check_keyboard(ctx(tmp_path)) == []  # Linux: not applicable
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(ctypes, "windll", type("windll", (), {
        "user32": User32(VIETNAMESE, [VIETNAMESE])}), raising=False)
    # tasklist does not exist here: no process list, the layout alone decides.
    [result] = checks.check_keyboard(ctx(tmp_path))
    assert result.warning and "Vietnamese" in result.detail
