"""Look of the display board: a dark room-facing screen, read from 5 m and more.

Designed for a 1920x1080 TV (scale 1.0) and scaled by the limiting side, so a 1366x768 screen
gets the same layout at 0.71. Light text on a near-black navy: the numbers in yellow
(contrast about 12:1), counters in white; a fresh call turns its tile yellow and blinks.

The big numbers are not sized here: FitLabel (window.py) fits them to their tiles, up to the
sizes below, so a five-character K1000 or a tenth counter shrinks instead of being clipped.
"""

from __future__ import annotations

from kiosk.assets import FONT_FAMILY

BG = "#07101d"
HEADER = "#0a3a70"
PANEL = "#0d1b30"
TILE = "#12284a"
TILE_BORDER = "#27497a"
YELLOW = "#ffd23f"
WHITE = "#ffffff"
MUTED = "#b4c5dc"
MUTED_DARK = "#7d93b3"
INK = "#0a1426"
RED = "#e5484d"

DESIGN = (1920, 1080)
# Upper bounds for the fitted numbers at scale 1.0 (pixel size of the font; Be Vietnam Pro's
# digits are about 0.72 of it tall, so 190 px gives numbers ~137 px high on a 1080p TV).
NUMBER_PX = 180
COUNTER_PX = 140
RECENT_NUMBER_PX = 50
WAITING_COUNT_PX = 52


def scale_for(width: int, height: int) -> float:
    """1.0 at 1920x1080, by whichever side limits (a 4:3 screen is limited by its width)."""
    return round(max(0.4, min(2.0, width / DESIGN[0], height / DESIGN[1])), 3)


def stylesheet(scale: float) -> str:
    def px(value: float) -> str:
        return f"{max(1, round(value * scale))}px"

    return f"""
* {{
    font-family: "{FONT_FAMILY}";
    color: {WHITE};
}}
QWidget#DisplayBoard {{
    background: {BG};
}}
QFrame#BoardHeader {{
    background: {HEADER};
}}
QLabel#OfficeName {{
    font-size: {px(42)};
    font-weight: 800;
}}
QLabel#BoardSubtitle {{
    font-size: {px(24)};
    font-weight: 600;
    color: {MUTED};
}}
QLabel#Clock {{
    font-size: {px(66)};
    font-weight: 800;
}}
QLabel#ClockDate {{
    font-size: {px(26)};
    font-weight: 600;
    color: {MUTED};
}}
QLabel#Connection {{
    font-size: {px(26)};
    font-weight: 800;
    color: {WHITE};
    background: {RED};
    border-radius: {px(10)};
    padding: {px(6)} {px(16)};
}}
QLabel[role="panelTitle"] {{
    font-size: {px(38)};
    font-weight: 800;
    color: {YELLOW};
}}
QLabel[role="columnCaption"] {{
    font-size: {px(24)};
    font-weight: 700;
    color: {MUTED};
}}
QFrame#ServingTile {{
    background: {TILE};
    border: {px(3)} solid {TILE_BORDER};
    border-radius: {px(18)};
}}
QFrame#ServingTile[hot="on"] {{
    background: {YELLOW};
    border-color: {YELLOW};
}}
QFrame#ServingTile[hot="off"] {{
    border: {px(6)} solid {YELLOW};
}}
QLabel#TileNumber {{
    color: {YELLOW};
    font-weight: 800;
    background: transparent;
}}
QFrame#ServingTile[hot="on"] QLabel#TileNumber {{
    color: {INK};
}}
QFrame#CounterBox {{
    background: {WHITE};
    border-radius: {px(14)};
}}
QFrame#ServingTile[hot="on"] QFrame#CounterBox {{
    background: {INK};
}}
QLabel#CounterCaption {{
    font-size: {px(26)};
    font-weight: 800;
    color: {INK};
    background: transparent;
}}
QLabel#CounterNumber {{
    color: {INK};
    font-weight: 800;
    background: transparent;
}}
QFrame#ServingTile[hot="on"] QLabel#CounterCaption,
QFrame#ServingTile[hot="on"] QLabel#CounterNumber {{
    color: {YELLOW};
}}
QLabel#EmptyBoard {{
    font-size: {px(40)};
    font-weight: 600;
    color: {MUTED};
}}
QFrame#RecentPanel, QFrame#WaitingPanel {{
    background: {PANEL};
    border-radius: {px(18)};
}}
QLabel#RecentNumber {{
    font-size: {px(RECENT_NUMBER_PX)};
    font-weight: 800;
    color: {YELLOW};
    background: transparent;
}}
QLabel#RecentCounter {{
    font-size: {px(38)};
    font-weight: 700;
    color: {WHITE};
    background: transparent;
}}
QFrame#RecentRow {{
    border-bottom: {px(2)} solid {TILE_BORDER};
    background: transparent;
}}
QFrame#WaitingChip {{
    background: {TILE};
    border-radius: {px(14)};
}}
QLabel#WaitingLetter {{
    font-size: {px(38)};
    font-weight: 800;
    color: {INK};
    background: {YELLOW};
    border-radius: {px(10)};
    min-width: {px(56)};
    max-width: {px(56)};
    min-height: {px(56)};
    max-height: {px(56)};
}}
QLabel#WaitingCount {{
    font-size: {px(WAITING_COUNT_PX)};
    font-weight: 800;
    color: {WHITE};
    background: transparent;
}}
QLabel#WaitingCount[zero="yes"] {{
    color: {MUTED_DARK};
}}
QLabel#WaitingName {{
    font-size: {px(21)};
    font-weight: 600;
    color: {MUTED};
    background: transparent;
}}
"""
