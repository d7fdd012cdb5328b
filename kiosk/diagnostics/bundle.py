"""`kiosk support-bundle --out FILE.zip`: what a developer needs to help a remote station,
without anything that must not leave it.

In the zip: the logs (ID numbers, phone numbers, e-mail addresses and known secret values
masked; personal values of the latest dossiers replaced where they appear), the configuration
with tokens, keys and the PIN hash replaced by "***", the sync status (counts, record ids and
the city's reasons, which name fields, never values), database facts (schema version, row
counts) and a manifest with versions, OS and the doctor's results. Never the database file,
card images or print previews.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import platform
import sqlite3
import sys
import tomllib
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import tomli_w

from kiosk import __version__
from kiosk import config as config_mod
from kiosk.config import Config
from kiosk.diagnostics.checks import CheckResult, run_checks
from kiosk.diagnostics.redact import (
    config_secrets,
    redact_config,
    redact_text,
    redact_toml_text,
)
from kiosk.paths import Paths
from kiosk.private_files import private_temp

#: Personal values of this many latest dossiers are looked for in the logs (each is a search
#: through every log file, so the count is bounded; regexes catch numbers for all of them).
SCRUB_LATEST_DOSSIERS = 200
MAX_LOG_BYTES = 20 * 1024 * 1024  # per file: a runaway log is cut, not bundled whole

_PERSON_COLUMNS = ("name", "id_number", "address", "phone", "email")
_PACKAGES = ("PySide6-Essentials", "python-escpos", "pyserial", "pyusb", "Pillow", "zxing-cpp",
             "requests", "aiohttp", "sqlite-utils", "holidays", "opencv-python-headless")


@dataclass
class BundleSummary:
    path: Path
    files: list[str] = field(default_factory=list)
    doctor: list[CheckResult] = field(default_factory=list)


def _versions() -> list[str]:
    build = "frozen" if getattr(sys, "frozen", False) else "source"
    lines = [f"hcc-kiosk {__version__} ({build})",
             f"Python {sys.version.split()[0]} ({platform.python_implementation()})",
             f"SQLite {sqlite3.sqlite_version}",
             f"OS {platform.platform()} ({platform.machine()})"]
    for name in _PACKAGES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            lines.append(f"{name} {importlib.metadata.version(name)}")
    qtcore = sys.modules.get("PySide6.QtCore")
    if qtcore is not None:
        lines.append(f"Qt {qtcore.qVersion()}")
    return lines


def _office_keys(config: Config | None) -> list[str]:
    """The office key and this station's own key, from the environment and from the
    configuration's [hub] section."""
    hub = (config or Config()).hub
    keys = [os.environ.get("KIOSK_OFFICE_KEY", ""), hub.office_key,
            os.environ.get("KIOSK_STATION_KEY", ""), hub.station_key]
    return [k for k in keys if k]


def _raw_config(paths: Paths) -> tuple[dict[str, Any] | None, str | None]:
    try:
        raw = paths.config_file.read_bytes()
    except OSError:
        return None, None
    # As Notepad may save it: a BOM, or the ANSI code page (the bundle is wanted most then).
    text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError:
        return None, text


def _database_facts(path: Path) -> tuple[dict[str, Any], list[str]]:
    """Schema version and row counts, plus the personal values of the latest dossiers (to
    scrub from logs; they never enter the bundle themselves)."""
    facts: dict[str, Any] = {"path": str(path), "exists": path.exists()}
    personal: list[str] = []
    if not path.exists():
        return facts, personal
    facts["size_bytes"] = path.stat().st_size
    from kiosk.store.db import read_only_uri

    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True, timeout=5)
    except sqlite3.Error as exc:
        facts["error"] = str(exc)
        return facts, personal
    try:
        facts["schema_version"] = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        facts["rows"] = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                         for t in tables}
        if "dossiers" in tables:
            columns = [f"{who}_{c}" for who in ("submitter", "owner") for c in _PERSON_COLUMNS]
            rows = conn.execute(f"SELECT {', '.join(columns)} FROM dossiers ORDER BY id DESC "
                                f"LIMIT {SCRUB_LATEST_DOSSIERS}").fetchall()
            personal = sorted({str(v) for row in rows for v in row if v and len(str(v)) >= 4})
    except sqlite3.Error as exc:
        facts["error"] = str(exc)
    finally:
        conn.close()
    return facts, personal


