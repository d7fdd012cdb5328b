"""`kiosk doctor`: everything a technician would check by hand, each with a fix in plain words.

Each check gives one or more `CheckResult`s and never raises: a check that crashes is itself a
failed result. Network checks use short timeouts so the whole run stays within seconds even
with every cable unplugged. Nothing here prints or logs a secret or personal data: details
name files, addresses and counts, never tokens, keys or records.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kiosk import config as config_mod
from kiosk.config import Config, ConfigError
from kiosk.diagnostics.results import (  # noqa: F401 (the checks' vocabulary, used by callers)
    DEFAULT_TIMEOUT_S,
    FAIL,
    PASS,
    SKIP,
    WARN,
    CheckResult,
    Context,
    fail,
    ok,
    skip,
    warn,
)
from kiosk.paths import Paths

CLOCK_SKEW_FAIL_S = 120.0
CLOCK_SKEW_WARN_S = 30.0
DISK_FAIL_BYTES = 200 * 1024 * 1024
DISK_WARN_BYTES = 1024 * 1024 * 1024

_FIX_REPORT = ("Make a support bundle (`kiosk support-bundle --out bundle.zip`) and send it to "
               "the developers.")


def load_config(paths: Paths) -> tuple[Config | None, str | None]:
    """The station's configuration, or (None, the error) when the file is broken."""
    from kiosk.station import with_station_id

    try:
        return with_station_id(config_mod.load(paths.config_file), paths), None
    except ConfigError as exc:
        return None, str(exc)


# -- configuration and admin ------------------------------------------------------------------

def check_config(ctx: Context) -> list[CheckResult]:
    path = ctx.paths.config_file
    name = "configuration"
    if ctx.config_error:
        return [fail(name, ctx.config_error,
                     f"Correct the named key in {path} (`kiosk config show` prints every key "
                     "with its default; docs/configuration.md explains them), or run "
                     "`kiosk setup` to write it again.")]
    if not path.exists():
        return [fail(name, f"no configuration file at {path}: this station runs on the "
                     "demo defaults (preview printer, demo office)",
                     "Run `kiosk setup` (or `kiosk run`, which opens the set-up wizard when "
                     "there is no configuration).")]
    results = [ok(name, f"{path} is valid")]
    config = ctx.usable
    if os.name == "posix" and config.sync.token:
        mode = path.stat().st_mode
        if mode & (stat.S_IRGRP | stat.S_IROTH):
            results.append(warn("configuration permissions",
                                f"{path} holds the station token and other users of this PC "
                                "can read it", f"Run `chmod 600 {path}`."))
    return results


def check_admin_pin(ctx: Context) -> list[CheckResult]:
    from kiosk.admin.settings import pin_gate, stored_pin_hash

    if ctx.config is None:
        return [skip("admin PIN", "configuration not readable")]
    if not stored_pin_hash(ctx.config, ctx.paths):
        return [warn("admin PIN", "no admin PIN is set: the full-screen kiosk is not locked "
                     "(Ctrl+Shift+Q quits it) and the admin view cannot be opened on screen",
                     "Set one with `kiosk setup` or `kiosk admin`.")]
    locked = pin_gate(ctx.config, ctx.paths).locked_for()
    if locked > 0:
        return [warn("admin PIN", f"set, but locked for {locked / 60:.0f} more minute(s) "
                     "after wrong tries", "Wait, or ask who tried: the lock clears by itself.")]
    return [ok("admin PIN", "set (stored as a salted hash)")]


# -- storage ----------------------------------------------------------------------------------

def check_database(ctx: Context) -> list[CheckResult]:
    from kiosk.station import database_path
    from kiosk.store.faults import DAMAGED, folder_problem, storage_fault
    from kiosk.store.migrations import MIGRATIONS

    path = database_path(ctx.usable, ctx.paths)
    name = "database"
    # Whether the folder can be written is asked first and apart: a read-only or full disk
    # makes SQLite fail with words that also fit a damaged file, and a healthy database
    # must never be advised aside.
    folder_issue = folder_problem(path.parent)
    if not path.exists():
        if folder_issue:
            fault = _folder_fault(folder_issue, path)
            return [fail(name, f"{path} does not exist yet and cannot be created: "
                         f"{fault.message}", fault.fix)]
        return [ok(name, f"{path} does not exist yet: it is created at the first start")]
    from kiosk.store.db import empty_database_problem

    if empty_database_problem(path):
        return [fail(name, f"{path} is empty (0 bytes), but this station has run before: its "
                     "records are not in it", "Stop the kiosk. Restore a backup (`kiosk "
                     f"restore`), or rename {path.name} to {path.stem}-empty{path.suffix} "
                     "and start again to begin with a new, empty database.")]
    damaged_fix = (
        f"Stop the kiosk. Rename {path.name} to {path.stem}-damaged{path.suffix} and keep it "
        "(records not yet sent to the city are in it; a technician can try "
        f"`sqlite3 {path.stem}-damaged{path.suffix} .recover`). Start the kiosk again: it "
        "creates a new, empty database. Then check the disk (chkdsk / fsck) and the power "
        "supply (a UPS prevents this).")
    try:
        conn = _open_for_check(path, read_only=folder_issue is not None)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            pending = None
            if version:
                pending = conn.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL "
                                       "AND set_aside_at IS NULL").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        fault = storage_fault(exc, path)
        if fault is not None and fault.kind == DAMAGED:
            return [fail(name, f"{path} is damaged: {exc}", damaged_fix)]
        if folder_issue:
            fault = _folder_fault(folder_issue, path)
            return [fail(name, f"{path} cannot be opened: {fault.message}", fault.fix)]
        if fault is not None:
            return [fail(name, f"{path} cannot be opened: {fault.message} ({exc})", fault.fix)]
        return [fail(name, f"{path} cannot be opened: {exc}",
                     "Run `kiosk doctor` again with the kiosk stopped; if it persists, "
                     + _FIX_REPORT + " Do not move the database aside: this is not known "
                     "to be damage.")]
    if rows != ["ok"]:
        shown = "; ".join(rows[:3]) + (f" (and {len(rows) - 3} more)" if len(rows) > 3 else "")
        return [fail(name, f"{path} failed the integrity check: {shown}", damaged_fix)]
    if version > len(MIGRATIONS):
        return [fail(name, f"{path} is at schema version {version}, newer than this program "
                     f"({len(MIGRATIONS)})", "Install the newer program version that wrote it.")]
    detail = f"{path}: integrity ok, schema version {version}"
    if pending is not None:
        detail += f", {pending} record(s) waiting to be sent to the city"
    if folder_issue:
        fault = _folder_fault(folder_issue, path)
        return [fail(name, f"{detail}; but {fault.message}", fault.fix)]
    return [ok(name, detail)]


