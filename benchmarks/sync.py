"""City sync: drain a 100,000-record backlog to the reference server on loopback.

Figures: records per second and bytes on the wire per record (request and answer: request
line, headers, gzipped bodies) for `kiosk sync once` as its own process, that process's peak
RSS, and the UI thread's worst frame delay while the worker drains on a thread of a Qt
application (a QTimer ticking every 5 ms on the main thread; the worst gap between ticks).

Goals: ≥ 2,000 records/s, < 300 bytes/record, worker RSS < 150 MB, UI never blocked > 50 ms.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-station-token"
FRAME_MS = 5


def _seed(db_path: Path, records: int) -> tuple[int, float]:
    from kiosk.config import Config
    from kiosk.store import connect
    from sync.seed import seed_tickets

    db = connect(db_path)
    db.execute("PRAGMA synchronous = OFF")  # setup speed only; the worker uses its own
    started = time.perf_counter()
    made = seed_tickets(db, Config(), -(-records // 3), rng=random.Random(2026), serve=False)
    seconds = time.perf_counter() - started
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return made, seconds


class _Server:
    def __init__(self, tmp: Path, name: str):
        self.err = open(tmp / f"{name}.err", "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp / f"{name}-data"),
             "city-server", "--db", str(tmp / f"{name}.db"), "--port", "0", "--token", TOKEN],
            stdout=subprocess.PIPE, stderr=self.err, text=True, cwd=ROOT)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.stop()
            raise RuntimeError(f"city server did not start: {line}")
        self.url = line.rsplit(" ", 1)[1].strip()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(30)
        self.err.close()


def _watch_peak_rss(proc: subprocess.Popen, peak_kb: list[int]) -> None:
    """The child's own peak RSS (VmHWM). Not ru_maxrss: on Linux a child's maxrss starts at
    the size of the parent it was forked from, and this parent has Qt loaded."""
    status = Path(f"/proc/{proc.pid}/status")
    while proc.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kb[0] = max(peak_kb[0], int(line.split()[1]))
        except (OSError, ValueError):
            pass
        time.sleep(0.02)


def _drain_subprocess(tmp: Path, db_path: Path, url: str) -> dict:
    config = tmp / "station.toml"
    config.write_text(f'[store]\npath = "{db_path}"\n', encoding="utf-8")
    env = dict(os.environ, KIOSK_CONFIG=str(config))
    started = time.perf_counter()
    with tempfile.TemporaryFile(mode="w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp / "station-data"), "sync",
             "once", "--json", "--no-progress", "--server", url, "--token", TOKEN],
            stdout=subprocess.PIPE, stderr=err, text=True, env=env, cwd=ROOT)
        peak_kb = [0]
        watcher = threading.Thread(target=_watch_peak_rss, args=(proc, peak_kb), daemon=True)
        watcher.start()
        stdout, _ = proc.communicate()
        watcher.join()
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"kiosk sync once failed: {err.read()[-2000:]}")
    out = json.loads(stdout)
    out["wall_s"] = wall
    out["peak_rss_mb"] = peak_kb[0] / 1024
    return out


def _ui_frames_while_draining(db_path: Path, url: str, timeout_s: float) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from sync.worker import SyncSettings, SyncWorker

    app = QApplication.instance() or QApplication([])
    worker = SyncWorker(db_path, SyncSettings(server_url=url, token=TOKEN, interval_s=3600),
                        office="000.00.01.H26", station="kiosk-1")
    clock = QElapsedTimer()
    gaps: list[float] = []
    last = [0.0]
    state = {"started": None, "done": None}

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        gaps.append(now - last[0])
        last[0] = now
        status = worker.status()
        if state["started"] is None and now > 250:
            state["started"] = time.perf_counter()
            worker.start()
        if state["started"] is not None and status.sent_total and status.pending == 0 \
                and status.state == "up_to_date":
            state["done"] = time.perf_counter()
            app.quit()
        if now > timeout_s * 1000:
            app.quit()

    timer = QTimer()
    timer.setInterval(FRAME_MS)
    timer.timeout.connect(tick)
    clock.start()
    timer.start()
    app.exec()
    timer.stop()
    worker.stop()
    baseline = gaps[1:40]  # the first ~200 ms, before the worker starts
    during = gaps[50:]
    during_sorted = sorted(during)
    sent = worker.status().sent_total
    seconds = (state["done"] or time.perf_counter()) - state["started"]
    return {
        "ui_worst_frame_delay_ms": round(max(during), 1),
        "ui_p99_frame_gap_ms": round(during_sorted[int(len(during_sorted) * 0.99)], 1),
        "ui_frames_over_50ms": sum(1 for g in during if g > 50),
        "ui_frames_measured": len(during),
        "ui_baseline_worst_gap_ms": round(max(baseline), 1),
        "in_app_records_per_s": round(sent / seconds) if seconds > 0 else None,
        "in_app_records_sent": sent,
    }


def run(quick: bool = False) -> dict:
    records = 10_000 if quick else 100_000
    tmp = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        station = tmp / "station.db"
        made, seed_s = _seed(station, records)
        copy = tmp / "station-ui.db"
        shutil.copyfile(station, copy)

        server = _Server(tmp, "city-a")
        try:
            drained = _drain_subprocess(tmp, station, server.url)
        finally:
            server.stop()
        run_info = drained["run"]
        if drained["pending"] or run_info["records_sent"] != made:
            raise RuntimeError(f"backlog not drained: {drained}")
        wire = run_info["bytes_up"] + run_info["bytes_down"]

        server = _Server(tmp, "city-b")
        try:
            ui = _ui_frames_while_draining(copy, server.url, timeout_s=600)
        finally:
            server.stop()

        return {
            "backlog_records": made,
            "records_per_s": round(made / run_info["elapsed_s"]),
            "records_per_s_incl_startup": round(made / drained["wall_s"]),
            "bytes_per_record": round(wire / made, 1),
            "bytes_up_per_record": round(run_info["bytes_up"] / made, 1),
            "bytes_down_per_record": round(run_info["bytes_down"] / made, 1),
            "requests": run_info["requests"],
            "worker_rss_mb": round(drained["peak_rss_mb"], 1),
            **ui,
            "seed_records_per_s": round(made / seed_s),
            "goals": "records_per_s >= 2000, bytes_per_record < 300, worker_rss_mb < 150, "
                     "ui_worst_frame_delay_ms <= 50",
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
