"""docs/screenshots holds exactly the pictures tools/screenshots makes: each *.png is declared
by one screenshot module (a picture no script makes any more is stale and fails here), and
each declared picture is there. The modules declare their files in SHOTS, so this needs no
Qt run; screenshot_main checks a run against SHOTS."""

import importlib
from pathlib import Path

import pytest

from tools.screenshots import NAMES
from tools.screenshots.ticket import check_shots

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def declared() -> dict[str, str]:
    """file name -> the module that makes it."""
    owner: dict[str, str] = {}
    for name in NAMES:
        for shot in importlib.import_module(f"tools.screenshots.{name}").SHOTS:
            assert shot not in owner, f"{shot} declared by {owner[shot]} and {name}"
            owner[shot] = name
    return owner


def test_every_module_is_listed():
    modules = {p.stem for p in (DOCS.parents[1] / "tools" / "screenshots").glob("*.py")}
    assert modules - {"__init__", "__main__", "common"} == set(NAMES)


def test_the_screenshots_folder_is_what_the_modules_make():
    owner = declared()
    on_disk = {p.name for p in DOCS.glob("*.png")}
    assert sorted(on_disk - owner.keys()) == [], "pictures no screenshot module makes"
    assert sorted(owner.keys() - on_disk) == [], "declared pictures missing from docs"
    assert all(name.endswith(".png") for name in owner)


def test_a_run_writing_an_undeclared_picture_fails(capsys):
    check_shots(("a.png", "b.png"), ["a.png", "b.png"])
    check_shots(("a.png", "pdf.png"), ["a.png"])  # pdftoppm missing: kept, and said
    assert "pdf.png" in capsys.readouterr().err
    with pytest.raises(RuntimeError, match="c.png"):
        check_shots(("a.png",), ["a.png", "c.png"])
