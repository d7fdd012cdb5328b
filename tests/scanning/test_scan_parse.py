"""Parsing of scanned text: chip ID card QR payloads, dossier codes, mojibake repair."""

import os
import unicodedata
from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.scanning import (
    format_dossier_code,
    lacks_diacritics,
    parse_scan,
    repair_mojibake,
    starts_like_code,
)
from kiosk.scanning.parse import DOSSIER_CODE_RE, MOJIBAKE_CODECS

TODAY = date(2026, 6, 1)
# Kept small so the suite stays fast; KIOSK_HYPOTHESIS_EXAMPLES=5000 for a deeper search.
EXAMPLES = int(os.environ.get("KIOSK_HYPOTHESIS_EXAMPLES", "40"))
FAST = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

# The three public examples from domain.md, with the fields they must give.
PUBLIC_EXAMPLES = [
    ("089202017098|352576714|Lê Văn Lương|23052002|Nam|"
     "Tổ 10 Ấp An Thái, Hòa Bình, Chợ Mới, An Giang|31122021",
     {"id_number": "089202017098", "old_id_number": "352576714", "full_name": "Lê Văn Lương",
      "date_of_birth": "2002-05-23", "gender": "male",
      "address": "Tổ 10 Ấp An Thái, Hòa Bình, Chợ Mới, An Giang", "issue_date": "2021-12-31"}),
    ("034303011829||Nguyễn Thị Hoa|21032003|Nữ|Thôn Lai Ổn, An Quý, Quỳnh Phụ, Thái Bình|14082021",
     {"id_number": "034303011829", "old_id_number": None, "full_name": "Nguyễn Thị Hoa",
      "date_of_birth": "2003-03-21", "gender": "female",
      "address": "Thôn Lai Ổn, An Quý, Quỳnh Phụ, Thái Bình", "issue_date": "2021-08-14"}),
    ("093186002237|362499103|Nguyễn Thị Kim Thư|11011986|Nữ|"
     "56 Trần Hoàng Na, Kv6, An Khánh, Ninh Kiều, Cần Thơ|04102024||||",
     {"id_number": "093186002237", "old_id_number": "362499103",
      "full_name": "Nguyễn Thị Kim Thư", "date_of_birth": "1986-01-11", "gender": "female",
      "address": "56 Trần Hoàng Na, Kv6, An Khánh, Ninh Kiều, Cần Thơ",
      "issue_date": "2024-10-04"}),
]
LUONG = PUBLIC_EXAMPLES[0][0]


@pytest.mark.parametrize("text,fields", PUBLIC_EXAMPLES)
def test_public_examples_parse(text, fields):
    result = parse_scan(text, today=TODAY)
    assert (result.kind, result.error, result.text) == ("cccd", None, text)
    assert result.fields == fields  # exactly these keys: no "extra" when trailing fields empty


@pytest.mark.parametrize("text,fields", PUBLIC_EXAMPLES)
def test_public_examples_survive_scanner_noise(text, fields):
    for noisy in (unicodedata.normalize("NFD", text), f"  {text}\r\n", text + "\n"):
        result = parse_scan(noisy, today=TODAY)
        assert result.fields == fields
        assert result.text == noisy  # the raw text is kept as received


def test_non_empty_trailing_fields_are_kept_raw_in_position():
    text = PUBLIC_EXAMPLES[2][0][:-4] + "||X1| y |"
    fields = parse_scan(text, today=TODAY).fields
    assert fields["extra"] == ["", "X1", " y ", ""]


def _swap(text: str, index: int, value: str) -> str:
    parts = text.split("|")
    parts[index] = value
    return "|".join(parts)


