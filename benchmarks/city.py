"""A city of stations: 1,000 stations push a day of records to the reference city server
(`kiosk city-server --workers N`) in front of one PostgreSQL server.

Every station is a real `SyncWorker` (sync/worker.py: its own SQLite database with an
outbox, its own bearer token bound to its office and station in a token file, its own HTTP
connection), run on a thread of a client process (50 stations each: 20 processes for 1,000
stations; this machine has 2 cores). A
station's day is made once through the `kiosk seed` seeders (tickets issued, printed, called
and finished, dossiers received and moved along, ratings, citizen feedback) and given to each
station with record ids of its own. The stations' databases live in /dev/shm: on a real
station each is on its own PC, and their fsyncs are not the city's cost.

Two phases, each checked at the end (the city holds every record exactly once, each station
has nothing pending and nothing set aside):

- **day**: the stations go through a working day compressed into DAY_S seconds; each makes
  its records in SLICES slices spread over the day (each station at its own offsets) and
  pushes what it has made right away. Push latency under a steady load, three ways: as a
  station on a PC of its own sees it (request and answer on the wire, timed by its kernel,
  plus its own CPU: the goal's figure), at the city (its Server-Timing), and as the station's
  thread on this shared machine saw it (with its own wait for a core, measured apart).
- **catch-up**: every station holds a whole day in its outbox (the city was down) and all
  push at once: the most records per second, and per second of receiver CPU.

CPU time is read from /proc for the receiver processes, PostgreSQL's processes and the client
processes over each phase, and the machine's other work; PostgreSQL's WAL position and table
size. The stations are other PCs in a real city: here each client process is a session of
its own at the lowest autogroup weight, its threads in the idle scheduling class, so they
take only the CPU the city leaves. KIOSK_BENCH_CITY_NICE=-5 (as root) runs the city's
processes (receivers and PostgreSQL) at that priority; KIOSK_BENCH_CITY_STATION_CPUS keeps
the stations on some cores.
PostgreSQL is a throwaway server from the distribution's packages (tests/pgcluster.py, fsync
and synchronous commit on), or KIOSK_BENCH_POSTGRES_URL.

Goals: ≥ 5,000 records/s per receiver core, p99 push < 500 ms at 1,000 stations (day, as a
station sees it), nothing lost or duplicated. The run ends with its `reading`: the figures
in sentences, each goal met or not.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import random
import secrets
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIONS = 1000
STATIONS_PER_OFFICE = 10
STATIONS_PER_CLIENT = 50  # five offices per client process, on threads (see _client)
RECEIVERS = 2
DAY_S = 60.0
SLICES = 16
# One station's share of an office's day (an office: ~240 tickets, 10 stations).
STATION_DAY = {"tickets": 24, "dossiers": 6, "ratings": 8, "feedback": 1}
ADMIN_TOKEN = "city-bench-admin-" + "0" * 16
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# -- a station's day --------------------------------------------------------------------------

def _template(tmp: Path) -> tuple[Path, list[tuple[str, int, str, str]]]:
    """An empty station database to copy, and one station-day of outbox rows (type, schema
    version, created_at, payload) made by the seeders."""
    from kiosk.config import Config
    from kiosk.store import connect
    from sync.seed import SEEDERS

    path = tmp / "day.db"
    db = connect(path)
    db.execute("PRAGMA synchronous = OFF")  # set-up speed only
    rng = random.Random(2026)
    config = Config()
    for kind, count in STATION_DAY.items():
        SEEDERS[kind](db, config, count, rng=rng)
    rows = db.execute("SELECT record_type, schema_version, created_at, payload FROM outbox "
                      "ORDER BY id").fetchall()
    db.execute("DELETE FROM outbox")
    db.execute("VACUUM")
    db.conn.close()
    empty = tmp / "empty-station.db"
    shutil.copyfile(path, empty)
    return empty, [tuple(r) for r in rows]


# -- the client processes ---------------------------------------------------------------------

def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / CLK_TCK


def _runqueue_wait_s(pids: list[int]) -> float:
    """Seconds the processes' threads were ready to run but waited for a core
    (/proc/PID/task/TID/schedstat): CPU starvation, as opposed to waiting on I/O."""
    total = 0
    for pid in pids:
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat", encoding="ascii") as f:
                    total += int(f.read().split()[1])
            except (OSError, IndexError, ValueError):
                pass
    return total / 1e9


def _station_cpus() -> set[int] | None:
    """The cores the simulated stations may use: KIOSK_BENCH_CITY_STATION_CPUS ("1", "2,3"),
    all by default. (Keeping them off some cores of a 2-core machine leaves them one core
    for the ~1 core their thousand SyncWorkers need: the day then falls behind its clock.)"""
    value = os.environ.get("KIOSK_BENCH_CITY_STATION_CPUS", "").strip()
    if not value or value == "all" or not hasattr(os, "sched_getaffinity"):
        return None
    return {int(x) for x in value.split(",")} & os.sched_getaffinity(0) or None


def _own_core_wait_s() -> float:
    """Seconds the calling thread has so far been ready to run but waited for a core."""
    try:
        with open("/proc/thread-self/schedstat", encoding="ascii") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def _on_the_wire_s(sock, wall: float) -> float | None:
    """From the request's last byte sent to the answer's last byte received, as the
    station's kernel saw them (TCP_INFO: how long ago it last sent and last received data,
    in jiffies: 4 ms steps at HZ=250), so however late the station's own thread ran after
    its answer had arrived. None where TCP_INFO is not read (not Linux, connection gone)."""
    if sock is None or not hasattr(socket, "TCP_INFO"):
        return None
    try:
        info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
        sent_ago, _, received_ago = struct.unpack_from("<3I", info, 44)
    except (OSError, struct.error):
        return None
    return min(max((sent_ago - received_ago) / 1000, 0.0), wall)


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def _client(specs: list[dict], template: Path, day: list[tuple], url: str, conn) -> None:
    """One client process: its stations, each a SyncWorker on a thread, driven phase by
    phase by the parent's commands over `conn`."""
    import logging

    from kiosk.store import transaction
    from sync import status as st
    from sync import worker as w

    logging.disable(logging.WARNING)  # 503 busy answers are expected in the catch-up
    # The stations are other PCs in a real city: here they share the 2 cores with the
    # city, so they take only the CPU the city leaves (the idle scheduling class: a thousand
    # threads at a mere lower nice value still outweigh two receivers). What that costs a
    # station, its thread's wait for a core, is measured per push and told apart.
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        with contextlib.suppress(OSError):
            os.nice(19)
    # Linux's autogroup scheduling (on by default) shares the CPU between sessions before it
    # looks at a thread's class or nice value: in the city's session, a thousand station
    # threads made the receivers wait for a core longer than they ran (p99 ~1 s at the city).
    # So a session of its own, at the lowest autogroup weight (19: 15 against the city's
    # 1024), and the city server in another (_City).
    with contextlib.suppress(AttributeError, OSError):
        os.setsid()
        Path("/proc/self/autogroup").write_text("19")
    cpus = _station_cpus()
    if cpus:
        with contextlib.suppress(AttributeError, OSError):
            os.sched_setaffinity(0, cpus)
    threading.stack_size(512 * 1024)

    import requests.adapters

    class FromOffice(requests.adapters.HTTPAdapter):
        """Connections from the office's own address (one per office, as behind an
        office's NAT), in 127.0.0.0/8."""

        def __init__(self, source: str):
            self.source = source
            super().__init__()

        def init_poolmanager(self, *args, **kwargs):
            kwargs["source_address"] = (self.source, 0)
            return super().init_poolmanager(*args, **kwargs)

    class TimedWorker(w.SyncWorker):
        """The real worker; only the push's round trip is timed."""

        @property
        def session(self):
            fresh = self._session is None
            s = super().session
            if fresh:
                s.mount("http://", FromOffice(self.source))
                s.hooks["response"].append(self._server_timing)
            return s

        def _server_timing(self, response, *args, **kwargs):
            """The city's own time for the push and its parts (its Server-Timing header:
            city, wait, db), in seconds; and the connection's socket, for the kernel's
            times of the exchange."""
            for metric in response.headers.get("Server-Timing", "").split(","):
                name, _, duration = metric.strip().partition(";dur=")
                with contextlib.suppress(ValueError):
                    self.server[name] = float(duration) / 1000
            connection = getattr(response.raw, "connection", None)
            self.sock = getattr(connection, "sock", None)

        def _post(self, batch):
            self.server = {}
            self.sock = None
            waited = _own_core_wait_s()
            cpu = time.thread_time()
            started = time.perf_counter()
            outcome = super()._post(batch)
            wall = time.perf_counter() - started
            kind = outcome.kind if outcome.kind == "ok" else f"{outcome.kind}: {outcome.message}"
            self.timings.append((wall, kind, len(batch), self.server.get("city"),
                                 _own_core_wait_s() - waited, time.thread_time() - cpu,
                                 _on_the_wire_s(self.sock, wall), self.server.get("wait"),
                                 self.server.get("db")))
            return outcome

    workers = []
    for spec in specs:
        shutil.copyfile(template, spec["db"])
        settings = w.SyncSettings(server_url=url, token=spec["token"], timeout_s=120.0,
                                  backoff_cap_s=10.0)
        worker = TimedWorker(spec["db"], settings, office=spec["office"],
                             station=spec["station"], rng=random.Random(spec["index"]))
        worker.timings = []
        worker.source = spec["source"]
        workers.append(worker)

    from kiosk.config import Config

    template_office = Config().office.code

    def make(worker, rows) -> list[str]:
        """The station makes `rows`: new record ids, its own office in the payloads (the
        city checks a payload's office and dossier codes against the token's office)."""
        ids = [str(uuid.uuid4()) for _ in rows]
        rows = [(t, v, at, p.replace(template_office, worker.office)) for t, v, at, p in rows]
        with transaction(worker.db) as c:
            c.executemany("INSERT INTO outbox (record_id, record_type, schema_version, "
                          "created_at, payload) VALUES (?, ?, ?, ?, ?)",
                          [(rid, t, v, at, p) for rid, (t, v, at, p) in zip(ids, rows,
                                                                          strict=True)])
        return ids

    def push_all(worker) -> None:
        """What the worker's own loop does (SyncWorker.run), until nothing is pending."""
        while True:
            delay = worker.step()
            if delay == w.UNREACHABLE:
                raise RuntimeError(f"{worker.station}: sync stopped: "
                                   f"{worker.status().last_error}")
            if delay > 0 and not worker._failures:
                return  # up to date
            if delay > 0:
                time.sleep(delay)

    def day_station(worker, start: float, offset: float, made: list) -> None:
        slices = [day[k * len(day) // SLICES:(k + 1) * len(day) // SLICES]
                  for k in range(SLICES)]
        for k, rows in enumerate(slices):
            due = start + (k + offset) * DAY_S / SLICES
            time.sleep(max(due - time.time(), 0))
            made.extend(make(worker, rows))
            push_all(worker)

    def catchup_station(worker, start: float, made: list) -> None:
        made.extend(make(worker, day))
        time.sleep(max(start - time.time(), 0))
        push_all(worker)

    while True:
        command = conn.recv()
        if command[0] == "quit":
            break
        phase, start = command
        for worker in workers:
            worker.timings = []
        made: list[list[str]] = [[] for _ in workers]
        threads = []
        for i, worker in enumerate(workers):
            if phase == "day":
                args = (worker, start, random.Random(i).random(), made[i])
                target = day_station
            else:
                args = (worker, start, made[i])
                target = catchup_station
            t = threading.Thread(target=target, args=args, daemon=True)
            t.start()
            threads.append(t)
        failures = []
        for t in threads:
            t.join()
        ended = time.time()
        for worker in workers:
            pending = st.pending_count(worker.db)
            aside = st.set_aside_count(worker.db)
            if pending or aside:
                why = worker.db.execute("SELECT set_aside_reason FROM outbox WHERE "
                                        "set_aside_at IS NOT NULL LIMIT 1").fetchone()
                failures.append(f"{worker.office} {worker.station}: {pending} pending, "
                                f"{aside} set aside ({why[0] if why else ''})")
        conn.send({"ids": [rid for m in made for rid in m], "ended": ended,
                   "timings": [t for worker in workers for t in worker.timings],
                   "failures": failures[:5]})
    for worker in workers:
        worker.close()
    conn.close()


# -- the parent --------------------------------------------------------------------------------

class _City:
    def __init__(self, tmp: Path, url: str, tokens: Path, receivers: int):
        self.err = open(tmp / "city-server.err", "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp / "city-data"),
             "city-server", "--db", url, "--port", "0", "--token-file", str(tokens),
             "--admin-token", ADMIN_TOKEN, "--workers", str(receivers)],
            stdout=subprocess.PIPE, stderr=self.err, text=True, cwd=ROOT,
            start_new_session=True)  # its own autogroup: see _client
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.stop()
            raise RuntimeError("city server did not start: "
                               + (tmp / "city-server.err").read_text()[-2000:])
        self.url = line.rsplit(" ", 1)[1].strip()

    def pids(self) -> list[int]:
        return [self.proc.pid, *_children(self.proc.pid)]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(30)
        self.err.close()
        log = Path(self.err.name).read_text(errors="replace").strip()
        if log:  # what the server had to say (a 503 store_unavailable logs its cause)
            print("city-server log (last lines):\n" + "\n".join(log.splitlines()[-15:]),
                  file=sys.stderr)


