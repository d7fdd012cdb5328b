"""Removing secrets and personal data from text that leaves the station (support bundles,
log views, crash tracebacks).

Log calls never pass personal data on purpose (kiosk/logs.py); this is the second line of
defence for the day one does: anything shaped like an ID number, a phone number or an e-mail
address is masked, and known secret values (tokens, keys, the PIN hash) are replaced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "***"
ID_MASK = "<id-number>"
PHONE_MASK = "<phone>"
EMAIL_MASK = "<e-mail>"

#: Configuration keys whose values are secrets, whatever their section.
SECRET_KEY_RE = re.compile(r"(token|secret|password|passwd|pin_hash|(^|_)key)$", re.IGNORECASE)

# CCCD numbers have 12 digits, old CMND 9 (some 10): any run of 9-12 digits counts.
_ID_RE = re.compile(r"(?<![\d])\d{9,12}(?![\d])")
# Vietnamese phones: 0 or +84 then 9-10 digits, possibly grouped with spaces, dots, dashes.
_PHONE_RE = re.compile(r"(?<![\w+])(?:\+84|\b0)\d{2,3}[ .-]?\d{3}[ .-]?\d{3,4}(?!\d)")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A key sent as a header (also as aiohttp quotes a bad header line: b'X-Office-Key: KEY\x00'),
# or written as a setting: whatever key it is, not only the ones this station knows.
_HEADER_SECRET = re.compile(
    r"((?:proxy-)?authorization|x-office-key)(\s*[:=]\s*)((?:bearer|basic)\s+)?"
    r"(?:\\.|[^\s'\"\\,;])+", re.IGNORECASE)
_KEY_SETTING = re.compile(r"((?:station|office)_key[\"']?\s*[:=]\s*[\"']?)[^\s\"',;}]+",
                          re.IGNORECASE)
_TOML_SECRET_LINE = re.compile(
    r"^(\s*[\w-]*(?:token|secret|password|passwd|pin_hash|key)\s*=\s*).+$",
    re.IGNORECASE | re.MULTILINE)


def is_secret_key(key: str) -> bool:
    return bool(SECRET_KEY_RE.search(key))


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with the given secret values and anything shaped like personal data masked."""
    # Longest first, so a secret containing another is replaced whole.
    for value in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(value, MASK)
    text = _HEADER_SECRET.sub(lambda m: m.group(1) + m.group(2) + (m.group(3) or "") + MASK,
                              text)
    text = _KEY_SETTING.sub(lambda m: m.group(1) + MASK, text)
    text = _EMAIL_RE.sub(EMAIL_MASK, text)
    text = _PHONE_RE.sub(PHONE_MASK, text)
    return _ID_RE.sub(ID_MASK, text)


def redact_config(data: Mapping[str, Any]) -> dict[str, Any]:
    """A configuration table (section -> key -> value) with secret values replaced by '***'
    (empty ones stay empty: that an office key is missing is useful to know)."""
    out: dict[str, Any] = {}
    for section, values in data.items():
        if isinstance(values, Mapping):
            out[section] = {k: (MASK if is_secret_key(k) and v not in ("", None) else v)
                            for k, v in values.items()}
        else:
            out[section] = MASK if is_secret_key(section) else values
    return out


def redact_toml_text(text: str, secrets: Iterable[str] = ()) -> str:
    """For a configuration file that does not even parse: mask secret-looking lines."""
    return redact_text(_TOML_SECRET_LINE.sub(lambda m: m.group(1) + f'"{MASK}"', text), secrets)


def config_secrets(data: Mapping[str, Any]) -> list[str]:
    """The secret values in a configuration table, to scrub from any other text."""
    found = []
    for values in data.values():
        if isinstance(values, Mapping):
            found += [str(v) for k, v in values.items() if is_secret_key(k) and v]
    return found
