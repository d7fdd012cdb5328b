"""Petitions as cases on a real SQLite file: codes, deadlines in working days (Tết, weekends),
lateness, the status flow, refusals, the outbox records, the CLI as a technician runs it, and
nothing personal in the log."""

from __future__ import annotations

import json
import logging
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kiosk.calendar import CalendarRules
from kiosk.config import Config
from kiosk.petitions import cases
from kiosk.petitions.cases import PetitionError
from kiosk.store import connect
from sync import protocol as p
from tests.faultproxy import ROOT, env, kiosk_cmd

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
RULES = CalendarRules()
TEXT = "Cán bộ quầy 2 hướng dẫn chưa rõ, tôi phải đi lại ba lần."
PHONE = "0987 654 321"


def at(y, m, d, h=9, mi=0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=TZ)


@pytest.fixture
def db(tmp_path):
    database = connect(tmp_path / "kiosk.db")
    yield database
    database.conn.close()


def take(db, when, config=None, **kw):
    kw = {"topic": "Thái độ, tác phong của cán bộ", "text": TEXT, "phone": PHONE, **kw}
    return cases.take_petition(db, config or Config(), at=when, **kw)[1]


def test_a_petition_becomes_a_case_with_a_code_a_deadline_and_both_records(db, caplog):
    caplog.set_level(logging.DEBUG)
    first = take(db, at(2026, 12, 4, 9))  # Friday
    second = take(db, at(2026, 12, 4, 10), phone=None)
    assert (first.code, second.code) == ("PA-260001", "PA-260002")
    assert first.status == "open" and first.phone == "0987654321"
    # 10 working days after Friday 4/12: the weekends are skipped.
    assert first.due_date == date(2026, 12, 18)
    kinds = [r[0] for r in db.execute("SELECT record_type FROM outbox ORDER BY id")]
    assert kinds == ["feedback", "petition", "feedback", "petition"]
    payload = json.loads(db.execute("SELECT payload FROM outbox WHERE record_type = 'petition' "
                                    "ORDER BY id LIMIT 1").fetchone()[0])
    assert payload["code"] == "PA-260001" and payload["due_date"] == "2026-12-18"
    assert not p.RECORD_TYPES["petition"].check(payload)
    for secret in (TEXT, "0987654321", "0987 654 321", "hướng dẫn"):
        assert secret not in caplog.text


def test_the_deadline_counts_working_days_across_tet(db):
    # Received the Friday before Tết 2027 (Mùng 1 is 6 Feb 2027): the break is not counted.
    petition = take(db, at(2027, 2, 1, 9))
    assert petition.due_date == cases.handling_due(at(2027, 2, 1, 9), 10, RULES)
    assert (petition.due_date - date(2027, 2, 1)).days > 14  # more than two plain weeks
    # After the cut-off it counts from the next working day, like a dossier.
    late_in_day = take(db, at(2026, 12, 4, 16, 30))
    assert late_in_day.due_date == date(2026, 12, 21)


def test_handling_days_and_the_code_prefix_are_configurable(db):
    config = Config().with_values(petitions={"handling_days": 3, "code_prefix": "kn"})
    petition = take(db, at(2026, 12, 4, 9), config)
    assert petition.code == "KN-260001" and petition.due_date == date(2026, 12, 9)
    client = Config().with_values(hub={"role": "client", "url": "https://hub.local:8443"},
                                  counter={"number": 3})
    assert take(db, at(2026, 12, 4, 9), client).code == "P3-260001"


