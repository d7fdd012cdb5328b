"""scripts/build.sh's libusb check on a built folder (`--check-libusb DIR`): without libusb in
the bundle no usb:// printer works on a station, so the build must fail, with a plain message.

The folders are real directories shaped like PyInstaller's output; the Windows case is checked
with KIOSK_BUILD_TARGET=win32 (the script's own switch for it). The whole build runs in
tests/test_frozen_build.py.
"""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def check(folder: Path, target: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "build.sh"), "--check-libusb", str(folder)],
        env={**os.environ, "PYTHON_BIN": sys.executable, "KIOSK_BUILD_TARGET": target, **env},
        capture_output=True, text=True, timeout=60, cwd=ROOT)


def built(tmp_path: Path, *files: str) -> Path:
    folder = tmp_path / "kiosk"
    (folder / "_internal").mkdir(parents=True)
    for name in files:
        (folder / "_internal" / name).write_bytes(b"\x7fELF or MZ")
    return folder


def test_windows_build_without_the_libusb_dll_fails(tmp_path: Path) -> None:
    proc = check(built(tmp_path, "python311.dll"), "win32")
    assert proc.returncode == 1
    assert "libusb-1.0.dll is missing" in proc.stderr and "pip install libusb-package" in \
        proc.stderr


def test_windows_build_with_the_libusb_dll_passes(tmp_path: Path) -> None:
    proc = check(built(tmp_path, "libusb-1.0.dll"), "win32")
    assert proc.returncode == 0, proc.stderr
    assert "libusb: _internal" in proc.stdout


def test_linux_build_with_libusb_passes(tmp_path: Path) -> None:
    proc = check(built(tmp_path, "libusb-1.0.so.0"), "linux")
    assert proc.returncode == 0, proc.stderr
    assert "libusb-1.0.so.0" in proc.stdout


@pytest.mark.skipif(ctypes.util.find_library("usb-1.0") is None,
                    reason="this machine has no libusb-1.0: the script skips the check")
def test_linux_build_without_libusb_fails_when_the_build_machine_has_it(tmp_path: Path) -> None:
    proc = check(built(tmp_path), "linux")
    assert proc.returncode == 1
    assert "no libusb-1.0.so" in proc.stderr
