"""Application set-up for the ticket kiosk: QApplication, bundled fonts, the window, the loop."""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from kiosk.assets import FONT_FAMILY, FONT_FILES, font_path
from kiosk.config import Config
from kiosk.paths import Paths
from kiosk.station import open_database
from kiosk.ticketing import TicketDesk
from kiosk.ui.ticket_screen import TicketScreen

log = logging.getLogger(__name__)

WINDOW_SIZE = (1366, 768)
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


def build_window(config: Config, paths: Paths, *,
                 clock: Callable[[], datetime] | None = None,
                 start: bool = True) -> TicketScreen:
    """Build the ticket screen without running the event loop (used by run_kiosk and tests).

    Reads the offered services and the station's consecutive print failures on this thread
    (a short read at start-up), then hands all further database and printer work to the
    worker threads, started here unless `start` is false.
    """
    app = ensure_app()
    load_fonts(app)
    db = open_database(config, paths)
    try:
        desk = TicketDesk(db, config)
        services = desk.services
        failures = desk.consecutive_print_failures()
    finally:
        db.conn.close()
    window = TicketScreen(config, paths, services, failures=failures, clock=clock, app=app)
    if start:
        window.start()
    return window


def run_kiosk(config: Config, paths: Paths) -> int:
    """Open the ticket kiosk (full screen and frameless when configured) and run until quit."""
    app = ensure_app()
    window = build_window(config, paths)
    window.quit_requested.connect(app.quit)
    if config.kiosk.fullscreen:
        window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        # Cover the screen even where no window manager honours "full screen" (bare X kiosks).
        screen = app.primaryScreen()
        if screen is not None:
            window.setGeometry(screen.geometry())
        window.showFullScreen()
    else:
        window.resize(*WINDOW_SIZE)
        window.show()
    log.info("ticket kiosk started (%s, printer %s)",
             "full screen" if config.kiosk.fullscreen else "windowed", config.printer.uri)
    # Ctrl+C in a terminal or a service manager's SIGTERM: leave the loop and stop the threads
    # cleanly. (Python runs the handler at the next timer tick; the clock ticks every second.)
    previous = {sig: signal.signal(sig, lambda *_: app.quit())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        code = app.exec()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        window.shutdown()
    log.info("ticket kiosk stopped (exit code %s)", code)
    return int(code)
