"""The logbook view lists the dossiers of a date range and exports them with the existing
export function; plus the window's layout at counter screen sizes and the CLI command."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import csv  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QAbstractButton, QLabel  # noqa: E402

from drivers.scanners.events import ScanEvent  # noqa: E402
from kiosk.cli import build_parser  # noqa: E402
from kiosk.commands import counter as counter_command  # noqa: E402
from kiosk.dossiers.logbook import COLUMNS  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from tests.ui.counter.test_ui_counter_helpers import (  # noqa: E402
    CCCD_LUONG,
    close_windows,
    make_config,
    open_counter,
)


@pytest.fixture(autouse=True)
def _close():
    yield
    close_windows()


def save_one(qtbot, w) -> str:
    w.wedge.scanned.emit(ScanEvent.now(b"", CCCD_LUONG, "wedge"))
    w.form.phone.setText("0912345678")
    w.form.picker.search.setText("tam tru")
    w.form.picker.choose_current()
    w.form.all_button.click()
    w.form.area.setText("Tổ dân phố số 3")
    qtbot.keyClick(w, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: w.form.saved is not None, timeout=5000)
    return w.form.saved.code


def test_logbook_lists_the_saved_dossier_and_exports_csv(qtbot, tmp_path):
    w = open_counter(qtbot, tmp_path, make_config(f"file://{tmp_path / 'receipt.bin'}"))
    code = save_one(qtbot, w)
    qtbot.keyClick(w, Qt.Key.Key_F10)
    view = w.logbook_view
    assert w.stack.currentWidget() is view
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=5000)
    table = view.table
    assert table.columnCount() == len(COLUMNS)
    cell = {name: table.item(0, c).text() for c, name in enumerate(COLUMNS)}
    assert cell["Mã hồ sơ"] == code
    assert cell["Nội dung hồ sơ"] == "Đăng ký tạm trú"
    assert cell["Họ tên chủ hồ sơ"] == "Lê Văn Lương"
    assert cell["Số điện thoại"] == "0912345678"
    assert cell["Địa bàn phát sinh"] == "Tổ dân phố số 3"
    assert view.count.text().startswith("1 hồ sơ, từ ")

    view.export_buttons["csv"].click()
    qtbot.waitUntil(lambda: view.last_export is not None, timeout=5000)
    out = view.last_export
    assert out == w.export_path("csv", view.start, view.end) and out.parent.name == "exports"
    with out.open(encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f))
    assert lines[0] == list(COLUMNS)
    assert lines[1][1] == code and lines[1][4] == "Lê Văn Lương"
    assert view.state.text() == f"Đã xuất: {out}"
    view.open_button.click()
    assert w.opened_files == [out]

    view.export_buttons["xlsx"].click()
    qtbot.waitUntil(lambda: view.last_export.suffix == ".xlsx", timeout=10_000)
    assert view.last_export.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_layout_fits_counter_screens(qtbot, tmp_path, size):
    w = open_counter(qtbot, tmp_path, make_config(f"file://{tmp_path / 'r.bin'}"), size=size)
    hint = w.minimumSizeHint()
    assert hint.width() <= size[0] and hint.height() <= size[1] - 30  # title bar
    assert (w.width(), w.height()) == size
    for page in (w.form, w.dossier_view, w.logbook_view):
        w.stack.setCurrentWidget(page)
        qtbot.wait(20)
        for widget in page.findChildren(QAbstractButton) + page.findChildren(QLabel):
            if not widget.isVisible():
                continue
            rect = widget.rect().translated(widget.mapTo(w, widget.rect().topLeft()))
            assert w.rect().contains(rect), f"{widget.objectName() or widget.text()} is cut off"
            if isinstance(widget, QAbstractButton):
                # Button text is never clipped.
                assert widget.width() >= widget.sizeHint().width() - 1, widget.text()
    # Readable type: 15 px at 1366x768, a little more on a bigger screen.
    assert w.form.name.font().pixelSize() >= 15


def test_counter_command_is_registered(tmp_path, monkeypatch):
    args = build_parser().parse_args(["counter", "--demo", "--clerk", "Lê Thị Mai"])
    assert args.handler is counter_command._counter and args.demo and args.gui
    monkeypatch.delenv("KIOSK_DATA_DIR", raising=False)
    args.data_dir = None
    config, paths = counter_command.demo_setup(args, Paths(tmp_path, tmp_path / "k.toml"))
    assert paths.data_dir != tmp_path  # a throw-away directory, not the station's data
    assert config.printer.uri == f"preview://{paths.previews}"
    args.data_dir = str(tmp_path)
    config, paths = counter_command.demo_setup(args, Paths(tmp_path, tmp_path / "k.toml"))
    assert paths.data_dir == tmp_path


def test_logbook_reads_archived_years_with_the_live_days(qtbot, tmp_path):
    from datetime import date

    from kiosk.cli import main
    from kiosk.config import Config
    from kiosk.dossiers.intake import DossierDesk
    from kiosk.dossiers.logbook import logbook_rows
    from kiosk.store import connect
    from tests.archive.test_archive import seed_station

    data = seed_station(tmp_path / "station")
    start, end = date(2024, 1, 1), date(2025, 12, 31)
    db = connect(data / "kiosk.db")
    try:
        expected = [r.code for r in logbook_rows(DossierDesk(db, Config()), start, end)]
    finally:
        db.conn.close()
    assert main(["--data-dir", str(data), "archive", "--before", "2025-01-01"]) == 0
    w = open_counter(qtbot, data, make_config(f"file://{tmp_path / 'receipt.bin'}"))
    qtbot.keyClick(w, Qt.Key.Key_F10)
    view = w.logbook_view
    view.set_range(start, end)
    qtbot.waitUntil(lambda: view.table.rowCount() == len(expected), timeout=10_000)
    code_col = list(COLUMNS).index("Mã hồ sơ")
    assert [view.table.item(r, code_col).text() for r in range(len(expected))] == expected
    import sqlite3

    conn = sqlite3.connect(data / "kiosk.db")
    live = conn.execute("SELECT count(*) FROM dossiers WHERE day < '2026-01-01'").fetchone()[0]
    conn.close()
    assert live < len(expected)  # some of the rows shown come from the archive
