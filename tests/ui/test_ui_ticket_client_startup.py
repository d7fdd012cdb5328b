"""The ticket screen's start-up and its run of failed prints, against real hubs on 127.0.0.1.

- A hub client shows this PC's catalog at once, whatever the hub does (a silent hub that
  accepts and never answers cannot hold the first frame); the hub's own list of services
  replaces it when the desk worker has read it, also when the hub only comes up later.
- The run of consecutive failed prints is saved in the station's database and read back at
  start, in client and standalone mode: a restart does not put a broken printer back in
  service, and one good print resets it.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import contextlib  # noqa: E402
import socket  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.hub.server import start_hub_in_thread  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.queue.catalog import load_catalog  # noqa: E402
from kiosk.queue.local import LocalQueue  # noqa: E402
from kiosk.store import connect  # noqa: E402
from kiosk.ticketing import saved_print_failures  # noqa: E402
from kiosk.ui.app import build_window  # noqa: E402
from kiosk.ui.workers import HUB_DOWN_VI  # noqa: E402
from tests.hubutil import KEY, hub_fixture, hub_pool_fixture  # noqa: E402, F401 (fixtures)
from tests.ui.test_ui_ticket_client import local_tickets  # noqa: E402
from tests.util import free_port, tap  # noqa: E402

LOCAL = load_catalog()


# -- helpers ----------------------------------------------------------------------------------

class Server:
    """A TCP listener on 127.0.0.1. answer=False: accepts and never says a word (a silent
    hub). answer=True: swallows what it is sent (a printer that cannot report its status)."""

    def __init__(self, *, answer: bool, port: int = 0):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.answer = answer
        self.conns: list[socket.socket] = []
        self.accepted = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            self.accepted.set()
            if self.answer:
                threading.Thread(target=self._drain, args=(conn,), daemon=True).start()

    @staticmethod
    def _drain(conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while conn.recv(65536):
                pass

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self.sock.close()
        for conn in self.conns:
            conn.close()


@contextlib.contextmanager
def office_hub(data: Path, catalog, port: int = 0):
    """A real hub (HTTP + WebSocket on 127.0.0.1) in this process, serving `catalog`."""
    config = Config()
    queue = LocalQueue(data / "kiosk.db", config, catalog=catalog)
    handle = start_hub_in_thread(data / "kiosk.db", config, KEY, host="127.0.0.1", port=port,
                                 queue=queue)
    try:
        yield handle
    finally:
        handle.stop()
        queue.close()


def hub_catalog():
    """The hub's catalog differs from this PC's: CT renamed, GD and TKQ gone, a new NV."""
    by_code = {s.code: s for s in LOCAL}
    ct = replace(by_code["CT"], name_vi="Chứng thực bản sao (theo máy chủ)",
                 name_en="Certified copies (hub)")
    nv = replace(by_code["HT"], code="NV", prefix="N", name_vi="Nghĩa vụ quân sự",
                 name_en="Military service")
    return [ct, *(s for s in LOCAL if s.code not in ("CT", "GD", "TKQ")), nv]


def client_config(hub_url: str, printer_uri: str, *, timeout_s: float = 2, **kiosk) -> Config:
    return Config().with_values(
        printer={"uri": printer_uri, "timeout_s": 1},
        kiosk={"fullscreen": False, "enforce_opening_hours": False, **kiosk},
        hub={"role": "client", "url": hub_url, "office_key": KEY, "timeout_s": timeout_s})


def shown(window) -> list[tuple[str, str]]:
    return [(code, b.name_label.text()) for code, b in window.start_page.service_buttons.items()]


def saved_failures(data: Path) -> int | None:
    db = connect(data / "kiosk.db")
    try:
        return saved_print_failures(db)
    finally:
        db.conn.close()


@pytest.fixture
def screens(qtbot, tmp_path):
    """Opens ticket screens on the data directory tmp_path/kiosk; closes them afterwards."""
    data = tmp_path / "kiosk"
    data.mkdir()
    windows = []

    def open_(config: Config, *, start: bool = True):
        window = build_window(config, Paths(data, data / "kiosk.toml"), start=start)
        windows.append(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        return window

    open_.data = data
    open_.windows = windows
    yield open_
    for window in windows:
        window.close()  # stops the worker threads


# -- start-up as a hub client -----------------------------------------------------------------

def test_a_silent_hub_does_not_hold_the_first_frame(qtbot, screens, tmp_path):
    silent = Server(answer=False)
    config = client_config(f"http://127.0.0.1:{silent.port}", f"file://{tmp_path / 's.bin'}",
                           timeout_s=5)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    try:
        started = time.monotonic()
        window = screens(config)
        elapsed = time.monotonic() - started
        assert elapsed < 2, f"the window took {elapsed:.1f} s with a silent hub"
        # This PC's catalog, shown at once.
        assert shown(window) == [(s.code, s.name_vi) for s in LOCAL]
        assert window.stack.currentWidget() is window.start_page
        assert all(b.isVisible() and b.isEnabled()
                   for b in window.start_page.service_buttons.values())
        # The desk worker is waiting for the hub meanwhile; the event loop keeps running.
        assert silent.accepted.wait(5)
        timer.start(20)
        qtbot.wait(1500)
        gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
        assert len(ticks) > 20 and max(gaps) < 0.5
        assert shown(window) == [(s.code, s.name_vi) for s in LOCAL]
    finally:
        timer.stop()
        silent.close()  # the hub goes away for good: requests now fail at once
    # The hub down: the local list stays, and a tap says the hub cannot be reached.
    tap(qtbot, window.start_page.service_buttons["CT"])
    error = window.start_page.error
    qtbot.waitUntil(error.isVisible, timeout=25_000)
    assert error.text() == HUB_DOWN_VI
    assert window.stack.currentWidget() is window.start_page and not window.busy
    assert shown(window) == [(s.code, s.name_vi) for s in LOCAL]
    assert local_tickets(screens.data) == 0


def test_the_hubs_services_replace_the_local_ones(qtbot, screens, tmp_path):
    catalog = hub_catalog()
    with office_hub(tmp_path / "hub", catalog) as hub:
        out = tmp_path / "slips.bin"
        window = screens(client_config(hub.url, f"file://{out}"), start=False)
        assert shown(window) == [(s.code, s.name_vi) for s in LOCAL]
        window.start()
        qtbot.waitUntil(lambda: shown(window) == [(s.code, s.name_vi) for s in catalog],
                        timeout=10_000)
        assert set(window.services) == {s.code for s in catalog}
        buttons = window.start_page.service_buttons
        assert all(b.isVisible() and b.isEnabled() for b in buttons.values())
        assert buttons["NV"].letter.text() == "N"
        # The new button issues at the hub, and the slip is printed here.
        tap(qtbot, buttons["NV"])
        confirm = window.confirm_page
        qtbot.waitUntil(lambda: confirm.state == "printed", timeout=10_000)
        assert "N001" in confirm.number.text()
        assert out.stat().st_size > 0
        tap(qtbot, confirm.done_button)
        window.set_language("en")
        assert buttons["CT"].name_label.text() == "Certified copies (hub)"
    assert local_tickets(screens.data) == 0


def test_services_arrive_when_the_hub_comes_up_later(qtbot, screens, tmp_path):
    port = free_port()  # nothing listens yet: refused
    window = screens(client_config(f"http://127.0.0.1:{port}", f"file://{tmp_path / 's.bin'}"))
    qtbot.wait(300)
    assert shown(window) == [(s.code, s.name_vi) for s in LOCAL]
    catalog = hub_catalog()
    with office_hub(tmp_path / "hub", catalog, port=port):
        # The next waiting-count refresh reaches the hub and asks for its services.
        qtbot.waitUntil(lambda: shown(window) == [(s.code, s.name_vi) for s in catalog],
                        timeout=15_000)


# -- the run of failed prints survives a restart ----------------------------------------------

def restart(qtbot, screens, config: Config):
    """Close the open screen (its workers finish what they were asked first) and open a new
    one on the same data directory; returns it once the saved count has arrived."""
    screens.windows[-1].close()
    window = screens(config, start=False)
    with qtbot.waitSignal(window.failures_loaded, timeout=10_000):
        window.start()
    return window


def fail_one(qtbot, window, number: str) -> None:
    confirm = window.confirm_page
    tap(qtbot, window.start_page.service_buttons["CT"])
    qtbot.waitUntil(lambda: number in confirm.number.text(), timeout=10_000)
    qtbot.waitUntil(lambda: confirm.state == "failed", timeout=10_000)
    tap(qtbot, confirm.done_button)


@pytest.fixture(params=["client", "standalone"])
def mode(request, hub_pool):
    if request.param == "standalone":
        yield None
        return
    hub = hub_pool.take()  # a real `kiosk hub` process
    yield hub
    hub.stop()


def test_failed_prints_survive_a_restart_and_one_good_print_resets_them(qtbot, screens,
                                                                         mode):
    port = free_port()  # nothing listens there: the printer refuses every job
    printer = f"tcp://127.0.0.1:{port}"
    kiosk = {"out_of_service_after": 2, "printer_recheck_s": 2, "confirm_timeout_s": 30}
    if mode is None:
        config = Config().with_values(
            printer={"uri": printer, "timeout_s": 1},
            kiosk={"fullscreen": False, "enforce_opening_hours": False, **kiosk})
    else:
        config = client_config(mode.url, printer, **kiosk)
    window = screens(config)
    fail_one(qtbot, window, "A001")
    assert window.failures == 1 and not window.out_of_service
    window = restart(qtbot, screens, config)
    assert window.failures == 1
    assert window.stack.currentWidget() is window.start_page
    fail_one(qtbot, window, "A002")
    assert window.failures == 2 and window.out_of_service
    assert window.stack.currentWidget() is window.out_of_service_page

    # A restart does not put the broken printer back in service.
    window = restart(qtbot, screens, config)
    assert saved_failures(screens.data) == 2
    assert window.failures == 2 and window.out_of_service
    assert window.stack.currentWidget() is window.out_of_service_page
    assert local_tickets(screens.data) == (0 if mode is not None else 2)

    # The printer is back (it cannot report status: on trial), and one good print resets it.
    fixed = Server(answer=True, port=port)
    try:
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.start_page,
                        timeout=10_000)
        assert window.failures == 1
        confirm = window.confirm_page
        tap(qtbot, window.start_page.service_buttons["CT"])
        qtbot.waitUntil(lambda: confirm.state == "printed", timeout=10_000)
        assert "A003" in confirm.number.text()
        assert window.failures == 0
        tap(qtbot, confirm.done_button)
        window = restart(qtbot, screens, config)
    finally:
        fixed.close()
    assert saved_failures(screens.data) == 0
    assert window.failures == 0 and not window.out_of_service
    assert window.stack.currentWidget() is window.start_page
