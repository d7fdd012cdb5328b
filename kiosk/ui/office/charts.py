"""The office window's three charts (QtCharts): waiting time per service, tickets per hour of
day, citizens' ratings. Each view redraws itself from an OfficeStats with `show_stats()`.

QtCharts comes with PySide6-Addons; only the office window imports this module, so the kiosk
and counter stations start without it.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QPieSeries,
    QPieSlice,
    QValueAxis,
)
from PySide6.QtCore import QLocale, QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QCursor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsSimpleTextItem, QToolTip

from kiosk.assets import FONT_FAMILY
from kiosk.stats import OfficeStats
from kiosk.stats.compute import LEVEL_LABELS_VI, LEVELS
from kiosk.stats.report import hour_range, minutes_vi, share_vi, short_label
from kiosk.ui.i18n import translate
from kiosk.ui.theme import AMBER, GREEN, NAVY, RED, TEXT, scaled

CHART_MIN_FONT_PX = 9
LEVEL_COLOURS = {"very_satisfied": GREEN, "satisfied": "#67a878", "unsatisfied": RED}
P90_COLOUR = "#7fa3cf"
#: A service's name on the waiting chart's axis: before any comma or bracket, up to this many
#: characters (the longest catalog name, "Lao động – Thương binh và Xã hội", fits whole).
AXIS_LABEL_CHARS = 34
_VI = QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)


def label_line_height(font: QFont) -> int:
    """The height Qt Charts gives an axis label in this font (its text item pads the line by
    2 px above and below), less the one pixel its overlap test forgives: labels closer than
    this hide each other."""
    return QFontMetrics(font).height() + 3


def legend_width(font: QFont, labels: list[str]) -> int:
    """The width Qt Charts' legend takes for these labels in a row: each marker's square (the
    line's height), the gaps around it (about 20 px) and its label."""
    metrics = QFontMetrics(font)
    return sum(metrics.horizontalAdvance(text) + metrics.height() + 20 for text in labels)


def chart_font(px: int, bold: bool = False) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPixelSize(px)
    font.setBold(bold)
    return font


class _ChartView(QChartView):
    """A chart on a white card: title in the app's type, no animation (a dashboard that
    refreshes every minute should not bounce), numbers the Vietnamese way (12,5)."""

    def __init__(self, title: str, scale: float = 1.0) -> None:
        chart = QChart()
        super().__init__(chart)
        self.base_title = title
        self.stats: OfficeStats | None = None
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        chart.setTitle(title)
        chart.setTitleBrush(QColor(NAVY))
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setBackgroundRoundness(8)
        chart.setMargins(QMargins(4, 4, 4, 4))
        # The card is the view's own frame: the chart's white fills it edge to edge (Qt's
        # default inset took some 20 px of height the 1366x768 screen cannot spare).
        chart.layout().setContentsMargins(0, 0, 0, 0)
        chart.setLocalizeNumbers(True)
        chart.setLocale(_VI)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.scale_factor = 0.0
        self.set_scale(scale)

    def set_scale(self, scale: float) -> None:
        """Type sizes for the window's scale; redraws the figures shown, if any."""
        if scale == self.scale_factor:
            return
        self.scale_factor = scale
        self.chart().setTitleFont(chart_font(self.font_px(15), bold=True))
        self.chart().legend().setFont(chart_font(self.font_px(12)))
        if self.stats is not None:
            self.show_stats(self.stats)

    def show_stats(self, stats: OfficeStats) -> None:
        self.stats = stats
        self.clear()
        self.chart().setTitle(self.base_title)
        self.draw(stats)

    def draw(self, stats: OfficeStats) -> None:
        raise NotImplementedError

    def show_loading(self) -> None:
        """Before the first figures: the title says they are coming."""
        self.clear()
        self.chart().setTitle(translate("_ChartView", "{base_title}: đang tải…").format(
                base_title=self.base_title))
        self.chart().legend().hide()

    def font_px(self, value: float) -> int:
        """A chart's type size at the window's scale, never below 9 px."""
        return scaled(value, self.scale_factor, CHART_MIN_FONT_PX)

    def clear(self) -> None:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)

    def _axis_fonts(self, *axes) -> None:
        for axis in axes:
            axis.setLabelsFont(chart_font(self.font_px(12)))
            axis.setLabelsColor(QColor(TEXT))
            axis.setGridLineColor(QColor("#e3e8ef"))


