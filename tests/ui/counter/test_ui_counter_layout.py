"""The counter window's layout: it fits 1366x768 at 125 % Windows scaling (1093x614 logical
pixels), also with the citizen's rating panel and a message shown, and nothing in it overlaps
at 1093x614, 1366x768 and 1920x1080 (the rating panel beside a filled form included)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from types import SimpleNamespace  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QRect  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QWidget,
)

from drivers.scanners.events import ScanEvent  # noqa: E402
from kiosk.config import Config  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.ui.counter.window import MINIMUM_SIZE, build_counter_window  # noqa: E402
from tests.ui.counter.test_ui_counter_helpers import (  # noqa: E402
    CCCD_THU,
    close_windows,
    make_config,
    open_counter,
)

TICKET = SimpleNamespace(number="A012", id=1, service_code="CT", service_name="Cư trú",
                         dossiers=[])
LONG_WARNING = ("Thẻ vừa quét không có dấu tiếng Việt (ví dụ “Nguyen Van A” thay vì “Nguyễn "
                "Văn A”): máy quét kiểu bàn phím đang gõ qua bộ gõ hoặc kiểu bàn phím khác. "
                "Sửa họ tên, địa chỉ theo thẻ, rồi chuyển máy quét sang chế độ USB-CDC.")


@pytest.fixture(autouse=True)
def _close():
    yield
    close_windows()


def _fits(size, limit=MINIMUM_SIZE) -> bool:
    return size.width() <= limit[0] and size.height() <= limit[1]


def overlaps(root: QWidget) -> list[str]:
    """Visible widgets that overlap a visible sibling or stick out of their parent (scroll
    areas, combo and spin boxes are taken as wholes: their insides scroll or are drawn)."""
    found: list[str] = []

    def name(w: QWidget) -> str:
        return f"{type(w).__name__}#{w.objectName()}"

    def walk(parent: QWidget) -> None:
        if isinstance(parent, (QAbstractScrollArea, QAbstractSpinBox, QComboBox)):
            return
        kids = [c for c in parent.children()
                if isinstance(c, QWidget) and c.isVisible() and not c.isWindow()]
        bounds = parent.rect().adjusted(-1, -1, 1, 1)
        for i, kid in enumerate(kids):
            g = kid.geometry()
            if not bounds.contains(g):
                found.append(f"{name(kid)} {g.getRect()} outside {name(parent)} "
                             f"{parent.rect().getRect()}")
            for other in kids[i + 1:]:
                inter: QRect = g.intersected(other.geometry())
                if inter.width() > 1 and inter.height() > 1:
                    found.append(f"{name(kid)} {g.getRect()} overlaps {name(other)} "
                                 f"{other.geometry().getRect()}")
            walk(kid)

    walk(root)
    return found


def test_minimum_size_before_the_first_show(qtbot, tmp_path):
    window = build_counter_window(Config(), Paths(tmp_path, tmp_path / "k.toml"), start=False,
                                  opener=lambda _p: None)
    try:
        # What a maximised window on 1366x768 at 125 % is given, before anything is shown.
        assert _fits(window.minimumSizeHint()), window.minimumSizeHint()
    finally:
        window.close()


def test_fits_1093x614_with_the_rating_panel_and_a_message(qtbot, tmp_path):
    w = open_counter(qtbot, tmp_path, make_config(f"file://{tmp_path / 'r.bin'}"),
                     size=MINIMUM_SIZE)
    assert w.size().toTuple() == MINIMUM_SIZE and _fits(w.minimumSizeHint())
    w.handle_scan(ScanEvent.now(b"", CCCD_THU, "serial:COM3"))
    w.rating_view.ask(TICKET, None, 1, "X")
    w.banner.show_message("warning", LONG_WARNING, code="test", needs_ack=True,
                          ack_text="Đã sửa theo thẻ (Enter)")
    for page in (w.form, w.dossier_view, w.logbook_view):
        w.stack.setCurrentWidget(page)
        qtbot.wait(50)
        assert w.rating_view.isVisible()
        assert _fits(w.minimumSizeHint()), (type(page).__name__, w.minimumSizeHint())
        assert w.size().toTuple() == MINIMUM_SIZE
        assert overlaps(w.centralWidget()) == []


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080), MINIMUM_SIZE])
@pytest.mark.parametrize("rating", [False, True])
def test_nothing_overlaps(qtbot, tmp_path, size, rating):
    w = open_counter(qtbot, tmp_path, make_config(f"file://{tmp_path / 'r.bin'}"), size=size)
    w.handle_scan(ScanEvent.now(b"", CCCD_THU, "serial:COM3"))
    w.form.picker.search.setText("thuong tru")
    w.form.picker.choose_current()
    if rating:
        w.rating_view.ask(TICKET, None, 1, "Phạm Thị Quỳnh Hương")
    qtbot.wait(80)
    assert w.size().toTuple() == size
    assert w.rating_view.isVisible() == rating
    if rating:
        # The panel takes a share of the width; the form keeps the rest.
        assert w.rating_view.width() <= 0.23 * size[0] or w.rating_view.width() == 240
    assert overlaps(w.centralWidget()) == []
    buttons = w.form.buttons
    for button in (w.form.save_button, w.form.new_button):
        assert buttons.rect().contains(button.geometry())
