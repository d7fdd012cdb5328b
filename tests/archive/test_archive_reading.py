"""Reading an archived year fast: which years a range from 1 January attaches, and the views
over archived and live rows (kiosk/archive/reading.py)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlite_utils import Database

from kiosk.archive import files
from kiosk.archive.reading import (
    LATEST_KEY,
    holds_from,
    latest_day,
    needed_years,
    reads_archives,
    with_archives,
)
from kiosk.config import Config
from kiosk.stats import office_stats
from kiosk.store import connect
from tests.archive.test_archive import kiosk

TZ = "Asia/Ho_Chi_Minh"


def _ratings_on(data: Path, day: date) -> tuple[list[int], int]:
    """The archived years a reading of `day` attached, and the ratings it counts that day."""
    db = connect(data / "kiosk.db")
    try:
        with with_archives(db, files.folder_for(data / "kiosk.db"), start=day,
                           end=day) as years:
            stats = office_stats(db, day, day, TZ, keep_days=False)
        return years, stats.total.ratings.total
    finally:
        db.conn.close()


def _add_rating(data: Path, at: str) -> None:
    """A rating at `at`, with an id below every other (the newest row of a table stays
    live: this one is archived with its year)."""
    db = connect(data / "kiosk.db")
    try:
        low = db.execute("SELECT min(id) - 1 FROM ratings").fetchone()[0]
        db.conn.execute("INSERT INTO ratings (id, uid, counter, level, at, station_id) "
                        "VALUES (?, 'offset-rating', 1, 'satisfied', ?, ?)",
                        (low, at, Config().station.id))
        db.conn.commit()
    finally:
        db.conn.close()


def test_a_previous_year_with_nothing_dated_31_december_is_not_attached(station):
    # 2024's last working day was 30 December: a range from 1 January 2025 cannot meet any
    # of its rows, and reads the live days only.
    assert kiosk(station, "archive", "--before", "2025-01-01") == 0
    assert _ratings_on(station, date(2025, 1, 1)) == ([], 0)
    # a range that starts in 2024 still reads it
    db = connect(station / "kiosk.db")
    try:
        with with_archives(db, station / "archive", start=date(2024, 12, 30),
                           end=date(2025, 1, 1)) as years:
            assert years == [2024] and reads_archives(db)
        assert not reads_archives(db)
    finally:
        db.conn.close()


def test_a_time_stamp_of_31_december_with_another_offset_is_still_found(station):
    # Written 31 December 23:30 at +06:00: archived under 2024 (its written day), but 00:30 on
    # 1 January 2025 in the office's zone (+07:00).
    _add_rating(station, "2024-12-31T23:30:00+06:00")
    before = _ratings_on(station, date(2025, 1, 1))
    assert before == ([], 1)
    assert kiosk(station, "archive", "--before", "2025-01-01") == 0
    assert _ratings_on(station, date(2025, 1, 1)) == ([2024], 1)


def test_the_manifests_latest_day_decides_without_unpacking(station, tmp_path):
    assert kiosk(station, "archive", "--before", "2025-01-01") == 0
    folder = station / "archive"
    # what a manifest records (latest_day over the unpacked year): its last working day
    copy = tmp_path / "2024.db"
    files.decompress(files.year_file(folder, 2024), copy)
    db = Database(copy)
    try:
        assert latest_day(db) == "2024-12-30"
        assert holds_from(db, "main", "2024-12-30") and not holds_from(db, "main", "2024-12-31")
    finally:
        db.conn.close()
    manifest = files.manifest_file(folder, 2024)
    data = json.loads(manifest.read_text(encoding="utf-8"))
    assert data[LATEST_KEY] == "2024-12-30"  # recorded by the archiving run
    assert needed_years(folder, date(2025, 1, 1)) == []
    data.pop(LATEST_KEY)
    manifest.write_text(json.dumps(data), encoding="utf-8")
    assert needed_years(folder, date(2025, 1, 1)) == [2024]  # not recorded: as before
    manifest.write_text(json.dumps({**data, LATEST_KEY: "2024-12-30"}), encoding="utf-8")
    assert needed_years(folder, date(2025, 1, 1)) == []
    assert needed_years(folder, date(2024, 12, 1)) == [2024]
    manifest.write_text(json.dumps({**data, LATEST_KEY: "2024-12-31"}), encoding="utf-8")
    assert needed_years(folder, date(2025, 1, 1)) == [2024]


def _views(db) -> dict[str, str]:
    return dict(db.execute("SELECT name, sql FROM temp.sqlite_master WHERE type = 'view'"
                           ).fetchall())


def test_a_row_both_live_and_archived_counts_once_and_only_its_table_checks(station,
                                                                             tmp_path):
    assert kiosk(station, "archive", "--before", "2025-01-01") == 0
    live = station / "kiosk.db"
    db = connect(live)
    try:
        with with_archives(db, station / "archive", years=[2024]):
            # no live key in the archive (the normal case): no anti-join in any view
            assert not [n for n, sql in _views(db).items() if "NOT IN" in sql]
            rows = db.execute("SELECT * FROM ratings ORDER BY id").fetchall()
            tickets = db.execute("SELECT count(*) FROM tickets").fetchone()[0]
    finally:
        db.conn.close()
    # A run cut off between writing the archive and deleting the live rows: an archived
    # rating is live again under its id.
    copy = tmp_path / "2024.db"
    files.decompress(files.year_file(station / "archive", 2024), copy)
    db = connect(live)
    try:
        db.conn.execute("ATTACH DATABASE ? AS y", (str(copy),))
        cols = ", ".join(r[1] for r in db.execute("PRAGMA main.table_info(ratings)"))
        db.conn.execute(f"INSERT INTO main.ratings ({cols}) SELECT {cols} FROM y.ratings "
                        "ORDER BY id LIMIT 1")
        db.conn.commit()
        db.conn.execute("DETACH DATABASE y")
        with with_archives(db, station / "archive", years=[2024]):
            views = _views(db)
            assert "NOT IN" in views["ratings"]
            assert not [n for n, sql in views.items() if "NOT IN" in sql and n != "ratings"]
            assert db.execute("SELECT * FROM ratings ORDER BY id").fetchall() == rows
            assert db.execute("SELECT count(*) FROM tickets").fetchone()[0] == tickets
    finally:
        db.conn.close()


def _ratings_local(data: Path, day: date) -> tuple[list[int], int]:
    """_ratings_on, the reading told the office's time zone (as the commands and windows do)."""
    from zoneinfo import ZoneInfo

    db = connect(data / "kiosk.db")
    try:
        with with_archives(db, files.folder_for(data / "kiosk.db"), start=day, end=day,
                           tz=ZoneInfo(TZ)) as years:
            stats = office_stats(db, day, day, TZ, keep_days=False)
        return years, stats.total.ratings.total
    finally:
        db.conn.close()


