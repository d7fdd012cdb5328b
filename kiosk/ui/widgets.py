"""Widget helpers every station shares: labels, touch and keyboard buttons, restyling after a
dynamic property changed (state, tone, level), status labels, the counter's cards and its
message banner. Their look comes from the station's rules in kiosk/ui/theme.py form; these
helpers only set object names and properties those rules select on."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

CENTER = Qt.AlignmentFlag.AlignCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


# -- labels -----------------------------------------------------------------------------------


def label(name: str, *, wrap: bool = True, align: Qt.AlignmentFlag = CENTER,
          parent: QWidget | None = None) -> QLabel:
    """A plain-text label styled by its object name (citizen-facing text is never rich
    text)."""
    widget = QLabel(parent)
    widget.setObjectName(name)
    widget.setWordWrap(wrap)
    widget.setAlignment(align)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    return widget


def field_label(text: str, buddy: QWidget | None = None) -> QLabel:
    widget = QLabel(text)
    widget.setProperty("role", "fieldLabel")
    if buddy is not None:
        widget.setBuddy(buddy)
    return widget


def value_label(name: str = "", *, wrap: bool = True, selectable: bool = True) -> QLabel:
    widget = QLabel()
    if name:
        widget.setObjectName(name)
    widget.setProperty("role", "value")
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if selectable:
        # Clerks copy codes and names into other systems; mouse only, so Tab skips labels.
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return widget


class ElidedLabel(QLabel):
    """One line of plain text that gives way on a narrow screen: cut with "…" to the width it
    is given (down to `minimum` px), the whole text in its tool tip; `text()` is the whole
    text. Its size hint asks for the whole text, so it is cut only when room runs out."""

    def __init__(self, text: str = "", *, minimum: int = 60,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.minimum = minimum
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._full = text
        self.setToolTip(text)
        self._elide()
        self.updateGeometry()

    def text(self) -> str:
        return self._full

    def shown_text(self) -> str:
        """What is on screen (the text cut to the label's width)."""
        return super().text()

    def _extra(self) -> int:
        """What the label adds around its text (margins, indent)."""
        return super().sizeHint().width() - self.fontMetrics().horizontalAdvance(
            super().text())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + self._extra(),
                     hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(min(self.minimum, self.sizeHint().width()),
                     super().minimumSizeHint().height())

    def _elide(self) -> None:
        width = self.contentsRect().width()
        room = self.fontMetrics().horizontalAdvance(self._full) <= width
        shown = self._full if room else self.fontMetrics().elidedText(
            self._full, Qt.TextElideMode.ElideRight, width)
        if shown != super().text():
            super().setText(shown)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._elide()
            self.updateGeometry()


def status_label() -> QLabel:
    """A status line under a control, hidden until `set_tone` gives it a text."""
    widget = QLabel()
    widget.setWordWrap(True)
    widget.hide()
    return widget


# -- dynamic properties -----------------------------------------------------------------------


def restyle(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property used in it changed (Qt re-reads
    [property] selectors only on re-polish)."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def set_prop(widget: QWidget, name: str, value: object, *, children: bool = False) -> None:
    """Set a property a style rule selects on, and restyle the widget (and, with
    `children`, everything in it, for rules like `Frame[hot="on"] QLabel`) if it changed."""
    if widget.property(name) != value:
        widget.setProperty(name, value)
        for w in (widget, *(widget.findChildren(QWidget) if children else ())):
            restyle(w)


def set_state(widget: QWidget, state: str) -> None:
    set_prop(widget, "state", state)


def set_tone(widget: QLabel, tone: str | None, text: str) -> None:
    """Show `text` in a status label coloured by `tone` (ok, error, warn, busy; None hides)."""
    widget.setProperty("tone", tone or "")
    # Contents margins, not CSS padding: a wrapped label's height only counts the former.
    margin = 12 if tone else 0
    widget.setContentsMargins(margin, margin // 2 + 2, margin, margin // 2 + 2)
    widget.setText(text)
    widget.setVisible(bool(text))
    restyle(widget)


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    widget.setProperty("invalid", "true" if invalid else "false")
    restyle(widget)


# -- buttons ----------------------------------------------------------------------------------


def touch_button(text: str = "", role: str = "secondary", parent: QWidget | None = None
                 ) -> QPushButton:
    """A button for fingers: no keyboard focus, styled by role, reacts on press state only."""
    button = QPushButton(text, parent)
    button.setProperty("role", role)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setAutoDefault(False)
    return button


class KeyButton(QPushButton):
    """A push button that Enter presses as well as Space: clerks tab to a button and press
    Enter, as in every other Windows form they use."""

    def __init__(self, text: str = "", role: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        if role:
            self.setProperty("role", role)
        self.setAutoDefault(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.isEnabled():
            self.animateClick()
            return
        super().keyPressEvent(event)


# -- cards and banners ------------------------------------------------------------------------


def card(title: str = "") -> tuple[QFrame, QVBoxLayout, QLabel | None]:
    frame = QFrame()
    frame.setProperty("role", "card")
    box = QVBoxLayout(frame)
    box.setContentsMargins(12, 10, 12, 10)
    box.setSpacing(6)
    heading = None
    if title:
        heading = QLabel(title)
        heading.setProperty("role", "cardTitle")
        box.addWidget(heading)
    return frame, box, heading


class Banner(QFrame):
    """One message across the window: error (red), warning (amber) or info (green).

    A warning that needs acknowledging keeps its button and stays until the clerk presses it;
    other messages can be dismissed with Esc or the close button.
    """

    acknowledged = Signal()
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Banner")
        self.setProperty("level", "info")
        self.level = ""
        self.code = ""  # what the message is about (e.g. a parse error code), for tests/logs
        self.needs_ack = False
        self.icon = QLabel("!")
        self.icon.setObjectName("BannerIcon")
        self.text = QLabel()
        self.text.setObjectName("BannerText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        # On a short screen (set_one_line): the message on one line, cut with "…", the whole
        # message in its tool tip.
        self.line = ElidedLabel(minimum=120)
        self.line.setObjectName("BannerText")
        self.line.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.line.hide()
        self.one_line = False
        self.ack_button = KeyButton(self.tr("Đã kiểm tra thẻ (Enter)"), "primary")
        self.ack_button.clicked.connect(self.acknowledge)
        self.close_button = KeyButton(self.tr("Đóng (Esc)"))
        self.close_button.clicked.connect(self.dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 8, 6)
        row.setSpacing(10)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.text, 1)
        row.addWidget(self.line, 1)
        row.addWidget(self.ack_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_message(self, level: str, message: str, *, code: str = "",
                     needs_ack: bool = False, ack_text: str = "") -> None:
        if self.needs_ack and self.isVisible() and not needs_ack:
            # A warning still waiting for the clerk is not replaced by a lesser message.
            return
        self.level = level
        self.code = code
        self.needs_ack = needs_ack
        if self.property("level") != level:
            set_prop(self, "level", level)
            # The text's colour hangs on the frame's level: its rule needs a re-polish too.
            restyle(self.icon)
            restyle(self.text)
            restyle(self.line)
        self.icon.setText({"error": "✕", "warning": "!", "info": "✓"}.get(level, "!"))
        self.text.setText(message)
        self.line.setText(message)
        self.ack_button.setVisible(needs_ack)
        if ack_text:
            self.ack_button.setText(ack_text)
        self.close_button.setVisible(not needs_ack)
        self.show()
        if needs_ack:
            self.ack_button.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def message(self) -> str:
        return self.text.text() if self.isVisible() else ""

    def set_one_line(self, on: bool) -> None:
        """The message wrapped (as long as it needs) or on one line, cut to the width with its
        whole text in the tool tip: for a window whose screen is short."""
        if on == self.one_line:
            return
        self.one_line = on
        self.text.setVisible(not on)
        self.line.setVisible(on)

    def acknowledge(self) -> None:
        self.needs_ack = False
        self.hide()
        self.acknowledged.emit()

    def dismiss(self) -> None:
        if self.needs_ack:
            return
        self.hide()
        self.dismissed.emit()

    def clear(self) -> None:
        """Hide any message that does not wait for an acknowledgement."""
        if not self.needs_ack:
            self.hide()


# -- a row of buttons that wraps ---------------------------------------------------------------


class WrapRow(QWidget):
    """Buttons side by side that wrap onto a second row when the width runs out, instead of
    squeezing the page (a 1366x768 screen at 125 %, a rating panel beside the form): its
    minimum width is its widest button. `trailing` sits at the right end of the last row
    (after a stretch); `right` aligns every row to the right; the `stretch` items (groups of
    fields, say) share what is left of their row's width. `compact` gives buttons a shorter
    text (keeping the key, "A4 (F7)"), shown, with the whole text as tool tip, when it saves a
    row. `set_items` replaces the items (a dossier's actions). With `hfw` false the row does
    not answer height-for-width (which makes a box layout hold its whole parent at that
    height) but sets its own minimum height to the rows it needs at its width."""

    def __init__(self, items: list[QWidget], *, trailing: QWidget | None = None,
                 right: bool = False, spacing: int = 8, stretch: tuple[QWidget, ...] = (),
                 compact: dict[QPushButton, str] | None = None, hfw: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._trailing = trailing
        self._right = right
        self._spacing = spacing
        self._stretch = tuple(stretch)
        self._compact = dict(compact or {})
        self._full = {b: (b.text(), b.toolTip()) for b in self._compact}
        self.compacted = False  # the shorter texts are shown
        self._hfw = hfw
        self._items: list[QWidget] = []
        self.set_items(items)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(hfw)
        self.setSizePolicy(policy)

    def set_items(self, items: list[QWidget]) -> None:
        """Show `items` (then `trailing`) instead of the items shown so far; widgets no
        longer listed are left to their owner (hide or delete them)."""
        trailing = [self._trailing] if self._trailing is not None else []
        self._items = [*items, *trailing]
        for item in self._items:
            if item.parent() is not self:
                hidden = item.isHidden() and item.testAttribute(
                    Qt.WidgetAttribute.WA_WState_ExplicitShowHide)
                item.setParent(self)  # which hides it: shown again unless hidden on purpose
                if self.isVisible() and not hidden:
                    item.show()
        self.updateGeometry()
        self._place()

    def _visible(self) -> list[QWidget]:
        return [w for w in self._items if not w.isHidden()]

    def _width(self, widget: QWidget, short: bool) -> int:
        """The width `widget` asks for with its whole or its `short` text."""
        hint = widget.sizeHint().width()
        if widget not in self._compact:
            return hint
        assert isinstance(widget, QPushButton)
        text = self._compact[widget] if short else self._full[widget][0]
        metrics = widget.fontMetrics()
        return hint - metrics.horizontalAdvance(widget.text()) + metrics.horizontalAdvance(text)

    def _arrange(self, width: int) -> tuple[list[list[QWidget]], bool]:
        """The rows at `width`, and whether the shorter texts make them."""
        rows = self._rows(width, False)
        if len(rows) > 1 and self._compact:
            short = self._rows(width, True)
            if len(short) < len(rows):
                return short, True
        return rows, False

    def rows(self, width: int) -> list[list[QWidget]]:
        """The buttons of each row at `width`."""
        return self._arrange(width)[0]

    def _rows(self, width: int, short: bool) -> list[list[QWidget]]:
        rows: list[list[QWidget]] = [[]]
        used = 0
        for widget in self._visible():
            need = self._width(widget, short)
            if rows[-1] and used + self._spacing + need > width:
                rows.append([])
                used = 0
            used += (self._spacing if rows[-1] else 0) + need
            rows[-1].append(widget)
        return [row for row in rows if row]

    def _height(self, rows: list[list[QWidget]]) -> int:
        if not rows:
            return 0
        return (sum(max(w.sizeHint().height() for w in row) for row in rows)
                + self._spacing * (len(rows) - 1))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        visible = self._visible()
        width = (sum(w.sizeHint().width() for w in visible)
                 + self._spacing * max(0, len(visible) - 1))
        return QSize(width, self._height([visible] if visible else []))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        visible = self._visible()
        return QSize(max((w.sizeHint().width() for w in visible), default=0),
                     self._height([visible] if visible else []))

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return self._hfw

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return self._height(self.rows(width))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._place()

    #: What changes the buttons' sizes: their text or visibility (a layout request), a style
    #: sheet or font applied before the row was shown (no request reaches a hidden parent).
    _RELAYOUT = frozenset({QEvent.Type.LayoutRequest, QEvent.Type.StyleChange,
                           QEvent.Type.FontChange, QEvent.Type.Show, QEvent.Type.Polish})

    def event(self, event: QEvent) -> bool:
        if event.type() in self._RELAYOUT:
            self.updateGeometry()
            self._place()
        return super().event(event)

    def _place(self) -> None:
        width = self.width()
        arranged, short = self._arrange(width)
        if self._compact and short != self.compacted:
            self.compacted = short
            for button, text in self._compact.items():
                full, tip = self._full[button]
                button.setText(text if short else full)
                button.setToolTip(full if short else tip)
        if not self._hfw:
            self.setMinimumHeight(self._height(arranged))
        y = 0
        for row in arranged:
            height = max(w.sizeHint().height() for w in row)
            widths = [min(w.sizeHint().width(), width) for w in row]
            stretching = [i for i, w in enumerate(row) if w in self._stretch]
            left = width - sum(widths) - self._spacing * (len(row) - 1)
            if stretching and left > 0:
                for n, i in enumerate(stretching):  # what is left, shared out evenly
                    widths[i] += left // len(stretching) + (n < left % len(stretching))
                left = 0
            x = left if self._right else 0
            for widget, w in zip(row, widths, strict=True):
                if widget is self._trailing:
                    x = max(x, width - w)
                widget.setGeometry(x, y, w, height)
                x += w + self._spacing
            y += height + self._spacing
