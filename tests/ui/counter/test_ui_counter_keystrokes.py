"""The counter's keystrokes, through the real window (real SQLite, real LocalQueue): the called
ticket's service and the office's most used procedures first, picked by number; a returning
citizen's phone and e-mail; F3 finishes, asks the rating and calls in one step, clearing the
previous citizen; the "mark finished" scan mode; the priority badge; the shortcuts; and how
many keystrokes an intake and a hand-back take."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.dossiers import DossierDesk, Intake, Person  # noqa: E402
from kiosk.dossiers.status import DossierStatus as S  # noqa: E402
from kiosk.queue.priority import PriorityCategory  # noqa: E402
from kiosk.store import connect  # noqa: E402
from kiosk.ticketing import TicketDesk  # noqa: E402
from kiosk.ui.counter.status_line import SHORTCUTS  # noqa: E402
from tests.ui.counter.test_ui_counter_helpers import (  # noqa: E402
    CCCD_HOA,
    CCCD_LUONG,
    Keyboard,
    close_windows,
    make_config,
    open_counter,
    rows,
)

COUNTER = 2
KHAI_TU = "1.000656"  # HT
CERTIFIED = "2.000815"  # CT: Chứng thực bản sao từ bản chính…
EXTRACT = "2.000635"  # HT: Cấp bản sao Trích lục hộ tịch
LUONG_ID = "089202017098"


@pytest.fixture(autouse=True)
def _close():
    yield
    close_windows()


def _config(tmp_path, **counter):
    return make_config(f"preview://{tmp_path / 'previews'}").with_values(
        counter={"number": COUNTER, **counter})


def _issue(tmp_path, config, *codes, priority=None):
    db = connect(tmp_path / "kiosk.db")
    try:
        desk = TicketDesk(db, config)
        return [desk.issue(code, priority) for code in codes]
    finally:
        db.conn.close()


def _history(tmp_path, *procedures, id_number="001099000001", phone="", email=""):
    """Dossiers this station took in earlier (real desk, the window's database)."""
    db = connect(tmp_path / "kiosk.db")
    try:
        desk = DossierDesk(db, Config())
        person = Person("Trần Văn Bình", id_number, None, "Nam", "Tổ 3", phone, email)
        return [desk.save_intake(Intake(code, person), clerk="Lê Thị Mai")
                for code in procedures]
    finally:
        db.conn.close()


class Clerk:
    """Presses keys through real key events and counts them (a scan is not a keystroke)."""

    def __init__(self, qtbot, window) -> None:
        self.qtbot = qtbot
        self.window = window
        self.kb = Keyboard()
        self.keys = 0

    def shortcut(self, key, mods=Qt.KeyboardModifier.NoModifier) -> None:
        self.keys += 1
        self.qtbot.keyClick(self.window, key, mods)

    def key(self, key, text="") -> None:
        self.keys += 1
        self.kb.key(key, text)

    def type(self, text: str) -> None:
        self.keys += len(text)
        self.kb.type(text)
        # A person's next key comes later than the wedge filter's wait: it lets go of the
        # typed keys it held back (settle).
        self.qtbot.waitUntil(lambda: self.window.wedge.pending == 0, timeout=2000)

    def scan(self, text: str) -> None:
        self.kb.scan(text)


def _visible_texts(window) -> str:
    parts = [w.text() for w in window.findChildren(QLabel) if w.isVisible()]
    parts += [w.text() for w in window.findChildren(QLineEdit) if w.isVisible()]
    return "\n".join(parts)


def test_the_called_service_and_the_office_history_rank_the_list(qtbot, tmp_path):
    config = _config(tmp_path)
    _history(tmp_path, KHAI_TU, KHAI_TU, CERTIFIED, CERTIFIED, CERTIFIED, EXTRACT)
    _issue(tmp_path, config, "CT", "HT")
    w = open_counter(qtbot, tmp_path, config)
    picker = w.form.picker
    qtbot.waitUntil(lambda: picker.counts.get(CERTIFIED) == 3 and w.calling.ready,
                    timeout=5000)
    # No ticket yet: the office's most used first.
    assert picker.visible_codes()[:3] == [CERTIFIED, KHAI_TU, EXTRACT]
    # "bản sao" means the certified copy at this counter, not the civil-status extract.
    picker.search.setText("ban sao")
    assert picker.visible_codes()[:2] == [CERTIFIED, EXTRACT]
    picker.search.clear()

    qtbot.keyClick(w, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: w.calling.ticket is not None, timeout=5000)
    assert w.calling.ticket.current_service == "CT" and picker.service == "CT"
    ct = [p.code for p in w.procedures if p.service == "CT"]
    shown = picker.visible_codes()
    assert shown[0] == CERTIFIED and set(shown[:len(ct)]) == set(ct)
    assert picker.proxy.index(0, 0).data().startswith("1  Chứng thực bản sao")

    qtbot.keyClick(w, Qt.Key.Key_F3)  # the HT citizen: khai tử is this office's most used
    qtbot.waitUntil(lambda: picker.service == "HT", timeout=5000)
    assert picker.visible_codes()[:2] == [KHAI_TU, EXTRACT]
    # Alt+2 from the name field picks the second line.
    qtbot.keyClick(w, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert w.form.procedure is not None and w.form.procedure.code == EXTRACT
    # In the list itself the bare number key picks.
    w.new_intake()
    picker.list.setFocus()
    qtbot.keyClick(picker.list, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: w.form.procedure is not None, timeout=2000)  # the wedge's wait
    assert w.form.procedure.code == KHAI_TU
    # A code typed in the search still works: the digits are text there.
    w.new_intake()
    picker.search.setFocus()
    qtbot.keyClicks(picker.search, "2.000815")
    qtbot.waitUntil(lambda: picker.visible_codes() == [CERTIFIED], timeout=2000)
    assert w.form.procedure is None


def _discard_and_start_over(qtbot, w) -> None:
    """F2 on an unsaved form asks first: the clerk chooses to throw it away."""
    w.new_intake()
    assert w.discard_box is not None
    w.discard_box.findChild(QPushButton, "ActButton").click()
    assert w.form.is_blank()
    w.activateWindow()  # the keyboard comes back from the question
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.form.name, timeout=2000)


def test_a_returning_citizens_phone_and_email_fill_only_empty_fields(qtbot, tmp_path):
    _history(tmp_path, KHAI_TU, id_number=LUONG_ID, phone="0912345678",
             email="luong@example.com")
    w = open_counter(qtbot, tmp_path, _config(tmp_path))
    f = w.form
    kb = Keyboard()
    kb.scan(CCCD_LUONG)
    qtbot.waitUntil(lambda: f.phone.text() == "0912345678", timeout=5000)
    assert f.email.text() == "luong@example.com"
    assert f.phone.property("filled") == "history" and w.banner.code == "contact"
    # The cursor is in the phone, selected: a new number replaces it as typed.
    assert QApplication.focusWidget() is f.phone and f.phone.selectedText() == "0912345678"

    # What the clerk typed is never overwritten: the e-mail typed before the ID number.
    _discard_and_start_over(qtbot, w)
    f.email.setText("moi@example.com")
    f.id_number.setFocus()
    kb.type(LUONG_ID)
    kb.key(Qt.Key.Key_Return, "\r")  # editingFinished: the look-up
    qtbot.waitUntil(lambda: f.phone.text() == "0912345678", timeout=5000)
    assert f.email.text() == "moi@example.com"

    # Someone with no dossier here: nothing is filled.
    _discard_and_start_over(qtbot, w)
    kb.scan(CCCD_HOA)
    assert f.name.text() == "Nguyễn Thị Hoa"
    after: list = []  # the desk lane is serial: this answers after the look-up did
    w.lanes.desk.run(lambda _d: None, done=after.append, owner=w)
    qtbot.waitUntil(lambda: bool(after), timeout=5000)
    assert f.phone.text() == "" and f.email.text() == ""


def test_f3_finishes_rates_calls_and_clears_the_previous_citizen(qtbot, tmp_path):
    config = _config(tmp_path)
    first, second = _issue(tmp_path, config, "HT", "HT")
    receipt = _history(tmp_path, KHAI_TU)[0]
    w = open_counter(qtbot, tmp_path, config)
    bar = w.calling
    qtbot.waitUntil(lambda: bar.ready, timeout=5000)
    assert bar.next_button.text() == "Gọi số tiếp (F3)"
    qtbot.keyClick(w, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: bar.number_label.text() == first.number, timeout=5000)
    assert bar.next_button.text() == "Xong, gọi tiếp (F3)"

    # The citizen's data on screen: a scanned card, then a dossier opened by its receipt.
    kb = Keyboard()
    kb.scan(CCCD_LUONG)
    assert w.form.name.text() == "Lê Văn Lương"
    kb.scan(receipt.code)
    qtbot.waitUntil(lambda: w.dossier_view.dossier is not None, timeout=5000)
    assert "Trần Văn Bình" in _visible_texts(w)
    # A card whose ID number disagrees with it: the warning waits for the clerk.
    kb.scan("034003011829||Nguyễn Thị Hoa|21032003|Nữ|Thôn Lai Ổn, An Quý, Quỳnh Phụ, Thái "
            "Bình|14082021")
    assert w.banner.needs_ack and w.banner.isVisible()

    # One step: finish A001, ask its rating, call A002. The card scanned at the start is
    # still in the intake form, unsaved: F3 asks first (Enter would keep the form), Tab moves
    # to "Bỏ phiếu, gọi số tiếp" and Enter confirms.
    qtbot.keyClick(w, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: w.call_next_box is not None, timeout=2000)
    box = w.call_next_box
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                    and QApplication.focusWidget().window() is box, timeout=2000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget().objectName() == "ActButton"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bar.number_label.text() == second.number, timeout=5000)
    assert rows(tmp_path, "SELECT status FROM tickets WHERE id = ?", first.id) == [
        {"status": "done"}]
    rating = w.rating_view
    assert rating is not None and rating.isVisible() and rating.state == rating.LEVELS
    assert rating._context["ticket_number"] == first.number
    # Nothing of the previous citizens stays on the screen.
    assert w.form.is_blank() and w.dossier_view.dossier is None
    assert w.dossier_view.code_edit.text() == "" and w.last_scan is None
    assert not w.banner.isVisible() and not w.banner.needs_ack
    w.show_intake()
    texts = _visible_texts(w)
    w.show_dossier_page()
    texts += _visible_texts(w)
    for pii in ("Lương", LUONG_ID, "Trần Văn Bình", "001099000001", receipt.code):
        assert pii not in texts


