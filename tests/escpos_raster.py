"""Test helper: parse an ESC/POS byte stream back into the images it would print.

Strict on purpose: any byte it does not understand raises, so a test notices garbage (text
leaking into the stream, a truncated band, a wrong length field) instead of passing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

ESC, GS, DLE, LF, CR, HT, FF = 0x1B, 0x1D, 0x10, 0x0A, 0x0D, 0x09, 0x0C

# Raster bits are 1 = black; PIL mode "1" stores 1 = white.
_INVERT = bytes(255 - b for b in range(256))

# GS V cut variants: function A (m only) and B/C/D (m and n).
_CUT_A = {0: "full", 48: "full", 1: "partial", 49: "partial"}
_CUT_WITH_N = {65: "full", 66: "partial", 97: "full", 98: "partial", 103: "full",
               104: "partial"}

# Commands taking a fixed number of parameter bytes, skipped without effect on the image.
_ESC_SKIP = {
    ord("!"): 1, ord("-"): 1, ord("2"): 0, ord("3"): 1, ord("E"): 1, ord("G"): 1, ord("M"): 1,
    ord("R"): 1, ord("t"): 1, ord("{"): 1, ord("V"): 1, ord("c"): 2, ord("p"): 3, ord(" "): 1,
    ord("$"): 2, ord("U"): 1,
}
_GS_SKIP = {ord("!"): 1, ord("B"): 1, ord("L"): 2, ord("W"): 2, ord("a"): 1, ord("H"): 1,
            ord("h"): 1, ord("w"): 1, ord("f"): 1}


class EscposParseError(ValueError):
    """The stream holds bytes this parser does not understand."""


@dataclass
class Page:
    """Everything printed up to a cut (or the end of the stream)."""

    bands: list[Image.Image] = field(default_factory=list)
    cut: str | None = None  # "full", "partial" or None when the stream ended without a cut
    feed_lines: int = 0  # ESC d / LF after or between images (not drawn into `image`)
    feed_dots: int = 0  # ESC J

    @property
    def image(self) -> Image.Image:
        """Bands stacked top to bottom, mode "1" (white = 1), as wide as the widest band."""
        width = max((band.width for band in self.bands), default=0)
        height = sum(band.height for band in self.bands)
        page = Image.new("1", (width, height), 1)
        y = 0
        for band in self.bands:
            page.paste(band, (0, y))
            y += band.height
        return page


@dataclass
class ParsedStream:
    pages: list[Page]
    inits: int = 0  # ESC @ count
    status_queries: list[bytes] = field(default_factory=list)  # DLE EOT n / DLE ENQ n
    justification: int = 0  # last ESC a n

    @property
    def images(self) -> list[Image.Image]:
        """One stacked image per page that printed anything."""
        return [page.image for page in self.pages if page.bands]

    @property
    def cut_found(self) -> bool:
        return any(page.cut for page in self.pages)


def _need(data: bytes, pos: int, count: int, what: str) -> bytes:
    if pos + count > len(data):
        raise EscposParseError(f"stream ends inside {what} at offset {pos}")
    return data[pos:pos + count]


def _raster_band(data: bytes, pos: int) -> tuple[Image.Image, int]:
    """GS v 0 m xL xH yL yH d1...dk, with pos at 'm'. Returns the band and the next offset."""
    m, x_low, x_high, y_low, y_high = _need(data, pos, 5, "GS v 0 header")
    if m not in (0, 1, 2, 3, 48, 49, 50, 51):
        raise EscposParseError(f"GS v 0 with invalid mode {m} at offset {pos}")
    width_bytes = x_low + 256 * x_high
    height = y_low + 256 * y_high
    if width_bytes == 0 or height == 0:
        raise EscposParseError(f"GS v 0 with empty size at offset {pos}")
    size = width_bytes * height
    bits = _need(data, pos + 5, size, "GS v 0 data")
    band = Image.frombytes("1", (width_bytes * 8, height), bits.translate(_INVERT))
    mode = m & 0x03
    if mode & 1:  # double width
        band = band.resize((band.width * 2, band.height), Image.Resampling.NEAREST)
    if mode & 2:  # double height
        band = band.resize((band.width, band.height * 2), Image.Resampling.NEAREST)
    return band, pos + 5 + size


def parse_escpos(data: bytes) -> ParsedStream:
    """Walk `data` and return its pages; raise EscposParseError on anything unknown."""
    pages = [Page()]
    result = ParsedStream(pages=pages)
    pos = 0
    while pos < len(data):
        byte = data[pos]
        page = pages[-1]
        if byte == LF:
            page.feed_lines += 1
            pos += 1
        elif byte in (CR, 0x00):
            pos += 1
        elif byte == ESC:
            command = _need(data, pos + 1, 1, "ESC command")[0]
            if command == ord("@"):
                result.inits += 1
                pos += 2
            elif command == ord("a"):
                result.justification = _need(data, pos + 2, 1, "ESC a")[0]
                pos += 3
            elif command == ord("d"):
                page.feed_lines += _need(data, pos + 2, 1, "ESC d")[0]
                pos += 3
            elif command == ord("J"):
                page.feed_dots += _need(data, pos + 2, 1, "ESC J")[0]
                pos += 3
            elif command in _ESC_SKIP:
                _need(data, pos + 2, _ESC_SKIP[command], f"ESC {chr(command)}")
                pos += 2 + _ESC_SKIP[command]
            else:
                raise EscposParseError(f"unknown command ESC 0x{command:02x} at offset {pos}")
        elif byte == GS:
            command = _need(data, pos + 1, 1, "GS command")[0]
            if command == ord("v"):
                if _need(data, pos + 2, 1, "GS v")[0] != ord("0"):
                    raise EscposParseError(f"unknown GS v variant at offset {pos}")
                band, pos = _raster_band(data, pos + 3)
                page.bands.append(band)
            elif command == ord("V"):
                m = _need(data, pos + 2, 1, "GS V")[0]
                if m in _CUT_A:
                    page.cut = _CUT_A[m]
                    pos += 3
                elif m in _CUT_WITH_N:
                    _need(data, pos + 3, 1, "GS V n")
                    page.cut = _CUT_WITH_N[m]
                    pos += 4
                else:
                    raise EscposParseError(f"unknown cut mode GS V {m} at offset {pos}")
                pages.append(Page())
            elif command in _GS_SKIP:
                _need(data, pos + 2, _GS_SKIP[command], f"GS {chr(command)}")
                pos += 2 + _GS_SKIP[command]
            else:
                raise EscposParseError(f"unknown command GS 0x{command:02x} at offset {pos}")
        elif byte == DLE:
            command, n = _need(data, pos + 1, 2, "DLE command")
            if command not in (0x04, 0x05):  # DLE EOT n (status), DLE ENQ n (recover)
                raise EscposParseError(f"unknown command DLE 0x{command:02x} at offset {pos}")
            result.status_queries.append(data[pos:pos + 3])
            pos += 3
        else:
            raise EscposParseError(f"unexpected byte 0x{byte:02x} at offset {pos}")
    if not pages[-1].bands and pages[-1].cut is None and len(pages) > 1:
        pages.pop()  # nothing after the last cut
    return result
