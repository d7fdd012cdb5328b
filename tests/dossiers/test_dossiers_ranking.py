"""Which procedure the counter's picker offers first: word-prefix matches, the called ticket's
service, this office's own counts (the bundled catalog; real dossiers in a real SQLite file)."""

from dataclasses import replace
from datetime import timedelta

from kiosk.config import Config
from kiosk.dossiers import DossierDesk
from kiosk.dossiers.procedures import load_procedures
from kiosk.dossiers.ranking import (
    PHRASE,
    PREFIX,
    SOMEWHERE,
    WORD_STARTS,
    fold,
    match_tier,
    rank_procedures,
)
from tests.dossiers.test_dossiers_helpers import CLERK, EMAIL, ID_NUMBER, THURSDAY_9AM, intake

CATALOG = load_procedures()
CERTIFIED = "2.000815"  # Chứng thực bản sao từ bản chính… (service CT)
EXTRACT = "2.000635"  # Cấp bản sao Trích lục hộ tịch (service HT)


def codes(procedures):
    return [p.code for p in procedures]


def test_fold():
    assert fold("  Đăng ký   KHAI SINH ") == "dang ky khai sinh"


def test_match_tiers():
    assert match_tier("dang ky khai", "1.001193", "Đăng ký khai sinh") == PREFIX
    assert match_tier("1.0011", "1.001193", "Đăng ký khai sinh") == PREFIX
    assert match_tier("ban sao", CERTIFIED, "Chứng thực bản sao từ bản chính") == PHRASE
    assert match_tier("ban sa", CERTIFIED, "Chứng thực bản sao từ bản chính") == PHRASE
    assert match_tier("sao chung", CERTIFIED, "Chứng thực bản sao từ bản chính") == WORD_STARTS
    # "tu" only inside the field name "Tư pháp": a match of the weakest kind.
    assert match_tier("khai tu", "1.001193", "Đăng ký khai sinh", "Tư pháp – Hộ tịch") \
        == SOMEWHERE
    assert match_tier("ket hon", "1.001193", "Đăng ký khai sinh", "Tư pháp – Hộ tịch") is None
    assert match_tier("", "1.001193", "Đăng ký khai sinh") == PREFIX


def test_without_a_ticket_or_history_the_catalog_order_breaks_ties():
    assert codes(rank_procedures(CATALOG)) == codes(CATALOG)
    ranked = codes(rank_procedures(CATALOG, "ban sao"))
    assert set(ranked) == {EXTRACT, CERTIFIED, "2.000942"}
    assert codes(rank_procedures(CATALOG, "khai tu"))[0] == "1.000656"
    assert codes(rank_procedures(CATALOG, "chung thuc chu ky"))[0] == "2.000884"


def test_the_called_tickets_service_comes_first():
    ranked = codes(rank_procedures(CATALOG, service="CT"))
    ct = [p.code for p in CATALOG if p.service == "CT"]
    assert ranked[:len(ct)] == ct and len(ranked) == len(CATALOG)
    assert codes(rank_procedures(CATALOG, "ban sao", service="CT"))[:2] == [CERTIFIED,
                                                                            "2.000942"]
    assert codes(rank_procedures(CATALOG, "ban sao", service="HT"))[0] == EXTRACT
    # A better match still beats the service: "khai sinh" at a certification counter.
    assert codes(rank_procedures(CATALOG, "khai sinh", service="CT"))[0] == "1.001193"


def test_the_most_used_come_first_within_a_tier_and_service():
    counts = {CERTIFIED: 120, "2.000942": 3, EXTRACT: 7}
    assert codes(rank_procedures(CATALOG, "ban sao", counts=counts)) == [
        CERTIFIED, EXTRACT, "2.000942"]
    ranked = codes(rank_procedures(CATALOG, service="CT", counts={"2.001019": 9,
                                                                   "1.001193": 50}))
    assert ranked[0] == "2.001019"  # the service's most used
    assert ranked[6] == "1.001193"  # after the six CT procedures: the office's most used


def test_counts_and_last_contact_from_the_office_history(db):
    config = Config().with_values(station={"id": "counter-1"})
    desk = DossierDesk(db, config)
    assert desk.procedure_counts() == {}
    assert desk.last_contact(ID_NUMBER) is None
    for code in (CERTIFIED, CERTIFIED, EXTRACT):
        desk.save_intake(intake(code), clerk=CLERK, at=THURSDAY_9AM)
    assert desk.procedure_counts() == {CERTIFIED: 2, EXTRACT: 1}
    assert desk.last_contact(ID_NUMBER) == ("0912345678", EMAIL)
    # A later dossier with a new phone and no e-mail: the latest one wins, as it stands.
    later = intake(CERTIFIED)
    later = replace(later, submitter=replace(later.submitter, phone="0987654321", email=""))
    desk.save_intake(later, clerk=CLERK, at=THURSDAY_9AM + timedelta(hours=1))
    assert desk.last_contact(ID_NUMBER) == ("0987654321", "")
    # One with no contact at all does not hide the previous one.
    bare = replace(later, submitter=replace(later.submitter, phone=""))
    desk.save_intake(bare, clerk=CLERK, at=THURSDAY_9AM + timedelta(hours=2))
    assert desk.last_contact(" 0931 8600 2237 ") == ("0987654321", "")
    assert desk.last_contact("001099000001") is None and desk.last_contact("") is None
    # Another station's dossiers are not this station's history.
    other = DossierDesk(db, Config().with_values(station={"id": "counter-2"}))
    assert other.last_contact(ID_NUMBER) is None
