"""A due dossier opened from the office window's due list: its record, read-only (the
counter acts on it). Shown in a box over the window; Esc or the button closes it."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.calendar import CalendarRules
from kiosk.ui.counter.dossier_view import timeliness
from kiosk.ui.widgets import set_prop


class DueDossierBox(QDialog):
    def __init__(self, dossier: Any, today: date, rules: CalendarRules,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DueDossierBox")
        self.setWindowTitle(self.tr("Hồ sơ %1").replace("%1", dossier.code))
        self.dossier = dossier
        text, tone = timeliness(dossier, today, rules)
        self.timeliness = QLabel(text)
        self.timeliness.setObjectName("Timeliness")
        set_prop(self.timeliness, "tone", tone)
        form = QFormLayout()
        form.setSpacing(8)
        rows = (
            (self.tr("Mã hồ sơ"), dossier.code),
            (self.tr("Thủ tục"), f"{dossier.procedure_code} · {dossier.procedure_name}"),
            (self.tr("Tiếp nhận"), f"{dossier.received_at:%H:%M %d/%m/%Y} · {dossier.clerk}"),
            (self.tr("Hẹn trả"), f"{dossier.appointment_date:%d/%m/%Y}"),
            (self.tr("Trạng thái"), dossier.status.label_vi),
        )
        for caption, value in rows:
            label = QLabel(value)
            label.setWordWrap(True)
            form.addRow(caption, label)
        form.addRow(self.tr("Tiến độ"), self.timeliness)
        history = QLabel("\n".join(
            f"{h.at:%H:%M %d/%m/%Y}  {h.to_status.label_vi} ({h.clerk})" for h in dossier.history))
        history.setWordWrap(True)
        form.addRow(self.tr("Lịch sử"), history)
        close = QPushButton(self.tr("Đóng (Esc)"))
        close.clicked.connect(self.accept)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(close)
        self.setMinimumWidth(520)
