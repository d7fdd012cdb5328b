"""Statistics computed from recorded events, checked against hand-computed values."""

from datetime import UTC, date, datetime, timedelta

import pytest

from kiosk.dossiers import DossierDesk
from kiosk.stats import Durations, office_stats, percentile
from kiosk.stats.compute import durations
from tests.dossiers.test_dossiers_helpers import intake
from tests.stats.test_stats_helpers import (
    DUC,
    HA,
    HCM,
    MONDAY,
    TZ,
    add_event,
    add_rating,
    at,
    seed_six_plus_one,
)

approx = pytest.approx


@pytest.fixture
def day(db, desk):
    return seed_six_plus_one(db, desk)


# -- percentiles -------------------------------------------------------------------------------


def test_percentile_is_linear_between_closest_ranks():
    # Excel: PERCENTILE.INC({1,2,4,5,10,13,17}, 0.9) = 14.6; MEDIAN = 5.
    xs = [13, 1, 17, 5, 2, 10, 4]
    assert percentile(xs, 0.9) == approx(14.6)
    assert percentile(xs, 0.5) == 5
    assert percentile([8, 17], 0.5) == approx(12.5)
    assert percentile([8, 17], 0.9) == approx(16.1)
    assert percentile([7], 0.9) == 7
    assert percentile(xs, 0) == 1 and percentile(xs, 1) == 17
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_durations_of_nothing_are_none():
    assert durations([]) == Durations(0, None, None, None)
    assert durations([4, 5, 10, 13]) == Durations(4, 8, 7.5, approx(12.1))


# -- queue figures -----------------------------------------------------------------------------


def test_the_cycle_collector_is_paused_while_figures_are_computed_then_resumed(db, day):
    """Millions of rows and tuples with no cycle in a year's figures: the collector would
    walk them over and over. Resumed afterwards, also when the computation fails; left off
    when it was off."""
    import gc
    from zoneinfo import ZoneInfoNotFoundError

    seen: list[bool] = []
    db.conn.set_trace_callback(lambda sql: seen.append(gc.isenabled()))
    try:
        assert gc.isenabled()
        office_stats(db, MONDAY, MONDAY, TZ)
        assert seen and not any(seen) and gc.isenabled()
        gc.disable()
        try:
            office_stats(db, MONDAY, MONDAY, TZ)
            assert not gc.isenabled()
        finally:
            gc.enable()
        with pytest.raises(ZoneInfoNotFoundError):
            office_stats(db, MONDAY, MONDAY, "No/Such_Zone")
        assert gc.isenabled()
    finally:
        db.conn.set_trace_callback(None)


def test_office_totals(db, day):
    s = office_stats(db, MONDAY, MONDAY, TZ)
    t = s.total
    assert (t.issued, t.called, t.served, t.skipped, t.transferred) == (7, 7, 5, 1, 1)
    # Waits (every segment): 5, 13, 10, 2, 17, 1, 4.
    assert t.waiting.count == 7
    assert t.waiting.mean == approx(52 / 7)
    assert t.waiting.median == 5
    assert t.waiting.p90 == approx(14.6)
    # Service times: 10, 12, 17, 8, 10.
    assert t.service == Durations(5, approx(11.4), 10, approx(15.0))


def test_per_service_counts_each_transfer_segment_under_its_service(db, day):
    s = office_stats(db, MONDAY, MONDAY, TZ)
    ct, ht = s.by_service
    assert (ct.key, ht.key) == ("CT", "HT")  # catalog order
    assert ct.label.startswith("Chứng thực")
    # CT: A001..A004 issued; B003's second segment waits 4 and is served in 10.
    assert (ct.issued, ct.called, ct.served, ct.skipped, ct.transferred) == (4, 4, 3, 1, 0)
    assert ct.waiting == Durations(4, 8, 7.5, approx(12.1))  # 4, 5, 10, 13
    assert ct.service == Durations(3, approx(32 / 3), 10, approx(11.6))  # 10, 10, 12
    # HT: B001..B003 issued; B003's first segment waits 1 then is transferred away.
    assert (ht.issued, ht.called, ht.served, ht.skipped, ht.transferred) == (3, 3, 2, 0, 1)
    assert ht.waiting == Durations(3, approx(20 / 3), 2, approx(14.0))  # 1, 2, 17
    assert ht.service == Durations(2, 12.5, 12.5, approx(16.1))  # 8, 17


