"""The counter's due list (F1, the status line's chip): the real window on a real database,
read on the desk lane; a tap or Enter opens a dossier; the overdue chip until an apology
slip; the reminders of tomorrow's dossiers at start-up and at [dossiers] reminder_time."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import uuid  # noqa: E402
from datetime import datetime  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from kiosk.dossiers import DossierDesk  # noqa: E402
from kiosk.store import connect, transaction  # noqa: E402
from tests.dossiers.test_dossiers_helpers import intake  # noqa: E402
from tests.ui.counter.test_ui_counter_helpers import (  # noqa: E402
    CLERK,
    close_windows,
    make_config,
    open_counter,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY_10 = datetime(2026, 3, 9, 10, 0, tzinfo=HCM)
THREE_DAYS = "1.004194"


@pytest.fixture(autouse=True)
def _close():
    yield
    close_windows()


@pytest.fixture
def office(tmp_path):
    """On Mon 9 Mar 2026: one dossier overdue since Thu 5, one due today, one due tomorrow,
    one due Thursday (not within the 2 days), one handed back."""
    config = make_config(f"file://{tmp_path / 'receipt.bin'}")
    db = connect(tmp_path / "kiosk.db")
    desk = DossierDesk(db, config)

    def take(day: str):
        return desk.save_intake(intake(THREE_DAYS), clerk=CLERK,
                                at=datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=HCM))

    made = {"overdue": take("2026-03-02"), "today": take("2026-03-04"),
            "tomorrow": take("2026-03-05"), "thursday": take("2026-03-09")}
    db.conn.close()
    return config, made


def apologise(tmp_path, code: str) -> None:
    db = connect(tmp_path / "kiosk.db")
    try:
        with transaction(db) as conn:
            dossier_id = conn.execute("SELECT id FROM dossiers WHERE code = ?",
                                      (code,)).fetchone()[0]
            conn.execute(
                "INSERT INTO dossier_slips (uid, dossier_id, form, reason, new_date, issued_at,"
                " clerk, station_id) VALUES (?, ?, '04', 'Chờ xác minh', '2026-03-10', ?, ?, "
                "'quay-1')", (str(uuid.uuid4()), dossier_id, MONDAY_10.isoformat(), CLERK))
    finally:
        db.conn.close()


def test_due_list_overdue_chip_and_one_tap_opens(qtbot, tmp_path, office):
    config, made = office
    w = open_counter(qtbot, tmp_path, config, clock=lambda: MONDAY_10)
    # Start-up: the overdue chip and the reminder of what falls due tomorrow.
    qtbot.waitUntil(lambda: w.due_list is not None, timeout=5000)
    assert w.due_alert.property("overdue") is True
    assert "1 hồ sơ quá hạn" in w.due_alert.text()
    qtbot.waitUntil(lambda: made["tomorrow"].code in w.banner.message, timeout=2000)
    assert w.banner.code == "due-reminder" and made["today"].code not in w.banner.message

    qtbot.keyClick(w, Qt.Key.Key_F1)
    panel = w.due_panel
    assert w.stack.currentWidget() is panel
    assert not any(b.isChecked() for b in w.tab_buttons)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 3, timeout=5000)
    table = panel.table
    assert [table.item(r, 0).text() for r in range(3)] == [
        made["overdue"].code, made["today"].code, made["tomorrow"].code]
    assert table.item(0, 3).text() == "Quá hạn 2 ngày"
    assert table.item(1, 3).text() == "Đến hạn hôm nay"
    assert panel.counts["overdue"].text() == "Quá hạn: 1"
    assert panel.groups.rowCount() == 1 and panel.groups.item(0, 0).text() == CLERK
    panel.by_procedure.click()
    assert panel.groups.item(0, 0).text() == "Đăng ký tạm trú"

    # One tap opens the dossier at the counter.
    rect = table.visualItemRect(table.item(0, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: w.dossier_view.dossier is not None, timeout=5000)
    assert w.stack.currentWidget() is w.dossier_view
    assert w.dossier_view.dossier.code == made["overdue"].code
    assert "Quá hạn 2 ngày làm việc" in w.dossier_view.values["timeliness"].text()

    # Enter on a row opens it too.
    w.show_due()
    qtbot.waitUntil(lambda: table.rowCount() == 3, timeout=5000)
    table.setCurrentCell(2, 0)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.dossier_view.dossier.code == made["tomorrow"].code,
                    timeout=5000)

    # An apology slip (Mẫu 04) takes it off the overdue chip; it stays in the list, late.
    apologise(tmp_path, made["overdue"].code)
    w.refresh_due()
    qtbot.waitUntil(lambda: w.due_alert.property("overdue") is False, timeout=5000)
    assert "quá hạn" not in w.due_alert.text()
    w.show_due()

    def progress_of(code: str) -> str:
        rows = [r for r in range(table.rowCount()) if table.item(r, 0).text() == code]
        return table.item(rows[0], 3).text() if rows else ""

    qtbot.waitUntil(lambda: progress_of(made["overdue"].code) == "Đến hạn ngày mai · đã hẹn lại",
                    timeout=5000)
    assert panel.counts["overdue"].text() == "Quá hạn: 0"


def test_reminder_again_at_the_configured_time(qtbot, tmp_path, office):
    config, made = office
    config = config.with_values(dossiers={"reminder_time": "16:00"})
    now = [MONDAY_10]
    w = open_counter(qtbot, tmp_path, config, clock=lambda: now[0])
    qtbot.waitUntil(lambda: w.banner.code == "due-reminder", timeout=5000)
    w.banner.dismiss()
    w.refresh_due()  # before 16:00: no second reminder
    qtbot.wait(300)
    qtbot.waitUntil(lambda: not w.due_panel.state.text().startswith("Đang"), timeout=5000)
    assert not w.banner.message
    now[0] = MONDAY_10.replace(hour=16, minute=1)
    w.refresh_due()
    qtbot.waitUntil(lambda: made["tomorrow"].code in w.banner.message, timeout=5000)
    w.banner.dismiss()
    w.refresh_due()  # once a day
    qtbot.wait(300)
    assert not w.banner.message


def test_an_opened_dossier_shows_the_apology_new_date(qtbot, tmp_path, office):
    config, made = office
    apologise(tmp_path, made["overdue"].code)  # new date Tue 10 Mar
    w = open_counter(qtbot, tmp_path, config, clock=lambda: MONDAY_10)
    w.open_dossier(made["overdue"].code)
    qtbot.waitUntil(lambda: w.dossier_view.dossier is not None, timeout=5000)
    text = w.dossier_view.values["timeliness"].text()
    assert text == "Đã hẹn lại, còn 1 ngày làm việc"
    assert w.dossier_view.values["timeliness"].property("tone") == "late"
