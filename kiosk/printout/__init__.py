"""Printed output (queue tickets, later receipts) rendered to 1-bit images with Pillow.

No Qt here: rendering must work in a headless service and in tests.
"""

from kiosk.printout.ticket import TicketSlip, render_ticket, ticket_qr_text

__all__ = ["TicketSlip", "render_ticket", "ticket_qr_text"]
