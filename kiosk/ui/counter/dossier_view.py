"""The returning-results page: open a dossier by its receipt barcode or typed code, see all it
holds, and move it on with only the actions its current status allows.

Which actions exist comes from the status machine (kiosk.dossiers.status), never from a list
kept here, so the buttons cannot offer what the desk would refuse. Asking for a supplement and
refusing a dossier are official slips (Mẫu 02, 03): those two actions open the slip's row with
the form chosen. The slips issued and the hand-overs are listed and acted on by paperwork.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.calendar import CalendarRules
from kiosk.dossiers import due
from kiosk.dossiers.models import Dossier
from kiosk.dossiers.procedures import FORM_LABELS_VI
from kiosk.dossiers.status import REASON_REQUIRED, TRANSITIONS, DossierStatus
from kiosk.printout.forms import printed_number
from kiosk.ui.counter.finish_scans import FinishScans
from kiosk.ui.counter.paperwork import HandoverPanel, PaperworkList
from kiosk.ui.counter.text import day_text, weekday_text, when_text
from kiosk.ui.i18n import N_, tr_marked, translate
from kiosk.ui.widgets import KeyButton, WrapRow, card, field_label, set_prop, value_label

S = DossierStatus


@dataclass(frozen=True)
class Action:
    to: DossierStatus
    button: str  # button text
    question: str  # what the confirm panel asks
    reason_label: str = ""  # label of the reason field (required for REASON_REQUIRED)


# Source strings for the actions (marked with N_, shown with tr_marked); window-independent so
# tests and the CLI can read them.
ACTIONS: dict[DossierStatus, Action] = {
    S.RETURNED: Action(S.RETURNED, N_("Trả kết quả"), N_("Trả kết quả hồ sơ này cho công dân?"),
                       N_("Ghi chú khi trả (không bắt buộc)")),
    S.FINISHED: Action(S.FINISHED, N_("Đã xử lý xong"),
                       N_("Ghi nhận hồ sơ đã xử lý xong, chờ trả?")),
    S.RECEIVED: Action(S.RECEIVED, N_("Tiếp nhận"), N_("Tiếp nhận hồ sơ đăng ký trực tuyến này?")),
    S.PROCESSING: Action(S.PROCESSING, N_("Chuyển xử lý"), N_("Chuyển hồ sơ sang đang xử lý?")),
    S.SUPPLEMENT_REQUESTED: Action(S.SUPPLEMENT_REQUESTED, N_("Yêu cầu bổ sung…"),
                                   N_("Yêu cầu công dân bổ sung giấy tờ?"),
                                   N_("Giấy tờ cần bổ sung (bắt buộc)")),
    S.FEE_REQUESTED: Action(S.FEE_REQUESTED, N_("Yêu cầu nộp phí…"),
                            N_("Yêu cầu công dân thực hiện nghĩa vụ tài chính?"),
                            N_("Nội dung (không bắt buộc)")),
    S.WITHDRAWN: Action(S.WITHDRAWN, N_("Rút hồ sơ…"), N_("Công dân yêu cầu rút hồ sơ?"),
                        N_("Lý do rút hồ sơ (bắt buộc)")),
    S.STOPPED: Action(S.STOPPED, N_("Dừng xử lý…"), N_("Dừng xử lý hồ sơ này?"),
                      N_("Lý do dừng xử lý (bắt buộc)")),
    S.REFUSED: Action(S.REFUSED, N_("Không tiếp nhận…"), N_("Không tiếp nhận hồ sơ này?"),
                      N_("Lý do không tiếp nhận (bắt buộc)")),
}
_ORDER = (S.RETURNED, S.FINISHED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED,
          S.FEE_REQUESTED, S.WITHDRAWN, S.STOPPED, S.REFUSED)


def legal_actions(dossier: Dossier) -> list[DossierStatus]:
    """The statuses the clerk may move this dossier to, most common first.

    "Trả kết quả" is also offered wherever "Đã xử lý xong" is legal: DossierDesk.hand_back
    records the finish and the hand-back together (a same-day result handed over at once).
    A purged dossier is read-only.
    """
    if dossier.purged:
        return []
    allowed = set(TRANSITIONS[dossier.status])
    if S.FINISHED in allowed:
        allowed.add(S.RETURNED)
    return [s for s in _ORDER if s in allowed]


def timeliness(dossier: Dossier, today: date, rules: CalendarRules,
               slips: Sequence[Any] = ()) -> tuple[str, str]:
    """(text, tone) for on time / late: tone "ok", "late" or "" (nothing to judge). Counted
    by kiosk/dossiers/due.py (supplement pauses, the apology's new date)."""
    late = due.working_days_late(dossier, slips, rules, today)
    if dossier.status is S.RETURNED:
        if not late:
            return translate("dossier_view", "Trả kết quả đúng hạn"), "ok"
        return translate("dossier_view", "Trả kết quả quá hạn"), "late"
    if dossier.status is S.FINISHED:
        if not late:
            return translate("dossier_view", "Xử lý xong đúng hạn, chờ trả kết quả"), "ok"
        return translate("dossier_view", "Xử lý xong quá hạn {late} ngày làm việc, chờ trả kết "
                                         "quả").format(late=late), "late"
    if not due.is_open(dossier):
        return translate("dossier_view", "Hồ sơ đã kết thúc"), ""
    if dossier.status is S.SUPPLEMENT_REQUESTED:
        return translate("dossier_view", "Tạm dừng tính thời hạn, chờ bổ sung giấy tờ"), "ok"
    overdue = due.days_overdue(dossier, slips, rules, today)
    if overdue:
        return translate("dossier_view", "Quá hạn {value} ngày làm việc").format(
                value=overdue), "late"
    left = due.working_days_left(dossier, slips, rules, today)
    if late:  # apologised: a new date, still late
        return translate("dossier_view", "Đã hẹn lại, còn {left} ngày làm việc").format(
                left=left), "late"
    if left == 0:
        return translate("dossier_view", "Đến hạn trả hôm nay"), "ok"
    return translate("dossier_view", "Còn {left} ngày làm việc đến hạn trả").format(
            left=left), "ok"


def status_tone(status: DossierStatus) -> str:
    if status in (S.RETURNED, S.FINISHED):
        return "done"
    if status in (S.REFUSED, S.WITHDRAWN, S.STOPPED):
        return "stopped"
    if status in (S.SUPPLEMENT_REQUESTED, S.FEE_REQUESTED):
        return "waiting"
    return ""


class _DetailsArea(QScrollArea):
    """The dossier's details, scrolled up and down where the page is short: as wide as they
    need (never cut at the side), as tall as there is room for."""

    def __init__(self, details: QWidget) -> None:
        super().__init__()
        self.setObjectName("DossierDetails")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Sized here, not by QScrollArea's own resizing: that gives a layout whose rows wrap
        # (the slips list's buttons) its preferred height, so the details would scroll on a
        # screen that has room for them.
        self.setWidgetResizable(False)
        self.setWidget(details)
        details.installEventFilter(self)

    def _fit(self) -> None:
        """The details as wide as the view and as tall as it, or as they must be."""
        inner = self.widget()
        width = self.viewport().width()
        layout = inner.layout()
        need = (layout.totalMinimumHeightForWidth(width) if layout.hasHeightForWidth()
                else inner.minimumSizeHint().height())
        size = QSize(width, max(self.viewport().height(), need))
        if inner.size() != size:
            inner.resize(size)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)  # also the view's, when the scroll bar comes or goes
        self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self._fit()
        return super().eventFilter(watched, event)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        inner = self.widget().minimumSizeHint()
        return QSize(inner.width() + self.verticalScrollBar().sizeHint().width(),
                     min(inner.height(), 120))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        inner = self.widget().sizeHint()
        return QSize(inner.width() + self.verticalScrollBar().sizeHint().width(),
                     inner.height())


