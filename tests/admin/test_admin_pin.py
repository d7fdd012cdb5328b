"""The admin PIN: salted slow hash in one string, constant-time check, lockout that survives a
restart, and the hash kept in the configuration's [admin] pin_hash."""

import hashlib
import json
import os

import pytest

from kiosk import config as config_mod
from kiosk.admin import pin as pin_mod
from kiosk.admin.pin import PinGate, hash_pin, is_pin_hash, pin_problem, verify_pin
from kiosk.admin.settings import pin_gate, save_pin_hash, stored_pin_hash
from kiosk.config import Config
from kiosk.paths import Paths

PIN = "482915"


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_hash_is_one_salted_scrypt_string_that_verifies():
    first, second = hash_pin(PIN), hash_pin(PIN)
    assert first.startswith("scrypt$n=16384,r=8,p=1$")
    assert first != second  # a fresh salt each time
    assert PIN not in first
    assert verify_pin(PIN, first) and verify_pin(PIN, second)
    assert not verify_pin("482916", first)
    assert is_pin_hash(first)


def test_pbkdf2_fallback_has_enough_iterations(monkeypatch):
    monkeypatch.delattr(hashlib, "scrypt")
    stored = hash_pin(PIN)
    scheme, iterations, _salt, _digest = stored.split("$")
    assert scheme == "pbkdf2_sha256" and int(iterations) >= 200_000
    monkeypatch.undo()
    assert verify_pin(PIN, stored) and not verify_pin("000000", stored)


@pytest.mark.parametrize("stored", ["", "plain", "scrypt$n=16384,r=8,p=1$!!$??",
                                    "scrypt$n=3,r=8,p=1$AAAA$AAAA",  # n not a power of two
                                    "scrypt$n=1073741824,r=8,p=1$AAAA$AAAA",  # would take GBs
                                    "pbkdf2_sha256$0$AAAA$AAAA", "md5$x$y$z"])
def test_malformed_or_abusive_hashes_never_verify(stored):
    assert not verify_pin(PIN, stored)
    assert not is_pin_hash(stored)


def test_verification_compares_in_constant_time(monkeypatch):
    calls = []
    real = pin_mod.hmac.compare_digest

    def spy(a, b):
        calls.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(pin_mod.hmac, "compare_digest", spy)
    assert verify_pin(PIN, hash_pin(PIN))
    assert calls == [(32, 32)]


@pytest.mark.parametrize("candidate,ok", [("482915", True), ("90817263", True),
                                          ("12345", False), ("1234567890123", False),
                                          ("123456", False), ("987654", False),
                                          ("777777", False), ("48a915", False),
                                          ("４８２９１５", False)])
def test_pin_rules(candidate, ok):
    assert (pin_problem(candidate) is None) == ok


def test_lockout_after_n_wrong_tries_survives_a_restart(tmp_path):
    clock = Clock()
    state = tmp_path / "data" / "admin-lock.json"
    stored = hash_pin(PIN)
    gate = PinGate(state, lock_after_tries=3, lock_minutes=10, clock=clock)
    first = gate.attempt("000001", stored)
    assert not first.ok and first.tries_left == 2 and first.locked_for_s == 0
    assert gate.attempt("000002", stored).tries_left == 1
    locked = gate.attempt("000003", stored)
    assert not locked.ok and locked.locked_for_s == 600
    # A restart (a new gate on the same file) is still locked, even for the right PIN.
    again = PinGate(state, lock_after_tries=3, lock_minutes=10, clock=clock)
    refused = again.attempt(PIN, stored)
    assert not refused.ok and 0 < refused.locked_for_s <= 600
    assert PIN not in state.read_text() and stored not in state.read_text()
    clock.now += 601
    assert again.locked_for() == 0
    assert again.attempt(PIN, stored).ok
    assert json.loads(state.read_text()) == {"failures": 0, "locked_until": 0.0}


def test_a_clock_turned_back_cannot_stretch_the_lock(tmp_path):
    clock = Clock()
    gate = PinGate(tmp_path / "lock.json", lock_after_tries=1, lock_minutes=5, clock=clock)
    assert gate.attempt("000000", hash_pin(PIN)).locked_for_s == 300
    clock.now -= 86_400  # someone set the clock a day back
    assert gate.locked_for() == 300


def test_a_right_pin_resets_the_count(tmp_path):
    gate = PinGate(tmp_path / "lock.json", lock_after_tries=3, lock_minutes=1)
    stored = hash_pin(PIN)
    gate.attempt("000000", stored)
    gate.attempt("000001", stored)
    assert gate.attempt(PIN, stored).ok
    assert gate.tries_left() == 3


def test_corrupt_state_file_does_not_crash(tmp_path):
    state = tmp_path / "lock.json"
    state.write_text("{not json")
    gate = PinGate(state, lock_after_tries=2)
    assert gate.locked_for() == 0
    assert not gate.attempt("000000", hash_pin(PIN)).ok


def test_defaults_and_where_the_hash_is_kept(tmp_path):
    paths = Paths(tmp_path, tmp_path / "kiosk.toml")
    config = Config()
    gate = pin_gate(config, paths)
    assert gate.lock_after_tries == 5 and gate.lock_s == 15 * 60
    assert stored_pin_hash(config, paths) == ""
    stored = hash_pin(PIN)
    config = save_pin_hash(config, paths, stored)
    assert stored_pin_hash(config, paths) == stored
    loaded = config_mod.load(paths.config_file)
    assert loaded.admin.pin_hash == stored and stored_pin_hash(loaded, paths) == stored
    assert PIN not in paths.config_file.read_text(encoding="utf-8")
    # The hash is in the configuration only (the lockout state is the only other file).
    assert sorted(p.name for p in tmp_path.iterdir()) == ["admin-lock.json", "kiosk.toml"]
    if os.name == "posix":
        assert paths.config_file.stat().st_mode & 0o077 == 0  # owner only
    # The lockout settings come from [admin].
    strict = config.with_values(admin={"lock_after_tries": 2, "lock_minutes": 3})
    gate = pin_gate(strict, paths)
    assert gate.lock_after_tries == 2 and gate.lock_s == 3 * 60
