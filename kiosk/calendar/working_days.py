"""Working days and appointment dates ("hẹn trả kết quả"). Plain Python, no Qt.

Rules, as decided for this project (domain.md "Appointment dates"):
- A working (processing) day is Monday-Friday, not a public holiday. Public holidays come from
  the `holidays` package for Vietnam, including Tết and the government's substitute days off;
  Saturdays the government moves a working day to ("làm bù", e.g. Sat 22 Aug 2026, which the
  package reports as `weekend_workdays`) are working days.
- Local overrides win over the package in both directions: `extra_holidays` are days off,
  `extra_working_days` are working days (a make-up Saturday the package does not know, or a
  package holiday the government did not in fact give). A date in both is a configuration error.
- Saturday-morning reception (`saturday_morning`) is a convenience for RECEIVING only
  (`is_reception_day`): Saturday is never a processing day, so a dossier received on Saturday
  counts as received on the next working day, exactly like one received on Friday after the
  cut-off. This keeps the rule monotonic (filing later never gives an earlier appointment).
  `saturday_cutoff` (default 12:00) only says when Saturday reception ends
  (`is_reception_time`); it does not change appointment dates.
- Cut-off: received AT or after the cut-off time (default 15:00) counts as received on the next
  working day. 15:00:00 exactly is after the cut-off: the clerk's clock says "15:00".
- Received on a non-working day: counts as received on the next working day.
- Counting starts on the working day after the (effective) receipt day; the appointment is the
  Nth counted working day.
- `days == 0` ("trả ngay"): the appointment is the effective receipt day itself, i.e. the same
  day when received on a working day before the cut-off, otherwise the next working day (a
  result handed over on the spot, on a Saturday say, is then simply early).
- Naive datetimes are office local time (`timezone`, Asia/Ho_Chi_Minh by default); aware ones
  are converted to it first, so a UTC timestamp from the database lands on the right day.
"""

from __future__ import annotations

import bisect
import functools
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

SATURDAY = 5
MAX_DAYS = 3660  # ten years: far beyond any procedure; no working day within it is an error
# Years the calculation is meant for: the holiday rules of the package start in the 1990s, and a
# receipt dated far outside this range is a typing or clock error, not a dossier.
YEARS = range(1995, 2200)


@dataclass(frozen=True)
class CalendarRules:
    saturday_morning: bool = False
    cutoff: time = time(15, 0)
    saturday_cutoff: time = time(12, 0)
    extra_holidays: frozenset[date] = field(default_factory=frozenset)
    extra_working_days: frozenset[date] = field(default_factory=frozenset)
    timezone: str = "Asia/Ho_Chi_Minh"

    def __post_init__(self) -> None:
        both = self.extra_holidays & self.extra_working_days
        if both:
            first = min(both).isoformat()
            raise ValueError(f"{first} is listed both as a holiday and as a working day")
        try:  # fail at construction, not in the middle of a calculation
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {self.timezone!r}") from None

    @property
    def key(self) -> str:
        """Everything that decides a working day and a local day under these rules, the
        national holidays' source included: what is counted by them and kept (the statistics
        of an archived year) is counted again when it changes."""
        def text(value: object) -> str:
            if isinstance(value, frozenset):
                return ",".join(sorted(text(v) for v in value))
            return value.isoformat() if isinstance(value, date | time) else str(value)

        return "|".join([*(f"{f.name}={text(getattr(self, f.name))}" for f in fields(self)),
                         f"holidays {getattr(holidays, '__version__', '?')}"])

    @classmethod
    def from_config(cls, config: Any) -> CalendarRules:
        """The station's rules: its [calendar] section and office time zone."""
        c = config.calendar
        return cls.from_settings(
            saturday_morning=c.saturday_morning, cutoff=c.cutoff,
            saturday_cutoff=c.saturday_cutoff, holiday_overrides=c.holiday_overrides,
            working_day_overrides=c.working_day_overrides, timezone=config.office.timezone)

    @classmethod
    def from_settings(
        cls,
        *,
        saturday_morning: bool = False,
        cutoff: str = "15:00",
        saturday_cutoff: str = "12:00",
        holiday_overrides: Iterable[str] = (),
        working_day_overrides: Iterable[str] = (),
        timezone: str = "Asia/Ho_Chi_Minh",
    ) -> CalendarRules:
        """Build from configuration values as written in the TOML file ("HH:MM", ISO dates).
        Raises ValueError naming the bad value."""
        return cls(
            saturday_morning=saturday_morning,
            cutoff=parse_time_of_day(cutoff),
            saturday_cutoff=parse_time_of_day(saturday_cutoff),
            extra_holidays=frozenset(parse_iso_dates(holiday_overrides)),
            extra_working_days=frozenset(parse_iso_dates(working_day_overrides)),
            timezone=timezone,
        )


