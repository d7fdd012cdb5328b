"""The spoken call: text and clip sequence (no sound card needed), and the bundled clips."""

import json
import struct
import wave
from pathlib import Path

import pytest

from kiosk.announce import (
    CLIP_WORDS,
    CLIPS,
    announcement,
    clip_path,
    numeral_words,
    sounds_dir,
    ticket_words,
)
from kiosk.assets import asset_path

INTRO = ["chime", "moi_cong_dan_co_so"]


def words(n: int) -> str:
    return " ".join(w.text for w in numeral_words(n))


# -- text and clips ----------------------------------------------------------------------------

def test_basic_call_text_and_clips():
    a = announcement("A007", 12)
    assert a.text == "Mời công dân có số A không không bảy đến quầy số mười hai"
    assert a.clips == INTRO + ["letter_a", "digit_0", "digit_0", "digit_7", "den_quay_so",
                               "num_muoi", "digit_2"]
    assert a.speech == "Mời công dân có số a không không bảy đến quầy số mười hai"
    assert (a.number, a.counter, a.recall) == ("A007", 12, False)


def test_a001_reads_every_digit():
    a = announcement("A001", 1)
    assert a.text == "Mời công dân có số A không không một đến quầy số một"
    assert a.clips[2:6] == ["letter_a", "digit_0", "digit_0", "digit_1"]


def test_four_digit_number_k1000():
    a = announcement("K1000", 3)
    assert "số K một không không không đến quầy số ba" in a.text
    assert a.clips[2:7] == ["letter_k", "digit_1", "digit_0", "digit_0", "digit_0"]
    assert "ca một không không không" in a.speech  # K is said "ca"


@pytest.mark.parametrize(("n", "text"), [
    (1, "một"), (5, "năm"), (9, "chín"),
    (10, "mười"), (11, "mười một"), (14, "mười bốn"), (15, "mười lăm"), (19, "mười chín"),
    (20, "hai mươi"), (21, "hai mươi mốt"), (24, "hai mươi bốn"), (25, "hai mươi lăm"),
    (31, "ba mươi mốt"), (55, "năm mươi lăm"), (99, "chín mươi chín"),
    (100, "một trăm"), (101, "một trăm linh một"), (105, "một trăm linh năm"),
    (110, "một trăm mười"), (115, "một trăm mười lăm"), (121, "một trăm hai mươi mốt"),
    (999, "chín trăm chín mươi chín"),
])
def test_vietnamese_numerals(n, text):
    assert words(n) == text


@pytest.mark.parametrize(("counter", "clips"), [
    (10, ["num_muoi"]),
    (11, ["num_muoi", "digit_1"]),
    (15, ["num_muoi", "num_lam"]),
    (20, ["digit_2", "num_muoi_tens"]),
    (21, ["digit_2", "num_muoi_tens", "num_mot"]),
    (105, ["digit_1", "num_tram", "num_linh", "digit_5"]),
])
def test_counter_clips(counter, clips):
    a = announcement("B012", counter)
    assert a.clips[a.clips.index("den_quay_so") + 1:] == clips


def test_recall_is_prefixed():
    a = announcement("C003", 4, recall=True)
    assert a.text == "Nhắc lại. Mời công dân có số C không không ba đến quầy số bốn"
    assert a.clips[:3] == ["chime", "nhac_lai", "moi_cong_dan_co_so"]
    assert a.recall


def test_repeat_says_it_twice_after_one_chime():
    a = announcement("A1", 2, repeat=2)
    once = ["moi_cong_dan_co_so", "letter_a", "digit_1", "den_quay_so", "digit_2"]
    assert a.clips == ["chime"] + once + once
    assert a.text.count("Mời công dân") == 2


def test_number_is_normalised():
    assert announcement(" a-007 ", 1).number == "A007"
    assert [w.clip for w in ticket_words("007")] == ["digit_0", "digit_0", "digit_7"]
    assert [w.clip for w in ticket_words("Đ12")][0] == "letter_dd"


@pytest.mark.parametrize("number", ["", "A", "AB", "A0#1", "Ä001"])
def test_unreadable_numbers_are_refused(number):
    with pytest.raises(ValueError):
        announcement(number, 1)


@pytest.mark.parametrize("counter", [0, -1, 1000])
def test_counter_range(counter):
    with pytest.raises(ValueError):
        announcement("A001", counter)


def test_counter_must_be_an_int():
    with pytest.raises(TypeError):
        announcement("A001", "3")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        announcement("A001", True)  # type: ignore[arg-type]


def test_every_catalog_prefix_has_a_clip():
    services = json.loads(asset_path("catalogs", "services.json").read_text("utf-8"))
    for service in services["services"]:
        a = announcement(f"{service['prefix']}001", 1)
        assert a.clips[2] == f"letter_{service['prefix'].lower()}"


def test_every_clip_of_any_announcement_is_known():
    for number in ("A001", "K1000", "Z999", "W123"):
        for counter in range(1, 100):
            assert set(announcement(number, counter, recall=True).clips) <= CLIPS


# -- the clip files ----------------------------------------------------------------------------

def read_wav(path: Path) -> tuple[object, list[int]]:
    with wave.open(str(path), "rb") as w:
        params = w.getparams()
        frames = w.readframes(params.nframes)
    samples = list(struct.unpack(f"<{len(frames) // 2}h", frames))
    return params, samples


def test_clip_files_match_the_names_exactly():
    on_disk = {p.stem for p in sounds_dir().glob("*.wav")}
    assert on_disk == set(CLIPS)
    assert clip_path("chime") == sounds_dir() / "chime.wav"
    with pytest.raises(KeyError):
        clip_path("nonexistent")


@pytest.mark.parametrize("name", sorted(CLIPS))
def test_clip_is_valid_audible_wav(name):
    params, samples = read_wav(clip_path(name))
    assert params.nchannels == 1
    assert params.sampwidth == 2
    assert params.framerate == 22050
    seconds = params.nframes / params.framerate
    # A word is a few tenths of a second; a phrase or the chime under three seconds.
    longest = 3.0 if name == "chime" or " " in CLIP_WORDS[name] else 1.2
    assert 0.15 <= seconds <= longest, seconds
    peak = max(abs(s) for s in samples)
    rms = (sum(s * s for s in samples) / len(samples)) ** 0.5
    assert peak > 0.5 * 32767  # normalised, not a near-silent take
    assert rms > 0.02 * 32767
    # Trimmed: no long silence at the start (the pad is 20 ms).
    first_sound = next(i for i, s in enumerate(samples) if abs(s) > 0.02 * 32767)
    assert first_sound / params.framerate < 0.1


def test_clips_stay_small():
    total = sum(p.stat().st_size for p in sounds_dir().iterdir())
    assert total < 2_000_000