BAD_CARDS = [
    ("089202017098|352576714|Lê Văn Lương|23052002|Nam|Tổ 10", "cccd.field_count"),
    (_swap(LUONG, 0, "08920201709"), "cccd.id_number"),
    (_swap(LUONG, 0, "08920201709A"), "cccd.id_number"),
    (_swap(LUONG, 0, "089٢02017098"), "cccd.id_number"),  # an Arabic-Indic digit is no digit
    (_swap(LUONG, 1, "35257671X"), "cccd.old_id_number"),
    (_swap(LUONG, 2, "  "), "cccd.full_name"),
    (_swap(LUONG, 2, "Lê Văn 2"), "cccd.full_name"),
    (_swap(LUONG, 2, "HU廙淇H HI廕銳 THU廕昧"), "cccd.encoding"),
    (_swap(LUONG, 3, "31022002"), "cccd.date_of_birth"),
    (_swap(LUONG, 3, "2305202"), "cccd.date_of_birth"),
    (_swap(LUONG, 3, "23-05-2002"), "cccd.date_of_birth"),
    (_swap(LUONG, 4, "Male"), "cccd.gender"),
    (_swap(LUONG, 4, "Nữ"), "cccd.id_gender"),
    (_swap(LUONG, 5, ""), "cccd.address"),
    (_swap(LUONG, 6, "31022021"), "cccd.issue_date"),
    (_swap(LUONG, 6, "22052002"), "cccd.issue_date"),  # before the date of birth
    (_swap(LUONG, 6, "02062026"), "cccd.issue_date"),  # after TODAY
    (_swap(LUONG, 0, "089002017098"), "cccd.id_century"),  # 0 = male born in the 1900s
    (_swap(LUONG, 0, "089302017098"), "cccd.id_gender"),  # 3 = female, 2000s
    (_swap(LUONG, 0, "089201017098"), "cccd.id_birth_year"),
    (_swap(LUONG, 3, "23051902"), "cccd.id_century"),
    ("|352576714|Lê Văn Lương|23052002|Nam|Tổ 10|31122021", "cccd.id_number"),  # ID lost
]


@pytest.mark.parametrize("text,code", BAD_CARDS)
def test_broken_cards_are_refused_with_a_reason(text, code):
    result = parse_scan(text, today=TODAY)
    assert (result.kind, result.fields) == ("cccd", None)
    assert result.error.code == code
    assert result.error.message_vi and result.error.message_en
    _assert_no_personal_data(result.error.message_en, text)


def test_gender_spellings():
    for spelling in ("Nam", "NAM", "nam", " Nam "):
        assert parse_scan(_swap(LUONG, 4, spelling), today=TODAY).fields["gender"] == "male"
    hoa = PUBLIC_EXAMPLES[1][0]
    for spelling in ("Nữ", "NỮ", "nữ", unicodedata.normalize("NFD", "Nữ"), "Nu", "NU"):
        assert parse_scan(_swap(hoa, 4, spelling), today=TODAY).fields["gender"] == "female"


def test_future_birth_date_is_refused():
    text = _swap(_swap(LUONG, 3, "02062026"), 0, "089226017098")
    assert parse_scan(text, today=TODAY).error.code == "cccd.date_of_birth"


def test_empty_and_unknown_text():
    for empty in ("", "  ", "\r\n"):
        result = parse_scan(empty)
        assert (result.kind, result.fields) == ("unknown", None)
        assert result.error.message_vi == "Không đọc được nội dung mã"
    for other in ("https://dichvucong.gov.vn", "hello", "089202017098", "1|2",
                  "HS4010120878811|4c6520566e|23/05/2002|1|x|y|z"):  # BHYT-like: not a CCCD
        result = parse_scan(other)
        assert (result.kind, result.fields, result.error) == ("unknown", None, None)


# --- dossier codes --------------------------------------------------------------------------


@pytest.mark.parametrize("text,fields", [
    ("000.00.01.H26-260115-0007", {"unit": "000.00.01.H26", "date": "2026-01-15", "seq": 7,
                                   "code": "000.00.01.H26-260115-0007"}),
    (" 000.00.01.h26-260115-0007\r\n", {"unit": "000.00.01.H26", "date": "2026-01-15",
                                       "seq": 7, "code": "000.00.01.H26-260115-0007"}),
    ("H26.22-251231-12345", {"unit": "H26.22", "date": "2025-12-31", "seq": 12345,
                             "code": "H26.22-251231-12345"}),
])
def test_dossier_codes(text, fields):
    result = parse_scan(text)
    assert (result.kind, result.fields, result.error) == ("dossier", fields, None)


