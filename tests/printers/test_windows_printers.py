"""Printers as Windows presents them, on any OS: a stand-in for pywin32's win32print (the
spooler), for winreg (the usbprint ports) and pyusb devices that answer a claim the way
libusb answers for a printer on its vendor's driver (LIBUSB_ERROR_NOT_SUPPORTED).

Only what cannot exist on Linux is stood in for: the project's own code (detection, the win32
backend, the CLI, the doctor check) runs as it is, with sys.platform patched where it asks.
"""

from __future__ import annotations

import sys
import time
import types
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from serial.tools import list_ports  # before sys.platform is patched

from drivers.printers import PrintError, PrinterStatus, detect, open_printer, scan_printers
from drivers.printers.errors import VI_OFFLINE, VI_QUEUE_OFFLINE, VI_QUEUE_PAUSED
from drivers.printers.spooler_printers import (
    JOB_NAME,
    PRINTER_ATTRIBUTE_WORK_OFFLINE,
    PRINTER_STATUS_OFFLINE,
    PRINTER_STATUS_PAPER_OUT,
    PRINTER_STATUS_PAUSED,
    Win32Printer,
)
from kiosk.printout import TicketSlip, render_ticket
from kiosk.printout.ticket import ticket_qr_text
from tests.escpos_raster import parse_escpos
from tests.printers.test_printers import same_pixels

SLIP = TicketSlip(office_name="Điểm phục vụ hành chính công xã Demo", office_code="000.00.01.H26",
                  service_name="Chứng thực", number="A001", priority_label=None, people_ahead=0,
                  issued_at=datetime(2026, 1, 15, 8, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))


# -- a stand-in spooler --------------------------------------------------------------------


class SpoolerError(Exception):
    """pywintypes.error stand-in."""


class Job:
    def __init__(self, queue: str, info: tuple) -> None:
        self.queue, self.info = queue, info
        self.data = bytearray()
        self.state = "spooling"  # -> "submitted" (EndDocPrinter) or "deleted" (AbortPrinter)


class Spooler(types.ModuleType):
    """Just enough of win32print: queues with a status and attributes, RAW jobs."""

    PRINTER_ENUM_LOCAL = 2
    PRINTER_ENUM_CONNECTIONS = 4

    def __init__(self) -> None:
        super().__init__("win32print")
        self.queues: dict[str, dict] = {}
        self.jobs: list[Job] = []
        self.open_handles: set[int] = set()
        self.fail_write_after: int | None = None
        self.fail_end_doc = False
        self.calls: list[str] = []
        self._next = 1
        self._job_of: dict[int, Job] = {}

    def add(self, name: str, *, port: str = "USB001", status: int = 0,
            attributes: int = 0, driver: str = "POS-80 Printer") -> None:
        self.queues[name] = {"Status": status, "Attributes": attributes, "pPortName": port,
                             "pDriverName": driver}

    def EnumPrinters(self, flags: int, name: object = None, level: int = 1) -> list:  # noqa: N802
        self.calls.append(f"EnumPrinters({level})")
        if level == 1:
            return [(0, f"{n},{q['pDriverName']},", n, "") for n, q in self.queues.items()]
        return [{"pPrinterName": n, **q} for n, q in self.queues.items()]

    def OpenPrinter(self, name: str) -> int:  # noqa: N802
        # Windows finds queues case-insensitively.
        if not any(n.casefold() == name.casefold() for n in self.queues):
            raise SpoolerError(1801, "OpenPrinter", "The printer name is invalid.")
        handle, self._next = self._next, self._next + 1
        self.open_handles.add(handle)
        self._name = {**getattr(self, "_name", {}), handle: name}
        return handle

    def GetPrinter(self, handle: int, level: int) -> dict:  # noqa: N802
        assert handle in self.open_handles and level == 2
        name = self._name[handle]
        queue = next(q for n, q in self.queues.items() if n.casefold() == name.casefold())
        return {"pPrinterName": name, **queue, "cJobs": 0}

    def StartDocPrinter(self, handle: int, level: int, info: tuple) -> int:  # noqa: N802
        assert handle in self.open_handles and level == 1
        job = Job(self._name[handle], info)
        self.jobs.append(job)
        self._job_of[handle] = job
        return len(self.jobs)

    def StartPagePrinter(self, handle: int) -> None:  # noqa: N802
        assert self._job_of[handle].state == "spooling"

    def WritePrinter(self, handle: int, data: bytes) -> int:  # noqa: N802
        job = self._job_of[handle]
        if self.fail_write_after is not None and len(job.data) >= self.fail_write_after:
            raise SpoolerError(1722, "WritePrinter", "The RPC server is unavailable.")
        job.data.extend(data)
        return len(data)

    def EndPagePrinter(self, handle: int) -> None:  # noqa: N802
        self.calls.append("EndPagePrinter")

    def EndDocPrinter(self, handle: int) -> None:  # noqa: N802
        self.calls.append("EndDocPrinter")
        if self.fail_end_doc:
            raise SpoolerError(1722, "EndDocPrinter", "The RPC server is unavailable.")
        self._job_of[handle].state = "submitted"

    def AbortPrinter(self, handle: int) -> None:  # noqa: N802
        self.calls.append("AbortPrinter")
        self._job_of[handle].state = "deleted"

    def ClosePrinter(self, handle: int) -> None:  # noqa: N802
        self.open_handles.discard(handle)


