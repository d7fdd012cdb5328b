"""A petition opened from the office window's petitions tab (double-click or Enter on a row):
the whole case for the head of office (its text, the citizen's contact, the status, the
deadline, red when late, and its history), who gives it to a clerk, writes the answer and
closes it.

Reading the case and each change run on the window's lane through kiosk/petitions/cases.py
(`find`, `case_history`, `assign`, `answer`, `close`), never on the UI thread; after a change
the box shows the case as stored and the tab's list is read again. The text and the phone
number are shown in this box only, never in the list and never in the log (logs name the code).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.failures import wording
from kiosk.ui.i18n import N_, tr_marked, translate
from kiosk.ui.office.petitions import STATUS_WORDS
from kiosk.ui.widgets import set_prop

log = logging.getLogger(__name__)

CHANNEL_WORDS = {"kiosk": N_("tại ki-ốt"), "counter": N_("tại quầy")}
HISTORY_WORDS = {"received": N_("Tiếp nhận"), "assigned": N_("Giao cho"),
                 "answered": N_("Trả lời"), "closed": N_("Đóng phản ánh")}


@dataclass(frozen=True)
class CaseRead:
    """What the box shows, read on the lane."""

    petition: Any
    history: list[Any]
    late_days: int
    assignees: list[str]


def read_case(db: Any, code: str, rules: Any, today: date) -> CaseRead:
    """The case `code` with its history and the names it was given to before (on the lane);
    PetitionNotFound when unknown."""
    from kiosk.petitions.cases import PetitionNotFound, case_history, find, working_days_late

    petition = find(db, code)
    if petition is None:
        raise PetitionNotFound(code)
    names = [r[0] for r in db.execute("SELECT DISTINCT assignee FROM petitions "
                                      "WHERE assignee != '' ORDER BY assignee").fetchall()]
    return CaseRead(petition, case_history(db, petition),
                    working_days_late(petition, rules, today), names)


class PetitionCaseBox(QDialog):
    """The box. `assign_requested(name)`, `answer_requested(text)`, `close_requested()`;
    PetitionCases runs them and calls show_case() / failed()."""

    assign_requested = Signal(str)
    answer_requested = Signal(str)
    close_requested = Signal()

    def __init__(self, clerks: Sequence[str], tz: ZoneInfo,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PetitionCase")
        self.tz = tz
        self.case: CaseRead | None = None
        self._clerks = list(clerks)
        self.values: dict[str, QLabel] = {}
        self.heading = QLabel()
        self.heading.setObjectName("CaseHeading")
        facts = QFormLayout()
        facts.setHorizontalSpacing(12)
        facts.setVerticalSpacing(5)
        for key, caption in (("code", self.tr("Mã phản ánh")), ("topic", self.tr("Chủ đề")),
                             ("received", self.tr("Tiếp nhận")),
                             ("due", self.tr("Hạn trả lời")), ("status", self.tr("Trạng thái")),
                             ("assignee", self.tr("Người xử lý")),
                             ("phone", self.tr("Liên hệ của công dân"))):
            value = QLabel()
            value.setObjectName(f"Case_{key}")
            value.setWordWrap(True)
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            facts.addRow(self._caption(caption), value)
        self.values["due"].setObjectName("Timeliness")
        self.text = QLabel()
        self.text.setObjectName("CaseText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.history = QLabel()
        self.history.setObjectName("CaseHistory")
        self.history.setWordWrap(True)
        self.history.setTextFormat(Qt.TextFormat.PlainText)
        facts.addRow(self._caption(self.tr("Nội dung")), self.text)
        facts.addRow(self._caption(self.tr("Lịch sử")), self.history)

        # -- what the head of office does --
        actions = QFrame()
        actions.setObjectName("CaseActions")
        grid = QGridLayout(actions)
        grid.setContentsMargins(10, 8, 10, 8)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        self.assignee = QComboBox()
        self.assignee.setObjectName("CaseAssignee")
        self.assignee.setEditable(True)
        self.assignee.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.assignee.lineEdit().setPlaceholderText(self.tr("họ tên cán bộ xử lý"))
        self.assign_button = QPushButton(self.tr("Giao xử lý"))
        self.assign_button.setObjectName("CaseAssign")
        self.assign_button.setProperty("role", "caseAction")
        self.assign_button.clicked.connect(
            lambda: self.assign_requested.emit(self.assignee.currentText().strip()))
        self.assignee.lineEdit().returnPressed.connect(self.assign_button.click)
        self.answer = QPlainTextEdit()
        self.answer.setObjectName("CaseAnswer")
        self.answer.setPlaceholderText(self.tr("Nội dung trả lời công dân (công dân đọc tại "
                                               "ki-ốt bằng mã phản ánh)"))
        self.answer.setTabChangesFocus(True)
        self.answer.setMaximumHeight(120)
        self.answer_button = QPushButton(self.tr("Lưu trả lời"))
        self.answer_button.setObjectName("CaseAnswerButton")
        self.answer_button.setProperty("role", "caseAction")
        self.answer_button.clicked.connect(
            lambda: self.answer_requested.emit(self.answer.toPlainText()))
        self.close_button = QPushButton(self.tr("Đóng phản ánh"))
        self.close_button.setObjectName("CaseClose")
        self.close_button.setProperty("role", "caseAction")
        self.close_button.clicked.connect(self.close_requested)
        grid.addWidget(self._caption(self.tr("Giao cho")), 0, 0)
        grid.addWidget(self.assignee, 0, 1)
        grid.addWidget(self.assign_button, 0, 2)
        grid.addWidget(self._caption(self.tr("Trả lời")), 1, 0,
                       Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.answer, 1, 1)
        answer_buttons = QVBoxLayout()
        answer_buttons.addWidget(self.answer_button)
        answer_buttons.addWidget(self.close_button)
        answer_buttons.addStretch(1)
        grid.addLayout(answer_buttons, 1, 2)
        grid.setColumnStretch(1, 1)

        self.state = QLabel()
        self.state.setObjectName("CaseState")
        self.state.setWordWrap(True)
        self.state.hide()
        done = QPushButton(self.tr("Đóng cửa sổ (Esc)"))
        done.setObjectName("CaseDone")
        done.setProperty("role", "caseAction")
        done.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.state, 1)
        bottom.addStretch(0)
        bottom.addWidget(done, 0, Qt.AlignmentFlag.AlignRight)

        box = QVBoxLayout(self)
        box.setContentsMargins(16, 12, 16, 12)
        box.setSpacing(10)
        box.addWidget(self.heading)
        box.addLayout(facts)
        box.addWidget(actions)
        box.addLayout(bottom)
        self.setMinimumWidth(760)

    @staticmethod
    def _caption(text: str) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "caseCaption")
        return label

    def show_case(self, case: CaseRead, message: str = "") -> None:
        self.case = case
        p = case.petition
        self.setWindowTitle(self.tr("Phản ánh, kiến nghị %1").replace("%1", p.code))
        self.heading.setText(self.windowTitle())
        v = self.values
        received = p.received_at.astimezone(self.tz)
        v["code"].setText(p.code)
        v["topic"].setText(p.topic)
        v["received"].setText(f"{received:%H:%M %d/%m/%Y} · "
                              + tr_marked(CHANNEL_WORDS.get(p.channel, p.channel)))
        due = f"{p.due_date:%d/%m/%Y}"
        if case.late_days:
            due += " · " + self.tr("trễ %1 ngày làm việc").replace("%1", str(case.late_days))
        v["due"].setText(due)
        set_prop(v["due"], "tone", "late" if case.late_days else "ok")
        v["status"].setText(tr_marked(STATUS_WORDS.get(p.status, p.status)))
        v["assignee"].setText(p.assignee or "–")
        v["phone"].setText(p.phone or self.tr("không để lại số điện thoại"))
        self.text.setText(p.text or self.tr("(đã xóa theo thời hạn lưu trữ)"))
        self.history.setText("\n".join(self._history_line(e) for e in case.history))
        names = list(dict.fromkeys([*self._clerks, *case.assignees]))
        self.assignee.clear()
        self.assignee.addItems(names)
        self.assignee.setCurrentText(p.assignee)
        if p.answer and not self.answer.toPlainText().strip():
            self.answer.setPlainText(p.answer)
        closed = p.status == "closed"
        for widget in (self.assignee, self.assign_button, self.answer, self.answer_button):
            widget.setEnabled(not closed)
        self.close_button.setEnabled(p.status == "answered")
        self.set_state("ok" if message else "", message)

    def _history_line(self, entry: Any) -> str:
        when = f"{entry.at.astimezone(self.tz):%H:%M %d/%m/%Y}" if entry.at else "–"
        what = tr_marked(HISTORY_WORDS.get(entry.kind, entry.kind))
        if entry.kind == "received":
            detail = tr_marked(CHANNEL_WORDS.get(entry.detail, entry.detail))
        else:
            detail = entry.detail
        return f"{when}  {what}{' ' + detail if detail else ''}"

    def set_busy(self, text: str) -> None:
        for button in (self.assign_button, self.answer_button, self.close_button):
            button.setEnabled(False)
        self.set_state("busy", text)

    def failed(self, text: str) -> None:
        if self.case is not None:
            self.show_case(self.case)
        self.set_state("failed", text)

    def set_state(self, state: str, text: str) -> None:
        self.state.setText(text)
        set_prop(self.state, "state", state)
        self.state.setVisible(bool(text))


class PetitionCases:
    """Opens a case from the tab and runs the box's changes on the window's lane, reading the
    tab's list again after each (`refresh`)."""

    def __init__(self, parent: QWidget, lane: Any, rules: Any, tz: ZoneInfo,
                 clock: Callable[[], Any], clerks: Callable[[], Sequence[str]],
                 refresh: Callable[[], None], status: Callable[..., None]) -> None:
        self.parent = parent
        self.lane = lane
        self.rules = rules
        self.tz = tz
        self.clock = clock
        self.clerks = clerks
        self.refresh = refresh
        self.status = status  # status(text, error=True): the window's status line
        self.box: PetitionCaseBox | None = None

    def today(self) -> date:
        return self.clock().astimezone(self.tz).date()

    def open(self, code: str) -> None:
        """Read the case on the lane, then show it in the box."""
        rules, today = self.rules, self.today()
        self.lane.run(lambda db: read_case(db, code, rules, today), done=self._opened,
                      failed=self._open_failed, owner=self.parent, label="open petition")

    def _opened(self, case: CaseRead) -> None:
        if self.box is None:
            box = PetitionCaseBox(self.clerks(), self.tz, self.parent)
            box.assign_requested.connect(self.assign)
            box.answer_requested.connect(self.answer)
            box.close_requested.connect(self.close)
            box.finished.connect(self._box_closed)
            self.box = box
        self.box.show_case(case)
        self.box.open()

    def _box_closed(self, _result: int) -> None:
        if self.box is not None:
            self.box.deleteLater()
            self.box = None

    def _open_failed(self, exc: BaseException) -> None:
        message_vi, message_en = wording(exc, translate("PetitionCases", "mở được phản ánh"),
                                         "open the petition")
        log.info("petition not opened: %s", message_en)
        self.status(message_vi, error=True)

    def _change(self, what_vi: str, what_en: str, done_text: str,
                change: Callable[[Any, Any], Any]) -> None:
        box = self.box
        if box is None or box.case is None:
            return
        code, rules, now = box.case.petition.code, self.rules, self.clock()
        today = now.astimezone(self.tz).date()
        box.set_busy(translate("PetitionCases", "Đang lưu…"))

        def work(db: Any) -> CaseRead:
            change(db, now)
            return read_case(db, code, rules, today)

        self.lane.run(work, done=lambda case: self._changed(case, done_text),
                      failed=lambda exc: self._change_failed(code, what_vi, what_en, exc),
                      owner=box, label=f"petition {what_en}")

    def _changed(self, case: CaseRead, text: str) -> None:
        if self.box is not None:
            self.box.show_case(case, text)
        self.refresh()

    def _change_failed(self, code: str, what_vi: str, what_en: str,
                       exc: BaseException) -> None:
        message_vi, message_en = wording(exc, what_vi, f"{what_en} petition {code}")
        log.info("petition change refused: %s", message_en)
        if self.box is not None:
            self.box.failed(message_vi)

    def assign(self, name: str) -> None:
        from kiosk.petitions.cases import assign

        code = self.box.case.petition.code if self.box and self.box.case else ""
        self._change(translate("PetitionCases", "giao được phản ánh"), "assign",
                     translate("PetitionCases", "Đã giao cho %1.").replace("%1", name),
                     lambda db, now: assign(db, code, to=name, at=now))

    def answer(self, text: str) -> None:
        from kiosk.petitions.cases import answer

        code = self.box.case.petition.code if self.box and self.box.case else ""
        self._change(translate("PetitionCases", "lưu được trả lời"), "answer",
                     translate("PetitionCases", "Đã lưu trả lời: công dân xem được tại "
                               "ki-ốt bằng mã %1.").replace("%1", code),
                     lambda db, now: answer(db, code, text=text, at=now))

    def close(self) -> None:
        from kiosk.petitions.cases import close

        code = self.box.case.petition.code if self.box and self.box.case else ""
        self._change(translate("PetitionCases", "đóng được phản ánh"), "close",
                     translate("PetitionCases", "Đã đóng phản ánh."),
                     lambda db, now: close(db, code, at=now))

