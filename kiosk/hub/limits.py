"""What the hub accepts from the network: sizes, times and the ranges of numbers.

The hub answers a client's mistake with a 4xx naming it, never a 500 (kiosk/hub/app.py's
request helpers use these), and a slow or idle client cannot hold resources others need:

- a request body must arrive whole within BODY_TIMEOUT_S of the hub starting to read it,
  else 408 and the connection is closed (a station's bodies are a few hundred bytes);
- a station's backup (PUT /api/v1/backups/..., the only large body, streamed to a file) must
  arrive within BODY_TIMEOUT_S plus its size at BACKUP_MIN_RATE bytes per second;
- a connection that has not sent a complete request within IDLE_TIMEOUT_S of opening (or of
  its previous answer) is closed; stations reconnect by themselves;
- after an early answer (401, 404, 408, 413) the rest of an unread body is read and dropped
  for at most LINGER_S, then the connection is closed;
- one client address may hold at most MAX_CONNECTIONS_PER_ADDRESS connections and all
  clients together MAX_CONNECTIONS (at most half the open-file limit, which is raised to its
  hard limit at start): a connection over either is closed at once, before aiohttp gives it a
  handler; while all are taken, a newcomer from an address holding fewer than another
  (a station amid a flood from many addresses) replaces the other's oldest connection, so
  stations keep room (ConnectionGate, GatedAppRunner);
- malformed requests, refused connections and failed accept() calls are logged in at most
  MALFORMED_LOG_LINES lines, resp. one line, per LOG_INTERVAL_S, with what was left out
  counted; header values that carry a key (Authorization, X-Office-Key) never reach the log.

The module-level values are read at each use, so tests can shorten them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

BODY_TIMEOUT_S = 10.0
IDLE_TIMEOUT_S = 75.0
LINGER_S = 2.0
BACKUP_MIN_RATE = 256 * 1024  # bytes/s: 100 Mbit/s LANs do 40 times that; Wi-Fi 10 times
# A station's backup is taken only if the hub's disk keeps this much free after it (the
# smaller of the two), so backups can never fill the disk the office's queue lives on.
BACKUP_RESERVE_BYTES = 512 * 1024 * 1024
BACKUP_RESERVE_SHARE = 0.2

# Connections (ConnectionGate). The city server takes more per address: an office's
# stations may reach it through one NAT address, and several offices through one.
MAX_CONNECTIONS_PER_ADDRESS = 64
MAX_CONNECTIONS = 1024
CITY_MAX_CONNECTIONS_PER_ADDRESS = 256
CITY_MAX_CONNECTIONS = 8192

LOG_INTERVAL_S = 60.0
MALFORMED_LOG_LINES = 20     # per LOG_INTERVAL_S and server, then one summary line

MAX_JSON_DEPTH = 16          # a station's deepest body is {"records": [{"data": {...}}]}

MAX_TICKET_ID = 2 ** 63 - 1  # SQLite's INTEGER
MAX_SEQ = 2 ** 63 - 1
MAX_COUNTER = 999            # as [counter] number in the configuration

# Offline replay: a counter's outbox stamps `at` with its own clock when the clerk acts and
# sends it when the hub answers again. The hub forgets applied operation ids after 60 days
# (kiosk.queue.local.APPLIED_OPS_KEEP_DAYS), so older replays are refused well before that;
# a station clock somewhat ahead is clamped to the hub's "now" by the queue, one a day or
# more ahead is refused (its clock needs setting).
AT_MAX_AGE = timedelta(days=31)
AT_MAX_AHEAD = timedelta(days=1)

_DIGITS = re.compile(r"[0-9]{1,19}")


def ascii_int(text: str) -> int | None:
    """`text` as a whole number when it is 1 to 19 ASCII digits (no sign, no spaces, no
    other scripts' digits such as "٣" or "²"); None otherwise."""
    return int(text) if _DIGITS.fullmatch(text) else None


def at_problem(at: datetime, now: datetime | None = None) -> str | None:
    """Why `at` (an aware time from a station) cannot be when something happened, or None."""
    now = now or datetime.now(UTC)
    if at < now - AT_MAX_AGE:
        return (f"at is more than {AT_MAX_AGE.days} days in the past: an operation that old "
                "is not replayed")
    if at > now + AT_MAX_AHEAD:
        return "at is more than a day ahead of the hub's clock: set the station's clock"
    return None


class ClientErrorLog(logging.LoggerAdapter):
    """aiohttp's server logger for the hub and the city server. aiohttp logs every malformed
    request (bad request line or headers, Content-Length with chunked, a body that fails to
    decompress, a connection cut mid-body) at ERROR with a traceback; those are a client's
    mistake, so they go to INFO in one line. Anything else (a fault of the server) stays an
    ERROR."""

    def exception(self, msg: Any, *args: Any, exc_info: Any = True, **kwargs: Any) -> None:
        exc = exc_info if isinstance(exc_info, BaseException) else sys.exc_info()[1]
        if _client_mistake(exc):
            # One line, without the key a bad header line carried, and not one per request
            # in a flood (MALFORMED_LOG_LINES per LOG_INTERVAL_S, then a count).
            prefix = self.extra["prefix"]
            if _malformed_budget(prefix).take():
                self.logger.info(f"{prefix}: {msg}: %s", *args, redact_header_values(
                    re.sub(r"\s+", " ", f"{type(exc).__name__}: {exc}"))[:300])
            return
        self.logger.error(msg, *args, exc_info=exc_info, **kwargs)


# A key header and its value (as aiohttp quotes a bad header line: b'X-Office-Key: KEY\x00').
_KEY_HEADER_VALUE = re.compile(
    r"((?:proxy-)?authorization|x-office-key|cookie)(\s*[:=]\s*)(?:(bearer|basic)\s+)?"
    r"(?:\\.|[^\s'\"\\])+", re.IGNORECASE)
# Anything else shaped like a key: a long run of key characters (not a path's "/" or ".")
# holding a digit and a letter, or a very long one.
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_\-+=~]{16,}")


