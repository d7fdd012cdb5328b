"""The database lane behind the citizen-facing views: dossier look-ups, feedback, ratings.

One lane, "kiosk-feedback" (kiosk/ui/operations.py), owns its own connection to the station
database and, on a hub client, the office hub's queue: each opened on the lane when first
needed, closed when the lane stops. The UI thread never waits for SQLite or the hub, so a long
write by a counter (busy_timeout is 15 s) cannot freeze the kiosk while a citizen types.

The lane's thread starts on the first request, not before, so a window that never uses it (a
counter whose citizens never rate) runs no extra thread. Failures reach the screen as
(message_vi, message_en); only message_en is logged, never what the citizen typed or which
dossier they looked up. They are logged on the lane, so a rating that could not be stored is
in the log even when its screen has gone.

A petition's slip is printed on this lane too, on the station's printer opened here on first
need (the ticket lane keeps its own handle: the drivers open a link per job, and one kiosk
screen never prints a ticket and a slip at the same moment).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject

from kiosk.config import Config
from kiosk.failures import translate
from kiosk.feedback.errors import FeedbackError
from kiosk.paths import Paths
from kiosk.ui.operations import Lane

log = logging.getLogger(__name__)

LANE = "kiosk-feedback"

Failed = Callable[[str, str], None]  # (message_vi, message_en)


def _failure(exc: BaseException) -> tuple[str, str]:
    """(message_vi, message_en) of a failed look-up, feedback or rating."""
    if isinstance(exc, FeedbackError):
        return exc.message_vi, exc.message_en
    from kiosk.queue.errors import HubUnavailable

    if isinstance(exc, HubUnavailable):
        return ("Chưa tra cứu được do mất kết nối với máy chủ của điểm phục vụ. Vui lòng thử "
                "lại sau ít phút hoặc hỏi cán bộ tại quầy.",
                "The office server cannot be reached just now. Please try again in a few "
                "minutes or ask at a counter.")
    # A database fault arrives as the store's own error (kiosk/failures.py); the citizen is
    # told the same as for any other fault, and the name is the one of the fault itself.
    cause = exc.__cause__ or exc
    return ("Hệ thống đang bận, vui lòng thử lại sau ít phút hoặc hỏi cán bộ tại quầy.",
            f"{cause.__class__.__name__} in the feedback worker")


class _Station:
    """The lane's resource: the station database and the office hub, each opened on first
    need (on the lane's thread) and closed with the lane."""

    def __init__(self, config: Config, paths: Paths) -> None:
        self.config = config
        self.paths = paths
        self._db: Any = None
        self._hub: Any = None
        self._printer: Any = None

    def db(self) -> Any:
        if self._db is None:
            from kiosk.station import open_database

            self._db = open_database(self.config, self.paths)
        return self._db

    def hub(self) -> Any:
        """The office hub, when this station is its client: the office dossier book is
        there (kiosk/dossiers/book.py), and older counters' public forwards."""
        if self._hub is None:
            from kiosk.station import open_queue

            self._hub = open_queue(self.config, self.paths)
        return self._hub

    def printer(self) -> Any:
        """The kiosk's printer, for petition slips (opened on first need)."""
        if self._printer is None:
            from kiosk.station import open_configured_printer

            self._printer = open_configured_printer(self.config, self.paths)
        return self._printer

    def close(self) -> None:
        self._printer = None
        if self._db is not None:
            self._db.conn.close()
            self._db = None
        if self._hub is not None:
            self._hub.close()
            self._hub = None


def _logged(work: Callable[[_Station], Any], level: int, what: str
            ) -> Callable[[_Station], Any]:
    """`work`, logging its failure on the lane (message_en only) before passing it on."""
    def run(station: _Station) -> Any:
        try:
            return work(station)
        except Exception as exc:
            translated = translate(exc)
            extra = getattr(translated, "message_en", "") if translated is not exc else ""
            log.log(level, "%s: %s%s", what, _failure(translated)[1],
                    f" ({extra})" if extra else "")
            raise
    return run


@dataclass(frozen=True)
class PetitionTaken:
    feedback: Any
    petition: Any
    printed: bool


def print_petition_slip(config: Config, station: _Station, petition: Any,
                        language: str = "vi") -> bool:
    """Print the petition's slip on the kiosk's printer; False (logged) when it cannot."""
    from kiosk.petitions.slip import print_petition_slip as print_slip

    try:
        print_slip(station.printer(), config, petition, language)
        return True
    except Exception as exc:
        log.warning("petition %s: slip not printed: %s", petition.code,
                    getattr(exc, "message_en", exc.__class__.__name__))
        return False


class FeedbackLane(QObject):
    """Look-ups, feedback and ratings on the "kiosk-feedback" lane. Each request names what
    to do with the answer (`done`) and with a failure (`failed(message_vi, message_en)`), both
    called on the UI thread and only while `owner` still exists."""

    def __init__(self, config: Config, paths: Paths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._config = config
        self.lane = Lane(LANE, lambda: _Station(config, paths), _Station.close)

    @property
    def running(self) -> bool:
        return self.lane.running

    def _run(self, work: Callable[[_Station], Any], done: Callable[[Any], None] | None,
             failed: Failed | None, owner: object | None, label: str) -> None:
        def on_failure(exc: BaseException) -> None:
            if failed is not None:
                failed(*_failure(exc))

        self.lane.run(work, done, on_failure, owner=owner if owner is not None else self,
                      label=label)

    def lookup(self, code: str, done: Callable[[Any], None], failed: Failed, *,
               owner: object | None = None) -> None:
        """Look a dossier code up: `done(PublicDossierView or None)` (None: no such code); a
        petition's code: `done(PublicPetitionView or None)`, from this station's database
        (petitions are taken and handled where the kiosk is: the hub in a LAN office)."""
        config = self._config

        def work(station: _Station) -> Any:
            from zoneinfo import ZoneInfo

            from kiosk.petitions.cases import looks_like_petition_code

            if looks_like_petition_code(code):
                from datetime import datetime as _datetime

                from kiosk.calendar import CalendarRules
                from kiosk.petitions.cases import office_lookup
                from kiosk.queue.settings import hub_settings

                today = _datetime.now(ZoneInfo(config.office.timezone)).date()
                client = hub_settings(config).role == "client"
                return office_lookup(station.db(), code, CalendarRules.from_config(config),
                                     today, station.hub if client else None)

            from kiosk.officefeed.records import find_office_view
            from kiosk.queue.settings import hub_settings

            client = hub_settings(config).role == "client"
            return find_office_view(
                station.db(), code, ZoneInfo(config.office.timezone),
                (lambda c: station.hub().dossier_view(c)) if client else None)

        self._run(_logged(work, logging.ERROR, "dossier look-up failed"), done, failed, owner,
                  "dossier look-up")

    def save_feedback(self, *, topic: str, text: str, phone: str | None, at: datetime,
                      language: str = "vi", done: Callable[[Any], None] | None = None,
                      failed: Failed | None = None, owner: object | None = None) -> None:
        """Store a citizen's feedback as a petition case and print its slip:
        `done(PetitionTaken)`. A slip that cannot be printed does not undo the petition (the
        screen shows the code); the failure is logged without the petition's words."""
        config = self._config

        def work(station: _Station) -> Any:
            from kiosk.petitions.cases import take_petition

            feedback, petition = take_petition(station.db(), config, topic=topic, text=text,
                                               phone=phone, at=at)
            return PetitionTaken(feedback, petition,
                                 print_petition_slip(config, station, petition, language))

        self._run(_logged(work, logging.WARNING, "citizen feedback not stored"), done, failed,
                  owner, "save feedback")

    def save_rating(self, *, done: Callable[[Any], None] | None = None,
                    failed: Failed | None = None, owner: object | None = None,
                    **request: Any) -> None:
        """Store a rating: `request` is record_rating()'s keyword arguments (without db and
        station_id); `done(Rating)`."""
        station_id = self._config.station.id

        def work(station: _Station) -> Any:
            from kiosk.feedback.ratings import record_rating

            return record_rating(station.db(), station_id=station_id, **request)

        self._run(_logged(work, logging.ERROR, "rating not stored"), done, failed, owner,
                  "save rating")

    def stop(self) -> None:
        """Let the requests already made finish, close the connections, end the thread."""
        self.lane.stop()
