"""Working days and appointment dates."""

import json
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.calendar import (
    CalendarRules,
    appointment_date,
    is_reception_day,
    is_reception_time,
    is_working_day,
    plan_appointment,
    received_as,
    working_days_between,
)
from kiosk.calendar.working_days import check_iso_dates, check_time_of_day, package_holidays

RULES = CalendarRules()
SATURDAY_RECEPTION = CalendarRules(saturday_morning=True)


def due(iso: str, days: int, rules: CalendarRules = RULES) -> str:
    return appointment_date(datetime.fromisoformat(iso), days, rules).isoformat()


def test_domain_examples_across_tet_2026():
    # Thu 12 Feb; Fri 13 is day 1; Tết closes 16-20 Feb; Mon 23 is day 2, Tue 24 day 3.
    assert due("2026-02-12T09:00", 3) == "2026-02-24"
    # After the cut-off it counts as received on Fri 13, so counting starts on Mon 23.
    assert due("2026-02-12T16:00", 3) == "2026-02-25"
    plan = plan_appointment(datetime(2026, 2, 12, 16), 3, RULES)
    assert (plan.received_as, plan.counted_from) == (date(2026, 2, 13), date(2026, 2, 23))


def test_cut_off_is_inclusive():
    assert due("2026-03-04T14:59:59", 1) == "2026-03-05"  # Wed, before 15:00
    assert due("2026-03-04T15:00", 1) == "2026-03-06"  # 15:00 itself counts as next day
    assert due("2026-03-04T16:29", 1, CalendarRules(cutoff=time(16, 30))) == "2026-03-05"


def test_weekends():
    assert due("2026-03-06T09:00", 1) == "2026-03-09"  # Fri -> Mon
    assert due("2026-03-06T15:30", 1) == "2026-03-10"  # Fri late = Mon -> Tue
    assert due("2026-03-07T09:00", 1) == "2026-03-10"  # Sat = Mon -> Tue
    assert due("2026-03-08T09:00", 5) == "2026-03-16"  # Sun = Mon -> next Mon


def test_saturday_morning_reception_is_reception_not_processing():
    sat = date(2026, 3, 7)
    assert is_reception_day(sat, SATURDAY_RECEPTION)
    assert not is_working_day(sat, SATURDAY_RECEPTION)
    assert not is_reception_day(sat, RULES)
    # Received on Saturday morning: counts as received on Monday, like Friday after 15:00, so
    # filing later never gives an earlier appointment.
    assert due("2026-03-07T10:00", 1, SATURDAY_RECEPTION) == "2026-03-10"
    assert due("2026-03-06T16:00", 1, SATURDAY_RECEPTION) == "2026-03-10"
    assert due("2026-03-07T10:00", 0, SATURDAY_RECEPTION) == "2026-03-09"
    # The Saturday cut-off only ends reception; it does not move appointments.
    assert is_reception_time(datetime(2026, 3, 7, 11, 59), SATURDAY_RECEPTION)
    assert not is_reception_time(datetime(2026, 3, 7, 12, 0), SATURDAY_RECEPTION)
    assert not is_reception_time(datetime(2026, 3, 7, 9, 0), RULES)
    assert not is_reception_time(datetime(2026, 3, 8, 9, 0), SATURDAY_RECEPTION)
    assert is_reception_time(datetime(2026, 3, 6, 16, 0), RULES)
    # A make-up Saturday is a full working day with the ordinary cut-off.
    assert due("2026-08-22T10:00", 1, SATURDAY_RECEPTION) == "2026-08-24"


def test_saturday_reception_is_closed_on_a_holiday_saturday():
    lny_2027 = date(2027, 2, 6)  # Saturday, Lunar New Year's Day
    assert not is_reception_day(lny_2027, SATURDAY_RECEPTION)
    extra = CalendarRules(saturday_morning=True, extra_holidays=frozenset({date(2026, 3, 7)}))
    assert not is_reception_day(date(2026, 3, 7), extra)


def test_zero_days_is_the_same_day_before_the_cut_off():
    assert due("2026-03-04T09:00", 0) == "2026-03-04"
    assert due("2026-03-04T15:00", 0) == "2026-03-05"
    assert due("2026-03-08T09:00", 0) == "2026-03-09"  # Sunday -> Monday
    plan = plan_appointment(datetime(2026, 3, 4, 9), 0, RULES)
    assert plan.counted_from is None


