"""The store's own errors: what a screen or a worker is told instead of an sqlite3 exception.

`project_error(exc)` turns an error raised while working on the station database into one of
these, each with a message for the clerk or citizen (`message_vi`) and one for the log
(`message_en`); anything else is returned unchanged. Background operations (kiosk/ui/
operations.py) pass every failure through it, so no screen needs to know SQLite.
"""

from __future__ import annotations

import sqlite3

from kiosk.store.db import StoreError


class StorageError(StoreError):
    """The station database refused an operation. Messages hold no personal data."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en


class DatabaseBusy(StorageError):
    """Another program or station held the database longer than the busy timeout: nothing was
    changed, and the same operation can simply be tried again."""

    def __init__(self, detail: str) -> None:
        super().__init__("Cơ sở dữ liệu đang bận. Vui lòng thử lại.",
                         f"the database is locked ({detail})")


class StorageFailed(StorageError):
    """The disk or the database file is at fault (read-only, full, damaged, no access): the
    technician's message says how to fix it (kiosk/store/faults.py)."""

    def __init__(self, kind: str, line: str) -> None:
        super().__init__("Không ghi được dữ liệu trên máy này. Vui lòng báo kỹ thuật viên.",
                         line)
        self.kind = kind


def project_error(exc: BaseException) -> BaseException:
    """`exc` as the store's own error when it is a database or disk fault, else `exc`."""
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, sqlite3.OperationalError) and (
            "locked" in str(exc) or "busy" in str(exc)):
        translated: BaseException = DatabaseBusy(str(exc))
    elif isinstance(exc, sqlite3.Error | OSError):
        from kiosk.store.faults import storage_fault

        fault = storage_fault(exc)
        if fault is None:
            if not isinstance(exc, sqlite3.Error):
                return exc  # a file elsewhere (an export, a PDF): the caller words it
            translated = StorageError("Lỗi cơ sở dữ liệu. Vui lòng thử lại hoặc báo kỹ thuật "
                                      "viên.", f"database error: {exc.__class__.__name__}: "
                                      f"{exc}")
        else:
            translated = StorageFailed(fault.kind, fault.line())
    else:
        return exc
    translated.__cause__ = exc
    return translated
