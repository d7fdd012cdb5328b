"""Every network fault between the worker and the city, through the fault proxy: the city
must end with exactly the station's records, byte-equal, none twice."""

import pytest

from sync.worker import SyncSettings, SyncWorker
from tests.faultproxy import (
    DUPLICATE,
    FAULTS,
    LOSE_RESPONSE,
    PASS,
    RESET_MID_RESPONSE,
    SLOW,
    TOKEN,
    CityServer,
    FaultProxy,
    assert_city_has_exactly,
    seed_station,
)

TIMEOUT_S = 0.5


@pytest.fixture
def city(tmp_path):
    server = CityServer(tmp_path)
    yield server
    server.stop()


def drain_until_done(db_path, url, max_rounds=400, **kw):
    settings = SyncSettings(server_url=url, token=TOKEN, backoff_base_s=0.001,
                            backoff_cap_s=0.01, timeout_s=TIMEOUT_S, **kw)
    worker = SyncWorker(db_path, settings, office="000.00.01.H26", station="kiosk-1")
    try:
        for _ in range(max_rounds):
            status = worker.drain()
            if status.pending == 0:
                return worker, status
        raise AssertionError(f"still {status.pending} pending: {status.last_error}")
    finally:
        worker.close()


@pytest.mark.parametrize("fault", FAULTS)
def test_each_fault_on_every_other_request(city, db_path, fault):
    seed_station(db_path, 40)  # 120 records, 6 batches of 20
    with FaultProxy(city.url, plan=lambda n, m, p: fault if n % 2 else PASS,
                    slow_s=TIMEOUT_S + 0.4, retry_after="0") as proxy:
        worker, final = drain_until_done(db_path, proxy.url, batch_max_records=20)
        assert proxy.seen[fault] >= 3
    assert final.set_aside == 0
    assert_city_has_exactly(city, db_path)
    if fault in (DUPLICATE, LOSE_RESPONSE, RESET_MID_RESPONSE, SLOW):
        # The server committed batches whose answers the worker never saw (or saw twice):
        # they were sent again and answered "duplicate", and still stored once.
        assert city.counts()["total"] == 120


def test_a_storm_of_mixed_faults(city, db_path):
    seed_station(db_path, 300)  # 900 records
    shares = {f: 0.06 for f in FAULTS if f != SLOW}
    shares[SLOW] = 0.02
    with FaultProxy(city.url, faults=shares, seed=20260105, slow_s=TIMEOUT_S + 0.3,
                    retry_after="0") as proxy:
        worker, final = drain_until_done(db_path, proxy.url, batch_max_records=30)
        injected = sum(n for f, n in proxy.seen.items() if f != PASS)
    assert injected >= 10
    assert final.pending == 0 and final.set_aside == 0
    assert_city_has_exactly(city, db_path)
