"""Scanner settings, read from the station configuration's [scanner] section when it has one.

The configuration schema lives in kiosk/config.py; until it carries a `scanner` section these
defaults apply, and any key it does carry overrides its default here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ScannerSettings:
    #: Serial/USB-CDC port ("COM3", "/dev/ttyACM0", "/dev/serial/by-id/..."); "" = find the
    #: scanner by usb_ids.
    serial_port: str = ""
    #: USB "VID:PID" (or "VID") of serial scanners to look for when serial_port is "".
    usb_ids: tuple[str, ...] = ()
    baudrate: int = 9600
    #: A scan with no CR/LF ends after this much silence.
    serial_flush_ms: int = 100
    #: Catch keyboard-wedge (HID) scanners typing into the UI.
    wedge_enabled: bool = True
    #: Keys closer together than this are a scanner's burst; people type slower.
    wedge_max_interkey_ms: int = 35
    #: Shorter bursts are typing (a dossier code has 25 characters, a CCCD QR 100 or more).
    wedge_min_length: int = 6
    #: The key the scanner sends after a code: "enter" or "tab".
    wedge_terminator: str = "enter"
    #: Camera to scan with: "" = none, "0" = the first camera, or a device path / video file.
    camera: str = ""
    #: Decoder for camera and image reads: "zxing", "zbar" or "opencv".
    engine: str = "zxing"

    @property
    def serial_configured(self) -> bool:
        return bool(self.serial_port or self.usb_ids)


def scanner_settings(config: Any) -> ScannerSettings:
    """The [scanner] settings of a kiosk Config (or defaults when it has no such section)."""
    section = getattr(config, "scanner", None)
    if section is None:
        return ScannerSettings()
    values = {}
    for f in dataclasses.fields(ScannerSettings):
        if hasattr(section, f.name):
            value = getattr(section, f.name)
            values[f.name] = tuple(value) if isinstance(value, list) else value
    return ScannerSettings(**values)
