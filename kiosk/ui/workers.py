"""The ticket screen's background threads. The UI thread never touches SQLite or a printer.

Two QThreads, each with one worker QObject that owns its own database connection:

- "kiosk-desk" (DeskWorker): issues tickets (one short transaction) and reads waiting counts.
  It never waits for a printer, so a stalled printer cannot delay the next citizen's number.
- "kiosk-printer" (PrintWorker): owns the printer. Renders and prints tickets, records each
  outcome (printed / print_failed) in the database, and answers printer status checks. A
  blocking driver call holds only this thread, bounded by the driver's timeout.

The UI talks to them only through queued signals (`Workers` wraps that) and hears back through
signals carrying `Ticket`, `PrintOutcome`, waiting counts and printer status.

Each worker opens its own "desk" (`open_desk`): a `TicketDesk` on this station's database
(standalone, or the hub PC), or, with [hub] role = "client", a `QueueDesk` over the office
hub's queue (`open_queue` → RemoteQueue), with the same methods the workers use.

At start the screen shows this PC's catalog (`local_services`, no I/O); the desk worker then
reads the saved run of failed prints from this station's database and, as a hub client, the
hub's service list, and signals both back (`failures_loaded`, `services`).
"""

from __future__ import annotations

import atexit
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from kiosk.config import Config
from kiosk.paths import Paths
from kiosk.queue.priority import PriorityCategory
from kiosk.station import QueueDesk, local_services, open_configured_printer, open_desk
from kiosk.ticketing import PrintOutcome, Ticket, TicketDesk, ticket_slip

log = logging.getLogger(__name__)

#: When the print thread loads the printer driver and draws the services' fixed blocks, after
#: the ticket screen has started (see PrintWorker.warm_up).
WARM_UP_AFTER_MS = 800

# Destroying a running QThread aborts the process. Running workers are kept referenced here,
# whatever happens to the window, until stopped; threads that did not stop in time stay in
# _STUCK. Whatever still runs at interpreter exit is stopped then.
_RUNNING: set[Workers] = set()
_STUCK: list[tuple[QThread, QObject]] = []


@atexit.register
def stop_all() -> None:
    for workers in list(_RUNNING):
        workers.stop()


HUB_DOWN_VI = ("Không kết nối được máy chủ quầy. Vui lòng thử lại sau ít phút hoặc liên hệ "
               "cán bộ tại quầy.")
HUB_DOWN_EN = ("Cannot reach the office queue server. Please try again in a few minutes or ask "
               "the staff at the counter.")


