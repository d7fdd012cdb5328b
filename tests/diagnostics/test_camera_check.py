"""The doctor's camera check: Windows' Media Foundation opens a camera slowly, and a camera
the privacy switch hides gives no picture. No camera exists here: a stand-in for OpenCV's
VideoCapture opens after a set time (the device's part); the check itself runs as it is."""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.config import Config
from kiosk.diagnostics import checks
from kiosk.diagnostics.results import Context
from kiosk.paths import Paths

cv2 = pytest.importorskip("cv2")

OPEN_S = 3.0  # a Media Foundation camera's first open; more than CAMERA_OPEN_S


class Camera:
    """A camera that opens after `open_s` (or never gives a frame when open_s is None)."""

    open_s: float | None = OPEN_S

    def __init__(self, source: object) -> None:
        if self.open_s is not None:
            time.sleep(self.open_s)

    def isOpened(self) -> bool:  # noqa: N802
        return self.open_s is not None

    def read(self) -> tuple[bool, object]:
        return True, object()

    def release(self) -> None:
        pass


def ctx(tmp_path: Path) -> Context:
    config = Config()
    config = replace(config, scanner=replace(config.scanner, camera="0"))
    return Context(Paths(tmp_path, tmp_path / "kiosk.toml"), config, timeout_s=0.5)


@pytest.fixture
def camera(monkeypatch: pytest.MonkeyPatch) -> type[Camera]:
    monkeypatch.setattr(cv2, "VideoCapture", Camera)
    return Camera


def test_slow_camera_fails_the_short_budget_elsewhere(camera: type[Camera],
                                                     tmp_path: Path) -> None:
    assert checks.CAMERA_OPEN_S + 0.5 < OPEN_S
    [result] = checks.check_camera(ctx(tmp_path))
    assert not result.ok and "did not answer" in result.detail
    assert "Privacy" not in result.fix


def test_windows_gives_media_foundation_time_to_open(camera: type[Camera], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    started = time.monotonic()
    [result] = checks.check_camera(ctx(tmp_path))
    assert result.ok, result.detail
    assert time.monotonic() - started >= OPEN_S


def test_windows_camera_without_picture_names_the_privacy_switch(
        camera: type[Camera], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(camera, "open_s", None)
    [result] = checks.check_camera(ctx(tmp_path))
    assert not result.ok and "gives no picture" in result.detail
    assert "Settings > Privacy & security > Camera" in result.fix
    assert "Let desktop apps access your camera" in result.fix
