"""One language at a time on every screen.

1. Every user-facing string goes through Qt's translation system: in the source of kiosk/ui no
   Vietnamese string literal lies outside self.tr() / translate() / N_() (the one path,
   kiosk/ui/i18n.py), and no literal with a word in it is handed straight to a widget's text,
   tool tip, placeholder or title; the exceptions are listed below with their reasons.
2. What the screens show: each screen the documentation shows (the screenshot modules of
   tools/screenshots drive the real windows into those states, offscreen) is read widget by
   widget at the moment its picture is taken; a Vietnamese screen must show no English word,
   an English one (the pictures named *_en* / *-en-*) nothing Vietnamese.

The checks are in tests/ui/onelanguage.py and below; each is shown to fail on a planted
untranslated string."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import ast  # noqa: E402
import importlib  # noqa: E402
import re  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

import tools.screenshots.common as shots_common  # noqa: E402
from kiosk.config import schema  # noqa: E402
from kiosk.ui.keyboard import OnScreenKeyboard  # noqa: E402
from tests.ui.onelanguage import (  # noqa: E402
    _TECHNICAL,
    ENGLISH_WORDS,
    could_be_vietnamese,
    english_on,
    english_words,
    screen_texts,
    vietnamese,
    vietnamese_on,
)
from tests.ui.test_ui_admin import station  # noqa: E402, F401 - a fixture
from tools.screenshots import NAMES  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "kiosk" / "ui"

# -- 1. the source: every string through tr() --------------------------------------------------

#: Calls that put a string through the translation system (N_ and QT_TRANSLATE_NOOP mark a
#: table's words, shown with tr_marked / translate where the widget is built).
TRANSLATING = {"tr", "translate", "N_", "QT_TRANSLATE_NOOP", "QT_TR_NOOP"}
_LOG_CALLS = {"debug", "info", "warning", "error", "exception", "critical"}
#: Where a literal becomes a widget's text.
TEXT_CALLS = {
    "setText", "setToolTip", "setPlaceholderText", "setWindowTitle", "setTitle", "addTab",
    "setTabText", "setTabToolTip", "addItem", "addItems", "setHeaderLabels",
    "setHorizontalHeaderLabels", "setStatusTip", "setAccessibleName", "setInformativeText",
    "setLabelText", "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox",
    "QToolButton", "KeyButton", "QListWidgetItem", "QTableWidgetItem", "QBarSet",
}
#: Which argument is the text (the first where not listed).
_TEXT_ARGUMENT = {"addTab": 1, "setTabText": 1, "setTabToolTip": 1}

#: Modules whose Vietnamese literals are not text to translate, with the reason.
MODULES_NOT_TRANSLATED = {
    "telex.py": "the Telex input method: the letters and marks it types",
    "keyboard.py": "the on-screen keyboard's letters and tone samples: what the keys type, "
                   "in any language",
}
_FAILURE_HALF = ("a failure's Vietnamese half: kiosk/failures.py words a failure as a Vietnamese "
                 "message and the technician's English; an English citizen screen shows its "
                 "own sentence instead (tests/ui/test_ui_citizen_language.py)")
_GENDER = "the ID card's gender value, stored in the dossier as read (data, not UI text)"
#: (module, the literal's start) -> why the literal is not put through tr().
LITERALS_NOT_TRANSLATED = {
    ("counter/intake_form.py", "Nữ"): _GENDER,
    ("wizard/hubtls.py", "ĐỊA-CHỈ-IP"): "a placeholder written into an address shown to the "
                                        "technician and looked for in it",
    ("views.py", "Tiếng Việt"): "each language's own name on its switch",
    ("workers.py", "Không kết nối được máy chủ quầy"): _FAILURE_HALF,
    ("workers.py", "Không cấp được số thứ tự"): _FAILURE_HALF,
    ("workers.py", "Không kết nối được máy in"): _FAILURE_HALF,
    ("workers.py", "Máy in gặp lỗi"): _FAILURE_HALF,
    ("feedback_worker.py", "Hệ thống đang bận"): _FAILURE_HALF,
    ("feedback_worker.py", "Chưa tra cứu được"): _FAILURE_HALF,
    ("ticket_screen.py", "Không cấp được số thứ tự"): _FAILURE_HALF,
    ("ticket_screen.py", "Máy in không phản hồi"): _FAILURE_HALF,
    ("counter/dossier_view.py", "Alt+"): "a key's name before the number it takes",
}


def _call_name(node: ast.Call) -> str:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")


def untranslated(source: str, module: str = "") -> list[str]:
    """The string literals of `source` that reach a screen without tr(): Vietnamese literals
    outside a translating call (docstrings and log messages aside), and literals with a word
    handed straight to a widget's text (technical tokens such as https://… aside)."""
    tree = ast.parse(source)
    translated: set[int] = set()
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) \
                and node.body and isinstance(node.body[0], ast.Expr):
            docstrings.add(id(node.body[0].value))
        if isinstance(node, ast.Call):
            name = _call_name(node)
            logged = name in _LOG_CALLS and isinstance(node.func, ast.Attribute) \
                and getattr(node.func.value, "id", "") in ("log", "logger", "logging")
            if name in TRANSLATING or logged:
                translated.update(id(n) for arg in node.args for n in ast.walk(arg))
    found: list[str] = []

    def report(node: ast.AST, text: str) -> None:
        if not any(module == where and text.startswith(start)
                   for where, start in LITERALS_NOT_TRANSLATED):
            found.append(f"{module}:{node.lineno}: {text!r}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in translated and id(node) not in docstrings \
                and vietnamese(node.value):
            report(node, node.value)
        elif isinstance(node, ast.Call) and _call_name(node) in TEXT_CALLS:
            for arg in node.args[_TEXT_ARGUMENT.get(_call_name(node), 0):][:1]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) \
                        and not vietnamese(arg.value) and re.search(
                            r"[^\W\d_]{2,}", _TECHNICAL.sub(" ", arg.value)):
                    report(arg, arg.value)
                elif isinstance(arg, ast.JoinedStr):
                    words = " ".join(v.value for v in arg.values if isinstance(v, ast.Constant))
                    if not vietnamese(words) and re.search(r"[^\W\d_]{2,}",
                                                          _TECHNICAL.sub(" ", words)):
                        report(arg, words)
    return found


