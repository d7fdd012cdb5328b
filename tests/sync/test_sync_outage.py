"""A week-long outage, on a virtual clock: the office keeps working offline, the worker backs
off (capped, jittered) without hammering, the screen says "offline since …", and when the line
comes back everything arrives exactly once. Network traffic is real (through the fault proxy,
which drops every connection while "down"); only time is simulated."""

import random
from datetime import UTC, datetime, timedelta

from kiosk.config import Config
from kiosk.store import connect
from kiosk.ticketing import TicketDesk
from sync import status as st
from sync.worker import SyncSettings, SyncWorker
from tests.faultproxy import TOKEN, CityServer, FaultProxy, assert_city_has_exactly

WEEK_S = 7 * 24 * 3600
CAP_S = 900.0  # 15 min: a driveable cap (the default is 300 s)


class VirtualClock:
    def __init__(self, start: datetime):
        self.start = start
        self.t = 0.0

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.t)

    def monotonic(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def test_a_week_offline_then_everything_once(tmp_path, db_path):
    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 08:00 in Hà Nội
    clock = VirtualClock(start)
    office_db = connect(db_path)
    office_db.execute("PRAGMA synchronous = OFF")  # test setup speed only
    desk = TicketDesk(office_db, Config())
    server = CityServer(tmp_path)
    proxy = FaultProxy(server.url).start()
    try:
        settings = SyncSettings(server_url=proxy.url, token=TOKEN, backoff_base_s=2.0,
                                backoff_cap_s=CAP_S, interval_s=10, timeout_s=5)
        worker = SyncWorker(db_path, settings, office="000.00.01.H26", station="kiosk-1",
                            clock=clock, rng=random.Random(7))
        # Online at first: a morning's tickets go straight out.
        for _ in range(5):
            desk.issue("CT", at=clock.now())
        while worker.step() == 0:
            pass
        assert worker.status().state == st.UP_TO_DATE

        # The line goes down for a week. The office keeps issuing tickets every day.
        proxy.down = True
        outage_start = clock.now()
        delays, next_day = [], 0
        while clock.t < WEEK_S:
            if clock.t >= next_day * 86400:
                for _ in range(20):
                    desk.issue("HT", at=clock.now())
                next_day += 1
            delay = worker.step()
            assert delay > 0
            delays.append(delay)
            clock.advance(delay)
        status = worker.status()
        assert status.state == st.OFFLINE
        assert outage_start <= status.offline_since <= outage_start + timedelta(seconds=20)
        assert status.headline("en").startswith("Offline since")
        assert status.pending == 2 * 20 * next_day
        # Backoff: capped, jittered, and not hammering (mean of full jitter ≈ cap / 2).
        assert max(delays) <= CAP_S
        assert len(delays) < WEEK_S / (CAP_S / 4)
        assert len(set(round(d, 3) for d in delays)) > len(delays) * 0.9
        saved = st.read_status(connect(db_path), proxy.url)
        assert saved.state == st.OFFLINE and saved.offline_since == status.offline_since
        assert server.counts()["total"] == 10

        # The line comes back: within one capped wait, the backlog drains.
        proxy.down = False
        back = clock.t
        while True:
            delay = worker.step()
            if worker.status().pending == 0:
                break
            clock.advance(delay)
        assert clock.t - back <= CAP_S
        final = worker.status()
        assert final.state == st.UP_TO_DATE and final.offline_since is None
        assert st.read_status(connect(db_path), proxy.url).state == st.UP_TO_DATE
        worker.close()
        assert_city_has_exactly(server, db_path)
    finally:
        proxy.stop()
        server.stop()
        office_db.conn.close()
