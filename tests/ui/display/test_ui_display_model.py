"""The board's model (plain Python): snapshots, events, ordering by seq, highlight timing."""

from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from kiosk.queue.catalog import load_catalog
from kiosk.ui.display.model import BoardModel, services_from_catalog, short_service_name

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2026, 3, 9, 9, 0, tzinfo=TZ)


def ticket(number: str, service: str, **extra) -> SimpleNamespace:
    return SimpleNamespace(number=number, service_code=service, current_service=service,
                           counter=None, **extra)


def event(kind: str, number: str, service: str, counter=None, seq=0, at=T0, waiting=None):
    return SimpleNamespace(kind=kind, ticket=ticket(number, service), counter=counter, seq=seq,
                           at=at, waiting=waiting)


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def model(**kw) -> BoardModel:
    return BoardModel(services=services_from_catalog(load_catalog()), **kw)


def test_call_puts_the_ticket_at_its_counter_and_on_top_of_recent():
    m = model()
    m.apply_event(event("issued", "A001", "CT", seq=1))
    m.apply_event(event("issued", "A002", "CT", seq=2))
    assert m.waiting["CT"] == 2
    change = m.apply_event(event("called", "A001", "CT", counter=3, seq=3))
    assert change.call is not None and change.call.counter == 3
    assert [(r.counter, r.number) for r in m.serving_rows()] == [(3, "A001")]
    assert m.waiting["CT"] == 1
    assert m.latest_call().number == "A001"


def test_waiting_counts_from_the_event_win():
    m = model()
    m.apply_event(event("issued", "A001", "CT", seq=1, waiting={"CT": 7, "HT": 2}))
    assert m.waiting == {"CT": 7, "HT": 2}
    m.apply_event(event("called", "A001", "CT", counter=1, seq=2, waiting={"CT": 6, "HT": 2}))
    assert m.waiting["CT"] == 6


def test_recall_moves_the_line_to_the_top_without_duplicating_it():
    m = model()
    m.apply_event(event("called", "A001", "CT", counter=1, seq=1))
    m.apply_event(event("called", "B001", "HT", counter=2, seq=2))
    change = m.apply_event(event("recalled", "A001", "CT", counter=1, seq=3))
    assert change.call.recall
    assert [c.number for c in m.recent] == ["A001", "B001"]
    assert m.recent[0].recall


def test_finish_skip_transfer_free_the_counter():
    m = model()
    for seq, (number, counter) in enumerate((("A001", 1), ("A002", 2), ("A003", 3)), 1):
        m.apply_event(event("called", number, "CT", counter=counter, seq=seq))
    m.apply_event(event("finished", "A001", "CT", counter=1, seq=4))
    m.apply_event(event("skipped", "A002", "CT", counter=2, seq=5))
    m.apply_event(event("transferred", "A003", "HT", counter=3, seq=6))
    assert m.serving == {}
    assert m.waiting.get("HT") == 1  # the transferred ticket waits again, in its new queue
    assert len(m.recent) == 3  # history stays


def test_a_ticket_called_at_another_counter_moves():
    m = model()
    m.apply_event(event("called", "A001", "CT", counter=1, seq=1))
    m.apply_event(event("called", "A001", "CT", counter=4, seq=2))
    assert list(m.serving) == [4]


def test_recent_list_is_capped():
    m = model(recent_limit=3)
    for i in range(1, 7):
        m.apply_event(event("called", f"A{i:03d}", "CT", counter=i, seq=i))
    assert [c.number for c in m.recent] == ["A006", "A005", "A004"]


def test_duplicate_events_are_ignored():
    m = model()
    m.apply_event(event("issued", "A001", "CT", seq=5))
    change = m.apply_event(event("issued", "A001", "CT", seq=5))
    assert not change.changed
    assert m.waiting["CT"] == 1


def snapshot(seq, at=T0, serving=(), recent=(), waiting=None):
    return SimpleNamespace(
        seq=seq, at=at, waiting=waiting or {},
        serving=tuple(SimpleNamespace(counter=c, ticket=ticket(n, s), last_called_at=at)
                      for c, n, s in serving),
        recent_calls=tuple(SimpleNamespace(seq=i, kind="called", counter=c, number=n,
                                           service=s, at=at)
                           for i, (c, n, s) in enumerate(recent)))


def test_snapshot_replaces_state():
    m = model()
    m.apply_event(event("called", "Z999", "CT", counter=9, seq=1))
    m.apply_snapshot(snapshot(10, serving=[(1, "A001", "CT"), (2, "B001", "HT")],
                              recent=[(2, "B001", "HT"), (1, "A001", "CT")],
                              waiting={"CT": 4}))
    assert [r.number for r in m.serving_rows()] == ["A001", "B001"]
    assert [c.number for c in m.recent] == ["B001", "A001"]
    assert m.waiting == {"CT": 4}
    assert m.seq == 10


def test_an_event_newer_than_a_late_snapshot_survives_it():
    m = model()
    m.apply_event(event("called", "A005", "CT", counter=2, seq=11, at=T0 + timedelta(seconds=2)))
    # A snapshot read at seq 10 (before the call) arrives after the event.
    m.apply_snapshot(snapshot(10, at=T0 + timedelta(seconds=1), serving=[(1, "A001", "CT")]))
    assert {r.counter: r.number for r in m.serving_rows()} == {1: "A001", 2: "A005"}
    assert m.seq == 11


def test_a_restarted_hub_is_believed():
    m = model()
    m.apply_event(event("called", "A005", "CT", counter=2, seq=500, at=T0))
    m.apply_snapshot(snapshot(3, at=T0 + timedelta(minutes=5), serving=[(1, "A001", "CT")]))
    assert [r.number for r in m.serving_rows()] == ["A001"]
    m.apply_event(event("called", "A002", "CT", counter=3, seq=4, at=T0 + timedelta(minutes=6)))
    assert 3 in m.serving  # seq 4 is new for the restarted hub


def test_highlight_lasts_highlight_s():
    clock = Clock()
    m = model(highlight_s=5.0, clock=clock)
    m.apply_event(event("called", "A001", "CT", counter=1, seq=1))
    assert m.highlighted() == {1}
    clock.t += 4.9
    assert m.highlighted() == {1}
    clock.t += 0.2
    assert m.highlighted() == set()


def test_service_names_are_shortened_and_unknown_services_shown():
    assert short_service_name("Tư pháp – Hộ tịch (khai sinh, kết hôn, khai tử)") == \
        "Tư pháp – Hộ tịch"
    assert short_service_name("Chứng thực bản sao, chữ ký, hợp đồng") == "Chứng thực bản sao"
    m = model()
    m.apply_event(event("issued", "X001", "NEW", seq=1))
    rows = m.waiting_rows()
    assert rows[0][0].prefix == "A"
    assert rows[-1][0].code == "NEW" and rows[-1][1] == 1
