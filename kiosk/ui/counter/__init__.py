"""The counter window (quầy tiếp nhận và trả kết quả): dossier intake from an ID card scan,
returning results from a receipt barcode, the logbook. PySide6 Widgets.

    from kiosk.ui.counter import build_counter_window, run_counter
"""

from kiosk.ui.counter.window import CounterWindow, build_counter_window, run_counter

__all__ = ["CounterWindow", "build_counter_window", "run_counter"]
