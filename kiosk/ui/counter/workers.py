"""The counter window's background threads. The UI thread never touches SQLite or a printer.

Same pattern as the ticket screen (kiosk/ui/workers.py): one QThread per worker QObject, each
with its own database connection, requests in and results out through queued signals.

- "counter-desk" (DeskWorker): saves intakes (DossierDesk.save_intake: one transaction with
  its outbox row), opens dossiers, changes statuses, reads and exports the logbook, writes A4
  receipt PDFs.
- "counter-printer" (PrintWorker): owns the receipt printer. A stalled printer holds only this
  thread, bounded by the driver's timeout, so saving the next dossier never waits for paper.

Errors come back as (message_vi, message_en); only message_en and dossier codes are logged,
never what the citizen's record holds.
"""

from __future__ import annotations

import atexit
import logging
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from kiosk.config import Config
from kiosk.dossiers.intake import DossierDesk
from kiosk.dossiers.logbook import LogbookRow, export_logbook, logbook_rows
from kiosk.dossiers.models import DossierError, DossierNotFound, Intake
from kiosk.dossiers.status import DossierStatus, IllegalTransition
from kiosk.paths import Paths
from kiosk.station import open_database
from kiosk.ui.workers import PrinterThreadWorker

log = logging.getLogger(__name__)

_RUNNING: set[CounterWorkers] = set()
# Threads that did not stop in time: kept referenced, because destroying a running QThread
# aborts the process.
_STUCK: list[tuple[QThread, QObject]] = []


@atexit.register
def stop_all() -> None:
    for workers in list(_RUNNING):
        workers.stop()


def _failure(exc: BaseException, doing_vi: str, doing_en: str) -> tuple[str, str]:
    """Clerk's and technician's messages for an exception; DossierError and IllegalTransition
    carry their own Vietnamese text (free of personal data by contract)."""
    if isinstance(exc, DossierError | IllegalTransition):
        return exc.message_vi, exc.message_en
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return (f"Không {doing_vi}: cơ sở dữ liệu đang bận. Vui lòng thử lại.",
                f"cannot {doing_en}: the database is locked ({exc})")
    if isinstance(exc, OSError):
        return (f"Không {doing_vi}: không ghi được tệp ({exc.strerror or exc}).",
                f"cannot {doing_en}: {exc!r}")
    return (f"Không {doing_vi} do lỗi hệ thống. Vui lòng thử lại hoặc báo cán bộ kỹ thuật.",
            f"cannot {doing_en}: {exc.__class__.__name__}")


def receipt_printer_settings(config: Config) -> tuple[str | None, int | None]:
    """(uri, width_mm) of the receipt printer: [dossiers] receipt_printer when set, else the
    ticket printer (None, None: open_configured_printer's defaults)."""
    d = config.dossiers
    if d.receipt_printer:
        return d.receipt_printer, d.receipt_width
    return None, None


