"""Storage faults in plain words: a read-only or full data folder, or a damaged database.

`storage_fault(exc, database)` recognises the error (an OSError, an sqlite3 error, or a
StoreError wrapping one) and says what it is and how to fix it in one line, for the CLI and
`kiosk doctor`. `folder_problem(folder)` tells by a real probe whether a folder can be written.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

READ_ONLY = "read-only"
FULL = "full"
DAMAGED = "damaged"
NO_ACCESS = "no-access"
IO_ERROR = "io-error"

# SQLite primary result codes (the low byte of an extended code).
_SQLITE_KIND = {8: READ_ONLY, 13: FULL, 11: DAMAGED, 26: DAMAGED, 10: IO_ERROR}
_SQLITE_CANTOPEN = 14
_ERRNO_KIND = {errno.EROFS: READ_ONLY, errno.ENOSPC: FULL, errno.EACCES: NO_ACCESS,
               errno.EPERM: NO_ACCESS, errno.EIO: IO_ERROR}
if hasattr(errno, "EDQUOT"):
    _ERRNO_KIND[errno.EDQUOT] = FULL
_MESSAGE_KIND = (("readonly", READ_ONLY), ("read-only", READ_ONLY),
                 ("disk is full", FULL), ("no space left", FULL),
                 ("malformed", DAMAGED), ("not a database", DAMAGED),
                 ("disk i/o error", IO_ERROR))


@dataclass(frozen=True)
class StorageFault:
    kind: str
    where: Path
    message: str
    fix: str

    def line(self) -> str:
        return f"error: {self.message}. Fix: {self.fix}."


def folder_problem(folder: Path | str) -> str | None:
    """READ_ONLY, FULL or NO_ACCESS when a small file cannot be made in `folder` (the nearest
    existing parent if it does not exist yet), else None. A real write, because root passes
    every permission check but not a read-only mount."""
    folder = Path(folder)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if hasattr(os, "statvfs"):
        try:
            if os.statvfs(folder).f_flag & os.ST_RDONLY:
                return READ_ONLY
        except OSError:
            pass
    probe = folder / f".kiosk-write-probe-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"probe")
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        return _ERRNO_KIND.get(exc.errno or 0, NO_ACCESS)
    return None


def _kind(exc: BaseException) -> tuple[str | None, Path | None]:
    """(kind, file) of one exception, without looking at its causes."""
    if isinstance(exc, OSError) and not isinstance(exc, sqlite3.Error):
        filename = exc.filename if isinstance(exc.filename, str | os.PathLike) else None
        kind = _ERRNO_KIND.get(exc.errno or 0)
        if kind in (NO_ACCESS, IO_ERROR) and not filename:
            return None, None  # a socket, a port, a device: not the data folder
        return kind, Path(filename) if filename else None
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None:
            primary = code & 0xFF
            if primary == _SQLITE_CANTOPEN:
                return "cantopen", None
            if primary in _SQLITE_KIND:
                return _SQLITE_KIND[primary], None
        text = str(exc).lower()
        if "unable to open database" in text:
            return "cantopen", None
        for needle, kind in _MESSAGE_KIND:
            if needle in text:
                return kind, None
    return None, None


def storage_fault(exc: BaseException, database: Path | str | None = None
                  ) -> StorageFault | None:
    """What storage fault `exc` (or an exception it wraps) is, or None if it is none."""
    database = Path(database) if database else None
    chain: list[BaseException] = []
    seen = exc
    while seen is not None and seen not in chain and len(chain) < 8:
        chain.append(seen)
        seen = seen.__cause__  # only what an error says it wraps (`raise … from`)
    for item in chain:
        kind, file = _kind(item)
        if kind is None:
            continue
        where = file or database
        folder = (where.parent if where else None)
        if kind in ("cantopen", IO_ERROR, NO_ACCESS) and folder is not None:
            # The same words for a read-only disk, a full one and a missing permission:
            # ask the folder itself.
            kind = folder_problem(folder) or kind
        if kind == "cantopen":
            kind = NO_ACCESS
        return describe(kind, where, folder, str(item))
    return None


def describe(kind: str, where: Path | None, folder: Path | None, detail: str) -> StorageFault:
    place = str(folder) if folder else "the data folder"
    target = where or Path("kiosk.db")
    if kind == READ_ONLY:
        return StorageFault(kind, target, f"the folder {place} is read-only (a read-only disk "
                            "or file system, or a write-protected drive), so nothing can be "
                            "saved",
                            "Make it writable again (remount the disk read-write; on Windows "
                            "check the drive is not write-protected), or start with --data-dir "
                            "on a writable folder. The database itself is not damaged: do not "
                            "move it aside")
    if kind == FULL:
        return StorageFault(kind, target, f"the disk holding {place} is full, so nothing "
                            "more can be saved",
                            "Free some space on that disk (old PNG previews, the recycle bin, "
                            "large downloads), then try again; `kiosk doctor` shows the free "
                            "space. The database is not damaged: do not move it aside")
    if kind == DAMAGED:
        damaged = target.with_name(f"{target.stem}-damaged{target.suffix}")
        return StorageFault(kind, target, f"the database {target} is damaged ({detail})",
                            f"Stop the kiosk and run `kiosk doctor` to confirm; then move "
                            f"{target.name} aside as {damaged.name} (keep it: records not yet "
                            f"sent to the city are in it; `sqlite3 {damaged.name} .recover` "
                            "can save them) and start again: a new database is created. "
                            "Check the disk (chkdsk / fsck) and the power supply")
    if kind == IO_ERROR:
        return StorageFault(kind, target, f"the disk holding {place} gives read/write errors "
                            f"({detail})",
                            "Check the disk (chkdsk / fsck, its SMART status) and its cable; "
                            "copy the data folder to a healthy disk; run `kiosk doctor`")
    return StorageFault(NO_ACCESS, target, f"this user may not write to {place} ({detail})",
                        "Give the kiosk's user account write access to that folder (or run "
                        "the kiosk as the user who installed it), or start with --data-dir "
                        "on a folder it can write")
