"""The official slips Mẫu 02-05: issued on the dossier desk with their status change, printed
through the real ESC/POS path and as an A4 PDF, parsed back (text, CODE128, QR)."""

import json
import shutil
import subprocess
import uuid
from datetime import date, timedelta

import pytest
import zxingcpp
from PIL import Image

from drivers.printers import open_printer
from kiosk.cli import main
from kiosk.dossiers import DossierStatus
from kiosk.dossiers.slips import (
    SlipRefused,
    handovers_of,
    issue_slip,
    missing_items,
    print_slip,
    record_handover,
    slips_of,
    write_slip_pdf,
)
from kiosk.printout.forms import FORMS, PLACEHOLDERS, load_form, placeholders_of
from sync.protocol import RECORD_TYPES
from tests.dossiers.test_dossiers_helpers import (
    ADDRESS,
    CLERK,
    ID_NUMBER,
    NAME,
    PHONE,
    THURSDAY_9AM,
    intake,
)
from tests.escpos_raster import parse_escpos

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdftoppm"),
                                   reason="poppler-utils (pdftotext, pdftoppm) not installed")

# 1.004222 takes 7 working days: received Thu 12 Feb 2026, due Mon 2 Mar (Tết 16-20 Feb).
DUE = date(2026, 3, 2)
MISSING = "1. Bản sao giấy khai sinh của người con\n2. Giấy tờ chứng minh nơi cư trú"
LATER = THURSDAY_9AM + timedelta(days=1)


def decoded(image: Image.Image, fmt) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == fmt]


def online_registration(desk):
    """A dossier registered online, waiting at status 1 for the counter's check (this station
    receives those through the portal or the office book; here its first status is set)."""
    d = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    with desk.db.conn:
        desk.db.execute("UPDATE dossiers SET status = 1 WHERE id = ?", (d.id,))
        desk.db.execute("UPDATE dossier_events SET to_status = 1 WHERE dossier_id = ?", (d.id,))
    return desk.get(d.code)


def issued(desk, form: str):
    """A dossier with Mẫu `form` issued (and what the slip should say)."""
    d = (online_registration(desk) if form == "03"
         else desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM))
    if form == "02":
        return issue_slip(desk, d.code, "02", clerk=CLERK, reason=MISSING, at=LATER), \
            "Bản sao giấy khai sinh của người con"
    if form == "03":
        reason = "Thủ tục không thuộc thẩm quyền giải quyết của xã"
        return issue_slip(desk, d.code, "03", clerk=CLERK, reason=reason, at=LATER), reason
    if form == "04":
        reason = "Cần xác minh thêm thông tin tại nơi cư trú trước đây"
        return issue_slip(desk, d.code, "04", clerk=CLERK, reason=reason,
                          new_date=date(2026, 3, 9), at=LATER), reason
    record_handover(desk, d.code, to_party="Công chức Tư pháp - Hộ tịch",
                    received_by="Trần Văn Bình", clerk=CLERK, due=date(2026, 2, 24), at=LATER)
    record_handover(desk, d.code, from_party="Công chức Tư pháp - Hộ tịch",
                    to_party="Bộ phận một cửa", received_by=CLERK, clerk="Trần Văn Bình",
                    due=DUE, at=LATER + timedelta(days=5))
    return issue_slip(desk, d.code, "05", clerk=CLERK, at=LATER + timedelta(days=6)), \
        "Trần Văn Bình"


