"""A counter that loses the hub keeps intake working and keeps what it records (dossier links,
finish) in its local outbox; when the hub returns the outbox reaches it once and only once."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

from kiosk.dossiers import DossierDesk
from kiosk.queue.errors import HubUnavailable
from kiosk.queue.remote import RemoteQueue
from kiosk.store import connect
from tests.dossiers.test_dossiers_helpers import CLERK, intake
from tests.hubutil import KEY, Collector, hub_fixture, hub_pool_fixture, wait_until  # noqa: F401 (fixtures)


def hub_events(db_path, ticket_id: int) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT kind, at FROM queue_events WHERE ticket_id = ? ORDER BY id",
                            (ticket_id,)).fetchall()
    finally:
        conn.close()


def test_offline_records_replay_once_and_only_once(hub, tmp_path, config):
    counter_db = tmp_path / "counter" / "kiosk.db"
    states = Collector()
    counter = RemoteQueue(hub.url, KEY, outbox_path=counter_db, on_connection=states,
                          timeout_s=2)
    kiosk = RemoteQueue(hub.url, KEY)
    try:
        assert counter.wait_events(10)
        first, second = kiosk.issue("CT"), kiosk.issue("CT")
        assert counter.call_next(1, ["CT"], "Lan").id == first.id

        hub.stop()
        states.wait_for(lambda s: not s[-1].connected)
        # Intake keeps working: it only needs the counter's own database.
        desk_db = connect(counter_db)
        dossier = DossierDesk(desk_db, config).save_intake(intake("1.004194"), clerk=CLERK)
        desk_db.conn.close()

        linked = counter.link_dossier(first.id, dossier.code)
        assert linked.dossiers == (dossier.code,)  # what the hub will record
        finished_here = datetime.now().astimezone()
        done = counter.finish(1)
        assert done.id == first.id and done.status == "done"
        assert counter.pending() == 2
        assert counter.connection.pending >= 1 and not counter.connection.connected
        with pytest.raises(HubUnavailable):
            counter.call_next(1, ["CT"])  # calling needs the hub

        hub.restart()
        wait_until(lambda: counter.pending() == 0, timeout=15)
        kinds = [k for k, _ in hub_events(hub.db_path, first.id)]
        assert kinds == ["issued", "called", "dossier_linked", "finished"]
        finished_at = datetime.fromisoformat(hub_events(hub.db_path, first.id)[-1][1])
        # The clerk's time, not the replay's: service-time statistics stay right.
        assert abs((finished_at - finished_here).total_seconds()) < 2
        assert kiosk.get(first.id).dossiers == (dossier.code,)
        assert kiosk.get(first.id).status == "done"

        # The counter crashes after the hub applied the ops but before marking them sent:
        # the next start replays them; the hub recognises the operation ids.
        conn = sqlite3.connect(counter_db)
        conn.execute("UPDATE counter_outbox SET sent_at = NULL")
        conn.commit()
        conn.close()
        counter.close()
        counter = RemoteQueue(hub.url, KEY, outbox_path=counter_db, timeout_s=2)
        assert counter.pending() == 2
        assert counter.flush() == 2
        assert [k for k, _ in hub_events(hub.db_path, first.id)] == kinds

        # And calling works again, in order after the replayed finish.
        assert counter.call_next(1, ["CT"]).id == second.id
    finally:
        counter.close()
        kiosk.close()


def test_a_refused_replay_is_set_aside_and_does_not_block(hub, tmp_path):
    counter_db = tmp_path / "counter" / "kiosk.db"
    counter = RemoteQueue(hub.url, KEY, outbox_path=counter_db, timeout_s=2)
    try:
        ticket = counter.issue("HT")
        counter.call_next(3, ["HT"])
        hub.stop()
        with pytest.raises(HubUnavailable):
            counter.link_dossier(99_999, "000.00.01.H26-260115-0001")  # unknown here: kept
        counter.link_dossier(ticket.id, "000.00.01.H26-260115-0002")
        assert counter.pending() == 2
        hub.restart()
        assert counter.flush() == 1
        assert counter.pending() == 0
        assert counter.get(ticket.id).dossiers == ("000.00.01.H26-260115-0002",)
        conn = sqlite3.connect(counter_db)
        reasons = [r for (r,) in conn.execute(
            "SELECT set_aside_reason FROM counter_outbox WHERE set_aside_at IS NOT NULL")]
        conn.close()
        assert len(reasons) == 1 and reasons[0].startswith("ticket_not_found")
    finally:
        counter.close()
