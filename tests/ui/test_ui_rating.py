"""The rating view: taps, reasons, timeouts, storage on the worker thread, and following the
queue's 'finished' events."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json  # noqa: E402
from datetime import datetime  # noqa: E402
from types import SimpleNamespace  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.feedback.ratings import RatingLevel, RatingReason  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.store import connect  # noqa: E402
from kiosk.ticketing import TicketDesk  # noqa: E402
from kiosk.ui import rating_view  # noqa: E402
from kiosk.ui.rating_view import RatingView, RatingWindow  # noqa: E402
from tests.util import tap  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)
DOSSIER = "000.00.01.H26-260302-0004"


@pytest.fixture
def paths(tmp_path):
    return Paths(tmp_path, tmp_path / "kiosk.toml")


@pytest.fixture
def ticket(paths):
    db = connect(paths.database)
    try:
        return TicketDesk(db, Config()).issue("CT")
    finally:
        db.conn.close()


_views: list = []


@pytest.fixture(autouse=True)
def _shutdown():
    yield
    while _views:
        _views.pop().shutdown()  # stops the storage thread


def make_view(qtbot, paths, **kwargs):
    view = RatingView(Config(), paths, clock=lambda: NOW, **kwargs)
    _views.append(view)
    qtbot.addWidget(view)
    view.resize(1024, 640)
    return view


def ratings(paths):
    db = connect(paths.database)
    try:
        rows = list(db.query("SELECT ticket_uid, ticket_number, dossier_code, counter, clerk, "
                             "level, reasons FROM ratings ORDER BY id"))
        box = [r[0] for r in db.execute("SELECT record_type FROM outbox WHERE record_type = "
                                        "'rating'").fetchall()]
        assert len(box) == len(rows)  # each rating went to the outbox with it
        return rows
    finally:
        db.conn.close()


def test_happy_rating_is_stored_with_ticket_counter_and_clerk(qtbot, paths, ticket,
                                                              monkeypatch):
    monkeypatch.setattr(rating_view, "THANKS_MS", 300)
    view = make_view(qtbot, paths)
    assert not view.isVisible() and view.state == view.IDLE
    view.ask(ticket, DOSSIER, 3, "Trần Minh Đức")
    qtbot.waitExposed(view)
    assert view.state == view.LEVELS
    assert "Quầy số 3" in view.context_line.text() and ticket.number in view.context_line.text()
    assert [b.title.text() for b in view.level_buttons.values()] == [
        "Rất hài lòng", "Hài lòng", "Không hài lòng"]
    with qtbot.waitSignal(view.rated, timeout=5000) as rated:
        tap(qtbot, view.level_buttons[RatingLevel.VERY_SATISFIED])
        assert view.state == view.THANKS  # thanked at once, before SQLite answers
    rating = rated.args[0]
    assert rating.level is RatingLevel.VERY_SATISFIED and rating.counter == 3
    assert ratings(paths) == [{"ticket_uid": ticket.uid, "ticket_number": ticket.number,
                               "dossier_code": DOSSIER, "counter": 3,
                               "clerk": "Trần Minh Đức", "level": "very_satisfied",
                               "reasons": "[]"}]
    # A second tap at once (no wait for the tap guard) rates nothing more.
    qtbot.mouseClick(view.level_buttons[RatingLevel.SATISFIED], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(view.finished, timeout=3000):
        pass
    assert not view.isVisible() and len(ratings(paths)) == 1


def test_unhappy_rating_asks_for_reasons(qtbot, paths, ticket):
    view = make_view(qtbot, paths)
    view.ask(ticket, None, 2, "Lê Văn Khánh")
    tap(qtbot, view.level_buttons[RatingLevel.UNSATISFIED])
    assert view.state == view.REASONS
    assert [c.text() for c in view.reason_chips.values()] == [
        "Thái độ phục vụ của cán bộ chưa tốt", "Thời gian chờ đợi lâu",
        "Thủ tục, hướng dẫn chưa rõ ràng", "Yêu cầu thêm giấy tờ ngoài quy định", "Lý do khác"]
    tap(qtbot, view.reason_chips[RatingReason.EXTRA_DOCUMENTS])
    tap(qtbot, view.reason_chips[RatingReason.WAITING_TIME])
    tap(qtbot, view.reason_chips[RatingReason.OTHER])
    tap(qtbot, view.reason_chips[RatingReason.OTHER])  # changed their mind
    # "Quay lại" goes back to the levels and keeps nothing stored.
    tap(qtbot, view.back_button)
    assert view.state == view.LEVELS
    tap(qtbot, view.level_buttons[RatingLevel.UNSATISFIED])
    assert view.selected_reasons() == [RatingReason.WAITING_TIME, RatingReason.EXTRA_DOCUMENTS]
    with qtbot.waitSignal(view.rated, timeout=5000):
        tap(qtbot, view.send_button)
    [row] = ratings(paths)
    assert row["level"] == "unsatisfied" and row["counter"] == 2
    assert row["clerk"] == "Lê Văn Khánh" and row["ticket_uid"] == ticket.uid
    assert json.loads(row["reasons"]) == ["waiting_time", "extra_documents"]


def test_timeout_without_a_choice_stores_nothing(qtbot, paths, ticket):
    view = make_view(qtbot, paths, timeout_s=1)
    view.ask(ticket, None, 1, "x")
    with qtbot.waitSignal(view.finished, timeout=3000):
        pass
    assert view.state == view.IDLE and not view.isVisible()
    assert not view.feedback.running  # no thread was even needed
    assert ratings(paths) == []


def test_timeout_on_the_reasons_keeps_the_complaint(qtbot, paths, ticket):
    view = make_view(qtbot, paths, timeout_s=1)
    view.ask(ticket, None, 1, "x")
    tap(qtbot, view.level_buttons[RatingLevel.UNSATISFIED])
    tap(qtbot, view.reason_chips[RatingReason.STAFF_ATTITUDE])
    with qtbot.waitSignal(view.rated, timeout=4000):
        pass
    [row] = ratings(paths)
    assert row["level"] == "unsatisfied" and row["reasons"] == '["staff_attitude"]'


def test_next_citizen_while_the_last_one_chooses_reasons(qtbot, paths, ticket):
    view = make_view(qtbot, paths)
    view.ask(ticket, None, 1, "x")
    tap(qtbot, view.level_buttons[RatingLevel.UNSATISFIED])
    with qtbot.waitSignal(view.rated, timeout=5000):
        view.ask(None, None, 1, "x")  # the clerk finished the next citizen already
    assert view.state == view.LEVELS and view.selected_reasons() == []
    assert [r["ticket_uid"] for r in ratings(paths)] == [ticket.uid]
    view.cancel()
    assert view.state == view.IDLE
    assert len(ratings(paths)) == 1


def test_rating_window_follows_finished_events(qtbot, paths, ticket):
    window = RatingWindow(Config(), paths, 4, clock=lambda: NOW)
    _views.append(window)
    qtbot.addWidget(window)
    window.show()
    assert window.view.state == window.view.IDLE and window.view.isVisible()
    assert window.view.idle_title.text() == "Quầy số 4"
    served = SimpleNamespace(uid=ticket.uid, number=ticket.number, dossiers=(DOSSIER,),
                             clerk="Phạm Thị Quỳnh Hương")
    window.on_queue_event(SimpleNamespace(kind="called", counter=4, ticket=served, clerk=None))
    window.on_queue_event(SimpleNamespace(kind="finished", counter=5, ticket=served,
                                          clerk=None))
    assert window.view.state == window.view.IDLE
    window.on_queue_event(SimpleNamespace(kind="finished", counter=4, ticket=served,
                                          clerk=None))
    assert window.view.state == window.view.LEVELS
    with qtbot.waitSignal(window.view.rated, timeout=5000):
        window.view.choose(RatingLevel.SATISFIED)
    [row] = ratings(paths)
    assert (row["dossier_code"], row["clerk"], row["counter"]) == (
        DOSSIER, "Phạm Thị Quỳnh Hương", 4)


def test_rating_window_with_the_local_queue(qtbot, paths, ticket):
    local = pytest.importorskip("kiosk.queue.local")
    from kiosk.ui.rating_view import QueueEventBridge

    window = RatingWindow(Config(), paths, 2, clock=lambda: NOW)
    _views.append(window)
    qtbot.addWidget(window)
    queue = local.LocalQueue(paths.database, Config())
    try:
        bridge = QueueEventBridge(window)
        bridge.event.connect(window.on_queue_event)
        window.unsubscribe = queue.subscribe(bridge)
        queue.call_next(2, (), "Đỗ Thu Trang")
        assert window.view.state == window.view.IDLE
        queue.finish(2)
        qtbot.waitUntil(lambda: window.view.state == window.view.LEVELS, timeout=3000)
        assert ticket.number in window.view.context_line.text()
        assert "Đỗ Thu Trang" in window.view.context_line.text()
    finally:
        window.shutdown()
        queue.close()


def test_rating_window_opens_and_follows_the_queue_on_its_lane(qtbot, paths, ticket,
                                                               monkeypatch):
    import threading

    local = pytest.importorskip("kiosk.queue.local")
    monkeypatch.setattr(rating_view, "FOLLOW_RETRY_MS", 50)
    opened = []

    def opener():
        opened.append(threading.current_thread() is threading.main_thread())
        if len(opened) == 1:
            raise OSError("the hub is not up yet")  # tried again after a pause
        return local.LocalQueue(paths.database, Config())

    window = RatingWindow(Config(), paths, 2, clock=lambda: NOW)
    _views.append(window)
    qtbot.addWidget(window)
    window.follow_queue(opener=opener)
    qtbot.waitUntil(lambda: len(opened) == 2, timeout=5000)
    assert opened == [False, False]  # never on the UI thread
    counter = local.LocalQueue(paths.database, Config())
    try:
        # Followed once the open (which subscribes) answered: the back-off is reset.
        qtbot.waitUntil(lambda: window._retry_ms == 50, timeout=5000)
        counter.call_next(2, (), "Đỗ Thu Trang")
        counter.finish(2)
        qtbot.waitUntil(lambda: window.view.state == window.view.LEVELS, timeout=3000)
    finally:
        window.shutdown()
        counter.close()
    assert window.queue_lane is None
