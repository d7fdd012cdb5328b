"""Office-unique dossier numbers against a real `kiosk hub` process on 127.0.0.1: counters
leasing at once, a hub killed and restarted, a hub restored from a backup, the fallback range
while the hub is away, and what the hub answers to bodies it cannot take."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from kiosk.calendar import CalendarRules
from kiosk.dossiers import DossierDesk
from kiosk.dossiers import numbers as n
from kiosk.dossiers.numbers import FALLBACK_END, LeasedNumbers, fallback_range
from kiosk.hub import protocol as p
from kiosk.queue.errors import HubUnavailable, InvalidRequest
from kiosk.queue.remote import RemoteQueue
from kiosk.store import connect
from tests.dossiers.test_dossiers_helpers import CLERK, intake
from tests.hubutil import (  # noqa: F401 (fixtures)
    KEY,
    ROOT,
    HubProcess,
    hub_fixture,
    hub_pool_fixture,
    pair,
)

UNIT = "000.00.01.H26"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def today():
    return datetime.now(TZ).date()


class Counter:
    """A counter PC: its own database, its station key, a RemoteQueue and LeasedNumbers."""

    def __init__(self, hub: HubProcess, tmp_path, config, number: int, **kw) -> None:
        self.station = f"counter-{number}"
        self.path = tmp_path / self.station / "kiosk.db"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.queue = RemoteQueue(hub.url, pair(hub.url, self.station, "counter"),
                                 outbox_path=self.path, timeout_s=3)
        self.numbers = LeasedNumbers(self.path, unit=UNIT, counter=number,
                                     timezone="Asia/Ho_Chi_Minh",
                                     rules=CalendarRules.from_config(config),
                                     lease=self.queue.lease_dossier_numbers, **kw)
        self.db = connect(self.path)
        self.desk = DossierDesk(self.db, config, numbers=self.numbers)

    def take_in(self) -> str:
        self.numbers.ensure()  # on the desk's lane, before the intake's transaction
        return self.desk.save_intake(intake(), clerk=CLERK).code

    def close(self) -> None:
        self.queue.close()
        self.db.conn.close()


def seq(code: str) -> int:
    return int(code.rsplit("-", 1)[1])


def hub_counter(hub: HubProcess) -> int:
    conn = sqlite3.connect(hub.db_path)
    try:
        row = conn.execute("SELECT last_seq FROM dossier_counters WHERE day = ?",
                           (today().isoformat(),)).fetchone()
        return row[0] if row else 0
    finally:
        conn.close()


def test_counters_leasing_at_once_and_the_hub_desk_never_share_a_number(hub, tmp_path,
                                                                        config):
    counters = [Counter(hub, tmp_path, config, i, block=3, low_water=2) for i in (1, 2)]
    hub_config = replace(config, hub=replace(config.hub, role="hub"))
    codes: dict[str, list[str]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def counter_work(counter: Counter) -> None:
        try:
            start.wait()
            codes[counter.station] = [counter.take_in() for _ in range(30)]
        except BaseException as exc:
            errors.append(exc)

    def hub_desk_work() -> None:  # the hub PC's own counter window, on the hub's database
        db = connect(hub.db_path)
        try:
            desk = DossierDesk(db, hub_config)
            start.wait()
            codes["hub"] = [desk.save_intake(intake(), clerk=CLERK).code for _ in range(15)]
        except BaseException as exc:
            errors.append(exc)
        finally:
            db.conn.close()

    threads = [threading.Thread(target=counter_work, args=(c,)) for c in counters]
    threads.append(threading.Thread(target=hub_desk_work))
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    try:
        assert not errors, errors
        every = [c for station in codes.values() for c in station]
        assert len(every) == 75 and len(set(every)) == 75
        assert all(seq(c) < n.FALLBACK_BASE for c in every)  # the hub was there: no fallback
        # Each counter's own codes come in order; the hub's counter covers every number.
        for station in codes.values():
            assert [seq(c) for c in station] == sorted(seq(c) for c in station)
        assert hub_counter(hub) >= max(seq(c) for c in every)
        status = counters[0].numbers.status()
        assert status.hub_reachable and not status.on_fallback and status.next_day_ready
    finally:
        for c in counters:
            c.close()


def test_a_hub_killed_and_restarted_mid_day_never_repeats_a_number(tmp_path, config):
    hub = HubProcess(tmp_path / "hub")
    token = pair(hub.url, "counter-1", "counter")
    queue = RemoteQueue(hub.url, token, timeout_s=2, retries=0)
    answers: list[tuple[int, int]] = []
    stop = threading.Event()
    day = today().isoformat()

    def lease_all_the_time() -> None:
        while not stop.is_set():
            try:
                a = queue.lease_dossier_numbers(UNIT, day, 5, {})
            except HubUnavailable:
                stop.wait(0.05)
                continue
            answers.append((a["first"], a["last"]))

    worker = threading.Thread(target=lease_all_the_time)
    worker.start()
    try:
        for _ in range(3):
            before = len(answers)
            while len(answers) < before + 5:
                stop.wait(0.02)
            hub.proc.kill()  # no goodbye: whatever was answered must already be on disk
            hub.proc.wait()
            hub.proc.stdout.close()
            hub.restart()
        before = len(answers)
        while len(answers) < before + 5:
            stop.wait(0.02)
    finally:
        stop.set()
        worker.join(30)
        queue.close()
        hub.stop()
    numbers = [x for first, last in answers for x in range(first, last + 1)]
    assert len(numbers) == len(set(numbers)), "a number was leased twice"
    assert len(answers) >= 20
    assert all(last - first == 4 for first, last in answers)


def test_a_restored_hub_skips_the_gap_and_changes_its_epoch(tmp_path, config):
    hub = HubProcess(tmp_path / "hub")
    http = requests.Session()
    http.trust_env = False
    http.headers[p.KEY_HEADER] = KEY
    day = today().isoformat()
    tomorrow = (today() + timedelta(days=1)).isoformat()

    def lease(count: int, d: str = day) -> dict:
        r = http.post(hub.url + p.DOSSIER_NUMBERS_PATH,
                      json={"unit": UNIT, "day": d, "count": count}, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    try:
        first = lease(10)
        assert (first["first"], first["last"]) == (1, 10)
        backup = tmp_path / "hub-backup.db.gz"
        _kiosk(tmp_path / "hub", "backup", "--out", str(backup))
        lost = [lease(20), lease(20, tomorrow)]  # handed out after the backup: not in it
        assert lost[0]["last"] == 30 and lost[0]["epoch"] == first["epoch"]
        hub.stop()
        restored = json.loads(_kiosk(tmp_path / "hub", "restore", str(backup), "--json"))
        assert restored["ok"] and restored["dossier_number_gap"] == n.RESTORE_GAP
        hub.restart()
        again = lease(5)
        # The backup knew 10; everything lost lies below 10 + the gap.
        assert again["first"] == 10 + n.RESTORE_GAP + 1 > 30
        assert again["epoch"] != first["epoch"]
        assert lease(5, tomorrow)["first"] == n.RESTORE_GAP + 1 > 20
        # Restarted afterwards: the same epoch, the numbering going on.
        hub.restart()
        after = lease(1)
        assert after["epoch"] == again["epoch"] and after["first"] == again["last"] + 1
    finally:
        http.close()
        hub.stop()


def test_while_the_hub_is_away_each_counter_numbers_from_its_own_range(hub, tmp_path,
                                                                       config):
    one = Counter(hub, tmp_path, config, 1, block=4, low_water=2)
    three = Counter(hub, tmp_path, config, 3, block=4, low_water=2)
    try:
        online = [one.take_in(), three.take_in()]
        assert [seq(c) for c in online] == [1, 5]  # a block of 4 each: 1-4, 5-8
        hub.stop()
        one_codes = [one.take_in() for _ in range(5)]  # 3 leased left, then the fallback
        three_codes = [three.take_in() for _ in range(4)]
        assert [seq(c) for c in one_codes] == [2, 3, 4, 9001, 9002]
        assert [seq(c) for c in three_codes] == [6, 7, 8, 9201]
        assert fallback_range(3)[0] == 9201
        status = one.numbers.status()
        assert (status.on_fallback, status.hub_reachable, status.left_today,
                status.fallback_left) == (True, False, 0, 98)
        hub.restart()
        # Back: the next top-up (the hub connection's background round) leases again, above
        # everything the hub handed out, and the hub itself (a very busy day) jumps over
        # the whole fallback window.
        assert one.numbers.refill() > 0
        back = one.take_in()
        assert seq(back) > 8 and seq(back) < n.FALLBACK_BASE
        conn = sqlite3.connect(hub.db_path)
        conn.execute("UPDATE dossier_counters SET last_seq = ? WHERE day = ?",
                     (n.FALLBACK_BASE - 2, today().isoformat()))
        conn.commit()
        conn.close()
        with sqlite3.connect(three.path) as conn:
            conn.execute("UPDATE dossier_number_blocks SET next_seq = last + 1")
        three.numbers.refill()
        late = three.take_in()
        assert seq(late) == FALLBACK_END + 1
        assert not three.numbers.status().on_fallback
    finally:
        one.close()
        three.close()


BAD_BODIES = [
    [],
    "text",
    {},
    {"unit": UNIT, "day": None, "count": 5},
    {"unit": UNIT, "count": 5},
    {"unit": "000.00.02.H26", "day": "TODAY", "count": 5},
    {"unit": 7, "day": "TODAY", "count": 5},
    {"unit": UNIT, "day": "TODAY", "count": 0},
    {"unit": UNIT, "day": "TODAY", "count": 201},
    {"unit": UNIT, "day": "TODAY", "count": -1},
    {"unit": UNIT, "day": "TODAY", "count": True},
    {"unit": UNIT, "day": "TODAY", "count": "5"},
    {"unit": UNIT, "day": "TODAY", "count": 2.5},
    {"unit": UNIT, "day": "2026-13-01", "count": 5},
    {"unit": UNIT, "day": "01/12/2026", "count": 5},
    {"unit": UNIT, "day": "FAR", "count": 5},
    {"unit": UNIT, "day": "PAST", "count": 5},
    {"unit": UNIT, "day": "TODAY", "count": 5, "held": [41]},
    {"unit": UNIT, "day": "TODAY", "count": 5, "held": {"TODAY": 9050}},
    {"unit": UNIT, "day": "TODAY", "count": 5, "held": {"TODAY": -3}},
    {"unit": UNIT, "day": "TODAY", "count": 5, "held": {"TODAY": "41"}},
    {"unit": UNIT, "day": "TODAY", "count": 5, "held": {"TODAY": 2 ** 70}},
    {"unit": UNIT, "day": "TODAY", "count": 5, "held": {"yesterday": 3}},
    {"unit": UNIT, "day": "TODAY", "count": 5, "held": {"FAR": 3}},
    {"unit": UNIT, "day": "TODAY", "count": 5, "held": {
        (datetime(2026, 1, 1) + timedelta(days=i)).date().isoformat(): 1 for i in range(32)}},
]


def _fill(body):
    if not isinstance(body, dict):
        return body
    words = {"TODAY": today().isoformat(), "FAR": (today() + timedelta(days=40)).isoformat(),
             "PAST": (today() - timedelta(days=2)).isoformat()}
    text = json.dumps(body)
    for word, value in words.items():
        text = text.replace(f'"{word}"', f'"{value}"')
    return json.loads(text)


def test_bodies_the_hub_cannot_take_get_a_4xx_and_change_nothing(hub):
    http = requests.Session()
    http.trust_env = False
    counter = pair(hub.url, "counter-9", "counter")
    display = pair(hub.url, "display-1", "display")
    url = hub.url + p.DOSSIER_NUMBERS_PATH
    good = {"unit": UNIT, "day": today().isoformat(), "count": 5}
    try:
        for body in BAD_BODIES:
            r = http.post(url, json=_fill(body), headers={"Authorization": f"Bearer {counter}"},
                          timeout=10)
            assert r.status_code == 400, (body, r.status_code, r.text)
            assert r.json()["error"] == "invalid_request" and r.json()["message_vi"]
        for raw in (b"{", b"\xff\xfe", b'{"unit": NaN}'):
            r = http.post(url, data=raw, headers={"Authorization": f"Bearer {counter}",
                                                  "Content-Type": "application/json"},
                          timeout=10)
            assert r.status_code == 400, raw
        r = http.post(url, data=b"x" * (p.MAX_BODY_BYTES + 1),
                      headers={"Authorization": f"Bearer {counter}"}, timeout=10)
        assert r.status_code == 413
        r = http.post(url, json=good, headers={"Authorization": f"Bearer {display}"},
                      timeout=10)
        assert r.status_code == 403
        r = http.post(url, json=good, timeout=10)
        assert r.status_code == 401
        assert hub_counter(hub) == 0  # none of them leased a number
        # A lower-case unit and yesterday are fine; the office key may lease too.
        ok = dict(good, unit=UNIT.lower(), held={today().isoformat(): 41})
        r = http.post(url, json=ok, headers={p.KEY_HEADER: KEY}, timeout=10)
        assert r.status_code == 200 and (r.json()["first"], r.json()["last"]) == (42, 46)
        assert r.json()["unit"] == UNIT and r.json()["day"] == today().isoformat()
        yesterday = (today() - timedelta(days=1)).isoformat()
        r = http.post(url, json=dict(good, day=yesterday),
                      headers={"Authorization": f"Bearer {counter}"}, timeout=10)
        assert r.status_code == 200 and r.json()["first"] == 1
        # A day used up to the largest 6-digit number: 409, nothing leased.
        conn = sqlite3.connect(hub.db_path)
        conn.execute("UPDATE dossier_counters SET last_seq = ? WHERE day = ?",
                     (n.MAX_DAY_NUMBER - 1, yesterday))
        conn.commit()
        conn.close()
        r = http.post(url, json=dict(good, day=yesterday),
                      headers={"Authorization": f"Bearer {counter}"}, timeout=10)
        assert r.status_code == 409 and r.json()["error"] == "day_full"
        assert "hết số" in r.json()["message_vi"]
    finally:
        http.close()
    queue = RemoteQueue(hub.url, counter, timeout_s=2)
    try:
        with pytest.raises(InvalidRequest) as info:
            queue.lease_dossier_numbers("000.00.02.H26", today(), 5, {})
        assert "đơn vị" in info.value.message_vi
        assert queue.lease_dossier_numbers(UNIT, today(), 3, {})["first"] == 47
        hub.stop()
        with pytest.raises(HubUnavailable):
            queue.lease_dossier_numbers(UNIT, today(), 3, {})
    finally:
        queue.close()


def _kiosk(data_dir, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "--data-dir", str(data_dir),
                           *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout



def test_a_counter_pc_desk_numbers_from_the_hub_and_tops_up_in_the_background(hub, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from kiosk.config import from_dict
    from kiosk.paths import Paths
    from kiosk.ui.counter.lanes import CounterDesk

    token = pair(hub.url, "counter-2", "counter")
    config = from_dict({"hub": {"role": "client", "url": hub.url, "station_key": token},
                        "counter": {"number": 2}, "station": {"id": "counter-2"}})
    data = tmp_path / "counter-2"
    data.mkdir()
    paths = Paths(data, data / "kiosk.toml")
    lane = ThreadPoolExecutor(1)  # the counter window's desk lane: never the UI thread

    def on_lane(fn):
        return lane.submit(fn).result(60)

    desk = on_lane(lambda: CounterDesk(config, paths))

    def take_in() -> str:
        return on_lane(lambda: desk.save_intake(intake(), clerk=CLERK).code)

    try:
        assert isinstance(desk.numbers, LeasedNumbers) and desk.numbers.counter == 2
        assert seq(take_in()) == 1 and hub_counter(hub) == n.BLOCK
        assert desk.numbers.status().left_today == n.BLOCK - 1
        hub.stop()
        with sqlite3.connect(paths.database) as conn:  # today's leased numbers used up
            conn.execute("UPDATE dossier_number_blocks SET next_seq = last + 1 WHERE day = ?",
                         (today().isoformat(),))
        assert seq(take_in()) == fallback_range(2)[0]
        assert desk.numbers.status().on_fallback
        hub.restart()
        # The hub connection's background round tops the numbers up by itself.
        queue = RemoteQueue(hub.url, token, outbox_path=paths.database,
                            on_connection=lambda state: None, timeout_s=2)
        queue.every_round(desk.numbers.refill)
        try:
            deadline = datetime.now() + timedelta(seconds=15)
            while desk.numbers.status().left_today == 0 and datetime.now() < deadline:
                threading.Event().wait(0.1)
            assert desk.numbers.status().left_today == n.BLOCK
        finally:
            queue.close()
        assert not desk.numbers.status().on_fallback
        assert seq(take_in()) == n.BLOCK + 1
    finally:
        on_lane(desk.close)
        lane.shutdown()


def test_the_office_feed_takes_leased_and_fallback_codes_from_their_counter_only(hub, tmp_path,
                                                                                 config):
    from kiosk.officefeed.records import dossier_record

    one = Counter(hub, tmp_path, replace(config, station=replace(config.station,
                                                                  id="counter-1")), 1)
    two = Counter(hub, tmp_path, replace(config, station=replace(config.station,
                                                                  id="counter-2")), 2)
    try:
        conn = sqlite3.connect(hub.db_path)  # a busy morning: the hub is at 100 already
        conn.execute("INSERT INTO dossier_counters (day, unit_code, last_seq) VALUES (?, ?, ?)",
                     (today().isoformat(), UNIT, 100))
        conn.commit()
        conn.close()
        a = one.take_in()
        b = two.take_in()
        assert (seq(a), seq(b)) == (101, 121)
        # Numbered per PC, 101 would be "more than 50 past" counter-1's last code (none):
        # leased to it, it is taken.
        assert one.queue.forward_office_records() == 1
        assert two.queue.forward_office_records() == 1
        # Another counter's key cannot take a number leased to counter 1.
        dossier = two.desk.get(b)
        squat = dict(dossier_record(dossier), code=a.replace("-0101", "-0105"))
        r = requests.post(hub.url + p.OFFICE_RECORDS_PATH,
                          json={"records": [{"id": "x", "type": "dossier", "data": squat}]},
                          headers={p.KEY_HEADER: KEY}, timeout=10)
        assert r.status_code == 403  # (the office key cannot forward at all)
        token_two = two.queue._key
        r = requests.post(hub.url + p.OFFICE_RECORDS_PATH,
                          json={"records": [{"id": "x", "type": "dossier", "data": squat}]},
                          headers={"Authorization": f"Bearer {token_two}"}, timeout=10)
        assert r.json()["rejected"][0]["reason"] == "code's number was leased to another station"
        # Offline, counter 2 numbers from its fallback range; forwarded later, it is taken.
        hub.stop()
        with sqlite3.connect(two.path) as c:
            c.execute("UPDATE dossier_number_blocks SET next_seq = last + 1")
        offline = two.take_in()
        assert seq(offline) == fallback_range(2)[0]
        hub.restart()
        assert two.queue.forward_office_records() == 1
    finally:
        one.close()
        two.close()
