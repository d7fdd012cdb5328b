"""The set-up wizard's pages. Each page loads its fields from `SetupAnswers`, checks them
(`problem()`, in Vietnamese, naming what to correct) and stores them back; the wizard moves
between the pages that apply to the chosen role.

Checks that the configuration schema already knows (printer URI, sync URL, ...) go through
`kiosk.admin.setup.section_problem`, i.e. the schema's own validation.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kiosk.admin.pin import PIN_MAX_DIGITS, hash_pin, pin_problem
from kiosk.admin.setup import (
    ROLE_LABELS_VI,
    PairingError,
    SetupAnswers,
    build_config,
    new_office_key,
    office_code_problem,
    pair_station,
    section_problem,
)
from kiosk.config import Config, ConfigError, key_weakness
from kiosk.ui.admin.device_panels import PrinterTestPanel, ScanTestPanel
from kiosk.ui.admin.doctor_vi import check_name_vi, status_vi
from kiosk.ui.admin.tasks import run_task
from kiosk.ui.i18n import translate
from kiosk.ui.widgets import set_tone
from kiosk.ui.wizard.hubtls import (
    NO_ADDRESS,
    ca_copy_path,
    ca_problem,
    explain_hub_check,
    hub_urls,
    is_https,
)
from kiosk.ui.wizard.printers_vi import description_vi, note_vi

if TYPE_CHECKING:
    from kiosk.ui.wizard.wizard import SetupWizard

MIN_OFFICE_KEY = 16
PAIRING = QT_TRANSLATE_NOOP("HubPage", "Đang ghép nối máy này với hub…")

ROLE_DETAILS_VI = {
    "kiosk": QT_TRANSLATE_NOOP("RolePage",
                               "Màn hình cảm ứng cho công dân lấy số, có máy in phiếu."),
    "counter": QT_TRANSLATE_NOOP("RolePage", "Máy của cán bộ: gọi số, tiếp nhận hồ sơ, máy quét "
                                             "và máy in biên nhận."),
    "display": QT_TRANSLATE_NOOP("RolePage", "Màn hình TV hiển thị số đang gọi và đọc loa."),
    "hub": QT_TRANSLATE_NOOP("RolePage", "Máy riêng (ví dụ ở phòng làm việc) giữ hàng đợi chung "
                                         "của cả điểm. Máy lấy số cũng làm hub được: chọn ở "
                                         "bước Hub."),
}

#: The ticket kiosk's choices on the Hub step, by the [hub] role each gives: (title, detail);
#: shown through translate("HubPage", ...).
KIOSK_HUB_CHOICES_VI = {
    "standalone": (QT_TRANSLATE_NOOP("HubPage", "Chỉ một máy (không có hub)"),
                   QT_TRANSLATE_NOOP("HubPage", "Hàng đợi nằm trên máy này.")),
    "hub": (QT_TRANSLATE_NOOP("HubPage", "Máy này làm hub cho cả điểm (máy kiosk lấy số)"),
            QT_TRANSLATE_NOOP("HubPage", "Quầy, màn hình kết nối vào máy này.")),
    "client": (QT_TRANSLATE_NOOP("HubPage", "Kết nối tới hub ở máy khác"),
               QT_TRANSLATE_NOOP("HubPage", "Ví dụ máy hub ở phòng làm việc.")),
}


def field_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "fieldLabel")
    label.setWordWrap(True)
    return label


def hint_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    return label


def choice_button(title: str, detail: str) -> QPushButton:
    """A big checkable button with a bold title and a wrapped explanation under it."""
    button = QPushButton()
    button.setProperty("role", "choice")
    button.setAccessibleName(title)
    box = QVBoxLayout(button)
    box.setContentsMargins(20, 12, 20, 12)
    box.setSpacing(4)
    for text, name in ((title, "ChoiceTitle"), (detail, "ChoiceDetail")):
        label = QLabel(text)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        box.addWidget(label)
    button.setMinimumHeight(104)
    return button


class WizardPage(QWidget):
    """One step: a title, a hint, fields (in `self.body`), and an error line."""

    title = ""
    step = ""
    hint = ""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.wizard = wizard
        self.setProperty("role", "page")
        heading = QLabel(translate("WizardPage", self.title))
        heading.setObjectName("PageTitle")
        heading.setWordWrap(True)
        self.hint_label = hint_label(translate("WizardPage", self.hint))
        self.hint_label.setObjectName("PageHint")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.hide()
        inner = QWidget()
        inner.setProperty("role", "page")
        self.body = QVBoxLayout(inner)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(10)
        scroll = QScrollArea()
        scroll.setObjectName("PageScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        self.scroll = scroll
        box = QVBoxLayout(self)
        box.setContentsMargins(40, 18, 40, 10)
        box.setSpacing(8)
        box.addWidget(heading)
        box.addWidget(self.hint_label)
        box.addWidget(scroll, 1)
        box.addWidget(self.error)

    @property
    def answers(self) -> SetupAnswers:
        return self.wizard.answers

    def applies(self, answers: SetupAnswers) -> bool:
        return True

    def load(self, answers: SetupAnswers) -> None:
        """Fill the fields from the answers (when the page is shown)."""

    def store(self, answers: SetupAnswers) -> None:
        """Write the fields into the answers (when leaving forward)."""

    def problem(self) -> str | None:
        return None

    def leave(self) -> str | None:
        """Work done on leaving forward, after `problem()` passed and `store()`: a problem
        keeps the wizard on the page."""
        return None

    def show_error(self, text: str | None) -> None:
        self._checked_error = None
        set_tone(self.error, "error" if text else None, text or "")

    def show_checked_error(self, text: str) -> None:
        """An error from `problem()`: it goes as soon as an edit makes `problem()` say
        something else (the field it names became valid)."""
        self.show_error(text)
        self._checked_error = text

    def watch_edits(self) -> None:
        """Re-check the page on every edit of its fields while a checked error shows."""
        for w in self.findChildren(QLineEdit):
            w.textChanged.connect(self._edited)
        for w in self.findChildren(QAbstractButton):
            if w.isCheckable():
                w.toggled.connect(self._edited)
        for w in self.findChildren(QSpinBox):
            w.valueChanged.connect(self._edited)
        for w in self.findChildren(QListWidget):
            w.itemSelectionChanged.connect(self._edited)

    def _edited(self, *_args: object) -> None:
        shown = getattr(self, "_checked_error", None)
        if shown and self.problem() != shown:
            self.show_error(None)

    def first_field(self) -> QWidget | None:
        return None


class WelcomePage(WizardPage):
    title = QT_TRANSLATE_NOOP("WizardPage", "Cài đặt máy lần đầu")
    step = QT_TRANSLATE_NOOP("WizardPage", "Bắt đầu")
    hint = (QT_TRANSLATE_NOOP("WizardPage", "Trình hướng dẫn giúp cài đặt máy trong vài phút. "
                                            "Có thể dùng màn hình cảm ứng hoặc bàn phím (Enter "
                                            "để tiếp tục, Tab để chuyển ô)."))

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard)
        steps = [
            self.tr("1. Đơn vị: mã và tên điểm phục vụ."),
            self.tr("2. Vai trò của máy: máy lấy số, quầy, màn hình hiển thị hay hub."),
            self.tr("3. Kết nối hub của điểm (nếu có), mã khóa của điểm, bảo mật kết nối (HTTPS)."),
            self.tr("4. Máy in và máy quét: chọn thiết bị tìm thấy, in thử, quét thử."),
            self.tr("5. Máy chủ thành phố: địa chỉ và mã của máy, kiểm tra kết nối."),
            self.tr("6. Mã PIN quản trị: để mở màn hình quản trị về sau."),
        ]
        for line in steps:
            self.body.addWidget(QLabel(line))
        self.where = hint_label("")
        self.body.addSpacing(12)
        self.body.addWidget(self.where)
        self.body.addWidget(hint_label(
            self.tr("Mọi lựa chọn đều sửa được sau này trong màn hình quản trị (chạm 5 lần vào "
                    "góc trên bên trái màn hình lấy số, rồi nhập mã PIN).")))
        self.body.addStretch(1)

    def load(self, answers: SetupAnswers) -> None:
        self.where.setText(self.tr("Cấu hình sẽ được ghi vào: {config_file}").format(
                config_file=self.wizard.paths.config_file))


class OfficePage(WizardPage):
    title = QT_TRANSLATE_NOOP("WizardPage", "Đơn vị")
    step = QT_TRANSLATE_NOOP("WizardPage", "Đơn vị")
    hint = QT_TRANSLATE_NOOP("WizardPage", "Mã đơn vị in trên phiếu và dùng trong mã hồ sơ; tên "
                                           "hiện trên màn hình và phiếu.")

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard)
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("ví dụ 000.00.01.H26"))
        self.code.setAccessibleName(self.tr("Mã đơn vị"))
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("ví dụ Điểm phục vụ hành chính công phường Ba Đình"))
        self.name.setAccessibleName(self.tr("Tên điểm phục vụ"))
        self.body.addWidget(field_label(self.tr("Mã đơn vị")))
        self.body.addWidget(self.code)
        self.body.addWidget(field_label(self.tr("Tên điểm phục vụ")))
        self.body.addWidget(self.name)
        self.body.addStretch(1)

    def load(self, answers: SetupAnswers) -> None:
        self.code.setText(answers.office_code)
        self.name.setText(answers.office_name)

    def store(self, answers: SetupAnswers) -> None:
        answers.office_code = self.code.text().strip().upper()
        answers.office_name = " ".join(self.name.text().split())

    def problem(self) -> str | None:
        code = self.code.text().strip().upper()
        if not code:
            return self.tr("Nhập mã đơn vị.")
        issue = office_code_problem(code)
        if issue:
            return issue
        if not self.name.text().strip():
            return self.tr("Nhập tên điểm phục vụ.")
        return section_problem({"office": {"code": code, "name": self.name.text().strip()}})

    def first_field(self) -> QWidget:
        return self.code


class RolePage(WizardPage):
    title = QT_TRANSLATE_NOOP("WizardPage", "Vai trò của máy này")
    step = QT_TRANSLATE_NOOP("WizardPage", "Vai trò")
    hint = QT_TRANSLATE_NOOP("WizardPage", "Chọn việc máy này làm trong điểm phục vụ.")

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(12)
        for i, role in enumerate(ROLE_LABELS_VI):
            button = choice_button(ROLE_LABELS_VI[role],
                                   translate("RolePage", ROLE_DETAILS_VI[role]))
            button.setCheckable(True)
            button.setObjectName(f"role-{role}")
            self.group.addButton(button)
            self.buttons[role] = button
            grid.addWidget(button, i // 2, i % 2)
            button.toggled.connect(self._role_changed)
        self.body.addLayout(grid)
        self.counter_label = field_label(self.tr("Số quầy"))
        self.counter = QSpinBox()
        self.counter.setRange(1, 99)
        self.counter.setAccessibleName(self.tr("Số quầy"))
        self.counter.valueChanged.connect(self._suggest_id)
        self.station_id = QLineEdit()
        self.station_id.setAccessibleName(self.tr("Mã máy"))
        self.station_id.textEdited.connect(self._id_edited)
        self._id_touched = False
        grid2 = QGridLayout()
        grid2.setHorizontalSpacing(16)
        grid2.addWidget(field_label(self.tr("Mã máy (ghi vào mọi bản ghi của máy)")), 0, 0)
        grid2.addWidget(self.station_id, 1, 0)
        grid2.addWidget(self.counter_label, 0, 1)
        grid2.addWidget(self.counter, 1, 1)
        grid2.setColumnStretch(0, 2)
        grid2.setColumnStretch(1, 1)
        self.body.addLayout(grid2)
        self.body.addStretch(1)

    def role(self) -> str:
        for role, button in self.buttons.items():
            if button.isChecked():
                return role
        return ""

    def _role_changed(self) -> None:
        counter = self.role() == "counter"
        self.counter_label.setVisible(counter)
        self.counter.setVisible(counter)
        self._suggest_id()
        self.wizard.refresh_steps()

    def _id_edited(self) -> None:
        self._id_touched = True

    def _suggest_id(self) -> None:
        if self._id_touched:
            return
        probe = SetupAnswers(role=self.role() or "kiosk", counter_number=self.counter.value())
        self.station_id.setText(probe.default_station_id())

    def load(self, answers: SetupAnswers) -> None:
        self.counter.setValue(max(1, answers.counter_number))
        if answers.station_id and answers.station_id != answers.default_station_id():
            self._id_touched = True
            self.station_id.setText(answers.station_id)
        button = self.buttons.get(answers.role)
        if button is not None:
            button.setChecked(True)
        self._role_changed()

    def store(self, answers: SetupAnswers) -> None:
        answers.role = self.role()
        answers.counter_number = self.counter.value()
        answers.station_id = self.station_id.text().strip()

    def problem(self) -> str | None:
        if not self.role():
            return self.tr("Chọn vai trò của máy.")
        if not self.station_id.text().strip():
            return self.tr("Nhập mã máy (ví dụ kiosk-1).")
        return section_problem({"station": {"id": self.station_id.text().strip()}})

    def current_role(self) -> str:
        return self.role() or self.answers.role


class HubPage(WizardPage):
    title = QT_TRANSLATE_NOOP("WizardPage", "Kết nối trong điểm phục vụ (hub)")
    step = "Hub"
    hint = (QT_TRANSLATE_NOOP("WizardPage", "Khi điểm có nhiều máy, một máy làm hub giữ hàng "
                                            "đợi chung; các máy khác kết nối tới hub bằng địa "
                                            "chỉ và mã khóa của điểm. Một máy làm việc một mình "
                                            "thì để trống."))
    kiosk_hint = (QT_TRANSLATE_NOOP("WizardPage", "Cả điểm có một hub giữ hàng đợi chung; các "
                                                  "máy khác kết nối tới hub bằng địa chỉ và mã "
                                                  "khóa của điểm. Chọn việc của máy lấy số này:"))

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard)
        # A ticket kiosk chooses: alone, the hub of the office, or a client of a hub elsewhere.
        # (The hub PC is always the hub; a counter or a display is a client, or alone.)
        self.mode_group = QButtonGroup(self)
        self.mode_group.setExclusive(True)
        self.mode_buttons: dict[str, QPushButton] = {}
        self.mode_row = QWidget()
        modes = QHBoxLayout(self.mode_row)
        modes.setContentsMargins(0, 0, 0, 0)
        modes.setSpacing(12)
        for mode, (title, detail) in KIOSK_HUB_CHOICES_VI.items():
            button = choice_button(translate("HubPage", title), translate("HubPage", detail))
            button.setCheckable(True)
            button.setObjectName(f"hub-mode-{mode}")
            self.mode_group.addButton(button)
            self.mode_buttons[mode] = button
            modes.addWidget(button, 1)
            button.toggled.connect(self._mode_changed)
        # A client: the hub's address, its certificate for https://, a connection test.
        self.url_label = field_label(self.tr("Địa chỉ của hub"))
        self.url = QLineEdit()
        self.url.setPlaceholderText(self.tr("ví dụ https://192.168.1.10:8090 (để trống nếu "
                                            "không có)"))
        self.url.setAccessibleName(self.tr("Địa chỉ của hub"))
        self.url.textChanged.connect(self._url_changed)
        self.ca_label = field_label(self.tr("Chứng chỉ của hub: tệp hub.crt chép từ máy hub "
                                            "(máy giữ một bản sao khi lưu, rút USB sau đó cũng "
                                            "được)"))
        self.ca_file = QLineEdit()
        self.ca_file.setAccessibleName(self.tr("Chứng chỉ của hub"))
        self.ca_file.setPlaceholderText(self.tr("ví dụ E:\\hub.crt"))
        self.ca_file.textChanged.connect(self._forget_test)
        self.ca_button = QPushButton(self.tr("Chọn tệp…"))
        self.ca_button.clicked.connect(self.pick_ca_file)
        self.ca_row = QWidget()
        ca_box = QHBoxLayout(self.ca_row)
        ca_box.setContentsMargins(0, 0, 0, 0)
        ca_box.addWidget(self.ca_file, 1)
        ca_box.addWidget(self.ca_button)
        # The hub: its port, TLS, the addresses the others use.
        self.port_label = field_label(self.tr("Cổng hub lắng nghe"))
        self.port = QSpinBox()
        self.port.setRange(1024, 65535)
        self.port.setMinimumWidth(200)
        self.port.valueChanged.connect(self._show_addresses)
        self.secure = QCheckBox(self.tr("Bảo mật kết nối (HTTPS) – nên bật"))
        self.secure.setAccessibleName(self.tr("Bảo mật kết nối"))
        self.secure.toggled.connect(self._show_addresses)
        wizard.hosts_changed.connect(self._show_addresses)  # this PC's addresses are known
        self.secure_hint = hint_label(
            self.tr("Mã hóa đường truyền trong mạng của điểm: không ai đọc trộm được mã khóa "
                    "và hàng đợi. Các máy khác cần một bản tệp chứng chỉ hub.crt của máy này."))
        self.address_line = field_label("")
        self.address_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.addresses = hint_label("")
        self.addresses.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key = QLineEdit()
        self.key.setAccessibleName(self.tr("Mã khóa của điểm"))
        self.key.setPlaceholderText(self.tr("mã hiện trên máy hub (ít nhất 16 ký tự)"))
        self.generate = QPushButton(self.tr("Tạo mã ngẫu nhiên"))
        self.generate.clicked.connect(lambda: self.key.setText(new_office_key()))
        # A client pairs with the hub once (the office key goes no further than that): the
        # station's own key, for (url, office key, ca file, station id, role).
        self._paired: tuple[tuple[str, ...], str] | None = None
        self._pairing = False
        self.test_button = QPushButton(self.tr("Kiểm tra kết nối"))
        self.test_button.clicked.connect(self.test_connection)
        self.results = QLabel()
        self.results.setWordWrap(True)
        self.results.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.results.hide()
        self.last_results: list | None = None
        self._tested: tuple[str, str] | None = None  # (url, ca_file) of a passed test
        self.key_label = field_label(self.tr("Mã khóa của điểm"))

        # One band: the hub's port, or a client's hub address, beside the office key (the page
        # fits a 768-pixel screen under the kiosk's choices); a client's certificate under it.
        self.body.addWidget(self.mode_row)
        self.band = QHBoxLayout()
        self.band.setSpacing(16)
        left, right = QVBoxLayout(), QVBoxLayout()
        for column, widgets in ((left, (self.port_label, self.port, self.url_label, self.url)),
                                (right, (self.key_label,))):
            column.setSpacing(self.body.spacing())
            for widget in widgets:
                column.addWidget(widget)
        row = QHBoxLayout()
        row.addWidget(self.key, 1)
        row.addWidget(self.generate)
        row.addWidget(self.test_button)  # a client tests once the key is in
        right.addLayout(row)
        for column in (left, right):
            column.addStretch(1)
        self.band.addLayout(left)
        self.band.addLayout(right, 1)
        self.body.addLayout(self.band)
        self.body.addWidget(self.ca_label)
        self.body.addWidget(self.ca_row)
        self.body.addSpacing(6)
        # Not stretched: the whole check box is the (touch) target, not an empty band.
        self.body.addWidget(self.secure, 0, Qt.AlignmentFlag.AlignLeft)
        for widget in (self.secure_hint, self.address_line, self.addresses):
            self.body.addWidget(widget)
        self.body.addWidget(self.results)
        self.body.addStretch(1)
        # Tab goes down the page as it reads, the certificate after the band.
        chain = [*self.mode_buttons.values(), self.port, self.url, self.key, self.generate,
                 self.test_button, self.ca_file, self.ca_button, self.secure]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)

    def mode(self) -> str:
        """This station and the office hub, as the page stands: "hub" (it serves the hub: the
        hub PC, or a kiosk chosen so), "client" (the hub's address; on a counter or a display
        left empty: alone) or "standalone" (a kiosk chosen alone)."""
        role = self.wizard.role()
        if role == "hub":
            return "hub"
        if role == "kiosk":
            return next((m for m, b in self.mode_buttons.items() if b.isChecked()), "standalone")
        return "client"

    def _is_hub(self) -> bool:
        return self.mode() == "hub"

    def _mode_changed(self, checked: bool) -> None:
        if checked:  # the button left also reports, unchecked
            self.show_error(None)
            self._show_mode()

    def _show_mode(self) -> None:
        """The fields of this station's choice: the hub's (port, office key, HTTPS, the
        addresses for the others), a client's (address, certificate, key, test), or none."""
        mode, kiosk = self.mode(), self.wizard.role() == "kiosk"
        self.mode_row.setVisible(kiosk)
        self.hint_label.setText(translate("WizardPage", self.kiosk_hint if kiosk else self.hint))
        self.url.setPlaceholderText(self.tr("ví dụ https://192.168.1.10:8090") if kiosk else
                                    self.tr("ví dụ https://192.168.1.10:8090 (để trống nếu "
                                            "không có)"))
        for widget in (self.url_label, self.url, self.test_button):
            widget.setVisible(mode == "client")
        self.band.setStretch(0, 1 if mode == "client" else 0)  # the address as wide as the key
        for widget in (self.port_label, self.port, self.address_line, self.addresses,
                       self.generate, self.secure, self.secure_hint):
            widget.setVisible(mode == "hub")
        for widget in (self.key_label, self.key):
            widget.setVisible(mode != "standalone")
        self._url_changed()
        if mode == "hub":
            self._show_addresses()
        else:
            self.results.hide()

    def _https(self) -> bool:
        return is_https(self.url.text())

    def _forget_test(self) -> None:
        """A test's outcome no longer holds once the address or the certificate changes."""
        set_tone(self.results, None, "")

    def _url_changed(self) -> None:
        self._forget_test()
        shown = self.mode() == "client" and self._https()
        for widget in (self.ca_label, self.ca_row):
            widget.setVisible(shown)

    def _show_addresses(self) -> None:
        if not self._is_hub():
            return
        wizard, port, secure = self.wizard, self.port.value(), self.secure.isChecked()
        self.secure_hint.setVisible(secure)
        plan = wizard.certificate_plan() if secure else None
        urls = hub_urls(plan, wizard.hosts_now(), port)
        # The office key beside it is what the technician types on the other PCs' wizards
        # (they pair with it once and keep their own key).
        self.address_line.setText(self.tr("Trên các máy khác, nhập mã khóa của điểm (ô bên "
                                          "cạnh) và địa chỉ hub: ") + self.tr(" hoặc ").join(urls))
        lines = []
        tone = None
        if plan is not None:
            cert = plan.cert
            if plan.make:
                lines.append(self.tr("Khi bấm Tiếp tục, máy tạo chứng chỉ tại {cert}.").format(
                        cert=cert))
            else:
                lines.append(self.tr("Dùng chứng chỉ có sẵn: {cert}.").format(cert=cert))
            lines.append(self.tr("Chép tệp {name} này (USB) sang mọi máy khác của điểm và chọn "
                                 "nó ở bước Hub của máy đó. Không chép {name2}: tệp đó chỉ ở "
                                 "máy này.").format(name=cert.name, name2=plan.key.name))
            if NO_ADDRESS in urls[0]:
                lines.append(self.tr("Máy chưa có địa chỉ IP trong mạng: cắm mạng rồi mở lại "
                                     "bước này, để chứng chỉ ghi địa chỉ đó."))
                tone = "warn"
            else:
                lines.append(self.tr("Nên đặt IP cố định cho máy này: đổi IP thì phải tạo lại "
                                     "chứng chỉ."))
            if plan.problem or plan.warning:
                lines.append(plan.problem or plan.warning or "")
                tone = "error" if plan.problem else "warn"
            if wizard.existing and wizard.base.hub.role == "hub" and not wizard.base.hub.tls_cert:
                lines.append(self.tr("Hub này đang chạy không bảo mật: sửa địa chỉ hub trên "
                                     "mọi máy khác thành https:// và chép hub.crt sang từng "
                                     "máy, nếu không chúng mất kết nối."))
                tone = tone or "warn"
        else:
            lines.append(self.tr("Không bảo mật: mã khóa và hàng đợi đi qua mạng dạng chữ "
                                 "thường. Chỉ tắt khi mạng LAN chỉ có máy của điểm."))
            tone = "warn"
            if wizard.existing and wizard.base.hub.role == "hub" and wizard.base.hub.tls_cert:
                lines.append(self.tr("Các máy đang dùng địa chỉ https:// sẽ mất kết nối: sửa "
                                     "thành http:// trên từng máy."))
        set_tone(self.addresses, tone, "\n".join(lines))

    def load(self, answers: SetupAnswers) -> None:
        tls = self.wizard.tls
        self.url.setText(answers.hub_url)
        self.ca_file.setText(tls.ca_file)
        self.port.setValue(answers.hub_port)
        self.key.setText(answers.office_key)
        self.secure.setChecked(tls.secure)
        if self.wizard.role() == "kiosk":
            chosen = "hub" if answers.hub_here else "client" if answers.hub_url else "standalone"
            self.mode_buttons[chosen].setChecked(True)
        self._show_mode()

    def _pairing_target(self) -> tuple[str, ...]:
        answers = self.wizard.answers
        ca = self.ca_file.text().strip() if self._https() else ""
        return (self.url.text().strip().rstrip("/"), self.key.text().strip(), ca,
                answers.station_id or answers.default_station_id(), self.wizard.role())

    def station_key(self) -> str:
        """This station's own key, when it is paired for what the page shows now."""
        if self._paired is not None and self._paired[0] == self._pairing_target():
            return self._paired[1]
        if self._keeps_pairing():
            return self.wizard.base.hub.station_key
        return ""

    def _keeps_pairing(self) -> bool:
        """Set-up run again on a paired client, same hub, no office key typed: it keeps its
        key (typing the office key pairs it again)."""
        base = self.wizard.base.hub
        url = self.url.text().strip().rstrip("/")
        return (self.mode() == "client" and bool(base.station_key) and bool(url)
                and url == base.url.rstrip("/") and not self.key.text().strip())

    def _pair(self, target: tuple[str, ...]) -> str:
        """Pair now (on a worker thread; `target` read on the UI thread): the station's own
        key, or PairingError."""
        url, key, ca, station_id, role = target
        token = pair_station(url, key, station_id, role, ca_file=ca)
        self._paired = (target, token)
        return token

    def store(self, answers: SetupAnswers) -> None:
        mode = self.mode()
        answers.hub_here = mode == "hub"
        answers.hub_url = self.url.text().strip().rstrip("/") if mode == "client" else ""
        answers.hub_port = self.port.value()
        answers.office_key = self.key.text().strip()
        answers.station_key = self.station_key() if mode == "client" else ""
        tls = self.wizard.tls
        if mode == "hub":
            tls.secure = self.secure.isChecked()
        elif mode == "client" and self._https():
            tls.ca_file = self.ca_file.text().strip()

    def leave(self) -> str | None:
        if self._is_hub() and self.secure.isChecked():
            return self.wizard.prepare_certificate()
        if self.mode() == "client" and self.url.text().strip() and not self.station_key():
            # Pair on a worker thread; the page moves on by itself once the hub answered.
            if not self._pairing:
                self._pairing = True
                set_tone(self.results, "busy", translate("HubPage", PAIRING))
                target = self._pairing_target()
                run_task(self, lambda: self._pair(target), lambda _: self._paired_now(),
                         self._pairing_failed, name="hub-pair")
            return translate("HubPage", PAIRING)
        return None

    def _paired_now(self) -> None:
        self._pairing = False
        self.show_error(None)
        set_tone(self.results, "ok", self.tr("✓ Đã ghép nối máy này với hub: máy giữ mã khóa "
                                             "riêng, không giữ mã khóa của điểm."))
        if self.wizard.page is self:
            self.wizard.go_next()

    def _pairing_failed(self, exc: BaseException) -> None:
        self._pairing = False
        text = str(exc) if isinstance(exc, PairingError) \
            else self.tr("Không ghép nối được: {exc}").format(exc=exc)
        set_tone(self.results, "error", text)
        self.show_error(text)

    def _field_problem(self) -> str | None:
        """The fields' own problems (no files, no network)."""
        mode, url, key = self.mode(), self.url.text().strip(), self.key.text().strip()
        if mode == "standalone":
            return None
        if mode == "client" and not url and self.wizard.role() == "kiosk":
            return (self.tr("Nhập địa chỉ của hub, hoặc chọn \"{value}\" nếu điểm không có "
                            "hub.").format(
                    value=translate("HubPage", KIOSK_HUB_CHOICES_VI['standalone'][0])))
        if mode == "client" and url:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return (self.tr("Địa chỉ hub có dạng https://192.168.1.10:8090 (hoặc http://… "
                                "khi hub không bật bảo mật)."))
            issue = section_problem({"hub": {"url": url.rstrip("/")}})
            if issue:
                return issue
        needs_key = mode == "hub" or (bool(url) and not self._keeps_pairing())
        if needs_key and len(key) < MIN_OFFICE_KEY:
            return (self.tr("Nhập mã khóa của điểm (ít nhất {MIN_OFFICE_KEY} ký tự)").format(
                    MIN_OFFICE_KEY=MIN_OFFICE_KEY)
                    + (self.tr(": bấm Tạo mã ngẫu nhiên.") if mode == "hub"
                       else self.tr(", như trên máy hub.")))
        if needs_key and key_weakness(key):
            return (self.tr("Mã khóa của điểm dễ đoán quá (cần ít nhất 8 ký tự khác nhau): bấm "
                            "Tạo mã ngẫu nhiên.") if mode == "hub"
                    else self.tr("Mã khóa không đúng: nhập mã hiện trên máy hub."))
        return None

    def problem(self) -> str | None:
        problem = self._field_problem()
        if problem or self.mode() != "client" or not self._https():
            return problem
        url, ca = self.url.text().strip().rstrip("/"), self.ca_file.text().strip()
        if not ca and self._tested == (url, ca):
            return None  # a hub whose certificate this PC's system already trusts
        return ca_problem(ca, url)

    def first_field(self) -> QWidget | None:
        return {"hub": self.key, "client": self.url}.get(self.mode())

    def pick_ca_file(self) -> None:
        current = self.ca_file.text().strip()
        start = str(Path(current).parent) if current else str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Chọn chứng chỉ của hub (hub.crt)"), start,
            self.tr("Chứng chỉ (*.crt *.pem *.cer);;Mọi tệp (*)"))
        if chosen:
            self.ca_file.setText(chosen)
            self.show_error(None)

    def test_connection(self) -> None:
        from kiosk.diagnostics.checks import Context, check_hub

        problem = self._field_problem()
        if problem:
            self.show_error(problem)
            return
        self.show_error(None)
        url, key = self.url.text().strip().rstrip("/"), self.key.text().strip()
        ca = self.ca_file.text().strip() if self._https() else ""
        if not url:
            set_tone(self.results, "warn", self.tr("Chưa nhập địa chỉ hub: máy làm việc một mình."))
            return
        config = self.wizard.base.with_values(
            hub={"role": "client", "url": url, "office_key": key, "ca_file": ca})
        ctx = Context(self.wizard.paths, config, None, timeout_s=5.0)
        self.test_button.setEnabled(False)
        self.last_results = None
        set_tone(self.results, "busy", self.tr("Đang kiểm tra kết nối tới hub…"))
        keeps, target = self._keeps_pairing(), self._pairing_target()

        def work() -> tuple[list, str | None]:
            results = check_hub(ctx)
            if keeps or not all(r.ok for r in results):
                return results, None
            try:  # the hub answers: pair now, so Tiếp tục needs no second wait
                self._pair(target)
            except PairingError as exc:
                return results, str(exc)
            return results, None

        run_task(self, work, lambda r: self._show_results(r[0], url, ca, r[1]),
                 lambda exc: self._show_results(None, url, ca), name="hub-check")

    def _show_results(self, results: list | None, url: str, ca: str,
                      pairing_problem: str | None = None) -> None:
        self.test_button.setEnabled(True)
        self.last_results = results
        if not results:
            set_tone(self.results, "error", self.tr("Không kiểm tra được kết nối."))
            return
        ok, text = explain_hub_check(results, url, ca)
        self._tested = (url, ca) if ok else None
        if ok and pairing_problem:
            ok, text = False, f"{text}\n✗ {pairing_problem}"
        elif ok and self.station_key():
            text += self.tr("\n✓ Đã ghép nối máy này với hub (máy giữ mã khóa riêng).")
        set_tone(self.results, "ok" if ok else "error", text)
        # Below the fold on a small screen: bring it into view once laid out.
        QTimer.singleShot(0, lambda: self.scroll.ensureWidgetVisible(self.results, 0, 0))


