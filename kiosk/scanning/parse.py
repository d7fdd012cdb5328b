"""Turn the text a scanner delivers into a checked record: chip ID card QR, dossier code, or other.

Plain Python, no Qt, no I/O: the counter screen, the CLI and the camera/zbar engines all feed
text in here.

Messages come in two languages on purpose. `message_vi` is for the clerk and may say what to do
next. `message_en` is for logs: it names the field and the problem, never the value, because the
values are personal data (ID number, name, date of birth, address) and must stay out of logs.

Decisions, so that callers need not read the code:
- A CCCD payload is recognised by shape (see `_looks_like_cccd`), not by validity, so a damaged
  card read comes back as kind "cccd" with an error instead of slipping through as "unknown".
  Text that is cut before the first `|` cannot be told apart from any number and is "unknown".
- Gender: "Nam" and "Nữ" in any case and in NFC or NFD form; "Nu" without the diacritic is also
  accepted as female, because keyboard-wedge scanners without an input method drop diacritics,
  "Nam"/"Nu" cannot be confused, and the value is cross-checked against the ID number anyway.
- The old CMND number must be digits; its length is not checked (9 usually, 10 or 12 seen).
- The province code (digits 1-3) is not checked against a list: the list changes with
  reorganisations and a wrong code is not a reason to refuse a citizen at the counter.
- Trailing fields after the 7th (four on cards issued from 2024, empty in every sample seen)
  are returned raw, in position, as `fields["extra"]` only when at least one is non-empty.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

Kind = Literal["cccd", "dossier", "unknown"]

OFFICE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CCCD_MIN_FIELDS = 7

# Unit code: dot-separated segments of digits/capital letters, at least two segments, e.g.
# "000.00.01.H26" or "H26.22". Deliberately looser than any one system's scheme, because codes
# of other provinces' units arrive here too (citizens may file at any service point).
UNIT_CODE_PATTERN = r"[0-9A-Z]+(?:\.[0-9A-Z]+)+"
DOSSIER_CODE_RE = re.compile(
    rf"(?P<unit>{UNIT_CODE_PATTERN})-(?P<date>[0-9]{{6}})-(?P<seq>[0-9]{{4,}})"
)
# Same outline with any number of digits: a code read with a digit lost or gained is still
# recognised as a dossier code, so it can be refused with a reason rather than ignored.
_DOSSIER_SHAPE_RE = re.compile(rf"(?P<unit>{UNIT_CODE_PATTERN})-(?P<date>[0-9]+)-(?P<seq>[0-9]+)")

_GENDERS = {"nam": "male", "nữ": "female", "nu": "female"}


@dataclass(frozen=True)
class ParseError:
    """Why a scan was refused. A value, not an exception: parsing never raises.

    Codes: "empty"; "cccd.field_count", "cccd.id_number", "cccd.old_id_number",
    "cccd.full_name", "cccd.encoding" (mis-decoded text), "cccd.date_of_birth", "cccd.gender",
    "cccd.address", "cccd.issue_date", "cccd.id_gender", "cccd.id_century",
    "cccd.id_birth_year" (the last three: ID number digits disagree with the card);
    "dossier.date", "dossier.sequence".
    """

    code: str  # stable identifier for programs and tests
    message_vi: str  # for the clerk: what is wrong and, where useful, what to do
    message_en: str  # for logs: names fields, never their values


@dataclass(frozen=True)
class ScanResult:
    kind: Kind
    text: str  # exactly as received, before any clean-up
    fields: dict[str, Any] | None = None
    error: ParseError | None = None

    @property
    def rejected(self) -> bool:
        return self.error is not None


def parse_scan(text: str, *, today: date | None = None) -> ScanResult:
    """Classify and check one scan. Never raises; `today` (office local date) is for tests."""
    raw = text
    try:
        clean = unicodedata.normalize("NFC", text).strip()
    except TypeError:  # not a str at all: treat like an unreadable code
        clean = ""
    if not clean:
        return ScanResult("unknown", raw, None, ParseError(
            "empty", "Không đọc được nội dung mã", "empty scan: no text was received"))
    if _looks_like_cccd(clean):
        fields, error = _parse_cccd(clean, today or datetime.now(OFFICE_TZ).date())
        return ScanResult("cccd", raw, fields, error)
    shape = _DOSSIER_SHAPE_RE.fullmatch(clean.upper())
    if shape:
        fields, error = _parse_dossier(shape)
        return ScanResult("dossier", raw, fields, error)
    return ScanResult("unknown", raw, None, None)


#: How many characters a burst needs before its shape says "a code is being scanned".
CODE_START_MIN = 4
# A dossier code's start: a unit code with two dots or more ("000.00."), or any unit code once
# its dash has come ("H26.22-"). One dot alone is also how procedure codes look ("1.004222").
_DOSSIER_START_RE = re.compile(r"[0-9A-Z]+(?:\.[0-9A-Z]*){2,}"
                               r"|[0-9A-Z]+(?:\.[0-9A-Z]+)+-[0-9]*(?:-[0-9]*)?")


def starts_like_code(text: str) -> bool:
    """Whether `text` (the first characters of a keyboard-wedge burst) is the start of a code
    the counter reads: a CCCD QR (an ID number of digits, then `|`-separated fields), a dossier
    code (a dotted unit code, then `-yyMMdd-NNNN`) or a look-up URL. Used to hold a burst whose
    scanner paused mid-way until it completes, instead of typing half of it into a field."""
    if len(text) < CODE_START_MIN:
        return False
    head, sep, _rest = text.partition("|")
    if sep:
        return bool(re.fullmatch(r"[0-9]{9,13}", head))
    if re.fullmatch(r"[0-9]{4,13}", text):
        return True
    if text.lower().startswith(("http", "https:")):
        return True
    return bool(_DOSSIER_START_RE.fullmatch(text.upper()))


def lacks_diacritics(fields: dict[str, Any]) -> bool:
    """A CCCD read whose name and address carry no Vietnamese letter at all (no đ, no tone or
    vowel mark): the card prints them with diacritics, so this is a keyboard-wedge scanner
    typing without the right input method ("Nguyen Van A" for "Nguyễn Văn A"). The text is
    not what the card says and must be checked by the clerk."""
    text = unicodedata.normalize("NFC", f"{fields.get('full_name') or ''} "
                                        f"{fields.get('address') or ''}")
    if not text.strip():
        return False
    return not any(c in _VN_LETTERS for c in text)


def format_dossier_code(unit: str, day: date, seq: int) -> str:
    """The one place dossier codes are built: `{unit}-{yyMMdd}-{NNNN}`, e.g.
    `000.00.01.H26-260115-0007`. Raises ValueError for a malformed unit or a sequence < 1."""
    norm = unit.strip().upper()
    if not re.fullmatch(UNIT_CODE_PATTERN, norm):
        raise ValueError(f"unit code {unit!r} is not dot-separated letters/digits "
                         "such as '000.00.01.H26'")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise ValueError(f"dossier sequence must be a whole number from 1, not {seq!r}")
    return f"{norm}-{day:%y%m%d}-{seq:04d}"


# --- CCCD -----------------------------------------------------------------------------------


def _looks_like_cccd(text: str) -> bool:
    parts = text.split("|")
    if len(parts) < 2:
        return False
    # A 9-13 digit first field: the ID number, possibly misread by a digit, or the old number
    # when the ID number was lost. Health-insurance (BHYT) QR codes also use "|" but start with
    # letters and code gender as 1/2, so they stay "unknown".
    if re.fullmatch(r"[0-9]{9,13}", parts[0].strip()):
        return True
    # A damaged or missing ID number: still a card read if a "Nam"/"Nữ" field is there.
    return len(parts) >= 5 and any(_gender_key(p) in _GENDERS for p in parts[1:])


def _gender_key(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip().casefold()


def _err(code: str, vi: str, en: str) -> tuple[None, ParseError]:
    return None, ParseError(f"cccd.{code}", vi, en)


_RESCAN_VI = "Hãy quét lại hoặc kiểm tra thẻ."


def _parse_cccd(text: str, today: date) -> tuple[dict[str, Any] | None, ParseError | None]:
    parts = text.split("|")
    if len(parts) < CCCD_MIN_FIELDS:
        return _err("field_count",
                    f"Mã QR căn cước bị thiếu thông tin: chỉ có {len(parts)} trường, cần ít nhất "
                    f"{CCCD_MIN_FIELDS}. {_RESCAN_VI}",
                    f"ID card QR has {len(parts)} fields, at least {CCCD_MIN_FIELDS} expected")
    id_number, old_id, name, dob_s, gender_s, address, issue_s = (p.strip() for p in parts[:7])
    extra = parts[7:]

    if not re.fullmatch(r"[0-9]{12}", id_number):
        return _err("id_number", f"Số định danh cá nhân phải gồm đúng 12 chữ số. {_RESCAN_VI}",
                    "field 1 (ID number) is not 12 digits")
    if old_id and not re.fullmatch(r"[0-9]+", old_id):
        return _err("old_id_number", f"Số CMND cũ chỉ được gồm chữ số. {_RESCAN_VI}",
                    "field 2 (old ID number) contains characters other than digits")
    name = " ".join(name.split())
    if not name:
        return _err("full_name", f"Mã QR căn cước thiếu họ và tên. {_RESCAN_VI}",
                    "field 3 (full name) is empty")
    if _garbled(name):
        return _err("encoding", _GARBLED_VI, "field 3 (full name) contains characters of another "
                    "script: the scanner decoded the text with the wrong encoding")
    if not _is_name(name):
        return _err("full_name", f"Họ và tên có chữ số hoặc ký tự lạ. {_RESCAN_VI}",
                    "field 3 (full name) contains digits or symbols")
    dob = _ddmmyyyy(dob_s)
    if dob is None:
        return _err("date_of_birth",
                    f"Ngày sinh không phải ngày có thật (cần dạng ngàythángnăm, 8 chữ số). "
                    f"{_RESCAN_VI}", "field 4 (date of birth) is not a real date")
    if dob > today:
        return _err("date_of_birth", f"Ngày sinh nằm ở tương lai. {_RESCAN_VI}",
                    "field 4 (date of birth) is in the future")
    gender = _GENDERS.get(_gender_key(gender_s))
    if gender is None:
        return _err("gender", f"Giới tính phải là “Nam” hoặc “Nữ”. {_RESCAN_VI}",
                    "field 5 (gender) is neither Nam nor Nữ")
    address = " ".join(address.split())
    if not address:
        return _err("address", f"Mã QR căn cước thiếu nơi thường trú. {_RESCAN_VI}",
                    "field 6 (address) is empty")
    if _garbled(address) or any(unicodedata.category(c) == "Cc" for c in address):
        return _err("encoding", _GARBLED_VI, "field 6 (address) contains characters of another "
                    "script or control characters: wrong encoding or a misread")
    issued = _ddmmyyyy(issue_s)
    if issued is None:
        return _err("issue_date",
                    f"Ngày cấp không phải ngày có thật (cần dạng ngàythángnăm, 8 chữ số). "
                    f"{_RESCAN_VI}", "field 7 (issue date) is not a real date")
    if issued > today:
        return _err("issue_date", f"Ngày cấp nằm ở tương lai. {_RESCAN_VI}",
                    "field 7 (issue date) is in the future")
    if issued < dob:
        return _err("issue_date", f"Ngày cấp trước ngày sinh. {_RESCAN_VI}",
                    "field 7 (issue date) is before field 4 (date of birth)")

    # Digit 4 encodes gender and century of birth: 0/1 = male/female born 1900s, 2/3 = 2000s,
    # 4/5 = 2100s (and so on). There is no check digit, so these cross-checks are the only way
    # to catch a misread digit or a forged card.
    code = int(id_number[3])
    if ("female" if code % 2 else "male") != gender:
        return _err("id_gender",
                    "Chữ số thứ 4 của số định danh không khớp với giới tính ghi trên thẻ: có thể "
                    "đọc sai hoặc thẻ không hợp lệ. Hãy kiểm tra thẻ.",
                    "digit 4 of the ID number disagrees with field 5 (gender)")
    if 1900 + 100 * (code // 2) != dob.year // 100 * 100:
        return _err("id_century",
                    "Chữ số thứ 4 của số định danh không khớp với thế kỷ của năm sinh: có thể "
                    "đọc sai hoặc thẻ không hợp lệ. Hãy kiểm tra thẻ.",
                    "digit 4 of the ID number disagrees with the century of field 4 "
                    "(date of birth)")
    if id_number[4:6] != f"{dob.year % 100:02d}":
        return _err("id_birth_year",
                    "Chữ số thứ 5–6 của số định danh không khớp với năm sinh: có thể đọc sai hoặc "
                    "thẻ không hợp lệ. Hãy kiểm tra thẻ.",
                    "digits 5-6 of the ID number disagree with the year of field 4 "
                    "(date of birth)")

    fields: dict[str, Any] = {
        "id_number": id_number,
        "old_id_number": old_id or None,
        "full_name": name,
        "date_of_birth": dob.isoformat(),
        "gender": gender,
        "address": address,
        "issue_date": issued.isoformat(),
    }
    if any(e.strip() for e in extra):
        fields["extra"] = list(extra)
    return fields, None


_GARBLED_VI = ("Chữ tiếng Việt trên mã bị đọc sai bảng mã (hiện thành ký tự lạ). Hãy quét lại "
               "bằng camera hoặc máy quét đặt ở chế độ cổng COM ảo (USB-CDC).")


def _ddmmyyyy(value: str) -> date | None:
    if not re.fullmatch(r"[0-9]{8}", value):
        return None
    try:
        return date(int(value[4:]), int(value[2:4]), int(value[:2]))
    except ValueError:
        return None


def _is_name(name: str) -> bool:
    for c in name:
        if c in " '-.":
            continue
        cat = unicodedata.category(c)
        if cat.startswith("M"):  # a combining mark NFC could not fold (rare tone placements)
            continue
        if not (cat.startswith("L") and unicodedata.name(c, "").startswith("LATIN")):
            return False
    return True


# Scripts that never occur in Vietnamese text but are exactly what mis-decoded UTF-8 turns into
# (Big5/GBK/Shift-JIS ideographs, kana, hangul), plus the replacement character.
_FOREIGN_RE = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    "\uf900-\ufaff\uff61-\uff9f\ufffd]"
)
# Latin-1/cp1252 mojibake: UTF-8 continuation bytes 0x80-0xBF show up as C1 controls, symbols
# such as ¡ ª » or cp1252's € ƒ … † ‰ Œ ™ (e.g. "À" becomes "Ã€").
_LATIN1_MOJIBAKE_RE = re.compile("[\u0080-\u00bf" + bytes(range(0x80, 0xA0)).decode(
    "cp1252", errors="ignore") + "]")


def _garbled(text: str) -> bool:
    return bool(_FOREIGN_RE.search(text))


# --- dossier code ---------------------------------------------------------------------------


def _parse_dossier(m: re.Match[str]) -> tuple[dict[str, Any] | None, ParseError | None]:
    unit, date_s, seq_s = m["unit"], m["date"], m["seq"]
    day: date | None = None
    if len(date_s) == 6:
        try:  # yy is 20yy: these codes date from the 2010s on
            day = date(2000 + int(date_s[:2]), int(date_s[2:4]), int(date_s[4:]))
        except ValueError:
            day = None
    if day is None:
        return None, ParseError(
            "dossier.date",
            "Mã hồ sơ có phần ngày không hợp lệ (cần 6 chữ số năm-tháng-ngày, ví dụ 260115). "
            "Hãy quét lại hoặc nhập tay.",
            "dossier code: the date part is not a real yyMMdd date")
    if len(seq_s) < 4:
        return None, ParseError(
            "dossier.sequence",
            "Mã hồ sơ có số thứ tự quá ngắn (cần ít nhất 4 chữ số). Hãy quét lại hoặc nhập tay.",
            "dossier code: the sequence part has fewer than 4 digits")
    return {"unit": unit, "date": day.isoformat(), "seq": int(seq_s),
            "code": f"{unit}-{date_s}-{seq_s}"}, None


# --- reads from a camera or a photo --------------------------------------------------------


def check_read(text: str, linear: bool) -> bool | None:
    """The kiosk's verdict on a decoded code (the `check` of drivers.scanners' decoders): False
    for a wrong read (an ID card QR whose text encoding is broken, a dossier code that cannot
    be one), True when it can be trusted on its own, None when a second identical read is
    needed (a linear code, which has at most a weak checksum, that is not a dossier code)."""
    result = parse_scan(text)
    if result.kind == "cccd" and result.error is not None and result.error.code == "cccd.encoding":
        return False
    if linear:
        if result.kind == "dossier":
            return result.error is None
        return None
    return True


# --- mojibake -------------------------------------------------------------------------------

# Codecs zbar (and some Windows tools) wrongly decode UTF-8 bytes with. Big5 is the one behind
# the well-known "HU廙淇H HI廕銳 THU廕昧" (for "HUỲNH HIẾU THUẬN").
MOJIBAKE_CODECS = ("big5", "cp950", "sjis", "cp932", "gbk", "gb18030", "euc_kr", "cp949",
                   "euc_jp", "latin-1", "cp1252")

_VN_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b"}


def _vietnamese_letters() -> frozenset[str]:
    letters = {"đ", "Đ"}
    for cp in range(0x00C0, 0x1F00):
        c = chr(cp)
        decomposed = unicodedata.normalize("NFD", c)
        if (len(decomposed) > 1 and decomposed[0] in "aeiouyAEIOUY"
                and set(decomposed[1:]) <= _VN_MARKS):
            letters.add(c)
    return frozenset(letters)


_VN_LETTERS = _vietnamese_letters()


def _plausibility(text: str) -> int:
    nfc = unicodedata.normalize("NFC", text)
    vietnamese = sum(c in _VN_LETTERS for c in nfc)
    suspicious = len(_FOREIGN_RE.findall(nfc)) + len(_LATIN1_MOJIBAKE_RE.findall(nfc))
    return vietnamese - 2 * suspicious


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text having been decoded with a wrong codec; return `text` unchanged unless a
    repair is valid UTF-8, has Vietnamese letters, has no foreign-script leftovers and scores as
    more plausible Vietnamese than the input. Only reversible mis-decodings can be repaired."""
    best, best_score = text, _plausibility(text)
    for codec in MOJIBAKE_CODECS:
        try:
            candidate = text.encode(codec).decode("utf-8")
        except (UnicodeError, LookupError):
            continue
        if candidate == text or _FOREIGN_RE.search(candidate):
            continue
        if not any(c in _VN_LETTERS for c in unicodedata.normalize("NFC", candidate)):
            continue
        score = _plausibility(candidate)
        if score > best_score:
            best, best_score = candidate, score
    return best
