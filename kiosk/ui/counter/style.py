"""The counter window's look, declared for kiosk/ui/theme.py: the kiosk's colours,
desk-sized type.

A clerk sits half a metre from a 1366x768 screen and works with keyboard and scanner all day:
type is smaller than on the touch kiosk (15 px at 1366x768) but never below what reads
comfortably, grows a little on 1920x1080 (the scale follows the screen by 0.3), and the
focused field is always clearly marked. Hairlines stay 1 px at every scale.
"""

from __future__ import annotations

from kiosk.ui.theme import (
    AMBER,
    AMBER_TEXT,
    AMBER_TINT,
    BG,
    BOLD,
    BORDER,
    DISABLED_BG,
    DISABLED_TEXT,
    GREEN,
    GREEN_TINT,
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
TYPE = TypeScale(body=15, small=13, title=17, heading=16, display=30)
LINE = ("1px", "solid", BORDER)
FOCUS = ("2px", "solid", NAVY)
DISABLED_BORDER = "#c5ccd6"

#: The due list (kiosk/ui/due_panel.py) and the overdue alert; the office window uses them too.
DUE_RULES = (
    rule("QPushButton#DueAlert", border_radius=4, padding=(0, 8), min_height=0,
         font_size=TYPE.small),
    rule('QPushButton#DueAlert[overdue="true"]', **tone(RED, RED_TINT, ("1px", "solid", RED)),
         font_weight=BOLD),
    rule("QLabel#DueCount", border_radius=4, padding=(2, 8), font_weight=BOLD),
    tones("QLabel#DueCount", "kind", {
        "overdue": tone(RED, RED_TINT),
        "today": tone(AMBER_TEXT, AMBER_TINT),
        "soon": tone(NAVY, NAVY_TINT),
    }),
    rule('QLabel#DueCount[empty="true"]', color=MUTED, background=BG),
    states('QWidget#DuePanel QPushButton[role="tab"]',
           dict(color=NAVY, background="white", border=("1px", "solid", NAVY),
                border_radius=6, padding=(4, 12), font_weight=SEMIBOLD),
           checked=dict(background=NAVY, color="white")),
)

COUNTER = station(
    "counter", DESIGN, TYPE,
    base(TYPE),
    rule('QMainWindow, QWidget#CounterRoot, QStackedWidget, QWidget[role="page"]',
         background=BG),
    bar("QFrame#TopBar"),
    rule("QLabel#AppTitle", font_size=TYPE.title, font_weight=BOLD),
    rule("QLabel#OfficeName", font_size=TYPE.small, color=ON_NAVY_MUTED),
    states('QPushButton[role="tab"]',
           dict(color="white", background=NAVY_DARK, border=("1px", "solid", "#4d6f99"),
                border_radius=6, padding=(6, 12), font_weight=SEMIBOLD),
           checked=dict(background="white", color=NAVY, border_color="white"),
           focus=dict(border=("2px", "solid", AMBER))),
    rule("QFrame#TopBar QLineEdit", background="white", min_width=180),
    panel('QFrame[role="card"]', background=SURFACE, border=LINE, border_radius=8),
    rule('QLabel[role="cardTitle"]', font_size=TYPE.heading, font_weight=BOLD, color=NAVY),
    rule('QLabel[role="fieldLabel"]', color=MUTED, font_weight=SEMIBOLD),
    rule('QLabel[role="value"]', font_weight=SEMIBOLD),
    rule('QLabel[role="hint"]', color=MUTED, font_size=TYPE.small),
    # Inputs
    rule("QLineEdit, QPlainTextEdit", background="white", border=LINE, border_radius=4,
         padding=(4, 6), selection_background_color=NAVY, selection_color="white"),
    rule("QComboBox, QSpinBox, QDateEdit", padding=(3, 6)),
    rule("QLineEdit:focus, QPlainTextEdit:focus", border=FOCUS, background="#fbfdff"),
    rule('QLineEdit[filled="scan"]', background=GREEN_TINT),
    # Filled from a scan that lost its diacritics: to be checked against the card.
    rule('QLineEdit[filled="check"]', background=AMBER_TINT),
    # Phone and e-mail taken from the citizen's last dossier: to be confirmed aloud.
    rule('QLineEdit[filled="history"]', background=AMBER_TINT),
    rule("QLineEdit:read-only", background="#f3f5f8"),
    rule("QCheckBox", spacing=8),
    rule("QScrollArea, QWidget#DocumentsInner", background="white"),
    rule("QCheckBox::indicator", width=18, height=18),
    rule("QCheckBox:focus", background=NAVY_TINT, border_radius=4),
    # Lists and tables
    rule("QListView, QTableWidget, QTableView", background="white", border=LINE,
         border_radius=4, selection_background_color=NAVY, selection_color="white",
         gridline_color="#e1e6ee"),
    states("QListView::item",
           dict(padding=(4, 6), border_bottom=("1px", "solid", "#edf0f5")),
           selected=dict(background=NAVY, color="white"),
           selected__not_focus=dict(background=NAVY_TINT, color=TEXT)),
    rule("QListView:focus, QTableWidget:focus, QTableView:focus", border=FOCUS),
    rule("QHeaderView::section", background="#e8edf4", color=TEXT, font_weight=BOLD,
         border="none", border_right=LINE, border_bottom=LINE, padding=(4, 6)),
    # Buttons: Tab reaches them, so the focused one is framed in amber.
    states("QPushButton",
           dict(background="white", color=NAVY, border=("1px", "solid", NAVY), border_radius=6,
                padding=(6, 14), font_weight=SEMIBOLD, min_height=22),
           focus=dict(border=("2px", "solid", AMBER)),
           pressed=dict(background=NAVY_TINT),
           disabled=dict(color=DISABLED_TEXT, background=DISABLED_BG,
                         border_color=DISABLED_BORDER)),
    states('QPushButton[role="primary"]',
           dict(background=NAVY, color="white", border_color=NAVY_DARK, font_weight=BOLD),
           pressed=dict(background=NAVY_DARK),
           disabled=dict(color=DISABLED_TEXT, background=DISABLED_BG)),
    rule('QPushButton[role="danger"]', color=RED, border_color=RED),
    # The message banner: its level colours the frame and the text.
    rule("QFrame#Banner", border_radius=6),
    tones("QFrame#Banner", "level", {
        "error": dict(background=RED_TINT, border=("2px", "solid", RED)),
        "warning": dict(background=AMBER_TINT, border=("2px", "solid", AMBER)),
        "info": dict(background=GREEN_TINT, border=("2px", "solid", GREEN)),
    }),
    rule("QFrame#Banner QLabel", background="transparent", font_weight=SEMIBOLD),
    rule('QFrame#Banner[level="error"] QLabel#BannerText', color=RED),
    rule('QFrame#Banner[level="warning"] QLabel#BannerText', color=AMBER_TEXT),
    rule('QFrame#Banner[level="info"] QLabel#BannerText', color=GREEN),
    rule("QLabel#BannerIcon", font_size=20, font_weight=HEAVY),
    rule("QLabel#Appointment", font_size=TYPE.title, font_weight=BOLD, color=GREEN),
    rule("QLabel#ProcedureName", font_size=TYPE.heading, font_weight=BOLD, color=NAVY),
    panel("QFrame#ResultBox", background="#f4f7fb", border=LINE, border_radius=6),
    rule("QLabel#SavedCode", font_size=18, font_weight=HEAVY, color=NAVY),
    tones("QLabel", "state", {
        "ok": tone(GREEN, font_weight=BOLD),
        "busy": tone(NAVY, font_weight=BOLD),
        "failed": tone(RED, font_weight=BOLD),
        "muted": tone(MUTED),
    }),
    rule("QLabel#FinishLast", font_size=TYPE.title, padding=(6, 0)),
    rule("QLabel#StatusBadge", font_weight=BOLD, border_radius=4, padding=(3, 10),
         color="white", background=NAVY),
    tones("QLabel#StatusBadge", "tone", {
        "done": dict(background=GREEN),
        "stopped": dict(background=RED),
        "waiting": dict(background=AMBER, color=AMBER_TEXT),
    }),
    tones("QLabel#Timeliness", "tone", {
        "late": tone(RED, font_weight=BOLD),
        "ok": tone(GREEN, font_weight=BOLD),
    }),
    panel("QFrame#ConfirmPanel", background=AMBER_TINT, border=("2px", "solid", AMBER),
          border_radius=6, labels=dict(font_weight=BOLD)),
    # The status line at the bottom: printer, scanner, camera, shortcuts.
    panel("QFrame#StatusLine", background="#dfe6ef", border_top=LINE,
          labels=dict(font_size=TYPE.small)),
    rule("QLabel#ShortcutHint", color=MUTED),
    # The calling bar: the ticket being served.
    panel("QFrame#CallingBar", background=SURFACE, border_bottom=LINE),
    rule("QLabel#CallCounter", font_size=TYPE.small, font_weight=BOLD, color=MUTED),
    rule("QFrame#CallingBar QLabel#CallNumber", font_size=TYPE.display, font_weight=HEAVY,
         color=NAVY, background=NAVY_TINT, border_radius=6, padding=(0, 10)),
    rule('QFrame#CallingBar QLabel#CallNumber[state="idle"]', color=MUTED, background=BG),
    rule('QFrame#CallingBar QLabel#CallNumber[priority="yes"]', color=AMBER_TEXT,
         background=AMBER_TINT),
    rule("QLabel#CallPriority", **tone(AMBER_TEXT, AMBER_TINT, ("2px", "solid", AMBER)),
         border_radius=6, padding=(2, 8), font_weight=BOLD, font_size=TYPE.small),
    rule("QLabel#CallService", font_weight=BOLD),
    rule("QLabel#CallWait", color=MUTED, font_size=TYPE.small),
    rule("QLabel#CallWaiting", color=NAVY, font_size=TYPE.small, font_weight=SEMIBOLD),
    rule("QLabel#CallConnection", **tone(RED, RED_TINT, ("2px", "solid", RED)),
         border_radius=6, padding=(3, 8), font_weight=BOLD),
    rule("QLabel#CallMessage", color=AMBER_TEXT, font_weight=SEMIBOLD),
    states("QPushButton#FinishModeButton", checked=dict(color="white", background=NAVY,
                                                       border_color=NAVY)),
    states("QPushButton#FinishButton",
           dict(color=GREEN, border_color=GREEN, font_weight=BOLD),
           disabled=dict(color=DISABLED_TEXT, border_color=DISABLED_BORDER)),
    rule("QLabel#CameraPreview", background="#1b2430", color="white", border_radius=6),
    *DUE_RULES,
)
