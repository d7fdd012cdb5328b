"""The display board window: fed by the real LocalQueue through the real feed thread; how fast
a call shows; its layout at TV sizes (nothing clipped, numbers large)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading  # noqa: E402
import time  # noqa: E402
from datetime import datetime  # noqa: E402
from types import SimpleNamespace  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtGui import QFontMetrics  # noqa: E402
from PySide6.QtWidgets import QLabel  # noqa: E402

from kiosk.config import (
    Config,  # noqa: E402
    DisplayConfig,  # noqa: E402
)
from kiosk.paths import Paths  # noqa: E402
from kiosk.queue.catalog import load_catalog  # noqa: E402
from kiosk.queue.local import LocalQueue  # noqa: E402
from kiosk.ui.display.app import build_display  # noqa: E402
from kiosk.ui.display.model import (  # noqa: E402
    ServiceInfo,
    services_from_catalog,
    short_service_name,
)
from kiosk.ui.display.window import DisplayBoard, FitLabel  # noqa: E402
from tools.screenshots.display import sample_snapshot  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 9, 9, 41, tzinfo=TZ)


@pytest.fixture
def station(qtbot, tmp_path):
    """A board on a real LocalQueue (the in-process hub), voice off; yields (station, queue)."""
    paths = Paths(tmp_path, tmp_path / "kiosk.toml")
    queue = LocalQueue(paths.database, Config())
    built = build_display(Config(), paths, queue=queue, voice=False)
    built.board.resize(1920, 1080)
    built.board.show()
    qtbot.waitExposed(built.board)
    qtbot.waitUntil(lambda: built.board.model.version > 0, timeout=5000)  # first snapshot
    yield built, queue
    built.shutdown()
    built.board.close()
    queue.close()


def tile_texts(board: DisplayBoard) -> dict[str, str]:
    return {t.counter.text(): t.number.text() for t in board.tiles}


def test_a_call_shows_within_a_second(qtbot, station):
    built, queue = station
    board = built.board
    ticket = queue.issue("HT")
    qtbot.waitUntil(lambda: board.waiting_chips["HT"].count.text() == "1", timeout=2000)

    started = time.monotonic()
    queue.call_next(7, ())
    qtbot.waitUntil(lambda: tile_texts(board).get("7") == ticket.number, timeout=1000)
    elapsed = time.monotonic() - started
    assert elapsed < 1.0
    assert board.recent_rows[0].number.text() == ticket.number
    assert board.waiting_chips["HT"].count.text() == "0"
    assert 7 in board.model.highlighted()


def test_a_call_from_another_station_shows_within_a_second(qtbot, station, tmp_path):
    """A counter PC writing the same database through its own connection (the queue's
    watcher notices it), calling from its own thread."""
    built, _queue = station
    board = built.board
    other = LocalQueue(tmp_path / "kiosk.db", Config(), watch_s=None)
    try:
        other.issue("CT")
        qtbot.waitUntil(lambda: board.waiting_chips["CT"].count.text() == "1", timeout=2000)
        called = {}

        def counter_pc():
            called["at"] = time.monotonic()
            called["ticket"] = other.call_next(2, ("CT",))

        threading.Thread(target=counter_pc).start()
        qtbot.waitUntil(lambda: "ticket" in called and tile_texts(board).get("2")
                        == called["ticket"].number, timeout=1000)
        assert time.monotonic() - called["at"] < 1.0
    finally:
        other.close()


def test_recall_skip_finish_follow_the_queue(qtbot, station):
    built, queue = station
    board = built.board
    a = queue.issue("CT")
    b = queue.issue("CT")
    queue.call_next(1, ())
    queue.call_next(2, ())
    qtbot.waitUntil(lambda: tile_texts(board) == {"1": a.number, "2": b.number}, timeout=1000)
    queue.recall(1)
    qtbot.waitUntil(lambda: board.recent_rows[0].number.text() == a.number, timeout=1000)
    assert board.model.recent[0].recall
    queue.skip(2)
    queue.finish(1)
    qtbot.waitUntil(lambda: tile_texts(board) == {}, timeout=1000)
    assert board.empty_label.isVisible()


def test_calls_are_announced_once_in_order(qtbot, tmp_path):
    from kiosk.announce import announcement

    class Recorder:
        def __init__(self):
            self.said = []

        def announce(self, a):
            self.said.append(a)
            return True

        def close(self):
            pass

    paths = Paths(tmp_path, tmp_path / "kiosk.toml")
    queue = LocalQueue(paths.database, Config())
    built = build_display(Config(), paths, queue=queue, voice=False)
    recorder = built.board.announcer = Recorder()
    try:
        qtbot.waitUntil(lambda: built.board.model.version > 0, timeout=5000)
        a = queue.issue("CT")
        queue.call_next(12, ())
        queue.recall(12)
        qtbot.waitUntil(lambda: len(recorder.said) == 2, timeout=1000)
        assert recorder.said == [announcement(a.number, 12),
                                 announcement(a.number, 12, recall=True)]
        built.feed.refresh()  # a snapshot must not announce anything again
        qtbot.wait(200)
        assert len(recorder.said) == 2
    finally:
        built.shutdown()
        queue.close()


def test_old_calls_are_shown_but_not_announced(qtbot):
    said = []
    board = DisplayBoard("X", [], announcer=SimpleNamespace(announce=said.append,
                                                            close=lambda: None),
                         clock=lambda: NOW)
    board.apply_event({"kind": "called", "ticket": {"number": "A001", "service": "CT"},
                       "counter": 1, "at": NOW.replace(hour=8)})
    assert board.tiles[0].number.text() == "A001"
    assert said == []
    board.close()


def test_unreachable_queue_shows_the_connection_banner(qtbot, tmp_path):
    def broken(_on_connection):
        raise OSError("hub unreachable")

    built = build_display(Config(), Paths(tmp_path, tmp_path / "k.toml"), opener=broken,
                          voice=False)
    try:
        built.board.show()
        qtbot.waitUntil(lambda: built.board.connection_label.isVisible(), timeout=3000)
        built.board.set_connected(True)
        assert not built.board.connection_label.isVisible()
    finally:
        built.shutdown()
        built.board.close()


def test_the_queue_is_opened_on_the_feed_lane_and_tried_again_until_it_opens(
        qtbot, tmp_path, monkeypatch):
    from kiosk.ui.display import feed as feed_module

    monkeypatch.setattr(feed_module, "RETRY_FIRST_MS", 20)
    paths = Paths(tmp_path, tmp_path / "k.toml")
    queue = LocalQueue(paths.database, Config())
    calls = []

    def flaky(_on_connection):
        calls.append(threading.current_thread() is threading.main_thread())
        if len(calls) < 3:
            raise OSError("hub unreachable")
        return queue

    built = build_display(Config(), paths, opener=flaky, voice=False)
    try:
        qtbot.waitUntil(lambda: built.board.model.version > 0, timeout=5000)
        assert calls == [False, False, False]  # never on the UI thread; third time lucky
        ticket = queue.issue("HT")  # subscribed before that first snapshot
        qtbot.waitUntil(lambda: built.board.waiting_chips["HT"].count.text() == "1",
                        timeout=2000)
        assert ticket.number
    finally:
        built.shutdown()
        built.board.close()
    assert not built.feed.lane.running


def test_highlight_blinks_then_stops(qtbot):
    board = DisplayBoard("X", [], settings=DisplayConfig(highlight_s=0.6), clock=lambda: NOW)
    board.show()
    board.apply_event({"kind": "called", "ticket": {"number": "A001", "service": "CT"},
                       "counter": 1, "at": NOW})
    tile = board.tiles[0]
    states = set()
    qtbot.waitUntil(lambda: states.add(tile.property("hot")) or {"on", "off"} <= states,
                    timeout=2000)
    qtbot.waitUntil(lambda: tile.property("hot") == "", timeout=2000)
    assert not board._blink_timer.isActive()
    board.close()


# -- layout ------------------------------------------------------------------------------------

def clipped_labels(root) -> list[str]:
    """Visible labels whose text does not fit their box."""
    problems = []
    for label in root.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        rect = label.contentsRect()
        metrics = QFontMetrics(label.font())
        if isinstance(label, FitLabel):
            ink = metrics.tightBoundingRect(label.text())
            too_big = (metrics.horizontalAdvance(label.text()) > rect.width()
                       or ink.height() > rect.height())
        elif label.wordWrap():
            too_big = label.heightForWidth(rect.width()) > rect.height() + 1
        else:
            too_big = (metrics.horizontalAdvance(label.text()) > rect.width() + 1
                       or metrics.height() > rect.height() + 1)
        if too_big:
            problems.append(f"{label.objectName()} {label.text()!r} {rect.width()}x"
                            f"{rect.height()} font {label.font().pixelSize()}px")
    return problems


def busy_board(qtbot, size, counters: int = 6) -> DisplayBoard:
    """Six counters serving (the sample), eight recent calls, people waiting everywhere; a
    seventh counter's call on top with counters=7."""
    board = DisplayBoard(Config().office.name, services_from_catalog(load_catalog()),
                         clock=lambda: NOW)
    board.resize(*size)
    board.show()
    qtbot.waitExposed(board)
    board.apply_snapshot(sample_snapshot(NOW))
    if counters == 7:
        board.apply_event({"kind": "called", "ticket": {"number": "B013", "service": "HT"},
                           "counter": 12, "at": NOW})
    qtbot.wait(50)
    return board


