"""The outbox: every record-producing transaction appends the record here for the city sync."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import datetime
from typing import Any

from sync.protocol import RECORD_TYPES

# The payload schema version a station writes for each of its record types: from the one
# table of record types that the city server checks against (sync/protocol.py).
SCHEMA_VERSIONS = {t.name: t.version for t in RECORD_TYPES.values() if t.from_stations}


class UnknownRecordType(ValueError):
    """A record type the city protocol does not list: it would never be delivered."""


def append_outbox(conn: sqlite3.Connection, record_type: str, payload: dict[str, Any],
                  created_at: datetime, record_id: str | None = None) -> str:
    """Append inside the caller's transaction, so the record and its outbox row commit
    together or not at all."""
    if record_type not in SCHEMA_VERSIONS:
        raise UnknownRecordType(f"{record_type!r} is not a record type of the city protocol "
                                "(sync/protocol.py RECORD_TYPES)")
    record_id = record_id or str(uuid.uuid4())
    conn.execute(
        "INSERT INTO outbox (record_id, record_type, schema_version, created_at, payload) "
        "VALUES (?, ?, ?, ?, ?)",
        (record_id, record_type, SCHEMA_VERSIONS[record_type], created_at.isoformat(),
         json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)),
    )
    return record_id
