"""What a station opens from its configuration: the database and the printer."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from kiosk.config import Config
from kiosk.paths import Paths
from kiosk.store import connect


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
                        left_margin=config.printer.left_margin)


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
