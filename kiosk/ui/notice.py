"""A plain message box for a program that has no console to say it in.

`kiosk-gui.exe` has no console (sys.stdout and sys.stderr are None): a refusal that a console
command prints (a second start of a running station, kiosk/instance.py) would reach only the
log, and the technician who double-clicked would see nothing happen. Only such a start
imports this module, so console commands never load Qt for it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox, QSizePolicy, QSpacerItem

from kiosk.ui.i18n import translate
from kiosk.ui.qtapp import ensure_app, load_fonts

#: Wide enough for a technician's line (a path, the fix) to wrap in a few lines, not a column.
NOTICE_WIDTH = 520
#: The box closes by itself after this long: a refused start that nobody watches (two
#: auto-starts at log-on) must not stay over the running kiosk all day.
NOTICE_TIMEOUT_S = 60.0


def show_notice(title: str, text: str, detail: str = "", *, warning: bool = False,
                timeout_s: float = NOTICE_TIMEOUT_S) -> None:
    """Show `text` (Vietnamese) and a technician's `detail` with one "Đóng" button, above
    every other window, until it is closed or `timeout_s` has passed."""
    load_fonts(ensure_app())
    box = QMessageBox()
    box.setObjectName("kioskNotice")
    box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    if detail:
        box.setInformativeText(detail)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.button(QMessageBox.StandardButton.Close).setText(translate("notice", "Đóng"))
    # The running station's window may be full screen and kept on top (kiosk/ui/lockdown.py)
    box.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
    grid = box.layout()  # QMessageBox's own grid: a spacer row sets the width
    grid.addItem(QSpacerItem(NOTICE_WIDTH, 0, QSizePolicy.Policy.Minimum,
                             QSizePolicy.Policy.Expanding), grid.rowCount(), 0, 1,
                 grid.columnCount())
    QTimer.singleShot(int(timeout_s * 1000), box, box.reject)
    box.exec()
