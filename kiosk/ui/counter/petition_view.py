"""The counter window's petitions page (Ctrl+P, or the "Phản ánh" chip in the status line).

Left, a "Phản ánh, kiến nghị" a citizen tells the clerk at the counter: the same fields as the
kiosk's form (the topic from [selfservice] feedback_topics, the text, an optional phone
number), stored by kiosk/petitions/cases.py `take_petition` (channel "counter") on the desk
lane, its slip (kiosk/petitions/slip.py, the one the kiosk prints) printed on the receipt
printer's lane, and the code shown large for the clerk to read out. Right, the look-up by
code (typed, or the slip's CODE128 scanned anywhere in the window): the status, the deadline
(red when late) and the office's answer, the public view the kiosk shows the citizen
(kiosk/petitions/cases.py `office_lookup`: on a counter PC of a LAN office the hub's copy
first).

`install_petitions(window)` builds the page into the counter window (its page stack, a chip
in the status line, the Ctrl+P shortcut); everything else lives here. The petition's text and
phone number are personal data: never logged (logs name the code and lengths), cleared from
the screen with the next citizen.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk.failures import CLERK, wording
from kiosk.feedback.citizen_feedback import TEXT_MAX_CHARS, feedback_topic
from kiosk.ui.counter.text import weekday_text
from kiosk.ui.i18n import N_, tr_marked
from kiosk.ui.widgets import KeyButton, WrapRow, card, field_label, set_prop, value_label

log = logging.getLogger(__name__)

#: Opens the page (and, once a petition was saved, starts the next one).
KEY = "Ctrl+P"
PHONE_MAX_CHARS = 16
STATUS_WORDS = {"open": N_("Mới tiếp nhận"), "assigned": N_("Đang xử lý"),
                "answered": N_("Đã trả lời"), "closed": N_("Đã đóng")}


def petition_topics(config: Any) -> list[str]:
    """The kiosk's topics ([selfservice] feedback_topics, else the built-in ones), by their
    Vietnamese name (what is stored)."""
    from kiosk.ui.selfservice import selfservice_settings

    return [feedback_topic(t).name_vi for t in selfservice_settings(config).feedback_topics]


class PetitionView(QWidget):
    """The page. `save_requested` and `lookup_requested(code)` are acted on by
    PetitionDesk (below), which calls show_saved / set_print_state / show_lookup."""

    save_requested = Signal()
    reprint_requested = Signal()
    lookup_requested = Signal(str)

    def __init__(self, topics: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PetitionView")
        self.setProperty("role", "page")
        self.saved: Any = None  # the petition saved last (its code on screen)

        # -- taking a petition --
        take, take_box, _ = card(self.tr("Tiếp nhận phản ánh, kiến nghị tại quầy"))
        hint = QLabel(self.tr("Ghi lại phản ánh, kiến nghị công dân nêu tại quầy. Công dân "
                              "nhận phiếu có mã để xem trả lời tại ki-ốt (mục Tra cứu) hoặc "
                              "hỏi lại tại quầy."))
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        take_box.addWidget(hint)
        self.topic = QComboBox()
        self.topic.setObjectName("PetitionTopic")
        self.topic.addItems(topics)
        self.text = QPlainTextEdit()
        self.text.setObjectName("PetitionText")
        self.text.setPlaceholderText(self.tr("Nội dung phản ánh, kiến nghị của công dân"))
        self.text.setTabChangesFocus(True)
        self.text.textChanged.connect(self._count)
        self.count = QLabel()
        self.count.setProperty("role", "hint")
        self.phone = QLineEdit()
        self.phone.setObjectName("PetitionPhone")
        self.phone.setMaxLength(PHONE_MAX_CHARS)
        self.phone.setPlaceholderText(self.tr("không bắt buộc, để báo khi có trả lời"))
        self.phone.returnPressed.connect(self.save_requested)
        form = QFormLayout()
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(6)
        form.addRow(field_label(self.tr("Chủ đề"), self.topic), self.topic)
        form.addRow(field_label(self.tr("Nội dung"), self.text), self.text)
        form.addRow("", self.count)
        form.addRow(field_label(self.tr("Số điện thoại"), self.phone), self.phone)
        take_box.addLayout(form, 1)

        # The saved petition: its code large, to read out; the deadline; the slip's fate.
        self.result = QFrame()
        self.result.setObjectName("ResultBox")
        self.code_caption = QLabel(self.tr("Mã phản ánh (đọc cho công dân):"))
        self.code_caption.setProperty("role", "fieldLabel")
        self.code = QLabel()
        self.code.setObjectName("PetitionCode")
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.due = QLabel()
        self.due.setObjectName("PetitionDue")
        self.print_state = QLabel()
        self.print_state.setObjectName("PrintState")
        self.print_state.setWordWrap(True)
        result_box = QVBoxLayout(self.result)
        result_box.setContentsMargins(10, 6, 10, 6)
        result_box.setSpacing(2)
        result_box.addWidget(self.code_caption)
        result_box.addWidget(self.code)
        result_box.addWidget(self.due)
        result_box.addWidget(self.print_state)
        self.result.hide()
        take_box.addWidget(self.result)

        self.save_button = KeyButton(self.tr("Lưu và in phiếu (Ctrl+Enter)"), "primary")
        self.save_button.setObjectName("PetitionSave")
        self.save_button.clicked.connect(self.save_requested)
        self.reprint_button = KeyButton(self.tr("In lại phiếu"))
        self.reprint_button.setObjectName("PetitionReprint")
        self.reprint_button.clicked.connect(self.reprint_requested)
        self.new_button = KeyButton(self.tr("Phản ánh mới (Ctrl+P)"))
        self.new_button.setObjectName("PetitionNew")
        self.new_button.clicked.connect(self.start_new)
        take_box.addWidget(WrapRow([self.save_button, self.reprint_button],
                                   trailing=self.new_button))
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), take)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.save_requested)

        # -- looking one up --
        find, find_box, _ = card(self.tr("Tra cứu phản ánh theo mã"))
        self.lookup_code = QLineEdit()
        self.lookup_code.setObjectName("PetitionLookupCode")
        self.lookup_code.setPlaceholderText(self.tr("ví dụ PA-260042"))
        self.lookup_code.setMaxLength(16)
        self.lookup_code.returnPressed.connect(self._lookup)
        self.lookup_button = KeyButton(self.tr("Tra cứu"), "primary")
        self.lookup_button.setObjectName("PetitionLookup")
        self.lookup_button.clicked.connect(self._lookup)
        row = QHBoxLayout()
        row.addWidget(self.lookup_code, 1)
        row.addWidget(self.lookup_button)
        find_box.addLayout(row)
        self.lookup_state = QLabel()
        self.lookup_state.setObjectName("LookupState")
        self.lookup_state.setWordWrap(True)
        find_box.addWidget(self.lookup_state)
        self.found = QWidget()
        found = QFormLayout(self.found)
        found.setContentsMargins(0, 4, 0, 0)
        found.setVerticalSpacing(6)
        self.found_values: dict[str, QLabel] = {}
        for key, caption in (("code", self.tr("Mã")), ("topic", self.tr("Chủ đề")),
                             ("status", self.tr("Trạng thái")),
                             ("received", self.tr("Tiếp nhận")),
                             ("due", self.tr("Hạn trả lời")),
                             ("answer", self.tr("Trả lời"))):
            value = value_label(f"Found_{key}")
            self.found_values[key] = value
            found.addRow(field_label(caption), value)
        self.found_values["code"].setObjectName("FoundCode")
        self.found_values["due"].setObjectName("Timeliness")
        self.found.hide()
        find_box.addWidget(self.found)
        find_box.addStretch(1)

        page = QHBoxLayout(self)
        page.setContentsMargins(10, 8, 10, 8)
        page.setSpacing(10)
        page.addWidget(take, 55)
        page.addWidget(find, 45)
        self.setTabOrder(self.topic, self.text)
        self.setTabOrder(self.text, self.phone)
        self.setTabOrder(self.phone, self.save_button)
        self._count()

    # -- the form ------------------------------------------------------------------------

    def _count(self) -> None:
        n = len(self.text.toPlainText().strip())
        self.count.setText(self.tr("%1/%2 ký tự").replace("%1", str(n)).replace(
            "%2", str(TEXT_MAX_CHARS)))
        set_prop(self.count, "state", "failed" if n > TEXT_MAX_CHARS else "")

    def request(self) -> dict[str, Any]:
        """What was typed, as take_petition's keyword arguments."""
        return {"topic": self.topic.currentText(), "text": self.text.toPlainText(),
                "phone": self.phone.text().strip() or None}

    def has_work(self) -> bool:
        return self.saved is None and bool(self.text.toPlainText().strip()
                                           or self.phone.text().strip())

    def focus_form(self) -> None:
        (self.text if self.saved is None else self.new_button).setFocus(
            Qt.FocusReason.ShortcutFocusReason)

    def set_busy(self, busy: bool) -> None:
        self.save_button.setEnabled(not busy and self.saved is None)

    def show_saved(self, petition: Any) -> None:
        """The case is stored: its code large, the deadline; the form locked until the next."""
        self.saved = petition
        self.code.setText(petition.code)
        self.due.setText(self.tr("Hạn trả lời: %1").replace(
            "%1", weekday_text(petition.due_date)))
        for widget in (self.topic, self.text, self.phone):
            widget.setEnabled(False)
        self.save_button.setEnabled(False)
        self.reprint_button.setEnabled(True)
        for widget in (self.code_caption, self.code, self.due):
            widget.show()
        self.result.show()
        self.new_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_print_state(self, state: str, text: str) -> None:
        """state: "busy", "ok", "failed" or "" (no text)."""
        self.print_state.setText(text)
        set_prop(self.print_state, "state", state)
        if self.saved is not None:
            self.result.show()

    def set_form_error(self, text: str) -> None:
        self.set_print_state("failed", text)
        self.result.setVisible(bool(text))
        self.code_caption.setVisible(self.saved is not None)
        self.code.setVisible(self.saved is not None)
        self.due.setVisible(self.saved is not None)

    def start_new(self) -> None:
        """An empty form for the next petition (the last one's code off the screen)."""
        self.saved = None
        self.text.clear()
        self.phone.clear()
        self.topic.setCurrentIndex(0)
        for widget in (self.topic, self.text, self.phone):
            widget.setEnabled(True)
        self.code.clear()
        self.due.clear()
        self.set_print_state("", "")
        for widget in (self.code_caption, self.code, self.due):
            widget.show()
        self.result.hide()
        self.save_button.setEnabled(True)
        self.reprint_button.setEnabled(False)
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- the look-up ---------------------------------------------------------------------

    def _lookup(self) -> None:
        code = self.lookup_code.text().strip()
        if not code:
            self.set_lookup_state("failed", self.tr("Nhập mã phản ánh ghi trên phiếu."))
            self.lookup_code.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.lookup_requested.emit(code)

    def set_lookup_state(self, state: str, text: str) -> None:
        self.lookup_state.setText(text)
        set_prop(self.lookup_state, "state", state)
        self.lookup_state.setVisible(bool(text))

    def show_lookup(self, view: Any, today: date) -> None:
        """The public view of a case (None: no petition with that code)."""
        if view is None:
            self.found.hide()
            self.set_lookup_state("failed", self.tr("Không tìm thấy phản ánh, kiến nghị với "
                                                    "mã này."))
            return
        self.set_lookup_state("", "")
        v = self.found_values
        v["code"].setText(view.code)
        v["topic"].setText(view.topic)
        v["status"].setText(tr_marked(STATUS_WORDS.get(view.status, view.status)))
        v["received"].setText(f"{view.received_on:%d/%m/%Y}")
        due = weekday_text(view.due_date)
        if view.late:
            due = self.tr("%1 — đã quá hạn").replace("%1", due)
        v["due"].setText(due)
        set_prop(v["due"], "tone", "late" if view.late else "")
        if view.answer:
            answered = f" ({view.answered_on:%d/%m/%Y})" if view.answered_on else ""
            v["answer"].setText(view.answer + answered)
        else:
            v["answer"].setText(self.tr("Chưa có trả lời."))
        self.found.show()

    def clear_lookup(self) -> None:
        self.lookup_code.clear()
        self.found.hide()
        self.set_lookup_state("", "")


