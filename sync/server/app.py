"""The reference city server: the HTTP API of sync/openapi.yaml on aiohttp.

For tests, staging and cities without their own receiver. Every request is authenticated
with a bearer token (station tokens push and pull reference data; admin tokens also read what
arrived), bodies are size-limited before and after gunzip, and every record is validated on
its own: one bad record is rejected with its reason, the others in the batch are stored.
Store calls run on one dedicated thread so the event loop never waits on the disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import queue
import socket
import ssl
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from kiosk.jsonlimits import loads_limited
from sync import protocol as p
from sync.server.store import Store, open_store

log = logging.getLogger(__name__)

OPENAPI_FILE = Path(__file__).resolve().parent.parent / "openapi.yaml"
STORE_KEY: web.AppKey[Store] = web.AppKey("store", Store)  # type: ignore[arg-type]
SETTINGS_KEY: web.AppKey[ServerSettings] = web.AppKey("settings")  # type: ignore[name-defined]
EXECUTOR_KEY: web.AppKey[ThreadPoolExecutor] = web.AppKey("executor", ThreadPoolExecutor)
INFLIGHT_KEY: web.AppKey[dict] = web.AppKey("inflight", dict)
POOL_KEY: web.AppKey[queue.SimpleQueue] = web.AppKey("store_pool", queue.SimpleQueue)
PUSHER_KEY: web.AppKey[Any] = web.AppKey("pusher", object)
#: name -> (body, etag, monotonic time its read began), see reference_fresh_s; (None, None,
#: time a PUT ended): read again
REFERENCE_KEY: web.AppKey[dict] = web.AppKey("reference", dict)
POSTGRES_STORE_CONNECTIONS = 4  # per receiver process: commits overlap while one waits on disk
MAX_LIST_LIMIT = 1000
PUBLIC_PATHS = (p.HEALTH_PATH, p.OPENAPI_PATH)


def _digest(token: str) -> bytes:
    # A header that was not UTF-8 arrives with its bytes as surrogates: it still hashes (to
    # no known token, so 401), never a 500.
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).digest()


@dataclass(frozen=True)
class Grant:
    """What one token may do: its role, and for a station token the one office and station
    whose records it may push (None: any, for staging tokens given with --token)."""

    role: str  # station | admin | revoked
    office: str | None = None
    station: str | None = None


@dataclass
class ServerSettings:
    tokens: Iterable[str] = ()           # staging tokens: push for any office and station
    station_tokens: dict[str, tuple[str, str]] = field(default_factory=dict)
    #                                      token → (office, station) it may push for
    admin_tokens: Iterable[str] = ()     # also read records and counts, update reference data
    revoked_tokens: Iterable[str] = ()   # answered 403 token_revoked
    max_body_bytes: int = p.MAX_BODY_BYTES
    max_decompressed_bytes: int = p.MAX_DECOMPRESSED_BYTES
    max_batch_records: int = p.MAX_BATCH_RECORDS
    max_payload_bytes: int = p.MAX_PAYLOAD_BYTES
    max_concurrent_pushes: int = 8       # stored at once; more wait for their turn
    max_waiting_pushes: int = 64         # waiting at once; more are answered 503 Retry-After
    push_wait_s: float = 10.0            # longest wait for a turn, then 503 Retry-After
    max_body_reads_per_token: int = 2    # bodies arriving at once for one token
    body_grace_s: float = 10.0           # a body must arrive within grace + size / min rate
    body_min_rate: int = 32 * 1024       # bytes per second
    max_connections_per_address: int = 0  # 0: limits.CITY_MAX_CONNECTIONS_PER_ADDRESS
    #: Seconds a receiver answers reference data from memory before reading the database
    #: again (0: every time). Every station asks for each set once an hour; a receiver sees
    #: its own PUT at once, another receiver's within this time.
    reference_fresh_s: float = 5.0
    roles: dict[bytes, Grant] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.roles = {}
        for token in self.tokens:
            self.roles[_digest(token)] = Grant("station")
        for token, (office, station) in self.station_tokens.items():
            self.roles[_digest(token)] = Grant("station", office, station)
        for token in self.admin_tokens:
            self.roles[_digest(token)] = Grant("admin")
        for token in self.revoked_tokens:
            self.roles[_digest(token)] = Grant("revoked")

    def role(self, token: str) -> Grant | None:
        """What a token may do, or None if unknown. Looked up by the token's SHA-256 digest
        in one hash table, so a city of 30,000 station tokens costs what one token costs;
        the lookup's timing depends only on the digest, which a caller cannot steer toward a
        stored one without a preimage."""
        return self.roles.get(_digest(token))

    def body_timeout(self, length: int | None) -> float:
        return self.body_grace_s + (length or self.max_body_bytes) / self.body_min_rate


GRANT_KEY: web.RequestKey[Grant] = web.RequestKey("grant", Grant)
TOKEN_DIGEST_KEY: web.RequestKey[bytes] = web.RequestKey("token_digest", bytes)
STORE_TIME_KEY: web.RequestKey[float] = web.RequestKey("store_s", float)


def error(status: int, code: str, message: str, headers: dict[str, str] | None = None
          ) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status,
                             headers=headers)


def json_body(request: web.Request, data: Any, status: int = 200,
              headers: dict[str, str] | None = None) -> web.Response:
    """Compact JSON, gzipped when the client accepts it and it is worth it (Content-Length is
    always set: no chunked responses)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = dict(headers or {})
    if len(body) > 512 and "gzip" in request.headers.get("Accept-Encoding", ""):
        body = p.gzip_bytes(body)
        headers["Content-Encoding"] = "gzip"
        headers["Vary"] = "Accept-Encoding"
    return web.Response(body=body, status=status, headers=headers,
                        content_type="application/json", charset="utf-8")


