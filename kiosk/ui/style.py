"""The touch kiosk's look (ticket screen, self-service pages, on-screen keyboard, rating
view), declared for kiosk/ui/theme.py.

Sizes are designed for a 1366x768 landscape screen (scale 1.0) and grow with the shorter side
of the window, so a 1080x1920 portrait totem gets proportionally bigger type. Every button is
at least 80 px tall whatever the scale; the keyboard's keys at least 54 px.
"""

from __future__ import annotations

from kiosk.feedback.ratings import RatingLevel
from kiosk.ui.theme import (
    AMBER,
    AMBER_DARK,
    AMBER_PALE,
    AMBER_TEXT,
    BG,
    BOLD,
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
    RED_TINT,
    REGULAR,
    SEMIBOLD,
    SURFACE,
    TEXT,
    AtLeast,
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

# Scale 1.0 when the shorter side is 768 px, whichever way the screen is turned.
DESIGN = Design(768, 768, smallest=0.7, largest=1.8)
TYPE = TypeScale(body=None, small=22, title=38, heading=30, display=190)
MIN_BUTTON_PX = 80
# Keys are smaller than the 80 px buttons elsewhere: five rows of them must fit under a text
# field on a 768 px screen. 58 px with the border is still about 15 mm on a 15.6" 1366x768
# screen, and keys grow with the screen like everything else.
MIN_KEY_PX = 54

LEVEL_COLOURS: dict[RatingLevel, tuple[str, str]] = {  # (strong, tint)
    RatingLevel.VERY_SATISFIED: (GREEN, GREEN_TINT),
    RatingLevel.SATISFIED: ("#1f5fa8", "#e1ecf8"),
    RatingLevel.UNSATISFIED: (RED, RED_TINT),
}


def touch(height: float) -> AtLeast:
    """A button height that never drops below MIN_BUTTON_PX."""
    return AtLeast(height, MIN_BUTTON_PX)


def _card(border: object, radius: int) -> dict[str, object]:
    return {"background": SURFACE, "border": border, "border-radius": radius}


TICKET_RULES = (
    base(TYPE),
    rule('QWidget#TicketScreen, QStackedWidget, QWidget[role="page"]', background=BG),
    bar("QFrame#Header"),
    rule("QLabel#OfficeName", font_size=26, font_weight=BOLD),
    rule("QLabel#Clock", font_size=36, font_weight=HEAVY),
    rule("QLabel#ClockDate", font_size=18, font_weight=REGULAR),
    states('QPushButton[role="lang"]',
           dict(min_height=touch(80), min_width=84, font_size=24, font_weight=BOLD,
                color="white", background=NAVY_DARK, border=(2, "solid", "#7f9cc2"),
                border_radius=10, padding=(0, 10)),
           checked=dict(background="white", color=NAVY, border_color="white"),
           pressed=dict(background=NAVY_TINT, color=NAVY)),
    rule("QLabel#PageTitle", font_size=TYPE.title, font_weight=HEAVY, color=NAVY),
    rule("QLabel#PageHint", font_size=TYPE.small, color=MUTED),
    states('QPushButton[role="service"]',
           dict(background=SURFACE, border=(3, "solid", NAVY), border_radius=16,
                min_height=touch(120)),
           pressed=dict(background=NAVY_TINT, border_width=5),
           disabled=dict(background=DISABLED_BG, border_color=DISABLED_BORDER)),
    states("QLabel#ServiceLetter",
           dict(background=NAVY, color="white", font_size=34, font_weight=HEAVY, circle=62),
           disabled=dict(background="#8c97a8")),
    states("QLabel#ServiceName",
           dict(font_size=25, font_weight=BOLD, background="transparent"),
           disabled=dict(color=DISABLED_TEXT)),
    states("QLabel#ServiceWaiting",
           dict(font_size=21, font_weight=SEMIBOLD, color=MUTED, background="transparent"),
           disabled=dict(color=RED)),
    # A closed service: greyed but tappable (the tap says when it opens).
    rule('QPushButton[role="service"][state="closed"]', background=DISABLED_BG,
         border_color=DISABLED_BORDER),
    rule('QLabel#ServiceLetter[state="closed"]', background="#8c97a8"),
    rule('QLabel#ServiceName[state="closed"]', color=DISABLED_TEXT),
    rule('QLabel#ServiceWaiting[state="closed"]', color=RED),
    rule("QFrame#PriorityStrip", background=AMBER, border=(3, "solid", AMBER_DARK),
         border_radius=16),
    rule("QLabel#PriorityCaption", font_size=21, font_weight=HEAVY, color=AMBER_TEXT,
         background="transparent"),
    states('QPushButton[role="prioritytile"]',
           dict(min_height=touch(80), background=AMBER_PALE, border=(2, "solid", AMBER_DARK),
                border_radius=12),
           pressed=dict(background=AMBER_DARK),
           disabled=dict(background=DISABLED_BG, border_color=DISABLED_BORDER)),
    rule("QLabel#PrioritytileTitle", font_size=21, font_weight=HEAVY, color=AMBER_TEXT,
         background="transparent"),
    rule("QLabel#PrioritytileTitle:disabled", color=DISABLED_TEXT),
    rule('QPushButton[role="priority"]', min_height=touch(84), background=AMBER,
         border=(3, "solid", AMBER_DARK), border_radius=16),
    rule("QLabel#PriorityTitle", font_size=30, font_weight=HEAVY, color=AMBER_TEXT,
         background="transparent"),
    rule("QLabel#PrioritySubtitle", font_size=21, font_weight=SEMIBOLD, color=AMBER_TEXT,
         background="transparent"),
    rule('QPushButton[role="priority"]:pressed', background=AMBER_DARK),
    rule('QPushButton[role="priority"]:disabled', background=DISABLED_BG,
         border_color=DISABLED_BORDER),
    rule("QLabel#PriorityTitle:disabled, QLabel#PrioritySubtitle:disabled",
         color=DISABLED_TEXT),
    rule('QPushButton[role="category"]', min_height=touch(130), background=AMBER_PALE,
         border=(4, "solid", AMBER), border_radius=18),
    rule("QLabel#CategoryTitle", font_size=34, font_weight=HEAVY, color=AMBER_TEXT,
         background="transparent"),
    rule('QPushButton[role="category"]:pressed', background=AMBER),
    states('QPushButton[role="secondary"]',
           dict(min_height=touch(88), min_width=220, font_size=28, font_weight=BOLD,
                color=NAVY, background=SURFACE, border=(3, "solid", NAVY), border_radius=16,
                padding=(0, 24)),
           pressed=dict(background=NAVY_TINT),
           disabled=dict(color=DISABLED_TEXT, background=DISABLED_BG,
                         border_color=DISABLED_BORDER)),
    states('QPushButton[role="primary"]',
           dict(min_height=touch(88), min_width=220, font_size=TYPE.heading,
                font_weight=HEAVY, color="white", background=NAVY,
                border=(3, "solid", NAVY_DARK), border_radius=16, padding=(0, 24)),
           pressed=dict(background=NAVY_DARK)),
    rule("QFrame#PriorityBanner", background=AMBER_PALE, border=(3, "solid", AMBER),
         border_radius=14),
    rule("QLabel#PriorityBannerText", font_size=26, font_weight=BOLD, color=AMBER_TEXT,
         background="transparent"),
    rule("QLabel#ErrorBanner", font_size=22, font_weight=BOLD,
         **tone(RED, RED_TINT, (2, "solid", RED)), border_radius=12, padding=(4, 16)),
    panel("QFrame#TicketCard", _card((3, "solid", NAVY), 24)),
    rule("QLabel#NumberCaption", font_size=30, font_weight=SEMIBOLD, color=MUTED),
    rule("QLabel#TicketNumber", font_size=TYPE.display, font_weight=HEAVY, color=NAVY),
    rule("QFrame#TicketCard QLabel#PriorityMark", font_size=26, font_weight=HEAVY,
         color=AMBER_TEXT, background=AMBER, border_radius=12, padding=(6, 18)),
    rule("QLabel#TicketService", font_size=28, font_weight=BOLD),
    rule("QLabel#PeopleAhead", font_size=30, font_weight=BOLD),
    rule("QLabel#IssuedAt", font_size=24, color=MUTED),
    rule("QLabel#PrintStatus", font_size=30, font_weight=HEAVY, border_radius=12,
         padding=(12, 16)),
    tones("QLabel#PrintStatus", "state", {
        "printing": tone(NAVY, NAVY_TINT),
        "printed": tone(GREEN, GREEN_TINT),
        "failed": tone(RED, RED_TINT, (3, "solid", RED)),
    }),
    rule("QLabel#PrintDetail", font_size=20, color=MUTED),
    rule("QLabel#Countdown", font_size=TYPE.small, color=MUTED),
    panel("QFrame#NoticeCard", _card((4, "solid", RED), 24)),
    rule("QFrame#NoticeCard QLabel#NoticeIcon", font_size=90, font_weight=HEAVY,
         color="white", background=RED, circle=130),
    rule("QLabel#NoticeTitle", font_size=44, font_weight=HEAVY, color=RED),
    rule("QLabel#NoticeBody", font_size=32, font_weight=SEMIBOLD),
    rule("QLabel#NoticeFooter", font_size=TYPE.small, color=MUTED),
)

KEYBOARD_RULES = (
    rule("QFrame#Keyboard", background="#d9e0ea", border_radius=14),
    states("QFrame#Keyboard QPushButton",
           dict(min_height=AtLeast(54, MIN_KEY_PX), min_width=40, font_size=26,
                font_weight=SEMIBOLD, color=TEXT, background=SURFACE,
                border=(1, "solid", "#aab6c6"), border_bottom=(3, "solid", "#98a6b8"),
                border_radius=10, padding=0),
           pressed=dict(background=NAVY_TINT, border_color=NAVY)),
    states('QFrame#Keyboard QPushButton[role="keyfn"]',
           dict(font_size=21, font_weight=BOLD, background="#c3cedc", color=NAVY_DARK),
           checked=dict(background=NAVY, color="white", border_color=NAVY_DARK),
           pressed=dict(background=NAVY_TINT)),
    states('QFrame#Keyboard QPushButton[role="keytone"]',
           dict(font_size=19, font_weight=BOLD, color=NAVY_DARK, background=AMBER_PALE,
                border_color=AMBER_DARK),
           pressed=dict(background=AMBER)),
    rule('QFrame#Keyboard[layout="digits"] QPushButton', min_height=76, font_size=36),
    rule('QFrame#Keyboard[layout="digits"] QPushButton[role="keyfn"]', font_size=24),
)

SELFSERVICE_RULES = (
    states('QPushButton[role="selfservice"]',
           dict(min_height=touch(84), background=SURFACE, border=(3, "solid", NAVY),
                border_radius=16),
           pressed=dict(background=NAVY_TINT),
           disabled=dict(background=DISABLED_BG, border_color=DISABLED_BORDER)),
    rule("QLabel#SelfserviceTitle", font_size=26, font_weight=HEAVY, color=NAVY,
         background="transparent"),
    rule("QLabel#SelfserviceSubtitle", font_size=18, font_weight=SEMIBOLD, color=MUTED,
         background="transparent"),
    rule("QLabel#SelfserviceTitle:disabled, QLabel#SelfserviceSubtitle:disabled",
         color=DISABLED_TEXT),
    rule("QLabel#ScanInstruction", font_size=32, font_weight=HEAVY, color=TEXT),
    rule("QLineEdit#CodeEdit, QLineEdit#PhoneEdit", min_height=64, font_size=30,
         font_weight=BOLD, padding=(0, 14), background=SURFACE, border=(3, "solid", NAVY),
         border_radius=12),
    rule("QLineEdit#PhoneEdit", font_size=40, min_height=84),
    rule("QPlainTextEdit#FeedbackText", font_size=26, background=SURFACE,
         border=(3, "solid", NAVY), border_radius=12, padding=6, min_height=96),
    rule("QLabel#SelfMessage", font_size=TYPE.small, font_weight=BOLD, border_radius=10,
         padding=(6, 14)),
    tones("QLabel#SelfMessage", "state", {
        "info": tone(MUTED, font_weight=SEMIBOLD, padding=(0, 4)),
        "error": tone(RED, RED_TINT, (2, "solid", RED)),
    }),
    panel("QFrame#ResultCard", _card((3, "solid", NAVY), 22)),
    rule("QLabel#ResultCode", font_size=22, font_weight=SEMIBOLD, color=MUTED),
    rule("QLabel#ResultProcedure", font_size=30, font_weight=HEAVY, color=NAVY),
    rule("QFrame#ResultCard QLabel#ResultStatus", font_size=30, font_weight=HEAVY,
         border_radius=12, padding=(8, 18), **tone(NAVY, NAVY_TINT)),
    tones("QFrame#ResultCard QLabel#ResultStatus", "state", {
        "good": tone(GREEN, GREEN_TINT),
        "attention": tone(AMBER_TEXT, AMBER_PALE, (2, "solid", AMBER)),
        "bad": tone(RED, RED_TINT),
    }),
    rule("QLabel#ResultKey", font_size=24, color=MUTED),
    rule("QLabel#ResultValue", font_size=26, font_weight=BOLD),
    rule("QLabel#ResultAppointment", font_size=36, font_weight=HEAVY, color=NAVY),
    rule("QLabel#ResultHint", font_size=24, font_weight=SEMIBOLD),
    states('QPushButton[role="topic"]',
           dict(min_height=touch(96), background=SURFACE, border=(3, "solid", NAVY),
                border_radius=16),
           pressed=dict(background=NAVY_TINT)),
    rule("QLabel#TopicText", font_size=28, font_weight=BOLD, color=NAVY,
         background="transparent"),
    rule("QLabel#ThanksTitle", font_size=44, font_weight=HEAVY, color=GREEN),
    rule("QLabel#ThanksBody", font_size=28, font_weight=SEMIBOLD),
    rule("QLabel#ThanksCode", font_size=64, font_weight=HEAVY, color=NAVY, background=SURFACE,
         border=(3, "solid", NAVY), border_radius=16, padding=(6, 28)),
    rule("QLabel#ResultAnswer", font_size=26, font_weight=SEMIBOLD, background=SURFACE,
         border=(2, "solid", NAVY_TINT), border_radius=12, padding=(10, 14)),
)

RATING_RULES = (
    rule("QWidget#RatingView, QWidget#RatingWindow", background=BG),
    rule("QLabel#RatingTitle", font_size=40, font_weight=HEAVY, color=NAVY),
    rule("QLabel#RatingContext", font_size=24, font_weight=SEMIBOLD, color=MUTED),
    rule("QLabel#RatingHint, QLabel#RatingCountdown", font_size=TYPE.small, color=MUTED),
    rule("QLabel#RatingIdleTitle", font_size=44, font_weight=HEAVY, color=NAVY),
    rule("QLabel#RatingIdleHint", font_size=26, color=MUTED),
    rule("QLabel#ThanksTitle", font_size=50, font_weight=HEAVY, color=GREEN),
    rule("QLabel#ThanksBody", font_size=28, font_weight=SEMIBOLD),
    rule('QPushButton[role="level"]', min_height=touch(180), background=SURFACE,
         border_radius=24),
    rule("QLabel#LevelTitle", font_size=34, font_weight=HEAVY, background="transparent"),
    rule('QPushButton[role="chip"]', min_height=touch(96), background=SURFACE,
         border=(3, "solid", "#9aa8ba"), border_radius=18),
    rule("QLabel#ChipText", font_size=27, font_weight=BOLD, color=TEXT,
         background="transparent"),
    rule('QLabel#ChipText[checked="true"]', color="white"),
    rule('QPushButton[role="chip"]:checked', background=RED, border_color="#7d1a14"),
    rule('QPushButton[role="chip"]:pressed', background=RED_TINT),
    [(rule(f'QPushButton[role="level"][level="{level.value}"]', border=(5, "solid", strong)),
      rule(f'QPushButton[role="level"][level="{level.value}"]:pressed', background=tint),
      rule(f'QPushButton[role="level"][level="{level.value}"] QLabel#LevelTitle',
           color=strong))
     for level, (strong, tint) in LEVEL_COLOURS.items()],
)

# The ticket screen: its own rules, the keyboard and the self-service pages.
TICKET_SCREEN = station("ticket kiosk", DESIGN, TYPE, TICKET_RULES, KEYBOARD_RULES,
                        SELFSERVICE_RULES)
# The rating view, full-window or embedded in the counter window: its own style sheet, so
# the counter's desk-sized type does not shrink the citizen's buttons.
RATING = station("rating", DESIGN, TYPE, TICKET_RULES, RATING_RULES)
