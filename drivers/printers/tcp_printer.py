"""Network printers on a raw TCP port (JetDirect style, usually 9100) via python-escpos Network."""

from __future__ import annotations

import contextlib
import socket
import struct
import sys
import time
from typing import Any

from drivers.printers.base import Connection, Deadline, StreamPrinter
from drivers.printers.errors import (
    PrintError,
    interrupted_error,
    offline_error,
    root_cause,
    stalled_error,
)
from drivers.printers.escpos_job import escpos_module, escpos_profile
from drivers.printers.uri import TcpAddress

#: Bytes per send call; with the small send buffer below, each call's timeout measures progress.
CHUNK_BYTES = 4096

#: Our socket send buffer. The kernel default can hold megabytes, which would swallow a whole
#: ticket for a printer that has stopped reading and report success.
SEND_BUFFER_BYTES = 16384

#: Polling for the printer's acknowledgements starts fast (a LAN printer acknowledges within a
#: millisecond) and backs off to _POLL_S while a slow one is still taking data.
_FIRST_POLL_S = 0.0005
_POLL_S = 0.02
_SIOCOUTQ = 0x5411  # Linux: bytes the peer has not acknowledged yet (same value as TIOCOUTQ)
_SO_NWRITE = 0x1024  # macOS equivalent

_FIX = ("Check that the printer is switched on and on the network, that its IP address is the "
        "one in the URI (see the printer's self-test page), and that no firewall blocks the port.")


def _unacknowledged_bytes(sock: socket.socket) -> int | None:
    """Bytes sent but not yet acknowledged by the printer, where the OS can tell."""
    try:
        if sys.platform.startswith("linux"):
            import fcntl

            raw = fcntl.ioctl(sock.fileno(), _SIOCOUTQ, b"\0\0\0\0")
            return int(struct.unpack("i", raw)[0])
        if sys.platform == "darwin":
            return int(sock.getsockopt(socket.SOL_SOCKET, _SO_NWRITE))
    except OSError:
        return None
    return None


class _TcpConnection(Connection):
    def __init__(self, printer: Any) -> None:
        self._printer = printer  # escpos.printer.Network, opened
        self._sock: socket.socket = printer.device
        self._closed = False

    def write(self, data: bytes, deadline: Deadline, stall_timeout_s: float) -> None:
        view = memoryview(data)
        for start in range(0, len(data), CHUNK_BYTES):
            timeout = deadline.cap(stall_timeout_s)
            if timeout <= 0:
                raise TimeoutError("job deadline passed")
            self._sock.settimeout(timeout)
            self._printer._raw(bytes(view[start:start + CHUNK_BYTES]))  # sendall

    def read_byte(self, timeout_s: float) -> int | None:
        self._sock.settimeout(max(timeout_s, 0.001))
        try:
            data = self._sock.recv(1)
        except TimeoutError:
            return None
        if not data:
            raise ConnectionResetError("the printer closed the connection")
        return data[0]

    def drain(self, deadline: Deadline, stall_timeout_s: float) -> None:
        # sendall() returns once bytes are in our kernel buffer; only the peer's ACKs show that
        # the printer actually took them. Without this, a printer that stopped reading near the
        # end of a ticket would go unnoticed.
        pending = _unacknowledged_bytes(self._sock)
        last_progress = time.monotonic()
        poll = _FIRST_POLL_S
        while pending:
            if deadline.expired or time.monotonic() - last_progress > stall_timeout_s:
                raise TimeoutError(f"{pending} bytes not acknowledged by the printer")
            time.sleep(poll)
            poll = min(_POLL_S, poll * 2)
            now_pending = _unacknowledged_bytes(self._sock)
            if now_pending is None:
                break
            if now_pending < pending:
                last_progress = time.monotonic()
            pending = now_pending
        error = self._sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if error:
            raise OSError(error, "socket error after sending")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._printer.close()

    def abort(self) -> None:
        if self._closed:
            return
        # RST instead of FIN: a printer that comes back must not print the rest of a ticket the
        # kiosk has already reported as failed. shutdown() also wakes a thread blocked in send.
        with contextlib.suppress(OSError):
            self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self.close()


class TcpPrinter(StreamPrinter):
    """A printer on tcp://HOST:PORT; reads DLE EOT status when the printer answers."""

    can_read_status = True

    def __init__(
        self,
        uri: str,
        address: TcpAddress,
        width_dots: int,
        *,
        timeout_s: float,
        check_status: bool = True,
    ) -> None:
        super().__init__(uri, width_dots, timeout_s=timeout_s, check_status=check_status)
        self.host = address.host
        self.port = address.port

    def _connect(self, deadline: Deadline) -> Connection:
        escpos_printer = escpos_module()
        printer = escpos_printer.Network(
            host=self.host, port=self.port, timeout=max(0.05, deadline.cap(self.timeout_s)),
            profile=escpos_profile(self.width_dots),
        )
        try:
            printer.open()
        except Exception as exc:  # DeviceNotFoundError wraps the OSError
            raise offline_error(self.uri, root_cause(exc), _FIX) from exc
        sock: socket.socket = printer.device
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER_BYTES)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return _TcpConnection(printer)

    def _translate(self, exc: BaseException, stage: str) -> PrintError:
        if isinstance(exc, TimeoutError):
            return stalled_error(self.uri, self.timeout_s)
        if stage == "status":
            return offline_error(self.uri, f"the connection failed during the status query "
                                           f"({exc})", _FIX)
        return interrupted_error(self.uri, str(exc) or type(exc).__name__)
