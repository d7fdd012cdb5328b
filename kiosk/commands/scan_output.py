"""The one JSON object every `kiosk scan ...` subcommand prints per scan (parse, decode, listen),
in a module of its own so the subcommands share it without importing each other."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.scanning import ScanResult


def scan_json(result: ScanResult, file: str | Path | None = None) -> dict[str, Any]:
    """The JSON object every scan subcommand prints for one scan."""
    error = None
    if result.error is not None:
        error = {"code": result.error.code, "message_vi": result.error.message_vi,
                 "message_en": result.error.message_en}
    return {"file": None if file is None else str(file), "text": result.text,
            "kind": result.kind, "fields": result.fields, "error": error}
