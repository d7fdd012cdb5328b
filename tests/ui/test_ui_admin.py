"""The admin view: reprint to a file printer, the configuration editor validated by the schema,
set-aside records requeued, the doctor's results, a log tail without personal data, idle close."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import logging  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from kiosk import config as config_mod  # noqa: E402
from kiosk.config import Config  # noqa: E402
from kiosk.dossiers import DossierDesk  # noqa: E402
from kiosk.logs import setup_logging  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.store import append_outbox, connect, transaction  # noqa: E402
from kiosk.ticketing import TicketDesk  # noqa: E402
from kiosk.ui.admin import AdminView  # noqa: E402
from kiosk.ui.admin.config_editor import ConfigEditor  # noqa: E402
from kiosk.ui.admin.tasks import pending_tasks  # noqa: E402
from kiosk.ui.qtapp import ensure_app, load_fonts  # noqa: E402
from tests.dossiers.test_dossiers_helpers import CLERK, ID_NUMBER, intake  # noqa: E402


@pytest.fixture
def station(tmp_path):
    paths = Paths(tmp_path, tmp_path / "kiosk.toml")
    printer = tmp_path / "printer.bin"
    config = Config().with_values(printer={"uri": f"file://{printer}"},
                                  sync={"server_url": "http://127.0.0.1:9", "token": "t0k3n"},
                                  station={"id": "kiosk-1"})
    config_mod.save(config, paths.config_file)
    db = connect(paths.database)
    desk = TicketDesk(db, config)
    ticket = desk.issue("CT")
    desk.record_print(ticket, True)
    dossier = DossierDesk(db, config).save_intake(intake(), clerk=CLERK)
    with transaction(db) as conn:
        append_outbox(conn, "ticket", {"bad": True}, datetime.now(UTC), record_id="rec-refused")
        conn.execute("UPDATE outbox SET set_aside_at = ?, set_aside_reason = ? "
                     "WHERE record_id = 'rec-refused'",
                     (datetime.now(UTC).isoformat(), "missing field: number"))
    db.conn.close()
    setup_logging(paths)
    logging.getLogger("tests.admin").warning("scan of %s was refused", ID_NUMBER)
    for handler in logging.getLogger().handlers:
        handler.flush()
    return config, paths, printer, ticket, dossier


@pytest.fixture
def view(qtbot, station):
    config, paths, *_ = station
    load_fonts(ensure_app())
    v = AdminView(config, paths, supervised=True, idle_close_ms=None)
    qtbot.addWidget(v)
    v.resize(1366, 768)
    v.show()
    qtbot.waitExposed(v)
    yield v
    qtbot.waitUntil(lambda: pending_tasks() == 0, timeout=15000)
    v.close()


def test_reprint_a_ticket_and_a_receipt(qtbot, view, station):
    _, _, printer, ticket, dossier = station
    tab = view.reprint_tab
    qtbot.waitUntil(lambda: tab.tickets.rowCount() > 0, timeout=5000)  # read on the lane
    assert tab.tickets.item(0, 0).text() == ticket.number
    assert tab.dossiers.item(0, 0).text() == dossier.code
    # No personal data in the lists.
    texts = [tab.dossiers.item(0, c).text() for c in range(tab.dossiers.columnCount())]
    assert not any(ID_NUMBER in t or dossier.submitter.name in t for t in texts)
    tab.tickets.selectRow(0)
    qtbot.mouseClick(tab.ticket_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.ticket_button.isEnabled(), timeout=15000)
    assert "Đã in lại số" in tab.result.text(), tab.result.text()
    size = printer.stat().st_size
    assert size > 1000
    tab.dossiers.selectRow(0)
    qtbot.mouseClick(tab.receipt_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.receipt_button.isEnabled(), timeout=15000)
    assert dossier.code in tab.result.text(), tab.result.text()
    assert printer.stat().st_size > size


def test_device_tab_test_print(qtbot, view, station):
    panel = view.devices_tab.printer_panel
    qtbot.mouseClick(panel.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.last_ok is not None, timeout=15000)
    assert panel.last_ok and station[2].stat().st_size > 1000


def test_set_aside_records_can_be_requeued(qtbot, view):
    tab = view.sync_tab
    view.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1, timeout=5000)  # read on the lane
    assert tab.table.item(0, 0).text() == "rec-refused"
    assert tab.table.item(0, 4).text() == "missing field: number"
    qtbot.mouseClick(tab.requeue_all, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 0, timeout=5000)
    assert "1 bản ghi" in tab.result.text()


def test_doctor_tab_shows_results_with_fixes(qtbot, view):
    tab = view.doctor_tab
    qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(tab.results), timeout=20000)
    statuses = {r.name: r.status for r in tab.results}
    assert statuses["city server"] == "FAIL"  # port 9 is closed
    assert statuses["database"] == "PASS"
    assert "lỗi" in tab.summary.text()
    assert tab.rows_box.count() == len(tab.results) + 1


def test_log_tail_masks_id_numbers(view):
    text = view.logs_tab.text.toPlainText()
    assert "scan of <id-number> was refused" in text
    assert ID_NUMBER not in text


def test_config_editor_validates_through_the_schema(qtbot, view, station):
    _, paths, *_ = station
    tab = view.config_tab
    editor = tab.editor
    _f, uri = editor.editors[("printer", "uri")]
    uri.setText("nonsense://printer")
    assert not tab.save(restart=False)
    assert "uri" in tab.result.text() and uri.property("invalid") == "true"
    assert "nonsense" not in paths.config_file.read_text()
    uri.setText("tcp://192.168.1.50:9100")
    _f, name = editor.editors[("office", "name")]
    name.setText("Điểm phục vụ phường Ba Đình")
    with qtbot.waitSignal(view.restart_requested):
        assert tab.save(restart=True)
    saved = config_mod.load(paths.config_file)
    assert saved.printer.uri == "tcp://192.168.1.50:9100"
    assert saved.office.name == "Điểm phục vụ phường Ba Đình"
    assert saved.sync.token == "t0k3n"  # untouched secrets stay


def test_config_editor_covers_every_schema_key_and_hides_the_pin_hash(station):
    config = station[0]
    editor = ConfigEditor(config)
    keys = {(s, k) for s, k, _ in config_mod.schema()} - {("admin", "pin_hash")}
    assert set(editor.editors) == keys
    assert editor.build() == config  # an untouched form gives the same configuration
    _f, token = editor.editors[("sync", "token")]
    assert token.edit.echoMode() == token.edit.EchoMode.Password


def test_admin_view_closes_itself_when_left_alone(qtbot, station):
    config, paths, *_ = station
    v = AdminView(config, paths, idle_close_ms=150)
    qtbot.addWidget(v)
    with qtbot.waitSignal(v.back_requested, timeout=3000):
        v.show()
    v.close()


# -- `kiosk admin` and `kiosk setup` on an existing station --------------------------------------

def _close_admin_views_soon(qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def close():
        views = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, AdminView) and w.isVisible()]
        for v in views:
            v.back_requested.emit()
        if not views:
            QTimer.singleShot(50, close)

    QTimer.singleShot(50, close)


def test_kiosk_admin_sets_a_first_pin_then_opens_the_view(qtbot, station, monkeypatch):
    from kiosk.admin.pin import hash_pin, verify_pin
    from kiosk.admin.settings import stored_pin_hash
    from kiosk.cli import main
    from kiosk.ui.admin.pin_pad import PinDialog

    config, paths, *_ = station
    modes = []

    def fake_exec(dialog):
        modes.append(dialog.mode)
        dialog.new_hash = hash_pin("482915")
        return PinDialog.DialogCode.Accepted

    monkeypatch.setattr(PinDialog, "exec", fake_exec)
    _close_admin_views_soon(qtbot)
    assert main(["--data-dir", str(paths.data_dir), "admin"]) == 0
    assert modes == [PinDialog.NEW]
    assert verify_pin("482915", stored_pin_hash(config_mod.load(paths.config_file), paths))

    # Next time the PIN is asked for, and a refusal keeps the view closed.
    monkeypatch.setattr(PinDialog, "exec",
                        lambda d: modes.append(d.mode) or PinDialog.DialogCode.Rejected)
    assert main(["--data-dir", str(paths.data_dir), "admin"]) == 1
    assert modes[-1] == PinDialog.VERIFY


def test_setup_on_an_existing_station_starts_from_its_configuration(qtbot, station):
    from kiosk.admin.pin import hash_pin
    from kiosk.admin.settings import save_pin_hash, stored_pin_hash
    from kiosk.ui.wizard import SetupWizard
    from kiosk.ui.wizard.pages import CityPage, OfficePage, PinPage, SummaryPage

    config, paths, *_ = station
    config = save_pin_hash(config, paths, hash_pin("482915"))
    before = stored_pin_hash(config, paths)
    wizard = SetupWizard(paths, base=config, existing=True,
                         detect_printers=lambda: None, list_ports=lambda: [])
    qtbot.addWidget(wizard)
    office = wizard.go_to(OfficePage)
    assert office.code.text() == config.office.code
    city = wizard.go_to(CityPage)
    assert city.url.text() == "http://127.0.0.1:9" and city.token.text() == "t0k3n"
    pin = wizard.go_to(PinPage)
    assert not pin.keep.isHidden() and pin.keeping()
    wizard.answers.role = "kiosk"
    wizard.go_to(SummaryPage)
    with qtbot.waitSignal(wizard.finished) as done:
        assert wizard.go_next()
    assert done.args[0].sync.token == "t0k3n"
    assert stored_pin_hash(done.args[0], paths) == before


def test_push_now_drains_the_backlog_with_a_progress_bar(qtbot, station, tmp_path):
    from tests.faultproxy import TOKEN, CityServer

    config, paths, *_ = station
    (tmp_path / "city").mkdir()
    server = CityServer(tmp_path / "city")
    try:
        config = config.with_values(sync={"server_url": server.url, "token": TOKEN,
                                          "batch_max_records": 2})
        desk = TicketDesk(connect(paths.database), config)
        for _ in range(20):
            desk.issue("HT")
        load_fonts(ensure_app())
        v = AdminView(config, paths, supervised=True, idle_close_ms=None)
        qtbot.addWidget(v)
        tab = v.sync_tab
        v.tabs.setCurrentWidget(tab)
        assert tab.push_now.isEnabled() and tab.panel.isHidden()
        qtbot.mouseClick(tab.push_now, Qt.MouseButton.LeftButton)
        assert not tab.panel.isHidden()
        qtbot.waitUntil(lambda: tab.bridge.status.state == "up_to_date", timeout=20000)
        assert tab.bridge.status.sent_total >= 40
        # The worker's status reaches the panel through a queued signal: wait for the repaint.
        qtbot.waitUntil(lambda: "Chờ gửi: 0" in tab.panel.details.text(), timeout=5000)
        assert server.records()  # the city has them
        qtbot.waitUntil(lambda: pending_tasks() == 0, timeout=15000)
        v.close()
        assert not tab.bridge.enabled  # the worker stopped with the view
    finally:
        server.stop()
