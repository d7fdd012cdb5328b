"""TLS for the office hub: `kiosk hub make-cert`, a hub serving HTTPS/WSS with it ([hub]
tls_cert/tls_key or --tls-cert/--tls-key), clients trusting it through [hub] ca_file or
--ca-file, and the plain technician's message (and HubUnavailable) when they cannot."""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography import x509

from kiosk.cli import main
from kiosk.config import ConfigError, from_dict
from kiosk.hub.server import HubError, start_hub_in_thread
from kiosk.queue.errors import HubUnavailable
from kiosk.queue.remote import RemoteQueue
from kiosk.queue.settings import OFFICE_KEY_ENV
from kiosk.tls import client_context
from tests.hubutil import KEY, ROOT, Collector, HubProcess

UNTRUSTED = "the hub's certificate is not trusted"
SET_CA_FILE = "set [hub] ca_file to the hub's certificate"


def make_cert(capsys, out: Path, *hosts: str) -> tuple[Path, Path]:
    args = ["hub", "make-cert", "--out", str(out)]
    for h in hosts:
        args += ["--host", h]
    assert main(args) == 0
    capsys.readouterr()
    return out / "hub.crt", out / "hub.key"


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """The hub's certificate (127.0.0.1, localhost), another hub's, and one for an address
    the tests do not use."""
    from kiosk.tls import make_self_signed

    base = tmp_path_factory.mktemp("certs")
    return {
        "hub": make_self_signed(base / "hub", ["127.0.0.1", "localhost"]),
        "other": make_self_signed(base / "other", ["127.0.0.1"]),
        "elsewhere": make_self_signed(base / "elsewhere", ["192.0.2.7", "hub-pc.lan"]),
    }


@pytest.fixture
def tls_hub(tmp_path, config, certs):
    cert, key = certs["hub"]
    handle = start_hub_in_thread(tmp_path / "hub.db", config, KEY, port=0,
                                 tls_cert=str(cert), tls_key=str(key))
    yield handle
    handle.stop()


def test_make_cert_names_the_hosts_and_keeps_the_key_private(tmp_path, capsys):
    out = tmp_path / "tls"
    assert main(["hub", "make-cert", "--out", str(out), "--host", "192.168.1.10",
                 "--host", "hub-pc", "--host", "127.0.0.1", "--days", "30"]) == 0
    printed = capsys.readouterr().out
    assert "tls_cert = " in printed and "ca_file" in printed
    assert "https://192.168.1.10:PORT" in printed
    cert = x509.load_pem_x509_certificate((out / "hub.crt").read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)] == ["192.168.1.10",
                                                                           "127.0.0.1"]
    assert san.get_values_for_type(x509.DNSName) == ["hub-pc"]
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    days = (cert.not_valid_after_utc - cert.not_valid_before_utc).days
    assert days == 31  # from yesterday: a PC whose clock is a little behind still accepts it
    if os.name == "posix":
        assert (out / "hub.key").stat().st_mode & 0o077 == 0
    # The pair loads as a server certificate; the certificate alone as what a client trusts.
    ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(
        out / "hub.crt", out / "hub.key")
    client_context(str(out / "hub.crt"))

    # Replacing it would cut off every station that trusts it: only with --force.
    before = (out / "hub.crt").read_bytes()
    assert main(["hub", "make-cert", "--out", str(out), "--host", "hub-pc"]) == 2
    assert "--force" in capsys.readouterr().err and (out / "hub.crt").read_bytes() == before
    assert main(["hub", "make-cert", "--out", str(out), "--host", "hub-pc", "--force"]) == 0
    assert (out / "hub.crt").read_bytes() != before
    assert main(["hub", "make-cert", "--out", str(tmp_path / "x"), "--host", "not a host"]) == 2
    assert "neither an IP address nor a host name" in capsys.readouterr().err