def test_tet_and_make_up_days_from_the_holidays_package():
    for d in range(16, 21):
        assert not is_working_day(date(2026, 2, d), RULES)
    for d in (4, 5, 8, 9, 10):
        assert not is_working_day(date(2027, 2, d), RULES)
    assert is_working_day(date(2026, 2, 13), RULES)
    assert is_working_day(date(2027, 2, 11), RULES)
    # The government moved the working day of Mon 31 Aug 2026 to Sat 22 Aug.
    assert not is_working_day(date(2026, 8, 31), RULES)
    assert is_working_day(date(2026, 8, 22), RULES)
    assert due("2026-08-21T09:00", 1) == "2026-08-22"
    # The 2027 Tết break as domain.md lists it (4-10 Feb), weekend included.
    assert {d for d in package_holidays(2027) if d.month == 2} == {
        date(2027, 2, d) for d in range(4, 11)}


def test_overrides_win_over_the_package_both_ways():
    rules = CalendarRules(extra_holidays=frozenset({date(2026, 3, 5)}),
                          extra_working_days=frozenset({date(2026, 3, 7), date(2026, 2, 20)}))
    assert not is_working_day(date(2026, 3, 5), rules)
    assert is_working_day(date(2026, 3, 7), rules)  # a make-up Saturday
    assert is_working_day(date(2026, 2, 20), rules)  # a package holiday not given after all
    assert due("2026-03-04T09:00", 2, rules) == "2026-03-07"
    # Received during Tết: counts as received on Fri 20 (now working), Mon 23 is day 1.
    assert received_as(datetime(2026, 2, 19, 9), rules) == date(2026, 2, 20)
    assert due("2026-02-19T09:00", 1, rules) == "2026-02-23"


def test_overrides_from_settings_and_their_errors():
    rules = CalendarRules.from_settings(saturday_morning=True, cutoff="16:30",
                                        saturday_cutoff="11:30",
                                        holiday_overrides=["2026-03-05"],
                                        working_day_overrides=["2026-03-07"])
    assert (rules.cutoff, rules.saturday_cutoff) == (time(16, 30), time(11, 30))
    assert rules.extra_holidays == frozenset({date(2026, 3, 5)})
    with pytest.raises(ValueError, match="both"):
        CalendarRules.from_settings(holiday_overrides=["2026-03-05"],
                                    working_day_overrides=["2026-03-05"])
    with pytest.raises(ValueError, match="HH:MM"):
        CalendarRules.from_settings(cutoff="3pm")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        CalendarRules.from_settings(holiday_overrides=["05/03/2026"])
    assert check_time_of_day("15:00") is None and check_time_of_day("25:00")
    assert check_iso_dates(["2026-01-02"]) is None and check_iso_dates(["2026-02-30"])


def test_time_zones():
    # 08:30 UTC is 15:30 in Hà Nội: after the cut-off, like the 16:00 example.
    utc = datetime(2026, 2, 12, 8, 30, tzinfo=UTC)
    assert appointment_date(utc, 3, RULES) == date(2026, 2, 25)
    # 23:30 UTC on Sunday is 06:30 Monday in Hà Nội.
    assert received_as(datetime(2026, 3, 8, 23, 30, tzinfo=UTC), RULES) == \
        date(2026, 3, 9)


def test_bad_day_counts():
    for days in (-1, 10_000, 1.5, True):
        with pytest.raises(ValueError):
            appointment_date(datetime(2026, 3, 4, 9), days, RULES)


def test_working_days_between():
    assert working_days_between(date(2026, 2, 12), date(2026, 2, 24), RULES) == 3
    assert working_days_between(date(2026, 2, 24), date(2026, 2, 12), RULES) == -3
    assert working_days_between(date(2026, 3, 4), date(2026, 3, 4), RULES) == 0
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 8), RULES) == 0  # weekend


@settings(max_examples=100, deadline=None)
@given(received=st.datetimes(datetime(2025, 1, 1), datetime(2028, 12, 31)),
       days=st.integers(0, 40), saturday=st.booleans())
def test_appointment_is_the_nth_working_day(received, days, saturday):
    rules = CalendarRules(saturday_morning=saturday)
    plan = plan_appointment(received, days, rules)
    assert plan.received_as >= received.date()
    assert working_days_between(plan.received_as, plan.due, rules) == days
    if days:
        assert is_working_day(plan.due, rules) and is_working_day(plan.counted_from, rules)
        assert working_days_between(plan.received_as, plan.counted_from, rules) == 1
        # One more day of processing time never gives an earlier appointment.
        later = plan_appointment(received, days + 1, rules).due
        assert later > plan.due
    # Received a moment later never makes the appointment earlier.
    assert appointment_date(received + timedelta(minutes=1), days, rules) >= plan.due


