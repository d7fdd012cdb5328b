"""The seeded station every archive test starts from: seeded once per module (a module may
seed its own `seeded`), copied for each test."""

import shutil
from pathlib import Path

import pytest

from kiosk.archive import packing
from tests.archive.test_archive import seed_station


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    return seed_station(tmp_path_factory.mktemp("seed") / "station")


@pytest.fixture
def station(seeded, tmp_path) -> Path:
    data = tmp_path / "station"
    shutil.copytree(seeded, data)
    return data


@pytest.fixture
def small_streams(monkeypatch) -> int:
    """Archive files packed in streams (gzip members, xz streams) of 64 KiB, not 16 MiB."""
    size = 64 << 10
    monkeypatch.setattr(packing, "STREAM_BYTES", size)
    return size
