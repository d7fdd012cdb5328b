"""The background-operation primitive (kiosk/ui/operations.py) on real threads."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QLabel

from kiosk.store.errors import DatabaseBusy, StorageError
from kiosk.ui import operations
from kiosk.ui.operations import Lane


@pytest.fixture
def lane(qapp):
    made = []

    def make(*args, **kwargs) -> Lane:
        made.append(Lane(*args, **kwargs))
        return made[-1]

    yield make
    for one in made:
        one.stop(5000)


def test_work_runs_on_the_lane_thread_in_order_and_results_come_back_on_the_ui_thread(
        qtbot, lane):
    line = lane("test-line")
    ran, got = [], []
    ui_thread = threading.get_ident()
    for i in range(20):
        line.run(lambda _r, i=i: (ran.append((i, threading.get_ident())), i)[1],
                 done=lambda result: got.append((result, threading.get_ident())))
    qtbot.waitUntil(lambda: len(got) == 20, timeout=5000)
    assert [i for i, _ in ran] == list(range(20))
    assert {t for _, t in ran} != {ui_thread} and len({t for _, t in ran}) == 1
    assert got == [(i, ui_thread) for i in range(20)]
    assert line.state().name == "test-line"


def test_the_resource_is_opened_once_on_the_lane_and_closed_at_stop(qtbot, lane):
    events = []

    def open_():
        events.append(("open", QThread.currentThread().objectName()))
        return {"n": 0}

    line = lane("test-resource", open_, lambda r: events.append(("close", r["n"])))
    results = []
    for _ in range(3):
        line.run(lambda r: r.__setitem__("n", r["n"] + 1) or r["n"], done=results.append)
    qtbot.waitUntil(lambda: len(results) == 3, timeout=5000)
    assert results == [1, 2, 3]
    assert line.stop(5000)
    assert events == [("open", "test-resource"), ("close", 3)]
    assert not line.run(lambda r: None), "a stopped lane takes no more work"


def test_a_failing_open_fails_that_operation_only(qtbot, lane):
    attempts = []

    def open_():
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("the port is gone")
        return "port"

    line = lane("test-open", open_)
    errors, results = [], []
    line.run(lambda r: r, done=results.append, failed=errors.append)
    line.run(lambda r: r, done=results.append, failed=errors.append)
    qtbot.waitUntil(lambda: len(errors) + len(results) == 2, timeout=5000)
    assert [type(e) for e in errors] == [OSError] and results == ["port"]


def test_database_faults_arrive_as_the_store_s_own_errors(qtbot, lane):
    line = lane("test-db")
    errors = []

    def locked(_r):
        raise sqlite3.OperationalError("database is locked")

    def broken(_r):
        raise sqlite3.DatabaseError("file is not a database")

    line.run(locked, failed=errors.append)
    line.run(broken, failed=errors.append)
    qtbot.waitUntil(lambda: len(errors) == 2, timeout=5000)
    assert isinstance(errors[0], DatabaseBusy) and "bận" in errors[0].message_vi
    assert isinstance(errors[1], StorageError)
    assert isinstance(errors[0].__cause__, sqlite3.OperationalError)


def test_an_answer_for_a_deleted_widget_is_dropped_but_the_work_still_runs(qtbot, lane):
    line = lane("test-owner")
    gate = threading.Event()
    ran, answered = [], []
    label = QLabel()
    line.run(lambda _r: (gate.wait(5), ran.append(1)), done=answered.append, owner=label)
    label.deleteLater()
    qtbot.waitUntil(lambda: not __import__("shiboken6").isValid(label), timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: ran == [1], timeout=5000)
    done = []
    line.run(lambda _r: None, done=done.append)  # after the dropped answer, in order
    qtbot.waitUntil(lambda: done == [None], timeout=5000)
    assert answered == []


def test_coalesced_operations_do_not_pile_up(qtbot, lane):
    line = lane("test-coalesce")
    gate = threading.Event()
    counted = []
    assert line.run(lambda _r: gate.wait(5), coalesce="refresh")
    assert not line.run(lambda _r: counted.append(1), coalesce="refresh")
    gate.set()
    qtbot.waitUntil(lambda: line.state().busy_with is None and line.state().waiting == 0,
                    timeout=5000)
    assert line.run(lambda _r: counted.append(2), done=lambda _: None, coalesce="refresh")
    qtbot.waitUntil(lambda: counted == [2], timeout=5000)


def test_work_may_hand_on_to_another_lane_without_the_ui_thread(qtbot, lane):
    first, second = lane("test-first"), lane("test-second")
    got = []
    first.run(lambda _r: second.run(lambda _r2: QThread.currentThread().objectName(),
                                    done=got.append))
    qtbot.waitUntil(lambda: got == ["test-second"], timeout=5000)


def test_the_registry_names_busy_and_stuck_lanes_and_stop_all_stops_them(qtbot, lane):
    gate = threading.Event()
    busy = lane("test-busy")
    busy.run(lambda _r: gate.wait(10), label="print ticket")
    qtbot.waitUntil(lambda: busy.state().busy_with == "print ticket", timeout=5000)
    names = {s.name: s for s in operations.lanes()}
    assert names["test-busy"].busy_with == "print ticket"
    assert not busy.stop(100), "a lane stuck in its work is not waited for forever"
    assert any(s.name == "test-busy" and s.stuck for s in operations.lanes())
    gate.set()
    other = lane("test-other")
    other.start()
    operations.stop_all()
    assert not other.running


def test_then_runs_on_the_lane_after_the_answer_is_posted(qtbot, lane):
    first, second = lane("test-then"), lane("test-then-2")
    order = []
    first.run(lambda _r: "ticket", done=lambda t: order.append(("shown", t)),
              then=lambda t: second.run(lambda _r: t, done=lambda t: order.append(("printed",
                                                                                   t))))
    qtbot.waitUntil(lambda: len(order) == 2, timeout=5000)
    assert order == [("shown", "ticket"), ("printed", "ticket")]
