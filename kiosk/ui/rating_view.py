"""The citizen's satisfaction rating after service: a touch view for a tablet, a second screen or
a corner of the counter window.

`RatingView` is the widget. The counter window embeds it and calls `ask(ticket, dossier_code,
counter, clerk)` after "finish"; `kiosk rating --counter N` shows it full-window
(`RatingWindow`) and asks by itself whenever the queue reports that counter's citizen finished.

Flow: three big buttons with faces (Rất hài lòng / Hài lòng / Không hài lòng). A happy rating is
stored at once and thanked. "Không hài lòng" asks why (touch chips, several allowed) and is
stored on "Gửi đánh giá". Every tap restarts the `timeout_s` countdown.

Decisions:
- Timeout before any level was chosen stores nothing: a citizen who walked away did not rate,
  and a made-up "no rating" row would only have to be filtered out of every statistic. (The
  number of finished tickets without a rating is already in the queue events.)
- Timeout on the reasons page stores the unhappy rating with the reasons ticked so far: the
  citizen did rate, and a complaint must not be lost because they did not press "Gửi".
- A new `ask()` while the previous citizen is still on the reasons page stores that pending
  unhappy rating first, for the same reason, then asks the next citizen.
- Ratings are written on the feedback lane (kiosk/ui/feedback_worker.py); the thank-you shows
  at once, without waiting for SQLite. `rated(Rating)` is emitted once the row is stored,
  `rating_failed(message_vi, message_en)` if it could not be.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QBoxLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import Config
from kiosk.feedback.ratings import RatingLevel, RatingReason
from kiosk.paths import Paths
from kiosk.ui import style, theme
from kiosk.ui.feedback_worker import FeedbackLane
from kiosk.ui.operations import Lane
from kiosk.ui.runner import Opened, Station, run_station
from kiosk.ui.tapguard import TapGuard
from kiosk.ui.widgets import label, set_prop, touch_button

log = logging.getLogger(__name__)

THANKS_MS = 4_000
FOLLOW_RETRY_MS = 2_000
FOLLOW_RETRY_MAX_MS = 60_000



#: Narrower than this, and portrait, the view is a compact panel (see _apply_scale): its
#: scale follows its height (the height it needs at scale 1) down to COMPACT_SMALLEST.
COMPACT_WIDTH = 460
COMPACT_HEIGHT = 1000
COMPACT_SMALLEST = 0.4


class FaceIcon(QWidget):
    """A drawn face (no emoji font needed): a big smile, a smile, or a frown."""

    def __init__(self, level: RatingLevel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level = level
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(64, 64)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(140, 140)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        side = min(self.width(), self.height()) - 4
        if side <= 0:
            return
        colour = QColor(style.LEVEL_COLOURS[self.level][0])
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        x = (self.width() - side) / 2
        y = (self.height() - side) / 2
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawEllipse(QRectF(x, y, side, side))
        p.setBrush(QColor("white"))
        eye = side * 0.11
        for ex in (0.33, 0.67):
            p.drawEllipse(QPointF(x + side * ex, y + side * 0.38), eye / 2, eye * 0.65)
        pen = QPen(QColor("white"), max(2.0, side * 0.075))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        left, right = x + side * 0.28, x + side * 0.72
        mouth = QPainterPath()
        if self.level is RatingLevel.VERY_SATISFIED:
            mouth.moveTo(left, y + side * 0.6)
            mouth.cubicTo(left + side * 0.06, y + side * 0.86, right - side * 0.06,
                          y + side * 0.86, right, y + side * 0.6)
            mouth.closeSubpath()
            p.setBrush(QColor("white"))
        elif self.level is RatingLevel.SATISFIED:
            mouth.moveTo(left + side * 0.02, y + side * 0.64)
            mouth.quadTo((left + right) / 2, y + side * 0.8, right - side * 0.02,
                         y + side * 0.64)
        else:
            mouth.moveTo(left + side * 0.02, y + side * 0.76)
            mouth.quadTo((left + right) / 2, y + side * 0.58, right - side * 0.02,
                         y + side * 0.76)
        p.drawPath(mouth)
        p.end()


class LevelButton(QPushButton):
    """One of the three levels: a face over its label, coloured by level."""

    def __init__(self, level: RatingLevel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level = level
        self.setProperty("role", "level")
        self.setProperty("level", level.value)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAutoDefault(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.face = FaceIcon(level)
        self.title = QLabel()
        self.title.setObjectName("LevelTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.title.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.box = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self.box.setContentsMargins(16, 20, 16, 18)
        self.box.setSpacing(10)
        self.box.addWidget(self.face, 1)
        self.box.addWidget(self.title, 0)

    def set_compact(self, compact: bool, face: int = 0) -> None:
        """Compact (a narrow panel beside the counter's form): the face, `face` px, beside the
        label instead of above it, so three buttons fit one above the other."""
        self.box.setDirection(QBoxLayout.Direction.LeftToRight if compact
                              else QBoxLayout.Direction.TopToBottom)
        if compact:
            self.box.setContentsMargins(10, 6, 10, 6)
            self.face.setFixedSize(face, face)
            self.box.setStretch(0, 0)
            self.box.setStretch(1, 1)
        else:
            self.box.setContentsMargins(16, 20, 16, 18)
            self.face.setMinimumSize(64, 64)
            self.face.setMaximumSize(16777215, 16777215)
            self.box.setStretch(0, 1)
            self.box.setStretch(1, 0)

    def set_text(self, text: str) -> None:
        self.title.setText(text)
        self.setAccessibleName(text)


class ChipButton(QPushButton):
    """A checkable touch chip whose text wraps (a QPushButton's own text cannot), so a long
    reason never widens the window or gets cut on a narrow screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "chip")
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAutoDefault(False)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        self.setSizePolicy(policy)
        self.label = label("ChipText")
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        box = QVBoxLayout(self)
        box.setContentsMargins(38, 6, 38, 6)  # room for the tick, text still centred
        box.addWidget(self.label)
        self.toggled.connect(self._restyle)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self.label.setText(text)
        self.setAccessibleName(text)

    def text(self) -> str:
        return self.label.text()

    def _restyle(self, checked: bool) -> None:
        # Style sheets cannot select a child by its parent's :checked state.
        set_prop(self.label, "checked", checked)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if not self.isChecked():
            return
        # A drawn tick, so "chosen" does not rest on colour alone (the font has no ✓).
        side = min(self.height() * 0.36, 28.0)
        x, y = 6.0, (self.height() - side) / 2
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("white"))
        p.drawEllipse(QRectF(x, y, side, side))
        pen = QPen(QColor(theme.RED), max(2.0, side * 0.13))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        tick = QPainterPath()
        tick.moveTo(x + side * 0.27, y + side * 0.52)
        tick.lineTo(x + side * 0.44, y + side * 0.69)
        tick.lineTo(x + side * 0.74, y + side * 0.34)
        p.drawPath(tick)
        p.end()


