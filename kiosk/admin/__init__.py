"""Station administration without Qt: the admin PIN (salted slow hash, lockout) and the
settings the set-up wizard and the admin view read and write.

Names are imported lazily: kiosk.config checks PIN hashes with kiosk.admin.pin, and
kiosk.admin.settings reads the configuration, so importing one must not run the other.
"""

from __future__ import annotations

from kiosk.lazy import lazy_exports

_EXPORTS = {
    "LockoutState": "kiosk.admin.pin",
    "PinAttempt": "kiosk.admin.pin",
    "PinGate": "kiosk.admin.pin",
    "hash_pin": "kiosk.admin.pin",
    "is_pin_hash": "kiosk.admin.pin",
    "pin_problem": "kiosk.admin.pin",
    "verify_pin": "kiosk.admin.pin",
    "ROLES": "kiosk.admin.settings",
    "lock_state_file": "kiosk.admin.settings",
    "pin_gate": "kiosk.admin.settings",
    "save_pin_hash": "kiosk.admin.settings",
    "station_role": "kiosk.admin.settings",
    "stored_pin_hash": "kiosk.admin.settings",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS)