#: The printed number and title of each form in Thông tư 03/2025/TT-VPCP's annex (docs/forms.md):
#: the command's form names (02-05) keep the 2018 numbering, the control slip is now Mẫu 06.
OFFICIAL = {"02": ("Mẫu số 02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
            "03": ("Mẫu số 03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
            "04": ("Mẫu số 04", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"),
            "05": ("Mẫu số 06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ")}


def test_templates_are_data_with_known_placeholders():
    assert set(OFFICIAL) == set(FORMS)
    for form in FORMS:
        t = load_form(form)
        assert t.form == form and (t.number, t.title) == OFFICIAL[form]
        assert "03/2025/TT-VPCP" in t.source
        texts = [b.get("text") or b.get("value") or b.get("stamp") or "" for b in t.blocks]
        for text in texts + [s.signer for s in t.signatures]:
            assert placeholders_of(text) <= PLACEHOLDERS


@pytest.mark.parametrize("form", FORMS)
def test_each_slip_printed_on_the_thermal_printer_and_read_back(desk, tmp_path, form):
    slip, expected = issued(desk, form)
    out = tmp_path / "slip.bin"
    print_slip(desk, slip.uid, open_printer(f"file://{out}", width_mm=80))
    pages = parse_escpos(out.read_bytes()).pages
    assert len(pages) == 1 and pages[0].cut
    image = pages[0].image
    assert image.width == 576
    assert decoded(image, zxingcpp.BarcodeFormat.Code128) == [slip.code]
    assert decoded(image, zxingcpp.BarcodeFormat.QRCode) == [slip.code]
    image.save(tmp_path / f"slip-{form}.png")


@needs_poppler
@pytest.mark.parametrize("form", FORMS)
def test_each_slip_as_a4_pdf_has_title_code_reason_and_readable_codes(desk, tmp_path, form):
    slip, expected = issued(desk, form)
    pdf = write_slip_pdf(desk, slip.uid, tmp_path / "out" / f"slip-{form}.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    # The citizen's name on the slips handed to the citizen (05 travels with the dossier).
    names = (NAME,) if form != "05" else ()
    for wanted in (load_form(form).title, slip.code, expected, *names,
                   "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", OFFICIAL[form][0]):
        assert " ".join(wanted.split()) in flat, wanted
    # A slip holds the citizen's name and nothing more personal.
    for private in (ID_NUMBER, ADDRESS, PHONE):
        assert private not in flat
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", str(pdf),
                    str(tmp_path / "page")], check=True)
    page = Image.open(tmp_path / "page.png")
    assert decoded(page, zxingcpp.BarcodeFormat.Code128) == [slip.code]
    assert decoded(page, zxingcpp.BarcodeFormat.QRCode) == [slip.code]


def outbox(desk, record_type):
    return [json.loads(p) for (p,) in desk.db.execute(
        "SELECT payload FROM outbox WHERE record_type = ? ORDER BY id", (record_type,))]


def test_supplement_request_moves_the_dossier_and_lists_what_is_missing_once(desk):
    slip, _ = issued(desk, "02")
    d = desk.get(slip.code)
    assert d.status is DossierStatus.SUPPLEMENT_REQUESTED and d.status_reason == MISSING
    assert slip.details["missing"] == ["Bản sao giấy khai sinh của người con",
                                       "Giấy tờ chứng minh nơi cư trú"]
    # Its city record and the status change's, written together.
    [record] = outbox(desk, "dossier_slip")
    assert record["form"] == "02" and record["code"] == slip.code and not RECORD_TYPES[
        "dossier_slip"].check(record)
    assert outbox(desk, "dossier")[-1]["event"]["to"] == 5
    # Asked once, in full: a second request is refused, even after the supplement came in.
    desk.change_status(slip.code, DossierStatus.PROCESSING, clerk=CLERK)
    with pytest.raises(SlipRefused, match="already has a supplement request"):
        issue_slip(desk, slip.code, "02", clerk=CLERK, reason="Thêm một giấy tờ nữa")
    assert len(slips_of(desk, slip.code)) == 1


def test_a_refused_slip_changes_nothing(desk):
    d = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    for form, kw in (("02", {}), ("03", {"reason": "  "}), ("04", {"reason": "Chậm"}),
                     ("05", {}), ("07", {"reason": "x"})):
        with pytest.raises(SlipRefused) as err:
            issue_slip(desk, d.code, form, clerk=CLERK, **kw)
        assert err.value.message_vi and err.value.message_en
    # A settled dossier is neither received nor settled any more: no refusal.
    desk.hand_back(d.code, clerk=CLERK)
    with pytest.raises(SlipRefused, match="is settled") as err:
        issue_slip(desk, d.code, "03", clerk=CLERK, reason="Không đủ điều kiện")
    assert "Đã trả kết quả" in err.value.message_vi
    assert desk.get(d.code).status is DossierStatus.RETURNED
    assert desk.db.execute("SELECT count(*) FROM dossier_slips").fetchone()[0] == 0
    assert outbox(desk, "dossier_slip") == []


def test_refusal_slip_refuses_the_dossier(desk):
    slip, reason = issued(desk, "03")
    d = desk.get(slip.code)
    assert d.status is DossierStatus.REFUSED and d.status_reason == reason
    assert [(h.from_status, h.to_status) for h in d.history][-1] == (
        DossierStatus.NEW, DossierStatus.REFUSED)


RECEIPT_REFUSED = "thông báo không tiếp nhận hồ sơ này"
SETTLEMENT_REFUSED = "thông báo không giải quyết hồ sơ này"


@needs_poppler
@pytest.mark.parametrize(("before", "after", "case"), [
    (DossierStatus.NEW, DossierStatus.REFUSED, "receipt"),
    (DossierStatus.RECEIVED, DossierStatus.STOPPED, "settlement"),
    (DossierStatus.PROCESSING, DossierStatus.STOPPED, "settlement"),
])
def test_refusal_slip_refuses_receipt_or_settlement_by_the_status(desk, tmp_path, before,
                                                                  after, case):
    """Mẫu 03 from an online registration refuses receipt (-> 3); from a received dossier
    still being settled it refuses settlement (-> 8, the reason as the change's); the
    printed sentence is the template's for that case."""
    d = (online_registration(desk) if before is DossierStatus.NEW
         else desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM))
    if before is DossierStatus.PROCESSING:
        desk.change_status(d.code, before, clerk=CLERK, at=LATER)
    reason = "Hồ sơ giả mạo giấy tờ, không đủ điều kiện giải quyết"
    slip = issue_slip(desk, d.code, "03", clerk=CLERK, reason=reason,
                      at=LATER + timedelta(hours=1))
    assert slip.details == {"case": case}
    done = desk.get(d.code)
    assert done.status is after and done.status_reason == reason
    assert [(h.from_status, h.to_status, h.reason) for h in done.history][-1] == (
        before, after, reason)
    pdf = write_slip_pdf(desk, slip.uid, tmp_path / f"slip-03-{case}.pdf")
    flat = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in flat and reason in flat
    wanted, other = ((RECEIPT_REFUSED, SETTLEMENT_REFUSED) if case == "receipt"
                     else (SETTLEMENT_REFUSED, RECEIPT_REFUSED))
    assert wanted in flat and other not in flat
    assert ("Hồ sơ đã được tiếp nhận ngày" in flat) is (case == "settlement")
    # The thermal roll prints the same template (one case's sentence, not both).
    out = tmp_path / "slip.bin"
    print_slip(desk, slip.uid, open_printer(f"file://{out}", width_mm=80))
    assert parse_escpos(out.read_bytes()).pages[0].cut


def test_refusal_slip_is_refused_for_a_settled_dossier(desk):
    d = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    desk.hand_back(d.code, clerk=CLERK, at=LATER)
    with pytest.raises(SlipRefused) as err:
        issue_slip(desk, d.code, "03", clerk=CLERK, reason="Không đủ điều kiện",
                   at=LATER + timedelta(hours=1))
    assert err.value.message_vi == (
        "Hồ sơ đang ở trạng thái \"Đã trả kết quả\": đã giải quyết xong hoặc đã kết thúc, "
        "không lập phiếu từ chối tiếp nhận, giải quyết hồ sơ.")
    assert desk.get(d.code).status is DossierStatus.RETURNED
    assert slips_of(desk, d.code) == [] and outbox(desk, "dossier_slip") == []


def test_a_template_case_is_chosen_by_data(tmp_path, monkeypatch):
    """A form's cases are data: a block for an unknown case is a template error; a slip
    without a case (an older 03) prints the first case."""
    from kiosk.printout.forms import FormTemplateError

    t = load_form("03")
    assert t.cases == ("receipt", "settlement")
    texts = {case: " ".join(b.get("text", "") for b in t.for_case(case).blocks)
             for case in (*t.cases, None)}
    assert RECEIPT_REFUSED in texts["receipt"] and SETTLEMENT_REFUSED not in texts["receipt"]
    assert SETTLEMENT_REFUSED in texts["settlement"] and RECEIPT_REFUSED not in texts[
        "settlement"]
    assert texts[None] == texts["receipt"]
    assert load_form("04").for_case("settlement") == load_form("04")
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "03.toml").write_text(
        (asset_file("03.toml")).replace('case = "settlement"', 'case = "stopped"'),
        encoding="utf-8")
    monkeypatch.setattr("kiosk.printout.forms.asset_path", lambda *parts: forms / parts[-1])
    with pytest.raises(FormTemplateError, match="'stopped' is not one of its cases"):
        load_form("03")


