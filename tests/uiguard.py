"""pytest plugin: no module under kiosk/ui opens a database connection or a socket on the UI
thread ("the UI never blocks on the database, a printer, a decoder or the network",
docs/architecture.md). Such work belongs on an operation lane (kiosk/ui/operations.py).

Loaded by tests/conftest.py (one import line). How: one audit hook (`sys.addaudithook`,
installed once per process; hooks cannot be removed) watches the interpreter's own events for
opening an SQLite connection, connecting a socket and resolving a host name. When one happens
on the Qt GUI thread (a QCoreApplication exists and the current thread is the main thread) and
the Python stack holds a frame from a file under kiosk/ui/ (kiosk/ui/operations.py aside: it
is the lanes' machinery), the innermost such frame is recorded as a violation. An autouse
fixture fails the test during which it happened.

Test code opening its own fixtures on the main thread is not a violation: no kiosk/ui frame
is on the stack then. Work on a lane, a worker QThread or any other thread is not watched.

`ALLOWED` names the kiosk/ui modules still allowed to do it, each with its reason; it may only
shrink.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UI_DIR = os.path.join(str(ROOT), "kiosk", "ui") + os.sep
LANES = os.path.join(UI_DIR, "operations.py")

# The audit events that mean "this thread now waits for a database or the network".
WATCHED = frozenset({
    "sqlite3.connect",
    "socket.connect",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyaddr",
})

# kiosk/ui modules still allowed to open a connection or a socket on the UI thread, with the
# reason. May only shrink.
ALLOWED: dict[str, str] = {}
# One function of a module ("module:function").
ALLOWED_FUNCTIONS: dict[str, str] = {}


@dataclass(frozen=True)
class Violation:
    event: str
    module: str  # the innermost kiosk/ui module on the stack
    where: str  # file:line in it
    function: str

    def __str__(self) -> str:
        return f"{self.event} on the UI thread from {self.module} ({self.where}, {self.function})"


_violations: list[Violation] = []
# What the allow-lists let pass, for shrinking them (UIGUARD_SHOW_ALLOWED=1 prints it at exit).
tolerated: set[Violation] = set()
_installed = False


def module_of(filename: str) -> str:
    parts = list(Path(os.path.relpath(filename, ROOT)).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def allowed(module: str, function: str = "") -> bool:
    return module in ALLOWED or f"{module}:{function}" in ALLOWED_FUNCTIONS


def _on_gui_thread() -> bool:
    if threading.current_thread() is not threading.main_thread():
        return False
    qtcore = sys.modules.get("PySide6.QtCore")
    if qtcore is None:
        return False
    return qtcore.QCoreApplication.instance() is not None


def _ui_frame():
    """The innermost frame of a kiosk/ui module (other than the lanes') on this stack."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(UI_DIR) and filename != LANES:
            return frame
        frame = frame.f_back
    return None


def _hook(event: str, _args: tuple) -> None:
    if event not in WATCHED:
        return
    try:
        if not _on_gui_thread():
            return
        frame = _ui_frame()
        if frame is None:
            return
        module = module_of(frame.f_code.co_filename)
        where = f"{os.path.relpath(frame.f_code.co_filename, ROOT)}:{frame.f_lineno}"
        violation = Violation(event, module, where, frame.f_code.co_name)
        if allowed(module, frame.f_code.co_name):
            tolerated.add(violation)
            return
        _violations.append(violation)
    except Exception:  # an audit hook must never break the program it watches
        return


def _show_tolerated() -> None:
    for violation in sorted(tolerated, key=str):
        print(f"uiguard: allowed: {violation}", file=sys.stderr)


def install() -> None:
    """Install the audit hook (once per process)."""
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True
        if os.environ.get("UIGUARD_SHOW_ALLOWED") == "1":
            import atexit

            atexit.register(_show_tolerated)


def take() -> list[Violation]:
    """The violations recorded since the last call, removed from the record."""
    found = list(_violations)
    del _violations[:len(found)]
    return found


install()  # when tests/conftest.py imports this module


@pytest.fixture(autouse=True)
def _ui_thread_guard():
    take()  # whatever happened outside a test is not this test's
    yield
    found = take()
    if found:
        lines = "\n".join(f"  {v}" for v in dict.fromkeys(found))
        pytest.fail("the UI thread opened a database connection or a socket (put the work on "
                    f"an operation lane, kiosk/ui/operations.py):\n{lines}", pytrace=False)
