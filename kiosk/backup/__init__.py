"""Backups of the station database: `kiosk backup`, `kiosk restore`, the station's scheduled
backups to a folder or USB drive and to the office hub (files.py, schedule.py)."""

from kiosk.backup.files import (
    BackupError,
    BackupInfo,
    RestoreResult,
    StationRunning,
    check_backup,
    restore_backup,
    rotate,
    station_backups,
    take_backup,
)
from kiosk.backup.schedule import (
    BackupScheduler,
    UploadError,
    backup_round,
    start_scheduled_backups,
    upload_to_hub,
)

__all__ = ["BackupError", "BackupInfo", "BackupScheduler", "RestoreResult", "StationRunning",
           "UploadError", "backup_round", "check_backup", "restore_backup", "rotate",
           "start_scheduled_backups", "station_backups", "take_backup", "upload_to_hub"]
