"""Look of the ticket screen: colours, sizes and the Qt style sheet, scaled to the screen.

Sizes are designed for a 1366x768 landscape screen (scale 1.0) and grow with the shorter side
of the window, so a 1080x1920 portrait totem gets proportionally bigger type. No rule depends
on hover: a touchscreen has none. Every button is at least 80 px tall at scale 1.0.
"""

from __future__ import annotations

from kiosk.assets import FONT_FAMILY

BG = "#eef2f7"
SURFACE = "#ffffff"
NAVY = "#0a3a70"
NAVY_DARK = "#06264a"
NAVY_TINT = "#d3e2f5"
TEXT = "#0f1d33"
MUTED = "#4a5568"
RED = "#b3261e"
RED_TINT = "#fde8e6"
GREEN = "#1b6e3a"
GREEN_TINT = "#e3f4e8"
AMBER = "#f5b800"
AMBER_DARK = "#d99e00"
AMBER_TEXT = "#2b1d00"
DISABLED_BG = "#dfe4eb"
DISABLED_TEXT = "#5f6b7c"

MIN_BUTTON_PX = 80


def scale_for(width: int, height: int) -> float:
    """1.0 for 1366x768; bigger for bigger screens (by the shorter side), never below 0.7."""
    shorter = min(width, height)
    return round(max(0.7, min(1.8, shorter / 768)), 2)


def is_portrait(width: int, height: int) -> bool:
    return height > width