def test_with_the_time_zone_a_late_31_december_does_not_attach_the_year(station):
    """A busy office works on 31 December: its rows of that day, written in the office's own
    zone, cannot be on 1 January; the manifest's latest day and instant say so without
    unpacking the year. A stamp written in another zone that is 1 January locally still
    attaches it."""
    from kiosk.archive.reading import INSTANT_KEY, PLAIN_KEY

    _add_rating(station, "2024-12-31T23:30:00+07:00")  # 31 December, late, in the office
    assert kiosk(station, "archive", "--before", "2025-01-01") == 0
    manifest = files.read_manifest(station / "archive", 2024)
    assert manifest[PLAIN_KEY] == "2024-12-30" and manifest[INSTANT_KEY] == "2024-12-31T16:30:00Z"
    assert manifest[LATEST_KEY] == "2024-12-31"
    assert _ratings_on(station, date(2025, 1, 1)) == ([2024], 0)  # without the zone: attached
    assert _ratings_local(station, date(2025, 1, 1)) == ([], 0)
    assert _ratings_local(station, date(2024, 12, 31)) == ([2024], 1)


def test_with_the_time_zone_a_stamp_that_is_1_january_locally_attaches_the_year(station):
    _add_rating(station, "2024-12-31T23:00:00+00:00")  # 06:00 on 1 January 2025 at +07:00
    assert kiosk(station, "archive", "--before", "2025-01-01") == 0
    assert _ratings_local(station, date(2025, 1, 1)) == ([2024], 1)
    # an older manifest (no instant): the unpacked year is looked at, and found
    path = files.manifest_file(station / "archive", 2024)
    data = json.loads(path.read_text(encoding="utf-8"))
    for key in ("latest_plain_day", "latest_at", LATEST_KEY):
        data.pop(key, None)
    path.write_text(json.dumps(data), encoding="utf-8")
    assert _ratings_local(station, date(2025, 1, 1)) == ([2024], 1)