def test_make_cert_defaults_to_this_pcs_names(tmp_path, capsys):
    assert main(["hub", "make-cert", "--out", str(tmp_path)]) == 0
    cert = x509.load_pem_x509_certificate((tmp_path / "hub.crt").read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    names = san.get_values_for_type(x509.DNSName)
    assert socket.gethostname() in names and "localhost" in names
    assert "127.0.0.1" in [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]


def test_tls_hub_process_serves_tickets_and_events_to_a_client_trusting_it(tmp_path, capsys):
    """A real `kiosk hub` process with [hub] tls_cert/tls_key from its configuration."""
    cert, key = make_cert(capsys, tmp_path / "tls", "127.0.0.1")
    hub = HubProcess(tmp_path / "hub", config=f"[hub]\ntls_cert = {json.dumps(str(cert))}\n"
                                               f"tls_key = {json.dumps(str(key))}\n")
    try:
        assert hub.url.startswith("https://127.0.0.1:")
        states, events = Collector(), Collector()
        queue = RemoteQueue(hub.url, KEY, ca_file=str(cert), on_connection=states)
        try:
            queue.subscribe(events)
            assert queue.wait_events(10)  # the WebSocket (wss://) is up
            ticket = queue.issue("CT")
            assert ticket.number == "A001"
            got = events.wait_for(lambda e: any(x.kind == "issued" for x in e))
            assert [e.ticket.number for e in got if e.kind == "issued"] == ["A001"]
            called = queue.call_next(1, ["CT"])
            assert called is not None and called.number == "A001"
            events.wait_for(lambda e: any(x.kind == "called" for x in e))
            assert queue.connection is not None and queue.connection.connected
        finally:
            queue.close()
    finally:
        hub.stop()


def test_the_certificate_passes_strict_x509_checks(tls_hub, certs):
    """Python 3.13 turns on VERIFY_X509_STRICT by default: the self-signed certificate must
    pass it (key identifiers, basic constraints, key usage)."""
    ctx = client_context(str(certs["hub"][0]))
    ctx.verify_flags |= ssl.VERIFY_X509_STRICT
    port = int(tls_hub.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw, \
            ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        assert tls.version() in ("TLSv1.2", "TLSv1.3")


@pytest.mark.parametrize("trust", ["system CAs", "another hub's certificate"])
def test_a_client_not_trusting_the_hub_gets_the_plain_message(tls_hub, certs, trust):
    ca_file = "" if trust == "system CAs" else str(certs["other"][0])
    states = Collector()
    queue = RemoteQueue(tls_hub.url, KEY, ca_file=ca_file, on_connection=states, timeout_s=2)
    try:
        started = time.monotonic()
        with pytest.raises(HubUnavailable) as info:
            queue.issue("CT")
        assert time.monotonic() - started < 2  # no retry: the certificate will not change
        message = str(info.value)
        assert UNTRUSTED in message and SET_CA_FILE in message, message
        assert "Traceback" not in message and "_ssl.c" not in message
        assert info.value.message_vi == "Mất kết nối với máy chủ quầy."
        # The WebSocket thread reports the same, and keeps the counter "disconnected".
        state = states.wait_for(lambda s: bool(s))[-1]
        assert not state.connected and UNTRUSTED in (state.error or "")
        assert tls_hub.queue.snapshot().waiting_tickets == ()  # nothing was issued
    finally:
        queue.close()


def test_a_certificate_for_another_address_is_a_host_name_mismatch(tmp_path, config, certs):
    cert, key = certs["elsewhere"]
    hub = start_hub_in_thread(tmp_path / "hub.db", config, KEY, port=0, tls_cert=str(cert),
                              tls_key=str(key))
    queue = RemoteQueue(hub.url, KEY, ca_file=str(cert), timeout_s=2)
    try:
        with pytest.raises(HubUnavailable) as info:
            queue.snapshot()
        message = str(info.value)
        assert UNTRUSTED in message and "mismatch" in message and "--host" in message, message
    finally:
        queue.close()
        hub.stop()


def test_plain_http_to_a_tls_hub_fails_cleanly(tls_hub, certs):
    plain = tls_hub.url.replace("https://", "http://")
    states = Collector()
    queue = RemoteQueue(plain, KEY, on_connection=states, timeout_s=2)
    try:
        started = time.monotonic()
        with pytest.raises(HubUnavailable, match="cannot be reached"):
            queue.snapshot()
        assert time.monotonic() - started < 2  # the hub hangs up at once, no timeout
        assert not states.wait_for(lambda s: bool(s))[-1].connected
    finally:
        queue.close()
    # The hub is unharmed: a client using https gets in.
    good = RemoteQueue(tls_hub.url, KEY, ca_file=str(certs["hub"][0]))
    try:
        assert good.snapshot().waiting_tickets == ()
    finally:
        good.close()


def test_https_to_a_plain_hub_says_the_hub_does_not_serve_tls(tmp_path, config, certs):
    hub = start_hub_in_thread(tmp_path / "hub.db", config, KEY, port=0)
    queue = RemoteQueue(hub.url.replace("http://", "https://"), KEY,
                        ca_file=str(certs["hub"][0]), timeout_s=2)
    try:
        with pytest.raises(HubUnavailable, match="does the hub serve https"):
            queue.snapshot()
    finally:
        queue.close()
        hub.stop()


def test_a_missing_ca_file_is_named(tls_hub, tmp_path):
    missing = tmp_path / "nowhere" / "hub.crt"
    states = Collector()
    queue = RemoteQueue(tls_hub.url, KEY, ca_file=str(missing), on_connection=states)
    try:
        with pytest.raises(HubUnavailable, match=r"\[hub\] ca_file .* does not exist"):
            queue.issue("CT")
        state = states.wait_for(lambda s: bool(s))[-1]
        assert not state.connected and "ca_file" in (state.error or "")
    finally:
        queue.close()


def test_cli_clients_use_ca_file_from_flag_or_config(tls_hub, certs, tmp_path, capsys,
                                                     monkeypatch):
    monkeypatch.setenv(OFFICE_KEY_ENV, KEY)
    cert = str(certs["hub"][0])
    station = tmp_path / "station"

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(station), *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    code, out, _ = run("ticket", "--hub", tls_hub.url, "--ca-file", cert, "--service", "CT",
                       "--printer", f"file://{tmp_path / 'slip.bin'}", "--json")
    assert code == 0 and json.loads(out)["number"] == "A001"
    code, out, _ = run("call", "--hub", tls_hub.url, "--ca-file", cert, "--counter", "3",
                       "next", "--json")
    assert code == 0 and json.loads(out)["number"] == "A001"
    # Without the certificate: exit 1 and the technician's sentence, no traceback.
    code, _, err = run("queue", "--hub", tls_hub.url, "--json")
    assert code == 1 and UNTRUSTED in err and "Traceback" not in err
    code, _, err = run("queue", "--hub", tls_hub.url, "--ca-file", str(tmp_path / "no.pem"))
    assert code == 2 and "--ca-file" in err and "does not exist" in err
    # [hub] ca_file in the configuration, with an https:// [hub] url.
    station.mkdir(exist_ok=True)
    (station / "kiosk.toml").write_text(
        f'[hub]\nrole = "client"\nurl = "{tls_hub.url}"\nca_file = {json.dumps(cert)}\n',
        encoding="utf-8")
    code, out, _ = run("queue", "--json")
    assert code == 0 and json.loads(out)["serving"][0]["counter"] == 3


def test_hub_tls_settings_are_checked_at_start(tmp_path, config, certs):
    cert, key = (str(p) for p in certs["hub"])
    with pytest.raises(HubError, match=r"\[hub\] tls_key .* is empty but tls_cert is set"):
        start_hub_in_thread(tmp_path / "a.db", config, KEY, port=0, tls_cert=cert)
    with pytest.raises(HubError, match=r"\[hub\] tls_cert: .*missing.crt does not exist"):
        start_hub_in_thread(tmp_path / "a.db", config, KEY, port=0,
                            tls_cert=str(tmp_path / "missing.crt"), tls_key=key)
    with pytest.raises(HubError, match=r"cannot be loaded"):  # the other hub's key
        start_hub_in_thread(tmp_path / "a.db", config, KEY, port=0, tls_cert=cert,
                            tls_key=str(certs["other"][1]))
    # `kiosk hub` with half the flags: a usage error naming what is missing, before listening.
    proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp_path),
                           "hub", "--port", "0", "--key", KEY, "--tls-cert", cert],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and "tls_key (--tls-key) is empty" in proc.stderr
    assert "listening" not in proc.stdout


