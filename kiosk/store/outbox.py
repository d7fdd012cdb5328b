"""The outbox: every record-producing transaction appends the record here for the city sync."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import datetime
from typing import Any

# Bumped per record type when its payload changes shape; the city server reads it.
SCHEMA_VERSIONS = {"ticket": 1, "queue_event": 1, "dossier": 1, "rating": 1, "feedback": 1}


def append_outbox(conn: sqlite3.Connection, record_type: str, payload: dict[str, Any],
                  created_at: datetime, record_id: str | None = None) -> str:
    """Append inside the caller's transaction, so the record and its outbox row commit
    together or not at all."""
    record_id = record_id or str(uuid.uuid4())
    conn.execute(
        "INSERT INTO outbox (record_id, record_type, schema_version, created_at, payload) "
        "VALUES (?, ?, ?, ?, ?)",
        (record_id, record_type, SCHEMA_VERSIONS[record_type], created_at.isoformat(),
         json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)),
    )
    return record_id
