"""Turn an image into the ESC/POS bytes of one print job, using python-escpos.

Every backend sends the same bytes: ESC @, the image as GS v 0 raster bands, then a cut. The job
is built once in memory (python-escpos' Dummy printer) so that backends only move bytes, which is
what has to be bounded in time.
"""

from __future__ import annotations

import copy
import logging
import struct
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from PIL import Image

if TYPE_CHECKING:
    from escpos.escpos import Escpos

#: Raster band height. Cheap printers with small receive buffers mis-handle very tall GS v 0
#: blocks; 256 rows of 576 dots is 18 KiB, which they all take, at 8 bytes of overhead per band.
FRAGMENT_HEIGHT = 256

#: Paper width in mm -> printable dots at 203 dpi.
DOTS_BY_WIDTH_MM = {80: 576, 58: 384}

#: Key of Image.info under which a slip says where its QR code is, so that a printer can print
#: it with its own QR command: a dict with "text", "top" and "height" (rows of the image,
#: quiet zone included), "module" (dots per module), "border" (quiet zone in modules) and
#: "error_correction" ("L", "M", "Q" or "H").
QR_HINT = "escpos.qr"

#: python-escpos' QR error correction constants by level letter.
_QR_LEVELS = {"L": 0, "M": 1, "Q": 2, "H": 3}

#: Lines fed when not cutting, so the last printed row clears the tear bar.
TEAR_OFF_FEED_LINES = 4


@cache
def escpos_module() -> Any:
    """Import python-escpos without letting the import reconfigure the application's logging.

    escpos.capabilities calls logging.basicConfig() at import time, which installs a stderr root
    handler; imports often run before the application has set up its logging. (python-escpos'
    printer classes also log through the module-level logging.info(), which does the same when
    the root logger still has no handler: configure logging before the first job.)
    """
    root = logging.getLogger()
    before = list(root.handlers)
    import escpos.printer

    for handler in list(root.handlers):
        if handler not in before:
            root.removeHandler(handler)
    return escpos.printer


def escpos_profile(width_dots: int) -> Any:
    """The default ESC/POS profile, with the media width filled in.

    The stock default profile has media width "Unknown": python-escpos then prints a warning to
    stdout on every image and cannot refuse images wider than the paper. The profile data is a
    class-level dict shared by all instances, so it is copied before being changed.
    """
    escpos_module()
    from escpos.capabilities import Profile

    # Only instances of Profile (built on the default profile) are accepted as-is by
    # python-escpos; Profile() would otherwise clear the feature list, so pass it on.
    data = copy.deepcopy(Profile.profile_data)
    data["media"]["width"] = {"mm": 80 if width_dots >= 576 else 58, "pixels": width_dots}
    data["media"]["dpi"] = 203
    profile = Profile(features=data["features"])
    profile.profile_data = data
    return profile