class PrinterPage(WizardPage):
    title = QT_TRANSLATE_NOOP("WizardPage", "Máy in")
    step = QT_TRANSLATE_NOOP("WizardPage", "Máy in")
    hint = (QT_TRANSLATE_NOOP("WizardPage", "Chọn máy in tìm thấy, hoặc nhập địa chỉ IP của máy "
                                            "in mạng, rồi bấm In thử. Chữ tiếng Việt có dấu "
                                            "phải in rõ."))

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard)
        self.found = QListWidget()
        self.found.setMinimumHeight(120)
        self.found.setMaximumHeight(200)  # three printers; more scroll (768 px screens)
        self.found.setWordWrap(True)
        self.found.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.found.itemSelectionChanged.connect(self._picked)
        self.rescan = QPushButton(self.tr("Tìm lại"))
        self.rescan.clicked.connect(self.detect)
        self.notes = hint_label("")
        self.ip = QLineEdit()
        self.ip.setPlaceholderText(self.tr("ví dụ 192.168.1.50"))
        self.ip.setAccessibleName(self.tr("Địa chỉ IP máy in mạng"))
        self.ip.textEdited.connect(lambda _: self._typed(self.ip))
        self.uri = QLineEdit()
        self.uri.setPlaceholderText(self.tr("usb://…, serial://COM3?baudrate=9600, win32://TÊN …"))
        self.uri.setAccessibleName(self.tr("Địa chỉ máy in (URI)"))
        self.uri.textEdited.connect(lambda _: self._typed(self.uri))
        self.width80 = QRadioButton(self.tr("Giấy 80 mm"))
        self.width58 = QRadioButton(self.tr("Giấy 58 mm"))
        self.chosen = hint_label("")
        self.tester = PrinterTestPanel(self.wizard.preview_config, self.wizard.paths,
                                       lambda: (self.current_uri(), self.current_width()))
        left = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(field_label(self.tr("Máy in tìm thấy trên máy này")), 1)
        top.addWidget(self.rescan)
        left.addLayout(top)
        left.addWidget(self.found)
        left.addWidget(self.notes)
        left.addWidget(self.tester)
        # The spare height below the test: its result grows into it, nothing above moves.
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(field_label(self.tr("Hoặc máy in mạng: địa chỉ IP")))
        right.addWidget(self.ip)
        right.addWidget(field_label(self.tr("Hoặc địa chỉ khác")))
        right.addWidget(self.uri)
        widths = QHBoxLayout()
        widths.addWidget(self.width80)
        widths.addWidget(self.width58)
        widths.addStretch(1)
        right.addLayout(widths)
        right.addWidget(self.chosen)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addLayout(left, 5)
        columns.addLayout(right, 4)
        self.body.addLayout(columns, 1)
        self._detected = False
        for w in (self.width80, self.width58):
            w.toggled.connect(self._show_choice)

    def applies(self, answers: SetupAnswers) -> bool:
        return self.wizard.role() in ("kiosk", "counter")

    def detect(self) -> None:
        self._detected = True
        self.rescan.setEnabled(False)
        self.notes.setText(self.tr("Đang tìm máy in (USB, cổng COM, máy in của Windows)…"))
        run_task(self, self.wizard.detect_printers, self._show_found,
                 lambda exc: self._show_found(None), name="detect-printers")

    def _show_found(self, scan: Any) -> None:
        self.rescan.setEnabled(True)
        current = self.current_uri()
        self.found.clear()
        printers = list(getattr(scan, "printers", []) or [])
        for p in printers:
            item = QListWidgetItem(f"{description_vi(p.description)}\n{p.uri}")
            item.setData(Qt.ItemDataRole.UserRole, p.uri)
            self.found.addItem(item)
            if p.uri == current:
                item.setSelected(True)
        notes = [note_vi(n) for n in getattr(scan, "notes", []) or []]
        if not printers:
            notes.insert(0, self.tr("Không tìm thấy máy in USB hay cổng COM. Máy in mạng: nhập "
                                    "địa chỉ IP bên dưới (in trang tự kiểm tra bằng cách giữ "
                                    "nút FEED khi bật nguồn để xem IP)."))
        self.notes.setText("\n".join(notes))

    def _picked(self) -> None:
        if self.found.selectedItems():
            self.ip.clear()
            self.uri.clear()
        self._show_choice()

    def _typed(self, source: QLineEdit) -> None:
        other = self.uri if source is self.ip else self.ip
        other.clear()
        self.found.clearSelection()
        self._show_choice()

    def current_uri(self) -> str:
        manual = self.uri.text().strip()
        if manual:
            return manual
        ip = self.ip.text().strip()
        if ip:
            return f"tcp://{ip}" if ":" in ip else f"tcp://{ip}:9100"
        items = self.found.selectedItems()
        return str(items[0].data(Qt.ItemDataRole.UserRole)) if items else ""

    def current_width(self) -> int:
        return 58 if self.width58.isChecked() else 80

    def _show_choice(self) -> None:
        uri = self.current_uri()
        self.chosen.setText(self.tr("Sẽ dùng: {uri} (giấy {value} mm)").format(
                uri=uri,
                value=self.current_width()) if uri
                            else self.tr("Chưa chọn máy in."))

    def load(self, answers: SetupAnswers) -> None:
        existing = answers.printer_uri
        if existing and not existing.startswith("preview://"):
            self.uri.setText(existing)
        (self.width58 if answers.printer_width == 58 else self.width80).setChecked(True)
        self._show_choice()
        if not self._detected:
            self.detect()

    def store(self, answers: SetupAnswers) -> None:
        answers.printer_uri = self.current_uri()
        answers.printer_width = self.current_width()

    def problem(self) -> str | None:
        uri = self.current_uri()
        if not uri:
            return self.tr("Chọn một máy in, hoặc nhập địa chỉ IP / địa chỉ của máy in.")
        return section_problem({"printer": {"uri": uri, "width": self.current_width()}})


