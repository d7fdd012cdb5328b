"""What a client station forwards to the hub, and how the hub applies it.

A batch is {"records": [{"id": outbox record id, "type": "dossier" | "rating",
"data": {...}}]}. The hub answers {"applied": n, "unchanged": n, "rejected": [{"id", "reason"}]}:
a record it cannot read is rejected alone, so one bad record never blocks the rest.

A dossier record is the dossier's public state after one status change: `version` k is the
state after its k-th change (dossier_record_at), so a station forwarding its outbox in order
sends versions 1, 2, 3, ... of each dossier. At the hub every record is bound to the station
whose credential sent it (`station_id`): a record naming another station, a code another
station sent first, a first version other than 1, a version that is not the stored one + 1
(the same version with the same content is "unchanged"), a code of another unit, dated
before 2020 or after tomorrow, numbered with more than 6 digits, numbered in a block the hub
leased to another station, or (not leased) more than 50 past the station's last code of that
day is rejected, alone; free text is bounded and cleaned of control characters, a rating's
`at` must lie within 31 days before and a day after the hub's clock. So a stolen or curious
credential cannot rewrite another station's dossiers, nor take a number leased to another
counter; it can squat only the next few codes of a PC numbering on its own (a single-PC
office's own counter, a counter's fallback range).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from kiosk.dossiers.intake import DOSSIER_SELECT, dossier_from_row, normalize_code
from kiosk.dossiers.models import Dossier
from kiosk.dossiers.status import DossierStatus
from kiosk.feedback.errors import FeedbackError
from kiosk.feedback.lookup import PublicDossierView, initials, public_dossier_view
from kiosk.feedback.ratings import parse_level, parse_reasons
from kiosk.jsonfields import MAX_SEQ_DIGITS, FieldRejected, date_field, free_text
from kiosk.jsonfields import check_dossier_code as _check_code
from kiosk.jsonfields import text_field as _text
from kiosk.jsonfields import time_field as _time
from kiosk.store import transaction

#: A forwarded record the hub cannot read (the reason names the field, never a value).
RecordRejected = FieldRejected

log = logging.getLogger(__name__)

DOSSIER = "dossier"
RATING = "rating"
PETITION = "petition"
RECORD_TYPES = (DOSSIER, RATING, PETITION)

_DOSSIER_FIELDS = ("code", "version", "updated_at", "station_id", "procedure_code",
                   "procedure_name", "status", "received_at", "day", "appointment_date",
                   "finished_at", "returned_at", "on_time", "initials", "result_place", "clerk",
                   "returned_by")


# Free text a forwarded record may carry, shown on the kiosk's look-up and the statistics:
# bounded, control characters made spaces (a newline, an escape sequence), invisible format
# characters dropped.
TEXT_LIMITS = {"procedure_code": 64, "procedure_name": 300, "initials": 24,
               "result_place": 200, "clerk": 100, "returned_by": 100,
               "ticket_uid": 64, "ticket_number": 32, "dossier_code": 64, "station": 64}
# A code this office can have given (kiosk/jsonfields.py check_dossier_code: its unit, its
# date, at most 6 digits), and at most MAX_SEQ_AHEAD past the sending station's last code of
# that day at the hub (a station forwards its outbox in order, and numbers its codes in that order).
MAX_SEQ_AHEAD = 50


def dossier_record(dossier: Dossier) -> dict[str, Any]:
    """The public subset of a dossier that the hub keeps (see the package docstring)."""
    returned_by = next((c.clerk for c in reversed(dossier.history)
                        if c.to_status is DossierStatus.RETURNED), None)

    def ts(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "code": dossier.code,
        "version": len(dossier.history),
        "updated_at": dossier.updated_at.isoformat(),
        "station_id": dossier.station_id,
        "procedure_code": dossier.procedure_code,
        "procedure_name": dossier.procedure_name,
        "status": int(dossier.status),
        "received_at": dossier.received_at.isoformat(),
        "appointment_date": dossier.appointment_date.isoformat(),
        "finished_at": ts(dossier.finished_at),
        "returned_at": ts(dossier.returned_at),
        "on_time": dossier.on_time,
        "initials": initials(dossier.holder.name),
        "result_place": dossier.result_place,
        "clerk": dossier.clerk,
        "returned_by": returned_by,
    }


def dossier_record_at(dossier: Dossier, version: int) -> dict[str, Any]:
    """The public record of `dossier` as it stood after its `version`-th status change."""
    if not 1 <= version <= len(dossier.history):
        raise ValueError(f"dossier {dossier.code} has no version {version}")
    history = dossier.history[:version]

    def last_at(status: DossierStatus) -> datetime | None:
        return next((c.at for c in reversed(history) if c.to_status is status), None)

    returned = last_at(DossierStatus.RETURNED)
    then = dataclasses.replace(
        dossier, history=history, status=history[-1].to_status, updated_at=history[-1].at,
        finished_at=last_at(DossierStatus.FINISHED), returned_at=returned,
        on_time=dossier.on_time if returned is not None else None)
    return dossier_record(then)


def apply_records(db: Database, records: Any, tz: ZoneInfo, now: datetime, *,
                  station_id: str | None = None, types: Any = None,
                  unit_code: str | None = None) -> dict[str, Any]:
    """Apply one forwarded batch in one transaction (see the module docstring). The hub
    passes the sending station's id (from its credential), the record types its role may
    send and the office's unit code; without `station_id` (a local call) nothing is bound."""
    if not isinstance(records, list):
        raise RecordRejected("records must be a list")
    applied = unchanged = 0
    rejected: list[dict[str, str]] = []
    with transaction(db) as conn:
        for item in records:
            record_id = item.get("id") if isinstance(item, dict) else None
            conn.execute("SAVEPOINT record")
            try:
                if not isinstance(item, dict) or not isinstance(item.get("data"), dict):
                    raise RecordRejected("each record needs an id, a type and a data object")
                kind = item.get("type")
                if kind not in RECORD_TYPES:
                    raise RecordRejected(f"type must be one of {', '.join(RECORD_TYPES)}")
                if types is not None and kind not in types:
                    raise RecordRejected(f"this station's role may not send {kind} records")
                if kind == DOSSIER:
                    changed = _apply_dossier(conn, item["data"], tz, now, station_id,
                                             unit_code)
                elif kind == PETITION:
                    changed = _apply_petition(conn, item["data"], station_id)
                else:
                    changed = _apply_rating(conn, item["data"], station_id, now)
            except RecordRejected as exc:
                conn.execute("ROLLBACK TO record")
                rejected.append({"id": str(record_id)[:80], "reason": str(exc)})
                continue
            except (TypeError, ValueError, OverflowError, UnicodeError):
                conn.execute("ROLLBACK TO record")
                rejected.append({"id": str(record_id)[:80], "reason": "a field has the wrong "
                                 "type or size"})
                continue
            finally:
                conn.execute("RELEASE record")
            if changed:
                applied += 1
            else:
                unchanged += 1
    if rejected:
        log.warning("office feed: %d forwarded record(s) rejected", len(rejected))
    return {"applied": applied, "unchanged": unchanged, "rejected": rejected}


