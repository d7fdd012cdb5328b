"""The official slips of a dossier (forms "02"-"05") and the hand-overs form "05" lists.

The form names are the 2018 numbering the command line keeps; what each prints (its number
and title in Thông tư 03/2025/TT-VPCP) is the template's (assets/forms/, docs/forms.md).

Issuing a slip is one BEGIN IMMEDIATE transaction on the dossier desk: the slip's row in
`dossier_slips`, its city record in the outbox ("dossier_slip") and the status change the
form means, with its own history row and city record (on a counter PC of a LAN office both
are queued for the office's dossier book instead, the status change first:
kiosk/dossiers/office.py):

- 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: the dossier moves to SUPPLEMENT_REQUESTED; the
  reason lists what is missing, one item a line, once and in full (a second 02 for the same
  dossier is refused: asking again for more is what citizens complain of);
- 03 Phiếu từ chối tiếp nhận, giải quyết hồ sơ: from an online registration (status 1) it
  refuses RECEIPT, the dossier moves to REFUSED (3); from a received dossier still being
  settled (2, 4, 5, 6) it refuses SETTLEMENT, the dossier moves to STOPPED (8 "Dừng xử lý");
  the reason is the status change's; `details.case` ("receipt" / "settlement") picks the
  template's sentence; a settled dossier (9, 10, 3, 7, 8) gets none;
- 04 Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết: only for a dossier not yet
  settled (it is, or the clerk knows it will be, late); the reason and a new working day
  later than the current due date, which becomes the due date; the status does not change;
- 05 Phiếu kiểm soát quá trình giải quyết hồ sơ (printed as Mẫu số 06): the dossier's
  hand-overs so far.

A slip shows the citizen's name and nothing else personal (less than the receipt); its city
record names no citizen at all. Logs name dossiers by code only.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from kiosk.calendar import CalendarRules, is_working_day
from kiosk.dossiers.models import DossierError
from kiosk.dossiers.status import DossierStatus
from kiosk.printout.forms import FORMS, HandoverRow, SlipPrint, load_form
from kiosk.printout.receipt import date_vi, time_received_vi
from kiosk.store import transaction

if TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

    from PIL import Image

    from drivers.printers import Printer
    from kiosk.dossiers.intake import DossierDesk
    from kiosk.dossiers.models import Dossier

log = logging.getLogger(__name__)

SLIP_RECORD = "dossier_slip"
HANDOVER_RECORD = "dossier_handover"

#: Statuses of a dossier already settled one way or another: it cannot become late any more,
#: so it gets no apology (Mẫu 04).
SETTLED = frozenset({DossierStatus.FINISHED, DossierStatus.RETURNED, DossierStatus.REFUSED,
                     DossierStatus.WITHDRAWN, DossierStatus.STOPPED})
#: Mẫu 03 refuses RECEIPT of an online registration (1 -> 3 "Không được tiếp nhận") or
#: SETTLEMENT of a dossier received and still being settled (-> 8 "Dừng xử lý"); the template
#: (assets/forms/03.toml) words each case.
REFUSE_RECEIPT, REFUSE_SETTLEMENT = "receipt", "settlement"
REFUSAL_STATUS = {REFUSE_RECEIPT: DossierStatus.REFUSED, REFUSE_SETTLEMENT: DossierStatus.STOPPED}
BEING_SETTLED = frozenset({DossierStatus.RECEIVED, DossierStatus.PROCESSING,
                           DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.FEE_REQUESTED})
STATUS_OF_FORM = {"02": DossierStatus.SUPPLEMENT_REQUESTED}


class SlipRefused(DossierError):
    """A slip the rules do not allow (worded in Vietnamese and English)."""


def refusal_case(dossier: Dossier) -> str:
    """What a Mẫu 03 refuses for `dossier`: REFUSE_RECEIPT (an online registration, status 1)
    or REFUSE_SETTLEMENT (received, still being settled: 2, 4, 5, 6). SlipRefused for a
    dossier already settled one way or another."""
    if dossier.status is DossierStatus.NEW:
        return REFUSE_RECEIPT
    if dossier.status in BEING_SETTLED:
        return REFUSE_SETTLEMENT
    raise SlipRefused(
        f"Hồ sơ đang ở trạng thái \"{dossier.status.label_vi}\": đã giải quyết xong hoặc đã "
        "kết thúc, không lập phiếu từ chối tiếp nhận, giải quyết hồ sơ.",
        f"dossier {dossier.code} is settled (status {int(dossier.status)}): no refusal slip "
        "(form 03)")


def status_of_form(form: str, dossier: Dossier) -> DossierStatus | None:
    """The status Mẫu `form` moves `dossier` to (None: the form changes no status)."""
    if form == "03":
        return REFUSAL_STATUS[refusal_case(dossier)]
    return STATUS_OF_FORM.get(form)


@dataclass(frozen=True)
class Slip:
    uid: str
    code: str
    form: str
    reason: str | None
    new_date: date | None
    details: dict[str, Any]
    issued_at: datetime
    clerk: str
    station_id: str

    def as_json(self) -> dict[str, Any]:
        return {"uid": self.uid, "code": self.code, "form": self.form, "reason": self.reason,
                "new_date": self.new_date.isoformat() if self.new_date else None,
                "details": self.details, "issued_at": self.issued_at.isoformat(),
                "clerk": self.clerk, "station": self.station_id}


@dataclass(frozen=True)
class Handover:
    uid: str
    code: str
    at: datetime
    from_party: str
    to_party: str
    handed_by: str
    received_by: str
    due_date: date | None
    note: str
    station_id: str = field(default="")

    def as_json(self) -> dict[str, Any]:
        return {"uid": self.uid, "code": self.code, "at": self.at.isoformat(),
                "from_party": self.from_party, "to_party": self.to_party,
                "handed_by": self.handed_by, "received_by": self.received_by,
                "due_date": self.due_date.isoformat() if self.due_date else None,
                "note": self.note, "station": self.station_id}


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def missing_items(reason: str) -> tuple[str, ...]:
    """What a supplement request lists: one item per line (or per ';'), numbering typed by the
    clerk ("1.", "-") dropped."""
    items = []
    for part in re.split(r"[\n;]+", reason or ""):
        item = re.sub(r"^\s*(?:\d+[.)]|[-•*])\s*", "", part).strip()
        if item:
            items.append(" ".join(item.split()))
    return tuple(items)


# -- reading ------------------------------------------------------------------------------------

def _slip_rows(conn: sqlite3.Connection, dossier: Dossier, tz) -> list[Slip]:
    return [Slip(uid=r[0], code=dossier.code, form=r[1], reason=r[2],
                 new_date=date.fromisoformat(r[3]) if r[3] else None,
                 details=json.loads(r[4] or "{}"),
                 issued_at=datetime.fromisoformat(r[5]).astimezone(tz), clerk=r[6],
                 station_id=r[7])
            for r in conn.execute(
                "SELECT uid, form, reason, new_date, details, issued_at, clerk, station_id "
                "FROM dossier_slips WHERE dossier_id = ? ORDER BY issued_at, id", (dossier.id,))]


def _handover_rows(conn: sqlite3.Connection, dossier: Dossier, tz) -> list[Handover]:
    return [Handover(uid=r[0], code=dossier.code,
                     at=datetime.fromisoformat(r[1]).astimezone(tz), from_party=r[2],
                     to_party=r[3], handed_by=r[4], received_by=r[5],
                     due_date=date.fromisoformat(r[6]) if r[6] else None, note=r[7] or "",
                     station_id=r[8])
            for r in conn.execute(
                "SELECT uid, at, from_party, to_party, handed_by, received_by, due_date, note, "
                "station_id FROM dossier_handovers WHERE dossier_id = ? ORDER BY at, id",
                (dossier.id,))]


def records_json(conn: sqlite3.Connection, dossier: Dossier, tz) -> dict[str, list[Any]]:
    """The dossier's slips and hand-overs as the office book's look-up answer carries them
    (kiosk/hub/app.py), for a counter's mirror (kiosk/dossiers/office.py `mirror`)."""
    return {"slips": [s.as_json() for s in _slip_rows(conn, dossier, tz)],
            "handovers": [h.as_json() for h in _handover_rows(conn, dossier, tz)]}