class ScannerPage(WizardPage):
    title = QT_TRANSLATE_NOOP("WizardPage", "Máy quét")
    step = QT_TRANSLATE_NOOP("WizardPage", "Máy quét")
    hint = (QT_TRANSLATE_NOOP("WizardPage", "Máy quét mã QR thẻ căn cước nên ở chế độ USB-CDC "
                                            "(cổng COM ảo): chỉ khi đó chữ tiếng Việt có dấu "
                                            "đọc đúng. Chọn cổng rồi bấm Quét thử và quét một mã."))

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard)
        self.ports = QListWidget()
        self.ports.setMinimumHeight(140)
        self.rescan = QPushButton(self.tr("Tìm lại"))
        self.rescan.clicked.connect(self.detect)
        self.port = QLineEdit()
        self.port.setPlaceholderText(self.tr("ví dụ COM3 hoặc /dev/ttyACM0"))
        self.port.setAccessibleName(self.tr("Cổng máy quét"))
        self.port.textEdited.connect(lambda _: self.ports.clearSelection())
        self.ports.itemSelectionChanged.connect(self._picked)
        self.camera = QLineEdit()
        self.camera.setPlaceholderText(self.tr("để trống nếu không có; 0 = camera đầu tiên"))
        self.camera.setAccessibleName(self.tr("Camera"))
        self.tester = ScanTestPanel(lambda: (self.current_port(), (), 9600))
        top = QHBoxLayout()
        top.addWidget(field_label(self.tr("Cổng tìm thấy")), 1)
        top.addWidget(self.rescan)
        self.body.addLayout(top)
        self.body.addWidget(self.ports)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.addWidget(field_label(self.tr("Hoặc nhập cổng")), 0, 0)
        grid.addWidget(field_label(self.tr("Camera đọc mã (nếu có)")), 0, 1)
        grid.addWidget(self.port, 1, 0)
        grid.addWidget(self.camera, 1, 1)
        self.body.addLayout(grid)
        self.body.addWidget(self.tester)
        self.body.addStretch(1)
        self._detected = False

    def applies(self, answers: SetupAnswers) -> bool:
        return self.wizard.role() == "counter"

    def detect(self) -> None:
        self._detected = True
        self.rescan.setEnabled(False)
        run_task(self, self.wizard.list_ports, self._show_ports,
                 lambda exc: self._show_ports([]), name="detect-ports")

    def _show_ports(self, ports: list) -> None:
        self.rescan.setEnabled(True)
        self.ports.clear()
        none = QListWidgetItem(self.tr("Không dùng cổng COM (máy quét kiểu bàn phím, hoặc "
                                       "không có)"))
        none.setData(Qt.ItemDataRole.UserRole, "")
        self.ports.addItem(none)
        current = self.port.text().strip()
        for p in ports or []:
            description = p.description or self.tr("cổng nối tiếp")
            label = f"{p.device} – {description}"
            if getattr(p, "usb_id", None):
                label += f" [{p.usb_id}]"
            if getattr(p, "likely_scanner", False):
                label += self.tr(" – có thể là máy quét")
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, p.device)
            self.ports.addItem(item)
            if p.device == current:
                item.setSelected(True)
                self.port.clear()

    def _picked(self) -> None:
        if self.ports.selectedItems():
            self.port.clear()

    def current_port(self) -> str:
        typed = self.port.text().strip()
        if typed:
            return typed
        items = self.ports.selectedItems()
        return str(items[0].data(Qt.ItemDataRole.UserRole)) if items else ""

    def load(self, answers: SetupAnswers) -> None:
        self.port.setText(answers.scanner_port)
        self.camera.setText(answers.camera)
        if not self._detected:
            self.detect()

    def store(self, answers: SetupAnswers) -> None:
        answers.scanner_port = self.current_port()
        answers.camera = self.camera.text().strip()

    def problem(self) -> str | None:
        return section_problem({"scanner": {"serial_port": self.current_port(),
                                            "camera": self.camera.text().strip()}})


