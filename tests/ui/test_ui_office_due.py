"""The office window's due list tab: the real window on a real database, read on its lane;
the overdue count in the tab's title, a tap opens the dossier's record, the reminder of what
falls due on the next working day."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.dossiers import DossierDesk  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.store import connect  # noqa: E402
from kiosk.ui.office import build_office_window  # noqa: E402
from tests.dossiers.test_dossiers_helpers import CLERK, intake  # noqa: E402

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY_10 = datetime(2026, 3, 9, 10, 0, tzinfo=HCM)
OTHER = "Trần Văn Bình"


@pytest.fixture
def office(tmp_path):
    data = tmp_path / "station"
    paths = Paths(data, data / "kiosk.toml")
    db = connect(paths.database)
    desk = DossierDesk(db, Config())

    def take(day: str, clerk: str):
        return desk.save_intake(intake("1.004194"), clerk=clerk,
                                at=datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=HCM))

    made = {"overdue": take("2026-03-02", CLERK), "today": take("2026-03-04", OTHER),
            "tomorrow": take("2026-03-05", OTHER)}
    db.conn.close()
    return paths, made


def test_office_due_tab_reminder_and_one_tap(qtbot, office):
    paths, made = office
    w = build_office_window(Config(), paths, clock=lambda: MONDAY_10)
    qtbot.addWidget(w)
    try:
        w.resize(1366, 768)
        w.show()
        qtbot.waitUntil(lambda: w.due_list is not None, timeout=5000)
        assert w.tabs.tabText(w.due_tab) == "Hạn trả hồ sơ: 1 hồ sơ quá hạn"
        assert w.banner.code == "due-reminder" and made["tomorrow"].code in w.banner.message
        w.tabs.setCurrentIndex(w.due_tab)
        table = w.due_panel.table
        assert [table.item(r, 0).text() for r in range(table.rowCount())] == [
            made["overdue"].code, made["today"].code, made["tomorrow"].code]
        groups = w.due_panel.groups
        by_clerk = {groups.item(r, 0).text(): [groups.item(r, c).text() for c in (1, 2, 3)]
                    for r in range(groups.rowCount())}
        assert by_clerk == {CLERK: ["1", "0", "0"], OTHER: ["0", "1", "1"]}
        assert w.grab().size().width() == 1366  # the tab does not widen the window

        rect = table.visualItemRect(table.item(0, 1))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.waitUntil(lambda: getattr(w, "dossier_box", None) is not None, timeout=5000)
        box = w.dossier_box
        assert box.dossier.code == made["overdue"].code and box.isVisible()
        assert box.timeliness.text() == "Quá hạn 2 ngày làm việc"
        box.accept()
    finally:
        w.shutdown()
