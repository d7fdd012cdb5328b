"""An archived year's results per clerk and procedure counted from what an earlier reading kept
of its dossiers (kiosk/stats/results.py `_archived_facts`), never from stale facts."""

from __future__ import annotations

import json
import random
import zlib
from datetime import date, timedelta

from kiosk.archive import files
from kiosk.archive.reading import archive_identity, with_archives
from kiosk.calendar import CalendarRules
from kiosk.stats import office_stats
from kiosk.stats import results as R
from kiosk.stats.results import result_stats
from kiosk.store import connect
from tests.archive.test_archive import kiosk

TZ = "Asia/Ho_Chi_Minh"
FIRST, LAST = date(2024, 1, 1), date(2026, 12, 31)
KEPT_SQL = (f"SELECT day, sources, data FROM stats_days WHERE zone = '{R.KEPT_ZONE}' "
            "ORDER BY day")


def _read(station, first=FIRST, last=LAST, *, keep=True, rules=None):
    db = connect(station / "kiosk.db")
    try:
        with with_archives(db, station / "archive", start=first, end=last):
            return office_stats(db, first, last, TZ, keep_days=keep, rules=rules).results
    finally:
        db.conn.close()


def _kept(station) -> list[tuple]:
    db = connect(station / "kiosk.db")
    try:
        return db.execute(KEPT_SQL).fetchall()
    finally:
        db.conn.close()


def _set_kept(station, day: str, **values) -> None:
    db = connect(station / "kiosk.db")
    try:
        for column, value in values.items():
            db.conn.execute(f"UPDATE stats_days SET {column} = ? WHERE day = ? AND zone = ?",
                            (value, day, R.KEPT_ZONE))
        db.conn.commit()
    finally:
        db.conn.close()


def test_an_archived_years_results_are_kept_by_its_identity_and_its_calendar(station):
    """The first reading of a range covering archived years counts their dossiers whole and
    keeps them (stats_days, by the years' dossier identity and the calendar); the next ones
    count from what was kept: the same results as before archiving. Kept facts of another
    identity, of another calendar, or damaged, are counted again and replaced."""
    before = _read(station, keep=False)
    rules = CalendarRules(timezone=TZ, extra_holidays=frozenset(
        date(2024, 3, 4) + timedelta(days=k) for k in range(60)))
    before_holidays = _read(station, keep=False, rules=rules)
    assert before_holidays != before  # the holidays move days late and their counts
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    assert _kept(station) == []

    assert _read(station) == before
    kept = _kept(station)
    assert [row[0] for row in kept] == ["archive_2024", "archive_2025"]
    db = connect(station / "kiosk.db")
    try:
        with with_archives(db, station / "archive", start=FIRST, end=LAST):
            identity = archive_identity(db, "archive_2024", dossiers=True)
            assert identity is not None
            assert identity != archive_identity(db, "archive_2024")  # the dossier side's
    finally:
        db.conn.close()
    assert kept[0][1].startswith(f"{R.FACTS_VERSION}|{identity}|{CalendarRules(timezone=TZ).key}")
    assert _read(station) == before
    assert _kept(station) == kept  # read, not written again

    # What is kept is what is counted: facts made wrong under the same sources show.
    data = json.loads(zlib.decompress(kept[0][2]))
    for fact in data["facts"]:
        fact[8] = 1 - fact[8]  # late <-> on time
    _set_kept(station, "archive_2024", data=zlib.compress(json.dumps(data).encode()))
    assert _read(station) != before
    # Another identity (the year written again), or damaged: counted again and kept anew.
    _set_kept(station, "archive_2024", sources="another")
    _set_kept(station, "archive_2025", data=b"\x00")
    assert _read(station) == before
    assert _kept(station) == kept
    # Well-formed but of the wrong types (a day as written that is not text, a local day
    # that is not a number): counted again too.
    for where, value in ((4, [20240304]), (5, [2, "2024-03-04"])):
        bad = json.loads(zlib.decompress(kept[0][2]))
        bad["facts"][0][where] = value
        _set_kept(station, "archive_2024", data=zlib.compress(json.dumps(bad).encode()))
        assert _read(station) == before
        assert _kept(station) == kept

    # Another calendar: the years counted again under it, and kept under it.
    assert _read(station, rules=rules) == before_holidays
    again = _kept(station)
    assert all(row[1].startswith(f"{R.FACTS_VERSION}|") and rules.key in row[1]
               for row in again)
    assert _read(station, rules=rules) == before_holidays
    assert _read(station) == before


def test_a_short_range_reads_an_archived_year_by_range_unless_it_was_kept(station):
    """A month of an archived year is read by range (counting its whole year would cost a
    month's report a year's work) and keeps nothing; once a longer reading kept the year,
    the month is counted from it: the same results either way."""
    march = (date(2024, 3, 1), date(2024, 3, 31))
    april = (date(2024, 4, 1), date(2024, 4, 30))
    live = {r: _read(station, *r, keep=False) for r in (march, april)}
    assert live[march].total.settled or live[march].total.supplemented  # something to count
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    assert _read(station, *march) == live[march]
    assert _kept(station) == []
    _read(station, date(2024, 1, 1), date(2024, 12, 31))
    assert [row[0] for row in _kept(station)] == ["archive_2024"]
    for r in (march, april):
        assert _read(station, *r) == live[r]


def test_kept_facts_count_every_range_as_the_records_do(station):
    """Ranges of random ends over the archived years and the live ones, counted from the
    kept facts of both archived years: the results the records give (read through the views,
    nothing kept), day for day at the ends of each dossier's events and slips."""
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    _read(station)  # keeps both years
    assert len(_kept(station)) == 2
    rules = CalendarRules(timezone=TZ)
    db = connect(station / "kiosk.db")
    try:
        with with_archives(db, station / "archive", start=FIRST, end=LAST):
            # The days something happened to a dossier, and the days beside them: where a
            # range's ends decide what counts.
            ends = sorted({date.fromisoformat(str(at)[:10]) + timedelta(days=k)
                           for (at,) in db.execute(
                               "SELECT at FROM dossier_events UNION ALL SELECT issued_at "
                               "FROM dossier_slips UNION ALL SELECT returned_at FROM "
                               "dossiers").fetchall() if at for k in (-1, 0, 1)})
            rng, counted = random.Random(5), 0
            for _ in range(60):
                a, b = sorted(rng.sample(ends, 2))
                if rng.random() < 0.2:
                    b = a
                kept: list = []
                from_kept = result_stats(db, a, b, rules, kept=kept)
                assert kept == []  # both years from what was kept
                assert from_kept == result_stats(db, a, b, rules), (a, b)
                counted += bool(from_kept.total.settled)
    finally:
        db.conn.close()
    assert counted > 20


def test_a_year_rewritten_by_the_monthly_run_is_counted_again(station):
    """The monthly run adds the months it moves to the year's file: the year's dossier
    identity changes, and its results are counted again from the new file."""
    year = (date(2025, 1, 1), date(2025, 12, 31))
    live = _read(station, *year, keep=False)
    assert kiosk(station, "archive", "--before", "2025-07-01") == 0
    assert _read(station, *year) == live
    first = dict((day, sources) for day, sources, _data in _kept(station))
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    manifest = files.read_manifest(station / "archive", 2025)
    assert manifest["rows"]["dossiers"] > 0
    assert _read(station, *year) == live
    second = dict((day, sources) for day, sources, _data in _kept(station))
    assert second["archive_2025"] != first["archive_2025"]
