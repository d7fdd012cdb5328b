"""`kiosk backup` (a copy of the station database, safe while the station runs: to a file, to
the [backup] folder with rotation, to the office hub; or checking a backup file) and
`kiosk restore FILE` (with the station stopped)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from kiosk.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from kiosk.config import Config
from kiosk.paths import Paths


def register(sub) -> None:
    b = sub.add_parser("backup", help="back up the station database while it runs: to a file "
                       "(--out), to the [backup] folder with rotation (no option), to the "
                       "office hub (--to-hub); or check a backup file (--check)")
    b.add_argument("--out", metavar="FILE", help="write the backup to FILE (gzipped when it "
                   "ends with .gz)")
    b.add_argument("--to-hub", action="store_true", help="send a backup to the office hub "
                   "([hub] url and this station's station_key)")
    b.add_argument("--check", metavar="FILE", help="check a backup file (integrity, schema, "
                   "which station and when) and change nothing")
    b.add_argument("--json", action="store_true", help="print one JSON object")
    b.set_defaults(handler=_backup)

    r = sub.add_parser("restore", help="replace the station database by a backup (stop the "
                       "station first); the current database is kept aside")
    r.add_argument("file", metavar="FILE", help="a file made by `kiosk backup` (.db or .db.gz)")
    r.add_argument("--force", action="store_true", help="install a backup of another station "
                   "(a PC replacing a broken one)")
    r.add_argument("--json", action="store_true", help="print one JSON object")
    r.set_defaults(handler=_restore)


def _fail(message: str, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"ok": False, "error": message}, ensure_ascii=False))
    print(f"error: {message}", file=sys.stderr)
    return EXIT_FAILED


def _mb(size: int) -> str:
    from kiosk.backup.files import size_text

    return size_text(size)


def _backup(args, config: Config, paths: Paths) -> int:
    from kiosk.backup import BackupError, backup_round, check_backup, take_backup
    from kiosk.backup.schedule import record, upload_to_hub
    from kiosk.station import database_path

    if args.check:
        if args.out or args.to_hub:
            print("--check takes no other option", file=sys.stderr)
            return EXIT_USAGE
        try:
            info = check_backup(args.check, work_dir=paths.data_dir)  # a .gz is opened there
        except BackupError as exc:
            return _fail(str(exc), args.json)
        if args.json:
            print(json.dumps({"ok": True, **info.as_json()}, ensure_ascii=False))
        else:
            print(f"{info.path}: a good backup of station {info.station_id} (office "
                  f"{info.office_code or '?'}), taken {_local(info.taken_at)}, schema version "
                  f"{info.schema_version}, {_mb(info.size_bytes)}")
        return EXIT_OK

    if args.out:
        out = Path(args.out)
        try:
            info = take_backup(database_path(config, paths), out,
                               station_id=config.station.id, office_code=config.office.code,
                               role=config.station.role)
        except (BackupError, OSError) as exc:
            return _fail(str(exc), args.json)
        try:
            from kiosk.backup.schedule import _copy_archives

            archives = _copy_archives(config, paths, out.parent)
        except (BackupError, OSError) as exc:
            return _fail(f"the database backup {out} is written, but not the archived years: "
                         f"{exc}", args.json)
        record(paths, "file", info=info, where=str(out))
        report = {"ok": True, "backup": info.as_json(),
                  "archives_copied": [str(p) for p in archives]}
        lines = [f"Backup written: {out} ({_mb(info.size_bytes)}, {info.seconds:.1f} s), "
                 f"the database as of {_local(info.taken_at)}"]
        if archives:
            lines.append(f"Archived years copied beside it: {', '.join(p.name for p in archives)}"
                         f" (in {archives[0].parent})")
        code = EXIT_OK
        if args.to_hub:
            try:
                answer = upload_to_hub(config, out)
                record(paths, "hub", info=info, where=f"{config.hub.url} "
                       f"({answer.get('stored', '')})")
                report["hub"] = answer
                lines.append(f"Sent to the hub: {answer.get('stored')}")
            except BackupError as exc:
                record(paths, "hub", error=str(exc))
                report.update(ok=False, hub_error=str(exc))
                lines.append(f"error: not sent to the hub: {exc}")
                code = EXIT_FAILED
        _print(report, lines, args.json)
        return code

    if not config.backup.folder and not args.to_hub:
        print("error: no [backup] folder is set: give --out FILE (or --to-hub), or set "
              "[backup] folder in the configuration", file=sys.stderr)
        return EXIT_USAGE
    result = backup_round(config, paths, to_folder=bool(config.backup.folder) and not
                          args.to_hub, to_hub=args.to_hub)
    report = {"ok": result.ok, "folder": result.folder.as_json() if result.folder else None,
              "folder_error": result.folder_error, "hub": result.hub,
              "hub_error": result.hub_error}
    lines = []
    if result.folder is not None:
        lines.append(f"Backup written: {result.folder.path} ({_mb(result.folder.size_bytes)}, "
                     f"{result.folder.seconds:.1f} s); the {config.backup.keep} newest kept")
    if result.folder_error:
        lines.append(f"error: no backup in the folder: {result.folder_error}")
    if result.hub is not None:
        lines.append(f"Sent to the hub: {result.hub.get('stored')} (the hub keeps "
                     f"{result.hub.get('kept')})")
    if result.hub_error:
        lines.append(f"error: not sent to the hub: {result.hub_error}")
    _print(report, lines, args.json)
    return EXIT_OK if result.ok else EXIT_FAILED


def _restore(args, config: Config, paths: Paths) -> int:
    from kiosk.backup import BackupError, restore_backup
    from kiosk.station import database_path

    try:
        result = restore_backup(args.file, database_path(config, paths),
                                station_id=config.station.id, force=args.force)
    except BackupError as exc:
        return _fail(str(exc), args.json)
    try:
        gap = _skip_dossier_numbers(config, result.database)
    except Exception as exc:  # the restore stands; say what to do about numbering
        return _fail(f"the backup was restored, but its dossier numbering could not be moved "
                     f"on ({exc}): run `kiosk restore` again", args.json)
    from kiosk.archive.files import ArchiveError

    try:
        archives, archive_warnings = _restore_archives(args.file, result.info.station_id,
                                                       config, paths)
    except (ArchiveError, OSError) as exc:
        return _fail(f"the database was restored, but not the archived years beside the "
                     f"backup: {exc}", args.json)
    info = result.info
    report = {"ok": True, "backup": info.as_json(), "database": result.database,
              "archives_restored": [str(p) for p in archives],
              "archive_warnings": archive_warnings,
              "kept_aside": result.kept_aside, "unsent_records": result.unsent,
              "other_station": result.other_station, "dossier_number_gap": gap}
    lines = [f"Restored {args.file} (station {info.station_id}, the database as of "
             f"{_local(info.taken_at)}) into {result.database}."]
    if result.kept_aside:
        lines.append(f"The previous database is kept as {result.kept_aside[0]}: records made "
                     "after the backup are only there.")
    lines.append(f"{result.unsent} record(s) in the restored database were not yet sent to "
                 "the city: the station sends them when it starts (again for any the city "
                 "already has, which it recognises by their id and ignores).")
    lines.append("Ticket numbers continue from the backup: restored during opening hours, "
                 "today's numbers may repeat numbers already handed out.")
    lines.append(f"Dossier numbers of today and later days go on {gap} past the backup's, so "
                 "no dossier code handed out after the backup is given again.")
    if archives:
        lines.append(f"Archived years restored: {', '.join(p.name for p in archives)}.")
    lines.extend(f"Warning: {w}." for w in archive_warnings)
    if result.other_station:
        lines.append(f"This backup is of station {info.station_id!r}, this PC is "
                     f"{config.station.id!r}: if this PC replaces that station, set [station] "
                     f"id = \"{info.station_id}\" in {paths.config_file}.")
    _print(report, lines, args.json)
    return EXIT_OK


def _restore_archives(backup: str, station_id: str, config: Config,
                      paths: Paths) -> tuple[list, list[str]]:
    """The archived years kept beside the backup file (kiosk/archive), copied back into the
    station's archive folder where missing (a year the station holds stays: the backup's copy
    may be older); warnings for a year the station holds that does not check."""
    from kiosk.archive.files import backup_folder_name, restore_years
    from kiosk.archive.schedule import station_folder

    kept = Path(backup).parent / backup_folder_name(station_id)
    return restore_years(kept, station_folder(config, paths)) if kept.is_dir() else ([], [])


def _skip_dossier_numbers(config: Config, database: str) -> int:
    """After a restore: a new epoch, and today's and later days' dossier numbering moved on
    (kiosk/dossiers/numbers.py after_restore)."""
    from zoneinfo import ZoneInfo

    from kiosk.dossiers.numbers import RESTORE_GAP, after_restore
    from kiosk.store import connect, transaction

    db = connect(database)  # migrates a backup made by an older version first
    try:
        with transaction(db) as conn:
            after_restore(conn, datetime.now(ZoneInfo(config.office.timezone)).date())
    finally:
        db.conn.close()
    return RESTORE_GAP


def _print(report: dict, lines: list[str], as_json: bool) -> None:
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
        return
    for line in lines:
        print(line, file=sys.stderr if line.startswith("error:") else sys.stdout)


def _local(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return iso or "?"