@pytest.fixture
def spooler(monkeypatch: pytest.MonkeyPatch) -> Spooler:
    fake = Spooler()
    monkeypatch.setitem(sys.modules, "win32print", fake)
    return fake


@pytest.fixture(scope="module")
def ticket() -> object:
    return render_ticket(SLIP, 576)


def test_win32_prints_one_raw_job_to_the_queue_named_in_any_case(spooler: Spooler,
                                                                 ticket: object) -> None:
    spooler.add("POS-80C")
    printer = open_printer("win32://pos-80c", timeout_s=2.0)
    assert isinstance(printer, Win32Printer)
    assert printer.status() is PrinterStatus.UNKNOWN  # queue fine; paper unknown
    printer.print_image(ticket)
    [job] = spooler.jobs
    assert job.queue == "POS-80C" and job.info == (JOB_NAME, None, "RAW")
    assert job.state == "submitted"
    assert same_pixels(parse_escpos(bytes(job.data)).images[0], ticket)
    assert not spooler.open_handles


@pytest.mark.parametrize(("driver", "profile", "epson"), [
    ("EPSON TM-T82III Receipt", "auto", True),
    ("epson tm-t20ii receipt5", "auto", True),
    ("EPSON TM-U220 Receipt", "auto", False),  # an impact printer: no QR command
    ("EPSON TM-T88III Receipt", "auto", False),  # older than the QR command
    ("EPSON TM-T88IV Receipt", "auto", True),
    ("EPSONTM-T82 clone", "auto", False),
    ("POS-80 Printer", "auto", False),
    ("EPSON TM-T82III Receipt", "basic", False),
    ("POS-80 Printer", "epson", True),
])
def test_win32_auto_profile_follows_the_queues_driver(spooler: Spooler, ticket: object,
                                                      driver: str, profile: str,
                                                      epson: bool) -> None:
    spooler.add("Quầy vé", driver=driver)
    printer = open_printer("win32://Quầy vé", timeout_s=2.0, profile=profile)
    printer.warm_up()  # the kiosk warms its printer up before the first citizen
    printer.print_image(ticket)
    printer.print_image(ticket)
    jobs = [bytes(job.data) for job in spooler.jobs]
    assert jobs[0] == jobs[1]
    [page] = parse_escpos(jobs[0]).pages
    assert same_pixels(page.image, ticket)
    assert page.qr_texts == ([ticket_qr_text(SLIP)] if epson else [])
    assert (b"\x1ba\x01\x1dv0" in jobs[0]) is epson
    assert (len(jobs[0]) < 20_000) is epson
    # Asked when warming up (auto only) and by each job's connect, never outside them.
    assert spooler.calls.count("EnumPrinters(4)") == (3 if profile == "auto" else 2)


def test_printer_test_command_says_which_commands_it_used(spooler: Spooler, tmp_path: Path,
                                                          capsys) -> None:
    from kiosk.cli import main

    spooler.add("Quầy vé", driver="EPSON TM-T82III Receipt")
    spooler.add("POS-80C", driver="POS-80 Printer")
    assert main(["--data-dir", str(tmp_path), "printer", "test", "--printer",
                 "win32://Quầy vé"]) == 0
    assert "Commands: Epson's" in capsys.readouterr().out
    assert parse_escpos(bytes(spooler.jobs[-1].data)).pages[0].qr_texts != []
    assert main(["--data-dir", str(tmp_path), "printer", "test", "--printer",
                 "win32://POS-80C"]) == 0
    assert "Commands: raster images only" in capsys.readouterr().out
    assert parse_escpos(bytes(spooler.jobs[-1].data)).pages[0].qr_texts == []


