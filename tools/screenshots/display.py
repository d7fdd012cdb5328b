"""Regenerate the display board screenshots in docs/screenshots/ (developer tool).

    python -m tools.screenshots.display [OUT_DIR]

Renders the real board headless (Qt's offscreen platform) with a busy morning's data: six
counters serving, eight recent calls, people waiting for every service.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from tools.screenshots.common import settle as _settle

#: The files this module writes, in docs/screenshots (tests/tools/test_screenshots.py checks
#: them against the folder; screenshot_main against what a run wrote).
SHOTS = (
    "display-1920x1080.png",
    "display-1366x768.png",
)

SIZES = ((1920, 1080), (1366, 768))


def sample_snapshot(now: datetime) -> SimpleNamespace:
    serving = [(1, "A023", "CT"), (2, "B012", "HT"), (3, "C007", "DD"), (4, "K1004", "TKQ"),
               (5, "F015", "CTR"), (6, "A024", "CT")]
    recent = [(6, "A024", "CT"), (4, "K1004", "TKQ"), (1, "A023", "CT"), (5, "F015", "CTR"),
              (2, "B012", "HT"), (3, "C007", "DD"), (1, "A022", "CT"), (2, "B011", "HT")]
    return SimpleNamespace(
        waiting={"CT": 12, "HT": 5, "DD": 3, "KD": 0, "XH": 2, "CTR": 7, "GD": 1, "TKQ": 9},
        serving=[{"counter": c, "number": n, "service": s,
                  "called_at": now - timedelta(minutes=i * 3)}
                 for i, (c, n, s) in enumerate(serving)],
        recent=[{"counter": c, "number": n, "service": s, "at": now - timedelta(minutes=i * 2)}
                for i, (c, n, s) in enumerate(recent)],
    )




def take_screenshots(out_dir: Path) -> list[Path]:
    from kiosk.config import Config
    from kiosk.queue.catalog import load_catalog
    from kiosk.ui.display.model import services_from_catalog
    from kiosk.ui.display.window import DisplayBoard
    from kiosk.ui.qtapp import ensure_app, load_fonts
    from tools.screenshots.common import compact as _compact

    out_dir.mkdir(parents=True, exist_ok=True)
    app = ensure_app()
    load_fonts(app)
    config = Config()
    tz = ZoneInfo(config.office.timezone)
    now = datetime(2026, 3, 9, 9, 41, tzinfo=tz)
    saved = []
    for width, height in SIZES:
        board = DisplayBoard(config.office.name, services_from_catalog(load_catalog()),
                             timezone=config.office.timezone, clock=lambda: now)
        board.resize(width, height)
        board.show()
        board.apply_snapshot(sample_snapshot(now))
        # A fresh call at counter 6, caught in the yellow phase of its blink.
        board.apply_event({"kind": "recalled", "ticket": {"number": "A024", "service": "CT"},
                           "counter": 6, "at": now})
        _settle(app)
        board._blink_phase = False
        board._update_highlight()
        _settle(app, 0.1)
        path = out_dir / f"display-{width}x{height}.png"
        board.grab().save(str(path))
        _compact(path)
        saved.append(path)
        board.close()
        board.deleteLater()
    return saved


if __name__ == "__main__":
    from tools.screenshots.ticket import screenshot_main

    sys.exit(screenshot_main(take_screenshots))
