"""Feedback and proposals ("Phản ánh, kiến nghị") typed by citizens at the ticket kiosk.

Stored with its outbox row (record type "feedback") so the city receives it; the phone number
is optional and is there only so the city can answer. Logging names the topic and the text's
length: never the text or the phone number, which may identify the citizen.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from kiosk.feedback.errors import FeedbackError
from kiosk.store import append_outbox, transaction

log = logging.getLogger(__name__)

RECORD_TYPE = "feedback"

#: Shown when the configuration lists no topics of its own. A topic is stored and sent to the
#: city by its Vietnamese name; the English one is only what an English screen shows.
DEFAULT_TOPICS: tuple[str, ...] = (
    "Thủ tục hành chính",
    "Thái độ, tác phong của cán bộ",
    "Thời gian giải quyết hồ sơ",
    "Cơ sở vật chất, trang thiết bị",
    "Góp ý khác",
)
DEFAULT_TOPICS_EN: dict[str, str] = {
    "Thủ tục hành chính": "Administrative procedures",
    "Thái độ, tác phong của cán bộ": "Staff attitude and conduct",
    "Thời gian giải quyết hồ sơ": "Time taken to handle dossiers",
    "Cơ sở vật chất, trang thiết bị": "Premises and equipment",
    "Góp ý khác": "Other suggestions",
}

#: Long enough to say something ("Chờ quá lâu"), short enough to type on a touch screen and to
#: keep one record from filling the outbox.
TEXT_MIN_CHARS = 5
TEXT_MAX_CHARS = 1000
TOPIC_MAX_CHARS = 120

# Vietnamese numbers after removing spaces, dots, dashes and brackets, with +84/84 turned into
# a leading 0. Mobile: 10 digits, 03/05/07/08/09. Landline since 2017: 02 + area code and
# subscriber number, 11 digits; 10 is accepted too because people still give old-style numbers.
_MOBILE_RE = re.compile(r"0[35789][0-9]{8}")
_LANDLINE_RE = re.compile(r"02[0-9]{8,9}")


@dataclass(frozen=True)
class Topic:
    """A feedback topic as a screen shows it: its Vietnamese name (what is stored) and its
    English name (empty when it has none: then English screens show the Vietnamese one)."""

    name_vi: str
    name_en: str = ""

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_vi


def feedback_topic(text: str) -> Topic:
    """A topic from the configuration: "Vietnamese | English", or the Vietnamese name alone
    (a built-in topic's English name is known; another one's English screen shows it as is)."""
    name_vi, _, name_en = (" ".join(part.split()) for part in text.partition("|"))
    return Topic(name_vi, name_en or DEFAULT_TOPICS_EN.get(name_vi, ""))


@dataclass(frozen=True)
class CitizenFeedback:
    uid: str
    topic: str
    text: str
    phone: str | None
    at: datetime
    station_id: str

    def as_json(self) -> dict[str, Any]:
        return {"uid": self.uid, "topic": self.topic, "text": self.text, "phone": self.phone,
                "at": self.at.isoformat(), "station": self.station_id}


def normalize_phone(phone: str | None) -> str | None:
    """A Vietnamese mobile or landline number as digits with a leading 0, None when empty;
    FeedbackError when it cannot be one (checked loosely: length and prefix only)."""
    text = unicodedata.normalize("NFKC", phone or "").strip()
    if not text:
        return None
    digits = re.sub(r"[\s.\-()/]", "", text)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if _MOBILE_RE.fullmatch(digits) or _LANDLINE_RE.fullmatch(digits):
        return digits
    raise FeedbackError(
        "Số điện thoại chưa đúng. Vui lòng nhập số di động 10 chữ số (ví dụ 0912 345 678) "
        "hoặc số cố định có mã vùng, hoặc để trống.",
        "phone is not a Vietnamese mobile (10 digits) or landline (02..., 10-11 digits)",
        reason="phone")


def clean_text(text: str | None) -> str:
    """NFC, without control characters, blank lines squeezed, ends trimmed."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(c for c in text if c == "\n" or unicodedata.category(c)[0] != "C")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def check_text(text: str) -> str:
    """The cleaned text, or FeedbackError when it is too short or too long."""
    cleaned = clean_text(text)
    if len(cleaned) < TEXT_MIN_CHARS:
        raise FeedbackError(f"Vui lòng nhập nội dung phản ánh (ít nhất {TEXT_MIN_CHARS} ký tự).",
                            f"feedback text shorter than {TEXT_MIN_CHARS} characters",
                            reason="text_short")
    if len(cleaned) > TEXT_MAX_CHARS:
        raise FeedbackError(f"Nội dung quá dài: tối đa {TEXT_MAX_CHARS} ký tự.",
                            f"feedback text longer than {TEXT_MAX_CHARS} characters",
                            reason="text_long")
    return cleaned


def record_feedback(db: Database, *, topic: str, text: str, phone: str | None,
                    at: datetime, station_id: str = "") -> CitizenFeedback:
    """Validate and store one piece of feedback with its outbox row, in one transaction."""
    topic = " ".join(unicodedata.normalize("NFC", topic or "").split())
    if not topic:
        raise FeedbackError("Vui lòng chọn nội dung cần phản ánh.", "feedback topic is empty",
                            reason="topic")
    if len(topic) > TOPIC_MAX_CHARS:
        raise FeedbackError("Chủ đề quá dài.",
                            f"feedback topic longer than {TOPIC_MAX_CHARS} characters",
                            reason="topic")
    body = check_text(text)
    number = normalize_phone(phone)
    if at.tzinfo is None:
        raise ValueError("feedback times must be timezone-aware")
    feedback = CitizenFeedback(str(uuid.uuid4()), topic, body, number, at, station_id)
    with transaction(db) as conn:
        conn.execute(
            "INSERT INTO citizen_feedback (uid, topic, text, phone, at, station_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (feedback.uid, topic, body, number, at.isoformat(), station_id))
        append_outbox(conn, RECORD_TYPE, feedback.as_json(), at, record_id=feedback.uid)
    log.info("citizen feedback stored: topic %r, %d characters, %s phone", topic, len(body),
             "with" if number else "no")
    return feedback
