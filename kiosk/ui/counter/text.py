"""Text helpers of the counter window: accent-insensitive matching, dates as clerks type them.

Plain Python, no Qt, so the search rules can be tested on their own.
"""

from __future__ import annotations

import re
from datetime import date, datetime

# The picker, the form and tests use these from here.
from kiosk.dossiers.checks import GENDER_VI  # noqa: F401
from kiosk.dossiers.ranking import fold  # noqa: F401


def matches(query: str, haystack: str) -> bool:
    """Every word of `query` occurs in `haystack`, both folded. An empty query matches all."""
    hay = fold(haystack)
    return all(word in hay for word in fold(query).split())


_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d%m%Y", "%Y-%m-%d")


def parse_day(text: str) -> date | None:
    """A date typed as dd/mm/yyyy (also dd-mm-yyyy, ddmmyyyy like the ID card, or ISO).
    None when empty or not a real date."""
    text = re.sub(r"\s+", "", text)
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def day_text(d: date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else ""


def when_text(at: datetime | None) -> str:
    return f"{at:%H:%M %d/%m/%Y}" if at else ""


def weekday_text(d: date) -> str:
    """"Thứ Sáu, 13/02/2026": how appointment dates are read out to citizens."""
    from kiosk.calendar.working_days import weekday_vi

    return f"{weekday_vi(d)}, {d:%d/%m/%Y}"
