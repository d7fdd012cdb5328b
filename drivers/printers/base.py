"""The Printer interface, and the job runner shared by the byte-stream (ESC/POS) backends.

A kiosk must never freeze because a printer went away: every job has a deadline, every blocking
call gets a timeout derived from it, and the whole job runs in a daemon thread that the caller
abandons (after force-closing the connection) if a backend call blocks anyway.
"""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TypeVar

from PIL import Image

from drivers.printers.errors import (
    VI_BUSY,
    PrintError,
    offline_error,
    root_cause,
    stalled_error,
    status_refusal,
)
from drivers.printers.escpos_job import JobOptions, build_job, to_raster
from drivers.printers.status import PrinterStatus, query_status

log = logging.getLogger(__name__)

T = TypeVar("T")

#: How long to wait for the reply to one DLE EOT query. Printers answer within milliseconds;
#: the many models that never answer must not delay every ticket by the full timeout.
STATUS_REPLY_TIMEOUT_S = 0.5

#: Extra time the watchdog grants over the job's own deadline before abandoning the thread,
#: so that a backend's own (clearer) timeout error normally wins.
WATCHDOG_GRACE_S = 0.75

#: How long to let a job thread wind down after its connection was force-closed, before it is
#: recorded as stuck.
ABORT_JOIN_S = 0.25

#: Conservative print speed used to budget jobs on backends that deliver at print speed
#: (100 mm/s at 8 dots/mm); fast printers just finish early.
PRINT_ROWS_PER_S = 800


