"""The ticket as plain data: what a queue holds and what crosses the LAN.

Domain code (kiosk.queue.model, the UI) uses it without the database or the printer;
kiosk.ticketing issues and prints tickets and re-exports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kiosk.queue.priority import PriorityCategory

PRINTED = "printed"
PRINT_FAILED = "print_failed"
PRINT_PENDING = "pending"


@dataclass(frozen=True)
class Ticket:
    id: int
    uid: str
    service_code: str
    number: str
    seq: int
    day: date
    priority: PriorityCategory | None
    issued_at: datetime
    people_ahead: int
    station_id: str
    status: str
    print_status: str
    # Calling (kiosk.calling): the queue it waits in now (differs from service_code once
    # transferred), the counter and clerk serving it (or who served it last), its first call,
    # its end, the counter it was transferred to, the dossiers taken in during its service.
    queue_service: str | None = None
    counter: int | None = None
    clerk: str | None = None
    called_at: datetime | None = None
    finished_at: datetime | None = None
    target_counter: int | None = None
    dossiers: tuple[str, ...] = ()

    @property
    def current_service(self) -> str:
        """The service whose queue the ticket is in (its own unless transferred)."""
        return self.queue_service or self.service_code

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "uid": self.uid,
            "number": self.number,
            "service": self.service_code,
            "day": self.day.isoformat(),
            "seq": self.seq,
            "priority": self.priority.value if self.priority else None,
            "issued_at": self.issued_at.isoformat(),
            "people_ahead": self.people_ahead,
            "station": self.station_id,
            "status": self.status,
            "print_status": self.print_status,
            "queue_service": self.current_service,
            "counter": self.counter,
            "clerk": self.clerk,
            "called_at": _iso(self.called_at),
            "finished_at": _iso(self.finished_at),
            "target_counter": self.target_counter,
            "dossiers": list(self.dossiers),
        }

    @classmethod
    def from_json(cls, data: dict) -> Ticket:
        """The inverse of as_json (tickets cross the LAN between hub and stations)."""
        priority = data.get("priority")
        queue_service = data.get("queue_service")
        return cls(
            id=int(data["id"]), uid=data["uid"], service_code=data["service"],
            number=data["number"], seq=int(data["seq"]), day=date.fromisoformat(data["day"]),
            priority=PriorityCategory(priority) if priority else None,
            issued_at=datetime.fromisoformat(data["issued_at"]),
            people_ahead=int(data.get("people_ahead", 0)), station_id=data.get("station", ""),
            status=data.get("status", "waiting"),
            print_status=data.get("print_status", PRINT_PENDING),
            queue_service=queue_service if queue_service != data["service"] else None,
            counter=data.get("counter"), clerk=data.get("clerk"),
            called_at=_from_iso(data.get("called_at")),
            finished_at=_from_iso(data.get("finished_at")),
            target_counter=data.get("target_counter"),
            dossiers=tuple(data.get("dossiers") or ()))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
