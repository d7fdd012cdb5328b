"""The kiosk's "Tra cứu hồ sơ" in a LAN office: the dossier was taken in on a counter PC, which
forwarded its public record to a real hub process; the kiosk (a hub client with no dossiers of
its own) finds it there, and says so plainly when the hub is down."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kiosk.config import Config  # noqa: E402
from kiosk.dossiers import DossierDesk  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.queue.remote import RemoteQueue  # noqa: E402
from kiosk.store import connect  # noqa: E402
from kiosk.ui.app import build_window  # noqa: E402
from tests.dossiers.test_dossiers_helpers import CLERK, ID_NUMBER, OWNER, intake  # noqa: E402
from tests.hubutil import KEY, hub_fixture, hub_pool_fixture, pair  # noqa: E402, F401
from tests.ui.test_ui_selfservice import all_texts, make_config, type_on  # noqa: E402
from tests.util import tap  # noqa: E402


def test_kiosk_client_looks_up_a_counters_dossier_at_the_hub(qtbot, tmp_path, hub):
    counter_db = tmp_path / "counter" / "kiosk.db"
    db = connect(counter_db)
    dossier = DossierDesk(db, Config().with_values(station={"id": "counter-1"})).save_intake(
        intake(), clerk=CLERK)
    db.conn.close()
    feed = RemoteQueue(hub.url, pair(hub.url, "counter-1", "counter"), outbox_path=counter_db)
    try:
        assert feed.forward_office_records() == 1
    finally:
        feed.close()

    kiosk_dir = tmp_path / "kiosk"
    kiosk_dir.mkdir()
    config = make_config(kiosk_dir).with_values(
        hub={"role": "client", "url": hub.url, "office_key": KEY, "timeout_s": 2})
    window = build_window(config, Paths(kiosk_dir, kiosk_dir / "kiosk.toml"))
    try:
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        tap(qtbot, window.start_page.lookup_button)
        page = window.selfservice.lookup_page
        type_on(qtbot, page.keyboard, dossier.code.split("-", 1)[1])
        tap(qtbot, page.search_button)
        qtbot.waitUntil(lambda: page.panel == page.RESULT, timeout=10000)
        texts = page.card.texts()
        assert f"Mã hồ sơ: {dossier.code}" in texts
        assert "Được tiếp nhận" in texts
        assert "L.V.L." in texts
        shown = all_texts(window)
        for secret in (ID_NUMBER, OWNER, CLERK):
            assert secret not in shown

        # The receipt's short look-up code: completed with this office's unit on the kiosk,
        # found at the hub among the records the counter forwarded.
        tap(qtbot, page.again_button)
        type_on(qtbot, page.keyboard, dossier.short_code.lower())
        tap(qtbot, page.search_button)
        qtbot.waitUntil(lambda: page.panel == page.RESULT, timeout=10000)
        assert f"Mã hồ sơ: {dossier.code}" in page.card.texts()

        tap(qtbot, page.done_button)
        hub.stop()
        tap(qtbot, window.start_page.lookup_button)
        type_on(qtbot, page.keyboard, dossier.code.split("-", 1)[1])
        tap(qtbot, page.search_button)
        qtbot.waitUntil(lambda: "mất kết nối với máy chủ" in all_texts(window), timeout=15000)
    finally:
        window.close()
