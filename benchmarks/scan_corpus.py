"""A generated corpus of degraded barcode images, for the scan benchmark and the decoder tests.

Nothing here is a real card or a real person: payloads are random but realistic CCCD QR texts
(UTF-8 Vietnamese, 7 or 11 fields, about 90-160 bytes like the public samples: QR versions 6-9
at error correction M) and dossier codes such as `000.00.01.H26-260115-0007` as
CODE128. Each image is a code on a cluttered paper-like background, then one degradation
(rotation, perspective, blur, noise, dim light, glare, small, JPEG). Images are built in memory
and never written to disk. Needs numpy and OpenCV (the `camera` extra).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
            "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trương", "Đinh", "Lương", "Tạ")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Xuân", "Thu", "Hoàng",
          "Kim", "Bảo", "Gia", "Thị Thanh", "Thị Kim", "Văn Đức", "Ngọc Bảo", "")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hằng", "Hiếu", "Hoa", "Hùng", "Hương",
         "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc", "Phương", "Quân",
         "Quỳnh", "Sơn", "Tâm", "Thảo", "Thắng", "Thủy", "Trang", "Tuấn", "Vy", "Yến", "Thuận",
         "Lương", "Đạt", "Nhung", "Ánh", "Duyên", "Khoa", "Trí")
#: (province of birth registration code, province, some communes/wards and districts)
PLACES = (
    ("001", "Hà Nội", ("Hàng Bạc", "Phúc Xá", "Yên Hòa", "Kim Liên", "Đại Mỗ", "Xuân Đỉnh"),
     ("Hoàn Kiếm", "Ba Đình", "Cầu Giấy", "Đống Đa", "Nam Từ Liêm", "Bắc Từ Liêm")),
    ("031", "Hải Phòng", ("Máy Chai", "Lạch Tray", "Đằng Giang"), ("Ngô Quyền", "Lê Chân")),
    ("034", "Thái Bình", ("An Quý", "Quỳnh Hồng", "Đông Hưng"), ("Quỳnh Phụ", "Thái Thụy")),
    ("038", "Thanh Hóa", ("Điện Biên", "Quảng Thắng", "Hoằng Quỳ"), ("Hoằng Hóa", "Sầm Sơn")),
    ("040", "Nghệ An", ("Hưng Dũng", "Nghi Phú", "Diễn Châu"), ("Vinh", "Quỳnh Lưu")),
    ("048", "Đà Nẵng", ("Hải Châu 1", "Thạc Gián", "Hòa Khánh Bắc"), ("Hải Châu", "Liên Chiểu")),
    ("079", "Hồ Chí Minh", ("Bến Nghé", "Phường 12", "Tân Định", "Linh Trung"),
     ("Quận 1", "Gò Vấp", "Thủ Đức")),
    ("089", "An Giang", ("Hòa Bình", "Mỹ Xuyên", "Châu Phú A"), ("Chợ Mới", "Long Xuyên")),
    ("092", "Cần Thơ", ("An Khánh", "Xuân Khánh", "Hưng Lợi"), ("Ninh Kiều", "Cái Răng")),
)
STREETS = ("Trần Hưng Đạo", "Lê Lợi", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt",
           "Phạm Văn Đồng", "Hoàng Quốc Việt", "Nguyễn Văn Cừ", "Điện Biên Phủ", "Trần Phú")

DEGRADATIONS = ("rotation", "perspective", "blur", "noise", "dim", "glare", "small", "jpeg")
KINDS = ("cccd", "dossier")


@dataclass(frozen=True)
class Sample:
    name: str
    kind: str  # "cccd" or "dossier"
    degradation: str
    payload: str
    image: np.ndarray  # 8-bit grayscale


# --- payloads -------------------------------------------------------------------------------


def cccd_payload(rng: random.Random) -> str:
    """A random, internally consistent CCCD QR text (ID digits agree with gender and birth)."""
    code, province, communes, districts = rng.choice(PLACES)
    female = rng.random() < 0.5
    born = date(1945, 1, 1) + timedelta(days=rng.randrange(0, 365 * 62))
    century_digit = 2 * ((born.year - 1900) // 100) + (1 if female else 0)
    id_number = f"{code}{century_digit}{born.year % 100:02d}{rng.randrange(10**6):06d}"
    old_id = "" if rng.random() < 0.25 else f"{rng.randrange(10**8, 10**9)}"
    middle = rng.choice(MIDDLE)
    if female and middle in ("Văn", "Văn Đức"):
        middle = "Thị"
    name = " ".join(p for p in (rng.choice(SURNAMES), middle, rng.choice(GIVEN)) if p)
    if rng.random() < 0.2:
        name = name.upper()
    house = rng.choice((f"Số {rng.randint(1, 200)} ngõ {rng.randint(1, 400)} phố "
                        f"{rng.choice(STREETS)}", f"Tổ {rng.randint(1, 30)}",
                        f"Thôn {rng.choice(GIVEN)} {rng.choice(('Đông', 'Tây', 'Thượng'))}",
                        f"{rng.randint(1, 300)} {rng.choice(STREETS)}, "
                        f"Khu phố {rng.randint(1, 9)}"))
    address = f"{house}, {rng.choice(communes)}, {rng.choice(districts)}, {province}"
    issued = max(born + timedelta(days=365 * 14), date(2021, 1, 1)) + timedelta(
        days=rng.randrange(0, 365 * 4))
    issued = min(issued, date(2025, 6, 30))
    fields = [id_number, old_id, name, f"{born:%d%m%Y}", "Nữ" if female else "Nam", address,
              f"{issued:%d%m%Y}"]
    if issued.year >= 2024:
        fields += ["", "", "", ""]  # cards from 2024 carry four more (empty) fields
    return "|".join(fields)


def dossier_code(rng: random.Random) -> str:
    unit = f"000.{rng.randint(0, 40):02d}.{rng.randint(1, 40):02d}.H{rng.randint(1, 99):02d}"
    day = date(2025, 1, 1) + timedelta(days=rng.randrange(0, 600))
    return f"{unit}-{day:%y%m%d}-{rng.randint(1, 2500):04d}"


# --- rendering ------------------------------------------------------------------------------


def qr_modules(payload: str) -> np.ndarray:
    """The QR matrix (True = dark), with its 4-module quiet zone, as `qrcode` builds it."""
    import qrcode

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    qr.add_data(payload.encode("utf-8"))  # bytes: byte mode, no ECI, like the cards
    qr.make(fit=True)
    return np.array(qr.get_matrix(), dtype=bool)


def code128_modules(text: str, height_modules: int = 40) -> np.ndarray:
    """CODE128 bars (True = dark) with 10-module quiet zones, as zxing-cpp encodes them."""
    import zxingcpp

    row = np.array(zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.Code128)
                   .to_image(scale=1, add_quiet_zones=True))[0] < 128
    return np.repeat(row[None, :], height_modules, axis=0)


def render_modules(modules: np.ndarray, module_px: float) -> np.ndarray:
    """Draw a module matrix at a fractional module size, with anti-aliased edges."""
    import cv2

    supersample = 8
    big = np.kron(np.where(modules, 0, 255).astype(np.uint8),
                  np.ones((supersample, supersample), np.uint8))
    h, w = modules.shape
    size = (max(1, round(w * module_px)), max(1, round(h * module_px)))
    return cv2.resize(big, size, interpolation=cv2.INTER_AREA)


def _background(rng: random.Random, nrng: np.random.Generator, h: int, w: int) -> np.ndarray:
    import cv2

    base = rng.uniform(175, 235)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, math.tau)
    gradient = (np.cos(angle) * xx + np.sin(angle) * yy) / max(h, w) * rng.uniform(-30, 30)
    img = base + gradient + nrng.normal(0, 2.0, (h, w)).astype(np.float32)
    # Clutter like the rest of a card or a receipt: lines of "text" and rules.
    for _ in range(rng.randint(6, 18)):
        y = rng.randrange(0, h)
        x = rng.randrange(0, w)
        length = rng.randint(w // 10, w // 2)
        thick = rng.randint(2, 7)
        shade = rng.uniform(20, 120)
        if rng.random() < 0.8:  # a "word" run: dashes of text-like blocks
            cx = x
            while cx < min(w, x + length):
                word = rng.randint(6, 40)
                cv2.rectangle(img, (cx, y), (min(w - 1, cx + word), y + thick), shade, -1)
                cx += word + rng.randint(4, 10)
        else:
            cv2.line(img, (x, y), (min(w - 1, x + length), y), shade, 1)
    return img


def _place(code: np.ndarray, rng: random.Random, nrng: np.random.Generator,
           room_to_turn: bool) -> tuple[np.ndarray, tuple[float, float]]:
    """The code on a cluttered background; returns the scene and the code's centre. With
    `room_to_turn` the scene is large enough to rotate the code by any angle inside it."""
    ch, cw = code.shape
    if room_to_turn:
        diag = math.hypot(ch, cw)
        h, w = int(diag * 1.15) + rng.randint(20, 60), int(diag * 1.15) + rng.randint(20, 120)
    else:
        pad = max(50, int(0.25 * max(ch, cw)))
        h, w = ch + 2 * pad + rng.randint(0, 80), cw + 2 * pad + rng.randint(0, 120)
    img = _background(rng, nrng, h, w)
    y0 = (h - ch) // 2 + rng.randint(-(h - ch) // 6, (h - ch) // 6)
    x0 = (w - cw) // 2 + rng.randint(-(w - cw) // 6, (w - cw) // 6)
    paper = rng.uniform(215, 250)
    img[y0:y0 + ch, x0:x0 + cw] = code.astype(np.float32) / 255.0 * (paper - 25) + 25
    return img, (x0 + cw / 2, y0 + ch / 2)


# --- degradations (float32 in, float32 out) -------------------------------------------------


def _rotate(img: np.ndarray, centre: tuple[float, float], degrees: float) -> np.ndarray:
    import cv2

    m = cv2.getRotationMatrix2D(centre, degrees, 1.0)
    return cv2.warpAffine(img, m, (img.shape[1], img.shape[0]), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)


def _perspective(img: np.ndarray, rng: random.Random, strength: float) -> np.ndarray:
    import cv2

    h, w = img.shape
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    jitter = [[rng.uniform(-1, 1) * strength * w, rng.uniform(-1, 1) * strength * h]
              for _ in range(4)]
    dst = (src + np.float32(jitter)).astype(np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(img, m, (w, h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)


def _blur(img: np.ndarray, sigma: float) -> np.ndarray:
    import cv2

    return cv2.GaussianBlur(img, (0, 0), sigma)


def _motion_blur(img: np.ndarray, length: float, angle: float) -> np.ndarray:
    import cv2

    size = max(3, int(length) | 1)
    kernel = np.zeros((size, size), np.float32)
    kernel[size // 2, :] = 1.0
    m = cv2.getRotationMatrix2D((size / 2 - 0.5, size / 2 - 0.5), angle, 1.0)
    kernel = cv2.warpAffine(kernel, m, (size, size))
    kernel /= kernel.sum()
    return cv2.filter2D(img, -1, kernel)


def _jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    import cv2

    ok, buf = cv2.imencode(".jpg", np.clip(img, 0, 255).astype(np.uint8),
                           [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE).astype(np.float32)


def _degrade(name: str, img: np.ndarray, centre: tuple[float, float], module_px: float,
             rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    if name == "rotation":
        img = _rotate(img, centre, rng.uniform(-180, 180))
    elif name == "perspective":
        img = _perspective(_rotate(img, centre, rng.uniform(-10, 10)), rng, rng.uniform(0.06, 0.13))
    elif name == "blur":
        if rng.random() < 0.5:
            img = _blur(img, module_px * rng.uniform(0.3, 0.5))
        else:
            img = _motion_blur(img, module_px * rng.uniform(1.0, 1.6), rng.uniform(0, 180))
    elif name == "noise":
        img = img + nrng.normal(0, rng.uniform(22, 40), img.shape).astype(np.float32)
    elif name == "dim":
        img = img * rng.uniform(0.1, 0.22) + rng.uniform(0, 6)
        img = img + nrng.normal(0, rng.uniform(1.5, 3.0), img.shape).astype(np.float32)
    elif name == "glare":
        h, w = img.shape
        cx, cy = centre
        gx = cx + rng.uniform(-0.25, 0.25) * w
        gy = cy + rng.uniform(-0.25, 0.25) * h
        radius = rng.uniform(0.08, 0.16) * min(h, w)
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        blob = np.exp(-(((xx - gx) ** 2) / (2 * (radius * rng.uniform(0.7, 1.6)) ** 2)
                        + ((yy - gy) ** 2) / (2 * radius ** 2)))
        img = img + blob * rng.uniform(100, 200)
    elif name == "jpeg":
        img = _jpeg(img, rng.randint(6, 15))
    # Every image also gets what any camera adds: a slight tilt, softness and sensor noise.
    if name not in ("rotation", "perspective"):
        img = _rotate(img, centre, rng.uniform(-6, 6))
    if name != "blur":
        img = _blur(img, rng.uniform(0.3, 0.7))
    if name not in ("noise", "dim"):
        img = img + nrng.normal(0, 3.0, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)


def make_sample(kind: str, degradation: str, rng: random.Random, index: int = 0) -> Sample:
    nrng = np.random.default_rng(rng.randrange(2**32))
    small = degradation == "small"
    if kind == "cccd":
        payload = cccd_payload(rng)
        modules = qr_modules(payload)
        module_px = rng.uniform(1.7, 2.2) if small else rng.uniform(2.6, 4.5)
    else:
        payload = dossier_code(rng)
        modules = code128_modules(payload, height_modules=rng.randint(30, 50))
        module_px = rng.uniform(1.5, 1.9) if small else rng.uniform(1.8, 3.0)
    code = render_modules(modules, module_px)
    img, centre = _place(code, rng, nrng, degradation in ('rotation', 'perspective'))
    image = _degrade(degradation, img, centre, module_px, rng, nrng)
    return Sample(f"{kind}-{degradation}-{index:03d}", kind, degradation, payload, image)


def corpus(per_case: int, seed: int = 20260115,
           degradations: tuple[str, ...] = DEGRADATIONS) -> Iterator[Sample]:
    """`per_case` images for every (kind, degradation), generated lazily and reproducibly."""
    for kind in KINDS:
        for degradation in degradations:
            rng = random.Random(f"{seed}-{kind}-{degradation}")
            for i in range(per_case):
                yield make_sample(kind, degradation, rng, i)


# --- video ----------------------------------------------------------------------------------


def write_video(path: str, payloads: list[str], *, size: tuple[int, int] = (1280, 720),
                frames_per_code: int = 25, fps: float = 25.0, seed: int = 7,
                module_px: float = 4.0) -> list[str]:
    """A video file like a document camera's: each payload's QR drifts across a cluttered desk
    for `frames_per_code` frames, with gaps of empty desk between codes. Returns the payloads
    in order of appearance. MJPG in AVI: written and read by every OpenCV build."""
    import cv2

    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    w, h = size
    desk = np.clip(_background(rng, nrng, h, w), 0, 255).astype(np.uint8)
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"MJPG"), fps, (w, h), isColor=True)
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write the video {path}")
    try:
        for payload in payloads:
            code = render_modules(qr_modules(payload), module_px)
            ch, cw = code.shape
            x0, y0 = rng.randrange(0, w - cw), rng.randrange(0, h - ch)
            x1, y1 = rng.randrange(0, w - cw), rng.randrange(0, h - ch)
            for f in range(frames_per_code):
                t = f / max(1, frames_per_code - 1)
                x, y = int(x0 + (x1 - x0) * t), int(y0 + (y1 - y0) * t)
                frame = desk.copy()
                frame[y:y + ch, x:x + cw] = code
                writer.write(cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR))
            for _ in range(max(3, frames_per_code // 3)):
                writer.write(cv2.cvtColor(desk, cv2.COLOR_GRAY2BGR))
    finally:
        writer.release()
    return list(payloads)

