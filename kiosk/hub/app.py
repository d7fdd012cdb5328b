"""The office hub: the queue of this station's database served to the LAN (aiohttp).

HTTP JSON for operations and reads, a WebSocket for live events (kiosk/hub/protocol.py has
the endpoints). Every request but /health needs a key: a paired station's credential, whose
role decides what it may do (protocol.PERMISSIONS, checked here in one place), or the office
key (compared in constant time), which acts as admin. Wrong keys are rate-limited per client
address and logged once per burst (WrongKeyGuard). The WebSocket is authenticated at its
handshake like any request. Queue calls run on a small
thread pool, so the event loop never waits on the disk; events are serialised once on the
publishing thread and queued to each WebSocket client separately, so a slow display cannot
hold up the others (one that falls too far behind is disconnected and resynchronises).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import math
import os
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import WSCloseCode, WSMsgType, web

from kiosk.hub import credentials, limits
from kiosk.hub import protocol as p
from kiosk.jsonlimits import JSONLimitError, loads_limited
from kiosk.queue.errors import InvalidRequest, QueueError
from kiosk.queue.local import LocalQueue
from kiosk.queue.model import QueueEvent
from kiosk.store.faults import storage_fault
from kiosk.ticketing import Ticket, UnknownService

log = logging.getLogger(__name__)

QUEUE_KEY: web.AppKey[LocalQueue] = web.AppKey("queue", LocalQueue)
STATE_KEY: web.AppKey[HubState] = web.AppKey("state")  # type: ignore[name-defined]
CREDENTIAL: web.RequestKey[Caller] = web.RequestKey("credential")  # type: ignore[name-defined]

REPLAY_BUFFER = 5000         # events kept for reconnecting clients
CLIENT_QUEUE_LIMIT = 2000    # events waiting for one client before it is dropped
REVOKED_CHECK_S = 5.0        # how often open event connections are checked against revoking
EXECUTOR_THREADS = 4
STORAGE_LOG_S = 60.0         # a storage fault is logged once per this many seconds
STORAGE_RETRY_AFTER_S = 30   # Retry-After of a 503 for a storage fault


def error(status: int, code: str, message: str, message_vi: str | None = None,
          headers: dict[str, str] | None = None, **extra: Any) -> web.Response:
    body = {"error": code, "message": message, "message_vi": message_vi or message, **extra}
    return web.json_response(body, status=status, headers=headers,
                             dumps=lambda o: json.dumps(o, ensure_ascii=False))


def ok(data: Any) -> web.Response:
    return web.Response(text=json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                        content_type="application/json", charset="utf-8")


def ticket_body(ticket: Ticket | None) -> web.Response:
    return ok({"ticket": ticket.as_json() if ticket is not None else None})


class _Client:
    def __init__(self, ws: web.WebSocketResponse, station_id: str | None = None,
                 digest: str | None = None):
        self.ws = ws
        self.station_id = station_id
        self.digest = digest
        self.queue: asyncio.Queue[str] = asyncio.Queue()
        self.dropped = False


class Caller:
    """Who sent a request: a paired station (its id and role) or the office key (admin, no
    station)."""

    def __init__(self, role: str, station_id: str | None = None, digest: str | None = None):
        self.role = role
        self.station_id = station_id
        self.digest = digest  # of the station's token (None: the office key)


class WrongKeyGuard:
    """Wrong keys per client address: after `limit` within `window_s` seconds the address is
    refused (429, Retry-After) until `window_s` has passed since the lock began, even with a
    right key. Refusals are logged once per burst: one line per address and window, with the
    count (never the key)."""

    def __init__(self, limit: int = 10, window_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window_s = window_s
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._bursts: dict[str, int] = {}

    def retry_after(self, address: str) -> float:
        """Seconds this address must still wait (0: not locked)."""
        until = self._locked_until.get(address)
        if until is None:
            return 0.0
        left = until - self.clock()
        if left <= 0:
            del self._locked_until[address]
            self._failures.pop(address, None)
            return 0.0
        return left

    def failed(self, address: str) -> None:
        now = self.clock()
        failures = self._failures.setdefault(address, deque())
        failures.append(now)
        while failures and failures[0] <= now - self.window_s:
            failures.popleft()
        if len(failures) >= self.limit:
            self._locked_until[address] = now + self.window_s
        if len(self._failures) > 10_000:  # a flood of addresses: forget the quiet ones
            for addr in [a for a, f in self._failures.items()
                         if not f or f[-1] <= now - self.window_s]:
                del self._failures[addr]

    def refused(self, address: str, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Count one refused request; the first of a burst schedules its one log line."""
        if address in self._bursts:
            self._bursts[address] += 1
            return
        self._bursts[address] = 1
        if loop is not None:
            loop.call_later(self.window_s, self.flush, address)

    def flush(self, address: str | None = None) -> None:
        for addr in [address] if address is not None else list(self._bursts):
            count = self._bursts.pop(addr, 0)
            if count:
                log.warning("hub: refused %d request(s) with a wrong or missing key from %s "
                            "in the last %.0f s", count, addr, self.window_s)


