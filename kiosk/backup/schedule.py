"""Scheduled backups inside a running station, the upload to the office hub, and the small
state file `kiosk doctor` reads.

Every `[backup] interval_hours` the station (its `kiosk run` process, on a daemon thread)
takes a backup into `[backup] folder` (a second disk or a USB drive) keeping the
`[backup] keep` newest, and with `[backup] to_hub` sends it to the office hub
(PUT /api/v1/backups/{station_id}), which keeps `[backup] hub_keep` per station. A folder
that is missing (USB drive unplugged) or a hub that does not answer is logged once (again only
when the reason changes) and tried again within the hour; `kiosk doctor` warns meanwhile.

The state file (backup-state.json in the data folder) records, per target ("folder", "hub"),
the last good backup and the last error; it holds no personal data.
"""

from __future__ import annotations

import contextlib
import json
import logging
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kiosk.backup.files import (
    BackupError,
    BackupInfo,
    new_backup_path,
    remove_stale_temporaries,
    rotate,
    take_backup,
)
from kiosk.config import Config
from kiosk.paths import Paths

log = logging.getLogger(__name__)

STATE_FILE = "backup-state.json"
FIRST_DELAY_S = 120.0        # after the station starts, when no backup is due earlier
RETRY_S = 3600.0             # after a failure, at the latest (or the interval when shorter)
UPLOAD_CONNECT_TIMEOUT_S = 10.0
UPLOAD_MIN_RATE = 256 * 1024  # bytes/s the upload's read timeout allows for


class UploadError(BackupError):
    """The hub did not take the backup."""


# -- state file --------------------------------------------------------------------------------

def state_path(paths: Paths) -> Path:
    return paths.data_dir / STATE_FILE


def read_state(paths: Paths) -> dict[str, Any]:
    from kiosk.private_files import read_json_object

    return read_json_object(state_path(paths))


_state_lock = threading.Lock()


def record(paths: Paths, target: str, *, info: BackupInfo | None = None, where: str = "",
           error: str | None = None, now: datetime | None = None) -> None:
    """Remember the outcome of one backup to `target` ("folder", "hub" or "file")."""
    from kiosk.private_files import write_private_atomic

    at = (now or datetime.now(UTC)).isoformat()
    with _state_lock:
        state = read_state(paths)
        entry = state.get(target) if isinstance(state.get(target), dict) else {}
        if error is None:
            entry.update(last_ok={"at": at, "taken_at": info.taken_at if info else at,
                                  "where": where, "size_bytes": info.size_bytes if info else 0},
                         last_error=None, error_at=None)
        else:
            entry.update(last_error=error, error_at=at)
        state[target] = entry
        with contextlib.suppress(OSError):
            write_private_atomic(state_path(paths), json.dumps(state, indent=1), fsync=False)


# -- the hub -----------------------------------------------------------------------------------

def upload_to_hub(config: Config, path: Path | str) -> dict[str, Any]:
    """Send the backup file at `path` to the office hub as this station's; the hub's answer
    ({"station_id", "stored", "size_bytes", "kept"}). UploadError with the reason."""
    import requests

    from kiosk.hub import protocol as p
    from kiosk.queue.settings import client_key, hub_settings

    hub = hub_settings(config)
    key = client_key(hub)
    if hub.role != "client" or not hub.url:
        raise UploadError("this station has no office hub to send backups to ([hub] role "
                          "'client' with a url)")
    if not hub.station_key:
        raise UploadError("the hub takes backups only with this station's own key ([hub] "
                          "station_key: pair the station in the set-up wizard)")
    path = Path(path)
    size = path.stat().st_size
    url = f"{hub.url}{p.BACKUPS_PATH}/{quote(config.station.id, safe='')}"
    timeout = (UPLOAD_CONNECT_TIMEOUT_S, UPLOAD_CONNECT_TIMEOUT_S + size / UPLOAD_MIN_RATE)
    try:
        with requests.Session() as http, open(path, "rb") as body:
            http.trust_env = False
            http.verify = (hub.ca_file if hub.url.startswith("https://") and hub.ca_file
                           else True)
            r = http.put(url, data=body, timeout=timeout,
                         headers={"Authorization": f"Bearer {key}",
                                  "Content-Type": "application/octet-stream",
                                  "Content-Length": str(size)})
    except requests.exceptions.RequestException as exc:
        from sync.worker import _short

        raise UploadError(f"hub {hub.url} not reachable ({_short(exc)})") from exc
    if r.status_code != 200:
        try:
            message = r.json().get("message") or r.reason
        except ValueError:
            message = r.reason
        raise UploadError(f"the hub refused the backup: HTTP {r.status_code} ({message})")
    return r.json()


# -- one scheduled round -----------------------------------------------------------------------

@dataclass
class RoundResult:
    folder: BackupInfo | None = None
    folder_error: str | None = None
    hub: dict[str, Any] | None = None
    hub_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.folder_error is None and self.hub_error is None


