import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.queue.catalog import CatalogError, OpeningHours, load_catalog
from kiosk.queue.numbering import format_number, local_day
from kiosk.queue.priority import PriorityPolicy, Waiting

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_catalog_is_valid_and_covers_common_fields():
    services = load_catalog()
    codes = {s.code for s in services}
    assert {"CT", "HT", "DD", "KD", "XH", "CTR", "TKQ"} <= codes
    assert len({s.prefix for s in services}) == len(services)
    for s in services:
        assert s.name_vi and s.name_en and len(s.prefix) == 1


def test_catalog_rejects_duplicate_prefix(tmp_path):
    path = tmp_path / "s.json"
    entries = [{"code": c, "prefix": "A", "name_vi": "x", "name_en": "x", "hours": []}
               for c in ("X", "Y")]
    path.write_text(json.dumps({"services": entries}))
    with pytest.raises(CatalogError, match="duplicate prefix"):
        load_catalog(path)


def test_opening_hours():
    hours = OpeningHours.parse([{"days": "mon-fri", "times": ["08:00-12:00", "13:00-17:00"]},
                                {"days": "sat", "times": ["08:00-12:00"]}])
    monday = datetime(2026, 11, 23, tzinfo=HCM)
    assert hours.is_open(monday.replace(hour=8))
    assert not hours.is_open(monday.replace(hour=12, minute=30))
    assert not hours.is_open(monday.replace(hour=17))
    assert hours.is_open((monday + timedelta(days=5)).replace(hour=9))  # Saturday
    assert not hours.is_open((monday + timedelta(days=6)).replace(hour=9))  # Sunday
    with pytest.raises(CatalogError):
        OpeningHours.parse([{"days": "fri-mon", "times": ["08:00-12:00"]}])


def test_local_day_is_the_office_day_not_the_utc_day():
    # 23:30 UTC on the 25th is 06:30 on the 26th in Hà Nội.
    at = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    assert local_day(at, "Asia/Ho_Chi_Minh").isoformat() == "2026-11-26"
    # 16:59:59 UTC is still the same local day; 17:00 UTC is local midnight.
    assert local_day(datetime(2026, 11, 26, 16, 59, 59, tzinfo=UTC),
                     "Asia/Ho_Chi_Minh").isoformat() == "2026-11-26"
    assert local_day(datetime(2026, 11, 26, 17, 0, tzinfo=UTC),
                     "Asia/Ho_Chi_Minh").isoformat() == "2026-11-27"
    with pytest.raises(ValueError):
        local_day(datetime(2026, 1, 1), "Asia/Ho_Chi_Minh")


def test_format_number():
    assert format_number("A", 1) == "A001"
    assert format_number("K", 999) == "K999"
    assert format_number("K", 1000) == "K1000"
    with pytest.raises(ValueError):
        format_number("A", 0)


def waiting(spec: str) -> list[Waiting]:
    """'nnPn' -> tickets 1..4, the third one priority."""
    return [Waiting(ticket_id=i, order=i, priority=c == "P") for i, c in enumerate(spec, 1)]


def ids(order):
    return [w.ticket_id for w in order]


def test_strict_policy_calls_every_priority_first():
    policy = PriorityPolicy("strict")
    assert ids(policy.call_order(waiting("nnPnP"), 0)) == [3, 5, 1, 2, 4]


def test_every_n_gives_one_call_in_n_to_priority():
    policy = PriorityPolicy("every_n", every=3)
    # Due at once (fresh day), then after two normal calls each time.
    assert ids(policy.call_order(waiting("nnnnPPP"), 3)) == [5, 1, 2, 6, 3, 4, 7]
    # One normal call already made since the last priority: one more normal, then priority.
    assert ids(policy.call_order(waiting("nnnP"), 1)) == [1, 4, 2, 3]
    # No normal ticket waiting: priority goes next regardless of the count.
    assert ids(policy.call_order(waiting("PP"), 0)) == [1, 2]


def test_people_ahead_follows_the_policy():
    policy = PriorityPolicy("every_n", every=5)
    queue = waiting("nnnnnnP")
    assert policy.people_ahead(queue, 7, 5) == 0
    assert policy.people_ahead(queue, 7, 0) == 4
    assert policy.people_ahead(queue, 1, 5) == 1
    assert policy.next_ticket([], 0) is None


def test_policy_validation():
    with pytest.raises(ValueError):
        PriorityPolicy("fifo")
    with pytest.raises(ValueError):
        PriorityPolicy("every_n", every=1)
