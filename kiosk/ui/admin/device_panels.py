"""Device test panels shared by the set-up wizard and the admin view: a test print and a
printer status, a "scan something now" test (serial/USB-CDC port and keyboard-wedge), a camera
preview test. Slow calls run on worker threads (tasks.run_task); nothing here blocks the UI.

What a test scan read is described (kind of code, sound or not), never shown: the test card
may be a citizen's. Camera frames are shown and dropped, never saved.

The printer panel's result line, under its buttons, keeps at least RESULT_LINES lines of space
while empty, and a longer result only grows downwards: the buttons never move when a result
appears (a page placing the panel keeps its spare space below it). The button pressed gets the
keyboard focus back when its test ends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QImage, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.admin.devices import describe_scan, printer_status_vi, test_print
from kiosk.config import Config
from kiosk.failures import wording
from kiosk.paths import Paths
from kiosk.ui.admin.tasks import run_task
from kiosk.ui.i18n import translate
from kiosk.ui.widgets import set_tone, status_label

log = logging.getLogger(__name__)

SCAN_LISTEN_MS = 20_000
RESULT_LINES = 2


class PrinterTestPanel(QFrame):
    """"In thử" and "Kiểm tra trạng thái" for the printer `target()` gives: (uri, width)."""

    tested = Signal(bool, str)  # ok, message (Vietnamese)

    def __init__(self, config: Callable[[], Config], paths: Paths,
                 target: Callable[[], tuple[str, int]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._config = config
        self._paths = paths
        self._target = target
        self.last_ok: bool | None = None
        self.busy = False
        self.print_button = QPushButton(self.tr("In thử"))
        self.print_button.clicked.connect(self.test_print)
        self.status_button = QPushButton(self.tr("Kiểm tra trạng thái"))
        self.status_button.clicked.connect(self.check_status)
        self._focus_back: QWidget | None = None
        self._focus_moved_to: QWidget | None = None
        self.result = status_label()
        self.result.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # The result's space is kept while it is empty: nothing moves when it appears.
        policy = self.result.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.result.setSizePolicy(policy)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.print_button)
        row.addWidget(self.status_button)
        row.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(row)
        box.addWidget(self.result)

    def reserve_result(self) -> None:
        """Reserve RESULT_LINES lines of the result's (bold) text, in the style sheet in force
        (called when shown: the page's sheet decides the font)."""
        self.result.ensurePolished()
        font = self.result.font()
        font.setBold(True)
        line = QFontMetrics(font).lineSpacing()
        self.result.setMinimumHeight(RESULT_LINES * line + 2 * (6 + 2) + 4)

    def showEvent(self, event) -> None:  # noqa: N802
        self.reserve_result()
        super().showEvent(event)

    def _say(self, tone: str | None, text: str) -> None:
        set_tone(self.result, tone, text)

    def _start(self, text: str) -> tuple[str, int] | None:
        uri, width = self._target()
        if not uri:
            self._say("warn", self.tr("Chưa chọn máy in."))
            return None
        focused = QApplication.focusWidget()
        self._focus_back = focused if focused in (self.print_button, self.status_button) \
            else None
        self.busy = True
        self.print_button.setEnabled(False)
        self.status_button.setEnabled(False)
        # Where Qt passed the focus on: if it is still there at the end, it goes back.
        self._focus_moved_to = QApplication.focusWidget()
        self._say("busy", text)
        return uri, width

    def _finish(self, ok: bool, message: str) -> None:
        self.busy = False
        self.last_ok = ok
        self.print_button.setEnabled(True)
        self.status_button.setEnabled(True)
        # Disabling the pressed button passed the focus on (to whatever came next, in the
        # wizard its "Thoát"): it comes back, so Enter or Space repeats the test, nothing else.
        back, self._focus_back = self._focus_back, None
        if back is not None and back.isVisible():
            focused = QApplication.focusWidget()
            if focused is None or focused is self._focus_moved_to:  # not moved on purpose
                back.setFocus(Qt.FocusReason.OtherFocusReason)
        self._say("ok" if ok else "error", message)
        self.tested.emit(ok, message)

    def test_print(self) -> None:
        target = self._start(self.tr("Đang in thử…"))
        if target is None:
            return
        uri, width = target
        config, paths = self._config(), self._paths
        run_task(self, lambda: test_print(config, paths, uri, width),
                 lambda message: self._finish(True, message),
                 lambda exc: self._finish(False, _print_error_vi(exc)), name="test-print")

    def check_status(self) -> None:
        target = self._start(self.tr("Đang hỏi máy in…"))
        if target is None:
            return
        uri, width = target
        config, paths = self._config(), self._paths
        run_task(self, lambda: printer_status_vi(config, paths, uri, width),
                 lambda result: self._finish(*result),
                 lambda exc: self._finish(False, _print_error_vi(exc)), name="printer-status")


def _print_error_vi(exc: BaseException) -> str:
    """Vietnamese only: the technician's English wording goes to the log."""
    message = getattr(exc, "message_vi", None)
    if message:
        hint = getattr(exc, "message_en", "")
        if hint:
            log.warning("printer test failed: %s", hint)
        return translate("device_panels", "In thử không được: {message}").format(message=message)
    vi, en = wording(exc, translate("device_panels", "in thử được"), "print the test page")
    log.warning("printer test failed: %s", en)
    return vi


class _ScanField(QLineEdit):
    """Keeps the scanner's terminating Enter: it ends the scan, it must not also press the
    page's default action (the wizard's "next")."""

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.returnPressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class ScanTestPanel(QFrame):
    """"Scan something now": listens on the serial port `port()` gives (port, usb_ids,
    baudrate) for 20 s, and takes keyboard-wedge scans typed into its field."""

    scanned = Signal(bool, str)  # sound read, description (Vietnamese)

    def __init__(self, port: Callable[[], tuple[str, tuple[str, ...], int]],
                 parent: QWidget | None = None, listen_ms: int = SCAN_LISTEN_MS) -> None:
        super().__init__(parent)
        self._port = port
        self.listener = None
        self.last_ok: bool | None = None
        self.listen_button = QPushButton(self.tr("Quét thử qua cổng COM (20 giây)"))
        self.listen_button.clicked.connect(self.start_listening)
        self.wedge = _ScanField()
        # Dots, not text: the test card may be a citizen's ID card.
        self.wedge.setEchoMode(QLineEdit.EchoMode.Password)
        self.wedge.setPlaceholderText(self.tr("Máy quét kiểu bàn phím: chạm vào đây rồi quét"))
        self.wedge.returnPressed.connect(self._wedge_scan)
        self.result = status_label()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(listen_ms)
        self.timer.timeout.connect(self._timed_out)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.listen_button)
        row.addWidget(self.wedge, 1)
        box.addLayout(row)
        box.addWidget(self.result)

    def start_listening(self) -> None:
        port, usb_ids, baudrate = self._port()
        if not port and not usb_ids:
            set_tone(self.result, "warn", self.tr("Chưa chọn cổng của máy quét. Máy quét kiểu "
                                                  "bàn phím thì quét vào ô bên cạnh."))
            return
        self.stop()
        from drivers.scanners.qt_adapters import QtSerialScanner

        self.listener = QtSerialScanner(self, port=port, usb_ids=usb_ids, baudrate=baudrate)
        self.listener.scanned.connect(self._serial_scan)
        self.listener.status_changed.connect(self._serial_status)
        self.listener.start()
        self.timer.start()
        self.listen_button.setEnabled(False)
        set_tone(self.result, "busy", self.tr("Đang chờ trên {value}… Hãy quét mã QR trên thẻ "
                                              "căn cước hoặc mã vạch trên biên nhận.").format(
                value=port or ', '.join(usb_ids)))

    def _serial_status(self, status: str, device: str) -> None:
        if status == "disconnected" and self.listener is not None:
            set_tone(self.result, "warn", self.tr("Chưa mở được cổng của máy quét (chưa cắm, "
                                                  "sai cổng, hoặc chương trình khác đang "
                                                  "dùng). Vẫn đang thử lại…"))
        elif status == "connected":
            set_tone(self.result, "busy", self.tr("Đã mở cổng {device}. Hãy quét một mã ngay "
                                                  "bây giờ.").format(device=device))

    def _serial_scan(self, event) -> None:
        self._report(event.text)
        self.stop()

    def _wedge_scan(self) -> None:
        text = self.wedge.text()
        self.wedge.clear()
        if text:
            self._report(text)

    def _report(self, text: str) -> None:
        ok, description = describe_scan(text)
        self.last_ok = ok
        set_tone(self.result, "ok" if ok else "error", description)
        self.scanned.emit(ok, description)

    def _timed_out(self) -> None:
        self.stop()
        set_tone(self.result, "error", self.tr("Không nhận được mã nào trong 20 giây. Kiểm tra "
                                               "cổng, chế độ USB-CDC của máy quét, rồi thử lại."))

    def stop(self) -> None:
        self.timer.stop()
        listener, self.listener = self.listener, None
        if listener is not None:
            listener.stop()
            listener.deleteLater()
        self.listen_button.setEnabled(True)

    def hideEvent(self, event) -> None:  # noqa: N802
        self.stop()
        super().hideEvent(event)


