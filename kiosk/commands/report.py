"""`kiosk report` (statistics for a range of days as xlsx, csv or pdf) and `kiosk office` (the head
of office's statistics window)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from kiosk.config import Config
from kiosk.paths import DATA_DIR_ENV, Paths


def register(sub) -> None:
    report = sub.add_parser("report", help="office statistics (queue, waiting and service "
                            "times, ratings, dossiers handed back on time, and per clerk and "
                            "procedure the results the Decision 766 service index counts) for a "
                            "range of days, as xlsx (Excel), csv or pdf")
    report.add_argument("--from", dest="start", required=True, type=_day, metavar="D",
                        help="first day, YYYY-MM-DD")
    report.add_argument("--to", dest="end", required=True, type=_day, metavar="D",
                        help="last day (inclusive), YYYY-MM-DD")
    report.add_argument("--format", required=True, choices=("xlsx", "csv", "pdf"))
    report.add_argument("--out", required=True, metavar="FILE")
    report.set_defaults(handler=_report)

    office = sub.add_parser("office", help="open the head of office's statistics window "
                            "(charts, per-counter and per-clerk tables, xlsx/csv/pdf export)")
    office.add_argument("--demo", action="store_true",
                        help="on a throw-away data directory (unless --data-dir is given) "
                        "filled with a made-up busy day, to try the window")
    office.set_defaults(handler=_office, gui=True)


FIRST_YEAR, LAST_YEAR = 2000, 2100  # sync.protocol's years: outside, a typing slip


def _day(text: str) -> date:
    try:
        day = datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"{text!r} is not between {FIRST_YEAR}-01-01 and "
                                         f"{LAST_YEAR}-12-31")
    return day


def _report(args, config: Config, paths: Paths) -> int:
    from kiosk.calendar import CalendarRules
    from kiosk.dossiers.settings import dossier_settings
    from kiosk.station import open_database
    from kiosk.stats import office_stats
    from kiosk.stats.compute import DEFERRED_INDEXES
    from kiosk.stats.report import write_report

    if args.end < args.start:
        print(f"--from {args.start:%Y-%m-%d} is after --to {args.end:%Y-%m-%d}",
              file=sys.stderr)
        return EXIT_USAGE
    from kiosk.archive.files import ArchiveError
    from kiosk.archive.reading import with_archives
    from kiosk.archive.schedule import station_folder

    db = open_database(config, paths)
    try:
        # Archived years the range reaches are read with the live days (docs/archive.md).
        with with_archives(db, station_folder(config, paths), start=args.start, end=args.end,
                           tz=ZoneInfo(config.office.timezone), deferred=DEFERRED_INDEXES):
            stats = office_stats(db, args.start, args.end, config.office.timezone,
                                 rules=CalendarRules.from_config(config))
    except ArchiveError as exc:
        print(f"Cannot read an archived year: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        db.conn.close()
    now = datetime.now(ZoneInfo(config.office.timezone))
    try:
        out = write_report(stats, args.format, Path(args.out),
                           unit_name=dossier_settings(config).unit_name,
                           generated=f"Lập lúc {now:%H:%M} ngày {now:%d/%m/%Y}")
    except OSError as exc:
        print(f"Cannot write {args.out}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    t = stats.total
    print(f"{t.issued} ticket(s), {t.served} served, {t.ratings.total} rating(s), "
          f"{t.dossiers.handed_back if t.dossiers else 0} dossier(s) handed back, "
          f"{stats.results.total.settled} settled ({stats.results.total.late} late) from "
          f"{args.start:%d/%m/%Y} to {args.end:%d/%m/%Y}: written to {out}")
    return EXIT_OK


def _office(args, config: Config, paths: Paths) -> int:
    prepare = None
    if args.demo:
        if not (getattr(args, "data_dir", None) or os.environ.get(DATA_DIR_ENV)):
            data = Path(tempfile.mkdtemp(prefix="kiosk-office-demo-"))
            paths = Paths(data, data / "kiosk.toml")
        config = Config()
        prepare = demo_data(config, paths.data_dir)
    from kiosk.ui.office import run_office

    # The made-up days take seconds to write: the window shows first ("Đang tải…") and the
    # seeding runs on its lane, before the first figures.
    return run_office(config, paths, prepare=prepare)


def demo_data(config: Config, data_dir: Path):
    """`kiosk office --demo`'s made-up data, as work for the office window's lane (its
    database): seeded only into a database without tickets."""

    def prepare(db) -> None:
        from kiosk.stats.demo import seed_demo

        # Made-up tickets must never mix with a station's real ones.
        if db.execute("SELECT count(*) FROM tickets").fetchone()[0]:
            print(f"Office demo: {data_dir} already holds tickets; showing them without "
                  "adding made-up ones", flush=True)
        else:
            seed_demo(db, config)
            print(f"Office demo: made-up data in {data_dir}", flush=True)

    return prepare
