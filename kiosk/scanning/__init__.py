"""Reading what scanners deliver: chip ID card QR payloads and dossier codes (plain Python)."""

from kiosk.scanning.parse import (
    ParseError,
    ScanResult,
    check_read,
    format_dossier_code,
    parse_scan,
    repair_mojibake,
)

__all__ = ["ParseError", "ScanResult", "check_read", "format_dossier_code", "parse_scan",
           "repair_mojibake"]
