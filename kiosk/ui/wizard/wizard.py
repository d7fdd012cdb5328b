"""The first-run set-up wizard: Vietnamese, touch or keyboard, one page per step, writes the
configuration file at the end (and only then: leaving half-way writes nothing). The one file
made before that is a hub's TLS certificate, when leaving the hub step, so that hub.crt can be
copied to the other stations from the last page; a later run keeps it.

Shown by `kiosk run` when there is no configuration file, and by `kiosk setup` at any time
(starting from the current configuration). Keyboard: Enter goes on, Alt+Left goes back, Tab
moves between fields, Esc leaves. Touch: big buttons, a numeric keypad for the PIN, and an
on-screen Vietnamese keyboard for text fields when the PC has no keyboard; the field typed into
stays in view above it.

Nothing typed is lost by a slip: "Thoát" (or Esc) asks first when anything was entered, and
the question defaults to staying; "Thoát" never takes the keyboard focus, so an Enter or Space
meant for another button cannot press it. Taps are ignored for a moment after each page
change (kiosk/ui/tapguard.py), so a double tap on "Tiếp tục"/"Quay lại" moves one page.
"""

from __future__ import annotations

import contextlib
import copy
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.admin.setup import SetupAnswers, SetupResult, answers_from_config, write_setup
from kiosk.config import Config, ConfigError
from kiosk.paths import Paths
from kiosk.tls import default_hosts
from kiosk.ui.admin.style import TECHNICIAN
from kiosk.ui.i18n import translate
from kiosk.ui.operations import Lane
from kiosk.ui.runner import Opened, Station, run_station
from kiosk.ui.style import KEYBOARD_RULES
from kiosk.ui.tapguard import TapGuard
from kiosk.ui.theme import stylesheet
from kiosk.ui.widgets import set_prop
from kiosk.ui.wizard.hubtls import (
    CertPlan,
    HubTls,
    copy_ca_file,
    hub_values,
    is_https,
    make_or_check,
    plan_certificate,
)
from kiosk.ui.wizard.pages import PAGES, RolePage, SummaryPage, WizardPage

log = logging.getLogger(__name__)


def _field_state(page: QWidget) -> tuple:
    """What the technician can change on a page, to tell whether anything was entered."""
    state: list[object] = []
    for w in page.findChildren(QWidget):
        if isinstance(w, QLineEdit):
            state.append(w.text())
        elif isinstance(w, QAbstractButton) and w.isCheckable():
            state.append(w.isChecked())
        elif isinstance(w, QAbstractSpinBox):
            state.append(w.text())
        elif isinstance(w, QListWidget):
            state.append(tuple(i.text() for i in w.selectedItems()))
    return tuple(state)


def _default_detect_printers() -> Any:
    from drivers.printers import scan_printers

    return scan_printers()


def _default_list_ports() -> list:
    from drivers.scanners import list_serial_ports

    return list_serial_ports()