def asset_file(name: str) -> str:
    from kiosk.assets import asset_path

    return asset_path("forms", name).read_text(encoding="utf-8")


def test_apology_keeps_the_status_and_moves_the_promised_date(desk):
    slip, _ = issued(desk, "04")
    d = desk.get(slip.code)
    assert d.status is DossierStatus.RECEIVED and slip.new_date == date(2026, 3, 9)
    assert slip.details == {"previous_due": DUE.isoformat(), "late_at_issue": False}
    # A second apology must promise a date after the first one's.
    for day in (date(2026, 3, 9), date(2026, 3, 5)):
        with pytest.raises(SlipRefused, match="later than the current due date 2026-03-09"):
            issue_slip(desk, d.code, "04", clerk=CLERK, reason="Vẫn chậm", new_date=day)
    with pytest.raises(SlipRefused, match="not a working day"):
        issue_slip(desk, d.code, "04", clerk=CLERK, reason="Vẫn chậm",
                   new_date=date(2026, 3, 14))  # a Saturday
    again = issue_slip(desk, d.code, "04", clerk=CLERK, reason="Vẫn chậm",
                       new_date=date(2026, 3, 16), at=THURSDAY_9AM + timedelta(days=30))
    assert again.details == {"previous_due": "2026-03-09", "late_at_issue": True}
    # A settled dossier will not be late any more: no apology.
    desk.hand_back(d.code, clerk=CLERK)
    with pytest.raises(SlipRefused, match="will not be late"):
        issue_slip(desk, d.code, "04", clerk=CLERK, reason="Chậm", new_date=date(2026, 3, 30))


