"""Heavy modules stay out of the start-up paths: the CLI and the ticket kiosk never load OpenCV,
numpy, QtMultimedia (display board), QtCharts (office view) or the aiohttp city server.

Each check runs in a fresh interpreter, because this test process has imported everything.
The ticket kiosk runs through the real entry point, `kiosk --data-dir DIR run --no-supervise`
(in this process rather than the supervisor's child, and with a configuration file so the
set-up wizard stays closed), quitting after its first frame (KIOSK_EXIT_AFTER_FIRST_FRAME=1).
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Who tried to import numpy, if anyone: sqlite-utils does when it is installed (numpy comes
#: with OpenCV: a developer's venv, a document-camera counter's build) and is answered "not
#: installed" (kiosk/import_hooks.py).
NUMPY_ALLOWED_IMPORTERS = {"sqlite_utils.db"}

PROBE = textwrap.dedent("""
    import json, os, sys

    numpy_importers = []

    class WhoImports:
        def find_spec(self, name, path=None, target=None):
            if name == "numpy":
                frame = sys._getframe(1)
                while frame and (frame.f_code.co_filename.startswith("<frozen")
                                 or frame.f_globals.get("__name__") == "importlib"):
                    frame = frame.f_back
                numpy_importers.append(frame.f_globals.get("__name__") if frame else None)
            return None

    sys.meta_path.insert(0, WhoImports())

    import kiosk.cli

    kiosk.cli.build_parser()
    after_cli = sorted(sys.modules)
    code = kiosk.cli.main(["--data-dir", sys.argv[1], "run", "--no-supervise"])
    print(json.dumps({"code": code, "cli": after_cli, "run": sorted(sys.modules),
                      "numpy_importers": numpy_importers}))
""")


def probe(tmp_path) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_EXIT_AFTER_FIRST_FRAME": "1"}
    env.pop("KIOSK_CONFIG", None)
    station = tmp_path / "station"
    station.mkdir()
    (station / "kiosk.toml").write_text("", encoding="utf-8")  # embedded defaults
    proc = subprocess.run([sys.executable, "-c", PROBE, str(station)], cwd=ROOT,
                          capture_output=True, text=True, timeout=90, env=env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert any(line.startswith("first frame after ") for line in lines), proc.stdout
    return json.loads(lines[-1])


def loaded(modules: list[str], *names: str) -> list[str]:
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in names)]


def test_cli_and_ticket_kiosk_start_without_heavy_modules(tmp_path):
    result = probe(tmp_path)
    assert result["code"] == 0
    # Parsing the command line (every subcommand registered) loads no GUI, camera, PDF,
    # spreadsheet or network stack: `kiosk services` and friends start fast.
    assert loaded(result["cli"], "cv2", "numpy", "PySide6", "aiohttp", "requests", "fpdf",
                  "openpyxl", "escpos", "usb", "zxingcpp") == []
    # The ticket kiosk up to its first frame: Qt Core/Gui/Widgets only; no HTTP stack without
    # a city server configured (checking the [sync] proxy setting must not load it).
    assert loaded(result["run"], "cv2", "numpy", "PySide6.QtMultimedia",
                  "PySide6.QtMultimediaWidgets", "PySide6.QtCharts", "PySide6.QtTextToSpeech",
                  "PySide6.QtQml", "PySide6.QtQuick", "aiohttp", "fpdf",
                  "openpyxl", "sync.server", "requests", "truststore") == []
    assert set(result["numpy_importers"]) <= NUMPY_ALLOWED_IMPORTERS, (
        "numpy imported on the ticket kiosk's start path by " + repr(result["numpy_importers"]))


HIDDEN_PROBE = textwrap.dedent("""
    import json, sys
    if sys.argv[1] == "numpy first":
        import numpy
    import kiosk
    import sqlite_utils.db
    got = sqlite_utils.db.np
    seen = {"np": None if got is None else got.__name__, "before": "numpy" in sys.modules}
    import numpy  # OpenCV's own import, later: as installed
    seen["after"] = numpy.__name__
    print(json.dumps(seen))
""")


def test_sqlite_utils_gets_no_numpy_unless_the_process_has_it():
    """numpy stays out of sqlite-utils' import (kiosk/import_hooks.py), and only out of it:
    numpy imports afterwards as installed, and a process that imported it first gives it to
    sqlite-utils as before."""
    seen = {}
    for case in ("kiosk first", "numpy first"):
        proc = subprocess.run([sys.executable, "-c", HIDDEN_PROBE, case], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        seen[case] = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["kiosk first"] == {"np": None, "before": False, "after": "numpy"}
    assert seen["numpy first"] == {"np": "numpy", "before": True, "after": "numpy"}
