"""Find printers attached to this PC, each with the URI to paste into the configuration.

Used by the setup screen. Detection must work on a bare Windows PC where libusb is missing (the
most common "printer not found" report): each source is tried on its own, and what failed is
reported as a note instead of an exception.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from dataclasses import dataclass, field
from typing import Any, Literal

log = logging.getLogger(__name__)

#: Vendors whose devices are (almost) always receipt printers even when they do not declare the
#: USB printer class: Winbond/Nuvoton (many Chinese 58/80 mm printers), STMicro, Epson, Star,
#: Prolific-based, NXP-based, Xprinter/Rongta-type OEMs, Fujitsu, Citizen, Shenzhen SNBC.
KNOWN_THERMAL_VENDORS: dict[int, str] = {
    0x0416: "Winbond/Nuvoton",
    0x0483: "STMicroelectronics",
    0x04B8: "Epson",
    0x0519: "Star Micronics",
    0x0FE6: "ICS/Kontron (POS OEM)",
    0x1FC9: "NXP (POS OEM)",
    0x28E9: "GigaDevice (POS OEM)",
    0x1504: "Bixolon-type OEM",
    0x20D1: "Rongta",
    0x154F: "SNBC",
}

PRINTER_CLASS = 7

Kind = Literal["usb", "serial", "win32", "cups"]


@dataclass(frozen=True)
class DetectedPrinter:
    """A candidate printer: `uri` is ready for the configuration file."""

    uri: str
    description: str
    kind: Kind


@dataclass
class PrinterScan:
    printers: list[DetectedPrinter] = field(default_factory=list)
    #: Why a source could not be searched (e.g. libusb missing), for the setup screen.
    notes: list[str] = field(default_factory=list)


def _usb_string(device: Any, index: int) -> str | None:
    if not index:
        return None
    with contextlib.suppress(Exception):  # needs the device opened: permission may be missing
        import usb.util

        return usb.util.get_string(device, index)
    return None


def _printer_interfaces(device: Any) -> list[Any]:
    found: list[Any] = []
    with contextlib.suppress(Exception):
        for configuration in device:
            found.extend(i for i in configuration if i.bInterfaceClass == PRINTER_CLASS)
    return found


def _usb_uri(device: Any, interfaces: list[Any]) -> str:
    import usb.util

    uri = f"usb://{device.idVendor:04x}:{device.idProduct:04x}"
    # Endpoints are found automatically; spell them out only for composite devices where the
    # printer is not the first interface, so the URI stays short for the usual case.
    if interfaces and interfaces[0].bInterfaceNumber != 0:
        interface = interfaces[0]
        endpoints = {usb.util.endpoint_direction(e.bEndpointAddress): e.bEndpointAddress
                     for e in interface}
        query = [f"interface={interface.bInterfaceNumber}"]
        if usb.util.ENDPOINT_IN in endpoints:
            query.append(f"in_ep=0x{endpoints[usb.util.ENDPOINT_IN]:02x}")
        if usb.util.ENDPOINT_OUT in endpoints:
            query.append(f"out_ep=0x{endpoints[usb.util.ENDPOINT_OUT]:02x}")
        uri += "?" + "&".join(query)
    return uri


def _scan_usb(scan: PrinterScan) -> None:
    try:
        import usb.core
    except ImportError:
        scan.notes.append("USB: pyusb is not installed, USB printers were not searched.")
        return
    try:
        devices = list(usb.core.find(find_all=True))
    except usb.core.NoBackendError:
        scan.notes.append(
            "USB: no libusb library found, USB printers were not searched. On Windows either "
            "use the printer through its Windows driver (win32://NAME, listed below if "
            "installed) or install libusb and bind the printer to WinUSB with Zadig.")
        return
    except Exception as exc:  # noqa: BLE001 - detection reports, never raises
        scan.notes.append(f"USB: search failed ({exc}).")
        return
    for device in devices:
        interfaces = _printer_interfaces(device)
        vendor = KNOWN_THERMAL_VENDORS.get(device.idVendor)
        if not interfaces and vendor is None:
            continue
        name = " ".join(filter(None, (_usb_string(device, device.iManufacturer),
                                      _usb_string(device, device.iProduct))))
        label = name or (f"{vendor} device" if vendor else "USB printer")
        ids = f"{device.idVendor:04x}:{device.idProduct:04x}"
        if not interfaces:
            label += " (vendor known for receipt printers, not a USB printer-class device)"
        scan.printers.append(DetectedPrinter(_usb_uri(device, interfaces), f"{label} [{ids}]",
                                             "usb"))


def _scan_serial(scan: PrinterScan) -> None:
    try:
        from serial.tools import list_ports
    except ImportError:
        scan.notes.append("Serial: pyserial is not installed, serial ports were not searched.")
        return
    try:
        ports = sorted(list_ports.comports(), key=lambda p: p.device)
    except Exception as exc:  # noqa: BLE001
        scan.notes.append(f"Serial: listing ports failed ({exc}).")
        return
    for port in ports:
        path = port.device
        uri = f"serial://{path}?baudrate=9600"  # "/dev/x" gives the serial:///dev/x form
        description = port.description if port.description not in (None, "n/a") else port.name
        if port.vid is not None:
            description += f" [{port.vid:04x}:{port.pid or 0:04x}]"
        description += " - serial port; set baudrate to the printer's (see its self-test page)"
        scan.printers.append(DetectedPrinter(uri, description, "serial"))


def _scan_win32(scan: PrinterScan) -> None:
    if sys.platform != "win32":
        return
    try:
        import win32print
    except ImportError:
        scan.notes.append("Windows printers: pywin32 is not installed, queues were not listed.")
        return
    try:
        flags = win32print.PRINTER_ENUM_LOCAL | win32print.PRINTER_ENUM_CONNECTIONS
        for _flags, description, name, _comment in win32print.EnumPrinters(flags, None, 1):
            scan.printers.append(DetectedPrinter(f"win32://{name}", description or name,
                                                 "win32"))
    except Exception as exc:  # noqa: BLE001
        scan.notes.append(f"Windows printers: listing failed ({exc}).")


def _scan_cups(scan: PrinterScan) -> None:
    try:
        import cups
    except ImportError:
        return  # CUPS is optional; most kiosks use usb:// or serial:// on Linux
    try:
        for name, attributes in cups.Connection().getPrinters().items():
            info = attributes.get("printer-info") or name
            scan.printers.append(DetectedPrinter(f"cups://{name}", info, "cups"))
    except Exception as exc:  # noqa: BLE001
        scan.notes.append(f"CUPS: listing queues failed ({exc}).")


def scan_printers() -> PrinterScan:
    """Every printer found, plus notes on what could not be searched. Never raises."""
    scan = PrinterScan()
    for source in (_scan_usb, _scan_serial, _scan_win32, _scan_cups):
        try:
            source(scan)
        except Exception as exc:  # noqa: BLE001 - one broken source must not hide the others
            scan.notes.append(f"{source.__name__}: unexpected error ({exc}).")
    return scan


def list_printers() -> list[DetectedPrinter]:
    """Printers found on USB, serial ports and the system spoolers; never raises.

    What could not be searched is logged; use scan_printers() to show those notes to the user.
    """
    scan = scan_printers()
    for note in scan.notes:
        log.warning("Printer detection: %s", note)
    return scan.printers
