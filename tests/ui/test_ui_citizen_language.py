"""One language at a time on the citizen's screens: in English mode nothing Vietnamese shows
but data that is Vietnamese (listed below with its reason), every string the citizen screens
pass to tr() has a finished English translation, and the ticket prints in the language the
citizen chose (ESC/POS bytes parsed back into the image)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import ast  # noqa: E402
import re  # noqa: E402
import unicodedata  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402
from datetime import date, datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import pytest  # noqa: E402
from PIL import ImageChops  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from kiosk.config import Config  # noqa: E402
from kiosk.dossiers.intake import DossierDesk  # noqa: E402
from kiosk.dossiers.models import Intake, Person  # noqa: E402
from kiosk.dossiers.status import DossierStatus  # noqa: E402
from kiosk.feedback.ratings import RatingLevel  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.printout.ticket import QR_HINT, render_ticket  # noqa: E402
from kiosk.queue.priority import PriorityCategory  # noqa: E402
from kiosk.store import connect  # noqa: E402
from kiosk.ticketing import ticket_slip  # noqa: E402
from kiosk.ui.app import build_window  # noqa: E402
from kiosk.ui.i18n import LanguageSwitcher  # noqa: E402
from kiosk.ui.rating_view import RatingWindow  # noqa: E402
from tests.escpos_raster import parse_escpos  # noqa: E402
from tests.util import tap  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "assets" / "translations" / "kiosk_en.ts"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

#: The modules of the citizen's screens (the ticket kiosk, its self-service pages, the
#: rating screen, the on-screen keyboard).
CITIZEN_MODULES = ("ticket_screen.py", "views.py", "selfservice.py", "rating_view.py",
                   "keyboard.py")

#: Marks only Vietnamese uses, after NFD: breve, circumflex, horn, the five tone marks; and đ.
_VI_MARKS = {"\u0306", "\u0302", "\u031b", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def vietnamese(text: str) -> bool:
    return any(c in _VI_MARKS or c in "đĐ" for c in unicodedata.normalize("NFD", text))


def test_the_detector_sees_vietnamese_and_not_english():
    assert vietnamese("Số thứ tự") and vietnamese("đi") and vietnamese("Mời")
    assert not vietnamese("Please take your ticket – 08:00 …")


# -- (a) every tr() string has a finished English translation ----------------------------------

def tr_calls(path: Path) -> list[tuple[str, str, int]]:
    """(context, source, line) of every self.tr("...") / translate("ctx", "...") in a module;
    the context is the enclosing class, as pyside6-lupdate takes it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, str, int]] = []

    def visit(node: ast.AST, context: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.ClassDef) else context
            if isinstance(child, ast.Call):
                f = child.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                args = child.args
                if name == "tr" and args:
                    assert isinstance(args[0], ast.Constant) and isinstance(args[0].value, str), \
                        f"{path.name}:{child.lineno}: tr() of something lupdate cannot read"
                    found.append((context, args[0].value, child.lineno))
                elif name == "translate" and len(args) >= 2 and all(
                        isinstance(a, ast.Constant) for a in args[:2]):
                    found.append((args[0].value, args[1].value, child.lineno))
            visit(child, inner)

    visit(tree, "")
    return found


def ts_translations() -> dict[tuple[str, str], str | None]:
    """(context, source) -> the English text, None when not finished."""
    out: dict[tuple[str, str], str | None] = {}
    for context in ET.parse(TS).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            done = translation is not None and not translation.get("type") \
                and (translation.text or "").strip()
            out[(name, message.findtext("source"))] = translation.text if done else None
    return out


def test_every_citizen_string_has_an_english_translation():
    known = ts_translations()
    calls = [(module, *call) for module in CITIZEN_MODULES
             for call in tr_calls(ROOT / "kiosk" / "ui" / module)]
    assert len(calls) > 100  # the parser found the screens' strings
    missing = [f"{module}:{line} [{context}] {source!r}"
               for module, context, source, line in calls if not known.get((context, source))]
    assert not missing, "not translated in kiosk_en.ts (scripts/update_translations.sh):\n" \
        + "\n".join(missing)
    # Placeholders survive translation: "{n}" in the source is "{n}" in the English.
    for module, context, source, _line in calls:
        fields = set(re.findall(r"\{(\w*)\}", source))
        assert fields == set(re.findall(r"\{(\w*)\}", known[(context, source)])), \
            f"{module} [{context}] {source!r}: placeholders differ in English"