def current_due(dossier: Dossier, slips: list[Slip], rules: CalendarRules) -> date:
    """The due date a new apology moves: the project's one rule (kiosk/dossiers/due.py: the
    latest Mẫu 04's new date, else the appointment, moved by supplement pauses)."""
    from kiosk.dossiers.due import due_date

    return due_date(dossier, slips, rules)


# -- writing ------------------------------------------------------------------------------------

def issue_slip(desk: DossierDesk, code: str, form: str, *, clerk: str,
               reason: str | None = None, new_date: date | None = None,
               at: datetime | None = None) -> Slip:
    """Issue Mẫu `form` for the dossier `code` (see the module's docstring); SlipRefused /
    IllegalTransition / DossierNotFound when the rules do not allow it."""
    form = (form or "").strip()
    if form not in FORMS:
        raise SlipRefused(f"Không có mẫu phiếu {form!r}: chọn 02, 03, 04 hoặc 05.",
                          f"no form {form!r}: one of 02, 03, 04, 05")
    at = desk._local(at)
    clerk = _clean(clerk)
    reason = (reason or "").strip() or None
    if not clerk:
        raise SlipRefused("Thiếu tên cán bộ thực hiện.", "clerk is empty")
    if form in ("02", "03", "04") and not reason:
        what = {"02": "những giấy tờ, nội dung cần bổ sung",
                "03": "lý do từ chối", "04": "lý do chậm trả kết quả"}[form]
        raise SlipRefused(f"Mẫu {form} cần ghi rõ {what} (--reason).",
                          f"form {form} needs a reason (--reason)")
    if form == "04" and new_date is None:
        raise SlipRefused("Mẫu 04 cần ngày hẹn trả kết quả mới (--new-date).",
                          "form 04 needs the new date (--new-date)")
    if form != "04" and new_date is not None:
        raise SlipRefused("Chỉ Mẫu 04 có ngày hẹn mới.", "only form 04 takes a new date")
    # A counter PC of a LAN office (kiosk/dossiers/office.py): the book's copy first; the
    # status change (02, 03) and then the slip queued for the book in this transaction (no
    # city outbox row here: the hub sends both when it applies them) and pushed at once.
    book = bool(getattr(desk, "book", False))
    if book:
        desk._refresh_quietly(code)  # type: ignore[attr-defined]
    with desk._mirror_only() if book else contextlib.nullcontext():  # type: ignore[attr-defined]
        slip = _issue(desk, code, form, clerk, reason, new_date, at)
    if book:
        desk._settle(slip.code)  # type: ignore[attr-defined]
    log.info("dossier %s: form %s issued", slip.code, form)
    return slip


