"""The hub and counter settings: the configuration's [hub] and [counter] sections with the
command line and environment overrides merged in. The office key can also come from the
environment (KIOSK_OFFICE_KEY) or the command line; the command line wins, then the
environment, then [hub] office_key. A station's own credential ([hub] station_key, or
KIOSK_STATION_KEY) is what a client sends when it has one (`client_key`); a key given on the
command line (--key) wins over it. The TLS files (--tls-cert, --tls-key, --ca-file) override
[hub] tls_cert, tls_key and ca_file.
"""

from __future__ import annotations

import os
from dataclasses import replace

from kiosk.config import (
    MIN_KEY_LENGTH,
    SECTION_CHECKS,
    Config,
    CounterConfig,
    HubConfig,
    key_weakness,
)

OFFICE_KEY_ENV = "KIOSK_OFFICE_KEY"
STATION_KEY_ENV = "KIOSK_STATION_KEY"
DEFAULT_PORT = HubConfig().port
__all__ = ["DEFAULT_PORT", "MIN_KEY_LENGTH", "OFFICE_KEY_ENV", "STATION_KEY_ENV", "client_key",
           "counter_settings", "hub_settings", "key_problem", "tls_problem"]


def hub_settings(config: Config, *, url: str | None = None, key: str | None = None,
                 host: str | None = None, port: int | None = None,
                 tls_cert: str | None = None, tls_key: str | None = None,
                 ca_file: str | None = None) -> HubConfig:
    """`config.hub` with the overrides applied (the one place they are merged)."""
    hub = config.hub
    return replace(
        hub,
        office_key=key or os.environ.get(OFFICE_KEY_ENV, "") or hub.office_key,
        # --key on the command line is what the technician means to send.
        station_key="" if key else os.environ.get(STATION_KEY_ENV, "") or hub.station_key,
        url=(url or hub.url).rstrip("/"),
        host=host or hub.host,
        port=hub.port if port is None else port,
        tls_cert=tls_cert or hub.tls_cert,
        tls_key=tls_key or hub.tls_key,
        ca_file=ca_file or hub.ca_file,
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


def client_key(hub: HubConfig) -> str:
    """The key a client station sends to the hub: its own credential, else the office key."""
    return hub.station_key or hub.office_key


def key_problem(key: str) -> str | None:
    """Why an office key cannot protect the hub, or None."""
    if not key:
        return (f"no office key: set [hub] office_key, {OFFICE_KEY_ENV}, or --key KEY "
                "(the set-up wizard of the hub PC makes one)")
    weak = key_weakness(key)
    return f"the office key {weak}" if weak else None


def tls_problem(cert: str, key: str) -> str | None:
    """Why the hub cannot serve TLS with these files, or None (also None for neither: plain
    HTTP). Checked when the hub starts; the key names are the configuration's."""
    half = SECTION_CHECKS["hub"](HubConfig(tls_cert=cert, tls_key=key))
    if half:
        return f"[hub] {half[0]} (--{half[0].replace('_', '-')}) {half[1]}"
    for name, path in (("tls_cert", cert), ("tls_key", key)):
        if path and not os.path.isfile(path):
            return (f"[hub] {name}: {path} does not exist (`kiosk hub make-cert --out DIR` "
                    "makes a certificate and its key)")
    return None
