"""The statistics as computed today (times converted by SQLite, settled days kept in
`stats_days`) give the same figures as the computation they replaced (kept as the reference
in tests/stats/reference/), on seeded data with transfers, recalls, skips, ratings, dossiers
with slips, times written with other offsets, tickets across midnight, and records arriving
after a day was kept.

"The same figures": every count and every median and P90 equal to the last bit, the means
equal to 12 significant digits (the reference summed float minutes in the order the tickets
were read, the new code sums whole microseconds exactly), and the csv report byte for byte.
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.calendar import CalendarRules
from kiosk.dossiers import DossierDesk
from kiosk.dossiers.status import DossierStatus
from kiosk.stats import office_stats
from kiosk.stats.days import TABLE
from kiosk.stats.demo import seed_demo
from kiosk.stats.report import write_report
from tests.dossiers.test_dossiers_helpers import intake
from tests.stats.reference.old_compute import office_stats as reference_stats
from tests.stats.test_stats_helpers import DUC, HA, add_event, add_rating
from tests.stats.test_stats_results import add_slip, seed_month

TZ = "Asia/Ho_Chi_Minh"
HCM = ZoneInfo(TZ)
RULES = CalendarRules(timezone=TZ)


def _same(new, old, path: str = "") -> list[str]:
    """Where `new` and `old` (asdict trees) differ beyond a mean's last digits."""
    if isinstance(new, dict):
        assert isinstance(old, dict) and new.keys() == old.keys(), path
        return [d for k in new for d in _same(new[k], old[k], f"{path}.{k}")]
    if isinstance(new, (list, tuple)):
        if not isinstance(old, (list, tuple)) or len(new) != len(old):
            return [f"{path}: {new!r} != {old!r}"]
        return [d for i, (a, b) in enumerate(zip(new, old, strict=True))
                for d in _same(a, b, f"{path}[{i}]")]
    if (path.endswith(".mean") and isinstance(new, float) and isinstance(old, float)
            and math.isclose(new, old, rel_tol=1e-12, abs_tol=1e-12)):
        return []
    return [] if new == old and type(new) is type(old) else [f"{path}: {new!r} != {old!r}"]


def check(db, start: date, end: date, tmp_path, *, keep: bool = True) -> dict:
    """New against reference for start..end: figures and the csv. The new figures."""
    new = office_stats(db, start, end, TZ, rules=RULES, keep_days=keep)
    old = reference_stats(db, start, end, TZ, rules=RULES)
    differences = _same(asdict(new), asdict(old))
    assert not differences, f"{start}..{end}: " + "; ".join(differences[:8])
    write_report(new, "csv", tmp_path / "new.csv")
    write_report(old, "csv", tmp_path / "old.csv")
    assert (tmp_path / "new.csv").read_bytes() == (tmp_path / "old.csv").read_bytes()
    return asdict(new)


def raw_event(db, ticket_id: int, kind: str, at_text: str, counter: int, clerk: str,
              **extra) -> None:
    """An event as another PC wrote it: the time text exactly as given."""
    db.execute("INSERT INTO queue_events (uid, ticket_id, kind, at, station_id, detail) "
               "VALUES (?, ?, ?, ?, ?, ?)",
               (str(uuid.uuid4()), ticket_id, kind, at_text, f"counter-{counter}",
                json.dumps({"counter": counter, "clerk": clerk, **extra}, ensure_ascii=False)))


def local(day: date, hh_mm_ss: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hh_mm_ss), tzinfo=HCM)