class CityPage(WizardPage):
    title = QT_TRANSLATE_NOOP("WizardPage", "Máy chủ thành phố")
    step = QT_TRANSLATE_NOOP("WizardPage", "Thành phố")
    hint = (QT_TRANSLATE_NOOP("WizardPage", "Hồ sơ và số thứ tự được gửi về máy chủ của thành "
                                            "phố. Nhập địa chỉ và mã của máy do thành phố cấp, "
                                            "rồi bấm Kiểm tra kết nối. Để trống nếu chưa có: "
                                            "máy vẫn làm việc và gửi sau."))

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard)
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://…")
        self.url.setAccessibleName(self.tr("Địa chỉ máy chủ thành phố"))
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setAccessibleName(self.tr("Mã của máy (token)"))
        self.show_token = QPushButton(self.tr("Hiện"))
        self.show_token.setCheckable(True)
        self.show_token.toggled.connect(self._toggle)
        self.test_button = QPushButton(self.tr("Kiểm tra kết nối"))
        self.test_button.clicked.connect(self.test_connection)
        self.results = QLabel()
        self.results.setWordWrap(True)
        self.results.hide()
        self.details = QLabel()
        self.details.setProperty("role", "doc")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.hide()
        self.last_results: list | None = None
        self.body.addWidget(field_label(self.tr("Địa chỉ máy chủ")))
        self.body.addWidget(self.url)
        self.body.addWidget(field_label(self.tr("Mã của máy (token)")))
        row = QHBoxLayout()
        row.addWidget(self.token, 1)
        row.addWidget(self.show_token)
        self.body.addLayout(row)
        row2 = QHBoxLayout()
        row2.addWidget(self.test_button)
        row2.addStretch(1)
        self.body.addLayout(row2)
        self.body.addWidget(self.results)
        self.body.addWidget(self.details)
        self.body.addStretch(1)

    def _toggle(self, shown: bool) -> None:
        self.token.setEchoMode(QLineEdit.EchoMode.Normal if shown
                               else QLineEdit.EchoMode.Password)
        self.show_token.setText(self.tr("Ẩn") if shown else self.tr("Hiện"))

    def load(self, answers: SetupAnswers) -> None:
        self.url.setText(answers.server_url)
        self.token.setText(answers.token)

    def store(self, answers: SetupAnswers) -> None:
        answers.server_url = self.url.text().strip().rstrip("/")
        answers.token = self.token.text().strip()

    def problem(self) -> str | None:
        url = self.url.text().strip()
        if url and not self.token.text().strip():
            return self.tr("Nhập mã của máy (token) do thành phố cấp, hoặc để trống cả địa chỉ.")
        return section_problem({"sync": {"server_url": url.rstrip("/")}})

    def test_connection(self) -> None:
        from kiosk.diagnostics.checks import Context, check_city

        problem = self.problem()
        if problem:
            self.show_error(problem)
            return
        self.show_error(None)
        url, token = self.url.text().strip().rstrip("/"), self.token.text().strip()
        if not url:
            set_tone(self.results, "warn", self.tr("Chưa nhập địa chỉ: đồng bộ sẽ tắt."))
            return
        config = self.wizard.base.with_values(sync={"server_url": url, "token": token})
        ctx = Context(self.wizard.paths, config, None, timeout_s=5.0)
        self.test_button.setEnabled(False)
        self.details.hide()
        set_tone(self.results, "busy", self.tr("Đang kiểm tra kết nối…"))
        run_task(self, lambda: check_city(ctx), self._show_results,
                 lambda exc: self._show_results(None), name="city-check")

    def _show_results(self, results: list | None) -> None:
        self.test_button.setEnabled(True)
        self.last_results = results
        if not results:
            self.details.hide()
            set_tone(self.results, "error", self.tr("Không kiểm tra được kết nối."))
            return
        lines, details = [], []
        for r in results:
            mark = "✓" if r.ok and not r.warning else ("!" if r.ok else "✗")
            word, sentence = status_vi(r.status)
            lines.append(f"{mark} {check_name_vi(r.name)}: {word}. {sentence}")
            detail = f"{check_name_vi(r.name)}: {r.detail}"
            if r.fix and r.status in ("FAIL", "WARN"):
                detail += f" → {r.fix}"
            details.append(detail)
        ok = all(r.ok for r in results)
        set_tone(self.results, "ok" if ok else "error", "\n".join(lines))
        # The doctor's own (technician's) words, smaller, under the Vietnamese outcome.
        self.details.setText(self.tr("Chi tiết kỹ thuật:\n") + "\n".join(details))
        self.details.show()