@pytest.mark.parametrize("counters", [6, 7])
@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_layout_fits_the_screen_without_clipping(qtbot, size, counters):
    board = busy_board(qtbot, size, counters)
    try:
        assert (board.width(), board.height()) == size  # nothing forces a bigger window
        assert len(board.tiles) == counters
        assert all(row.isVisible() for row in board.recent_rows)
        assert clipped_labels(board) == []
        for tile in board.tiles:  # every tile entirely on screen
            top_left = tile.mapTo(board, tile.rect().topLeft())
            assert board.rect().contains(top_left)
            assert board.rect().contains(tile.mapTo(board, tile.rect().bottomRight()))
    finally:
        board.close()


def test_numbers_are_readable_from_five_metres(qtbot):
    board = busy_board(qtbot, (1920, 1080))
    try:
        assert len(board.tiles) == 6
        for tile in board.tiles:
            metrics = QFontMetrics(tile.number.font())
            ink = metrics.tightBoundingRect(tile.number.text()).height()
            # Four-character numbers ≥ 120 px tall on a 1080p TV; K1004's five shrink a bit.
            assert ink >= (120 if len(tile.number.text()) == 4 else 100), tile.number.text()
            counter_ink = QFontMetrics(tile.counter.font()).tightBoundingRect(
                tile.counter.text()).height()
            assert counter_ink >= 95
        # All four-character numbers share one size, so no tile looks more important.
        sizes = {t.number.fitted_px() for t in board.tiles if len(t.number.text()) == 4}
        assert len(sizes) == 1
        assert QFontMetrics(board.recent_rows[0].number.font()).capHeight() >= 35
    finally:
        board.close()