class WaitingChart(_ChartView):
    """Mean and p90 waiting minutes per service, as horizontal bars."""

    def __init__(self, scale: float = 1.0, short_names: Mapping[str, str] | None = None
                 ) -> None:
        #: A service's name on the axis by its code: the catalog's board_name_vi, the short
        #: name the waiting-room board shows (the tool tip and the tables carry the full one).
        self.short_names = dict(short_names or {})
        #: One "mean / p90" text per service, beside its longer bar: two labels per service
        #: (one per bar) ran into each other where the bars are thin (1366x768, a month).
        self.value_labels: list[QGraphicsRectItem] = []
        self.groups: list = []
        self._series: QHorizontalBarSeries | None = None
        super().__init__(self.tr("Thời gian chờ theo dịch vụ (phút)"), scale)
        self.chart().plotAreaChanged.connect(lambda _area: self.place_labels())

    def clear(self) -> None:
        super().clear()
        for item in self.value_labels:
            scene = item.scene()
            if scene is not None:
                scene.removeItem(item)  # no parent left: Python's reference was the last
        self.value_labels = []
        self.groups = []
        self._series = None

    def axis_name(self, group) -> str:
        """The board's short name of a service, else its catalog name cut short."""
        return self.short_names.get(group.key) or short_label(group.label, AXIS_LABEL_CHARS)

    def place_labels(self) -> None:
        """Each service's figures just past the end of its longer bar, centred on the pair."""
        if self._series is None:
            return
        self.fit_names()
        for i, (g, item) in enumerate(zip(self.groups, self.value_labels, strict=True)):
            end = max(g.waiting.mean or 0.0, g.waiting.p90 or 0.0)
            point = self.chart().mapToPosition(QPointF(end, i), self._series)
            item.setPos(point.x() + 2, point.y() - item.rect().height() / 2)

    def fit_names(self) -> None:
        """The services' names at a size whose line fits one service's row: Qt Charts hides a
        category label that would touch the one before it (8 services on a 1366x768 screen
        showed 3 names). Never below CHART_MIN_FONT_PX; the window keeps the chart tall
        enough for that."""
        axis = self.category_axis()
        if axis is None or not self.groups:
            return
        row = self.chart().plotArea().height() / len(self.groups)
        px = self.font_px(12)
        while px > CHART_MIN_FONT_PX and label_line_height(chart_font(px)) > row:
            px -= 1
        if axis.labelsFont().pixelSize() != px:
            axis.setLabelsFont(chart_font(px))

    def category_axis(self) -> QBarCategoryAxis | None:
        return next((a for a in self.chart().axes() if isinstance(a, QBarCategoryAxis)), None)

    def _hovered(self, status: bool, index: int, _bar_set: QBarSet) -> None:
        """The full name and both figures under the pointer (the axis shows a short name)."""
        if not status or not 0 <= index < len(self.groups):
            QToolTip.hideText()
            return
        g = self.groups[index]
        QToolTip.showText(QCursor.pos(), self.tr("{label}\nTrung bình: {value}\n90% chờ không "
                                                 "quá {value2}").format(
                label=g.label,
                value=minutes_vi(g.waiting.mean, unit=True),
                value2=minutes_vi(g.waiting.p90, unit=True)), self)

    def draw(self, stats: OfficeStats) -> None:
        chart = self.chart()
        groups = [g for g in stats.by_service if g.waiting.count]
        if not groups:
            chart.setTitle(self.tr("{base_title}: chưa có lượt gọi").format(
                    base_title=self.base_title))
            chart.legend().hide()
            return
        chart.setTitle(self.base_title)
        # Qt draws the first category at the bottom: reversed, the list reads top-down in
        # catalog order like the tables.
        groups.reverse()
        mean = QBarSet(self.tr("Trung bình"))
        mean.setColor(QColor(NAVY))
        p90 = QBarSet(self.tr("90% chờ không quá"))
        p90.setColor(QColor(P90_COLOUR))
        for g in groups:
            mean.append(round(g.waiting.mean or 0.0, 1))
            p90.append(round(g.waiting.p90 or 0.0, 1))
        series = QHorizontalBarSeries()
        series.append(mean)
        series.append(p90)
        series.setBarWidth(0.8)
        series.hovered.connect(self._hovered)
        chart.addSeries(series)
        self.groups, self._series = groups, series
        for g in groups:
            # On a white patch above the grid lines, which would otherwise cross the digits.
            item = QGraphicsRectItem(chart)
            item.setBrush(QColor("white"))
            item.setPen(Qt.PenStyle.NoPen)
            item.setZValue(10)
            text = QGraphicsSimpleTextItem(
                f"{minutes_vi(g.waiting.mean)} / {minutes_vi(g.waiting.p90)}", item)
            text.setFont(chart_font(self.font_px(11)))
            text.setBrush(QColor(TEXT))
            text.setPos(2, 0)
            box = text.boundingRect()
            item.setRect(0, 0, box.width() + 4, box.height())
            item.setToolTip(g.label)
            self.value_labels.append(item)
        categories = QBarCategoryAxis()
        categories.append([self.axis_name(g) for g in groups])
        # Qt shortens category labels to "..." long before they run out of room.
        categories.setTruncateLabels(False)
        values = QValueAxis()
        top = max(max(g.waiting.p90 or 0.0, g.waiting.mean or 0.0) for g in groups)
        # Room on the right for the "mean / p90" text past the longest bar.
        values.setRange(0, _nice_top(top * 1.3))
        values.setLabelFormat("%.0f")
        values.setTickCount(5)
        self._axis_fonts(categories, values)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        series.attachAxis(values)
        chart.legend().show()
        self.place_labels()


