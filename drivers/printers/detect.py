"""Find printers attached to this PC, each with the URI to paste into the configuration.

Used by the setup screen. Detection must work on a bare Windows PC where libusb is missing (the
most common "printer not found" report): each source is tried on its own, and what failed is
reported as a note instead of an exception.

libusb lists every USB device, including printers still on their vendor's Windows driver,
which it cannot open (LIBUSB_ERROR_NOT_SUPPORTED). Each USB printer is therefore tried (its
interface claimed and released at once) before it is offered: one that needs WinUSB is not
offered as usb://; when a Windows queue prints to it (its port USB001... belongs to the same
VID:PID in the registry) that queue, win32://NAME, is offered instead, with a note saying so.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import re
import sys
from dataclasses import dataclass, field, replace
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

#: What trying a USB printer said (DetectedPrinter.verdict). "" for sources that are not tried.
READY = "ready"  # libusb claimed it: usb:// works
NEEDS_WINUSB = "needs_winusb"  # on the vendor's driver, no Windows queue: Zadig, or the driver
USE_SPOOLER = "use_spooler"  # on the vendor's driver with a Windows queue: win32://NAME
NO_ACCESS = "no_access"  # the OS refused (Linux: no udev rule for the kiosk's user)
BUSY = "busy"  # another program holds it right now (it may be this kiosk printing)

#: The verdicts in the technician's words (`kiosk printer list`).
VERDICT_EN = {
    READY: "usb:// works (libusb opened it)",
    NEEDS_WINUSB: "on the vendor's driver: bind it to WinUSB with Zadig for usb://, or install "
                  "the vendor's driver and print through its Windows queue (win32://NAME)",
    USE_SPOOLER: "print through the Windows queue (the printer is on the vendor's driver; "
                 "usb:// would need WinUSB)",
    NO_ACCESS: "access denied: on Windows another program holds it (a running kiosk, the "
               "vendor's status monitor); on Linux give the kiosk's user access with a udev rule",
    BUSY: "in use by another program (or this kiosk) right now; usb:// should work once free",
}

_LIBUSB_ERROR_ACCESS = -3
_LIBUSB_ERROR_BUSY = -6
_LIBUSB_ERROR_NOT_SUPPORTED = -12

#: The device interface class of usbprint.sys (GUID_DEVINTERFACE_USBPRINT): one registry key per
#: USB printer that ever had the Windows printer driver, holding its port (USB001, USB002...).
USBPRINT_CLASS_KEY = (r"SYSTEM\CurrentControlSet\Control\DeviceClasses"
                      r"\{28d78fad-5a12-11d1-ae5b-0000f803a8c2}")
_VID_PID = re.compile(r"VID_([0-9A-F]{4})&PID_([0-9A-F]{4})", re.IGNORECASE)


@dataclass(frozen=True)
class DetectedPrinter:
    """A candidate printer: `uri` is ready for the configuration file.

    `verdict` is what trying it said (READY, NEEDS_WINUSB, USE_SPOOLER, NO_ACCESS, BUSY; "" when
    not tried) and `note` says it in plain Vietnamese for the setup screen.
    """

    uri: str
    description: str
    kind: Kind
    verdict: str = ""
    note: str = ""


@dataclass
class PrinterScan:
    #: What can be chosen: each URI prints as it is.
    printers: list[DetectedPrinter] = field(default_factory=list)
    #: Why a source could not be searched (e.g. libusb missing), or a printer found but not
    #: offered (on the vendor's driver), for the setup screen.
    notes: list[str] = field(default_factory=list)
    #: USB printers found but not usable as usb:// (verdict NEEDS_WINUSB or USE_SPOOLER).
    unusable: list[DetectedPrinter] = field(default_factory=list)


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


@dataclass(frozen=True)
class _Queue:
    """A Windows printer queue, with the VID:PID of the USB printer behind its port if known."""

    name: str
    description: str
    port: str
    usb_ids: tuple[int, int] | None = None


def _verdict_of(exc: BaseException) -> str:
    """What a failed claim says; "" when it says nothing definite."""
    code = getattr(exc, "backend_error_code", None)
    number = getattr(exc, "errno", None)
    if code == _LIBUSB_ERROR_NOT_SUPPORTED or (code is None and number == errno.ENOSYS):
        return NEEDS_WINUSB
    if code == _LIBUSB_ERROR_ACCESS or (code is None and number == errno.EACCES):
        return NO_ACCESS
    if code == _LIBUSB_ERROR_BUSY or (code is None and number == errno.EBUSY):
        return BUSY
    return ""


def _try_usb(device: Any, interfaces: list[Any]) -> str:
    """Claim the printer's interface and release it at once: what libusb can do with it."""
    import usb.core
    import usb.util

    number = interfaces[0].bInterfaceNumber if interfaces else 0
    try:
        if sys.platform != "win32":
            with contextlib.suppress(NotImplementedError):
                if device.is_kernel_driver_active(number):
                    return READY  # usblp holds it; a usb:// job detaches it first
        usb.util.claim_interface(device, number)
        return READY
    except usb.core.USBError as exc:
        return _verdict_of(exc)
    except NotImplementedError:  # the Windows backend of an old libusb: no driver support
        return NEEDS_WINUSB if sys.platform == "win32" else ""
    finally:
        with contextlib.suppress(Exception):
            usb.util.release_interface(device, number)
        with contextlib.suppress(Exception):
            usb.util.dispose_resources(device)


