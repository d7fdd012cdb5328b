"""The status line at the foot of the counter window: printer, scanners, camera, the office
dossier book (a counter PC of a LAN office), shortcuts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QWidget

from kiosk.ui.i18n import N_, tr_marked
from kiosk.ui.widgets import ElidedLabel, set_prop

#: PrinterStatus names (and OFFLINE for a printer that cannot be opened) as the clerk reads them.
PRINTER_TEXT = {
    "READY": (N_("Sẵn sàng"), "ok"),
    "PAPER_LOW": (N_("Sắp hết giấy"), "busy"),
    "PAPER_OUT": (N_("Hết giấy"), "failed"),
    "OFFLINE": (N_("Không kết nối"), "failed"),
    "ERROR": (N_("Đang báo lỗi"), "failed"),
    "UNKNOWN": (N_("Đã cấu hình (không đọc được trạng thái)"), "muted"),
    "PRINTING": (N_("Đang in…"), "busy"),
}
SCANNER_TEXT = {
    "connected": (N_("Đã kết nối"), "ok"),
    "disconnected": (N_("Mất kết nối"), "failed"),
    "stopped": (N_("Đã dừng"), "muted"),
    "ended": (N_("Đã dừng"), "muted"),
    "none": (N_("Chưa cấu hình"), "muted"),
}
CAMERA_TEXT = {
    "connected": (N_("Bật"), "ok"),
    "disconnected": (N_("Không mở được"), "failed"),
    "stopped": (N_("Tắt"), "muted"),
    "ended": (N_("Tắt"), "muted"),
    "none": (N_("Chưa cấu hình"), "muted"),
}


#: The window's shortcuts, most used first (window.py binds them; a test checks each one is).
SHORTCUTS = N_("F3 Xong, gọi tiếp · F4 Nhắc · F11 Vắng · Ctrl+T Chuyển · F12 Xong · F2 Mới · "
                "F5 Lưu · Alt+1–9 Chọn · Ctrl+D Nhận đủ · F6 In · F7 A4 · Ctrl+F Thủ tục · "
                "F9 Hồ sơ · Ctrl+F9 Quét xử lý xong · F10 Sổ · F1 Hạn trả · Ctrl+P Phản ánh · "
                "F8 Camera")


class StatusLine(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StatusLine")
        # As tall as its chips ask, however short the screen: the pages above give way.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        # On a narrow screen (1366x768 at 125 %) the states give way (cut with "…", the
        # whole text in the tool tip), the longest first; the chips added after them (the
        # due list, petitions) never do.
        self.printer = ElidedLabel(minimum=90)
        self.printer.setObjectName("PrinterState")
        self.serial = ElidedLabel(minimum=110)
        self.serial.setObjectName("SerialState")
        self.wedge = ElidedLabel(minimum=110)
        self.wedge.setObjectName("WedgeState")
        self.camera = ElidedLabel(minimum=90)
        self.camera.setObjectName("CameraState")
        self.book = ElidedLabel(minimum=90)
        self.book.setObjectName("BookState")
        self.book.hide()  # shown on a counter PC of a LAN office only (set_book)
        self.hint = QLabel(tr_marked(SHORTCUTS))
        self.hint.setObjectName("ShortcutHint")
        # The shortcut reminder gives way first on a narrow screen; the states never do.
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # Left-aligned: on a narrow screen the tail is cut, never the first (most used) keys.
        self.hint.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.hint.setToolTip(self.hint.text())
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(10, 3, 10, 3)
        self.row.setSpacing(18)
        for label in (self.printer, self.serial, self.wedge, self.camera, self.book):
            self.row.addWidget(label)
        self.row.addWidget(self.hint, 1)
        self.book_state = ""
        self.printer_state = ""
        self.serial_state = ""
        self.camera_state = ""
        self.set_printer("UNKNOWN")
        self.set_serial("none")
        self.set_wedge(True)
        self.set_camera("none")

    # The states that give way when the line runs out of room: first the long ones (the
    # printer's "Đã cấu hình (không đọc được trạng thái)", the office book's offline notice),
    # the longer of them first, down to their minimum; only then the short ones. The chips
    # never do.
    GIVE_WAY = (("printer", "book"), ("camera", "serial", "wedge"))

    def event(self, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Resize):
            self._share()
        return super().event(event)

    def _share(self) -> None:
        """Cut the states in the order of GIVE_WAY, within a group the longest to one
        length, as long as the line allows (a maximum width each: the layout keeps the rest
        whole)."""
        row = self.row
        shown = [w for i in range(row.count())
                 if (w := row.itemAt(i).widget()) is not None and not w.isHidden()
                 and w is not self.hint]
        margins = row.contentsMargins()
        over = (sum(w.sizeHint().width() for w in shown) + row.spacing() * len(shown)
                + margins.left() + margins.right() - self.width())
        for names in self.GIVE_WAY:
            labels: list[ElidedLabel] = [getattr(self, n) for n in names
                                         if not getattr(self, n).isHidden()]
            hints = [label.sizeHint().width() for label in labels]
            room = sum(hints) - max(over, 0)

            def total(level: int, labels=labels, hints=hints) -> int:
                return sum(max(label.minimum, min(hint, level))
                           for label, hint in zip(labels, hints, strict=True))

            level = max(hints, default=0)
            if total(level) > room:  # the largest length at which they fit
                low, high = 0, level
                while low < high:
                    middle = (low + high + 1) // 2
                    low, high = (middle, high) if total(middle) <= room else (low, middle - 1)
                level = low
            over -= sum(hints) - total(level)
            for label, hint in zip(labels, hints, strict=True):
                cut = hint > level and hint > label.minimum
                label.setMaximumWidth(max(label.minimum, level) if cut else 16777215)

    def add_state(self, widget: QWidget, *, keep: bool = False) -> None:
        """Another state shown after the scanners (e.g. the city sync indicator); one to
        `keep` (a chip that opens a page) is never squeezed."""
        if keep:
            widget.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.row.insertWidget(self.row.indexOf(self.hint), widget)

    def set_printer(self, name: str) -> None:
        self.printer_state = name
        text, tone = PRINTER_TEXT.get(name, (name, "muted"))
        self.printer.setText(self.tr("Máy in: %1").replace("%1", tr_marked(text)))
        set_prop(self.printer, "state", tone)

    def set_serial(self, status: str, port: str = "") -> None:
        self.serial_state = status
        text, tone = SCANNER_TEXT.get(status, (status, "muted"))
        where = f" ({port})" if port and status == "connected" else ""
        self.serial.setText(self.tr("Máy quét COM: %1").replace("%1", tr_marked(text) + where))
        set_prop(self.serial, "state", tone)

    def set_wedge(self, enabled: bool) -> None:
        self.wedge.setText(self.tr("Quét bàn phím: %1").replace(
            "%1", self.tr("Đang nghe") if enabled else self.tr("Tắt")))
        set_prop(self.wedge, "state", "ok" if enabled else "muted")

    def set_camera(self, status: str) -> None:
        self.camera_state = status
        text, tone = CAMERA_TEXT.get(status, (status, "muted"))
        self.camera.setText(self.tr("Camera: %1").replace("%1", tr_marked(text)))
        set_prop(self.camera, "state", tone)

    def set_book(self, online: bool, pending: int, numbers: Any = None) -> None:
        """The office dossier book: in step, changes being sent, or working offline (with the
        changes waiting for the hub and the dossier numbers left: `numbers` is the desk's
        NumbersStatus, kiosk/dossiers/numbers.py)."""
        if not online:
            self.book_state = "offline"
            text = self.tr("Mất kết nối máy chủ — làm việc trên máy này, %1 thay đổi chờ gửi"
                           ).replace("%1", str(pending))
            left = getattr(numbers, "left_today", None)
            if left == 0 or getattr(numbers, "on_fallback", False):
                # No leased number left today: intake numbers from this counter's own range.
                text += self.tr("; dùng số dự phòng, còn %1 số").replace(
                    "%1", str(numbers.fallback_left))
            elif left is not None:
                text += self.tr("; còn %1 số hồ sơ").replace("%1", str(left))
            tone = "failed"
        elif pending:
            self.book_state = "sending"
            text = self.tr("Sổ hồ sơ: đang gửi %1 thay đổi").replace("%1", str(pending))
            tone = "busy"
        else:
            self.book_state = "synced"
            text = self.tr("Sổ hồ sơ: đã đồng bộ")
            tone = "ok"
        self.book.setText(text)
        set_prop(self.book, "state", tone)
        self.book.show()
