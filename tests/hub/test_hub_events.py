"""The recorded events are enough for statistics: waiting time = first 'called' at - issued_at,
service time = 'finished' at - first 'called' at, per service, counter and clerk. (Statistics
themselves are another module's; this checks the events carry what it needs.)"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk.calling import CallDesk
from kiosk.queue.remote import RemoteQueue
from tests.hubutil import KEY, hub_fixture, hub_pool_fixture  # noqa: F401 (fixtures)
from tests.util import wait_until

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=HCM)  # a Monday morning


def times_from_events(db_path) -> dict[int, dict]:
    """A reference reading of queue_events (what a statistics module would do)."""
    conn = sqlite3.connect(db_path)
    out: dict[int, dict] = defaultdict(dict)
    try:
        for ticket_id, kind, at, detail in conn.execute(
                "SELECT ticket_id, kind, at, detail FROM queue_events ORDER BY id"):
            t = out[ticket_id]
            at = datetime.fromisoformat(at)
            if kind == "issued":
                t["issued"] = at
            elif kind == "called" and "called" not in t:
                d = json.loads(detail)
                t.update(called=at, counter=d["counter"], clerk=d["clerk"], service=d["service"])
            elif kind == "finished":
                t["finished"] = at
                t["finished_by"] = json.loads(detail)["clerk"]
    finally:
        conn.close()
    return out


def test_waiting_and_service_times_from_events(db, db_path, config):
    desk = CallDesk(db, config)
    a = desk.tickets.issue("CT", at=T0)
    b = desk.tickets.issue("CT", at=T0 + timedelta(minutes=1))
    c = desk.tickets.issue("HT", at=T0 + timedelta(minutes=2))
    desk.call_next(1, ["CT"], "Lan", at=T0 + timedelta(minutes=5))
    desk.call_next(2, ["CT", "HT"], "Minh", at=T0 + timedelta(minutes=6))
    desk.call_next(1, ["CT", "HT"], "Lan", at=T0 + timedelta(minutes=12))  # finishes a
    desk.transfer(2, to_service="HT", at=T0 + timedelta(minutes=13))
    desk.finish(1, at=T0 + timedelta(minutes=20))  # c
    desk.call_next(1, ["HT"], "Lan", at=T0 + timedelta(minutes=21))  # b again, at counter 1
    desk.finish(1, at=T0 + timedelta(minutes=30))

    got = times_from_events(db_path)
    waits = {tid: (t["called"] - t["issued"]).total_seconds() / 60 for tid, t in got.items()}
    services = {tid: (t["finished"] - t["called"]).total_seconds() / 60
                for tid, t in got.items()}
    assert waits == {a.id: 5, b.id: 5, c.id: 10}
    assert services == {a.id: 7, b.id: 24, c.id: 8}  # b: first call to its final finish
    assert (got[a.id]["counter"], got[a.id]["clerk"]) == (1, "Lan")
    assert (got[b.id]["counter"], got[b.id]["clerk"]) == (2, "Minh")
    assert got[b.id]["finished_by"] == "Lan"
    # The ticket row agrees with the events.
    row = desk.get(b.id)
    assert row.called_at == got[b.id]["called"] and row.finished_at == got[b.id]["finished"]
    # Every event also went to the outbox for the city, with the same detail.
    kinds = [json.loads(p)["kind"] for (p,) in db.execute(
        "SELECT payload FROM outbox WHERE record_type = 'queue_event' ORDER BY id")]
    assert kinds.count("called") == 4 and kinds.count("finished") == 3
    assert "transferred" in kinds


def test_events_recorded_by_a_real_hub(hub):
    counter = RemoteQueue(hub.url, KEY)
    try:
        # Each step waits until the clock has moved 0.15 s past the hub's record of the one
        # before, so the recorded waiting and service times cannot round to nothing.
        gap = timedelta(seconds=0.15)
        ticket = counter.issue("KD")
        issued = times_from_events(hub.db_path)[ticket.id]["issued"]
        wait_until(lambda: datetime.now(HCM) >= issued + gap)
        counter.call_next(4, ["KD"], "Thu")
        called = times_from_events(hub.db_path)[ticket.id]["called"]
        wait_until(lambda: datetime.now(HCM) >= called + gap)
        counter.finish(4)
        got = times_from_events(hub.db_path)[ticket.id]
        assert got["counter"] == 4 and got["clerk"] == "Thu" and got["service"] == "KD"
        assert (got["called"] - got["issued"]).total_seconds() >= 0.15
        assert (got["finished"] - got["called"]).total_seconds() >= 0.15
        assert got["issued"].utcoffset() == timedelta(hours=7)  # office local time
    finally:
        counter.close()
