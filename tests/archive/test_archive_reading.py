"""Reading an archived year fast: which years a range from 1 January attaches, and the views
over archived and live rows (kiosk/archive/reading.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

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
