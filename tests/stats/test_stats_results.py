"""Results per clerk and per procedure (kiosk.stats.results), checked against a hand count on a
seeded month, and the report files carrying them."""

from __future__ import annotations

import csv
import shutil
import subprocess
import uuid
from datetime import UTC, date, datetime

import pytest

from kiosk.calendar import CalendarRules
from kiosk.dossiers import DossierDesk
from kiosk.dossiers.status import DossierStatus
from kiosk.stats import office_stats
from kiosk.stats.report import write_report
from kiosk.stats.results import PROGRESS, SATISFACTION, result_stats
from kiosk.ticketing import TicketDesk
from tests.dossiers.test_dossiers_helpers import intake
from tests.stats.test_stats_helpers import DUC, HA, TZ, add_event, add_rating, at

approx = pytest.approx
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
RULES = CalendarRules(timezone=TZ)
P1 = "1.004194"  # Đăng ký tạm trú, 3 working days
P2 = "1.004873"  # Xác nhận tình trạng hôn nhân, 3 working days


def d(day: int, hh_mm: str = "09:00") -> datetime:
    return at(hh_mm, date(2026, 3, day))


def add_slip(db, dossier_id: int, form: str, when: datetime, clerk: str,
             new_date: str | None = None) -> None:
    # The slip writer is another part of the office's tools; its table is already here.
    db.execute("INSERT INTO dossier_slips (uid, dossier_id, form, reason, new_date, issued_at, "
               "clerk, station_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (str(uuid.uuid4()), dossier_id, form, "lý do", new_date, when.isoformat(), clerk,
                "counter-1"))


def seed_month(db, config) -> dict[str, object]:
    """March 2026 (no holiday), clerks Hà and Đức, procedures P1 and P2 (3 working days):

    dossier clerk proc received   what happens                              settled late days
    a       Hà    P1   Mon 2      finished Wed 4 (due Thu 5)                 yes     no   2
    b       Hà    P1   Mon 2      finished Mon 9 (due Thu 5)                 yes     yes  5
    c       Đức   P2   Mon 2      Mẫu 04 Thu 5 → Tue 10, finished Tue 10     yes     yes  6
    e       Đức   P2   Tue 3      supplement Wed 4 → Thu 5, finished Fri 6   yes     no   3-1=2
    f       Hà    P2   Wed 4      Mẫu 02 slip only, not finished             no
    g       Hà    P1   Thu 5      online registration refused (status 3)     no
    x       Hà    P1   Feb 2      finished Feb 3: outside March              no

    Ratings: ticket served by Hà, linked to a, satisfied; ticket served by Đức, dossier c,
    unsatisfied; two tickets served by Đức, no dossier, very satisfied and satisfied; one
    rating without ticket naming Hà, unsatisfied.
    """
    desk = DossierDesk(db, config)
    tickets = TicketDesk(db, config)
    t1 = tickets.issue("CTR", at=d(2, "08:50"))
    add_event(db, t1, "called", d(2, "08:55"), 1, HA)
    add_event(db, t1, "finished", d(2, "09:05"), 1, HA)
    a = desk.save_intake(intake(P1, ticket_id=t1.id), clerk=HA, at=d(2, "09:00"))
    b = desk.save_intake(intake(P1), clerk=HA, at=d(2, "09:30"))
    c = desk.save_intake(intake(P2), clerk=DUC, at=d(2, "10:00"))
    e = desk.save_intake(intake(P2), clerk=DUC, at=d(3, "08:30"))
    f = desk.save_intake(intake(P2), clerk=HA, at=d(4, "09:00"))
    g = desk.save_intake(intake(P1), clerk=HA, at=d(5, "09:00"))
    x = desk.save_intake(intake(P1), clerk=HA, at=at("09:00", date(2026, 2, 2)))
    assert a.appointment_date == date(2026, 3, 5) and e.appointment_date == date(2026, 3, 6)
    desk.finish(a.code, clerk=HA, at=d(4, "10:00"))
    desk.finish(b.code, clerk=HA, at=d(9, "10:00"))
    add_slip(db, c.id, "04", d(5, "14:00"), DUC, new_date="2026-03-10")
    desk.finish(c.code, clerk=DUC, at=d(10, "10:00"))
    desk.request_supplement(e.code, "thiếu giấy tờ", clerk=DUC, at=d(4, "09:00"))
    desk.change_status(e.code, DossierStatus.PROCESSING, clerk=DUC, at=d(5, "09:00"))
    desk.finish(e.code, clerk=DUC, at=d(6, "10:00"))
    add_slip(db, f.id, "02", d(4, "10:00"), HA)
    # An online registration (status 1) checked at the counter and refused.
    db.execute("UPDATE dossiers SET status = 1 WHERE id = ?", (g.id,))
    desk.change_status(g.code, DossierStatus.REFUSED, clerk=HA, reason="không đúng thẩm quyền",
                       at=d(5, "11:00"))
    desk.finish(x.code, clerk=HA, at=at("10:00", date(2026, 2, 3)))

    t2 = tickets.issue("HT", at=d(5, "08:00"))
    add_event(db, t2, "called", d(5, "08:05"), 2, DUC)
    add_rating(db, d(5, "08:20"), "unsatisfied", 2, "", ticket=t2, dossier_code=c.code)
    add_rating(db, d(2, "09:10"), "satisfied", 1, "", ticket=t1)
    for hh_mm, level in (("10:00", "very_satisfied"), ("11:00", "satisfied")):
        t = tickets.issue("HT", at=d(6, hh_mm))
        add_event(db, t, "called", d(6, hh_mm), 2, DUC)
        add_event(db, t, "finished", d(6, hh_mm.replace(":00", ":10")), 2, DUC)
        add_rating(db, d(6, hh_mm.replace(":00", ":12")), level, 2, "", ticket=t)
    add_rating(db, d(9, "15:00"), "unsatisfied", 1, HA)
    return {"a": a, "c": c, "f": f}


