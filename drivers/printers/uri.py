"""Printer URIs from the configuration file, parsed into typed addresses.

The accepted forms are a contract with the configuration and the setup screen (list_printers()
produces them), so parsing is strict: a typo must fail loudly at start-up, not print nowhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from drivers.printers.errors import PrinterUriError

ACCEPTED_FORMS = (
    "usb://VID:PID (hex, e.g. usb://0416:5011, optionally ?interface=0&in_ep=0x81&out_ep=0x03), "
    "serial:///dev/ttyUSB0?baudrate=9600 or serial://COM3?baudrate=9600, "
    "tcp://HOST[:PORT] (port 9100 by default), win32://PRINTER_NAME, cups://PRINTER_NAME, "
    "file:///PATH, preview://DIR (or preview:// for the default preview folder)"
)

DEFAULT_TCP_PORT = 9100
DEFAULT_BAUDRATE = 9600


@dataclass(frozen=True)
class UsbAddress:
    vendor_id: int
    product_id: int
    interface: int | None = None  # None: the first printer-class interface
    in_ep: int | None = None  # None: found from the interface's endpoint descriptors
    out_ep: int | None = None


@dataclass(frozen=True)
class SerialAddress:
    port: str
    baudrate: int = DEFAULT_BAUDRATE
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1
    xonxoff: bool = False
    rtscts: bool = False
    dsrdtr: bool = False


@dataclass(frozen=True)
class TcpAddress:
    host: str
    port: int = DEFAULT_TCP_PORT


@dataclass(frozen=True)
class Win32Address:
    printer_name: str


@dataclass(frozen=True)
class CupsAddress:
    printer_name: str


@dataclass(frozen=True)
class FileAddress:
    path: Path


@dataclass(frozen=True)
class PreviewAddress:
    directory: Path | None  # None: use the preview_dir given to open_printer()


PrinterAddress = (
    UsbAddress
    | SerialAddress
    | TcpAddress
    | Win32Address
    | CupsAddress
    | FileAddress
    | PreviewAddress
)

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$", re.DOTALL)
_USB_IDS = re.compile(r"^(?:0x)?([0-9A-Fa-f]{1,4}):(?:0x)?([0-9A-Fa-f]{1,4})$")
_WINDOWS_DRIVE_PATH = re.compile(r"^/[A-Za-z]:[/\\]")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _fail(uri: str, reason: str) -> PrinterUriError:
    return PrinterUriError(f"Invalid printer URI {uri!r}: {reason}. Accepted forms: "
                           f"{ACCEPTED_FORMS}.")


def _query(uri: str, query: str, allowed: set[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True, strict_parsing=False):
        if key not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise _fail(uri, f"unknown option {key!r} (allowed: {known})")
        if key in params:
            raise _fail(uri, f"option {key!r} given twice")
        params[key] = value
    return params


def _int(uri: str, key: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value, 0)
    except ValueError:
        raise _fail(uri, f"{key}={value!r} is not a number") from None
    if not low <= number <= high:
        raise _fail(uri, f"{key}={value} is out of range {low}..{high}")
    return number


def _bool(uri: str, key: str, value: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise _fail(uri, f"{key}={value!r} must be 1/0, true/false, yes/no or on/off")


def _local_path(text: str) -> str:
    # "file:///C:/x" carries the Windows path "C:/x" after the third slash.
    path = unquote(text)
    return path[1:] if _WINDOWS_DRIVE_PATH.match(path) else path


def _parse_usb(uri: str, rest: str) -> UsbAddress:
    ids, _, query = rest.partition("?")
    match = _USB_IDS.match(ids.rstrip("/"))
    if not match:
        raise _fail(uri, "usb:// needs the vendor and product IDs as hex VID:PID")
    vendor_id, product_id = (int(group, 16) for group in match.groups())
    params = _query(uri, query, {"interface", "in_ep", "out_ep"})
    interface = _int(uri, "interface", params["interface"], 0, 255) if "interface" in params \
        else None
    in_ep = _int(uri, "in_ep", params["in_ep"], 0x81, 0x8F) if "in_ep" in params else None
    out_ep = _int(uri, "out_ep", params["out_ep"], 0x01, 0x0F) if "out_ep" in params else None
    return UsbAddress(vendor_id, product_id, interface, in_ep, out_ep)


def _parse_serial(uri: str, rest: str) -> SerialAddress:
    port, _, query = rest.partition("?")
    port = unquote(port)
    if not port or port == "/":
        raise _fail(uri, "serial:// needs a port, e.g. serial:///dev/ttyUSB0 or serial://COM3")
    if not port.startswith("/") and "/" in port:
        raise _fail(uri, f"port {port!r} looks like a path missing its leading slash; "
                         "write serial:///dev/... with three slashes")
    params = _query(uri, query, {"baudrate", "bytesize", "parity", "stopbits", "xonxoff",
                                 "rtscts", "dsrdtr"})
    address = SerialAddress(port=port)
    fields: dict[str, object] = {}
    if "baudrate" in params:
        fields["baudrate"] = _int(uri, "baudrate", params["baudrate"], 50, 4_000_000)
    if "bytesize" in params:
        fields["bytesize"] = _int(uri, "bytesize", params["bytesize"], 5, 8)
    if "parity" in params:
        parity = params["parity"].upper()[:1]
        if parity not in {"N", "E", "O", "M", "S"}:
            raise _fail(uri, "parity must be N, E, O, M or S")
        fields["parity"] = parity
    if "stopbits" in params:
        if params["stopbits"] not in {"1", "1.5", "2"}:
            raise _fail(uri, "stopbits must be 1, 1.5 or 2")
        fields["stopbits"] = float(params["stopbits"])
    for flag in ("xonxoff", "rtscts", "dsrdtr"):
        if flag in params:
            fields[flag] = _bool(uri, flag, params[flag])
    return replace(address, **fields)  # type: ignore[arg-type]


def _parse_tcp(uri: str) -> TcpAddress:
    parts = urlsplit(uri)
    if parts.query or parts.fragment or parts.path not in {"", "/"}:
        raise _fail(uri, "tcp:// takes only HOST and an optional :PORT")
    try:
        port = parts.port
    except ValueError:
        raise _fail(uri, "the port must be a number 1..65535") from None
    if not parts.hostname:
        raise _fail(uri, "tcp:// needs a host name or IP address")
    if port == 0:
        raise _fail(uri, "the port must be a number 1..65535")
    return TcpAddress(parts.hostname, port or DEFAULT_TCP_PORT)


def _spooler_name(uri: str, scheme: str, rest: str) -> str:
    name = unquote(rest)
    if not name.strip():
        raise _fail(uri, f"{scheme}:// needs the printer's name as shown by the system")
    return name


def parse_printer_uri(uri: str) -> PrinterAddress:
    """Parse a printer URI; raise PrinterUriError naming the URI and the accepted forms."""
    if not isinstance(uri, str):
        raise PrinterUriError(f"Printer URI must be text, not {type(uri).__name__}. "
                              f"Accepted forms: {ACCEPTED_FORMS}.")
    text = uri.strip()
    match = _SCHEME.match(text)
    if not match:
        raise _fail(uri, "it has no scheme (nothing like usb://, serial://, tcp://)")
    scheme, rest = match.group(1).lower(), match.group(2)
    if scheme == "usb":
        return _parse_usb(uri, rest)
    if scheme == "serial":
        return _parse_serial(uri, rest)
    if scheme == "tcp":
        return _parse_tcp(f"tcp://{rest}")
    if scheme == "win32":
        return Win32Address(_spooler_name(uri, scheme, rest))
    if scheme == "cups":
        return CupsAddress(_spooler_name(uri, scheme, rest))
    if scheme == "file":
        if rest.startswith("localhost/"):
            rest = rest[len("localhost"):]
        if not rest.startswith("/") or rest == "/":
            raise _fail(uri, "file:// needs an absolute path, e.g. file:///dev/usb/lp0")
        return FileAddress(Path(_local_path(rest)))
    if scheme == "preview":
        directory = _local_path(rest)
        return PreviewAddress(Path(directory) if directory else None)
    raise _fail(uri, f"unknown scheme {scheme!r}")