def _issue(desk: DossierDesk, code: str, form: str, clerk: str, reason: str | None,
           new_date: date | None, at: datetime) -> Slip:
    with transaction(desk.db) as conn:
        dossier = desk._locked(conn, code)
        if dossier.purged:
            raise SlipRefused("Hồ sơ đã được xóa dữ liệu cá nhân, không thể lập phiếu.",
                              f"dossier {dossier.code} was purged and is read-only")
        slips = _slip_rows(conn, dossier, desk.tz)
        details: dict[str, Any] = {}
        if form == "02":
            if any(s.form == "02" for s in slips):
                raise SlipRefused(
                    "Hồ sơ này đã có phiếu yêu cầu bổ sung: chỉ yêu cầu bổ sung một lần, đầy "
                    "đủ các nội dung.",
                    f"dossier {dossier.code} already has a supplement request (form 02): "
                    "supplements are asked for once, in full")
            details["missing"] = list(missing_items(reason or ""))
        elif form == "04":
            due = current_due(dossier, slips, desk.rules)
            if dossier.status in SETTLED:
                raise SlipRefused(
                    f"Hồ sơ đang ở trạng thái \"{dossier.status.label_vi}\": không trễ hạn "
                    "nữa, không lập phiếu xin lỗi.",
                    f"dossier {dossier.code} is settled (status {int(dossier.status)}): it "
                    "is not and will not be late, no apology slip")
            assert new_date is not None
            if new_date <= due:
                raise SlipRefused(
                    f"Ngày hẹn mới phải sau hạn hiện tại ({due:%d/%m/%Y}).",
                    f"the new date must be later than the current due date {due.isoformat()}")
            if not is_working_day(new_date, desk.rules):
                raise SlipRefused(f"Ngày {new_date:%d/%m/%Y} không phải ngày làm việc.",
                                  f"{new_date.isoformat()} is not a working day")
            details["previous_due"] = due.isoformat()
            details["late_at_issue"] = at.date() > due
        elif form == "05":
            handovers = _handover_rows(conn, dossier, desk.tz)
            if not handovers:
                raise SlipRefused(
                    "Hồ sơ chưa có lần giao nhận nào: ghi giao nhận trước (kiosk dossier "
                    "handover).", f"dossier {dossier.code} has no hand-over recorded yet")
            details["handovers"] = [h.uid for h in handovers]
        elif form == "03":
            details["case"] = refusal_case(dossier)
        to = status_of_form(form, dossier)
        if to is not None:
            # The status change, its history row and its own city record, in this transaction.
            dossier = desk._apply(conn, dossier, to, at, clerk, reason)
        slip = Slip(uid=str(uuid.uuid4()), code=dossier.code, form=form, reason=reason,
                    new_date=new_date, details=details, issued_at=at, clerk=clerk,
                    station_id=desk.settings.station_id)
        conn.execute(
            "INSERT INTO dossier_slips (uid, dossier_id, form, reason, new_date, details, "
            "issued_at, clerk, station_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (slip.uid, dossier.id, form, reason, new_date.isoformat() if new_date else None,
             json.dumps(details, ensure_ascii=False), at.isoformat(), clerk,
             slip.station_id))
        desk._publish_record(conn, SLIP_RECORD, dict(slip.as_json(), dossier_uid=dossier.uid),
                             at, after_event=dossier.history[-1].uid)
    return slip



