"""The dossier page's paperwork: the official slips issued for the open dossier (Mẫu 02-05)
and its hand-overs between the counter and the departments (Mẫu 05's steps).

- `PaperworkList`: one table, oldest first, a slip or a hand-over a row (what, when, who, in
  short); for the selected slip "In lại" (the receipt printer) and "PDF A4" (written to the
  counter's A4 folder and opened with the PC's viewer); "Giao hồ sơ…" opens the hand-over row.
- `HandoverPanel`: inline, one row like the slip panel: to whom (the parties this station
  has handed dossiers to, or typed), received by, an optional due date, a note. Enter records,
  Esc closes.
- `PaperworkActions`: the window's side, on its lanes (kiosk/ui/operations.py): reads the
  paperwork (counter-desk), records a hand-over through kiosk.dossiers.slips.record_handover
  (the service `kiosk dossier handover` uses), writes the PDF (counter-desk) and reprints
  (counter-printer). Failures are worded by kiosk/failures.py.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.failures import CLERK, wording
from kiosk.printout.forms import printed_number
from kiosk.ui.counter.lanes import receipt_failure
from kiosk.ui.counter.text import when_text
from kiosk.ui.i18n import translate
from kiosk.ui.widgets import KeyButton, WrapRow, field_label

if TYPE_CHECKING:
    from kiosk.ui.counter.lanes import Paperwork

log = logging.getLogger(__name__)

#: How much of a reason the list shows (the whole text is the row's tool tip).
SHORT = 70
SLIP, HANDOVER = "slip", "handover"


def _short(text: str, limit: int = SHORT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _day(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def slip_summary(slip: Any) -> str:
    """What a slip said, in a line: the items asked for (02), the reason (03), the new date
    and reason (04), how many hand-overs it lists (05)."""
    if slip.form == "02":
        missing = slip.details.get("missing") or [slip.reason or ""]
        return "; ".join(missing)
    if slip.form == "04":
        return translate("paperwork", "Hẹn mới %1: %2").replace(
            "%1", _day(slip.new_date)).replace("%2", slip.reason or "")
    if slip.form == "05":
        return translate("paperwork", "%1 lần giao nhận").replace(
            "%1", str(len(slip.details.get("handovers", ()))))
    return slip.reason or ""


def handover_summary(handover: Any) -> str:
    parts = [translate("paperwork", "→ %1, người nhận %2").replace(
        "%1", handover.to_party).replace("%2", handover.received_by)]
    if handover.due_date:
        parts.append(translate("paperwork", "hạn %1").replace("%1", _day(handover.due_date)))
    if handover.note:
        parts.append(handover.note)
    return ", ".join(parts)


class PaperworkList(QWidget):
    """The slips and hand-overs of the open dossier; `reprint_requested(slip)`,
    `pdf_requested(slip)`, `handover_clicked()`."""

    reprint_requested = Signal(object)
    pdf_requested = Signal(object)
    handover_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paperwork: Paperwork | None = None
        self._busy = False
        self.entries: list[tuple[str, Any]] = []  # (SLIP | HANDOVER, record), as listed
        title = QLabel(self.tr("Phiếu đã lập, giao nhận"))
        title.setProperty("role", "cardTitle")
        self.handover_button = KeyButton(self.tr("Giao hồ sơ…"))
        self.handover_button.setObjectName("HandoverButton")
        self.handover_button.setToolTip(self.tr("Ghi lần giao hồ sơ cho phòng, ban hoặc cơ quan "
                                                "khác (in trên phiếu Mẫu 05)"))
        self.handover_button.clicked.connect(self.handover_clicked.emit)
        self.reprint_button = KeyButton(self.tr("In lại phiếu"))
        self.reprint_button.setObjectName("ReprintSlip")
        self.reprint_button.setToolTip(self.tr("In lại phiếu đang chọn trên máy in nhiệt"))
        self.reprint_button.clicked.connect(lambda: self._emit(self.reprint_requested))
        self.pdf_button = KeyButton(self.tr("PDF A4"))
        self.pdf_button.setObjectName("SlipPdf")
        self.pdf_button.setToolTip(self.tr("Tạo tệp PDF khổ A4 của phiếu đang chọn và mở ra "
                                           "để in trên máy in văn phòng"))
        self.pdf_button.clicked.connect(lambda: self._emit(self.pdf_requested))
        head = QHBoxLayout()
        head.setSpacing(6)
        head.addWidget(title, 1, Qt.AlignmentFlag.AlignTop)
        # Beside the title where there is room, under each other on a narrow page.
        head.addWidget(WrapRow([self.handover_button, self.reprint_button, self.pdf_button],
                               right=True, spacing=6, hfw=False))

        self.table = QTableWidget(0, 4)
        self.table.setObjectName("PaperworkTable")
        self.table.setHorizontalHeaderLabels([self.tr("Phiếu"), self.tr("Thời gian"),
                                              self.tr("Cán bộ"), self.tr("Nội dung")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        # Arrows pick a slip; the buttons act on it.
        self.table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.table.itemSelectionChanged.connect(self._update)
        self.empty = QLabel(self.tr("Chưa lập phiếu nào, chưa giao hồ sơ lần nào."))
        self.empty.setProperty("role", "hint")

        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        box.addLayout(head)
        box.addWidget(self.table, 1)
        box.addWidget(self.empty)
        self.show_paperwork(None)

    def show_paperwork(self, paperwork: Paperwork | None, select: str | None = None) -> None:
        """List `paperwork` (None: nothing read yet); select the slip `select` (a uid), else
        the latest slip."""
        self.paperwork = paperwork
        entries: list[tuple[Any, str, Any]] = []
        if paperwork is not None:
            entries += [(s.issued_at, SLIP, s) for s in paperwork.slips]
            entries += [(h.at, HANDOVER, h) for h in paperwork.handovers]
        entries.sort(key=lambda e: e[0])
        self.entries = [(kind, record) for _, kind, record in entries]
        self.table.setRowCount(0)
        chosen = -1
        for row, (kind, record) in enumerate(self.entries):
            self.table.insertRow(row)
            if kind == SLIP:
                values = (self.tr("Mẫu %1").replace("%1", printed_number(record.form)),
                          when_text(record.issued_at), record.clerk, slip_summary(record))
                if select is None or record.uid == select:
                    chosen = row
            else:
                values = (self.tr("Giao nhận"), when_text(record.at), record.handed_by,
                          handover_summary(record))
            for column, value in enumerate(values):
                item = QTableWidgetItem(_short(value) if column == 3 else value)
                if column == 3:
                    item.setToolTip(value)  # the whole text where the column cuts it
                self.table.setItem(row, column, item)
        self.table.setVisible(bool(self.entries))
        self.empty.setVisible(paperwork is not None and not self.entries)
        if chosen >= 0:
            self.table.selectRow(chosen)
            self.table.scrollToItem(self.table.item(chosen, 0))
        self._update()

    def selected_slip(self) -> Any | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        kind, record = self.entries[rows[0].row()]
        return record if kind == SLIP else None

    def set_busy(self, busy: bool) -> None:
        self.handover_button.setEnabled(not busy)
        self._busy = busy
        self._update()

    def _update(self) -> None:
        has = self.selected_slip() is not None and not self._busy
        self.reprint_button.setEnabled(has)
        self.pdf_button.setEnabled(has)

    def _emit(self, signal: Any) -> None:
        slip = self.selected_slip()
        if slip is not None:
            signal.emit(slip)


class HandoverPanel(QFrame):
    """Inline, one row: to whom, received by, an optional due date, a note.
    `requested(to_party, received_by, due_iso_or_empty, note)`; the desk checks the rules."""

    requested = Signal(str, str, str, str)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("HandoverPanel")
        self.party = QComboBox()
        self.party.setObjectName("HandoverParty")
        self.party.setEditable(True)
        self.party.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.party.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.party.setMinimumContentsLength(14)
        self.party.lineEdit().setPlaceholderText(self.tr("Phòng, ban, cơ quan nhận"))
        self.party.editTextChanged.connect(self._update)
        self.received_by = QLineEdit()
        self.received_by.setObjectName("HandoverReceivedBy")
        self.received_by.setPlaceholderText(self.tr("Họ tên người nhận"))
        self.received_by.textChanged.connect(self._update)
        # No due date unless one is chosen: the earliest date shows as "không hạn".
        self.due = QDateEdit()
        self.due.setObjectName("HandoverDue")
        self.due.setDisplayFormat("dd/MM/yyyy")
        self.due.setCalendarPopup(True)
        self.due.setSpecialValueText(self.tr("Không hạn"))
        self.note = QLineEdit()
        self.note.setObjectName("HandoverNote")
        self.note.setPlaceholderText(self.tr("Ghi chú (không bắt buộc)"))
        self.record_button = KeyButton(self.tr("Ghi giao nhận (Enter)"), "primary")
        self.record_button.setObjectName("RecordHandover")
        self.record_button.clicked.connect(self.submit)
        self.cancel_button = KeyButton(self.tr("Hủy (Esc)"))
        self.cancel_button.clicked.connect(self.cancelled.emit)
        # One row where the page is wide enough; on a narrow one (1366x768 at 125 %, the
        # rating panel beside) the due date, the note and the buttons go under the names.
        who = QWidget()
        row = QHBoxLayout(who)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(field_label(self.tr("Giao cho"), self.party))
        row.addWidget(self.party, 3)
        row.addWidget(field_label(self.tr("Người nhận"), self.received_by))
        row.addWidget(self.received_by, 2)
        rest = QWidget()
        row = QHBoxLayout(rest)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(field_label(self.tr("Hạn"), self.due))
        row.addWidget(self.due)
        row.addWidget(self.note, 1)
        row.addWidget(self.record_button)
        row.addWidget(self.cancel_button)
        self.rows = WrapRow([who, rest], stretch=(who, rest))
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 6, 10, 6)
        box.addWidget(self.rows)
        for widget in (self.party, self.received_by, self.due, self.note):
            widget.installEventFilter(self)
        QWidget.setTabOrder(self.party, self.received_by)
        QWidget.setTabOrder(self.received_by, self.due)
        QWidget.setTabOrder(self.due, self.note)
        QWidget.setTabOrder(self.note, self.record_button)
        QWidget.setTabOrder(self.record_button, self.cancel_button)

    def start(self, parties: tuple[str, ...], today: date) -> None:
        """Open empty, the parties used before offered (most recent first)."""
        self.party.clear()
        self.party.addItems(list(parties))
        self.party.setCurrentIndex(-1)
        self.party.setEditText("")
        self.received_by.clear()
        self.note.clear()
        none = today - timedelta(days=1)
        self.due.setMinimumDate(QDate(none.year, none.month, none.day))
        self.due.setDate(self.due.minimumDate())
        self._update()
        self.show()
        self.party.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def due_date(self) -> date | None:
        if self.due.date() == self.due.minimumDate():
            return None
        day = self.due.date()
        return date(day.year(), day.month(), day.day())

    def _update(self) -> None:
        self.record_button.setEnabled(bool(self.party.currentText().strip())
                                      and bool(self.received_by.text().strip()))

    def submit(self) -> None:
        if not self.record_button.isEnabled():
            return
        due = self.due_date
        self.hide()
        self.requested.emit(self.party.currentText().strip(), self.received_by.text().strip(),
                            due.isoformat() if due else "", self.note.text().strip())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        # Enter records and Esc closes from every field (before the combo box or the date
        # field use them; an open completer or calendar popup keeps its keys).
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.submit()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.cancelled.emit()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape:  # from the buttons
            self.cancelled.emit()
            return
        super().keyPressEvent(event)


class PaperworkActions(QObject):
    """The window's side of the paperwork: each request on the lane that owns its resource,
    the answer back on the dossier page."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self._reprinting: set[str] = set()  # slips on their way to the printer
        view = window.dossier_view
        view.handover_requested.connect(self.record_handover)
        view.paperwork.reprint_requested.connect(self.reprint)
        view.paperwork.pdf_requested.connect(self.write_pdf)

    @property
    def view(self) -> Any:
        return self.window.dossier_view

    def refresh(self, code: str, select: str | None = None) -> None:
        """Read the dossier's slips and hand-overs again (after opening it, after a slip)."""
        self.window.lanes.desk.run(
            lambda desk: desk.paperwork(code),
            done=lambda paperwork: self.view.show_paperwork(paperwork, select),
            failed=lambda exc: self._failed(exc, translate("paperwork", "đọc được các phiếu "
                                                                        "của hồ sơ"),
                                            f"read the slips of {code}"),
            owner=self, label="read slips")

    def record_handover(self, code: str, to_party: str, received_by: str, due: str,
                        note: str) -> None:
        window = self.window
        if not window.clerk:
            self.view.action_failed(translate("paperwork", "Nhập họ tên cán bộ (ô Cán bộ ở góc "
                                                           "trên) trước khi giao hồ sơ."))
            window.clerk_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        clerk = window.clerk
        window.lanes.desk.run(
            lambda desk: desk.record_handover(code, to_party, received_by, due, note, clerk),
            done=lambda paperwork: self._handed_over(paperwork, to_party),
            failed=lambda exc: self._failed(exc, translate("paperwork", "ghi được giao nhận"),
                                            f"record a hand-over of {code}"),
            owner=self, label="record hand-over")

    def _handed_over(self, paperwork: Paperwork, to_party: str) -> None:
        self.window.sync.wake()
        self.view.handover_done(paperwork, to_party)
        self.window.check_book()

    def reprint(self, slip: Any) -> None:
        window = self.window
        if slip.uid in self._reprinting:
            return  # a second press while it prints: one copy
        self._reprinting.add(slip.uid)
        window._print_state(slip.code, "busy", translate(
            "paperwork", "Đang in lại phiếu Mẫu %1…").replace("%1", printed_number(slip.form)))
        window.lanes.printer.run(
            lambda printer: printer.print_slip(slip.uid),
            done=lambda _: self._reprinted(slip, None),
            failed=lambda exc: self._reprinted(slip, exc), owner=self, label="reprint slip")

    def _reprinted(self, slip: Any, exc: BaseException | None) -> None:
        self._reprinting.discard(slip.uid)
        window = self.window
        if exc is None:
            window._print_state(slip.code, "ok", translate(
                "paperwork", "Đã in lại phiếu Mẫu %1.").replace("%1", printed_number(slip.form)))
            return
        message_vi, _ = receipt_failure(slip.code, exc)
        text = translate("paperwork", "Chưa in lại được phiếu Mẫu %1: %2").replace(
            "%1", printed_number(slip.form)).replace("%2", message_vi)
        window._print_state(slip.code, "failed", text)
        window.banner.show_message("error", text, code="print")

    def write_pdf(self, slip: Any) -> None:
        window = self.window
        data_dir = window.paths.data_dir
        window._print_state(slip.code, "busy", translate("paperwork", "Đang tạo PDF A4…"))
        window.lanes.desk.run(
            lambda desk: desk.write_slip_pdf(slip.code, slip.uid, slip.form, slip.issued_at,
                                             data_dir),
            done=lambda path: self._pdf_written(slip, path),
            failed=lambda exc: self._failed(exc, translate("paperwork", "tạo được tệp PDF của "
                                                                        "phiếu"),
                                            f"write form {slip.form} of {slip.code} as PDF"),
            owner=self, label="write slip PDF")

    def _pdf_written(self, slip: Any, path: Path) -> None:
        self.window._print_state(slip.code, "ok", translate(
            "paperwork", "Đã tạo PDF A4 phiếu Mẫu %1: %2").replace(
                "%1", printed_number(slip.form)).replace("%2", str(path)))
        try:
            self.window.opener(Path(path))
        except Exception:
            log.exception("cannot open the A4 slip of %s", slip.code)

    def _failed(self, exc: BaseException, doing_vi: str, doing_en: str) -> None:
        message_vi, message_en = wording(exc, doing_vi, doing_en, audience=CLERK)
        log.warning("paperwork: %s", message_en)
        self.view.action_failed(message_vi)
        self.window.banner.show_message("error", message_vi, code="action")
