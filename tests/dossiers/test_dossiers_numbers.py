"""Dossier numbers on real SQLite files (kiosk/dossiers/numbers.py): the standalone counter
unchanged, a counter PC's leased blocks, its fallback range, the hub's jump over the fallback
window, the restore gap. The hub over HTTP is in tests/hub/test_hub_dossier_numbers.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from kiosk.calendar import CalendarRules
from kiosk.dossiers import DossierDesk
from kiosk.dossiers import numbers as n
from kiosk.dossiers.numbers import (
    FALLBACK_BASE,
    FALLBACK_END,
    FALLBACK_SIZE,
    LeasedNumbers,
    LocalNumbers,
    NumbersExhausted,
    fallback_range,
)
from kiosk.queue.errors import HubUnavailable
from kiosk.store import connect, transaction
from tests.dossiers.test_dossiers_helpers import CLERK, THURSDAY_9AM, intake

UNIT = "000.00.01.H26"
DAY = THURSDAY_9AM.date()


def hub_lease(hub_db):
    """The hub's side of a lease on a real database, as the route calls it."""
    def lease(unit: str, day: str, count: int, held: dict[str, int]) -> dict:
        with transaction(hub_db) as conn:
            return n.lease(conn, unit, date.fromisoformat(day), count,
                           {date.fromisoformat(d): v for d, v in held.items()})
    return lease


def leased(path, config, counter: int = 1, lease=None, **kw) -> LeasedNumbers:
    return LeasedNumbers(path, unit=UNIT, counter=counter, timezone="Asia/Ho_Chi_Minh",
                         rules=CalendarRules.from_config(config), lease=lease, **kw)


def test_a_standalone_desk_numbers_exactly_as_before(db, config):
    desk = DossierDesk(db, config)
    assert isinstance(desk.numbers, LocalNumbers) and not desk.numbers.reserve_fallback
    codes = [desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM).code for _ in range(3)]
    assert codes == [f"{UNIT}-260212-000{i}" for i in (1, 2, 3)]
    assert db.execute("SELECT day, unit_code, last_seq FROM dossier_counters").fetchall() == [
        ("2026-02-12", UNIT, 3)]
    # The next day starts again at 1; no lease table is touched.
    nxt = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM + timedelta(days=1))
    assert nxt.code.endswith("-260213-0001")
    assert db.execute("SELECT count(*) FROM dossier_number_blocks").fetchone()[0] == 0
    # A standalone station's counter goes on into the 9000s like before (no window to skip).
    with transaction(db) as conn:
        conn.execute("UPDATE dossier_counters SET last_seq = ? WHERE day = '2026-02-12'",
                     (FALLBACK_BASE,))
    assert seq(desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)) == FALLBACK_BASE + 1


def test_the_hub_desk_and_its_leases_skip_the_fallback_window(db, config):
    hub_config = replace(config, hub=replace(config.hub, role="hub"))
    desk = DossierDesk(db, hub_config)
    assert desk.numbers.reserve_fallback
    with transaction(db) as conn:
        assert n.lease(conn, UNIT, DAY, 20, {})["first"] == 1
        conn.execute("UPDATE dossier_counters SET last_seq = ?", (FALLBACK_BASE - 5,))
        answer = n.lease(conn, UNIT, DAY, 20, {})
    # 20 numbers would cross the base: the block starts after the whole window instead.
    assert (answer["first"], answer["last"]) == (FALLBACK_END + 1, FALLBACK_END + 20)
    dossier = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    assert seq(dossier) == FALLBACK_END + 21
    assert dossier.code.endswith(f"-260212-{FALLBACK_END + 21}")


