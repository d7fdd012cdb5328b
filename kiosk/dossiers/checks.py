"""What the typed parts of an intake must look like, and the submitter a scanned ID card gives.

The counter window's form and `kiosk dossier intake` check the same way with these; the desk
(kiosk/dossiers/intake.py) then checks the intake as a whole.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from kiosk.dossiers.models import InvalidIntake, Person

#: A phone number once spaces and dots are dropped: 8 to 12 digits, a leading + allowed.
PHONE_RE = re.compile(r"\+?[0-9]{8,12}")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
#: A 12-digit ID number, a 9-digit old CMND, or a passport-like number.
ID_NUMBER_RE = re.compile(r"[0-9]{9,12}|[A-Za-z0-9]{6,15}")
#: The parser's gender values and the desk's.
GENDER_VI = {"male": "Nam", "female": "Nữ"}


def clean_phone(text: str) -> str:
    """The phone number as stored ('' when none); InvalidIntake when it is not one."""
    phone = re.sub(r"[ .]", "", text or "")
    if phone and not PHONE_RE.fullmatch(phone):
        raise InvalidIntake("Số điện thoại không hợp lệ (8 đến 12 chữ số).",
                            "the phone number is not 8 to 12 digits")
    return phone


def clean_email(text: str) -> str:
    """The e-mail address as stored ('' when none); InvalidIntake when it is not one."""
    email = (text or "").strip()
    if email and not EMAIL_RE.fullmatch(email):
        raise InvalidIntake("Địa chỉ email không hợp lệ.", "the e-mail address is not valid")
    return email


def person_from_cccd(fields: dict[str, Any], *, phone: str = "", email: str = "") -> Person:
    """The submitter from a parsed ID card QR (kiosk.scanning parse_scan fields)."""
    dob = fields.get("date_of_birth")
    return Person(name=fields.get("full_name") or "", id_number=fields.get("id_number") or "",
                  birth_date=date.fromisoformat(dob) if dob else None,
                  gender=GENDER_VI.get(fields.get("gender") or "", ""),
                  address=fields.get("address") or "", phone=clean_phone(phone),
                  email=clean_email(email))
