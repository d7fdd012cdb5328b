"""Sync state for people: what the station shows at a glance and what a technician reads.

`SyncStatus` is an immutable snapshot: the worker publishes a new one on every change (safe to
read from any thread); `read_status()` builds one from the database alone, for
`kiosk sync status` or a screen that starts before the worker does.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from kiosk.store import transaction

# States, worst last. "error" needs a technician (revoked token, certificate, wrong URL…).
OFF = "off"                  # no server configured
UP_TO_DATE = "up_to_date"
SENDING = "sending"          # a backlog is being pushed right now
WAITING = "waiting"          # records wait for the next attempt (not yet known to be offline)
OFFLINE = "offline"          # the city server cannot be reached
ERROR = "error"              # needs a technician
STOPPED = "stopped"          # the worker stopped itself (token refused)

# Keys of the sync_state table.
K_LAST_SUCCESS = "last_success_at"
K_LAST_ERROR_AT = "last_error_at"
K_LAST_ERROR = "last_error"
K_OFFLINE_SINCE = "offline_since"
K_AUTH_ERROR = "auth_error"
K_STATE = "state"


@dataclass(frozen=True)
class SetAside:
    """A record the city refused: kept locally, shown to the technician, not retried."""

    outbox_id: int
    record_id: str
    record_type: str
    created_at: str
    set_aside_at: str
    reason: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SyncStatus:
    state: str = OFF
    pending: int = 0
    set_aside: int = 0
    last_success_at: datetime | None = None
    last_error_at: datetime | None = None
    last_error: str | None = None
    offline_since: datetime | None = None
    next_attempt_at: datetime | None = None
    needs_technician: bool = False
    server_url: str = ""
    backlog: int = 0   # size of the backlog being drained (for a progress bar)
    done: int = 0      # records of that backlog delivered so far
    sent_total: int = 0  # records delivered since the worker started
    records_per_s: float = 0.0

    @property
    def progress(self) -> float | None:
        """0..1 while a backlog is being drained, else None."""
        if self.backlog <= 0 or self.pending == 0:
            return None
        return min(self.done / self.backlog, 1.0)

    def with_(self, **changes: Any) -> SyncStatus:
        return replace(self, **changes)

    def headline(self, language: str = "vi") -> str:
        """One line for the station's screen: up to date / N waiting / offline since / error."""
        vi = language != "en"
        if self.state == OFF:
            return "Chưa cấu hình đồng bộ" if vi else "Sync not configured"
        if self.needs_technician or self.state in (ERROR, STOPPED):
            return ("Lỗi đồng bộ – cần kỹ thuật viên" if vi
                    else "Sync error – technician needed")
        if self.state == OFFLINE and self.offline_since:
            when = self.offline_since.astimezone().strftime("%H:%M %d/%m")
            return (f"Mất kết nối từ {when} ({self.pending} chờ gửi)" if vi
                    else f"Offline since {when} ({self.pending} waiting)")
        if self.pending:
            return f"{self.pending} bản ghi chờ gửi" if vi else f"{self.pending} waiting"
        return "Đã đồng bộ" if vi else "Up to date"

    def detail(self) -> str | None:
        """A technician's line: the last error and set-aside records, if any."""
        parts = []
        if self.last_error and self.state in (OFFLINE, ERROR, STOPPED, WAITING):
            parts.append(self.last_error)
        if self.set_aside:
            parts.append(f"{self.set_aside} record(s) refused by the city and set aside "
                         "(kiosk sync status)")
        return "; ".join(parts) or None

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, datetime):
                out[key] = value.isoformat()
        out["progress"] = self.progress
        out["headline_vi"] = self.headline("vi")
        out["headline_en"] = self.headline("en")
        return out


# -- the database's view -------------------------------------------------------------------------

def pending_count(db: Database) -> int:
    return db.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL "
                      "AND set_aside_at IS NULL").fetchone()[0]


def set_aside_count(db: Database) -> int:
    return db.execute("SELECT count(*) FROM outbox WHERE set_aside_at IS NOT NULL").fetchone()[0]


def set_aside_records(db: Database, limit: int = 100) -> list[SetAside]:
    rows = db.execute(
        "SELECT id, record_id, record_type, created_at, set_aside_at, set_aside_reason "
        "FROM outbox WHERE set_aside_at IS NOT NULL ORDER BY id LIMIT ?", (limit,)).fetchall()
    return [SetAside(*r) for r in rows]


def requeue(db: Database, record_ids: list[str] | None = None) -> int:
    """Put set-aside records back in the queue (after the city fixed what it refused);
    None means all of them. Returns how many."""
    with transaction(db) as conn:
        if record_ids is None:
            cur = conn.execute("UPDATE outbox SET set_aside_at = NULL, set_aside_reason = NULL "
                               "WHERE set_aside_at IS NOT NULL")
        else:
            cur = conn.executemany(
                "UPDATE outbox SET set_aside_at = NULL, set_aside_reason = NULL "
                "WHERE record_id = ? AND set_aside_at IS NOT NULL", [(r,) for r in record_ids])
        return cur.rowcount


def read_state(db: Database) -> dict[str, str | None]:
    return dict(db.execute("SELECT key, value FROM sync_state").fetchall())


def write_state(conn, values: dict[str, str | None]) -> None:
    """Inside the caller's transaction."""
    conn.executemany("INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) "
                     "DO UPDATE SET value = excluded.value", list(values.items()))


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def read_status(db: Database, server_url: str = "") -> SyncStatus:
    """The status as the database tells it (no network)."""
    state = read_state(db)
    pending = pending_count(db)
    aside = set_aside_count(db)
    auth_error = state.get(K_AUTH_ERROR)
    offline_since = _dt(state.get(K_OFFLINE_SINCE))
    if not server_url:
        name = OFF
    elif auth_error or state.get(K_STATE) == ERROR:
        name = ERROR
    elif offline_since:
        name = OFFLINE
    elif pending:
        name = WAITING
    else:
        name = UP_TO_DATE
    return SyncStatus(
        state=name, pending=pending, set_aside=aside,
        last_success_at=_dt(state.get(K_LAST_SUCCESS)),
        last_error_at=_dt(state.get(K_LAST_ERROR_AT)), last_error=state.get(K_LAST_ERROR),
        offline_since=offline_since, needs_technician=bool(server_url) and (
            name == ERROR or aside > 0),
        server_url=server_url)


def reference_data(db: Database, name: str) -> Any | None:
    """The last reference data set pulled from the city (procedures, services, holidays)."""
    row = db.execute("SELECT body FROM reference_data WHERE name = ?", (name,)).fetchone()
    return json.loads(row[0]) if row else None
