"""How a station reaches the city server over a real network: whose certificates it trusts
and which proxy it goes through. One HTTP session for the sync worker and `kiosk doctor`.

Trust. With `[sync] ca_bundle` empty the city's certificate is checked against the operating
system's trust store (the `truststore` package: Windows' certificate store, where a
province's IT installs its own CA or a TLS-inspecting proxy's CA by group policy; the system
CA file on Linux), with the certifi list added as a fallback. Without `truststore` (not
installed, an old Python) the certifi list alone, as before. A `ca_bundle` file replaces both.

Proxy. `[sync] proxy` = "" (the default) uses the system's proxy: the HTTPS_PROXY / https_proxy
environment variable, on Windows otherwise the proxy set in Internet Options, minus NO_PROXY
(and Windows' bypass list); "none" always goes direct; an http:// URL is that proxy. HTTPS
goes through it as a CONNECT tunnel, so the TLS session is still with the city server.
Servers on this computer (127.0.0.1, localhost: the self-test, a staging server) are always
reached directly.
"""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from sync.proxy_setting import NO_PROXY, check_proxy  # noqa: F401 (check_proxy: callers)

log = logging.getLogger(__name__)



def os_trust_context() -> ssl.SSLContext | None:
    """A client context that verifies with the operating system's trust store, or None when
    the truststore package is not available."""
    try:
        import truststore
    except ImportError:
        return None
    try:
        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    except (OSError, RuntimeError, NotImplementedError) as exc:  # an OS truststore refuses
        log.warning("sync: the system's trust store is not usable (%s): using the built-in "
                    "CA list", exc)
        return None


class TrustAdapter(HTTPAdapter):
    """An HTTPAdapter whose TLS connections, direct or through a proxy's tunnel, use
    `ssl_context`."""

    def __init__(self, ssl_context: ssl.SSLContext, **kwargs: Any) -> None:
        self.ssl_context = ssl_context
        super().__init__(**kwargs)

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False,
                         **pool_kwargs: Any) -> None:
        pool_kwargs["ssl_context"] = self.ssl_context
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        proxy_kwargs.setdefault("ssl_context", self.ssl_context)
        return super().proxy_manager_for(proxy, **proxy_kwargs)


def _is_loopback(host: str | None) -> bool:
    from ipaddress import ip_address

    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Route:
    """How requests to the city go: `proxy` None means directly; `source` says where the
    proxy came from ("[sync] proxy", "system"), for messages."""

    proxy: str | None
    source: str

    def describe(self) -> str:
        if self.proxy is None:
            return "direct"
        return f"through the proxy {self.proxy} ({self.source})"


def route(server_url: str, proxy_setting: str) -> Route:
    """The proxy (if any) for requests to `server_url` under the [sync] proxy setting."""
    if _is_loopback(urlsplit(server_url).hostname):
        return Route(None, "this computer")
    if proxy_setting == NO_PROXY:
        return Route(None, "[sync] proxy = none")
    if proxy_setting:
        return Route(proxy_setting, "[sync] proxy")
    scheme = urlsplit(server_url).scheme or "https"
    # The environment (HTTPS_PROXY, NO_PROXY), on Windows else Internet Options' proxy and
    # bypass list (urllib reads the registry).
    found = requests.utils.get_environ_proxies(server_url)
    proxy = found.get(scheme) or found.get("all")
    return Route(proxy, "system") if proxy else Route(None, "no system proxy")


def city_session(server_url: str, *, ca_bundle: str = "", proxy: str = "",
                 headers: dict[str, str] | None = None) -> requests.Session:
    """A requests session for the city server at `server_url` with the trust and proxy
    described above. Nothing else comes from the environment (.netrc, REQUESTS_CA_BUNDLE):
    the station's own settings decide."""
    s = requests.Session()
    s.trust_env = False
    if headers:
        s.headers.update(headers)
    if ca_bundle:
        s.verify = ca_bundle
    else:
        s.verify = True  # requests adds certifi's list: the fallback
        context = os_trust_context()
        if context is not None:
            s.mount("https://", TrustAdapter(context))
    way = route(server_url, proxy)
    if way.proxy is not None:
        s.proxies = {"http": way.proxy, "https": way.proxy}
        log.info("sync: the city server is reached %s", way.describe())
    return s