def test_the_source_check_finds_a_planted_untranslated_string():
    planted = """
class Form(QWidget):
    def build(self):
        self.save = QPushButton("Save")
        self.title.setText("Đã lưu hồ sơ")
        self.hint.setToolTip(f"{n} records waiting")
        self.note = QLabel(self.tr("Đã lưu {n} hồ sơ").format(n=n))
        self.url.setPlaceholderText("https://…")
        log.info("đã lưu")
"""
    assert sorted(line.split(": ", 1)[1] for line in untranslated(planted, "form.py")) == [
        "' records waiting'", "'Save'", "'Đã lưu hồ sơ'"]


def test_every_user_facing_string_goes_through_tr():
    found: list[str] = []
    modules = sorted(UI.rglob("*.py"))
    assert len(modules) > 50
    for path in modules:
        module = path.relative_to(UI).as_posix()
        if module not in MODULES_NOT_TRANSLATED:
            found += untranslated(path.read_text(encoding="utf-8"), module)
    assert not found, "strings that bypass tr() (kiosk/ui/i18n.py), or add them with a " \
        "reason to LITERALS_NOT_TRANSLATED:\n" + "\n".join(found)


def test_every_listed_exception_is_still_there():
    for (module, start), _reason in LITERALS_NOT_TRANSLATED.items():
        assert start in (UI / module).read_text(encoding="utf-8"), (module, start)


# -- 2. the screens: the checks themselves -----------------------------------------------------


def test_no_listed_english_word_could_be_unaccented_vietnamese():
    assert could_be_vietnamese("nguyen") and could_be_vietnamese("Luong") \
        and could_be_vietnamese("khuyen") and could_be_vietnamese("in")
    assert not could_be_vietnamese("printer") and not could_be_vietnamese("found")
    assert sorted(w for w in ENGLISH_WORDS if could_be_vietnamese(w)) == []


def test_english_words_skip_technical_tokens_and_unaccented_names():
    assert english_words("Máy in không phản hồi") == []
    assert english_words("Le Van Luong, To 10 Ap An Thai, Hoa Binh") == []
    assert english_words("usb://0416:5011 · /tmp/printer.bin · [printer] check_status") == []
    assert english_words("kiosk.toml · hub.example.vn · v0.1.0") == []
    assert english_words("Printer not found") == ["Printer", "found"]
    assert english_words("<b>Cancel</b>") == ["Cancel"]


