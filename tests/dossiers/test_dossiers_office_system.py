"""The office dossier book against real processes: a hub, three counter PCs (each its own
data folder and process) and a real city server.

Two PCs take in 30 dossiers each at the same time while the hub is killed and restarted once;
the third works offline (its link to the hub cut) for part of the run, past its leased block
into its own fallback range. Afterwards every code is
distinct, every dossier is shown and handed back at a PC other than the one that took it in,
the hub and every PC agree, and the city holds each record exactly once.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest

from kiosk.calendar import CalendarRules, is_working_day
from tests.faultproxy import CityServer, FaultProxy
from tests.hubutil import ROOT, HubProcess, pair

pytestmark = pytest.mark.slow

CCCD = ("089202017098|352576714|Lê Văn Lương|23052002|Nam|Tổ 10 Ấp An Thái, Hòa Bình, "
        "Chợ Mới, An Giang|31122021")
PROCEDURE = "1.001022"  # 3 working days
CITY_TOKEN = "office-city-token-0123456789"


class OfficePC:
    """A counter PC: tests/dossiers/officepc.py in a subprocess with its own data folder."""

    def __init__(self, data_dir: Path, number: int, hub_url: str, key: str):
        self.number = number
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        (data_dir / "kiosk.toml").write_text(
            f'[station]\nid = "counter-{number}"\nrole = "counter"\n'
            f'[hub]\nrole = "client"\nurl = "{hub_url}"\nstation_key = "{key}"\n'
            f'timeout_s = 2\n'
            f'[counter]\nnumber = {number}\nclerk = "Cán bộ quầy {number}"\n',
            encoding="utf-8")
        self.err = open(data_dir.parent / f"pc{number}.err", "w")  # noqa: SIM115
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"}
        env.pop("KIOSK_CONFIG", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.dossiers.officepc"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self.err, text=True, encoding="utf-8", cwd=ROOT,
            env=env)
        self.lock = threading.Lock()

    def run(self, *args: str) -> dict:
        with self.lock:
            self.proc.stdin.write(json.dumps(["--data-dir", str(self.data_dir), *args]) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        assert line, f"PC {self.number} died: see {self.err.name}"
        return json.loads(line)

    def ok(self, *args: str) -> dict:
        answer = self.run(*args, "--json")
        assert answer["rc"] == 0, (self.number, args, answer["err"])
        return json.loads(answer["out"])

    def intake(self) -> dict:
        return self.ok("dossier", "intake", "--procedure", PROCEDURE, "--cccd", CCCD)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(30)
        self.err.close()


def test_three_counter_pcs_share_one_dossier_book(tmp_path):
    city = CityServer(tmp_path, tokens=(CITY_TOKEN,))
    hub_dir = tmp_path / "hub"
    hub = HubProcess(hub_dir, config=(
        f'[station]\nid = "hub-1"\nrole = "hub"\n'
        f'[sync]\nserver_url = "{city.url}"\ntoken = "{CITY_TOKEN}"\n'))
    proxy = FaultProxy(hub.url).start()
    pcs: list[OfficePC] = []
    try:
        keys = [pair(hub.url, f"counter-{n}", "counter") for n in (1, 2, 3)]
        a = OfficePC(tmp_path / "pc1", 1, hub.url, keys[0])
        b = OfficePC(tmp_path / "pc2", 2, hub.url, keys[1])
        c = OfficePC(tmp_path / "pc3", 3, proxy.url, keys[2])
        pcs = [a, b, c]

        taken: dict[int, list[str]] = {1: [], 2: [], 3: []}
        # The third PC takes some in online, then loses its link to the hub and goes on.
        taken[3] += [c.intake()["code"] for _ in range(3)]
        proxy.down = True

        restarted = threading.Event()

        def work(pc: OfficePC) -> None:
            for i in range(30):
                taken[pc.number].append(pc.intake()["code"])
                if pc is a and i == 10:
                    hub.proc.kill()  # a power cut at the hub, mid-run
                    hub.proc.wait()
                    hub.start()
                    restarted.set()

        workers = [threading.Thread(target=work, args=(pc,)) for pc in (a, b)]
        for w in workers:
            w.start()
        # More than its leased block holds: the rest from its own fallback range (counter 3:
        # 9201-9300).
        offline = [c.intake()["code"] for _ in range(25)]
        taken[3] += offline
        # An offline status change, replayed later.
        moved = c.ok("dossier", "status", offline[0], "--to", "processing")
        assert moved["status"] == 4
        for w in workers:
            w.join(300)
        assert restarted.is_set()
        proxy.down = False

        codes = [code for pc_codes in taken.values() for code in pc_codes]
        assert len(codes) == 88
        assert len(set(codes)) == 88, "a code was given twice"
        numbers = sorted(int(code.rsplit("-", 1)[1]) for code in taken[3])
        assert numbers[0] == 1 and 9201 <= numbers[-1] <= 9300  # a block, then the fallback

        # Official slips and hand-overs from the command line of other PCs: a Mẫu 04 with a
        # new date, a hand-over, a Mẫu 05 (the book's hand-over, mirrored at the third PC).
        apologised = taken[1][0]
        new_date = date.today() + timedelta(days=20)
        while not is_working_day(new_date, CalendarRules()):
            new_date += timedelta(days=1)
        apology = b.ok("dossier", "slip", apologised, "--form", "04", "--reason",
                       "Cần xác minh thêm", "--new-date", new_date.isoformat(), "--pdf",
                       str(tmp_path / "04.pdf"))
        handover = c.ok("dossier", "handover", apologised, "--to", "Công chức Tư pháp",
                        "--received-by", "Trần Văn Bình")
        control = a.ok("dossier", "slip", apologised, "--form", "05", "--pdf",
                       str(tmp_path / "05.pdf"))
        assert apology["book"] == handover["book"] == control["book"] == "saved"
        assert control["details"]["handovers"] == [handover["uid"]]
        slip_ids = {apology["uid"], handover["uid"], control["uid"]}

        # Every dossier is shown and handed back at a PC other than the one that took it in.
        other = {1: b, 2: c, 3: a}
        for number, pc_codes in taken.items():
            for code in pc_codes:
                shown = other[number].ok("dossier", "show", code)
                assert shown["code"] == code
                back = other[number].ok("dossier", "return", code)
                assert back["status"] == 10, code

        # The hub's book and every PC agree.
        book = sqlite3.connect(hub.db_path)
        rows = dict(book.execute("SELECT code, status FROM dossiers"))
        assert set(rows) == set(codes) and set(rows.values()) == {10}
        for pc in pcs:
            for code in codes[::7]:
                assert pc.ok("dossier", "show", code)["status"] == 10
        events = {uid for (uid,) in book.execute("SELECT uid FROM dossier_events")}
        book.close()

        # The hub sends the book's records to the city; the PCs send none of them.
        for pc in pcs:
            db = sqlite3.connect(pc.data_dir / "kiosk.db")
            assert db.execute("SELECT count(*) FROM outbox WHERE record_type IN ('dossier', "
                              "'dossier_slip', 'dossier_handover')").fetchone()[0] == 0
            db.close()
        sync = subprocess.run(
            [sys.executable, "-m", "kiosk.cli", "--data-dir", str(hub_dir), "sync", "once"],
            capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert sync.returncode == 0, sync.stderr
        at_city = [r["id"] for r in city.records() if r["type"] == "dossier"]
        assert len(at_city) == len(set(at_city)), "the city holds a record twice"
        assert set(at_city) == events
        # Intake, processing (one), finished and returned: each once.
        assert len(at_city) == 88 * 3 + 1
        records = [r["id"] for r in city.records()
                   if r["type"] in ("dossier_slip", "dossier_handover")]
        assert sorted(records) == sorted(slip_ids)  # each slip and hand-over once
    finally:
        for pc in pcs:
            pc.close()
        proxy.stop()
        hub.stop()
        city.stop()
