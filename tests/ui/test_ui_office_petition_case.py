"""The office window's petitions tab acting on a case, on a real SQLite file: a late case's row
opens (Enter, then a double-click) with its text, the citizen's phone, the deadline in red and
its history; the head of office gives it to a clerk (the names known offered), answers and
closes it, each change through kiosk/petitions/cases.py on the window's lane, and the list
(with answered and closed petitions ticked) shows it closed. The citizen, at the kiosk, then
reads the answer with the case's code. The phone number and the text never reach the log."""

import logging
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.petitions import cases  # noqa: E402
from kiosk.store import connect  # noqa: E402
from kiosk.ui.office import build_office_window  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 22, 10, 0, tzinfo=TZ)  # a Tuesday
SHOTS = os.environ.get("PETITION_SHOTS")
TEXT = "Cán bộ quầy 2 hướng dẫn thiếu nhiệt tình, tôi phải đi lại ba lần."
PHONE = "0912345678"
ANSWER = "Văn phòng đã nhắc nhở cán bộ và bố trí thêm người hướng dẫn tại quầy 2."

_windows: list = []


@pytest.fixture(autouse=True)
def _close():
    yield
    while _windows:
        window = _windows.pop()
        shutdown = getattr(window, "shutdown", None)
        if shutdown is not None:
            shutdown()
        window.close()


def at(m, d, h=9):
    return datetime(2026, m, d, h, tzinfo=TZ)


def seed(paths: Paths, config: Config) -> tuple[str, str]:
    db = connect(paths.database)
    try:
        late = cases.take_petition(db, config, topic="Thái độ, tác phong của cán bộ",
                                   text=TEXT, phone=PHONE, at=at(11, 20),
                                   channel="counter")[1]
        other = cases.take_petition(db, config, topic="Góp ý khác", text="Thêm ghế chờ",
                                    phone=None, at=at(12, 21))[1]
        cases.assign(db, other.code, to="Trần Thị Bình", at=at(12, 21, 10))
    finally:
        db.conn.close()
    return late.code, other.code


