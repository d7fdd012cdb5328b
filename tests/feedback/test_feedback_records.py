"""Ratings and citizen feedback: validation, one transaction with the outbox row, no PII in
logs."""

import json
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kiosk.feedback.citizen_feedback import (
    TEXT_MAX_CHARS,
    check_text,
    clean_text,
    normalize_phone,
    record_feedback,
)
from kiosk.feedback.errors import FeedbackError
from kiosk.feedback.ratings import (
    REASON_LABELS_VI,
    RatingLevel,
    RatingReason,
    list_ratings,
    record_rating,
)
from kiosk.store import connect
from kiosk.store.outbox import SCHEMA_VERSIONS

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
AT = datetime(2026, 3, 2, 10, 15, tzinfo=TZ)


def outbox(db, record_type):
    return [dict(r) for r in db.query(
        "SELECT record_id, record_type, schema_version, payload FROM outbox "
        "WHERE record_type = ? ORDER BY id", [record_type])]


def test_labels_are_the_official_ones():
    assert [lv.label_vi for lv in RatingLevel] == ["Rất hài lòng", "Hài lòng", "Không hài lòng"]
    assert list(REASON_LABELS_VI) == list(RatingReason)
    assert RatingReason.EXTRA_DOCUMENTS.label_vi == "Yêu cầu thêm giấy tờ ngoài quy định"
    assert {"rating", "feedback"} <= set(SCHEMA_VERSIONS)


def test_record_rating_with_reasons(db):
    rating = record_rating(db, ticket_uid="t-1", dossier_code="000.00.01.h26-260302-0001",
                           counter=3, clerk=" Trần  Minh Đức ", level="unsatisfied",
                           reasons=["waiting_time", RatingReason.STAFF_ATTITUDE,
                                    "waiting_time"], at=AT, station_id="kiosk-1",
                           ticket_number="A012")
    assert rating.clerk == "Trần Minh Đức"
    assert rating.dossier_code == "000.00.01.H26-260302-0001"
    # Each reason once, in the order of the list on screen.
    assert rating.reasons == (RatingReason.STAFF_ATTITUDE, RatingReason.WAITING_TIME)
    row = db.execute("SELECT ticket_uid, ticket_number, dossier_code, counter, clerk, level, "
                     "reasons, at, station_id FROM ratings").fetchone()
    assert row == ("t-1", "A012", "000.00.01.H26-260302-0001", 3, "Trần Minh Đức",
                   "unsatisfied", '["staff_attitude", "waiting_time"]', AT.isoformat(),
                   "kiosk-1")
    [box] = outbox(db, "rating")
    assert box["record_id"] == rating.uid and box["schema_version"] == 1
    payload = json.loads(box["payload"])
    assert payload == rating.as_json()
    assert payload["reasons"] == ["staff_attitude", "waiting_time"]
    assert list_ratings(db, counter=3) == [rating]


def test_happy_rating_needs_no_ticket(db):
    rating = record_rating(db, ticket_uid=None, dossier_code=None, counter=1, clerk="",
                           level=RatingLevel.VERY_SATISFIED, reasons=(), at=AT)
    assert rating.ticket_uid is None and rating.dossier_code is None and rating.reasons == ()
    assert len(outbox(db, "rating")) == 1


@pytest.mark.parametrize("kwargs", [
    {"level": "happy"},
    {"level": "satisfied", "reasons": ["waiting_time"]},  # reasons only when unhappy
    {"level": "unsatisfied", "reasons": ["rude"]},
    {"counter": 0},
    {"counter": True},
])
def test_bad_ratings_store_nothing(db, kwargs):
    args = {"ticket_uid": "t", "dossier_code": None, "counter": 2, "clerk": "x",
            "level": "satisfied", "reasons": [], "at": AT, **kwargs}
    with pytest.raises(FeedbackError) as err:
        record_rating(db, **args)
    assert err.value.message_vi
    assert db.execute("SELECT count(*) FROM ratings").fetchone()[0] == 0
    assert outbox(db, "rating") == []