def test_per_counter_and_per_clerk(db, day):
    s = office_stats(db, MONDAY, MONDAY, TZ)
    c1, c2 = s.by_counter
    assert (c1.key, c1.label, c2.key, c2.label) == ("1", "Quầy 1", "2", "Quầy 2")
    assert c1.issued is None and c1.dossiers is None  # not defined per counter
    assert (c1.called, c1.served, c1.skipped, c1.transferred) == (3, 2, 0, 1)
    assert c1.waiting == Durations(3, approx(19 / 3), 5, approx(11.4))  # 1, 5, 13
    assert c1.service == Durations(2, 11, 11, approx(11.8))  # 10, 12
    assert (c2.called, c2.served, c2.skipped, c2.transferred) == (4, 3, 1, 0)
    assert c2.waiting == Durations(4, 8.25, 7, approx(14.9))  # 2, 4, 10, 17
    assert c2.service == Durations(3, approx(35 / 3), 10, approx(15.6))  # 8, 10, 17
    # One clerk per counter here; clerks sort by given name: Đức before Hà.
    duc, ha = s.by_clerk
    assert (duc.key, ha.key) == (DUC, HA)
    assert duc.issued is None and duc.dossiers is not None
    assert (duc.served, duc.waiting, duc.service) == (c2.served, c2.waiting, c2.service)
    assert (ha.served, ha.waiting, ha.service) == (c1.served, c1.waiting, c1.service)


def test_per_day_and_per_hour(db, desk, day):
    later = desk.issue("CT", at=at("09:10", MONDAY + timedelta(days=1)))
    add_event(db, later, "called", at("09:30", MONDAY + timedelta(days=1)), 1, HA)
    add_event(db, later, "finished", at("10:05", MONDAY + timedelta(days=1)), 1, HA)
    s = office_stats(db, MONDAY, MONDAY + timedelta(days=2), TZ)
    mon, tue, wed = s.by_day
    assert [g.key for g in s.by_day] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    assert mon.label == "T2 02/03/2026" and tue.label == "T3 03/03/2026"
    assert (mon.issued, mon.served) == (7, 5)
    assert (tue.issued, tue.served, tue.waiting.mean, tue.service.mean) == (1, 1, 20, 35)
    assert (wed.issued, wed.served, wed.waiting.count) == (0, 0, 0)  # empty days still listed
    assert s.issued_by_hour[8] == 7 and s.issued_by_hour[9] == 1 and sum(s.issued_by_hour) == 8
    assert s.served_by_hour[8] == 5 and s.served_by_hour[10] == 1


def test_skipped_then_called_again_is_served_and_service_starts_at_the_new_call(db, desk):
    t = desk.issue("CT", at=at("08:00"))
    add_event(db, t, "called", at("08:10"), 1, HA)
    add_event(db, t, "skipped", at("08:12"), 1, HA)
    add_event(db, t, "called", at("08:30"), 2, DUC)
    add_event(db, t, "finished", at("08:36"), 2, DUC)
    s = office_stats(db, MONDAY, MONDAY, TZ).total
    assert (s.called, s.served, s.skipped) == (1, 1, 0)
    assert s.waiting.mean == 10  # to the first call: the office did call at 08:10
    assert s.service.mean == 6  # from the call the citizen answered


def test_counter_events_without_detail_are_under_an_unknown_counter(db, desk):
    t = desk.issue("CT", at=at("08:00"))
    add_event(db, t, "called", at("08:04"))
    add_event(db, t, "finished", at("08:09"))
    s = office_stats(db, MONDAY, MONDAY, TZ)
    (unknown,) = s.by_counter
    assert unknown.key == "" and unknown.label == "Không rõ quầy" and unknown.served == 1
    assert s.by_clerk[0].label == "Không rõ cán bộ"