class PetitionDesk:
    """Runs the page's requests on the counter window's lanes: saving on "counter-desk"
    (kiosk.petitions.cases.take_petition, channel "counter"), the slip on "counter-printer"
    (kiosk.petitions.slip, the kiosk's slip), the look-up on "counter-desk"."""

    def __init__(self, window: Any, view: PetitionView) -> None:
        self.window = window
        self.view = view
        self.saving = False
        self.printing = False
        view.save_requested.connect(self.save)
        view.reprint_requested.connect(self.reprint)
        view.lookup_requested.connect(self.lookup)

    def save(self) -> None:
        view = self.view
        if self.saving or view.saved is not None:
            return
        request = view.request()
        if len(request["text"].strip()) > TEXT_MAX_CHARS:
            view.set_form_error(view.tr("Nội dung quá dài: tối đa %1 ký tự.").replace(
                "%1", str(TEXT_MAX_CHARS)))
            return
        self.saving = True
        view.set_busy(True)
        view.set_form_error("")
        config, at = self.window.config, self.window.clock()

        def work(desk: Any) -> Any:
            from kiosk.petitions.cases import take_petition

            return take_petition(desk.db, config, at=at, channel="counter", **request)[1]

        self.window.lanes.desk.run(work, done=self._saved, failed=self._save_failed,
                                   owner=view, label="take petition")

    def _saved(self, petition: Any) -> None:
        self.saving = False
        self.view.show_saved(petition)
        self.window.sync.wake()
        self.print_slip()

    def _save_failed(self, exc: BaseException) -> None:
        self.saving = False
        message_vi, message_en = wording(exc, self.view.tr("lưu được phản ánh"),
                                         "store the petition", audience=CLERK)
        log.info("petition not taken at the counter: %s", message_en)
        self.view.set_busy(False)
        self.view.set_form_error(message_vi)
        focus = {"phone": self.view.phone}.get(getattr(exc, "reason", ""), self.view.text)
        focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def reprint(self) -> None:
        if self.view.saved is not None:
            self.print_slip()

    def print_slip(self) -> None:
        petition, view = self.view.saved, self.view
        if petition is None or self.printing:
            return
        self.printing = True
        view.set_print_state("busy", view.tr("Đang in phiếu %1…").replace("%1", petition.code))
        config = self.window.config

        def work(printer: Any) -> None:
            from kiosk.petitions.slip import print_petition_slip

            print_petition_slip(printer.printer(), config, petition)

        self.window.lanes.printer.run(
            work, done=lambda _: self._printed(petition.code),
            failed=lambda exc: self._print_failed(petition.code, exc),
            owner=view, label="print petition slip")

    def _printed(self, code: str) -> None:
        self.printing = False
        self.view.set_print_state("ok", self.view.tr(
            "Đã in phiếu tiếp nhận phản ánh %1.").replace("%1", code))
        self.window.check_printer()

    def _print_failed(self, code: str, exc: BaseException) -> None:
        self.printing = False
        message_vi, message_en = wording(exc, self.view.tr("in được phiếu"),
                                         "print the petition slip", audience=CLERK)
        log.warning("petition %s: slip not printed at the counter: %s", code, message_en)
        self.view.set_print_state("failed", self.view.tr(
            "%1 Phản ánh vẫn đã được lưu với mã %2: đọc mã cho công dân ghi lại, hoặc nhấn "
            "In lại phiếu.").replace("%1", message_vi).replace("%2", code))
        self.window.status.set_printer("OFFLINE")

    def lookup(self, code: str) -> None:
        from kiosk.petitions.cases import looks_like_petition_code, normalize_code

        view = self.view
        if not looks_like_petition_code(code):
            view.found.hide()
            view.set_lookup_state("failed", view.tr(
                "Mã phản ánh gồm chữ P, số quầy hoặc chữ A, gạch ngang và 6 chữ số (ví dụ "
                "PA-260042)."))
            return
        code = normalize_code(code)
        view.lookup_code.setText(code)
        view.set_lookup_state("busy", view.tr("Đang tra cứu…"))
        rules, today = self.window.rules, self.window.clock().date()

        def work(desk: Any) -> Any:
            from kiosk.petitions.cases import office_lookup

            return office_lookup(desk.db, code, rules, today,
                                 desk.hub if desk.book else None)

        self.window.lanes.desk.run(work, done=lambda found: view.show_lookup(found, today),
                                   failed=self._lookup_failed, owner=view,
                                   label="petition look-up")

    def _lookup_failed(self, exc: BaseException) -> None:
        message_vi, message_en = wording(exc, self.view.tr("tra cứu được phản ánh"),
                                         "look the petition up", audience=CLERK)
        log.info("petition look-up at the counter failed: %s", message_en)
        self.view.found.hide()
        self.view.set_lookup_state("failed", message_vi)


