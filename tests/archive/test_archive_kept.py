"""The copies of archived years a reading unpacked, kept for the next readings
(kiosk/archive/reading.py, "kept copies"): used only while they are the year's file as its
manifest names it, never written, flushed before they are kept, removed when the year is
written again, and only a few kept, for a month at most."""

from __future__ import annotations

import hashlib
import os
import time
from datetime import date
from pathlib import Path

import pytest

from kiosk.archive import files, reading
from kiosk.archive.reading import EVERY_INDEX, ensure_index, with_archives
from kiosk.stats import office_stats
from kiosk.stats.compute import DEFERRED_INDEXES
from kiosk.store import connect
from tests.archive.test_archive import kiosk

TZ = "Asia/Ho_Chi_Minh"
YEAR_2025 = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture
def unpacked(monkeypatch) -> list[str]:
    """The archive files readings unpack from now on (the unpacking itself runs)."""
    names: list[str] = []
    real = files.decompress

    def counted(src, dst, **kw):
        names.append(src.name)
        real(src, dst, **kw)

    monkeypatch.setattr(files, "decompress", counted)
    return names


def _figures(station: Path, deferred=DEFERRED_INDEXES, span=YEAR_2025):
    db = connect(station / "kiosk.db")
    try:
        with with_archives(db, station / "archive", start=span[0], end=span[1], tz=None,
                           deferred=deferred) as years:
            return years, office_stats(db, span[0], span[1], TZ, keep_days=False)
    finally:
        db.conn.close()


def _kept(station: Path) -> dict[int, Path]:
    folder = files.kept_folder(station / "archive")
    return {int(p.name.split("-")[0]): p for p in folder.glob("*.db")} if folder.is_dir() \
        else {}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_second_reading_attaches_the_kept_copies_and_unpacks_nothing(station, unpacked):
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    years, first = _figures(station)
    assert years == [2025] and unpacked == ["kiosk-archive-2025.db.gz"]
    kept = _kept(station)
    manifest = files.read_manifest(station / "archive", 2025)
    assert kept[2025].name == files.kept_name(2025, manifest["file_sha256"])
    assert oct(kept[2025].stat().st_mode & 0o777) == "0o600"
    # this reading's own folder went; the kept copy is all that is left
    assert [p.name for p in (station / reading.READING_DIR).iterdir()] == [reading.KEPT_DIR]
    before = _digest(kept[2025])
    unpacked.clear()
    years, again = _figures(station)
    assert years == [2025] and unpacked == []
    assert again == first
    assert _digest(kept[2025]) == before  # read as it is
    # A reading that builds no index (the logbook) reads the kept copy too, and keeps none
    # of its own.
    _figures(station, deferred=EVERY_INDEX)
    assert unpacked == [] and list(_kept(station)) == [2025]


def test_a_year_written_again_is_unpacked_again_and_its_old_copy_goes(station, unpacked):
    """The monthly run moving July to December into 2025's file removes the readings' copy of
    the file as it was; the next reading unpacks the new one (and counts the months moved),
    the other years' copies stay."""
    assert kiosk(station, "archive", "--before", "2025-07-01") == 0
    _figures(station, span=(date(2024, 1, 1), date(2025, 12, 31)))
    old = _kept(station)
    assert sorted(old) == [2024, 2025]
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    assert _kept(station) == {2024: old[2024]}
    unpacked.clear()
    _, after = _figures(station)
    assert unpacked == ["kiosk-archive-2025.db.gz"]
    new = _kept(station)
    assert new[2024] == old[2024] and new[2025] != old[2025]
    assert new[2025].name == files.kept_name(
        2025, files.read_manifest(station / "archive", 2025)["file_sha256"])
    # the same figures as the live rows gave before: nothing counted from the old copy
    from kiosk.archive.files import forget_kept

    forget_kept(station / "archive")
    assert _kept(station) == {}
    assert _figures(station)[1] == after


def test_a_copy_of_a_file_that_is_no_longer_the_years_is_not_used(station, unpacked):
    """A kept copy whose file was replaced behind the runs' back (a copy in use on Windows
    when its year was written again stays until the year's next reading) is not read: the
    manifest names another file."""
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    _, first = _figures(station)
    stale = _kept(station)[2025]
    wrong = stale.with_name(files.kept_name(2025, "0" * 64))
    stale.rename(wrong)
    unpacked.clear()
    _, again = _figures(station)
    assert unpacked == ["kiosk-archive-2025.db.gz"] and again == first
    assert not wrong.exists() and _kept(station)[2025] == stale


