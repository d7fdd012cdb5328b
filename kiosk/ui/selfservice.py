"""Citizen self-service on the ticket kiosk: "Tra cứu hồ sơ" (dossier look-up) and "Phản ánh,
kiến nghị" (feedback to the city).

`SelfService` builds both pages, owns the database lane they use (look-ups and feedback never
touch SQLite on the UI thread) and the kiosk's scanners (keyboard-wedge, serial, and a camera
only while the look-up page is open). ticket_screen.py puts the pages in its stack, routes
scans, and sends the screen back to the start after the idle timeout.

Personal data:
- the look-up shows only `PublicDossierView` (kiosk/feedback/lookup.py): initials, no name,
  ID number, address, phone or status reason;
- a chip ID card held to the scanner by mistake is answered with a message and dropped: it is
  not shown, stored or logged (not even that it happened);
- feedback text and phone are cleared from the screen when the citizen leaves, so the next
  citizen cannot read them; they are never logged;
- a feedback is stored as a petition case (kiosk/petitions): the thank-you shows its code and
  deadline and a slip prints with them; the look-up takes a petition's code and shows only
  `PublicPetitionView` (topic, status, dates, the office's answer: not the text, the phone
  or who handles it).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QObject, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import Config, SelfServiceConfig
from kiosk.dossiers.status import DossierStatus
from kiosk.feedback.citizen_feedback import (
    DEFAULT_TOPICS,
    TEXT_MAX_CHARS,
    TEXT_MIN_CHARS,
    Topic,
    check_text,
    feedback_topic,
    normalize_phone,
)
from kiosk.feedback.errors import FeedbackError
from kiosk.feedback.lookup import PublicDossierView, lookup_code
from kiosk.paths import Paths
from kiosk.petitions.cases import PublicPetitionView, looks_like_petition_code, normalize_code
from kiosk.ui import theme
from kiosk.ui.feedback_worker import FeedbackLane
from kiosk.ui.keyboard import OnScreenKeyboard
from kiosk.ui.widgets import LEFT, label, set_state, touch_button

log = logging.getLogger(__name__)

LOOKUP_TIMEOUT_MS = 20_000  # longer than SQLite's busy timeout (15 s)
THANKS_MS = 8_000
THANKS_UNPRINTED_MS = 30_000  # the petition's code on screen only: time to write it down
PHONE_MAX_CHARS = 16


def selfservice_settings(config: Config) -> SelfServiceConfig:
    """[selfservice], with an empty feedback_topics meaning the built-in topics."""
    section = config.selfservice
    return replace(section, feedback_topics=section.feedback_topics or DEFAULT_TOPICS)


def _date(value: date) -> str:
    return f"{value:%d/%m/%Y}"


class BarcodeIcon(QWidget):
    """A drawn receipt barcode: shows what to hold to the scanner without reading."""

    _BARS = (3, 1, 2, 1, 1, 3, 1, 2, 2, 1, 3, 1, 1, 2, 1, 3, 2, 1, 1, 2, 3, 1, 2, 1, 1, 3)

    def __init__(self, width: int = 120, height: int = 80,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(QSize(width, height))

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        p.setPen(QColor(theme.NAVY))
        p.setBrush(QColor("white"))
        margin = h * 0.17
        p.drawRoundedRect(QRectF(1, 1, w - 2, h - 2), margin * 0.7, margin * 0.7)
        total = sum(self._BARS)
        unit = (w - 2 * margin) / total
        x = margin
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(theme.TEXT))
        for i, width in enumerate(self._BARS):
            if i % 2 == 0:
                p.drawRect(QRectF(x, margin, width * unit, h - 2 * margin))
            x += width * unit
        p.end()


# -- dossier look-up -------------------------------------------------------------------------

_STATUS_TONE = {
    DossierStatus.FINISHED: "good", DossierStatus.RETURNED: "good",
    DossierStatus.SUPPLEMENT_REQUESTED: "attention", DossierStatus.FEE_REQUESTED: "attention",
    DossierStatus.REFUSED: "bad", DossierStatus.STOPPED: "bad", DossierStatus.WITHDRAWN: "bad",
}


class _PublicCard(QFrame):
    """A public view shown at the kiosk: a code, a title, a status line, a grid of dated rows
    and a closing text. Every text it shows is in `texts()` (tests check that no personal
    data is among them). Subclasses fill it in `render(language)`."""

    def __init__(self, keys: tuple[str, ...], value_names: dict[str, str], footer_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ResultCard")
        self.code = label("ResultCode", align=LEFT)
        self.title = label("ResultProcedure", align=LEFT)
        self.status = label("ResultStatus", wrap=True, align=LEFT)
        self.rows: dict[str, tuple[QLabel, QLabel]] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(20)
        grid.setVerticalSpacing(8)
        for i, key in enumerate(keys):
            name = label("ResultKey", align=LEFT)
            value = label(value_names.get(key, "ResultValue"), align=LEFT)
            grid.addWidget(name, i, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, i, 1)
            self.rows[key] = (name, value)
        grid.setColumnStretch(1, 1)
        self.footer = label(footer_name, wrap=footer_name == "ResultAnswer", align=LEFT)
        box = QVBoxLayout(self)
        box.setContentsMargins(28, 20, 28, 22)
        box.setSpacing(10)
        box.addWidget(self.code)
        box.addWidget(self.title)
        box.addWidget(self.status, 0, Qt.AlignmentFlag.AlignLeft)
        box.addLayout(grid)
        box.addWidget(self.footer)
        self.view: Any = None

    def show_view(self, view: Any, language: str) -> None:
        self.view = view
        self.render(language)

    def render(self, language: str) -> None:
        raise NotImplementedError

    def _fill_rows(self, values: dict[str, tuple[str, str]]) -> None:
        """Each row's name and value; a row without a value is hidden."""
        for key, (name, value) in values.items():
            key_label, value_label = self.rows[key]
            key_label.setText(name)
            value_label.setText(value)
            key_label.setVisible(bool(value))
            value_label.setVisible(bool(value))

    def _footer(self, text: str) -> None:
        self.footer.setText(text)
        self.footer.setVisible(bool(text))

    def clear(self) -> None:
        self.view = None
        for widget in self.findChildren(QLabel):
            widget.clear()

    def texts(self) -> list[str]:
        return [w.text() for w in self.findChildren(QLabel) if w.text()]


