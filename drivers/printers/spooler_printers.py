"""Printers reached through the operating system's spooler: Windows (win32://) and CUPS (cups://).

The spooler takes the raw ESC/POS job and keeps the vendor driver in place, which is often the
only option on Windows counter PCs; in exchange there is no status read-back from the printer
itself, only what the spooler knows about its queue (paused, offline).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass
from typing import Any

from drivers.printers.base import Connection, Deadline, StreamPrinter, run_with_watchdog
from drivers.printers.epson import epson_driver
from drivers.printers.errors import (
    PrintError,
    interrupted_error,
    not_set_up_error,
    offline_error,
    queue_paused_error,
    queue_printer_offline_error,
    queue_work_offline_error,
    root_cause,
    stalled_error,
    status_refusal,
)
from drivers.printers.escpos_job import JobOptions, escpos_module, escpos_profile
from drivers.printers.status import PrinterStatus

log = logging.getLogger(__name__)

#: Spooler job name: visible in the print queue, so it must not carry personal data.
JOB_NAME = "hcc-kiosk ticket"


class _SpoolerConnection(Connection):
    """Collects the job in python-escpos' spooler printer; close() hands it to the spooler."""

    def __init__(self, printer: Any) -> None:
        self._printer = printer
        self._closed = False

    def write(self, data: bytes, deadline: Deadline, stall_timeout_s: float) -> None:
        self._printer._raw(data)

    def drain(self, deadline: Deadline, stall_timeout_s: float) -> None:
        # Submitting can fail (queue deleted, spooler stopped): do it here so errors are seen.
        self._closed = True
        self._printer.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        # A failed job must not be submitted half-written: drop the pending data first.
        with contextlib.suppress(Exception):
            self._printer.pending_job = False
        with contextlib.suppress(Exception):
            self._printer.close()


# winspool.h values (pywin32 does not name them all in every version).
PRINTER_STATUS_PAUSED = 0x00000001
PRINTER_STATUS_ERROR = 0x00000002
PRINTER_STATUS_PAPER_JAM = 0x00000008
PRINTER_STATUS_PAPER_OUT = 0x00000010
PRINTER_STATUS_OFFLINE = 0x00000080
PRINTER_STATUS_NOT_AVAILABLE = 0x00001000
PRINTER_STATUS_DOOR_OPEN = 0x00400000
PRINTER_ATTRIBUTE_WORK_OFFLINE = 0x00000400

_WIN32_FIX = ("Check the printer's name in Settings > Printers & scanners (`kiosk printer list` "
              "lists the queues) and that the Print Spooler service is running.")


@dataclass(frozen=True)
class QueueState:
    """A Windows queue as the spooler reports it: `problem` is why a ticket cannot go now."""

    status: PrinterStatus
    problem: PrintError | None = None
    queue: str | None = None  # the queue's own spelling of the name


