"""The ticket screen end to end: real SQLite file, real TicketDesk, real printer drivers
(file://, preview://, tcp:// to listeners on 127.0.0.1), real worker threads."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import contextlib  # noqa: E402
import socket  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from datetime import datetime  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QPoint, QRect, Qt  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.queue.priority import PriorityCategory  # noqa: E402
from kiosk.store import connect  # noqa: E402
from kiosk.ticketing import TicketDesk  # noqa: E402
from kiosk.ui import ticket_screen  # noqa: E402
from kiosk.ui.app import build_window  # noqa: E402
from tests.util import free_port, tap, watch_event_loop  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


# -- fixtures ---------------------------------------------------------------------------------

def make_config(uri: str, **kiosk) -> Config:
    kiosk = {"fullscreen": False, "enforce_opening_hours": False, **kiosk}
    return Config().with_values(printer={"uri": uri, "timeout_s": kiosk.pop("timeout_s", 5)},
                                kiosk=kiosk)


_open_windows: list = []


@pytest.fixture(autouse=True)
def _close_windows():
    yield
    while _open_windows:
        _open_windows.pop().close()  # stops the worker threads


def open_screen(qtbot, config: Config, tmp_path, size=(1366, 768), **kwargs):
    window = build_window(config, Paths(tmp_path, tmp_path / "kiosk.toml"), **kwargs)
    _open_windows.append(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def tickets(tmp_path) -> list[dict]:
    db = connect(tmp_path / "kiosk.db")
    try:
        return list(db.query("SELECT number, priority, print_status FROM tickets ORDER BY id"))
    finally:
        db.conn.close()


class Listener:
    """A TCP 'printer' on 127.0.0.1. read=False: accepts and never reads (a jammed printer;
    a tiny receive buffer makes the sender block at once). read=True: swallows everything and
    never answers status queries (a printer that cannot report status)."""

    def __init__(self, *, read: bool, port: int = 0):
        self.read = read
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if not read:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.received = 0
        self.conns: list[socket.socket] = []
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            if self.read:
                threading.Thread(target=self._drain, args=(conn,), daemon=True).start()

    def _drain(self, conn: socket.socket) -> None:
        try:
            while data := conn.recv(65536):
                self.received += len(data)
        except OSError:
            pass

    def close(self) -> None:
        self._stop.set()
        # shutdown() wakes the blocked accept(); close() alone would leave the port listening.
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        for conn in self.conns:
            conn.close()


@pytest.fixture
def stalled_printer():
    listener = Listener(read=False)
    yield listener
    listener.close()


class _ClosingListener(Listener):
    """Accepts, then hangs up at once: a printer that drops the connection mid-job."""

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.close()


class _DeafSerialPort:
    """A pty whose other end never reads: a serial printer that has stopped taking data."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        self.uri = f"serial://{os.ttyname(self.slave)}?baudrate=9600"

    def close(self) -> None:
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture(params=["tcp-stalls", "tcp-closes", "serial-never-reads"])
def faulty_printer(request):
    printer = {"tcp-stalls": lambda: Listener(read=False),
               "tcp-closes": lambda: _ClosingListener(read=False),
               "serial-never-reads": _DeafSerialPort}[request.param]()
    yield printer
    printer.close()


# -- tests ------------------------------------------------------------------------------------

def test_tap_issues_prints_and_returns_to_start(qtbot, tmp_path):
    out = tmp_path / "printer.bin"
    window = open_screen(qtbot, make_config(f"file://{out}", confirm_timeout_s=3), tmp_path)
    start = window.start_page
    assert window.stack.currentWidget() is start
    assert start.title.text() == "Mời chọn dịch vụ"
    button = start.service_buttons["CT"]
    assert button.isEnabled() and button.height() >= 80

    tap(qtbot, button)
    tap(qtbot, button)  # a double tap must not give a second number
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.confirm_page, timeout=3000)
    assert window.confirm_page.number.text() == "A001"
    assert window.confirm_page.service_name.text() == "Chứng thực bản sao, chữ ký, hợp đồng"
    assert window.confirm_page.ahead.text() == "Số người đang chờ trước bạn: 0"
    assert not window.confirm_page.priority_mark.isVisible()

    qtbot.waitUntil(lambda: window.confirm_page.state == "printed", timeout=5000)
    assert window.confirm_page.status.text() == "Mời nhận phiếu"
    assert out.stat().st_size > 0
    assert tickets(tmp_path) == [{"number": "A001", "priority": None, "print_status": "printed"}]

    qtbot.waitUntil(lambda: window.stack.currentWidget() is start, timeout=5000)
    qtbot.waitUntil(lambda: button.waiting.text() == "Đang chờ: 1", timeout=3000)
    assert button.isEnabled()