class DeskWorker(QObject):
    saved = Signal(object)  # Dossier
    save_failed = Signal(str, str)
    opened = Signal(object)  # Dossier
    open_failed = Signal(str, str, str)  # code, message_vi, message_en
    acted = Signal(object)  # Dossier after a status change or hand-back
    action_failed = Signal(str, str)
    logbook_loaded = Signal(object, object, object)  # start, end, list[LogbookRow]
    logbook_failed = Signal(str, str)
    exported = Signal(str, str)  # fmt, path
    export_failed = Signal(str, str)
    pdf_written = Signal(str, str)  # code, path
    pdf_failed = Signal(str, str)
    prepared = Signal(bool)  # the database is open (and migrated)

    def __init__(self, config: Config, paths: Paths) -> None:
        super().__init__()
        self._config = config
        self._paths = paths
        self._db: Any = None
        self._desk: DossierDesk | None = None
        self._hub: Any = None  # the office hub's queue, opened on first need (client PCs)

    @Slot()
    def prepare(self) -> None:
        """Open (and migrate) the database now, so that other threads opening it later (the
        queue thread) do not race this one through the first migration."""
        try:
            self._open()
        except Exception as exc:
            log.warning("the counter database cannot be opened: %s",
                        _failure(exc, "mở được cơ sở dữ liệu", "open the database")[1])
            self.prepared.emit(False)
            return
        self.prepared.emit(True)

    def _open(self) -> DossierDesk:
        if self._desk is None:
            self._db = open_database(self._config, self._paths)
            self._desk = DossierDesk(self._db, self._config)
        return self._desk

    @Slot(object, str, object)
    def save(self, intake: Intake, clerk: str, at: datetime) -> None:
        try:
            dossier = self._open().save_intake(intake, clerk=clerk, at=at)
        except Exception as exc:
            vi, en = _failure(exc, "lưu được hồ sơ", "save the dossier")
            log.warning("intake not saved (procedure %s): %s", intake.procedure_code, en)
            self.save_failed.emit(vi, en)
            return
        self.saved.emit(dossier)

    @Slot(str)
    def open_dossier(self, code: str) -> None:
        try:
            dossier = self._open().get(code)
        except Exception as exc:
            vi, en = _failure(exc, "mở được hồ sơ", "open the dossier")
            if isinstance(exc, DossierNotFound):
                vi, en = self._elsewhere(code) or (vi, en)
            log.info("dossier look-up failed: %s", en)
            self.open_failed.emit(code, vi, en)
            return
        self.opened.emit(dossier)

    def _elsewhere(self, code: str) -> tuple[str, str] | None:
        """In a LAN office, a dossier this PC does not hold may have been taken in at another
        counter PC, which forwarded its public record to the hub (kiosk.officefeed): say where
        it stands and where it can be updated, rather than "not found"."""
        from kiosk.queue.errors import QueueError
        from kiosk.queue.settings import hub_settings
        from kiosk.station import open_queue

        if hub_settings(self._config).role != "client":
            return None
        try:
            if self._hub is None:
                self._hub = open_queue(self._config, self._paths)
            view = self._hub.dossier_view(code)
        except QueueError as exc:
            log.info("the hub could not be asked about a dossier: %s", exc.code)
            return None
        except Exception as exc:  # an answer this version cannot read: say "not found"
            log.warning("the hub's answer about a dossier was unreadable: %s",
                        exc.__class__.__name__)
            return None
        if view is None:
            return None
        return (f"Hồ sơ {view.code} được tiếp nhận tại máy quầy khác "
                f"({view.status_label}, hẹn trả {view.appointment_date:%d/%m/%Y}). "
                "Vui lòng cập nhật hoặc trả kết quả tại máy quầy đã tiếp nhận hồ sơ.",
                f"dossier {view.code} was taken in at another counter PC "
                f"(status {int(view.status)}); update it there")

    @Slot(str, int, str, str)
    def act(self, code: str, to: int, reason: str, clerk: str) -> None:
        try:
            desk = self._open()
            status = DossierStatus(to)
            if status is DossierStatus.RETURNED:
                dossier = desk.hand_back(code, clerk=clerk, note=reason or None)
            else:
                dossier = desk.change_status(code, status, clerk=clerk, reason=reason or None)
        except Exception as exc:
            vi, en = _failure(exc, "cập nhật được hồ sơ", f"change dossier {code}")
            log.warning("status change of dossier %s to %s refused: %s", code, to, en)
            self.action_failed.emit(vi, en)
            return
        self.acted.emit(dossier)

    @Slot(object, object)
    def load_logbook(self, start: date, end: date) -> None:
        try:
            rows = logbook_rows(self._open(), start, end)
        except Exception as exc:
            vi, en = _failure(exc, "đọc được sổ theo dõi", "read the logbook")
            log.warning("logbook not loaded: %s", en)
            self.logbook_failed.emit(vi, en)
            return
        self.logbook_loaded.emit(start, end, rows)

    @Slot(object, str, str, object, object)
    def export(self, rows: list[LogbookRow], fmt: str, out: str, start: date,
               end: date) -> None:
        try:
            path = export_logbook(rows, fmt, Path(out), unit_name=self._open().settings.unit_name,
                                  start=start, end=end)
        except Exception as exc:
            vi, en = _failure(exc, "xuất được sổ theo dõi", "export the logbook")
            log.warning("logbook export failed: %s", en)
            self.export_failed.emit(vi, en)
            return
        log.info("logbook %s..%s exported as %s (%d rows)", start, end, fmt, len(rows))
        self.exported.emit(fmt, str(path))

    @Slot(str)
    def write_pdf(self, code: str) -> None:
        try:
            desk = self._open()
            path = desk.write_receipt_pdf(code, desk.settings.a4_path(code, self._paths.data_dir))
        except Exception as exc:
            vi, en = _failure(exc, "tạo được giấy A4", f"write the A4 receipt of {code}")
            log.warning("A4 receipt not written: %s", en)
            self.pdf_failed.emit(vi, en)
            return
        self.pdf_written.emit(code, str(path))

    @Slot()
    def stop(self) -> None:
        if self._db is not None:
            self._db.conn.close()
            self._db = self._desk = None
        if self._hub is not None:
            self._hub.close()
            self._hub = None
        QThread.currentThread().quit()


