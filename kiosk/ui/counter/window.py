"""The counter window a clerk uses all day: intake from an ID card scan, returning results from
a receipt barcode, the logbook.

Keyboard and scanner alone cover the common path (F2 new intake, scan, type the phone number,
Ctrl+F procedure, arrows/Space for documents, F5 save, F9 open a dossier by code). Alt+1..9
pick the numbered thing on the page: a procedure of the list (the called ticket's service and
the office's most used first) or a dossier action. F3 finishes the citizen being served, asks
for their rating and calls the next in one step, and clears the previous citizen's data from
the screen (asking first when the intake form holds unsaved input: Enter or Esc keeps the form,
Tab then Enter calls). Ctrl+F9 turns the dossier page into a "mark finished" scan station. A
keyboard wedge scan anywhere in the window is caught by WedgeScanner before any field sees it, held
whole across the scanner's pauses when it starts like a code (or dropped with a rescan
message); serial and camera scanners deliver the same ScanEvent. An ID card scanned while a
dossier is open checks who collects it, never starts an intake; F2 asks before an unsaved
form goes. Everything that touches SQLite or a printer
runs on the window's two lanes (lanes.py): each action is one `lane.run(...)` whose answer
comes back on the UI thread.

Scanned text is personal data: logs name the scanner, the kind of code and the parser's error
code only, never the text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSize, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QCloseEvent,
    QDesktopServices,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from drivers.scanners.events import ScanEvent
from kiosk.calendar import CalendarRules
from kiosk.calendar.working_days import parse_time_of_day
from kiosk.config import Config
from kiosk.dossiers.logbook import LogbookRow, export_logbook, logbook_rows
from kiosk.dossiers.models import Dossier
from kiosk.dossiers.procedures import Procedure, load_procedures
from kiosk.dossiers.status import DossierStatus
from kiosk.failures import CLERK, wording
from kiosk.paths import Paths
from kiosk.printout.forms import printed_number
from kiosk.scanner_settings import ScannerSettings, scanner_settings
from kiosk.scanning.parse import (
    DOSSIER_CODE_RE,
    ScanResult,
    lacks_diacritics,
    parse_scan,
    starts_like_code,
)
from kiosk.ui.counter import style
from kiosk.ui.counter.calling import FINISH, NEXT, RECALL, SKIP, CallingBar, QueueThread
from kiosk.ui.counter.camera_panel import CameraPanel
from kiosk.ui.counter.dossier_view import ACTIONS, DossierView
from kiosk.ui.counter.intake_form import FormProblem, IntakeForm, ask_call_next, ask_discard
from kiosk.ui.counter.lanes import (
    CounterDesk,
    CounterLanes,
    ReceiptPrinter,
    counter_lanes,
    receipt_failure,
)
from kiosk.ui.counter.logbook_view import LogbookView
from kiosk.ui.counter.paperwork import PaperworkActions
from kiosk.ui.counter.petition_view import install_petitions
from kiosk.ui.counter.status_line import StatusLine
from kiosk.ui.counter.text import weekday_text
from kiosk.ui.due_panel import DuePanel
from kiosk.ui.qtapp import ensure_app, load_fonts
from kiosk.ui.runner import Opened, Station, run_station
from kiosk.ui.widgets import Banner, KeyButton, set_prop

log = logging.getLogger(__name__)

WINDOW_SIZE = (1366, 768)
PRINTER_CHECK_MS = 30_000
#: Beyond the driver's own timeout (per copy), how long a print may stay unanswered before the
#: window stops waiting for it: a driver that overruns must not block reprints for good.
PRINT_WATCHDOG_MARGIN_S = 5.0
APPOINTMENT_REFRESH_MS = 60_000
DUE_REFRESH_MS = 60_000  # the due list (the whole office's on a LAN office's counter PC)
BOOK_CHECK_MS = 3_000  # a counter PC of a LAN office: changes waiting for the hub, lost ones
CALL_CLOCK_MS = 30_000  # refreshes the current ticket's waiting time
#: Width of the citizen's rating panel at the window's right edge (shown after "Xong"): a
#: share of the window's width within these bounds, so the form beside it keeps its room.
RATING_WIDTH = 380
RATING_MIN_WIDTH = 240
RATING_SHARE = 0.22
#: The smallest screen the window fits: 1366x768 at 125 % Windows scaling, in logical pixels.
MINIMUM_SIZE = (1093, 614)


def rating_width(window_width: int) -> int:
    return max(RATING_MIN_WIDTH, min(RATING_WIDTH, round(window_width * RATING_SHARE)))


class _Pages(QStackedWidget):
    """The pages, asking only for the room the page on show needs (a QStackedWidget asks for
    the largest of all its pages)."""

    def __init__(self) -> None:
        super().__init__()
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()

#: Parser error codes that mean "the ID number disagrees with the card": possibly a misread,
#: possibly a forged card. The clerk has to look at the card and say so.
ID_MISMATCH_ERRORS = frozenset({"cccd.id_gender", "cccd.id_century", "cccd.id_birth_year"})

INTAKE, DOSSIER, LOGBOOK, DUE = 0, 1, 2, 3


def open_file(path: Path) -> None:
    """Open a file with the PC's default program (PDF viewer, spreadsheet)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class CounterWindow(QMainWindow):
    """The counter window. `clock()` gives the office's local time; `opener(path)` shows a
    written file (A4 receipt, logbook export); `scanners` overrides the [scanner] settings;
    `lanes` the background lanes (lanes.py)."""

    def __init__(self, config: Config, paths: Paths, *, clerk: str = "",
                 clock: Callable[[], datetime] | None = None,
                 procedures: list[Procedure] | None = None,
                 lanes: CounterLanes | None = None,
                 opener: Callable[[Path], Any] | None = None,
                 scanners: ScannerSettings | None = None,
                 queue: QueueThread | None = None,
                 app: QApplication | None = None) -> None:
        super().__init__()
        self.config = config
        self.paths = paths
        tz = ZoneInfo(config.office.timezone)
        self.clock = clock or (lambda: datetime.now(tz))
        self.opener = opener or open_file
        self.scanner_settings = scanners or scanner_settings(config)
        self._app = app or QApplication.instance()
        self.rules = CalendarRules.from_config(config)
        self.procedures = procedures if procedures is not None else load_procedures()
        self.setWindowTitle(self.tr("Quầy tiếp nhận và trả kết quả – %1").replace(
            "%1", config.office.name))

        # -- state --
        self.saving = False
        self.printing: str | None = None  # code whose receipt is being printed
        self.saving_ticket: Any = None  # the ticket served when the save was pressed
        self.clear_after_save = False  # the next citizen was called while saving
        self.procedure_counts: dict[str, int] = {}
        self.last_scan: ScanResult | None = None
        self.discard_box: Any = None  # F2's question about an unsaved form, while open
        self.call_next_box: Any = None  # F3's question about an unsaved form, while open
        self._scale = 0.0
        self._closed = False
        self.serial: Any = None
        self.camera: Any = None

        # -- top bar --
        top = QFrame()
        top.setObjectName("TopBar")
        title = QLabel(self.tr("Tiếp nhận và trả kết quả"))
        title.setObjectName("AppTitle")
        office = QLabel(config.office.name)
        office.setObjectName("OfficeName")
        office.setToolTip(config.office.name)
        for name_label in (title, office):  # a long office name is cut, not the window widened
            name_label.setMinimumWidth(140)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(title)
        titles.addWidget(office)
        self.tabs = QButtonGroup(self)
        self.tab_buttons: list[KeyButton] = []
        for index, text in enumerate((self.tr("Tiếp nhận hồ sơ (F2)"),
                                      self.tr("Trả kết quả, tra cứu (F9)"),
                                      self.tr("Sổ theo dõi (F10)"))):
            button = KeyButton(text, "tab")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.tabs.addButton(button, index)
            self.tab_buttons.append(button)
        self.tabs.idClicked.connect(self._tab_clicked)
        self.clerk_edit = QLineEdit(clerk)
        self.clerk_edit.setObjectName("ClerkEdit")
        self.clerk_edit.setPlaceholderText(self.tr("Họ tên cán bộ"))
        clerk_label = QLabel(self.tr("Cán bộ:"))
        clerk_label.setBuddy(self.clerk_edit)
        bar = QHBoxLayout(top)
        bar.setContentsMargins(12, 6, 12, 6)
        bar.setSpacing(8)
        bar.addLayout(titles)
        bar.addSpacing(16)
        for button in self.tab_buttons:
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(clerk_label)
        bar.addWidget(self.clerk_edit)

        # -- pages --
        self.banner = Banner()
        self.banner.acknowledged.connect(self._warning_acknowledged)
        self.form = IntakeForm(self.procedures, self.rules, self.clock)
        self.dossier_view = DossierView(self.rules)
        self.logbook_view = LogbookView(lambda: self.clock().date())
        self.due_panel = DuePanel(config.dossiers.due_soon_days)
        self.stack = _Pages()
        for page in (self.form, self.dossier_view, self.logbook_view, self.due_panel):
            self.stack.addWidget(page)
        self.status = StatusLine()

        # -- calling (issue 4): the bar, the queue lane, the citizen's rating panel --
        self.counter_number = int(config.counter.number)
        self.calling = CallingBar(self.counter_number, tuple(config.counter.services))
        self.calling.action_requested.connect(self.queue_action)
        self.last_dossier_code: str | None = None
        self.rating_view: Any = None
        if config.rating.enabled:
            from kiosk.ui.rating_view import RatingView

            self.rating_view = RatingView(config, paths, hide_when_idle=True)
            self.rating_view.setFixedWidth(rating_width(WINDOW_SIZE[0]))
            # Its pages ask for more height than a 768-line screen has left: it scales its
            # type to the size it gets, so it must not push the window taller.
            self.rating_view.setMinimumHeight(1)

        root = QWidget()
        root.setObjectName("CounterRoot")
        box = QVBoxLayout(root)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(top)
        box.addWidget(self.calling)
        banner_holder = QVBoxLayout()
        banner_holder.setContentsMargins(10, 6, 10, 0)
        banner_holder.addWidget(self.banner)
        box.addLayout(banner_holder)
        content = QHBoxLayout()
        content.setContentsMargins(0, 0, 0, 0)
        content.setSpacing(0)
        content.addWidget(self.stack, 1)
        if self.rating_view is not None:
            content.addWidget(self.rating_view)
        box.addLayout(content, 1)
        box.addWidget(self.status)
        self.setCentralWidget(root)
        # The due list's chip in the status line (no room for a fourth tab at 1093 px): red
        # while dossiers of the office are overdue, which they stay on every counter until an
        # apology slip (Mẫu 04) is issued or the result is handed back; a tap (or F1) shows
        # the list.
        self.due_alert = KeyButton(self.tr("Hạn trả (F1)"))
        self.due_alert.setObjectName("DueAlert")
        self.due_alert.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.due_alert.clicked.connect(self.show_due)
        set_prop(self.due_alert, "overdue", False)
        # Never cut: the states before it give way on a narrow screen.
        self.status.add_state(self.due_alert, keep=True)

        # -- page wiring --
        f = self.form
        f.save_button.clicked.connect(self.save)
        f.print_button.clicked.connect(lambda: self.print_receipt())
        f.a4_button.clicked.connect(lambda: self.print_a4())
        f.new_button.clicked.connect(self.new_intake)
        f.id_number.editingFinished.connect(self.recall_contact)
        v = self.dossier_view
        v.open_requested.connect(self.open_dossier)
        v.finish_requested.connect(self.mark_finished)
        v.action_requested.connect(self.act)
        v.reprint_requested.connect(self.print_receipt)
        v.a4_requested.connect(self.print_a4)
        self.due_panel.open_requested.connect(self.open_dossier)
        self.due_panel.refresh_requested.connect(self.refresh_due)
        v.slip_requested.connect(self.issue_slip)
        # The open dossier's slips and hand-overs: listed, reprinted, as A4, a hand-over.
        self.paperwork = PaperworkActions(self)
        lb = self.logbook_view
        lb.load_requested.connect(self._load_logbook)
        lb.export_requested.connect(self.export_logbook)
        lb.open_button.clicked.connect(
            lambda: lb.last_export is not None and self.opener(lb.last_export))

        # -- keyboard --
        self.shortcuts: dict[str, QShortcut] = {}
        for keys, slot in (("F2", self.new_intake), ("F5", self.save),
                           ("F6", lambda: self.print_receipt()), ("F7", lambda: self.print_a4()),
                           ("Ctrl+F", self.find_procedure), ("F9", self.show_dossier_page),
                           ("F10", self.show_logbook), ("F8", self.toggle_camera),
                           ("F1", self.show_due),
                           ("F3", lambda: self.calling.request(NEXT)),
                           ("F4", lambda: self.calling.request(RECALL)),
                           ("F11", lambda: self.calling.request(SKIP)),
                           ("Ctrl+T", self.calling.open_transfer),
                           ("F12", lambda: self.calling.request(FINISH)),
                           ("Ctrl+F9", self.toggle_finish_mode),
                           ("Ctrl+D", self.all_documents),
                           *((f"Alt+{n}", lambda n=n: self.pick_numbered(n))
                             for n in range(1, 10))):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts[keys] = shortcut

        # -- timers --
        self.printer_timer = QTimer(self)
        self.printer_timer.setInterval(PRINTER_CHECK_MS)
        self.printer_timer.timeout.connect(self.check_printer)
        self.appointment_timer = QTimer(self)
        self.appointment_timer.setInterval(APPOINTMENT_REFRESH_MS)
        self.appointment_timer.timeout.connect(self._refresh_appointment)
        self.print_watchdog = QTimer(self)
        self.print_watchdog.setSingleShot(True)
        self.print_watchdog.timeout.connect(self._print_timed_out)
        self.call_clock = QTimer(self)
        self.call_clock.setInterval(CALL_CLOCK_MS)
        self.call_clock.timeout.connect(lambda: self.calling.update_wait(self.clock()))
        # A counter PC of a LAN office works on the office's dossier book through the hub:
        # the status line says when it works offline and how many changes wait for the hub.
        from kiosk.queue.settings import hub_settings

        self.book_mode = hub_settings(config).role == "client"
        self.hub_connected: bool | None = None
        self.book_offline_told = False
        self.book_lost_shown: tuple[int, ...] = ()
        self.book_timer = QTimer(self)
        self.book_timer.setInterval(BOOK_CHECK_MS)
        self.book_timer.timeout.connect(self.check_book)
        # The due list, refreshed on the desk lane; reminders of what falls due tomorrow at
        # start-up and once a day at [dossiers] reminder_time.
        self.due_list: Any = None
        self.reminded_on: date | None = None  # the day of the last timed reminder
        self.started_reminder = False
        self.reminder_time = parse_time_of_day(config.dossiers.reminder_time)
        self.due_timer = QTimer(self)
        self.due_timer.setInterval(DUE_REFRESH_MS)
        self.due_timer.timeout.connect(self.refresh_due)

        # -- background lanes: "counter-desk" and "counter-printer" --
        self.lanes = lanes or counter_lanes(config, paths)
        self.queue = queue or QueueThread(config, paths)
        q = self.queue.worker
        q.restored.connect(self.on_queue_restored)
        q.done.connect(self.on_queue_done)
        q.failed.connect(self.on_queue_failed)
        q.waiting.connect(self.calling.set_waiting)
        q.event.connect(self.on_queue_event)
        q.connection.connect(self.on_connection)

        # -- scanners --
        from drivers.scanners.wedge import WedgeScanner

        s = self.scanner_settings
        self.wedge = WedgeScanner(self, max_interkey_ms=s.wedge_max_interkey_ms,
                                  min_length=s.wedge_min_length, terminator=s.wedge_terminator,
                                  shape=starts_like_code)
        self.wedge.scanned.connect(self.handle_scan)
        self.wedge.incomplete.connect(self.on_incomplete_scan)
        self.status.set_wedge(s.wedge_enabled)
        if not s.camera:
            self.status.set_camera("none")
        else:
            self.status.set_camera("stopped")
        self.camera_panel: CameraPanel | None = None

        # -- city sync (only when [sync] server_url is set): new dossiers go out at once --
        from kiosk.ui.sync_status import SyncBridge, SyncIndicator

        self.sync = SyncBridge(config, paths, self)
        self.sync_indicator = SyncIndicator(self.sync)
        self.status.add_state(self.sync_indicator)
        # Petitions a citizen tells the clerk, and their look-up by code (Ctrl+P).
        self.petitions = install_petitions(self)

        self._select_page(INTAKE)
        self._apply_scale(*WINDOW_SIZE)
        # Sizes measured before the style sheet applied (661 px high) must not outlive it: the
        # window would take them at its first show, too tall for a 1093x614 screen.
        for layout in self.findChildren(QLayout):
            layout.invalidate()

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Start the background work and the scanners (separate from __init__ so tests can
        build a window without threads)."""
        # The queue lane opens the same database: only once the desk lane has opened (and
        # migrated) it, so the two never race through a first migration.
        self.lanes.desk.run(lambda _desk: None, done=self._start_queue,
                            failed=self._database_not_opened, owner=self,
                            label="open the database")
        self.lanes.desk.run(lambda desk: desk.procedure_counts(),
                            done=self._counts_loaded, owner=self,
                            label="procedure counts")
        self.call_clock.start()
        s = self.scanner_settings
        if s.wedge_enabled:
            self.wedge.install(self._app)
        if s.serial_configured:
            self._start_serial(s)
        self.sync.start()
        self.printer_timer.start()
        self.appointment_timer.start()
        self.check_printer()
        if self.book_mode:
            self.book_timer.start()
            self.check_book()
        self.due_timer.start()
        self.refresh_due()
        self.form.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _counts_loaded(self, counts: dict[str, int]) -> None:
        self.procedure_counts = dict(counts)
        self.form.picker.set_context(self.form.picker.service, self.procedure_counts)

    def _start_queue(self, _result: Any = None) -> None:
        if not self._closed and not self.queue.running:
            self.queue.start()

    def _database_not_opened(self, exc: BaseException) -> None:
        log.warning("the counter database cannot be opened: %s",
                    wording(exc, "mở được cơ sở dữ liệu", "open the database")[1])
        self._start_queue()

    def _start_serial(self, s: ScannerSettings) -> None:
        from drivers.scanners.qt_adapters import QtSerialScanner

        self.serial = QtSerialScanner(self, port=s.serial_port, usb_ids=s.usb_ids,
                                      baudrate=s.baudrate,
                                      flush_after_s=s.serial_flush_ms / 1000)
        self.serial.scanned.connect(self.handle_scan)
        self.serial.status_changed.connect(self.status.set_serial)
        self.status.set_serial("disconnected")
        self.serial.start()

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        for box in (self.discard_box, self.call_next_box):  # no question outlives the window
            if box is not None:
                box.close()
        self.printer_timer.stop()
        self.appointment_timer.stop()
        self.book_timer.stop()
        self.due_timer.stop()
        self.print_watchdog.stop()
        self.call_clock.stop()
        self.wedge.uninstall()
        for scanner in (self.serial, self.camera):
            if scanner is not None:
                try:
                    scanner.stop()
                except Exception:
                    log.debug("stopping a scanner failed", exc_info=True)
        if self.camera_panel is not None:
            self.camera_panel.close()
        self.sync.stop()
        self.lanes.stop()
        self.queue.stop()
        if self.rating_view is not None:
            self.rating_view.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.shutdown()
        super().closeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._apply_scale(event.size().width(), event.size().height())

    def _apply_scale(self, width: int, height: int) -> None:
        if self.rating_view is not None:
            self.rating_view.setFixedWidth(rating_width(width))
        scale = style.COUNTER.scale_for(width, height)
        if scale != self._scale:
            self._scale = scale
            self.setStyleSheet(style.COUNTER.stylesheet(scale))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        # Esc reaches here only when the focused field did not use it.
        if event.key() == Qt.Key.Key_Escape:
            if self.dossier_view.pending is not None:
                self.dossier_view.cancel_action()
            else:
                self.banner.dismiss()
            return
        super().keyPressEvent(event)

    # -- pages -----------------------------------------------------------------------------

    @property
    def page(self) -> int:
        return self.stack.currentIndex()

    @property
    def clerk(self) -> str:
        return " ".join(self.clerk_edit.text().split())

    def _select_page(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        if index < len(self.tab_buttons):
            self.tab_buttons[index].setChecked(True)
        else:  # the due list has no tab (F1, or the status line's chip)
            self.tabs.setExclusive(False)
            for button in self.tab_buttons:
                button.setChecked(False)
            self.tabs.setExclusive(True)

    def _tab_clicked(self, index: int) -> None:
        (self.show_intake, self.show_dossier_page, self.show_logbook)[index]()

    def show_intake(self) -> None:
        self._select_page(INTAKE)

    def new_intake(self) -> None:
        """F2: an empty form, cursor in the name field (or just scan the card)."""
        if self.saving:
            return
        if self.form.saved is None and self.form.has_work():
            self._select_page(INTAKE)
            if self.discard_box is None:  # asked once, however often F2 is pressed
                self.discard_box = ask_discard(self, self._discard_and_start)
                self.discard_box.finished.connect(self._discard_answered)
            return
        self._start_intake()

    def _discard_answered(self, _result: int) -> None:
        self.discard_box = None

    def _discard_and_start(self) -> None:
        if not self.saving and self.form.saved is None:
            self._start_intake()

    def _start_intake(self) -> None:
        self.banner.clear()
        self.form.clear()
        self._select_page(INTAKE)
        self.form.name.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def find_procedure(self) -> None:
        if self.page != INTAKE:
            self._select_page(INTAKE)
        if self.form.saved is None:
            self.form.picker.focus_search()

    def pick_numbered(self, number: int) -> None:
        """Alt+number: the numbered procedure on the intake page, the numbered action on the
        dossier page."""
        if self.page == INTAKE and self.form.saved is None and not self.saving:
            self.form.picker.pick(number)
        elif self.page == DOSSIER:
            self.dossier_view.start_numbered(number)

    def all_documents(self) -> None:
        """Ctrl+D: every required document received."""
        if self.page == INTAKE and self.form.saved is None and self.form.documents.rows:
            self.form.documents.set_all(True)
            self.form.save_button.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_dossier_page(self) -> None:
        """F9: the code field, selected, ready for a scan or typing."""
        self._select_page(DOSSIER)
        self.dossier_view.focus_code()

    def show_logbook(self) -> None:
        self._select_page(LOGBOOK)
        if not self.logbook_view.rows:
            self.logbook_view.request_load()
        self.logbook_view.show_button.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_due(self) -> None:
        """F1 (or the overdue alert): the dossiers overdue and falling due; a tap or Enter on
        one opens it."""
        self._select_page(DUE)
        self.refresh_due()
        self.due_panel.focus_list()

    def refresh_due(self) -> None:
        """Read the due list on the desk lane (on a LAN office's counter PC: the whole
        office's, from the hub's book)."""
        from kiosk.dossiers.duelist import office_due_list

        within = self.due_panel.within
        today = self.clock().date()
        self.lanes.desk.run(lambda desk: office_due_list(desk, today, within=within),
                            done=self.on_due_list, failed=self.on_due_failed, owner=self,
                            label="due list", coalesce="due list")

    def on_due_list(self, listing: Any) -> None:
        from kiosk.ui.due_panel import overdue_text, reminder_text

        self.due_list = listing
        self.due_panel.set_list(listing)
        alert = overdue_text(listing)
        if alert:
            self.due_alert.setText(self.tr("⚠ %1 (F1)").replace("%1", alert))
            self.due_alert.setToolTip(self.tr("%1: chưa trả kết quả, chưa có phiếu xin lỗi và "
                                              "hẹn lại (Mẫu 04).").replace("%1", alert))
        else:
            today = len(listing.of("today"))
            self.due_alert.setText(self.tr("Hạn trả hôm nay: %1 (F1)").replace("%1", str(today)))
            self.due_alert.setToolTip(self.due_alert.text())
        set_prop(self.due_alert, "overdue", bool(alert))
        now = self.clock()
        timed = now.time() >= self.reminder_time and self.reminded_on != now.date()
        if timed:
            self.reminded_on = now.date()
        if not self.started_reminder or timed:
            self.started_reminder = True
            text = reminder_text(listing)
            if text and not self.saving:
                self.banner.show_message("info", text, code="due-reminder")

    def on_due_failed(self, exc: BaseException) -> None:
        message_vi, message_en = wording(exc, self.tr("tải được danh sách hạn trả"),
                                         "load the due list", audience=CLERK)
        log.info("due list failed: %s", message_en)
        self.due_panel.failed(message_vi)

    def _refresh_appointment(self) -> None:
        if self.form.saved is None:
            self.form.update_appointment()

    # -- scanning --------------------------------------------------------------------------

    def handle_scan(self, event: ScanEvent) -> None:
        """Route one scan: an ID card fills the intake form, a dossier code opens the dossier,
        anything else is refused with a message; a refused scan never changes the form."""
        result = parse_scan(event.text, today=self.clock().date())
        self.last_scan = result
        code = result.error.code if result.error else ""
        log.info("scan from %s: %s%s (%d characters)", event.source, result.kind,
                 f", refused: {code}" if code else "", len(event.text))
        if result.kind == "unknown" and result.error is None \
                and self.petitions.scanned(event.text):
            return  # a petition slip's code: its answer on the petitions page
        if result.kind == "unknown" and result.error is None:
            # A look-up QR holds a URL with the code in it (dossiers.lookup_url).
            found = DOSSIER_CODE_RE.search(event.text.strip())
            if found:
                result = parse_scan(found.group(0))
        if result.error is not None:
            if code in ID_MISMATCH_ERRORS:
                self.banner.show_message(
                    "warning", self.tr("Cảnh báo: %1 Chưa điền gì vào phiếu: đối chiếu thẻ "
                                       "với người nộp, rồi quét lại hoặc nhập tay.").replace(
                                           "%1", result.error.message_vi),
                    code=code, needs_ack=True, ack_text=self.tr("Đã kiểm tra thẻ (Enter)"))
            else:
                self.banner.show_message("error", result.error.message_vi, code=result.error.code)
            return
        if result.kind == "cccd":
            assert result.fields is not None
            if self.page == DOSSIER and self.dossier_view.dossier is not None:
                self._check_collector(result.fields)
                return
            if self.saving:
                self.banner.show_message("error", self.tr("Đang lưu hồ sơ trước, vui lòng quét "
                                                          "lại sau giây lát."), code="busy")
                return
            self._select_page(INTAKE)
            self.banner.clear()
            unchecked = lacks_diacritics(result.fields)
            self.form.fill_from_scan(result.fields, unchecked=unchecked)
            self.recall_contact()
            if unchecked:
                log.info("scan from %s: ID card text without diacritics", event.source)
                self.banner.show_message(
                    "warning", self.tr(
                        "Thẻ vừa quét không có dấu tiếng Việt (ví dụ “Nguyen Van A” thay vì "
                        "“Nguyễn Văn A”): máy quét kiểu bàn phím đang gõ qua bộ gõ hoặc kiểu "
                        "bàn phím khác. Sửa họ tên, địa chỉ theo thẻ (ô màu vàng), rồi nhờ kỹ "
                        "thuật chuyển máy quét sang chế độ cổng COM ảo (USB-CDC)."),
                    code="cccd.no_diacritics", needs_ack=True,
                    ack_text=self.tr("Đã sửa theo thẻ (Enter)"))
            return
        if result.kind == "dossier":
            assert result.fields is not None
            if self.dossier_view.finish_mode:
                self._select_page(DOSSIER)
                self.mark_finished(result.fields["code"])
            else:
                self.open_dossier(result.fields["code"], by_scan=True)
            return
        self.banner.show_message("error", self.tr(
            "Mã vừa quét không phải thẻ căn cước hay mã hồ sơ. Hãy quét mã QR trên thẻ căn "
            "cước hoặc mã vạch trên giấy hẹn."), code="unknown")

    def on_incomplete_scan(self, length: int) -> None:
        """The wedge filter dropped a burst that started like a code and never completed."""
        log.info("wedge scan incomplete: %d characters discarded", length)
        self.banner.show_message("error", self.tr(
            "Quét lại: máy quét bị ngắt giữa chừng nên mã chưa đọc trọn; chưa điền gì vào "
            "phiếu. Giữ yên thẻ hoặc giấy hẹn trước máy quét và quét lại."), code="incomplete")

    def _check_collector(self, fields: dict[str, Any]) -> None:
        """An ID card scanned while a dossier is open: whoever collects is checked against the
        dossier, never taken for a new intake (F2 starts one)."""
        verdict = self.dossier_view.check_collector(fields)
        log.info("hand-back ID check on the open dossier: %s", verdict)
        if verdict == "other":
            self.banner.show_message("warning", self.dossier_view.collector.text(),
                                     code="collector")
        else:
            self.banner.clear()

    def _warning_acknowledged(self) -> None:
        if self.banner.code == "book-lost":
            seen = self.book_lost_shown
            self.lanes.desk.run(lambda desk: desk.mark_seen(seen), done=self.check_book,
                                owner=self, label="lost dossier changes seen")
            return
        log.info("ID card warning acknowledged by the clerk")
        if self.page == INTAKE and self.form.saved is None:
            self.form.name.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- a returning citizen's phone and e-mail ---------------------------------------------

    def recall_contact(self) -> None:
        """Look up the phone and e-mail of this ID number's last dossier at this station; only
        empty fields are filled (on_contact), never what the clerk typed."""
        form = self.form
        id_number = form.id_number.text().strip()
        if (not id_number or form.saved is not None
                or (form.phone.text().strip() and form.email.text().strip())):
            return
        self.lanes.desk.run(lambda desk: desk.last_contact(id_number),
                            done=lambda contact: self.on_contact(id_number, contact),
                            failed=self._contact_failed, owner=self,
                            label="returning citizen's contact")

    def on_contact(self, id_number: str, contact: tuple[str, str] | None) -> None:
        form = self.form
        if contact is None or form.saved is not None \
                or form.id_number.text().strip() != id_number:
            return  # nothing known, or the form moved on to someone else meanwhile
        if form.recall_contact(*contact):
            self.banner.show_message("info", self.tr(
                "Công dân đã nộp hồ sơ tại quầy: số điện thoại, email lấy từ hồ sơ gần nhất. "
                "Hỏi lại công dân nếu đã thay đổi."), code="contact")

    def _contact_failed(self, exc: BaseException) -> None:
        log.info("a returning citizen's contact was not looked up: %s",
                 wording(exc, "tra được hồ sơ trước", "look up the last dossier")[1])

    # -- marking dossiers finished by scanning -----------------------------------------------

    def toggle_finish_mode(self) -> None:
        """Ctrl+F9: every scanned receipt goes straight to "Đã xử lý xong" (and back)."""
        view = self.dossier_view
        if view.pending is not None or view.busy:
            return
        view.set_finish_mode(not view.finish_mode)
        self._select_page(DOSSIER)
        view.focus_code()

    def mark_finished(self, code: str) -> None:
        """One scan in the "mark finished" mode: the status change on the desk lane, through
        the desk's state machine; the answer is one line of the mode's log."""
        panel = self.dossier_view.finish_scans
        code = code.strip().upper()
        if not self.clerk:
            panel.refused_scan(code, self.tr("Nhập họ tên cán bộ (ô Cán bộ ở góc trên) trước "
                                             "khi cập nhật hồ sơ."))
            return
        clerk = self.clerk
        panel.started(code)
        self.lanes.desk.run(lambda desk: desk.act(code, int(DossierStatus.FINISHED), "", clerk),
                            done=self.on_marked_finished,
                            failed=lambda exc: self.on_mark_refused(code, exc),
                            owner=self, label="mark dossier finished")

    def on_marked_finished(self, dossier: Dossier) -> None:
        self.sync.wake()
        self.dossier_view.finish_scans.finished(dossier)

    def on_mark_refused(self, code: str, exc: BaseException) -> None:
        message_vi, message_en = wording(exc, self.tr("cập nhật được hồ sơ"),
                                         f"finish dossier {code}", audience=CLERK)
        log.info("dossier %s not marked finished: %s", code, message_en)
        current = getattr(exc, "current", None)
        if current is DossierStatus.FINISHED:  # the same receipt scanned twice
            message_vi = self.tr("Hồ sơ đã được ghi nhận xử lý xong từ trước, đang chờ trả "
                                 "kết quả.")
        elif current is DossierStatus.RETURNED:
            message_vi = self.tr("Hồ sơ đã trả kết quả cho công dân.")
        self.dossier_view.finish_scans.refused_scan(code, message_vi)

    # -- intake ----------------------------------------------------------------------------

    def save(self) -> None:
        """F5: validate, then save on the desk thread (one transaction with its outbox row)."""
        if self.page != INTAKE or self.saving:
            return
        if self.form.saved is not None:
            self.banner.show_message("info", self.tr("Hồ sơ %1 đã được lưu. Nhấn F2 để tiếp "
                                                     "nhận hồ sơ mới.").replace(
                                                         "%1", self.form.saved.code))
            return
        if self.banner.needs_ack:
            self.banner.ack_button.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if not self.clerk:
            self.banner.show_message("error", self.tr("Nhập họ tên cán bộ tiếp nhận (ô Cán bộ ở "
                                                      "góc trên) trước khi lưu."), code="clerk")
            self.clerk_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        try:
            intake = self.form.intake()
        except FormProblem as problem:
            self.banner.show_message("error", problem.message_vi, code="form")
            if problem.widget is not None:
                problem.widget.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.banner.clear()
        self.saving = True
        self.form.save_button.setEnabled(False)
        self.form.set_print_state("busy", self.tr("Đang lưu hồ sơ…"))
        # Saved at the moment the clerk pressed save (the window's clock, which also gave the
        # appointment preview, so screen and receipt agree).
        clerk, at = self.clerk, self.clock()
        self.saving_ticket = self.calling.ticket
        self.lanes.desk.run(lambda desk: desk.save_intake(intake, clerk=clerk, at=at),
                            done=self.on_saved,
                            failed=lambda exc: self.on_save_failed(intake.procedure_code, exc),
                            owner=self, label="save intake")

    def on_saved(self, dossier: Dossier) -> None:
        self.saving = False
        ticket, self.saving_ticket = self.saving_ticket, None
        if ticket is not None:
            if self.calling.ticket is not None and self.calling.ticket.id == ticket.id:
                self.last_dossier_code = dossier.code
            self.queue.link(ticket.id, dossier.code)
        self.sync.wake()
        self.check_book()
        code = dossier.procedure_code
        self.procedure_counts[code] = self.procedure_counts.get(code, 0) + 1
        self.form.picker.set_context(self.form.picker.service, self.procedure_counts)
        if self.clear_after_save:
            # The next citizen was called meanwhile: print, but do not show the previous one.
            self.clear_after_save = False
            self.form.clear()
            self.banner.show_message("info", self.tr("Đã lưu hồ sơ %1 của công dân trước.")
                                     .replace("%1", dossier.code))
            self.print_receipt(dossier.code)
            return
        self.form.show_saved(dossier)
        self.banner.show_message("info", self.tr("Đã lưu hồ sơ %1. Hẹn trả kết quả: %2.")
                                 .replace("%1", dossier.code)
                                 .replace("%2", weekday_text(dossier.appointment_date)))
        self.print_receipt(dossier.code)
        self.form.new_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def on_save_failed(self, procedure_code: str, exc: BaseException) -> None:
        message_vi, message_en = wording(exc, self.tr("lưu được hồ sơ"), "save the dossier",
                                         audience=CLERK)
        log.warning("intake not saved (procedure %s): %s", procedure_code, message_en)
        self.saving = False
        self.saving_ticket = None
        self.form.save_button.setEnabled(True)
        self.form.set_print_state("failed", message_vi)
        self.banner.show_message("error", message_vi, code="save")

    # -- printing --------------------------------------------------------------------------

    def _context_code(self) -> str | None:
        if self.page == INTAKE and self.form.saved is not None:
            return self.form.saved.code
        if self.page == DOSSIER and self.dossier_view.dossier is not None:
            return self.dossier_view.dossier.code
        return None

    def print_receipt(self, code: str | None = None) -> None:
        """F6: (re)print the thermal receipt of the saved or open dossier."""
        code = code or self._context_code()
        if code is None or self.printing == code:
            return
        self.printing = code
        self.status.set_printer("PRINTING")
        self._print_state(code, "busy", self.tr("Đang in phiếu %1…").replace("%1", code))
        copies = max(1, self.config.dossiers.receipt_copies)
        self.print_watchdog.start(int((self.config.printer.timeout_s * copies
                                       + PRINT_WATCHDOG_MARGIN_S) * 1000))
        self.lanes.printer.run(
            lambda printer: printer.print_receipt(code),
            done=lambda _: self.on_printed(code, True, "", ""),
            failed=lambda exc: self.on_printed(code, False, *receipt_failure(code, exc)),
            owner=self, label="print receipt")

    def _print_timed_out(self) -> None:
        code = self.printing
        if code is not None:
            log.warning("no answer from the printer lane for dossier %s", code)
            self.on_printed(code, False, self.tr(
                "Máy in không phản hồi (có thể kẹt giấy, hết giấy hoặc đang tắt): kiểm tra máy "
                "in, tắt rồi bật lại."), "the printer lane did not answer in time")

    def on_printed(self, code: str, ok: bool, message_vi: str, message_en: str) -> None:
        if self.printing not in (None, code):
            return  # a late answer about an earlier job the watchdog gave up on
        self.print_watchdog.stop()
        self.printing = None
        if ok:
            self._print_state(code, "ok", self.tr("Đã in phiếu tiếp nhận và hẹn trả kết quả."))
            self.check_printer()
            return
        self.status.set_printer("OFFLINE")
        text = self.tr("%1 Hồ sơ %2 vẫn đã được lưu: nhấn F6 để in lại hoặc F7 để in giấy "
                       "A4.").replace("%1", message_vi).replace("%2", code)
        self._print_state(code, "failed", text)
        self.form.print_button.setText(self.tr("In lại phiếu (F6)"))
        self.banner.show_message("error", text, code="print")

    def _print_state(self, code: str, state: str, text: str) -> None:
        if self.form.saved is not None and self.form.saved.code == code:
            self.form.set_print_state(state, text)
        if self.dossier_view.dossier is not None and self.dossier_view.dossier.code == code:
            self.dossier_view.set_state(state, text)

    def print_a4(self, code: str | None = None) -> None:
        """F7: write the A4 receipt PDF and open it for the office printer."""
        code = code or self._context_code()
        if code is None:
            return
        self._print_state(code, "busy", self.tr("Đang tạo giấy A4…"))
        data_dir = self.paths.data_dir
        self.lanes.desk.run(
            lambda desk: desk.write_receipt_pdf(code, desk.settings.a4_path(code, data_dir)),
            done=lambda path: self.on_pdf_written(code, path),
            failed=lambda exc: self.on_pdf_failed(code, exc), owner=self, label="write A4")

    def on_pdf_written(self, code: str, path: Path) -> None:
        self._print_state(code, "ok", self.tr("Đã tạo giấy A4: %1").replace("%1", str(path)))
        try:
            self.opener(Path(path))
        except Exception:
            log.exception("cannot open the A4 receipt of %s", code)

    def on_pdf_failed(self, code: str, exc: BaseException) -> None:
        message_vi, message_en = wording(exc, self.tr("tạo được giấy A4"),
                                         f"write the A4 receipt of {code}", audience=CLERK)
        log.warning("A4 receipt not written: %s", message_en)
        self.banner.show_message("error", message_vi, code="pdf")

    def check_printer(self) -> None:
        """Ask the receipt printer how it is (not while it prints; never two checks queued
        behind a stuck job)."""
        if self.printing is None:
            self.lanes.printer.run(ReceiptPrinter.status, done=self.status.set_printer,
                                   owner=self, label="printer status",
                                   coalesce="printer status")

    # -- returning results -----------------------------------------------------------------

    def open_dossier(self, code: str, *, by_scan: bool = False) -> None:
        self._select_page(DOSSIER)
        self.banner.clear()
        self.dossier_view.code_edit.setText(code.strip().upper())
        self.dossier_view.set_state("busy", self.tr("Đang mở hồ sơ…"))
        self.lanes.desk.run(lambda desk: desk.open_with_slips(code),
                            done=lambda opened: self.on_opened(*opened[:2], by_scan=by_scan,
                                                               slips=opened[2]),
                            failed=self.on_open_failed, owner=self, label="open dossier")

    def on_opened(self, dossier: Dossier, stale: bool = False, *,
                  by_scan: bool = False, slips: Any = ()) -> None:
        view = self.dossier_view
        view.show_dossier(dossier, self.clock().date(), slips)
        self.paperwork.refresh(dossier.code)
        if stale:
            # The hub did not answer: this PC's copy, which another counter may have changed.
            view.set_state("failed", self.tr("Mất kết nối máy chủ: đây là bản lưu trên máy "
                                              "này, có thể chưa mới nhất."))
            self.check_book()
        if by_scan and not stale and dossier.status is DossierStatus.FINISHED:
            # A receipt scanned for a result that is ready: the hand-back is the one thing to
            # do, so its question opens at once (Enter hands back, Esc cancels); the
            # collector's ID card scanned now still fills its note.
            view.start_action(ACTIONS[DossierStatus.RETURNED])
            return
        if view.action_buttons:
            next(iter(view.action_buttons.values())).setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            view.focus_code()

    def on_open_failed(self, exc: BaseException) -> None:
        message_vi, message_en = wording(exc, self.tr("mở được hồ sơ"), "open the dossier",
                                         audience=CLERK)
        log.info("dossier look-up failed: %s", message_en)
        self.dossier_view.show_dossier(None)
        self.banner.show_message("error", message_vi, code="open")
        self.dossier_view.focus_code()

    def act(self, code: str, to: int, reason: str) -> None:
        if not self.clerk:
            self.dossier_view.action_failed(self.tr("Nhập họ tên cán bộ (ô Cán bộ ở góc trên) "
                                                    "trước khi cập nhật hồ sơ."))
            self.clerk_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        clerk = self.clerk
        self.lanes.desk.run(lambda desk: desk.act(code, to, reason, clerk),
                            done=self.on_acted,
                            failed=lambda exc: self.on_action_failed(code, to, exc),
                            owner=self, label="change dossier status")

    def issue_slip(self, code: str, form: str, reason: str, new_date: str) -> None:
        """An official slip (Mẫu 02-05) for the open dossier, then printed on the receipt
        printer."""
        if not self.clerk:
            self.dossier_view.action_failed(self.tr("Nhập họ tên cán bộ (ô Cán bộ ở góc trên) "
                                                    "trước khi cập nhật hồ sơ."))
            self.clerk_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        clerk = self.clerk
        self.lanes.desk.run(lambda desk: desk.issue_slip(code, form, reason, new_date, clerk),
                            done=self.on_slip_issued,
                            failed=lambda exc: self.on_slip_failed(code, form, exc),
                            owner=self, label="issue slip")

    def on_slip_issued(self, issued: tuple) -> None:
        slip, dossier = issued
        self.sync.wake()
        self.dossier_view.slip_done(dossier, slip.form, self.clock().date())
        self.paperwork.refresh(slip.code, select=slip.uid)
        self.lanes.printer.run(
            lambda printer: printer.print_slip(slip.uid),
            done=lambda _: self._print_state(slip.code, "ok", self.tr(
                "Đã lập và in phiếu Mẫu %1.").replace("%1", printed_number(slip.form))),
            failed=lambda exc: self.on_slip_print_failed(slip.code, slip.form, exc),
            owner=self, label="print slip")
        self.check_book()

    def on_slip_print_failed(self, code: str, form: str, exc: BaseException) -> None:
        message_vi, _ = receipt_failure(code, exc)
        text = self.tr("Phiếu Mẫu %1 đã lập nhưng chưa in được: %2").replace(
            "%1", printed_number(form)).replace("%2", message_vi)
        self._print_state(code, "failed", text)
        self.banner.show_message("error", text, code="print")

    def on_slip_failed(self, code: str, form: str, exc: BaseException) -> None:
        message_vi, message_en = wording(exc, self.tr("lập được phiếu"),
                                         f"issue form {form} for {code}", audience=CLERK)
        log.warning("form %s for dossier %s refused: %s", form, code, message_en)
        self.dossier_view.action_failed(message_vi)
        self.banner.show_message("error", message_vi, code="action")

    def on_acted(self, dossier: Dossier) -> None:
        self.sync.wake()
        self.dossier_view.action_done(dossier, self.clock().date())
        self.dossier_view.focus_code()
        self.check_book()

    def on_action_failed(self, code: str, to: int, exc: BaseException) -> None:
        from kiosk.dossiers.office import DossierConflict

        message_vi, message_en = wording(exc, self.tr("cập nhật được hồ sơ"),
                                         f"change dossier {code}", audience=CLERK)
        log.warning("status change of dossier %s to %s refused: %s", code, to, message_en)
        self.dossier_view.action_failed(message_vi)
        self.banner.show_message("error", message_vi, code="action")
        if isinstance(exc, DossierConflict):
            # Another counter changed it first: show the book's copy, which this PC now holds.
            self.lanes.desk.run(lambda desk: desk.get(code), done=self._show_book_copy,
                                owner=self, label="reload dossier after a conflict")
        self.check_book()

    def _show_book_copy(self, dossier: Dossier) -> None:
        self.dossier_view.show_dossier(dossier, self.clock().date())
        self.dossier_view.set_state("failed", self.tr("Hồ sơ đã được quầy khác cập nhật; "
                                                      "đây là trạng thái mới nhất."))

    # -- the office dossier book (a counter PC of a LAN office) ------------------------------

    def check_book(self, _result: Any = None) -> None:
        if self.book_mode and not self._closed:
            self.lanes.desk.run(lambda desk: desk.state(), done=self.on_book_state,
                                owner=self, label="dossier book state")

    def on_book_state(self, state: Any) -> None:
        online = self.hub_connected if self.hub_connected is not None \
            else state.online is not False
        self.status.set_book(online, state.pending, state.numbers)
        if not online and not self.book_offline_told:
            self.book_offline_told = True
            self.banner.show_message("warning", self.tr(
                "Mất kết nối máy chủ văn phòng: quầy vẫn tiếp nhận và cập nhật hồ sơ trên máy "
                "này; các thay đổi sẽ tự gửi lên sổ hồ sơ chung khi có kết nối lại."),
                code="book-offline")
        elif online:
            self.book_offline_told = False
            if self.banner.code == "book-offline":
                self.banner.clear()
        lost = tuple(x.id for x in state.lost)
        banner = self.banner
        if banner.needs_ack and banner.isVisible() and banner.code != "book-lost":
            return  # an ID card warning waits for the clerk: the lost changes come after it
        if lost and lost != self.book_lost_shown:
            self.book_lost_shown = lost
            codes = list(dict.fromkeys(x.code for x in state.lost))
            text = self.tr("%1 thay đổi làm khi mất kết nối không được ghi vào sổ hồ sơ chung. "
                           "%2").replace("%1", str(len(lost))).replace(
                               "%2", state.lost[0].message_vi)
            if len(codes) > 1:
                text += self.tr(" Các hồ sơ cần xem lại: %1.").replace("%1", ", ".join(codes))
            self.banner.show_message("warning", text, code="book-lost", needs_ack=True,
                                     ack_text=self.tr("Đã xem (Enter)"))
            shown = self.dossier_view.dossier
            if shown is not None and shown.code in codes:
                # The dossier on screen is now the book's copy: show that one.
                code = shown.code
                self.lanes.desk.run(lambda desk: desk.get(code), done=self._show_book_copy,
                                    owner=self, label="reload dossier after a refused change")

    # -- logbook ---------------------------------------------------------------------------

    def _load_logbook(self, start: date, end: date) -> None:
        tz = ZoneInfo(self.config.office.timezone)

        def read(desk: CounterDesk) -> list[LogbookRow]:
            from kiosk.archive.reading import EVERY_INDEX, archives_of

            # Archived years the range reaches are read with the live days (docs/archive.md).
            with archives_of(desk.db, start=start, end=end, tz=tz, deferred=EVERY_INDEX):
                return logbook_rows(desk, start, end)

        self.lanes.desk.run(read,
                            done=lambda rows: self.on_logbook_loaded(start, end, rows),
                            failed=self.on_logbook_failed, owner=self, label="read logbook")

    def on_logbook_loaded(self, start: date, end: date, rows: list[LogbookRow]) -> None:
        self.logbook_view.set_rows(start, end, rows)

    def on_logbook_failed(self, exc: BaseException) -> None:
        message_vi, message_en = wording(exc, self.tr("đọc được sổ theo dõi"), "read the logbook",
                                         audience=CLERK)
        log.warning("logbook not loaded: %s", message_en)
        self.logbook_view.set_state("failed", message_vi)

    def export_path(self, fmt: str, start: date, end: date) -> Path:
        return (self.paths.data_dir / "exports"
                / f"so-theo-doi-ho-so_{start:%Y%m%d}-{end:%Y%m%d}.{fmt}")

    def export_logbook(self, fmt: str) -> None:
        view = self.logbook_view
        rows, start, end = view.rows, view.start, view.end
        out = self.export_path(fmt, start, end)

        def export(desk: CounterDesk) -> Path:
            path = export_logbook(rows, fmt, out, unit_name=desk.settings.unit_name,
                                  start=start, end=end)
            log.info("logbook %s..%s exported as %s (%d rows)", start, end, fmt, len(rows))
            return path

        self.lanes.desk.run(export, done=self.on_exported, failed=self.on_export_failed,
                            owner=self, label="export logbook")

    def on_exported(self, path: Path) -> None:
        self.logbook_view.export_done(Path(path))

    def on_export_failed(self, exc: BaseException) -> None:
        message_vi, message_en = wording(exc, self.tr("xuất được sổ theo dõi"),
                                         "export the logbook", audience=CLERK)
        log.warning("logbook export failed: %s", message_en)
        self.logbook_view.set_state("failed", message_vi)

    # -- calling ---------------------------------------------------------------------------

    def queue_action(self, action: str, target: Any) -> None:
        """A calling button (or F3/F4/F12): the queue call runs on the queue lane. Calling
        the next number clears the form (the citizen leaves): asked first when it holds
        unsaved input."""
        if action == NEXT and self.form.saved is None and not self.saving \
                and self.form.has_work():
            if self.call_next_box is None:  # asked once, however often F3 is pressed
                self._select_page(INTAKE)
                self.call_next_box = ask_call_next(self, self._call_next_confirmed)
                self.call_next_box.finished.connect(self._call_next_answered)
            return
        self.calling.set_busy(True)
        self.queue.act(action, self.clerk, target)

    def _call_next_answered(self, _result: int) -> None:
        self.call_next_box = None

    def _call_next_confirmed(self) -> None:
        # The bar may have changed while the question was open (the hub lost, a call made).
        if not self._closed and self.calling.enabled(NEXT):
            self.calling.set_busy(True)
            self.queue.act(NEXT, self.clerk, None)

    def on_queue_restored(self, ticket: Any, services: list[Any]) -> None:
        self.calling.set_services(services)
        self.calling.show_ticket(ticket, self.clock())
        self._serving_changed()
        if ticket is not None:
            log.info("counter %d: restored ticket %s", self.counter_number, ticket.number)
            self.last_dossier_code = ticket.dossiers[-1] if ticket.dossiers else None

    def on_queue_done(self, action: str, ticket: Any) -> None:
        c = self.calling
        c.set_busy(False)
        finished = c.ticket
        try:
            self._queue_done(action, ticket, finished)
        finally:
            self._serving_changed()

    def _queue_done(self, action: str, ticket: Any, finished: Any) -> None:
        c = self.calling
        if action == NEXT:
            # The queue finished the citizen being served in the same step: ask for their
            # rating, and take their data off the screen before the next one sits down.
            if finished is not None and (ticket is None or ticket.id != finished.id):
                self._ask_rating(finished)
            self.last_dossier_code = None
            self.clear_previous_citizen()
            if ticket is None:
                c.show_ticket(None)
                c.show_message(self.tr("Không còn ai đang chờ."))
                return
            c.show_ticket(ticket, self.clock())
        elif action == RECALL:
            if ticket is not None:
                c.show_ticket(ticket, self.clock())
        elif action == FINISH:
            c.show_ticket(None)
            if finished is not None:
                self._ask_rating(finished)
            self.last_dossier_code = None
        else:  # skipped or transferred: the counter serves nobody now
            c.show_ticket(None)
            self.last_dossier_code = None
            if ticket is not None:
                c.show_message((self.tr("Số %1: vắng mặt.") if action == SKIP
                                else self.tr("Đã chuyển số %1.")).replace("%1", ticket.number))

    def _serving_changed(self) -> None:
        """The picker offers the served ticket's service first."""
        ticket = self.calling.ticket
        self.form.picker.set_context(ticket.current_service if ticket is not None else None)

    def clear_previous_citizen(self) -> None:
        """The next number was called: the intake form, the dossier on screen, a scanned
        card's warning all belonged to the citizen who just left (privacy)."""
        self.last_scan = None
        if self.saving:
            self.clear_after_save = True  # on_saved prints, then clears
        else:
            self.form.clear()
        if self.dossier_view.pending is None and not self.dossier_view.busy:
            self.dossier_view.clear()
        self.petitions.clear_previous_citizen()
        self.banner.needs_ack = False  # a card warning was about the previous citizen's card
        self.banner.clear()
        if self.page == INTAKE and not self.saving:
            self.form.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _ask_rating(self, ticket: Any) -> None:
        if self.rating_view is None:
            return
        self.rating_view.ask(ticket, self.last_dossier_code, self.counter_number, self.clerk)

    def on_queue_failed(self, action: str, message_vi: str, message_en: str) -> None:
        if action == "link":
            return  # kept in the outbox (remote) or logged; intake is not concerned
        self.calling.set_busy(False)
        if action == "start":
            self.calling.ready = True  # let the clerk retry by calling
            self.calling.update_buttons()
        self.calling.show_message(message_vi)

    def on_queue_event(self, event: Any) -> None:
        if event.waiting is not None:
            self.calling.set_waiting(event.waiting)

    def on_connection(self, state: Any) -> None:
        self.calling.set_connection(state)
        if self.book_mode and state.connected != self.hub_connected:
            self.hub_connected = state.connected
            self.check_book()
        if state.connected and state.resync:
            self.queue.refresh()

    # -- camera ----------------------------------------------------------------------------

    def toggle_camera(self) -> None:
        """F8: document camera on/off, with its preview window."""
        source = self.scanner_settings.camera
        if not source:
            self.banner.show_message("info", self.tr("Chưa cấu hình camera cho quầy này "
                                                     "([scanner] camera)."), code="camera")
            return
        if self.camera is not None:
            self.camera.stop()
            self.camera = None
            if self.camera_panel is not None:
                self.camera_panel.hide()
            self.status.set_camera("stopped")
            return
        try:
            from drivers.scanners.qt_adapters import QtCameraScanner
            from kiosk.scanning import check_read, repair_mojibake

            self.camera = QtCameraScanner(source, self, engine=self.scanner_settings.engine,
                                          check=check_read, repair=repair_mojibake)
        except Exception as exc:
            log.warning("camera %s cannot start: %s", source, exc)
            self.banner.show_message("error", self.tr("Không mở được camera: thiếu thư viện "
                                                      "hoặc cấu hình sai."), code="camera")
            self.status.set_camera("disconnected")
            return
        if self.camera_panel is None:
            self.camera_panel = CameraPanel(self)
            self.camera_panel.closed.connect(self._camera_panel_closed)
            self.camera_panel.setStyleSheet(style.COUNTER.stylesheet(self._scale or 1.0))
        self.camera.frame.connect(self.camera_panel.show_frame)
        self.camera.scanned.connect(self.handle_scan)
        self.camera.status_changed.connect(lambda status, _src: self.status.set_camera(status))
        self.camera_panel.show()
        self.camera.start()

    def _camera_panel_closed(self) -> None:
        if self.camera is not None:
            self.toggle_camera()


def build_counter_window(config: Config, paths: Paths, *, clerk: str = "",
                         start: bool = True, **kwargs: Any) -> CounterWindow:
    """The counter window with bundled fonts loaded, its threads started unless `start` is
    false (the event loop is not run)."""
    app = ensure_app()
    load_fonts(app)
    window = CounterWindow(config, paths, clerk=clerk, app=app, **kwargs)
    if start:
        window.start()
    return window


def _open_counter(app, config: Config, paths: Paths, *, clerk: str = "") -> Opened:
    window = build_counter_window(config, paths, clerk=clerk)
    return Opened(window, detail=f"station {config.station.id}, receipt printer "
                  f"{config.dossiers.receipt_printer or config.printer.uri}")


#: The counter window, maximised.
COUNTER = Station("counter window", open=_open_counter, size=WINDOW_SIZE, maximized=True)


def run_counter(config: Config, paths: Paths, *, clerk: str = "") -> int:
    """Open the counter window (maximised) and run until it is closed."""
    return run_station(COUNTER, config, paths, clerk=clerk)


__all__ = ["COUNTER", "CounterWindow", "build_counter_window", "run_counter", "ID_MISMATCH_ERRORS",
           "open_file"]
