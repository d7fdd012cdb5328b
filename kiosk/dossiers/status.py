"""The official dossier statuses (TrangThaiHoSo 1-10) and which changes between them are legal.

The numbers are the national portal's, so they go to the city sync unchanged. The transition
table is the one place that decides what a clerk may do next with a dossier; the desk refuses
anything else, so a dossier can never jump e.g. from "refused" back into processing.
"""

from __future__ import annotations

from enum import IntEnum


class DossierStatus(IntEnum):
    NEW = 1  # Mới đăng ký
    RECEIVED = 2  # Được tiếp nhận
    REFUSED = 3  # Không được tiếp nhận
    PROCESSING = 4  # Đang xử lý
    SUPPLEMENT_REQUESTED = 5  # Yêu cầu bổ sung giấy tờ
    FEE_REQUESTED = 6  # Yêu cầu thực hiện nghĩa vụ tài chính
    WITHDRAWN = 7  # Công dân yêu cầu rút hồ sơ
    STOPPED = 8  # Dừng xử lý
    FINISHED = 9  # Đã xử lý xong
    RETURNED = 10  # Đã trả kết quả

    @property
    def label_vi(self) -> str:
        return LABELS_VI[self]


LABELS_VI: dict[DossierStatus, str] = {
    DossierStatus.NEW: "Mới đăng ký",
    DossierStatus.RECEIVED: "Được tiếp nhận",
    DossierStatus.REFUSED: "Không được tiếp nhận",
    DossierStatus.PROCESSING: "Đang xử lý",
    DossierStatus.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung giấy tờ",
    DossierStatus.FEE_REQUESTED: "Yêu cầu thực hiện nghĩa vụ tài chính",
    DossierStatus.WITHDRAWN: "Công dân yêu cầu rút hồ sơ",
    DossierStatus.STOPPED: "Dừng xử lý",
    DossierStatus.FINISHED: "Đã xử lý xong",
    DossierStatus.RETURNED: "Đã trả kết quả",
}

S = DossierStatus

#: Legal next statuses. Terminal statuses (refused, withdrawn, stopped, returned) have none:
#: a citizen who comes back files a new dossier with a new code.
TRANSITIONS: dict[DossierStatus, frozenset[DossierStatus]] = {
    # An online registration is checked at the counter: taken in, refused, or withdrawn.
    S.NEW: frozenset({S.RECEIVED, S.REFUSED, S.WITHDRAWN}),
    # Same-day procedures (chứng thực, trích lục) go straight from received to finished.
    S.RECEIVED: frozenset({S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.FEE_REQUESTED, S.WITHDRAWN,
                           S.STOPPED, S.FINISHED}),
    S.PROCESSING: frozenset({S.SUPPLEMENT_REQUESTED, S.FEE_REQUESTED, S.WITHDRAWN, S.STOPPED,
                             S.FINISHED}),
    # Supplement handed in -> processing again; never handed in -> stopped.
    S.SUPPLEMENT_REQUESTED: frozenset({S.PROCESSING, S.WITHDRAWN, S.STOPPED}),
    S.FEE_REQUESTED: frozenset({S.PROCESSING, S.FINISHED, S.WITHDRAWN, S.STOPPED}),
    S.FINISHED: frozenset({S.RETURNED}),
    S.REFUSED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.STOPPED: frozenset(),
    S.RETURNED: frozenset(),
}

#: Changes the official forms require a written reason for (the refusal notice, the
#: supplement request, the withdrawal request, the stop notice).
REASON_REQUIRED: frozenset[DossierStatus] = frozenset(
    {S.REFUSED, S.SUPPLEMENT_REQUESTED, S.WITHDRAWN, S.STOPPED})

TERMINAL: frozenset[DossierStatus] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)


class IllegalTransition(ValueError):
    """A status change the official process does not allow, or one missing its reason."""

    def __init__(self, current: DossierStatus, wanted: DossierStatus, message_vi: str,
                 message_en: str) -> None:
        super().__init__(message_en)
        self.current = current
        self.wanted = wanted
        self.message_vi = message_vi
        self.message_en = message_en


def can_transition(current: DossierStatus, wanted: DossierStatus) -> bool:
    return wanted in TRANSITIONS[current]


def check_transition(current: DossierStatus, wanted: DossierStatus,
                     reason: str | None = None) -> None:
    """Raise IllegalTransition unless `current -> wanted` is allowed (with a reason if needed)."""
    if not can_transition(current, wanted):
        allowed = ", ".join(f"{s.value} {s.label_vi}" for s in sorted(TRANSITIONS[current]))
        raise IllegalTransition(
            current, wanted,
            f"Hồ sơ đang ở trạng thái \"{current.label_vi}\", không thể chuyển sang "
            f"\"{wanted.label_vi}\"." + (f" Có thể chuyển sang: {allowed}." if allowed else ""),
            f"illegal status change {current.value} -> {wanted.value} "
            f"({current.name} -> {wanted.name})")
    if wanted in REASON_REQUIRED and not (reason or "").strip():
        raise IllegalTransition(
            current, wanted,
            f"Cần ghi rõ lý do khi chuyển hồ sơ sang \"{wanted.label_vi}\".",
            f"status change to {wanted.value} ({wanted.name}) needs a reason")


def status_from_text(text: str) -> DossierStatus:
    """A status as typed on a command line: its number (1-10) or its name in any case, with
    '-' or '_' (`processing`, `supplement-requested`). ValueError names the choices."""
    value = text.strip()
    if value.isdigit() and 1 <= int(value) <= 10:
        return DossierStatus(int(value))
    try:
        return DossierStatus[value.upper().replace("-", "_")]
    except KeyError:
        names = ", ".join(s.name.lower() for s in DossierStatus)
        raise ValueError(f"unknown status {text!r}: give 1-10 or one of {names}") from None
