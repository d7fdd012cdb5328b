"""Satisfaction ratings after service at a counter.

The three levels are the ones of the official forms (Rất hài lòng / Hài lòng / Không hài lòng);
an unhappy rating may carry reasons chosen from a fixed list, so they can be counted per counter
and per clerk without anyone reading free text. A rating is stored with its ticket, dossier,
counter and clerk, and appended to the outbox (record type "rating") in the same transaction.

Logging names the level and the counter only: never the clerk, the ticket or the dossier, so a
log file cannot be used to trace one citizen's opinion of one clerk.
"""

from __future__ import annotations

import json
import logging
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlite_utils import Database

from kiosk.feedback.errors import FeedbackError
from kiosk.store import append_outbox, transaction

log = logging.getLogger(__name__)

RECORD_TYPE = "rating"


class RatingLevel(StrEnum):
    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    UNSATISFIED = "unsatisfied"

    @property
    def label_vi(self) -> str:
        return LEVEL_LABELS_VI[self]

    @property
    def label_en(self) -> str:
        return LEVEL_LABELS_EN[self]

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_vi


LEVEL_LABELS_VI: dict[RatingLevel, str] = {
    RatingLevel.VERY_SATISFIED: "Rất hài lòng",
    RatingLevel.SATISFIED: "Hài lòng",
    RatingLevel.UNSATISFIED: "Không hài lòng",
}
LEVEL_LABELS_EN: dict[RatingLevel, str] = {
    RatingLevel.VERY_SATISFIED: "Very satisfied",
    RatingLevel.SATISFIED: "Satisfied",
    RatingLevel.UNSATISFIED: "Not satisfied",
}


class RatingReason(StrEnum):
    STAFF_ATTITUDE = "staff_attitude"
    WAITING_TIME = "waiting_time"
    PROCEDURE_UNCLEAR = "procedure_unclear"
    EXTRA_DOCUMENTS = "extra_documents"
    OTHER = "other"

    @property
    def label_vi(self) -> str:
        return REASON_LABELS_VI[self]

    @property
    def label_en(self) -> str:
        return REASON_LABELS_EN[self]

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_vi


#: In the order shown on screen.
REASON_LABELS_VI: dict[RatingReason, str] = {
    RatingReason.STAFF_ATTITUDE: "Thái độ phục vụ của cán bộ chưa tốt",
    RatingReason.WAITING_TIME: "Thời gian chờ đợi lâu",
    RatingReason.PROCEDURE_UNCLEAR: "Thủ tục, hướng dẫn chưa rõ ràng",
    RatingReason.EXTRA_DOCUMENTS: "Yêu cầu thêm giấy tờ ngoài quy định",
    RatingReason.OTHER: "Lý do khác",
}
REASON_LABELS_EN: dict[RatingReason, str] = {
    RatingReason.STAFF_ATTITUDE: "Staff attitude",
    RatingReason.WAITING_TIME: "Long waiting time",
    RatingReason.PROCEDURE_UNCLEAR: "Procedure or guidance unclear",
    RatingReason.EXTRA_DOCUMENTS: "Asked for documents beyond the rules",
    RatingReason.OTHER: "Other reason",
}


@dataclass(frozen=True)
class Rating:
    uid: str
    ticket_uid: str | None
    ticket_number: str | None
    dossier_code: str | None
    counter: int
    clerk: str
    level: RatingLevel
    reasons: tuple[RatingReason, ...]
    at: datetime
    station_id: str

    def as_json(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "ticket_uid": self.ticket_uid,
            "ticket_number": self.ticket_number,
            "dossier_code": self.dossier_code,
            "counter": self.counter,
            "clerk": self.clerk,
            "level": self.level.value,
            "reasons": [r.value for r in self.reasons],
            "at": self.at.isoformat(),
            "station": self.station_id,
        }


def parse_level(level: RatingLevel | str) -> RatingLevel:
    try:
        return RatingLevel(level)
    except ValueError:
        raise FeedbackError("Mức đánh giá không hợp lệ.",
                            f"rating level must be one of "
                            f"{', '.join(v.value for v in RatingLevel)}") from None


def parse_reasons(reasons: Iterable[RatingReason | str]) -> tuple[RatingReason, ...]:
    """Known reasons, each once, in the order of the list on screen."""
    chosen = set()
    for reason in reasons:
        try:
            chosen.add(RatingReason(reason))
        except ValueError:
            raise FeedbackError("Lý do không hợp lệ.",
                                f"rating reason must be one of "
                                f"{', '.join(v.value for v in RatingReason)}") from None
    return tuple(r for r in RatingReason if r in chosen)


def _clean(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def record_rating(db: Database, *, ticket_uid: str | None, dossier_code: str | None,
                  counter: int, clerk: str, level: RatingLevel | str,
                  reasons: Iterable[RatingReason | str] = (), at: datetime,
                  station_id: str = "", ticket_number: str | None = None) -> Rating:
    """Store one rating and its outbox row in one transaction.

    Reasons belong to unhappy ratings only: reasons with a happy level are refused rather than
    dropped, because they mean the caller mixed two citizens' answers up.
    """
    level = parse_level(level)
    chosen = parse_reasons(reasons)
    if chosen and level is not RatingLevel.UNSATISFIED:
        raise FeedbackError("Chỉ chọn lý do khi không hài lòng.",
                            "reasons are only recorded with the 'unsatisfied' level")
    if isinstance(counter, bool) or not isinstance(counter, int) or counter < 1:
        raise FeedbackError("Số quầy không hợp lệ.", "counter must be a whole number >= 1")
    if at.tzinfo is None:
        raise ValueError("rating times must be timezone-aware")
    rating = Rating(
        uid=str(uuid.uuid4()),
        ticket_uid=_clean(ticket_uid) or None,
        ticket_number=_clean(ticket_number) or None,
        dossier_code=_clean(dossier_code).upper() or None,
        counter=counter,
        clerk=_clean(clerk),
        level=level,
        reasons=chosen,
        at=at,
        station_id=station_id,
    )
    with transaction(db) as conn:
        conn.execute(
            "INSERT INTO ratings (uid, ticket_uid, ticket_number, dossier_code, counter, clerk, "
            "level, reasons, at, station_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (rating.uid, rating.ticket_uid, rating.ticket_number, rating.dossier_code,
             rating.counter, rating.clerk, rating.level.value,
             json.dumps([r.value for r in rating.reasons]), at.isoformat(), station_id))
        append_outbox(conn, RECORD_TYPE, rating.as_json(), at, record_id=rating.uid)
    log.info("rating stored: %s at counter %d (%d reasons)", level.value, counter, len(chosen))
    return rating


def list_ratings(db: Database, *, counter: int | None = None, limit: int = 100) -> list[Rating]:
    """The latest ratings, newest first (statistics, tests, the technician's checks)."""
    sql = ("SELECT uid, ticket_uid, ticket_number, dossier_code, counter, clerk, level, "
           "reasons, at, station_id FROM ratings")
    args: list[Any] = []
    if counter is not None:
        sql += " WHERE counter = ?"
        args.append(counter)
    sql += " ORDER BY id DESC LIMIT ?"
    args.append(limit)
    return [Rating(uid=r[0], ticket_uid=r[1], ticket_number=r[2], dossier_code=r[3],
                   counter=r[4], clerk=r[5], level=RatingLevel(r[6]),
                   reasons=tuple(RatingReason(x) for x in json.loads(r[7])),
                   at=datetime.fromisoformat(r[8]), station_id=r[9])
            for r in db.execute(sql, args).fetchall()]
