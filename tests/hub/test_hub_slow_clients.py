"""Slow clients cannot lock the others out of the hub: a body trickling in is answered 408
and its connection closed after limits.BODY_TIMEOUT_S, idle and half-sent connections are
closed after limits.IDLE_TIMEOUT_S, and meanwhile every other station is answered at once.
The limits are shortened here (the hub reads them at start and at each use)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time

import pytest
import requests

from kiosk.hub import limits
from kiosk.hub import protocol as p
from kiosk.hub.server import start_hub_in_thread
from tests.hubutil import KEY

BODY_TIMEOUT_S = 1.0
IDLE_TIMEOUT_S = 1.5
LINGER_S = 0.5
SLOW_CONNECTIONS = 8


@pytest.fixture
def hub(tmp_path, config, monkeypatch):
    monkeypatch.setattr(limits, "BODY_TIMEOUT_S", BODY_TIMEOUT_S)
    monkeypatch.setattr(limits, "IDLE_TIMEOUT_S", IDLE_TIMEOUT_S)
    monkeypatch.setattr(limits, "LINGER_S", LINGER_S)
    handle = start_hub_in_thread(tmp_path / "hub.db", config, KEY, port=0)
    handle.port = int(handle.url.rsplit(":", 1)[1])
    yield handle
    handle.stop()


class SlowClient(threading.Thread):
    """A connection that sends `head`, then one byte of its body every `every_s` seconds,
    for at most `for_s` seconds; records when the hub answered and when it closed."""

    def __init__(self, port: int, head: bytes, every_s: float = 0.25, for_s: float = 6.0):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=for_s)
        self.head, self.every_s, self.for_s = head, every_s, for_s
        self.started = time.monotonic()
        self.answer = b""
        self.answered_after: float | None = None
        self.closed_after: float | None = None

    def run(self) -> None:
        self.sock.setblocking(False)
        try:
            self.sock.sendall(self.head)
            deadline = self.started + self.for_s
            while time.monotonic() < deadline:
                try:
                    chunk = self.sock.recv(65536)
                except BlockingIOError:
                    chunk = None
                except OSError:
                    chunk = b""
                if chunk == b"":
                    self.closed_after = time.monotonic() - self.started
                    return
                if chunk:
                    self.answer += chunk
                    if self.answered_after is None:
                        self.answered_after = time.monotonic() - self.started
                    continue
                try:
                    if self.head.endswith(b"\r\n\r\n"):
                        self.sock.send(b" ")  # one byte of the body
                    else:
                        self.sock.send(b"x")  # one byte more of a header line
                except OSError:
                    self.closed_after = time.monotonic() - self.started
                    return
                time.sleep(self.every_s)
        finally:
            self.sock.close()

    @property
    def status(self) -> int | None:
        return int(self.answer.split()[1]) if self.answer.startswith(b"HTTP/1.1 ") else None


def slow_post(port: int, length: int, key: str = KEY) -> bytes:
    return (f"POST {p.TICKETS_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Office-Key: {key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n").encode()


def keep_serving(hub, seconds: float) -> list[float]:
    """Another station's requests during `seconds`: how long each one took."""
    http = requests.Session()
    http.trust_env = False
    headers = {p.KEY_HEADER: KEY}
    took = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.monotonic()
        r = http.post(hub.url + p.TICKETS_PATH, json={"service": "CT"}, headers=headers,
                      timeout=5)
        assert r.status_code == 200, r.text
        r = http.get(hub.url + p.SNAPSHOT_PATH, headers=headers, timeout=5)
        assert r.status_code == 200, r.text
        took.append(time.monotonic() - start)
    http.close()
    return took


def test_slow_bodies_get_408_and_never_hold_up_the_other_stations(hub):
    slow = [SlowClient(hub.port, slow_post(hub.port, 1000)) for _ in range(SLOW_CONNECTIONS)]
    for client in slow:
        client.start()
    took = keep_serving(hub, 2.5)
    for client in slow:
        client.join(10)
    assert len(took) > 10 and max(took) < 0.5, took
    for client in slow:
        assert client.status == 408, client.answer
        body = json.loads(client.answer.partition(b"\r\n\r\n")[2])
        assert body["error"] == "body_timeout" and body["message_vi"]
        assert BODY_TIMEOUT_S - 0.1 <= client.answered_after < BODY_TIMEOUT_S + 1.0
        # then the hub hangs up (after reading, at most LINGER_S, what was still coming)
        assert client.closed_after is not None, "the hub kept the slow connection open"
        assert client.closed_after < BODY_TIMEOUT_S + LINGER_S + 1.0
    assert len(hub.queue.snapshot().waiting_tickets) == len(took)


def test_a_body_larger_than_allowed_is_refused_before_it_arrives(hub):
    # The city server's case: 4 MB announced, a byte now and then.
    slow = [SlowClient(hub.port, slow_post(hub.port, 4 * 1024 * 1024))
            for _ in range(SLOW_CONNECTIONS)]
    for client in slow:
        client.start()
    took = keep_serving(hub, 1.0)
    for client in slow:
        client.join(10)
    assert max(took) < 0.5, took
    for client in slow:
        assert client.status == 413, client.answer
        assert client.answered_after < 0.5
        assert client.closed_after is not None and client.closed_after < LINGER_S + 1.0


def test_idle_and_half_sent_connections_are_closed(hub):
    idle = [socket.create_connection(("127.0.0.1", hub.port)) for _ in range(SLOW_CONNECTIONS)]
    half = [SlowClient(hub.port, f"GET {p.SNAPSHOT_PATH} HTTP/1.1\r\nX-Pad: ".encode(),
                       every_s=0.25) for _ in range(SLOW_CONNECTIONS)]
    for client in half:
        client.start()
    took = keep_serving(hub, 1.0)
    assert max(took) < 0.5, took
    for client in half:
        client.join(10)
        assert client.closed_after is not None, "a half-sent request kept its connection"
        assert client.closed_after < IDLE_TIMEOUT_S + 1.5
    for sock in idle:
        sock.settimeout(IDLE_TIMEOUT_S + 2)
        start = time.monotonic()
        with contextlib.suppress(ConnectionResetError):
            assert sock.recv(1) == b""
        assert time.monotonic() - start < IDLE_TIMEOUT_S + 2
        sock.close()


def test_a_slow_body_without_a_key_is_dropped_too(hub):
    slow = SlowClient(hub.port, slow_post(hub.port, 1000, key="wrong-key-00000"))
    slow.start()
    slow.join(10)
    assert slow.status == 401
    assert slow.closed_after is not None and slow.closed_after < LINGER_S + 1.0