class DeskWorker(QObject):
    issued = Signal(object)  # Ticket
    issue_failed = Signal(str, str)  # message_vi, message_en
    counts = Signal(dict)  # service code -> waiting tickets
    services = Signal(object)  # list[Service]: the hub's list of what this kiosk offers
    failures_loaded = Signal(int)  # the saved run of failed prints, at start

    def __init__(self, config: Config, paths: Paths):
        super().__init__()
        self._config = config
        self._paths = paths
        self._close: Callable[[], None] | None = None
        self._desk: TicketDesk | QueueDesk | None = None
        # A hub client asks the hub for its services until it has answered once.
        self._services_wanted = config.hub.role == "client"

    def _open(self) -> TicketDesk | QueueDesk:
        if self._desk is None:
            self._desk, self._close = open_desk(self._config, self._paths)
        return self._desk

    @Slot(str, object)
    def issue(self, service_code: str, priority: PriorityCategory | None) -> None:
        from kiosk.queue.errors import HubUnavailable, QueueError

        try:
            ticket = self._open().issue(service_code, priority)
        except HubUnavailable as exc:
            log.warning("could not issue a ticket for service %s: %s", service_code, exc)
            self.issue_failed.emit(HUB_DOWN_VI, HUB_DOWN_EN)
            return
        except QueueError as exc:
            log.warning("the hub refused a ticket for service %s: %s", service_code, exc)
            self.issue_failed.emit(exc.message_vi, exc.message_en)
            return
        except Exception as exc:
            log.exception("could not issue a ticket for service %s", service_code)
            self.issue_failed.emit(
                "Không cấp được số thứ tự. Vui lòng thử lại hoặc liên hệ cán bộ tại quầy.",
                f"Could not issue a number ({exc.__class__.__name__}). Please try again or "
                "ask the staff at the counter.")
            return
        self.issued.emit(ticket)
        self.refresh_counts()

    @Slot()
    def refresh_counts(self) -> None:
        from kiosk.queue.errors import QueueError

        # Always answer (nothing new: an empty dict), or the screen would never ask again.
        try:
            counts = self._open().waiting_counts()
        except QueueError as exc:  # the hub is down: logged by the queue, counts kept
            log.info("could not read waiting counts: %s", exc)
            self.counts.emit({})
            return
        except Exception:
            log.exception("could not read waiting counts")
            self.counts.emit({})
            return
        self.counts.emit(counts)
        if self._services_wanted:  # the hub answers again: its list of services too
            self.fetch_services()

    @Slot()
    def fetch_services(self) -> None:
        """As a hub client: the hub's services, signalled once read. The hub down: nothing is
        signalled (the screen keeps this PC's catalog) and the next good count tries again."""
        if not self._services_wanted:
            return
        from kiosk.queue.errors import QueueError

        try:
            desk = self._open()
            if not isinstance(desk, QueueDesk):
                self._services_wanted = False
                return
            services = desk.hub_services()
        except QueueError as exc:
            log.warning("cannot read the hub's services (%s); showing the local catalog", exc)
            return
        except Exception:
            log.exception("cannot read the hub's services; showing the local catalog")
            return
        self._services_wanted = False
        self.services.emit(services)

    @Slot()
    def load_failures(self) -> None:
        """The run of failed prints saved before the last stop, for the screen at start."""
        try:
            count = self._open().print_failure_count()
        except Exception:
            log.exception("cannot read the saved count of failed prints; starting from 0")
            count = 0
        self.failures_loaded.emit(count)

    @Slot(int)
    def save_failures(self, count: int) -> None:
        try:
            self._open().save_print_failure_count(count)
        except Exception:
            log.exception("cannot save the count of failed prints (%d)", count)

    @Slot()
    def stop(self) -> None:
        _close_quietly(self._close)
        self._close = self._desk = None
        QThread.currentThread().quit()


class PrinterThreadWorker(QObject):
    """A worker that owns one printer on its own thread (the ticket printer here, the receipt
    printer at a counter): opened once and kept, asked for its status, closed on stop."""

    status_checked = Signal(str)  # a PrinterStatus name: READY, PAPER_OUT, ..., OFFLINE

    def __init__(self, config: Config, paths: Paths):
        super().__init__()
        self._config = config
        self._paths = paths
        self._printer = None

    def _printer_choice(self) -> tuple[str | None, int | None]:
        """(uri, width) overriding the configured ticket printer; None keeps the config's."""
        return None, None

    def _open_printer(self):
        """The printer, opened once and kept: the driver opens a link per job and keeps track
        of a stuck job itself. A printer that cannot be opened is tried again next time."""
        if self._printer is None:
            self._printer = open_configured_printer(self._config, self._paths,
                                                    *self._printer_choice())
        return self._printer

    @Slot()
    def check_status(self) -> None:
        """Ask the printer how it is. A printer that cannot even be opened counts as OFFLINE."""
        try:
            status = self._open_printer().status()
            name = getattr(status, "name", str(status))
        except Exception as exc:
            log.info("printer status check failed: %s", getattr(exc, "message_en", exc))
            name = "OFFLINE"
        self.status_checked.emit(name)

    def _close_printer(self) -> None:
        close = getattr(self._printer, "close", None)
        if close is not None:
            try:
                close()
            except Exception:
                log.debug("closing the printer failed", exc_info=True)
        self._printer = None


