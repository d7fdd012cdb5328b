"""The set-up wizard and TLS (pytest-qt, offscreen), against real hubs on 127.0.0.1:

- the hub PC: "Bảo mật kết nối" is on by default, leaving the hub step makes hub.crt/hub.key in
  the station's data folder, the page shows the https:// address and the file to copy, the
  saved configuration names the pair, validates, and a real hub serves HTTPS with it to a
  client trusting the copied hub.crt; a second run keeps the certificate;
- a client PC: an https:// address shows the certificate field, the connection test uses it
  (another hub's certificate: the plain message, then the right one: passes), wrong files are
  refused on Next with the fix, and the saved station reaches the hub through its copy of the
  certificate.
"""

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtWidgets import QFileDialog  # noqa: E402

from kiosk import config as config_mod  # noqa: E402
from kiosk.cli import main  # noqa: E402
from kiosk.hub.server import start_hub_in_thread  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.tls import UNTRUSTED, cert_hosts, make_self_signed  # noqa: E402
from kiosk.ui.qtapp import ensure_app, load_fonts  # noqa: E402
from kiosk.ui.wizard import SetupWizard  # noqa: E402
from kiosk.ui.wizard.pages import (  # noqa: E402
    CityPage,
    HubPage,
    OfficePage,
    PinPage,
    RolePage,
    SummaryPage,
    WelcomePage,
)
from tests.util import tap  # noqa: E402

PIN = "482915"
KEY = "office-key-20260115"
HOSTS = ["hub-pc", "192.0.2.10", "localhost", "127.0.0.1"]


def make_wizard(qtbot, data, **kwargs):
    load_fonts(ensure_app())
    paths = Paths(data, data / "kiosk.toml")
    kwargs.setdefault("lan_hosts", lambda: list(HOSTS))
    wizard = SetupWizard(paths, detect_printers=lambda: None, list_ports=lambda: [], **kwargs)
    qtbot.addWidget(wizard)
    wizard.resize(1366, 768)
    wizard.show()
    qtbot.waitExposed(wizard)
    qtbot.waitUntil(lambda: wizard.hosts_known, timeout=5000)  # asked on the wizard's lane
    return wizard, paths


def to_hub_page(qtbot, wizard, role):
    assert isinstance(wizard.page, WelcomePage)
    tap(qtbot, wizard.next_button)
    office = wizard.page
    assert isinstance(office, OfficePage)
    qtbot.keyClicks(office.code, "000.00.01.H26")
    office.name.setText("Điểm phục vụ hành chính công phường Ba Đình")
    tap(qtbot, wizard.next_button)
    page = wizard.page
    assert isinstance(page, RolePage)
    tap(qtbot, page.buttons[role])
    tap(qtbot, wizard.next_button)
    assert isinstance(wizard.page, HubPage)
    return wizard.page


def hub_page_to_saved(qtbot, wizard):
    """From the hub step on (a hub or a display: no printer, no scanner), to the saved file."""
    tap(qtbot, wizard.next_button)
    return city_page_to_summary(qtbot, wizard)


def city_page_to_summary(qtbot, wizard):
    """From the city step (no city server yet) through the PIN to the summary."""
    assert isinstance(wizard.page, CityPage), wizard.page.error.text()
    tap(qtbot, wizard.next_button)
    pin = wizard.page
    assert isinstance(pin, PinPage)
    pin.first.setText(PIN)
    pin.second.setText(PIN)
    tap(qtbot, wizard.next_button)
    summary = wizard.page
    assert isinstance(summary, SummaryPage)
    return summary


def save(qtbot, wizard):
    with qtbot.waitSignal(wizard.finished, timeout=10000) as saved:
        tap(qtbot, wizard.next_button)
    assert saved.args[0] is not None, wizard.page.error.text()
    return saved.args[0]


def config_checks(paths, capsys):
    """The saved file validates with the schema (`kiosk config check`, i.e. config.load)."""
    loaded = config_mod.load(paths.config_file)
    capsys.readouterr()
    assert main(["--data-dir", str(paths.data_dir), "config", "check"]) == 0, \
        capsys.readouterr()
    return loaded


