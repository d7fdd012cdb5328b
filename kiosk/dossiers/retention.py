"""Retention: remove local personal data from dossiers once it is safely at the city server.

A dossier is purged when all three hold (domain.md, personal data):
- it was handed back (status 10: nothing more will be done with it here), or refused,
  withdrawn or stopped (3, 7, 8: closed without a hand-back),
- it is synced: every outbox row it produced was delivered to the city (`is_synced`),
- the hand-back (for 3, 7, 8: its last status change) is older than the retention period
  (default 90 days).

Purging blanks the submitter's and owner's personal fields (name, ID number, date of birth,
gender, address, phone, email) and the free-text fields a clerk may have typed a name into
(notes; the summary goes back to the procedure name). The rest stays: code, procedure, units,
dates, status, documents checklist, history, so the logbook and statistics still count it.
The delivered outbox rows of the dossier get the same fields blanked in their payload. On a
counter PC of a LAN office a change counts as delivered once the office's dossier book took it
(book_outbox), as does a change of another counter mirrored from the book, and the copy queued
for the book is emptied.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from kiosk.dossiers.intake import PERSON_FIELDS
from kiosk.dossiers.models import Dossier
from kiosk.dossiers.status import DossierStatus
from kiosk.store import transaction

log = logging.getLogger(__name__)

#: Outbox columns that mean "delivered to the city" when set, in the order we look for them.
#: The sync worker (sync/worker.py) sets `sent_at` when the city accepted a record; rows it
#: set aside (refused) keep `sent_at` NULL and so never count as delivered.
DELIVERY_COLUMNS = ("sent_at", "delivered_at", "synced_at", "acked_at")

#: Closed without a hand-back: retention counts from their last status change.
CLOSED_WITHOUT_HAND_BACK = (DossierStatus.REFUSED, DossierStatus.WITHDRAWN,
                            DossierStatus.STOPPED)

_PORTAL_PII = ("ChuHoSo", "SoGiayToChuHoSo", "SoDienThoai", "Email")


@dataclass(frozen=True)
class PurgeReport:
    cutoff: datetime  # hand-backs at or before this instant were old enough
    purged: list[str] = field(default_factory=list)  # codes purged (or, dry run, to purge)
    waiting_for_sync: list[str] = field(default_factory=list)  # old enough, not yet delivered
    dry_run: bool = False


def _delivery_column(conn: sqlite3.Connection) -> str | None:
    columns = {row[1] for row in conn.execute("PRAGMA table_info(outbox)")}
    return next((c for c in DELIVERY_COLUMNS if c in columns), None)


def is_synced(conn: sqlite3.Connection, dossier: Dossier | int) -> bool:
    """True when every outbox row of the dossier (one per status change, keyed by the
    change's uid) is marked delivered.

    Without any delivery-state column on the outbox (a station whose sync is not installed)
    nothing counts as synced, so nothing is ever purged: losing data the city never received
    is worse than keeping it longer. A missing outbox row also counts as not delivered,
    unless the sync pruned it after its delivery and marked the change (`city_delivered`).
    """
    column = _delivery_column(conn)
    if column is None:
        return False
    dossier_id = dossier.id if isinstance(dossier, Dossier) else dossier
    # A change made at a counter PC of a LAN office has no city outbox row here: it went to
    # the office's dossier book (book_outbox, kiosk/dossiers/office.py), whose hub sends it to
    # the city; it counts once the book took it. A change another counter made, mirrored here
    # from the book (no station recorded), is the book's to deliver. A change whose delivered
    # row the sync pruned carries the mark `city_delivered` (sync/prune.py).
    events, delivered = conn.execute(
        f"SELECT count(e.id), coalesce(sum(CASE WHEN o.id IS NOT NULL THEN o.{column} IS NOT "
        "NULL WHEN e.city_delivered = 1 THEN 1 WHEN b.id IS NOT NULL THEN b.sent_at IS NOT "
        "NULL ELSE e.station_id = '' END), 0) FROM dossier_events e "
        "LEFT JOIN outbox o ON o.record_id = e.uid "
        "LEFT JOIN book_outbox b ON b.change_id = e.uid WHERE e.dossier_id = ?",
        (dossier_id,)).fetchone()
    return events > 0 and delivered == events


def _redact_payload(payload: dict[str, Any]) -> dict[str, Any]:
    portal = payload.get("portal")
    if isinstance(portal, dict):
        for key in _PORTAL_PII:
            if key in portal:
                portal[key] = ""
        if "TenTTHC" in portal:
            portal["TrichYeuHoSo"] = portal["TenTTHC"]
    if "notes" in payload:
        payload["notes"] = ""
    payload["personal_data_purged"] = True
    return payload


def purge_personal_data(db: Database, *, now: datetime, retention_days: int = 90,
                        dry_run: bool = False) -> PurgeReport:
    """Purge every eligible dossier (see the module doc). One transaction: all or nothing."""
    if retention_days < 0:
        raise ValueError("retention_days cannot be negative")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    cutoff = now - timedelta(days=retention_days)
    report = PurgeReport(cutoff=cutoff, dry_run=dry_run)
    with transaction(db) as conn:
        rows = conn.execute(
            "SELECT id, code, returned_at FROM dossiers WHERE status = ? "
            "AND purged_at IS NULL AND returned_at IS NOT NULL ORDER BY id",
            (int(DossierStatus.RETURNED),)).fetchall()
        # Refused, withdrawn or stopped: closed without a hand-back, by their last change.
        rows += conn.execute(
            "SELECT d.id, d.code, (SELECT max(e.at) FROM dossier_events e WHERE e.dossier_id "
            "= d.id) AS last FROM dossiers d WHERE d.status IN (?, ?, ?) AND d.purged_at IS "
            "NULL AND last IS NOT NULL",
            tuple(int(s) for s in CLOSED_WITHOUT_HAND_BACK)).fetchall()
        rows.sort()
        # Compare instants, not strings: stored offsets may differ from `now`'s.
        old = [(i, c) for i, c, returned in rows if datetime.fromisoformat(returned) <= cutoff]
        for dossier_id, code in old:
            (report.purged if is_synced(conn, dossier_id) else report.waiting_for_sync).append(
                code)
        if dry_run:
            return report
        cleared = ", ".join(f"{p}_{f} = NULL" for p in ("submitter", "owner")
                            for f in PERSON_FIELDS)
        column = _delivery_column(conn)
        for code in report.purged:
            dossier_id = conn.execute("SELECT id FROM dossiers WHERE code = ?",
                                      (code,)).fetchone()[0]
            conn.execute(
                f"UPDATE dossiers SET {cleared}, notes = '', summary = procedure_name, "
                "purged_at = ? WHERE id = ?", (now.isoformat(), dossier_id))
            # Changes the office's dossier book already took keep no copy of the record.
            conn.execute("UPDATE book_outbox SET body = '{}' WHERE code = ? "
                         "AND sent_at IS NOT NULL", (code,))
            if column is None:
                continue
            for outbox_id, payload in conn.execute(
                    f"SELECT o.id, o.payload FROM outbox o JOIN dossier_events e "
                    f"ON o.record_id = e.uid WHERE e.dossier_id = ? AND o.{column} IS NOT NULL",
                    (dossier_id,)).fetchall():
                redacted = _redact_payload(json.loads(payload))
                conn.execute("UPDATE outbox SET payload = ? WHERE id = ?",
                             (json.dumps(redacted, ensure_ascii=False, separators=(",", ":"),
                                         sort_keys=True), outbox_id))
    if report.purged:
        log.info("retention: personal data purged from %d dossier(s): %s",
                 len(report.purged), ", ".join(report.purged))
    if report.waiting_for_sync:
        log.info("retention: %d dossier(s) past retention kept until the city has them",
                 len(report.waiting_for_sync))
    return report