def test_win32_auto_profile_learns_the_driver_at_the_first_connect(
        spooler: Spooler, ticket: object) -> None:
    printer = open_printer("win32://TM-T82", timeout_s=2.0, profile="auto")
    printer.warm_up()  # no such queue yet: nothing known
    with pytest.raises(PrintError):
        printer.print_image(ticket)
    spooler.add("TM-T82", driver="EPSON TM-T82III Receipt")
    printer.print_image(ticket)  # the driver is learnt by this job's connect: plain raster
    printer.print_image(ticket)
    first, second = [bytes(j.data) for j in spooler.jobs if j.state == "submitted"]
    assert parse_escpos(first).pages[0].qr_texts == []
    assert parse_escpos(second).pages[0].qr_texts == [ticket_qr_text(SLIP)]
    assert same_pixels(parse_escpos(first).pages[0].image, ticket)
    assert same_pixels(parse_escpos(second).pages[0].image, ticket)


def test_win32_first_ticket_does_not_wait_for_a_hanging_spooler_outside_its_watchdog(
        spooler: Spooler, ticket: object, monkeypatch: pytest.MonkeyPatch) -> None:
    spooler.add("Quầy vé", driver="EPSON TM-T82III Receipt")
    real = spooler.GetPrinter
    calls = []

    def slow(handle: int, level: int) -> dict:
        calls.append(level)
        if len(calls) == 1:
            time.sleep(1.5)  # the spooler hangs at the first question only
        return real(handle, level)

    monkeypatch.setattr(spooler, "GetPrinter", slow)
    printer = open_printer("win32://Quầy vé", timeout_s=0.5, profile="auto")
    started = time.monotonic()
    printer.warm_up()  # gives up after its timeout, the spooler thread left behind
    assert time.monotonic() - started < 1.2
    started = time.monotonic()
    printer.print_image(ticket)  # plain raster until the driver is known: no extra wait
    assert time.monotonic() - started < 1.0
    assert len(calls) == 2


@pytest.mark.parametrize(("status", "attributes", "message_vi", "fix"), [
    (PRINTER_STATUS_PAUSED, 0, VI_QUEUE_PAUSED, "Pause Printing"),
    (0, PRINTER_ATTRIBUTE_WORK_OFFLINE, VI_QUEUE_OFFLINE, "Use Printer Offline"),
    (PRINTER_STATUS_OFFLINE, 0, VI_OFFLINE, "Switch it on"),
])
def test_win32_paused_or_offline_queue_refuses_the_ticket(
        spooler: Spooler, ticket: object, status: int, attributes: int, message_vi: str,
        fix: str) -> None:
    spooler.add("POS-80C", status=status, attributes=attributes)
    printer = open_printer("win32://POS-80C", timeout_s=2.0)
    assert printer.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrintError) as caught:
        printer.print_image(ticket)
    assert caught.value.status is PrinterStatus.OFFLINE
    assert caught.value.message_vi == message_vi
    assert fix in caught.value.message_en and "'POS-80C'" in caught.value.message_en
    assert spooler.jobs == []  # nothing waits in the queue to come out later
    assert not spooler.open_handles


def test_win32_paper_out_reported_by_the_driver(spooler: Spooler, ticket: object) -> None:
    spooler.add("POS-80C", status=PRINTER_STATUS_PAPER_OUT)
    printer = open_printer("win32://POS-80C", timeout_s=2.0)
    assert printer.status() is PrinterStatus.PAPER_OUT
    with pytest.raises(PrintError) as caught:
        printer.print_image(ticket)
    assert caught.value.status is PrinterStatus.PAPER_OUT and spooler.jobs == []


def test_win32_failed_write_deletes_the_job_instead_of_submitting_it(
        spooler: Spooler, ticket: object) -> None:
    spooler.add("POS-80C")
    spooler.fail_write_after = 0
    printer = open_printer("win32://POS-80C", timeout_s=2.0)
    with pytest.raises(PrintError) as caught:
        printer.print_image(ticket)
    assert "RPC server" in caught.value.message_en
    [job] = spooler.jobs
    assert job.state == "deleted" and "EndDocPrinter" not in spooler.calls
    assert not spooler.open_handles


def test_win32_failed_submit_aborts_the_job(spooler: Spooler, ticket: object) -> None:
    spooler.add("POS-80C")
    spooler.fail_end_doc = True
    printer = open_printer("win32://POS-80C", timeout_s=2.0)
    with pytest.raises(PrintError):
        printer.print_image(ticket)
    assert spooler.calls[-2:] == ["EndDocPrinter", "AbortPrinter"]
    assert spooler.jobs[0].state == "deleted" and not spooler.open_handles


