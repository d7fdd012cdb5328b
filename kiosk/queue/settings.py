"""The hub and counter settings: the configuration's [hub] and [counter] sections with the
command line and environment overrides merged in. The office key can also come from the
environment (KIOSK_OFFICE_KEY) or the command line; the command line wins, then the
environment, then [hub] office_key.
"""

from __future__ import annotations

import os
from dataclasses import replace

from kiosk.config import Config, CounterConfig, HubConfig

OFFICE_KEY_ENV = "KIOSK_OFFICE_KEY"
DEFAULT_PORT = HubConfig().port
MIN_KEY_LENGTH = 8


def hub_settings(config: Config, *, url: str | None = None, key: str | None = None,
                 host: str | None = None, port: int | None = None) -> HubConfig:
    """`config.hub` with the overrides applied (the one place they are merged)."""
    hub = config.hub
    return replace(
        hub,
        office_key=key or os.environ.get(OFFICE_KEY_ENV, "") or hub.office_key,
        url=(url or hub.url).rstrip("/"),
        host=host or hub.host,
        port=hub.port if port is None else port,
    )


def counter_settings(config: Config, *, number: int | None = None,
                     services: tuple[str, ...] | None = None,
                     clerk: str | None = None) -> CounterConfig:
    """`config.counter` with the command line's overrides applied."""
    counter = config.counter
    return replace(
        counter,
        number=counter.number if number is None else number,
        services=counter.services if services is None else tuple(services),
        clerk=counter.clerk if clerk is None else clerk,
    )


def key_problem(key: str) -> str | None:
    """Why an office key cannot protect the hub, or None."""
    if not key:
        return (f"no office key: set [hub] office_key, {OFFICE_KEY_ENV}, or --key KEY "
                "(the same on every station of the office)")
    if len(key) < MIN_KEY_LENGTH:
        return f"the office key must be at least {MIN_KEY_LENGTH} characters"
    return None
