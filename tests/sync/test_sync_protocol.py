"""The wire protocol's pure parts: envelopes, limits, backoff, Retry-After, portal fields."""

import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from zoneinfo import ZoneInfo

import pytest

from kiosk.config import Config
from sync import protocol as p
from sync.status import ERROR, OFFLINE, UP_TO_DATE, SyncStatus
from sync.worker import SyncSettings

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def envelope(**changes):
    payload = json.dumps({"number": "A001", "service": "CT", "issued_at": "2026-01-05T08:00:00"
                          "+07:00", "service_name": "Chứng thực"}, ensure_ascii=False)
    env = {"id": str(uuid.uuid4()), "type": "ticket", "office": "000.00.01.H26",
           "station": "kiosk-1", "created_at": "2026-01-05T08:00:00+07:00",
           "schema_version": 1, "payload": payload}
    env.update(changes)
    return env


def test_a_good_envelope_keeps_its_payload_text_exactly():
    env = envelope(payload='{"service":"CT",  "number":"A001","issued_at":"x","z":"Ệ"}')
    checked = p.validate_envelope(env)
    assert checked.payload == env["payload"]
    encoded = p.encode_envelope(checked)
    assert json.loads(encoded)["payload"] == env["payload"]
    assert "Ệ".encode() in encoded  # UTF-8, not \\u escapes


@pytest.mark.parametrize(("changes", "code"), [
    ({"id": "not-a-uuid"}, "invalid_id"),
    ({"id": str(uuid.uuid4()).upper()}, "invalid_id"),
    ({"type": "coffee"}, "unknown_type"),
    ({"schema_version": 99}, "unsupported_version"),
    ({"schema_version": True}, "invalid_envelope"),
    ({"office": ""}, "invalid_envelope"),
    ({"station": "x" * 65}, "invalid_envelope"),
    ({"created_at": "2026-01-05T08:00:00"}, "invalid_created_at"),
    ({"payload": {"number": "A001"}}, "invalid_payload"),
    ({"payload": "{not json"}, "invalid_payload"),
    ({"payload": "[1, 2]"}, "invalid_payload"),
    ({"payload": '{"number": "A001"}'}, "invalid_payload"),
    ({"extra": 1}, "invalid_envelope"),
])
def test_bad_envelopes_are_rejected_with_a_code_and_reason(changes, code):
    with pytest.raises(p.Rejected) as err:
        p.validate_envelope(envelope(**changes))
    assert err.value.code == code
    assert err.value.reason


def test_rejection_reasons_never_echo_values():
    secret = "Nguyễn Thị Hoa 034303011829"
    with pytest.raises(p.Rejected) as err:
        p.validate_envelope(envelope(type="dossier", payload=json.dumps(
            {"ChuHoSo": secret, "MaHoSo": secret})))
    assert "Nguyễn" not in str(err.value) and "0343" not in str(err.value)


def test_payload_size_limit():
    big = json.dumps({"number": "A", "service": "CT", "issued_at": "x", "pad": "x" * 3000})
    with pytest.raises(p.Rejected) as err:
        p.validate_envelope(envelope(payload=big), max_payload_bytes=1000)
    assert err.value.code == "payload_too_large"


def test_gunzip_refuses_a_zip_bomb_and_garbage():
    bomb = p.gzip_bytes(b"\0" * 5_000_000)
    assert len(bomb) < 10_000
    with pytest.raises(p.BodyTooLarge):
        p.gunzip_limited(bomb, 1_000_000)
    assert p.gunzip_limited(p.gzip_bytes(b"abc"), 10) == b"abc"
    with pytest.raises(ValueError):
        p.gunzip_limited(b"not gzip at all", 100)
    with pytest.raises(ValueError):
        p.gunzip_limited(p.gzip_bytes(b"x" * 1000)[:-8], 10_000)


def test_batches_of_similar_records_compress_well():
    envs = [p.validate_envelope(envelope()) for _ in range(500)]
    body = p.encode_batch(p.encode_envelope(e) for e in envs)
    assert json.loads(body)["records"][0]["id"] == envs[0].id
    assert len(p.gzip_bytes(body)) / 500 < 150


def test_backoff_is_full_jitter_exponential_and_capped():
    rng = random.Random(1)
    for failures in range(1, 40):
        ceiling = min(300, 2 * 2 ** (failures - 1))
        samples = [p.backoff_delay(failures, 2, 300, rng) for _ in range(200)]
        assert all(0 <= s <= ceiling for s in samples)
        assert max(samples) > ceiling * 0.8  # jitter spans the whole range
    assert p.backoff_delay(10_000, 2, 300, rng) <= 300


def test_retry_after_seconds_and_http_date():
    now = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    assert p.parse_retry_after("120", now) == 120
    assert p.parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True),
                               now) == pytest.approx(90)
    assert p.parse_retry_after(format_datetime(now - timedelta(hours=1), usegmt=True),
                               now) == 0
    assert p.parse_retry_after("soon", now) is None
    assert p.parse_retry_after(None, now) is None