class HubState:
    """What the running hub shares between requests: key digest, credentials, the wrong-key
    guard, executor, WebSocket clients and the replay buffer. Lives on the event loop's
    thread except `publish_threadsafe`."""

    def __init__(self, key: str, loop: asyncio.AbstractEventLoop, base_seq: int,
                 db_path: Any = None):
        self.key_digest = hashlib.sha256(key.encode("utf-8")).digest()
        self.db_path = db_path
        self._auth_db: Any = None  # read on the loop's thread only
        self.guard = WrongKeyGuard()
        self.loop = loop
        self.executor = ThreadPoolExecutor(max_workers=EXECUTOR_THREADS,
                                           thread_name_prefix="hub-db")
        self.clients: set[_Client] = set()
        self.recent: deque[tuple[int, str]] = deque(maxlen=REPLAY_BUFFER)
        self.base_seq = base_seq  # events up to this seq cannot be replayed
        self.last_seq = base_seq
        self.instance = str(uuid.uuid4())
        self.storage_logged_at = -math.inf  # last storage fault logged (time.monotonic)
        self.backups_arriving: set[str] = set()  # stations whose backup is being received

    def key_ok(self, presented: str) -> bool:
        digest = hashlib.sha256(presented.encode("utf-8")).digest()
        return hmac.compare_digest(digest, self.key_digest)

    def identify(self, presented: str) -> Caller | None:
        """The caller this key belongs to: the office key (admin), a live station
        credential, or None."""
        if not presented:
            return None
        if self.key_ok(presented):
            return Caller("admin")
        if self.db_path is None or len(presented) > 256:
            return None
        if self._auth_db is None:
            from kiosk.store import connect

            self._auth_db = connect(self.db_path)
        found = credentials.lookup(self._auth_db, presented)
        if found is None:
            return None
        return Caller(found.role, found.station_id, credentials.digest(presented))

    def drop_revoked(self) -> None:
        """Close the event connections of stations revoked or paired again since they
        connected (also by `kiosk hub revoke` on this PC, which does not go through HTTP)."""
        if self._auth_db is None:
            return
        for client in list(self.clients):
            if client.digest and not client.dropped and not credentials.is_live(
                    self._auth_db, client.digest):
                client.dropped = True
                log.info("hub: closing the events of station %s: its key was revoked",
                         client.station_id)
                asyncio.ensure_future(client.ws.close(code=WSCloseCode.POLICY_VIOLATION,
                                                      message=b"revoked"))

    def close(self) -> None:
        self.guard.flush()
        if self._auth_db is not None:
            with contextlib.suppress(Exception):
                self._auth_db.conn.close()

    def publish_threadsafe(self, event: QueueEvent) -> None:
        """The queue's subscriber (a queue thread): serialise here, deliver on the loop."""
        text = json.dumps({"type": "event", "event": event.as_json()}, ensure_ascii=False,
                          separators=(",", ":"))
        with contextlib.suppress(RuntimeError):  # the loop has already closed
            self.loop.call_soon_threadsafe(self._publish, event.seq, text)

    def _publish(self, seq: int, text: str) -> None:
        if len(self.recent) == self.recent.maxlen:
            self.base_seq = self.recent[0][0]
        self.recent.append((seq, text))
        self.last_seq = max(self.last_seq, seq)
        for client in list(self.clients):
            if client.dropped:
                continue
            if client.queue.qsize() >= CLIENT_QUEUE_LIMIT:
                client.dropped = True
                log.warning("a WebSocket client fell %d events behind: disconnecting it",
                            CLIENT_QUEUE_LIMIT)
                asyncio.ensure_future(client.ws.close(code=WSCloseCode.TRY_AGAIN_LATER,
                                                      message=b"too slow"))
                continue
            client.queue.put_nowait(text)