def stylesheet(scale: float) -> str:
    def px(value: float) -> str:
        return f"{max(1, round(value * scale))}px"

    # Buttons never shrink below MIN_BUTTON_PX, whatever the scale.
    def btn(value: float) -> str:
        return f"{max(MIN_BUTTON_PX, round(value * scale))}px"

    def circle(diameter: float) -> str:
        # Qt ignores a border-radius above half the side: derive both from one integer.
        side = round(diameter * scale)
        return (f"min-width: {side}px; max-width: {side}px; min-height: {side}px; "
                f"max-height: {side}px; border-radius: {side // 2}px;")

    return f"""
* {{
    font-family: "{FONT_FAMILY}";
    color: {TEXT};
}}
QWidget#TicketScreen, QStackedWidget, QWidget[role="page"] {{
    background: {BG};
}}
QFrame#Header {{
    background: {NAVY};
}}
QFrame#Header QLabel {{
    color: white;
    background: transparent;
}}
QLabel#OfficeName {{
    font-size: {px(26)};
    font-weight: 700;
}}
QLabel#Clock {{
    font-size: {px(36)};
    font-weight: 800;
}}
QLabel#ClockDate {{
    font-size: {px(18)};
    font-weight: 400;
}}
QPushButton[role="lang"] {{
    min-height: {btn(80)};
    min-width: {px(84)};
    font-size: {px(24)};
    font-weight: 700;
    color: white;
    background: {NAVY_DARK};
    border: {px(2)} solid #7f9cc2;
    border-radius: {px(10)};
    padding: 0 {px(10)};
}}
QPushButton[role="lang"]:checked {{
    background: white;
    color: {NAVY};
    border-color: white;
}}
QPushButton[role="lang"]:pressed {{
    background: {NAVY_TINT};
    color: {NAVY};
}}
QLabel#PageTitle {{
    font-size: {px(38)};
    font-weight: 800;
    color: {NAVY};
}}
QLabel#PageHint {{
    font-size: {px(22)};
    color: {MUTED};
}}
QPushButton[role="service"] {{
    background: {SURFACE};
    border: {px(3)} solid {NAVY};
    border-radius: {px(16)};
    min-height: {btn(120)};
}}
QPushButton[role="service"]:pressed {{
    background: {NAVY_TINT};
    border-width: {px(5)};
}}
QPushButton[role="service"]:disabled {{
    background: {DISABLED_BG};
    border-color: #b5bfcc;
}}
QLabel#ServiceLetter {{
    background: {NAVY};
    color: white;
    font-size: {px(34)};
    font-weight: 800;
    {circle(62)}
}}
QLabel#ServiceLetter:disabled {{
    background: #8c97a8;
}}
QLabel#ServiceName {{
    font-size: {px(25)};
    font-weight: 700;
    background: transparent;
}}
QLabel#ServiceName:disabled {{
    color: {DISABLED_TEXT};
}}
QLabel#ServiceWaiting {{
    font-size: {px(21)};
    font-weight: 600;
    color: {MUTED};
    background: transparent;
}}
QLabel#ServiceWaiting:disabled {{
    color: {RED};
}}
QPushButton[role="priority"] {{
    min-height: {btn(84)};
    background: {AMBER};
    border: {px(3)} solid {AMBER_DARK};
    border-radius: {px(16)};
}}
QLabel#PriorityTitle {{
    font-size: {px(30)};
    font-weight: 800;
    color: {AMBER_TEXT};
    background: transparent;
}}
QLabel#PrioritySubtitle {{
    font-size: {px(21)};
    font-weight: 600;
    color: {AMBER_TEXT};
    background: transparent;
}}
QPushButton[role="priority"]:pressed {{
    background: {AMBER_DARK};
}}
QPushButton[role="priority"]:disabled {{
    background: {DISABLED_BG};
    border-color: #b5bfcc;
}}
QLabel#PriorityTitle:disabled, QLabel#PrioritySubtitle:disabled {{
    color: {DISABLED_TEXT};
}}
QPushButton[role="category"] {{
    min-height: {btn(130)};
    background: #fff6d6;
    border: {px(4)} solid {AMBER};
    border-radius: {px(18)};
}}
QLabel#CategoryTitle {{
    font-size: {px(34)};
    font-weight: 800;
    color: {AMBER_TEXT};
    background: transparent;
}}
QPushButton[role="category"]:pressed {{
    background: {AMBER};
}}
QPushButton[role="secondary"] {{
    min-height: {btn(88)};
    min-width: {px(220)};
    font-size: {px(28)};
    font-weight: 700;
    color: {NAVY};
    background: {SURFACE};
    border: {px(3)} solid {NAVY};
    border-radius: {px(16)};
    padding: 0 {px(24)};
}}
QPushButton[role="secondary"]:pressed {{
    background: {NAVY_TINT};
}}
QPushButton[role="secondary"]:disabled {{
    color: {DISABLED_TEXT};
    background: {DISABLED_BG};
    border-color: #b5bfcc;
}}
QPushButton[role="primary"] {{
    min-height: {btn(88)};
    min-width: {px(220)};
    font-size: {px(30)};
    font-weight: 800;
    color: white;
    background: {NAVY};
    border: {px(3)} solid {NAVY_DARK};
    border-radius: {px(16)};
    padding: 0 {px(24)};
}}
QPushButton[role="primary"]:pressed {{
    background: {NAVY_DARK};
}}
QFrame#PriorityBanner {{
    background: #fff6d6;
    border: {px(3)} solid {AMBER};
    border-radius: {px(14)};
}}
QLabel#PriorityBannerText {{
    font-size: {px(26)};
    font-weight: 700;
    color: {AMBER_TEXT};
    background: transparent;
}}
QLabel#ErrorBanner {{
    font-size: {px(24)};
    font-weight: 700;
    color: {RED};
    background: {RED_TINT};
    border: {px(2)} solid {RED};
    border-radius: {px(12)};
    padding: {px(10)} {px(16)};
}}
QFrame#TicketCard {{
    background: {SURFACE};
    border: {px(3)} solid {NAVY};
    border-radius: {px(24)};
}}
QFrame#TicketCard QLabel {{
    background: transparent;
}}
QLabel#NumberCaption {{
    font-size: {px(30)};
    font-weight: 600;
    color: {MUTED};
}}
QLabel#TicketNumber {{
    font-size: {px(190)};
    font-weight: 800;
    color: {NAVY};
}}
QFrame#TicketCard QLabel#PriorityMark {{
    font-size: {px(26)};
    font-weight: 800;
    color: {AMBER_TEXT};
    background: {AMBER};
    border-radius: {px(12)};
    padding: {px(6)} {px(18)};
}}
QLabel#TicketService {{
    font-size: {px(28)};
    font-weight: 700;
}}
QLabel#PeopleAhead {{
    font-size: {px(30)};
    font-weight: 700;
}}
QLabel#IssuedAt {{
    font-size: {px(24)};
    color: {MUTED};
}}
QLabel#PrintStatus {{
    font-size: {px(30)};
    font-weight: 800;
    border-radius: {px(12)};
    padding: {px(12)} {px(16)};
}}
QLabel#PrintStatus[state="printing"] {{
    color: {NAVY};
    background: {NAVY_TINT};
}}
QLabel#PrintStatus[state="printed"] {{
    color: {GREEN};
    background: {GREEN_TINT};
}}
QLabel#PrintStatus[state="failed"] {{
    color: {RED};
    background: {RED_TINT};
    border: {px(3)} solid {RED};
}}
QLabel#PrintDetail {{
    font-size: {px(20)};
    color: {MUTED};
}}
QLabel#Countdown {{
    font-size: {px(22)};
    color: {MUTED};
}}
QFrame#NoticeCard {{
    background: {SURFACE};
    border: {px(4)} solid {RED};
    border-radius: {px(24)};
}}
QFrame#NoticeCard QLabel {{
    background: transparent;
}}
QFrame#NoticeCard QLabel#NoticeIcon {{
    font-size: {px(90)};
    font-weight: 800;
    color: white;
    background: {RED};
    {circle(130)}
}}
QLabel#NoticeTitle {{
    font-size: {px(44)};
    font-weight: 800;
    color: {RED};
}}
QLabel#NoticeBody {{
    font-size: {px(32)};
    font-weight: 600;
}}
QLabel#NoticeFooter {{
    font-size: {px(22)};
    color: {MUTED};
}}
"""
