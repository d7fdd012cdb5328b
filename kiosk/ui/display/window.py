"""The display board window: office and clock, "ĐANG PHỤC VỤ" tiles, "VỪA GỌI", "ĐANG CHỜ".

A pure view of a BoardModel. Its slots `apply_event` / `apply_snapshot` / `set_connected` run
on the UI thread (the feed delivers them there as queued signals) and re-render at once, so a
call shows in the same event-loop turn it arrives in. A fresh call is also handed to the
VoiceAnnouncer, when there is one.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.announce import announcement
from kiosk.assets import FONT_FAMILY
from kiosk.calendar.working_days import weekday_vi
from kiosk.config import DisplayConfig
from kiosk.ui.display import style
from kiosk.ui.display.model import BoardChange, BoardModel, RecentCall, ServiceInfo, ServingRow
from kiosk.ui.widgets import set_prop

log = logging.getLogger(__name__)

BLINK_MS = 500
# A call heard more than this long after it happened would send people to the wrong place:
# such events (a hub replaying history after a reconnection) are shown but not announced.
ANNOUNCE_MAX_AGE = timedelta(seconds=60)


class FitLabel(QLabel):
    """A one-line label whose font is the largest that fits its box, up to `max_px`.

    The board's numbers must never be clipped, whatever the screen, the number of counters or
    the length of a number (K1000). The size is set with setFont (the style sheet gives only
    colours and weight for these labels)."""

    def __init__(self, text: str = "", *, max_px: int = 100, min_px: int = 12,
                 reference: str = "", weight: QFont.Weight = QFont.Weight.ExtraBold,
                 parent: QWidget | None = None):
        super().__init__(text, parent)
        self.max_px = max_px
        self.min_px = min_px
        # Fitting to at least `reference` ("A000") gives every tile the same size whatever
        # its digits; only a longer text (K1004) makes its own tile's number smaller.
        self.reference = reference
        self._weight = weight
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(1, 1)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        if text != self.text():
            super().setText(text)
            self._fit()

    def set_max_px(self, value: int) -> None:
        if value != self.max_px:
            self.max_px = value
            self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def _font(self, px: int) -> QFont:
        font = QFont(FONT_FAMILY)
        font.setWeight(self._weight)
        font.setPixelSize(px)
        font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        return font

    def _fits(self, px: int, width: int, height: int) -> bool:
        metrics = QFontMetrics(self._font(px))
        advance = max(metrics.horizontalAdvance(self.text()),
                      metrics.horizontalAdvance(self.reference))
        # Numbers are capitals and digits: no accents above, no descenders. Centred in the
        # label their ink sits in the middle of the line box, so the ink height is what must
        # fit, not the (much taller) line height.
        ink = metrics.tightBoundingRect(self.text() or self.reference).height()
        return advance <= width and ink <= height - 2

    def _fit(self) -> None:
        rect = self.contentsRect()
        width, height = rect.width(), rect.height()
        if width <= 1 or height <= 1:
            return
        lo, hi = self.min_px, max(self.min_px, self.max_px)
        if self._fits(hi, width, height):
            best = hi
        else:
            best = lo
            while lo <= hi:  # the largest size that fits
                mid = (lo + hi) // 2
                if self._fits(mid, width, height):
                    best, lo = mid, mid + 1
                else:
                    hi = mid - 1
        if self.font().pixelSize() != best:
            self.setFont(self._font(best))

    def fitted_px(self) -> int:
        return self.font().pixelSize()


class ServingTile(QFrame):
    """One counter now serving: the ticket number, and the counter in a box beside it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ServingTile")
        self.setProperty("hot", "")
        self.number = FitLabel(max_px=style.NUMBER_PX, reference="A000")
        self.number.setObjectName("TileNumber")
        self.counter_box = QFrame()
        self.counter_box.setObjectName("CounterBox")
        self.caption = QLabel(self.tr("QUẦY"))
        self.caption.setObjectName("CounterCaption")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.counter = FitLabel(max_px=style.COUNTER_PX, reference="88")
        self.counter.setObjectName("CounterNumber")
        box = QVBoxLayout(self.counter_box)
        box.setSpacing(0)
        box.addWidget(self.caption)
        box.addWidget(self.counter, 1)
        row = QHBoxLayout(self)
        row.addWidget(self.number, 1)
        row.addWidget(self.counter_box)
        self.row: ServingRow | None = None

    def show_row(self, row: ServingRow) -> None:
        self.row = row
        self.number.setText(row.number)
        self.counter.setText(str(row.counter))
        self.setAccessibleName(self.tr("Số {number}, quầy {counter}").format(
                number=row.number,
                counter=row.counter))

    def set_hot(self, state: str) -> None:
        """"on": yellow tile; "off": yellow frame (the other blink phase); "": normal."""
        set_prop(self, "hot", state, children=True)

    def apply_scale(self, scale: float) -> None:
        s = scale
        layout = self.layout()
        layout.setContentsMargins(round(18 * s), round(10 * s), round(12 * s), round(10 * s))
        layout.setSpacing(round(12 * s))
        self.counter_box.setFixedWidth(round(200 * s))
        self.counter_box.layout().setContentsMargins(round(8 * s), round(6 * s), round(8 * s),
                                                     round(2 * s))
        self.number.set_max_px(round(style.NUMBER_PX * s))
        self.counter.set_max_px(round(style.COUNTER_PX * s))


