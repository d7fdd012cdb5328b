"""The one station runner: Qt start-up, fonts, the window shown full screen or not, lock-down,
Ctrl+C/SIGTERM, the event loop and the orderly stop, for every station.

Each station declares itself with a `Station` next to its window (kiosk/ui/app.py KIOSK,
counter/window.py COUNTER, display/app.py DISPLAY, rating_view.py RATING, office/window.py
OFFICE, wizard/wizard.py WIZARD, admin/standalone.py ADMIN): its name, how to open its window,
the window size, full screen or not, whether it is locked down, the services that run beside
it. Its `run_*` function is `run_station(ITS_STATION, config, paths, **options)`.

What a run does, in order:

1. the QApplication and the bundled fonts (kiosk/ui/qtapp.py);
2. `station.open(app, config, paths, **options)`: the window, its threads started, plus what it
   built for itself (`Opened`), or None when there is nothing to run (a refused PIN);
3. the declared services (`station.services`, builders from kiosk/station.py such as
   `start_office_hub`), started in order on the station's services lane (a database opened
   and a port bound there, not before the first frame);
4. with KIOSK_EXIT_AFTER_FIRST_FRAME=1, quit once the window has painted (build checks and
   start-up timing: tests/test_frozen_build.py, tests/test_lazy_imports.py);
5. the window's `quit_requested` signal (the technician shortcut) ends the loop; the lock-down
   (kiosk/ui/lockdown.py) where the station asks for it;
6. show: full screen (frameless, covering the primary screen even where no window manager
   honours "full screen"; a blank pointer where declared), maximised, or at the declared size;
7. SIGINT/SIGTERM end the loop; Python runs signal handlers only between Qt events, so a
   short timer wakes the interpreter up;
8. the loop: the application's (`app.exec()`), or, for a modal station (the set-up wizard
   before the station starts, `kiosk admin`), a local one that ends on its `Opened.done`;
9. afterwards, whatever happened: signal handlers restored, `window.shutdown()`, then the
   services stopped on their lane, the last started first (`shutdown()`, `stop()` or
   `close()`), then what `open` built; a modal station's window is hidden and deleted.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.config import Config
from kiosk.paths import Paths
from kiosk.ui.operations import Lane, station_ran
from kiosk.ui.qtapp import ensure_app, load_fonts

log = logging.getLogger(__name__)

#: How often the interpreter gets to run a pending signal handler during the event loop.
SIGNAL_WAKE_MS = 500

Options = dict[str, Any]


def never(_config: Config | None, _options: Options) -> bool:
    return False


@dataclass
class Opened:
    """What a station's `open` built.

    `services`: objects it made that must stop after the loop (a queue it subscribed the
    window to, the display's feed and voice), stopped after the declared ones.
    `detail`: the words in the "started (...)" log line. `after_show`: run once the window
    is shown. `done`: for a modal station, the signal that ends its loop; `result` turns what
    it emitted into run_station's return value (default: what it emitted)."""

    window: QWidget
    services: list[Any] = field(default_factory=list)
    detail: str = ""
    after_show: Callable[[], None] | None = None
    done: Any = None
    result: Callable[..., Any] | None = None


@dataclass(frozen=True)
class Station:
    """A station's declaration: what the runner opens and how."""

    #: In the log: "<name> started (...)", "<name> stopped (exit code N)".
    name: str
    #: open(app, config, paths, **options) -> Opened, or None: nothing to run (`refused`).
    open: Callable[..., Opened | None]
    #: The window's size when it is neither full screen nor maximised.
    size: tuple[int, int] = (1366, 768)
    #: Full screen for this configuration and these options?
    full_screen: Callable[[Config | None, Options], bool] = never
    maximized: bool = False
    #: No pointer on a full-screen window (a TV board).
    blank_cursor: bool = False
    #: Lock the window down (kiosk/ui/lockdown.py: only when [kiosk] fullscreen).
    lockdown: bool = False
    #: Services started after the window, stopped after the loop: builder(config, paths)
    #: returns something with stop()/close(), or None when not wanted here.
    services: Sequence[Callable[[Config, Paths], Any]] = ()
    #: A modal station runs its own loop until `Opened.done` and returns its result.
    modal: bool = False
    #: What run_station returns when `open` gave None.
    refused: Any = 1


class QuitAfterFirstFrame(QObject):
    """KIOSK_EXIT_AFTER_FIRST_FRAME=1 (build checks and start-up timing, see
    tests/test_frozen_build.py): once the window has painted, print the seconds since the
    station began to start and quit the normal way (threads stopped, exit code 0)."""

    def __init__(self, app: QApplication, started: float) -> None:
        super().__init__(app)
        self._app, self._started = app, started

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            elapsed = time.perf_counter() - self._started
            print(f"first frame after {elapsed:.3f} s", flush=True)
            log.info("first frame after %.3f s; quitting (KIOSK_EXIT_AFTER_FIRST_FRAME)", elapsed)
            QTimer.singleShot(0, self._app.quit)  # after the children of this paint pass
        return False


def show(app: QApplication, window: QWidget, station: Station, full_screen: bool) -> None:
    """Show the window as the station declares it."""
    if full_screen:
        window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        # Cover the screen even where no window manager honours "full screen" (bare X kiosks).
        screen = app.primaryScreen()
        if screen is not None:
            window.setGeometry(screen.geometry())
        window.showFullScreen()
        if station.blank_cursor:
            app.setOverrideCursor(Qt.CursorShape.BlankCursor)
    elif station.maximized:
        window.resize(*station.size)
        window.showMaximized()
    else:
        window.resize(*station.size)
        window.show()


def stop_service(service: Any) -> None:
    """Stop one service the way it knows (shutdown, stop or close); a failure is logged."""
    for method in ("shutdown", "stop", "close"):
        stop = getattr(service, method, None)
        if callable(stop):
            try:
                stop()
            except Exception:
                log.exception("stopping %r failed", service)
            return


def _start_service(started: list[Any], start: Callable[[Config, Paths], Any],
                   config: Config | None, paths: Paths) -> None:
    service = start(config, paths)  # type: ignore[arg-type]
    if service is not None:
        started.append(service)


def _stop_services(started: list[Any]) -> None:
    for service in reversed(started):
        stop_service(service)


def run_station(station: Station, config: Config | None, paths: Paths, **options: Any) -> Any:
    """Open the station and run its loop until it ends; then stop everything it started.
    Returns the exit code (a modal station: its result)."""
    started = time.perf_counter()
    app = ensure_app()
    load_fonts(app)
    opened = station.open(app, config, paths, **options)
    if opened is None:
        return station.refused
    station_ran()
    window = opened.window
    # The services beside the window (the office hub on the hub PC: a database and a port to
    # bind) start and stop on a lane of their own, never holding up the first frame; the lane
    # owns what it started and stops it, the last started first, when the station stops.
    services = Lane(f"{station.name}-services", open=list, close=_stop_services)
    loop: QApplication | QEventLoop = QEventLoop() if station.modal else app
    outcome: dict[str, Any] = {}
    previous: dict[int, Any] = {}
    try:
        for start in station.services:
            services.run(lambda started, start=start: _start_service(started, start, config,
                                                                     paths),
                         label=f"start {getattr(start, '__name__', 'a service')}")
        if not station.modal and os.environ.get("KIOSK_EXIT_AFTER_FIRST_FRAME") == "1":
            window.installEventFilter(QuitAfterFirstFrame(app, started))
        quit_requested = getattr(window, "quit_requested", None)
        if quit_requested is not None:
            quit_requested.connect(loop.quit)
        if station.modal and opened.done is not None:
            # One named parameter: PySide6 passes a slot of `*args` no arguments at all.
            def done(value: Any = None) -> None:
                outcome["result"] = (opened.result(value) if opened.result is not None
                                     else value)
                loop.quit()

            opened.done.connect(done)
        if station.lockdown and config is not None:
            from kiosk.ui.lockdown import install_lockdown

            install_lockdown(app, window, config, paths)  # full screen only; owned by the app
        show(app, window, station, station.full_screen(config, options))
        if opened.after_show is not None:
            opened.after_show()
        log.info("%s started%s", station.name, f" ({opened.detail})" if opened.detail else "")
        # Ctrl+C in a terminal or a service manager's SIGTERM: leave the loop and stop the
        # threads cleanly.
        previous = {sig: signal.signal(sig, lambda *_: loop.quit())
                    for sig in (signal.SIGINT, signal.SIGTERM)}
        wake = QTimer()
        wake.timeout.connect(lambda: None)  # a Python slot: the interpreter gets to run
        wake.start(SIGNAL_WAKE_MS)
        try:
            code = loop.exec()
        finally:
            wake.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        alive = shiboken6.isValid(window)  # a modal window may have deleted itself on close
        shutdown = getattr(window, "shutdown", None) if alive else None
        if callable(shutdown):
            shutdown()
        services.stop()
        for service in opened.services:
            stop_service(service)
        if station.modal and alive:
            window.hide()
            window.deleteLater()
    if station.modal:
        return outcome.get("result")
    log.info("%s stopped (exit code %s)", station.name, code)
    return int(code)


__all__ = ["Opened", "QuitAfterFirstFrame", "Station", "ensure_app", "load_fonts",
           "run_station", "show", "stop_service"]