@pytest.mark.parametrize("text,code", [
    ("000.00.01.H26-260230-0007", "dossier.date"),
    ("000.00.01.H26-2601150-0007", "dossier.date"),
    ("000.00.01.H26-260115-007", "dossier.sequence"),
])
def test_broken_dossier_codes(text, code):
    result = parse_scan(text)
    assert (result.kind, result.fields, result.error.code) == ("dossier", None, code)
    assert "Mã hồ sơ" in result.error.message_vi


def test_dossier_lookalikes_without_a_dotted_unit_are_unknown():
    assert parse_scan("ABC-260115-0007").kind == "unknown"


def test_format_dossier_code():
    assert format_dossier_code("000.00.01.H26", date(2026, 1, 15), 7) == \
        "000.00.01.H26-260115-0007"
    assert format_dossier_code(" 000.00.01.h26 ", date(2026, 1, 15), 12345) == \
        "000.00.01.H26-260115-12345"
    for unit, seq in (("H26", 1), ("000..01.H26", 1), ("000.00-01.H26", 1),
                      ("000.00.01.H26", 0), ("000.00.01.H26", True)):
        with pytest.raises(ValueError):
            format_dossier_code(unit, date(2026, 1, 15), seq)


@FAST
@given(unit=st.from_regex(r"[0-9A-Z]{1,4}(\.[0-9A-Z]{1,4}){1,3}", fullmatch=True),
       day=st.dates(date(2000, 1, 1), date(2099, 12, 31)), seq=st.integers(1, 99999))
def test_format_and_parse_round_trip(unit, day, seq):
    code = format_dossier_code(unit, day, seq)
    assert DOSSIER_CODE_RE.fullmatch(code)
    assert parse_scan(code).fields == {"unit": unit, "date": day.isoformat(), "seq": seq,
                                       "code": code}


# --- property tests: generated cards --------------------------------------------------------

VN_LOWER = ("aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrst"
            "uùúủũụưừứửữựvxyỳýỷỹỵ")
SYLLABLES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
             "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Văn", "Thị", "Hữu", "Đức", "Ngọc", "Thanh",
             "Minh", "Thu", "Hương", "Quỳnh", "Tuấn", "Anh", "Hiếu", "Thuận", "Ánh", "Ỷ", "Nam"]
ADDRESS_WORDS = ["Tổ", "Thôn", "Ấp", "Xóm", "Số", "ngõ", "ngách", "phường", "xã", "Hà Nội",
                 "Cần Thơ", "Quỳnh Phụ", "An Giang", "Đống Đa", "Kv6", "đường Trần Phú"]

syllable = st.one_of(st.sampled_from(SYLLABLES),
                     st.text(VN_LOWER, min_size=1, max_size=7).map(str.capitalize))
names = st.lists(syllable, min_size=2, max_size=5).map(" ".join).flatmap(
    lambda n: st.sampled_from([n, n.upper()]))
addresses = st.lists(st.one_of(st.sampled_from(ADDRESS_WORDS), st.integers(1, 999).map(str)),
                     min_size=2, max_size=8).flatmap(
    lambda words: st.sampled_from([" ".join(words), ", ".join(words)]))


@dataclass
class Card:
    payload: str
    fields: dict
    parts: list

    def end_of_field(self, index: int) -> int:
        """Offset just after field `index` (0-based) in the payload."""
        return len("|".join(self.parts[: index + 1]))


