"""The kiosk's look-up in a LAN office reads the office dossier book through the hub (a real
hub on 127.0.0.1, a kiosk credential): the book's state wins over a stale copy on the
station itself; without the hub, the station's own copy; neither: the hub's error."""

from __future__ import annotations

import pytest
import requests

from kiosk.config import Config
from kiosk.dossiers.book import apply_changes
from kiosk.hub import protocol as p
from kiosk.hub.server import start_hub_in_thread
from kiosk.officefeed.records import find_office_view
from kiosk.queue.errors import QueueError
from kiosk.queue.remote import RemoteQueue
from kiosk.store import connect
from tests.dossiers.bookutil import HCM, Counter
from tests.dossiers.test_dossiers_helpers import CLERK, intake
from tests.hubutil import KEY

UNIT = Config().office.code


def test_the_kiosk_reads_the_book_through_the_hub(tmp_path):
    counter = Counter(tmp_path / "quay-1", "quay-1")
    hub = start_hub_in_thread(tmp_path / "hub.db", Config(), KEY, port=0)
    kiosk_db = connect(tmp_path / "kiosk.db")
    try:
        token = requests.post(hub.url + p.PAIR_PATH, json={"station_id": "kiosk-1",
                                                           "role": "kiosk"},
                              headers={p.KEY_HEADER: KEY}, timeout=5).json()["token"]
        taken = counter.desk.save_intake(intake(), clerk=CLERK)
        # The kiosk PC also serves as a counter: its own database holds the intake...
        apply_changes(kiosk_db, counter.changes(taken, city=False), None, HCM,
                      unit_code=UNIT)
        # ... while another counter finished and handed it back in the book.
        counter.desk.finish(taken.code, clerk=CLERK)
        done = counter.desk.hand_back(taken.code, clerk=CLERK)
        db = hub.queue._desk().db
        assert {r.result for r in apply_changes(db, counter.changes(done), "quay-1", HCM,
                                                unit_code=UNIT)} == {"applied"}
        remote = RemoteQueue(hub.url, token, timeout_s=2.0, retries=0)
        try:
            view = find_office_view(kiosk_db, taken.code, HCM, remote.dossier_view)
            assert view.returned_date == done.returned_at.date() and view.initials == "L.V.L."
            assert find_office_view(kiosk_db, f"{UNIT}-260101-0999", HCM,
                                    remote.dossier_view) is None
            hub.stop()
            # The hub away: the station's own (older) copy, rather than nothing.
            stale = find_office_view(kiosk_db, taken.code, HCM, remote.dossier_view)
            assert stale.status == 2 and stale.returned_date is None
            with pytest.raises(QueueError):
                find_office_view(kiosk_db, f"{UNIT}-260101-0999", HCM, remote.dossier_view)
        finally:
            remote.close()
        # Standalone (no hub): this station's database.
        assert find_office_view(kiosk_db, taken.code, HCM).status == 2
    finally:
        hub.stop()
        kiosk_db.conn.close()
        counter.close()
