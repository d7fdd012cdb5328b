"""`kiosk archive`: move the closed records of past months and years to one archive file per
calendar year (kiosk/archive, docs/archive.md)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from kiosk.config import Config
from kiosk.paths import Paths


def register(sub) -> None:
    p = sub.add_parser("archive", help="move the closed records (tickets, dossiers handed back "
                       "and purged, ratings, ...) of past months and years out of the database "
                       "into one archive file per calendar year in the data folder's archive/; "
                       "reports, the logbook and `dossier show` still read them (on the PCs of "
                       "an office with a LAN hub dossiers and petitions stay live)")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--before", metavar="YYYY-MM-DD", type=_day,
                      help="archive the closed records whose last activity is before this day "
                      "(a 1 January: whole calendar years; default: [store] "
                      "archive_keep_months, or archive_keep_years when that is 0)")
    when.add_argument("--keep-months", metavar="N", type=_months,
                      help="archive all but the N newest calendar months (the current one "
                      "included): 3 in December archives up to 30 September")
    p.add_argument("--dry-run", action="store_true",
                   help="count what would move, change nothing")
    p.add_argument("--json", action="store_true", help="print the outcome as JSON")
    p.set_defaults(handler=_archive)


def _day(text: str) -> date:
    import argparse

    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") from None


def _months(text: str) -> int:
    import argparse

    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= 600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of months from 1 to 600")
    return n


def _failure(exc: BaseException, purging: bool, done: list) -> str:
    """What failed, worded by where: purging first, archiving a year (nothing of it deleted),
    or after a year's rows were deleted (they are in its archive file)."""
    from kiosk.archive.move import AfterDeletion

    if purging:
        return (f"purging the personal data past its retention failed, before anything was "
                f"archived: {exc} Nothing was archived; run it again once fixed.")
    before = ""
    if done:
        before = (f" The years finished before it are archived: "
                  f"{', '.join(str(r.year) for r in done)}.")
    if isinstance(exc, AfterDeletion):
        return (f"{exc} Its records are in its archive file (`kiosk doctor` checks it); run "
                f"`kiosk archive` again for any later year.{before}")
    return (f"{exc} Nothing of the year being archived was deleted; run it again once "
            f"fixed.{before}")


def _archive(args, config: Config, paths: Paths) -> int:
    from kiosk.archive.files import ArchiveError
    from kiosk.archive.move import (
        RECENT_DAYS,
        archive,
        configured_before,
        default_before,
        due_before,
        months_before,
    )
    from kiosk.archive.schedule import (
        keeps_dossiers,
        lan_note,
        record_run,
        retention_after,
        retention_first,
        run_for,
        station_folder,
    )
    from kiosk.archive.tables import DOSSIER_SIDE
    from kiosk.station import open_database
    from kiosk.store.errors import StorageError

    today = datetime.now(ZoneInfo(config.office.timezone)).date()
    configured = configured_before(config.store, today)
    if args.before:
        before = args.before
    elif args.keep_months:
        before = months_before(today, args.keep_months)
    else:  # the rule as the station runs it; both rules off: the years rule's default
        before = due_before(config.store, today) or default_before(today, 2)
    if before > today:
        print(f"--before {before}: that day is not closed yet (today is {today}); give "
              f"{today} or an earlier day.", file=sys.stderr)
        return EXIT_USAGE
    db = open_database(config, paths)
    # A PC of a LAN office (or one serving as its hub) archives the queue's records; its
    # dossier side stays live.
    keep_dossiers = keeps_dossiers(config, db)
    note = lan_note(config, db)
    recent = today - timedelta(days=RECENT_DAYS)
    if keep_dossiers and before > recent:
        # A counter may still forward a rating or replay an operation of those days to the
        # hub (up to 31 days late): archived, it would come back live and count twice.
        print(f"Only the records before {recent:%d/%m/%Y} are archived on a PC of an office "
              f"with a LAN hub: the counters may still send the hub those of the last "
              f"{RECENT_DAYS} days.", file=sys.stderr)
        before = recent
    done: list = []
    purging = True
    try:
        if not args.dry_run:
            retention_first(db, config, paths)
        purging = False
        results = archive(db, station_folder(config, paths), before, station_id=config.station.id,
                          dry_run=args.dry_run, now=datetime.now(UTC), done=done,
                          keep_dossiers=keep_dossiers)
    except (ArchiveError, StorageError, OSError) as exc:
        message = _failure(exc, purging, done)
        if not args.dry_run:
            record_run(paths, error=message)
        print(f"kiosk archive: {message}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        db.conn.close()
    if results and not args.dry_run:
        try:
            retention_after(config, paths)
        except (ArchiveError, OSError) as exc:
            message = (f"the years were archived ({', '.join(str(r.year) for r in results)}), "
                       f"but purging the personal data past its retention from them failed: "
                       f"{exc} Run `kiosk dossier purge` and `kiosk petition purge` once fixed.")
            record_run(paths, error=message)
            print(f"kiosk archive: {message}", file=sys.stderr)
            return EXIT_FAILED
    if not args.dry_run:  # clears an earlier failure; a run reaching as far as the configured
        # rule counts as this month's (year's) run of the station
        counts = configured is not None and before >= configured
        record_run(paths, **({} if not counts else {
            "done_for": run_for(config, today), "at": datetime.now(UTC).isoformat(),
            "before": before.isoformat(),
            "years": [{"year": r.year, "moved": r.moved} for r in results]}))
    through = before - timedelta(days=1)
    if args.json:
        out = {"before": before.isoformat(), "until": before.isoformat(),
               "through": through.isoformat(), "dry_run": args.dry_run,
               "years": [r.as_json() for r in results],
               "kept_live": list(DOSSIER_SIDE) if keep_dossiers else []}
        if note:
            out["note"] = note
        print(json.dumps(out, ensure_ascii=False))
        return EXIT_OK
    if not results:
        print(f"Nothing to archive before {before:%d/%m/%Y}.")
    else:
        print(f"{'Would archive' if args.dry_run else 'Archived'} the closed records up to "
              f"{through:%d/%m/%Y}; those of {before:%d/%m/%Y} and later stay live.")
    for r in results:
        detail = ", ".join(f"{n} {t}" for t, n in sorted(r.rows.items()))
        part = (f" (to {r.until - timedelta(days=1):%d/%m/%Y})"
                if r.until and r.until < date(r.year + 1, 1, 1) else "")
        if r.dry_run:
            print(f"{r.year}{part}: would move {r.moved} record(s) ({detail}).")
        else:
            print(f"{r.year}{part}: {r.moved} record(s) moved ({detail}) to {r.path} "
                  f"({r.size_bytes / 1e6:.1f} MB, {r.seconds:.0f} s).")
    if note:
        print(note)
    return EXIT_OK


def purge_archived_years(config: Config, paths: Paths, dry_run: bool, **which) -> int:
    """Retention reaching the archived years (docs/archive.md), after the live purge."""
    from kiosk.archive.files import ArchiveError
    from kiosk.archive.schedule import purge_archived

    try:
        done = purge_archived(config, paths, dry_run=dry_run, **which)
    except (ArchiveError, OSError) as exc:
        print(f"The archived years were not purged: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for line in done.describe(dry_run):
        print(line)
    return EXIT_OK