def test_done_returns_at_once_and_next_number_follows(qtbot, tmp_path):
    out = tmp_path / "printer.bin"
    window = open_screen(qtbot, make_config(f"file://{out}", confirm_timeout_s=30), tmp_path)
    for expected in ("A001", "A002"):
        tap(qtbot, window.start_page.service_buttons["CT"])
        qtbot.waitUntil(lambda e=expected: window.confirm_page.number.text() == e, timeout=3000)
        qtbot.waitUntil(lambda: window.confirm_page.state == "printed", timeout=5000)
        tap(qtbot, window.confirm_page.done_button)
        assert window.stack.currentWidget() is window.start_page
    assert window.confirm_page.ticket.people_ahead == 1


def test_priority_flow(qtbot, tmp_path):
    previews = tmp_path / "previews"
    window = open_screen(qtbot, make_config(f"preview://{previews}"), tmp_path)
    start = window.start_page
    assert [b.title.text() for b in start.category_buttons.values()] == [
        "Người cao tuổi", "Người khuyết tật", "Phụ nữ mang thai", "Người đi cùng trẻ nhỏ"]
    tap(qtbot, start.category_buttons[PriorityCategory.ELDERLY])
    assert window.stack.currentWidget() is window.start_page
    assert start.banner.isVisible() and not start.strip.isVisible()
    assert "Người cao tuổi" in start.banner_text.text()

    tap(qtbot, start.service_buttons["HT"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.confirm_page, timeout=3000)
    confirm = window.confirm_page
    assert confirm.number.text() == "B001"
    assert confirm.priority_mark.isVisible()
    assert confirm.priority_mark.text() == "ƯU TIÊN – Người cao tuổi"
    qtbot.waitUntil(lambda: confirm.state == "printed", timeout=5000)
    assert list(previews.glob("*.png"))
    assert tickets(tmp_path) == [
        {"number": "B001", "priority": "elderly", "print_status": "printed"}]

    # The choice is for one ticket only.
    tap(qtbot, confirm.done_button)
    assert not start.banner.isVisible() and start.strip.isVisible()
    assert window.priority is None


def test_priority_cancel(qtbot, tmp_path):
    window = open_screen(qtbot, make_config(f"preview://{tmp_path}/p"), tmp_path)
    start = window.start_page
    tap(qtbot, start.category_buttons[PriorityCategory.DISABLED])
    tap(qtbot, start.cancel_priority)
    assert window.stack.currentWidget() is window.start_page
    assert window.priority is None and not start.banner.isVisible()


def test_language_switch_is_live(qtbot, tmp_path):
    window = open_screen(qtbot, make_config(f"preview://{tmp_path}/p"), tmp_path)
    start = window.start_page
    button = start.service_buttons["CT"]
    assert button.name_label.text() == "Chứng thực bản sao, chữ ký, hợp đồng"

    tap(qtbot, window.header.lang_buttons["en"])
    qtbot.waitUntil(lambda: start.title.text() == "Please choose a service", timeout=2000)
    assert button.name_label.text() == "Certified copies, signatures and contracts"
    assert button.waiting.text() == "Waiting: 0"
    assert start.strip_caption.text().startswith("Priority")
    assert window.header.lang_buttons["en"].isChecked()
    assert start.category_buttons[PriorityCategory.PREGNANT].title.text() \
        == "Pregnant woman"
    assert window.out_of_service_page.title.text() == "Number issuing paused."

    tap(qtbot, window.header.lang_buttons["vi"])
    qtbot.waitUntil(lambda: start.title.text() == "Mời chọn dịch vụ", timeout=2000)
    assert button.name_label.text() == "Chứng thực bản sao, chữ ký, hợp đồng"


def test_english_ticket_then_back_to_the_default_language(qtbot, tmp_path):
    window = open_screen(qtbot, make_config(f"preview://{tmp_path}/p", confirm_timeout_s=30),
                         tmp_path)
    tap(qtbot, window.header.lang_buttons["en"])
    tap(qtbot, window.start_page.service_buttons["KD"])
    confirm = window.confirm_page
    qtbot.waitUntil(lambda: confirm.number.text() == "D001", timeout=3000)
    assert confirm.caption.text() == "Your number"
    assert confirm.service_name.text() == "Household business registration"
    assert confirm.ahead.text() == "People waiting before you: 0"
    qtbot.waitUntil(lambda: confirm.status.text() == "Please take your ticket", timeout=5000)
    tap(qtbot, confirm.done_button)
    # The next citizen finds the screen in the station's language.
    assert window.start_page.title.text() == "Mời chọn dịch vụ"


def test_closed_services_show_their_hours_and_answer_a_tap(qtbot, tmp_path):
    sunday = datetime(2026, 11, 29, 9, 0, tzinfo=TZ)
    config = make_config(f"preview://{tmp_path}/p", enforce_opening_hours=True)
    window = open_screen(qtbot, config, tmp_path, clock=lambda: sunday)
    start = window.start_page
    for button in start.service_buttons.values():
        assert button.isEnabled() and not button.is_open
        assert button.property("state") == "closed"
    assert start.service_buttons["CT"].waiting.text() == "Mở lúc 8:00 T2"
    assert start.service_buttons["CT"].accessibleDescription() == (
        "T2–T6 8:00–12:00, 13:00–17:00; T7 8:00–12:00")
    assert not any(b.isEnabled() for b in start.category_buttons.values())
    tap(qtbot, start.service_buttons["CT"])
    assert window.stack.currentWidget() is window.start_page
    assert start.error.isVisible()
    assert start.error.text() == ("Chứng thực bản sao, chữ ký, hợp đồng: ngoài giờ tiếp nhận. "
                                  "Mời quay lại lúc 8:00 Thứ Hai 30/11.")
    # Neither the closed services' hours nor the message cut a name.
    qtbot.wait(50)
    assert window.height() == 768
    assert all(b.name_fits() for b in start.service_buttons.values())
    assert tickets(tmp_path) == []


def test_saturday_morning_opens_only_some_services(qtbot, tmp_path):
    saturday = datetime(2026, 11, 28, 9, 0, tzinfo=TZ)
    config = make_config(f"preview://{tmp_path}/p", enforce_opening_hours=True)
    window = open_screen(qtbot, config, tmp_path, clock=lambda: saturday)
    enabled = {c for c, b in window.start_page.service_buttons.items() if b.is_open}
    assert enabled == {"CT", "TKQ"}




def test_faulty_printer_keeps_the_screen_responsive_and_the_ticket(qtbot, tmp_path,
                                                                 faulty_printer):
    timeout_s = 2
    config = make_config(faulty_printer.uri, timeout_s=timeout_s, confirm_timeout_s=30,
                         out_of_service_after=0)
    window = open_screen(qtbot, config, tmp_path)
    confirm = window.confirm_page
    timer, gaps = watch_event_loop()
    started = time.monotonic()
    tap(qtbot, window.start_page.service_buttons["CT"])
    qtbot.waitUntil(lambda: confirm.number.text() == "A001", timeout=1000)
    assert time.monotonic() - started < 1.0  # the number shows before printing is over
    # A printer that refuses at once may have failed the print by now (printing starts as soon
    # as the ticket is issued); one that stalls is still printing.
    assert confirm.state == "failed" or confirm.status.text() == "Đang in phiếu…"

    margin = ticket_screen.PRINT_WATCHDOG_MARGIN_S
    qtbot.waitUntil(lambda: confirm.state == "failed", timeout=int((timeout_s + margin) * 1000))
    assert confirm.status.text() == ("Không in được phiếu. Vui lòng ghi nhớ số thứ tự của bạn: "
                                     "A001")
    qtbot.waitUntil(lambda: tickets(tmp_path)[0]["print_status"] == "print_failed",
                    timeout=int((timeout_s + margin) * 1000))
    qtbot.waitUntil(lambda: bool(gaps), timeout=1000)  # a refused print can end within a tick
    timer.stop()
    print(f"max gap {max(gaps):.3f} s over {len(gaps)} ticks")
    assert gaps and max(gaps) < 0.5, f"event loop stalled for {max(gaps):.2f} s"
    assert confirm.reprint_button.isVisible()
    qtbot.waitUntil(confirm.reprint_button.isEnabled, timeout=2000)
    assert window.stack.currentWidget() is confirm
    assert not window.out_of_service


def test_watchdog_answers_when_the_driver_does_not(qtbot, tmp_path, stalled_printer,
                                                   monkeypatch):
    # A watchdog shorter than the driver's timeout stands for a driver that overruns it.
    monkeypatch.setattr(ticket_screen, "PRINT_WATCHDOG_MARGIN_S", -0.6)
    config = make_config(stalled_printer.uri, timeout_s=1, confirm_timeout_s=30,
                         out_of_service_after=0)
    window = open_screen(qtbot, config, tmp_path)
    confirm = window.confirm_page
    tap(qtbot, window.start_page.service_buttons["CT"])
    qtbot.waitUntil(lambda: confirm.state == "failed", timeout=1500)
    assert tickets(tmp_path)[0]["print_status"] == "pending"  # the worker still holds it
    assert confirm.reprint_button.isVisible() and not confirm.reprint_button.isEnabled()
    assert window.failures == 1
    # The screen works meanwhile: back to the start and a new number for someone else.
    tap(qtbot, confirm.done_button)
    tap(qtbot, window.start_page.service_buttons["HT"])
    qtbot.waitUntil(lambda: confirm.number.text() == "B001", timeout=1500)
    # The driver gives up in the end and the outcome is stored; the failure counts once.
    qtbot.waitUntil(lambda: tickets(tmp_path)[0]["print_status"] == "print_failed",
                    timeout=6000)


def test_out_of_service_and_back(qtbot, tmp_path):
    port = free_port()  # nothing listens there: connection refused
    config = make_config(f"tcp://127.0.0.1:{port}", timeout_s=1, out_of_service_after=2,
                         printer_recheck_s=2, confirm_timeout_s=30)
    window = open_screen(qtbot, config, tmp_path)
    confirm = window.confirm_page
    for number in ("A001", "A002"):
        tap(qtbot, window.start_page.service_buttons["CT"])
        qtbot.waitUntil(lambda n=number: confirm.number.text() == n, timeout=3000)
        qtbot.waitUntil(lambda: confirm.state == "failed", timeout=4000)
        assert number in confirm.status.text()
        tap(qtbot, confirm.done_button)
    assert window.out_of_service
    assert window.stack.currentWidget() is window.out_of_service_page
    page = window.out_of_service_page
    assert page.title.text() == "Tạm ngừng cấp số thứ tự."
    assert page.body.text() == "Máy in đang gặp sự cố, vui lòng liên hệ cán bộ tại quầy."
    assert not any(b.isVisible() for b in window.start_page.service_buttons.values())
    window.choose_service("CT")  # even a stray call gives no number
    assert window.stack.currentWidget() is window.out_of_service_page

    # The printer is back but cannot report its status (UNKNOWN): back in service on trial.
    listener = Listener(read=True, port=port)
    try:
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.start_page,
                        timeout=(config.kiosk.printer_recheck_s + 3) * 1000)
    finally:
        listener.close()
    assert not window.out_of_service
    # ... so one more failure suspends again at once.
    tap(qtbot, window.start_page.service_buttons["CT"])
    qtbot.waitUntil(lambda: confirm.number.text() == "A003", timeout=3000)
    qtbot.waitUntil(lambda: confirm.state == "failed", timeout=4000)
    assert window.out_of_service
    tap(qtbot, confirm.done_button)
    assert window.stack.currentWidget() is window.out_of_service_page
    assert [t["print_status"] for t in tickets(tmp_path)] == ["print_failed"] * 3


