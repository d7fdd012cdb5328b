"""Device tests shared by the set-up wizard and the admin view (plain Python, blocking: call
them from a worker thread): a test print, a printer status in words, what a test scan read.

Scan descriptions say what kind of code was read and whether it is sound, never the ID card's
content: the technician's test card may be a citizen's.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.config import Config
from kiosk.paths import Paths

STATUS_VI = {
    "READY": "Sẵn sàng, còn giấy",
    "PAPER_LOW": "Sắp hết giấy",
    "PAPER_OUT": "Hết giấy",
    "OFFLINE": "Không kết nối được (tắt nguồn, mở nắp, kẹt giấy hoặc sai địa chỉ)",
    "UNKNOWN": "Kết nối được; loại kết nối này không báo trạng thái giấy",
}


def open_test_printer(config: Config, paths: Paths, uri: str, width: int):
    from drivers.printers import open_printer

    return open_printer(uri, width_mm=width, timeout_s=min(config.printer.timeout_s, 10.0),
                        preview_dir=paths.previews, check_status=config.printer.check_status,
                        native_qr=config.printer.native_qr,
                        left_margin=config.printer.left_margin, profile=config.printer.profile)


def test_print(config: Config, paths: Paths, uri: str, width: int) -> str:
    """Print a test ticket on `uri`; returns a Vietnamese success line, raises PrintError
    (message_vi for the screen) or PrinterUriError."""
    from kiosk.printout.ticket import TicketSlip, render_ticket

    printer = open_test_printer(config, paths, uri, width)
    slip = TicketSlip(office_name=config.office.name, office_code=config.office.code,
                      service_name="IN THỬ – Kiểm tra máy in (Tiếng Việt: Ệ ữ ộ ằ ỹ)",
                      number="A000", priority_label=None, people_ahead=0,
                      issued_at=datetime.now(ZoneInfo(config.office.timezone)))
    printer.warm_up()  # as the kiosk does: with profile "auto", a Windows queue's driver is learnt
    printer.print_image(render_ticket(slip, printer.width_dots))
    where = getattr(printer, "last_path", None)
    return "Đã gửi phiếu in thử" + (f" (lưu ảnh tại {where})" if where else "") + \
        ". Kiểm tra chữ tiếng Việt có dấu in rõ, phiếu nằm giữa giấy, có mã QR và giấy được cắt."


def printer_status_vi(config: Config, paths: Paths, uri: str, width: int) -> tuple[bool, str]:
    """(ready enough to print, the status in Vietnamese)."""
    printer = open_test_printer(config, paths, uri, width)
    status = printer.status().name
    return status in ("READY", "PAPER_LOW", "UNKNOWN"), STATUS_VI.get(status, status)


def describe_scan(text: str) -> tuple[bool, str]:
    """(a sound read, what it was in Vietnamese) for a test scan."""
    from kiosk.scanning import parse_scan

    result = parse_scan(text)
    if result.kind == "cccd":
        if result.error is None:
            return True, ("Đọc được mã QR căn cước (CCCD) hợp lệ; chữ tiếng Việt có dấu đọc "
                          "đúng. Máy quét hoạt động tốt.")
        if result.error.code == "cccd.encoding":
            return False, ("Đọc được mã CCCD nhưng chữ tiếng Việt bị lỗi: máy quét đang gõ qua "
                           "bàn phím (và bộ gõ). Chuyển máy quét sang chế độ USB-CDC "
                           "(cổng COM ảo) theo sách hướng dẫn.")
        return False, f"Đọc được mã CCCD nhưng không hợp lệ: {result.error.message_vi}"
    if result.kind == "dossier":
        code = result.fields.get("code", "") if result.fields else ""
        if result.error is None:
            return True, f"Đọc được mã hồ sơ {code}."
        return False, f"Đọc được mã hồ sơ nhưng không hợp lệ: {result.error.message_vi}"
    if result.error is not None:
        return False, result.error.message_vi
    return True, f"Đọc được một mã ({len(text)} ký tự). Máy quét hoạt động."
