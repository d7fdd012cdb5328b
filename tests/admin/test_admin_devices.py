"""The admin's test ticket goes out as the configured printer settings build tickets."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.admin.devices import test_print as print_test_ticket
from kiosk.config import Config
from kiosk.paths import Paths
from tests.escpos_raster import parse_escpos


@pytest.mark.parametrize("profile", ["basic", "epson"])
def test_the_test_ticket_uses_the_printer_profile(tmp_path: Path, profile: str) -> None:
    target = tmp_path / "printer.bin"
    config = Config().with_values(printer={"profile": profile})
    paths = Paths(tmp_path, tmp_path / "kiosk.toml")
    print_test_ticket(config, paths, f"file://{target}", 80)
    job = target.read_bytes()
    [page] = parse_escpos(job).pages
    assert page.cut
    assert (b"\x1ba\x01\x1dv0" in job) is (profile == "epson")  # raster centred by the printer
    assert bool(page.qr_texts) is (profile == "epson")  # the printer's own QR command