def _free_text(data: dict[str, Any], name: str, *, optional: bool = False) -> str | None:
    return free_text(data, name, TEXT_LIMITS[name], optional=optional)


def _check_sequence(conn: Any, code: str, sender: str) -> None:
    """A new code's number is one the hub leased to `sender` (office-unique numbering,
    kiosk/dossiers/numbers.py), or at most MAX_SEQ_AHEAD past the last one `sender` sent for
    the same unit and day in the same part of the numbering (below the counters' fallback
    window, in one counter's fallback range, above the window; none yet: the part's start),
    so a key cannot squat the codes a counter will give later today."""
    from kiosk.dossiers import numbers

    prefix, seq_text = code.rsplit("-", 1)
    seq = int(seq_text)
    unit, yymmdd = prefix.rsplit("-", 1)
    day = datetime.strptime(yymmdd, "%y%m%d").date()  # checked by _check_code
    leased = numbers.leased_to(conn, unit, day, seq)
    if leased is not None:
        if leased != sender:
            raise RecordRejected("code's number was leased to another station")
        return
    if numbers.in_fallback_window(seq):
        low = seq - (seq - numbers.FALLBACK_BASE - 1) % numbers.FALLBACK_SIZE
        high = low + numbers.FALLBACK_SIZE - 1
    elif seq > numbers.FALLBACK_END:
        low, high = numbers.FALLBACK_END + 1, 10 ** MAX_SEQ_DIGITS
    else:
        low, high = 1, numbers.FALLBACK_BASE
    rows = conn.execute("SELECT code FROM office_dossiers WHERE station_id = ? AND code > ? "
                        "AND code < ?", (sender, prefix + "-", prefix + ":")).fetchall()
    last = max((n for n in (int(r[0].rsplit("-", 1)[1]) for r in rows) if low <= n <= high),
               default=low - 1)
    if seq > last + MAX_SEQ_AHEAD:
        raise RecordRejected(f"code's number is more than {MAX_SEQ_AHEAD} past this "
                             "station's last code of that day")