@web.middleware
async def errors_middleware(request: web.Request, handler: Callable) -> web.StreamResponse:
    """Every error answers JSON {"error", "message", "message_vi"}."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}.get(
            exc.status, "http_error")
        headers = {k: v for k, v in exc.headers.items() if k in ("Allow",)}
        message_vi = {404: "Không có địa chỉ này trên máy chủ quầy.",
                      405: "Máy chủ quầy không nhận thao tác này ở địa chỉ này.",
                      413: "Dữ liệu gửi lên quá lớn."}.get(exc.status)
        return error(exc.status, code, exc.reason, message_vi, headers=headers)
    except UnknownService as exc:
        return error(400, "unknown_service", str(exc), exc.message_vi, service=exc.code,
                     known=exc.known)
    except BodyTimeout as exc:
        # A client this slow is dropped: answered, then the connection is closed.
        log.info("hub: %s from %s: answered 408", exc.message_en, request.remote)
        response = error(exc.status, exc.code, exc.message_en, exc.message_vi)
        response.force_close()
        return response
    except QueueError as exc:
        return error(exc.status, exc.code, exc.message_en, exc.message_vi)
    except UnicodeError:
        # A header (e.g. X-Office-Key), a path or a value that is not UTF-8 text: aiohttp
        # keeps such bytes as surrogates, which fail where the text is encoded again. Counted
        # as a wrong key (429 after the limit; one log line per address and burst).
        state, address = request.app[STATE_KEY], request.remote or "?"
        state.guard.failed(address)
        state.guard.refused(address, asyncio.get_running_loop())
        return error(400, "invalid_request", "the request contains text that is not UTF-8",
                     "Yêu cầu chứa ký tự không hợp lệ.")
    except RecursionError:  # a last guard: bodies are depth-checked before parsing
        return error(400, "invalid_request", "the request is nested too deeply",
                     "Dữ liệu gửi lên không hợp lệ.")
    except Exception as exc:
        state = request.app[STATE_KEY]
        fault = storage_fault(exc, state.db_path)
        if fault is None:
            log.exception("hub: internal error on %s %s", request.method, request.path)
            return error(500, "internal_error", "internal error at the hub",
                         "Máy chủ quầy gặp lỗi.")
        # A full, read-only or failing disk: stations try again later and keep their outbox.
        # Logged once per burst (STORAGE_LOG_S), without a traceback.
        now = time.monotonic()
        if now - state.storage_logged_at >= STORAGE_LOG_S:
            state.storage_logged_at = now
            log.error("hub: cannot store (%s %s): %s; answering 503 until it can",
                      request.method, request.path, fault.line())
        return error(503, "storage_unavailable",
                     f"the hub cannot store data now ({fault.kind}): try again later",
                     "Máy chủ quầy tạm thời không lưu được dữ liệu, vui lòng thử lại sau.",
                     headers={"Retry-After": str(STORAGE_RETRY_AFTER_S)})


@web.middleware
async def auth_middleware(request: web.Request, handler: Callable) -> web.StreamResponse:
    if request.path == p.HEALTH_PATH:
        return await handler(request)
    state = request.app[STATE_KEY]
    address = request.remote or "?"
    wait = state.guard.retry_after(address)
    if wait:
        state.guard.refused(address, asyncio.get_running_loop())
        return error(429, "too_many_attempts",
                     "too many wrong keys from this address: try again later",
                     "Nhập sai mã khóa quá nhiều lần, vui lòng thử lại sau.",
                     headers={"Retry-After": str(max(1, math.ceil(wait)))})
    presented = request.headers.get(p.KEY_HEADER, "")
    if not presented:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            presented = value.strip()
    caller = state.identify(presented)
    if caller is None:
        # Never say which: missing and wrong keys look the same. No key in the log either,
        # and one line per burst, not per request.
        state.guard.failed(address)
        state.guard.refused(address, asyncio.get_running_loop())
        return error(401, "unauthorized", "a valid office key is required",
                     "Sai mã văn phòng (office key).",
                     headers={"WWW-Authenticate": 'Bearer realm="office"'})
    resource = request.match_info.route.resource
    if resource is not None:  # else 404/405: the handler raises it
        allowed = p.PERMISSIONS.get((request.method, resource.canonical), frozenset())
        if caller.role not in allowed:
            return error(403, "forbidden",
                         f"this station's credential (role {caller.role}) may not do this",
                         "Máy này không được phép làm thao tác này.", role=caller.role)
    request[CREDENTIAL] = caller
    return await handler(request)


# -- request helpers ---------------------------------------------------------------------------

async def run(request: web.Request, fn: Callable[[LocalQueue], Any]) -> Any:
    queue = request.app[QUEUE_KEY]
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(request.app[STATE_KEY].executor, lambda: fn(queue))


class BodyTimeout(QueueError):
    """The request body did not arrive whole in time (the connection is then closed)."""

    code = "body_timeout"
    status = 408

    def __init__(self, seconds: float | None = None) -> None:
        seconds = limits.BODY_TIMEOUT_S if seconds is None else seconds
        super().__init__(f"the request body did not arrive within {seconds:g} s",
                         "Mạng chậm: yêu cầu không đến kịp, vui lòng thử lại.")


class BodyIncomplete(QueueError):
    code = "body_incomplete"
    status = 400

    def __init__(self) -> None:
        super().__init__("the request body could not be read: cut off or badly encoded",
                         "Yêu cầu bị ngắt giữa chừng hoặc không đọc được.")


async def body_of(request: web.Request) -> dict[str, Any]:
    """The request's JSON object body ({} when there is none). The body must arrive whole
    within limits.BODY_TIMEOUT_S (BodyTimeout, 408) and be at most client_max_size (413);
    JSON nested deeper than limits.MAX_JSON_DEPTH, NaN, lone surrogates: 400."""
    if not request.can_read_body:
        return {}
    announced = request.content_length
    if announced is not None and announced > request.client_max_size:
        # Refused before reading a byte: no waiting for megabytes that would be refused.
        raise web.HTTPRequestEntityTooLarge(max_size=request.client_max_size,
                                            actual_size=announced)
    try:
        async with asyncio.timeout(limits.BODY_TIMEOUT_S):
            raw = await request.read()  # client_max_size bounds it (413)
    except TimeoutError:
        raise BodyTimeout() from None
    except (ConnectionError, web.RequestPayloadError):
        raise BodyIncomplete() from None
    if not raw.strip():
        return {}
    try:
        data = loads_limited(raw, max_depth=limits.MAX_JSON_DEPTH)
    except JSONLimitError as exc:
        raise InvalidRequest(f"the body is not acceptable JSON: {exc}",
                             "Dữ liệu gửi lên không hợp lệ.") from None
    except ValueError:  # malformed JSON, not UTF-8, a number of more than 4300 digits
        raise InvalidRequest("the body is not valid UTF-8 JSON",
                             "Dữ liệu gửi lên không hợp lệ.") from None
    if not isinstance(data, dict):
        raise InvalidRequest("the body must be a JSON object")
    return data


def _int(value: Any, name: str, optional: bool = False, *, maximum: int = limits.MAX_SEQ,
         ) -> int | None:
    """A whole number from JSON (an int, not a bool) or a path/query segment (ASCII digits
    only), from 0 to `maximum` (SQLite's largest INTEGER unless told); 400 otherwise."""
    if value is None and optional:
        return None
    if isinstance(value, str):
        number = limits.ascii_int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        number = None
    if number is None or not 0 <= number <= maximum:
        raise InvalidRequest(f"{name} must be a whole number from 0 to {maximum}",
                             "Số không hợp lệ.")
    return number


def _str(data: dict[str, Any], name: str, optional: bool = True) -> str | None:
    value = data.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise InvalidRequest(f"{name} must be text")
    return value


def _op_id(data: dict[str, Any]) -> str | None:
    value = data.get("op_id")
    if value is None:
        return None
    try:
        if isinstance(value, str) and str(uuid.UUID(value)) == value.lower():
            return value.lower()
    except ValueError:
        pass
    raise InvalidRequest("op_id must be a UUID")


def _at(data: dict[str, Any]) -> datetime | None:
    value = data.get("at")
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 64 \
            else None
    except ValueError:
        at = None
    if at is None or at.tzinfo is None or at.utcoffset() is None:
        raise InvalidRequest("at must be an ISO 8601 time with a UTC offset",
                             "Thời điểm không hợp lệ.")
    problem = limits.at_problem(at)
    if problem:
        raise InvalidRequest(problem, "Thời điểm không hợp lệ: kiểm tra đồng hồ của máy.")
    return at


def _counter(request: web.Request) -> int:
    return _int(request.match_info["counter"], "counter",  # type: ignore[return-value]
                maximum=limits.MAX_COUNTER)


def _ticket_id(request: web.Request) -> int:
    return _int(request.match_info["ticket_id"], "ticket id",  # type: ignore[return-value]
                maximum=limits.MAX_TICKET_ID)


# -- handlers ----------------------------------------------------------------------------------

async def health(request: web.Request) -> web.Response:
    return ok({"status": "ok", "protocol": p.PROTOCOL_VERSION})


async def services(request: web.Request) -> web.Response:
    found = request.app[QUEUE_KEY].services()
    return ok({"services": [{"code": s.code, "prefix": s.prefix, "name_vi": s.name_vi,
                             "name_en": s.name_en, "field": s.field,
                             "hours": list(s.hours_spec)} for s in found]})


async def issue(request: web.Request) -> web.Response:
    data = await body_of(request)
    service = _str(data, "service", optional=False)
    priority = _str(data, "priority")
    op_id = _op_id(data)
    return ticket_body(await run(request, lambda q: q.issue(service, priority, op_id=op_id)))


async def get_ticket(request: web.Request) -> web.Response:
    ticket_id = _ticket_id(request)
    return ticket_body(await run(request, lambda q: q.get(ticket_id)))


async def record_print(request: web.Request) -> web.Response:
    ticket_id = _ticket_id(request)
    data = await body_of(request)
    if not isinstance(data.get("ok"), bool):
        raise InvalidRequest("ok must be true or false")
    detail = _str(data, "detail")
    at, op_id = _at(data), _op_id(data)
    return ticket_body(await run(request, lambda q: q.record_print(
        ticket_id, data["ok"], detail, at=at, op_id=op_id)))


async def link_dossier(request: web.Request) -> web.Response:
    ticket_id = _ticket_id(request)
    data = await body_of(request)
    code = _str(data, "dossier_code", optional=False)
    counter = _int(data.get("counter"), "counter", optional=True)
    at, op_id = _at(data), _op_id(data)
    return ticket_body(await run(request, lambda q: q.link_dossier(
        ticket_id, code, counter=counter, at=at, op_id=op_id)))  # type: ignore[arg-type]


async def current(request: web.Request) -> web.Response:
    counter = _counter(request)
    return ticket_body(await run(request, lambda q: q.current(counter)))


async def call_next(request: web.Request) -> web.Response:
    counter = _counter(request)
    data = await body_of(request)
    wanted = data.get("services") or []
    if not isinstance(wanted, list) or not all(isinstance(s, str) for s in wanted):
        raise InvalidRequest("services must be a list of service codes")
    clerk, op_id = _str(data, "clerk"), _op_id(data)
    return ticket_body(await run(request, lambda q: q.call_next(counter, wanted, clerk,
                                                                op_id=op_id)))


async def recall(request: web.Request) -> web.Response:
    counter = _counter(request)
    op_id = _op_id(await body_of(request))
    return ticket_body(await run(request, lambda q: q.recall(counter, op_id=op_id)))


async def skip(request: web.Request) -> web.Response:
    counter = _counter(request)
    op_id = _op_id(await body_of(request))
    return ticket_body(await run(request, lambda q: q.skip(counter, op_id=op_id)))


async def transfer(request: web.Request) -> web.Response:
    counter = _counter(request)
    data = await body_of(request)
    to_service = _str(data, "to_service")
    to_counter = _int(data.get("to_counter"), "to_counter", optional=True)
    op_id = _op_id(data)
    return ticket_body(await run(request, lambda q: q.transfer(
        counter, to_service=to_service, to_counter=to_counter, op_id=op_id)))


async def finish(request: web.Request) -> web.Response:
    counter = _counter(request)
    data = await body_of(request)
    ticket_id = _int(data.get("ticket_id"), "ticket_id", optional=True)
    at, op_id = _at(data), _op_id(data)
    return ticket_body(await run(request, lambda q: q.finish(
        counter, ticket_id=ticket_id, at=at, op_id=op_id)))


async def office_records(request: web.Request) -> web.Response:
    caller: Caller = request[CREDENTIAL]
    data = await body_of(request)
    records = data.get("records")
    if not isinstance(records, list):
        raise InvalidRequest("records must be a list")
    if caller.station_id is None:  # PERMISSIONS keeps the office key out; never unbound
        return error(403, "forbidden", "office records must come from a paired station",
                     "Hồ sơ phải gửi từ máy đã ghép nối.")
    types = p.RECORD_TYPES_BY_ROLE.get(caller.role, frozenset())
    return ok(await run(request, lambda q: q.apply_office_records(
        records, station_id=caller.station_id, types=types)))


async def dossier_numbers(request: web.Request) -> web.Response:
    """A block of dossier numbers for a counter PC (kiosk/dossiers/numbers.py), taken from
    this hub's day counter and committed before the answer."""
    from kiosk.dossiers import numbers

    data = await body_of(request)
    config = request.app[QUEUE_KEY].config
    own_unit = config.office.code.strip().upper()
    unit = _str(data, "unit", optional=False).strip().upper()  # type: ignore[union-attr]
    if unit != own_unit:
        raise InvalidRequest(f"unit {unit[:40]!r} is not this office's unit ({own_unit})",
                             "Mã đơn vị của máy quầy khác mã đơn vị của máy chủ văn phòng: "
                             "kiểm tra [office] code.")
    today = datetime.now(ZoneInfo(config.office.timezone)).date()
    day = _day(data.get("day"), "day")
    if not (today - timedelta(days=numbers.LEASE_DAYS_BEHIND) <= day
            <= today + timedelta(days=numbers.LEASE_DAYS_AHEAD)):
        raise InvalidRequest(f"day must be from yesterday to {numbers.LEASE_DAYS_AHEAD} days "
                             "ahead of the hub's date", "Ngày xin số hồ sơ không hợp lệ: "
                             "kiểm tra đồng hồ của máy.")
    count = data.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or \
            not 1 <= count <= numbers.MAX_LEASE:
        raise InvalidRequest(f"count must be from 1 to {numbers.MAX_LEASE}")
    raw_held = data.get("held") or {}
    if not isinstance(raw_held, dict) or len(raw_held) > numbers.MAX_HELD_DAYS:
        raise InvalidRequest(f"held must be an object of at most {numbers.MAX_HELD_DAYS} "
                             "days")
    held: dict[Any, int] = {}
    for key, value in raw_held.items():
        held_day = _day(key, "held day")
        if abs((held_day - today).days) > numbers.MAX_HELD_DAYS:
            raise InvalidRequest("held days must be within a month of the hub's date")
        if isinstance(value, str):  # JSON numbers only (a path segment may be digits)
            raise InvalidRequest("held numbers must be whole numbers")
        number = _int(value, "held number")
        if numbers.in_fallback_window(number):  # type: ignore[arg-type]
            raise InvalidRequest("a held number lies in the counters' fallback range: "
                                 "those are never leased")
        held[held_day] = number  # type: ignore[assignment]

    station_id = request[CREDENTIAL].station_id

    def lease(db: Any) -> dict[str, Any]:
        from kiosk.store import transaction

        with transaction(db) as conn:
            return numbers.lease(conn, own_unit, day, count, held,  # type: ignore[arg-type]
                                 station_id)

    try:
        answer = await _on_db(request, lease)
    except numbers.DayFull as exc:  # rolled back: nothing leased
        log.warning("hub: refused a lease of dossier numbers to %s: %s",
                    station_id or "the office key", exc)
        return error(409, "day_full", str(exc), "Máy chủ văn phòng đã hết số hồ sơ cho ngày "
                     "này.")
    log.info("hub: dossier numbers %d-%d of %s leased to %s", answer["first"], answer["last"],
             answer["day"], station_id or "the office key")
    return ok(answer)


def _day(value: Any, name: str) -> date:
    try:
        if isinstance(value, str) and len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise InvalidRequest(f"{name} must be a date YYYY-MM-DD", "Ngày không hợp lệ.")


async def _on_db(request: web.Request, fn: Callable[[Any], Any]) -> Any:
    """Run fn(db) on the executor with a connection of its own (pairing is rare)."""
    from kiosk.store import connect

    db_path = request.app[QUEUE_KEY].db_path

    def work() -> Any:
        db = connect(db_path)
        try:
            return fn(db)
        finally:
            db.conn.close()

    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(request.app[STATE_KEY].executor, work)


async def pair(request: web.Request) -> web.Response:
    data = await body_of(request)
    try:
        station_id, role = credentials.check_pairing(data.get("station_id"), data.get("role"))
    except credentials.CredentialError as exc:
        raise InvalidRequest(str(exc)) from None
    token = await _on_db(request, lambda db: credentials.pair(db, station_id, role))
    log.info("hub: station %s paired as %s", station_id, role)
    await _disconnect(request.app[STATE_KEY], station_id)  # its old token no longer holds
    return ok({"station_id": station_id, "role": role, "token": token})


async def list_stations(request: web.Request) -> web.Response:
    found = await _on_db(request, credentials.stations)
    return ok({"stations": [c.as_json() for c in found]})


async def revoke_station(request: web.Request) -> web.Response:
    station_id = request.match_info["station_id"]
    revoked = await _on_db(request, lambda db: credentials.revoke(db, station_id))
    if revoked:
        log.info("hub: station %s revoked", station_id)
        await _disconnect(request.app[STATE_KEY], station_id)
    return ok({"station_id": station_id, "revoked": revoked})


async def _disconnect(state: HubState, station_id: str) -> None:
    for client in list(state.clients):
        if client.station_id == station_id:
            with contextlib.suppress(Exception):
                await client.ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"revoked")


