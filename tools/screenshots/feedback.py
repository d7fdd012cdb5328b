"""Regenerate the screenshots of the citizen-facing feedback views (developer tool).

    python -m tools.screenshots.feedback [OUT_DIR]

Writes docs/screenshots/selfservice-*.png (the ticket kiosk's "Tra cứu hồ sơ" and "Phản ánh,
kiến nghị", a petition's answer looked up by its code) and rating-*.png (the rating view), at
1366x768 and 1080x1920 (and the bare view in an 800x480 panel, as the counter window may embed
it), headless on a throw-away data directory with one made-up dossier (the public example name
of domain.md).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

#: The files this module writes, in docs/screenshots (tests/tools/test_screenshots.py checks
#: them against the folder; screenshot_main against what a run wrote).
SHOTS = (
    "selfservice-start-1366x768.png",
    "selfservice-lookup-typing-1366x768.png",
    "selfservice-lookup-result-1366x768.png",
    "selfservice-lookup-cccd-1366x768.png",
    "selfservice-feedback-topics-1366x768.png",
    "selfservice-feedback-keyboard-1366x768.png",
    "selfservice-feedback-phone-1366x768.png",
    "selfservice-feedback-thanks-1366x768.png",
    "selfservice-feedback-topics-en-1366x768.png",
    "selfservice-feedback-text-error-en-1366x768.png",
    "selfservice-petition-answer-1366x768.png",
    "selfservice-start-1080x1920.png",
    "selfservice-lookup-typing-1080x1920.png",
    "selfservice-lookup-result-1080x1920.png",
    "selfservice-lookup-cccd-1080x1920.png",
    "selfservice-feedback-topics-1080x1920.png",
    "selfservice-feedback-keyboard-1080x1920.png",
    "selfservice-feedback-phone-1080x1920.png",
    "selfservice-feedback-thanks-1080x1920.png",
    "selfservice-feedback-topics-en-1080x1920.png",
    "selfservice-feedback-text-error-en-1080x1920.png",
    "selfservice-petition-answer-1080x1920.png",
    "rating-idle-1366x768.png",
    "rating-levels-1366x768.png",
    "rating-reasons-1366x768.png",
    "rating-thanks-1366x768.png",
    "rating-idle-1080x1920.png",
    "rating-levels-1080x1920.png",
    "rating-reasons-1080x1920.png",
    "rating-thanks-1080x1920.png",
    "rating-embedded-levels-800x480.png",
    "rating-embedded-reasons-800x480.png",
)

LANDSCAPE = (1366, 768)
PORTRAIT = (1080, 1920)
DEMO_CCCD = ("034303011829||Nguyễn Thị Hoa|21032003|Nữ|Thôn Lai Ổn, An Quý, Quỳnh Phụ, "
             "Thái Bình|14082021")


def _type(keyboard, text: str) -> None:
    """Tap `text` on an on-screen keyboard, capitals through its shift key."""
    for ch in text:
        if ch == " ":
            keyboard.press("space")
        elif ch.isalpha() and ch.isupper():
            keyboard.press("shift")
            keyboard.press(ch.lower())
        else:
            keyboard.press(ch)


def take_screenshots(out_dir: Path) -> list[Path]:
    from kiosk.config import Config
    from kiosk.dossiers.intake import DossierDesk
    from kiosk.dossiers.models import Intake, Person
    from kiosk.dossiers.status import DossierStatus
    from kiosk.feedback.ratings import RatingLevel, RatingReason
    from kiosk.paths import Paths
    from kiosk.petitions.cases import answer
    from kiosk.store import connect
    from kiosk.ui.app import build_window
    from kiosk.ui.qtapp import ensure_app, load_fonts
    from kiosk.ui.rating_view import RatingWindow
    from tools.screenshots.common import compact as _compact
    from tools.screenshots.common import settle as _settle
    from tools.screenshots.common import wait as _wait

    out_dir.mkdir(parents=True, exist_ok=True)
    app = ensure_app()
    load_fonts(app)
    data = Path(tempfile.mkdtemp(prefix="kiosk-feedback-shots-"))
    paths = Paths(data, data / "kiosk.toml")
    config = Config().with_values(printer={"uri": f"preview://{data / 'previews'}"},
                                  kiosk={"fullscreen": False, "enforce_opening_hours": False})
    tz = ZoneInfo(config.office.timezone)
    db = connect(paths.database)
    desk = DossierDesk(db, config)
    person = Person("Nguyễn Thị Hoa", "034303011829", date(2003, 3, 21), "Nữ",
                    "Thôn Lai Ổn, An Quý, Quỳnh Phụ, Thái Bình", "0912345678")
    received = datetime(2026, 1, 15, 9, 30, tzinfo=tz)
    dossier = desk.save_intake(Intake("1.001022", person), clerk="Trần Minh Đức", at=received)
    desk.change_status(dossier.code, DossierStatus.PROCESSING, clerk="Trần Minh Đức",
                       at=received.replace(hour=14))
    db.conn.close()

    saved: list[Path] = []

    def shot(widget, name: str) -> None:
        _settle(app, 0.25)
        path = out_dir / f"{name}.png"
        widget.grab().save(str(path))
        _compact(path)
        saved.append(path)

    for size in (LANDSCAPE, PORTRAIT):
        tag = f"{size[0]}x{size[1]}"
        window = build_window(config, paths)
        try:
            window.resize(*size)
            window.show()
            _settle(app, 0.4)
            shot(window, f"selfservice-start-{tag}")
            ss = window.selfservice
            window.start_page.lookup_button.click()
            lookup = ss.lookup_page
            code = dossier.short_code  # the receipt's look-up code, as printed
            _type(lookup.keyboard, f"{code[:3]} {code[3:]}")
            shot(window, f"selfservice-lookup-typing-{tag}")
            window.on_scan(dossier.code)
            _wait(app, lambda lp=lookup: lp.panel == lp.RESULT)
            shot(window, f"selfservice-lookup-result-{tag}")
            lookup.reset()
            window.on_scan(DEMO_CCCD)
            shot(window, f"selfservice-lookup-cccd-{tag}")
            lookup.back.emit()

            window.start_page.feedback_button.click()
            feedback = ss.feedback_page
            shot(window, f"selfservice-feedback-topics-{tag}")
            feedback.choose_topic(next(iter(feedback.topic_buttons)))
            _type(feedback.keyboard, "Thur tucj nhanh, caans theem ghees chowf cho nguwowif "
                                     "cao tuooir.")
            shot(window, f"selfservice-feedback-keyboard-{tag}")
            feedback.text_done()
            _type(feedback.phone_keypad, "0912345678")
            shot(window, f"selfservice-feedback-phone-{tag}")
            feedback.send()
            _wait(app, lambda fp=feedback: fp.step == fp.THANKS)
            shot(window, f"selfservice-feedback-thanks-{tag}")
            code = feedback.code
            feedback.back.emit()
            # The office answers (kiosk petition answer); the citizen looks the code up.
            answer_db = connect(paths.database)
            answer(answer_db, code, text="Văn phòng đã bố trí thêm 10 ghế chờ ở sảnh, ưu tiên "
                   "người cao tuổi. Cảm ơn ông/bà đã góp ý.", by="Lê Văn Chính",
                   at=datetime.now(tz))
            answer_db.conn.close()
            window.start_page.lookup_button.click()
            _type(lookup.keyboard, code)
            lookup.submit()
            _wait(app, lambda lp=lookup: lp.panel == lp.RESULT)
            shot(window, f"selfservice-petition-answer-{tag}")
            lookup.back.emit()
            # A citizen in English: topics and refusals in English.
            window.set_language("en")
            window.start_page.feedback_button.click()
            shot(window, f"selfservice-feedback-topics-en-{tag}")
            feedback.choose_topic(next(iter(feedback.topic_buttons)))
            _type(feedback.keyboard, "Long")
            feedback.text_done()
            shot(window, f"selfservice-feedback-text-error-en-{tag}")
        finally:
            window.close()

    class _Ticket:
        uid = "demo-ticket"
        number = "B012"

    for size in (LANDSCAPE, PORTRAIT):
        tag = f"{size[0]}x{size[1]}"
        window = RatingWindow(config, paths, 3)
        try:
            window.resize(*size)
            window.show()
            _settle(app, 0.3)
            shot(window, f"rating-idle-{tag}")
            window.view.ask(_Ticket(), dossier.code, 3, "Trần Minh Đức")
            shot(window, f"rating-levels-{tag}")
            window.view.choose(RatingLevel.UNSATISFIED)
            window.view.reason_chips[RatingReason.WAITING_TIME].click()
            window.view.reason_chips[RatingReason.PROCEDURE_UNCLEAR].click()
            shot(window, f"rating-reasons-{tag}")
            window.view.send()
            shot(window, f"rating-thanks-{tag}")
        finally:
            window.close()
    # Embedded: the bare RatingView in a short panel (a corner of the counter window).
    from kiosk.ui.rating_view import RatingView

    view = RatingView(config, paths, hide_when_idle=False)
    try:
        view.resize(800, 480)
        view.ask(_Ticket(), None, 3, "Trần Minh Đức")
        shot(view, "rating-embedded-levels-800x480")
        view.choose(RatingLevel.UNSATISFIED)
        view.reason_chips[RatingReason.EXTRA_DOCUMENTS].click()
        shot(view, "rating-embedded-reasons-800x480")
        view.cancel()
    finally:
        view.shutdown()
    return saved


if __name__ == "__main__":
    from tools.screenshots.ticket import screenshot_main

    sys.exit(screenshot_main(take_screenshots))
