"""Closed months into their year's archive file ([store] archive_keep_months): the current
year's file grows month by month (its manifest's `until` moving on), a report over live months
attaches nothing, the station's run once a month, and a kill at any step while a year's file
is extended loses and doubles nothing."""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.archive import files
from kiosk.archive.move import STOP_AT_ENV, archive, configured_before, months_before
from kiosk.archive.reading import needed_years, with_archives
from kiosk.archive.tables import TABLES
from kiosk.config import Config
from kiosk.paths import Paths
from kiosk.store import connect
from tests.archive.test_archive import TZ, _seed_day, _without_stamp, all_rows, kiosk, live_count

#: One working day in each month from July to November 2026 (the first Monday).
MONTH_DAYS = (date(2026, 7, 6), date(2026, 8, 3), date(2026, 9, 7), date(2026, 10, 5),
              date(2026, 11, 2))
UNTIL = datetime(2026, 12, 5, 10, 0, tzinfo=TZ)
MONTHS = Config()  # the default: archive_keep_months = 3
YEARS = Config().with_values(store={"archive_keep_months": 0})  # the years rule (2 years)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """A station of the second half of 2026, every record delivered, personal data purged
    where retention allows."""
    from kiosk.dossiers.retention import purge_personal_data

    data = tmp_path_factory.mktemp("months") / "station"
    rng = random.Random(11)
    db = connect(data / "kiosk.db")
    for day in MONTH_DAYS:
        _seed_day(db, Config(), day, rng, until=UNTIL)
    db.conn.execute("UPDATE outbox SET sent_at = created_at, sync_result = 'accepted'")
    purge_personal_data(db, now=datetime.now(UTC),
                        retention_days=Config().dossiers.retention_days)
    db.conn.close()
    return data


def month_reports(data: Path, out: Path) -> dict[str, bytes]:
    """The report and the logbook (csv) of each month and of the whole half-year."""
    out.mkdir(parents=True, exist_ok=True)
    got = {}
    ranges = [(f"{d:%Y-%m}", d.replace(day=1).isoformat(), d.replace(day=28).isoformat())
              for d in MONTH_DAYS]
    for label, a, b in ranges + [("all", "2026-07-01", "2026-12-31")]:
        for what, args in (("report", ["report"]), ("logbook", ["export", "logbook"])):
            path = out / f"{what}-{label}.csv"
            assert kiosk(data, *args, "--from", a, "--to", b, "--format", "csv",
                         "--out", str(path)) == 0
            got[path.name] = _without_stamp(path.read_bytes())
    return got


def _archive(data: Path, before: date, **kw):
    db = connect(data / "kiosk.db")
    try:
        return archive(db, files.folder_for(data / "kiosk.db"), before, station_id="t", **kw)
    finally:
        db.conn.close()


def _checked_against_manifest(data: Path, year: int, tmp_path: Path) -> dict:
    """The year's file matches its manifest: the file's SHA-256, and each table's rows and
    row checksum over the unpacked file."""
    folder = data / "archive"
    manifest = files.read_manifest(folder, year)
    (entry,) = [a for a in files.archived_years(folder) if a.year == year]
    assert files.check(entry) is None
    plain = tmp_path / f"{year}-{len(list(tmp_path.iterdir()))}.db"
    files.decompress(files.year_file(folder, year), plain)
    conn = sqlite3.connect(plain)
    try:
        for t in TABLES:
            if t.name not in manifest["rows"]:
                continue
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({t.name})")]
            n, digest = files.table_checksum(conn, "main", t.name, cols, t.key)
            assert (n, digest) == (manifest["rows"][t.name], manifest["rows_sha256"][t.name])
        tickets = [r[0] for r in conn.execute("SELECT day FROM tickets")]
    finally:
        conn.close()
    return {"manifest": manifest, "ticket_days": sorted(set(tickets))}


def test_months_go_into_the_years_file_and_the_next_month_extends_it(station, tmp_path):
    before = month_reports(station, tmp_path / "before")
    rows_before = all_rows(station)
    july = live_count(station, "tickets", "day < '2026-08-01'")
    august = live_count(station, "tickets", "day >= '2026-08-01' AND day < '2026-09-01'")
    assert july == august == 24

    (moved,) = _archive(station, date(2026, 8, 1))
    assert moved.year == 2026 and moved.rows["tickets"] == july
    assert moved.until == date(2026, 8, 1)
    first = _checked_against_manifest(station, 2026, tmp_path)
    assert first["manifest"]["until"] == "2026-08-01"
    assert first["ticket_days"] == ["2026-07-06"]
    assert live_count(station, "tickets", "day < '2026-08-01'") == 0
    assert live_count(station, "tickets", "day >= '2026-08-01'") == 4 * 24  # August on: live
    assert all_rows(station) == rows_before

    (moved,) = _archive(station, date(2026, 9, 1))  # the next month: the same file, extended
    assert moved.rows["tickets"] == august
    second = _checked_against_manifest(station, 2026, tmp_path)
    assert second["manifest"]["until"] == "2026-09-01"
    assert second["ticket_days"] == ["2026-07-06", "2026-08-03"]
    assert second["manifest"]["rows"]["tickets"] == july + august
    assert second["manifest"]["file_sha256"] != first["manifest"]["file_sha256"]
    assert [a.year for a in files.archived_years(station / "archive")] == [2026]
    assert live_count(station, "tickets", "day < '2026-09-01'") == 0
    assert live_count(station, "queue_events e", "e.ticket_id NOT IN (SELECT id FROM "
                      "tickets)") == 0
    assert all_rows(station) == rows_before
    assert month_reports(station, tmp_path / "after") == before
    # An earlier cut-off later on (a smaller keep) never moves the file's end back.
    assert _archive(station, date(2026, 8, 15)) == []
    assert files.read_manifest(station / "archive", 2026)["until"] == "2026-09-01"


def test_a_file_that_cannot_be_replaced_leaves_the_year_as_it_was(station, monkeypatch):
    """Windows refuses to replace a file a report holds open: the year's file and its
    manifest stay the pair they were (the new manifest waited beside), nothing is deleted,
    and the next run extends the year as if nothing had happened."""
    import kiosk.archive.move as move

    _archive(station, date(2026, 8, 1))
    folder = station / "archive"
    old = files.read_manifest(folder, 2026)
    real = os.replace

    def refused(src, dst):
        if str(dst).endswith(".db.gz"):
            raise PermissionError(13, "The process cannot access the file because it is being "
                                      "used by another process")
        return real(src, dst)

    monkeypatch.setattr(move.os, "replace", refused)
    with pytest.raises(PermissionError):
        _archive(station, date(2026, 9, 1))
    monkeypatch.setattr(move.os, "replace", real)
    (entry,) = files.archived_years(folder)
    assert files.read_manifest(folder, 2026) == old and files.check(entry) is None
    assert live_count(station, "tickets", "day >= '2026-08-01' AND day < '2026-09-01'") == 24
    (moved,) = _archive(station, date(2026, 9, 1))
    assert moved.rows["tickets"] == 24
    assert files.read_manifest(folder, 2026)["until"] == "2026-09-01"
    assert not files.has_leftovers(folder)
    (entry,) = files.archived_years(folder)
    assert files.check(entry) is None


def test_a_record_last_active_after_the_cut_off_stays_live(station):
    from kiosk.dossiers.intake import DossierDesk
    from kiosk.dossiers.status import DossierStatus

    db = connect(station / "kiosk.db")
    code = db.conn.execute("SELECT code FROM dossiers WHERE day = '2026-07-06' AND status "
                           "NOT IN (3, 7, 8, 10) ORDER BY id LIMIT 1").fetchone()[0]
    # Received in July, withdrawn in August: its last activity is in August.
    DossierDesk(db, Config()).change_status(
        code, DossierStatus.WITHDRAWN, clerk="Lê Văn Dũng", reason="Công dân rút hồ sơ",
        at=datetime(2026, 8, 10, 9, 0, tzinfo=TZ))
    _seed_day(db, Config(), date(2026, 12, 1), random.Random(5), tickets=2, dossiers=1,
              until=UNTIL)  # newer rows (the newest row of a table always stays live)
    db.conn.execute("UPDATE outbox SET sent_at = created_at WHERE sent_at IS NULL")
    db.conn.commit()
    db.conn.close()
    assert _archive(station, date(2026, 8, 1))
    assert live_count(station, "dossiers", f"code = '{code}'") == 1
    assert live_count(station, "dossiers", "day = '2026-07-06' AND status IN (3, 7, 8) AND "
                      f"code != '{code}'") == 0
    assert _archive(station, date(2026, 9, 1))
    assert live_count(station, "dossiers", f"code = '{code}'") == 0
    rows = [r for r in all_rows(station)["dossiers"] if code in r]
    assert len(rows) == 1


def test_a_report_over_live_months_attaches_nothing(station):
    folder = station / "archive"
    assert _archive(station, date(2026, 9, 1))
    assert needed_years(folder, date(2026, 7, 1)) == [2026]
    assert needed_years(folder, date(2026, 8, 31)) == [2026]
    # From the cut-off day itself: the year still (a time stamp written with another offset
    # near midnight may read as that day); from the day after, nothing.
    assert needed_years(folder, date(2026, 9, 1)) == [2026]
    assert needed_years(folder, date(2026, 9, 2)) == []
    assert needed_years(folder, date(2026, 11, 1)) == []
    assert needed_years(folder, None) == [2026]
    db = connect(station / "kiosk.db")
    try:
        with with_archives(db, folder, start=date(2026, 11, 1), end=date(2026, 11, 30)) as got:
            assert got == []
            assert db.execute("SELECT count(*) FROM sqlite_temp_master WHERE type = 'view'"
                              ).fetchone()[0] == 0
    finally:
        db.conn.close()
    # A manifest without `until` (written by an older version): a whole year.
    manifest = files.read_manifest(folder, 2026)
    del manifest["until"]
    files.write_manifest(folder, 2026, manifest)
    assert needed_years(folder, date(2026, 11, 1)) == [2026]
    assert files.check(files.archived_years(folder)[0]) is None  # the file is not in question


def test_the_years_rule_is_unchanged_with_keep_months_0(tmp_path):
    """archive_keep_months = 0: whole past years, once a year, as before (`until` the next 1
    January); the station seeded over 2024-2026."""
    from kiosk.archive.schedule import pending, read_state, run_once
    from tests.archive.test_archive import seed_station

    data = seed_station(tmp_path / "station")
    paths = Paths(data, data / "kiosk.toml")
    keep_one = Config().with_values(store={"archive_keep_months": 0, "archive_keep_years": 1})
    evening = datetime(2026, 4, 1, 19, 0, tzinfo=TZ)
    moved = run_once(keep_one, paths, evening)
    assert [(m["year"], m["until"]) for m in moved] == [(2024, "2025-01-01"),
                                                        (2025, "2026-01-01")]
    assert [files.read_manifest(data / "archive", y)["until"] for y in (2024, 2025)] == [
        "2025-01-01", "2026-01-01"]
    assert not files.year_file(data / "archive", 2026).exists()
    assert live_count(data, "tickets", "day >= '2026-01-01'") == 24
    assert read_state(paths)["done_for"] == 2026  # the year, as before
    assert not pending(keep_one, paths, evening.replace(month=12))
    # The months rule on the same station finds its state not done for the month.
    assert pending(MONTHS, paths, evening)


def test_the_station_archives_once_a_month(station):
    from kiosk.archive.schedule import due, pending, read_state, record_run, run_once

    paths = Paths(station, station / "kiosk.toml")
    november = datetime(2026, 11, 3, 19, 0, tzinfo=TZ)  # a Tuesday evening
    assert due(MONTHS, paths, november)
    moved = run_once(MONTHS, paths, november)  # keeps September to November live
    assert [(m["year"], m["until"]) for m in moved] == [(2026, "2026-09-01")]
    state = read_state(paths)
    assert state["done_for"] == "2026-11" and state["before"] == "2026-09-01"
    assert not due(MONTHS, paths, november.replace(day=30))  # once a month
    assert not pending(MONTHS, paths, november.replace(day=30, hour=10))
    december = datetime(2026, 12, 1, 19, 0, tzinfo=TZ)
    assert due(MONTHS, paths, december)
    moved = run_once(MONTHS, paths, december)
    assert [(m["year"], m["until"]) for m in moved] == [(2026, "2026-10-01")]
    assert read_state(paths)["done_for"] == "2026-12"
    assert files.read_manifest(station / "archive", 2026)["rows"]["tickets"] == 3 * 24
    assert live_count(station, "tickets", "day < '2026-10-01'") == 0
    # A state written by the yearly rule of an older version (done_for: the year) is not this
    # month's run: the station runs once more; the years rule still reads it as done.
    record_run(paths, done_for=2026)
    assert pending(MONTHS, paths, december)
    assert not pending(YEARS, paths, december)
    assert run_once(MONTHS, paths, december) == []  # nothing more to move
    assert read_state(paths)["done_for"] == "2026-12"
    # In office hours, idle: one year per turn, then a turn finding nothing more is the done.
    record_run(paths, done_for="2026-11")
    assert pending(MONTHS, paths, december.replace(hour=10))
    assert run_once(MONTHS, paths, december.replace(hour=10), still_idle=lambda: True) == []
    assert read_state(paths)["done_for"] == "2026-12"


def test_a_run_waits_until_its_cut_off_is_32_days_old(station):
    """A counter PC may forward a rating or replay an operation to its hub 31 days late: the
    rule's run waits until its cut-off is that old, and a run too early records nothing."""
    from kiosk.archive.move import due_before, ready
    from kiosk.archive.schedule import due, pending, read_state, run_once
    from kiosk.config import ConfigError

    paths = Paths(station, station / "kiosk.toml")
    one_year = Config().with_values(store={"archive_keep_months": 0, "archive_keep_years": 1})
    january = datetime(2027, 1, 2, 19, 0, tzinfo=TZ)  # a Saturday: the office is closed
    assert configured_before(one_year.store, january.date()) == date(2027, 1, 1)
    assert not ready(date(2027, 1, 1), january.date())
    assert not pending(one_year, paths, january) and not due(one_year, paths, january)
    assert run_once(one_year, paths, january) == []
    assert "done_for" not in read_state(paths)
    assert live_count(station, "tickets", "day >= '2026-07-01'") == 5 * 24
    # What the doctor expects by then: the rule of 32 days ago (2025 and before).
    assert due_before(one_year.store, january.date()) == date(2026, 1, 1)
    february = datetime(2027, 2, 2, 19, 0, tzinfo=TZ)
    assert due(one_year, paths, february)
    moved = run_once(one_year, paths, february)
    assert [(m["year"], m["until"]) for m in moved] == [(2026, "2027-01-01")]
    assert read_state(paths)["done_for"] == 2027
    assert live_count(station, "tickets") == 1  # the newest row of a table stays (its id)
    assert not pending(one_year, paths, february.replace(month=11))  # once that year

    two = Config().with_values(store={"archive_keep_months": 2})
    assert not pending(two, paths, datetime(2026, 12, 2, 19, 0, tzinfo=TZ))  # Nov 1 + 32 days
    assert pending(two, paths, datetime(2026, 12, 3, 19, 0, tzinfo=TZ))
    assert due_before(MONTHS.store, date(2026, 12, 5)) == date(2026, 10, 1)  # never binds
    with pytest.raises(ConfigError, match="at least 2"):
        Config().with_values(store={"archive_keep_months": 1})


