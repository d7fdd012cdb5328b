"""Office hub: call-to-display latency, throughput, memory after a simulated day.

A real `kiosk hub` process on 127.0.0.1 (loopback), its database on disk with the production
settings (WAL, synchronous=FULL). In this process: 10 counters and 3 displays, each a
RemoteQueue with its own HTTP session and WebSocket, as on 13 PCs.

- Call-to-display: a counter presses "next" (the clock starts before the HTTP request) until
  each display's subscriber has the 'called' event (the clock stops in the callback). Calls one
  at a time, spread over the 10 counters; every display's delivery is one sample.
- Throughput: the 10 counters at once, each issuing a ticket and calling the next one in a
  loop (two operations per round, each its own transaction at the hub), displays connected.
- Memory: the hub's resident set (VmRSS, and its peak VmHWM) after a simulated day of 3,000
  tickets issued, called and finished through it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

KEY = "benchmark-office-key-0123"
COUNTERS = 10
DISPLAYS = 3
DAY_TICKETS = 3000
ROOT = Path(__file__).resolve().parent.parent


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _memory_mb(pid: int) -> tuple[float | None, float | None]:
    """(VmRSS, VmHWM) of a process in MB, from /proc (Linux); (None, None) elsewhere."""
    try:
        fields = dict(line.split(":", 1) for line in
                      Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    except OSError:
        return None, None
    def mb(name: str) -> float | None:
        value = fields.get(name, "").strip().split(" ")[0]
        return round(int(value) / 1024, 1) if value.isdigit() else None
    return mb("VmRSS"), mb("VmHWM")


class _Hub:
    def __init__(self, data_dir: Path):
        env = dict(os.environ)
        env.pop("KIOSK_CONFIG", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk.cli", "--data-dir", str(data_dir), "hub",
             "--port", "0", "--key", KEY],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT, env=env)
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        if "hub listening on" not in line:
            self.proc.kill()
            raise RuntimeError(f"the hub did not start: {line!r}")
        self.url = line.rsplit(" ", 1)[1].strip()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class _Display:
    """A display's subscriber: when each 'called' event arrived."""

    def __init__(self) -> None:
        self.arrived: dict[int, float] = {}
        self.cond = threading.Condition()

    def __call__(self, event) -> None:
        if event.kind == "called":
            now = time.perf_counter()
            with self.cond:
                self.arrived[event.ticket.id] = now
                self.cond.notify_all()

    def wait(self, ticket_id: int, timeout: float = 10.0) -> float:
        deadline = time.perf_counter() + timeout
        with self.cond:
            while ticket_id not in self.arrived:
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise TimeoutError(f"display never saw the call of ticket {ticket_id}")
                self.cond.wait(left)
            return self.arrived[ticket_id]


def _office_feed(hub_url: str, counter_dir: Path, dossiers: int) -> dict:
    """A counter PC's dossiers (seeded through the real desk, moved along to later statuses)
    forwarded to the hub in one go, as after a day with the hub away; then look-ups at the
    hub the way the kiosk makes them."""
    import random

    import requests

    from kiosk.config import Config
    from kiosk.dossiers import DossierDesk
    from kiosk.dossiers.seed import seed_dossiers
    from kiosk.hub import protocol as p
    from kiosk.officefeed.forward import backlog
    from kiosk.queue.remote import RemoteQueue
    from kiosk.store import connect

    db = connect(counter_dir / "kiosk.db")
    config = Config().with_values(station={"id": "bench-counter"})
    saved = seed_dossiers(DossierDesk(db, config), dossiers, random.Random(7))
    rows = backlog(db, hub_url)
    # Office records are bound to a paired station: pair this one, as the wizard does.
    paired = requests.post(hub_url + p.PAIR_PATH, headers={p.KEY_HEADER: KEY}, timeout=10,
                           json={"station_id": "bench-counter", "role": "counter"})
    paired.raise_for_status()
    feed = RemoteQueue(hub_url, paired.json()["token"], outbox_path=counter_dir / "kiosk.db")
    try:
        start = time.perf_counter()
        applied = feed.forward_office_records()
        elapsed = time.perf_counter() - start
        lookups = []
        for dossier in saved[:200]:
            t = time.perf_counter()
            assert feed.dossier_view(dossier.code) is not None
            lookups.append(time.perf_counter() - t)
    finally:
        feed.close()
        db.conn.close()
    return {"feed_dossiers": applied, "feed_outbox_rows": rows,
            "feed_seconds": round(elapsed, 2),
            "feed_rows_per_s": round(rows / elapsed),
            "lookup_p50_ms": round(_percentile(lookups, 0.5) * 1000, 1),
            "lookup_p99_ms": round(_percentile(lookups, 0.99) * 1000, 1)}


