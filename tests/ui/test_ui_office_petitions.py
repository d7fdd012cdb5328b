"""The office window's petitions tab on a real SQLite file: open cases listed, late ones first
and counted in working days, the tab's title saying how many are late, nothing of the
petitions' texts or phone numbers on screen."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.petitions import cases  # noqa: E402
from kiosk.store import connect  # noqa: E402
from kiosk.ui.office import build_office_window  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 22, 10, 0, tzinfo=TZ)  # a Tuesday
SHOTS = os.environ.get("PETITION_SHOTS")


def at(m, d, h=9):
    return datetime(2026, m, d, h, tzinfo=TZ)


def test_open_and_late_petitions_in_the_office_window(qtbot, tmp_path):
    paths = Paths(tmp_path, tmp_path / "kiosk.toml")
    db = connect(paths.database)
    config = Config()
    made = {}
    for key, when, text in (("late", at(11, 20), "Chờ quá lâu ở quầy một"),
                            ("fresh", at(12, 21), "Đề nghị thêm ghế chờ"),
                            ("answered", at(11, 20), "Máy lấy số bị kẹt giấy")):
        made[key] = cases.take_petition(db, config, topic="Góp ý khác", text=text,
                                        phone="0912345678", at=when)[1]
    cases.assign(db, made["late"].code, to="Trần Thị Bình", at=at(11, 23))
    cases.answer(db, made["answered"].code, text="Đã thay giấy.", at=at(11, 24))
    db.conn.close()

    w = build_office_window(config, paths, clock=lambda: NOW)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    panel = w.petitions
    qtbot.waitUntil(lambda: len(panel.rows) == 2, timeout=5000)
    assert [r.code for r in panel.rows] == [made["late"].code, made["fresh"].code]
    late = panel.rows[0]
    # Due 10 working days after Fri 20/11, the holiday of Tue 24/11 (Ngày Văn hóa Việt
    # Nam) not counted: Mon 7/12; on Tue 22/12 it is 11 working days late.
    assert late.due_date.isoformat() == "2026-12-07" and late.late_days == 11
    assert panel.cell_text(0, 3) == "Đang xử lý" and panel.cell_text(0, 4) == "Trần Thị Bình"
    assert panel.cell_text(0, 5) == "11" and panel.cell_text(1, 5) == "–"
    assert panel.summary.text() == \
        "2 phản ánh, kiến nghị đang chờ trả lời, trong đó 1 đã quá hạn."
    assert w.tabs.tabText(w.petitions_tab) == "Phản ánh, kiến nghị (1 quá hạn)"
    shown = "\n".join(panel.cell_text(r, c) for r in range(2) for c in range(7))
    for secret in ("Chờ quá lâu", "0912345678", "ghế chờ"):
        assert secret not in shown
    w.tabs.setCurrentIndex(w.petitions_tab)
    qtbot.wait(50)
    if SHOTS:
        w.grab().save(str(Path(SHOTS) / "office-petitions-1366x768.png"))
    w.shutdown()