def _pg_pids(pid_file: Path | None) -> list[int]:
    if pid_file is None or not pid_file.exists():
        return []
    postmaster = int(pid_file.read_text().split()[0])
    return [postmaster, *_children(postmaster)]


def _pg_counters(url: str) -> dict:
    """WAL written (exact), and the records table's size with its indexes. (The per-database
    statistics views lag by up to 10 s in PostgreSQL 15, so commits are counted by the
    clients instead: one per push that stored records.)"""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn, pg_total_relation_size('records'), "
            "(SELECT count(*) FROM records)").fetchone()
    return dict(zip(("wal_bytes", "records_bytes", "rows"), (int(x) for x in row),
                    strict=True))


def _machine_busy() -> tuple[float, float]:
    with open("/proc/stat", encoding="ascii") as f:
        values = [int(x) for x in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / CLK_TCK, sum(values) / CLK_TCK


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)] if ordered else 0.0


def _check_city(url: str, expected: set[str]) -> dict:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        count, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT record_id) FROM records").fetchone()
        stored = {r[0] for r in conn.execute("SELECT record_id FROM records")}
    missing, extra = expected - stored, stored - expected
    if count != distinct or missing or extra:
        raise RuntimeError(f"the city does not hold every record once: {count} rows, "
                           f"{distinct} distinct ids, {len(missing)} missing, "
                           f"{len(extra)} unknown")
    return {"city_records": count, "city_distinct_ids": distinct}


