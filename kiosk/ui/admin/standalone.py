"""`kiosk admin`: the admin view as a station of its own (after the PIN), run by the station
runner until it is closed. The admin view over a running kiosk is kiosk/ui/lockdown.py's
AdminFlow instead.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.config import Config
from kiosk.paths import Paths
from kiosk.ui.admin.admin_view import AdminView, pin_ok
from kiosk.ui.runner import Opened, Station, run_station


def _open_admin(app, config: Config, paths: Paths, *, config_error: str | None = None
                ) -> Opened | None:
    allowed, config = pin_ok(None, config, paths)
    if not allowed:
        return None
    view = AdminView(config, paths, config_error=config_error, supervised=False)
    view.back_requested.connect(view.close)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    return Opened(view, done=view.destroyed, result=lambda _view: 0)


#: The admin view in a window of its own: modal, ends when the view closes (0), or at once
#: when the PIN is refused (1).
ADMIN = Station("admin view", open=_open_admin, modal=True, refused=1)


def run_admin(config: Config, paths: Paths, *, config_error: str | None = None) -> int:
    """`kiosk admin`: the PIN, then the admin view in a window until it is closed."""
    return run_station(ADMIN, config, paths, config_error=config_error)
