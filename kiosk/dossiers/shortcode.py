"""The short look-up code printed large on a dossier's receipt: 6 characters a citizen types
on the kiosk's on-screen keyboard instead of "000.00.01.H26-260115-0007".

The code is the dossier's day and sequence number (what makes a dossier code unique within
its office, the unit code being the office's own) scrambled by a fixed 4-round Feistel
permutation, given 3 check bits, and written in base 23 over letters and digits that cannot
be mistaken for one another (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V). It is therefore

- unique per office by construction (a bijection of (day, seq)), with no table to consult;
- turned back into the full dossier code with the office's unit code anywhere: this station,
  the office hub (which keeps the forwarded public records under the full code), the city;
- not sequential to the eye (neighbouring dossiers get unrelated codes), and most typing
  mistakes give a string that is no code at all (7 in 8 of one wrong character; only
  about 1 in 9 six-character strings is a code).

Covered: 16,384 days from 2024-01-01 (until 2068) and up to 1,023 dossiers per office and
day; a dossier outside that range has no short code (its full code still works). The code is
also stored in `dossiers.short_code` (migration 9) so it can be found with SQL and shown.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, timedelta

ALPHABET = "ACDEFGHJKMNPQRTWXY34679"
LENGTH = 6
EPOCH = date(2024, 1, 1)
DAY_BITS = 14
SEQ_BITS = 10
_HALF = (DAY_BITS + SEQ_BITS) // 2
_MASK = (1 << _HALF) - 1
_ROUNDS = 4
CHECK_BITS = 3
_KEY = b"hcc-kiosk short look-up code v1"
_DOSSIER_CODE_TAIL = re.compile(r"-(\d{6})-(\d{4,})$")
_TYPED = str.maketrans({"-": "", " ": "", ".": "", "–": "", "_": ""})


def _round(value: int, index: int) -> int:
    digest = hashlib.sha256(_KEY + bytes((index,)) + value.to_bytes(2, "big")).digest()
    return int.from_bytes(digest[:2], "big") & _MASK


def _check(value: int) -> int:
    digest = hashlib.sha256(_KEY + b"check" + value.to_bytes(4, "big")).digest()
    return digest[0] & ((1 << CHECK_BITS) - 1)


def _permute(value: int) -> int:
    left, right = value >> _HALF, value & _MASK
    for i in range(_ROUNDS):
        left, right = right, left ^ _round(right, i)
    return (left << _HALF) | right


def _unpermute(value: int) -> int:
    left, right = value >> _HALF, value & _MASK
    for i in reversed(range(_ROUNDS)):
        left, right = right ^ _round(left, i), left
    return (left << _HALF) | right


def short_code(day: date, seq: int) -> str | None:
    """The short code of the dossier received on `day` with sequence number `seq` (None when
    outside the covered range)."""
    index = (day - EPOCH).days
    if not (0 <= index < 1 << DAY_BITS and 1 <= seq < 1 << SEQ_BITS):
        return None
    permuted = _permute((index << SEQ_BITS) | seq)
    value = (permuted << CHECK_BITS) | _check(permuted)
    chars = []
    for _ in range(LENGTH):
        value, digit = divmod(value, len(ALPHABET))
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def short_code_of(dossier_code: str) -> str | None:
    """The short code of a full dossier code `{unit}-{yyMMdd}-{NNNN}` (None: not one, or out
    of range)."""
    found = _DOSSIER_CODE_TAIL.search(dossier_code or "")
    if not found:
        return None
    yymmdd, seq = found.groups()
    try:
        day = date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError:
        return None
    return short_code(day, int(seq))


def parse_short_code(text: str) -> tuple[date, int] | None:
    """(day, seq) of a typed short code (any case, spaces or dashes between), or None when
    `text` is not one."""
    clean = unicodedata.normalize("NFKC", text or "").upper().translate(_TYPED)
    if len(clean) != LENGTH or any(c not in ALPHABET for c in clean):
        return None
    value = 0
    for c in clean:
        value = value * len(ALPHABET) + ALPHABET.index(c)
    permuted, check = value >> CHECK_BITS, value & ((1 << CHECK_BITS) - 1)
    if permuted >= 1 << (DAY_BITS + SEQ_BITS) or check != _check(permuted):
        return None
    plain = _unpermute(permuted)
    index, seq = plain >> SEQ_BITS, plain & ((1 << SEQ_BITS) - 1)
    if seq == 0:
        return None
    return EPOCH + timedelta(days=index), seq

