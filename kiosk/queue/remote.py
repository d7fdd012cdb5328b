"""The office queue over the LAN: the hub's HTTP JSON API (requests) and its WebSocket event
push (aiohttp client on a background thread, reconnecting on its own).

- Every changing request carries an operation id (UUID), so a retry after a lost answer is
  applied once: a "next" retried after a timeout gets the same ticket, not a second one.
- Connection state (connected / lost since …) goes to `on_connection(ConnectionState)` on every
  change, so a counter can show "Mất kết nối với máy chủ quầy" plainly.
- The counter outbox (`outbox_path`: this station's own database): what a counter records
  that does not need an answer from the hub now — dossier links, "finish", print outcomes — is
  written to `counter_outbox` first, then sent; while the hub is unreachable it stays there and
  is replayed in order, before any other operation, when the hub returns. The hub applies each
  operation id once, so a replay after a crash at any point delivers it once and only once.
  Operations that need the hub's answer (issue, next, recall, skip, transfer) cannot be done
  offline: they raise HubUnavailable.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests

from kiosk.feedback.lookup import PublicDossierView
from kiosk.hub import protocol as p
from kiosk.queue.catalog import OpeningHours, Service
from kiosk.queue.errors import (
    HubUnavailable,
    InvalidRequest,
    NoCurrentTicket,
    QueueError,
    TicketNotFound,
    Unauthorized,
)
from kiosk.queue.model import (
    CALLED,
    FINISHED,
    RECALLED,
    SKIPPED,
    TRANSFERRED,
    QueueEvent,
    QueueSnapshot,
)
from kiosk.queue.priority import PriorityCategory
from kiosk.queue.service import ConnectionState, Unsubscribe
from kiosk.ticketing import PRINT_FAILED, PRINTED, Ticket, UnknownService
from kiosk.tls import ca_file_problem, client_context, hub_tls_failure

log = logging.getLogger(__name__)

TICKET_CACHE = 500
RECONNECT_MIN_S = 0.1
RECONNECT_MAX_S = 2.0
WS_MAX_MESSAGE = 4 * 1024 * 1024
FORWARD_EVERY_S = 2.0  # how often a client looks for new dossiers and ratings to forward


class _Refused(QueueError):
    """A 4xx the hub will answer the same way every time (a replay is set aside)."""


def _error_from(status: int, data: dict[str, Any]) -> QueueError | UnknownService:
    code = data.get("error", "")
    message = data.get("message") or f"the hub answered {status}"
    vi = data.get("message_vi")
    if status == 401:
        return Unauthorized()
    if code == "ticket_not_found":
        exc: QueueError = TicketNotFound("?")
    elif code == "no_current_ticket":
        exc = NoCurrentTicket(0)
    elif code == "unknown_service":
        return UnknownService(str(data.get("service", "?")), data.get("known") or [])
    elif status >= 500 or status in (408, 429):
        # A server error, a body too slow to arrive (the LAN), too many requests: try again
        # later; an outbox operation stays queued instead of being set aside.
        return HubUnavailable(f"the hub answered {status}: {message}")
    elif status == 400:
        exc = InvalidRequest(message, vi)
    else:
        exc = _Refused(message, vi)
        exc.code = code or "refused"
        exc.status = status
    exc.message_en = message
    exc.args = (message,)
    if vi:
        exc.message_vi = vi
    return exc


class RemoteQueue:
    """QueueService of the hub at `hub_url` (e.g. "http://192.168.1.10:8090").

    `outbox_path`: this station's database, for the counter outbox (None: no outbox; then
    finish/link_dossier/record_print also need the hub). `on_connection`: called with a
    ConnectionState on every change (from a background thread); giving it starts the event
    connection at once, else the first subscribe() does. `tz`: for times stamped here.
    `ca_file`: for an https:// hub, the certificate to trust (the hub's own, [hub] ca_file);
    empty: the system's CAs. A certificate the client cannot trust makes the hub unavailable,
    with the technician's message (kiosk.tls.hub_tls_failure). `dossier_book`: this station's
    dossiers live in the office's dossier book on the hub (a counter PC of a LAN office): the
    background thread pushes its queued dossier changes (kiosk/dossiers/office.py) and the
    office feed forwards only its ratings.
    """

    def __init__(self, hub_url: str, key: str, *, timeout_s: float = 5.0,
                 outbox_path: Path | str | None = None,
                 on_connection: Callable[[ConnectionState], None] | None = None,
                 retries: int = 1, tz: str = "Asia/Ho_Chi_Minh", ca_file: str = "",
                 dossier_book: bool = False):
        if not hub_url.startswith(("http://", "https://")):
            raise InvalidRequest(f"the hub URL must start with http:// or https://: {hub_url!r}")
        if not (key.isascii() and key.isprintable()):  # headers carry printable ASCII only
            raise InvalidRequest("the hub key must be printable ASCII characters (letters "
                                 "without accents, digits, punctuation): check --key or "
                                 "[hub] station_key / office_key")
        self.hub_url = hub_url.rstrip("/")
        self.ca_file = ca_file if hub_url.startswith("https://") else ""
        self._ws_ssl: Any = None  # the WebSocket's SSL context, built on first use
        self._key = key
        self.timeout_s = timeout_s
        self.retries = retries
        self.tz = ZoneInfo(tz)
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._state: ConnectionState | None = None
        self._on_connection = on_connection
        self._subscribers: list[Callable[[QueueEvent], None]] = []
        self._tickets: OrderedDict[int, Ticket] = OrderedDict()
        self._at_counter: dict[int, Ticket] = {}
        self._cache_lock = threading.Lock()
        self._services: list[Service] | None = None
        self._last_seq: int | None = None
        self._closed = False
        self._outbox_db = None
        self._outbox_lock = threading.RLock()
        self._pending = 0
        if outbox_path is not None:
            from kiosk.store import connect

            self._outbox_db = connect(outbox_path)
            self._pending = self._outbox_db.execute(
                "SELECT count(*) FROM counter_outbox WHERE sent_at IS NULL AND "
                "set_aside_at IS NULL").fetchone()[0]
        self._outbox_path = outbox_path
        # The office feed has its own connection and lock: a slow hub holds the forwarder,
        # never a clerk's finish or link waiting on the counter outbox.
        self._feed_db = None
        self._feed_lock = threading.Lock()
        self._feed_refused = False  # the hub refused this key for the office feed (logged)
        self.dossier_book = dossier_book
        self._book_refused = False  # the hub refused the dossier changes (logged once)
        self._ws_thread: threading.Thread | None = None
        self._ws_loop: asyncio.AbstractEventLoop | None = None
        self._ws_task: asyncio.Task | None = None
        self._flush_wanted = threading.Event()
        self._flusher: threading.Thread | None = None
        self._events_live = threading.Event()
        self._round_tasks: list[Callable[[], Any]] = []
        if on_connection is not None:
            self._start_events()

    # -- QueueService --------------------------------------------------------------------------

    def services(self) -> list[Service]:
        if self._services is None:
            data = self._request("GET", p.SERVICES_PATH)
            self._services = [
                Service(code=s["code"], prefix=s["prefix"], name_vi=s["name_vi"],
                        name_en=s["name_en"], field=s.get("field", ""),
                        hours=OpeningHours.parse(s["hours"]), hours_spec=tuple(s["hours"]))
                for s in data["services"]]
        return list(self._services)

    def issue(self, service_code: str, priority: PriorityCategory | str | None = None
              ) -> Ticket:
        value = priority.value if isinstance(priority, PriorityCategory) else priority
        return self._ticket_op("POST", p.TICKETS_PATH,  # type: ignore[return-value]
                               {"service": service_code, "priority": value})

    def record_print(self, ticket_id: int, ok: bool, detail: str | None = None) -> Ticket:
        body = {"ok": bool(ok), "detail": detail}
        sent, ticket = self._deferrable(f"{p.TICKETS_PATH}/{int(ticket_id)}/print", body)
        if sent and ticket is not None:
            return ticket
        known = self._cached(ticket_id)
        if known is None:
            raise HubUnavailable("the hub is unreachable; the print outcome is kept and will "
                                 "be sent when it returns")
        return replace(known, print_status=PRINTED if ok else PRINT_FAILED)

    def call_next(self, counter: int, services: Sequence[str] = (), clerk: str | None = None
                  ) -> Ticket | None:
        return self._counter_op(counter, "next", {"services": list(services), "clerk": clerk})

    def recall(self, counter: int) -> Ticket | None:
        return self._counter_op(counter, "recall", {})

    def skip(self, counter: int) -> Ticket | None:
        return self._counter_op(counter, "skip", {})

    def transfer(self, counter: int, *, to_service: str | None = None,
                 to_counter: int | None = None) -> Ticket:
        ticket = self._counter_op(counter, "transfer", {"to_service": to_service,
                                                        "to_counter": to_counter})
        assert ticket is not None
        return ticket

    def finish(self, counter: int) -> Ticket | None:
        counter = int(counter)
        with self._cache_lock:
            current = self._at_counter.get(counter)
        body: dict[str, Any] = {"ticket_id": current.id if current else None}
        sent, ticket = self._deferrable(f"{p.COUNTERS_PATH}/{counter}/finish", body)
        self._remember(counter, None)
        if sent:
            return ticket
        # Queued for the hub: answer what it will record.
        if current is None:
            return None
        return replace(current, status="done", finished_at=datetime.now(self.tz))

    def current(self, counter: int) -> Ticket | None:
        self.flush()
        data = self._request("GET", f"{p.COUNTERS_PATH}/{int(counter)}")
        ticket = self._ticket_from(data)
        self._remember(int(counter), ticket)
        return ticket

    def get(self, ticket_id: int) -> Ticket:
        ticket = self._ticket_from(self._request("GET", f"{p.TICKETS_PATH}/{int(ticket_id)}"))
        assert ticket is not None
        return ticket

    def link_dossier(self, ticket_id: int, dossier_code: str) -> Ticket:
        with self._cache_lock:
            counter = next((n for n, t in self._at_counter.items() if t.id == ticket_id), None)
        sent, ticket = self._deferrable(f"{p.TICKETS_PATH}/{int(ticket_id)}/dossiers",
                                        {"dossier_code": dossier_code, "counter": counter})
        if sent and ticket is not None:
            return ticket
        known = self._cached(ticket_id)
        if known is None:
            raise HubUnavailable("the hub is unreachable; the dossier link is kept and will "
                                 "be sent when it returns")
        codes = known.dossiers if dossier_code in known.dossiers \
            else (*known.dossiers, dossier_code)
        return replace(known, dossiers=codes)

    def snapshot(self) -> QueueSnapshot:
        return QueueSnapshot.from_json(self._request("GET", p.SNAPSHOT_PATH))

    def dossier_view(self, code: str) -> PublicDossierView | None:
        from urllib.parse import quote

        data = self._request("GET", f"{p.DOSSIERS_PATH}/{quote(code.strip(), safe='')}")
        found = data.get("dossier")
        return PublicDossierView.from_json(found) if isinstance(found, dict) else None

    def petition_view(self, code: str):
        """A petition's public view from the hub (kiosk.petitions), None when unknown."""
        from urllib.parse import quote

        from kiosk.petitions.cases import PublicPetitionView

        data = self._request("GET", f"{p.PETITIONS_PATH}/{quote(code.strip(), safe='')}")
        found = data.get("petition")
        try:
            return PublicPetitionView.from_json(found) if isinstance(found, dict) else None
        except (KeyError, TypeError, ValueError):
            log.warning("the hub answered a petition look-up with a malformed view")
            return None

    def dossier(self, code: str) -> tuple[dict[str, Any], int] | None:
        """The office dossier book's full record of `code` and its version (the number of
        status changes), or None when the book does not hold it (or the hub answers this key
        with the public view only). Raises HubUnavailable when the hub cannot be reached."""
        from urllib.parse import quote

        try:
            data = self._request("GET", f"{p.DOSSIERS_PATH}/{quote(code.strip(), safe='')}")
        except _Refused as exc:
            if getattr(exc, "status", None) == 404:
                return None
            raise
        found, version = data.get("dossier"), data.get("version")
        if not isinstance(found, dict) or isinstance(version, bool) \
                or not isinstance(version, int) or not isinstance(found.get("history"), list):
            return None
        return found, version

    def due_dossiers(self, within: int, *, overdue_only: bool = False) -> dict[str, Any]:
        """The office dossier book's due list (GET /api/v1/dossiers?due_within=N): the whole
        office's open dossiers overdue or due within `within` working days. Raises
        HubUnavailable when the hub cannot be reached."""
        query = f"?due_within={int(within)}" + ("&overdue=1" if overdue_only else "")
        return self._request("GET", p.DOSSIERS_PATH + query)

    def push_dossier_changes(self, changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send dossier changes to the office book, in order; the hub's result for each
        ({"id", "result", "reason", "version", "dossier"}). The hub applies each change id
        once, so sending a batch again after a lost answer is safe."""
        data = self._request("POST", p.DOSSIER_CHANGES_PATH, {"changes": changes})
        results = data.get("results")
        if not isinstance(results, list):
            raise HubUnavailable("the hub's answer to dossier changes holds no results")
        return [r for r in results if isinstance(r, dict)]

    def push_book_changes(self) -> int:
        """Push this station's queued dossier changes to the office book (on the background
        thread, also after the hub returns); returns how many the hub took. Raises
        HubUnavailable when it cannot be reached (they stay queued, in order)."""
        from kiosk.dossiers.office import push_pending

        if not self.dossier_book or self._outbox_path is None or self._closed:
            return 0
        with self._feed_lock:
            if self._feed_db is None:
                from kiosk.store import connect

                self._feed_db = connect(self._outbox_path)
            results = push_pending(self._feed_db, self.push_dossier_changes)
        return sum(1 for r in results.values() if r.get("result") in ("applied", "unchanged"))

    def lease_dossier_numbers(self, unit: str, day: str | Any, count: int,
                              held: dict[str, int] | None = None) -> dict[str, Any]:
        """A block of `count` dossier numbers of `day` from the hub (kiosk/dossiers/numbers.py):
        {"unit", "day", "first", "last", "epoch"}. `held`: the highest number this station
        holds per day (ISO date -> number). Raises HubUnavailable when the hub cannot be
        reached. Repeating a lease after a lost answer only wastes the numbers of the first."""
        day_text = day if isinstance(day, str) else day.isoformat()
        data = self._request("POST", p.DOSSIER_NUMBERS_PATH, {
            "unit": unit, "day": day_text, "count": count, "held": dict(held or {})})
        if not isinstance(data, dict):
            raise HubUnavailable("the hub's answer to a number lease is not an object")
        return data

    def subscribe(self, callback: Callable[[QueueEvent], None]) -> Unsubscribe:
        with self._cache_lock:
            self._subscribers.append(callback)
        self._start_events()

        def unsubscribe() -> None:
            with self._cache_lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def close(self) -> None:
        self._closed = True
        loop, task = self._ws_loop, self._ws_task
        if loop is not None and task is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(task.cancel)
        if self._ws_thread is not None:
            self._ws_thread.join(5)
        self._flush_wanted.set()
        if self._flusher is not None:
            self._flusher.join(5)
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
        for s in sessions:
            s.close()
        with self._outbox_lock:
            if self._outbox_db is not None:
                self._outbox_db.conn.close()
                self._outbox_db = None
        with self._feed_lock:
            if self._feed_db is not None:
                self._feed_db.conn.close()
                self._feed_db = None

    # -- beyond the interface ------------------------------------------------------------------

    @property
    def connection(self) -> ConnectionState | None:
        """The latest connection state (None until the hub was first tried)."""
        return self._state

    def wait_events(self, timeout: float = 5.0) -> bool:
        """Block until the event connection is up (the hub greeted it): events from then on
        reach the subscribers. For tests and tools; a UI uses on_connection instead."""
        return self._events_live.wait(timeout)

    def pending(self) -> int:
        """Operations waiting in the counter outbox (a count kept in memory: cheap)."""
        return self._pending

    def flush(self) -> int:
        """Send the counter outbox, oldest first; stops at the first operation the hub cannot
        take now (it stays, in order). Returns how many were delivered. An operation the hub
        refuses for good (4xx) is set aside with the reason, so it cannot block the rest."""
        return sum(1 for r in self._flush().values() if not isinstance(r, QueueError))

    def _flush(self) -> dict[str, dict[str, Any] | QueueError]:
        """flush(), returning the hub's answer (or refusal) per delivered operation id."""
        if self._outbox_db is None:
            return {}
        results: dict[str, dict[str, Any] | QueueError] = {}
        with self._outbox_lock:
            if self._outbox_db is None:
                return {}
            rows = self._outbox_db.execute(
                "SELECT id, op_id, op, body FROM counter_outbox WHERE sent_at IS NULL AND "
                "set_aside_at IS NULL ORDER BY id").fetchall()
            for row_id, op_id, path, body in rows:
                try:
                    data = self._request("POST", path, json.loads(body), op_id=op_id)
                except (HubUnavailable, Unauthorized):
                    break
                except QueueError as exc:
                    log.warning("the hub refused a replayed operation (%s): set aside", exc.code)
                    self._outbox_db.execute(
                        "UPDATE counter_outbox SET set_aside_at = ?, set_aside_reason = ? "
                        "WHERE id = ?", (self._now(), f"{exc.code}: {exc}", row_id))
                    results[op_id] = exc
                else:
                    self._outbox_db.execute(
                        "UPDATE counter_outbox SET sent_at = ? WHERE id = ?",
                        (self._now(), row_id))
                    results[op_id] = data
                self._pending -= 1
        delivered = sum(1 for r in results.values() if not isinstance(r, QueueError))
        if delivered:
            log.info("counter outbox: %d operation(s) delivered to the hub", delivered)
            self._report(True, None)  # with the new pending count
        return results

    # -- HTTP ----------------------------------------------------------------------------------

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # a LAN address: never through a configured proxy
            session.verify = self.ca_file or True
            session.headers["Authorization"] = f"Bearer {self._key}"
            session.headers["Accept"] = "application/json"
            with self._sessions_lock:
                self._sessions.append(session)
            self._local.session = session
        return session

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None, *,
                 op_id: str | None = None) -> dict[str, Any]:
        if self._closed:
            raise HubUnavailable("the queue connection is closed")
        if body is not None and method == "POST":
            body = {k: v for k, v in body.items() if v is not None}
            if op_id:
                body["op_id"] = op_id
        last: Exception | None = None
        problem = ca_file_problem(self.ca_file)
        if problem:
            self._report(False, problem)
            raise HubUnavailable(problem)
        # Retries cover a blip; with the hub known to be down, fail fast (the UI is waiting).
        lost = self._state is not None and not self._state.connected
        for attempt in range(1 if lost else self.retries + 1):
            if attempt:
                time.sleep(0.2 * attempt)
            try:
                r = self._session().request(method, self.hub_url + path, json=body,
                                            timeout=self.timeout_s)
            except requests.exceptions.SSLError as exc:
                last = exc
                break  # the same certificate answers a retry the same way
            except requests.RequestException as exc:
                last = exc
                continue
            try:
                data = r.json()
            except ValueError:
                data = {}
            if r.status_code >= 400:
                exc = _error_from(r.status_code, data if isinstance(data, dict) else {})
                if isinstance(exc, HubUnavailable):
                    last = exc
                    continue
                if isinstance(exc, Unauthorized):
                    self._report(False, "unauthorized")
                raise exc
            self._report(True, None)
            return data
        tls = hub_tls_failure(last)
        if tls:
            self._report(False, tls)
            raise HubUnavailable(f"hub {self.hub_url}: {tls}")
        reason = f"{type(last).__name__}" if last else "unknown"
        self._report(False, reason)
        raise HubUnavailable(f"the hub at {self.hub_url} cannot be reached ({reason})")

    def _ticket_op(self, method: str, path: str, body: dict[str, Any]) -> Ticket | None:
        self.flush()  # what was recorded offline goes first, in order
        return self._ticket_from(self._request(method, path, body, op_id=str(uuid.uuid4())))

    def _counter_op(self, counter: int, action: str, body: dict[str, Any]) -> Ticket | None:
        if isinstance(counter, bool) or not isinstance(counter, int):
            raise InvalidRequest(f"counter must be a whole number, not {counter!r}")
        try:
            ticket = self._ticket_op("POST", f"{p.COUNTERS_PATH}/{counter}/{action}", body)
        except NoCurrentTicket:
            raise NoCurrentTicket(counter) from None
        if action in ("next", "recall"):
            self._remember(counter, ticket)
        else:
            self._remember(counter, None)
        return ticket

    def _deferrable(self, path: str, body: dict[str, Any]) -> tuple[bool, Ticket | None]:
        """Record-type operations, stamped with the time the clerk acted. With an outbox:
        stored durably first, then the outbox is flushed. Returns (delivered, the hub's
        answer); (False, None) when it stays queued for later."""
        body = dict(body, at=datetime.now(self.tz).isoformat())
        op_id = str(uuid.uuid4())
        if self._outbox_db is None:
            return True, self._ticket_from(self._request("POST", path, body, op_id=op_id))
        with self._outbox_lock:
            if self._outbox_db is None:
                raise HubUnavailable("the queue connection is closed")
            self._outbox_db.execute(
                "INSERT INTO counter_outbox (op_id, hub, op, body, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (op_id, self.hub_url, path, json.dumps(body, ensure_ascii=False), self._now()))
            self._pending += 1
            result = self._flush().get(op_id)
        if isinstance(result, QueueError):
            raise result
        if result is None:
            self._report(False, self._state.error if self._state else "unreachable")
            return False, None
        return True, self._ticket_from(result)

    # -- cache and state -----------------------------------------------------------------------

    def _ticket_from(self, data: dict[str, Any]) -> Ticket | None:
        raw = data.get("ticket")
        if raw is None:
            return None
        ticket = Ticket.from_json(raw)
        with self._cache_lock:
            self._tickets[ticket.id] = ticket
            self._tickets.move_to_end(ticket.id)
            while len(self._tickets) > TICKET_CACHE:
                self._tickets.popitem(last=False)
        return ticket

    def _cached(self, ticket_id: int | None) -> Ticket | None:
        with self._cache_lock:
            return self._tickets.get(ticket_id) if ticket_id is not None else None

    def _remember(self, counter: int, ticket: Ticket | None) -> None:
        with self._cache_lock:
            if ticket is None:
                self._at_counter.pop(counter, None)
            else:
                self._at_counter[counter] = ticket

    def _now(self) -> str:
        return datetime.now(self.tz).isoformat()

    def _report(self, connected: bool, error: str | None, resync: bool = False) -> None:
        with self._state_lock:
            previous = self._state
            if previous is not None and previous.connected == connected and not resync \
                    and previous.pending == self._pending:
                return
            state = ConnectionState(connected=connected, since=datetime.now(self.tz),
                                    error=error, pending=self._pending, resync=resync)
            self._state = state
        if previous is None or previous.connected != connected:
            log.log(logging.INFO if connected else logging.WARNING, "hub %s: %s",
                    self.hub_url, "connected" if connected else f"lost ({error})")
        if connected and self._pending:
            self._flush_wanted.set()
        callback = self._on_connection
        if callback is not None:
            try:
                callback(state)
            except Exception:
                log.exception("the connection-state callback failed")

    # -- events (WebSocket thread) -------------------------------------------------------------

    def _start_events(self) -> None:
        with self._state_lock:
            if self._ws_thread is not None or self._closed:
                return
            # Loop and task exist before the thread runs, so close() can always cancel it.
            self._ws_loop = asyncio.new_event_loop()
            self._ws_task = self._ws_loop.create_task(self._ws_run())
            self._ws_thread = threading.Thread(target=self._ws_main, name="hub-events",
                                               daemon=True)
            self._flusher = threading.Thread(target=self._flush_main, name="hub-outbox",
                                             daemon=True)
        self._ws_thread.start()
        self._flusher.start()

    def _flush_main(self) -> None:
        while not self._closed:
            woken = self._flush_wanted.wait(FORWARD_EVERY_S)
            self._flush_wanted.clear()
            if self._closed:
                return
            connected = self._state is not None and self._state.connected
            if not (woken or connected):
                continue  # the hub is away: its return (or the next operation) wakes this
            try:
                self.flush()
            except Exception:
                log.exception("replaying the counter outbox failed")
            if not connected:
                continue
            if self.dossier_book:
                try:
                    self.push_book_changes()
                except HubUnavailable as exc:
                    log.info("dossier book: changes not pushed now (%s)", exc)
                    continue
                except QueueError as exc:
                    # A hub without the dossier book (an older version), or a key it refuses:
                    # the changes stay queued; said once, not every round.
                    if not self._book_refused:
                        self._book_refused = True
                        log.warning("dossier book: the hub refuses this station's dossier "
                                    "changes (%s); they stay queued on this PC", exc.code)
                except Exception:
                    log.exception("pushing this station's dossier changes to the hub failed")
            try:
                self.forward_office_records()
            except QueueError as exc:
                if exc.code == "forbidden":
                    # Office records are bound to a paired station; said once, not every round.
                    if self._feed_refused:
                        continue
                    self._feed_refused = True
                    log.warning("office feed: the hub refuses records sent with this key: pair "
                                "this station (set-up wizard, hub step; or `kiosk hub pair` on "
                                "the hub PC) so it sends its own [hub] station_key")
                else:
                    log.info("office feed: not forwarded now (%s)", exc.code)
            except Exception:
                log.exception("forwarding this station's records to the hub failed")
            for task in list(self._round_tasks):
                try:
                    task()
                except Exception:
                    log.exception("a background task of the hub connection failed")

    def every_round(self, task: Callable[[], Any]) -> None:
        """Run `task` on the background thread after each outbox round while the hub answers
        (every FORWARD_EVERY_S; e.g. LeasedNumbers.refill, topping up dossier numbers). The
        thread runs once the event connection is started (on_connection or subscribe)."""
        self._round_tasks.append(task)

    def forward_office_records(self) -> int:
        """Forward this station's dossiers (not in dossier-book mode: the book has them) and
        ratings to the hub (kiosk.officefeed), so the kiosk's look-up and the office
        statistics see them. Returns how many the hub applied;
        raises HubUnavailable when it cannot be reached (the rest goes next time)."""
        from kiosk.officefeed.forward import forward_pending

        if self._outbox_path is None or self._closed:
            return 0
        with self._feed_lock:
            if self._feed_db is None:
                from kiosk.store import connect

                self._feed_db = connect(self._outbox_path)
            return forward_pending(
                self._feed_db, self.hub_url,
                lambda batch: self._request("POST", p.OFFICE_RECORDS_PATH, batch), self.tz,
                dossiers=not self.dossier_book)

    def _ws_main(self) -> None:
        loop, task = self._ws_loop, self._ws_task
        assert loop is not None and task is not None
        asyncio.set_event_loop(loop)
        try:
            with contextlib.suppress(asyncio.CancelledError):
                loop.run_until_complete(task)
        finally:
            loop.close()

    async def _ws_run(self) -> None:
        import aiohttp

        url = self.hub_url.replace("http", "ws", 1) + p.EVENTS_PATH
        headers = {"Authorization": f"Bearer {self._key}"}
        delay = RECONNECT_MIN_S
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=self.timeout_s)
        async with aiohttp.ClientSession(headers=headers, timeout=timeout,
                                         trust_env=False) as session:
            while not self._closed:
                params = {"since": str(self._last_seq)} if self._last_seq is not None else {}
                error = "closed"
                try:
                    async with session.ws_connect(
                            url, params=params, heartbeat=p.HEARTBEAT_S, autoping=True,
                            max_msg_size=WS_MAX_MESSAGE, ssl=self._ws_ssl_context()) as ws:
                        async for msg in ws:
                            if msg.type == aiohttp.WSMsgType.TEXT:
                                self._on_message(msg.data)
                                delay = RECONNECT_MIN_S
                            elif msg.type in (aiohttp.WSMsgType.ERROR, aiohttp.WSMsgType.CLOSE):
                                break
                except aiohttp.WSServerHandshakeError as exc:
                    error = "unauthorized" if exc.status == 401 else f"handshake {exc.status}"
                except HubUnavailable as exc:  # no usable [hub] ca_file
                    error = str(exc)
                except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                    error = hub_tls_failure(exc) or type(exc).__name__
                self._events_live.clear()
                if self._closed:
                    return
                self._report(False, error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_S)

    def _ws_ssl_context(self) -> Any:
        """For ws_connect: the context trusting [hub] ca_file (wss://), True (plain ws://)."""
        if not self.hub_url.startswith("https://"):
            return True
        if self._ws_ssl is None:
            problem = ca_file_problem(self.ca_file)
            if problem:
                raise HubUnavailable(problem)
            try:
                self._ws_ssl = client_context(self.ca_file)
            except (OSError, ValueError) as exc:  # ssl.SSLError: not a PEM certificate
                raise HubUnavailable(f"[hub] ca_file {self.ca_file} cannot be read as a "
                                     f"certificate: {exc}") from exc
        return self._ws_ssl

    def _on_message(self, text: str) -> None:
        try:
            data = json.loads(text)
        except ValueError:
            return
        kind = data.get("type")
        if kind == "hello":
            gap = bool(data.get("gap"))
            if self._last_seq is None or gap:
                self._last_seq = int(data.get("seq", 0))
            self._report(True, None, resync=gap)
            self._events_live.set()
            self._flush_wanted.set()
            return
        if kind != "event":
            return
        try:
            event = QueueEvent.from_json(data["event"])
        except (KeyError, ValueError, TypeError):
            log.warning("the hub sent an event this version cannot read")
            return
        if self._last_seq is not None and event.seq <= self._last_seq:
            return
        self._last_seq = event.seq
        with self._cache_lock:
            if event.ticket.id in self._tickets:
                self._tickets[event.ticket.id] = event.ticket
            if event.counter is not None:
                if event.kind in (CALLED, RECALLED):
                    self._at_counter[event.counter] = event.ticket
                elif event.kind in (FINISHED, SKIPPED, TRANSFERRED):
                    held = self._at_counter.get(event.counter)
                    if held is not None and held.id == event.ticket.id:
                        del self._at_counter[event.counter]
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(event)
            except Exception:
                log.exception("a queue subscriber failed on a %s event", event.kind)
