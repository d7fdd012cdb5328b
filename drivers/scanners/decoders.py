"""Read barcodes from images: zxing-cpp (default), pyzbar (optional) or OpenCV (optional).

`decode_image()` is for still images (the CLI, a document camera's snapshot): it tries the
image as is and then a series of cleaned-up versions (contrast, sharpening, denoising, upscaling,
rotation) until one reads, and validates what it reads, so that a damaged image gives no result
rather than a wrong one. `decode_frame()` is the camera's fast path: one attempt per frame, since
the next frame is another chance.

Engines:
- zxing: zxing-cpp, a base dependency. Reads the UTF-8 of CCCD QR codes correctly.
- zbar: pyzbar (extra `zbar`) and the zbar library. zbar guesses the text encoding of QR codes
  and turns short Vietnamese strings into Chinese characters; here it is switched to binary mode
  (zbar >= 0.23.1) so it hands over the raw bytes, which are decoded as UTF-8. With an older
  zbar, the caller's `repair` (kiosk.scanning.repair_mojibake) undoes the wrong guess where it
  can, and the caller's `check` drops unrepairable text.
- opencv: OpenCV's QR and barcode detectors (extra `camera`).

Preprocessing uses Pillow only, so the default engine needs neither numpy nor OpenCV.
Images are only held in memory for the call: nothing is written or kept.
"""

from __future__ import annotations

import contextlib
import dataclasses
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageFilter, ImageOps

ENGINES = ("zxing", "zbar", "opencv")

#: Formats read unless told otherwise: the CCCD QR, the dossier code's CODE128, and the
#: look-up QR printed on receipts. Leaving out formats nobody prints here avoids false reads
#: (zbar in particular finds short EAN/I25 codes in noise and text).
DEFAULT_FORMATS = ("qr", "code128")

LINEAR_FORMATS = frozenset({"code128", "code39", "code93", "ean13", "ean8", "upca", "upce",
                            "itf", "codabar"})

_INSTALL_HINT = {
    "zbar": "pip install 'hcc-kiosk[zbar]' (pyzbar), plus the zbar library: on Debian/Ubuntu "
            "'apt install libzbar0'; the Windows pyzbar wheel includes it",
    "opencv": "pip install 'hcc-kiosk[camera]' (opencv-python-headless)",
}


class EngineUnavailable(RuntimeError):
    """The chosen decoding engine is not installed; the message says how to install it."""


@dataclass(frozen=True)
class Decoded:
    """One code read from an image. `data` is the code's content as bytes where the engine
    gives them (else the text in UTF-8)."""

    text: str
    data: bytes
    format: str  # "qr", "code128", ...
    engine: str
    #: False for a read that should be confirmed by a second read (see `plausible`).
    trusted: bool = True
    #: The text is the engine's guess at the encoding (zbar without binary mode): `repair`.
    guessed: bool = False

    def __repr__(self) -> str:  # the text may be ID card data: keep it out of logs
        return f"Decoded(format={self.format!r}, engine={self.engine!r}, bytes={len(self.data)})"


# --- engines --------------------------------------------------------------------------------


class _Engine:
    name = ""
    #: Formats this engine can read at all.
    formats: frozenset[str] = frozenset()

    def read(self, image: Any, formats: Sequence[str], thorough: bool) -> list[Decoded]:
        raise NotImplementedError