def test_win32_unknown_queue_names_the_problem(spooler: Spooler, ticket: object) -> None:
    spooler.add("POS-80C")
    printer = open_printer("win32://XP-58", timeout_s=2.0)
    assert printer.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrintError) as caught:
        printer.print_image(ticket)
    assert "no printer named 'XP-58'" in caught.value.message_en and spooler.jobs == []


def test_doctor_names_the_paused_queue(spooler: Spooler, tmp_path: Path) -> None:
    from kiosk.config import Config
    from kiosk.diagnostics.checks import Context, check_printer
    from kiosk.paths import Paths

    spooler.add("POS-80C", status=PRINTER_STATUS_PAUSED)
    ctx = Context(Paths(tmp_path, tmp_path / "kiosk.toml"), Config())
    [result] = check_printer(ctx, uri="win32://pos-80c")
    assert not result.ok
    assert "'POS-80C'" in result.detail and "is paused" in result.detail
    assert "Pause Printing" in result.detail and "paused" in result.fix


# -- detection: libusb's view against the spooler's ----------------------------------------


class UsbError(OSError):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.backend_error_code = code


class FakeInterface:
    def __init__(self, number: int, cls: int) -> None:
        self.bInterfaceNumber, self.bInterfaceClass = number, cls

    def __iter__(self) -> Iterator[object]:
        return iter(())


class FakeDevice:
    """A USB printer as libusb lists it; claiming its interface answers `claim_error`."""

    iManufacturer = iProduct = 0

    def __init__(self, vid: int, pid: int, claim_error: int | None = None) -> None:
        self.idVendor, self.idProduct = vid, pid
        self.claim_error = claim_error
        self.claimed: list[int] = []
        self.disposed = 0

    def __iter__(self) -> Iterator[list[FakeInterface]]:
        return iter([[FakeInterface(0, 7)]])

    def is_kernel_driver_active(self, number: int) -> bool:
        return False


@pytest.fixture
def usb_bus(monkeypatch: pytest.MonkeyPatch) -> list[FakeDevice]:
    import usb.core
    import usb.util

    devices: list[FakeDevice] = []

    def claim(device: FakeDevice, number: int) -> None:
        if device.claim_error is not None:
            raise usb.core.USBError("claim failed", device.claim_error)
        device.claimed.append(number)

    def dispose(device: FakeDevice) -> None:
        device.disposed += 1

    monkeypatch.setattr(usb.core, "find", lambda **kwargs: iter(devices))
    monkeypatch.setattr(usb.util, "claim_interface", claim)
    monkeypatch.setattr(usb.util, "release_interface", lambda *args: None)
    monkeypatch.setattr(usb.util, "dispose_resources", dispose)
    monkeypatch.setattr(list_ports, "comports", lambda: [])
    return devices


class Registry(types.ModuleType):
    """winreg stand-in holding the usbprint device interfaces: key path -> values."""

    HKEY_LOCAL_MACHINE = "HKLM"

    def __init__(self, keys: dict[str, dict[str, object]]) -> None:
        super().__init__("winreg")
        self.keys = keys

    class _Key:
        def __init__(self, path: str) -> None:
            self.path = path

        def __enter__(self) -> Registry._Key:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    def OpenKey(self, parent: object, sub: str) -> Registry._Key:  # noqa: N802
        path = sub if parent == "HKLM" else f"{parent.path}\\{sub}"  # type: ignore[attr-defined]
        if not any(k == path or k.startswith(path + "\\") for k in self.keys):
            raise FileNotFoundError(path)
        return self._Key(path)

    def EnumKey(self, key: Registry._Key, index: int) -> str:  # noqa: N802
        children = sorted({k[len(key.path) + 1:].split("\\")[0] for k in self.keys
                           if k.startswith(key.path + "\\")})
        if index >= len(children):
            raise OSError("no more data")
        return children[index]

    def QueryValueEx(self, key: Registry._Key, name: str) -> tuple[object, int]:  # noqa: N802
        values = self.keys.get(key.path, {})
        if name not in values:
            raise FileNotFoundError(name)
        return values[name], 4


def usbprint_port(vid: int, pid: int, number: int, serial: str = "5&1") -> dict:
    guid = "{28d78fad-5a12-11d1-ae5b-0000f803a8c2}"
    instance = f"##?#USB#VID_{vid:04X}&PID_{pid:04X}#{serial}#{guid}"
    return {f"{detect.USBPRINT_CLASS_KEY}\\{instance}\\#\\Device Parameters":
            {"Port Number": number, "Base Name": "USB"}}


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch, spooler: Spooler) -> Spooler:
    monkeypatch.setattr(sys, "platform", "win32")
    return spooler


