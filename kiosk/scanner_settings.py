"""Scanner settings: the station configuration's [scanner] section (kiosk/config.py holds the
keys, their defaults and their documentation). On the kiosk side: the scanner drivers take
plain arguments and know nothing of the configuration."""

from __future__ import annotations

from dataclasses import asdict

from kiosk.config import Config, ScannerConfig


class ScannerSettings(ScannerConfig):
    """[scanner], plus what the scanner code asks of it."""

    @property
    def serial_configured(self) -> bool:
        return bool(self.serial_port or self.usb_ids)


def scanner_settings(config: Config) -> ScannerSettings:
    """The [scanner] settings of a kiosk Config."""
    return ScannerSettings(**asdict(config.scanner))