class PrintWorker(PrinterThreadWorker):
    printed = Signal(object)  # PrintOutcome

    def __init__(self, config: Config, paths: Paths):
        super().__init__(config, paths)
        self._close: Callable[[], None] | None = None
        self._desk: TicketDesk | QueueDesk | None = None

    def _open_desk(self) -> TicketDesk | QueueDesk:
        if self._desk is None:
            self._desk, self._close = open_desk(self._config, self._paths)
        return self._desk

    @Slot(object)
    def print_ticket(self, ticket: Ticket) -> None:
        from drivers.printers import PrintError

        desk = self._open_desk()
        try:
            printer = self._open_printer()
        except PrintError as exc:
            log.warning("printer unavailable for ticket %s: %s", ticket.number, exc.message_en)
            outcome = PrintOutcome(desk.record_print(ticket, False, exc.message_en), False,
                                   exc.message_vi, exc.message_en)
        except Exception as exc:
            log.exception("cannot open the printer for ticket %s", ticket.number)
            outcome = PrintOutcome(desk.record_print(ticket, False, repr(exc)), False,
                                   "Không kết nối được máy in. Vui lòng báo cán bộ tại quầy.",
                                   f"Cannot open the printer: {exc!r}")
        else:
            try:
                outcome = desk.print_ticket(ticket, printer)
            except Exception as exc:  # e.g. the outcome could not be stored: still answer
                log.exception("printing ticket %s failed unexpectedly", ticket.number)
                outcome = PrintOutcome(ticket, False, "Máy in gặp lỗi.",
                                       f"Unexpected error while printing: {exc!r}")
        self.printed.emit(outcome)
        self._prepare_next(ticket)

    def _prepare_next(self, ticket: Ticket) -> None:
        """Once the outcome is out: draw this service's likely next ticket ahead of its tap."""
        from kiosk.printout.ticket import prepare_next

        try:
            desk = self._open_desk()
            # Never a request to the hub here: a hub that is down would hold up the next print.
            service = desk.known_service(ticket.service_code) if isinstance(desk, QueueDesk) \
                else desk.service(ticket.service_code)
            if service is None:
                return
            slip = ticket_slip(self._config, service, ticket)
            prepare_next(slip, self._open_printer().width_dots)
        except Exception:  # only the next ticket is slower
            log.debug("could not prepare the next ticket", exc_info=True)

    @Slot()
    def warm_up(self) -> None:
        """Before the first citizen: load the printer driver and draw the offered services'
        fixed blocks (this PC's catalog: no network), so the first ticket is as fast as any."""
        from kiosk.printout.ticket import warm_up

        try:
            printer = self._open_printer()
            printer.warm_up()
            warm_up(self._config.office.name, self._config.office.code,
                    [s.name_vi for s in local_services(self._config)], printer.width_dots)
        except Exception:  # the first ticket is only slower
            log.info("could not warm up the ticket printer", exc_info=True)

    @Slot(int)
    def reprint(self, ticket_id: int) -> None:
        try:
            ticket = self._open_desk().get(ticket_id)
        except Exception:
            log.exception("cannot reload ticket %s for a reprint", ticket_id)
            return
        self.print_ticket(ticket)

    @Slot()
    def stop(self) -> None:
        self._close_printer()
        _close_quietly(self._close)
        self._close = self._desk = None
        QThread.currentThread().quit()


def _close_quietly(close: Callable[[], None] | None) -> None:
    if close is not None:
        try:
            close()
        except Exception:
            log.debug("closing the desk failed", exc_info=True)


