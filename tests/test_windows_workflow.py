"""The Windows CI workflow (.github/workflows/windows.yml) cannot run here, so its promises are
read from the file itself: a Windows runner; install, lint, the Windows tests (files that
exist), scripts/build.sh, then a smoke test of dist\\kiosk under the ANSI code page (cp1252):
--version, doctor --self-test, printer list, the first Qt frame, kiosk-gui.exe exiting within
a timeout; and the zip that scripts/build.sh really writes is the one uploaded.
"""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"


@pytest.fixture(scope="module")
def steps() -> list[dict]:
    doc = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True
    assert doc.get("on", doc.get(True)), "the workflow has no trigger"
    jobs = doc["jobs"]
    assert len(jobs) == 1
    job = next(iter(jobs.values()))
    assert str(job["runs-on"]).startswith("windows-")
    assert job.get("timeout-minutes"), "a hung smoke test would hold the runner for 6 hours"
    return job["steps"]


def _index(steps: list[dict], predicate, what: str) -> int:
    found = [i for i, step in enumerate(steps) if predicate(step)]
    assert found, f"no step {what}"
    return found[0]


def _run(step: dict) -> str:
    return step.get("run", "")


def _uses(step: dict, action: str) -> bool:
    return step.get("uses", "").split("@")[0] == action


def test_the_steps_come_in_order(steps):
    order = [
        _index(steps, lambda s: _uses(s, "actions/checkout"), "checking out"),
        _index(steps, lambda s: _uses(s, "actions/setup-python"), "setting up Python"),
        _index(steps, lambda s: 'pip install -e ".[dev]"' in _run(s), "installing"),
        _index(steps, lambda s: "ruff check ." in _run(s), "linting"),
        _index(steps, lambda s: "pytest" in _run(s), "running the tests"),
        _index(steps, lambda s: "scripts/build.sh" in _run(s), "building"),
        _index(steps, lambda s: "dist\\kiosk" in _run(s), "smoke-testing the build"),
        _index(steps, lambda s: _uses(s, "actions/upload-artifact"), "uploading the zip"),
    ]
    assert order == sorted(order)
    python = steps[order[1]]["with"]
    assert str(python["python-version"]) == "3.11" and python.get("architecture") == "x64"


def test_the_windows_tests_it_names_exist(steps):
    run = _run(steps[_index(steps, lambda s: "pytest" in _run(s), "running the tests")])
    named = re.findall(r"tests/\S+\.py", run)
    assert len(named) >= 5
    missing = [name for name in named if not (ROOT / name).is_file()]
    assert not missing, f"the workflow names tests that are gone: {missing}"
    for name in ("tests/test_windows_text.py", "tests/cli/test_crash_exit.py",
                 "tests/test_instance.py", "tests/diagnostics/test_windows_station.py"):
        assert name in named


def test_the_build_runs_the_script_in_bash(steps):
    step = steps[_index(steps, lambda s: "scripts/build.sh" in _run(s), "building")]
    assert step["shell"] == "bash"  # Git Bash; .gitattributes keeps the script's LF
    assert "*.sh text eol=lf" in (ROOT / ".gitattributes").read_text(encoding="utf-8")


def test_the_smoke_test_runs_the_built_exes_under_cp1252(steps):
    step = steps[_index(steps, lambda s: "dist\\kiosk" in _run(s), "smoke-testing the build")]
    assert step["shell"] == "pwsh"
    run = _run(step)
    assert "chcp 1252" in run
    assert "Remove-Item Env:PYTHONIOENCODING" in run and "Remove-Item Env:PYTHONUTF8" in run
    for command in ('@("--version")', '"doctor", "--self-test"', '"printer", "list"',
                    '"calendar", "holidays"'):
        assert command in run, command
    # the first Qt frame: KIOSK_EXIT_AFTER_FIRST_FRAME with the ticket kiosk, no offscreen
    assert '$env:KIOSK_EXIT_AFTER_FIRST_FRAME = "1"' in run and '"demo")' in run
    assert "QT_QPA_PLATFORM" not in run and "QT_QPA_PLATFORM" not in step.get("env", {})
    assert "first frame after" in run
    # the windowed exe, as the auto-start runs it, must end by itself within a timeout
    gui = re.search(r'\$gui = Start-Process -FilePath \(Join-Path \$dist "kiosk-gui.exe"\)'
                    r'.*?"run"\) -PassThru.*?\$gui\.WaitForExit\((\d+)\)', run, re.S)
    assert gui, "kiosk-gui.exe run is not started and waited for"
    assert 0 < int(gui.group(1)) <= 300_000
    assert "$gui.ExitCode -ne 0" in run
    # a second start, console and windowed, is refused with the status of kiosk/instance.py
    from kiosk.commands import EXIT_ALREADY_RUNNING

    assert f"$second -ne {EXIT_ALREADY_RUNNING}" in run
    assert f"$secondGui.ExitCode -ne {EXIT_ALREADY_RUNNING}" in run
    assert '"stop", "--timeout"' in run or "stop --timeout" in run
    # the runner ends a pwsh step with $LASTEXITCODE: the script must not end on a refusal
    assert run.rstrip().splitlines()[-1].strip().startswith("exit 0")


def _glob(steps: list[dict]) -> str:
    step = steps[_index(steps, lambda s: _uses(s, "actions/upload-artifact"), "uploading")]
    assert step["with"].get("if-no-files-found") == "error"
    return step["with"]["path"]


def test_the_uploaded_zip_is_the_one_the_build_script_writes(steps, tmp_path):
    # scripts/build.sh names the zip from the version and the machine; the workflow's glob
    # must match that name, or the upload finds nothing (kiosk-0.1.0-... once became
    # kiosk-0.1.zip through Path.with_suffix).
    folder = tmp_path / "dist" / "kiosk"
    (folder / "_internal").mkdir(parents=True)
    (folder / "kiosk.exe").write_bytes(b"MZ")
    (folder / "kiosk-gui.exe").write_bytes(b"MZ")
    (folder / "_internal" / "libusb-1.0.dll").write_bytes(b"MZ")
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build.sh"), "--archive-only", str(folder)],
        env={**os.environ, "PYTHON_BIN": sys.executable, "KIOSK_BUILD_TARGET": "win32"},
        capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    zips = list((tmp_path / "dist").glob("*.zip"))
    assert len(zips) == 1, proc.stdout
    from kiosk import __version__

    assert zips[0].name.startswith(f"kiosk-{__version__}-windows-")
    relative = zips[0].relative_to(tmp_path).as_posix()
    assert fnmatch.fnmatch(relative, _glob(steps)), (relative, _glob(steps))
    assert f"archive={zips[0]}" in proc.stdout
    with zipfile.ZipFile(zips[0]) as z:
        names = set(z.namelist())
    assert {"kiosk/kiosk.exe", "kiosk/kiosk-gui.exe", "kiosk/_internal/libusb-1.0.dll"} <= names