def test_process_control_slip_lists_the_hand_overs_with_their_results(desk):
    from kiosk.dossiers.slips import slip_print

    slip, _ = issued(desk, "05")
    handovers = handovers_of(desk, slip.code)
    assert [h.to_party for h in handovers] == ["Công chức Tư pháp - Hộ tịch", "Bộ phận một cửa"]
    assert handovers[0].from_party == desk.settings.unit_name
    rows = slip_print(desk, slip.uid).handovers
    # Handed on on 18 Feb against a due date of 24 Feb; the second step is not over yet.
    assert [r.result for r in rows] == ["Trước hạn", ""]
    assert all(not RECORD_TYPES["dossier_handover"].check(r)
               for r in outbox(desk, "dossier_handover"))
    assert len(outbox(desk, "dossier_handover")) == 2
    assert desk.get(slip.code).status is DossierStatus.RECEIVED


def test_city_records_hold_no_personal_data(desk):
    for form in FORMS:
        issued(desk, form)
    for kind in ("dossier_slip", "dossier_handover"):
        text = json.dumps(outbox(desk, kind), ensure_ascii=False)
        for private in (NAME, ID_NUMBER, ADDRESS, PHONE):
            assert private not in text


def test_missing_items_split_lines_and_semicolons():
    assert missing_items("- Tờ khai; 2) Bản sao CCCD\n\n•  Ảnh 4x6 ") == (
        "Tờ khai", "Bản sao CCCD", "Ảnh 4x6")


