"""Station administration without Qt: the admin PIN (salted slow hash, lockout) and the
settings the set-up wizard and the admin view read and write."""

from kiosk.admin.pin import (
    LockoutState,
    PinAttempt,
    PinGate,
    hash_pin,
    is_pin_hash,
    pin_problem,
    verify_pin,
)
from kiosk.admin.settings import (
    ROLES,
    lock_state_file,
    pin_gate,
    save_pin_hash,
    station_role,
    stored_pin_hash,
)

__all__ = [
    "ROLES",
    "LockoutState",
    "PinAttempt",
    "PinGate",
    "hash_pin",
    "is_pin_hash",
    "lock_state_file",
    "pin_gate",
    "pin_problem",
    "save_pin_hash",
    "station_role",
    "stored_pin_hash",
    "verify_pin",
]
