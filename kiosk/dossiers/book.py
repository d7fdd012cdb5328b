"""The office dossier book: the hub's own `dossiers` and `dossier_events`, kept for every
counter PC of a LAN office.

In a LAN office (hub.role = hub) the hub's tables hold every dossier of the office with its
personal data: the book, authoritative once a change is applied here. A counter PC keeps a
mirror of the dossiers it touched and sends its changes in order (POST
/api/v1/dossiers/changes, kiosk/hub/protocol.py); `apply_changes` applies them, each in its
own transaction, and answers each alone, so one bad change never blocks the others:

- intake `{"id": EVENT_UID, "kind": "intake", "dossier": Dossier.as_json(), "city": {...}|null}`:
  applied when the code is new to the book; unchanged when the book already holds the same
  event uid for that code (a re-send); rejected when the code is held with another intake
  (another dossier), or a field fails its check. Only the dossier's first history entry
  (the intake itself, whose uid is the change id) is taken: later ones travel as status
  changes, and the row's status, dates and reason are those of the first entry.
- status `{"id", "kind": "status", "code", "base_version", "event": {"uid", "from", "to", "at",
  "clerk", "reason"}, "after": {...}, "station", "city"}`: unchanged when the event uid is in
  the book; conflict when the book's version (its number of status changes) is not
  `base_version` (the answer carries the book's dossier and version: the counter that lost
  sees the winner's state); rejected when the dossier is unknown, purged, the transition
  illegal (kiosk/dossiers/status.py) or a field bad; else applied with the desk's own rule
  for the finished/returned times and the on-time flag (`after`, when sent, must agree).

- slip `{"id": SLIP_UID, "kind": "slip", "code", "station", "slip": {"form", "reason",
  "new_date", "details", "issued_at", "clerk"}, "city"}` and handover `{"id": UID, "kind":
  "handover", "code", "station", "handover": {"at", "from_party", "to_party", "handed_by",
  "received_by", "due_date", "note"}, "city"}` (kiosk/dossiers/slips.py, queued by
  kiosk/dossiers/office.py): stored in the book's `dossier_slips` / `dossier_handovers`
  (unchanged when the uid is there already), so the hub (its office window, its due dates: a
  Mẫu 04's new date, its results report) holds every counter's slips. The status change a
  02 or 03 makes travels as its own status change, queued before the slip. `after_event`
  (optional): the uid of the dossier's last status change where the record was made (a
  02's or 03's own); conflict when the book does not hold it (that change was refused, so
  the record made on it is too, as the counter marks it).

An applied change's `city` payload (what the counter's desk built for the city) is appended
to the hub's city outbox in the same transaction, with record_id = the change id (the event
uid, the slip's or the hand-over's uid) and type "dossier", "dossier_slip" or
"dossier_handover", so the city hears of each intake, status change, slip and hand-over
exactly once whichever PC made it (a re-sent change is unchanged and appends nothing).
`city: null` stores the change without telling the city (a record the counter delivered
itself before the book took it). The payload must be a valid city record of its type for
this office naming this change's code and id (and, for a slip or hand-over, the book's
dossier uid and the change's station; sync/protocol.py's own check), so a counter cannot make
the hub send anything else.

A change from a paired counter is bound to it: the intake's `station` and the status change's
`station` must be the credential's station id (the office key, used by technicians, is not
bound). Reasons name fields and rules, never values: they may be logged.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from kiosk.calendar import CalendarRules
from kiosk.dossiers.intake import (
    RECORD_TYPE,
    _person_columns,
    check_change,
    insert_dossier,
    insert_event,
    load_dossier,
    normalize_code,
    status_columns,
    update_status,
)
from kiosk.dossiers.models import DocumentItem, Dossier, DossierError, Person
from kiosk.dossiers.procedures import DOCUMENT_FORMS
from kiosk.dossiers.shortcode import short_code
from kiosk.dossiers.status import DossierStatus, IllegalTransition
from kiosk.jsonfields import (
    EARLIEST_CODE_DAY,
    FieldRejected,
    check_dossier_code,
    date_field,
    free_text,
    object_field,
    text_field,
    time_field,
    whole_number,
)
from kiosk.store import append_outbox, transaction

log = logging.getLogger(__name__)

INTAKE, STATUS, SLIP, HANDOVER = "intake", "status", "slip", "handover"
KINDS = (INTAKE, STATUS, SLIP, HANDOVER)
#: The city record type of a slip / hand-over change (kiosk/dossiers/slips.py).
RECORD_OF = {SLIP: "dossier_slip", HANDOVER: "dossier_handover"}
APPLIED, UNCHANGED, CONFLICT, REJECTED = "applied", "unchanged", "conflict", "rejected"
MAX_CHANGES = 500  # per request; the hub's body limit (64 KiB) is usually reached first

# Text a dossier may carry, bounded like the office feed's (kiosk/officefeed/records.py):
# generous for what a clerk types, tight for codes and identifiers.
LIMITS = {
    "name": 200, "id_number": 32, "gender": 8, "address": 500, "phone": 32, "email": 254,
    "unit_code": 64, "unit_name": 300, "procedure_code": 64, "procedure_name": 500,
    "field_code": 64, "field_name": 300, "summary": 2000, "notes": 4000, "area": 200,
    "result_place": 300, "clerk": 100, "station": 64, "reason": 2000, "document": 500,
    "uid": 64,
}
MAX_DOCUMENTS = 200
MAX_PROCESSING_DAYS = 3650
MAX_SETS = 999
MAX_QUANTITY = 999


@dataclass(frozen=True)
class ChangeResult:
    """What became of one change: `version` and `dossier` are the book's after it (None when
    the book has no dossier of that code)."""

    id: str | None
    result: str
    reason: str | None = None
    reason_vi: str | None = None
    version: int | None = None
    dossier: Dossier | None = None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "result": self.result, "reason": self.reason,
                "reason_vi": self.reason_vi, "version": self.version,
                "dossier": self.dossier.as_json() if self.dossier is not None else None}


_REJECTED_VI = "Máy chủ văn phòng không nhận thay đổi này: dữ liệu hồ sơ không hợp lệ."


class WrongStation(FieldRejected):
    """A change recorded under another station than the key that sends it: the PC's
    [station] id and its station key do not belong together."""

    def __init__(self, station: str, caller: str) -> None:
        super().__init__("station is not the station that sends it")
        self.message_vi = (
            f"Khóa trạm của máy này là của trạm \"{caller}\", nhưng hồ sơ ghi trạm "
            f"\"{station[:64]}\". Đặt [station] id = \"{caller}\" trên máy này, hoặc ghép "
            "máy với máy chủ văn phòng lại.")


def apply_changes(db: Database, changes: Any, caller: str | None, tz: ZoneInfo, *,
                  unit_code: str, now: datetime | None = None,
                  rules: CalendarRules | None = None) -> list[ChangeResult]:
    """Apply `changes` in order (see the module docstring). `caller`: the sending station's
    id from its credential (None: the office key, not bound to a station). `unit_code`: the
    office's unit. Raises FieldRejected only when `changes` itself is not a list of at most
    MAX_CHANGES (the hub answers 400); every other problem is one change's result."""
    if not isinstance(changes, list):
        raise FieldRejected("changes must be a list")
    if len(changes) > MAX_CHANGES:
        raise FieldRejected(f"at most {MAX_CHANGES} changes per request")
    now = now or datetime.now(tz)
    # The office calendar decides the on-time flag (supplement pauses in working days).
    rules = rules or CalendarRules(timezone=str(tz))
    results = [_apply_one(db, change, caller, tz, unit_code, now, rules) for change in changes]
    counts: dict[str, int] = {}
    for r in results:
        counts[r.result] = counts.get(r.result, 0) + 1
    if counts.get(REJECTED) or counts.get(CONFLICT):
        log.warning("dossier book: %s", ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    return results


def book_version(dossier: Dossier) -> int:
    """A dossier's version in the book: its number of status changes (the intake counts)."""
    return len(dossier.history)


def _apply_one(db: Database, change: Any, caller: str | None, tz: ZoneInfo, unit_code: str,
               now: datetime, rules: CalendarRules) -> ChangeResult:
    change_id = change.get("id") if isinstance(change, dict) else None
    shown_id = change_id if isinstance(change_id, str) and len(change_id) <= 80 else None
    code: str | None = None
    try:
        if not isinstance(change, dict):
            raise FieldRejected("each change must be an object")
        change_id = _uuid(change, "id")
        kind = change.get("kind")
        if kind not in KINDS:
            raise FieldRejected(f"kind must be one of {', '.join(KINDS)}")
        if kind == INTAKE:
            dossier = object_field(change, "dossier")
            assert dossier is not None
            code = normalize_code(text_field(dossier, "code") or "")[:80]
            parsed = _intake(dossier, change_id, caller, tz, unit_code, now)
            city = _city(change, code, change_id, unit_code)
            with transaction(db) as conn:
                return _apply_intake(conn, change_id, parsed, city, tz)
        code = normalize_code(text_field(change, "code") or "")[:80]
        if kind in (SLIP, HANDOVER):
            check_dossier_code(code, unit_code, tz, now)
            row = _record(change, kind, caller, tz, now)
            after = _after_event(change)
            city = _city(change, code, change_id, unit_code, RECORD_OF[kind])
            with transaction(db) as conn:
                return _apply_record(conn, change_id, code, kind, row, after, city, tz)
        parsed_status = _status(change, change_id, caller, tz, unit_code, now)
        city = _city(change, code, change_id, unit_code)
        with transaction(db) as conn:
            return _apply_status(conn, change_id, code, parsed_status, city, tz, rules)
    except IllegalTransition as exc:
        return _rejected(db, shown_id, code, tz, exc.message_en, exc.message_vi)
    except DossierError as exc:
        return _rejected(db, shown_id, code, tz, exc.message_en, exc.message_vi)
    except WrongStation as exc:
        return _rejected(db, shown_id, code, tz, str(exc), exc.message_vi)
    except FieldRejected as exc:
        return _rejected(db, shown_id, code, tz, str(exc), _REJECTED_VI)
    except sqlite3.IntegrityError:
        return _rejected(db, shown_id, code, tz, "the book already holds a dossier with this "
                         "uid, code or number", _REJECTED_VI)
    except (TypeError, ValueError, OverflowError, UnicodeError, KeyError):
        return _rejected(db, shown_id, code, tz, "a field has the wrong type or size",
                         _REJECTED_VI)


def _rejected(db: Database, change_id: str | None, code: str | None, tz: ZoneInfo,
              reason: str, reason_vi: str) -> ChangeResult:
    dossier = load_dossier(db.conn, tz, code=code) if code else None
    return ChangeResult(change_id, REJECTED, reason, reason_vi,
                        book_version(dossier) if dossier else None, dossier)


def _found(change_id: str, result: str, dossier: Dossier, reason: str | None = None,
           reason_vi: str | None = None) -> ChangeResult:
    return ChangeResult(change_id, result, reason, reason_vi, book_version(dossier), dossier)


# -- intake ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Intake:
    code: str
    values: dict[str, Any]
    first: DossierStatus
    at: datetime
    clerk: str
    reason: str | None
    station: str


def _apply_intake(conn: sqlite3.Connection, change_id: str, intake: _Intake,
                  city: dict[str, Any] | None, tz: ZoneInfo) -> ChangeResult:
    known = conn.execute("SELECT d.code FROM dossier_events e JOIN dossiers d "
                         "ON d.id = e.dossier_id WHERE e.uid = ?", (change_id,)).fetchone()
    if known is not None:
        if known[0] != intake.code:
            raise FieldRejected("id is the uid of another dossier's change")
        dossier = load_dossier(conn, tz, code=intake.code)
        assert dossier is not None
        if dossier.history[0].uid != change_id:
            raise FieldRejected("id is not this dossier's intake")
        return _found(change_id, UNCHANGED, dossier)
    held = load_dossier(conn, tz, code=intake.code)
    if held is not None:
        return ChangeResult(change_id, REJECTED, "the code is already in the book with "
                            "another intake",
                            f"Mã hồ sơ {intake.code} đã có trong sổ hồ sơ của văn phòng "
                            "(một hồ sơ khác).", book_version(held), held)
    values = intake.values
    _check_number(conn, intake.code, values, intake.station)
    if values["ticket_id"] is not None and conn.execute(
            "SELECT 1 FROM tickets WHERE id = ?", (values["ticket_id"],)).fetchone() is None:
        values = {**values, "ticket_id": None}  # a ticket of the counter's own, not the hub's
    dossier_id = insert_dossier(conn, values)
    insert_event(conn, change_id, dossier_id, None, intake.first, intake.at, intake.clerk,
                 intake.reason, intake.station)
    if city is not None:
        append_outbox(conn, RECORD_TYPE, city, intake.at, record_id=change_id)
    dossier = load_dossier(conn, tz, dossier_id=dossier_id)
    assert dossier is not None
    log.info("dossier book: %s taken in at station %s", intake.code, intake.station)
    return _found(change_id, APPLIED, dossier)


def _check_number(conn: sqlite3.Connection, code: str, values: dict[str, Any],
                  station: str) -> None:
    """A code's number is the intake station's own: leased to it, or in a counter's fallback
    range no other station numbered from that day, so a credential cannot squat the numbers
    another counter holds (kiosk/dossiers/numbers.py)."""
    from kiosk.dossiers import numbers

    day, seq = date.fromisoformat(values["day"]), int(values["seq"])
    leased = numbers.leased_to(conn, values["unit_code"], day, seq)
    if leased is not None and leased != station:
        raise FieldRejected(f"code {code}: its number was leased to another station")
    if leased is None and numbers.in_fallback_window(seq):
        low = seq - (seq - numbers.FALLBACK_BASE - 1) % numbers.FALLBACK_SIZE
        other = conn.execute(
            "SELECT 1 FROM dossiers WHERE unit_code = ? AND day = ? AND seq BETWEEN ? AND ? "
            "AND station_id != ? LIMIT 1",
            (values["unit_code"], values["day"], low, low + numbers.FALLBACK_SIZE - 1,
             station)).fetchone()
        if other is not None:
            raise FieldRejected(f"code {code}: its number is in another counter's fallback "
                                "range")


def _intake(data: dict[str, Any], change_id: str, caller: str | None, tz: ZoneInfo,
            unit_code: str, now: datetime) -> _Intake:
    code = normalize_code(text_field(data, "code") or "")
    day = check_dossier_code(code, unit_code, tz, now)
    seq = int(code.rsplit("-", 1)[1])
    if seq < 1:
        raise FieldRejected("code's number must be from 1")
    station = _text(data, "station", LIMITS["station"])
    if not station:
        raise FieldRejected("station must not be empty")
    if caller is not None and station != caller:
        raise WrongStation(station, caller)
    receiving = object_field(data, "receiving_unit")
    deciding = object_field(data, "deciding_unit")
    procedure = object_field(data, "procedure")
    assert receiving is not None and deciding is not None and procedure is not None
    receiving_code = _text(receiving, "code", LIMITS["unit_code"])
    if receiving_code.upper() != unit_code.strip().upper():
        raise FieldRejected("receiving_unit.code is not this office's unit")
    history = data.get("history")
    if not isinstance(history, list) or not history or not isinstance(history[0], dict):
        raise FieldRejected("history must hold the intake's status change first")
    first = history[0]
    if _uuid(first, "uid") != change_id:
        raise FieldRejected("id must be the uid of the dossier's first status change")
    if first.get("from") is not None:
        raise FieldRejected("the first status change must have from = null")
    to = _status_code(first, "to")
    if to not in (DossierStatus.NEW, DossierStatus.RECEIVED):
        raise FieldRejected("a dossier is taken in as status 1 or 2")
    at = _when(first, "at", now, tz)
    clerk = _text(first, "clerk", LIMITS["clerk"])
    if not clerk:
        raise FieldRejected("clerk must not be empty")
    reason = free_text(first, "reason", LIMITS["reason"], optional=True, multiline=True) or None
    received = _when(data, "received_at", now, tz)
    submitter = _person(data, "submitter", required=True)
    owner = _person(data, "owner", required=False)
    owner_kind = whole_number(data, "owner_kind", 1, 4)
    documents = _documents(data)
    ticket_id = whole_number(data, "ticket_id", 0, 2**63 - 1, optional=True)
    purged = _when(data, "purged_at", now, tz, optional=True)
    values: dict[str, Any] = {
        "uid": _uuid(data, "uid"), "code": code,
        "unit_code": receiving_code, "day": day.isoformat(), "seq": seq,
        "receiving_unit_name": _text(receiving, "name", LIMITS["unit_name"]),
        "deciding_unit_code": _text(deciding, "code", LIMITS["unit_code"]),
        "deciding_unit_name": _text(deciding, "name", LIMITS["unit_name"]),
        "procedure_code": _text(procedure, "code", LIMITS["procedure_code"]),
        "procedure_name": _text(procedure, "name", LIMITS["procedure_name"]),
        "field_code": _text(procedure, "field_code", LIMITS["field_code"]),
        "field_name": _text(procedure, "field_name", LIMITS["field_name"]),
        "processing_days": whole_number(procedure, "processing_days", 0, MAX_PROCESSING_DAYS),
        **_person_columns("submitter", submitter),
        **_person_columns("owner", owner),
        "owner_kind": owner_kind,
        "documents": json.dumps([d.as_json() for d in documents], ensure_ascii=False),
        "sets": whole_number(data, "sets", 1, MAX_SETS),
        "summary": _text(data, "summary", LIMITS["summary"]),
        "notes": free_text(data, "notes", LIMITS["notes"], multiline=True),
        "area": _text(data, "area", LIMITS["area"]),
        "result_place": _text(data, "result_place", LIMITS["result_place"]),
        "received_at": received.isoformat(),
        "appointment_date": (date_field(data, "appointment_date")  # type: ignore[union-attr]
                             .isoformat()),
        "status": int(to), "status_reason": reason,
        "clerk": _text(data, "clerk", LIMITS["clerk"]), "station_id": station,
        "ticket_id": ticket_id, "purged_at": purged.isoformat() if purged else None,
        "updated_at": at.isoformat(),
        "short_code": short_code(day, seq),
    }
    return _Intake(code, values, to, at, clerk, reason, station)


def _person(data: dict[str, Any], name: str, *, required: bool) -> Person | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, dict):
        raise FieldRejected(f"{name} must be an object")
    person = Person(
        name=_text(value, "name", LIMITS["name"]),
        id_number=_text(value, "id_number", LIMITS["id_number"]).replace(" ", ""),
        birth_date=date_field(value, "birth_date", optional=True),
        gender=_text(value, "gender", LIMITS["gender"]),
        address=_text(value, "address", LIMITS["address"]),
        phone=_text(value, "phone", LIMITS["phone"]),
        email=_text(value, "email", LIMITS["email"]))
    if person.gender not in ("", "Nam", "Nữ"):
        raise FieldRejected(f"{name}.gender must be 'Nam', 'Nữ' or empty")
    if required and not person.name and not data.get("purged_at"):
        raise FieldRejected(f"{name}.name must not be empty")
    return person


