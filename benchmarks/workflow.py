"""workflow: the citizen's and the clerk's tasks through the real windows, counted.

Each task is driven through the real window (offscreen Qt, real SQLite, the preview printer):
the citizen's taps on the ticket kiosk, the clerk's keystrokes and scans at the counter. The
counts are what the windows needed, and the Keystroke-Level Model turns them into the
person's seconds (the app answers each action within a fraction of a second: the time is the
person's own, measured apart as "app seconds"):

- citizen (elderly): pointing 1.1 s + tap 0.5 s per tap;
- clerk: keystroke 0.28 s, a scan 2 s, a mental step 1.35 s where the clerk decides or checks
  (which procedure; the form before saving; the person before a hand-back).

Tasks and goals: a ticket 1 tap, a priority ticket 2 taps, a dossier look-up by the
receipt's short code typed on the kiosk's keyboard ≤ 20 s, an intake from the ID scan to the
printed receipt ≤ 12 s, a hand-back ≤ 4 s, a clerk's day of input (40 intakes, half of them
returning citizens, 40 hand-backs; each with its call) ≤ 15 minutes.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

POINTING_S = 1.1
TAP_S = 0.5
KEY_S = 0.28
SCAN_S = 2.0
MENTAL_S = 1.35

GOALS = {"ticket_taps": 1, "priority_ticket_taps": 2, "lookup_by_short_code_s": 20.0,
         "intake_s": 12.0, "hand_back_s": 4.0, "clerk_day_min": 15.0}


def _bot():
    from pytestqt.qt_compat import qt_api

    qt_api.set_qt_api("pyside6")
    from pytestqt.qtbot import QtBot

    from kiosk.ui.qtapp import ensure_app, load_fonts

    load_fonts(ensure_app())
    return QtBot(None)


class _Taps:
    """Counts the presses that reach a window: each is one tap of the citizen."""

    def __init__(self, window) -> None:
        from PySide6.QtCore import QEvent, QObject
        from PySide6.QtWidgets import QApplication

        outer = self
        self.taps = 0

        class Filter(QObject):
            def eventFilter(self, watched, event) -> bool:  # noqa: N802
                if event.type() == QEvent.Type.MouseButtonPress \
                        and getattr(watched, "window", lambda: None)() is window \
                        and watched is not window.windowHandle():
                    outer.taps += 1
                return False

        self._filter = Filter()
        QApplication.instance().installEventFilter(self._filter)

    def stop(self) -> None:
        from PySide6.QtWidgets import QApplication

        QApplication.instance().removeEventFilter(self._filter)


def _citizen(bot, data_dir: Path) -> dict:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from kiosk.config import Config
    from kiosk.dossiers.intake import DossierDesk
    from kiosk.dossiers.models import Intake, Person
    from kiosk.paths import Paths
    from kiosk.queue.priority import PriorityCategory
    from kiosk.store import connect
    from kiosk.ui.app import build_window
    from tests.util import tap

    config = Config().with_values(
        printer={"uri": f"preview://{data_dir / 'previews'}", "timeout_s": 5},
        kiosk={"fullscreen": False, "enforce_opening_hours": False, "confirm_timeout_s": 60},
        station={"id": "kiosk-1"})
    db = connect(data_dir / "kiosk.db")
    try:
        person = Person("Nguyễn Thị Hoa", "034303011829", None, "Nữ", "Thôn Lai Ổn",
                        "0987654321", "")
        dossier = DossierDesk(db, config).save_intake(
            Intake("1.001022", person), clerk="Trần Minh Đức",
            at=datetime.now(ZoneInfo(config.office.timezone)))
    finally:
        db.conn.close()
    window = build_window(config, Paths(data_dir, data_dir / "kiosk.toml"))
    window.resize(1366, 768)
    window.show()
    bot.waitExposed(window)
    counter = _Taps(window)
    out: dict = {}
    try:
        confirm = window.confirm_page
        started = time.perf_counter()
        tap(bot, window.start_page.service_buttons["CT"])
        bot.waitUntil(lambda: confirm.state == "printed", timeout=10_000)
        out["ticket_taps"] = counter.taps
        out["ticket_app_s"] = round(time.perf_counter() - started, 2)
        window.back_to_start()

        counter.taps = 0
        tap(bot, window.start_page.category_buttons[PriorityCategory.ELDERLY])
        tap(bot, window.start_page.service_buttons["HT"])
        bot.waitUntil(lambda: confirm.ticket is not None and confirm.ticket.priority is not None
                      and confirm.state == "printed", timeout=10_000)
        out["priority_ticket_taps"] = counter.taps
        window.back_to_start()

        counter.taps = 0
        page = window.selfservice.lookup_page
        tap(bot, window.start_page.lookup_button)
        for ch in dossier.short_code.lower():  # as printed, in small letters: no shift
            tap(bot, page.keyboard.keys[ch])
        tap(bot, page.search_button)
        bot.waitUntil(lambda: page.panel == page.RESULT, timeout=10_000)
        if not any(dossier.code in text for text in page.card.texts()):
            raise RuntimeError("the look-up by short code did not find the dossier")
        out["lookup_by_short_code_taps"] = counter.taps
    finally:
        counter.stop()
        window.close()
    per_tap = POINTING_S + TAP_S
    out["ticket_s"] = round(out["ticket_taps"] * per_tap, 2)
    out["priority_ticket_s"] = round(out["priority_ticket_taps"] * per_tap, 2)
    out["lookup_by_short_code_s"] = round(out["lookup_by_short_code_taps"] * per_tap, 2)
    return out


class _Clerk:
    """Real key events to the focused widget, counted (a scan is counted apart)."""

    def __init__(self, bot, window) -> None:
        from tests.ui.counter.test_ui_counter_helpers import Keyboard

        self.bot = bot
        self.window = window
        self.kb = Keyboard()
        self.keys = 0
        self.scans = 0

    def shortcut(self, key, mods=None) -> None:
        from PySide6.QtCore import Qt

        self.keys += 1
        self.bot.keyClick(self.window, key, mods or Qt.KeyboardModifier.NoModifier)

    def key(self, key, text: str = "") -> None:
        self.keys += 1
        self.kb.key(key, text)

    def type(self, text: str) -> None:
        self.keys += len(text)
        self.kb.type(text)
        self.bot.waitUntil(lambda: self.window.wedge.pending == 0, timeout=2000)

    def scan(self, text: str) -> None:
        self.scans += 1
        self.kb.scan(text)

    def seconds(self, mental: int) -> float:
        return round(self.keys * KEY_S + self.scans * SCAN_S + mental * MENTAL_S, 2)


def _clerk(bot, data_dir: Path) -> dict:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from kiosk.config import Config
    from kiosk.dossiers import DossierDesk, Intake, Person
    from kiosk.dossiers.status import DossierStatus
    from kiosk.paths import Paths
    from kiosk.store import connect
    from kiosk.ticketing import TicketDesk
    from kiosk.ui.counter.window import build_counter_window
    from tests.ui.counter.test_ui_counter_helpers import CCCD_LUONG

    config = Config().with_values(
        printer={"uri": f"preview://{data_dir / 'previews'}", "timeout_s": 5},
        counter={"number": 2})
    db = connect(data_dir / "kiosk.db")
    try:
        desk = DossierDesk(db, Config())
        person = Person("Trần Văn Bình", "001099000001", None, "Nam", "Tổ 3", "", "")
        # This office's history: the procedure the citizen comes for is its most used.
        for _ in range(2):
            desk.save_intake(Intake("1.000656", person), clerk="Lê Thị Mai")
        receipt = desk.save_intake(Intake("1.001193", person), clerk="Lê Thị Mai")
        desk.change_status(receipt.code, DossierStatus.PROCESSING, clerk="Lê Thị Mai")
        desk.change_status(receipt.code, DossierStatus.FINISHED, clerk="Lê Thị Mai")
        tickets = TicketDesk(db, config)
        for _ in range(3):
            tickets.issue("HT")
    finally:
        db.conn.close()
    window = build_counter_window(config, Paths(data_dir, data_dir / "kiosk.toml"),
                                  clerk="Phạm Thị Quỳnh Hương", opener=lambda _path: None)
    window.resize(1366, 768)
    window.show()
    bot.waitExposed(window)
    window.activateWindow()
    bot.waitUntil(window.isActiveWindow, timeout=5000)
    window.form.name.setFocus()
    bot.waitUntil(lambda: window.calling.ready and bool(window.form.picker.counts),
                  timeout=10_000)
    out: dict = {}
    try:
        def intake(first_visit: bool) -> _Clerk:
            clerk = _Clerk(bot, window)
            clerk.shortcut(Qt.Key.Key_F3)
            bot.waitUntil(lambda: window.calling.ticket is not None and window.form.is_blank(),
                          timeout=10_000)
            clerk.scan(CCCD_LUONG)
            if first_visit:
                bot.waitUntil(lambda: QApplication.focusWidget() is window.form.phone,
                              timeout=5000)
                clerk.type("0912345678")
            else:
                bot.waitUntil(lambda: window.form.phone.text() == "0912345678", timeout=5000)
            clerk.shortcut(Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
            clerk.shortcut(Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
            started = time.perf_counter()
            clerk.shortcut(Qt.Key.Key_F5)
            bot.waitUntil(lambda: window.form.saved is not None and window.printing is None,
                          timeout=15_000)
            out.setdefault("intake_app_s", round(time.perf_counter() - started, 2))
            return clerk

        first = intake(True)
        returning = intake(False)
        clerk = _Clerk(bot, window)
        clerk.shortcut(Qt.Key.Key_F3)
        bot.waitUntil(lambda: window.form.is_blank(), timeout=10_000)
        # The app's own share of the hand-back (apart from the model's seconds): the scan's
        # last key to the dossier open with the hand-back's question, and the Enter to its
        # answer.
        app_s = 0.0
        clerk.scan(receipt.code)
        started = time.perf_counter()
        view = window.dossier_view
        # A finished dossier's receipt opens straight into the hand-back's question.
        bot.waitUntil(lambda: view.confirm.isVisible() and view.pending is not None
                      and view.pending.to is DossierStatus.RETURNED, timeout=10_000)
        app_s += time.perf_counter() - started
        started = time.perf_counter()
        clerk.key(Qt.Key.Key_Return, "\r")
        bot.waitUntil(lambda: view.dossier.status is DossierStatus.RETURNED, timeout=10_000)
        app_s += time.perf_counter() - started
        out["hand_back_app_s"] = round(app_s, 2)
        hand_back = clerk
    finally:
        window.close()
    # Mental steps: which procedure, and the form before saving; the person before handing
    # back.
    out.update({
        "intake_keys": first.keys, "intake_scans": first.scans,
        "intake_s": first.seconds(mental=2),
        "returning_intake_keys": returning.keys,
        "returning_intake_s": returning.seconds(mental=2),
        "hand_back_keys": hand_back.keys, "hand_back_scans": hand_back.scans,
        "hand_back_s": hand_back.seconds(mental=1),
    })
    day_s = 20 * out["intake_s"] + 20 * out["returning_intake_s"] + 40 * out["hand_back_s"]
    out["clerk_day_min"] = round(day_s / 60, 1)
    return out


def run(quick: bool = False) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    bot = _bot()
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="hcc-bench-workflow-") as tmp:
        citizen, clerk = Path(tmp) / "kiosk", Path(tmp) / "counter"
        citizen.mkdir()
        clerk.mkdir()
        results.update(_citizen(bot, citizen))
        results.update(_clerk(bot, clerk))
    for name, goal in GOALS.items():
        results[f"goal_{name}"] = goal
        results[f"met_{name}"] = results[name] <= goal
    return results
