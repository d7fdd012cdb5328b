"""The public dossier view: initials only, and codes as citizens type or scan them."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kiosk.dossiers.intake import DossierDesk
from kiosk.dossiers.models import Intake, Person
from kiosk.dossiers.status import DossierStatus
from kiosk.feedback.lookup import initials, lookup_code, public_dossier_view

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HOA = Person("Nguyễn Thị Hoa", "034303011829", date(2003, 3, 21), "Nữ",
             "Thôn Lai Ổn, An Quý, Quỳnh Phụ, Thái Bình", "0912345678", "hoa@example.com")


@pytest.mark.parametrize("name, expected", [
    ("Nguyễn Thị Hoa", "N.T.H."),
    ("  đặng   văn  ấn ", "Đ.V.Â."),  # the letter keeps its shape, not its tone
    ("Ông Ích Ưng", "Ô.I.Ư."),
    ("Lê Văn Lương", "L.V.L."),
    ("", ""),
    (None, ""),
    ("Nguyễn-Thị (Hoa)", "N.H."),
])
def test_initials(name, expected):
    assert initials(name) == expected


@pytest.mark.parametrize("text, expected", [
    ("000.00.01.H26-260115-0007", "000.00.01.H26-260115-0007"),
    (" 000.00.01.h26-260115-0007 ", "000.00.01.H26-260115-0007"),
    ("000.00.01.H26 – 260115 – 0007", "000.00.01.H26-260115-0007"),
    ("https://dichvucong.example.vn/tra-cuu?ma=000.00.01.H26-260115-0007",
     "000.00.01.H26-260115-0007"),
    ("260115-0007", "000.00.01.H26-260115-0007"),  # short form: this office's unit
    ("260115", None),
    ("034303011829", None),
    ("", None),
])
def test_lookup_code(text, expected):
    assert lookup_code(text, "000.00.01.H26") == expected


def test_public_view_has_no_personal_data(db, config):
    desk = DossierDesk(db, config)
    at = datetime(2026, 1, 15, 9, 30, tzinfo=TZ)
    dossier = desk.save_intake(Intake("1.001022", HOA, notes="Gọi 0912345678"),
                               clerk="Trần Minh Đức", at=at)
    desk.request_supplement(dossier.code, "Thiếu bản sao CCCD 034303011829 của Nguyễn Thị Hoa",
                            clerk="Trần Minh Đức", at=at.replace(hour=14))
    view = public_dossier_view(desk.get(dossier.code))
    assert view.code == dossier.code
    assert view.initials == "N.T.H."
    assert view.status is DossierStatus.SUPPLEMENT_REQUESTED
    assert view.status_label == "Yêu cầu bổ sung giấy tờ"
    assert view.status_text("en") == "Additional documents needed"
    assert view.received_date == date(2026, 1, 15)
    assert view.appointment_date == dossier.appointment_date
    assert view.hint("vi")
    everything = " ".join(str(v) for v in vars(view).values())
    for secret in ("Nguyễn Thị Hoa", "034303011829", "Thái Bình", "0912345678", "example.com",
                   "2003", "Trần Minh Đức", "Thiếu bản sao"):
        assert secret not in everything