def _documents(data: dict[str, Any]) -> list[DocumentItem]:
    items = data.get("documents")
    if not isinstance(items, list) or len(items) > MAX_DOCUMENTS:
        raise FieldRejected(f"documents must be a list of at most {MAX_DOCUMENTS}")
    out = []
    for item in items:
        if not isinstance(item, dict):
            raise FieldRejected("each document must be an object")
        if item.get("form") not in DOCUMENT_FORMS:
            raise FieldRejected(f"a document's form must be one of {', '.join(DOCUMENT_FORMS)}")
        if not isinstance(item.get("received"), bool):
            raise FieldRejected("a document's received must be true or false")
        out.append(DocumentItem(_text(item, "name", LIMITS["document"]), item["form"],
                                whole_number(item, "quantity", 1, MAX_QUANTITY),  # type: ignore[arg-type]
                                item["received"]))
    return out


# -- status changes ----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Status:
    base_version: int
    from_status: DossierStatus | None
    to: DossierStatus
    at: datetime
    clerk: str
    reason: str | None
    station: str
    after: dict[str, Any] | None


def _status(change: dict[str, Any], change_id: str, caller: str | None, tz: ZoneInfo,
            unit_code: str, now: datetime) -> _Status:
    code = normalize_code(text_field(change, "code") or "")
    check_dossier_code(code, unit_code, tz, now)
    base = whole_number(change, "base_version", 0, 10**6)
    event = object_field(change, "event")
    assert event is not None and base is not None
    if _uuid(event, "uid") != change_id:
        raise FieldRejected("event.uid must be the change's id")
    from_status = _status_code(event, "from") if event.get("from") is not None else None
    to = _status_code(event, "to")
    clerk = _text(event, "clerk", LIMITS["clerk"])
    reason = free_text(event, "reason", LIMITS["reason"], optional=True, multiline=True)
    station = _text(change, "station", LIMITS["station"])
    if not station:
        raise FieldRejected("station must not be empty")
    if caller is not None and station != caller:
        raise WrongStation(station, caller)
    return _Status(base, from_status, to, _when(event, "at", now, tz), clerk, reason, station,
                   object_field(change, "after", optional=True))


