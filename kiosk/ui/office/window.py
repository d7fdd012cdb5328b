"""The office window: the head of the service point's view of a day, a week, a month.

Summary tiles, three charts (waiting time per service, tickets per hour, ratings) and tables
per counter, clerk, service and day, then the results per clerk and per procedure that the
national service index (Decision 766/QĐ-TTg) judges by, each figure under the index group it
feeds (kiosk.stats.results), for a chosen range; Excel (xlsx), csv and pdf export
through kiosk.stats.report. Statistics are computed and reports written on the "office-stats" lane
(kiosk/ui/operations.py), which owns its own database connection: a month of a busy point is a
few hundred thousand events, seconds of work the window must not freeze for. A range that
includes today refreshes itself every minute.

The window shows at once, in a "Đang tải…" state, and fills when the first figures arrive;
work to do before them (the demo's made-up days, `prepare`) runs first on the same lane.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.calendar import CalendarRules
from kiosk.calendar.working_days import parse_time_of_day
from kiosk.config import Config
from kiosk.dossiers.settings import dossier_settings
from kiosk.failures import wording
from kiosk.paths import Paths
from kiosk.queue.catalog import CatalogError, load_catalog
from kiosk.station import open_database
from kiosk.stats import GroupStats, OfficeStats, office_stats
from kiosk.stats.report import count_vi, minutes_vi, period_text, share_vi, write_report
from kiosk.stats.results import ResultRow, ResultStats
from kiosk.ui.display.model import services_from_catalog
from kiosk.ui.due_panel import DuePanel
from kiosk.ui.i18n import N_, tr_marked, translate
from kiosk.ui.office import style
from kiosk.ui.office.charts import HourChart, RatingChart, WaitingChart
from kiosk.ui.office.petition_case import PetitionCases
from kiosk.ui.office.petitions import PetitionPanel, petition_rows
from kiosk.ui.operations import Lane
from kiosk.ui.qtapp import ensure_app, load_fonts
from kiosk.ui.runner import Opened, Station, run_station
from kiosk.ui.theme import scaled
from kiosk.ui.widgets import Banner, set_state

log = logging.getLogger(__name__)

WINDOW_SIZE = (1366, 768)
REFRESH_MS = 60_000
TODAY, WEEK, MONTH, CUSTOM = "today", "week", "month", "custom"
RANGE_LABELS = ((TODAY, N_("Hôm nay")), (WEEK, N_("Tuần này")), (MONTH, N_("Tháng này")),
                (CUSTOM, N_("Tùy chọn")))


#: The charts' row at 1366x768 (the window's scale follows: 216 px at 1093x614).
CHARTS_HEIGHT = 240
#: Below this height (logical px; 1366x768 at 125 % gives 614) the window is short: the
#: reminder banner on one line (its whole text in the tool tip and the due tab), tighter
#: margins round the tiles, charts and tabs; the tabs' tables give up the height (they scroll).
SHORT_HEIGHT = 700


def board_names() -> dict[str, str]:
    """Each service's short name by code, as the waiting-room board reads it from the catalog
    (board_name_vi, else the name before its examples): the waiting chart's axis. Empty when
    the catalog cannot be read (the chart then cuts the stored names short)."""
    try:
        return {s.code: s.name for s in services_from_catalog(load_catalog())}
    except CatalogError:
        return {}


def preset_range(preset: str, today: date) -> tuple[date, date]:
    """today; this week from Monday; this month from the 1st; each up to today."""
    if preset == WEEK:
        return today - timedelta(days=today.weekday()), today
    if preset == MONTH:
        return today.replace(day=1), today
    return today, today


# -- tables ------------------------------------------------------------------------------------

#: (heading, value for sorting, text) per column; None values sort first and read "–".
Column = tuple[str, Callable[[GroupStats], Any], Callable[[GroupStats], str]]


def _dossier(getter: Callable[[Any], Any]) -> Callable[[GroupStats], Any]:
    return lambda g: getter(g.dossiers) if g.dossiers is not None else None


COLUMNS: tuple[Column, ...] = (
    # The name column sorts by the grouping's own order (counter number, catalog, date).
    ("", lambda g: None, lambda g: g.label),
    (N_("Cấp số"), lambda g: g.issued, lambda g: count_vi(g.issued)),
    (N_("Đã gọi"), lambda g: g.called, lambda g: count_vi(g.called)),
    (N_("Phục vụ"), lambda g: g.served, lambda g: count_vi(g.served)),
    (N_("Vắng mặt"), lambda g: g.skipped, lambda g: count_vi(g.skipped)),
    (N_("Chuyển"), lambda g: g.transferred, lambda g: count_vi(g.transferred)),
    (N_("Chờ TB\n(phút)"), lambda g: g.waiting.mean, lambda g: minutes_vi(g.waiting.mean)),
    (N_("Chờ trung\nvị"), lambda g: g.waiting.median, lambda g: minutes_vi(g.waiting.median)),
    (N_("Chờ\nP90"), lambda g: g.waiting.p90, lambda g: minutes_vi(g.waiting.p90)),
    (N_("Phục vụ\nTB (phút)"), lambda g: g.service.mean, lambda g: minutes_vi(g.service.mean)),
    (N_("Phục vụ\ntrung vị"), lambda g: g.service.median, lambda g: minutes_vi(g.service.median)),
    (N_("Phục vụ\nP90"), lambda g: g.service.p90, lambda g: minutes_vi(g.service.p90)),
    (N_("Lượt\nđánh giá"), lambda g: g.ratings.total, lambda g: count_vi(g.ratings.total)),
    (N_("Hài\nlòng"), lambda g: g.ratings.satisfaction_share,
     lambda g: share_vi(g.ratings.satisfaction_share)),
    (N_("Hồ sơ\nnhận"), _dossier(lambda d: d.received),
     lambda g: count_vi(g.dossiers.received) if g.dossiers else "–"),
    (N_("Hồ sơ\nđã trả"), _dossier(lambda d: d.handed_back),
     lambda g: count_vi(g.dossiers.handed_back) if g.dossiers else "–"),
    (N_("Trả đúng\nhạn"), _dossier(lambda d: d.on_time_rate),
     lambda g: share_vi(g.dossiers.on_time_rate) if g.dossiers else "–"),
)
ISSUED_COLUMN = 1
DOSSIER_COLUMNS = (14, 15, 16)

#: Tab title, name column heading, grouping, columns hidden (not defined there).
TABS = (
    (N_("Theo quầy"), N_("Quầy"), "counter", (ISSUED_COLUMN, *DOSSIER_COLUMNS)),
    (N_("Theo cán bộ"), N_("Cán bộ"), "clerk", (ISSUED_COLUMN,)),
    (N_("Theo dịch vụ"), N_("Dịch vụ"), "service", ()),
    (N_("Theo ngày"), N_("Ngày"), "day", ()),
)


#: The results tabs' columns: (heading, value for sorting, text), Decision 766 group of each.
ResultColumn = tuple[str, Callable[[ResultRow], Any], Callable[[ResultRow], str]]
PROGRESS_GROUP = N_("Tiến độ giải quyết (20 điểm)")
SATISFACTION_GROUP = N_("Mức độ hài lòng (18 điểm)")
RESULT_COLUMNS: tuple[tuple[ResultColumn, str | None], ...] = (
    (("", lambda r: None, lambda r: r.label), None),
    ((N_("Giải quyết\nxong"), lambda r: r.settled, lambda r: count_vi(r.settled)),
     PROGRESS_GROUP),
    ((N_("Đúng\nhạn"), lambda r: r.on_time, lambda r: count_vi(r.on_time)), PROGRESS_GROUP),
    ((N_("Quá\nhạn"), lambda r: r.late, lambda r: count_vi(r.late)), PROGRESS_GROUP),
    ((N_("Xin lỗi\n(Mẫu 04)"), lambda r: r.apologised, lambda r: count_vi(r.apologised)),
     PROGRESS_GROUP),
    ((N_("Từ\nchối"), lambda r: r.refused, lambda r: count_vi(r.refused)), PROGRESS_GROUP),
    ((N_("Yêu cầu\nbổ sung"), lambda r: r.supplemented, lambda r: count_vi(r.supplemented)),
     PROGRESS_GROUP),
    ((N_("Giải quyết\nTB (ngày)"), lambda r: r.settle_mean, lambda r: minutes_vi(r.settle_mean)),
     PROGRESS_GROUP),
    ((N_("Giải quyết\nP90 (ngày)"), lambda r: r.settle_p90, lambda r: minutes_vi(r.settle_p90)),
     PROGRESS_GROUP),
    ((N_("Hài lòng\nTTHC"), lambda r: r.satisfaction_share,
      lambda r: share_vi(r.satisfaction_share)), SATISFACTION_GROUP),
    ((N_("PAKN\nđúng hạn"), lambda r: r.petitions_on_time_rate,
      lambda r: share_vi(r.petitions_on_time_rate)), SATISFACTION_GROUP),
)
#: Tab title, name column heading, grouping of ResultStats.
RESULT_TABS = (
    (N_("Kết quả theo cán bộ"), N_("Cán bộ tiếp nhận"), "by_clerk"),
    (N_("Kết quả theo thủ tục"), N_("Thủ tục hành chính"), "by_procedure"),
)


class _Item(QTableWidgetItem):
    """A cell that sorts by its value, not its Vietnamese-formatted text; "–" first."""

    def __init__(self, text: str, value: Any) -> None:
        super().__init__(text)
        self.value = value

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine = self.value
        theirs = getattr(other, "value", None)
        if mine is None or theirs is None:
            return mine is None and theirs is not None
        if isinstance(mine, str) or isinstance(theirs, str):
            return str(mine) < str(theirs)
        return mine < theirs


def set_up_figure_table(table: QTableWidget, *, min_section: int) -> None:
    """A read-only table of figures by name: rows selected whole, names in full (Qt measures
    again when the tab is shown), the figures sharing the rest, sorted by name at first."""
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    header.setMinimumSectionSize(min_section)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
    header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)


class StatsTable(QTableWidget):
    def __init__(self, name_heading: str, hidden: Sequence[int]) -> None:
        super().__init__(0, len(COLUMNS))
        self.setHorizontalHeaderLabels([name_heading, *(tr_marked(c[0]) for c in COLUMNS[1:])])
        set_up_figure_table(self, min_section=96)
        for column in hidden:
            self.setColumnHidden(column, True)

    def fill(self, groups: Sequence[GroupStats]) -> None:
        self.setSortingEnabled(False)
        self.setRowCount(len(groups))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for row, g in enumerate(groups):
            for column, (_, value, text) in enumerate(COLUMNS):
                item = _Item(text(g), row if column == 0 else value(g))
                if column:
                    item.setTextAlignment(right)
                self.setItem(row, column, item)
        # Sorted again by the column the user chose last (the grouping's order at first).
        self.setSortingEnabled(True)

    def cell_text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text() if item else ""


class ResultsTable(QTableWidget):
    """Results per clerk or per procedure; each heading's tool tip names its index group."""

    def __init__(self, name_heading: str) -> None:
        super().__init__(0, len(RESULT_COLUMNS))
        self.setHorizontalHeaderLabels(
            [name_heading, *(tr_marked(c[0]) for c, _ in RESULT_COLUMNS[1:])])
        for column, (_, group) in enumerate(RESULT_COLUMNS):
            if group is not None:
                self.horizontalHeaderItem(column).setToolTip(
                    translate("OfficeWindow", "Quyết định 766/QĐ-TTg, nhóm: ")
                    + tr_marked(group))
        set_up_figure_table(self, min_section=90)

    def fill(self, rows: Sequence[ResultRow], total: ResultRow | None) -> None:
        self.setSortingEnabled(False)
        shown = [*rows, *([total] if total is not None and rows else [])]
        self.setRowCount(len(shown))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for row, r in enumerate(shown):
            is_total = r is total
            for column, ((_, value, text), _group) in enumerate(RESULT_COLUMNS):
                label = translate("OfficeWindow", "Cộng") if is_total and column == 0 \
                    else text(r)
                # The total stays last whatever the sort: it sorts as the largest.
                item = _Item(label, (len(shown) + 1 if is_total else row) if column == 0
                             else value(r))
                if column:
                    item.setTextAlignment(right)
                if is_total:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.setItem(row, column, item)
        self.setSortingEnabled(True)

    def cell_text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text() if item else ""


