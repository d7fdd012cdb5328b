"""Archived years in `kiosk doctor`, in backups (each file once) and back with a restore."""

from __future__ import annotations

import json
import shutil

import pytest

from kiosk.archive import files
from kiosk.backup.schedule import backup_round
from kiosk.config import Config
from kiosk.diagnostics.checks import check_archive, run_checks
from kiosk.diagnostics.results import FAIL, PASS
from kiosk.paths import Paths
from tests.archive.test_archive import kiosk, reports, seed_station

#: The years rule ([store] archive_keep_months = 0): 2025 and 2026 stay live, nothing waits.
YEARS = Config().with_values(store={"archive_keep_months": 0})


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    data = seed_station(tmp_path_factory.mktemp("arch") / "station")
    assert kiosk(data, "archive", "--before", "2026-01-01") == 0
    return data


@pytest.fixture
def station(archived, tmp_path):
    data = tmp_path / "station"
    shutil.copytree(archived, data)
    return data


def test_doctor_lists_the_archived_years_verified_and_fails_a_damaged_one(station):
    paths = Paths(station, station / "kiosk.toml")
    results = run_checks(paths, config=YEARS, checks=[check_archive])
    assert [r.status for r in results] == [PASS, PASS]
    assert "2024: kiosk-archive-2024.db.gz" in results[0].detail
    assert "verified" in results[0].detail and "kB" in results[0].detail
    f = files.year_file(station / "archive", 2025)
    f.write_bytes(f.read_bytes()[:-10])
    results = run_checks(paths, config=YEARS, checks=[check_archive])
    assert [r.status for r in results] == [PASS, FAIL]
    assert "kiosk archive" in results[1].fix
    empty = Paths(station / "none", station / "none" / "kiosk.toml")
    (res,) = run_checks(empty, config=YEARS, checks=[check_archive])
    assert res.status == PASS and "no archived year" in res.detail


def test_backups_carry_each_archive_file_once_and_a_restore_brings_them_back(
        station, tmp_path, capsys):
    out = tmp_path / "usb"
    out.mkdir()
    assert kiosk(station, "backup", "--out", str(out / "b1.db.gz"), "--json") == 0
    first = json.loads(capsys.readouterr().out)
    assert sorted(p.rsplit("/", 1)[1] for p in first["archives_copied"]) == [
        "kiosk-archive-2024.db.gz", "kiosk-archive-2025.db.gz"]
    assert kiosk(station, "backup", "--out", str(out / "b2.db.gz"), "--json") == 0
    assert json.loads(capsys.readouterr().out)["archives_copied"] == []  # once
    kept = next(out.glob("kiosk-archive-*"))
    assert kept.is_dir() and oct(kept.stat().st_mode & 0o777) == "0o700"

    # The scheduled backups to a folder do the same.
    folder = tmp_path / "scheduled"
    folder.mkdir()
    config = Config().with_values(backup={"folder": str(folder)})
    paths = Paths(station, station / "kiosk.toml")
    assert backup_round(config, paths).ok
    copies = sorted(p.name for p in folder.glob("kiosk-archive-*/*.gz"))
    assert copies == ["kiosk-archive-2024.db.gz", "kiosk-archive-2025.db.gz"]
    stamp = [p.stat().st_mtime_ns for p in folder.glob("kiosk-archive-*/*.gz")]
    assert backup_round(config, paths).ok
    assert [p.stat().st_mtime_ns for p in folder.glob("kiosk-archive-*/*.gz")] == stamp

    # A PC whose data folder was lost: the backup and its archived years come back.
    before = reports(station, tmp_path / "before")
    capsys.readouterr()
    shutil.rmtree(station / "archive")
    (station / "kiosk.db").unlink()
    for side in ("-wal", "-shm"):
        (station / f"kiosk.db{side}").unlink(missing_ok=True)
    assert kiosk(station, "restore", str(out / "b1.db.gz"), "--json") == 0
    restored = json.loads(capsys.readouterr().out)
    assert len(restored["archives_restored"]) == 2
    assert reports(station, tmp_path / "after") == before


def test_a_range_attaches_only_the_years_it_can_reach(archived):
    from datetime import date

    from kiosk.archive.reading import needed_years

    folder = archived / "archive"
    assert needed_years(folder, date(2026, 1, 1)) == [2025]  # 1 January: the year before too
    assert needed_years(folder, date(2026, 1, 2)) == []
    assert needed_years(folder, date(2025, 3, 1)) == [2025]
    assert needed_years(folder, date(2024, 6, 1)) == [2024, 2025]


