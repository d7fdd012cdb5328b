"""The ticket kiosk station: `build_window()` (also for tests and screenshots), its declaration
for the station runner (`KIOSK`) and `run_kiosk()`, the CLI's entry.

Qt start-up, fonts, the loop and the stop are kiosk/ui/runner.py; the office hub that runs
beside the kiosk on the hub PC is built by kiosk/station.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.config import Config
from kiosk.paths import Paths
from kiosk.station import local_services, start_office_hub
from kiosk.ui.qtapp import ensure_app, load_fonts
from kiosk.ui.runner import Opened, Station, run_station
from kiosk.ui.ticket_screen import TicketScreen

log = logging.getLogger(__name__)

WINDOW_SIZE = (1366, 768)


def build_window(config: Config, paths: Paths, *,
                 clock: Callable[[], datetime] | None = None,
                 start: bool = True) -> TicketScreen:
    """Build the ticket screen without running the event loop (used by KIOSK and tests).

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


def fit_to_screen(window: QWidget, screen: QScreen | None = None) -> tuple[int, int]:
    """A windowed kiosk (`kiosk demo`, [kiosk] fullscreen = false) takes the screen's
    available area (without task bars), whichever way the screen is turned: 1366x768 on a
    portrait totem was half off the screen. Returns the size given."""
    screen = screen or window.screen() or QApplication.primaryScreen()
    if screen is None:
        return window.width(), window.height()
    area = screen.availableGeometry()
    # The frame (title bar, borders) the window manager adds comes off the area.
    frame = window.frameGeometry().size() - window.geometry().size()
    width = max(1, area.width() - max(0, frame.width()))
    height = max(1, area.height() - max(0, frame.height()))
    window.resize(width, height)
    window.move(area.topLeft())
    return width, height


def _open_kiosk(app: QApplication, config: Config, paths: Paths, **_options: Any) -> Opened:
    window = build_window(config, paths)
    mode = "full screen" if config.kiosk.fullscreen else "windowed"
    # Once the runner has shown it at the declared size: a windowed kiosk fits its screen.
    after_show = None if config.kiosk.fullscreen else (lambda: fit_to_screen(window))
    return Opened(window, detail=f"{mode}, printer {config.printer.uri}",
                  after_show=after_show)


#: The ticket kiosk: full screen and locked down when configured; on the office's hub PC
#: ([hub] role = "hub") the hub runs alongside, on a thread.
KIOSK = Station(
    "ticket kiosk",
    open=_open_kiosk,
    size=WINDOW_SIZE,
    full_screen=lambda config, _options: bool(config and config.kiosk.fullscreen),
    lockdown=True,
    services=(start_office_hub,),
)


def run_kiosk(config: Config, paths: Paths) -> int:
    """Open the ticket kiosk (full screen and frameless when configured) and run until quit;
    on the office's hub PC ([hub] role = "hub") the hub runs alongside, on a thread."""
    return run_station(KIOSK, config, paths)


__all__ = ["KIOSK", "WINDOW_SIZE", "build_window", "ensure_app", "fit_to_screen", "load_fonts",
           "run_kiosk", "start_office_hub"]
