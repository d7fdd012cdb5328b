"""A station only ever switched on in office hours archives when idle, one year per turn, at the
lowest CPU priority; `kiosk doctor` warns when closed years wait to be archived or the last run
failed."""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timedelta

import pytest

from kiosk.archive import files
from kiosk.archive.schedule import (
    YearlyArchiver,
    read_state,
    run_once,
    station_idle,
)
from kiosk.config import Config
from kiosk.diagnostics.checks import check_archive, run_checks
from kiosk.diagnostics.results import PASS, WARN
from kiosk.paths import Paths
from kiosk.store import connect
from tests.archive.test_archive import TZ, kiosk, live_count
from tests.util import wait_until

#: A Wednesday morning: the office is open (kiosk.archive.schedule.office_closed is False).
OPEN = datetime(2026, 12, 2, 10, 0, tzinfo=TZ)
#: The years rule (archive_keep_months = 0): only 2026 stays live.
KEEP_ONE = Config().with_values(store={"archive_keep_months": 0, "archive_keep_years": 1})
#: The years rule with its default: 2025 and 2026 stay live.
YEARS = Config().with_values(store={"archive_keep_months": 0})


def test_in_office_hours_the_station_archives_only_once_idle_one_year_per_turn(station):
    from kiosk.calling import CallDesk
    from kiosk.ticketing import TicketDesk

    paths = Paths(station, station / "kiosk.toml")
    # Someone is waiting: a ticket issued 30 minutes ago, not called yet.
    db = connect(station / "kiosk.db")
    desk = TicketDesk(db, KEEP_ONE)
    ticket = desk.issue(desk.services[0].code, None, at=OPEN - timedelta(minutes=30))
    db.conn.close()
    assert not station_idle(KEEP_ONE, paths, OPEN)
    archiver = YearlyArchiver(KEEP_ONE, paths, first_delay_s=0.01, every_s=60,
                              idle_every_s=0.05, clock=lambda: OPEN)
    archiver.start()
    try:
        time.sleep(1.0)  # about 20 looks: never idle
        assert archiver.runs == 0 and "done_for" not in read_state(paths)
        assert not files.archived_years(station / "archive")
        assert live_count(station, "tickets", "day < '2025-01-01'") == 48
        if sys.platform.startswith("linux"):
            assert archiver.nice == 19  # xz at the lowest CPU priority, the windows first
        # Served and done 25 minutes ago: nobody since.
        db = connect(station / "kiosk.db")
        calls = CallDesk(db, KEEP_ONE, tickets=TicketDesk(db, KEEP_ONE))
        called = calls.call_next(1, at=OPEN - timedelta(minutes=26))
        assert called is not None and called.id == ticket.id
        calls.finish(1, at=OPEN - timedelta(minutes=25))
        db.conn.close()
        assert station_idle(KEEP_ONE, paths, OPEN)
        wait_until(lambda: read_state(paths).get("done_for") == 2026, 20,
                   what="the year's run recorded done")
    finally:
        archiver.stop()
    assert [a.year for a in files.archived_years(station / "archive")] == [2024, 2025]
    assert archiver.runs == 3  # 2024, then 2025, then a turn with nothing left: done
    assert read_state(paths)["years"] == []  # the last turn's record: nothing more to move
    assert live_count(station, "tickets", "day < '2026-01-01'") == 0
    assert live_count(station, "tickets", f"id = {ticket.id}") == 1  # this year's: live


def test_a_station_busy_again_before_the_year_is_put_in_place_leaves_it_as_it_was(station):
    from kiosk.archive.files import Postponed

    paths = Paths(station, station / "kiosk.toml")
    before = live_count(station, "tickets")
    asked = []

    def busy_now() -> bool:
        asked.append(True)
        return False

    with pytest.raises(Postponed):
        run_once(KEEP_ONE, paths, OPEN, still_idle=busy_now)
    assert asked  # asked once the year was built, before its file was put in place
    assert live_count(station, "tickets") == before
    assert not list(files.archived_years(station / "archive"))
    assert not [p for p in (station / "archive").iterdir() if p.name.endswith(".tmp")]
    assert "done_for" not in read_state(paths)
    # Idle throughout: one year per call, the run done once a call finds nothing more.
    assert [m["year"] for m in run_once(KEEP_ONE, paths, OPEN, still_idle=lambda: True)] \
        == [2024]
    assert "done_for" not in read_state(paths)
    assert [m["year"] for m in run_once(KEEP_ONE, paths, OPEN, still_idle=lambda: True)] \
        == [2025]
    assert run_once(KEEP_ONE, paths, OPEN, still_idle=lambda: True) == []
    assert read_state(paths)["done_for"] == 2026


