"""What the first-run wizard collects, and how it becomes the configuration file (no Qt).

Every answer is written through `Config.with_values()` and `kiosk.config.save()`, so the
schema validates it exactly as it validates the file. Each answer has one key (TARGETS).

The office hub runs on the back-office PC ([station] role = "hub") or on the ticket kiosk
([station] role = "kiosk" with `hub_here`: the kiosk starts the hub on a thread). Either way
[hub] role = "hub" and the hub answers (host, port) are written; `serves_hub` says which
stations they are.

The office key is for pairing only: the hub PC's wizard makes it (`new_office_key`) and
keeps it; on every other PC the wizard sends it once to the hub with this station's id and
role (`pair_station`) and keeps only the station's own key it gets back ([hub] station_key).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from kiosk import config as config_mod
from kiosk.admin.settings import ROLES, pin_gate, stored_pin_hash
from kiosk.config import Config, ConfigError, HubConfig
from kiosk.paths import Paths

UNIT_CODE_RE = re.compile(r"[0-9A-Z]+(?:\.[0-9A-Z]+)+")

#: The configuration key each answer is written to.
TARGETS: dict[str, tuple[str, str]] = {
    "office_code": ("office", "code"),
    "office_name": ("office", "name"),
    "station_id": ("station", "id"),
    "role": ("station", "role"),
    "counter_number": ("counter", "number"),
    "hub_role": ("hub", "role"),
    "hub_url": ("hub", "url"),
    "hub_host": ("hub", "host"),
    "hub_port": ("hub", "port"),
    "office_key": ("hub", "office_key"),
    "station_key": ("hub", "station_key"),
    "printer_uri": ("printer", "uri"),
    "printer_width": ("printer", "width"),
    "scanner_port": ("scanner", "serial_port"),
    "camera": ("scanner", "camera"),
    "server_url": ("sync", "server_url"),
    "token": ("sync", "token"),
    "pin_hash": ("admin", "pin_hash"),
}

#: Answers that only mean something for some roles; others keep what the file had.
ROLE_ANSWERS: dict[str, tuple[str, ...]] = {
    "counter_number": ("counter",),
    "printer_uri": ("kiosk", "counter"),
    "printer_width": ("kiosk", "counter"),
    "scanner_port": ("counter",),
    "camera": ("counter",),
    "hub_url": ("kiosk", "counter", "display"),
}

#: Answers that only mean something on the PC serving the office hub ([hub] role = "hub",
#: `SetupAnswers.serves_hub`); others keep what the file had.
HUB_ANSWERS = ("hub_host", "hub_port")

#: The PC serving the hub (hub PC or kiosk) listens on the office network, not only on itself.
HUB_LISTEN_HOST = "0.0.0.0"
DEFAULT_HUB_PORT = HubConfig().port

ROLE_LABELS_VI = {
    "kiosk": "Máy lấy số thứ tự",
    "counter": "Quầy tiếp nhận hồ sơ",
    "display": "Màn hình hiển thị số",
    "hub": "Máy chủ của điểm (hub)",
}


# One per set-up run, so the suggested station id stays the same while the role changes.
INSTALLATION_SUFFIX = secrets.token_hex(3)


@dataclass
class SetupAnswers:
    office_code: str = ""
    office_name: str = ""
    role: str = "kiosk"
    counter_number: int = 1
    station_id: str = ""
    hub_url: str = ""
    hub_here: bool = False  # a ticket kiosk serving the office hub too (the hub PC always does)
    hub_port: int = DEFAULT_HUB_PORT
    office_key: str = ""
    station_key: str = ""  # a client's own key from the hub (pair_station); never the office's
    printer_uri: str = ""
    printer_width: int = 80
    scanner_port: str = ""
    camera: str = ""
    server_url: str = ""
    token: str = ""
    pin_hash: str = ""

    @property
    def serves_hub(self) -> bool:
        """This PC serves the office hub: the hub PC, or a ticket kiosk chosen to."""
        return self.role == "hub" or (self.role == "kiosk" and self.hub_here)

    @property
    def hub_role(self) -> str:
        """The queue topology of [hub] role: this PC is the hub, a client of one, or alone."""
        if self.serves_hub:
            return "hub"
        return "client" if self.hub_url else "standalone"

    @property
    def hub_host(self) -> str:
        return HUB_LISTEN_HOST

    def default_station_id(self) -> str:
        """The role (and counter number) with this set-up's random suffix: unique in the
        city, so a city token bound to it names one PC, yet still readable."""
        base = f"counter-{self.counter_number}" if self.role == "counter" else self.role
        return f"{base}-{INSTALLATION_SUFFIX}"


#: The role a station's credential gets at the hub, by the station's role.
PAIRING_ROLES = {"kiosk": "kiosk", "counter": "counter", "display": "display"}


class PairingError(RuntimeError):
    """Pairing with the hub failed; the message is Vietnamese, for the technician."""


def new_office_key() -> str:
    """A fresh office key: 24 random URL-safe characters (at least 16 are required), not
    starting with '-' (a command line would take it for an option: `--key -x…`)."""
    while True:
        key = secrets.token_urlsafe(18)
        if not key.startswith("-") and not config_mod.key_weakness(key):
            return key


def pair_station(url: str, office_key: str, station_id: str, role: str, *, ca_file: str = "",
                 timeout_s: float = 5.0) -> str:
    """Ask the hub at `url` for this station's own key (POST /api/v1/pair with the office
    key); returns it. PairingError with a Vietnamese reason when the hub refuses or cannot be
    reached."""
    import requests

    from kiosk.hub import protocol as p

    with requests.Session() as http:
        http.trust_env = False
        http.verify = ca_file or True
        try:
            r = http.post(url.rstrip("/") + p.PAIR_PATH, timeout=timeout_s,
                          headers={p.KEY_HEADER: office_key},
                          json={"station_id": station_id, "role": PAIRING_ROLES.get(role, role)})
        except requests.RequestException as exc:
            raise PairingError(f"Không kết nối được hub để ghép nối ({type(exc).__name__}). "
                               "Bấm Kiểm tra kết nối để xem lý do.") from exc
    if r.status_code in (401, 403):
        raise PairingError("Hub từ chối mã khóa của điểm: nhập đúng mã khóa hiện trên máy hub.")
    if r.status_code == 429:
        raise PairingError("Nhập sai mã khóa quá nhiều lần: chờ một phút rồi thử lại.")
    try:
        token = r.json().get("token") if r.ok else None
    except ValueError:
        token = None
    if not isinstance(token, str) or not token:
        raise PairingError(f"Hub không ghép nối được máy này (HTTP {r.status_code}); hub có "
                           "thể là phiên bản cũ: cập nhật hub trước.")
    return token


@dataclass
class SetupResult:
    config: Config
    path: Path


def applies(answer: str, answers: SetupAnswers) -> bool:
    """Whether `answer` is written for this station (else the file keeps what it had)."""
    if answer in HUB_ANSWERS:
        return answers.serves_hub
    roles = ROLE_ANSWERS.get(answer)
    return roles is None or answers.role in roles


def office_code_problem(code: str) -> str | None:
    if not UNIT_CODE_RE.fullmatch(code.strip()):
        return ("Mã đơn vị gồm các nhóm chữ số / chữ in hoa cách nhau bởi dấu chấm, "
                "ví dụ 000.00.01.H26.")
    return None


def section_problem(values: dict[str, dict[str, Any]]) -> str | None:
    """Validate some keys the way the configuration file is validated; the message names
    the key."""
    try:
        Config().with_values(**values)
    except ConfigError as exc:
        return "Chưa hợp lệ – " + str(exc).removeprefix("Configuration error: ")
    return None


def build_config(base: Config, answers: SetupAnswers) -> Config:
    """`base` with the answers written to their keys (answers that do not apply to the
    role keep what `base` had)."""
    if answers.role not in ROLES:
        raise ConfigError(f"unknown role {answers.role!r}; one of {', '.join(ROLES)}")
    values: dict[str, dict[str, Any]] = {}
    names = [f.name for f in fields(SetupAnswers) if f.name in TARGETS] + ["hub_role",
                                                                            "hub_host"]
    for name in names:
        value = getattr(answers, name)
        if not applies(name, answers):
            continue
        if name == "station_id" and not value:
            value = answers.default_station_id()
        if name == "pin_hash" and not value:
            continue
        if name == "office_key" and answers.hub_role == "client" and answers.station_key:
            value = ""  # a paired client keeps only its own key
        if name == "station_key" and answers.hub_role != "client":
            value = ""
        section, key = TARGETS[name]
        values.setdefault(section, {})[key] = value
    return base.with_values(**values)


def write_setup(answers: SetupAnswers, paths: Paths, base: Config | None = None) -> SetupResult:
    """Write the configuration file; clears the PIN lockout, since whoever set the PIN
    knows it."""
    config = build_config(base or Config(), answers)
    config_mod.save(config, paths.config_file)
    owner_only(paths.config_file)
    if answers.pin_hash:
        pin_gate(config, paths).reset()
    return SetupResult(config, paths.config_file)


def owner_only(path: Path) -> None:
    """The configuration holds the station token and the office key: readable by the kiosk's
    account only (POSIX; on Windows the per-user config folder is already private)."""
    if os.name == "posix":
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)


def answers_from_config(config: Config, paths: Paths) -> SetupAnswers:
    """The answers a configuration already holds (to start `kiosk setup` from them)."""
    a = SetupAnswers()
    for f in fields(SetupAnswers):
        if f.name in TARGETS:
            section, key = TARGETS[f.name]
            setattr(a, f.name, getattr(getattr(config, section), key))
    a.hub_here = config.hub.role == "hub"
    a.pin_hash = stored_pin_hash(config, paths)
    return a
