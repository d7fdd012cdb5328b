"""Files that may hold personal data or a secret: owner-only from the first byte.

The station database (and its -wal/-shm), the configuration (station token, office key, PIN
hash), the PIN lockout state, logs, receipts, logbook exports, print previews and the support
bundle are created with mode 0600 in folders with mode 0700 on Linux, never "0644, then chmod":
`os.open(..., O_CREAT, 0o600)` sets the mode as the file is made, so no other user of the PC
can open it in between. On Windows the folders and files get an ACL that lets only the owner,
SYSTEM and the Administrators group in (`icacls`, inheritance from the parent removed); see
docs/install-windows.md and docs/security.md.

SQLite creates -wal and -shm with the database file's own permissions, so `private_sqlite()`
makes (or tightens) the database file before SQLite opens it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700
#: The umask the `kiosk` program runs with: whatever a library creates is owner-only too.
PRIVATE_UMASK = 0o077

_WINDOWS = sys.platform == "win32"
_acl_done: set[Path] = set()


def restrict_acl(path: Path | str) -> bool:
    """Windows: owner, SYSTEM and Administrators only, inheritance from the parent removed
    (folders pass it on to what is created in them). A no-op elsewhere. Never raises: a PC
    without icacls keeps the ACL of its profile folder, which is owner-only already."""
    if not _WINDOWS:
        return False
    path = Path(path)
    inherit = "(OI)(CI)" if path.is_dir() else ""
    user = os.environ.get("USERNAME", "")
    domain = os.environ.get("USERDOMAIN", "")
    grants = [f"*S-1-5-18:{inherit}F", f"*S-1-5-32-544:{inherit}F"]  # SYSTEM, Administrators
    if user:
        grants.append(f"{domain}\\{user}:{inherit}F" if domain else f"{user}:{inherit}F")
    try:
        subprocess.run(["icacls", str(path), "/inheritance:r", "/grant:r", *grants],
                       check=True, capture_output=True, timeout=15,
                       creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("cannot restrict the permissions of %s: %s", path, exc)
        return False
    return True


def _tighten(path: Path, mode: int) -> None:
    try:
        st = path.stat()
    except OSError:
        return
    if os.name == "posix" and st.st_uid == os.geteuid() and stat.S_IMODE(st.st_mode) & 0o077:
        with contextlib.suppress(OSError):
            os.chmod(path, stat.S_IMODE(st.st_mode) & mode)


def private_dir(path: Path | str, *, tighten: bool = True) -> Path:
    """Create `path` (and missing parents) with mode 0700. An existing folder loses its
    group/other permissions when `tighten` (and this user owns it); leave `tighten` off for a
    folder the user chose that may hold other things."""
    path = Path(path)
    missing: list[Path] = []
    p = path
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    for p in reversed(missing):
        try:
            p.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        # mkdir's mode is filtered by the umask, which can only remove bits: fine.
        if _WINDOWS:
            _acl_done.add(p)
            restrict_acl(p)
    if tighten and not missing:
        _tighten(path, DIR_MODE)
        if _WINDOWS and path not in _acl_done:  # once per process: icacls is a process
            _acl_done.add(path)
            restrict_acl(path)
    return path


def _file_acl(path: Path) -> None:
    """Windows: a file in a folder this process made private inherits its ACL; any other
    file (an export to a folder the user chose) gets its own."""
    if _WINDOWS and path.parent not in _acl_done:
        restrict_acl(path)


def create_private(path: Path | str) -> Path:
    """Make `path` an empty (or keep it an existing) owner-only file. A writer that opens the
    path itself (openpyxl, fpdf2, SQLite) then writes into a file that was never readable by
    others: opening for writing keeps the mode."""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), FILE_MODE)
    os.close(fd)
    _tighten(path, FILE_MODE)
    _file_acl(path)
    return path


def open_private(path: Path | str, mode: str = "wb", *, encoding: str | None = None,
                 newline: str | None = None, exclusive: bool = False) -> IO[Any]:
    """`open()` for a new or rewritten owner-only file: "w"/"wb" truncate, "a"/"ab" append;
    `exclusive` refuses an existing file (FileExistsError)."""
    path = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)
    if exclusive:
        flags |= os.O_EXCL
    if mode.startswith("a"):
        flags |= os.O_APPEND
    elif mode.startswith("w"):
        flags |= os.O_TRUNC
    else:
        raise ValueError(f"open_private: unsupported mode {mode!r}")
    fd = os.open(path, flags, FILE_MODE)
    try:
        if os.name == "posix":
            st = os.fstat(fd)
            if stat.S_IMODE(st.st_mode) & 0o077 and st.st_uid == os.geteuid():
                os.fchmod(fd, FILE_MODE)
        f = os.fdopen(fd, mode, encoding=encoding, newline=newline)
    except BaseException:
        os.close(fd)
        raise
    _file_acl(path)
    return f


@contextlib.contextmanager
def private_temp(out: Path | str, *, suffix: str = ".tmp") -> Iterator[Path]:
    """A fresh owner-only file beside `out` to write into; moved onto `out` when the block
    ends without error, removed otherwise. The parent folder is created (0700) if missing."""
    out = Path(out)
    private_dir(out.parent, tighten=False)
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=suffix, dir=out.parent)
    os.close(fd)  # mkstemp makes it 0600
    tmp = Path(name)
    try:
        _file_acl(tmp)
        yield tmp
        os.replace(tmp, out)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_private_atomic(path: Path | str, data: bytes | str, *, encoding: str = "utf-8",
                         fsync: bool = True) -> Path:
    """Replace `path` with `data` atomically: an owner-only temporary file beside it, flushed
    to disk, then renamed over it. A crash leaves the old file or the new one, never half."""
    path = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else data
    with private_temp(path) as tmp, open(tmp, "wb") as f:
        f.write(payload)
        if fsync:
            f.flush()
            os.fsync(f.fileno())
    return path



def read_json_object(path: Path | str) -> dict[str, Any]:
    """The JSON object a state file written with write_private_atomic holds; {} when the file
    is missing, unreadable or not an object (a state file is rebuilt, never trusted)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}

def private_sqlite(path: Path | str) -> Path:
    """Before `sqlite3.connect(path)`: the database file exists and is owner-only, and so are
    its -wal and -shm if they exist (SQLite makes new ones with the database file's mode).
    An empty file is a valid empty SQLite database."""
    path = Path(path)
    private_dir(path.parent, tighten=False)
    if path.exists():
        _tighten(path, FILE_MODE)  # a database made by an older version: 0644
    else:
        create_private(path)
    for side in ("-wal", "-shm", "-journal"):
        _tighten(path.with_name(path.name + side), FILE_MODE)
    return path


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Run the block with umask 077 (POSIX): anything created meanwhile, also by libraries
    that do not use the helpers above, is owner-only. The old umask is restored after."""
    if os.name != "posix":
        yield
        return
    old = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(old)
