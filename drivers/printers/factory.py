"""open_printer(): from a configuration URI to a ready Printer object.

Nothing is opened here: each job connects and disconnects, so a printer that is switched off
and on between tickets just works, and a bad cable shows up as an error on the job, not at
start-up.
"""

from __future__ import annotations

from pathlib import Path

from drivers.printers.base import Printer
from drivers.printers.epson import EPSON_USB_VENDOR
from drivers.printers.errors import PrinterUriError
from drivers.printers.escpos_job import DOTS_BY_WIDTH_MM, JobOptions
from drivers.printers.uri import (
    ACCEPTED_FORMS,
    CupsAddress,
    FileAddress,
    PreviewAddress,
    SerialAddress,
    TcpAddress,
    UsbAddress,
    Win32Address,
    parse_printer_uri,
)


def open_printer(
    uri: str,
    *,
    width_mm: int = 80,
    timeout_s: float = 10.0,
    preview_dir: Path | None = None,
    check_status: bool = True,
    native_qr: bool = False,
    left_margin: bool = False,
    profile: str = "basic",
) -> Printer:
    """Printer for `uri` (see drivers.printers.uri.ACCEPTED_FORMS).

    width_mm is 80 (576 dots) or 58 (384 dots). timeout_s bounds each job: a printer that stops
    taking data for that long fails the job, and the whole job never takes longer than timeout_s
    plus the time the data needs on the link. check_status makes usb/serial/tcp printers answer a
    status query before each job and refuse on paper-out or offline. preview_dir is where
    `preview://` (without a directory) writes its PNGs. profile says which commands the printer
    takes beyond raster images at the left margin (see job_options); native_qr and left_margin
    add the printer's own QR command and GS L (see drivers.printers.escpos_job.JobOptions).

    Raises PrinterUriError (a ValueError) for a URI that cannot be understood.
    """
    if width_mm not in DOTS_BY_WIDTH_MM:
        raise ValueError(f"width_mm must be one of {sorted(DOTS_BY_WIDTH_MM)}, not {width_mm}")
    if timeout_s <= 0:
        raise ValueError("timeout_s must be positive")
    options = job_options(profile, parse_printer_uri(uri), native_qr=native_qr,
                          left_margin=left_margin)
    printer = _open(uri, width_mm, timeout_s, preview_dir, check_status)
    printer.job_options = options
    if profile == "auto" and hasattr(printer, "epson_job_options"):
        # A spooler queue says which driver it has, not who made the printer: the backend
        # takes the epson options once its queue's driver is known to be Epson's.
        printer.epson_job_options = job_options("epson", None, native_qr=native_qr,
                                                left_margin=left_margin)
    return printer


#: [printer] profile values, see job_options.
PROFILES = ("auto", "basic", "epson")

def job_options(profile: str, address: object, *, native_qr: bool = False,
                left_margin: bool = False) -> JobOptions:
    """How jobs are built for a printer of `profile` at `address`.

    'basic': raster images at the left margin only, which every ESC/POS printer prints alike.
    'epson': Epson's ESC/POS as documented: the ticket's QR with the printer's own command
    (GS ( k) and raster bands centred by the printer (ESC a 1), the same dots in fewer bytes.
    'auto': 'epson' for a USB printer with Epson's vendor ID (and, decided by the backend
    when it first prints, a Windows queue on Epson's driver: epson_driver()), else 'basic'.
    native_qr and left_margin add their commands whatever the profile.
    """
    if profile not in PROFILES:
        raise ValueError(f"printer profile must be one of {PROFILES}, not {profile!r}")
    epson = profile == "epson" or (profile == "auto" and isinstance(address, UsbAddress)
                                   and address.vendor_id == EPSON_USB_VENDOR)
    return JobOptions(native_qr=native_qr or epson, left_margin=left_margin, centre=epson)


def _open(uri: str, width_mm: int, timeout_s: float, preview_dir: Path | None,
          check_status: bool) -> Printer:
    width_dots = DOTS_BY_WIDTH_MM[width_mm]
    address = parse_printer_uri(uri)

    # Backends are imported on demand: they pull in python-escpos (and pyusb), which the
    # configuration checker and URI validation do not need.
    if isinstance(address, UsbAddress):
        from drivers.printers.usb_printer import UsbPrinter

        return UsbPrinter(uri, address, width_dots, timeout_s=timeout_s,
                          check_status=check_status)
    if isinstance(address, SerialAddress):
        from drivers.printers.serial_printer import SerialPrinter

        return SerialPrinter(uri, address, width_dots, timeout_s=timeout_s,
                             check_status=check_status)
    if isinstance(address, TcpAddress):
        from drivers.printers.tcp_printer import TcpPrinter

        return TcpPrinter(uri, address, width_dots, timeout_s=timeout_s,
                          check_status=check_status)
    if isinstance(address, Win32Address):
        from drivers.printers.spooler_printers import Win32Printer

        return Win32Printer(uri, address.printer_name, width_dots, timeout_s=timeout_s)
    if isinstance(address, CupsAddress):
        from drivers.printers.spooler_printers import CupsPrinter

        return CupsPrinter(uri, address.printer_name, width_dots, timeout_s=timeout_s)
    if isinstance(address, FileAddress):
        from drivers.printers.file_printer import FilePrinter

        return FilePrinter(uri, address, width_dots, timeout_s=timeout_s)
    if isinstance(address, PreviewAddress):
        from drivers.printers.preview_printer import PreviewPrinter

        directory = address.directory or preview_dir
        if directory is None:
            raise PrinterUriError(
                f"Invalid printer URI {uri!r}: preview:// has no directory and no preview_dir "
                f"was given; write preview://DIR. Accepted forms: {ACCEPTED_FORMS}.")
        return PreviewPrinter(uri, Path(directory), width_dots)
    raise AssertionError(f"unhandled address {address!r}")