def backup_round(config: Config, paths: Paths, *, to_folder: bool | None = None,
                 to_hub: bool | None = None) -> RoundResult:
    """One backup to the configured folder (with rotation) and/or the hub; failures are
    recorded, not raised."""
    from kiosk.station import database_path

    cfg = config.backup
    to_folder = bool(cfg.folder) if to_folder is None else to_folder
    to_hub = cfg.to_hub if to_hub is None else to_hub
    db = database_path(config, paths)
    station = config.station.id
    result = RoundResult()
    made: Path | None = None
    tmp_dir: tempfile.TemporaryDirectory | None = None
    try:
        if to_folder:
            folder = Path(cfg.folder).expanduser()
            try:
                if not folder.is_dir():
                    raise BackupError(f"the backup folder {folder} does not exist (USB drive "
                                      "not plugged in, or the folder not made yet?)")
                out = new_backup_path(folder, station, datetime.now(UTC),
                                      compress=cfg.compress)
                result.folder = take_backup(db, out, station_id=station,
                                            office_code=config.office.code,
                                            role=config.station.role, compress=cfg.compress)
                made = out
                rotate(folder, station, cfg.keep)
                remove_stale_temporaries(folder)
                try:
                    _copy_archives(config, paths, folder)
                except (BackupError, OSError) as exc:
                    raise BackupError(f"the backup {out.name} was made, but the archived years "
                                      f"were not copied beside it: {_reason(exc)}") from exc
                record(paths, "folder", info=result.folder, where=str(out))
            except (BackupError, OSError) as exc:
                result.folder_error = _reason(exc)
                record(paths, "folder", error=result.folder_error)
        if to_hub:
            try:
                if made is None:
                    tmp_dir = tempfile.TemporaryDirectory(prefix=".backup-", dir=paths.data_dir)
                    made = new_backup_path(Path(tmp_dir.name), station, datetime.now(UTC),
                                           compress=True)
                    info = take_backup(db, made, station_id=station,
                                       office_code=config.office.code,
                                       role=config.station.role, compress=True)
                else:
                    info = result.folder  # type: ignore[assignment]
                result.hub = upload_to_hub(config, made)
                record(paths, "hub", info=info, where=f"{config.hub.url} "
                       f"({result.hub.get('stored', '')})")
            except (BackupError, OSError) as exc:
                result.hub_error = _reason(exc)
                record(paths, "hub", error=result.hub_error)
    finally:
        if tmp_dir is not None:
            tmp_dir.cleanup()
    return result


def _copy_archives(config: Config, paths: Paths, folder: Path) -> list[Path]:
    """The station's archived years (kiosk/archive) beside its backups, each file once: they
    are not rotated (a year's archive is the only copy of that year besides this one)."""
    from kiosk.archive.files import ArchiveError, backup_folder_name, copy_years
    from kiosk.archive.schedule import station_folder

    try:
        return copy_years(station_folder(config, paths),
                          folder / backup_folder_name(config.station.id))
    except ArchiveError as exc:
        raise BackupError(str(exc)) from exc


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return str(exc)


# -- the station's scheduler -------------------------------------------------------------------

def scheduled(config: Config) -> bool:
    return bool(config.backup.folder) or config.backup.to_hub


class BackupScheduler:
    """A daemon thread taking `backup_round` every [backup] interval_hours. The first round
    is due one interval after the last good one recorded (so restarts neither skip nor repeat
    backups), at the earliest FIRST_DELAY_S after start."""

    def __init__(self, config: Config, paths: Paths, *, first_delay_s: float | None = None):
        self.config = config
        self.paths = paths
        self.first_delay_s = FIRST_DELAY_S if first_delay_s is None else first_delay_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._logged: dict[str, str | None] = {}
        self.rounds = 0

    @property
    def interval_s(self) -> float:
        return self.config.backup.interval_hours * 3600

    def start(self) -> BackupScheduler:
        self._thread = threading.Thread(target=self._run, name="backups", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop waiting for the next round; a round under way is given `timeout` seconds (the
        thread is a daemon: a copy cut off by the exit leaves a hidden temporary file, cleared
        by a later round)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def first_wait_s(self, now: datetime | None = None) -> float:
        now = now or datetime.now(UTC)
        lasts = []
        state = read_state(self.paths)
        for target in self._targets():
            entry = state.get(target)
            try:
                lasts.append(datetime.fromisoformat(entry["last_ok"]["at"]))  # type: ignore[index]
            except (TypeError, KeyError, ValueError):
                return self.first_delay_s  # a target never backed up: soon
        due = min(lasts) + timedelta(seconds=self.interval_s) if lasts else now
        return max(self.first_delay_s, (due - now).total_seconds())

    def _targets(self) -> list[str]:
        return (["folder"] if self.config.backup.folder else []) + (
            ["hub"] if self.config.backup.to_hub else [])

    def _run(self) -> None:
        wait = self.first_wait_s()
        log.info("backups: every %.4g h to %s; the next in %.0f min",
                 self.config.backup.interval_hours, " and ".join(self._targets()), wait / 60)
        while not self._stop.wait(wait):
            try:
                result = backup_round(self.config, self.paths)
            except Exception:  # noqa: BLE001 - the station keeps running; tried again later
                log.exception("backups: a scheduled backup failed")
                result = RoundResult(folder_error="internal error")
            self.rounds += 1
            self._log(result)
            wait = self.interval_s if result.ok else min(self.interval_s, RETRY_S)

    def _log(self, result: RoundResult) -> None:
        if result.folder is not None:
            log.info("backups: %s (%.1f MB, %.1f s)", result.folder.path,
                     result.folder.size_bytes / 1e6, result.folder.seconds)
        if result.hub is not None:
            log.info("backups: sent to the hub as %s", result.hub.get("stored"))
        for target, error in (("folder", result.folder_error), ("hub", result.hub_error)):
            if error != self._logged.get(target):  # once per reason, not every round
                if error:
                    log.warning("backups: no backup to the %s: %s (tried again later)",
                                target, error)
                else:
                    log.info("backups: the %s works again", target)
                self._logged[target] = error


def start_scheduled_backups(config: Config, paths: Paths) -> BackupScheduler | None:
    """The station's backup thread when [backup] folder or to_hub is set; else None."""
    if not scheduled(config):
        return None
    return BackupScheduler(config, paths).start()