def test_day_fingerprints_over_archived_years_add_up_each_part_alike(station):
    """Over archived years the day fingerprints add up each attached year and the live
    tables apart (each with its own indexes): the same sums as reading through the views,
    and as before archiving."""
    from kiosk.stats import days

    first, last = date(2024, 1, 1), date(2026, 12, 31)
    db = connect(station / "kiosk.db")
    try:
        live = days.fingerprints(db, first, last)
    finally:
        db.conn.close()
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    db = connect(station / "kiosk.db")
    try:
        with with_archives(db, station / "archive", start=first, end=last) as years:
            assert years == [2024, 2025]
            parts = days.archive_parts(db)
            assert parts == ["archive_2024.", "archive_2025.", "main."]
            by_part = days.fingerprints(db, first, last)
            lo, hi = "2023-12-31", "2027-01-01"
            through = days._sums_without_join(db, lo, hi)
            assert sorted(days._sums_by_part(db, parts, lo, hi)[0]) == sorted(through[0])
            assert sorted(days._sums_by_part(db, parts, lo, hi)[1]) == sorted(through[1])
    finally:
        db.conn.close()
    assert by_part == live


def test_reaches_by_the_office_zone_and_by_the_day_as_written():
    from zoneinfo import ZoneInfo

    from kiosk.archive.reading import INSTANT_KEY, PLAIN_KEY, reaches

    hcm, bogota = ZoneInfo("Asia/Ho_Chi_Minh"), ZoneInfo("America/Bogota")
    late_31 = {LATEST_KEY: "2024-12-31", PLAIN_KEY: "2024-12-31",
               INSTANT_KEY: "2024-12-31T16:59:59Z"}  # 23:59:59 on 31 December at +07:00
    assert not reaches(late_31, date(2025, 1, 1), hcm)
    assert reaches({**late_31, INSTANT_KEY: "2024-12-31T17:00:00Z"}, date(2025, 1, 1), hcm)
    assert reaches(late_31, date(2025, 1, 1))  # without the zone: by the day as written
    # A stamp written without an offset is local: 02:00 on 1 January at -05:00 is 07:00 UTC,
    # but julianday() took it for 02:00 UTC; the day as written still says so.
    naive = {LATEST_KEY: "2025-01-01", PLAIN_KEY: "2024-12-31",
             INSTANT_KEY: "2025-01-01T02:00:00Z"}
    assert reaches(naive, date(2025, 1, 1), bogota)
    # A damaged manifest (a mark not text): attached, as when it says nothing.
    assert reaches({**late_31, INSTANT_KEY: 20241231}, date(2025, 1, 1), hcm)


def _has_index(db: Database, schema: str, name: str) -> bool:
    return db.execute(f"SELECT EXISTS (SELECT 1 FROM {schema}.sqlite_master WHERE type = "
                      "'index' AND name = ?)", (name,)).fetchone()[0] == 1


def test_the_statistics_build_a_deferred_index_only_when_they_look_rows_up_by_it(station):
    """With the statistics' deferred indexes (as `kiosk report` reads; a window's lane can
    through archives_of) an unpacked year gets none of them at first; the kept days' figures
    read it without any; computing days of an archived year again from its records builds
    the queue events' ticket index on the years holding them; and every figure is the one
    read before archiving."""
    from kiosk.archive.reading import archives_of
    from kiosk.stats.compute import DEFERRED_INDEXES

    first, last = date(2024, 1, 1), date(2026, 12, 31)
    db = connect(station / "kiosk.db")
    try:
        before = office_stats(db, first, last, TZ, keep_days=False)
        office_stats(db, first, last, TZ)  # keeps the settled days
    finally:
        db.conn.close()
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    index = "read_queue_events_by_ticket_id"
    db = connect(station / "kiosk.db")
    try:
        with archives_of(db, start=first, end=last, deferred=DEFERRED_INDEXES) as years:
            assert years == [2024, 2025]
            for schema in ("archive_2024", "archive_2025"):
                assert not _has_index(db, schema, index)
                assert not _has_index(db, schema, "read_tickets_by_uid")
                assert _has_index(db, schema, "read_tickets_by_day")  # not deferred
            kept = office_stats(db, first, last, TZ)
            assert not _has_index(db, "archive_2024", index)  # the kept days: no look-up
            computed = office_stats(db, first, last, TZ, keep_days=False)
            held = [y for y in years if db.execute(
                f"SELECT count(*) FROM archive_{y}.tickets").fetchone()[0]]
            assert held
            assert all(_has_index(db, f"archive_{y}", index) for y in held)
        with with_archives(db, station / "archive", start=first, end=last) as years:
            assert all(_has_index(db, f"archive_{y}", index) for y in years)  # all at once
            everything = office_stats(db, first, last, TZ, keep_days=False)
    finally:
        db.conn.close()
    assert kept == computed == everything == before


