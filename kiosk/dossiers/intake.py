"""Receiving dossiers at the counter and following them to hand-back: the application service.

Plain, blocking Python like kiosk.ticketing: the counter UI calls it from a worker thread, the
CLI and the seeder directly. Every state change is one BEGIN IMMEDIATE transaction that writes
the dossier, its status-history row and its outbox row together, so the city never hears of a
change the station lost, nor the station keeps one the city never hears of.

Logging names dossiers by code only: submitters' names, ID numbers, addresses and phone numbers
never reach a logger (domain.md, personal data).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PIL import Image
from sqlite_utils import Database

from kiosk.calendar import CalendarRules, appointment_date
from kiosk.config import Config
from kiosk.dossiers.due import on_time_at_finish
from kiosk.dossiers.models import (
    DocumentItem,
    Dossier,
    DossierError,
    DossierNotFound,
    Intake,
    InvalidIntake,
    Person,
    StatusChange,
    UnknownProcedure,
)
from kiosk.dossiers.numbers import LocalNumbers
from kiosk.dossiers.portal import portal_record
from kiosk.dossiers.procedures import Procedure, load_procedures
from kiosk.dossiers.receipts import slip_for
from kiosk.dossiers.settings import DossierSettings, dossier_settings
from kiosk.dossiers.shortcode import short_code
from kiosk.dossiers.status import DossierStatus, check_transition
from kiosk.printout.receipt import ReceiptSlip, render_receipt
from kiosk.queue.numbering import local_day
from kiosk.scanning import format_dossier_code
from kiosk.store import append_outbox, transaction

if TYPE_CHECKING:
    from drivers.printers import Printer

log = logging.getLogger(__name__)

RECORD_TYPE = "dossier"

PERSON_FIELDS = ("name", "id_number", "birth_date", "gender", "address", "phone", "email")
DOSSIER_COLUMNS = (
    "id", "uid", "code", "unit_code", "day", "seq", "receiving_unit_name", "deciding_unit_code",
    "deciding_unit_name", "procedure_code", "procedure_name", "field_code", "field_name",
    "processing_days",
    *(f"submitter_{f}" for f in PERSON_FIELDS),
    *(f"owner_{f}" for f in PERSON_FIELDS),
    "owner_kind", "documents", "sets", "summary", "notes", "area", "result_place",
    "received_at", "appointment_date", "status", "status_reason", "finished_at", "returned_at",
    "on_time", "clerk", "station_id", "ticket_id", "purged_at", "updated_at",
)
DOSSIER_SELECT = ", ".join(DOSSIER_COLUMNS)
EVENT_COLUMNS = ("uid", "from_status", "to_status", "at", "clerk", "reason")

#: Statuses from which a hand-back may first record "finished" in the same transaction: the
#: clerk who hands a same-day result over finishes and returns it in one go.
_FINISH_ON_HAND_BACK = frozenset({DossierStatus.RECEIVED, DossierStatus.PROCESSING,
                                  DossierStatus.FEE_REQUESTED})


def normalize_code(code: str) -> str:
    """Codes typed or scanned at the counter: trimmed, upper-case (the unit part has letters)."""
    return unicodedata.normalize("NFC", code).strip().upper()


def _clean(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def _clean_person(person: Person) -> Person:
    return Person(name=_clean(person.name), id_number=_clean(person.id_number).replace(" ", ""),
                  birth_date=person.birth_date, gender=_clean(person.gender),
                  address=_clean(person.address), phone=_clean(person.phone),
                  email=_clean(person.email))


class DossierDesk:
    """Saves intakes, changes statuses, hands results back, looks dossiers up.

    One per connection/thread, like TicketDesk.
    """

    def __init__(self, db: Database, config: Config, procedures: Iterable[Procedure] | None = None,
                 rules: CalendarRules | None = None, numbers: Any = None) -> None:
        self.db = db
        self.config = config
        self.settings: DossierSettings = dossier_settings(config)
        self.tz = ZoneInfo(self.settings.timezone)
        self.rules = rules or CalendarRules.from_config(config)
        self.catalog = {p.code: p for p in (procedures or load_procedures())}
        # Where sequence numbers come from (kiosk/dossiers/numbers.py): the day's counter in
        # this database, or blocks leased from the office hub on a counter PC.
        self.numbers = numbers if numbers is not None else LocalNumbers(config)

    # -- reading -----------------------------------------------------------------------------

    @property
    def procedures(self) -> list[Procedure]:
        return list(self.catalog.values())

    def procedure(self, code: str) -> Procedure:
        try:
            return self.catalog[code.strip()]
        except KeyError:
            raise UnknownProcedure(code) from None

    def now(self) -> datetime:
        return datetime.now(self.tz)

    def find(self, code: str) -> Dossier | None:
        """The dossier with this code, or None."""
        row = self.db.execute(f"SELECT {DOSSIER_SELECT} FROM dossiers WHERE code = ?",
                              (normalize_code(code),)).fetchone()
        return self._dossier(self.db.conn, row) if row else None

    def get(self, code: str) -> Dossier:
        """The dossier with this code; DossierNotFound otherwise."""
        dossier = self.find(code)
        if dossier is None:
            raise DossierNotFound(normalize_code(code))
        return dossier

    def list_for_logbook(self, start: date, end: date) -> list[Dossier]:
        """Dossiers received on local days start..end (inclusive), in the order received,
        without their history (the logbook shows none: a year's logbook read 15 000 histories
        one query each, half a second over an archived year)."""
        rows = self.db.execute(
            f"SELECT {DOSSIER_SELECT} FROM dossiers WHERE day BETWEEN ? AND ? "
            "ORDER BY received_at, seq", (start.isoformat(), end.isoformat())).fetchall()
        return [dossier_from_row(self.db.conn, row, self.tz, history=False) for row in rows]

    def procedure_counts(self) -> dict[str, int]:
        """How many dossiers this office took in for each procedure (the picker puts the most
        used first)."""
        return {code: n for code, n in self.db.execute(
            "SELECT procedure_code, count(*) FROM dossiers GROUP BY procedure_code")}

    def last_contact(self, id_number: str) -> tuple[str, str] | None:
        """(phone, email) from the most recent dossier this station took in from the submitter
        with this ID number that holds either, or None. A returning citizen is not asked to
        dictate them again; a purged dossier holds none."""
        id_number = _clean(id_number).replace(" ", "")
        if not id_number:
            return None
        row = self.db.execute(
            "SELECT submitter_phone, submitter_email FROM dossiers "
            "WHERE submitter_id_number = ? AND station_id = ? AND purged_at IS NULL "
            "AND (submitter_phone IS NOT NULL OR submitter_email IS NOT NULL) "
            "ORDER BY received_at DESC, id DESC LIMIT 1",
            (id_number, self.settings.station_id)).fetchone()
        return (row[0] or "", row[1] or "") if row else None

    # -- writing -----------------------------------------------------------------------------

    def save_intake(self, intake: Intake, *, clerk: str, at: datetime | None = None) -> Dossier:
        """Receive a dossier: assign its code, work out the appointment date, store it with its
        first history row and its outbox record in one transaction."""
        procedure = self.procedure(intake.procedure_code)
        submitter = _clean_person(intake.submitter)
        owner = _clean_person(intake.owner) if intake.owner is not None else None
        clerk = _clean(clerk)
        self._validate(intake, submitter, owner, clerk)
        documents = tuple(intake.documents) if intake.documents is not None else tuple(
            DocumentItem(d.name, d.form, d.quantity, True) for d in procedure.documents)
        at = self._local(at)
        day = local_day(at, self.settings.timezone)
        due = appointment_date(at, procedure.processing_days, self.rules)
        settings = self.settings
        result_place = (intake.result_place if intake.result_place is not None
                        else settings.result_place or procedure.result_place)
        uid = str(uuid.uuid4())
        status = DossierStatus.RECEIVED
        with transaction(self.db) as conn:
            if intake.ticket_id is not None and conn.execute(
                    "SELECT 1 FROM tickets WHERE id = ?", (intake.ticket_id,)).fetchone() is None:
                raise InvalidIntake("Không tìm thấy số thứ tự (phiếu) gắn với hồ sơ.",
                                    f"no ticket with id {intake.ticket_id}")
            seq = self.numbers.take(conn, settings.unit_code, day)
            code = format_dossier_code(settings.unit_code, day, seq)
            values: dict[str, Any] = {
                "uid": uid, "code": code, "unit_code": settings.unit_code,
                "day": day.isoformat(), "seq": seq,
                "receiving_unit_name": settings.unit_name,
                "deciding_unit_code": intake.deciding_unit_code or settings.deciding_unit_code,
                "deciding_unit_name": intake.deciding_unit_name or settings.deciding_unit_name,
                "procedure_code": procedure.code, "procedure_name": procedure.name,
                "field_code": procedure.field_code, "field_name": procedure.field_name,
                "processing_days": procedure.processing_days,
                **_person_columns("submitter", submitter),
                **_person_columns("owner", owner),
                "owner_kind": intake.owner_kind,
                "documents": json.dumps([d.as_json() for d in documents], ensure_ascii=False),
                "sets": intake.sets, "summary": _clean(intake.summary) or procedure.name,
                "notes": (intake.notes or "").strip(), "area": _clean(intake.area),
                "result_place": _clean(result_place),
                "received_at": at.isoformat(), "appointment_date": due.isoformat(),
                "status": int(status), "clerk": clerk, "station_id": settings.station_id,
                "ticket_id": intake.ticket_id, "updated_at": at.isoformat(),
                # The receipt's short look-up code (None past 1,023 dossiers a day).
                "short_code": short_code(day, seq),
            }
            dossier_id = insert_dossier(conn, values)
            self._record_change(conn, dossier_id, None, status, at, clerk, None)
        log.info("dossier %s received (procedure %s, due %s)", code, procedure.code,
                 due.isoformat())
        return self.get(code)

    def change_status(self, code: str, to: DossierStatus | int, *, clerk: str,
                      reason: str | None = None, at: datetime | None = None) -> Dossier:
        """Move a dossier to another official status; IllegalTransition if the process does not
        allow it (or a required reason is missing)."""
        to = DossierStatus(to)
        at = self._local(at)
        clerk = _clean(clerk)
        with transaction(self.db) as conn:
            current = self._locked(conn, code)
            self._apply(conn, current, to, at, clerk, reason)
        log.info("dossier %s status %d -> %d", current.code, current.status, to)
        return self.get(current.code)

    def request_supplement(self, code: str, reason: str, *, clerk: str,
                           at: datetime | None = None) -> Dossier:
        """Ask for additional documents (status 5); the reason lists what is missing."""
        return self.change_status(code, DossierStatus.SUPPLEMENT_REQUESTED, clerk=clerk,
                                  reason=reason, at=at)

    def withdraw(self, code: str, reason: str, *, clerk: str,
                 at: datetime | None = None) -> Dossier:
        """The citizen withdraws the dossier (status 7), with the reason they gave."""
        return self.change_status(code, DossierStatus.WITHDRAWN, clerk=clerk, reason=reason,
                                  at=at)

    def finish(self, code: str, *, clerk: str, at: datetime | None = None) -> Dossier:
        """Processing is done and the result is ready at the counter (status 9)."""
        return self.change_status(code, DossierStatus.FINISHED, clerk=clerk, at=at)

    def hand_back(self, code: str, *, clerk: str, at: datetime | None = None,
                  finished_at: datetime | None = None, note: str | None = None) -> Dossier:
        """Hand the result to the citizen (status 10), recording when and whether on time.

        A dossier still being processed (a same-day procedure finished at the counter) is first
        marked finished at `finished_at` (default: now), in the same transaction.
        """
        at = self._local(at)
        clerk = _clean(clerk)
        with transaction(self.db) as conn:
            current = self._locked(conn, code)
            if current.status in _FINISH_ON_HAND_BACK:
                current = self._apply(conn, current, DossierStatus.FINISHED,
                                      self._local(finished_at or at), clerk, None)
            returned = self._apply(conn, current, DossierStatus.RETURNED, at, clerk, note)
        log.info("dossier %s handed back (%s)", returned.code,
                 "on time" if returned.on_time else "late")
        return returned

    # -- receipts ----------------------------------------------------------------------------

    def receipt_slip(self, code: str) -> ReceiptSlip:
        """What the receipt shows, rebuilt from the stored dossier (reprints look the same)."""
        return slip_for(self.get(code), self.settings)

    def render_receipt(self, code: str, width_dots: int) -> Image.Image:
        """The thermal receipt (mode "1" image) of a stored dossier: printing and reprinting."""
        return render_receipt(self.receipt_slip(code), width_dots)

    def print_receipt(self, code: str, printer: Printer, copies: int | None = None) -> None:
        """Print the receipt `copies` times (default: the configured number). Raises the
        driver's PrintError; nothing about the dossier changes either way."""
        image = self.render_receipt(code, printer.width_dots)
        for _ in range(copies or self.settings.receipt_copies):
            printer.print_image(image)
        log.info("receipt for dossier %s printed on %s", normalize_code(code), printer.uri)

    def write_receipt_pdf(self, code: str, out: Path | str) -> Path:
        """The A4 receipt of a stored dossier as a PDF file (for a laser printer)."""
        from kiosk.printout.receipt_pdf import write_receipt_pdf  # fpdf2 loads only when used

        path = write_receipt_pdf(self.receipt_slip(code), Path(out))
        log.info("A4 receipt for dossier %s written", normalize_code(code))
        return path

    # -- internals ---------------------------------------------------------------------------

    def _local(self, at: datetime | None) -> datetime:
        at = at or self.now()
        if at.tzinfo is None:
            raise ValueError("dossier times must be timezone-aware")
        return at.astimezone(self.tz)

    def _validate(self, intake: Intake, submitter: Person, owner: Person | None,
                  clerk: str) -> None:
        if not submitter.name:
            raise InvalidIntake("Cần nhập họ tên người nộp hồ sơ.", "submitter name is empty")
        if owner is not None and not owner.name:
            raise InvalidIntake("Cần nhập họ tên chủ hồ sơ (hoặc bỏ trống cả mục chủ hồ sơ).",
                                "owner given without a name")
        if not clerk:
            raise InvalidIntake("Thiếu tên cán bộ tiếp nhận.", "receiving clerk is empty")
        if isinstance(intake.sets, bool) or not isinstance(intake.sets, int) or intake.sets < 1:
            raise InvalidIntake("Số bộ hồ sơ phải từ 1 trở lên.", "sets must be >= 1")
        if intake.owner_kind not in (1, 2, 3, 4):
            raise InvalidIntake("Loại đối tượng không hợp lệ.", "owner_kind must be 1..4")
        if intake.documents is not None and not all(
                isinstance(d, DocumentItem) for d in intake.documents):
            raise InvalidIntake("Danh sách giấy tờ không hợp lệ.",
                                "documents must be DocumentItem values")
        for person in (submitter, owner):
            if person and person.gender not in ("", "Nam", "Nữ"):
                raise InvalidIntake("Giới tính phải là Nam hoặc Nữ.",
                                    "gender must be 'Nam', 'Nữ' or empty")

    def _locked(self, conn: sqlite3.Connection, code: str) -> Dossier:
        # Read inside the write transaction, so two counters cannot both act on the same
        # stale status.
        row = conn.execute(f"SELECT {DOSSIER_SELECT} FROM dossiers WHERE code = ?",
                           (normalize_code(code),)).fetchone()
        if row is None:
            raise DossierNotFound(normalize_code(code))
        return self._dossier(conn, row)

    def _apply(self, conn: sqlite3.Connection, current: Dossier, to: DossierStatus,
               at: datetime, clerk: str, reason: str | None) -> Dossier:
        reason = check_change(current, to, clerk, reason)
        update_status(conn, current, status_columns(current, to, at, reason, self.rules))
        return self._record_change(conn, current.id, current.status, to, at, clerk, reason)

    def _record_change(self, conn: sqlite3.Connection, dossier_id: int,
                       from_status: DossierStatus | None, to: DossierStatus, at: datetime,
                       clerk: str, reason: str | None) -> Dossier:
        uid = str(uuid.uuid4())
        insert_event(conn, uid, dossier_id, from_status, to, at, clerk, reason,
                     self.settings.station_id)
        row = conn.execute(f"SELECT {DOSSIER_SELECT} FROM dossiers WHERE id = ?",
                           (dossier_id,)).fetchone()
        dossier = self._dossier(conn, row)
        change = dossier.history[-1]
        self._publish(conn, dossier, change, self._outbox_payload(conn, dossier, change), at)
        return dossier

    def _publish(self, conn: sqlite3.Connection, dossier: Dossier, change: StatusChange,
                 payload: dict[str, Any], at: datetime) -> None:
        """Where the city record of a change goes, inside its transaction: this station's
        city outbox. (A counter PC of a LAN office queues it for the office's dossier book
        instead: kiosk/dossiers/office.py.)"""
        # The event's uid is the outbox record id: the retention purge finds a dossier's
        # outbox rows (and their delivery state) through its history.
        append_outbox(conn, RECORD_TYPE, payload, at, record_id=change.uid)

    def _publish_record(self, conn: sqlite3.Connection, record_type: str,
                        payload: dict[str, Any], at: datetime, *,
                        after_event: str | None = None) -> None:
        """Where the city record of a slip or a hand-over goes (kiosk/dossiers/slips.py),
        inside its transaction: this station's city outbox under the record's uid. (A counter
        PC of a LAN office queues it for the office's dossier book instead, made after the
        dossier's status change `after_event`.)"""
        append_outbox(conn, record_type, payload, at, record_id=payload["uid"])

    def _outbox_payload(self, conn: sqlite3.Connection, dossier: Dossier,
                        change: StatusChange) -> dict[str, Any]:
        ticket_uid = None
        if dossier.ticket_id is not None:
            row = conn.execute("SELECT uid FROM tickets WHERE id = ?",
                               (dossier.ticket_id,)).fetchone()
            ticket_uid = row[0] if row else None
        return {
            "uid": dossier.uid,
            "code": dossier.code,
            "event": change.as_json(),
            "station": dossier.station_id,
            "receiving_unit": {"code": dossier.unit_code, "name": dossier.receiving_unit_name},
            "deciding_unit": {"code": dossier.deciding_unit_code,
                              "name": dossier.deciding_unit_name},
            "ticket_uid": ticket_uid,
            "clerk": dossier.clerk,
            "appointment_date": dossier.appointment_date.isoformat(),
            "on_time": dossier.on_time,
            "sets": dossier.sets,
            "area": dossier.area,
            "notes": dossier.notes,
            "status_reason": dossier.status_reason,
            "portal": portal_record(dossier),
        }

    def _dossier(self, conn: sqlite3.Connection, row: Sequence[Any]) -> Dossier:
        return dossier_from_row(conn, row, self.tz)