def _folder_fault(kind: str, path: Path):
    from kiosk.store.faults import describe

    return describe(kind, path, path.parent, "")


def _open_for_check(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """A connection for the integrity check. In a folder that cannot be written, SQLite
    cannot make the WAL index (-shm): read-only, and if even that fails, as an immutable file
    (no locks, no -shm; the kiosk cannot be writing to a read-only disk anyway)."""
    if not read_only:
        return sqlite3.connect(str(path), timeout=5)
    uri = path.resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=5)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=5)


def check_disk(ctx: Context) -> list[CheckResult]:
    where = ctx.paths.data_dir
    while not where.exists() and where != where.parent:
        where = where.parent
    usage = shutil.disk_usage(where)
    free_mb = usage.free / 1024 / 1024
    detail = f"{free_mb:,.0f} MB free on the disk of {ctx.paths.data_dir}"
    fix = (f"Free some space: old PNG previews in {ctx.paths.previews} can go, empty the "
           "recycle bin, remove large downloads. The database must be able to grow.")
    if usage.free < DISK_FAIL_BYTES:
        return [fail("free disk", detail, fix)]
    if usage.free < DISK_WARN_BYTES:
        return [warn("free disk", detail, fix)]
    return [ok("free disk", detail)]


def check_logs(ctx: Context) -> list[CheckResult]:
    logs = ctx.paths.logs
    try:
        logs.mkdir(parents=True, exist_ok=True)
        probe = logs / ".doctor-probe"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        return [fail("log folder", f"{logs} is not writable ({exc.strerror or exc})",
                     "Give the kiosk's user account write access to that folder, or start "
                     "it with --data-dir pointing to a writable folder.")]
    return [ok("log folder", f"{logs} is writable")]


# -- devices ----------------------------------------------------------------------------------

def _printer_fix(uri: str) -> str:
    scheme = uri.split("://", 1)[0].lower()
    if scheme == "tcp":
        host = urlsplit(uri).hostname or "?"
        return (f"Check the network cable and the printer's IP address ({host}): print its "
                "self-test page by holding FEED while switching it on, and compare. This PC "
                "must be on the same network.")
    if scheme == "usb":
        return ("Check the USB cable and that the printer is switched on. `kiosk printer list` "
                "shows what this PC sees. On Windows, usb:// needs the printer bound to WinUSB "
                "with Zadig; or use its Windows driver with win32://NAME.")
    if scheme == "serial":
        return ("Check the cable and the port name (`kiosk printer list`), and that the "
                "baudrate in the URI matches the printer's self-test page.")
    if scheme == "win32":
        return ("Check the printer appears in Windows' 'Printers & scanners' under that name "
                "(case does not matter), that it is switched on, and that its queue is neither "
                "paused nor set to 'Use Printer Offline' (open the queue, menu Printer).")
    if scheme == "cups":
        return "Check the queue with `lpstat -p`; re-enable it with `cupsenable NAME`."
    if scheme == "file":
        return ("Check that the printer is plugged in (the device file appears when it is) and "
                "that the kiosk's user may write to it (Linux: member of the lp group).")
    return "Check the printer URI (`kiosk printer list` shows detected printers)."


def check_printer(ctx: Context, *, label: str = "printer", uri: str | None = None,
                  width: int | None = None) -> list[CheckResult]:
    from drivers.printers import PrinterStatus, PrinterUriError, open_printer

    config = ctx.usable
    uri = uri or config.printer.uri
    width = width or config.printer.width
    try:
        printer = open_printer(uri, width_mm=width, timeout_s=min(config.printer.timeout_s,
                                                                   ctx.timeout_s),
                               preview_dir=ctx.paths.previews, check_status=True)
    except (PrinterUriError, ValueError) as exc:
        return [fail(label, str(exc), "Correct [printer] uri (or run `kiosk setup`).")]
    scheme = uri.split("://", 1)[0].lower()
    if scheme == "file":
        path = Path(printer.path)  # type: ignore[attr-defined]
        if str(path).startswith("/dev/") and not path.exists():
            return [fail(label, f"{uri}: the device {path} does not exist (printer unplugged "
                         "or switched off?)", _printer_fix(uri))]
    queue_state = getattr(printer, "queue_state", None)  # win32://: what the spooler knows
    if queue_state is not None:
        try:
            problem = queue_state().problem
        except Exception as exc:  # noqa: BLE001 - PrintError, or a spooler that is gone
            problem = exc if hasattr(exc, "message_en") else None
        if problem is not None:
            return [fail(label, problem.message_en, _printer_fix(uri))]
    status = printer.status()
    if status is PrinterStatus.OFFLINE:
        return [fail(label, f"{uri} not reachable or offline (cover open, jam, error light?)",
                     _printer_fix(uri))]
    if status is PrinterStatus.PAPER_OUT:
        return [fail(label, f"{uri}: out of paper", f"Load a new {width} mm thermal roll, "
                     "shiny side towards the print head, and close the cover.")]
    if status is PrinterStatus.PAPER_LOW:
        return [warn(label, f"{uri}: paper running low", f"Have a {width} mm roll ready.")]
    if scheme == "preview":
        return [warn(label, f"{uri}: tickets are saved as PNG pictures, nothing is printed",
                     "Fine for a demo; for a real kiosk pick the printer in `kiosk setup` "
                     "(or set [printer] uri).")]
    if status is PrinterStatus.READY:
        return [ok(label, f"{uri}: ready, paper OK")]
    return [ok(label, f"{uri}: reachable; this connection cannot report paper status")]


