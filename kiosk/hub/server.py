"""Running the hub: in the foreground (`kiosk hub`) or on a background thread of the station
that owns the office database (the ticket kiosk: `start_hub_in_thread`). With a certificate
and its key ([hub] tls_cert, tls_key) it serves HTTPS and WSS (kiosk/tls.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from kiosk.config import Config
from kiosk.hub import limits
from kiosk.hub.app import HubState, make_app
from kiosk.queue.local import LocalQueue
from kiosk.queue.settings import DEFAULT_PORT, key_problem, tls_problem

log = logging.getLogger(__name__)


class HubError(RuntimeError):
    """The hub cannot start (no usable office key, port taken, ...)."""


def _url(host: str, port: int, tls: bool = False) -> str:
    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::", ""):
        shown = "127.0.0.1"  # what a client on this PC can use; the LAN uses this PC's address
    return f"{'https' if tls else 'http'}://{shown}:{port}"


def _check(key: str, tls_cert: str, tls_key: str) -> ssl.SSLContext | None:
    """The office key and TLS files, checked before anything starts (HubError naming the
    setting); the server's SSL context, or None for plain HTTP."""
    from kiosk.tls import server_context

    problem = key_problem(key) or tls_problem(tls_cert, tls_key)
    if problem:
        raise HubError(problem)
    try:
        return server_context(tls_cert, tls_key)
    except (OSError, ValueError) as exc:  # ssl.SSLError: not a PEM pair, key does not match
        raise HubError(f"[hub] tls_cert {tls_cert} and tls_key {tls_key} cannot be loaded as a "
                       f"certificate and its private key: {exc}") from exc


async def _run(queue: LocalQueue, key: str, host: str, port: int,
               on_ready: Callable[[str, asyncio.AbstractEventLoop, asyncio.Event], None],
               install_signals: bool, tls: ssl.SSLContext | None = None,
               wrong_keys: tuple[int, float] | None = None) -> None:
    loop = asyncio.get_running_loop()
    state = HubState(key, loop, base_seq=0, db_path=queue.db_path)
    if wrong_keys is not None:
        state.guard.limit, state.guard.window_s = wrong_keys
    unsubscribe, state.base_seq = queue.subscribe_at(state.publish_threadsafe)
    state.last_seq = state.base_seq
    # Idle or slow connections are closed (kiosk/hub/limits.py); each connection is served
    # on its own, so one that stalls holds nothing but its socket.
    # Connections per client address and in all are capped (limits.ConnectionGate).
    runner = limits.GatedAppRunner(make_app(queue, state), gate=limits.ConnectionGate("hub"),
                                   access_log=None, handle_signals=False,
                                   shutdown_timeout=2.0, keepalive_timeout=limits.IDLE_TIMEOUT_S,
                                   lingering_time=limits.LINGER_S, logger=limits.server_logger())
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port, ssl_context=tls, backlog=128)
        try:
            await site.start()
        except OSError as exc:
            raise HubError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        sockets = site._server.sockets if site._server else []  # type: ignore[union-attr]
        bound = sockets[0].getsockname()[1] if sockets else port
        done = asyncio.Event()
        if install_signals:
            import signal

            for sig in (signal.SIGINT, signal.SIGTERM):
                # Not on Windows, nor off the main thread.
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(sig, done.set)
        url = _url(host, bound, tls is not None)
        log.info("hub listening on %s", url)
        on_ready(url, loop, done)
        await done.wait()
    finally:
        unsubscribe()
        await runner.cleanup()
        state.executor.shutdown(wait=True)
        state.close()


def serve_hub(db_path: Path | str, config: Config, key: str, *, host: str = "127.0.0.1",
              port: int = DEFAULT_PORT, on_ready: Callable[[str], None] | None = None,
              tls_cert: str = "", tls_key: str = "") -> None:
    """Serve the queue of `db_path` until SIGINT/SIGTERM. `on_ready(url)` once listening.
    With `tls_cert` and `tls_key` (PEM files): HTTPS and WSS."""
    tls = _check(key, tls_cert, tls_key)
    queue = LocalQueue(db_path, config)
    try:
        asyncio.run(_run(queue, key, host, port,
                         lambda url, loop, done: on_ready(url) if on_ready else None, True,
                         tls))
    finally:
        queue.close()


@dataclass
class HubHandle:
    """A hub running on a background thread. `queue` is its LocalQueue: the hosting station
    uses it directly (its events reach the LAN like any other)."""

    url: str
    queue: LocalQueue
    thread: threading.Thread
    _loop: asyncio.AbstractEventLoop = field(repr=False)
    _done: asyncio.Event = field(repr=False)
    _owns_queue: bool = field(default=True, repr=False)

    def stop(self, timeout: float = 10.0) -> None:
        with contextlib.suppress(RuntimeError):  # loop already closed
            self._loop.call_soon_threadsafe(self._done.set)
        self.thread.join(timeout)
        if self.thread.is_alive():
            log.error("the hub thread did not stop within %.0f s", timeout)
        if self._owns_queue:
            self.queue.close()


def start_hub_in_thread(db_path: Path | str, config: Config, key: str, *,
                        host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                        queue: LocalQueue | None = None, timeout: float = 15.0,
                        tls_cert: str = "", tls_key: str = "",
                        wrong_keys: tuple[int, float] | None = None) -> HubHandle:
    """Start the hub on a daemon thread and return once it listens (HubError if it cannot).
    Pass `queue` to share a LocalQueue the caller already uses (it is then not closed).
    With `tls_cert` and `tls_key` (PEM files): HTTPS and WSS. `wrong_keys`: (limit,
    window_s) of the wrong-key guard instead of 10 in 60 s."""
    tls = _check(key, tls_cert, tls_key)
    owns = queue is None
    queue = queue or LocalQueue(db_path, config)
    ready = threading.Event()
    result: dict = {}

    def on_ready(url: str, loop: asyncio.AbstractEventLoop, done: asyncio.Event) -> None:
        result.update(url=url, loop=loop, done=done)
        ready.set()

    def main() -> None:
        try:
            asyncio.run(_run(queue, key, host, port, on_ready, False, tls, wrong_keys))
        except BaseException as exc:
            result["error"] = exc
            if not ready.is_set():
                ready.set()
            else:
                log.exception("the hub stopped with an error")

    thread = threading.Thread(target=main, name="office-hub", daemon=True)
    thread.start()
    if not ready.wait(timeout) or "error" in result:
        if owns:
            queue.close()
        exc = result.get("error")
        if isinstance(exc, HubError):
            raise exc
        raise HubError(f"the hub did not start: {exc!r}" if exc else "the hub did not start")
    return HubHandle(result["url"], queue, thread, result["loop"], result["done"], owns)