def test_assign_answer_close_and_lateness(db):
    on_time = take(db, at(2026, 12, 4, 9))
    late = take(db, at(2026, 12, 4, 9))
    never = take(db, at(2026, 12, 4, 9))
    cases.assign(db, on_time.code, to="Trần Thị Bình", at=at(2026, 12, 7))
    answered = cases.answer(db, on_time.code, text="Đã nhắc nhở cán bộ quầy 2.",
                            at=at(2026, 12, 18, 16))  # the last day: on time
    assert answered.status == "answered" and answered.answered_by == "Trần Thị Bình"
    assert not cases.is_late(answered, RULES, date(2027, 1, 30))
    late_answer = cases.answer(db, late.code, text="Xin lỗi ông/bà vì trả lời muộn.",
                               by="Lê Văn Chính", at=at(2026, 12, 22, 8))  # Tuesday after
    assert cases.working_days_late(late_answer, RULES, date(2027, 1, 30)) == 2
    assert cases.is_late(late_answer, RULES, date(2026, 12, 22))
    # Unanswered: on time until the deadline's end, then late by the working days since.
    assert not cases.is_late(cases.find(db, never.code), RULES, date(2026, 12, 18))
    assert cases.working_days_late(cases.find(db, never.code), RULES, date(2026, 12, 21)) == 1

    today = date(2026, 12, 22)
    assert [x.code for x in cases.list_petitions(db, RULES, today, open_only=True)] == \
        [never.code]
    assert {x.code for x in cases.list_petitions(db, RULES, today, late_only=True)} == \
        {late.code, never.code}
    closed = cases.close(db, on_time.code, at=at(2026, 12, 21))
    assert closed.status == "closed"
    with pytest.raises(PetitionError):
        cases.answer(db, on_time.code, text="Trả lời lại lần nữa.", at=at(2026, 12, 22))
    with pytest.raises(PetitionError):
        cases.close(db, never.code, at=at(2026, 12, 22))  # not answered yet
    statuses = [json.loads(r[0])["status"] for r in db.execute(
        "SELECT payload FROM outbox WHERE record_type = 'petition' ORDER BY id")]
    assert statuses.count("answered") == 2 and statuses[-1] == "closed"


def test_the_public_view_holds_no_text_phone_or_names(db):
    petition = take(db, at(2026, 12, 4, 9))
    cases.assign(db, petition.code, to="Trần Thị Bình", at=at(2026, 12, 7))
    view = cases.lookup(db, petition.code.lower().replace("-", " "), RULES, date(2026, 12, 8))
    assert view is not None and view.status == "assigned" and view.answer == ""
    shown = repr(view)
    for secret in (TEXT, "0987654321", "Trần Thị Bình"):
        assert secret not in shown
    assert cases.lookup(db, "PA-269999", RULES, date(2026, 12, 8)) is None
    assert cases.lookup(db, "'; DROP TABLE petitions; --", RULES, date(2026, 12, 8)) is None


@pytest.mark.parametrize(("kw", "reason"), [
    ({"text": "ít"}, "text_short"), ({"text": "x" * 1001}, "text_long"),
    ({"phone": "12345"}, "phone"), ({"topic": "  "}, "topic")])
def test_bad_input_is_refused_and_nothing_is_stored(db, kw, reason):
    with pytest.raises(PetitionError if reason == "topic" else cases.FeedbackError) as info:
        take(db, at(2026, 12, 4, 9), **kw)
    assert info.value.reason == reason
    assert db.execute("SELECT count(*) FROM petitions").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0


def test_bad_changes_are_refused(db):
    petition = take(db, at(2026, 12, 4, 9))
    with pytest.raises(cases.PetitionNotFound):
        cases.assign(db, "PA-269999", to="Bình", at=at(2026, 12, 5))
    with pytest.raises(PetitionError):
        cases.assign(db, petition.code, to="   ", at=at(2026, 12, 5))
    with pytest.raises(PetitionError):
        cases.answer(db, petition.code, text="ok", at=at(2026, 12, 5))
    assert cases.find(db, petition.code).status == "open"


def test_the_city_refuses_a_broken_petition_payload(db):
    payload = take(db, at(2026, 12, 4, 9)).as_json()
    check = p.RECORD_TYPES["petition"].check
    assert not check(payload)
    assert check(dict(payload, status="lost"))
    assert check(dict(payload, due_date="18/12/2026"))
    assert check(dict(payload, received_at="2026-12-04T09:00:00"))
    assert check(dict(payload, status="answered"))  # answered without answered_at