def check_printers(ctx: Context) -> list[CheckResult]:
    if ctx.config is None:
        return [skip("printer", "configuration not readable")]
    results = check_printer(ctx)
    receipt = ctx.config.dossiers.receipt_printer
    if receipt and receipt != ctx.config.printer.uri:
        results += check_printer(ctx, label="receipt printer", uri=receipt,
                                 width=ctx.config.dossiers.receipt_width)
    return results


def check_scanner(ctx: Context) -> list[CheckResult]:
    from drivers.scanners import find_port, list_serial_ports
    from kiosk.scanner_settings import scanner_settings

    if ctx.config is None:
        return [skip("scanner", "configuration not readable")]
    s = scanner_settings(ctx.config)
    if not s.serial_configured:
        return [skip("scanner", "no serial/USB-CDC scanner configured (keyboard-wedge "
                     "scanners need no set-up)")]
    try:
        ports = list_serial_ports()
    except Exception:  # noqa: BLE001 - pyserial's listing may fail on odd systems
        ports = []
    found = find_port(s.serial_port, s.usb_ids, ports if os.name == "nt" else None)
    wanted = s.serial_port or ", ".join(f"USB {u}" for u in s.usb_ids)
    seen = ", ".join(p.device for p in ports) or "none"
    if found is None:
        return [fail("scanner", f"scanner ({wanted}) not found; serial ports seen: {seen}",
                     "Plug the scanner in (try another USB socket) and set it to USB-CDC / "
                     "virtual COM mode by scanning the set-up code in its manual; then pick "
                     "its port in `kiosk setup` (`kiosk scan listen --list` shows ports).")]
    return [ok("scanner", f"scanner port {found} present")]


def check_keyboard(ctx: Context) -> list[CheckResult]:
    """Windows: the keyboard layout and the Vietnamese input methods (Unikey, EVKey, Windows
    Telex) a keyboard-wedge scanner types through (kiosk/diagnostics/keyboard.py)."""
    if sys.platform != "win32":
        return []
    from kiosk.diagnostics.keyboard import check_wedge_keyboard

    return check_wedge_keyboard(ctx)


def _run_with_timeout(work: Callable[[], Any], timeout_s: float) -> tuple[bool, Any]:
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            box["error"] = exc

    thread = threading.Thread(target=target, name="doctor-probe", daemon=True)
    thread.start()
    thread.join(timeout_s)
    if thread.is_alive():
        return False, None
    if "error" in box:
        raise box["error"]
    return True, box.get("value")


#: Time the camera gets to open and give a frame, beyond the check's own timeout. Windows'
#: Media Foundation (OpenCV's default there) often takes 5-10 s for the first open.
CAMERA_OPEN_S = 2.0
CAMERA_OPEN_WINDOWS_S = 12.0


def check_camera(ctx: Context) -> list[CheckResult]:
    if ctx.config is None:
        return [skip("camera", "configuration not readable")]
    source = ctx.config.scanner.camera
    if not source:
        return [skip("camera", "no camera configured")]
    from drivers.scanners import EngineUnavailable, parse_source
    from drivers.scanners.decoders import _import_cv2

    try:
        cv2 = _import_cv2("the camera check")
    except EngineUnavailable as exc:
        return [fail("camera", str(exc), "Install the camera extra: "
                     "`pip install hcc-kiosk[camera]` (OpenCV).")]

    def grab() -> bool:
        cap = cv2.VideoCapture(parse_source(source))
        try:
            # The frame is read and dropped at once: a camera frame may show an ID card.
            return bool(cap.isOpened() and cap.read()[0])
        finally:
            cap.release()

    windows = sys.platform == "win32"
    budget = ctx.timeout_s + (CAMERA_OPEN_WINDOWS_S if windows else CAMERA_OPEN_S)
    finished, got_frame = _run_with_timeout(grab, budget)
    fix = ("Check the camera's USB cable; close any other program using it; [scanner] camera "
           "is '0' for the first camera or a device path.")
    if windows:
        fix += (" On Windows the camera privacy switch must let desktop programs in: Settings > "
                "Privacy & security > Camera > 'Camera access' and 'Let desktop apps access "
                "your camera' On (Windows 10: Settings > Privacy > Camera).")
    if not finished:
        return [fail("camera", f"camera {source} did not answer in {budget:.0f} s", fix)]
    if not got_frame:
        return [fail("camera", f"camera {source} cannot be opened or gives no picture", fix)]
    return [ok("camera", f"camera {source} gives pictures")]


# -- network ----------------------------------------------------------------------------------

