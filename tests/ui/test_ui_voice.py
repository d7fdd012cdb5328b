"""The announcer's queue: real sequencing, gap and watchdog logic; a recording stand-in for the
sound device (there is no sound card here), plus the real QtMultimedia backend where it finds no
audio output."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import builtins  # noqa: E402
import struct  # noqa: E402
import time  # noqa: E402
import wave  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QObject, QTimer, Signal  # noqa: E402

from kiosk.announce import CLIPS, announcement  # noqa: E402
from kiosk.ui import voice  # noqa: E402
from kiosk.ui.voice import (  # noqa: E402
    ClipBackend,
    SilentBackend,
    SpeechBackend,
    VoiceAnnouncer,
    create_clip_backend,
)

CLIP_MS = 10


class RecordingBackend(ClipBackend):
    """Stands in for the sound card: each clip "plays" for a fixed time, and every start and
    end is recorded with its time."""

    available = True

    def __init__(self, clip_ms: int = CLIP_MS, finishes: bool = True):
        super().__init__()
        self.clip_ms = clip_ms
        self.finishes = finishes
        self.log: list[tuple[str, str, float]] = []  # (event, clip, monotonic time)
        self.playing: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._end)

    def play(self, path: Path) -> None:
        assert self.playing is None, f"{path.stem} started while {self.playing} plays"
        self.playing = path.stem
        self.log.append(("start", path.stem, time.monotonic()))
        if self.finishes:
            self._timer.start(self.clip_ms)

    def _end(self) -> None:
        self.log.append(("end", self.playing or "?", time.monotonic()))
        self.playing = None
        self.finished.emit()

    def stop(self) -> None:
        self._timer.stop()
        if self.playing is not None:
            self.log.append(("stop", self.playing, time.monotonic()))
        self.playing = None

    def started(self) -> list[str]:
        return [clip for event, clip, _ in self.log if event == "start"]


class FakeSpeech(QObject):
    """Stands in for a Vietnamese QTextToSpeech voice."""

    finished = Signal()

    def __init__(self, fails: bool = False):
        super().__init__()
        self.said: list[str] = []
        self.fails = fails
        self.broken = False

    def say(self, text: str) -> None:
        self.said.append(text)
        self.broken = self.fails
        QTimer.singleShot(CLIP_MS, self.finished.emit)

    def stop(self) -> None:
        pass

    def set_volume(self, volume: float) -> None:
        pass


@pytest.fixture
def tiny_sounds(tmp_path) -> Path:
    """Every clip as a 20 ms WAV: the watchdog sizes itself on the real clip length."""
    for name in CLIPS:
        with wave.open(str(tmp_path / f"{name}.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(22050)
            w.writeframes(struct.pack("<441h", *([1000] * 441)))
    return tmp_path


def wait_idle(qtbot, announcer: VoiceAnnouncer, timeout_ms: int = 5000) -> None:
    qtbot.waitUntil(lambda: not announcer.busy and announcer.pending == 0, timeout=timeout_ms)


def test_three_quick_calls_play_in_sequence_with_the_gap(qtbot):
    backend = RecordingBackend()
    gap = 0.15
    announcer = VoiceAnnouncer(engine="clips", gap_s=gap, backend=backend)
    started, finished = [], []
    announcer.announcement_started.connect(lambda t: started.append((t, time.monotonic())))
    announcer.announcement_finished.connect(lambda t: finished.append((t, time.monotonic())))
    clips_seen = []
    announcer.clip_started.connect(clips_seen.append)

    calls = [announcement("A001", 1), announcement("B002", 12), announcement("K1000", 21)]
    for call in calls:
        assert announcer.announce(call)
    assert announcer.pending == 2  # the first is already playing
    wait_idle(qtbot, announcer)

    # Strictly in order, every clip of every call, nothing interleaved.
    expected = [clip for call in calls for clip in call.clips]
    assert backend.started() == expected
    assert clips_seen == expected
    assert [t for t, _ in started] == [c.text for c in calls]
    assert [t for t, _ in finished] == [c.text for c in calls]
    # Never two clips at once: each starts after the previous one ended.
    ends = [t for e, _, t in backend.log if e == "end"]
    starts = [t for e, _, t in backend.log if e == "start"]
    assert all(s >= e for s, e in zip(starts[1:], ends, strict=False))
    # The gap between the end of one announcement and the start of the next.
    for (_, end), (_, start) in zip(finished, started[1:], strict=False):
        assert start - end >= gap - 0.01
    announcer.close()


def test_gap_applies_to_a_call_arriving_just_after_one_ended(qtbot):
    backend = RecordingBackend()
    announcer = VoiceAnnouncer(engine="clips", gap_s=0.2, backend=backend)
    done = []
    announcer.announcement_finished.connect(lambda _t: done.append(time.monotonic()))
    announcer.announce(announcement("A001", 1))
    qtbot.waitUntil(lambda: bool(done), timeout=3000)
    started = []
    announcer.announcement_started.connect(lambda _t: started.append(time.monotonic()))
    announcer.announce(announcement("A002", 2))
    qtbot.waitUntil(lambda: bool(started), timeout=3000)
    assert started[0] - done[0] >= 0.2 - 0.005
    wait_idle(qtbot, announcer)
    announcer.close()


def test_same_call_waiting_twice_is_said_once(qtbot):
    backend = RecordingBackend()
    announcer = VoiceAnnouncer(engine="clips", gap_s=0.0, backend=backend)
    assert announcer.announce(announcement("A001", 1))
    assert announcer.announce(announcement("A002", 2))
    assert not announcer.announce(announcement("A002", 2, recall=True))  # already waiting
    wait_idle(qtbot, announcer)
    assert backend.started().count("letter_a") == 2


def test_stale_calls_are_not_announced(qtbot):
    backend = RecordingBackend(clip_ms=30)
    announcer = VoiceAnnouncer(engine="clips", gap_s=0.0, backend=backend, stale_after_s=0.1)
    texts = []
    announcer.announcement_started.connect(texts.append)
    announcer.announce(announcement("A001", 1))  # ~9 clips x 30 ms: the next one goes stale
    announcer.announce(announcement("B001", 2))
    wait_idle(qtbot, announcer)
    assert texts == [announcement("A001", 1).text]


def test_queue_is_bounded(qtbot):
    backend = RecordingBackend()
    announcer = VoiceAnnouncer(engine="clips", gap_s=0.0, backend=backend, max_pending=2)
    for i in range(1, 6):
        announcer.announce(announcement(f"A{i:03d}", i))
    assert announcer.pending == 2
    texts = []
    announcer.announcement_started.connect(texts.append)
    wait_idle(qtbot, announcer)
    # A001 was already playing; A002 and A003 made room for the newest calls.
    assert texts == [announcement("A004", 4).text, announcement("A005", 5).text]


def test_a_backend_that_never_reports_the_end_does_not_stall_the_queue(qtbot, tiny_sounds,
                                                                     monkeypatch):
    monkeypatch.setattr(voice, "WATCHDOG_MARGIN_S", 0.02)
    backend = RecordingBackend(finishes=False)
    announcer = VoiceAnnouncer(engine="clips", gap_s=0.0, backend=backend, sounds=tiny_sounds)
    announcer.announce(announcement("A001", 1))
    announcer.announce(announcement("A002", 2))
    wait_idle(qtbot, announcer)
    assert backend.started() == announcement("A001", 1).clips + announcement("A002", 2).clips
    assert [e for e, _, _ in backend.log].count("stop") == len(backend.started())


def test_off_engine_announces_nothing():
    announcer = VoiceAnnouncer(engine="off")
    assert not announcer.announce(announcement("A001", 1))
    assert not announcer.audible
    with pytest.raises(ValueError):
        VoiceAnnouncer(engine="espeak")


def test_close_while_speaking_stops_cleanly(qtbot):
    backend = RecordingBackend(clip_ms=50)
    announcer = VoiceAnnouncer(engine="clips", gap_s=0.0, backend=backend)
    announcer.announce(announcement("A001", 1))
    announcer.announce(announcement("A002", 2))
    announcer.close()
    count = len(backend.log)
    qtbot.wait(150)
    assert len(backend.log) == count  # nothing more played
    assert not announcer.announce(announcement("A003", 3))


def test_missing_qtmultimedia_falls_back_to_silence(qtbot, monkeypatch, caplog):
    real_import = builtins.__import__

    def no_multimedia(name, *args, **kwargs):
        if name.startswith("PySide6.QtMultimedia"):
            raise ImportError("No module named 'PySide6.QtMultimedia'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_multimedia)
    monkeypatch.setattr(voice, "_warned", set())
    backend = create_clip_backend()
    assert isinstance(backend, SilentBackend)
    announcer = VoiceAnnouncer(engine="clips", gap_s=0.0, backend=backend)
    assert not announcer.audible
    clips = []
    announcer.clip_started.connect(clips.append)
    announcer.announce(announcement("A001", 1))
    announcer.announce(announcement("A002", 2))
    wait_idle(qtbot, announcer)
    assert clips == announcement("A001", 1).clips + announcement("A002", 2).clips
    assert sum("QtMultimedia is not available" in r.message for r in caplog.records) == 1


def _has_audio_output() -> bool:
    from PySide6.QtMultimedia import QMediaDevices

    return bool(QMediaDevices.audioOutputs())


@pytest.mark.skipif(_has_audio_output(),
                    reason="this PC has an audio output: the no-device path cannot be shown")
def test_real_qt_backend_without_an_audio_device(qtbot, monkeypatch):
    """The QSoundEffect backend on a PC with no audio output (like CI's machine): it
    logs once and the queue keeps going, silently."""
    monkeypatch.setattr(voice, "_warned", set())
    announcer = VoiceAnnouncer(engine="clips", gap_s=0.0, volume=0.0)
    assert isinstance(announcer._backend, voice.SoundEffectBackend)
    assert not announcer.audible
    done = []
    announcer.announcement_finished.connect(done.append)
    announcer.announce(announcement("A001", 1))
    qtbot.waitUntil(lambda: len(done) == 1, timeout=5000)
    announcer.close()


def test_tts_engine_says_the_sentence_after_the_chime(qtbot):
    backend = RecordingBackend()
    speech = FakeSpeech()
    announcer = VoiceAnnouncer(engine="tts", gap_s=0.0, backend=backend, speech=speech)
    assert announcer.engine == "tts"
    spoken = []
    announcer.speech_started.connect(spoken.append)
    call = announcement("B012", 15, recall=True)
    announcer.announce(call)
    wait_idle(qtbot, announcer)
    assert backend.started() == ["chime"]
    assert speech.said == spoken == [call.speech]
    assert "bê không một hai" in call.speech


def test_tts_without_a_vietnamese_voice_uses_the_clips(monkeypatch):
    monkeypatch.setattr(voice, "_warned", set())
    # Qt's "mock" engine (shipped with QtTextToSpeech) has no Vietnamese voice.
    assert SpeechBackend.create(engines=["mock"]) is None
    monkeypatch.setattr(SpeechBackend, "create", classmethod(lambda cls, *a, **k: None))
    announcer = VoiceAnnouncer(engine="tts", backend=RecordingBackend())
    assert announcer.engine == "clips"


def test_tts_failure_says_the_call_with_the_clips_and_stays_on_them(qtbot):
    backend = RecordingBackend()
    speech = FakeSpeech(fails=True)
    announcer = VoiceAnnouncer(engine="tts", gap_s=0.0, backend=backend, speech=speech)
    first, second = announcement("A001", 1), announcement("A002", 2)
    announcer.announce(first)
    announcer.announce(second)
    wait_idle(qtbot, announcer)
    assert speech.said == [first.speech]  # tried once
    assert announcer.engine == "clips"
    assert backend.started() == first.clips + second.clips  # nobody missed a call