@pytest.fixture
def office(db, config, desk):
    """Seven busy working days up to now (the demo's simulation: transfers, skips, ratings,
    dossiers), March 2026's dossiers with slips, supplements and a refusal, and edge cases."""
    now = datetime.now(HCM)
    seed_demo(db, config, now=now, days=7, dossiers=90, seed=7)
    seed_month(db, config)
    days = [date.fromisoformat(d) for (d,) in db.execute(
        "SELECT DISTINCT day FROM tickets WHERE day < ? ORDER BY day",
        (now.date().isoformat(),)).fetchall()]
    settled = [d for d in days if d <= now.date() - timedelta(days=2)]
    edge = settled[1]
    # Issued a few seconds before midnight, called and served after it: the day it was issued.
    late = desk.issue("CT", at=local(edge, "23:59:50"))
    add_event(db, late, "called", local(edge, "23:59:58") + timedelta(seconds=5), 1, HA)
    add_event(db, late, "recalled", local(edge + timedelta(days=1), "00:00:30"), 1, HA)
    add_event(db, late, "finished", local(edge + timedelta(days=1), "00:04:00"), 1, HA)
    # A counter PC whose clock writes UTC, one writing local time without an offset, and one
    # writing 'Z': called, skipped, called again, transferred, served elsewhere.
    odd = desk.issue("HT", at=local(edge, "10:00:00"))
    raw_event(db, odd.id, "called", "2026-01-01T00:00:00+00:00".replace(
        "2026-01-01", edge.isoformat()).replace("00:00:00", "03:05:00"), 2, DUC)
    raw_event(db, odd.id, "skipped", f"{edge.isoformat()}T10:07:30.250000", 2, DUC)
    raw_event(db, odd.id, "called", f"{edge.isoformat()}T03:12:00.5Z", 2, DUC)
    raw_event(db, odd.id, "transferred", f"{edge.isoformat()}T10:20:00+07:00", 2, DUC,
              from_service="HT", to_service="CT")
    raw_event(db, odd.id, "called", f"{edge.isoformat()}T10:31:00.000001+07:00", 1, HA)
    raw_event(db, odd.id, "finished", f"{edge.isoformat()}T10:41:00+07:00", 1, HA)
    # Two events of one second, written by two PCs: the row id decides their order.
    twin = desk.issue("CT", at=local(edge, "11:00:00"))
    add_event(db, twin, "called", local(edge, "11:05:00"), 1, HA)
    add_event(db, twin, "finished", local(edge, "11:05:00"), 1, HA)
    # Rated after midnight (a day later than issued), and a transferred ticket rated.
    add_rating(db, local(edge + timedelta(days=1), "00:06:00"), "unsatisfied", 1, HA,
               ticket=late, reasons=("waiting_time",))
    add_rating(db, local(edge, "10:45:00"), "very_satisfied", 1, HA, ticket=odd)
    # Stored under the next day by a PC in another zone: its local day is `edge`.
    stray = desk.issue("CT", at=local(edge, "22:30:00"))
    db.execute("UPDATE tickets SET day = ? WHERE id = ?",
               ((edge + timedelta(days=1)).isoformat(), stray.id))
    add_event(db, stray, "called", local(edge, "22:40:00"), 3, DUC)
    # A dossier on a settled day with an apology and a supplement slip, handed back late.
    dossiers = DossierDesk(db, config)
    d = dossiers.save_intake(intake("1.004194"), clerk=DUC, at=local(settled[0], "09:00:00"))
    add_slip(db, d.id, "02", local(settled[0], "10:00:00"), DUC)
    add_slip(db, d.id, "04", local(edge, "14:00:00"), DUC,
             new_date=(edge + timedelta(days=3)).isoformat())
    dossiers.request_supplement(d.code, "thiếu giấy tờ", clerk=DUC, at=local(edge, "09:00:00"))
    dossiers.change_status(d.code, DossierStatus.PROCESSING, clerk=DUC,
                           at=local(settled[2], "09:00:00"))
    return {"now": now, "days": days, "settled": settled, "edge": edge, "late": late,
            "dossier": d, "dossiers": dossiers}


def test_the_same_figures_for_every_range_cold_kept_and_read(db, office, tmp_path):
    now, days, settled, edge = office["now"], office["days"], office["settled"], office["edge"]
    today = now.date()
    ranges = [(days[0], today), (edge, edge), (edge + timedelta(days=1), today),
              (settled[0], settled[-1]), (settled[2], today - timedelta(days=1)),
              (date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 3, 4), date(2026, 3, 6)),
              (date(2026, 2, 1), today)]
    for start, end in ranges:
        check(db, start, end, tmp_path, keep=False)
    assert db.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0] == 0  # when told not to
    for start, end in ranges:  # first: computed and kept; then read from what was kept
        check(db, start, end, tmp_path)
        check(db, start, end, tmp_path)
    kept = {d for (d,) in db.execute(f"SELECT day FROM {TABLE}").fetchall()}
    assert edge.isoformat() in kept and date(2026, 3, 4).isoformat() in kept
    assert max(kept) == (today - timedelta(days=2)).isoformat()  # today and yesterday: live


