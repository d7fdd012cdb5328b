"""Values the dossier desk takes and returns. Plain frozen dataclasses, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from kiosk.dossiers.procedures import CERTIFIED_COPY, COPY, DOCUMENT_FORMS, ORIGINAL
from kiosk.dossiers.status import DossierStatus

#: LoaiDoiTuong of the national portal.
OWNER_CITIZEN, OWNER_BUSINESS, OWNER_STATE_AGENCY, OWNER_ORGANISATION = 1, 2, 3, 4


class DossierError(ValueError):
    """A request the desk refuses: a message for the clerk and one for the log.

    Neither message ever contains personal data (names, ID numbers, addresses): they may be
    logged and shown on shared screens.
    """

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en


class InvalidIntake(DossierError):
    pass


class UnknownProcedure(DossierError):
    def __init__(self, code: str) -> None:
        super().__init__(f"Không có thủ tục mã {code} trong danh mục.",
                         f"unknown procedure code {code!r}")
        self.code = code


class DossierNotFound(DossierError, LookupError):
    def __init__(self, code: str) -> None:
        super().__init__(f"Không tìm thấy hồ sơ mã {code}.", f"no dossier with code {code!r}")
        self.code = code


@dataclass(frozen=True)
class Person:
    """A submitter or dossier owner, as parsed text (never a card image)."""

    name: str
    id_number: str = ""
    birth_date: date | None = None
    gender: str = ""  # "Nam" | "Nữ" | ""
    address: str = ""
    phone: str = ""
    email: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "id_number": self.id_number,
                "birth_date": self.birth_date.isoformat() if self.birth_date else None,
                "gender": self.gender, "address": self.address, "phone": self.phone,
                "email": self.email}


@dataclass(frozen=True)
class DocumentItem:
    """One line of the documents checklist."""

    name: str
    form: str  # "original" | "certified_copy" | "copy"
    quantity: int = 1
    received: bool = True

    def __post_init__(self) -> None:
        if self.form not in DOCUMENT_FORMS:
            raise InvalidIntake("Hình thức giấy tờ không hợp lệ.",
                                f"document form must be one of {', '.join(DOCUMENT_FORMS)}")
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int) \
                or self.quantity < 1:
            raise InvalidIntake("Số lượng giấy tờ phải từ 1 trở lên.",
                                "document quantity must be a whole number >= 1")

    @property
    def originals(self) -> int:
        return self.quantity if self.form == ORIGINAL else 0

    @property
    def certified_copies(self) -> int:
        return self.quantity if self.form == CERTIFIED_COPY else 0

    @property
    def copies(self) -> int:
        return self.quantity if self.form == COPY else 0

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "form": self.form, "quantity": self.quantity,
                "received": self.received}


@dataclass(frozen=True)
class Intake:
    """What the clerk fills in at the counter. `documents=None` takes the procedure's list,
    all ticked as received."""

    procedure_code: str
    submitter: Person
    owner: Person | None = None  # None: the submitter is the owner
    owner_kind: int = OWNER_CITIZEN
    documents: Sequence[DocumentItem] | None = None
    sets: int = 1
    summary: str = ""  # TrichYeuHoSo; empty: the procedure name
    notes: str = ""
    area: str = ""  # Địa bàn phát sinh (village / residential group)
    ticket_id: int | None = None
    result_place: str | None = None  # None: configuration, else the catalog
    deciding_unit_code: str | None = None  # None: configuration (the office itself)
    deciding_unit_name: str | None = None


@dataclass(frozen=True)
class StatusChange:
    uid: str
    from_status: DossierStatus | None
    to_status: DossierStatus
    at: datetime
    clerk: str
    reason: str | None

    def as_json(self) -> dict[str, Any]:
        return {"uid": self.uid,
                "from": int(self.from_status) if self.from_status is not None else None,
                "to": int(self.to_status), "at": self.at.isoformat(), "clerk": self.clerk,
                "reason": self.reason}


@dataclass(frozen=True)
class Dossier:
    id: int
    uid: str
    code: str
    unit_code: str  # receiving unit
    receiving_unit_name: str
    deciding_unit_code: str
    deciding_unit_name: str
    procedure_code: str
    procedure_name: str
    field_code: str
    field_name: str
    processing_days: int
    submitter: Person
    owner: Person | None
    owner_kind: int
    documents: tuple[DocumentItem, ...]
    sets: int
    summary: str
    notes: str
    area: str
    result_place: str
    received_at: datetime
    appointment_date: date
    status: DossierStatus
    status_reason: str | None
    finished_at: datetime | None
    returned_at: datetime | None
    on_time: bool | None
    clerk: str
    station_id: str
    ticket_id: int | None
    purged_at: datetime | None
    updated_at: datetime
    history: tuple[StatusChange, ...] = field(default=())

    @property
    def short_code(self) -> str | None:
        """The receipt's short look-up code (kiosk/dossiers/shortcode.py), from the code."""
        from kiosk.dossiers.shortcode import short_code_of

        return short_code_of(self.code)

    @property
    def holder(self) -> Person:
        """The dossier owner (chủ hồ sơ): the owner if one was given, else the submitter."""
        return self.owner if self.owner is not None else self.submitter

    @property
    def purged(self) -> bool:
        return self.purged_at is not None

    def as_json(self) -> dict[str, Any]:
        def ts(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "code": self.code, "uid": self.uid,
            "receiving_unit": {"code": self.unit_code, "name": self.receiving_unit_name},
            "deciding_unit": {"code": self.deciding_unit_code, "name": self.deciding_unit_name},
            "procedure": {"code": self.procedure_code, "name": self.procedure_name,
                          "field_code": self.field_code, "field_name": self.field_name,
                          "processing_days": self.processing_days},
            "submitter": self.submitter.as_json(),
            "owner": self.owner.as_json() if self.owner else None,
            "owner_kind": self.owner_kind,
            "documents": [d.as_json() for d in self.documents],
            "sets": self.sets, "summary": self.summary, "notes": self.notes, "area": self.area,
            "result_place": self.result_place,
            "received_at": ts(self.received_at),
            "appointment_date": self.appointment_date.isoformat(),
            "status": int(self.status), "status_label": self.status.label_vi,
            "status_reason": self.status_reason,
            "finished_at": ts(self.finished_at), "returned_at": ts(self.returned_at),
            "on_time": self.on_time, "clerk": self.clerk, "station": self.station_id,
            "ticket_id": self.ticket_id, "purged_at": ts(self.purged_at),
            "updated_at": ts(self.updated_at),
            "history": [h.as_json() for h in self.history],
        }
