"""The service catalog: what a citizen can take a number for, and when."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

from kiosk.assets import asset_path

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class CatalogError(ValueError):
    pass


@dataclass(frozen=True)
class OpeningHours:
    """Periods per weekday (Monday = 0), local time, end exclusive."""

    periods: tuple[tuple[tuple[time, time], ...], ...]  # 7 entries

    def is_open(self, at: datetime) -> bool:
        now = at.time()
        return any(start <= now < end for start, end in self.periods[at.weekday()])

    @classmethod
    def parse(cls, spec: list[dict]) -> OpeningHours:
        days: list[list[tuple[time, time]]] = [[] for _ in DAY_NAMES]
        for entry in spec:
            for day in _day_range(entry["days"]):
                for span in entry["times"]:
                    start, end = (time.fromisoformat(t.strip()) for t in span.split("-"))
                    if not start < end:
                        raise CatalogError(f"opening time {span!r}: start must be before end")
                    days[day].append((start, end))
        return cls(tuple(tuple(sorted(d)) for d in days))


def _day_range(text: str) -> list[int]:
    first, _, last = text.partition("-")
    try:
        a = DAY_NAMES.index(first.strip())
        b = DAY_NAMES.index((last or first).strip())
    except ValueError:
        raise CatalogError(f"days {text!r}: use mon..sun or a range like mon-fri") from None
    if b < a:
        raise CatalogError(f"days {text!r}: range goes backwards")
    return list(range(a, b + 1))


@dataclass(frozen=True)
class Service:
    code: str
    prefix: str
    name_vi: str
    name_en: str
    field: str
    hours: OpeningHours
    hours_spec: tuple  # as written in the catalog, kept for storage and display
    board_name_vi: str = ""  # the waiting-room board's short name; "" when not given

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_vi


def load_catalog(path: Path | None = None) -> list[Service]:
    path = path or asset_path("catalogs", "services.json")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))["services"]
    except (OSError, ValueError, KeyError) as exc:
        raise CatalogError(f"cannot read the service catalog {path}: {exc}") from exc
    services = []
    for entry in raw:
        try:
            prefix = entry["prefix"]
            if len(prefix) != 1 or not prefix.isalpha() or not prefix.isupper():
                raise CatalogError(f"prefix {prefix!r} must be one capital letter")
            services.append(Service(
                code=entry["code"], prefix=prefix, name_vi=entry["name_vi"],
                name_en=entry["name_en"], field=entry.get("field", ""),
                hours=OpeningHours.parse(entry["hours"]), hours_spec=tuple(entry["hours"]),
                board_name_vi=" ".join(str(entry.get("board_name_vi") or "").split()),
            ))
        except (KeyError, ValueError) as exc:
            raise CatalogError(f"service {entry.get('code', '?')} in {path}: {exc}") from exc
    for attr in ("code", "prefix"):
        values = [getattr(s, attr) for s in services]
        dupes = {v for v in values if values.count(v) > 1}
        if dupes:
            raise CatalogError(f"duplicate {attr} in {path}: {', '.join(sorted(dupes))}")
    return services
