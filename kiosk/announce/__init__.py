"""What a call sounds like: the Vietnamese announcement text and its sequence of recorded clips.

Plain Python, no Qt: the display board plays the clips (kiosk/ui/voice.py), tests check them
without a sound card.

    >>> a = announcement("A007", 12)
    >>> a.text
    'Mời công dân có số A không không bảy đến quầy số mười hai'
    >>> a.clips
    ['chime', 'moi_cong_dan_co_so', 'letter_a', 'digit_0', 'digit_0', 'digit_7', 'den_quay_so', \
'num_muoi', 'digit_2']

How a ticket number is read: its letter, then every digit one by one, leading zeros included
("A không không bảy", never "A bảy"). Why, for a loudspeaker in an echoing hall:

- It is exactly what is printed on the ticket and shown on the board, so a citizen can follow
  it symbol by symbol with the ticket in hand.
- Every digit is one short syllable with a single form. A numeral has forms that change with
  position (một/mốt, năm/lăm, bốn/tư) and with region (linh/lẻ), and one syllable lost to hall
  noise turns it silently into another number ("một trăm [linh] năm" = 105 heard as 100 + 5?);
  a lost digit is noticed because the count of digits is always the same.
- Ten digit clips read every number, K1000 included.

Counter numbers are small and said the way people say them, as a Vietnamese numeral:
"quầy số mười hai", "quầy số hai mươi mốt" (a digit string "quầy số một hai" sounds unnatural).

Clip names are file names in assets/sounds/vi/ (`clip_path`); scripts/make_voice_clips.sh makes
them, and a recorded human voice can replace them one for one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.assets import asset_path

CHIME = "chime"
CALL_INTRO = "moi_cong_dan_co_so"
TO_COUNTER = "den_quay_so"
RECALL = "nhac_lai"

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
# Vietnamese names of the Latin letters, as a clerk reads a ticket or a licence plate aloud.
_LETTERS = {
    "A": "a", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "F": "ép", "G": "giê",
    "H": "hát", "I": "i", "J": "gi", "K": "ca", "L": "e lờ", "M": "em mờ", "N": "en nờ",
    "O": "o", "P": "pê", "Q": "quy", "R": "e rờ", "S": "ét xì", "T": "tê", "U": "u", "V": "vê",
    "W": "vê kép", "X": "ích xì", "Y": "i dài", "Z": "dét",
}
_WORDS = {  # numeral words besides the plain digits
    "num_muoi": "mười",       # ten: mười, mười hai
    "num_muoi_tens": "mươi",  # after a tens digit: hai mươi
    "num_mot": "mốt",         # one after mươi: hai mươi mốt
    "num_lam": "lăm",         # five after mười/mươi: mười lăm
    "num_tram": "trăm",
    "num_linh": "linh",       # no tens after hundreds: một trăm linh năm
}
_PHRASES = {CALL_INTRO: "Mời công dân có số", TO_COUNTER: "đến quầy số", RECALL: "Nhắc lại"}

MAX_COUNTER = 999
_SEPARATORS = " -._"


def _letter_clip(letter: str) -> str:
    return "letter_dd" if letter == "Đ" else f"letter_{letter.lower()}"


# Every clip name an announcement can use, with the words it says (the script's contract).
CLIP_WORDS: dict[str, str] = {
    CHIME: "",
    **_PHRASES,
    **{f"digit_{d}": word for d, word in enumerate(_DIGITS)},
    **_WORDS,
    **{_letter_clip(letter): name for letter, name in _LETTERS.items()},
}
CLIPS: frozenset[str] = frozenset(CLIP_WORDS)


@dataclass(frozen=True)
class Word:
    """One spoken unit: as written on screen, as a speech engine should say it, and its clip."""

    text: str
    spoken: str
    clip: str


@dataclass(frozen=True)
class Announcement:
    """One call as spoken. `text` is shown and logged (letters as printed: "A không không
    bảy"); `speech` is for a text-to-speech engine (letters by their names: "a không không
    bảy"); `clips` is the sequence of clip names to play, chime first."""

    text: str
    clips: list[str]
    speech: str = ""
    number: str = ""
    counter: int = 0
    recall: bool = False
    words: tuple[Word, ...] = field(default=(), repr=False, compare=False)


def ticket_words(number: str) -> list[Word]:
    """A ticket number read symbol by symbol: letters by name, digits one by one."""
    words: list[Word] = []
    for ch in number.strip().upper():
        if ch in _SEPARATORS:
            continue  # "A-007" and "A 007" are the same ticket
        if ch.isascii() and ch.isdigit():
            d = int(ch)
            words.append(Word(_DIGITS[d], _DIGITS[d], f"digit_{d}"))
        elif ch in _LETTERS:
            words.append(Word(ch, _LETTERS[ch], _letter_clip(ch)))
        else:
            raise ValueError(f"cannot read {ch!r} in ticket number {number!r} aloud")
    if not any(w.clip.startswith("digit_") for w in words):
        raise ValueError(f"ticket number {number!r} has no digits")
    return words


def _w(clip: str) -> Word:
    word = _DIGITS[int(clip[6:])] if clip.startswith("digit_") else _WORDS[clip]
    return Word(word, word, clip)


def numeral_words(n: int) -> list[Word]:
    """A whole number from 0 to 999 as a Vietnamese numeral, e.g. 21 → hai mươi mốt,
    15 → mười lăm, 105 → một trăm linh năm (the Northern "linh", as in official documents)."""
    if not 0 <= n <= 999:
        raise ValueError(f"{n} is outside 0..999")
    if n < 10:
        return [_w(f"digit_{n}")]
    hundreds, rest = divmod(n, 100)
    out: list[Word] = []
    if hundreds:
        out += [_w(f"digit_{hundreds}"), _w("num_tram")]
        if rest == 0:
            return out
        if rest < 10:
            return out + [_w("num_linh"), _w(f"digit_{rest}")]
    tens, units = divmod(rest, 10)
    if tens == 1:
        out.append(_w("num_muoi"))
    else:
        out += [_w(f"digit_{tens}"), _w("num_muoi_tens")]
    if units == 1 and tens >= 2:
        out.append(_w("num_mot"))
    elif units == 5:
        out.append(_w("num_lam"))
    elif units:
        out.append(_w(f"digit_{units}"))
    return out


def _phrase(clip: str) -> Word:
    return Word(_PHRASES[clip], _PHRASES[clip], clip)


def _join(words: Sequence[Word], attr: str) -> str:
    return " ".join(getattr(w, attr) for w in words)


def announcement(number: str, counter: int, *, recall: bool = False,
                 repeat: int = 1) -> Announcement:
    """The call of ticket `number` to `counter`: "Mời công dân có số … đến quầy số …".

    A recall says the same after "Nhắc lại." so the waiting room hears that it is not a new
    number. `repeat` says the sentence that many times after one chime (some halls want every
    call twice); the player adds no pause of its own between repeats, the clips' padding does.
    """
    if isinstance(counter, bool) or not isinstance(counter, int):
        raise TypeError(f"counter must be an int, not {counter!r}")
    if not 1 <= counter <= MAX_COUNTER:
        raise ValueError(f"counter {counter} is outside 1..{MAX_COUNTER}")
    if not 1 <= repeat <= 3:
        raise ValueError(f"repeat must be 1, 2 or 3, not {repeat}")
    ticket = ticket_words(number)
    body = [_phrase(CALL_INTRO), *ticket, _phrase(TO_COUNTER), *numeral_words(counter)]
    sentences = [body] * repeat
    if recall:
        sentences[0] = [_phrase(RECALL), *body]

    def sentence(words: Sequence[Word], attr: str) -> str:
        if recall and words[0].clip == RECALL:
            return f"{words[0].text}. {_join(words[1:], attr)}"
        return _join(words, attr)

    clips = [CHIME] + [w.clip for s in sentences for w in s]
    text = ". ".join(sentence(s, "text") for s in sentences)
    speech = ". ".join(sentence(s, "spoken") for s in sentences)
    canonical = "".join(ch for ch in number.strip().upper() if ch not in _SEPARATORS)
    return Announcement(text=text, clips=clips, speech=speech, number=canonical,
                        counter=counter, recall=recall,
                        words=tuple(w for s in sentences for w in s))


def sounds_dir() -> Path:
    return asset_path("sounds", "vi")


def clip_path(name: str, directory: Path | None = None) -> Path:
    """The WAV file of a clip name (the one place that knows the naming)."""
    if name not in CLIPS:
        raise KeyError(f"unknown clip {name!r}")
    return (directory or sounds_dir()) / f"{name}.wav"


__all__ = ["Announcement", "CLIPS", "CLIP_WORDS", "Word", "announcement", "clip_path",
           "numeral_words", "sounds_dir", "ticket_words"]
