"""`kiosk scan decode IMAGE...` and `kiosk scan listen`: scans from image files and devices.

Both print one JSON object per scan, the shape `kiosk scan parse` prints
(kiosk/commands/scan_output.py), so scripts see the same thing whatever the source. Scan text is
printed to the terminal that asked for it and never logged. Exit status: 0 when every image gave
an accepted scan, 2 when one gave none, was unreadable, or was rejected.
"""

from __future__ import annotations

import json
import queue
import sys
import time
from typing import Any

from kiosk.commands import EXIT_OK, EXIT_USAGE
from kiosk.config import Config
from kiosk.paths import Paths

ENGINE_CHOICES = ("zxing", "zbar", "opencv")

_NOT_FOUND_VI = "Không tìm thấy mã QR hay mã vạch nào đọc được trong ảnh."
_UNREADABLE_VI = "Không mở được tệp ảnh."


def register_into(scan_sub) -> None:
    """Add `decode` and `listen` to the `kiosk scan` group's subparsers."""
    d = scan_sub.add_parser("decode", help="read ID card QR codes and dossier barcodes from "
                            "image files and print them as JSON, one object per image")
    d.add_argument("images", nargs="+", metavar="IMAGE", help="image files (PNG, JPEG, ...)")
    d.add_argument("--engine", choices=ENGINE_CHOICES,
                   help="decoder (default: [scanner] engine in the configuration, else zxing)")
    d.set_defaults(handler=_decode)

    listen = scan_sub.add_parser("listen", help="print scans from a serial/USB-CDC scanner "
                                 "(or a camera) as they arrive, until Ctrl+C")
    listen.add_argument("--port", metavar="P", help="serial port such as COM3 or /dev/ttyACM0 "
                        "(default: [scanner] serial_port, or the first port matching "
                        "[scanner] usb_ids)")
    listen.add_argument("--usb-id", action="append", metavar="VID:PID",
                        help="find the scanner by USB id (repeatable)")
    listen.add_argument("--baudrate", type=int, metavar="N")
    listen.add_argument("--camera", metavar="SOURCE", help="read from a camera instead: an "
                        "index (0), a device path, or a video file")
    listen.add_argument("--engine", choices=ENGINE_CHOICES, help="decoder for --camera")
    listen.add_argument("--list", action="store_true",
                        help="list serial ports with their USB ids and exit")
    listen.add_argument("--count", type=int, metavar="N", help="exit after N scans")
    listen.add_argument("--timeout", type=float, metavar="S", help="exit after S seconds")
    listen.set_defaults(handler=_listen)


def _settings(config: Config) -> Any:
    from kiosk.scanner_settings import scanner_settings

    return scanner_settings(config)


def _no_scan(file: str, code: str, message_vi: str, message_en: str) -> dict[str, Any]:
    return {"file": file, "text": None, "kind": "unknown", "fields": None,
            "error": {"code": code, "message_vi": message_vi, "message_en": message_en}}


def _pick(texts: list[str]) -> str:
    """The code to report when an image holds several: the ID card, else a dossier code."""
    from kiosk.scanning import parse_scan

    rank = {"cccd": 0, "dossier": 1}
    return min(texts, key=lambda t: rank.get(parse_scan(t).kind, 2))


def decode_file(path: str, engine: str) -> dict[str, Any]:
    """The JSON object `kiosk scan decode` prints for one image file."""
    from drivers.scanners.decoders import decode_image, load_image
    from kiosk.commands.scan_output import scan_json
    from kiosk.scanning import check_read, parse_scan, repair_mojibake

    try:
        image = load_image(path)
    except (OSError, ValueError) as exc:
        return _no_scan(path, "decode.unreadable", _UNREADABLE_VI,
                        f"cannot read the image: {type(exc).__name__}: {exc}")
    texts = decode_image(image, engine, check=check_read, repair=repair_mojibake)
    del image  # an ID card photo: not kept a moment longer than decoding needs
    if not texts:
        return _no_scan(path, "decode.not_found", _NOT_FOUND_VI,
                        "no QR code or barcode could be read from the image")
    return scan_json(parse_scan(_pick(texts)), path)


def _decode(args, config: Config, paths: Paths) -> int:
    from drivers.scanners.decoders import EngineUnavailable, get_engine

    engine = args.engine or _settings(config).engine
    try:
        get_engine(engine)
    except EngineUnavailable as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    status = EXIT_OK
    for path in args.images:
        out = decode_file(path, engine)
        if out["error"] is not None:
            status = EXIT_USAGE
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return status


def _print_ports() -> None:
    from drivers.scanners.discovery import SCANNER_VENDORS, list_serial_ports

    ports = list_serial_ports()
    if not ports:
        print("No serial ports found. A scanner in keyboard (HID) mode is not a serial port: "
              "switch it to USB-CDC / virtual COM mode with its setup barcodes.")
    for p in ports:
        maker = f" [{SCANNER_VENDORS[p.vid]} scanner]" if p.likely_scanner and p.vid else ""
        print(f"{p.device:<28} {p.usb_id or '-':<10} {p.description}{maker}")


def _listen(args, config: Config, paths: Paths) -> int:
    from drivers.scanners.decoders import EngineUnavailable
    from drivers.scanners.events import ScannerStatus
    from kiosk.commands.scan_output import scan_json
    from kiosk.scanning import parse_scan

    if args.list:
        _print_ports()
        return EXIT_OK
    settings = _settings(config)
    events: queue.Queue = queue.Queue()

    def on_status(status: ScannerStatus, where: str) -> None:
        events.put(("status", status, where))

    def on_scan(event) -> None:
        events.put(("scan", event, None))

    try:
        if args.camera is not None:
            from drivers.scanners.camera import CameraScanner
            from kiosk.scanning import check_read, repair_mojibake

            scanner: Any = CameraScanner(args.camera, on_scan, on_status=on_status,
                                         engine=args.engine or settings.engine, check=check_read,
                                         repair=repair_mojibake)
        else:
            from drivers.scanners.serial_scanner import SerialScanner

            port = args.port or settings.serial_port
            usb_ids = tuple(args.usb_id or settings.usb_ids)
            if not port and not usb_ids:
                print("No scanner configured: give --port or --usb-id, or set serial_port or "
                      "usb_ids in the [scanner] section. Serial ports here:", file=sys.stderr)
                _print_ports()
                return EXIT_USAGE
            scanner = SerialScanner(on_scan, port=port, usb_ids=usb_ids,
                                    baudrate=args.baudrate or settings.baudrate,
                                    on_status=on_status,
                                    flush_after_s=settings.serial_flush_ms / 1000)
    except EngineUnavailable as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE

    print(f"Listening on {args.camera or scanner.wanted}; Ctrl+C to stop.", file=sys.stderr)
    deadline = None if args.timeout is None else time.monotonic() + args.timeout
    scans = 0
    scanner.start()
    try:
        while args.count is None or scans < args.count:
            wait = 0.2 if deadline is None else min(0.2, deadline - time.monotonic())
            if wait <= 0:
                break
            try:
                what, item, where = events.get(timeout=wait)
            except queue.Empty:
                continue
            if what == "status":
                print(f"scanner {item.value}{': ' + where if where else ''}", file=sys.stderr)
                if item is ScannerStatus.ENDED:
                    break
                continue
            scans += 1
            out = scan_json(parse_scan(item.text))
            out["source"] = item.source
            out["at"] = item.at.isoformat(timespec="milliseconds")
            print(json.dumps(out, ensure_ascii=False), flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        scanner.stop()
    return EXIT_OK
