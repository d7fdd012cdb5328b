"""The client side of the office feed: forward this station's dossiers and ratings to the hub.

The station's outbox (written in the same transaction as every dossier change and rating) is
the source: rows after the cursor are read in id order, a dossier row (one per status change)
becomes the dossier's public record as it stood after that change, with its version (1 for
the intake, 2 for the next change, ...: the hub accepts only the stored version + 1), a
rating row is sent as it is. The cursor moves only after the hub
answered, so a crash or a dead hub at any point re-sends the batch, which the hub applies
idempotently. Nothing is ever deleted here: the city sync reads the same outbox independently.

A counter PC whose dossiers live in the office's dossier book on the hub (`dossiers=False`,
kiosk/dossiers/office.py) forwards only its ratings: the book already holds its dossiers.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from kiosk.dossiers.intake import DOSSIER_SELECT, dossier_from_row
from kiosk.officefeed.records import DOSSIER, PETITION, RATING, dossier_record_at
from kiosk.store import transaction

log = logging.getLogger(__name__)

BATCH_BYTES = 48 * 1024  # under the hub's 64 KiB body limit
SCAN_ROWS = 200


def _kinds(dossiers: bool) -> tuple[str, str, str]:
    """The record types forwarded: petitions taken here go to the hub, where the office
    handles them (docs/petitions.md)."""
    return (DOSSIER, RATING, PETITION) if dossiers else (RATING, PETITION, PETITION)


def backlog(db: Database, hub: str, *, dossiers: bool = True) -> int:
    """Outbox rows not yet forwarded to this hub (dossier changes and ratings; only ratings
    with `dossiers=False`)."""
    return db.execute(
        "SELECT count(*) FROM outbox WHERE id > ? AND record_type IN (?, ?, ?)",
        (_cursor(db, hub), *_kinds(dossiers))).fetchone()[0]


def forward_pending(db: Database, hub: str, post: Callable[[dict[str, Any]], dict[str, Any]],
                    tz: ZoneInfo, *, dossiers: bool = True) -> int:
    """Send everything after the cursor, batch by batch; returns how many records the hub
    applied. `post(batch)` sends one batch and returns the hub's answer; whatever it raises
    (the hub is down) propagates with the cursor left at the last answered batch.
    `dossiers=False`: ratings only (the station's dossiers are in the office's dossier book)."""
    applied = 0
    while True:
        after = _cursor(db, hub)
        rows = db.execute(
            "SELECT id, record_id, record_type, payload FROM outbox "
            "WHERE id > ? AND record_type IN (?, ?, ?) ORDER BY id LIMIT ?",
            (after, *_kinds(dossiers), SCAN_ROWS)).fetchall()
        if not rows:
            return applied
        batch, last_id = _batch(db, rows, tz)
        if batch:
            answer = post({"records": batch})
            applied += int(answer.get("applied", 0))
            for refused in answer.get("rejected") or []:
                # The reason names a field, never a value: safe to log. A batch sent again
                # after a lost answer meets its own earlier versions: nothing to worry about.
                again = str(refused.get("reason", "")).startswith("version goes back")
                log.log(logging.INFO if again else logging.WARNING,
                        "office feed: the hub rejected record %s: %s", refused.get("id"),
                        refused.get("reason"))
        _move_cursor(db, hub, last_id)


def _batch(db: Database, rows: list[Any], tz: ZoneInfo) -> tuple[list[dict[str, Any]], int]:
    batch: list[dict[str, Any]] = []
    size = 0
    last_id = rows[0][0] - 1
    for row_id, record_id, kind, payload in rows:
        data = json.loads(payload)
        record: dict[str, Any] | None
        if kind == DOSSIER:
            event = data.get("event") if isinstance(data.get("event"), dict) else {}
            record = _dossier_data(db, data.get("code"), event.get("uid") or record_id, tz)
        else:
            record = data
        if record is not None:
            item = {"id": record_id, "type": kind, "data": record}
            # Measured as it is sent: requests escapes non-ASCII (a Vietnamese letter is 6 bytes).
            item_size = len(json.dumps(item).encode()) + 2
            if batch and size + item_size > BATCH_BYTES:
                break
            batch.append(item)
            size += item_size
        last_id = row_id
    return batch, last_id


def _dossier_data(db: Database, code: Any, change_uid: Any,
                  tz: ZoneInfo) -> dict[str, Any] | None:
    """The dossier's public record after the status change `change_uid` (its outbox row)."""
    if not isinstance(code, str):
        return None
    row = db.execute(f"SELECT {DOSSIER_SELECT} FROM dossiers WHERE code = ?",
                     (code,)).fetchone()
    if row is None:
        return None
    dossier = dossier_from_row(db.conn, row, tz)
    version = next((i for i, change in enumerate(dossier.history, 1)
                    if change.uid == change_uid), None)
    return dossier_record_at(dossier, version) if version else None


def _cursor(db: Database, hub: str) -> int:
    row = db.execute("SELECT last_outbox_id FROM office_feed_cursor WHERE hub = ?",
                     (hub,)).fetchone()
    return row[0] if row else 0


def _move_cursor(db: Database, hub: str, last_id: int) -> None:
    with transaction(db) as conn:
        conn.execute(
            "INSERT INTO office_feed_cursor (hub, last_outbox_id, forwarded_at) "
            "VALUES (?, ?, ?) ON CONFLICT (hub) DO UPDATE SET "
            "last_outbox_id = max(last_outbox_id, excluded.last_outbox_id), "
            "forwarded_at = excluded.forwarded_at",
            (hub, last_id, datetime.now().astimezone().isoformat()))