def _apply_status(conn: sqlite3.Connection, change_id: str, code: str, change: _Status,
                  city: dict[str, Any] | None, tz: ZoneInfo, rules: CalendarRules
                  ) -> ChangeResult:
    known = conn.execute("SELECT d.code FROM dossier_events e JOIN dossiers d "
                         "ON d.id = e.dossier_id WHERE e.uid = ?", (change_id,)).fetchone()
    if known is not None:
        if known[0] != code:
            raise FieldRejected("id is the uid of another dossier's change")
        dossier = load_dossier(conn, tz, code=code)
        assert dossier is not None
        return _found(change_id, UNCHANGED, dossier)
    current = load_dossier(conn, tz, code=code)
    if current is None:
        raise DossierError(f"Sổ hồ sơ của văn phòng không có hồ sơ mã {code}.",
                           "no dossier with this code in the book")
    if book_version(current) != change.base_version:
        return _found(change_id, CONFLICT, current,
                      f"the book is at version {book_version(current)}, the change was made "
                      f"on version {change.base_version}",
                      "Hồ sơ vừa được quầy khác cập nhật. Vui lòng xem lại hồ sơ.")
    if change.from_status is not current.status:
        raise FieldRejected("event.from is not the dossier's status in the book")
    reason = check_change(current, change.to, change.clerk, change.reason)
    sets = status_columns(current, change.to, change.at, reason, rules)
    if change.after is not None:
        _check_after(change.after, sets, current)
    update_status(conn, current, sets)
    insert_event(conn, change_id, current.id, current.status, change.to, change.at,
                 change.clerk, reason, change.station)
    if city is not None:
        append_outbox(conn, RECORD_TYPE, city, change.at, record_id=change_id)
    dossier = load_dossier(conn, tz, dossier_id=current.id)
    assert dossier is not None
    log.info("dossier book: %s status %d -> %d from station %s", code, current.status,
             change.to, change.station)
    return _found(change_id, APPLIED, dossier)