class _Win32Connection(Connection):
    """One RAW spooler job: written as it goes, submitted by drain(), deleted by abort()."""

    def __init__(self, win32print: Any, handle: Any) -> None:
        self._api = win32print
        self._handle = handle
        self._lock = threading.Lock()
        self._job_open = True
        self._closed = False

    def write(self, data: bytes, deadline: Deadline, stall_timeout_s: float) -> None:
        written = self._api.WritePrinter(self._handle, data)
        if written is not None and written != len(data):
            raise OSError(f"the spooler took {written} of {len(data)} bytes")

    def drain(self, deadline: Deadline, stall_timeout_s: float) -> None:
        # Submitting can fail (queue deleted, spooler stopped): do it here so errors are seen.
        self._api.EndPagePrinter(self._handle)
        self._api.EndDocPrinter(self._handle)
        self._job_open = False

    def close(self) -> None:
        # After drain() the job is submitted and only the handle closes; before, the job is
        # unfinished and is deleted like an aborted one.
        self.abort()

    def abort(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._job_open:
                # A failed job must not print half a ticket later: delete it from the queue
                # (EndDocPrinter would hand the part written so far to the printer).
                self._job_open = False
                try:
                    self._api.AbortPrinter(self._handle)
                except Exception:  # noqa: BLE001 - closing goes on
                    log.warning("Could not abort the spooler job", exc_info=True)
            with contextlib.suppress(Exception):
                self._api.ClosePrinter(self._handle)


class Win32Printer(StreamPrinter):
    """A Windows printer queue (win32://NAME) fed RAW through the spooler (pywin32).

    The printer's paper is out of reach, but the queue is not: a paused queue, one set to "Use
    Printer Offline" and a printer Windows sees offline refuse the ticket (it would otherwise
    wait in the queue and print later, for nobody). Names match case-insensitively, as Windows
    itself does.
    """

    can_read_status = False

    def __init__(self, uri: str, printer_name: str, width_dots: int, *, timeout_s: float) -> None:
        super().__init__(uri, width_dots, timeout_s=timeout_s, check_status=False)
        self.printer_name = printer_name
        #: With [printer] profile = "auto": the options for a queue on Epson's own driver
        #: (open_printer sets them); None: job_options whatever the driver.
        self.epson_job_options: JobOptions | None = None
        #: The queue's driver as the spooler last named it (None: not asked yet).
        self.driver_name: str | None = None

    def options_for_job(self) -> JobOptions:
        # Only what is known already: asking the spooler here would run outside the job's
        # watchdog (a queue on a server that is down can block OpenPrinter for long).
        if self.epson_job_options is None or self.driver_name is None:
            return self.job_options
        return self.epson_job_options if epson_driver(self.driver_name) else self.job_options

    def warm_up(self) -> None:
        super().warm_up()
        if self.epson_job_options is None or self.driver_name is not None:
            return
        # Learn the queue's driver before the first ticket (status() and every job's connect
        # learn it too), bounded like a status query; a spooler that hangs is left to the job.
        try:
            run_with_watchdog(self.queue_state, self.timeout_s, lambda: None,
                              name=f"printer-driver {self.uri}")
        except Exception as exc:  # noqa: BLE001 - learnt at the next connect
            log.info("The spooler did not name the driver of %s yet: %s", self.uri, exc)

    def _api(self) -> Any:
        try:
            import win32print
        except ImportError as exc:
            raise not_set_up_error(
                self.uri, "win32:// printing needs Windows with the pywin32 package installed; "
                "on other systems use usb://, serial://, tcp:// or cups://.") from exc
        return win32print

    def _find_queue(self, api: Any) -> str | None:
        flags = api.PRINTER_ENUM_LOCAL | api.PRINTER_ENUM_CONNECTIONS
        names = [info["pPrinterName"] for info in api.EnumPrinters(flags, None, 4)]
        wanted = self.printer_name.casefold()
        return next((name for name in names if name.casefold() == wanted), None)

    def queue_state(self) -> QueueState:
        """What the spooler says about the queue; raises PrintError when it cannot be asked."""
        api = self._api()
        try:
            queue = self._find_queue(api)
        except Exception as exc:  # noqa: BLE001 - spooler stopped
            raise offline_error(self.uri, f"the printer list is not readable ({root_cause(exc)})",
                                _WIN32_FIX) from exc
        if queue is None:
            return QueueState(PrinterStatus.OFFLINE, offline_error(
                self.uri, f"Windows has no printer named '{self.printer_name}'", _WIN32_FIX))
        handle = api.OpenPrinter(queue)
        try:
            info = api.GetPrinter(handle, 2)
        finally:
            with contextlib.suppress(Exception):
                api.ClosePrinter(handle)
        driver = str(info.get("pDriverName") or "")
        if driver != self.driver_name:
            log.info("Printer %s: Windows queue on the driver '%s'", self.uri, driver)
            self.driver_name = driver
        status = int(info.get("Status") or 0)
        attributes = int(info.get("Attributes") or 0)
        problem: PrintError | None = None
        if status & PRINTER_STATUS_PAUSED:
            problem = queue_paused_error(self.uri, queue)
        elif attributes & PRINTER_ATTRIBUTE_WORK_OFFLINE:
            problem = queue_work_offline_error(self.uri, queue)
        elif status & (PRINTER_STATUS_OFFLINE | PRINTER_STATUS_NOT_AVAILABLE):
            problem = queue_printer_offline_error(self.uri, queue)
        elif status & PRINTER_STATUS_PAPER_OUT:
            problem = status_refusal(self.uri, PrinterStatus.PAPER_OUT)
        elif status & (PRINTER_STATUS_DOOR_OPEN | PRINTER_STATUS_PAPER_JAM
                       | PRINTER_STATUS_ERROR):
            problem = status_refusal(self.uri, PrinterStatus.OFFLINE)
        if problem is None:
            return QueueState(PrinterStatus.UNKNOWN, None, queue)  # paper: unknown here
        return QueueState(problem.status or PrinterStatus.OFFLINE, problem, queue)

    def status(self) -> PrinterStatus:
        try:
            return self.queue_state().status
        except PrintError as exc:
            return exc.status or PrinterStatus.OFFLINE
        except Exception:  # noqa: BLE001 - status() never raises
            log.warning("Reading the Windows queue of %s failed", self.uri, exc_info=True)
            return PrinterStatus.UNKNOWN

    def _connect(self, deadline: Deadline) -> Connection:
        api = self._api()
        state = self.queue_state()
        if state.problem is not None:
            raise state.problem
        try:
            handle = api.OpenPrinter(state.queue)
        except Exception as exc:
            raise offline_error(self.uri, root_cause(exc), _WIN32_FIX) from exc
        try:
            api.StartDocPrinter(handle, 1, (JOB_NAME, None, "RAW"))
        except Exception as exc:
            with contextlib.suppress(Exception):
                api.ClosePrinter(handle)
            raise offline_error(self.uri, root_cause(exc), _WIN32_FIX) from exc
        connection = _Win32Connection(api, handle)
        try:
            api.StartPagePrinter(handle)
        except Exception as exc:
            connection.abort()
            raise offline_error(self.uri, root_cause(exc), _WIN32_FIX) from exc
        return connection

    def _translate(self, exc: BaseException, stage: str) -> PrintError:
        if isinstance(exc, TimeoutError):
            return stalled_error(self.uri, self.timeout_s, "did not accept the job")
        return interrupted_error(self.uri, str(exc) or type(exc).__name__)


class CupsPrinter(StreamPrinter):
    """A CUPS queue (cups://NAME) fed RAW through python-escpos CupsPrinter."""

    can_read_status = False

    def __init__(self, uri: str, printer_name: str, width_dots: int, *, timeout_s: float) -> None:
        super().__init__(uri, width_dots, timeout_s=timeout_s, check_status=False)
        self.printer_name = printer_name

    def status(self) -> PrinterStatus:
        try:
            import cups
        except ImportError:
            return PrinterStatus.OFFLINE
        try:
            printers = cups.Connection().getPrinters()
        except Exception:  # noqa: BLE001 - cupsd down: cannot print either
            return PrinterStatus.OFFLINE
        queue = printers.get(self.printer_name)
        if queue is None or queue.get("printer-state") == 5:  # 5: stopped
            return PrinterStatus.OFFLINE
        return PrinterStatus.UNKNOWN

    def _connect(self, deadline: Deadline) -> Connection:
        try:
            printer = escpos_module().CupsPrinter(printer_name=self.printer_name,
                                                  profile=escpos_profile(self.width_dots))
        except RuntimeError as exc:  # python-escpos: pycups missing
            raise not_set_up_error(
                self.uri, "cups:// printing needs the pycups package (pip install pycups; it "
                "builds against libcups2-dev / cups-devel).") from exc
        try:
            printer.open(job_name=JOB_NAME)
        except Exception as exc:
            raise offline_error(
                self.uri, root_cause(exc),
                "Check the queue name with `lpstat -p` and that the CUPS service is running.",
            ) from exc
        return _SpoolerConnection(printer)

    def _translate(self, exc: BaseException, stage: str) -> PrintError:
        if isinstance(exc, TimeoutError):
            return stalled_error(self.uri, self.timeout_s, "did not accept the job")
        return interrupted_error(self.uri, str(exc) or type(exc).__name__)
