"""The ticket screen's two lanes (kiosk/ui/operations.py). The UI thread never touches SQLite
or a printer.

- "kiosk-desk": issues tickets (one short transaction), reads waiting counts, the hub's
  services and the saved run of failed prints. Its resource is a "desk" (`open_desk`): a
  `TicketDesk` on this station's database (standalone, or the hub PC), or, with [hub] role =
  "client", a `QueueDesk` over the office hub's queue (`open_queue` → RemoteQueue), with the
  same methods. It never waits for a printer, so a stalled printer cannot delay the next
  citizen's number.
- "kiosk-printer": its resource is a `TicketPrinter`, which owns the printer and its own desk.
  It renders and prints tickets, records each outcome (printed / print_failed), and answers
  printer status checks. A blocking driver call holds only this lane, bounded by the
  driver's timeout.

At start the screen shows this PC's catalog (`local_services`, no I/O); the desk lane then
reads the saved run of failed prints from this station's database and, as a hub client, the
hub's service list.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from kiosk.config import Config
from kiosk.paths import Paths
from kiosk.station import QueueDesk, local_services, open_configured_printer, open_desk
from kiosk.ticketing import PrintOutcome, Ticket, TicketDesk, ticket_slip
from kiosk.ui.operations import Lane

log = logging.getLogger(__name__)

#: When the print thread loads the printer driver and draws the services' fixed blocks, after
#: the ticket screen has started (see PrintWorker.warm_up).
WARM_UP_AFTER_MS = 800

HUB_DOWN_VI = ("Không kết nối được máy chủ quầy. Vui lòng thử lại sau ít phút hoặc liên hệ "
               "cán bộ tại quầy.")
HUB_DOWN_EN = ("Cannot reach the office queue server. Please try again in a few minutes or ask "
               "the staff at the counter.")


class TicketPrinter:
    """The printer lane's resource: the ticket printer, opened once and kept (the driver opens
    a link per job and keeps track of a stuck job itself; a printer that cannot be opened is
    tried again next time), and a desk of its own to record print outcomes."""

    def __init__(self, config: Config, paths: Paths) -> None:
        self._config = config
        self._paths = paths
        self._printer = None
        self._desk: TicketDesk | QueueDesk | None = None
        self._close_desk: Callable[[], None] | None = None
        self._language = "vi"  # of the last ticket printed: its likely next one is drawn so

    def printer(self):
        if self._printer is None:
            self._printer = open_configured_printer(self._config, self._paths)
        return self._printer

    def desk(self) -> TicketDesk | QueueDesk:
        if self._desk is None:
            self._desk, self._close_desk = open_desk(self._config, self._paths)
        return self._desk

    def status_name(self) -> str:
        """How the printer is (a PrinterStatus name). One that cannot even be opened is
        OFFLINE."""
        try:
            status = self.printer().status()
            return getattr(status, "name", str(status))
        except Exception as exc:
            log.info("printer status check failed: %s", getattr(exc, "message_en", exc))
            return "OFFLINE"

    def print_ticket(self, ticket: Ticket, language: str = "vi") -> PrintOutcome:
        """Print (in the citizen's screen language) and record the outcome; always an outcome,
        whatever fails."""
        from drivers.printers import PrintError

        self._language = language
        desk = self.desk()
        try:
            printer = self.printer()
        except PrintError as exc:
            log.warning("printer unavailable for ticket %s: %s", ticket.number, exc.message_en)
            return PrintOutcome(desk.record_print(ticket, False, exc.message_en), False,
                                exc.message_vi, exc.message_en)
        except Exception as exc:
            log.exception("cannot open the printer for ticket %s", ticket.number)
            return PrintOutcome(desk.record_print(ticket, False, repr(exc)), False,
                                "Không kết nối được máy in. Vui lòng báo cán bộ tại quầy.",
                                f"Cannot open the printer: {exc!r}")
        try:
            return desk.print_ticket(ticket, printer, language)
        except Exception as exc:  # e.g. the outcome could not be stored: still answer
            log.exception("printing ticket %s failed unexpectedly", ticket.number)
            return PrintOutcome(ticket, False, "Máy in gặp lỗi.",
                                f"Unexpected error while printing: {exc!r}")

    def reprint(self, ticket_id: int, language: str = "vi") -> PrintOutcome | None:
        """The ticket printed again; None when it cannot be reloaded (logged; the screen's
        watchdog answers the citizen)."""
        try:
            ticket = self.desk().get(ticket_id)
        except Exception:
            log.exception("cannot reload ticket %s for a reprint", ticket_id)
            return None
        return self.print_ticket(ticket, language)

    def prepare_next(self, outcome: PrintOutcome | None) -> None:
        """Once an outcome is out: draw its service's likely next ticket ahead of its tap."""
        if outcome is None:
            return
        from kiosk.printout.ticket import prepare_next

        ticket = outcome.ticket
        try:
            desk = self.desk()
            # Never a request to the hub here: a hub that is down would hold up the next print.
            service = desk.known_service(ticket.service_code) if isinstance(desk, QueueDesk) \
                else desk.service(ticket.service_code)
            if service is None:
                return
            slip = ticket_slip(self._config, service, ticket, self._language)
            prepare_next(slip, self.printer().width_dots)
        except Exception:  # only the next ticket is slower
            log.debug("could not prepare the next ticket", exc_info=True)

    def warm_up(self) -> None:
        """Before the first citizen: load the printer driver and draw the offered services'
        fixed blocks (this PC's catalog: no network), so the first ticket is as fast as any."""
        from kiosk.printout.ticket import warm_up

        try:
            printer = self.printer()
            printer.warm_up()
            services = local_services(self._config)
            for language in ("vi", "en"):
                warm_up(self._config.office.name, self._config.office.code,
                        [s.name(language) for s in services], printer.width_dots, language)
        except Exception:  # the first ticket is only slower
            log.info("could not warm up the ticket printer", exc_info=True)

    def close(self) -> None:
        close = getattr(self._printer, "close", None)
        if close is not None:
            try:
                close()
            except Exception:
                log.debug("closing the printer failed", exc_info=True)
        self._printer = None
        _close_quietly(self._close_desk)
        self._desk = self._close_desk = None


def _close_quietly(close: Callable[[], None] | None) -> None:
    if close is not None:
        try:
            close()
        except Exception:
            log.debug("closing the desk failed", exc_info=True)


class _OpenDesk:
    """The desk lane's resource: a desk and how to close it."""

    def __init__(self, config: Config, paths: Paths) -> None:
        self.desk, self._close = open_desk(config, paths)

    def close(self) -> None:
        _close_quietly(self._close)


def issue_failure(exc: BaseException) -> tuple[str, str]:
    """The citizen's and the log's words for a ticket that could not be issued."""
    from kiosk.queue.errors import HubUnavailable

    if isinstance(exc, HubUnavailable):
        return HUB_DOWN_VI, HUB_DOWN_EN
    vi, en = getattr(exc, "message_vi", None), getattr(exc, "message_en", None)
    if isinstance(vi, str) and isinstance(en, str):
        return vi, en
    return ("Không cấp được số thứ tự. Vui lòng thử lại hoặc liên hệ cán bộ tại quầy.",
            f"Could not issue a number ({exc.__class__.__name__}). Please try again or "
            "ask the staff at the counter.")


class TicketLanes:
    """The ticket screen's desk and printer lanes (see the module's text)."""

    def __init__(self, config: Config, paths: Paths) -> None:
        self.desk = Lane("kiosk-desk", lambda: _OpenDesk(config, paths), _OpenDesk.close)
        # A print stuck in the driver holds its lane until the driver's own timeout: stopping
        # waits that long, not forever.
        self.printer = Lane("kiosk-printer", lambda: TicketPrinter(config, paths),
                            TicketPrinter.close,
                            stop_wait_ms=int((config.printer.timeout_s + 5) * 1000))

    def start(self) -> None:
        self.desk.start()
        self.printer.start()

    @property
    def running(self) -> bool:
        return self.desk.running

    def stop(self) -> None:
        self.desk.stop()
        self.printer.stop()