def _phase(name: str, pipes, city: _City, pg_url: str, pg_pid_file: Path | None,
           client_pids: list[int], lead_s: float) -> dict:
    start = time.time() + lead_s
    for pipe in pipes:
        pipe.send((name, start))
    time.sleep(max(start - time.time(), 0))
    load_at_start = os.getloadavg()[0]
    server_pids, pg_pids = city.pids(), _pg_pids(pg_pid_file)
    before = (_cpu_seconds(server_pids), _cpu_seconds(pg_pids), _cpu_seconds(client_pids),
              _pg_counters(pg_url), _machine_busy(), _runqueue_wait_s(server_pids))
    answers = [pipe.recv() for pipe in pipes]
    wall = max(a["ended"] for a in answers) - start
    server_cpu = _cpu_seconds(server_pids) - before[0]
    server_waited = _runqueue_wait_s(server_pids) - before[5]
    pg_cpu = _cpu_seconds(_pg_pids(pg_pid_file)) - before[1]
    client_cpu = _cpu_seconds(client_pids) - before[2]
    counters = _pg_counters(pg_url)
    busy = _machine_busy()
    failures = [f for a in answers for f in a["failures"]]
    if failures:
        raise RuntimeError(f"{name}: stations not done: {failures[:5]}")
    ids = [rid for a in answers for rid in a["ids"]]
    timings = [t for a in answers for t in a["timings"]]
    ok_timings = [t for t in timings if t[1] == "ok"]
    ok = [t[0] for t in ok_timings]
    at_city = [t[3] for t in ok_timings if t[3] is not None]
    city_wait = [t[7] for t in ok_timings if t[7] is not None]
    city_db = [t[8] for t in ok_timings if t[8] is not None]
    # What the stations' own thread spent of a push: waiting for a core of this shared
    # machine (a real station has its own PC), and its own CPU; the exchange on the wire as
    # the station's kernel saw it, and that plus the station's own CPU: what a station on a
    # PC of its own (as fast as a core here) would have seen.
    own_wait = [t[4] for t in ok_timings]
    own_cpu = [t[5] for t in ok_timings]
    wire = [t[6] for t in ok_timings if t[6] is not None]
    own_pc = [t[6] + t[5] for t in ok_timings if t[6] is not None]
    records = len(ids)
    delta = {k: counters[k] - before[3][k] for k in counters}
    return {
        "ids": ids,
        "figures": {
            "records": records,
            "wall_s": round(wall, 1),
            "records_per_s": round(records / wall),
            "pushes": len(ok),
            "records_per_push": round(sum(t[2] for t in ok_timings) / max(len(ok), 1), 1),
            "push_p50_ms": round(_percentile(ok, 0.50) * 1000, 1),
            "push_p99_ms": round(_percentile(ok, 0.99) * 1000, 1),
            "push_max_ms": round(max(ok, default=0) * 1000, 1),
            "push_at_city_p50_ms": round(_percentile(at_city, 0.50) * 1000, 1),
            "push_at_city_p99_ms": round(_percentile(at_city, 0.99) * 1000, 1),
            "push_at_city_waiting_for_a_slot_p99_ms": round(_percentile(city_wait, 0.99)
                                                            * 1000, 1),
            "push_at_city_storing_p50_ms": round(_percentile(city_db, 0.50) * 1000, 1),
            "push_at_city_storing_p99_ms": round(_percentile(city_db, 0.99) * 1000, 1),
            "push_on_the_wire_p50_ms": round(_percentile(wire, 0.50) * 1000, 1),
            "push_on_the_wire_p99_ms": round(_percentile(wire, 0.99) * 1000, 1),
            "push_on_the_wire_measured": len(wire),
            "push_own_pc_p50_ms": round(_percentile(own_pc, 0.50) * 1000, 1),
            "push_own_pc_p99_ms": round(_percentile(own_pc, 0.99) * 1000, 1),
            "push_own_pc_max_ms": round(max(own_pc, default=0) * 1000, 1),
            "station_waiting_for_a_core_p99_ms": round(_percentile(own_wait, 0.99) * 1000, 1),
            "station_cpu_per_push_ms": round(sum(own_cpu) / max(len(own_cpu), 1) * 1000, 2),
            "not_stored_answers": len(timings) - len(ok_timings),
            "not_stored_kinds": dict(Counter(t[1][:60] for t in timings
                                             if t[1] != "ok").most_common(3)),
            "receiver_cpu_s": round(server_cpu, 2),
            "receiver_cores_busy": round(server_cpu / wall, 2),
            "receiver_waiting_for_a_core_s": round(server_waited, 1),
            "records_per_receiver_core_s": round(records / server_cpu) if server_cpu else None,
            "postgres_cpu_s": round(pg_cpu, 2),
            "postgres_cores_busy": round(pg_cpu / wall, 2),
            "postgres_cpu_us_per_record": round(pg_cpu / max(records, 1) * 1e6, 1),
            "postgres_rows_inserted": delta["rows"],
            "postgres_wal_bytes_per_record": round(delta["wal_bytes"] / max(records, 1)),
            "postgres_table_bytes_per_record": round(counters["records_bytes"]
                                                     / max(counters["rows"], 1)),
            "clients_cpu_s": round(client_cpu, 2),
            "load_average_1min_at_start": round(load_at_start, 1),
            "load_average_1min_at_end": round(os.getloadavg()[0], 1),
            "machine_cores_busy": round((busy[0] - before[4][0]) / (busy[1] - before[4][1])
                                        * (os.cpu_count() or 1), 2),
            # Cores taken by work that is neither the city nor its stations (other jobs on a
            # shared machine): the city's latencies are only its own on a quiet machine.
            "other_work_cores_busy": round(max(
                (busy[0] - before[4][0]) - server_cpu - pg_cpu - client_cpu, 0.0)
                / (busy[1] - before[4][1]) * (os.cpu_count() or 1), 2),
        },
    }


