"""Ticket kiosk: tap-to-last-byte over tcp, render time, bytes, start-up, peak memory.

Tap-to-last-byte: the real ticket screen (offscreen Qt) with its printer pointed at a TCP
listener on 127.0.0.1; a simulated finger tap on a service button starts the clock, the
listener stops it when the cut command (the job's last bytes) arrives.

Each figure is measured side by side in one run for three pipelines, taking turns ticket by
ticket so that the machine's load weighs on all alike:
  naive    every ticket drawn from scratch (render_ticket_uncached) and sent as full-width
           raster rows (build_job_full_raster): the pipeline before the ticket was made fast;
  raster   kept blocks (render_ticket) and compact raster (build_job): [printer] profile =
           "basic" (and "auto" for any printer but an Epson on USB), printed alike by every
           ESC/POS printer;
  epson    as raster, plus the printer's own QR command and bands centred by the printer
           (ESC a): profile = "epson" (and "auto" for an Epson on USB);
  compact  as raster, plus the printer's own QR command and GS L ([printer] native_qr and
           left_margin).
"""

from __future__ import annotations

import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

CUT = b"\x1dVB\x00"  # GS V 66 0: the last command of every job

STARTUP_PROBE = """
import sys, time
t0 = float(sys.argv[1])
from PySide6.QtCore import QTimer
from kiosk.config import Config
from kiosk.paths import Paths
from kiosk.ui.app import build_window, ensure_app
from pathlib import Path
app = ensure_app()
d = Path(sys.argv[2])
config = Config().with_values(printer={"uri": f"preview://{d}/p"},
                              kiosk={"fullscreen": False, "enforce_opening_hours": False})
window = build_window(config, Paths(d, d / "kiosk.toml"))
window.resize(1366, 768)
window.show()
def first_frame():
    # Runs once the event loop has painted the shown window and is idle: interactive.
    # VmHWM, not ru_maxrss: a child's maxrss starts at the size of the process it was
    # forked from.
    rss = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
    rss /= 1024
    print(f"READY {time.time() - t0:.4f} {rss:.1f}", flush=True)
    window.close()
    app.quit()
QTimer.singleShot(0, first_frame)
app.exec()
"""


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class _Listener:
    """A printer on 127.0.0.1:port that reads everything and timestamps each job's end."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.done = threading.Event()
        self.last_byte_at = 0.0
        self.bytes = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            tail = b""
            with conn:
                while True:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    self.bytes += len(chunk)
                    tail = (tail + chunk)[-len(CUT):]
                    if tail == CUT:
                        self.last_byte_at = time.perf_counter()
                        self.done.set()

    def close(self) -> None:
        self.sock.close()


PIPELINES = ("naive", "raster", "epson", "compact")


class _Pipeline:
    """Which pipeline the kiosk's print path uses for the next ticket (see the docstring)."""

    current = "raster"

    @classmethod
    def install(cls) -> None:
        """Route the ticket screen's render and job building through the chosen pipeline."""
        import drivers.printers.base as base
        import kiosk.ticketing as ticketing
        from drivers.printers.escpos_job import JobOptions, build_job, build_job_full_raster
        from kiosk.printout.ticket import render_ticket, render_ticket_uncached

        def render(slip, width_dots):
            if cls.current == "naive":
                return render_ticket_uncached(slip, width_dots)
            return render_ticket(slip, width_dots)

        def build(raster, width_dots, *, cut, options=None):
            if cls.current == "naive":
                return build_job_full_raster(raster, width_dots, cut=cut)
            if cls.current == "compact":
                options = JobOptions(native_qr=True, left_margin=True)
            elif cls.current == "epson":
                options = JobOptions(native_qr=True, centre=True)
            return build_job(raster, width_dots, cut=cut, options=options or JobOptions())

        ticketing.render_ticket = render
        base.build_job = build


def _wait_for_the_tap_guard(widget) -> None:
    """The screen ignores taps for a moment after a page change (kiosk/ui/tapguard.py): wait
    that out, as a finger would, before the clock starts."""
    from PySide6.QtCore import QCoreApplication

    from kiosk.ui.tapguard import guards_over

    for guard in guards_over(widget):
        while guard.holding:
            QCoreApplication.processEvents()
            time.sleep(0.005)


