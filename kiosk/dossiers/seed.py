"""Realistic made-up dossiers for demos, screenshots and load tests, saved through the same
DossierDesk calls the counter uses (so codes, appointments, history and outbox are all real).

Every person is invented: names and addresses are drawn from lists, ID numbers are consistent
with the card scheme (province 001 = Hà Nội, gender/century digit and birth year matching the
date of birth) but random, e-mails use example.com.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date, datetime, time, timedelta

from kiosk.calendar import is_reception_day, is_working_day, next_working_day
from kiosk.dossiers.intake import DossierDesk
from kiosk.dossiers.models import Dossier, Intake, Person
from kiosk.dossiers.slips import issue_slip, record_handover
from kiosk.dossiers.status import DossierStatus

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh")
MIDDLE_MALE = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Công", "Xuân", "Mạnh")
MIDDLE_FEMALE = ("Thị", "Ngọc", "Thu", "Thanh", "Kim", "Phương", "Thùy", "Hồng", "Diệu")
GIVEN_MALE = ("An", "Bình", "Cường", "Dũng", "Hùng", "Khánh", "Long", "Minh", "Nam", "Phong",
              "Quân", "Sơn", "Tuấn", "Việt", "Hiếu", "Thắng", "Đạt", "Huy", "Lộc", "Trường")
GIVEN_FEMALE = ("Anh", "Hà", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Nhung",
                "Phương", "Thảo", "Trang", "Yến", "Huyền", "Loan", "Thủy", "Vân", "Giang")
STREETS = ("Hoàng Hoa Thám", "Đội Cấn", "Kim Mã", "Nguyễn Trãi", "Lê Trọng Tấn",
           "Trường Chinh", "Giải Phóng", "Tam Trinh", "Lạc Long Quân", "Cầu Giấy",
           "Nguyễn Khánh Toàn", "Trần Duy Hưng", "Minh Khai", "Bạch Mai")
WARDS = ("Ba Đình", "Ngọc Hà", "Giảng Võ", "Đống Đa", "Thanh Xuân", "Hoàng Mai",
         "Tương Mai", "Cầu Giấy", "Nghĩa Đô", "Bạch Mai")
VILLAGES = ("Thôn Đông", "Thôn Đoài", "Thôn Thượng", "Thôn Hạ", "Xóm Mới", "Thôn Cam",
            "Thôn Lai Xá", "Thôn Phú Mỹ")
COMMUNES = ("Sóc Sơn", "Đông Anh", "Thư Lâm", "Phúc Thịnh", "Thiên Lộc", "Kim Anh",
            "Trung Giã", "Nội Bài")
AREAS = ("Tổ dân phố số 1", "Tổ dân phố số 2", "Tổ dân phố số 5", "Tổ dân phố số 7",
         "Thôn Đông", "Thôn Đoài", "Xóm Mới")
PHONE_PREFIXES = ("090", "091", "093", "094", "096", "097", "098", "032", "033", "035",
                  "036", "038", "039", "070", "077", "081", "085", "088")
CLERKS = ("Nguyễn Thị Thu Hà", "Trần Minh Đức", "Phạm Thị Quỳnh Hương", "Lê Văn Khánh")
BIRTH_PROCEDURE = "1.001193"

OPEN_FROM, OPEN_UNTIL = time(7, 30), time(16, 45)


def ascii_fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn")


def fake_id_number(birth: date, female: bool, rng: random.Random) -> str:
    """12 digits: 001 (Hà Nội), gender/century digit, 2-digit birth year, 6 random digits."""
    century = (birth.year // 100) - 19  # 1900s -> 0, 2000s -> 1, 2100s -> 2
    digit = century * 2 + (1 if female else 0)
    return f"001{digit}{birth.year % 100:02d}{rng.randrange(10 ** 6):06d}"


def fake_person(rng: random.Random, *, today: date, min_age: int = 18, max_age: int = 80,
                with_contact: bool = True) -> Person:
    female = rng.random() < 0.5
    name = " ".join((rng.choice(SURNAMES),
                     rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE),
                     rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)))
    age_days = rng.randint(min_age * 365 + 1, max(max_age * 365, min_age * 365 + 30))
    birth = today - timedelta(days=age_days)
    if rng.random() < 0.6:
        address = (f"Số {rng.randint(1, 199)} ngõ {rng.randint(1, 299)} phố "
                   f"{rng.choice(STREETS)}, phường {rng.choice(WARDS)}, Thành phố Hà Nội")
    else:
        address = f"{rng.choice(VILLAGES)}, xã {rng.choice(COMMUNES)}, Thành phố Hà Nội"
    phone = email = ""
    if with_contact:
        phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10 ** 7):07d}"
        if rng.random() < 0.3:
            email = ascii_fold(name).lower().replace(" ", ".") + \
                f"{rng.randint(1, 99)}@example.com"
    id_number = fake_id_number(birth, female, rng) if birth <= today - timedelta(days=14 * 365) \
        else ""
    return Person(name=name, id_number=id_number, birth_date=birth,
                  gender="Nữ" if female else "Nam", address=address, phone=phone, email=email)


def _reception_times(desk: DossierDesk, n: int, rng: random.Random, now: datetime,
                     days: int) -> list[datetime]:
    day = now.date()
    candidates: list[date] = []
    while len(candidates) < days:
        if is_reception_day(day, desk.rules):
            candidates.append(day)
        day -= timedelta(days=1)
    start_s = OPEN_FROM.hour * 3600 + OPEN_FROM.minute * 60
    end_s = OPEN_UNTIL.hour * 3600 + OPEN_UNTIL.minute * 60
    times = []
    for _ in range(n):
        d = rng.choice(candidates)
        # Saturday reception is a morning only.
        top = min(end_s, 11 * 3600 + 30 * 60) if not is_working_day(d, desk.rules) else end_s
        seconds = rng.randint(start_s, top)
        at = datetime.combine(d, time(), tzinfo=desk.tz) + timedelta(seconds=seconds)
        times.append(min(at, now - timedelta(minutes=1)))
    return sorted(times)


def _advance(desk: DossierDesk, d: Dossier, rng: random.Random, now: datetime,
             clerk: str) -> None:
    """Move a dossier along a plausible path, every step in the past."""
    def at_day(day: date, hour_from: int = 8, hour_to: int = 16) -> datetime:
        moment = datetime.combine(day, time(rng.randint(hour_from, hour_to),
                                            rng.randint(0, 59)), tzinfo=desk.tz)
        return max(moment, d.received_at + timedelta(minutes=5))

    due = d.appointment_date
    roll = rng.random()
    if roll < 0.04:
        when = d.received_at + timedelta(minutes=rng.randint(5, 120))
        if when < now:
            desk.withdraw(d.code, "Công dân đề nghị rút hồ sơ để bổ sung thông tin", clerk=clerk,
                          at=when)
        return
    if roll < 0.10:
        when = d.received_at + timedelta(days=1, hours=rng.randint(0, 3))
        if when < now:
            # The official slip (Mẫu 02) moves the dossier to "supplement requested".
            issue_slip(desk, d.code, "02", clerk=clerk, at=when,
                       reason="Thiếu bản sao giấy tờ chứng minh chỗ ở hợp pháp")
        return
    last = d.received_at
    if d.processing_days > 0:
        last = d.received_at + timedelta(hours=rng.randint(1, 20))
        if last >= now:
            return
        desk.change_status(d.code, DossierStatus.PROCESSING, clerk=clerk, at=last)
        record_handover(desk, d.code, to_party=d.deciding_unit_name, clerk=clerk, at=last,
                        received_by="Công chức chuyên môn", due=due)
    # About one in twelve finishes a working day or two late.
    late = rng.random() < 0.08
    finish_day = due + timedelta(days=rng.randint(1, 2)) if late else \
        due - timedelta(days=rng.randint(0, min(2, d.processing_days)))
    finished = at_day(finish_day, 8, 15) if d.processing_days else \
        d.received_at + timedelta(minutes=rng.randint(10, 90))
    finished = max(finished, last + timedelta(minutes=10))
    if finished >= now:
        return
    if late and d.processing_days:
        # Late on purpose: the apology (Mẫu 04) on the due day, a new date at the finish.
        apology = max(datetime.combine(due, time(9), tzinfo=desk.tz), last + timedelta(minutes=5))
        if apology < finished:
            issue_slip(desk, d.code, "04", clerk=clerk, at=apology,
                       reason="Hồ sơ cần xác minh thêm tại cơ quan chuyên môn",
                       new_date=next_working_day(max(finished.date(), due + timedelta(days=1))
                                                 - timedelta(days=1), desk.rules))
    desk.finish(d.code, clerk=clerk, at=finished)
    if rng.random() < 0.15:
        return  # result ready, citizen not back yet
    # Collected within office hours, the same day or up to two days after it was ready.
    returned = max(at_day(finished.date() + timedelta(days=rng.randint(0, 2)), 8, 16),
                   finished + timedelta(minutes=rng.randint(5, 60)))
    if returned < now:
        desk.hand_back(d.code, clerk=clerk, at=returned)


def seed_dossiers(desk: DossierDesk, n: int, rng: random.Random, *,
                  now: datetime | None = None, days: int = 20) -> list[Dossier]:
    """Create `n` dossiers received over the last `days` reception days up to `now`, through
    the desk's own API, and move older ones along to later statuses. Returns them as saved
    (with their final status)."""
    if n < 0:
        raise ValueError("n cannot be negative")
    now = (now or desk.now()).astimezone(desk.tz)
    procedures = desk.procedures
    # Weighted like a commune point's real mix: civil status and certification dominate.
    weights = [{"HT": 5, "CT": 6, "CTRU": 3, "DD": 2, "HKD": 1.5, "BTXH": 1.2, "GD": 0.8}
               .get(p.field_code, 1) for p in procedures]
    codes = []
    for at in _reception_times(desk, n, rng, now, days):
        procedure = rng.choices(procedures, weights)[0]
        submitter = fake_person(rng, today=at.date())
        owner = None
        if procedure.code == BIRTH_PROCEDURE:
            child = fake_person(rng, today=at.date(), min_age=0, max_age=0, with_contact=False)
            surname = submitter.name.split()[0]
            owner = Person(name=" ".join([surname, *child.name.split()[1:]]),
                           birth_date=at.date() - timedelta(days=rng.randint(3, 55)),
                           gender=child.gender, address=submitter.address)
        elif rng.random() < 0.12:
            owner = fake_person(rng, today=at.date(), with_contact=False)
        clerk = rng.choice(CLERKS)
        d = desk.save_intake(Intake(
            procedure_code=procedure.code, submitter=submitter, owner=owner,
            sets=1 if rng.random() < 0.9 else 2, area=rng.choice(AREAS),
            notes="Nộp thay theo ủy quyền" if owner is not None and rng.random() < 0.2 else "",
        ), clerk=clerk, at=at)
        _advance(desk, d, rng, now, clerk)
        codes.append(d.code)
    return [desk.get(code) for code in codes]