def test_starts_out_of_service_after_failures_before_a_restart(qtbot, tmp_path):
    config = make_config(f"tcp://127.0.0.1:{free_port()}", out_of_service_after=2,
                         printer_recheck_s=60)
    db = connect(tmp_path / "kiosk.db")
    desk = TicketDesk(db, config)
    for _ in range(2):
        desk.record_print(desk.issue("CT"), False, "test")
    db.conn.close()
    window = open_screen(qtbot, config, tmp_path)
    # The count is read on the desk thread at start and signalled back.
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.out_of_service_page,
                    timeout=3000)
    assert window.failures == 2


@pytest.mark.parametrize("size", [(1080, 1920), (1366, 768)])
def test_layout_fits_the_screen(qtbot, tmp_path, size):
    window = open_screen(qtbot, make_config(f"preview://{tmp_path}/p"), tmp_path, size=size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size, timeout=2000)
    screen = QRect(0, 0, *size)
    start = window.start_page
    # Both modes: the category tiles, then a chosen category's banner in their place; the
    # services keep their places and sizes, and no name is cut.
    placed = None
    for category in (None, PriorityCategory.ELDERLY):
        if category is not None:
            tap(qtbot, start.category_buttons[category])
            assert start.priority_shown
        qtbot.wait(50)
        rects = []
        for button in start.service_buttons.values():
            rect = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
            assert screen.contains(rect), f"{button.service.code} {rect} outside {screen}"
            assert rect.height() >= 80 and rect.width() >= 200
            assert button.name_fits(), f"{button.service.code}: service name cut"
            rects.append(rect)
        for i, a in enumerate(rects):
            for b in rects[i + 1:]:
                assert not a.intersects(b)
        columns = len({r.left() for r in rects})
        assert columns == (2 if size[1] > size[0] else 4)
        if placed is None:
            placed = rects
        else:
            assert rects == placed, "the services moved when a category was chosen"
    tap(qtbot, start.cancel_priority)
    for button in start.category_buttons.values():
        rect = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
        assert screen.contains(rect) and rect.height() >= 80
        title = button.title
        assert title.heightForWidth(title.width()) <= title.height(), "category text cut"
    for button in (start.lookup_button, start.feedback_button):
        for label in (button.title, button.subtitle):
            assert label.heightForWidth(label.width()) <= label.height(), "text cut"


