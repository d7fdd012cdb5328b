"""The procedure picker: type part of a code or name (with or without diacritics), arrow keys
move through the matches, Enter picks one."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from kiosk.dossiers.procedures import Procedure
from kiosk.ui.counter.text import fold

CODE_ROLE = Qt.ItemDataRole.UserRole + 1
FOLDED_ROLE = Qt.ItemDataRole.UserRole + 2
NAME_ROLE = Qt.ItemDataRole.UserRole + 3


def relevance(query: str, code: str, folded_name: str) -> int:
    """0 best: the code or the name starts with what was typed; 1 the name holds it as a
    phrase; 2 the name holds every word; 3 some words only matched the field name. So "khai tu"
    puts "Đăng ký khai tử" before "Đăng ký khai sinh" (field "Tư pháp – Hộ tịch")."""
    q = fold(query)
    if code.startswith(q) or folded_name.startswith(q):
        return 0
    if q in folded_name:
        return 1
    if all(word in folded_name for word in q.split()):
        return 2
    return 3


class ProcedureFilter(QSortFilterProxyModel):
    """Rows whose code, name or field contain every typed word, accent-insensitively; the
    best matches first, then catalog order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._query = ""
        self.setDynamicSortFilter(True)

    def set_query(self, text: str) -> None:
        self._words = fold(text).split()
        self._query = " ".join(self._words)
        # Both the filter and the order depend on the query: re-run both.
        self.invalidate()
        self.sort(0)

    def lessThan(self, left: QModelIndex | QPersistentModelIndex,  # noqa: N802 - Qt's name
                 right: QModelIndex | QPersistentModelIndex) -> bool:
        if self._query:
            a = relevance(self._query, left.data(CODE_ROLE), left.data(NAME_ROLE))
            b = relevance(self._query, right.data(CODE_ROLE), right.data(NAME_ROLE))
            if a != b:
                return a < b
        return left.row() < right.row()

    def filterAcceptsRow(self, row: int,  # noqa: N802 - Qt's name
                         parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._words:
            return True
        hay = self.sourceModel().index(row, 0, parent).data(FOLDED_ROLE) or ""
        return all(word in hay for word in self._words)


class _SearchEdit(QLineEdit):
    """The search field hands Up/Down/PageUp/PageDown to the list, so the hands stay on the
    keyboard: type, arrow to the right line, Enter."""

    navigate = Signal(int)  # rows to move: -1, +1, -5, +5
    accept = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        moves = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5,
                 Qt.Key.Key_PageUp: -5}
        key = event.key()
        if key in moves:
            self.navigate.emit(moves[key])
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept.emit()
            return
        if key == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class _ListView(QListView):
    accept = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept.emit()
            return
        super().keyPressEvent(event)


class ProcedurePicker(QWidget):
    """Search field over the procedure list. `chosen(Procedure)` when the clerk picks one."""

    chosen = Signal(object)

    def __init__(self, procedures: Sequence[Procedure], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.procedures = {p.code: p for p in procedures}
        self.current: Procedure | None = None
        self.model = QStandardItemModel(self)
        for p in procedures:
            item = QStandardItem(f"{p.name} · {p.code}")
            item.setEditable(False)
            item.setToolTip(f"{p.code} · {p.name}\n{p.field_name} · {p.processing_text}")
            item.setData(p.code, CODE_ROLE)
            item.setData(fold(f"{p.code} {p.name} {p.field_name}"), FOLDED_ROLE)
            item.setData(fold(p.name), NAME_ROLE)
            self.model.appendRow(item)
        self.proxy = ProcedureFilter(self)
        self.proxy.setSourceModel(self.model)

        self.search = _SearchEdit()
        self.search.setObjectName("ProcedureSearch")
        self.search.setPlaceholderText(self.tr("Gõ mã hoặc tên thủ tục, có dấu hay không dấu "
                                               "(Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.search.navigate.connect(self._move)
        self.search.accept.connect(self.choose_current)
        self.count = QLabel()
        self.count.setProperty("role", "hint")
        self.list = _ListView()
        self.list.setObjectName("ProcedureList")
        self.list.setModel(self.proxy)
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Long procedure names wrap instead of scrolling sideways.
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.accept.connect(self.choose_current)
        self.list.clicked.connect(self._clicked)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(6)
        box.addLayout(top)
        box.addWidget(self.list, 1)
        self._filter("")

    # -- searching -----------------------------------------------------------------------

    def _filter(self, text: str) -> None:
        self.proxy.set_query(text)
        rows = self.proxy.rowCount()
        self.count.setText(self.tr("%n thủ tục", "", rows))
        if rows:
            # The best guess is the first match, so Enter right after typing picks it.
            self.list.setCurrentIndex(self.proxy.index(0, 0))
        self.list.scrollToTop()

    def _move(self, step: int) -> None:
        rows = self.proxy.rowCount()
        if not rows:
            return
        current = self.list.currentIndex().row()
        row = min(rows - 1, max(0, (current if current >= 0 else -1) + step))
        index = self.proxy.index(row, 0)
        self.list.setCurrentIndex(index)
        self.list.scrollTo(index)

    def visible_codes(self) -> list[str]:
        """Codes of the procedures the list shows now, in order."""
        return [self.proxy.index(r, 0).data(CODE_ROLE) for r in range(self.proxy.rowCount())]

    # -- choosing ------------------------------------------------------------------------

    def _clicked(self, index: QModelIndex) -> None:
        self.list.setCurrentIndex(index)
        self.choose_current()

    def choose_current(self) -> None:
        index = self.list.currentIndex()
        if not index.isValid() and self.proxy.rowCount() == 1:
            index = self.proxy.index(0, 0)
        if index.isValid():
            self.choose(index.data(CODE_ROLE))

    def choose(self, code: str) -> None:
        procedure = self.procedures.get(code)
        if procedure is None:
            return
        self.current = procedure
        self.chosen.emit(procedure)

    def reset(self) -> None:
        self.current = None
        self.search.clear()
        self._filter("")

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
