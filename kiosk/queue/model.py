"""What the queue tells its stations: events and snapshots. Plain dataclasses, no I/O, no Qt.

Both cross the LAN between the hub and the stations, so each has `as_json()` / `from_json()`
(JSON-safe dicts; times as ISO 8601 with the office's UTC offset).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from kiosk.tickets import Ticket

ISSUED = "issued"
PRINTED = "printed"
PRINT_FAILED = "print_failed"
CALLED = "called"
RECALLED = "recalled"
SKIPPED = "skipped"
TRANSFERRED = "transferred"
FINISHED = "finished"
DOSSIER_LINKED = "dossier_linked"

EVENT_KINDS = (ISSUED, PRINTED, PRINT_FAILED, CALLED, RECALLED, SKIPPED, TRANSFERRED,
               FINISHED, DOSSIER_LINKED)
# Kinds a display announces ("Mời công dân có số … đến quầy số …").
ANNOUNCED = (CALLED, RECALLED)


@dataclass(frozen=True)
class QueueEvent:
    """One recorded change, as the hub publishes it (one row of queue_events).

    `seq` is the event's id at the hub: increasing, so subscribers can order events and tell a
    gap. `ticket` is the ticket's state when the event was published. `detail` is kind-specific:
    called/recalled/skipped/finished: {"counter", "clerk", "service"} (+ "first" on called:
    the ticket's first call; "by": "next" on a finish made by calling the next ticket);
    transferred: {"counter", "clerk", "from_service", "to_service", "to_counter"};
    dossier_linked: {"counter", "clerk", "dossier_code"}; print_failed: {"message"}.
    `waiting` is the waiting count per service right after the event (None if not known).
    """

    kind: str
    ticket: Ticket
    counter: int | None
    at: datetime
    seq: int = 0
    clerk: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    waiting: dict[str, int] | None = None

    @property
    def announced(self) -> bool:
        return self.kind in ANNOUNCED

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "ticket": self.ticket.as_json(),
                "counter": self.counter, "clerk": self.clerk, "at": self.at.isoformat(),
                "detail": dict(self.detail), "waiting": self.waiting}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QueueEvent:
        return cls(kind=data["kind"], ticket=Ticket.from_json(data["ticket"]),
                   counter=data.get("counter"), at=datetime.fromisoformat(data["at"]),
                   seq=int(data.get("seq", 0)), clerk=data.get("clerk"),
                   detail=dict(data.get("detail") or {}), waiting=data.get("waiting"))


@dataclass(frozen=True)
class ServingNow:
    """A counter and the ticket at it. `last_called_at`: the latest call or recall."""

    counter: int
    ticket: Ticket
    last_called_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        return {"counter": self.counter, "number": self.ticket.number,
                "service": self.ticket.current_service, "clerk": self.ticket.clerk,
                "called_at": _iso(self.ticket.called_at),
                "last_called_at": _iso(self.last_called_at), "ticket": self.ticket.as_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ServingNow:
        return cls(counter=int(data["counter"]), ticket=Ticket.from_json(data["ticket"]),
                   last_called_at=_time(data.get("last_called_at")))


@dataclass(frozen=True)
class CallRecord:
    """One of the latest calls (for the display's "recent calls" list)."""

    seq: int
    kind: str  # called | recalled
    counter: int
    number: str
    service: str
    ticket_id: int
    at: datetime

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "counter": self.counter,
                "number": self.number, "service": self.service, "ticket_id": self.ticket_id,
                "at": self.at.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CallRecord:
        return cls(seq=int(data["seq"]), kind=data["kind"], counter=int(data["counter"]),
                   number=data["number"], service=data["service"],
                   ticket_id=int(data["ticket_id"]), at=datetime.fromisoformat(data["at"]))


@dataclass(frozen=True)
class WaitingTicket:
    """A waiting ticket, in issue order. `service`: the queue it waits in now."""

    id: int
    number: str
    service: str
    priority: str | None
    target_counter: int | None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "number": self.number, "service": self.service,
                "priority": self.priority, "target_counter": self.target_counter}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WaitingTicket:
        return cls(id=int(data["id"]), number=data["number"], service=data["service"],
                   priority=data.get("priority"), target_counter=data.get("target_counter"))


@dataclass(frozen=True)
class QueueSnapshot:
    """The queue today at one instant: what a display or a counter shows after (re)connecting.

    `seq` is the last event included: events with a higher seq happened after it.
    """

    at: datetime
    day: date
    seq: int
    waiting: dict[str, int]              # service code -> waiting tickets (every service)
    serving: tuple[ServingNow, ...]      # by counter number
    recent_calls: tuple[CallRecord, ...]  # newest first
    waiting_tickets: tuple[WaitingTicket, ...] = ()

    def serving_at(self, counter: int) -> Ticket | None:
        for s in self.serving:
            if s.counter == counter:
                return s.ticket
        return None

    def as_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "day": self.day.isoformat(), "seq": self.seq,
                "waiting": dict(self.waiting),
                "serving": [s.as_json() for s in self.serving],
                "recent_calls": [c.as_json() for c in self.recent_calls],
                "waiting_tickets": [w.as_json() for w in self.waiting_tickets]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QueueSnapshot:
        return cls(at=datetime.fromisoformat(data["at"]), day=date.fromisoformat(data["day"]),
                   seq=int(data["seq"]), waiting={k: int(v) for k, v in data["waiting"].items()},
                   serving=tuple(ServingNow.from_json(s) for s in data["serving"]),
                   recent_calls=tuple(CallRecord.from_json(c) for c in data["recent_calls"]),
                   waiting_tickets=tuple(WaitingTicket.from_json(w)
                                         for w in data.get("waiting_tickets", ())))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
