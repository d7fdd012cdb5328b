"""A counter PC of a LAN office on the office's dossier book: the window opens a dossier taken
in at another PC, hands it back, keeps working while the hub is away and says so plainly (how
many changes wait for the hub), and shows the changes the book refused until the clerk has
seen them.

The hub is a real `kiosk hub` process (tests/dossiers/bookhub.py RealBook), each PC with its
own paired counter key; only the "two counters at the same moment" test uses the stand-in hub
(BookHub), which holds both changes until both have arrived."""

import os
import re
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.dossiers.office import OfficeDesk, pending_count  # noqa: E402
from kiosk.dossiers.status import DossierStatus  # noqa: E402
from kiosk.queue.remote import RemoteQueue  # noqa: E402
from kiosk.store import connect  # noqa: E402
from tests.dossiers.bookhub import BookHub, RealBook  # noqa: E402
from tests.dossiers.test_dossiers_helpers import intake  # noqa: E402
from tests.ui.counter.test_ui_counter_helpers import (  # noqa: E402
    CLERK,
    Keyboard,
    close_windows,
    make_config,
    open_counter,
)

S = DossierStatus
OTHER_CLERK = "Lê Thị Mai"


@pytest.fixture
def hub(tmp_path):
    book = RealBook(tmp_path / "hub" / "data")
    yield book
    close_windows()
    book.close()


@pytest.fixture
def stand_in(tmp_path):
    """The stand-in hub, which can hold two changes until both have arrived."""
    book = BookHub(tmp_path / "hub" / "kiosk.db")
    yield book
    close_windows()
    book.close()


def first_pc(tmp_path, hub):
    """Counter PC 1 (no window): its OfficeDesk on its own database, same hub."""
    path = tmp_path / "pc1" / "kiosk.db"
    path.parent.mkdir()
    db = connect(path)
    queue = RemoteQueue(hub.url, hub.key_for("counter-pc1"), outbox_path=path,
                        dossier_book=True, timeout_s=2)
    desk = OfficeDesk(db, Config().with_values(station={"id": "counter-pc1"}), queue)

    def close() -> None:
        queue.close()
        db.conn.close()

    return desk, close


@pytest.fixture
def other_pc(tmp_path, hub):
    desk, close = first_pc(tmp_path, hub)
    yield desk
    close()


def book_window(qtbot, tmp_path, hub):
    pc2 = tmp_path / "pc2"
    pc2.mkdir()
    config = make_config(f"file://{pc2 / 'receipt.bin'}").with_values(
        counter={"number": 5}, station={"id": "counter-pc2"},
        hub={"role": "client", "url": hub.url, "station_key": hub.key_for("counter-pc2"),
             "timeout_s": 2})
    w = open_counter(qtbot, pc2, config)
    return w, pc2


def test_a_dossier_taken_in_at_another_pc_is_opened_and_handed_back(qtbot, tmp_path, hub,
                                                                     other_pc):
    code = other_pc.save_intake(intake(), clerk=OTHER_CLERK).code
    w, _ = book_window(qtbot, tmp_path, hub)
    qtbot.waitUntil(lambda: w.status.book_state == "synced", timeout=10_000)
    assert w.status.book.text() == "Sổ hồ sơ: đã đồng bộ"
    view = w.dossier_view
    kb = Keyboard()
    kb.scan(code)  # the receipt printed at the other PC
    qtbot.waitUntil(lambda: view.dossier is not None, timeout=10_000)
    assert view.values["submitter"].text() == "Nguyễn Thị Kim Thư"
    assert view.values["status"].text() == "2. Được tiếp nhận"
    assert S.RETURNED in view.action_buttons  # any counter hands back any dossier
    w.act(code, int(S.RETURNED), "")
    qtbot.waitUntil(lambda: view.dossier.status is S.RETURNED, timeout=10_000)
    book = hub.dossier(code)
    assert [h["to"] for h in book["history"]] == [2, 9, 10]
    assert [h["clerk"] for h in book["history"]] == [OTHER_CLERK, CLERK, CLERK]
    assert other_pc.get(code).status is S.RETURNED  # and the first PC sees it


