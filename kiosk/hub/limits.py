"""What the hub accepts from the network: sizes, times and the ranges of numbers.

The hub answers a client's mistake with a 4xx naming it, never a 500 (kiosk/hub/app.py's
request helpers use these), and a slow or idle client cannot hold resources others need:

- a request body must arrive whole within BODY_TIMEOUT_S of the hub starting to read it,
  else 408 and the connection is closed (a station's bodies are a few hundred bytes);
- a station's backup (PUT /api/v1/backups/..., the only large body, streamed to a file) must
  arrive within BODY_TIMEOUT_S plus its size at BACKUP_MIN_RATE bytes per second;
- a connection that has not sent a complete request within IDLE_TIMEOUT_S of opening (or of
  its previous answer) is closed; stations reconnect by themselves;
- after an early answer (401, 404, 408, 413) the rest of an unread body is read and dropped
  for at most LINGER_S, then the connection is closed.

The module-level values are read at each use, so tests can shorten them.
"""

from __future__ import annotations

import logging
import re
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

BODY_TIMEOUT_S = 10.0
IDLE_TIMEOUT_S = 75.0
LINGER_S = 2.0
BACKUP_MIN_RATE = 256 * 1024  # bytes/s: 100 Mbit/s LANs do 40 times that; Wi-Fi 10 times

MAX_JSON_DEPTH = 16          # a station's deepest body is {"records": [{"data": {...}}]}

MAX_TICKET_ID = 2 ** 63 - 1  # SQLite's INTEGER
MAX_SEQ = 2 ** 63 - 1
MAX_COUNTER = 999            # as [counter] number in the configuration

# Offline replay: a counter's outbox stamps `at` with its own clock when the clerk acts and
# sends it when the hub answers again. The hub forgets applied operation ids after 60 days
# (kiosk.queue.local.APPLIED_OPS_KEEP_DAYS), so older replays are refused well before that;
# a station clock somewhat ahead is clamped to the hub's "now" by the queue, one a day or
# more ahead is refused (its clock needs setting).
AT_MAX_AGE = timedelta(days=31)
AT_MAX_AHEAD = timedelta(days=1)

_DIGITS = re.compile(r"[0-9]{1,19}")


def ascii_int(text: str) -> int | None:
    """`text` as a whole number when it is 1 to 19 ASCII digits (no sign, no spaces, no
    other scripts' digits such as "٣" or "²"); None otherwise."""
    return int(text) if _DIGITS.fullmatch(text) else None


def at_problem(at: datetime, now: datetime | None = None) -> str | None:
    """Why `at` (an aware time from a station) cannot be when something happened, or None."""
    now = now or datetime.now(UTC)
    if at < now - AT_MAX_AGE:
        return (f"at is more than {AT_MAX_AGE.days} days in the past: an operation that old "
                "is not replayed")
    if at > now + AT_MAX_AHEAD:
        return "at is more than a day ahead of the hub's clock: set the station's clock"
    return None


class ClientErrorLog(logging.LoggerAdapter):
    """aiohttp's server logger for the hub and the city server. aiohttp logs every malformed
    request (bad request line or headers, Content-Length with chunked, a body that fails to
    decompress, a connection cut mid-body) at ERROR with a traceback; those are a client's
    mistake, so they go to INFO in one line. Anything else (a fault of the server) stays an
    ERROR."""

    def exception(self, msg: Any, *args: Any, exc_info: Any = True, **kwargs: Any) -> None:
        exc = exc_info if isinstance(exc_info, BaseException) else sys.exc_info()[1]
        if _client_mistake(exc):
            self.logger.info(f"{self.extra['prefix']}: {msg}: %s", *args,
                             f"{type(exc).__name__}: {exc}".replace("\n", " ")[:300])
            return
        self.logger.error(msg, *args, exc_info=exc_info, **kwargs)


def _client_mistake(exc: BaseException | None) -> bool:
    from aiohttp.http_exceptions import HttpProcessingError
    from aiohttp.web_protocol import RequestPayloadError

    while exc is not None:
        if isinstance(exc, (HttpProcessingError, RequestPayloadError, ConnectionError)):
            return True
        exc = exc.__cause__
    return False


def server_logger(prefix: str = "hub") -> ClientErrorLog:
    """aiohttp's server logger for one of our servers (the hub, the city server)."""
    return ClientErrorLog(logging.getLogger("aiohttp.server"), {"prefix": prefix})