class _CodeEdit(QLineEdit):
    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class _ReasonEdit(QLineEdit):
    submitted = Signal()
    cancelled = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(True)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setHighlightSections(False)
    return table


#: The official slips the clerk can issue from the dossier page (kiosk/dossiers/slips.py), and
#: what each one's text field asks for (05 has none: it lists the recorded hand-overs).
SLIP_FORMS = (("02", N_("02 Bổ sung")), ("03", N_("03 Từ chối")), ("04", N_("04 Xin lỗi")),
              ("05", N_("06 Kiểm soát")))
#: The status actions that are an official slip: asking for a supplement is Mẫu 02, refusing
#: a dossier Mẫu 03 (the slip's panel opens with that form chosen; its reason is the slip's).
SLIP_OF_ACTION = {S.SUPPLEMENT_REQUESTED: "02", S.REFUSED: "03"}
SLIP_REASONS = {"02": N_("Giấy tờ cần bổ sung (bắt buộc), ngăn cách bằng ;"),
                "03": N_("Lý do từ chối (bắt buộc)"),
                "04": N_("Lý do chậm trả kết quả (bắt buộc)")}


class SlipPanel(QFrame):
    """Inline, like the confirm panel: the form, its reason, the new date (Mẫu 04).
    `requested(form, reason, new_date_iso)`; the desk checks the rules."""

    requested = Signal(str, str, str)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SlipPanel")
        self.forms = QButtonGroup(self)
        self.forms.setExclusive(True)
        self.form_buttons: dict[str, KeyButton] = {}
        # One row where the page is wide enough (the page keeps its height); on a narrow one
        # (1366x768 at 125 %, the rating panel beside) the fields go under the forms.
        forms = QWidget()
        row = QHBoxLayout(forms)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(field_label(self.tr("Mẫu")))
        for form, text in SLIP_FORMS:
            button = KeyButton(tr_marked(text))
            button.setCheckable(True)
            button.setObjectName("SlipForm")
            self.forms.addButton(button)
            self.form_buttons[form] = button
            button.toggled.connect(self._update)
            button.clicked.connect(self._form_chosen)
            row.addWidget(button)
        self.reason = _ReasonEdit()
        self.reason.setObjectName("SlipReason")
        self.reason.submitted.connect(self.submit)
        self.reason.cancelled.connect(self.cancelled.emit)
        self.reason.textChanged.connect(self._update)
        self.date_label = field_label(self.tr("Hẹn mới"))
        self.new_date = QDateEdit()
        self.new_date.setObjectName("SlipNewDate")
        self.new_date.setDisplayFormat("dd/MM/yyyy")
        self.new_date.setCalendarPopup(True)
        self.issue_button = KeyButton(self.tr("Lập và in phiếu (Enter)"), "primary")
        self.issue_button.setObjectName("IssueSlip")
        self.issue_button.clicked.connect(self.submit)
        self.cancel_button = KeyButton(self.tr("Hủy (Esc)"))
        self.cancel_button.clicked.connect(self.cancelled.emit)
        self.reason.setMinimumWidth(180)
        fields = QWidget()
        row = QHBoxLayout(fields)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(self.reason, 1)
        row.addWidget(self.date_label)
        row.addWidget(self.new_date)
        row.addWidget(self.issue_button)
        row.addWidget(self.cancel_button)
        self.rows = WrapRow([forms, fields], stretch=(fields,))
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 6, 10, 6)
        box.addWidget(self.rows)

    def start(self, due: date, form: str = "02") -> None:
        """Open for a dossier due on `due` (the new date starts the next day), `form` chosen."""
        self.reason.clear()
        after = due + timedelta(days=1)
        self.new_date.setDate(QDate(after.year, after.month, after.day))
        self.form_buttons[form].setChecked(True)
        self._update()
        self.show()
        if form in SLIP_REASONS:
            self.reason.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.issue_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _form_chosen(self) -> None:
        """A form picked (a click, or Enter on its button): the cursor goes on to what it
        asks for, or to "Lập và in phiếu" when it asks for nothing (05)."""
        if self.form in SLIP_REASONS:
            self.reason.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.issue_button.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def form(self) -> str:
        return next((f for f, b in self.form_buttons.items() if b.isChecked()), "02")

    def _update(self) -> None:
        form = self.form
        asks = form in SLIP_REASONS
        # What the field asks for, in the field (one row: no room for a label).
        self.reason.setPlaceholderText(tr_marked(SLIP_REASONS[form]) if asks else "")
        self.issue_button.setEnabled(not asks or bool(self.reason.text().strip()))
        if not asks and self.reason.hasFocus():  # 05: Enter issues it
            self.issue_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.reason.setVisible(asks)
        self.date_label.setVisible(form == "04")
        self.new_date.setVisible(form == "04")

    def submit(self) -> None:
        if not self.issue_button.isEnabled():
            return
        form = self.form
        day = self.new_date.date()
        new_date = (date(day.year(), day.month(), day.day()).isoformat() if form == "04"
                    else "")
        reason = self.reason.text().strip() if form in SLIP_REASONS else ""
        self.hide()
        self.requested.emit(form, reason, new_date)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape:  # from the form buttons or the date
            self.cancelled.emit()
            return
        super().keyPressEvent(event)


