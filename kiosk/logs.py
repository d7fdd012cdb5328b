"""Logging: rotating files under the data directory, never personal data.

Log calls name tickets by number and dossiers by code only; ID numbers, names, addresses and
card images are never passed to a logger.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys

from kiosk.paths import Paths
from kiosk.private_files import open_private, private_dir

LOG_FILE = "kiosk.log"


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Each log file (also the one opened after a rollover) is owner-only from the first
    byte: logs name tickets and dossiers, and a mistake must not reach other users."""

    def _open(self):  # noqa: ANN202 - logging's own signature
        return open_private(self.baseFilename, self.mode.replace("+", ""),
                            encoding=self.encoding, newline=None)


def setup_logging(paths: Paths, level: str = "INFO", *, console: bool = False) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_kiosk", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level.upper())
    # A log line that cannot be written (a full disk) is dropped, never printed with a
    # traceback over the one-line message the user needs (the CLI's storage-fault line).
    logging.raiseExceptions = False
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        private_dir(paths.logs)
        file_handler = PrivateRotatingFileHandler(
            paths.logs / LOG_FILE, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError as exc:
        print(f"warning: cannot write logs to {paths.logs}: {exc}", file=sys.stderr)
    else:
        file_handler.setFormatter(fmt)
        file_handler._kiosk = True  # type: ignore[attr-defined]
        root.addHandler(file_handler)
    if console:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(logging.WARNING)
        stream.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        stream._kiosk = True  # type: ignore[attr-defined]
        root.addHandler(stream)