def test_the_years_a_range_needs_are_found_without_reading_older_manifests(station):
    """A year's manifest is megabytes of JSON (its dossiers' public look-up): a range is
    matched to the years by the files' names, and only the manifests of the years it may
    need are read."""
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    folder = station / "archive"
    assert [a.year for a in files.archived_years(folder)] == [2024, 2025]
    files._manifests.clear()
    assert needed_years(folder, date(2025, 3, 1)) == [2025]
    assert set(files._manifests) == {files.manifest_file(folder, 2025)}
    assert needed_years(folder, date(2024, 3, 1)) == [2024, 2025]
    assert needed_years(folder, None) == [2024, 2025]
    (folder / "kiosk-archive-2031.db.xz.tmp").write_bytes(b"")  # not a year's file
    assert needed_years(folder, None) == [2024, 2025]


def test_an_archived_years_day_sums_are_kept_by_its_identity_and_added_up_again_when_it_changes(
        station):
    """The day fingerprints over an archived year take its sums from what the first reading
    kept (stats_days, by the identity its manifest gives its tickets and queue events): the
    same fingerprints as before archiving; kept sums of another identity, or damaged ones,
    are added up again and replaced."""
    import zlib

    from kiosk.archive.reading import _identity
    from kiosk.stats import days

    first, last = date(2024, 1, 1), date(2026, 12, 31)
    db = connect(station / "kiosk.db")
    try:
        live = days.fingerprints(db, first, last)
        before = office_stats(db, first, last, TZ, keep_days=False)
    finally:
        db.conn.close()
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    kept_sql = (f"SELECT day, sources, data FROM stats_days WHERE zone = '{days.ARCHIVED_ZONE}' "
                "ORDER BY day")
    db = connect(station / "kiosk.db")
    try:
        with with_archives(db, station / "archive", start=first, end=last) as years:
            assert years == [2024, 2025]
            assert office_stats(db, first, last, TZ) == before  # adds the years up, keeps them
        kept = db.execute(kept_sql).fetchall()
        assert [r[0] for r in kept] == ["archive_2024", "archive_2025"]
        assert kept[0][1] == _identity(files.read_manifest(station / "archive", 2024))
        with with_archives(db, station / "archive", start=first, end=last):
            fresh: list = []
            assert days.fingerprints(db, first, last, fresh) == live
            assert fresh == []  # both years from what was kept
            # What is kept is what is read: sums made wrong under the same identity show.
            data = json.loads(zlib.decompress(kept[0][2]))
            data["events"][0][1] += 1
            db.conn.execute("UPDATE stats_days SET data = ? WHERE day = 'archive_2024' AND "
                            "zone = ?", (zlib.compress(json.dumps(data).encode()),
                                         days.ARCHIVED_ZONE))
            assert days.fingerprints(db, first, last) != live
            # Another identity (the year's file rewritten), or damaged: added up again.
            db.conn.execute("UPDATE stats_days SET sources = 'another' WHERE day = "
                            "'archive_2024'")
            db.conn.execute("UPDATE stats_days SET data = x'00' WHERE day = 'archive_2025'")
            db.conn.commit()
            assert days.fingerprints(db, first, last, fresh) == live
            assert sorted(f[0] for f in fresh) == ["archive_2024", "archive_2025"]
            # Well-formed but of the wrong types (a day that is not text): added up again too.
            bad = json.loads(zlib.decompress(kept[0][2]))
            bad["tickets"][0][0] = 20240102
            db.conn.execute("UPDATE stats_days SET sources = ?, data = ? WHERE day = "
                            "'archive_2024'", (kept[0][1],
                                               zlib.compress(json.dumps(bad).encode())))
            db.conn.commit()
            fresh = []
            assert days.fingerprints(db, first, last, fresh) == live
            assert sorted(f[0] for f in fresh) == ["archive_2024", "archive_2025"]
            assert office_stats(db, first, last, TZ) == before  # and kept again
        assert db.execute(kept_sql).fetchall() == kept
    finally:
        db.conn.close()
    # A manifest that is not its file's (the file replaced by hand): not trusted, the year
    # is read by range.
    manifest = files.read_manifest(station / "archive", 2024)
    files.write_manifest(station / "archive", 2024, {**manifest, "file_sha256": "0" * 64})
    db = connect(station / "kiosk.db")
    try:
        with with_archives(db, station / "archive", start=first, end=last):
            from kiosk.archive.reading import archive_identity

            assert archive_identity(db, "archive_2024") is None
            assert archive_identity(db, "archive_2025") == kept[1][1]
            fresh = []
            assert days.fingerprints(db, first, last, fresh) == live
            assert fresh == []  # 2024 by range, not kept; 2025 from what was kept
    finally:
        db.conn.close()
    # A manifest that does not give the tables' checksums: the year is read by range.
    assert _identity(None) is None
    manifest = files.read_manifest(station / "archive", 2024)
    assert _identity({**manifest, "rows_sha256": {}}) is None
    assert _identity({**manifest, "rows": {"tickets": "1", "queue_events": 2}}) is None


