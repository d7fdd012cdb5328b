"""Signal emits must not wear out `True`: PySide6 6.12.0 on Python 3.11 loses a reference to the
bool returned by emit(), and a kiosk aborts with "bool_dealloc" after hours of running. The
version is excluded in pyproject.toml; these tests catch a PySide6 that brings the bug back."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys  # noqa: E402

from PySide6.QtCore import QObject, Signal  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.ui.app import build_window  # noqa: E402


class _Source(QObject):
    plain = Signal()
    payload = Signal(object)


def test_emit_keeps_true_alive():
    source = _Source()
    received = []
    source.payload.connect(received.append)
    before = sys.getrefcount(True)
    for i in range(2000):
        source.plain.emit()
        source.payload.emit(i)
    assert len(received) == 2000
    assert abs(sys.getrefcount(True) - before) < 50


def test_a_long_running_screen_keeps_true_alive(qtbot, tmp_path):
    config = Config().with_values(printer={"uri": f"preview://{tmp_path}/p"},
                                  kiosk={"fullscreen": False, "enforce_opening_hours": False})
    window = build_window(config, Paths(tmp_path, tmp_path / "kiosk.toml"))
    answers = []
    shown = window.on_counts
    window.on_counts = lambda counts: (answers.append(counts), shown(counts))
    try:
        # (A refresh asked while the start's own is running is folded into it.)
        qtbot.waitUntil(lambda: window.refresh_counts() is None and bool(answers), timeout=3000)
        before = sys.getrefcount(True)
        for _ in range(150):  # 10 minutes of waiting-count refreshes, two emits each
            seen = len(answers)
            window.refresh_counts()
            qtbot.waitUntil(lambda seen=seen: len(answers) > seen, timeout=3000)
        assert before - sys.getrefcount(True) < 100
    finally:
        window.close()