def test_a_kept_day_is_never_stale(db, office, config, tmp_path):
    now, edge, settled = office["now"], office["edge"], office["settled"]
    start, end = settled[0], now.date()
    before = check(db, start, end, tmp_path)
    # A counter on a hub sends, days later, the finish of a ticket it served on a kept day.
    open_ticket = db.execute(
        "SELECT t.id FROM tickets t WHERE t.day = ? AND NOT EXISTS (SELECT 1 FROM queue_events "
        "e WHERE e.ticket_id = t.id AND e.kind IN ('finished', 'transferred', 'skipped')) "
        "AND EXISTS (SELECT 1 FROM queue_events e WHERE e.ticket_id = t.id AND e.kind = "
        "'called')", (edge.isoformat(),)).fetchone()[0]
    add_event(db, open_ticket, "finished", local(edge, "16:59:00"), 4, "Lê Văn Khánh")
    after = check(db, start, end, tmp_path)
    assert after["total"]["served"] == before["total"]["served"] + 1
    # A rating synced late, a dossier handed back a month later, a slip issued later.
    add_rating(db, local(edge, "15:00:00"), "satisfied", 2, DUC)
    d = office["dossier"]
    office["dossiers"].finish(d.code, clerk=DUC, at=local(settled[-1], "10:00:00"))
    add_slip(db, d.id, "04", local(settled[-1], "11:00:00"), DUC)
    after = check(db, start, end, tmp_path)
    assert after["total"]["ratings"]["satisfied"] == before["total"]["ratings"]["satisfied"] + 1
    # A ticket issued on a kept day, synced late from another station.
    late = office["late"]
    db.execute("INSERT INTO tickets (uid, service_code, day, seq, number, issued_at, "
               "station_id, people_ahead, status) SELECT ?, service_code, day, seq + 900, "
               "'Z900', ?, 'other', 0, 'waiting' FROM tickets WHERE id = ?",
               (str(uuid.uuid4()), local(edge, "09:00:00").isoformat(), late.id))
    after = check(db, start, end, tmp_path)
    assert after["total"]["issued"] == before["total"]["issued"] + 1
    # A day's records moved away (an archive): figures without them, as the reference says.
    ids = ",".join(str(i) for (i,) in db.execute(
        "SELECT id FROM tickets WHERE day = ?", (settled[1].isoformat(),)).fetchall())
    db.execute(f"DELETE FROM ratings WHERE ticket_uid IN (SELECT uid FROM tickets "
               f"WHERE id IN ({ids}))")
    db.execute(f"DELETE FROM ticket_dossiers WHERE ticket_id IN ({ids})")
    db.execute(f"UPDATE dossiers SET ticket_id = NULL WHERE ticket_id IN ({ids})")
    db.execute(f"DELETE FROM queue_events WHERE ticket_id IN ({ids})")
    db.execute(f"DELETE FROM tickets WHERE id IN ({ids})")
    after = check(db, start, end, tmp_path)
    assert after["total"]["issued"] < before["total"]["issued"]


def test_another_zone_and_a_damaged_kept_day(db, office, tmp_path):
    settled = office["settled"]
    start, end = settled[0], settled[-1]
    check(db, start, end, tmp_path)
    db.execute(f"UPDATE {TABLE} SET data = x'00'")
    check(db, start, end, tmp_path)  # a damaged row is computed again
    new = office_stats(db, start, end, "Asia/Tokyo", rules=RULES)
    old = reference_stats(db, start, end, "Asia/Tokyo", rules=RULES)
    assert not _same(asdict(new), asdict(old))
    zones = {z for (z,) in db.execute(f"SELECT DISTINCT zone FROM {TABLE}").fetchall()}
    assert zones == {TZ, "Asia/Tokyo"}


def test_the_clock_reads_times_as_python_does():
    """SQLite's conversion and the hourly offsets give the wall time datetime gives, for
    every shape of time text (a zone with summer time included)."""
    import sqlite3

    from kiosk.stats.figures import Clock, instant_sql

    conn = sqlite3.connect(":memory:")
    texts = ["2026-03-02T08:00:00+07:00", "2026-03-02T08:00:00.123456+07:00",
             "2026-03-01T17:00:00.000001+00:00", "2026-03-02T00:00:00", "2026-03-02T23:59:59Z",
             "2026-03-29T00:59:59.999999+00:00", "2026-03-29T01:00:00+00:00",
             "2026-10-25T00:30:00+00:00", "2026-10-25T01:30:00+00:00",
             "2026-03-02 08:00:00+07:00", "2026-03-02T08:00:00.5+07:00",
             "2025-12-31T23:59:59.999999-05:30"]
    for zone in ("Asia/Ho_Chi_Minh", "Europe/Berlin", "America/St_Johns"):
        clock = Clock(ZoneInfo(zone))
        for text in texts:
            utc = conn.execute(f"SELECT {instant_sql('?1')}", (text,)).fetchone()[0]
            at = datetime.fromisoformat(text)
            at = at.replace(tzinfo=clock.tz) if at.tzinfo is None else at.astimezone(clock.tz)
            expected = (at.replace(tzinfo=None) - datetime(1970, 1, 1)) // timedelta(
                microseconds=1)
            assert clock.wall(utc, text) == expected, (zone, text)
            if "T" in text and ("+" in text[19:] or "-" in text[19:]) and (
                    len(text) in (25, 32)):
                # The shapes SQLite converts: the UTC instant to the microsecond.
                assert utc == (at.astimezone(UTC).replace(tzinfo=None)
                               - datetime(1970, 1, 1)) // timedelta(microseconds=1), text
            else:
                assert utc is None, text


def test_days_kept_by_another_version_are_computed_again(db, office, tmp_path):
    from kiosk.stats.days import VERSION

    settled = office["settled"]
    check(db, settled[0], settled[-1], tmp_path)
    kept = db.execute(f"SELECT count(*) FROM {TABLE} WHERE version = ?",
                      (VERSION,)).fetchone()[0]
    assert kept == (settled[-1] - settled[0]).days + 1
    # Rows of an older computation (another format) are never read: their days are computed
    # and kept again.
    db.execute(f"UPDATE {TABLE} SET version = ?, data = x'00'", (VERSION - 1,))
    check(db, settled[0], settled[-1], tmp_path)
    assert db.execute(f"SELECT count(*) FROM {TABLE} WHERE version = ?",
                      (VERSION,)).fetchone()[0] == kept
