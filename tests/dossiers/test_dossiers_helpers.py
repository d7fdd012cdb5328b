"""Shared data for the dossier tests (no tests here; imported by the other test_dossiers_*)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from kiosk.dossiers import Intake, Person

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
THURSDAY_9AM = datetime(2026, 2, 12, 9, 0, tzinfo=HCM)  # the day before the Tết break
CLERK = "Phạm Thị Quỳnh Hương"

# Public sample data from domain.md (already published in open-source code).
NAME = "Nguyễn Thị Kim Thư"
ID_NUMBER = "093186002237"
ADDRESS = "56 Trần Hoàng Na, Kv6, An Khánh, Ninh Kiều, Cần Thơ"
PHONE = "0912345678"
EMAIL = "kimthu.nguyen@example.com"
OWNER = "Lê Văn Lương"
OWNER_ID = "089202017098"


def citizen() -> Person:
    return Person(NAME, ID_NUMBER, date(1986, 1, 11), "Nữ", ADDRESS, PHONE, EMAIL)


def intake(procedure: str = "1.004222", **kw) -> Intake:
    kw.setdefault("owner", Person(OWNER, OWNER_ID, date(2002, 5, 23), "Nam"))
    kw.setdefault("area", "Tổ dân phố số 3")
    return Intake(procedure, citizen(), **kw)