# -- the rows, shared with the office dossier book (kiosk/dossiers/book.py) --------------------

def insert_dossier(conn: sqlite3.Connection, values: dict[str, Any]) -> int:
    """Insert a dossiers row from its column values; its id."""
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    return conn.execute(f"INSERT INTO dossiers ({names}) VALUES ({marks})",
                        tuple(values.values())).lastrowid  # type: ignore[return-value]


def insert_event(conn: sqlite3.Connection, uid: str, dossier_id: int,
                 from_status: DossierStatus | None, to: DossierStatus, at: datetime, clerk: str,
                 reason: str | None, station_id: str) -> None:
    """Insert one dossier_events row (the status history)."""
    conn.execute(
        "INSERT INTO dossier_events (uid, dossier_id, from_status, to_status, at, clerk, "
        "reason, station_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (uid, dossier_id, int(from_status) if from_status is not None else None, int(to),
         at.isoformat(), clerk, reason, station_id))


def check_change(current: Dossier, to: DossierStatus, clerk: str, reason: str | None
                 ) -> str | None:
    """Refuse a status change the desk would not make (no clerk, a purged dossier, an
    illegal transition or a missing reason: DossierError / IllegalTransition); the reason as
    stored (stripped, None when empty)."""
    if not clerk:
        raise DossierError("Thiếu tên cán bộ thực hiện.", "clerk is empty")
    if current.purged:
        raise DossierError("Hồ sơ đã được xóa dữ liệu cá nhân, không thể thay đổi.",
                           f"dossier {current.code} was purged and is read-only")
    reason = (reason or "").strip() or None
    check_transition(current.status, to, reason)
    return reason


