"""Calling citizens from the counter window: the queue lane and the calling bar.

`QueueWorker` owns the queue object (`open_queue`: LocalQueue standalone, RemoteQueue with a
hub) and is the resource of the "counter-queue" lane (kiosk/ui/operations.py): every queue call
blocks (SQLite or the LAN), so it runs there, and the answers come back as the worker's
signals, delivered on the UI thread. The queue's subscribe and on_connection callbacks arrive
on background threads and are re-emitted as signals the same way.

`CallingBar` is a compact bar under the top bar: the current ticket (big number, a priority
badge with the category, service, waiting time), the buttons Gọi số tiếp (F3; "Xong, gọi
tiếp" while serving: the queue finishes the current ticket and calls the next in one step),
Nhắc lại (F4), Vắng mặt (F11), Chuyển… (Ctrl+T, an inline chooser), Xong (F12), the
waiting counts of this counter's services and, when the hub is lost,
"Mất kết nối với máy chủ quầy" with the number of operations waiting to be sent.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import Config
from kiosk.paths import Paths
from kiosk.ui.i18n import N_, tr_marked, translate
from kiosk.ui.operations import Lane
from kiosk.ui.widgets import KeyButton, set_prop

log = logging.getLogger(__name__)

STOP_WAIT_MS = 15_000
#: Actions the bar sends to the worker.
NEXT, RECALL, SKIP, TRANSFER, FINISH = "next", "recall", "skip", "transfer", "finish"
#: The call buttons' shorter texts on a narrow screen (the status line's words, the key kept;
#: the whole text in the tool tip), so the ticket's service and waiting time keep room.
COMPACT = {RECALL: N_("Nhắc (F4)"), SKIP: N_("Vắng (F11)"), TRANSFER: N_("Chuyển (Ctrl+T)")}
#: What the service, waiting time and count keep beside the buttons (px) before they shorten.
ABOUT_ROOM = 240
#: Actions that need the hub (disabled while it is lost); finish waits in the outbox instead.
NEEDS_HUB = (NEXT, RECALL, SKIP, TRANSFER)


class QueueWorker(QObject):
    """The "counter-queue" lane's resource; its methods run on the lane. Opens the queue on
    `start` (not in __init__, so the connection and its threads belong to the lane's thread);
    a queue that cannot be opened is a failed action, tried again with the next one."""

    restored = Signal(object, object)  # current Ticket | None, list[Service]
    done = Signal(str, object)  # action, Ticket | None
    failed = Signal(str, str, str)  # action, message_vi, message_en
    linked = Signal(int, str)  # ticket id, dossier code
    waiting = Signal(object)  # dict[str, int]: waiting tickets per service
    event = Signal(object)  # QueueEvent (from the queue's subscriber thread)
    connection = Signal(object)  # ConnectionState (from the queue's background thread)

    def __init__(self, config: Config, paths: Paths) -> None:
        super().__init__()
        self._config = config
        self._paths = paths
        self.queue: Any = None
        self._unsubscribe: Any = None

    @property
    def number(self) -> int:
        return int(self._config.counter.number)

    def _open(self) -> Any:
        if self.queue is None:
            from kiosk.station import open_queue

            self.queue = open_queue(self._config, self._paths,
                                    on_connection=self.connection.emit)
            self._unsubscribe = self.queue.subscribe(self.event.emit)
        return self.queue

    def start(self) -> None:
        """Open the queue and restore the counter's ticket after a restart."""
        try:
            queue = self._open()
            services = queue.services()
            current = queue.current(self.number)
        except Exception as exc:
            self._fail("start", exc)
            return
        self.restored.emit(current, services)
        self.refresh()

    def act(self, action: str, clerk: str, target: Any) -> None:
        n = self.number
        try:
            queue = self._open()
            if action == NEXT:
                ticket = queue.call_next(n, tuple(self._config.counter.services), clerk or None)
            elif action == RECALL:
                ticket = queue.recall(n)
            elif action == SKIP:
                ticket = queue.skip(n)
            elif action == TRANSFER:
                to_service, to_counter = target
                ticket = queue.transfer(n, to_service=to_service, to_counter=to_counter)
            elif action == FINISH:
                ticket = queue.finish(n)
            else:
                raise ValueError(action)
        except Exception as exc:
            self._fail(action, exc)
            return
        log.info("counter %d: %s -> %s", n, action, getattr(ticket, "number", None))
        self.done.emit(action, ticket)
        self.refresh()

    def link(self, ticket_id: int, code: str) -> None:
        try:
            self._open().link_dossier(ticket_id, code)
        except Exception as exc:
            # A remote queue keeps the link in its outbox when the hub is away.
            log.info("dossier %s not linked to ticket %d now: %s", code, ticket_id,
                     getattr(exc, "message_en", repr(exc)))
            self.failed.emit("link", getattr(exc, "message_vi", ""), repr(exc))
            return
        self.linked.emit(ticket_id, code)

    def refresh(self) -> None:
        try:
            snapshot = self._open().snapshot()
        except Exception as exc:
            log.debug("queue snapshot not taken: %r", exc)
            return
        self.waiting.emit(dict(snapshot.waiting))

    def close(self) -> None:
        """When the lane stops."""
        if self._unsubscribe is not None:
            try:
                self._unsubscribe()
            except Exception:
                log.debug("unsubscribing failed", exc_info=True)
        if self.queue is not None:
            try:
                self.queue.close()
            except Exception:
                log.debug("closing the queue failed", exc_info=True)
            self.queue = None

    def _fail(self, action: str, exc: BaseException) -> None:
        from kiosk.queue.errors import QueueError

        if isinstance(exc, QueueError):
            vi, en = exc.message_vi, exc.message_en
        else:
            vi = self.tr("Không thực hiện được thao tác gọi số (lỗi hệ thống).")
            en = f"{action}: {exc!r}"
            log.exception("queue %s failed", action)
        log.warning("counter %d: %s refused: %s", self.number, action, en)
        self.failed.emit(action, vi, en)


class QueueThread(QObject):
    """The counter's queue requests, run in order on the "counter-queue" lane; the answers
    are the worker's signals. Stopping waits up to STOP_WAIT_MS for a call in progress."""

    def __init__(self, config: Config, paths: Paths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = QueueWorker(config, paths)
        self.lane = Lane("counter-queue", lambda: self.worker, QueueWorker.close,
                         stop_wait_ms=STOP_WAIT_MS)
        self.running = False

    def start(self) -> None:
        self.running = True
        self.lane.run(QueueWorker.start, label="restore the counter's ticket")

    def act(self, action: str, clerk: str, target: Any = None) -> None:
        self.lane.run(lambda worker: worker.act(action, clerk, target), label=action)

    def link(self, ticket_id: int, code: str) -> None:
        self.lane.run(lambda worker: worker.link(ticket_id, code), label="link a dossier")

    def refresh(self) -> None:
        self.lane.run(QueueWorker.refresh, label="waiting counts", coalesce="refresh")

    def stop(self) -> None:
        if not self.running:
            return
        self.running = False
        self.lane.stop()


def minutes_text(since: datetime | None, now: datetime) -> str:
    if since is None:
        return ""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 1:
        return translate("calling", "chờ dưới 1 phút")
    if minutes < 60:
        return translate("calling", "đã chờ {minutes} phút").format(minutes=minutes)
    return translate("calling", "đã chờ {value} giờ {value2:02d} phút").format(
            value=minutes // 60,
            value2=minutes % 60)


class CallingBar(QFrame):
    """The calling bar (widgets only; the window wires it to the QueueThread)."""

    action_requested = Signal(str, object)  # action, target ((to_service, to_counter) or None)

    def __init__(self, counter: int, services: tuple[str, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CallingBar")
        self.counter = counter
        self.services = services  # this counter's; empty: every service
        self.names: dict[str, str] = {}
        self.ticket: Any = None
        self.busy = False
        self.connected = True
        self.ready = False
        self.waiting_counts: dict[str, int] = {}

        self.counter_label = QLabel(self.tr("QUẦY %1").replace("%1", str(counter)))
        self.counter_label.setObjectName("CallCounter")
        self.number_label = QLabel("—")
        self.number_label.setObjectName("CallNumber")
        self.number_label.setMinimumWidth(96)
        self.number_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.service_label = QLabel(self.tr("Chưa gọi số nào"))
        self.service_label.setObjectName("CallService")
        self.wait_label = QLabel("")
        self.wait_label.setObjectName("CallWait")
        self.priority_label = QLabel("")
        self.priority_label.setObjectName("CallPriority")
        self.priority_label.hide()
        about = QVBoxLayout()
        about.setSpacing(0)
        about.addWidget(self.service_label)
        about.addWidget(self.wait_label)
        self.service_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                         QSizePolicy.Policy.Preferred)
        self.wait_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.next_button = KeyButton(self.tr("Gọi số tiếp (F3)"), "primary")
        self.recall_button = KeyButton(self.tr("Nhắc lại (F4)"))
        self.skip_button = KeyButton(self.tr("Vắng mặt (F11)"))
        self.transfer_button = KeyButton(self.tr("Chuyển… (Ctrl+T)"))
        self.finish_button = KeyButton(self.tr("Xong (F12)"))
        self.finish_button.setObjectName("FinishButton")
        self.buttons = {NEXT: self.next_button, RECALL: self.recall_button,
                        SKIP: self.skip_button, TRANSFER: self.transfer_button,
                        FINISH: self.finish_button}
        self.full_texts = {action: self.buttons[action].text() for action in COMPACT}
        self.compact = False  # the shorter texts are shown (_fit)
        for action, button in self.buttons.items():
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            if action == TRANSFER:
                button.clicked.connect(self.open_transfer)
            else:
                button.clicked.connect(lambda _=False, a=action: self.request(a))

        # -- the inline transfer chooser (shown instead of the buttons) --
        self.chooser = QWidget()
        self.service_combo = QComboBox()
        self.service_combo.setObjectName("TransferService")
        self.counter_spin = QSpinBox()
        self.counter_spin.setObjectName("TransferCounter")
        self.counter_spin.setRange(0, 999)
        self.counter_spin.setSpecialValueText(self.tr("quầy bất kỳ"))
        self.transfer_ok = KeyButton(self.tr("Chuyển"), "primary")
        self.transfer_cancel = KeyButton(self.tr("Hủy"))
        self.transfer_ok.clicked.connect(self.confirm_transfer)
        self.transfer_cancel.clicked.connect(self.close_transfer)
        crow = QHBoxLayout(self.chooser)
        crow.setContentsMargins(0, 0, 0, 0)
        crow.setSpacing(6)
        crow.addWidget(QLabel(self.tr("Chuyển sang")))
        crow.addWidget(self.service_combo)
        crow.addWidget(QLabel(self.tr("tới")))
        crow.addWidget(self.counter_spin)
        crow.addWidget(self.transfer_ok)
        crow.addWidget(self.transfer_cancel)
        self.chooser.hide()

        self.button_box = QWidget()
        brow = QHBoxLayout(self.button_box)
        brow.setContentsMargins(0, 0, 0, 0)
        brow.setSpacing(6)
        for button in self.buttons.values():
            brow.addWidget(button)

        self.waiting_label = QLabel("")
        self.waiting_label.setObjectName("CallWaiting")
        self.waiting_label.setAlignment(Qt.AlignmentFlag.AlignRight
                                        | Qt.AlignmentFlag.AlignVCenter)
        self.waiting_label.setWordWrap(True)
        self.waiting_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                         QSizePolicy.Policy.Preferred)
        self.connection_label = QLabel("")
        self.connection_label.setObjectName("CallConnection")
        self.connection_label.setWordWrap(True)
        self.connection_label.hide()
        self.message_label = QLabel("")
        self.message_label.setObjectName("CallMessage")
        self.message_label.setWordWrap(True)
        self.message_label.hide()

        row = self.row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        row.addWidget(self.counter_label)
        row.addWidget(self.number_label)
        row.addWidget(self.priority_label)
        row.addLayout(about, 2)
        row.addWidget(self.button_box)
        row.addWidget(self.chooser)
        row.addWidget(self.waiting_label, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 5, 12, 5)
        box.setSpacing(3)
        box.addLayout(row)
        box.addWidget(self.connection_label)
        box.addWidget(self.message_label)
        self.show_ticket(None)
        self.update_buttons()

    # -- state -----------------------------------------------------------------------------

    def service_name(self, code: str) -> str:
        return self.names.get(code, code)

    def set_services(self, services: list[Any]) -> None:
        self.names = {s.code: s.name_vi for s in services}
        self.service_combo.clear()
        self.service_combo.addItem(self.tr("(giữ dịch vụ)"), None)
        for s in services:
            self.service_combo.addItem(f"{s.code} – {s.name_vi}", s.code)
        self.ready = True
        self.update_buttons()

    def show_ticket(self, ticket: Any, now: datetime | None = None) -> None:
        self.ticket = ticket
        if ticket is None:
            self.number_label.setText("—")
            self.service_label.setText(self.tr("Chưa gọi số nào"))
            self.wait_label.setText(self.tr("Nhấn F3 để gọi số tiếp theo"))
            set_prop(self.number_label, "state", "idle")
            self.priority_label.hide()
        else:
            self.number_label.setText(ticket.number)
            priority = getattr(ticket, "priority", None)
            if priority:
                text = self.tr("ƯU TIÊN")
                if getattr(priority, "value", "") != "unspecified":
                    text += "\n" + priority.label_vi
                self.priority_label.setText(text)
            self.priority_label.setVisible(bool(priority))
            set_prop(self.number_label, "priority", "yes" if priority else "")
            self.service_label.setText(self.service_name(ticket.current_service))
            set_prop(self.number_label, "state", "serving")
            self.update_wait(now)
        self.update_buttons()
        self._fit()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._fit()  # the window's scale changed the type

    def _fit(self) -> None:
        """On a narrow bar (1366x768 at 125 %) the call buttons take their shorter texts, so
        the ticket's service, its waiting time and the waiting count keep some room."""
        if self.width() <= 0:
            return
        beside = [w for w in (self.counter_label, self.number_label, self.priority_label)
                  if not w.isHidden()]
        buttons = self.button_box.layout().spacing() * (len(self.buttons) - 1)
        for action, button in self.buttons.items():
            buttons += button.sizeHint().width()
            if action in self.full_texts:  # as wide as with its whole text
                metrics = button.fontMetrics()
                buttons += (metrics.horizontalAdvance(self.full_texts[action])
                            - metrics.horizontalAdvance(button.text()))
        margins = self.layout().contentsMargins()
        room = (self.width() - margins.left() - margins.right()
                - self.row.spacing() * (len(beside) + 2)
                - sum(w.sizeHint().width() for w in beside) - ABOUT_ROOM)
        compact = buttons > room
        if compact != self.compact:
            self.compact = compact
            for action, text in COMPACT.items():
                button, full = self.buttons[action], self.full_texts[action]
                button.setText(tr_marked(text) if compact else full)
                button.setToolTip(full if compact else "")

    def update_wait(self, now: datetime | None) -> None:
        t = self.ticket
        if t is None or now is None:
            return
        text = minutes_text(t.issued_at, t.called_at or now)
        since = t.called_at
        if since is not None:
            text += self.tr(" · gọi lúc %1").replace("%1", f"{since:%H:%M}")
        self.wait_label.setText(text)

    def set_waiting(self, counts: dict[str, int]) -> None:
        self.waiting_counts = dict(counts)
        codes = self.services or tuple(c for c, n in counts.items() if n)
        parts = [f"{c}: {counts.get(c, 0)}" for c in codes]
        total = sum(counts.get(c, 0) for c in codes)
        self.waiting_label.setText(self.tr("Đang chờ %1").replace("%1", str(total))
                                   + (f"\n{' · '.join(parts)}" if parts else ""))

    def set_connection(self, state: Any) -> None:
        self.connected = bool(state.connected)
        if self.connected:
            self.connection_label.hide()
        else:
            text = self.tr("Mất kết nối với máy chủ quầy")
            if state.since is not None:
                text += self.tr(" từ %1").replace("%1", f"{state.since:%H:%M}")
            text += self.tr(": chưa gọi được số. Tiếp nhận hồ sơ vẫn làm bình thường.")
            if state.pending:
                text += self.tr(" %1 thao tác đang chờ gửi.").replace("%1", str(state.pending))
            self.connection_label.setText(text)
            self.connection_label.show()
        self.update_buttons()

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.update_buttons()

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def update_buttons(self) -> None:
        serving = self.ticket is not None
        # While serving, F3 finishes this citizen and calls the next in one step.
        self.next_button.setText(self.tr("Xong, gọi tiếp (F3)") if serving
                                 else self.tr("Gọi số tiếp (F3)"))
        can = self.ready and not self.busy
        self.next_button.setEnabled(can and self.connected)
        for action in (RECALL, SKIP, TRANSFER):
            self.buttons[action].setEnabled(can and self.connected and serving)
        self.finish_button.setEnabled(can and serving)
        if not (can and self.connected and serving) and self.chooser.isVisible():
            self.close_transfer()

    def enabled(self, action: str) -> bool:
        return self.buttons[action].isEnabled()

    # -- actions ---------------------------------------------------------------------------

    def request(self, action: str, target: Any = None) -> None:
        if not self.enabled(action):
            return
        self.show_message("")
        self.action_requested.emit(action, target)

    def open_transfer(self) -> None:
        if not self.enabled(TRANSFER):
            return
        self.button_box.hide()
        self.chooser.show()
        self.service_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_transfer(self) -> None:
        self.chooser.hide()
        self.button_box.show()

    def confirm_transfer(self) -> None:
        to_service = self.service_combo.currentData()
        to_counter = self.counter_spin.value() or None
        if to_service is None and to_counter is None:
            self.show_message(self.tr("Chọn dịch vụ hoặc quầy để chuyển."))
            return
        self.close_transfer()
        self.request(TRANSFER, (to_service, to_counter))