def test_a_late_case_is_opened_assigned_answered_and_closed(qtbot, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    paths = Paths(tmp_path, tmp_path / "kiosk.toml")
    config = Config().with_values(station={"id": "kiosk-1"},
                                  printer={"uri": f"file://{tmp_path / 'printer.bin'}"},
                                  kiosk={"fullscreen": False, "enforce_opening_hours": False})
    code, other = seed(paths, config)
    w = build_office_window(config, paths, clock=lambda: NOW)
    _windows.append(w)
    w.resize(1366, 768)
    w.show()
    panel = w.petitions
    w.tabs.setCurrentIndex(w.petitions_tab)
    qtbot.waitUntil(lambda: len(panel.rows) == 2, timeout=5000)
    assert panel.rows[0].code == code and panel.rows[0].late_days == 11

    # Enter on the late row opens its case.
    panel.table.setFocus()
    panel.table.setCurrentCell(0, 0)
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.petition_cases.box is not None
                    and w.petition_cases.box.isVisible(), timeout=5000)
    box = w.petition_cases.box
    v = box.values
    assert v["code"].text() == code and v["status"].text() == "Mới tiếp nhận"
    assert v["due"].text() == "07/12/2026 · trễ 11 ngày làm việc"
    assert v["due"].property("tone") == "late"
    assert v["phone"].text() == PHONE and box.text.text() == TEXT
    assert box.history.text() == "09:00 20/11/2026  Tiếp nhận tại quầy"
    assert not box.close_button.isEnabled()  # only an answered case closes
    # The names the case could go to: whoever handles petitions already.
    assert [box.assignee.itemText(i) for i in range(box.assignee.count())] == ["Trần Thị Bình"]

    # Given to a clerk typed by hand (free text), on the lane.
    box.assignee.setCurrentText("Nguyễn Văn An")
    box.assign_button.click()
    qtbot.waitUntil(lambda: v["status"].text() == "Đang xử lý", timeout=5000)
    assert v["assignee"].text() == "Nguyễn Văn An"
    assert box.state.text() == "Đã giao cho Nguyễn Văn An."
    assert box.history.text().splitlines()[-1] == "10:00 22/12/2026  Giao cho Nguyễn Văn An"
    qtbot.waitUntil(lambda: panel.cell_text(0, 4) == "Nguyễn Văn An", timeout=5000)

    # An answer too short is refused, worded for the head of office.
    box.answer.setPlainText("Ok")
    box.answer_button.click()
    qtbot.waitUntil(lambda: "ít nhất 5 ký tự" in box.state.text(), timeout=5000)
    assert box.state.property("state") == "failed"
    box.answer.setPlainText(ANSWER)
    box.answer_button.click()
    qtbot.waitUntil(lambda: v["status"].text() == "Đã trả lời", timeout=5000)
    assert box.close_button.isEnabled()
    if SHOTS:
        box.grab().save(str(Path(SHOTS) / "office-petition-case.png"))
    # Answered: no longer waiting, so the list (open cases only) lets it go.
    qtbot.waitUntil(lambda: [r.code for r in panel.rows] == [other], timeout=5000)
    assert w.tabs.tabText(w.petitions_tab) == "Phản ánh, kiến nghị"

    box.close_button.click()
    qtbot.waitUntil(lambda: v["status"].text() == "Đã đóng", timeout=5000)
    assert not box.answer_button.isEnabled() and not box.assign_button.isEnabled()
    assert [line.split("  ", 1)[1] for line in box.history.text().splitlines()] == [
        "Tiếp nhận tại quầy", "Giao cho Nguyễn Văn An", "Trả lời Nguyễn Văn An",
        "Đóng phản ánh"]
    stored = connect(paths.database)
    try:
        case = cases.find(stored, code)
    finally:
        stored.conn.close()
    assert (case.status, case.assignee, case.answer) == ("closed", "Nguyễn Văn An", ANSWER)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: w.petition_cases.box is None, timeout=2000)

    # Ticked, the list shows the answered and closed ones too: this one closed, still red
    # (it was answered late), yet not counted as waiting.
    panel.all_box.click()
    qtbot.waitUntil(lambda: len(panel.rows) == 2, timeout=5000)
    row = [r.code for r in panel.rows].index(code)
    assert panel.cell_text(row, 3) == "Đã đóng"
    assert panel.summary.text() == \
        "1 phản ánh, kiến nghị đang chờ trả lời, trong đó 0 đã quá hạn."
    # A double-click opens it again, read-only but for the window's close.
    rect = panel.table.visualRect(panel.table.model().index(row, 0))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: w.petition_cases.box is not None
                    and w.petition_cases.box.values["code"].text() == code, timeout=5000)
    assert w.petition_cases.box.values["status"].text() == "Đã đóng"
    w.petition_cases.box.reject()
    for secret in (PHONE, TEXT, "nhiệt tình", ANSWER):
        assert secret not in caplog.text
    w.shutdown()

    # The citizen's side: the kiosk's look-up by the code shows the office's answer.
    from kiosk.ui.app import build_window
    from tests.ui.test_ui_selfservice import type_on
    from tests.util import tap

    kiosk = build_window(config, paths)
    _windows.append(kiosk)
    kiosk.resize(1366, 768)
    kiosk.show()
    qtbot.waitExposed(kiosk)
    tap(qtbot, kiosk.start_page.lookup_button)
    lookup = kiosk.selfservice.lookup_page
    type_on(qtbot, lookup.keyboard, code)
    tap(qtbot, lookup.search_button)
    qtbot.waitUntil(lambda: lookup.panel == lookup.RESULT, timeout=5000)
    texts = lookup.petition_card.texts()
    assert f"Mã phản ánh: {code}" in texts and ANSWER in texts
