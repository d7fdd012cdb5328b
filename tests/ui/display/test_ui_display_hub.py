"""The board on a display PC following the office hub over the LAN (`kiosk display --hub`):
a real `kiosk hub` process, the board's RemoteQueue opened by open_queue on the feed thread,
calls made by another station's RemoteQueue."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import time  # noqa: E402

import pytest  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.queue.remote import RemoteQueue  # noqa: E402
from kiosk.ui.display.app import build_display  # noqa: E402
from tests.hubutil import KEY, HubProcess  # noqa: E402


@pytest.fixture
def hub(tmp_path):
    process = HubProcess(tmp_path / "hub")
    yield process
    process.stop()


def test_board_follows_the_hub_and_shows_when_it_is_gone(qtbot, tmp_path, hub):
    paths = Paths(tmp_path / "display", tmp_path / "display" / "kiosk.toml")
    station = build_display(Config(), paths, hub_url=hub.url, key=KEY, voice=False)
    board = station.board
    counter_pc = RemoteQueue(hub.url, KEY)
    try:
        board.show()
        qtbot.waitUntil(lambda: board.model.version > 0, timeout=10_000)  # first snapshot
        # The board's own event stream must be up before the call for the timing to mean
        # anything: an issued ticket reaching the board shows it is.
        ticket = counter_pc.issue("DD")
        qtbot.waitUntil(lambda: board.waiting_chips["DD"].count.text() == "1", timeout=10_000)

        started = time.monotonic()
        counter_pc.call_next(5, ("DD",))
        qtbot.waitUntil(lambda: any(t.number.text() == ticket.number and t.counter.text() == "5"
                                    for t in board.tiles), timeout=1000)
        assert time.monotonic() - started < 1.0
        assert not board.connection_label.isVisible()

        hub.stop()
        qtbot.waitUntil(lambda: board.connection_label.isVisible(), timeout=15_000)
        # The last known state stays on screen while the link is down.
        assert any(t.number.text() == ticket.number for t in board.tiles)
    finally:
        counter_pc.close()
        station.shutdown()
        board.close()
