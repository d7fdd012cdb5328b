"""The `[sync] proxy` setting's values, apart from the HTTP stack (sync/transport.py), so that
checking a configuration does not load `requests`."""

from __future__ import annotations

from urllib.parse import urlsplit

NO_PROXY = "none"


def check_proxy(value: str) -> str | None:
    """Why `value` is not a usable [sync] proxy setting (None if it is)."""
    if value in ("", NO_PROXY):
        return None
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in ("http", "https") or not parts.hostname or port is None:
        return ("must be empty (the system's proxy), 'none' (always direct) or a proxy URL "
                "such as 'http://10.0.0.1:3128'")
    if parts.username or parts.password:
        return ("must not hold a user name or password (the configuration is not the place "
                "for them): ask for this PC to be let through the proxy without signing in")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return "must be only scheme, host and port, such as 'http://10.0.0.1:3128'"
    return None
