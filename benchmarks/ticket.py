"""Ticket kiosk: tap-to-last-byte over tcp, render time, start-up, peak memory.

Tap-to-last-byte: the real ticket screen (offscreen Qt) with its printer pointed at a TCP
listener on 127.0.0.1; a simulated finger tap on a service button starts the clock, the
listener stops it when the cut command (the job's last bytes) arrives.
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
from datetime import datetime
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


def _tap_to_last_byte(count: int, data_dir: Path) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtTest import QTest

    from kiosk.config import Config
    from kiosk.paths import Paths
    from kiosk.ui.app import build_window

    listener = _Listener()
    config = Config().with_values(
        printer={"uri": f"tcp://127.0.0.1:{listener.port}", "check_status": False},
        kiosk={"fullscreen": False, "enforce_opening_hours": False, "confirm_timeout_s": 60})
    window = build_window(config, Paths(data_dir, data_dir / "kiosk.toml"))
    window.resize(1366, 768)
    window.show()
    QCoreApplication.processEvents()
    button = window.start_page.service_buttons["CT"]
    latencies = []
    try:
        for _ in range(count):
            listener.done.clear()
            t0 = time.perf_counter()
            QTest.mouseClick(button, Qt.MouseButton.LeftButton)
            deadline = t0 + 10
            while not listener.done.is_set() and time.perf_counter() < deadline:
                QCoreApplication.processEvents()
                listener.done.wait(0.0005)
            if not listener.done.is_set():
                raise RuntimeError("a ticket did not reach the listener within 10 s")
            latencies.append((listener.last_byte_at - t0) * 1000)
            while window.confirm_page.state != "printed":
                QCoreApplication.processEvents()
            QTest.mouseClick(window.confirm_page.done_button, Qt.MouseButton.LeftButton)
            QCoreApplication.processEvents()
    finally:
        window.close()
        listener.close()
    return {
        "tap_to_last_byte_p50_ms": round(_percentile(latencies, 0.5), 1),
        "tap_to_last_byte_p99_ms": round(_percentile(latencies, 0.99), 1),
        "tap_to_last_byte_max_ms": round(max(latencies), 1),
        "tickets": count,
        "bytes_per_ticket": listener.bytes // count,
    }


def _render(count: int) -> dict:
    from kiosk.printout.ticket import TicketSlip, render_ticket

    slip = TicketSlip(office_name="Điểm phục vụ hành chính công xã Demo",
                      office_code="000.00.01.H26",
                      service_name="Chứng thực bản sao, chữ ký, hợp đồng", number="A123",
                      priority_label="ƯU TIÊN – Người cao tuổi", people_ahead=12,
                      issued_at=datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")))
    render_ticket(slip, 576)  # fonts loaded and cached outside the timing
    times = []
    for _ in range(count):
        t0 = time.perf_counter()
        render_ticket(slip, 576)
        times.append((time.perf_counter() - t0) * 1000)
    return {"render_80mm_p50_ms": round(statistics.median(times), 2),
            "render_80mm_p99_ms": round(_percentile(times, 0.99), 2)}


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
        (tmp_path / "tap").mkdir()
        results.update(_tap_to_last_byte(20 if quick else 200, tmp_path / "tap"))
        results["kiosk_process_peak_rss_mb"] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        results.update(_startup(2 if quick else 5, tmp_path))
    return results
