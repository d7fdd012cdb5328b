"""One way to word a failed operation for the person at the screen and for the log.

Every error the project raises for people carries `message_vi` (the clerk's or citizen's
words) and `message_en` (the technician's); both are free of personal data by contract.
`translate` first turns database and disk faults into the store's own errors
(kiosk/store/errors.py), so no screen handles sqlite3; `wording` then gives the pair of
messages for any failure, with what was being done for the ones that carry no words of their
own.

Who reads the message is the `audience`: the citizen at the kiosk (CITIZEN, the default) or
the clerk at the counter (CLERK). A failure that is worded differently for the clerk carries
`message_clerk` (the printer drivers' PrintError: what is wrong with the printer and what to
check, where the citizen is told to ask the clerk); for the clerk that text is used, for the
citizen `message_vi`. Every screen of the counter asks for CLERK.
"""

from __future__ import annotations

CITIZEN = "citizen"
CLERK = "clerk"


def translate(exc: BaseException) -> BaseException:
    """`exc`, with a database or disk fault turned into the store's own error."""
    from kiosk.store.errors import project_error

    return project_error(exc)


def wording(exc: BaseException, doing_vi: str, doing_en: str, *,
            audience: str = CITIZEN) -> tuple[str, str]:
    """(message_vi, message_en) for a failure of "doing": `doing_vi` completes "Không …"
    ("lưu được hồ sơ"), `doing_en` completes "cannot …" ("save the dossier"); message_vi is
    worded for `audience` (CITIZEN or CLERK)."""
    from kiosk.store.errors import DatabaseBusy, StorageError

    exc = translate(exc)
    if isinstance(exc, DatabaseBusy):
        return (f"Không {doing_vi}: cơ sở dữ liệu đang bận. Vui lòng thử lại.",
                f"cannot {doing_en}: {exc.message_en}")
    if isinstance(exc, StorageError):
        return (f"Không {doing_vi}: {exc.message_vi[:1].lower()}{exc.message_vi[1:]}",
                f"cannot {doing_en}: {exc.message_en}")
    vi, en = getattr(exc, "message_vi", None), getattr(exc, "message_en", None)
    clerk = getattr(exc, "message_clerk", None)
    if audience == CLERK and isinstance(clerk, str) and clerk and isinstance(en, str):
        return clerk, en
    if isinstance(vi, str) and isinstance(en, str):
        return vi, en
    if isinstance(exc, OSError):
        return (f"Không {doing_vi}: không ghi được tệp ({exc.strerror or exc}).",
                f"cannot {doing_en}: {exc!r}")
    return (f"Không {doing_vi} do lỗi hệ thống. Vui lòng thử lại hoặc báo cán bộ kỹ thuật.",
            f"cannot {doing_en}: {exc.__class__.__name__}")
