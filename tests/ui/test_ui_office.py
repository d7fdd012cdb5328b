"""The office window: opens on a day of known figures, its charts carry those figures, the
range presets and export work, and an empty day shows empty charts without errors."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import csv  # noqa: E402
import threading  # noqa: E402
from datetime import date, timedelta  # noqa: E402

import pytest  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.dossiers import DossierDesk  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.store import connect  # noqa: E402
from kiosk.ticketing import TicketDesk  # noqa: E402
from kiosk.ui.office import build_office_window  # noqa: E402
from kiosk.ui.office.window import CUSTOM, MONTH, WEEK, preset_range  # noqa: E402
from tests.dossiers.test_dossiers_helpers import intake  # noqa: E402
from tests.stats.test_stats_helpers import (  # noqa: E402
    DUC,
    HA,
    MONDAY,
    add_rating,
    at,
    seed_six_plus_one,
)

WEDNESDAY_5PM = at("17:00", MONDAY + timedelta(days=2))


@pytest.fixture
def paths(tmp_path) -> Paths:
    data = tmp_path / "station"
    return Paths(data, data / "kiosk.toml")


def seed(paths: Paths) -> None:
    db = connect(paths.database)
    seed_into(db)
    db.conn.close()


def seed_into(db) -> None:
    config = Config()
    tickets = seed_six_plus_one(db, TicketDesk(db, config))
    add_rating(db, at("08:16"), "very_satisfied", 1, HA, ticket=tickets["A001"])
    add_rating(db, at("08:28"), "satisfied", 1, HA, ticket=tickets["A002"])
    add_rating(db, at("08:21"), "unsatisfied", 2, DUC, ticket=tickets["B001"])
    dossiers = DossierDesk(db, config)
    a = dossiers.save_intake(intake("2.000815"), clerk=HA, at=at("08:20"))
    dossiers.hand_back(a.code, clerk=HA, at=at("09:00"))


@pytest.fixture
def window(qtbot, paths):
    created = []

    def open_window(clock_at=WEDNESDAY_5PM):
        w = build_office_window(Config(), paths, clock=lambda: clock_at)
        created.append(w)
        qtbot.addWidget(w)
        w.resize(1366, 768)
        w.show()
        qtbot.waitUntil(lambda: w.stats is not None, timeout=5000)
        return w

    yield open_window
    for w in created:
        w.shutdown()


def recompute(qtbot, w, action) -> None:
    w.stats = None
    action()
    qtbot.waitUntil(lambda: w.stats is not None, timeout=5000)


def test_presets():
    wednesday = MONDAY + timedelta(days=2)
    assert preset_range("today", wednesday) == (wednesday, wednesday)
    assert preset_range(WEEK, wednesday) == (MONDAY, wednesday)
    assert preset_range(MONTH, wednesday) == (date(2026, 3, 1), wednesday)


def test_a_day_with_data_fills_tiles_charts_and_tables(qtbot, window, paths):
    seed(paths)
    w = window()
    # It opens on today (Wednesday, empty), so choose the seeded Monday.
    assert w.stats.total.issued == 0
    recompute(qtbot, w, lambda: w.set_range(MONDAY, MONDAY))
    assert w.period_label.text() == "Ngày 02/03/2026"
    assert w.range_buttons[CUSTOM].isChecked()
    assert w.tiles["issued"].value.text() == "7"
    assert w.tiles["served"].value.text() == "5"
    assert w.tiles["served"].note.text() == "Vắng mặt: 1 · chuyển: 1"
    assert w.tiles["wait"].value.text() == "7,4 phút"
    assert w.tiles["wait"].note.text() == "90% chờ không quá 14,6 phút"
    assert w.tiles["satisfaction"].value.text() == "66,7%"
    assert w.tiles["on_time"].value.text() == "100,0%"

    # Waiting per service: categories top-down in catalog order (Qt lists them bottom-up).
    (waits,) = w.wait_chart.chart().series()
    mean, p90 = waits.barSets()
    axis = next(a for a in w.wait_chart.chart().axes() if hasattr(a, "categories"))
    assert axis.categories() == ["Hộ tịch", "Chứng thực"]  # the board's short names
    assert [mean.at(i) for i in range(mean.count())] == [6.7, 8.0]
    assert [p90.at(i) for i in range(p90.count())] == [14.0, 12.1]

    (hours,) = w.hour_chart.chart().series()
    issued, served = hours.barSets()
    axis = next(a for a in w.hour_chart.chart().axes() if hasattr(a, "categories"))
    eight = axis.categories().index("8h")
    assert issued.at(eight) == 7 and served.at(eight) == 5
    assert sum(issued.at(i) for i in range(issued.count())) == 7

    (ring,) = w.rating_chart.chart().series()
    assert [s.value() for s in ring.slices()] == [1, 1, 1]
    assert "66,7% hài lòng" in w.rating_chart.chart().title()

    counters = w.tables["counter"]
    assert [counters.cell_text(r, 0) for r in range(counters.rowCount())] == \
        ["Quầy 1", "Quầy 2"]
    assert counters.cell_text(1, 3) == "3"  # served at counter 2
    assert counters.cell_text(1, 6) == "8,3"  # mean wait 8.25
    assert counters.isColumnHidden(1) and counters.isColumnHidden(14)
    clerks = w.tables["clerk"]
    assert [clerks.cell_text(r, 0) for r in range(clerks.rowCount())] == [DUC, HA]
    assert clerks.cell_text(1, 14) == "1"  # Hà received one dossier
    assert not w.tabs.isTabVisible(3)  # one day: no per-day tab


def test_week_preset_sorting_and_csv_and_xlsx_export(qtbot, window, paths, tmp_path):
    seed(paths)
    w = window()
    recompute(qtbot, w, lambda: w.set_preset(WEEK))
    assert w.current_range() == (MONDAY, MONDAY + timedelta(days=2))
    assert not w.start_edit.isEnabled()
    assert w.tabs.isTabVisible(3)
    days = w.tables["day"]
    assert days.rowCount() == 3 and days.cell_text(0, 1) == "7"
    # Sorting by a figure sorts by its value, not its text.
    days.sortItems(1)
    assert [days.cell_text(r, 1) for r in range(3)] == ["0", "0", "7"]

    out = tmp_path / "tuan.csv"
    w.export_to("csv", out)
    qtbot.waitUntil(lambda: w.last_export == out, timeout=5000)
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[1][:4] == ["Tổng", "02/03/2026-04/03/2026", "Toàn điểm phục vụ", "7"]
    assert "Đã lưu CSV" in w.status.text()
    assert w.open_button.isVisible()

    # "Xuất Excel" writes a workbook: numbers Excel can add up, whatever the PC's settings.
    from openpyxl import load_workbook

    assert w.xlsx_button.text() == "Xuất Excel" and w.csv_button.text() == "Xuất CSV"
    out = tmp_path / "tuan.xlsx"
    w.export_to("xlsx", out)
    qtbot.waitUntil(lambda: w.last_export == out, timeout=5000)
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    total = next(r for r in rows if r[0] == "Tổng")
    assert total[1:4] == ("02/03/2026-04/03/2026", "Toàn điểm phục vụ", 7)
    assert "Đã lưu Excel" in w.status.text()


def test_pdf_export_and_a_backwards_custom_range(qtbot, window, paths, tmp_path):
    seed(paths)
    w = window()
    out = tmp_path / "ngay.pdf"
    w.export_to("pdf", out)
    qtbot.waitUntil(lambda: w.last_export == out, timeout=10000)
    assert out.read_bytes().startswith(b"%PDF")
    w.set_range(MONDAY + timedelta(days=1), MONDAY)
    assert w.status.property("state") == "error"
    assert "Ngày bắt đầu sau ngày kết thúc" in w.status.text()


def test_a_failed_export_is_worded_for_the_head_of_office(qtbot, window, tmp_path):
    w = window()
    w.export_to("csv", tmp_path)  # a folder, not a file
    qtbot.waitUntil(lambda: w.status.property("state") == "error", timeout=30_000)
    assert w.status.text().startswith("Không xuất được báo cáo: không ghi được tệp (")
    assert w.last_export is None and not w.open_button.isVisible()


def test_a_late_answer_for_an_earlier_range_is_dropped(qtbot, window, paths, monkeypatch):
    import kiosk.ui.office.window as office_window

    seed(paths)
    w = window()
    gate = threading.Event()
    real = office_window.office_stats

    def held_for_one_day(db, start, end, timezone, **kw):
        if start == end:
            gate.wait(5)  # today's figures take long: the head of office moves on meanwhile
        return real(db, start, end, timezone, **kw)

    monkeypatch.setattr(office_window, "office_stats", held_for_one_day)
    shown = []
    monkeypatch.setattr(w, "show_stats", lambda stats: shown.append(stats.days))
    w.refresh()
    w.set_preset(WEEK)
    gate.set()
    qtbot.waitUntil(lambda: shown != [], timeout=5000)
    qtbot.wait(100)
    assert shown == [3]


def test_an_empty_day_shows_empty_charts(qtbot, window):
    w = window()
    assert w.tiles["issued"].value.text() == "0"
    assert w.tiles["wait"].value.text() == "–"
    assert w.tiles["satisfaction"].value.text() == "–"
    assert w.wait_chart.chart().series() == []
    assert "chưa có lượt gọi" in w.wait_chart.chart().title()
    assert w.rating_chart.chart().series() == []
    (hours,) = w.hour_chart.chart().series()
    assert all(s.at(i) == 0 for s in hours.barSets() for i in range(s.count()))
    assert w.tables["counter"].rowCount() == 0


def test_office_command_demo_seeds_only_an_empty_database(monkeypatch, tmp_path, capsys):
    import kiosk.stats.demo
    import kiosk.ui.office
    from kiosk.cli import main

    seeded, opened = [], []
    monkeypatch.setattr(kiosk.stats.demo, "seed_demo", lambda db, config: seeded.append(1))

    def run_office(config, paths, prepare=None):
        # What the window's lane does first, on the lane's own connection.
        db = connect(paths.database)
        try:
            prepare(db)
        finally:
            db.conn.close()
        opened.append(paths.data_dir)
        return 0

    monkeypatch.setattr(kiosk.ui.office, "run_office", run_office)
    data = tmp_path / "demo"
    assert main(["--data-dir", str(data), "office", "--demo"]) == 0
    assert seeded == [1] and opened == [data]
    db = connect(data / "kiosk.db")
    TicketDesk(db, Config()).issue("CT")
    db.conn.close()
    assert main(["--data-dir", str(data), "office", "--demo"]) == 0
    assert seeded == [1]  # a database with tickets never gets made-up ones
    assert "already holds tickets" in capsys.readouterr().out


def test_the_window_shows_loading_first_and_fills_when_prepared(qtbot, paths):
    """`kiosk office --demo`: the window is up while the made-up days are written on its
    lane; it says so, then shows them."""
    gate = threading.Event()

    def prepare(db):
        assert gate.wait(10)
        seed_into(db)  # on the lane's own connection

    w = build_office_window(Config(), paths, clock=lambda: at("17:00"), prepare=prepare)
    qtbot.addWidget(w)
    try:
        w.resize(1366, 768)
        w.show()
        qtbot.wait(200)
        assert w.stats is None
        assert w.tiles["issued"].value.text() == "…"
        assert w.tiles["issued"].note.text() == "Đang tải…"
        assert "đang tải" in w.wait_chart.chart().title()
        assert w.status.text() == "Đang tải số liệu…"
        assert not w.xlsx_button.isEnabled()
        gate.set()
        qtbot.waitUntil(lambda: w.stats is not None, timeout=10000)
        assert w.tiles["issued"].value.text() == "7"
        assert w.xlsx_button.isEnabled()
    finally:
        gate.set()
        w.shutdown()


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_waiting_chart_names_stand_whole_and_figures_do_not_overlap(qtbot, paths, size):
    """A month of the demo's busy point: every service's name fits left of the bars (none cut
    to "…" nor pushed out of the card) and its "mean / p90" text stays clear of the others."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from PySide6.QtGui import QFontMetrics

    from kiosk.stats.demo import seed_demo

    now = datetime(2026, 3, 12, 16, 20, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    db = connect(paths.database)
    seed_demo(db, Config(), now=now, days=3, dossiers=20)
    db.conn.close()
    w = build_office_window(Config(), paths, clock=lambda: now)
    qtbot.addWidget(w)
    try:
        w.resize(*size)
        w.show()
        qtbot.waitUntil(lambda: w.stats is not None, timeout=10000)
        qtbot.wait(100)
        chart = w.wait_chart.chart()
        axis = next(a for a in chart.axes() if hasattr(a, "categories"))
        names = axis.categories()
        assert len(names) == 8 and not any("…" in n for n in names)
        # The catalog's board names, as the waiting-room board shows them.
        assert names == ["Trả kết quả", "Giáo dục", "Cư trú", "Xã hội", "Kinh doanh",
                         "Đất đai", "Hộ tịch", "Chứng thực"]
        widest = max(QFontMetrics(axis.labelsFont()).horizontalAdvance(n) for n in names)
        plot = chart.plotArea()
        assert widest < plot.left() - chart.rect().left()
        boxes = [item.sceneBoundingRect() for item in w.wait_chart.value_labels]
        assert len(boxes) == 8
        for i, box in enumerate(boxes):
            assert chart.rect().contains(box)
            assert box.left() >= plot.left()
            assert not any(box.intersects(other) for other in boxes[i + 1:])
        texts = [item.childItems()[0].text() for item in w.wait_chart.value_labels]
        assert all(" / " in t and "." not in t for t in texts)  # 12,5 / 30,6: Vietnamese
        # The pointer on a bar: the catalog's full name and both figures.
        from PySide6.QtWidgets import QToolTip

        (series,) = chart.series()
        first = names.index("Chứng thực")
        series.hovered.emit(True, first, series.barSets()[0])
        tip = QToolTip.text()
        assert tip.startswith("Chứng thực bản sao, chữ ký, hợp đồng\nTrung bình: ")
        assert "90% chờ không quá" in tip and " phút" in tip
    finally:
        w.shutdown()


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_every_service_name_and_every_share_is_shown_whole(qtbot, paths, size):
    """A month of the demo's point on the head of office's 1366x768 screen: Qt Charts hides a
    category label that would touch its neighbour, so every service's name must be drawn
    (each row at least a label's line high), every hour under the hourly bars whole, and the
    ring's shares sit on the ring: inside the card, clear of the hole."""
    import math
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from PySide6.QtCore import QPointF, QRectF
    from PySide6.QtGui import QFontMetricsF
    from PySide6.QtWidgets import QGraphicsItem

    from kiosk.stats.demo import seed_demo
    from kiosk.ui.office.charts import label_line_height

    now = datetime(2026, 3, 12, 16, 20, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    db = connect(paths.database)
    seed_demo(db, Config(), now=now, days=3, dossiers=20)
    db.conn.close()
    w = build_office_window(Config(), paths, clock=lambda: now)
    qtbot.addWidget(w)
    try:
        w.resize(*size)
        w.show()
        qtbot.waitUntil(lambda: w.stats is not None, timeout=10000)
        # The results per clerk shown: their note above the table takes the most height.
        w.tabs.setCurrentWidget(w.result_pages["by_clerk"])
        qtbot.wait(100)
        view = w.wait_chart
        chart = view.chart()
        plot = chart.plotArea()
        axis = view.category_axis()
        names = axis.categories()
        assert len(names) == 8 and axis.labelsVisible()
        assert plot.height() / len(names) >= label_line_height(axis.labelsFont())
        assert axis.labelsFont().pixelSize() >= 9
        # The labels Qt drew left of the plot, one per row: all shown (at 1366x768 before,
        # five of eight were hidden).
        drawn = [i for i in view.scene().items() if type(i) is QGraphicsItem
                 and i.sceneBoundingRect().right() <= plot.left() + 1
                 and plot.top() <= i.sceneBoundingRect().center().y() <= plot.bottom()]
        assert len(drawn) >= len(names)
        assert all(i.isVisible() for i in drawn)

        # The hours under their bars: every one drawn too.
        hours = w.hour_chart
        hour_plot = hours.chart().plotArea()
        hour_axis = next(a for a in hours.chart().axes() if hasattr(a, "categories"))
        under = [i for i in hours.scene().items() if type(i) is QGraphicsItem
                 and i.sceneBoundingRect().top() >= hour_plot.bottom() - 1
                 and hour_plot.left() <= i.sceneBoundingRect().center().x() <= hour_plot.right()
                 and i.sceneBoundingRect().height() > 0]
        slots = hour_axis.categories()
        assert len(slots) >= 8
        assert len([i for i in under if i.isVisible()]) >= len(slots)
        # Qt cuts a label wider than its slot to "…" (it does not hide it): each fits whole.
        metrics = QFontMetricsF(hour_axis.labelsFont())
        assert max(metrics.horizontalAdvance(h) for h in slots) < hour_plot.width() / len(slots)

        ring = w.rating_chart
        (series,) = ring.chart().series()
        area = ring.chart().plotArea()
        centre = area.center()
        radius = series.pieSize() * min(area.width(), area.height()) / 2
        hole = radius * series.holeSize()
        card = QRectF(ring.rect())
        shown = [s for s in series.slices() if s.isLabelVisible()]
        assert len(shown) == 3
        for part in shown:
            # Qt puts an inside label's centre halfway across the ring, at the slice's middle.
            angle = math.radians(part.startAngle() + part.angleSpan() / 2)
            middle = (radius + hole) / 2
            at = QPointF(centre.x() + middle * math.sin(angle),
                         centre.y() - middle * math.cos(angle))
            metrics = QFontMetricsF(part.labelFont())
            box = QRectF(0, 0, metrics.horizontalAdvance(part.label()), metrics.height())
            box.moveCenter(at)
            assert card.contains(box), part.label()
            nearest = QPointF(min(max(centre.x(), box.left()), box.right()),
                              min(max(centre.y(), box.top()), box.bottom()))
            assert math.dist(nearest.toTuple(), centre.toTuple()) >= hole, part.label()
            corners = (box.topLeft(), box.topRight(), box.bottomLeft(), box.bottomRight())
            assert all(math.dist(c.toTuple(), centre.toTuple()) <= radius + 2
                       for c in corners), part.label()
    finally:
        w.shutdown()


def test_the_statistics_read_archived_years_with_the_live_days(qtbot, window, paths):
    from kiosk.calendar import CalendarRules
    from kiosk.cli import main
    from kiosk.stats import office_stats
    from tests.archive.test_archive import seed_station

    seed_station(paths.data_dir)
    start, end = date(2024, 1, 1), date(2025, 12, 31)
    config = Config()
    db = connect(paths.database)
    try:
        expected = office_stats(db, start, end, config.office.timezone,
                                rules=CalendarRules.from_config(config))
    finally:
        db.conn.close()
    assert expected.total.issued > 0
    assert main(["--data-dir", str(paths.data_dir), "archive", "--before", "2026-01-01"]) == 0
    w = window()
    recompute(qtbot, w, lambda: w.set_range(start, end))
    assert w.stats == expected
