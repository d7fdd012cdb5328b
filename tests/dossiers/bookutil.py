"""Dossier changes for the office dossier book, made by a real DossierDesk on a counter's own
database (no tests here): the change shapes of kiosk/dossiers/book.py, with the city payload
each change's DossierDesk wrote to that counter's outbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.config import Config, from_dict
from kiosk.dossiers import DossierDesk
from kiosk.dossiers.models import Dossier
from kiosk.store import connect

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def counter_config(station: str) -> Config:
    return from_dict({"station": {"id": station, "role": "counter"}})


class Counter:
    """A counter PC's own database and dossier desk (as a standalone station writes it)."""

    def __init__(self, folder: Path, station: str):
        folder.mkdir(parents=True, exist_ok=True)
        self.station = station
        self.db = connect(folder / "kiosk.db")
        self.desk = DossierDesk(self.db, counter_config(station))

    def city(self, event_uid: str) -> dict[str, Any]:
        """The city payload this counter's desk wrote for one change."""
        row = self.db.execute("SELECT payload FROM outbox WHERE record_id = ?",
                              (event_uid,)).fetchone()
        return json.loads(row[0])

    def intake_change(self, dossier: Dossier, *, city: bool = True) -> dict[str, Any]:
        data = dossier.as_json()
        data["history"] = data["history"][:1]
        first = dossier.history[0].uid
        return {"id": first, "kind": "intake", "dossier": data,
                "city": self.city(first) if city else None}

    def status_change(self, dossier: Dossier, version: int, *, city: bool = True,
                      after: bool = True) -> dict[str, Any]:
        """The change that made `dossier`'s version `version` (2: its first status change
        after the intake); `after` only for the dossier's latest version."""
        event = dossier.history[version - 1]
        change: dict[str, Any] = {
            "id": event.uid, "kind": "status", "code": dossier.code,
            "base_version": version - 1, "event": event.as_json(), "station": self.station,
            "city": self.city(event.uid) if city else None}
        if after and version == len(dossier.history):
            d = dossier.as_json()
            change["after"] = {k: d[k] for k in ("status", "status_reason", "finished_at",
                                                 "returned_at", "on_time", "updated_at")}
        return change

    def changes(self, dossier: Dossier, *, city: bool = True) -> list[dict[str, Any]]:
        """Every change of `dossier`, in order: its intake, then each status change."""
        return [self.intake_change(dossier, city=city)] + [
            self.status_change(dossier, v, city=city)
            for v in range(2, len(dossier.history) + 1)]

    def close(self) -> None:
        self.db.conn.close()
