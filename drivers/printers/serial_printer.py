"""Printers on a serial port (RS-232, or the virtual COM port of a USB-serial printer).

python-escpos' Serial.close() calls pyserial flush(), i.e. tcdrain(), which blocks forever when
the other end never reads (printer off with hardware flow control, a dead adapter). So the port
gets a write timeout, the output is drained by polling with a deadline, and a failed job's
output buffer is discarded before the port is closed.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

import serial

from drivers.printers.base import STATUS_REPLY_TIMEOUT_S, Connection, Deadline, StreamPrinter
from drivers.printers.errors import (
    PrintError,
    interrupted_error,
    offline_error,
    root_cause,
    stalled_error,
)
from drivers.printers.escpos_job import escpos_module, escpos_profile
from drivers.printers.uri import SerialAddress

#: Bytes per write call: about one second at 9600 baud, so each write's timeout measures progress.
CHUNK_BYTES = 1024

_POLL_S = 0.02

_FIX = ("Check the port name (Device Manager on Windows, `ls /dev/ttyUSB* /dev/ttyACM*` on "
        "Linux), that no other program holds the port, and that the kiosk user may open it "
        "(Linux: member of the dialout group).")


class _SerialConnection(Connection):
    def __init__(self, printer: Any) -> None:
        self._printer = printer  # escpos.printer.Serial, opened
        self._port: Any = printer.device  # serial.Serial
        self._closed = False

    def write(self, data: bytes, deadline: Deadline, stall_timeout_s: float) -> None:
        view = memoryview(data)
        for start in range(0, len(data), CHUNK_BYTES):
            timeout = deadline.cap(stall_timeout_s)
            if timeout <= 0:
                raise TimeoutError("job deadline passed")
            # Changing write_timeout reconfigures the port, so only when the deadline shortens it.
            if self._port.write_timeout != timeout and timeout < stall_timeout_s:
                self._port.write_timeout = timeout
            chunk = bytes(view[start:start + CHUNK_BYTES])
            try:
                written = self._port.write(chunk)
            except serial.SerialTimeoutException as exc:
                raise TimeoutError("the port stopped taking data") from exc
            if written != len(chunk):  # cancel_write() from the watchdog
                raise TimeoutError("write cancelled")

    def read_byte(self, timeout_s: float) -> int | None:
        if self._port.timeout != timeout_s:
            self._port.timeout = timeout_s
        data = self._port.read(1)
        return data[0] if data else None

    def drain(self, deadline: Deadline, stall_timeout_s: float) -> None:
        # Poll instead of flush(): tcdrain() has no timeout.
        try:
            pending = self._port.out_waiting
        except Exception:  # noqa: BLE001 - not every driver can report its output queue
            return
        last_progress = time.monotonic()
        while pending:
            if deadline.expired or time.monotonic() - last_progress > stall_timeout_s:
                raise TimeoutError(f"{pending} bytes still waiting in the serial port")
            time.sleep(_POLL_S)
            now_pending = self._port.out_waiting
            if now_pending < pending:
                last_progress = time.monotonic()
            pending = now_pending

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(Exception):
            self._port.close()
        # Mark python-escpos' object closed so its own close()/__del__ never calls flush().
        self._printer.device = False

    def abort(self) -> None:
        if self._closed:
            return
        # Wake a write blocked in another thread, then throw away what is queued so that
        # close() has nothing to wait for and the printer gets no half ticket later.
        with contextlib.suppress(Exception):
            self._port.cancel_write()
        with contextlib.suppress(Exception):
            self._port.reset_output_buffer()
        self.close()


class SerialPrinter(StreamPrinter):
    """A printer on serial://PORT?baudrate=N; reads DLE EOT status when the printer answers."""

    can_read_status = True

    def __init__(
        self,
        uri: str,
        address: SerialAddress,
        width_dots: int,
        *,
        timeout_s: float,
        check_status: bool = True,
    ) -> None:
        super().__init__(uri, width_dots, timeout_s=timeout_s, check_status=check_status)
        self.address = address
        self.port = address.port
        self.baudrate = address.baudrate

    def _transfer_time_s(self, job_bytes: int, raster_rows: int) -> float:
        # 10 bits per byte on the wire (start + 8 data + stop), plus 10 % for flow-control pauses.
        line_time = job_bytes * 10 / self.baudrate * 1.1
        return max(line_time, super()._transfer_time_s(job_bytes, raster_rows))

    def _connect(self, deadline: Deadline) -> Connection:
        address = self.address
        printer = escpos_module().Serial(
            devfile=address.port, baudrate=address.baudrate, bytesize=address.bytesize,
            parity=address.parity, stopbits=address.stopbits, timeout=STATUS_REPLY_TIMEOUT_S,
            xonxoff=address.xonxoff, dsrdtr=address.dsrdtr,
            profile=escpos_profile(self.width_dots),
        )
        try:
            printer.open()
        except Exception as exc:  # DeviceNotFoundError wraps the pyserial error text
            printer.device = False
            raise offline_error(self.uri, root_cause(exc), _FIX) from exc
        port: serial.Serial = printer.device
        connection = _SerialConnection(printer)
        try:
            port.write_timeout = self.timeout_s
            if address.rtscts:
                port.rtscts = True
            port.reset_input_buffer()  # stale bytes would be taken for a status reply
        except Exception as exc:
            connection.abort()
            raise offline_error(self.uri, f"cannot configure the port ({exc})", _FIX) from exc
        return connection

    def _translate(self, exc: BaseException, stage: str) -> PrintError:
        if isinstance(exc, TimeoutError):
            return stalled_error(self.uri, self.timeout_s)
        if stage == "status":
            return offline_error(self.uri, f"the port failed during the status query ({exc})",
                                 _FIX)
        return interrupted_error(self.uri, str(exc) or type(exc).__name__)
