"""Application set-up for the ticket kiosk: QApplication, bundled fonts, the window, the loop."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from kiosk.assets import FONT_FAMILY, FONT_FILES, font_path
from kiosk.config import Config
from kiosk.paths import Paths
from kiosk.ui.ticket_screen import TicketScreen
from kiosk.ui.workers import local_services

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

    Touches neither the database nor the network: the window offers this PC's catalog at
    once. Once started (here, unless `start` is false) the desk worker reads the run of failed
    prints saved in the station's database (out of service again if it had reached the limit)
    and, with [hub] role = "client", the office hub's services, which replace the shown ones
    when they arrive (the hub unreachable: this PC's catalog stays, and a tap says the hub is
    down). Tickets are then issued on this station's database, or at the hub for a client.
    """
    app = ensure_app()
    load_fonts(app)
    window = TicketScreen(config, paths, local_services(config), clock=clock, app=app)
    if start:
        window.start()
    return window


class _QuitAfterFirstFrame(QObject):
    """KIOSK_EXIT_AFTER_FIRST_FRAME=1 (build checks and start-up timing, see
    tests/test_frozen_build.py): once the window has painted, print the seconds since run_kiosk
    began and quit the normal way (threads stopped, exit code 0)."""

    def __init__(self, app: QApplication, started: float) -> None:
        super().__init__(app)
        self._app, self._started = app, started

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            elapsed = time.perf_counter() - self._started
            print(f"first frame after {elapsed:.3f} s", flush=True)
            log.info("first frame after %.3f s; quitting (KIOSK_EXIT_AFTER_FIRST_FRAME)", elapsed)
            QTimer.singleShot(0, self._app.quit)  # after the children of this paint pass
        return False


def start_office_hub(config: Config, paths: Paths):
    """With [hub] role = "hub", the office hub on a thread of this process (a HubHandle, to
    stop when the kiosk stops); else None. A hub that cannot start (port taken, no office key)
    is logged and gives None: the kiosk keeps issuing tickets from its own database."""
    if config.hub.role != "hub":
        return None
    from kiosk.hub.server import HubError, start_hub_in_thread
    from kiosk.queue.settings import hub_settings
    from kiosk.station import database_path

    settings = hub_settings(config)
    try:
        hub = start_hub_in_thread(database_path(config, paths), config, settings.office_key,
                                  host=settings.host, port=settings.port,
                                  tls_cert=settings.tls_cert, tls_key=settings.tls_key)
    except (HubError, OSError) as exc:
        log.error("the office hub did not start (the kiosk keeps issuing tickets): %s", exc)
        return None
    log.info("office hub listening on %s", hub.url)
    return hub


def run_kiosk(config: Config, paths: Paths) -> int:
    """Open the ticket kiosk (full screen and frameless when configured) and run until quit;
    on the office's hub PC ([hub] role = "hub") the hub runs alongside, on a thread."""
    started = time.perf_counter()
    app = ensure_app()
    window = build_window(config, paths)
    hub = start_office_hub(config, paths)
    if os.environ.get("KIOSK_EXIT_AFTER_FIRST_FRAME") == "1":
        window.installEventFilter(_QuitAfterFirstFrame(app, started))
    window.quit_requested.connect(app.quit)
    from kiosk.ui.lockdown import install_lockdown

    install_lockdown(app, window, config, paths)  # full screen only; owned by the app
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
        if hub is not None:
            hub.stop()
    log.info("ticket kiosk stopped (exit code %s)", code)
    return int(code)