# -- slips and hand-overs ----------------------------------------------------------------------

SLIP_FORMS = ("02", "03", "04", "05")


def _after_event(change: dict[str, Any]) -> str | None:
    return None if change.get("after_event") is None else _uuid(change, "after_event")


def _record(change: dict[str, Any], kind: str, caller: str | None, tz: ZoneInfo,
            now: datetime) -> dict[str, Any]:
    """The `dossier_slips` / `dossier_handovers` columns of a slip or hand-over change
    (kiosk/dossiers/slips.py made it on a counter; the status change a 02 or 03 makes
    travels as its own status change, before this one)."""
    station = _text(change, "station", LIMITS["station"])
    if not station:
        raise FieldRejected("station must not be empty")
    if caller is not None and station != caller:
        raise WrongStation(station, caller)
    if kind == SLIP:
        data = object_field(change, "slip")
        assert data is not None
        form = text_field(data, "form")
        if form not in SLIP_FORMS:
            raise FieldRejected("slip.form must be one of " + ", ".join(SLIP_FORMS))
        new_date = date_field(data, "new_date", optional=True)
        if (form == "04") != (new_date is not None):
            raise FieldRejected("slip.new_date is for form 04, and form 04 needs it")
        details = object_field(data, "details", optional=True) or {}
        if len(json.dumps(details, ensure_ascii=False)) > 20000:
            raise FieldRejected("slip.details is too large")
        clerk = _text(data, "clerk", LIMITS["clerk"])
        if not clerk:
            raise FieldRejected("slip.clerk must not be empty")
        return {"form": form,
                "reason": free_text(data, "reason", LIMITS["reason"], optional=True,
                                    multiline=True),
                "new_date": new_date.isoformat() if new_date else None,
                "details": json.dumps(details, ensure_ascii=False),
                "issued_at": _when(data, "issued_at", now, tz).isoformat(), "clerk": clerk,
                "station_id": station}
    data = object_field(change, "handover")
    assert data is not None
    row: dict[str, Any] = {"at": _when(data, "at", now, tz).isoformat()}
    for name in ("from_party", "to_party", "handed_by", "received_by"):
        row[name] = _text(data, name, LIMITS["unit_name"])
        if not row[name]:
            raise FieldRejected(f"handover.{name} must not be empty")
    due = date_field(data, "due_date", optional=True)
    row["due_date"] = due.isoformat() if due else None
    row["note"] = _text(data, "note", LIMITS["reason"]) or None
    row["station_id"] = station
    return row


