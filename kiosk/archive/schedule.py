"""The station's own archiving: with `[store] archive_keep_months` N (default 3), a running
station (`kiosk run`) archives the closed records of the months before the last N once a
month, into the file of their calendar year (the current year's grows month by month); with
archive_keep_months = 0, `[store] archive_keep_years` N (default 2) archives the years before
the last N once a year. On a daemon thread, as `kiosk archive` does.

It runs at the first check (every few hours, the first 15 minutes after the start) when the
office is closed: before 07:00 or after 17:30 local time, or on a Saturday or Sunday. A
station only ever switched on in office hours archives when it is idle instead: while the
year's run is due, it looks every few minutes, and runs once no ticket of the day is waiting,
called or being served and nothing was issued, called or recorded for 20 minutes (station_idle),
one year per turn, looking again before each year's archive file is put in place (a year whose
station got busy meanwhile is left as it was, for the next idle turn), and deleting the
year's rows in short transactions of DELETE_STEP records (a ticket tapped meanwhile waits
for one step, not for the year). Building the archive only reads the live database, and the
thread runs at the lowest CPU priority (packing was most of the time); when the office is closed the
final deletion is one write transaction of a few seconds for a busy year, which a citizen
tapping for a ticket should not have to wait for. Once a run succeeded, nothing more is tried
that calendar month (months rule) or year (years rule): the state file `archive-state.json`
in the data folder holds `done_for`, the month ("2026-12") or the year (2026), when and what
moved, no personal data; a state of one rule read by the other is simply not done
(done_now). A failure is logged, recorded there for `kiosk doctor` (`failed_at`, `error`)
and tried again at the next check. On the counter and hub PCs of an office with a LAN hub
([hub] role 'client' or 'hub') the queue's records are archived and the dossier side stays
live (keeps_dossiers(), lan_note(); docs/archive.md).
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.archive.files import Postponed
from kiosk.config import Config
from kiosk.paths import Paths

log = logging.getLogger(__name__)

STATE_FILE = "archive-state.json"
FIRST_DELAY_S = 15 * 60.0
CHECK_EVERY_S = 3 * 3600.0
#: While the year's run is due and the office is open: how often the station looks whether it
#: is idle, and for how long nothing must have happened.
IDLE_CHECK_S = 5 * 60.0
IDLE_FOR_S = 20 * 60.0
#: Records deleted per transaction when archiving while open (kiosk/archive/move.py
#: _delete_in_steps): a tapped ticket waits for one step, not for the whole year.
DELETE_STEP = 2000
#: A ticket in these states means someone is waiting or at a counter.
BUSY_TICKETS = ("waiting", "called", "serving")
OPEN_FROM, OPEN_UNTIL = dtime(7, 0), dtime(17, 30)


#: What `kiosk archive` adds on the PCs of a LAN office (docs/archive.md, "The PCs of an
#: office with a LAN hub").
LAN_NOTE = (
    "Máy quầy/máy chủ của văn phòng có máy chủ LAN (hub.role = {role}): chỉ lưu trữ số thứ tự "
    "(với lượt gọi), đánh giá và góp ý; hồ sơ và phản ánh, kiến nghị vẫn ở lại cơ sở dữ liệu "
    "của máy này, vì máy quầy chép lại hồ sơ từ sổ của máy chủ và máy chủ nhận lại hồ sơ các "
    "quầy gửi.\n"
    "PC of an office with a LAN hub (hub.role = {role}): only tickets (with their queue "
    "events), ratings and feedback are archived; dossiers and petitions stay live on this PC, "
    "because a counter mirrors dossiers back from the hub's book and the hub takes forwarded "
    "dossiers again.")


def keeps_dossiers(config: Config, db: Any = None) -> bool:
    """A PC of a LAN office ([hub] role 'client' or 'hub'), or a database `db` that serves an
    office's hub whatever the role says (serves_hub: a back-office PC running `kiosk hub`):
    its dossier side stays live (kiosk.archive.tables.DOSSIER_SIDE), the queue's records are
    archived."""
    return config.hub.role in ("client", "hub") or (db is not None and serves_hub(db))


def serves_hub(db: Any) -> bool:
    """The database has stations paired to it as their hub (`kiosk hub pair`)."""
    import sqlite3

    try:
        return db.execute("SELECT 1 FROM hub_credentials LIMIT 1").fetchone() is not None
    except sqlite3.Error:  # no such table (a database before the hub's migration)
        return False


def lan_note(config: Config, db: Any = None) -> str | None:
    """What `kiosk archive` says on a PC of a LAN office (LAN_NOTE), or None elsewhere."""
    if not keeps_dossiers(config, db):
        return None
    return LAN_NOTE.format(role=config.hub.role if config.hub.role != "standalone" else
                           "standalone, máy chủ quầy / serving as the office hub")


def station_folder(config: Config, paths: Paths) -> Path:
    """The archive folder of a station (its configuration and paths)."""
    from kiosk.archive.files import folder_for
    from kiosk.station import database_path

    return folder_for(database_path(config, paths))


def retention_first(db: Any, config: Config, paths: Paths | None = None) -> None:
    """Personal data past its retention is purged before anything is archived (a handed-back
    dossier still holding personal data stays live), in the live database and, with `paths`,
    in the archived years (purge_archived)."""
    from kiosk.dossiers.retention import purge_personal_data
    from kiosk.petitions.cases import purge

    now = datetime.now(UTC)
    purge_personal_data(db, now=now, retention_days=config.dossiers.retention_days)
    purge(db, now=now, retention_days=config.petitions.retention_days)
    if paths is not None:
        purge_archived(config, paths, now=now)


def retention_after(config: Config, paths: Paths):
    """Retention again over the archived years once a run archived some: a record archived
    now may hold personal data already past its time (a refused, withdrawn or stopped dossier
    the live purge kept because it could not tell the city had every change; the archive only
    takes delivered records), which would otherwise stay there until the next run.
    Nothing is unpacked for a year whose manifest says nothing is past its time."""
    return purge_archived(config, paths, now=datetime.now(UTC))


def purge_archived(config: Config, paths: Paths, *, now: datetime | None = None,
                   dossiers: bool = True, feedback: bool = True, dossier_days: int | None = None,
                   feedback_days: int | None = None, dry_run: bool = False):
    """Retention reaching the station's archived years (kiosk/archive/purge.py), with the
    configured retention times unless given; the [backup] folder's copies replaced after.
    Returns purge.ArchivePurge."""
    from kiosk.archive.files import backup_folder_name
    from kiosk.archive.purge import purge_archives

    backup_to = None
    if config.backup.folder:
        backup_to = Path(config.backup.folder).expanduser() / backup_folder_name(
            config.station.id)
    return purge_archives(
        station_folder(config, paths), now=now or datetime.now(UTC), dry_run=dry_run,
        dossier_days=(dossier_days if dossier_days is not None
                      else config.dossiers.retention_days) if dossiers else None,
        feedback_days=(feedback_days if feedback_days is not None
                       else config.petitions.retention_days) if feedback else None,
        backup_to=backup_to)


def state_path(paths: Paths) -> Path:
    return paths.data_dir / STATE_FILE


def read_state(paths: Paths) -> dict[str, Any]:
    from kiosk.private_files import read_json_object

    return read_json_object(state_path(paths))


def record_run(paths: Paths, *, error: str | None = None, **done: Any) -> None:
    """Note the outcome of an archiving run in the state file (for `kiosk doctor`): a failure
    (`failed_at`, `error`: what failed, no personal data) or a success (`done`: `done_for`,
    `at`, ...), which clears an earlier failure. Best effort: a full disk loses the note."""
    from kiosk.private_files import write_private_atomic

    state = read_state(paths)
    if error is not None:
        state.update(failed_at=datetime.now(UTC).isoformat(), error=error[:300])
    else:
        state.pop("failed_at", None)
        state.pop("error", None)
        state.update(done)
    with contextlib.suppress(OSError):
        write_private_atomic(state_path(paths), json.dumps(state, indent=1))


def office_closed(now: datetime) -> bool:
    return now.weekday() >= 5 or not OPEN_FROM <= now.time() < OPEN_UNTIL


def archiving_on(config: Config) -> bool:
    """The station archives by itself: archive_keep_months or (the years rule)
    archive_keep_years above 0."""
    return bool(config.store.archive_keep_months or config.store.archive_keep_years)


def run_for(config: Config, now: datetime | date) -> str | int:
    """What `done_for` says once the configured rule's run is done at `now`: the month
    ("2026-12") with archive_keep_months, else the year (2026)."""
    if config.store.archive_keep_months:
        return f"{now.year:04d}-{now.month:02d}"
    return now.year


def done_now(config: Config, state: dict[str, Any], now: datetime | date) -> bool:
    """The state records this month's (this year's) run as done. A year written by an older
    version (or by the years rule) does not count as a month's run, nor a month as a year's:
    the station then runs once more, which finds what is left to move."""
    return state.get("done_for") == run_for(config, now)


def pending(config: Config, paths: Paths, now: datetime) -> bool:
    """Archiving is on, not yet done this calendar month (months rule) or year, and the
    rule's cut-off is old enough (kiosk.archive.move.ready)."""
    from kiosk.archive.move import configured_before, ready

    if not archiving_on(config):
        return False
    before = configured_before(config.store, now.date())
    if before is None or not ready(before, now.date()):
        return False
    return not done_now(config, read_state(paths), now)


