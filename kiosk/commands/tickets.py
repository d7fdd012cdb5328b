"""`kiosk services`, `kiosk ticket`."""

from __future__ import annotations

import json
import sys

from kiosk.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from kiosk.commands.queue_ops import add_hub_options
from kiosk.config import Config
from kiosk.paths import Paths


def register(sub) -> None:
    svc = sub.add_parser("services", help="list the service catalog")
    svc.add_argument("--json", action="store_true")
    svc.set_defaults(handler=_services)

    t = sub.add_parser("ticket", help="issue and print a ticket without the screen")
    t.add_argument("--service", required=True, metavar="CODE")
    t.add_argument("--priority", nargs="?", const="unspecified", metavar="CATEGORY",
                   help="priority ticket; CATEGORY: elderly, disabled, pregnant, small_child")
    t.add_argument("--printer", metavar="URI", help="override the configured printer")
    t.add_argument("--json", action="store_true", help="print one JSON object")
    add_hub_options(t)  # take the number from the hub, print it here
    t.set_defaults(handler=_ticket)


def _services(args, config: Config, paths: Paths) -> int:
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


def _ticket(args, config: Config, paths: Paths) -> int:
    from drivers.printers import PrinterUriError
    from kiosk.queue.priority import PriorityCategory
    from kiosk.station import open_configured_printer, open_database
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
    from kiosk.queue.settings import hub_settings

    if args.hub or hub_settings(config).role == "client":
        return _remote_ticket(args, config, paths, priority, printer)
    desk = TicketDesk(open_database(config, paths), config)
    try:
        ticket = desk.issue(args.service, priority)
    except UnknownService as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    outcome = desk.print_ticket(ticket, printer)
    t = outcome.ticket
    if args.json:
        out = t.as_json()
        if not outcome.ok:
            out["print_error"] = outcome.message_en
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(f"{t.number}  {desk.service(t.service_code).name_vi}  "
              f"({t.people_ahead} ahead, {t.issued_at:%H:%M %d/%m/%Y})  {t.print_status}")
        if not outcome.ok:
            print(f"Not printed: {outcome.message_en}", file=sys.stderr)
    return EXIT_OK if outcome.ok else EXIT_FAILED


def _remote_ticket(args, config: Config, paths: Paths, priority, printer) -> int:
    """Issue at the hub, print on this station's printer, record the outcome at the hub."""
    from kiosk.commands.queue_ops import open_cli_queue
    from kiosk.queue.errors import QueueError
    from kiosk.ticketing import UnknownService, print_slip, ticket_slip

    try:
        queue = open_cli_queue(args, config, paths)
    except (ValueError, QueueError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    try:
        try:
            ticket = queue.issue(args.service, priority)
        except UnknownService as exc:
            print(exc, file=sys.stderr)
            return EXIT_USAGE
        except QueueError as exc:
            print(exc, file=sys.stderr)
            return EXIT_FAILED
        service = next(s for s in queue.services() if s.code == ticket.service_code)
        ok, _, message_en, detail = print_slip(printer, ticket_slip(config, service, ticket),
                                               ticket)
        try:
            ticket = queue.record_print(ticket.id, ok, detail)
        except QueueError as exc:
            print(f"Printed, but the outcome could not be recorded at the hub: {exc}",
                  file=sys.stderr)
    finally:
        queue.close()
    if args.json:
        out = ticket.as_json()
        if not ok:
            out["print_error"] = message_en
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(f"{ticket.number}  {service.name_vi}  ({ticket.people_ahead} ahead, "
              f"{ticket.issued_at:%H:%M %d/%m/%Y})  {ticket.print_status}")
        if not ok:
            print(f"Not printed: {message_en}", file=sys.stderr)
    return EXIT_OK if ok else EXIT_FAILED
