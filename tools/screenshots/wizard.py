"""Regenerate the set-up wizard's hub and TLS screenshots in docs/screenshots/ (developer tool;
the other wizard pages: tools.screenshots.admin).

    python -m tools.screenshots.wizard [OUT_DIR]

Runs the real wizard headless (Qt's offscreen platform) at 1366x768 on throw-away data
directories: the hub PC (TLS on, its certificate made in its data folder, this PC named
192.168.1.10), the ticket kiosk choosing to be the office hub (the same fields), then a counter
PC testing its connection to a real TLS hub on 127.0.0.1, once with the hub's hub.crt and once
with another hub's.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

#: The files this module writes, in docs/screenshots (tests/tools/test_screenshots.py checks
#: them against the folder; screenshot_main against what a run wrote).
SHOTS = (
    "wizard-hub-tls.png",
    "wizard-summary-hub.png",
    "wizard-hub-kiosk.png",
    "wizard-summary-kiosk-hub.png",
    "wizard-hub-client.png",
    "wizard-hub-client-untrusted.png",
)

SIZE = (1366, 768)
KEY = "office-key-20260115"
HOSTS = ["hub-pc", "192.168.1.10", "localhost", "127.0.0.1"]


def take_screenshots(out_dir: Path) -> list[Path]:
    from kiosk.config import Config
    from kiosk.hub.server import start_hub_in_thread
    from kiosk.paths import Paths
    from kiosk.tls import make_self_signed
    from kiosk.ui.admin.tasks import pending_tasks
    from kiosk.ui.qtapp import ensure_app, load_fonts
    from kiosk.ui.wizard import SetupWizard
    from kiosk.ui.wizard import pages as p
    from tools.screenshots.common import compact as _compact
    from tools.screenshots.common import settle as _settle
    from tools.screenshots.common import wait as _wait

    out_dir.mkdir(parents=True, exist_ok=True)
    app = ensure_app()
    load_fonts(app)
    work = Path(tempfile.mkdtemp(prefix="kiosk-wizard-"))
    saved: list[Path] = []

    def shot(widget, name: str) -> None:
        _settle(app)
        path = out_dir / f"{name}.png"
        widget.grab().save(str(path))
        _compact(path)
        saved.append(path)

    def wizard_for(name: str, role: str, **kwargs) -> SetupWizard:
        paths = Paths(work / name, work / name / "kiosk.toml")
        wizard = SetupWizard(paths, detect_printers=lambda: None, list_ports=lambda: [],
                             **kwargs)
        wizard.resize(*SIZE)
        wizard.show()
        wizard.answers.office_code, wizard.answers.office_name = (
            "000.00.01.H26", "Điểm phục vụ hành chính công phường Ba Đình")
        page = wizard.go_to(p.RolePage)
        page.buttons[role].setChecked(True)
        page.counter.setValue(2)
        wizard.go_next()
        return wizard

    # -- the hub PC -----------------------------------------------------------------------------
    wizard = wizard_for("hub-pc", "hub", lan_hosts=lambda: list(HOSTS))
    hub = wizard.page
    assert isinstance(hub, p.HubPage)
    hub.key.setText(KEY)
    shot(wizard, "wizard-hub-tls")
    wizard.go_next()  # makes the certificate
    wizard.go_to(p.SummaryPage)
    shot(wizard, "wizard-summary-hub")
    wizard.close()

    # -- the ticket kiosk as the office hub -------------------------------------------------------
    wizard = wizard_for("kiosk-hub", "kiosk", lan_hosts=lambda: list(HOSTS))
    hub = wizard.page
    assert isinstance(hub, p.HubPage)
    hub.mode_buttons["hub"].setChecked(True)
    hub.key.setText(KEY)
    shot(wizard, "wizard-hub-kiosk")
    wizard.go_next()  # makes the certificate
    wizard.answers.printer_uri = "usb://0416:5011"
    wizard.go_to(p.SummaryPage)
    shot(wizard, "wizard-summary-kiosk-hub")
    wizard.close()

    # -- a counter PC, against a real TLS hub on this PC ------------------------------------------
    certs = make_self_signed(work / "hub-tls", ["127.0.0.1", "localhost"])
    other, _ = make_self_signed(work / "other-hub", ["127.0.0.1"])
    handle = start_hub_in_thread(work / "hub.db", Config(), KEY, port=0,
                                 tls_cert=str(certs[0]), tls_key=str(certs[1]))
    try:
        for name, ca in (("wizard-hub-client", certs[0]),
                         ("wizard-hub-client-untrusted", other)):
            wizard = wizard_for(name, "counter")
            client = wizard.page
            assert isinstance(client, p.HubPage)
            client.url.setText(handle.url)
            client.ca_file.setText(str(ca))
            client.key.setText(KEY)
            client.test_connection()
            _wait(app, lambda c=client: c.last_results is not None)
            shot(wizard, name)
            _wait(app, lambda: pending_tasks() == 0)
            wizard.close()
    finally:
        handle.stop()
    return saved


if __name__ == "__main__":
    from tools.screenshots.ticket import screenshot_main

    sys.exit(screenshot_main(take_screenshots))
