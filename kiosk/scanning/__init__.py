"""Reading what scanners deliver: chip ID card QR payloads and dossier codes (plain Python)."""

from kiosk.scanning.parse import (
    ParseError,
    ScanResult,
    format_dossier_code,
    parse_scan,
    repair_mojibake,
)

__all__ = ["ParseError", "ScanResult", "format_dossier_code", "parse_scan", "repair_mojibake"]