def _tap_to_last_byte(count: int, data_dir: Path) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtTest import QTest

    from kiosk.config import Config
    from kiosk.paths import Paths
    from kiosk.ui.app import build_window

    _Pipeline.install()
    listener = _Listener()
    config = Config().with_values(
        printer={"uri": f"tcp://127.0.0.1:{listener.port}", "check_status": False},
        kiosk={"fullscreen": False, "enforce_opening_hours": False, "confirm_timeout_s": 60})
    window = build_window(config, Paths(data_dir, data_dir / "kiosk.toml"))
    window.resize(1366, 768)
    window.show()
    # A kiosk in service: started a while ago, printer driver loaded (the print thread's
    # warm-up right after start-up), not a tap in the first second.
    settle = time.perf_counter() + 1.5
    while time.perf_counter() < settle:
        QCoreApplication.processEvents()
        time.sleep(0.005)
    button = window.start_page.service_buttons["CT"]
    latencies: dict[str, list[float]] = {name: [] for name in PIPELINES}
    sizes: dict[str, list[int]] = {name: [] for name in PIPELINES}
    shown = None  # the ticket on the confirmation view
    try:
        for index in range(count * len(PIPELINES)):
            pipeline = _Pipeline.current = PIPELINES[index % len(PIPELINES)]
            listener.done.clear()
            before = listener.bytes
            _wait_for_the_tap_guard(button)  # a finger taps after the page has settled
            t0 = time.perf_counter()
            QTest.mouseClick(button, Qt.MouseButton.LeftButton)
            deadline = t0 + 10
            while not listener.done.is_set() and time.perf_counter() < deadline:
                QCoreApplication.processEvents()
                listener.done.wait(0.0005)
            if not listener.done.is_set():
                raise RuntimeError("a ticket did not reach the listener within 10 s")
            latencies[pipeline].append((listener.last_byte_at - t0) * 1000)
            sizes[pipeline].append(listener.bytes - before)
            # The paper can be out before the screen shows this ticket: wait for both.
            while window.confirm_page.ticket is shown or window.confirm_page.state != "printed":
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"the screen did not show ticket {index + 1} as printed "
                                       f"(state {window.confirm_page.state})")
                QCoreApplication.processEvents()
            shown = window.confirm_page.ticket
            _wait_for_the_tap_guard(window.confirm_page.done_button)
            QTest.mouseClick(window.confirm_page.done_button, Qt.MouseButton.LeftButton)
            QCoreApplication.processEvents()
    finally:
        window.close()
        listener.close()
        _Pipeline.current = "raster"
    results: dict = {}
    for name in PIPELINES:
        values = latencies[name]
        results[f"tap_to_last_byte_{name}_p50_ms"] = round(_percentile(values, 0.5), 1)
        results[f"tap_to_last_byte_{name}_p99_ms"] = round(_percentile(values, 0.99), 1)
        results[f"tap_to_last_byte_{name}_max_ms"] = round(max(values), 1)
    results["tickets_per_pipeline"] = count
    for name in PIPELINES:
        results[f"bytes_per_tcp_ticket_{name}"] = round(statistics.mean(sizes[name]))
    return results