class RecentRow(QFrame):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("RecentRow")
        self.number = QLabel()
        self.number.setObjectName("RecentNumber")
        self.counter = QLabel()
        self.counter.setObjectName("RecentCounter")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row = QHBoxLayout(self)
        row.addWidget(self.number)
        row.addStretch(1)
        row.addWidget(self.counter)
        self.call: RecentCall | None = None

    def show_call(self, call: RecentCall) -> None:
        # A recall just moves its line to the top; the voice says "Nhắc lại".
        self.call = call
        self.number.setText(call.number)
        self.counter.setText(self.tr("Quầy {counter}").format(counter=call.counter))

    def apply_scale(self, scale: float) -> None:
        self.layout().setContentsMargins(round(8 * scale), 0, round(8 * scale), 0)
        self.layout().setSpacing(round(12 * scale))


class WrapFitLabel(QLabel):
    """A label on at most `lines` lines whose font is the largest that fits its box (no word
    split, nothing cut), up to `max_px`: a service's name on the board.

    A name with a dash ("Tư pháp – Hộ tịch") breaks after a dash when that is as large as
    wrapping where the words run out ("Tư pháp – Hộ" / "tịch"); a line never starts with one.
    `fitted_px` is the size the box allows; `show_px` shows it (the board decides)."""

    DASH = " – "
    #: The dash held to the word before it: a line never starts with "–".
    HELD_DASH = "\u00a0– "

    def __init__(self, text: str = "", *, max_px: int = 40, min_px: int = 12, lines: int = 2,
                 on_fitted: Callable[[], None] | None = None, parent: QWidget | None = None):
        super().__init__(text, parent)
        self.full_text = text
        self.max_px, self.min_px, self.lines = max_px, min_px, lines
        self.fitted_px = min_px
        self._on_fitted = on_fitted
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(1, 1)

    def set_max_px(self, value: int) -> None:
        if value != self.max_px:
            self.max_px = value
            self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def _font(self, px: int) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(px)
        return font

    def fits(self, px: int, width: int, height: int, text: str | None = None) -> bool:
        text = self.text() if text is None else text
        metrics = QFontMetrics(self._font(px))
        # Words as Qt wraps them: at spaces and line breaks, never at the held dash's
        # no-break space (which str.split() would split at).
        words = text.replace("\n", " ").split(" ")
        if any(metrics.horizontalAdvance(word) > width for word in words):
            return False
        box = metrics.boundingRect(0, 0, width, 100_000, Qt.TextFlag.TextWordWrap, text)
        return (box.height() <= height
                and round(box.height() / metrics.lineSpacing()) <= self.lines)

    def _largest(self, text: str, width: int, height: int) -> int:
        best, lo, hi = self.min_px, self.min_px, max(self.min_px, self.max_px)
        while lo <= hi:
            mid = (lo + hi) // 2
            if self.fits(mid, width, height, text):
                best, lo = mid, mid + 1
            else:
                hi = mid - 1
        return best

    def _fit(self) -> None:
        rect = self.contentsRect()
        if rect.width() <= 1 or rect.height() <= 1:
            return
        text = self.full_text.replace(self.DASH, self.HELD_DASH)
        best = self._largest(text, rect.width(), rect.height())
        if QFontMetrics(self._font(best)).horizontalAdvance(text) > rect.width():
            parts = text.split(self.HELD_DASH)
            for cut in range(len(parts) - 1, 0, -1):  # the last dash first: a longer line one
                broken = (self.HELD_DASH.join(parts[:cut]) + self.HELD_DASH.rstrip() + "\n"
                          + self.HELD_DASH.join(parts[cut:]))
                if self._largest(broken, rect.width(), rect.height()) >= best:
                    text = broken
                    break
        if text != self.text():
            self.setText(text)
        if best != self.fitted_px:
            self.fitted_px = best
            if self._on_fitted is not None:
                self._on_fitted()

    def show_px(self, px: int) -> None:
        if self.font().pixelSize() != px:
            self.setFont(self._font(px))