@pytest.fixture
def month(db, config):
    return seed_month(db, config)


def test_results_match_the_hand_count(db, month):
    r = result_stats(db, *MARCH, RULES)
    t = r.total
    assert (t.settled, t.on_time, t.late, t.apologised, t.refused, t.supplemented) == \
        (4, 2, 2, 1, 1, 2)
    # Settling days 2, 5, 6, 2: mean 3.75; P90 = 5 + 0.7 × (6 − 5).
    assert t.settle_mean == approx(3.75) and t.settle_p90 == approx(5.7)
    assert (t.rated, t.satisfied) == (5, 3)
    if not r.petitions_known:  # no petitions table on this station: no data, not zero
        assert t.petitions is None

    ha, duc = r.by_clerk  # by given name: Đức before Hà
    duc, ha = (duc, ha) if duc.key == DUC else (ha, duc)
    assert (ha.key, ha.settled, ha.on_time, ha.late, ha.apologised, ha.refused,
            ha.supplemented) == (HA, 2, 1, 1, 0, 1, 1)
    assert ha.settle_mean == approx(3.5) and ha.settle_p90 == approx(4.7)
    assert (ha.rated, ha.satisfied) == (2, 1)  # through ticket t1, and the rating naming her
    assert (duc.key, duc.settled, duc.on_time, duc.late, duc.apologised, duc.refused,
            duc.supplemented) == (DUC, 2, 1, 1, 1, 0, 1)
    assert duc.settle_mean == approx(4.0) and duc.settle_p90 == approx(5.6)
    assert (duc.rated, duc.satisfied) == (3, 2)  # the ratings name no clerk: their tickets do
    assert duc.satisfaction_share == approx(2 / 3)

    p1, p2 = r.by_procedure
    assert (p1.key, p1.settled, p1.on_time, p1.late, p1.refused, p1.supplemented) == \
        (P1, 2, 1, 1, 1, 0)
    assert (p2.key, p2.settled, p2.on_time, p2.late, p2.apologised, p2.supplemented) == \
        (P2, 2, 1, 1, 1, 2)
    assert p1.label == "Đăng ký tạm trú"
    # Per procedure: the rating of t1 through its dossier a, the one of c through its code.
    assert (p1.rated, p1.satisfied, p2.rated, p2.satisfied) == (1, 1, 1, 0)
    assert p1.petitions is None