def check_hub(ctx: Context) -> list[CheckResult]:
    import requests

    if ctx.config is None:
        return [skip("hub", "configuration not readable")]
    from kiosk.queue.settings import client_key, hub_settings, key_problem

    hub = hub_settings(ctx.config)
    role, url, key = hub.role, hub.url, client_key(hub)
    key_fix = ("Pair this station again in the set-up wizard (hub step: the hub's address and "
               "the office key shown on the hub PC), or on the hub PC run `kiosk hub pair "
               "--station ID --role ROLE` and set the key it prints as [hub] station_key.")
    if role == "hub":
        weak = key_problem(hub.office_key)
        if weak:
            return [fail("hub", f"this PC is the office hub but {weak}",
                         "Run the set-up wizard on this PC (it makes an office key), then pair "
                         "the other stations again.")]
        from kiosk.queue.settings import tls_problem

        problem = tls_problem(hub.tls_cert, hub.tls_key)
        if problem:
            return [fail("hub", f"this PC is the office hub but cannot serve TLS: {problem}",
                         "Correct [hub] tls_cert and tls_key, or empty both for plain HTTP.")]
        tls = ", HTTPS" if hub.tls_cert else ""
        results = [ok("hub", f"this PC is the office hub (office key set{tls})")]
        if not hub.tls_cert and hub.host not in ("127.0.0.1", "::1", "localhost"):
            results.append(warn(
                "hub TLS", f"the hub listens on {hub.host or '0.0.0.0'} without TLS: keys and the "
                "queue cross the LAN in clear text",
                "Run `kiosk hub make-cert --out DIR` and set [hub] tls_cert and tls_key (the "
                "set-up wizard's hub step with HTTPS does both); then give every other station "
                "an https:// address and a copy of hub.crt."))
        return results
    if not url:
        return [skip("hub", "no hub: this station works on its own")]
    url = url.rstrip("/")
    fix = ("Check that the hub PC is switched on and running the kiosk, that both PCs are on "
           "the same network (ping its address), and that the hub's firewall lets the port in.")
    from kiosk.tls import ca_file_problem, hub_tls_failure

    ca_file = hub.ca_file if url.startswith("https://") else ""
    problem = ca_file_problem(ca_file)
    if problem:
        return [fail("hub", problem, "Copy hub.crt from the hub PC (made by `kiosk hub "
                     "make-cert`) and set [hub] ca_file to where it is on this PC.")]
    try:
        with _session(ca_file) as session:
            health = session.get(f"{url}/api/v1/health", timeout=ctx.timeout_s)
            if health.status_code != 200:
                return [fail("hub", f"{url} answered HTTP {health.status_code}: not a kiosk "
                             "hub at this address?", "Check [hub] url (e.g. "
                             "http://192.168.1.10:8090, shown on the hub PC).")]
            probe = session.get(f"{url}/api/v1/services", timeout=ctx.timeout_s,
                                headers={"X-Office-Key": key} if key else {})
    except requests.exceptions.RequestException as exc:
        tls = hub_tls_failure(exc)
        if tls:
            return [fail("hub", f"hub {url}: {tls}", "Set [hub] ca_file to a copy of the hub "
                         "PC's hub.crt (the file its [hub] tls_cert names); check this PC's date "
                         "and time.")]
        return [fail("hub", f"hub {url} not reachable ({_reason(exc)})", fix)]
    results = [ok("hub", f"hub {url} reachable"
                  + (" over TLS" if url.startswith("https://") else ""))]
    which = "station key" if hub.station_key else "office key"
    if probe.status_code == 401:
        results.append(fail("hub office key", f"the hub refuses this station's {which}"
                            if key else "no station key set: the hub refuses this station",
                            key_fix))
    elif probe.status_code == 429:
        results.append(fail("hub office key", "the hub locked this PC out for a minute after "
                            "too many wrong keys", "Wait a minute, then " + key_fix[0].lower()
                            + key_fix[1:]))
    elif probe.status_code == 200:
        results.append(ok("hub office key", f"the hub accepts the {which}"))
    else:
        results.append(warn("hub office key", f"the hub answered HTTP {probe.status_code} "
                            "to a key check", "Run `kiosk doctor` again; update the hub if "
                            "it persists."))
    if url.startswith("http://"):
        results.append(warn(
            "hub TLS", f"{url} is plain HTTP: this station's key and the queue cross the LAN "
            "in clear text",
            "Turn HTTPS on at the hub (set-up wizard, hub step), copy its hub.crt here and set "
            "[hub] url to https://… and [hub] ca_file to the copy."))
    elif probe.status_code == 200 and not hub.station_key:
        results.append(warn(
            "hub station key", "this station sends the office key: every PC holding it can "
            "do everything at the hub", "Pair this station (set-up wizard, hub step) so it "
            "keeps only its own [hub] station_key, and remove office_key from its "
            "configuration."))
    return results


def _session(ca_bundle: str):
    """For the hub on the LAN: no proxy, the hub's certificate file or the built-in list."""
    import requests

    s = requests.Session()
    s.trust_env = False
    s.verify = ca_bundle or True
    return s


def _city_session(settings):
    from sync.transport import city_session

    # the sync worker's own trust and proxy (sync/transport.py)
    return city_session(settings.server_url, ca_bundle=settings.ca_bundle,
                        proxy=settings.proxy)


def check_city(ctx: Context) -> list[CheckResult]:
    from sync.worker import SyncSettings

    if ctx.config is None:
        return [skip("city server", "configuration not readable")]
    settings = SyncSettings.from_config(ctx.config)
    url = settings.server_url.rstrip("/")
    if not url:
        return [skip("city server", "sync is off ([sync] server_url is empty)")]
    problem = settings.problem()
    if problem:
        return [fail("city server", problem, "Correct [sync] in the configuration "
                     "(`kiosk setup` → city server page).")]
    from sync.transport import route

    way = route(settings.server_url, settings.proxy).describe()
    with _city_session(settings) as session:
        return _city_results(session, url, settings.token, ctx.timeout_s, way)


