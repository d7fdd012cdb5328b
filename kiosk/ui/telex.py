"""Vietnamese Telex composition for the on-screen keyboard. Plain Python, no Qt.

Why not `bogo` (PyPI): it works on Python 3.11 and types "tieengs vieetj" as "tiếng việt", but
its licence is the GPL v3 (the LICENSE file and every module header; only the PyPI classifier
says LGPL), which the MIT-licensed kiosk cannot bundle into its Windows builds. This is a small
composer of our own, written from the Telex rules, not from bogo's code.

The composer is incremental and works on text, not on a key history: `apply_key(word, key)`
takes the word before the cursor as it is on screen and returns it with the key applied. So a
citizen can tap back into an earlier word and add a tone, Backspace simply deletes one letter,
and nothing has to be kept in sync with the text field.

Telex keys: aa â, aw ă, ee ê, oo ô, ow ơ, uw ư, uow ươ, w alone ư, dd đ; tones s sắc,
f huyền, r hỏi, x ngã, j nặng, z removes the tone. Typing the same modifier twice undoes it and
types the letter ("ass" -> "as"). Modifiers may follow the final consonant ("tiengs" -> "tiếng",
"hoafn" -> "hoàn"), and the tone moves where the spelling puts it as letters are added.

Tone placement follows the traditional style used in most official documents and on ID cards
("hòa", "thủy"): a vowel with a shape mark takes the tone (ơ in ươ); otherwise the only vowel;
the middle of three; the second of two before a final consonant; the first of two at the end of
a word. The u of "qu" and the i of "gi" (before another vowel) belong to the consonant.
"""

from __future__ import annotations

import unicodedata

#: Telex tone keys -> combining marks.
TONE_KEYS = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
TONES = frozenset(TONE_KEYS.values())
#: Names of the tones as the on-screen keys show them.
TONE_NAMES = {"s": "sắc", "f": "huyền", "r": "hỏi", "x": "ngã", "j": "nặng"}

CIRCUMFLEX, BREVE, HORN = "\u0302", "\u0306", "\u031b"
SHAPES = frozenset({CIRCUMFLEX, BREVE, HORN})

_VOWEL_BASES = frozenset("aeiouy")
_FINALS = frozenset({"", "c", "ch", "m", "n", "ng", "nh", "p", "t"})


def _split(ch: str) -> tuple[str, str, str]:
    """(base letter, shape mark or '', tone mark or '') of one character."""
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    shape = next((m for m in marks if m in SHAPES), "")
    tone = next((m for m in marks if m in TONES), "")
    return base, shape, tone


def _join(base: str, shape: str = "", tone: str = "") -> str:
    return unicodedata.normalize("NFC", base + shape + tone)


def is_vowel(ch: str) -> bool:
    return _split(ch)[0].lower() in _VOWEL_BASES


def is_letter(ch: str) -> bool:
    """Letters that make up a word the composer may change (đ included)."""
    return len(ch) == 1 and ch.isalpha()


def _syllable(word: str) -> tuple[int, int] | None:
    """(start, end) of the vowel nucleus of the last syllable, the u of qu / i of gi left out;
    None when the word has no vowel or is not shaped like one Vietnamese syllable."""
    end = len(word)
    while end and not is_vowel(word[end - 1]):
        end -= 1
    if not end:
        return None
    start = end
    while start and is_vowel(word[start - 1]):
        start -= 1
    initial, final = word[:start].lower(), word[end:].lower()
    if any(is_vowel(c) for c in initial) or final not in _FINALS:
        return None
    nucleus = word[start:end].lower()
    glide = {"q": "u", "g": "i"}.get(initial)
    if glide and len(nucleus) > 1 and _split(nucleus[0])[0] == glide:
        start += 1
    return start, end


def _tone_position(word: str, start: int, end: int) -> int:
    nucleus = [_split(c) for c in word[start:end]]
    shaped = [i for i, (_, shape, _) in enumerate(nucleus) if shape]
    if shaped:
        return start + shaped[-1]  # ươ: the ơ
    if len(nucleus) == 1:
        return start
    if len(nucleus) >= 3:
        return start + 1
    has_final = end < len(word)
    return start + (1 if has_final else 0)


def _tone_of(word: str, start: int, end: int) -> str:
    return next((t for c in word[start:end] if (t := _split(c)[2])), "")


def _with_tone(word: str, tone: str) -> str:
    """The word with every tone mark removed and `tone` ('' for none) put in its place."""
    bare = "".join(_join(b, s) for b, s, _ in map(_split, word))
    span = _syllable(bare)
    if span is None or not tone:
        return bare
    pos = _tone_position(bare, *span)
    base, shape, _ = _split(bare[pos])
    return bare[:pos] + _join(base, shape, tone) + bare[pos + 1:]