def test_an_apology_keeps_the_dossier_late_even_if_the_due_rule_says_on_time(db, month):
    # Whatever the due-date rule answers (here: never late), a Mẫu 04 counts as late.
    never = result_stats(db, *MARCH, RULES, late=lambda *_: 0)
    assert (never.total.on_time, never.total.late) == (3, 1)
    seen = []
    result_stats(db, *MARCH, RULES, late=lambda dossier, slips, rules, day: seen.append(
        (dossier.code, [s["form"] for s in slips], day)) or 0)
    codes = {code: (forms, day) for code, forms, day in seen}
    assert codes[month["c"].code] == (["04"], date(2026, 3, 10))


def test_a_week_counts_only_what_happened_in_it(db, month):
    r = result_stats(db, date(2026, 3, 2), date(2026, 3, 6), RULES)
    # a and e settled that week (b on the 9th, c on the 10th); c's apology on the 5th.
    assert (r.total.settled, r.total.on_time, r.total.late, r.total.apologised) == (2, 2, 0, 1)



def test_a_slip_alone_in_the_range_lists_its_dossiers_clerk_and_procedure(db, month):
    # A Mẫu 05 of f on the 12th, nothing else of any dossier that day: Hà and
    # P2 are listed, with nothing counted.
    add_slip(db, month["f"].id, "05", d(12, "10:00"), HA)
    r = result_stats(db, date(2026, 3, 12), date(2026, 3, 12), RULES)
    assert [(c.key, c.settled, c.apologised, c.refused, c.supplemented)
            for c in r.by_clerk] == [(HA, 0, 0, 0, 0)]
    assert [(p.key, p.settled) for p in r.by_procedure] == [(P2, 0)]
    nothing = result_stats(db, date(2026, 3, 13), date(2026, 3, 13), RULES)
    assert nothing.by_clerk == () and nothing.by_procedure == ()


def test_ratings_count_by_their_local_day_whatever_offset_wrote_them(db, month):
    # Two ratings naming Hà written in UTC: 23:30 on 31 March in Hà Nội (in March) and 00:30
    # on 1 April (not), and one on 1 March at 00:10 written with Hà Nội's offset.
    for when in (datetime(2026, 3, 31, 16, 30, tzinfo=UTC),
                 datetime(2026, 3, 31, 17, 30, tzinfo=UTC), d(1, "00:10")):
        add_rating(db, when, "satisfied", 1, HA)
    before = result_stats(db, *MARCH, RULES)
    assert before.total.rated == 5 + 2
    ha = next(c for c in before.by_clerk if c.key == HA)
    assert (ha.rated, ha.satisfied) == (2 + 2, 1 + 2)
    april = result_stats(db, date(2026, 4, 1), date(2026, 4, 1), RULES)
    assert april.total.rated == 1


def test_a_refused_settlement_counts_as_refused(db, config, month):
    # A walk-in dossier (received, status 2) refused with Mẫu 03 stops at 8, not 3: the slip
    # is what makes it a refusal in the results.
    from kiosk.dossiers.slips import issue_slip
    desk = DossierDesk(db, config)
    h = desk.save_intake(intake(P2), clerk=DUC, at=d(11, "09:00"))
    slip = issue_slip(desk, h.code, "03", clerk=DUC, reason="không thuộc thẩm quyền",
                      at=d(12, "09:00"))
    assert desk.get(h.code).status == DossierStatus.STOPPED and slip.form == "03"
    r = result_stats(db, *MARCH, RULES)
    assert r.total.refused == 2
    duc = next(c for c in r.by_clerk if c.key == DUC)
    assert duc.refused == 1
    # The week before it: not counted.
    assert result_stats(db, date(2026, 3, 2), date(2026, 3, 6), RULES).total.refused == 1