class _Zxing(_Engine):
    name = "zxing"

    def __init__(self) -> None:
        import zxingcpp

        self._zx = zxingcpp
        table = {
            "qr": "QRCode", "microqr": "MicroQRCode", "datamatrix": "DataMatrix",
            "pdf417": "PDF417", "aztec": "Aztec", "code128": "Code128", "code39": "Code39",
            "code93": "Code93", "ean13": "EAN13", "ean8": "EAN8", "upca": "UPCA",
            "upce": "UPCE", "itf": "ITF", "codabar": "Codabar",
        }
        self._to_zx = {k: getattr(zxingcpp.BarcodeFormat, v) for k, v in table.items()
                       if hasattr(zxingcpp.BarcodeFormat, v)}
        self.formats = frozenset(self._to_zx)
        self._from_zx = {v: k for k, v in self._to_zx.items()}

    def _formats(self, formats: tuple[str, ...]) -> Any:
        wanted = [self._to_zx[f] for f in formats if f in self._to_zx]
        if not wanted:
            raise ValueError(f"zxing-cpp reads none of the formats {formats}")
        if self._flags:
            combined = wanted[0]
            for f in wanted[1:]:
                combined = combined | f
            return combined
        return wanted

    #: zxing-cpp 2.x takes formats as flags combined with |; 3.x takes a list (and deprecates |).
    _flags = False

    def read(self, image: Any, formats: Sequence[str], thorough: bool) -> list[Decoded]:
        options = {"try_rotate": True, "try_downscale": True, "try_invert": thorough}
        try:
            results = self._zx.read_barcodes(image, formats=self._formats(tuple(formats)),
                                             **options)
        except TypeError:
            if self._flags:
                raise
            self._flags = True
            results = self._zx.read_barcodes(image, formats=self._formats(tuple(formats)),
                                             **options)
        out = []
        for r in results:
            if not r.valid:
                continue
            raw = bytes(r.bytes)
            # The cards' QR has no ECI marker, so the bytes are the UTF-8 text; decoding them
            # ourselves does not depend on zxing's character set guess. A QR that declares its
            # character set (ECI, identifier ]Q2) is left to zxing, which converts it.
            text = None
            if r.symbology_identifier != "]Q2":
                with contextlib.suppress(UnicodeDecodeError):
                    text = raw.decode("utf-8")
            if text is None:
                text = r.text
            fmt = self._from_zx.get(r.format, str(r.format).rsplit(".", 1)[-1].lower())
            out.append(Decoded(text, raw, fmt, self.name))
        return out


# zbar's "binary" configuration (ZBAR_CFG_BINARY in zbar.h since 0.23.1): pass the QR's bytes
# through instead of converting them from a guessed encoding. pyzbar 0.1.9 predates it.
_ZBAR_CFG_BINARY = 4


class _Zbar(_Engine):
    name = "zbar"

    def __init__(self) -> None:
        try:
            from pyzbar import wrapper
        except ImportError as exc:  # pyzbar missing, or present without the zbar library
            raise EngineUnavailable(f"the zbar engine is not available ({exc}); install it: "
                                    f"{_INSTALL_HINT['zbar']}") from exc
        self._w = wrapper
        sym = wrapper.ZBarSymbol
        self._to_zbar = {"qr": sym.QRCODE, "code128": sym.CODE128, "code39": sym.CODE39,
                         "code93": sym.CODE93, "ean13": sym.EAN13, "ean8": sym.EAN8,
                         "upca": sym.UPCA, "upce": sym.UPCE, "itf": sym.I25,
                         "codabar": sym.CODABAR, "pdf417": sym.PDF417}
        self._from_zbar = {int(v): k for k, v in self._to_zbar.items()}
        self.formats = frozenset(self._to_zbar)

    def read(self, image: Any, formats: Sequence[str], thorough: bool) -> list[Decoded]:
        from ctypes import c_void_p, cast, string_at

        w = self._w
        gray = _to_pil_gray(image)
        pixels = gray.tobytes()
        scanner = w.zbar_image_scanner_create()
        try:
            w.zbar_image_scanner_set_config(scanner, 0, w.ZBarConfig.CFG_ENABLE, 0)
            for f in formats:
                if f in self._to_zbar:
                    w.zbar_image_scanner_set_config(scanner, self._to_zbar[f],
                                                    w.ZBarConfig.CFG_ENABLE, 1)
            binary = "qr" in formats and w.zbar_image_scanner_set_config(
                scanner, self._to_zbar["qr"], _ZBAR_CFG_BINARY, 1) == 0
            img = w.zbar_image_create()
            try:
                w.zbar_image_set_format(img, 0x30303859)  # 'Y800': 8-bit grayscale
                w.zbar_image_set_size(img, gray.width, gray.height)
                w.zbar_image_set_data(img, cast(pixels, c_void_p), len(pixels), None)
                if w.zbar_scan_image(scanner, img) < 0:
                    return []
                out = []
                symbol = w.zbar_image_first_symbol(img)
                while symbol:
                    raw = string_at(w.zbar_symbol_get_data(symbol),
                                    w.zbar_symbol_get_data_length(symbol))
                    fmt = self._from_zbar.get(int(symbol.contents.type), "other")
                    text = self._text(raw)
                    if text is not None:
                        # Without binary mode zbar re-encoded its guess (Big5, Shift-JIS...)
                        # as UTF-8: the caller's `repair` undoes it.
                        out.append(Decoded(text, raw, fmt, self.name,
                                           guessed=fmt == "qr" and not binary))
                    symbol = w.zbar_symbol_next(symbol)
                return out
            finally:
                w.zbar_image_destroy(img)
        finally:
            w.zbar_image_scanner_destroy(scanner)

    @staticmethod
    def _text(raw: bytes) -> str | None:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return None


