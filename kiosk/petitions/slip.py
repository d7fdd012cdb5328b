"""The petition slip of a case, printed on a given printer: the one way the kiosk, the counter
window and `kiosk petition take` print it (the layout is kiosk/printout/petition.py)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from kiosk.printout.petition import PetitionSlip, render_petition_slip


def petition_slip(config: Any, petition: Any, language: str = "vi") -> PetitionSlip:
    """What the slip of `petition` says: the office, the code, the topic, the time received
    in the office's time zone and the deadline; never the text or the phone number."""
    return PetitionSlip(config.office.name, petition.code, petition.topic,
                        petition.received_at.astimezone(ZoneInfo(config.office.timezone)),
                        petition.due_date, language)


def print_petition_slip(printer: Any, config: Any, petition: Any,
                        language: str = "vi") -> None:
    """Render the slip exactly the printer's width and print it; raises the driver's
    PrintError."""
    printer.print_image(render_petition_slip(petition_slip(config, petition, language),
                                             printer.width_dots))