class ResultCard(_PublicCard):
    """One dossier's public view."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(("appointment", "received", "holder", "returned", "place"),
                         {"appointment": "ResultAppointment"}, "ResultHint", parent)
        self.procedure = self.title
        self.hint = self.footer

    def render(self, language: str) -> None:
        view = self.view
        if view is None:
            return
        self.code.setText(self.tr("Mã hồ sơ: {code}").format(code=view.code))
        self.procedure.setText(view.procedure_name)
        self.status.setText(view.status_text(language))
        set_state(self.status, _STATUS_TONE.get(view.status, "normal"))
        self._fill_rows({
            "appointment": (self.tr("Ngày hẹn trả kết quả"), _date(view.appointment_date)),
            "received": (self.tr("Ngày nhận hồ sơ"), _date(view.received_date)),
            "holder": (self.tr("Chủ hồ sơ"), view.initials),
            "returned": (self.tr("Đã trả kết quả ngày"),
                         _date(view.returned_date) if view.returned_date else ""),
            "place": (self.tr("Nơi trả kết quả"), view.result_place),
        })
        self._footer(view.hint(language))


class PetitionCard(_PublicCard):
    """One petition's public view: its status, deadline and the office's answer; never the
    petition's text, the phone number or who handles it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(("received", "due", "answered"), {}, "ResultAnswer", parent)
        self.topic = self.title
        self.answer = self.footer

    def render(self, language: str) -> None:
        view = self.view
        if view is None:
            return
        self.code.setText(self.tr("Mã phản ánh: {code}").format(code=view.code))
        self.topic.setText(feedback_topic(view.topic).name(language))
        answered = view.status in ("answered", "closed")
        if answered:
            status, tone_ = self.tr("Đã có trả lời"), "good"
        elif view.late:
            status, tone_ = self.tr("Đang xử lý, đã quá hạn trả lời"), "bad"
        else:
            status, tone_ = self.tr("Đang xem xét, xử lý"), "attention"
        self.status.setText(status)
        set_state(self.status, tone_)
        values = {
            "received": (self.tr("Ngày tiếp nhận"), _date(view.received_on)),
            "due": (self.tr("Hạn trả lời"), _date(view.due_date)),
            "answered": (self.tr("Ngày trả lời"),
                         _date(view.answered_on) if view.answered_on else ""),
        }
        self._fill_rows(values)
        # The office's answer is shown as written (in Vietnamese, whatever the screen's
        # language: it is the office's own text, not the screen's).
        self._footer(view.answer)


