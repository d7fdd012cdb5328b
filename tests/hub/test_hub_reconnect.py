"""Hub restart: counters and displays see the connection lost (plainly, through the callback)
and come back on their own; events flow again after the restart."""

from __future__ import annotations

import pytest

from kiosk.queue.errors import HubUnavailable
from kiosk.queue.local import LocalQueue
from kiosk.queue.remote import RemoteQueue
from tests.hubutil import KEY, Collector, hub_fixture, hub_pool_fixture, wait_until  # noqa: F401 (fixtures)


def test_hub_restart_counter_and_display_reconnect(hub):
    counter_states, display_states = Collector(), Collector()
    counter = RemoteQueue(hub.url, KEY, on_connection=counter_states, timeout_s=2)
    display = RemoteQueue(hub.url, KEY, on_connection=display_states, timeout_s=2)
    try:
        events = Collector()
        display.subscribe(events)
        assert display.wait_events(10) and counter.wait_events(10)
        assert counter_states.items[-1].connected
        first = counter.issue("CT")
        counter.issue("CT")
        assert counter.call_next(1, ["CT"], "Lan").id == first.id
        events.wait_for(lambda es: [e.kind for e in es] == ["issued", "issued", "called"])

        hub.stop()
        lost = counter_states.wait_for(lambda s: not s[-1].connected)[-1]
        assert "Mất kết nối với máy chủ quầy" in lost.message_vi
        display_states.wait_for(lambda s: not s[-1].connected)
        with pytest.raises(HubUnavailable) as info:
            counter.call_next(1, ["CT"])  # calling needs the hub
        assert info.value.message_vi == "Mất kết nối với máy chủ quầy."

        hub.restart()  # same port, same database
        counter_states.wait_for(lambda s: s[-1].connected, timeout=15)
        display_states.wait_for(lambda s: s[-1].connected, timeout=15)
        # Nothing was missed: the display resumes without a gap.
        assert not display_states.items[-1].resync
        assert counter.current(1).id == first.id  # the hub kept its state
        second = counter.call_next(1, ["CT"], "Lan")
        got = events.wait_for(lambda es: len(es) >= 5)
        assert [e.kind for e in got[3:]] == ["finished", "called"]
        assert got[-1].ticket.id == second.id and got[-1].counter == 1
        assert [e.seq for e in got] == sorted({e.seq for e in got})  # no duplicates
    finally:
        counter.close()
        display.close()


def test_events_missed_across_a_hub_restart_ask_for_a_new_snapshot(hub, config):
    display_states = Collector()
    display = RemoteQueue(hub.url, KEY, on_connection=display_states, timeout_s=2)
    try:
        events = Collector()
        display.subscribe(events)
        assert display.wait_events(10)
        RemoteQueue(hub.url, KEY).issue("CT")
        events.wait_for(lambda es: len(es) == 1)
        hub.stop()
        display_states.wait_for(lambda s: not s[-1].connected)
        # While the hub is down, its database changes (e.g. its own screen kept issuing):
        # the restarted hub cannot replay that, so the display is told to resynchronise.
        offline = LocalQueue(hub.db_path, config, watch_s=None)
        offline.issue("CT")
        offline.call_next(2, ["CT"])
        offline.close()
        hub.restart()
        state = display_states.wait_for(lambda s: s[-1].connected, timeout=15)[-1]
        assert state.resync
        assert display.snapshot().serving_at(2).number == "A001"
    finally:
        display.close()


def test_unreachable_hub_reports_lost_at_once(tmp_path):
    states = Collector()
    queue = RemoteQueue("http://127.0.0.1:9", KEY, on_connection=states, timeout_s=1)
    try:
        state = states.wait_for(lambda s: bool(s))[-1]
        assert not state.connected and state.error
        with pytest.raises(HubUnavailable):
            queue.snapshot()
        wait_until(lambda: queue.connection is not None and not queue.connection.connected)
    finally:
        queue.close()