def _apply_dossier(conn: Any, data: dict[str, Any], tz: ZoneInfo, now: datetime,
                   sender: str | None = None, unit_code: str | None = None) -> bool:
    code = normalize_code(_text(data, "code") or "")
    if sender is not None and data.get("station_id") != sender:
        raise RecordRejected("station_id is not the station that sends it")
    if unit_code:
        _check_code(code, unit_code, tz, now)
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version < 10**6:
        raise RecordRejected("version must be a whole number >= 1")
    if isinstance(data.get("status"), bool) or not isinstance(data.get("status"), int):
        raise RecordRejected("status must be a dossier status code (1..10)")
    try:
        status = DossierStatus(data.get("status"))
    except ValueError:
        raise RecordRejected("status must be a dossier status code (1..10)") from None
    received = _time(data, "received_at")
    assert received is not None
    appointment = date_field(data, "appointment_date").isoformat()  # type: ignore[union-attr]
    on_time = data.get("on_time")
    if on_time is not None and not isinstance(on_time, bool):
        raise RecordRejected("on_time must be true, false or null")
    updated = _time(data, "updated_at")
    finished = _time(data, "finished_at", optional=True)
    returned = _time(data, "returned_at", optional=True)
    row = {
        "code": code, "version": version, "updated_at": updated.isoformat(),  # type: ignore[union-attr]
        "station_id": _text(data, "station_id"),
        "procedure_code": _free_text(data, "procedure_code"),
        "procedure_name": _free_text(data, "procedure_name"),
        "status": int(status), "received_at": received.isoformat(),
        "day": received.astimezone(tz).date().isoformat(),
        "appointment_date": appointment,
        "finished_at": finished.isoformat() if finished else None,
        "returned_at": returned.isoformat() if returned else None,
        "on_time": None if on_time is None else int(on_time),
        "initials": _free_text(data, "initials", optional=True) or "",
        "result_place": _free_text(data, "result_place", optional=True) or "",
        "clerk": _free_text(data, "clerk", optional=True) or "",
        "returned_by": _free_text(data, "returned_by", optional=True),
    }
    columns = ", ".join((*_DOSSIER_FIELDS, "forwarded_at"))
    stored = conn.execute(f"SELECT {columns} FROM office_dossiers WHERE code = ?",
                          (code,)).fetchone()
    if stored is not None:
        old = dict(zip((*_DOSSIER_FIELDS, "forwarded_at"), stored, strict=True))
        # Codes are numbered per PC: never let another station's dossier replace this one.
        if old["station_id"] != row["station_id"]:
            if sender is None:
                return False  # a local call: the first one received is kept
            raise RecordRejected("code belongs to another station")
        if version == old["version"]:
            if all(old[f] == row[f] for f in _DOSSIER_FIELDS):
                return False
            if sender is not None:
                raise RecordRejected("version is already stored with other content")
            if row["updated_at"] <= old["updated_at"]:
                return False  # a local call: only the same version changed later (a purge)
        elif version < old["version"]:
            if sender is None:
                return False
            raise RecordRejected("version goes back (older than the stored one)")
        elif version != old["version"] + 1 and sender is not None:
            raise RecordRejected("version jumps (must be the stored one + 1)")
    elif version != 1 and sender is not None:
        raise RecordRejected("version must start at 1")
    elif sender is not None and unit_code:
        _check_sequence(conn, code, sender)
    marks = ", ".join("?" for _ in range(len(_DOSSIER_FIELDS) + 1))
    updates = ", ".join(f"{f} = excluded.{f}" for f in (*_DOSSIER_FIELDS[1:], "forwarded_at"))
    conn.execute(
        f"INSERT INTO office_dossiers ({columns}) VALUES ({marks}) "
        f"ON CONFLICT (code) DO UPDATE SET {updates}",
        (*(row[f] for f in _DOSSIER_FIELDS), now.isoformat()))
    return True


def _apply_petition(conn: Any, data: dict[str, Any], sender: str | None = None) -> bool:
    """A petition taken at a client station (kiosk.petitions): the hub keeps the case from
    then on (the office answers it there). Only its first arrival is stored; a later copy of
    the same case is "unchanged" (the hub's state wins). Not added to the hub's city outbox:
    the station that took it sends it to the city itself."""
    from sync.protocol import RECORD_TYPES as CITY_TYPES

    problems = CITY_TYPES[PETITION].check(data)
    if problems:
        raise RecordRejected(problems[0])
    if sender is not None and data.get("station") != sender:
        raise RecordRejected("station is not the station that sends it")
    from kiosk.petitions.cases import looks_like_petition_code

    if not looks_like_petition_code(data["code"]) or data.get("channel") not in (
            "kiosk", "counter"):
        raise RecordRejected("code or channel is not a petition's")
    for name in ("uid", "feedback_uid", "assignee", "answered_by", "topic"):
        value = data.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > 200):
            raise RecordRejected(f"{name} must be text of at most 200 characters")
    existing = conn.execute("SELECT uid FROM petitions WHERE uid = ? OR code = ?",
                            (data["uid"], data["code"])).fetchall()
    if any(row[0] == data["uid"] for row in existing):
        return False
    if existing:
        raise RecordRejected("code belongs to another petition")
    conn.execute(
        "INSERT INTO petitions (uid, code, feedback_uid, topic, text, phone, channel, "
        "received_at, due_date, status, assignee, answer, answered_by, answered_at, "
        "closed_at, updated_at, station_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?)",
        (data["uid"], data["code"], data.get("feedback_uid"), data["topic"], data["text"],
         data.get("phone"), data["channel"], data["received_at"], data["due_date"],
         data["status"], data.get("assignee") or "", data.get("answer") or "",
         data.get("answered_by") or "", data.get("answered_at"), data.get("closed_at"),
         data["updated_at"], data.get("station") or ""))
    return True