def test_a_lan_pc_archives_nothing_of_the_last_32_days_by_hand(station, capsys):
    hub = station / "kiosk.toml"
    hub.write_text('[hub]\nrole = "hub"\n', encoding="utf-8")
    today = datetime.now(TZ).date()
    assert kiosk(station, "archive", "--before", f"{today}", "--json") == 0
    out = capsys.readouterr()
    assert "Only the records before" in out.err
    recent = today - timedelta(days=32)
    assert json.loads(out.out)["until"] == f"{recent}"


def test_months_before():
    assert months_before(date(2026, 12, 5), 3) == date(2026, 10, 1)
    assert months_before(date(2026, 12, 5), 1) == date(2026, 12, 1)
    assert months_before(date(2026, 2, 28), 3) == date(2025, 12, 1)
    assert months_before(date(2026, 3, 1), 15) == date(2025, 1, 1)
    with pytest.raises(ValueError):
        Config().with_values(store={"archive_keep_months": 601})
    with pytest.raises(ValueError):
        Config().with_values(store={"archive_keep_months": -1})


def test_kiosk_archive_keep_months_says_up_to_which_day(station, capsys):
    today = datetime.now(TZ).date()
    cut = months_before(today, 4)
    capsys.readouterr()
    assert kiosk(station, "archive", "--keep-months", "4", "--dry-run", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["until"] == out["before"] == cut.isoformat()
    assert out["through"] == date.fromordinal(cut.toordinal() - 1).isoformat()
    assert kiosk(station, "archive", "--keep-months", "4") == 0
    text = capsys.readouterr().out
    assert f"up to {date.fromordinal(cut.toordinal() - 1):%d/%m/%Y}" in text
    assert live_count(station, "tickets", f"day < '{cut}'") == 0
    for wrong in (["--keep-months", "0"], ["--keep-months", "2", "--before", "2026-01-01"]):
        with pytest.raises(SystemExit) as usage:
            kiosk(station, "archive", *wrong)
        assert usage.value.code == 2


def test_the_doctor_speaks_of_closed_months_waiting(station):
    from kiosk.archive.schedule import record_run
    from kiosk.diagnostics.checks import check_archive, run_checks
    from kiosk.diagnostics.results import PASS, WARN

    paths = Paths(station, station / "kiosk.toml")
    today = datetime.now(TZ).date()
    cut = months_before(today, 3)
    results = run_checks(paths, config=MONTHS, checks=[check_archive])
    (late,) = [r for r in results if r.status == WARN]
    assert "closed months waiting" in late.detail and "archive_keep_months = 3" in late.detail
    assert f"{cut:%d/%m/%Y}" in late.detail and "2026:" in late.detail
    assert "idle" in late.fix
    record_run(paths, done_for=f"{today:%Y-%m}")
    (late,) = [r for r in run_checks(paths, config=MONTHS, checks=[check_archive])
               if r.status == WARN]
    assert "This month's archiving run is already done" in late.fix
    assert kiosk(station, "archive") == 0
    assert all(r.status == PASS for r in run_checks(paths, config=MONTHS,
                                                    checks=[check_archive]))


_EXTEND = """
import sys
from datetime import date
from pathlib import Path
from kiosk.archive.move import archive
from kiosk.archive import files
from kiosk.store import connect
data = Path(sys.argv[1])
db = connect(data / "kiosk.db")
archive(db, files.folder_for(data / "kiosk.db"), date(2026, 9, 1), station_id="t",
        step=7 if sys.argv[2] == "step" else None)
"""


def as_xz(folder: Path, year: int) -> Path:
    """Write the year's file again as the station wrote it before gzip (xz streams), its
    manifest naming it."""
    from kiosk.archive import xzstreams

    gz = files.year_file(folder, year)
    xz = gz.with_name(gz.name.replace(files.SUFFIX, files.XZ_SUFFIX))
    xz.write_bytes(b"".join(xzstreams.pack(io.BytesIO(gzip.decompress(gz.read_bytes())), 2)))
    gz.unlink()
    manifest = files.read_manifest(folder, year)
    files.write_manifest(folder, year, {**manifest, "file": xz.name,
                                        "file_sha256": files.sha256_file(xz)})
    assert files.year_file(folder, year) == xz
    return xz


@pytest.mark.parametrize("held", ["gz", "xz"])
@pytest.mark.parametrize("step", ["built", "packed", "renamed", "in-place", "step", "deleted"])
def test_killed_at_any_step_while_extending_a_year_loses_and_doubles_nothing(station, tmp_path,
                                                                           step, held):
    """And a year written before as xz, which the run writes again as gzip: cut off between
    the two renames or before the old file is removed, the year reads as one file and the
    next run leaves only the gzip one."""
    assert _archive(station, date(2026, 8, 1))  # July in the year's file
    if held == "xz":
        as_xz(station / "archive", 2026)
    before = month_reports(station, tmp_path / "before")
    rows_before = all_rows(station)
    old = files.read_manifest(station / "archive", 2026)
    env = {**os.environ, STOP_AT_ENV: step, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_CONFIG", None)
    proc = subprocess.run([sys.executable, "-c", _EXTEND, str(station), step], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr  # SIGKILL: no clean-up ran
    assert all_rows(station) == rows_before  # whatever the step, every row once
    if step in ("built", "packed"):  # before the rename: the year's file as it was
        assert files.read_manifest(station / "archive", 2026) == old
        assert live_count(station, "tickets", "day < '2026-09-01'") == 24
    if step == "renamed":  # the doctor says which run was cut off, and that nothing is lost
        from kiosk.diagnostics.checks import check_archive, run_checks

        results = run_checks(Paths(station, station / "kiosk.toml"), config=MONTHS,
                             checks=[check_archive])
        (line,) = [r for r in results if "kiosk-archive-2026" in r.detail]
        assert "extended by an archiving run, its new manifest not yet in place" in line.detail
    assert month_reports(station, tmp_path / "cut") == before
    assert _archive(station, date(2026, 9, 1)) or step == "deleted"
    assert not [p for p in (station / "archive").iterdir() if p.name.startswith(".")]
    assert sorted(p.name for p in (station / "archive").glob("*.db.*")) == [
        "kiosk-archive-2026.db.gz"]
    assert live_count(station, "tickets", "day < '2026-09-01'") == 0
    checked = _checked_against_manifest(station, 2026, tmp_path)
    assert checked["manifest"]["until"] == "2026-09-01"
    assert checked["manifest"]["rows"]["tickets"] == 48
    assert all_rows(station) == rows_before
    assert month_reports(station, tmp_path / "after") == before


def test_retention_rewrites_a_year_being_extended_and_keeps_its_until(station):
    """The retention purge of an archived year (kiosk/archive/purge.py) works per year file:
    on the current year's file it blanks what is past its time and keeps `until`; the next
    month still extends the rewritten file."""
    from kiosk.archive.purge import purge_archives
    from kiosk.feedback.citizen_feedback import DEFAULT_TOPICS, record_feedback

    db = connect(station / "kiosk.db")
    record_feedback(db, topic=DEFAULT_TOPICS[0], text="Xin gọi lại", phone="0912345678",
                    at=datetime(2026, 7, 7, 9, 0, tzinfo=TZ), station_id="t")
    record_feedback(db, topic=DEFAULT_TOPICS[0], text="Sạch sẽ, tốt", phone=None,
                    at=datetime(2026, 12, 1, 9, 0, tzinfo=TZ), station_id="t")
    db.conn.execute("UPDATE outbox SET sent_at = created_at WHERE sent_at IS NULL")
    db.conn.commit()
    db.conn.close()
    rows_before = all_rows(station)
    assert _archive(station, date(2026, 8, 1))
    folder = station / "archive"
    held = files.read_manifest(folder, 2026)["personal"]["feedback_phones"]
    assert held["rows"] == 1 and held["from"] == "2026-07-07"
    done = purge_archives(folder, now=datetime(2026, 12, 5, 10, 0, tzinfo=TZ),
                          dossier_days=None, feedback_days=30)
    assert [(y.year, y.feedback_phones) for y in done.years] == [(2026, 1)]
    manifest = files.read_manifest(folder, 2026)
    assert manifest["personal"]["feedback_phones"]["rows"] == 0
    assert manifest["until"] == "2026-08-01"
    assert files.check(files.archived_years(folder)[0]) is None
    assert b"0912345678" not in gzip.decompress(files.year_file(folder, 2026).read_bytes())
    assert _archive(station, date(2026, 9, 1))
    manifest = files.read_manifest(folder, 2026)
    assert manifest["until"] == "2026-09-01"
    assert manifest["rows"]["tickets"] == 48
    after = all_rows(station)
    assert len(after["citizen_feedback"]) == len(rows_before["citizen_feedback"])
    assert after["tickets"] == rows_before["tickets"]


def test_a_years_file_that_is_not_its_manifests_is_not_extended(station):
    """Valid gzip, but not the file the manifest names (damaged, or a cut between two of its
    members): extending it would carry the damage into the new file, so nothing is added and
    nothing deleted."""
    _archive(station, date(2026, 8, 1))
    f = files.year_file(station / "archive", 2026)
    f.write_bytes(gzip.compress(gzip.decompress(f.read_bytes()), compresslevel=1))
    august = live_count(station, "tickets", "day >= '2026-08-01' AND day < '2026-09-01'")
    with pytest.raises(files.ArchiveError, match="does not match its manifest"):
        _archive(station, date(2026, 9, 1))
    assert live_count(station, "tickets",
                      "day >= '2026-08-01' AND day < '2026-09-01'") == august == 24
