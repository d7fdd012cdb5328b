"""`kiosk printer list`, `kiosk printer test`."""

from __future__ import annotations

import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from kiosk.config import Config
from kiosk.paths import Paths


def register(sub) -> None:
    pr = sub.add_parser("printer", help="find and test printers")
    prsub = pr.add_subparsers(dest="printer_command", required=True, metavar="ACTION")
    prsub.add_parser("list", help="the printers this PC can see, and how to use each").set_defaults(
        handler=_list)
    pt = prsub.add_parser("test", help="print a test ticket")
    pt.add_argument("--printer", metavar="URI", help="override the configured printer")
    pt.add_argument("--width", type=int, choices=(58, 80), help="paper width in mm")
    pt.set_defaults(handler=_test)


def _list(args, config: Config, paths: Paths) -> int:
    from drivers.printers import scan_printers
    from drivers.printers.detect import VERDICT_EN

    scan = scan_printers()
    if not scan.printers:
        print("No printer found that can be used as it is. Network printers (tcp://HOST:9100) "
              "are not listed here.")
    for p in scan.printers:
        print(f"{p.uri:<44} {p.kind:<7} {p.description}")
        if p.verdict in VERDICT_EN and p.verdict != "ready":
            print(f"{'':<44} {'':<7} -> {VERDICT_EN[p.verdict]}")
    if scan.unusable:
        print("\nFound on USB but not usable as usb:// (on the vendor's Windows driver):")
        for p in scan.unusable:
            print(f"{p.uri:<44} {p.kind:<7} {p.description}")
            print(f"{'':<44} {'':<7} -> {VERDICT_EN.get(p.verdict, p.verdict)}")
    if scan.notes:
        print("\nNotes:")
        for note in scan.notes:
            print(f"- {note}")
    return EXIT_OK


def _test(args, config: Config, paths: Paths) -> int:
    from drivers.printers import PrintError, PrinterUriError
    from kiosk.printout.ticket import TicketSlip, render_ticket
    from kiosk.station import open_configured_printer

    try:
        printer = open_configured_printer(config, paths, args.printer, args.width)
    except PrinterUriError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    slip = TicketSlip(office_name=config.office.name, office_code=config.office.code,
                      service_name="IN THỬ – Kiểm tra máy in (Tiếng Việt: Ệ ữ ộ ằ ỹ)",
                      number="A000", priority_label=None, people_ahead=0,
                      issued_at=datetime.now(ZoneInfo(config.office.timezone)))
    print(f"Printer {printer.uri} ({printer.width_dots} dots): status {printer.status().name}")
    printer.warm_up()  # as the kiosk does before its first ticket
    options = printer.options_for_job() if hasattr(printer, "options_for_job") else None
    if options is not None:
        commands = ("Epson's (its own QR command, images centred by the printer)"
                    if options.centre else "raster images only")
        print(f"Commands: {commands} ([printer] profile = {config.printer.profile!r}).")
    try:
        printer.print_image(render_ticket(slip, printer.width_dots))
    except PrintError as exc:
        print(f"Test print failed: {exc.message_en}", file=sys.stderr)
        return EXIT_FAILED
    print("Test ticket sent.")
    return EXIT_OK