def _apply_record(conn: sqlite3.Connection, change_id: str, code: str, kind: str,
                  row: dict[str, Any], after: str | None, city: dict[str, Any] | None,
                  tz: ZoneInfo) -> ChangeResult:
    table = "dossier_slips" if kind == SLIP else "dossier_handovers"
    current = load_dossier(conn, tz, code=code)
    if current is None:
        raise DossierError(f"Sổ hồ sơ của văn phòng không có hồ sơ mã {code}.",
                           "no dossier with this code in the book")
    known = conn.execute(f"SELECT dossier_id FROM {table} WHERE uid = ?",  # noqa: S608
                         (change_id,)).fetchone()
    if known is not None:
        if known[0] != current.id:
            raise FieldRejected("id is the uid of another dossier's slip or hand-over")
        return _found(change_id, UNCHANGED, current)
    if current.purged:
        raise DossierError("Hồ sơ đã được xóa dữ liệu cá nhân, không thể thay đổi.",
                           "the dossier was purged and is read-only")
    if after is not None and after not in {h.uid for h in current.history}:
        return _found(change_id, CONFLICT, current,
                      "the status change it was made after is not in the book",
                      "Hồ sơ vừa được quầy khác cập nhật. Vui lòng xem lại hồ sơ.")
    if city is not None and city.get("dossier_uid") != current.uid:
        raise FieldRejected("city.dossier_uid is not the book's dossier of this code")
    values = {"uid": change_id, "dossier_id": current.id, **row}
    conn.execute(f"INSERT INTO {table} ({', '.join(values)}) "  # noqa: S608
                 f"VALUES ({', '.join('?' for _ in values)})", tuple(values.values()))
    if city is not None:
        at = datetime.fromisoformat(row["issued_at"] if kind == SLIP else row["at"])
        append_outbox(conn, RECORD_OF[kind], city, at, record_id=change_id)
    log.info("dossier book: %s %s from station %s", code, kind, row["station_id"])
    return _found(change_id, APPLIED, current)