@web.middleware
async def errors_middleware(request: web.Request, handler: Callable) -> web.StreamResponse:
    """Every error answers JSON {"error", "message"}, including aiohttp's own."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}.get(
            exc.status, "http_error")
        headers = {k: v for k, v in exc.headers.items() if k in ("Allow",)}
        return error(exc.status, code, exc.reason, headers)
    except Exception:
        log.exception("internal error on %s %s", request.method, request.path)
        return error(500, "internal_error", "internal server error")


@web.middleware
async def auth_middleware(request: web.Request, handler: Callable) -> web.StreamResponse:
    if request.path in PUBLIC_PATHS or not request.path.startswith(p.API_PREFIX):
        return await handler(request)
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="city"'}
    if scheme.lower() != "bearer" or not token.strip():
        return error(401, "unauthorized", "a bearer token is required", challenge)
    found = request.app[SETTINGS_KEY].role(token.strip())
    if found is None:
        return error(401, "unauthorized", "unknown token", challenge)
    if found.role == "revoked":
        return error(403, "token_revoked", "this station's token has been revoked by the city")
    request[GRANT_KEY] = found
    request[TOKEN_DIGEST_KEY] = _digest(token.strip())
    return await handler(request)


def require_admin(request: web.Request) -> web.Response | None:
    grant = request.get(GRANT_KEY)
    if grant is None or grant.role != "admin":
        return error(403, "forbidden", "this endpoint needs an admin token")
    return None


async def in_store(request: web.Request, fn: Callable, *args, **kwargs) -> Any:
    """Run `fn(store)` on a store thread with a store connection of its own (one thread per
    connection, so a connection is only ever used by one thread at a time)."""
    loop = asyncio.get_running_loop()
    pool = request.app[POOL_KEY]

    def call() -> Any:
        store = pool.get()
        try:
            return fn(store, *args, **kwargs)
        finally:
            pool.put(store)

    return await loop.run_in_executor(request.app[EXECUTOR_KEY], call)


# -- handlers ----------------------------------------------------------------------------------

async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "protocol": p.PROTOCOL_VERSION})


async def openapi(request: web.Request) -> web.Response:
    return web.Response(body=OPENAPI_FILE.read_bytes(), content_type="application/yaml")


async def push(request: web.Request) -> web.Response:
    """A push takes one of the few store slots only once its whole body has arrived, so
    connections that trickle their body in cannot keep other stations out; each body has a
    deadline, and one token can have only a couple of bodies arriving at once."""
    settings: ServerSettings = request.app[SETTINGS_KEY]
    state = request.app[INFLIGHT_KEY]
    problem = _push_headers_problem(request, settings)
    if problem is not None:
        return problem
    reading = state["reading"]
    token = request[TOKEN_DIGEST_KEY]
    if reading.get(token, 0) >= settings.max_body_reads_per_token:
        return error(429, "too_many_requests", "this token is already sending as many pushes "
                     "as it may at once; retry later", {"Retry-After": "2"})
    reading[token] = reading.get(token, 0) + 1
    try:
        # asyncio.timeout, not wait_for: no task of its own for every push
        async with asyncio.timeout(settings.body_timeout(request.content_length)):
            raw = await request.read()
    except TimeoutError:
        log.warning("push: a body did not arrive in time; connection closed")
        response = error(408, "body_timeout", "the request body did not arrive in time")
        response.force_close()
        return response
    except (ConnectionError, web.RequestPayloadError):
        # The station's connection dropped mid-body (a flaky line): it sends again later.
        log.info("push: the connection was lost before the body arrived")
        response = error(400, "body_incomplete", "the request body was cut off")
        response.force_close()
        return response
    finally:
        reading[token] -= 1
        if not reading[token]:
            del reading[token]
    # A few pushes are stored at once; a burst (a city of stations back after an outage)
    # waits its turn briefly, and only past a bounded queue is a station told to come back.
    slots: asyncio.Semaphore = state["slots"]
    if slots.locked() and state["waiting"] >= settings.max_waiting_pushes:
        return _busy()
    arrived = time.perf_counter()
    request[STORE_TIME_KEY] = 0.0
    if slots.locked():
        state["waiting"] += 1
        try:
            async with asyncio.timeout(settings.push_wait_s):
                await slots.acquire()
        except TimeoutError:
            return _busy()
        finally:
            state["waiting"] -= 1
    else:
        await slots.acquire()  # a free slot: taken at once
    started = time.perf_counter()
    try:
        response = await _push(request, raw)
    finally:
        slots.release()
    # The city's own time for this push: from the whole body read to the answer (waiting for
    # a slot, checking, storing), for operators and benchmarks (Server-Timing, RFC draft);
    # then its parts: the wait for a slot, and storing (with PostgreSQL: the wait for one of
    # the receiver's connections and the statement with its commit; with SQLite: the store
    # thread's call).
    now = time.perf_counter()
    response.headers["Server-Timing"] = (
        f"city;dur={(now - arrived) * 1000:.1f}, wait;dur={(started - arrived) * 1000:.1f}, "
        f"db;dur={request[STORE_TIME_KEY] * 1000:.1f}")
    return response


def _busy() -> web.Response:
    return error(503, "busy", "too many pushes at once; retry later", {"Retry-After": "2"})


def _push_headers_problem(request: web.Request, settings: ServerSettings
                          ) -> web.Response | None:
    if request.content_type != "application/json":
        return error(415, "unsupported_media_type", "send application/json")
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("gzip", "identity"):
        return error(415, "unsupported_encoding", "Content-Encoding must be gzip or identity")
    if request.content_length is not None and request.content_length > settings.max_body_bytes:
        return error(413, "body_too_large",
                     f"the body limit is {settings.max_body_bytes} bytes")
    return None


async def _push(request: web.Request, raw: bytes) -> web.Response:
    """`raw`: the body as it arrived (client_max_size also enforced its limit)."""
    settings: ServerSettings = request.app[SETTINGS_KEY]
    grant = request[GRANT_KEY]
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding == "gzip":
        try:
            raw = p.gunzip_limited(raw, settings.max_decompressed_bytes)
        except p.BodyTooLarge as exc:
            return error(413, "body_too_large", str(exc))
        except ValueError as exc:
            return error(400, "invalid_body", str(exc))
    try:
        body = loads_limited(raw)
    except ValueError as exc:  # UnicodeDecodeError and JSONLimitError are ValueErrors
        return error(400, "invalid_body", f"the body is not valid UTF-8 JSON: {exc}"[:300])
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        return error(400, "invalid_body", 'the body must be an object {"records": [...]}')
    extra = set(body) - {"records"}
    if extra:
        return error(400, "invalid_body", "unknown top-level field(s): "
                     + ", ".join(sorted(map(str, extra))[:5]))
    records = body["records"]
    if not records:
        return error(400, "invalid_body", "records must not be empty")
    if len(records) > settings.max_batch_records:
        return error(413, "batch_too_large", f"at most {settings.max_batch_records} records "
                     "per request")
    results: list[p.RecordResult | None] = []
    valid: list[p.Envelope] = []
    slots: list[int] = []
    for index, obj in enumerate(records):
        try:
            env = p.validate_envelope(obj, max_payload_bytes=settings.max_payload_bytes,
                                      office=grant.office)
            if grant.office is not None and env.office != grant.office:
                raise p.Rejected("office_mismatch", "this token belongs to another office")
            if grant.station is not None and env.station != grant.station:
                raise p.Rejected("station_mismatch", "this token belongs to another station")
        except p.Rejected as exc:
            rid = obj.get("id") if isinstance(obj, dict) else None
            results.append(p.RecordResult(rid if isinstance(rid, str) else None, p.REJECTED,
                                          exc.code, exc.reason))
        else:
            results.append(None)
            valid.append(env)
            slots.append(index)
        if index % 100 == 99:
            await asyncio.sleep(0)  # let other requests in during a big batch
    if valid:
        stored = await _store(request, valid)
        if stored is None:
            return error(503, "store_unavailable", "the city server cannot store records "
                         "right now; retry later", {"Retry-After": "30"})
        for index, result in zip(slots, stored, strict=True):
            results[index] = result
    counts = {p.ACCEPTED: 0, p.DUPLICATE: 0, p.REJECTED: 0}
    out = []
    for r in results:
        assert r is not None
        counts[r.status] += 1
        out.append(r.as_json())
    if counts[p.REJECTED]:
        log.warning("push: %d record(s) rejected", counts[p.REJECTED])
    return json_body(request, {"results": out, **counts})


async def _store(request: web.Request, valid: list[p.Envelope]
                 ) -> list[p.RecordResult] | None:
    """Store a batch; if the store fails on it, each record alone, so a record the store
    cannot take is refused by itself. None when the store takes none (it is down: the whole
    push is retried later, nothing is refused for the store's sake)."""
    try:
        return await _push_records(request, valid)
    except Exception:
        log.exception("push: storing a batch of %d failed; storing its records one by one",
                      len(valid))
    results: list[p.RecordResult] = []
    for env in valid:
        try:
            results.extend(await _push_records(request, [env]))
        except Exception:
            results.append(p.RecordResult(env.id, p.REJECTED, "unprocessable",
                                          "the city server could not store this record"))
    if all(r.status == p.REJECTED and r.code == "unprocessable" for r in results):
        return None
    return results


async def _push_records(request: web.Request, envelopes: list[p.Envelope]
                        ) -> list[p.RecordResult]:
    """Store records: on the event loop with PostgreSQL's asyncio connections, else on the
    store thread."""
    pusher = request.app.get(PUSHER_KEY)
    started = time.perf_counter()
    try:
        if pusher is not None:
            return await pusher.push(envelopes)
        return await in_store(request, lambda s: s.push(envelopes))
    finally:
        request[STORE_TIME_KEY] = request.get(STORE_TIME_KEY, 0.0) \
            + time.perf_counter() - started


async def get_record(request: web.Request) -> web.Response:
    denied = require_admin(request)
    if denied:
        return denied
    record_id = request.match_info["record_id"]
    # An id that is not a canonical UUID names no record: 404 like any unknown id.
    row = await in_store(request, lambda s: s.get(record_id)) \
        if p.is_canonical_uuid(record_id) else None
    if row is None:
        return error(404, "not_found", "no record with this id")
    return json_body(request, _record_json(row))


def _int_param(request: web.Request, name: str, default: int, lo: int, hi: int) -> int:
    value = request.query.get(name)
    if value is None:
        return default
    # ASCII digits only: str.isdigit() also takes "٣" or "²", which int() reads or refuses.
    if not (value.isascii() and value.isdigit()) or not lo <= int(value) <= hi:
        raise ValueError(f"{name} must be a whole number from {lo} to {hi}")
    return int(value)


async def list_records(request: web.Request) -> web.Response:
    denied = require_admin(request)
    if denied:
        return denied
    try:
        after = _int_param(request, "after", 0, 0, 2**62)
        limit = _int_param(request, "limit", 100, 1, MAX_LIST_LIMIT)
    except ValueError as exc:
        return error(400, "invalid_query", str(exc))
    filters = {k: request.query.get(q) for k, q in (("office", "office"),
                                                   ("station", "station"),
                                                   ("record_type", "type"))}
    rows = await in_store(request, lambda s: s.list(after=after, limit=limit, **filters))
    next_after = rows[-1]["seq"] if len(rows) == limit else None
    return json_body(request, {"records": [_record_json(r) for r in rows],
                               "next_after": next_after})


def _record_json(row: dict[str, Any]) -> dict[str, Any]:
    return {"seq": row["seq"], "id": row["record_id"], "type": row["record_type"],
            "office": row["office"], "station": row["station"],
            "created_at": row["created_at"], "schema_version": row["schema_version"],
            "payload": row["payload"], "received_at": row["received_at"]}


async def counts(request: web.Request) -> web.Response:
    denied = require_admin(request)
    if denied:
        return denied
    rows = await in_store(request, lambda s: s.counts())
    return json_body(request, {"total": sum(r["count"] for r in rows), "counts": rows})


async def get_reference(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in p.REFERENCE_NAMES:
        return error(404, "not_found", "unknown reference data; known: "
                     + ", ".join(p.REFERENCE_NAMES))
    body, etag = await _reference(request, name)
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag in _etags(request.headers.get("If-None-Match", "")):
        return web.Response(status=304, headers=headers)
    resp = web.Response(body=body.encode("utf-8"), headers=headers,
                        content_type="application/json", charset="utf-8")
    return resp


async def _reference(request: web.Request, name: str) -> tuple[str, str]:
    """(body, ETag) of a reference data set, from this receiver's memory while fresh."""
    kept = request.app[REFERENCE_KEY]
    fresh_s = request.app[SETTINGS_KEY].reference_fresh_s
    began = time.monotonic()
    known = kept.get(name)
    if known is not None and known[0] is not None and began - known[2] < fresh_s:
        return known[0], known[1]
    found = await in_store(request, lambda s: s.get_reference(name))
    body, etag = found if found else ('{"items":[]}', None)
    if etag is None:
        from sync.server.store import etag_for

        etag = etag_for(body)
    known = kept.get(name)
    if known is None or known[2] < began:  # else a PUT ended meanwhile: this may be older
        kept[name] = (body, etag, began)
    return body, etag


def _etags(header: str) -> set[str]:
    tags = set()
    for part in header.split(","):
        part = part.strip()
        if part.startswith("W/"):
            part = part[2:]
        if part:
            tags.add(part)
    return tags


def check_reference_body(text: str) -> str | None:
    try:
        data = loads_limited(text)
    except ValueError as exc:
        return f"reference data must be valid JSON: {exc}"[:300]
    if not isinstance(data, dict) or not isinstance(data.get("items"), list) \
            or not all(isinstance(item, dict) for item in data["items"]):
        return 'reference data must be an object {"items": [{...}, ...]}'
    return None


async def put_reference(request: web.Request) -> web.Response:
    denied = require_admin(request)
    if denied:
        return denied
    name = request.match_info["name"]
    if name not in p.REFERENCE_NAMES:
        return error(404, "not_found", "unknown reference data")
    if request.content_type != "application/json":
        return error(415, "unsupported_media_type", "send application/json")
    try:
        text = (await request.read()).decode("utf-8")
    except UnicodeDecodeError:
        return error(400, "invalid_body", "the body must be UTF-8")
    problem = check_reference_body(text)
    if problem:
        return error(400, "invalid_body", problem)
    etag = await in_store(request, lambda s: s.put_reference(name, text))
    # Read again by the next GET, not this body: two PUTs at once end in either order here,
    # and only the database knows which was stored last.
    request.app[REFERENCE_KEY][name] = (None, None, time.monotonic())
    return web.json_response({"name": name, "etag": etag}, headers={"ETag": etag})


# -- assembling and running --------------------------------------------------------------------

def make_app(store: Store, settings: ServerSettings, *, more_stores: Iterable[Store] = (),
             pusher: Any = None) -> web.Application:
    """`more_stores`: further connections to the same database, each used by a store thread
    of its own. `pusher`: stores pushes instead of the store threads (sync.server.store.
    AsyncPostgresPusher, opened and closed by the app)."""
    app = web.Application(middlewares=[errors_middleware, auth_middleware],
                          client_max_size=settings.max_body_bytes)
    stores = [store, *more_stores]
    app[STORE_KEY] = store
    app[SETTINGS_KEY] = settings
    pool: queue.SimpleQueue = queue.SimpleQueue()
    for s in stores:
        pool.put(s)
    app[POOL_KEY] = pool
    executor = ThreadPoolExecutor(max_workers=len(stores), thread_name_prefix="city-store")
    app[EXECUTOR_KEY] = executor
    app[REFERENCE_KEY] = {}
    app[INFLIGHT_KEY] = {"slots": asyncio.Semaphore(settings.max_concurrent_pushes),
                         "waiting": 0, "reading": {}}

    async def close(app: web.Application) -> None:
        executor.shutdown(wait=True)
        for s in stores:
            s.close()
        if pusher is not None:
            await pusher.close()

    if pusher is not None:
        app[PUSHER_KEY] = pusher

        async def open_pusher(app: web.Application) -> None:
            await pusher.open()

        app.on_startup.append(open_pusher)

    app.on_cleanup.append(close)
    app.router.add_get(p.HEALTH_PATH, health)
    app.router.add_get(p.OPENAPI_PATH, openapi)
    app.router.add_post(p.PUSH_PATH, push)
    app.router.add_get(p.PUSH_PATH, list_records)
    app.router.add_get(p.PUSH_PATH + "/{record_id}", get_record)
    app.router.add_get(p.COUNTS_PATH, counts)
    app.router.add_get(p.REFERENCE_PATH + "/{name}", get_reference)
    app.router.add_put(p.REFERENCE_PATH + "/{name}", put_reference)
    return app


def default_reference() -> dict[str, str]:
    """Reference data served until the city loads its own: the bundled service catalog."""
    from kiosk.assets import asset_path

    out = {name: '{"items":[]}' for name in p.REFERENCE_NAMES}
    try:
        services = json.loads(asset_path("catalogs", "services.json").read_text("utf-8"))
        out["services"] = json.dumps({"items": services["services"]}, ensure_ascii=False,
                                     separators=(",", ":"))
    except (OSError, ValueError, KeyError):
        pass
    return out


def load_reference(store: Store, directory: Path | None) -> None:
    """Seed the reference data sets missing from the store (or all, from `directory`:
    files procedures.json, services.json, holidays.json)."""
    defaults = default_reference()
    for name in p.REFERENCE_NAMES:
        path = directory / f"{name}.json" if directory else None
        if path is not None and path.exists():
            text = path.read_text(encoding="utf-8-sig")  # Notepad may add a BOM
            problem = check_reference_body(text)
            if problem:
                raise ValueError(f"{path}: {problem}")
            store.put_reference(name, text)
        elif store.get_reference(name) is None:
            store.put_reference(name, defaults[name])


def ssl_context(cert: str | None, key: str | None) -> ssl.SSLContext | None:
    """HTTPS for the server, the same way the office hub serves it (kiosk/tls.py)."""
    from kiosk.tls import server_context

    return server_context(cert, key)


def serve(db: str, settings: ServerSettings, *, host: str = "127.0.0.1", port: int = 8080,
          tls: ssl.SSLContext | None = None, reference_dir: Path | None = None,
          on_ready: Callable[[str], None] | None = None,
          stop: asyncio.Event | None = None, workers: int = 1) -> None:
    """Run until SIGINT/SIGTERM (or `stop` is set). `on_ready(base_url)` once listening.

    `workers` > 1: that many receiver processes share the port (Linux, PostgreSQL only; see
    serve_workers)."""
    if workers > 1:
        serve_workers(db, settings, workers=workers, host=host, port=port, tls=tls,
                      reference_dir=reference_dir, on_ready=on_ready)
        return
    store = open_store(db)
    load_reference(store, reference_dir)
    asyncio.run(_serve_store(store, settings, host=host, port=port, tls=tls,
                             on_ready=on_ready, stop=stop, pusher=_pusher(db)))


def _is_postgres(db: str) -> bool:
    return str(db).startswith(("postgresql://", "postgres://"))


def _pusher(db: str) -> Any:
    """PostgreSQL: pushes are stored on the event loop over POSTGRES_STORE_CONNECTIONS
    asyncio connections per receiver process (SQLite: on the store thread, one writer; on
    Windows too, whose default event loop psycopg's asyncio connections cannot use)."""
    if not _is_postgres(db) or sys.platform == "win32":
        return None
    from sync.server.store import AsyncPostgresPusher

    return AsyncPostgresPusher(db, POSTGRES_STORE_CONNECTIONS)


def _url(host: str, port: int, tls: ssl.SSLContext | None) -> str:
    scheme = "https" if tls else "http"
    shown_host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown_host}:{port}"


async def _serve_store(store: Store, settings: ServerSettings, *, host: str, port: int,
                       tls: ssl.SSLContext | None, on_ready: Callable[[str], None] | None,
                       stop: asyncio.Event | None, sock: socket.socket | None = None,
                       pusher: Any = None) -> None:
    import signal

    from kiosk.hub import limits

    # As on the office hub: malformed requests are a client's mistake (one INFO line,
    # no traceback), and a connection that sends no complete request is closed.
    # ... and connections per client address and in all are capped (limits.ConnectionGate).
    gate = limits.ConnectionGate("city-server", settings.max_connections_per_address
                                 or limits.CITY_MAX_CONNECTIONS_PER_ADDRESS,
                                 limits.CITY_MAX_CONNECTIONS)
    runner = limits.GatedAppRunner(make_app(store, settings, pusher=pusher),
                                   gate=gate, auto_decompress=False,
                                   access_log=None, handle_signals=False,
                                   keepalive_timeout=limits.IDLE_TIMEOUT_S,
                                   logger=limits.server_logger("city-server"))
    await runner.setup()
    site: web.BaseSite
    if sock is not None:
        site = web.SockSite(runner, sock, ssl_context=tls)
    else:
        site = web.TCPSite(runner, host, port, ssl_context=tls, backlog=128)
    await site.start()
    sockets = site._server.sockets if site._server else []  # type: ignore[union-attr]
    bound = sockets[0].getsockname()[1] if sockets else port
    done = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Not on Windows, nor off the main thread.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, done.set)
    if on_ready:
        on_ready(_url(host, bound, tls))
    try:
        await done.wait()
    finally:
        await runner.cleanup()