class DossierView(QWidget):
    """Open / show / act. `open_requested(code)`, `action_requested(code, status, reason)`,
    `reprint_requested(code)`, `a4_requested(code)`, `slip_requested(...)`,
    `handover_requested(...)`; window.py (and paperwork.py) do the work off-thread."""

    open_requested = Signal(str)
    finish_requested = Signal(str)  # a code typed in the "mark finished" mode
    action_requested = Signal(str, int, str)
    reprint_requested = Signal(str)
    a4_requested = Signal(str)
    slip_requested = Signal(str, str, str, str)  # code, form, reason, new date (ISO or "")
    # code, to whom, received by, due date (ISO or ""), note: paperwork.py records it
    handover_requested = Signal(str, str, str, str, str)

    def __init__(self, rules: CalendarRules, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "page")
        self.rules = rules
        self.dossier: Dossier | None = None
        self.pending: Action | None = None
        self.busy = False
        self.action_buttons: dict[DossierStatus, KeyButton] = {}
        self.collector_note = ""
        self.today = date.today()  # the office's day the page was shown on (window's clock)

        # -- code entry -----------------------------------------------------------------
        self.code_edit = _CodeEdit()
        self.code_edit.setObjectName("CodeEdit")
        self.placeholder_text = self.tr("Quét mã vạch trên giấy hẹn hoặc nhập mã hồ sơ, ví dụ "
                                        "000.00.01.H26-260115-0007")
        self.code_edit.setPlaceholderText(self.placeholder_text)
        self.code_edit.submitted.connect(self.request_open)
        self.open_button = KeyButton(self.tr("Mở hồ sơ (Enter)"), "primary")
        self.open_button.clicked.connect(self.request_open)
        self.finish_mode_button = KeyButton(self.tr("Quét xử lý xong (Ctrl+F9)"))
        self.finish_mode_button.setObjectName("FinishModeButton")
        self.finish_mode_button.setCheckable(True)
        self.finish_mode_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.finish_mode_button.toggled.connect(self._finish_mode_toggled)
        # Room for a whole code in the field, whatever the buttons beside it need.
        self.code_edit.setMinimumWidth(self.code_edit.fontMetrics().horizontalAdvance(
            "000.00.01.H26-260115-0007") + 24)
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(field_label(self.tr("Mã hồ sơ (F9)"), self.code_edit))
        top.addWidget(self.code_edit, 1)
        self.finish_scans = FinishScans()
        self.finish_scans.hide()

        self.placeholder = QLabel(self.tr(
            "Quét mã vạch trên giấy tiếp nhận và hẹn trả kết quả, hoặc gõ mã hồ sơ rồi nhấn "
            "Enter. Hồ sơ sẽ hiện ở đây cùng các thao tác được phép."))
        self.placeholder.setProperty("role", "hint")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)

        # -- details --------------------------------------------------------------------
        self.slips: list[Any] = []  # the open dossier's apology slips
        self.values: dict[str, QLabel] = {}
        info, info_box, _ = card(self.tr("Thông tin hồ sơ"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(5)
        grid.setColumnStretch(1, 1)
        rows = (
            ("code", self.tr("Mã hồ sơ")), ("procedure", self.tr("Thủ tục")),
            ("submitter", self.tr("Người nộp")), ("id_number", self.tr("Số định danh")),
            ("birth", self.tr("Ngày sinh")), ("address", self.tr("Địa chỉ")),
            ("contact", self.tr("Liên hệ")), ("owner", self.tr("Chủ hồ sơ")),
            ("received", self.tr("Tiếp nhận")), ("appointment", self.tr("Hẹn trả")),
            ("status", self.tr("Trạng thái")), ("timeliness", self.tr("Tiến độ")),
            ("returned", self.tr("Đã trả")), ("sets", self.tr("Số bộ, địa bàn")),
            ("notes", self.tr("Ghi chú")),
        )
        for row, (key, text) in enumerate(rows):
            grid.addWidget(field_label(text), row, 0, Qt.AlignmentFlag.AlignTop)
            if key == "status":
                value = QLabel()
                value.setObjectName("StatusBadge")
                holder = QHBoxLayout()
                holder.addWidget(value)
                holder.addStretch(1)
                grid.addLayout(holder, row, 1)
            else:
                value = value_label("Timeliness" if key == "timeliness" else "")
                grid.addWidget(value, row, 1)
            self.values[key] = value
        set_prop(self.values["code"], "role", "")
        self.values["code"].setObjectName("SavedCode")
        info_box.addLayout(grid)
        info_box.addStretch(1)

        side, side_box, _ = card(self.tr("Giấy tờ đã nhận"))
        self.documents = _table([self.tr("Tên giấy tờ"), self.tr("Hình thức"), self.tr("SL")])
        self.documents.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        side_box.addWidget(self.documents, 1)
        history_title = QLabel(self.tr("Lịch sử xử lý"))
        history_title.setProperty("role", "cardTitle")
        side_box.addWidget(history_title)
        self.history = _table([self.tr("Thời gian"), self.tr("Trạng thái"), self.tr("Cán bộ"),
                               self.tr("Lý do, ghi chú")])
        self.history.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Stretch)
        side_box.addWidget(self.history, 1)
        # The slips issued and the hand-overs (paperwork.py; read after the dossier opens).
        self.paperwork = PaperworkList()
        self.paperwork.handover_clicked.connect(self.start_handover)
        side_box.addWidget(self.paperwork, 1)

        body = QHBoxLayout()
        body.setSpacing(10)
        body.addWidget(info, 52)
        body.addWidget(side, 48)
        self.details = QWidget()
        self.details.setObjectName("DossierDetailsInner")
        self.details.setLayout(body)
        body.setContentsMargins(0, 0, 0, 0)
        # Where the screen is short (1366x768 at 125 %, a panel open), the details scroll
        # rather than push the window past the screen.
        self.details_area = _DetailsArea(self.details)

        # -- confirm panel (inline: no modal dialog to lose behind other windows) -------
        self.confirm = QFrame()
        self.confirm.setObjectName("ConfirmPanel")
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.reason_label = field_label("")
        self.reason = _ReasonEdit()
        self.reason.setObjectName("ReasonEdit")
        self.reason.submitted.connect(self.confirm_action)
        self.reason.cancelled.connect(self.cancel_action)
        self.reason.textChanged.connect(self._update_confirm)
        self.confirm_button = KeyButton(self.tr("Xác nhận (Enter)"), "primary")
        self.confirm_button.setObjectName("ConfirmButton")
        self.confirm_button.clicked.connect(self.confirm_action)
        self.cancel_button = KeyButton(self.tr("Hủy (Esc)"))
        self.cancel_button.clicked.connect(self.cancel_action)
        confirm_box = QGridLayout(self.confirm)
        confirm_box.setContentsMargins(10, 6, 10, 6)
        confirm_box.setHorizontalSpacing(8)
        confirm_box.addWidget(self.question, 0, 0, 1, 4)
        confirm_box.addWidget(self.reason_label, 1, 0)
        confirm_box.addWidget(self.reason, 1, 1)
        confirm_box.addWidget(self.confirm_button, 1, 2)
        confirm_box.addWidget(self.cancel_button, 1, 3)
        confirm_box.setColumnStretch(1, 1)
        self.confirm.hide()

        # -- actions --------------------------------------------------------------------
        self.no_actions = QLabel()
        self.no_actions.setProperty("role", "hint")
        self.reprint_button = KeyButton(self.tr("In lại phiếu (F6)"))
        self.reprint_button.setObjectName("ReprintButton")
        self.reprint_button.clicked.connect(
            lambda: self.dossier and self.reprint_requested.emit(self.dossier.code))
        self.a4_button = KeyButton(self.tr("In giấy A4 (F7)"))
        self.a4_button.clicked.connect(
            lambda: self.dossier and self.a4_requested.emit(self.dossier.code))
        self.state = QLabel()
        self.state.setObjectName("ActionState")
        self.state.setWordWrap(True)
        self.state.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.state.hide()  # shown with a text (set_state)
        # The official slips (Mẫu 02-05): one button, its panel inline above the action bar.
        self.slip_button = KeyButton(self.tr("Lập phiếu…"))
        self.slip_button.setObjectName("SlipButton")
        self.slip_button.clicked.connect(lambda: self.start_slip())
        self.slip_panel = SlipPanel()
        self.slip_panel.requested.connect(self._slip_chosen)
        self.slip_panel.cancelled.connect(self.slip_panel.hide)
        self.slip_panel.hide()
        self.handover_panel = HandoverPanel()
        self.handover_panel.requested.connect(self._handover_chosen)
        self.handover_panel.cancelled.connect(self._handover_cancelled)
        self.handover_panel.hide()
        # The dossier's actions, then "Lập phiếu…": up to seven actions need more than a
        # 1366x768 screen at 125 % has (1222 px), so they wrap onto a second row.
        self.actions_row = WrapRow([self.no_actions, self.slip_button])
        bar = QVBoxLayout()
        bar.setSpacing(6)
        bar.addWidget(self.actions_row)
        bar.addWidget(self.state)
        # Reprints sit by the code; on a narrow page with shorter texts (the whole one in the
        # tool tip) where that keeps one row, else the buttons wrap under each other.
        top.addWidget(WrapRow([self.open_button, self.finish_mode_button, self.reprint_button,
                               self.a4_button], right=True, compact={
                                   self.reprint_button: self.tr("In lại (F6)"),
                                   self.a4_button: self.tr("A4 (F7)")}),
                      0, Qt.AlignmentFlag.AlignTop)
        self.action_bar = QWidget()
        self.action_bar.setLayout(bar)
        # Who collects: an ID card scanned while a dossier is open is checked against it.
        self.collector = QLabel()
        self.collector.setObjectName("CollectorCheck")
        self.collector.setWordWrap(True)
        self.collector.hide()
        bar.setContentsMargins(0, 0, 0, 0)

        box = QVBoxLayout(self)
        box.setContentsMargins(10, 8, 10, 8)
        box.setSpacing(8)
        box.addLayout(top)
        box.addWidget(self.placeholder, 1)
        box.addWidget(self.finish_scans, 1)
        box.addWidget(self.details_area, 1)
        box.addWidget(self.collector)
        box.addWidget(self.confirm)
        box.addWidget(self.slip_panel)
        box.addWidget(self.handover_panel)
        box.addWidget(self.action_bar)
        self.show_dossier(None)

    # -- opening ------------------------------------------------------------------------

    def request_open(self) -> None:
        code = self.code_edit.text().strip()
        if not code:
            return
        if self.finish_mode:
            self.code_edit.clear()
            self.finish_requested.emit(code)
        else:
            self.open_requested.emit(code)

    # -- the "mark finished" mode -----------------------------------------------------------

    @property
    def finish_mode(self) -> bool:
        return self.finish_mode_button.isChecked()

    def set_finish_mode(self, on: bool) -> None:
        self.finish_mode_button.setChecked(on)

    def _finish_mode_toggled(self, on: bool) -> None:
        if on:
            self.show_dossier(None)
            self.code_edit.clear()
            self.code_edit.setPlaceholderText(self.tr(
                "Quét mã vạch trên giấy hẹn: hồ sơ chuyển ngay sang \"Đã xử lý xong\""))
            self.open_button.setText(self.tr("Ghi nhận (Enter)"))
        else:
            self.finish_scans.clear()
            self.code_edit.setPlaceholderText(self.placeholder_text)
            self.open_button.setText(self.tr("Mở hồ sơ (Enter)"))
        self.finish_scans.setVisible(on)
        self.placeholder.setVisible(not on and self.dossier is None)

    def clear(self) -> None:
        """Forget the dossier on screen (the next citizen was called): nothing of the
        previous citizen stays visible."""
        self.show_dossier(None)
        self.code_edit.clear()

    def focus_code(self) -> None:
        self.code_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.code_edit.selectAll()

    def show_dossier(self, dossier: Dossier | None, today: date | None = None,
                     slips: Sequence[Any] | None = None) -> None:
        """`slips`: the dossier's apology slips (kiosk/dossiers/due.py), for its due moment;
        None keeps those read with the same dossier (an action's answer)."""
        same = (dossier is not None and self.dossier is not None
                and dossier.code == self.dossier.code)
        self.slips = list(slips) if slips is not None else (self.slips if same else [])
        self.dossier = dossier
        self.today = today or date.today()
        self.cancel_action()
        if dossier is not None and self.finish_mode:
            self.set_finish_mode(False)
        self.placeholder.setVisible(dossier is None and not self.finish_mode)
        self.details_area.setVisible(dossier is not None)
        self.action_bar.setVisible(dossier is not None)
        self.reprint_button.setVisible(dossier is not None)
        self.a4_button.setVisible(dossier is not None)
        self.slip_panel.hide()
        self.handover_panel.hide()
        self.slip_button.setVisible(dossier is not None and not dossier.purged)
        if not same:
            self.paperwork.show_paperwork(None)
        self.paperwork.handover_button.setVisible(dossier is not None and not dossier.purged)
        self.set_state("", "")
        if dossier is None or (self.collector.property("code") != dossier.code):
            self.collector.hide()
            self.collector_note = ""
        if dossier is None:
            return
        self.code_edit.setText(dossier.code)
        v = self.values
        removed = self.tr("(đã xóa theo thời hạn lưu trữ)")
        person = dossier.submitter
        holder = dossier.holder
        v["code"].setText(dossier.code)
        v["procedure"].setText(f"{dossier.procedure_name} ({dossier.procedure_code}) · "
                               f"{dossier.field_name}")
        v["submitter"].setText(person.name or removed)
        v["id_number"].setText(person.id_number or ("" if person.name else removed))
        v["birth"].setText(" · ".join(x for x in (day_text(person.birth_date), person.gender)
                                      if x))
        v["address"].setText(person.address)
        v["contact"].setText(" · ".join(x for x in (person.phone, person.email) if x))
        v["owner"].setText(holder.name if dossier.owner is not None
                           else self.tr("Chính người nộp"))
        v["received"].setText(self.tr("%1, cán bộ %2").replace(
            "%1", when_text(dossier.received_at)).replace("%2", dossier.clerk))
        v["appointment"].setText(weekday_text(dossier.appointment_date))
        badge = v["status"]
        badge.setText(f"{int(dossier.status)}. {dossier.status.label_vi}")
        set_prop(badge, "tone", status_tone(dossier.status))
        text, tone = timeliness(dossier, self.today, self.rules,
                                self.slips)
        v["timeliness"].setText(text)
        set_prop(v["timeliness"], "tone", tone)
        returned = when_text(dossier.returned_at)
        if dossier.finished_at and not dossier.returned_at:
            returned = self.tr("chưa trả (xử lý xong %1)").replace(
                "%1", when_text(dossier.finished_at))
        v["returned"].setText(returned or self.tr("chưa trả"))
        v["sets"].setText(", ".join(x for x in (self.tr("{sets} bộ").format(
                sets=dossier.sets), dossier.area) if x))
        notes = [dossier.notes] if dossier.notes else []
        if dossier.status_reason:
            notes.append(f"{dossier.status.label_vi}: {dossier.status_reason}")
        v["notes"].setText("; ".join(notes))

        self.documents.setRowCount(0)
        for doc in dossier.documents:
            row = self.documents.rowCount()
            self.documents.insertRow(row)
            mark = "✓ " if doc.received else "✗ "
            for column, value in enumerate((mark + doc.name, FORM_LABELS_VI[doc.form],
                                            str(doc.quantity))):
                self.documents.setItem(row, column, QTableWidgetItem(value))
        self.documents.resizeRowsToContents()
        self.history.setRowCount(0)
        for change in dossier.history:
            row = self.history.rowCount()
            self.history.insertRow(row)
            for column, value in enumerate((when_text(change.at),
                                            f"{int(change.to_status)}. "
                                            f"{change.to_status.label_vi}",
                                            change.clerk, change.reason or "")):
                self.history.setItem(row, column, QTableWidgetItem(value))
        self.history.resizeRowsToContents()
        self.history.scrollToBottom()
        self._build_actions()

    def _build_actions(self) -> None:
        for button in self.action_buttons.values():
            button.hide()
            button.setParent(None)
            button.deleteLater()
        self.action_buttons = {}
        assert self.dossier is not None
        allowed = legal_actions(self.dossier)
        for index, status in enumerate(allowed):
            action = ACTIONS[status]
            # Alt+1, Alt+2… (window.py) start the actions in the order shown.
            button = KeyButton(f"[{index + 1}] {tr_marked(action.button)}",
                               "primary" if index == 0 else "")
            button.setToolTip(f"Alt+{index + 1}")
            button.setObjectName(f"Action{int(status)}")
            button.clicked.connect(lambda _=False, a=action: self.start_action(a))
            self.action_buttons[status] = button
        self.no_actions.setVisible(not allowed)
        self.actions_row.set_items([*self.action_buttons.values(), self.no_actions,
                                    self.slip_button])
        self.no_actions.setText(self.tr("Hồ sơ đã kết thúc: không còn thao tác nào."))
        listing = self.paperwork
        buttons = [*self.action_buttons.values(), self.slip_button, listing.handover_button,
                   listing.table, listing.reprint_button, listing.pdf_button,
                   self.reprint_button, self.a4_button]
        QWidget.setTabOrder(self.open_button, buttons[0])
        for first, second in zip(buttons, buttons[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self._set_busy(self.busy)

    # -- who collects -------------------------------------------------------------------

    def check_collector(self, fields: dict) -> str:
        """An ID card scanned at hand-back: is the person collecting the dossier's submitter
        (or its owner)? Returns "holder", "other" or "unknown" (the dossier no longer holds
        an ID number) and shows the answer above the actions."""
        dossier = self.dossier
        assert dossier is not None
        name = fields.get("full_name") or ""
        expected = {p.id_number for p in (dossier.submitter, dossier.owner)
                    if p is not None and p.id_number}
        scanned = {x for x in (fields.get("id_number"), fields.get("old_id_number")) if x}
        if not expected:
            verdict, tone = "unknown", "busy"
            text = self.tr("Hồ sơ không còn lưu số định danh của người nộp: đối chiếu thẻ của "
                           "%1 với giấy hẹn bằng mắt.").replace("%1", name)
        elif scanned & expected:
            verdict, tone = "holder", "ok"
            text = self.tr("Người nhận kết quả: %1, đúng người nộp hồ sơ (số định danh khớp)."
                           ).replace("%1", name)
        else:
            verdict, tone = "other", "failed"
            text = self.tr("%1 không phải người nộp hồ sơ này (số định danh không khớp). "
                           "Người nhận thay phải xuất trình giấy ủy quyền của người nộp hồ sơ."
                           ).replace("%1", name)
        self.collector.setText(text)
        self.collector.setProperty("code", dossier.code)
        # What the hand-back records as its note (the clerk may change it before confirming).
        self.collector_note = {
            "holder": self.tr("Người nhận: %1 (người nộp hồ sơ, đã đối chiếu thẻ căn cước)"),
            "other": self.tr("Người nhận thay: %1 (có giấy ủy quyền)"),
            "unknown": self.tr("Người nhận: %1"),
        }[verdict].replace("%1", name)
        set_prop(self.collector, "state", tone)
        self.collector.show()
        if self.pending is not None and self.pending.to is S.RETURNED and self.confirm.isVisible():
            self.reason.setText(self.collector_note)  # the hand-back's question is open
        return verdict

    # -- acting ---------------------------------------------------------------------------

    def start_numbered(self, number: int) -> bool:
        """Alt+number: start the action shown `number`th (1-based); False if there is none."""
        buttons = list(self.action_buttons.items())
        if not 1 <= number <= len(buttons) or self.busy or self.finish_mode:
            return False
        self.start_action(ACTIONS[buttons[number - 1][0]])
        return True

    def start_action(self, action: Action) -> None:
        if self.dossier is None or self.busy:
            return
        if action.to in SLIP_OF_ACTION:  # the official slip, with its status change
            self.start_slip(SLIP_OF_ACTION[action.to])
            return
        self.handover_panel.hide()
        self.pending = action
        self.question.setText(f"{tr_marked(action.question)} ({self.dossier.code})")
        self.reason.clear()
        if action.to is S.RETURNED and self.collector_note:
            self.reason.setText(self.collector_note)
        has_reason = bool(action.reason_label)
        self.reason_label.setText(tr_marked(action.reason_label))
        self.reason_label.setVisible(has_reason)
        self.reason.setVisible(has_reason)
        self.confirm.show()
        self._update_confirm()
        if has_reason:
            self.reason.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.confirm_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update_confirm(self) -> None:
        action = self.pending
        needed = action is not None and action.to in REASON_REQUIRED
        self.confirm_button.setEnabled(not needed or bool(self.reason.text().strip()))

    def confirm_action(self) -> None:
        action = self.pending
        if action is None or self.dossier is None or not self.confirm_button.isEnabled():
            return
        reason = self.reason.text().strip()
        self.pending = None
        self.confirm.hide()
        self.set_state("busy", self.tr("Đang ghi nhận…"))
        self._set_busy(True)
        self.action_requested.emit(self.dossier.code, int(action.to), reason)

    def start_slip(self, form: str = "02") -> None:
        if self.dossier is None or self.busy or self.dossier.purged:
            return
        self.pending = None
        self.confirm.hide()
        self.handover_panel.hide()
        self.slip_panel.start(self.dossier.appointment_date, form)

    # -- paperwork: hand-overs, slips listed --------------------------------------------------

    def show_paperwork(self, paperwork: Any, select: str | None = None) -> None:
        """The open dossier's slips and hand-overs (lanes.Paperwork), `select` the slip to
        pick; an answer about another dossier is dropped."""
        if self.dossier is not None and paperwork.code == self.dossier.code:
            self.paperwork.show_paperwork(paperwork, select)
            self.paperwork.set_busy(self.busy)

    def start_handover(self) -> None:
        if self.dossier is None or self.busy or self.dossier.purged:
            return
        self.cancel_action()
        self.slip_panel.hide()
        listed = self.paperwork.paperwork
        self.handover_panel.start(listed.parties if listed is not None else (), self.today)

    def _handover_chosen(self, to_party: str, received_by: str, due: str, note: str) -> None:
        if self.dossier is None:
            return
        self.working(self.tr("Đang ghi giao nhận…"))
        self.handover_requested.emit(self.dossier.code, to_party, received_by, due, note)

    def _handover_cancelled(self) -> None:
        self.handover_panel.hide()
        self.paperwork.handover_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def handover_done(self, paperwork: Any, to_party: str) -> None:
        self._set_busy(False)
        if self.dossier is None or paperwork.code != self.dossier.code:
            return  # another dossier was opened meanwhile: its page says nothing of this one
        self.show_paperwork(paperwork)
        self.set_state("ok", self.tr("Đã ghi giao hồ sơ cho %1. Lập phiếu… chọn 06 để in phiếu "
                                     "kiểm soát.").replace("%1", to_party))
        self.slip_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def working(self, text: str) -> None:
        self.set_state("busy", text)
        self._set_busy(True)

    def _slip_chosen(self, form: str, reason: str, new_date: str) -> None:
        if self.dossier is None:
            return
        self.working(self.tr("Đang lập phiếu…"))
        self.slip_requested.emit(self.dossier.code, form, reason, new_date)

    def cancel_action(self) -> None:
        had = self.pending is not None
        self.pending = None
        self.confirm.hide()
        if had and self.action_buttons:
            next(iter(self.action_buttons.values())).setFocus(Qt.FocusReason.OtherFocusReason)

    def action_done(self, dossier: Dossier, today: date | None = None) -> None:
        self._set_busy(False)
        self.show_dossier(dossier, today)
        self.set_state("ok", self.tr("Đã chuyển sang: %1").replace(
            "%1", dossier.status.label_vi))

    def slip_done(self, dossier: Dossier, form: str, today: date | None = None) -> None:
        self._set_busy(False)
        self.show_dossier(dossier, today)
        self.set_state("busy", self.tr("Đã lập phiếu Mẫu %1, đang in…").replace(
            "%1", printed_number(form)))

    def action_failed(self, message_vi: str) -> None:
        self._set_busy(False)
        self.set_state("failed", message_vi)

    def set_state(self, state: str, text: str) -> None:
        self.state.setText(text)
        self.state.setVisible(bool(text))
        set_prop(self.state, "state", state)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for button in self.action_buttons.values():
            button.setEnabled(not busy)
        self.slip_button.setEnabled(not busy)
        self.paperwork.set_busy(busy)
