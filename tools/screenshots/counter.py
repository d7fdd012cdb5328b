"""Regenerate the counter window screenshots in docs/screenshots/ (developer tool).

    python -m tools.screenshots.counter [OUT_DIR]

Runs the real window headless (Qt's offscreen platform) on a throw-away data directory with
made-up dossiers (kiosk.dossiers.seed) and the public sample ID cards of domain.md, a preview
printer, and the clock at 10:00 so the appointment preview does not depend on the hour.
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from tools.screenshots.common import settle as _settle
from tools.screenshots.common import wait as _wait

#: The files this module writes, in docs/screenshots (tests/tools/test_screenshots.py checks
#: them against the folder; screenshot_main against what a run wrote).
SHOTS = (
    "counter-intake-1366x768.png",
    "counter-intake-saved-1366x768.png",
    "counter-id-warning-1366x768.png",
    "counter-no-diacritics-1366x768.png",
    "counter-dossier-1366x768.png",
    "counter-handback-other-1366x768.png",
    "counter-dossier-action-1366x768.png",
    "counter-dossier-slip-1366x768.png",
    "counter-dossier-handover-1366x768.png",
    "counter-finish-scans-1366x768.png",
    "counter-logbook-1366x768.png",
    "counter-due-1366x768.png",
    "counter-due-1093x614.png",
    "counter-petition-1366x768.png",
    "counter-book-offline-1366x768.png",
    "counter-rating-1366x768.png",
    "counter-rating-1093x614.png",
    "counter-dossier-rating-1093x614.png",
    "counter-dossier-slip-rating-1093x614.png",
    "counter-intake-1920x1080.png",
)

LANDSCAPE = (1366, 768)
FULL_HD = (1920, 1080)
CARD = ("089202017098|352576714|Lê Văn Lương|23052002|Nam|Tổ 10 Ấp An Thái, Hòa Bình, Chợ "
        "Mới, An Giang|31122021")
# A public sample with digit 4 changed: the ID number now disagrees with the card's gender.
MISMATCHED = ("034003011829||Nguyễn Thị Hoa|21032003|Nữ|Thôn Lai Ổn, An Quý, Quỳnh Phụ, Thái "
              "Bình|14082021")
CLERK = "Phạm Thị Quỳnh Hương"
# The first card read by a keyboard-wedge scanner without a Vietnamese input method.
PLAIN = ("089202017098|352576714|Le Van Luong|23052002|Nam|To 10 Ap An Thai, Hoa Binh, Cho Moi, "
         "An Giang|31122021")
# 1366x768 at 125 % Windows scaling, in logical pixels.
SMALL = (1093, 614)






def seed_due(desk, now: datetime) -> None:
    """Dossiers for the due list: two overdue (one of them apologised for, so off the alert
    until its new date), some due today and in the next working days, one waiting for a
    supplement."""
    import uuid

    from kiosk.dossiers import Intake, Person
    from kiosk.store import transaction

    people = [Person("Trần Văn Hùng", "001089012345"), Person("Lê Thị Mai", "001190054321"),
              Person("Phạm Quốc Bảo", "001092067890"), Person("Đỗ Thị Lan", "001187011223")]
    clerks = ("Trần Minh Đức", CLERK)
    for i, (procedure, days_ago) in enumerate((("1.004194", 12), ("1.004194", 10),
                                               ("1.004222", 9), ("1.004194", 6),
                                               ("1.004194", 5), ("1.004222", 7))):
        person = people[i % len(people)]
        d = desk.save_intake(Intake(procedure, person), clerk=clerks[i % 2],
                             at=now - timedelta(days=days_ago, hours=1))
        if i == 1:
            with transaction(desk.db) as conn:
                conn.execute(
                    "INSERT INTO dossier_slips (uid, dossier_id, form, reason, new_date, "
                    "issued_at, clerk, station_id) VALUES (?, ?, '04', ?, ?, ?, ?, ?)",
                    (str(uuid.uuid4()), d.id, "Chờ xác minh của phòng chuyên môn",
                     (now + timedelta(days=3)).date().isoformat(), now.isoformat(),
                     CLERK, "quay-1"))
        if i == 3:
            desk.request_supplement(d.code, "Thiếu bản sao giấy khai sinh", clerk=CLERK,
                                    at=now - timedelta(days=1))


def seed_petition(db, config, now: datetime) -> str:
    """An answered petition, for the look-up beside the petition form."""
    from kiosk.petitions import cases

    _, taken = cases.take_petition(db, config, topic="Thời gian giải quyết hồ sơ",
                                   text="Hồ sơ đăng ký thường trú chờ quá lâu",
                                   phone=None, at=now - timedelta(days=8))
    cases.answer(db, taken.code, text="Hồ sơ của ông/bà đã giải quyết xong, mời nhận kết "
                 "quả tại quầy 1. Văn phòng xin lỗi vì sự chậm trễ.", by=CLERK,
                 at=now - timedelta(days=1))
    return taken.code


def take_screenshots(out_dir: Path) -> list[Path]:
    from drivers.scanners.events import ScanEvent
    from kiosk.config import Config
    from kiosk.dossiers import DossierDesk, Intake, Person
    from kiosk.dossiers.seed import seed_dossiers
    from kiosk.dossiers.status import DossierStatus
    from kiosk.paths import Paths
    from kiosk.store import connect
    from kiosk.ui.counter.window import build_counter_window
    from tools.screenshots.common import compact as _compact

    out_dir.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="counter-shots-"))
    paths = Paths(data, data / "kiosk.toml")
    config = Config().with_values(printer={"uri": f"preview://{data / 'previews'}"})
    tz = ZoneInfo(config.office.timezone)
    now = datetime.now(tz)
    ten = now.replace(hour=10, minute=0, second=0, microsecond=0)

    db = connect(paths.database)
    desk = DossierDesk(db, config)
    seed_dossiers(desk, 14, random.Random(7), now=ten - timedelta(minutes=30), days=3)
    thu = Person("Nguyễn Thị Kim Thư", "093186002237", datetime(1986, 1, 11).date(), "Nữ",
                 "56 Trần Hoàng Na, Kv6, An Khánh, Ninh Kiều, Cần Thơ", "0912345678",
                 "kimthu.nguyen@example.com")
    opened = desk.save_intake(Intake("1.004222", thu, area="Tổ dân phố số 3",
                                     notes="Nộp kèm bản sao sổ đỏ"),
                              clerk=CLERK, at=ten - timedelta(days=1, hours=1))
    desk.change_status(opened.code, DossierStatus.PROCESSING, clerk="Trần Minh Đức",
                       at=ten - timedelta(hours=20))
    # Handed to the land officer, with the process control slip (Mẫu 05) that lists it.
    from kiosk.dossiers.slips import issue_slip, record_handover

    record_handover(desk, opened.code, to_party="Công chức Địa chính - Xây dựng",
                    received_by="Lê Hoàng Nam", clerk="Trần Minh Đức",
                    due=opened.appointment_date - timedelta(days=1),
                    note="Kèm bản sao sổ đỏ", at=ten - timedelta(hours=19, minutes=50))
    issue_slip(desk, opened.code, "05", clerk="Trần Minh Đức",
               at=ten - timedelta(hours=19, minutes=45))
    # An elderly citizen's ticket for residence (cư trú), called when the window opens.
    from kiosk.queue.priority import PriorityCategory
    from kiosk.ticketing import TicketDesk

    # Received this morning, nothing done yet: its seven actions (the 1093x614 shots).
    received = desk.save_intake(Intake("1.004194", thu, area="Tổ dân phố số 3"), clerk=CLERK,
                                at=ten - timedelta(hours=1))
    seed_due(desk, ten)
    answered = seed_petition(db, config, ten)
    TicketDesk(db, config).issue("CTR", PriorityCategory.ELDERLY)
    TicketDesk(db, config).issue("CTR")
    db.conn.close()

    saved: list[Path] = []
    window = build_counter_window(config, paths, clerk=CLERK, clock=lambda: ten,
                                  opener=lambda _path: None)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()

    def shot(name: str) -> None:
        _settle(app, 0.3)
        path = out_dir / f"{name}.png"
        window.grab().save(str(path))
        _compact(path)
        saved.append(path)

    try:
        window.resize(*LANDSCAPE)
        window.show()
        _settle(app, 0.3)
        form = window.form
        _wait(app, lambda: window.calling.ready)
        window.calling.request("next")
        _wait(app, lambda: window.calling.ticket is not None)

        def fill() -> None:
            window.handle_scan(ScanEvent.now(CARD.encode(), CARD, "serial:COM3"))
            form.phone.setText("0912345678")
            form.picker.search.setText("thuong tru")
            form.picker.choose_current()
            for row in form.documents.rows[:2]:
                row.received.setChecked(True)
            form.area.setText("Tổ dân phố số 3")
            form.phone.setFocus()

        fill()
        shot("counter-intake-1366x768")
        window.save()
        _wait(app, lambda: form.saved is not None and window.printing is None)
        shot("counter-intake-saved-1366x768")

        window.new_intake()
        window.handle_scan(ScanEvent.now(MISMATCHED.encode(), MISMATCHED, "wedge"))
        shot("counter-id-warning-1366x768")
        window.banner.acknowledge()

        window.handle_scan(ScanEvent.now(PLAIN.encode(), PLAIN, "wedge"))
        shot("counter-no-diacritics-1366x768")
        window.banner.acknowledge()
        form.clear()

        window.open_dossier(opened.code)
        _wait(app, lambda: window.dossier_view.paperwork.paperwork is not None)
        shot("counter-dossier-1366x768")
        # A hand-over from the page: the parties used before are offered.
        window.dossier_view.start_handover()
        handover = window.dossier_view.handover_panel
        handover.party.setEditText("Công chức Tư pháp - Hộ tịch")
        handover.received_by.setText("Nguyễn Văn Hải")
        handover.note.setText("Xác minh nơi cư trú")
        shot("counter-dossier-handover-1366x768")
        handover.hide()
        # Someone else comes for the result: the card scanned is checked against the dossier.
        window.handle_scan(ScanEvent.now(CARD.encode(), CARD, "serial:COM3"))
        shot("counter-handback-other-1366x768")
        window.banner.dismiss()
        window.dossier_view.action_buttons[DossierStatus.STOPPED].click()
        window.dossier_view.reason.setText("Công dân đề nghị dừng để bổ sung hồ sơ gốc")
        shot("counter-dossier-action-1366x768")
        window.dossier_view.cancel_action()
        # An official slip: Mẫu 04, the apology with a new date.
        window.dossier_view.slip_button.click()
        window.dossier_view.slip_panel.form_buttons["04"].click()
        window.dossier_view.slip_panel.reason.setText(
            "Cần xác minh thêm tại cơ quan đăng ký đất đai")
        shot("counter-dossier-slip-1366x768")
        window.dossier_view.slip_panel.hide()

        # The "mark finished" scan mode: one dossier finished, one refused.
        window.toggle_finish_mode()
        panel = window.dossier_view.finish_scans
        window.handle_scan(ScanEvent.now(opened.code.encode(), opened.code, "wedge"))
        _wait(app, lambda: panel.done == 1)
        window.handle_scan(ScanEvent.now(opened.code.encode(), opened.code, "wedge"))
        _wait(app, lambda: panel.refused == 1)
        shot("counter-finish-scans-1366x768")
        window.toggle_finish_mode()

        window.logbook_view.from_edit.setDate(window.logbook_view.from_edit.date().addDays(-4))
        window.show_logbook()
        window.logbook_view.request_load()
        _wait(app, lambda: window.logbook_view.table.rowCount() > 5)
        shot("counter-logbook-1366x768")

        # The due list: overdue, due today, due within the next working days.
        window.show_due()
        _wait(app, lambda: window.due_panel.listing is not None)
        shot("counter-due-1366x768")
        window.resize(*SMALL)
        shot("counter-due-1093x614")
        window.resize(*LANDSCAPE)

        # A petition typed for a citizen at the counter (Ctrl+P): saved, its slip printed,
        # the code large to read out; beside it, an answered petition looked up by its code.
        window.petitions.show()
        petitions = window.petitions.view
        petitions.topic.setCurrentText("Cơ sở vật chất, trang thiết bị")
        petitions.text.setPlainText("Khu vực chờ thiếu ghế ngồi và quạt vào buổi sáng; đề "
                                    "nghị bố trí thêm cho người cao tuổi.")
        petitions.phone.setText("0912345678")
        petitions.save_requested.emit()
        _wait(app, lambda: petitions.saved is not None and not window.petitions.desk.printing)
        petitions.lookup_code.setText(answered)
        petitions.lookup_button.click()
        _wait(app, lambda: petitions.found.isVisible())
        shot("counter-petition-1366x768")
        window.petitions.clear_previous_citizen()

        # A counter PC of a LAN office while the hub is away: the dossier is this PC's copy,
        # three changes wait for the office's dossier book (the window's own rendering of
        # that state; the demo station itself is standalone).
        from kiosk.dossiers.numbers import NumbersStatus
        from kiosk.dossiers.office import BookState
        from kiosk.queue.service import ConnectionState

        window.open_dossier(opened.code)
        _wait(app, lambda: window.dossier_view.dossier is not None)
        window.hub_connected = False
        window.calling.set_connection(ConnectionState(False, window.clock()))
        window.on_opened(window.dossier_view.dossier, stale=True)
        window.on_book_state(BookState(pending=3, lost=(), online=False, numbers=NumbersStatus(
            leased=True, left_today=17, fallback_left=None, on_fallback=False,
            hub_reachable=False, next_day_ready=True)))
        shot("counter-book-offline-1366x768")
        window.hub_connected = None
        window.calling.set_connection(ConnectionState(True, window.clock()))
        window.status.book.hide()
        window.banner.clear()

        # The citizen's rating panel beside a form in progress (shown after "Xong").
        window.new_intake()
        fill()
        ticket = SimpleNamespace(number="A012", id=1, service_code="CT",
                                 service_name="Cư trú", dossiers=[])
        window.rating_view.ask(ticket, None, window.counter_number, CLERK)
        shot("counter-rating-1366x768")
        window.resize(*SMALL)
        shot("counter-rating-1093x614")
        # The dossier page beside the rating panel on 1366x768 at 125 %: the seven actions
        # wrap onto a second row, the details scroll, the slip row stacks its fields.
        window.open_dossier(received.code)
        _wait(app, lambda: window.dossier_view.paperwork.paperwork is not None)
        shot("counter-dossier-rating-1093x614")
        window.dossier_view.slip_button.click()
        window.dossier_view.slip_panel.form_buttons["04"].click()
        window.dossier_view.slip_panel.reason.setText(
            "Cần xác minh thêm tại cơ quan đăng ký đất đai")
        shot("counter-dossier-slip-rating-1093x614")
        window.dossier_view.slip_panel.hide()
        window.rating_view.cancel()
        window.show_intake()

        form.clear()  # the unsaved form goes without the question F2 would ask
        window.resize(*FULL_HD)
        _settle(app, 0.3)
        fill()
        shot("counter-intake-1920x1080")
    finally:
        window.close()
    return saved


if __name__ == "__main__":
    from tools.screenshots.ticket import screenshot_main

    sys.exit(screenshot_main(take_screenshots))