def test_the_compiled_translations_are_up_to_date(qapp):
    switcher = LanguageSwitcher(qapp)
    try:
        switcher.set_language("en")
        from PySide6.QtCore import QCoreApplication

        for (context, source), english in ts_translations().items():
            if english:
                assert QCoreApplication.translate(context, source) == english, \
                    f"[{context}] {source!r}: kiosk_en.qm is older than kiosk_en.ts"
    finally:
        switcher.close()


# -- (b) nothing Vietnamese on an English screen -----------------------------------------------

HOA = Person("Nguyễn Thị Hoa", "034303011829", date(2003, 3, 21), "Nữ",
             "Thôn Lai Ổn, An Quý, Quỳnh Phụ, Thái Bình", "0987654321")
CCCD_HOA = ("034303011829||Nguyễn Thị Hoa|21032003|Nữ|Thôn Lai Ổn, An Quý, Quỳnh Phụ, "
            "Thái Bình|14082021")
CLERK = "Trần Minh Đức"


def make_config(tmp_path, printer: str) -> Config:
    return Config().with_values(printer={"uri": printer, "timeout_s": 5},
                                kiosk={"fullscreen": False, "enforce_opening_hours": False,
                                       "confirm_timeout_s": 60},
                                station={"id": "kiosk-1"})


@pytest.fixture
def dossier(tmp_path):
    db = connect(tmp_path / "kiosk.db")
    try:
        desk = DossierDesk(db, make_config(tmp_path, "preview://unused"))
        at = datetime(2026, 1, 15, 9, 30, tzinfo=TZ)
        saved = desk.save_intake(Intake("1.001022", HOA), clerk=CLERK, at=at)
        return desk.change_status(saved.code, DossierStatus.PROCESSING, clerk=CLERK,
                                  at=at.replace(hour=14))
    finally:
        db.conn.close()


_windows: list = []


@pytest.fixture(autouse=True)
def _close():
    yield
    while _windows:
        _windows.pop().close()


def open_window(qtbot, tmp_path, printer: str, size=(1366, 768)):
    window = build_window(make_config(tmp_path, printer),
                          Paths(tmp_path, tmp_path / "kiosk.toml"))
    _windows.append(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def visible_texts(root: QWidget) -> list[tuple[QWidget, str]]:
    """What the citizen can read: visible labels and buttons, and the placeholders of empty
    fields."""
    texts: list[tuple[QWidget, str]] = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, (QLabel, QPushButton)):
            texts.append((widget, widget.text()))
        elif isinstance(widget, (QLineEdit, QPlainTextEdit)):
            typed = widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()
            if not typed:
                texts.append((widget, widget.placeholderText()))
    return [(w, t) for w, t in texts if t]


def check_english(root: QWidget, where: str, exceptions: dict[QWidget, str],
                  seen: list[str]) -> None:
    """No Vietnamese in what `root` shows, but in the `exceptions` (widget -> why)."""
    found = [f"{type(w).__name__} {w.objectName() or ''}: {t!r}"
             for w, t in visible_texts(root) if vietnamese(t) and w not in exceptions]
    assert not found, f"Vietnamese on the English {where}:\n" + "\n".join(found)
    seen.append(where)


def keyboard_exceptions(keyboard) -> dict[QWidget, str]:
    # The letters ă â ơ ê ô ư đ and the tone keys (a sample "á" and the tone's Vietnamese name,
    # "sắc": English has no names for them) are what the keys type: a citizen writing feedback
    # in Vietnamese needs them whatever the screen's language.
    return {key: "a Vietnamese letter the key types" for key in keyboard.keys.values()
            if vietnamese(key.text())}


