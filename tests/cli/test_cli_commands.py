"""The command table: a run registers (and imports) only the subcommand it names, and the table
says exactly what each command module registers."""

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import COMMAND_MODULES, COMMANDS, _command_in, build_parser

ROOT = Path(__file__).resolve().parents[2]


def test_the_table_names_what_each_module_registers_in_the_help_order():
    registered: list[str] = []
    for module in COMMAND_MODULES:
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        importlib.import_module(module).register(sub)
        names = list(sub.choices)
        assert names == [name for name, owner in COMMANDS.items() if owner == module], module
        registered += names
    assert registered == list(COMMANDS)
    full = build_parser()._subparsers._group_actions[0]  # noqa: SLF001 (argparse's own)
    assert list(full.choices) == list(COMMANDS)


@pytest.mark.parametrize(("argv", "command"), [
    (["report", "--from", "2026-01-01"], "report"),
    (["--data-dir", "report", "doctor"], "doctor"),  # a folder may be called "report"
    (["--config", "k.toml", "--debug", "archive", "--dry-run"], "archive"),
    (["--data-dir=d", "city-server"], "city-server"),
    (["--debug"], None),
    ([], None),
    (["--", "ticket"], "ticket"),
])
def test_the_command_is_the_first_word_that_is_no_option(argv, command):
    assert _command_in(argv) == command


def test_a_run_parses_with_its_own_command_only_and_the_help_lists_all():
    parser = build_parser(["--data-dir", "d", "report", "--from", "2026-01-01", "--to",
                           "2026-01-31", "--format", "csv", "--out", "r.csv"])
    choices = parser._subparsers._group_actions[0].choices  # noqa: SLF001
    assert list(choices) == ["report", "office"]
    args = parser.parse_args(["--data-dir", "d", "report", "--from", "2026-01-01", "--to",
                              "2026-01-31", "--format", "csv", "--out", "r.csv"])
    assert args.command == "report" and args.format == "csv"
    # No command, or a wrong one: every command, so the usage error lists them all.
    for argv in ([], ["--debug"], ["reprot"]):
        choices = build_parser(argv)._subparsers._group_actions[0].choices  # noqa: SLF001
        assert list(choices) == list(COMMANDS)


PROBE = """
import json, sys
from kiosk.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def test_a_report_run_does_not_import_the_other_commands(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, "--data-dir", str(tmp_path), "report", "--from",
         "2026-01-05", "--to", "2026-01-09", "--format", "csv", "--out",
         str(tmp_path / "r.csv")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["code"] == 0
    assert (tmp_path / "r.csv").is_file()
    modules = result["modules"]
    commands = {m for m in modules if m.startswith("kiosk.commands.")}
    assert commands <= {"kiosk.commands", "kiosk.commands.report"}, commands
    assert not [m for m in modules if m.startswith(("escpos", "serial", "PySide6", "cv2"))]
