"""The demo day (driven through TicketDesk, CallDesk and record_rating) and what every
grouping must satisfy on any data: its rows add up to the office total."""

import random
from datetime import date, datetime
from zoneinfo import ZoneInfo

from kiosk.cli import build_parser
from kiosk.stats import office_stats
from kiosk.stats.demo import COUNTERS, simulate_day

TZ = "Asia/Ho_Chi_Minh"
DAY = date(2026, 3, 10)


def test_simulated_day_adds_up_in_every_grouping(db, config):
    issued = simulate_day(db, config, DAY, random.Random(7), scale=0.5,
                          until=datetime(2026, 3, 10, 15, 0, tzinfo=ZoneInfo(TZ)))
    s = office_stats(db, DAY, DAY, TZ)
    t = s.total
    assert t.issued == issued > 50
    assert t.called >= t.served + t.skipped + t.transferred  # each closes a called segment
    assert t.served > 0 and t.ratings.total > 0
    assert sum(g.issued for g in s.by_service) == t.issued
    for grouping in ("service", "counter", "clerk", "day"):
        groups = s.grouping(grouping)
        for field in ("called", "served", "skipped", "transferred"):
            assert sum(getattr(g, field) for g in groups) == getattr(t, field), (grouping, field)
        assert sum(g.waiting.count for g in groups) == t.waiting.count
        assert sum(g.service.count for g in groups) == t.service.count
    assert sum(g.ratings.total for g in s.by_counter) == t.ratings.total
    assert {g.key for g in s.by_counter} <= {str(n) for n, _, _ in COUNTERS}
    assert sum(s.issued_by_hour) == t.issued
    assert s.issued_by_hour[12] == 0  # lunch
    assert all((g.waiting.mean or 0) >= 0 for g in s.by_service)


def test_office_command_is_registered():
    args = build_parser().parse_args(["office", "--demo"])
    assert args.demo and args.gui
    args = build_parser().parse_args(["report", "--from", "2026-03-01", "--to", "2026-03-31",
                                      "--format", "pdf", "--out", "m.pdf"])
    assert (args.start, args.end) == (date(2026, 3, 1), date(2026, 3, 31))