def normalize(word: str) -> str:
    """Move the word's tone to where the spelling puts it (after letters were added), and
    complete "uơ" to "ươ" when a letter follows it."""
    span = _syllable(word)
    if span is None:
        return word
    start, end = span
    parts = [_split(c) for c in word[start:end]]
    for i in range(len(parts) - 1):
        (b1, s1, _), (b2, s2, _) = parts[i], parts[i + 1]
        if b1.lower() == "u" and not s1 and b2.lower() == "o" and s2 == HORN \
                and start + i + 2 < len(word):
            word = _reshape(word, start + i, HORN)
            break
    tone = _tone_of(word, 0, len(word))
    return _with_tone(word, tone) if tone else word


def toggle_tone(word: str, key: str) -> str | None:
    """What a tone button does (key s f r x j, or z to remove): put the tone on the word, or
    take it off when the word has it already. None when the word cannot carry a tone."""
    span = _syllable(word)
    if span is None:
        return None
    wanted = "" if key.lower() == "z" else TONE_KEYS[key.lower()]
    if _tone_of(word, *span) == wanted:
        wanted = ""
    return _with_tone(word, wanted)


def _case(ch: str, like: str) -> str:
    return ch.upper() if like.isupper() else ch


def _reshape(word: str, index: int, shape: str) -> str:
    base, _, tone = _split(word[index])
    return word[:index] + _join(base, shape, tone) + word[index + 1:]


def _apply_circumflex(word: str, key: str, span: tuple[int, int]) -> str | None:
    letter = key.lower()
    start, end = span
    for i in range(end - 1, start - 1, -1):
        base, shape, _ = _split(word[i])
        if base.lower() != letter:
            continue
        if shape == CIRCUMFLEX:  # undo: "ôo" -> "oo"
            return _reshape(word, i, "") + key
        return _reshape(word, i, CIRCUMFLEX)
    return None


def _apply_w(word: str, key: str, span: tuple[int, int] | None) -> str:
    if span is None:
        if any(is_vowel(c) for c in word):
            return word + key
        return word + _case("ư", key)  # "w" alone, after consonants only: "nhw" -> "như"
    start, end = span
    parts = [_split(c) for c in word[start:end]]
    bases = "".join(b.lower() for b, _, _ in parts)
    horned = [i for i, (b, s, _) in enumerate(parts) if s in (HORN, BREVE)]
    pair = bases.find("uo")
    if pair >= 0 and not {pair, pair + 1} <= set(horned):
        i = start + pair
        if i + 2 == len(word) and not parts[pair][1]:
            # "thuơ" (thuở, huơ) ends in ơ; "ươ" always has a letter after it, and
            # normalize() turns "uơ" into "ươ" once one follows ("thuowng" -> "thương").
            return _reshape(word, i + 1, HORN)
        return _reshape(_reshape(word, i, HORN), i + 1, HORN)
    if horned:  # a second w undoes the first
        out = word
        for i in horned:
            out = _reshape(out, start + i, "")
        return out + key
    for letter, shape in (("oa", BREVE), ("u", HORN), ("o", HORN), ("a", BREVE)):
        if letter == "oa":  # "oă" as in "xoăn", "hoặc"
            if "oa" in bases:
                return _reshape(word, start + bases.index("oa") + 1, shape)
            continue
        if letter in bases:
            return _reshape(word, start + bases.index(letter), shape)
    return word + key


def _apply_d(word: str, key: str) -> str | None:
    if not word:
        return None
    first = word[0]
    if first in "dD":
        return ("Đ" if first == "D" else "đ") + word[1:]
    if first in "đĐ":  # undo
        return ("D" if first == "Đ" else "d") + word[1:] + key
    return None


def apply_key(word: str, key: str) -> str:
    """The word before the cursor after typing `key` (one letter) with Telex on."""
    if len(key) != 1 or not key.isalpha():
        return word + key
    lower = key.lower()
    span = _syllable(word)
    if lower in TONE_KEYS or lower == "z":
        if span is None:
            return word + key
        current = _tone_of(word, *span)
        wanted = "" if lower == "z" else TONE_KEYS[lower]
        if lower == "z" and not current:
            return word + key
        if current and current == wanted:  # the same tone twice: undo it, type the letter
            return _with_tone(word, "") + key
        return _with_tone(word, wanted)
    if lower in "aeo" and span is not None:
        changed = _apply_circumflex(word, key, span)
        if changed is not None:
            return normalize(changed)
    elif lower == "w":
        return normalize(_apply_w(word, key, span))
    elif lower == "d":
        changed = _apply_d(word, key)
        if changed is not None:
            return changed
    return normalize(word + key)


def compose(keys: str) -> str:
    """A whole Telex key sequence as text ("tieengs vieetj" -> "tiếng việt"): each letter is
    applied to the word before it, anything else is typed as it is."""
    out = ""
    for key in keys:
        if key.isalpha():
            start = len(out)
            while start and is_letter(out[start - 1]):
                start -= 1
            out = out[:start] + apply_key(out[start:], key)
        else:
            out += key
    return out


def word_before(text: str) -> int:
    """Where the word that ends at the end of `text` starts."""
    start = len(text)
    while start and is_letter(text[start - 1]):
        start -= 1
    return start
