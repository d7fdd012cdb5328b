"""Turn an image into the ESC/POS bytes of one print job, using python-escpos.

Every backend sends the same bytes: ESC @, the image as GS v 0 raster bands, then a cut. The job
is built once in memory (python-escpos' Dummy printer) so that backends only move bytes, which is
what has to be bounded in time.
"""

from __future__ import annotations

import copy
import logging
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
    starts at the left margin.
    """
    if image.width > width_dots:
        raise ValueError(f"image is {image.width} dots wide but the paper takes {width_dots}")
    if image.mode != "1":
        rgba = image.convert("RGBA")
        flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat.alpha_composite(rgba)
        image = flat.convert("L").point(lambda v: 255 if v >= 128 else 0, mode="1")
    if image.width == width_dots:
        return image.copy()
    page = Image.new("1", (width_dots, image.height), 1)
    page.paste(image, ((width_dots - image.width) // 2, 0))
    return page


def build_job(raster: Image.Image, width_dots: int, *, cut: bool) -> bytes:
    """ESC/POS bytes for one ticket: init, raster bands, then cut (or a feed to tear off).

    The cut is GS V 66 0 ("feed to the cutter, then partial cut"): the printer knows its own
    head-to-cutter distance, so no paper is wasted on a guessed feed, and the partial cut leaves
    the ticket hanging from the kiosk slot instead of dropping on the floor.
    """
    printer: Escpos = escpos_module().Dummy(profile=escpos_profile(width_dots))
    printer.hw("INIT")
    printer.image(raster, impl="bitImageRaster", fragment_height=FRAGMENT_HEIGHT, center=False)
    if cut:
        printer.cut(feed=False)
    else:
        printer.print_and_feed(TEAR_OFF_FEED_LINES)
    return printer.output
