"""Raw ESC/POS to a file or device node (file:///dev/usb/lp0, or a capture file for tests)."""

from __future__ import annotations

import contextlib
import os
from typing import Any

from drivers.printers.base import Connection, Deadline, StreamPrinter
from drivers.printers.errors import PrintError, interrupted_error, offline_error, stalled_error
from drivers.printers.escpos_job import escpos_module, escpos_profile
from drivers.printers.status import PrinterStatus
from drivers.printers.uri import FileAddress

_FIX = ("Check that the path exists and the kiosk user may write to it (Linux: member of the "
        "lp group for /dev/usb/lp*).")


class _AppendingFile(escpos_module().File):  # type: ignore[misc]
    """python-escpos File opens with "wb"; append instead so each job adds to the capture,
    the way successive tickets add to a paper roll."""

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        try:
            self.device = open(self.devfile, "ab")  # noqa: SIM115 - closed by close()
        except OSError:
            self.device = None
            raise


class _FileConnection(Connection):
    def __init__(self, printer: Any) -> None:
        self._printer = printer

    def write(self, data: bytes, deadline: Deadline, stall_timeout_s: float) -> None:
        # A device node may block in open() or write(); the job's watchdog bounds that, and a
        # job whose deadline passed while opening is not written late.
        if deadline.expired:
            raise TimeoutError("the device took too long to open")
        self._printer._raw(data)

    def drain(self, deadline: Deadline, stall_timeout_s: float) -> None:
        self._printer.flush()

    def close(self) -> None:
        self._printer.close()


class FilePrinter(StreamPrinter):
    """Appends each job's raw ESC/POS bytes to file:///PATH; cannot read status."""

    can_read_status = False

    def __init__(
        self, uri: str, address: FileAddress, width_dots: int, *, timeout_s: float
    ) -> None:
        super().__init__(uri, width_dots, timeout_s=timeout_s, check_status=False)
        self.path = address.path

    def status(self) -> PrinterStatus:
        # Nothing to ask, but a missing device node (printer unplugged) is worth reporting.
        target = self.path if self.path.exists() else self.path.parent
        return PrinterStatus.UNKNOWN if os.access(target, os.W_OK) else PrinterStatus.OFFLINE

    def _connect(self, deadline: Deadline) -> Connection:
        printer = _AppendingFile(devfile=str(self.path), auto_flush=False,
                                 profile=escpos_profile(self.width_dots))
        try:
            printer.open()
        except OSError as exc:
            with contextlib.suppress(Exception):
                printer.device = False
            raise offline_error(self.uri, exc.strerror or str(exc), _FIX) from exc
        return _FileConnection(printer)

    def _translate(self, exc: BaseException, stage: str) -> PrintError:
        if isinstance(exc, TimeoutError):
            return stalled_error(self.uri, self.timeout_s)
        return interrupted_error(self.uri, str(exc) or type(exc).__name__)
