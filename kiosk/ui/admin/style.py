"""Look of the technician screens (set-up wizard, PIN pad, admin view): the kiosk's colours,
touch-sized controls (every button and field at least 56 px tall at 1366x768, PIN keys 72 px)
and type a technician reads at arm's length from a kiosk touchscreen."""

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

BORDER = "#b8c3d3"
AMBER_TINT = "#fff4cc"
MONO_FAMILY = "DejaVu Sans Mono, Consolas, monospace"


def stylesheet(scale: float = 1.0) -> str:
    def px(value: float) -> str:
        return f"{max(1, round(value * scale))}px"

    return f"""
* {{
    font-family: "{FONT_FAMILY}";
    font-size: {px(18)};
    color: {TEXT};
}}
QWidget#TechRoot, QWidget[role="page"], QStackedWidget#Pages, QScrollArea#PageScroll,
QScrollArea#PageScroll > QWidget > QWidget {{
    background: {BG};
}}
QFrame#TechHeader {{
    background: {NAVY};
}}
QFrame#TechHeader QLabel {{
    color: white;
    background: transparent;
}}
QLabel#TechTitle {{
    font-size: {px(24)};
    font-weight: 800;
}}
QLabel#TechSubtitle {{
    font-size: {px(16)};
    color: #d3e2f5;
}}
QLabel#StepLabel {{
    font-size: {px(16)};
    font-weight: 700;
    color: {NAVY_TINT};
}}
QFrame#StepBar QLabel {{
    font-size: {px(14)};
    font-weight: 600;
    color: {MUTED};
    background: {DISABLED_BG};
    border-radius: {px(6)};
    padding: {px(4)} {px(8)};
}}
QFrame#StepBar QLabel[state="done"] {{
    color: {GREEN};
    background: {GREEN_TINT};
}}
QFrame#StepBar QLabel[state="current"] {{
    color: white;
    background: {NAVY};
}}
QFrame#StepBar QLabel[state="skipped"] {{
    color: #8c97a8;
    background: transparent;
}}
QLabel#PageTitle {{
    font-size: {px(30)};
    font-weight: 800;
    color: {NAVY};
}}
QLabel#PageHint, QLabel[role="hint"] {{
    font-size: {px(17)};
    color: {MUTED};
}}
QLabel[role="fieldLabel"] {{
    font-size: {px(18)};
    font-weight: 700;
}}
QLabel[role="doc"] {{
    font-size: {px(14)};
    color: {MUTED};
}}
QLabel[role="key"] {{
    font-size: {px(16)};
    font-weight: 700;
    color: {NAVY_DARK};
}}
QLineEdit, QSpinBox, QDoubleSpinBox, QComboBox {{
    min-height: {px(52)};
    padding: 0 {px(12)};
    background: {SURFACE};
    border: {px(2)} solid {BORDER};
    border-radius: {px(8)};
    font-size: {px(20)};
}}
QLineEdit:focus, QSpinBox:focus, QDoubleSpinBox:focus, QComboBox:focus {{
    border: {px(3)} solid {NAVY};
}}
QLineEdit[invalid="true"], QSpinBox[invalid="true"], QComboBox[invalid="true"] {{
    border: {px(3)} solid {RED};
    background: {RED_TINT};
}}
QLineEdit:read-only {{
    background: {DISABLED_BG};
}}
QSpinBox::up-button, QSpinBox::down-button, QDoubleSpinBox::up-button,
QDoubleSpinBox::down-button {{
    width: {px(40)};
}}
QCheckBox, QRadioButton {{
    min-height: {px(48)};
    font-size: {px(18)};
    spacing: {px(12)};
}}
QCheckBox::indicator, QRadioButton::indicator {{
    width: {px(30)};
    height: {px(30)};
}}
QPushButton {{
    min-height: {px(56)};
    padding: 0 {px(22)};
    font-size: {px(19)};
    font-weight: 700;
    color: {NAVY};
    background: {SURFACE};
    border: {px(2)} solid {NAVY};
    border-radius: {px(10)};
}}
QPushButton:pressed, QPushButton:checked {{
    background: {NAVY_TINT};
}}
QPushButton:focus {{
    border: {px(3)} solid {NAVY_DARK};
}}
QPushButton:disabled {{
    color: {DISABLED_TEXT};
    background: {DISABLED_BG};
    border-color: #b5bfcc;
}}
QPushButton[role="primary"] {{
    min-height: {px(64)};
    min-width: {px(200)};
    font-size: {px(22)};
    font-weight: 800;
    color: white;
    background: {NAVY};
    border: {px(2)} solid {NAVY_DARK};
}}
QPushButton[role="primary"]:pressed {{
    background: {NAVY_DARK};
}}
QPushButton[role="primary"]:disabled {{
    color: {DISABLED_TEXT};
    background: {DISABLED_BG};
    border-color: #b5bfcc;
}}
QPushButton[role="secondary"] {{
    min-height: {px(64)};
    min-width: {px(160)};
    font-size: {px(20)};
}}
QPushButton[role="danger"] {{
    min-height: {px(64)};
    color: white;
    background: {RED};
    border: {px(2)} solid #7f1a14;
}}
QPushButton[role="danger"]:pressed {{
    background: #7f1a14;
}}
QPushButton[role="choice"] {{
    min-height: {px(96)};
    text-align: left;
    padding: {px(10)} {px(20)};
    font-size: {px(21)};
    font-weight: 800;
    color: {NAVY};
    border: {px(3)} solid {BORDER};
    border-radius: {px(14)};
}}
QPushButton[role="choice"]:checked {{
    background: {NAVY_TINT};
    border: {px(4)} solid {NAVY};
}}
QLabel#ChoiceTitle {{
    font-size: {px(22)};
    font-weight: 800;
    color: {NAVY};
    background: transparent;
}}
QLabel#ChoiceDetail {{
    font-size: {px(17)};
    font-weight: 400;
    color: {MUTED};
    background: transparent;
}}
QPushButton[role="pinkey"] {{
    min-height: {px(72)};
    min-width: {px(96)};
    font-size: {px(32)};
    font-weight: 800;
    border-radius: {px(14)};
}}
QPushButton[role="pinfn"] {{
    min-height: {px(72)};
    min-width: {px(96)};
    font-size: {px(19)};
    border-radius: {px(14)};
}}
QPushButton[role="pinok"] {{
    min-height: {px(72)};
    min-width: {px(96)};
    font-size: {px(24)};
    font-weight: 800;
    color: white;
    background: {NAVY};
    border: {px(2)} solid {NAVY_DARK};
    border-radius: {px(14)};
}}
QPushButton[role="pinok"]:pressed {{
    background: {NAVY_DARK};
}}
QLineEdit#PinDisplay {{
    min-height: {px(64)};
    font-size: {px(36)};
    font-weight: 800;
    letter-spacing: {px(8)};
    qproperty-alignment: AlignCenter;
}}
QListWidget, QTableWidget, QPlainTextEdit, QTreeWidget {{
    background: {SURFACE};
    border: {px(2)} solid {BORDER};
    border-radius: {px(8)};
    font-size: {px(17)};
}}
QListWidget::item {{
    min-height: {px(52)};
    padding: {px(4)} {px(10)};
    border-bottom: 1px solid #e3e8ef;
}}
QListWidget::item:selected, QTableWidget::item:selected {{
    background: {NAVY_TINT};
    color: {TEXT};
}}
QListWidget#SectionList::item {{
    min-height: {px(44)};
    font-weight: 700;
}}
QHeaderView::section {{
    background: {DISABLED_BG};
    font-size: {px(15)};
    font-weight: 700;
    padding: {px(6)};
    border: none;
}}
QTableWidget {{
    gridline-color: #e3e8ef;
}}
QPlainTextEdit#LogView {{
    font-family: {MONO_FAMILY};
    font-size: {px(14)};
}}
QTabWidget::pane {{
    border: none;
    background: {BG};
}}
QTabBar::tab {{
    min-height: {px(52)};
    min-width: {px(120)};
    padding: 0 {px(18)};
    font-size: {px(18)};
    font-weight: 700;
    color: {MUTED};
    background: {DISABLED_BG};
    border-top-left-radius: {px(10)};
    border-top-right-radius: {px(10)};
    margin-right: {px(4)};
}}
QTabBar::tab:selected {{
    color: white;
    background: {NAVY};
}}
QGroupBox {{
    font-size: {px(19)};
    font-weight: 800;
    color: {NAVY};
    background: {SURFACE};
    border: {px(2)} solid {BORDER};
    border-radius: {px(12)};
    margin-top: {px(16)};
    padding: {px(18)} {px(14)} {px(12)} {px(14)};
}}
QGroupBox::title {{
    subcontrol-origin: margin;
    left: {px(14)};
    padding: 0 {px(6)};
}}
QLabel[tone="ok"] {{
    color: {GREEN};
    background: {GREEN_TINT};
    border-radius: {px(8)};
    font-weight: 700;
}}
QLabel[tone="error"] {{
    color: {RED};
    background: {RED_TINT};
    border: {px(2)} solid {RED};
    border-radius: {px(8)};
    font-weight: 700;
}}
QLabel[tone="warn"] {{
    color: {AMBER_TEXT};
    background: {AMBER_TINT};
    border: {px(2)} solid {AMBER};
    border-radius: {px(8)};
    font-weight: 700;
}}
QLabel[tone="busy"] {{
    color: {NAVY};
    background: {NAVY_TINT};
    border-radius: {px(8)};
    font-weight: 700;
}}
QLabel[chip="PASS"], QLabel[chip="FAIL"], QLabel[chip="WARN"], QLabel[chip="SKIP"],
QFrame#Card QLabel[chip="PASS"], QFrame#Card QLabel[chip="FAIL"],
QFrame#Card QLabel[chip="WARN"], QFrame#Card QLabel[chip="SKIP"] {{
    font-size: {px(15)};
    font-weight: 800;
    border-radius: {px(6)};
    padding: {px(4)} {px(8)};
    min-width: {px(56)};
    qproperty-alignment: AlignCenter;
}}
QLabel[chip="PASS"], QFrame#Card QLabel[chip="PASS"] {{ color: {GREEN}; background: {GREEN_TINT}; }}
QLabel[chip="FAIL"], QFrame#Card QLabel[chip="FAIL"] {{ color: white; background: {RED}; }}
QLabel[chip="WARN"], QFrame#Card QLabel[chip="WARN"] {{ color: {AMBER_TEXT}; background: {AMBER}; }}
QLabel[chip="SKIP"], QFrame#Card QLabel[chip="SKIP"] {{
    color: {MUTED};
    background: {DISABLED_BG};
}}
QFrame#Card {{
    background: {SURFACE};
    border: {px(2)} solid {BORDER};
    border-radius: {px(12)};
}}
QFrame#Card QLabel {{
    background: transparent;
}}
QFrame#NavBar {{
    background: {SURFACE};
    border-top: {px(2)} solid {BORDER};
}}
QDialog#PinDialog {{
    background: {BG};
    border: {px(4)} solid {NAVY};
    border-radius: {px(16)};
}}
"""


def set_tone(label, tone: str | None, text: str) -> None:
    """Show `text` in a status label coloured by `tone` (ok, error, warn, busy; None hides)."""
    label.setProperty("tone", tone or "")
    # Contents margins, not CSS padding: a wrapped label's height only counts the former.
    margin = 12 if tone else 0
    label.setContentsMargins(margin, margin // 2 + 2, margin, margin // 2 + 2)
    label.setText(text)
    label.setVisible(bool(text))
    label.style().unpolish(label)
    label.style().polish(label)


def mark_invalid(widget, invalid: bool) -> None:
    widget.setProperty("invalid", "true" if invalid else "false")
    widget.style().unpolish(widget)
    widget.style().polish(widget)