class HourChart(_ChartView):
    """Tickets issued and served per hour of the day (summed over the range)."""

    def __init__(self, scale: float = 1.0) -> None:
        self.hours: list[int] = []
        super().__init__(self.tr("Số phiếu theo giờ trong ngày"), scale)
        self.chart().plotAreaChanged.connect(lambda _area: self.fit_hours())

    def hour_labels(self, unit: bool) -> list[str]:
        return [f"{h}h" if unit else str(h) for h in self.hours]

    def fit_hours(self) -> None:
        """Every hour's label whole under its bars: Qt Charts cuts a category label wider than
        its category to "1…" (ten hours on a 1366x768 laptop at 125 %). The type shrinks to
        CHART_MIN_FONT_PX, then the labels drop their "h"."""
        axis = next((a for a in self.chart().axes() if isinstance(a, QBarCategoryAxis)), None)
        if axis is None or not self.hours:
            return
        room = self.chart().plotArea().width() / len(self.hours) - 4
        px = self.font_px(12)
        unit = True
        while QFontMetrics(chart_font(px)).horizontalAdvance(
                max(self.hour_labels(unit), key=len)) > room:
            if px > CHART_MIN_FONT_PX:
                px -= 1
            elif unit:
                unit, px = False, self.font_px(12)
            else:
                break
        if axis.labelsFont().pixelSize() != px:
            axis.setLabelsFont(chart_font(px))
        labels = self.hour_labels(unit)
        if axis.categories() != labels:
            for old, new in zip(axis.categories(), labels, strict=True):
                axis.replace(old, new)

    def draw(self, stats: OfficeStats) -> None:
        chart = self.chart()
        hours = self.hours = hour_range(stats)
        issued = QBarSet(self.tr("Phiếu cấp"))
        issued.setColor(QColor(NAVY))
        served = QBarSet(self.tr("Đã phục vụ"))
        served.setColor(QColor(AMBER))
        for h in hours:
            issued.append(stats.issued_by_hour[h])
            served.append(stats.served_by_hour[h])
        series = QBarSeries()
        series.append(issued)
        series.append(served)
        series.setBarWidth(0.85)
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([f"{h}h" for h in hours])
        categories.setTruncateLabels(False)  # fit_hours makes them fit
        values = QValueAxis()
        top = max([*stats.issued_by_hour, *stats.served_by_hour, 1])
        values.setRange(0, _nice_top(top))
        values.setLabelFormat("%.0f")
        values.setTickCount(5)
        self._axis_fonts(categories, values)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(values)
        chart.legend().show()
        self.fit_hours()


