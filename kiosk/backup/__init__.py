"""Backups of the station database: `kiosk backup`, `kiosk restore`, the station's scheduled
backups to a folder or USB drive and to the office hub (files.py, schedule.py).

Names are imported lazily: the hub (kiosk/hub/app.py) stores backups with files.py, and
schedule.py finds the station database through kiosk.station, which starts the hub.
"""

from __future__ import annotations

from kiosk.lazy import lazy_exports

_EXPORTS = {
    "BackupError": "kiosk.backup.files",
    "BackupInfo": "kiosk.backup.files",
    "RestoreResult": "kiosk.backup.files",
    "StationRunning": "kiosk.backup.files",
    "check_backup": "kiosk.backup.files",
    "restore_backup": "kiosk.backup.files",
    "rotate": "kiosk.backup.files",
    "station_backups": "kiosk.backup.files",
    "take_backup": "kiosk.backup.files",
    "BackupScheduler": "kiosk.backup.schedule",
    "UploadError": "kiosk.backup.schedule",
    "backup_round": "kiosk.backup.schedule",
    "start_scheduled_backups": "kiosk.backup.schedule",
    "upload_to_hub": "kiosk.backup.schedule",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS)