def _scan_usb(scan: PrinterScan, queues: list[_Queue] | None = None) -> None:
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
        verdict = _try_usb(device, interfaces)
        name = " ".join(filter(None, (_usb_string(device, device.iManufacturer),
                                      _usb_string(device, device.iProduct))))
        label = name or (f"{vendor} device" if vendor else "USB printer")
        ids = f"{device.idVendor:04x}:{device.idProduct:04x}"
        if not interfaces:
            label += " (vendor known for receipt printers, not a USB printer-class device)"
        found = DetectedPrinter(_usb_uri(device, interfaces), f"{label} [{ids}]", "usb",
                                verdict, _usb_note(verdict, ids))
        if verdict == NEEDS_WINUSB:
            queue = next((q for q in queues or () if q.usb_ids == (device.idVendor,
                                                                    device.idProduct)), None)
            if queue is not None:
                found = replace(found, verdict=USE_SPOOLER, note=_spooler_note(ids, queue))
            scan.unusable.append(found)
            scan.notes.append(found.note)
            continue
        if found.note:
            scan.notes.append(found.note)
        scan.printers.append(found)


def _usb_note(verdict: str, ids: str) -> str:
    if verdict == NEEDS_WINUSB:
        return (f"Máy in USB {ids} đang dùng driver của hãng nên không in được qua usb://. "
                f"Cách 1: chạy Zadig, chọn đúng thiết bị {ids}, cài WinUSB, rồi bấm Tìm lại. "
                "Cách 2: cài driver của hãng rồi chọn máy in đó dạng win32://TÊN.")
    if verdict == NO_ACCESS and sys.platform == "win32":
        return (f"Máy in USB {ids}: không mở được, có chương trình khác đang giữ máy in (kiosk "
                "đang chạy, phần mềm theo dõi của hãng). Tắt chương trình đó rồi bấm Tìm lại.")
    if verdict == NO_ACCESS:
        return (f"Máy in USB {ids}: hệ điều hành không cho mở thiết bị (thiếu quyền; trên Linux "
                "cần luật udev cho tài khoản chạy kiosk).")
    if verdict == BUSY:
        return f"Máy in USB {ids} đang được chương trình khác dùng; thử lại khi máy rảnh."
    return ""


def _spooler_note(ids: str, queue: _Queue) -> str:
    return (f"Máy in USB {ids} đang dùng driver của hãng: chọn win32://{queue.name} (in qua "
            "Windows, không đọc được trạng thái giấy). Muốn dùng usb:// thì cài WinUSB bằng "
            "Zadig.")


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


