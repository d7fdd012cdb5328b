"""Printers reached through the operating system's spooler: Windows (win32://) and CUPS (cups://).

The spooler takes the raw ESC/POS job and keeps the vendor driver in place, which is often the
only option on Windows counter PCs; in exchange there is no status read-back from the printer.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from drivers.printers.base import Connection, Deadline, StreamPrinter
from drivers.printers.errors import (
    PrintError,
    interrupted_error,
    not_set_up_error,
    offline_error,
    root_cause,
    stalled_error,
)
from drivers.printers.escpos_job import escpos_module, escpos_profile
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


class Win32Printer(StreamPrinter):
    """A Windows printer queue (win32://NAME) fed RAW through python-escpos Win32Raw."""

    can_read_status = False

    def __init__(self, uri: str, printer_name: str, width_dots: int, *, timeout_s: float) -> None:
        super().__init__(uri, width_dots, timeout_s=timeout_s, check_status=False)
        self.printer_name = printer_name

    def status(self) -> PrinterStatus:
        try:
            import win32print
        except ImportError:
            return PrinterStatus.OFFLINE  # cannot print at all from here
        try:
            names = {p[2] for p in win32print.EnumPrinters(
                win32print.PRINTER_ENUM_LOCAL | win32print.PRINTER_ENUM_CONNECTIONS)}
        except Exception:  # noqa: BLE001 - status() never raises
            return PrinterStatus.UNKNOWN
        return PrinterStatus.UNKNOWN if self.printer_name in names else PrinterStatus.OFFLINE

    def _connect(self, deadline: Deadline) -> Connection:
        try:
            printer = escpos_module().Win32Raw(printer_name=self.printer_name,
                                               profile=escpos_profile(self.width_dots))
        except RuntimeError as exc:  # python-escpos: pywin32 missing
            raise not_set_up_error(
                self.uri, "win32:// printing needs Windows with the pywin32 package installed; "
                "on other systems use usb://, serial://, tcp:// or cups://.") from exc
        try:
            printer.open(job_name=JOB_NAME)
        except Exception as exc:
            raise offline_error(
                self.uri, root_cause(exc),
                "Check the printer's name in Settings > Printers (it must match exactly) and "
                "that its queue is not paused or set to 'Use printer offline'.") from exc
        return _SpoolerConnection(printer)

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
