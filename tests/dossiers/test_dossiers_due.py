"""Due moments and lateness (kiosk/dossiers/due.py) on real dossiers of a real SQLite file:
Tết, weekends and substitute days, the supplement pause, the apology slip (Mẫu 04)."""

import uuid
from datetime import date, datetime

import pytest

from kiosk.calendar import CalendarRules
from kiosk.dossiers import due
from kiosk.dossiers.status import DossierStatus as S
from kiosk.store import transaction
from tests.dossiers.test_dossiers_helpers import CLERK, HCM, intake

RULES = CalendarRules()
THREE_DAYS = "1.004194"  # processing time: 3 working days


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=HCM)


def d(text: str) -> date:
    return date.fromisoformat(text)


def take(desk, when: str):
    return desk.save_intake(intake(THREE_DAYS), clerk=CLERK, at=at(when))


def apologise(db, dossier, new_date: str, issued: str) -> None:
    with transaction(db) as conn:
        conn.execute(
            "INSERT INTO dossier_slips (uid, dossier_id, form, reason, new_date, issued_at, "
            "clerk, station_id) VALUES (?, ?, '04', ?, ?, ?, ?, 'quay-1')",
            (str(uuid.uuid4()), dossier.id, "Chờ xác minh", new_date, at(issued).isoformat(),
             CLERK))


def slips(db, dossier):
    return due.slips_of(db.conn, [dossier.id])[dossier.id]


def test_due_moment_across_tet(desk):
    x = take(desk, "2026-02-12T09:00")  # Thu; Fri 13 is day 1; Tết 16-20 Feb; Mon 23, Tue 24
    assert due.due_date(x, [], RULES) == d("2026-02-24")
    assert due.working_days_left(x, [], RULES, d("2026-02-13")) == 2  # the Tết week counts 0
    assert due.working_days_left(x, [], RULES, d("2026-02-24")) == 0
    assert not due.is_overdue(x, [], RULES, d("2026-02-24"))
    assert due.working_days_late(x, [], RULES, d("2026-02-24")) == 0
    assert due.is_overdue(x, [], RULES, d("2026-02-25"))
    assert due.working_days_late(x, [], RULES, d("2026-02-25")) == 1


def test_weekend_does_not_count_late(desk):
    x = take(desk, "2026-03-05T09:00")  # Thu: Fri 6, Mon 9, Tue 10
    assert due.due_date(x, [], RULES) == d("2026-03-10")
    assert due.working_days_late(x, [], RULES, d("2026-03-13")) == 3  # Wed, Thu, Fri
    assert due.working_days_late(x, [], RULES, d("2026-03-15")) == 3  # Sunday adds nothing
    assert due.working_days_late(x, [], RULES, d("2026-03-16")) == 4


def test_substitute_days_make_up_saturday_and_days_off(desk):
    # Sat 22 Aug 2026 is worked in exchange for Mon 31 Aug (off with 1-2 Sep, National Day).
    x = take(desk, "2026-08-20T09:00")  # Thu: Fri 21, Sat 22 (make-up), Mon 24
    assert due.due_date(x, [], RULES) == d("2026-08-24")
    assert due.working_days_late(x, [], RULES, d("2026-08-28")) == 4
    assert due.working_days_late(x, [], RULES, d("2026-09-02")) == 4  # 31 Aug-2 Sep off
    assert due.working_days_late(x, [], RULES, d("2026-09-03")) == 5
    # A local override (a day the government gave that the package does not know) counts too.
    extra = CalendarRules(extra_holidays=frozenset({d("2026-08-28")}))
    assert due.working_days_late(x, [], extra, d("2026-09-03")) == 4


def test_supplement_pauses_and_restarts_the_clock_across_tet(desk):
    x = take(desk, "2026-02-11T09:00")  # Wed: Thu 12, Fri 13, (Tết), Mon 23
    assert due.due_date(x, [], RULES) == d("2026-02-23")
    paused = desk.request_supplement(x.code, "Thiếu bản sao giấy khai sinh", clerk=CLERK,
                                     at=at("2026-02-12T10:00"))
    # While paused the due moment moves with every working day and nothing is overdue.
    assert due.due_date(paused, [], RULES, d("2026-02-13")) == d("2026-02-24")
    assert due.due_date(paused, [], RULES, d("2026-02-20")) == d("2026-02-24")  # Tết: no move
    assert not due.is_overdue(paused, [], RULES, d("2026-02-25"))
    assert due.working_days_late(paused, [], RULES, d("2026-02-25")) == 0
    # The supplement comes in on Tue 24 Feb: 13, 23 and 24 Feb were paused (3 working days).
    back = desk.change_status(x.code, S.PROCESSING, clerk=CLERK, at=at("2026-02-24T08:30"))
    assert [n for _, _, n in due.pauses(back, RULES)] == [3]
    assert due.due_date(back, [], RULES, d("2026-03-02")) == d("2026-02-26")
    assert not due.is_overdue(back, [], RULES, d("2026-02-26"))
    assert due.working_days_late(back, [], RULES, d("2026-02-27")) == 1
    # Finished on the moved date: the hand-back records it on time (the desk asks due.py).
    desk.finish(x.code, clerk=CLERK, at=at("2026-02-26T16:00"))
    returned = desk.hand_back(x.code, clerk=CLERK, at=at("2026-03-02T09:00"))
    assert returned.on_time is True
    assert due.working_days_late(returned, [], RULES, d("2026-03-20")) == 0


