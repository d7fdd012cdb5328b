"""Personal data in archived years: counted in the manifest and listed by the doctor (counts
and days only), and reached by retention once past its time: the year is rewritten without it
(checked, same rows, same reports), and the backup folder's copy replaced."""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime

import pytest

from kiosk.archive import files
from kiosk.backup.schedule import backup_round
from kiosk.config import Config
from kiosk.diagnostics.checks import check_archive, load_config, run_checks
from kiosk.diagnostics.results import PASS, WARN
from kiosk.paths import Paths
from kiosk.store import connect
from tests.archive.test_archive import TZ, kiosk, reports, seed_station
from tests.archive.test_archive_months import as_xz

PHONE = "0912345678"
LONG = "[dossiers]\nretention_days = 3650\n[petitions]\nretention_days = 3650\n"


def _withdraw_two(db, desk) -> str:
    """Withdraw an open dossier of 4 March 2024 (the next day) and one of
    this year, so the newest row of each table stays live after it; the first one's code."""
    code = db.conn.execute("SELECT code FROM dossiers WHERE day = '2024-03-04' AND status "
                           "IN (2, 4, 5, 6) ORDER BY id LIMIT 1").fetchone()[0]
    desk.withdraw(code, "Công dân xin rút", clerk="cb", at=datetime(2024, 3, 5, 9, 0, tzinfo=TZ))
    later = db.conn.execute("SELECT code FROM dossiers WHERE day >= '2026-01-01' AND status "
                            "IN (2, 4, 5, 6) ORDER BY id LIMIT 1").fetchone()[0]
    desk.withdraw(later, "Công dân xin rút", clerk="cb", at=datetime(2026, 3, 3, 9, 0, tzinfo=TZ))
    return code


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The seed, plus a dossier of 4 March 2024 withdrawn the next day and a feedback with a
    phone number of May 2024, all delivered, archived while retention was ten years (so with
    their personal data): 2024 archived, the rest live."""
    from kiosk.dossiers.intake import DossierDesk
    from kiosk.feedback.citizen_feedback import DEFAULT_TOPICS, record_feedback

    data = seed_station(tmp_path_factory.mktemp("seed") / "station")
    (data / "kiosk.toml").write_text(LONG, encoding="utf-8")
    db = connect(data / "kiosk.db")
    desk = DossierDesk(db, Config())
    code = _withdraw_two(db, desk)
    record_feedback(db, topic=DEFAULT_TOPICS[0], text="Xin gọi lại", phone=PHONE,
                    at=datetime(2024, 5, 6, 9, 0, tzinfo=TZ), station_id="t")
    record_feedback(db, topic=DEFAULT_TOPICS[0], text="Sạch sẽ, tốt", phone=None,
                    at=datetime(2026, 5, 6, 9, 0, tzinfo=TZ), station_id="t")
    db.conn.execute("UPDATE outbox SET sent_at = created_at WHERE sent_at IS NULL")
    db.conn.commit()
    name = db.conn.execute("SELECT submitter_name FROM dossiers WHERE code = ?",
                           (code,)).fetchone()[0]
    db.conn.close()
    assert kiosk(data, "archive", "--before", "2025-01-01") == 0
    (data / "who.json").write_text(json.dumps({"code": code, "name": name}), encoding="utf-8")
    return data


def _unpacked(data, tmp_path, year=2024):
    plain = tmp_path / f"{year}-{os.urandom(3).hex()}.db"
    files.decompress(files.year_file(data / "archive", year), plain)  # gzip, or xz before
    return plain


def _with_usb(station, tmp_path):
    """The station configured with a backup folder, as its commands see it (its id names its
    folder of archive copies): (config, paths, the folder)."""
    usb = tmp_path / "usb"
    usb.mkdir()
    paths = Paths(station, station / "kiosk.toml")
    (station / "kiosk.toml").write_text(f'[backup]\nfolder = "{usb}"\n', encoding="utf-8")
    config, problem = load_config(paths)
    assert problem is None
    return config, paths, usb


def _doctor_line(data, config=None):
    (line,) = [r for r in run_checks(Paths(data, data / "kiosk.toml"), config=config or Config(),
                                     checks=[check_archive]) if "2024:" in r.detail]
    return line


def test_the_manifest_and_the_doctor_say_which_years_hold_personal_data(station, tmp_path):
    who = json.loads((station / "who.json").read_text(encoding="utf-8"))
    conn = sqlite3.connect(_unpacked(station, tmp_path))
    unpurged = conn.execute("SELECT count(*) FROM dossiers WHERE purged_at IS NULL AND "
                            "submitter_name IS NOT NULL").fetchone()[0]
    assert conn.execute("SELECT submitter_name FROM dossiers WHERE code = ?",
                        (who["code"],)).fetchone()[0] == who["name"]
    assert conn.execute("SELECT count(*) FROM citizen_feedback WHERE phone IS NOT NULL"
                        ).fetchone()[0] == 1
    conn.close()
    assert unpurged >= 1
    manifest = files.read_manifest(station / "archive", 2024)
    assert manifest["personal"]["dossiers"]["rows"] == unpurged
    assert manifest["personal"]["feedback_phones"] == {"rows": 1, "from": "2024-05-06",
                                                       "to": "2024-05-06"}
    text = files.manifest_file(station / "archive", 2024).read_text("utf-8")
    assert PHONE not in text and who["name"] not in text
    # Within its retention time: listed, nothing to do.
    line = _doctor_line(station, Config().with_values(dossiers={"retention_days": 3650},
                                                      petitions={"retention_days": 3650}))
    assert line.status == PASS and "verified; holds personal data" in line.detail
    assert f"{unpurged} refused/withdrawn/stopped dossier(s)" in line.detail
    assert "1 feedback phone number(s) (last change 2024-05-06 to 2024-05-06)" in line.detail
    assert PHONE not in line.detail and who["name"] not in line.detail
    # Past it (the default 90 days; the dossier's part only): a warning naming the purge.
    line = _doctor_line(station)
    assert line.status == WARN and "some of it is past its retention time" in line.detail
    assert "`kiosk dossier purge` and `kiosk petition purge`" in line.fix
    only_dossiers = Config().with_values(petitions={"retention_days": 3650})
    line = _doctor_line(station, only_dossiers)
    assert line.status == WARN and "`kiosk dossier purge`" in line.fix
    assert "petition" not in line.fix
    # A manifest written before the count was kept: said so, not guessed.
    del manifest["personal"]
    files.write_manifest(station / "archive", 2024, manifest)
    assert "personal data not counted" in _doctor_line(station).detail


@pytest.mark.parametrize("held", ["gz", "xz"])
def test_retention_reaches_an_archived_year_and_its_backup_copy(station, tmp_path, capsys,
                                                                held):
    """And a year written before as xz: written again as gzip, its xz file and the backup
    folder's copy of it removed."""
    who = json.loads((station / "who.json").read_text(encoding="utf-8"))
    if held == "xz":
        as_xz(station / "archive", 2024)
    # Retention back to its default (90 days), with the backup folder configured.
    config, paths, usb = _with_usb(station, tmp_path)
    (station / "kiosk.toml").write_text(LONG + f'[backup]\nfolder = "{usb}"\n',
                                        encoding="utf-8")
    assert backup_round(config, paths).ok
    kept = usb / files.backup_folder_name(config.station.id)
    old = files.read_manifest(station / "archive", 2024)
    assert files.read_manifest(kept, 2024)["file_sha256"] == old["file_sha256"]
    assert who["name"].encode() in _unpacked(station, tmp_path).read_bytes()
    assert files.year_file(kept, 2024).name.endswith(f".db.{held}")
    before = reports(station, tmp_path / "before")
    # The report kept its unpacked copy of 2024 for the next readings, names and all.
    copies = files.kept_folder(station / "archive")
    assert any(who["name"].encode() in p.read_bytes() for p in copies.glob("2024-*"))
    # The checksums the purge computes again are those archiving wrote.
    from kiosk.archive.purge import _checksums

    conn = sqlite3.connect(_unpacked(station, tmp_path))
    assert {k: v[1] for k, v in _checksums(conn).items()} == old["rows_sha256"]
    conn.close()

    (station / "kiosk.toml").write_text(f'[backup]\nfolder = "{usb}"\n', encoding="utf-8")
    capsys.readouterr()
    assert kiosk(station, "dossier", "purge", "--dry-run") == 0
    assert "Archived year 2024 would be rewritten" in capsys.readouterr().out
    assert files.read_manifest(station / "archive", 2024) == old  # a dry run changes nothing
    assert kiosk(station, "dossier", "purge") == 0
    out = capsys.readouterr().out
    assert "Archived year 2024 rewritten without the personal data past its retention" in out
    assert "kiosk-archive-2024.db.gz" in out  # the backup folder's copy replaced
    assert not list(copies.glob("2024-*"))  # the readings' copies went with the old file
    new = files.read_manifest(station / "archive", 2024)
    assert new["file_sha256"] != old["file_sha256"] and new["rows"] == old["rows"]
    assert new["personal"]["dossiers"]["rows"] == 0
    assert new["personal"]["feedback_phones"]["rows"] == 1  # `kiosk petition purge`'s part
    raw = files.year_file(station / "archive", 2024)
    assert sorted(p.name for p in (station / "archive").glob("*2024.db.*")) == [
        "kiosk-archive-2024.db.gz"] == sorted(p.name for p in kept.glob("*2024.db.*"))
    plain = gzip.decompress(raw.read_bytes())
    assert who["name"].encode() not in plain  # not in free space either
    assert PHONE.encode() in plain
    conn = sqlite3.connect(_unpacked(station, tmp_path))
    assert conn.execute("SELECT submitter_name, purged_at IS NOT NULL, status FROM dossiers "
                        "WHERE code = ?", (who["code"],)).fetchone() == (None, 1, 7)
    conn.close()
    assert kiosk(station, "petition", "purge") == 0
    out = capsys.readouterr().out
    assert "Archived year 2024 rewritten" in out, out
    assert "kiosk-archive-2024.db.gz" in out, out  # the backup folder's copy replaced
    plain = gzip.decompress(raw.read_bytes())
    assert PHONE.encode() not in plain
    new = files.read_manifest(station / "archive", 2024)
    assert files.read_manifest(kept, 2024) == new  # the backup's copy follows
    assert files.sha256_file(files.year_file(kept, 2024)) == new["file_sha256"]
    assert PHONE.encode() not in gzip.decompress(files.year_file(kept, 2024).read_bytes())
    line = _doctor_line(station)
    assert line.status == PASS and "verified; no personal data" in line.detail
    after = reports(station, tmp_path / "after")
    for name, got in after.items():  # the figures do not change; the logbook loses the names
        if name.startswith("report-"):
            assert got == before[name], name
        else:
            assert got.count(b"\n") == before[name].count(b"\n"), name
    assert who["name"].encode() in before["logbook-2024.csv"]
    assert who["name"].encode() not in after["logbook-2024.csv"]
    assert [p.name for p in copies.glob("2024-*")] == [files.kept_name(2024, new["file_sha256"])]
    assert not any(PHONE.encode() in p.read_bytes() or who["name"].encode() in p.read_bytes()
                   for p in copies.iterdir())
    # Nothing more past retention: the next purges leave the year alone.
    stamp = raw.stat().st_mtime_ns
    assert kiosk(station, "dossier", "purge") == 0 and kiosk(station, "petition", "purge") == 0
    assert raw.stat().st_mtime_ns == stamp


