"""A printer that saves each ticket as a PNG: the demo's default, and handy without hardware."""

from __future__ import annotations

import itertools
import logging
import os
import threading
from datetime import datetime
from pathlib import Path

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from drivers.printers.base import Printer
from drivers.printers.errors import VI_PREVIEW_FAILED, PrintError
from drivers.printers.escpos_job import to_raster
from drivers.printers.status import PrinterStatus

log = logging.getLogger(__name__)


class PreviewPrinter(Printer):
    """Writes the exact 1-bit raster a thermal printer would get to DIR/ticket-<time>-<n>.png.

    The PNG holds only the raster, so it can be compared pixel for pixel with the printed
    output; the cut is recorded as PNG text metadata ("cut": "partial" or "none").
    """

    can_read_status = True

    def __init__(self, uri: str, directory: Path, width_dots: int) -> None:
        self.uri = uri
        self.directory = directory
        self.width_dots = width_dots
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self.last_path: Path | None = None

    def status(self) -> PrinterStatus:
        directory = self.directory
        while not directory.exists() and directory != directory.parent:
            directory = directory.parent  # it will be created on the first print
        ok = directory.is_dir() and os.access(directory, os.W_OK)
        return PrinterStatus.READY if ok else PrinterStatus.OFFLINE

    def print_image(self, image: Image.Image, *, cut: bool = True) -> None:
        raster = to_raster(image, self.width_dots)
        info = PngInfo()
        info.add_text("cut", "partial" if cut else "none")
        with self._lock:
            try:
                # A printed receipt can show a name: owner-only folder and files.
                self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
                path = self._write_new(raster, info)
            except OSError as exc:
                raise PrintError(
                    VI_PREVIEW_FAILED,
                    f"Cannot write the ticket preview to {self.directory} ({exc.strerror or exc})."
                    " Check that the folder exists and is writable, or change the preview "
                    "directory.",
                    status=PrinterStatus.OFFLINE,
                ) from exc
        self.last_path = path
        log.info("Ticket preview written to %s", path)

    def _write_new(self, raster: Image.Image, info: PngInfo) -> Path:
        # Exclusive create: two kiosk processes sharing a folder, or a clock step back, must never
        # overwrite an earlier preview.
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        while True:
            path = self.directory / f"ticket-{stamp}-{next(self._counter):04d}.png"
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                             | getattr(os, "O_BINARY", 0), 0o600)
                with os.fdopen(fd, "wb") as handle:
                    raster.save(handle, format="PNG", pnginfo=info)
                return path
            except FileExistsError:
                continue
