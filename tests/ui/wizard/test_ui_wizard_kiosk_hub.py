"""The set-up wizard on a ticket kiosk (pytest-qt, offscreen, real files and real hubs): the Hub
step offers "alone", "this PC is the hub" and "a hub on another PC".

- The kiosk as the office hub gets the hub PC's fields (port, office key, HTTPS on by default,
  its certificate made in its data folder, the https:// address for the others, hub.crt to
  copy); the saved file validates with [station] role = "kiosk", [hub] role = "hub" listening
  on the LAN; the ticket window built from it starts the hub in-process, and a hub client
  trusting the copied hub.crt issues a ticket there while the kiosk prints its own. A second
  run starts from that configuration and keeps the certificate.
- Alone and as a client (of a real TLS hub) the kiosk saves what it did before.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QFileDialog  # noqa: E402

from kiosk.admin.setup import INSTALLATION_SUFFIX  # noqa: E402
from kiosk.queue.local import LocalQueue  # noqa: E402
from kiosk.queue.remote import RemoteQueue  # noqa: E402
from kiosk.station import database_path, start_office_hub  # noqa: E402
from kiosk.tls import cert_hosts  # noqa: E402
from kiosk.ui.app import build_window  # noqa: E402
from kiosk.ui.wizard.pages import (  # noqa: E402
    HubPage,
    PrinterPage,
    SummaryPage,
)
from tests.ui.wizard.test_ui_wizard_tls import (  # noqa: E402, F401
    KEY,
    city_page_to_summary,
    config_checks,
    make_wizard,
    queue_json,
    run_test,
    save,
    tls_hub,
    to_hub_page,
)
from tests.util import free_port, tap  # noqa: E402


def kiosk_hub_page_to_saved(qtbot, wizard, printer_uri):
    """From a kiosk's hub step on (printer, city, PIN) to the summary."""
    tap(qtbot, wizard.next_button)
    printer = wizard.page
    assert isinstance(printer, PrinterPage), wizard.page.error.text()
    printer.uri.setText(printer_uri)
    tap(qtbot, wizard.next_button)
    return city_page_to_summary(qtbot, wizard)


def shown(widget) -> bool:
    return not widget.isHidden()


