"""Find serial and USB-CDC ports, and the barcode scanners among them, by USB VID:PID."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: USB vendor IDs of barcode-scanner makers whose scanners offer a USB-CDC (virtual COM) mode.
#: Only used to mark likely scanners in listings; finding a port uses the configured IDs.
#: Cheap scanners often sit behind generic USB-serial chips (CH340, CP210x) and cannot be told
#: from other serial devices: configure those by port name or by VID:PID.
SCANNER_VENDORS = {
    0x05E0: "Zebra (Symbol)",
    0x05F9: "Datalogic",
    0x0C2E: "Honeywell",
    0x1EAB: "Newland",
}


class UsbIdError(ValueError):
    """A VID:PID in the configuration cannot be understood."""


@dataclass(frozen=True)
class PortInfo:
    device: str
    description: str
    vid: int | None = None
    pid: int | None = None
    serial_number: str | None = None
    manufacturer: str | None = None

    @property
    def usb_id(self) -> str | None:
        if self.vid is None or self.pid is None:
            return None
        return f"{self.vid:04X}:{self.pid:04X}"

    @property
    def likely_scanner(self) -> bool:
        return self.vid in SCANNER_VENDORS


def parse_usb_id(text: str) -> tuple[int, int | None]:
    """'0C2E:0B61' -> (0x0C2E, 0x0B61); '0C2E' or '0C2E:*' -> (0x0C2E, None) (any product)."""
    vid_text, _, pid_text = text.strip().partition(":")
    try:
        vid = int(vid_text, 16)
        pid = None if pid_text in ("", "*") else int(pid_text, 16)
    except ValueError:
        raise UsbIdError(f"{text!r} is not a USB id; write it as VID:PID in hexadecimal, "
                         "for example 0C2E:0B61") from None
    if not 0 <= vid <= 0xFFFF or (pid is not None and not 0 <= pid <= 0xFFFF):
        raise UsbIdError(f"{text!r} is out of range: VID and PID are four hex digits each")
    return vid, pid


def list_serial_ports() -> list[PortInfo]:
    """Every serial port the OS reports, USB ones with their VID:PID."""
    from serial.tools import list_ports

    ports = []
    for p in list_ports.comports():
        ports.append(PortInfo(device=p.device, description=p.description or "",
                              vid=p.vid, pid=p.pid, serial_number=p.serial_number,
                              manufacturer=p.manufacturer))
    return sorted(ports, key=lambda p: (not p.likely_scanner, p.vid is None, p.device))


def list_scanners() -> list[PortInfo]:
    """Ports that look like barcode scanners in USB-CDC mode (by vendor)."""
    return [p for p in list_serial_ports() if p.likely_scanner]


def _matches(port: PortInfo, wanted: Iterable[tuple[int, int | None]]) -> bool:
    return any(port.vid == vid and (pid is None or port.pid == pid) for vid, pid in wanted)


def find_port(
    port: str = "", usb_ids: Sequence[str] = (), ports: Sequence[PortInfo] | None = None
) -> str | None:
    """The port to open: the configured name if it is there, else the first port whose VID:PID
    matches `usb_ids`; None if nothing suitable is plugged in.

    A configured name is returned as given, not resolved, so a symlink such as
    /dev/serial/by-id/... (or a test's re-pointed link) is followed anew on every reconnect.
    """
    if port:
        if os.name == "nt":
            # COM names are not files: ask the OS which ports exist right now.
            found = ports if ports is not None else list_serial_ports()
            if any(p.device.upper() == port.upper() for p in found):
                return port
        elif os.path.exists(port):
            return port
    if not usb_ids:
        return None
    wanted = [parse_usb_id(u) for u in usb_ids]
    for info in ports if ports is not None else list_serial_ports():
        if _matches(info, wanted):
            return info.device
    return None
