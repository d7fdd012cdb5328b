"""The office window's results tabs: per clerk and per procedure, the figures of the hand-counted
month of tests/stats/test_stats_results.py, each column under its Decision 766 group."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date  # noqa: E402

import pytest  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.store import connect  # noqa: E402
from kiosk.ui.office import build_office_window  # noqa: E402
from kiosk.ui.office.window import RESULT_COLUMNS  # noqa: E402
from tests.stats.test_stats_helpers import DUC, HA, at  # noqa: E402
from tests.stats.test_stats_results import seed_month  # noqa: E402

END_OF_MARCH = at("17:00", date(2026, 3, 31))


@pytest.fixture
def window(qtbot, tmp_path):
    data = tmp_path / "station"
    paths = Paths(data, data / "kiosk.toml")
    db = connect(paths.database)
    seed_month(db, Config())
    db.conn.close()
    w = build_office_window(Config(), paths, clock=lambda: END_OF_MARCH)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitUntil(lambda: w.stats is not None, timeout=5000)
    stats = w.stats
    w.set_preset("month")
    qtbot.waitUntil(lambda: w.stats is not stats and w.stats.days == 31, timeout=5000)
    yield w
    w.shutdown()


def rows(table) -> dict[str, list[str]]:
    return {table.cell_text(r, 0): [table.cell_text(r, c) for c in range(table.columnCount())]
            for r in range(table.rowCount())}


def test_results_per_clerk_and_procedure_show_the_hand_count(qtbot, window, tmp_path):
    w = window
    heads = [w.result_tables["by_clerk"].horizontalHeaderItem(c).text()
             for c in range(len(RESULT_COLUMNS))]
    assert heads[0] == "Cán bộ tiếp nhận" and heads[3] == "Quá\nhạn"
    clerks = rows(w.result_tables["by_clerk"])
    # settled, on time, late, apologised, refused, supplemented, mean, P90, satisfied, petitions
    assert clerks[HA][1:] == ["2", "1", "1", "0", "1", "1", "3,5", "4,7", "50,0%", "–"]
    assert clerks[DUC][1:] == ["2", "1", "1", "1", "0", "1", "4,0", "5,6", "66,7%", "–"]
    assert clerks["Cộng"][1:] == ["4", "2", "2", "1", "1", "2", "3,8", "5,7", "60,0%", "–"]
    procedures = rows(w.result_tables["by_procedure"])
    assert procedures["Đăng ký tạm trú"][1:7] == ["2", "1", "1", "0", "1", "0"]
    assert len(procedures) == 3  # P1, P2 and the total
    # Each figure says which index group it feeds; petitions have no data on this station.
    late_tip = w.result_tables["by_clerk"].horizontalHeaderItem(3).toolTip()
    assert "766" in late_tip and "Tiến độ giải quyết" in late_tip
    assert "Mức độ hài lòng" in w.result_tables["by_clerk"].horizontalHeaderItem(9).toolTip()
    note = w.indicator_notes[0].text()
    assert "Tiến độ giải quyết (20 điểm)" in note and "Mức độ hài lòng (18 điểm)" in note
    assert "Phản ánh, kiến nghị: chưa có số liệu." in note

    # Sorting by lateness keeps the total last.
    table = w.result_tables["by_clerk"]
    table.sortItems(3)
    assert table.cell_text(table.rowCount() - 1, 0) == "Cộng"

    w.tabs.setCurrentWidget(w.result_pages["by_clerk"])
    qtbot.wait(50)
    shot = tmp_path / "office-results.png"
    assert w.grab().save(str(shot))


def test_a_month_without_dossiers_shows_empty_results(qtbot, tmp_path):
    data = tmp_path / "empty"
    w = build_office_window(Config(), Paths(data, data / "kiosk.toml"),
                            clock=lambda: END_OF_MARCH)
    qtbot.addWidget(w)
    try:
        qtbot.waitUntil(lambda: w.stats is not None, timeout=5000)
        assert w.result_tables["by_clerk"].rowCount() == 0
        assert w.result_tables["by_procedure"].rowCount() == 0
        assert "chưa có số liệu" in w.indicator_notes[1].text()
    finally:
        w.shutdown()