def _archive_results(data, config=None):
    paths = Paths(data, data / "kiosk.toml")
    return [r for r in run_checks(paths, config=config or Config(), checks=[check_archive])]


def test_doctor_warns_while_closed_years_wait_to_be_archived(station, capsys):
    year = datetime.now(TZ).year
    results = _archive_results(station, YEARS)
    late = [r for r in results if r.status == WARN]
    assert len(late) == 1, [r.detail for r in results]
    assert "archive_keep_years = 2" in late[0].detail and "2024:" in late[0].detail
    assert f"{year - 1}-{year}" in late[0].detail
    assert "kiosk archive" in late[0].fix and "idle" in late[0].fix
    # Archiving off: nothing to warn about (a LAN office's PC: tests/archive/test_archive_lan.py).
    off = Config().with_values(store={"archive_keep_months": 0, "archive_keep_years": 0})
    assert all(r.status == PASS for r in _archive_results(station, off))
    assert kiosk(station, "archive", "--before", f"{year - 1}-01-01") == 0
    assert all(r.status == PASS for r in _archive_results(station, YEARS)), \
        [r.detail for r in _archive_results(station, YEARS)]


def test_doctor_sends_to_kiosk_archive_when_this_years_run_is_done(station):
    """Closed years still live after this year's run was recorded done (their records were
    not closed or not delivered then): the station does not archive them by itself before
    next year, and the fix says so."""
    from kiosk.archive.schedule import record_run

    record_run(Paths(station, station / "kiosk.toml"), done_for=datetime.now(TZ).year)
    late = [r for r in _archive_results(station, YEARS) if r.status == WARN]
    assert len(late) == 1 and "archive_keep_years = 2" in late[0].detail
    assert "already done" in late[0].fix and "`kiosk archive`" in late[0].fix
    assert "archives them by itself" not in late[0].fix


def test_doctor_warns_after_a_failed_archiving_run_until_one_succeeds(station, capsys):
    (station / "archive").write_text("not a folder", encoding="utf-8")  # what breaks the run
    assert kiosk(station, "archive", "--before", "2025-01-01") == 1
    capsys.readouterr()
    state = json.loads((station / "archive-state.json").read_text(encoding="utf-8"))
    assert state["failed_at"] and state["error"]
    failed = [r for r in _archive_results(station) if "failed" in r.detail]
    assert len(failed) == 1 and failed[0].status == WARN
    assert "kiosk archive" in failed[0].fix
    # Plain words first, the recorded error after them.
    assert "failed (" in failed[0].detail
    assert "the archive folder is not a folder (a file stands in its place) (recorded " \
        "error: " in failed[0].detail, failed[0].detail
    (station / "archive").unlink()
    assert kiosk(station, "archive", "--before", "2025-01-01") == 0
    assert not [r for r in _archive_results(station) if "failed" in r.detail]
    assert "failed_at" not in read_state(Paths(station, station / "kiosk.toml"))


_IDLE_TURN = """
import sys
from datetime import datetime
from zoneinfo import ZoneInfo
from pathlib import Path
import kiosk.archive.schedule as schedule
from kiosk.config import Config
from kiosk.paths import Paths
schedule.DELETE_STEP = 7
data = Path(sys.argv[1])
schedule.run_once(Config().with_values(store={"archive_keep_months": 0,
                                              "archive_keep_years": 1}),
                  Paths(data, data / "kiosk.toml"),
                  datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
                  still_idle=lambda: True)
"""


