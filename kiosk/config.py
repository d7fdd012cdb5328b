"""The one configuration schema: sections, keys, defaults, documentation and validation.

A station reads one TOML file. Every key has a default, so a missing file means "embedded
defaults" (the demo). A wrong key or value stops start-up with a message naming the key.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomli_w


class ConfigError(ValueError):
    """A configuration problem, worded for the technician who has to fix the file."""

    def __init__(self, problem: str, *, key: str | None = None, path: Path | None = None):
        self.key = key
        self.problem = problem
        self.path = path
        where = f" in {path}" if path else ""
        what = f"[{key.rsplit('.', 1)[0]}] {key.rsplit('.', 1)[1]}: " if key and "." in key else ""
        super().__init__(f"Configuration error{where}: {what}{problem}")


def setting(
    default: Any,
    doc: str,
    *,
    choices: tuple[Any, ...] | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    check: Callable[[Any], str | None] | None = None,
) -> Any:
    """Declare one key: its default, its documentation line and how it is validated."""
    meta = {"doc": doc, "choices": choices, "min": minimum, "max": maximum, "check": check}
    return field(default=default, metadata=meta)


def _check_timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {value!r}; use an IANA name such as 'Asia/Ho_Chi_Minh'"
    return None


def _check_printer_uri(value: str) -> str | None:
    from drivers.printers import PrinterUriError, parse_printer_uri

    try:
        parse_printer_uri(value)
    except PrinterUriError as exc:
        return str(exc)
    return None


def _check_optional_printer_uri(value: str) -> str | None:
    return _check_printer_uri(value) if value else None


def _check_sync_url(value: str) -> str | None:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if value and (parts.scheme not in ("https", "http") or not parts.hostname):
        return "must be an https:// URL such as 'https://sync.example.gov.vn', or empty"
    return None


def _check_proxy(value: str) -> str | None:
    from sync.proxy_setting import check_proxy

    return check_proxy(value)


def _check_usb_ids(value: tuple[str, ...]) -> str | None:
    from drivers.scanners.discovery import UsbIdError, parse_usb_id

    for item in value:
        try:
            parse_usb_id(item)
        except UsbIdError as exc:
            return str(exc)
    return None


def _check_keep_months(value: int) -> str | None:
    if value == 1:
        return ("must be 0 (the yearly rule) or at least 2: a month's records are archived "
                "only once they are 32 days old, so 1 would never archive")
    return None


def _check_pin_hash(value: str) -> str | None:
    from kiosk.admin.pin import is_pin_hash

    if value and not is_pin_hash(value):
        return ("must be a PIN hash written by `kiosk setup` or the admin view ('scrypt$…'), "
                "or empty")
    return None


def _check_hub_url(value: str) -> str | None:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if value and (parts.scheme not in ("http", "https") or not parts.hostname):
        return ("must be the hub's address such as 'http://192.168.1.10:8090' (https:// when "
                "the hub serves TLS), or empty")
    return None


MIN_KEY_LENGTH = 16  # office keys and station keys: what the set-up wizard generates is longer
MIN_KEY_DISTINCT = 8


def key_weakness(value: str) -> str | None:
    """Why a key is too easy to guess or cannot be sent, or None (an empty key is not judged
    here). Keys travel in HTTP headers, which carry printable ASCII only."""
    if value and not (value.isascii() and value.isprintable()):
        return ("must be printable ASCII characters only: letters without accents (no "
                "\"ậ\", \"ẩ\", \"ă\"), digits and punctuation (the set-up wizard makes one)")
    if value and len(value) < MIN_KEY_LENGTH:
        return (f"must be at least {MIN_KEY_LENGTH} random characters (the set-up wizard "
                "makes one)")
    if value and len(set(value)) < MIN_KEY_DISTINCT:
        return (f"is too easy to guess: use at least {MIN_KEY_DISTINCT} different characters "
                "(the set-up wizard makes one)")
    return None


def _check_station_id(value: str) -> str | None:
    if len(value) > 64 or (value and (not value.isprintable() or value != value.strip())):
        return "must be up to 64 printable characters without spaces at either end, or empty"
    return None


def _check_office_key(value: str) -> str | None:
    return key_weakness(value)


def _check_time_of_day(value: str) -> str | None:
    from kiosk.calendar.working_days import check_time_of_day

    return check_time_of_day(value)


def _check_iso_dates(values: tuple[str, ...]) -> str | None:
    from kiosk.calendar.working_days import check_iso_dates

    return check_iso_dates(values)


def _check_log_level(value: str) -> str | None:
    levels = ("DEBUG", "INFO", "WARNING", "ERROR")
    return None if value.upper() in levels else f"must be one of {', '.join(levels)}"


@dataclass(frozen=True)
class OfficeConfig:
    code: str = setting("000.00.01.H26", "Unit code of the service point, printed on tickets "
                        "and used in dossier codes.")
    name: str = setting("Điểm phục vụ hành chính công xã Demo",
                        "Office name shown on screens and printed on tickets.")
    timezone: str = setting("Asia/Ho_Chi_Minh", "Local time zone: ticket numbers restart at "
                            "local midnight in this zone.", check=_check_timezone)


@dataclass(frozen=True)
class StationConfig:
    id: str = setting("", "This station's identifier, recorded with everything it makes and "
                      "bound to its city token (1 to 64 printable characters); empty: this "
                      "installation's own id, made once (role and a random suffix) and kept "
                      "in the data folder's station-id file.", check=_check_station_id)
    role: str = setting("kiosk", "What this PC is: 'kiosk', 'counter', 'display' or 'hub'.",
                        choices=("kiosk", "counter", "display", "hub"))


@dataclass(frozen=True)
class KioskConfig:
    language: str = setting("vi", "Start-up language of the ticket screen.", choices=("vi", "en"))
    fullscreen: bool = setting(True, "Run the ticket screen full screen and frameless; false: "
                               "in a window filling the screen's free area.")
    confirm_timeout_s: int = setting(15, "Seconds the confirmation (the issued number) stays on "
                                     "screen before returning to the start.",
                                     minimum=3, maximum=300)
    services: tuple[str, ...] = setting((), "Service codes offered at this kiosk, in order; "
                                        "empty means every service in the catalog.")
    enforce_opening_hours: bool = setting(True, "Grey out services outside their opening hours "
                                          "(they show and, tapped, say when they open).")
    out_of_service_after: int = setting(3, "Consecutive failed prints after which the kiosk "
                                        "stops taking numbers and shows an out-of-service "
                                        "notice until the printer answers again (dossier "
                                        "look-up and feedback stay open); 0 never stops.",
                                        minimum=0, maximum=100)
    printer_recheck_s: int = setting(20, "While out of service, seconds between printer checks.",
                                     minimum=2, maximum=600)


@dataclass(frozen=True)
class QueueConfig:
    priority_policy: str = setting("every_n", "How priority tickets (elderly, disabled, "
                                   "pregnant, small children) are called: 'strict' calls every "
                                   "waiting priority ticket first; 'every_n' gives one call in "
                                   "every priority_every to a waiting priority ticket.",
                                   choices=("strict", "every_n"))
    priority_every: int = setting(5, "With priority_policy = 'every_n': one call in this many "
                                  "goes to a priority ticket.", minimum=2, maximum=50)


@dataclass(frozen=True)
class PrinterConfig:
    uri: str = setting("preview://", "Ticket printer: usb://VID:PID, "
                       "serial:///dev/ttyUSB0?baudrate=19200, tcp://HOST:9100, win32://NAME, "
                       "cups://NAME, file:///PATH, or preview://DIR (PNG files; with no DIR, "
                       "the 'previews' folder of the data directory).",
                       check=_check_printer_uri)
    width: int = setting(80, "Paper width in millimetres: 80 (576 dots) or 58 (384 dots).",
                         choices=(58, 80))
    timeout_s: float = setting(10.0, "Seconds a print may take before it counts as failed.",
                               minimum=1, maximum=120)
    check_status: bool = setting(True, "Ask the printer for paper/online status before printing "
                                 "where the connection can read it (usb, serial, tcp).")
    profile: str = setting("auto", "Which ESC/POS commands the printer takes besides raster "
                           "images. 'basic': everything as images at the left margin, which "
                           "every ESC/POS printer prints alike (about 27 KB per 80 mm ticket, "
                           "half a minute at 9600 baud). 'epson': Epson's ESC/POS as "
                           "documented (Epson TM-T20, TM-T82, TM-T88V and printers that "
                           "follow it): the QR code with the printer's own QR command and "
                           "images centred by the printer (ESC a), the same dots in about "
                           "17 KB. Some clones print images at the left edge whatever ESC a "
                           "says, or have no QR command (as Epson models older than the "
                           "TM-T88IV): print a test ticket and check it is centred and has its "
                           "QR code. 'auto': 'epson' for a usb:// printer made by Epson "
                           "(vendor ID 04b8) and a win32:// queue on Epson's own TM driver "
                           "('EPSON TM-T82III Receipt', ...; not the TM-U or models before "
                           "the TM-T88IV), 'basic' for any other.",
                           choices=("auto", "basic", "epson"))
    native_qr: bool = setting(False, "Print the ticket's QR code with the printer's own QR "
                              "command (GS ( k) instead of as part of the image: about 5 KB "
                              "less per ticket. Only for printers that have the command (most "
                              "Epson-compatible models since about 2010); the default prints "
                              "everything as an image, which every ESC/POS printer does.")
    left_margin: bool = setting(False, "Also cut the blank paper left of the text out of the image "
                                "and move it with the left margin command (GS L): about 9 KB "
                                "less per 80 mm ticket. Only for printers that count GS L in "
                                "dots (most 203-dpi models); print a test ticket to check.")


@dataclass(frozen=True)
class HubConfig:
    role: str = setting("standalone", "This station's part in the office queue: 'standalone' "
                        "keeps the queue in this PC's database (one-PC offices, the demo); "
                        "'hub' owns the office database and serves it to the LAN; 'client' "
                        "uses the hub at url.", choices=("standalone", "hub", "client"))
    url: str = setting("", "With role = 'client': the hub's address, e.g. "
                       "'http://192.168.1.10:8090', or 'https://…' when the hub serves TLS.",
                       check=_check_hub_url)
    host: str = setting("127.0.0.1", "With role = 'hub': address to listen on; the default "
                        "answers this PC only, '0.0.0.0' or this PC's LAN address lets the "
                        "stations in.")
    port: int = setting(8090, "With role = 'hub': TCP port.", minimum=1, maximum=65535)
    office_key: str = setting("", "Office key, for pairing stations and admin work only: the "
                              "hub's set-up wizard makes it (at least 16 random characters), the "
                              "technician types it on each other PC's wizard, which keeps only "
                              "the station_key it gets. KIOSK_OFFICE_KEY overrides it. Keep this "
                              "file readable by the kiosk account only.",
                              check=_check_office_key)
    station_key: str = setting("", "This station's own credential at the hub, issued when it was "
                               "paired (set-up wizard, or `kiosk hub pair` on the hub PC); sent "
                               "instead of office_key when set. KIOSK_STATION_KEY overrides it.",
                               check=_check_office_key)
    timeout_s: float = setting(5.0, "Seconds a station waits for the hub before counting it "
                               "unreachable.", minimum=0.5, maximum=60)
    tls_cert: str = setting("", "With role = 'hub': PEM certificate file; with tls_key, the hub "
                            "serves HTTPS/WSS (clients then use an https:// url). "
                            "`kiosk hub make-cert` makes one. Empty: plain HTTP.")
    tls_key: str = setting("", "With role = 'hub': the PEM private key of tls_cert (set both or "
                           "neither). Keep it readable by the kiosk account only.")
    ca_file: str = setting("", "On stations using an https:// hub: the certificate to trust, "
                           "usually the hub's own hub.crt copied here at installation; empty "
                           "trusts the system's certificate authorities.")


@dataclass(frozen=True)
class CounterConfig:
    number: int = setting(1, "This counter's number, announced and shown on the displays.",
                          minimum=1, maximum=999)
    services: tuple[str, ...] = setting((), "Service codes this counter calls, e.g. "
                                        "[\"CT\", \"HT\"]; empty means every service.")
    clerk: str = setting("", "Default clerk name recorded with calls.")


@dataclass(frozen=True)
class ScannerConfig:
    serial_port: str = setting("", "Serial / USB-CDC (virtual COM) port of the counter scanner, "
                               "e.g. 'COM3', '/dev/ttyACM0' or a stable /dev/serial/by-id/... "
                               "link; empty means find it by usb_ids. Use USB-CDC mode for ID "
                               "cards: only then does Vietnamese arrive intact.")
    usb_ids: tuple[str, ...] = setting((), "USB ids (VID:PID in hex, or VID alone) of serial "
                                       "scanners to look for when serial_port is empty, e.g. "
                                       "[\"0C2E:0B61\"]; `kiosk scan listen --list` shows them.",
                                       check=_check_usb_ids)
    baudrate: int = setting(9600, "Serial speed (USB-CDC scanners ignore it).",
                            choices=(1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200))
    serial_flush_ms: int = setting(100, "For scanners that send no CR/LF after a code: a scan "
                                   "ends after this many milliseconds of silence.",
                                   minimum=20, maximum=2000)
    wedge_enabled: bool = setting(True, "Catch keyboard-wedge (HID) scanners: a fast burst of "
                                  "keys ending with the terminator becomes a scan, not typing.")
    wedge_max_interkey_ms: int = setting(35, "Keys closer together than this (ms) may be a "
                                         "scanner; people type slower.", minimum=5, maximum=200)
    wedge_min_length: int = setting(6, "Shorter bursts are typing, not a scan.",
                                    minimum=2, maximum=100)
    wedge_terminator: str = setting("enter", "Key the wedge scanner sends after each code.",
                                    choices=("enter", "tab"))
    camera: str = setting("", "Camera to scan with: empty for none, '0' for the first camera, "
                          "or a device path. Frames are never stored.")
    engine: str = setting("zxing", "Decoder for camera and image reads: 'zxing' (built in), "
                          "'zbar' (zbar extra) or 'opencv' (camera extra; QR codes only).",
                          choices=("zxing", "zbar", "opencv"))


@dataclass(frozen=True)
class DisplayConfig:
    fullscreen: bool = setting(True, "Run the display board full screen, frameless, no pointer.")
    recent_calls: int = setting(8, "Lines in 'Vừa gọi' (latest calls).", minimum=1, maximum=8)
    highlight_s: float = setting(8.0, "Seconds a new call's tile blinks.", minimum=0, maximum=60)
    voice: str = setting("clips", "'clips' (recorded, offline), 'tts' (a Vietnamese voice of "
                         "the PC if it has one, else clips) or 'off'.",
                         choices=("clips", "tts", "off"))
    announcement_gap_s: float = setting(1.5, "Silence between two announcements.",
                                        minimum=0, maximum=10)
    volume: float = setting(1.0, "Announcement volume, 0.0 to 1.0.", minimum=0, maximum=1)
    repeat: int = setting(1, "Say each call this many times.", minimum=1, maximum=3)
    announce_recalls: bool = setting(True, "Speak recalls too ('Nhắc lại. Mời công dân …').")
    refresh_s: float = setting(30.0, "Re-read the whole queue this often.", minimum=5,
                               maximum=600)
    services: tuple[str, ...] = setting((), "Services shown in 'Đang chờ'; empty: all.")


@dataclass(frozen=True)
class RatingConfig:
    enabled: bool = setting(True, "Offer the satisfaction rating after service.")
    timeout_s: int = setting(30, "Seconds the rating question stays up (every tap restarts "
                             "it).", minimum=5, maximum=300)


@dataclass(frozen=True)
class SelfServiceConfig:
    lookup_enabled: bool = setting(True, "'Tra cứu hồ sơ' (dossier look-up) on the ticket "
                                   "kiosk.")
    feedback_enabled: bool = setting(True, "'Phản ánh, kiến nghị' (citizen feedback) on the "
                                     "ticket kiosk.")
    feedback_topics: tuple[str, ...] = setting((), "Feedback topics offered, in Vietnamese; one "
                                               "may add its English name for English screens "
                                               "after a vertical bar. Empty means the "
                                               "built-in list.")
    feedback_ask_phone: bool = setting(True, "Offer an optional phone number step.")


@dataclass(frozen=True)
class CalendarConfig:
    saturday_morning: bool = setting(False, "Take dossiers on Saturday morning. Saturday is still "
                                     "not a processing day: a Saturday dossier counts as "
                                     "received on the next working day.")
    cutoff: str = setting("15:00", "Dossiers received at or after this local time (HH:MM) count "
                          "as received on the next working day.", check=_check_time_of_day)
    saturday_cutoff: str = setting("12:00", "With saturday_morning: Saturday reception ends at "
                                   "this time (HH:MM). Does not change appointment dates.",
                                   check=_check_time_of_day)
    holiday_overrides: tuple[str, ...] = setting((), "Extra days off (YYYY-MM-DD) besides the "
                                                 "public holidays of the holidays package, e.g. "
                                                 "the Saturdays inside a Tết break.",
                                                 check=_check_iso_dates)
    working_day_overrides: tuple[str, ...] = setting((), "Extra working days (YYYY-MM-DD): a "
                                                     "make-up Saturday, or a listed holiday that "
                                                     "was not given.", check=_check_iso_dates)


@dataclass(frozen=True)
class DossierConfig:
    retention_days: int = setting(90, "Days after a dossier is handed back (or refused, "
                                  "withdrawn, stopped) before its personal data (names, ID "
                                  "numbers, birth dates, addresses, phones, e-mails) is purged "
                                  "here, archived years included; only dossiers the city has "
                                  "received are purged.", minimum=0, maximum=3650)
    result_place: str = setting("", "Where citizens collect results, printed on receipts; empty "
                                "means each procedure's place from the catalog.")
    receipt_copies: int = setting(1, "Thermal receipt copies per dossier.", minimum=1, maximum=5)
    receipt_printer: str = setting("", "Receipt printer URI (same forms as [printer] uri); empty "
                                   "means the ticket printer.",
                                   check=_check_optional_printer_uri)
    receipt_width: int = setting(80, "Paper width of receipt_printer in mm (only when it is "
                                 "set).", choices=(58, 80))
    a4_output_dir: str = setting("", "Folder for A4 receipt and slip PDFs; empty means "
                                 "'receipts' in the data directory.")
    unit_name: str = setting("", "Receiving unit name on receipts and the logbook; empty means "
                             "[office] name.")
    parent_authority: str = setting("", "Line above the unit name on the A4 receipt, e.g. "
                                    "'Trung tâm Phục vụ hành chính công thành phố Hà Nội'; empty "
                                    "leaves it out.")
    deciding_unit_code: str = setting("", "Code of the unit deciding dossiers filed here; empty "
                                      "means [office] code.")
    deciding_unit_name: str = setting("", "Name of the deciding unit (DonViXuLy); empty means "
                                      "unit_name.")
    place_name: str = setting("Hà Nội", "Place in the A4 date line 'Hà Nội, ngày … tháng … "
                              "năm …'.")
    lookup_url: str = setting("", "Look-up address in the receipt QR, {code} replaced by the "
                              "dossier code; empty puts the bare code in the QR (the counter "
                              "scanner reads it).")
    due_soon_days: int = setting(2, "Working days ahead the counter and office windows and "
                                 "'kiosk dossier list --due-within' (its default) look for "
                                 "dossiers falling due; 0 shows only those due today.",
                                 minimum=0, maximum=30)
    reminder_time: str = setting("16:00", "Time of day (HH:MM) the counter and office windows "
                                 "list the dossiers falling due on the next working day (also "
                                 "at start-up).", check=_check_time_of_day)


def _check_code_prefix(value: str) -> str | None:
    if value == "" or (value.isascii() and value.isalnum() and len(value) <= 4):
        return None
    return "must be empty or up to 4 letters and digits (A-Z, 0-9)"


@dataclass(frozen=True)
class PetitionConfig:
    handling_days: int = setting(10, "Working days an office has to answer a citizen's petition "
                                 "(phản ánh, kiến nghị), counted like dossier appointments "
                                 "with [calendar]; an answer after that is late.",
                                 minimum=1, maximum=90)
    code_prefix: str = setting("", "Letters before a petition code (e.g. 'PA' gives "
                               "PA-260042); empty means 'PA' on a standalone PC or the hub, "
                               "'P' and [counter] number on a counter PC of a LAN office, so "
                               "codes stay unique across the office's PCs.",
                               check=_check_code_prefix)
    retention_days: int = setting(90, "Days after a petition is answered before its text and "
                                  "phone number are blanked here (and after other feedback is "
                                  "given, its phone number), archived years included; only "
                                  "records the city has received are purged.", minimum=0,
                                  maximum=3650)


@dataclass(frozen=True)
class SyncConfig:
    server_url: str = setting("", "City server base URL (https://…); empty turns the sync off. "
                              "Plain http:// is accepted only to this computer (tests, staging).",
                              check=_check_sync_url)
    token: str = setting("", "This station's token, issued by the city. Keep this file readable "
                         "by the kiosk account only.")
    ca_bundle: str = setting("", "PEM file of the CA certificates to trust for the city server "
                             "(instead of the others); empty: the operating system's trust "
                             "store (on Windows its certificate store), then the built-in "
                             "list.")
    proxy: str = setting("", "How to reach the city server: empty uses the system's proxy "
                         "(HTTPS_PROXY, on Windows else Internet Options' proxy; NO_PROXY and "
                         "the bypass list honoured); 'none' always goes direct; or a proxy URL "
                         "such as 'http://10.0.0.1:3128' (no user name or password). Servers "
                         "on this computer are always reached directly.", check=_check_proxy)
    batch_max_records: int = setting(500, "At most this many records per request.",
                                     minimum=1, maximum=1000)
    batch_max_bytes: int = setting(1_000_000, "At most this many bytes of (uncompressed) JSON "
                                   "per request; requests are sent gzipped.",
                                   minimum=10_000, maximum=16_000_000)
    timeout_s: float = setting(30.0, "Seconds to wait for the city server's answer before "
                               "trying again later.", minimum=2, maximum=300)
    backoff_base_s: float = setting(2.0, "After a failure the next try waits up to this many "
                                    "seconds, doubling with each further failure (random "
                                    "jitter).", minimum=0.1, maximum=600)
    backoff_cap_s: float = setting(300.0, "Longest wait between tries while the city cannot be "
                                   "reached.", minimum=5, maximum=86400)
    interval_s: float = setting(10.0, "When up to date, seconds between looks for new records "
                                "(new records also wake the sync at once).",
                                minimum=1, maximum=3600)
    reference_interval_s: float = setting(3600.0, "Seconds between pulls of reference data "
                                          "(procedures, services, holidays) from the city.",
                                          minimum=60, maximum=604800)
    keep_sent_days: int = setting(7, "Days a record stays in the outbox after the city "
                                  "accepted it; older delivered records are deleted by the "
                                  "sync (the tickets, dossiers and ratings themselves stay: "
                                  "they are the record; refused records and those the office "
                                  "feed has not yet forwarded to the hub are kept). A week "
                                  "shows a technician what was sent lately; each delivered "
                                  "row is a second copy of its record, personal data "
                                  "included, about 1.2 MB a day for a busy office.",
                                  minimum=1, maximum=3650)


@dataclass(frozen=True)
class AdminConfig:
    pin_hash: str = setting("", "The admin PIN as a salted scrypt hash ('scrypt$…'), written by "
                            "`kiosk setup` and the admin view; empty: no PIN yet (the wizard "
                            "asks for one; the kiosk is not locked down).", check=_check_pin_hash)
    lock_after_tries: int = setting(5, "Wrong PINs in a row after which the PIN pad locks.",
                                    minimum=1, maximum=20)
    lock_minutes: int = setting(15, "Minutes the PIN pad stays locked (survives a restart).",
                                minimum=1, maximum=1440)


@dataclass(frozen=True)
class StoreConfig:
    path: str = setting("", "SQLite database file; empty means kiosk.db in the data directory.")
    archive_keep_months: int = setting(3, "Calendar months kept in the live database (the "
                                       "current one included); the closed records of older "
                                       "months move, once a month, into the archive file of "
                                       "their calendar year in the data folder's archive/ "
                                       "(docs/archive.md). 3: in December, October to December "
                                       "stay live; each run waits until its cut-off is 32 days "
                                       "past (a counter PC may send its hub a record 31 days "
                                       "late); 0: the yearly rule of archive_keep_years "
                                       "instead; 1 is refused.", minimum=0, maximum=600,
                                       check=_check_keep_months)
    archive_keep_years: int = setting(2, "Used only when archive_keep_months = 0: calendar "
                                      "years kept in the live database; the closed records "
                                      "of older years move, once a year, to one archive file "
                                      "per year (docs/archive.md). 2: the current and the "
                                      "previous year stay live; 0 (with archive_keep_months "
                                      "= 0): never automatically (`kiosk archive` by hand).",
                                      minimum=0, maximum=50)


@dataclass(frozen=True)
class BackupConfig:
    folder: str = setting("", "Folder for the station's scheduled backups: a second disk or a "
                          "USB drive (create the folder once; it is never created, so an "
                          "unplugged drive is noticed); empty: no scheduled backups to a "
                          "folder.")
    interval_hours: float = setting(12.0, "Hours between scheduled backups (to folder and to "
                                    "the hub).", minimum=0.25, maximum=720)
    keep: int = setting(14, "Newest backups of this station kept in folder; older ones are "
                        "deleted.", minimum=1, maximum=1000)
    to_hub: bool = setting(False, "Also send each scheduled backup to the office hub ([hub] "
                           "role = 'client' with a station_key of role kiosk or counter).")
    hub_keep: int = setting(7, "On the hub PC: newest backups kept per station.",
                            minimum=1, maximum=1000)
    hub_max_mb: int = setting(1024, "On the hub PC: largest backup a station may send, in MB.",
                              minimum=1, maximum=65536)
    compress: bool = setting(True, "Gzip scheduled backups (a station database shrinks to "
                             "about a fifth).")


@dataclass(frozen=True)
class LoggingConfig:
    level: str = setting("INFO", "Log level: DEBUG, INFO, WARNING or ERROR.",
                         check=_check_log_level)


@dataclass(frozen=True)
class Config:
    office: OfficeConfig = field(default_factory=OfficeConfig)
    station: StationConfig = field(default_factory=StationConfig)
    kiosk: KioskConfig = field(default_factory=KioskConfig)
    queue: QueueConfig = field(default_factory=QueueConfig)
    printer: PrinterConfig = field(default_factory=PrinterConfig)
    hub: HubConfig = field(default_factory=HubConfig)
    counter: CounterConfig = field(default_factory=CounterConfig)
    scanner: ScannerConfig = field(default_factory=ScannerConfig)
    display: DisplayConfig = field(default_factory=DisplayConfig)
    rating: RatingConfig = field(default_factory=RatingConfig)
    selfservice: SelfServiceConfig = field(default_factory=SelfServiceConfig)
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    dossiers: DossierConfig = field(default_factory=DossierConfig)
    petitions: PetitionConfig = field(default_factory=PetitionConfig)
    sync: SyncConfig = field(default_factory=SyncConfig)
    admin: AdminConfig = field(default_factory=AdminConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    backup: BackupConfig = field(default_factory=BackupConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)

    def with_values(self, **sections: dict[str, Any]) -> Config:
        """A copy with some keys replaced, validated like the file (e.g. CLI overrides)."""
        data = to_dict(self)
        for section, values in sections.items():
            data.setdefault(section, {}).update(values)
        return from_dict(data)


def _check_hub_section(hub: HubConfig) -> tuple[str, str] | None:
    """(key, problem) when [hub] tls_cert and tls_key are not set together."""
    if bool(hub.tls_cert) != bool(hub.tls_key):
        missing, given = ("tls_key", "tls_cert") if hub.tls_cert else ("tls_cert", "tls_key")
        return missing, (f"is empty but {given} is set: set both to serve HTTPS, or neither "
                         "for plain HTTP")
    return None


# Checks across the keys of one section, after each key passed its own: (key, problem) or None.
SECTION_CHECKS: dict[str, Callable[[Any], tuple[str, str] | None]] = {
    "hub": _check_hub_section,
}


def _sections() -> dict[str, type]:
    return {f.name: f.default_factory for f in fields(Config)}  # type: ignore[misc]


def schema() -> list[tuple[str, str, dataclasses.Field]]:
    """(section, key, field) for every key, in declaration order: feeds docs and validation."""
    out = []
    for section, cls in _sections().items():
        for f in fields(cls):
            out.append((section, f.name, f))
    return out


def _type_name(tp: Any) -> str:
    return {str: "text", int: "whole number", float: "number", bool: "true or false"}.get(
        tp, "list of text"
    )


def _coerce(key: str, f: dataclasses.Field, value: Any) -> Any:
    tp = f.type if not isinstance(f.type, str) else eval(f.type)  # noqa: S307 - our own annotations
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"must be true or false, not {value!r}", key=key)
    elif tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"must be a whole number, not {value!r}", key=key)
    elif tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"must be a number, not {value!r}", key=key)
        value = float(value)
    elif tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"must be text in quotes, not {value!r}", key=key)
    else:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"must be a list of text such as [\"A\", \"B\"], not {value!r}",
                              key=key)
        value = tuple(value)
    meta = f.metadata
    if meta["choices"] is not None and value not in meta["choices"]:
        allowed = " or ".join(repr(c) for c in meta["choices"])
        raise ConfigError(f"must be {allowed}, not {value!r}", key=key)
    if meta["min"] is not None and value < meta["min"]:
        raise ConfigError(f"must be at least {meta['min']}, not {value!r}", key=key)
    if meta["max"] is not None and value > meta["max"]:
        raise ConfigError(f"must be at most {meta['max']}, not {value!r}", key=key)
    if meta["check"] is not None:
        problem = meta["check"](value)
        if problem:
            raise ConfigError(problem, key=key)
    return value


def from_dict(data: dict[str, Any]) -> Config:
    sections = _sections()
    unknown = sorted(set(data) - set(sections))
    if unknown:
        raise ConfigError(f"unknown section [{unknown[0]}]; known sections: "
                          f"{', '.join(sections)}")
    built = {}
    for section, cls in sections.items():
        values = data.get(section, {})
        if not isinstance(values, dict):
            raise ConfigError(f"[{section}] must be a table of keys, not a single value")
        known = {f.name: f for f in fields(cls)}
        for name in values:
            if name not in known:
                raise ConfigError(f"unknown key; known keys in [{section}]: "
                                  f"{', '.join(known)}", key=f"{section}.{name}")
        built[section] = cls(**{
            name: _coerce(f"{section}.{name}", known[name], value)
            for name, value in values.items()
        })
        check = SECTION_CHECKS.get(section)
        found = check(built[section]) if check else None
        if found:
            raise ConfigError(found[1], key=f"{section}.{found[0]}")
    return Config(**built)


def to_dict(config: Config) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for section in _sections():
        values = dataclasses.asdict(getattr(config, section))
        out[section] = {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}
    return out


NOT_UTF8 = ("kiosk.toml is not UTF-8 (saved as ANSI?): open it in Notepad and Save As… with "
            "Encoding UTF-8")


def read_text(path: Path) -> str:
    """The text of a configuration file as Notepad may save it: UTF-8 with or without a BOM.
    A file in the ANSI code page raises ConfigError saying how to re-save it."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ConfigError(f"{NOT_UTF8} (line {line})", path=path) from None