def due(config: Config, paths: Paths, now: datetime, *, idle: bool = False) -> bool:
    """Archiving is on, not yet done this calendar month (year), and the office is closed (or
    the station idle: station_idle())."""
    return pending(config, paths, now) and (office_closed(now) or idle)


def station_idle(config: Config, paths: Paths, now: datetime,
                 idle_for_s: float = IDLE_FOR_S) -> bool:
    """No ticket of today waiting, called or being served, and the newest ticket, queue event
    and dossier change older than `idle_for_s`: nobody is at the station or its counters (a
    few indexed look-ups, on the archiver's thread)."""
    import sqlite3

    from kiosk.station import database_path

    path = database_path(config, paths)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error:
        return False
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = "
                                            "'table'")}
        if "tickets" in names:
            marks = ", ".join("?" * len(BUSY_TICKETS))
            busy = conn.execute(f"SELECT 1 FROM tickets WHERE day = ? AND status IN ({marks}) "
                                "LIMIT 1", (now.date().isoformat(), *BUSY_TICKETS)).fetchone()
            if busy:
                return False
        newest = [conn.execute(f"SELECT {col} FROM {table} ORDER BY id DESC LIMIT 1").fetchone()
                  for table, col in (("tickets", "issued_at"), ("queue_events", "at"),
                                     ("dossier_events", "at")) if table in names]
        for row in newest:
            if row and row[0]:
                at = datetime.fromisoformat(row[0])
                if at.tzinfo is None:
                    at = at.replace(tzinfo=now.tzinfo)
                if (now - at).total_seconds() < idle_for_s:
                    return False
        return True
    except (sqlite3.Error, ValueError):
        return False  # busy (locked) or unreadable: not now
    finally:
        conn.close()


