"""The office dossier book: a counter PC's intake, look-up and offline catch-up.

A real `kiosk hub` process on 127.0.0.1 (loopback), its database on disk with the production
settings; in this process two counter PCs, each its own database file, paired key,
RemoteQueue and OfficeDesk with dossier numbers leased from the hub (as the counter window
makes them, kiosk/ui/counter/lanes.py).

- Intake to receipt: PC A saves an intake (numbers topped up, the mirror and the book's queue
  in one transaction, the change pushed to the hub and applied there) and renders its
  thermal receipt (576 dots); the clock covers both.
- Look-up at another PC: PC B opens each of A's dossiers by code (its own queue pushed first,
  the book asked for the whole record, the mirror refreshed).
- Catch-up: the hub is stopped; PC A takes in 60 dossiers and moves each to "processing"
  (a morning's work, 120 changes, timestamps as made); the hub is started again on the same
  port; the clock runs from the restart (the hub's own start-up included, also given alone)
  until A's queue is empty, pushed by its RemoteQueue's background thread alone (as at a
  counter, nobody touching the window).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KEY = "benchmark-office-key-0123"
ROOT = Path(__file__).resolve().parent.parent
CATCH_UP = 60


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Hub:
    def __init__(self, data_dir: Path, port: int):
        self.data_dir, self.port = data_dir, port
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        env = dict(os.environ)
        env.pop("KIOSK_CONFIG", None)
        deadline = time.monotonic() + 15
        while True:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "kiosk.cli", "--data-dir", str(self.data_dir), "hub",
                 "--port", str(self.port), "--key", KEY],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
                env=env)
            line = self.proc.stdout.readline()  # type: ignore[union-attr]
            if "hub listening on" in line:
                return
            self.proc.kill()
            self.proc.wait()
            if time.monotonic() > deadline:
                raise RuntimeError(f"the hub did not start: {line!r}")
            time.sleep(0.2)  # the port may take a moment to be free again

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _pair(url: str, station: str) -> str:
    import requests

    from kiosk.hub import protocol as p

    with requests.Session() as http:
        http.trust_env = False
        r = http.post(url + p.PAIR_PATH, json={"station_id": station, "role": "counter"},
                      headers={p.KEY_HEADER: KEY}, timeout=10)
    r.raise_for_status()
    return r.json()["token"]


class _Counter:
    def __init__(self, folder: Path, station: str, number: int, url: str, *,
                 background: bool = False):
        from kiosk.config import Config
        from kiosk.dossiers.numbers import leased_numbers_for
        from kiosk.dossiers.office import OfficeDesk
        from kiosk.paths import Paths
        from kiosk.queue.remote import RemoteQueue
        from kiosk.store import connect

        folder.mkdir(parents=True)
        path = folder / "kiosk.db"
        self.db = connect(path)
        config = Config().with_values(station={"id": station}, counter={"number": number},
                                      hub={"role": "client"})
        self.queue = RemoteQueue(url, _pair(url, station), outbox_path=path, timeout_s=2,
                                 dossier_book=True,
                                 on_connection=(lambda _s: None) if background else None)
        numbers = leased_numbers_for(config, Paths(folder, folder / "kiosk.toml"), self.queue)
        self.desk = OfficeDesk(self.db, config, self.queue, numbers=numbers)

    def close(self) -> None:
        self.queue.close()
        self.db.conn.close()


def _intake():
    from datetime import date

    from kiosk.dossiers import Intake, Person

    person = Person("Nguyễn Thị Kim Thư", "093186002237", date(1986, 1, 11), "Nữ",
                    "56 Trần Hoàng Na, Kv6, An Khánh, Ninh Kiều, Cần Thơ", "0912345678")
    return Intake("1.004222", person, area="Tổ dân phố số 3")


def run(quick: bool = False) -> dict:
    import logging

    from kiosk.dossiers.office import pending_count
    from kiosk.dossiers.status import DossierStatus

    logging.getLogger("kiosk").setLevel(logging.ERROR)  # the hub going away is expected here
    n = 40 if quick else 200
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        hub = _Hub(Path(tmp) / "hub", _free_port())
        hub.start()
        a = _Counter(Path(tmp) / "a", "counter-a", 1, hub.url, background=True)
        b = _Counter(Path(tmp) / "b", "counter-b", 2, hub.url)
        try:
            a.desk.save_intake(_intake(), clerk="Khởi động")  # first lease, connections
            intake_ms, saved_ms, codes = [], [], []
            for _ in range(n):
                start = time.perf_counter()
                code = a.desk.save_intake(_intake(), clerk="Phạm Thị Quỳnh Hương").code
                saved = time.perf_counter()
                a.desk.render_receipt(code, 576)
                intake_ms.append((time.perf_counter() - start) * 1000)
                saved_ms.append((saved - start) * 1000)
                codes.append(code)
            assert pending_count(a.db) == 0, "intakes left unpushed"
            out["intake_to_receipt_p50_ms"] = round(_percentile(intake_ms, 0.5), 1)
            out["intake_to_receipt_p99_ms"] = round(_percentile(intake_ms, 0.99), 1)
            out["intake_saved_in_book_p50_ms"] = round(_percentile(saved_ms, 0.5), 1)
            out["intake_saved_in_book_p99_ms"] = round(_percentile(saved_ms, 0.99), 1)

            lookup_ms = []
            for code in codes:
                start = time.perf_counter()
                b.desk.get(code)
                lookup_ms.append((time.perf_counter() - start) * 1000)
            assert not b.desk.stale
            out["lookup_other_pc_p50_ms"] = round(_percentile(lookup_ms, 0.5), 1)
            out["lookup_other_pc_p99_ms"] = round(_percentile(lookup_ms, 0.99), 1)

            hub.stop()
            for _ in range(CATCH_UP):
                code = a.desk.save_intake(_intake(), clerk="Phạm Thị Quỳnh Hương").code
                a.desk.change_status(code, DossierStatus.PROCESSING, clerk="Trần Minh Đức")
            queued = pending_count(a.db)
            start = time.perf_counter()
            hub.start()
            out["catch_up_hub_start_s"] = round(time.perf_counter() - start, 2)
            while pending_count(a.db):
                if time.perf_counter() - start > 120:
                    raise TimeoutError("the offline changes did not reach the hub")
                time.sleep(0.05)
            out["catch_up_changes"] = queued
            out["catch_up_s"] = round(time.perf_counter() - start, 2)
        finally:
            a.close()
            b.close()
            hub.stop()
    return out
