"""What the display board shows, as plain Python (no Qt): who is served where, the last calls,
how many wait per service. The window renders it; tests drive it directly.

It is fed two ways: `apply_snapshot` replaces everything with the queue's own account (at start,
after a reconnection, and every so often to correct any drift), and `apply_event` applies one
queue event at once, so a call appears within the same turn of the event loop that received it.
Waiting counts come with each event (`waiting`) or, when an event has none, move with it
(issued +1, called −1).

Ordering: events carry the hub's `seq`, snapshots the last `seq` they include. An event at or
below the model's seq is a duplicate (a re-delivery after reconnecting) and is ignored. A
snapshot read before an event but delivered after it would undo that event, so the model keeps
the latest events and re-applies those newer than the snapshot (newer by seq and by time: a hub
whose database was replaced starts its seq again, and its snapshot then wins).

Events and snapshots are read by attribute, so the model takes the queue interface's
`QueueEvent`/`QueueSnapshot` as they are, and tests can pass simple stand-ins.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

CALL_KINDS = ("called", "recalled")
LEAVE_KINDS = ("skipped", "transferred", "finished")


@dataclass(frozen=True)
class ServingRow:
    counter: int
    number: str
    service: str
    called_at: datetime | None = None


@dataclass(frozen=True)
class RecentCall:
    number: str
    counter: int
    service: str
    at: datetime | None = None
    recall: bool = False


@dataclass(frozen=True)
class ServiceInfo:
    code: str
    prefix: str
    name: str


@dataclass(frozen=True)
class BoardChange:
    """What an applied event changed, for the window: announce this call, blink this counter."""

    call: RecentCall | None = None
    changed: bool = True


def _get(obj: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if isinstance(obj, Mapping):
            if name in obj and obj[name] is not None:
                return obj[name]
        else:
            value = getattr(obj, name, None)
            if value is not None:
                return value
    return default


def ticket_number(ticket: Any) -> str:
    return str(_get(ticket, "number", default=""))


def ticket_service(ticket: Any) -> str:
    """The queue the ticket is in now (a transferred ticket waits in its new service)."""
    return str(_get(ticket, "current_service", "queue_service", "service_code", "service",
                    default=""))


def short_service_name(name: str) -> str:
    """Catalog names carry examples in brackets ("Tư pháp – Hộ tịch (khai sinh, …)") or a list
    ("Chứng thực bản sao, chữ ký, hợp đồng"): a board read from across the room needs only the
    part before them, as large as it can be."""
    head = name.split(" (", 1)[0].split(",", 1)[0].strip()
    return head or name


@dataclass
class BoardModel:
    """The board's state. `clock` is monotonic seconds (blinking), `now` wall time (events
    without a time)."""

    services: Sequence[ServiceInfo] = ()
    recent_limit: int = 8
    highlight_s: float = 6.0
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())

    serving: dict[int, ServingRow] = field(default_factory=dict)
    recent: list[RecentCall] = field(default_factory=list)
    waiting: dict[str, int] = field(default_factory=dict)
    version: int = 0
    seq: int = 0
    _called_clock: dict[int, float] = field(default_factory=dict)
    _latest: deque = field(default_factory=lambda: deque(maxlen=200))
    _replaying: bool = False

    # -- reading -----------------------------------------------------------------------------

    def serving_rows(self) -> list[ServingRow]:
        """By counter, so a counter keeps its place on the board between calls."""
        return [self.serving[c] for c in sorted(self.serving)]

    def highlighted(self) -> set[int]:
        """Counters whose call is recent enough to blink."""
        now = self.clock()
        return {c for c, t in self._called_clock.items()
                if now - t < self.highlight_s and c in self.serving}

    def latest_call(self) -> RecentCall | None:
        return self.recent[0] if self.recent else None

    def waiting_rows(self) -> list[tuple[ServiceInfo, int]]:
        """Catalog order; services missing from the catalog (a newer hub) come last."""
        known = {s.code for s in self.services}
        rows = [(s, self.waiting.get(s.code, 0)) for s in self.services]
        rows += [(ServiceInfo(code, "", code), n) for code, n in sorted(self.waiting.items())
                 if code not in known]
        return rows

    def service_name(self, code: str) -> str:
        for s in self.services:
            if s.code == code:
                return s.name
        return code

    # -- writing -----------------------------------------------------------------------------

    def apply_snapshot(self, snapshot: Any) -> None:
        """Replace the state with a queue snapshot: `waiting` (service → count), `serving`
        (rows or a counter → row mapping, each with number/service/counter/called_at) and
        `recent` / `last_calls` (newest first)."""
        waiting = _get(snapshot, "waiting", "waiting_counts", default={}) or {}
        self.waiting = {str(k): int(v) for k, v in dict(waiting).items()}

        serving_raw = _get(snapshot, "serving", default=()) or ()
        rows: Iterable[tuple[Any, Any]]
        if isinstance(serving_raw, Mapping):
            rows = serving_raw.items()
        else:
            rows = ((None, r) for r in serving_raw)
        serving: dict[int, ServingRow] = {}
        for key, row in rows:
            counter = _get(row, "counter", default=key)
            ticket = _get(row, "ticket", default=row)
            number = ticket_number(ticket)
            if counter is None or not number:
                continue
            serving[int(counter)] = ServingRow(
                counter=int(counter), number=number,
                service=str(_get(row, "service", default="") or ticket_service(ticket)),
                called_at=_get(row, "called_at", "last_called_at", "at"))
        self.serving = serving
        for counter in list(self._called_clock):
            if counter not in serving:
                del self._called_clock[counter]

        recent_raw = _get(snapshot, "recent_calls", "recent", "last_calls", default=()) or ()
        recent: list[RecentCall] = []
        for item in recent_raw:
            ticket = _get(item, "ticket", default=item)
            counter = _get(item, "counter", default=_get(ticket, "counter"))
            number = ticket_number(ticket)
            if counter is None or not number:
                continue
            recent.append(RecentCall(
                number=number, counter=int(counter),
                service=str(_get(item, "service", default="") or ticket_service(ticket)),
                at=_get(item, "at", "called_at"),
                recall=_get(item, "kind", default="") == "recalled"))
        self.recent = self._dedupe(recent)[: self.recent_limit]
        self.version += 1

        snap_seq = int(_get(snapshot, "seq", default=0))
        snap_at = _get(snapshot, "at")
        self.seq = snap_seq
        newer = [e for e in self._latest if _seq(e) > snap_seq
                 and not (isinstance(snap_at, datetime) and _before(_get(e, "at"), snap_at))]
        self._latest.clear()
        self._replaying = True
        try:
            for event in newer:
                self.apply_event(event)
        finally:
            self._replaying = False

    def apply_event(self, event: Any) -> BoardChange:
        """Apply one queue event; returns the call to announce, if it was one."""
        seq = _seq(event)
        if seq:
            if seq <= self.seq:
                return BoardChange(changed=False)
            self.seq = seq
            self._latest.append(event)
        kind = str(_get(event, "kind", default=""))
        ticket = _get(event, "ticket")
        number = ticket_number(ticket) if ticket is not None else ""
        service = ticket_service(ticket) if ticket is not None else ""
        counter_raw = _get(event, "counter", default=_get(ticket, "counter"))
        counter = int(counter_raw) if counter_raw is not None else None
        at = _get(event, "at", default=None) or self.now()

        counts = _get(event, "waiting", "waiting_counts")
        if counts is not None:  # an event that carries the counts beats counting ourselves
            self.waiting = {str(k): int(v) for k, v in dict(counts).items()}

        if kind == "issued" and service:
            if counts is None:
                self.waiting[service] = self.waiting.get(service, 0) + 1
        elif kind in CALL_KINDS and number and counter is not None:
            # A new call takes the ticket off the waiting list (a recall does not: it was off).
            was_waiting = not any(r.number == number for r in self.serving.values())
            for c, row in list(self.serving.items()):
                if row.number == number and c != counter:
                    del self.serving[c]  # the same ticket moved to another counter
            if kind == "called" and was_waiting and counts is None and service:
                self.waiting[service] = max(0, self.waiting.get(service, 0) - 1)
            self.serving[counter] = ServingRow(counter, number, service, at)
            call = RecentCall(number, counter, service, at, recall=kind == "recalled")
            self.recent = self._dedupe([call, *self.recent])[: self.recent_limit]
            self.version += 1
            if self._replaying:  # shown and announced when it first came
                return BoardChange()
            self._called_clock[counter] = self.clock()
            return BoardChange(call=call)
        elif kind in LEAVE_KINDS and number:
            for c, row in list(self.serving.items()):
                if row.number == number and (counter is None or c == counter):
                    del self.serving[c]
                    self._called_clock.pop(c, None)
            if kind == "transferred" and counts is None and service:
                # It waits again, in its (possibly new) queue: the event's ticket says which.
                self.waiting[service] = self.waiting.get(service, 0) + 1
        else:
            if counts is None:
                return BoardChange(changed=False)
        self.version += 1
        return BoardChange()

    @staticmethod
    def _dedupe(calls: Sequence[RecentCall]) -> list[RecentCall]:
        """One line per ticket: a recall moves the ticket to the top instead of repeating it."""
        seen: set[str] = set()
        out = []
        for call in calls:
            if call.number not in seen:
                seen.add(call.number)
                out.append(call)
        return out


def _seq(item: Any) -> int:
    try:
        return int(_get(item, "seq", default=0))
    except (TypeError, ValueError):
        return 0


def _before(a: Any, b: datetime) -> bool:
    """Whether time a is before b (False when either is unknown or they cannot compare)."""
    if not isinstance(a, datetime):
        return False
    try:
        return a < b
    except TypeError:  # naive against aware
        return False


def services_from_catalog(catalog: Iterable[Any]) -> list[ServiceInfo]:
    """The board's services: the catalog's short board name, else the name cut short."""
    return [ServiceInfo(s.code, s.prefix,
                        getattr(s, "board_name_vi", "") or short_service_name(s.name_vi))
            for s in catalog]
