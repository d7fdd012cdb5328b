"""The ticket screen's background threads. The UI thread never touches SQLite or a printer.

Two QThreads, each with one worker QObject that owns its own database connection:

- "kiosk-desk" (DeskWorker): issues tickets (one short transaction) and reads waiting counts.
  It never waits for a printer, so a stalled printer cannot delay the next citizen's number.
- "kiosk-printer" (PrintWorker): owns the printer. Renders and prints tickets, records each
  outcome (printed / print_failed) in the database, and answers printer status checks. A
  blocking driver call holds only this thread, bounded by the driver's timeout.

The UI talks to them only through queued signals (`Workers` wraps that) and hears back through
signals carrying `Ticket`, `PrintOutcome`, waiting counts and printer status.
"""

from __future__ import annotations

import atexit
import logging

from PySide6.QtCore import QObject, QThread, Signal, Slot

from kiosk.config import Config
from kiosk.paths import Paths
from kiosk.queue.priority import PriorityCategory
from kiosk.station import open_configured_printer, open_database
from kiosk.ticketing import PrintOutcome, Ticket, TicketDesk

log = logging.getLogger(__name__)

# Destroying a running QThread aborts the process. Running workers are kept referenced here,
# whatever happens to the window, until stopped; threads that did not stop in time stay in
# _STUCK. Whatever still runs at interpreter exit is stopped then.
_RUNNING: set[Workers] = set()
_STUCK: list[tuple[QThread, QObject]] = []


@atexit.register
def stop_all() -> None:
    for workers in list(_RUNNING):
        workers.stop()


class DeskWorker(QObject):
    issued = Signal(object)  # Ticket
    issue_failed = Signal(str, str)  # message_vi, message_en
    counts = Signal(dict)  # service code -> waiting tickets

    def __init__(self, config: Config, paths: Paths):
        super().__init__()
        self._config = config
        self._paths = paths
        self._db = None
        self._desk: TicketDesk | None = None

    def _open(self) -> TicketDesk:
        if self._desk is None:
            self._db = open_database(self._config, self._paths)
            self._desk = TicketDesk(self._db, self._config)
        return self._desk

    @Slot(str, object)
    def issue(self, service_code: str, priority: PriorityCategory | None) -> None:
        try:
            ticket = self._open().issue(service_code, priority)
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
        try:
            counts = self._open().waiting_counts()
        except Exception:
            log.exception("could not read waiting counts")
            return
        self.counts.emit(counts)

    @Slot()
    def stop(self) -> None:
        if self._db is not None:
            self._db.conn.close()
            self._db = self._desk = None
        QThread.currentThread().quit()


class PrintWorker(QObject):
    printed = Signal(object)  # PrintOutcome
    status_checked = Signal(str)  # a PrinterStatus name: READY, PAPER_OUT, ..., UNKNOWN

    def __init__(self, config: Config, paths: Paths):
        super().__init__()
        self._config = config
        self._paths = paths
        self._db = None
        self._desk: TicketDesk | None = None
        self._printer = None

    def _open_desk(self) -> TicketDesk:
        if self._desk is None:
            self._db = open_database(self._config, self._paths)
            self._desk = TicketDesk(self._db, self._config)
        return self._desk

    def _open_printer(self):
        """The printer, opened once and kept: the driver opens a link per job and keeps track
        of a stuck job itself. A printer that cannot be opened is tried again next time."""
        if self._printer is None:
            self._printer = open_configured_printer(self._config, self._paths)
        return self._printer

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

    @Slot(int)
    def reprint(self, ticket_id: int) -> None:
        try:
            ticket = self._open_desk().get(ticket_id)
        except Exception:
            log.exception("cannot reload ticket %s for a reprint", ticket_id)
            return
        self.print_ticket(ticket)

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

    @Slot()
    def stop(self) -> None:
        close = getattr(self._printer, "close", None)
        if close is not None:
            try:
                close()
            except Exception:
                log.debug("closing the printer failed", exc_info=True)
        self._printer = None
        if self._db is not None:
            self._db.conn.close()
            self._db = self._desk = None
        QThread.currentThread().quit()


class Workers(QObject):
    """Starts both threads and forwards requests to them as queued signals (UI-thread side)."""

    issued = Signal(object)
    issue_failed = Signal(str, str)
    counts = Signal(dict)
    printed = Signal(object)
    printer_status = Signal(str)

    _issue = Signal(str, object)
    _refresh_counts = Signal()
    _print = Signal(object)
    _reprint = Signal(int)
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
        self._stop_desk.connect(self.desk.stop)
        self.desk.issued.connect(self.issued)
        self.desk.issue_failed.connect(self.issue_failed)
        self.desk.counts.connect(self.counts)

        self._print.connect(self.printer.print_ticket)
        self._reprint.connect(self.printer.reprint)
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

    def issue(self, service_code: str, priority: PriorityCategory | None) -> None:
        self._issue.emit(service_code, priority)

    def refresh_counts(self) -> None:
        self._refresh_counts.emit()

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