class CameraTestPanel(QFrame):
    """A live preview of the configured camera, decoding as it goes; frames never stored."""

    def __init__(self, source: str, engine: str = "zxing",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.engine = engine
        self.camera = None
        self.start_button = QPushButton(self.tr("Xem thử camera"))
        self.start_button.clicked.connect(self.start)
        self.stop_button = QPushButton(self.tr("Dừng"))
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setEnabled(False)
        self.preview = QLabel(self.tr("Camera chưa bật"))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(320, 180)
        self.preview.setStyleSheet("background: #1b2533; color: white; border-radius: 8px;")
        self.result = status_label()
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(self.stop_button)
        row.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(row)
        box.addWidget(self.preview, 1)
        box.addWidget(self.result)

    def start(self) -> None:
        from drivers.scanners import EngineUnavailable

        self.stop()
        try:
            from drivers.scanners.qt_adapters import QtCameraScanner
            from kiosk.scanning import check_read, repair_mojibake

            self.camera = QtCameraScanner(self.source, self, engine=self.engine,
                                          preview_width=480, check=check_read,
                                          repair=repair_mojibake)
        except EngineUnavailable as exc:
            set_tone(self.result, "error", self.tr("Không mở được camera: {exc}").format(exc=exc))
            return
        self.camera.frame.connect(self._frame)
        self.camera.scanned.connect(lambda e: self._scanned(e.text))
        self.camera.status_changed.connect(self._status)
        self.camera.start()
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        set_tone(self.result, "busy", self.tr("Đang mở camera… Đưa mã QR hoặc mã vạch vào "
                                              "khung hình."))

    def _frame(self, image: QImage) -> None:
        self.preview.setPixmap(QPixmap.fromImage(image).scaled(
            self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))

    def _scanned(self, text: str) -> None:
        ok, description = describe_scan(text)
        set_tone(self.result, "ok" if ok else "error", description)

    def _status(self, status: str, source: str) -> None:
        if status == "disconnected":
            set_tone(self.result, "error", self.tr("Camera {source} không mở được: kiểm tra "
                                                   "cáp USB và chương trình khác đang dùng "
                                                   "camera.").format(source=source))

    def stop(self) -> None:
        camera, self.camera = self.camera, None
        if camera is not None:
            camera.stop()
            camera.deleteLater()
        self.preview.clear()
        self.preview.setText(self.tr("Camera chưa bật"))
        self.start_button.setEnabled(True)
        self.stop_button.setEnabled(False)

    def hideEvent(self, event) -> None:  # noqa: N802
        self.stop()
        super().hideEvent(event)