def run_once(config: Config, paths: Paths, now: datetime | None = None, *,
             still_idle: Callable[[], bool] | None = None) -> list[dict]:
    """Archive what the configuration says may go, retention first (as `kiosk archive`);
    record the month (year) as done. Returns the years moved (YearResult.as_json()).

    With `still_idle` (the station archiving in office hours): one year per call, and before
    its file is put in place `still_idle()` must still say so, else that year is left as it
    was (Postponed); its rows are then deleted in steps of DELETE_STEP records; the run is
    recorded as done once a call finds nothing more to move."""
    from kiosk.archive.move import archive, configured_before, ready
    from kiosk.station import open_database

    now = now or datetime.now(ZoneInfo(config.office.timezone))
    before = configured_before(config.store, now.date())
    if before is None or not ready(before, now.date()):
        return []  # not yet: nothing recorded, the run goes once its cut-off is old enough
    db = open_database(config, paths)
    try:
        retention_first(db, config, paths)
        results = archive(db, station_folder(config, paths), before,
                          station_id=config.station.id, now=now.astimezone(UTC),
                          go_on=still_idle, one_year=still_idle is not None,
                          step=DELETE_STEP if still_idle is not None else None,
                          keep_dossiers=keeps_dossiers(config, db))
    finally:
        db.conn.close()
    if results:
        retention_after(config, paths)
    moved = [r.as_json() for r in results]
    if still_idle is not None and moved:
        return moved  # one year done in this idle turn; the next turn goes on (done when a
        # turn finds nothing more to move)
    record_run(paths, done_for=run_for(config, now), at=now.isoformat(),
               before=before.isoformat(),
               years=[{"year": m["year"], "moved": m["moved"]} for m in moved])
    return moved


