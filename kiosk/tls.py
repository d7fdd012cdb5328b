"""TLS for the office hub and the reference city server: one way to build each side's context,
the technician's wording for a failed handshake, and a self-signed certificate for a hub.

- `server_context(cert, key)`: what `kiosk hub` and `kiosk city-server` serve HTTPS/WSS with.
- `client_context(ca_file)`: what a hub client trusts (the hub's own certificate, copied at
  installation; empty: the system's CAs). requests gets the same file as `verify=`.
- `hub_tls_failure(exc)`: "the hub's certificate is not trusted: set [hub] ca_file ..." for a
  certificate, expiry or host-name failure anywhere in an exception's chain; None otherwise.
- `make_self_signed(out_dir, hosts)`: hub.crt + hub.key naming the LAN addresses and host
  names as subjectAltNames, so host-name verification works (`kiosk hub make-cert`, the set-up
  wizard). `cert_hosts(cert)` reads them back. Both need the `cryptography` package, imported
  only there.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path

CERT_NAME = "hub.crt"
KEY_NAME = "hub.key"
DEFAULT_DAYS = 3650

UNTRUSTED = "the hub's certificate is not trusted"
SET_CA_FILE = "set [hub] ca_file to the hub's certificate"
# The parts of hub_tls_failure's messages that say which fix applies (the set-up wizard
# words its own hint after them).
CHECK_CLOCK = "check this PC's date and time"
WRONG_ADDRESS = "made for the address in [hub] url"
NOT_TLS = "does the hub serve https?"

# OpenSSL verification codes worth a specific hint.
_NOT_YET_VALID, _EXPIRED = 9, 10
_HOST_MISMATCH = (62, 64)  # host name, IP address


def server_context(cert: str | None, key: str | None) -> ssl.SSLContext | None:
    """The server side: None without a certificate (plain HTTP). Raises OSError for a missing
    file, ssl.SSLError for one that is not a PEM certificate/key pair."""
    if not cert:
        return None
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key or None)
    return ctx


def client_context(ca_file: str = "") -> ssl.SSLContext:
    """The client side: verify the server against `ca_file` only (a PEM file: the hub's
    self-signed certificate, or a CA), or the system's CAs when empty. Host names are checked."""
    ctx = ssl.create_default_context(cafile=ca_file or None)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def ca_file_problem(ca_file: str) -> str | None:
    """Why [hub] ca_file cannot be used, or None (also None when it is empty)."""
    if ca_file and not Path(ca_file).is_file():
        return (f"[hub] ca_file {ca_file} does not exist: copy the hub's certificate "
                f"({CERT_NAME}) to this PC and set its path")
    return None


def _chain(exc: BaseException | None):
    """exc and what it wraps: causes, contexts, exception arguments and the attributes
    requests/urllib3 (`reason`) and aiohttp (`certificate_error`, `os_error`) keep them in."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        e = todo.pop(0)
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [e.__cause__, e.__context__, *e.args]
        todo += [getattr(e, name, None) for name in ("reason", "certificate_error", "os_error")]


def hub_tls_failure(exc: BaseException | None) -> str | None:
    """The technician's message when `exc` is a TLS failure talking to the hub, else None."""
    errors = list(_chain(exc))
    # ssl's own errors first: aiohttp's ClientConnectorCertificateError and
    # ClientConnectorSSLError are ssl errors too, without the verification details or reason.
    errors.sort(key=lambda e: (not hasattr(e, "verify_code"),
                               not isinstance(getattr(e, "reason", None), str)))
    for e in errors:
        if isinstance(e, ssl.SSLCertVerificationError):
            code = getattr(e, "verify_code", None)
            why = str(getattr(e, "verify_message", None) or getattr(e, "reason", None)
                      or "verification failed").rstrip(".")
            hint = ""
            if code in (_NOT_YET_VALID, _EXPIRED):
                hint = (f", and {CHECK_CLOCK} (an expired certificate needs a new "
                        "one: kiosk hub make-cert)")
            elif code in _HOST_MISMATCH:
                hint = f" {WRONG_ADDRESS} (kiosk hub make-cert --host ADDRESS)"
            return f"{UNTRUSTED} ({why}): {SET_CA_FILE}{hint}"
    for e in errors:
        if isinstance(e, ssl.SSLError):
            why = getattr(e, "reason", None) or e
            return (f"TLS with the hub failed ({why}): {NOT_TLS} It needs "
                    "[hub] tls_cert and tls_key; otherwise use an http:// [hub] url")
    return None