def to_raster(image: Image.Image, width_dots: int) -> Image.Image:
    """The exact 1-bit image the printer will print: thresholded and centred on the paper width.

    Transparent areas become paper. Grey is thresholded at 50 %, not dithered: the ticket is
    text, and dithered edges print as fuzz. Narrower images are centred because GS v 0 always
    starts at the left margin. The image's print hints (QR_HINT) are kept, moved with it.
    """
    if image.width > width_dots:
        raise ValueError(f"image is {image.width} dots wide but the paper takes {width_dots}")
    hint = image.info.get(QR_HINT)
    if image.mode != "1":
        rgba = image.convert("RGBA")
        flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat.alpha_composite(rgba)
        image = flat.convert("L").point(lambda v: 255 if v >= 128 else 0, mode="1")
    if image.width == width_dots:
        page = image.copy()
    else:
        page = Image.new("1", (width_dots, image.height), 1)
        page.paste(image, ((width_dots - image.width) // 2, 0))
    if hint is not None:
        page.info[QR_HINT] = hint
    return page


@dataclass(frozen=True)
class JobOptions:
    """How compactly a printer takes a job; every option needs the printer's support.

    The default sends only what every ESC/POS printer prints identically: raster bands cut to
    their ink on the right, blank rows as 1-byte-wide blank bands (ESC J and GS L count in the
    printer's motion units, 1/360 and 1/180 inch on Epson TM-T88 models, not in dots).
    """

    #: Print the slip's QR (QR_HINT) with the printer's own QR command, GS ( k, where the
    #: python-escpos profile says it has one. The symbol is the printer's: same content, size
    #: and error correction, possibly another mask.
    native_qr: bool = False
    #: Also cut bands on the left, moving them with GS L (left margin) counted in dots: only for
    #: printers whose horizontal motion unit is one dot (most 203-dpi models).
    left_margin: bool = False
    #: Send bands cut to their ink symmetrically about the paper's centre and let the printer
    #: centre them (ESC a 1): the dots land where the full-width band puts them, whatever the
    #: motion units, on printers that justify raster images as Epson documents (Epson TM
    #: models; python-escpos' image(center=True) relies on it). Some clones print every raster
    #: image at the left margin whatever ESC a says. Unused with left_margin, which cuts more.
    centre: bool = False


#: PIL mode "1" stores 1 = white; ESC/POS raster bits are 1 = black.
_INVERT = bytes(255 - b for b in range(256))


def _band(rows: list[bytes], first: int, stop: int) -> bytes:
    """GS v 0 (normal density) of raster rows (1 = black), bytes [first, stop) of each."""
    return (b"\x1dv0\x00" + struct.pack("<HH", stop - first, len(rows))
            + b"".join(row[first:stop] for row in rows))


def _blank(height: int) -> bytes:
    """`height` rows of paper as the narrowest raster: exact on every printer, unlike ESC J."""
    out = bytearray()
    for start in range(0, height, FRAGMENT_HEIGHT):
        rows = min(FRAGMENT_HEIGHT, height - start)
        out += b"\x1dv0\x00\x01\x00" + struct.pack("<H", rows) + bytes(rows)
    return bytes(out)


def _left_margin(dots: int) -> bytes:
    return b"\x1dL" + struct.pack("<H", dots)


class _State:
    """What the job has set on the printer so far: left margin (bytes) and justification."""

    def __init__(self) -> None:
        self.margin = 0
        self.centred = False

    def place(self, out: bytearray, margin: int, centred: bool) -> None:
        if margin != self.margin:
            out.extend(_left_margin(margin * 8))
            self.margin = margin
        if centred != self.centred:
            out.extend(b"\x1ba\x01" if centred else b"\x1ba\x00")
            self.centred = centred


def _encode_rows(rows: list[bytes], options: JobOptions, out: bytearray, state: _State) -> None:
    """Blank rows as blank bands; inked rows as bands cut to their ink, a new band wherever
    widening the current one would cost more bytes than a band header (at most FRAGMENT_HEIGHT
    rows each). A band is cut on the right only and printed at the left margin, or with
    options.left_margin also on the left and moved there with GS L, or with options.centre
    symmetrically and centred by the printer (ESC a 1), whichever sends fewer bytes."""
    if not rows:
        return
    width = len(rows[0])
    left_margin = options.left_margin
    centre = options.centre and not left_margin
    header = 12 if left_margin else 8  # GS v 0 header, and a GS L to move the band
    blank = 0
    band: list = []  # top row, first and one-past-last byte column, centred

    def flush(bottom: int) -> None:
        top, first, stop, centred = band
        state.place(out, first if left_margin else 0, centred)
        out.extend(_band(rows[top:bottom], first, stop))
        band.clear()

    def span(first: int, stop: int, centred: bool) -> tuple[int, int]:
        if centred:
            side = min(first, width - stop)
            return side, width - side
        return 0, stop

    for y, row in enumerate(rows):
        stop = len(row.rstrip(b"\x00"))
        if stop == 0:
            if band:
                flush(y)
            blank += 1
            continue
        if blank:
            out.extend(_blank(blank))
            blank = 0
        first = width - len(row.lstrip(b"\x00")) if left_margin or centre else 0
        if band:
            top, band_first, band_stop, centred = band
            row_first, row_stop = span(first, stop, centred) if centre else (first, stop)
            height = y - top
            wider_first, wider_stop = min(band_first, row_first), max(band_stop, row_stop)
            extra = (wider_stop - wider_first) * (height + 1) - (band_stop - band_first) * height
            if height < FRAGMENT_HEIGHT and extra <= header + row_stop - row_first:
                band[1:3] = [wider_first, wider_stop]
                continue
            flush(y)
        if centre:  # centred unless the band at the left margin is narrower
            side = min(first, width - stop)
            centred = width - 2 * side <= stop
            band.extend((y, side, width - side, True) if centred else (y, 0, stop, False))
        else:
            band.extend((y, first, stop, False))
    if band:
        flush(len(rows))
    if blank:
        out.extend(_blank(blank))


def _native_qr(hint: dict, width_dots: int) -> bytes | None:
    """The printer's own QR command for a QR_HINT, centred; None if the hint is unusable."""
    module = int(hint.get("module", 0))
    level = str(hint.get("error_correction", "M"))
    text = hint.get("text")
    if not text or not 1 <= module <= 16 or level not in _QR_LEVELS:
        return None
    printer = escpos_module().Dummy(profile=escpos_profile(width_dots))
    if not printer.profile.supports("qrCode"):
        return None
    printer._raw(b"\x1ba\x01")  # centre, as the raster QR is
    printer.qr(text, ec=_QR_LEVELS[level], size=module, native=True)
    printer._raw(b"\x1ba\x00")
    return printer.output


def encode_raster(raster: Image.Image, options: JobOptions = JobOptions()) -> bytes:
    """The raster as compact ESC/POS: see JobOptions. Parsed back, it prints `raster` exactly
    (apart from a native QR's own symbol). The printer is left as the job found it after
    ESC @: left margin 0, left justified."""
    width_bytes = (raster.width + 7) // 8
    if options.centre and raster.width != width_bytes * 8:
        options = replace(options, centre=False)  # centring a whole byte would round
    data = raster.tobytes().translate(_INVERT)
    rows = [data[y:y + width_bytes] for y in range(0, len(data), width_bytes)]
    out = bytearray()
    state = _State()
    hint = raster.info.get(QR_HINT) if options.native_qr else None
    command = _native_qr(hint, raster.width) if isinstance(hint, dict) else None
    if command is not None:
        top, height = int(hint["top"]), int(hint["height"])
        quiet = int(hint["border"]) * int(hint["module"])
        _encode_rows(rows[:top], options, out, state)
        state.place(out, 0, False)  # the command sets its own centring, then resets it
        out += _blank(quiet) + command + _blank(quiet)
        _encode_rows(rows[top + height:], options, out, state)
    else:
        _encode_rows(rows, options, out, state)
    state.place(out, 0, False)
    return bytes(out)


@cache
def _trailer(cut: bool) -> bytes:
    printer = escpos_module().Dummy(profile=escpos_profile(576))
    if cut:
        printer.cut(feed=False)
    else:
        printer.print_and_feed(TEAR_OFF_FEED_LINES)
    return printer.output


def build_job(raster: Image.Image, width_dots: int, *, cut: bool,
              options: JobOptions = JobOptions()) -> bytes:
    """ESC/POS bytes for one ticket: init, the print area width, compact raster, then cut (or a
    feed to tear off).

    GS W (the full paper width) tells a reader of the stream how wide the page is, since the
    bands are cut to their ink; a printer takes it as "the whole printable width".
    The cut is GS V 66 0 ("feed to the cutter, then partial cut"): the printer knows its own
    head-to-cutter distance, so no paper is wasted on a guessed feed, and the partial cut leaves
    the ticket hanging from the kiosk slot instead of dropping on the floor.
    """
    return (b"\x1b@" + b"\x1dW" + struct.pack("<H", width_dots) + encode_raster(raster, options)
            + _trailer(cut))


def build_job_full_raster(raster: Image.Image, width_dots: int, *, cut: bool) -> bytes:
    """The job as it was built before encode_raster: every row of the paper width, through
    python-escpos' image(). Kept to measure against (benchmarks) and compare with (tests)."""
    printer: Escpos = escpos_module().Dummy(profile=escpos_profile(width_dots))
    printer.hw("INIT")
    printer.image(raster, impl="bitImageRaster", fragment_height=FRAGMENT_HEIGHT, center=False)
    if cut:
        printer.cut(feed=False)
    else:
        printer.print_and_feed(TEAR_OFF_FEED_LINES)
    return printer.output