def _usb_print_ports() -> dict[str, tuple[int, int]]:
    """Windows: USB printer ports (USB001...) and the VID:PID each belongs to, from the
    usbprint device interfaces in the registry; {} when they cannot be read."""
    import winreg

    ports: dict[str, tuple[int, int]] = {}
    with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, USBPRINT_CLASS_KEY) as root:
        index = 0
        while True:
            try:
                instance = winreg.EnumKey(root, index)
            except OSError:
                break
            index += 1
            ids = _VID_PID.search(instance)
            if ids is None:
                continue
            try:
                with winreg.OpenKey(root, instance + "\\#\\Device Parameters") as params:
                    number = int(winreg.QueryValueEx(params, "Port Number")[0])
                    try:
                        base = str(winreg.QueryValueEx(params, "Base Name")[0])
                    except OSError:
                        base = "USB"
            except (OSError, ValueError, TypeError):
                continue
            ports[f"{base}{number:03d}".upper()] = (int(ids[1], 16), int(ids[2], 16))
    return ports


def _windows_queues(scan: PrinterScan) -> list[_Queue]:
    """The printer queues of this Windows PC; [] elsewhere."""
    if sys.platform != "win32":
        return []
    try:
        import win32print
    except ImportError:
        scan.notes.append("Windows printers: pywin32 is not installed, queues were not listed.")
        return []
    ports: dict[str, tuple[int, int]] = {}
    try:
        ports = _usb_print_ports()
    except Exception as exc:  # noqa: BLE001 - only the USB-to-queue match is lost
        log.info("USB printer ports not readable from the registry: %s", exc)
    flags = win32print.PRINTER_ENUM_LOCAL | win32print.PRINTER_ENUM_CONNECTIONS
    queues: list[_Queue] = []
    try:
        for info in win32print.EnumPrinters(flags, None, 2):
            name = info["pPrinterName"]
            port = info.get("pPortName") or ""
            driver = info.get("pDriverName") or ""
            ids = next((ports[p.strip().upper()] for p in port.split(",")
                        if p.strip().upper() in ports), None)
            description = f"{name} ({driver}, {port})" if driver and port else name
            queues.append(_Queue(name, description, port, ids))
    except Exception as exc:  # noqa: BLE001
        scan.notes.append(f"Windows printers: listing failed ({exc}).")
    return queues


def _uri_ids(uri: str) -> tuple[int, int] | None:
    found = re.match(r"usb://([0-9a-f]{4}):([0-9a-f]{4})", uri, re.IGNORECASE)
    return (int(found[1], 16), int(found[2], 16)) if found else None


def _offer_queues(scan: PrinterScan, queues: list[_Queue]) -> None:
    by_ids = {_uri_ids(p.uri): p for p in scan.unusable if p.verdict == USE_SPOOLER}
    for queue in queues:
        usb = by_ids.get(queue.usb_ids) if queue.usb_ids else None
        if usb is None:
            scan.printers.append(DetectedPrinter(f"win32://{queue.name}", queue.description,
                                                 "win32"))
            continue
        ids = f"{queue.usb_ids[0]:04x}:{queue.usb_ids[1]:04x}"
        scan.printers.append(DetectedPrinter(
            f"win32://{queue.name}", f"{queue.description} - máy in USB {ids}", "win32",
            USE_SPOOLER, usb.note))


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
    queues: list[_Queue] = []
    steps = (("Windows printers", lambda: queues.extend(_windows_queues(scan))),
             ("USB", lambda: _scan_usb(scan, queues)),
             ("Serial", lambda: _scan_serial(scan)),
             ("Windows printers", lambda: _offer_queues(scan, queues)),
             ("CUPS", lambda: _scan_cups(scan)))
    for name, step in steps:
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - one broken source must not hide the others
            scan.notes.append(f"{name}: unexpected error ({exc}).")
    return scan


def list_printers() -> list[DetectedPrinter]:
    """Printers found on USB, serial ports and the system spoolers; never raises.

    What could not be searched is logged; use scan_printers() to show those notes to the user.
    """
    scan = scan_printers()
    for note in scan.notes:
        log.warning("Printer detection: %s", note)
    return scan.printers
