"""Small helpers the office statistics (compute.py) and the results (results.py) share: the
percentile both report, staff names in one spelling, an event's detail JSON, and the
Vietnamese order of names."""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Sequence
from typing import Any


def percentile(values: Sequence[float], p: float) -> float:
    """The p-quantile (0 ≤ p ≤ 1) of `values` by linear interpolation between closest ranks
    (Excel PERCENTILE.INC, R type 7). Raises ValueError on no values."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= p <= 1:
        raise ValueError("p must be between 0 and 1")
    xs = sorted(values)
    h = (len(xs) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def _name(text: Any) -> str | None:
    """Staff names as typed at two places (counter login, dossier intake): one spelling."""
    if text is None:
        return None
    cleaned = " ".join(unicodedata.normalize("NFC", str(text)).split())
    return cleaned or None


def _detail(raw: str | None) -> dict[str, Any]:
    # Kiosk events carry plain text (a printer error), counter events a JSON object.
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _sort_key_vi(name: str) -> tuple[str, str]:
    """Vietnamese names sort by given name (the last word), then the full name; accents are
    folded so that "Đức" sorts among the D's."""
    def fold(text: str) -> str:
        text = text.replace("đ", "d").replace("Đ", "D")
        return "".join(c for c in unicodedata.normalize("NFD", text)
                       if unicodedata.category(c) != "Mn").casefold()
    words = name.split()
    return (fold(words[-1]) if words else "", fold(name))

