"""The city over real networks: the sync goes through an HTTP CONNECT proxy (configured in
[sync] proxy, or the standard HTTPS_PROXY variable) to a city server over TLS, and trusts the
operating system's certificate store (truststore) with certifi as the fallback.

The proxy here is a real one on 127.0.0.1: it reads the CONNECT line, connects to the city
server and relays bytes both ways. The city server's name, city.test, exists only in the
proxy's own table: a request that went around the proxy could not even find the server."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading

import pytest
import requests

from kiosk.config import ConfigError, from_dict
from kiosk.tls import make_self_signed
from sync import status as st
from sync.transport import TrustAdapter, check_proxy, city_session, route
from sync.worker import SyncSettings, SyncWorker
from tests.faultproxy import TOKEN, CityServer, assert_city_has_exactly, seed_station

CITY_NAME = "city.test"


class ConnectProxy:
    """A tiny threaded HTTP CONNECT proxy; `names` maps host names to addresses."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names
        self.tunnels: list[str] = []  # the CONNECT targets, in order
        self.refused: list[str] = []  # request lines that were not CONNECT
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self._closing = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._closing = True
        self.sock.close()

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            line = head.split(b"\r\n", 1)[0].decode("latin-1")
            method, target, _ = line.split(" ", 2)
            if method != "CONNECT":
                self.refused.append(line)
                client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            self.tunnels.append(target)
            host, port = target.rsplit(":", 1)
            try:
                upstream = socket.create_connection((self.names.get(host, host), int(port)), 5)
            except OSError:
                client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                return
            with upstream:
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                rest = head.split(b"\r\n\r\n", 1)[1]
                if rest:
                    upstream.sendall(rest)
                pump = threading.Thread(target=_relay, args=(upstream, client), daemon=True)
                pump.start()
                _relay(client, upstream)
                pump.join(5)


def _relay(src: socket.socket, dst: socket.socket) -> None:
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)


@pytest.fixture
def tls_city(tmp_path):
    """The reference city server over TLS with a certificate for city.test."""
    cert, key = make_self_signed(tmp_path / "tls", [CITY_NAME, "127.0.0.1"])
    server = CityServer(tmp_path, "--tls-cert", str(cert), "--tls-key", str(key))
    port = server.url.rsplit(":", 1)[1].strip("/")
    server.city_url = f"https://{CITY_NAME}:{port}"
    server.cert = cert
    server.http.verify = str(cert)  # the test's own look at the city: direct, 127.0.0.1
    yield server
    server.stop()


@pytest.fixture
def proxy(tls_city):
    p = ConnectProxy({CITY_NAME: "127.0.0.1"})
    yield p
    p.close()


def _worker(db_path, url: str, **kw) -> SyncWorker:
    settings = SyncSettings(server_url=url, token=TOKEN, backoff_base_s=0.01,
                            backoff_cap_s=0.05, timeout_s=5, **kw)
    return SyncWorker(db_path, settings, office="000.00.01.H26", station="kiosk-1")