@dataclass(frozen=True)
class Appointment:
    received_as: date  # the day the dossier counts as received (after cut-off/closed-day rules)
    counted_from: date | None  # first counted working day; None when days == 0
    due: date  # the appointment date


def parse_time_of_day(value: str) -> time:
    try:
        hh, mm = value.strip().split(":")
        if len(mm) != 2:
            raise ValueError
        return time(int(hh), int(mm))
    except ValueError:
        raise ValueError(f"time {value!r} is not HH:MM such as '15:00'") from None


def parse_iso_dates(values: Iterable[str]) -> list[date]:
    out = []
    for v in values:
        try:
            out.append(date.fromisoformat(v.strip()))
        except ValueError:
            raise ValueError(f"date {v!r} is not YYYY-MM-DD such as '2026-02-14'") from None
    return out


def check_time_of_day(value: str) -> str | None:
    """For config.py's `check=`: a problem description, or None."""
    try:
        parse_time_of_day(value)
    except ValueError as exc:
        return str(exc)
    return None


def check_iso_dates(values: Iterable[str]) -> str | None:
    """For config.py's `check=`: a problem description, or None."""
    try:
        parse_iso_dates(values)
    except ValueError as exc:
        return str(exc)
    return None


_VIETNAM = "holidays.countries.vietnam"


@functools.cache
def _vietnam() -> type[holidays.HolidayBase]:
    """The package's Vietnam class, its module loaded alone: `holidays.country_holidays` first
    imports `holidays.countries`, whose __init__ imports the module of every country (~0.1 s
    of each process that counts working days: a report, a counter's start). Loaded the usual
    way when the module cannot be found alone (another packaging of the package)."""
    module = sys.modules.get(_VIETNAM)
    if module is None:
        where = [os.path.join(p, "countries") for p in getattr(holidays, "__path__", ())]
        spec = importlib.machinery.PathFinder.find_spec(_VIETNAM, where) if where else None
        if spec is None or spec.loader is None:
            return type(holidays.country_holidays("VN"))
        module = importlib.util.module_from_spec(spec)
        # Registered: `holidays.countries`, when something imports it later, takes this one.
        sys.modules[_VIETNAM] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(_VIETNAM, None)
            raise
    return module.Vietnam


@functools.lru_cache(maxsize=64)
def _package_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    # Next year is loaded too: a make-up Saturday can be declared with the following year's
    # holidays (e.g. 27 Dec 2014 for 2 Jan 2015).
    vn = _vietnam()(years=(year, year + 1))
    days_off = frozenset(d for d in vn if d.year == year)
    make_up = frozenset(d for d in vn.weekend_workdays if d.year == year)
    return days_off, make_up


def package_holidays(year: int, language: str = "vi") -> dict[date, str]:
    """The package's holiday list for a year with names (for display and checking)."""
    return dict(sorted(_vietnam()(years=year, language=language).items()))


def package_make_up_days(year: int) -> frozenset[date]:
    """Weekend days the package knows the government turned into working days."""
    return _package_year(year)[1]


def is_working_day(d: date, rules: CalendarRules) -> bool:
    """A processing day: counts towards appointment dates (never a plain Saturday)."""
    if d in rules.extra_working_days:
        return True
    if d in rules.extra_holidays:
        return False
    days_off, make_up = _package_year(d.year)
    if d.weekday() >= SATURDAY:
        return d in make_up
    return d not in days_off


def is_reception_day(d: date, rules: CalendarRules) -> bool:
    """The office takes dossiers that day: working days, plus Saturdays that are not holidays
    when Saturday-morning reception is on."""
    if is_working_day(d, rules):
        return True
    return (rules.saturday_morning and d.weekday() == SATURDAY
            and d not in rules.extra_holidays and d not in _package_year(d.year)[0])


def is_reception_time(at: datetime, rules: CalendarRules) -> bool:
    """Dossiers may be taken at this moment as far as the calendar goes: any time of a working
    day (opening hours are the queue's business), a reception Saturday before
    `saturday_cutoff`."""
    local = local_datetime(at, rules)
    if is_working_day(local.date(), rules):
        return True
    return (is_reception_day(local.date(), rules)
            and local.time().replace(tzinfo=None) < rules.saturday_cutoff)


