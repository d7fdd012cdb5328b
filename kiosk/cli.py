"""The one command-line entry point: `kiosk SUBCOMMAND ...`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from kiosk import __version__
from kiosk import config as config_mod
from kiosk.config import Config, ConfigError
from kiosk.paths import Paths, resolve
from kiosk.station import open_configured_printer

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kiosk", description="Commune service point kiosk.")
    p.add_argument("--version", action="version", version=f"kiosk {__version__}")
    p.add_argument("--config", metavar="PATH", help="configuration file (default: the "
                   "platform's config folder, or DIR/kiosk.toml with --data-dir)")
    p.add_argument("--data-dir", metavar="DIR", help="keep all state (database, logs, "
                   "previews) under DIR")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("demo", help="open the ticket kiosk on embedded defaults (preview printer)")
    sub.add_parser("run", help="open the ticket kiosk with this station's configuration")

    cfg = sub.add_parser("config", help="show or check the configuration")
    cfg.add_argument("action", choices=("path", "show", "check"))

    svc = sub.add_parser("services", help="list the service catalog")
    svc.add_argument("--json", action="store_true")

    t = sub.add_parser("ticket", help="issue and print a ticket without the screen")
    t.add_argument("--service", required=True, metavar="CODE")
    t.add_argument("--priority", nargs="?", const="unspecified", metavar="CATEGORY",
                   help="priority ticket; CATEGORY: elderly, disabled, pregnant, small_child")
    t.add_argument("--printer", metavar="URI", help="override the configured printer")
    t.add_argument("--json", action="store_true", help="print one JSON object")

    pr = sub.add_parser("printer", help="find and test printers")
    prsub = pr.add_subparsers(dest="printer_command", required=True, metavar="ACTION")
    prsub.add_parser("list", help="USB and serial printers this PC can see")
    pt = prsub.add_parser("test", help="print a test ticket")
    pt.add_argument("--printer", metavar="URI")
    pt.add_argument("--width", type=int, choices=(58, 80))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    paths = resolve(args.data_dir, args.config)
    if args.command == "config" and args.action == "path":
        print(paths.config_file)
        return EXIT_OK
    try:
        config = Config() if args.command == "demo" else config_mod.load(paths.config_file)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    from kiosk.logs import setup_logging

    setup_logging(paths, config.logging.level, console=args.command not in ("demo", "run"))
    handler = _COMMANDS[args.command]
    return handler(args, config, paths)


def _cmd_config(args, config: Config, paths: Paths) -> int:
    if args.action == "show":
        print(f"# {paths.config_file}" + ("" if paths.config_file.exists()
                                           else " (missing: embedded defaults)"))
        print(config_mod.dumps(config), end="")
    else:
        where = paths.config_file if paths.config_file.exists() else "embedded defaults"
        print(f"Configuration OK ({where}).")
    return EXIT_OK


def _cmd_services(args, config: Config, paths: Paths) -> int:
    from kiosk.queue.catalog import load_catalog

    services = load_catalog()
    if args.json:
        print(json.dumps([{"code": s.code, "prefix": s.prefix, "name_vi": s.name_vi,
                           "name_en": s.name_en, "field": s.field} for s in services],
                         ensure_ascii=False, indent=2))
    else:
        for s in services:
            print(f"{s.code:<5} {s.prefix}  {s.name_vi}  ({s.name_en})")
    return EXIT_OK


def _cmd_ticket(args, config: Config, paths: Paths) -> int:
    from drivers.printers import PrinterUriError
    from kiosk.queue.priority import PriorityCategory
    from kiosk.station import open_database
    from kiosk.ticketing import TicketDesk, UnknownService

    try:
        priority = PriorityCategory(args.priority) if args.priority else None
    except ValueError:
        choices = ", ".join(c.value for c in PriorityCategory)
        print(f"Unknown priority category {args.priority!r}; use one of: {choices}",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        printer = open_configured_printer(config, paths, args.printer)
    except PrinterUriError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    desk = TicketDesk(open_database(config, paths), config)
    try:
        ticket = desk.issue(args.service, priority)
    except UnknownService as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    outcome = desk.print_ticket(ticket, printer)
    if args.json:
        out = outcome.ticket.as_json()
        if not outcome.ok:
            out["print_error"] = outcome.message_en
        print(json.dumps(out, ensure_ascii=False))
    else:
        t = outcome.ticket
        print(f"{t.number}  {desk.service(t.service_code).name_vi}  "
              f"({t.people_ahead} ahead, {t.issued_at:%H:%M %d/%m/%Y})  {t.print_status}")
        if not outcome.ok:
            print(f"Not printed: {outcome.message_en}", file=sys.stderr)
    return EXIT_OK if outcome.ok else EXIT_FAILED


def _cmd_printer(args, config: Config, paths: Paths) -> int:
    from drivers.printers import PrintError, PrinterUriError, list_printers

    if args.printer_command == "list":
        found = list_printers()
        if not found:
            print("No USB or serial printer found. Network printers (tcp://HOST:9100) and "
                  "Windows printers (win32://NAME) are not listed here.")
        for p in found:
            print(f"{p.uri:<40} {p.kind:<7} {p.description}")
        return EXIT_OK
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from kiosk.printout.ticket import TicketSlip, render_ticket

    try:
        printer = open_configured_printer(config, paths, args.printer, args.width)
    except PrinterUriError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    slip = TicketSlip(office_name=config.office.name, office_code=config.office.code,
                      service_name="IN THỬ – Kiểm tra máy in (Tiếng Việt: Ệ ữ ộ ằ)",
                      number="A000", priority_label=None, people_ahead=0,
                      issued_at=datetime.now(ZoneInfo(config.office.timezone)))
    print(f"Printer {printer.uri}: status {printer.status().name}")
    try:
        printer.print_image(render_ticket(slip, printer.width_dots))
    except PrintError as exc:
        print(f"Test print failed: {exc.message_en}", file=sys.stderr)
        return EXIT_FAILED
    print("Test ticket sent.")
    return EXIT_OK


def _cmd_ui(args, config: Config, paths: Paths) -> int:
    if args.command == "demo":
        # A developer's desktop, at any hour: windowed, every service open.
        config = config.with_values(kiosk={"fullscreen": False, "enforce_opening_hours": False})
    from kiosk.ui.app import run_kiosk

    return run_kiosk(config, paths)


_COMMANDS = {
    "demo": _cmd_ui,
    "run": _cmd_ui,
    "config": _cmd_config,
    "services": _cmd_services,
    "ticket": _cmd_ticket,
    "printer": _cmd_printer,
}

if __name__ == "__main__":
    sys.exit(main())