def _day_by_day_between(a: date, b: date, rules: CalendarRules) -> int:
    sign, (lo, hi) = (1, (a, b)) if a <= b else (-1, (b, a))
    return sign * sum(is_working_day(lo + timedelta(days=i), rules)
                      for i in range(1, (hi - lo).days + 1))


def _day_by_day_add(d: date, n: int, rules: CalendarRules) -> date:
    for _ in range(n):
        d += timedelta(days=1)
        while not is_working_day(d, rules):
            d += timedelta(days=1)
    return d


_NEAR = st.dates(date(2024, 1, 1), date(2028, 12, 31))


@settings(max_examples=300, deadline=None)
@given(a=_NEAR, span=st.integers(-800, 800), n=st.integers(0, 800),
       holidays=st.frozensets(_NEAR, max_size=30), working=st.frozensets(_NEAR, max_size=30))
def test_counting_and_adding_working_days_agree_with_a_day_by_day_count(a, span, n, holidays,
                                                                          working):
    """Counts and sums are looked up a year at a time (a dossier paused for two years costs
    one look-up): the same answers as walking the days, across years and overrides."""
    from kiosk.calendar import add_working_days, next_working_day

    rules = CalendarRules(extra_holidays=holidays, extra_working_days=working - holidays)
    b = a + timedelta(days=span)
    assert working_days_between(a, b, rules) == _day_by_day_between(a, b, rules)
    assert add_working_days(a, n, rules) == _day_by_day_add(a, n, rules)
    assert next_working_day(a, rules) == _day_by_day_add(a, 1, rules)
    assert working_days_between(a, add_working_days(a, n, rules), rules) == n


def test_adding_working_days_stops_where_none_are_left():
    from kiosk.calendar import add_working_days, next_working_day

    closed = CalendarRules(extra_holidays=frozenset(
        date(2030, 1, 1) + timedelta(days=i) for i in range(366 * 12)))
    with pytest.raises(ValueError, match="ten years"):
        next_working_day(date(2029, 12, 31), closed)
    with pytest.raises(ValueError, match="ten years"):
        add_working_days(date(9999, 12, 1), 30, RULES)
    # Each step finds its working day within MAX_DAYS (3,660 days), wherever the years turn.
    for start in (date(2025, 1, 2), date(2025, 12, 31)):
        for gap, found in ((3660, True), (3661, False)):
            rules = CalendarRules(extra_holidays=frozenset(
                start + timedelta(days=i) for i in range(1, gap)))
            if found:
                assert next_working_day(start, rules) == start + timedelta(days=gap)
            else:
                with pytest.raises(ValueError, match="ten years"):
                    add_working_days(start, 2, rules)
    assert add_working_days(date(2026, 2, 12), 0, RULES) == date(2026, 2, 12)
    assert add_working_days(date(2026, 2, 12), 3, RULES) == date(2026, 2, 24)  # across Tết


def test_vietnam_holidays_load_without_every_country():
    """Counting working days loads the package's Vietnam module alone (not the package of
    every country, ~0.1 s of a report's or a counter's start), and finds the same days off
    and make-up Saturdays as `holidays.country_holidays("VN")`: checked in a fresh
    interpreter, since this one may have loaded every country already."""
    probe = textwrap.dedent("""
        import json, sys
        from kiosk.calendar.working_days import _package_year, package_holidays
        years = range(2000, 2031)
        ours = {y: [sorted(map(str, s)) for s in _package_year(y)] for y in years}
        names = sorted((str(d), n) for d, n in package_holidays(2026).items())
        alone = "holidays.countries" not in sys.modules
        import holidays
        theirs = {}
        for y in years:
            vn = holidays.country_holidays("VN", years=(y, y + 1))
            theirs[y] = [sorted(str(d) for d in vn if d.year == y),
                         sorted(str(d) for d in vn.weekend_workdays if d.year == y)]
        vi = holidays.country_holidays("VN", years=2026, language="vi")
        print(json.dumps({"alone": alone, "same": ours == theirs,
                          "names": names == sorted((str(d), n) for d, n in vi.items()),
                          "tet": [n for d, n in package_holidays(2026).items()
                                  if str(d) == "2026-02-17"]}))
    """)
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["alone"]
    assert result["same"]
    assert result["names"]
    assert result["tet"] and "Tết" in result["tet"][0]
