"""Scans the counter refuses: a garbled or inconsistent ID card read shows the parser's
Vietnamese message and leaves the form exactly as it was; an ID number that disagrees with the
card is a warning the clerk must acknowledge before saving anything."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import logging  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from drivers.scanners.events import ScanEvent  # noqa: E402
from kiosk.scanning import parse_scan  # noqa: E402
from tests.ui.counter.test_ui_counter_helpers import (  # noqa: E402
    CCCD_HOA,
    CCCD_LUONG,
    CCCD_THU,
    PII,
    Keyboard,
    close_windows,
    make_config,
    open_counter,
    rows,
    settle,
)

# zbar's Big5 guess at UTF-8 Vietnamese (domain.md): the name arrives as ideographs.
GARBLED = CCCD_LUONG.replace("Lê Văn Lương", "L廙 V繹n L脝啤ng")
# Digit 4 says male born in the 1900s; the card says female, born 2003.
MISMATCHED = CCCD_HOA.replace("034303011829", "034003011829")


@pytest.fixture(autouse=True)
def _close():
    yield
    close_windows()


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_counter(qtbot, tmp_path, make_config(f"file://{tmp_path / 'receipt.bin'}"))
    # Work in progress that a bad scan must not disturb.
    w.handle_scan(ScanEvent.now(b"", CCCD_THU, "serial:/dev/ttyACM0"))
    w.form.phone.setText("0912345678")
    w.form.picker.search.setText("thuong tru")
    w.form.picker.choose_current()
    w.form.documents.rows[0].received.setChecked(True)
    return w


def test_garbled_scan_is_refused_and_the_form_untouched(qtbot, window, caplog):
    caplog.set_level(logging.DEBUG)
    before = window.form.snapshot()
    Keyboard().scan(GARBLED)  # through the wedge filter, as key events
    expected = parse_scan(GARBLED).error
    assert expected is not None and expected.code == "cccd.encoding"
    assert window.banner.isVisible() and window.banner.level == "error"
    assert window.banner.message == expected.message_vi
    assert window.banner.message.startswith("Chữ tiếng Việt trên mã bị đọc sai bảng mã")
    qtbot.wait(80)
    assert window.form.snapshot() == before
    for value in (*PII, "Kim Thư", "093186002237", "L廙"):
        assert value not in caplog.text
    assert "cccd.encoding" in caplog.text  # what went wrong, without the values


@pytest.mark.parametrize("payload, code", [
    ("089202017098|352576714|Lê Văn Lương|2305200|Nam|Tổ 10|31122021", "cccd.date_of_birth"),
    ("089202017098|352576714|Lê Văn Lương|23052002|Nam", "cccd.field_count"),
    ("000.00.01.H26-261315-0001", "dossier.date"),
])
def test_other_refusals_leave_the_form_untouched(window, payload, code):
    before = window.form.snapshot()
    window.wedge.scanned.emit(ScanEvent.now(payload.encode(), payload, "wedge"))
    assert window.banner.code == code and window.banner.level == "error"
    assert window.banner.message == parse_scan(payload).error.message_vi
    assert window.form.snapshot() == before


def test_unknown_code_is_refused(window):
    before = window.form.snapshot()
    window.wedge.scanned.emit(ScanEvent.now(b"", "https://example.com/abc", "camera:0"))
    assert window.banner.code == "unknown"
    assert window.banner.message.startswith("Mã vừa quét không phải thẻ căn cước")
    assert window.form.snapshot() == before


def test_id_mismatch_must_be_acknowledged(qtbot, window, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    before = window.form.snapshot()
    Keyboard().scan(MISMATCHED)
    banner = window.banner
    assert banner.level == "warning" and banner.needs_ack and banner.code == "cccd.id_gender"
    assert "Chữ số thứ 4 của số định danh không khớp với giới tính" in banner.message
    assert banner.ack_button.isVisible() and not banner.close_button.isVisible()
    assert QApplication.focusWidget() is banner.ack_button
    assert window.form.snapshot() == before

    # Nothing is saved, and Esc does not make the warning go away, until it is acknowledged.
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert banner.isVisible() and QApplication.focusWidget() is banner.ack_button
    assert rows(tmp_path, "SELECT count(*) AS n FROM dossiers")[0]["n"] == 0
    # A lesser message does not hide it either.
    window.wedge.scanned.emit(ScanEvent.now(b"", "xyz-not-a-code", "wedge"))
    assert banner.code == "cccd.id_gender"

    Keyboard().key(Qt.Key.Key_Return, "\r")  # the clerk checked the card and says so
    settle(qtbot, window)
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=2000)
    assert window.form.snapshot() == before
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.form.saved is not None, timeout=5000)
    assert "034003011829" not in caplog.text and "Nguyễn Thị Hoa" not in caplog.text


def test_a_card_scanned_on_another_page_goes_to_the_intake_form(qtbot, tmp_path):
    w = open_counter(qtbot, tmp_path, make_config(f"file://{tmp_path / 'r.bin'}"))
    qtbot.keyClick(w, Qt.Key.Key_F10)
    assert w.stack.currentWidget() is w.logbook_view
    w.wedge.scanned.emit(ScanEvent.now(b"", CCCD_HOA, "wedge"))
    assert w.stack.currentWidget() is w.form
    assert w.form.name.text() == "Nguyễn Thị Hoa" and w.form.gender.currentText() == "Nữ"
    assert w.form.birth_date.text() == "21/03/2003"


def test_camera_scan_fills_the_form_and_shows_a_preview(qtbot, tmp_path):
    pytest.importorskip("cv2")
    from benchmarks.scan_corpus import write_video
    from kiosk.scanner_settings import ScannerSettings

    video = tmp_path / "desk.avi"  # a video file stands in for the document camera
    write_video(str(video), [CCCD_LUONG], frames_per_code=8, module_px=3.5)
    w = open_counter(qtbot, tmp_path, make_config(f"file://{tmp_path / 'r.bin'}"),
                     scanners=ScannerSettings(camera=str(video)))
    assert w.status.camera.text() == "Camera: Tắt"
    qtbot.keyClick(w, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: w.form.name.text() == "Lê Văn Lương", timeout=15_000)
    assert w.form.id_number.text() == "089202017098"
    assert w.camera_panel is not None and w.camera_panel.frames > 0
    qtbot.keyClick(w, Qt.Key.Key_F8)
    assert w.camera is None and not w.camera_panel.isVisible()
    assert w.status.camera.text() == "Camera: Tắt"