def record_handover(desk: DossierDesk, code: str, *, to_party: str, received_by: str,
                    clerk: str, from_party: str | None = None, due: date | None = None,
                    note: str | None = None, at: datetime | None = None) -> Handover:
    """Record that the dossier was handed from `from_party` (default: the receiving unit) to
    `to_party`, by `clerk`, received by `received_by`, to move on by `due`."""
    at = desk._local(at)
    to_party, received_by, clerk = _clean(to_party), _clean(received_by), _clean(clerk)
    from_party = _clean(from_party) or desk.settings.unit_name
    if not to_party or not received_by:
        raise SlipRefused("Cần ghi nơi nhận (--to) và người nhận (--received-by).",
                          "a hand-over needs --to and --received-by")
    if not clerk:
        raise SlipRefused("Thiếu tên cán bộ giao hồ sơ.", "clerk is empty")
    book = bool(getattr(desk, "book", False))
    if book:  # the book's copy into this PC's mirror first (taken in at another counter)
        desk._refresh_quietly(code)  # type: ignore[attr-defined]
    with desk._mirror_only() if book else contextlib.nullcontext():  # type: ignore[attr-defined]
        handover = _hand_over(desk, code, at, from_party, to_party, clerk, received_by, due,
                              note)
    if book:  # queued for the book with its city record, pushed at once (offline: later)
        desk._settle(handover.code)  # type: ignore[attr-defined]
    log.info("dossier %s handed over", handover.code)
    return handover


def _hand_over(desk: DossierDesk, code: str, at: datetime, from_party: str, to_party: str,
               clerk: str, received_by: str, due: date | None, note: str | None) -> Handover:
    with transaction(desk.db) as conn:
        dossier = desk._locked(conn, code)
        if dossier.purged:
            raise SlipRefused("Hồ sơ đã được xóa dữ liệu cá nhân, không thể ghi giao nhận.",
                              f"dossier {dossier.code} was purged and is read-only")
        if due is not None and due < at.date():
            raise SlipRefused("Hạn chuyển tiếp không thể trước ngày giao.",
                              "the hand-over's due date is before the hand-over")
        handover = Handover(uid=str(uuid.uuid4()), code=dossier.code, at=at,
                            from_party=from_party, to_party=to_party, handed_by=clerk,
                            received_by=received_by, due_date=due, note=_clean(note),
                            station_id=desk.settings.station_id)
        conn.execute(
            "INSERT INTO dossier_handovers (uid, dossier_id, at, from_party, to_party, "
            "handed_by, received_by, due_date, note, station_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (handover.uid, dossier.id, at.isoformat(), from_party, to_party, clerk,
             received_by, due.isoformat() if due else None, handover.note or None,
             handover.station_id))
        desk._publish_record(conn, HANDOVER_RECORD,
                             dict(handover.as_json(), dossier_uid=dossier.uid), at,
                             after_event=dossier.history[-1].uid)
    return handover