def _nice_top(value: float) -> int:
    """An axis top that divides into 4 round steps (4, 8, 20, 40, 80, 100, 200 …)."""
    for step in (1, 2, 5, 10, 15, 20, 25, 50, 75, 100, 150, 200, 250, 500, 1000, 2000, 5000):
        if value <= step * 4:
            return step * 4
    return int(value) + 1


class RatingChart(_ChartView):
    """The three rating levels as a ring, the satisfaction share in the title."""

    def __init__(self, scale: float = 1.0) -> None:
        #: The title with the share, long and short: the short one where the long would be
        #: cut ("Đánh giá của người dân: 88,8% h…" on a 1366x768 laptop at 125 %).
        self.titles: tuple[str, str] | None = None
        super().__init__(self.tr("Đánh giá của người dân"), scale)

    def clear(self) -> None:
        super().clear()
        self.titles = None

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit_words()

    def fit_words(self) -> None:
        """The title and the legend whole at the chart's width: the short title, and the
        legend beside the ring instead of under it, where they would be cut."""
        chart = self.chart()
        room = self.width() - 16
        if self.titles is not None:
            fits = QFontMetrics(chart.titleFont()).horizontalAdvance(self.titles[0]) <= room
            title = self.titles[0] if fits else self.titles[1]
            if chart.title() != title:
                chart.setTitle(title)
        legend = chart.legend()
        labels = [m.label() for m in legend.markers()]
        px = self.font_px(12)
        while px > CHART_MIN_FONT_PX and legend_width(chart_font(px), labels) > room:
            px -= 1
        if legend.font().pixelSize() != px:
            legend.setFont(chart_font(px))

    def draw(self, stats: OfficeStats) -> None:
        chart = self.chart()
        r = stats.total.ratings
        if not r.total:
            self.titles = (self.tr("{base_title}: chưa có đánh giá").format(
                    base_title=self.base_title), self.tr("Chưa có đánh giá"))
            chart.setTitle(self.titles[0])
            chart.legend().hide()
            self.fit_words()
            return
        share = share_vi(r.satisfaction_share)
        self.titles = (self.tr("{base_title}: {value} hài lòng").format(
                base_title=self.base_title, value=share),
            self.tr("Hài lòng: {value}").format(value=share))
        chart.setTitle(self.titles[0])
        series = QPieSeries()
        series.setHoleSize(0.36)
        series.setPieSize(0.86)
        for level in LEVELS:
            count = r.count(level)
            part = series.append(LEVEL_LABELS_VI[level], count)
            part.setColor(QColor(LEVEL_COLOURS[level]))
            part.setBorderColor(QColor("white"))
            # Each level's share on its own slice; a sliver too thin for text stays bare
            # (the tables hold every count).
            share = count / r.total
            part.setLabel(share_vi(share).replace(",0%", "%"))
            part.setLabelVisible(share >= 0.06)
            part.setLabelPosition(QPieSlice.LabelPosition.LabelInsideHorizontal)
            part.setLabelColor(QColor("white"))
            part.setLabelFont(chart_font(self.font_px(12), bold=True))
        chart.addSeries(series)
        # The legend names the levels (counts would not fit at 1366x768; the tables have
        # them); the slices carry the shares.
        for marker, level in zip(chart.legend().markers(series), LEVELS, strict=False):
            marker.setLabel(LEVEL_LABELS_VI[level])
        chart.legend().show()
        chart.legend().setLabelColor(QColor(TEXT))
        self.fit_words()


__all__ = ["HourChart", "RatingChart", "WaitingChart", "chart_font"]