#: The petitions table as kiosk.petitions creates it (migration 14), for a station without it.
PETITIONS = """CREATE TABLE IF NOT EXISTS petitions (
    id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE, code TEXT NOT NULL UNIQUE,
    feedback_uid TEXT, topic TEXT NOT NULL, text TEXT NOT NULL, phone TEXT,
    channel TEXT NOT NULL, received_at TEXT NOT NULL, due_date TEXT NOT NULL,
    status TEXT NOT NULL, assignee TEXT NOT NULL DEFAULT '', answer TEXT NOT NULL DEFAULT '',
    answered_by TEXT NOT NULL DEFAULT '', answered_at TEXT, closed_at TEXT,
    updated_at TEXT NOT NULL, station_id TEXT NOT NULL, purged_at TEXT)"""


def test_petitions_on_time_when_the_station_keeps_them(db, month):
    db.execute(PETITIONS)
    for n, (due, answered, assignee, answered_by) in enumerate((
            ("2026-03-10", d(9).isoformat(), HA, HA),       # answered before: on time
            ("2026-03-11", d(12).isoformat(), "", HA),      # a day late, under who answered
            ("2026-03-20", None, DUC, ""),                  # never answered: late
            ("2026-04-20", None, DUC, ""))):                # due next month: not counted
        db.execute("INSERT INTO petitions (uid, code, topic, text, channel, received_at, "
                   "due_date, status, assignee, answered_by, answered_at, updated_at, "
                   "station_id) VALUES (?, ?, 'khac', '…', 'kiosk', ?, ?, ?, ?, ?, ?, ?, 'k')",
                   (f"p{n}", f"PA-{n}", d(2).isoformat(), due,
                    "answered" if answered else "assigned", assignee, answered_by, answered,
                    d(2).isoformat()))
    r = result_stats(db, *MARCH, RULES)
    assert r.petitions_known
    assert (r.total.petitions, r.total.petitions_on_time) == (3, 1)
    by = {row.key: row for row in r.by_clerk}
    assert (by[HA].petitions, by[HA].petitions_on_time) == (2, 1)
    assert (by[DUC].petitions, by[DUC].petitions_on_time) == (1, 0)
    assert r.by_procedure[0].petitions is None  # not defined per procedure


def test_office_stats_carries_the_results(db, month):
    s = office_stats(db, *MARCH, TZ)
    assert s.results.total.settled == 4


# -- the report files --------------------------------------------------------------------------


def test_csv_carries_the_results_and_their_index_groups(db, month, tmp_path):
    s = office_stats(db, *MARCH, TZ, rules=RULES)
    out = write_report(s, "csv", tmp_path / "r.csv")
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    body = [dict(zip(head, row, strict=True)) for row in rows[1:]]
    total = body[0]
    assert (total["Giải quyết xong"], total["Giải quyết đúng hạn"], total["Giải quyết quá hạn"],
            total["Xin lỗi (Mẫu 04)"], total["Từ chối"], total["Yêu cầu bổ sung"]) == \
        ("4", "2", "2", "1", "1", "2")
    assert total["Giải quyết TB (ngày làm việc)"] == "3.8"
    assert total["Giải quyết P90 (ngày làm việc)"] == "5.7"
    assert total["PAKN xử lý đúng hạn (%)"] == ""  # no data
    clerks = {r["Mã"]: r for r in body if r["Nhóm"] == "Kết quả theo cán bộ"}
    assert clerks[HA]["Giải quyết quá hạn"] == "1" and clerks[DUC]["Xin lỗi (Mẫu 04)"] == "1"
    assert clerks[DUC]["Hài lòng giải quyết TTHC (%)"] == "66.7"
    procedures = {r["Mã"]: r for r in body if r["Nhóm"] == "Kết quả theo thủ tục"}
    assert procedures[P2]["Yêu cầu bổ sung"] == "2"
    groups = {r["Mã"]: r["Tên"] for r in body if r["Nhóm"] == "Chỉ số QĐ 766"}
    assert groups["Giải quyết quá hạn"] == PROGRESS
    assert groups["Hài lòng giải quyết TTHC (%)"] == SATISFACTION
    assert groups["PAKN xử lý đúng hạn (%)"] == SATISFACTION