def _city_results(session, url: str, token: str, timeout_s: float,
                  way: str = "direct") -> list[CheckResult]:
    import requests

    from sync import protocol as p

    timeout = (timeout_s, timeout_s)
    tls = url.startswith("https://")
    try:
        before = time.time()
        health = session.get(url + p.HEALTH_PATH, timeout=timeout)
        after = time.time()
    except requests.exceptions.SSLError as exc:
        return [fail("city server", f"{url}: the TLS certificate is not trusted "
                     f"({_reason(exc)})",
                     "Check this PC's date and time first (a wrong date makes every "
                     "certificate look invalid). If the city uses its own certificate "
                     "authority, set [sync] ca_bundle to its PEM file.")]
    except requests.exceptions.RequestException as exc:
        return [fail("city server", f"{url} not reachable {way} ({_reason(exc)})",
                     "Check the network cable or Wi-Fi, open "
                     f"{url}{p.HEALTH_PATH} in a browser on this PC, and check [sync] "
                     "server_url; a firewall or proxy may be in the way: where the office "
                     "reaches the internet through a proxy, set [sync] proxy (or 'none' to "
                     "go direct).")]
    if health.status_code != 200:
        return [fail("city server", f"{url}{p.HEALTH_PATH} answered HTTP "
                     f"{health.status_code}: not a city sync server at this address?",
                     "Check [sync] server_url: the base address, without /api/v1.")]
    return [
        ok("city server", f"{url} reachable" + (" (TLS certificate verified)" if tls
                                                else " (plain http, this computer)")),
        _token_result(session, url, token, timeout),
        _clock_result(health.headers.get("Date"), before, after),
    ]


def _reason(exc: BaseException) -> str:
    from sync.worker import _short

    return _short(exc)


def _token_result(session, url: str, token: str, timeout) -> CheckResult:
    import requests

    from sync import protocol as p

    try:
        r = session.get(f"{url}{p.REFERENCE_PATH}/services", timeout=timeout,
                        headers={"Authorization": f"Bearer {token}"})
    except requests.exceptions.RequestException as exc:
        return fail("city token", f"could not ask the city about the token ({_reason(exc)})",
                    "Run `kiosk doctor` again; check the network if it keeps failing.")
    if r.status_code in (200, 304):
        return ok("city token", "the city accepts this station's token")
    if r.status_code == 401:
        return fail("city token", "the city does not know this station's token",
                    "Type [sync] token again exactly as the city issued it (no spaces), or "
                    "ask the city for this station's token.")
    if r.status_code == 403:
        return fail("city token", "the city has revoked this station's token; the sync is "
                    "stopped", "Ask the city for a new token and enter it in the admin view "
                    "(Cấu hình → [sync] token) or `kiosk setup`.")
    return fail("city token", f"unexpected answer HTTP {r.status_code} to a token check",
                "Run `kiosk doctor` again later; if it persists, ask the city.")


def _clock_result(date_header: str | None, before: float, after: float) -> CheckResult:
    if not date_header:
        return skip("clock", "the city server sent no Date header to compare with")
    try:
        server = parsedate_to_datetime(date_header).astimezone(UTC).timestamp()
    except (TypeError, ValueError):
        return skip("clock", "the city server's Date header cannot be read")
    # The Date header has whole seconds and was made between `before` and `after`.
    local = (before + after) / 2
    skew = local - server
    slack = (after - before) / 2 + 1.0
    magnitude = max(0.0, abs(skew) - slack)
    local_text = datetime.fromtimestamp(local).astimezone().strftime("%H:%M:%S %d/%m/%Y")
    detail = (f"this PC's clock is {magnitude:.0f} s {'ahead of' if skew > 0 else 'behind'} "
              f"the city server (local time {local_text})")
    fix = ("Set the clock: Windows: Settings → Time & language → Date & time → 'Set time "
           "automatically' and 'Sync now'; Linux: `timedatectl set-ntp true`. The time zone "
           "must be UTC+07:00 (Bangkok, Hanoi, Jakarta). Wrong clocks put wrong times on "
           "tickets and receipts.")
    if magnitude > CLOCK_SKEW_FAIL_S:
        return fail("clock", detail, fix)
    if magnitude > CLOCK_SKEW_WARN_S:
        return warn("clock", detail, fix)
    return ok("clock", f"within {max(magnitude, 1):.0f} s of the city server")


def check_sync_backlog(ctx: Context) -> list[CheckResult]:
    from kiosk.station import database_path
    from sync.status import read_status

    if ctx.config is None or not ctx.config.sync.server_url:
        return [skip("sync backlog", "sync is off")]
    path = database_path(ctx.config, ctx.paths)
    if not path.exists():
        return [skip("sync backlog", "no database yet")]
    try:
        from kiosk.store import wrap

        conn = sqlite3.connect(str(path), timeout=5)
        try:
            status = read_status(wrap(conn), ctx.config.sync.server_url)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [skip("sync backlog", f"database not readable ({exc})")]
    if status.set_aside:
        return [warn("sync backlog", f"{status.set_aside} record(s) refused by the city and "
                     f"set aside; {status.pending} waiting",
                     "Look at the reasons in the admin view (Đồng bộ) or `kiosk sync status`; "
                     "once the city has fixed its side, requeue them there or with "
                     "`kiosk sync requeue --all`.")]
    if status.last_error and status.state in ("error", "offline"):
        return [warn("sync backlog", f"{status.pending} record(s) waiting; last error: "
                     f"{status.last_error}", "See the city server checks above.")]
    return [ok("sync backlog", f"{status.pending} record(s) waiting, none refused")]


# -- backups ----------------------------------------------------------------------------------