class _DigitKeys(QWidget):
    """A numeric keypad typing into whichever of its targets last had the focus."""

    def __init__(self, targets: list[QLineEdit]) -> None:
        super().__init__()
        self.targets = targets
        self.current = targets[0]
        for t in targets:
            t.installEventFilter(self)
        grid = QGridLayout(self)
        grid.setSpacing(8)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, name in enumerate("123456789"):
            grid.addWidget(self._key(name), i // 3, i % 3)
        grid.addWidget(self._key("back", self.tr("Xóa")), 3, 0)
        grid.addWidget(self._key("0"), 3, 1)
        grid.addWidget(self._key("next", self.tr("Ô tiếp")), 3, 2)

    def _key(self, name: str, label: str | None = None) -> QPushButton:
        button = QPushButton(label or name)
        button.setProperty("role", "pinkey" if name.isdigit() else "pinfn")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda _=False, n=name: self.press(n))
        return button

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.FocusIn and watched in self.targets:
            self.current = watched
        return False

    def press(self, name: str) -> None:
        target = self.current
        if name == "back":
            target.backspace()
        elif name == "next":
            index = (self.targets.index(target) + 1) % len(self.targets)
            self.current = self.targets[index]
        elif len(target.text()) < PIN_MAX_DIGITS:
            target.insert(name)
        self.current.setFocus()


