"""What every screenshot module uses: letting the event loop run, and the PNG compaction."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path


def wait(app, condition: Callable[[], bool], timeout_s: float = 20.0) -> None:
    """Run the event loop until `condition()` holds (TimeoutError after `timeout_s`)."""
    end = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the screen did not reach the expected state")
        app.processEvents()
        time.sleep(0.01)


def settle(app, seconds: float = 0.25) -> None:
    """Run the event loop for `seconds` (layouts, fonts and answers from the lanes)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def compact(path: Path) -> None:
    """Flat colours: a 96-colour palette without dithering looks the same at a third the size."""
    from PIL import Image

    with Image.open(path) as image:
        palette = image.convert("RGB").quantize(
            colors=96, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    palette.save(path, optimize=True)
