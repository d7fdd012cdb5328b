"""kiosk/failures.py words a failure for whoever reads it: the citizen at the kiosk (the
printer drivers' words send them to the clerk) or the clerk at the counter (what is wrong with
the printer and what to check)."""

from drivers.printers.errors import (
    CLERK_WORDS,
    VI_OFFLINE,
    VI_PAPER_OUT,
    PrintError,
    queue_paused_error,
    stalled_error,
)
from kiosk.failures import CITIZEN, CLERK, wording


def test_a_printer_failure_for_the_citizen_and_for_the_clerk():
    exc = stalled_error("tcp://10.0.0.5:9100", 5.0)
    citizen = wording(exc, "in được phiếu", "print")
    assert citizen == wording(exc, "in được phiếu", "print", audience=CITIZEN)
    assert citizen[0] == exc.message_vi and "báo cán bộ tại quầy" in citizen[0]
    clerk_vi, clerk_en = wording(exc, "in được phiếu", "print", audience=CLERK)
    assert clerk_en == exc.message_en
    assert clerk_vi.startswith("Máy in không phản hồi (có thể kẹt giấy")
    assert "báo cán bộ tại quầy" not in clerk_vi and "kiểm tra máy in" in clerk_vi
    assert "Tạm dừng in" in wording(queue_paused_error("win32://XP-80", "XP-80"), "in", "print",
                                    audience=CLERK)[0]


def test_every_printer_failure_has_clerk_words_without_sending_the_clerk_to_the_clerk():
    import drivers.printers.errors as errors

    citizen_texts = {v for k, v in vars(errors).items() if k.startswith("VI_")}
    assert citizen_texts == set(CLERK_WORDS)
    for text in CLERK_WORDS.values():
        assert "tại quầy" not in text and ":" in text  # what is wrong: what to check
    # A failure raised with words of its own for the clerk keeps them.
    own = PrintError(VI_PAPER_OUT, "out of paper", message_clerk="Hết giấy: thay cuộn 57 mm.")
    assert wording(own, "in", "print", audience=CLERK)[0] == "Hết giấy: thay cuộn 57 mm."
    assert PrintError(VI_OFFLINE, "x").message_clerk == CLERK_WORDS[VI_OFFLINE]


def test_failures_without_clerk_words_read_the_same_for_both():
    exc = OSError(28, "No space left on device")
    assert wording(exc, "xuất được sổ", "export", audience=CLERK) == wording(exc, "xuất được sổ",
                                                                            "export")