class _OpenCV(_Engine):
    name = "opencv"

    def __init__(self) -> None:
        cv2 = self._cv2 = _import_cv2("the opencv engine")
        # The ArUco-based detector finds more codes, faster, than the classic one (benchmark).
        self._qr = (cv2.QRCodeDetectorAruco() if hasattr(cv2, "QRCodeDetectorAruco")
                    else cv2.QRCodeDetector())
        # OpenCV's barcode module decodes EAN and UPC only: no CODE128 (dossier codes).
        self._bar = cv2.barcode.BarcodeDetector() if hasattr(cv2, "barcode") else None
        self.formats = frozenset({"qr"} | ({"ean13", "ean8", "upca", "upce"} if self._bar
                                           else set()))

    def read(self, image: Any, formats: Sequence[str], thorough: bool) -> list[Decoded]:
        cv2 = self._cv2
        gray = _to_gray_array(image)
        out: list[Decoded] = []
        if "qr" in formats:
            try:
                ok, texts, _, _ = self._qr.detectAndDecodeMulti(gray)
            except cv2.error:
                ok, texts = False, ()
            if ok:
                out += [Decoded(t, t.encode("utf-8"), "qr", self.name) for t in texts if t]
        linear = [f for f in formats if f in LINEAR_FORMATS]
        if linear and self._bar is not None:
            try:
                texts, types, _ = self._bar.detectAndDecodeWithType(gray)[1:]
            except cv2.error:
                texts, types = (), ()
            for t, kind in zip(texts or (), types or (), strict=False):
                fmt = str(kind).replace("_", "").lower()
                if t and fmt in linear:
                    out.append(Decoded(t, t.encode("utf-8"), fmt, self.name))
        return out


_ENGINE_CLASSES: dict[str, Callable[[], _Engine]] = {
    "zxing": _Zxing, "zbar": _Zbar, "opencv": _OpenCV}


@cache
def get_engine(name: str) -> _Engine:
    """The engine object, created once; raises EngineUnavailable with an install hint."""
    if name not in _ENGINE_CLASSES:
        raise ValueError(f"unknown engine {name!r}; use one of: {', '.join(ENGINES)}")
    return _ENGINE_CLASSES[name]()


def available_engines() -> dict[str, str | None]:
    """Engine name -> None if it works here, else why not (with how to install it)."""
    out: dict[str, str | None] = {}
    for name in ENGINES:
        try:
            get_engine(name)
        except EngineUnavailable as exc:
            out[name] = str(exc)
        else:
            out[name] = None
    return out


def _import_cv2(what: str) -> Any:
    try:
        import cv2
    except ImportError as exc:
        raise EngineUnavailable(f"{what} needs OpenCV, which is not installed; install it: "
                                f"{_INSTALL_HINT['opencv']}") from exc
    return cv2


# --- images ---------------------------------------------------------------------------------


def load_image(path: str | Path) -> Image.Image:
    """An image file as 8-bit grayscale, read into memory (the file is only read)."""
    with Image.open(path) as img:
        img = ImageOps.exif_transpose(img)
        return _flatten_alpha(img).convert("L")


def _flatten_alpha(img: Image.Image) -> Image.Image:
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        page = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        page.alpha_composite(rgba)
        return page
    return img


def _to_pil_gray(image: Any) -> Image.Image:
    if isinstance(image, Image.Image):
        return image if image.mode == "L" else _flatten_alpha(image).convert("L")
    if isinstance(image, str | Path):
        return load_image(image)
    shape = getattr(image, "shape", None)
    if shape is None:
        raise TypeError(f"cannot decode a {type(image).__name__}; pass a file path, a PIL "
                        "image or a numpy array")
    if len(shape) == 3:
        # Colour arrays come from OpenCV, in BGR(A) order: reverse to RGB for Pillow.
        import numpy as np

        return Image.fromarray(np.ascontiguousarray(image[:, :, 2::-1])).convert("L")
    return Image.fromarray(image)


