"""The `kiosk` command line, in-process and as a real subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import zxingcpp

from kiosk.cli import main
from tests.escpos_raster import parse_escpos

KIOSK = [sys.executable, "-m", "kiosk.cli"]


def run(*args, data_dir: Path, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run([*KIOSK, "--data-dir", str(data_dir), *args], capture_output=True,
                          text=True, timeout=60, env=env, **kw)


def test_ticket_to_a_file_printer_decodes_back_to_its_number(tmp_path):
    out = tmp_path / "t.bin"
    proc = run("ticket", "--service", "CT", "--printer", f"file://{out}", "--json",
               data_dir=tmp_path / "station")
    assert proc.returncode == 0, proc.stderr
    ticket = json.loads(proc.stdout)
    assert ticket["number"] == "A001"
    assert ticket["service"] == "CT"
    assert ticket["print_status"] == "printed"
    assert ticket["issued_at"].startswith(ticket["day"])
    pages = parse_escpos(out.read_bytes()).pages
    assert len(pages) == 1 and pages[0].cut
    decoded = [r.text for r in zxingcpp.read_barcodes(pages[0].image)]
    assert len(decoded) == 1
    assert ticket["number"] in decoded[0]
    assert "000.00.01.H26" in decoded[0]
    assert ticket["day"].replace("-", "") in decoded[0]


def test_ticket_numbers_continue_across_processes(tmp_path):
    station = tmp_path / "station"
    numbers = []
    for _ in range(2):
        proc = run("ticket", "--service", "HT", "--priority", "elderly", "--printer",
                   f"preview://{tmp_path / 'pv'}", "--json", data_dir=station)
        assert proc.returncode == 0, proc.stderr
        numbers.append(json.loads(proc.stdout)["number"])
    assert numbers == ["B001", "B002"]
    assert len(list((tmp_path / "pv").glob("*.png"))) == 2
    assert (station / "kiosk.db").exists()
    assert (station / "logs" / "kiosk.log").exists()


def test_failed_print_keeps_the_ticket_and_says_so(tmp_path, capsys):
    code = main(["--data-dir", str(tmp_path), "ticket", "--service", "CT", "--printer",
                 "tcp://127.0.0.1:9", "--json"])
    assert code == 1
    ticket = json.loads(capsys.readouterr().out)
    assert ticket["number"] == "A001"
    assert ticket["print_status"] == "print_failed"
    assert ticket["print_error"]


def test_bad_input_gets_a_clear_message(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "ticket", "--service", "NOPE"]) == 2
    assert "unknown service code 'NOPE'" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path), "ticket", "--service", "CT", "--priority",
                 "vip"]) == 2
    assert "elderly" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path), "ticket", "--service", "CT", "--printer",
                 "ftp://x"]) == 2
    assert "tcp://" in capsys.readouterr().err


def test_config_commands(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "kiosk.toml")
    assert main(["--data-dir", str(tmp_path), "config", "check"]) == 0
    assert "embedded defaults" in capsys.readouterr().out
    (tmp_path / "kiosk.toml").write_text("[printer]\nwidth = 70\n")
    assert main(["--data-dir", str(tmp_path), "config", "check"]) == 2
    err = capsys.readouterr().err
    assert "[printer] width" in err and "58 or 80" in err
    # An invalid file stops any command that needs the configuration.
    assert main(["--data-dir", str(tmp_path), "services"]) == 2
    other = tmp_path / "other.toml"
    other.write_text("[printer]\nwidth = 58\n")
    assert main(["--config", str(other), "config", "show"]) == 0
    assert "width = 58" in capsys.readouterr().out


def test_services_json(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "services", "--json"]) == 0
    services = json.loads(capsys.readouterr().out)
    assert {"code", "prefix", "name_vi", "name_en"} <= set(services[0])
    assert any(s["name_vi"].startswith("Chứng thực") for s in services)


def test_printer_test_and_list(tmp_path, capsys):
    out = tmp_path / "test.bin"
    assert main(["--data-dir", str(tmp_path), "printer", "test", "--printer", f"file://{out}",
                 "--width", "58"]) == 0
    assert parse_escpos(out.read_bytes()).images[0].width == 384
    assert main(["--data-dir", str(tmp_path), "printer", "list"]) == 0
