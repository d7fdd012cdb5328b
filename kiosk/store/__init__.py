"""The station's SQLite store: connection, migrations, transactions, outbox.

Names are imported lazily: every package's schema module registers its migration with
kiosk.store.migrations when `kiosk` is imported (kiosk/schema.py), which must not load SQLite
(the domain stays free of it).
"""

from __future__ import annotations

from kiosk.lazy import lazy_exports

_EXPORTS = {
    "StoreError": "kiosk.store.db",
    "connect": "kiosk.store.db",
    "migrate": "kiosk.store.db",
    "schema_version": "kiosk.store.db",
    "transaction": "kiosk.store.db",
    "wrap": "kiosk.store.db",
    "append_outbox": "kiosk.store.outbox",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS)