# -- the window --------------------------------------------------------------------------------


class Tabs(QTabWidget):
    """The tables' tabs, asking the window for their minimum height only.

    A page with wrapped text (the results tabs' note, the due list's state line) would pass
    its height for the width up, and the window's column takes that as the tabs' least height:
    on a short screen they then pushed into the charts above. The page lays its own text out
    in the height it is given; its tables scroll."""

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt API)
        return False


class Tile(QFrame):
    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setProperty("role", "tile")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 12, 8)
        layout.setSpacing(0)
        self.caption = QLabel(caption)
        self.caption.setProperty("role", "tileCaption")
        self.value = QLabel("–")
        self.value.setProperty("role", "tileValue")
        self.note = QLabel("")
        self.note.setProperty("role", "tileNote")
        for label in (self.caption, self.value, self.note):
            layout.addWidget(label)

    def show_value(self, value: str, note: str = "") -> None:
        self.value.setText(value)
        self.note.setText(note)


class OfficeWindow(QMainWindow):
    def __init__(self, config: Config, paths: Paths, *,
                 clock: Callable[[], datetime] | None = None,
                 app: QApplication | None = None,
                 prepare: Callable[[Any], object] | None = None) -> None:
        super().__init__()
        self.config = config
        self.paths = paths
        self.tz = ZoneInfo(config.office.timezone)
        self._clock = clock or (lambda: datetime.now(self.tz))
        self.unit_name = dossier_settings(config).unit_name
        self.lane = Lane("office-stats", lambda: open_database(config, paths),
                         lambda db: db.conn.close())
        #: The calendar the results count working days by (holidays, Tết, overrides).
        self.rules = CalendarRules.from_config(config)
        self.stats: OfficeStats | None = None
        #: Work on the lane's database before the first figures (the demo's seeding).
        self._prepare = prepare
        self.preset = TODAY
        self.last_export: Path | None = None
        self._request = 0
        self._scale = 0.0
        self.setWindowTitle(self.tr("Thống kê hoạt động — ") + self.unit_name)
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        # The due list on a lane of its own (on a LAN office's counter PC: from the hub's
        # book), refreshed every minute; reminders at start-up and at [dossiers] reminder_time.
        self.due_lane = Lane("office-due", lambda: DueReader(config, paths), DueReader.close)
        self.due_list: Any = None
        self.reminded_on: date | None = None
        self.started_reminder = False
        self.reminder_time = parse_time_of_day(config.dossiers.reminder_time)
        self.due_timer = QTimer(self)
        self.due_timer.setInterval(REFRESH_MS)
        self.due_timer.timeout.connect(self.refresh_due)
        # Before the first show, sized for the screen it opens on (a smaller one than 1366x768
        # gets the smaller scale and the short layout): it asks for no more than the screen has.
        width, height = self.given_size(*WINDOW_SIZE, screen_only=True)
        self.apply_scale(width, height)
        self.fit_height(height)
        self._show_loading()

    # -- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        root = QWidget()
        root.setObjectName("OfficeRoot")
        self.setCentralWidget(root)
        outer = QVBoxLayout(root)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.top_bar = self._top_bar()
        self.range_bar = self._range_bar()
        outer.addWidget(self.top_bar)
        outer.addWidget(self.range_bar)
        self.banner = Banner()
        self.banner_holder = banner_holder = QVBoxLayout()
        banner_holder.setContentsMargins(12, 6, 12, 0)
        banner_holder.addWidget(self.banner)
        outer.addLayout(banner_holder)
        self.body = body = QVBoxLayout()
        self.short = False
        body.setContentsMargins(12, 10, 12, 10)
        body.setSpacing(10)
        outer.addLayout(body, 1)

        tiles = QHBoxLayout()
        tiles.setSpacing(10)
        self.tiles = {key: Tile(caption) for key, caption in (
            ("issued", self.tr("Số phiếu đã cấp")), ("served", self.tr("Đã phục vụ")),
            ("wait", self.tr("Thời gian chờ trung bình")),
            ("satisfaction", self.tr("Người dân hài lòng")),
            ("on_time", self.tr("Trả hồ sơ đúng hạn")))}
        for tile in self.tiles.values():
            tiles.addWidget(tile, 1)
        body.addLayout(tiles)

        charts = QHBoxLayout()
        charts.setSpacing(10)
        self.wait_chart = WaitingChart(short_names=board_names())
        self.hour_chart = HourChart()
        self.rating_chart = RatingChart()
        # The waiting chart widest: its service names stand whole beside the bars.
        for view, stretch in ((self.wait_chart, 5), (self.hour_chart, 4),
                              (self.rating_chart, 3)):
            view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            charts.addWidget(view, stretch)
        body.addLayout(charts, 5)

        self.tabs = Tabs()
        self.tables: dict[str, StatsTable] = {}
        for title, heading, grouping, hidden in TABS:
            table = StatsTable(tr_marked(heading), hidden)
            self.tables[grouping] = table
            self.tabs.addTab(table, tr_marked(title))
        self.result_tables: dict[str, ResultsTable] = {}
        self.indicator_notes: list[QLabel] = []
        #: The results tabs' pages, by grouping (select one with tabs.setCurrentWidget).
        self.result_pages: dict[str, QWidget] = {}
        for title, heading, grouping in RESULT_TABS:
            page = QWidget()
            column = QVBoxLayout(page)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(0)
            note = QLabel(self.indicator_note(None))
            note.setObjectName("IndicatorNote")
            note.setWordWrap(True)
            column.addWidget(note)
            self.indicator_notes.append(note)
            table = ResultsTable(tr_marked(heading))
            column.addWidget(table, 1)
            self.result_tables[grouping] = table
            self.result_pages[grouping] = page
            self.tabs.addTab(page, tr_marked(title))
        self.due_panel = DuePanel(self.config.dossiers.due_soon_days, side_by_side=True)
        self.due_panel.open_requested.connect(self.show_dossier)
        self.due_panel.refresh_requested.connect(self.refresh_due)
        self.due_tab = self.tabs.addTab(self.due_panel, self.tr("Hạn trả hồ sơ"))
        # Petitions waiting for an answer, late ones first: whatever the chosen range.
        self.petitions = PetitionPanel()
        self.petitions_tab = self.tabs.addTab(self.petitions, self.tr("Phản ánh, kiến nghị"))
        # A row opens the case: assign, answer, close, on the lane; the list read again after.
        self.petition_cases = PetitionCases(
            self, self.lane, self.rules, self.tz, self._clock, self.known_clerks,
            self.refresh_petitions, self._status)
        self.petitions.open_requested.connect(self.petition_cases.open)
        self.petitions.filter_changed.connect(self.refresh_petitions)
        body.addWidget(self.tabs, 4)

        QShortcut(QKeySequence("F5"), self, activated=self.refresh)

    def indicator_note(self, results: ResultStats | None) -> str:
        """Which Decision 766 group the results tabs' figures feed; petitions without data."""
        note = self.tr("Chỉ số QĐ 766/QĐ-TTg — {progress}: giải quyết xong, đúng hạn, quá hạn, "
                       "xin lỗi, từ chối, yêu cầu bổ sung, thời gian giải quyết (ngày làm "
                       "việc). {satisfaction}: hài lòng với giải quyết TTHC, phản ánh kiến nghị "
                       "xử lý đúng hạn.").format(progress=tr_marked(PROGRESS_GROUP),
                                                  satisfaction=tr_marked(SATISFACTION_GROUP))
        if results is not None and not results.petitions_data:
            note += " " + self.tr("Phản ánh, kiến nghị: chưa có số liệu.")
        return note

    def _top_bar(self) -> QFrame:
        bar = QFrame()
        bar.setObjectName("TopBar")
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(16, 8, 16, 8)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        title = QLabel(self.tr("Thống kê hoạt động"))
        title.setObjectName("AppTitle")
        office = QLabel(self.unit_name)
        office.setObjectName("OfficeName")
        titles.addWidget(title)
        titles.addWidget(office)
        layout.addLayout(titles, 1)
        self.xlsx_button = QPushButton(self.tr("Xuất Excel"))
        self.csv_button = QPushButton(self.tr("Xuất CSV"))
        self.pdf_button = QPushButton(self.tr("Xuất báo cáo PDF"))
        self.open_button = QPushButton(self.tr("Mở tệp vừa xuất"))
        for button, slot in ((self.xlsx_button, lambda: self.ask_export("xlsx")),
                             (self.csv_button, lambda: self.ask_export("csv")),
                             (self.pdf_button, lambda: self.ask_export("pdf")),
                             (self.open_button, self._open_last_export)):
            button.setProperty("role", "export")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(slot)
            button.setEnabled(False)
            layout.addWidget(button)
        self.open_button.hide()
        return bar

    def _range_bar(self) -> QFrame:
        bar = QFrame()
        bar.setObjectName("RangeBar")
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(8)
        self.range_buttons: dict[str, QPushButton] = {}
        group = QButtonGroup(self)
        group.setExclusive(True)
        for key, label in RANGE_LABELS:
            button = QPushButton(tr_marked(label))
            button.setProperty("role", "range")
            button.setCheckable(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, k=key: self.set_preset(k))
            group.addButton(button)
            self.range_buttons[key] = button
            layout.addWidget(button)
        layout.addSpacing(12)
        self.start_edit = QDateEdit()
        self.end_edit = QDateEdit()
        for caption, edit in ((self.tr("Từ ngày"), self.start_edit),
                              (self.tr("đến"), self.end_edit)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.dateChanged.connect(self._dates_edited)
            layout.addWidget(QLabel(caption))
            layout.addWidget(edit)
        layout.addSpacing(16)
        self.period_label = QLabel("")
        self.period_label.setObjectName("Period")
        layout.addWidget(self.period_label)
        layout.addStretch(1)
        self.status = QLabel("")
        self.status.setObjectName("Status")
        layout.addWidget(self.status)
        return bar

    def apply_scale(self, width: int, height: int) -> None:
        scale = style.OFFICE.scale_for(width, height)
        if scale == self._scale:
            return
        self._scale = scale
        self.setStyleSheet(style.OFFICE.stylesheet(scale))
        for chart in (self.wait_chart, self.hour_chart, self.rating_chart):
            chart.set_scale(scale)
            # Tall enough for the waiting chart's eight services, each name on its own line,
            # and a ring whose shares read inside it: on a short screen the tables below give
            # up the height (they scroll).
            chart.setMinimumHeight(scaled(CHARTS_HEIGHT, scale))

    def fit_height(self, height: int) -> None:
        """A short screen (below SHORT_HEIGHT): the banner on one line, tighter margins."""
        short = height < SHORT_HEIGHT
        if short == self.short:
            return
        self.short = short
        self.banner.set_one_line(short)
        gap = 6 if short else 10
        self.banner_holder.setContentsMargins(12, 4 if short else 6, 12, 0)
        self.body.setContentsMargins(12, gap, 12, gap)
        self.body.setSpacing(gap)
        edge = 5 if short else 8
        self.top_bar.layout().setContentsMargins(16, edge, 16, edge)
        self.range_bar.layout().setContentsMargins(12, edge, 12, edge)
        for tile in self.tiles.values():
            tile.layout().setContentsMargins(14, 5 if short else 8, 12, 5 if short else 8)

    def given_size(self, width: int, height: int, *, screen_only: bool = False
                   ) -> tuple[int, int]:
        """The size to lay the window out for: a maximised (or not yet shown) window goes by
        its screen's free area from the start. Shown at the station's 1366x768 first, it would
        otherwise ask the window manager for more than a 1093x614 screen has before it is given
        that screen."""
        states = Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen
        screen = self.screen()
        if screen is None or not (screen_only or self.windowState() & states):
            return width, height
        area = screen.availableGeometry()
        return min(width, area.width()), min(height, area.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        width, height = self.given_size(event.size().width(), event.size().height())
        self.apply_scale(width, height)
        self.fit_height(height)

    # -- range ---------------------------------------------------------------------------------

    def today(self) -> date:
        return self._clock().astimezone(self.tz).date()

    def current_range(self) -> tuple[date, date]:
        return self.start_edit.date().toPython(), self.end_edit.date().toPython()

    def set_preset(self, preset: str) -> None:
        self.preset = preset
        self.range_buttons[preset].setChecked(True)
        custom = preset == CUSTOM
        self.start_edit.setEnabled(custom)
        self.end_edit.setEnabled(custom)
        if not custom:
            start, end = preset_range(preset, self.today())
            self._set_dates(start, end)
        self.refresh()

    def set_range(self, start: date, end: date) -> None:
        """A custom range (the date pickers), computed at once."""
        self.preset = CUSTOM
        self.range_buttons[CUSTOM].setChecked(True)
        self.start_edit.setEnabled(True)
        self.end_edit.setEnabled(True)
        self._set_dates(start, end)
        self.refresh()

    def _set_dates(self, start: date, end: date) -> None:
        for edit, value in ((self.start_edit, start), (self.end_edit, end)):
            edit.blockSignals(True)
            edit.setDate(QDate(value.year, value.month, value.day))
            edit.blockSignals(False)

    def _dates_edited(self) -> None:
        if self.preset == CUSTOM:
            self.refresh()

    # -- computing -----------------------------------------------------------------------------

    def start(self) -> None:
        """Start the background lane and show today (after `prepare`, when given)."""
        self.lane.start()
        if self._prepare is not None:
            self.lane.run(self._prepare, failed=self._prepare_failed, owner=self,
                          label="prepare office data")
        self.timer.start()
        self.due_timer.start()
        self.refresh_due()
        self.set_preset(TODAY)
        if self._prepare is not None:
            self._status(self.tr("Đang tải số liệu…"))

    def _show_loading(self) -> None:
        """Before the first figures: the tiles and charts say they are coming."""
        for tile in self.tiles.values():
            tile.show_value("…", self.tr("Đang tải…"))
        for chart in (self.wait_chart, self.hour_chart, self.rating_chart):
            chart.show_loading()

    def _prepare_failed(self, exc: BaseException) -> None:
        message_vi, message_en = wording(exc, self.tr("tải được số liệu"), "prepare the data")
        log.error("preparing the office data failed: %s", message_en, exc_info=exc)
        self._status(message_vi, error=True)

    def refresh(self) -> None:
        start, end = self.current_range()
        if end < start:
            self._status(self.tr("Ngày bắt đầu sau ngày kết thúc: chọn lại khoảng thời gian."),
                         error=True)
            return
        self._request += 1
        request, timezone = self._request, self.config.office.timezone
        self.period_label.setText(period_text(start, end))
        self._status(self.tr("Đang tính số liệu…"))
        rules = self.rules
        def compute(db) -> OfficeStats:
            from kiosk.archive.reading import archives_of
            from kiosk.stats.compute import DEFERRED_INDEXES

            # Archived years the range reaches are read with the live days (docs/archive.md).
            with archives_of(db, start=start, end=end, tz=ZoneInfo(timezone),
                             deferred=DEFERRED_INDEXES):
                return office_stats(db, start, end, timezone, rules=rules)

        self.lane.run(compute,
                      done=lambda stats: self._computed(request, stats),
                      failed=lambda exc: self._compute_failed(request, start, end, exc),
                      owner=self, label="office statistics")
        self.refresh_petitions()

    def refresh_petitions(self) -> None:
        """Read the petitions tab's list on the lane (whatever the chosen range)."""
        config, today, open_only = self.config, self.today(), not self.petitions.show_all
        self.lane.run(lambda db: petition_rows(db, config, today, open_only=open_only),
                      done=self._petitions_read, failed=self._petitions_failed, owner=self,
                      label="office petitions", coalesce="office petitions")

    def known_clerks(self) -> list[str]:
        """The clerks the shown figures name (the "Theo cán bộ" tab and the results), offered
        when a petition is given to someone."""
        stats = self.stats
        if stats is None:
            return []
        names = [g.key for g in stats.by_clerk if g.key]
        if stats.results is not None:
            names += [r.label for r in stats.results.by_clerk if r.key]
        return sorted(dict.fromkeys(n for n in names if n))

    def _petitions_read(self, rows) -> None:
        self.petitions.fill(rows)
        late = self.petitions.late_count()
        self.tabs.setTabText(self.petitions_tab, self.tr("Phản ánh, kiến nghị ({late} quá hạn)")
                             .format(late=late) if late else self.tr("Phản ánh, kiến nghị"))

    def _petitions_failed(self, exc: BaseException) -> None:
        message_vi, message_en = wording(exc, self.tr("đọc được danh sách phản ánh"),
                                         "read the petitions")
        log.error("reading the petitions failed: %s", message_en, exc_info=exc)
        self._status(message_vi, error=True)

    def _tick(self) -> None:
        # Only a range that includes today changes while the window is open; "today" itself
        # moves on at midnight.
        if self.preset in (TODAY, WEEK, MONTH):
            start, end = preset_range(self.preset, self.today())
            if (start, end) != self.current_range():
                self._set_dates(start, end)
            self.refresh()
        elif self.current_range()[1] >= self.today():
            self.refresh()

    def _computed(self, request: int, stats: OfficeStats) -> None:
        if request != self._request:
            return  # an older range's answer arriving late
        self.show_stats(stats)
        now = self._clock().astimezone(self.tz)
        self._status(self.tr("Cập nhật lúc {now:%H:%M}").format(now=now))

    def _compute_failed(self, request: int, start: date, end: date,
                        exc: BaseException) -> None:
        message_vi, message_en = wording(exc, self.tr("tính được số liệu"),
                                         "compute the statistics")
        log.error("statistics for %s..%s failed: %s", start, end, message_en, exc_info=exc)
        if request == self._request:
            self._status(message_vi, error=True)

    def show_stats(self, stats: OfficeStats) -> None:
        self.stats = stats
        t = stats.total
        self.tiles["issued"].show_value(
            count_vi(t.issued), self.tr("{days} ngày").format(
                    days=stats.days) if stats.days > 1 else self.tr("trong ngày"))
        self.tiles["served"].show_value(
            count_vi(t.served), self.tr("Vắng mặt: {value} · chuyển: {value2}").format(
                    value=count_vi(t.skipped),
                    value2=count_vi(t.transferred)))
        self.tiles["wait"].show_value(
            minutes_vi(t.waiting.mean, unit=True),
            self.tr("90% chờ không quá {value}").format(value=minutes_vi(t.waiting.p90, unit=True))
            if t.waiting.p90 is not None else self.tr("chưa có lượt gọi"))
        self.tiles["satisfaction"].show_value(
            share_vi(t.ratings.satisfaction_share), self.tr("{value} lượt đánh giá").format(
                    value=count_vi(t.ratings.total)))
        d = t.dossiers
        self.tiles["on_time"].show_value(
            share_vi(d.on_time_rate if d else None),
            self.tr("{value}/{value2} hồ sơ đã trả").format(
                    value=count_vi(d.on_time),
                    value2=count_vi(d.handed_back)) if d else "")
        for chart in (self.wait_chart, self.hour_chart, self.rating_chart):
            chart.show_stats(stats)
        for grouping, table in self.tables.items():
            table.fill(stats.grouping(grouping))
        self.tabs.setTabVisible(3, stats.days > 1)
        results = stats.results
        for grouping, table in self.result_tables.items():
            table.fill(getattr(results, grouping) if results else (),
                       results.total if results else None)
        for note in self.indicator_notes:
            note.setText(self.indicator_note(results))
        for button in (self.xlsx_button, self.csv_button, self.pdf_button):
            button.setEnabled(True)

    def _status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        set_state(self.status, "error" if error else "")

    # -- export --------------------------------------------------------------------------------

    def default_export_path(self, fmt: str) -> Path:
        start, end = self.current_range()
        name = f"bao-cao-thong-ke-{start:%Y%m%d}" + (f"-{end:%Y%m%d}" if end != start else "")
        folder = Path.home() / "Documents"
        if not folder.is_dir():
            folder = self.paths.data_dir
        return folder / f"{name}.{fmt}"

    def ask_export(self, fmt: str) -> None:
        if self.stats is None:
            return
        filters = {"xlsx": self.tr("Bảng tính Excel (*.xlsx)"), "csv": self.tr("Tệp CSV (*.csv)"),
                   "pdf": self.tr("Tài liệu PDF (*.pdf)")}
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Lưu báo cáo thống kê"),
                                              str(self.default_export_path(fmt)), filters[fmt])
        if path:
            if not path.lower().endswith(f".{fmt}"):
                path += f".{fmt}"
            self.export_to(fmt, Path(path))

    def export_to(self, fmt: str, path: Path) -> None:
        """Write the shown statistics as xlsx, csv or pdf (on the lane)."""
        if self.stats is None:
            return
        now = self._clock().astimezone(self.tz)
        self._status(self.tr("Đang xuất báo cáo…"))
        stats, unit_name = self.stats, self.unit_name
        generated = self.tr("Lập lúc {now:%H:%M} ngày {now:%d/%m/%Y}").format(now=now)
        self.lane.run(lambda _db: write_report(stats, fmt, str(path), unit_name=unit_name,
                                               generated=generated),
                      done=lambda out: self._exported(fmt, str(out)),
                      failed=lambda exc: self._export_failed(fmt, exc), owner=self,
                      label="export report")

    def _exported(self, fmt: str, path: str) -> None:
        self.last_export = Path(path)
        self._status(self.tr("Đã lưu {value}: {path}").format(
                value='Excel' if fmt == 'xlsx' else fmt.upper(),
                path=path))
        self.open_button.setEnabled(True)
        self.open_button.show()

    def _export_failed(self, fmt: str, exc: BaseException) -> None:
        message_vi, message_en = wording(exc, self.tr("xuất được báo cáo"), "export the report")
        log.warning("report export (%s) failed: %s", fmt, message_en)
        self._status(message_vi, error=True)

    def _open_last_export(self) -> None:
        if self.last_export is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_export)))

    # -- the due list ----------------------------------------------------------------------

    def refresh_due(self) -> None:
        from kiosk.dossiers.duelist import office_due_list

        within, today = self.due_panel.within, self.today()
        self.due_lane.run(lambda r: office_due_list(r.desk, today, within=within),
                          done=self.on_due_list, failed=self._due_failed, owner=self,
                          label="due list", coalesce="due list")

    def on_due_list(self, listing: Any) -> None:
        from kiosk.ui.due_panel import overdue_text, reminder_text

        self.due_list = listing
        self.due_panel.set_list(listing)
        alert = overdue_text(listing)
        self.tabs.setTabText(self.due_tab, self.tr("Hạn trả hồ sơ: %1").replace("%1", alert)
                             if alert else self.tr("Hạn trả hồ sơ"))
        now = self._clock().astimezone(self.tz)
        timed = now.time() >= self.reminder_time and self.reminded_on != now.date()
        if timed:
            self.reminded_on = now.date()
        if not self.started_reminder or timed:
            self.started_reminder = True
            text = reminder_text(listing)
            if text:
                self.banner.show_message("info", text, code="due-reminder")

    def _due_failed(self, exc: BaseException) -> None:
        message_vi, message_en = wording(exc, self.tr("tải được danh sách hạn trả"),
                                         "load the due list")
        log.info("due list failed: %s", message_en)
        self.due_panel.failed(message_vi)

    def show_dossier(self, code: str) -> None:
        """A tap on a due dossier: its record, read on the due lane, in a read-only box."""
        self.due_panel.set_state("busy", self.tr("Đang mở hồ sơ…"))
        self.due_lane.run(lambda r: r.desk.get(code), done=self._dossier_shown,
                          failed=self._due_failed, owner=self, label="open dossier")

    def _dossier_shown(self, dossier: Any) -> None:
        from kiosk.ui.office.due_dossier import DueDossierBox

        self.due_panel.set_state("muted", "")
        self.dossier_box = DueDossierBox(dossier, self.today(),
                                         CalendarRules.from_config(self.config), self)
        self.dossier_box.open()

    # -- closing -------------------------------------------------------------------------------

    def shutdown(self) -> None:
        self.timer.stop()
        self.due_timer.stop()
        self.lane.stop()
        self.due_lane.stop()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self.shutdown()
        super().closeEvent(event)


