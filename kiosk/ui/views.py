"""The ticket screen's parts: header, start (service choice), priority choice, confirmation
and out-of-service views. They only display and emit signals; ticket_screen.py decides.

All fixed text goes through `self.tr()` with Vietnamese source strings; `retranslate(lang)`
sets it again after a language switch. Service names and priority labels come from the
catalog and the domain model in the current language.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.queue.catalog import OpeningHours, Service
from kiosk.queue.priority import PriorityCategory
from kiosk.ui.widgets import label, set_state, touch_button

PRIORITY_CHOICES = (
    PriorityCategory.ELDERLY,
    PriorityCategory.DISABLED,
    PriorityCategory.PREGNANT,
    PriorityCategory.SMALL_CHILD,
)


def priority_label(category: PriorityCategory, language: str) -> str:
    return category.label_en if language == "en" else category.label_vi


class LabelButton(QPushButton):
    """A touch button whose text wraps onto several lines instead of widening the window:
    a bold title and an optional smaller line under it. The labels let touches through."""

    def __init__(self, role: str, *, subtitle: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", role)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAutoDefault(False)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.title = label(f"{role.capitalize()}Title")
        self.subtitle = label(f"{role.capitalize()}Subtitle") if subtitle else None
        box = QVBoxLayout(self)
        box.setContentsMargins(20, 10, 20, 10)
        box.setSpacing(2)
        for child in (self.title, self.subtitle):
            if child is not None:
                child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
                box.addWidget(child)

    def set_texts(self, title: str, subtitle: str = "") -> None:
        self.title.setText(title)
        self.setAccessibleName(title)
        if self.subtitle is not None:
            self.subtitle.setText(subtitle)
            self.subtitle.setVisible(bool(subtitle))


class Header(QFrame):
    """Office name, clock and the VI / EN switch."""

    language_chosen = Signal(str)

    def __init__(self, office_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("Header")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.office = label("OfficeName", align=Qt.AlignmentFlag.AlignLeft
                            | Qt.AlignmentFlag.AlignVCenter)
        self.office.setText(office_name)
        self.office.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.clock = label("Clock", wrap=False, align=Qt.AlignmentFlag.AlignRight
                           | Qt.AlignmentFlag.AlignVCenter)
        self.date = label("ClockDate", wrap=False, align=Qt.AlignmentFlag.AlignRight
                          | Qt.AlignmentFlag.AlignVCenter)
        clock_box = QVBoxLayout()
        clock_box.setSpacing(0)
        clock_box.addWidget(self.clock)
        clock_box.addWidget(self.date)
        self.lang_buttons: dict[str, QPushButton] = {}
        lang_box = QHBoxLayout()
        lang_box.setSpacing(8)
        for code, text in (("vi", "VI"), ("en", "EN")):
            button = touch_button(text, "lang")
            button.setCheckable(True)
            button.setAccessibleName({"vi": "Tiếng Việt", "en": "English"}[code])
            button.clicked.connect(lambda _=False, c=code: self.language_chosen.emit(c))
            self.lang_buttons[code] = button
            lang_box.addWidget(button)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(24, 8, 16, 8)
        self.row.setSpacing(24)
        self.row.addWidget(self.office, 1)
        self.row.addLayout(clock_box)
        self.row.addLayout(lang_box)

    def set_language(self, language: str) -> None:
        for code, button in self.lang_buttons.items():
            button.setChecked(code == language)

    def show_time(self, now: datetime) -> None:
        days = (self.tr("Thứ Hai"), self.tr("Thứ Ba"), self.tr("Thứ Tư"), self.tr("Thứ Năm"),
                self.tr("Thứ Sáu"), self.tr("Thứ Bảy"), self.tr("Chủ Nhật"))
        self.clock.setText(now.strftime("%H:%M"))
        self.date.setText(f"{days[now.weekday()]}, {now:%d/%m/%Y}")


class ServiceButton(QPushButton):
    """One service: ticket letter, waiting count and the name, wrapped on as many lines as
    needed. The labels inside let touches through to the button. A closed service stays
    tappable (greyed, its opening hours in place of the count): the tap says when it opens."""

    def __init__(self, service: Service, parent: QWidget | None = None):
        super().__init__(parent)
        self.service = service
        self.setProperty("role", "service")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAutoDefault(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.letter = label("ServiceLetter", wrap=False)
        self.letter.setText(service.prefix)
        self.waiting = label("ServiceWaiting", align=Qt.AlignmentFlag.AlignRight
                             | Qt.AlignmentFlag.AlignVCenter)
        self.name_label = label("ServiceName", align=Qt.AlignmentFlag.AlignLeft
                                | Qt.AlignmentFlag.AlignVCenter)
        self.name_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                      QSizePolicy.Policy.MinimumExpanding)
        for child in (self.letter, self.waiting, self.name_label):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        # Open until told otherwise: set before the first polish, so only a change restyles
        # (restyling every button costs tens of milliseconds on the UI thread).
        for widget in (self, self.letter, self.waiting, self.name_label):
            widget.setProperty("state", "open")
        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(self.letter)
        top.addWidget(self.waiting, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(18, 14, 18, 14)
        box.setSpacing(8)
        box.addLayout(top)
        box.addWidget(self.name_label, 1)
        self._waiting_count = 0
        self._open = True

    @property
    def is_open(self) -> bool:
        return self._open

    def show_state(self, language: str, waiting: int, is_open: bool,
                   opens: datetime | None = None) -> None:
        """`opens`: when a closed service opens next (None: not within a week)."""
        self._waiting_count = waiting
        self._open = is_open
        name = self.service.name(language)
        self.name_label.setText(name)
        self.setAccessibleName(name)
        if is_open:
            self.waiting.setText(self.tr("Đang chờ: {n}").format(n=waiting))
        else:
            self.waiting.setText(self.tr("Mở lúc {when}").format(
                when=opening_text(opens, language)) if opens else self.tr("Ngoài giờ tiếp nhận"))
        # The whole week's hours for a screen reader.
        self.setAccessibleDescription(hours_text(self.service.hours, language))
        if self.property("state") != ("open" if is_open else "closed"):
            for widget in (self, self.letter, self.waiting, self.name_label):
                set_state(widget, "open" if is_open else "closed")

    def name_fits(self) -> bool:
        """Whether the whole name shows (the label is as tall as its wrapped text needs)."""
        name = self.name_label
        return name.heightForWidth(name.width()) <= name.height()


_DAYS_VI = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")
_DAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def hours_text(hours: OpeningHours, language: str) -> str:
    """Opening hours in short: "T2–T6 7:30–11:30, 13:30–17:00" (days with the same periods
    grouped); '' when the service never opens."""
    names = _DAYS_EN if language == "en" else _DAYS_VI
    groups: list[tuple[int, int, tuple]] = []
    for day, periods in enumerate(hours.periods):
        if not periods:
            continue
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == periods:
            groups[-1] = (groups[-1][0], day, periods)
        else:
            groups.append((day, day, periods))
    parts = []
    for first, last, periods in groups:
        days = names[first] if first == last else f"{names[first]}–{names[last]}"
        times = ", ".join(f"{_hm(a)}–{_hm(b)}" for a, b in periods)
        parts.append(f"{days} {times}")
    return "; ".join(parts)


def next_opening(hours: OpeningHours, now: datetime) -> datetime | None:
    """The next time the service opens after `now` (within a week), or None."""
    for offset in range(8):
        day = (now + timedelta(days=offset)).date()
        for start, _end in hours.periods[day.weekday()]:
            at = datetime.combine(day, start, tzinfo=now.tzinfo)
            if at > now:
                return at
    return None


def opening_text(opens: datetime, language: str) -> str:
    """When a closed service opens, short: "8:00 T2"."""
    names = _DAYS_EN if language == "en" else _DAYS_VI
    return f"{_hm(opens)} {names[opens.weekday()]}"


def _hm(value) -> str:
    return f"{value.hour}:{value.minute:02d}"


def _columns(count: int, portrait: bool) -> int:
    if count <= 1:
        return 1
    if portrait:
        return 2
    if count <= 3:
        return count
    if count == 4:
        return 2
    # Fewest empty cells with 3 or 4 columns; on a tie, more columns (wider screen).
    return min((4, 3), key=lambda c: (-count) % c)


class _TightStack(QStackedWidget):
    """A stack as tall as its tallest page needs at least, never more: it neither grows the
    window nor takes height from the services when a page's wrapped text would like more."""

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        return self.minimumSizeHint()