def test_english_mode_shows_no_vietnamese_on_the_citizen_screens(qtbot, tmp_path, dossier):
    window = open_window(qtbot, tmp_path, f"file://{tmp_path / 'printer.bin'}")
    seen: list[str] = []
    # Data that is Vietnamese in any language: the office's name (as configured) and, in a
    # look-up result, the procedure's official name (the catalog has no English name) and the
    # place of return recorded with the dossier.
    exceptions: dict[QWidget, str] = {window.header.office: "the office's name"}
    tap(qtbot, window.header.lang_buttons["en"])
    start = window.start_page
    qtbot.waitUntil(lambda: start.title.text() == "Please choose a service", timeout=2000)
    check_english(window, "start page", exceptions, seen)

    tap(qtbot, start.category_buttons[PriorityCategory.ELDERLY])
    check_english(window, "start page with a priority chosen", exceptions, seen)
    tap(qtbot, start.service_buttons["CT"])
    confirm = window.confirm_page
    qtbot.waitUntil(lambda: confirm.state == "printed", timeout=5000)
    check_english(window, "confirmation", exceptions, seen)
    confirm.set_print_state(confirm.FAILED, "Máy in hết giấy.", "The printer is out of paper.")
    # The failure's English is the technician's: the citizen reads what to do.
    assert confirm.detail.text() == "Please tell the staff at the counter."
    check_english(window, "confirmation of a failed print", exceptions, seen)
    tap(qtbot, confirm.done_button)

    # The next citizen finds the station's language; this one taps English again.
    tap(qtbot, window.header.lang_buttons["en"])
    window.stack.setCurrentWidget(window.out_of_service_page)
    check_english(window, "out-of-service page", exceptions, seen)
    window.stack.setCurrentWidget(start)

    ss = window.selfservice
    tap(qtbot, start.lookup_button)
    lookup = ss.lookup_page
    keys = keyboard_exceptions(lookup.keyboard)
    check_english(window, "look-up entry", exceptions | keys, seen)
    for key in "12345":
        tap(qtbot, lookup.keyboard.keys[key])
    tap(qtbot, lookup.search_button)
    check_english(window, "look-up with a wrong code", exceptions | keys, seen)
    window.on_scan(CCCD_HOA)
    check_english(window, "look-up after an ID card scan", exceptions | keys, seen)
    window.on_scan("https://example.com/not-a-receipt")
    check_english(window, "look-up after a foreign scan", exceptions | keys, seen)
    window.on_scan("000.00.01.H26-261399-0007")  # a dossier code with no such day
    assert lookup.message.text().startswith("The code you scanned could not be read.")
    check_english(window, "look-up after a damaged dossier code", exceptions | keys, seen)
    window.on_scan(dossier.code)
    qtbot.waitUntil(lambda: lookup.panel == lookup.RESULT, timeout=5000)
    result = exceptions | {
        lookup.card.procedure: "the procedure's official name",
        lookup.card.rows["place"][1]: "where the result is returned, recorded with the dossier "
                                      "(the receipt's words)"}
    check_english(window, "look-up result", result, seen)
    tap(qtbot, lookup.done_button)

    tap(qtbot, window.header.lang_buttons["en"])  # the next citizen, in English again
    tap(qtbot, start.feedback_button)
    feedback = ss.feedback_page
    check_english(window, "feedback topics", exceptions, seen)
    assert [b.label.text() for b in feedback.topic_buttons.values()][0] \
        == "Administrative procedures"
    tap(qtbot, feedback.topic_buttons["Cơ sở vật chất, trang thiết bị"])
    assert feedback.text_title.text() == "Premises and equipment"
    keys = keyboard_exceptions(feedback.keyboard)
    check_english(window, "feedback text", exceptions | keys, seen)
    for key in "abc":
        tap(qtbot, feedback.keyboard.keys[key])
    tap(qtbot, feedback.next_button)  # too short
    assert feedback.text_status.text() == \
        "Please write your feedback (at least 5 characters)."
    check_english(window, "feedback text too short", exceptions | keys, seen)
    for key in "defgh":
        tap(qtbot, feedback.keyboard.keys[key])
    tap(qtbot, feedback.next_button)
    assert feedback.step == feedback.PHONE
    check_english(window, "feedback phone", exceptions, seen)
    for key in "123":
        tap(qtbot, feedback.phone_keypad.keys[key])
    tap(qtbot, feedback.send_button)
    assert feedback.phone_status.text().startswith("This phone number is not right.")
    check_english(window, "feedback with a wrong phone", exceptions, seen)
    tap(qtbot, feedback.phone_keypad.keys["clear"])
    tap(qtbot, feedback.send_button)
    qtbot.waitUntil(lambda: feedback.step == feedback.THANKS, timeout=5000)
    check_english(window, "feedback thanks", exceptions, seen)
    db = connect(tmp_path / "kiosk.db")
    try:  # stored under its Vietnamese name, whatever the screen's language
        assert db.execute("SELECT topic FROM citizen_feedback").fetchone()[0] \
            == "Cơ sở vật chất, trang thiết bị"
    finally:
        db.conn.close()
    assert len(seen) == 17


