"""An archived year's results per clerk and procedure counted from what an earlier reading kept
of its dossiers (kiosk/stats/results.py `_archived_facts`), never from stale facts."""

from __future__ import annotations

import json
import random
import sqlite3
import zlib
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlite_utils import Database

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


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The archive tests' station (tests/archive/test_archive.py), with more dossiers a day
    (fewer tickets: the queue side is not what is counted here)."""
    from datetime import UTC, datetime

    from kiosk.config import Config
    from kiosk.dossiers.retention import purge_personal_data
    from tests.archive.test_archive import DAYS, _seed_day

    data = tmp_path_factory.mktemp("seed") / "station"
    rng = random.Random(7)
    db = connect(data / "kiosk.db")
    for day in DAYS:
        _seed_day(db, Config(), day, rng, tickets=6, dossiers=24)
    db.conn.execute("UPDATE outbox SET sent_at = created_at, sync_result = 'accepted'")
    purge_personal_data(db, now=datetime.now(UTC), retention_days=Config().dossiers.retention_days)
    db.conn.close()
    return data


def _varied(station) -> None:
    """Slips of every form, refusals and supplement requests on the dossiers about to be
    archived, stamped as counters and older versions wrote them (an offset, UTC with `Z`
    or `+00:00` late in the evening, a space for the `T`, a day alone), and procedures
    renamed between dossiers: what the results count, in the archived years."""
    rng = random.Random(3)
    db = connect(station / "kiosk.db")
    try:
        rows = db.execute("SELECT id, finished_at, procedure_name FROM dossiers "
                          "WHERE status = 10 AND finished_at < '2026' ORDER BY id").fetchall()
        assert len(rows) > 10
        for k, (dossier_id, finished_at, name) in enumerate(rows):
            day = date.fromisoformat(finished_at[:10])
            stamps = [f"{day - timedelta(days=2)}T10:00:00+07:00",
                      f"{day - timedelta(days=1)}T17:30:00Z",
                      f"{day - timedelta(days=1)}T17:00:00+00:00",
                      f"{day - timedelta(days=3)} 09:15:00",
                      f"{day - timedelta(days=1)}"]
            # Up to two slips (their forms), then up to two status changes (from status 4).
            for table, columns, when, choices in (
                    ("dossier_slips", ("form",), "issued_at",
                     [("02",), ("03",), ("04",), None, None]),
                    ("dossier_events", ("from_status", "to_status"), "at",
                     [(4, 3), (4, 5), (4, 4), None])):
                for values in rng.sample(choices, 2):
                    if values is None:
                        continue
                    db.conn.execute(
                        f"INSERT INTO {table} (uid, dossier_id, {', '.join(columns)}, {when}, "
                        f"clerk, station_id) VALUES (?, ?, {', '.join('?' * len(values))}, ?, "
                        "'Nguyễn Văn A', 't')",
                        (f"{table}-{dossier_id}-{values[-1]}", dossier_id, *values,
                         rng.choice(stamps)))
            if k % 3 == 0:
                db.conn.execute("UPDATE dossiers SET procedure_name = ? WHERE id = ?",
                                (f"{name} (tên mới {k})", dossier_id))
        db.conn.commit()
    finally:
        db.conn.close()


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


@pytest.fixture
def varied(station):
    _varied(station)
    return station


def _slips_archived(station) -> dict[str, int]:
    counts: dict[str, int] = {}
    for year in (2024, 2025):
        for table, n in files.read_manifest(station / "archive", year)["rows"].items():
            counts[table] = counts.get(table, 0) + n
    return counts


def test_an_archived_years_results_are_kept_by_its_identity_and_its_calendar(varied):
    """The first reading of a range covering archived years counts their dossiers whole and
    keeps them (stats_days, by the years' dossier identity, the calendar and the code); the
    next ones count from what was kept: the same results as before archiving. Kept facts of
    another identity, calendar or code, or damaged, are counted again and replaced."""
    station = varied
    before = _read(station, keep=False)
    assert before.total.apologised and before.total.refused and before.total.supplemented
    rules = CalendarRules(timezone=TZ, extra_holidays=frozenset(
        date(2024, 3, 4) + timedelta(days=k) for k in range(60)))
    before_holidays = _read(station, keep=False, rules=rules)
    assert before_holidays != before  # the holidays move days late and their counts
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    assert _slips_archived(station)["dossier_slips"] > 20
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
    assert kept[0][1] == (f"{R.FACTS_VERSION}|{identity}|{CalendarRules(timezone=TZ).key}|"
                          f"{R.rules_code()}")
    assert _read(station) == before
    assert _kept(station) == kept  # read, not written again

    # What is kept is what is counted: facts made wrong under the same sources show.
    data = json.loads(zlib.decompress(kept[0][2]))
    for fact in data["facts"]:
        fact[8] = 1 - fact[8]  # late <-> on time
    _set_kept(station, "archive_2024", data=zlib.compress(json.dumps(data).encode()))
    assert _read(station) != before
    # Another identity (the year written again), other code, or damaged: counted again and
    # kept anew.
    _set_kept(station, "archive_2024", sources="another")
    _set_kept(station, "archive_2025", data=b"\x00")
    assert _read(station) == before
    assert _kept(station) == kept
    _set_kept(station, "archive_2024", data=zlib.compress(json.dumps(data).encode()),
              sources=kept[0][1].replace(R.rules_code(), "0" * 16))
    assert _read(station) == before
    assert _kept(station) == kept
    # Well-formed but of the wrong types (a day as written that is not text, a local day
    # that is not a number, a name that is not there, late that is not yes or no): counted
    # again too.
    for where, value in ((4, [20240304]), (5, [2, "2024-03-04"]), (1, -1), (8, "0")):
        bad = json.loads(zlib.decompress(kept[0][2]))
        bad["facts"][0][where] = value
        _set_kept(station, "archive_2024", data=zlib.compress(json.dumps(bad).encode()))
        assert _read(station) == before, (where, value)
        assert _kept(station) == kept

    # Another calendar: the years counted again under it, and kept under it.
    assert _read(station, rules=rules) == before_holidays
    again = _kept(station)
    assert all(row[1].startswith(f"{R.FACTS_VERSION}|") and rules.key in row[1]
               for row in again)
    assert _read(station, rules=rules) == before_holidays
    assert _read(station) == before


def test_a_short_range_reads_an_archived_year_by_range_unless_it_was_kept(varied):
    """A month of an archived year is read by range (counting its whole year would cost a
    month's report a year's work) and keeps nothing; once a longer reading kept the year,
    the month is counted from it: the same results either way."""
    station = varied
    march = (date(2024, 3, 1), date(2024, 3, 31))
    april = (date(2024, 4, 1), date(2024, 4, 30))
    live = {r: _read(station, *r, keep=False) for r in (march, april)}
    assert live[march].total.settled and live[april].total.settled  # something to count
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    assert _read(station, *march) == live[march]
    assert _kept(station) == []
    _read(station, date(2024, 1, 1), date(2024, 12, 31))
    kept = _kept(station)
    assert [row[0] for row in kept] == ["archive_2024"]
    for r in (march, april):
        assert _read(station, *r) == live[r]
    # Read from what was kept: made wrong, the month shows it.
    data = json.loads(zlib.decompress(kept[0][2]))
    for fact in data["facts"]:
        fact[8] = 1 - fact[8]
    _set_kept(station, "archive_2024", data=zlib.compress(json.dumps(data).encode()))
    assert _read(station, *april) != live[april]


def test_kept_facts_count_every_range_as_the_records_do(varied):
    """Ranges of random ends over the archived years and the live ones, counted from the
    kept facts of both archived years: the results the records give (read through the views,
    nothing kept), day for day at the ends of each dossier's events, slips and finish, with
    stamps of every form and procedures renamed."""
    station = varied
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
                               "FROM dossier_slips UNION ALL SELECT finished_at FROM dossiers "
                               "UNION ALL SELECT returned_at FROM dossiers").fetchall()
                           if at for k in (-1, 0, 1)})
            rng, counted = random.Random(5), Counter()
            for _ in range(80):
                a, b = sorted(rng.sample(ends, 2))
                if rng.random() < 0.3:
                    b = a + timedelta(days=rng.randint(0, 3))
                kept: list = []
                from_kept = result_stats(db, a, b, rules, kept=kept)
                assert kept == []  # both years from what was kept
                assert from_kept == result_stats(db, a, b, rules), (a, b)
                for figure in ("settled", "late", "apologised", "refused", "supplemented"):
                    counted[figure] += bool(getattr(from_kept.total, figure))
    finally:
        db.conn.close()
    assert min(counted.values()) > 10, counted


def test_a_year_rewritten_by_the_monthly_run_is_counted_again(varied):
    """The monthly run adds the months it moves to the year's file: the year's dossier
    identity changes, and its results are counted again from the new file."""
    station = varied
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


@pytest.mark.parametrize("column, stamp", [("received_at", "04/03/2024 09:00"),
                                           ("received_at", "0001-01-01T00:00:00+08:00")])
def test_a_dossier_no_rule_can_read_fails_only_the_ranges_that_pick_it(varied, caplog,
                                                                       column, stamp):
    """A stamp written in a form the rules cannot read (or cannot place in a day), archived:
    a long range that does not reach the dossier is counted by range, as before archiving,
    rather than failing for one dossier of the year; the year is kept as such (and said so
    once in the log, with no stamp in it), so that the next readings go by range at once."""
    station = varied
    db = connect(station / "kiosk.db")
    try:
        dossier_id = db.execute("SELECT min(id) FROM dossiers WHERE status = 10 AND "
                                "finished_at < '2024-04'").fetchone()[0]
        db.conn.execute(f"UPDATE dossiers SET {column} = ? WHERE id = ?", (stamp, dossier_id))
        db.conn.commit()
    finally:
        db.conn.close()
    later = (date(2024, 6, 1), date(2024, 12, 31))
    live = _read(station, *later, keep=False)
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    caplog.clear()
    assert _read(station, *later) == live
    said = [r.getMessage() for r in caplog.records if r.name == "kiosk.stats.results"]
    assert len(said) == 1 and "2024" in said[0] and stamp not in said[0]
    kept = _kept(station)
    assert [row[0] for row in kept] == ["archive_2024"]
    assert json.loads(zlib.decompress(kept[0][2])) == {"uncountable": True}
    caplog.clear()
    assert _read(station, *later) == live
    assert not [r for r in caplog.records if r.name == "kiosk.stats.results"]


def test_a_database_that_cannot_be_written_counts_without_keeping(varied):
    """A station database opened read-only (a copy looked at): the archived years are
    counted whole each time and nothing is kept, the results the same."""
    station = varied
    before = _read(station, keep=False)
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    from kiosk.store.db import read_only_uri

    db = Database(sqlite3.connect(read_only_uri(station / "kiosk.db"), uri=True))
    try:
        with with_archives(db, station / "archive", start=FIRST, end=LAST):
            assert office_stats(db, FIRST, LAST, TZ).results == before
    finally:
        db.conn.close()
    assert _kept(station) == []


def test_the_rules_code_is_the_same_in_every_process_and_changes_with_the_code(monkeypatch):
    """The digest of the code that counts the facts does not depend on the process (its hash
    seed, the set constants' order, objects' addresses); it changes when one of the modules
    is other code."""
    import os
    import subprocess
    import sys

    here = R.rules_code()
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", "from kiosk.stats.results import "
                              "rules_code; print(rules_code())"], capture_output=True,
                             text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip()
        assert out == here
    R.rules_code.cache_clear()
    monkeypatch.setattr(R, "RULE_MODULES", (*R.RULE_MODULES[:-1], "kiosk.dossiers.slips"))
    try:
        assert R.rules_code() != here
        monkeypatch.undo()
        R.rules_code.cache_clear()
        assert R.rules_code() == here
        # The code this process runs, not the files on disk: a rule replaced in the running
        # process (as by an update of the files under a window left open, the other way
        # round) is other code.
        from kiosk.dossiers import due

        def never_late(dossier, slips, rules, finished):
            return 0

        never_late.__module__ = due.__name__
        monkeypatch.setattr(due, "working_days_late", never_late)
        R.rules_code.cache_clear()
        assert R.rules_code() != here
    finally:
        R.rules_code.cache_clear()