async def put_backup(request: web.Request) -> web.Response:
    """A station's backup file, streamed to an owner-only temporary file beside the others
    (never held in memory), renamed when whole; the hub keeps [backup] hub_keep per station.
    The app's 64 KiB body limit does not apply to this stream: this route has its own,
    [backup] hub_max_mb, and a deadline growing with the announced size. One backup per
    station arrives at a time, and only while the hub's disk keeps its reserve free."""
    caller: Caller = request[CREDENTIAL]
    station_id = request.match_info["station_id"]
    if caller.station_id is None or station_id != caller.station_id:
        return error(403, "forbidden", "a station may send only its own backup",
                     "Máy này chỉ được gửi bản sao lưu của chính nó.", role=caller.role)
    length = request.content_length
    if length is None:
        return error(411, "length_required", "a backup needs a Content-Length",
                     "Thiếu độ dài dữ liệu (Content-Length).")
    queue = request.app[QUEUE_KEY]
    settings = queue.config.backup
    if length > settings.hub_max_mb * 1024 * 1024:
        raise web.HTTPRequestEntityTooLarge(max_size=settings.hub_max_mb * 1024 * 1024,
                                            actual_size=length)
    state = request.app[STATE_KEY]
    if station_id in state.backups_arriving:
        return error(429, "backup_in_progress", "a backup of this station is already "
                     "arriving; send the next one after it", "Bản sao lưu trước của máy này "
                     "đang được gửi, vui lòng gửi lại sau.", headers={"Retry-After": "60"})
    folder = hub_backup_folder(queue.db_path, station_id)
    loop = asyncio.get_running_loop()
    executor = state.executor
    from kiosk.private_files import private_dir

    await loop.run_in_executor(executor, private_dir, folder)
    room = await loop.run_in_executor(executor, limits.backup_room, folder, length)
    if room is not None:
        log.warning("hub: refused a backup of station %s: %s", station_id, room)
        return error(507, "insufficient_storage", room,
                     "Máy chủ quầy không đủ chỗ lưu bản sao lưu.")
    state.backups_arriving.add(station_id)
    try:
        return await _receive_backup(request, station_id, length, folder, settings)
    finally:
        state.backups_arriving.discard(station_id)


