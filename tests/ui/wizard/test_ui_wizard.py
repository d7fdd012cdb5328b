"""The set-up wizard end to end (pytest-qt, offscreen): every page filled by touch and keyboard,
a test print to a file printer, a test scan, a city connection test against a local reference
server, the PIN twice; the written configuration loads. Then the admin gate: a wrong PIN is
refused and enough wrong tries lock it."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
import requests  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from drivers.printers import DetectedPrinter, PrinterScan  # noqa: E402
from drivers.scanners import PortInfo  # noqa: E402
from kiosk import config as config_mod  # noqa: E402
from kiosk.admin.pin import PinGate, hash_pin, verify_pin  # noqa: E402
from kiosk.admin.settings import stored_pin_hash  # noqa: E402
from kiosk.admin.setup import INSTALLATION_SUFFIX  # noqa: E402
from kiosk.diagnostics.selftest import LocalCityServer  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.ui.admin.pin_pad import PinDialog  # noqa: E402
from kiosk.ui.qtapp import ensure_app, load_fonts  # noqa: E402
from kiosk.ui.wizard import SetupWizard  # noqa: E402
from kiosk.ui.wizard.pages import (  # noqa: E402
    CityPage,
    HubPage,
    OfficePage,
    PinPage,
    PrinterPage,
    RolePage,
    ScannerPage,
    SummaryPage,
    WelcomePage,
)
from tests.util import tap  # noqa: E402

PIN = "482915"
TOKEN = "wizard-test-token-8842"
CCCD = ("034303011829||Nguyễn Thị Hoa|21032003|Nữ|Thôn Lai Ổn, An Quý, Quỳnh Phụ, Thái Bình|"
        "14082021")


@pytest.fixture
def city(tmp_path):
    server = LocalCityServer(tmp_path, TOKEN)
    url = server.start()
    yield url
    server.stop()


def make_wizard(qtbot, tmp_path, printer_file):
    load_fonts(ensure_app())
    paths = Paths(tmp_path / "data", tmp_path / "data" / "kiosk.toml")

    def detect():
        return PrinterScan([DetectedPrinter(f"file://{printer_file}", "Máy in thử (tệp)",
                                            "usb")], ["USB: no libusb library found"])

    def ports():
        return [PortInfo("/dev/ttyACM7", "Honeywell 1950g", 0x0C2E, 0x0B61)]

    wizard = SetupWizard(paths, detect_printers=detect, list_ports=ports)
    qtbot.addWidget(wizard)
    wizard.resize(1366, 768)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard, paths


def current(wizard):
    return wizard.page


@pytest.fixture
def office_hub(tmp_path):
    """The office's hub on 127.0.0.1: the counter pairs with it at the hub step."""
    from kiosk.hub.server import start_hub_in_thread

    handle = start_hub_in_thread(tmp_path / "hub.db", config_mod.Config(), "office-key-20260115",
                                 port=0)
    yield handle
    handle.stop()


