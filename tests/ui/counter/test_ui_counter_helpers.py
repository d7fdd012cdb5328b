"""Shared pieces of the counter window tests (no tests here; imported by test_ui_counter_*):
a keyboard that sends key events with chosen timestamps (so the wedge filter sees scanner
bursts and human typing as such), the window fixture, a stalled TCP printer."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import contextlib  # noqa: E402
import socket  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

from PySide6.QtCore import QEvent, Qt  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.store import connect  # noqa: E402
from kiosk.ui.counter import build_counter_window  # noqa: E402

CLERK = "Phạm Thị Quỳnh Hương"
# Public sample payloads from domain.md.
CCCD_LUONG = ("089202017098|352576714|Lê Văn Lương|23052002|Nam|Tổ 10 Ấp An Thái, Hòa Bình, "
              "Chợ Mới, An Giang|31122021")
CCCD_HOA = ("034303011829||Nguyễn Thị Hoa|21032003|Nữ|Thôn Lai Ổn, An Quý, Quỳnh Phụ, "
            "Thái Bình|14082021")
CCCD_THU = ("093186002237|362499103|Nguyễn Thị Kim Thư|11011986|Nữ|56 Trần Hoàng Na, Kv6, An "
            "Khánh, Ninh Kiều, Cần Thơ|04102024||||")
PII = ("Lương", "089202017098", "352576714", "23052002", "Ấp An Thái", "Nguyễn Thị Hoa",
       "034303011829", "0912345678")
CODE_PATTERN = r"000\.00\.01\.H26-\d{6}-\d{4}"


def _key_for(ch: str) -> int:
    if ch.isascii() and ch.isalnum():
        return Qt.Key(ord(ch.upper()))
    if ch == " ":
        return Qt.Key.Key_Space
    if ord(ch) < 0x7F:
        return Qt.Key(ord(ch))
    return Qt.Key.Key_unknown


class Keyboard:
    """Key events as the window system delivers them, with timestamps we choose (ms): a
    scanner's burst is a few ms apart, a person's typing 100+ ms."""

    def __init__(self) -> None:
        self.t = 50_000

    def key(self, key, text: str = "", *, gap: int = 120,
            mods=Qt.KeyboardModifier.NoModifier) -> None:
        self.t += gap
        target = QApplication.focusWidget()
        assert target is not None, "no widget has the keyboard focus"
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, mods, text)
            event.setTimestamp(self.t)
            QApplication.sendEvent(target, event)

    def type(self, text: str, *, gap: int = 120, terminator: bool = False) -> None:
        for ch in text:
            mods = (Qt.KeyboardModifier.ShiftModifier if ch.isupper()
                    else Qt.KeyboardModifier.NoModifier)
            self.key(_key_for(ch), ch, gap=gap, mods=mods)
        if terminator:
            self.key(Qt.Key.Key_Return, "\r", gap=gap)

    def scan(self, text: str) -> None:
        """A keyboard-wedge scanner reading `text`: a 3 ms burst ended by Enter."""
        self.type(text, gap=3, terminator=True)


def make_config(uri: str, **printer) -> Config:
    return Config().with_values(printer={"uri": uri, "timeout_s": 5, **printer})


_open: list = []


def close_windows() -> None:
    while _open:
        _open.pop().close()


def open_counter(qtbot, tmp_path: Path, config: Config, size=(1366, 768), **kwargs):
    kwargs.setdefault("clerk", CLERK)
    opened: list[Path] = []
    kwargs.setdefault("opener", opened.append)
    window = build_counter_window(config, Paths(tmp_path, tmp_path / "kiosk.toml"), **kwargs)
    window.opened_files = opened
    _open.append(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.form.name.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.form.name, timeout=2000)
    return window


def rows(tmp_path: Path, sql: str, *params) -> list[dict]:
    db = connect(tmp_path / "kiosk.db")
    try:
        return list(db.query(sql, params))
    finally:
        db.conn.close()


def settle(qtbot, window) -> None:
    """Let the wedge filter hand held-back (typed) keys to their widgets."""
    qtbot.waitUntil(lambda: window.wedge.pending == 0, timeout=2000)


class StalledPrinter:
    """A TCP 'printer' on 127.0.0.1 that accepts and never reads (a jammed printer); a tiny
    receive buffer makes the sender block at once."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        for conn in self.conns:
            conn.close()