def queue_json(capsys, data_dir, *options):
    """`kiosk queue --json` on a station (a client reaches the hub)."""
    capsys.readouterr()
    code = main(["--data-dir", str(data_dir), "queue", *options, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


# -- the hub PC ------------------------------------------------------------------------------


def test_this_pcs_addresses_are_asked_off_the_ui_thread_and_shown_when_known(qtbot, tmp_path):
    import threading

    asked = []
    gate = threading.Event()

    def lan_hosts():
        asked.append(threading.current_thread() is threading.main_thread())
        gate.wait(5)
        return list(HOSTS)

    load_fonts(ensure_app())
    paths = Paths(tmp_path, tmp_path / "kiosk.toml")
    wizard = SetupWizard(paths, detect_printers=lambda: None, list_ports=lambda: [],
                         lan_hosts=lan_hosts)
    qtbot.addWidget(wizard)
    wizard.show()
    page = to_hub_page(qtbot, wizard, "hub")
    assert not wizard.hosts_known and "192.0.2.10" not in page.address_line.text()
    assert "dò địa chỉ" in (wizard.prepare_certificate() or "")  # no certificate without them
    gate.set()
    qtbot.waitUntil(lambda: page.address_line.text().endswith("https://192.0.2.10:8090"),
                    timeout=5000)
    assert asked == [False]


def test_hub_wizard_makes_a_certificate_and_serves_https_with_it(qtbot, tmp_path, capsys,
                                                                monkeypatch):
    data = tmp_path / "hub-pc"
    wizard, paths = make_wizard(qtbot, data)
    page = to_hub_page(qtbot, wizard, "hub")
    assert page.secure.isVisible() and page.secure.isChecked()  # on by default
    assert not page.url.isVisible() and not page.ca_file.isVisible()
    assert page.address_line.text().endswith("https://192.0.2.10:8090")
    assert str(data / "tls" / "hub.crt") in page.addresses.text()
    assert "Không chép hub.key" in page.addresses.text()
    page.port.setValue(8443)
    assert page.address_line.text().endswith("https://192.0.2.10:8443")
    tap(qtbot, page.generate)
    assert len(page.key.text()) >= 8
    assert not (data / "tls").exists()  # nothing written before Next

    summary = hub_page_to_saved(qtbot, wizard)
    cert, key = data / "tls" / "hub.crt", data / "tls" / "hub.key"
    assert cert.is_file() and key.is_file()
    if os.name == "posix":
        assert key.stat().st_mode & 0o077 == 0
    assert cert_hosts(cert) == ["192.0.2.10", "127.0.0.1", "hub-pc", "localhost"]
    rows = dict(summary.rows(wizard.answers) + summary.tls_rows(wizard.answers))
    assert rows["Bảo mật kết nối"] == "có (HTTPS)"
    assert rows["Địa chỉ cho các máy khác"] == "https://192.0.2.10:8443"
    assert str(cert) in rows["Chép sang mọi máy khác"]

    # "Chép hub.crt ra USB…": the certificate, never the key.
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *a, **k: str(usb)))
    assert summary.copy_button.isVisible()
    tap(qtbot, summary.copy_button)
    assert (usb / "hub.crt").read_bytes() == cert.read_bytes()
    assert not (usb / "hub.key").exists() and str(usb) in summary.copied.text()

    config = save(qtbot, wizard)
    loaded = config_checks(paths, capsys)
    assert loaded == config
    assert loaded.hub.role == "hub" and loaded.station.role == "hub"
    assert loaded.hub.tls_cert == str(cert) and loaded.hub.tls_key == str(key)
    assert loaded.hub.host == "0.0.0.0" and loaded.hub.port == 8443

    # The saved pair serves HTTPS; a station trusting the copied hub.crt gets the queue.
    handle = start_hub_in_thread(tmp_path / "hub.db", loaded, loaded.hub.office_key, port=0,
                                 tls_cert=loaded.hub.tls_cert, tls_key=loaded.hub.tls_key)
    try:
        assert handle.url.startswith("https://127.0.0.1:")
        got = queue_json(capsys, tmp_path / "station", "--hub", handle.url, "--ca-file",
                         str(usb / "hub.crt"), "--key", loaded.hub.office_key)
        assert "waiting" in json.dumps(got)
    finally:
        handle.stop()


