"""`kiosk doctor --self-test`: prove that a build (often the frozen one) has everything it
needs, offline and in seconds: fonts and the raster printer path, the QR decoder and the ID
card parser, SQLite with every migration, and the sync client against a local city server.

Each step runs in a throw-away folder and prints one line; nothing touches the station's own
configuration, database or printer.
"""

from __future__ import annotations

import asyncio
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

SELFTEST_QR = ("selftest", "qr.png")
#: The text encoded in assets/selftest/qr.png: a public CCCD example from docs (domain.md).
SELFTEST_QR_TEXT = ("034303011829||Nguyễn Thị Hoa|21032003|Nữ|Thôn Lai Ổn, An Quý, Quỳnh Phụ, "
                    "Thái Bình|14082021")
SERVER_START_TIMEOUT_S = 8.0
SYNC_TIMEOUT_S = 8.0


@dataclass(frozen=True)
class StepResult:
    name: str
    ok: bool
    detail: str
    seconds: float

    def line(self) -> str:
        return (f"self-test {self.name}: {'ok' if self.ok else 'FAILED'} "
                f"({self.seconds:.2f} s) - {self.detail}")


def step_ticket(work: Path) -> str:
    from drivers.printers import open_printer
    from kiosk.printout.ticket import TicketSlip, render_ticket

    out = work / "ticket.bin"
    printer = open_printer(f"file://{out.as_posix()}" if out.as_posix().startswith("/")
                           else f"file:///{out.as_posix()}", width_mm=80, timeout_s=10)
    slip = TicketSlip(office_name="Điểm phục vụ hành chính công – tự kiểm tra",
                      office_code="000.00.01.H26", service_name="Chứng thực – Ệ ữ ộ ằ ỹ",
                      number="A001", priority_label=None, people_ahead=0,
                      issued_at=datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")))
    printer.print_image(render_ticket(slip, printer.width_dots))
    size = out.stat().st_size if out.exists() else 0
    if size == 0:
        raise AssertionError("the file printer wrote no bytes")
    return f"ticket rendered and printed to a file ({size:,} bytes of ESC/POS raster)"


def step_qr(work: Path) -> str:
    from drivers.scanners import decode_image
    from kiosk.assets import asset_path
    from kiosk.scanning import check_read, parse_scan, repair_mojibake

    path = asset_path(*SELFTEST_QR)
    texts = decode_image(path, check=check_read, repair=repair_mojibake)
    if not texts:
        raise AssertionError(f"no code decoded from {path}")
    result = parse_scan(texts[0])
    if result.kind != "cccd" or result.rejected:
        reason = result.error.message_en if result.error else f"read as {result.kind}"
        raise AssertionError(f"the decoded text does not parse as an ID card QR: {reason}")
    if texts[0] != SELFTEST_QR_TEXT:
        raise AssertionError("the decoded text differs from what the image holds "
                             "(text encoding problem?)")
    return "bundled ID card QR decoded (zxing-cpp) and parsed, Vietnamese intact"


def step_database(work: Path) -> str:
    from kiosk.store import connect, schema_version
    from kiosk.store.migrations import MIGRATIONS

    db = connect(work / "kiosk.db")
    try:
        version = schema_version(db)
        check = db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.conn.close()
    if version != len(MIGRATIONS) or check != "ok":
        raise AssertionError(f"schema version {version} (expected {len(MIGRATIONS)}), "
                             f"integrity {check}")
    return f"fresh database created and migrated to schema version {version}"


def step_archive(work: Path) -> str:
    """A database packed as an archive year is packed and unpacked to the same bytes, and
    unpacked by ISA-L's inflate (the isal library) as a station's reports need it."""
    import sqlite3
    import zlib

    from kiosk.archive import files, gzstreams

    conn = sqlite3.connect(work / "year.db")
    try:
        conn.execute("CREATE TABLE days (day TEXT PRIMARY KEY, data BLOB)")
        conn.executemany("INSERT INTO days VALUES (?, randomblob(2000))",
                         [(f"2026-01-{d:02d}",) for d in range(1, 29)])
        conn.commit()
    finally:
        conn.close()
    packed, back = work / "year.db.gz", work / "back.db"
    files.compress(work / "year.db", packed)
    files.decompress(packed, back, flush=False)
    if back.read_bytes() != (work / "year.db").read_bytes():
        raise AssertionError("an archive year did not unpack to the bytes it was packed from")
    if gzstreams._inflating is zlib:
        raise AssertionError("the isal library did not load: archived years unpack at half "
                             "the speed (zlib); rebuild with scripts/build.sh")
    return "an archive year packed (gzip) and unpacked by ISA-L to the same bytes"


class LocalCityServer:
    """The reference city server on 127.0.0.1 in a thread of this process (the self-test,
    and tests of screens that check a city connection)."""

    def __init__(self, work: Path, token: str, **limits: Any) -> None:
        self.work = work
        self.token = token
        self.limits = limits  # ServerSettings fields, e.g. body deadlines for a test
        self.url: str | None = None
        self.error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="selftest-city", daemon=True)

    def _run(self) -> None:
        from sync.server.app import ServerSettings, serve

        def ready(url: str) -> None:
            self._loop = asyncio.get_running_loop()
            self.url = url
            self._ready.set()

        try:
            self._stop = asyncio.Event()
            serve(str(self.work / "city.db"), ServerSettings(tokens=[self.token],
                                                             **self.limits),
                  host="127.0.0.1", port=0, on_ready=ready, stop=self._stop)
        except BaseException as exc:  # noqa: BLE001 - reported by start()
            self.error = exc
            self._ready.set()

    def start(self) -> str:
        self._thread.start()
        if not self._ready.wait(SERVER_START_TIMEOUT_S) or self.url is None:
            raise AssertionError(f"the local city server did not start: {self.error!r}")
        return self.url

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(5)