def test_abandoned_priority_choice_is_reset(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(ticket_screen, "IDLE_RESET_MS", 300)
    window = open_screen(qtbot, make_config(f"preview://{tmp_path}/p"), tmp_path)
    tap(qtbot, window.header.lang_buttons["en"])
    tap(qtbot, window.start_page.category_buttons[PriorityCategory.PREGNANT])
    assert window.priority is PriorityCategory.PREGNANT
    qtbot.waitUntil(lambda: window.priority is None, timeout=2000)
    assert not window.start_page.banner.isVisible()
    assert window.language == "vi" and window.start_page.title.text() == "Mời chọn dịch vụ"


def test_technician_shortcut_quits(qtbot, tmp_path):
    window = open_screen(qtbot, make_config(f"preview://{tmp_path}/p"), tmp_path)
    with qtbot.waitActive(window):
        window.activateWindow()
    with qtbot.waitSignal(window.quit_requested, timeout=1000):
        qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)
    assert not window.isVisible()
    assert not window.lanes.running


def test_reprint_after_the_printer_is_fixed(qtbot, tmp_path):
    port = free_port()
    config = make_config(f"tcp://127.0.0.1:{port}", timeout_s=1, out_of_service_after=1,
                         printer_recheck_s=600, confirm_timeout_s=30)
    window = open_screen(qtbot, config, tmp_path)
    confirm = window.confirm_page
    tap(qtbot, window.start_page.service_buttons["GD"])
    qtbot.waitUntil(lambda: confirm.state == "failed", timeout=4000)
    assert window.out_of_service and window.stack.currentWidget() is confirm
    assert confirm.detail.text() == "Không kết nối được máy in. Vui lòng báo cán bộ tại quầy."
    listener = Listener(read=True, port=port)  # staff switched the printer back on
    try:
        tap(qtbot, confirm.reprint_button)
        assert confirm.status.text() == "Đang in phiếu…"
        qtbot.waitUntil(lambda: confirm.state == "printed", timeout=5000)
    finally:
        listener.close()
    assert not window.out_of_service  # a good print ends the suspension at once
    tap(qtbot, confirm.done_button)
    assert window.stack.currentWidget() is window.start_page
    assert tickets(tmp_path) == [{"number": "G001", "priority": None, "print_status": "printed"}]