class WaitingChip(QFrame):
    """One service: its ticket letter, how many wait, its (short) name."""

    def __init__(self, service: ServiceInfo, parent: QWidget | None = None, *,
                 on_fitted: Callable[[], None] | None = None):
        super().__init__(parent)
        self.setObjectName("WaitingChip")
        self.service = service
        self.letter = QLabel(service.prefix or "·")
        self.letter.setObjectName("WaitingLetter")
        self.letter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.count = QLabel("0")
        self.count.setObjectName("WaitingCount")
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.name = WrapFitLabel(service.name, max_px=style.WAITING_NAME_PX,
                                 on_fitted=on_fitted)
        self.name.setObjectName("WaitingName")
        self.name.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        row = QHBoxLayout(self)
        row.addWidget(self.letter)
        row.addWidget(self.name, 1)
        row.addWidget(self.count)

    def set_count(self, n: int) -> None:
        self.count.setText(str(n))
        # Services nobody waits for step back, so the busy ones catch the eye.
        set_prop(self.count, "zero", "yes" if n == 0 else "no", children=True)
        self.setAccessibleName(self.tr("{name}: {n} người chờ").format(name=self.service.name, n=n))

    def apply_scale(self, scale: float) -> None:
        self.layout().setContentsMargins(round(10 * scale), round(3 * scale),
                                         round(12 * scale), round(3 * scale))
        self.layout().setSpacing(round(10 * scale))
        self.name.set_max_px(round(style.WAITING_NAME_PX * scale))


