"""Power cuts: a process issuing tickets and saving dossiers is killed with SIGKILL at random
moments, several times, restarting each time on the same data directory. Afterwards the
database passes `PRAGMA integrity_check`, every ticket and dossier the process acknowledged
(printed to stdout after its commit) is there with its outbox record, and the log file is
whole lines of text.

Run as `python -m tests.store.test_powercut DATA_DIR`, this module is the worker.
"""

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.faultproxy import ROOT
from tests.util import wait_until

KILLS = 4
SERVICES = ("CT", "HT", "DD", "CU")
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) ")


def worker(data_dir: Path) -> None:
    """Issue tickets and save dossiers until killed; one stdout line per committed record."""
    from kiosk.config import Config
    from kiosk.dossiers import DossierDesk
    from kiosk.logs import setup_logging
    from kiosk.paths import Paths
    from kiosk.store import connect
    from kiosk.ticketing import TicketDesk
    from tests.dossiers.test_dossiers_helpers import CLERK, intake

    paths = Paths(data_dir, data_dir / "kiosk.toml")
    setup_logging(paths)
    config = Config()
    db = connect(paths.database)
    tickets, dossiers = TicketDesk(db, config), DossierDesk(db, config)
    print("ready", flush=True)
    n = 0
    while True:
        ticket = tickets.issue(SERVICES[n % len(SERVICES)])
        print(f"T {ticket.id} {ticket.uid} {ticket.number}", flush=True)
        tickets.record_print(ticket, n % 5 != 0, None if n % 5 else "paper out")
        if n % 2 == 0:
            dossier = dossiers.save_intake(intake(ticket_id=ticket.id), clerk=CLERK)
            print(f"D {dossier.code} {dossier.uid}", flush=True)
        n += 1


def _collect(proc: subprocess.Popen, lines: list[str]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.endswith("\n"):  # a line cut by the kill was never acknowledged
            lines.append(line.rstrip("\n"))


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_sigkill_while_issuing_tickets_and_saving_dossiers(tmp_path):
    rng = random.Random(2026)
    acknowledged: list[str] = []
    started = time.monotonic()
    for _ in range(KILLS):
        proc = subprocess.Popen([sys.executable, "-m", "tests.store.test_powercut", str(tmp_path)],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True, encoding="utf-8")
        lines: list[str] = []
        reader = threading.Thread(target=_collect, args=(proc, lines), daemon=True)
        reader.start()
        wait_until(lambda p=proc, got=lines: "ready" in got or p.poll() is not None, timeout=20,
                   interval=0.01)
        assert "ready" in lines, "the worker did not start"
        time.sleep(rng.uniform(0.1, 0.5))  # a random moment to cut the power: what is tested
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        reader.join(10)
        records = [line for line in lines if line != "ready"]
        assert records, "killed before anything was acknowledged: kill later"
        acknowledged += records
    assert time.monotonic() - started < 20

    conn = sqlite3.connect(tmp_path / "kiosk.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        tickets = dict(conn.execute("SELECT id, uid FROM tickets").fetchall())
        dossiers = dict(conn.execute("SELECT code, uid FROM dossiers").fetchall())
        outbox = {r[0] for r in conn.execute("SELECT record_id FROM outbox")}
        # A dossier's outbox records are keyed by its history events.
        queued_dossiers = {r[0] for r in conn.execute(
            "SELECT d.code FROM dossiers d JOIN dossier_events e ON e.dossier_id = d.id "
            "JOIN outbox o ON o.record_id = e.uid")}
        numbers = conn.execute("SELECT day, service_code, seq, count(*) FROM tickets "
                               "GROUP BY day, service_code, seq HAVING count(*) > 1").fetchall()
    finally:
        conn.close()
    assert numbers == []  # no number given twice across the restarts
    acked_tickets = [line.split() for line in acknowledged if line.startswith("T ")]
    acked_dossiers = [line.split() for line in acknowledged if line.startswith("D ")]
    assert len(acked_tickets) >= KILLS and acked_dossiers
    for _, ticket_id, uid, _number in acked_tickets:
        assert tickets.get(int(ticket_id)) == uid
        assert uid in outbox
    for _, code, uid in acked_dossiers:
        assert dossiers.get(code) == uid
        assert code in queued_dossiers

    log = (tmp_path / "logs" / "kiosk.log").read_bytes().decode("utf-8")
    lines = log.split("\n")
    whole = lines[:-1]  # the last piece may have been cut by the final kill
    assert whole and all(LOG_LINE.match(line) for line in whole)
    assert not any(code in log for code in ("093186002237", "089202017098"))


if __name__ == "__main__":
    worker(Path(sys.argv[1]))