def status_columns(current: Dossier, to: DossierStatus, at: datetime, reason: str | None,
                   rules: CalendarRules) -> dict[str, Any]:
    """The dossiers columns a change of `current` to `to` at `at` sets: the one rule for the
    finished and returned times and the on-time flag (finished no later than the appointment
    date moved by the supplement pauses, in the office's calendar: kiosk/dossiers/due.py)."""
    sets: dict[str, Any] = {"status": int(to), "status_reason": reason,
                            "updated_at": at.isoformat()}
    if to is DossierStatus.FINISHED:
        sets["finished_at"] = at.isoformat()
    if to is DossierStatus.RETURNED:
        finished = current.finished_at or at
        sets["returned_at"] = at.isoformat()
        sets["on_time"] = int(on_time_at_finish(current, finished, rules))
    return sets


def update_status(conn: sqlite3.Connection, current: Dossier, sets: dict[str, Any]) -> None:
    assignments = ", ".join(f"{name} = ?" for name in sets)
    conn.execute(f"UPDATE dossiers SET {assignments} WHERE id = ?",
                 (*sets.values(), current.id))


def load_dossier(conn: sqlite3.Connection, tz: ZoneInfo, *, code: str | None = None,
                 dossier_id: int | None = None) -> Dossier | None:
    """The dossier with this code (normalised) or row id, with its history; None if none."""
    if dossier_id is not None:
        row = conn.execute(f"SELECT {DOSSIER_SELECT} FROM dossiers WHERE id = ?",
                           (dossier_id,)).fetchone()
    else:
        row = conn.execute(f"SELECT {DOSSIER_SELECT} FROM dossiers WHERE code = ?",
                           (normalize_code(code or ""),)).fetchone()
    return dossier_from_row(conn, row, tz) if row is not None else None


