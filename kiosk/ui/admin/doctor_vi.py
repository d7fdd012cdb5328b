"""The doctor's words in Vietnamese, for the technician screens (the admin view's Kiểm tra tab,
the set-up wizard's connection tests): kiosk/diagnostics/checks.py names its checks and
statuses in English for `kiosk doctor` and the support bundle; the screens show these names
and words (marked with N_ for the translation files, shown through tr_marked), with the
doctor's own detail kept as a smaller "Chi tiết kỹ thuật" line."""

from __future__ import annotations

from kiosk.ui.i18n import N_, tr_marked

#: The doctor's check names (kiosk/diagnostics/checks.py, English for `kiosk doctor`) as the
#: admin view shows them; a check whose name is not here shows its own.
CHECK_NAMES_VI: dict[str, str] = {
    "configuration": N_("Tệp cấu hình"),
    "config": N_("Tệp cấu hình"),
    "configuration permissions": N_("Quyền đọc tệp cấu hình"),
    "admin PIN": N_("Mã PIN quản trị"),
    "admin pin": N_("Mã PIN quản trị"),
    "database": N_("Cơ sở dữ liệu"),
    "free disk": N_("Dung lượng đĩa trống"),
    "disk": N_("Dung lượng đĩa trống"),
    "log folder": N_("Thư mục nhật ký"),
    "logs": N_("Thư mục nhật ký"),
    "printer": N_("Máy in"),
    "printers": N_("Máy in"),
    "receipt printer": N_("Máy in biên nhận"),
    "scanner": N_("Máy quét"),
    "camera": N_("Camera"),
    "hub": N_("Hub của điểm"),
    "hub TLS": N_("Bảo mật kết nối hub"),
    "hub office key": N_("Mã khóa của điểm"),
    "hub station key": N_("Mã khóa riêng của máy"),
    "city": N_("Máy chủ thành phố"),
    "city server": N_("Máy chủ thành phố"),
    "city token": N_("Mã của máy (token)"),
    "clock": N_("Đồng hồ của máy"),
    "sync backlog": N_("Hàng chờ đồng bộ"),
    "backup": N_("Sao lưu"),
    "backup to hub": N_("Sao lưu lên hub"),
    "archive": N_("Lưu trữ các năm cũ"),
    "windows station": N_("Cài đặt Windows"),
    "firewall": N_("Tường lửa Windows"),
    "data folder permissions": N_("Quyền thư mục dữ liệu"),
}

#: Each status as a word on its chip, and as a sentence beside the check's name.
STATUS_VI: dict[str, tuple[str, str]] = {
    "PASS": (N_("Đạt"), N_("Hoạt động bình thường.")),
    "WARN": (N_("Cần xem"), N_("Vẫn hoạt động, nhưng nên xem lại.")),
    "FAIL": (N_("Lỗi"), N_("Có lỗi, cần sửa.")),
    "SKIP": (N_("Bỏ qua"), N_("Không áp dụng cho máy này.")),
}


def check_name_vi(name: str) -> str:
    vi = CHECK_NAMES_VI.get(name)
    return tr_marked(vi) if vi else name


def status_vi(status: str) -> tuple[str, str]:
    """A status's word and sentence; an unknown status shows itself."""
    if status not in STATUS_VI:
        return status, ""
    word, sentence = STATUS_VI[status]
    return tr_marked(word), tr_marked(sentence)
