import json
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from drivers.printers import open_printer
from kiosk.queue.priority import PriorityCategory
from kiosk.store import connect
from kiosk.ticketing import TicketDesk, UnknownService

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = datetime(2026, 11, 26, 9, 0, tzinfo=HCM)


def test_numbers_run_per_service_per_day(desk):
    numbers = [desk.issue("CT", at=MORNING).number for _ in range(3)]
    assert numbers == ["A001", "A002", "A003"]
    assert desk.issue("HT", at=MORNING).number == "B001"


def test_numbers_continue_after_a_restart(db_path, config):
    first = TicketDesk(connect(db_path), config)
    first.issue("CT", at=MORNING)
    first.issue("CT", at=MORNING)
    first.db.conn.close()
    again = TicketDesk(connect(db_path), config)
    assert again.issue("CT", at=MORNING).number == "A003"


def test_numbers_restart_at_local_midnight_not_utc(desk):
    before = datetime(2026, 11, 26, 16, 59, 59, tzinfo=UTC)  # 23:59:59 local
    after = datetime(2026, 11, 26, 17, 0, 0, tzinfo=UTC)  # 00:00:00 local, 27th
    a = desk.issue("CT", at=before - timedelta(hours=1))
    b = desk.issue("CT", at=before)
    c = desk.issue("CT", at=after)
    assert (a.number, b.number, c.number) == ("A001", "A002", "A001")
    assert (b.day.isoformat(), c.day.isoformat()) == ("2026-11-26", "2026-11-27")
    # The UTC date of 07:00 local on the 27th is the 27th too, and of 06:59 the 26th (UTC):
    # the local day must win.
    d = desk.issue("CT", at=datetime(2026, 11, 26, 23, 59, tzinfo=UTC))
    assert (d.number, d.day.isoformat()) == ("A002", "2026-11-27")


def test_two_threads_issue_500_tickets_each_without_duplicates(db_path, config):
    TicketDesk(connect(db_path), config)  # create and migrate first
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(2)

    def worker():
        desk = TicketDesk(connect(db_path), config)
        start.wait()
        try:
            for _ in range(500):
                t = desk.issue("CT", at=MORNING)
                with lock:
                    numbers.append(t.number)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(numbers) == 1000
    assert len(set(numbers)) == 1000
    assert set(numbers) == {f"A{i:03d}" for i in range(1, 1000)} | {"A1000"}
    db = connect(db_path)
    assert db.execute("SELECT count(DISTINCT number) FROM tickets").fetchone()[0] == 1000


def test_issue_writes_ticket_event_and_outbox_together(desk, db):
    t = desk.issue("HT", PriorityCategory.ELDERLY, at=MORNING)
    assert t.priority is PriorityCategory.ELDERLY
    assert t.print_status == "pending" and t.status == "waiting"
    rows = db.execute("SELECT record_id, record_type, payload FROM outbox ORDER BY id").fetchall()
    assert [r[1] for r in rows] == ["ticket", "queue_event"]
    ticket_record = json.loads(rows[0][2])
    assert rows[0][0] == t.uid
    assert ticket_record["number"] == "B001"
    assert ticket_record["priority"] == "elderly"
    assert ticket_record["office"] == desk.config.office.code
    assert json.loads(rows[1][2])["kind"] == "issued"


def test_people_ahead_counts_waiting_tickets_by_policy(desk):
    for _ in range(3):
        desk.issue("CT", at=MORNING)
    assert desk.issue("CT", at=MORNING).people_ahead == 3
    # A priority citizen is due at once on a fresh day.
    assert desk.issue("CT", PriorityCategory.PREGNANT, at=MORNING).people_ahead == 0
    assert desk.waiting_counts(MORNING)["CT"] == 5
    assert desk.waiting_counts(MORNING)["HT"] == 0


def test_unknown_service_is_refused(desk):
    with pytest.raises(UnknownService) as err:
        desk.issue("NOPE")
    assert "CT" in str(err.value)
    assert err.value.message_vi


def test_printing_is_recorded_either_way(desk, db, tmp_path):
    good = open_printer(f"file://{tmp_path / 't.bin'}")
    t = desk.issue("CT", at=MORNING)
    outcome = desk.print_ticket(t, good)
    assert outcome.ok and outcome.ticket.print_status == "printed"
    assert (tmp_path / "t.bin").stat().st_size > 1000

    bad = open_printer("tcp://127.0.0.1:9", timeout_s=1)  # nothing listens on port 9
    t2 = desk.issue("CT", at=MORNING)
    outcome = desk.print_ticket(t2, bad)
    assert not outcome.ok
    assert outcome.ticket.print_status == "print_failed"
    assert outcome.message_vi and outcome.message_en
    assert desk.get(t2.id).number == "A002"  # the ticket is kept
    assert desk.consecutive_print_failures() == 1
    kinds = [r[0] for r in db.execute("SELECT kind FROM queue_events ORDER BY id")]
    assert kinds == ["issued", "printed", "issued", "print_failed"]