class DisplayBoard(QWidget):
    """The board. Feed it with apply_snapshot / apply_event; it renders and announces."""

    def __init__(self, office_name: str, services: Sequence[ServiceInfo], *,
                 settings: DisplayConfig | None = None, timezone: str = "Asia/Ho_Chi_Minh",
                 announcer=None, clock: Callable[[], datetime] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("DisplayBoard")
        self.setWindowTitle(office_name)
        self.settings = settings or DisplayConfig()
        self.tz = ZoneInfo(timezone)
        self._clock = clock or (lambda: datetime.now(self.tz))
        shown = [s for s in services
                 if not self.settings.services or s.code in self.settings.services]
        self.model = BoardModel(services=shown, recent_limit=self.settings.recent_calls,
                                highlight_s=self.settings.highlight_s,
                                now=lambda: self._clock())
        self.announcer = announcer
        self._scale = 0.0
        self._blink_phase = False
        self._columns = 0
        self.connected = True
        self.rendered_at: float | None = None  # monotonic time of the last render (tests)
        # The names' common size, settled once a resize has refitted them all.
        self._names_fitted = QTimer(self)
        self._names_fitted.setSingleShot(True)
        self._names_fitted.setInterval(0)
        self._names_fitted.timeout.connect(self._size_names)

        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self._build_header(office_name))
        self.body = QHBoxLayout()
        root.addLayout(self.body, 1)
        self.body.addLayout(self._build_serving(), 1)
        self.body.addWidget(self._build_recent())
        self.bottom = QHBoxLayout()
        root.addLayout(self.bottom)
        self.bottom.addWidget(self._build_waiting(), 1)

        self._clock_timer = QTimer(self)
        self._clock_timer.timeout.connect(self._tick_clock)
        self._clock_timer.start(1000)
        self._blink_timer = QTimer(self)
        self._blink_timer.setInterval(BLINK_MS)
        self._blink_timer.timeout.connect(self._blink)
        # A technician's way out of a frameless full-screen board (a TV has no close button).
        QShortcut(QKeySequence("Ctrl+Q"), self, activated=self.close)
        self._tick_clock()
        self._apply_scale()
        self.render()

    # -- building ----------------------------------------------------------------------------

    def _build_header(self, office_name: str) -> QFrame:
        header = QFrame()
        header.setObjectName("BoardHeader")
        self.header = header
        self.office_label = QLabel(office_name)
        self.office_label.setObjectName("OfficeName")
        self.subtitle = QLabel(self.tr("Mời công dân theo dõi số thứ tự và quầy phục vụ"))
        self.subtitle.setObjectName("BoardSubtitle")
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addStretch(1)
        names.addWidget(self.office_label)
        names.addWidget(self.subtitle)
        names.addStretch(1)
        self.connection_label = QLabel(self.tr("MẤT KẾT NỐI – đang kết nối lại"))
        self.connection_label.setObjectName("Connection")
        self.connection_label.hide()
        self.clock_label = QLabel()
        self.clock_label.setObjectName("Clock")
        self.clock_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.date_label = QLabel()
        self.date_label.setObjectName("ClockDate")
        self.date_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        clock = QVBoxLayout()
        clock.setSpacing(0)
        clock.addStretch(1)
        clock.addWidget(self.clock_label)
        clock.addWidget(self.date_label)
        clock.addStretch(1)
        row = QHBoxLayout(header)
        row.addLayout(names, 1)
        row.addWidget(self.connection_label, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addLayout(clock)
        return header

    def _build_serving(self) -> QVBoxLayout:
        col = QVBoxLayout()
        self.serving_title = QLabel(self.tr("ĐANG PHỤC VỤ"))
        self.serving_title.setProperty("role", "panelTitle")
        col.addWidget(self.serving_title)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.grid_host, 1)
        self.empty_label = QLabel(self.tr("Chưa có số nào được gọi"))
        self.empty_label.setObjectName("EmptyBoard")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.grid.addWidget(self.empty_label, 0, 0)
        self.tiles: list[ServingTile] = []
        return col

    def _build_recent(self) -> QFrame:
        panel = QFrame()
        panel.setObjectName("RecentPanel")
        self.recent_panel = panel
        col = QVBoxLayout(panel)
        self.recent_title = QLabel(self.tr("VỪA GỌI"))
        self.recent_title.setProperty("role", "panelTitle")
        col.addWidget(self.recent_title)
        self.recent_rows = [RecentRow() for _ in range(self.settings.recent_calls)]
        for row in self.recent_rows:
            col.addWidget(row, 1)
            row.hide()
        col.addStretch(0)
        return panel

    def _size_names(self) -> None:
        """Every waiting service's name at one size, the largest every chip allows, once all
        are fitted: no service looks more important than another."""
        chips = list(self.waiting_chips.values())
        if chips:
            px = min(chip.name.fitted_px for chip in chips)
            for chip in chips:
                chip.name.show_px(px)

    def _build_waiting(self) -> QFrame:
        panel = QFrame()
        panel.setObjectName("WaitingPanel")
        self.waiting_panel = panel
        col = QVBoxLayout(panel)
        self.waiting_title = QLabel(self.tr("ĐANG CHỜ"))
        self.waiting_title.setProperty("role", "panelTitle")
        col.addWidget(self.waiting_title)
        chips = QGridLayout()
        col.addLayout(chips, 1)
        self.waiting_chips: dict[str, WaitingChip] = {}
        services = self.model.services
        # Two rows of chips: wide enough for a service name on two lines beside its count.
        per_row = max(1, math.ceil(len(services) / 2)) if len(services) > 4 else len(services)
        for i, service in enumerate(services):
            chip = WaitingChip(service, on_fitted=self._names_fitted.start)
            chips.addWidget(chip, i // max(1, per_row), i % max(1, per_row))
            self.waiting_chips[service.code] = chip
        for c in range(per_row):
            chips.setColumnStretch(c, 1)
        self._chips_layout = chips
        return panel

    # -- feeding -----------------------------------------------------------------------------

    def apply_snapshot(self, snapshot) -> None:
        try:
            self.model.apply_snapshot(snapshot)
        except Exception:
            log.exception("cannot apply a queue snapshot")
            return
        self.render()

    def apply_event(self, event) -> BoardChange | None:
        try:
            change = self.model.apply_event(event)
        except Exception:
            log.exception("cannot apply a queue event")
            return None
        if change.changed:
            self.render()
        if change.call is not None:
            self._announce(change.call)
        return change

    def set_connected(self, connected: bool) -> None:
        self.connected = connected
        self.connection_label.setVisible(not connected)

    def _announce(self, call: RecentCall) -> None:
        if self.announcer is None:
            return
        if call.recall and not self.settings.announce_recalls:
            return
        at = call.at
        if isinstance(at, datetime) and at.tzinfo is not None \
                and self._clock() - at > ANNOUNCE_MAX_AGE:
            log.info("not announcing %s (called at %s): too old", call.number, at.isoformat())
            return
        try:
            spoken = announcement(call.number, call.counter, recall=call.recall,
                                  repeat=self.settings.repeat)
        except (ValueError, TypeError) as exc:
            log.warning("cannot announce %s to counter %s: %s", call.number, call.counter, exc)
            return
        self.announcer.announce(spoken)

    # -- rendering ---------------------------------------------------------------------------

    def render(self) -> None:
        rows = self.model.serving_rows()
        self._layout_tiles(len(rows))
        for tile, row in zip(self.tiles, rows, strict=False):
            tile.show_row(row)
        recent = self.model.recent
        for i, widget in enumerate(self.recent_rows):
            if i < len(recent):
                widget.show_call(recent[i])
                widget.show()
            else:
                widget.hide()
        for code, chip in self.waiting_chips.items():
            chip.set_count(self.model.waiting.get(code, 0))
        self._update_highlight()
        self.rendered_at = time.monotonic()

    def _columns_for(self, n: int) -> int:
        return 1 if n <= 1 else 2 if n <= 8 else 3

    def _layout_tiles(self, n: int) -> None:
        columns = self._columns_for(n)
        if n == len(self.tiles) and columns == self._columns:
            return
        while len(self.tiles) < n:
            tile = ServingTile()
            tile.apply_scale(self._scale or 1.0)
            self.tiles.append(tile)
        for tile in self.tiles[n:]:
            self.grid.removeWidget(tile)
            tile.deleteLater()
        del self.tiles[n:]
        self.empty_label.setVisible(n == 0)
        # Tiles keep a common size (equal stretches) whatever the count, down to 3 rows; more
        # counters share the height.
        rows = max(3, math.ceil(n / columns)) if n else 1
        for i, tile in enumerate(self.tiles):
            self.grid.addWidget(tile, i // columns, i % columns)
        for r in range(self.grid.rowCount()):
            self.grid.setRowStretch(r, 1 if r < rows else 0)
        for c in range(max(self.grid.columnCount(), 3)):
            self.grid.setColumnStretch(c, 1 if c < columns else 0)
        if n == 0:
            self.grid.addWidget(self.empty_label, 0, 0, 1, 1)
        self._columns = columns

    def _update_highlight(self) -> None:
        hot = self.model.highlighted()
        for tile in self.tiles:
            if tile.row is not None and tile.row.counter in hot:
                tile.set_hot("on" if not self._blink_phase else "off")
            else:
                tile.set_hot("")
        if hot and not self._blink_timer.isActive():
            self._blink_phase = False
            self._blink_timer.start()
        elif not hot:
            self._blink_timer.stop()

    def _blink(self) -> None:
        self._blink_phase = not self._blink_phase
        self._update_highlight()

    def _tick_clock(self) -> None:
        now = self._clock()
        self.clock_label.setText(now.strftime("%H:%M"))
        self.date_label.setText(f"{weekday_vi(now.date())}, {now:%d/%m/%Y}")

    # -- sizing ------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._apply_scale()

    def _apply_scale(self) -> None:
        scale = style.BOARD.scale_for(max(1, self.width()), max(1, self.height()))
        if scale == self._scale:
            return
        self._scale = scale
        s = scale
        self.setStyleSheet(style.BOARD.stylesheet(scale))
        self.header.setFixedHeight(round(116 * s))
        self.header.layout().setContentsMargins(round(32 * s), 0, round(32 * s), 0)
        self.header.layout().setSpacing(round(24 * s))
        margin = round(24 * s)
        self.body.setContentsMargins(margin, round(12 * s), margin, round(12 * s))
        self.body.setSpacing(round(20 * s))
        self.bottom.setContentsMargins(margin, 0, margin, margin)
        self.grid.setSpacing(round(16 * s))
        self.recent_panel.setFixedWidth(round(400 * s))
        self.recent_panel.layout().setContentsMargins(round(18 * s), round(10 * s),
                                                      round(18 * s), round(10 * s))
        self.recent_panel.layout().setSpacing(round(2 * s))
        self.waiting_panel.setFixedHeight(round(style.WAITING_PANEL_HEIGHT * s))
        self.waiting_panel.layout().setContentsMargins(round(20 * s), round(8 * s),
                                                       round(20 * s), round(16 * s))
        self.waiting_panel.layout().setSpacing(round(6 * s))
        self._chips_layout.setSpacing(round(10 * s))
        for tile in self.tiles:
            tile.apply_scale(s)
        for row in self.recent_rows:
            row.apply_scale(s)
        for chip in self.waiting_chips.values():
            chip.apply_scale(s)

    # -- shutting down -----------------------------------------------------------------------

    def closeEvent(self, event) -> None:  # noqa: N802
        self._clock_timer.stop()
        self._blink_timer.stop()
        if self.announcer is not None:
            self.announcer.close()
        super().closeEvent(event)