def test_fallback_ranges_are_disjoint_per_counter_and_inside_the_window():
    ranges = [fallback_range(c) for c in range(1, n.MAX_COUNTER + 1)]
    assert ranges[0] == (FALLBACK_BASE + 1, FALLBACK_BASE + FALLBACK_SIZE)
    assert ranges[2] == (9201, 9300)
    for (a_first, a_last), (b_first, _) in zip(ranges, ranges[1:], strict=False):
        assert a_last - a_first + 1 == FALLBACK_SIZE and a_last + 1 == b_first
    assert ranges[-1][1] == FALLBACK_END
    for bad in (0, 1000, True, "3"):
        with pytest.raises(ValueError):
            fallback_range(bad)


def test_a_counter_takes_leased_numbers_then_its_fallback_then_refuses(tmp_path, config):
    hub_db = connect(tmp_path / "hub.db")
    counter_path = tmp_path / "counter.db"
    counter_db = connect(counter_path)
    numbers = leased(counter_path, config, counter=2, lease=hub_lease(hub_db), block=5,
                     low_water=2)
    desk = DossierDesk(counter_db, config, numbers=numbers)
    assert numbers.refill(today=DAY) == 10  # today's block and the next working day's
    status = numbers.status(today=DAY)
    assert (status.left_today, status.on_fallback, status.hub_reachable,
            status.next_day_ready) == (5, False, True, True)
    next_day = numbers.next_day(DAY)
    assert next_day > DAY and next_day.weekday() < 5
    seqs = [seq(desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)) for _ in range(5)]
    assert seqs == [1, 2, 3, 4, 5]
    # The hub is gone: the next intakes number from counter 2's fallback range.
    numbers.lease = _unreachable
    assert numbers.refill(today=DAY) == 0 and numbers.hub_reachable is False
    more = [seq(desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)) for _ in range(3)]
    assert more == [9101, 9102, 9103]
    status = numbers.status(today=DAY)
    assert (status.left_today, status.fallback_left, status.on_fallback) == (0, 97, True)
    # The hub is back: leased numbers again, past everything the hub handed out.
    numbers.lease = hub_lease(hub_db)
    numbers.refill(today=DAY)
    assert seq(desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)) == 6
    # The fallback range used up and no lease: a plain Vietnamese refusal, nothing saved.
    with transaction(counter_db) as conn:
        conn.execute("UPDATE dossier_number_blocks SET next_seq = last + 1")
    numbers.lease = _unreachable
    before = counter_db.execute("SELECT count(*) FROM dossiers").fetchone()[0]
    with pytest.raises(NumbersExhausted) as info:
        desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    assert "hết số hồ sơ" in info.value.message_vi.lower()
    assert "máy chủ văn phòng" in info.value.message_vi
    assert counter_db.execute("SELECT count(*) FROM dossiers").fetchone()[0] == before
    hub_db.conn.close()
    counter_db.conn.close()


def test_an_intake_never_waits_for_a_hub_known_to_be_away(tmp_path, config, monkeypatch):
    hub_db = connect(tmp_path / "hub.db")
    calls = []
    real = hub_lease(hub_db)

    def counting(*args):
        calls.append(args[1])
        return real(*args)

    numbers = leased(tmp_path / "counter.db", config, lease=counting, block=4, low_water=2)
    numbers.ensure(DAY)  # nothing held: leased now, today and the next working day
    assert len(calls) == 2 and numbers.status(today=DAY).left_today == 4
    numbers.ensure(DAY)  # enough: no call
    assert len(calls) == 2
    with transaction(connect(tmp_path / "counter.db")) as conn:  # 1 left: topped up aside
        conn.execute("UPDATE dossier_number_blocks SET next_seq = last WHERE day = ?",
                     (DAY.isoformat(),))
    numbers.ensure(DAY)
    numbers._soon.join(10)
    assert len(calls) == 3 and numbers.status(today=DAY).left_today == 5
    # The hub goes away with nothing left: one attempt, then none for RETRY_AFTER_FAILURE_S.
    with transaction(connect(tmp_path / "counter.db")) as conn:
        conn.execute("UPDATE dossier_number_blocks SET next_seq = last + 1")

    def away(*args):
        calls.append(args[1])
        _unreachable()

    numbers.lease = away
    numbers.ensure(DAY)
    numbers.ensure(DAY)
    assert len(calls) == 4 and numbers.hub_reachable is False
    monkeypatch.setattr(n, "RETRY_AFTER_FAILURE_S", 0.0)
    numbers.ensure(DAY)
    assert len(calls) == 5
    hub_db.conn.close()