def test_wizard_end_to_end_writes_a_valid_configuration(qtbot, tmp_path, city, office_hub):
    printer_file = tmp_path / "printer.bin"
    wizard, paths = make_wizard(qtbot, tmp_path, printer_file)
    assert isinstance(current(wizard), WelcomePage)
    tap(qtbot, wizard.next_button)

    # Office, by keyboard: Enter moves on; a wrong code is refused first.
    page = current(wizard)
    assert isinstance(page, OfficePage)
    qtbot.keyClicks(page.code, "H26 no dots")
    page.name.insert("Điểm phục vụ hành chính công phường Ba Đình")  # QTest types ASCII only
    qtbot.keyClick(page.name, Qt.Key.Key_Return)
    assert current(wizard) is page and page.error.isVisible()
    page.code.clear()
    qtbot.keyClicks(page.code, "000.00.01.h26")
    qtbot.keyClick(page.code, Qt.Key.Key_Return)

    # Role: counter 3 (touch).
    page = current(wizard)
    assert isinstance(page, RolePage)
    tap(qtbot, wizard.next_button)
    assert page.error.isVisible()  # no role chosen yet
    tap(qtbot, page.buttons["counter"])
    page.counter.setValue(3)
    assert page.station_id.text() == f"counter-3-{INSTALLATION_SUFFIX}"
    tap(qtbot, wizard.next_button)

    # Hub: an address needs the office key; Tiếp tục pairs this counter with the hub.
    page = current(wizard)
    assert isinstance(page, HubPage)
    qtbot.keyClicks(page.url, office_hub.url)
    tap(qtbot, wizard.next_button)
    assert current(wizard) is page and "mã khóa" in page.error.text()
    qtbot.keyClicks(page.key, "office-key-20260115")
    tap(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: current(wizard) is not page, timeout=15000)

    # Printer: the detected one, test print to the file backend.
    page = current(wizard)
    assert isinstance(page, PrinterPage)
    qtbot.waitUntil(lambda: page.found.count() == 1, timeout=5000)
    page.found.item(0).setSelected(True)
    assert page.current_uri() == f"file://{printer_file}"
    tap(qtbot, page.tester.print_button)
    qtbot.waitUntil(lambda: page.tester.last_ok is not None, timeout=15000)
    assert page.tester.last_ok, page.tester.result.text()
    assert printer_file.stat().st_size > 1000  # raster bytes arrived
    tap(qtbot, wizard.next_button)

    # Scanner: a keyboard-wedge test scan (its Enter must not leave the page), then no port.
    page = current(wizard)
    assert isinstance(page, ScannerPage)
    qtbot.waitUntil(lambda: page.ports.count() == 2, timeout=5000)
    assert "có thể là máy quét" in page.ports.item(1).text()
    page.tester.wedge.setFocus()
    page.tester.wedge.setText(CCCD)
    qtbot.keyClick(page.tester.wedge, Qt.Key.Key_Return)
    assert current(wizard) is page
    assert page.tester.last_ok and "hợp lệ" in page.tester.result.text()
    assert "Nguyễn" not in page.tester.result.text() and page.tester.wedge.text() == ""
    page.ports.item(1).setSelected(True)
    assert page.current_port() == "/dev/ttyACM7"
    tap(qtbot, wizard.next_button)

    # City server: connection test against the local reference server.
    page = current(wizard)
    assert isinstance(page, CityPage)
    qtbot.keyClicks(page.url, city)
    tap(qtbot, wizard.next_button)
    assert current(wizard) is page and "token" in page.error.text()
    qtbot.keyClicks(page.token, TOKEN)
    tap(qtbot, page.test_button)
    qtbot.waitUntil(lambda: page.last_results is not None, timeout=15000)
    assert [r.status for r in page.last_results] == ["PASS", "PASS", "PASS"]
    assert TOKEN not in page.results.text()
    tap(qtbot, wizard.next_button)

    # PIN: twice, by the on-screen keypad and the keyboard.
    page = current(wizard)
    assert isinstance(page, PinPage)
    for digit in PIN:
        tap(qtbot, next(b for b in page.keys.findChildren(type(wizard.next_button))
                        if b.text() == digit))
    assert page.first.text() == PIN
    qtbot.keyClicks(page.second, PIN)
    tap(qtbot, wizard.next_button)

    page = current(wizard)
    assert isinstance(page, SummaryPage)
    shown = " ".join(value for _, value in page.rows(wizard.answers))
    assert TOKEN not in shown and "office-key" not in shown and "counter-3" in shown
    with qtbot.waitSignal(wizard.finished, timeout=5000) as saved:
        tap(qtbot, wizard.next_button)
    config = saved.args[0]
    assert config is not None

    loaded = config_mod.load(paths.config_file)
    assert loaded == config
    assert loaded.office.code == "000.00.01.H26"
    assert loaded.office.name == "Điểm phục vụ hành chính công phường Ba Đình"
    assert loaded.station.id == f"counter-3-{INSTALLATION_SUFFIX}"
    assert loaded.printer.uri == f"file://{printer_file}" and loaded.printer.width == 80
    assert loaded.scanner.serial_port == "/dev/ttyACM7"
    assert loaded.sync.server_url == city and loaded.sync.token == TOKEN
    stored = stored_pin_hash(loaded, paths)
    assert verify_pin(PIN, stored) and PIN not in paths.config_file.read_text()
    assert loaded.station.role == "counter" and loaded.counter.number == 3
    # Only the counter's own key is kept; the office key stays on the hub PC.
    assert loaded.hub.office_key == "" and "office-key-20260115" not in (
        paths.config_file.read_text())
    stations = requests.get(office_hub.url + "/api/v1/stations", timeout=10,
                            headers={"X-Office-Key": "office-key-20260115"}).json()["stations"]
    assert [(s["station_id"], s["role"]) for s in stations] == [(loaded.station.id, "counter")]
    assert requests.get(office_hub.url + "/api/v1/snapshot", timeout=10, headers={
        "Authorization": f"Bearer {loaded.hub.station_key}"}).ok