def _check_after(after: dict[str, Any], sets: dict[str, Any], current: Dossier) -> None:
    """The state the counter computed must be the book's: same rule, same inputs."""
    expected: dict[str, Any] = {
        "status": sets["status"], "status_reason": sets["status_reason"],
        "finished_at": sets.get("finished_at", _iso(current.finished_at)),
        "returned_at": sets.get("returned_at", _iso(current.returned_at)),
        "on_time": (bool(sets["on_time"]) if "on_time" in sets else current.on_time),
        "updated_at": sets["updated_at"],
    }
    for name, want in expected.items():
        if name not in after:
            continue
        got = after[name]
        if name.endswith("_at"):
            got_at = time_field(after, name, optional=True)
            same = (got_at is None and want is None) or (
                got_at is not None and want is not None
                and got_at == datetime.fromisoformat(want))
        elif name == "status_reason":
            same = ((got or "").strip() or None) == want if isinstance(got, str | None) \
                else False
        else:
            same = got == want and type(got) is type(want)
        if not same:
            raise FieldRejected(f"after.{name} is not what the change makes of the dossier")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# -- shared field readers ----------------------------------------------------------------------

def _text(data: dict[str, Any], name: str, limit: int) -> str:
    """Single-line text, cleaned and bounded ("" for null)."""
    return free_text(data, name, limit, optional=True) or ""


