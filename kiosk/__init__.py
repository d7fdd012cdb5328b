"""Queue kiosk and counter terminal for commune public administration service points."""

__version__ = "0.1.0"
