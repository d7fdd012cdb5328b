"""The official statuses and the legal-transition table."""

import pytest

from kiosk.dossiers.status import (
    LABELS_VI,
    REASON_REQUIRED,
    TERMINAL,
    DossierStatus,
    IllegalTransition,
    can_transition,
    check_transition,
)

S = DossierStatus

# The whole table, written out by hand: each row is a status and the statuses it may go to.
ALLOWED = {
    S.NEW: {S.RECEIVED, S.REFUSED, S.WITHDRAWN},
    S.RECEIVED: {S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.FEE_REQUESTED, S.WITHDRAWN, S.STOPPED,
                 S.FINISHED},
    S.REFUSED: set(),
    S.PROCESSING: {S.SUPPLEMENT_REQUESTED, S.FEE_REQUESTED, S.WITHDRAWN, S.STOPPED, S.FINISHED},
    S.SUPPLEMENT_REQUESTED: {S.PROCESSING, S.WITHDRAWN, S.STOPPED},
    S.FEE_REQUESTED: {S.PROCESSING, S.FINISHED, S.WITHDRAWN, S.STOPPED},
    S.WITHDRAWN: set(),
    S.STOPPED: set(),
    S.FINISHED: {S.RETURNED},
    S.RETURNED: set(),
}
PAIRS = [(a, b) for a in S for b in S]


def test_official_numbers_and_labels():
    assert [int(s) for s in S] == list(range(1, 11))
    assert LABELS_VI[S.NEW] == "Mới đăng ký"
    assert LABELS_VI[S.SUPPLEMENT_REQUESTED] == "Yêu cầu bổ sung giấy tờ"
    assert LABELS_VI[S.FEE_REQUESTED] == "Yêu cầu thực hiện nghĩa vụ tài chính"
    assert LABELS_VI[S.WITHDRAWN] == "Công dân yêu cầu rút hồ sơ"
    assert S(10).label_vi == "Đã trả kết quả"
    assert {S.REFUSED, S.WITHDRAWN, S.STOPPED, S.RETURNED} == TERMINAL


@pytest.mark.parametrize(("current", "wanted"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_transition_table(current, wanted):
    expected = wanted in ALLOWED[current]
    assert can_transition(current, wanted) is expected
    if expected:
        check_transition(current, wanted, "lý do")
    else:
        with pytest.raises(IllegalTransition) as err:
            check_transition(current, wanted, "lý do")
        assert current.label_vi in err.value.message_vi
        assert str(int(current)) in err.value.message_en


@pytest.mark.parametrize("wanted", sorted(REASON_REQUIRED))
def test_reason_required_for_refusal_supplement_withdrawal_stop(wanted):
    source = S.NEW if wanted is S.REFUSED else S.RECEIVED
    for reason in (None, "", "   "):
        with pytest.raises(IllegalTransition, match="needs a reason"):
            check_transition(source, wanted, reason)
    check_transition(source, wanted, "Thiếu giấy tờ")


def test_nothing_moves_backwards_into_processing_after_the_end():
    for end in TERMINAL:
        assert not any(can_transition(end, other) for other in S)
    assert not can_transition(S.RETURNED, S.FINISHED)
    assert not can_transition(S.FINISHED, S.PROCESSING)
