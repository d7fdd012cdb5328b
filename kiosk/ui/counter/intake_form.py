"""The intake page: who submits (filled from the ID card scan), which procedure, which
documents were received, and what the citizen is told (appointment date, fee).

The page only collects and shows; window.py saves on its desk lane. Nothing here logs what
is typed or scanned: it is personal data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kiosk.calendar import CalendarRules, plan_appointment
from kiosk.dossiers.checks import EMAIL_RE, ID_NUMBER_RE, PHONE_RE
from kiosk.dossiers.models import Dossier, Intake, Person
from kiosk.dossiers.procedures import Procedure
from kiosk.ui.counter.documents import DocumentsChecklist
from kiosk.ui.counter.procedure_picker import ProcedurePicker
from kiosk.ui.counter.text import GENDER_VI, day_text, parse_day, weekday_text
from kiosk.ui.widgets import KeyButton, WrapRow, card, field_label, set_prop, value_label

#: Fields a CCCD scan fills: form attribute -> parser field.
SCANNED_FIELDS = {"name": "full_name", "id_number": "id_number", "birth_date": "date_of_birth",
                  "gender": "gender", "address": "address"}


class FormProblem(ValueError):
    """Something the clerk has to fix before saving; `widget` is where to put the cursor."""

    def __init__(self, message_vi: str, widget: QWidget | None = None) -> None:
        super().__init__(message_vi)
        self.message_vi = message_vi
        self.widget = widget


def ask_unsaved(parent: QWidget, name: str, text: str, act_label: str,
                act: Callable[[], None]) -> QMessageBox:
    """Ask before something takes an unsaved, filled form off the screen; `act()` runs only if
    the clerk chooses the button `act_label`. Enter and Esc keep the form (nothing typed is
    lost by a reflex). Window-modal without a nested event loop: the answer arrives through
    `act`."""
    box = QMessageBox(parent)
    box.setObjectName(name)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(box.tr("Phiếu chưa lưu"))
    box.setText(text)
    box.setInformativeText(box.tr("Enter hoặc Esc: giữ lại phiếu để tiếp tục nhập và lưu "
                                  "(F5). Tab rồi Enter: %1.").replace("%1", act_label))
    keep = box.addButton(box.tr("Giữ lại phiếu"), QMessageBox.ButtonRole.RejectRole)
    go = box.addButton(act_label, QMessageBox.ButtonRole.DestructiveRole)
    keep.setObjectName("KeepButton")
    go.setObjectName("ActButton")
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def answered(_result: int) -> None:
        if box.clickedButton() is go:
            act()

    box.finished.connect(answered)
    box.open()
    return box


def ask_discard(parent: QWidget, discard: Callable[[], None]) -> QMessageBox:
    """Before a new intake (F2) wipes the form."""
    return ask_unsaved(parent, "DiscardDialog", parent.tr(
        "Phiếu đang nhập chưa được lưu. Bỏ phiếu này để tiếp nhận hồ sơ mới?"),
        parent.tr("Bỏ phiếu, tạo hồ sơ mới"), discard)


def ask_call_next(parent: QWidget, call: Callable[[], None]) -> QMessageBox:
    """Before "Xong, gọi tiếp" (F3) takes the form off the screen with the citizen who
    leaves (the form is cleared once the call has gone through)."""
    return ask_unsaved(parent, "CallNextDialog", parent.tr(
        "Phiếu đang nhập chưa được lưu. Gọi số tiếp sẽ xoá phiếu này khỏi màn hình."),
        parent.tr("Bỏ phiếu, gọi số tiếp"), call)


def _line(name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


class IntakeForm(QWidget):
    """The intake page. `clock()` is the office's local time (appointment preview)."""

    def __init__(self, procedures: Sequence[Procedure], rules: CalendarRules,
                 clock: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "page")
        self.rules = rules
        self.clock = clock
        self.procedure: Procedure | None = None
        self.saved: Dossier | None = None

        # -- 1. submitter ---------------------------------------------------------------
        self.name = _line("Name", self.tr("Quét thẻ căn cước hoặc nhập họ tên"))
        self.id_number = _line("IdNumber", self.tr("12 chữ số"))
        self.id_number.setValidator(QRegularExpressionValidator(
            QRegularExpression(r"[0-9A-Za-z]{0,15}"), self.id_number))
        self.birth_date = _line("BirthDate", self.tr("ngày/tháng/năm"))
        self.birth_date.setMaxLength(10)
        self.birth_date.setMinimumWidth(112)  # "23/05/2002" whole, also on a narrow screen
        self.gender = QComboBox()
        self.gender.setObjectName("Gender")
        for text in ("", "Nam", "Nữ"):
            self.gender.addItem(text, text)
        self.address = _line("Address")
        self.phone = _line("Phone", self.tr("Số điện thoại liên hệ"))
        self.phone.setValidator(QRegularExpressionValidator(
            QRegularExpression(r"[0-9 .+]{0,16}"), self.phone))
        self.email = _line("Email", self.tr("không bắt buộc"))
        self.owner = _line("OwnerName", self.tr("bỏ trống nếu chính là người nộp"))

        person, person_box, _ = card(self.tr("1. Người nộp hồ sơ"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        grid.addWidget(field_label(self.tr("Họ và tên"), self.name), 0, 0)
        grid.addWidget(self.name, 0, 1, 1, 3)
        grid.addWidget(field_label(self.tr("Số định danh"), self.id_number), 1, 0)
        grid.addWidget(self.id_number, 1, 1, 1, 3)
        grid.addWidget(field_label(self.tr("Ngày sinh"), self.birth_date), 2, 0)
        grid.addWidget(self.birth_date, 2, 1)
        grid.addWidget(field_label(self.tr("Giới tính"), self.gender), 2, 2)
        grid.addWidget(self.gender, 2, 3)
        grid.addWidget(field_label(self.tr("Địa chỉ"), self.address), 3, 0)
        grid.addWidget(self.address, 3, 1, 1, 3)
        grid.addWidget(field_label(self.tr("Điện thoại"), self.phone), 4, 0)
        grid.addWidget(self.phone, 4, 1, 1, 3)
        grid.addWidget(field_label(self.tr("Email"), self.email), 5, 0)
        grid.addWidget(self.email, 5, 1, 1, 3)
        grid.addWidget(field_label(self.tr("Chủ hồ sơ"), self.owner), 6, 0)
        grid.addWidget(self.owner, 6, 1, 1, 3)
        person_box.addLayout(grid)

        # -- 2. procedure ---------------------------------------------------------------
        self.picker = ProcedurePicker(procedures)
        self.picker.chosen.connect(self.set_procedure)
        proc_card, proc_box, _ = card(self.tr("2. Thủ tục hành chính"))
        proc_box.addWidget(self.picker, 1)
        # On a 1093x614 screen (1366x768 at 125 %) with a message shown, the list gives up
        # height first: two rows still show, the search field keeps working.
        self.picker.list.setMinimumHeight(36)

        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(person)
        left.addWidget(proc_card, 1)

        # -- 3. documents, appointment, result ------------------------------------------
        self.procedure_name = value_label("ProcedureName")
        self.procedure_meta = QLabel()
        self.procedure_meta.setProperty("role", "hint")
        self.procedure_meta.setWordWrap(True)
        self.appointment = QLabel()
        self.appointment.setObjectName("Appointment")
        self.appointment.setWordWrap(True)
        self.appointment_note = QLabel()
        self.appointment_note.setProperty("role", "hint")
        self.appointment_note.setWordWrap(True)
        self.fee = value_label("Fee")
        self.documents = DocumentsChecklist()
        self.all_button = KeyButton(self.tr("Nhận đủ tất cả (Ctrl+D)"))
        self.all_button.setObjectName("AllDocuments")
        self.all_button.clicked.connect(lambda: self.documents.set_all(True))
        self.sets = QSpinBox()
        self.sets.setObjectName("Sets")
        self.sets.setRange(1, 99)
        self.area = _line("Area", self.tr("thôn, tổ dân phố"))
        self.notes = _line("Notes", self.tr("ghi chú thêm (không bắt buộc)"))

        right, right_box, _ = card(self.tr("3. Giấy tờ nhận và hẹn trả"))
        right_box.addWidget(self.procedure_name)
        right_box.addWidget(self.procedure_meta)
        fee_row = QHBoxLayout()
        fee_row.addWidget(field_label(self.tr("Phí, lệ phí:")))
        fee_row.addWidget(self.fee, 1)
        right_box.addLayout(fee_row)
        right_box.addWidget(self.appointment)
        right_box.addWidget(self.appointment_note)
        docs_head = QHBoxLayout()
        docs_title = field_label(self.tr("Giấy tờ đã nhận (↑↓ di chuyển, Space đánh dấu)"))
        docs_title.setWordWrap(True)
        docs_head.addWidget(docs_title, 1)
        docs_head.addWidget(self.all_button)
        right_box.addLayout(docs_head)
        right_box.addWidget(self.documents, 1)
        extra = QGridLayout()
        extra.setHorizontalSpacing(8)
        extra.setColumnStretch(3, 1)
        extra.addWidget(field_label(self.tr("Số bộ"), self.sets), 0, 0)
        extra.addWidget(self.sets, 0, 1)
        extra.addWidget(field_label(self.tr("Địa bàn"), self.area), 0, 2)
        extra.addWidget(self.area, 0, 3)
        extra.addWidget(field_label(self.tr("Ghi chú"), self.notes), 1, 0)
        extra.addWidget(self.notes, 1, 1, 1, 3)
        right_box.addLayout(extra)

        # The outcome of the last save and print, with what can be done next.
        self.result = QFrame()
        self.result.setObjectName("ResultBox")
        self.saved_code = QLabel()
        self.saved_code.setObjectName("SavedCode")
        self.saved_code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.print_state = QLabel()
        self.print_state.setObjectName("PrintState")
        self.print_state.setWordWrap(True)
        self.print_state.setSizePolicy(QSizePolicy.Policy.Expanding,
                                       QSizePolicy.Policy.Preferred)
        result_box = QVBoxLayout(self.result)
        result_box.setContentsMargins(10, 6, 10, 6)
        result_box.setSpacing(2)
        result_box.addWidget(self.saved_code)
        result_box.addWidget(self.print_state)
        self.result.hide()

        self.save_button = KeyButton(self.tr("Lưu hồ sơ (F5)"), "primary")
        self.save_button.setObjectName("SaveButton")
        self.print_button = KeyButton(self.tr("In phiếu (F6)"))
        self.print_button.setObjectName("PrintButton")
        self.a4_button = KeyButton(self.tr("In giấy A4 (F7)"))
        self.a4_button.setObjectName("A4Button")
        self.new_button = KeyButton(self.tr("Hồ sơ mới (F2)"))
        self.new_button.setObjectName("NewButton")
        # One row at 1366x768; where the window is narrower (125 % scaling, or the citizen's
        # rating panel beside the form) the shorter texts (the whole one in the tool tip),
        # else two rows, never squeezed.
        self.buttons = WrapRow([self.save_button, self.print_button, self.a4_button],
                               trailing=self.new_button, compact={
                                   self.save_button: self.tr("Lưu (F5)"),
                                   self.a4_button: self.tr("A4 (F7)"),
                                   self.new_button: self.tr("Mới (F2)")})
        right_box.addWidget(self.result)
        right_box.addWidget(self.buttons)

        row = QHBoxLayout(self)
        row.setContentsMargins(10, 8, 10, 8)
        row.setSpacing(10)
        row.addLayout(left, 46)
        row.addWidget(right, 54)

        self._typed_fields = (self.name, self.id_number, self.birth_date, self.address,
                              self.phone, self.email, self.owner, self.area, self.notes)
        # Enter moves on to the next field, as in the paper-form entry programs clerks know;
        # after "Chủ hồ sơ" it lands in the procedure search.
        for edit in (self.name, self.id_number, self.birth_date, self.address, self.phone,
                     self.email, self.owner, self.area):
            edit.returnPressed.connect(self.focusNextChild)
        self.clear()

    # -- filling ------------------------------------------------------------------------

    def fill_from_scan(self, fields: dict[str, Any], *, unchecked: bool = False) -> None:
        """Put a parsed CCCD into the submitter fields (phone and email are typed) and move the
        cursor to the phone number, the next thing to ask the citizen. `unchecked`: the read
        lost its diacritics, so the name and address are marked for checking, not as read."""
        if self.saved is not None:
            self.clear()  # a new citizen's card after the last dossier was saved
        self.name.setText(fields.get("full_name") or "")
        self.id_number.setText(fields.get("id_number") or "")
        dob = fields.get("date_of_birth")
        self.birth_date.setText(day_text(date.fromisoformat(dob)) if dob else "")
        self.gender.setCurrentIndex(max(0, self.gender.findData(
            GENDER_VI.get(fields.get("gender") or "", ""))))
        self.address.setText(fields.get("address") or "")
        for edit in (self.name, self.id_number, self.birth_date, self.address):
            edit.setCursorPosition(0)
            set_prop(edit, "filled", "scan")
        if unchecked:
            for edit in (self.name, self.address):
                set_prop(edit, "filled", "check")
        self.phone.setFocus(Qt.FocusReason.OtherFocusReason)

    def recall_contact(self, phone: str, email: str) -> bool:
        """Fill the phone and e-mail fields that are still empty from a returning citizen's
        last dossier (never what the clerk typed); True if something was filled. A phone
        filled while the cursor is in it is selected, so typing a new number replaces it."""
        filled = False
        for edit, value in ((self.phone, phone), (self.email, email)):
            if value and not edit.text().strip() and not edit.isReadOnly():
                edit.setText(value)
                set_prop(edit, "filled", "history")
                filled = True
                if edit.hasFocus():
                    edit.selectAll()
        return filled

    def set_procedure(self, procedure: Procedure) -> None:
        self.procedure = procedure
        self.procedure_name.setText(procedure.name)
        self.procedure_meta.setText(
            f"{procedure.code} · {procedure.field_name} · {procedure.processing_text}")
        self.fee.setText(procedure.fee_text)
        self.documents.set_documents(procedure.documents)
        self._set_tab_order()
        self.update_appointment()
        if not self.documents.focus_first():
            self.sets.setFocus(Qt.FocusReason.OtherFocusReason)

    def update_appointment(self) -> None:
        """The appointment date the citizen would get if saved now (the saved dossier's own
        date, computed in the same transaction, is what the receipt shows)."""
        self.appointment_note.hide()
        if self.procedure is None:
            self.appointment.setText(self.tr("Hẹn trả kết quả: chọn thủ tục để tính ngày hẹn."))
            return
        now = self.clock()
        try:
            plan = plan_appointment(now, self.procedure.processing_days, self.rules)
        except ValueError:
            self.appointment.setText(self.tr("Hẹn trả kết quả: không tính được ngày hẹn."))
            return
        self.appointment.setText(self.tr("Hẹn trả kết quả: %1").replace(
            "%1", weekday_text(plan.due)))
        if plan.received_as != now.date():
            self.appointment_note.setText(
                self.tr("Nhận sau %1 hoặc vào ngày nghỉ: tính là nhận ngày %2.")
                .replace("%1", f"{self.rules.cutoff:%H:%M}")
                .replace("%2", day_text(plan.received_as)))
            self.appointment_note.show()

    def clear(self) -> None:
        for edit in self._typed_fields:
            edit.clear()
            edit.setReadOnly(False)
            set_prop(edit, "filled", "")
        self.gender.setCurrentIndex(0)
        self.gender.setEnabled(True)
        self.sets.setValue(1)
        self.procedure = None
        self.saved = None
        self.picker.reset()
        self.documents.clear()
        self.procedure_name.setText(self.tr("Chưa chọn thủ tục"))
        self.procedure_meta.setText(self.tr("Ctrl+F để tìm thủ tục theo mã hoặc tên."))
        self.fee.setText("—")
        self.update_appointment()
        self.result.hide()
        self.saved_code.clear()
        self.print_state.clear()
        self._set_locked(False)
        self._set_tab_order()

    # -- reading ------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Everything the clerk has entered, as plain values (tests, "is the form empty")."""
        return {
            "name": self.name.text(), "id_number": self.id_number.text(),
            "birth_date": self.birth_date.text(), "gender": self.gender.currentData(),
            "address": self.address.text(), "phone": self.phone.text(),
            "email": self.email.text(), "owner": self.owner.text(),
            "procedure": self.procedure.code if self.procedure else None,
            "documents": [(d.name, d.form, d.quantity, d.received)
                          for d in self.documents.items()],
            "sets": self.sets.value(), "area": self.area.text(), "notes": self.notes.text(),
        }

    def has_work(self) -> bool:
        """Something the clerk typed, scanned or ticked that a new intake would throw away
        (a procedure merely picked is one keystroke to pick again)."""
        return any(edit.text().strip() for edit in self._typed_fields) or \
            self.documents.received_count() > 0

    def is_blank(self) -> bool:
        return not any(edit.text().strip() for edit in self._typed_fields) and \
            self.procedure is None

    def intake(self) -> Intake:
        """The Intake to save; FormProblem names the first thing to fix."""
        name = " ".join(self.name.text().split())
        if not name:
            raise FormProblem(self.tr("Cần nhập họ tên người nộp hồ sơ (hoặc quét thẻ căn "
                                      "cước)."), self.name)
        id_number = self.id_number.text().strip()
        if id_number and not ID_NUMBER_RE.fullmatch(id_number):
            raise FormProblem(self.tr("Số định danh không hợp lệ (12 chữ số; CMND cũ 9 chữ "
                                      "số)."), self.id_number)
        birth = parse_day(self.birth_date.text())
        if self.birth_date.text().strip() and (birth is None or birth > self.clock().date()):
            raise FormProblem(self.tr("Ngày sinh không hợp lệ: nhập dạng ngày/tháng/năm, ví dụ "
                                      "23/05/2002."), self.birth_date)
        phone = re.sub(r"[ .]", "", self.phone.text())
        if phone and not PHONE_RE.fullmatch(phone):
            raise FormProblem(self.tr("Số điện thoại không hợp lệ (8 đến 12 chữ số)."),
                              self.phone)
        email = self.email.text().strip()
        if email and not EMAIL_RE.fullmatch(email):
            raise FormProblem(self.tr("Địa chỉ email không hợp lệ."), self.email)
        if self.procedure is None:
            raise FormProblem(self.tr("Cần chọn thủ tục hành chính (Ctrl+F để tìm)."),
                              self.picker.search)
        if self.documents.rows and not self.documents.received_count():
            raise FormProblem(self.tr("Chưa đánh dấu giấy tờ nào đã nhận (Space để đánh dấu)."),
                              self.documents.rows[0].received)
        submitter = Person(name=name, id_number=id_number, birth_date=birth,
                           gender=self.gender.currentData() or "",
                           address=self.address.text(), phone=phone, email=email)
        owner_name = " ".join(self.owner.text().split())
        owner = Person(owner_name) if owner_name and owner_name != name else None
        return Intake(procedure_code=self.procedure.code, submitter=submitter, owner=owner,
                      documents=tuple(self.documents.items()), sets=self.sets.value(),
                      notes=self.notes.text(), area=self.area.text())

    # -- after saving -------------------------------------------------------------------

    def show_saved(self, dossier: Dossier) -> None:
        """The dossier is in the database: show its code and appointment date, keep what was
        entered on screen (read-only) until the next intake."""
        self.saved = dossier
        self._set_locked(True)
        self.saved_code.setText(self.tr("Đã lưu hồ sơ %1").replace("%1", dossier.code))
        self.appointment.setText(self.tr("Hẹn trả kết quả: %1").replace(
            "%1", weekday_text(dossier.appointment_date)))
        self.result.show()

    def set_print_state(self, state: str, text: str) -> None:
        """state: "busy", "ok", "failed" or "muted"."""
        self.print_state.setText(text)
        set_prop(self.print_state, "state", state)
        self.result.show()

    def _set_locked(self, locked: bool) -> None:
        for edit in self._typed_fields:
            edit.setReadOnly(locked)
        for widget in (self.gender, self.sets, self.picker, self.documents, self.all_button):
            widget.setEnabled(not locked)
        self.save_button.setEnabled(not locked)
        self.print_button.setEnabled(locked)
        self.a4_button.setEnabled(locked)

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [self.name, self.id_number, self.birth_date, self.gender,
                                self.address, self.phone, self.email, self.owner,
                                self.picker.search, self.picker.list,
                                *self.documents.widgets_in_tab_order(), self.all_button,
                                self.sets, self.area, self.notes, self.save_button,
                                self.print_button, self.a4_button, self.new_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
