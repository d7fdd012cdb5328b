"""CODE128 encoding (code sets B and C) to a list of modules, and to crisp images.

Our own ~100 lines instead of a dependency: the receipt needs the modules themselves (to draw
them at a whole number of printer dots on thermal paper and as exact rectangles in the PDF), not
a finished picture that would then have to be scaled and blurred.

Code set C packs two digits in one symbol; the encoder picks B or C per stretch by dynamic
programming, so dossier codes like `000.00.01.H26-260115-0007` come out as short as CODE128
allows (which matters: on 80 mm paper every module saved can keep the bars wider).
"""

from __future__ import annotations

from PIL import Image, ImageDraw

# Bar/space widths of symbol values 0-106 (103-105 start A/B/C, 106 stop), from ISO/IEC 15417.
_PATTERNS = (
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212",
    "221213", "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221",
    "223211", "221132", "221231", "213212", "223112", "312131", "311222", "321122", "321221",
    "312212", "322112", "322211", "212123", "212321", "232121", "111323", "131123", "131321",
    "112313", "132113", "132311", "211313", "231113", "231311", "112133", "112331", "132131",
    "113123", "113321", "133121", "313121", "211331", "231131", "213113", "213311", "213131",
    "311123", "311321", "331121", "312113", "312311", "332111", "314111", "221411", "431111",
    "111224", "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111", "111242",
    "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311",
    "113141", "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
)
_START_B, _START_C, _STOP = 104, 105, 106
_SWITCH_TO_C, _SWITCH_TO_B = 99, 100

#: Quiet zone required on each side, in modules.
QUIET_ZONE = 10


def _is_b(char: str) -> bool:
    return 32 <= ord(char) <= 126


def encode(text: str) -> list[int]:
    """Symbol values: start, data (with set switches), checksum, stop."""
    if not text:
        raise ValueError("CODE128 needs at least one character")
    bad = [c for c in text if not _is_b(c)]
    if bad:
        raise ValueError(f"CODE128 set B/C cannot encode {bad[0]!r}")
    n = len(text)
    inf = 10 ** 9
    # stay[i][s]: fewest symbols for text[i:] when set s (0 = B, 1 = C) is active at i and the
    # next symbol is data in that set; a switch costs one symbol more.
    stay = [[inf, inf] for _ in range(n + 1)]
    stay[n] = [0, 0]

    def best(i: int, s: int) -> int:
        return min(stay[i][s], 1 + stay[i][1 - s])

    for i in range(n - 1, -1, -1):
        stay[i][0] = 1 + best(i + 1, 0)
        if i + 1 < n and text[i:i + 2].isdigit():
            stay[i][1] = 1 + best(i + 2, 1)
    # The start symbol selects the first set for free.
    mode = 0 if stay[0][0] <= stay[0][1] else 1
    values = [_START_C if mode else _START_B]
    i = 0
    while i < n:
        if stay[i][mode] > 1 + stay[i][1 - mode]:
            mode = 1 - mode
            values.append(_SWITCH_TO_C if mode else _SWITCH_TO_B)
        if mode:
            values.append(int(text[i:i + 2]))
            i += 2
        else:
            values.append(ord(text[i]) - 32)
            i += 1
    values.append((values[0] + sum(k * v for k, v in enumerate(values[1:], 1))) % 103)
    values.append(_STOP)
    return values


def modules(text: str) -> list[bool]:
    """The barcode as modules left to right, True = bar (no quiet zone)."""
    out: list[bool] = []
    for value in encode(text):
        bar = True
        for width in _PATTERNS[value]:
            out.extend([bar] * int(width))
            bar = not bar
    return out


def module_count(text: str) -> int:
    return len(modules(text))


def code128_image(text: str, *, module: int, height: int,
                  quiet_zone: int = QUIET_ZONE) -> Image.Image:
    """Greyscale ("L") barcode, each module exactly `module` pixels wide, quiet zones included.

    Drawn bar by bar at whole pixels: never resize the result, or bars become uneven.
    """
    if module < 1 or height < 1:
        raise ValueError("module and height must be at least 1 pixel")
    bars = modules(text)
    width = (len(bars) + 2 * quiet_zone) * module
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    x = quiet_zone * module
    for is_bar in bars:
        if is_bar:
            draw.rectangle((x, 0, x + module - 1, height - 1), fill=0)
        x += module
    return image
