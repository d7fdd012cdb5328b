"""A STAND-IN for the office hub's dossier book, for the counter-side tests only.

The real routes are in kiosk/hub (kiosk/dossiers/book.py `apply_changes`). This small aiohttp
app answers the same two routes over real HTTP on 127.0.0.1, on a real SQLite station
database (the same migrations), with the real status rules (kiosk/dossiers/status.py
check_transition) and version checks:

    GET  /api/v1/dossiers/{code}   {"dossier": Dossier.as_json(), "version": n}, or both null
    POST /api/v1/dossiers/changes  {"changes": [...]} -> {"results": [...]}
    GET  /api/v1/events            WebSocket: the hello greeting, then quiet (so a RemoteQueue's
                                   background thread sees the hub come and go)
    GET  /api/v1/services, /api/v1/counters/{n}, /api/v1/snapshot: the real LocalQueue's
                                   answers on the same database, so a counter window's calling
                                   bar starts quietly

It can be stopped and started again on the same port (the hub going away and returning), and
can hold change requests until N of them are in flight, then apply them in the order they
arrived: two counters at the same moment, deterministically (the real hub cannot be told to
wait). Every other counter test runs against the real `kiosk hub` process: `RealBook` below
gives it the same small interface (a counter key per station, the book's copy of a dossier,
the hub's city records, stop and start).
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from kiosk.dossiers.intake import DOSSIER_SELECT, dossier_from_row, normalize_code
from kiosk.dossiers.office import mirror
from kiosk.dossiers.status import DossierStatus, IllegalTransition, check_transition
from kiosk.hub import protocol as p
from kiosk.store import append_outbox, connect, transaction

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
KEY = "counter-key-for-book-tests"


class BookHub:
    """The stand-in hub on 127.0.0.1 (a thread with its own event loop)."""

    def __init__(self, db_path: Path, key: str = KEY) -> None:
        self.db_path = db_path
        self.key = key
        self.db = connect(db_path)  # used from the server's worker threads, one at a time
        self._db_lock = threading.Lock()
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.requests: list[list[str]] = []  # the change ids of every POST, in arrival order
        self._hold = 0
        self._held: list[asyncio.Future] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="book-hub",
                                        daemon=True)
        self._thread.start()
        self._runner: web.AppRunner | None = None
        self.start()

    # -- control -------------------------------------------------------------------------------

    def start(self) -> BookHub:
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)

    def close(self) -> None:
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if getattr(self, "_local_queue", None) is not None:
            self._local_queue.close()
        self.db.conn.close()

    def key_for(self, station: str) -> str:
        return self.key

    def hold_changes(self, count: int) -> None:
        """Hold the next change requests until `count` of them have arrived (then they are
        applied one after the other, in the order they arrived)."""
        self._hold = count

    # -- reading the book (for assertions) -----------------------------------------------------

    def dossier(self, code: str) -> dict[str, Any] | None:
        with self._db_lock:
            return _as_json(self.db.conn, normalize_code(code))

    def city_records(self) -> list[tuple[str, dict[str, Any]]]:
        with self._db_lock:
            return [(r[0], json.loads(r[1])) for r in self.db.execute(
                "SELECT record_id, payload FROM outbox WHERE record_type = 'dossier' "
                "ORDER BY id")]

    # -- the server ----------------------------------------------------------------------------

    async def _start(self) -> None:
        self._order = asyncio.Condition()
        self._arrived = self._applied = 0
        app = web.Application()
        app.router.add_get(p.EVENTS_PATH, self._events)
        app.router.add_post(p.DOSSIER_CHANGES_PATH, self._changes)
        app.router.add_get(p.DOSSIERS_PATH + "/{code}", self._get)
        app.router.add_get(p.SERVICES_PATH, self._services)
        app.router.add_get(p.COUNTERS_PATH + "/{n}", self._counter)
        app.router.add_get(p.SNAPSHOT_PATH, self._snapshot)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await site.start()

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.key}"

    async def _events(self, request: web.Request) -> web.StreamResponse:
        if not self._authorized(request):
            return web.json_response({"error": "unauthorized"}, status=401)
        ws = web.WebSocketResponse(heartbeat=p.HEARTBEAT_S)
        await ws.prepare(request)
        await ws.send_str(json.dumps({"type": "hello", "protocol": p.PROTOCOL_VERSION,
                                      "seq": 0, "replayed": 0, "gap": False}))
        async for _ in ws:
            pass
        return ws

    def _queue(self) -> Any:
        from kiosk.config import Config
        from kiosk.queue.local import LocalQueue

        if getattr(self, "_local_queue", None) is None:
            self._local_queue = LocalQueue(self.db_path, Config())
        return self._local_queue

    async def _services(self, request: web.Request) -> web.Response:
        found = await asyncio.to_thread(lambda: self._queue().services())
        return web.json_response({"services": [
            {"code": s.code, "prefix": s.prefix, "name_vi": s.name_vi, "name_en": s.name_en,
             "field": s.field, "hours": list(s.hours_spec)} for s in found]})

    async def _counter(self, request: web.Request) -> web.Response:
        return web.json_response({"ticket": None})

    async def _snapshot(self, request: web.Request) -> web.Response:
        snap = await asyncio.to_thread(lambda: self._queue().snapshot())
        return web.json_response(snap.as_json())

    async def _get(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.json_response({"error": "unauthorized"}, status=401)
        code = normalize_code(request.match_info["code"])

        def read() -> dict[str, Any] | None:
            with self._db_lock:
                return _as_json(self.db.conn, code)

        found = await asyncio.to_thread(read)
        if found is None:
            return web.json_response({"dossier": None, "version": None})
        return web.json_response({"dossier": found, "version": len(found["history"])})

    async def _changes(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.json_response({"error": "unauthorized"}, status=401)
        body = await request.json()
        changes = body.get("changes") if isinstance(body, dict) else None
        if not isinstance(changes, list):
            return web.json_response({"error": "invalid_body", "message": "changes"},
                                     status=400)
        self.requests.append([str(c.get("id")) for c in changes])
        turn = self._arrived
        self._arrived += 1
        if self._hold:
            future = self._loop.create_future()
            self._held.append(future)
            if len(self._held) >= self._hold:
                self._hold = 0
                held, self._held = self._held, []
                for f in held:
                    f.set_result(None)
            await future
        async with self._order:  # applied in the order they arrived (held ones too)
            await self._order.wait_for(lambda: self._applied == turn)
            try:
                results = await asyncio.to_thread(self._apply_all, changes)
            finally:
                self._applied += 1
                self._order.notify_all()
        return web.json_response({"results": results})

    # -- applying ------------------------------------------------------------------------------

    def _apply_all(self, changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        with self._db_lock:
            return [self._apply(c) for c in changes]

    def _apply(self, change: dict[str, Any]) -> dict[str, Any]:
        uid = str(change.get("id"))
        with transaction(self.db) as conn:
            if change.get("kind") == "intake":
                data = change["dossier"]
                code = normalize_code(data["code"])
                row = conn.execute("SELECT uid FROM dossiers WHERE code = ?", (code,)).fetchone()
                if row is not None:
                    return _result(conn, uid, "unchanged" if row[0] == data["uid"]
                                   else "rejected", code, "code taken" if row[0] != data["uid"]
                                   else None)
                mirror(conn, data)
                conn.execute("UPDATE dossier_events SET station_id = ? WHERE uid = ?",
                             (data["station"], data["history"][0]["uid"]))
                if change.get("city") is not None:
                    append_outbox(conn, "dossier", change["city"],
                                  _at(data["history"][0]["at"]), record_id=uid)
                return _result(conn, uid, "applied", code)
            code = normalize_code(change["code"])
            if conn.execute("SELECT 1 FROM dossier_events WHERE uid = ?", (uid,)).fetchone():
                return _result(conn, uid, "unchanged", code)
            row = conn.execute("SELECT id, status FROM dossiers WHERE code = ?",
                               (code,)).fetchone()
            if row is None:
                return {"id": uid, "result": "rejected", "reason": "unknown dossier",
                        "version": None, "dossier": None}
            version = conn.execute("SELECT count(*) FROM dossier_events WHERE dossier_id = ?",
                                   (row[0],)).fetchone()[0]
            if version != change["base_version"]:
                return _result(conn, uid, "conflict", code, "version moved on")
            event, after = change["event"], change["after"]
            try:
                check_transition(DossierStatus(row[1]), DossierStatus(event["to"]),
                                 event.get("reason"))
            except IllegalTransition as exc:
                return _result(conn, uid, "rejected", code, exc.message_en)
            conn.execute(
                "UPDATE dossiers SET status = ?, status_reason = ?, finished_at = ?, "
                "returned_at = ?, on_time = ?, updated_at = ? WHERE id = ?",
                (after["status"], after["status_reason"], after["finished_at"],
                 after["returned_at"], None if after["on_time"] is None
                 else int(after["on_time"]), after["updated_at"], row[0]))
            conn.execute(
                "INSERT INTO dossier_events (uid, dossier_id, from_status, to_status, at, "
                "clerk, reason, station_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (uid, row[0], event["from"], event["to"], event["at"], event["clerk"],
                 event.get("reason"), change["station"]))
            if change.get("city") is not None:
                append_outbox(conn, "dossier", change["city"], _at(event["at"]),
                              record_id=uid)
            return _result(conn, uid, "applied", code)


def _result(conn: Any, uid: str, result: str, code: str, reason: str | None = None
            ) -> dict[str, Any]:
    current = _as_json(conn, code)
    return {"id": uid, "result": result, "reason": reason,
            "version": len(current["history"]) if current else None,
            "dossier": current}


def _as_json(conn: Any, code: str) -> dict[str, Any] | None:
    row = conn.execute(f"SELECT {DOSSIER_SELECT} FROM dossiers WHERE code = ?",
                       (code,)).fetchone()
    return dossier_from_row(conn, row, HCM).as_json() if row else None


def _at(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]



class RealBook:
    """The real office hub (`kiosk hub` in its own process, tests/hubutil.py) with the
    interface the counter tests use: a paired counter key per station, the book's copy of a
    dossier and the hub's city records (read from its database file), stop and start on the
    same port."""

    def __init__(self, data_dir: Path) -> None:
        from tests.hubutil import HubProcess

        self.process = HubProcess(data_dir)
        self.db_path = self.process.db_path
        self._keys: dict[str, str] = {}

    @property
    def url(self) -> str:
        return self.process.url

    def key_for(self, station: str) -> str:
        from tests.hubutil import pair

        if station not in self._keys:
            self._keys[station] = pair(self.url, station, "counter")
        return self._keys[station]

    def stop(self) -> None:
        self.process.stop()

    def start(self) -> RealBook:
        self.process.restart()
        return self

    def close(self) -> None:
        self.process.stop()

    def _read(self, work: Any) -> Any:
        db = connect(self.db_path)
        try:
            return work(db.conn)
        finally:
            db.conn.close()

    def dossier(self, code: str) -> dict[str, Any] | None:
        return self._read(lambda conn: _as_json(conn, normalize_code(code)))

    def city_records(self, *types: str) -> list[tuple[str, dict[str, Any]]]:
        """The hub's city outbox rows of `types` (default: "dossier"), in order."""
        types = types or ("dossier",)
        marks = ", ".join("?" for _ in types)
        return self._read(lambda conn: [(r[0], json.loads(r[1])) for r in conn.execute(
            f"SELECT record_id, payload FROM outbox WHERE record_type IN ({marks}) "  # noqa: S608
            "ORDER BY id", types)])
