"""`kiosk counter`: the clerk's counter window (dossier intake, returning results, logbook)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kiosk.config import Config
from kiosk.paths import DATA_DIR_ENV, Paths

DEMO_CLERK = "Cán bộ Demo"


def register(sub) -> None:
    counter = sub.add_parser(
        "counter", help="open the counter window: dossier intake from an ID card scan, "
        "returning results, the logbook")
    counter.add_argument("--clerk", metavar="NAME", default="",
                         help="receiving clerk's name (can also be typed in the window)")
    counter.add_argument("--demo", action="store_true",
                         help="embedded defaults with a preview printer (PNG files); without "
                         "--data-dir, on a throw-away data directory so no demo dossier "
                         "reaches the station's database or the city")
    counter.set_defaults(handler=_counter, gui=True)


def demo_setup(args, paths: Paths) -> tuple[Config, Paths]:
    """Configuration and paths of `kiosk counter --demo`."""
    if not (getattr(args, "data_dir", None) or os.environ.get(DATA_DIR_ENV)):
        data = Path(tempfile.mkdtemp(prefix="kiosk-counter-demo-"))
        paths = Paths(data, data / "kiosk.toml")
    config = Config().with_values(printer={"uri": f"preview://{paths.previews}"})
    return config, paths


def _counter(args, config: Config, paths: Paths) -> int:
    clerk = args.clerk
    if args.demo:
        config, paths = demo_setup(args, paths)
        clerk = clerk or DEMO_CLERK
        from kiosk.logs import setup_logging

        # The CLI set up logging in the station's data directory; the demo keeps to its own.
        setup_logging(paths, config.logging.level)
        print(f"Counter demo: data in {paths.data_dir}, receipts as PNG in {paths.previews}")
    from kiosk.ui.counter import run_counter

    return run_counter(config, paths, clerk=clerk)
