"""A crash restarts instead of freezing: the windowed Windows exe shows no traceback dialog
(kiosk.spec), and an exception nothing handled ends `kiosk ...` with EXIT_CRASHED and a log
line (no personal data), so the supervisor of `kiosk run` starts the window again. Every main
subcommand also runs with sys.stdout and sys.stderr None, as in kiosk-gui.exe."""

from __future__ import annotations

import ast
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.commands import EXIT_CRASHED
from kiosk.supervisor import describe_exit

ROOT = Path(__file__).resolve().parents[2]


def _exe_calls() -> list[ast.Call]:
    tree = ast.parse((ROOT / "kiosk.spec").read_text(encoding="utf-8"))
    return [node for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "EXE"]


def test_the_spec_turns_the_windowed_traceback_dialog_off():
    calls = _exe_calls()
    assert calls, "kiosk.spec builds no EXE"
    for call in calls:
        keywords = {k.arg: k.value for k in call.keywords}
        value = keywords.get("disable_windowed_traceback")
        assert isinstance(value, ast.Constant) and value.value is True, (
            "kiosk-gui.exe would wait on PyInstaller's traceback dialog after a crash")
    # the windowed exe is made by that same EXE call
    spec = (ROOT / "kiosk.spec").read_text(encoding="utf-8")
    assert '_exe("kiosk-gui", console=False)' in spec


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="cp1258", **extra)
    return env


# As antivirus or a broken copy can do to a build's _internal\ folder: a package the command
# needs is gone, and its import fails in the middle of the command.
MISSING_PIL = "import sys; sys.modules['PIL'] = None\n"
NO_CONSOLE = "import sys; sys.stdout = None; sys.stderr = None\n"
MAIN = "from kiosk.cli import main\nraise SystemExit(main(sys.argv[1:]))\n"


def _kiosk(tmp_path: Path, prelude: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", prelude + MAIN, "--data-dir", str(tmp_path), *args],
        capture_output=True, env=_env(**env), timeout=120, cwd=ROOT)


TICKET = ("ticket", "--service", "CT", "--printer", "preview://", "--json")


def test_an_unhandled_exception_ends_the_command_with_the_crash_status_and_a_log_line(tmp_path):
    proc = _kiosk(tmp_path, MISSING_PIL, *TICKET)
    assert proc.returncode == EXIT_CRASHED
    assert "uncaught exception" in describe_exit(proc.returncode)  # the supervisor restarts
    err = proc.stderr.decode("utf-8")
    assert "Traceback" not in err
    log_file = tmp_path / "logs" / "kiosk.log"
    assert err.startswith("error: unexpected ModuleNotFoundError: import of PIL halted")
    assert f"details in {log_file}" in err
    log = log_file.read_text(encoding="utf-8")
    assert f"CRITICAL kiosk.cli: unexpected ModuleNotFoundError; exiting with status " \
           f"{EXIT_CRASHED}" in log
    assert "Traceback (most recent call last)" in log  # the technician's details


def test_without_a_console_the_crash_is_logged_and_the_status_is_the_same(tmp_path):
    proc = _kiosk(tmp_path, MISSING_PIL + NO_CONSOLE, *TICKET)
    assert proc.returncode == EXIT_CRASHED
    assert proc.stdout == b"" and proc.stderr == b""
    log = (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "unexpected ModuleNotFoundError" in log


def test_the_crash_log_masks_personal_data(tmp_path, capsys):
    # A bug whose message carries a citizen's ID number and phone: neither the log nor the
    # console line keeps them.
    from kiosk.cli import _crashed
    from kiosk.paths import resolve

    try:
        raise ValueError("card 089202017098, phone 0912 345 678")
    except ValueError as exc:
        bug = exc
    root = logging.getLogger()
    before = list(root.handlers)
    # As in a fresh process: no kiosk log set up yet by an earlier command of this run.
    for handler in before:
        if getattr(handler, "_kiosk", False):
            root.removeHandler(handler)
    try:
        assert _crashed(bug, resolve(str(tmp_path), None)) == EXIT_CRASHED
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
        for handler in before:
            if handler not in root.handlers:
                root.addHandler(handler)
    log = (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
    err = capsys.readouterr().err
    for text in (log, err):
        assert "unexpected ValueError" in text
        assert "089202017098" not in text and "0912 345 678" not in text
        assert "<id-number>" in text and "<phone>" in text


def test_debug_shows_the_traceback_instead(tmp_path):
    proc = _kiosk(tmp_path, MISSING_PIL, "--debug", *TICKET)
    assert proc.returncode == 1
    assert b"Traceback (most recent call last)" in proc.stderr


@pytest.mark.parametrize("command, codes", [
    (("services", "--json"), (0,)),
    (TICKET, (0,)),
    (("queue", "--json"), (0,)),
    (("backup", "--out", "{tmp}/b.db.gz"), (1,)),  # no database yet: a plain error, nowhere
    (TICKET + ("&&", "backup", "--out", "{tmp}/b.db.gz"), (0,)),
    (("report", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "csv",
      "--out", "{tmp}/r.csv"), (0,)),
    (("export", "logbook", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "csv",
      "--out", "{tmp}/so.csv"), (0,)),
    (("seed", "--tickets", "3"), (0,)),
    (("sync", "compact"), (0,)),
    (("demo",), (0,)),                       # the ticket kiosk's window, first frame, quit
    (("run", "--no-supervise"), (0,)),
    (("support-bundle", "--out", "{tmp}/bundle.zip"), (0,)),
    (("stop",), (0,)),                      # nothing running: says so, nowhere
    # the commands that print Vietnamese or progress (sync status reads isatty())
    (("config", "show"), (0,)),
    (("calendar", "holidays"), (0,)),
    (("doctor",), (0, 1)),                   # a check may fail here; the answer goes nowhere
    (("printer", "list"), (0,)),
    (("scan", "listen", "--list"), (0,)),
    (("sync", "status"), (0,)),
])
def test_main_subcommands_run_without_a_console(tmp_path, command, codes):
    (tmp_path / "kiosk.toml").write_text("", encoding="utf-8")  # no set-up wizard
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    while "&&" in args:  # a command that prepares the station first
        first, args = args[:args.index("&&")], args[args.index("&&") + 1:]
        assert _kiosk(tmp_path, NO_CONSOLE, *first).returncode == 0
    proc = _kiosk(tmp_path, NO_CONSOLE, *args, KIOSK_EXIT_AFTER_FIRST_FRAME="1")
    assert proc.returncode in codes, (proc.returncode, proc.stderr.decode("utf-8", "replace"))
    # Qt writes its own warnings to the process's native stderr (a debugger's output on Windows)
    native = b"This plugin does not support propagateSizeHints()\n"
    assert proc.stdout == b"" and proc.stderr.replace(native, b"") == b""
    log = tmp_path / "logs" / "kiosk.log"
    assert "Traceback" not in (log.read_text(encoding="utf-8") if log.exists() else "")