def test_killed_between_two_steps_of_an_idle_deletion_a_later_turn_finishes(station, tmp_path):
    """While open, the year's rows go in many short transactions (whole records each): a kill
    between two leaves whole records live, archived again and deleted by the next turn, every
    row once, the same reports."""
    import os
    import subprocess

    from kiosk.archive.move import STOP_AT_ENV
    from tests.archive.test_archive import all_rows, reports

    before = reports(station, tmp_path / "before")
    rows_before = all_rows(station)
    tickets = live_count(station, "tickets", "day < '2025-01-01'")
    dossiers = live_count(station, "dossiers", "day < '2025-01-01'")
    env = {**os.environ, STOP_AT_ENV: "step", "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_CONFIG", None)
    proc = subprocess.run([sys.executable, "-c", _IDLE_TURN, str(station)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr  # killed after the first step's commit
    # The first step (up to 7 dossiers with their history) is gone from the live database, the
    # rest of 2024 still there; every row still once for a reader.
    assert live_count(station, "tickets", "day < '2025-01-01'") == tickets
    assert live_count(station, "dossiers", "day < '2025-01-01'") < dossiers
    assert all_rows(station) == rows_before
    paths = Paths(station, station / "kiosk.toml")
    for _ in range(4):
        if read_state(paths).get("done_for") == 2026:
            break
        run_once(KEEP_ONE, paths, OPEN, still_idle=lambda: True)
    assert read_state(paths)["done_for"] == 2026
    assert not [p for p in (station / "archive").iterdir() if p.name.startswith(".")]
    assert live_count(station, "tickets", "day < '2026-01-01'") == 0
    assert all_rows(station) == rows_before
    assert reports(station, tmp_path / "after") == before


def test_an_idle_turn_deletes_in_steps_with_the_same_outcome(station, monkeypatch, tmp_path):
    from kiosk.archive import move, schedule
    from tests.archive.test_archive import all_rows, reports

    before = reports(station, tmp_path / "before")
    rows_before = all_rows(station)
    steps: list[int] = []
    real = move._check_step_references

    def counted(conn, parent, key):
        steps.append(conn.execute("SELECT count(*) FROM temp.arch_step").fetchone()[0])
        return real(conn, parent, key)

    monkeypatch.setattr(move, "_check_step_references", counted)
    monkeypatch.setattr(schedule, "DELETE_STEP", 10)
    paths = Paths(station, station / "kiosk.toml")
    moved = run_once(KEEP_ONE, paths, OPEN, still_idle=lambda: True)
    assert [m["year"] for m in moved] == [2024]
    assert len(steps) > 5 and max(steps) == 10  # many short transactions, 10 records each
    assert live_count(station, "tickets", "day < '2025-01-01'") == 0
    assert all_rows(station) == rows_before
    assert reports(station, tmp_path / "after") == before


def test_a_step_finds_its_rows_by_index_never_by_walking_a_table(station, monkeypatch):
    """A step costs what it deletes: each of its deletions finds its rows through an index
    (the parent's key, the child's index on it), never by walking a live table or the whole
    year's selection (on a busy year that was seconds per step, holding the write lock)."""
    from kiosk.archive import move, schedule

    statements: list[str] = []
    plans: dict[str, list[str]] = {}
    real = move._check_step_references

    def explained(conn, parent, key):
        for sql in statements:
            if sql.startswith("DELETE") and sql not in plans:
                plans[sql] = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql)]
        return real(conn, parent, key)

    monkeypatch.setattr(move, "_check_step_references", explained)
    monkeypatch.setattr(schedule, "DELETE_STEP", 10)
    real_steps = move._delete_in_steps

    def traced(db, step):
        db.conn.set_trace_callback(statements.append)
        try:
            return real_steps(db, step)
        finally:
            db.conn.set_trace_callback(None)

    monkeypatch.setattr(move, "_delete_in_steps", traced)
    paths = Paths(station, station / "kiosk.toml")
    assert run_once(KEEP_ONE, paths, OPEN, still_idle=lambda: True)
    kinds = {sql.split()[2] for sql in plans}
    assert {"main.queue_events", "main.dossier_events", "main.tickets",
            "main.dossiers"} <= kinds
    for sql, plan in plans.items():
        walks = [p for p in plan if p.startswith(("SCAN main.", "SCAN temp.arch_sel"))]
        assert not walks, (sql, plan)


def test_after_a_failed_run_no_idle_turn_until_the_office_has_closed(station, caplog):
    """Each try unpacks and packs a whole year: after a failure an idle station does not try
    again at its next idle look, only once the office has closed (then every every_s)."""
    import logging

    (station / "archive").write_text("not a folder", encoding="utf-8")  # what breaks the run
    paths = Paths(station, station / "kiosk.toml")
    assert station_idle(KEEP_ONE, paths, OPEN)
    now = [OPEN]
    archiver = YearlyArchiver(KEEP_ONE, paths, first_delay_s=0.01, every_s=0.25,
                              idle_every_s=0.01, clock=lambda: now[0])
    caplog.set_level(logging.ERROR, logger="kiosk.archive.schedule")
    archiver.start()
    try:
        wait_until(lambda: read_state(paths).get("failed_at"), 20, what="the failure recorded")
        time.sleep(1.0)  # about 100 idle looks, 4 checks of every_s: all in office hours
        failed = [r for r in caplog.records if "run failed" in r.getMessage()]
        assert len(failed) == 1, len(failed)
        (station / "archive").unlink()  # fixed; the office closes
        now[0] = OPEN.replace(hour=18)
        wait_until(lambda: read_state(paths).get("done_for") == 2026, 20,
                   what="the year's run recorded done")
    finally:
        archiver.stop()
    assert "failed_at" not in read_state(paths)
    assert [a.year for a in files.archived_years(station / "archive")] == [2024, 2025]
