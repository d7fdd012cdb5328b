"""The printer search's words in Vietnamese, for the wizard's printer list.

drivers/printers/detect.py describes what it found and what it could not search in the
technician's English (`kiosk printer list` prints them as they are); the wizard's screen speaks
Vietnamese only, so each known wording is rendered here (through the translation
system: N_ marks the table's words, tr_marked shows them). Names, ports, hardware ids and error
details inside the text are kept as they are; a wording not known here is shown unchanged.
"""

from __future__ import annotations

import re

from kiosk.ui.i18n import N_, tr_marked, translate

_SERIAL_SUFFIX = re.compile(r" - serial port; set baudrate to the printer's"
                            r"(?: \(see its self-test page\))?$")
_NOT_PRINTER_CLASS = " (vendor known for receipt printers, not a USB printer-class device)"

# (pattern on the whole text, Vietnamese with the pattern's groups)
_NOTES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), vi) for pattern, vi in (
        (r"USB: pyusb is not installed, USB printers were not searched\.",
         N_("USB: máy chưa cài pyusb nên chưa tìm máy in USB.")),
        (r"USB: no libusb library found, USB printers were not searched\. On Windows.*",
         N_("USB: máy chưa có thư viện libusb nên chưa tìm máy in USB. Trên Windows: dùng máy "
            "in qua trình điều khiển của Windows (win32://TÊN, có trong danh sách nếu đã cài), "
            "hoặc cài libusb rồi gán máy in cho WinUSB bằng Zadig.")),
        (r"USB: no libusb library found, USB printers were not searched\.",
         N_("USB: máy chưa có thư viện libusb nên chưa tìm máy in USB.")),
        (r"USB: search failed \((.*)\)\.", N_(r"USB: tìm máy in bị lỗi (\1).")),
        (r"Serial: pyserial is not installed, serial ports were not searched\.",
         N_("Cổng COM: máy chưa cài pyserial nên chưa tìm các cổng nối tiếp.")),
        (r"Serial: listing ports failed \((.*)\)\.",
         N_(r"Cổng COM: không liệt kê được các cổng (\1).")),
        (r"Windows printers: pywin32 is not installed, queues were not listed\.",
         N_("Máy in của Windows: máy chưa cài pywin32 nên chưa liệt kê được.")),
        (r"Windows printers: listing failed \((.*)\)\.",
         N_(r"Máy in của Windows: không liệt kê được (\1).")),
        (r"CUPS: listing queues failed \((.*)\)\.",
         N_(r"CUPS: không liệt kê được các hàng đợi in (\1).")),
        (r"(_scan_\w+): unexpected error \((.*)\)\.", N_(r"\1: lỗi không lường trước (\2).")),
    ))


def note_vi(note: str) -> str:
    """A printer search note in Vietnamese (unchanged when its wording is not known)."""
    for pattern, vi in _NOTES:
        match = pattern.fullmatch(note)
        if match:
            return match.expand(tr_marked(vi))
    return note


def description_vi(description: str) -> str:
    """A found printer's description in Vietnamese: the device's own name is kept."""
    text = description
    text = _SERIAL_SUFFIX.sub(translate("printers_vi", " – cổng nối tiếp; đặt tốc độ baud như "
                                                       "trang tự kiểm tra của máy in"), text)
    text = text.replace(_NOT_PRINTER_CLASS, translate(
        "printers_vi", " (hãng máy in hóa đơn, nhưng thiết bị không khai báo là máy in USB)"))
    text = re.sub(r"^USB printer(?= \[)", translate("printers_vi", "Máy in USB"), text)
    return re.sub(r"^(.+) device(?= \[| \()", translate("printers_vi", "Thiết bị \\1"), text)
