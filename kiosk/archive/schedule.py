"""The station's yearly archiving: with `[store] archive_keep_years` N (default 2), a running
station (`kiosk run`) archives the closed records of the years before the last N once a year,
on a daemon thread, as `kiosk archive` does.

It runs at the first check (every few hours, the first 15 minutes after the start) when the
office is closed: before 07:00 or after 17:30 local time, or on a Saturday or Sunday. Building
the archive only reads the live database; the final deletion is one write transaction of
a few seconds for a busy year, which a citizen tapping for a ticket should not wait for. Once
a run succeeded, nothing more is tried that calendar year (the state file
`archive-state.json` in the data folder: the year, when, what moved; no personal data); a
failure is logged and tried again at the next check. On the counter and hub PCs of an office
with a LAN hub ([hub] role 'client' or 'hub') archiving is not built yet: `kiosk archive`
refuses (refusal()) and the yearly run is off, logged once (docs/archive.md).
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from datetime import UTC, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.config import Config
from kiosk.paths import Paths

log = logging.getLogger(__name__)

STATE_FILE = "archive-state.json"
FIRST_DELAY_S = 15 * 60.0
CHECK_EVERY_S = 3 * 3600.0
OPEN_FROM, OPEN_UNTIL = dtime(7, 0), dtime(17, 30)


#: Why archiving is refused on the PCs of a LAN office (docs/archive.md, "Not built yet").
LAN_REFUSAL = (
    "Lưu trữ năm cũ chưa dùng được trên máy quầy/máy chủ của văn phòng có máy chủ LAN "
    "(hub.role = {role}): máy quầy chép lại hồ sơ từ sổ của máy chủ, máy chủ nhận lại hồ sơ "
    "các quầy gửi, nên hồ sơ đã lưu trữ sẽ quay lại cơ sở dữ liệu và bị đếm hai lần. Không có "
    "gì bị thay đổi.\n"
    "Archiving past years is not available yet on the counter PCs and the hub PC of an office "
    "with a LAN hub (hub.role = {role}): a counter mirrors dossiers back from the hub's book "
    "and the hub takes forwarded dossiers again, so archived records would come back and be "
    "counted twice. Nothing was changed.")


def refusal(config: Config) -> str | None:
    """Why this station may not archive (a PC of a LAN office), or None when it may."""
    role = config.hub.role
    return LAN_REFUSAL.format(role=role) if role in ("client", "hub") else None


def station_folder(config: Config, paths: Paths) -> Path:
    """The archive folder of a station (its configuration and paths)."""
    from kiosk.archive.files import folder_for
    from kiosk.station import database_path

    return folder_for(database_path(config, paths))


def retention_first(db: Any, config: Config) -> None:
    """Personal data past its retention is purged before anything is archived (an archive is
    beyond retention's reach; a dossier still holding personal data stays live)."""
    from kiosk.dossiers.retention import purge_personal_data
    from kiosk.petitions.cases import purge

    now = datetime.now(UTC)
    purge_personal_data(db, now=now, retention_days=config.dossiers.retention_days)
    purge(db, now=now, retention_days=config.petitions.retention_days)


def state_path(paths: Paths) -> Path:
    return paths.data_dir / STATE_FILE


def read_state(paths: Paths) -> dict[str, Any]:
    from kiosk.private_files import read_json_object

    return read_json_object(state_path(paths))


def office_closed(now: datetime) -> bool:
    return now.weekday() >= 5 or not OPEN_FROM <= now.time() < OPEN_UNTIL


def due(config: Config, paths: Paths, now: datetime) -> bool:
    """Archiving is on, not yet done this calendar year, and the office is closed."""
    if not config.store.archive_keep_years:
        return False
    return read_state(paths).get("done_for") != now.year and office_closed(now)


def run_once(config: Config, paths: Paths, now: datetime | None = None) -> list[dict]:
    """Archive what the configuration says may go, retention first (as `kiosk archive`);
    record the year as done. Returns the years moved (YearResult.as_json())."""
    from kiosk.archive.move import archive, default_before
    from kiosk.private_files import write_private_atomic
    from kiosk.station import open_database

    reason = refusal(config)
    if reason:
        raise RuntimeError(reason)
    now = now or datetime.now(ZoneInfo(config.office.timezone))
    before = default_before(now.date(), config.store.archive_keep_years)
    db = open_database(config, paths)
    try:
        retention_first(db, config)
        results = archive(db, station_folder(config, paths), before,
                          station_id=config.station.id, now=now.astimezone(UTC))
    finally:
        db.conn.close()
    moved = [r.as_json() for r in results]
    with contextlib.suppress(OSError):
        write_private_atomic(state_path(paths), json.dumps(
            {"done_for": now.year, "at": now.isoformat(), "before": before.isoformat(),
             "years": [{"year": m["year"], "moved": m["moved"]} for m in moved]}, indent=1))
    return moved


class YearlyArchiver:
    """The daemon thread of a running station; `stop()` ends its wait (a run under way is
    left to finish or be cut off: either is safe, kiosk/archive/move.py)."""

    def __init__(self, config: Config, paths: Paths, *, first_delay_s: float = FIRST_DELAY_S,
                 every_s: float = CHECK_EVERY_S):
        self.config, self.paths = config, paths
        self.first_delay_s, self.every_s = first_delay_s, every_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0

    def start(self) -> YearlyArchiver:
        self._thread = threading.Thread(target=self._run, name="archive", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        if refusal(self.config):
            log.info("archive: the yearly run is off on this PC of a LAN office (hub.role = "
                     "%s; docs/archive.md)", self.config.hub.role)
            return
        wait = self.first_delay_s
        while not self._stop.wait(wait):
            wait = self.every_s
            now = datetime.now(ZoneInfo(self.config.office.timezone))
            if not due(self.config, self.paths, now):
                continue
            try:
                moved = run_once(self.config, self.paths, now)
                self.runs += 1
                log.info("archive: yearly run done (%s)", ", ".join(
                    f"{m['year']}: {m['moved']} record(s)" for m in moved) or "nothing to move")
            except Exception:  # noqa: BLE001 - the station keeps running; tried again later
                log.exception("archive: the yearly run failed (tried again at the next check)")


def start_yearly_archive(config: Config, paths: Paths) -> YearlyArchiver | None:
    """The station's archiving thread when [store] archive_keep_years is set; else None."""
    if not config.store.archive_keep_years:
        return None
    if refusal(config):
        log.info("archive: the yearly run is off on this PC of a LAN office (hub.role = %s; "
                 "docs/archive.md)", config.hub.role)
        return None
    return YearlyArchiver(config, paths).start()