class PinPage(WizardPage):
    title = QT_TRANSLATE_NOOP("WizardPage", "Mã PIN quản trị")
    step = QT_TRANSLATE_NOOP("WizardPage", "Mã PIN")
    hint = (QT_TRANSLATE_NOOP("WizardPage", "Mã PIN mở màn hình quản trị (in lại, kiểm tra "
                                            "thiết bị, cấu hình, thoát ra màn hình nền). Từ 6 "
                                            "đến 12 chữ số; nhập hai lần. Không ai xem lại được "
                                            "mã đã đặt."))

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard)
        self.first = self._field(self.tr("Mã PIN"))
        self.second = self._field(self.tr("Nhập lại mã PIN"))
        self.keep = QPushButton(self.tr("Giữ mã PIN hiện tại"))
        self.keep.setCheckable(True)
        self.keep.toggled.connect(self._keep_toggled)
        self.keep.hide()
        self.keys = _DigitKeys([self.first, self.second])
        fields = QVBoxLayout()
        fields.addWidget(field_label(self.tr("Mã PIN")))
        fields.addWidget(self.first)
        fields.addWidget(field_label(self.tr("Nhập lại mã PIN")))
        fields.addWidget(self.second)
        fields.addWidget(self.keep)
        fields.addStretch(1)
        row = QHBoxLayout()
        row.addLayout(fields, 1)
        row.addSpacing(24)
        row.addWidget(self.keys)
        self.body.addLayout(row)
        self.body.addStretch(1)
        self._hash: str | None = None
        self._hashed_pin: str | None = None
        self._can_keep = False

    def _field(self, name: str) -> QLineEdit:
        field = QLineEdit()
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setMaxLength(PIN_MAX_DIGITS)
        field.setAccessibleName(name)
        field.setObjectName("PinDisplay")
        field.setPlaceholderText("••••••")
        return field

    def _keep_toggled(self, keep: bool) -> None:
        for w in (self.first, self.second, self.keys):
            w.setEnabled(not keep)

    def keeping(self) -> bool:
        """The station already has a PIN and the technician keeps it."""
        return self._can_keep and self.keep.isChecked()

    def load(self, answers: SetupAnswers) -> None:
        self._can_keep = bool(answers.pin_hash)
        self.keep.setVisible(self._can_keep)
        if self._can_keep and not self.first.text():
            self.keep.setChecked(True)

    def store(self, answers: SetupAnswers) -> None:
        if self.keeping():
            return
        pin = self.first.text()
        # Hash once per PIN typed: scrypt is deliberately slow.
        if self._hashed_pin != pin or self._hash is None:
            self._hash, self._hashed_pin = hash_pin(pin), pin
        answers.pin_hash = self._hash

    def problem(self) -> str | None:
        if self.keeping():
            return None
        pin = self.first.text()
        issue = pin_problem(pin) if pin else self.tr("Nhập mã PIN.")
        if issue:
            return issue
        if self.second.text() != pin:
            return self.tr("Hai lần nhập mã PIN không khớp.")
        return None

    def first_field(self) -> QWidget:
        return self.first


