"""`kiosk archive`: closed years out of the live database into one file per year, nothing lost
for the reader (reports, logbook, dossier show, the kiosk's look-up), safe against a kill at
any step."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.archive import files
from kiosk.archive.move import STOP_AT_ENV, archive
from kiosk.archive.reading import archived_public_view, with_archives
from kiosk.archive.tables import TABLES
from kiosk.cli import main
from kiosk.config import Config
from kiosk.store import connect

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
#: Working days seeded: two in each of 2024 and 2025 (one near the year's end), one in 2026.
DAYS = (date(2024, 3, 4), date(2024, 12, 30), date(2025, 6, 2), date(2025, 12, 31),
        date(2026, 3, 2))
TODAY = datetime(2026, 4, 1, 10, 0, tzinfo=TZ)


def _seed_day(db, config, day: date, rng: random.Random, tickets: int = 24,
              dossiers: int = 6, until: datetime = TODAY) -> None:
    import sync.seed as seeding
    from kiosk.calling import CallDesk
    from kiosk.dossiers.intake import DossierDesk
    from kiosk.dossiers.models import Intake
    from kiosk.dossiers.seed import AREAS, CLERKS, _advance, fake_person
    from kiosk.feedback.citizen_feedback import DEFAULT_TOPICS, record_feedback
    from kiosk.ticketing import TicketDesk

    desk = TicketDesk(db, config)
    services = [s.code for s in desk.services]
    counters = seeding._Counters(CallDesk(db, config, tickets=desk), rng)
    for i in range(tickets):
        at = datetime.combine(day, dtime(8), TZ) + timedelta(minutes=7 * i)
        counters.work_until(at)
        ticket = desk.issue(rng.choice(services), None, at=at)
        desk.record_print(ticket, True, None, at=at + timedelta(seconds=2))
        counters.arrived(at + timedelta(seconds=2))
    counters.close_day()
    seeding.seed_ratings(db, config, tickets // 2, rng=rng)
    record_feedback(db, topic=DEFAULT_TOPICS[0], text="Ghế chờ bị hỏng", phone=None,
                    at=datetime.combine(day, dtime(9, 30), TZ), station_id=config.station.id)
    dd = DossierDesk(db, config)
    later = datetime.combine(day + timedelta(days=40), dtime(12), TZ)
    for i in range(dossiers):
        at = datetime.combine(day, dtime(9), TZ) + timedelta(minutes=31 * i)
        d = dd.save_intake(Intake(procedure_code=rng.choice(dd.procedures).code,
                                  submitter=fake_person(rng, today=day), area=AREAS[0]),
                           clerk=CLERKS[i % len(CLERKS)], at=at)
        if i < dossiers - 1:  # the last one of each day stays open
            _advance(dd, d, rng, min(later, until), CLERKS[0])


def seed_station(data: Path) -> Path:
    """A station database with five working days over three years, every record delivered
    and personal data purged where retention allows (as `kiosk archive` does first)."""
    from kiosk.dossiers.retention import purge_personal_data

    config = Config()
    rng = random.Random(7)
    db = connect(data / "kiosk.db")
    for day in DAYS:
        _seed_day(db, config, day, rng)
    db.conn.execute("UPDATE outbox SET sent_at = created_at, sync_result = 'accepted'")
    purge_personal_data(db, now=datetime.now(UTC), retention_days=Config().dossiers.retention_days)
    db.conn.close()
    return data


def kiosk(data: Path, *args: str) -> int:
    return main(["--data-dir", str(data), *args])


def reports(data: Path, out: Path) -> dict[str, bytes]:
    """What a reader gets: the report (csv) for each year and over all three, the logbook."""
    out.mkdir(parents=True, exist_ok=True)
    got = {}
    for label, a, b in (("2024", "2024-01-01", "2024-12-31"), ("2025", "2025-01-01",
                        "2025-12-31"), ("all", "2024-01-01", "2026-12-31"),
                        ("live", "2026-01-01", "2026-12-31")):
        path = out / f"report-{label}.csv"
        assert kiosk(data, "report", "--from", a, "--to", b, "--format", "csv",
                     "--out", str(path)) == 0
        got[path.name] = _without_stamp(path.read_bytes())
        path = out / f"logbook-{label}.csv"
        assert kiosk(data, "export", "logbook", "--from", a, "--to", b, "--format", "csv",
                     "--out", str(path)) == 0
        got[path.name] = _without_stamp(path.read_bytes())
    return got


def _without_stamp(raw: bytes) -> bytes:
    # "Lập lúc HH:MM ngày ..." changes with the minute the file was written
    return b"\n".join(line for line in raw.split(b"\n") if "Lập lúc".encode() not in line)


def all_rows(data: Path) -> dict[str, list[tuple]]:
    """Every row of every archived table, live and archived together, in key order."""
    db = connect(data / "kiosk.db")
    try:
        with with_archives(db, files.folder_for(data / "kiosk.db"),
                           years=[a.year for a in files.archived_years(data / "archive")]):
            return {t.name: db.execute(f"SELECT * FROM {t.name} ORDER BY "
                                       f"{', '.join(t.key)}").fetchall() for t in TABLES}
    finally:
        db.conn.close()


def live_count(data: Path, table: str, where: str = "1") -> int:
    conn = sqlite3.connect(data / "kiosk.db")
    try:
        return conn.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]
    finally:
        conn.close()


def test_reports_and_logbook_read_the_same_after_archiving(station, tmp_path, capsys):
    before = reports(station, tmp_path / "before")
    rows_before = all_rows(station)
    tickets_2024 = live_count(station, "tickets", "day < '2025-01-01'")
    assert tickets_2024 == 48
    capsys.readouterr()

    assert kiosk(station, "archive", "--before", "2026-01-01", "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert [y["year"] for y in result["years"]] == [2024, 2025]
    assert result["years"][0]["rows"]["tickets"] == 48
    assert result["years"][0]["rows"]["citizen_feedback"] == 2
    # The newest ticket of the live database stays (2026), the older ones all went.
    assert live_count(station, "tickets", "day < '2026-01-01'") == 0
    for y in (2024, 2025):
        f = files.year_file(station / "archive", y)
        assert f.exists() and oct(f.stat().st_mode & 0o777) == "0o600"
        assert files.check(files.archived_years(station / "archive")[y - 2024]) is None
    assert oct((station / "archive").stat().st_mode & 0o777) == "0o700"

    assert all_rows(station) == rows_before  # nothing lost, nothing doubled
    assert reports(station, tmp_path / "after") == before


def test_what_is_open_or_undelivered_stays_live(station, capsys):
    conn = sqlite3.connect(station / "kiosk.db")
    ticket_uid, ticket_id = conn.execute(
        "SELECT uid, id FROM tickets WHERE day = '2024-03-04' ORDER BY id LIMIT 1").fetchone()
    event_uid = conn.execute("SELECT uid FROM queue_events WHERE ticket_id = ? ORDER BY id "
                             "DESC LIMIT 1", (ticket_id,)).fetchone()[0]
    # one of its events not yet taken by the city; another ticket's rating set aside
    conn.execute("UPDATE outbox SET sent_at = NULL WHERE record_id = ?", (event_uid,))
    rating_uid = conn.execute("SELECT uid FROM ratings WHERE at < '2025' ORDER BY id "
                              "LIMIT 1").fetchone()[0]
    conn.execute("UPDATE outbox SET sent_at = NULL, set_aside_at = '2024-03-05T00:00:00+07:00',"
                 " set_aside_reason = 'x' WHERE record_id = ?", (rating_uid,))
    open_2024 = [r[0] for r in conn.execute(
        "SELECT code FROM dossiers WHERE day < '2025-01-01' AND status NOT IN (3, 7, 8, 10)")]
    unpurged = [r[0] for r in conn.execute(
        "SELECT code FROM dossiers WHERE day < '2025-01-01' AND status = 10 AND purged_at IS "
        "NULL")]
    conn.commit()
    conn.close()
    assert open_2024

    assert kiosk(station, "archive", "--before", "2025-01-01") == 0
    assert live_count(station, "tickets", f"id = {ticket_id}") == 1
    assert live_count(station, "queue_events", f"ticket_id = {ticket_id}") >= 2
    assert live_count(station, "ratings", f"uid = '{rating_uid}'") == 1
    for code in open_2024 + unpurged:
        assert live_count(station, "dossiers", f"code = '{code}'") == 1
    # a live dossier's ticket stays with it (the foreign key)
    assert live_count(station, "dossiers d", "d.ticket_id IS NOT NULL AND d.ticket_id NOT IN "
                      "(SELECT id FROM tickets)") == 0
    assert live_count(station, "tickets", "day < '2025-01-01'") < 48
    assert files.year_file(station / "archive", 2025).exists() is False


def test_a_record_closed_later_joins_its_year(station, capsys):
    assert kiosk(station, "archive", "--before", "2025-01-01") == 0
    first = files.read_manifest(station / "archive", 2024)["rows"]
    conn = sqlite3.connect(station / "kiosk.db")
    (code,) = conn.execute("SELECT code FROM dossiers WHERE day = '2024-12-30' AND status = 2 "
                           "ORDER BY id LIMIT 1").fetchone()
    conn.close()
    from kiosk.dossiers.intake import DossierDesk
    from kiosk.dossiers.status import DossierStatus

    db = connect(station / "kiosk.db")
    DossierDesk(db, Config()).change_status(
        code, DossierStatus.WITHDRAWN, clerk="Lê Văn Dũng", reason="Công dân rút hồ sơ",
        at=datetime(2024, 12, 31, 9, 0, tzinfo=TZ))
    # Life goes on: a newer history row (the table's newest row always stays live).
    _seed_day(db, Config(), date(2026, 3, 3), random.Random(3), tickets=2, dossiers=1)
    db.conn.execute("UPDATE outbox SET sent_at = created_at WHERE sent_at IS NULL")
    db.conn.close()
    # Withdrawn long ago and delivered: retention purges it first (as `kiosk archive` does).
    assert kiosk(station, "dossier", "purge") == 0
    assert live_count(station, "dossiers", f"code = '{code}' AND purged_at IS NOT NULL AND "
                      "submitter_name IS NULL") == 1
    rows_before = all_rows(station)
    assert kiosk(station, "archive", "--before", "2025-01-01") == 0
    again = files.read_manifest(station / "archive", 2024)["rows"]
    assert again["dossiers"] == first["dossiers"] + 1
    assert live_count(station, "dossiers", f"code = '{code}'") == 0
    assert all_rows(station) == rows_before


@pytest.mark.parametrize("step", ["built", "packed", "renamed", "deleted"])
def test_killed_at_any_step_a_rerun_finishes_without_loss_or_double(station, tmp_path, step):
    before = reports(station, tmp_path / "before")
    rows_before = all_rows(station)
    env = {**os.environ, STOP_AT_ENV: step, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_CONFIG", None)
    proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "--data-dir", str(station),
                           "archive", "--before", "2026-01-01"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr  # SIGKILL: no clean-up ran
    assert all_rows(station) == rows_before  # whatever the step, every row once
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    assert not [p for p in (station / "archive").iterdir() if p.name.startswith(".")]
    assert live_count(station, "tickets", "day < '2026-01-01'") == 0
    assert all_rows(station) == rows_before
    assert reports(station, tmp_path / "after") == before


def test_a_damaged_archive_is_refused_and_nothing_deleted(station, capsys):
    assert kiosk(station, "archive", "--before", "2025-01-01") == 0
    f = files.year_file(station / "archive", 2024)
    raw = bytearray(f.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    f.write_bytes(bytes(raw))
    assert "does not match" in files.check(files.archived_years(station / "archive")[0])
    # a later year's run does not need 2024's file; a report over 2024 says it cannot read it
    out = station / "r.csv"
    assert kiosk(station, "report", "--from", "2024-01-01", "--to", "2024-12-31", "--format",
                 "csv", "--out", str(out)) == 1
    assert "damaged" in capsys.readouterr().err


def test_dossier_show_and_the_kiosk_look_up_find_an_archived_dossier(station, capsys):
    conn = sqlite3.connect(station / "kiosk.db")
    code, status = conn.execute("SELECT code, status FROM dossiers WHERE day = '2024-03-04' "
                                "AND status = 10 AND purged_at IS NOT NULL LIMIT 1").fetchone()
    conn.close()
    assert kiosk(station, "dossier", "show", code, "--json") == 0
    live = json.loads(capsys.readouterr().out)
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    capsys.readouterr()
    assert live_count(station, "dossiers", f"code = '{code}'") == 0

    assert kiosk(station, "dossier", "show", code, "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown.pop("archived") == 2024
    assert shown == live
    assert kiosk(station, "dossier", "show", code) == 0
    assert "lưu trữ" in capsys.readouterr().err

    from kiosk.queue.local import LocalQueue

    queue = LocalQueue(station / "kiosk.db", Config(), watch_s=None)
    try:
        view, record = queue.dossier_entry(code)
    finally:
        queue.close()
    assert record is None and view is not None
    assert view.code == code and int(view.status) == status == 10
    assert view.returned_date is not None and view.initials == ""
    assert archived_public_view(station / "archive", "NOPE-1") is None


def test_dry_run_changes_nothing(station, capsys):
    size = (station / "kiosk.db").stat().st_size
    assert kiosk(station, "archive", "--before", "2026-01-01", "--dry-run", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["years"][0]["rows"]["tickets"] == 48 and out["years"][0]["dry_run"]
    assert not (station / "archive").exists()
    assert (station / "kiosk.db").stat().st_size == size


def test_the_current_year_cannot_be_archived(station, capsys):
    year = datetime.now(TZ).year
    assert kiosk(station, "archive", "--before", f"{year + 1}-01-01") == 2
    assert "not closed" in capsys.readouterr().err


def test_archive_in_process_is_idempotent(station):
    db = connect(station / "kiosk.db")
    try:
        first = archive(db, station / "archive", date(2025, 1, 1), station_id="t")
        second = archive(db, station / "archive", date(2025, 1, 1), station_id="t")
    finally:
        db.conn.close()
    assert first and first[0].moved > 0
    assert second == []


def test_the_station_archives_once_a_year_when_the_office_is_closed(station):
    from kiosk.archive.schedule import YearlyArchiver, due, read_state, run_once
    from kiosk.paths import Paths

    paths = Paths(station, station / "kiosk.toml")
    # The years rule (archive_keep_months = 0): only 2026 stays live.
    config = Config().with_values(store={"archive_keep_months": 0, "archive_keep_years": 1})
    evening = datetime(2026, 4, 1, 19, 0, tzinfo=TZ)
    assert not due(config, paths, evening.replace(hour=10))  # opening hours: later
    off = Config().with_values(store={"archive_keep_months": 0, "archive_keep_years": 0})
    assert not due(off, paths, evening)
    assert due(config, paths, evening)
    moved = run_once(config, paths, evening)
    assert [m["year"] for m in moved] == [2024, 2025]
    assert read_state(paths)["done_for"] == 2026
    assert not due(config, paths, evening)  # once a year
    assert due(config, paths, evening.replace(year=2027))
    assert live_count(station, "tickets", "day < '2026-01-01'") == 0
    # The thread of a running station does the same.
    (station / "archive-state.json").unlink()
    archiver = YearlyArchiver(config, paths, first_delay_s=0.01, every_s=60).start()
    try:
        import time

        deadline = time.monotonic() + 10
        while "done_for" not in read_state(paths) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        archiver.stop()
    from kiosk.archive.schedule import office_closed

    if office_closed(datetime.now(ZoneInfo(config.office.timezone))):
        assert read_state(paths)["done_for"] == datetime.now(TZ).year
    else:
        assert "done_for" not in read_state(paths)


def test_tickets_are_issued_while_a_year_is_built(station, monkeypatch):
    """Building the archive reads the live database only: another connection writes
    meanwhile (the station issuing a ticket) without waiting for it."""
    import time

    from kiosk.archive import move
    from kiosk.ticketing import TicketDesk

    waits = []
    real = move._archive_ddl

    def ddl_and_issue(*args, **kw):
        if not waits:  # inside the build's transaction
            other = connect(station / "kiosk.db")
            other.conn.execute("PRAGMA busy_timeout = 100")
            t0 = time.perf_counter()
            TicketDesk(other, Config()).issue("CT", None)
            waits.append(time.perf_counter() - t0)
            other.conn.close()
        return real(*args, **kw)

    monkeypatch.setattr(move, "_archive_ddl", ddl_and_issue)
    db = connect(station / "kiosk.db")
    try:
        assert archive(db, station / "archive", date(2025, 1, 1), station_id="t")
    finally:
        db.conn.close()
    assert waits and waits[0] < 1.0


def test_one_archiving_run_at_a_time(station, capsys):
    from kiosk.archive.move import LOCK_FILE
    from kiosk.instance import InstanceLock

    with InstanceLock(station / "archive" / LOCK_FILE):
        assert kiosk(station, "archive", "--before", "2025-01-01") == 1
        assert "under way" in capsys.readouterr().err
        assert live_count(station, "tickets", "day < '2025-01-01'") == 48
    assert kiosk(station, "archive", "--before", "2025-01-01") == 0
    assert live_count(station, "tickets", "day < '2025-01-01'") == 0


def test_the_delivery_marks_of_archived_dossiers_go_with_them(station):
    """sync/prune.py marks a change whose delivered row it pruned (`city_delivered`): the mark
    moves into the archive with its change, and the changes that stay live keep theirs."""
    conn = sqlite3.connect(station / "kiosk.db")
    uids = [r[0] for r in conn.execute(
        "SELECT e.uid FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id "
        "WHERE d.day < '2025-01-01' AND d.status = 10 AND d.purged_at IS NOT NULL")]
    # as sync/prune.py leaves them: the change marked, its outbox row gone
    conn.executemany("UPDATE dossier_events SET city_delivered = 1 WHERE uid = ?",
                     [(u,) for u in uids])
    conn.executemany("DELETE FROM outbox WHERE record_id = ?", [(u,) for u in uids])
    conn.commit()
    conn.close()
    assert uids
    assert kiosk(station, "archive", "--before", "2025-01-01") == 0
    conn = sqlite3.connect(station / "kiosk.db")
    live = {r[0] for r in conn.execute("SELECT uid FROM dossier_events")}
    conn.close()
    gone = [u for u in uids if u not in live]
    kept = [u for u in uids if u in live]  # a dossier of 2024 handed back in 2025 stays
    assert len(gone) >= 10
    marks = dict(all_rows_of(station, "SELECT uid, city_delivered FROM dossier_events"))
    assert all(marks[u] == 1 for u in uids)  # archived or live, each change keeps its mark
    assert live_count(station, "dossier_events", "city_delivered = 1") == len(kept)


def all_rows_of(data: Path, sql: str) -> list[tuple]:
    """`sql` over the live and archived rows together."""
    db = connect(data / "kiosk.db")
    try:
        with with_archives(db, files.folder_for(data / "kiosk.db"),
                           years=[a.year for a in files.archived_years(data / "archive")]):
            return db.execute(sql).fetchall()
    finally:
        db.conn.close()


def test_a_mirrored_copy_of_an_archived_dossier_is_not_inserted_again(station, capsys):
    from kiosk.dossiers.intake import DossierDesk
    from kiosk.dossiers.office import mirror

    db = connect(station / "kiosk.db")
    try:
        code = db.conn.execute("SELECT code FROM dossiers WHERE day < '2025-01-01' AND "
                               "returned_at IS NOT NULL ORDER BY code LIMIT 1").fetchone()[0]
        data = DossierDesk(db, Config()).get(code).as_json()
    finally:
        db.conn.close()
    assert kiosk(station, "archive", "--before", "2025-01-01") == 0
    assert live_count(station, "dossiers", f"code = '{code}'") == 0
    conn = sqlite3.connect(station / "kiosk.db")
    try:
        assert mirror(conn, data) is False
        conn.commit()
    finally:
        conn.close()
    assert live_count(station, "dossiers", f"code = '{code}'") == 0


def test_a_live_row_changed_after_a_cut_run_is_archived_as_it_is_now(station, tmp_path):
    env = {**os.environ, STOP_AT_ENV: "renamed", "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_CONFIG", None)
    proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "--data-dir", str(station),
                           "archive", "--before", "2025-01-01"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr
    conn = sqlite3.connect(station / "kiosk.db")
    try:
        code = conn.execute("SELECT code FROM dossiers WHERE day < '2025-01-01' AND "
                            "purged_at IS NOT NULL ORDER BY code LIMIT 1").fetchone()[0]
        conn.execute("UPDATE dossiers SET summary = 'Nội dung sửa sau' WHERE code = ?", (code,))
        conn.commit()
    finally:
        conn.close()
    assert kiosk(station, "archive", "--before", "2025-01-01") == 0
    assert live_count(station, "dossiers", f"code = '{code}'") == 0
    rows = [r for r in all_rows(station)["dossiers"] if code in r]
    assert len(rows) == 1 and "Nội dung sửa sau" in rows[0]
    out = tmp_path / "logbook.csv"
    assert kiosk(station, "export", "logbook", "--from", "2024-01-01", "--to", "2024-12-31",
                 "--format", "csv", "--out", str(out)) == 0
    assert out.read_text(encoding="utf-8-sig").count("Nội dung sửa sau") == 1
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0  # later years still go


def test_a_killed_report_leaves_no_unpacked_year_behind_for_long(station):
    import glob

    from kiosk.archive.reading import KEPT_DIR, READING_DIR

    assert kiosk(station, "archive", "--before", "2025-01-01") == 0
    in_tmp = set(glob.glob("/tmp/kiosk-archive-*"))
    code = ("import os, signal, sys\n"
            "from kiosk.archive.reading import with_archives\n"
            "from kiosk.archive import files\n"
            "from kiosk.store import connect\n"
            "from pathlib import Path\n"
            "data = Path(sys.argv[1])\n"
            "db = connect(data / 'kiosk.db')\n"
            "with with_archives(db, files.folder_for(data / 'kiosk.db'), years=[2024]):\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n")
    env = {**os.environ}
    env.pop("KIOSK_CONFIG", None)
    proc = subprocess.run([sys.executable, "-c", code, str(station)], env=env, timeout=120)
    assert proc.returncode == -9
    reading = station / READING_DIR
    left = list(reading.iterdir())
    assert len(left) == 1 and (left[0] / "2024.db").exists()  # in the data folder
    assert oct(reading.stat().st_mode & 0o777) == "0o700"
    assert set(glob.glob("/tmp/kiosk-archive-*")) == in_tmp  # nothing in the system's /tmp
    db = connect(station / "kiosk.db")
    try:
        with with_archives(db, files.folder_for(station / "kiosk.db"), years=[2024]):
            assert len(list(reading.iterdir())) == 1  # the stale one went, this one is here
            assert not left[0].exists()
    finally:
        db.conn.close()
    # What is left: the copy this reading unpacked, kept for the next (owner-only).
    assert [p.name for p in reading.iterdir()] == [KEPT_DIR]
    kept = list((reading / KEPT_DIR).iterdir())
    assert [p.name.split("-")[0] for p in kept] == ["2024"]
    assert oct(kept[0].stat().st_mode & 0o777) == "0o600"


def test_a_failure_after_the_deletion_is_worded_as_such(station, capsys, monkeypatch):
    import sync.prune

    def disk_error(db):
        raise OSError(5, "Input/output error")

    # A disk failing just after the year's rows were deleted (cannot be made to happen here).
    monkeypatch.setattr(sync.prune, "incremental_vacuum", disk_error)
    capsys.readouterr()
    assert kiosk(station, "archive", "--before", "2025-01-01") != 0
    err = capsys.readouterr().err
    assert "2024 was archived and its rows deleted from the live database" in err
    assert "Input/output error" in err
    assert "Nothing of the year being archived was deleted" not in err
    assert live_count(station, "tickets", "day < '2025-01-01'") == 0
    assert files.year_file(station / "archive", 2024).exists()
