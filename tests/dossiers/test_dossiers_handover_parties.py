"""The parties the counter offers for a new hand-over: those this station has handed dossiers
to, each once, the most recently used first."""

from datetime import timedelta

from kiosk.dossiers.slips import handover_parties, record_handover
from tests.dossiers.test_dossiers_helpers import CLERK, THURSDAY_9AM, intake


def test_parties_used_before_most_recent_first(desk):
    assert handover_parties(desk) == []
    first = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    second = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    for hours, code, party in ((1, first.code, "Công chức Tư pháp - Hộ tịch"),
                               (2, second.code, "Công chức Địa chính - Xây dựng"),
                               (3, second.code, "Công chức Tư pháp - Hộ tịch")):
        record_handover(desk, code, to_party=f"  {party} ", received_by="Trần Văn Bình",
                        clerk=CLERK, at=THURSDAY_9AM + timedelta(hours=hours))
    assert handover_parties(desk) == ["Công chức Tư pháp - Hộ tịch",
                                      "Công chức Địa chính - Xây dựng"]
    assert handover_parties(desk, limit=1) == ["Công chức Tư pháp - Hộ tịch"]
