"""The ticket screen as a client of the office hub ([hub] role = "client"): a real `kiosk hub`
process, the real window and worker threads, a file:// printer. Tickets are the hub's; the
slip is printed here and its outcome recorded at the hub; this PC's database keeps none."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sqlite3  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.queue.remote import RemoteQueue  # noqa: E402
from kiosk.ui.app import build_window  # noqa: E402
from tests.hubutil import KEY, hub_fixture, hub_pool_fixture  # noqa: E402, F401 (fixtures)
from tests.util import tap  # noqa: E402


def client_config(hub_url: str, printer_uri: str) -> Config:
    return Config().with_values(
        printer={"uri": printer_uri, "timeout_s": 5},
        kiosk={"fullscreen": False, "enforce_opening_hours": False},
        hub={"role": "client", "url": hub_url, "office_key": KEY, "timeout_s": 2})


@pytest.fixture
def open_window(qtbot, tmp_path):
    windows = []

    def open_(config: Config):
        kiosk_dir = tmp_path / "kiosk"
        kiosk_dir.mkdir(exist_ok=True)
        window = build_window(config, Paths(kiosk_dir, kiosk_dir / "kiosk.toml"))
        windows.append(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield open_
    for window in windows:
        window.close()  # stops the worker threads


def local_tickets(data: Path) -> int:
    """Tickets in the station's own database (a hub client keeps none)."""
    path = data / "kiosk.db"
    if not path.exists():
        return 0
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
    finally:
        conn.close()


def test_client_issues_at_the_hub_and_prints_here(qtbot, hub, tmp_path, open_window):
    out = tmp_path / "slips.bin"
    window = open_window(client_config(hub.url, f"file://{out}"))
    tap(qtbot, window.start_page.service_buttons["CT"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.confirm_page, timeout=15_000)
    assert "A001" in window.confirm_page.number.text()

    queue = RemoteQueue(hub.url, KEY)
    try:
        def printed() -> bool:
            tickets = [t for t in queue.snapshot().waiting_tickets if t.number == "A001"]
            return bool(tickets) and queue.get(tickets[0].id).print_status == "printed"

        qtbot.waitUntil(printed, timeout=15_000)
        assert queue.snapshot().waiting.get("CT") == 1
    finally:
        queue.close()
    assert out.exists() and out.stat().st_size > 0
    assert local_tickets(tmp_path / "kiosk") == 0


def test_client_with_the_hub_down_says_so_and_stays_responsive(qtbot, hub, tmp_path,
                                                               open_window):
    window = open_window(client_config(hub.url, f"file://{tmp_path / 'slips.bin'}"))
    hub.stop()
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    try:
        tap(qtbot, window.start_page.service_buttons["CT"])
        error = window.start_page.error
        qtbot.waitUntil(lambda: error.isVisible(), timeout=15_000)
        assert "Không kết nối được máy chủ quầy" in error.text()
        assert window.stack.currentWidget() is window.start_page
        assert not window.busy
        qtbot.wait(200)  # a refused connection fails fast: collect ticks on both sides of it
        gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
        assert len(ticks) > 3 and max(gaps) < 1.0  # the event loop kept running
    finally:
        timer.stop()
    assert local_tickets(tmp_path / "kiosk") == 0
