"""Serial / USB-CDC scanners: framing, a pty-backed virtual scanner, unplug and replug."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading  # noqa: E402
import time  # noqa: E402

import pytest  # noqa: E402

from drivers.scanners import (  # noqa: E402
    PortInfo,
    ScanEvent,
    ScanFramer,
    ScannerStatus,
    SerialScanner,
    UsbIdError,
    decode_scan_bytes,
    find_port,
    parse_usb_id,
)
from drivers.scanners import serial_scanner as serial_scanner_module  # noqa: E402
from tests.util import wait_until  # noqa: E402

CCCD = ("034303011829||Nguyễn Thị Hoa|21032003|Nữ|"
        "Thôn Lai Ổn, An Quý, Quỳnh Phụ, Thái Bình|14082021")
CCCD_2024 = ("093186002237|362499103|Nguyễn Thị Kim Thư|11011986|Nữ|"
             "56 Trần Hoàng Na, Kv6, An Khánh, Ninh Kiều, Cần Thơ|04102024||||")
DOSSIER = "000.00.01.H26-260115-0007"

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a POSIX pty")


# --- framing --------------------------------------------------------------------------------


@pytest.mark.parametrize("terminator", [b"\r", b"\n", b"\r\n"])
def test_framer_splits_at_any_terminator(terminator):
    f = ScanFramer()
    data = CCCD.encode() + terminator + DOSSIER.encode() + terminator
    assert f.feed(data, 0.0) == [CCCD.encode(), DOSSIER.encode()]
    assert not f.pending


def test_framer_reassembles_split_reads_including_a_split_crlf():
    f = ScanFramer()
    raw = CCCD.encode()
    # Cut inside a multi-byte UTF-8 character on purpose: bytes are kept until the terminator.
    cut = raw.index("ễ".encode()) + 1
    assert f.feed(raw[:cut], 0.0) == []
    assert f.feed(raw[cut:] + b"\r", 0.01) == [raw]
    assert f.feed(b"\n", 0.02) == []  # the LF of a CRLF split across reads is not a scan
    assert f.flush_due(10.0) is None


def test_framer_flushes_after_silence_for_scanners_without_terminator():
    f = ScanFramer(flush_after_s=0.1)
    f.feed(DOSSIER.encode()[:10], 1.0)
    f.feed(DOSSIER.encode()[10:], 1.05)
    assert f.flush_due(1.1) is None  # only 50 ms since the last byte
    assert f.flush_due(1.16) == DOSSIER.encode()


def test_framer_drops_endless_lines():
    f = ScanFramer(max_length=100)
    assert f.feed(b"x" * 150, 0.0) == []
    assert not f.pending


def test_bytes_are_decoded_as_utf8_and_garbage_is_marked_not_guessed():
    assert decode_scan_bytes(CCCD.encode()) == CCCD
    assert decode_scan_bytes(b"\x02" + DOSSIER.encode() + b"\x03") == DOSSIER
    assert "\ufffd" in decode_scan_bytes(b"L\xea V\xe3n")  # "Lê Văn" in cp1258


def test_scan_event_repr_leaves_out_the_text():
    event = ScanEvent.now(CCCD.encode(), CCCD, "serial:/dev/ttyACM0")
    assert "Nguyễn" not in repr(event) and "034303011829" not in repr(event)
    assert event.at.tzinfo is not None


# --- discovery ------------------------------------------------------------------------------


def test_usb_ids_parse_and_match():
    assert parse_usb_id("0c2e:0B61") == (0x0C2E, 0x0B61)
    assert parse_usb_id("0C2E") == (0x0C2E, None)
    with pytest.raises(UsbIdError):
        parse_usb_id("honeywell")
    ports = [PortInfo("/dev/ttyS0", "serial"),
             PortInfo("/dev/ttyACM0", "Honeywell scanner", vid=0x0C2E, pid=0x0B61),
             PortInfo("/dev/ttyACM1", "Newland", vid=0x1EAB, pid=0x1D06)]
    assert find_port("", ["0C2E:0B61"], ports) == "/dev/ttyACM0"
    assert find_port("", ["1EAB"], ports) == "/dev/ttyACM1"
    assert find_port("", ["0C2E:0001"], ports) is None
    assert ports[1].likely_scanner and not ports[0].likely_scanner
    assert ports[1].usb_id == "0C2E:0B61"


def test_a_configured_port_that_is_missing_falls_back_to_usb_ids(tmp_path):
    ports = [PortInfo("/dev/ttyACM3", "scanner", vid=0x05E0, pid=0x1200)]
    assert find_port(str(tmp_path / "gone"), ["05E0:1200"], ports) == "/dev/ttyACM3"
    assert find_port(str(tmp_path / "gone"), [], ports) is None


# --- a pty-backed virtual scanner -------------------------------------------------------------


class VirtualScanner:
    """A pty whose slave is reached through a symlink, like /dev/serial/by-id/...: unplugging
    closes the pty and removes the link; plugging in makes a new pty and points the link at it."""

    def __init__(self, link):
        self.link = str(link)
        self.master = self.slave = None

    def plug(self):
        self.master, self.slave = os.openpty()
        tmp = self.link + ".new"
        os.symlink(os.ttyname(self.slave), tmp)
        os.replace(tmp, self.link)

    def unplug(self):
        os.unlink(self.link)
        os.close(self.master)
        os.close(self.slave)
        self.master = self.slave = None

    def send(self, data: bytes, chunks: int = 1, pause: float = 0.0):
        """Write `data` in `chunks` pieces `pause` seconds apart: the pause is what is tested
        (a scanner whose bytes arrive in several reads), not a wait for the reader."""
        step = -(-len(data) // chunks)
        for i in range(0, len(data), step):
            os.write(self.master, data[i:i + step])
            if pause:
                time.sleep(pause)

    def close(self):
        if self.master is not None:
            self.unplug()


class Recorder:
    def __init__(self):
        self.scans: list[ScanEvent] = []
        self.statuses: list[ScannerStatus] = []
        self.changed = threading.Condition()

    def on_scan(self, event):
        with self.changed:
            self.scans.append(event)
            self.changed.notify_all()

    def on_status(self, status, device):
        with self.changed:
            self.statuses.append(status)
            self.changed.notify_all()

    def wait_for(self, predicate, timeout=3.0):
        with self.changed:
            assert self.changed.wait_for(predicate, timeout), (self.statuses, len(self.scans))


@pytest.fixture
def virtual(tmp_path):
    v = VirtualScanner(tmp_path / "scanner")
    v.plug()
    yield v
    v.close()


@pytest.fixture
def recorder():
    return Recorder()


def _start(virtual, recorder, **kw):
    scanner = SerialScanner(recorder.on_scan, port=virtual.link, on_status=recorder.on_status,
                            reconnect_s=0.05, **kw)
    scanner.start()
    recorder.wait_for(lambda: ScannerStatus.CONNECTED in recorder.statuses)
    return scanner


def test_split_utf8_payload_with_each_terminator(virtual, recorder):
    scanner = _start(virtual, recorder)
    try:
        for i, terminator in enumerate((b"\r", b"\n", b"\r\n")):
            virtual.send(CCCD.encode() + terminator, chunks=3, pause=0.02)
            recorder.wait_for(lambda i=i: len(recorder.scans) == i + 1)
        virtual.send(CCCD_2024.encode() + b"\r\n" + DOSSIER.encode() + b"\r\n")
        recorder.wait_for(lambda: len(recorder.scans) == 5)
    finally:
        scanner.stop()
    assert [s.text for s in recorder.scans] == [CCCD] * 3 + [CCCD_2024, DOSSIER]
    assert recorder.scans[0].data == CCCD.encode()
    assert recorder.scans[0].source == f"serial:{virtual.link}"
    assert recorder.statuses[-1] is ScannerStatus.STOPPED


def test_scanner_without_terminator_is_flushed_after_silence(virtual, recorder):
    scanner = _start(virtual, recorder, flush_after_s=0.08)
    try:
        virtual.send(DOSSIER.encode(), chunks=3, pause=0.01)
        recorder.wait_for(lambda: recorder.scans)
    finally:
        scanner.stop()
    assert [s.text for s in recorder.scans] == [DOSSIER]


def test_unplug_and_replug_reconnects_by_itself(virtual, recorder, monkeypatch):
    looks = []  # what each of the scanner's looks for its port found
    real_find_port = serial_scanner_module.find_port

    def find_port(*args, **kwargs):
        looks.append(real_find_port(*args, **kwargs))
        return looks[-1]

    monkeypatch.setattr(serial_scanner_module, "find_port", find_port)
    # No flush by silence in this test: the half scan below is dropped by the unplug alone.
    scanner = _start(virtual, recorder, flush_after_s=60.0)
    try:
        virtual.send(DOSSIER.encode() + b"\r")
        recorder.wait_for(lambda: len(recorder.scans) == 1)
        virtual.send(b"half a sca")  # cut off by the unplug: must not come out as a scan
        wait_until(lambda: scanner._framer.pending, timeout=3)  # the reader holds it
        virtual.unplug()
        recorder.wait_for(lambda: recorder.statuses[-1] is ScannerStatus.DISCONNECTED)
        misses = looks.count(None)
        wait_until(lambda: looks.count(None) >= misses + 3, timeout=3)  # replugged after 3 misses
        virtual.plug()
        recorder.wait_for(lambda: recorder.statuses.count(ScannerStatus.CONNECTED) == 2)
        virtual.send(CCCD.encode() + b"\r\n", chunks=3, pause=0.01)
        recorder.wait_for(lambda: len(recorder.scans) == 2)
    finally:
        scanner.stop()
    assert [s.text for s in recorder.scans] == [DOSSIER, CCCD]
    assert recorder.statuses[:4] == [ScannerStatus.CONNECTED, ScannerStatus.DISCONNECTED,
                                     ScannerStatus.CONNECTED, ScannerStatus.STOPPED]


def test_waits_for_a_scanner_that_is_not_plugged_in_yet(tmp_path, recorder):
    v = VirtualScanner(tmp_path / "later")
    scanner = SerialScanner(recorder.on_scan, port=v.link, on_status=recorder.on_status,
                            reconnect_s=0.03)
    scanner.start()
    try:
        recorder.wait_for(lambda: recorder.statuses == [ScannerStatus.DISCONNECTED])
        v.plug()
        recorder.wait_for(lambda: ScannerStatus.CONNECTED in recorder.statuses)
        v.send(DOSSIER.encode() + b"\n")
        recorder.wait_for(lambda: recorder.scans)
    finally:
        scanner.stop()
        v.close()
    assert recorder.scans[0].text == DOSSIER


def test_a_failing_handler_does_not_stop_the_reader(virtual, recorder):
    calls = []

    def handler(event):
        calls.append(event)
        if len(calls) == 1:
            raise ValueError(event.text)
        recorder.on_scan(event)

    scanner = SerialScanner(handler, port=virtual.link, reconnect_s=0.05,
                            on_status=recorder.on_status)
    scanner.start()
    try:
        recorder.wait_for(lambda: recorder.statuses == [ScannerStatus.CONNECTED])
        virtual.send(DOSSIER.encode() + b"\r" + CCCD.encode() + b"\r")
        recorder.wait_for(lambda: recorder.scans)
    finally:
        scanner.stop()
    assert recorder.scans[0].text == CCCD


def test_qt_adapter_delivers_scans_on_the_ui_thread(qtbot, virtual):
    from drivers.scanners.qt_adapters import QtSerialScanner

    adapter = QtSerialScanner(port=virtual.link, reconnect_s=0.05)
    ui_thread = threading.get_ident()
    seen = []
    adapter.scanned.connect(lambda e: seen.append((e.text, threading.get_ident())))
    with qtbot.waitSignal(adapter.status_changed, timeout=3000) as status:
        adapter.start()
    assert status.args == ["connected", virtual.link]
    try:
        with qtbot.waitSignal(adapter.scanned, timeout=3000):
            virtual.send(CCCD.encode() + b"\r\n", chunks=3, pause=0.01)
    finally:
        adapter.stop()
    assert seen == [(CCCD, ui_thread)]


def test_needs_a_port_or_usb_id():
    with pytest.raises(ValueError):
        SerialScanner(lambda e: None)


def test_cli_listen_prints_scans_as_json(virtual, capsys):
    import argparse
    import json

    from kiosk.commands.scan_devices import register_into
    from kiosk.config import Config

    parser = argparse.ArgumentParser()
    register_into(parser.add_subparsers().add_parser("scan").add_subparsers())
    args = parser.parse_args(["scan", "listen", "--port", virtual.link, "--count", "2",
                              "--timeout", "10"])
    done = threading.Event()

    def keep_scanning():  # until the listener has connected and taken two scans
        while not done.wait(0.05):
            virtual.send(CCCD.encode() + b"\r\n" + DOSSIER.encode() + b"\r\n")

    writer = threading.Thread(target=keep_scanning)
    writer.start()
    try:
        code = args.handler(args, Config(), None)
    finally:
        done.set()
        writer.join()
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert code == 0 and len(lines) == 2
    assert {line["kind"] for line in lines} == {"cccd", "dossier"}
    cccd = next(line for line in lines if line["kind"] == "cccd")
    assert cccd["fields"]["full_name"] == "Nguyễn Thị Hoa" and cccd["error"] is None
    assert cccd["source"] == f"serial:{virtual.link}"
    assert "scanner connected" in captured.err


def test_cli_listen_without_a_configured_scanner(capsys):
    import argparse

    from kiosk.commands.scan_devices import register_into
    from kiosk.config import Config

    parser = argparse.ArgumentParser()
    register_into(parser.add_subparsers().add_parser("scan").add_subparsers())
    args = parser.parse_args(["scan", "listen"])
    assert args.handler(args, Config(), None) == 2
    assert "No scanner configured" in capsys.readouterr().err


def test_settings_come_from_the_config_scanner_section():
    from kiosk.config import Config
    from kiosk.scanner_settings import ScannerSettings, scanner_settings

    assert scanner_settings(Config()) == ScannerSettings()
    assert not scanner_settings(Config()).serial_configured
    config = Config().with_values(scanner={"serial_port": "COM3", "usb_ids": ["0C2E:0B61"],
                                           "baudrate": 115200, "engine": "zbar"})
    settings = scanner_settings(config)
    assert settings.serial_port == "COM3" and settings.usb_ids == ("0C2E:0B61",)
    assert settings.baudrate == 115200 and settings.engine == "zbar"
    assert settings.wedge_max_interkey_ms == Config().scanner.wedge_max_interkey_ms
    assert settings.serial_configured
