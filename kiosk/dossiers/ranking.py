"""Which procedures the counter's picker shows first: plain Python, no Qt.

A clerk types a few letters, with or without diacritics, or nothing at all when a ticket is
called. The order is decided here, in three steps:

1. How well the typed words match (`match_tier`): the code or the name starts with what was
   typed; the typed words stand together at a word start in the name ("ban sao" in "Chứng
   thực bản sao…"); every typed word starts a word of the name; or the words only occur
   somewhere (inside a word, or in the field name). A procedure missing a typed word is not
   shown at all.
2. Within a tier, the procedures of the called ticket's service come first.
3. Then the most used first: how many dossiers this office took in for each procedure
   (`DossierDesk.procedure_counts`), so "bản sao" at a counter that certifies copies all day
   finds the certified copies before the civil-status extract; ties keep the catalog order.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

from kiosk.dossiers.procedures import Procedure

#: The match tiers, best first.
PREFIX, PHRASE, WORD_STARTS, SOMEWHERE = 0, 1, 2, 3


def fold(text: str) -> str:
    """Lower-case, without tone marks or other diacritics, "đ" as "d", single spaces.

    Clerks search with or without diacritics (a Telex input method may be off), so both
    "khai sinh" and "dang ky khai sinh" must find "Đăng ký khai sinh".
    """
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.replace("đ", "d").replace("Đ", "D")
    return " ".join(bare.casefold().split())


def _words(folded: str) -> list[str]:
    return [w.strip(",.;:()–-") for w in folded.split()]


def match_tier(query: str, code: str, name: str, field_name: str = "") -> int | None:
    """How well `query` matches a procedure (PREFIX best .. SOMEWHERE), None when a typed word
    is missing from its code, name and field. An empty query matches everything (PREFIX)."""
    q = fold(query)
    if not q:
        return PREFIX
    typed = q.split()
    folded_name = fold(name)
    hay = f"{fold(code)} {folded_name} {fold(field_name)}"
    if not all(word in hay for word in typed):
        return None
    if fold(code).startswith(q) or folded_name.startswith(q):
        return PREFIX
    words = _words(folded_name)
    n = len(typed)
    for i in range(len(words) - n + 1):
        if all(words[i + k] == typed[k] for k in range(n - 1)) \
                and words[i + n - 1].startswith(typed[-1]):
            return PHRASE
    if all(any(w.startswith(t) for w in words) for t in typed):
        return WORD_STARTS
    return SOMEWHERE


def rank_procedures(procedures: Sequence[Procedure], query: str = "", *,
                    service: str | None = None,
                    counts: Mapping[str, int] | None = None) -> list[Procedure]:
    """The procedures matching `query`, best first (see the module docstring). `service` is
    the called ticket's service code (None: no ticket); `counts` maps procedure codes to the
    number of dossiers this office took in for them."""
    counts = counts or {}
    ranked = []
    for index, p in enumerate(procedures):
        tier = match_tier(query, p.code, p.name, p.field_name)
        if tier is None:
            continue
        in_service = bool(service) and p.service == service
        ranked.append(((tier, not in_service, -counts.get(p.code, 0), index), p))
    ranked.sort(key=lambda pair: pair[0])
    return [p for _, p in ranked]


__all__ = ["PHRASE", "PREFIX", "SOMEWHERE", "WORD_STARTS", "fold", "match_tier",
           "rank_procedures"]
