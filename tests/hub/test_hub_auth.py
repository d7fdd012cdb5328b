"""Office key, request limits and the wire protocol of the hub."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import aiohttp
import pytest
import requests

from kiosk.hub import protocol as p
from kiosk.hub.server import HubError, start_hub_in_thread
from kiosk.queue.errors import Unauthorized
from kiosk.queue.remote import RemoteQueue
from tests.hubutil import (
    KEY,
    ROOT,
    Collector,
    hub_pool_fixture,  # noqa: F401 (fixtures)
    wait_until,
)

ENDPOINTS = [
    ("GET", p.SERVICES_PATH, None),
    ("GET", p.SNAPSHOT_PATH, None),
    ("POST", p.TICKETS_PATH, {"service": "CT"}),
    ("GET", p.TICKETS_PATH + "/1", None),
    ("POST", p.TICKETS_PATH + "/1/print", {"ok": True}),
    ("POST", p.TICKETS_PATH + "/1/dossiers", {"dossier_code": "000.00.01.H26-260115-0001"}),
    ("GET", p.COUNTERS_PATH + "/1", None),
    ("POST", p.COUNTERS_PATH + "/1/next", {}),
    ("POST", p.COUNTERS_PATH + "/1/recall", {}),
    ("POST", p.COUNTERS_PATH + "/1/skip", {}),
    ("POST", p.COUNTERS_PATH + "/1/transfer", {"to_service": "HT"}),
    ("POST", p.COUNTERS_PATH + "/1/finish", {}),
]


def ws_handshake_status(url: str, headers: dict[str, str]) -> int:
    async def go() -> int:
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(url + p.EVENTS_PATH, headers=headers) as ws:
                    await ws.close()
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    return asyncio.run(go())


@pytest.fixture
def hub(tmp_path, config):
    """A hub on a thread of this process (quick to start; the protocol is the same)."""
    handle = start_hub_in_thread(tmp_path / "hub.db", config, KEY, port=0)
    yield handle
    handle.stop()


@pytest.fixture
def hub_process(hub_pool):
    h = hub_pool.take()
    yield h
    h.stop()


def test_wrong_or_missing_key_is_refused(tmp_path, config):
    # Many wrong keys from one address: the guard is widened here (tests/hub/test_hub_roles.py
    # has the real limit).
    hub = start_hub_in_thread(tmp_path / "hub.db", config, KEY, port=0,
                              wrong_keys=(1000, 60.0))
    http = requests.Session()
    http.trust_env = False
    try:
        for headers in ({}, {"Authorization": "Bearer wrong-key-0000"},
                        {p.KEY_HEADER: "wrong-key-0000"}, {"Authorization": f"Basic {KEY}"},
                        {p.KEY_HEADER: KEY[:-1]}):
            for method, path, body in ENDPOINTS:
                r = http.request(method, hub.url + path, json=body, headers=headers, timeout=5)
                assert r.status_code == 401, (headers, path)
                assert r.json()["error"] == "unauthorized"
            assert ws_handshake_status(hub.url, headers) == 401
        # Nothing was changed by the refused requests.
        snap = http.get(hub.url + p.SNAPSHOT_PATH, headers={p.KEY_HEADER: KEY}).json()
        assert snap["seq"] == 0 and snap["waiting_tickets"] == []
        assert http.get(hub.url + p.HEALTH_PATH).json()["status"] == "ok"  # no queue data
        assert ws_handshake_status(hub.url, {p.KEY_HEADER: KEY}) == 101
        assert ws_handshake_status(hub.url, {"Authorization": f"Bearer {KEY}"}) == 101

        states = Collector()
        wrong = RemoteQueue(hub.url, "wrong-key-0000", on_connection=states)
        with pytest.raises(Unauthorized) as info:
            wrong.issue("CT")
        assert "office key" in info.value.message_vi
        state = states.wait_for(lambda s: bool(s))[-1]
        assert not state.connected and state.error == "unauthorized"
        wrong.close()
    finally:
        http.close()
        hub.stop()


def test_hub_refuses_to_start_without_a_usable_key(tmp_path, config):
    proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp_path),
                           "hub", "--port", "0"], capture_output=True, text=True, cwd=ROOT,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, timeout=60)
    assert proc.returncode == 2 and "office key" in proc.stderr
    with pytest.raises(HubError, match="at least 16"):
        start_hub_in_thread(tmp_path / "x.db", config, "short-key-0123", port=0)
    with pytest.raises(HubError, match="different characters"):
        start_hub_in_thread(tmp_path / "x.db", config, "abababababababababab", port=0)


def test_limits_and_clear_json_errors(hub):
    http = requests.Session()
    http.trust_env = False
    http.headers[p.KEY_HEADER] = KEY
    url = hub.url
    try:
        big = {"service": "CT", "pad": "x" * (p.MAX_BODY_BYTES + 10)}
        r = http.post(url + p.TICKETS_PATH, json=big)
        assert r.status_code == 413 and r.json()["error"] == "body_too_large"
        r = http.post(url + p.TICKETS_PATH, data=b"{not json",
                      headers={"Content-Type": "application/json"})
        assert r.status_code == 400 and r.json()["error"] == "invalid_request"
        r = http.post(url + p.TICKETS_PATH, json=["CT"])
        assert r.status_code == 400
        r = http.post(url + p.TICKETS_PATH, json={"service": "NOPE"})
        body = r.json()
        assert r.status_code == 400 and body["error"] == "unknown_service"
        assert body["message_vi"] == "Không có dịch vụ mã NOPE." and "CT" in body["known"]
        r = http.post(url + p.TICKETS_PATH, json={"service": "CT", "priority": "vip"})
        assert r.status_code == 400 and r.json()["error"] == "invalid_request"
        r = http.post(url + p.COUNTERS_PATH + "/abc/next", json={})
        assert r.status_code == 400
        r = http.post(url + p.COUNTERS_PATH + "/1000/next", json={})
        assert r.status_code == 400
        r = http.post(url + p.COUNTERS_PATH + "/1/next", json={"op_id": "not-a-uuid"})
        assert r.status_code == 400
        r = http.post(url + p.COUNTERS_PATH + "/1/transfer", json={"to_service": "HT"})
        assert r.status_code == 409 and r.json()["error"] == "no_current_ticket"
        r = http.get(url + p.TICKETS_PATH + "/12345")
        assert r.status_code == 404 and r.json()["error"] == "ticket_not_found"
        r = http.get(url + "/api/v1/nothing-here")
        assert r.status_code == 404 and r.json()["error"] == "not_found"
        r = http.delete(url + p.SNAPSHOT_PATH)
        assert r.status_code == 405
        r = http.post(url + p.TICKETS_PATH + "/1/print", json={"ok": "yes"})
        assert r.status_code == 400
        r = http.post(url + p.COUNTERS_PATH + "/1/finish", json={"at": "2026-01-01T08:00"})
        assert r.status_code == 400  # a time without its UTC offset
    finally:
        http.close()


def test_an_operation_id_is_applied_once(hub):
    http = requests.Session()
    http.trust_env = False
    http.headers[p.KEY_HEADER] = KEY
    op = "3f1c1a52-7d4e-4b8e-9a51-0f6f3c2d9b10"
    try:
        first = http.post(hub.url + p.TICKETS_PATH, json={"service": "CT", "op_id": op}).json()
        again = http.post(hub.url + p.TICKETS_PATH, json={"service": "CT", "op_id": op}).json()
        assert first["ticket"]["number"] == again["ticket"]["number"] == "A001"
        http.post(hub.url + p.TICKETS_PATH, json={"service": "CT"})
        call = "0b0d8c5e-2a9f-4f37-8a4e-3c7e1f9b2d11"
        one = http.post(hub.url + p.COUNTERS_PATH + "/1/next", json={"op_id": call}).json()
        two = http.post(hub.url + p.COUNTERS_PATH + "/1/next", json={"op_id": call}).json()
        assert one["ticket"]["id"] == two["ticket"]["id"]  # a retried "next" calls no one else
        assert hub.queue.snapshot().waiting["CT"] == 1
    finally:
        http.close()


def test_websocket_replays_from_since_and_flags_gaps(hub):
    q = hub.queue
    q.issue("CT")
    q.issue("HT")
    q.call_next(1, ["CT"])

    async def read(since: int) -> list[dict]:
        async with aiohttp.ClientSession(headers={p.KEY_HEADER: KEY}) as session, \
                session.ws_connect(hub.url + p.EVENTS_PATH, params={"since": str(since)}) as ws:
            hello = json.loads((await ws.receive(timeout=5)).data)
            out = [hello]
            for _ in range(hello["replayed"]):
                out.append(json.loads((await ws.receive(timeout=5)).data))
            return out

    wait_until(lambda: hub.queue.snapshot().seq == 3)
    msgs = asyncio.run(read(1))
    hello, events = msgs[0], msgs[1:]
    assert hello["type"] == "hello" and hello["seq"] == 3 and not hello["gap"]
    assert [(m["type"], m["event"]["kind"], m["event"]["seq"]) for m in events] == [
        ("event", "issued", 2), ("event", "called", 3)]
    assert events[1]["event"]["counter"] == 1
    assert asyncio.run(read(3))[0] == {"type": "hello", "protocol": 1, "seq": 3,
                                       "replayed": 0, "gap": False}
    assert asyncio.run(read(99))[0]["gap"] is True  # a client of another database


def test_hub_thread_publishes_changes_made_by_other_connections(hub, config):
    """The kiosk screen issues through its own TicketDesk connection while its process hosts
    the hub: the hub still pushes those tickets to the displays."""
    from kiosk.store import connect
    from kiosk.ticketing import TicketDesk

    display = RemoteQueue(hub.url, KEY)
    try:
        events = Collector()
        display.subscribe(events)
        assert display.wait_events(10)
        db = connect(hub.queue.db_path)
        desk = TicketDesk(db, config)
        ticket = desk.issue("DD")
        desk.record_print(ticket, True)
        db.conn.close()
        got = events.wait_for(lambda es: len(es) == 2)
        assert [(e.kind, e.ticket.number) for e in got] == [("issued", "C001"),
                                                            ("printed", "C001")]
        assert got[0].waiting["DD"] == 1
    finally:
        display.close()