async def _receive_backup(request: web.Request, station_id: str, length: int, folder: Path,
                          settings: Any) -> web.Response:
    from kiosk.backup.files import GZIP_MAGIC, SQLITE_MAGIC, new_backup_path

    loop = asyncio.get_running_loop()
    executor = request.app[STATE_KEY].executor
    deadline = limits.BODY_TIMEOUT_S + length / limits.BACKUP_MIN_RATE
    started = loop.time()
    received = 0
    head = b""
    fd, name = tempfile.mkstemp(prefix=".incoming-", suffix=".part", dir=folder)  # 0600
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            try:
                while received < length:
                    # The whole body by its deadline, and all along at least a quarter of
                    # the minimum rate: a trickle is cut off early, not after an hour.
                    due = min(deadline, limits.BODY_TIMEOUT_S
                              + received / (limits.BACKUP_MIN_RATE / 4))
                    async with asyncio.timeout(max(due - (loop.time() - started), 0.0)):
                        chunk = await request.content.read(256 * 1024)
                    if not chunk:
                        break
                    received += len(chunk)
                    if received > length:
                        break
                    if len(head) < 16:
                        head += chunk[:16]
                    f.write(chunk)
            except TimeoutError:
                raise BodyTimeout(deadline) from None
            except (ConnectionError, web.RequestPayloadError):
                raise BodyIncomplete() from None
            except OSError as exc:  # the disk filled up meanwhile
                log.warning("hub: a backup of station %s could not be written: %s",
                            station_id, exc.strerror or exc)
                return error(507, "insufficient_storage", "the hub could not write the "
                             "backup (disk full?)", "Máy chủ quầy không đủ chỗ lưu bản "
                             "sao lưu.")
            if received != length:
                raise BodyIncomplete()
            if not (head.startswith(SQLITE_MAGIC) or head.startswith(GZIP_MAGIC)):
                raise InvalidRequest("the body is not a station backup (SQLite or gzip)",
                                     "Dữ liệu gửi lên không phải bản sao lưu.")
            await loop.run_in_executor(executor, _flush, f)
        out = new_backup_path(folder, station_id, datetime.now().astimezone(),
                              compress=head.startswith(GZIP_MAGIC))
        await loop.run_in_executor(executor, os.replace, tmp, out)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    kept = await loop.run_in_executor(executor, _rotate, folder, station_id, settings.hub_keep)
    log.info("hub: stored a backup of station %s (%.1f MB)", station_id, received / 1e6)
    return ok({"station_id": station_id, "stored": out.name, "size_bytes": received,
               "kept": kept})


