"""A small always-on-top window with the document camera's live preview, so the clerk can aim
the ID card or the receipt. Frames are shown and dropped: never saved, never logged (an ID card
image is sensitive personal data)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QImage, QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

PREVIEW_SIZE = (400, 225)


class CameraPanel(QWidget):
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowTitle(self.tr("Camera quét mã"))
        self.preview = QLabel(self.tr("Đang mở camera…"))
        self.preview.setObjectName("CameraPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFixedSize(*PREVIEW_SIZE)
        hint = QLabel(self.tr("Đưa mã QR trên thẻ căn cước hoặc mã vạch trên giấy hẹn vào "
                              "khung hình. F8 để tắt camera."))
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 8, 8, 8)
        box.addWidget(self.preview)
        box.addWidget(hint)
        self.frames = 0

    def show_frame(self, image: QImage) -> None:
        self.frames += 1
        if not self.isVisible():
            return
        pixmap = QPixmap.fromImage(image).scaled(
            self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation)
        self.preview.setPixmap(pixmap)

    def show_message(self, text: str) -> None:
        self.preview.clear()
        self.preview.setText(text)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.closed.emit()
        super().closeEvent(event)