# -- making a certificate -----------------------------------------------------------------------


def default_hosts() -> list[str]:
    """What a hub's certificate names by default: this PC's name, its LAN IPv4 addresses,
    localhost and 127.0.0.1 (what `kiosk hub` prints when it listens on 0.0.0.0)."""
    hosts = [socket.gethostname()]
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            hosts.append(str(info[4][0]))
    except OSError:
        pass
    try:  # the address of the default route's interface; no packet is sent
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))
            hosts.append(s.getsockname()[0])
    except OSError:
        pass
    out: list[str] = []
    for h in hosts:
        if h and h not in out and not h.startswith("127.") and h != "localhost" \
                and check_host(h) is None:
            out.append(h)
    return [*out, "localhost", "127.0.0.1"]


def lan_addresses(hosts: list[str]) -> list[str]:
    """The IP addresses among `hosts` that are not loopback ones, as they go in a URL (IPv6
    in brackets): what the other stations put in [hub] url."""
    out = []
    for h in hosts:
        try:
            if not ipaddress.ip_address(h).is_loopback:
                out.append(f"[{h}]" if ":" in h else h)
        except ValueError:
            continue
    return out


def lan_address(hosts: list[str]) -> str:
    """The host a station would most likely put in [hub] url: the first IP address that is
    not a loopback one, else the first name."""
    return (lan_addresses(hosts) or hosts)[0]


def check_host(host: str) -> str | None:
    """Why `host` cannot be a subjectAltName, or None."""
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    if not host or len(host) > 253 or not all(
            0 < len(label) <= 63 and label.replace("-", "").replace("_", "").isalnum()
            and label.isascii() and not label.startswith("-") for label in labels):
        return f"{host!r} is neither an IP address nor a host name"
    return None


def make_self_signed(out_dir: Path | str, hosts: list[str], *, days: int = DEFAULT_DAYS,
                     force: bool = False) -> tuple[Path, Path]:
    """Write OUT/hub.crt and OUT/hub.key (readable by this account only): an ECDSA P-256
    self-signed certificate for `hosts` (IP addresses and host names), valid `days` days from
    yesterday (a PC whose clock is a little behind still accepts it). Refuses to replace
    existing files unless `force` (every client trusting the old certificate would stop
    working). Raises ValueError for a bad host or existing files, OSError for I/O."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    if not hosts:
        raise ValueError("name at least one host name or IP address")
    for host in hosts:
        problem = check_host(host)
        if problem:
            raise ValueError(problem)
    out = Path(out_dir)
    cert_path, key_path = out / CERT_NAME, out / KEY_NAME
    existing = [p for p in (cert_path, key_path) if p.exists()]
    if existing and not force:
        raise ValueError(f"{existing[0]} already exists: every station trusting it would stop "
                         "connecting; use --force to replace it")
    names: list[x509.GeneralName] = []
    for host in dict.fromkeys(hosts):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host.rstrip(".")))
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, hosts[0][:64]),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "hcc-kiosk office hub"),
    ])
    now = datetime.now(UTC)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(ski, critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    out.mkdir(parents=True, exist_ok=True)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    _write_private(key_path, key_pem)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def cert_hosts(cert_file: Path | str) -> list[str]:
    """The IP addresses and host names a PEM certificate names (its subjectAltNames). Raises
    OSError for a file that cannot be read, ValueError for one that is not a certificate."""
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(Path(cert_file).read_bytes())
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return [*(str(ip) for ip in san.get_values_for_type(x509.IPAddress)),
            *san.get_values_for_type(x509.DNSName)]


def _write_private(path: Path, data: bytes) -> None:
    """Write a file only this account can read (on Windows: the folder's permissions)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
