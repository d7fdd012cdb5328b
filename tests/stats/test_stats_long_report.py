"""A report over months: its long by-day table drawn row by row, the headings on each page."""

import shutil
import subprocess
from datetime import timedelta

import pytest

from kiosk.config import Config
from kiosk.stats import office_stats
from kiosk.stats.report import write_report
from kiosk.ticketing import TicketDesk
from tests.stats.test_stats_helpers import MONDAY, TZ, seed_six_plus_one


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_a_year_by_day_has_every_day_and_its_headings_on_every_page(db, tmp_path):
    seed_six_plus_one(db, TicketDesk(db, Config()))
    end = MONDAY + timedelta(days=200)
    stats = office_stats(db, MONDAY, end, TZ)
    assert len(stats.by_day) > 100
    out = write_report(stats, "pdf", tmp_path / "nam.pdf", unit_name="UBND xã Demo")
    pages = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")
    text = "\f".join(pages)
    assert f"{MONDAY:%d/%m/%Y}" in text and f"{end:%d/%m/%Y}" in text
    day_pages = [p for p in pages if "/" in p and "Hàng chờ (lượt)" in p]
    assert len(day_pages) >= 4  # 201 days: headings repeated on each page of the table
    for day in range(201):
        assert f"{MONDAY + timedelta(days=day):%d/%m/%Y}" in text
    # The first day holds the six tickets of the helpers' day, and the total row follows.
    first = next(line for line in text.splitlines() if f"{MONDAY:%d/%m/%Y}" in line
                 and line.lstrip().startswith(("T2", "T3", "T4", "T5", "T6", "T7", "CN")))
    assert first.split()[2] == str(stats.by_day[0].issued)
    assert text.count("Cộng") >= 2
