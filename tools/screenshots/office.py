"""Regenerate the office window screenshots and a picture of the PDF report in
docs/screenshots/ (developer tool).

    python -m tools.screenshots.office [OUT_DIR]

Runs the real window headless (Qt's offscreen platform) on a throw-away data directory filled
by kiosk.stats.demo (ten working days and today up to 16:20, through the real ticket, calling
and rating services), with the window's clock fixed at that moment. The PDF page is rendered
with pdftoppm (poppler-utils) when it is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tools.screenshots.common import settle as _settle
from tools.screenshots.common import wait as _wait

#: The files this module writes, in docs/screenshots (tests/tools/test_screenshots.py checks
#: them against the folder; screenshot_main against what a run wrote).
SHOTS = (
    "office-today-1366x768.png",
    "office-month-clerks-1366x768.png",
    "office-month-clerks-1920x1080.png",
    "office-month-results-1366x768.png",
    "office-due-1366x768.png",
    "office-petition-case-1366x768.png",
    "office-report-pdf.png",
)

LANDSCAPE = (1366, 768)
FULL_HD = (1920, 1080)
#: A Thursday afternoon: a full morning and most of the afternoon behind it.
NOW = datetime(2026, 3, 12, 16, 20, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))






def seed_petitions(db, config) -> str:
    """Petitions for the petitions tab: one late and assigned (its code returned), one new,
    one answered."""
    from datetime import timedelta

    from kiosk.petitions import cases

    late = cases.take_petition(
        db, config, topic="Thái độ, tác phong của cán bộ", text="Cán bộ quầy 2 hướng dẫn "
        "thiếu nhiệt tình, tôi phải đi lại ba lần mới nộp được hồ sơ.", phone="0912345678",
        at=NOW - timedelta(days=20), channel="counter")[1]
    cases.assign(db, late.code, to="Trần Thị Bình", at=NOW - timedelta(days=18))
    cases.take_petition(db, config, topic="Cơ sở vật chất, trang thiết bị",
                        text="Đề nghị thêm ghế chờ", phone=None, at=NOW - timedelta(days=2))
    done = cases.take_petition(db, config, topic="Thời gian giải quyết hồ sơ",
                               text="Hồ sơ chờ lâu", phone=None,
                               at=NOW - timedelta(days=9))[1]
    cases.answer(db, done.code, text="Hồ sơ đã giải quyết xong.", by="Lê Văn Chính",
                 at=NOW - timedelta(days=3))
    return late.code


def shot_with_box(window, box, path: Path) -> None:
    """The window with a box over it, dimmed, as the head of office sees them (a box is a
    window of its own, which the window's grab leaves out)."""
    from PySide6.QtGui import QColor, QPainter

    picture = window.grab()
    painter = QPainter(picture)
    painter.fillRect(picture.rect(), QColor(0, 0, 0, 80))
    inner = box.grab()
    painter.drawPixmap((picture.width() - inner.width()) // 2,
                       (picture.height() - inner.height()) // 2, inner)
    painter.end()
    picture.save(str(path))


def take_screenshots(out_dir: Path) -> list[Path]:
    from kiosk.config import Config
    from kiosk.paths import Paths
    from kiosk.station import open_database
    from kiosk.stats import office_stats
    from kiosk.stats.demo import seed_demo
    from kiosk.stats.report import write_report
    from kiosk.ui.office.window import MONTH, build_office_window
    from kiosk.ui.qtapp import ensure_app
    from tools.screenshots.common import compact as _compact

    out_dir.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="office-shots-"))
    paths = Paths(data, data / "kiosk.toml")
    config = Config()
    db = open_database(config, paths)
    seed_demo(db, config, now=NOW)
    late = seed_petitions(db, config)
    db.conn.close()

    app = ensure_app()
    window = build_office_window(config, paths, clock=lambda: NOW)
    saved: list[Path] = []

    def shot(name: str, size: tuple[int, int]) -> None:
        window.resize(*size)
        _settle(app)
        path = out_dir / f"office-{name}-{size[0]}x{size[1]}.png"
        window.grab().save(str(path))
        _compact(path)
        saved.append(path)

    def recompute(action: Callable[[], None]) -> None:
        window.stats = None
        action()
        _wait(app, lambda: window.stats is not None)

    try:
        window.resize(*LANDSCAPE)
        window.show()
        _wait(app, lambda: window.stats is not None)
        shot("today", LANDSCAPE)
        recompute(lambda: window.set_preset(MONTH))
        window.tabs.setCurrentIndex(1)  # per clerk: queue and dossier figures side by side
        shot("month-clerks", LANDSCAPE)
        # The due list: the office's open dossiers overdue and falling due.
        window.tabs.setCurrentIndex(window.due_tab)
        _wait(app, lambda: window.due_list is not None)
        shot("due", LANDSCAPE)
        # A late petition opened from its tab: given to a clerk, the answer being written.
        window.tabs.setCurrentIndex(window.petitions_tab)
        _wait(app, lambda: len(window.petitions.rows) == 2)
        window.petitions.open_row(0)
        _wait(app, lambda: window.petition_cases.box is not None)
        box = window.petition_cases.box
        box.answer.setPlainText("Văn phòng đã nhắc nhở cán bộ và bố trí thêm người hướng dẫn "
                                "tại quầy 2. Xin cảm ơn ông/bà đã phản ánh.")
        window.resize(*LANDSCAPE)
        _settle(app)
        path = out_dir / "office-petition-case-1366x768.png"
        shot_with_box(window, box, path)
        _compact(path)
        saved.append(path)
        box.reject()
        assert late == window.petitions.rows[0].code
        # The results per clerk, each figure under its Decision 766 group.
        window.tabs.setCurrentWidget(window.result_pages["by_clerk"])
        shot("month-results", LANDSCAPE)
        window.tabs.setCurrentIndex(1)
        shot("month-clerks", FULL_HD)
    finally:
        window.shutdown()
        window.close()

    db = open_database(config, paths)
    try:
        stats = office_stats(db, NOW.date().replace(day=1), NOW.date(), config.office.timezone)
    finally:
        db.conn.close()
    pdf = write_report(stats, "pdf", data / "report.pdf", unit_name=config.office.name,
                       generated=f"Lập lúc {NOW:%H:%M} ngày {NOW:%d/%m/%Y}")
    if shutil.which("pdftoppm"):
        stem = out_dir / "office-report-pdf"
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(stem)], check=True)
        page = stem.with_suffix(".png")
        _compact(page)
        saved.append(page)
    shutil.rmtree(data, ignore_errors=True)
    return saved


if __name__ == "__main__":
    from tools.screenshots.ticket import screenshot_main

    sys.exit(screenshot_main(take_screenshots))
