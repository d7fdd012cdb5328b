"""Test helper: parse an ESC/POS byte stream back into the images it would print.

Understands what drivers.printers.escpos_job sends: GS v 0 bands of any width placed from the
left margin (GS L, in dots) within the print area (GS W, the page width) as ESC a justifies them,
and the printer's own QR code (GS ( k), drawn back with the qrcode library, placed the same way,
in byte mode: the same size and content a printer prints, though its mask may differ.

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
_GS_SKIP = {ord("!"): 1, ord("B"): 1, ord("a"): 1, ord("H"): 1, ord("h"): 1, ord("w"): 1,
            ord("f"): 1}

_QR_LEVELS = {48: "L", 49: "M", 50: "Q", 51: "H"}


class EscposParseError(ValueError):
    """The stream holds bytes this parser does not understand."""


@dataclass
class Page:
    """Everything printed up to a cut (or the end of the stream)."""

    bands: list[Image.Image] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)  # left edge of each band, in dots
    width: int = 0  # print area width (GS W), 0 if not given
    qr_texts: list[str] = field(default_factory=list)  # native QR codes printed (GS ( k)
    cut: str | None = None  # "full", "partial" or None when the stream ended without a cut
    feed_lines: int = 0  # ESC d / LF after or between images (not drawn into `image`)
    feed_dots: int = 0  # ESC J

    @property
    def image(self) -> Image.Image:
        """Bands stacked top to bottom, mode "1" (white = 1), as wide as the print area (GS W) or
        the widest band, whichever is wider."""
        width = max([self.width] + [x + band.width for x, band in zip(self.offsets, self.bands,
                                                                       strict=True)])
        height = sum(band.height for band in self.bands)
        page = Image.new("1", (width, height), 1)
        y = 0
        for x, band in zip(self.offsets, self.bands, strict=True):
            page.paste(band, (x, y))
            y += band.height
        return page

    def add(self, band: Image.Image, x: int) -> None:
        self.bands.append(band)
        self.offsets.append(x)


@dataclass
class ParsedStream:
    pages: list[Page]
    inits: int = 0  # ESC @ count
    status_queries: list[bytes] = field(default_factory=list)  # DLE EOT n / DLE ENQ n
    justification: int = 0  # last ESC a n
    left_margin: int = 0  # GS L, in dots
    print_width: int = 0  # GS W, in dots
    qr: dict = field(default_factory=dict)  # GS ( k settings and stored data

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


def _two_d_code(data: bytes, pos: int, result: ParsedStream, page: Page) -> int:
    """GS ( k pL pH cn fn ..., with pos at GS: QR code (cn = 49) functions only."""
    if _need(data, pos + 2, 1, "GS (")[0] != ord("k"):
        raise EscposParseError(f"unknown command GS ( {data[pos + 2]:#04x} at offset {pos}")
    low, high, cn, fn = _need(data, pos + 3, 4, "GS ( k header")
    size = low + 256 * high
    args = _need(data, pos + 5, size, "GS ( k parameters")[2:]
    if cn != 49:
        raise EscposParseError(f"GS ( k for symbol type {cn} at offset {pos}")
    if fn == 65:  # model
        if args[:1] != b"2":
            raise EscposParseError(f"QR model {args[:1]!r} at offset {pos}")
    elif fn == 67:  # module size
        result.qr["module"] = args[0]
    elif fn == 69:  # error correction
        result.qr["level"] = _QR_LEVELS[args[0]]
    elif fn == 80:  # store data (m = 48)
        result.qr["data"] = bytes(args[1:])
    elif fn == 81:  # print the stored symbol
        page.add(*_draw_qr(result))
    else:
        raise EscposParseError(f"GS ( k QR function {fn} at offset {pos}")
    return pos + 5 + size


def _draw_qr(result: ParsedStream) -> tuple[Image.Image, int]:
    import qrcode
    import qrcode.util

    levels = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
              "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}
    qr = result.qr
    if "data" not in qr:
        raise EscposParseError("GS ( k prints a QR code without data")
    code = qrcode.QRCode(error_correction=levels[qr.get("level", "L")],
                         box_size=qr.get("module", 3), border=0)
    code.add_data(qrcode.util.QRData(qr["data"], mode=qrcode.util.MODE_8BIT_BYTE))
    code.make(fit=True)
    symbol = code.make_image().get_image().convert("1")
    result.pages[-1].qr_texts.append(qr["data"].decode("utf-8"))
    return symbol, _justified(result, symbol.width)


def _justified(result: ParsedStream, width: int) -> int:
    """Left edge, in dots, of an image `width` dots wide: Epson printers place raster images
    (GS v 0) and 2D codes (GS ( k) as ESC a says, within the print area that starts at the left
    margin (GS L) and is GS W wide; centred, the free dots are halved rounding down."""
    area = result.print_width or width
    x = result.left_margin
    if result.justification in (1, 49):
        x += max(0, (area - width) // 2)
    elif result.justification in (2, 50):
        x += max(0, area - width)
    return x


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
                page.add(band, _justified(result, band.width))
            elif command == ord("L"):
                low, high = _need(data, pos + 2, 2, "GS L")
                result.left_margin = low + 256 * high
                pos += 4
            elif command == ord("W"):
                low, high = _need(data, pos + 2, 2, "GS W")
                result.print_width = page.width = low + 256 * high
                pos += 4
            elif command == ord("("):
                pos = _two_d_code(data, pos, result, page)
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
                pages.append(Page(width=result.print_width))
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
