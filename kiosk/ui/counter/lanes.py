"""The counter window's two background lanes (kiosk/ui/operations.py) and what each one owns.
The UI thread never touches SQLite or a printer.

- "counter-desk" owns a `CounterDesk`: the dossier desk on its own database connection (plus,
  on a client PC, the office hub's queue, opened on first need: the office's dossier book).
  It saves intakes (one transaction with the outbox row, or on a client PC the book's queue),
  opens dossiers, changes statuses, issues the official slips, records hand-overs, reads and
  exports the logbook and writes the A4 PDFs (receipts and slips).
- "counter-printer" owns a `ReceiptPrinter`: the receipt printer and a dossier desk of its own
  to render receipts from. A stalled printer holds only this lane, bounded by the driver's
  timeout, so saving the next dossier never waits for paper.

Failures are worded with kiosk.failures.wording; only message_en and dossier codes are logged,
never what the citizen's record holds.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.config import Config
from kiosk.dossiers.intake import DossierDesk
from kiosk.dossiers.models import Dossier
from kiosk.dossiers.office import OfficeDesk
from kiosk.dossiers.status import DossierStatus
from kiosk.failures import CLERK, wording
from kiosk.paths import Paths
from kiosk.station import open_database, open_receipt_printer
from kiosk.ui.i18n import translate
from kiosk.ui.operations import DEFAULT_STOP_WAIT_MS, Lane

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Paperwork:
    """What the dossier page lists under "Phiếu, giao nhận": kiosk.dossiers.slips' Slip and
    Handover records, oldest first, and the parties offered for a new hand-over."""

    code: str
    slips: tuple[Any, ...] = ()
    handovers: tuple[Any, ...] = ()
    parties: tuple[str, ...] = ()


class CounterDesk(OfficeDesk):
    """The "counter-desk" lane's resource: a dossier desk on its own database connection
    (opened, and migrated, on the lane's thread). On a counter PC of a LAN office
    (`hub.role = client`) it works on the office's dossier book through the hub (opened on
    first need): any counter opens, changes, reprints and hands back any dossier of the office,
    offline on this PC's copy (kiosk/dossiers/office.py). Otherwise exactly a DossierDesk."""

    def __init__(self, config: Config, paths: Paths) -> None:
        from kiosk.queue.settings import hub_settings

        db = open_database(config, paths)
        self.paths = paths
        self._hub: Any = None  # the office hub's queue, opened on first need (client PCs)
        self._hub_lock = threading.Lock()  # the lane and a numbers top-up may both want it
        hub = numbers = None
        if hub_settings(config).role == "client":
            # A counter PC of a LAN office: the office's dossier book and dossier numbers
            # leased from the hub (office-unique, kiosk/dossiers/numbers.py), both through the
            # hub queue opened here on first need. A hub restored from a backup (its epoch
            # changed) gets every change of this PC again (the book takes each once).
            from kiosk.dossiers.numbers import leased_numbers_for

            hub = self._hub_queue
            from kiosk.dossiers.office import resend_on_restore

            numbers = leased_numbers_for(config, paths, self._hub_queue)
            numbers.on_epoch_change = resend_on_restore(numbers.db_path)
        try:
            super().__init__(db, config, hub, numbers=numbers)
        except BaseException:
            db.conn.close()
            raise
        if numbers is not None:
            # Numbers for today and the next working day leased at start, aside: a hub that
            # goes away before the first intake leaves this PC its own block, not only its
            # fallback range.
            numbers.refill_soon()

    def _hub_queue(self) -> Any:
        with self._hub_lock:
            if self._hub is None:
                from kiosk.station import open_queue

                self._hub = open_queue(self.config, self.paths)
            return self._hub

    def open(self, code: str) -> Dossier:
        """The dossier `code` (from the office's dossier book on a counter PC of a LAN
        office: any counter opens any dossier)."""
        return self.get(code)

    def open_with_slips(self, code: str) -> tuple[Dossier, bool, list[Any]]:
        """The dossier, whether it is this PC's copy only (`stale`), and its apology slips
        (kiosk/dossiers/due.py: the due moment they set)."""
        from kiosk.dossiers.due import slips_of

        dossier = self.open(code)
        return dossier, self.stale, slips_of(self.db.conn, [dossier.id])[dossier.id]

    def act(self, code: str, to: int, reason: str, clerk: str) -> Dossier:
        """A status change, or the hand-back when `to` is RETURNED."""
        status = DossierStatus(to)
        if status is DossierStatus.RETURNED:
            return self.hand_back(code, clerk=clerk, note=reason or None)
        return self.change_status(code, status, clerk=clerk, reason=reason or None)

    def issue_slip(self, code: str, form: str, reason: str, new_date: str, clerk: str
                   ) -> tuple[Any, Dossier]:
        """Issue an official slip (kiosk/dossiers/slips.py): (the slip, the dossier after)."""
        from datetime import date

        from kiosk.dossiers.slips import issue_slip

        slip = issue_slip(self, code, form, clerk=clerk, reason=reason or None,
                          new_date=date.fromisoformat(new_date) if new_date else None)
        return slip, self.get(slip.code)

    def paperwork(self, code: str) -> Paperwork:
        """The dossier's slips (every form) and hand-overs from this PC's copy (the look-up
        that opened it refreshed it), and the parties this station has handed dossiers to."""
        from contextlib import nullcontext

        from kiosk.dossiers.slips import handover_parties, handovers_of, slips_of

        with self._mirror_only() if self.book else nullcontext():
            return Paperwork(code, tuple(slips_of(self, code)), tuple(handovers_of(self, code)),
                             tuple(handover_parties(self)))

    def record_handover(self, code: str, to_party: str, received_by: str, due: str, note: str,
                        clerk: str) -> Paperwork:
        """A hand-over of the dossier (Mẫu 05's steps, kiosk/dossiers/slips.py); the
        dossier's paperwork after it."""
        from datetime import date

        from kiosk.dossiers.slips import record_handover

        record_handover(self, code, to_party=to_party, received_by=received_by, clerk=clerk,
                        due=date.fromisoformat(due) if due else None, note=note or None)
        return self.paperwork(code)

    def write_slip_pdf(self, code: str, uid: str, form: str, issued_at: Any,
                       data_dir: Path) -> Path:
        """The slip `uid` as an A4 PDF in the counter's A4 folder ([dossiers] a4_output_dir)."""
        from kiosk.dossiers.slips import write_slip_pdf

        out = self.settings.slip_pdf_path(code, form, issued_at, data_dir)
        path = write_slip_pdf(self, uid, out)
        log.info("A4 slip %s of dossier %s written", form, code)
        return path

    def close(self) -> None:
        self.db.conn.close()
        if self._hub is not None:
            self._hub.close()
            self._hub = None


