"""One theme for every station: kiosk/ui/theme.py holds the palette, the type scale, the one
scaling rule and the style-sheet scaffolding; the stations only declare their rules, and the
widget helpers live in kiosk/ui/widgets.py. The source checks below keep it that way."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kiosk.ui import theme
from kiosk.ui.theme import AtLeast, Design, rule, scale_for, stylesheet

UI = Path(__file__).resolve().parents[2] / "kiosk" / "ui"
THEME = UI / "theme.py"
WIDGETS = UI / "widgets.py"
# A CSS rule: "selector { name: value; }" (an f-string's {placeholders} are removed first).
CSS_BLOCK = re.compile(r"[\w\]\)*]\s*\{[^{}]*:[^{}]*;[^{}]*\}")
# Helpers that belong in kiosk/ui/widgets.py, not copied into a window module.
WIDGET_HELPERS = {"_label", "_button", "_set_state", "_set_property", "_status_label",
                  "set_prop", "restyle", "set_tone", "mark_invalid", "touch_button", "label"}


def _ui_modules() -> list[Path]:
    return sorted(p for p in UI.rglob("*.py") if p != THEME)


def _literal_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else " X "
                       for part in node.values)
    return None


def test_the_source_checks_see_the_ui_modules():
    modules = _ui_modules()
    assert len(modules) > 40
    assert WIDGETS in modules and THEME not in modules


@pytest.mark.parametrize("path", _ui_modules(), ids=lambda p: str(p.relative_to(UI)))
def test_no_module_but_the_theme_scales_or_builds_a_stylesheet(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.name == "scale_for":
                problems.append(f"line {node.lineno}: defines scale_for (use theme.scale_for "
                                "with the station's Design)")
            if "stylesheet" in node.name.lower():
                problems.append(f"line {node.lineno}: defines {node.name} (declare rules and "
                                "let theme.stylesheet build the sheet)")
            if node.name in ("px", "btn", "circle"):
                problems.append(f"line {node.lineno}: its own {node.name}() length scaling")
        text = _literal_text(node)
        if text is not None and len(CSS_BLOCK.findall(text)) >= 2:
            problems.append(f"line {node.lineno}: a style sheet written as a string")
    assert not problems, f"{path.relative_to(UI)}: " + "; ".join(problems)


@pytest.mark.parametrize("path", [p for p in _ui_modules() if p != WIDGETS],
                         ids=lambda p: str(p.relative_to(UI)))
def test_widget_helpers_are_not_copied(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    copies = [f"{node.name} (line {node.lineno})" for node in tree.body
              if isinstance(node, ast.FunctionDef) and node.name in WIDGET_HELPERS]
    assert not copies, f"{path.relative_to(UI)} defines {copies}: use kiosk/ui/widgets.py"


def test_the_source_check_catches_a_stylesheet_and_a_scale_for(tmp_path):
    code = '''
def scale_for(width, height):
    return width / 1366
SHEET = f"""
QLabel#A {{ font-size: {12}px; }}
QLabel#B {{ color: red; }}
"""
'''
    tree = ast.parse(code)
    names = [n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    sheets = [n for n in ast.walk(tree)
              if (t := _literal_text(n)) is not None and len(CSS_BLOCK.findall(t)) >= 2]
    assert names == ["scale_for"] and len(sheets) == 1


# -- the scaling rule ------------------------------------------------------------------------


def _stations():
    from kiosk.ui import style
    from kiosk.ui.admin.style import TECHNICIAN
    from kiosk.ui.counter.style import COUNTER
    from kiosk.ui.display.style import BOARD
    from kiosk.ui.office.style import OFFICE

    return {"kiosk": style.TICKET_SCREEN, "rating": style.RATING, "counter": COUNTER,
            "office": OFFICE, "board": BOARD, "technician": TECHNICIAN}


@pytest.mark.parametrize(("name", "size", "expected"), [
    ("kiosk", (1366, 768), 1.0),
    ("kiosk", (768, 1366), 1.0),       # by the shorter side, whichever way it is turned
    ("kiosk", (1080, 1920), 1.41),     # a portrait totem
    ("kiosk", (1920, 1080), 1.41),
    ("kiosk", (800, 480), 0.7),        # never below 0.7
    ("kiosk", (3840, 2160), 1.8),      # nor above 1.8
    ("rating", (1366, 768), 1.0),
    ("counter", (1366, 768), 1.0),
    ("counter", (1920, 1080), 1.12),   # a desk screen grows a little (0.3 of the change)
    ("counter", (1024, 768), 0.92),    # limited by the width
    ("counter", (800, 600), 0.9),
    ("counter", (3840, 2160), 1.3),
    ("office", (1920, 1080), 1.12),
    ("board", (1920, 1080), 1.0),
    ("board", (1366, 768), 0.711),     # the TV board follows the screen fully
    ("board", (1024, 768), 0.533),     # a 4:3 screen is limited by its width
    ("board", (3840, 2160), 2.0),
    ("board", (320, 240), 0.4),
    ("technician", (1366, 768), 1.0),
    ("technician", (1920, 1080), 1.0),
])
def test_each_station_scales_by_the_one_rule(name, size, expected):
    station = _stations()[name]
    assert station.scale_for(*size) == expected
    assert scale_for(*size, station.design) == expected


def test_the_scale_is_one_at_the_design_size_and_never_shrinks_as_the_window_grows():
    for station in _stations().values():
        design = station.design
        assert station.scale_for(design.width, design.height) == 1.0
        previous = 0.0
        for step in range(40, 400, 7):
            scale = station.scale_for(design.width * step // 100, design.height * step // 100)
            assert design.smallest <= scale <= design.largest
            assert scale >= previous
            previous = scale


def test_follow_damps_the_change():
    full = Design(1000, 500, smallest=0.1, largest=10)
    half = Design(1000, 500, follow=0.5, smallest=0.1, largest=10)
    assert scale_for(2000, 1000, full) == 2.0
    assert scale_for(2000, 1000, half) == 1.5
    assert scale_for(500, 250, half) == 0.75
    assert scale_for(2000, 600, full) == 1.2   # the limiting side decides


# -- rules to a style sheet ------------------------------------------------------------------


def test_lengths_scale_with_a_floor_and_other_values_stay():
    sheet = stylesheet([rule("QLabel#A", font_size=20, font_weight=800, padding=(0, 10),
                             border=("1px", "solid", theme.NAVY), min_height=AtLeast(100, 80),
                             color="white")], 0.5)
    assert sheet == ("QLabel#A {\n    font-size: 10px;\n    font-weight: 800;\n"
                     "    padding: 0 5px;\n    border: 1px solid #0a3a70;\n"
                     "    min-height: 80px;\n    color: white;\n}\n")
    assert "border: 1px" in stylesheet([rule("Q", border=(3, "solid", "red"))], 0.1)
    assert "min-height: 160px" in stylesheet([rule("Q", min_height=AtLeast(100, 80))], 1.6)


def test_a_circle_has_half_its_side_as_radius():
    sheet = stylesheet([rule("QLabel#Dot", circle=61)], 1.0)
    assert "min-width: 61px" in sheet and "max-height: 61px" in sheet
    assert "border-radius: 30px" in sheet


def test_rules_keep_their_order_and_states_follow_their_widget():
    rules = theme.states("QPushButton", {"color": "red"}, pressed={"color": "blue"},
                         selected__not_focus={"color": "green"})
    assert [r.selector for r in rules] == ["QPushButton", "QPushButton:pressed",
                                           "QPushButton:selected:!focus"]
    sheet = stylesheet([theme.bar("QFrame#Bar"), rules], 1.0)
    assert sheet.index("QFrame#Bar QLabel") < sheet.index("QPushButton:pressed")


@pytest.mark.parametrize("scale", [0.4, 0.7, 1.0, 1.41, 2.0])
def test_every_station_sheet_is_well_formed(scale):
    for station in _stations().values():
        sheet = station.stylesheet(scale)
        assert sheet.count("{") == sheet.count("}") > 10
        assert "None" not in sheet and "_" not in re.sub(r"\"[^\"]*\"", "", sheet)
        assert sheet.startswith('* {\n    font-family: "')


def test_touch_buttons_and_keys_keep_their_floor_on_a_small_screen():
    from kiosk.ui import style

    small = style.TICKET_SCREEN.stylesheet(0.5)
    service = re.search(r'QPushButton\[role="service"\] \{([^}]*)\}', small)[1]
    key = re.search(r"QFrame#Keyboard QPushButton \{([^}]*)\}", small)[1]
    assert f"min-height: {style.MIN_BUTTON_PX}px" in service
    assert f"min-height: {style.MIN_KEY_PX}px" in key


# -- widget helpers --------------------------------------------------------------------------


def test_set_prop_restyles_only_on_a_change(qtbot):
    from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

    from kiosk.ui.widgets import set_prop

    frame = QFrame()
    qtbot.addWidget(frame)
    inner = QLabel("1", frame)
    QVBoxLayout(frame).addWidget(inner)
    frame.setStyleSheet('QFrame[hot="on"] QLabel { color: #ff0000; } QLabel { color: #000000; }')
    frame.show()
    set_prop(frame, "hot", "on", children=True)
    assert frame.property("hot") == "on"
    assert inner.palette().windowText().color().name() == "#ff0000"
    set_prop(frame, "hot", "off", children=True)
    assert inner.palette().windowText().color().name() == "#000000"


def test_label_and_touch_button(qtbot):
    from PySide6.QtCore import Qt

    from kiosk.ui.widgets import LEFT, label, touch_button

    title = label("PageTitle", align=LEFT)
    button = touch_button("OK", "primary")
    qtbot.addWidget(title)
    qtbot.addWidget(button)
    assert title.objectName() == "PageTitle" and title.wordWrap()
    assert title.textFormat() == Qt.TextFormat.PlainText
    assert button.property("role") == "primary"
    assert button.focusPolicy() == Qt.FocusPolicy.NoFocus and not button.autoDefault()