def test_kiosk_hub_flags_serve_https(tmp_path, certs):
    cert, key = (str(p) for p in certs["hub"])
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp_path),
                             "hub", "--port", "0", "--key", KEY, "--tls-cert", cert,
                             "--tls-key", key], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("hub listening on https://127.0.0.1:"), line
        queue = RemoteQueue(line.rsplit(" ", 1)[1].strip(), KEY, ca_file=cert)
        try:
            assert queue.issue("HT").number == "B001"
        finally:
            queue.close()
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()  # type: ignore[union-attr]


@pytest.mark.parametrize("given, missing", [("tls_cert", "tls_key"), ("tls_key", "tls_cert")])
def test_config_with_half_the_tls_keys_names_the_missing_one(given, missing):
    with pytest.raises(ConfigError) as info:
        from_dict({"hub": {given: "/etc/kiosk/hub.pem"}})
    assert info.value.key == f"hub.{missing}"
    assert f"[hub] {missing}: is empty but {given} is set" in str(info.value)
    both = from_dict({"hub": {"tls_cert": "a.crt", "tls_key": "a.key", "ca_file": "b.crt",
                              "url": "https://192.168.1.10:8090"}})
    assert both.hub.url.startswith("https://") and both.hub.ca_file == "b.crt"
    with pytest.raises(ConfigError, match="https://"):
        from_dict({"hub": {"url": "ftp://192.168.1.10"}})