def test_a_pc_that_numbered_on_its_own_never_gives_a_number_twice(tmp_path, config):
    path = tmp_path / "counter.db"
    counter_db = connect(path)
    local = DossierDesk(counter_db, config)  # a single-PC office, this morning
    assert [seq(local.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM))
            for _ in range(3)] == [1, 2, 3]
    # Joined to a LAN office: its first lease reports them, the hub goes on past them.
    hub_db = connect(tmp_path / "hub.db")
    numbers = leased(path, config, lease=hub_lease(hub_db), block=5, low_water=2)
    numbers.refill(today=DAY)
    desk = DossierDesk(counter_db, config, numbers=numbers)
    assert seq(desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)) == 4
    # A block overlapping what it gave (a hub that never heard of them): passed over.
    with transaction(counter_db) as conn:
        conn.execute("DELETE FROM dossier_number_blocks")
        conn.execute("INSERT INTO dossier_number_blocks (unit_code, day, first, last, next_seq, "
                     "leased_at, source) VALUES (?, ?, 1, 6, 1, 'x', 'hub')",
                     (UNIT, DAY.isoformat()))
    assert seq(desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)) == 5
    counter_db.conn.close()
    hub_db.conn.close()


def test_held_numbers_raise_the_hub_counter(tmp_path):
    hub_db = connect(tmp_path / "hub.db")
    with transaction(hub_db) as conn:
        answer = n.lease(conn, UNIT, DAY, 10, {DAY: 41, DAY + timedelta(days=1): 7})
    assert (answer["first"], answer["last"]) == (42, 51)
    assert answer["epoch"] and len(answer["epoch"]) == 16
    rows = dict(hub_db.execute("SELECT day, last_seq FROM dossier_counters").fetchall())
    assert rows == {DAY.isoformat(): 51, (DAY + timedelta(days=1)).isoformat(): 7}
    with transaction(hub_db) as conn:  # a lower held number lowers nothing
        assert n.lease(conn, UNIT, DAY, 1, {DAY: 3})["first"] == 52
    # A key reporting absurd numbers raises the day by HELD_MAX_AHEAD at most, and the hub
    # leases nothing past MAX_DAY_NUMBER (rolled back, nothing leased).
    with transaction(hub_db) as conn:
        assert n.lease(conn, UNIT, DAY, 1, {DAY: 900_000})["first"] == 52 + n.HELD_MAX_AHEAD + 1
        conn.execute("UPDATE dossier_counters SET last_seq = ? WHERE day = ?",
                     (n.MAX_DAY_NUMBER - 5, DAY.isoformat()))
    with pytest.raises(n.DayFull), transaction(hub_db) as conn:
        n.lease(conn, UNIT, DAY, 10, {})
    with transaction(hub_db) as conn:
        assert n.lease(conn, UNIT, DAY, 5, {})["last"] == n.MAX_DAY_NUMBER
    hub_db.conn.close()


def test_a_lease_answer_that_does_not_fit_is_ignored(tmp_path, config):
    path = tmp_path / "counter.db"
    connect(path).conn.close()
    for answer in ({"unit": UNIT, "day": "2026-02-13", "first": 1, "last": 5, "epoch": "e"},
                   {"unit": "000.00.02.H26", "day": DAY.isoformat(), "first": 1, "last": 5},
                   {"unit": UNIT, "day": DAY.isoformat(), "first": 9050, "last": 9060},
                   {"unit": UNIT, "day": DAY.isoformat(), "first": 8990, "last": 9010},
                   {"unit": UNIT, "day": DAY.isoformat(), "first": 5, "last": 1},
                   {"unit": UNIT, "day": DAY.isoformat(), "first": "x", "last": 1}, {}):
        numbers = leased(path, config, lease=lambda *a, answer=answer: answer)
        numbers.refill(today=DAY)
        assert numbers.status(today=DAY).left_today == 0, answer