def test_the_mark_finished_mode(qtbot, tmp_path):
    one, two = _history(tmp_path, KHAI_TU, CERTIFIED)
    w = open_counter(qtbot, tmp_path, _config(tmp_path))
    view = w.dossier_view
    panel = view.finish_scans
    qtbot.keyClick(w, Qt.Key.Key_F9, Qt.KeyboardModifier.ControlModifier)
    assert view.finish_mode and panel.isVisible() and w.stack.currentWidget() is view
    kb = Keyboard()
    kb.scan(one.code)
    qtbot.waitUntil(lambda: panel.done == 1, timeout=5000)
    assert view.dossier is None  # nothing opened: straight to finished
    assert panel.lines()[0].startswith(f"✓ {one.code}: đã ghi nhận xử lý xong (Đăng ký khai tử)")
    # Typed, then Enter, works the same way.
    view.code_edit.setFocus()
    kb.type(two.code.lower())
    kb.key(Qt.Key.Key_Return, "\r")
    qtbot.waitUntil(lambda: panel.done == 2, timeout=5000)
    statuses = {r["code"]: r["status"] for r in rows(tmp_path, "SELECT code, status FROM "
                                                               "dossiers")}
    assert statuses == {one.code: 9, two.code: 9}
    events = rows(tmp_path, "SELECT to_status, clerk FROM dossier_events WHERE to_status = 9")
    assert len(events) == 2 and all(e["clerk"] == w.clerk for e in events)

    kb.scan(one.code)  # again: the state machine refuses, in its own words
    qtbot.waitUntil(lambda: panel.refused == 1, timeout=5000)
    assert panel.lines()[0] == (f"✗ {one.code}: không ghi nhận được. Hồ sơ đã được ghi nhận "
                                "xử lý xong từ trước, đang chờ trả kết quả.")
    kb.scan("000.00.01.H26-200101-0099")
    qtbot.waitUntil(lambda: panel.refused == 2, timeout=5000)
    assert "Không tìm thấy" in panel.lines()[0]
    assert panel.last.property("state") == "failed"
    assert panel.tally.text() == "Đã ghi nhận: 2 · Không ghi nhận được: 2"

    qtbot.keyClick(w, Qt.Key.Key_F9, Qt.KeyboardModifier.ControlModifier)  # back to normal
    assert not view.finish_mode and not panel.isVisible()
    kb.scan(one.code)
    qtbot.waitUntil(lambda: view.dossier is not None, timeout=5000)
    assert view.dossier.status is S.FINISHED