def test_xlsx_carries_the_results_as_numbers(db, month, tmp_path):
    from openpyxl import load_workbook

    s = office_stats(db, *MARCH, TZ, rules=RULES)
    ws = load_workbook(write_report(s, "xlsx", tmp_path / "r.xlsx")).active
    rows = list(ws.iter_rows(values_only=True))
    head_index = next(i for i, r in enumerate(rows) if r[0] == "Nhóm")
    head = rows[head_index]
    by_group = [dict(zip(head, r, strict=True)) for r in rows[head_index + 1:]]
    duc = next(r for r in by_group if r["Nhóm"] == "Kết quả theo cán bộ" and r["Mã"] == DUC)
    assert duc["Giải quyết xong"] == 2 and duc["Giải quyết TB (ngày làm việc)"] == 4.0
    assert any(r["Nhóm"] == "Chỉ số QĐ 766" and r["Tên"] == PROGRESS for r in by_group)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_carries_the_results_sections_and_index_groups(db, month, tmp_path):
    s = office_stats(db, *MARCH, TZ, rules=RULES)
    out = write_report(s, "pdf", tmp_path / "r.pdf")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    assert "Kết quả giải quyết theo cán bộ" in flat
    assert "Kết quả giải quyết theo thủ tục" in flat
    assert "Đăng ký tạm trú" in flat
    assert "Quyết định 766/QĐ-TTg" in flat
    assert PROGRESS in flat and SATISFACTION in flat
    assert "Phản ánh, kiến nghị: chưa có số liệu" in flat


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_writes_a_long_procedure_name_whole_on_more_lines(db, config, tmp_path):
    long = ("Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, "
            "quyền sở hữu tài sản gắn liền với đất lần đầu")
    desk = DossierDesk(db, config)
    dossier = desk.save_intake(intake("1.012753"), clerk=HA, at=d(2, "09:00"))
    desk.finish(dossier.code, clerk=HA, at=d(4, "10:00"))
    s = office_stats(db, *MARCH, TZ, rules=RULES)
    assert [r.label for r in s.results.by_procedure] == [long]
    out = write_report(s, "pdf", tmp_path / "r.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    section = text[text.index("Kết quả giải quyết theo thủ tục"):]
    # Every word, in order, none cut with "…", on more lines of the name's column.
    assert "…" not in section
    assert not any(long in line for line in section.splitlines())
    words = " ".join(section.split())
    position = 0
    for word in long.split():
        position = words.index(word, position) + len(word)


def test_wrapped_lines_fit_their_column_and_cut_only_a_word_too_long_for_a_line():
    from kiosk.printout.receipt_pdf import FONT, pdf_document
    from kiosk.stats.report import _wrapped

    pdf = pdf_document("L", footer="")
    pdf.add_page()
    pdf.set_font(FONT, "", 7.5)
    text = "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền cấp"
    lines = _wrapped(pdf, text, 40.0)
    assert len(lines) > 1 and " ".join(lines) == text
    assert all(pdf.get_string_width(line) <= 40.0 for line in lines)
    assert _wrapped(pdf, "Ngắn", 40.0) == ["Ngắn"]
    cut = _wrapped(pdf, "Một " + "X" * 60 + " hai", 20.0)
    assert cut[0] == "Một" and cut[1].endswith("…") and cut[-1] == "hai"
    assert all(pdf.get_string_width(line) <= 20.0 for line in cut)
