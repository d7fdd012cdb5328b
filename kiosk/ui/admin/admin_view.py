"""The admin view, behind the PIN: reprint, device tests, sync status and set-aside records,
the doctor's checks and a support bundle, the log tail, the configuration, exit to desktop.

Everything slow (printing, network checks) runs on worker threads; database reads and writes
run on the view's "admin-database" lane (kiosk/ui/operations.py), which keeps its own
connection while the view is open: the UI thread never waits for SQLite. The view closes itself
after five minutes without a touch or a key: a technician called away must not leave it open
to the next citizen.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk import __version__
from kiosk import config as config_mod
from kiosk.admin.settings import pin_gate, save_pin_hash, station_role, stored_pin_hash
from kiosk.admin.setup import ROLE_LABELS_VI, owner_only
from kiosk.config import Config, ConfigError
from kiosk.diagnostics.redact import redact_text
from kiosk.failures import wording
from kiosk.paths import Paths
from kiosk.ui.admin.config_editor import ConfigEditor
from kiosk.ui.admin.device_panels import CameraTestPanel, PrinterTestPanel, ScanTestPanel
from kiosk.ui.admin.doctor_vi import check_name_vi, status_vi
from kiosk.ui.admin.style import TECHNICIAN
from kiosk.ui.admin.tasks import run_task
from kiosk.ui.i18n import N_, tr_marked, translate
from kiosk.ui.operations import Lane
from kiosk.ui.widgets import set_tone, status_label

log = logging.getLogger(__name__)

#: The city sync's record types (sync/protocol.py RECORD_TYPES) as the refused-records table
#: names them; a type not here shows its protocol name.
RECORD_TYPES_VI = {
    "ticket": N_("Số thứ tự"),
    "queue_event": N_("Sự kiện hàng đợi"),
    "dossier": N_("Hồ sơ"),
    "dossier_status": N_("Trạng thái hồ sơ"),
    "rating": N_("Đánh giá"),
    "feedback": N_("Phản ánh"),
}


def record_type_vi(record_type: str) -> str:
    name = RECORD_TYPES_VI.get(record_type)
    return tr_marked(name) if name else record_type


IDLE_CLOSE_MS = 5 * 60_000
LOG_TAIL_LINES = 400
RECENT_ROWS = 30


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(46)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def _compact_button(text: str) -> QPushButton:
    from PySide6.QtWidgets import QSizePolicy

    button = QPushButton(text)
    button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return button


def _fill(table: QTableWidget, rows: list[list[str]], keys: list[object] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c == 0 and keys is not None:
                item.setData(Qt.ItemDataRole.UserRole, keys[r])
            table.setItem(r, c, item)


def _selected_keys(table: QTableWidget) -> list[object]:
    rows = sorted({i.row() for i in table.selectedIndexes()})
    return [table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows]


def _local_time(text: str | None, tz: str = "Asia/Ho_Chi_Minh") -> str:
    """An ISO timestamp as the office's local "HH:MM dd/mm/yyyy" (records store UTC or local
    times with their offset; people read office time)."""
    if not text:
        return ""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        from zoneinfo import ZoneInfo

        moment = moment.astimezone(ZoneInfo(tz))
    return moment.strftime("%H:%M %d/%m/%Y")


@lru_cache(maxsize=1)
def _service_names() -> dict[str, str]:
    from kiosk.queue.catalog import load_catalog

    try:
        return {s.code: s.name_vi for s in load_catalog()}
    except Exception:  # noqa: BLE001 - names are a nicety; codes still show
        return {}


def _open_database(config: Config, paths: Paths):
    from kiosk.station import open_database

    return open_database(config, paths)


def _recent_records(db) -> tuple[list, list]:
    """The latest tickets and dossier receipts (on the database lane)."""
    rows = db.execute("SELECT id, number, service_code, issued_at, print_status "
                      "FROM tickets ORDER BY id DESC LIMIT ?", (RECENT_ROWS,)).fetchall()
    has_dossiers = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                              "name = 'dossiers'").fetchone()
    drows = db.execute("SELECT code, procedure_name, received_at FROM dossiers "
                       "ORDER BY id DESC LIMIT ?", (RECENT_ROWS,)).fetchall() \
        if has_dossiers else []
    _service_names()  # the catalog file, read here rather than on the UI thread
    return [tuple(r) for r in rows], [tuple(r) for r in drows]


def _database_problem(exc: BaseException) -> str:
    message_vi = getattr(exc, "message_vi", None)
    return translate("admin_view", "Không mở được cơ sở dữ liệu: {value}").format(
            value=message_vi or exc)


# -- tabs -------------------------------------------------------------------------------------

class ReprintTab(QWidget):
    """The latest tickets and dossier receipts, to print again."""

    def __init__(self, view: AdminView) -> None:
        super().__init__()
        self.view = view
        self.tickets = _table([self.tr("Số"), self.tr("Dịch vụ"), self.tr("Lấy lúc"), "In"])
        self.tickets.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tickets.horizontalHeader().setStretchLastSection(False)
        self.dossiers = _table([self.tr("Mã hồ sơ"), self.tr("Thủ tục"), self.tr("Nhận lúc")])
        self.dossiers.horizontalHeader().setSectionResizeMode(1,
                                                              QHeaderView.ResizeMode.Stretch)
        self.dossiers.horizontalHeader().setStretchLastSection(False)
        self.ticket_button = QPushButton(self.tr("In lại số đã chọn"))
        self.ticket_button.clicked.connect(self.reprint_ticket)
        self.receipt_button = QPushButton(self.tr("In lại biên nhận đã chọn"))
        self.receipt_button.clicked.connect(self.reprint_receipt)
        refresh = _compact_button(self.tr("Làm mới"))
        refresh.clicked.connect(self.refresh)
        self.result = status_label()
        left = QGroupBox(self.tr("Số thứ tự gần đây"))
        lbox = QVBoxLayout(left)
        lbox.addWidget(self.tickets, 1)
        lbox.addWidget(self.ticket_button)
        right = QGroupBox(self.tr("Biên nhận hồ sơ gần đây"))
        rbox = QVBoxLayout(right)
        rbox.addWidget(self.dossiers, 1)
        rbox.addWidget(self.receipt_button)
        row = QHBoxLayout()
        row.addWidget(left, 1)
        row.addWidget(right, 1)
        box = QVBoxLayout(self)
        box.addLayout(row, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.result, 1)
        bottom.addWidget(refresh)
        box.addLayout(bottom)
        self.refresh()

    def refresh(self) -> None:
        """Read the latest tickets and receipts on the database lane, then fill the lists."""
        self.view.database.run(_recent_records, self._show, self._unreadable, owner=self,
                               label="read recent tickets", coalesce="reprint-refresh")

    def _show(self, recent: tuple[list, list]) -> None:
        rows, drows = recent
        names = _service_names()
        status_vi = {"printed": self.tr("đã in"), "print_failed": self.tr("in lỗi"),
                     "pending": self.tr("đang in")}
        tz = self.view.config.office.timezone
        _fill(self.tickets, [[r[1], names.get(r[2], r[2]), _local_time(r[3], tz),
                              status_vi.get(r[4], r[4])] for r in rows],
              [r[0] for r in rows])
        _fill(self.dossiers, [[r[0], r[1], _local_time(r[2], tz)] for r in drows],
              [r[0] for r in drows])

    def _unreadable(self, exc: BaseException) -> None:
        # Shown, and the doctor tab says more.
        set_tone(self.result, "error", _database_problem(exc))

    def _busy(self, busy: bool) -> None:
        self.ticket_button.setEnabled(not busy)
        self.receipt_button.setEnabled(not busy)

    def reprint_ticket(self) -> None:
        ids = _selected_keys(self.tickets)
        if not ids:
            set_tone(self.result, "warn", self.tr("Chọn một số thứ tự trong bảng bên trái."))
            return
        config, paths = self.view.config, self.view.paths

        def work() -> tuple[bool, str]:
            from kiosk.station import open_configured_printer, open_database
            from kiosk.ticketing import TicketDesk

            db = open_database(config, paths)
            try:
                desk = TicketDesk(db, config)
                ticket = desk.get(int(ids[0]))  # type: ignore[arg-type]
                outcome = desk.print_ticket(ticket, open_configured_printer(config, paths))
            finally:
                db.conn.close()
            if outcome.ok:
                return True, self.tr("Đã in lại số {number}.").format(number=ticket.number)
            return False, self.tr("Không in được số {number}: {message_vi}").format(
                    number=ticket.number,
                    message_vi=outcome.message_vi)

        self._run(work)

    def reprint_receipt(self) -> None:
        codes = _selected_keys(self.dossiers)
        if not codes:
            set_tone(self.result, "warn", self.tr("Chọn một hồ sơ trong bảng bên phải."))
            return
        config, paths = self.view.config, self.view.paths

        def work() -> tuple[bool, str]:
            from kiosk.dossiers import DossierDesk
            from kiosk.station import open_database, open_receipt_printer

            printer = open_receipt_printer(config, paths)
            db = open_database(config, paths)
            try:
                DossierDesk(db, config).print_receipt(str(codes[0]), printer, copies=1)
            finally:
                db.conn.close()
            return True, self.tr("Đã in lại biên nhận hồ sơ {value}.").format(value=codes[0])

        self._run(work)

    def _run(self, work: Callable[[], tuple[bool, str]]) -> None:
        self._busy(True)
        set_tone(self.result, "busy", self.tr("Đang in…"))

        def done(result: tuple[bool, str]) -> None:
            self._busy(False)
            set_tone(self.result, "ok" if result[0] else "error", result[1])
            self.refresh()

        def failed(exc: BaseException) -> None:
            self._busy(False)
            set_tone(self.result, "error", self.tr("Không in được: ")
                     + (getattr(exc, "message_vi", "") or f"{type(exc).__name__}: {exc}"))

        run_task(self, work, done, failed, name="admin-reprint")


class DevicesTab(QWidget):
    def __init__(self, view: AdminView) -> None:
        super().__init__()
        self.view = view
        config = view.config
        printer = QGroupBox(self.tr("Máy in"))
        pbox = QVBoxLayout(printer)
        pbox.addWidget(QLabel(self.tr("Đang dùng: {uri} (khổ {width} mm)").format(
                uri=config.printer.uri,
                width=config.printer.width)))
        self.printer_panel = PrinterTestPanel(lambda: self.view.config, view.paths,
                                              lambda: (self.view.config.printer.uri,
                                                       self.view.config.printer.width))
        pbox.addWidget(self.printer_panel)
        scanner = QGroupBox(self.tr("Máy quét"))
        sbox = QVBoxLayout(scanner)
        s = config.scanner
        where = s.serial_port or ", ".join(f"USB {u}" for u in s.usb_ids) or \
            self.tr("không cấu hình cổng COM (máy quét kiểu bàn phím)")
        sbox.addWidget(QLabel(self.tr("Cổng: {where}").format(where=where)))
        self.scan_panel = ScanTestPanel(lambda: (self.view.config.scanner.serial_port,
                                                 tuple(self.view.config.scanner.usb_ids),
                                                 self.view.config.scanner.baudrate))
        sbox.addWidget(self.scan_panel)
        camera = QGroupBox(self.tr("Camera"))
        cbox = QVBoxLayout(camera)
        self.camera_panel: CameraTestPanel | None = None
        left = QVBoxLayout()
        left.addWidget(printer)
        left.addWidget(scanner)
        box = QHBoxLayout(self)
        box.addLayout(left, 3)
        if config.scanner.camera:
            self.camera_panel = CameraTestPanel(config.scanner.camera, config.scanner.engine)
            cbox.addWidget(self.camera_panel, 1)
            box.addWidget(camera, 2)
        else:
            note = QLabel(self.tr("Chưa cấu hình camera ([scanner] camera trong tab Cấu hình)."))
            note.setProperty("role", "hint")
            cbox.addWidget(note)
            left.addWidget(camera)
        left.addStretch(1)


class SyncTab(QWidget):
    def __init__(self, view: AdminView) -> None:
        super().__init__()
        self.view = view
        self.headline = QLabel()
        self.headline.setObjectName("PageTitle")
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # The sync's last error in its own (English, technician's) words, labelled as the
        # doctor's details are, below the Vietnamese lines.
        self.error_detail = QLabel()
        self.error_detail.setObjectName("SyncErrorDetail")
        self.error_detail.setProperty("role", "doc")
        self.error_detail.setWordWrap(True)
        self.error_detail.setTextFormat(Qt.TextFormat.PlainText)
        self.error_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_detail.hide()
        self.table = _table([self.tr("Mã bản ghi"), self.tr("Loại"), self.tr("Tạo lúc"),
                             self.tr("Bị từ chối lúc"), self.tr("Lý do")])
        self.result = status_label()
        refresh = _compact_button(self.tr("Làm mới"))
        refresh.clicked.connect(self.refresh)
        self.requeue_selected = _compact_button(self.tr("Gửi lại mục đã chọn"))
        self.requeue_selected.clicked.connect(lambda: self.requeue(False))
        self.requeue_all = _compact_button(self.tr("Gửi lại tất cả"))
        self.requeue_all.clicked.connect(lambda: self.requeue(True))
        # "Gửi ngay" runs a sync worker while this tab lives, with a progress bar for a long
        # backlog (e.g. after days offline). The server deduplicates, so a station worker
        # running at the same time does no harm.
        from kiosk.ui.sync_status import SyncBridge, SyncPanel

        self.bridge = SyncBridge(view.config, view.paths, self)
        self.panel = SyncPanel(self.bridge, self)
        self.panel.setVisible(False)
        self.push_now = _compact_button(self.tr("Gửi ngay"))
        self.push_now.setEnabled(self.bridge.enabled)
        self.push_now.clicked.connect(self.start_push)
        self.bridge.changed.connect(lambda _status: self.refresh())
        buttons = QHBoxLayout()
        buttons.addWidget(self.result, 1)
        buttons.addWidget(refresh)
        buttons.addWidget(self.push_now)
        buttons.addWidget(self.requeue_selected)
        buttons.addWidget(self.requeue_all)
        box = QVBoxLayout(self)
        box.addWidget(self.headline)
        box.addWidget(self.detail)
        box.addWidget(self.error_detail)
        box.addWidget(self.panel)
        title = QLabel(self.tr("Bản ghi thành phố từ chối (giữ lại, không tự gửi lại)"))
        title.setProperty("role", "fieldLabel")
        box.addWidget(title)
        box.addWidget(self.table, 1)
        box.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        """Read the sync state and the set-aside records on the database lane, then show
        them."""
        server_url = self.view.config.sync.server_url

        def read(db) -> tuple:
            from sync.status import read_status, set_aside_records

            return read_status(db, server_url), set_aside_records(db, 200)

        self.view.database.run(read, self._show, self._unreadable, owner=self,
                               label="read the sync state", coalesce="sync-refresh")

    def _unreadable(self, exc: BaseException) -> None:
        set_tone(self.result, "error", _database_problem(exc))

    def _show(self, read: tuple) -> None:
        status, aside = read
        config = self.view.config
        self.headline.setText(status.headline("vi"))
        fmt = "%H:%M:%S %d/%m/%Y"

        def when(value: datetime | None) -> str:
            from zoneinfo import ZoneInfo

            return value.astimezone(ZoneInfo(config.office.timezone)).strftime(fmt) \
                if value else self.tr("chưa có")

        lines = [self.tr("Máy chủ thành phố: {value}").format(
                value=config.sync.server_url or self.tr("chưa cấu hình (tắt đồng bộ)")),
                 self.tr("Chờ gửi: {pending}    Bị từ chối: {set_aside}").format(
                         pending=status.pending,
                         set_aside=status.set_aside),
                 self.tr("Gửi thành công lần cuối: {value}").format(
                         value=when(status.last_success_at))]
        if status.last_error:
            lines.append(self.tr("Lỗi gần nhất lúc {value}").format(
                value=when(status.last_error_at)))
            self.error_detail.setText(self.tr("Chi tiết kỹ thuật: {technical}").format(
                technical=status.last_error))
        self.error_detail.setVisible(bool(status.last_error))
        if status.offline_since:
            lines.append(self.tr("Mất kết nối từ: {value}").format(
                    value=when(status.offline_since)))
        self.detail.setText("\n".join(lines))
        tz = config.office.timezone
        _fill(self.table, [[a.record_id, record_type_vi(a.record_type),
                            _local_time(a.created_at, tz),
                            _local_time(a.set_aside_at, tz), a.reason] for a in aside],
              [a.record_id for a in aside])
        self.requeue_selected.setEnabled(bool(aside))
        self.requeue_all.setEnabled(bool(aside))

    def start_push(self) -> None:
        self.panel.setVisible(True)
        self.push_now.setEnabled(False)
        self.bridge.start()

    def stop(self) -> None:
        self.bridge.stop(wait=False)  # a push in progress ends on its own thread

    def requeue(self, everything: bool) -> None:
        ids = None if everything else [str(k) for k in _selected_keys(self.table)]
        if ids == []:
            set_tone(self.result, "warn", self.tr("Chọn bản ghi trong bảng trước."))
            return

        def work(db) -> int:
            from sync.status import requeue

            count = requeue(db, ids)
            log.info("admin view: %d set-aside record(s) queued again", count)
            return count

        def done(count: int) -> None:
            set_tone(self.result, "ok", self.tr(
                "Đã đưa {count} bản ghi vào hàng chờ gửi lại.").format(count=count))
            self.refresh()

        def failed(exc: BaseException) -> None:
            set_tone(self.result, "error", wording(exc, self.tr("đưa được bản ghi vào hàng chờ "
                                                                "gửi lại"),
                                                   "queue the records again")[0])

        self.view.database.run(work, done, failed, owner=self, label="requeue records")


class DoctorTab(QWidget):
    def __init__(self, view: AdminView) -> None:
        super().__init__()
        self.view = view
        self.results: list = []
        self.run_button = QPushButton(self.tr("Chạy kiểm tra"))
        self.run_button.setProperty("role", "primary")
        self.run_button.clicked.connect(self.run_checks)
        self.bundle_button = QPushButton(self.tr("Tạo gói hỗ trợ (.zip)"))
        self.bundle_button.clicked.connect(self.make_bundle)
        self.summary = status_label()
        self.rows = QWidget()
        self.rows_box = QVBoxLayout(self.rows)
        self.rows_box.setSpacing(8)
        self.rows_box.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("PageScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.rows)
        top = QHBoxLayout()
        top.addWidget(self.run_button)
        top.addWidget(self.bundle_button)
        top.addWidget(self.summary, 1)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(scroll, 1)

    def run_checks(self) -> None:
        from kiosk.diagnostics.checks import run_checks

        self.run_button.setEnabled(False)
        set_tone(self.summary, "busy", self.tr("Đang kiểm tra… (mạng: tối đa vài giây)"))
        paths, error = self.view.paths, self.view.config_error
        config = None if error else self.view.config
        run_task(self, lambda: run_checks(paths, config=config, config_error=error,
                                          timeout_s=4.0),
                 self.show_results, self._failed, name="admin-doctor")

    def _failed(self, exc: BaseException) -> None:
        self.run_button.setEnabled(True)
        set_tone(self.summary, "error", self.tr("Kiểm tra bị lỗi: {exc}").format(exc=exc))

    def show_results(self, results: list) -> None:
        self.results = results
        self.run_button.setEnabled(True)
        while self.rows_box.count() > 1:
            item = self.rows_box.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for i, r in enumerate(results):
            self.rows_box.insertWidget(i, self._row(r))
        failed = sum(r.status == "FAIL" for r in results)
        warned = sum(r.status == "WARN" for r in results)
        if failed:
            set_tone(self.summary, "error", self.tr(
                "{failed} mục lỗi, {warned} mục cần xem.").format(
                    failed=failed,
                    warned=warned))
        elif warned:
            set_tone(self.summary, "warn", self.tr("Không có lỗi; {warned} mục cần xem.").format(
                    warned=warned))
        else:
            set_tone(self.summary, "ok", self.tr("Mọi kiểm tra đều đạt."))

    def _row(self, r) -> QWidget:
        """One check: its status and name in Vietnamese, a Vietnamese sentence, and the
        doctor's own (English, technician's) detail and fix as a smaller second line."""
        card = QFrame()
        card.setObjectName("Card")
        word, sentence = status_vi(r.status)
        chip = QLabel(word)
        chip.setObjectName("CheckStatus")
        chip.setProperty("chip", r.status)
        chip.setFixedWidth(96)
        name = QLabel(check_name_vi(r.name))
        name.setObjectName("CheckName")
        name.setProperty("role", "fieldLabel")
        name.setFixedWidth(230)
        name.setWordWrap(True)
        summary = QLabel(sentence)
        summary.setObjectName("CheckSummary")
        technical = r.detail + (f"\n→ {r.fix}" if r.fix and r.status in ("FAIL", "WARN")
                                else "")
        detail = QLabel(self.tr("Chi tiết kỹ thuật: {technical}").format(technical=technical))
        detail.setObjectName("CheckDetail")
        detail.setProperty("role", "doc")
        detail.setWordWrap(True)
        detail.setTextFormat(Qt.TextFormat.PlainText)
        detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(summary)
        texts.addWidget(detail)
        row = QHBoxLayout(card)
        row.setContentsMargins(12, 8, 12, 8)
        row.addWidget(chip, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(name, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(texts, 1)
        return card

    def make_bundle(self) -> None:
        from kiosk.diagnostics.bundle import make_support_bundle

        out = default_bundle_path(self.view.paths)
        self.bundle_button.setEnabled(False)
        set_tone(self.summary, "busy", self.tr("Đang tạo gói hỗ trợ…"))
        paths, results = self.view.paths, self.results or None

        def done(summary) -> None:
            self.bundle_button.setEnabled(True)
            set_tone(self.summary, "ok", self.tr("Đã tạo {path} (không có mã bí mật và dữ liệu "
                                                 "cá nhân). Chép tệp này vào USB để gửi cho kỹ "
                                                 "thuật.").format(path=summary.path))

        def failed(exc: BaseException) -> None:
            self.bundle_button.setEnabled(True)
            set_tone(self.summary, "error", self.tr("Không tạo được gói hỗ trợ: {exc}").format(
                    exc=exc))

        run_task(self, lambda: make_support_bundle(paths, out, doctor=results,
                                                   run_doctor=results is None),
                 done, failed, name="admin-bundle")


class LogsTab(QWidget):
    def __init__(self, view: AdminView) -> None:
        super().__init__()
        self.view = view
        self.text = QPlainTextEdit()
        self.text.setObjectName("LogView")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.where = QLabel()
        self.where.setProperty("role", "hint")
        refresh = _compact_button(self.tr("Làm mới"))
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.where, 1)
        top.addWidget(refresh)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.text, 1)
        self.refresh()

    def refresh(self) -> None:
        from kiosk.logs import LOG_FILE

        path = self.view.paths.logs / LOG_FILE
        self.where.setText(self.tr("{LOG_TAIL_LINES} dòng cuối của {path}").format(
                LOG_TAIL_LINES=LOG_TAIL_LINES,
                path=path))
        try:
            with open(path, "rb") as f:
                size = f.seek(0, os.SEEK_END)
                f.seek(max(0, size - 256 * 1024))
                lines = f.read().decode("utf-8", errors="replace").splitlines()
        except OSError as exc:
            self.text.setPlainText(self.tr("Chưa đọc được nhật ký: {exc}").format(exc=exc))
            return
        self.text.setPlainText(redact_text("\n".join(lines[-LOG_TAIL_LINES:])))
        bar = self.text.verticalScrollBar()
        bar.setValue(bar.maximum())


class ConfigTab(QWidget):
    def __init__(self, view: AdminView) -> None:
        super().__init__()
        self.view = view
        self.editor = ConfigEditor(view.config)
        self.result = status_label()
        if view.config_error:
            set_tone(self.result, "error", self.tr("Tệp cấu hình hiện có lỗi: {config_error}. "
                                                   "Biểu mẫu đang hiện giá trị mặc định; lưu "
                                                   "sẽ ghi đè tệp.").format(
                    config_error=view.config_error))
        self.pin_button = QPushButton(self.tr("Đổi mã PIN"))
        self.pin_button.clicked.connect(self.change_pin)
        revert = QPushButton(self.tr("Hoàn tác"))
        revert.clicked.connect(lambda: self.editor.set_config(self.view.config))
        self.save_button = QPushButton(self.tr("Lưu"))
        self.save_button.clicked.connect(lambda: self.save(restart=False))
        self.restart_button = QPushButton(self.tr("Lưu và khởi động lại"))
        self.restart_button.setProperty("role", "primary")
        self.restart_button.clicked.connect(lambda: self.save(restart=True))
        self.restart_button.setVisible(view.supervised)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pin_button)
        buttons.addStretch(1)
        buttons.addWidget(revert)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.restart_button)
        path = QLabel(self.tr("Tệp: {config_file} — thay đổi có hiệu lực khi khởi động lại ứng "
                              "dụng.").format(config_file=view.paths.config_file))
        path.setProperty("role", "hint")
        box = QVBoxLayout(self)
        box.addWidget(path)
        box.addWidget(self.editor, 1)
        box.addWidget(self.result)
        box.addLayout(buttons)

    def save(self, restart: bool) -> bool:
        try:
            config = self.editor.build()
        except ConfigError as exc:
            set_tone(self.result, "error", self.tr("Chưa lưu: {problem}").format(
                    problem=exc.problem)
                     + (self.tr(" (khóa {key})").format(key=exc.key) if exc.key else ""))
            return False
        try:
            config_mod.save(config, self.view.paths.config_file)
            owner_only(self.view.paths.config_file)
        except OSError as exc:
            set_tone(self.result, "error", self.tr("Không ghi được tệp cấu hình: {exc}").format(
                    exc=exc))
            return False
        log.info("admin view: configuration saved to %s", self.view.paths.config_file)
        self.view.config = config
        self.view.config_error = None
        self.view.config_saved.emit(config)
        set_tone(self.result, "ok", self.tr("Đã lưu cấu hình.")
                 + (self.tr(" Đang khởi động lại…") if restart else ""))
        if restart:
            self.view.restart_requested.emit()
        return True

    def change_pin(self) -> None:
        from kiosk.ui.admin.pin_pad import PinDialog

        dialog = PinDialog(PinDialog.NEW, parent=self)
        if dialog.exec() == PinDialog.DialogCode.Accepted and dialog.new_hash:
            self.view.config = save_pin_hash(self.view.config, self.view.paths,
                                             dialog.new_hash)
            log.info("admin view: admin PIN changed")
            set_tone(self.result, "ok", self.tr("Đã đổi mã PIN quản trị."))


# -- the view ---------------------------------------------------------------------------------

class _Activity(QObject):
    def __init__(self, view: AdminView) -> None:
        super().__init__(view)
        self._view = view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                            QEvent.Type.TouchBegin, QEvent.Type.Wheel):
            self._view.idle_timer.start()
        return False


class AdminView(QWidget):
    """`back_requested`: return to the kiosk (or close). `exit_requested`: exit to the
    desktop. `restart_requested`: the configuration was saved, start the app again."""

    back_requested = Signal()
    exit_requested = Signal()
    restart_requested = Signal()
    config_saved = Signal(object)

    def __init__(self, config: Config, paths: Paths, *, config_error: str | None = None,
                 supervised: bool | None = None, over_kiosk: bool = False,
                 idle_close_ms: int | None = IDLE_CLOSE_MS) -> None:
        super().__init__()
        self.setObjectName("TechRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle(self.tr("Quản trị máy"))
        self.setStyleSheet(TECHNICIAN.stylesheet())
        self.config = config
        self.paths = paths
        self.config_error = config_error
        self.supervised = (os.environ.get("KIOSK_SUPERVISED") == "1" if supervised is None
                           else supervised)
        # The view's own connection to the station database, on its own lane.
        self.database = Lane("admin-database", lambda: _open_database(config, paths),
                             lambda db: db.conn.close())

        header = QFrame()
        header.setObjectName("TechHeader")
        title = QLabel(self.tr("Quản trị máy"))
        title.setObjectName("TechTitle")
        role = ROLE_LABELS_VI.get(station_role(config), "")
        subtitle = QLabel(self.tr("{name} · {id} · {role} · phiên bản {version__}").format(
                name=config.office.name,
                id=config.station.id,
                role=role,
                version__=__version__))
        subtitle.setObjectName("TechSubtitle")
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(title)
        titles.addWidget(subtitle)
        self.back_button = QPushButton(self.tr("Quay lại màn hình lấy số") if over_kiosk
                                       else self.tr("Đóng"))
        self.back_button.setProperty("role", "secondary")
        self.back_button.clicked.connect(self.back_requested)
        self.exit_button = QPushButton(self.tr("Thoát ra màn hình nền"))
        self.exit_button.setProperty("role", "danger")
        self.exit_button.clicked.connect(self.confirm_exit)
        self.exit_button.setVisible(over_kiosk)
        self.exit_box = None
        hbox = QHBoxLayout(header)
        hbox.setContentsMargins(20, 10, 20, 10)
        hbox.addLayout(titles, 1)
        hbox.addWidget(self.back_button)
        hbox.addWidget(self.exit_button)

        self.tabs = QTabWidget()
        self.reprint_tab = ReprintTab(self)
        self.devices_tab = DevicesTab(self)
        self.sync_tab = SyncTab(self)
        self.doctor_tab = DoctorTab(self)
        self.logs_tab = LogsTab(self)
        self.config_tab = ConfigTab(self)
        for tab, label in ((self.reprint_tab, self.tr("In lại")),
                           (self.devices_tab, self.tr("Thiết bị")),
                           (self.sync_tab, self.tr("Đồng bộ")),
                           (self.doctor_tab, self.tr("Kiểm tra")),
                           (self.logs_tab, self.tr("Nhật ký")),
                           (self.config_tab, self.tr("Cấu hình"))):
            self.tabs.addTab(tab, label)
        self.tabs.currentChanged.connect(self._tab_changed)
        body = QVBoxLayout()
        body.setContentsMargins(16, 12, 16, 12)
        body.addWidget(self.tabs)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(header)
        box.addLayout(body, 1)

        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self._idle)
        if idle_close_ms:
            self.idle_timer.setInterval(idle_close_ms)
            self._activity = _Activity(self)
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self._activity)
            self.idle_timer.start()

    def _tab_changed(self, index: int) -> None:
        tab = self.tabs.widget(index)
        if tab in (self.sync_tab, self.logs_tab, self.reprint_tab):
            tab.refresh()  # type: ignore[attr-defined]

    def _idle(self) -> None:
        log.info("admin view closed after %d minutes without input",
                 self.idle_timer.interval() // 60_000)
        self.back_requested.emit()

    def confirm_exit(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Thoát ra màn hình nền"))
        box.setText(self.tr("Đóng ứng dụng và ra màn hình nền? Công dân sẽ không lấy số được "
                            "cho đến khi ứng dụng được mở lại."))
        yes = box.addButton(self.tr("Thoát"), QMessageBox.ButtonRole.DestructiveRole)
        no = box.addButton(self.tr("Không"), QMessageBox.ButtonRole.RejectRole)
        # Enter or a slip keeps the kiosk running: leaving is a deliberate tap on "Thoát".
        box.setDefaultButton(no)
        box.setEscapeButton(no)
        self.exit_box = box
        try:
            box.exec()
        finally:
            self.exit_box = None
        if box.clickedButton() is yes:
            log.warning("admin view: exit to the desktop")
            self.exit_requested.emit()

    def closeEvent(self, event) -> None:  # noqa: N802
        self.idle_timer.stop()
        app = QApplication.instance()
        if app is not None and hasattr(self, "_activity"):
            app.removeEventFilter(self._activity)
        for panel in (self.devices_tab.scan_panel, self.devices_tab.camera_panel):
            if panel is not None:
                panel.stop()
        self.sync_tab.stop()
        self.database.stop()
        super().closeEvent(event)


def pin_ok(parent: QWidget | None, config: Config, paths: Paths) -> tuple[bool, Config]:
    """Ask for the admin PIN (or, when none is set yet, for a new one). Returns whether the
    person may enter, and the configuration in force (changed if a PIN was just set)."""
    from kiosk.ui.admin.pin_pad import PinDialog

    stored = stored_pin_hash(config, paths)
    if stored:
        dialog = PinDialog(PinDialog.VERIFY, gate=pin_gate(config, paths), stored_hash=stored,
                           parent=parent)
        return dialog.exec() == PinDialog.DialogCode.Accepted, config
    dialog = PinDialog(PinDialog.NEW, parent=parent,
                       title=translate("admin_view", "Chưa có mã PIN quản trị: đặt mã PIN mới"))
    if dialog.exec() != PinDialog.DialogCode.Accepted or not dialog.new_hash:
        return False, config
    return True, save_pin_hash(config, paths, dialog.new_hash)


def default_bundle_path(paths: Paths) -> Path:
    return paths.data_dir / f"support-bundle-{datetime.now():%Y%m%d-%H%M%S}.zip"