HUB_BACKUPS_DIR = "station-backups"


def hub_backup_folder(db_path: Any, station_id: str) -> Path:
    """Where the hub keeps a station's backups: beside its database, one folder per
    station."""
    from kiosk.backup.files import safe_station

    return Path(db_path).parent / HUB_BACKUPS_DIR / safe_station(station_id)


def _rotate(folder: Path, station_id: str, keep: int) -> int:
    """Keep the `keep` newest backups of the station; how many there are now."""
    from kiosk.backup.files import remove_stale_temporaries, rotate, station_backups

    rotate(folder, station_id, keep)
    remove_stale_temporaries(folder)
    return len(station_backups(folder, station_id))


def _flush(f: Any) -> None:
    f.flush()
    os.fsync(f.fileno())


async def dossier_view(request: web.Request) -> web.Response:
    """A display, rating or kiosk key: the public view only (initials, status, dates). A
    counter key or the office key: the whole record of the office dossier book (its public
    view's fields too, so an older counter reads it as before; its slips and hand-overs) and
    its version."""
    caller: Caller = request[CREDENTIAL]
    code = request.match_info["code"]
    if caller.role not in p.DOSSIER_BOOK_ROLES:
        view = await run(request, lambda q: q.dossier_view(code))
        return ok({"dossier": view.as_json() if view is not None else None})
    def entry(q: Any) -> tuple[Any, Any, dict[str, Any]]:
        view, dossier = q.dossier_entry(code)
        return view, dossier, q.dossier_records(dossier) if dossier is not None else {}

    view, dossier, records = await run(request, entry)
    if dossier is not None:
        # With its official slips and hand-overs (`slips`, `handovers`), for the counter's
        # mirror: its due date (a Mẫu 04's new date), its Mẫu 05, a second 02 refused.
        return ok({"dossier": {**view.as_json(), **dossier.as_json(), **records},
                   "version": len(dossier.history)})
    return ok({"dossier": view.as_json() if view is not None else None, "version": None})


