"""The sync worker: pushes the outbox to the city server, at least once, in order.

Plain Python (no Qt), its own SQLite connection, safe to run on a thread inside the app
(`SyncWorker.start()`) or in the foreground (`kiosk sync run` → `run()`, `kiosk sync once` →
`drain()`). Everything it needs to resume after a crash or power cut is in SQLite: a record is
pending until the city has answered for it (accepted or duplicate → sent; rejected → set
aside with the reason). The record id is the idempotency key, so sending again after a lost
answer is harmless.

Failures back off exponentially with full jitter up to a cap, honouring Retry-After. A refused
token stops the worker (status "stopped", needs a technician) instead of hammering the city.
"""

from __future__ import annotations

import json
import logging
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from kiosk import __version__
from kiosk.config import Config, SyncConfig
from kiosk.store import connect, transaction
from sync import protocol as p
from sync import status as st
from sync.status import SyncStatus
from sync.transport import check_proxy, city_session

log = logging.getLogger(__name__)

UNREACHABLE = math.inf
RETRY_AFTER_MAX_S = 6 * 3600.0  # a broken Retry-After must not stop the sync for days
RECOUNT_EVERY_S = 2.0
STATE_WRITE_EVERY_S = 60.0
PRUNE_EVERY_S = 3600.0     # look for delivered records to prune at most this often
PRUNE_ROWS_PER_STEP = 20_000  # then go back to pushing; the rest on the next step