def test_english_mode_rating_screen_shows_no_vietnamese(qtbot, tmp_path):
    switcher = LanguageSwitcher(QApplication.instance())
    try:
        switcher.set_language("en")
        window = RatingWindow(make_config(tmp_path, "preview://unused"),
                              Paths(tmp_path, tmp_path / "kiosk.toml"), 3)
        _windows.append(window)
        window.view.set_language("en")
        window.resize(1080, 1920)
        window.show()
        qtbot.waitExposed(window)
        seen: list[str] = []
        check_english(window, "rating idle screen", {}, seen)

        class _Ticket:
            uid = "demo-ticket"
            number = "B012"

        window.view.ask(_Ticket(), None, 3, CLERK)
        # The clerk's name is a person's name, the same in any language.
        names = {w: "the clerk's name" for w, t in visible_texts(window) if CLERK in t}
        check_english(window, "rating levels", names, seen)
        window.view.choose(RatingLevel.UNSATISFIED)
        check_english(window, "rating reasons", names, seen)
        window.view.send()
        check_english(window, "rating thanks", names, seen)
    finally:
        switcher.close()


# -- the printed ticket --------------------------------------------------------------------------

def printed_words(image):
    """The ticket above its QR (the words; the printer draws the QR itself)."""
    return image.crop((0, 0, image.width, image.info.get(QR_HINT, {}).get("top", 0)
                       or image.height))


@pytest.mark.parametrize("language", ["en", "vi"])
def test_ticket_prints_in_the_citizen_language(qtbot, tmp_path, language):
    out = tmp_path / "printer.bin"
    window = open_window(qtbot, tmp_path, f"file://{out}")
    if language == "en":
        tap(qtbot, window.header.lang_buttons["en"])
    tap(qtbot, window.start_page.category_buttons[PriorityCategory.ELDERLY])
    tap(qtbot, window.start_page.service_buttons["KD"])
    confirm = window.confirm_page
    qtbot.waitUntil(lambda: confirm.state == "printed", timeout=5000)
    (page,) = parse_escpos(out.read_bytes()).images
    service = window.services["KD"]
    config = window.config
    expected = {lang: render_ticket(ticket_slip(config, service, confirm.ticket, lang), 576)
                for lang in ("vi", "en")}
    other = "vi" if language == "en" else "en"
    top = expected[language].info[QR_HINT]["top"]
    words = page.crop((0, 0, 576, top))
    assert ImageChops.difference(words.convert("L"),
                                 printed_words(expected[language]).convert("L")).getbbox() \
        is None
    assert ImageChops.difference(words.convert("L"), expected[other].crop(
        (0, 0, 576, top)).convert("L")).getbbox() is not None
    slip = ticket_slip(config, service, confirm.ticket, language)
    if language == "en":
        assert slip.service_name == "Household business registration"
        assert slip.priority_label == "PRIORITY – Elderly person"
    else:
        assert slip.priority_label == "ƯU TIÊN – Người cao tuổi"
