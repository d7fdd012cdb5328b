"""Admin settings: the admin PIN (its hash lives in the configuration's [admin] pin_hash,
never the PIN itself) and the PIN pad's lockout, read from [admin]."""

from __future__ import annotations

import contextlib
import os
from dataclasses import fields
from pathlib import Path

from kiosk import config as config_mod
from kiosk.admin.pin import PinGate
from kiosk.config import Config, StationConfig
from kiosk.paths import Paths

ROLES: tuple[str, ...] = next(f for f in fields(StationConfig)
                              if f.name == "role").metadata["choices"]
LOCK_STATE_FILE = "admin-lock.json"


def station_role(config: Config) -> str:
    return config.station.role


def lock_state_file(paths: Paths) -> Path:
    return paths.data_dir / LOCK_STATE_FILE


def stored_pin_hash(config: Config, paths: Paths) -> str:
    """The admin PIN hash from [admin] pin_hash; empty when no PIN was ever set."""
    return config.admin.pin_hash


def save_pin_hash(config: Config, paths: Paths, pin_hash: str) -> Config:
    """Store a new PIN hash in the configuration file and clear any lockout. Returns the
    configuration now in force."""
    config = config.with_values(admin={"pin_hash": pin_hash})
    config_mod.save(config, paths.config_file)
    if os.name == "posix":
        with contextlib.suppress(OSError):
            os.chmod(paths.config_file, 0o600)
    pin_gate(config, paths).reset()
    return config


def pin_gate(config: Config, paths: Paths) -> PinGate:
    return PinGate(lock_state_file(paths), lock_after_tries=config.admin.lock_after_tries,
                   lock_minutes=config.admin.lock_minutes)