def next_working_day(d: date, rules: CalendarRules) -> date:
    """The first working day strictly after `d`."""
    return add_working_days(d, 1, rules)


def _day_of_year(d: date) -> int:
    return d.toordinal() - date(d.year, 1, 1).toordinal() + 1


@functools.lru_cache(maxsize=512)
def _year_counts(year: int, rules: CalendarRules) -> tuple[int, ...]:
    """counts[k]: the working days among the first k days of `year` (counts[0] == 0), so
    that counting and adding working days look up a year at a time instead of a day at a
    time: a dossier waiting two years for a supplement is one look-up, not 500 steps."""
    counts = [0]
    day = date(year, 1, 1)
    while day.year == year:
        counts.append(counts[-1] + is_working_day(day, rules))
        if day == date.max:
            break
        day += timedelta(days=1)
    return tuple(counts)


def _reaching(year: int, counts: tuple[int, ...], count: int) -> date:
    """The first day of `year` by which `count` working days are counted (_year_counts)."""
    return date(year, 1, 1) + timedelta(days=bisect.bisect_left(counts, count) - 1)


def add_working_days(d: date, n: int, rules: CalendarRules) -> date:
    """The n-th working day strictly after `d` (`d` itself for n <= 0): next_working_day
    applied n times. ValueError when a step finds no working day within MAX_DAYS (the
    overrides leave none) or the calendar ends."""
    if n <= 0:
        return d
    year = d.year
    base = _year_counts(year, rules)[_day_of_year(d)]
    last = d  # the day the next step starts from: each finds a working day within MAX_DAYS
    while True:
        counts = _year_counts(year, rules)
        if counts[-1] > base:  # working days in what is left of this year
            if (_reaching(year, counts, base + 1) - last).days > MAX_DAYS:
                break
            if counts[-1] - base >= n:
                return _reaching(year, counts, base + n)
            n -= counts[-1] - base
            last = _reaching(year, counts, counts[-1])
        if year >= date.max.year or (date(year + 1, 1, 1) - last).days > MAX_DAYS:
            break
        year, base = year + 1, 0
    raise ValueError("no working day found within ten years: check the calendar overrides")


def local_datetime(received: datetime, rules: CalendarRules) -> datetime:
    tz = ZoneInfo(rules.timezone)
    if received.tzinfo is None:
        return received.replace(tzinfo=tz)
    return received.astimezone(tz)


def received_as(received: datetime, rules: CalendarRules) -> date:
    """The day a dossier counts as received on, after the cut-off and closed-day rules."""
    local = local_datetime(received, rules)
    return _received_on(local.date(), local.time().replace(tzinfo=None) < rules.cutoff, rules)


@functools.lru_cache(maxsize=4096)
def _received_on(day: date, before_cutoff: bool, rules: CalendarRules) -> date:
    # Kept: a year's results ask it for every dossier, on a few hundred days.
    if before_cutoff and is_working_day(day, rules):
        return day
    return next_working_day(day, rules)


def plan_appointment(received: datetime, days: int, rules: CalendarRules) -> Appointment:
    """Receipt day, first counted day and appointment date for a processing time in working
    days."""
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
        raise ValueError(f"processing time must be 0 to {MAX_DAYS} working days, not {days!r}")
    year = local_datetime(received, rules).year
    if year not in YEARS:
        raise ValueError(f"received year {year} is outside {YEARS.start}-{YEARS.stop - 1}")
    start = received_as(received, rules)
    if days == 0:
        return Appointment(start, None, start)
    return Appointment(start, next_working_day(start, rules),
                       add_working_days(start, days, rules))


def appointment_date(received: datetime, days: int, rules: CalendarRules) -> date:
    """The appointment date: the `days`-th working day counted after the receipt day."""
    return plan_appointment(received, days, rules).due


def working_days_between(a: date, b: date, rules: CalendarRules) -> int:
    """Working days d with a < d <= b; negative (the same count) when b is before a.

    So working_days_between(received_as, due) == days, and for an on-time check
    working_days_between(due, finished) > 0 is the number of working days late."""
    if b < a:
        return -working_days_between(b, a, rules)
    count = -_year_counts(a.year, rules)[_day_of_year(a)]
    for year in range(a.year, b.year):
        count += _year_counts(year, rules)[-1]
    return count + _year_counts(b.year, rules)[_day_of_year(b)]


def weekday_vi(d: date) -> str:
    return ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")[d.weekday()]
