"""Barcode and QR scanners: keyboard-wedge (HID), serial/USB-CDC, and cameras, all delivering
one kind of event, `ScanEvent`; plus image decoding (zxing-cpp, pyzbar, OpenCV).

One class per connection kind:
- `SerialScanner` (serial_scanner.py): pyserial on a worker thread, found by port or VID:PID,
  reconnects after unplugging. Plain Python with callbacks.
- `CameraScanner` (camera.py): OpenCV capture (or a video file) on a worker thread, with a
  preview callback. Needs the `camera` extra (OpenCV).
- `WedgeScanner` (wedge.py): a Qt event filter on the QApplication. Import it from
  drivers.scanners.wedge; it is the one scanner that needs Qt.
- Qt adapters with signals for the UI: drivers.scanners.qt_adapters.

Nothing here imports Qt or OpenCV at import time.
"""

from drivers.scanners.camera import CameraScanner, parse_source
from drivers.scanners.decoders import (
    DEFAULT_FORMATS,
    ENGINES,
    Decoded,
    EngineUnavailable,
    available_engines,
    decode_detailed,
    decode_frame,
    decode_image,
    load_image,
)
from drivers.scanners.discovery import (
    PortInfo,
    UsbIdError,
    find_port,
    list_scanners,
    list_serial_ports,
    parse_usb_id,
)
from drivers.scanners.events import ScanEvent, ScannerStatus, decode_scan_bytes
from drivers.scanners.serial_scanner import ScanFramer, SerialScanner

__all__ = [
    "DEFAULT_FORMATS",
    "ENGINES",
    "CameraScanner",
    "Decoded",
    "EngineUnavailable",
    "PortInfo",
    "ScanEvent",
    "ScanFramer",
    "ScannerStatus",
    "SerialScanner",
    "UsbIdError",
    "available_engines",
    "decode_detailed",
    "decode_frame",
    "decode_image",
    "decode_scan_bytes",
    "find_port",
    "list_scanners",
    "list_serial_ports",
    "load_image",
    "parse_source",
    "parse_usb_id",
]
