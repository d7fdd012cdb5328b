"""Ticket printers: ESC/POS over USB, serial, TCP, the Windows/CUPS spooler, a file, or PNG preview.

Pick one with a URI from the configuration (open_printer), print a 1-bit image with
print_image(); every failure is a PrintError carrying a Vietnamese message for the kiosk screen
and an English one for the technician.
"""

from drivers.printers.base import Printer
from drivers.printers.detect import DetectedPrinter, PrinterScan, list_printers, scan_printers
from drivers.printers.errors import PrintError, PrinterUriError
from drivers.printers.factory import open_printer
from drivers.printers.status import PrinterStatus
from drivers.printers.uri import ACCEPTED_FORMS, parse_printer_uri

__all__ = [
    "ACCEPTED_FORMS",
    "DetectedPrinter",
    "PrintError",
    "Printer",
    "PrinterScan",
    "PrinterStatus",
    "PrinterUriError",
    "list_printers",
    "open_printer",
    "parse_printer_uri",
    "scan_printers",
]