def _in_xz(folder, needle: bytes, tmp_path) -> bool:
    plain = tmp_path / f"xz-{os.urandom(3).hex()}.db"
    files.decompress(folder / "kiosk-archive-2024.db.xz", plain)
    return needle in plain.read_bytes()


def test_a_year_s_xz_file_left_by_a_cut_off_purge_is_removed_by_the_next(station, tmp_path,
                                                                         capsys):
    """Killed after the year was written again as gzip and its manifest put in place, before
    the xz file went: the xz file still holds the names the purge removed. The doctor says
    so, and the next purge removes it, though it has nothing else to do."""
    from kiosk.archive.move import STOP_AT_ENV

    who = json.loads((station / "who.json").read_text(encoding="utf-8"))
    folder = station / "archive"
    (station / "kiosk.toml").write_text("", encoding="utf-8")
    as_xz(folder, 2024)
    env = {**os.environ, STOP_AT_ENV: "purge-in-place", "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_CONFIG", None)
    proc = subprocess.run([sys.executable, "-c", _PURGE, str(station)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr
    assert sorted(p.name for p in folder.glob("kiosk-archive-2024.db.*")) == [
        "kiosk-archive-2024.db.gz", "kiosk-archive-2024.db.xz"]
    assert _in_xz(folder, who["name"].encode(), tmp_path)
    line = _doctor_line(station)
    assert line.status == WARN and "kiosk-archive-2024.db.xz is still beside it" in line.detail
    assert "kiosk dossier purge" in line.fix
    assert kiosk(station, "dossier", "purge") == 0
    assert sorted(p.name for p in folder.glob("kiosk-archive-2024.db.*")) == [
        "kiosk-archive-2024.db.gz"]
    assert "still beside it" not in _doctor_line(station).detail


def test_a_backup_copy_in_xz_windows_would_not_delete_goes_at_the_next_round(
        station, tmp_path, monkeypatch, capsys):
    from pathlib import Path

    folder = station / "archive"
    as_xz(folder, 2024)
    config, paths, usb = _with_usb(station, tmp_path)
    assert backup_round(config, paths).ok
    kept = usb / files.backup_folder_name(config.station.id)
    assert (kept / "kiosk-archive-2024.db.xz").exists()
    real = Path.unlink

    def in_use(self, *args, **kwargs):  # Windows: a file open elsewhere is not deleted
        if self.parent == kept and self.name.endswith(".db.xz"):
            raise PermissionError(13, "The process cannot access the file", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "unlink", in_use)
    assert kiosk(station, "dossier", "purge") == 0  # 2024 as gzip, copied to the backup
    monkeypatch.setattr(Path, "unlink", real)
    assert sorted(p.name for p in kept.glob("*.db.*")) == [
        "kiosk-archive-2024.db.gz", "kiosk-archive-2024.db.xz"]
    assert files.year_file(kept, 2024).name == "kiosk-archive-2024.db.gz"
    assert backup_round(config, paths).ok
    assert sorted(p.name for p in kept.glob("*.db.*")) == ["kiosk-archive-2024.db.gz"]


_PURGE = """
import sys
from pathlib import Path
from kiosk.cli import main
sys.exit(main(["--data-dir", sys.argv[1], "dossier", "purge"]))
"""


@pytest.mark.parametrize("held", ["gz", "xz"])
def test_a_purge_killed_between_its_renames_is_finished_by_the_next_run(station, capsys,
                                                                        held):
    from kiosk.archive.move import STOP_AT_ENV

    (station / "kiosk.toml").write_text("", encoding="utf-8")
    if held == "xz":  # the old pair still matches; the new file and manifest wait beside it
        as_xz(station / "archive", 2024)
    old = files.read_manifest(station / "archive", 2024)
    env = {**os.environ, STOP_AT_ENV: "purge-renamed", "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_CONFIG", None)
    proc = subprocess.run([sys.executable, "-c", _PURGE, str(station)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr
    # The new file is in place, its manifest not yet: the doctor says so, and does not send
    # the technician to a backup (whose copy still holds what the rewrite removed).
    assert files.read_manifest(station / "archive", 2024) == old
    line = _doctor_line(station)
    assert line.status == WARN and "new manifest not yet in place" in line.detail
    assert "rewritten by the retention purge" in line.detail
    assert "Do not restore" in line.fix and "restore it from a backup" not in line.fix
    assert kiosk(station, "archive") == 0  # (as the doctor's fix says) finishes it
    line = _doctor_line(station)
    # (its retention run finishes the year first, then purges the phones: nothing skipped)
    assert line.status == PASS and "no personal data" in line.detail
    assert files.read_manifest(station / "archive", 2024)["personal"]["dossiers"]["rows"] == 0
    assert not [p for p in (station / "archive").iterdir() if p.name.startswith(".")
                and not p.name.endswith(".lock")]


def test_a_rewrite_killed_while_blanking_leaves_no_journal_behind(station, capsys):
    """The SQLite journal of the work file holds the pages as they were (the personal data
    being blanked): the next run removes it with the work file."""
    from kiosk.archive.move import STOP_AT_ENV

    who = json.loads((station / "who.json").read_text(encoding="utf-8"))
    (station / "kiosk.toml").write_text("", encoding="utf-8")
    folder = station / "archive"
    env = {**os.environ, STOP_AT_ENV: "purge-blanking", "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_CONFIG", None)
    proc = subprocess.run([sys.executable, "-c", _PURGE, str(station)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr
    journal = folder / ".kiosk-archive-2024.db.gz.purge.tmp-journal"
    assert journal.exists() and who["name"].encode() in journal.read_bytes()
    # What an archiving run cut off while building leaves beside its work file, too.
    (folder / ".kiosk-archive-2025.db.gz.work.tmp-journal").write_bytes(b"old pages")
    (folder / ".kiosk-archive-2025.db.gz.work.tmp-wal").write_bytes(b"old pages")
    assert kiosk(station, "dossier", "purge") == 0
    assert "Archived year 2024 rewritten" in capsys.readouterr().out
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")
                and not p.name.endswith(".lock")]
    assert who["name"].encode() not in gzip.decompress(
        files.year_file(folder, 2024).read_bytes())


def test_the_first_purge_after_a_kill_between_the_renames_finishes_the_year(station, capsys):
    """Neither the dry run nor the real purge reads the year as damaged: the pending manifest
    is put in place (under the lock) before the years are listed."""
    from kiosk.archive.move import STOP_AT_ENV

    (station / "kiosk.toml").write_text("", encoding="utf-8")
    env = {**os.environ, STOP_AT_ENV: "purge-renamed", "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_CONFIG", None)
    proc = subprocess.run([sys.executable, "-c", _PURGE, str(station)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr
    capsys.readouterr()
    assert kiosk(station, "petition", "purge", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "not purged" not in out and "Archived year 2024 would be rewritten" in out, out
    assert kiosk(station, "petition", "purge") == 0
    out = capsys.readouterr().out
    assert "not purged" not in out and "Archived year 2024 rewritten" in out, out
    manifest = files.read_manifest(station / "archive", 2024)
    assert manifest["personal"]["dossiers"]["rows"] == 0  # the killed run's rewrite kept
    assert manifest["personal"]["feedback_phones"]["rows"] == 0
    assert _doctor_line(station).status == PASS
    assert not files.has_leftovers(station / "archive")


def test_a_dry_run_leaves_a_real_purges_work_files_alone(station, capsys):
    """A dry run takes no lock: it unpacks under names of its own, never the work files of a
    purge that may be under way."""
    (station / "kiosk.toml").write_text("", encoding="utf-8")
    folder = station / "archive"
    theirs = [folder / ".kiosk-archive-2024.db.gz.purge.tmp",
              folder / ".kiosk-archive-2024.db.gz.purged.tmp"]
    for p in theirs:
        p.write_bytes(b"a real purge's work, under way")
    capsys.readouterr()
    assert kiosk(station, "dossier", "purge", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Archived year 2024 would be rewritten" in out and "not purged" not in out, out
    assert [p.read_bytes() for p in theirs] == [b"a real purge's work, under way"] * 2
    assert not list((station / ".archive-reading").iterdir())  # its own copy removed


@pytest.mark.parametrize("run", ["kiosk archive", "the station's yearly run"])
def test_personal_data_past_retention_archived_by_a_run_is_purged_by_that_run(tmp_path, run):
    """A withdrawn dossier the live purge keeps (a change of it has no delivery record left:
    it cannot tell the city has it) but archiving takes (nothing of it waits for the city):
    its details, long past retention, do not stay in the year until the next yearly run."""
    from kiosk.dossiers.intake import DossierDesk

    data = seed_station(tmp_path / "station")
    db = connect(data / "kiosk.db")
    code, name = db.conn.execute(
        "SELECT code, submitter_name FROM dossiers WHERE day = '2024-03-04' AND status IN "
        "(2, 4, 5, 6) AND submitter_name IS NOT NULL ORDER BY id LIMIT 1").fetchone()
    config = Config()
    config = dataclasses.replace(config, station=dataclasses.replace(config.station, id="k1"))
    desk = DossierDesk(db, config)
    desk.withdraw(code, "Công dân xin rút", clerk="cb", at=datetime(2024, 3, 5, 9, 0, tzinfo=TZ))
    # (the newest row of a table stays live: a change of this year after it)
    later = db.conn.execute("SELECT code FROM dossiers WHERE day >= '2026-01-01' AND status "
                            "IN (2, 4, 5, 6) ORDER BY id LIMIT 1").fetchone()[0]
    desk.withdraw(later, "Công dân xin rút", clerk="cb", at=datetime(2026, 3, 3, 9, 0, tzinfo=TZ))
    db.conn.execute("UPDATE outbox SET sent_at = created_at WHERE sent_at IS NULL")
    db.conn.execute("DELETE FROM outbox WHERE record_id IN (SELECT e.uid FROM dossier_events e "
                    "JOIN dossiers d ON d.id = e.dossier_id WHERE d.code = ?)", (code,))
    db.conn.commit()
    db.conn.close()
    (data / "kiosk.toml").write_text("[store]\narchive_keep_months = 0\narchive_keep_years = 2\n",
                                     encoding="utf-8")
    if run == "kiosk archive":
        assert kiosk(data, "archive", "--before", "2025-01-01") == 0
    else:
        from kiosk.archive.schedule import run_once

        paths = Paths(data, data / "kiosk.toml")
        config, problem = load_config(paths)
        assert problem is None
        moved = run_once(config, paths, datetime(2026, 1, 10, 20, 0, tzinfo=TZ))
        assert [m["year"] for m in moved] == [2024]
    conn = sqlite3.connect(_unpacked(data, tmp_path))
    assert conn.execute("SELECT submitter_name, purged_at IS NOT NULL FROM dossiers WHERE "
                        "code = ?", (code,)).fetchone() == (None, 1)
    conn.close()
    assert name.encode() not in gzip.decompress(
        files.year_file(data / "archive", 2024).read_bytes())
    assert files.read_manifest(data / "archive", 2024)["personal"]["dossiers"]["rows"] == 0


@pytest.mark.parametrize("idle", [False, True])
def test_archiving_personal_data_leaves_none_in_the_live_files_free_pages(tmp_path, idle):
    """A withdrawn dossier archived within its retention time still holds the citizen's
    details: deleting it from a live database not in incremental auto-vacuum mode (whose
    freed pages stay in the file) overwrites them (in one transaction, or in idle steps)."""
    from kiosk.archive.move import archive
    from kiosk.dossiers.intake import DossierDesk

    unique = "Trịnh Văn Độc Nhất QZX"
    data = seed_station(tmp_path / "station")
    db = connect(data / "kiosk.db")
    db.conn.execute("PRAGMA auto_vacuum = NONE")
    db.conn.execute("VACUUM")
    assert db.conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 0
    desk = DossierDesk(db, Config())
    code = _withdraw_two(db, desk)
    # (a long address: its overflow pages go to the free list whole)
    db.conn.execute("UPDATE dossiers SET submitter_name = ?, submitter_address = ? WHERE "
                    "code = ?", (unique, f"{unique}, thôn Đông; " * 300, code))
    db.conn.execute("DELETE FROM outbox")  # delivered and pruned (payloads overwritten)
    db.conn.commit()
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = (data / "kiosk.db").read_bytes()
    assert unique.encode() in before
    archive(db, data / "archive", datetime(2025, 1, 1).date(), station_id="t",
            step=50 if idle else None)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    assert unique.encode() in gzip.decompress(files.year_file(data / "archive", 2024)
                                              .read_bytes())  # archived with its details
    assert unique.encode() not in (data / "kiosk.db").read_bytes()


def test_a_year_whose_only_personal_data_is_a_dossiers_notes_is_purged(tmp_path, capsys):
    """The purge blanks the notes (a clerk may have typed a name there): the manifest counts
    a dossier holding only notes, so the year is rewritten once they are past retention."""
    from kiosk.dossiers.intake import PERSON_FIELDS, DossierDesk

    data = seed_station(tmp_path / "station")
    db = connect(data / "kiosk.db")
    desk = DossierDesk(db, Config())
    code = _withdraw_two(db, desk)
    cleared = ", ".join(f"{p}_{f} = NULL" for p in ("submitter", "owner") for f in PERSON_FIELDS)
    db.conn.execute(f"UPDATE dossiers SET {cleared}, notes = 'Gọi chị Hoa Ghi Chú QZX' "
                    "WHERE code = ?", (code,))
    db.conn.execute("UPDATE outbox SET sent_at = created_at WHERE sent_at IS NULL")
    db.conn.commit()
    db.conn.close()
    (data / "kiosk.toml").write_text(LONG, encoding="utf-8")
    assert kiosk(data, "archive", "--before", "2025-01-01") == 0
    manifest = files.read_manifest(data / "archive", 2024)
    assert manifest["personal"]["dossiers"] == {"rows": 1, "from": "2024-03-05",
                                                "to": "2024-03-05"}
    (data / "kiosk.toml").write_text("", encoding="utf-8")
    capsys.readouterr()
    assert kiosk(data, "dossier", "purge") == 0
    assert "Archived year 2024 rewritten" in capsys.readouterr().out
    assert "Ghi Chú QZX".encode() not in gzip.decompress(
        files.year_file(data / "archive", 2024).read_bytes())
    assert files.read_manifest(data / "archive", 2024)["personal"]["dossiers"]["rows"] == 0


def _kept_with(station, *needles: bytes) -> list[str]:
    """The readings' kept copies holding any of `needles`."""
    folder = files.kept_folder(station / "archive")
    return [p.name for p in (folder.iterdir() if folder.is_dir() else ())
            if any(n in p.read_bytes() for n in needles)]


def test_a_purge_while_a_report_reads_the_year_leaves_no_copy_with_what_it_blanked(station):
    """The purge finds no kept copy to remove (the reading's copy is still its own); the
    reading, keeping its copy afterwards, sees it is no longer the year's file."""
    from datetime import date

    from kiosk.archive.reading import with_archives

    who = json.loads((station / "who.json").read_text(encoding="utf-8"))
    (station / "kiosk.toml").write_text("", encoding="utf-8")  # retention back to 90 days
    db = connect(station / "kiosk.db")
    try:
        with with_archives(db, station / "archive", start=date(2024, 1, 1),
                           end=date(2024, 12, 31)) as years:
            assert years == [2024]
            assert db.execute("SELECT count(*) FROM dossiers WHERE submitter_name = ?",
                              (who["name"],)).fetchone()[0] == 1
            assert kiosk(station, "dossier", "purge") == 0
            assert kiosk(station, "petition", "purge") == 0
    finally:
        db.conn.close()
    assert _kept_with(station, who["name"].encode(), PHONE.encode()) == []


def test_a_purge_cut_off_between_its_renames_is_not_undone_by_a_kept_copy(station):
    """The file is already rewritten, its manifest not yet: a reading reads the file (as
    before kept copies), not the copy of the file it replaced."""
    from datetime import date

    from kiosk.archive.move import STOP_AT_ENV
    from kiosk.archive.reading import with_archives

    who = json.loads((station / "who.json").read_text(encoding="utf-8"))
    (station / "kiosk.toml").write_text("", encoding="utf-8")

    def name_read():
        db = connect(station / "kiosk.db")
        try:
            with with_archives(db, station / "archive", start=date(2024, 1, 1),
                               end=date(2024, 12, 31)):
                return db.execute("SELECT submitter_name FROM dossiers WHERE code = ?",
                                  (who["code"],)).fetchone()[0]
        finally:
            db.conn.close()

    assert name_read() == who["name"] and _kept_with(station, who["name"].encode())
    env = {**os.environ, STOP_AT_ENV: "purge-renamed", "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_CONFIG", None)
    proc = subprocess.run([sys.executable, "-c", _PURGE, str(station)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr
    assert name_read() is None
    assert _kept_with(station, who["name"].encode()) == []