def test_wizard_refuses_a_weak_or_mismatched_pin(qtbot, tmp_path):
    wizard, _ = make_wizard(qtbot, tmp_path, tmp_path / "p.bin")
    page = wizard.go_to(PinPage)
    qtbot.keyClicks(page.first, "123456")
    qtbot.keyClicks(page.second, "123456")
    assert not wizard.go_next() and "dễ đoán" in page.error.text()
    page.first.setText(PIN)
    page.second.setText("482916")
    assert not wizard.go_next() and "không khớp" in page.error.text()
    page.second.setText(PIN)
    assert wizard.go_next()


def test_leaving_the_wizard_writes_nothing(qtbot, tmp_path):
    wizard, paths = make_wizard(qtbot, tmp_path, tmp_path / "p.bin")
    with qtbot.waitSignal(wizard.finished) as left:
        tap(qtbot, wizard.cancel_button)
    assert left.args == [None]
    assert not paths.config_file.exists()


def test_display_role_skips_printer_and_scanner(qtbot, tmp_path):
    wizard, _ = make_wizard(qtbot, tmp_path, tmp_path / "p.bin")
    role = wizard.go_to(RolePage)
    tap(qtbot, role.buttons["display"])
    names = [type(wizard.pages[i]).__name__ for i in wizard.applicable()]
    assert "PrinterPage" not in names and "ScannerPage" not in names
    tap(qtbot, role.buttons["counter"])
    names = [type(wizard.pages[i]).__name__ for i in wizard.applicable()]
    assert "PrinterPage" in names and "ScannerPage" in names


# -- the admin gate ---------------------------------------------------------------------------

def pin_dialog(qtbot, tmp_path, tries=3):
    gate = PinGate(tmp_path / "admin-lock.json", lock_after_tries=tries, lock_minutes=10)
    dialog = PinDialog(PinDialog.VERIFY, gate=gate, stored_hash=hash_pin(PIN))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, gate


def enter(qtbot, dialog, pin):
    """Type `pin` on the pad and press OK; wait until the check (on its lane) answered."""
    for digit in pin:
        tap(qtbot, dialog.pad.keys[digit])
    tap(qtbot, dialog.pad.keys["ok"])
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10_000)


def key_geometry(dialog):
    return {name: button.geometry() for name, button in dialog.pad.keys.items()} | {
        "cancel": dialog.cancel_button.geometry(), "display": dialog.pad.display.geometry()}


def test_a_wrong_pin_moves_no_key_and_the_check_shows_it_is_busy(qtbot, tmp_path):
    dialog, _ = pin_dialog(qtbot, tmp_path)
    qtbot.waitExposed(dialog)
    before = key_geometry(dialog)
    for digit in "111222":
        tap(qtbot, dialog.pad.keys[digit])
    tap(qtbot, dialog.pad.keys["ok"])
    # The check runs on its lane: right after OK the pad is disabled and says so.
    assert dialog.checking and not dialog.pad.isEnabled()
    assert dialog.message.property("tone") == "busy" and "Đang kiểm tra" in dialog.message.text()
    assert not dialog.pad.keys["5"].isEnabled()
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10_000)
    assert "Sai mã PIN" in dialog.message.text() and dialog.message.isVisible()
    assert dialog.pad.isEnabled()
    assert key_geometry(dialog) == before
    # Nor when the error goes away again (a lock message is the longest: two lines).
    enter(qtbot, dialog, "333444")
    enter(qtbot, dialog, "555666")
    assert "Thử lại sau" in dialog.message.text()
    assert key_geometry(dialog) == before


def test_admin_gate_refuses_a_wrong_pin_and_accepts_the_right_one(qtbot, tmp_path):
    dialog, _ = pin_dialog(qtbot, tmp_path)
    enter(qtbot, dialog, "111222")
    assert dialog.result() != PinDialog.DialogCode.Accepted and dialog.isVisible()
    assert "Còn 2 lần" in dialog.message.text()
    with qtbot.waitSignal(dialog.accepted, timeout=3000):
        qtbot.keyClicks(dialog.pad.display, PIN)
        qtbot.keyClick(dialog.pad.display, Qt.Key.Key_Return)