def _apply_rating(conn: Any, data: dict[str, Any], sender: str | None = None,
                  now: datetime | None = None) -> bool:
    from kiosk.hub.limits import at_problem

    uid = _text(data, "uid")
    if len(uid or "") > 64:  # type: ignore[arg-type]
        raise RecordRejected("uid must be at most 64 characters")
    if sender is not None and (data.get("station") or sender) != sender:
        raise RecordRejected("station is not the station that sends it")
    counter = data.get("counter")
    if isinstance(counter, bool) or not isinstance(counter, int) or not 1 <= counter <= 999:
        raise RecordRejected("counter must be a whole number >= 1")
    try:
        level = parse_level(data.get("level"))  # type: ignore[arg-type]
        if not isinstance(data.get("reasons") or [], list):
            raise RecordRejected("reasons must be a list")
        reasons = parse_reasons(data.get("reasons") or [])
    except FeedbackError as exc:
        raise RecordRejected(exc.message_en) from None
    at = _time(data, "at")
    assert at is not None
    problem = at_problem(at, now) if sender is not None else None
    if problem:
        raise RecordRejected(problem)
    cursor = conn.execute(
        "INSERT OR IGNORE INTO ratings (uid, ticket_uid, ticket_number, dossier_code, counter, "
        "clerk, level, reasons, at, station_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (uid, _free_text(data, "ticket_uid", optional=True),
         _free_text(data, "ticket_number", optional=True),
         _free_text(data, "dossier_code", optional=True), counter,
         _free_text(data, "clerk", optional=True) or "", level.value,
         json.dumps([r.value for r in reasons]), at.isoformat(),
         _free_text(data, "station", optional=True) or sender or ""))
    return cursor.rowcount > 0


def find_office_view(db: Database, code: str, tz: ZoneInfo,
                     hub: Callable[[str], PublicDossierView | None] | None = None
                     ) -> PublicDossierView | None:
    """The kiosk's look-up of a dossier's public view, wherever the station stands.

    Standalone and on the hub (`hub` None): this station's database, which on the hub is the
    office dossier book (find_public_view). A client of the hub (`hub`: its dossier_view):
    the book through the hub first, since any counter may have moved the dossier along; this
    station's own copy only when the hub does not know the code (a counter PC's intake not
    yet sent) or cannot be reached (then a stale copy beats none). When neither answers, the
    hub's error is raised, so the citizen hears "cannot reach", not "no such dossier"."""
    failure: Exception | None = None
    if hub is not None:
        try:
            view = hub(code)
        except Exception as exc:  # HubUnavailable and the like: this station's copy, if any
            failure = exc
        else:
            if view is not None:
                return view
    view = find_public_view(db, code, tz)
    if view is None and failure is not None:
        raise failure
    return view


def find_public_view(db: Database, code: str, tz: ZoneInfo) -> PublicDossierView | None:
    """A dossier's public view in this station's database: its own `dossiers` (on the hub,
    the office dossier book, every counter's dossiers) if it has the code, else the public
    copy a counter not yet writing to the book forwarded (office_dossiers): a code in the
    book wins. None when neither knows the code."""
    code = normalize_code(code)
    row = db.execute(f"SELECT {DOSSIER_SELECT} FROM dossiers WHERE code = ?",
                     (code,)).fetchone()
    if row is not None:
        return public_dossier_view(dossier_from_row(db.conn, row, tz))
    row = db.execute(
        "SELECT code, procedure_name, status, appointment_date, received_at, initials, "
        "result_place, returned_at FROM office_dossiers WHERE code = ?", (code,)).fetchone()
    if row is None:
        return None
    status = DossierStatus(row[2])
    return PublicDossierView(
        code=row[0], procedure_name=row[1], status=status, status_label=status.label_vi,
        appointment_date=date.fromisoformat(row[3]),
        received_date=datetime.fromisoformat(row[4]).astimezone(tz).date(),
        initials=row[5], result_place=row[6],
        returned_date=datetime.fromisoformat(row[7]).astimezone(tz).date() if row[7] else None)
