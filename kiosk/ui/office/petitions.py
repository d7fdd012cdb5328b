"""The office window's "Phản ánh, kiến nghị" tab: the petitions not answered yet (or, ticked,
all of them), late ones first (in red), with their deadline, who handles them and how many
working days late they are, so the head of office sees what is open and what is overdue at a
glance. A double-click or Enter on a row opens the case (petition_case.py): its text, history,
assignment, answer and closing.

The rows are read on the window's lane (`petition_rows`, no Qt); the tab only shows them.
Texts and phone numbers stay out of the list: the topic, the code and the dates are enough to
find a case (the case's box, or `kiosk petition show CODE`, shows it whole).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
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
ANSWERED = ("answered", "closed")


@dataclass(frozen=True)
class PetitionRow:
    code: str
    received_on: date
    due_date: date
    status: str
    assignee: str
    late_days: int
    topic: str


def petition_rows(db: Any, config: Any, today: date, *, open_only: bool = True
                  ) -> list[PetitionRow]:
    """The open petitions (not answered yet; all with `open_only` false), late ones first,
    then by deadline. On the lane's thread."""
    from zoneinfo import ZoneInfo

    from kiosk.calendar import CalendarRules
    from kiosk.petitions.cases import list_petitions, working_days_late

    rules = CalendarRules.from_config(config)
    tz = ZoneInfo(config.office.timezone)
    rows = [PetitionRow(p.code, p.received_at.astimezone(tz).date(), p.due_date, p.status,
                        p.assignee, working_days_late(p, rules, today), p.topic)
            for p in list_petitions(db, rules, today, open_only=open_only)]
    return sorted(rows, key=lambda r: (r.status in ANSWERED, r.late_days == 0, r.due_date,
                                       r.code))


class PetitionPanel(QWidget):
    """`open_requested(code)`: a row double-clicked or Enter pressed on it;
    `filter_changed()`: "all petitions" ticked or unticked (the list is read again)."""

    open_requested = Signal(str)
    filter_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setProperty("role", "petitionSummary")
        self.all_box = QCheckBox(self.tr("Hiện cả phản ánh đã trả lời, đã đóng"))
        self.all_box.setObjectName("PetitionAll")
        self.all_box.toggled.connect(lambda _on: self.filter_changed.emit())
        hint = QLabel(self.tr("Nhấp đúp hoặc Enter để mở, giao xử lý, trả lời."))
        hint.setObjectName("PetitionHint")
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
        top = QHBoxLayout()
        top.setSpacing(16)
        top.addWidget(self.summary)
        top.addStretch(1)
        top.addWidget(hint)
        top.addWidget(self.all_box)
        box.addLayout(top)
        box.addWidget(self.table, 1)
        self.table.cellDoubleClicked.connect(lambda row, _column: self.open_row(row))
        for key in ("Return", "Enter"):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda: self.open_row(self.table.currentRow()))
        self.rows: list[PetitionRow] = []
        self.fill([])

    @property
    def show_all(self) -> bool:
        return self.all_box.isChecked()

    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.open_requested.emit(self.rows[row].code)

    def fill(self, rows: list[PetitionRow]) -> None:
        self.rows = list(rows)
        waiting = [r for r in rows if r.status not in ANSWERED]
        late = sum(r.late_days > 0 for r in waiting)
        if not waiting:
            self.summary.setText(self.tr("Không có phản ánh, kiến nghị nào đang chờ trả lời."))
        else:
            self.summary.setText(self.tr("{open} phản ánh, kiến nghị đang chờ trả lời, trong "
                                         "đó {late} đã quá hạn.").format(open=len(waiting),
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
        """Late petitions still waiting for an answer."""
        return sum(r.late_days > 0 and r.status not in ANSWERED for r in self.rows)