def test_admin_gate_locks_after_n_wrong_tries_even_across_dialogs(qtbot, tmp_path):
    dialog, gate = pin_dialog(qtbot, tmp_path, tries=3)
    for wrong in ("111222", "333444", "555666"):
        enter(qtbot, dialog, wrong)
    assert not dialog.pad.isEnabled()
    assert "Thử lại sau" in dialog.message.text()
    dialog.close()
    # A new dialog (or a restarted kiosk) is still locked: the right PIN does not open it.
    again, _ = pin_dialog(qtbot, tmp_path, tries=3)
    assert not again.pad.isEnabled()
    assert not gate.attempt(PIN, again.stored_hash).ok


def test_pin_dialog_closes_itself_when_left_alone(qtbot, tmp_path):
    gate = PinGate(tmp_path / "lock.json")
    dialog = PinDialog(PinDialog.VERIFY, gate=gate, stored_hash=hash_pin(PIN),
                       idle_close_ms=200)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.rejected, timeout=3000):
        dialog.show()


def test_new_pin_dialog_asks_twice(qtbot):
    dialog = PinDialog(PinDialog.NEW)
    qtbot.addWidget(dialog)
    dialog.show()
    enter(qtbot, dialog, "13579")
    assert "6 đến 12" in dialog.message.text()
    enter(qtbot, dialog, PIN)
    enter(qtbot, dialog, "482916")
    assert "không khớp" in dialog.message.text() and dialog.new_hash is None
    enter(qtbot, dialog, PIN)
    with qtbot.waitSignal(dialog.accepted, timeout=3000):
        enter(qtbot, dialog, PIN)
    assert verify_pin(PIN, dialog.new_hash)


# -- `kiosk run` without a configuration --------------------------------------------------------

@pytest.fixture
def no_ui(monkeypatch):
    """`kiosk run` in this process with the wizard and the kiosk window replaced by probes."""
    import kiosk.supervisor
    import kiosk.ui.app
    import kiosk.ui.wizard

    calls = {"wizard": [], "kiosk": []}
    monkeypatch.setattr(kiosk.supervisor, "install_crash_logging", lambda *a, **k: None)
    monkeypatch.setattr(kiosk.ui.app, "run_kiosk",
                        lambda config, paths: calls["kiosk"].append(config) or 0)

    def wizard(paths, **kwargs):
        calls["wizard"].append(kwargs)
        return calls.get("answer")

    monkeypatch.setattr(kiosk.ui.wizard, "run_setup_wizard", wizard)
    return calls


def test_run_without_configuration_opens_the_wizard_first(tmp_path, no_ui):
    from kiosk.cli import main
    from kiosk.config import Config

    no_ui["answer"] = Config().with_values(office={"name": "Từ trình hướng dẫn"})
    assert main(["--data-dir", str(tmp_path), "run", "--no-supervise"]) == 0
    assert len(no_ui["wizard"]) == 1
    assert no_ui["kiosk"][0].office.name == "Từ trình hướng dẫn"


def test_leaving_the_first_run_wizard_starts_nothing(tmp_path, no_ui):
    from kiosk.cli import main

    assert main(["--data-dir", str(tmp_path), "run", "--no-supervise"]) == 0
    assert no_ui["wizard"] and not no_ui["kiosk"]


def test_configured_run_and_demo_never_show_the_wizard(tmp_path, no_ui):
    from kiosk.cli import main

    assert main(["--data-dir", str(tmp_path), "demo"]) == 0
    (tmp_path / "kiosk.toml").write_text("[kiosk]\nfullscreen = false\n", encoding="utf-8")
    assert main(["--data-dir", str(tmp_path), "run", "--no-supervise"]) == 0
    assert no_ui["wizard"] == [] and len(no_ui["kiosk"]) == 2


def test_on_screen_keyboard_types_vietnamese_into_the_focused_field(qtbot, tmp_path):
    wizard, _ = make_wizard(qtbot, tmp_path, tmp_path / "p.bin")
    assert wizard.keyboard is not None
    page = wizard.go_to(OfficePage)
    page.name.setFocus()
    tap(qtbot, wizard.keyboard_button)
    assert wizard.keyboard.isVisible()
    for key in "ddieemr":  # Telex for "điểm"
        wizard.keyboard.press(key)
    assert page.name.text() == "điểm"
    page.code.setFocus()
    wizard._type_into(page.code)  # what focusChanged does when the window is active
    for key in "h26":
        wizard.keyboard.press(key)
    assert page.code.text() == "h26" and not wizard.keyboard.telex
