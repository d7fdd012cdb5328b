"""Reading what scanners deliver: chip ID card QR payloads and dossier codes (plain Python)."""

from kiosk.scanning.parse import (
    ParseError,
    ScanResult,
    check_read,
    format_dossier_code,
    lacks_diacritics,
    parse_scan,
    repair_mojibake,
    starts_like_code,
)

__all__ = ["ParseError", "ScanResult", "check_read", "format_dossier_code", "lacks_diacritics",
           "parse_scan", "repair_mojibake", "starts_like_code"]
