"""Power cuts: `kiosk sync run` killed with SIGKILL at random points of a 1,000-record sync,
then restarted. The city must end with exactly the station's records, none twice."""

import random
import signal
import sqlite3
import subprocess
import time

from tests.faultproxy import (
    ROOT,
    TOKEN,
    CityServer,
    FaultProxy,
    assert_city_has_exactly,
    env,
    kiosk_cmd,
    seed_station,
)
from tests.util import wait_until

KILLS = 5


def pending(db_path) -> int:
    conn = sqlite3.connect(db_path, timeout=15)
    try:
        return conn.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND "
                            "set_aside_at IS NULL").fetchone()[0]
    finally:
        conn.close()


def test_sigkill_at_random_points_then_resume(tmp_path, db_path):
    made = seed_station(db_path, 334)
    assert made >= 1000
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[store]\npath = "{db_path}"\n', encoding="utf-8")
    e = env()
    e["KIOSK_CONFIG"] = str(config)
    rng = random.Random(1405)
    server = CityServer(tmp_path)
    # 40 ms of latency per answer: a 50-record batch takes long enough for kills to land
    # between the city's commit and the station's.
    proxy = FaultProxy(server.url, latency_s=0.04).start()
    try:
        history = [pending(db_path)]
        for _ in range(KILLS):
            seen = sum(proxy.seen.values())
            proc = subprocess.Popen(
                kiosk_cmd(tmp_path, "sync", "run", "--server", proxy.url, "--token", TOKEN,
                          "--batch-records", "50"),
                env=e, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_until(lambda n=seen: sum(proxy.seen.values()) > n, timeout=20, interval=0.005,
                       what="the sync's first request")
            time.sleep(rng.uniform(0.0, 0.35))  # a random moment to kill it: what is tested
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            history.append(pending(db_path))
            if history[-1] == 0:
                break
        # Kills landed mid-sync, and progress was kept across them.
        assert any(0 < n < history[0] for n in history[1:]), history
        assert history == sorted(history, reverse=True), history
        # Restart once more, to the end.
        done = subprocess.run(kiosk_cmd(tmp_path, "sync", "once", "--server", proxy.url,
                                        "--token", TOKEN, "--batch-records", "50"),
                              env=e, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert pending(db_path) == 0
        assert_city_has_exactly(server, db_path)
        assert server.counts()["total"] == made
    finally:
        proxy.stop()
        server.stop()
