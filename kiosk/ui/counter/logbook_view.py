"""The logbook page (Sổ theo dõi hồ sơ): the dossiers received in a date range, with the paper
logbook's columns, exported to csv / xlsx / pdf by kiosk.dossiers.logbook."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.dossiers.logbook import COLUMNS, FORMATS, LogbookRow
from kiosk.ui.i18n import N_, tr_marked
from kiosk.ui.widgets import ElidedLabel, KeyButton, WrapRow, field_label, set_prop

#: Minimum column widths at scale 1.0 (px); the wide text columns wrap, and the code, phone
#: and date columns grow to fit their contents once rows are shown.
_WIDTHS = (44, 230, 230, 84, 170, 240, 110, 100, 100, 100, 100, 150, 120, 220)
_FIT_COLUMNS = (1, 6, 7, 8, 9)
_FORMAT_TEXT = {"csv": N_("Xuất CSV"), "xlsx": N_("Xuất Excel"), "pdf": N_("Xuất PDF")}


def header_text(name: str, width: int = 12) -> str:
    """A logbook column name broken over lines of about `width` characters: the header row
    wraps instead of cutting "Số điện thoại" to "Số điện thoạ"."""
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class LogbookView(QWidget):
    """`load_requested(start, end)` and `export_requested(fmt)`; window.py runs both on the
    desk thread and calls set_rows() / export_done()."""

    load_requested = Signal(object, object)
    export_requested = Signal(str)

    def __init__(self, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "page")
        self.today = today
        self.rows: list[LogbookRow] = []
        self.start = self.end = today()
        self.last_export: Path | None = None

        self.from_edit = QDateEdit(_qdate(self.start))
        self.to_edit = QDateEdit(_qdate(self.end))
        for edit in (self.from_edit, self.to_edit):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
        self.show_button = KeyButton(self.tr("Xem sổ"), "primary")
        self.show_button.setObjectName("ShowLogbook")
        self.show_button.clicked.connect(self.request_load)
        self.today_button = KeyButton(self.tr("Hôm nay"))
        self.today_button.clicked.connect(lambda: self.set_range(self.today(), self.today()))
        # Cut (the whole text in its tool tip) rather than widen the window on a narrow page.
        self.count = ElidedLabel(minimum=40)
        self.count.setProperty("role", "hint")
        self.export_buttons: dict[str, KeyButton] = {}
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(field_label(self.tr("Từ ngày"), self.from_edit))
        top.addWidget(self.from_edit)
        top.addWidget(field_label(self.tr("đến ngày"), self.to_edit))
        top.addWidget(self.to_edit)
        top.addWidget(self.show_button)
        top.addWidget(self.today_button)
        top.addStretch(1)
        for fmt in FORMATS:
            button = KeyButton(tr_marked(_FORMAT_TEXT[fmt]))
            button.setObjectName(f"Export_{fmt}")
            button.clicked.connect(lambda _=False, f=fmt: self.request_export(f))
            self.export_buttons[fmt] = button
        # Shorter texts (the whole one in the tool tip), then two rows, rather than widening
        # the window when the rating panel takes room.
        self.exports = WrapRow(list(self.export_buttons.values()), right=True, compact={
            self.export_buttons["csv"]: self.tr("CSV"),
            self.export_buttons["xlsx"]: self.tr("Excel"),
            self.export_buttons["pdf"]: self.tr("PDF")})
        top.addWidget(self.exports)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("LogbookTable")
        # About 9 px a character in the bold header type: names that fit their column stay on
        # one line, the others wrap onto two.
        self.table.setHorizontalHeaderLabels([
            name if len(name) * 9 + 16 <= width else header_text(name)
            for name, width in zip(COLUMNS, _WIDTHS, strict=True)])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column, width in enumerate(_WIDTHS):
            self.table.setColumnWidth(column, width)

        self.state = QLabel()
        self.state.setObjectName("ExportState")
        self.state.setWordWrap(True)
        self.state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.open_button = KeyButton(self.tr("Mở tệp vừa xuất"))
        self.open_button.setObjectName("OpenExport")
        self.open_button.hide()
        bottom = QHBoxLayout()
        bottom.setSpacing(12)
        bottom.addWidget(self.count)
        bottom.addWidget(self.state, 1)
        bottom.addWidget(self.open_button)

        box = QVBoxLayout(self)
        box.setContentsMargins(10, 8, 10, 8)
        box.setSpacing(8)
        box.addLayout(top)
        box.addWidget(self.table, 1)
        box.addLayout(bottom)

    def set_range(self, start: date, end: date) -> None:
        self.from_edit.setDate(_qdate(start))
        self.to_edit.setDate(_qdate(end))
        self.request_load()

    def request_load(self) -> None:
        start, end = _pydate(self.from_edit.date()), _pydate(self.to_edit.date())
        if end < start:
            self.set_state("failed", self.tr("Ngày kết thúc đứng trước ngày bắt đầu."))
            return
        self.set_state("busy", self.tr("Đang tải sổ…"))
        self.load_requested.emit(start, end)

    def set_rows(self, start: date, end: date, rows: Sequence[LogbookRow]) -> None:
        self.start, self.end = start, end
        self.rows = list(rows)
        self.table.setRowCount(0)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, value in enumerate(row.cells()):
                item = QTableWidgetItem(str(value))
                if c in (0, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, c, item)
        for column in _FIT_COLUMNS:
            self.table.resizeColumnToContents(column)
            if self.table.columnWidth(column) < _WIDTHS[column]:
                self.table.setColumnWidth(column, _WIDTHS[column])
        self.table.resizeRowsToContents()
        self.count.setText(self.tr("%1 hồ sơ, từ %2 đến %3").replace("%1", str(len(self.rows)))
                           .replace("%2", f"{start:%d/%m/%Y}").replace("%3", f"{end:%d/%m/%Y}"))
        self.set_state("muted", "")

    def request_export(self, fmt: str) -> None:
        self.set_state("busy", self.tr("Đang xuất tệp…"))
        self.export_requested.emit(fmt)

    def export_done(self, path: Path) -> None:
        self.last_export = path
        self.set_state("ok", self.tr("Đã xuất: %1").replace("%1", str(path)))
        self.open_button.show()

    def set_state(self, state: str, text: str) -> None:
        self.state.setText(text)
        set_prop(self.state, "state", state)