def test_kiosk_as_the_office_hub_serves_a_client_from_its_ticket_window(
        qtbot, tmp_path, capsys, monkeypatch):
    data = tmp_path / "kiosk-pc"
    wizard, paths = make_wizard(qtbot, data)
    page = to_hub_page(qtbot, wizard, "kiosk")

    # Three choices; alone is where a new kiosk starts (as before: no hub).
    assert page.mode_row.isVisible()
    assert [b.accessibleName() for b in page.mode_buttons.values()] == [
        "Chỉ một máy (không có hub)", "Máy này làm hub cho cả điểm (máy kiosk lấy số)",
        "Kết nối tới hub ở máy khác"]
    assert page.mode_buttons["standalone"].isChecked()
    assert not page.url.isVisible() and not page.port.isVisible()

    tap(qtbot, page.mode_buttons["hub"])
    assert page.mode() == "hub"
    # The hub PC's fields and behaviour, on the kiosk.
    assert page.port.isVisible() and page.generate.isVisible() and page.key.isVisible()
    assert page.secure.isVisible() and page.secure.isChecked()  # HTTPS on by default
    assert not page.url.isVisible() and not page.ca_file.isVisible()
    assert not page.test_button.isVisible()
    assert page.address_line.text().endswith("https://192.0.2.10:8090")
    assert str(data / "tls" / "hub.crt") in page.addresses.text()
    assert "Không chép hub.key" in page.addresses.text()
    port = free_port()
    page.port.setValue(port)
    assert page.address_line.text().endswith(f"https://192.0.2.10:{port}")
    tap(qtbot, wizard.next_button)
    assert wizard.page is page and "mã khóa" in page.error.text()  # the key is needed
    tap(qtbot, page.generate)
    key = page.key.text()
    assert len(key) >= 8
    assert not (data / "tls").exists()  # nothing written before Next

    summary = kiosk_hub_page_to_saved(qtbot, wizard, f"preview://{tmp_path / 'slips'}")
    cert, cert_key = data / "tls" / "hub.crt", data / "tls" / "hub.key"
    assert cert.is_file() and cert_key.is_file()
    assert cert_hosts(cert) == ["192.0.2.10", "127.0.0.1", "hub-pc", "localhost"]
    rows = dict(summary.rows(wizard.answers) + summary.tls_rows(wizard.answers))
    assert rows["Vai trò"] == "Máy lấy số thứ tự, làm hub của điểm"
    assert rows["Hub"] == f"máy này, cổng {port}"
    assert rows["Bảo mật kết nối"] == "có (HTTPS)"
    assert rows["Địa chỉ cho các máy khác"] == f"https://192.0.2.10:{port}"
    assert str(cert) in rows["Chép sang mọi máy khác"]
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *a, **k: str(usb)))
    assert summary.copy_button.isVisible()
    tap(qtbot, summary.copy_button)
    assert (usb / "hub.crt").read_bytes() == cert.read_bytes()
    assert not (usb / "hub.key").exists()

    config = save(qtbot, wizard)
    loaded = config_checks(paths, capsys)
    assert loaded == config
    assert loaded.station.role == "kiosk" and loaded.station.id == f"kiosk-{INSTALLATION_SUFFIX}"
    assert loaded.hub.role == "hub" and loaded.hub.url == ""
    assert loaded.hub.host == "0.0.0.0" and loaded.hub.port == port  # as the hub PC writes
    assert loaded.hub.office_key == key
    assert loaded.hub.tls_cert == str(cert) and loaded.hub.tls_key == str(cert_key)
    assert loaded.printer.uri == f"preview://{tmp_path / 'slips'}"

    # `kiosk run` on this PC: the ticket window, and the hub on a thread of the same process.
    window = build_window(loaded.with_values(kiosk={"fullscreen": False,
                                                    "enforce_opening_hours": False}), paths)
    hub = start_office_hub(loaded, paths)
    client = None
    try:
        assert hub is not None and hub.url == f"https://127.0.0.1:{port}"
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        tap(qtbot, window.start_page.service_buttons["CT"])  # the kiosk's own ticket
        qtbot.waitUntil(lambda: window.confirm_page.state == "printed", timeout=10000)
        assert list((tmp_path / "slips").glob("*.png"))

        # A counter PC: RemoteQueue with the office key, trusting the copied hub.crt.
        client = RemoteQueue(hub.url, key, ca_file=str(usb / "hub.crt"))
        ticket = client.issue("HT")
        assert ticket.service_code == "HT" and ticket.number
        waiting = {t.number for t in client.snapshot().waiting_tickets}
        assert ticket.number in waiting and window.confirm_page.ticket.number in waiting

        # Both are in the kiosk's own database: the hub serves it.
        local = LocalQueue(database_path(loaded, paths), loaded)
        try:
            assert {t.number for t in local.snapshot().waiting_tickets} == waiting
        finally:
            local.close()
    finally:
        if client is not None:
            client.close()
        window.close()
        if hub is not None:
            hub.stop()


def test_running_the_wizard_again_on_a_kiosk_hub_keeps_it_and_its_certificate(
        qtbot, tmp_path, capsys):
    data = tmp_path / "kiosk-pc"
    wizard, paths = make_wizard(qtbot, data)
    page = to_hub_page(qtbot, wizard, "kiosk")
    tap(qtbot, page.mode_buttons["hub"])
    page.key.setText(KEY)
    page.port.setValue(8091)
    kiosk_hub_page_to_saved(qtbot, wizard, f"preview://{tmp_path / 'slips'}")
    first = save(qtbot, wizard)
    cert = (data / "tls" / "hub.crt").read_bytes()

    again, _ = make_wizard(qtbot, data, base=first, existing=True)
    page = again.go_to(HubPage)
    assert page.mode_buttons["hub"].isChecked() and page.mode() == "hub"
    assert page.secure.isChecked() and page.port.value() == 8091 and page.key.text() == KEY
    assert "Dùng chứng chỉ có sẵn" in page.addresses.text()
    assert page.address_line.text().endswith("https://192.0.2.10:8091")
    assert again.go_next(), page.error.text()
    assert isinstance(again.page, PrinterPage)
    summary = again.go_to(SummaryPage)
    assert summary.copy_button.isVisible()
    config = save(qtbot, again)
    assert (data / "tls" / "hub.crt").read_bytes() == cert
    assert config.hub.tls_cert == first.hub.tls_cert and config.hub.tls_key == first.hub.tls_key
    assert config.station.role == "kiosk" and config.hub.role == "hub"
    assert config.hub.host == "0.0.0.0" and config.hub.port == 8091
    config_checks(paths, capsys)


