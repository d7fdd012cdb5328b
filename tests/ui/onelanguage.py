"""One language at a time: what a screen shows, and the two checks on it.

- An English screen shows no Vietnamese: no text carries a mark only Vietnamese uses (after
  NFD: breve, circumflex, horn, the five tone marks) or the letter đ.
- A Vietnamese screen shows no English: no word of a text is in ENGLISH_WORDS. The list holds
  the words English screens of this project use (and the technician messages the lower layers
  write in English), each of which can never be a Vietnamese syllable typed without its marks
  (`could_be_vietnamese` checks that), so a name or an address read by a scanner without an
  input method ("Le Van Luong") never counts. Words Vietnamese screens borrow (Camera, USB,
  Enter, token) are not on it. Technical tokens are not words: addresses
  (usb://..., http://...), paths, file names, configuration keys ("[printer] uri",
  snake_case), anything with a digit.

What a screen shows is every visible widget's text, tool tip, the placeholder of an empty
field, tab titles, list and table items with their headers, combo box entries, and the window
title of each visible top-level window.
"""

from __future__ import annotations

import re
import unicodedata

from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTableWidget,
    QTabWidget,
    QTextEdit,
    QTreeWidget,
    QWidget,
)

#: Marks only Vietnamese uses, after NFD: breve, circumflex, horn, the five tone marks; and đ.
_VI_MARKS = {"\u0306", "\u0302", "\u031b", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def vietnamese(text: str) -> bool:
    return any(c in _VI_MARKS or c in "đĐ" for c in unicodedata.normalize("NFD", text))


#: English words of user interfaces and of the technician messages of the lower layers.
_WORDS = """
    about accept access account active add address all already and any apply are ask
    available back backup bad baudrate before between blocked browse busy button
    cable call called cancel cannot card change check checked checks choose
    city clear click clerk close closed code confirm connect connected connection could
    counter create current data database date default delete description detail
    details device devices disabled disk display does done down driver edit empty enable
    enabled entered error errors every exit expected export failed failure false field
    file files find finish finished first folder for found free from give good has have
    help here hidden history host hours invalid into just keyboard language last later
    level list load loaded local lock log logs look lookup make manual message missing more
    must name need network new next none number office offline online only open opened
    open or other paired paper password pause people please port ports power press
    print printed printer printers priority procedure ready reason receipt record records
    refused remove report required reset restart result results retry return right
    running save saved scan scanned scanner scanners search second select selected send
    sent serial server service services settings show skip some start started station
    status stop stopped success summary support sync test tested their there this
    ticket tickets time timeout today translation type unknown update
    use used user valid value version wait waiting warning was welcome were when which
    will with without work working write written wrong yes your
"""
ENGLISH_WORDS = frozenset(_WORDS.split())

_INITIALS = ("ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x")
_SYLLABLE = re.compile(
    rf"(?:{_INITIALS})?(?:[aeiouy]{{1,3}})(?:ng|nh|ch|c|m|n|p|t)?", re.IGNORECASE)


def could_be_vietnamese(word: str) -> bool:
    """Could `word` be a Vietnamese syllable written without its marks (initial consonant,
    one to three vowels, a final c/ch/m/n/ng/nh/p/t)?"""
    return _SYLLABLE.fullmatch(word) is not None


_TECHNICAL = re.compile(
    r"\w+://\S*"              # an address: usb://0416:5011, http://..., file:///tmp/x
    r"|\S*[/\\]\S*"           # a path
    r"|\[\w+\](?:\s*\w+)?"    # a configuration section or key as in kiosk.toml: [printer] uri
    r"|\w*_\w*"               # snake_case names
    r"|\S*\d\S*"              # anything with a digit: versions, ports, numbers, codes
    r"|[\w-]+\.[A-Za-z]\w*"   # file and host names
)
_TAGS = re.compile(r"<[^>]+>")


def english_words(text: str) -> list[str]:
    """The words of `text` that are in ENGLISH_WORDS, technical tokens left out."""
    plain = _TECHNICAL.sub(" ", _TAGS.sub(" ", text))
    return [w for w in re.findall(r"\w+", plain)
            if w.isascii() and w.lower() in ENGLISH_WORDS]


def _widget_texts(widget: QWidget) -> list[str]:
    texts = [widget.toolTip()]
    if isinstance(widget, (QLabel, QAbstractButton)):
        texts.append(widget.text())
    elif isinstance(widget, QGroupBox):
        texts.append(widget.title())
    elif isinstance(widget, QLineEdit):
        if not widget.text():
            texts.append(widget.placeholderText())
    elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
        if not widget.toPlainText():
            texts.append(widget.placeholderText())
    elif isinstance(widget, QTabWidget):
        for i in range(widget.count()):
            if widget.isTabVisible(i):
                texts += [widget.tabText(i), widget.tabToolTip(i)]
    elif isinstance(widget, QComboBox):
        texts += [widget.itemText(i) for i in range(widget.count())]
    elif isinstance(widget, QListWidget):
        for i in range(widget.count()):
            item = widget.item(i)
            if not item.isHidden():
                texts += [item.text(), item.toolTip()]
    elif isinstance(widget, QTableWidget):
        for column in range(widget.columnCount()):
            if widget.isColumnHidden(column):
                continue
            header = widget.horizontalHeaderItem(column)
            if header is not None:
                texts.append(header.text())
            for row in range(widget.rowCount()):
                item = widget.item(row, column)
                if item is not None and not widget.isRowHidden(row):
                    texts += [item.text(), item.toolTip()]
    elif isinstance(widget, QTreeWidget):
        header = widget.headerItem()
        texts += [header.text(c) for c in range(widget.columnCount())]
    return texts


def screen_texts(roots: list[QWidget] | None = None) -> list[tuple[QWidget, str]]:
    """(widget, text) of all a person read on visible top-level windows (or `roots`)."""
    if roots is None:
        roots = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    found: list[tuple[QWidget, str]] = []
    for root in roots:
        found.append((root, root.windowTitle()))
        for widget in [root, *root.findChildren(QWidget)]:
            if widget.isVisible():
                found += [(widget, t) for t in _widget_texts(widget)]
    return [(w, t) for w, t in found if t and t.strip()]


def describe(widget: QWidget, text: str) -> str:
    name = widget.objectName()
    return f"{type(widget).__name__}{' ' + name if name else ''}: {text!r}"


def english_on(texts, allowed=lambda widget, text: False) -> list[str]:
    """What in `texts` shows English words on a Vietnamese screen."""
    return [f"{describe(w, t)} {english_words(t)}" for w, t in texts
            if english_words(t) and not allowed(w, t)]


def vietnamese_on(texts, allowed=lambda widget, text: False) -> list[str]:
    """What in `texts` shows Vietnamese on an English screen."""
    return [describe(w, t) for w, t in texts if vietnamese(t) and not allowed(w, t)]