def test_a_failed_archive_copy_still_rotates_and_is_reported_as_such(station, tmp_path):
    import os
    import time

    from kiosk.backup.files import PREFIX, station_backups

    folder = tmp_path / "scheduled"
    folder.mkdir()
    config = Config().with_values(backup={"folder": str(folder), "keep": 1})
    paths = Paths(station, station / "kiosk.toml")
    # Where the archived years go is taken by a file: copying them fails at every round.
    (folder / files.backup_folder_name(config.station.id)).write_text("not a folder")
    stale = folder / f".{PREFIX}half-written"
    stale.write_bytes(b"x")
    old = time.time() - 3 * 86400
    os.utime(stale, (old, old))
    for _ in range(3):
        result = backup_round(config, paths)
        assert not result.ok
        assert "was made, but the archived years were not copied" in result.folder_error
        time.sleep(1.1)  # backups are named by the second
    assert len(station_backups(folder, config.station.id)) == 1  # rotated all the same
    assert not stale.exists()


def test_a_restore_copies_only_missing_years_and_keeps_the_station_s_own(
        station, tmp_path, capsys):
    import gzip
    import hashlib

    out = tmp_path / "usb"
    out.mkdir()
    assert kiosk(station, "backup", "--out", str(out / "b1.db.gz")) == 0
    folder = station / "archive"
    # The station's 2025 changed since the backup (a late record rewrote it): newer here.
    newer = gzip.compress(b"the year as rewritten later")
    files.year_file(folder, 2025).write_bytes(newer)
    manifest = files.read_manifest(folder, 2025)
    manifest["file_sha256"] = hashlib.sha256(newer).hexdigest()
    files.write_manifest(folder, 2025, manifest)
    files.year_file(folder, 2024).unlink()

    def restore() -> dict:
        (station / "kiosk.db").unlink()
        for side in ("-wal", "-shm"):
            (station / f"kiosk.db{side}").unlink(missing_ok=True)
        capsys.readouterr()
        assert kiosk(station, "restore", str(out / "b1.db.gz"), "--json") == 0
        return json.loads(capsys.readouterr().out)

    report = restore()
    assert [p.rsplit("/", 1)[1] for p in report["archives_restored"]] == [
        "kiosk-archive-2024.db.gz"]
    assert report["archive_warnings"] == []
    assert files.year_file(folder, 2025).read_bytes() == newer  # not replaced by the older
    # A year here that does not check against its own manifest: kept, and named.
    files.year_file(folder, 2025).write_bytes(newer[:-4])
    report = restore()
    assert report["archives_restored"] == []
    assert len(report["archive_warnings"]) == 1 and "2025" in report["archive_warnings"][0]
    assert files.year_file(folder, 2025).read_bytes() == newer[:-4]


def test_a_restore_cut_off_between_a_year_and_its_manifest_is_finished_by_the_next(
        archived, tmp_path):
    """The file is renamed in before its manifest: a power cut between leaves the year's file
    without a manifest, which the next restore copies again (a year without its manifest is
    not one the station holds: the doctor fails it, nothing can extend or back it up)."""
    source = archived / "archive"
    dest = tmp_path / "restored"
    dest.mkdir()
    shutil.copyfile(files.year_file(source, 2024), dest / files.year_file(source, 2024).name)
    copied, warnings = files.restore_years(source, dest)
    assert warnings == []
    assert sorted(p.name for p in copied) == ["kiosk-archive-2024.db.gz",
                                              "kiosk-archive-2025.db.gz"]
    assert all(files.check(entry) is None for entry in files.archived_years(dest))
    # An xz year without its manifest beside a backup's gzip copy: one file left, the copy's.
    from tests.archive.test_archive_months import as_xz

    elsewhere = tmp_path / "xz"
    shutil.copytree(source, elsewhere)
    xz = as_xz(elsewhere, 2024)
    files.manifest_file(dest, 2024).unlink()
    files.year_file(dest, 2024).unlink()
    shutil.copyfile(xz, dest / xz.name)
    copied, warnings = files.restore_years(source, dest)
    assert warnings == [] and [p.name for p in copied] == ["kiosk-archive-2024.db.gz"]
    assert sorted(p.name for p in dest.glob("kiosk-archive-2024.db.*")) == [
        "kiosk-archive-2024.db.gz"]


def test_a_year_with_two_files_and_no_readable_manifest_keeps_both(archived, tmp_path):
    """Nothing says which file is the year: neither is removed (`kiosk doctor` fails it)."""
    from tests.archive.test_archive_months import as_xz

    folder = tmp_path / "archive"
    shutil.copytree(archived / "archive", folder)
    gz = files.year_file(folder, 2024)
    kept = gz.read_bytes()
    xz = as_xz(folder, 2024)
    gz.write_bytes(kept)
    files.manifest_file(folder, 2024).write_text("{not json", encoding="utf-8")
    files.finish_pending(folder)
    assert gz.exists() and xz.exists()
    assert files.replaced_files(folder, 2024) == []
