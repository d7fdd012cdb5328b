"""The Qt foundation every window stands on: the one QApplication and the bundled fonts.

Station start-up, the event loop and shutdown are kiosk/ui/runner.py; this module knows no
station, so any screen (the admin view, a screenshot builder, a test) can use it.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from kiosk.assets import FONT_FAMILY, FONT_FILES, font_path

log = logging.getLogger(__name__)

_fonts_loaded = False


def ensure_app() -> QApplication:
    """The running QApplication, created if there is none."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("hcc-kiosk")
    return app  # type: ignore[return-value]


def load_fonts(app: QApplication | None = None) -> str:
    """Register the bundled Be Vietnam Pro files with Qt and make it the application font,
    so the screen never depends on the PC's fonts. Returns the family name."""
    global _fonts_loaded
    app = app or ensure_app()
    if not _fonts_loaded:
        for weight in FONT_FILES:
            path = font_path(weight)
            if QFontDatabase.addApplicationFont(str(path)) < 0:
                log.error("cannot load the font file %s", path)
        _fonts_loaded = True
    font = QFont(FONT_FAMILY)
    font.setPixelSize(22)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    app.setFont(font)
    return FONT_FAMILY