def _person_columns(prefix: str, person: Person | None) -> dict[str, Any]:
    if person is None:
        return {f"{prefix}_{f}": None for f in PERSON_FIELDS}
    return {
        f"{prefix}_name": person.name,
        f"{prefix}_id_number": person.id_number or None,
        f"{prefix}_birth_date": person.birth_date.isoformat() if person.birth_date else None,
        f"{prefix}_gender": person.gender or None,
        f"{prefix}_address": person.address or None,
        f"{prefix}_phone": person.phone or None,
        f"{prefix}_email": person.email or None,
    }


def _person(r: dict[str, Any], prefix: str) -> Person:
    birth = r[f"{prefix}_birth_date"]
    return Person(name=r[f"{prefix}_name"] or "", id_number=r[f"{prefix}_id_number"] or "",
                  birth_date=date.fromisoformat(birth) if birth else None,
                  gender=r[f"{prefix}_gender"] or "", address=r[f"{prefix}_address"] or "",
                  phone=r[f"{prefix}_phone"] or "", email=r[f"{prefix}_email"] or "")


def dossier_from_row(conn: sqlite3.Connection, row: Sequence[Any], tz: ZoneInfo, *,
                     history: bool = True) -> Dossier:
    """Build a Dossier from a `SELECT DOSSIER_SELECT` row, with its history unless `history`
    is False (its `history` then empty)."""
    r = dict(zip(DOSSIER_COLUMNS, row, strict=True))

    def ts(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value).astimezone(tz) if value else None

    changes = tuple(
        StatusChange(uid=e[0], from_status=DossierStatus(e[1]) if e[1] is not None else None,
                     to_status=DossierStatus(e[2]), at=datetime.fromisoformat(e[3]).astimezone(tz),
                     clerk=e[4], reason=e[5])
        for e in conn.execute(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM dossier_events WHERE dossier_id = ? "
            "ORDER BY id", (r["id"],))) if history else ()
    # A purged dossier keeps no owner; one never given has no owner name either.
    owner = _person(r, "owner") if r["owner_name"] else None
    return Dossier(
        id=r["id"], uid=r["uid"], code=r["code"], unit_code=r["unit_code"],
        receiving_unit_name=r["receiving_unit_name"],
        deciding_unit_code=r["deciding_unit_code"], deciding_unit_name=r["deciding_unit_name"],
        procedure_code=r["procedure_code"], procedure_name=r["procedure_name"],
        field_code=r["field_code"], field_name=r["field_name"],
        processing_days=r["processing_days"],
        submitter=_person(r, "submitter"), owner=owner, owner_kind=r["owner_kind"],
        documents=tuple(DocumentItem(d["name"], d["form"], d["quantity"], d["received"])
                        for d in json.loads(r["documents"])),
        sets=r["sets"], summary=r["summary"], notes=r["notes"], area=r["area"],
        result_place=r["result_place"],
        received_at=ts(r["received_at"]),  # type: ignore[arg-type]
        appointment_date=date.fromisoformat(r["appointment_date"]),
        status=DossierStatus(r["status"]), status_reason=r["status_reason"],
        finished_at=ts(r["finished_at"]), returned_at=ts(r["returned_at"]),
        on_time=None if r["on_time"] is None else bool(r["on_time"]),
        clerk=r["clerk"], station_id=r["station_id"], ticket_id=r["ticket_id"],
        purged_at=ts(r["purged_at"]),
        updated_at=ts(r["updated_at"]),  # type: ignore[arg-type]
        history=changes,
    )