class PrintWorker(PrinterThreadWorker):
    printed = Signal(str, bool, str, str)  # code, ok, message_vi, message_en

    def __init__(self, config: Config, paths: Paths) -> None:
        super().__init__(config, paths)
        self._db: Any = None
        self._desk: DossierDesk | None = None

    def _open_desk(self) -> DossierDesk:
        if self._desk is None:
            self._db = open_database(self._config, self._paths)
            self._desk = DossierDesk(self._db, self._config)
        return self._desk

    def _printer_choice(self) -> tuple[str | None, int | None]:
        return receipt_printer_settings(self._config)

    @Slot(str)
    def print_receipt(self, code: str) -> None:
        from drivers.printers import PrintError

        try:
            self._open_desk().print_receipt(code, self._open_printer())
        except PrintError as exc:
            log.warning("receipt for dossier %s not printed: %s", code, exc.message_en)
            self.printed.emit(code, False, exc.message_vi, exc.message_en)
            return
        except Exception as exc:
            log.exception("receipt for dossier %s not printed", code)
            self.printed.emit(code, False,
                              "Không in được phiếu (lỗi hệ thống). Hồ sơ vẫn đã được lưu; hãy in "
                              "lại hoặc in giấy A4.", f"receipt not printed: {exc!r}")
            return
        self.printed.emit(code, True, "", "")

    @Slot()
    def stop(self) -> None:
        self._close_printer()
        if self._db is not None:
            self._db.conn.close()
            self._db = self._desk = None
        QThread.currentThread().quit()


class CounterWorkers(QObject):
    """Starts both threads and forwards requests to them as queued signals (UI-thread side).
    Results arrive on the workers' own signals (`desk.saved`, `printer.printed`, ...)."""

    _prepare = Signal()
    _save = Signal(object, str, object)
    _open = Signal(str)
    _act = Signal(str, int, str, str)
    _load_logbook = Signal(object, object)
    _export = Signal(object, str, str, object, object)
    _write_pdf = Signal(str)
    _print = Signal(str)
    _check = Signal()
    _stop_desk = Signal()
    _stop_printer = Signal()

    def __init__(self, config: Config, paths: Paths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._config = config
        self.desk_thread = QThread()
        self.desk_thread.setObjectName("counter-desk")
        self.print_thread = QThread()
        self.print_thread.setObjectName("counter-printer")
        self.desk = DeskWorker(config, paths)
        self.printer = PrintWorker(config, paths)
        self.desk.moveToThread(self.desk_thread)
        self.printer.moveToThread(self.print_thread)
        self._prepare.connect(self.desk.prepare)
        self._save.connect(self.desk.save)
        self._open.connect(self.desk.open_dossier)
        self._act.connect(self.desk.act)
        self._load_logbook.connect(self.desk.load_logbook)
        self._export.connect(self.desk.export)
        self._write_pdf.connect(self.desk.write_pdf)
        self._stop_desk.connect(self.desk.stop)
        self._print.connect(self.printer.print_receipt)
        self._check.connect(self.printer.check_status)
        self._stop_printer.connect(self.printer.stop)
        self.running = False

    def start(self) -> None:
        self.desk_thread.start()
        self.print_thread.start()
        self.running = True
        _RUNNING.add(self)
        self._prepare.emit()

    def save(self, intake: Intake, clerk: str, at: datetime) -> None:
        """Save at `at`, the moment the clerk pressed save (the window's clock, which also
        gave the appointment preview, so screen and receipt agree)."""
        self._save.emit(intake, clerk, at)

    def open_dossier(self, code: str) -> None:
        self._open.emit(code)

    def act(self, code: str, to: int, reason: str, clerk: str) -> None:
        self._act.emit(code, to, reason, clerk)

    def load_logbook(self, start: date, end: date) -> None:
        self._load_logbook.emit(start, end)

    def export_logbook(self, rows: list[LogbookRow], fmt: str, out: Path, start: date,
                       end: date) -> None:
        self._export.emit(rows, fmt, str(out), start, end)

    def write_pdf(self, code: str) -> None:
        self._write_pdf.emit(code)

    def print_receipt(self, code: str) -> None:
        self._print.emit(code)

    def check_printer(self) -> None:
        self._check.emit()

    def stop(self) -> None:
        """End both threads. A print stuck in the driver holds its thread until the driver's
        own timeout: wait that long, not forever."""
        if not self.running:
            return
        self.running = False
        _RUNNING.discard(self)
        self._stop_desk.emit()
        self._stop_printer.emit()
        waits = ((self.desk_thread, self.desk, 20_000),
                 (self.print_thread, self.printer,
                  int((self._config.printer.timeout_s + 5) * 1000)))
        for thread, worker, wait_ms in waits:
            if not thread.wait(wait_ms):
                log.error("thread %s did not stop within %d ms", thread.objectName(), wait_ms)
                _STUCK.append((thread, worker))
