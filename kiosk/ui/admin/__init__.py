"""The admin side of a station, behind the admin PIN: the PIN pad, the admin view (reprint,
device tests, sync, doctor, logs, configuration, exit to desktop); `kiosk admin` is
standalone.py (not imported here: it runs the station runner, which installs the lock-down,
which opens this package's view)."""

from kiosk.ui.admin.admin_view import AdminView, pin_ok
from kiosk.ui.admin.pin_pad import PinDialog, PinPad

__all__ = ["AdminView", "PinDialog", "PinPad", "pin_ok"]
