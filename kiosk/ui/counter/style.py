"""Look of the counter window: the ticket screen's colours, desk-sized type.

A clerk sits half a metre from a 1366x768 screen and works with keyboard and scanner all day:
type is smaller than on the touch kiosk (15 px at 1366x768) but never below what reads
comfortably, grows a little on 1920x1080, and the focused field is always clearly marked.
"""

from __future__ import annotations

from kiosk.assets import FONT_FAMILY
from kiosk.ui.style import (
    AMBER,
    AMBER_TEXT,
    BG,
    DISABLED_BG,
    DISABLED_TEXT,
    GREEN,
    GREEN_TINT,
    MUTED,
    NAVY,
    NAVY_DARK,
    NAVY_TINT,
    RED,
    RED_TINT,
    SURFACE,
    TEXT,
)

BASE_FONT_PX = 15
BORDER = "#b8c3d3"
AMBER_TINT = "#fff4cc"


def scale_for(width: int, height: int) -> float:
    """1.0 at 1366x768, about 1.13 at 1920x1080; never below 0.9 or above 1.3."""
    by_height = height / 768
    by_width = width / 1366
    return round(max(0.9, min(1.3, 1 + (min(by_height, by_width) - 1) * 0.3)), 2)


def font_px(scale: float) -> int:
    return round(BASE_FONT_PX * scale)


