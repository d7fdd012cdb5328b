"""The station ↔ city wire protocol (documented in sync/openapi.yaml), shared by both ends.

Plain Python, no I/O: record envelopes, batch encoding, per-record validation and results,
Retry-After and backoff arithmetic, and the national portal's dossier fields.

An envelope carries the record's payload as the exact JSON text the station stored in its
outbox (a JSON *string* field), so the city stores and returns it byte for byte.
"""

from __future__ import annotations

import json
import random
import re
import uuid
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

API_PREFIX = "/api/v1"
PUSH_PATH = f"{API_PREFIX}/records"
HEALTH_PATH = f"{API_PREFIX}/health"
COUNTS_PATH = f"{API_PREFIX}/counts"
REFERENCE_PATH = f"{API_PREFIX}/reference"  # + "/{name}"
OPENAPI_PATH = f"{API_PREFIX}/openapi.yaml"

PROTOCOL_VERSION = 1

# Reference data a station pulls (with ETag caching).
REFERENCE_NAMES = ("procedures", "services", "holidays")

ACCEPTED = "accepted"
DUPLICATE = "duplicate"
REJECTED = "rejected"

# Server-side limits (defaults of `kiosk city-server`).
MAX_BODY_BYTES = 4 * 1024 * 1024          # request body as sent (compressed)
MAX_DECOMPRESSED_BYTES = 32 * 1024 * 1024  # after gunzip: a zip bomb stops here
MAX_BATCH_RECORDS = 1000
MAX_PAYLOAD_BYTES = 256 * 1024
MAX_NAME_CHARS = 64

GZIP_LEVEL = 6


# -- envelopes and batches -------------------------------------------------------------------

@dataclass(frozen=True)
class Envelope:
    """One record as it travels: the payload is the station's JSON text, unchanged."""

    id: str
    type: str
    office: str
    station: str
    created_at: str
    schema_version: int
    payload: str

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "office": self.office,
                "station": self.station, "created_at": self.created_at,
                "schema_version": self.schema_version, "payload": self.payload}