class ReceiptPrinter:
    """The "counter-printer" lane's resource: the receipt printer ([dossiers] receipt_printer,
    else the ticket printer), opened once and kept (the driver opens a link per job and keeps
    track of a stuck job itself; one that cannot be opened is tried again next time), and a
    dossier desk on a connection of its own to render receipts from."""

    def __init__(self, config: Config, paths: Paths) -> None:
        self._config = config
        self._paths = paths
        self._printer: Any = None
        self._desk: DossierDesk | None = None

    def printer(self) -> Any:
        if self._printer is None:
            self._printer = open_receipt_printer(self._config, self._paths)
        return self._printer

    def desk(self) -> DossierDesk:
        if self._desk is None:
            self._desk = DossierDesk(open_database(self._config, self._paths), self._config)
        return self._desk

    def print_receipt(self, code: str) -> None:
        """Print the receipt of dossier `code` (the configured number of copies); raises the
        driver's PrintError."""
        self.desk().print_receipt(code, self.printer())

    def print_slip(self, uid: str) -> None:
        """Print the official slip `uid` (kiosk/dossiers/slips.py); raises PrintError."""
        from kiosk.dossiers.slips import print_slip

        print_slip(self.desk(), uid, self.printer())

    def status(self) -> str:
        """A PrinterStatus name (READY, PAPER_OUT, ...); one that cannot even be opened counts
        as OFFLINE."""
        try:
            status = self.printer().status()
        except Exception as exc:
            log.info("printer status check failed: %s", getattr(exc, "message_en", exc))
            return "OFFLINE"
        return getattr(status, "name", str(status))

    def close(self) -> None:
        close = getattr(self._printer, "close", None)
        if close is not None:
            try:
                close()
            except Exception:
                log.debug("closing the printer failed", exc_info=True)
        self._printer = None
        if self._desk is not None:
            self._desk.db.conn.close()
            self._desk = None


def receipt_failure(code: str, exc: BaseException) -> tuple[str, str]:
    """(message_vi, message_en) for a receipt or slip that did not print (logged here), worded
    for the clerk (kiosk/failures.py: what is wrong with the printer, what to check)."""
    from drivers.printers import PrintError

    if isinstance(exc, PrintError):
        log.warning("receipt for dossier %s not printed: %s", code, exc.message_en)
        return wording(exc, translate("lanes", "in được phiếu"), "print the receipt",
                       audience=CLERK)
    log.error("receipt for dossier %s not printed", code, exc_info=exc)
    return (translate("lanes", "Không in được phiếu (lỗi hệ thống). Hồ sơ vẫn đã được lưu; hãy "
                               "in lại hoặc in giấy A4."), f"receipt not printed: {exc!r}")


@dataclass(frozen=True)
class CounterLanes:
    desk: Lane  # "counter-desk": CounterDesk
    printer: Lane  # "counter-printer": ReceiptPrinter

    def stop(self) -> None:
        self.desk.stop()
        self.printer.stop()


def counter_lanes(config: Config, paths: Paths) -> CounterLanes:
    """The counter window's lanes (their threads start with the first operation). Stopping
    the printer's waits for a print stuck in the driver up to the driver's own timeout."""
    return CounterLanes(
        Lane("counter-desk", lambda: CounterDesk(config, paths), CounterDesk.close,
             stop_wait_ms=DEFAULT_STOP_WAIT_MS),
        Lane("counter-printer", lambda: ReceiptPrinter(config, paths), ReceiptPrinter.close,
             stop_wait_ms=int((config.printer.timeout_s + 5) * 1000)))