def step_sync(work: Path) -> str:
    from kiosk.config import Config
    from kiosk.store import connect
    from kiosk.ticketing import TicketDesk
    from sync.worker import SyncSettings, SyncWorker

    token = secrets.token_urlsafe(24)
    city = LocalCityServer(work, token)
    url = city.start()
    try:
        db_path = work / "station.db"
        db = connect(db_path)
        try:
            desk = TicketDesk(db, Config())
            for code in ("CT", "HT"):
                desk.record_print(desk.issue(code), True)
            made = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
        finally:
            db.conn.close()
        worker = SyncWorker(db_path, SyncSettings(server_url=url, token=token, timeout_s=5,
                                                  backoff_base_s=0.1, backoff_cap_s=1),
                            office="000.00.01.H26", station="selftest")
        worker.start()
        try:
            deadline = time.monotonic() + SYNC_TIMEOUT_S
            while time.monotonic() < deadline:
                status = worker.status()
                if status.sent_total >= made and status.pending == 0:
                    break
                worker.wake()
                time.sleep(0.05)
            status = worker.status()
        finally:
            worker.stop(timeout=5)
            worker.close()
    finally:
        city.stop()
    if status.pending or status.set_aside or status.sent_total < made:
        raise AssertionError(f"{status.pending} record(s) still waiting, {status.set_aside} "
                             f"set aside ({status.last_error or 'no error reported'})")
    return (f"sync worker started, pushed {status.sent_total} records to a local city server "
            "and stopped")


STEPS: tuple[tuple[str, Callable[[Path], str]], ...] = (
    ("ticket", step_ticket),
    ("qr", step_qr),
    ("database", step_database),
    ("archive", step_archive),
    ("sync", step_sync),
)


def run_selftest(echo: Callable[[str], None] | None = None) -> list[StepResult]:
    """Run every step in a temporary folder; `echo` receives one line per step as it ends."""
    results = []
    with tempfile.TemporaryDirectory(prefix="kiosk-selftest-") as tmp:
        for name, step in STEPS:
            work = Path(tmp) / name
            work.mkdir()
            started = time.monotonic()
            try:
                detail, passed = step(work), True
            except Exception as exc:  # noqa: BLE001 - a failed step is reported, not raised
                detail, passed = f"{type(exc).__name__}: {exc}", False
            result = StepResult(name, passed, detail, time.monotonic() - started)
            results.append(result)
            if echo is not None:
                echo(result.line())
    return results