def test_epson_profile_prints_the_same_dots_in_fewer_bytes(qtbot, tmp_path):
    """[printer] profile = "epson": the printer's own QR command and raster bands centred by
    the printer; parsed back, the job prints the ticket the screen issued, dot for dot."""
    from drivers.printers.escpos_job import build_job_full_raster, to_raster
    from kiosk.printout.ticket import render_ticket_uncached, ticket_qr_text
    from tests.escpos_raster import parse_escpos

    out = tmp_path / "printer.bin"
    config = make_config(f"file://{out}", confirm_timeout_s=30)
    config = config.with_values(printer={"profile": "epson"})
    window = open_screen(qtbot, config, tmp_path)
    tap(qtbot, window.start_page.service_buttons["CT"])
    qtbot.waitUntil(lambda: window.confirm_page.state == "printed", timeout=5000)
    db = connect(tmp_path / "kiosk.db")
    try:
        slip = TicketDesk(db, config).slip(window.confirm_page.ticket)
    finally:
        db.conn.close()
    expected = to_raster(render_ticket_uncached(slip, 576), 576)
    job = out.read_bytes()
    [page] = parse_escpos(job).pages
    assert page.cut and page.qr_texts == [ticket_qr_text(slip)]
    assert page.image.size == expected.size
    assert page.image.convert("1").tobytes() == expected.tobytes()
    assert b"\x1ba\x01\x1dv0" in job  # a band centred by the printer
    assert len(job) < 20_000 < len(build_job_full_raster(expected, 576, cut=True)) / 2