def _uuid(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    try:
        if isinstance(value, str) and str(uuid.UUID(value)) == value:
            return value
    except ValueError:
        pass
    raise FieldRejected(f"{name} must be a UUID in canonical lower-case form")


def _status_code(data: dict[str, Any], name: str) -> DossierStatus:
    return DossierStatus(whole_number(data, name, 1, 10))


def _when(data: dict[str, Any], name: str, now: datetime, tz: ZoneInfo, *,
          optional: bool = False) -> datetime:
    """A time the book stores: aware, not ahead of the hub's clock by more than a day, in
    the office's time zone (stored text compares like the desk's own, e.g. in statistics)."""
    at = time_field(data, name, optional=optional)
    if at is None:
        return None  # type: ignore[return-value]
    if at > now + timedelta(days=1):
        raise FieldRejected(f"{name} is more than a day ahead of the hub's clock")
    if at.date() < EARLIEST_CODE_DAY:
        raise FieldRejected(f"{name} is before {EARLIEST_CODE_DAY.year}")
    return at.astimezone(tz)


def _city(change: dict[str, Any], code: str, change_id: str, unit_code: str,
          record_type: str = RECORD_TYPE) -> dict[str, Any] | None:
    """The change's city payload (a `record_type` record), checked as the city server will
    check it; None: none."""
    from sync.protocol import MAX_PAYLOAD_BYTES, RECORD_TYPES, Rejected, check_office_binding

    payload = object_field(change, "city", optional=True)
    if payload is None:
        return None
    if len(json.dumps(payload, ensure_ascii=False).encode("utf-8")) > MAX_PAYLOAD_BYTES:
        raise FieldRejected("city is too large")
    try:
        problems = RECORD_TYPES[record_type].check(payload)
    except Exception:
        problems = ["its fields could not be read"]
    if problems:
        raise FieldRejected(f"city is not a city {record_type} record: "
                            + "; ".join(problems[:3]))
    if payload.get("code") != code:
        raise FieldRejected("city.code is not the change's code")
    if record_type == RECORD_TYPE:
        event = payload.get("event")
        if not isinstance(event, dict) or event.get("uid") != change_id:
            raise FieldRejected("city.event.uid is not the change's id")
    elif payload.get("uid") != change_id:
        raise FieldRejected("city.uid is not the change's id")
    elif payload.get("station") != change.get("station"):
        raise FieldRejected("city.station is not the change's station")
    try:
        check_office_binding(record_type, unit_code, payload, unit_code)
    except Rejected as exc:
        raise FieldRejected(f"city: {exc.reason}") from None
    return payload