def _to_gray_array(image: Any) -> Any:
    import numpy as np

    shape = getattr(image, "shape", None)
    if shape is not None and len(shape) == 2:
        return image
    return np.asarray(_to_pil_gray(image))


# --- preprocessing --------------------------------------------------------------------------
#
# Each step turns the grayscale image into another attempt. They are ordered by what they fix
# per millisecond on the benchmark corpus (benchmarks/scan.py): cheap global fixes first, then
# resolution, then local fixes, then the expensive orientation search for linear codes.

#: Above this size an upscaled copy costs more than it can help (modules are already large).
_UPSCALE_MAX_SIDE = 1600
#: Larger images are scaled down first for the orientation search, which is O(pixels).
_ORIENT_MAX_SIDE = 1400
#: Larger images are retried on a copy scaled down to this size.
_RETRY_MAX_SIDE = 2000


def _contrast_threshold(img: Image.Image) -> Image.Image:
    # Stretching then a hard mid-level threshold rescues dim and low-contrast images, where a
    # local binarizer amplifies noise in the dark areas.
    return ImageOps.autocontrast(img, cutoff=1).point(lambda v: 255 if v > 127 else 0)


def _upscale(img: Image.Image) -> Image.Image | None:
    if max(img.size) > _UPSCALE_MAX_SIDE:
        return None
    return img.resize((img.width * 2, img.height * 2), Image.Resampling.BICUBIC)


def _sharpen(img: Image.Image) -> Image.Image:
    return img.filter(ImageFilter.UnsharpMask(radius=2, percent=200, threshold=0))


