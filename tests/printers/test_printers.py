"""Printer drivers against files, a PNG folder, real sockets and a pseudo-terminal.

No printer hardware: TCP printers are socket servers in threads, serial printers are the master
side of a pty. Fault cases check that print_image() fails with PrintError within the timeout
instead of hanging the kiosk.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import select
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from drivers.printers import (
    ACCEPTED_FORMS,
    DetectedPrinter,
    PrintError,
    PrinterStatus,
    PrinterUriError,
    list_printers,
    open_printer,
    parse_printer_uri,
    scan_printers,
)
from drivers.printers.escpos_job import (
    JobOptions,
    build_job,
    build_job_full_raster,
    to_raster,
)
from drivers.printers.file_printer import FilePrinter
from drivers.printers.preview_printer import PreviewPrinter
from drivers.printers.serial_printer import SerialPrinter
from drivers.printers.spooler_printers import CupsPrinter, Win32Printer
from drivers.printers.status import query_status
from drivers.printers.tcp_printer import TcpPrinter
from drivers.printers.uri import (
    CupsAddress,
    FileAddress,
    PreviewAddress,
    SerialAddress,
    TcpAddress,
    UsbAddress,
    Win32Address,
)
from drivers.printers.usb_printer import UsbPrinter
from kiosk.printout import TicketSlip, render_ticket, ticket_qr_text
from tests.escpos_raster import EscposParseError, parse_escpos
from tests.util import wait_until

TIMEOUT_S = 2.0
SLIP = TicketSlip(
    office_name="Điểm phục vụ hành chính công xã Demo",
    office_code="000.00.01.H26",
    service_name="Chứng thực bản sao, chữ ký, hợp đồng giao dịch",
    number="A001",
    priority_label="ƯU TIÊN – Người cao tuổi",
    people_ahead=3,
    issued_at=datetime(2026, 1, 15, 8, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
)
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX sockets/ptys")


@pytest.fixture(scope="module")
def ticket80() -> Image.Image:
    return render_ticket(SLIP, 576)


@pytest.fixture(scope="module")
def big_image() -> Image.Image:
    """~170 KB of raster: more than any kernel buffer in the way will swallow."""
    image = Image.new("1", (576, 2400), 1)
    draw = ImageDraw.Draw(image)
    for y in range(0, 2400, 6):
        draw.line((0, y, 575, y), fill=0)
    return image


def same_pixels(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and a.convert("1").tobytes() == b.convert("1").tobytes()


def padded(image: Image.Image) -> Image.Image:
    """The image as GS v 0 carries it: width rounded up to whole bytes with white."""
    width = (image.width + 7) // 8 * 8
    page = Image.new("1", (width, image.height), 1)
    page.paste(image.convert("1"), (0, 0))
    return page


# -- URIs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("usb://0416:5011", UsbAddress(0x0416, 0x5011)),
        ("usb://04B8:0E15", UsbAddress(0x04B8, 0x0E15)),
        ("usb://0416:5011?interface=0&in_ep=0x81&out_ep=0x03",
         UsbAddress(0x0416, 0x5011, 0, 0x81, 0x03)),
        ("serial:///dev/ttyUSB0?baudrate=19200", SerialAddress("/dev/ttyUSB0", 19200)),
        ("serial:///dev/ttyS0", SerialAddress("/dev/ttyS0", 9600)),
        ("serial://COM3?baudrate=9600", SerialAddress("COM3", 9600)),
        ("serial://COM3?baudrate=115200&rtscts=1&parity=E&stopbits=2",
         SerialAddress("COM3", 115200, parity="E", stopbits=2, rtscts=True)),
        ("tcp://192.168.1.50:9100", TcpAddress("192.168.1.50", 9100)),
        ("tcp://192.168.1.50", TcpAddress("192.168.1.50", 9100)),
        ("TCP://printer.local:9101/", TcpAddress("printer.local", 9101)),
        ("win32://XP-80C", Win32Address("XP-80C")),
        ("win32://POS%2080C%20(copy%201)", Win32Address("POS 80C (copy 1)")),
        ("cups://TM_T20", CupsAddress("TM_T20")),
        ("file:///dev/usb/lp0", FileAddress(Path("/dev/usb/lp0"))),
        ("file:///tmp/a%20b.bin", FileAddress(Path("/tmp/a b.bin"))),
        ("preview:///var/kiosk/previews", PreviewAddress(Path("/var/kiosk/previews"))),
        ("preview://", PreviewAddress(None)),
    ],
)
def test_uri_parsing(uri: str, expected: object) -> None:
    assert parse_printer_uri(uri) == expected


def test_windows_file_uri_loses_the_leading_slash() -> None:
    assert parse_printer_uri("file:///C:/kiosk/out.bin") == FileAddress(Path("C:/kiosk/out.bin"))


@pytest.mark.parametrize(
    ("uri", "cls", "attributes"),
    [
        ("usb://0416:5011", UsbPrinter, {"vendor_id": 0x0416, "product_id": 0x5011}),
        ("serial:///dev/ttyUSB0?baudrate=19200", SerialPrinter,
         {"port": "/dev/ttyUSB0", "baudrate": 19200}),
        ("tcp://10.0.0.7", TcpPrinter, {"host": "10.0.0.7", "port": 9100}),
        ("win32://XP-80C", Win32Printer, {"printer_name": "XP-80C"}),
        ("cups://TM_T20", CupsPrinter, {"printer_name": "TM_T20"}),
        ("file:///tmp/t.bin", FilePrinter, {"path": Path("/tmp/t.bin")}),
        ("preview:///tmp/previews", PreviewPrinter, {"directory": Path("/tmp/previews")}),
    ],
)
def test_open_printer_picks_the_backend(uri: str, cls: type, attributes: dict) -> None:
    printer = open_printer(uri, width_mm=58, timeout_s=3)
    assert type(printer) is cls
    assert printer.uri == uri
    assert printer.width_dots == 384
    for name, value in attributes.items():
        assert getattr(printer, name) == value
    assert printer.can_read_status == (cls in (UsbPrinter, SerialPrinter, TcpPrinter,
                                               PreviewPrinter))


@pytest.mark.parametrize(
    "uri",
    ["usb://zz", "usb://0416", "usb://0416:5011?in_ep=0x01", "usb://0416:5011?speed=1",
     "tcp://", "tcp://host:port", "tcp://host:99999", "ftp://x", "serial://", "serial:///",
     "serial://dev/ttyUSB0", "serial:///dev/ttyUSB0?baud=9600",
     "serial:///dev/ttyUSB0?baudrate=fast", "/dev/usb/lp0", "192.168.1.50:9100",
     "printer", "", "win32://", "cups://", "file://", "file://relative/path"],
)
def test_bad_uris_are_refused_with_the_accepted_forms(uri: str) -> None:
    with pytest.raises(PrinterUriError) as caught:
        open_printer(uri)
    message = str(caught.value)
    assert repr(uri) in message
    assert ACCEPTED_FORMS in message
    assert isinstance(caught.value, ValueError)


def test_preview_without_directory_uses_preview_dir(tmp_path: Path) -> None:
    printer = open_printer("preview://", preview_dir=tmp_path)
    assert isinstance(printer, PreviewPrinter) and printer.directory == tmp_path
    with pytest.raises(PrinterUriError, match="preview"):
        open_printer("preview://")


def test_width_is_checked() -> None:
    with pytest.raises(ValueError, match="width_mm"):
        open_printer("preview:///tmp", width_mm=76)


# -- status bytes and the job itself ---------------------------------------------------------


@pytest.mark.parametrize(
    ("replies", "expected"),
    [
        ({}, PrinterStatus.UNKNOWN),  # printer does not answer
        ({1: 0x41}, PrinterStatus.UNKNOWN),  # not a status byte (fixed bits wrong)
        ({1: 0x12, 4: 0x12}, PrinterStatus.READY),
        ({1: 0x12}, PrinterStatus.READY),  # answers DLE EOT 1 only
        ({1: 0x12, 4: 0x1E}, PrinterStatus.PAPER_LOW),
        ({1: 0x12, 4: 0x72}, PrinterStatus.PAPER_OUT),
        ({1: 0x1A, 4: 0x12, 2: 0x32}, PrinterStatus.PAPER_OUT),  # offline: paper end stop
        ({1: 0x1A, 4: 0x12, 2: 0x16}, PrinterStatus.OFFLINE),  # offline: cover open
    ],
)
def test_status_byte_decoding(replies: dict[int, int], expected: PrinterStatus) -> None:
    assert query_status(lambda query: replies.get(query[2])) is expected


def test_job_is_init_raster_bands_and_cut(ticket80: Image.Image) -> None:
    job = build_job(to_raster(ticket80, 576), 576, cut=True)
    assert job.startswith(b"\x1b@\x1dW\x40\x02\x1dv0\x00")  # init, 576-dot area, a band
    assert job.endswith(b"\x1dVB\x00")
    parsed = parse_escpos(job)
    assert parsed.inits == 1 and parsed.cut_found
    assert len(parsed.pages) == 1 and len(parsed.pages[0].bands) > 1  # several GS v 0 bands
    assert same_pixels(parsed.images[0], ticket80)


COMPACT = JobOptions(native_qr=True, left_margin=True)
EPSON = JobOptions(native_qr=True, centre=True)  # [printer] profile = "epson"
OPTIONS = [JobOptions(), JobOptions(left_margin=True), JobOptions(native_qr=True), COMPACT,
           JobOptions(centre=True), EPSON]


@pytest.mark.parametrize("options", OPTIONS, ids=repr)
@pytest.mark.parametrize("width", [576, 384])
@pytest.mark.parametrize("service", ["Hộ tịch", SLIP.service_name,
                                     "Đất đai – nhà ở, xây dựng và các thủ tục liên quan khác"])
def test_compact_job_prints_the_full_raster_exactly(options: JobOptions, width: int,
                                                    service: str) -> None:
    slip = replace(SLIP, service_name=service, number="C1234", people_ahead=127)
    raster = to_raster(render_ticket(slip, width), width)
    reference = parse_escpos(build_job_full_raster(raster, width, cut=True))
    job = build_job(raster, width, cut=True, options=options)
    parsed = parse_escpos(job)
    assert parsed.cut_found and parsed.inits == 1
    assert same_pixels(reference.images[0], raster)
    # A native QR comes back drawn by the qrcode library: the same symbol for this payload.
    assert same_pixels(parsed.images[0], reference.images[0])
    assert [r.text for r in zxingcpp.read_barcodes(parsed.images[0])] == [ticket_qr_text(slip)]
    assert parsed.pages[0].qr_texts == ([ticket_qr_text(slip)] if options.native_qr else [])
    assert len(job) < 0.7 * len(build_job_full_raster(raster, width, cut=True))
    if options in (COMPACT, EPSON) and width == 576:
        assert len(job) < 20_000
    if options.centre:
        assert b"\x1ba\x01" in job and job.count(b"\x1dL") == 0  # the printer centres
        assert len(job) < 0.8 * len(build_job(raster, width, cut=True))


def test_centred_bands_land_on_the_same_dots() -> None:
    image = Image.new("1", (576, 60), 1)
    draw = ImageDraw.Draw(image)
    draw.rectangle((200, 0, 375, 9), fill=0)  # bytes 25..46 inked: 25 blank on either side
    draw.rectangle((250, 30, 300, 39), fill=0)  # bytes 31..37, 34 blank on the right
    draw.rectangle((8, 50, 23, 59), fill=0)  # bytes 1..2: cheaper at the left margin
    job = build_job(image, 576, cut=False, options=JobOptions(centre=True))
    # ESC a 1, then 22 bytes (72 - 2 * 25) x 10 rows; 8 bytes (72 - 2 * 31) x 10 rows.
    assert b"\x1ba\x01\x1dv0\x00\x16\x00\x0a\x00" in job
    assert b"\x1dv0\x00\x0a\x00\x0a\x00" in job
    assert b"\x1ba\x00\x1dv0\x00\x03\x00\x0a\x00" in job  # left again, 3 bytes
    assert job.count(b"\x1ba") == 2  # the job ends left justified, as ESC @ left it
    assert same_pixels(parse_escpos(job).images[0], image)
    # A printer that ignored ESC a for images would print the bands at the left margin.
    ignored = parse_escpos(job.replace(b"\x1ba\x01", b"\x1ba\x00"))
    assert not same_pixels(ignored.images[0], image)


def test_parser_places_raster_as_esc_a_justifies_it() -> None:
    band = b"\x1dv0\x00\x01\x00\x01\x00\xff"  # 8 x 1 dots
    stream = b"\x1b@\x1dW\x40\x00" + band + b"\x1ba\x01" + band + b"\x1ba\x02" + band
    image = parse_escpos(stream).images[0]  # print area 64 dots wide
    inked = [[x for x in range(64) if not image.getpixel((x, y))] for y in range(3)]
    assert [row[0] for row in inked] == [0, 28, 56] and all(len(row) == 8 for row in inked)


def test_profiles_choose_the_job_options() -> None:
    from drivers.printers.factory import job_options

    epson_usb, other_usb = UsbAddress(0x04B8, 0x0E15), UsbAddress(0x0416, 0x5011)
    tcp = TcpAddress("10.0.0.9", 9100)
    assert job_options("basic", epson_usb) == JobOptions()
    assert job_options("epson", tcp) == EPSON
    assert job_options("auto", epson_usb) == EPSON
    assert job_options("auto", other_usb) == job_options("auto", tcp) == JobOptions()
    assert job_options("basic", tcp, native_qr=True, left_margin=True) == COMPACT
    with pytest.raises(ValueError, match="profile"):
        job_options("star", tcp)


def test_blank_rows_are_one_byte_bands_and_bands_are_cut_to_their_ink() -> None:
    image = Image.new("1", (576, 300), 1)
    ImageDraw.Draw(image).rectangle((100, 10, 139, 19), fill=0)  # bytes 12..17, rows 10..19
    job = build_job(image, 576, cut=False)
    assert job.count(b"\x1dL") == 0
    assert b"\x1dv0\x00\x01\x00\x0a\x00" + bytes(10) in job  # 10 blank rows, 1 byte wide
    assert b"\x1dv0\x00\x12\x00\x0a\x00" in job  # 18 bytes wide (up to the ink), 10 rows
    assert same_pixels(parse_escpos(job).images[0], image)
    shifted = build_job(image, 576, cut=False, options=JobOptions(left_margin=True))
    assert b"\x1dL\x60\x00\x1dv0\x00\x06\x00\x0a\x00" in shifted  # GS L 96 dots, 6 bytes
    assert shifted.count(b"\x1dL\x00\x00") == 1  # margin restored for the next job
    assert same_pixels(parse_escpos(shifted).images[0], image)
    assert len(shifted) < 300 + 10 * 6 + 60


def test_image_without_a_qr_hint_is_all_raster(ticket80: Image.Image) -> None:
    plain = to_raster(ticket80.copy(), 576)
    plain.info.clear()
    job = build_job(plain, 576, cut=True, options=COMPACT)
    assert b"\x1d(k" not in job
    assert same_pixels(parse_escpos(job).images[0], ticket80)


def test_narrow_image_is_centred_on_the_paper() -> None:
    image = Image.new("L", (100, 10), 0)
    raster = to_raster(image, 384)
    assert raster.size == (384, 10) and raster.mode == "1"
    assert raster.getpixel((141, 5)) and not raster.getpixel((142, 5))  # 142 = (384-100)//2
    with pytest.raises(ValueError, match="384"):
        to_raster(Image.new("1", (576, 10), 1), 384)


def test_parser_understands_cuts_feeds_and_bands() -> None:
    band = b"\x1dv0\x00\x01\x00\x02\x00\xf0\x0f"  # 8 x 2 dots
    stream = (b"\x10\x04\x01\x1b@\x1ba\x01" + band + band + b"\x1bd\x03\n\x1dV\x00"
              + b"\x1b!\x00" + band + b"\x1dVA\x10" + band + b"\x1dv0\x01\x01\x00\x01\x00\x80")
    parsed = parse_escpos(stream)
    assert parsed.inits == 1 and parsed.justification == 1
    assert parsed.status_queries == [b"\x10\x04\x01"]
    assert [page.cut for page in parsed.pages] == ["full", "full", None]
    first = parsed.pages[0]
    assert first.feed_lines == 4 and first.image.size == (8, 4)
    assert first.image.getpixel((0, 0)) == 0 and first.image.getpixel((7, 0))  # 1 bits are black
    assert first.image.getpixel((7, 1)) == 0 and first.image.getpixel((0, 1))
    last = parsed.pages[2]
    assert last.image.size == (16, 3)  # a double-width 1-row band under an 8 x 2 one
    assert parsed.cut_found


def test_parser_rejects_garbage() -> None:
    with pytest.raises(EscposParseError):
        parse_escpos(b"\x1b@hello")
    with pytest.raises(EscposParseError):
        parse_escpos(b"\x1dv0\x00\x48\x00\x10\x00" + b"\x00" * 10)  # truncated band


# -- file and preview -------------------------------------------------------------------


def test_file_backend_round_trip(tmp_path: Path, ticket80: Image.Image) -> None:
    target = tmp_path / "t.bin"
    printer = open_printer(f"file://{target}", timeout_s=TIMEOUT_S)
    assert printer.status() is PrinterStatus.UNKNOWN
    printer.print_image(ticket80)
    parsed = parse_escpos(target.read_bytes())
    assert parsed.cut_found
    [page] = parsed.pages
    assert page.cut == "partial"
    assert same_pixels(page.image, padded(ticket80))
    assert [r.text for r in zxingcpp.read_barcodes(page.image)] == [ticket_qr_text(SLIP)]


def test_file_backend_with_native_qr_and_left_margin(tmp_path: Path,
                                                    ticket80: Image.Image) -> None:
    target = tmp_path / "t.bin"
    plain = open_printer(f"file://{target}", timeout_s=TIMEOUT_S)
    plain.print_image(ticket80)
    plain_size = target.stat().st_size
    target.write_bytes(b"")
    printer = open_printer(f"file://{target}", timeout_s=TIMEOUT_S, native_qr=True,
                           left_margin=True)
    printer.print_image(ticket80)
    parsed = parse_escpos(target.read_bytes())
    [page] = parsed.pages
    assert page.qr_texts == [ticket_qr_text(SLIP)]
    assert same_pixels(page.image, ticket80)
    assert target.stat().st_size < 0.75 * plain_size


def test_file_backend_with_the_epson_profile(tmp_path: Path, ticket80: Image.Image) -> None:
    target = tmp_path / "t.bin"
    printer = open_printer(f"file://{target}", timeout_s=TIMEOUT_S, profile="epson")
    printer.print_image(ticket80)
    job = target.read_bytes()
    [page] = parse_escpos(job).pages
    assert page.qr_texts == [ticket_qr_text(SLIP)]
    assert same_pixels(page.image, ticket80)
    assert b"\x1ba\x01\x1dv0" in job and len(job) < 20_000


def test_warm_up_sends_nothing(tmp_path: Path) -> None:
    target = tmp_path / "t.bin"
    open_printer(f"file://{target}", timeout_s=TIMEOUT_S, native_qr=True).warm_up()
    open_printer(f"preview://{tmp_path / 'previews'}").warm_up()
    assert not target.exists() and not (tmp_path / "previews").exists()


def test_file_backend_appends_jobs(tmp_path: Path, ticket80: Image.Image) -> None:
    target = tmp_path / "t.bin"
    target.write_bytes(b"")
    printer = open_printer(f"file://{target}", timeout_s=TIMEOUT_S)
    printer.print_image(ticket80)
    printer.print_image(ticket80, cut=False)
    parsed = parse_escpos(target.read_bytes())
    assert [page.cut for page in parsed.pages] == ["partial", None]
    assert parsed.pages[1].feed_lines > 0  # fed to the tear bar instead
    assert parsed.inits == 2


def test_file_backend_missing_directory_is_offline(tmp_path: Path, ticket80: Image.Image) -> None:
    printer = open_printer(f"file://{tmp_path}/missing/dir/lp0", timeout_s=TIMEOUT_S)
    with pytest.raises(PrintError) as caught:
        printer.print_image(ticket80)
    assert caught.value.status is PrinterStatus.OFFLINE
    assert "máy in" in caught.value.message_vi


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_backend_call_without_timeout_is_abandoned(tmp_path: Path, ticket80: Image.Image) -> None:
    # Opening a FIFO for writing blocks until a reader appears: a stand-in for a device node
    # whose driver never returns. The watchdog must give up and later jobs must not queue
    # behind the stuck one.
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    printer = open_printer(f"file://{fifo}", timeout_s=1.0)
    try:
        elapsed, error = timed_print(printer, ticket80)
        assert isinstance(error, PrintError), error
        assert "did not finish the job" in error.message_en
        assert elapsed < 1.0 + 2 + 0.5  # timeout + print-time allowance + watchdog grace
        elapsed, error = timed_print(printer, ticket80)
        assert isinstance(error, PrintError) and "still blocked" in error.message_en
        assert elapsed < 0.5  # refused at once, not after another timeout
    finally:
        # A reader unblocks the abandoned thread's open(); its deadline has passed, so it must
        # close without writing: a ticket reported as failed must not come out later.
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        try:
            wait_until(lambda: not any(t.name.startswith("printer-job") and t.is_alive()
                                       for t in threading.enumerate()),
                       timeout=5, interval=0.01, what="the abandoned print thread to end")
            with contextlib.suppress(BlockingIOError):
                assert os.read(reader, 1 << 16) == b""
        finally:
            os.close(reader)


def test_preview_writes_the_raster_as_png(tmp_path: Path, ticket80: Image.Image) -> None:
    printer = open_printer(f"preview://{tmp_path}/previews")
    assert printer.status() is PrinterStatus.READY
    printer.print_image(ticket80)
    printer.print_image(ticket80, cut=False)
    files = sorted((tmp_path / "previews").glob("ticket-*.png"))
    assert len(files) == 2  # nothing overwritten
    with Image.open(files[0]) as saved:
        assert saved.mode == "1"
        assert same_pixels(saved, ticket80)
        assert saved.text["cut"] == "partial"
    with Image.open(files[1]) as saved:
        assert saved.text["cut"] == "none"


def test_preview_on_58mm_pads_nothing(tmp_path: Path) -> None:
    ticket58 = render_ticket(SLIP, 384)
    printer = open_printer(f"preview://{tmp_path}", width_mm=58)
    printer.print_image(ticket58)
    [png] = tmp_path.glob("*.png")
    with Image.open(png) as saved:
        assert same_pixels(saved, ticket58)


def test_preview_into_unwritable_place_raises_print_error(tmp_path: Path,
                                                          ticket80: Image.Image) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    printer = open_printer(f"preview://{blocker}/sub")
    assert printer.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrintError) as caught:
        printer.print_image(ticket80)
    assert str(caught.value) == caught.value.message_en
    assert "xem trước" in caught.value.message_vi


# -- TCP --------------------------------------------------------------------------------


class FakeNetworkPrinter:
    """A raw-port printer in a thread, serving connections one after the other.

    behaviour: "read" reads everything, "stall" accepts and never reads, "close" accepts and
    closes at once. `replies` maps DLE EOT n to the status byte to answer.
    """

    def __init__(self, behaviour: str, replies: dict[int, int] | None = None,
                 receive_buffer: int | None = None) -> None:
        self.behaviour = behaviour
        self.replies = replies or {}
        self.connections: list[bytearray] = []
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer:  # inherited by the accepted socket; must be set before listen()
            self.server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.port = self.server.getsockname()[1]
        self.served = threading.Semaphore(0)  # released after each connection ends
        self._release = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    @property
    def received(self) -> bytes:
        return bytes(self.connections[-1]) if self.connections else b""

    def wait_served(self, count: int = 1) -> bool:
        return all(self.served.acquire(timeout=5) for _ in range(count))

    def _serve(self) -> None:
        # Poll: closing a listening socket does not wake a thread blocked in accept().
        self.server.settimeout(0.05)
        while not self._release.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            received = bytearray()
            self.connections.append(received)
            with connection:  # "close": leaves this block at once, unread
                if self.behaviour == "stall":
                    self._release.wait(30)
                elif self.behaviour == "read":
                    connection.settimeout(10)
                    with contextlib.suppress(OSError):
                        while chunk := connection.recv(65536):
                            received.extend(chunk)
                            if chunk[-3:-1] == b"\x10\x04" and chunk[-1] in self.replies:
                                connection.sendall(bytes([self.replies[chunk[-1]]]))
            self.served.release()

    def close(self) -> None:
        self._release.set()
        self._thread.join(5)
        self.server.close()


@pytest.fixture
def fake_printer() -> Iterator[type[FakeNetworkPrinter]]:
    servers: list[FakeNetworkPrinter] = []

    class Tracked(FakeNetworkPrinter):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            servers.append(self)

    yield Tracked
    for server in servers:
        server.close()


def timed_print(printer: object, image: Image.Image) -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        printer.print_image(image)  # type: ignore[attr-defined]
    except BaseException as exc:  # noqa: BLE001 - the test inspects it
        return time.monotonic() - started, exc
    return time.monotonic() - started, None


@posix_only
def test_tcp_prints_the_same_raster(fake_printer: type[FakeNetworkPrinter],
                                    ticket80: Image.Image) -> None:
    server = fake_printer("read")
    printer = open_printer(server.uri, timeout_s=TIMEOUT_S)
    elapsed, error = timed_print(printer, ticket80)
    assert error is None
    assert server.wait_served()
    parsed = parse_escpos(server.received)
    assert parsed.status_queries == [b"\x10\x04\x01"]  # asked first, got no answer: printed
    assert parsed.cut_found
    assert same_pixels(parsed.images[0], ticket80)
    assert elapsed < TIMEOUT_S

    # A printer that never answered is not asked again before every ticket.
    elapsed, error = timed_print(printer, ticket80)
    assert error is None and elapsed < 0.4
    assert server.wait_served()
    parsed = parse_escpos(server.received)
    assert parsed.status_queries == []
    assert same_pixels(parsed.images[0], ticket80)


@posix_only
def test_tcp_status_answers_are_used(fake_printer: type[FakeNetworkPrinter],
                                     ticket80: Image.Image) -> None:
    ready = fake_printer("read", replies={1: 0x12, 4: 0x12})
    assert open_printer(ready.uri, timeout_s=TIMEOUT_S).status() is PrinterStatus.READY

    no_paper = fake_printer("read", replies={1: 0x12, 4: 0x72})
    printer = open_printer(no_paper.uri, timeout_s=TIMEOUT_S)
    with pytest.raises(PrintError) as caught:
        printer.print_image(ticket80)
    assert caught.value.status is PrinterStatus.PAPER_OUT
    assert "hết giấy" in caught.value.message_vi
    assert "paper" in caught.value.message_en
    assert no_paper.wait_served()
    assert parse_escpos(no_paper.received).images == []  # nothing printed


@posix_only
def test_tcp_silent_printer_status_is_unknown(fake_printer: type[FakeNetworkPrinter]) -> None:
    server = fake_printer("read")
    assert open_printer(server.uri, timeout_s=TIMEOUT_S).status() is PrinterStatus.UNKNOWN


@posix_only
@pytest.mark.parametrize("check_status", [True, False])
def test_tcp_stalled_printer_fails_within_the_timeout(
    fake_printer: type[FakeNetworkPrinter], big_image: Image.Image, check_status: bool
) -> None:
    server = fake_printer("stall", receive_buffer=4096)
    printer = open_printer(server.uri, timeout_s=TIMEOUT_S, check_status=check_status)
    elapsed, error = timed_print(printer, big_image)
    assert isinstance(error, PrintError), error
    assert error.message_vi == "Máy in không phản hồi. Vui lòng báo cán bộ tại quầy."
    assert "stopped accepting data" in error.message_en
    assert elapsed < TIMEOUT_S + 2


@pytest.mark.skipif(not sys.platform.startswith(("linux", "darwin")),
                    reason="the unacknowledged-byte count exists only on Linux and macOS")
def test_tcp_stall_after_small_job_is_noticed(fake_printer: type[FakeNetworkPrinter],
                                              ticket80: Image.Image) -> None:
    # The whole ticket fits in the socket buffers; only the missing ACKs reveal the stall.
    server = fake_printer("stall", receive_buffer=4096)
    printer = open_printer(server.uri, timeout_s=TIMEOUT_S, check_status=False)
    elapsed, error = timed_print(printer, ticket80)
    assert isinstance(error, PrintError), error
    assert elapsed < TIMEOUT_S + 2


@posix_only
@pytest.mark.parametrize("check_status", [True, False])
def test_tcp_printer_closing_the_connection_fails_the_job(
    fake_printer: type[FakeNetworkPrinter], big_image: Image.Image, check_status: bool
) -> None:
    # The peer closes before reading anything and its buffer is tiny, so the job cannot fit in
    # kernel buffers: the writes must fail (EPIPE/ECONNRESET), never report success.
    server = fake_printer("close", receive_buffer=4096)
    printer = open_printer(server.uri, timeout_s=TIMEOUT_S, check_status=check_status)
    elapsed, error = timed_print(printer, big_image)
    assert isinstance(error, PrintError), error
    assert elapsed < TIMEOUT_S + 2
    if check_status:
        assert error.status is PrinterStatus.OFFLINE
    else:
        assert error.message_vi.startswith(("Mất kết nối", "Máy in không phản hồi"))


@posix_only
def test_tcp_nothing_listening(ticket80: Image.Image) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    printer = open_printer(f"tcp://127.0.0.1:{port}", timeout_s=TIMEOUT_S)
    started = time.monotonic()
    assert printer.status() is PrinterStatus.OFFLINE
    elapsed, error = timed_print(printer, ticket80)
    assert isinstance(error, PrintError)
    assert error.status is PrinterStatus.OFFLINE
    assert error.message_vi == "Không kết nối được máy in. Vui lòng báo cán bộ tại quầy."
    assert f"127.0.0.1:{port}" in error.message_en
    assert time.monotonic() - started < 1.5


# -- serial (pty) -----------------------------------------------------------------------


class PtyPrinter:
    """The printer end of a pseudo-terminal: the driver opens `path` as its serial port."""

    def __init__(self, replies: dict[int, int] | None = None) -> None:
        self.master, self._slave = os.openpty()
        self.path = os.ttyname(self._slave)
        self.replies = replies or {}
        self.received = bytearray()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start_reading(self) -> None:
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while True:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if not ready:
                if self._stop.is_set():
                    return
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            self.received.extend(chunk)
            if chunk[-3:-1] == b"\x10\x04" and chunk[-1] in self.replies:
                os.write(self.master, bytes([self.replies[chunk[-1]]]))

    def close(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(5)
        for fd in (self.master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)


@pytest.fixture
def pty_printer() -> Iterator[type[PtyPrinter]]:
    made: list[PtyPrinter] = []

    def make(replies: dict[int, int] | None = None) -> PtyPrinter:
        pty = PtyPrinter(replies)
        made.append(pty)
        return pty

    yield make  # type: ignore[misc]
    for pty in made:
        pty.close()


@posix_only
def test_serial_prints_the_same_raster(pty_printer: type[PtyPrinter],
                                       ticket80: Image.Image) -> None:
    pty = pty_printer()
    pty.start_reading()
    printer = open_printer(f"serial://{pty.path}?baudrate=115200", timeout_s=TIMEOUT_S)
    elapsed, error = timed_print(printer, ticket80)
    assert error is None
    pty.close()
    parsed = parse_escpos(bytes(pty.received))
    assert parsed.cut_found
    assert same_pixels(parsed.images[0], ticket80)
    assert [r.text for r in zxingcpp.read_barcodes(parsed.images[0])] == [ticket_qr_text(SLIP)]
    assert elapsed < TIMEOUT_S


@posix_only
def test_serial_status_from_an_answering_printer(pty_printer: type[PtyPrinter],
                                                 ticket80: Image.Image) -> None:
    pty = pty_printer({1: 0x12, 4: 0x72})
    pty.start_reading()
    printer = open_printer(f"serial://{pty.path}", timeout_s=TIMEOUT_S)
    assert printer.status() is PrinterStatus.PAPER_OUT
    with pytest.raises(PrintError) as caught:
        printer.print_image(ticket80)
    assert caught.value.status is PrinterStatus.PAPER_OUT


@posix_only
@pytest.mark.parametrize("check_status", [True, False])
def test_serial_nobody_reading_fails_within_the_timeout(
    pty_printer: type[PtyPrinter], ticket80: Image.Image, check_status: bool
) -> None:
    pty = pty_printer()  # nobody reads the master: the pty buffer fills and writes stall
    printer = open_printer(f"serial://{pty.path}?baudrate=115200", timeout_s=TIMEOUT_S,
                           check_status=check_status)
    elapsed, error = timed_print(printer, ticket80)
    assert isinstance(error, PrintError), error
    assert "stopped accepting data" in error.message_en
    assert elapsed < TIMEOUT_S + 2
    # The port was released (no flush() hanging in close): it can be opened again at once.
    assert printer.status() in (PrinterStatus.UNKNOWN, PrinterStatus.OFFLINE)


@posix_only
def test_serial_missing_port_is_offline(tmp_path: Path, ticket80: Image.Image) -> None:
    printer = open_printer(f"serial://{tmp_path}/ttyUSB9", timeout_s=TIMEOUT_S)
    assert printer.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrintError) as caught:
        printer.print_image(ticket80)
    assert caught.value.status is PrinterStatus.OFFLINE


# -- spoolers, USB, detection -----------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="checks the non-Windows message")
def test_win32_elsewhere_gives_a_clear_error(ticket80: Image.Image) -> None:
    printer = open_printer("win32://XP-80C", timeout_s=TIMEOUT_S)
    assert printer.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrintError) as caught:
        printer.print_image(ticket80)
    assert "Windows" in caught.value.message_en and "pywin32" in caught.value.message_en
    assert caught.value.message_vi.startswith("Máy in chưa được cài đặt")


@pytest.mark.skipif(importlib.util.find_spec("cups") is not None,
                    reason="pycups is installed: the missing-library message cannot be shown")
def test_cups_without_pycups_gives_a_clear_error(ticket80: Image.Image) -> None:
    printer = open_printer("cups://TM_T20", timeout_s=TIMEOUT_S)
    with pytest.raises(PrintError, match="pycups"):
        printer.print_image(ticket80)


def test_usb_printer_that_is_not_there_is_offline(ticket80: Image.Image) -> None:
    printer = open_printer("usb://0416:5011", timeout_s=TIMEOUT_S)
    started = time.monotonic()
    assert printer.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrintError) as caught:
        printer.print_image(ticket80)
    assert caught.value.message_vi
    assert "0416:5011" in caught.value.message_en
    assert time.monotonic() - started < TIMEOUT_S + 2


def test_list_printers_does_not_raise() -> None:
    found = list_printers()
    assert all(isinstance(p, DetectedPrinter) for p in found)
    for printer in found:
        parse_printer_uri(printer.uri)  # every URI offered can be pasted into the config
        assert printer.kind in ("usb", "serial", "win32", "cups")
    assert isinstance(scan_printers().notes, list)


def test_list_printers_without_libusb(monkeypatch: pytest.MonkeyPatch) -> None:
    import usb.core

    def no_backend(*args: object, **kwargs: object) -> None:
        raise usb.core.NoBackendError("No backend available")

    monkeypatch.setattr(usb.core, "find", no_backend)
    scan = scan_printers()
    assert any("libusb" in note for note in scan.notes)
    assert all(p.kind != "usb" for p in scan.printers)
    list_printers()


# -- USB with a fake pyusb device -------------------------------------------------------


class FakeEndpoint:
    def __init__(self, address: int) -> None:
        self.bEndpointAddress = address
        self.bmAttributes = 0x02  # bulk


class FakeInterface:
    def __init__(self, number: int, cls: int, endpoints: list[int]) -> None:
        self.bInterfaceNumber = number
        self.bInterfaceClass = cls
        self._endpoints = [FakeEndpoint(e) for e in endpoints]

    def __iter__(self) -> Iterator[FakeEndpoint]:
        return iter(self._endpoints)


class FakeUsbPrinter:
    """Just enough of usb.core.Device: a composite device whose printer is interface 1."""

    idVendor, idProduct = 0x0416, 0x5011

    def __init__(self, replies: list[int] | None = None, stall_after: int | None = None) -> None:
        self.configuration = [FakeInterface(0, 3, [0x82]), FakeInterface(1, 7, [0x03, 0x81])]
        self.replies = list(replies or [])
        self.stall_after = stall_after
        self.written: dict[int, bytearray] = {}
        self.detached: list[int] = []
        self.resets = 0

    def get_active_configuration(self) -> list[FakeInterface]:
        return self.configuration

    def __getitem__(self, index: int) -> list[FakeInterface]:
        return self.configuration

    def is_kernel_driver_active(self, interface: int) -> bool:
        return interface == 1

    def detach_kernel_driver(self, interface: int) -> None:
        self.detached.append(interface)

    def set_configuration(self) -> None:
        pass

    def reset(self) -> None:
        self.resets += 1

    def write(self, endpoint: int, data: bytes, timeout: int) -> int:
        import usb.core

        sink = self.written.setdefault(endpoint, bytearray())
        if self.stall_after is not None and len(sink) >= self.stall_after:
            time.sleep(timeout / 1000)  # a stalled printer uses up the whole timeout
            raise usb.core.USBTimeoutError("Operation timed out")
        sink.extend(data)
        return len(data)

    def read(self, endpoint: int, size: int, timeout: int) -> list[int]:
        import usb.core

        if endpoint != 0x81:
            raise AssertionError(f"read from wrong endpoint 0x{endpoint:02x}")
        if not self.replies:
            raise usb.core.USBTimeoutError("Operation timed out")
        return [self.replies.pop(0)]


@pytest.fixture
def fake_usb(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[FakeUsbPrinter]]:
    import usb.core
    import usb.util

    devices: list[FakeUsbPrinter] = []
    monkeypatch.setattr(usb.core, "find", lambda **kwargs: devices[0] if devices else None)
    for name in ("claim_interface", "release_interface", "dispose_resources"):
        monkeypatch.setattr(usb.util, name, lambda *args, **kwargs: None)
    yield devices


def test_usb_finds_the_printer_interface_and_endpoints(fake_usb: list[FakeUsbPrinter],
                                                       ticket80: Image.Image) -> None:
    device = FakeUsbPrinter()
    fake_usb.append(device)
    printer = open_printer("usb://0416:5011", timeout_s=TIMEOUT_S)
    assert printer.status() is PrinterStatus.UNKNOWN  # silent printer
    printer.print_image(ticket80)
    assert set(device.written) == {0x03}  # bulk OUT of the printer-class interface
    assert device.detached == [1, 1] and device.resets == 0
    parsed = parse_escpos(bytes(device.written[0x03]))
    assert parsed.status_queries == [b"\x10\x04\x01"]  # from status(); not repeated per job
    assert same_pixels(parsed.images[0], ticket80)
    assert b"\x1ba\x01" not in device.written[0x03]  # not an Epson: everything raster


def test_usb_epson_printer_gets_the_epson_profile(fake_usb: list[FakeUsbPrinter],
                                                  ticket80: Image.Image) -> None:
    device = FakeUsbPrinter()
    device.idVendor = 0x04B8
    fake_usb.append(device)
    printer = open_printer("usb://04b8:0e15", timeout_s=TIMEOUT_S, profile="auto",
                           check_status=False)
    printer.print_image(ticket80)
    job = bytes(device.written[0x03])
    [page] = parse_escpos(job).pages
    assert page.qr_texts == [ticket_qr_text(SLIP)] and b"\x1ba\x01\x1dv0" in job
    assert same_pixels(page.image, ticket80)


def test_usb_paper_out_refuses_the_job(fake_usb: list[FakeUsbPrinter],
                                       ticket80: Image.Image) -> None:
    device = FakeUsbPrinter(replies=[0x12, 0x72])
    fake_usb.append(device)
    printer = open_printer("usb://0416:5011", timeout_s=TIMEOUT_S)
    with pytest.raises(PrintError) as caught:
        printer.print_image(ticket80)
    assert caught.value.status is PrinterStatus.PAPER_OUT
    assert parse_escpos(bytes(device.written[0x03])).images == []


def test_usb_stalled_printer_times_out(fake_usb: list[FakeUsbPrinter],
                                       ticket80: Image.Image) -> None:
    fake_usb.append(FakeUsbPrinter(stall_after=8192))
    printer = open_printer("usb://0416:5011", timeout_s=1.0, check_status=False)
    elapsed, error = timed_print(printer, ticket80)
    assert isinstance(error, PrintError) and "stopped accepting data" in error.message_en
    assert elapsed < 1.0 + 1