def run(quick: bool = False) -> dict:
    from kiosk.queue.remote import RemoteQueue

    calls = 60 if quick else 400
    rounds_per_counter = 15 if quick else 60
    day = 600 if quick else DAY_TICKETS
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp:
        hub = _Hub(Path(tmp) / "hub")
        counters = [RemoteQueue(hub.url, KEY) for _ in range(COUNTERS)]
        kiosk = RemoteQueue(hub.url, KEY)
        displays = [RemoteQueue(hub.url, KEY) for _ in range(DISPLAYS)]
        seen = [_Display() for _ in range(DISPLAYS)]
        try:
            for queue, display in zip(displays, seen, strict=True):
                queue.subscribe(display)
                if not queue.wait_events(15):
                    raise RuntimeError("a display could not connect to the hub")
            rss_idle, _ = _memory_mb(hub.proc.pid)

            # -- call-to-display latency ----------------------------------------------------
            for _ in range(calls):
                kiosk.issue("CT")
            samples: list[float] = []
            for i in range(calls):
                n = i % COUNTERS
                start = time.perf_counter()
                ticket = counters[n].call_next(n + 1, ["CT"])
                assert ticket is not None
                samples += [d.wait(ticket.id) - start for d in seen]
            out["call_to_display_p50_ms"] = round(_percentile(samples, 0.5) * 1000, 1)
            out["call_to_display_p99_ms"] = round(_percentile(samples, 0.99) * 1000, 1)
            out["call_to_display_max_ms"] = round(max(samples) * 1000, 1)
            out["call_to_display_samples"] = len(samples)

            # -- throughput: ticket + call, 10 counters at once ------------------------------
            barrier = threading.Barrier(COUNTERS + 1)
            errors: list[BaseException] = []

            def counter_loop(n: int) -> None:
                try:
                    barrier.wait()
                    for _ in range(rounds_per_counter):
                        counters[n].issue("HT")
                        counters[n].call_next(n + 1, ["HT"])
                except BaseException as exc:
                    errors.append(exc)

            threads = [threading.Thread(target=counter_loop, args=(n,))
                       for n in range(COUNTERS)]
            for t in threads:
                t.start()
            barrier.wait()
            start = time.perf_counter()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - start
            if errors:
                raise errors[0]
            ops = COUNTERS * rounds_per_counter * 2
            out["throughput_ops_per_s"] = round(ops / elapsed, 1)
            out["throughput_ops"] = ops

            # -- a simulated day: the rest of the day's tickets, issued, called, finished -----
            done = calls + COUNTERS * rounds_per_counter
            services = ("CT", "HT", "DD", "KD", "XH", "CTR")
            start = time.perf_counter()
            for i in range(max(day - done, 0)):
                kiosk.issue(services[i % len(services)])
                n = i % COUNTERS
                counters[n].call_next(n + 1, services)
                if i % 7 == 0:
                    counters[n].finish(n + 1)
            out["day_tickets"] = max(day, done)
            out["day_seconds"] = round(time.perf_counter() - start, 1)
            snap = displays[0].snapshot()
            out["snapshot_waiting_after_day"] = sum(snap.waiting.values())
            rss, peak = _memory_mb(hub.proc.pid)
            out["hub_rss_idle_mb"] = rss_idle
            out["hub_rss_after_day_mb"] = rss
            out["hub_rss_peak_mb"] = peak
            out.update(_office_feed(hub.url, Path(tmp) / "counter", 150 if quick else 1500))
            out["goal_p99_under_200ms"] = out["call_to_display_p99_ms"] < 200
            out["goal_200_ops_per_s"] = out["throughput_ops_per_s"] >= 200
            out["goal_rss_under_300mb"] = rss is not None and rss < 300
        finally:
            for queue in (*counters, kiosk, *displays):
                queue.close()
            hub.stop()
    return out
