"""Headless operation: `kiosk ticket --hub`, `kiosk call`, `kiosk queue` against a real hub,
and `kiosk call` / `kiosk queue` on the station's own database."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kiosk.cli import main
from kiosk.commands.queue_ops import EXIT_NOTHING
from kiosk.queue.settings import OFFICE_KEY_ENV
from tests.hubutil import KEY, ROOT, hub_pool_fixture  # noqa: F401 (fixtures)


@pytest.fixture(scope="module")
def shared_hub(hub_pool):
    """One hub for this module: each test uses its own counters, and none needs it empty."""
    h = hub_pool.take()
    yield h
    h.stop()


def run(capsys, tmp_path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(tmp_path / "station"), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_ticket_call_queue_through_the_hub(shared_hub, tmp_path, capsys, monkeypatch):
    hub = shared_hub
    monkeypatch.setenv(OFFICE_KEY_ENV, KEY)
    slip = tmp_path / "slip.bin"
    code, out, _ = run(capsys, tmp_path, "ticket", "--hub", hub.url, "--service", "HT",
                       "--priority", "elderly", "--printer", f"file://{slip}", "--json")
    ticket = json.loads(out)
    assert code == 0 and ticket["number"] == "B001" and ticket["print_status"] == "printed"
    assert ticket["priority"] == "elderly" and slip.stat().st_size > 1000

    code, out, _ = run(capsys, tmp_path, "call", "--hub", hub.url, "--counter", "2",
                       "--services", "HT,CT", "--clerk", "Lan", "next", "--json")
    called = json.loads(out)
    assert code == 0 and called["number"] == "B001" and called["counter"] == 2
    assert called["status"] == "called" and called["clerk"] == "Lan" and called["called_at"]
    assert called["issued_at"] == ticket["issued_at"]

    code, out, _ = run(capsys, tmp_path, "call", "--hub", hub.url, "--counter", "2",
                       "recall", "--json")
    assert code == 0 and json.loads(out)["number"] == "B001"

    code, out, _ = run(capsys, tmp_path, "queue", "--hub", hub.url, "--json")
    snap = json.loads(out)
    assert code == 0 and snap["serving"][0]["counter"] == 2
    assert snap["serving"][0]["number"] == "B001" and snap["waiting"]["HT"] == 0
    code, out, _ = run(capsys, tmp_path, "queue", "--hub", hub.url)
    assert code == 0 and "counter   2: B001" in out

    code, out, _ = run(capsys, tmp_path, "call", "--hub", hub.url, "--counter", "2",
                       "--services", "HT", "next", "--json")
    assert code == EXIT_NOTHING and out.strip() == "null"  # B001 finished, nobody waits
    code, out, _ = run(capsys, tmp_path, "call", "--hub", hub.url, "--counter", "2", "finish")
    assert code == EXIT_NOTHING and "serves no ticket" in out
    code, _, err = run(capsys, tmp_path, "call", "--hub", hub.url, "--counter", "2",
                       "transfer")
    assert code == 2 and "--to-service" in err


def test_wrong_key_and_unreachable_hub_exit_1(shared_hub, tmp_path, capsys, monkeypatch):
    hub = shared_hub
    monkeypatch.delenv(OFFICE_KEY_ENV, raising=False)
    code, _, err = run(capsys, tmp_path, "call", "--hub", hub.url, "--key", "wrong-key-123",
                       "--counter", "1", "next")
    assert code == 1 and "office key" in err
    code, _, err = run(capsys, tmp_path, "queue", "--hub", "http://127.0.0.1:9", "--key", KEY)
    assert code == 1 and "cannot be reached" in err
    code, _, _ = run(capsys, tmp_path, "call", "--hub", hub.url, "--key", KEY, "--counter",
                     "1", "--services", "NOPE", "next")
    assert code == 2


def test_call_and_queue_on_the_station_database(tmp_path, capsys):
    code, _, _ = run(capsys, tmp_path, "ticket", "--service", "CT", "--printer",
                     f"file://{tmp_path / 'p.bin'}")
    assert code == 0
    code, out, _ = run(capsys, tmp_path, "call", "--counter", "1", "next")
    assert code == 0 and out.startswith("A001  CT  called  counter 1")
    code, out, _ = run(capsys, tmp_path, "call", "--counter", "1", "current", "--json")
    assert json.loads(out)["number"] == "A001"
    code, out, _ = run(capsys, tmp_path, "call", "--counter", "1", "finish", "--json")
    assert code == 0 and json.loads(out)["status"] == "done"
    code, out, _ = run(capsys, tmp_path, "queue", "--json")
    assert json.loads(out)["serving"] == []


def test_kiosk_call_exit_status_from_a_real_process(shared_hub, tmp_path):
    hub = shared_hub
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp_path / "pad"), "call",
         "--hub", hub.url, "--counter", "3", "--services", "GD", "next", "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), OFFICE_KEY_ENV: KEY})
    assert proc.returncode == EXIT_NOTHING and proc.stdout.strip() == "null"