def test_the_calling_bar_shows_a_priority_ticket(qtbot, tmp_path):
    config = _config(tmp_path)
    (ticket,) = _issue(tmp_path, config, "HT", priority=PriorityCategory.ELDERLY)
    (plain,) = _issue(tmp_path, config, "HT")
    w = open_counter(qtbot, tmp_path, config)
    bar = w.calling
    qtbot.waitUntil(lambda: bar.ready, timeout=5000)
    assert not bar.priority_label.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: bar.number_label.text() == ticket.number, timeout=5000)
    assert bar.priority_label.isVisible()
    assert bar.priority_label.text() == "ƯU TIÊN\nNgười cao tuổi"
    assert bar.number_label.property("priority") == "yes"
    qtbot.keyClick(w, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: bar.number_label.text() == plain.number, timeout=5000)
    assert not bar.priority_label.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_F11)  # Vắng mặt
    qtbot.waitUntil(lambda: bar.ticket is None, timeout=5000)
    assert rows(tmp_path, "SELECT status FROM tickets WHERE id = ?", plain.id) == [
        {"status": "skipped"}]


def test_every_listed_shortcut_is_bound_and_every_button_shows_its_key(qtbot, tmp_path):
    (received,) = _history(tmp_path, KHAI_TU)
    w = open_counter(qtbot, tmp_path, _config(tmp_path))
    listed = {part.split(" ")[0] for part in SHORTCUTS.split(" · ")}
    bound = set(w.shortcuts) | {"F9", "F10"}
    assert "Alt+1–9" in listed
    listed = (listed - {"Alt+1–9"}) | {f"Alt+{n}" for n in range(1, 10)}
    assert listed <= bound and bound <= listed
    assert w.status.hint.text() == SHORTCUTS
    bar = w.calling
    for button in (bar.next_button, bar.recall_button, bar.skip_button, bar.transfer_button,
                   bar.finish_button, w.form.save_button, w.form.print_button,
                   w.form.a4_button, w.form.new_button, w.form.all_button,
                   w.dossier_view.finish_mode_button):
        assert "(" in button.text() and button.text().endswith(")"), button.text()
    # The dossier's actions carry their number: Alt+number starts one.
    view = w.dossier_view
    w.open_dossier(received.code)
    qtbot.waitUntil(lambda: view.dossier is not None, timeout=5000)
    labels = [b.text() for b in view.action_buttons.values()]
    assert labels[:2] == ["[1] Trả kết quả", "[2] Đã xử lý xong"] and len(labels) == 7
    qtbot.keyClick(w, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert view.pending is not None and view.pending.to is S.FINISHED
    assert view.confirm.isVisible()
    assert w.size().width() == 1366  # seven actions still fit the screen


def test_keystrokes_of_an_intake_and_a_hand_back(qtbot, tmp_path, capsys):
    config = _config(tmp_path)
    _history(tmp_path, KHAI_TU, KHAI_TU, KHAI_TU)  # the most used: Alt+1 picks it
    receipt, ready = _history(tmp_path, "1.001193", "1.001193")
    db = connect(tmp_path / "kiosk.db")
    try:  # processed in the back office: the result waits at the counter
        DossierDesk(db, Config()).finish(ready.code, clerk="Lê Thị Mai")
    finally:
        db.conn.close()
    _, second, third, fourth = _issue(tmp_path, config, "HT", "HT", "HT", "HT")
    w = open_counter(qtbot, tmp_path, config)
    qtbot.waitUntil(lambda: w.calling.ready and bool(w.form.picker.counts), timeout=5000)

    # An intake, first visit: call, scan the card, type the phone, pick, all received, save.
    clerk = Clerk(qtbot, w)
    clerk.shortcut(Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: w.calling.ticket is not None, timeout=5000)
    clerk.scan(CCCD_LUONG)
    assert QApplication.focusWidget() is w.form.phone
    clerk.type("0912345678")
    clerk.shortcut(Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert w.form.procedure.code == KHAI_TU
    clerk.shortcut(Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    clerk.shortcut(Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: w.form.saved is not None, timeout=5000)
    first_visit = clerk.keys
    assert w.form.saved.procedure_code == KHAI_TU
    assert w.form.saved.submitter.phone == "0912345678"
    assert first_visit == 14  # F3, 10 digits, Alt+1, Ctrl+D, F5

    # The same citizen back another day: the phone comes from the last dossier.
    clerk = Clerk(qtbot, w)
    clerk.shortcut(Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: w.form.is_blank() and w.calling.ticket.id == second.id,
                    timeout=5000)
    clerk.scan(CCCD_LUONG)
    qtbot.waitUntil(lambda: w.form.phone.text() == "0912345678", timeout=5000)
    clerk.shortcut(Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    clerk.shortcut(Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    clerk.shortcut(Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: w.form.saved is not None
                    and w.form.saved.submitter.phone == "0912345678", timeout=5000)
    returning = clerk.keys
    assert returning == 4  # F3, Alt+1, Ctrl+D, F5

    # A same-day hand-back (the dossier is still "received": finished and handed back in one
    # go): call, scan the receipt, Enter on "Trả kết quả", Enter to confirm.
    clerk = Clerk(qtbot, w)
    clerk.shortcut(Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: w.calling.ticket.id == third.id, timeout=5000)
    clerk.scan(receipt.code)
    view = w.dossier_view
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.action_buttons.get(S.RETURNED),
                    timeout=5000)
    clerk.key(Qt.Key.Key_Return, "\r")
    qtbot.waitUntil(view.confirm.isVisible, timeout=2000)
    clerk.key(Qt.Key.Key_Return, "\r")
    qtbot.waitUntil(lambda: view.dossier.status is S.RETURNED, timeout=5000)
    same_day = clerk.keys
    assert same_day == 3

    # The usual hand-back, of a result that is ready: the receipt's scan opens the question
    # straight away; Enter hands back.
    clerk = Clerk(qtbot, w)
    clerk.shortcut(Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: w.calling.ticket.id == fourth.id, timeout=5000)
    clerk.scan(ready.code)
    qtbot.waitUntil(lambda: view.confirm.isVisible() and view.dossier.code == ready.code,
                    timeout=5000)
    assert view.pending.to is S.RETURNED
    clerk.key(Qt.Key.Key_Return, "\r")
    qtbot.waitUntil(lambda: view.dossier.status is S.RETURNED, timeout=5000)
    hand_back = clerk.keys
    assert hand_back == 2  # F3, Enter
    with capsys.disabled():
        print(f"\nkeystrokes: intake {first_visit} (returning citizen {returning}), "
              f"hand-back {hand_back} (a same-day result finished at the counter {same_day})")
