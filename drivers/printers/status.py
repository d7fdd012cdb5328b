"""Printer states and the ESC/POS real-time status queries (DLE EOT n) that reveal them.

The bit layouts follow Epson's ESC/POS reference for DLE EOT 1, 2 and 4, which clones implement
too. Many cheap printers do not answer at all: silence means UNKNOWN, never OFFLINE, because the
link itself worked.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

DLE_EOT_PRINTER = b"\x10\x04\x01"
DLE_EOT_OFFLINE_CAUSE = b"\x10\x04\x02"
DLE_EOT_PAPER = b"\x10\x04\x04"

_ONLINE_BIT_OFF = 0x08  # DLE EOT 1, bit 3: printer is offline
_PAPER_STOP = 0x20  # DLE EOT 2, bit 5: printing stopped because the paper ran out
_PAPER_NEAR_END = 0x0C  # DLE EOT 4, bits 2-3: roll near-end sensor
_PAPER_END = 0x60  # DLE EOT 4, bits 5-6: roll end sensor


class PrinterStatus(Enum):
    READY = "ready"
    PAPER_OUT = "paper_out"
    PAPER_LOW = "paper_low"
    #: Unreachable, or the printer says it is offline (cover open, jam, error).
    OFFLINE = "offline"
    #: The backend cannot read status, or the printer did not answer the query.
    UNKNOWN = "unknown"


def _is_status_byte(value: int | None) -> bool:
    # Every DLE EOT reply has bits 1 and 4 set and bits 0 and 7 clear; anything else is line noise
    # or a reply to something else, and must not be read as "paper out".
    return value is not None and (value & 0x93) == 0x12


def query_status(exchange: Callable[[bytes], int | None]) -> PrinterStatus:
    """Ask the printer for its state.

    `exchange(query)` sends one DLE EOT query and returns the reply byte, or None when none came
    in time; it raises OSError when the link fails, which the caller maps to OFFLINE.
    """
    printer = exchange(DLE_EOT_PRINTER)
    if not _is_status_byte(printer):
        return PrinterStatus.UNKNOWN
    assert printer is not None
    paper = exchange(DLE_EOT_PAPER)
    paper_known = _is_status_byte(paper)
    if paper_known and paper is not None and paper & _PAPER_END:
        return PrinterStatus.PAPER_OUT
    if printer & _ONLINE_BIT_OFF:
        cause = exchange(DLE_EOT_OFFLINE_CAUSE)
        if _is_status_byte(cause) and cause is not None and cause & _PAPER_STOP:
            return PrinterStatus.PAPER_OUT
        return PrinterStatus.OFFLINE
    if paper_known and paper is not None and paper & _PAPER_NEAR_END:
        return PrinterStatus.PAPER_LOW
    return PrinterStatus.READY
