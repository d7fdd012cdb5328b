"""Priority citizens and the policy that decides the calling order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class PriorityCategory(StrEnum):
    ELDERLY = "elderly"
    DISABLED = "disabled"
    PREGNANT = "pregnant"
    SMALL_CHILD = "small_child"
    UNSPECIFIED = "unspecified"

    @property
    def label_vi(self) -> str:
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _LABELS[self][1]


_LABELS = {
    PriorityCategory.ELDERLY: ("Người cao tuổi", "Elderly person"),
    PriorityCategory.DISABLED: ("Người khuyết tật", "Person with disability"),
    PriorityCategory.PREGNANT: ("Phụ nữ mang thai", "Pregnant woman"),
    PriorityCategory.SMALL_CHILD: ("Người đi cùng trẻ nhỏ", "With a small child"),
    PriorityCategory.UNSPECIFIED: ("Ưu tiên", "Priority"),
}


@dataclass(frozen=True)
class Waiting:
    """A waiting ticket as the policy sees it; `order` is its issue order (lower = earlier)."""

    ticket_id: int
    order: int
    priority: bool


@dataclass(frozen=True)
class PriorityPolicy:
    mode: str = "every_n"  # "strict" | "every_n"
    every: int = 5

    def __post_init__(self) -> None:
        if self.mode not in ("strict", "every_n"):
            raise ValueError(f"unknown priority policy {self.mode!r}")
        if self.every < 2:
            raise ValueError("priority_every must be at least 2")

    def call_order(self, waiting: Sequence[Waiting], normal_calls_since_priority: int
                   ) -> list[Waiting]:
        """The order in which the waiting tickets would be called from now on.

        strict: every priority ticket before any normal one.
        every_n: one call in `every` goes to a priority ticket: after every-1 normal calls
        a waiting priority ticket is due; with no normal ticket waiting, priority goes next.
        `normal_calls_since_priority` carries that count across calls (a fresh day starts
        "due", so the first priority citizen is called at once).
        """
        priority = sorted((w for w in waiting if w.priority), key=lambda w: w.order)
        normal = sorted((w for w in waiting if not w.priority), key=lambda w: w.order)
        if self.mode == "strict":
            return priority + normal
        order: list[Waiting] = []
        since = normal_calls_since_priority
        while priority or normal:
            if priority and (since >= self.every - 1 or not normal):
                order.append(priority.pop(0))
                since = 0
            else:
                order.append(normal.pop(0))
                since += 1
        return order

    def next_ticket(self, waiting: Sequence[Waiting], normal_calls_since_priority: int
                    ) -> Waiting | None:
        order = self.call_order(waiting, normal_calls_since_priority)
        return order[0] if order else None

    def people_ahead(self, waiting: Sequence[Waiting], ticket_id: int,
                     normal_calls_since_priority: int) -> int:
        ids = [w.ticket_id for w in self.call_order(waiting, normal_calls_since_priority)]
        return ids.index(ticket_id)
