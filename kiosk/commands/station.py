"""`kiosk demo`, `kiosk run`, `kiosk config path|show|check`."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Callable

from kiosk import config as config_mod
from kiosk.commands import EXIT_ALREADY_RUNNING, EXIT_FAILED, EXIT_OK, tell_without_console
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

    stop = sub.add_parser("stop", help="close this station's screen cleanly (`kiosk run` or "
                          "`kiosk demo` on the same data folder) and wait until it has")
    stop.add_argument("--timeout", type=float, default=30.0, metavar="S",
                      help="seconds to wait (default 30)")
    stop.set_defaults(handler=_stop, needs_config=False)

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
        if not child:  # kiosk-gui.exe: nobody would see the line above (a supervised
            # window's refusal is its supervisor's business: only logged)
            tell_without_console(args, exc.message_vi, f"Thư mục dữ liệu: {exc.path.parent}")
        return EXIT_ALREADY_RUNNING
    try:
        if not child:
            from kiosk.supervisor import STOP_REQUEST

            with contextlib.suppress(OSError):  # a `kiosk stop` from before this start
                (paths.data_dir / STOP_REQUEST).unlink()
        return _ui_locked(args, config, paths)
    finally:
        lock.release()


def _ui_locked(args, config: Config, paths: Paths) -> int:
    if args.demo:
        # A developer's desktop, at any hour: windowed, every service open.
        config = config.with_values(kiosk={"fullscreen": False, "enforce_opening_hours": False})
    elif not (args.child or args.no_supervise):
        from kiosk.supervisor import STOP_FILE, STOP_REQUEST, supervise_kiosk

        # runs `kiosk run --child`, restarts it; asks it to close through the stop file
        return supervise_kiosk(args, paths.logs, stop_file=paths.data_dir / STOP_FILE,
                               stop_request=paths.data_dir / STOP_REQUEST)
    else:
        from kiosk.supervisor import (
            EXIT_CRASHED,
            STOP_REQUEST,
            install_crash_logging,
            watch_stop_file,
        )

        install_crash_logging(paths.logs, exit_code_on_ui_error=EXIT_CRASHED if args.child
                              else None)
        # the supervised window: its supervisor's stop file; else `kiosk stop`'s request
        watch_stop_file(None if args.child else paths.data_dir / STOP_REQUEST)
        if not paths.config_file.exists():
            from kiosk.ui.wizard import run_setup_wizard

            config = run_setup_wizard(paths, fullscreen=config.kiosk.fullscreen)
            if config is None:
                return EXIT_OK  # set-up left: nothing to run, and nothing to restart
        from kiosk.backup import start_scheduled_backups

        backups = start_scheduled_backups(config, paths)  # [backup] folder / to_hub
        archiver = _start_archiver(config, paths)
        try:
            return station_runner(config)(config, paths)
        finally:
            if backups is not None:
                backups.stop()
            if archiver is not None:
                archiver.stop()
    from kiosk.supervisor import STOP_REQUEST, watch_stop_file

    watch_stop_file(paths.data_dir / STOP_REQUEST)  # `kiosk stop`
    return _run_kiosk(config, paths)  # the demo is always the ticket kiosk


def _start_archiver(config: Config, paths: Paths):
    """Closed months to their year's archive file once a month ([store] archive_keep_months;
    with 0, closed years once a year: archive_keep_years)."""
    from kiosk.archive.schedule import start_yearly_archive

    return start_yearly_archive(config, paths)


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


def _stop(args, config: Config, paths: Paths) -> int:
    """`kiosk stop`: the stop request file, then wait for the station's lock to be free."""
    import time

    from kiosk.instance import STATION_LOCK, AlreadyRunning, InstanceLock
    from kiosk.supervisor import STOP_REQUEST

    lock = InstanceLock(paths.data_dir / STATION_LOCK)

    def running() -> int | None:
        """The running station's process id (0 if unknown); None when it is not running."""
        try:
            lock.acquire()
        except AlreadyRunning as exc:
            return exc.pid or 0
        lock.release()
        return None

    pid = running()
    if pid is None:
        print(f"Trạm không chạy. / The station is not running (data folder {paths.data_dir}).")
        return EXIT_OK
    (paths.data_dir / STOP_REQUEST).touch()
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        time.sleep(0.2)
        if running() is None:
            print(f"Đã tắt trạm. / The station stopped (process {pid}).")
            return EXIT_OK
    print(f"The station (process {pid}) did not stop within {args.timeout:g} s: end it in Task "
          "Manager (kiosk-gui.exe) or with `kill`.", file=sys.stderr)
    return EXIT_FAILED


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
