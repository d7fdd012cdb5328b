"""open_printer(): from a configuration URI to a ready Printer object.

Nothing is opened here: each job connects and disconnects, so a printer that is switched off
and on between tickets just works, and a bad cable shows up as an error on the job, not at
start-up.
"""

from __future__ import annotations

from pathlib import Path

from drivers.printers.base import Printer
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
) -> Printer:
    """Printer for `uri` (see drivers.printers.uri.ACCEPTED_FORMS).

    width_mm is 80 (576 dots) or 58 (384 dots). timeout_s bounds each job: a printer that stops
    taking data for that long fails the job, and the whole job never takes longer than timeout_s
    plus the time the data needs on the link. check_status makes usb/serial/tcp printers answer a
    status query before each job and refuse on paper-out or offline. preview_dir is where
    `preview://` (without a directory) writes its PNGs. native_qr and left_margin make ESC/POS
    jobs smaller on printers that support them (see drivers.printers.escpos_job.JobOptions).

    Raises PrinterUriError (a ValueError) for a URI that cannot be understood.
    """
    if width_mm not in DOTS_BY_WIDTH_MM:
        raise ValueError(f"width_mm must be one of {sorted(DOTS_BY_WIDTH_MM)}, not {width_mm}")
    if timeout_s <= 0:
        raise ValueError("timeout_s must be positive")
    printer = _open(uri, width_mm, timeout_s, preview_dir, check_status)
    if native_qr or left_margin:
        printer.job_options = JobOptions(native_qr=native_qr, left_margin=left_margin)
    return printer


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
