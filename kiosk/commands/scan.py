"""`kiosk scan parse TEXT` (and, later, other ways of getting scan text: `decode`, `listen`).

Every `kiosk scan ...` subcommand prints one JSON object per scan, built by `scan_json`
(kiosk/commands/scan_output.py), so a script sees the same shape whatever the source. Exit
status: 0 when every scan was accepted (kind "unknown" included: whether unknown codes matter is
the caller's decision), 2 when one was rejected (including an empty read).

To add a subcommand, write a `_register_NAME(scan_sub)` function and add it to `SUBCOMMANDS`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.commands import EXIT_OK, EXIT_USAGE
from kiosk.commands.scan_output import scan_json
from kiosk.config import Config
from kiosk.paths import Paths
from kiosk.scanning import ScanResult, parse_scan


def exit_code(results: list[ScanResult]) -> int:
    return EXIT_USAGE if any(r.rejected for r in results) else EXIT_OK


def print_scan(result: ScanResult, file: str | Path | None = None) -> None:
    # ensure_ascii=False: the clerk and scripts read Vietnamese, not \u escapes.
    print(json.dumps(scan_json(result, file), ensure_ascii=False))


def _register_parse(scan_sub) -> None:
    p = scan_sub.add_parser("parse", help="check scanned text (ID card QR or dossier code) and "
                            "print it as JSON")
    p.add_argument("text", metavar="TEXT", help="the scanned text; '-' reads it from standard "
                   "input (quote it: ID card QR text contains '|')")
    p.set_defaults(handler=_parse, needs_config=False)


def _parse(args, config: Config, paths: Paths) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    result = parse_scan(text)
    print_scan(result)
    return exit_code([result])


def _register_devices(scan_sub) -> None:
    from kiosk.commands.scan_devices import register_into

    register_into(scan_sub)


SUBCOMMANDS: tuple[Callable[[Any], None], ...] = (_register_parse, _register_devices)


def register(sub) -> None:
    scan = sub.add_parser("scan", help="read ID card QR codes and dossier codes")
    scan_sub = scan.add_subparsers(dest="scan_command", required=True, metavar="ACTION")
    for add in SUBCOMMANDS:
        add(scan_sub)