def test_many_counters_still_fit(qtbot):
    board = DisplayBoard("X", services_from_catalog(load_catalog()), clock=lambda: NOW)
    board.resize(1920, 1080)
    board.show()
    board.apply_snapshot({"serving": [{"counter": c, "number": f"A{c:03d}", "service": "CT"}
                                      for c in range(1, 13)]})
    qtbot.wait(50)
    try:
        assert len(board.tiles) == 12
        assert clipped_labels(board) == []
        assert (board.width(), board.height()) == (1920, 1080)
    finally:
        board.close()


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_waiting_names_are_as_large_as_their_chips_allow(qtbot, size):
    """"ĐANG CHỜ": every service's short board name (the catalog's board_name_vi) at one size,
    the largest every chip allows up to the board's size for names, no word cut: on a 1080p
    TV capitals of at least 36 px, read from 5 m."""
    from kiosk.ui.display.style import WAITING_NAME_PX

    board = busy_board(qtbot, size)
    try:
        qtbot.wait(50)
        names = [chip.name for chip in board.waiting_chips.values()]
        assert len(names) == 8
        assert [n.text() for n in names][:3] == ["Chứng thực", "Hộ tịch", "Đất đai"]
        top = round(WAITING_NAME_PX * board._scale)
        sizes = {name.font().pixelSize() for name in names}
        assert len(sizes) == 1
        px = sizes.pop()
        assert px == min(name.fitted_px for name in names) <= top
        for name in names:
            rect = name.contentsRect()
            assert name.fits(px, rect.width(), rect.height()), name.text()
            assert "\n" not in name.text()  # one line each
        # The limit is real: some chip cannot take one pixel more (or the board's maximum).
        assert px == top or any(not n.fits(px + 1, n.contentsRect().width(),
                                           n.contentsRect().height()) for n in names)
        caps = QFontMetrics(names[0].font()).capHeight()
        if size == (1920, 1080):
            assert caps >= 36, caps
        else:
            assert caps >= 25, caps
    finally:
        board.close()


def test_a_long_name_without_a_board_name_breaks_after_its_dash(qtbot):
    """A catalog without board names: the name cut short (model.short_service_name) and,
    when it needs two lines, broken after its dash, never before."""
    services = [ServiceInfo(s.code, s.prefix, short_service_name(s.name_vi))
                for s in load_catalog()]
    board = DisplayBoard(Config().office.name, services, clock=lambda: NOW)
    board.resize(1920, 1080)
    board.show()
    qtbot.waitExposed(board)
    board.apply_snapshot(sample_snapshot(NOW))
    qtbot.wait(50)
    try:
        names = [chip.name for chip in board.waiting_chips.values()]
        assert names[1].text() == "Tư pháp\u00a0–\nHộ tịch"
        assert not any(line.startswith("–") for n in names for line in n.text().split("\n"))
    finally:
        board.close()
