"""The technician screens' look (set-up wizard, PIN pad, admin view), declared for
kiosk/ui/theme.py: the kiosk's colours, touch-sized controls (every button and field at
least 56 px tall at 1366x768, PIN keys 72 px) and type a technician reads at arm's length from
a kiosk touchscreen. Drawn at scale 1.0."""

from __future__ import annotations

from kiosk.ui.theme import (
    AMBER,
    AMBER_TEXT,
    AMBER_TINT,
    BG,
    BOLD,
    BORDER,
    DISABLED_BG,
    DISABLED_BORDER,
    DISABLED_TEXT,
    GREEN,
    GREEN_TINT,
    HEAVY,
    MUTED,
    NAVY,
    NAVY_DARK,
    NAVY_TINT,
    RED,
    RED_DARK,
    RED_TINT,
    REGULAR,
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

DESIGN = Design(1366, 768, follow=0.0, smallest=1.0, largest=1.0)
TYPE = TypeScale(body=18, small=14, title=30, heading=22, display=36)
MONO_FAMILY = "DejaVu Sans Mono, Consolas, monospace"
FRAME = (2, "solid", BORDER)
CHIPS = ("PASS", "FAIL", "WARN", "SKIP")


def _chip(*names: str) -> str:
    """The doctor's result chips, also inside a card (whose labels are transparent)."""
    return ", ".join([f'QLabel[chip="{n}"]' for n in names]
                     + [f'QFrame#Card QLabel[chip="{n}"]' for n in names])


TECHNICIAN = station(
    "technician", DESIGN, TYPE,
    base(TYPE),
    rule('QWidget#TechRoot, QWidget[role="page"], QStackedWidget#Pages, QScrollArea#PageScroll, '
         "QScrollArea#PageScroll > QWidget > QWidget", background=BG),
    bar("QFrame#TechHeader"),
    rule("QLabel#TechTitle", font_size=24, font_weight=HEAVY),
    rule("QLabel#TechSubtitle", font_size=16, color=NAVY_TINT),
    rule("QLabel#StepLabel", font_size=16, font_weight=BOLD, color=NAVY_TINT),
    rule("QFrame#StepBar QLabel", font_size=TYPE.small, font_weight=SEMIBOLD, color=MUTED,
         background=DISABLED_BG, border_radius=6, padding=(4, 8)),
    tones("QFrame#StepBar QLabel", "state", {
        "done": tone(GREEN, GREEN_TINT),
        "current": tone("white", NAVY),
        "skipped": tone("#8c97a8", "transparent"),
    }),
    rule("QLabel#PageTitle", font_size=TYPE.title, font_weight=HEAVY, color=NAVY),
    rule('QLabel#PageHint, QLabel[role="hint"]', font_size=17, color=MUTED),
    rule('QLabel[role="fieldLabel"]', font_size=18, font_weight=BOLD),
    rule('QLabel[role="doc"]', font_size=TYPE.small, color=MUTED),
    rule('QLabel[role="key"]', font_size=16, font_weight=BOLD, color=NAVY_DARK),
    # Inputs
    rule("QLineEdit, QSpinBox, QDoubleSpinBox, QComboBox", min_height=52, padding=(0, 12),
         background=SURFACE, border=FRAME, border_radius=8, font_size=20),
    rule("QLineEdit:focus, QSpinBox:focus, QDoubleSpinBox:focus, QComboBox:focus",
         border=(3, "solid", NAVY)),
    rule('QLineEdit[invalid="true"], QSpinBox[invalid="true"], QComboBox[invalid="true"]',
         border=(3, "solid", RED), background=RED_TINT),
    rule("QLineEdit:read-only", background=DISABLED_BG),
    rule("QSpinBox::up-button, QSpinBox::down-button, QDoubleSpinBox::up-button, "
         "QDoubleSpinBox::down-button", width=40),
    rule("QCheckBox, QRadioButton", min_height=48, font_size=18, spacing=12),
    rule("QCheckBox::indicator, QRadioButton::indicator", width=30, height=30),
    # Buttons
    rule("QPushButton", min_height=56, padding=(0, 22), font_size=19, font_weight=BOLD,
         color=NAVY, background=SURFACE, border=(2, "solid", NAVY), border_radius=10),
    rule("QPushButton:pressed, QPushButton:checked", background=NAVY_TINT),
    rule("QPushButton:focus", border=(3, "solid", NAVY_DARK)),
    rule("QPushButton:disabled", color=DISABLED_TEXT, background=DISABLED_BG,
         border_color=DISABLED_BORDER),
    states('QPushButton[role="primary"]',
           dict(min_height=64, min_width=200, font_size=TYPE.heading, font_weight=HEAVY,
                color="white", background=NAVY, border=(2, "solid", NAVY_DARK)),
           pressed=dict(background=NAVY_DARK),
           disabled=dict(color=DISABLED_TEXT, background=DISABLED_BG,
                         border_color=DISABLED_BORDER)),
    rule('QPushButton[role="secondary"]', min_height=64, min_width=160, font_size=20),
    states('QPushButton[role="danger"]',
           dict(min_height=64, color="white", background=RED, border=(2, "solid", RED_DARK)),
           pressed=dict(background=RED_DARK)),
    states('QPushButton[role="choice"]',
           dict(min_height=96, text_align="left", padding=(10, 20), font_size=21,
                font_weight=HEAVY, color=NAVY, border=(3, "solid", BORDER), border_radius=14),
           checked=dict(background=NAVY_TINT, border=(4, "solid", NAVY))),
    rule("QLabel#ChoiceTitle", font_size=TYPE.heading, font_weight=HEAVY, color=NAVY,
         background="transparent"),
    rule("QLabel#ChoiceDetail", font_size=17, font_weight=REGULAR, color=MUTED,
         background="transparent"),
    # The PIN pad
    rule('QPushButton[role="pinkey"]', min_height=72, min_width=96, font_size=32,
         font_weight=HEAVY, border_radius=14),
    rule('QPushButton[role="pinfn"]', min_height=72, min_width=96, font_size=19,
         border_radius=14),
    states('QPushButton[role="pinok"]',
           dict(min_height=72, min_width=96, font_size=24, font_weight=HEAVY, color="white",
                background=NAVY, border=(2, "solid", NAVY_DARK), border_radius=14),
           pressed=dict(background=NAVY_DARK),
           # Greyed with the other keys while a PIN is checked or the pad is locked.
           disabled=dict(color=DISABLED_TEXT, background=DISABLED_BG,
                         border_color=DISABLED_BORDER)),
    rule("QLineEdit#PinDisplay", min_height=64, font_size=TYPE.display, font_weight=HEAVY,
         letter_spacing=8, qproperty_alignment="AlignCenter"),
    # Lists, tables, the log
    rule("QListWidget, QTableWidget, QPlainTextEdit, QTreeWidget", background=SURFACE,
         border=FRAME, border_radius=8, font_size=17),
    rule("QListWidget::item", min_height=52, padding=(4, 10),
         border_bottom=("1px", "solid", "#e3e8ef")),
    rule("QListWidget::item:selected, QTableWidget::item:selected", background=NAVY_TINT,
         color=TEXT),
    rule("QListWidget#SectionList::item", min_height=44, font_weight=BOLD),
    rule("QHeaderView::section", background=DISABLED_BG, font_size=15, font_weight=BOLD,
         padding=6, border="none"),
    rule("QTableWidget", gridline_color="#e3e8ef"),
    rule("QPlainTextEdit#LogView", font_family=MONO_FAMILY, font_size=TYPE.small),
    rule("QTabWidget::pane", border="none", background=BG),
    states("QTabBar::tab",
           dict(min_height=52, min_width=120, padding=(0, 18), font_size=18, font_weight=BOLD,
                color=MUTED, background=DISABLED_BG, border_top_left_radius=10,
                border_top_right_radius=10, margin_right=4),
           selected=dict(color="white", background=NAVY)),
    rule("QGroupBox", font_size=19, font_weight=HEAVY, color=NAVY, background=SURFACE,
         border=FRAME, border_radius=12, margin_top=16, padding=(18, 14, 12, 14)),
    rule("QGroupBox::title", subcontrol_origin="margin", left=14, padding=(0, 6)),
    # Status labels coloured by their tone (set_tone in kiosk/ui/widgets.py)
    tones("QLabel", "tone", {
        "ok": tone(GREEN, GREEN_TINT, border_radius=8, font_weight=BOLD),
        "error": tone(RED, RED_TINT, FRAME[:2] + (RED,), border_radius=8, font_weight=BOLD),
        "warn": tone(AMBER_TEXT, AMBER_TINT, FRAME[:2] + (AMBER,), border_radius=8,
                     font_weight=BOLD),
        "busy": tone(NAVY, NAVY_TINT, border_radius=8, font_weight=BOLD),
    }),
    # The doctor's result chips
    rule(_chip(*CHIPS), font_size=15, font_weight=HEAVY, border_radius=6, padding=(4, 8),
         min_width=56, qproperty_alignment="AlignCenter"),
    rule(_chip("PASS"), color=GREEN, background=GREEN_TINT),
    rule(_chip("FAIL"), color="white", background=RED),
    rule(_chip("WARN"), color=AMBER_TEXT, background=AMBER),
    rule(_chip("SKIP"), color=MUTED, background=DISABLED_BG),
    panel("QFrame#Card", background=SURFACE, border=FRAME, border_radius=12),
    rule("QFrame#NavBar", background=SURFACE, border_top=FRAME),
    rule("QDialog#PinDialog", background=BG, border=(4, "solid", NAVY), border_radius=16),
)