def lowest_priority() -> int | None:
    """Put the calling thread at the lowest CPU priority (Linux: a thread's own nice value;
    elsewhere left as it is). Returns the thread's nice value, or None when unchanged."""
    import os
    import sys

    if not sys.platform.startswith("linux"):
        return None
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, 19)
        return os.getpriority(os.PRIO_PROCESS, tid)
    except (AttributeError, OSError):
        return None


class YearlyArchiver:
    """The daemon thread of a running station; `stop()` ends its wait (a run under way is
    left to finish or be cut off: either is safe, kiosk/archive/move.py)."""

    def __init__(self, config: Config, paths: Paths, *, first_delay_s: float = FIRST_DELAY_S,
                 every_s: float = CHECK_EVERY_S, idle_every_s: float = IDLE_CHECK_S,
                 idle_for_s: float = IDLE_FOR_S, clock: Callable[[], datetime] | None = None):
        self.config, self.paths = config, paths
        self.clock = clock or (lambda: datetime.now(ZoneInfo(config.office.timezone)))
        self.first_delay_s, self.every_s = first_delay_s, every_s
        self.idle_every_s, self.idle_for_s = idle_every_s, idle_for_s
        self.nice: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0
        self.failures = 0
        # A run failed: no idle turn in office hours until the office has closed (each try
        # unpacks and packs a whole year; on a nearly full disk it would fill it again).
        self._failed = False

    def start(self) -> YearlyArchiver:
        self._thread = threading.Thread(target=self._run, name="archive", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _still_idle(self) -> bool:
        return not self._stop.is_set() and station_idle(self.config, self.paths, self.clock(),
                                                         self.idle_for_s)

    def _run(self) -> None:
        self.nice = lowest_priority()
        wait = self.first_delay_s
        while not self._stop.wait(wait):
            wait = self.every_s
            now = self.clock()
            if not pending(self.config, self.paths, now):
                continue
            still_idle = None
            if not office_closed(now):
                if self._failed:
                    continue  # tried again once the office has closed, then every every_s
                wait = min(self.every_s, self.idle_every_s)
                if not station_idle(self.config, self.paths, now, self.idle_for_s):
                    continue
                still_idle = self._still_idle
            else:
                self._failed = False
            try:
                moved = run_once(self.config, self.paths, now, still_idle=still_idle)
                self.runs += 1
                log.info("archive: %s (%s)", "run done" if still_idle is None else
                         "idle turn done", ", ".join(f"{m['year']}: {m['moved']} record(s)"
                                                     for m in moved) or "nothing to move")
            except Postponed:
                log.info("archive: the station got busy; the year is left for the next idle "
                         "turn")
            except Exception as exc:  # noqa: BLE001 - the station keeps running; tried again
                self.failures += 1
                self._failed = True
                wait = self.every_s  # not at the next idle look: after every_s, office closed
                log.exception("archive: the run failed (tried again once the office has "
                              "closed, at most every %.0f s)", self.every_s)
                record_run(self.paths, error=f"{type(exc).__name__}: {exc}")


def start_yearly_archive(config: Config, paths: Paths) -> YearlyArchiver | None:
    """The station's archiving thread when [store] archive_keep_months or archive_keep_years
    is set; else None."""
    if not archiving_on(config):
        return None
    return YearlyArchiver(config, paths).start()
