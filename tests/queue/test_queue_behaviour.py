"""One behavioural suite for the queue, run against both implementations: LocalQueue (in
process) and RemoteQueue talking to a real `kiosk hub` process on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from kiosk.queue.errors import InvalidRequest, NoCurrentTicket, TicketNotFound
from kiosk.queue.local import LocalQueue
from kiosk.queue.model import QueueEvent, QueueSnapshot
from kiosk.queue.priority import PriorityCategory
from kiosk.queue.remote import RemoteQueue
from kiosk.queue.service import QueueService
from kiosk.ticketing import Ticket, UnknownService
from tests.hubutil import (
    KEY,
    Collector,
    hub_pool_fixture,  # noqa: F401 (fixtures)
)


@pytest.fixture(params=["local", "remote"])
def queue(request, tmp_path, config):
    if request.param == "local":
        q = LocalQueue(tmp_path / "kiosk.db", config)
        yield q
        q.close()
        return
    hub = request.getfixturevalue("hub_pool").take()
    # As open_queue() makes it for a station: with the counter outbox in its own database.
    q = RemoteQueue(hub.url, KEY, outbox_path=tmp_path / "station" / "kiosk.db")
    try:
        yield q
    finally:
        q.close()
        hub.stop()


def subscribe(q) -> Collector:
    events = Collector()
    q.subscribe(events)
    if isinstance(q, RemoteQueue):
        assert q.wait_events(10)
    return events


def numbers(tickets) -> list[str]:
    return [t.number if t else None for t in tickets]


def test_both_are_queue_services(queue):
    assert isinstance(queue, QueueService)
    codes = [s.code for s in queue.services()]
    assert {"CT", "HT", "DD", "TKQ"} <= set(codes)
    assert all(s.hours.periods for s in queue.services())


def test_issue_numbers_per_service_and_records_printing(queue):
    a = queue.issue("CT")
    b = queue.issue("CT", PriorityCategory.ELDERLY)
    c = queue.issue("HT")
    assert numbers([a, b, c]) == ["A001", "A002", "B001"]
    assert b.priority is PriorityCategory.ELDERLY and a.priority is None
    assert a.status == "waiting" and a.print_status == "pending"
    assert queue.record_print(a.id, True).print_status == "printed"
    failed = queue.record_print(c.id, False, "paper out")
    assert failed.print_status == "print_failed"
    assert queue.get(c.id).print_status == "print_failed"
    with pytest.raises(UnknownService):
        queue.issue("NOPE")
    with pytest.raises(TicketNotFound):
        queue.get(99_999)


def test_call_next_in_issue_order_across_the_counters_services(queue):
    t = [queue.issue(s) for s in ("CT", "HT", "DD", "CT", "HT")]
    first = queue.call_next(1, ["CT", "HT"], "Lan")
    assert first.id == t[0].id and first.status == "called"
    assert first.counter == 1 and first.clerk == "Lan" and first.called_at is not None
    assert queue.call_next(2, ["DD"]).id == t[2].id
    assert queue.call_next(2, ["DD"]) is None  # nobody waits for DD; its ticket is finished
    assert queue.get(t[2].id).status == "done"
    assert numbers(queue.call_next(1, ["CT", "HT"]) for _ in range(3)) == ["B001", "A002",
                                                                           "B002"]
    assert queue.call_next(1, ["CT", "HT"]) is None
    assert queue.current(1) is None


def test_every_services_when_none_given_and_unknown_service_refused(queue):
    queue.issue("TKQ")
    assert queue.call_next(5, []).service_code == "TKQ"
    with pytest.raises(UnknownService):
        queue.call_next(5, ["NOPE"])
    with pytest.raises(InvalidRequest):
        queue.call_next(0, [])


def test_priority_policy_one_in_five(queue):
    normal = [queue.issue("CT") for _ in range(6)]
    pri = [queue.issue("CT", PriorityCategory.DISABLED) for _ in range(2)]
    called = [queue.call_next(1, ["CT"]) for _ in range(8)]
    # The first priority citizen of the day is due at once, then one call in five.
    expected = [pri[0], *normal[:4], pri[1], *normal[4:]]
    assert [c.id for c in called] == [e.id for e in expected]


def test_next_finishes_the_current_ticket_first(queue):
    a, b = queue.issue("CT"), queue.issue("CT")
    events = subscribe(queue)
    queue.call_next(3, ["CT"], "Minh")
    queue.call_next(3, ["CT"], "Minh")
    done = queue.get(a.id)
    assert done.status == "done" and done.finished_at is not None
    assert queue.current(3).id == b.id
    got = events.wait_for(lambda es: [e.kind for e in es] == ["called", "finished", "called"])
    finished = got[1]
    assert finished.ticket.id == a.id and finished.detail["by"] == "next"
    assert finished.counter == 3 and finished.clerk == "Minh"


def test_recall_skip_finish(queue):
    a, b, c = (queue.issue("CT") for _ in range(3))
    assert queue.recall(1) is None and queue.skip(1) is None and queue.finish(1) is None
    events = subscribe(queue)
    assert queue.call_next(1, ["CT"]).id == a.id
    again = queue.recall(1)
    assert again.id == a.id and again.status == "called"
    skipped = queue.skip(1)
    assert skipped.id == a.id and skipped.status == "skipped"
    assert queue.current(1) is None
    assert queue.call_next(1, ["CT"]).id == b.id  # a skipped ticket is not called again
    done = queue.finish(1)
    assert done.id == b.id and done.status == "done" and done.finished_at >= done.called_at
    assert queue.call_next(1, ["CT"]).id == c.id
    got = events.wait_for(lambda es: len(es) == 6)
    assert [e.kind for e in got] == ["called", "recalled", "skipped", "called", "finished",
                                     "called"]
    assert all(e.counter == 1 for e in got)


def test_transfer_to_another_service_keeps_number_and_place(queue):
    a = queue.issue("CT")
    b = queue.issue("HT")
    queue.call_next(1, ["CT"])
    moved = queue.transfer(1, to_service="HT")
    assert moved.id == a.id and moved.number == "A001" and moved.status == "waiting"
    assert moved.current_service == "HT" and moved.counter is None
    assert queue.current(1) is None
    # Issued before B001, it keeps its place in the HT queue.
    assert numbers([queue.call_next(2, ["HT"]), queue.call_next(2, ["HT"])]) == ["A001", "B001"]
    assert queue.get(b.id).status == "called"
    snap = queue.snapshot()
    assert snap.waiting["CT"] == 0 and snap.waiting["HT"] == 0


def test_transfer_to_a_counter_is_called_there_first(queue):
    a, b, c = (queue.issue("CT") for _ in range(3))
    queue.call_next(1, ["CT"])
    moved = queue.transfer(1, to_counter=4)
    assert moved.target_counter == 4 and moved.status == "waiting"
    assert queue.call_next(2, ["CT"]).id == b.id  # other counters never get it
    assert queue.call_next(4, ["HT"]).id == a.id  # counter 4 calls it first, whatever it serves
    assert queue.call_next(2, ["CT"]).id == c.id
    with pytest.raises(NoCurrentTicket):
        queue.transfer(9, to_service="HT")
    with pytest.raises(InvalidRequest):
        queue.transfer(2)
    with pytest.raises(InvalidRequest):
        queue.transfer(2, to_counter=2)
    with pytest.raises(UnknownService):
        queue.transfer(2, to_service="NOPE")


def test_link_dossier_is_idempotent(queue):
    a = queue.issue("CT")
    queue.call_next(1, ["CT"], "Lan")
    code = "000.00.01.H26-260115-0007"
    linked = queue.link_dossier(a.id, code)
    assert linked.dossiers == (code,)
    assert queue.link_dossier(a.id, code).dossiers == (code,)
    assert queue.link_dossier(a.id, "000.00.01.H26-260115-0008").dossiers == (
        code, "000.00.01.H26-260115-0008")
    assert queue.current(1).dossiers == (code, "000.00.01.H26-260115-0008")
    with pytest.raises(TicketNotFound):
        queue.link_dossier(99_999, code)
    with pytest.raises(InvalidRequest):
        queue.link_dossier(a.id, "  ")
    # Only a dossier code: never a name and ID number, a line break, a code's outline alone.
    for text in ("Nguyen Van A 001099012345", "000.00.01.H26-260115-0009\nGọi 0900",
                 "X-1", "000.00.01.H26-2601-0001", "000.00.01.H26-260115-0001 x"):
        with pytest.raises(InvalidRequest):
            queue.link_dossier(a.id, text)
    assert queue.link_dossier(a.id, " 000.00.01.h26-260115-0009 ").dossiers[-1] == (
        "000.00.01.H26-260115-0009")


def test_snapshot(queue):
    for s in ("CT", "CT", "HT", "DD"):
        queue.issue(s)
    queue.issue("CT", PriorityCategory.PREGNANT)
    one = queue.call_next(1, ["CT"], "Lan")
    two = queue.call_next(2, ["HT"], "Minh")
    queue.recall(1)
    snap = queue.snapshot()
    assert snap.waiting["CT"] == 2 and snap.waiting["HT"] == 0 and snap.waiting["DD"] == 1
    assert [(s.counter, s.ticket.number, s.ticket.clerk) for s in snap.serving] == [
        (1, one.number, "Lan"), (2, two.number, "Minh")]
    assert snap.serving_at(2).id == two.id and snap.serving_at(3) is None
    assert [(c.kind, c.counter, c.number) for c in snap.recent_calls] == [
        ("recalled", 1, one.number), ("called", 2, two.number), ("called", 1, one.number)]
    assert [w.number for w in snap.waiting_tickets] == ["A001", "A002", "C001"]
    assert snap.seq > 0
    text = json.dumps(snap.as_json())
    assert QueueSnapshot.from_json(json.loads(text)) == snap


def test_events_carry_counter_clerk_and_waiting_counts(queue):
    events = subscribe(queue)
    a = queue.issue("CT")
    queue.record_print(a.id, True)
    queue.call_next(7, ["CT"], "Hoa")
    queue.link_dossier(a.id, "000.00.01.H26-260115-0001")
    queue.transfer(7, to_service="HT")
    got = events.wait_for(lambda es: len(es) == 5)
    assert [e.kind for e in got] == ["issued", "printed", "called", "dossier_linked",
                                     "transferred"]
    assert [e.seq for e in got] == sorted(e.seq for e in got)
    issued, _, called, linked, moved = got
    assert issued.waiting["CT"] == 1 and called.waiting["CT"] == 0
    assert called.counter == 7 and called.clerk == "Hoa" and called.detail["first"] is True
    assert called.ticket.status == "called" and called.announced
    assert linked.detail["dossier_code"] == "000.00.01.H26-260115-0001"
    assert moved.detail == {"counter": 7, "clerk": "Hoa", "from_service": "CT",
                            "to_service": "HT", "to_counter": None}
    for e in got:
        assert QueueEvent.from_json(json.loads(json.dumps(e.as_json()))) == e
        assert isinstance(e.ticket, Ticket)


def test_unsubscribe_stops_delivery(queue):
    events = Collector()
    stop = queue.subscribe(events)
    if isinstance(queue, RemoteQueue):
        assert queue.wait_events(10)
    queue.issue("CT")
    events.wait_for(lambda es: len(es) == 1)
    stop()
    later = subscribe(queue)
    queue.issue("CT")
    later.wait_for(lambda es: len(es) == 1)
    assert len(events.items) == 1


def test_two_counters_never_get_the_same_ticket(queue):
    tickets = [queue.issue("CT") for _ in range(6)]
    got = []
    for _ in range(3):
        got.append(queue.call_next(1, ["CT"]))
        got.append(queue.call_next(2, ["CT"]))
    assert sorted(t.id for t in got) == [t.id for t in tickets]
    assert queue.call_next(1, ["CT"]) is None and queue.call_next(2, ["CT"]) is None


def test_an_unknown_dossier_code_has_no_view(queue):
    assert queue.dossier_view("000.00.01.H26-260101-0001") is None
