"""The official slips from the counter's dossier page: the clerk opens a dossier, picks the
form, types the reason (and the new date for Mẫu 04), and the slip is stored with its status
change and printed on the receipt printer (read back through the ESC/POS parser)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import timedelta  # noqa: E402

import pytest  # noqa: E402
import zxingcpp  # noqa: E402
from PySide6.QtCore import QDate  # noqa: E402

from kiosk.dossiers.status import DossierStatus  # noqa: E402
from tests.escpos_raster import parse_escpos  # noqa: E402
from tests.ui.counter.test_ui_counter_helpers import (  # noqa: E402
    CLERK,
    Keyboard,
    close_windows,
    make_config,
    open_counter,
    rows,
    settle,
)
from tests.ui.counter.test_ui_counter_results import saved_dossier  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    close_windows()


def printed_codes(path) -> list[str]:
    pages = parse_escpos(path.read_bytes()).pages if path.exists() else []
    # Polled while the printer lane may still be writing: a page cut short has no rows yet.
    return [r.text for p in pages if min(p.image.size) > 0
            for r in zxingcpp.read_barcodes(p.image)
            if r.format == zxingcpp.BarcodeFormat.Code128]


def test_supplement_request_and_apology_from_the_dossier_page(qtbot, tmp_path):
    dossier = saved_dossier(tmp_path)
    printer = tmp_path / "receipt.bin"
    w = open_counter(qtbot, tmp_path, make_config(f"file://{printer}"))
    view = w.dossier_view
    Keyboard().scan(dossier.code)
    qtbot.waitUntil(lambda: view.dossier is not None, timeout=5000)
    assert view.slip_button.isVisible()

    view.slip_button.click()
    panel = view.slip_panel
    assert panel.isVisible() and panel.form == "02" and not panel.issue_button.isEnabled()
    panel.reason.setText("Bản sao giấy khai sinh; Giấy xác nhận cư trú")
    panel.issue_button.click()
    qtbot.waitUntil(lambda: view.dossier.status is DossierStatus.SUPPLEMENT_REQUESTED,
                    timeout=5000)
    qtbot.waitUntil(lambda: printed_codes(printer) == [dossier.code], timeout=10000)
    qtbot.waitUntil(lambda: view.state.text() == "Đã lập và in phiếu Mẫu 02.", timeout=5000)
    (slip,) = rows(tmp_path, "SELECT form, reason, clerk FROM dossier_slips")
    assert slip == {"form": "02", "reason": "Bản sao giấy khai sinh; Giấy xác nhận cư trú",
                    "clerk": CLERK}

    # A second supplement request is refused, worded for the clerk; nothing is printed.
    view.slip_button.click()
    panel.reason.setText("Thêm ảnh 4x6")
    panel.issue_button.click()
    qtbot.waitUntil(lambda: "một lần" in view.state.text(), timeout=5000)
    assert len(rows(tmp_path, "SELECT * FROM dossier_slips")) == 1

    # Mẫu 04: the reason and a new date after the due date.
    view.slip_button.click()
    panel.form_buttons["04"].click()
    assert panel.new_date.isVisible()
    new = dossier.appointment_date + timedelta(days=7)
    while new.weekday() >= 5:
        new += timedelta(days=1)
    panel.new_date.setDate(QDate(new.year, new.month, new.day))
    panel.reason.setText("Cần xác minh thêm tại nơi cư trú trước đây")
    settle(qtbot, w)
    panel.issue_button.click()
    qtbot.waitUntil(lambda: len(rows(tmp_path, "SELECT * FROM dossier_slips")) == 2,
                    timeout=5000)
    qtbot.waitUntil(lambda: len(printed_codes(printer)) == 2, timeout=10000)
    assert rows(tmp_path, "SELECT form, new_date FROM dossier_slips ORDER BY id")[-1] == {
        "form": "04", "new_date": new.isoformat()}
    assert view.dossier.status is DossierStatus.SUPPLEMENT_REQUESTED  # unchanged by 04