@st.composite
def cards(draw, eleven: bool | None = None, canonical: bool = False):
    dob = draw(st.dates(date(1900, 1, 1), TODAY))
    issued = draw(st.dates(dob, TODAY))
    female = draw(st.booleans())
    digit4 = (dob.year // 100 - 19) * 2 + female
    province = draw(st.integers(1, 96))
    tail = draw(st.from_regex(r"[0-9]{6}", fullmatch=True))
    id_number = f"{province:03d}{digit4}{dob.year % 100:02d}{tail}"
    old_id = draw(st.one_of(st.just(""), st.from_regex(r"[0-9]{9,10}", fullmatch=True)))
    name, address = draw(names), draw(addresses)
    if canonical:
        gender_text = "Nữ" if female else "Nam"
    else:
        gender_text = draw(st.sampled_from(["Nữ", "NỮ", "nữ", "Nu"] if female
                                           else ["Nam", "NAM", "nam"]))
    parts = [id_number, old_id, name, f"{dob:%d%m%Y}", gender_text, address, f"{issued:%d%m%Y}"]
    if eleven if eleven is not None else draw(st.booleans()):
        parts += ["", "", "", ""]
    payload = "|".join(parts)
    fields = {"id_number": id_number, "old_id_number": old_id or None, "full_name": name,
              "date_of_birth": dob.isoformat(), "gender": "female" if female else "male",
              "address": address, "issue_date": issued.isoformat()}
    return Card(payload, fields, parts)


def _assert_no_personal_data(message: str, payload: str) -> None:
    for value in unicodedata.normalize("NFC", payload).split("|"):
        value = value.strip()
        if len(value) >= 6:  # shorter values ("Nam", "Kv6") can occur in any English text
            assert value not in message


@FAST
@given(card=cards(), form=st.sampled_from(["as is", "nfd", "crlf", "spaces"]))
def test_generated_cards_parse_to_their_fields(card, form):
    text = {"as is": card.payload, "nfd": unicodedata.normalize("NFD", card.payload),
            "crlf": card.payload + "\r\n", "spaces": f" {card.payload} \n"}[form]
    result = parse_scan(text, today=TODAY)
    assert (result.kind, result.error) == ("cccd", None)
    assert result.fields == card.fields


def _check_refused(text: str, payload: str) -> None:
    result = parse_scan(text, today=TODAY)
    assert result.kind == "cccd"
    assert result.fields is None
    assert result.error is not None and result.error.message_vi
    _assert_no_personal_data(result.error.message_en, payload)


@FAST
@given(card=cards(), index=st.integers(0, 6))
def test_dropping_a_field_is_refused(card, index):
    _check_refused("|".join(card.parts[:index] + card.parts[index + 1:]), card.payload)


@FAST
@given(card=cards(canonical=True))
def test_swapping_gender_is_refused(card):
    other = "Nam" if card.fields["gender"] == "female" else "Nữ"
    _check_refused(_swap(card.payload, 4, other), card.payload)


invalid_dates = st.one_of(
    st.tuples(st.integers(0, 39), st.integers(0, 19), st.integers(1900, 2026)).filter(
        lambda t: not _real(*t)).map(lambda t: f"{t[0]:02d}{t[1]:02d}{t[2]}"),
    st.from_regex(r"[0-9]{1,7}|[0-9]{9,10}|[0-9]{2}/[0-9]{2}/[0-9]{4}", fullmatch=True),
)


def _real(d: int, m: int, y: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


@FAST
@given(card=cards(), index=st.sampled_from([3, 6]), bad=invalid_dates)
def test_breaking_a_date_is_refused(card, index, bad):
    _check_refused(_swap(card.payload, index, bad), card.payload)


@FAST
@given(card=cards(), digit=st.integers(0, 9))
def test_changing_the_gender_century_digit_is_refused(card, digit):
    original = card.parts[0]
    if int(original[3]) == digit:
        digit = (digit + 1) % 10
    _check_refused(_swap(card.payload, 0, f"{original[:3]}{digit}{original[4:]}"), card.payload)


@FAST
@given(card=cards(), data=st.data())
def test_truncation_is_refused_or_loses_only_empty_trailing_fields(card, data):
    cut = data.draw(st.integers(len(card.parts[0]) + 1, len(card.payload) - 1))
    result = parse_scan(card.payload[:cut], today=TODAY)
    if cut >= card.end_of_field(6):
        assert result.fields == card.fields  # only empty trailing fields were cut
    else:
        _check_refused(card.payload[:cut], card.payload)


garbage = st.text(min_size=1, max_size=4).filter(
    lambda g: "|" not in g and not any(c.isspace() for c in g))


@FAST
@given(card=cards(canonical=True), index=st.sampled_from([0, 3, 4, 6]), junk=garbage,
       data=st.data())
def test_garbage_in_a_checked_field_is_refused(card, index, junk, data):
    value = card.parts[index]
    at = data.draw(st.integers(0, len(value)))
    _check_refused(_swap(card.payload, index, value[:at] + junk + value[at:]), card.payload)


@FAST
@given(card=cards(), data=st.data())
def test_a_stray_separator_inside_the_card_fields_is_refused(card, data):
    at = data.draw(st.integers(0, card.end_of_field(6) - 1))
    _check_refused(card.payload[:at] + "|" + card.payload[at:], card.payload)


@settings(max_examples=5 * EXAMPLES, deadline=None)
@given(text=st.one_of(st.text(), st.text("0123456789|NamNữu \r\n-.H"),
                      st.lists(st.text(max_size=14), min_size=6, max_size=12).map("|".join)))
def test_parse_never_raises(text):
    result = parse_scan(text)
    assert result.kind in ("cccd", "dossier", "unknown")
    assert (result.fields is None) or (result.error is None)


# --- mojibake -------------------------------------------------------------------------------


def test_repair_mojibake_known_zbar_case():
    assert repair_mojibake("HU廙淇H HI廕銳 THU廕昧") == "HUỲNH HIẾU THUẬN"


@FAST
@given(name=names, codec=st.sampled_from(MOJIBAKE_CODECS))
def test_repair_mojibake_undoes_reversible_mis_decoding(name, codec):
    try:
        garbled = name.encode("utf-8").decode(codec)
    except UnicodeDecodeError:
        return  # this codec cannot even mis-decode it; zbar would not produce it
    if garbled.encode(codec, errors="replace") != name.encode("utf-8"):
        return  # lossy (e.g. private-use characters): no repair possible
    assert repair_mojibake(garbled) == name


@FAST
@given(text=st.one_of(names, addresses, st.text("abcxyz0123456789 ,.-/|", max_size=30)))
def test_repair_mojibake_leaves_good_text_alone(text):
    assert repair_mojibake(text) == text


def test_repair_mojibake_leaves_ascii_and_full_payloads_alone():
    for text in ("ABC 123", LUONG, PUBLIC_EXAMPLES[2][0]):
        assert repair_mojibake(text) == text


# --- the shape of a code's start, for keyboard-wedge bursts --------------------------------

@pytest.mark.parametrize("text", [
    "0892", "089202017098", "089202017098|", "089202017098|352576714|Lê Văn",
    "000.00.01.H26-26", "000.00.", "H26.22-", "H26.22-260115", "https://dichvucong", "http",
])
def test_starts_like_code(text):
    assert starts_like_code(text)


@pytest.mark.parametrize("text", [
    "", "089", "Lê V", "abcd", "Nguyen", "0912 345", "12345678901234", "12|abc", "ok",
    "1.004222", "2.000815", "H26.22",  # procedure codes look like this: typed, not scanned
])
def test_does_not_start_like_code(text):
    assert not starts_like_code(text)


def test_a_read_without_diacritics_is_told_apart():
    plain = parse_scan("089202017098|352576714|Le Van Luong|23052002|Nam|To 10 Ap An Thai, "
                       "Hoa Binh, Cho Moi, An Giang|31122021")
    assert plain.error is None and lacks_diacritics(plain.fields)
    full = parse_scan("089202017098|352576714|Lê Văn Lương|23052002|Nam|Tổ 10 Ấp An Thái, "
                      "Hòa Bình, Chợ Mới, An Giang|31122021")
    assert not lacks_diacritics(full.fields)
    # One Vietnamese letter anywhere (here only "đ" in the address) is enough.
    assert not lacks_diacritics({"full_name": "Ha Van Lam", "address": "Thôn Đông"})
