"""The admin side of a station, behind the admin PIN: the PIN pad, the admin view (reprint,
device tests, sync, doctor, logs, configuration, exit to desktop) and `kiosk admin`."""

from kiosk.ui.admin.admin_view import AdminView, pin_ok, run_admin
from kiosk.ui.admin.pin_pad import PinDialog, PinPad

__all__ = ["AdminView", "PinDialog", "PinPad", "pin_ok", "run_admin"]
