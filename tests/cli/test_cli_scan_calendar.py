"""`kiosk scan parse` and `kiosk calendar ...` through the real entry point."""

import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kiosk.calendar import CalendarRules
from kiosk.cli import main
from kiosk.commands.scan import scan_json
from kiosk.config import Config
from kiosk.scanning import parse_scan

HOA = "034303011829||Nguyễn Thị Hoa|21032003|Nữ|Thôn Lai Ổn, An Quý, Quỳnh Phụ, Thái Bình|14082021"


@pytest.fixture
def run(tmp_path, capsys):
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(tmp_path), *argv])
        out, err = capsys.readouterr()
        return code, out, err
    return run


def test_scan_parse_valid_card(run):
    code, out, _ = run("scan", "parse", HOA)
    assert code == 0
    obj = json.loads(out)
    assert obj == {"file": None, "text": HOA, "kind": "cccd", "error": None,
                   "fields": parse_scan(HOA).fields}
    assert "Nguyễn Thị Hoa" in out  # UTF-8, not \u escapes


def test_scan_parse_rejected_card(run):
    code, out, _ = run("scan", "parse", HOA.replace("21032003", "31022003"))
    obj = json.loads(out)
    assert code == 2
    assert (obj["kind"], obj["fields"]) == ("cccd", None)
    assert set(obj["error"]) == {"code", "message_vi", "message_en"}
    assert "Ngày sinh" in obj["error"]["message_vi"]


def test_scan_parse_dossier_unknown_and_empty(run):
    code, out, _ = run("scan", "parse", "000.00.01.H26-260115-0007")
    assert code == 0 and json.loads(out)["fields"]["seq"] == 7
    code, out, _ = run("scan", "parse", "https://example.org")
    assert code == 0 and json.loads(out)["kind"] == "unknown"
    code, out, _ = run("scan", "parse", "")
    assert code == 2
    assert json.loads(out)["error"]["message_vi"] == "Không đọc được nội dung mã"


def test_scan_parse_reads_standard_input(run, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(HOA + "\r\n"))
    code, out, _ = run("scan", "parse", "-")
    assert code == 0 and json.loads(out)["fields"]["gender"] == "female"


def test_scan_json_names_the_file_for_other_sources():
    assert scan_json(parse_scan(HOA), Path("a.png"))["file"] == "a.png"


def test_scan_needs_an_action(run):
    with pytest.raises(SystemExit) as exc:
        run("scan")
    assert exc.value.code == 2


def test_calendar_due_text_and_json(run):
    code, out, _ = run("calendar", "due", "--received", "2026-02-12T09:00", "--days", "3")
    assert code == 0
    assert out.splitlines() == ["2026-02-24", "Hẹn trả kết quả: Thứ Ba, ngày 24/02/2026"]
    code, out, _ = run("calendar", "due", "--received", "2026-02-12T16:00", "--days", "3",
                       "--json")
    assert code == 0
    assert json.loads(out) == {"received": "2026-02-12T16:00:00+07:00", "days": 3,
                               "received_as": "2026-02-13", "counted_from": "2026-02-23",
                               "due": "2026-02-25"}
    code, out, _ = run("calendar", "due", "--received", "2026-02-12T09:00:00Z", "--days", "0",
                       "--json")
    assert json.loads(out)["received"] == "2026-02-12T16:00:00+07:00"  # after the cut-off
    assert (json.loads(out)["due"], json.loads(out)["counted_from"]) == ("2026-02-13", None)


@pytest.mark.parametrize("received,days,message", [
    ("2026-02-12", "3", "--received"),  # no time of day: the cut-off needs it
    ("12/02/2026 09:00", "3", "--received"),
    ("2026-02-12T09:00", "-1", "--days"),
    ("2026-02-12T09:00", "three", "--days"),
    ("9999-12-31T09:00", "3", "outside"),
])
def test_calendar_due_bad_input(run, received, days, message):
    code, out, err = run("calendar", "due", "--received", received, "--days", days)
    assert (code, out) == (2, "")
    assert message in err


def test_calendar_holidays_lists_tet_and_make_up_days(run):
    code, out, _ = run("calendar", "holidays", "--year", "2026", "--json")
    assert code == 0
    days = {d["date"]: d for d in json.loads(out)["days"]}
    assert all(f"2026-02-{d}" in days for d in range(16, 21))
    assert days["2026-08-22"]["working"] is True


def test_calendar_rules_follow_the_calendar_section():
    config = Config().with_values(calendar={"saturday_morning": True, "cutoff": "16:30",
                                            "holiday_overrides": ["2026-03-05"]})
    rules = CalendarRules.from_config(config)
    assert rules.saturday_morning and rules.extra_holidays == frozenset({date(2026, 3, 5)})
    assert rules.cutoff.hour == 16
    assert CalendarRules.from_config(Config()).cutoff.hour == 15


def test_installed_entry_point(tmp_path):
    kiosk = Path(sys.executable).with_name("kiosk")
    proc = subprocess.run(
        [str(kiosk), "--data-dir", str(tmp_path), "calendar", "due",
         "--received", "2026-02-12T16:00", "--days", "3"],
        capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "2026-02-25"