def test_running_the_wizard_again_keeps_the_hubs_certificate(qtbot, tmp_path, capsys):
    data = tmp_path / "hub-pc"
    wizard, paths = make_wizard(qtbot, data)
    page = to_hub_page(qtbot, wizard, "hub")
    page.key.setText(KEY)
    hub_page_to_saved(qtbot, wizard)
    first = save(qtbot, wizard)
    cert = (data / "tls" / "hub.crt").read_bytes()

    # The PC's address changed meanwhile: the old certificate stays, with a warning.
    again, _ = make_wizard(qtbot, data, base=first, existing=True,
                           lan_hosts=lambda: ["hub-pc", "192.0.2.99", "127.0.0.1"])
    page = again.go_to(HubPage)
    assert page.secure.isChecked()
    assert "Dùng chứng chỉ có sẵn" in page.addresses.text()
    assert "192.0.2.99" in page.addresses.text()  # not named by the certificate
    assert page.address_line.text().endswith("https://192.0.2.10:8090")
    assert again.go_next(), page.error.text()
    again.go_to(SummaryPage)
    config = save(qtbot, again)
    assert (data / "tls" / "hub.crt").read_bytes() == cert
    assert config.hub.tls_cert == first.hub.tls_cert
    config_checks(paths, capsys)


def test_hub_without_tls_and_a_half_certificate_pair(qtbot, tmp_path, capsys):
    data = tmp_path / "hub-pc"
    (data / "tls").mkdir(parents=True)
    (data / "tls" / "hub.crt").write_text("left over", encoding="utf-8")
    wizard, paths = make_wizard(qtbot, data)
    page = to_hub_page(qtbot, wizard, "hub")
    page.key.setText(KEY)
    assert "thiếu hub.key" in page.addresses.text()
    tap(qtbot, wizard.next_button)
    assert wizard.page is page and "thiếu hub.key" in page.error.text()
    assert "xóa hub.crt" in page.error.text()  # the fix

    tap(qtbot, page.secure)  # plain HTTP, with a warning
    assert not page.secure.isChecked()
    assert page.address_line.text().endswith("http://192.0.2.10:8090")
    assert "Không bảo mật" in page.addresses.text()
    summary = hub_page_to_saved(qtbot, wizard)
    assert dict(summary.tls_rows(wizard.answers)) == {"Bảo mật kết nối": "không (HTTP)"}
    assert not summary.copy_button.isVisible()
    config = save(qtbot, wizard)
    assert config.hub.tls_cert == "" and config.hub.tls_key == ""
    assert not (data / "tls" / "hub.key").exists()
    config_checks(paths, capsys)


# -- a client PC ---------------------------------------------------------------------------


@pytest.fixture
def tls_hub(tmp_path):
    cert, key = make_self_signed(tmp_path / "hub-tls", ["127.0.0.1", "localhost"])
    handle = start_hub_in_thread(tmp_path / "hub.db", config_mod.Config(), KEY, port=0,
                                 tls_cert=str(cert), tls_key=str(key))
    yield handle, cert, key
    handle.stop()


def run_test(qtbot, page):
    page.last_results = None
    tap(qtbot, page.test_button)
    qtbot.waitUntil(lambda: page.last_results is not None, timeout=15000)
    return page.results.text()