def slips_of(desk: DossierDesk, code: str) -> list[Slip]:
    dossier = desk.get(code)
    return _slip_rows(desk.db.conn, dossier, desk.tz)


def handovers_of(desk: DossierDesk, code: str) -> list[Handover]:
    dossier = desk.get(code)
    return _handover_rows(desk.db.conn, dossier, desk.tz)


def handover_parties(desk: DossierDesk, limit: int = 30) -> list[str]:
    """The departments and bodies this station has handed dossiers to, the most recently used
    first: what the counter offers for a new hand-over (the clerk may type another)."""
    return [r[0] for r in desk.db.execute(
        "SELECT to_party FROM dossier_handovers GROUP BY to_party ORDER BY MAX(at) DESC "
        "LIMIT ?", (limit,))]


# -- printing -----------------------------------------------------------------------------------

def _result(handover: Handover, ended: datetime | None) -> str:
    if handover.due_date is None or ended is None:
        return ""
    end = ended.date()
    if end < handover.due_date:
        return "Trước hạn"
    return "Đúng hạn" if end == handover.due_date else "Quá hạn"


def slip_print(desk: DossierDesk, uid: str) -> SlipPrint:
    """What the stored slip `uid` shows (reprints look the same)."""
    row = desk.db.execute("SELECT d.code FROM dossier_slips s JOIN dossiers d "
                          "ON d.id = s.dossier_id WHERE s.uid = ?", (uid,)).fetchone()
    if row is None:
        raise SlipRefused("Không tìm thấy phiếu.", f"no slip {uid}")
    dossier = desk.get(row[0])
    conn = desk.db.conn
    slips = _slip_rows(conn, dossier, desk.tz)
    slip = next(s for s in slips if s.uid == uid)
    before = slips[:slips.index(slip)]
    settings = desk.settings
    rows: tuple[HandoverRow, ...] = ()
    if slip.form == "05":
        listed = set(slip.details.get("handovers", ()))
        handovers = [h for h in _handover_rows(conn, dossier, desk.tz) if h.uid in listed]
        ends = [h.at for h in handovers[1:]] + [dossier.finished_at]
        rows = tuple(HandoverRow(
            parties=f"Giao: {h.from_party} / Nhận: {h.to_party}", at=time_received_vi(h.at),
            handed_by=h.handed_by, received_by=h.received_by, result=_result(h, end),
            note=h.note) for h, end in zip(handovers, ends, strict=True))
    values = {
        "code": dossier.code, "unit_name": dossier.receiving_unit_name,
        "deciding_unit": dossier.deciding_unit_name,
        "submitter_name": dossier.submitter.name or "—",
        "request": dossier.summary or dossier.procedure_name,
        "procedure": dossier.procedure_name,
        "received_at": time_received_vi(dossier.received_at),
        "received_date": date_vi(dossier.received_at.date()),
        "due_date": date_vi(current_due(dossier, before, desk.rules)),
        "reason": slip.reason or "", "issued_date": date_vi(slip.issued_at.date()),
        "new_date": date_vi(slip.new_date) if slip.new_date else "",
        "clerk": slip.clerk,
    }
    # A form with cases (Mẫu 03: refusing receipt or settlement) prints the slip's own case.
    template = load_form(slip.form).for_case(slip.details.get("case"))
    return SlipPrint(template=template, code=dossier.code,
                     lookup_text=settings.lookup_text(dossier.code),
                     unit_name=dossier.receiving_unit_name,
                     parent_authority=settings.parent_authority,
                     place_name=settings.place_name, issued_at=slip.issued_at, values=values,
                     missing=tuple(slip.details.get("missing", ())), handovers=rows)


def render_slip(desk: DossierDesk, uid: str, width_dots: int) -> Image.Image:
    from kiosk.printout.slip import render_slip as render

    return render(slip_print(desk, uid), width_dots)


def print_slip(desk: DossierDesk, uid: str, printer: Printer) -> None:
    """Print the slip on the thermal printer (PrintError from the driver)."""
    printer.print_image(render_slip(desk, uid, printer.width_dots))
    log.info("slip %s printed on %s", uid, printer.uri)


def write_slip_pdf(desk: DossierDesk, uid: str, out: Path) -> Path:
    from kiosk.printout.slip_pdf import write_slip_pdf as write

    return write(slip_print(desk, uid), out)
