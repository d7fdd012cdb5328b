"""Working days, public holidays and appointment dates (plain Python, no Qt)."""

from kiosk.calendar.working_days import (
    Appointment,
    CalendarRules,
    add_working_days,
    appointment_date,
    is_reception_day,
    is_reception_time,
    is_working_day,
    next_working_day,
    plan_appointment,
    received_as,
    working_days_between,
)

__all__ = [
    "Appointment",
    "CalendarRules",
    "add_working_days",
    "appointment_date",
    "is_reception_day",
    "is_reception_time",
    "is_working_day",
    "next_working_day",
    "plan_appointment",
    "received_as",
    "working_days_between",
]
