"""The office window's layout: it fits 1366x768 at 125 % Windows scaling (1093x614 logical
pixels) with the demo point's month of figures and the due reminder shown, on every tab, with
the charts at their full least height and nothing overlapping; on the short screen the
reminder takes one line, cut with "…", its whole text in the tool tip and every dossier it
names in the due tab. At 1366x768 and 1920x1080 the reminder wraps whole and nothing overlaps.
Shown as the runner shows it (1366x768, then maximised) on a 1093x614 screen, it never asks
for more than the screen.

OFFICE_LAYOUT_SHOTS=DIR saves each tab at each size as a PNG there, to look at."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.station import open_database  # noqa: E402
from kiosk.stats.demo import seed_demo  # noqa: E402
from kiosk.ui.office.window import CHARTS_HEIGHT, build_office_window  # noqa: E402
from kiosk.ui.theme import scaled  # noqa: E402
from tests.ui.counter.test_ui_counter_layout import clipped, overlaps  # noqa: E402
from tools.screenshots.office import NOW, seed_petitions  # noqa: E402

SHOTS = os.environ.get("OFFICE_LAYOUT_SHOTS")
SHORT = (1093, 614)


@pytest.fixture
def paths(tmp_path) -> Paths:
    data = tmp_path / "station"
    paths = Paths(data, data / "kiosk.toml")
    config = Config()
    db = open_database(config, paths)
    seed_demo(db, config, now=NOW)
    seed_petitions(db, config)
    db.conn.close()
    return paths


def open_office(qtbot, paths: Paths, size):
    w = build_office_window(Config(), paths, clock=lambda: NOW)
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitUntil(lambda: w.stats is not None and w.due_list is not None, timeout=15000)
    qtbot.waitUntil(lambda: w.banner.isVisible(), timeout=5000)
    qtbot.wait(100)
    return w


@pytest.mark.parametrize("size", [SHORT, (1366, 768), (1920, 1080)])
def test_every_tab_fits_with_the_reminder_shown(qtbot, paths, size):
    w = open_office(qtbot, paths, size)
    try:
        assert w.banner.code == "due-reminder"
        for index in range(w.tabs.count()):
            w.tabs.setCurrentIndex(index)
            qtbot.wait(60)
            where = (size, w.tabs.tabText(index))
            assert w.size().toTuple() == size, where
            hint = w.minimumSizeHint()
            assert hint.width() <= size[0] and hint.height() <= size[1], (where, hint)
            assert overlaps(w.centralWidget()) == [], where
            assert clipped(w.centralWidget()) == [], where
            # The charts keep the height their eight service names and the ring need.
            least = scaled(CHARTS_HEIGHT, w._scale)
            for chart in (w.wait_chart, w.hour_chart, w.rating_chart):
                assert chart.height() >= least, (where, chart.height(), least)
            # The page shown has room for its table's header and a row.
            assert w.tabs.currentWidget().height() >= 100, where
            if SHOTS:
                w.grab().save(os.path.join(SHOTS, f"office-{size[0]}x{size[1]}-{index}.png"))
    finally:
        w.shutdown()


def test_the_short_screen_has_the_reminder_on_one_line_and_whole_elsewhere(qtbot, paths):
    w = open_office(qtbot, paths, SHORT)
    try:
        full = w.banner.message
        codes = [e.code for e in w.due_list.due_tomorrow]
        assert len(codes) >= 2 and all(code in full for code in codes)
        line = w.banner.line
        assert w.short and line.isVisible() and not w.banner.text.isVisible()
        # One line (no taller than the close button's row), cut, the whole text on hover.
        assert line.height() < 2 * line.fontMetrics().lineSpacing()
        assert line.shown_text().endswith("…") and line.shown_text() != full
        assert line.toolTip() == full
        # Every dossier it names is in the due tab's list.
        listed = {w.due_panel.table.item(r, 0).text()
                  for r in range(w.due_panel.table.rowCount())}
        assert set(codes) <= listed
    finally:
        w.shutdown()


def test_a_tall_screen_wraps_the_reminder_whole(qtbot, paths):
    w = open_office(qtbot, paths, (1366, 768))
    try:
        assert not w.short
        assert w.banner.text.isVisible() and not w.banner.line.isVisible()
        assert w.banner.text.text() == w.banner.message
    finally:
        w.shutdown()


MAXIMISED = """
import json, tempfile
from pathlib import Path
from kiosk.config import Config
from kiosk.paths import Paths
from kiosk.ui.office.window import WINDOW_SIZE, build_office_window
from kiosk.ui.qtapp import ensure_app
app = ensure_app()
data = Path(tempfile.mkdtemp())
w = build_office_window(Config(), Paths(data, data / "k.toml"), start=False)
w.banner.show_message("info", "Nhắc việc: 5 hồ sơ đến hạn trả vào ngày làm việc tới: "
                      + ", ".join(f"000.00.01.H26-260310-00{i}" for i in range(10, 15)) + ".",
                      code="due-reminder")