class CounterPetitions:
    """The page, its desk and the chip that opens it, as the counter window holds them."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.view = PetitionView(petition_topics(window.config))
        self.desk = PetitionDesk(window, self.view)
        self.index = window.stack.addWidget(self.view)
        self.chip = KeyButton(window.tr("Phản ánh (%1)").replace("%1", KEY))
        self.chip.setObjectName("PetitionChip")
        self.chip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.chip.clicked.connect(self.show)
        window.status.add_state(self.chip, keep=True)
        shortcut = QShortcut(QKeySequence(KEY), window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(self.show)
        window.shortcuts[KEY] = shortcut

    def show(self) -> None:
        """Ctrl+P: the page, the cursor in the text; pressed again after a saved petition,
        an empty form for the next one."""
        window, view = self.window, self.view
        if window.page == self.index and view.saved is not None and not self.desk.printing:
            view.start_new()
            return
        window._select_page(self.index)
        view.focus_form()

    def scanned(self, text: str) -> bool:
        """A scan the window could not place: a petition slip's CODE128 opens the page and
        looks the code up (True); anything else is not ours (False)."""
        from kiosk.petitions.cases import looks_like_petition_code, normalize_code

        if not looks_like_petition_code(text.strip()):
            return False
        self.window._select_page(self.index)
        self.view.lookup_code.setText(normalize_code(text))
        self.desk.lookup(text.strip())
        return True

    def clear_previous_citizen(self) -> None:
        """The next number was called: the last petition's code and the look-up go (what is
        typed but not saved stays for the clerk to finish or clear)."""
        if not self.desk.saving and not self.desk.printing and self.view.saved is not None:
            self.view.start_new()
        self.view.clear_lookup()


def install_petitions(window: Any) -> CounterPetitions:
    """Add the petitions page to the counter window (after its lanes and status line)."""
    return CounterPetitions(window)