class Printer(ABC):
    """A ticket printer reachable through one URI from the configuration."""

    uri: str
    width_dots: int
    #: False when the backend cannot ask the printer for its state (status() gives UNKNOWN).
    can_read_status: bool = False
    #: What the printer takes beyond plain raster (ESC/POS backends; see JobOptions).
    job_options: JobOptions = JobOptions()

    @abstractmethod
    def status(self) -> PrinterStatus:
        """Current state; never raises (OFFLINE when the printer cannot be reached)."""

    @abstractmethod
    def print_image(self, image: Image.Image, *, cut: bool = True) -> None:
        """Print `image` and cut (or feed to the tear bar); raises PrintError, bounded in time.

        Grey or colour images are thresholded at 50 %; narrower images are centred. An image
        wider than width_dots is a programming error (ValueError), not a printer fault.
        """

    def warm_up(self) -> None:  # noqa: B027 - nothing to load for most printers
        """Load what the first job needs (drivers, command tables) ahead of it; never prints."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.uri!r}, width_dots={self.width_dots})"


class Deadline:
    """Remaining time of one job, to cap each blocking call."""

    def __init__(self, seconds: float) -> None:
        self.total = seconds
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self._end - time.monotonic()

    def cap(self, seconds: float) -> float:
        """`seconds`, shortened to what is left of the job (never negative)."""
        return max(0.0, min(seconds, self.remaining()))

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0


class Connection(ABC):
    """One open link to a printer, for the duration of one job or status query."""

    @abstractmethod
    def write(self, data: bytes, deadline: Deadline, stall_timeout_s: float) -> None:
        """Send all of `data`; raise TimeoutError when no byte moves for stall_timeout_s."""

    def read_byte(self, timeout_s: float) -> int | None:
        """One reply byte, or None if nothing arrived in time; OSError if the link is gone."""
        return None

    def drain(self, deadline: Deadline, stall_timeout_s: float) -> None:  # noqa: B027
        """Wait until the bytes written have left the PC (not just entered a kernel buffer)."""

    @abstractmethod
    def close(self) -> None:
        """Release the link; must not block."""

    def abort(self) -> None:
        """Drop unsent data and close, possibly from another thread while a call is blocked."""
        self.close()


def run_with_watchdog(
    work: Callable[[], T], budget_s: float, on_timeout: Callable[[], None], name: str
) -> tuple[bool, T | None, threading.Thread]:
    """Run `work` in a daemon thread for at most budget_s.

    Returns (True, result, thread), or (False, None, thread) after calling `on_timeout` if the
    thread is still blocked; exceptions from `work` propagate to the caller. An abandoned thread
    keeps running until its blocking call returns (closing the connection usually unblocks it).
    """
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    thread.join(budget_s)
    if thread.is_alive():
        on_timeout()
        thread.join(ABORT_JOIN_S)
        return False, None, thread
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return True, outcome.get("result"), thread  # type: ignore[return-value]


class StreamPrinter(Printer):
    """A printer fed ESC/POS bytes through a python-escpos connection (USB, serial, TCP, file)."""

    def __init__(
        self, uri: str, width_dots: int, *, timeout_s: float, check_status: bool = True
    ) -> None:
        self.uri = uri
        self.width_dots = width_dots
        self.timeout_s = timeout_s
        self.check_status = check_status
        self._lock = threading.Lock()
        self._active: Connection | None = None
        self._stuck: threading.Thread | None = None
        # Learnt from the first query: a printer that never answers DLE EOT is not asked again
        # before each ticket, so silent models do not pay the reply timeout on every print.
        self._answers_status: bool | None = None

    # -- backend hooks -------------------------------------------------------------------

    @abstractmethod
    def _connect(self, deadline: Deadline) -> Connection:
        """Open the link; raise PrintError (OFFLINE) when the printer cannot be reached."""

    @abstractmethod
    def _translate(self, exc: BaseException, stage: str) -> PrintError:
        """Map a transport exception raised while `stage` ("status"/"send") to a PrintError."""

    def _transfer_time_s(self, job_bytes: int, raster_rows: int) -> float:
        """Expected time to deliver a job when all is well, added to the timeout."""
        return raster_rows / PRINT_ROWS_PER_S

    # -- public API ----------------------------------------------------------------------

    def status(self) -> PrinterStatus:
        if not self.can_read_status:
            return PrinterStatus.UNKNOWN
        try:
            with self._lock:
                self._refuse_if_stuck()
                deadline = Deadline(self.timeout_s)
                finished, result, thread = run_with_watchdog(
                    lambda: self._status_job(deadline), self.timeout_s + WATCHDOG_GRACE_S,
                    self._abort_active, name=f"printer-status {self.uri}",
                )
                if not finished:
                    self._stuck = thread
                    log.warning("Status query to %s did not finish in %.1f s", self.uri,
                                self.timeout_s)
                    return PrinterStatus.OFFLINE
                return result if result is not None else PrinterStatus.UNKNOWN
        except PrintError as exc:
            return exc.status or PrinterStatus.OFFLINE
        except Exception:  # noqa: BLE001 - status() must never raise
            log.exception("Unexpected error reading the status of %s", self.uri)
            return PrinterStatus.OFFLINE

    def print_image(self, image: Image.Image, *, cut: bool = True) -> None:
        with self._lock:
            self._refuse_if_stuck()
            raster = to_raster(image, self.width_dots)
            job = build_job(raster, self.width_dots, cut=cut, options=self.options_for_job())
            budget = self.timeout_s + self._transfer_time_s(len(job), raster.height)
            deadline = Deadline(budget)
            started = time.monotonic()
            finished, _, thread = run_with_watchdog(
                lambda: self._print_job(job, deadline), budget + WATCHDOG_GRACE_S,
                self._abort_active, name=f"printer-job {self.uri}",
            )
            if not finished:
                self._stuck = thread
                raise stalled_error(self.uri, time.monotonic() - started,
                                    "did not finish the job")
        log.info("Printed %d bytes to %s in %.1f s", len(job), self.uri,
                 time.monotonic() - started)

    def options_for_job(self) -> JobOptions:
        """The options the next job is built with (job_options unless the backend learns
        more about its printer)."""
        return self.job_options

    def warm_up(self) -> None:
        # Importing python-escpos takes ~0.15 s: pay it before the first citizen, not during.
        build_job(Image.new("1", (self.width_dots, 1), 1), self.width_dots, cut=True,
                  options=self.job_options)
        build_job(Image.new("1", (self.width_dots, 1), 1), self.width_dots, cut=False)

    # -- job steps (run in the watchdog thread) -------------------------------------------

    def _status_job(self, deadline: Deadline) -> PrinterStatus:
        connection = self._step(lambda: self._open(deadline), "connect")
        try:
            return self._step(lambda: self._query(connection, deadline), "status")
        finally:
            self._close(connection)

    def _print_job(self, job: bytes, deadline: Deadline) -> None:
        connection = self._step(lambda: self._open(deadline), "connect")
        try:
            if deadline.expired:
                # Connecting blocked past the deadline and the caller has already been told the
                # job failed: printing it now would hand out a ticket the queue marked unprinted.
                raise stalled_error(self.uri, deadline.total, "took too long to connect")
            if self.check_status and self.can_read_status and self._answers_status is not False:
                state = self._step(lambda: self._query(connection, deadline), "status")
                if state in (PrinterStatus.PAPER_OUT, PrinterStatus.OFFLINE):
                    raise status_refusal(self.uri, state)
                if state is PrinterStatus.PAPER_LOW:
                    log.warning("Printer %s reports paper low", self.uri)
            self._step(lambda: connection.write(job, deadline, self.timeout_s), "send")
            self._step(lambda: connection.drain(deadline, self.timeout_s), "send")
        except BaseException:
            connection.abort()
            raise
        finally:
            self._close(connection)

    def _step(self, action: Callable[[], T], stage: str) -> T:
        """Run one job step, mapping transport exceptions to PrintError for `stage`."""
        try:
            return action()
        except PrintError:
            raise
        except Exception as exc:  # noqa: BLE001 - mapped to a PrintError for the caller
            if stage == "connect":  # backends raise PrintError themselves for expected failures
                fix = "Check the printer, its cable or network, and the URI."
                raise offline_error(self.uri, root_cause(exc), fix) from exc
            raise self._translate(exc, stage) from exc

    def _query(self, connection: Connection, deadline: Deadline) -> PrinterStatus:
        def exchange(query: bytes) -> int | None:
            connection.write(query, deadline, self.timeout_s)
            return connection.read_byte(deadline.cap(STATUS_REPLY_TIMEOUT_S))

        state = query_status(exchange)
        self._answers_status = state is not PrinterStatus.UNKNOWN
        return state

    def _open(self, deadline: Deadline) -> Connection:
        connection = self._connect(deadline)
        self._active = connection
        return connection

    def _close(self, connection: Connection) -> None:
        self._active = None
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - closing must not hide the job's own outcome
            log.warning("Error closing the connection to %s", self.uri, exc_info=True)

    def _abort_active(self) -> None:
        connection = self._active
        if connection is None:
            return
        try:
            connection.abort()
        except Exception:  # noqa: BLE001 - best effort from the watchdog
            log.warning("Error aborting the connection to %s", self.uri, exc_info=True)

    def _refuse_if_stuck(self) -> None:
        # A thread still blocked in the OS on this printer (e.g. write() on a device file that
        # never returns) would make a second job block behind it; say so instead.
        if self._stuck is not None and self._stuck.is_alive():
            raise PrintError(VI_BUSY, f"A previous job to {self.uri} is still blocked in the "
                             "operating system. Switch the printer off and on, or restart the "
                             "kiosk.", status=PrinterStatus.OFFLINE)
        self._stuck = None
