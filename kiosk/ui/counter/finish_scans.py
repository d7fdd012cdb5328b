"""The "mark finished" mode of the dossier page: results come back from processing in a pile,
the clerk scans each receipt copy (or types its code and presses Enter) and each dossier goes
straight to "Đã xử lý xong" through the desk's state machine (window.py runs it on the desk
lane). Every scan gets its own line: a confirmation, or the refusal in the desk's words.

Only dossier codes and procedure names are shown and kept here: no personal data.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from kiosk.dossiers.models import Dossier
from kiosk.ui.counter.text import weekday_text
from kiosk.ui.widgets import set_prop

#: Lines kept on screen (a day's pile is a few dozen).
KEEP = 200


class FinishScans(QFrame):
    """The mode's panel: what to do, the last result in large type, the list of this
    session's scans (newest first) and the tally."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("FinishScans")
        self.done = 0
        self.refused = 0
        self.waiting: list[str] = []  # codes sent to the desk, not answered yet
        title = QLabel(self.tr("Ghi nhận hồ sơ đã xử lý xong"))
        title.setProperty("role", "cardTitle")
        hint = QLabel(self.tr(
            "Quét lần lượt mã vạch trên giấy hẹn (hoặc gõ mã hồ sơ rồi nhấn Enter): mỗi hồ sơ "
            "chuyển ngay sang \"Đã xử lý xong\", chờ trả kết quả. Nhấn Ctrl+F9 để thoát chế "
            "độ này."))
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        self.last = QLabel(self.tr("Chưa quét hồ sơ nào."))
        self.last.setObjectName("FinishLast")
        self.last.setWordWrap(True)
        self.tally = QLabel()
        self.tally.setProperty("role", "hint")
        self.log = QListWidget()
        self.log.setObjectName("FinishLog")
        self.log.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.log.setWordWrap(True)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(6)
        box.addWidget(title)
        box.addWidget(hint)
        box.addWidget(self.last)
        box.addWidget(self.tally)
        box.addWidget(self.log, 1)
        self._update_tally()

    def started(self, code: str) -> None:
        self.waiting.append(code)
        self._show("busy", self.tr("Đang ghi nhận hồ sơ %1…").replace("%1", code))

    def finished(self, dossier: Dossier) -> None:
        self._answered(dossier.code)
        self.done += 1
        text = (self.tr("✓ %1: đã ghi nhận xử lý xong (%2). Hẹn trả %3.")
                .replace("%1", dossier.code).replace("%2", dossier.procedure_name)
                .replace("%3", weekday_text(dossier.appointment_date)))
        self._add("ok", text)

    def refused_scan(self, code: str, message_vi: str) -> None:
        self._answered(code)
        self.refused += 1
        self._add("failed", self.tr("✗ %1: không ghi nhận được. %2").replace("%1", code)
                  .replace("%2", message_vi))

    def clear(self) -> None:
        self.done = self.refused = 0
        self.waiting.clear()
        self.log.clear()
        self._show("", self.tr("Chưa quét hồ sơ nào."))
        self._update_tally()

    def lines(self) -> list[str]:
        """The log's lines, newest first (tests)."""
        return [self.log.item(i).text() for i in range(self.log.count())]

    def _answered(self, code: str) -> None:
        if code in self.waiting:
            self.waiting.remove(code)

    def _add(self, state: str, text: str) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, state)
        if state == "failed":
            item.setForeground(Qt.GlobalColor.darkRed)
        self.log.insertItem(0, item)
        while self.log.count() > KEEP:
            self.log.takeItem(self.log.count() - 1)
        self._show(state, text)
        self._update_tally()

    def _show(self, state: str, text: str) -> None:
        self.last.setText(text)
        set_prop(self.last, "state", state)

    def _update_tally(self) -> None:
        self.tally.setText(self.tr("Đã ghi nhận: %1 · Không ghi nhận được: %2")
                           .replace("%1", str(self.done)).replace("%2", str(self.refused)))