def redact_header_values(text: str) -> str:
    """`text` (an aiohttp parser error) with key header values and token-like runs as ***."""
    text = _KEY_HEADER_VALUE.sub(
        lambda m: f"{m.group(1)}{m.group(2)}{m.group(3) + ' ' if m.group(3) else ''}***", text)
    return _TOKEN_LIKE.sub(lambda m: "***" if re.search(r"[0-9]", m.group())
                           and re.search(r"[A-Za-z]", m.group()) or len(m.group()) >= 32
                           else m.group(), text)


class LineBudget:
    """At most `lines` log lines per LOG_INTERVAL_S; what is left out is counted and said
    in one line when the interval ends (or at the next line after it)."""

    def __init__(self, prefix: str, what: str, lines: int | None = None,
                 clock: Any = time.monotonic):
        self.prefix, self.what, self.lines, self.clock = prefix, what, lines, clock
        self.start = clock()
        self.used = 0
        self.suppressed = 0
        self._scheduled = False

    def take(self) -> bool:
        """True: log this one; False: it is counted instead."""
        if self.clock() - self.start >= LOG_INTERVAL_S:
            self.flush()
        if self.used < (self.lines if self.lines is not None else MALFORMED_LOG_LINES):
            self.used += 1
            return True
        self.suppressed += 1
        if not self._scheduled:
            with contextlib.suppress(RuntimeError):  # no running loop: said at the next line
                asyncio.get_running_loop().call_later(LOG_INTERVAL_S, self.flush)
                self._scheduled = True
        return False

    def flush(self) -> None:
        if self.suppressed:
            logging.getLogger("aiohttp.server").warning(
                "%s: %d more %s suppressed in the last %.0f s", self.prefix, self.suppressed,
                self.what, LOG_INTERVAL_S)
        self.start, self.used, self.suppressed, self._scheduled = self.clock(), 0, 0, False


_BUDGETS: dict[str, LineBudget] = {}


def _malformed_budget(prefix: str) -> LineBudget:
    if prefix not in _BUDGETS:
        _BUDGETS[prefix] = LineBudget(prefix, "malformed requests")
    return _BUDGETS[prefix]


def _client_mistake(exc: BaseException | None) -> bool:
    from aiohttp.http_exceptions import HttpProcessingError
    from aiohttp.web_protocol import RequestPayloadError

    while exc is not None:
        if isinstance(exc, (HttpProcessingError, RequestPayloadError, ConnectionError)):
            return True
        exc = exc.__cause__
    return False


def server_logger(prefix: str = "hub") -> ClientErrorLog:
    """aiohttp's server logger for one of our servers (the hub, the city server)."""
    return ClientErrorLog(logging.getLogger("aiohttp.server"), {"prefix": prefix})


# -- connections --------------------------------------------------------------------------------

def raise_open_file_limit() -> int | None:
    """Raise this process's soft RLIMIT_NOFILE to its hard limit where allowed; the soft limit
    then (None where there is none: Windows)."""
    try:
        import resource
    except ImportError:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return None if soft == resource.RLIM_INFINITY else soft