def test_windows_listing_says_which_printer_needs_winusb_and_which_goes_through_the_spooler(
        windows: Spooler, usb_bus: list[FakeDevice], monkeypatch: pytest.MonkeyPatch) -> None:
    winusb = FakeDevice(0x0416, 0x5011)  # bound to WinUSB with Zadig: libusb claims it
    spooled = FakeDevice(0x04B8, 0x0202, claim_error=-12)  # vendor driver, has a queue
    bare = FakeDevice(0x0FE6, 0x811E, claim_error=-12)  # vendor driver, no queue
    held = FakeDevice(0x0519, 0x0003, claim_error=-3)  # WinUSB, opened by a running kiosk
    usb_bus.extend([winusb, spooled, bare, held])
    windows.add("EPSON TM-T82III Receipt", port="USB002")
    windows.add("Microsoft Print to PDF", port="PORTPROMPT:", driver="Microsoft Print To PDF")
    monkeypatch.setitem(sys.modules, "winreg", Registry(
        usbprint_port(0x04B8, 0x0202, 2) | usbprint_port(0x1234, 0x0001, 1)))

    scan = scan_printers()

    by_uri = {p.uri: p for p in scan.printers}
    assert by_uri["usb://0416:5011"].verdict == detect.READY
    assert winusb.claimed == [0] and winusb.disposed == 1  # tried, then let go
    assert "usb://04b8:0202" not in by_uri and "usb://0fe6:811e" not in by_uri
    queue = by_uri["win32://EPSON TM-T82III Receipt"]
    assert queue.verdict == detect.USE_SPOOLER and "04b8:0202" in queue.description
    assert "win32://EPSON TM-T82III Receipt" in queue.note
    assert by_uri["win32://Microsoft Print to PDF"].verdict == ""
    unusable = {p.uri: p.verdict for p in scan.unusable}
    assert unusable == {"usb://04b8:0202": detect.USE_SPOOLER,
                        "usb://0fe6:811e": detect.NEEDS_WINUSB}
    assert any("0fe6:811e" in n and "Zadig" in n and "WinUSB" in n for n in scan.notes)
    assert any("04b8:0202" in n and "win32://EPSON" in n for n in scan.notes)
    assert by_uri["usb://0519:0003"].verdict == detect.NO_ACCESS
    assert "chương trình khác" in by_uri["usb://0519:0003"].note


def test_windows_listing_without_the_registry_still_refuses_the_vendor_driver_usb(
        windows: Spooler, usb_bus: list[FakeDevice], monkeypatch: pytest.MonkeyPatch) -> None:
    usb_bus.append(FakeDevice(0x04B8, 0x0202, claim_error=-12))
    windows.add("EPSON TM-T82III Receipt", port="USB001")
    monkeypatch.setitem(sys.modules, "winreg", Registry({}))
    scan = scan_printers()
    assert [p.uri for p in scan.printers] == ["win32://EPSON TM-T82III Receipt"]
    assert [p.verdict for p in scan.unusable] == [detect.NEEDS_WINUSB]


def test_linux_listing_reports_a_printer_it_may_not_open(usb_bus: list[FakeDevice],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    usb_bus.extend([FakeDevice(0x0416, 0x5011, claim_error=-3),
                    FakeDevice(0x0483, 0x5743, claim_error=-6)])
    scan = scan_printers()
    assert [(p.uri, p.verdict) for p in scan.printers] == [
        ("usb://0416:5011", detect.NO_ACCESS), ("usb://0483:5743", detect.BUSY)]
    assert scan.unusable == []
    assert any("udev" in n for n in scan.notes)


def test_printer_list_prints_the_verdicts(windows: Spooler, usb_bus: list[FakeDevice],
                                          monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.cli import main

    usb_bus.extend([FakeDevice(0x04B8, 0x0202, claim_error=-12),
                    FakeDevice(0x0FE6, 0x811E, claim_error=-12)])
    windows.add("EPSON TM-T82III Receipt", port="USB002")
    monkeypatch.setitem(sys.modules, "winreg", Registry(usbprint_port(0x04B8, 0x0202, 2)))
    assert main(["--data-dir", str(tmp_path), "printer", "list"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    spooler_line = lines.index(next(x for x in lines if x.startswith("win32://EPSON")))
    assert "print through the Windows queue" in lines[spooler_line + 1]
    after = out.split("not usable as usb://", 1)[1]
    assert "usb://0fe6:811e" in after and "bind it to WinUSB with Zadig" in after
