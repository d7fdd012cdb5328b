"""Where a station keeps its configuration and state.

`--data-dir DIR` puts every piece of state (database, logs, print previews) under DIR, so
several stations and the tests can share one machine. Without it, the platform's user folders
are used: the data folder, the config folder and the log folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "hcc-kiosk"
CONFIG_ENV = "KIOSK_CONFIG"
DATA_DIR_ENV = "KIOSK_DATA_DIR"


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    config_file: Path
    #: Log folder; None (the default) means `data_dir / "logs"`.
    logs: Path = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.logs is None:
            object.__setattr__(self, "logs", Path(self.data_dir) / "logs")

    @property
    def database(self) -> Path:
        return self.data_dir / "kiosk.db"

    @property
    def archive(self) -> Path:
        """Closed calendar years moved out of the database (kiosk/archive)."""
        return self.data_dir / "archive"

    @property
    def previews(self) -> Path:
        return self.data_dir / "previews"


def resolve(data_dir: str | os.PathLike | None = None,
            config: str | os.PathLike | None = None) -> Paths:
    data_dir = data_dir or os.environ.get(DATA_DIR_ENV)
    base = Path(data_dir) if data_dir else Path(platformdirs.user_data_dir(APP_NAME, False))
    if config or os.environ.get(CONFIG_ENV):
        config_file = Path(config or os.environ[CONFIG_ENV])
    elif data_dir:
        config_file = base / "kiosk.toml"
    else:
        config_file = Path(platformdirs.user_config_dir(APP_NAME, False)) / "kiosk.toml"
    logs = None if data_dir else Path(platformdirs.user_log_dir(APP_NAME, False))
    return Paths(data_dir=base.expanduser(), config_file=config_file.expanduser(), logs=logs)
