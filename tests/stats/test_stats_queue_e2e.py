"""End to end: tickets driven through the real LocalQueue (issue, call, skip, transfer, finish)
and a rating through the real feedback service; the statistics read what they recorded."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.feedback.ratings import record_rating
from kiosk.queue.local import LocalQueue
from kiosk.stats import office_stats

approx = pytest.approx


@pytest.fixture
def queue(db_path, config):
    q = LocalQueue(db_path, config, watch_s=None)
    yield q
    q.close()


def minutes(later, earlier) -> float:
    return (later - earlier).total_seconds() / 60


def test_statistics_of_a_queue_driven_through_local_queue(queue, db, config):
    now = datetime.now(ZoneInfo(config.office.timezone))
    # Only today's tickets are called: just after midnight, issue them less long ago.
    since_midnight = now - now.replace(hour=0, minute=0, second=0, microsecond=0)
    back = min(timedelta(minutes=10), since_midnight * 0.9)
    a = queue.issue("CT", at=now - back)
    b = queue.issue("HT", at=now - back * 0.8)
    c = queue.issue("CT", at=now - back * 0.6)

    called_a = queue.call_next(1, ["CT"], "Nguyễn Thị Thu Hà")
    assert called_a.id == a.id
    done_a = queue.finish(1, at=called_a.called_at + timedelta(minutes=5))
    record_rating(db, ticket_uid=a.uid, dossier_code=None, counter=1,
                  clerk="Nguyễn Thị Thu Hà", level="very_satisfied",
                  at=done_a.finished_at + timedelta(seconds=20))

    called_b = queue.call_next(2, ["HT"], "Trần Minh Đức")
    assert called_b.id == b.id
    queue.transfer(2, to_service="CT")
    # B (issued before C) keeps its place in issue order in the CT queue.
    again_b = queue.call_next(1, ["CT"], "Nguyễn Thị Thu Hà")
    assert again_b.id == b.id and again_b.current_service == "CT"
    # Ticket.called_at is the first call (at counter 2); the second is in the event log.
    recalled_at = datetime.fromisoformat(db.execute(
        "SELECT at FROM queue_events WHERE ticket_id = ? AND kind = 'called' ORDER BY id DESC",
        (b.id,)).fetchone()[0])
    queue.finish(1, at=recalled_at + timedelta(minutes=3))

    called_c = queue.call_next(1, ["CT"], "Nguyễn Thị Thu Hà")
    assert called_c.id == c.id
    queue.skip(1)

    # The finish and the rating are stamped minutes ahead: near midnight they fall on the next
    # day, and a rating counts on the day it was given.
    s = office_stats(db, now.date(), (now + timedelta(minutes=10)).date(),
                     config.office.timezone)
    t = s.total
    assert (t.issued, t.called, t.served, t.skipped, t.transferred) == (3, 4, 2, 1, 1)
    assert t.service.count == 2
    assert t.service.mean == approx(4.0)  # 5 and 3 minutes, set through finish(at=)
    waits = [minutes(called_a.called_at, a.issued_at), minutes(called_b.called_at, b.issued_at),
             minutes(called_c.called_at, c.issued_at)]
    assert waits[0] == approx(minutes(now, now - back), abs=0.1)
    assert waits[2] == approx(minutes(now, now - back * 0.6), abs=0.1)

    ct, ht = s.by_service
    assert (ct.key, ct.issued, ct.called, ct.served, ct.skipped) == ("CT", 2, 3, 2, 1)
    assert (ht.key, ht.issued, ht.called, ht.served, ht.transferred) == ("HT", 1, 1, 0, 1)
    assert ht.waiting.mean == approx(waits[1], abs=1e-6)
    # CT's three waits: A's, C's and B's second one, from the transfer to its call at
    # counter 1 (moments later).
    assert ct.waiting.count == 3
    second = ct.waiting.mean * 3 - waits[0] - waits[2]
    assert 0 <= second <= minutes(recalled_at, called_b.called_at) + 1e-6
    assert ct.waiting.median == approx(waits[2])

    c1, c2 = s.by_counter
    assert (c1.key, c1.served, c1.skipped, c1.called) == ("1", 2, 1, 3)
    assert (c2.key, c2.transferred, c2.called, c2.served) == ("2", 1, 1, 0)
    assert c1.ratings.very_satisfied == 1 and ct.ratings.total == 1
    assert {g.key for g in s.by_clerk} == {"Nguyễn Thị Thu Hà", "Trần Minh Đức"}

