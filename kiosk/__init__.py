"""Queue kiosk and counter terminal for commune public administration service points."""

__version__ = "0.1.0"

# Before anything imports sqlite-utils: numpy stays out of it (kiosk/import_hooks.py).
from kiosk import import_hooks as _import_hooks  # noqa: E402

_import_hooks.install()

# Every package's database migration, registered with the store before anything opens one.
from kiosk import schema as _schema  # noqa: E402, F401