before = w.minimumSizeHint().toTuple()
# As the runner shows it: the station's size, then maximised.
w.resize(*WINDOW_SIZE)
w.showMaximized()
shown = w.minimumSizeHint().toTuple() if w.short else None
for _ in range(20):
    app.processEvents()
print(json.dumps({"before": before, "shown": shown, "size": w.size().toTuple(),
                  "hint": w.minimumSizeHint().toTuple()}))
w.shutdown()
"""


def test_maximised_on_a_1093x614_screen_it_never_asks_for_more(tmp_path):
    """The runner resizes the window to 1366x768 and maximises it: on a 1093x614 screen it asks
    for no more than the screen from before its first show on, and ends at the screen's size.
    (A screen of that size exists only in a process of its own: Qt's offscreen platform reads
    its screens from a file at start.)"""
    import json
    import subprocess
    import sys

    screens = tmp_path / "screens.json"
    screens.write_text(json.dumps({"windowFrameMargins": False, "screens": [
        {"name": "laptop", "x": 0, "y": 0, "width": SHORT[0], "height": SHORT[1],
         "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screens}")
    out = subprocess.run([sys.executable, "-c", MAXIMISED], env=env, capture_output=True,
                         text=True, timeout=120, check=True).stdout.strip().splitlines()[-1]
    got = json.loads(out)
    # Laid out short (the reminder on one line) from its first show, not only once resized.
    assert got["shown"] is not None, out
    for asked in (got["before"], got["shown"], got["hint"]):
        assert asked[0] <= SHORT[0] and asked[1] <= SHORT[1], out
    assert tuple(got["size"]) == SHORT, out


@pytest.mark.parametrize("size", [SHORT, (1366, 768)])
def test_chart_labels_and_titles_are_whole(qtbot, paths, size):
    """Qt Charts cuts an hour's label wider than its bars to "1…", and the ring's title and
    legend to "… h…" where they do not fit: at 1093 px they shrink or shorten instead."""
    from PySide6.QtCharts import QBarCategoryAxis
    from PySide6.QtGui import QFontMetrics

    from kiosk.ui.office.charts import legend_width

    w = open_office(qtbot, paths, size)
    try:
        hours = w.hour_chart
        axis = next(a for a in hours.chart().axes() if isinstance(a, QBarCategoryAxis))
        room = hours.chart().plotArea().width() / len(axis.categories())
        metrics = QFontMetrics(axis.labelsFont())
        assert all(metrics.horizontalAdvance(label) <= room for label in axis.categories())
        assert axis.categories()[0] in ("7h", "7")
        ring = w.rating_chart.chart()
        title_width = QFontMetrics(ring.titleFont()).horizontalAdvance(ring.title())
        assert title_width <= w.rating_chart.width() - 16, ring.title()
        assert "88,8%" in ring.title()
        labels = [m.label() for m in ring.legend().markers()]
        assert labels == ["Rất hài lòng", "Hài lòng", "Không hài lòng"]
        assert legend_width(ring.legend().font(), labels) <= w.rating_chart.width() - 16
        if size == (1366, 768):  # room enough: the whole title and the usual type
            assert ring.title().startswith("Đánh giá của người dân")
            assert axis.categories()[0] == "7h"
    finally:
        w.shutdown()