def test_doctor_checks_the_hub_over_tls(tls_hub, certs, tmp_path):
    from kiosk.diagnostics import checks
    from kiosk.paths import Paths

    paths = Paths(tmp_path, tmp_path / "kiosk.toml")

    def check(**hub) -> list:
        config = from_dict({"hub": {"role": "client", "url": tls_hub.url, "office_key": KEY,
                                    **hub}})
        return checks.check_hub(checks.Context(paths, config, timeout_s=5))

    trusted = check(ca_file=str(certs["hub"][0]))
    assert all(r.ok for r in trusted) and "over TLS" in trusted[0].detail
    untrusted = check()
    assert not untrusted[0].ok and UNTRUSTED in untrusted[0].detail
    missing = check(ca_file=str(tmp_path / "no.crt"))
    assert not missing[0].ok and "does not exist" in missing[0].detail
    cert, key = certs["hub"]
    hub_pc = checks.check_hub(checks.Context(paths, from_dict({"hub": {
        "role": "hub", "office_key": KEY, "tls_cert": str(cert),
        "tls_key": str(tmp_path / "gone.key")}})))
    assert not hub_pc[0].ok and "tls_key" in hub_pc[0].detail


@pytest.mark.parametrize("argv", [["display"], ["rating", "--counter", "2"]])
def test_display_and_rating_take_the_same_hub_options(argv):
    from kiosk.cli import build_parser
    from kiosk.commands.queue_ops import with_ca_file
    from kiosk.config import Config

    args = build_parser().parse_args([*argv, "--hub", "https://hub.lan:8090", "--key",
                                      "office-key-123", "--ca-file", "/etc/kiosk/hub.crt"])
    assert (args.hub, args.key) == ("https://hub.lan:8090", "office-key-123")
    assert with_ca_file(Config(), args).hub.ca_file == "/etc/kiosk/hub.crt"
    assert with_ca_file(Config(), build_parser().parse_args(argv)).hub.ca_file == ""
