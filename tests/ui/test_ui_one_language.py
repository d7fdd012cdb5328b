"""One language at a time on every screen: each screen the documentation shows (the screenshot
modules of tools/screenshots drive the real windows into those states, offscreen) is read
widget by widget at the moment its picture is taken; a Vietnamese screen must show no English
word, an English one (the pictures named *_en* / *-en-*) nothing Vietnamese. The checks are in
tests/ui/onelanguage.py; below, they are shown to fail on a planted untranslated string."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import importlib  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
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
    ENGLISH_WORDS,
    could_be_vietnamese,
    english_on,
    english_words,
    screen_texts,
    vietnamese,
    vietnamese_on,
)
from tools.screenshots import NAMES  # noqa: E402

# -- the checks themselves ---------------------------------------------------------------------


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


# -- every documented screen -------------------------------------------------------------------

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
    "the city's reason for refusing a record, as the city wrote it (code: detail), in the "
    "admin view's table of refused records":
        lambda widget, text: isinstance(widget, QTableWidget)
        and re.match(r"[a-z_]+: ", text) is not None,
}


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
