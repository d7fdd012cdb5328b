"""The counter window's layout: it fits 1366x768 at 125 % Windows scaling (1093x614 logical
pixels), also with the citizen's rating panel and a message shown, and nothing in it overlaps
at 1093x614, 1366x768 and 1920x1080 (the rating panel beside a filled form included). Every
page and every panel of the dossier page (a received dossier's seven actions, the confirm
question, the slip row, the hand-over row, the slips list), the logbook, the petitions and the
due list keep the window on the screen at 1093x614 and 1366x768, with and without the rating
panel, with no button's text cut and the status line's chips whole.

COUNTER_LAYOUT_SHOTS=DIR saves each of those states as a PNG there, to look at."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import timedelta  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QRect, Qt  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QPushButton,
    QWidget,
)

from drivers.scanners.events import ScanEvent  # noqa: E402
from kiosk.config import Config  # noqa: E402
from kiosk.dossiers.status import DossierStatus  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.ui.counter.window import MINIMUM_SIZE, build_counter_window  # noqa: E402
from tests.ui.counter.test_ui_counter_helpers import (  # noqa: E402
    CCCD_THU,
    CLERK,
    Keyboard,
    close_windows,
    make_config,
    open_counter,
)
from tests.ui.counter.test_ui_counter_results import saved_dossier  # noqa: E402

SHOTS = os.environ.get("COUNTER_LAYOUT_SHOTS")

TICKET = SimpleNamespace(number="A012", id=1, service_code="CT", service_name="Cư trú",
                         dossiers=[])
LONG_WARNING = ("Thẻ vừa quét không có dấu tiếng Việt (ví dụ “Nguyen Van A” thay vì “Nguyễn "
                "Văn A”): máy quét kiểu bàn phím đang gõ qua bộ gõ hoặc kiểu bàn phím khác. "
                "Sửa họ tên, địa chỉ theo thẻ, rồi chuyển máy quét sang chế độ USB-CDC.")


@pytest.fixture(autouse=True)
def _close():
    yield
    close_windows()


def _fits(size, limit=MINIMUM_SIZE) -> bool:
    return size.width() <= limit[0] and size.height() <= limit[1]


def overlaps(root: QWidget) -> list[str]:
    """Visible widgets that overlap a visible sibling or stick out of their parent (scroll
    areas, combo and spin boxes are taken as wholes: their insides scroll or are drawn)."""
    found: list[str] = []

    def name(w: QWidget) -> str:
        return f"{type(w).__name__}#{w.objectName()}"

    def walk(parent: QWidget) -> None:
        if isinstance(parent, (QAbstractScrollArea, QAbstractSpinBox, QComboBox)):
            return
        kids = [c for c in parent.children()
                if isinstance(c, QWidget) and c.isVisible() and not c.isWindow()]
        bounds = parent.rect().adjusted(-1, -1, 1, 1)
        for i, kid in enumerate(kids):
            g = kid.geometry()
            if not bounds.contains(g):
                found.append(f"{name(kid)} {g.getRect()} outside {name(parent)} "
                             f"{parent.rect().getRect()}")
            for other in kids[i + 1:]:
                inter: QRect = g.intersected(other.geometry())
                if inter.width() > 1 and inter.height() > 1:
                    found.append(f"{name(kid)} {g.getRect()} overlaps {name(other)} "
                                 f"{other.geometry().getRect()}")
            walk(kid)

    walk(root)
    return found


def test_minimum_size_before_the_first_show(qtbot, tmp_path):
    window = build_counter_window(Config(), Paths(tmp_path, tmp_path / "k.toml"), start=False,
                                  opener=lambda _p: None)
    try:
        # What a maximised window on 1366x768 at 125 % is given, before anything is shown.
        assert _fits(window.minimumSizeHint()), window.minimumSizeHint()
    finally:
        window.close()


def test_fits_1093x614_with_the_rating_panel_and_a_message(qtbot, tmp_path):
    w = open_counter(qtbot, tmp_path, make_config(f"file://{tmp_path / 'r.bin'}"),
                     size=MINIMUM_SIZE)
    assert w.size().toTuple() == MINIMUM_SIZE and _fits(w.minimumSizeHint())
    w.handle_scan(ScanEvent.now(b"", CCCD_THU, "serial:COM3"))
    w.rating_view.ask(TICKET, None, 1, "X")
    w.banner.show_message("warning", LONG_WARNING, code="test", needs_ack=True,
                          ack_text="Đã sửa theo thẻ (Enter)")
    for page in (w.form, w.dossier_view, w.logbook_view):
        w.stack.setCurrentWidget(page)
        qtbot.wait(50)
        assert w.rating_view.isVisible()
        assert _fits(w.minimumSizeHint()), (type(page).__name__, w.minimumSizeHint())
        assert w.size().toTuple() == MINIMUM_SIZE
        assert overlaps(w.centralWidget()) == []


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080), MINIMUM_SIZE])
@pytest.mark.parametrize("rating", [False, True])
def test_nothing_overlaps(qtbot, tmp_path, size, rating):
    w = open_counter(qtbot, tmp_path, make_config(f"file://{tmp_path / 'r.bin'}"), size=size)
    w.handle_scan(ScanEvent.now(b"", CCCD_THU, "serial:COM3"))
    w.form.picker.search.setText("thuong tru")
    w.form.picker.choose_current()
    if rating:
        w.rating_view.ask(TICKET, None, 1, "Phạm Thị Quỳnh Hương")
    qtbot.wait(80)
    assert w.size().toTuple() == size
    assert w.rating_view.isVisible() == rating
    if rating:
        # The panel takes a share of the width; the form keeps the rest.
        assert w.rating_view.width() <= 0.23 * size[0] or w.rating_view.width() == 240
    assert overlaps(w.centralWidget()) == []
    buttons = w.form.buttons
    for button in (w.form.save_button, w.form.new_button):
        assert buttons.rect().contains(button.geometry())


def clipped(root: QWidget) -> list[str]:
    """Visible buttons whose text does not fit them (narrower or lower than they ask)."""
    return [f"{b.objectName() or b.text()!r}: {b.sizeHint().toTuple()} in {b.size().toTuple()}"
            for b in root.findChildren(QPushButton)
            if b.isVisible() and (b.sizeHint().width() > b.width()
                                  or b.sizeHint().height() > b.height())]


def whole(widget: QWidget) -> bool:
    return widget.isVisible() and widget.visibleRegion().boundingRect().size() == widget.size()


def paperwork_dossier(tmp_path):
    """A received dossier (seven actions) handed to a department, with its Mẫu 05 slip."""
    from kiosk.dossiers import DossierDesk
    from kiosk.dossiers.slips import issue_slip, record_handover
    from kiosk.store import connect

    dossier = saved_dossier(tmp_path)
    db = connect(tmp_path / "kiosk.db")
    try:
        desk = DossierDesk(db, Config())
        record_handover(desk, dossier.code, to_party="Công chức Địa chính - Xây dựng",
                        received_by="Lê Hoàng Nam", clerk=CLERK,
                        due=dossier.appointment_date - timedelta(days=1),
                        note="Kèm bản sao sổ đỏ")
        issue_slip(desk, dossier.code, "05", clerk=CLERK)
    finally:
        db.conn.close()
    return dossier


@pytest.mark.parametrize("size", [MINIMUM_SIZE, (1366, 768)])
@pytest.mark.parametrize("rating", [False, True])
def test_every_page_and_panel_fits_the_screen(qtbot, tmp_path, size, rating):
    """Each page (F2, F9, F10, Ctrl+P, F1) and each panel of the dossier page, opened the way
    the clerk opens them (keys, Alt+number): the window stays the screen's size, asks for no
    more, no button's text is cut, the status line's chips stay whole beside the longest
    printer state; the action buttons keep their Alt+number (they wrap, in order)."""
    dossier = paperwork_dossier(tmp_path)
    w = open_counter(qtbot, tmp_path, make_config(f"file://{tmp_path / 'r.bin'}"), size=size)
    view = w.dossier_view
    kb = Keyboard()
    if rating:
        w.rating_view.ask(TICKET, None, 1, "Phạm Thị Quỳnh Hương")
    name = f"{size[0]}x{size[1]}{'-rating' if rating else ''}"

    def check(state: str) -> None:
        qtbot.wait(60)
        w.status.set_printer("UNKNOWN")  # "Đã cấu hình (không đọc được trạng thái)"
        qtbot.wait(30)
        # The chips fill in from the lanes: the line shares its room again when they do.
        qtbot.waitUntil(lambda: all(chip.sizeHint().width() <= chip.width()
                                    for chip in (w.due_alert, w.petitions.chip))
                        and w.status.wedge.shown_text() == w.status.wedge.text(),
                        timeout=5000)
        if SHOTS:
            w.grab().save(os.path.join(SHOTS, f"{state}-{name}.png"))
        where = f"{state} at {name}"
        assert w.size().toTuple() == size, where
        assert _fits(w.minimumSizeHint(), size), (where, w.minimumSizeHint())
        assert w.rating_view.isVisible() == rating, where
        assert clipped(w) == [], where
        assert overlaps(w.centralWidget()) == [], where
        for chip in (w.due_alert, w.petitions.chip):
            assert whole(chip) and chip.sizeHint().width() <= chip.width(), (where, chip.text())
        printer = w.status.printer
        assert printer.text() == printer.toolTip() == (
            "Máy in: Đã cấu hình (không đọc được trạng thái)")
        # The printer's state gives way first (cut, whole in its tool tip); the scanners'
        # states stay whole.
        cut = printer.shown_text() != printer.text()
        assert cut == (size == MINIMUM_SIZE), printer.shown_text()
        assert not cut or printer.shown_text().endswith("…")
        assert w.status.wedge.shown_text() == w.status.wedge.text()

    # F2: the intake form, a card scanned and a procedure chosen.
    qtbot.keyClick(w, Qt.Key.Key_F2)
    w.handle_scan(ScanEvent.now(b"", CCCD_THU, "serial:COM3"))
    w.form.picker.search.setText("thuong tru")
    w.form.picker.choose_current()
    check("intake")
    # Beside the rating panel the intake buttons keep one row with shorter texts (the key
    # kept, the whole text in the tool tip); with room, the whole texts.
    short = rating
    assert w.form.buttons.compacted == short
    assert len(w.form.buttons.rows(w.form.buttons.width())) == 1
    assert w.form.a4_button.text() == ("A4 (F7)" if short else "In giấy A4 (F7)")
    assert w.form.a4_button.toolTip() == ("In giấy A4 (F7)" if short else "")
    w.form.clear()

    # F9, the receipt scanned: seven actions, then "Lập phiếu…"; the slips list below.
    qtbot.keyClick(w, Qt.Key.Key_F9)
    kb.scan(dossier.code)
    qtbot.waitUntil(lambda: view.paperwork.paperwork is not None, timeout=5000)
    assert list(view.action_buttons) == [
        DossierStatus.RETURNED, DossierStatus.FINISHED, DossierStatus.PROCESSING,
        DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.FEE_REQUESTED,
        DossierStatus.WITHDRAWN, DossierStatus.STOPPED]
    assert view.paperwork.table.rowCount() == 2 and view.paperwork.table.isVisible()
    check("dossier")
    for button in (*view.action_buttons.values(), view.slip_button):
        assert whole(button), button.text()

    # Alt+7: "Dừng xử lý…", the confirm question with its reason.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=2000)
    kb.key(Qt.Key.Key_7, mods=Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(view.confirm.isVisible, timeout=2000)
    assert view.pending.to is DossierStatus.STOPPED
    view.reason.setText("Công dân đề nghị dừng để bổ sung hồ sơ gốc")
    check("confirm")
    kb.key(Qt.Key.Key_Escape)
    assert not view.confirm.isVisible()

    # "Lập phiếu…", Mẫu 04: the form buttons, the reason, the new date, the buttons.
    view.slip_button.click()
    view.slip_panel.form_buttons["04"].click()
    view.slip_panel.reason.setText("Cần xác minh thêm tại cơ quan đăng ký đất đai")
    assert view.slip_panel.new_date.isVisible()
    check("slip")
    view.slip_panel.cancelled.emit()
    # Alt+4: "Yêu cầu bổ sung…" opens the same row with Mẫu 02.
    view.actions_row.setFocus()
    kb.key(Qt.Key.Key_4, mods=Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(view.slip_panel.isVisible, timeout=2000)
    assert view.slip_panel.form == "02"
    view.slip_panel.cancelled.emit()

    # "Giao hồ sơ…": the hand-over row, filled.
    view.paperwork.handover_button.click()
    handover = view.handover_panel
    handover.party.setEditText("Công chức Tư pháp - Hộ tịch")
    handover.received_by.setText("Nguyễn Văn Hải")
    handover.note.setText("Xác minh nơi cư trú")
    check("handover")
    handover.cancelled.emit()

    # F10: the logbook, with its rows.
    qtbot.keyClick(w, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: w.logbook_view.table.rowCount() == 1, timeout=5000)
    check("logbook")

    # Ctrl+P: the petitions page.
    qtbot.keyClick(w, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert w.stack.currentWidget() is w.petitions.view
    check("petitions")

    # F1: the due list.
    qtbot.keyClick(w, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: w.due_panel.listing is not None, timeout=5000)
    check("due")


@pytest.mark.parametrize("size", [MINIMUM_SIZE, (1366, 768)])
def test_the_calling_bar_with_a_priority_ticket_fits(qtbot, tmp_path, size):
    """An elderly citizen's ticket called (number, priority badge, service, waiting time, the
    five call buttons, the waiting count): at 1093 px the buttons take the status line's short
    words (key kept, the whole text in the tool tip) so the service and waiting time keep
    room and the bar stays one line high; at 1366 px the whole texts."""
    from kiosk.queue.priority import PriorityCategory
    from kiosk.store import connect
    from kiosk.ticketing import TicketDesk

    config = make_config(f"file://{tmp_path / 'r.bin'}")
    db = connect(tmp_path / "kiosk.db")
    try:
        TicketDesk(db, config).issue("CTR", PriorityCategory.ELDERLY)
    finally:
        db.conn.close()
    w = open_counter(qtbot, tmp_path, config, size=(1366, 768))
    bar = w.calling
    qtbot.waitUntil(lambda: bar.ready, timeout=5000)
    idle = bar.height()
    qtbot.keyClick(w, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: bar.ticket is not None, timeout=5000)
    w.resize(*size)
    qtbot.wait(100)
    if SHOTS:
        w.grab().save(os.path.join(SHOTS, f"calling-{size[0]}x{size[1]}.png"))
    assert w.size().toTuple() == size and _fits(w.minimumSizeHint(), size)
    assert bar.priority_label.isVisible() and bar.number_label.text() == "F001"
    narrow = size == MINIMUM_SIZE
    assert bar.compact == narrow
    assert bar.recall_button.text() == ("Nhắc (F4)" if narrow else "Nhắc lại (F4)")
    assert bar.recall_button.toolTip() == ("Nhắc lại (F4)" if narrow else "")
    assert clipped(bar) == []
    # The service is readable, the waiting count never a column of single letters (which
    # made the bar 88 px high at 1093 px).
    assert bar.service_label.width() >= bar.service_label.sizeHint().width()
    assert bar.waiting_label.width() >= bar.waiting_label.fontMetrics().horizontalAdvance(
        "Đang")
    assert bar.height() <= idle + 14, (bar.height(), idle)


def test_the_status_line_cuts_its_longest_states_first(qtbot, tmp_path):
    """A LAN office's counter PC working offline at 1093 px: the two long states (the office
    book's notice, the printer's) are cut, each whole in its tool tip; the short ones and the
    chips stay whole and the window its size; back in step at 1366 px nothing is cut."""
    w = open_counter(qtbot, tmp_path, make_config(f"file://{tmp_path / 'r.bin'}"),
                     size=MINIMUM_SIZE)
    status = w.status
    status.set_printer("UNKNOWN")
    status.set_book(False, 3)
    # The line shares its room again at each layout pass (the chips fill in from the lanes):
    # what is asserted is where it settles.
    def settled() -> bool:
        return (all(label.shown_text() == label.text()
                    for label in (status.wedge, status.serial, status.camera))
                and all(chip.sizeHint().width() <= chip.width()
                        for chip in (w.due_alert, w.petitions.chip)))

    qtbot.waitUntil(settled, timeout=5000)
    assert w.size().toTuple() == MINIMUM_SIZE and _fits(w.minimumSizeHint())
    for label in (status.book, status.printer):
        assert label.shown_text().endswith("…") and label.toolTip() == label.text()
    assert status.book.text().startswith("Mất kết nối máy chủ — làm việc trên máy này, 3 ")
    for label in (status.wedge, status.serial, status.camera):
        assert label.shown_text() == label.text(), label.text()
    for chip in (w.due_alert, w.petitions.chip):
        assert whole(chip) and chip.sizeHint().width() <= chip.width()
    assert clipped(status) == []
    status.set_book(True, 0)  # back in step, the printer ready, on a 1366 px screen:
    status.set_printer("READY")  # every state whole
    w.resize(1366, 768)
    states = (status.book, status.printer, status.wedge, status.serial, status.camera)
    # (The window's own printer poll may set the printer's state again meanwhile.)
    qtbot.waitUntil(lambda: all(label.shown_text() == label.text() for label in states),
                    timeout=5000)
    for label in states:
        assert label.shown_text() == label.text(), label.text()
