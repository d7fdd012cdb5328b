"""Knowing an Epson: which printers take Epson's own commands ([printer] profile = "auto")."""

from __future__ import annotations

#: Seiko Epson's USB vendor ID.
EPSON_USB_VENDOR = 0x04B8


def epson_driver(driver_name: str | None) -> bool:
    """True for a Windows queue on Epson's own driver for a thermal receipt printer that has
    the QR command.

    Epson's drivers name themselves after the model ("EPSON TM-T82III Receipt", "EPSON
    TM-T20II Receipt5", "EPSON TM-T88V Receipt"); clones ship their own ("POS-80C",
    "XP-80C"). Left out: the TM-U models (impact printers) and the models older than the
    TM-T88IV, which have no QR command.
    """
    words = (driver_name or "").strip().casefold().split()
    if len(words) < 2 or words[0] != "epson" or not words[1].startswith("tm-"):
        return False
    model = words[1]
    return not model.startswith("tm-u") and model not in _EPSON_WITHOUT_QR


#: Epson thermal models whose firmware has no QR command (GS ( k).
_EPSON_WITHOUT_QR = frozenset({"tm-t88", "tm-t88ii", "tm-t88iii", "tm-t70"})
