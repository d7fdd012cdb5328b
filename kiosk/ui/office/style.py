"""The office window's look, declared for kiosk/ui/theme.py: the kiosk's colours, desk-sized
type.

The head of office reads it at a desk on a 1366x768 laptop or bigger: 14 px body type at
1366x768, a little more on 1920x1080 (the scale follows the screen by 0.3), figures in the
tiles large enough to read across a desk.
"""

from __future__ import annotations

from kiosk.ui.counter.style import DUE_RULES
from kiosk.ui.theme import (
    BG,
    BOLD,
    GREEN,
    HEAVY,
    MUTED,
    NAVY,
    NAVY_DARK,
    NAVY_TINT,
    ON_NAVY_MUTED,
    RED,
    RED_TINT,
    SEMIBOLD,
    SURFACE,
    TEXT,
    Design,
    TypeScale,
    banner,
    bar,
    base,
    panel,
    rule,
    states,
    station,
    tone,
    tones,
)

DESIGN = Design(1366, 768, follow=0.3, smallest=0.9, largest=1.3)
TYPE = TypeScale(body=14, small=13, title=18, heading=15, display=27)
BORDER = "#c5cfdc"
LINE = ("1px", "solid", BORDER)

OFFICE = station(
    "office", DESIGN, TYPE,
    base(TYPE),
    rule("QMainWindow, QWidget#OfficeRoot", background=BG),
    bar("QFrame#TopBar"),
    rule("QLabel#AppTitle", font_size=TYPE.title, font_weight=BOLD),
    rule("QLabel#OfficeName", font_size=TYPE.small, color=ON_NAVY_MUTED),
    states('QPushButton[role="export"]',
           dict(color=NAVY, background="white", border=("1px", "solid", "white"),
                border_radius=6, padding=(5, 14), font_weight=BOLD),
           pressed=dict(background=NAVY_TINT),
           disabled=dict(color="#8fa3bf", background=NAVY_DARK, border_color="#4d6f99")),
    rule("QFrame#RangeBar", background=SURFACE, border_bottom=LINE),
    states('QPushButton[role="range"]',
           dict(background=SURFACE, border=LINE, border_radius=6, padding=(5, 12),
                font_weight=SEMIBOLD),
           checked=dict(color="white", background=NAVY, border_color=NAVY),
           pressed=dict(background=NAVY_TINT)),
    states("QDateEdit",
           dict(background=SURFACE, border=LINE, border_radius=5, padding=(3, 6),
                min_width=118),
           disabled=dict(color=MUTED, background="#f1f4f8")),
    rule("QLabel#Period", font_size=TYPE.heading, font_weight=BOLD, color=NAVY),
    # The status line under the range bar: loading, or what went wrong.
    rule("QLabel#Status", color=MUTED),
    rule('QLabel#Status[state="error"]', **tone(RED, RED_TINT), border_radius=4,
         padding=(2, 8)),
    panel('QFrame[role="tile"]', background=SURFACE, border=LINE,
          border_left=(5, "solid", NAVY), border_radius=8),
    rule('QLabel[role="tileCaption"]', font_size=TYPE.small, font_weight=SEMIBOLD,
         color=MUTED),
    rule('QLabel[role="tileValue"]', font_size=TYPE.display, font_weight=HEAVY, color=NAVY),
    rule('QLabel[role="tileNote"]', font_size=12, color=MUTED),
    rule("QChartView", background="transparent", border=LINE, border_radius=8),
    rule("QTabWidget::pane", background=SURFACE, border=LINE, border_radius=6, top="-1px"),
    states("QTabBar::tab",
           dict(background="#e2e8f0", border=LINE, border_bottom="none",
                border_top_left_radius=6, border_top_right_radius=6, padding=(5, 14),
                margin_right=3, font_weight=SEMIBOLD, color=MUTED),
           selected=dict(background=SURFACE, color=NAVY)),
    rule("QTableWidget", background=SURFACE, alternate_background_color="#f4f7fb",
         gridline_color="#e3e8ef", border="none", font_size=TYPE.small),
    # Above the results tables: which Decision 766 group their figures feed.
    rule("QLabel#IndicatorNote", font_size=12, color=MUTED, padding=(4, 8)),
    rule("QHeaderView::section", background=BG, color=TEXT, font_weight=BOLD, font_size=12,
         border="none", border_right=LINE, border_bottom=LINE, padding=(3, 4)),
    # The due list's tab and its reminder banner (kiosk/ui/due_panel.py, widgets.Banner).
    *DUE_RULES,
    rule('QWidget#DuePanel QLabel[role="cardTitle"]', font_size=TYPE.heading,
         font_weight=BOLD, color=NAVY),
    tones("QLabel", "state", {
        "ok": tone(GREEN, font_weight=BOLD),
        "busy": tone(NAVY, font_weight=BOLD),
        "failed": tone(RED, font_weight=BOLD),
        "muted": tone(MUTED),
    }),
    tones("QLabel#Timeliness", "tone", {
        "late": tone(RED, font_weight=BOLD),
        "ok": tone(GREEN, font_weight=BOLD),
    }),
    banner(18),
    # A petition opened from its tab (kiosk/ui/office/petition_case.py).
    rule("QDialog#PetitionCase", background=SURFACE),
    rule("QLabel#CaseHeading", font_size=TYPE.title, font_weight=BOLD, color=NAVY),
    rule('QLabel[role="caseCaption"]', color=MUTED, font_weight=SEMIBOLD),
    rule("QLabel#CaseText", font_weight=SEMIBOLD),
    panel("QFrame#CaseActions", background=BG, border=LINE, border_radius=6),
    rule("QDialog#PetitionCase QPlainTextEdit, QDialog#PetitionCase QComboBox",
         background="white", border=LINE, border_radius=4, padding=(3, 6)),
    states('QPushButton[role="caseAction"]',
           dict(color=NAVY, background="white", border=("1px", "solid", NAVY),
                border_radius=6, padding=(5, 14), font_weight=SEMIBOLD),
           pressed=dict(background=NAVY_TINT),
           disabled=dict(color=MUTED, background="#f1f4f8", border_color=BORDER)),
    rule("QLabel#PetitionHint", color=MUTED, font_size=TYPE.small),
)
