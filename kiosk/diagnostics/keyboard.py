"""`kiosk doctor` on Windows: will a keyboard-wedge scanner's keys arrive as it typed them?

A wedge (HID) scanner types each code as US-keyboard key presses. Windows turns them into
characters through the active keyboard layout, and a Vietnamese input method rewrites them
again: with Unikey, EVKey or the Windows Vietnamese (Telex) keyboard on, "aa" becomes "â",
"dd" becomes "đ" and a dossier code or an ID number comes out wrong. The check reads the
active layout (user32 GetKeyboardLayout / GetKeyboardLayoutList through ctypes) and the
running programs (`tasklist`), and warns with the fix. Serial (USB-CDC) scanners are not
affected: their codes arrive as data.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Sequence
from typing import Any

from kiosk.diagnostics.results import CheckResult, Context, ok, skip, warn
from kiosk.diagnostics.windows_station import Runner, run_command

#: HKL of the US keyboard: language en-US (low word), layout US (high word).
US_LAYOUT = 0x04090409
LANG_EN_US = 0x0409
LANG_VIETNAMESE = 0x042A

#: Vietnamese input methods that run as their own program: image-name prefix -> name.
INPUT_METHODS = {
    "unikey": "Unikey",  # UniKeyNT.exe
    "evkey": "EVKey",  # EVKey64.exe, EVKey32.exe
    "openkey": "OpenKey",  # OpenKey64.exe
}

_LAYOUT_NAMES = {
    0x04090409: "US",
    0x042A042A: "Vietnamese (Windows Telex/VNI keyboard)",
}


def layout_name(hkl: int) -> str:
    hkl &= 0xFFFFFFFF
    if hkl in _LAYOUT_NAMES:
        return _LAYOUT_NAMES[hkl]
    language = hkl & 0xFFFF
    if language == LANG_VIETNAMESE:
        return f"Vietnamese input ({hkl:08X})"
    return f"{hkl:08X}"


def keyboard_layouts(user32: Any | None = None) -> tuple[int, list[int]]:
    """The active layout (of the foreground window's thread, else this thread) and the
    installed ones, as HKL numbers. Windows only (user32 through ctypes)."""
    import ctypes

    if user32 is None:
        user32 = ctypes.windll.user32  # type: ignore[attr-defined]
    thread = 0
    foreground = user32.GetForegroundWindow()
    if foreground:
        thread = user32.GetWindowThreadProcessId(foreground, None)
    active = int(user32.GetKeyboardLayout(thread)) & 0xFFFFFFFF
    count = int(user32.GetKeyboardLayoutList(0, None))
    installed: list[int] = []
    if count > 0:
        buffer = (ctypes.c_void_p * count)()
        got = int(user32.GetKeyboardLayoutList(count, buffer))
        installed = [int(buffer[i] or 0) & 0xFFFFFFFF for i in range(got)]
    return active, installed


def parse_tasklist(text: str) -> list[str]:
    """Image names from `tasklist /fo csv /nh` output."""
    names = []
    for row in csv.reader(io.StringIO(text)):
        if row and row[0].lower().endswith(".exe"):
            names.append(row[0])
    return names


def running_input_methods(processes: Sequence[str]) -> list[str]:
    found: list[str] = []
    for image in processes:
        lower = image.lower()
        for prefix, name in INPUT_METHODS.items():
            if lower.startswith(prefix) and f"{name} ({image})" not in found:
                found.append(f"{name} ({image})")
    return found


def keyboard_results(active: int, installed: Sequence[int],
                     processes: Sequence[str]) -> list[CheckResult]:
    """The verdict from what was read (testable anywhere)."""
    name = "wedge keyboard"
    problems: list[str] = []
    fixes: list[str] = []
    methods = running_input_methods(processes)
    if methods:
        problems.append(f"a Vietnamese input method is running: {', '.join(methods)}")
        fixes.append("Quit it on this PC (tray icon > Exit) and take it out of the start-up "
                     "programs (Task Manager > Startup)")
    if active & 0xFFFF == LANG_VIETNAMESE:
        problems.append(f"the active keyboard is {layout_name(active)}")
        fixes.append("Make English (United States) - US the default (Settings > Time & "
                     "language > Language & region > Typing > Advanced keyboard settings > "
                     "Override for default input method) and remove the Vietnamese keyboard "
                     "from the kiosk account")
    elif active != US_LAYOUT:
        problems.append(f"the active keyboard layout is {layout_name(active)}, not US")
        fixes.append("Make English (United States) - US the default input method (Settings > "
                     "Time & language > Language & region > Typing > Advanced keyboard settings)")
    others = [h for h in installed if h != US_LAYOUT]
    if not problems and others:
        return [warn(name, "US keyboard active, but Win+Space or Alt+Shift can switch to "
                     + ", ".join(layout_name(h) for h in others),
                     "Remove the other keyboards from the kiosk account (Settings > Time & "
                     "language > Language & region), or use the scanner in USB-CDC mode.")]
    if not problems:
        return [ok(name, "US keyboard, no Vietnamese input method running: wedge scans arrive "
                   "as typed")]
    fixes.append("or better, switch the scanner to USB-CDC (virtual COM) mode "
                 "(docs/install-windows.md, step 4), which no keyboard setting affects")
    return [warn(name, "a keyboard-wedge scanner's codes may come out altered ('dd' -> 'đ'): "
                 + "; ".join(problems), "; ".join(fixes) + ".")]


def check_wedge_keyboard(ctx: Context, *, run: Runner = run_command,
                         layouts: Callable[[], tuple[int, list[int]]] = keyboard_layouts,
                         ) -> list[CheckResult]:
    """Windows only, and only where a wedge scanner is in use."""
    if sys.platform != "win32":
        return []
    if ctx.config is None:
        return [skip("wedge keyboard", "configuration not readable")]
    if not ctx.config.scanner.wedge_enabled:
        return [skip("wedge keyboard", "keyboard-wedge scanners are off ([scanner] "
                     "wedge_enabled = false)")]
    try:
        active, installed = layouts()
    except (OSError, AttributeError, ValueError) as exc:
        return [warn("wedge keyboard", f"the keyboard layout could not be read ({exc})",
                     "Check by hand that the kiosk account types with English (United "
                     "States) - US and no Unikey/EVKey is running.")]
    processes = parse_tasklist(run(["tasklist", "/fo", "csv", "/nh"]))
    return keyboard_results(active, installed, processes)