def load(path: Path) -> Config:
    """Read and validate a configuration file; a missing file gives the embedded defaults."""
    if not path.exists():
        return Config()
    try:
        data = tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=path) from exc
    except OSError as exc:
        raise ConfigError(f"cannot read the file: {exc}", path=path) from exc
    try:
        return from_dict(data)
    except ConfigError as exc:
        raise ConfigError(exc.problem, key=exc.key, path=path) from None


def dumps(config: Config) -> str:
    return tomli_w.dumps(to_dict(config))


def save(config: Config, path: Path) -> None:
    """Write the configuration atomically, owner-only from the first byte (it holds the
    station token, the office key and the PIN hash)."""
    from kiosk.private_files import private_dir, write_private_atomic

    private_dir(path.parent, tighten=False)
    write_private_atomic(path, dumps(config))


def reference_markdown() -> str:
    """docs/configuration.md's key table, generated from the schema so the two cannot drift."""
    lines = []
    current = None
    for section, name, f in schema():
        if section != current:
            current = section
            lines += ["", f"## [{section}]", "", "| key | type | default | meaning |",
                      "| --- | --- | --- | --- |"]
        default = tomli_w.dumps({"v": list(f.default) if isinstance(f.default, tuple)
                                 else f.default}).strip()[4:]
        tp = f.type if not isinstance(f.type, str) else eval(f.type)  # noqa: S307
        lines.append(f"| `{name}` | {_type_name(tp)} | `{default}` | {f.metadata['doc']} |")
    return "\n".join(lines).lstrip() + "\n"
