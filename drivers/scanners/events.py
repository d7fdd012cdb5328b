"""The one scan event every scanner emits, whatever the connection."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

#: Control characters some scanners wrap around a scan (STX/ETX framing, NUL padding, AIM
#: prefixes' separators are kept). They are never part of a CCCD or dossier code.
_FRAMING = "\x00\x02\x03"


class ScannerStatus(StrEnum):
    """What a scanner reports when its connection changes."""

    CONNECTED = "connected"
    #: Not plugged in, unplugged, or the port/camera could not be opened; retrying.
    DISCONNECTED = "disconnected"
    #: A video file played to its end (cameras and serial ports never end by themselves).
    ENDED = "ended"
    STOPPED = "stopped"


@dataclass(frozen=True)
class ScanEvent:
    """One code read by one scanner.

    `data` is what the device delivered (raw bytes; for a keyboard wedge, the typed text in
    UTF-8), `text` the decoded text, `source` names the device ("wedge", "serial:/dev/ttyACM0",
    "camera:0"), `at` is when the scan completed (timezone-aware, UTC).

    The text is personal data when it comes from an ID card, so it is left out of repr(): an
    event that ends up in a log line or a traceback shows only its length.
    """

    data: bytes
    text: str
    source: str
    at: datetime

    def __repr__(self) -> str:
        return (f"ScanEvent(source={self.source!r}, bytes={len(self.data)}, "
                f"at={self.at.isoformat(timespec='milliseconds')})")

    @classmethod
    def now(cls, data: bytes, text: str, source: str) -> ScanEvent:
        return cls(data=data, text=text, source=source, at=datetime.now(UTC))


def decode_scan_bytes(data: bytes) -> str:
    """Text of a scan from a byte-oriented device (serial, USB-CDC).

    Scanners in USB-CDC mode pass the code's bytes through unchanged, and CCCD QR codes hold
    UTF-8. Anything that is not valid UTF-8 keeps U+FFFD markers rather than being guessed into
    another code page: a garbled name must fail validation, not reach the form looking right.
    """
    text = data.decode("utf-8", errors="replace")
    return text.lstrip("\ufeff").strip(_FRAMING)