def _reading(out: dict) -> list[str]:
    """The figures in sentences, with the goals: what `python -m benchmarks city` prints last."""
    def met(ok: bool) -> str:
        return "MET" if ok else "NOT MET"

    d = {k[4:]: v for k, v in out.items() if k.startswith("day_")}
    c = {k[8:]: v for k, v in out.items() if k.startswith("catchup_")}
    per_core = [d["records_per_receiver_core_s"] or 0, c["records_per_receiver_core_s"] or 0]
    lines = [
        f"{out['stations']} stations ({out['offices']} offices; {STATIONS_PER_CLIENT} stations "
        "a client process, each process a session of its own at the lowest autogroup weight, "
        f"its threads in the idle scheduling class, on cores: {out['station_cpus']}), "
        f"{out['receiver_processes']} receiver processes and one PostgreSQL (on any core), "
        f"all on this machine's {os.cpu_count()} cores.",
        f"Receiver CPU: {d['records_per_receiver_core_s']:,} records per core-second with the "
        f"day's pushes of {d['records_per_push']} records, "
        f"{c['records_per_receiver_core_s']:,} with the catch-up's pushes of "
        f"{c['records_per_push']:.0f}; goal >= 5,000: "
        f"{met(min(per_core) >= 5000)}.",
        f"Day push latency p50 / p99: {d['push_own_pc_p50_ms']} / {d['push_own_pc_p99_ms']} ms "
        "as a station on a PC of its own sees it (request and answer on the wire, as its "
        "kernel timed them, plus its own CPU); at the city (Server-Timing) "
        f"{d['push_at_city_p50_ms']} / {d['push_at_city_p99_ms']} ms, of which waiting for a "
        f"turn to store p99 {d['push_at_city_waiting_for_a_slot_p99_ms']} ms and storing "
        f"(a PostgreSQL connection, the statement, the commit) p99 "
        f"{d['push_at_city_storing_p99_ms']} ms; goal p99 < 500 ms at 1,000 "
        f"stations: {met(d['push_own_pc_p99_ms'] < 500)}"
        + ("." if out["stations"] >= 1000 else f" (only {out['stations']} stations here)."),
        f"The simulated stations' threads themselves saw p50 / p99 {d['push_p50_ms']} / "
        f"{d['push_p99_ms']} ms: they share this machine's cores and waited for one up to "
        f"{d['station_waiting_for_a_core_p99_ms']} ms (p99) per push; not a station's view.",
        f"{d['not_stored_answers']} day pushes and {c['not_stored_answers']} catch-up pushes "
        "were answered busy (503) and sent again; "
        f"lost or duplicated records: {out['lost_or_duplicated']} of {out['city_records']:,} "
        "(every id checked).",
        "Catch-up: every station sends a whole day at once, so its latencies "
        f"(p99 {c['push_own_pc_p99_ms']} ms) are queueing by design; its figure is "
        f"throughput: {c['records_per_s']:,} records/s on the whole machine.",
        f"Machine: load average {d['load_average_1min_at_start']} at the day's start "
        f"(counting the idle-class station threads), other work took "
        f"{d['other_work_cores_busy']} of {os.cpu_count()} cores during the day and "
        f"{c['other_work_cores_busy']} during the catch-up; the receivers waited "
        f"{d['receiver_waiting_for_a_core_s']} s for a core while running "
        f"{d['receiver_cpu_s']} s. Latencies measured with other work running are "
        "pessimistic.",
    ]
    if d["wall_s"] > out["day_compressed_into_s"] * 1.1:
        lines.append(f"The day took {d['wall_s']} s instead of {out['day_compressed_into_s']} s:"
                     " the stations fell behind (short of CPU), so the day's load was lower "
                     "than planned.")
    return lines