def check_backup(ctx: Context) -> list[CheckResult]:
    """The newest good backup per configured target ([backup] folder, the hub): a warning
    when there is none, when it is older than two intervals, or when the last try failed."""
    from kiosk.backup.files import size_text, station_backups
    from kiosk.backup.schedule import read_state

    if ctx.config is None:
        return [skip("backup", "configuration not readable")]
    cfg = ctx.config.backup
    state = read_state(ctx.paths)
    manual = (state.get("file") or {}).get("last_ok") if isinstance(state.get("file"),
                                                                     dict) else None
    if not cfg.folder and not cfg.to_hub:
        detail = "no scheduled backups ([backup] folder is empty, to_hub is off)"
        if manual:
            detail += f"; the last `kiosk backup --out` was {_when(manual.get('taken_at'))} " \
                      f"to {manual.get('where')}"
        return [warn("backup", detail, "Set [backup] folder to a folder on a second disk or a "
                     "USB drive (and/or [backup] to_hub = true on a station paired with the "
                     "hub); or copy `kiosk backup --out FILE` somewhere safe regularly.")]
    now = datetime.now(UTC)
    limit_s = 2 * cfg.interval_hours * 3600
    results = []
    if cfg.folder:
        folder = Path(cfg.folder).expanduser()
        error = _backup_error(state, "folder")
        files = station_backups(folder, ctx.config.station.id) if folder.is_dir() else []
        fix_folder = ("Plug in the backup drive (or create the folder), then run `kiosk backup` "
                      "once to check; the station tries again within the hour by itself.")
        if not folder.is_dir():
            results.append(warn("backup", f"the backup folder {folder} does not exist (USB "
                                "drive not plugged in?)", fix_folder))
        elif not files:
            results.append(warn("backup", f"no backup of this station in {folder} yet"
                                + (f"; last error: {error}" if error else ""), fix_folder))
        else:
            newest = files[-1]
            st = newest.stat()
            age_s = now.timestamp() - st.st_mtime
            detail = (f"newest {newest.name} in {folder}: {size_text(st.st_size)}, "
                      f"{_age(age_s)} old, {len(files)} kept")
            if age_s > limit_s:
                results.append(warn("backup", detail + f"; older than {2 * cfg.interval_hours:g}"
                                    " h" + (f"; last error: {error}" if error else ""),
                                    "Is the station running? Check the log for 'backups:'; "
                                    + fix_folder))
            elif error:
                results.append(warn("backup", f"{detail}; the last try failed: {error}",
                                    fix_folder))
            else:
                results.append(ok("backup", detail))
    if cfg.to_hub:
        entry = state.get("hub") if isinstance(state.get("hub"), dict) else {}
        last, error = entry.get("last_ok"), entry.get("last_error")
        fix_hub = ("Check the hub (see the hub checks); this station needs its own "
                   "[hub] station_key of role kiosk or counter. `kiosk backup --to-hub` tries "
                   "at once.")
        if not last:
            results.append(warn("backup to hub", "no backup sent to the hub yet"
                                + (f"; last error: {error}" if error else ""), fix_hub))
        else:
            age_s = now.timestamp() - _timestamp(last.get("at"))
            detail = (f"last sent {_age(age_s)} ago ({size_text(last.get('size_bytes', 0))}, "
                      f"{last.get('where')})")
            if age_s > limit_s or error:
                results.append(warn("backup to hub", detail + (f"; the last try failed: "
                                                               f"{error}" if error else ""),
                                    fix_hub))
            else:
                results.append(ok("backup to hub", detail))
    return results


# -- archived years -----------------------------------------------------------------------------

def check_archive(ctx: Context) -> list[CheckResult]:
    """The archive files of closed years (kiosk/archive): each listed with its size and
    checked against its manifest (a damaged or unfinished file fails); a warning when the last
    archiving run failed, or when closed months (years) that [store] archive_keep_months
    (archive_keep_years) says should be archived are still in the live database."""
    from kiosk.archive.files import (
        archived_years,
        check,
        folder_for,
        pending_manifest,
        replaced_files,
    )
    from kiosk.backup.files import size_text

    if ctx.config is not None:
        from kiosk.station import database_path

        folder = folder_for(database_path(ctx.config, ctx.paths))
    else:
        folder = ctx.paths.archive
    years = archived_years(folder)
    store = ctx.config.store if ctx.config is not None else None
    results = _archive_run_state(ctx) + _archive_overdue(ctx) + _archive_strays(ctx, folder)
    if not years:
        when = ""
        if store is not None and store.archive_keep_months:
            when = (f"the station archives the months before the last "
                    f"{store.archive_keep_months} once a month")
        elif store is not None and store.archive_keep_years:
            when = (f"the station archives the years before the last "
                    f"{store.archive_keep_years} once a year")
        elif store is not None:
            when = ("automatic archiving is off ([store] archive_keep_months = 0 and "
                    "archive_keep_years = 0)")
        if when and ctx.config.hub.role in ("client", "hub"):
            when += ("; on this PC of a LAN office its dossiers and petitions stay live "
                     "(docs/archive.md)")
        return [ok("archive", "no archived year" + (f" ({when})" if when else ""))] + results
    for entry in years:
        rows = sum(entry.rows.values())
        detail = f"{entry.year}: {entry.path.name}, {size_text(entry.size_bytes)}, {rows} record(s)"
        problem = check(entry)
        old = replaced_files(folder, entry.year)
        pending = pending_manifest(folder, entry.year)
        if pending is not None:
            # A rewrite cut off between its two renames: the file is whole and matches the
            # manifest waiting beside it; a backup's copy would bring back the personal data
            # a retention rewrite removed (its manifest says when it purged).
            by = ("rewritten by the retention purge" if "purged_at" in pending
                  else "extended by an archiving run")
            results.append(warn("archive", f"{detail}: {by}, its new manifest not yet in "
                                "place (the run was cut off)",
                                "Nothing is lost: the next `kiosk archive`, `kiosk dossier "
                                "purge`, `kiosk petition purge` or the station's own archiving "
                                "run puts it in place. Do not restore this year from a backup "
                                "(docs/archive.md)."))
        elif old and not problem:
            # A year written again as gzip whose xz file was not removed (the run cut off, or
            # Windows would not delete it): it may hold what the rewrite removed.
            results.append(warn("archive", f"{detail}, verified; its older file "
                                f"{', '.join(p.name for p in old)} is still beside it",
                                "Nothing is lost: the next `kiosk archive`, `kiosk dossier "
                                "purge` or `kiosk petition purge` removes it (it may hold "
                                "personal data the retention purge removed from the year)."))
        elif problem:
            results.append(fail("archive", f"{detail}: {problem}",
                                "Run `kiosk archive` again (it finishes a run that was cut "
                                "off); if the file is damaged, restore it from a backup "
                                "(docs/archive.md)."))
        else:
            held = f"{detail}, verified; {_archived_personal(entry)}"
            past = _archived_past_retention(ctx, entry)
            if past:
                commands = " and ".join(f"`kiosk {c} purge`" for c in past)
                results.append(warn("archive", f"{held}; some of it is past its retention time",
                                    f"Run {commands} on the station: they rewrite the year "
                                    "without it (the backup folder's copy too; "
                                    "docs/archive.md)."))
            else:
                results.append(ok("archive", held))
    return results + _archive_kept(folder)


