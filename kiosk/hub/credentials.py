"""Station credentials: each station of the office gets its own token with a role, issued by
the hub when the station is paired (the set-up wizard, `POST /api/v1/pair` with the office
key, or `kiosk hub pair` on the hub PC). The hub stores only the token's SHA-256 digest; the
token is shown once. Revoking one station touches no other.

Roles (kiosk.hub.protocol.PERMISSIONS has what each may do): kiosk, counter, display, rating,
admin. The office key itself acts as admin.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from kiosk.hub.protocol import ROLES
from kiosk.store import transaction

TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters


class CredentialError(ValueError):
    """A pairing request the hub cannot accept (unknown role, malformed station id)."""


@dataclass(frozen=True)
class Credential:
    station_id: str
    role: str
    created_at: str
    revoked_at: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"station_id": self.station_id, "role": self.role,
                "created_at": self.created_at, "revoked_at": self.revoked_at}


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_pairing(station_id: Any, role: Any) -> tuple[str, str]:
    if (not isinstance(station_id, str) or not 1 <= len(station_id) <= 64
            or not station_id.isprintable() or station_id.strip() != station_id
            or "/" in station_id):
        raise CredentialError("station_id must be the station's [station] id: 1 to 64 "
                              "printable characters, no '/'")
    if role not in ROLES:
        raise CredentialError(f"role must be one of {', '.join(ROLES)}")
    return station_id, role


def pair(db: Database, station_id: str, role: str, now: datetime | None = None) -> str:
    """Issue a new token for `station_id` with `role` (replacing any earlier one) and return
    it: the only time it is seen."""
    station_id, role = check_pairing(station_id, role)
    token = "-"
    while token.startswith("-"):  # `--key -x…` would read as an option on a command line
        token = secrets.token_urlsafe(TOKEN_BYTES)
    at = (now or datetime.now().astimezone()).isoformat()
    with transaction(db) as conn:
        conn.execute(
            "INSERT INTO hub_credentials (station_id, role, token_sha256, created_at, "
            "revoked_at) VALUES (?, ?, ?, ?, NULL) ON CONFLICT (station_id) DO UPDATE SET "
            "role = excluded.role, token_sha256 = excluded.token_sha256, "
            "created_at = excluded.created_at, revoked_at = NULL",
            (station_id, role, digest(token), at))
    return token


def revoke(db: Database, station_id: str, now: datetime | None = None) -> bool:
    """Revoke one station's credential; False when it has none (or it is already revoked)."""
    at = (now or datetime.now().astimezone()).isoformat()
    with transaction(db) as conn:
        cursor = conn.execute(
            "UPDATE hub_credentials SET revoked_at = ? WHERE station_id = ? AND "
            "revoked_at IS NULL", (at, station_id))
    return cursor.rowcount > 0


def stations(db: Database) -> list[Credential]:
    rows = db.execute("SELECT station_id, role, created_at, revoked_at FROM hub_credentials "
                      "ORDER BY station_id").fetchall()
    return [Credential(*row) for row in rows]


def is_live(db: Database, token_digest: str) -> bool:
    """Whether the credential with this token digest is still paired and not revoked."""
    return db.execute("SELECT 1 FROM hub_credentials WHERE token_sha256 = ? AND "
                      "revoked_at IS NULL", (token_digest,)).fetchone() is not None


def lookup(db: Database, token: str) -> Credential | None:
    """The live credential this token belongs to, or None (unknown or revoked)."""
    row = db.execute("SELECT station_id, role, created_at, revoked_at FROM hub_credentials "
                     "WHERE token_sha256 = ? AND revoked_at IS NULL",
                     (digest(token),)).fetchone()
    return Credential(*row) if row else None