async def due_dossiers(request: web.Request) -> web.Response:
    """The office book's due list for a counter (kiosk/dossiers/duelist.py): ?due_within=N
    (0-30 working days), &overdue=1 for the overdue ones only. Bad values are a 400."""
    from kiosk.dossiers.duelist import check_within

    query = request.query
    unknown = sorted(set(query) - {"due_within", "overdue"})
    if unknown:
        raise InvalidRequest(f"unknown parameter {unknown[0]!r}")
    try:
        within = check_within(query.get("due_within", "0"))
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from None
    overdue = query.get("overdue", "0")
    if overdue not in ("0", "1"):
        raise InvalidRequest("overdue must be 0 or 1")
    return ok(await run(request, lambda q: q.due_dossiers(within, overdue_only=overdue == "1")))


async def petition_view(request: web.Request) -> web.Response:
    """A petition's public view (kiosk.petitions): what the kiosk shows a citizen."""
    code = request.match_info["code"]
    view = await run(request, lambda q: q.petition_view(code))
    return ok({"petition": view.as_json() if view is not None else None})


async def dossier_changes(request: web.Request) -> web.Response:
    """A counter's dossier changes for the office dossier book (kiosk/dossiers/book.py)."""
    caller: Caller = request[CREDENTIAL]
    data = await body_of(request)
    changes = data.get("changes")
    if not isinstance(changes, list):
        raise InvalidRequest("changes must be a list")
    results = await run(request, lambda q: q.apply_dossier_changes(
        changes, station_id=caller.station_id))
    return ok({"results": results})


async def snapshot(request: web.Request) -> web.Response:
    return ok((await run(request, lambda q: q.snapshot())).as_json())