def _archive_kept(folder) -> list[CheckResult]:
    """The copies readings keep of archived years (kiosk/archive/reading.py): how many and
    how large, so that the disk they take is not a mystery."""
    from kiosk.archive.files import KEPT_SUFFIX, kept_folder
    from kiosk.archive.reading import KEPT_S
    from kiosk.backup.files import size_text

    try:
        kept = sorted(p for p in kept_folder(folder).iterdir() if p.suffix == KEPT_SUFFIX)
        size = sum(p.stat().st_size for p in kept)
    except OSError:
        return []
    if not kept:
        return []
    years = ", ".join(sorted({p.name.split("-")[0] for p in kept}))
    return [ok("archive", f"unpacked copies kept for the next reports: {years} "
               f"({size_text(size)} in {kept_folder(folder)}; each removed when its year "
               f"is written again or after {KEPT_S / 86400:.0f} days unused)")]


def _archived_past_retention(ctx: Context, entry) -> list[str]:
    """Which purge commands would reach personal data an archived year holds past its
    retention time (from the manifest's first day of a last change holding it: a day before
    the retention cut is past, whatever its time of day)."""
    from datetime import timedelta

    held = (entry.manifest or {}).get("personal")
    if ctx.config is None or not held:
        return []
    today = datetime.now(UTC).date()
    out = []
    for key, days, command in (("dossiers", ctx.config.dossiers.retention_days, "dossier"),
                               ("feedback_phones", ctx.config.petitions.retention_days,
                                "petition")):
        got = held.get(key) or {}
        cut = (today - timedelta(days=days)).isoformat()
        if got.get("rows") and got.get("from") and got["from"] < cut:
            out.append(command)
    return out


def _archived_personal(entry) -> str:
    """What personal data an archived year still holds, from its manifest (counts and days
    only): refused, withdrawn or stopped dossiers and feedback phone numbers archived within
    their retention time, until the retention purge reaches the year (docs/archive.md)."""
    held = (entry.manifest or {}).get("personal")
    if held is None:
        return "personal data not counted (written by an older version; the next run " \
               "rewriting the year counts it)"
    parts = []
    for key, what in (("dossiers", "refused/withdrawn/stopped dossier(s) with the citizen's "
                                   "details"), ("feedback_phones", "feedback phone number(s)")):
        got = held.get(key) or {}
        if got.get("rows"):
            parts.append(f"{got['rows']} {what} (last change {got['from']} to {got['to']})")
    return "holds personal data: " + "; ".join(parts) if parts else "no personal data"


def _archive_strays(ctx: Context, folder: Path) -> list[CheckResult]:
    """A warning when the backup folder holds archived years the station does not: their
    backup copy may be the only one left (kiosk.archive.files.stray_years)."""
    from kiosk.archive.files import backup_folder_name, stray_years

    if ctx.config is None or not ctx.config.backup.folder:
        return []
    kept = Path(ctx.config.backup.folder).expanduser() / backup_folder_name(
        ctx.config.station.id)
    strays = stray_years(folder, kept) if kept.is_dir() else []
    if not strays:
        return []
    return [warn("archive", f"the backup folder holds archived year(s) this station does not "
                 f"have: {', '.join(map(str, strays))} ({kept}); that copy may be the only one "
                 "left", f"Copy the year's .db.gz (or .db.xz) and .json files from {kept} back "
                 f"into {folder} (`kiosk doctor` then checks them), or restore a backup with "
                 "`kiosk restore`, which brings missing years back (docs/archive.md).")]


def _archive_run_state(ctx: Context) -> list[CheckResult]:
    """A warning when the last archiving run (the station's yearly run or `kiosk archive`)
    failed and none succeeded since (archive-state.json)."""
    from kiosk.archive.schedule import read_state

    state = read_state(ctx.paths)
    if not state.get("failed_at"):
        return []
    error = state.get("error") or ""
    words = _archive_failure_words(error)
    return [warn("archive", f"the last archiving run failed ({_when(state['failed_at'])}): "
                 f"{words}" + (f" (recorded error: {error})" if error else ""),
                 "Run `kiosk archive` on the station when the office is closed and read its "
                 "message: it says what failed and that nothing was lost (a run cut off is "
                 "finished by the next one). A full disk: free space first (`kiosk doctor` "
                 "lists the free disk above). The warning clears after a run that succeeds "
                 "(docs/archive.md).")]


