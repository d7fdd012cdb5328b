"""`kiosk calendar due` (appointment date) and `kiosk calendar holidays` (the days off used)."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, timedelta

from kiosk.calendar.working_days import (
    MAX_DAYS,
    YEARS,
    CalendarRules,
    is_working_day,
    local_datetime,
    package_holidays,
    plan_appointment,
    weekday_vi,
)
from kiosk.commands import EXIT_OK, EXIT_USAGE
from kiosk.config import Config
from kiosk.paths import Paths


def register(sub) -> None:
    cal = sub.add_parser("calendar", help="working days and appointment dates")
    cal_sub = cal.add_subparsers(dest="calendar_command", required=True, metavar="ACTION")

    due = cal_sub.add_parser("due", help="appointment date for a dossier received at a time")
    due.add_argument("--received", required=True, metavar="ISO_DATETIME",
                     help="when the dossier was received, e.g. 2026-02-12T16:00 (office local "
                     "time unless an offset is given)")
    due.add_argument("--days", required=True, metavar="N",
                     help="processing time in working days (0 = returned the same day)")
    due.add_argument("--json", action="store_true", help="print one JSON object")
    due.set_defaults(handler=_due)

    hol = cal_sub.add_parser("holidays", help="list the days off and make-up working days of a "
                             "year, with this station's overrides")
    hol.add_argument("--year", type=int, default=None, help="default: the current year")
    hol.add_argument("--json", action="store_true", help="print one JSON object")
    hol.set_defaults(handler=_holidays)


def _usage(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_USAGE


def _due(args, config: Config, paths: Paths) -> int:
    try:
        rules = CalendarRules.from_config(config)
    except ValueError as exc:
        return _usage(f"Calendar configuration error: {exc}")
    try:
        days = int(args.days)
    except ValueError:
        days = -1
    if not 0 <= days <= MAX_DAYS:
        return _usage(f"--days must be a whole number of working days from 0 to {MAX_DAYS}, "
                      f"not {args.days!r}")
    text = args.received.strip()
    try:
        if len(text) <= 10:  # a bare date: the cut-off rule needs the time of day
            raise ValueError
        received = datetime.fromisoformat(text)
    except ValueError:
        return _usage(f"--received must be a date and time such as 2026-02-12T16:00, "
                      f"not {args.received!r}")
    try:
        plan = plan_appointment(received, days, rules)
    except ValueError as exc:
        return _usage(f"Cannot compute the appointment: {exc}")
    if args.json:
        print(json.dumps({
            "received": local_datetime(received, rules).isoformat(),
            "days": days,
            "received_as": plan.received_as.isoformat(),
            "counted_from": plan.counted_from.isoformat() if plan.counted_from else None,
            "due": plan.due.isoformat(),
        }, ensure_ascii=False))
    else:
        print(plan.due.isoformat())
        print(f"Hẹn trả kết quả: {weekday_vi(plan.due)}, ngày {plan.due:%d/%m/%Y}")
    return EXIT_OK


def _holidays(args, config: Config, paths: Paths) -> int:
    try:
        rules = CalendarRules.from_config(config)
    except ValueError as exc:
        return _usage(f"Calendar configuration error: {exc}")
    year = args.year or local_datetime(datetime.now().astimezone(), rules).year
    if year not in YEARS:
        return _usage(f"--year must be between {YEARS.start} and {YEARS.stop - 1}, not {year}")
    names = package_holidays(year)
    day, end = date(year, 1, 1), date(year, 12, 31)
    rows = []
    while day <= end:
        working = is_working_day(day, rules)
        weekend = day.weekday() >= 5
        if working == weekend or day in names:  # anything that is not an ordinary week day
            source = ("override" if day in rules.extra_holidays | rules.extra_working_days
                      else "holidays package")
            rows.append({"date": day.isoformat(), "working": working,
                         "name": names.get(day, "Ngày làm bù" if working else "Ngày nghỉ"),
                         "source": source})
        day += timedelta(days=1)
    if args.json:
        print(json.dumps({"year": year, "days": rows}, ensure_ascii=False))
    else:
        for r in rows:
            d = date.fromisoformat(r["date"])
            status = "làm việc" if r["working"] else "nghỉ"
            print(f"{r['date']}  {weekday_vi(d):<8}  {status:<8}  {r['name']}  ({r['source']})")
    return EXIT_OK
