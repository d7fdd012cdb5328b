"""The one look of every station: the palette, the type scale, the scaling rule and the Qt
style sheet built from a station's declaration.

A station (the ticket kiosk, the counter, the office window, the display board, the
technician screens) declares only its own choices: its design size and how far its type
follows the screen (a `Design`), its type sizes (a `TypeScale`) and its rules, written as data
with `rule()` and the widget-kind helpers below (`base`, `bar`, `panel`, `states`, `tones`).
Lengths in a rule are plain numbers in pixels at the design size; `stylesheet()` scales them
all the same way (at least 1 px, or `AtLeast` for touch targets that must not shrink), so no
station writes a style sheet or a scaling function of its own. No rule depends on hover: the
touch screens have none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kiosk.assets import FONT_FAMILY

# -- palette ----------------------------------------------------------------------------------
# The light stations (ticket kiosk, self-service, rating, counter, office, technician screens).
BG = "#eef2f7"
SURFACE = "#ffffff"
NAVY = "#0a3a70"
NAVY_DARK = "#06264a"
NAVY_TINT = "#d3e2f5"
TEXT = "#0f1d33"
MUTED = "#4a5568"
RED = "#b3261e"
RED_DARK = "#7f1a14"
RED_TINT = "#fde8e6"
GREEN = "#1b6e3a"
GREEN_TINT = "#e3f4e8"
AMBER = "#f5b800"
AMBER_DARK = "#d99e00"
AMBER_TEXT = "#2b1d00"
AMBER_TINT = "#fff4cc"
AMBER_PALE = "#fff6d6"
BORDER = "#b8c3d3"
DISABLED_BG = "#dfe4eb"
DISABLED_TEXT = "#5f6b7c"
DISABLED_BORDER = "#b5bfcc"
ON_NAVY_MUTED = "#d7e3f4"  # small text on a navy bar
# Status pills drawn white-on-colour (the city sync indicator): fine, busy, waiting, stopped.
PILL_OK = "#1b7f3b"
PILL_BUSY = "#1d5fa8"
PILL_WAITING = "#b26a00"
PILL_ERROR = RED
PILL_OFF = "#5f6b7a"

# The display board: a dark room-facing screen read from 5 m. The numbers in yellow (contrast
# about 12:1 on the tiles), counters in white.
BOARD_BG = "#07101d"
BOARD_HEADER = NAVY
BOARD_PANEL = "#0d1b30"
BOARD_TILE = "#12284a"
BOARD_TILE_BORDER = "#27497a"
BOARD_YELLOW = "#ffd23f"
BOARD_WHITE = "#ffffff"
BOARD_MUTED = "#b4c5dc"
BOARD_MUTED_DARK = "#7d93b3"
BOARD_INK = "#0a1426"
BOARD_RED = "#e5484d"

# -- type -------------------------------------------------------------------------------------
REGULAR, SEMIBOLD, BOLD, HEAVY = 400, 600, 700, 800


@dataclass(frozen=True)
class TypeScale:
    """A station's type sizes in pixels at its design size (scaled with everything else).

    body: the default for all text (None: Qt's default, each label sets its own); small: hints
    and status lines; title: a window or page title; heading: section titles; display: the
    largest figure the station shows.
    """

    body: int | None
    small: int
    title: int
    heading: int
    display: int


# -- scaling ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Design:
    """What a station is drawn for. At `width` x `height` its scale is 1.0; otherwise the
    side that limits (the smaller ratio) decides, and `follow` says how much of that change
    the sizes follow (1.0: all of it, a TV board; 0.3: a desk screen whose type should grow
    only a little). The result stays within `smallest`..`largest`, rounded to `digits`."""

    width: int
    height: int
    follow: float = 1.0
    smallest: float = 0.7
    largest: float = 1.8
    digits: int = 2


def scale_for(width: int, height: int, design: Design) -> float:
    """The one scaling rule of every station: the window's size against its design size."""
    fit = min(width / design.width, height / design.height)
    if design.follow != 1.0:
        fit = 1 + (fit - 1) * design.follow
    return round(max(design.smallest, min(design.largest, fit)), design.digits)


def is_portrait(width: int, height: int) -> bool:
    return height > width


def scaled(value: float, scale: float, floor: int = 1) -> int:
    """A length at `scale`: never below `floor` px (1 px: thin borders do not vanish)."""
    return max(floor, round(value * scale))


# -- rules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AtLeast:
    """A scaled length that never goes below `floor` px (touch targets)."""

    value: float
    floor: int


@dataclass(frozen=True)
class Rule:
    selector: str
    props: tuple[tuple[str, object], ...]


# Properties whose numbers are not lengths.
_UNITLESS = frozenset({"font-weight"})


def rule(selector: str, props: Mapping[str, object] | None = None, **kw: object) -> Rule:
    """One rule. Property names may use `_` for `-` (font_size=26), in `props` as in keywords.
    Values: a number is a length in px at the design size (0 stays 0), a string is written as
    it is, a tuple is several values (border=(3, "solid", NAVY)), `AtLeast` a length with a
    floor. `circle=D` makes a round label of diameter D (Qt ignores a border-radius above half
    the side, so both come from one integer)."""
    items = [(k.replace("_", "-"), v) for k, v in [*(props or {}).items(), *kw.items()]]
    return Rule(selector, tuple(items))


def _value(name: str, value: object, scale: float) -> str:
    if isinstance(value, tuple):
        return " ".join(_value(name, v, scale) for v in value)
    if isinstance(value, AtLeast):
        return f"{scaled(value.value, scale, value.floor)}px"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if name in _UNITLESS:
        return str(value)
    if value == 0:
        return "0"
    return f"{scaled(value, scale)}px"


def _render(item: Rule, scale: float) -> str:
    lines = []
    for name, value in item.props:
        if name == "circle":
            side = round(value * scale)  # type: ignore[operator]
            lines += [f"min-width: {side}px", f"max-width: {side}px", f"min-height: {side}px",
                      f"max-height: {side}px", f"border-radius: {side // 2}px"]
        else:
            lines.append(f"{name}: {_value(name, value, scale)}")
    body = "".join(f"    {line};\n" for line in lines)
    return f"{item.selector} {{\n{body}}}\n"


Rules = Iterable["Rule | Iterable[Rule]"]


def flatten(rules: Rules) -> list[Rule]:
    out: list[Rule] = []
    for item in rules:
        if isinstance(item, Rule):
            out.append(item)
        else:
            out.extend(flatten(item))  # type: ignore[arg-type]
    return out


def stylesheet(rules: Rules, scale: float = 1.0) -> str:
    """The Qt style sheet of `rules` (rules or lists of them, in cascade order) at `scale`."""
    return "".join(_render(item, scale) for item in flatten(rules))


# -- base rules per widget kind -----------------------------------------------------------------


def base(type_scale: TypeScale, colour: str = TEXT) -> Rule:
    """Every widget: the bundled font, the station's body size and text colour."""
    props: dict[str, object] = {"font-family": f'"{FONT_FAMILY}"'}
    if type_scale.body is not None:
        props["font-size"] = type_scale.body
    props["color"] = colour
    return rule("*", props)


def bar(selector: str, background: str = NAVY, *, text: str | None = "white") -> list[Rule]:
    """A header bar: a coloured strip whose labels are drawn in `text` on it."""
    rules = [rule(selector, background=background)]
    if text is not None:
        rules.append(rule(f"{selector} QLabel", color=text, background="transparent"))
    return rules


def panel(selector: str, props: Mapping[str, object] | None = None, *,
          labels: Mapping[str, object] | None = None, **kw: object) -> list[Rule]:
    """A card, banner or bar: the frame, then its labels on a transparent background (Qt
    paints a label's own background over the frame's otherwise)."""
    return [rule(selector, props, **kw),
            rule(f"{selector} QLabel", {"background": "transparent", **(labels or {})})]


def states(selector: str, props: Mapping[str, object] | None = None,
           **by_state: Mapping[str, object]) -> list[Rule]:
    """A widget and its looks in states (pressed, checked, disabled, focus...), in the order
    given: `states(sel, {...}, pressed={...}, disabled={...})`."""
    rules = [rule(selector, props)]
    for state, state_props in by_state.items():
        pseudo = ":" + state.replace("__", ":").replace("not_", "!")
        rules.append(rule(f"{selector}{pseudo}", state_props))
    return rules


def tone(colour: str, background: str | None = None,
         border: object | None = None, **kw: object) -> dict[str, object]:
    """The properties of a message coloured by its meaning: text, tinted background, border."""
    props: dict[str, object] = {"color": colour}
    if background is not None:
        props["background"] = background
    if border is not None:
        props["border"] = border
    props.update((k.replace("_", "-"), v) for k, v in kw.items())
    return props


def tones(selector: str, attribute: str, looks: Mapping[str, Mapping[str, object]]
          ) -> list[Rule]:
    """One rule per value of a dynamic property: `selector[attribute="value"]`."""
    return [rule(f'{selector}[{attribute}="{value}"]', props) for value, props in looks.items()]


def banner(icon_px: int) -> list[Rule]:
    """The message banner of widgets.py: its level colours the frame and the text."""
    return [
        rule("QFrame#Banner", border_radius=6),
        *tones("QFrame#Banner", "level", {
            "error": dict(background=RED_TINT, border=("2px", "solid", RED)),
            "warning": dict(background=AMBER_TINT, border=("2px", "solid", AMBER)),
            "info": dict(background=GREEN_TINT, border=("2px", "solid", GREEN)),
        }),
        rule("QFrame#Banner QLabel", background="transparent", font_weight=SEMIBOLD),
        rule('QFrame#Banner[level="error"] QLabel#BannerText', color=RED),
        rule('QFrame#Banner[level="warning"] QLabel#BannerText', color=AMBER_TEXT),
        rule('QFrame#Banner[level="info"] QLabel#BannerText', color=GREEN),
        rule("QLabel#BannerIcon", font_size=icon_px, font_weight=HEAVY),
    ]


# -- a station ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Station:
    """A station's look: what it is designed for and its rules."""

    name: str
    design: Design
    type_scale: TypeScale
    rules: tuple[Rule, ...]

    def scale_for(self, width: int, height: int) -> float:
        return scale_for(width, height, self.design)

    def stylesheet(self, scale: float = 1.0) -> str:
        return stylesheet(self.rules, scale)


def station(name: str, design: Design, type_scale: TypeScale, *rules: Rules) -> Station:
    return Station(name, design, type_scale, tuple(flatten(rules)))
