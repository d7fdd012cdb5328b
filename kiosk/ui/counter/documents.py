"""The documents checklist: one line per document the chosen procedure requires, each with
"received", its form (original / certified copy / copy) and how many."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kiosk.dossiers.models import DocumentItem
from kiosk.dossiers.procedures import DOCUMENT_FORMS, FORM_LABELS_VI, RequiredDocument


class _ToggleLabel(QLabel):
    """The document name: long names wrap here (a check box's own text cannot), and a click on
    it ticks the box, as a check box's text would."""

    def __init__(self, text: str, box: QCheckBox) -> None:
        super().__init__(text)
        self._box = box
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setBuddy(box)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self._box.toggle()
        self._box.setFocus(Qt.FocusReason.MouseFocusReason)


@dataclass
class DocumentRow:
    name: str
    received: QCheckBox
    label: QLabel
    form: QComboBox
    quantity: QSpinBox

    def item(self) -> DocumentItem:
        return DocumentItem(self.name, self.form.currentData(), self.quantity.value(),
                            self.received.isChecked())


class DocumentsChecklist(QWidget):
    """Rows built from a procedure's required documents. Up/Down move between the "received"
    boxes and Space ticks, so a clerk goes down the list without the mouse."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[DocumentRow] = []
        self.inner = QWidget()
        self.inner.setObjectName("DocumentsInner")
        self.grid = QGridLayout(self.inner)
        self.grid.setContentsMargins(4, 2, 4, 2)
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(1, 1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.inner)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.empty = QLabel(self.tr("Chọn thủ tục để hiện danh sách giấy tờ cần nộp."))
        self.empty.setProperty("role", "hint")
        self.empty.setWordWrap(True)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.empty)
        box.addWidget(self.scroll, 1)
        self._header()
        self.scroll.hide()

    def _header(self) -> None:
        for column, text in enumerate((self.tr("Nhận"), self.tr("Tên giấy tờ"),
                                       self.tr("Hình thức"), self.tr("Số lượng"))):
            head = QLabel(text)
            head.setProperty("role", "fieldLabel")
            self.grid.addWidget(head, 0, column)

    def set_documents(self, documents: Sequence[RequiredDocument]) -> None:
        self.clear()
        for index, doc in enumerate(documents, 1):
            box = QCheckBox()
            box.setObjectName(f"DocReceived{index}")
            box.setAccessibleName(doc.name)
            box.installEventFilter(self)
            box.toggled.connect(lambda _=False: self.changed.emit())
            label = _ToggleLabel(doc.name, box)
            form = QComboBox()
            for value in DOCUMENT_FORMS:
                form.addItem(FORM_LABELS_VI[value], value)
            form.setCurrentIndex(DOCUMENT_FORMS.index(doc.form))
            form.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            quantity = QSpinBox()
            quantity.setRange(1, 99)
            quantity.setValue(doc.quantity)
            quantity.setAccessibleName(self.tr("Số lượng"))
            for column, widget in enumerate((box, label, form, quantity)):
                align = Qt.AlignmentFlag.AlignVCenter
                if column == 0:
                    align |= Qt.AlignmentFlag.AlignHCenter
                self.grid.addWidget(widget, index, column, align)
            self.rows.append(DocumentRow(doc.name, box, label, form, quantity))
        self.grid.setRowStretch(len(self.rows) + 1, 1)
        self.empty.setVisible(not self.rows)
        self.scroll.setVisible(bool(self.rows))
        self.changed.emit()

    def clear(self) -> None:
        for row in self.rows:
            for widget in (row.received, row.label, row.form, row.quantity):
                self.grid.removeWidget(widget)
                # Hidden and detached now: deleteLater() alone leaves the old row painted
                # under the new one until the event loop gets round to deleting it.
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        self.rows = []
        self.empty.show()
        self.scroll.hide()

    def items(self) -> list[DocumentItem]:
        return [row.item() for row in self.rows]

    def received_count(self) -> int:
        return sum(row.received.isChecked() for row in self.rows)

    def set_all(self, received: bool = True) -> None:
        for row in self.rows:
            row.received.setChecked(received)

    def widgets_in_tab_order(self) -> list[QWidget]:
        return [w for row in self.rows for w in (row.received, row.form, row.quantity)]

    def focus_first(self) -> bool:
        if not self.rows:
            return False
        self.rows[0].received.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(event.key())
            boxes = [row.received for row in self.rows]
            if step and obj in boxes:
                target = boxes.index(obj) + step  # type: ignore[arg-type]
                if 0 <= target < len(boxes):
                    boxes[target].setFocus(Qt.FocusReason.TabFocusReason)
                    self.scroll.ensureWidgetVisible(boxes[target])
                return True
        return super().eventFilter(obj, event)