def test_client_wizard_trusts_the_hubs_certificate(qtbot, tmp_path, tls_hub, capsys,
                                                   monkeypatch):
    handle, hub_crt, hub_key = tls_hub
    other, _ = make_self_signed(tmp_path / "other-hub", ["127.0.0.1"])
    usb = tmp_path / "usb"
    usb.mkdir()
    picked = usb / "hub.crt"
    picked.write_bytes(hub_crt.read_bytes())

    data = tmp_path / "display-pc"
    wizard, paths = make_wizard(qtbot, data)
    page = to_hub_page(qtbot, wizard, "display")
    assert not page.secure.isVisible() and not page.ca_file.isVisible()
    qtbot.keyClicks(page.url, "http://192.0.2.10:8090")
    assert not page.ca_file.isVisible()
    page.url.clear()
    qtbot.keyClicks(page.url, handle.url)  # https://127.0.0.1:PORT
    assert page.ca_file.isVisible() and page.ca_button.isVisible()
    qtbot.keyClicks(page.key, KEY)

    # Next checks the file: none, a missing one, the hub's key, one for another address.
    tap(qtbot, wizard.next_button)
    assert wizard.page is page and "hub.crt" in page.error.text()
    page.ca_file.setText(str(usb / "missing.crt"))
    tap(qtbot, wizard.next_button)
    assert "Không thấy tệp" in page.error.text() and "does not exist" in page.error.text()
    page.ca_file.setText(str(hub_key))
    tap(qtbot, wizard.next_button)
    assert "khóa riêng" in page.error.text()
    page.ca_file.setText(str(other))
    page.url.setText(handle.url.replace("127.0.0.1", "localhost"))
    tap(qtbot, wizard.next_button)
    assert "không ghi địa chỉ localhost" in page.error.text() and "127.0.0.1" in page.error.text()
    page.url.setText(handle.url)

    # The connection test with another hub's certificate: the plain message and the fix.
    text = run_test(qtbot, page)
    assert page.results.property("tone") == "error"
    assert "không tin chứng chỉ của hub" in text and "Chép lại hub.crt" in text
    assert UNTRUSTED in text  # the technician's message (kiosk.tls.hub_tls_failure)

    # "Chọn tệp…" picks the right one; the test passes.
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(picked), "")))
    tap(qtbot, page.ca_button)
    assert page.ca_file.text() == str(picked)
    text = run_test(qtbot, page)
    assert page.results.property("tone") == "ok", text
    assert "qua HTTPS" in text and "nhận mã khóa" in text

    summary = hub_page_to_saved(qtbot, wizard)
    copy = data / "tls" / "hub-ca.crt"
    assert dict(summary.tls_rows(wizard.answers)) == {
        "Chứng chỉ của hub": f"{picked}, chép vào {copy}"}
    config = save(qtbot, wizard)
    loaded = config_checks(paths, capsys)
    assert loaded == config
    assert loaded.hub.role == "client" and loaded.hub.url == handle.url
    assert loaded.hub.ca_file == str(copy) and copy.read_bytes() == hub_crt.read_bytes()

    # The USB stick goes; the station reaches the hub with its configuration alone.
    picked.unlink()
    got = queue_json(capsys, data)
    assert "waiting" in json.dumps(got)


def test_client_connection_test_explains_a_plain_hub_and_a_missing_certificate(
        qtbot, tmp_path):
    plain = start_hub_in_thread(tmp_path / "plain.db", config_mod.Config(), KEY, port=0)
    try:
        wizard, _ = make_wizard(qtbot, tmp_path / "counter-pc")
        wizard.answers.role = "display"
        page = wizard.go_to(HubPage)
        page.url.setText(plain.url.replace("http://", "https://"))
        page.key.setText(KEY)
        page.ca_file.setText(str(make_self_signed(tmp_path / "c", ["127.0.0.1"])[0]))
        text = run_test(qtbot, page)
        assert "Hub không dùng HTTPS" in text and "http://" in text

        page.ca_file.clear()  # no certificate: the system's CAs do not know the hub's
        page.url.setText(plain.url.replace("http://", "https://"))
        text = run_test(qtbot, page)
        assert "Hub không dùng HTTPS" in text

        page.url.setText(plain.url)  # the plain hub over http: fine, no certificate asked
        text = run_test(qtbot, page)
        assert page.results.property("tone") == "ok", text
        assert not page.ca_file.isVisible()
        assert wizard.go_next(), page.error.text()
    finally:
        plain.stop()
