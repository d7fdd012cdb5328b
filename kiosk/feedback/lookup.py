"""What a dossier shows on a public screen: the citizen's self-service look-up at the kiosk.

Anyone standing at the kiosk can hold someone else's receipt to the scanner, so the view
carries the dossier's progress and nothing that identifies its owner beyond the initials of the
owner's name ("Nguyễn Thị Hoa" -> "N.T.H."): no full name, ID number, birth date, address,
phone, e-mail, status reason (a clerk's free text may quote any of those), notes or clerk.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.dossiers.models import Dossier
from kiosk.dossiers.shortcode import parse_short_code
from kiosk.dossiers.status import DossierStatus
from kiosk.scanning.parse import DOSSIER_CODE_RE, UNIT_CODE_PATTERN, format_dossier_code

STATUS_LABELS_EN: dict[DossierStatus, str] = {
    DossierStatus.NEW: "Registered",
    DossierStatus.RECEIVED: "Received",
    DossierStatus.REFUSED: "Not accepted",
    DossierStatus.PROCESSING: "Being processed",
    DossierStatus.SUPPLEMENT_REQUESTED: "Additional documents needed",
    DossierStatus.FEE_REQUESTED: "Fees to be paid",
    DossierStatus.WITHDRAWN: "Withdrawn at the citizen's request",
    DossierStatus.STOPPED: "Processing stopped",
    DossierStatus.FINISHED: "Result ready",
    DossierStatus.RETURNED: "Result handed over",
}

#: What the citizen should do next, by status (None: nothing to add to the status itself).
_HINTS: dict[DossierStatus, tuple[str, str]] = {
    DossierStatus.NEW: ("Mời mang hồ sơ giấy đến quầy tiếp nhận.",
                        "Please bring the paper documents to the reception counter."),
    DossierStatus.RECEIVED: ("Hồ sơ đang chờ xử lý. Mời quay lại vào ngày hẹn trả kết quả.",
                             "Waiting to be processed. Please come back on the appointment "
                             "date."),
    DossierStatus.PROCESSING: ("Mời quay lại vào ngày hẹn trả kết quả.",
                               "Please come back on the appointment date."),
    DossierStatus.SUPPLEMENT_REQUESTED: ("Vui lòng đến quầy để được hướng dẫn bổ sung giấy tờ.",
                                         "Please see the counter about the missing documents."),
    DossierStatus.FEE_REQUESTED: ("Vui lòng đến quầy để được hướng dẫn nộp phí, lệ phí.",
                                  "Please see the counter about paying the fees."),
    DossierStatus.REFUSED: ("Vui lòng liên hệ quầy để biết thêm chi tiết.",
                            "Please ask at the counter for details."),
    DossierStatus.STOPPED: ("Vui lòng liên hệ quầy để biết thêm chi tiết.",
                            "Please ask at the counter for details."),
    DossierStatus.FINISHED: ("Kết quả đã có. Mời đến quầy trả kết quả, mang theo giấy hẹn.",
                             "The result is ready. Please collect it at the counter with this "
                             "receipt."),
}

# Tone marks are dropped from initials (they read oddly on a single letter); the letter's own
# shape (Â, Ê, Ô, Ơ, Ư, Ă, Đ) stays.
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def initials(name: str | None) -> str:
    """'Nguyễn Thị Hoa' -> 'N.T.H.'; '' for an empty (or purged) name."""
    letters = []
    for word in unicodedata.normalize("NFC", name or "").split():
        first = next((c for c in word if c.isalpha()), "")
        if not first:
            continue
        bare = "".join(c for c in unicodedata.normalize("NFD", first) if c not in _TONE_MARKS)
        letters.append(unicodedata.normalize("NFC", bare).upper())
    return "".join(f"{c}." for c in letters)


@dataclass(frozen=True)
class PublicDossierView:
    code: str
    procedure_name: str
    status: DossierStatus
    status_label: str  # Vietnamese, as on the official lists
    appointment_date: date
    received_date: date
    initials: str
    result_place: str
    returned_date: date | None = None

    @property
    def status_label_en(self) -> str:
        return STATUS_LABELS_EN[self.status]

    def status_text(self, language: str) -> str:
        return self.status_label_en if language == "en" else self.status_label

    def hint(self, language: str) -> str:
        """What to do next, or ''."""
        pair = _HINTS.get(self.status)
        if pair is None:
            return ""
        return pair[1] if language == "en" else pair[0]

    @property
    def ready(self) -> bool:
        return self.status is DossierStatus.FINISHED

    def as_json(self) -> dict[str, Any]:
        """The view on the wire (the hub answering a kiosk's look-up)."""
        return {"code": self.code, "procedure_name": self.procedure_name,
                "status": int(self.status), "appointment_date": self.appointment_date.isoformat(),
                "received_date": self.received_date.isoformat(), "initials": self.initials,
                "result_place": self.result_place,
                "returned_date": self.returned_date.isoformat() if self.returned_date else None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PublicDossierView:
        status = DossierStatus(int(data["status"]))
        returned = data.get("returned_date")
        return cls(code=str(data["code"]), procedure_name=str(data["procedure_name"]),
                   status=status, status_label=status.label_vi,
                   appointment_date=date.fromisoformat(data["appointment_date"]),
                   received_date=date.fromisoformat(data["received_date"]),
                   initials=str(data.get("initials") or ""),
                   result_place=str(data.get("result_place") or ""),
                   returned_date=date.fromisoformat(returned) if returned else None)


def public_dossier_view(dossier: Dossier) -> PublicDossierView:
    """The public subset of a dossier (see the module docstring for what is left out)."""
    return PublicDossierView(
        code=dossier.code,
        procedure_name=dossier.procedure_name,
        status=dossier.status,
        status_label=dossier.status.label_vi,
        appointment_date=dossier.appointment_date,
        received_date=dossier.received_at.date(),
        initials=initials(dossier.holder.name),
        result_place=dossier.result_place,
        returned_date=dossier.returned_at.date() if dossier.returned_at else None,
    )


_SHORT_CODE_RE = re.compile(r"[0-9]{6}-[0-9]{4,}")
_SEPARATORS = str.maketrans({"–": "-", "—": "-", "_": "-", ",": ".", " ": ""})


def lookup_code(text: str, unit_code: str = "") -> str | None:
    """The dossier code in what a citizen typed or scanned, or None when there is none.

    Accepts the full code, the code inside a look-up URL (receipt QR), the receipt's
    6-character look-up code (kiosk/dossiers/shortcode.py, "ACD 7KM") and the short form
    "yyMMdd-NNNN": the last two are completed with this office's `unit_code`, where the
    citizen filed (the look-up code is unique within an office). The result is always a full
    dossier code, so this station's records and the hub's forwarded ones find it alike.
    """
    clean = unicodedata.normalize("NFKC", text or "").strip().upper().translate(_SEPARATORS)
    if not clean:
        return None
    found = DOSSIER_CODE_RE.search(clean)
    if found:
        return found.group(0)
    unit = unit_code.strip().upper()
    if not re.fullmatch(UNIT_CODE_PATTERN, unit):
        return None
    if _SHORT_CODE_RE.fullmatch(clean):
        return f"{unit}-{clean}"
    decoded = parse_short_code(clean)
    if decoded is not None:
        return format_dossier_code(unit, *decoded)
    return None
