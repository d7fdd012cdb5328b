"""The display board's look, declared for kiosk/ui/theme.py: a dark room-facing screen, read
from 5 m and more.

Designed for a 1920x1080 TV (scale 1.0) and scaled by the limiting side, so a 1366x768 screen
gets the same layout at 0.71. Light text on a near-black navy: the numbers in yellow
(contrast about 12:1), counters in white; a fresh call turns its tile yellow and blinks.

The big numbers are not sized here: FitLabel (window.py) fits them to their tiles, up to the
sizes below, so a five-character K1000 or a tenth counter shrinks instead of being clipped.
"""

from __future__ import annotations

from kiosk.ui.theme import (
    BOARD_BG,
    BOARD_HEADER,
    BOARD_INK,
    BOARD_MUTED,
    BOARD_MUTED_DARK,
    BOARD_PANEL,
    BOARD_RED,
    BOARD_TILE,
    BOARD_TILE_BORDER,
    BOARD_WHITE,
    BOARD_YELLOW,
    BOLD,
    HEAVY,
    SEMIBOLD,
    Design,
    TypeScale,
    bar,
    base,
    rule,
    station,
)

DESIGN = Design(1920, 1080, smallest=0.4, largest=2.0, digits=3)
# Upper bounds for the fitted numbers at scale 1.0 (pixel size of the font; Be Vietnam Pro's
# digits are about 0.72 of it tall, so 190 px gives numbers ~137 px high on a 1080p TV).
NUMBER_PX = 180
COUNTER_PX = 140
RECENT_NUMBER_PX = 50
WAITING_COUNT_PX = 52
# The waiting services' names (the catalog's short board_name_vi): all at one size, the largest
# every chip allows up to this one, on at most two lines (WrapFitLabel, window.py). On a 1080p
# TV the default names fit at 54 px, capitals of 38 px: read from 5 m.
WAITING_NAME_PX = 56
WAITING_PANEL_HEIGHT = 310
TYPE = TypeScale(body=None, small=24, title=42, heading=38, display=NUMBER_PX)
ON_TILE = "transparent"

BOARD = station(
    "display board", DESIGN, TYPE,
    base(TYPE, BOARD_WHITE),
    rule("QWidget#DisplayBoard", background=BOARD_BG),
    bar("QFrame#BoardHeader", BOARD_HEADER, text=None),
    rule("QLabel#OfficeName", font_size=TYPE.title, font_weight=HEAVY),
    rule("QLabel#BoardSubtitle", font_size=TYPE.small, font_weight=SEMIBOLD, color=BOARD_MUTED),
    rule("QLabel#Clock", font_size=66, font_weight=HEAVY),
    rule("QLabel#ClockDate", font_size=26, font_weight=SEMIBOLD, color=BOARD_MUTED),
    rule("QLabel#Connection", font_size=26, font_weight=HEAVY, color=BOARD_WHITE,
         background=BOARD_RED, border_radius=10, padding=(6, 16)),
    rule('QLabel[role="panelTitle"]', font_size=TYPE.heading, font_weight=HEAVY,
         color=BOARD_YELLOW),
    rule('QLabel[role="columnCaption"]', font_size=TYPE.small, font_weight=BOLD,
         color=BOARD_MUTED),
    # A counter now serving; "on"/"off" are the two phases of a fresh call's blink.
    rule("QFrame#ServingTile", background=BOARD_TILE, border=(3, "solid", BOARD_TILE_BORDER),
         border_radius=18),
    rule('QFrame#ServingTile[hot="on"]', background=BOARD_YELLOW, border_color=BOARD_YELLOW),
    rule('QFrame#ServingTile[hot="off"]', border=(6, "solid", BOARD_YELLOW)),
    rule("QLabel#TileNumber", color=BOARD_YELLOW, font_weight=HEAVY, background=ON_TILE),
    rule('QFrame#ServingTile[hot="on"] QLabel#TileNumber', color=BOARD_INK),
    rule("QFrame#CounterBox", background=BOARD_WHITE, border_radius=14),
    rule('QFrame#ServingTile[hot="on"] QFrame#CounterBox', background=BOARD_INK),
    rule("QLabel#CounterCaption", font_size=26, font_weight=HEAVY, color=BOARD_INK,
         background=ON_TILE),
    rule("QLabel#CounterNumber", color=BOARD_INK, font_weight=HEAVY, background=ON_TILE),
    rule('QFrame#ServingTile[hot="on"] QLabel#CounterCaption, '
         'QFrame#ServingTile[hot="on"] QLabel#CounterNumber', color=BOARD_YELLOW),
    rule("QLabel#EmptyBoard", font_size=40, font_weight=SEMIBOLD, color=BOARD_MUTED),
    rule("QFrame#RecentPanel, QFrame#WaitingPanel", background=BOARD_PANEL, border_radius=18),
    rule("QLabel#RecentNumber", font_size=RECENT_NUMBER_PX, font_weight=HEAVY,
         color=BOARD_YELLOW, background=ON_TILE),
    rule("QLabel#RecentCounter", font_size=38, font_weight=BOLD, color=BOARD_WHITE,
         background=ON_TILE),
    rule("QFrame#RecentRow", border_bottom=(2, "solid", BOARD_TILE_BORDER), background=ON_TILE),
    rule("QFrame#WaitingChip", background=BOARD_TILE, border_radius=14),
    rule("QLabel#WaitingLetter", font_size=38, font_weight=HEAVY, color=BOARD_INK,
         background=BOARD_YELLOW, border_radius=10, min_width=56, max_width=56,
         min_height=56, max_height=56),
    rule("QLabel#WaitingCount", font_size=WAITING_COUNT_PX, font_weight=HEAVY,
         color=BOARD_WHITE, background=ON_TILE),
    rule('QLabel#WaitingCount[zero="yes"]', color=BOARD_MUTED_DARK),
    # No size here: WrapFitLabel sets it (a style-sheet size would override the fitted one).
    rule("QLabel#WaitingName", font_weight=SEMIBOLD, color=BOARD_MUTED, background=ON_TILE),
)