def _stats_2025(station: Path, keep: bool = True):
    """The office's figures of 2025, read with the archived years it needs."""
    db = connect(station / "kiosk.db")
    try:
        with with_archives(db, station / "archive", start=date(2025, 1, 1),
                           end=date(2025, 12, 31)):
            return office_stats(db, date(2025, 1, 1), date(2025, 12, 31), TZ, keep_days=keep)
    finally:
        db.conn.close()


@pytest.mark.parametrize("copy", ["unpacked", "kept"])
def test_a_report_racing_the_monthly_run_keeps_no_year_sums_of_the_copy_it_did_not_read(
        station, monkeypatch, copy):
    """The monthly run replaces a year's file and manifest while a report has just unpacked
    the old file, or chosen the copy of it an earlier reading kept: the sums that report adds
    up over the old copy must not be kept under the new file's identity, or every later
    report would trust them; and the report itself sees the folder changed and attaches the
    years again, so that the month moved meanwhile is counted. (The run is started from
    inside the report's unpacking or its choice of the kept copy, the places it can race; the
    unpacking itself runs.)"""
    from kiosk.archive import reading

    assert kiosk(station, "archive", "--before", "2025-07-01") == 0

    _stats_2025(station)  # 2025's sums kept under its first identity; its copy kept
    if copy == "unpacked":
        files.forget_kept(station / "archive")
    module, name = (files, "decompress") if copy == "unpacked" else (reading, "_used")
    real, fired = getattr(module, name), []

    def then_the_run(*args, **kw):
        real(*args, **kw)
        if not fired:
            fired.append(1)
            assert kiosk(station, "archive", "--before", "2026-01-01") == 0

    monkeypatch.setattr(module, name, then_the_run)
    racing = _stats_2025(station)  # the old copy read, the moved live rows gone: attached again
    assert fired
    monkeypatch.setattr(module, name, real)
    assert racing == _stats_2025(station) == _stats_2025(station, keep=False)


