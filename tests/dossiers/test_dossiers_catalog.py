"""The procedure catalog and the demo seeder."""

import json
import random
import re
import unicodedata
from datetime import datetime

import pytest

from kiosk.assets import asset_path
from kiosk.dossiers import DossierDesk, DossierStatus, load_procedures, seed_dossiers
from kiosk.dossiers.procedures import DOCUMENT_FORMS, CatalogError, parse_procedures
from kiosk.queue.catalog import load_catalog
from kiosk.scanning import parse_scan
from kiosk.store import connect
from tests.dossiers.test_dossiers_helpers import HCM


def test_catalog_has_the_common_commune_procedures():
    procedures = load_procedures()
    assert len(procedures) >= 30
    codes = {p.code for p in procedures}
    assert {"1.001193", "1.000894", "1.000656", "2.000815", "2.000884", "1.004222",
            "1.004194", "1.001612"} <= codes
    fields = {p.field_name for p in procedures}
    assert {"Tư pháp – Hộ tịch", "Chứng thực", "Đất đai", "Bảo trợ xã hội",
            "Đăng ký, quản lý cư trú", "Giáo dục và Đào tạo"} <= fields
    services = {s.code for s in load_catalog()}
    for p in procedures:
        assert re.fullmatch(r"\d\.\d{6}", p.code), p.code
        assert p.processing_days >= 0 and p.documents and p.result_place
        assert p.service in services, p.code
        assert p.fee_vnd is not None or p.fee_note
        for text in (p.name, p.field_name, p.fee_note, *(d.name for d in p.documents)):
            assert unicodedata.normalize("NFC", text) == text
        assert all(d.form in DOCUMENT_FORMS and d.quantity >= 1 for d in p.documents)
    raw = json.loads(asset_path("catalogs", "procedures.json").read_text(encoding="utf-8"))
    assert "verified" in raw["_comment"].lower()


def test_fee_and_time_texts():
    by_code = {p.code: p for p in load_procedures()}
    assert by_code["2.000884"].fee_text == "10.000 đ/trường hợp"
    assert "2.000 đ/trang" in by_code["2.000815"].fee_text
    assert by_code["1.003197"].fee_text == "Miễn phí"
    assert by_code["1.001193"].processing_text == "Trong ngày làm việc"
    assert by_code["1.004222"].processing_text == "07 ngày làm việc"


@pytest.mark.parametrize(("entry", "problem"), [
    ({"code": "1.1", "name": "X", "field_code": "A", "field_name": "B",
      "processing_days": -1}, "processing_days"),
    ({"code": "1.1", "name": "X", "field_code": "A", "field_name": "B", "processing_days": 1,
      "documents": [{"name": "D", "form": "scan"}]}, "form"),
    ({"code": "1.1", "field_code": "A", "field_name": "B", "processing_days": 1}, "name"),
])
def test_bad_catalog_entries_are_named(entry, problem):
    with pytest.raises(CatalogError, match=problem):
        parse_procedures({"procedures": [entry]})


def test_seeded_dossiers_are_realistic_and_consistent(db, config):
    desk = DossierDesk(db, config)
    now = datetime(2026, 3, 20, 16, 0, tzinfo=HCM)
    dossiers = seed_dossiers(desk, 60, random.Random(11), now=now, days=8)
    assert len(dossiers) == 60 == len({d.code for d in dossiers})
    statuses = {d.status for d in dossiers}
    assert DossierStatus.RETURNED in statuses and len(statuses) >= 3
    for d in dossiers:
        assert d.received_at <= now
        assert all(h.at <= now for h in d.history)
        assert [h.at for h in d.history] == sorted(h.at for h in d.history)
        assert d.procedure_code in desk.catalog
        person = d.submitter
        assert len(person.name.split()) >= 3 and person.phone.isdigit()
        number = person.id_number
        assert re.fullmatch(r"001\d{9}", number)
        digit = int(number[3])
        assert digit // 2 == person.birth_date.year // 100 - 19
        assert digit % 2 == (person.gender == "Nữ")
        assert number[4:6] == f"{person.birth_date.year % 100:02d}"
        card = "|".join([number, "", person.name, f"{person.birth_date:%d%m%Y}", person.gender,
                         person.address, "01012024"])
        assert not parse_scan(card, today=now.date()).rejected
        if d.returned_at:
            assert 7 <= d.returned_at.hour < 18
    # Same seed, same data: repeatable demos.
    twins = [seed_dossiers(DossierDesk(connect(":memory:"), config), 5, random.Random(4),
                           now=now, days=3) for _ in range(2)]
    assert [(d.code, d.submitter, d.status) for d in twins[0]] == \
        [(d.code, d.submitter, d.status) for d in twins[1]]