class StartPage(QWidget):
    """Services, the priority categories (a tap on one, then a tap on the service: a
    priority ticket in two taps), and the self-service buttons. The priority strip and the
    banner of a chosen category take turns in one place, so the services never move or
    shrink when a category is chosen."""

    service_chosen = Signal(str)
    priority_chosen = Signal(object)  # PriorityCategory
    priority_cancelled = Signal()
    lookup_requested = Signal()  # "Tra cứu hồ sơ" (kiosk/ui/selfservice.py)
    feedback_requested = Signal()  # "Phản ánh, kiến nghị"

    def __init__(self, services: Sequence[Service], parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", "page")
        self.title = label("PageTitle")
        self.error = label("ErrorBanner")
        # A message takes the title's place for a while (show_message): the services below
        # keep their size, so no name is ever cut by a message.
        self.head = QStackedWidget()
        self.head.addWidget(self.title)
        self.head.addWidget(self.error)
        self.head.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        # The title's height, not a guess at the message's (show_message sizes it to fit).
        self.error.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

        # The priority categories, one tap each ...
        self.strip = QFrame()
        self.strip.setObjectName("PriorityStrip")
        self.strip_caption = label("PriorityCaption", align=Qt.AlignmentFlag.AlignLeft
                                   | Qt.AlignmentFlag.AlignVCenter)
        self.category_buttons: dict[PriorityCategory, LabelButton] = {}
        tiles = QHBoxLayout()
        tiles.setSpacing(10)
        for category in PRIORITY_CHOICES:
            button = LabelButton("prioritytile")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            button.clicked.connect(lambda _=False, c=category: self.priority_chosen.emit(c))
            self.category_buttons[category] = button
            tiles.addWidget(button, 1)
        strip_box = QVBoxLayout(self.strip)
        strip_box.setContentsMargins(12, 6, 12, 10)
        strip_box.setSpacing(4)
        strip_box.addWidget(self.strip_caption)
        strip_box.addLayout(tiles)
        # ... and, in their place once one is chosen, what was chosen.
        self.banner = QFrame()
        self.banner.setObjectName("PriorityBanner")
        self.banner_text = label("PriorityBannerText", align=Qt.AlignmentFlag.AlignLeft
                                 | Qt.AlignmentFlag.AlignVCenter)
        self.cancel_priority = touch_button("", "secondary")
        self.cancel_priority.clicked.connect(self.priority_cancelled)
        banner_row = QHBoxLayout(self.banner)
        banner_row.setContentsMargins(20, 10, 12, 10)
        banner_row.addWidget(self.banner_text, 1)
        banner_row.addWidget(self.cancel_priority)
        self.priority_slot = _TightStack()
        self.priority_slot.addWidget(self.strip)
        self.priority_slot.addWidget(self.banner)
        self.priority_slot.setSizePolicy(QSizePolicy.Policy.Preferred,
                                         QSizePolicy.Policy.Fixed)

        self.service_buttons: dict[str, ServiceButton] = {}
        for service in services:
            button = ServiceButton(service)
            button.clicked.connect(lambda _=False, c=service.code: self.service_chosen.emit(c))
            self.service_buttons[service.code] = button
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(16)
        self.portrait: bool | None = None

        self.lookup_button = LabelButton("selfservice", subtitle=True)
        self.lookup_button.clicked.connect(self.lookup_requested)
        self.feedback_button = LabelButton("selfservice", subtitle=True)
        self.feedback_button.clicked.connect(self.feedback_requested)
        self.bottom = QGridLayout()
        self.bottom.setSpacing(16)

        box = QVBoxLayout(self)
        box.setContentsMargins(28, 16, 28, 20)
        box.setSpacing(14)
        box.addWidget(self.head)
        box.addWidget(self.grid_host, 1)
        box.addLayout(self.bottom)
        self.set_orientation(False)

    def show_message(self, text: str) -> None:
        """`text` in the title's place; a message longer than a line takes the height it
        needs (the services give way for that while)."""
        self.error.setText(text)
        self.head.setCurrentWidget(self.error)
        needed = self.error.heightForWidth(self.head.width())
        if needed > self.title.sizeHint().height():
            self.head.setMinimumHeight(needed)

    def hide_message(self) -> None:
        self.head.setCurrentWidget(self.title)
        self.head.setMinimumHeight(0)

    @property
    def priority_shown(self) -> bool:
        """Whether a chosen category is shown (the banner in the strip's place)."""
        return self.priority_slot.currentWidget() is self.banner

    def set_orientation(self, portrait: bool) -> None:
        if portrait == self.portrait:
            return
        self.portrait = portrait
        for button in self.service_buttons.values():
            self.grid.removeWidget(button)
        for i in range(self.grid.rowCount()):
            self.grid.setRowStretch(i, 0)
        for i in range(self.grid.columnCount()):
            self.grid.setColumnStretch(i, 0)
        columns = _columns(len(self.service_buttons), portrait)
        for i, button in enumerate(self.service_buttons.values()):
            self.grid.addWidget(button, i // columns, i % columns)
        rows = -(-len(self.service_buttons) // columns)
        for r in range(rows):
            self.grid.setRowStretch(r, 1)
        for c in range(columns):
            self.grid.setColumnStretch(c, 1)
        # The priority strip and the two self-service buttons: one row on a landscape
        # screen, the strip over the other two on a portrait one.
        for widget in (self.priority_slot, self.lookup_button, self.feedback_button):
            self.bottom.removeWidget(widget)
        if portrait:
            self.bottom.addWidget(self.priority_slot, 0, 0, 1, 2)
            self.bottom.addWidget(self.lookup_button, 1, 0)
            self.bottom.addWidget(self.feedback_button, 1, 1)
            stretches = (1, 1, 0)
        else:
            self.bottom.addWidget(self.priority_slot, 0, 0)
            self.bottom.addWidget(self.lookup_button, 0, 1)
            self.bottom.addWidget(self.feedback_button, 0, 2)
            stretches = (3, 1, 1)
        for c, stretch in enumerate(stretches):
            self.bottom.setColumnStretch(c, stretch)

    def show_priority(self, category: PriorityCategory | None, language: str) -> None:
        self.priority_slot.setCurrentWidget(self.strip if category is None else self.banner)
        if category is not None:
            self.banner_text.setText(self.tr("Ưu tiên: {who}. Mời chọn dịch vụ.").format(
                who=priority_label(category, language)))

    def set_priority_enabled(self, enabled: bool) -> None:
        for button in self.category_buttons.values():
            button.setEnabled(enabled)

    def retranslate(self, language: str = "vi") -> None:
        self.title.setText(self.tr("Mời chọn dịch vụ"))
        self.strip_caption.setText(self.tr(
            "Ưu tiên: chạm vào đối tượng, rồi chọn dịch vụ"))
        for category, button in self.category_buttons.items():
            button.set_texts(priority_label(category, language))
        self.cancel_priority.setText(self.tr("Bỏ ưu tiên"))
        self.lookup_button.set_texts(self.tr("Tra cứu hồ sơ"), self.tr(
            "Quét giấy hẹn ngay tại máy này"))
        self.feedback_button.set_texts(self.tr("Phản ánh, kiến nghị"),
                                       self.tr("Góp ý về thủ tục, phục vụ"))


class ConfirmPage(QWidget):
    """The issued number, big, with the printing status and a countdown back to the start."""

    done = Signal()
    reprint = Signal()

    PRINTING, PRINTED, FAILED = "printing", "printed", "failed"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", "page")
        self.card = QFrame()
        self.card.setObjectName("TicketCard")
        self.caption = label("NumberCaption")
        self.number = label("TicketNumber", wrap=False)
        self.priority_mark = label("PriorityMark", wrap=False)
        self.service_name = label("TicketService")
        card_box = QVBoxLayout(self.card)
        card_box.setContentsMargins(28, 20, 28, 24)
        card_box.setSpacing(6)
        card_box.addWidget(self.caption)
        card_box.addWidget(self.number)
        card_box.addWidget(self.priority_mark, 0, Qt.AlignmentFlag.AlignHCenter)
        card_box.addWidget(self.service_name)

        self.ahead = label("PeopleAhead")
        self.issued_at = label("IssuedAt")
        self.status = label("PrintStatus")
        self.detail = label("PrintDetail")
        self.reprint_button = touch_button("", "secondary")
        self.reprint_button.clicked.connect(self.reprint)
        self.countdown = label("Countdown")
        self.done_button = touch_button("", "primary")
        self.done_button.clicked.connect(self.done)
        info = QVBoxLayout()
        info.setSpacing(12)
        info.addStretch(1)
        info.addWidget(self.ahead)
        info.addWidget(self.issued_at)
        info.addSpacing(8)
        info.addWidget(self.status)
        info.addWidget(self.detail)
        info.addWidget(self.reprint_button, 0, Qt.AlignmentFlag.AlignHCenter)
        info.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.done_button)
        buttons.addStretch(1)
        info.addLayout(buttons)
        info.addWidget(self.countdown)

        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.body.setSpacing(32)
        self.body.addWidget(self.card, 5)
        self.body.addLayout(info, 4)
        box = QVBoxLayout(self)
        box.setContentsMargins(32, 20, 32, 20)
        box.addLayout(self.body)

        self._ticket = None
        self._service: Service | None = None
        self._state = self.PRINTING
        self._detail: tuple[str | None, str | None] = (None, None)
        self._reprint_enabled = False
        self._remaining = 0
        self._language = "vi"

    @property
    def ticket(self):
        return self._ticket

    @property
    def state(self) -> str:
        return self._state

    def set_orientation(self, portrait: bool) -> None:
        self.body.setDirection(QBoxLayout.Direction.TopToBottom if portrait
                               else QBoxLayout.Direction.LeftToRight)

    def show_ticket(self, ticket, service: Service) -> None:
        self._ticket = ticket
        self._service = service
        self._state = self.PRINTING
        self._detail = (None, None)
        self._reprint_enabled = False
        self._render()

    def set_print_state(self, state: str, detail_vi: str | None = None,
                        detail_en: str | None = None, *, can_reprint: bool = True) -> None:
        self._state = state
        self._detail = (detail_vi, detail_en)
        self._reprint_enabled = can_reprint
        self._render()

    def set_remaining(self, seconds: int) -> None:
        self._remaining = seconds
        self._render_countdown()

    def retranslate(self, language: str) -> None:
        self._language = language
        self.caption.setText(self.tr("Số thứ tự của bạn"))
        self.done_button.setText(self.tr("Xong"))
        self.reprint_button.setText(self.tr("In lại"))
        self._render()

    def _render_countdown(self) -> None:
        self.countdown.setText(self.tr("Màn hình tự quay lại sau {n} giây").format(
            n=max(0, self._remaining)))

    def _render(self) -> None:
        self._render_countdown()
        ticket = self._ticket
        if ticket is None:
            return
        lang = self._language
        self.number.setText(ticket.number)
        self.service_name.setText(self._service.name(lang) if self._service else "")
        if ticket.priority is None:
            self.priority_mark.hide()
        else:
            mark = self.tr("ƯU TIÊN")
            if ticket.priority is not PriorityCategory.UNSPECIFIED:
                mark = f"{mark} – {priority_label(ticket.priority, lang)}"
            self.priority_mark.setText(mark)
            self.priority_mark.show()
        self.ahead.setText(self.tr("Số người đang chờ trước bạn: {n}").format(
            n=ticket.people_ahead))
        self.issued_at.setText(self.tr("Giờ lấy số: {time}").format(
            time=f"{ticket.issued_at:%H:%M  %d/%m/%Y}"))
        if self._state == self.PRINTING:
            text = self.tr("Đang in phiếu…")
        elif self._state == self.PRINTED:
            text = self.tr("Mời nhận phiếu")
        else:
            text = self.tr("Không in được phiếu. Vui lòng ghi nhớ số thứ tự của bạn: {number}"
                           ).format(number=ticket.number)
        self.status.setText(text)
        set_state(self.status, self._state)
        failed = self._state == self.FAILED
        detail = self._detail[0]
        if lang == "en" and any(self._detail):
            # The failure's English words are the technician's (kiosk/failures.py): the
            # citizen is told what to do.
            detail = self.tr("Vui lòng báo cán bộ tại quầy.")
        self.detail.setText(detail or "")
        self.detail.setVisible(failed and bool(detail))
        self.reprint_button.setVisible(failed)
        self.reprint_button.setEnabled(failed and self._reprint_enabled)


class OutOfServicePage(QWidget):
    """No tickets while the printer keeps failing; the dossier look-up and feedback need no
    printer and stay here (each shown when enabled)."""

    lookup_requested = Signal()
    feedback_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", "page")
        card = QFrame()
        card.setObjectName("NoticeCard")
        self.icon = label("NoticeIcon", wrap=False)
        self.icon.setText("!")
        self.title = label("NoticeTitle")
        self.body = label("NoticeBody")
        self.footer = label("NoticeFooter")
        card_box = QVBoxLayout(card)
        card_box.setContentsMargins(48, 28, 48, 28)
        card_box.setSpacing(14)
        card_box.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignHCenter)
        card_box.addWidget(self.title)
        card_box.addWidget(self.body)
        card_box.addWidget(self.footer)
        self.still = label("PageHint")
        self.lookup_button = LabelButton("selfservice", subtitle=True)
        self.lookup_button.clicked.connect(self.lookup_requested)
        self.feedback_button = LabelButton("selfservice", subtitle=True)
        self.feedback_button.clicked.connect(self.feedback_requested)
        row = QHBoxLayout()
        row.setSpacing(16)
        row.addWidget(self.lookup_button, 1)
        row.addWidget(self.feedback_button, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(48, 20, 48, 20)
        box.setSpacing(12)
        box.addStretch(1)
        box.addWidget(card)
        box.addStretch(1)
        box.addWidget(self.still)
        box.addLayout(row)

    def set_selfservice(self, lookup: bool, feedback: bool) -> None:
        self.lookup_button.setVisible(lookup)
        self.feedback_button.setVisible(feedback)
        self.still.setVisible(lookup or feedback)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Tạm ngừng cấp số thứ tự."))
        self.body.setText(self.tr(
            "Máy in đang gặp sự cố, vui lòng liên hệ cán bộ tại quầy."))
        self.footer.setText(self.tr(
            "Máy sẽ tự hoạt động lại khi máy in sẵn sàng."))
        self.still.setText(self.tr("Vẫn có thể tra cứu hồ sơ và gửi phản ánh:"))
        self.lookup_button.set_texts(self.tr("Tra cứu hồ sơ"), self.tr(
            "Quét mã trên giấy hẹn tại đây"))
        self.feedback_button.set_texts(self.tr("Phản ánh, kiến nghị"),
                                       self.tr("Góp ý về thủ tục, phục vụ"))