class DueReader:
    """The "office-due" lane's resource: a dossier desk on its own connection; on a counter
    PC of a LAN office reading the office's book through the hub (opened on first need)."""

    def __init__(self, config: Config, paths: Paths) -> None:
        from kiosk.dossiers.office import OfficeDesk
        from kiosk.queue.settings import hub_settings

        self._queue: Any = None
        hub = None
        if hub_settings(config).role == "client":
            def hub() -> Any:
                if self._queue is None:
                    from kiosk.station import open_queue

                    self._queue = open_queue(config, paths)
                return self._queue
        db = open_database(config, paths)
        try:
            self.desk = OfficeDesk(db, config, hub)
        except BaseException:
            db.conn.close()
            raise

    def close(self) -> None:
        self.desk.db.conn.close()
        if self._queue is not None:
            self._queue.close()
            self._queue = None


def build_office_window(config: Config, paths: Paths, *, start: bool = True,
                        **kwargs: Any) -> OfficeWindow:
    """The office window with bundled fonts loaded, its thread started (and today's figures
    requested) unless `start` is false. The event loop is not run."""
    app = ensure_app()
    load_fonts(app)
    window = OfficeWindow(config, paths, app=app, **kwargs)
    if start:
        window.start()
    return window


def _open_office(app, config: Config, paths: Paths, *,
                 prepare: Callable[[Any], object] | None = None) -> Opened:
    return Opened(build_office_window(config, paths, prepare=prepare))


#: The office window, at its size.
OFFICE = Station("office window", open=_open_office, size=WINDOW_SIZE)


def run_office(config: Config, paths: Paths,
               prepare: Callable[[Any], object] | None = None) -> int:
    """Open the office window and run until it is closed; `prepare(db)` runs on the window's
    lane before the first figures."""
    return run_station(OFFICE, config, paths, prepare=prepare)


__all__ = ["OFFICE", "OfficeWindow", "build_office_window", "preset_range", "run_office"]