# -- several receiver processes ------------------------------------------------------------------

WORKER_START_TIMEOUT_S = 60.0
WORKER_RESTART_PAUSE_S = 1.0


def workers_problem(db: str, workers: int) -> str | None:
    """Why `workers` receiver processes cannot run here, worded for the operator."""
    if workers < 1:
        return "--workers must be at least 1"
    if workers == 1:
        return None
    if not _is_postgres(db):
        return ("--workers N needs PostgreSQL (--db postgresql://…): a SQLite file takes one "
                "writer at a time, so run one receiver process on it")
    if not sys.platform.startswith("linux") or not hasattr(socket, "SO_REUSEPORT"):
        return ("--workers N shares one port between processes, which needs Linux; "
                "elsewhere run one city-server per port behind an HTTP load balancer")
    return None


def _listening_socket(host: str, port: int, *, listen: bool = True) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    if listen:
        sock.listen(512)
        sock.setblocking(False)
    return sock


def _worker_main(db: str, settings: ServerSettings, host: str, port: int,
                 tls: ssl.SSLContext | None, ready: Any, number: int) -> None:
    """One receiver process: its own store connection, its own socket on the shared port
    (SO_REUSEPORT: the kernel spreads new connections over the workers)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        store = open_store(db)
        sock = _listening_socket(host, port)
    except Exception as exc:
        ready.put((number, f"{type(exc).__name__}: {exc}"))
        raise SystemExit(1) from None
    try:
        asyncio.run(_serve_store(store, settings, host=host, port=port, tls=tls,
                                 on_ready=lambda url: ready.put((number, None)), stop=None,
                                 sock=sock, pusher=_pusher(db)))
    except Exception as exc:
        ready.put((number, f"{type(exc).__name__}: {exc}"))
        raise SystemExit(1) from None


def serve_workers(db: str, settings: ServerSettings, *, workers: int, host: str = "127.0.0.1",
                  port: int = 8080, tls: ssl.SSLContext | None = None,
                  reference_dir: Path | None = None,
                  on_ready: Callable[[str], None] | None = None) -> None:
    """`workers` receiver processes on one port in front of one PostgreSQL database. They
    share nothing but the database (the record id's unique key settles a record sent to two
    of them at once), so any of them may take any push. This process migrates the
    database, loads reference data, starts the workers, restarts one that dies, and stops
    them all on SIGINT/SIGTERM. The limits (pushes stored at once, bodies per token) hold
    per worker."""
    import multiprocessing
    import queue
    import signal
    import threading

    problem = workers_problem(db, workers)
    if problem:
        raise ValueError(problem)
    store = open_store(db)  # migrations run once, here, before any worker starts
    try:
        load_reference(store, reference_dir)
    finally:
        store.close()
    # Holds the port (bound, never listening: the kernel hands connections only to the
    # workers' listening sockets); with --port 0 it also picks the port they all use.
    keeper = _listening_socket(host, port, listen=False)
    port = keeper.getsockname()[1]
    context = multiprocessing.get_context("fork")  # children inherit the settings and TLS
    ready = context.Queue()
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError):  # not on the main thread
            signal.signal(sig, lambda *_: done.set())

    def start(number: int) -> Any:
        proc = context.Process(target=_worker_main, name=f"city-receiver-{number}",
                               args=(db, settings, host, port, tls, ready, number),
                               daemon=False)
        proc.start()
        return proc

    procs = {n: start(n) for n in range(1, workers + 1)}
    try:
        waiting = set(procs)
        deadline = time.monotonic() + WORKER_START_TIMEOUT_S
        while waiting:
            try:
                number, failure = ready.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise RuntimeError(f"{len(waiting)} receiver process(es) did not start within "
                                   f"{WORKER_START_TIMEOUT_S:.0f} s") from None
            if failure:
                raise RuntimeError(f"receiver process {number} could not start: {failure}")
            waiting.discard(number)
        log.info("city-server: %d receiver processes on port %d", workers, port)
        if on_ready:
            on_ready(_url(host, port, tls))
        while not done.wait(0.5):
            for number, proc in list(procs.items()):
                if proc.exitcode is not None and not done.is_set():
                    log.error("city-server: receiver process %d (pid %s) ended with code %s; "
                              "starting another", number, proc.pid, proc.exitcode)
                    time.sleep(WORKER_RESTART_PAUSE_S)
                    procs[number] = start(number)
    finally:
        for proc in procs.values():
            if proc.exitcode is None:
                proc.terminate()
        for proc in procs.values():
            proc.join(15)
            if proc.exitcode is None:
                proc.kill()
                proc.join(5)
        keeper.close()
        with contextlib.suppress(Exception):
            while True:
                ready.get_nowait()
        ready.close()
