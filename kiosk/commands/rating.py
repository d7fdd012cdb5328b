"""`kiosk rating --counter N`: the citizen's satisfaction rating screen for one counter."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from kiosk.commands import EXIT_USAGE
from kiosk.commands.queue_ops import add_hub_options, with_ca_file
from kiosk.config import Config
from kiosk.paths import DATA_DIR_ENV, Paths


def register(sub) -> None:
    rating = sub.add_parser(
        "rating", help="open the satisfaction rating screen for one counter (a tablet or a "
        "second screen facing the citizen); it asks whenever the counter finishes a citizen")
    rating.add_argument("--counter", type=int, required=True, metavar="N",
                        help="the counter number this screen belongs to")
    add_hub_options(rating)
    rating.add_argument("--fullscreen", action="store_true",
                        help="full screen and frameless (a dedicated screen)")
    rating.add_argument("--demo", action="store_true",
                        help="ask once at start without following any queue; without "
                        "--data-dir, on a throw-away data directory so no demo rating reaches "
                        "the city")
    rating.set_defaults(handler=_rating, gui=True)


def _rating(args, config: Config, paths: Paths) -> int:
    if not 1 <= args.counter <= 999:
        print("--counter must be between 1 and 999", file=sys.stderr)
        return EXIT_USAGE
    if args.demo and not (getattr(args, "data_dir", None) or os.environ.get(DATA_DIR_ENV)):
        data = Path(tempfile.mkdtemp(prefix="kiosk-rating-demo-"))
        paths = Paths(data, data / "kiosk.toml")
        print(f"Rating demo: data in {paths.data_dir}")
    from kiosk.ui.rating_view import run_rating

    if not config.rating.enabled:
        print("Ratings are turned off in this station's configuration ([rating] enabled).",
              file=sys.stderr)
        return EXIT_USAGE
    return run_rating(with_ca_file(config, args), paths, args.counter, hub_url=args.hub,
                      key=args.key,
                      fullscreen=args.fullscreen, demo=args.demo)