def stylesheet(scale: float) -> str:
    def px(value: float) -> str:
        return f"{max(1, round(value * scale))}px"

    return f"""
* {{
    font-family: "{FONT_FAMILY}";
    font-size: {px(15)};
    color: {TEXT};
}}
QMainWindow, QWidget#CounterRoot, QStackedWidget, QWidget[role="page"] {{
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
    font-size: {px(17)};
    font-weight: 700;
}}
QLabel#OfficeName {{
    font-size: {px(13)};
    color: #d7e3f4;
}}
QPushButton[role="tab"] {{
    color: white;
    background: {NAVY_DARK};
    border: 1px solid #4d6f99;
    border-radius: {px(6)};
    padding: {px(6)} {px(12)};
    font-weight: 600;
}}
QPushButton[role="tab"]:checked {{
    background: white;
    color: {NAVY};
    border-color: white;
}}
QPushButton[role="tab"]:focus {{
    border: 2px solid {AMBER};
}}
QFrame#TopBar QLineEdit {{
    background: white;
    min-width: {px(180)};
}}
QFrame[role="card"] {{
    background: {SURFACE};
    border: 1px solid {BORDER};
    border-radius: {px(8)};
}}
QFrame[role="card"] QLabel {{
    background: transparent;
}}
QLabel[role="cardTitle"] {{
    font-size: {px(16)};
    font-weight: 700;
    color: {NAVY};
}}
QLabel[role="fieldLabel"] {{
    color: {MUTED};
    font-weight: 600;
}}
QLabel[role="value"] {{
    font-weight: 600;
}}
QLabel[role="hint"] {{
    color: {MUTED};
    font-size: {px(13)};
}}
QLineEdit, QPlainTextEdit {{
    background: white;
    border: 1px solid {BORDER};
    border-radius: {px(4)};
    padding: {px(4)} {px(6)};
    selection-background-color: {NAVY};
    selection-color: white;
}}
QComboBox, QSpinBox, QDateEdit {{
    padding: {px(3)} {px(6)};
}}
QLineEdit:focus, QPlainTextEdit:focus {{
    border: 2px solid {NAVY};
    background: #fbfdff;
}}
QLineEdit[filled="scan"] {{
    background: {GREEN_TINT};
}}
QLineEdit:read-only {{
    background: #f3f5f8;
}}
QCheckBox {{
    spacing: {px(8)};
}}
QScrollArea, QWidget#DocumentsInner {{
    background: white;
}}
QCheckBox::indicator {{
    width: {px(18)};
    height: {px(18)};
}}
QCheckBox:focus {{
    background: {NAVY_TINT};
    border-radius: {px(4)};
}}
QListView, QTableWidget, QTableView {{
    background: white;
    border: 1px solid {BORDER};
    border-radius: {px(4)};
    selection-background-color: {NAVY};
    selection-color: white;
    gridline-color: #e1e6ee;
}}
QListView::item {{
    padding: {px(4)} {px(6)};
    border-bottom: 1px solid #edf0f5;
}}
QListView::item:selected {{
    background: {NAVY};
    color: white;
}}
QListView::item:selected:!focus {{
    background: {NAVY_TINT};
    color: {TEXT};
}}
QListView:focus, QTableWidget:focus, QTableView:focus {{
    border: 2px solid {NAVY};
}}
QHeaderView::section {{
    background: #e8edf4;
    color: {TEXT};
    font-weight: 700;
    border: none;
    border-right: 1px solid {BORDER};
    border-bottom: 1px solid {BORDER};
    padding: {px(4)} {px(6)};
}}
QPushButton {{
    background: white;
    color: {NAVY};
    border: 1px solid {NAVY};
    border-radius: {px(6)};
    padding: {px(6)} {px(14)};
    font-weight: 600;
    min-height: {px(22)};
}}
QPushButton:focus {{
    border: 2px solid {AMBER};
}}
QPushButton:pressed {{
    background: {NAVY_TINT};
}}
QPushButton:disabled {{
    color: {DISABLED_TEXT};
    background: {DISABLED_BG};
    border-color: #c5ccd6;
}}
QPushButton[role="primary"] {{
    background: {NAVY};
    color: white;
    border-color: {NAVY_DARK};
    font-weight: 700;
}}
QPushButton[role="primary"]:pressed {{
    background: {NAVY_DARK};
}}
QPushButton[role="primary"]:disabled {{
    color: {DISABLED_TEXT};
    background: {DISABLED_BG};
}}
QPushButton[role="danger"] {{
    color: {RED};
    border-color: {RED};
}}
QFrame#Banner {{
    border-radius: {px(6)};
}}
QFrame#Banner[level="error"] {{
    background: {RED_TINT};
    border: 2px solid {RED};
}}
QFrame#Banner[level="warning"] {{
    background: {AMBER_TINT};
    border: 2px solid {AMBER};
}}
QFrame#Banner[level="info"] {{
    background: {GREEN_TINT};
    border: 2px solid {GREEN};
}}
QFrame#Banner QLabel {{
    background: transparent;
    font-weight: 600;
}}
QFrame#Banner[level="error"] QLabel#BannerText {{
    color: {RED};
}}
QFrame#Banner[level="warning"] QLabel#BannerText {{
    color: {AMBER_TEXT};
}}
QFrame#Banner[level="info"] QLabel#BannerText {{
    color: {GREEN};
}}
QLabel#BannerIcon {{
    font-size: {px(20)};
    font-weight: 800;
}}
QLabel#Appointment {{
    font-size: {px(17)};
    font-weight: 700;
    color: {GREEN};
}}
QLabel#ProcedureName {{
    font-size: {px(16)};
    font-weight: 700;
    color: {NAVY};
}}
QFrame#ResultBox {{
    background: #f4f7fb;
    border: 1px solid {BORDER};
    border-radius: {px(6)};
}}
QFrame#ResultBox QLabel {{
    background: transparent;
}}
QLabel#SavedCode {{
    font-size: {px(18)};
    font-weight: 800;
    color: {NAVY};
}}
QLabel[state="ok"] {{
    color: {GREEN};
    font-weight: 700;
}}
QLabel[state="busy"] {{
    color: {NAVY};
    font-weight: 700;
}}
QLabel[state="failed"] {{
    color: {RED};
    font-weight: 700;
}}
QLabel[state="muted"] {{
    color: {MUTED};
}}
QLabel#StatusBadge {{
    font-weight: 700;
    border-radius: {px(4)};
    padding: {px(3)} {px(10)};
    color: white;
    background: {NAVY};
}}
QLabel#StatusBadge[tone="done"] {{
    background: {GREEN};
}}
QLabel#StatusBadge[tone="stopped"] {{
    background: {RED};
}}
QLabel#StatusBadge[tone="waiting"] {{
    background: {AMBER};
    color: {AMBER_TEXT};
}}
QLabel#Timeliness[tone="late"] {{
    color: {RED};
    font-weight: 700;
}}
QLabel#Timeliness[tone="ok"] {{
    color: {GREEN};
    font-weight: 700;
}}
QFrame#ConfirmPanel {{
    background: {AMBER_TINT};
    border: 2px solid {AMBER};
    border-radius: {px(6)};
}}
QFrame#ConfirmPanel QLabel {{
    background: transparent;
    font-weight: 700;
}}
QFrame#StatusLine {{
    background: #dfe6ef;
    border-top: 1px solid {BORDER};
}}
QFrame#StatusLine QLabel {{
    font-size: {px(13)};
    background: transparent;
}}
QLabel#ShortcutHint {{
    color: {MUTED};
}}
QFrame#CallingBar {{
    background: {SURFACE};
    border-bottom: 1px solid {BORDER};
}}
QFrame#CallingBar QLabel {{
    background: transparent;
}}
QLabel#CallCounter {{
    font-size: {px(13)};
    font-weight: 700;
    color: {MUTED};
}}
QFrame#CallingBar QLabel#CallNumber {{
    font-size: {px(30)};
    font-weight: 800;
    color: {NAVY};
    background: {NAVY_TINT};
    border-radius: {px(6)};
    padding: 0 {px(10)};
}}
QFrame#CallingBar QLabel#CallNumber[state="idle"] {{
    color: {MUTED};
    background: {BG};
}}
QLabel#CallService {{
    font-weight: 700;
}}
QLabel#CallWait {{
    color: {MUTED};
    font-size: {px(13)};
}}
QLabel#CallWaiting {{
    color: {NAVY};
    font-size: {px(13)};
    font-weight: 600;
}}
QLabel#CallConnection {{
    background: {RED_TINT};
    color: {RED};
    border: 2px solid {RED};
    border-radius: {px(6)};
    padding: {px(3)} {px(8)};
    font-weight: 700;
}}
QLabel#CallMessage {{
    color: {AMBER_TEXT};
    font-weight: 600;
}}
QPushButton#FinishButton {{
    color: {GREEN};
    border-color: {GREEN};
    font-weight: 700;
}}
QPushButton#FinishButton:disabled {{
    color: {DISABLED_TEXT};
    border-color: #c5ccd6;
}}
QLabel#CameraPreview {{
    background: #1b2430;
    color: white;
    border-radius: {px(6)};
}}
"""