def leased_today(pc) -> int:
    """How many dossier numbers for today the PC whose folder is `pc` holds from the hub."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    db = connect(pc / "kiosk.db")
    try:
        return db.execute("SELECT coalesce(sum(last - first + 1), 0) FROM dossier_number_blocks "
                          "WHERE source = 'hub' AND day = ?", (today,)).fetchone()[0]
    finally:
        db.conn.close()


def test_offline_the_window_says_so_and_the_changes_go_when_the_hub_returns(
        qtbot, tmp_path, hub, other_pc):
    code = other_pc.save_intake(intake(), clerk=OTHER_CLERK).code
    w, pc2 = book_window(qtbot, tmp_path, hub)
    w.open_dossier(code)
    qtbot.waitUntil(lambda: w.dossier_view.dossier is not None, timeout=10_000)
    qtbot.waitUntil(lambda: w.status.book_state == "synced", timeout=10_000)
    # The window leased this PC's numbers for today at start, aside.
    qtbot.waitUntil(lambda: leased_today(pc2) > 0, timeout=10_000)

    hub.stop()
    qtbot.waitUntil(lambda: w.status.book_state == "offline", timeout=15_000)
    assert w.banner.code == "book-offline" and w.banner.level == "warning"
    assert w.banner.message.startswith("Mất kết nối máy chủ văn phòng")
    w.act(code, int(S.PROCESSING), "")
    qtbot.waitUntil(lambda: w.dossier_view.dossier.status is S.PROCESSING, timeout=10_000)
    qtbot.waitUntil(lambda: "1 thay đổi chờ gửi" in w.status.book.text(), timeout=10_000)
    # An intake now would take a number of the block leased at start, not the fallback range.
    assert re.fullmatch(r"Mất kết nối máy chủ — làm việc trên máy này, 1 thay đổi chờ gửi; "
                        r"còn \d+ số hồ sơ", w.status.book.text())
    w.open_dossier(code)  # the hub is away: this PC's copy, said so
    qtbot.waitUntil(lambda: "bản lưu trên máy này" in w.dossier_view.state.text(),
                    timeout=10_000)
    w.grab().save(str(tmp_path / "counter-book-offline.png"))

    hub.start()
    qtbot.waitUntil(lambda: w.status.book_state == "synced", timeout=20_000)
    assert [h["to"] for h in hub.dossier(code)["history"]] == [2, 4]
    assert w.banner.code != "book-offline" or not w.banner.isVisible()
    db = connect(pc2 / "kiosk.db")
    try:
        assert pending_count(db) == 0
    finally:
        db.conn.close()


def test_a_change_the_book_refused_is_shown_until_seen(qtbot, tmp_path, hub, other_pc):
    code = other_pc.save_intake(intake(), clerk=OTHER_CLERK).code
    w, pc2 = book_window(qtbot, tmp_path, hub)
    w.open_dossier(code)
    qtbot.waitUntil(lambda: w.dossier_view.dossier is not None, timeout=10_000)
    # The other PC withdraws it; then this PC loses the hub and, on its older copy, moves
    # the dossier on: the book refuses that change when the hub returns.
    other_pc.change_status(code, S.WITHDRAWN, clerk=OTHER_CLERK, reason="Công dân rút hồ sơ")
    hub.stop()
    qtbot.waitUntil(lambda: w.status.book_state == "offline", timeout=15_000)
    w.act(code, int(S.PROCESSING), "")
    qtbot.waitUntil(lambda: w.dossier_view.dossier.status is S.PROCESSING, timeout=10_000)
    hub.start()
    qtbot.waitUntil(lambda: w.banner.code == "book-lost", timeout=20_000)
    assert w.banner.needs_ack and w.banner.level == "warning"
    assert w.banner.message.startswith("1 thay đổi làm khi mất kết nối không được ghi vào sổ "
                                       "hồ sơ chung.")
    assert code in w.banner.message and "quầy khác cập nhật" in w.banner.message
    # The dossier on screen becomes the book's copy (withdrawn at the other PC).
    qtbot.waitUntil(lambda: w.dossier_view.dossier.status is S.WITHDRAWN, timeout=10_000)
    assert w.dossier_view.state.text() == ("Hồ sơ đã được quầy khác cập nhật; đây là trạng "
                                           "thái mới nhất.")
    w.grab().save(str(tmp_path / "counter-book-lost.png"))
    qtbot.keyClick(w.banner.ack_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not w.banner.isVisible(), timeout=5000)
    db = connect(pc2 / "kiosk.db")
    try:
        qtbot.waitUntil(lambda: db.execute(
            "SELECT count(*) FROM book_outbox WHERE seen_at IS NOT NULL").fetchone()[0] == 1,
            timeout=5000)
    finally:
        db.conn.close()
    assert [h["clerk"] for h in hub.dossier(code)["history"]] == [OTHER_CLERK, OTHER_CLERK]


def test_two_counters_at_once_the_window_shows_the_winner(qtbot, tmp_path, stand_in):
    hub = stand_in
    other_pc, close = first_pc(tmp_path, hub)
    try:
        _at_once(qtbot, tmp_path, hub, other_pc)
    finally:
        close()


def _at_once(qtbot, tmp_path, hub, other_pc):
    code = other_pc.save_intake(intake(), clerk=OTHER_CLERK).code
    w, _ = book_window(qtbot, tmp_path, hub)
    w.open_dossier(code)
    qtbot.waitUntil(lambda: w.dossier_view.dossier is not None, timeout=10_000)
    hub.hold_changes(2)  # the other PC's change reaches the hub first, then this window's
    before = len(hub.requests)
    other = threading.Thread(target=other_pc.change_status, args=(code, S.WITHDRAWN),
                             kwargs={"clerk": OTHER_CLERK, "reason": "Công dân rút hồ sơ"})
    other.start()
    qtbot.waitUntil(lambda: len(hub.requests) == before + 1, timeout=10_000)
    w.act(code, int(S.PROCESSING), "")
    qtbot.waitUntil(lambda: w.banner.code == "action", timeout=15_000)
    other.join(10)
    assert w.banner.level == "error"
    assert "quầy khác cập nhật" in w.banner.message and "Vui lòng xem lại" in w.banner.message
    # The window shows the book's copy: the other PC's withdrawal, not this PC's change.
    qtbot.waitUntil(lambda: w.dossier_view.dossier.status is S.WITHDRAWN, timeout=10_000)
    assert [h["clerk"] for h in hub.dossier(code)["history"]] == [OTHER_CLERK, OTHER_CLERK]