def test_the_sync_goes_through_the_configured_proxy(tls_city, proxy, db_path, monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    seed_station(db_path, 5)
    worker = _worker(db_path, tls_city.city_url, proxy=proxy.url, ca_bundle=str(tls_city.cert))
    try:
        assert worker.drain().pending == 0
    finally:
        worker.close()
    port = tls_city.city_url.rsplit(":", 1)[1]
    assert proxy.tunnels and set(proxy.tunnels) == {f"{CITY_NAME}:{port}"}
    assert proxy.refused == []  # TLS inside the tunnel: the proxy never saw a plain request
    assert_city_has_exactly(tls_city, db_path)


def test_the_standard_https_proxy_variable_is_honoured(tls_city, proxy, db_path, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    seed_station(db_path, 3)
    worker = _worker(db_path, tls_city.city_url, ca_bundle=str(tls_city.cert))  # proxy = ""
    try:
        assert worker.drain().pending == 0
    finally:
        worker.close()
    assert len(proxy.tunnels) >= 1
    assert_city_has_exactly(tls_city, db_path)
    # NO_PROXY and "none" go direct; this computer is always reached directly
    monkeypatch.setenv("NO_PROXY", CITY_NAME)
    assert route(tls_city.city_url, "").proxy is None
    monkeypatch.delenv("NO_PROXY")
    assert route(tls_city.city_url, "").proxy == proxy.url
    assert route(tls_city.city_url, "none").proxy is None
    assert route("https://127.0.0.1:9", "").proxy is None
    assert route("http://localhost:9", "http://10.0.0.1:3128").proxy is None


@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="the system store is OpenSSL's (SSL_CERT_FILE) only on Linux")
def test_the_os_trust_store_is_used_with_no_ca_bundle(tls_city, proxy, db_path, monkeypatch):
    """No [sync] ca_bundle: the certificate is checked against the system's store. On Linux
    OpenSSL's system store follows SSL_CERT_FILE: pointing it at the city's certificate makes
    the city trusted, which certifi's list alone never would."""
    pytest.importorskip("truststore")
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    seed_station(db_path, 2)
    worker = _worker(db_path, tls_city.city_url)
    try:
        worker.step()
        status = worker.status()
        assert status.state == st.ERROR and "certificate" in status.last_error  # not trusted
    finally:
        worker.close()
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_city.cert))
    worker = _worker(db_path, tls_city.city_url)
    try:
        assert isinstance(worker.session.get_adapter(tls_city.city_url), TrustAdapter)
        assert worker.drain().pending == 0
    finally:
        worker.close()


def test_without_truststore_certifi_remains(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_truststore(name, *args, **kwargs):
        if name == "truststore":
            raise ImportError("No module named 'truststore'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_truststore)
    s = city_session("https://sync.example.gov.vn")
    adapter = s.get_adapter("https://sync.example.gov.vn")
    assert not isinstance(adapter, TrustAdapter) and s.verify is True  # certifi's list
    assert isinstance(adapter, requests.adapters.HTTPAdapter)


@pytest.mark.parametrize("value, ok", [
    ("", True), ("none", True), ("http://10.0.0.1:3128", True), ("https://proxy.lan:8443", True),
    ("10.0.0.1:3128", False), ("http://10.0.0.1", False), ("socks5://10.0.0.1:1080", False),
    ("http://user:secret@10.0.0.1:3128", False), ("http://10.0.0.1:3128/path", False),
])
def test_the_proxy_setting_is_checked(value, ok):
    assert (check_proxy(value) is None) is ok
    if ok:
        assert from_dict({"sync": {"proxy": value}}).sync.proxy == value
    else:
        with pytest.raises(ConfigError, match=r"\[sync\] proxy: "):
            from_dict({"sync": {"proxy": value}})


def test_sync_status_says_which_way_it_goes(tmp_path):
    import os
    import subprocess

    from tests.faultproxy import ROOT

    def status(proxy_line: str, **extra: str) -> str:
        (tmp_path / "kiosk.toml").write_text(
            f'[sync]\nserver_url = "https://sync.example.gov.vn"\ntoken = "t"\n{proxy_line}\n',
            encoding="utf-8")
        env = {k: v for k, v in os.environ.items()
               if k.lower() not in ("https_proxy", "all_proxy", "no_proxy")}
        done = subprocess.run([sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp_path),
                               "sync", "status"], capture_output=True, cwd=ROOT, timeout=60,
                              env={**env, **extra})
        assert done.returncode == 0, done.stderr
        return done.stdout.decode("utf-8")

    assert "Route:         through the proxy http://10.0.0.1:3128 ([sync] proxy)" in status(
        'proxy = "http://10.0.0.1:3128"')
    assert "Route:         through the proxy http://10.0.0.2:8080 (system)" in status(
        "", HTTPS_PROXY="http://10.0.0.2:8080")
    assert "Route:         direct" in status('proxy = "none"', HTTPS_PROXY="http://10.0.0.2:8080")