def run(quick: bool = False, *, stations: int | None = None, receivers: int = RECEIVERS,
        day_s: float | None = None) -> dict:
    global DAY_S
    stations = stations or (100 if quick else STATIONS)
    DAY_S = day_s or (8.0 if quick else DAY_S)
    shm = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    tmp = Path(tempfile.mkdtemp(prefix="bench-city-"))
    stations_dir = Path(tempfile.mkdtemp(prefix="bench-city-stations-", dir=shm))
    cluster = None
    city = None
    procs: list = []
    pipes: list = []
    try:
        pg_url = os.environ.get("KIOSK_BENCH_POSTGRES_URL")
        pg_pid_file = None
        if not pg_url:
            sys.path.insert(0, str(ROOT))
            from tests.pgcluster import Cluster, Unavailable

            try:
                cluster = Cluster(durable=True)
            except Unavailable as exc:
                raise RuntimeError(f"no PostgreSQL for the city benchmark: {exc}") from None
            pg_url = cluster.create_database()
            pg_pid_file = cluster.pid_file
        template, day = _template(tmp)
        specs = []
        lines = []
        for i in range(stations):
            office = f"000.{i // STATIONS_PER_OFFICE // 100:02d}." \
                     f"{i // STATIONS_PER_OFFICE % 100:02d}.H26"
            station = f"station-{i % STATIONS_PER_OFFICE + 1}"
            token = f"st{i:05d}-{secrets.token_hex(12)}"
            lines.append(f"{token} {office} {station}")
            n = i // STATIONS_PER_OFFICE
            specs.append({"index": i, "office": office, "station": station, "token": token,
                          "db": str(stations_dir / f"s{i:05d}.db"),
                          "source": f"127.1.{n // 250}.{n % 250 + 1}"})
        tokens = tmp / "tokens.txt"
        tokens.write_text("# TOKEN OFFICE STATION\n" + "\n".join(lines) + "\n",
                          encoding="utf-8")
        city = _City(tmp, pg_url, tokens, receivers)
        nice = os.environ.get("KIOSK_BENCH_CITY_NICE")
        if nice:  # the city's own machine, approximated: its processes first (root only)
            for pid in city.pids() + _pg_pids(pg_pid_file):
                os.setpriority(os.PRIO_PROCESS, pid, int(nice))
        import sync.worker  # noqa: F401 - loaded once here, shared by the forked stations

        context = multiprocessing.get_context("fork")
        n_clients = -(-stations // STATIONS_PER_CLIENT)
        for k in range(n_clients):
            parent, child = context.Pipe()
            mine = specs[k * STATIONS_PER_CLIENT:(k + 1) * STATIONS_PER_CLIENT]
            proc = context.Process(target=_client, args=(mine, template, day, city.url, child),
                                   daemon=True)
            proc.start()
            child.close()
            procs.append(proc)
            pipes.append(parent)
        client_pids = [p.pid for p in procs]
        day_phase = _phase("day", pipes, city, pg_url, pg_pid_file, client_pids,
                           lead_s=3.0 + stations / 200)
        expected = set(day_phase["ids"])
        _check_city(pg_url, expected)
        catchup = _phase("catchup", pipes, city, pg_url, pg_pid_file, client_pids,
                         lead_s=3.0 + stations / 100)
        expected |= set(catchup["ids"])
        checked = _check_city(pg_url, expected)
        out = {
            "city_processes_nice": int(nice) if nice else 0,
            "station_cpus": ",".join(map(str, sorted(_station_cpus() or []))) or "all",
            "stations": stations,
            "offices": -(-stations // STATIONS_PER_OFFICE),
            "receiver_processes": receivers,
            "client_processes": n_clients,
            "records_per_station_day": len(day),
            "day_compressed_into_s": DAY_S,
            "pushes_per_station_day": SLICES,
        }
        out.update({f"day_{k}": v for k, v in day_phase["figures"].items()})
        out.update({f"catchup_{k}": v for k, v in catchup["figures"].items()})
        out.update(checked)
        out["lost_or_duplicated"] = 0  # _check_city raised otherwise
        out["goals"] = ("records_per_receiver_core_s >= 5000, p99 push < 500 ms at 1000 "
                        "stations as a station sees it (day_push_own_pc_p99_ms), nothing lost "
                        "or duplicated")
        out["reading"] = _reading(out)
        return out
    finally:
        for pipe in pipes:
            with contextlib.suppress(OSError):
                pipe.send(("quit",))
        for proc in procs:
            proc.join(30)
            if proc.is_alive():
                proc.kill()
        if city is not None:
            city.stop()
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(stations_dir, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
