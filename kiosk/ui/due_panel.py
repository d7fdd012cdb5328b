"""The due list on screen (the counter's "Hạn trả" page, the office window's panel): the
office's open dossiers overdue, due today and due within N working days (kiosk/dossiers/
duelist.py, read on a lane by the window that shows it), counted per procedure and per clerk.
One tap on a row (or Enter) asks to open that dossier (`open_requested(code)`).

`reminder_text` words the reminders the windows show at start-up and at [dossiers]
reminder_time: what falls due on the next working day. Only codes, procedures, dates and
clerks' names are shown: no citizen's personal data.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.dossiers.duelist import OVERDUE, SOON, TODAY, DueEntry, DueList, per
from kiosk.ui.i18n import N_, tr_marked, translate
from kiosk.ui.widgets import KeyButton, set_prop

_COLUMNS = (N_("Mã hồ sơ"), N_("Thủ tục"), N_("Hạn trả"), N_("Tiến độ"), N_("Cán bộ tiếp nhận"))
_GROUP_COLUMNS = (N_("Quá hạn"), N_("Đến hạn hôm nay"), N_("Sắp đến hạn"))
#: Columns of the per-clerk / per-procedure table beyond the name: wide enough for the header.
_GROUP_WIDTH = 130


def progress_text(e: DueEntry) -> str:
    """How the entry stands, in working days."""
    if e.overdue:
        text = translate("DuePanel", "Quá hạn %1 ngày").replace(
            "%1", str(-e.working_days_left))
    elif e.working_days_left <= 0:
        text = translate("DuePanel", "Đến hạn hôm nay")
    elif e.working_days_left == 1:
        text = translate("DuePanel", "Đến hạn ngày mai")
    else:
        text = translate("DuePanel", "Còn %1 ngày").replace("%1", str(e.working_days_left))
    if e.apologised:
        text += translate("DuePanel", " · đã hẹn lại")
    if e.paused:
        text += translate("DuePanel", " · chờ bổ sung")
    return text


def reminder_text(listing: DueList) -> str:
    """The reminder: what falls due on the next working day (empty when nothing does)."""
    tomorrow = listing.due_tomorrow
    if not tomorrow:
        return ""
    codes = ", ".join(e.code for e in tomorrow[:5])
    more = len(tomorrow) - 5
    text = translate("DuePanel", "Nhắc việc: %1 hồ sơ đến hạn trả vào ngày làm việc tới: %2"
                     ).replace("%1", str(len(tomorrow))).replace("%2", codes)
    if more > 0:
        text += translate("DuePanel", " và %1 hồ sơ khác").replace("%1", str(more))
    return text + "."


def overdue_text(listing: DueList) -> str:
    """The overdue alert every counter shows until an apology slip or the hand-back."""
    n = len(listing.of(OVERDUE))
    return translate("DuePanel", "%1 hồ sơ quá hạn").replace("%1", str(n)) if n else ""


class _Table(QTableWidget):
    """Enter on a row opens it, like a tap."""

    entered = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.entered.emit(self.currentRow())
            return
        super().keyPressEvent(event)


class DuePanel(QWidget):
    """`open_requested(code)`: a row tapped or Entered; `refresh_requested`: the refresh
    button. The window reads the list on its lane and calls `set_list`."""

    open_requested = Signal(str)
    refresh_requested = Signal()

    def __init__(self, within: int, parent: QWidget | None = None, *,
                 side_by_side: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("DuePanel")
        self.setProperty("role", "page")
        self.within = within
        self.listing: DueList | None = None
        self.entries: list[DueEntry] = []

        self.title = QLabel(self.tr("Hồ sơ đến hạn và quá hạn"))
        self.title.setProperty("role", "cardTitle")
        self.counts: dict[str, QLabel] = {}
        for kind in (OVERDUE, TODAY, SOON):
            chip = QLabel()
            chip.setObjectName("DueCount")
            set_prop(chip, "kind", kind)
            self.counts[kind] = chip
        self.state = QLabel()
        self.state.setObjectName("DueState")
        self.state.setWordWrap(True)
        self.refresh_button = KeyButton(self.tr("Làm mới"))
        self.refresh_button.setObjectName("DueRefresh")
        self.refresh_button.clicked.connect(self.refresh_requested)
        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(self.title)
        for chip in self.counts.values():
            top.addWidget(chip)
        top.addWidget(self.state, 1)
        top.addWidget(self.refresh_button)

        self.table = _Table(0, len(_COLUMNS))
        self.table.setObjectName("DueTable")
        self.table.setHorizontalHeaderLabels([tr_marked(c) for c in _COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # The code, dates, progress and clerk fit their contents; the procedure takes the rest
        # (and wraps), so nothing scrolls sideways at 1093 px.
        for column in range(len(_COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.cellClicked.connect(lambda row, _col: self._open_row(row))
        self.table.entered.connect(self._open_row)

        self.groups = QTableWidget(0, 1 + len(_GROUP_COLUMNS))
        self.groups.setObjectName("DueGroups")
        self.groups.verticalHeader().hide()
        self.groups.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.groups.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.groups.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        gh = self.groups.horizontalHeader()
        gh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        gh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.by_clerk = KeyButton(self.tr("Theo cán bộ"), "tab")
        self.by_procedure = KeyButton(self.tr("Theo thủ tục"), "tab")
        for button in (self.by_clerk, self.by_procedure):
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.by_clerk.setChecked(True)
        self.by_clerk.clicked.connect(lambda: self._group_by("clerk"))
        self.by_procedure.clicked.connect(lambda: self._group_by("procedure"))
        self.group_key = "clerk"
        # The counts per clerk / procedure: under the list (the counter's narrow screen), or
        # beside it (the office window, whose tab is wide and low).
        switch = QHBoxLayout() if side_by_side else QVBoxLayout()
        switch.setSpacing(6)
        switch.addWidget(self.by_clerk)
        switch.addWidget(self.by_procedure)
        switch.addStretch(1)
        groups = QVBoxLayout() if side_by_side else QHBoxLayout()
        groups.setSpacing(6 if side_by_side else 10)
        groups.addLayout(switch)
        groups.addWidget(self.groups, 1)
        body = QHBoxLayout() if side_by_side else QVBoxLayout()
        body.setSpacing(10 if side_by_side else 8)
        if side_by_side:
            # The office window's tab is low on a short screen: the lists scroll, a header and
            # a row or two of each still shown.
            for table in (self.table, self.groups):
                table.setMinimumHeight(44)
        body.addWidget(self.table, 3)
        body.addLayout(groups, 2 if side_by_side else 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 6 if side_by_side else 8, 10, 6 if side_by_side else 8)
        box.setSpacing(6 if side_by_side else 8)
        box.addLayout(top)
        box.addLayout(body, 1)
        self._show_counts({OVERDUE: 0, TODAY: 0, SOON: 0})
        self.set_state("busy", self.tr("Đang tải danh sách…"))

    # -- filling --------------------------------------------------------------------------

    def set_list(self, listing: DueList) -> None:
        self.listing = listing
        self.within = listing.within
        self.entries = list(listing.entries)
        t = self.table
        t.setRowCount(len(self.entries))
        for r, e in enumerate(self.entries):
            cells = (e.code, e.procedure_name, f"{e.due_date:%d/%m/%Y}", progress_text(e),
                     e.clerk)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, e.kind)
                if e.overdue and c in (0, 3):
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                    item.setForeground(Qt.GlobalColor.darkRed)
                t.setItem(r, c, item)
        t.resizeRowsToContents()
        self._show_counts({kind: len(listing.of(kind)) for kind in (OVERDUE, TODAY, SOON)})
        self._fill_groups()
        if listing.stale:
            self.set_state("failed", self.tr("Mất kết nối máy chủ: chỉ hồ sơ máy này đã xử lý, "
                                             "có thể chưa mới nhất."))
        elif not self.entries:
            self.set_state("ok", self.tr("Không có hồ sơ quá hạn hoặc sắp đến hạn."))
        else:
            self.set_state("muted", self.tr("Chạm vào một hồ sơ (hoặc Enter) để mở."))

    def failed(self, message: str) -> None:
        self.set_state("failed", message)

    def _show_counts(self, counts: dict[str, int]) -> None:
        names = {OVERDUE: self.tr("Quá hạn: %1"), TODAY: self.tr("Hôm nay: %1"),
                 SOON: self.tr("Trong %2 ngày tới: %1")}
        for kind, chip in self.counts.items():
            chip.setText(names[kind].replace("%1", str(counts.get(kind, 0)))
                         .replace("%2", str(self.within)))
            set_prop(chip, "empty", counts.get(kind, 0) == 0)

    def _group_by(self, key: str) -> None:
        self.group_key = key
        self.by_clerk.setChecked(key == "clerk")
        self.by_procedure.setChecked(key == "procedure")
        self._fill_groups()

    def _fill_groups(self) -> None:
        rows = per(self.entries, self.group_key)
        first = self.tr("Cán bộ") if self.group_key == "clerk" else self.tr("Thủ tục")
        self.groups.setHorizontalHeaderLabels([first, *(tr_marked(c) for c in _GROUP_COLUMNS)])
        self.groups.setRowCount(len(rows))
        for r, g in enumerate(rows):
            name = g["clerk"] if self.group_key == "clerk" else g["procedure_name"]
            self.groups.setItem(r, 0, QTableWidgetItem(name))
            for c, kind in enumerate((OVERDUE, TODAY, SOON), start=1):
                item = QTableWidgetItem(str(g[kind]))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.groups.setItem(r, c, item)
        for c in range(1, 4):
            self.groups.setColumnWidth(c, _GROUP_WIDTH)
        self.groups.resizeRowsToContents()

    def set_state(self, state: str, text: str) -> None:
        self.state.setText(text)
        set_prop(self.state, "state", state)

    def _open_row(self, row: int) -> None:
        if 0 <= row < len(self.entries):
            self.open_requested.emit(self.entries[row].code)

    def focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.entries and self.table.currentRow() < 0:
            self.table.setCurrentCell(0, 0)