class Workers(QObject):
    """Starts both threads and forwards requests to them as queued signals (UI-thread side)."""

    issued = Signal(object)
    issue_failed = Signal(str, str)
    counts = Signal(dict)
    services = Signal(object)
    failures_loaded = Signal(int)
    printed = Signal(object)
    printer_status = Signal(str)

    _issue = Signal(str, object)
    _refresh_counts = Signal()
    _fetch_services = Signal()
    _load_failures = Signal()
    _save_failures = Signal(int)
    _print = Signal(object)
    _reprint = Signal(int)
    _warm_up = Signal()
    _check = Signal()
    _stop_desk = Signal()
    _stop_printer = Signal()

    def __init__(self, config: Config, paths: Paths, parent: QObject | None = None):
        super().__init__(parent)
        self._config = config
        self.desk_thread = QThread()
        self.desk_thread.setObjectName("kiosk-desk")
        self.print_thread = QThread()
        self.print_thread.setObjectName("kiosk-printer")
        self.desk = DeskWorker(config, paths)
        self.printer = PrintWorker(config, paths)
        self.desk.moveToThread(self.desk_thread)
        self.printer.moveToThread(self.print_thread)

        self._issue.connect(self.desk.issue)
        self._refresh_counts.connect(self.desk.refresh_counts)
        self._fetch_services.connect(self.desk.fetch_services)
        self._load_failures.connect(self.desk.load_failures)
        self._save_failures.connect(self.desk.save_failures)
        self._stop_desk.connect(self.desk.stop)
        # Every issued ticket goes to the print thread straight from the desk thread: waiting
        # for the UI thread to pass it on cost a scheduling delay on a busy PC (the screen
        # learns of it through `issued` all the same, before its print outcome).
        self.desk.issued.connect(self.printer.print_ticket)
        self.desk.issued.connect(self.issued)
        self.desk.issue_failed.connect(self.issue_failed)
        self.desk.counts.connect(self.counts)
        self.desk.services.connect(self.services)
        self.desk.failures_loaded.connect(self.failures_loaded)

        self._print.connect(self.printer.print_ticket)
        self._reprint.connect(self.printer.reprint)
        self._warm_up.connect(self.printer.warm_up)
        self._check.connect(self.printer.check_status)
        self._stop_printer.connect(self.printer.stop)
        self.printer.printed.connect(self.printed)
        self.printer.status_checked.connect(self.printer_status)
        self._running = False

    def start(self) -> None:
        self.desk_thread.start()
        self.print_thread.start()
        self._running = True
        _RUNNING.add(self)
        # After the first frames, not during them: the warm-up takes the GIL for a while.
        QTimer.singleShot(WARM_UP_AFTER_MS, self, self._start_warm_up)

    def _start_warm_up(self) -> None:
        if self._running:
            self._warm_up.emit()

    def issue(self, service_code: str, priority: PriorityCategory | None) -> None:
        self._issue.emit(service_code, priority)

    def refresh_counts(self) -> None:
        self._refresh_counts.emit()

    def fetch_services(self) -> None:
        """As a hub client, ask the hub for its services (answered by `services`)."""
        self._fetch_services.emit()

    def load_failures(self) -> None:
        """Read the saved run of failed prints (answered by `failures_loaded`)."""
        self._load_failures.emit()

    def save_failures(self, count: int) -> None:
        self._save_failures.emit(count)

    def print_ticket(self, ticket: Ticket) -> None:
        self._print.emit(ticket)

    def reprint(self, ticket_id: int) -> None:
        self._reprint.emit(ticket_id)

    def check_printer(self) -> None:
        self._check.emit()

    def stop(self) -> None:
        """Close both workers' resources and end the threads. A print that is stuck in the
        driver holds its thread until the driver's own timeout; wait that long, not forever."""
        if not self._running:
            return
        self._running = False
        _RUNNING.discard(self)
        self._stop_desk.emit()
        self._stop_printer.emit()
        waits = ((self.desk_thread, self.desk, 20_000),
                 (self.print_thread, self.printer,
                  int((self._config.printer.timeout_s + 5) * 1000)))
        for thread, worker, wait_ms in waits:
            if not thread.wait(wait_ms):
                log.error("thread %s did not stop within %d ms", thread.objectName(), wait_ms)
                _STUCK.append((thread, worker))