def _archive_failure_words(error: str) -> str:
    """What a recorded archiving failure means, in plain words, before its raw text."""
    text = error.lower()
    for needles, words in (
            (("no space left", "errno 28", "disk is full", "database or disk is full"),
             "the disk was full"),
            (("permission denied", "errno 13", "access is denied", "read-only file system"),
             "a file or folder could not be written (permissions, or a read-only disk)"),
            (("not a directory", "file exists"),
             "the archive folder is not a folder (a file stands in its place)"),
            (("database is locked", "under way", "already running"),
             "another run or program was using the files; it is tried again"),
            (("damaged", "does not match its manifest"),
             "an archive file is damaged or does not match its manifest")):
        if any(n in text for n in needles):
            return words
    return "it stopped on an error" if error else "no reason recorded"


def _archive_overdue(ctx: Context) -> list[CheckResult]:
    """A warning when closed records of months (years) [store] archive_keep_months
    (archive_keep_years) says should be archived are still in the live database (counted as
    `kiosk archive --dry-run` does; open or undelivered records stay live by design and are
    not counted)."""
    from zoneinfo import ZoneInfo

    from kiosk.archive.move import archive, due_before
    from kiosk.archive.schedule import keeps_dossiers
    from kiosk.station import database_path

    config = ctx.config
    if config is None:
        return []
    path = database_path(config, ctx.paths)
    today = datetime.now(ZoneInfo(config.office.timezone)).date()
    before = due_before(config.store, today)
    if before is None or not path.exists():
        return []
    from kiosk.store import wrap

    try:
        conn = _open_for_check(path, read_only=True)
    except sqlite3.Error:
        return []
    try:
        db = wrap(conn)
        late = archive(db, ctx.paths.archive, before, station_id=config.station.id,
                       dry_run=True, keep_dossiers=keeps_dossiers(config, db))
    except sqlite3.Error as exc:
        return [skip("archive", f"whether closed years wait to be archived: database not "
                     f"readable ({exc})")]
    finally:
        conn.close()
    if not late:
        return []
    which = ", ".join(f"{r.year}: {r.moved} record(s)" for r in late)
    from kiosk.archive.schedule import done_now, read_state

    months = bool(config.store.archive_keep_months)
    period, following = ("month", "next month") if months else ("year", "next year")
    cost = ("a few minutes a month" if months else "about 2 minutes a year")
    if done_now(config, read_state(ctx.paths), today):
        # This month's (year's) run is recorded as done: the station does not run again
        # before the next (these records were not closed or not delivered then).
        fix = (f"This {period}'s archiving run is already done, so the station does not "
               f"archive them by itself before {following}: run `kiosk archive` on the station "
               f"when the office is closed ({cost}, tickets can still be issued meanwhile; "
               "docs/archive.md).")
    else:
        fix = ("The station archives them by itself when the office is closed or, in office "
               "hours, when nobody has used it for 20 minutes; if it is never left idle, run "
               f"`kiosk archive` when the office is closed ({cost}, tickets can still be "
               "issued meanwhile; docs/archive.md).")
    if months:
        return [warn("archive", f"closed months waiting to be archived: records closed "
                     f"before {before:%d/%m/%Y} are still in the live database although "
                     f"[store] archive_keep_months = {config.store.archive_keep_months} keeps "
                     f"only those from {before:%d/%m/%Y} on live ({which}); the database "
                     "grows by them", fix)]
    kept = f"{before.year}-{today.year}" if before.year < today.year else str(today.year)
    return [warn("archive", f"closed years still in the live database although [store] "
                 f"archive_keep_years = {config.store.archive_keep_years} keeps only {kept} "
                 f"live ({which}); the database grows by them",
                 fix)]


def _backup_error(state: dict, target: str) -> str | None:
    entry = state.get(target)
    return entry.get("last_error") if isinstance(entry, dict) else None


def _timestamp(iso: Any) -> float:
    try:
        return datetime.fromisoformat(str(iso)).timestamp()
    except ValueError:
        return 0.0


def _when(iso: Any) -> str:
    try:
        return datetime.fromisoformat(str(iso)).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return "?"


def _age(seconds: float) -> str:
    if seconds < 5400:
        return f"{max(0, seconds) / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} days"


def check_windows_station(ctx: Context) -> list[CheckResult]:
    """Windows only: the hub's firewall rule and the data folder's permissions
    (kiosk/diagnostics/windows_station.py)."""
    if sys.platform != "win32":
        return []
    from kiosk.diagnostics.windows_station import check_data_acl, check_firewall

    return check_firewall(ctx) + check_data_acl(ctx)


CHECKS: tuple[Callable[[Context], list[CheckResult]], ...] = (
    check_config,
    check_admin_pin,
    check_database,
    check_disk,
    check_logs,
    check_printers,
    check_scanner,
    check_keyboard,
    check_camera,
    check_hub,
    check_city,
    check_sync_backlog,
    check_backup,
    check_archive,
    check_windows_station,
)


def _safe(check: Callable[[Context], list[CheckResult]], ctx: Context) -> list[CheckResult]:
    name = check.__name__.removeprefix("check_").replace("_", " ")
    try:
        return check(ctx)
    except Exception as exc:  # noqa: BLE001 - a broken check is a failed check, not a crash
        return [fail(name, f"the check itself failed: {type(exc).__name__}: {exc}",
                     _FIX_REPORT)]


def run_checks(paths: Paths, *, config: Config | None = None, config_error: str | None = None,
               timeout_s: float = DEFAULT_TIMEOUT_S,
               checks: Iterable[Callable[[Context], list[CheckResult]]] = CHECKS,
               ) -> list[CheckResult]:
    """Run every check; loads the configuration from `paths` unless it is given."""
    if config is None and config_error is None:
        config, config_error = load_config(paths)
    ctx = Context(paths, config, config_error, timeout_s)
    results: list[CheckResult] = []
    for check in checks:
        results += _safe(check, ctx)
    return results


def all_ok(results: Iterable[CheckResult]) -> bool:
    return all(r.ok for r in results)