class LookupPage(QWidget):
    """"Tra cứu hồ sơ": scan or type the receipt's code, see the dossier's progress."""

    lookup_requested = Signal(str)  # a complete dossier code
    back = Signal()

    ENTRY, RESULT = "entry", "result"

    def __init__(self, unit_code: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "page")
        self.unit_code = unit_code
        self.language = "vi"
        self.searching: str | None = None  # the code being looked up

        # Landscape 1366x768 leaves about 640 px under the header: the instruction, the code
        # row and a five-row keyboard fit only without a separate title row.
        self.entry = QWidget()
        self.icon = BarcodeIcon()
        self.title = label("ScanInstruction", align=LEFT)
        self.or_type = label("PageHint", align=LEFT)
        self.message = label("SelfMessage", align=LEFT)
        self.message.hide()
        texts = QVBoxLayout()
        texts.setSpacing(4)
        texts.addWidget(self.title)
        texts.addWidget(self.or_type)
        texts.addWidget(self.message)
        scan_row = QHBoxLayout()
        scan_row.setSpacing(24)
        scan_row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        scan_row.addLayout(texts, 1)
        self.back_button = touch_button(role="secondary")
        self.back_button.clicked.connect(self.back)
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("CodeEdit")
        self.code_edit.setMaxLength(60)
        self.code_edit.returnPressed.connect(self.submit)
        self.code_edit.textEdited.connect(lambda _: self._clear_message())
        self.search_button = touch_button(role="primary")
        self.search_button.clicked.connect(self.submit)
        # Landscape: [Quay lại][code][Tra cứu] in one row. Portrait: the code on its own row
        # (the buttons would squeeze it) and the buttons under it; a big barcode picture
        # fills the space a tall screen has above the keyboard.
        self.code_row = QHBoxLayout()
        self.code_row.setSpacing(14)
        self.code_row.addWidget(self.code_edit, 1)
        self.button_row = QHBoxLayout()
        self.button_row.setSpacing(14)
        self.hero = BarcodeIcon(420, 260)
        self.keyboard = OnScreenKeyboard(self.code_edit, telex=False)
        entry_box = QVBoxLayout(self.entry)
        entry_box.setContentsMargins(0, 0, 0, 0)
        entry_box.setSpacing(10)
        entry_box.addLayout(scan_row)
        entry_box.addLayout(self.code_row)
        entry_box.addLayout(self.button_row)
        entry_box.addStretch(1)
        entry_box.addWidget(self.hero, 0, Qt.AlignmentFlag.AlignHCenter)
        entry_box.addStretch(1)
        entry_box.addWidget(self.keyboard)
        self.portrait: bool | None = None
        self.set_orientation(False)

        # -- result --
        self.result = QWidget()
        self.card = ResultCard()
        self.petition_card = PetitionCard()
        self.petition_card.hide()
        self.again_button = touch_button(role="secondary")
        self.again_button.clicked.connect(self.reset)
        self.done_button = touch_button(role="primary")
        self.done_button.clicked.connect(self.back)
        actions = QHBoxLayout()
        actions.setSpacing(16)
        actions.addWidget(self.again_button)
        actions.addStretch(1)
        actions.addWidget(self.done_button)
        result_box = QVBoxLayout(self.result)
        result_box.setContentsMargins(0, 0, 0, 0)
        result_box.setSpacing(14)
        result_box.addStretch(1)
        result_box.addWidget(self.card)
        result_box.addWidget(self.petition_card)
        result_box.addStretch(1)
        result_box.addLayout(actions)

        self.panels = QStackedWidget()
        self.panels.addWidget(self.entry)
        self.panels.addWidget(self.result)
        box = QVBoxLayout(self)
        box.setContentsMargins(28, 12, 28, 14)
        box.addWidget(self.panels, 1)
        self.retranslate("vi")

    @property
    def panel(self) -> str:
        return self.RESULT if self.panels.currentWidget() is self.result else self.ENTRY

    def set_orientation(self, portrait: bool) -> None:
        if portrait == self.portrait:
            return
        self.portrait = portrait
        for button in (self.back_button, self.search_button):
            self.code_row.removeWidget(button)
            self.button_row.removeWidget(button)
        while self.button_row.count():  # the stretch between the buttons
            self.button_row.takeAt(0)
        if portrait:
            self.button_row.addWidget(self.back_button)
            self.button_row.addStretch(1)
            self.button_row.addWidget(self.search_button)
        else:
            self.code_row.insertWidget(0, self.back_button)
            self.code_row.addWidget(self.search_button)
        self.hero.setVisible(portrait)

    # -- input -----------------------------------------------------------------------------

    def submit(self) -> None:
        """Look up what is in the code field."""
        if self.searching is not None:
            return
        if looks_like_petition_code(self.code_edit.text()):
            self.request(normalize_code(self.code_edit.text()))
            return
        code = lookup_code(self.code_edit.text(), self.unit_code)
        if code is None:
            self.show_message(self.tr(
                "Mã chưa đúng. Nhập mã tra cứu 6 ký tự in đậm trên giấy hẹn (ví dụ ACD 7KM), "
                "hoặc mã hồ sơ dưới mã vạch (có thể chỉ nhập phần cuối: 260115-0007)."),
                "error")
            return
        self.request(code)

    def handle_scan(self, text: str) -> None:
        """A code read by a scanner while this page is open."""
        from kiosk.scanning.parse import parse_scan

        if looks_like_petition_code(text):  # the CODE128 of a petition slip
            self.searching = None
            self.request(normalize_code(text))
            return
        result = parse_scan(text)
        if result.kind == "cccd":
            # Nothing of the card is kept, shown or logged: only the hint.
            self.code_edit.clear()
            self.panels.setCurrentWidget(self.entry)
            self.show_message(self.tr("Đây là mã căn cước, vui lòng quét mã trên giấy hẹn"),
                              "error")
            return
        if result.kind == "dossier" and result.error is not None:
            self.panels.setCurrentWidget(self.entry)
            # The parser words its refusals in Vietnamese only (its English is for logs).
            self.show_message(result.error.message_vi if self.language != "en" else self.tr(
                "Không đọc được mã vừa quét. Vui lòng quét lại mã vạch trên giấy hẹn trả kết "
                "quả."), "error")
            return
        code = result.fields["code"] if result.kind == "dossier" and result.fields \
            else lookup_code(text, self.unit_code)  # a look-up URL in the receipt's QR
        if code is None:
            self.panels.setCurrentWidget(self.entry)
            self.show_message(self.tr(
                "Mã vừa quét không phải mã hồ sơ. Vui lòng quét mã vạch trên giấy hẹn trả "
                "kết quả."), "error")
            return
        self.searching = None  # a scan replaces a look-up still under way
        self.request(code)

    def request(self, code: str) -> None:
        self.searching = code
        self.code_edit.setText(code)
        self.panels.setCurrentWidget(self.entry)
        self.search_button.setEnabled(False)
        self.show_message(self.tr("Đang tra cứu…"), "info")
        self.lookup_requested.emit(code)

    # -- answers ---------------------------------------------------------------------------

    def show_result(self, view: PublicDossierView | PublicPetitionView | None) -> None:
        code = self.searching
        self.searching = None
        self.search_button.setEnabled(True)
        if view is None and code is not None and looks_like_petition_code(code):
            self.show_message(self.tr(
                "Không tìm thấy phản ánh có mã {code}. Vui lòng kiểm tra lại mã trên phiếu "
                "hoặc hỏi cán bộ tại quầy.").format(code=code), "error")
            return
        if isinstance(view, PublicPetitionView):
            self._clear_message()
            self.card.clear()
            self.card.hide()
            self.petition_card.show_view(view, self.language)
            self.petition_card.show()
            self.panels.setCurrentWidget(self.result)
            return
        self.petition_card.clear()
        self.petition_card.hide()
        self.card.show()
        if view is None:
            self.show_message(self.tr(
                "Không tìm thấy hồ sơ có mã {code}. Vui lòng kiểm tra lại mã trên giấy hẹn "
                "hoặc hỏi cán bộ tại quầy.").format(code=code or ""), "error")
            return
        self._clear_message()
        self.card.show_view(view, self.language)
        self.panels.setCurrentWidget(self.result)

    def show_failure(self, message: str) -> None:
        self.searching = None
        self.search_button.setEnabled(True)
        self.show_message(message, "error")

    def show_message(self, text: str, state: str) -> None:
        # The message takes the hint's line, so the keyboard does not move down.
        self.message.setText(text)
        set_state(self.message, state)
        self.message.show()
        self.or_type.hide()

    def _clear_message(self) -> None:
        self.message.clear()
        self.message.hide()
        self.or_type.show()

    def reset(self) -> None:
        """Back to an empty entry panel (the next citizen sees nothing of this one)."""
        self.searching = None
        self.search_button.setEnabled(True)
        self.code_edit.clear()
        self.card.clear()
        self.petition_card.clear()
        self._clear_message()
        self.panels.setCurrentWidget(self.entry)
        self.code_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def retranslate(self, language: str) -> None:
        self.language = language
        self.title.setText(self.tr("Đưa mã vạch trên giấy hẹn vào máy quét"))
        self.title.setAccessibleName(self.tr("Tra cứu hồ sơ"))
        self.back_button.setText(self.tr("Quay lại"))
        self.or_type.setText(self.tr(
            "hoặc nhập mã tra cứu 6 ký tự in đậm trên giấy hẹn bằng bàn phím dưới đây"))
        self.code_edit.setPlaceholderText(self.tr("Ví dụ: ACD 7KM"))
        self.search_button.setText(self.tr("Tra cứu"))
        self.again_button.setText(self.tr("Tra cứu hồ sơ khác"))
        self.done_button.setText(self.tr("Xong"))
        self.keyboard.retranslate()
        self.card.render(language)
        self.petition_card.render(language)