def test_clock_skew_never_gives_a_negative_wait(db, desk):
    t = desk.issue("CT", at=at("08:00"))
    add_event(db, t, "called", at("07:59"), 1, HA)  # the counter PC is a minute behind
    assert office_stats(db, MONDAY, MONDAY, TZ).total.waiting.mean == 0


def test_print_events_with_plain_text_detail_are_ignored(db, desk, day):
    desk.record_print(day["A001"], False, "paper out")
    assert office_stats(db, MONDAY, MONDAY, TZ).total.served == 5


# -- local days --------------------------------------------------------------------------------


def test_local_day_boundaries_are_at_midnight_in_ho_chi_minh_city(db, desk):
    # 23:59:30 on Monday local is 16:59:30 UTC; 00:00:10 on Tuesday local is still Monday UTC.
    late = desk.issue("CT", at=datetime(2026, 3, 2, 16, 59, 30, tzinfo=UTC))
    early = desk.issue("CT", at=datetime(2026, 3, 2, 17, 0, 10, tzinfo=UTC))
    add_event(db, late, "called", datetime(2026, 3, 2, 17, 2, 30, tzinfo=UTC), 1, HA)
    add_event(db, late, "finished", datetime(2026, 3, 2, 17, 5, 30, tzinfo=UTC), 1, HA)
    monday = office_stats(db, MONDAY, MONDAY, TZ)
    tuesday = office_stats(db, MONDAY + timedelta(days=1), MONDAY + timedelta(days=1), TZ)
    assert monday.total.issued == 1 and tuesday.total.issued == 1
    # The ticket's events belong to the day it was issued, even after midnight.
    assert monday.total.served == 1 and monday.total.waiting.mean == 3
    assert tuesday.total.served == 0
    assert monday.issued_by_hour[23] == 1 and tuesday.issued_by_hour[0] == 1
    both = office_stats(db, MONDAY, MONDAY + timedelta(days=1), TZ)
    assert [g.issued for g in both.by_day] == [1, 1]
    assert early.day == MONDAY + timedelta(days=1)


def test_empty_range(db):
    s = office_stats(db, date(2026, 1, 5), date(2026, 1, 6), TZ)
    t = s.total
    assert (t.issued, t.called, t.served, t.skipped, t.transferred) == (0, 0, 0, 0, 0)
    assert t.waiting == Durations() and t.service == Durations()
    assert t.ratings.total == 0 and t.ratings.satisfaction_share is None
    assert t.dossiers.received == 0 and t.dossiers.on_time_rate is None
    assert s.by_service == s.by_counter == s.by_clerk == ()
    assert [g.issued for g in s.by_day] == [0, 0]
    assert s.issued_by_hour == (0,) * 24


def test_range_backwards_is_refused(db):
    with pytest.raises(ValueError):
        office_stats(db, MONDAY, MONDAY - timedelta(days=1), TZ)


# -- ratings -----------------------------------------------------------------------------------


def test_ratings_counts_and_satisfaction_share(db, day):
    add_rating(db, at("08:16"), "very_satisfied", 1, HA, ticket=day["A001"])
    add_rating(db, at("08:28"), "satisfied", 1, HA, ticket=day["A002"])
    add_rating(db, at("08:21"), "unsatisfied", 2, DUC, ticket=day["B001"],
               reasons=("waiting_time", "staff_attitude"))
    add_rating(db, at("08:31"), "very_satisfied", 2, DUC, ticket=day["B002"])
    add_rating(db, at("08:51"), "unsatisfied", 2, DUC, ticket=day["B003"],
               reasons=("waiting_time",))
    add_rating(db, at("08:00", MONDAY - timedelta(days=1)), "unsatisfied", 1, HA)  # Sunday
    s = office_stats(db, MONDAY, MONDAY, TZ)
    r = s.total.ratings
    assert (r.very_satisfied, r.satisfied, r.unsatisfied, r.total) == (2, 1, 2, 5)
    assert r.satisfaction_share == approx(0.6)
    c1, c2 = s.by_counter
    assert (c1.ratings.total, c1.ratings.satisfaction_share) == (2, 1.0)
    assert (c2.ratings.total, c2.ratings.satisfaction_share) == (3, approx(1 / 3))
    ct, ht = s.by_service
    # B003 was transferred to CT and finished there: its rating is CT's.
    assert (ct.ratings.very_satisfied, ct.ratings.satisfied, ct.ratings.unsatisfied) == (1, 1, 1)
    assert (ht.ratings.very_satisfied, ht.ratings.unsatisfied) == (1, 1)
    assert s.unsatisfied_reasons == (("waiting_time", 2), ("staff_attitude", 1))
    assert s.by_day[0].ratings.total == 5


