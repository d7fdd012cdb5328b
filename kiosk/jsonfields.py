"""Fields of a JSON record another station sent, read within bounds (the office hub).

kiosk/jsonlimits.py parses the body; these read one field of the parsed object. Each helper
either returns a value the hub may store or raises FieldRejected, a ValueError whose message
names the field and the rule, never the value (values may be personal data). The office feed
(kiosk/officefeed/records.py) and the office dossier book (kiosk/dossiers/book.py) share them,
so a forwarded record and a dossier change are held to the same rules:

- text is text (no number standing in for it), bounded, with control characters made spaces
  (a newline, an escape sequence) and invisible format characters dropped; multi-line text
  (a clerk's notes) keeps its line breaks, tabs and spacing;
- times are ISO 8601 with a UTC offset, dates YYYY-MM-DD;
- whole numbers are ints (never a bool) within a range;
- a dossier code is one this office can have given: its own unit, dated from
  EARLIEST_CODE_DAY to tomorrow, numbered with at most MAX_SEQ_DIGITS digits.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.scanning.parse import DOSSIER_CODE_RE

MAX_SEQ_DIGITS = 6
EARLIEST_CODE_DAY = date(2020, 1, 1)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class FieldRejected(ValueError):
    """A field the hub cannot store (the reason names the field, never a value)."""


def text_field(data: dict[str, Any], name: str, *, optional: bool = False) -> str | None:
    """data[name] as it is: text, or None when optional and missing/null."""
    value = data.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise FieldRejected(f"{name} must be text")
    return value


def clean_text(value: str, name: str, limit: int, *, multiline: bool = False) -> str:
    """`value` with control characters made spaces and format characters dropped, runs of
    white space made one space, at most `limit` characters afterwards. Multi-line text (a
    clerk's notes, as typed) keeps its line breaks, tabs and spacing; only its ends are
    stripped."""
    kept = []
    for c in value:
        category = unicodedata.category(c)
        if multiline and c in "\n\r\t":
            kept.append(c)
        elif category == "Cc":
            kept.append(" ")
        elif not category.startswith("C"):
            kept.append(c)
    text = "".join(kept)
    text = text.strip() if multiline else " ".join(text.split())
    if len(text) > limit:
        raise FieldRejected(f"{name} must be at most {limit} characters")
    return text


def free_text(data: dict[str, Any], name: str, limit: int, *, optional: bool = False,
              multiline: bool = False) -> str | None:
    """data[name] as bounded, cleaned text (clean_text); None when optional and missing."""
    value = text_field(data, name, optional=optional)
    if value is None:
        return None
    return clean_text(value, name, limit, multiline=multiline)


def time_field(data: dict[str, Any], name: str, *, optional: bool = False) -> datetime | None:
    """data[name] as an aware datetime (ISO 8601 with a UTC offset)."""
    value = text_field(data, name, optional=optional)
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value) if len(value) <= 64 else None
    except ValueError:
        at = None
    if at is None or at.tzinfo is None or at.utcoffset() is None:
        raise FieldRejected(f"{name} must be an ISO 8601 time with a UTC offset")
    return at


def date_field(data: dict[str, Any], name: str, *, optional: bool = False) -> date | None:
    """data[name] as a date written YYYY-MM-DD."""
    value = text_field(data, name, optional=optional)
    if value is None:
        return None
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError("not YYYY-MM-DD")
        return date.fromisoformat(value)
    except ValueError:
        raise FieldRejected(f"{name} must be a date (YYYY-MM-DD)") from None


def whole_number(data: dict[str, Any], name: str, low: int, high: int, *,
                 optional: bool = False) -> int | None:
    """data[name] as an int from `low` to `high` (a bool is not a number)."""
    value = data.get(name)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FieldRejected(f"{name} must be a whole number from {low} to {high}")
    return value


def object_field(data: dict[str, Any], name: str, *, optional: bool = False
                 ) -> dict[str, Any] | None:
    """data[name] as a JSON object."""
    value = data.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, dict):
        raise FieldRejected(f"{name} must be an object")
    return value


def check_dossier_code(code: str, unit_code: str, tz: ZoneInfo, now: datetime) -> date:
    """A code this office can have given: its own unit, dated no later than tomorrow and not
    before EARLIEST_CODE_DAY, numbered with at most MAX_SEQ_DIGITS digits. Returns its day."""
    match = DOSSIER_CODE_RE.fullmatch(code)
    if match is None:
        raise FieldRejected("code must be a dossier code (UNIT-YYMMDD-NNNN)")
    if match["unit"] != unit_code.strip().upper():
        raise FieldRejected("code is not of this office's unit")
    if len(match["seq"]) > MAX_SEQ_DIGITS:
        raise FieldRejected(f"code's number has more than {MAX_SEQ_DIGITS} digits")
    try:
        day = datetime.strptime(match["date"], "%y%m%d").date()
    except ValueError:
        raise FieldRejected("code has no valid date") from None
    if day > now.astimezone(tz).date() + timedelta(days=1):
        raise FieldRejected("code is dated in the future")
    if day < EARLIEST_CODE_DAY:
        raise FieldRejected(f"code is dated before {EARLIEST_CODE_DAY.year}")
    return day
