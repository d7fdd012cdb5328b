"""The office window's "Phản ánh, kiến nghị" tab: the petitions not answered yet, late ones
first (in red), with their deadline, who handles them and how many working days late they
are, so the head of office sees what is open and what is overdue at a glance.

The rows are read on the window's lane (`petition_rows`, no Qt); the tab only shows them.
Texts and phone numbers stay out: the topic, the code and the dates are enough to find a case
(`kiosk petition show CODE` prints it whole).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.i18n import N_, tr_marked

COLUMNS = (N_("Mã"), N_("Ngày tiếp nhận"), N_("Hạn trả lời"), N_("Trạng thái"),
           N_("Người xử lý"), N_("Trễ (ngày làm việc)"), N_("Chủ đề"))
STATUS_WORDS = {"open": N_("Mới tiếp nhận"), "assigned": N_("Đang xử lý"),
                "answered": N_("Đã trả lời"), "closed": N_("Đã đóng")}
LATE_COLOUR = "#B3261E"


@dataclass(frozen=True)
class PetitionRow:
    code: str
    received_on: date
    due_date: date
    status: str
    assignee: str
    late_days: int
    topic: str


def petition_rows(db: Any, config: Any, today: date) -> list[PetitionRow]:
    """The open petitions (not answered yet), late ones first, then by deadline. On the
    lane's thread."""
    from zoneinfo import ZoneInfo

    from kiosk.calendar import CalendarRules
    from kiosk.petitions.cases import list_petitions, working_days_late

    rules = CalendarRules.from_config(config)
    tz = ZoneInfo(config.office.timezone)
    rows = [PetitionRow(p.code, p.received_at.astimezone(tz).date(), p.due_date, p.status,
                        p.assignee, working_days_late(p, rules, today), p.topic)
            for p in list_petitions(db, rules, today, open_only=True)]
    return sorted(rows, key=lambda r: (r.late_days == 0, r.due_date, r.code))


class PetitionPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setProperty("role", "petitionSummary")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([tr_marked(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 6, 6, 6)
        box.setSpacing(6)
        box.addWidget(self.summary)
        box.addWidget(self.table, 1)
        self.rows: list[PetitionRow] = []
        self.fill([])

    def fill(self, rows: list[PetitionRow]) -> None:
        self.rows = list(rows)
        late = sum(r.late_days > 0 for r in rows)
        if not rows:
            self.summary.setText(self.tr("Không có phản ánh, kiến nghị nào đang chờ trả lời."))
        else:
            self.summary.setText(self.tr("{open} phản ánh, kiến nghị đang chờ trả lời, trong "
                                         "đó {late} đã quá hạn.").format(open=len(rows),
                                                                          late=late))
        self.table.setRowCount(len(rows))
        red = QBrush(QColor(LATE_COLOUR))
        for row, r in enumerate(rows):
            cells = (r.code, f"{r.received_on:%d/%m/%Y}", f"{r.due_date:%d/%m/%Y}",
                     tr_marked(STATUS_WORDS[r.status]), r.assignee or "–",
                     str(r.late_days) if r.late_days else "–", r.topic)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 5:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if r.late_days:
                    item.setForeground(red)
                self.table.setItem(row, column, item)

    def cell_text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item else ""

    def late_count(self) -> int:
        return sum(r.late_days > 0 for r in self.rows)
