"""Look of the office window: the ticket screen's colours, desk-sized type.

The head of office reads it at a desk on a 1366x768 laptop or bigger: 14 px body type at
1366x768, a little more on 1920x1080, figures in the tiles large enough to read across a desk.
"""

from __future__ import annotations

from kiosk.assets import FONT_FAMILY
from kiosk.ui.style import BG, MUTED, NAVY, NAVY_DARK, NAVY_TINT, RED, RED_TINT, SURFACE, TEXT

BORDER = "#c5cfdc"


def scale_for(width: int, height: int) -> float:
    """1.0 at 1366x768, about 1.12 at 1920x1080; between 0.9 and 1.3."""
    by = min(width / 1366, height / 768)
    return round(max(0.9, min(1.3, 1 + (by - 1) * 0.3)), 2)


def stylesheet(scale: float) -> str:
    def px(value: float) -> str:
        return f"{max(1, round(value * scale))}px"

    return f"""
* {{
    font-family: "{FONT_FAMILY}";
    font-size: {px(14)};
    color: {TEXT};
}}
QMainWindow, QWidget#OfficeRoot {{
    background: {BG};
}}
QFrame#TopBar {{
    background: {NAVY};
}}
QFrame#TopBar QLabel {{
    color: white;
    background: transparent;
}}
QLabel#AppTitle {{
    font-size: {px(18)};
    font-weight: 700;
}}
QLabel#OfficeName {{
    font-size: {px(13)};
    color: #d7e3f4;
}}
QPushButton[role="export"] {{
    color: {NAVY};
    background: white;
    border: 1px solid white;
    border-radius: {px(6)};
    padding: {px(5)} {px(14)};
    font-weight: 700;
}}
QPushButton[role="export"]:pressed {{
    background: {NAVY_TINT};
}}
QPushButton[role="export"]:disabled {{
    color: #8fa3bf;
    background: {NAVY_DARK};
    border-color: #4d6f99;
}}
QFrame#RangeBar {{
    background: {SURFACE};
    border-bottom: 1px solid {BORDER};
}}
QPushButton[role="range"] {{
    background: {SURFACE};
    border: 1px solid {BORDER};
    border-radius: {px(6)};
    padding: {px(5)} {px(12)};
    font-weight: 600;
}}
QPushButton[role="range"]:checked {{
    color: white;
    background: {NAVY};
    border-color: {NAVY};
}}
QPushButton[role="range"]:pressed {{
    background: {NAVY_TINT};
}}
QDateEdit {{
    background: {SURFACE};
    border: 1px solid {BORDER};
    border-radius: {px(5)};
    padding: {px(3)} {px(6)};
    min-width: {px(118)};
}}
QDateEdit:disabled {{
    color: {MUTED};
    background: #f1f4f8;
}}
QLabel#Period {{
    font-size: {px(15)};
    font-weight: 700;
    color: {NAVY};
}}
QLabel#Status {{
    color: {MUTED};
}}
QLabel#Status[state="error"] {{
    color: {RED};
    background: {RED_TINT};
    border-radius: {px(4)};
    padding: {px(2)} {px(8)};
}}
QFrame[role="tile"] {{
    background: {SURFACE};
    border: 1px solid {BORDER};
    border-left: {px(5)} solid {NAVY};
    border-radius: {px(8)};
}}
QFrame[role="tile"] QLabel {{
    background: transparent;
}}
QLabel[role="tileCaption"] {{
    font-size: {px(13)};
    font-weight: 600;
    color: {MUTED};
}}
QLabel[role="tileValue"] {{
    font-size: {px(27)};
    font-weight: 800;
    color: {NAVY};
}}
QLabel[role="tileNote"] {{
    font-size: {px(12)};
    color: {MUTED};
}}
QChartView {{
    background: transparent;
    border: 1px solid {BORDER};
    border-radius: {px(8)};
}}
QTabWidget::pane {{
    background: {SURFACE};
    border: 1px solid {BORDER};
    border-radius: {px(6)};
    top: -1px;
}}
QTabBar::tab {{
    background: #e2e8f0;
    border: 1px solid {BORDER};
    border-bottom: none;
    border-top-left-radius: {px(6)};
    border-top-right-radius: {px(6)};
    padding: {px(5)} {px(14)};
    margin-right: {px(3)};
    font-weight: 600;
    color: {MUTED};
}}
QTabBar::tab:selected {{
    background: {SURFACE};
    color: {NAVY};
}}
QTableWidget {{
    background: {SURFACE};
    alternate-background-color: #f4f7fb;
    gridline-color: #e3e8ef;
    border: none;
    font-size: {px(13)};
}}
QHeaderView::section {{
    background: #eef2f7;
    color: {TEXT};
    font-weight: 700;
    font-size: {px(12)};
    border: none;
    border-right: 1px solid {BORDER};
    border-bottom: 1px solid {BORDER};
    padding: {px(3)} {px(4)};
}}
"""