def run(tmp_path, *args):
    return subprocess.run(kiosk_cmd(tmp_path, "petition", *args), capture_output=True,
                          text=True, env=env(), cwd=ROOT, timeout=60)


def test_the_office_handles_petitions_from_the_command_line(tmp_path):
    db = connect(tmp_path / "kiosk.db")
    try:
        now = datetime.now(TZ)
        fresh = take(db, now)
        old = take(db, at(2025, 1, 6, 9))  # long past its deadline
    finally:
        db.conn.close()
    listed = run(tmp_path, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = {r["code"]: r for r in json.loads(listed.stdout)}
    assert rows[old.code]["late"] and rows[old.code]["working_days_late"] > 200
    assert not rows[fresh.code]["late"]
    late = json.loads(run(tmp_path, "list", "--late", "--json").stdout)
    assert [r["code"] for r in late] == [old.code]

    assigned = run(tmp_path, "assign", fresh.code, "--to", "Trần Thị Bình", "--json")
    assert json.loads(assigned.stdout)["status"] == "assigned"
    answered = run(tmp_path, "answer", fresh.code, "--text", "Đã bố trí thêm ghế chờ.",
                   "--by", "Lê Văn Chính", "--json")
    assert answered.returncode == 0, answered.stderr
    out = json.loads(answered.stdout)
    assert (out["status"], out["answered_by"], out["late"]) == ("answered", "Lê Văn Chính",
                                                                False)
    still_open = json.loads(run(tmp_path, "list", "--open", "--json").stdout)
    assert [r["code"] for r in still_open] == [old.code]
    shown = run(tmp_path, "show", old.code)
    assert "Hạn trả lời" in shown.stdout and "trễ" in shown.stdout

    missing = run(tmp_path, "answer", "PA-269999", "--text", "Không có mã này.")
    assert missing.returncode == 1 and "Không tìm thấy" in missing.stderr
    short = run(tmp_path, "answer", old.code, "--text", "ok")
    assert short.returncode == 1 and "ít nhất 5 ký tự" in short.stderr


def test_retention_blanks_text_and_phone_only_once_the_city_has_everything(db, tmp_path):
    old = take(db, at(2026, 1, 5, 9))
    waiting = take(db, at(2026, 1, 5, 10))
    recent = take(db, at(2026, 12, 1, 9))
    for p_, when in ((old, at(2026, 1, 6)), (waiting, at(2026, 1, 6)), (recent, at(2026, 12, 2))):
        cases.answer(db, p_.code, text="Đã tiếp thu và xử lý.", at=when)
    # The city has every record except the last change of `waiting`.
    last_waiting = db.execute(
        "SELECT max(id) FROM outbox WHERE json_extract(payload, '$.uid') = ?",
        (waiting.uid,)).fetchone()[0]
    db.execute("UPDATE outbox SET sent_at = '2026-01-07T00:00:00+07:00' WHERE id != ?",
               (last_waiting,))
    db.conn.commit()
    now = at(2026, 12, 5)
    dry = cases.purge(db, now=now, retention_days=90, dry_run=True)
    assert (dry.purged, dry.waiting_for_sync) == ([old.code], [waiting.code])
    assert cases.find(db, old.code).text == TEXT
    cases.purge(db, now=now, retention_days=90)
    purged = cases.find(db, old.code)
    assert (purged.text, purged.phone, purged.answer) == ("", None, "Đã tiếp thu và xử lý.")
    assert cases.find(db, waiting.code).text == TEXT
    assert cases.find(db, recent.code).phone == "0987654321"
    feedback = db.execute("SELECT text, phone FROM citizen_feedback WHERE uid = ?",
                          (purged.feedback_uid,)).fetchone()
    assert tuple(feedback) == ("", None)
    payloads = [r[0] for r in db.execute(
        "SELECT payload FROM outbox WHERE json_extract(payload, '$.uid') IN (?, ?)",
        (old.uid, old.feedback_uid))]
    assert len(payloads) == 3 and not any(TEXT in x or "0987654321" in x for x in payloads)


def test_a_clerk_takes_a_petition_at_the_counter_and_its_slip_prints(tmp_path):
    import zxingcpp

    from tests.escpos_raster import parse_escpos

    slip = tmp_path / "slip.bin"
    taken = run(tmp_path, "take", "--topic", "Thủ tục hành chính", "--text",
                "Đề nghị niêm yết lệ phí rõ hơn.", "--phone", "0912345678", "--printer",
                f"file://{slip}", "--json")
    assert taken.returncode == 0, taken.stderr
    out = json.loads(taken.stdout)
    assert out["channel"] == "counter" and out["status"] == "open"
    image = parse_escpos(slip.read_bytes()).images[0]
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [out["code"]]
    refused = run(tmp_path, "take", "--topic", "Khác", "--text", "ít", "--no-print")
    assert refused.returncode == 1 and "ít nhất 5 ký tự" in refused.stderr


def test_the_office_results_count_petitions_on_time_as_the_cases_do(db):
    """The results' "petitions handled on time" (Decision 766, satisfaction group) read from
    cases made by take_petition/assign/answer agree with the cases' own lateness."""
    from kiosk.stats.results import result_stats

    on_time = take(db, at(2026, 12, 1, 9))
    late = take(db, at(2026, 12, 1, 9))
    never = take(db, at(2026, 12, 1, 9))
    for p_ in (on_time, late, never):
        cases.assign(db, p_.code, to="Trần Thị Bình", at=at(2026, 12, 2))
    cases.answer(db, on_time.code, text="Đã xử lý xong.", at=at(2026, 12, 10))
    cases.answer(db, late.code, text="Xin lỗi vì chậm.", at=at(2026, 12, 17, 16))
    today = date(2026, 12, 31)
    expected_late = {p_.code for p_ in cases.list_petitions(db, RULES, today, late_only=True)}
    assert expected_late == {late.code, never.code}
    r = result_stats(db, date(2026, 12, 1), today, RULES)
    assert (r.total.petitions, r.total.petitions_on_time) == (3, 1)
    by = {row.key: row for row in r.by_clerk}
    assert (by["Trần Thị Bình"].petitions, by["Trần Thị Bình"].petitions_on_time) == (3, 1)


def test_a_client_pc_purges_a_petition_the_hub_has_once_retention_passed(db):
    client = Config().with_values(hub={"role": "client", "url": "https://hub.local:8443"},
                                  counter={"number": 3})
    forwarded = take(db, at(2026, 1, 5, 9), client)
    kept = take(db, at(2026, 1, 5, 10), client)
    db.execute("UPDATE outbox SET sent_at = '2026-01-07T00:00:00+07:00'")
    last = db.execute("SELECT max(id) FROM outbox WHERE json_extract(payload, '$.uid') = ?",
                      (forwarded.uid,)).fetchone()[0]
    db.execute("INSERT INTO office_feed_cursor (hub, last_outbox_id, forwarded_at) "
               "VALUES ('https://hub.local:8443', ?, '2026-01-05T10:00:00+07:00')", (last,))
    db.conn.commit()
    report = cases.purge(db, now=at(2026, 12, 5), retention_days=90)
    assert report.purged == [forwarded.code]  # `kept` is not at the hub yet
    assert cases.find(db, forwarded.code).text == "" and cases.find(db, kept.code).text == TEXT


def test_a_case_history_from_its_times_and_the_changes_of_hands_the_outbox_holds(db):
    case = take(db, at(2026, 12, 4, 9))
    cases.assign(db, case.code, to="Trần Thị Bình", at=at(2026, 12, 4, 14))
    cases.assign(db, case.code, to="Nguyễn Văn An", at=at(2026, 12, 7, 8))
    cases.answer(db, case.code, text="Đã nhắc nhở cán bộ quầy 2.", at=at(2026, 12, 8, 10))
    closed = cases.close(db, case.code, at=at(2026, 12, 9, 16))
    history = cases.case_history(db, closed)
    assert [(e.at, e.kind, e.detail) for e in history] == [
        (at(2026, 12, 4, 9), "received", "kiosk"),
        (at(2026, 12, 4, 14), "assigned", "Trần Thị Bình"),
        (at(2026, 12, 7, 8), "assigned", "Nguyễn Văn An"),
        (at(2026, 12, 8, 10), "answered", "Nguyễn Văn An"),
        (at(2026, 12, 9, 16), "closed", "")]
    # Once the outbox rows are delivered and pruned, the current hand without its time.
    db.conn.execute("DELETE FROM outbox")
    db.conn.commit()
    assert [(e.at, e.kind, e.detail) for e in cases.case_history(db, closed)] == [
        (at(2026, 12, 4, 9), "received", "kiosk"),
        (None, "assigned", "Nguyễn Văn An"),
        (at(2026, 12, 8, 10), "answered", "Nguyễn Văn An"),
        (at(2026, 12, 9, 16), "closed", "")]



def test_retention_blanks_the_phone_of_plain_feedback_once_the_city_has_it(db):
    from kiosk.feedback.citizen_feedback import record_feedback

    old = record_feedback(db, topic="Cơ sở vật chất", text="Ghế chờ bị hỏng, xin gọi lại",
                          phone=PHONE, at=at(2026, 1, 5), station_id="t")
    waiting = record_feedback(db, topic="Cơ sở vật chất", text="Thiếu nước uống, xin gọi lại",
                              phone=PHONE, at=at(2026, 1, 5, 10), station_id="t")
    recent = record_feedback(db, topic="Cơ sở vật chất", text="Thiếu bút viết, xin gọi lại",
                             phone=PHONE, at=at(2026, 12, 1), station_id="t")
    db.execute("UPDATE outbox SET sent_at = '2026-12-02T00:00:00+07:00' WHERE record_id != ?",
               (waiting.uid,))
    db.conn.commit()
    dry = cases.purge(db, now=at(2026, 12, 5), retention_days=90, dry_run=True)
    assert dry.feedback_phones == 1
    report = cases.purge(db, now=at(2026, 12, 5), retention_days=90)
    assert report.feedback_phones == 1
    phones = dict(db.execute("SELECT uid, phone FROM citizen_feedback").fetchall())
    assert phones == {old.uid: None, waiting.uid: "0987654321", recent.uid: "0987654321"}
    (text, payload) = db.execute("SELECT f.text, o.payload FROM citizen_feedback f JOIN outbox "
                                 "o ON o.record_id = f.uid WHERE f.uid = ?",
                                 (old.uid,)).fetchone()
    assert text == "Ghế chờ bị hỏng, xin gọi lại"  # the text stays: it is the feedback
    assert "0987654321" not in payload and json.loads(payload)["phone"] is None


def test_retention_blanks_the_phone_of_feedback_whose_delivered_row_the_sync_pruned(db):
    """The sync deletes delivered outbox rows after [sync] keep_sent_days (7), well before
    [petitions] retention_days (90): a feedback row with no outbox row left was delivered."""
    from kiosk.feedback.citizen_feedback import record_feedback
    from sync.prune import prune_delivered

    given = at(2026, 1, 5)
    feedback = record_feedback(db, topic="Cơ sở vật chất", text="Ghế chờ bị hỏng",
                               phone=PHONE, at=given, station_id="t")
    db.execute("UPDATE outbox SET sent_at = ?, sync_result = 'accepted'",
               (at(2026, 1, 5, 10).isoformat(),))
    db.conn.commit()
    assert prune_delivered(db, now=at(2026, 2, 14), keep_days=30).deleted == 1
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    report = cases.purge(db, now=at(2026, 5, 5), retention_days=90)
    assert report.feedback_phones == 1
    assert db.execute("SELECT phone, purged_at IS NOT NULL FROM citizen_feedback WHERE uid = ?",
                      (feedback.uid,)).fetchone() == (None, 1)
