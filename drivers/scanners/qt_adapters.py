"""Thin Qt adapters: the serial and camera scanners as QObjects with signals, for the UI.

The scanners run on their own worker threads; these adapters re-emit what they report as Qt
signals. Qt queues a signal emitted on another thread to receivers living on the UI thread, so
slots run on the UI thread and may touch widgets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from drivers.scanners.camera import CameraScanner
from drivers.scanners.decoders import DEFAULT_FORMATS, Check, Repair
from drivers.scanners.events import ScanEvent, ScannerStatus
from drivers.scanners.serial_scanner import SerialScanner


class QtSerialScanner(QObject):
    """SerialScanner with signals: `scanned(ScanEvent)`, `status_changed(status, port)`
    (status is a ScannerStatus value: "connected", "disconnected", "stopped")."""

    scanned = Signal(object)
    status_changed = Signal(str, str)

    def __init__(self, parent: QObject | None = None, *, port: str = "",
                 usb_ids: Sequence[str] = (), baudrate: int = 9600,
                 flush_after_s: float = 0.1, reconnect_s: float = 0.5) -> None:
        super().__init__(parent)
        self.scanner = SerialScanner(self._on_scan, port=port, usb_ids=usb_ids,
                                     baudrate=baudrate, on_status=self._on_status,
                                     flush_after_s=flush_after_s, reconnect_s=reconnect_s)

    def start(self) -> None:
        self.scanner.start()

    def stop(self) -> None:
        self.scanner.stop()

    def _on_scan(self, event: ScanEvent) -> None:
        self.scanned.emit(event)

    def _on_status(self, status: ScannerStatus, port: str) -> None:
        self.status_changed.emit(status.value, port)


def preview_to_qimage(preview: Any) -> QImage:
    """A BGR preview array as a QImage that owns its pixels (the array may be reused)."""
    h, w = preview.shape[:2]
    if preview.ndim == 2:
        return QImage(preview.data, w, h, preview.strides[0],
                      QImage.Format.Format_Grayscale8).copy()
    return QImage(preview.data, w, h, preview.strides[0], QImage.Format.Format_BGR888).copy()


class QtCameraScanner(QObject):
    """CameraScanner with signals: `scanned(ScanEvent)`, `frame(QImage)` (the live preview,
    for display only: never save it), `status_changed(status, source)`."""

    scanned = Signal(object)
    frame = Signal(QImage)
    status_changed = Signal(str, str)

    def __init__(self, source: int | str, parent: QObject | None = None, *,
                 engine: str = "zxing", formats: Sequence[str] = DEFAULT_FORMATS,
                 preview_width: int = 640, preview: bool = True, realtime: bool = False,
                 repeat_after_s: float = 3.0, check: Check | None = None,
                 repair: Repair | None = None) -> None:
        super().__init__(parent)
        self.scanner = CameraScanner(
            source, self._on_scan, on_frame=self._on_frame if preview else None,
            on_status=self._on_status, engine=engine, formats=formats,
            preview_width=preview_width, realtime=realtime, repeat_after_s=repeat_after_s,
            check=check, repair=repair)

    def start(self) -> None:
        self.scanner.start()

    def stop(self) -> None:
        self.scanner.stop()

    def _on_scan(self, event: ScanEvent) -> None:
        self.scanned.emit(event)

    def _on_frame(self, preview: Any) -> None:
        self.frame.emit(preview_to_qimage(preview))

    def _on_status(self, status: ScannerStatus, source: str) -> None:
        self.status_changed.emit(status.value, source)