def _even_out_lighting(img_l: Image.Image) -> Image.Image:
    """Divide out uneven lighting (glare, shadows): each pixel relative to its surroundings."""
    from PIL import ImageMath

    background = img_l.filter(ImageFilter.BoxBlur(max(8, max(img_l.size) // 12)))
    return ImageMath.lambda_eval(lambda a: a["img"] * 200 / (a["bg"] + 8),
                                 img=img_l, bg=background).convert("L")


def _upscale_sharpen(img: Image.Image) -> Image.Image | None:
    big = _upscale(img)
    return None if big is None else big.filter(
        ImageFilter.UnsharpMask(radius=3, percent=200, threshold=0))


def _denoise(img: Image.Image) -> Image.Image:
    return img.filter(ImageFilter.MedianFilter(3))


def stripe_angles(gray: Image.Image, *, grid: int = 24, peaks: int = 2) -> list[float]:
    """Angles (degrees, for Image.rotate) that turn the strongest regions of parallel stripes
    (linear barcodes) upright, strongest first.

    Linear-code readers scan along rows, so a long CODE128 tilted by more than a few degrees is
    missed; QR codes are read at any angle. The local structure tensor of the image gradient
    gives the stripes' direction in each cell of a coarse grid; cells of similar direction are
    pooled, weighted by how strongly oriented they are. Pillow only, no numpy.
    """
    import math

    from PIL import ImageChops, ImageMath

    # Smoothing first: on bars a few pixels wide, plain pixel differences respond unequally in
    # x and y and bias the angle towards 45 degrees by up to 10; after a 1.5 px blur the
    # estimate is good to about 2 degrees, and even 1-pixel bars keep enough contrast.
    f = gray.filter(ImageFilter.GaussianBlur(1.5)).convert("F")
    gx = ImageMath.lambda_eval(lambda a: a["r"] - a["l"],
                               r=ImageChops.offset(f, -1, 0), l=ImageChops.offset(f, 1, 0))
    gy = ImageMath.lambda_eval(lambda a: a["d"] - a["u"],
                               d=ImageChops.offset(f, 0, -1), u=ImageChops.offset(f, 0, 1))
    w, h = gray.size
    cols = max(2, round(grid * w / max(w, h)))
    rows = max(2, round(grid * h / max(w, h)))
    # Products first, then averaging per cell: averaging the gradients themselves would cancel
    # the opposite edges of every bar.
    products = (ImageMath.lambda_eval(lambda a: a["x"] * a["x"], x=gx),
                ImageMath.lambda_eval(lambda a: a["y"] * a["y"], y=gy),
                ImageMath.lambda_eval(lambda a: a["x"] * a["y"], x=gx, y=gy))
    jxx, jyy, jxy = (_pixels(p.resize((cols, rows), Image.Resampling.BOX)) for p in products)
    cells = []
    for a, b, c in zip(jxx, jyy, jxy, strict=True):
        strength = math.hypot(a - b, 2 * c)
        if strength > 0:
            cells.append((strength, math.atan2(2 * c, a - b)))  # doubled angle: 180° periodic
    if not cells:
        return []
    cells.sort(reverse=True)
    strong = [cell for cell in cells if cell[0] >= 0.3 * cells[0][0]]
    used = [False] * len(strong)
    clusters = []
    for i, (_, angle2) in enumerate(strong):
        if used[i]:
            continue
        sx = sy = 0.0
        for j, (s2, a2) in enumerate(strong):
            if not used[j] and abs((a2 - angle2 + math.pi) % math.tau - math.pi) < 0.35:
                used[j] = True
                sx += s2 * math.cos(a2)
                sy += s2 * math.sin(a2)
        clusters.append((math.hypot(sx, sy), math.degrees(0.5 * math.atan2(sy, sx))))
    clusters.sort(reverse=True)
    return [angle for _, angle in clusters[:peaks]]


def _pixels(img: Image.Image) -> list[float]:
    flat = getattr(img, "get_flattened_data", None)  # Pillow >= 12; getdata() is deprecated
    return list(flat() if flat is not None else img.getdata())


def _rotations(img: Image.Image) -> Iterable[Image.Image]:
    small = img
    if max(img.size) > _ORIENT_MAX_SIDE:
        scale = _ORIENT_MAX_SIDE / max(img.size)
        small = img.resize((round(img.width * scale), round(img.height * scale)),
                           Image.Resampling.BOX)
    from PIL import ImageStat

    # The corners uncovered by rotating are filled with the typical (background) level: a
    # contrasting fill would add edges, and a dark one can pass for a bar next to the code.
    fill = int(ImageStat.Stat(small).median[0])
    for angle in stripe_angles(small):
        # The estimate is good to a few degrees; long codes need it within ~3.
        for offset in (0.0, -4.0, 4.0):
            total = angle + offset
            if abs(total) < 2.0:
                continue  # as good as the unrotated image, already tried
            yield img.rotate(total, resample=Image.Resampling.BILINEAR, expand=True,
                             fillcolor=fill)


#: (name, makes one or more attempts from the grayscale image, only for linear codes)
_STEPS: tuple[tuple[str, Callable[[Image.Image], Any], bool], ...] = (
    ("contrast", _contrast_threshold, False),
    ("upscale", _upscale, False),
    ("sharpen", _sharpen, False),
    ("lighting", _even_out_lighting, False),
    ("rotate", _rotations, True),
    ("upscale+sharpen", _upscale_sharpen, False),
    ("denoise", _denoise, False),
    ("equalize", ImageOps.equalize, False),
)


def _attempts(gray: Image.Image, linear: bool) -> Iterable[tuple[str, Image.Image]]:
    yield "as-is", gray
    work = gray
    if max(gray.size) > _RETRY_MAX_SIDE:
        # A phone photo (12 MP): the retries work on a smaller copy, which keeps a missing
        # code from costing many seconds; codes small in the photo still have 2+ px modules.
        scale = _RETRY_MAX_SIDE / max(gray.size)
        work = gray.resize((round(gray.width * scale), round(gray.height * scale)),
                           Image.Resampling.BOX)
        yield "smaller", work
    for name, step, linear_only in _STEPS:
        if linear_only and not linear:
            continue
        made = step(work)
        if made is None:
            continue
        if isinstance(made, Image.Image):
            yield name, made
        else:
            for img in made:
                yield name, img


# --- validation -----------------------------------------------------------------------------


def _printable(text: str) -> bool:
    # Tab and GS (the GS1 separator) occur in real codes; other controls and U+FFFD (an
    # undecodable byte) mean a damaged read or a wrong encoding.
    return bool(text) and "\ufffd" not in text and all(
        c in "\t\x1d" or unicodedata.category(c) != "Cc" for c in text)


Check = Callable[[str, bool], "bool | None"]
Repair = Callable[[str], str]


def repaired(decoded: Decoded, repair: Repair | None) -> Decoded:
    """`decoded` with its text put right by `repair` where the engine guessed the encoding."""
    if decoded.guessed and repair is not None:
        return dataclasses.replace(decoded, text=repair(decoded.text), guessed=False)
    return decoded


def plausible(decoded: Decoded, check: Check | None = None) -> bool | None:
    """Whether a read can be trusted on its own: True, False (wrong), or None (unsure: keep it
    only if another attempt reads the same).

    QR codes carry Reed-Solomon error correction, so a QR read is what was printed; what can go
    wrong is the text encoding (zbar). Linear codes carry at most a weak checksum and a damaged
    image can read as another valid code, so a linear read is unsure unless `check` (the
    caller's verdict on the text and whether it came from a linear code, e.g.
    kiosk.scanning.check_read: a dossier code's shape) trusts it. The driver knows nothing
    about what the codes mean: that is `check`'s part.
    """
    text = decoded.text
    if not _printable(text):
        return False
    linear = decoded.format in LINEAR_FORMATS
    if check is not None:
        return check(text, linear)
    return None if linear else True


# --- entry points ---------------------------------------------------------------------------


def decode_detailed(
    image: Any,
    engine: str = "zxing",
    *,
    formats: Sequence[str] = DEFAULT_FORMATS,
    retries: bool = True,
    validate: Callable[[Decoded], bool | None] | None = plausible,
    repair: Repair | None = None,
) -> list[Decoded]:
    """Every code found in `image` (a path, a PIL image or a numpy array), as Decoded.

    Tries the image as it is, then (with `retries`) one cleaned-up version after another until
    one gives a read that passes `validate` (see `plausible`); `repair` puts right a text whose
    encoding the engine guessed (see `repaired`). Returns the reads of the first
    attempt that gave any, in the order the engine found them; an empty list when nothing was
    read. Raises EngineUnavailable if the engine is not installed.
    """
    reader = get_engine(engine)
    formats = tuple(f for f in formats if f in reader.formats)
    if not formats:
        return []
    linear = any(f in LINEAR_FORMATS for f in formats)
    gray = _to_pil_gray(image)
    unsure: dict[str, Decoded] = {}
    attempts = _attempts(gray, linear) if retries else [("as-is", gray)]
    for _, attempt in attempts:
        found: list[Decoded] = []
        for d in reader.read(attempt, formats, thorough=True):
            d = repaired(d, repair)
            verdict = True if validate is None else validate(d)
            if verdict is None:
                if d.text in unsure:
                    verdict = True  # two different attempts agree
                else:
                    unsure[d.text] = d
            if verdict and all(d.text != f.text for f in found):
                found.append(d)
        if found:
            return found
    return []


def decode_image(
    image: Any,
    engine: str = "zxing",
    *,
    formats: Sequence[str] = DEFAULT_FORMATS,
    retries: bool = True,
    check: Check | None = None,
    repair: Repair | None = None,
) -> list[str]:
    """The texts of the codes found in `image`; see decode_detailed and plausible (`check`)."""
    return [d.text for d in decode_detailed(image, engine, formats=formats, retries=retries,
                                            validate=lambda d: plausible(d, check),
                                            repair=repair)]


def decode_frame(frame: Any, engine: str = "zxing", *,
                 formats: Sequence[str] = DEFAULT_FORMATS,
                 check: Check | None = None,
                 repair: Repair | None = None) -> list[Decoded]:
    """One quick attempt on one camera frame (a numpy BGR or grayscale array, or PIL image).

    No retries: at 25 frames a second the next frame is the next attempt, and the camera has a
    budget of one core. Reads are validated like decode_detailed's; a read that needs a second
    opinion (a linear code that is not a dossier code) comes back with `trusted` False, and the
    camera waits for a following frame to read the same.
    """
    reader = get_engine(engine)
    formats = tuple(f for f in formats if f in reader.formats)
    out: list[Decoded] = []
    if not formats:
        return out
    for d in reader.read(frame, formats, thorough=False):
        d = repaired(d, repair)
        verdict = plausible(d, check)
        if verdict is False or any(d.text == o.text for o in out):
            continue
        out.append(d if verdict else dataclasses.replace(d, trusted=False))
    return out
