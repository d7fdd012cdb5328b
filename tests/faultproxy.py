"""Helpers for the sync tests: a fault-injecting HTTP proxy, the reference city server as a
real process, and a station database with seeded records.

The proxy sits between the sync worker and the city server on 127.0.0.1 and, per request,
passes it on or injects a fault: connections dropped before or after the server saw the
request, 500/503/429 answers (with Retry-After), resets half-way through the answer, answers
slower than the client's timeout, requests delivered twice, answers lost after the server
committed. It speaks just enough HTTP/1.1 for that: one request per client connection
(answers go back with `Connection: close`), bodies by Content-Length.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import socket
import sqlite3
import struct
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import requests

PASS = "pass"
DROP = "drop"                      # close the connection before forwarding
RESET = "reset"                    # TCP RST before forwarding
ERROR_500 = "500"
ERROR_503 = "503"                  # with Retry-After if the proxy has one
TOO_MANY = "429"
RESET_MID_RESPONSE = "reset_mid_response"  # server committed; half the answer, then RST
SLOW = "slow"                      # server committed; answer after the client gave up
DUPLICATE = "duplicate"            # the server gets the request twice
LOSE_RESPONSE = "lose_response"    # server committed; connection closed without an answer

FAULTS = (DROP, RESET, ERROR_500, ERROR_503, TOO_MANY, RESET_MID_RESPONSE, SLOW, DUPLICATE,
          LOSE_RESPONSE)

TOKEN = "station-token-0123456789"
ADMIN_TOKEN = "admin-token-0123456789"
REVOKED_TOKEN = "revoked-token-0123456789"
ROOT = Path(__file__).resolve().parent.parent


class FaultProxy:
    """`plan(n, method, path) -> fault` decides each request (n counts from 1); without a
    plan, `faults` gives each fault's probability from a seeded RNG. `down = True` drops
    every connection (an outage)."""

    def __init__(self, upstream_url: str, *, plan: Callable[[int, str, str], str] | None = None,
                 faults: dict[str, float] | None = None, seed: int = 0,
                 slow_s: float = 1.0, retry_after: str | None = None,
                 latency_s: float = 0.0):
        host_port = upstream_url.split("://", 1)[1].rstrip("/")
        host, port = host_port.rsplit(":", 1)
        self.upstream = (host, int(port))
        self.plan = plan
        self.faults = faults or {}
        self.rng = random.Random(seed)
        self.slow_s = slow_s
        self.retry_after = retry_after
        self.latency_s = latency_s  # added to every answer that is passed on
        self.down = False
        self.seen: Counter[str] = Counter()
        self.log: list[tuple[int, str, str, str]] = []
        self._n = 0
        self._lock = threading.Lock()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self._acceptor.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._acceptor.join(5)
        self._sock.close()
        for t in self._threads:
            t.join(5)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- internals -----------------------------------------------------------------------------

    def _choose(self, method: str, path: str) -> str:
        with self._lock:
            self._n += 1
            n = self._n
            if self.down:
                fault = DROP
            elif self.plan is not None:
                fault = self.plan(n, method, path)
            else:
                fault = PASS
                roll = self.rng.random()
                for name, share in self.faults.items():
                    if roll < share:
                        fault = name
                        break
                    roll -= share
            self.seen[fault] += 1
            self.log.append((n, method, path, fault))
        return fault

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            t = threading.Thread(target=self._serve, args=(client,), daemon=True)
            t.start()
            self._threads = [x for x in self._threads if x.is_alive()] + [t]

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(30)
        try:
            request = _read_request(client)
            if request is None:
                return
            method, path, raw = request
            fault = self._choose(method, path)
            if fault == DROP:
                return
            if fault == RESET:
                _reset(client)
                return
            if fault in (ERROR_500, ERROR_503, TOO_MANY):
                client.sendall(_canned(int(fault), self.retry_after))
                return
            response = _forward(self.upstream, raw)
            if fault == DUPLICATE:
                response = _forward(self.upstream, raw)
            if fault == LOSE_RESPONSE:
                return
            if fault == RESET_MID_RESPONSE:
                client.sendall(response[: max(len(response) // 2, 1)])
                _reset(client)
                return
            time.sleep(self.slow_s if fault == SLOW else self.latency_s)
            client.sendall(response)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                client.close()


def _read_request(sock: socket.socket) -> tuple[str, str, bytes] | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    kept = [lines[0]]
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
        if name.strip().lower() not in ("connection", "keep-alive"):
            kept.append(line)
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        body += chunk
    kept.append("Connection: close")
    raw = "\r\n".join(kept).encode("latin-1") + b"\r\n\r\n" + body[:length]
    return method, path, raw


def _forward(upstream: tuple[str, int], raw: bytes) -> bytes:
    with socket.create_connection(upstream, timeout=30) as up:
        up.sendall(raw)
        chunks = []
        while True:
            chunk = up.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def _canned(status: int, retry_after: str | None) -> bytes:
    reason = {500: "Internal Server Error", 503: "Service Unavailable",
              429: "Too Many Requests"}[status]
    body = json.dumps({"error": "injected", "message": f"fault proxy {status}"}).encode()
    head = [f"HTTP/1.1 {status} {reason}", "Content-Type: application/json",
            f"Content-Length: {len(body)}", "Connection: close"]
    if retry_after is not None and status != 500:
        head.append(f"Retry-After: {retry_after}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def _reset(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


# -- the city server as a real process -----------------------------------------------------------

class CityServer:
    """`kiosk city-server` in a subprocess on an ephemeral port of 127.0.0.1."""

    def __init__(self, tmp: Path, *extra: str, tokens=(TOKEN,), admin=(ADMIN_TOKEN,),
                 revoked=(REVOKED_TOKEN,), db: str | None = None):
        self.db = db or tmp / "city.db"
        args = [sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp / "city-data"),
                "city-server", "--db", str(self.db), "--port", "0"]
        for flag, values in (("--token", tokens), ("--admin-token", admin),
                             ("--revoked-token", revoked)):
            for v in values:
                args += [flag, v]
        args += list(extra)
        self.stderr_path = tmp / "city-server.err"
        with open(self.stderr_path, "w") as err:
            self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=err, text=True,
                                         cwd=ROOT)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.proc.kill()
            raise RuntimeError(f"city server did not start: {line}"
                               f"{self.stderr_path.read_text()}")
        self.url = line.rsplit(" ", 1)[1].strip()
        self.http = requests.Session()
        self.http.trust_env = False
        self.http.headers["Authorization"] = f"Bearer {ADMIN_TOKEN}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.http.close()

    def records(self) -> list[dict]:
        out, after = [], 0
        while True:
            r = self.http.get(f"{self.url}/api/v1/records",
                              params={"after": after, "limit": 1000}, timeout=30)
            r.raise_for_status()
            data = r.json()
            out += data["records"]
            if data["next_after"] is None:
                return out
            after = data["next_after"]

    def counts(self) -> dict:
        return self.http.get(f"{self.url}/api/v1/counts", timeout=30).json()


# -- a station with records ------------------------------------------------------------------------

def seed_station(db_path: Path, tickets: int, seed: int = 1) -> int:
    """Issue and print `tickets` tickets through TicketDesk (3 outbox records each).
    The seeding connection skips fsync: this is test setup, not the code under test."""
    from kiosk.config import Config
    from kiosk.store import connect
    from sync.seed import seed_tickets

    db = connect(db_path)
    db.execute("PRAGMA synchronous = OFF")
    try:
        return seed_tickets(db, Config(), tickets, rng=random.Random(seed), serve=False)
    finally:
        db.conn.close()


def station_records(db_path: Path) -> dict[str, tuple[str, str]]:
    conn = sqlite3.connect(db_path)
    try:
        return {rid: (rtype, payload) for rid, rtype, payload in conn.execute(
            "SELECT record_id, record_type, payload FROM outbox")}
    finally:
        conn.close()


def assert_city_has_exactly(server: CityServer, db_path: Path) -> None:
    """The city holds exactly the station's records: none missing, none twice, byte-equal."""
    station = station_records(db_path)
    city = server.records()
    ids = [r["id"] for r in city]
    assert len(ids) == len(set(ids)), "a record is stored twice"
    got = {r["id"]: (r["type"], r["payload"]) for r in city}
    missing = set(station) - set(got)
    extra = set(got) - set(station)
    assert not missing, f"{len(missing)} record(s) missing at the city"
    assert not extra, f"{len(extra)} record(s) at the city the station never made"
    for rid, (rtype, payload) in station.items():
        assert got[rid][0] == rtype
        assert got[rid][1].encode("utf-8") == payload.encode("utf-8"), rid


def kiosk_cmd(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "kiosk.cli", "--data-dir", str(data_dir), *args]


def env() -> dict[str, str]:
    e = dict(os.environ)
    e.setdefault("QT_QPA_PLATFORM", "offscreen")
    return e