async def events(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE_KEY]
    since_text = request.query.get("since", "")
    since = _int(since_text, "since") if since_text else None
    ws = web.WebSocketResponse(heartbeat=p.HEARTBEAT_S, max_msg_size=p.MAX_WS_MESSAGE_BYTES)
    ws_key = request.headers.get("Sec-WebSocket-Key", "")
    if not ws_key.isascii():  # aiohttp's handshake would fail with a ValueError (a 500)
        return error(400, "invalid_request", "Sec-WebSocket-Key is not base64 text",
                     "Yêu cầu không hợp lệ.")
    await ws.prepare(request)
    caller = request.get(CREDENTIAL)
    client = _Client(ws, caller.station_id if caller is not None else None,
                     caller.digest if caller is not None else None)
    # Registered and replayed without an await in between: every event is either in the
    # replay or in the client's queue, never both, never neither.
    state.clients.add(client)
    replay: list[str] = []
    gap = False
    if since is not None and since >= 0:
        gap = since < state.base_seq or since > state.last_seq
        replay = [text for seq, text in state.recent if seq > since] if not gap else []
        if len(replay) > CLIENT_QUEUE_LIMIT // 2:  # away long: a snapshot is quicker
            gap, replay = True, []
    hello = {"type": "hello", "protocol": p.PROTOCOL_VERSION, "seq": state.last_seq,
             "replayed": len(replay), "gap": gap}
    for text in [json.dumps(hello), *replay]:
        client.queue.put_nowait(text)
    writer = asyncio.ensure_future(_write(client))
    try:
        async for msg in ws:
            if msg.type == WSMsgType.ERROR:
                break
            # Clients have nothing to say; anything they send is ignored.
    finally:
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await writer
        state.clients.discard(client)
    return ws


async def _write(client: _Client) -> None:
    try:
        while True:
            text = await client.queue.get()
            await client.ws.send_str(text)
    except (ConnectionError, RuntimeError):
        pass  # the reader loop sees the closed socket and cleans up


# -- assembling --------------------------------------------------------------------------------

def make_app(queue: LocalQueue, state: HubState) -> web.Application:
    app = web.Application(middlewares=[errors_middleware, auth_middleware],
                          client_max_size=p.MAX_BODY_BYTES)
    app[QUEUE_KEY] = queue
    app[STATE_KEY] = state

    async def close_clients(app: web.Application) -> None:
        # Tell every station now, so they show "lost" at once instead of at the heartbeat.
        for client in list(app[STATE_KEY].clients):
            with contextlib.suppress(Exception):
                await client.ws.close(code=WSCloseCode.GOING_AWAY, message=b"hub stopping")

    async def watch_revoked(app: web.Application) -> Any:
        async def loop() -> None:
            while True:
                await asyncio.sleep(REVOKED_CHECK_S)
                try:
                    app[STATE_KEY].drop_revoked()
                except Exception:
                    log.exception("hub: checking for revoked stations failed")

        task = asyncio.ensure_future(loop())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.on_shutdown.append(close_clients)
    app.cleanup_ctx.append(watch_revoked)
    r = app.router
    r.add_get(p.HEALTH_PATH, health)
    r.add_get(p.SERVICES_PATH, services)
    r.add_post(p.TICKETS_PATH, issue)
    r.add_get(p.TICKETS_PATH + "/{ticket_id}", get_ticket)
    r.add_post(p.TICKETS_PATH + "/{ticket_id}/print", record_print)
    r.add_post(p.TICKETS_PATH + "/{ticket_id}/dossiers", link_dossier)
    r.add_get(p.COUNTERS_PATH + "/{counter}", current)
    r.add_post(p.COUNTERS_PATH + "/{counter}/next", call_next)
    r.add_post(p.COUNTERS_PATH + "/{counter}/recall", recall)
    r.add_post(p.COUNTERS_PATH + "/{counter}/skip", skip)
    r.add_post(p.COUNTERS_PATH + "/{counter}/transfer", transfer)
    r.add_post(p.COUNTERS_PATH + "/{counter}/finish", finish)
    r.add_get(p.SNAPSHOT_PATH, snapshot)
    r.add_post(p.OFFICE_RECORDS_PATH, office_records)
    r.add_post(p.DOSSIER_CHANGES_PATH, dossier_changes)
    r.add_post(p.DOSSIER_NUMBERS_PATH, dossier_numbers)
    r.add_get(p.DOSSIERS_PATH + "/{code}", dossier_view)
    r.add_get(p.DOSSIERS_PATH, due_dossiers)
    r.add_get(p.PETITIONS_PATH + "/{code}", petition_view)
    r.add_get(p.EVENTS_PATH, events)
    r.add_post(p.PAIR_PATH, pair)
    r.add_get(p.STATIONS_PATH, list_stations)
    r.add_post(p.STATIONS_PATH + "/{station_id}/revoke", revoke_station)
    r.add_put(p.BACKUPS_PATH + "/{station_id}", put_backup)
    unlisted = [(route.method, route.resource.canonical) for route in r.routes()
                if route.resource is not None and route.method != "HEAD"
                and route.resource.canonical != p.HEALTH_PATH
                and (route.method, route.resource.canonical) not in p.PERMISSIONS]
    assert not unlisted, f"routes without permissions: {unlisted}"
    return app
