"""`kiosk dossier intake|status|return|show`: the counter's work without a screen, on a
standalone station's own database (the hub path: tests/dossiers/test_dossiers_office_*)."""

import json
import os
import subprocess
import sys

from kiosk.cli import main
from kiosk.dossiers import DossierDesk
from kiosk.store import connect

CCCD = ("089202017098|352576714|Lê Văn Lương|23052002|Nam|Tổ 10 Ấp An Thái, Hòa Bình, "
        "Chợ Mới, An Giang|31122021")
CLERK = "Phạm Thị Hương"
BIRTH_REGISTRATION = "1.001193"  # same-day
PARENTAGE = "1.001022"  # 3 working days


def run_json(capsys, *args) -> dict:
    assert main([*args, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_intake_status_return_and_show_from_the_command_line(tmp_path, capsys):
    base = ["--data-dir", str(tmp_path)]
    taken = run_json(capsys, *base, "dossier", "intake", "--procedure", PARENTAGE,
                     "--cccd", CCCD, "--phone", "0912 345 678", "--clerk", CLERK)
    code = taken["code"]
    assert code.endswith("-0001") and taken["status"] == 2
    assert taken["procedure"]["code"] == PARENTAGE and taken["received_at"]
    assert taken["due_at"] == taken["appointment_date"] > taken["received_at"][:10]
    assert taken["submitter"]["name"] == "Lê Văn Lương"
    assert taken["submitter"]["phone"] == "0912345678"
    assert taken["submitter"]["id_number"] == "089202017098" and taken["version"] == 1

    moved = run_json(capsys, *base, "dossier", "status", code.lower(), "--to", "processing",
                     "--clerk", CLERK)
    assert moved["status"] == 4 and moved["version"] == 2
    moved = run_json(capsys, *base, "dossier", "status", code, "--to", "9", "--clerk", CLERK)
    assert moved["status"] == 9
    back = run_json(capsys, *base, "dossier", "return", code, "--clerk", CLERK)
    assert back["status"] == 10 and back["on_time"] is True and back["returned_at"]
    shown = run_json(capsys, *base, "dossier", "show", code)
    assert [h["to"] for h in shown["history"]] == [2, 4, 9, 10]

    # The second intake of the day takes the next number; the database holds both.
    second = run_json(capsys, *base, "dossier", "intake", "--procedure", BIRTH_REGISTRATION,
                      "--cccd", CCCD, "--clerk", CLERK)
    assert second["code"].endswith("-0002")
    db = connect(tmp_path / "kiosk.db")
    assert db.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 2
    # Each change went to the city outbox in the same transaction.
    assert db.execute("SELECT count(*) FROM outbox WHERE record_type = 'dossier'"
                      ).fetchone()[0] == 5


def test_refusals_are_worded_in_both_languages_and_exit_1(tmp_path, capsys, config):
    base = ["--data-dir", str(tmp_path)]

    def refused(*args: str) -> str:
        assert main([*base, *args]) == 1
        err = capsys.readouterr().err
        assert err.startswith("Lỗi: ") and "\nError: " in err
        return err

    assert "thủ tục" in refused("dossier", "intake", "--procedure", "9.999", "--cccd", CCCD,
                                "--clerk", CLERK)
    assert "QR" in refused("dossier", "intake", "--procedure", PARENTAGE, "--cccd",
                           "not a card", "--clerk", CLERK)
    # A garbled card read is refused with the parser's own words.
    assert "date of birth" in refused(
        "dossier", "intake", "--procedure", PARENTAGE, "--clerk", CLERK,
        "--cccd", "089202017098|352576714|Lê Văn Lương|2305200|Nam|Tổ 10|31122021")
    assert "điện thoại" in refused("dossier", "intake", "--procedure", PARENTAGE, "--cccd",
                                   CCCD, "--phone", "12ab", "--clerk", CLERK)
    assert "email" in refused("dossier", "intake", "--procedure", PARENTAGE, "--cccd", CCCD,
                              "--email", "nobody", "--clerk", CLERK)
    assert "cán bộ" in refused("dossier", "intake", "--procedure", PARENTAGE, "--cccd", CCCD)
    assert "Không tìm thấy" in refused("dossier", "show", "000.00.01.H26-260212-9999")
    assert "9999" in refused("dossier", "status", "000.00.01.H26-260212-9999", "--to",
                             "finished", "--clerk", CLERK)
    assert "processing" in refused("dossier", "status", "X", "--to", "done", "--clerk", CLERK)
    # Nothing was stored by any refusal.
    db = connect(tmp_path / "kiosk.db")
    assert db.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0

    desk = DossierDesk(db, config)
    taken = run_json(capsys, *base, "dossier", "intake", "--procedure", PARENTAGE, "--cccd",
                     CCCD, "--clerk", CLERK)
    # Illegal transitions and a missing reason are the desk's refusals.
    assert "không thể chuyển" in refused("dossier", "status", taken["code"], "--to", "new",
                                         "--clerk", CLERK)
    assert "lý do" in refused("dossier", "status", taken["code"], "--to", "stopped",
                              "--clerk", CLERK)
    assert desk.get(taken["code"]).status == 2 and len(desk.get(taken["code"]).history) == 1


def test_a_real_process_prints_json_and_vietnamese_errors(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"}
    env.pop("KIOSK_CONFIG", None)
    kiosk = [sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp_path), "dossier"]
    ok = subprocess.run([*kiosk, "intake", "--procedure", PARENTAGE, "--cccd", CCCD,
                         "--clerk", CLERK, "--json"], capture_output=True, text=True,
                        timeout=60, env=env, encoding="utf-8")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["status"] == 2
    bad = subprocess.run([*kiosk, "return", "000.00.01.H26-260212-9999", "--clerk", CLERK],
                         capture_output=True, text=True, timeout=60, env=env,
                         encoding="utf-8")
    assert bad.returncode == 1 and "Không tìm thấy hồ sơ" in bad.stderr and bad.stdout == ""
