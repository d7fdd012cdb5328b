"""The ticket screen window: what happens when a citizen taps, and when the printer fails.

States: start (service choice; a priority category tapped first puts the start view in
priority mode) -> confirmation -> start, or out-of-service while the printer keeps failing
(the dossier look-up and feedback stay open from there). Taps within a guard time after any
page change are ignored (kiosk/ui/tapguard.py): a double tap never reaches the next page.
The UI thread only shows things; issuing, printing and printer checks run on the desk and
printer lanes (workers.py), and QTimers bound every wait: the print watchdog, the
confirmation countdown, the idle reset and the printer re-check.

The window shows at once with the services it is given (this PC's catalog); as a hub client
the hub's list replaces them when the desk lane has read it (`on_services`). The run of
consecutive failed prints is saved in this station's database whenever it changes and read
back at start (`on_failures_loaded`), so a restart does not hide a broken printer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from kiosk.config import Config
from kiosk.paths import Paths
from kiosk.queue.catalog import Service
from kiosk.queue.priority import PriorityCategory
from kiosk.ticketing import PrintOutcome, Ticket
from kiosk.ui import style
from kiosk.ui.i18n import LanguageSwitcher
from kiosk.ui.selfservice import SelfService
from kiosk.ui.sync_status import SyncBridge, SyncIndicator
from kiosk.ui.tapguard import TapGuard
from kiosk.ui.theme import is_portrait
from kiosk.ui.views import (
    ConfirmPage,
    Header,
    OutOfServicePage,
    ServiceButton,
    StartPage,
    next_opening,
)
from kiosk.ui.workers import WARM_UP_AFTER_MS, QueueDesk, TicketLanes, issue_failure

log = logging.getLogger(__name__)

COUNTS_REFRESH_MS = 4_000
ISSUE_TIMEOUT_MS = 25_000  # longer than SQLite's busy timeout (15 s)
PRINT_WATCHDOG_MARGIN_S = 3.0
IDLE_RESET_MS = 60_000  # an abandoned priority choice or language is reset after this
ERROR_BANNER_MS = 10_000

READY_STATES = ("READY", "PAPER_LOW")


class TicketScreen(QWidget):
    """The kiosk window. `services` are the ones offered at first (a hub client's are replaced
    by the hub's list when it arrives); `failures` the consecutive failed prints so far, until
    the saved count arrives from the desk worker at start; `clock` gives the office's local
    time."""

    quit_requested = Signal()  # the technician shortcut; the station runner ends the loop
    failures_loaded = Signal(int)  # the saved run of failed prints has been read, at start

    def __init__(self, config: Config, paths: Paths, services: list[Service], *,
                 failures: int = 0, clock: Callable[[], datetime] | None = None,
                 app: QApplication | None = None):
        super().__init__()
        self.setObjectName("TicketScreen")
        self.setWindowTitle(config.office.name)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.config = config
        self.services = {s.code: s for s in services}
        tz = ZoneInfo(config.office.timezone)
        self.clock = clock or (lambda: datetime.now(tz))
        self._app = app or QApplication.instance()
        self.switcher = LanguageSwitcher(self._app)
        self.language = config.kiosk.language

        # -- state --
        self.priority: PriorityCategory | None = None
        self.busy = False  # a tap is being turned into a ticket: ignore further taps
        self.failures = failures
        self.out_of_service = False
        self._pending_prints: set[int] = set()
        self._counted_failures: set[int] = set()
        self._counts: dict[str, int] = dict.fromkeys(self.services, 0)
        self._scale = 0.0
        self._last_minute: tuple[int, int] | None = None
        self._closed = False

        # -- widgets --
        self.header = Header(config.office.name)
        self.header.language_chosen.connect(self.set_language)
        # The city sync runs inside the kiosk; its state sits small in the header for the
        # technician (hidden when no city server is configured).
        self.sync = SyncBridge(config, paths, self)
        self.header.row.insertWidget(1, SyncIndicator(self.sync, parent=self.header))
        self.start_page = StartPage(services)
        self.start_page.service_chosen.connect(self.choose_service)
        self.start_page.priority_chosen.connect(self.choose_priority)
        self.start_page.priority_cancelled.connect(self.cancel_priority)
        self.confirm_page = ConfirmPage()
        self.confirm_page.done.connect(self.back_to_start)
        self.confirm_page.reprint.connect(self.reprint)
        self.out_of_service_page = OutOfServicePage()
        self.out_of_service_page.lookup_requested.connect(lambda: self.show_selfservice(True))
        self.out_of_service_page.feedback_requested.connect(
            lambda: self.show_selfservice(False))
        # Dossier look-up and feedback (kiosk/ui/selfservice.py): pages, thread, scanners.
        self.selfservice = SelfService(config, paths, clock=self.clock, parent=self)
        self.selfservice.done.connect(self.back_to_start)
        self.selfservice.scanned.connect(self.on_scan)
        self.start_page.lookup_requested.connect(lambda: self.show_selfservice(True))
        self.start_page.feedback_requested.connect(lambda: self.show_selfservice(False))
        self.start_page.lookup_button.setVisible(self.selfservice.settings.lookup_enabled)
        self.start_page.feedback_button.setVisible(self.selfservice.settings.feedback_enabled)
        self.out_of_service_page.set_selfservice(self.selfservice.settings.lookup_enabled,
                                                 self.selfservice.settings.feedback_enabled)
        self.stack = QStackedWidget()
        for p in (self.start_page, self.confirm_page,
                  self.out_of_service_page, *self.selfservice.pages):
            self.stack.addWidget(p)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.header)
        box.addWidget(self.stack, 1)
        # A second tap of a double tap lands on whatever the next page shows there: ignored.
        self.tap_guard = TapGuard(self)
        self.tap_guard.watch(self.stack, self.start_page.priority_slot,
                             *self.selfservice.stacks)

        # -- timers --
        self.clock_timer = self._timer(1_000, self._tick)
        self.counts_timer = self._timer(COUNTS_REFRESH_MS, self.refresh_counts)
        self.countdown_timer = self._timer(1_000, self._countdown_tick)
        self.print_watchdog = self._timer(0, self._print_watchdog_fired, single=True)
        self.issue_watchdog = self._timer(ISSUE_TIMEOUT_MS, self._issue_timed_out, single=True)
        self.idle_timer = self._timer(IDLE_RESET_MS, self.reset_idle, single=True)
        self.recheck_timer = self._timer(config.kiosk.printer_recheck_s * 1000,
                                         self.check_printer)
        self.error_timer = self._timer(ERROR_BANNER_MS, self.start_page.hide_message,
                                       single=True)
        self._watched_ticket: int | None = None
        self._remaining = 0

        self.lanes = TicketLanes(config, paths)
        # A hub client asks the hub for its services until it has answered once.
        self._services_wanted = config.hub.role == "client"

        # Window context: the kiosk is the only window, and a closed one must not compete.
        self.quit_shortcut = QShortcut(QKeySequence("Ctrl+Shift+Q"), self)
        self.quit_shortcut.activated.connect(self.quit_kiosk)
        self._app.installEventFilter(self)

        self.header.set_language(self.language)
        self.switcher.set_language(self.language)
        self._apply_geometry(1366, 768)
        self.retranslate()
        self._tick()
        threshold = config.kiosk.out_of_service_after
        if threshold and self.failures >= threshold:
            self._enter_out_of_service()
        else:
            self.stack.setCurrentWidget(self.start_page)

    def _timer(self, interval_ms: int, slot, *, single: bool = False) -> QTimer:
        timer = QTimer(self)
        timer.setInterval(interval_ms)
        timer.setSingleShot(single)
        timer.timeout.connect(slot)
        return timer

    def start(self) -> None:
        """Start the lanes and the periodic timers (call once, before showing)."""
        self.lanes.start()
        # The desk lane answers in this order: the saved failures (SQLite, quick), the hub's
        # services (a hub client: network), then the waiting counts.
        self.lanes.desk.run(lambda open_desk: open_desk.desk.print_failure_count(),
                            done=self.on_failures_loaded, failed=self._failures_unreadable,
                            owner=self, label="read the run of failed prints")
        self.fetch_services()
        self.selfservice.start()
        self.sync.start()
        self.clock_timer.start()
        self.counts_timer.start()
        self.refresh_counts()
        if self.out_of_service:
            self.recheck_timer.start()
        # After the first frames, not during them: the warm-up takes the GIL for a while.
        QTimer.singleShot(WARM_UP_AFTER_MS, self, self._warm_up)

    def _warm_up(self) -> None:
        if not self._closed:
            self.lanes.printer.run(lambda printer: printer.warm_up(), label="warm up")

    def _failures_unreadable(self, exc: BaseException) -> None:
        log.error("cannot read the saved count of failed prints (%s); starting from 0",
                  getattr(exc, "message_en", None) or exc.__class__.__name__)
        self.on_failures_loaded(0)

    # -- language ---------------------------------------------------------------------------

    def set_language(self, language: str) -> None:
        self.language = language
        self.header.set_language(language)
        self.switcher.set_language(language)  # Qt sends LanguageChange to every widget
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        lang = self.language
        self.start_page.retranslate(lang)
        self.start_page.show_priority(self.priority, lang)
        self.confirm_page.retranslate(lang)
        self.out_of_service_page.retranslate()
        self.selfservice.retranslate(lang)
        self.header.show_time(self.clock())
        self._refresh_service_buttons()

    # -- start view ---------------------------------------------------------------------------

    def _refresh_service_buttons(self) -> None:
        now = self.clock()
        enforce = self.config.kiosk.enforce_opening_hours
        any_open = False
        for code, button in self.start_page.service_buttons.items():
            service = self.services[code]
            is_open = not enforce or service.hours.is_open(now)
            any_open = any_open or is_open
            button.show_state(self.language, self._counts.get(code, 0), is_open,
                              None if is_open else next_opening(service.hours, now))
            # A closed service answers a tap with its opening time (choose_service).
            button.setEnabled(not self.busy)
        # Nothing to take a number for: a priority choice would lead nowhere.
        self.start_page.set_priority_enabled(any_open and not self.busy)
        self.start_page.lookup_button.setEnabled(not self.busy)
        self.start_page.feedback_button.setEnabled(not self.busy)

    def _tick(self) -> None:
        now = self.clock()
        self.header.show_time(now)
        minute = (now.hour, now.minute)
        if minute != self._last_minute:
            self._last_minute = minute
            self._refresh_service_buttons()

    def refresh_counts(self) -> None:
        # One read at a time: a slow database or hub never piles requests up.
        self.lanes.desk.run(lambda open_desk: open_desk.desk.waiting_counts(),
                            done=self.on_counts, failed=self._counts_failed, owner=self,
                            label="waiting counts", coalesce="counts")

    def on_counts(self, counts: dict) -> None:
        self._counts.update(counts)
        self._refresh_service_buttons()
        if self._services_wanted:  # the hub answers again: its list of services too
            self.fetch_services()

    def _counts_failed(self, exc: BaseException) -> None:
        # The hub is down (logged by the queue) or the database busy: the counts shown stay.
        log.info("could not read waiting counts: %s",
                 getattr(exc, "message_en", None) or exc.__class__.__name__)

    def fetch_services(self) -> None:
        """As a hub client: the hub's services (`on_services` once read). The hub down: this
        PC's catalog stays, and the next good count asks again."""
        if not self._services_wanted:
            return
        self.lanes.desk.run(_hub_services, done=self._hub_services_read,
                            failed=self._hub_services_failed, owner=self,
                            label="the hub's services", coalesce="services")

    def _hub_services_read(self, services: list[Service] | None) -> None:
        if not self._services_wanted:
            return
        self._services_wanted = False
        if services is not None:
            self.on_services(services)

    def _hub_services_failed(self, exc: BaseException) -> None:
        log.warning("cannot read the hub's services (%s); showing the local catalog",
                    getattr(exc, "message_en", None) or exc.__class__.__name__)

    def on_services(self, services: list[Service]) -> None:
        """The hub's list of the services offered here: the buttons are rebuilt if it differs
        from what is shown."""
        if _service_key(services) == _service_key(self.services.values()):
            return
        log.info("services from the hub: %s (shown until now: %s)",
                 ", ".join(s.code for s in services), ", ".join(self.services))
        self.services = {s.code: s for s in services}
        self._counts = {code: self._counts.get(code, 0) for code in self.services}
        page = self.start_page
        for button in page.service_buttons.values():
            page.grid.removeWidget(button)
            button.hide()
            button.deleteLater()
        page.service_buttons = {}
        for service in services:
            button = ServiceButton(service)
            button.clicked.connect(lambda _=False, c=service.code: page.service_chosen.emit(c))
            page.service_buttons[service.code] = button
        portrait = bool(page.portrait)
        page.portrait = None  # lay the new buttons out again
        page.set_orientation(portrait)
        for button in page.service_buttons.values():
            button.show()  # now, not on the layout's queued call
        self._refresh_service_buttons()

    def show_selfservice(self, lookup: bool) -> None:
        """Open "Tra cứu hồ sơ" (lookup) or "Phản ánh, kiến nghị"; the idle timeout brings
        the start view back."""
        if self.busy or self.stack.currentWidget() not in (self.start_page,
                                                           self.out_of_service_page):
            return
        self.cancel_priority()
        if lookup:
            self.selfservice.open_lookup()
        else:
            self.selfservice.open_feedback()
        self.stack.setCurrentWidget(self.selfservice.pages[0 if lookup else 1])
        self.idle_timer.start()

    def on_scan(self, text: str) -> None:
        """A scanner read a code: the look-up takes it when open, and a receipt's code held to
        the scanner on the start view opens the look-up. Other views ignore scans."""
        lookup = self.selfservice.lookup_page
        if self.stack.currentWidget() in (self.start_page, self.out_of_service_page) \
                and not self.busy \
                and self.selfservice.settings.lookup_enabled \
                and self.selfservice.is_dossier_scan(text):
            self.show_selfservice(True)
        if self.stack.currentWidget() is lookup:
            self.idle_timer.start()
            lookup.handle_scan(text)

    def choose_priority(self, category: PriorityCategory) -> None:
        """A priority category tapped on the start view: the next service tapped gives a
        priority ticket."""
        if self.busy or self.out_of_service or self.stack.currentWidget() is not self.start_page:
            return
        self.priority = category
        self.start_page.show_priority(category, self.language)
        self.idle_timer.start()

    def cancel_priority(self) -> None:
        self.priority = None
        self.start_page.show_priority(None, self.language)

    def choose_service(self, code: str) -> None:
        if self.busy or self.out_of_service or self.stack.currentWidget() is not self.start_page:
            return  # a double tap, or a tap that raced a view change
        service = self.services.get(code)
        if service is not None and self.config.kiosk.enforce_opening_hours \
                and not service.hours.is_open(self.clock()):
            self._show_closed(service)
            return
        self.busy = True
        for button in self.start_page.service_buttons.values():
            button.setEnabled(False)
        self.start_page.set_priority_enabled(False)
        self.issue_watchdog.start()
        priority = self.priority
        language = self.language  # the ticket prints in the language of the tap
        self.lanes.desk.run(lambda open_desk: open_desk.desk.issue(code, priority),
                            done=self.on_issued, failed=self._issue_failed,
                            then=lambda ticket: self._print_issued(ticket, language),
                            owner=self, label="issue a ticket")

    def _print_issued(self, ticket: Ticket, language: str = "vi") -> None:
        """On the desk lane, once the ticket is on its way to the screen: straight to the
        printer lane (a detour through the UI thread cost a scheduling delay on a busy PC),
        then the waiting counts, which have just changed."""
        self._print(ticket, language)
        self.refresh_counts()

    def _print(self, ticket: Ticket, language: str = "vi") -> None:
        self.lanes.printer.run(lambda printer: printer.print_ticket(ticket, language),
                               done=self.on_printed, then=self._prepare_next, owner=self,
                               label="print a ticket")

    def _prepare_next(self, outcome: PrintOutcome | None) -> None:
        """On the printer lane, once the outcome is on its way: the next ticket drawn ahead."""
        self.lanes.printer.resource().prepare_next(outcome)

    def _issue_failed(self, exc: BaseException) -> None:
        vi, en = issue_failure(exc)
        log.warning("could not issue a ticket: %s", en)
        self.on_issue_failed(vi, en)

    def on_issued(self, ticket: Ticket) -> None:
        self.issue_watchdog.stop()
        # The printer lane has the ticket already (the desk lane hands every issued ticket
        # straight to it) and prints while this view is built; its outcome is handled after
        # this method returns.
        self._start_print(ticket.id)
        self.sync.wake()
        self.busy = False
        self.priority = None
        self.start_page.show_priority(None, self.language)
        self.idle_timer.stop()
        self.confirm_page.show_ticket(ticket, self.services.get(ticket.service_code)
                                      or self._service_stub(ticket))
        self.stack.setCurrentWidget(self.confirm_page)
        self._remaining = self.config.kiosk.confirm_timeout_s
        self.confirm_page.set_remaining(self._remaining)
        self.countdown_timer.start()

    def _service_stub(self, ticket: Ticket) -> Service:
        # A service not offered here any more (catalog changed): show its code.
        from kiosk.queue.catalog import OpeningHours

        return Service(ticket.service_code, ticket.number[:1], ticket.service_code,
                       ticket.service_code, "", OpeningHours(((),) * 7), ())

    def on_issue_failed(self, message_vi: str, message_en: str) -> None:
        self.issue_watchdog.stop()
        self.busy = False
        # The English of a failure is the technician's (kiosk/failures.py): an English screen
        # tells the citizen what to do.
        self._show_error(message_vi if self.language != "en" else self.tr(
            "Không cấp được số thứ tự. Vui lòng thử lại hoặc liên hệ cán bộ tại quầy."))
        self._refresh_service_buttons()

    def _issue_timed_out(self) -> None:
        log.error("no answer from the ticket desk within %d ms", ISSUE_TIMEOUT_MS)
        self.on_issue_failed(
            "Không cấp được số thứ tự. Vui lòng thử lại hoặc liên hệ cán bộ tại quầy.",
            "Could not issue a number. Please try again or ask the staff at the counter.")

    def _show_closed(self, service: Service) -> None:
        """A closed service tapped: when it opens again."""
        name = service.name(self.language)
        opens = next_opening(service.hours, self.clock())
        if opens is None:
            text = self.tr("{name}: không tiếp nhận tại máy này.").format(name=name)
        else:
            when = f"{opens.hour}:{opens.minute:02d}"
            if opens.date() != self.clock().date():
                days = (self.tr("Thứ Hai"), self.tr("Thứ Ba"), self.tr("Thứ Tư"),
                        self.tr("Thứ Năm"), self.tr("Thứ Sáu"), self.tr("Thứ Bảy"),
                        self.tr("Chủ Nhật"))
                when += f" {days[opens.weekday()]} {opens:%d/%m}"
            text = self.tr("{name}: ngoài giờ tiếp nhận. Mời quay lại lúc {when}.").format(
                name=name, when=when)
        self._show_error(text)

    def _show_error(self, text: str) -> None:
        self.start_page.show_message(text)
        self.error_timer.start()

    # -- printing -----------------------------------------------------------------------------

    def _start_print(self, ticket_id: int) -> None:
        self._pending_prints.add(ticket_id)
        self._watched_ticket = ticket_id
        margin = PRINT_WATCHDOG_MARGIN_S
        self.print_watchdog.start(int((self.config.printer.timeout_s + margin) * 1000))

    def on_printed(self, outcome: PrintOutcome | None) -> None:
        if outcome is None:  # a reprint whose ticket could not be reloaded: the watchdog says
            return
        ticket_id = outcome.ticket.id
        self._pending_prints.discard(ticket_id)
        if self._watched_ticket == ticket_id:
            self.print_watchdog.stop()
            self._watched_ticket = None
        if outcome.ok:
            self._set_failures(0)
            self._counted_failures.clear()
            if self.out_of_service:
                self._leave_out_of_service("a ticket printed")
        else:
            self._count_failure(ticket_id)
        current = self.confirm_page.ticket
        if current is not None and current.id == ticket_id \
                and self.stack.currentWidget() is self.confirm_page:
            if outcome.ok:
                self.confirm_page.set_print_state(ConfirmPage.PRINTED)
            else:
                self.confirm_page.set_print_state(ConfirmPage.FAILED, outcome.message_vi,
                                                  outcome.message_en)
                self._restart_countdown()

    def _count_failure(self, ticket_id: int) -> None:
        if ticket_id in self._counted_failures:
            return
        self._counted_failures.add(ticket_id)
        self._set_failures(self.failures + 1)
        threshold = self.config.kiosk.out_of_service_after
        if threshold and self.failures >= threshold and not self.out_of_service:
            log.warning("%d consecutive failed prints: out of service", self.failures)
            self._enter_out_of_service()

    def _set_failures(self, count: int) -> None:
        """Change the run of failed prints and save it (on the desk lane) for a restart."""
        if count != self.failures:
            self.failures = count
            self.lanes.desk.run(lambda open_desk: open_desk.desk.save_print_failure_count(count),
                                label="save the run of failed prints")

    def on_failures_loaded(self, count: int) -> None:
        """The run of failed prints saved before the last stop (asked for at start, answered
        before any print of this run)."""
        self.failures = count
        threshold = self.config.kiosk.out_of_service_after
        if threshold and count >= threshold and not self.out_of_service:
            log.warning("%d consecutive failed prints before the restart: out of service",
                        count)
            self._enter_out_of_service()
        self.failures_loaded.emit(count)

    def _print_watchdog_fired(self) -> None:
        ticket_id = self._watched_ticket
        self._watched_ticket = None
        if ticket_id is None or ticket_id not in self._pending_prints:
            return
        log.warning("printer gave no answer for ticket id %s within the watchdog", ticket_id)
        self._count_failure(ticket_id)
        current = self.confirm_page.ticket
        if current is not None and current.id == ticket_id:
            # The worker still holds the job; reprint waits until it gives up.
            self.confirm_page.set_print_state(
                ConfirmPage.FAILED, "Máy in không phản hồi.", "The printer is not responding.",
                can_reprint=False)
            self._restart_countdown()

    def reprint(self) -> None:
        ticket = self.confirm_page.ticket
        if ticket is None or ticket.id in self._pending_prints:
            return  # nothing shown, or the printer still holds this ticket's job
        self.confirm_page.set_print_state(ConfirmPage.PRINTING)
        self._restart_countdown()
        self._counted_failures.discard(ticket.id)
        self._start_print(ticket.id)
        ticket_id = ticket.id
        language = self.language
        self.lanes.printer.run(lambda printer: printer.reprint(ticket_id, language),
                               done=self.on_printed,
                               then=self._prepare_next, owner=self, label="reprint a ticket")

    # -- confirmation countdown ---------------------------------------------------------------

    def _restart_countdown(self) -> None:
        self._remaining = self.config.kiosk.confirm_timeout_s
        self.confirm_page.set_remaining(self._remaining)
        if self.stack.currentWidget() is self.confirm_page:
            self.countdown_timer.start()

    def _countdown_tick(self) -> None:
        self._remaining -= 1
        ticket = self.confirm_page.ticket
        if self._remaining <= 0 and ticket is not None and ticket.id in self._pending_prints \
                and self.confirm_page.state == ConfirmPage.PRINTING:
            # Still printing: keep the number on screen until the outcome or the watchdog.
            self._remaining = 0
        self.confirm_page.set_remaining(self._remaining)
        if self._remaining <= 0 and self.confirm_page.state != ConfirmPage.PRINTING:
            self.back_to_start()

    def back_to_start(self) -> None:
        self.countdown_timer.stop()
        self.selfservice.reset()
        self.priority = None
        self.start_page.show_priority(None, self.language)
        if self.language != self.config.kiosk.language:
            self.set_language(self.config.kiosk.language)
        if self.out_of_service:
            self.stack.setCurrentWidget(self.out_of_service_page)
        else:
            self.stack.setCurrentWidget(self.start_page)
            self._refresh_service_buttons()
            self.refresh_counts()

    # -- out of service -----------------------------------------------------------------------

    def _enter_out_of_service(self) -> None:
        self.out_of_service = True
        self.priority = None
        self.start_page.show_priority(None, self.language)
        if self.stack.currentWidget() is not self.confirm_page:
            self.stack.setCurrentWidget(self.out_of_service_page)
        if self.clock_timer.isActive():
            self.recheck_timer.start()

    def check_printer(self) -> None:
        self.lanes.printer.run(lambda printer: printer.status_name(),
                               done=self.on_printer_status, owner=self,
                               label="printer status", coalesce="status")

    def on_printer_status(self, status: str) -> None:
        if not self.out_of_service:
            return
        threshold = self.config.kiosk.out_of_service_after
        if status in READY_STATES:
            self._set_failures(0)
        elif status == "UNKNOWN":
            # The connection cannot tell (file, spooler): try again; one more failure stops.
            self._set_failures(max(0, threshold - 1))
        else:
            log.info("printer still not ready (%s)", status)
            return
        self._leave_out_of_service(f"printer status {status}")

    def _leave_out_of_service(self, why: str) -> None:
        log.warning("back in service: %s", why)
        self._counted_failures.clear()
        self.out_of_service = False
        self.recheck_timer.stop()
        if self.stack.currentWidget() is self.out_of_service_page:
            self.stack.setCurrentWidget(self.start_page)
            self._refresh_service_buttons()
            self.refresh_counts()

    # -- idle, geometry, shutdown -------------------------------------------------------------

    def reset_idle(self) -> None:
        """Nobody touched the screen for a while: drop a half-made choice."""
        if self.stack.currentWidget() in self.selfservice.pages:
            self.back_to_start()
        if self.stack.currentWidget() is self.start_page:
            self.cancel_priority()
            if self.language != self.config.kiosk.language:
                self.set_language(self.config.kiosk.language)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            self.idle_timer.start()
        return False

    def resizeEvent(self, event) -> None:  # noqa: N802
        size = event.size()
        self._apply_geometry(size.width(), size.height())
        super().resizeEvent(event)

    def _apply_geometry(self, width: int, height: int) -> None:
        portrait = is_portrait(width, height)
        self.start_page.set_orientation(portrait)
        self.confirm_page.set_orientation(portrait)
        self.selfservice.set_orientation(portrait)
        scale = style.TICKET_SCREEN.scale_for(width, height)
        if abs(scale - self._scale) > 0.01:
            self._scale = scale
            self.setStyleSheet(style.TICKET_SCREEN.stylesheet(scale))

    def quit_kiosk(self) -> None:
        log.info("technician shortcut: quitting the kiosk")
        self.close()
        self.quit_requested.emit()

    def closeEvent(self, event) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.quit_shortcut.setEnabled(False)
        for timer in self.findChildren(QTimer):
            timer.stop()
        self._app.removeEventFilter(self)
        self.tap_guard.stop()
        self.selfservice.shutdown()
        self.lanes.stop()
        self.sync.stop()
        self.switcher.close()


def _hub_services(open_desk) -> list[Service] | None:
    """The hub's list of this kiosk's services (None: this desk is not a hub client's)."""
    desk = open_desk.desk
    return desk.hub_services() if isinstance(desk, QueueDesk) else None


def _service_key(services) -> list[tuple]:
    """What the start view shows of a list of services (to tell whether it changed)."""
    return [(s.code, s.prefix, s.name_vi, s.name_en, s.hours) for s in services]