def test_the_checks_fail_on_a_planted_untranslated_string(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    window.setWindowTitle("Quầy tiếp nhận")
    layout = QVBoxLayout(window)
    layout.addWidget(QLabel("Đang chờ gọi số"))
    layout.addWidget(QPushButton("Gọi số tiếp theo"))
    window.show()
    qtbot.waitExposed(window)
    assert english_on(screen_texts([window])) == []
    planted = QPushButton("Save")  # a string that bypassed tr() on a Vietnamese screen
    layout.addWidget(planted)
    planted.show()
    assert english_on(screen_texts([window])) == ["QPushButton: 'Save' ['Save']"]
    planted.setText("Lưu")
    planted.setToolTip("Save the form")  # tool tips are read too
    assert english_on(screen_texts([window])) == ["QPushButton: 'Save the form' ['Save']"]
    # And the other way round: an English screen with a Vietnamese string left in it.
    english = QWidget()
    qtbot.addWidget(english)
    QVBoxLayout(english).addWidget(QLabel("Please choose a service"))
    english.show()
    assert vietnamese_on(screen_texts([english])) == []
    english.layout().addWidget(QLabel("Mời nhận phiếu"))
    english.layout().itemAt(1).widget().show()
    assert vietnamese_on(screen_texts([english])) == ["QLabel: 'Mời nhận phiếu'"]
    assert vietnamese("Mời") and not vietnamese("Please wait – 08:00 …")


# -- 2. every documented screen -------------------------------------------------------------------

def english_shot(name: str) -> bool:
    return re.search(r"[_-]en([_-]|\.png$)", name) is not None


#: The schema's documentation of each configuration key (kiosk/config.py, the technician's
#: reference that docs/configuration.md is made from): the configuration tab shows a key's
#: Vietnamese name and its `[section] key`, and this as the tool tip.
CONFIG_DOCS = {f.metadata.get("doc", "") for _section, _key, f in schema()}

#: Text that may show English on a Vietnamese screen, with the reason.
ALLOWED_ENGLISH = {
    "the technician's detail of a check, labelled so below its Vietnamese verdict (the words "
    "`kiosk doctor` prints and a support bundle holds, which a technician searches for)":
        lambda widget, text: text.startswith("Chi tiết kỹ thuật:"),
    "a configuration key's documentation, as the configuration tab's tool tip":
        lambda widget, text: text in CONFIG_DOCS and text == widget.toolTip(),
    "a refused record's id and the city's reason for refusing it, as the city wrote it, in "
    "the admin view's table of refused records":
        lambda widget, text: text in column_texts(widget, ("Mã bản ghi", "Lý do")),
}


def column_texts(widget, headings: tuple[str, ...]) -> set[str]:
    """The texts of the cells under `headings` when `widget` is a table."""
    if not isinstance(widget, QTableWidget):
        return set()
    columns = [c for c in range(widget.columnCount())
               if widget.horizontalHeaderItem(c) is not None
               and widget.horizontalHeaderItem(c).text() in headings]
    return {widget.item(r, c).text() for c in columns for r in range(widget.rowCount())
            if widget.item(r, c) is not None}


def allowed_english(widget, text: str) -> bool:
    return any(allowed(widget, text) for allowed in ALLOWED_ENGLISH.values())


def allowed_vietnamese(widget, text: str) -> bool:
    """What may show Vietnamese on an English screen: the office's name (as configured) and
    the letters of the on-screen keyboard, which type Vietnamese whatever the screen's
    language (tests/ui/test_ui_citizen_language.py says the same)."""
    if text.startswith("Điểm phục vụ hành chính công"):
        return True
    parent = widget
    while parent is not None:
        if isinstance(parent, OnScreenKeyboard):
            return True
        parent = parent.parentWidget()
    return False


@pytest.mark.parametrize("name", NAMES)
def test_every_documented_screen_shows_one_language(name, tmp_path, monkeypatch, qapp):
    module = importlib.import_module(f"tools.screenshots.{name}")
    problems: list[str] = []
    looked: list[str] = []
    compact = shots_common.compact

    def look(path: Path) -> None:
        texts = screen_texts()
        if english_shot(path.name):
            found = vietnamese_on(texts, allowed_vietnamese)
        else:
            found = english_on(texts, allowed_english)
        problems.extend(f"{path.name}: {line}" for line in found)
        looked.append(path.name)
        compact(path)

    monkeypatch.setattr(shots_common, "compact", look)
    monkeypatch.setattr(module, "_compact", look, raising=False)
    module.take_screenshots(tmp_path)
    assert looked, "the module took no picture"
    assert not problems, "\n".join(problems)


# -- a Vietnamese-only screen over an English kiosk ------------------------------------------

def test_the_admin_view_over_an_english_kiosk_stays_vietnamese(qtbot, station):  # noqa: F811
    """The admin view opens over the ticket kiosk, in its process: when the citizen left the
    kiosk in English, the English translator is installed, and the technician's screen still
    shows one language, Vietnamese (its strings have no English, and the compiled file holds
    only finished translations)."""
    from kiosk.store import connect, transaction
    from kiosk.ui.admin import AdminView
    from kiosk.ui.admin.tasks import pending_tasks
    from kiosk.ui.i18n import LanguageSwitcher
    from sync import status as sync_status

    config, paths, *_ = station
    # The city sync failed: its own words are the technician's English.
    db = connect(paths.database)
    try:
        with transaction(db) as conn:
            sync_status.write_state(conn, {
                sync_status.K_STATE: sync_status.ERROR,
                sync_status.K_LAST_ERROR_AT: datetime.now(UTC).isoformat(),
                sync_status.K_LAST_ERROR: "city server refused the token (401): check the "
                                          "station token"})
    finally:
        db.conn.close()
    switcher = LanguageSwitcher(QApplication.instance())
    try:
        switcher.set_language("en")
        view = AdminView(config, paths, supervised=True, over_kiosk=True, idle_close_ms=None)
        qtbot.addWidget(view)
        view.resize(1366, 768)
        view.show()
        qtbot.waitExposed(view)
        problems: list[str] = []
        for index in range(view.tabs.count()):
            view.tabs.setCurrentIndex(index)
            qtbot.wait(30)
            problems += english_on(screen_texts([view]), allowed_english)
        assert view.tabs.tabText(0) == "In lại"
        assert not problems, "\n".join(problems)
        view.tabs.setCurrentWidget(view.sync_tab)
        qtbot.waitUntil(lambda: view.sync_tab.error_detail.isVisible(), timeout=5000)
        assert view.sync_tab.error_detail.text().startswith(
            "Chi tiết kỹ thuật: city server refused the token")
        assert english_words(view.sync_tab.detail.text()) == []
        qtbot.waitUntil(lambda: pending_tasks() == 0, timeout=15000)
        view.close()
    finally:
        switcher.close()


def test_the_kiosk_sync_line_follows_the_citizen_language(qtbot, tmp_path):
    """The city sync's state sits in the kiosk's header: an English screen shows it in
    English, a Vietnamese one in Vietnamese with the technician's English detail labelled in
    the tool tip."""
    from kiosk.config import Config
    from kiosk.paths import Paths
    from kiosk.ui.app import build_window
    from sync.status import OFFLINE, SyncStatus
    from tests.util import tap

    config = Config().with_values(
        printer={"uri": f"file://{tmp_path / 'printer.bin'}"},
        kiosk={"fullscreen": False, "enforce_opening_hours": False},
        sync={"server_url": "http://127.0.0.1:9", "token": "t0k3n"}, station={"id": "kiosk-1"})
    window = build_window(config, Paths(tmp_path, tmp_path / "kiosk.toml"))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    indicator = window.sync_indicator
    assert indicator.isVisible()
    status = SyncStatus(state=OFFLINE, pending=3, offline_since=datetime.now(UTC),
                        last_error="city server unreachable: connection refused")
    indicator.show_status(status)
    assert indicator.text().startswith("Mất kết nối") and english_words(indicator.text()) == []
    assert indicator.toolTip().startswith("Chi tiết kỹ thuật: city server unreachable")
    tap(qtbot, window.header.lang_buttons["en"])
    qtbot.waitUntil(lambda: not vietnamese(indicator.text()), timeout=2000)
    assert indicator.text().startswith("Offline since")
    assert vietnamese_on(screen_texts([window]), allowed_vietnamese) == []
    window.close()
