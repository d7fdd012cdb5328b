"""Reusable building blocks for printed slips: fonts, wrapped text, QR codes, vertical stacking.

Everything is drawn in greyscale ("L", white background) and thresholded once at the end with
`to_1bit`, so anti-aliased glyph edges become crisp pixels instead of dither noise, which thermal
heads reproduce badly. Only the bundled Be Vietnam Pro fonts are used so that a kiosk never depends
on the fonts installed on the PC.

Line boxes are sized from Vietnamese probe glyphs rather than the font's declared ascent:
stacked marks such as "Ễ" rise about 15 % above the ascent the font declares and would otherwise be
cut off at the top of each line. Blocks are then trimmed to their ink so the slip stays compact.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import qrcode
import qrcode.constants
from PIL import Image, ImageDraw, ImageFont

from kiosk.assets import font_path

WHITE = 255
BLACK = 0
#: Grey level at and above which a pixel stays white when going to 1 bit.
THRESHOLD = 128

Align = Literal["left", "center", "right"]

# Highest stacked marks and lowest hooks/dots in Vietnamese; they bound every line's ink.
_TALL_PROBE = "ẴẲẪỄỂỖỔỮỬỸỶẤẦẨẬỐỒỔ"
_DEEP_PROBE = "gjpqyỵỹẠỴỌỤ|,"

_QR_LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


@lru_cache(maxsize=64)
def _font_file(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@lru_cache(maxsize=128)
def load_font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    """Bundled Be Vietnam Pro at `size` pixels; weight is one of kiosk.assets.FONT_FILES.

    Kept: finding the file resolves a path on disk, which costs more than drawing a line."""
    return _font_file(str(font_path(weight)), size)


def normalize_text(text: str) -> str:
    """NFC-compose, turn tabs/newlines into spaces and strip the ends.

    Decomposed input (base letter + combining tone mark, as some input methods and macOS produce)
    would otherwise be drawn with marks placed by basic layout, often colliding with the letter.
    Inner runs of spaces are kept on purpose (e.g. "08:05  15/01/2026").
    """
    return re.sub(r"[\t\r\n\v\f]", " ", unicodedata.normalize("NFC", text)).strip()


@dataclass(frozen=True)
class LineMetrics:
    """Pixels above and below the baseline that any Vietnamese line can reach in a font."""

    ascent: int
    descent: int

    @property
    def height(self) -> int:
        return self.ascent + self.descent


@lru_cache(maxsize=64)
def _line_metrics(path: str, size: int) -> LineMetrics:
    font = _font_file(path, size)
    declared_ascent, declared_descent = font.getmetrics()
    tall = font.getbbox(_TALL_PROBE, anchor="ls")
    deep = font.getbbox(_DEEP_PROBE, anchor="ls")
    return LineMetrics(
        ascent=max(declared_ascent, -tall[1]) + 1,
        descent=max(declared_descent, deep[3]) + 1,
    )


def line_metrics(font: ImageFont.FreeTypeFont) -> LineMetrics:
    """Vietnamese-safe line box for `font` (cached)."""
    return _line_metrics(str(font.path), int(font.size))


def ink_box(text: str, font: ImageFont.FreeTypeFont) -> tuple[int, int, int, int]:
    """Ink bounding box of `text` relative to the left end of its baseline."""
    return font.getbbox(text, anchor="ls")


def text_width(text: str, font: ImageFont.FreeTypeFont) -> int:
    """Horizontal space `text` needs: the wider of its advance and its ink.

    Heavy weights overhang their advance slightly; using only the advance would clip the last
    stroke at the right edge of a tightly fitted line.
    """
    if not text:
        return 0
    return _text_width(text, str(font.path), int(font.size))


@lru_cache(maxsize=4096)
def _text_width(text: str, path: str, size: int) -> int:
    # Wrapping measures the same prefixes many times (balanced wrapping searches widths).
    font = _font_file(path, size)
    left, _top, right, _bottom = ink_box(text, font)
    return max(math.ceil(font.getlength(text)), right) - min(0, left)


def _split_long_word(word: str, font: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for char in word:
        if current and text_width(current + char, font) > max_width:
            pieces.append(current)
            current = char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def _greedy_wrap(paragraph: str, font: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    # Each word keeps the run of spaces before it, so deliberate double spaces survive inside a
    # line; the run is dropped where the line breaks.
    for match in re.finditer(r"( *)(\S+)", paragraph):
        spaces, word = match.groups()
        candidate = f"{current}{spaces}{word}" if current else word
        if text_width(candidate, font) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if text_width(word, font) <= max_width:
            current = word
        else:
            *full, current = _split_long_word(word, font, max_width)
            lines.extend(full)
    if current:
        lines.append(current)
    return lines


_CLAUSE_ENDS = (",", ";", ":", ".", "–", "-", ")")


def _prefer_clause_breaks(
    paragraph: str, font: ImageFont.FreeTypeFont, narrowest: int, max_width: int, count: int
) -> list[str]:
    """Balanced lines, but break after a comma or dash when that costs little extra width.

    "Chứng thực bản sao, chữ ký, / hợp đồng giao dịch" reads better than the strictly balanced
    "Chứng thực bản sao, chữ / ký, hợp đồng giao dịch", which splits the term "chữ ký".
    """
    limit = min(max_width, narrowest * 5 // 4)
    for width in range(narrowest, limit + 1, 2):
        lines = _greedy_wrap(paragraph, font, width)
        if len(lines) == count and all(line.endswith(_CLAUSE_ENDS) for line in lines[:-1]):
            return lines
    return _greedy_wrap(paragraph, font, narrowest)


def wrap_text(
    text: str, font: ImageFont.FreeTypeFont, max_width: int, *, balance: bool = False
) -> list[str]:
    """Word wrap by rendered pixel width.

    Explicit newlines start a new line. A single word wider than the line (a long code, a URL) is
    broken between characters rather than overflowing the paper. With `balance`, lines are made
    about equally long (same line count as greedy wrapping): a centred heading then reads as a
    block instead of a full line followed by one orphaned word.
    """
    lines: list[str] = []
    for paragraph in unicodedata.normalize("NFC", text).split("\n"):
        paragraph = normalize_text(paragraph)
        greedy = _greedy_wrap(paragraph, font, max_width)
        if balance and len(greedy) > 1:
            low, high = 1, max_width  # narrowest width that still needs no extra line
            while low < high:
                mid = (low + high) // 2
                if len(_greedy_wrap(paragraph, font, mid)) <= len(greedy):
                    high = mid
                else:
                    low = mid + 1
            greedy = _prefer_clause_breaks(paragraph, font, low, max_width, len(greedy))
        lines.extend(greedy)
    return lines


def fit_font(
    text: str,
    weight: str,
    max_width: int,
    *,
    max_size: int,
    min_size: int = 8,
    max_height: int | None = None,
) -> ImageFont.FreeTypeFont:
    """Largest font (up to `max_size`) whose single-line ink fits `max_width` (and `max_height`).

    Falls back to `min_size` when even that does not fit; callers wrap or accept the overflow.
    """
    text = normalize_text(text)

    def fits(size: int) -> bool:
        font = load_font(weight, size)
        if text_width(text, font) > max_width:
            return False
        if max_height is None:
            return True
        _left, top, _right, bottom = ink_box(text, font)
        return bottom - top <= max_height

    low, high = min_size, max_size
    if not fits(low):
        return load_font(weight, low)
    while low < high:  # invariant: fits(low)
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    return load_font(weight, low)


def trim_vertical(image: Image.Image, background: int = WHITE) -> Image.Image:
    """Crop blank rows at the top and bottom so the stack controls every gap."""
    probe = image if background == BLACK else Image.eval(image.convert("L"), lambda v: 255 - v)
    box = probe.getbbox()
    if box is None:
        return image.crop((0, 0, image.width, 0))
    return image.crop((0, box[1], image.width, box[3]))


def text_block(
    text: str,
    font: ImageFont.FreeTypeFont,
    width: int,
    *,
    align: Align = "center",
    line_gap: int = 0,
    wrap: bool = True,
    balance: bool = False,
) -> Image.Image:
    """Render `text` wrapped to `width` into a greyscale block exactly `width` wide.

    Lines are spaced by the Vietnamese-safe line box (plus `line_gap`) so marks of one line never
    touch the hooks of the line above; the block is then trimmed to its ink.
    """
    lines = wrap_text(text, font, width, balance=balance) if wrap else [normalize_text(text)]
    if not lines:
        return Image.new("L", (width, 0), WHITE)
    metrics = line_metrics(font)
    pitch = metrics.height + line_gap
    image = Image.new("L", (width, pitch * len(lines)), WHITE)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        left, _top, _right, _bottom = ink_box(line, font)
        line_width = text_width(line, font)
        if align == "left":
            x = 0
        elif align == "right":
            x = width - line_width
        else:
            x = (width - line_width) // 2
        # Shift by any negative left bearing so the ink, not the pen, starts at x.
        draw.text((x - min(0, left), metrics.ascent + index * pitch), line, font=font,
                  fill=BLACK, anchor="ls")
    return trim_vertical(image)


def inverted_label(
    text: str,
    font: ImageFont.FreeTypeFont,
    max_width: int,
    *,
    pad_x: int,
    pad_y: int,
    line_gap: int = 0,
    balance: bool = True,
) -> Image.Image:
    """White text on a black box that hugs the (wrapped) text: reads as a stamp on paper."""
    inner_width = max(1, max_width - 2 * pad_x)
    lines = wrap_text(text, font, inner_width, balance=balance)
    widest = max((text_width(line, font) for line in lines), default=0)
    inner = text_block("\n".join(lines), font, max(1, widest), line_gap=line_gap)
    box = Image.new("L", (inner.width + 2 * pad_x, inner.height + 2 * pad_y), BLACK)
    box.paste(Image.eval(inner, lambda v: 255 - v), (pad_x, pad_y))
    return box


def rule(length: int, thickness: int = 2) -> Image.Image:
    """A solid horizontal line."""
    return Image.new("L", (max(1, length), max(1, thickness)), BLACK)


def qr_modules(text: str, error_correction: str = "M") -> int:
    """Side of the QR symbol in modules (no quiet zone) for `text`."""
    code = qrcode.QRCode(error_correction=_QR_LEVELS[error_correction], border=0)
    code.add_data(text)
    code.make(fit=True)
    return code.modules_count


def qr_image(
    text: str,
    *,
    target_width: int,
    error_correction: str = "M",
    border: int = 4,
    min_box: int = 2,
) -> Image.Image:
    """QR code as a greyscale image with whole-dot modules, as wide as possible up to target.

    Modules must be an integer number of dots: a scaled QR would get uneven modules that cheap
    camera scanners misread. The quiet zone (`border` modules) is part of the returned image.
    """
    modules = qr_modules(text, error_correction) + 2 * border
    box = max(min_box, target_width // modules)
    code = qrcode.QRCode(error_correction=_QR_LEVELS[error_correction], box_size=box,
                         border=border)
    code.add_data(text)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("L")


def qr_box_size(modules: int, target_width: int, border: int = 4, min_box: int = 2) -> int:
    """Dots per module of a QR code `modules` wide, as qr_image picks it."""
    return max(min_box, target_width // (modules + 2 * border))


def qr_image_1bit(
    text: str,
    *,
    target_width: int,
    error_correction: str = "M",
    border: int = 4,
    min_box: int = 2,
) -> tuple[Image.Image, int]:
    """The same pixels as qr_image, in mode "1", with its box size; one QR encoding, not two.

    Encoding (its mask search) is most of a QR's cost: the symbol is encoded once at one dot
    per module and scaled up, which whole-dot modules make exact.
    """
    code = qrcode.QRCode(error_correction=_QR_LEVELS[error_correction], box_size=1, border=0)
    code.add_data(text)
    code.make(fit=True)
    size = code.modules_count
    box = qr_box_size(size, target_width, border, min_box)
    # Modules as pixels, 0 = black (dark module), then scaled and framed by the quiet zone.
    data = bytes(0 if dark else 255 for row in code.modules for dark in row)
    symbol = Image.frombytes("L", (size, size), data).convert("1")
    symbol = symbol.resize((size * box, size * box), Image.Resampling.NEAREST)
    side = (size + 2 * border) * box
    image = Image.new("1", (side, side), 1)
    image.paste(symbol, (border * box, border * box))
    return image, box


@dataclass
class _Item:
    image: Image.Image
    gap_before: int
    align: Align


class VStack:
    """Stack blocks top to bottom on a fixed-width page, each aligned on its own."""

    def __init__(self, width: int, *, margin_x: int = 0) -> None:
        self.width = width
        self.margin_x = margin_x
        self._items: list[_Item] = []
        self._tail = 0

    @property
    def content_width(self) -> int:
        """Width available to blocks between the side margins."""
        return self.width - 2 * self.margin_x

    def add(self, image: Image.Image, *, gap_before: int = 0, align: Align = "center") -> None:
        """Append a block; empty blocks are skipped together with their gap."""
        if image.height == 0:
            return
        if image.width > self.width:
            raise ValueError(f"block {image.width} px wide does not fit a {self.width} px page")
        self._items.append(_Item(image.convert("L"), gap_before, align))

    def extend(self, images: Iterable[Image.Image], *, gap_before: int = 0) -> None:
        for image in images:
            self.add(image, gap_before=gap_before)

    def space_after(self, pixels: int) -> None:
        """Blank rows after the last block (e.g. so text is not flush with the cut)."""
        self._tail = pixels

    def render(self) -> Image.Image:
        """Compose into one greyscale image exactly `width` wide."""
        height = sum(item.gap_before + item.image.height for item in self._items) + self._tail
        page = Image.new("L", (self.width, height), WHITE)
        y = 0
        for item in self._items:
            y += item.gap_before
            if item.align == "left":
                x = self.margin_x
            elif item.align == "right":
                x = self.width - self.margin_x - item.image.width
            else:
                x = (self.width - item.image.width) // 2
            page.paste(item.image, (max(0, x), y))
            y += item.image.height
        return page


def to_1bit(image: Image.Image, threshold: int = THRESHOLD) -> Image.Image:
    """Hard threshold to mode "1" (no dithering: dithered text edges print as fuzz)."""
    grey = image.convert("L")
    return grey.point(lambda v: 255 if v >= threshold else 0, mode="1")
