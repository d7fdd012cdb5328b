"""`kiosk archive --dry-run` on the PCs of an office with a LAN hub: counts what would move and
says that archiving itself is not available there yet; nothing changes."""

from __future__ import annotations

import json

import pytest

from tests.archive.test_archive import kiosk, live_count


@pytest.mark.parametrize("role", ["client", "hub"])
def test_a_dry_run_on_a_pc_of_a_lan_office_says_what_would_move(station, role, capsys):
    (station / "kiosk.toml").write_text(
        f'[hub]\nrole = "{role}"\n' + ('url = "http://192.168.1.10:8090"\n'
                                       if role == "client" else ""), encoding="utf-8")
    size = (station / "kiosk.db").stat().st_size
    before = live_count(station, "tickets")
    capsys.readouterr()
    assert kiosk(station, "archive", "--before", "2026-01-01", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "2024: would move" in out and "2025: would move" in out
    assert "Chạy thử" in out and f"hub.role = {role}" in out
    assert "archiving itself is not available on this PC yet" in out
    assert kiosk(station, "archive", "--before", "2026-01-01", "--dry-run", "--json") == 0
    got = json.loads(capsys.readouterr().out)
    assert got["archiving_available"] is False and "chưa dùng được" in got["note"]
    assert [y["year"] for y in got["years"]] == [2024, 2025]
    assert got["years"][0]["rows"]["tickets"] == 48 and got["years"][0]["dry_run"]
    # Archiving itself is still refused there, and nothing changed.
    assert kiosk(station, "archive", "--before", "2026-01-01") == 1
    assert "not available yet" in capsys.readouterr().err
    assert live_count(station, "tickets") == before
    assert (station / "kiosk.db").stat().st_size == size
    assert not (station / "archive").exists()


def test_a_dry_run_on_a_one_pc_office_adds_no_note(station, capsys):
    assert kiosk(station, "archive", "--before", "2026-01-01", "--dry-run", "--json") == 0
    got = json.loads(capsys.readouterr().out)
    assert "note" not in got and "archiving_available" not in got