CCCD = ("089202017098|352576714|Lê Văn Lương|23052002|Nam|Tổ 10 Ấp An Thái, Hòa Bình, "
        "Chợ Mới, An Giang|31122021")


def test_slip_and_handover_commands(tmp_path, capsys):
    base = ["--data-dir", str(tmp_path)]
    assert main([*base, "dossier", "intake", "--procedure", "1.001022", "--cccd", CCCD,
                 "--clerk", CLERK, "--json"]) == 0
    code = json.loads(capsys.readouterr().out)["code"]

    # Refusals: no reason for 02; 04 without a new date; bad date; all exit 1, both languages.
    for args in (["--form", "02"], ["--form", "04", "--reason", "Chậm"],
                 ["--form", "04", "--reason", "Chậm", "--new-date", "mai"]):
        assert main([*base, "dossier", "slip", code, *args, "--pdf", str(tmp_path / "x.pdf"),
                     "--clerk", CLERK]) == 1
        err = capsys.readouterr().err
        assert "Lỗi:" in err and "Error:" in err
    assert not (tmp_path / "x.pdf").exists()

    assert main([*base, "dossier", "handover", code, "--to", "Công chức Tư pháp",
                 "--received-by", "Trần Văn Bình", "--due", "2099-01-05", "--clerk", CLERK,
                 "--json"]) == 0
    handover = json.loads(capsys.readouterr().out)
    assert handover["to_party"] == "Công chức Tư pháp" and handover["due_date"] == "2099-01-05"

    assert main([*base, "dossier", "slip", code, "--form", "05", "--pdf",
                 str(tmp_path / "05.pdf"), "--clerk", CLERK, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["form"] == "05" and out["pdf"] == str(tmp_path / "05.pdf")
    assert (tmp_path / "05.pdf").read_bytes().startswith(b"%PDF")

    printed = tmp_path / "slip.bin"
    assert main([*base, "dossier", "slip", code, "--form", "02", "--reason", "Tờ khai; Ảnh",
                 "--printer", f"file://{printed}", "--clerk", CLERK, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["details"]["missing"] == ["Tờ khai", "Ảnh"]
    image = parse_escpos(printed.read_bytes()).pages[0].image
    assert decoded(image, zxingcpp.BarcodeFormat.Code128) == [code]
    assert main([*base, "dossier", "show", code, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == 5


def test_a_slip_at_a_counter_of_a_lan_office_moves_the_dossier_in_the_book(tmp_path):
    from kiosk.dossiers.office import pending_count
    from tests.dossiers.bookhub import RealBook
    from tests.dossiers.test_dossiers_office import Counter

    hub = RealBook(tmp_path / "hub" / "data")
    a = Counter(tmp_path / "counter-a" / "kiosk.db", "counter-a", hub)
    b = Counter(tmp_path / "counter-b" / "kiosk.db", "counter-b", hub, number=2)
    try:
        code = a.desk.save_intake(intake(), clerk=CLERK).code
        supplement = issue_slip(a.desk, code, "02", clerk=CLERK, reason=MISSING)
        # The status change reached the office's book at once, with the list as its reason.
        book = hub.dossier(code)
        assert book["status"] == 5 and book["status_reason"] == MISSING
        assert pending_count(a.db) == 0
        # Another counter, which never saw the dossier, hands it over: the book's copy first.
        handover = record_handover(b.desk, code, to_party="Công chức Địa chính",
                                   received_by="Lê Văn Cường", clerk="Trần Văn Bình")
        assert b.desk.get(code).status is DossierStatus.SUPPLEMENT_REQUESTED
        # Each record goes to the city from the hub, once the book took it; the counters
        # keep no city record of their own.
        assert [r for r, _ in hub.city_records("dossier_slip", "dossier_handover")] == [
            supplement.uid, handover.uid]
        for counter in (a, b):
            assert counter.db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    finally:
        a.close()
        b.close()
        hub.close()


def test_the_book_takes_slips_and_hand_overs_once(tmp_path):
    """kiosk/dossiers/book.py's "slip" and "handover" change kinds, as the hub applies them:
    stored once, their city record (when sent) appended to the hub's outbox once, and only a
    city record that is this change's."""
    from kiosk.config import Config
    from kiosk.dossiers.book import APPLIED, REJECTED, UNCHANGED, apply_changes
    from kiosk.store import connect
    from tests.dossiers.bookutil import HCM, Counter

    counter = Counter(tmp_path / "quay-1", "quay-1")
    hub_db = connect(tmp_path / "hub.db")
    try:
        d = counter.desk.save_intake(intake(), clerk=CLERK)
        unit = Config().office.code
        assert apply_changes(hub_db, [counter.intake_change(d)], "quay-1", HCM,
                             unit_code=unit)[0].result == APPLIED
        slip = issue_slip(counter.desk, d.code, "04", clerk=CLERK, reason="Chờ xác minh",
                          new_date=date(2099, 1, 5))
        change = {"id": slip.uid, "kind": "slip", "code": d.code, "station": "quay-1",
                  "slip": {k: slip.as_json()[k] for k in
                           ("form", "reason", "new_date", "details", "issued_at", "clerk")}}
        handover = record_handover(counter.desk, d.code, to_party="Công chức Tư pháp",
                                   received_by="Trần Văn Bình", clerk=CLERK)
        moved = {"id": handover.uid, "kind": "handover", "code": d.code, "station": "quay-1",
                 "handover": {k: handover.as_json()[k] for k in
                              ("at", "from_party", "to_party", "handed_by", "received_by",
                               "due_date", "note")}}
        city_slip = dict(slip.as_json(), dossier_uid=d.uid)
        city_handover = dict(handover.as_json(), dossier_uid=d.uid)
        bad = [dict(change, id=str(uuid.uuid4()), slip=dict(change["slip"], form="07")),
               dict(change, id=str(uuid.uuid4()), slip=dict(change["slip"], new_date=None)),
               dict(change, id=str(uuid.uuid4()), station="quay-9"),
               dict(moved, id=str(uuid.uuid4()), code=d.code[:-4] + "0999"),
               # A city record that is not this change's: another uid, dossier, type, station,
               # code.
               dict(change, id=str(uuid.uuid4()), city=city_slip),
               dict(change, id=slip.uid, city=dict(city_slip, dossier_uid=str(uuid.uuid4()))),
               dict(change, id=slip.uid, city=city_handover),
               dict(moved, id=handover.uid, city=dict(city_handover, station="quay-9"))]
        other_code = dict(change, id=slip.uid, city=dict(city_slip, code="X" + d.code[1:]))

        def apply(changes):
            return [r.result for r in apply_changes(hub_db, changes, "quay-1", HCM,
                                                     unit_code=unit)]
        assert apply([*bad, other_code]) == [REJECTED] * 9
        assert apply([dict(change, city=city_slip), dict(moved, city=city_handover)]) == [
            APPLIED, APPLIED]
        assert apply([dict(change, city=city_slip), moved]) == [UNCHANGED, UNCHANGED]
        assert hub_db.execute("SELECT form, new_date, station_id FROM dossier_slips"
                              ).fetchall() == [("04", "2099-01-05", "quay-1")]
        assert hub_db.execute("SELECT to_party, received_by FROM dossier_handovers"
                              ).fetchall() == [("Công chức Tư pháp", "Trần Văn Bình")]
        # The hub sends each city record once, under the slip's / hand-over's uid.
        assert [(t, r, json.loads(p)) for t, r, p in hub_db.execute(
            "SELECT record_type, record_id, payload FROM outbox WHERE record_type IN "
            "('dossier_slip', 'dossier_handover') ORDER BY id")] == [
            ("dossier_slip", slip.uid, city_slip),
            ("dossier_handover", handover.uid, city_handover)]
    finally:
        counter.close()
        hub_db.conn.close()