def _sync_status(config: Config | None, db_path: Path) -> dict[str, Any]:
    if config is None or not db_path.exists():
        return {"available": False}
    try:
        from kiosk.store import wrap
        from kiosk.store.db import read_only_uri
        from sync.status import read_status, set_aside_records

        conn = sqlite3.connect(read_only_uri(db_path), uri=True, timeout=5)
        try:
            db = wrap(conn)
            status = read_status(db, config.sync.server_url)
            aside = set_aside_records(db, 200)
        finally:
            conn.close()
    except Exception as exc:  # noqa: BLE001 - a bundle is made even from a broken station
        return {"available": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"status": status.as_json(), "set_aside": [a.as_json() for a in aside]}


def _log_files(logs: Path) -> list[Path]:
    if not logs.is_dir():
        return []
    return sorted(p for p in logs.rglob("*") if p.is_file() and not p.name.startswith("."))


def _read_log(path: Path) -> str:
    with open(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        f.seek(max(0, size - MAX_LOG_BYTES))
        data = f.read()
    text = data.decode("utf-8", errors="replace")
    if size > MAX_LOG_BYTES:
        text = f"[... first {size - MAX_LOG_BYTES} bytes left out ...]\n" + text
    return text


def make_support_bundle(paths: Paths, out: Path, *, config: Config | None = None,
                        config_error: str | None = None,
                        doctor: list[CheckResult] | None = None,
                        run_doctor: bool = True, timeout_s: float = 3.0) -> BundleSummary:
    """Write the support bundle zip to `out` (atomically) and return what went in."""
    from kiosk.station import database_path

    if config is None and config_error is None:
        from kiosk.diagnostics.checks import load_config

        config, config_error = load_config(paths)
    raw, raw_text = _raw_config(paths)
    secrets = config_secrets(raw) if raw else []
    if config is not None:
        secrets += config_secrets(config_mod.to_dict(config))
    from kiosk.admin.settings import stored_pin_hash

    pin_hash = stored_pin_hash(config or Config(), paths)
    if pin_hash:
        secrets.append(pin_hash)
    secrets += _office_keys(config)
    db_path = database_path(config or Config(), paths)
    facts, personal = _database_facts(db_path)
    scrub = secrets + personal
    if doctor is None and run_doctor:
        doctor = run_checks(paths, config=config, config_error=config_error,
                            timeout_s=timeout_s)
    doctor = doctor or []

    files: dict[str, str] = {}
    if raw is not None:
        files["config/kiosk.toml"] = redact_text(tomli_w.dumps(redact_config(raw)), scrub)
    elif raw_text is not None:
        files["config/kiosk.toml"] = redact_toml_text(raw_text, scrub)
    if config is not None:
        effective = redact_config(config_mod.to_dict(config))
        files["config/effective.toml"] = redact_text(
            "# the configuration in force, defaults included\n" + tomli_w.dumps(effective),
            scrub)
    logs = paths.logs
    for path in _log_files(logs):
        try:
            text = _read_log(path)
        except OSError as exc:
            text = f"[cannot read: {exc}]\n"
        files[f"logs/{path.relative_to(logs).as_posix()}"] = redact_text(text, scrub)
    files["database.json"] = json.dumps(facts, indent=2, ensure_ascii=False)
    files["sync-status.json"] = redact_text(
        json.dumps(_sync_status(config, db_path), indent=2, ensure_ascii=False), scrub)
    files["doctor.json"] = redact_text(
        json.dumps([r.as_json() for r in doctor], indent=2, ensure_ascii=False), scrub)

    manifest = [
        "hcc-kiosk support bundle",
        f"made: {datetime.now().astimezone().isoformat(timespec='seconds')}",
        "",
        "versions:",
        *(f"  {v}" for v in _versions()),
        "",
        f"configuration file: {paths.config_file}"
        + ("" if paths.config_file.exists() else " (missing)"),
        f"data directory: {paths.data_dir}",
        f"configuration problem: {config_error}" if config_error else "configuration: valid",
        "",
        "doctor:",
        *(f"  {r.line()}" for r in doctor),
        "",
        "files:",
        *(f"  {name}" for name in sorted(files)),
        "",
        "Secrets (tokens, keys, the PIN hash) are replaced by ***; ID numbers, phone numbers",
        "and e-mail addresses in logs are masked. The database itself is not included.",
    ]
    files["manifest.txt"] = redact_text("\n".join(manifest) + "\n", scrub)

    out = Path(out)
    # Owner-only from the first byte: redacted, but still the station's logs and settings.
    with private_temp(out) as tmp, \
            zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in ["manifest.txt", *sorted(n for n in files if n != "manifest.txt")]:
            zf.writestr(name, files[name])
    return BundleSummary(out, sorted(files), doctor)
