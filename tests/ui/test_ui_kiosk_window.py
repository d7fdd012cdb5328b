"""`kiosk demo` (a windowed ticket kiosk) takes the screen's available area instead of a fixed
1366x768, whatever the screen's size and orientation."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.ui import runner  # noqa: E402
from kiosk.ui.app import KIOSK, WINDOW_SIZE  # noqa: E402


def test_windowed_kiosk_fits_the_available_screen(qtbot, tmp_path):
    config = Config().with_values(kiosk={"fullscreen": False},
                                  printer={"uri": f"preview://{tmp_path / 'p'}"})
    app = QApplication.instance()
    opened = KIOSK.open(app, config, Paths(tmp_path, tmp_path / "kiosk.toml"))
    window = opened.window
    try:
        runner.show(app, window, KIOSK, full_screen=False)  # as the runner does: declared size
        qtbot.waitExposed(window)
        assert opened.after_show is not None
        opened.after_show()
        area = window.screen().availableGeometry()
        assert (area.width(), area.height()) != WINDOW_SIZE  # this screen is another size
        qtbot.waitUntil(lambda: window.frameGeometry().width() <= area.width()
                        and window.frameGeometry().height() <= area.height(), timeout=2000)
        assert area.contains(window.frameGeometry())
        # The whole area, not a corner of it; the layout follows (portrait or landscape).
        assert window.width() >= area.width() - 20 and window.height() >= area.height() - 60
    finally:
        window.close()
