"""Where the bundled assets (fonts, catalogs, translations) live, in a checkout and when frozen."""

from __future__ import annotations

import sys
from pathlib import Path


def assets_dir() -> Path:
    # PyInstaller unpacks data next to the executable under sys._MEIPASS.
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "assets"
    return Path(__file__).resolve().parent.parent / "assets"


def asset_path(*parts: str) -> Path:
    return assets_dir().joinpath(*parts)


FONT_FAMILY = "Be Vietnam Pro"
FONT_FILES = {
    "regular": "BeVietnamPro_400Regular.ttf",
    "semibold": "BeVietnamPro_600SemiBold.ttf",
    "bold": "BeVietnamPro_700Bold.ttf",
    "extrabold": "BeVietnamPro_800ExtraBold.ttf",
}


def font_path(weight: str = "regular") -> Path:
    return asset_path("fonts", FONT_FILES[weight])
