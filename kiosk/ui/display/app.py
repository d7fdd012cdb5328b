"""Open the display board: the window, its queue feed, its voice; its declaration for the
station runner (`DISPLAY`) and `run_display`, the CLI's entry."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.config import Config, DisplayConfig
from kiosk.paths import Paths
from kiosk.queue.catalog import load_catalog
from kiosk.ui.display.feed import BoardFeed, QueueOpener
from kiosk.ui.display.model import services_from_catalog
from kiosk.ui.display.window import DisplayBoard
from kiosk.ui.qtapp import ensure_app, load_fonts
from kiosk.ui.runner import Opened, Station, run_station

log = logging.getLogger(__name__)

WINDOW_SIZE = (1920, 1080)


@dataclass
class DisplayStation:
    """What `build_display` put together; `shutdown()` stops it in the right order."""

    board: DisplayBoard
    feed: BoardFeed
    announcer: Any = None
    demo: Any = None
    queue: Any = None  # closed here when the feed does not own it (the demo shares it)

    def shutdown(self) -> None:
        if self.demo is not None:
            self.demo.stop()
        self.feed.stop()
        if self.announcer is not None:
            self.announcer.close()
        if self.queue is not None:
            try:
                self.queue.close()
            except Exception:
                log.debug("closing the demo queue failed", exc_info=True)


def make_announcer(settings: DisplayConfig, parent=None):
    """The voice, or None when turned off. Builds QtMultimedia only here (display stations)."""
    if settings.voice == "off":
        return None
    from kiosk.ui.voice import VoiceAnnouncer

    return VoiceAnnouncer(parent, engine=settings.voice, gap_s=settings.announcement_gap_s,
                          volume=settings.volume)


def build_display(config: Config, paths: Paths, *, hub_url: str | None = None,
                  key: str | None = None, opener: QueueOpener | None = None,
                  queue: Any = None, demo: Any = None, voice: bool = True,
                  start: bool = True, clock: Callable | None = None) -> DisplayStation:
    """The board wired to its queue. By default the queue is `open_queue(config, paths, …)`
    (the hub over the LAN with a hub URL or a client configuration, else this station's
    database), opened on the feed's lane. Pass `queue` to share an already open one (the
    demo, tests): the caller closes it."""
    app = ensure_app()
    load_fonts(app)
    settings = config.display
    owns_queue = queue is None
    if opener is None:
        if queue is not None:
            shared = queue

            def opener(_on_connection):
                return shared
        else:
            from kiosk.station import open_queue

            def opener(on_connection):
                return open_queue(config, paths, hub_url=hub_url, key=key,
                                  on_connection=on_connection)

    announcer = make_announcer(settings) if voice else None
    board = DisplayBoard(config.office.name, services_from_catalog(load_catalog()),
                         settings=settings, timezone=config.office.timezone,
                         announcer=announcer, clock=clock)
    feed = BoardFeed(opener, refresh_s=settings.refresh_s, owns_queue=owns_queue, parent=board)
    feed.snapshot.connect(board.apply_snapshot)
    feed.event.connect(board.apply_event)
    feed.connection.connect(lambda ok, _reason: board.set_connected(ok))
    station = DisplayStation(board, feed, announcer, demo, None if owns_queue else queue)
    if start:
        feed.start()
        if demo is not None:
            demo.start()
    return station


def _open_display(app, config: Config, paths: Paths, *, hub_url: str | None = None,
                  key: str | None = None, demo: bool = False, windowed: bool = False) -> Opened:
    opener = office = None
    if demo:
        from kiosk.ui.display.demo import DemoOffice

        office = DemoOffice(None, [s.code for s in load_catalog()])

        def opener(_on_connection):
            # On the feed's lane: the demo's queue is this station's database, opened there;
            # the demo office starts driving it once it is open.
            from kiosk.queue.local import LocalQueue
            from kiosk.station import database_path

            if office.queue is None:  # (a retry after a failed subscription keeps it)
                office.queue = LocalQueue(database_path(config, paths), config)
                office.start()
            return office.queue

    station = build_display(config, paths, hub_url=hub_url, key=key, opener=opener)
    station.demo = office  # stopped before the feed closes its queue
    voice = station.announcer
    detail = (f"{'demo' if demo else hub_url or 'local'}, voice {getattr(voice, 'engine', 'off')}"
              f"{'' if voice is None or voice.audible else ', no audio output'}")
    return Opened(station.board, services=[station], detail=detail)


#: The TV board: full screen without a pointer unless windowed; its feed, voice and demo stop
#: with it (DisplayStation.shutdown).
DISPLAY = Station(
    "display board",
    open=_open_display,
    size=WINDOW_SIZE,
    full_screen=lambda config, options: bool(config and config.display.fullscreen
                                              and not options.get("windowed")),
    blank_cursor=True,
)


def run_display(config: Config, paths: Paths, *, hub_url: str | None = None,
                key: str | None = None, demo: bool = False, windowed: bool = False) -> int:
    """Open the board full screen (or windowed) and run until quit (Ctrl+Q on the board,
    Ctrl+C in the terminal, SIGTERM)."""
    return run_station(DISPLAY, config, paths, hub_url=hub_url, key=key, demo=demo,
                       windowed=windowed)
