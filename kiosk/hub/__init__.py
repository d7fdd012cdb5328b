"""The office hub: one station owns the office database and serves the queue to the others
over the LAN (HTTP JSON + WebSocket push; a key per station with a role, the office key for
pairing: kiosk/hub/credentials.py). See kiosk/hub/protocol.py.

Names are imported lazily so that `kiosk.hub.protocol` stays light for clients.
"""

from __future__ import annotations

from kiosk.lazy import lazy_exports

_EXPORTS = {
    "HubError": "kiosk.hub.server",
    "HubHandle": "kiosk.hub.server",
    "serve_hub": "kiosk.hub.server",
    "start_hub_in_thread": "kiosk.hub.server",
    "make_app": "kiosk.hub.app",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS)