class ConnectionGate:
    """Open connections per client address and in all, for one server. `admit` says whether
    a new connection may stay: at most `per_address` from one address; at most `total` in all,
    except that while all are taken, a newcomer from an address holding fewer than the
    heaviest one (by two or more) closes that one's oldest connection and takes its place.
    Refusals are logged in one line per LOG_INTERVAL_S."""

    def __init__(self, prefix: str = "hub", per_address: int | None = None,
                 total: int | None = None):
        self.prefix = prefix
        self.per_address = per_address or MAX_CONNECTIONS_PER_ADDRESS
        self.total = total or MAX_CONNECTIONS
        self.open: Counter[str] = Counter()
        self.count = 0
        self.held: dict[str, dict[Any, None]] = {}  # address -> its connections, oldest first
        self._refused: Counter[str] = Counter()

    def admit(self, address: str, connection: Any) -> bool:
        """`connection` (with a transport) may stay; else it is counted as refused."""
        held = self.open.get(address, 0)
        if held >= self.per_address:
            self._refuse(address)
            return False
        if self.count >= self.total:
            heaviest, most = self.open.most_common(1)[0]
            if most < held + 2:
                self._refuse(address)
                return False
            victim = next(iter(self.held[heaviest]))
            self.release(heaviest, victim)
            self._refuse(heaviest)
            victim.transport.abort()
        self.open[address] = held + 1
        self.held.setdefault(address, {})[connection] = None
        self.count += 1
        return True

    def release(self, address: str, connection: Any) -> bool:
        """Forget `connection`; False if it was already forgotten (closed to make room)."""
        connections = self.held.get(address)
        if connections is None or connection not in connections:
            return False
        del connections[connection]
        self.count -= 1
        self.open[address] -= 1
        if self.open[address] <= 0:
            del self.open[address], self.held[address]
        return True

    def _refuse(self, address: str) -> None:
        first = not self._refused
        self._refused[address] += 1
        if first:
            with contextlib.suppress(RuntimeError):
                asyncio.get_running_loop().call_later(LOG_INTERVAL_S, self.flush)

    def flush(self) -> None:
        if self._refused:
            top = ", ".join(f"{a} ({n})" for a, n in self._refused.most_common(3))
            logging.getLogger("aiohttp.server").warning(
                "%s: closed %d connection(s) over the limit (%d per address, %d in all) in "
                "the last %.0f s, most from %s", self.prefix, self._refused.total(),
                self.per_address, self.total, LOG_INTERVAL_S, top)
            self._refused.clear()


def _peer(transport: asyncio.BaseTransport) -> str:
    peer = transport.get_extra_info("peername")
    return str(peer[0]) if isinstance(peer, (tuple, list)) and peer else str(peer or "?")


class _GatedHandler(RequestHandler):
    """aiohttp's handler of one connection, asking the gate first: a connection over the caps
    is aborted in connection_made, before aiohttp registers it or starts its task."""

    _gate: ConnectionGate
    _gate_address: str | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        address = _peer(transport)
        self.transport = transport  # type: ignore[assignment]  # for the gate to close it
        if not self._gate.admit(address, self):
            self._manager = None  # aiohttp's connection_lost then does nothing
            transport.abort()
            return
        self._gate_address = address
        super().connection_made(transport)

    def connection_lost(self, exc: BaseException | None) -> None:
        if self._gate_address is not None:
            self._gate.release(self._gate_address, self)
            self._gate_address = None
        super().connection_lost(exc)


class _GatedServer(web.Server):
    """web.Server whose connections are _GatedHandlers (Server.__call__ is the protocol
    factory loop.create_server calls for each accepted connection)."""

    gate: ConnectionGate

    def __call__(self) -> RequestHandler:
        handler = _GatedHandler(self, loop=self._loop, **self._kwargs)
        handler._gate = self.gate
        return handler


class GatedAppRunner(web.AppRunner):
    """web.AppRunner with a ConnectionGate (hub and city server). At setup it raises the
    open-file limit, keeps the gate's total below half of it, and logs the event loop's
    "socket.accept() out of system resource" errors in one line per LOG_INTERVAL_S instead
    of a traceback each.

    The hook (aiohttp 3.14): AppRunner._make_server builds the web.Server from the app; we
    build a _GatedServer with the same handler, request factory and keyword arguments."""

    def __init__(self, app: web.Application, *, gate: ConnectionGate, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.gate = gate

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        gated = _GatedServer(server.request_handler, request_factory=server.request_factory,
                             handler_cancellation=server.handler_cancellation,
                             loop=server._loop, **server._kwargs)
        gated.gate = self.gate
        return gated

    async def setup(self) -> None:
        nofile = raise_open_file_limit()
        if nofile is not None:
            self.gate.total = max(16, min(self.gate.total, nofile // 2))
        quiet_accept_errors(asyncio.get_running_loop(), self.gate.prefix)
        await super().setup()


def quiet_accept_errors(loop: asyncio.AbstractEventLoop, prefix: str) -> None:
    """Log the loop's failed accept() calls (out of file descriptors) in one line per
    LOG_INTERVAL_S; anything else goes to the handler the loop had."""
    previous = loop.get_exception_handler()
    budget = LineBudget(prefix, "failed accept() calls (out of file descriptors?)", lines=1)

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if str(context.get("message", "")).startswith("socket.accept() out of system"):
            if budget.take():
                logging.getLogger("aiohttp.server").warning(
                    "%s: accept() failed: %s; refusing connections until it works again",
                    prefix, context.get("exception"))
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(handler)


def backup_room(folder: Any, length: int) -> str | None:
    """Why the disk holding `folder` cannot take a backup of `length` bytes, or None."""
    import shutil

    usage = shutil.disk_usage(folder)
    reserve = min(BACKUP_RESERVE_BYTES, int(usage.total * BACKUP_RESERVE_SHARE))
    if usage.free - length < reserve:
        return (f"the hub's disk would keep less than {reserve // (1024 * 1024)} MB free "
                "after this backup: free space on the hub PC, or lower [backup] hub_keep")
    return None
