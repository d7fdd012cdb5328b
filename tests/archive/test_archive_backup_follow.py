"""The backup folder's `kiosk-archive-<station>/` follows the station's archive files: one
verified copy per year, the newest; a damaged or half-replaced copy is copied again; a year the
station no longer holds keeps its copy, and `kiosk doctor` says so."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.archive import files
from kiosk.backup.schedule import backup_round
from kiosk.config import Config
from kiosk.diagnostics.checks import check_archive, run_checks
from kiosk.diagnostics.results import PASS, WARN
from kiosk.paths import Paths
from tests.archive.test_archive import kiosk, live_count
from tests.archive.test_archive_months import as_xz


def _copies(kept):
    return sorted(p.name for p in kept.iterdir())


@pytest.mark.parametrize("held", ["gz", "xz"])
def test_the_backup_copy_of_each_year_follows_the_station(station, tmp_path, held):
    """And years written before as xz: copied as they are; a year the station writes again
    as gzip replaces its xz copy."""
    folder = tmp_path / "usb"
    folder.mkdir()
    config = Config().with_values(backup={"folder": str(folder)},
                                  store={"archive_keep_months": 0})  # the years rule
    paths = Paths(station, station / "kiosk.toml")
    kept = folder / files.backup_folder_name(config.station.id)
    mine = station / "archive"
    # A ticket of 2025 the city has not taken yet stays live at the first run.
    conn = sqlite3.connect(station / "kiosk.db")
    late = conn.execute("SELECT uid FROM tickets WHERE day >= '2025-06-01' AND day < "
                        "'2026-01-01' ORDER BY id LIMIT 1").fetchone()[0]
    conn.execute("UPDATE outbox SET sent_at = NULL WHERE record_id = ?", (late,))
    conn.commit()
    conn.close()
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    assert live_count(station, "tickets", f"uid = '{late}'") == 1
    if held == "xz":
        as_xz(mine, 2024)
        as_xz(mine, 2025)
    assert backup_round(config, paths).ok
    assert _copies(kept) == [f"kiosk-archive-2024.db.{held}", "kiosk-archive-2024.json",
                             f"kiosk-archive-2025.db.{held}", "kiosk-archive-2025.json"]
    first_2025 = files.read_manifest(kept, 2025)["file_sha256"]

    # Delivered later: the next run rewrites 2025 with it; the next backup replaces its copy.
    conn = sqlite3.connect(station / "kiosk.db")
    conn.execute("UPDATE outbox SET sent_at = created_at WHERE record_id = ?", (late,))
    conn.commit()
    conn.close()
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    assert live_count(station, "tickets", f"uid = '{late}'") == 0
    now_2025 = files.read_manifest(mine, 2025)["file_sha256"]
    assert now_2025 != first_2025
    assert sorted(p.name for p in mine.glob("*.db.*")) == [f"kiosk-archive-2024.db.{held}",
                                                         "kiosk-archive-2025.db.gz"]
    assert backup_round(config, paths).ok
    assert _copies(kept) == [f"kiosk-archive-2024.db.{held}", "kiosk-archive-2024.json",
                             "kiosk-archive-2025.db.gz", "kiosk-archive-2025.json"]
    assert files.read_manifest(kept, 2025)["file_sha256"] == now_2025
    assert files.sha256_file(files.year_file(kept, 2025)) == now_2025

    # A copy damaged on the drive (same size, same manifest), and one cut off half-way: the
    # next round copies the year again and removes what the cut left.
    copy = files.year_file(kept, 2024)
    raw = bytearray(copy.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    copy.write_bytes(bytes(raw))
    (kept / ".kiosk-archive-2025.db.gz.copy.tmp").write_bytes(b"half")
    assert backup_round(config, paths).ok
    assert files.sha256_file(copy) == files.read_manifest(mine, 2024)["file_sha256"]
    assert not list(kept.glob(".*.tmp"))
    stamp = {p.name: p.stat().st_mtime_ns for p in kept.iterdir()}
    assert backup_round(config, paths).ok  # verified: left alone
    assert {p.name: p.stat().st_mtime_ns for p in kept.iterdir()} == stamp

    # The station lost its 2024 file: the backup keeps its copy (maybe the only one left),
    # and the doctor says where it is.
    assert all(r.status == PASS for r in run_checks(paths, config=config,
                                                    checks=[check_archive]))
    files.year_file(mine, 2024).unlink()
    files.manifest_file(mine, 2024).unlink()
    assert backup_round(config, paths).ok
    assert files.year_file(kept, 2024).exists()
    (warned,) = [r for r in run_checks(paths, config=config, checks=[check_archive])
                 if r.status == WARN]
    assert "2024" in warned.detail and str(kept) in warned.detail
    assert "kiosk restore" in warned.fix


def test_a_backup_round_does_not_read_unchanged_copies_again(station, tmp_path):
    """Each round would otherwise read every year's copy whole (a USB stick): a copy this
    process verified is read again only when its size or time changed, or after
    files.RECHECK_S."""
    import os

    folder = tmp_path / "usb"
    folder.mkdir()
    config = Config().with_values(backup={"folder": str(folder)})
    paths = Paths(station, station / "kiosk.toml")
    kept = folder / files.backup_folder_name(config.station.id)
    mine = station / "archive"
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    assert backup_round(config, paths).ok
    copy = files.year_file(kept, 2024)
    good = copy.read_bytes()
    st = copy.stat()
    # Bytes changed under an unchanged size and time: not read, so not seen, by the next
    # round (this is what the check no longer costs)...
    raw = bytearray(good)
    raw[len(raw) // 2] ^= 0xFF
    copy.write_bytes(bytes(raw))
    os.utime(copy, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert backup_round(config, paths).ok
    assert copy.read_bytes() == bytes(raw)
    # ... but read when its time is up (RECHECK_S; here at once), and copied again.
    assert files.copy_years(mine, kept, recheck_s=0) == [copy]
    assert copy.read_bytes() == good
    # A change of time (or size) is seen at the next round.
    copy.write_bytes(bytes(raw))
    assert backup_round(config, paths).ok
    assert copy.read_bytes() == good
