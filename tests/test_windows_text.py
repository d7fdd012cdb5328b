"""Vietnamese text on a Windows counter PC: output to a pipe or a file under the ANSI code page
(cp1258), a kiosk.toml saved by Notepad (with a BOM, or in ANSI), and the windowed exe that
has no console at all (sys.stdout and sys.stderr are None)."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest

from kiosk.config import ConfigError, load
from kiosk.diagnostics.bundle import make_support_bundle
from kiosk.paths import resolve

NAME = "Điểm phục vụ hành chính công xã Đông Hòa"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(PYTHONIOENCODING="cp1258", QT_QPA_PLATFORM="offscreen")
    return env


def _kiosk(tmp_path: Path, *args: str, code: str | None = None) -> subprocess.CompletedProcess:
    """`kiosk --data-dir tmp_path ARGS` in a child with cp1258 streams, stdout to a file."""
    out = tmp_path / "out.txt"
    prog = code or "import sys; from kiosk.cli import main; raise SystemExit(main(sys.argv[1:]))"
    with out.open("wb") as f:
        proc = subprocess.run([sys.executable, "-c", prog, "--data-dir", str(tmp_path), *args],
                              stdout=f, stderr=subprocess.PIPE, env=_env(), timeout=120)
    proc.stdout = out.read_bytes()
    return proc


def _ansi(text: str) -> bytes:
    """`text` as Notepad saves it in the Vietnamese ANSI code page: precomposed where cp1258
    has the letter, else a base letter (with its first mark, if cp1258 has that) and
    combining marks."""
    out = b""
    for ch in text:
        d = unicodedata.normalize("NFD", ch)
        for candidate in (ch, unicodedata.normalize("NFC", d[:2]) + d[2:], d):
            try:
                out += candidate.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise AssertionError(f"cp1258 cannot write {ch!r}")
    return out


@pytest.mark.parametrize("command", [("config", "show"), ("calendar", "holidays"),
                                     ("doctor",), ("printer", "list")])
def test_vietnamese_output_to_a_file_under_the_ansi_code_page(tmp_path, command):
    (tmp_path / "kiosk.toml").write_text(f'[office]\nname = "{NAME}"\n', encoding="utf-8")
    proc = _kiosk(tmp_path, *command)
    assert b"Traceback" not in proc.stderr, proc.stderr.decode("utf-8", "replace")
    assert proc.returncode in (0, 1)  # doctor: 1 when a check fails (no printer here)
    text = proc.stdout.decode("utf-8")  # the output is UTF-8
    if command == ("config", "show"):
        assert NAME in text
    if command == ("calendar", "holidays"):
        assert "Tết Nguyên Đán" in text


def test_a_config_saved_with_a_bom_loads(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_bytes(b"\xef\xbb\xbf" + f'[office]\nname = "{NAME}"\n'.encode())
    assert load(path).office.name == NAME
    proc = _kiosk(tmp_path, "config", "show")
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert NAME in proc.stdout.decode("utf-8")


def test_an_ansi_config_gives_a_plain_message(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_bytes(b'[office]\ncode = "000.00.01.H26"\nname = "' + _ansi(NAME) + b'"\n')
    with pytest.raises(ConfigError) as exc:
        load(path)
    assert "not UTF-8 (saved as ANSI?)" in str(exc.value) and "line 3" in str(exc.value)
    for command in (("config", "show"), ("calendar", "holidays")):
        proc = _kiosk(tmp_path, *command)
        assert proc.returncode == 2
        err = proc.stderr.decode("utf-8")
        assert "Traceback" not in err
        assert "kiosk.toml is not UTF-8 (saved as ANSI?): open it in Notepad and Save As… " \
               "with Encoding UTF-8" in err
    # doctor names the problem (and its exit says a check failed), without a traceback
    proc = _kiosk(tmp_path, "doctor")
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr
    assert "not UTF-8" in proc.stdout.decode("utf-8")


def test_a_windowed_start_on_an_ansi_config_says_so_in_a_box_and_the_log(tmp_path, monkeypatch,
                                                                         qtbot):
    # kiosk-gui.exe run (the auto-start) has no console: the configuration error it prints
    # would reach nobody, and the station would stay down without a trace.
    import logging

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from kiosk.cli import CONFIG_REFUSED_VI, main
    from kiosk.commands import EXIT_USAGE

    (tmp_path / "kiosk.toml").write_bytes(b'[office]\nname = "' + _ansi(NAME) + b'"\n')
    seen: list[tuple[str, str]] = []

    def close_the_box() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, close_the_box)
            return
        seen.append((box.text(), box.informativeText()))
        box.button(QMessageBox.StandardButton.Close).click()

    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        QTimer.singleShot(50, close_the_box)
        code = main(["--data-dir", str(tmp_path), "run"])
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
    assert code == EXIT_USAGE
    assert len(seen) == 1
    text, detail = seen[0]
    assert text == CONFIG_REFUSED_VI
    assert "kiosk.toml is not UTF-8 (saved as ANSI?)" in detail and "line 2" in detail
    log = (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "ERROR kiosk.config: Configuration error in" in log and "not UTF-8" in log


def test_a_console_command_on_an_ansi_config_prints_it_and_loads_no_qt(tmp_path):
    (tmp_path / "kiosk.toml").write_bytes(b'[office]\nname = "' + _ansi(NAME) + b'"\n')
    proc = _kiosk(tmp_path, "run", code=(
        "import sys\nfrom kiosk.cli import main\ncode = main(sys.argv[1:])\n"
        "print('qt loaded:', 'PySide6' in sys.modules)\nraise SystemExit(code)\n"))
    assert proc.returncode == 2
    assert proc.stdout.decode("utf-8").strip() == "qt loaded: False"
    assert "not UTF-8 (saved as ANSI?)" in proc.stderr.decode("utf-8")
    assert "not UTF-8" in (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")


def test_the_support_bundle_takes_an_ansi_config(tmp_path):
    (tmp_path / "kiosk.toml").write_bytes(b'[office]\nname = "' + _ansi(NAME) + b'"\n')
    out = tmp_path / "bundle.zip"
    make_support_bundle(resolve(str(tmp_path), None), out, run_doctor=False)
    with zipfile.ZipFile(out) as z:
        assert "[office]" in z.read("config/kiosk.toml").decode("utf-8")


NO_CONSOLE = ("import sys; sys.stdout = None; sys.stderr = None\n"
              "from kiosk.cli import main\n"
              "raise SystemExit(main(sys.argv[1:]))\n")


@pytest.mark.parametrize("command, codes", [
    (("sync", "status"), (0,)),
    (("sync", "once"), (2,)),           # no city server configured: a usage exit, not a crash
    (("config", "show"), (0,)),
    (("calendar", "holidays"), (0,)),
    (("doctor",), (0, 1)),
    (("printer", "list"), (0,)),
    (("no-such-command",), (2,)),       # argparse's own message goes nowhere, quietly
])
def test_commands_run_without_a_console(tmp_path, command, codes):
    proc = _kiosk(tmp_path, *command, code=NO_CONSOLE)
    assert proc.returncode in codes, proc.stderr.decode("utf-8", "replace")
    assert proc.stderr == b"" and proc.stdout == b""
