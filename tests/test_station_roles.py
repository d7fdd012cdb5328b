"""`kiosk run` starts what [station] role says; the ticket kiosk can host the office hub;
logs go to the platform's log folder unless a data directory is given."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from kiosk import config as config_mod
from kiosk.admin.settings import ROLES
from kiosk.config import Config
from kiosk.paths import Paths
from tests.util import free_port

ROOT = Path(__file__).resolve().parent.parent
KEY = "office-key-for-roles-01"


@pytest.fixture
def runners(monkeypatch):
    """Every window `kiosk run` can open, replaced by a probe recording (name, config, extra)."""
    import kiosk.commands.queue_ops
    import kiosk.supervisor
    import kiosk.ui.app
    import kiosk.ui.counter
    import kiosk.ui.display.app

    calls: list[tuple[str, Config, dict]] = []

    def probe(name):
        return lambda config, paths, **kw: calls.append((name, config, kw)) or 0

    monkeypatch.setattr(kiosk.supervisor, "install_crash_logging", lambda *a, **k: None)
    monkeypatch.setattr(kiosk.ui.app, "run_kiosk", probe("kiosk"))
    monkeypatch.setattr(kiosk.ui.counter, "run_counter", probe("counter"))
    monkeypatch.setattr(kiosk.ui.display.app, "run_display", probe("display"))
    monkeypatch.setattr(kiosk.commands.queue_ops, "run_hub", probe("hub"))
    return calls


@pytest.mark.parametrize("role", ROLES)
def test_kiosk_run_opens_the_window_of_the_station_role(tmp_path, runners, role):
    from kiosk.cli import main

    config = Config().with_values(station={"role": role}, counter={"number": 4, "clerk": "Lan"})
    config_mod.save(config, tmp_path / "kiosk.toml")
    assert main(["--data-dir", str(tmp_path), "run", "--no-supervise"]) == 0
    assert [(name, cfg.station.role) for name, cfg, _ in runners] == [(role, role)]
    if role == "counter":
        assert runners[0][2] == {"clerk": "Lan"}


def test_the_demo_is_always_the_ticket_kiosk(tmp_path, runners):
    from kiosk.cli import main

    config_mod.save(Config().with_values(station={"role": "display"}), tmp_path / "kiosk.toml")
    assert main(["--data-dir", str(tmp_path), "demo"]) == 0
    assert [name for name, _, _ in runners] == ["kiosk"]


def test_kiosk_run_on_a_hub_station_serves_the_hub(tmp_path):
    port = free_port()
    config = Config().with_values(station={"role": "hub"},
                                  hub={"role": "hub", "port": port, "office_key": KEY})
    config_mod.save(config, tmp_path / "kiosk.toml")
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_OFFICE_KEY"}
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp_path),
                             "run", "--no-supervise"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert "hub listening on" in line, proc.stderr.read() if proc.poll() is not None else line
        url = line.rsplit(" ", 1)[1].strip()
        assert requests.get(f"{url}/api/v1/health", timeout=5).status_code == 200
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


def test_the_ticket_kiosk_starts_the_hub_when_it_is_the_hub(tmp_path, caplog):
    from kiosk.station import start_office_hub

    paths = Paths(tmp_path, tmp_path / "kiosk.toml")
    assert start_office_hub(Config(), paths) is None  # standalone: no hub
    port = free_port()
    config = Config().with_values(hub={"role": "hub", "port": port, "office_key": KEY})
    hub = start_office_hub(config, paths)
    assert hub is not None
    try:
        assert requests.get(f"{hub.url}/api/v1/health", timeout=5).status_code == 200
        # A second hub on the same port cannot listen: logged, and the kiosk carries on.
        with caplog.at_level(logging.ERROR, logger="kiosk.station"):
            assert start_office_hub(config, paths) is None
        assert "office hub did not start" in caplog.text
    finally:
        hub.stop()


def test_logs_go_to_the_platform_log_folder_without_a_data_directory(tmp_path, monkeypatch):
    import platformdirs

    from kiosk.paths import APP_NAME, CONFIG_ENV, DATA_DIR_ENV, resolve

    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    assert resolve().logs == Path(platformdirs.user_log_dir(APP_NAME, False))
    assert resolve(tmp_path).logs == tmp_path / "logs"
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "env"))
    assert resolve().logs == tmp_path / "env" / "logs"
    assert Paths(tmp_path, tmp_path / "kiosk.toml").logs == tmp_path / "logs"
