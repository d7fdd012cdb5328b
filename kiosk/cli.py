"""The one command-line entry point: `kiosk SUBCOMMAND ...`.

Each feature registers its own subcommands from a module in kiosk/commands/.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import logging
import os
import sqlite3
import sys
from collections.abc import Sequence

from kiosk import __version__
from kiosk import config as config_mod
from kiosk.commands import EXIT_CRASHED, EXIT_FAILED, EXIT_OK, EXIT_USAGE
from kiosk.config import Config, ConfigError
from kiosk.paths import resolve
from kiosk.private_files import private_umask

#: Each subcommand and the module that registers it, in the order `kiosk --help` lists them.
#: A run imports only its own command's module (a report does not load the printer and
#: scanner drivers); tests/cli/test_cli_commands.py checks this table against the modules.
COMMANDS: dict[str, str] = {
    **dict.fromkeys(("demo", "run", "stop", "config"), "kiosk.commands.station"),
    **dict.fromkeys(("services", "ticket"), "kiosk.commands.tickets"),
    "printer": "kiosk.commands.printer",
    "scan": "kiosk.commands.scan",
    "calendar": "kiosk.commands.calendar",
    **dict.fromkeys(("sync", "city-server", "seed"), "kiosk.commands.sync"),
    **dict.fromkeys(("export", "dossier"), "kiosk.commands.dossiers"),
    "petition": "kiosk.commands.petitions",
    "counter": "kiosk.commands.counter",
    "rating": "kiosk.commands.rating",
    "display": "kiosk.commands.display",
    **dict.fromkeys(("doctor", "support-bundle", "setup", "admin"), "kiosk.commands.doctor"),
    **dict.fromkeys(("hub", "call", "queue"), "kiosk.commands.queue_ops"),
    **dict.fromkeys(("report", "office"), "kiosk.commands.report"),
    **dict.fromkeys(("backup", "restore"), "kiosk.commands.backup"),
    "archive": "kiosk.commands.archive",
}
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))
#: The options before the command that take a value.
_VALUE_OPTIONS = ("--config", "--data-dir")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser; given the arguments, with only the subcommand they name
    (every subcommand when they name none, for the usage and `--help`)."""
    p = argparse.ArgumentParser(prog="kiosk", description="Commune service point kiosk.")
    p.add_argument("--version", action="version", version=f"kiosk {__version__}")
    p.add_argument("--config", metavar="PATH", help="configuration file (default: the "
                   "platform's config folder, or DIR/kiosk.toml with --data-dir)")
    p.add_argument("--data-dir", metavar="DIR", help="keep all state (database, logs, "
                   "previews) under DIR")
    p.add_argument("--debug", action="store_true", help="show the full traceback of a "
                   "storage error (read-only or full disk, damaged database)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    command = _command_in(argv) if argv is not None else None
    modules = [COMMANDS[command]] if command in COMMANDS else COMMAND_MODULES
    for name in modules:
        importlib.import_module(name).register(sub)
    return p


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand `argv` names: its first word that is neither an option nor an option's
    value."""
    words = iter(argv)
    for word in words:
        if word == "--":
            return next(words, None)
        if word in _VALUE_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _utf8_streams() -> bool:
    """Vietnamese reaches a pipe or a file on a Windows PC with an ANSI code page (cp1258
    cannot encode every precomposed letter), and the windowed exe, which has no console at
    all (sys.stdout/sys.stderr are None), runs every command too: the output is UTF-8, and a
    missing stream is a sink. True when there was no standard output (the windowed exe):
    what a command would print is then seen by nobody."""
    no_console = sys.stdout is None
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
        elif isinstance(stream, io.TextIOWrapper):
            # ValueError: closed, or already read from with another encoding
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(encoding="utf-8", errors="replace")
    return no_console


def main(argv: Sequence[str] | None = None) -> int:
    ended: object = 1  # an exception escaping (--debug) ends the process with 1
    try:
        code = _main(argv)
        ended = code
        return code
    except SystemExit as exc:
        ended = exc.code
        raise
    finally:
        # A station's lane still busy at exit must not change how the process ends
        # (kiosk/ui/operations.py `station_ran`).
        operations = sys.modules.get("kiosk.ui.operations")
        if operations is not None:
            operations.leave_with(ended)


def _main(argv: Sequence[str] | None) -> int:
    no_console = _utf8_streams()
    argv = list(sys.argv[1:] if argv is None else argv)
    paths = None
    try:
        args = build_parser(argv).parse_args(argv)
        args.no_console = no_console  # a refusal is then shown in a box (kiosk run)
        paths = resolve(args.data_dir, args.config)
        # Whatever this run creates (database, logs, receipts, exports, also through
        # libraries) is owner-only: it may hold personal data or a secret
        # (kiosk/private_files.py).
        with private_umask():
            return _run(args, paths)
    except Exception as exc:
        if "--debug" in argv:
            raise
        return _crashed(exc, paths)


def _crashed(exc: Exception, paths) -> int:
    """An exception nothing else handled (a bug, a file missing from the build): log it with
    its traceback (personal data masked), say so in one line and end with EXIT_CRASHED, so
    `kiosk run` starts the window again instead of a window showing a traceback dialog (the
    Windows build has PyInstaller's dialog turned off: kiosk.spec)."""
    from kiosk.diagnostics.redact import redact_text
    from kiosk.supervisor import redacted_traceback

    root = logging.getLogger()
    if paths is not None and not any(getattr(h, "_kiosk", False) for h in root.handlers):
        from kiosk.logs import setup_logging  # the crash came before logging was set up

        with contextlib.suppress(Exception):
            setup_logging(paths)
    name = type(exc).__name__
    logging.getLogger("kiosk.cli").critical(
        "unexpected %s; exiting with status %d (`kiosk run` restarts the window):\n%s", name,
        EXIT_CRASHED, redacted_traceback(type(exc), exc, exc.__traceback__))
    files = [h.baseFilename for h in root.handlers
             if getattr(h, "_kiosk", False) and isinstance(h, logging.FileHandler)]
    where = f"; details in {files[0]}" if files else ""
    print(f"error: unexpected {name}: {redact_text(str(exc))}{where} "
          "(`kiosk --debug ...` shows the traceback)", file=sys.stderr)
    return EXIT_CRASHED


CONFIG_REFUSED_VI = ("Trạm chưa mở được: tệp cấu hình kiosk.toml có lỗi. Hãy báo kỹ thuật "
                     "viên; chi tiết ở dưới và trong nhật ký của trạm.")


def _config_refused(args: argparse.Namespace, paths, exc: ConfigError) -> None:
    """A configuration the station cannot start with: in the log too (kiosk-gui.exe has no
    console, and the auto-start would otherwise end without a trace), and in a box when a
    screen was to open without a console."""
    from kiosk.commands import tell_without_console
    from kiosk.logs import setup_logging

    with contextlib.suppress(Exception):
        setup_logging(paths)
    logging.getLogger("kiosk.config").error("%s", exc)
    tell_without_console(args, CONFIG_REFUSED_VI, str(exc), warning=True)


def _run(args: argparse.Namespace, paths) -> int:
    if getattr(args, "needs_config", True):
        try:
            config = config_mod.load(paths.config_file)
        except ConfigError as exc:
            print(exc, file=sys.stderr)
            _config_refused(args, paths, exc)
            return EXIT_USAGE
        from kiosk.station import with_station_id

        config = with_station_id(config, paths)
    else:
        config = Config()
    from kiosk.logs import setup_logging

    setup_logging(paths, config.logging.level, console=not getattr(args, "gui", False))
    try:
        return args.handler(args, config, paths) or EXIT_OK
    except (OSError, sqlite3.Error, RuntimeError) as exc:
        # A read-only or full disk, or a damaged database: one plain line with the fix
        # (StoreError is a RuntimeError; anything else keeps its traceback).
        from kiosk.station import database_path
        from kiosk.store.db import StoreError
        from kiosk.store.faults import storage_fault

        fault = storage_fault(exc, database_path(config, paths))
        if args.debug or (fault is None and not isinstance(exc, StoreError)):
            raise
        if fault is None:  # a database newer than this program: its message says what to do
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_FAILED
        logging.getLogger("kiosk").info("storage fault (%s): %s", fault.kind, exc)
        print(f"{fault.line()} (`kiosk --debug ...` shows the details)", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
