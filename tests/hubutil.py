"""Helpers for the hub tests: `kiosk hub` as a real process on 127.0.0.1, and waiting for
asynchronous events."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.util import wait_until  # noqa: F401 (the hub tests import it from here)

ROOT = Path(__file__).resolve().parent.parent
KEY = "office-key-for-tests-0123"


class HubProcess:
    """`kiosk hub` in a subprocess, on an ephemeral port (or `port`, e.g. to restart on the
    same address). Its database is DATA/kiosk.db."""

    def __init__(self, data_dir: Path, *, key: str = KEY, port: int = 0,
                 config: str | None = None):
        self.data_dir = data_dir
        self.key = key
        self.port = port
        self.url = ""
        self.proc: subprocess.Popen | None = None
        if config is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
            (data_dir / "kiosk.toml").write_text(config, encoding="utf-8")
        self.start()

    @property
    def db_path(self) -> Path:
        return self.data_dir / "kiosk.db"

    def start(self) -> HubProcess:
        args = [sys.executable, "-m", "kiosk.cli", "--data-dir", str(self.data_dir), "hub",
                "--port", str(self.port), "--key", self.key]
        self.stderr_path = self.data_dir.parent / f"{self.data_dir.name}-hub.err"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.stderr_path, "a") as err:
            self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=err, text=True,
                                         cwd=ROOT)
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        if "hub listening on" not in line:
            self.proc.kill()
            raise RuntimeError(f"the hub did not start: {line!r} "
                               f"{self.stderr_path.read_text()}")
        self.url = line.rsplit(" ", 1)[1].strip()
        self.port = int(self.url.rsplit(":", 1)[1])
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()

    def restart(self) -> HubProcess:
        self.stop()
        deadline = time.monotonic() + 10
        while True:
            try:
                return self.start()
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)  # the port may take a moment to be free again


def pair(hub_url: str, station_id: str, role: str, key: str = KEY) -> str:
    """A station credential from the hub at `hub_url` (POST /api/v1/pair with the office
    key)."""
    import requests

    from kiosk.hub import protocol as p

    with requests.Session() as http:
        http.trust_env = False
        r = http.post(hub_url + p.PAIR_PATH, json={"station_id": station_id, "role": role},
                      headers={p.KEY_HEADER: key}, timeout=10)
    r.raise_for_status()
    return r.json()["token"]


class Collector:
    """A subscriber that keeps what it is given and lets a test wait for it."""

    def __init__(self) -> None:
        self.items: list = []
        self._cond = threading.Condition()

    def __call__(self, item) -> None:
        with self._cond:
            self.items.append(item)
            self._cond.notify_all()

    def wait_for(self, predicate: Callable[[list], bool], timeout: float = 10.0) -> list:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(self.items):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out; got {self.items!r}")
                self._cond.wait(left)
            return list(self.items)

    def kinds(self) -> list[str]:
        with self._cond:
            return [e.kind for e in self.items]


class HubPool:
    """Hands out fresh hub processes, starting the next one in the background while a test
    runs: a hub takes about a second to start (imports), most of which then overlaps."""

    def __init__(self, make_dir: Callable[[], Path]):
        self._make_dir = make_dir
        self._next: threading.Thread | None = None
        self._ready: list[HubProcess | BaseException] = []
        self._spawn()

    def _spawn(self) -> None:
        def start() -> None:
            try:
                self._ready.append(HubProcess(self._make_dir()))
            except BaseException as exc:  # reported by take()
                self._ready.append(exc)

        self._next = threading.Thread(target=start, daemon=True)
        self._next.start()

    def take(self) -> HubProcess:
        assert self._next is not None
        self._next.join(60)
        got = self._ready.pop()
        self._spawn()
        if isinstance(got, BaseException):
            raise got
        return got

    def close(self) -> None:
        if self._next is not None:
            self._next.join(60)
        for hub in self._ready:
            if isinstance(hub, HubProcess):
                hub.stop()
        self._ready.clear()


# Fixtures for the hub tests; a test module imports them by these function names (the
# fixtures are named hub_pool and hub).
@pytest.fixture(scope="session", name="hub_pool")
def hub_pool_fixture(tmp_path_factory):
    """Fresh hub processes for the hub tests, the next one starting while a test runs."""
    pool = HubPool(lambda: tmp_path_factory.mktemp("hub") / "data")
    yield pool
    pool.close()


@pytest.fixture(name="hub")
def hub_fixture(hub_pool):
    """A fresh `kiosk hub` process for one test (stopped afterwards)."""
    h = hub_pool.take()
    yield h
    h.stop()


def read_answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (or the socket times
    out or is reset): a raw HTTP answer."""
    answer = b""
    with contextlib.suppress(OSError):
        while chunk := sock.recv(65536):
            answer += chunk
    return answer
