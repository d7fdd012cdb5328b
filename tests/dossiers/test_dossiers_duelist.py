"""The due lists (kiosk/dossiers/duelist.py) and `kiosk dossier list`, on real SQLite files."""

import json
import uuid
from datetime import date, datetime, timedelta

import pytest

from kiosk.calendar import CalendarRules
from kiosk.cli import main
from kiosk.config import Config
from kiosk.dossiers import DossierDesk
from kiosk.dossiers.duelist import DueList, check_within, due_list, per
from kiosk.dossiers.status import DossierStatus as S
from kiosk.store import connect, transaction
from tests.dossiers.test_dossiers_helpers import CLERK, HCM, NAME, intake

RULES = CalendarRules()
THREE_DAYS = "1.004194"
SAME_DAY = "1.001193"
OTHER_CLERK = "Trần Văn Bình"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=HCM)


def apologise(db, dossier_id: int, new_date: str, issued: datetime) -> None:
    with transaction(db) as conn:
        conn.execute(
            "INSERT INTO dossier_slips (uid, dossier_id, form, reason, new_date, issued_at, "
            "clerk, station_id) VALUES (?, ?, '04', 'Chờ xác minh', ?, ?, ?, 'quay-1')",
            (str(uuid.uuid4()), dossier_id, new_date, issued.isoformat(), CLERK))


@pytest.fixture
def office(desk):
    """Five dossiers on Mon 9 Mar 2026: one overdue (due Thu 5), one due today (Mon 9), one
    due tomorrow (Tue 10), one due Thu 12, one handed back (never listed)."""
    made = {
        "overdue": desk.save_intake(intake(THREE_DAYS), clerk=CLERK, at=at("2026-03-02T09:00")),
        "today": desk.save_intake(intake(THREE_DAYS), clerk=CLERK, at=at("2026-03-04T09:00")),
        "tomorrow": desk.save_intake(intake(THREE_DAYS), clerk=OTHER_CLERK,
                                     at=at("2026-03-05T09:00")),
        "thursday": desk.save_intake(intake(THREE_DAYS), clerk=OTHER_CLERK,
                                     at=at("2026-03-09T09:00")),
        "done": desk.save_intake(intake(SAME_DAY), clerk=CLERK, at=at("2026-03-02T09:00")),
    }
    desk.hand_back(made["done"].code, clerk=CLERK, at=at("2026-03-02T10:00"))
    return made


MONDAY = date(2026, 3, 9)


def codes(listing: DueList, kind: str | None = None) -> list[str]:
    return [e.code for e in listing.entries if kind is None or e.kind == kind]


def test_overdue_today_and_within_n_working_days(db, office):
    listing = due_list(db.conn, HCM, RULES, MONDAY, within=2)
    assert codes(listing, "overdue") == [office["overdue"].code]
    assert codes(listing, "today") == [office["today"].code]
    assert codes(listing, "soon") == [office["tomorrow"].code]
    assert [e.code for e in listing.due_tomorrow] == [office["tomorrow"].code]
    assert office["thursday"].code not in codes(listing)
    assert office["done"].code not in codes(listing)
    assert codes(due_list(db.conn, HCM, RULES, MONDAY, within=3))[-1] == office["thursday"].code
    assert codes(due_list(db.conn, HCM, RULES, MONDAY, within=0)) == [
        office["overdue"].code, office["today"].code]
    only = due_list(db.conn, HCM, RULES, MONDAY, within=5, overdue_only=True)
    assert codes(only) == [office["overdue"].code]
    late = only.entries[0]
    assert (late.due_date, late.working_days_left, late.working_days_late) == (
        date(2026, 3, 5), -2, 2)


def test_counts_per_procedure_and_per_clerk(db, office):
    listing = due_list(db.conn, HCM, RULES, MONDAY, within=2)
    by_clerk = {g["clerk"]: g for g in per(listing.entries, "clerk")}
    assert by_clerk[CLERK] == {"clerk": CLERK, "overdue": 1, "today": 1, "soon": 0}
    assert by_clerk[OTHER_CLERK] == {"clerk": OTHER_CLERK, "overdue": 0, "today": 0, "soon": 1}
    [procedure] = per(listing.entries, "procedure")
    assert procedure["procedure_code"] == THREE_DAYS
    assert (procedure["overdue"], procedure["today"], procedure["soon"]) == (1, 1, 1)
    shown = listing.as_json()
    assert shown["counts"] == {"overdue": 1, "today": 1, "soon": 1}
    assert NAME not in json.dumps(shown, ensure_ascii=False)  # no personal data
    assert DueList.from_json(shown).entries == listing.entries