class SummaryPage(WizardPage):
    title = QT_TRANSLATE_NOOP("WizardPage", "Kiểm tra lại và lưu")
    step = QT_TRANSLATE_NOOP("WizardPage", "Lưu")
    hint = QT_TRANSLATE_NOOP("WizardPage", "Xem lại các lựa chọn. Bấm Lưu cấu hình để ghi tệp; "
                                           "sửa được sau trong màn hình quản trị.")

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard)
        self.table = QGridLayout()
        self.table.setHorizontalSpacing(24)
        self.table.setVerticalSpacing(8)
        self.body.addLayout(self.table)
        self.copy_button = QPushButton(self.tr("Chép hub.crt ra USB…"))
        self.copy_button.clicked.connect(self.copy_certificate)
        self.copied = QLabel()
        self.copied.setWordWrap(True)
        self.copied.hide()
        self.copy_row = QWidget()
        copy_box = QHBoxLayout(self.copy_row)
        copy_box.setContentsMargins(0, 4, 0, 0)
        copy_box.addWidget(self.copy_button)
        copy_box.addWidget(self.copied, 1)
        self.copy_row.hide()
        self.body.addWidget(self.copy_row)
        self.note = hint_label("")
        self.body.addWidget(self.note)
        self.body.addStretch(1)
        self.built: Config | None = None
        wizard.hosts_changed.connect(self._hosts_known)

    def _hosts_known(self) -> None:
        if self.wizard.page is self:
            self.load(self.answers)  # the addresses for the other stations

    def load(self, answers: SetupAnswers) -> None:
        while self.table.count():
            item = self.table.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        rows = self.rows(answers)
        at = next((i + 1 for i, (label, _) in enumerate(rows) if label == "Hub"), len(rows))
        rows[at:at] = self.tls_rows(answers)
        for r, (label, value) in enumerate(rows):
            name = QLabel(label)
            name.setProperty("role", "fieldLabel")
            text = QLabel(value)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.table.addWidget(name, r, 0, Qt.AlignmentFlag.AlignTop)
            self.table.addWidget(text, r, 1)
        self.table.setColumnStretch(1, 1)
        cert = self.wizard.tls.cert
        self.copy_row.setVisible(answers.serves_hub and self.wizard.tls.secure
                                 and bool(cert) and Path(cert).is_file())
        self.copied.hide()
        try:
            self.built = build_config(self.wizard.planned_base(), answers)
            self.show_error(None)
        except ConfigError as exc:
            self.built = None
            self.show_error(self.tr("Chưa lưu được: {exc}").format(exc=exc))
        notes = []
        if self.wizard.existing:
            notes.append(self.tr("Tệp cấu hình hiện có sẽ được ghi đè (các khóa khác giữ nguyên)."))
        set_tone(self.note, None, " ".join(notes))

    @staticmethod
    def rows(answers: SetupAnswers) -> list[tuple[str, str]]:
        none = translate("SummaryPage", "không có")
        entered = translate("SummaryPage", "đã nhập (ẩn)")

        def on(value: str, empty: str = none) -> str:
            return value or empty

        role = answers.role
        more = {"counter": translate("SummaryPage", ", quầy số {counter_number}").format(
                    counter_number=answers.counter_number),
                "kiosk": translate("SummaryPage", ", làm hub của điểm")
                if answers.serves_hub else ""}.get(role, "")
        rows = [(translate("SummaryPage", "Đơn vị"),
                 f"{answers.office_code} – {answers.office_name}"),
                (translate("SummaryPage", "Vai trò"), ROLE_LABELS_VI.get(role, role) + more),
                (translate("SummaryPage", "Mã máy"),
                 answers.station_id or answers.default_station_id())]
        if answers.serves_hub:
            rows.append(("Hub", translate("SummaryPage", "máy này, cổng {hub_port}").format(
                hub_port=answers.hub_port)))
        else:
            rows.append(("Hub", on(answers.hub_url,
                                   translate("SummaryPage", "không (máy làm việc một mình)"))))
        key = translate("SummaryPage", "Mã khóa của điểm")
        if answers.hub_role == "client" and answers.station_key:
            rows.append((key, translate("SummaryPage",
                                        "đã ghép nối với hub (máy giữ mã khóa riêng)")))
        else:
            rows.append((key, entered if answers.office_key else none))
        if role in ("kiosk", "counter"):
            rows.append((translate("SummaryPage", "Máy in"),
                         translate("SummaryPage", "{printer_uri} (giấy {printer_width} mm)")
                         .format(printer_uri=answers.printer_uri,
                                 printer_width=answers.printer_width)))
        if role == "counter":
            rows.append((translate("SummaryPage", "Máy quét"),
                         on(answers.scanner_port,
                            translate("SummaryPage", "kiểu bàn phím / không có"))))
            rows.append(("Camera", on(answers.camera)))
        rows.append((translate("SummaryPage", "Máy chủ thành phố"),
                     on(answers.server_url, translate("SummaryPage", "chưa có (tắt đồng bộ)"))))
        rows.append((translate("SummaryPage", "Mã của máy (token)"),
                     entered if answers.token else none))
        rows.append((translate("SummaryPage", "Mã PIN quản trị"),
                     translate("SummaryPage", "đã đặt") if answers.pin_hash
                     else translate("SummaryPage", "chưa đặt")))
        return rows

    def tls_rows(self, answers: SetupAnswers) -> list[tuple[str, str]]:
        """What the set-up does about TLS: the hub's certificate and the addresses the other
        stations use, or the hub certificate a client trusts."""
        wizard, tls = self.wizard, self.wizard.tls
        if answers.serves_hub:
            if not tls.secure:
                return [(self.tr("Bảo mật kết nối"), self.tr("không (HTTP)"))]
            plan = wizard.certificate_plan()
            urls = hub_urls(plan, wizard.hosts_now(), answers.hub_port)
            where = f"{plan.cert}" + (self.tr(" (tạo khi lưu)") if plan.make else "")
            return [(self.tr("Bảo mật kết nối"), self.tr("có (HTTPS)")),
                    (self.tr("Địa chỉ cho các máy khác"), self.tr(" hoặc ").join(urls)),
                    (self.tr("Chép sang mọi máy khác"),
                     self.tr("{where}; không chép {name}").format(
                            where=where,
                            name=plan.key.name))]
        if is_https(answers.hub_url):
            if not tls.ca_file:
                return [(self.tr("Chứng chỉ của hub"), self.tr("của hệ thống (không chọn tệp)"))]
            return [(self.tr("Chứng chỉ của hub"), self.tr("{ca_file}, chép vào {value}").format(
                    ca_file=tls.ca_file,
                    value=ca_copy_path(wizard.paths)))]
        return []

    def copy_certificate(self) -> None:
        """Copy the hub's certificate (never its key) to a folder, e.g. a USB stick."""
        cert = Path(self.wizard.tls.cert)
        folder = QFileDialog.getExistingDirectory(self, self.tr("Chọn ổ USB hoặc thư mục để "
                                                                "chép hub.crt"),
                                                  str(Path.home()))
        if not folder:
            return
        target = Path(folder) / cert.name
        try:
            shutil.copyfile(cert, target)
        except OSError as exc:
            set_tone(self.copied, "error", self.tr(
                "Không chép được ({exc}): chọn thư mục khác.").format(exc=exc))
            return
        set_tone(self.copied, "ok", self.tr("Đã chép vào {target}").format(target=target))

    def problem(self) -> str | None:
        return None if self.built is not None else self.tr("Cấu hình chưa hợp lệ: quay lại sửa.")


PAGES: tuple[Callable[[SetupWizard], WizardPage], ...] = (
    WelcomePage, OfficePage, RolePage, HubPage, PrinterPage, ScannerPage, CityPage, PinPage,
    SummaryPage,
)
