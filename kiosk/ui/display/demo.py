"""`kiosk display --demo`: a busy office in miniature, so the board can be seen working.

A background thread issues tickets and has six counters call, recall and finish them every few
seconds through the real queue (a LocalQueue on a throw-away data directory): the board shows
exactly what it would show in an office, announcements included.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Sequence
from typing import Any

log = logging.getLogger(__name__)

DEMO_COUNTERS = (1, 2, 3, 4, 5, 6)


class DemoOffice:
    """Drives a queue like an office would. `step()` is one action; the thread calls it every
    `interval_s` seconds."""

    def __init__(self, queue: Any, services: Sequence[str], *,
                 counters: Sequence[int] = DEMO_COUNTERS, interval_s: float = 4.0,
                 seed: int | None = None):
        self.queue = queue
        self.services = list(services)
        self.counters = list(counters)
        self.interval_s = interval_s
        self._random = random.Random(seed)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def prefill(self, tickets: int = 18) -> None:
        """A morning already under way: people waiting, most counters serving."""
        for _ in range(tickets):
            self._issue()
        for counter in self.counters[:-1]:
            self.queue.call_next(counter, ())

    def _issue(self) -> None:
        # The first services of the catalog are the busy ones in practice (certifications,
        # civil status): weight them so the waiting counts look like a real day.
        weights = [max(1, len(self.services) - i) for i in range(len(self.services))]
        code = self._random.choices(self.services, weights)[0]
        ticket = self.queue.issue(code)
        self.queue.record_print(ticket.id, True)

    def step(self) -> None:
        roll = self._random.random()
        counter = self._random.choice(self.counters)
        if roll < 0.45:
            self._issue()
        elif roll < 0.85:
            self.queue.call_next(counter, ())
        elif roll < 0.93:
            self.queue.recall(counter)
        else:
            self.queue.finish(counter)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="display-demo", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.prefill()
        except Exception:
            log.exception("demo: could not prefill the queue")
        while not self._stop.wait(self.interval_s):
            try:
                self.step()
            except Exception:
                log.exception("demo: a queue operation failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