# -- feedback --------------------------------------------------------------------------------

class TopicButton(QPushButton):
    """A topic choice whose text wraps."""

    def __init__(self, topic: Topic, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.topic = topic
        self.setProperty("role", "topic")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAutoDefault(False)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        self.label = label("TopicText")
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 8, 16, 8)
        box.addWidget(self.label)
        self.retranslate("vi")

    def retranslate(self, language: str) -> None:
        self.label.setText(self.topic.name(language))
        self.setAccessibleName(self.topic.name(language))


class FeedbackPage(QWidget):
    """"Phản ánh, kiến nghị": topic -> text (on-screen keyboard) -> optional phone -> thanks.

    Topics are configuration text ("Vietnamese | English", see feedback_topic); the topic is
    stored by its Vietnamese name whatever the screen's language."""

    submitted = Signal(str, str, object)  # topic, text, phone or None
    back = Signal()  # leave (to the start view)

    TOPIC, TEXT, PHONE, THANKS = "topic", "text", "phone", "thanks"

    def __init__(self, topics: Sequence[str] = DEFAULT_TOPICS, *, ask_phone: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "page")
        self.ask_phone = ask_phone
        self.language = "vi"
        self.topic: str | None = None
        self.sending = False

        # -- step 1: topic --
        self.topic_step = QWidget()
        self.topic_back = touch_button(role="secondary")
        self.topic_back.clicked.connect(self.back)
        self.topic_title = label("PageTitle", align=LEFT)
        self.topic_hint = label("PageHint", align=LEFT)
        self.topic_buttons: dict[str, TopicButton] = {}
        self.topic_grid = QGridLayout()
        self.topic_grid.setSpacing(16)
        for text in topics:
            topic = text if isinstance(text, Topic) else feedback_topic(text)
            button = TopicButton(topic)
            button.clicked.connect(lambda _=False, t=topic.name_vi: self.choose_topic(t))
            self.topic_buttons[topic.name_vi] = button
        step1 = QVBoxLayout(self.topic_step)
        step1.setContentsMargins(0, 0, 0, 0)
        step1.setSpacing(12)
        step1.addLayout(self._top_row(self.topic_back, self.topic_title))
        step1.addWidget(self.topic_hint)
        step1.addLayout(self.topic_grid, 1)

        # -- step 2: text --
        self.text_step = QWidget()
        self.text_back = touch_button(role="secondary")
        self.text_back.clicked.connect(lambda: self.show_step(self.TOPIC))
        self.text_title = label("PageTitle", align=LEFT)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setObjectName("FeedbackText")
        self.text_edit.textChanged.connect(self._text_changed)
        self.next_button = touch_button(role="primary")
        self.next_button.clicked.connect(self.text_done)
        text_row = QHBoxLayout()
        text_row.setSpacing(14)
        text_row.addWidget(self.text_edit, 1)
        text_row.addWidget(self.next_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.text_status = label("SelfMessage", align=LEFT)
        self.keyboard = OnScreenKeyboard(self.text_edit, telex=True, max_length=TEXT_MAX_CHARS)
        step2 = QVBoxLayout(self.text_step)
        step2.setContentsMargins(0, 0, 0, 0)
        step2.setSpacing(10)
        step2.addLayout(self._top_row(self.text_back, self.text_title))
        step2.addLayout(text_row, 1)
        step2.addWidget(self.text_status)
        step2.addWidget(self.keyboard)

        # -- step 3: phone --
        self.phone_step = QWidget()
        self.phone_back = touch_button(role="secondary")
        self.phone_back.clicked.connect(lambda: self.show_step(self.TEXT))
        self.phone_title = label("PageTitle", align=LEFT)
        self.phone_hint = label("PageHint", align=LEFT)
        self.phone_edit = QLineEdit()
        self.phone_edit.setObjectName("PhoneEdit")
        self.phone_edit.setMaxLength(PHONE_MAX_CHARS)
        self.phone_edit.textEdited.connect(lambda _: self._phone_message(""))
        self.phone_keypad = OnScreenKeyboard(self.phone_edit, layout="digits", telex=False)
        self.phone_keypad.typed.connect(lambda: self._phone_message(""))
        self.phone_status = label("SelfMessage", align=LEFT)
        self.send_button = touch_button(role="primary")
        self.send_button.clicked.connect(self.send)
        # Landscape: the number and "Gửi" on the left, the keypad on the right. Portrait: one
        # column, the keypad under the number and "Gửi" right under the keypad.
        self.phone_grid = QGridLayout()
        self.phone_grid.setHorizontalSpacing(28)
        self.phone_grid.setVerticalSpacing(12)
        step3 = QVBoxLayout(self.phone_step)
        step3.setContentsMargins(0, 0, 0, 0)
        step3.setSpacing(12)
        step3.addLayout(self._top_row(self.phone_back, self.phone_title))
        step3.addLayout(self.phone_grid, 1)

        # -- step 4: thanks --
        self.thanks_step = QWidget()
        self.thanks_title = label("ThanksTitle")
        self.thanks_body = label("ThanksBody")
        self.thanks_code = label("ThanksCode")
        self.thanks_code.hide()
        self.thanks_note = label("ThanksBody")
        self.thanks_note.hide()
        self.code: str | None = None  # the petition's code, while the thanks show it
        self.due: date | None = None
        self.printed = False
        self.thanks_done = touch_button(role="primary")
        self.thanks_done.clicked.connect(self.back)
        step4 = QVBoxLayout(self.thanks_step)
        step4.addStretch(1)
        step4.addWidget(self.thanks_title)
        step4.addWidget(self.thanks_body)
        step4.addSpacing(12)
        step4.addWidget(self.thanks_code, 0, Qt.AlignmentFlag.AlignHCenter)
        step4.addWidget(self.thanks_note)
        step4.addSpacing(24)
        step4.addWidget(self.thanks_done, 0, Qt.AlignmentFlag.AlignHCenter)
        step4.addStretch(1)
        self.thanks_timer = QTimer(self)
        self.thanks_timer.setSingleShot(True)
        self.thanks_timer.setInterval(THANKS_MS)
        self.thanks_timer.timeout.connect(self.back)

        self.portrait: bool | None = None
        self.set_orientation(False)

        self.steps = QStackedWidget()
        for step in (self.topic_step, self.text_step, self.phone_step, self.thanks_step):
            self.steps.addWidget(step)
        box = QVBoxLayout(self)
        box.setContentsMargins(28, 14, 28, 16)
        box.addWidget(self.steps)
        self.retranslate("vi")

    @staticmethod
    def _top_row(back: QPushButton, title: QLabel) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(20)
        row.addWidget(back)
        row.addWidget(title, 1)
        return row

    def set_orientation(self, portrait: bool) -> None:
        if portrait == self.portrait:
            return
        self.portrait = portrait
        columns = 1 if portrait else 2
        for button in self.topic_buttons.values():
            self.topic_grid.removeWidget(button)
        for i, button in enumerate(self.topic_buttons.values()):
            self.topic_grid.addWidget(button, i // columns, i % columns)
        grid = self.phone_grid
        parts = (self.phone_hint, self.phone_edit, self.phone_status, self.phone_keypad,
                 self.send_button)
        for widget in parts:
            grid.removeWidget(widget)
        for r in range(6):
            grid.setRowStretch(r, 0)
        for c in range(2):
            grid.setColumnStretch(c, 0)
        for r, widget in enumerate(parts[:3]):
            grid.addWidget(widget, r, 0)
        if portrait:
            grid.addWidget(self.phone_keypad, 3, 0)
            grid.addWidget(self.send_button, 4, 0)
            grid.setRowStretch(5, 1)
            grid.setColumnStretch(0, 1)
        else:
            grid.addWidget(self.send_button, 4, 0)
            grid.addWidget(self.phone_keypad, 0, 1, 5, 1, Qt.AlignmentFlag.AlignTop)
            grid.setRowStretch(3, 1)
            grid.setColumnStretch(0, 1)
            grid.setColumnStretch(1, 1)

    @property
    def step(self) -> str:
        return {self.topic_step: self.TOPIC, self.text_step: self.TEXT,
                self.phone_step: self.PHONE,
                self.thanks_step: self.THANKS}[self.steps.currentWidget()]

    def show_step(self, step: str) -> None:
        widget = {self.TOPIC: self.topic_step, self.TEXT: self.text_step,
                  self.PHONE: self.phone_step, self.THANKS: self.thanks_step}[step]
        self.steps.setCurrentWidget(widget)
        if step == self.TEXT:
            self.text_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        elif step == self.PHONE:
            self.phone_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- steps -----------------------------------------------------------------------------

    def choose_topic(self, topic: str) -> None:
        self.topic = topic
        button = self.topic_buttons.get(topic)
        self.text_title.setText(button.topic.name(self.language) if button else topic)
        self._text_changed()
        self.show_step(self.TEXT)

    def text_done(self) -> None:
        try:
            check_text(self.text_edit.toPlainText())
        except FeedbackError as exc:
            self._text_message(self.refusal(exc), "error")
            return
        if self.ask_phone:
            self.show_step(self.PHONE)
        else:
            self.send()

    def send(self) -> None:
        if self.sending or self.topic is None:
            return
        phone_text = self.phone_edit.text() if self.ask_phone else ""
        try:
            text = check_text(self.text_edit.toPlainText())
            phone = normalize_phone(phone_text)
        except FeedbackError as exc:
            if self.step == self.PHONE:
                self._phone_message(self.refusal(exc), "error")
            else:
                self._text_message(self.refusal(exc), "error")
            return
        self.sending = True
        self.send_button.setEnabled(False)
        self._phone_message(self.tr("Đang gửi…"), "info")
        self.submitted.emit(self.topic, text, phone)

    def on_saved(self, code: str | None = None, due: date | None = None,
                 printed: bool = False) -> None:
        """Stored: the thanks, with the petition's code and deadline when there is one (the
        code is printed on a slip too when `printed`)."""
        self.sending = False
        self.send_button.setEnabled(True)
        self.code, self.due, self.printed = code, due, printed
        self._render_code()
        # The citizen's words leave the screen at once: the thank-you is all that stays.
        self.text_edit.clear()
        self.phone_edit.clear()
        self._phone_message("")
        self.show_step(self.THANKS)
        # A code the printer did not print must be written down: it stays up longer.
        self.thanks_timer.setInterval(THANKS_UNPRINTED_MS if code and not printed
                                      else THANKS_MS)
        self.thanks_timer.start()

    def on_failed(self, message_vi: str) -> None:
        self.sending = False
        self.send_button.setEnabled(True)
        if self.step == self.PHONE:
            self._phone_message(message_vi, "error")
        else:
            self._text_message(message_vi, "error")

    def _render_code(self) -> None:
        self.thanks_code.setText(self.code or "")
        self.thanks_code.setVisible(bool(self.code))
        if not self.code:
            self.thanks_note.clear()
            self.thanks_note.hide()
            return
        note = self.tr("Mã phản ánh của ông/bà (hạn trả lời {due}).").format(
            due=_date(self.due) if self.due else "")
        note += " " + (self.tr("Mã đã được in trên phiếu: nhập mã tại mục Tra cứu để xem trả "
                               "lời.") if self.printed else
                       self.tr("Vui lòng ghi lại mã này: nhập mã tại mục Tra cứu để xem trả "
                               "lời."))
        self.thanks_note.setText(note)
        self.thanks_note.show()

    def reset(self) -> None:
        self.thanks_timer.stop()
        self.code = self.due = None
        self.printed = False
        self._render_code()
        self.topic = None
        self.sending = False
        self.send_button.setEnabled(True)
        self.text_edit.clear()
        self.phone_edit.clear()
        self._phone_message("")
        self.keyboard.set_shift(False)
        self.show_step(self.TOPIC)

    # -- messages --------------------------------------------------------------------------

    def refusal(self, exc: FeedbackError) -> str:
        """What the citizen reads about input kiosk.feedback refused, in the screen's
        language (the error's own English words are for the log)."""
        if exc.reason == "phone":
            return self.tr(
                "Số điện thoại chưa đúng. Vui lòng nhập số di động 10 chữ số (ví dụ 0912 345 "
                "678) hoặc số cố định có mã vùng, hoặc để trống.")
        if exc.reason == "text_short":
            return self.tr("Vui lòng nhập nội dung phản ánh (ít nhất {min} ký tự).").format(
                min=TEXT_MIN_CHARS)
        if exc.reason == "text_long":
            return self.tr("Nội dung quá dài: tối đa {max} ký tự.").format(max=TEXT_MAX_CHARS)
        if exc.reason == "topic":
            return self.tr("Vui lòng chọn nội dung cần phản ánh.")
        return exc.message_vi

    def _text_changed(self) -> None:
        count = len(self.text_edit.toPlainText())
        self._text_message(self.tr("{n}/{max} ký tự").format(n=count, max=TEXT_MAX_CHARS),
                           "info")

    def _text_message(self, text: str, state: str) -> None:
        self.text_status.setText(text)
        set_state(self.text_status, state)

    def _phone_message(self, text: str, state: str = "info") -> None:
        self.phone_status.setText(text)
        self.phone_status.setVisible(bool(text))
        set_state(self.phone_status, state)

    def retranslate(self, language: str) -> None:
        self.language = language
        for button in self.topic_buttons.values():
            button.retranslate(language)
        if self.topic in self.topic_buttons:
            self.text_title.setText(self.topic_buttons[self.topic].topic.name(language))
        for back in (self.topic_back, self.text_back, self.phone_back):
            back.setText(self.tr("Quay lại"))
        self.topic_title.setText(self.tr("Phản ánh, kiến nghị"))
        self.topic_hint.setText(self.tr(
            "Chọn nội dung ông/bà muốn phản ánh, kiến nghị. Ý kiến được gửi đến cơ quan có "
            "thẩm quyền xem xét."))
        self.text_edit.setPlaceholderText(self.tr(
            "Nhập nội dung phản ánh, kiến nghị (ít nhất {min} ký tự)…").format(
                min=TEXT_MIN_CHARS))
        self.next_button.setText(self.tr("Tiếp tục"))
        self.phone_title.setText(self.tr("Số điện thoại liên hệ"))
        self.phone_hint.setText(self.tr(
            "Không bắt buộc. Để lại số nếu ông/bà muốn được trả lời; số điện thoại chỉ dùng "
            "để liên hệ về phản ánh này."))
        self.phone_edit.setPlaceholderText(self.tr("Ví dụ: 0912345678"))
        self.send_button.setText(self.tr("Gửi phản ánh"))
        self.thanks_title.setText(self.tr("Cảm ơn ông/bà đã gửi phản ánh, kiến nghị!"))
        self.thanks_body.setText(self.tr(
            "Ý kiến của ông/bà đã được ghi nhận và sẽ được chuyển đến cơ quan có thẩm quyền."))
        self.thanks_done.setText(self.tr("Xong"))
        self._render_code()
        self.keyboard.retranslate()
        self.phone_keypad.retranslate()
        if self.step == self.TEXT:
            self._text_changed()


# -- the controller --------------------------------------------------------------------------

class SelfService(QObject):
    """Both pages, their database lane and the kiosk's scanners.

    `done` asks the ticket screen to go back to its start view. `scanned(text)` carries every
    scan (the ticket screen decides whether the look-up page takes it). `clock` gives the
    office's local time, for the feedback's timestamp.
    """

    done = Signal()
    scanned = Signal(str)

    def __init__(self, config: Config, paths: Paths, *,
                 clock: Callable[[], datetime], feedback: FeedbackLane | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        from kiosk.dossiers.settings import dossier_settings
        from kiosk.scanner_settings import scanner_settings

        self.config = config
        self.settings = selfservice_settings(config)
        self.scanner_settings = scanner_settings(config)
        self.clock = clock
        self.language = "vi"
        self.feedback = feedback or FeedbackLane(config, paths)
        self._requests = itertools.count(1)
        self._request: int | None = None  # the look-up whose answer the page waits for

        self.lookup_page = LookupPage(dossier_settings(config).unit_code)
        self.lookup_page.lookup_requested.connect(self._lookup)
        self.lookup_page.back.connect(self.done)
        self.feedback_page = FeedbackPage(self.settings.feedback_topics,
                                          ask_phone=self.settings.feedback_ask_phone)
        self.feedback_page.submitted.connect(self._save_feedback)
        self.feedback_page.back.connect(self.done)
        self.lookup_watchdog = QTimer(self)
        self.lookup_watchdog.setSingleShot(True)
        self.lookup_watchdog.setInterval(LOOKUP_TIMEOUT_MS)
        self.lookup_watchdog.timeout.connect(self._lookup_timed_out)

        self.wedge: Any = None
        self.serial: Any = None
        self.camera: Any = None
        self._started = False

    @property
    def pages(self) -> tuple[QWidget, QWidget]:
        return self.lookup_page, self.feedback_page

    @property
    def stacks(self) -> tuple[QStackedWidget, QStackedWidget]:
        """The pages' own steps (entry/result, topic/text/phone/thanks): a tap guard watches
        them like the window's pages."""
        return self.lookup_page.panels, self.feedback_page.steps

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Start listening to the scanners (the database lane starts on first use)."""
        if self._started or not self.settings.lookup_enabled:
            return
        self._started = True
        s = self.scanner_settings
        if s.wedge_enabled:
            from drivers.scanners.wedge import WedgeScanner

            self.wedge = WedgeScanner(self, max_interkey_ms=s.wedge_max_interkey_ms,
                                      min_length=s.wedge_min_length,
                                      terminator=s.wedge_terminator)
            self.wedge.scanned.connect(self._on_scan_event)
            self.wedge.install()
        if s.serial_configured:
            try:
                from drivers.scanners.qt_adapters import QtSerialScanner

                self.serial = QtSerialScanner(self, port=s.serial_port, usb_ids=s.usb_ids,
                                              baudrate=s.baudrate,
                                              flush_after_s=s.serial_flush_ms / 1000)
                self.serial.scanned.connect(self._on_scan_event)
                self.serial.start()
            except Exception:
                log.exception("cannot start the serial scanner")
                self.serial = None

    def shutdown(self) -> None:
        self.lookup_watchdog.stop()
        self.feedback_page.thanks_timer.stop()
        if self.wedge is not None:
            self.wedge.uninstall()
        self.stop_camera()
        if self.serial is not None:
            try:
                self.serial.stop()
            except Exception:
                log.debug("stopping the serial scanner failed", exc_info=True)
        self.feedback.stop()

    def start_camera(self) -> None:
        """While the look-up page is open: scan with the camera too, when one is configured.
        Frames are decoded in memory and never shown, stored or logged."""
        source = self.scanner_settings.camera
        if not source or self.camera is not None:
            return
        try:
            from drivers.scanners.camera import parse_source
            from drivers.scanners.qt_adapters import QtCameraScanner
            from kiosk.scanning import check_read, repair_mojibake

            self.camera = QtCameraScanner(parse_source(source), self,
                                          engine=self.scanner_settings.engine, preview=False,
                                          check=check_read, repair=repair_mojibake)
            self.camera.scanned.connect(self._on_scan_event)
            self.camera.start()
        except Exception as exc:  # no OpenCV, no camera: the scanner and keyboard still work
            log.warning("cannot start the camera for dossier look-ups: %s",
                        exc.__class__.__name__)
            self.camera = None

    def stop_camera(self) -> None:
        if self.camera is not None:
            try:
                self.camera.stop()
            except Exception:
                log.debug("stopping the camera failed", exc_info=True)
            self.camera = None

    # -- routing ---------------------------------------------------------------------------

    def _on_scan_event(self, event: Any) -> None:
        self.scanned.emit(event.text)

    @staticmethod
    def is_dossier_scan(text: str) -> bool:
        """Whether a scan made on the start view should open the look-up (a receipt's code,
        or a petition slip's)."""
        from kiosk.scanning.parse import parse_scan

        if looks_like_petition_code(text):
            return True

        result = parse_scan(text)
        return result.kind == "dossier" or (result.kind == "unknown"
                                            and lookup_code(text) is not None)

    def open_lookup(self) -> None:
        self.lookup_page.reset()
        self.start_camera()

    def open_feedback(self) -> None:
        self.feedback_page.reset()

    def reset(self) -> None:
        """Forget everything shown or typed (the screen is going back to the start)."""
        self._request = None
        self.lookup_watchdog.stop()
        self.stop_camera()
        self.lookup_page.reset()
        self.feedback_page.reset()

    def set_orientation(self, portrait: bool) -> None:
        self.lookup_page.set_orientation(portrait)
        self.feedback_page.set_orientation(portrait)

    def retranslate(self, language: str) -> None:
        self.language = language
        self.lookup_page.retranslate(language)
        self.feedback_page.retranslate(language)

    # -- database answers ------------------------------------------------------------------

    def _lookup(self, code: str) -> None:
        request = self._request = next(self._requests)
        self.feedback.lookup(code, lambda view: self._on_looked_up(request, view),
                             lambda vi, en: self._on_lookup_failed(request, vi, en), owner=self)
        self.lookup_watchdog.start()

    def _on_looked_up(self, request: int, view: PublicDossierView | None) -> None:
        if request != self._request:
            return  # an answer for a citizen who has gone
        self._request = None
        self.lookup_watchdog.stop()
        self.lookup_page.show_result(view)

    def _on_lookup_failed(self, request: int, message_vi: str, message_en: str) -> None:
        if request != self._request:
            return
        self._request = None
        self.lookup_watchdog.stop()
        self.lookup_page.show_failure(self._citizen_words(message_vi))

    def _lookup_timed_out(self) -> None:
        self._request = None
        log.error("no answer to a dossier look-up within %d ms", LOOKUP_TIMEOUT_MS)
        self.lookup_page.show_failure(self.tr(
            "Hệ thống đang bận, vui lòng thử lại sau ít phút hoặc hỏi cán bộ tại quầy."))

    def _save_feedback(self, topic: str, text: str, phone: str | None) -> None:
        self.feedback.save_feedback(topic=topic, text=text, phone=phone, at=self.clock(),
                                    language=self.language,
                                    done=self._on_feedback_saved,
                                    failed=self._on_feedback_failed, owner=self)

    def _on_feedback_saved(self, taken: Any) -> None:
        if self.feedback_page.sending:
            petition = getattr(taken, "petition", None)
            self.feedback_page.on_saved(petition.code if petition else None,
                                        petition.due_date if petition else None,
                                        bool(getattr(taken, "printed", False)))

    def _on_feedback_failed(self, message_vi: str, message_en: str) -> None:
        self.feedback_page.on_failed(self._citizen_words(message_vi))

    def _citizen_words(self, message_vi: str) -> str:
        """A failure for the citizen: its Vietnamese words, or in English mode what to do
        (the failure's English words are the technician's, kiosk/failures.py)."""
        if self.language != "en":
            return message_vi
        return self.tr("Hệ thống đang bận, vui lòng thử lại sau ít phút hoặc hỏi cán bộ tại "
                       "quầy.")
