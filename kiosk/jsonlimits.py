"""JSON from the network, parsed within limits (the office hub and the city server).

`json.loads` follows nesting with recursion: a body of 30,000 `[` raises RecursionError, which
is no ValueError and would reach a server's catch-all as an internal error. `loads_limited`
measures the nesting before parsing and refuses, with a ValueError naming the problem, what a
station never sends:

- nesting deeper than `max_depth` (arrays and objects together);
- bytes that are not UTF-8, and lone UTF-16 surrogates (`"\\ud800"`), which no text column or
  UTF-8 answer can hold;
- NaN, Infinity and numbers too large for a float (`1e999`): not JSON, and not storable.

Integers are left to the caller's range checks (Python limits their digits to 4300: longer
ones are a ValueError too). Every refusal is a ValueError, so `except ValueError` covers all.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_DEPTH = 32

# Linear in the length whatever the text (no backtracking): escapes are removed first, then
# strings, so brackets inside strings do not count; an unterminated string only makes the
# count larger (the text is not JSON anyway and the parser refuses it).
_ESCAPES = re.compile(r"\\.", re.DOTALL)
_STRINGS = re.compile(r'"[^"]*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


class JSONLimitError(ValueError):
    """The text is not JSON a station would send (see the module docstring)."""


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in `text`, strings skipped."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", _ESCAPES.sub("", text)))
    depth = deepest = 0
    for char in brackets:
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth -= 1
    return deepest


def _no_constant(name: str) -> Any:
    raise JSONLimitError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JSONLimitError(f"the number {text[:20]} is too large")
    return value


def _check_text(value: Any, max_depth: int) -> None:
    """Every string (keys too) encodable as UTF-8: no lone surrogates."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise JSONLimitError("the text contains a lone UTF-16 surrogate") from None
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


# One decoder for every call: json.loads with hooks would build a new one each time.
_DECODER = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite_float)


def loads_limited(raw: bytes | bytearray | str, max_depth: int = MAX_DEPTH) -> Any:
    """`json.loads(raw)`, refusing (JSONLimitError, a ValueError) what the module docstring
    lists; malformed JSON raises json.JSONDecodeError and bad UTF-8 UnicodeDecodeError, both
    ValueErrors. `raw` as bytes must be UTF-8 (a BOM is refused, as by the JSON RFC)."""
    if isinstance(raw, (bytes, bytearray)):
        text = bytes(raw).decode("utf-8")
    elif isinstance(raw, str):
        text = raw
    else:
        raise TypeError(f"JSON text must be bytes or str, not {type(raw).__name__}")
    if text.startswith("\ufeff"):  # as json.loads says it
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    # Fewer brackets than the limit cannot nest deeper (most records: the scan is skipped).
    if text.count("[") + text.count("{") > max_depth and nesting_depth(text) > max_depth:
        raise JSONLimitError(f"the JSON is nested deeper than {max_depth} levels")
    try:
        value = _DECODER.decode(text)
    except RecursionError:  # cannot happen within max_depth; kept as a last guard
        raise JSONLimitError(f"the JSON is nested deeper than {max_depth} levels") from None
    _check_text(value, max_depth)
    return value
