"""The city sync inside a station window: the worker on its own thread, and its state at a glance.

`SyncBridge` owns the plain-Python `SyncWorker` (it runs on its own thread) and turns the
worker's change callback, which arrives on that thread, into a queued Qt signal. Widgets only
ever read the immutable `SyncStatus` snapshot it carries.
"""

from __future__ import annotations

import contextlib
import logging

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from kiosk.config import Config
from kiosk.paths import Paths
from kiosk.station import sync_worker
from kiosk.ui import theme
from sync.status import SyncStatus

log = logging.getLogger(__name__)

# state -> (background, text) colours: green when fine, amber while waiting, red for a technician.
_COLOURS = {
    "up_to_date": (theme.PILL_OK, theme.SURFACE),
    "sending": (theme.PILL_BUSY, theme.SURFACE),
    "waiting": (theme.PILL_WAITING, theme.SURFACE),
    "offline": (theme.PILL_WAITING, theme.SURFACE),
    "error": (theme.PILL_ERROR, theme.SURFACE),
    "stopped": (theme.PILL_ERROR, theme.SURFACE),
    "off": (theme.PILL_OFF, theme.SURFACE),
}


class SyncBridge(QObject):
    """Runs the station's sync worker while the window is open (when a city server is set)."""

    changed = Signal(object)  # SyncStatus

    def __init__(self, config: Config, paths: Paths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.status = SyncStatus()
        self._worker = sync_worker(config, paths, on_change=self._on_change)

    @property
    def enabled(self) -> bool:
        return self._worker is not None

    def start(self) -> None:
        if self._worker is not None:
            self._worker.start()

    def wake(self) -> None:
        """New records were written: push them now rather than at the next interval."""
        if self._worker is not None:
            self._worker.wake()

    def stop(self, wait: bool = True) -> None:
        """Stop the worker. `wait=False` does not wait for a push in progress (a screen that
        closes while the station keeps running: the UI thread never waits for the network);
        the worker ends after it, and the city server ignores what it already has."""
        if self._worker is not None:
            worker, self._worker = self._worker, None
            if wait:
                worker.stop()
            else:
                worker.stop(0)

    def _on_change(self, status: SyncStatus) -> None:
        # Called on the worker's thread; the signal is delivered on the receiver's thread.
        if self._worker is None:
            return  # stopped: a late report of a worker left to finish
        self.status = status
        with contextlib.suppress(RuntimeError):  # the bridge's window is gone
            self.changed.emit(status)


class SyncIndicator(QLabel):
    """One line, colour-coded: "Đã đồng bộ" / "N bản ghi chờ gửi" / "Mất kết nối từ …" /
    "Lỗi đồng bộ – cần kỹ thuật viên", in the screen's language (`set_language`, which the
    ticket screen calls when the citizen switches). The detail, the technician's English, goes
    in the tooltip, labelled so on a Vietnamese screen."""

    def __init__(self, bridge: SyncBridge, language: str = "vi",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._language = language
        self._status: SyncStatus | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setVisible(bridge.enabled)
        bridge.changed.connect(self.show_status)
        self.show_status(bridge.status)

    def set_language(self, language: str) -> None:
        self._language = language
        if self._status is not None:
            self.show_status(self._status)

    def show_status(self, status: SyncStatus) -> None:
        self._status = status
        background, text = _COLOURS.get(status.state, _COLOURS["off"])
        self.setText(status.headline(self._language))
        detail = status.detail()
        self.setToolTip("" if not detail else detail if self._language == "en"
                        else self.tr("Chi tiết kỹ thuật: {detail}").format(detail=detail))
        self.setStyleSheet(f"background:{background};color:{text};border-radius:6px;"
                           "padding:2px 10px;")


class SyncPanel(QWidget):
    """For the technician: the headline, a progress bar while a backlog drains, set-aside count."""

    def __init__(self, bridge: SyncBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.indicator = SyncIndicator(bridge, parent=self)
        self.indicator.setVisible(True)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        for w in (self.indicator, self.progress, self.details):
            layout.addWidget(w)
        bridge.changed.connect(self.show_status)
        self.show_status(bridge.status)

    def show_status(self, status: SyncStatus) -> None:
        fraction = status.progress
        self.progress.setVisible(fraction is not None)
        if fraction is not None:
            self.progress.setValue(int(fraction * 1000))
            self.progress.setFormat(self.tr("{done:,} / {backlog:,} bản ghi").format(
                    done=status.done,
                    backlog=status.backlog).replace(
                ",", "."))
        lines = [self.tr("Chờ gửi: {pending}").format(
                pending=status.pending), self.tr("Để riêng (bị từ chối): {set_aside}").format(
                set_aside=status.set_aside)]
        if status.last_success_at:
            lines.append(self.tr(
                "Gửi thành công lần cuối: {last_success_at:%H:%M %d/%m/%Y}").format(
                    last_success_at=status.last_success_at))
        if status.last_error:
            lines.append(self.tr("Lỗi gần nhất: {last_error}").format(last_error=status.last_error))
        self.details.setText("\n".join(lines))