def test_without_the_pause_the_same_finish_is_late(desk):
    x = take(desk, "2026-02-11T09:00")
    desk.change_status(x.code, S.PROCESSING, clerk=CLERK, at=at("2026-02-12T10:00"))
    desk.finish(x.code, clerk=CLERK, at=at("2026-02-26T16:00"))
    returned = desk.hand_back(x.code, clerk=CLERK, at=at("2026-03-02T09:00"))
    assert returned.on_time is False
    assert due.working_days_late(returned, [], RULES, d("2026-03-20")) == 3


def test_handed_back_is_judged_on_its_finish_time(desk):
    x = take(desk, "2026-03-05T09:00")  # due Tue 10 Mar
    desk.finish(x.code, clerk=CLERK, at=at("2026-03-10T16:30"))
    returned = desk.hand_back(x.code, clerk=CLERK, at=at("2026-03-16T09:00"))  # came late
    assert returned.on_time is True
    assert due.working_days_late(returned, [], RULES, d("2026-03-20")) == 0
    assert not due.is_overdue(returned, [], RULES, d("2026-03-20"))


def test_apology_moves_the_due_date_but_the_dossier_stays_late(desk, db):
    x = take(desk, "2026-03-05T09:00")  # due Tue 10 Mar
    assert due.days_overdue(x, [], RULES, d("2026-03-12")) == 2
    apologise(db, x, "2026-03-17", "2026-03-12T10:00")
    marks = slips(db, x)
    assert due.due_date(x, marks, RULES) == d("2026-03-17")
    assert not due.is_overdue(x, marks, RULES, d("2026-03-12"))  # off the overdue alert
    assert due.working_days_late(x, marks, RULES, d("2026-03-12")) == 2  # still late
    assert due.is_overdue(x, marks, RULES, d("2026-03-18"))  # the new date passed too
    # A later apology wins; the older one's date no longer counts.
    apologise(db, x, "2026-03-20", "2026-03-17T15:00")
    assert due.due_date(x, slips(db, x), RULES) == d("2026-03-20")
    desk.finish(x.code, clerk=CLERK, at=at("2026-03-16T10:00"))
    returned = desk.hand_back(x.code, clerk=CLERK, at=at("2026-03-16T11:00"))
    assert returned.on_time is False  # the statistics count it late
    assert due.working_days_late(returned, slips(db, x), RULES, d("2026-03-30")) == 4
    assert due.as_json(returned, slips(db, x), RULES, d("2026-03-30"))["apologised"] is True


def test_a_pause_after_the_apology_moves_its_new_date(desk, db):
    x = take(desk, "2026-03-05T09:00")  # due Tue 10 Mar
    apologise(db, x, "2026-03-17", "2026-03-09T10:00")
    desk.request_supplement(x.code, "Thiếu ảnh", clerk=CLERK, at=at("2026-03-11T10:00"))
    y = desk.change_status(x.code, S.PROCESSING, clerk=CLERK, at=at("2026-03-13T10:00"))
    assert due.due_date(y, slips(db, x), RULES) == d("2026-03-19")  # 12 and 13 Mar paused


@pytest.mark.parametrize("end", [S.WITHDRAWN, S.STOPPED])
def test_a_dossier_ended_without_a_result_is_neither_late_nor_overdue(desk, end):
    x = take(desk, "2026-03-05T09:00")
    y = desk.change_status(x.code, end, clerk=CLERK, reason="Công dân đề nghị",
                           at=at("2026-03-06T09:00"))
    assert due.working_days_late(y, [], RULES, d("2026-04-01")) == 0
    assert not due.is_overdue(y, [], RULES, d("2026-04-01"))
