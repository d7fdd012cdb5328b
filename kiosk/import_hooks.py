"""Keeps numpy out of sqlite-utils' import.

sqlite-utils imports numpy (and pandas) at import when they are installed, only to map their
types to column types when it creates a table from values, which a station never does with
theirs. numpy comes with OpenCV (a document-camera counter's build, a developer's
environment), and importing it costs ~0.05-0.1 s of every process's start and of every
`kiosk report`. While sqlite-utils' module body runs, on that thread only, an import of either
answers "not installed"; the camera's OpenCV still imports numpy when it starts, and a process
that already has numpy gives it to sqlite-utils as before.
"""

from __future__ import annotations

import sys
from typing import Any

_HIDDEN = frozenset({"numpy", "pandas"})
_IMPORTER = "sqlite_utils.db"


class _HiddenFromSqliteUtils:
    """A meta path finder that refuses the hidden modules to sqlite-utils' module body only."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name in _HIDDEN and _in_importer_body():
            raise ModuleNotFoundError(f"No module named {name!r} (for sqlite-utils)", name=name)
        return None


def _in_importer_body() -> bool:
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "<module>" and frame.f_globals.get("__name__") == _IMPORTER:
            return True
        frame = frame.f_back
    return False


def install() -> None:
    """Put the finder first on `sys.meta_path` (once)."""
    if not any(isinstance(f, _HiddenFromSqliteUtils) for f in sys.meta_path):
        sys.meta_path.insert(0, _HiddenFromSqliteUtils())