def test_rating_of_a_dossier_without_ticket_goes_to_the_procedures_service(db, config):
    dossiers = DossierDesk(db, config)
    d = dossiers.save_intake(intake("2.000815"), clerk=HA, at=at("09:00"))
    add_rating(db, at("09:20"), "satisfied", 3, HA, dossier_code=d.code)
    s = office_stats(db, MONDAY, MONDAY, TZ)
    assert [(g.key, g.ratings.satisfied) for g in s.by_service] == [("CT", 1)]


# -- dossiers ----------------------------------------------------------------------------------


def test_dossiers_received_handed_back_and_on_time_rate(db, config):
    dossiers = DossierDesk(db, config)
    # Same-day procedures (chứng thực, 0 days, before the 15:00 cut-off): due the same day.
    a = dossiers.save_intake(intake("2.000815"), clerk=HA, at=at("08:30"))
    b = dossiers.save_intake(intake("2.000884"), clerk=HA, at=at("09:00"))
    c = dossiers.save_intake(intake("1.001193"), clerk=DUC, at=at("10:00"))  # HT
    assert a.appointment_date == b.appointment_date == MONDAY
    dossiers.hand_back(a.code, clerk=DUC, at=at("11:00"))  # on time
    tuesday = MONDAY + timedelta(days=1)
    dossiers.hand_back(b.code, clerk=DUC, at=at("09:00", tuesday),
                       finished_at=at("08:30", tuesday))  # finished a day late
    dossiers.hand_back(c.code, clerk=HA, at=at("10:40"))
    # Received the Friday before, handed back on Monday: counts as handed back, not received.
    d = dossiers.save_intake(intake("2.000815"), clerk=HA, at=at("14:00", date(2026, 2, 27)))
    dossiers.hand_back(d.code, clerk=HA, at=at("15:00"), finished_at=at("15:00"))

    monday = office_stats(db, MONDAY, MONDAY, TZ)
    k = monday.total.dossiers
    assert (k.received, k.handed_back, k.on_time, k.late) == (3, 3, 2, 1)
    assert k.on_time_rate == approx(2 / 3)
    both = office_stats(db, MONDAY, tuesday, TZ)
    k = both.total.dossiers
    assert (k.received, k.handed_back, k.on_time, k.late) == (3, 4, 2, 2)
    assert k.on_time_rate == 0.5
    ct, ht = both.by_service
    assert (ct.key, ct.dossiers.received, ct.dossiers.handed_back, ct.dossiers.late) == \
        ("CT", 2, 3, 2)
    assert (ht.key, ht.dossiers.received, ht.dossiers.on_time) == ("HT", 1, 1)
    by_clerk = {g.key: g.dossiers for g in both.by_clerk}
    # Received by the receiving clerk, handed back by the clerk who handed back.
    assert (by_clerk[HA].received, by_clerk[HA].handed_back) == (2, 2)
    assert (by_clerk[DUC].received, by_clerk[DUC].handed_back) == (1, 2)
    assert [g.dossiers.handed_back for g in both.by_day] == [3, 1]
    assert both.by_counter == ()


def test_timezone_object_and_other_zone(db, desk):
    desk.issue("CT", at=datetime(2026, 3, 2, 23, 30, tzinfo=HCM))  # 16:30 UTC
    assert office_stats(db, MONDAY, MONDAY, HCM).total.issued == 1
    assert office_stats(db, MONDAY, MONDAY, "UTC").total.issued == 1
    assert office_stats(db, MONDAY, MONDAY, "Asia/Tokyo").total.issued == 0  # 01:30 Tuesday
