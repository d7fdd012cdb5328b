"""The set-up wizard under the finger (pytest-qt, offscreen, the real wizard at 1366x768): the
test-print button stays put when its result appears and keeps the focus, "Thoát" asks before
losing what was typed (defaulting to staying) and never takes the focus, a double tap moves one
page, a corrected field clears its error, the field typed into stays above the on-screen
keyboard, and the printer list speaks Vietnamese."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from drivers.printers import DetectedPrinter, PrinterScan  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.ui.qtapp import ensure_app, load_fonts  # noqa: E402
from kiosk.ui.tapguard import GUARD_MS  # noqa: E402
from kiosk.ui.wizard import SetupWizard  # noqa: E402
from kiosk.ui.wizard.pages import (  # noqa: E402
    CityPage,
    OfficePage,
    PinPage,
    PrinterPage,
    RolePage,
    WelcomePage,
)
from tests.util import tap  # noqa: E402

SERIAL = ("ttyS0 - serial port; set baudrate to the printer's (see its self-test page)")
LIBUSB = ("USB: no libusb library found, USB printers were not searched. On Windows either use "
          "the printer through its Windows driver (win32://NAME, listed below if installed) or "
          "install libusb and bind the printer to WinUSB with Zadig.")


def make_wizard(qtbot, tmp_path, printer_file=None):
    load_fonts(ensure_app())
    paths = Paths(tmp_path / "data", tmp_path / "data" / "kiosk.toml")
    printer_file = printer_file or tmp_path / "printer.bin"

    def detect():
        return PrinterScan([DetectedPrinter(f"file://{printer_file}", "Máy in thử (tệp)", "usb"),
                            DetectedPrinter("serial:///dev/ttyS0?baudrate=9600", SERIAL,
                                            "serial")], [LIBUSB])

    wizard = SetupWizard(paths, detect_printers=detect, list_ports=lambda: [])
    qtbot.addWidget(wizard)
    wizard.resize(1366, 768)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard, paths


def printer_page(qtbot, wizard):
    wizard.answers.office_code, wizard.answers.office_name = "000.00.01.H26", "Phường Ba Đình"
    role = wizard.go_to(RolePage)
    role.buttons["kiosk"].setChecked(True)
    page = wizard.go_to(PrinterPage)
    qtbot.waitUntil(lambda: page.found.count() == 2, timeout=5000)
    return page


def test_test_print_moves_nothing_and_keeps_the_focus_off_thoat(qtbot, tmp_path):
    wizard, _ = make_wizard(qtbot, tmp_path)
    page = printer_page(qtbot, wizard)
    page.found.item(0).setSelected(True)
    button = page.tester.print_button
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)

    def where():
        return (button.mapTo(wizard, QPoint(0, 0)), button.size(),
                page.tester.status_button.mapTo(wizard, QPoint(0, 0)),
                wizard.cancel_button.geometry(), page.found.mapTo(wizard, QPoint(0, 0)),
                page.found.size())

    qtbot.wait(50)  # the list and its notes laid out
    before = where()
    qtbot.keyClick(button, Qt.Key.Key_Space)  # the technician presses "In thử" by keyboard
    assert page.tester.busy
    assert not wizard.cancel_button.hasFocus()
    qtbot.waitUntil(lambda: page.tester.last_ok is not None, timeout=15_000)
    assert page.tester.last_ok, page.tester.result.text()
    assert page.tester.result.isVisible() and "Đã gửi phiếu in thử" in page.tester.result.text()
    assert where() == before
    # The focus is back on "In thử", never on "Thoát": Space prints again, it does not quit.
    assert button.hasFocus() and not wizard.cancel_button.hasFocus()
    assert wizard.cancel_button.focusPolicy() == Qt.FocusPolicy.NoFocus
    page.tester.last_ok = None
    qtbot.keyClick(button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: page.tester.last_ok is not None, timeout=15_000)
    assert not wizard._done and wizard.isVisible()
    assert where() == before


def answer_leave_box(qtbot, wizard, seen, *, leave):
    """When the question shows: note its default button, then answer it."""
    def answer():
        box = wizard.leave_box
        if box is None:
            QTimer.singleShot(20, answer)
            return
        seen.append(box.defaultButton().text())
        if leave:
            next(b for b in box.buttons() if b.text().startswith("Thoát")).click()
        else:
            # Enter takes the default button.
            qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(20, answer)


def test_thoat_asks_before_losing_what_was_typed_and_defaults_to_staying(qtbot, tmp_path):
    wizard, paths = make_wizard(qtbot, tmp_path)
    page = wizard.go_to(OfficePage)
    qtbot.keyClicks(page.code, "000.00.01.H26")
    seen: list[str] = []
    answer_leave_box(qtbot, wizard, seen, leave=False)
    tap(qtbot, wizard.cancel_button)
    assert seen == ["Không"]
    assert not wizard._done and wizard.page is page and page.code.text() == "000.00.01.H26"
    # Esc asks the same question; leaving is a deliberate tap.
    answer_leave_box(qtbot, wizard, seen, leave=True)
    with qtbot.waitSignal(wizard.finished) as left:
        qtbot.keyClick(page.code, Qt.Key.Key_Escape)
    assert seen == ["Không", "Không"] and left.args == [None]
    assert not paths.config_file.exists()


def test_thoat_asks_about_answers_from_earlier_pages_too(qtbot, tmp_path):
    wizard, _ = make_wizard(qtbot, tmp_path)
    tap(qtbot, wizard.next_button)
    page = wizard.page
    assert isinstance(page, OfficePage)
    qtbot.keyClicks(page.code, "000.00.01.H26")
    page.name.insert("Phường Ba Đình")
    tap(qtbot, wizard.next_button)
    assert isinstance(wizard.page, RolePage)
    assert wizard.entered()  # the office page's answers are kept; this page is untouched
    seen: list[str] = []
    answer_leave_box(qtbot, wizard, seen, leave=False)
    tap(qtbot, wizard.cancel_button)
    assert seen == ["Không"] and not wizard._done


def test_nothing_entered_leaves_without_a_question(qtbot, tmp_path):
    wizard, _ = make_wizard(qtbot, tmp_path)
    tap(qtbot, wizard.next_button)
    assert not wizard.entered()
    with qtbot.waitSignal(wizard.finished):
        tap(qtbot, wizard.cancel_button)
    assert wizard.leave_box is None


def press_release(widget):
    """A tap as a touch screen's synthesized mouse: press and release at the centre of
    `widget`, delivered to its window as the platform delivers them (Qt picks the widget
    under the finger, as for a real tap)."""
    window = widget.window()
    at = QPointF(widget.mapTo(window, widget.rect().center()))
    glob = QPointF(widget.mapToGlobal(widget.rect().center()))
    for kind, buttons in ((QEvent.Type.MouseButtonPress, Qt.MouseButton.LeftButton),
                          (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton)):
        event = QMouseEvent(kind, at, at, glob, Qt.MouseButton.LeftButton, buttons,
                            Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(window.windowHandle(), event)


def test_a_double_tap_moves_one_page(qtbot, tmp_path):
    wizard, _ = make_wizard(qtbot, tmp_path)
    assert isinstance(wizard.page, WelcomePage)
    qtbot.wait(GUARD_MS + 50)  # the first page has just been shown
    press_release(wizard.next_button)
    qtbot.wait(150)  # a finger's double tap
    press_release(wizard.next_button)
    assert isinstance(wizard.page, OfficePage)
    wizard.answers.office_code, wizard.answers.office_name = "000.00.01.H26", "Phường Ba Đình"
    wizard.answers.role = "display"
    wizard.go_to(PinPage)
    before = [type(wizard.pages[i]) for i in wizard.applicable() if i < wizard.index]
    qtbot.wait(GUARD_MS + 50)
    press_release(wizard.back_button)
    qtbot.wait(150)
    press_release(wizard.back_button)
    assert type(wizard.page) is before[-1]
    # Two taps further apart are two page changes.
    qtbot.wait(GUARD_MS + 50)
    press_release(wizard.back_button)
    qtbot.wait(GUARD_MS + 50)
    press_release(wizard.back_button)
    assert type(wizard.page) is before[-3]


def test_a_corrected_field_clears_its_error_as_it_is_typed(qtbot, tmp_path):
    wizard, _ = make_wizard(qtbot, tmp_path)
    page = wizard.go_to(OfficePage)
    tap(qtbot, wizard.next_button)
    assert page.error.isVisible() and page.error.text() == "Nhập mã đơn vị."
    qtbot.keyClicks(page.code, "000.00.01.H26")
    assert not page.error.isVisible()
    # The name is still missing: the next "Tiếp tục" says so (and that one clears in turn).
    tap(qtbot, wizard.next_button)
    assert page.error.isVisible() and "tên" in page.error.text()
    qtbot.keyClicks(page.name, "Ba Dinh")
    assert not page.error.isVisible()
    # An edit that leaves the same problem keeps the error.
    pin = wizard.go_to(PinPage)
    qtbot.keyClicks(pin.first, "482915")
    qtbot.keyClicks(pin.second, "4829")
    tap(qtbot, wizard.next_button)
    assert "không khớp" in pin.error.text()
    qtbot.keyClicks(pin.second, "1")
    assert pin.error.isVisible() and "không khớp" in pin.error.text()
    qtbot.keyClicks(pin.second, "5")
    assert not pin.error.isVisible()


def test_the_field_typed_into_stays_above_the_on_screen_keyboard(qtbot, tmp_path):
    wizard, _ = make_wizard(qtbot, tmp_path)
    assert wizard.keyboard is not None
    city = wizard.go_to(CityPage)
    office = wizard.go_to(OfficePage)
    tap(qtbot, wizard.keyboard_button)
    assert wizard.keyboard.isVisible()

    def visible_above_keyboard(page, field):
        qtbot.wait(50)  # the layout takes the keyboard's height, then the page scrolls
        top = field.mapTo(wizard, QPoint(0, 0)).y()
        bottom = top + field.height()
        keyboard_top = wizard.keyboard.mapTo(wizard, QPoint(0, 0)).y()
        viewport = page.scroll.viewport()
        view_top = viewport.mapTo(wizard, QPoint(0, 0)).y()
        return view_top <= top and bottom <= min(keyboard_top, view_top + viewport.height())

    for field in (office.code, office.name):
        field.setFocus()
        wizard._focus_changed(None, field)  # what focusChanged does when the window is active
        assert visible_above_keyboard(office, field), field.accessibleName()
    wizard.answers.office_code, wizard.answers.office_name = "000.00.01.H26", "Phường Ba Đình"
    wizard.go_to(CityPage)
    for field in (city.url, city.token):
        field.setFocus()
        wizard._focus_changed(None, field)
        assert visible_above_keyboard(city, field), field.accessibleName()


def test_the_printer_list_speaks_vietnamese(qtbot, tmp_path):
    wizard, _ = make_wizard(qtbot, tmp_path)
    page = printer_page(qtbot, wizard)
    serial, uri = page.found.item(1).text().splitlines()
    assert "serial port" not in serial and "baudrate" not in serial
    assert "cổng nối tiếp" in serial and "ttyS0" in serial
    assert uri == "serial:///dev/ttyS0?baudrate=9600"  # the address itself
    notes = page.notes.text()
    assert "no libusb" not in notes and "libusb" in notes and "USB" in notes
    assert "Zadig" in notes  # the tool's name stays


def test_the_city_check_speaks_vietnamese_with_the_detail_below(qtbot, tmp_path):
    from kiosk.diagnostics.selftest import LocalCityServer

    server = LocalCityServer(tmp_path, "wizard-test-token-8842")
    url = server.start()
    try:
        wizard, _ = make_wizard(qtbot, tmp_path)
        page = wizard.go_to(CityPage)
        qtbot.keyClicks(page.url, url)
        qtbot.keyClicks(page.token, "wizard-test-token-8842")
        tap(qtbot, page.test_button)
        qtbot.waitUntil(lambda: page.last_results is not None, timeout=15_000)
    finally:
        server.stop()
    outcome = page.results.text().splitlines()
    assert outcome == ["✓ Máy chủ thành phố: Đạt. Hoạt động bình thường.",
                       "✓ Mã của máy (token): Đạt. Hoạt động bình thường.",
                       "✓ Đồng hồ của máy: Đạt. Hoạt động bình thường."]
    assert page.details.isVisible() and page.details.text().startswith("Chi tiết kỹ thuật:")
    assert "accepts this station's token" in page.details.text()
    assert "wizard-test-token-8842" not in page.details.text() + page.results.text()
