"""The doctor's words in Vietnamese, for the technician screens (the admin view's Kiểm tra tab,
the set-up wizard's connection tests): kiosk/diagnostics/checks.py names its checks and
statuses in English for `kiosk doctor` and the support bundle; the screens show these names
and words, with the doctor's own detail kept as a smaller "Chi tiết kỹ thuật" line."""

from __future__ import annotations

#: The doctor's check names (kiosk/diagnostics/checks.py, English for `kiosk doctor`) as the
#: admin view shows them; a check whose name is not here shows its own.
CHECK_NAMES_VI: dict[str, str] = {
    "configuration": "Tệp cấu hình",
    "config": "Tệp cấu hình",
    "configuration permissions": "Quyền đọc tệp cấu hình",
    "admin PIN": "Mã PIN quản trị",
    "admin pin": "Mã PIN quản trị",
    "database": "Cơ sở dữ liệu",
    "free disk": "Dung lượng đĩa trống",
    "disk": "Dung lượng đĩa trống",
    "log folder": "Thư mục nhật ký",
    "logs": "Thư mục nhật ký",
    "printer": "Máy in",
    "printers": "Máy in",
    "receipt printer": "Máy in biên nhận",
    "scanner": "Máy quét",
    "camera": "Camera",
    "hub": "Hub của điểm",
    "hub TLS": "Bảo mật kết nối hub",
    "hub office key": "Mã khóa của điểm",
    "hub station key": "Mã khóa riêng của máy",
    "city": "Máy chủ thành phố",
    "city server": "Máy chủ thành phố",
    "city token": "Mã của máy (token)",
    "clock": "Đồng hồ của máy",
    "sync backlog": "Hàng chờ đồng bộ",
    "backup": "Sao lưu",
    "backup to hub": "Sao lưu lên hub",
    "windows station": "Cài đặt Windows",
    "firewall": "Tường lửa Windows",
    "data folder permissions": "Quyền thư mục dữ liệu",
}

#: Each status as a word on its chip, and as a sentence beside the check's name.
STATUS_VI: dict[str, tuple[str, str]] = {
    "PASS": ("Đạt", "Hoạt động bình thường."),
    "WARN": ("Cần xem", "Vẫn hoạt động, nhưng nên xem lại."),
    "FAIL": ("Lỗi", "Có lỗi, cần sửa."),
    "SKIP": ("Bỏ qua", "Không áp dụng cho máy này."),
}


def check_name_vi(name: str) -> str:
    return CHECK_NAMES_VI.get(name, name)
