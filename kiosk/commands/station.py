"""`kiosk demo`, `kiosk run`, `kiosk config path|show|check`."""

from __future__ import annotations

from kiosk import config as config_mod
from kiosk.commands import EXIT_OK
from kiosk.config import Config
from kiosk.paths import Paths


def register(sub) -> None:
    demo = sub.add_parser("demo", help="open the ticket kiosk on embedded defaults "
                          "(preview printer, windowed, every service open)")
    demo.set_defaults(handler=_ui, needs_config=False, gui=True, demo=True)
    run = sub.add_parser("run", help="open the ticket kiosk with this station's configuration")
    run.set_defaults(handler=_ui, gui=True, demo=False)

    cfg = sub.add_parser("config", help="show or check the configuration")
    cfg.add_argument("action", choices=("path", "show", "check"))
    cfg.set_defaults(handler=_config)


def _ui(args, config: Config, paths: Paths) -> int:
    if args.demo:
        # A developer's desktop, at any hour: windowed, every service open.
        config = config.with_values(kiosk={"fullscreen": False, "enforce_opening_hours": False})
    from kiosk.ui.app import run_kiosk

    return run_kiosk(config, paths)


def _config(args, config: Config, paths: Paths) -> int:
    exists = paths.config_file.exists()
    if args.action == "path":
        print(paths.config_file)
    elif args.action == "show":
        print(f"# {paths.config_file}" + ("" if exists else " (missing: embedded defaults)"))
        print(config_mod.dumps(config), end="")
    else:
        print(f"Configuration OK ({paths.config_file if exists else 'embedded defaults'}).")
    return EXIT_OK
