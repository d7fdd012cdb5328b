"""One station, one process: a lock file in the station's data folder.

A second `kiosk run` on the same data folder (a shortcut in the Startup folder *and* a
scheduled task, a technician double-clicking while the kiosk runs) would open a second window
on the same database and printer. The first start holds an operating-system lock on
`DATA_DIR/LOCK_NAME` for as long as it runs (msvcrt.locking on Windows, fcntl.flock
elsewhere); the lock goes with the process, also when it crashes or is killed, so there is no
stale lock to clean up. A second start finds it held and says so plainly.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

#: The station's screen (`kiosk run`, `kiosk demo`): its supervisor or its only process.
STATION_LOCK = "station.lock"
#: The window process under the supervisor: a window left over from a killed supervisor keeps
#: a new supervisor's window from opening beside it.
WINDOW_LOCK = "window.lock"

# Windows locks are mandatory: no other process can read a locked byte. Byte 0 is the lock;
# the holder's process id is written after it, where a second start can read it.
_LOCK_OFFSET, _LOCK_BYTES = 0, 1


class AlreadyRunning(RuntimeError):
    """The lock is held by another process."""

    def __init__(self, path: Path, pid: int | None) -> None:
        self.path, self.pid = Path(path), pid
        which = f" (process {pid})" if pid else ""
        self.message_vi = (f"Trạm này đang chạy rồi{which}: không mở thêm lần thứ hai. "
                           "Hãy dùng cửa sổ đang mở, hoặc tắt nó trước khi mở lại.")
        self.message_en = (f"This station is already running{which}, data folder "
                           f"{self.path.parent}: not starting a second one. Close it first "
                           f"(or end the scheduled task), or give another --data-dir.")
        super().__init__(self.message_en)


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, _LOCK_BYTES)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, _LOCK_BYTES)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def holder_pid(path: Path | str) -> int | None:
    """The process id the lock file names (None when unreadable or empty)."""
    try:
        with open(path, "rb") as f:
            f.seek(_LOCK_OFFSET + _LOCK_BYTES)
            text = f.read(32).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


class InstanceLock:
    """`with InstanceLock(path):` holds the lock for the block; raises AlreadyRunning."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> InstanceLock:
        from kiosk.private_files import private_dir

        private_dir(self.path.parent, tighten=False)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        if not _try_lock(fd):
            os.close(fd)
            raise AlreadyRunning(self.path, holder_pid(self.path))
        # Ours now: write our process id after the lock byte (never truncate before locking:
        # that would wipe the holder's id).
        os.lseek(fd, _LOCK_OFFSET + _LOCK_BYTES, os.SEEK_SET)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        os.ftruncate(fd, os.lseek(fd, 0, os.SEEK_CUR))
        self._fd = fd
        return self

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            _unlock(fd)
        os.close(fd)

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