def test_kiosk_alone_needs_no_key_and_saves_a_standalone_station(qtbot, tmp_path, capsys):
    data = tmp_path / "kiosk-pc"
    wizard, paths = make_wizard(qtbot, data)
    page = to_hub_page(qtbot, wizard, "kiosk")
    assert page.mode_buttons["standalone"].isChecked()
    for widget in (page.url, page.key, page.key_label, page.port, page.secure,
                   page.test_button, page.address_line):
        assert not shown(widget)
    assert page.first_field() is None
    summary = kiosk_hub_page_to_saved(qtbot, wizard, f"preview://{tmp_path / 'slips'}")
    assert dict(summary.rows(wizard.answers))["Hub"] == "không (máy làm việc một mình)"
    assert summary.tls_rows(wizard.answers) == [] and not summary.copy_button.isVisible()
    config = save(qtbot, wizard)
    loaded = config_checks(paths, capsys)
    assert loaded == config
    assert loaded.station.role == "kiosk" and loaded.hub.role == "standalone"
    assert loaded.hub.url == "" and loaded.hub.tls_cert == ""
    assert loaded.hub.host == "127.0.0.1"  # not written: nothing listens
    assert not (data / "tls").exists()


def test_kiosk_as_a_client_of_a_hub_elsewhere(qtbot, tmp_path, tls_hub, capsys):  # noqa: F811
    handle, hub_crt, _ = tls_hub
    data = tmp_path / "kiosk-pc"
    wizard, paths = make_wizard(qtbot, data)
    page = to_hub_page(qtbot, wizard, "kiosk")
    tap(qtbot, page.mode_buttons["client"])
    assert page.url.isVisible() and page.key.isVisible() and page.test_button.isVisible()
    assert not page.port.isVisible() and not page.secure.isVisible()
    assert not page.generate.isVisible()
    page.key.setText(KEY)
    tap(qtbot, wizard.next_button)  # no address: say so, or choose alone
    assert wizard.page is page and "Nhập địa chỉ của hub" in page.error.text()
    assert "Chỉ một máy" in page.error.text()
    qtbot.keyClicks(page.url, handle.url)
    assert page.ca_file.isVisible()
    page.ca_file.setText(str(hub_crt))
    text = run_test(qtbot, page)
    assert page.results.property("tone") == "ok", text

    # Looking at "this PC is the hub" and back keeps what was typed.
    tap(qtbot, page.mode_buttons["hub"])
    assert not page.url.isVisible() and not page.ca_file.isVisible()
    tap(qtbot, page.mode_buttons["client"])
    assert page.url.text() == handle.url and page.ca_file.isVisible()

    summary = kiosk_hub_page_to_saved(qtbot, wizard, f"preview://{tmp_path / 'slips'}")
    assert dict(summary.rows(wizard.answers))["Hub"] == handle.url
    assert not summary.copy_button.isVisible()
    config = save(qtbot, wizard)
    loaded = config_checks(paths, capsys)
    assert loaded == config
    assert loaded.station.role == "kiosk" and loaded.hub.role == "client"
    assert loaded.hub.url == handle.url and loaded.hub.tls_cert == ""
    assert loaded.hub.ca_file == str(data / "tls" / "hub-ca.crt")
    assert not (data / "tls" / "hub.crt").exists()  # no hub certificate made here
    assert "waiting" in str(queue_json(capsys, data))
