"""The admin PIN: a salted slow hash stored as one string, checked in constant time, with a
lockout after a few wrong tries that survives a restart.

The hash lives in the configuration file, which a curious citizen with a USB stick or a
technician's support bundle might see: scrypt makes guessing every 6-digit PIN from the hash
cost hours instead of milliseconds, and the random salt stops precomputed tables. The lockout
state lives in the data directory, so pulling the plug does not give an attacker fresh tries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SCRYPT_N = 2 ** 14  # ~16 MiB and ~50 ms on a low-end counter PC
SCRYPT_R = 8
SCRYPT_P = 1
PBKDF2_ITERATIONS = 600_000
SALT_BYTES = 16
KEY_BYTES = 32
# A hash string edited by hand must not make a PIN check take minutes or gigabytes.
_MAX_SCRYPT_N = 2 ** 20
_MAX_PBKDF2_ITERATIONS = 5_000_000

PIN_MIN_DIGITS = 6
PIN_MAX_DIGITS = 12


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    # maxmem: OpenSSL's default (32 MiB) is too small for n=2**15 and up.
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES,
                          maxmem=256 * 1024 * 1024)


def hash_pin(pin: str, *, salt: bytes | None = None, n: int = SCRYPT_N) -> str:
    """'scrypt$n=16384,r=8,p=1$SALT$HASH' (base64) for `pin`, with a fresh random salt.

    Falls back to PBKDF2-SHA256 ('pbkdf2_sha256$600000$SALT$HASH') on a Python built
    against an OpenSSL without scrypt.
    """
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    if hasattr(hashlib, "scrypt"):
        digest = _scrypt(pin, salt, n, SCRYPT_R, SCRYPT_P)
        return f"scrypt$n={n},r={SCRYPT_R},p={SCRYPT_P}${_b64(salt)}${_b64(digest)}"
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, PBKDF2_ITERATIONS,
                                 KEY_BYTES)
    return f"pbkdf2_sha256${PBKDF2_ITERATIONS}${_b64(salt)}${_b64(digest)}"


def is_pin_hash(text: str) -> bool:
    """True if `text` has the shape of a stored PIN hash (not whether any PIN matches)."""
    return _parse(text) is not None


def _parse(stored: str) -> tuple[str, dict[str, int], bytes, bytes] | None:
    try:
        scheme, params, salt_text, digest_text = stored.strip().split("$")
        salt, digest = _unb64(salt_text), _unb64(digest_text)
        if scheme == "scrypt":
            values = dict(item.split("=", 1) for item in params.split(","))
            numbers = {k: int(values[k]) for k in ("n", "r", "p")}
            n = numbers["n"]
            if n < 2 or n & (n - 1) or n > _MAX_SCRYPT_N or not 0 < numbers["r"] <= 32 \
                    or not 0 < numbers["p"] <= 16:
                return None
            return scheme, numbers, salt, digest
        if scheme == "pbkdf2_sha256":
            iterations = int(params)
            if not 1 <= iterations <= _MAX_PBKDF2_ITERATIONS:
                return None
            return scheme, {"iterations": iterations}, salt, digest
    except (ValueError, KeyError):
        return None
    return None


def verify_pin(pin: str, stored: str) -> bool:
    """Whether `pin` matches the stored hash; False for an empty or malformed hash."""
    parsed = _parse(stored) if stored else None
    if parsed is None:
        return False
    scheme, params, salt, digest = parsed
    if scheme == "scrypt":
        try:
            candidate = _scrypt(pin, salt, params["n"], params["r"], params["p"])
        except (ValueError, MemoryError):
            return False
    else:
        candidate = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt,
                                        params["iterations"], len(digest))
    return hmac.compare_digest(candidate, digest)


def pin_problem(pin: str) -> str | None:
    """Why `pin` is not acceptable as a new admin PIN (in Vietnamese), or None."""
    if not pin.isdigit() or not pin.isascii():
        return "Mã PIN chỉ gồm chữ số."
    if not PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS:
        return f"Mã PIN phải có từ {PIN_MIN_DIGITS} đến {PIN_MAX_DIGITS} chữ số."
    if len(set(pin)) == 1:
        return "Mã PIN quá dễ đoán (các chữ số giống nhau)."
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:], strict=False)}
    if steps in ({1}, {-1}):
        return "Mã PIN quá dễ đoán (dãy số liên tiếp)."
    return None


#: What the PIN pad shows when a try cannot be recorded (the disk is full or read-only).
VI_NOT_RECORDED = ("Không ghi được lần thử mã PIN (ổ đĩa đầy hoặc chỉ đọc), nên mã PIN chưa "
                   "được kiểm tra. Báo kỹ thuật viên chạy `kiosk doctor`.")


# -- lockout ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class LockoutState:
    failures: int = 0
    locked_until: float = 0.0  # wall-clock seconds (time.time()); 0 = not locked


@dataclass(frozen=True)
class PinAttempt:
    ok: bool
    locked_for_s: float = 0.0  # > 0: locked (this attempt was not even checked, or it locked)
    tries_left: int = 0
    #: The try could not be recorded (full or read-only disk), so the PIN was not checked.
    not_recorded: bool = False


class PinGate:
    """Checks PINs against a stored hash, locking for `lock_minutes` after `lock_after_tries`
    wrong ones in a row. The state is a small JSON file, so a restart does not reset it.

    Wall-clock time is used because monotonic clocks restart with the PC; a clock turned
    back cannot stretch a lock beyond `lock_minutes`.
    """

    def __init__(self, state_file: Path, *, lock_after_tries: int = 5, lock_minutes: float = 15,
                 clock: Callable[[], float] = time.time) -> None:
        self.state_file = Path(state_file)
        self.lock_after_tries = max(1, int(lock_after_tries))
        self.lock_s = max(0.0, float(lock_minutes) * 60)
        self.clock = clock

    def state(self) -> LockoutState:
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
            return LockoutState(int(data.get("failures", 0)),
                                float(data.get("locked_until", 0.0)))
        except (OSError, ValueError, TypeError, AttributeError):
            return LockoutState()

    def _write(self, state: LockoutState) -> None:
        from kiosk.private_files import private_dir, write_private_atomic

        private_dir(self.state_file.parent, tighten=False)
        write_private_atomic(self.state_file, json.dumps(asdict(state)))

    def locked_for(self) -> float:
        """Seconds until PINs are checked again (0 when not locked)."""
        state = self.state()
        remaining = state.locked_until - self.clock()
        return max(0.0, min(remaining, self.lock_s))

    def tries_left(self) -> int:
        return max(0, self.lock_after_tries - self.state().failures)

    def attempt(self, pin: str, stored_hash: str) -> PinAttempt:
        """Check one PIN. The attempt is recorded as a failure on disk *before* the PIN is
        checked and cleared after a right one, so pulling the plug mid-check, a full disk or a
        read-only data folder never gives free tries: when the record cannot be written, the
        PIN is not checked at all (`not_recorded`)."""
        locked = self.locked_for()
        if locked > 0:
            # Not checked at all: a locked gate must not answer "right PIN" to a guesser.
            return PinAttempt(False, locked, 0)
        failures = self.state().failures + 1
        locks = failures >= self.lock_after_tries
        pending = LockoutState(0, self.clock() + self.lock_s) if locks \
            else LockoutState(failures, 0.0)
        try:
            self._write(pending)
        except OSError as exc:
            log.error("admin PIN not checked: the try cannot be recorded in %s (%s)",
                      self.state_file, exc.strerror or exc)
            return PinAttempt(False, 0.0, self.tries_left(), not_recorded=True)
        if verify_pin(pin, stored_hash):
            try:
                self._write(LockoutState())
            except OSError as exc:  # the right PIN still opens; the count stays raised
                log.warning("admin PIN accepted, but the try count cannot be cleared in %s "
                            "(%s)", self.state_file, exc.strerror or exc)
            log.info("admin PIN accepted")
            return PinAttempt(True, 0.0, self.lock_after_tries)
        if locks:
            log.warning("admin PIN refused %d times in a row: locked for %.0f minutes",
                        failures, self.lock_s / 60)
            return PinAttempt(False, self.lock_s, 0)
        log.warning("admin PIN refused (%d of %d tries)", failures, self.lock_after_tries)
        return PinAttempt(False, 0.0, self.lock_after_tries - failures)

    def reset(self) -> None:
        """Clear failures and any lock (after the PIN was changed by an authorised person)."""
        self._write(LockoutState())