def test_portal_fields_of_a_dossier():
    received = datetime(2026, 1, 15, 1, 30, 5, tzinfo=UTC)  # 08:30:05 in Hà Nội
    fields = p.dossier_portal_fields(
        code="000.00.01.H26-260115-0007", procedure_code="1.001612", received_at=received,
        status=2, appointment_at=datetime(2026, 1, 20, 17, 0, tzinfo=HANOI),
        procedure_name="Chứng thực bản sao", owner_name="Lê Văn Lương", tz=HANOI,
        documents=[{"TenTepDinhKem": "Bản sao CCCD", "SoLuong": 1}])
    assert fields["NgayTiepNhan"] == "20260115083005"
    assert fields["NgayHenTra"] == "20260120170000"
    assert fields["NgayTra"] == "" and fields["KenhThucHien"] == 1
    assert fields["TrangThaiHoSo"] == "2"
    assert set(fields) == set(p.PORTAL_FIELDS)
    env = envelope(type="dossier", payload=json.dumps({**fields, "note": "x"},
                                                       ensure_ascii=False))
    assert p.validate_envelope(env).type == "dossier"
    # The counter module's shape: the portal fields under "portal" beside its own keys.
    nested = envelope(type="dossier", payload=json.dumps({"code": fields["MaHoSo"],
                                                          "portal": fields}))
    assert p.validate_envelope(nested).type == "dossier"
    broken = envelope(type="dossier", payload=json.dumps({"portal": {**fields,
                                                                     "NgayHenTra": "mai"}}))
    with pytest.raises(p.Rejected, match="NgayHenTra"):
        p.validate_envelope(broken)


@pytest.mark.parametrize(("changes", "field"), [
    ({"MaHoSo": "260115-7"}, "MaHoSo"),
    ({"NgayTiepNhan": "2026-01-15 08:30"}, "NgayTiepNhan"),
    ({"NgayTiepNhan": "20261315083005"}, "NgayTiepNhan"),
    ({"TrangThaiHoSo": 11}, "TrangThaiHoSo"),
    ({"KenhThucHien": 4}, "KenhThucHien"),
    ({"MaTTHC": None}, "MaTTHC"),
    ({"TaiLieuNop": "CCCD"}, "TaiLieuNop"),
])
def test_portal_field_problems_name_the_field(changes, field):
    good = {"MaHoSo": "000.00.01.H26-260115-0007", "MaTTHC": "1.001612", "KenhThucHien": 1,
            "NgayTiepNhan": "20260115083005", "TrangThaiHoSo": 2}
    problems = p.validate_portal_fields({**good, **changes})
    assert problems and field in problems[0]
    assert not p.validate_portal_fields(good)


def test_dossier_status_needs_code_and_status():
    ok = {"MaHoSo": "000.00.01.H26-260115-0007", "TrangThaiHoSo": 9,
          "NgayKetThucXuLy": "20260119160000"}
    assert not p.RECORD_TYPES["dossier_status"].check(ok)
    assert p.RECORD_TYPES["dossier_status"].check({"TrangThaiHoSo": 9})


def test_settings_from_config_section_and_overrides():
    config = Config().with_values(sync={"server_url": "https://city.example", "token": "t",
                                        "batch_max_records": 100})
    s = SyncSettings.from_config(config, token="override", server_url=None)
    assert (s.server_url, s.token, s.batch_max_records) == ("https://city.example",
                                                            "override", 100)
    assert s.timeout_s == config.sync.timeout_s
    assert SyncSettings.from_config(Config()).server_url == ""


@pytest.mark.parametrize(("url", "token", "ok"), [
    ("https://city.example", "t", True),
    ("http://127.0.0.1:8080", "t", True),
    ("http://localhost:8080", "t", True),
    ("http://city.example", "t", False),
    ("ftp://city.example", "t", False),
    ("https://city.example", "", False),
])
def test_settings_insist_on_https_except_loopback(url, token, ok):
    assert (SyncSettings(server_url=url, token=token).problem() is None) == ok


def test_headlines_for_people():
    since = datetime(2026, 1, 5, 1, 15, tzinfo=UTC)
    assert SyncStatus(state=UP_TO_DATE, server_url="x").headline("en") == "Up to date"
    assert SyncStatus(state="waiting", pending=12, server_url="x").headline() == \
        "12 bản ghi chờ gửi"
    offline = SyncStatus(state=OFFLINE, pending=3, offline_since=since, server_url="x")
    assert offline.headline("en").startswith("Offline since ")
    assert "cần kỹ thuật viên" in SyncStatus(state=ERROR, needs_technician=True).headline()
    s = SyncStatus(state="sending", pending=750, backlog=1000, done=250)
    assert s.progress == 0.25
    assert json.dumps(offline.as_json())
