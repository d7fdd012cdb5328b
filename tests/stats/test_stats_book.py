"""Office statistics on a hub holding the office dossier book: every counter's dossiers count
once, whichever PC took them in or handed them back; counters not yet writing to the book
still count through their public forwards, and a code in the book counts from the book."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kiosk.config import Config
from kiosk.dossiers.book import apply_changes
from kiosk.officefeed.records import apply_records, dossier_record_at, find_public_view
from kiosk.stats import office_stats
from kiosk.store import connect
from tests.dossiers.bookutil import HCM, Counter
from tests.dossiers.test_dossiers_helpers import CLERK, intake

UNIT = Config().office.code
MONDAY = date(2026, 3, 2)
B_CLERK = "Trần Văn Bình"


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=HCM)


@pytest.fixture
def office(tmp_path):
    (tmp_path / "hub").mkdir()
    hub = connect(tmp_path / "hub" / "kiosk.db")
    counters = {s: Counter(tmp_path / s, s) for s in ("quay-1", "quay-2", "quay-3")}
    yield hub, counters
    hub.conn.close()
    for c in counters.values():
        c.close()


def bump(counter: Counter, last: int) -> None:
    """Numbers from another block (office-unique numbering) for this counter."""
    counter.db.execute("INSERT INTO dossier_counters (day, unit_code, last_seq) VALUES "
                       "(?, ?, ?)", (MONDAY.isoformat(), UNIT, last))


def forward(hub, station: str, dossier, version: int) -> None:
    done = apply_records(hub, [{"id": f"{dossier.code}/{version}", "type": "dossier",
                                "data": dossier_record_at(dossier, version)}],
                         HCM, datetime.now(HCM), station_id=station, unit_code=UNIT)
    assert done["applied"] == 1, done


def book(hub, changes, station):
    results = apply_changes(hub, changes, station, HCM, unit_code=UNIT)
    assert {r.result for r in results} == {"applied"}, results


def test_every_counters_dossiers_count_once(office):
    hub, c = office
    a, b, old = c["quay-1"], c["quay-2"], c["quay-3"]
    bump(b, 10)
    bump(old, 20)
    x1 = a.desk.save_intake(intake(), clerk=CLERK, at=at(8))
    x2 = a.desk.save_intake(intake("1.001612"), clerk=CLERK, at=at(8, 30))
    y = b.desk.save_intake(intake(), clerk=B_CLERK, at=at(9))
    z = old.desk.save_intake(intake(), clerk="Lê Thị Cúc", at=at(10))
    # quay-1 forwarded its intakes the old way before it wrote to the book.
    forward(hub, "quay-1", x1, 1)
    forward(hub, "quay-1", x2, 1)
    # quay-3 is not upgraded: public forwards only.
    forward(hub, "quay-3", z, 1)
    z = old.desk.finish(z.code, clerk="Lê Thị Cúc", at=at(11))
    z = old.desk.hand_back(z.code, clerk="Lê Thị Cúc", at=at(11, 5))
    forward(hub, "quay-3", z, 2)
    forward(hub, "quay-3", z, 3)
    book(hub, a.changes(x1) + a.changes(x2), "quay-1")
    book(hub, b.changes(y), "quay-2")
    # quay-2 hands back quay-1's x2 (through its mirror of the book's copy).
    book(b.db, [dict(ch, city=None) for ch in a.changes(x2)], None)
    b.desk.finish(x2.code, clerk=B_CLERK, at=at(15))
    done = b.desk.hand_back(x2.code, clerk=B_CLERK, at=at(15, 5))
    book(hub, [b.status_change(done, 2), b.status_change(done, 3)], "quay-2")

    k = office_stats(hub, MONDAY, MONDAY, HCM).total.dossiers
    assert (k.received, k.handed_back, k.on_time) == (4, 2, 2)
    clerks = {s.key: s.dossiers for s in office_stats(hub, MONDAY, MONDAY, HCM).by_clerk}
    assert clerks[CLERK].received == 2 and clerks[CLERK].handed_back == 0
    assert clerks[B_CLERK].received == 1 and clerks[B_CLERK].handed_back == 1
    assert clerks["Lê Thị Cúc"].received == 1 and clerks["Lê Thị Cúc"].handed_back == 1
    # The look-up: the book's state for x2 (not quay-1's stale forward), the forward for z.
    assert find_public_view(hub, x2.code, HCM).returned_date == MONDAY
    assert find_public_view(hub, z.code, HCM).returned_date == MONDAY
    assert find_public_view(hub, x1.code, HCM).status == 2
