"""The office window (head of the service point): statistics for a day, week, month or any
range, with charts (QtCharts) and Excel (xlsx), csv and pdf export. PySide6 Widgets + QtCharts.

    from kiosk.ui.office import build_office_window, run_office
"""

from kiosk.ui.office.window import OfficeWindow, build_office_window, run_office

__all__ = ["OfficeWindow", "build_office_window", "run_office"]