class RatingView(QWidget):
    """The rating widget. See the module docstring for the flow and the decisions.

    `config`/`paths` locate the station database the ratings go to. `timeout_s` (default: the
    [rating] section's, else 30 s) bounds each question. `hide_when_idle`: hide the widget
    between citizens (embedded use); False keeps an idle screen (a dedicated rating screen).
    `clock` gives the office's local time; `feedback` replaces the storage lane (tests).
    """

    rated = Signal(object)  # Rating, once stored
    rating_failed = Signal(str, str)  # message_vi, message_en
    finished = Signal()  # back to idle: rated, timed out or cancelled

    IDLE, LEVELS, REASONS, THANKS = "idle", "levels", "reasons", "thanks"

    def __init__(self, config: Config, paths: Paths, *, timeout_s: int | None = None,
                 hide_when_idle: bool = True, clock: Callable[[], datetime] | None = None,
                 feedback: FeedbackLane | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RatingView")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.config = config
        self.timeout_s = timeout_s if timeout_s is not None else config.rating.timeout_s
        self.hide_when_idle = hide_when_idle
        tz = ZoneInfo(config.office.timezone)
        self.clock = clock or (lambda: datetime.now(tz))
        self.language = "vi"
        self._context: dict[str, Any] | None = None
        self._level: RatingLevel | None = None
        self._scale = 0.0
        self._layout: tuple[int, bool] | None = None
        self._remaining = 0

        self.feedback = feedback or FeedbackLane(config, paths)

        # -- idle --
        self.idle_page = QWidget()
        self.idle_page.setProperty("role", "page")
        self.idle_title = label("RatingIdleTitle")
        self.idle_hint = label("RatingIdleHint")
        idle_box = QVBoxLayout(self.idle_page)
        idle_box.setContentsMargins(40, 40, 40, 40)
        idle_box.addStretch(1)
        idle_box.addWidget(self.idle_title)
        idle_box.addWidget(self.idle_hint)
        idle_box.addStretch(1)

        # -- levels --
        self.levels_page = QWidget()
        self.levels_page.setProperty("role", "page")
        self.title = label("RatingTitle")
        self.context_line = label("RatingContext")
        self.level_buttons: dict[RatingLevel, LevelButton] = {}
        self.level_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.level_row.setSpacing(20)
        for level in RatingLevel:
            button = LevelButton(level)
            button.clicked.connect(lambda _=False, lv=level: self.choose(lv))
            self.level_buttons[level] = button
            self.level_row.addWidget(button, 1)
        self.countdown = label("RatingCountdown")
        levels_box = QVBoxLayout(self.levels_page)
        levels_box.setContentsMargins(28, 20, 28, 16)
        levels_box.setSpacing(14)
        levels_box.addWidget(self.title)
        levels_box.addWidget(self.context_line)
        levels_box.addLayout(self.level_row, 1)
        levels_box.addWidget(self.countdown)

        # -- reasons --
        self.reasons_page = QWidget()
        self.reasons_page.setProperty("role", "page")
        self.reasons_title = label("RatingTitle")
        self.reasons_hint = label("RatingHint")
        self.reason_chips: dict[RatingReason, ChipButton] = {}
        self.chip_grid = QGridLayout()
        self.chip_grid.setSpacing(14)
        for reason in RatingReason:
            chip = ChipButton()
            chip.toggled.connect(self._touched)
            self.reason_chips[reason] = chip
        self.back_button = touch_button(role="secondary")
        self.back_button.clicked.connect(self._back_to_levels)
        self.send_button = touch_button(role="primary")
        self.send_button.clicked.connect(self.send)
        actions = QHBoxLayout()
        actions.setSpacing(16)
        actions.addWidget(self.back_button)
        actions.addStretch(1)
        actions.addWidget(self.send_button)
        self.reasons_countdown = label("RatingCountdown")
        reasons_box = QVBoxLayout(self.reasons_page)
        reasons_box.setContentsMargins(28, 20, 28, 16)
        reasons_box.setSpacing(14)
        reasons_box.addWidget(self.reasons_title)
        reasons_box.addWidget(self.reasons_hint)
        reasons_box.addLayout(self.chip_grid, 1)
        reasons_box.addLayout(actions)
        reasons_box.addWidget(self.reasons_countdown)

        # -- thanks --
        self.thanks_page = QWidget()
        self.thanks_page.setProperty("role", "page")
        self.thanks_face = FaceIcon(RatingLevel.SATISFIED)  # a friendly smile after any rating
        self.thanks_face.setFixedSize(150, 150)
        self.thanks_title = label("ThanksTitle")
        self.thanks_body = label("ThanksBody")
        thanks_box = QVBoxLayout(self.thanks_page)
        thanks_box.setContentsMargins(40, 40, 40, 40)
        thanks_box.setSpacing(20)
        thanks_box.addStretch(1)
        thanks_box.addWidget(self.thanks_face, 0, Qt.AlignmentFlag.AlignHCenter)
        thanks_box.addWidget(self.thanks_title)
        thanks_box.addWidget(self.thanks_body)
        thanks_box.addStretch(1)

        self.stack = QStackedWidget()
        for page in (self.idle_page, self.levels_page, self.reasons_page, self.thanks_page):
            self.stack.addWidget(page)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.stack)
        # A double tap on "Không hài lòng" must not tick the reason that appears under it.
        self.tap_guard = TapGuard(self)
        self.tap_guard.watch(self.stack)

        self.timeout_timer = QTimer(self)
        self.timeout_timer.setSingleShot(True)
        self.timeout_timer.timeout.connect(self._timed_out)
        self.tick_timer = QTimer(self)
        self.tick_timer.setInterval(1_000)
        self.tick_timer.timeout.connect(self._tick)
        self.thanks_timer = QTimer(self)
        self.thanks_timer.setSingleShot(True)
        self.thanks_timer.setInterval(THANKS_MS)
        self.thanks_timer.timeout.connect(self._to_idle)

        self.counter_number: int | None = None
        self._arrange(2, False)
        self._apply_scale(max(self.width(), 1024), max(self.height(), 600))
        self.retranslate()
        self.stack.setCurrentWidget(self.idle_page)
        if hide_when_idle:
            self.hide()

    # -- public API --------------------------------------------------------------------------

    @property
    def state(self) -> str:
        return {self.idle_page: self.IDLE, self.levels_page: self.LEVELS,
                self.reasons_page: self.REASONS,
                self.thanks_page: self.THANKS}[self.stack.currentWidget()]

    def ask(self, ticket: Any, dossier_code: str | None, counter: int, clerk: str) -> None:
        """Show the question for the citizen who was just served.

        `ticket`: anything with `uid` and `number` (kiosk.ticketing.Ticket), or None. The
        question stays for `timeout_s` seconds (restarted by every tap), then the view hides
        (or shows its idle screen) without storing anything.
        """
        if self.state == self.REASONS:
            self._store()  # the previous citizen's unhappy rating (see the module docstring)
        self.thanks_timer.stop()
        self._context = {
            "ticket_uid": getattr(ticket, "uid", None),
            "ticket_number": getattr(ticket, "number", None),
            "dossier_code": dossier_code or None,
            "counter": int(counter),
            "clerk": clerk or "",
        }
        self._level = None
        for chip in self.reason_chips.values():
            chip.blockSignals(True)
            chip.setChecked(False)
            chip.blockSignals(False)
        self._render_context()
        self.stack.setCurrentWidget(self.levels_page)
        self._restart_timeout()
        self.show()
        self.raise_()

    def cancel(self) -> None:
        """Drop the question without storing anything (e.g. the clerk called the next
        citizen by mistake)."""
        self._context = None
        self._level = None
        self._to_idle()

    def choose(self, level: RatingLevel) -> None:
        """What tapping a level does."""
        if self._context is None or self.state != self.LEVELS:
            return
        self._level = level
        if level is RatingLevel.UNSATISFIED:
            self.stack.setCurrentWidget(self.reasons_page)
            self._restart_timeout()
            return
        self._store()
        self._thank()

    def send(self) -> None:
        """'Gửi đánh giá' on the reasons page."""
        if self._context is None or self.state != self.REASONS:
            return
        self._store()
        self._thank()

    def selected_reasons(self) -> list[RatingReason]:
        return [r for r, chip in self.reason_chips.items() if chip.isChecked()]

    def set_idle_text(self, title: str, hint: str = "") -> None:
        """What a dedicated rating screen shows between citizens."""
        self.idle_title.setText(title)
        self.idle_hint.setText(hint)
        self.idle_hint.setVisible(bool(hint))

    def shutdown(self) -> None:
        """Stop the timers and the storage lane (call from the host window's shutdown)."""
        for timer in (self.timeout_timer, self.tick_timer, self.thanks_timer):
            timer.stop()
        self.tap_guard.stop()
        self.feedback.stop()

    # -- internals ---------------------------------------------------------------------------

    def _store(self) -> None:
        context, level = self._context, self._level
        self._context = None
        if context is None or level is None:
            return
        reasons = self.selected_reasons() if level is RatingLevel.UNSATISFIED else []
        self.feedback.save_rating(level=level, reasons=reasons, at=self.clock(), **context,
                                  done=self.rated.emit, failed=self.rating_failed.emit,
                                  owner=self)

    def _thank(self) -> None:
        self.timeout_timer.stop()
        self.tick_timer.stop()
        self.stack.setCurrentWidget(self.thanks_page)
        self.thanks_timer.start()

    def _to_idle(self) -> None:
        for timer in (self.timeout_timer, self.tick_timer, self.thanks_timer):
            timer.stop()
        was_idle = self.state == self.IDLE
        self.stack.setCurrentWidget(self.idle_page)
        if self.hide_when_idle:
            self.hide()
        if not was_idle:
            self.finished.emit()

    def _timed_out(self) -> None:
        if self.state == self.REASONS:
            self._store()
            self._thank()
            return
        self._context = None
        self._to_idle()

    def _back_to_levels(self) -> None:
        self._level = None
        self.stack.setCurrentWidget(self.levels_page)
        self._restart_timeout()

    def _touched(self, *_: Any) -> None:
        if self.state in (self.LEVELS, self.REASONS):
            self._restart_timeout()

    def _restart_timeout(self) -> None:
        self._remaining = self.timeout_s
        self.timeout_timer.start(self.timeout_s * 1000)
        self.tick_timer.start()
        self._render_countdown()

    def _tick(self) -> None:
        self._remaining = max(0, self._remaining - 1)
        self._render_countdown()

    def _render_countdown(self) -> None:
        text = self.tr("Màn hình tự đóng sau {n} giây").format(n=self._remaining)
        self.countdown.setText(text)
        self.reasons_countdown.setText(text)

    def _render_context(self) -> None:
        context = self._context or {}
        parts = []
        if context.get("counter"):
            parts.append(self.tr("Quầy số {n}").format(n=context["counter"]))
        if context.get("clerk"):
            parts.append(self.tr("Cán bộ: {name}").format(name=context["clerk"]))
        if context.get("ticket_number"):
            parts.append(self.tr("Số thứ tự {number}").format(number=context["ticket_number"]))
        self.context_line.setText("  ·  ".join(parts))
        self.context_line.setVisible(bool(parts))

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._touched()
        super().mousePressEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_language(self, language: str) -> None:
        """Level and reason labels follow `language` ('vi' or 'en'); fixed texts follow the
        application's translator."""
        self.language = language
        self.retranslate()

    def retranslate(self) -> None:
        lang = self.language
        self.title.setText(self.tr("Ông/bà có hài lòng với sự phục vụ?"))
        for level, button in self.level_buttons.items():
            button.set_text(level.label(lang))
        self.reasons_title.setText(self.tr("Ông/bà chưa hài lòng về điều gì?"))
        self.reasons_hint.setText(self.tr("Chọn một hoặc nhiều lý do, rồi bấm “Gửi đánh giá”."))
        for reason, chip in self.reason_chips.items():
            chip.setText(reason.label(lang))
        self.back_button.setText(self.tr("Quay lại"))
        self.send_button.setText(self.tr("Gửi đánh giá"))
        self.thanks_title.setText(self.tr("Cảm ơn ông/bà đã đánh giá!"))
        self.thanks_body.setText(self.tr(
            "Ý kiến của ông/bà giúp chúng tôi phục vụ tốt hơn."))
        if not self.idle_title.text():
            self.set_idle_text(self.tr("Mời ông/bà đánh giá sau khi được phục vụ"))
        self._render_context()
        self._render_countdown()

    # -- geometry ----------------------------------------------------------------------------

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        size = event.size()
        self._apply_scale(size.width(), size.height())
        super().resizeEvent(event)

    def _apply_scale(self, width: int, height: int) -> None:
        portrait = height > width * 1.1
        # A short embedded panel (a corner of the counter window, a 800x480 screen) gets the
        # reasons in three columns, so two rows of chips fit its height.
        self._arrange(1 if portrait else (3 if height < 620 else 2), portrait)
        scale = style.RATING.scale_for(width, height)
        # A narrow panel (beside the counter's form) sets its scale by its height, below the
        # usual smallest, and puts each face beside its label: the three buttons, the question
        # and the countdown then fit without overlapping (the buttons keep their touch floor).
        compact = portrait and width < COMPACT_WIDTH
        if compact:
            scale = round(max(COMPACT_SMALLEST, min(scale, height / COMPACT_HEIGHT)), 2)
        self._set_compact(compact, scale)
        if abs(scale - self._scale) > 0.01:
            self._scale = scale
            # Its own style sheet: embedded in the counter window, the counter's style must
            # not shrink the citizen's buttons, and the view must not restyle the counter.
            self.setStyleSheet(style.RATING.stylesheet(scale))
            self.thanks_face.setFixedSize(round(150 * scale), round(150 * scale))

    def _set_compact(self, compact: bool, scale: float) -> None:
        margins = (12, 8, 12, 8) if compact else (28, 20, 28, 16)
        self.levels_page.layout().setContentsMargins(*margins)
        self.levels_page.layout().setSpacing(8 if compact else 14)
        self.level_row.setSpacing(10 if compact else 20)
        for button in self.level_buttons.values():
            button.set_compact(compact, round(96 * scale))

    def _arrange(self, columns: int, portrait: bool) -> None:
        if (columns, portrait) == self._layout:
            return
        self._layout = (columns, portrait)
        self.level_row.setDirection(QBoxLayout.Direction.TopToBottom if portrait
                                    else QBoxLayout.Direction.LeftToRight)
        for chip in self.reason_chips.values():
            self.chip_grid.removeWidget(chip)
        for i, chip in enumerate(self.reason_chips.values()):
            self.chip_grid.addWidget(chip, i // columns, i % columns)


class RatingWindow(QWidget):
    """`kiosk rating`: the rating view full-window on a second screen or a tablet-sized PC,
    with an idle screen naming the counter between citizens."""

    def __init__(self, config: Config, paths: Paths, counter: int, *,
                 timeout_s: int | None = None, clock: Callable[[], datetime] | None = None,
                 feedback: FeedbackLane | None = None) -> None:
        super().__init__()
        self.setObjectName("RatingWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle(self.tr("Đánh giá mức độ hài lòng – Quầy số {n}").format(n=counter))
        self.counter = counter
        self._paths = paths
        self.view = RatingView(config, paths, timeout_s=timeout_s, hide_when_idle=False,
                               clock=clock, feedback=feedback)
        self.view.counter_number = counter
        self.view.set_idle_text(
            self.tr("Quầy số {n}").format(n=counter),
            self.tr("Sau khi được phục vụ, mời ông/bà đánh giá sự hài lòng tại đây."))
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.view)
        self.unsubscribe: Callable[[], None] | None = None
        self.queue_lane: Lane | None = None
        self._retry_ms = FOLLOW_RETRY_MS

    def follow_queue(self, *, hub_url: str | None = None, key: str | None = None,
                     opener: Callable[[], Any] | None = None) -> None:
        """Follow the office queue (this station's database, or the hub at `hub_url`): it is
        opened and subscribed to on the "rating-queue" lane, never on the UI thread; a failed
        open is tried again, waiting longer each time (up to a minute)."""
        if opener is None:
            from kiosk.station import open_queue

            config, paths = self.view.config, self._paths

            def opener() -> Any:
                return open_queue(config, paths, hub_url=hub_url, key=key)

        bridge = QueueEventBridge(self)
        bridge.event.connect(self.on_queue_event)

        def open_and_subscribe() -> tuple[Any, Callable[[], None]]:
            queue = opener()
            try:
                return queue, queue.subscribe(bridge)
            except BaseException:
                queue.close()
                raise

        def close(followed: tuple[Any, Callable[[], None]]) -> None:
            queue, unsubscribe = followed
            try:
                unsubscribe()
            finally:
                queue.close()

        self.queue_lane = Lane("rating-queue", open_and_subscribe, close)
        self._open_queue()

    def _open_queue(self) -> None:
        if self.queue_lane is None:
            return
        self.queue_lane.run(lambda _followed: None, done=self._following,
                            failed=self._not_following, owner=self, label="open the queue",
                            coalesce="open")

    def _following(self, _result: Any) -> None:
        self._retry_ms = FOLLOW_RETRY_MS

    def _not_following(self, exc: BaseException) -> None:
        log.warning("cannot follow the queue (%s); trying again in %d s",
                    getattr(exc, "message_en", None) or exc.__class__.__name__,
                    self._retry_ms // 1000)
        QTimer.singleShot(self._retry_ms, self, self._open_queue)
        self._retry_ms = min(FOLLOW_RETRY_MAX_MS, self._retry_ms * 2)

    def on_queue_event(self, event: Any) -> None:
        """A queue event (kiosk.queue.model.QueueEvent) delivered on the UI thread: ask when
        this counter's citizen has finished."""
        if getattr(event, "kind", None) != "finished" or event.counter != self.counter:
            return
        ticket = event.ticket
        dossiers = tuple(getattr(ticket, "dossiers", ()) or ())
        clerk = event.clerk or getattr(ticket, "clerk", None) or ""
        self.view.ask(ticket, dossiers[-1] if dossiers else None, self.counter, clerk)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        if self.unsubscribe is not None:
            try:
                self.unsubscribe()
            except Exception:
                log.debug("unsubscribing from the queue failed", exc_info=True)
            self.unsubscribe = None
        if self.queue_lane is not None:
            self.queue_lane.stop()  # unsubscribes and closes the queue on its lane
            self.queue_lane = None
        self.view.shutdown()


class QueueEventBridge(QObject):
    """Queue subscribers are called on a background thread; this re-emits their events as a
    Qt signal, which a queued connection delivers on the UI thread."""

    event = Signal(object)

    def __call__(self, event: Any) -> None:
        self.event.emit(event)


def _open_rating(app, config: Config, paths: Paths, *, counter: int,
                 hub_url: str | None = None, key: str | None = None, fullscreen: bool = False,
                 demo: bool = False) -> Opened:
    window = RatingWindow(config, paths, counter)
    if not demo:
        # Opened and subscribed to on the window's "rating-queue" lane, not before the first
        # frame; the window's shutdown unsubscribes and closes it there.
        window.follow_queue(hub_url=hub_url, key=key)
    after_show = (lambda: window.view.ask(None, None, counter, "")) if demo else None
    return Opened(window, after_show=after_show,
                  detail=f"counter {counter}, "
                  f"{'demo' if demo else ('hub' if hub_url else 'local queue')}")


#: The rating screen beside a counter: full screen when asked (`--fullscreen`).
RATING = Station("rating screen", open=_open_rating, size=(1280, 800),
                 full_screen=lambda _config, options: bool(options.get("fullscreen")))


def run_rating(config: Config, paths: Paths, counter: int, *, hub_url: str | None = None,
               key: str | None = None, fullscreen: bool = False, demo: bool = False) -> int:
    """Open the rating window for `counter` and run until closed.

    Follows the office queue (this station's database, or the hub at `hub_url`) and asks
    whenever the counter finishes a citizen. `demo` asks once at start with a made-up ticket,
    to try the screen without a queue.
    """
    return run_station(RATING, config, paths, counter=counter, hub_url=hub_url, key=key,
                       fullscreen=fullscreen, demo=demo)