def test_an_apology_takes_a_dossier_off_the_overdue_list_until_its_new_date(db, office):
    apologise(db, office["overdue"].id, "2026-03-11", at("2026-03-09T08:00"))
    listing = due_list(db.conn, HCM, RULES, MONDAY, within=2)
    e = next(e for e in listing.entries if e.code == office["overdue"].code)
    assert (e.kind, e.apologised, e.working_days_late) == ("soon", True, 2)
    assert not due_list(db.conn, HCM, RULES, MONDAY, within=5, overdue_only=True).entries
    later = due_list(db.conn, HCM, RULES, date(2026, 3, 12), within=0, overdue_only=True)
    assert office["overdue"].code in codes(later)


def test_a_dossier_waiting_for_a_supplement_is_never_overdue(desk, db, office):
    desk.request_supplement(office["overdue"].code, "Thiếu ảnh", clerk=CLERK,
                            at=at("2026-03-04T09:00"))
    listing = due_list(db.conn, HCM, RULES, date(2026, 3, 20), within=0)
    assert office["overdue"].code not in codes(listing)


@pytest.mark.parametrize("bad", ["-1", "31", "two", "", "1.5", True])
def test_within_must_be_0_to_30_working_days(bad):
    with pytest.raises(ValueError):
        check_within(bad)
    assert check_within(" 7 ") == 7


# -- kiosk dossier list ------------------------------------------------------------------------


@pytest.fixture
def station(tmp_path):
    """A standalone station's data folder: one dossier long overdue, one just taken in."""
    db = connect(tmp_path / "kiosk.db")
    desk = DossierDesk(db, Config())
    now = desk.now()
    old = desk.save_intake(intake(THREE_DAYS), clerk=CLERK, at=now - timedelta(days=40))
    new = desk.save_intake(intake(THREE_DAYS), clerk=OTHER_CLERK, at=now)
    yield tmp_path, db, old, new
    db.conn.close()


def run(capsys, folder, *args) -> tuple[int, str, str]:
    code = main(["--data-dir", str(folder), "dossier", "list", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_lists_overdue_and_due_soon(station, capsys):
    folder, db, old, new = station
    code, out, _ = run(capsys, folder, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["due_within"] == Config().dossiers.due_soon_days == 2
    assert [d["code"] for d in data["dossiers"]] == [old.code]  # 3 days ahead: not within 2
    assert data["dossiers"][0]["overdue"] is True and data["source"] == "station"
    data = json.loads(run(capsys, folder, "--due-within", "5", "--json")[1])
    assert [d["code"] for d in data["dossiers"]] == [old.code, new.code]
    assert data["dossiers"][1]["kind"] == "soon" and data["dossiers"][1]["clerk"] == OTHER_CLERK
    assert {g["clerk"] for g in data["by_clerk"]} == {CLERK, OTHER_CLERK}
    data = json.loads(run(capsys, folder, "--overdue", "--json")[1])
    assert [d["code"] for d in data["dossiers"]] == [old.code]
    # Text for a person: the code, the due date, how late.
    code, out, _ = run(capsys, folder, "--overdue")
    assert code == 0 and old.code in out and "Quá hạn: 1" in out and new.code not in out
    assert NAME not in out
    assert f"  {CLERK}: 1 / 0 / 0" in out and "Theo thủ tục" in out


def test_cli_apology_and_bad_days(station, capsys):
    folder, db, old, _new = station
    apologise(db, old.id, (date.today() + timedelta(days=20)).isoformat(),
              datetime.now(HCM))
    data = json.loads(run(capsys, folder, "--overdue", "--json")[1])
    assert data["dossiers"] == []
    code, _, err = run(capsys, folder, "--due-within", "99")
    assert code == 2 and err.startswith("Lỗi: ") and "Error: " in err
    desk = DossierDesk(db, Config())
    desk.change_status(old.code, S.WITHDRAWN, clerk=CLERK, reason="Công dân rút")
    data = json.loads(run(capsys, folder, "--due-within", "30", "--json")[1])
    assert old.code not in [d["code"] for d in data["dossiers"]]


def test_a_counter_pc_with_the_hub_away_lists_its_own_copy_and_says_so(db, config, office):
    from kiosk.dossiers.duelist import office_due_list
    from kiosk.dossiers.office import OfficeDesk
    from kiosk.queue.remote import RemoteQueue

    away = RemoteQueue("http://127.0.0.1:9", "x" * 32, retries=0, timeout_s=0.5)
    try:
        desk = OfficeDesk(db, config, away)
        listing = office_due_list(desk, MONDAY, within=2)
    finally:
        away.close()
    assert listing.stale and codes(listing) == codes(due_list(db.conn, HCM, RULES, MONDAY,
                                                              within=2))