def _slips(count: int, letters: str = "ABCD") -> list:
    """A morning's tickets: one office, four services taking turns, each with its own series
    of numbers and its queue growing by one (then served down) ticket by ticket."""
    from kiosk.printout.ticket import TicketSlip

    services = ["Chứng thực bản sao, chữ ký, hợp đồng", "Hộ tịch", "Đất đai – nhà ở, xây dựng",
                "Kinh doanh – hộ kinh doanh"]
    start = datetime(2026, 12, 7, 7, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    return [TicketSlip(office_name="Điểm phục vụ hành chính công xã Demo",
                       office_code="000.00.01.H26", service_name=services[i % 4],
                       number=f"{letters[i % 4]}{i // 4 + 1:03d}",
                       priority_label="ƯU TIÊN – Người cao tuổi" if i % 7 == 0 else None,
                       people_ahead=(i // 4) % 25, issued_at=start + timedelta(seconds=20 * i))
            for i in range(count)]


def _render(count: int) -> dict:
    """Render alone (80 mm), taking turns ticket by ticket: naive (from scratch), kept
    (kept blocks, nothing prepared: number and QR drawn on the tap) and prepared (as the
    kiosk's print thread does: the service's likely next ticket drawn after each print)."""
    from kiosk.printout.ticket import (
        prepare_next,
        render_ticket,
        render_ticket_uncached,
        warm_up,
    )

    slips = _slips(count)
    render_ticket_uncached(slips[0], 576)  # fonts loaded outside the timing
    warm_up(slips[0].office_name, slips[0].office_code,
            sorted({slip.service_name for slip in slips}), 576)  # as the print thread does
    # Three series of numbers, so that no renderer finds another's number or QR kept.
    series = {"naive": slips, "kept": _slips(count, "EFGH"), "prepared": _slips(count, "KLMN")}
    renderers = {"naive": render_ticket_uncached, "kept": render_ticket,
                 "prepared": render_ticket}
    times: dict[str, list[float]] = {name: [] for name in series}
    for index in range(count):
        for name, render in renderers.items():
            slip = series[name][index]
            t0 = time.perf_counter()
            render(slip, 576)
            times[name].append((time.perf_counter() - t0) * 1000)
            if name == "prepared":  # what the print thread does once the ticket is out
                prepare_next(slip, 576)
    results = {}
    for name, values in times.items():
        results[f"render_80mm_{name}_p50_ms"] = round(statistics.median(values), 2)
        results[f"render_80mm_{name}_p99_ms"] = round(_percentile(values, 0.99), 2)
    return results


def _bytes(count: int) -> dict:
    """Bytes of one ticket's job (ESC @ to the cut) for each pipeline and paper width."""
    from drivers.printers.escpos_job import (
        JobOptions,
        build_job,
        build_job_full_raster,
        to_raster,
    )
    from kiosk.printout.ticket import render_ticket

    jobs = {
        "naive": lambda raster, width: build_job_full_raster(raster, width, cut=True),
        "raster": lambda raster, width: build_job(raster, width, cut=True),
        "epson": lambda raster, width: build_job(
            raster, width, cut=True, options=JobOptions(native_qr=True, centre=True)),
        "compact": lambda raster, width: build_job(
            raster, width, cut=True, options=JobOptions(native_qr=True, left_margin=True)),
    }
    results = {}
    slips = _slips(count)
    # The widest ticket: a long service name on two full lines, a priority mark, a 4-digit
    # number and three digits of people ahead.
    worst = replace(slips[0], service_name=WORST_SERVICE, number="C1234", people_ahead=127)
    for width, mm in ((576, 80), (384, 58)):
        rasters = [to_raster(render_ticket(slip, width), width) for slip in slips]
        worst_raster = to_raster(render_ticket(worst, width), width)
        for name, job in jobs.items():
            sizes = [len(job(raster, width)) for raster in rasters]
            results[f"bytes_{mm}mm_{name}_mean"] = round(statistics.mean(sizes))
            results[f"bytes_{mm}mm_{name}_max"] = max(sizes)
            results[f"bytes_{mm}mm_{name}_worst"] = len(job(worst_raster, width))
    return results


WORST_SERVICE = "Đất đai – nhà ở, xây dựng và các thủ tục liên quan khác"


def _startup(runs: int, data_dir: Path) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    times, rss = [], []
    for i in range(runs):
        d = data_dir / f"startup{i}"
        d.mkdir()
        t0 = time.time()
        out = subprocess.run([sys.executable, "-c", STARTUP_PROBE, str(t0), str(d)],
                             capture_output=True, text=True, timeout=60, env=env, check=True)
        line = next(ln for ln in out.stdout.splitlines() if ln.startswith("READY"))
        _, seconds, mb = line.split()
        times.append(float(seconds))
        rss.append(float(mb))
    return {"startup_to_first_frame_median_s": round(statistics.median(times), 2),
            "startup_to_first_frame_max_s": round(max(times), 2),
            "startup_peak_rss_mb": round(max(rss), 1)}


def run(quick: bool = False) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-ticket-") as tmp:
        tmp_path = Path(tmp)
        results = {}
        results.update(_render(50 if quick else 200))
        results.update(_bytes(8 if quick else 40))
        (tmp_path / "tap").mkdir()
        results.update(_tap_to_last_byte(10 if quick else 200, tmp_path / "tap"))
        results["kiosk_process_peak_rss_mb"] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        results.update(_startup(2 if quick else 5, tmp_path))
    return results
