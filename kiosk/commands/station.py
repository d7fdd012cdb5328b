"""`kiosk demo`, `kiosk run`, `kiosk config path|show|check`."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from kiosk import config as config_mod
from kiosk.commands import EXIT_ALREADY_RUNNING, EXIT_OK
from kiosk.config import Config
from kiosk.paths import Paths


def register(sub) -> None:
    demo = sub.add_parser("demo", help="open the ticket kiosk on embedded defaults "
                          "(preview printer, windowed, every service open)")
    demo.set_defaults(handler=_ui, needs_config=False, gui=True, demo=True)
    run = sub.add_parser("run", help="start this station as configured by [station] role: "
                         "ticket kiosk, counter window, display board or office hub (the "
                         "set-up wizard first if there is no configuration); restarted after "
                         "a crash")
    run.add_argument("--child", action="store_true", help=argparse.SUPPRESS)  # supervised UI
    run.add_argument("--no-supervise", action="store_true",
                     help="run the window in this process, without restarting it after a crash")
    run.set_defaults(handler=_ui, gui=True, demo=False)

    cfg = sub.add_parser("config", help="show or check the configuration")
    cfg.add_argument("action", choices=("path", "show", "check"))
    cfg.set_defaults(handler=_config)


def _ui(args, config: Config, paths: Paths) -> int:
    """One station, one process: the station's lock for the supervisor (or the only process),
    the window's own lock for the supervised child (kiosk/instance.py)."""
    from kiosk.instance import STATION_LOCK, WINDOW_LOCK, AlreadyRunning, InstanceLock

    child = getattr(args, "child", False)  # `kiosk demo` has no --child
    lock = InstanceLock(paths.data_dir / (WINDOW_LOCK if child else STATION_LOCK))
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        logging.getLogger("kiosk.instance").error("%s", exc.message_en)
        print(f"{exc.message_vi}\n{exc.message_en}", file=sys.stderr)
        return EXIT_ALREADY_RUNNING
    try:
        return _ui_locked(args, config, paths)
    finally:
        lock.release()


def _ui_locked(args, config: Config, paths: Paths) -> int:
    if args.demo:
        # A developer's desktop, at any hour: windowed, every service open.
        config = config.with_values(kiosk={"fullscreen": False, "enforce_opening_hours": False})
    elif not (args.child or args.no_supervise):
        from kiosk.supervisor import STOP_FILE, supervise_kiosk

        # runs `kiosk run --child`, restarts it; asks it to close through the stop file
        return supervise_kiosk(args, paths.logs, stop_file=paths.data_dir / STOP_FILE)
    else:
        from kiosk.supervisor import EXIT_CRASHED, install_crash_logging, watch_stop_file

        install_crash_logging(paths.logs, exit_code_on_ui_error=EXIT_CRASHED if args.child
                              else None)
        if args.child:
            watch_stop_file()
        if not paths.config_file.exists():
            from kiosk.ui.wizard import run_setup_wizard

            config = run_setup_wizard(paths, fullscreen=config.kiosk.fullscreen)
            if config is None:
                return EXIT_OK  # set-up left: nothing to run, and nothing to restart
        from kiosk.backup import start_scheduled_backups

        backups = start_scheduled_backups(config, paths)  # [backup] folder / to_hub
        try:
            return station_runner(config)(config, paths)
        finally:
            if backups is not None:
                backups.stop()
    return _run_kiosk(config, paths)  # the demo is always the ticket kiosk


def _run_kiosk(config: Config, paths: Paths) -> int:
    from kiosk.ui.app import run_kiosk

    return run_kiosk(config, paths)


def _run_counter(config: Config, paths: Paths) -> int:
    from kiosk.ui.counter import run_counter

    return run_counter(config, paths, clerk=config.counter.clerk)


def _run_display(config: Config, paths: Paths) -> int:
    from kiosk.ui.display.app import run_display

    return run_display(config, paths)


def _run_hub(config: Config, paths: Paths) -> int:
    from kiosk.commands.queue_ops import run_hub

    return run_hub(config, paths)


#: What `kiosk run` starts for each [station] role.
ROLE_RUNNERS: dict[str, Callable[[Config, Paths], int]] = {
    "kiosk": _run_kiosk,
    "counter": _run_counter,
    "display": _run_display,
    "hub": _run_hub,
}


def station_runner(config: Config) -> Callable[[Config, Paths], int]:
    """The function `kiosk run` starts this station with, chosen by [station] role."""
    return ROLE_RUNNERS[config.station.role]


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
