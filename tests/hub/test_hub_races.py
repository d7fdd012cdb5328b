"""Races on "next": many counters (and many threads per counter) pressing it at the same
instant never get the same ticket — through a real hub process, and in process."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from kiosk.queue.local import LocalQueue
from kiosk.queue.remote import RemoteQueue
from tests.hubutil import KEY, Collector, hub_fixture, hub_pool_fixture  # noqa: F401 (fixtures)

TICKETS = 40
THREADS_PER_COUNTER = 6


def press_next_together(queues: dict[int, object], threads_per_counter: int,
                        rounds: int) -> list:
    """Every thread waits at a barrier, then all press "next" at once, `rounds` times."""
    barrier = threading.Barrier(len(queues) * threads_per_counter)
    results: list = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def press(counter: int, queue) -> None:
        try:
            for _ in range(rounds):
                barrier.wait(30)
                ticket = queue.call_next(counter, ["CT", "HT"])
                with lock:
                    results.append((counter, ticket))
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=press, args=(counter, q))
               for counter, q in queues.items() for _ in range(threads_per_counter)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


def check_no_duplicates(results: list, issued: list, events) -> None:
    called = [t for _, t in results if t is not None]
    ids = Counter(t.id for t in called)
    assert all(n == 1 for n in ids.values()), f"called twice: {ids.most_common(3)}"
    assert set(ids) == {t.id for t in issued}  # everyone was called, once
    # Each "called" event names exactly one counter per ticket.
    called_events = [e for e in events if e.kind == "called"]
    assert len(called_events) == len(issued)
    assert len({e.ticket.id for e in called_events}) == len(issued)


def test_two_counters_many_threads_through_the_hub(hub):
    counters = {1: RemoteQueue(hub.url, KEY), 2: RemoteQueue(hub.url, KEY)}
    display = RemoteQueue(hub.url, KEY)
    try:
        events = Collector()
        display.subscribe(events)
        assert display.wait_events(10)
        issued = [counters[1].issue("CT" if i % 3 else "HT") for i in range(TICKETS)]
        rounds = TICKETS // (2 * THREADS_PER_COUNTER) + 2  # enough to empty the queue
        results = press_next_together(counters, THREADS_PER_COUNTER, rounds)
        called = events.wait_for(
            lambda es: sum(e.kind == "called" for e in es) >= TICKETS)
        check_no_duplicates(results, issued, called)
        # At the end each counter holds exactly the last ticket it was given.
        snap = display.snapshot()
        assert {s.counter for s in snap.serving} <= {1, 2}
        assert sum(snap.waiting.values()) == 0
    finally:
        for q in (*counters.values(), display):
            q.close()


@pytest.mark.parametrize("counters", [2, 5])
def test_threads_pressing_next_in_process(tmp_path, config, counters):
    queue = LocalQueue(tmp_path / "kiosk.db", config)
    try:
        events = Collector()
        queue.subscribe(events)
        issued = [queue.issue("CT" if i % 2 else "HT") for i in range(TICKETS)]
        rounds = TICKETS // (counters * 4) + 2
        results = press_next_together({n: queue for n in range(1, counters + 1)}, 4, rounds)
        check_no_duplicates(results, issued, events.items)
    finally:
        queue.close()


def test_two_processes_on_one_database(tmp_path, config):
    """Two LocalQueues on the same file (e.g. two programs of a one-PC office) are kept apart
    by SQLite's write lock alone."""
    a = LocalQueue(tmp_path / "kiosk.db", config, watch_s=None)
    b = LocalQueue(tmp_path / "kiosk.db", config, watch_s=None)
    try:
        issued = [a.issue("CT") for _ in range(TICKETS)]
        results = press_next_together({1: a, 2: b}, 4, TICKETS // 8 + 2)
        called = [t for _, t in results if t is not None]
        assert sorted(t.id for t in called) == sorted(t.id for t in issued)
    finally:
        a.close()
        b.close()
