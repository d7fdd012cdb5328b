"""Ticket numbers: per service, per local day, restarting at local midnight."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def local_now(tz: str) -> datetime:
    return datetime.now(ZoneInfo(tz))


def local_day(at: datetime, tz: str) -> date:
    """The office's calendar day for an instant; never the UTC day (a peer system's bug)."""
    if at.tzinfo is None:
        raise ValueError("local_day needs a timezone-aware datetime")
    return at.astimezone(ZoneInfo(tz)).date()


def format_number(prefix: str, seq: int) -> str:
    """A001 … A999, then A1000: never wraps, so a number is never repeated within a day."""
    if seq < 1:
        raise ValueError("ticket sequence starts at 1")
    return f"{prefix}{seq:03d}"