@dataclass(frozen=True)
class SyncSettings(SyncConfig):
    """The worker's settings: the configuration's [sync] keys (same names, same defaults)
    plus the request compression level."""

    gzip_level: int = p.GZIP_LEVEL

    @classmethod
    def from_config(cls, config: Config, **overrides: Any) -> SyncSettings:
        """From `config.sync`; `overrides` with a None value are ignored (unset CLI
        options)."""
        values = asdict(config.sync)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def problem(self) -> str | None:
        """Why these settings cannot work, worded for the technician; None if they can."""
        if not self.server_url:
            return None
        parts = urlsplit(self.server_url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            return "[sync] server_url must be an https:// URL"
        if parts.scheme == "http" and not _is_loopback(parts.hostname):
            return "[sync] server_url must use https:// (plain http only to this computer)"
        if not self.token:
            return "[sync] token is empty: ask the city for this station's token"
        if self.batch_max_records < 1 or self.batch_max_bytes < 1:
            return "[sync] batch_max_records and batch_max_bytes must be at least 1"
        if min(self.timeout_s, self.backoff_base_s, self.backoff_cap_s, self.interval_s) <= 0:
            return "[sync] timeout_s, backoff_base_s, backoff_cap_s, interval_s must be positive"
        if self.ca_bundle and not Path(self.ca_bundle).is_file():
            return f"[sync] ca_bundle {self.ca_bundle} does not exist"
        proxy_problem = check_proxy(self.proxy)
        if proxy_problem:
            return f"[sync] proxy {proxy_problem}"
        return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


@dataclass
class WireStats:
    requests: int = 0
    bytes_up: int = 0     # request line, headers and (compressed) body
    bytes_down: int = 0   # status line, headers and (compressed) body
    records_sent: int = 0


@dataclass
class _Outcome:
    kind: str  # ok | transient | offline | auth | shrink | too_large | refused | config
    message: str = ""
    retry_after: float | None = None
    results: list[dict[str, Any]] | None = None


class SyncWorker:
    """Pushes one station's outbox. One instance per process; thread-safe status()."""

    def __init__(self, db_path: str | Path, settings: SyncSettings, *, office: str,
                 station: str, clock: Any = None, rng: random.Random | None = None,
                 on_change: Callable[[SyncStatus], None] | None = None,
                 feed_hub: str | None = None):
        self.db_path = db_path
        # The hub this station forwards its dossiers and ratings to (office feed): pruning
        # keeps the rows it has not forwarded yet (sync/prune.py).
        self.feed_hub = feed_hub
        self.settings = settings
        self.office = office
        self.station = station
        self.clock = clock or SystemClock()
        self.rng = rng or random.Random()
        self.on_change = on_change
        self.wire = WireStats()
        self._db = None
        self._session: requests.Session | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._status = SyncStatus(server_url=settings.server_url)
        self._failures = 0
        self._limit = settings.batch_max_records
        self._stopped = False
        self._next_reference = 0.0
        self._last_count = -math.inf
        self._rate_window: list[tuple[float, int]] = []
        self._body_cache: tuple[tuple[int, int, int], bytes] | None = None
        self._batch_cache: tuple[tuple[int, int, int], list] | None = None
        self._error_written: tuple[str, float] | None = None
        self._next_prune = 0.0

    # -- public API ------------------------------------------------------------------------

    def status(self) -> SyncStatus:
        with self._lock:
            return self._status

    def start(self) -> None:
        """Run on a daemon thread until stop()."""
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name="city-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def wake(self) -> None:
        """New records were written: push now instead of at the next interval (a backoff
        after a failure still runs its course)."""
        self._wake.set()

    def run(self) -> SyncStatus:
        """Loop until stop() or a refused token. Returns the final status."""
        try:
            while not self._stop.is_set():
                try:
                    delay = self.step()
                except Exception as exc:  # a bug or a sick disk must not end the sync
                    log.exception("sync: unexpected error")
                    self._record_error(f"internal error: {type(exc).__name__}: {exc}"[:300],
                                       technician=True)
                    self._failures += 1
                    delay = p.backoff_delay(self._failures, self.settings.backoff_base_s,
                                            self.settings.backoff_cap_s, self.rng)
                    self._publish(state=st.ERROR, needs_technician=True)
                if delay == UNREACHABLE:
                    break
                if delay > 0 and self._failures:
                    # Backing off: new records (wake) must not cut the wait short.
                    self._stop.wait(delay)
                elif delay > 0:
                    self._wake.wait(delay)
                    self._wake.clear()
        finally:
            self.close()
        return self.status()

    def drain(self, *, deadline_s: float | None = None) -> SyncStatus:
        """Push until the outbox is empty or the first failure (`kiosk sync once`)."""
        if not self.settings.server_url or self.settings.problem():
            self.step()
            return self.status()
        started = self.clock.monotonic()
        self._refresh_counts(force=True)
        while not self._stop.is_set() and not self._stopped:
            if self.status().pending == 0:
                self._refresh_counts(force=True)
                if self.status().pending == 0:
                    if self.settings.server_url and self._failures == 0:
                        self._maybe_pull_reference()
                        self._maybe_prune()
                    break
            before = self._failures
            delay = self.step()
            if delay == UNREACHABLE or self._failures > before or delay > 0:
                break  # stopped, failed, or nothing more to send right now
            if deadline_s is not None and self.clock.monotonic() - started > deadline_s:
                break
        self._refresh_counts(force=True)
        return self.status()

    def step(self) -> float:
        """One unit of work; returns seconds to wait before the next (0: go on at once,
        UNREACHABLE: stopped for good)."""
        if self._stopped:
            return UNREACHABLE
        problem = self.settings.problem()
        if not self.settings.server_url:
            self._refresh_counts(force=True)
            self._publish(state=st.OFF, next_attempt_at=None)
            return self.settings.interval_s
        if problem:
            self._record_error(problem, technician=True)
            self._stopped = True
            self._publish(state=st.STOPPED, needs_technician=True)
            return UNREACHABLE
        self._refresh_counts()
        if self._failures == 0:
            self._maybe_pull_reference()
            if self._stopped:
                return UNREACHABLE
        batch = self._next_batch()
        if not batch:
            self._refresh_counts(force=True)
            if self.status().pending == 0:
                self._publish(state=st.UP_TO_DATE, backlog=0, done=0, next_attempt_at=None)
                if self._maybe_prune():
                    return 0.0  # more to prune: go on after a look for new records
            return self.settings.interval_s
        if self.status().state != st.SENDING:
            self._publish(state=st.SENDING, backlog=self.status().pending, done=0)
        outcome = self._post(batch)
        return self._handle(batch, outcome)

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None
        if self._db is not None:
            self._db.conn.close()
            self._db = None

    # -- internals: database -----------------------------------------------------------------

    @property
    def db(self):
        if self._db is None:
            self._db = connect(self.db_path)
            state = st.read_status(self._db, self.settings.server_url)
            self._publish(last_success_at=state.last_success_at,
                          last_error_at=state.last_error_at, last_error=state.last_error,
                          offline_since=state.offline_since, set_aside=state.set_aside,
                          pending=state.pending)
        return self._db

    def _refresh_counts(self, force: bool = False) -> None:
        now = self.clock.monotonic()
        if not force and now - self._last_count < RECOUNT_EVERY_S:
            return
        self._last_count = now
        self._publish(pending=st.pending_count(self.db), set_aside=st.set_aside_count(self.db))

    def _next_batch(self) -> list[tuple[int, str, bytes]]:
        """(outbox id, record id, encoded envelope) in outbox order, within the count and
        byte limits. A record that cannot be encoded is set aside here."""
        if self._failures and self._batch_cache is not None:
            # Retrying after a failure: same rows as last time? Then the same batch.
            ids = self.db.execute(
                "SELECT id FROM outbox WHERE sent_at IS NULL AND set_aside_at IS NULL "
                "ORDER BY id LIMIT ?", (self._limit,)).fetchall()
            if ids and (ids[0][0], ids[-1][0], len(ids)) == self._batch_cache[0]:
                return self._batch_cache[1]
        rows = self.db.execute(
            "SELECT id, record_id, record_type, schema_version, created_at, payload FROM outbox "
            "WHERE sent_at IS NULL AND set_aside_at IS NULL ORDER BY id LIMIT ?",
            (self._limit,)).fetchall()
        if rows:
            self._batch_cache = None
        batch: list[tuple[int, str, bytes]] = []
        size = 0
        broken = []
        for oid, rid, rtype, version, created_at, payload in rows:
            try:
                data = p.encode_envelope(p.Envelope(rid, rtype, self.office, self.station,
                                                    created_at, version, payload))
            except UnicodeEncodeError:
                broken.append((oid, "local: payload is not valid Unicode text"))
                continue
            if batch and size + len(data) + 1 > self.settings.batch_max_bytes:
                break
            batch.append((oid, rid, data))
            size += len(data) + 1
        if broken:
            self._set_aside(broken)
        elif rows and len(batch) == len(rows):
            self._batch_cache = ((rows[0][0], rows[-1][0], len(rows)), batch)
        return batch

    def _set_aside(self, items: list[tuple[int, str]]) -> None:
        now = self.clock.now().isoformat()
        with transaction(self.db) as conn:
            conn.executemany("UPDATE outbox SET set_aside_at = ?, set_aside_reason = ? "
                             "WHERE id = ?", [(now, reason, oid) for oid, reason in items])
        log.warning("sync: %d record(s) set aside", len(items))

    # -- internals: HTTP -------------------------------------------------------------------------

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            # The OS trust store and the proxy: sync/transport.py
            self._session = city_session(self.settings.server_url,
                                         ca_bundle=self.settings.ca_bundle,
                                         proxy=self.settings.proxy, headers={
                "Authorization": f"Bearer {self.settings.token}",
                "User-Agent": f"hcc-kiosk/{__version__} ({self.station})",
                "Accept": "application/json",
                "Accept-Encoding": "gzip",
            })
        return self._session

    def _url(self, path: str) -> str:
        return self.settings.server_url.rstrip("/") + path

    def _timeouts(self) -> tuple[float, float]:
        t = self.settings.timeout_s
        return (min(t, 10.0), t)

    def _account(self, request: requests.PreparedRequest, response: requests.Response | None
                 ) -> None:
        self.wire.requests += 1
        up = len(f"{request.method} {request.path_url} HTTP/1.1\r\n") + 2
        up += sum(len(k) + len(v) + 4 for k, v in request.headers.items())
        up += len(f"Host: {urlsplit(request.url).netloc}\r\n")
        body = request.body or b""
        up += len(body)
        self.wire.bytes_up += up
        if response is not None:
            down = len(f"HTTP/1.1 {response.status_code} {response.reason}\r\n") + 2
            down += sum(len(k) + len(v) + 4 for k, v in response.raw.headers.items())
            down += int(response.headers.get("Content-Length") or len(response.content))
            self.wire.bytes_down += down

    def _post(self, batch: list[tuple[int, str, bytes]]) -> _Outcome:
        key = (batch[0][0], batch[-1][0], len(batch))
        if self._body_cache is not None and self._body_cache[0] == key:
            body = self._body_cache[1]  # a retry of the same batch: no need to re-encode
        else:
            body = p.gzip_bytes(p.encode_batch(d for _, _, d in batch),
                                self.settings.gzip_level)
            self._body_cache = (key, body)
        request = self.session.prepare_request(requests.Request(
            "POST", self._url(p.PUSH_PATH), data=body,
            headers={"Content-Type": "application/json", "Content-Encoding": "gzip"}))
        try:
            response = self.session.send(request, timeout=self._timeouts(),
                                         allow_redirects=False)
            content = response.content
        except requests.exceptions.SSLError as exc:
            self._account(request, None)
            return _Outcome("config", f"TLS certificate problem with the city server: "
                            f"{_short(exc)} (check [sync] ca_bundle and the PC's clock)")
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError) as exc:
            self._account(request, None)
            return _Outcome("offline", f"city server unreachable: {_short(exc)}")
        self._account(request, response)
        return self._classify(response, content, len(batch))

    def _classify(self, response: requests.Response, content: bytes, size: int) -> _Outcome:
        code = response.status_code
        retry_after = p.parse_retry_after(response.headers.get("Retry-After"),
                                          self.clock.now())
        info = _error_info(content)
        if code == 200:
            try:
                results = json.loads(content)["results"]
                if not isinstance(results, list):
                    raise TypeError
            except (ValueError, KeyError, TypeError):
                return _Outcome("transient", "the city server's answer was not understood")
            return _Outcome("ok", results=results)
        if code in (401, 403):
            what = ("revoked" if info[0] == "token_revoked" else "refused")
            return _Outcome("auth", f"the city server {what} this station's token "
                            f"(HTTP {code}): a technician must install a new [sync] token")
        if code == 413:
            return _Outcome("shrink" if size > 1 else "too_large",
                            f"HTTP 413 {info[1] or 'body too large'}")
        if code == 400:
            return _Outcome("shrink" if size > 1 else "refused",
                            f"HTTP 400 {info[0] or ''}: {info[1] or 'bad request'}")
        if code in (408, 425, 429) or code >= 500:
            return _Outcome("transient", f"city server busy or failing (HTTP {code})",
                            retry_after)
        return _Outcome("config", f"unexpected answer HTTP {code} from the city server: "
                        "check [sync] server_url", retry_after)

    # -- internals: outcomes -----------------------------------------------------------------

    def _handle(self, batch: list[tuple[int, str, bytes]], outcome: _Outcome) -> float:
        if outcome.kind == "ok":
            return self._apply_results(batch, outcome.results or [])
        if outcome.kind == "shrink":
            self._limit = max(1, len(batch) // 2)
            log.info("sync: batch refused (%s); retrying with %d records",
                     outcome.message, self._limit)
            return 0.0
        if outcome.kind in ("too_large", "refused"):
            oid, _, _ = batch[0]
            self._set_aside([(oid, f"city refused: {outcome.message}")])
            self._refresh_counts(force=True)
            return 0.0
        if outcome.kind == "auth":
            self._record_error(outcome.message, technician=True, auth=True)
            self._stopped = True
            self._publish(state=st.STOPPED, needs_technician=True, next_attempt_at=None)
            log.error("sync stopped: %s", outcome.message)
            return UNREACHABLE
        return self._fail(outcome)

    def _fail(self, outcome: _Outcome) -> float:
        self._failures += 1
        delay = p.backoff_delay(self._failures, self.settings.backoff_base_s,
                                self.settings.backoff_cap_s, self.rng)
        if outcome.retry_after is not None:
            delay = max(delay, min(outcome.retry_after, RETRY_AFTER_MAX_S))
        technician = outcome.kind == "config"
        offline = outcome.kind == "offline"
        self._record_error(outcome.message, technician=technician, offline=offline)
        now = self.clock.now()
        state = st.ERROR if technician else (
            st.OFFLINE if offline or self._failures >= 2 else st.WAITING)
        self._publish(state=state, next_attempt_at=now + timedelta(seconds=delay),
                      needs_technician=technician or self.status().set_aside > 0)
        if self._failures == 1 or self._failures % 20 == 0:
            log.warning("sync: %s; attempt %d failed, next in %.0f s", outcome.message,
                        self._failures, delay)
        return delay

    def _record_error(self, message: str, *, technician: bool = False, auth: bool = False,
                      offline: bool = False) -> None:
        now = self.clock.now()
        values: dict[str, str | None] = {st.K_LAST_ERROR_AT: now.isoformat(),
                                         st.K_LAST_ERROR: message}
        if auth:
            values[st.K_AUTH_ERROR] = message
        if technician:
            values[st.K_STATE] = st.ERROR
        offline_since = self.status().offline_since
        # Offline from the first failed attempt of this run of failures.
        newly_offline = (offline or not technician) and offline_since is None
        if newly_offline:
            offline_since = now
            values[st.K_OFFLINE_SINCE] = now.isoformat()
        # While failing the same way, write the state at most once a minute (a write is an
        # fsync); a new kind of error, or one needing a technician, is written at once.
        mono = self.clock.monotonic()
        last = self._error_written
        if (technician or newly_offline or last is None or last[0] != message
                or mono - last[1] >= STATE_WRITE_EVERY_S):
            self._error_written = (message, mono)
            try:
                with transaction(self.db) as conn:
                    st.write_state(conn, values)
            except Exception:  # the status must not take the worker down
                log.exception("sync: cannot record the sync state")
        self._publish(last_error_at=now, last_error=message, offline_since=offline_since)

    def _apply_results(self, batch: list[tuple[int, str, bytes]],
                       results: list[dict[str, Any]]) -> float:
        now = self.clock.now()
        stamp = now.isoformat()
        by_id: dict[str, dict[str, Any]] = {}
        for r in results:
            if isinstance(r, dict) and isinstance(r.get("id"), str):
                by_id[r["id"]] = r
        sent, aside, missing = [], [], 0
        for index, (oid, rid, _) in enumerate(batch):
            r = results[index] if index < len(results) else None
            if not isinstance(r, dict) or r.get("id") != rid:
                r = by_id.get(rid)
            status = r.get("status") if r else None
            if status in (p.ACCEPTED, p.DUPLICATE):
                sent.append((stamp, status, oid))
            elif status == p.REJECTED:
                reason = f"{r.get('code') or 'rejected'}: {r.get('reason') or ''}".strip()
                aside.append((stamp, reason[:500], oid))
            else:
                missing += 1
        with transaction(self.db) as conn:
            conn.executemany("UPDATE outbox SET sent_at = ?, sync_result = ? WHERE id = ?",
                             sent)
            conn.executemany("UPDATE outbox SET set_aside_at = ?, set_aside_reason = ? "
                             "WHERE id = ?", aside)
            st.write_state(conn, {st.K_LAST_SUCCESS: stamp, st.K_OFFLINE_SINCE: None,
                                  st.K_AUTH_ERROR: None, st.K_STATE: None})
        if aside:
            log.warning("sync: %d record(s) refused by the city and set aside", len(aside))
        self.wire.records_sent += len(sent)
        self._failures = 0 if not missing else self._failures
        self._limit = min(self.settings.batch_max_records, self._limit * 2)
        cur = self.status()
        handled = len(sent) + len(aside)
        pending = max(cur.pending - handled, 0)
        rate = self._rate(len(sent))
        self._publish(
            pending=pending, set_aside=cur.set_aside + len(aside), done=cur.done + handled,
            backlog=max(cur.backlog, cur.done + handled + pending),
            sent_total=cur.sent_total + len(sent), last_success_at=now, offline_since=None,
            records_per_s=rate, state=st.SENDING if pending else st.UP_TO_DATE,
            needs_technician=cur.set_aside + len(aside) > 0, next_attempt_at=None)
        if missing:
            return self._fail(_Outcome("transient", f"the city server did not answer for "
                                       f"{missing} record(s)"))
        return 0.0

    def _rate(self, count: int) -> float:
        now = self.clock.monotonic()
        self._rate_window.append((now, count))
        while len(self._rate_window) > 2 and now - self._rate_window[0][0] > 5.0:
            self._rate_window.pop(0)
        span = now - self._rate_window[0][0]
        total = sum(c for _, c in self._rate_window[1:])
        return total / span if span > 0 else 0.0

    def _maybe_prune(self) -> bool:
        """After a successful push with nothing left to send: prune delivered records older
        than [sync] keep_sent_days (at most once per PRUNE_EVERY_S, a bounded number of rows
        per call). True when rows are left for the next call. Never fails the sync."""
        now = self.clock.monotonic()
        if self._failures or now < self._next_prune:
            return False
        from sync.prune import prune_delivered

        try:
            result = prune_delivered(self.db, now=self.clock.now(),
                                     keep_days=self.settings.keep_sent_days,
                                     feed_hub=self.feed_hub, max_rows=PRUNE_ROWS_PER_STEP)
        except Exception:  # a busy or sick disk: the records stay, the push goes on
            log.exception("sync: pruning delivered records failed")
            result = None
        more = bool(result and result.more)
        self._next_prune = now + (0.0 if more else PRUNE_EVERY_S)
        return more

    def _maybe_pull_reference(self, force: bool = False) -> None:
        now = self.clock.monotonic()
        if not force and now < self._next_reference:
            return
        self._next_reference = now + self.settings.reference_interval_s
        try:
            self.pull_reference()
        except ReferencePullError as exc:
            log.warning("sync: reference data not updated: %s", exc)

    def pull_reference(self) -> dict[str, str]:
        """Fetch each reference data set unless unchanged (ETag). Returns name → "updated" /
        "unchanged". Raises ReferencePullError on failure (an auth failure also stops the worker).
        """
        done = {}
        for name in p.REFERENCE_NAMES:
            row = self.db.execute("SELECT etag FROM reference_data WHERE name = ?",
                                  (name,)).fetchone()
            headers = {"If-None-Match": row[0]} if row and row[0] else {}
            try:
                response = self.session.get(self._url(f"{p.REFERENCE_PATH}/{name}"),
                                            headers=headers, timeout=self._timeouts(),
                                            allow_redirects=False)
            except requests.RequestException as exc:
                raise ReferencePullError(_short(exc)) from None
            self._account(response.request, response)
            if response.status_code == 304:
                done[name] = "unchanged"
                continue
            if response.status_code in (401, 403):
                self._handle([], _Outcome("auth", f"the city server refused this station's "
                                          f"token (HTTP {response.status_code}): a technician "
                                          "must install a new [sync] token"))
                raise ReferencePullError("token refused")
            if response.status_code != 200:
                raise ReferencePullError(f"HTTP {response.status_code} for {name}")
            try:
                text = response.content.decode("utf-8")
                json.loads(text)
            except ValueError:  # UnicodeDecodeError included
                raise ReferencePullError(f"{name}: not UTF-8 JSON") from None
            with transaction(self.db) as conn:
                conn.execute(
                    "INSERT INTO reference_data (name, etag, body, fetched_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET etag = excluded.etag, "
                    "body = excluded.body, fetched_at = excluded.fetched_at",
                    (name, response.headers.get("ETag"), text, self.clock.now().isoformat()))
            done[name] = "updated"
        return done

    def _publish(self, **changes: Any) -> None:
        with self._lock:
            before = self._status
            after = before.with_(**changes)
            self._status = after
        if after != before and self.on_change is not None:
            try:
                self.on_change(after)
            except Exception:
                log.exception("sync: status callback failed")


class ReferencePullError(RuntimeError):
    """Reference data could not be fetched (the push goes on regardless)."""


def _short(exc: BaseException) -> str:
    text = str(exc)
    # urllib3 messages repeat the pool and URL; keep the reason.
    for marker in ("Caused by ", "Failed to establish a new connection: "):
        if marker in text:
            text = text.split(marker, 1)[1]
    return text.strip("()'\" ")[:200] or type(exc).__name__


def _error_info(content: bytes) -> tuple[str | None, str | None]:
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None, None
    if not isinstance(data, dict):
        return None, None
    return (str(data.get("error"))[:80] if data.get("error") else None,
            str(data.get("message"))[:200] if data.get("message") else None)


def worker_from_config(config: Any, db_path: str | Path, *,
                       on_change: Callable[[SyncStatus], None] | None = None,
                       **overrides: Any) -> SyncWorker:
    """The app's way in: `worker_from_config(config, database_path(config, paths)).start()`."""
    return SyncWorker(db_path, SyncSettings.from_config(config, **overrides),
                      office=config.office.code, station=config.station.id,
                      on_change=on_change, feed_hub=feed_hub_of(config))


def feed_hub_of(config: Any) -> str | None:
    """The hub this station forwards its office records to (a client station), else None."""
    hub = getattr(config, "hub", None)
    if hub is None or hub.role != "client" or not hub.url:
        return None
    return hub.url.rstrip("/")