class SetupWizard(QWidget):
    """`finished(Config | None)`: the configuration written, or None if the wizard was left."""

    finished = Signal(object)
    hosts_changed = Signal()  # this PC's addresses are known (hosts_now)

    def __init__(self, paths: Paths, *, base: Config | None = None,
                 answers: SetupAnswers | None = None, existing: bool = False,
                 detect_printers: Callable[[], Any] = _default_detect_printers,
                 list_ports: Callable[[], list] = _default_list_ports,
                 lan_hosts: Callable[[], list[str]] = default_hosts) -> None:
        super().__init__()
        self.setObjectName("TechRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle(self.tr("Cài đặt máy"))
        self.paths = paths
        self.base = base or Config()
        self.existing = existing
        self.answers = answers or answers_from_config(self.base, paths)
        if not existing:
            # A first run starts from blanks, not from the demo's office.
            self.answers.office_code = self.answers.office_name = ""
            self.answers.printer_uri = ""
            self.answers.role = ""  # chosen explicitly, never assumed
        self.detect_printers = detect_printers
        self.list_ports = list_ports
        self.lan_hosts = lan_hosts
        self._hosts: list[str] | None = None
        # This PC's names and addresses (a host-name look-up and a socket) are asked on a lane
        # at once, never on the UI thread; the hub page shows them when they are known.
        self.network = Lane("wizard-network")
        self.network.run(lambda _r: list(lan_hosts()), self._hosts_found, self._hosts_failed,
                         owner=self, label="this PC's addresses")
        # TLS of the office hub: SetupAnswers has no keys for it (see hubtls).
        self.tls = HubTls.from_config(self.base, existing)
        self.result: SetupResult | None = None
        self._done = False

        header = QFrame()
        header.setObjectName("TechHeader")
        title = QLabel(self.tr("Cài đặt máy – Điểm phục vụ hành chính công"))
        title.setObjectName("TechTitle")
        self.step_label = QLabel()
        self.step_label.setObjectName("StepLabel")
        hbox = QHBoxLayout(header)
        hbox.setContentsMargins(24, 10, 24, 10)
        hbox.addWidget(title, 1)
        hbox.addWidget(self.step_label)
        self.step_bar = QFrame()
        self.step_bar.setObjectName("StepBar")
        self.step_box = QHBoxLayout(self.step_bar)
        self.step_box.setContentsMargins(24, 8, 24, 0)
        self.step_box.setSpacing(6)

        self.pages: list[WizardPage] = [make(self) for make in PAGES]
        self.stack = QStackedWidget()
        self.stack.setObjectName("Pages")
        for page in self.pages:
            self.stack.addWidget(page)
        self.step_chips: list[QLabel] = []
        for page in self.pages:
            chip = QLabel(translate("WizardPage", page.step))
            self.step_chips.append(chip)
            self.step_box.addWidget(chip)
        self.step_box.addStretch(1)

        nav = QFrame()
        nav.setObjectName("NavBar")
        self.cancel_button = QPushButton(self.tr("Thoát"))
        # Never the focus: a test print disabling its button, or a page change, must not
        # leave "Thoát" where an Enter or Space presses it (Esc leaves from the keyboard).
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.clicked.connect(self.ask_cancel)
        self.keyboard_button = QPushButton(self.tr("Bàn phím"))
        self.keyboard_button.setCheckable(True)
        # Tapping it must leave the focus (and the cursor) in the field being typed.
        self.keyboard_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.keyboard_button.toggled.connect(self._toggle_keyboard)
        self.back_button = QPushButton(self.tr("Quay lại"))
        self.back_button.setProperty("role", "secondary")
        self.back_button.clicked.connect(self.go_back)
        self.next_button = QPushButton(self.tr("Tiếp tục"))
        self.next_button.setProperty("role", "primary")
        self.next_button.clicked.connect(self.go_next)
        for b in (self.cancel_button, self.keyboard_button, self.back_button, self.next_button):
            b.setAutoDefault(False)
        nbox = QHBoxLayout(nav)
        nbox.setContentsMargins(24, 10, 24, 10)
        nbox.addWidget(self.cancel_button)
        nbox.addWidget(self.keyboard_button)
        nbox.addStretch(1)
        nbox.addWidget(self.back_button)
        nbox.addWidget(self.next_button)

        self.keyboard = self._make_keyboard()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(header)
        box.addWidget(self.step_bar)
        box.addWidget(self.stack, 1)
        # A double tap on "Tiếp tục" or "Quay lại" moves one page, not two (the one guard of
        # every touch screen: kiosk/ui/tapguard.py).
        self.tap_guard = TapGuard(self)
        self.tap_guard.watch(self.stack)
        if self.keyboard is not None:
            box.addWidget(self.keyboard)
        box.addWidget(nav)
        sheet = TECHNICIAN.stylesheet()
        if self.keyboard is not None:
            # The kiosk's keyboard, a little smaller under the technician's forms.
            sheet += stylesheet(KEYBOARD_RULES, 0.85)
        self.setStyleSheet(sheet)
        for page in self.pages:
            page.watch_edits()
        self._initial_answers = copy.deepcopy(self.answers)
        self._loaded_state: tuple = ()
        self.leave_box: QMessageBox | None = None
        self.index = 0
        self._show(0)

    # -- on-screen keyboard ------------------------------------------------------------------

    def _make_keyboard(self) -> QWidget | None:
        try:
            from kiosk.ui.keyboard import OnScreenKeyboard
        except ImportError:
            self.keyboard_button.hide()
            return None
        keyboard = OnScreenKeyboard(None, layout="text", telex=True)
        keyboard.hide()
        app = QApplication.instance()
        if app is not None:
            app.focusChanged.connect(self._focus_changed)
        return keyboard

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if isinstance(new, QLineEdit) and self.isAncestorOf(new):
            self._type_into(new)
            self._keep_in_view(new)

    def _keep_in_view(self, field: QWidget) -> None:
        """With the on-screen keyboard up, the page area is short: scroll the field being
        typed into into view (after the layout took the keyboard's height)."""
        if self.keyboard is None or not self.keyboard.isVisible():
            return

        def scroll() -> None:
            page = self.page
            if page.isAncestorOf(field) and field.isVisible():
                page.scroll.ensureWidgetVisible(field, 16, 24)

        QTimer.singleShot(0, self, scroll)  # dropped if the wizard is gone by then

    def _type_into(self, field: QLineEdit) -> None:
        if self.keyboard is None:
            return
        self.keyboard.set_target(field)  # type: ignore[attr-defined]
        # Codes, URIs and tokens must not be rewritten by Telex; names need it.
        self.keyboard.set_telex(  # type: ignore[attr-defined]
            field.accessibleName() == translate("OfficePage", "Tên điểm phục vụ"))

    def _toggle_keyboard(self, shown: bool) -> None:
        if self.keyboard is None:
            return
        self.keyboard.setVisible(shown)
        # The page's hint makes room for the keyboard (the title still says where one is).
        for page in self.pages:
            page.hint_label.setVisible(not shown and bool(page.hint_label.text()))
        focused = self.focusWidget()
        field = focused if isinstance(focused, QLineEdit) else self.page.first_field()
        if shown and isinstance(field, QLineEdit):
            self._type_into(field)
            field.setFocus()
            self._keep_in_view(field)

    def preview_config(self) -> Config:
        """The base configuration with the office answered so far (the test ticket prints the
        office's own name)."""
        office = {k: v for k, v in (("code", self.answers.office_code),
                                    ("name", self.answers.office_name)) if v}
        try:
            return self.base.with_values(office=office)
        except ConfigError:
            return self.base

    # -- TLS of the office hub ----------------------------------------------------------------

    @property
    def hosts_known(self) -> bool:
        return self._hosts is not None

    def hosts_now(self) -> list[str]:
        """This PC's names and addresses, as a hub certificate names them (asked once, on
        the wizard's lane; until they are known, only this PC's loopback names)."""
        if self._hosts is None:
            return ["localhost", "127.0.0.1"]
        return self._hosts

    def _hosts_found(self, hosts: list[str]) -> None:
        self._hosts = hosts
        self.hosts_changed.emit()

    def _hosts_failed(self, exc: BaseException) -> None:
        log.warning("cannot list this PC's addresses: %s", exc.__class__.__name__)
        self._hosts_found(["localhost", "127.0.0.1"])

    def certificate_plan(self) -> CertPlan:
        return plan_certificate(self.tls, self.paths, self.hosts_now())

    def prepare_certificate(self) -> str | None:
        """On a secured hub: make its certificate pair unless it has one (then check that one
        loads), and remember it for [hub] tls_cert/tls_key. The problem, or None."""
        if not self.hosts_known:
            return (self.tr("Máy đang dò địa chỉ mạng của mình để ghi vào chứng chỉ. Vui lòng "
                            "bấm Tiếp tục lại sau giây lát."))
        plan = self.certificate_plan()
        problem = make_or_check(plan)
        if problem is None:
            self.tls.cert, self.tls.key = str(plan.cert), str(plan.key)
        return problem

    def planned_base(self) -> Config:
        """The base configuration with the [hub] TLS keys this set-up writes."""
        values = hub_values(self.answers.hub_role, self.answers.hub_url, self.tls, self.paths)
        return self.base.with_values(hub=values) if values else self.base

    def _tls_files(self) -> str | None:
        """Before writing the configuration: the hub's pair exists, a client's copy of the
        hub's certificate is in place. The problem, or None."""
        if self.answers.serves_hub:
            return self.prepare_certificate() if self.tls.secure else None
        if is_https(self.answers.hub_url) and self.tls.ca_file:
            try:
                copy_ca_file(self.tls.ca_file, self.paths)
            except OSError as exc:
                return (self.tr("Không chép được chứng chỉ của hub {ca_file} vào thư mục dữ "
                                "liệu ({exc}). Cách sửa: chép lại tệp hub.crt rồi chọn lại ở "
                                "bước Hub.").format(ca_file=self.tls.ca_file, exc=exc))
        return None

    # -- navigation --------------------------------------------------------------------------

    def role(self) -> str:
        role_page = next(p for p in self.pages if isinstance(p, RolePage))
        return role_page.current_role()

    def applicable(self) -> list[int]:
        return [i for i, p in enumerate(self.pages) if p.applies(self.answers)]

    @property
    def page(self) -> WizardPage:
        return self.pages[self.index]

    def refresh_steps(self) -> None:
        order = self.applicable()
        for i, chip in enumerate(self.step_chips):
            if i not in order:
                state = "skipped"
            elif i == self.index:
                state = "current"
            elif i < self.index:
                state = "done"
            else:
                state = ""
            set_prop(chip, "state", state)
            chip.setVisible(i in order)
        if self.index in order:
            self.step_label.setText(self.tr("Bước {value} / {value2}").format(
                    value=order.index(self.index) + 1,
                    value2=len(order)))

    def _show(self, index: int) -> None:
        self.index = index
        page = self.pages[index]
        page.show_error(None)
        page.load(self.answers)
        self.stack.setCurrentWidget(page)
        last = isinstance(page, SummaryPage)
        self.next_button.setText(self.tr("Lưu cấu hình") if last else self.tr("Tiếp tục"))
        self.back_button.setEnabled(index != self.applicable()[0])
        self.refresh_steps()
        self._loaded_state = _field_state(page)
        target = page.first_field()
        if target is not None:
            target.setFocus()
            if isinstance(target, QLineEdit):
                self._keep_in_view(target)
        else:
            self.next_button.setFocus()

    def go_next(self) -> bool:
        """Check and store this page, then show the next one (or save on the last page).
        Returns False when the page refused (its error is shown)."""
        page = self.page
        problem = page.problem()
        if problem:
            page.show_checked_error(problem)
            return False
        page.store(self.answers)
        problem = page.leave()
        if problem:
            page.show_error(problem)
            return False
        if isinstance(page, SummaryPage):
            return self.save()
        following = [i for i in self.applicable() if i > self.index]
        if following:
            self._show(following[0])
        return True

    def go_back(self) -> None:
        before = [i for i in self.applicable() if i < self.index]
        if before:
            self._show(before[-1])

    def go_to(self, page_type: type) -> WizardPage:
        """Jump to a page (tests and screenshots)."""
        index = next(i for i, p in enumerate(self.pages) if isinstance(p, page_type))
        self._show(index)
        return self.pages[index]

    def save(self) -> bool:
        problem = self._tls_files()
        if problem:
            self.page.show_error(problem)
            return False
        try:
            self.result = write_setup(self.answers, self.paths, self.planned_base())
        except (ConfigError, OSError) as exc:
            self.page.show_error(self.tr("Không lưu được cấu hình: {exc}").format(exc=exc))
            return False
        log.info("set-up wizard wrote %s (role %s, station %s)", self.paths.config_file,
                 self.answers.role, self.result.config.station.id)
        self._finish(self.result.config)
        return True

    def entered(self) -> bool:
        """Whether anything was entered: answers kept from earlier pages, or a field of
        this page changed since it was shown."""
        return (self.answers != self._initial_answers
                or _field_state(self.page) != self._loaded_state)

    def ask_cancel(self) -> None:
        """"Thoát": leave at once when nothing was entered, else ask (defaulting to stay)."""
        if self._done or self.leave_box is not None:
            return
        if not self.entered():
            self.cancel()
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Thoát cài đặt"))
        box.setText(self.tr("Thoát khỏi cài đặt? Những gì đã nhập sẽ không được lưu."))
        leave = box.addButton(self.tr("Thoát, không lưu"), QMessageBox.ButtonRole.DestructiveRole)
        stay = box.addButton(self.tr("Không"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stay)
        box.setEscapeButton(stay)
        self.leave_box = box
        try:
            box.exec()
        finally:
            self.leave_box = None
        if box.clickedButton() is leave:
            self.cancel()

    def cancel(self) -> None:
        log.info("set-up wizard left without saving")
        self._finish(None)

    def _finish(self, config: Config | None) -> None:
        if self._done:
            return
        self._done = True
        self.finished.emit(config)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.go_next()
            return
        if key == Qt.Key.Key_Left and event.modifiers() & Qt.KeyboardModifier.AltModifier:
            self.go_back()
            return
        if key == Qt.Key.Key_Escape:
            self.ask_cancel()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802
        app = QApplication.instance()
        if app is not None and self.keyboard is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                app.focusChanged.disconnect(self._focus_changed)
        self._finish(None)
        self.network.stop()
        super().closeEvent(event)


def _open_wizard(app, base: Config | None, paths: Paths, *, existing: bool = False,
                 fullscreen: bool = False) -> Opened:
    wizard = SetupWizard(paths, base=base, existing=existing)
    return Opened(wizard, done=wizard.finished)


#: The set-up wizard: modal (its own loop, before the station starts), full screen when asked;
#: its result is the configuration it saved, or None when it was left.
WIZARD = Station("set-up wizard", open=_open_wizard,
                 full_screen=lambda _config, options: bool(options.get("fullscreen")),
                 modal=True, refused=None)


def run_setup_wizard(paths: Paths, *, base: Config | None = None, existing: bool = False,
                     fullscreen: bool = False) -> Config | None:
    """Show the wizard until it is saved (returns the configuration written) or left (None)."""
    return run_station(WIZARD, base, paths, existing=existing, fullscreen=fullscreen)
