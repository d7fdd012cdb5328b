"""Regenerate the ticket screen screenshots in docs/screenshots/ (developer tool).

    python -m tools.screenshots.ticket [OUT_DIR]

Runs the real screen headless (Qt's offscreen platform) on a throw-away data directory with a
few waiting tickets, every service open whatever the hour, a preview printer
for the good path and an unreachable TCP printer for the failure and out-of-service views.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tools.screenshots.common import compact as _compact
from tools.screenshots.common import settle as _settle
from tools.screenshots.common import wait as _wait

#: The files this module writes, in docs/screenshots (tests/tools/test_screenshots.py checks
#: them against the folder; screenshot_main against what a run wrote).
SHOTS = (
    "ticket_screen_1366x768.png",
    "priority_chosen_1366x768.png",
    "confirmation_1366x768.png",
    "ticket_screen_en_1366x768.png",
    "confirmation_en_1080x1920.png",
    "ticket_printout_vi.png",
    "ticket_printout_en.png",
    "ticket_screen_1080x1920.png",
    "priority_chosen_1080x1920.png",
    "confirmation_1080x1920.png",
    "closed_hours_1366x768.png",
    "print_failed_1366x768.png",
    "out_of_service_1366x768.png",
    "out_of_service_1080x1920.png",
)

LANDSCAPE = (1366, 768)
PORTRAIT = (1080, 1920)








def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def take_screenshots(out_dir: Path) -> list[Path]:
    from kiosk.config import Config
    from kiosk.paths import Paths
    from kiosk.printout.ticket import render_ticket
    from kiosk.queue.priority import PriorityCategory
    from kiosk.store import connect
    from kiosk.ticketing import TicketDesk, ticket_slip
    from kiosk.ui.app import build_window
    from kiosk.ui.qtapp import ensure_app

    out_dir.mkdir(parents=True, exist_ok=True)
    app = ensure_app()
    data = Path(tempfile.mkdtemp(prefix="kiosk-shots-"))
    paths = Paths(data, data / "kiosk.toml")
    base = Config()
    db = connect(paths.database)
    desk = TicketDesk(db, base)
    for code, count in (("CT", 3), ("HT", 5), ("DD", 2), ("CTR", 1), ("TKQ", 4)):
        for _ in range(count):
            desk.record_print(desk.issue(code), True)
    db.conn.close()

    saved: list[Path] = []

    def shot(window, name: str) -> None:
        _settle(app)
        path = out_dir / f"{name}.png"
        window.grab().save(str(path))
        _compact(path)
        saved.append(path)

    def show(window, size) -> None:
        window.resize(*size)
        window.show()
        _settle(app, 0.3)

    good = base.with_values(printer={"uri": f"preview://{data / 'previews'}"},
                            kiosk={"fullscreen": False, "confirm_timeout_s": 15,
                                   "enforce_opening_hours": False})
    window = build_window(good, paths)
    try:
        show(window, LANDSCAPE)
        _wait(app, lambda: window.start_page.service_buttons["HT"].waiting.text().endswith("5"))
        shot(window, "ticket_screen_1366x768")
        window.start_page.category_buttons[PriorityCategory.ELDERLY].click()
        shot(window, "priority_chosen_1366x768")
        window.start_page.service_buttons["CT"].click()
        _wait(app, lambda: window.confirm_page.state == "printed")
        shot(window, "confirmation_1366x768")
        window.confirm_page.done_button.click()
        window.set_language("en")
        shot(window, "ticket_screen_en_1366x768")
        window.set_language("vi")
        show(window, PORTRAIT)
        shot(window, "ticket_screen_1080x1920")
        window.start_page.category_buttons[PriorityCategory.ELDERLY].click()
        shot(window, "priority_chosen_1080x1920")
        window.cancel_priority()
        window.start_page.service_buttons["HT"].click()
        _wait(app, lambda: window.confirm_page.state == "printed")
        shot(window, "confirmation_1080x1920")
        window.confirm_page.done_button.click()
        # A citizen in English: the screen and the printed ticket in English (the printout as
        # the 80 mm printer draws it, 576 dots wide).
        window.set_language("en")
        window.start_page.category_buttons[PriorityCategory.ELDERLY].click()
        window.start_page.service_buttons["HT"].click()
        _wait(app, lambda: window.confirm_page.state == "printed")
        shot(window, "confirmation_en_1080x1920")
        ticket = window.confirm_page.ticket
        service = window.services[ticket.service_code]
        for language in ("vi", "en"):
            path = out_dir / f"ticket_printout_{language}.png"
            render_ticket(ticket_slip(good, service, ticket, language), 576).save(
                str(path), optimize=True)
            saved.append(path)
        window.confirm_page.done_button.click()
    finally:
        window.close()

    # Sunday: every service of the demo catalog is closed.
    closed = good.with_values(kiosk={"enforce_opening_hours": True})
    sunday = datetime.now(ZoneInfo(base.office.timezone))
    sunday += timedelta(days=6 - sunday.weekday())
    window = build_window(closed, paths, clock=lambda: sunday)
    try:
        show(window, LANDSCAPE)
        window.start_page.service_buttons["CT"].click()
        shot(window, "closed_hours_1366x768")
    finally:
        window.close()

    bad = base.with_values(
        printer={"uri": f"tcp://127.0.0.1:{_closed_port()}", "timeout_s": 1},
        kiosk={"fullscreen": False, "confirm_timeout_s": 15, "out_of_service_after": 1,
               "printer_recheck_s": 600, "enforce_opening_hours": False})
    window = build_window(bad, paths)
    try:
        show(window, LANDSCAPE)
        window.start_page.service_buttons["DD"].click()
        _wait(app, lambda: window.confirm_page.state == "failed")
        shot(window, "print_failed_1366x768")
        window.confirm_page.done_button.click()
        shot(window, "out_of_service_1366x768")
        show(window, PORTRAIT)
        shot(window, "out_of_service_1080x1920")
    finally:
        window.close()
    return saved


def screenshot_main(take: Callable[[Path], list[Path]],
                    argv: list[str] | None = None) -> int:
    """`python -m <a screenshots module> [DIR]`: render offscreen into DIR (default
    docs/screenshots of this checkout) and print the files written."""
    args = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = Path(args[0]) if args else Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    written = take(out)
    for path in written:
        print(path)
    check_shots(sys.modules[take.__module__].SHOTS, [p.name for p in written])
    return 0


def check_shots(declared: Sequence[str], written: Sequence[str]) -> None:
    """A run writes what its module declares in SHOTS: a file it does not declare would be
    a picture tests/tools/test_screenshots.py calls stale; one declared and not written (the
    PDF page without pdftoppm) is left as it was, and said."""
    undeclared = sorted(set(written) - set(declared))
    if undeclared:
        raise RuntimeError(f"written but not in the module's SHOTS: {', '.join(undeclared)}")
    for name in sorted(set(declared) - set(written)):
        print(f"not written this time (left as it was): {name}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(screenshot_main(take_screenshots))
