"""The sync worker inside a station window, against a real city server on 127.0.0.1."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kiosk.config import Config  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.store import connect  # noqa: E402
from kiosk.ticketing import TicketDesk  # noqa: E402
from kiosk.ui.sync_status import SyncBridge, SyncIndicator, SyncPanel  # noqa: E402
from tests.faultproxy import TOKEN, CityServer, assert_city_has_exactly  # noqa: E402


def station(tmp_path, url: str) -> tuple[Config, Paths]:
    config = Config().with_values(sync={"server_url": url, "token": TOKEN, "interval_s": 1,
                                        "backoff_base_s": 0.2, "backoff_cap_s": 5},
                                  station={"id": "kiosk-1"})
    return config, Paths(tmp_path / "station", tmp_path / "station" / "kiosk.toml")


def test_window_shows_waiting_then_up_to_date(qtbot, tmp_path):
    server = CityServer(tmp_path)
    try:
        config, paths = station(tmp_path, server.url)
        desk = TicketDesk(connect(paths.database), config)
        for _ in range(5):
            desk.issue("CT")
        bridge = SyncBridge(config, paths)
        indicator = SyncIndicator(bridge)
        panel = SyncPanel(bridge)
        qtbot.addWidget(indicator)
        qtbot.addWidget(panel)
        assert not indicator.isHidden()
        bridge.start()
        qtbot.waitUntil(lambda: bridge.status.state == "up_to_date", timeout=15000)
        # The status reaches the widgets through a queued signal.
        qtbot.waitUntil(lambda: indicator.text() == "Đã đồng bộ"
                        and "Chờ gửi: 0" in panel.details.text(), timeout=5000)
        assert_city_has_exactly(server, paths.database)

        desk.issue("HT")
        bridge.wake()
        qtbot.waitUntil(lambda: bridge.status.sent_total >= 12, timeout=15000)
        assert_city_has_exactly(server, paths.database)
        bridge.stop()
    finally:
        server.stop()


def test_unreachable_server_is_shown_plainly(qtbot, tmp_path):
    config, paths = station(tmp_path, "http://127.0.0.1:9")
    TicketDesk(connect(paths.database), config).issue("CT")
    bridge = SyncBridge(config, paths)
    indicator = SyncIndicator(bridge)
    qtbot.addWidget(indicator)
    bridge.start()
    try:
        qtbot.waitUntil(lambda: bridge.status.state == "offline", timeout=15000)
        qtbot.waitUntil(lambda: indicator.text().startswith("Mất kết nối"), timeout=5000)
        assert bridge.status.pending == 2  # the ticket and its 'issued' event stay queued
    finally:
        bridge.stop()


def test_no_server_configured_means_no_worker(qtbot, tmp_path):
    bridge = SyncBridge(Config(), Paths(tmp_path, tmp_path / "kiosk.toml"))
    indicator = SyncIndicator(bridge)
    qtbot.addWidget(indicator)
    assert not bridge.enabled and indicator.isHidden()
    bridge.start()
    bridge.stop()


def test_ticket_kiosk_pushes_its_tickets_to_the_city(qtbot, tmp_path):
    from PySide6.QtCore import Qt

    from kiosk.ui.app import build_window

    server = CityServer(tmp_path)
    try:
        config, paths = station(tmp_path, server.url)
        config = config.with_values(printer={"uri": f"file://{tmp_path / 'p.bin'}"},
                                    kiosk={"fullscreen": False, "enforce_opening_hours": False})
        window = build_window(config, paths)
        try:
            window.show()
            qtbot.mouseClick(window.start_page.service_buttons["CT"], Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: window.sync.status.state == "up_to_date"
                            and window.sync.status.sent_total >= 3, timeout=15000)
            assert_city_has_exactly(server, paths.database)
        finally:
            window.close()
    finally:
        server.stop()


def test_a_closing_screen_does_not_wait_for_a_push_in_progress(qtbot, tmp_path):
    import socket
    import time

    with socket.socket() as silent:  # takes the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        config, paths = station(tmp_path, f"http://127.0.0.1:{silent.getsockname()[1]}")
        TicketDesk(connect(paths.database), config).issue("CT")
        bridge = SyncBridge(config, paths)
        bridge.start()
        silent.settimeout(10)
        pushing, _ = silent.accept()  # the worker waits for an answer now
        with pushing:
            started = time.monotonic()
            bridge.stop(wait=False)
            assert time.monotonic() - started < 0.5
            assert not bridge.enabled