def test_a_later_years_file_that_starts_after_the_range_is_not_attached(station, tmp_path):
    """A year's file also holds earlier days' records whose last activity fell in its year
    (a dossier received on 31 December, handed back in January): its manifest's earliest day
    says which earlier ranges still need it; the figures stay those of the live days."""
    from kiosk.archive.reading import EARLIEST_KEY
    from tests.archive.test_archive import reports

    before = reports(station, tmp_path / "before")
    assert kiosk(station, "archive", "--before", "2026-04-01") == 0
    folder = station / "archive"
    earliest = {y: files.read_manifest(folder, y)[EARLIEST_KEY] for y in (2024, 2025, 2026)}
    assert earliest[2024] == "2024-03-04"
    assert earliest[2025] == "2024-12-30"  # the dossiers of 30 December handed back in 2025
    assert earliest[2026] == "2025-12-31"
    assert needed_years(folder, date(2024, 1, 1), date(2024, 12, 31)) == [2024, 2025]
    assert needed_years(folder, date(2024, 1, 1), date(2025, 12, 29)) == [2024, 2025]
    # a day's margin: a stamp written with another offset may read a day later
    assert needed_years(folder, date(2024, 1, 1), date(2025, 12, 30)) == [2024, 2025, 2026]
    assert needed_years(folder, date(2024, 1, 1)) == [2024, 2025, 2026]
    assert reports(station, tmp_path / "after") == before
    # A manifest that does not say (written before the mark): attached, as before.
    manifest = files.read_manifest(folder, 2026)
    files.write_manifest(folder, 2026, {k: v for k, v in manifest.items() if k != EARLIEST_KEY})
    assert needed_years(folder, date(2024, 1, 1), date(2024, 12, 31)) == [2024, 2025, 2026]
    for damaged in ("2026/01/01", 20260101, "", None):  # one that is not a day: attached too
        files.write_manifest(folder, 2026, {**manifest, EARLIEST_KEY: damaged})
        assert needed_years(folder, date(2024, 1, 1), date(2024, 12, 31)) == [2024, 2025, 2026]


def test_a_rated_ticket_issued_before_the_range_is_looked_up_over_archived_years(station):
    """A rating in the range whose ticket was issued before it (its clerk is not among the
    range's tickets): the clerk of its last call is read from the archived queue events by the
    ticket's id, beside print failures whose detail is the printer's plain message (not
    JSON); the figures are those read before archiving."""
    from kiosk.ticketing import TicketDesk

    config = Config()
    db = connect(station / "kiosk.db")
    try:
        desk = TicketDesk(db, config)
        old = desk.get(db.execute("SELECT id FROM tickets WHERE day = '2024-03-04' "
                                  "ORDER BY id LIMIT 1").fetchone()[0])
        desk.record_print(old, False, "Máy in hết giấy",
                          at=datetime(2024, 3, 4, 16, 0, tzinfo=ZoneInfo(TZ)))
        db.conn.execute("UPDATE ratings SET ticket_uid = ? WHERE id = (SELECT min(id) FROM "
                        "ratings WHERE at LIKE '2024-12-30%')", (old.uid,))
        db.conn.commit()
        first, last = date(2024, 12, 30), date(2024, 12, 31)
        before = office_stats(db, first, last, TZ, keep_days=False)
    finally:
        db.conn.close()
    assert before.results.total.rated
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    db = connect(station / "kiosk.db")
    try:
        with with_archives(db, station / "archive", start=first, end=last) as years:
            assert years
            after = office_stats(db, first, last, TZ, keep_days=False)
    finally:
        db.conn.close()
    assert after == before


def test_a_station_unpacks_its_years_with_isa_l():
    """The isal wheel is a dependency: a reading unpacks with ISA-L's inflate, not the slower
    zlib fallback (tests/archive/test_gzstreams.py reads every file both ways)."""
    from isal import isal_zlib

    from kiosk.archive import gzstreams

    assert gzstreams._inflating is isal_zlib


def test_a_reading_attaches_again_at_most_a_few_times_and_leaves_nothing_behind(station,
                                                                               monkeypatch):
    """A folder that changes at every look (runs replacing years without end) is attached
    READ_ATTEMPTS times, then read as it stands; each attachment is undone and its copies
    removed, but for the last attachment's, kept for the next readings."""
    from itertools import count

    from kiosk.archive import reading

    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    looks, unpacked, real = count(), [], files.decompress
    monkeypatch.setattr(files, "folder_state", lambda folder: next(looks))

    def counted(src, dst, **kw):
        unpacked.append(src.name)
        real(src, dst, **kw)

    monkeypatch.setattr(files, "decompress", counted)
    db = connect(station / "kiosk.db")
    try:
        with with_archives(db, station / "archive", start=date(2024, 1, 1),
                           end=date(2024, 12, 31)) as years:
            assert years == [2024, 2025]
            schemas = [r[1] for r in db.execute("PRAGMA database_list").fetchall()]
            assert sorted(s for s in schemas if s.startswith("archive_")) == [
                "archive_2024", "archive_2025"]
            assert db.execute("SELECT count(*) FROM tickets").fetchone()[0] > 0
        assert len(unpacked) == reading.READ_ATTEMPTS * 2
        assert not [r[1] for r in db.execute("PRAGMA database_list").fetchall()
                    if r[1].startswith("archive_")]
        copies = station / reading.READING_DIR
        assert sorted(f"{p.parent.name}/{p.name.split('-')[0]}" for p in copies.rglob("*")
                      if p.is_file()) == [f"{reading.KEPT_DIR}/2024", f"{reading.KEPT_DIR}/2025"]
    finally:
        db.conn.close()