def test_rating_is_one_transaction(db_path, monkeypatch):
    db = connect(db_path)
    import kiosk.feedback.ratings as ratings

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ratings, "append_outbox", broken)
    with pytest.raises(RuntimeError):
        record_rating(db, ticket_uid="t", dossier_code=None, counter=2, clerk="x",
                      level="satisfied", at=AT)
    assert db.execute("SELECT count(*) FROM ratings").fetchone()[0] == 0
    db.conn.close()


@pytest.mark.parametrize("raw, expected", [
    ("0912345678", "0912345678"),
    ("0912 345 678", "0912345678"),
    ("091.234.5678", "0912345678"),
    ("+84 912 345 678", "0912345678"),
    ("84912345678", "0912345678"),
    ("0389-123-456", "0389123456"),
    ("024 3825 1234", "02438251234"),  # Hà Nội landline
    ("(0236) 382 1234", "02363821234"),
    ("", None),
    ("   ", None),
])
def test_phone_numbers(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "0123456789", "091234567", "09123456789",
                                 "abc", "1900 1234", "0912345678x"])
def test_bad_phone_numbers(raw):
    with pytest.raises(FeedbackError):
        normalize_phone(raw)


def test_record_feedback(db, caplog):
    caplog.set_level(logging.DEBUG)
    text = "  Cần thêm\x07 ghế chờ\n\n\n\ncho người cao tuổi.  "
    fb = record_feedback(db, topic="Cơ sở vật chất, trang thiết bị", text=text,
                         phone="0912 345 678", at=AT, station_id="kiosk-1")
    assert fb.text == "Cần thêm ghế chờ\n\ncho người cao tuổi."
    assert fb.phone == "0912345678"
    row = db.execute("SELECT topic, text, phone, at, station_id FROM citizen_feedback"
                     ).fetchone()
    assert row == ("Cơ sở vật chất, trang thiết bị", fb.text, "0912345678", AT.isoformat(),
                   "kiosk-1")
    [box] = outbox(db, "feedback")
    assert box["record_id"] == fb.uid
    assert json.loads(box["payload"]) == fb.as_json()
    # The log names the topic and the length, never the words or the number.
    assert "0912345678" not in caplog.text and "ghế" not in caplog.text
    assert "citizen feedback stored" in caplog.text


@pytest.mark.parametrize("kwargs, code_part", [
    ({"topic": " "}, "topic"),
    ({"text": "abc"}, "shorter"),
    ({"text": "x" * (TEXT_MAX_CHARS + 1)}, "longer"),
    ({"phone": "12"}, "phone"),
])
def test_bad_feedback_stores_nothing(db, kwargs, code_part):
    args = {"topic": "Góp ý khác", "text": "Nội dung đủ dài", "phone": None, "at": AT,
            **kwargs}
    with pytest.raises(FeedbackError) as err:
        record_feedback(db, **args)
    assert code_part in err.value.message_en
    assert db.execute("SELECT count(*) FROM citizen_feedback").fetchone()[0] == 0
    assert outbox(db, "feedback") == []


def test_clean_text_keeps_single_blank_lines():
    assert clean_text("a\r\nb") == "a\nb"
    assert clean_text("  x  \n\n\n y ") == "x\n\ny"


def test_topics_carry_their_english_name_and_are_stored_in_vietnamese():
    from kiosk.feedback.citizen_feedback import DEFAULT_TOPICS, feedback_topic

    for name in DEFAULT_TOPICS:  # every built-in topic has an English name
        topic = feedback_topic(name)
        assert topic.name("vi") == name and topic.name("en") and topic.name("en") != name
    own = feedback_topic(" Vệ sinh  khu vực chờ |  Cleanliness of the waiting area ")
    assert (own.name_vi, own.name("en")) == ("Vệ sinh khu vực chờ",
                                             "Cleanliness of the waiting area")
    # A topic configured without an English name shows as written on English screens too.
    assert feedback_topic("Vệ sinh khu vực chờ").name("en") == "Vệ sinh khu vực chờ"


@pytest.mark.parametrize(("call", "reason"), [
    (lambda: normalize_phone("0123"), "phone"),
    (lambda: check_text("abc"), "text_short"),
    (lambda: check_text("x" * 1001), "text_long"),
])
def test_refusals_name_the_check_that_failed(call, reason):
    with pytest.raises(FeedbackError) as caught:
        call()
    assert caught.value.reason == reason
