"""Regenerate the set-up wizard and admin view screenshots in docs/screenshots/ (developer tool).

    python -m tools.screenshots.admin [OUT_DIR]

Runs the real screens headless (Qt's offscreen platform) at 1366x768 on a throw-away data
directory: a file printer, a local reference city server, a few tickets and a dossier made of
the public sample data, one record the city refused.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from tools.screenshots.common import compact as _compact
from tools.screenshots.common import settle as _settle
from tools.screenshots.common import wait as _wait

#: The files this module writes, in docs/screenshots (tests/tools/test_screenshots.py checks
#: them against the folder; screenshot_main against what a run wrote).
SHOTS = (
    "wizard-welcome.png",
    "wizard-keyboard.png",
    "wizard-role.png",
    "wizard-printer.png",
    "wizard-scanner.png",
    "wizard-city.png",
    "wizard-pin.png",
    "wizard-summary.png",
    "admin-pin.png",
    "admin-reprint.png",
    "admin-devices.png",
    "admin-sync.png",
    "admin-doctor.png",
    "admin-logs.png",
    "admin-config.png",
)

SIZE = (1366, 768)
TOKEN = "screenshot-token-0001"
CCCD = ("034303011829||Nguyễn Thị Hoa|21032003|Nữ|Thôn Lai Ổn, An Quý, Quỳnh Phụ, Thái Bình|"
        "14082021")








def _seed(paths, config) -> None:
    from datetime import UTC, date, datetime

    from kiosk.dossiers import DossierDesk, Intake, Person
    from kiosk.store import append_outbox, connect, transaction
    from kiosk.ticketing import TicketDesk

    db = connect(paths.database)
    desk = TicketDesk(db, config)
    for code in ("CT", "HT", "CT", "DD", "HT"):
        desk.record_print(desk.issue(code), True)
    person = Person("Nguyễn Thị Hoa", "034303011829", date(2003, 3, 21), "Nữ",
                    "Thôn Lai Ổn, An Quý, Quỳnh Phụ, Thái Bình")
    dossiers = DossierDesk(db, config)
    dossiers.save_intake(Intake(dossiers.procedures[0].code, person), clerk="Cán bộ Demo")
    with transaction(db) as conn:
        append_outbox(conn, "rating", {"level": 9}, datetime.now(UTC),
                      record_id="3f0c2a9e-5b1d-4c7e-9a8f-2d6e1b0c4a77")
        conn.execute("UPDATE outbox SET set_aside_at = ?, set_aside_reason = ? WHERE "
                     "record_id = '3f0c2a9e-5b1d-4c7e-9a8f-2d6e1b0c4a77'",
                     (datetime.now(UTC).isoformat(), "invalid_record: level must be 1-3"))
    db.conn.close()


def take_screenshots(out_dir: Path) -> list[Path]:
    from drivers.printers import DetectedPrinter, PrinterScan
    from drivers.scanners import PortInfo
    from kiosk import config as config_mod
    from kiosk.admin.pin import hash_pin
    from kiosk.admin.settings import pin_gate, save_pin_hash
    from kiosk.config import Config
    from kiosk.diagnostics.selftest import LocalCityServer
    from kiosk.logs import setup_logging
    from kiosk.paths import Paths
    from kiosk.ui.admin import AdminView
    from kiosk.ui.admin.pin_pad import PinDialog
    from kiosk.ui.admin.tasks import pending_tasks
    from kiosk.ui.qtapp import ensure_app, load_fonts
    from kiosk.ui.wizard import SetupWizard
    from kiosk.ui.wizard import pages as p

    out_dir.mkdir(parents=True, exist_ok=True)
    app = ensure_app()
    load_fonts(app)
    work = Path(tempfile.mkdtemp(prefix="kiosk-admin-shots-"))
    city = LocalCityServer(work, TOKEN)
    url = city.start()
    saved: list[Path] = []
    hubs: list = []

    def shot(widget, name: str) -> None:
        _settle(app)
        path = out_dir / f"{name}.png"
        widget.grab().save(str(path))
        _compact(path)
        saved.append(path)

    try:
        # -- the wizard, filled as a counter PC ------------------------------------------------
        paths = Paths(work / "wizard", work / "wizard" / "kiosk.toml")
        printer_file = work / "printer.bin"

        def detect():
            return PrinterScan(
                [DetectedPrinter("usb://0416:5011", "Winbond/Nuvoton POS-80C [0416:5011]",
                                 "usb"),
                 DetectedPrinter(f"file://{printer_file}", "Máy in thử (ghi ra tệp)", "usb"),
                 DetectedPrinter("serial:///dev/ttyS0?baudrate=9600",
                                 "ttyS0 - serial port; set baudrate to the printer's", "serial")],
                ["USB: no libusb library found, USB printers were not searched."])

        def ports():
            return [PortInfo("/dev/ttyACM0", "Honeywell Xenon 1950g", 0x0C2E, 0x0B61),
                    PortInfo("/dev/ttyS0", "ttyS0")]

        wizard = SetupWizard(paths, detect_printers=detect, list_ports=ports)
        wizard.resize(*SIZE)
        wizard.show()
        shot(wizard, "wizard-welcome")
        wizard.go_next()
        office = wizard.page
        office.code.setText("000.00.01.H26")
        office.name.setText("Điểm phục vụ hành chính công phường Ba ")
        if wizard.keyboard is not None:
            office.name.setFocus()
            wizard.keyboard_button.setChecked(True)
            for key in ("shift", *"ddifnh"):  # Telex: Đình
                wizard.keyboard.press(key)
            shot(wizard, "wizard-keyboard")
            wizard.keyboard_button.setChecked(False)
        office.name.setText("Điểm phục vụ hành chính công phường Ba Đình")
        wizard.go_next()
        role = wizard.page
        role.buttons["counter"].setChecked(True)
        role.counter.setValue(2)
        shot(wizard, "wizard-role")
        wizard.go_next()
        hub = wizard.page
        # A real office hub on this PC to pair with: the page moves on once it has answered.
        from kiosk.hub.server import HubError, start_hub_in_thread

        office_key = "office-key-20260115"
        try:
            office_hub = start_hub_in_thread(work / "hub.db", Config(), office_key, port=8090)
        except HubError:  # the usual port is taken here: any free one
            office_hub = start_hub_in_thread(work / "hub.db", Config(), office_key, port=0)
        hubs.append(office_hub)
        hub.url.setText(office_hub.url)
        hub.key.setText(office_key)
        wizard.go_next()
        _wait(app, lambda: not isinstance(wizard.page, p.HubPage))
        printer = wizard.page
        _wait(app, lambda: printer.found.count() == 3)
        printer.found.item(1).setSelected(True)
        printer.tester.test_print()
        _wait(app, lambda: printer.tester.last_ok is not None)
        shot(wizard, "wizard-printer")
        wizard.go_next()
        scanner = wizard.page
        _wait(app, lambda: scanner.ports.count() == 3)
        scanner.ports.item(1).setSelected(True)
        scanner.tester.wedge.setText(CCCD)
        scanner.tester.wedge.returnPressed.emit()
        shot(wizard, "wizard-scanner")
        wizard.go_next()
        citypage = wizard.page
        citypage.url.setText(url)
        citypage.token.setText(TOKEN)
        citypage.test_connection()
        _wait(app, lambda: citypage.last_results is not None)
        shot(wizard, "wizard-city")
        wizard.go_next()
        pin = wizard.page
        assert isinstance(pin, p.PinPage)
        pin.first.setText("482915")
        pin.second.setText("482915")
        shot(wizard, "wizard-pin")
        wizard.go_next()
        shot(wizard, "wizard-summary")
        wizard.close()

        # -- the admin view --------------------------------------------------------------------
        paths = Paths(work / "station", work / "station" / "kiosk.toml")
        config = Config().with_values(
            office={"name": "Điểm phục vụ hành chính công phường Ba Đình"},
            station={"id": "counter-2"},
            printer={"uri": f"file://{printer_file}"},
            scanner={"serial_port": "/dev/ttyACM0"},
            sync={"server_url": url, "token": TOKEN})
        config_mod.save(config, paths.config_file)
        os.chmod(paths.config_file, 0o600)
        config = save_pin_hash(config, paths, hash_pin("482915"))
        setup_logging(paths)
        _seed(paths, config)
        import logging

        logging.getLogger("kiosk.ui.counter").warning("scan refused: %s",
                                                      "cccd.encoding for 034303011829")

        dialog = PinDialog(PinDialog.VERIFY, gate=pin_gate(config, paths),
                           stored_hash=hash_pin("482915"))
        dialog.show()
        dialog.pad.display.setText("4829")
        shot(dialog, "admin-pin")
        dialog.close()

        view = AdminView(config, paths, supervised=True, over_kiosk=True, idle_close_ms=None)
        view.resize(*SIZE)
        view.show()
        _wait(app, lambda: view.reprint_tab.tickets.rowCount() > 0)  # read on the lane
        view.reprint_tab.tickets.selectRow(0)
        shot(view, "admin-reprint")
        view.tabs.setCurrentWidget(view.devices_tab)
        view.devices_tab.printer_panel.test_print()
        _wait(app, lambda: view.devices_tab.printer_panel.last_ok is not None)
        shot(view, "admin-devices")
        view.tabs.setCurrentWidget(view.sync_tab)
        _wait(app, lambda: view.sync_tab.table.rowCount() > 0)
        shot(view, "admin-sync")
        view.tabs.setCurrentWidget(view.doctor_tab)
        view.doctor_tab.run_checks()
        _wait(app, lambda: bool(view.doctor_tab.results))
        shot(view, "admin-doctor")
        view.tabs.setCurrentWidget(view.logs_tab)
        shot(view, "admin-logs")
        view.tabs.setCurrentWidget(view.config_tab)
        view.config_tab.editor.sections.setCurrentRow(4)
        shot(view, "admin-config")
        _wait(app, lambda: pending_tasks() == 0)
        view.close()
    finally:
        city.stop()
        for office_hub in hubs:
            office_hub.stop()
    return saved


if __name__ == "__main__":
    from tools.screenshots.ticket import screenshot_main

    sys.exit(screenshot_main(take_screenshots))