def encode_envelope(envelope: Envelope) -> bytes:
    """One envelope as compact UTF-8 JSON (Vietnamese text stays UTF-8, not \\u escapes)."""
    return json.dumps(envelope.as_json(), ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def encode_batch(encoded: Iterable[bytes]) -> bytes:
    """The push body from already encoded envelopes: {"records":[...]}."""
    return b'{"records":[' + b",".join(encoded) + b"]}"


def gzip_bytes(data: bytes, level: int = GZIP_LEVEL) -> bytes:
    """gzip framing (what Content-Encoding: gzip means). zlib releases the GIL meanwhile."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


class BodyTooLarge(ValueError):
    pass


def gunzip_limited(data: bytes, limit: int) -> bytes:
    """Decompress gzip data, refusing to produce more than `limit` bytes (zip bombs)."""
    d = zlib.decompressobj(47)  # gzip or zlib header, auto-detected
    try:
        out = d.decompress(data, limit + 1)
    except zlib.error as exc:
        raise ValueError(f"body is not valid gzip data: {exc}") from None
    if len(out) > limit or d.unconsumed_tail:
        raise BodyTooLarge(f"decompressed body exceeds {limit} bytes")
    if not d.eof:
        raise ValueError("gzip body is truncated")
    return out


# -- per-record results ----------------------------------------------------------------------

@dataclass(frozen=True)
class RecordResult:
    id: Any
    status: str  # accepted | duplicate | rejected
    code: str | None = None
    reason: str | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "status": self.status}
        if self.status == REJECTED:
            out["code"] = self.code
            out["reason"] = self.reason
        return out


class Rejected(ValueError):
    """An envelope the city will not store, with a machine code and a technician's reason.

    Reasons name fields, never their values (values may be personal data)."""

    def __init__(self, code: str, reason: str):
        self.code = code
        self.reason = reason
        super().__init__(f"{code}: {reason}")


def validate_envelope(obj: Any, *, max_payload_bytes: int = MAX_PAYLOAD_BYTES,
                      office: str | None = None) -> Envelope:
    """Check one envelope from a push body; raise Rejected with the reason if it is bad.

    `office`: the office the sender's token is bound to (None: a staging token). Then the
    envelope must name that office and a dossier's code must be one of its codes
    (check_office_binding)."""
    if not isinstance(obj, dict):
        raise Rejected("invalid_envelope", "a record must be a JSON object")
    missing = [k for k in ("id", "type", "office", "station", "created_at", "schema_version",
                           "payload") if k not in obj]
    if missing:
        raise Rejected("invalid_envelope", f"missing field(s): {', '.join(missing)}")
    extra = sorted(set(obj) - {"id", "type", "office", "station", "created_at",
                               "schema_version", "payload"})
    if extra:
        raise Rejected("invalid_envelope", f"unknown field(s): {', '.join(extra[:5])}")
    record_id = obj["id"]
    if not isinstance(record_id, str) or not is_canonical_uuid(record_id):
        raise Rejected("invalid_id", "id must be a UUID in canonical lower-case form")
    rtype, version = obj["type"], obj["schema_version"]
    if not isinstance(rtype, str) or rtype not in RECORD_TYPES:
        raise Rejected("unknown_type", "unknown record type; known: "
                       + ", ".join(RECORD_TYPES))
    if isinstance(version, bool) or not isinstance(version, int):
        raise Rejected("invalid_envelope", "schema_version must be an integer")
    accepted = RECORD_TYPES[rtype].accepted
    if version not in accepted:
        raise Rejected("unsupported_version", f"{rtype} schema version {version} is not "
                       f"supported; supported: {sorted(accepted)}")
    for key in ("office", "station"):
        value = obj[key]
        if not isinstance(value, str) or not 0 < len(value) <= MAX_NAME_CHARS \
                or not value.isprintable():
            raise Rejected("invalid_envelope", f"{key} must be 1 to {MAX_NAME_CHARS} "
                           "printable characters")
    created_at = obj["created_at"]
    if not isinstance(created_at, str) or not is_aware_timestamp(created_at):
        raise Rejected("invalid_created_at", "created_at must be an ISO 8601 date-time with "
                       f"a UTC offset, in the years {EARLIEST_YEAR} to {LATEST_YEAR}")
    payload = obj["payload"]
    if not isinstance(payload, str):
        raise Rejected("invalid_payload", "payload must be the record's JSON text (a string)")
    try:
        size = len(payload.encode("utf-8"))
    except UnicodeEncodeError:
        raise Rejected("invalid_payload", "payload is not valid Unicode text") from None
    if size > max_payload_bytes:
        raise Rejected("payload_too_large", f"payload is {size} bytes; the limit is "
                       f"{max_payload_bytes}")
    data = parse_payload(payload)
    try:
        problems = RECORD_TYPES[rtype].check(data)
    except Exception:  # a payload no check foresaw is refused alone, never the batch
        problems = ["its fields could not be read"]
    if problems:
        raise Rejected("invalid_payload", f"{rtype} payload: " + "; ".join(problems[:5]))
    check_office_binding(rtype, obj["office"], data, office)
    return Envelope(record_id, rtype, obj["office"], obj["station"], created_at, version,
                    payload)


def _unit(code: str) -> str:
    return code.strip().upper()


def check_office_binding(rtype: str, envelope_office: str, data: Mapping[str, Any],
                         token_office: str | None) -> None:
    """Raise Rejected when a record's content belongs to another office than its envelope
    (any token) or than its token's office (a bound token).

    - A payload's `office` key, where present, is the envelope's office: else
      `office_mismatch`. (A payload's `station` may differ: a renamed station's older
      records carry its old id.)
    - With a bound token: the envelope names the token's office (`office_mismatch`), and a
      `dossier` / `dossier_status` code (MaHoSo, and the station's own `code`) has that
      office as its unit, as does a dossier's `receiving_unit.code`: else `unit_mismatch`.
      A station makes its codes from its own `[office] code` (kiosk/dossiers: the receiving
      unit, upper-cased), never from the deciding unit, so no other unit is allowed."""
    if "office" in data and data["office"] != envelope_office:
        raise Rejected("office_mismatch", "the payload's office is not the record's office")
    if token_office is None:
        return
    if envelope_office != token_office:
        raise Rejected("office_mismatch", "this token belongs to another office")
    if rtype not in ("dossier", "dossier_status", "dossier_slip", "dossier_handover"):
        return
    office = _unit(token_office)
    fields = portal_fields_of(data)
    for name, code in (("MaHoSo", fields.get("MaHoSo")), ("code", data.get("code"))):
        if _blank(code):
            continue
        if not isinstance(code, str) or _unit(code.rsplit("-", 2)[0]) != office:
            raise Rejected("unit_mismatch", f"the dossier code ({name}) is not a code of "
                           "this token's office")
    receiving = data.get("receiving_unit")
    if isinstance(receiving, dict) and not _blank(receiving.get("code")) and (
            not isinstance(receiving["code"], str) or _unit(receiving["code"]) != office):
        raise Rejected("unit_mismatch", "receiving_unit.code is not this token's office")


def parse_payload(payload: str) -> dict[str, Any]:
    """A payload's JSON object; Rejected when it is not one, or is JSON no station writes
    (nested too deep, NaN, lone surrogates: kiosk/jsonlimits.py)."""
    from kiosk.jsonlimits import loads_limited

    try:
        data = loads_limited(payload)
    except ValueError as exc:
        raise Rejected("invalid_payload", f"payload is not valid JSON: {exc}"[:200]
                       ) from None
    if not isinstance(data, dict):
        raise Rejected("invalid_payload", "payload must be a JSON object")
    return data


def is_canonical_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except (ValueError, AttributeError, TypeError):
        return False


EARLIEST_YEAR, LATEST_YEAR = 2000, 2100  # outside: a broken clock or a forged record


def is_aware_timestamp(value: str) -> bool:
    # Python 3.11 parses any character between the date and the time (a NUL too, which
    # PostgreSQL cannot store in text): ISO 8601's "T" or a space only, printable ASCII.
    if not 10 <= len(value) <= 40 or not (value.isascii() and value.isprintable()):
        return False
    if len(value) > 10 and value[10] not in "T ":
        return False
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return False
    return parsed.tzinfo is not None and EARLIEST_YEAR <= parsed.year <= LATEST_YEAR


def _require_str(data: Mapping, keys: Iterable[str]) -> list[str]:
    return [f"{k} must be text" for k in keys if not isinstance(data.get(k), str)]


def _check_ticket(data: Mapping) -> list[str]:
    return _require_str(data, ("number", "service", "issued_at"))


def _check_queue_event(data: Mapping) -> list[str]:
    return _require_str(data, ("ticket_uid", "kind", "at"))


RATING_LEVELS = ("very_satisfied", "satisfied", "unsatisfied")
FEEDBACK_TEXT_MAX_CHARS = 4000


def _check_rating(data: Mapping) -> list[str]:
    problems = _require_str(data, ("uid", "at"))
    if data.get("level") not in RATING_LEVELS:
        problems.append("level must be one of " + ", ".join(RATING_LEVELS))
    reasons = data.get("reasons", [])
    if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
        problems.append("reasons must be a list of text")
    return problems


def _check_feedback(data: Mapping) -> list[str]:
    problems = _require_str(data, ("uid", "topic", "text", "at"))
    text = data.get("text")
    if isinstance(text, str) and len(text) > FEEDBACK_TEXT_MAX_CHARS:
        problems.append(f"text must be at most {FEEDBACK_TEXT_MAX_CHARS} characters")
    phone = data.get("phone")
    if phone is not None and not isinstance(phone, str):
        problems.append("phone must be text or null")
    return problems


PETITION_STATUSES = ("open", "assigned", "answered", "closed")


def _check_petition(data: Mapping) -> list[str]:
    problems = _require_str(data, ("uid", "code", "topic", "text", "received_at", "due_date",
                                   "updated_at"))
    if data.get("status") not in PETITION_STATUSES:
        problems.append("status must be one of " + ", ".join(PETITION_STATUSES))
    for key in ("text", "answer"):
        value = data.get(key)
        if isinstance(value, str) and len(value) > FEEDBACK_TEXT_MAX_CHARS:
            problems.append(f"{key} must be at most {FEEDBACK_TEXT_MAX_CHARS} characters")
    for key in ("phone", "answered_at", "closed_at"):
        if data.get(key) is not None and not isinstance(data.get(key), str):
            problems.append(f"{key} must be text or null")
    for key in ("received_at", "updated_at"):
        if isinstance(data.get(key), str) and not is_aware_timestamp(data[key]):
            problems.append(f"{key} must be an ISO 8601 time with its offset")
    due = data.get("due_date")
    if isinstance(due, str):
        try:
            date.fromisoformat(due)
        except ValueError:
            problems.append("due_date must be YYYY-MM-DD")
    if data.get("status") in ("answered", "closed") and not data.get("answered_at"):
        problems.append("an answered petition needs answered_at")
    return problems


# -- national portal fields (dossiers) ---------------------------------------------------------

PORTAL_DATE_FORMAT = "%Y%m%d%H%M%S"

# Field → (meaning, required in a "dossier" payload). Dates are yyyyMMddHHmmss, local time.
PORTAL_FIELDS: dict[str, tuple[str, bool]] = {
    "MaHoSo": ("dossier code {unit}-{yyMMdd}-{NNNN}", True),
    "MaTTHC": ("procedure code", True),
    "TenTTHC": ("procedure name", False),
    "MaLinhVuc": ("field code", False),
    "TenLinhVuc": ("field name", False),
    "KenhThucHien": ("channel: 1 direct, 2 online, 3 postal", True),
    "ChuHoSo": ("dossier owner's name", False),
    "SoGiayToChuHoSo": ("owner's ID document number", False),
    "LoaiDoiTuong": ("1 citizen, 2 business, 3 state agency, 4 organisation", False),
    "SoDienThoai": ("phone", False),
    "Email": ("e-mail", False),
    "TrichYeuHoSo": ("summary of the request", False),
    "NgayTiepNhan": ("received at, yyyyMMddHHmmss", True),
    "NgayHenTra": ("appointment, yyyyMMddHHmmss", False),
    "TrangThaiHoSo": ("status 1..10", True),
    "NgayTra": ("result returned at, yyyyMMddHHmmss", False),
    "NgayKetThucXuLy": ("processing finished at, yyyyMMddHHmmss", False),
    "DonViXuLy": ("deciding unit", False),
    "TaiLieuNop": ("documents submitted: list of objects", False),
}
PORTAL_DATE_FIELDS = ("NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy")
PORTAL_STATUSES = {
    1: "Mới đăng ký", 2: "Được tiếp nhận", 3: "Không được tiếp nhận", 4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ", 6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ", 8: "Dừng xử lý", 9: "Đã xử lý xong", 10: "Đã trả kết quả",
}
DOSSIER_CODE_RE = re.compile(r"^[0-9A-Za-z.]{1,40}-\d{6}-\d{4,9}$")


def portal_datetime(value: datetime | date | None, tz=None) -> str:
    """A date/time in the national portal's yyyyMMddHHmmss form (local time if `tz`);
    "" for a missing value (as the portal's own records do)."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if tz is not None and value.tzinfo is not None:
        value = value.astimezone(tz)
    return value.strftime(PORTAL_DATE_FORMAT)


def parse_portal_datetime(text: str) -> datetime:
    if not isinstance(text, str) or not re.fullmatch(r"\d{14}", text):
        raise ValueError("expected yyyyMMddHHmmss")
    return datetime.strptime(text, PORTAL_DATE_FORMAT)


def dossier_portal_fields(*, code: str, procedure_code: str, received_at: datetime,
                          status: int, channel: int = 1, procedure_name: str = "",
                          field_code: str = "", field_name: str = "", owner_name: str = "",
                          owner_id_number: str = "", owner_kind: int | None = 1,
                          phone: str = "", email: str = "", summary: str = "",
                          appointment_at: datetime | None = None,
                          returned_at: datetime | None = None,
                          finished_at: datetime | None = None, deciding_unit: str = "",
                          documents: Iterable[Mapping[str, Any]] = (), tz=None
                          ) -> dict[str, Any]:
    """The national portal's fields of one dossier, in the shape the counter module sends
    under a "dossier" payload's "portal" key (kiosk/dossiers/portal.py): missing values as
    "", TrangThaiHoSo as text. The city forwards these fields as they are."""
    fields: dict[str, Any] = {
        "MaHoSo": code, "MaTTHC": procedure_code, "TenTTHC": procedure_name,
        "MaLinhVuc": field_code, "TenLinhVuc": field_name, "KenhThucHien": channel,
        "ChuHoSo": owner_name, "SoGiayToChuHoSo": owner_id_number, "LoaiDoiTuong": owner_kind,
        "SoDienThoai": phone, "Email": email, "TrichYeuHoSo": summary,
        "NgayTiepNhan": portal_datetime(received_at, tz),
        "NgayHenTra": portal_datetime(appointment_at, tz),
        "TrangThaiHoSo": str(int(status)), "NgayTra": portal_datetime(returned_at, tz),
        "NgayKetThucXuLy": portal_datetime(finished_at, tz), "DonViXuLy": deciding_unit,
        "TaiLieuNop": [dict(d) for d in documents],
    }
    problems = validate_portal_fields(fields)
    if problems:
        raise ValueError("; ".join(problems))
    return fields


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _code_in(value: Any, allowed: Iterable[int]) -> bool:
    """A portal code given as a number or as its digits ("2")."""
    if isinstance(value, bool):
        return False
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    return isinstance(value, int) and value in allowed


def validate_portal_fields(data: Mapping[str, Any], *, require_all: bool = True) -> list[str]:
    """Problems with national portal fields (field names only, never values). Missing values
    may be "" or null; codes may be numbers or their digits as text."""
    problems = []
    for name, (_, required) in PORTAL_FIELDS.items():
        if required and require_all and _blank(data.get(name)):
            problems.append(f"{name} is required")
    code = data.get("MaHoSo")
    if not _blank(code) and (not isinstance(code, str) or not DOSSIER_CODE_RE.match(code)):
        problems.append("MaHoSo must look like {unit code}-{yyMMdd}-{NNNN}")
    for name in PORTAL_DATE_FIELDS:
        value = data.get(name)
        if _blank(value):
            continue
        try:
            parse_portal_datetime(value)
        except ValueError:
            problems.append(f"{name} must be a date as yyyyMMddHHmmss")
    for name, allowed in (("TrangThaiHoSo", PORTAL_STATUSES), ("KenhThucHien", (1, 2, 3)),
                          ("LoaiDoiTuong", (1, 2, 3, 4))):
        value = data.get(name)
        if not _blank(value) and not _code_in(value, allowed):
            problems.append(f"{name} must be one of {', '.join(str(a) for a in allowed)}")
    for name in ("MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "ChuHoSo", "SoGiayToChuHoSo",
                 "SoDienThoai", "Email", "TrichYeuHoSo", "DonViXuLy"):
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(f"{name} must be text")
    docs = data.get("TaiLieuNop")
    if docs is not None and (not isinstance(docs, list)
                             or not all(isinstance(d, dict) for d in docs)):
        problems.append("TaiLieuNop must be a list of objects")
    return problems


def portal_fields_of(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """Where a dossier payload keeps its portal fields: under "portal" (the counter module's
    shape), else at the top level."""
    portal = payload.get("portal")
    return portal if isinstance(portal, dict) else payload


def _check_dossier(data: Mapping) -> list[str]:
    if "portal" in data and not isinstance(data["portal"], dict):
        return ["portal must be an object"]
    return validate_portal_fields(portal_fields_of(data))


def _check_dossier_status(data: Mapping) -> list[str]:
    fields = portal_fields_of(data)
    problems = validate_portal_fields(fields, require_all=False)
    for name in ("MaHoSo", "TrangThaiHoSo"):
        if _blank(fields.get(name)):
            problems.insert(0, f"{name} is required")
    return problems


SLIP_FORMS = ("02", "03", "04", "05")


def _check_code_uid(data: Mapping) -> list[str]:
    problems = []
    if not isinstance(data.get("uid"), str) or not is_canonical_uuid(data["uid"]):
        problems.append("uid must be a canonical UUID")
    if not isinstance(data.get("code"), str) or not DOSSIER_CODE_RE.match(data["code"]):
        problems.append("code must be a dossier code")
    return problems


def _iso_date(value: Any) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _check_dossier_slip(data: Mapping) -> list[str]:
    problems = _check_code_uid(data)
    form = data.get("form")
    if form not in SLIP_FORMS:
        problems.append("form must be one of " + ", ".join(SLIP_FORMS))
    if not isinstance(data.get("issued_at"), str) or not is_aware_timestamp(data["issued_at"]):
        problems.append("issued_at must be an ISO 8601 time with its UTC offset")
    reason = data.get("reason")
    if form in ("02", "03", "04") and (not isinstance(reason, str) or not reason.strip()):
        problems.append(f"form {form} needs a reason")
    if form == "04" and not _iso_date(data.get("new_date")):
        problems.append("form 04 needs new_date (YYYY-MM-DD)")
    if form != "04" and data.get("new_date") is not None:
        problems.append("only form 04 has a new_date")
    if not isinstance(data.get("details", {}), dict):
        problems.append("details must be an object")
    return problems + _require_str(data, ("clerk", "station"))


def _check_dossier_handover(data: Mapping) -> list[str]:
    problems = _check_code_uid(data)
    if not isinstance(data.get("at"), str) or not is_aware_timestamp(data["at"]):
        problems.append("at must be an ISO 8601 time with its UTC offset")
    if data.get("due_date") is not None and not _iso_date(data["due_date"]):
        problems.append("due_date must be YYYY-MM-DD or null")
    return problems + _require_str(data, ("from_party", "to_party", "handed_by", "received_by",
                                          "station"))


@dataclass(frozen=True)
class RecordType:
    """One kind of record a station sends: the payload schema version stations write now,
    the versions the city accepts, the city's payload check, and the payload's shape for the
    protocol document (sync/openapi.yaml's Envelope.type lists exactly these names)."""

    name: str
    version: int
    accepted: frozenset[int]
    check: Callable[[Mapping], list[str]]
    shape: str
    from_stations: bool = True  # False: accepted from other senders, no station makes it


# The one table of record types: the station's outbox takes its schema versions from here,
# the city server checks payloads with it, and a test keeps the OpenAPI document equal to it.
RECORD_TYPES: dict[str, RecordType] = {t.name: t for t in (
    RecordType("ticket", 1, frozenset({1}), _check_ticket,
               "{uid, number, service, service_name, day, issued_at, priority, people_ahead, "
               "office, station}"),
    RecordType("queue_event", 1, frozenset({1}), _check_queue_event,
               "{uid, ticket_uid, kind, at, station, detail}"),
    RecordType("dossier", 1, frozenset({1}), _check_dossier,
               "one per status change, the whole dossier each time: the national portal's "
               "fields (PortalDossier) under its `portal` key (or at its top level) beside the "
               "station's own lower-case keys"),
    RecordType("dossier_status", 1, frozenset({1}), _check_dossier_status,
               "{MaHoSo, TrangThaiHoSo, and the portal dates that changed}",
               from_stations=False),
    RecordType("rating", 1, frozenset({1}), _check_rating,
               "{uid, ticket_uid, ticket_number, dossier_code, counter, clerk, level "
               "(very_satisfied | satisfied | unsatisfied), reasons, at, station}"),
    RecordType("feedback", 1, frozenset({1}), _check_feedback,
               "{uid, topic, text, phone (or null), at, station}: citizen feedback "
               "(phản ánh, kiến nghị)"),
    RecordType("dossier_slip", 1, frozenset({1}), _check_dossier_slip,
               "{uid, code, dossier_uid, form (02 | 03 | 04 | 05), reason, new_date (form 04), "
               "details, issued_at, clerk, station}: an official slip of a dossier, no "
               "personal data"),
    RecordType("dossier_handover", 1, frozenset({1}), _check_dossier_handover,
               "{uid, code, dossier_uid, at, from_party, to_party, handed_by, received_by, "
               "due_date, note, station}: a dossier handed between the counter and a "
               "department (Mẫu 05)"),
    RecordType("petition", 1, frozenset({1}), _check_petition,
               "{uid, code, topic, text, phone (or null), channel, received_at, due_date, "
               "status (open | assigned | answered | closed), assignee, answer, answered_by, "
               "answered_at, closed_at, updated_at, station, feedback_uid}: one per change, the "
               "whole petition case each time"),
)}


# -- timing: backoff and Retry-After -----------------------------------------------------------

def backoff_delay(failures: int, base_s: float, cap_s: float,
                  rng: random.Random | None = None) -> float:
    """Exponential backoff with full jitter: uniform(0, min(cap, base * 2**(failures-1)))."""
    exp = min(max(failures - 1, 0), 62)
    ceiling = min(cap_s, base_s * (2 ** exp))
    return (rng or random).uniform(0, ceiling)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max((when - now) / timedelta(seconds=1), 0.0)
