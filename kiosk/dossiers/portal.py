"""Mapping a dossier to the national public-service portal's record fields (for the city sync).

This is the only place that knows the portal's field names; the city server passes the record
on. No public API of Hà Nội's own system is known (domain.md), so the shape follows the national
portal's published field list; fields that do not apply yet are sent as empty strings, as that
system does, rather than left out.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from kiosk.dossiers.models import Dossier
from kiosk.dossiers.procedures import FORM_LABELS_VI

#: KenhThucHien: 1 direct (at the counter), 2 online, 3 postal. Everything taken here is direct.
CHANNEL_DIRECT = 1

#: The portal's NgayHenTra is a timestamp; an appointment is a day, due by the end of office
#: hours, so a result handed over any time that day counts as on time.
APPOINTMENT_TIME = time(17, 0)


def portal_time(value: datetime | date | None, tz: Any = None) -> str:
    """`yyyyMMddHHmmss` in office local time; "" for a missing value."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        value = datetime.combine(value, APPOINTMENT_TIME, tzinfo=tz)
    elif tz is not None:
        value = value.astimezone(tz)
    return value.strftime("%Y%m%d%H%M%S")


def portal_record(dossier: Dossier) -> dict[str, Any]:
    """The national portal's record for `dossier`, dates as yyyyMMddHHmmss (local time)."""
    tz = dossier.received_at.tzinfo
    holder = dossier.holder
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": dossier.procedure_code,
        "TenTTHC": dossier.procedure_name,
        "MaLinhVuc": dossier.field_code,
        "TenLinhVuc": dossier.field_name,
        "KenhThucHien": CHANNEL_DIRECT,
        "ChuHoSo": holder.name,
        "SoGiayToChuHoSo": holder.id_number,
        "LoaiDoiTuong": dossier.owner_kind,
        # Contact details are the submitter's: the person the office calls back.
        "SoDienThoai": dossier.submitter.phone,
        "Email": dossier.submitter.email,
        "TrichYeuHoSo": dossier.summary or dossier.procedure_name,
        "NgayTiepNhan": portal_time(dossier.received_at, tz),
        "NgayHenTra": portal_time(dossier.appointment_date, tz),
        "TrangThaiHoSo": str(int(dossier.status)),
        "NgayTra": portal_time(dossier.returned_at, tz),
        "NgayKetThucXuLy": portal_time(dossier.finished_at, tz),
        "DonViXuLy": dossier.deciding_unit_name,
        "TaiLieuNop": [
            {
                "TenTepDinhKem": doc.name,
                "HinhThuc": FORM_LABELS_VI[doc.form],
                "SoLuong": doc.quantity,
                "DaNop": doc.received,
            }
            for doc in dossier.documents
        ],
    }
