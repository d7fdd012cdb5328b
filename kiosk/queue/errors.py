"""The queue's errors: what a queue operation raises, in either implementation (LocalQueue,
RemoteQueue) and on the hub's JSON API (`code`, `status`). Plain Python, importing nothing from
the project, so the interface (service.py), both implementations, the hub and the UI share them
without importing each other.
"""

from __future__ import annotations


class QueueError(Exception):
    """A queue operation refused. `code` is stable (also the hub's JSON error code);
    `message_vi` is for the clerk's screen, the str() for the technician."""

    code = "queue_error"
    status = 400

    def __init__(self, message_en: str, message_vi: str | None = None):
        super().__init__(message_en)
        self.message_en = message_en
        self.message_vi = message_vi or "Không thực hiện được thao tác."


class InvalidRequest(QueueError):
    code = "invalid_request"
    status = 400


class TicketNotFound(QueueError):
    code = "ticket_not_found"
    status = 404

    def __init__(self, ticket_id: int | str):
        super().__init__(f"no ticket with id {ticket_id}", "Không tìm thấy số thứ tự này.")


class NoCurrentTicket(QueueError):
    """transfer() at a counter that is serving nobody."""

    code = "no_current_ticket"
    status = 409

    def __init__(self, counter: int):
        super().__init__(f"counter {counter} is serving no ticket",
                         f"Quầy số {counter} chưa gọi số nào.")


class Unauthorized(QueueError):
    """The hub refused the office key."""

    code = "unauthorized"
    status = 401

    def __init__(self, message_en: str = "the hub refused the office key"):
        super().__init__(message_en, "Sai mã văn phòng (office key): máy chủ quầy từ chối kết "
                         "nối. Báo kỹ thuật viên.")


class HubUnavailable(QueueError):
    """The hub cannot be reached (or answered with a server error). Calls need the hub;
    what a counter records (dossier links, finish, print outcomes) waits in its outbox."""

    code = "hub_unavailable"
    status = 503

    def __init__(self, message_en: str):
        super().__init__(message_en, "Mất kết nối với máy chủ quầy.")
