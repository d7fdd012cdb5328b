"""Queue kiosk and counter terminal for commune public administration service points."""

__version__ = "0.1.0"

# Every package's database migration, registered with the store before anything opens one.
from kiosk import schema as _schema  # noqa: E402, F401
