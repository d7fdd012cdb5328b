"""`kiosk display`: the display board (TV) with spoken calls."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kiosk.commands.queue_ops import add_hub_options, with_ca_file
from kiosk.config import Config
from kiosk.paths import DATA_DIR_ENV, Paths


def register(sub) -> None:
    display = sub.add_parser(
        "display", help="open the display board: numbers being served and their counters, "
        "the last calls, waiting counts, spoken calls")
    add_hub_options(display)
    display.add_argument("--demo", action="store_true",
                         help="an invented office issuing and calling tickets every few seconds; "
                         "without --data-dir, on a throw-away data directory")
    display.add_argument("--windowed", action="store_true",
                         help="a normal 1920x1080 window instead of full screen")
    display.set_defaults(handler=_display, gui=True)


def demo_paths(args, paths: Paths) -> Paths:
    """Where `kiosk display --demo` keeps its queue: never the station's real database."""
    if getattr(args, "data_dir", None) or os.environ.get(DATA_DIR_ENV):
        return paths
    data = Path(tempfile.mkdtemp(prefix="kiosk-display-demo-"))
    return Paths(data, data / "kiosk.toml")


def _display(args, config: Config, paths: Paths) -> int:
    if args.demo:
        paths = demo_paths(args, paths)
        # The station's settings, but never its database (store.path may point at it).
        config = config.with_values(store={"path": ""})
        print(f"Display demo: data in {paths.data_dir}")
    config = with_ca_file(config, args)
    from kiosk.ui.display.app import run_display

    return run_display(config, paths, hub_url=args.hub, key=args.key, demo=args.demo,
                       windowed=args.windowed)