@pytest.mark.parametrize("cut", ["half", "header", "empty"])
def test_a_cut_kept_copy_is_unpacked_again(station, unpacked, cut):
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    _, first = _figures(station)
    copy = _kept(station)[2025]
    with open(copy, "r+b") as f:
        f.truncate({"half": copy.stat().st_size // 2, "header": 50, "empty": 0}[cut])
    unpacked.clear()
    _, again = _figures(station)
    assert unpacked == ["kiosk-archive-2025.db.gz"] and again == first
    assert reading._whole(copy)  # kept anew


def test_a_kept_copy_removed_before_it_is_attached_is_not_read_as_an_empty_year(
        station, unpacked, monkeypatch):
    """Another reading removes the copy (beyond the few kept) between this reading's look at
    it and its attaching: attached read-only, it is not made anew, empty; the year is
    unpacked and its figures (and the sums kept from them) are the year's."""
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    _, first = _figures(station)
    real = reading._whole

    def then_gone(path):
        whole = real(path)
        if whole and path.parent == files.kept_folder(station / "archive"):
            path.unlink()
        return whole

    monkeypatch.setattr(reading, "_whole", then_gone)
    unpacked.clear()
    db = connect(station / "kiosk.db")
    try:
        with with_archives(db, station / "archive", start=YEAR_2025[0], end=YEAR_2025[1]):
            racing = office_stats(db, *YEAR_2025, TZ)  # its sums kept
    finally:
        db.conn.close()
    monkeypatch.setattr(reading, "_whole", real)
    assert unpacked == ["kiosk-archive-2025.db.gz"]
    assert racing == first == _figures(station)[1]
    later = connect(station / "kiosk.db")
    try:
        with with_archives(later, station / "archive", start=YEAR_2025[0], end=YEAR_2025[1]):
            assert office_stats(later, *YEAR_2025, TZ) == first  # from the sums kept
    finally:
        later.conn.close()


def test_a_kept_copy_is_never_written_a_look_up_reads_it_without_the_index(station):
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    _figures(station)
    copy = _kept(station)[2025]
    before = _digest(copy)
    db = connect(station / "kiosk.db")
    try:
        with with_archives(db, station / "archive", start=YEAR_2025[0], end=YEAR_2025[1],
                           deferred=DEFERRED_INDEXES):
            ensure_index(db, "dossiers", ("uid",))  # deferred: not in the kept copy
            assert not db.execute("SELECT count(*) FROM archive_2025.sqlite_master WHERE "
                                  "name = 'read_dossiers_by_uid'").fetchone()[0]
            uid = db.execute("SELECT max(uid) FROM archive_2025.dossiers").fetchone()[0]
            found = db.execute("SELECT code FROM dossiers WHERE uid IN (?)", (uid,)).fetchall()
        assert len(found) == 1
        with with_archives(db, station / "archive", years=[2025], deferred=EVERY_INDEX):
            assert found == db.execute("SELECT code FROM archive_2025.dossiers WHERE uid = ?",
                                       (uid,)).fetchall()
    finally:
        db.conn.close()
    assert _digest(copy) == before


def test_a_reading_wanting_more_indexes_unpacks_again_and_keeps_its_copy(station, unpacked):
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    _figures(station, deferred=DEFERRED_INDEXES)
    fewer = _kept(station)[2025]
    count = _index_count(fewer)
    unpacked.clear()
    _, every = _figures(station, deferred=())  # every index the readers use
    assert unpacked == ["kiosk-archive-2025.db.gz"]
    assert _index_count(_kept(station)[2025]) > count
    unpacked.clear()
    assert _figures(station, deferred=DEFERRED_INDEXES)[1] == every
    assert unpacked == []


def _index_count(path: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                            ).fetchone()[0]
    finally:
        conn.close()


def test_only_the_most_recently_used_copies_are_kept_and_for_a_month(tmp_path):
    folder = tmp_path / "station" / "archive"
    folder.mkdir(parents=True)
    kept = files.kept_folder(folder)
    kept.mkdir(parents=True)
    now = time.time()
    ages = {2020: 40, 2021: 20, 2022: 3, 2023: 2, 2024: 1}  # days since last used
    for year, days in ages.items():
        files.write_manifest(folder, year, {"year": year, "file_sha256": f"{year:064x}"})
        path = kept / files.kept_name(year, f"{year:064x}")
        path.write_bytes(b"")
        os.utime(path, (now - days * 86400, now - days * 86400))
    (kept / "leftover.tmp").write_bytes(b"")
    # a copy of a file its year no longer is, and one of a year with no manifest
    (kept / files.kept_name(2024, "f" * 64)).write_bytes(b"")
    (kept / files.kept_name(2019, f"{2019:064x}")).write_bytes(b"")
    reading.unpack_folder(folder)  # every reading looks first
    assert sorted(int(p.name[:4]) for p in kept.iterdir()) == [2022, 2023, 2024]
    assert (kept / files.kept_name(2024, f"{2024:064x}")).exists()
    os.utime(kept / files.kept_name(2022, f"{2022:064x}"), (now - 32 * 86400,) * 2)
    reading.unpack_folder(folder)
    assert sorted(int(p.name[:4]) for p in kept.iterdir()) == [2023, 2024]


def test_the_doctor_says_which_copies_are_kept_and_how_large(station):
    from kiosk.config import Config
    from kiosk.diagnostics.checks import check_archive, run_checks
    from kiosk.diagnostics.results import PASS
    from kiosk.paths import Paths

    def kept_lines():
        return [r for r in run_checks(Paths(station, station / "kiosk.toml"), config=Config(),
                                      checks=[check_archive]) if "copies kept" in r.detail]

    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    assert kept_lines() == []
    _figures(station, span=(date(2024, 1, 1), date(2025, 12, 31)))
    (line,) = kept_lines()
    assert line.status == PASS
    assert "unpacked copies kept for the next reports: 2024, 2025 (" in line.detail
    assert "after 31 days unused" in line.detail


def test_a_manifest_naming_no_sha256_keeps_and_reads_no_copy(station, unpacked):
    """A damaged manifest's `file_sha256` never names a path: no copy is looked for or kept
    by it (the year is still read, unpacked from its file)."""
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    _, first = _figures(station)
    manifest = files.read_manifest(station / "archive", 2025)
    manifest["file_sha256"] = "../../../outside"
    files.write_manifest(station / "archive", 2025, manifest)
    files.forget_kept(station / "archive")
    unpacked.clear()
    _, again = _figures(station)
    assert unpacked == ["kiosk-archive-2025.db.gz", "kiosk-archive-2025.db.gz"]
    assert again == first and _kept(station) == {}
    assert sorted(p.name for p in station.iterdir() if p.name.startswith("outside")) == []


def test_a_data_folder_named_with_hash_and_percent_archives_and_keeps_as_any(station, tmp_path,
                                                                             unpacked):
    """`file:` URIs of the archive's work file and of the kept copies are percent-encoded:
    a `#` would cut the path short (an empty stray database read instead: a manifest listing
    no dossier and no personal data, so never purged), a `%20` would be decoded."""
    import shutil

    odd = tmp_path / "dữ liệu #1 %20x" / "station"
    shutil.copytree(station, odd)
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    assert kiosk(odd, "archive", "--before", "2026-01-01") == 0
    plain, weird = (files.read_manifest(s / "archive", 2025) for s in (station, odd))
    assert weird["dossiers"] and weird["dossiers"] == plain["dossiers"]
    assert weird["personal"] == plain["personal"] and weird["rows"] == plain["rows"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["station", odd.parent.name])
    _, first = _figures(odd)
    unpacked.clear()
    assert _figures(odd)[1] == first and unpacked == []
    assert first == _figures(station)[1]


def test_no_copy_is_kept_while_a_rewrite_waits_for_its_manifest(station, unpacked,
                                                              monkeypatch):
    """A rewrite cut off between its renames (or whose rename failed): the readings read the
    file and keep no copy (each would be flushed, then removed as not the year's)."""
    kept_now: list[int] = []
    real = reading._keep
    monkeypatch.setattr(reading, "_keep", lambda fresh: (kept_now.append(fresh.year),
                                                         real(fresh)))
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    folder = station / "archive"
    files.pending_file(folder, 2025).write_text(
        files.manifest_file(folder, 2025).read_text(encoding="utf-8"), encoding="utf-8")
    _, first = _figures(station)
    _, again = _figures(station)
    assert unpacked == ["kiosk-archive-2025.db.gz"] * 2 and again == first
    assert _kept(station) == {} and kept_now == []
    assert not [p for p in (station / reading.READING_DIR).rglob("*") if p.is_file()]