def test_an_epoch_change_is_reported_once(tmp_path, config):
    hub_db = connect(tmp_path / "hub.db")
    seen = []
    numbers = leased(tmp_path / "counter.db", config, lease=hub_lease(hub_db), block=2,
                     low_water=2, on_epoch_change=lambda old, new: seen.append((old, new)))
    numbers.refill(today=DAY)
    assert seen == []  # the first epoch seen is no change
    with transaction(hub_db) as conn:
        first_epoch = n.epoch(conn)
        new_epoch = n.after_restore(conn, DAY)
    assert new_epoch != first_epoch
    with transaction(connect(tmp_path / "counter.db")) as conn:
        conn.execute("UPDATE dossier_number_blocks SET next_seq = last + 1")
    numbers.refill(today=DAY)
    assert seen == [(first_epoch, new_epoch)]
    hub_db.conn.close()


def test_after_a_restore_numbering_goes_on_past_the_gap(tmp_path, config):
    hub_db = connect(tmp_path / "hub.db")
    later = DAY + timedelta(days=5)
    with transaction(hub_db) as conn:
        n.lease(conn, UNIT, DAY - timedelta(days=1), 30, {})
        n.lease(conn, UNIT, DAY, 30, {})
        n.after_restore(conn, DAY)
        yesterday = n.lease(conn, UNIT, DAY - timedelta(days=1), 1, {})
        today = n.lease(conn, UNIT, DAY, 1, {})
        no_row_yet = n.lease(conn, UNIT, later, 1, {})
    assert yesterday["first"] == 31  # a past day is not touched
    assert today["first"] == 30 + n.RESTORE_GAP + 1
    assert no_row_yet["first"] == n.RESTORE_GAP + 1  # a later day the backup never knew
    # The hub's own desk numbers from the same counter, past the gap too.
    desk = DossierDesk(hub_db, config)
    assert seq(desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)) == 30 + n.RESTORE_GAP + 2
    # A second restore moves on again from the restored values.
    with transaction(hub_db) as conn:
        n.after_restore(conn, DAY)
        assert n.lease(conn, UNIT, later + timedelta(days=1), 1, {})["first"] == \
            2 * n.RESTORE_GAP + 1
    hub_db.conn.close()


def test_a_restored_counter_drops_the_numbers_it_held(tmp_path, config):
    hub_db = connect(tmp_path / "hub.db")
    path = tmp_path / "counter.db"
    numbers = leased(path, config, lease=hub_lease(hub_db), block=5, low_water=5)
    numbers.refill(today=DAY)
    counter_db = connect(path)
    desk = DossierDesk(counter_db, config, numbers=numbers)
    numbers.lease = _unreachable
    assert seq(desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)) == 1
    with transaction(counter_db) as conn:
        n.after_restore(conn, DAY)
    status = numbers.status(today=DAY)
    assert status.left_today == 0 and status.fallback_left == 0 and not status.next_day_ready
    assert numbers.status(today=DAY + timedelta(days=1)).fallback_left == FALLBACK_SIZE
    with pytest.raises(NumbersExhausted):
        desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    # What it held still counts as held: the hub is raised past it at the next lease.
    numbers.lease = hub_lease(hub_db)
    numbers.refill(today=DAY)
    assert seq(desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)) == 6
    counter_db.conn.close()
    hub_db.conn.close()


def seq(dossier) -> int:
    """The sequence number in a dossier's code."""
    return int(dossier.code.rsplit("-", 1)[1])


def _unreachable(*_args):
    raise HubUnavailable("the hub at http://192.0.2.1 cannot be reached (ConnectTimeout)")
