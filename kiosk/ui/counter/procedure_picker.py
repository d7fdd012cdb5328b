"""The procedure picker: type part of a code or name (with or without diacritics), arrow keys
move through the matches, Enter picks one; or pick one of the first nine by its number. The
called ticket's service and the office's most used procedures come first
(kiosk.dossiers.ranking)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
from kiosk.dossiers.ranking import rank_procedures

CODE_ROLE = Qt.ItemDataRole.UserRole + 1
#: How many of the first rows number keys pick (1-9).
NUMBERED = 9


class ProcedureFilter(QSortFilterProxyModel):
    """Shows the procedures kiosk.dossiers.ranking ranks for the query, in its order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rank: dict[str, int] = {}
        self.setDynamicSortFilter(False)

    def set_order(self, codes: Sequence[str]) -> None:
        self._rank = {code: index for index, code in enumerate(codes)}
        # Both the filter and the order change: re-run both.
        self.invalidate()
        self.sort(0)

    def lessThan(self, left: QModelIndex | QPersistentModelIndex,  # noqa: N802 - Qt's name
                 right: QModelIndex | QPersistentModelIndex) -> bool:
        big = len(self._rank)
        return self._rank.get(left.data(CODE_ROLE), big) < self._rank.get(
            right.data(CODE_ROLE), big)

    def filterAcceptsRow(self, row: int,  # noqa: N802 - Qt's name
                         parent: QModelIndex | QPersistentModelIndex) -> bool:
        return self.sourceModel().index(row, 0, parent).data(CODE_ROLE) in self._rank

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = super().data(index, role)
        if role == Qt.ItemDataRole.DisplayRole and index.row() < NUMBERED:
            return f"{index.row() + 1}  {value}"  # the number key that picks it
        return value


def digit_of(event: QKeyEvent) -> int:
    """1-9 for the number keys (top row or keypad), else 0."""
    key = event.key()
    if Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
        return key - Qt.Key.Key_0
    return 0


class _SearchEdit(QLineEdit):
    """The search field hands Up/Down/PageUp/PageDown to the list, so the hands stay on the
    keyboard: type, arrow to the right line, Enter."""

    navigate = Signal(int)  # rows to move: -1, +1, -5, +5
    accept = Signal()
    pick = Signal(int)  # Alt+1..9: the numbered row


    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        moves = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5,
                 Qt.Key.Key_PageUp: -5}
        key = event.key()
        if key in moves:
            self.navigate.emit(moves[key])
            return
        if event.modifiers() & Qt.KeyboardModifier.AltModifier and digit_of(event):
            self.pick.emit(digit_of(event))
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept.emit()
            return
        if key == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class _ListView(QListView):
    """Enter picks the current row; a number key 1-9 (with or without Alt) the numbered one."""

    accept = Signal()
    pick = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept.emit()
            return
        if digit_of(event):
            self.pick.emit(digit_of(event))
            return
        super().keyPressEvent(event)


class ProcedurePicker(QWidget):
    """Search field over the procedure list. `chosen(Procedure)` when the clerk picks one.

    The order is kiosk.dossiers.ranking's: what was typed, then the called ticket's service
    and this office's counts (`set_context`). The first nine rows carry their number: the
    number key picks one in the list, Alt+number from the search field (the window also
    routes Alt+number to `pick` from anywhere on the intake page)."""

    chosen = Signal(object)

    def __init__(self, procedures: Sequence[Procedure], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = list(procedures)
        self.procedures = {p.code: p for p in procedures}
        self.current: Procedure | None = None
        self.service: str | None = None
        self.counts: dict[str, int] = {}
        self.model = QStandardItemModel(self)
        for p in procedures:
            item = QStandardItem(f"{p.name} · {p.code}")
            item.setEditable(False)
            item.setToolTip(f"{p.code} · {p.name}\n{p.field_name} · {p.processing_text}")
            item.setData(p.code, CODE_ROLE)
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
        self.search.pick.connect(self.pick)
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
        self.list.pick.connect(self.pick)
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

    def set_context(self, service: str | None = None,
                    counts: dict[str, int] | None = None) -> None:
        """The called ticket's service (None: no ticket) and, when given, this office's
        dossier counts per procedure; the list re-orders at once."""
        service = service or None
        if service == self.service and (counts is None or dict(counts) == self.counts):
            return  # nothing changed: keep the clerk's place in the list
        self.service = service
        if counts is not None:
            self.counts = dict(counts)
        self._filter(self.search.text())

    def _filter(self, text: str) -> None:
        ranked = rank_procedures(self.catalog, text, service=self.service, counts=self.counts)
        self.proxy.set_order([p.code for p in ranked])
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

    def pick(self, number: int) -> bool:
        """Choose the row numbered `number` (1-9) on screen; False if there is none."""
        if not 1 <= number <= min(NUMBERED, self.proxy.rowCount()) or not self.isEnabled():
            return False
        index = self.proxy.index(number - 1, 0)
        self.list.setCurrentIndex(index)
        self.choose(index.data(CODE_ROLE))
        return True

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