def test_a_run_while_the_views_are_made_has_the_years_attached_again(station, monkeypatch):
    """The folder is compared once the views are made, the last step before the reader's
    snapshot: a monthly run replacing 2025 and deleting its live rows while the views over the
    old copy were being made does not leave the moved month out."""
    from kiosk.archive import reading

    assert kiosk(station, "archive", "--before", "2025-07-01") == 0
    real, fired = reading.shares_keys, []

    def then_the_run(db, table, schema):
        if not fired:
            fired.append(1)
            assert kiosk(station, "archive", "--before", "2026-01-01") == 0
        return real(db, table, schema)

    monkeypatch.setattr(reading, "shares_keys", then_the_run)
    racing = _stats_2025(station, keep=False)
    assert fired
    monkeypatch.setattr(reading, "shares_keys", real)
    assert racing == _stats_2025(station, keep=False)


def test_a_failure_while_the_1_january_year_is_looked_at_leaves_it_detached(station,
                                                                             monkeypatch):
    """The year before a 1 January range, attached to look at how late its stamps go (its
    manifest does not say), is detached again when looking fails: the connection (a window's
    lane keeps its own) reads archived years again afterwards."""
    from kiosk.archive import reading

    assert kiosk(station, "archive", "--before", "2025-01-01") == 0
    manifest = files.read_manifest(station / "archive", 2024)
    files.write_manifest(station / "archive", 2024, {
        k: v for k, v in manifest.items()
        if k not in (LATEST_KEY, reading.PLAIN_KEY, reading.INSTANT_KEY)})

    def failing(*args):
        raise sqlite3.OperationalError("disk I/O error")

    db = connect(station / "kiosk.db")
    try:
        monkeypatch.setattr(reading, "holds_from", failing)
        with (pytest.raises(sqlite3.OperationalError),
              with_archives(db, station / "archive", start=date(2025, 1, 1))):
            pass
        assert not [r[1] for r in db.execute("PRAGMA database_list").fetchall()
                    if r[1].startswith("archive_")]
        monkeypatch.undo()
        with with_archives(db, station / "archive", start=date(2025, 1, 1)) as years:
            assert years == []  # nothing of 2024 that late
    finally:
        db.conn.close()


def test_the_logbook_builds_no_index_on_the_copies_and_reads_no_history(station):
    """The logbook reads each year's dossiers by day once: the unpacked copies get no index
    (building them was most of a year's reading) and no dossier's history is read (the
    logbook shows none); the rows are those read before archiving."""
    from kiosk.archive.reading import EVERY_INDEX
    from kiosk.dossiers import DossierDesk
    from kiosk.dossiers.logbook import logbook_rows

    first, last = date(2024, 1, 1), date(2025, 12, 31)
    db = connect(station / "kiosk.db")
    try:
        before = logbook_rows(DossierDesk(db, Config()), first, last)
    finally:
        db.conn.close()
    assert before
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    db = connect(station / "kiosk.db")
    seen: list[str] = []
    try:
        with with_archives(db, station / "archive", start=first, end=last,
                           deferred=EVERY_INDEX) as years:
            assert years == [2024, 2025]
            for year in years:
                assert db.execute(f"SELECT count(*) FROM archive_{year}.sqlite_master WHERE "
                                  "type = 'index' AND sql IS NOT NULL").fetchone()[0] == 0
            db.conn.set_trace_callback(seen.append)
            after = logbook_rows(DossierDesk(db, Config()), first, last)
            db.conn.set_trace_callback(None)
    finally:
        db.conn.close()
    assert after == before
    assert seen and not [sql for sql in seen if "dossier_events" in sql]
