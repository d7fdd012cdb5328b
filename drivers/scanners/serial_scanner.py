"""Serial and USB-CDC (virtual COM port) scanners, read with pyserial on a worker thread.

USB-CDC is the mode to use for CCCD cards: the scanner passes the QR's UTF-8 bytes through
untouched, where a keyboard wedge types them through the keyboard layout and any Vietnamese input
method. The port is found by name or USB VID:PID every time it is (re)opened, so unplugging and
replugging the scanner, even into another USB socket, needs nobody's help.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence

from drivers.scanners.discovery import find_port
from drivers.scanners.events import ScanEvent, ScannerStatus, decode_scan_bytes

logger = logging.getLogger(__name__)

StatusCallback = Callable[[ScannerStatus, str], None]

_TERMINATORS = b"\r\n"


class ScanFramer:
    """Cuts a byte stream into scans: at CR, LF or CRLF, or after a pause with no terminator.

    Reads arrive in arbitrary pieces (USB packets of 64 bytes, OS buffering), so a scan is only
    complete at its terminator. Scanners configured without a terminator are served by the
    pause: a scanner sends one code in a single burst, so silence after bytes ends a scan.
    """

    def __init__(self, flush_after_s: float = 0.1, max_length: int = 8192) -> None:
        self.flush_after_s = flush_after_s
        self.max_length = max_length
        self._buffer = bytearray()
        self._last_byte_at = 0.0

    def feed(self, chunk: bytes, now: float) -> list[bytes]:
        scans = []
        for byte in chunk:
            if byte in _TERMINATORS:
                # CRLF gives an empty piece between CR and LF: skipped, not a scan.
                if self._buffer:
                    scans.append(bytes(self._buffer))
                    self._buffer.clear()
            else:
                self._buffer.append(byte)
        if len(self._buffer) > self.max_length:
            # A line with no end is noise (wrong baud rate, a device that is not a scanner);
            # dropping it keeps memory bounded and avoids emitting a half scan.
            logger.warning("dropped %d bytes without a terminator", len(self._buffer))
            self._buffer.clear()
        if chunk:
            self._last_byte_at = now
        return scans

    def flush_due(self, now: float) -> bytes | None:
        """The pending bytes if the line has been quiet for flush_after_s, else None."""
        if self._buffer and now - self._last_byte_at >= self.flush_after_s:
            scan = bytes(self._buffer)
            self._buffer.clear()
            return scan
        return None

    def reset(self) -> None:
        self._buffer.clear()

    @property
    def pending(self) -> bool:
        return bool(self._buffer)


class SerialScanner:
    """A scanner on a serial or USB-CDC port, delivering ScanEvents to a callback.

    `port` is a device name (COM3, /dev/ttyACM0, or a stable link such as
    /dev/serial/by-id/...); with no port, the first port matching one of `usb_ids` ("VID:PID"
    or "VID") is used. While nothing is found or the port fails, the scanner keeps looking every
    `reconnect_s`. `on_scan` and `on_status` run on the worker thread.
    """

    def __init__(
        self,
        on_scan: Callable[[ScanEvent], None],
        *,
        port: str = "",
        usb_ids: Sequence[str] = (),
        baudrate: int = 9600,
        on_status: StatusCallback | None = None,
        flush_after_s: float = 0.1,
        reconnect_s: float = 0.5,
    ) -> None:
        if not port and not usb_ids:
            raise ValueError("a serial scanner needs a port name or at least one USB VID:PID")
        self.on_scan = on_scan
        self.on_status = on_status
        self.port = port
        self.usb_ids = tuple(usb_ids)
        self.baudrate = baudrate
        self.reconnect_s = reconnect_s
        self._framer = ScanFramer(flush_after_s)
        # Short read timeouts keep stop() and the no-terminator flush responsive; a byte that
        # arrives ends the wait at once, so they cost no latency.
        self._poll_s = max(0.005, min(0.05, flush_after_s / 2))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._serial = None
        self._status: ScannerStatus | None = None
        self._device = ""

    @property
    def status(self) -> ScannerStatus:
        return self._status or ScannerStatus.DISCONNECTED

    @property
    def device(self) -> str:
        """The port in use, or the last one used."""
        return self._device

    @property
    def wanted(self) -> str:
        """How the scanner is looked for, for messages."""
        parts = [self.port] if self.port else []
        parts += [f"USB {u}" for u in self.usb_ids]
        return " or ".join(parts)

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="serial-scanner", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
        self._set_status(ScannerStatus.STOPPED, self._device, "")

    def __enter__(self) -> SerialScanner:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _set_status(self, status: ScannerStatus, device: str, detail: str) -> None:
        if status is self._status:
            return
        self._status = status
        if status is ScannerStatus.CONNECTED:
            logger.info("scanner connected on %s", device)
        elif status is ScannerStatus.DISCONNECTED:
            logger.warning("scanner (%s) not connected: %s", self.wanted, detail)
        if self.on_status is not None:
            try:
                self.on_status(status, device)
            except Exception as exc:  # a UI bug must not kill the reader
                logger.error("scanner status handler raised %s", type(exc).__name__)

    def _run(self) -> None:
        import serial

        while not self._stop.is_set():
            device = find_port(self.port, self.usb_ids)
            if device is None:
                self._set_status(ScannerStatus.DISCONNECTED, "", "not plugged in")
                self._stop.wait(self.reconnect_s)
                continue
            try:
                # Exclusive: two readers on one port (the kiosk and `kiosk scan listen`)
                # would each get part of every scan.
                port = serial.Serial(device, self.baudrate, timeout=self._poll_s,
                                     exclusive=True)
            except (serial.SerialException, OSError, ValueError) as exc:
                self._set_status(ScannerStatus.DISCONNECTED, device, f"cannot open: {exc}")
                self._stop.wait(self.reconnect_s)
                continue
            self._device = device
            self._set_status(ScannerStatus.CONNECTED, device, "")
            try:
                self._read(port)
            except (serial.SerialException, OSError) as exc:
                # Unplugging shows up here: EIO, "device reports readiness to read but
                # returned no data", or ClearCommError on Windows.
                self._set_status(ScannerStatus.DISCONNECTED, device, f"lost: {exc}")
            finally:
                # An unterminated partial scan from before the unplug is not a scan.
                self._framer.reset()
                with contextlib.suppress(serial.SerialException, OSError):
                    port.close()
            if not self._stop.is_set():
                self._stop.wait(self.reconnect_s)

    def _read(self, port) -> None:
        framer = self._framer
        while not self._stop.is_set():
            chunk = port.read(max(1, port.in_waiting))
            now = time.monotonic()
            if chunk:
                for scan in framer.feed(chunk, now):
                    self._emit(scan)
                # Keep the timer running while bytes come, so a no-terminator scan is flushed
                # only after the scanner has gone quiet.
            else:
                scan = framer.flush_due(now)
                if scan is not None:
                    self._emit(scan)

    def _emit(self, data: bytes) -> None:
        text = decode_scan_bytes(data)
        if not text:
            return
        event = ScanEvent.now(data, text, f"serial:{self._device}")
        try:
            self.on_scan(event)
        except Exception as exc:
            # Only the type: the message of an exception raised while handling a scan may
            # quote the scan, and ID card data must stay out of the log.
            logger.error("scan handler raised %s", type(exc).__name__)
