"""What a station opens from its configuration, and the one place its services are built:

- the database (`open_database`, one connection per thread) and the printer;
- the queue (`open_queue`): the office hub's over the LAN (RemoteQueue, which also forwards
  this station's dossiers and ratings to the hub: kiosk/officefeed) or this station's own
  (LocalQueue);
- the ticket desk (`open_desk`): a TicketDesk on this station's database, or a `QueueDesk` over
  the hub's queue for a hub client;
- the office hub on a thread of this process (`start_office_hub`, [hub] role = "hub");
- the city sync worker (`sync_worker`).

Plain, blocking Python (no Qt): the windows call these from their worker threads, and
kiosk/ui/runner.py stops what a station started when its window closes. A new background
service of a station gets its builder here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from kiosk.config import Config
from kiosk.paths import Paths
from kiosk.queue.catalog import Service, load_catalog
from kiosk.queue.errors import HubUnavailable, InvalidRequest, QueueError
from kiosk.queue.priority import PriorityCategory
from kiosk.store import connect
from kiosk.tickets import PRINT_FAILED, PRINTED, Ticket

if TYPE_CHECKING:
    from kiosk.queue.service import ConnectionState, QueueService
    from kiosk.ticketing import PrintOutcome, TicketDesk

# kiosk.ticketing (and the printout it draws with: Pillow) is imported where a desk works, not
# here: the CLI's light commands (backup, sync, doctor) find the station database through
# this module.

log = logging.getLogger(__name__)


def database_path(config: Config, paths: Paths) -> Path:
    return Path(config.store.path) if config.store.path else paths.database


def open_database(config: Config, paths: Paths) -> Database:
    """A new connection (one per thread) to the station database, migrated."""
    path = database_path(config, paths)
    if path.parent == paths.data_dir:
        # A data folder made 0755 by an older version: owner-only now (the files are too).
        from kiosk.private_files import private_dir

        private_dir(paths.data_dir)
    return connect(path)


def open_configured_printer(config: Config, paths: Paths, uri: str | None = None,
                            width: int | None = None):
    """The configured ticket printer, or `uri`/`width` instead where given."""
    from drivers.printers import open_printer

    return open_printer(uri or config.printer.uri, width_mm=width or config.printer.width,
                        timeout_s=config.printer.timeout_s, preview_dir=paths.previews,
                        check_status=config.printer.check_status,
                        native_qr=config.printer.native_qr,
                        left_margin=config.printer.left_margin,
                        profile=config.printer.profile)


def open_receipt_printer(config: Config, paths: Paths, uri: str | None = None):
    """The dossier receipt printer: `uri` where given (a command's --printer), else [dossiers]
    receipt_printer, else the ticket printer; [dossiers] receipt_width is the width of the
    first two."""
    uri = uri or config.dossiers.receipt_printer or None
    return open_configured_printer(config, paths, uri,
                                   config.dossiers.receipt_width if uri else None)


STATION_ID_FILE = "station-id"


def with_station_id(config: Config, paths: Paths) -> Config:
    """`config` with [station] id filled in: an empty id (the default) becomes this
    installation's own, made at the first start (role and a random suffix) and kept in the
    data folder, so no two installations send the city records under one name."""
    if config.station.id:
        return config
    path = paths.data_dir / STATION_ID_FILE
    try:
        station_id = path.read_text(encoding="utf-8").strip()
    except OSError:
        station_id = ""
    if not station_id:
        import secrets

        station_id = f"{config.station.role}-{secrets.token_hex(4)}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(station_id + "\n", encoding="utf-8")
        except OSError:
            pass  # a read-only data folder: this run's records still carry a unique id
    return config.with_values(station={"id": station_id})


# -- the queue ----------------------------------------------------------------------------------

def open_queue(config: Config, paths: Paths, *, hub_url: str | None = None,
               key: str | None = None,
               on_connection: Callable[[ConnectionState], None] | None = None
               ) -> QueueService:
    """The queue this station uses: the hub's over the LAN when a hub URL is given or the
    station is configured as a client, else its own database (standalone or the hub)."""
    from kiosk.queue.settings import client_key, hub_settings

    settings = hub_settings(config, url=hub_url, key=key)
    if hub_url or settings.role == "client":
        from kiosk.queue.remote import RemoteQueue

        if not settings.url:
            raise InvalidRequest("this station is a hub client but no hub URL is configured "
                                 "([hub] url, or --hub URL)")
        return RemoteQueue(settings.url, client_key(settings), timeout_s=settings.timeout_s,
                           outbox_path=database_path(config, paths),
                           on_connection=on_connection, tz=config.office.timezone,
                           ca_file=settings.ca_file, dossier_book=settings.role == "client")
    from kiosk.queue.local import LocalQueue

    return LocalQueue(database_path(config, paths), config)


# -- the ticket desk ----------------------------------------------------------------------------

def offered_services(config: Config, catalog: Iterable[Service]) -> list[Service]:
    """The services of `catalog` this kiosk offers, in the configured order ([kiosk] services;
    empty: all of them, in the catalog's order)."""
    by_code = {s.code: s for s in catalog}
    wanted = config.kiosk.services
    if not wanted:
        return list(by_code.values())
    return [by_code[c] for c in wanted if c in by_code]


def local_services(config: Config) -> list[Service]:
    """The services this kiosk offers from this PC's own catalog (the bundled asset file, the
    same one a standalone station's TicketDesk uses): no database, no network, so the screen
    can show them at once."""
    return offered_services(config, load_catalog())


class QueueDesk:
    """The TicketDesk methods the ticket screen uses, over the office queue interface
    (a hub client: `open_queue` gives a RemoteQueue). Tickets are the hub's; the slip is
    rendered and printed here. Every method blocks on the network or this station's database:
    worker threads only. `paths`: where this station's database is (for the saved run of
    failed prints; opened on first use)."""

    def __init__(self, queue, config: Config, paths: Paths | None = None):
        self.queue = queue
        self.config = config
        self._paths = paths
        self._db = None
        self._catalog: dict[str, Service] | None = None

    def _services_by_code(self) -> dict[str, Service]:
        if self._catalog is None:
            try:
                catalog = self.queue.services()
            except QueueError as exc:  # the hub is down: this PC's catalog, not cached
                log.warning("cannot read the hub's services (%s); using the local catalog",
                            exc)
                return {s.code: s for s in load_catalog()}
            self._catalog = {s.code: s for s in catalog}
        return self._catalog

    @property
    def services(self) -> list[Service]:
        """The services this kiosk offers, in the configured order."""
        return offered_services(self.config, self._services_by_code().values())

    def hub_services(self) -> list[Service]:
        """The services this kiosk offers as the hub lists them (kept once read). Raises
        QueueError (HubUnavailable, Unauthorized) when the hub cannot tell: no local fallback
        here, the screen keeps what it shows."""
        if self._catalog is None:
            self._catalog = {s.code: s for s in self.queue.services()}
        return offered_services(self.config, self._catalog.values())

    def service(self, code: str) -> Service:
        catalog = self._services_by_code()
        try:
            return catalog[code]
        except KeyError:
            from kiosk.ticketing import UnknownService

            raise UnknownService(code, list(catalog)) from None

    def known_service(self, code: str) -> Service | None:
        """The service as already known (the hub's list once read, else this PC's catalog),
        without asking the hub."""
        if self._catalog is not None:
            return self._catalog.get(code)
        return next((s for s in load_catalog() if s.code == code), None)

    def issue(self, service_code: str, priority: PriorityCategory | None = None) -> Ticket:
        return self.queue.issue(service_code, priority)

    def get(self, ticket_id: int) -> Ticket:
        return self.queue.get(ticket_id)

    def waiting_counts(self) -> dict[str, int]:
        return dict(self.queue.snapshot().waiting or {})

    def _station_db(self):
        if self._db is None:
            if self._paths is None:
                raise RuntimeError("no station database for this desk")
            self._db = open_database(self.config, self._paths)
        return self._db

    def print_failure_count(self) -> int:
        """The screen's run of failed prints, as saved in this station's database (the hub
        keeps no per-kiosk print history)."""
        from kiosk.ticketing import saved_print_failures

        return saved_print_failures(self._station_db()) or 0

    def save_print_failure_count(self, count: int) -> None:
        from kiosk.ticketing import save_print_failures

        save_print_failures(self._station_db(), count)

    def record_print(self, ticket: Ticket, ok: bool, detail: str | None = None) -> Ticket:
        try:
            return self.queue.record_print(ticket.id, ok, detail)
        except HubUnavailable as exc:  # kept in the outbox, sent when the hub returns
            log.warning("print outcome of ticket %s not delivered yet: %s", ticket.number, exc)
            return replace(ticket, print_status=PRINTED if ok else PRINT_FAILED)

    def print_ticket(self, ticket: Ticket, printer, language: str = "vi") -> PrintOutcome:
        """Render and print here (in the citizen's screen language); the outcome goes to the
        hub whatever happens."""
        from kiosk.ticketing import PrintOutcome, print_slip, ticket_slip

        slip = ticket_slip(self.config, self.service(ticket.service_code), ticket, language)
        ok, message_vi, message_en, detail = print_slip(printer, slip, ticket)
        return PrintOutcome(self.record_print(ticket, ok, detail), ok, message_vi, message_en)

    def close(self) -> None:
        try:
            self.queue.close()
        finally:
            if self._db is not None:
                self._db.conn.close()
                self._db = None


def open_desk(config: Config, paths: Paths) -> tuple[TicketDesk | QueueDesk, Callable[[], None]]:
    """The desk this station issues through, and how to close it: with [hub] role = "client"
    the office hub's queue, else a TicketDesk on this station's own database."""
    if config.hub.role == "client":
        desk = QueueDesk(open_queue(config, paths), config, paths)
        return desk, desk.close
    from kiosk.ticketing import TicketDesk

    db = open_database(config, paths)
    try:
        return TicketDesk(db, config), db.conn.close
    except BaseException:
        db.conn.close()
        raise


# -- the office hub -----------------------------------------------------------------------------

def start_office_hub(config: Config, paths: Paths) -> Any:
    """With [hub] role = "hub", the office hub on a thread of this process (a HubHandle, to
    stop when the station stops); else None. A hub that cannot start (port taken, no office
    key) is logged and gives None: the kiosk keeps issuing tickets from its own database."""
    if config.hub.role != "hub":
        return None
    from kiosk.hub.server import HubError, start_hub_in_thread
    from kiosk.queue.settings import hub_settings

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


# -- the city sync ------------------------------------------------------------------------------

def sync_worker(config: Config, paths: Paths, *, on_change: Callable[[Any], None] | None = None
                ) -> Any:
    """The city sync worker of this station (not started), or None when no city server is
    configured ([sync] server_url). It forwards nothing to the hub itself: a client's office
    records go with its queue (`open_queue`)."""
    if not config.sync.server_url:
        return None
    from sync.worker import worker_from_config

    return worker_from_config(config, database_path(config, paths), on_change=on_change)
