"""Spoken calls on the display station: recorded clips in sequence, one announcement at a time.

`VoiceAnnouncer` keeps a FIFO of `Announcement`s (kiosk/announce). It plays one announcement's
steps strictly in order (the chime and word clips, or the chime and a text-to-speech sentence),
then waits `gap_s`, then starts the next: two calls never overlap, and a burst of calls is
spoken one after the other.

Sound comes from a swappable backend:

- `SoundEffectBackend` (default): QtMultimedia's QSoundEffect, one preloaded effect per WAV
  clip, so words follow each other without a loading pause.
- `SilentBackend`: used when QtMultimedia cannot be imported or the PC has no audio output.
  The sequence still runs (signals and all), the board keeps working, one warning is logged.
- engine "tts": QTextToSpeech with a Vietnamese voice when the PC has one (Windows with the
  Vietnamese language pack, speech-dispatcher with a Vietnamese voice); otherwise the clips.
  Clips are the default because they never break offline; online TTS does.

Every step has a watchdog (the clip's length plus a margin): a backend that never reports the
end of a clip (a driver hiccup, a device unplugged mid-clip) cannot stall the queue.

QtMultimedia and QtTextToSpeech are imported only when a backend is built, so the ticket kiosk
and the CLI never load them.
"""

from __future__ import annotations

import logging
import time
import wave
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from kiosk.announce import Announcement, clip_path, sounds_dir

log = logging.getLogger(__name__)

ENGINES = ("clips", "tts", "off")
WATCHDOG_MARGIN_S = 1.5
_warned: set[str] = set()


def _warn_once(key: str, message: str, *args: object) -> None:
    """A display runs for months: say each audio problem once, not at every call."""
    if key not in _warned:
        _warned.add(key)
        log.warning(message, *args)


@lru_cache(maxsize=256)
def clip_duration(path: Path) -> float:
    """Length of a WAV clip in seconds (0.0 if unreadable): sizes the watchdog."""
    try:
        with wave.open(str(path), "rb") as w:
            return w.getnframes() / float(w.getframerate() or 1)
    except (OSError, wave.Error, EOFError):
        return 0.0


# -- backends ----------------------------------------------------------------------------------


class ClipBackend(QObject):
    """Plays one clip at a time and emits `finished` when it has ended (or could not play).
    Subclasses: SoundEffectBackend, SilentBackend; tests use a recording double."""

    finished = Signal()
    available = False  # False: nothing is heard (the announcer reports it as "silent")

    def play(self, path: Path) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        """Stop the clip now playing, without emitting `finished`."""

    def set_volume(self, volume: float) -> None:
        """Linear volume 0.0..1.0."""

    def preload(self, paths: list[Path]) -> None:
        """Load clips ahead of the first call, where the backend benefits."""


class SilentBackend(ClipBackend):
    """Plays nothing; every clip "ends" on the next turn of the event loop."""

    available = False

    def play(self, path: Path) -> None:
        QTimer.singleShot(0, self._done)

    def _done(self) -> None:
        self.finished.emit()


class SoundEffectBackend(ClipBackend):
    """QSoundEffect per clip file, on the system's default audio output. Follows the default
    output when devices come and go (TV speakers switched on after the PC, USB speakers)."""

    def __init__(self, parent: QObject | None = None, volume: float = 1.0):
        super().__init__(parent)
        from PySide6.QtMultimedia import QMediaDevices  # lazy: display stations only

        self._devices = QMediaDevices(self)
        self._devices.audioOutputsChanged.connect(self._outputs_changed)
        self._effects: dict[Path, object] = {}
        self._current: object | None = None
        self._volume = volume
        self._pending: object | None = None

    @property
    def available(self) -> bool:  # type: ignore[override]
        from PySide6.QtMultimedia import QMediaDevices

        return bool(QMediaDevices.audioOutputs())

    def _effect(self, path: Path):
        from PySide6.QtCore import QUrl
        from PySide6.QtMultimedia import QMediaDevices, QSoundEffect

        effect = self._effects.get(path)
        if effect is None:
            effect = QSoundEffect(QMediaDevices.defaultAudioOutput(), self)
            effect.setVolume(self._volume)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.playingChanged.connect(lambda e=effect: self._playing_changed(e))
            effect.statusChanged.connect(lambda e=effect: self._status_changed(e))
            self._effects[path] = effect
        return effect

    def preload(self, paths: list[Path]) -> None:
        if self.available:
            for path in paths:
                self._effect(path)

    def play(self, path: Path) -> None:
        from PySide6.QtMultimedia import QSoundEffect

        if not self.available:
            _warn_once("no-output", "no audio output device: calls are shown but not heard")
            QTimer.singleShot(0, self._done)
            return
        effect = self._effect(path)
        status = effect.status()
        if status == QSoundEffect.Status.Error:
            _warn_once(f"clip:{path}", "cannot play the clip %s on this audio output", path)
            QTimer.singleShot(0, self._done)
            return
        self._current = effect
        if status == QSoundEffect.Status.Ready:
            effect.play()
        else:
            self._pending = effect  # still loading: _status_changed plays it

    def _status_changed(self, effect) -> None:
        from PySide6.QtMultimedia import QSoundEffect

        if effect is not self._pending:
            return
        status = effect.status()
        if status == QSoundEffect.Status.Ready:
            self._pending = None
            effect.play()
        elif status == QSoundEffect.Status.Error:
            self._pending = None
            _warn_once(f"clip:{effect.source().toLocalFile()}", "cannot play the clip %s",
                       effect.source().toLocalFile())
            self._done()

    def _playing_changed(self, effect) -> None:
        if effect is self._current and not effect.isPlaying():
            self._done()

    def _done(self) -> None:
        self._current = None
        self.finished.emit()

    def stop(self) -> None:
        current, self._current, self._pending = self._current, None, None
        if current is not None:
            current.stop()

    def set_volume(self, volume: float) -> None:
        self._volume = volume
        for effect in self._effects.values():
            effect.setVolume(volume)

    def _outputs_changed(self) -> None:
        # Effects are bound to the device they were made for: make new ones on the new default.
        self.stop()
        for effect in self._effects.values():
            effect.deleteLater()
        self._effects.clear()
        if self.available:
            log.info("audio output now: %s", self._default_name())
            _warned.discard("no-output")

    @staticmethod
    def _default_name() -> str:
        from PySide6.QtMultimedia import QMediaDevices

        return QMediaDevices.defaultAudioOutput().description()


class SpeechBackend(QObject):
    """QTextToSpeech speaking Vietnamese; `finished` when a sentence has been said."""

    finished = Signal()

    def __init__(self, engine, parent: QObject | None = None, volume: float = 1.0):
        super().__init__(parent)
        self._tts = engine
        self._tts.setParent(self)
        self._tts.setVolume(volume)
        self._speaking = False
        self.broken = False  # the engine failed once: the announcer goes back to the clips
        self._tts.stateChanged.connect(self._state_changed)

    @classmethod
    def create(cls, parent: QObject | None = None, volume: float = 1.0,
               engines: list[str] | None = None) -> SpeechBackend | None:
        """A backend on the first engine with a Vietnamese voice, or None (logged once)."""
        try:
            from PySide6.QtCore import QLocale
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError as exc:
            _warn_once("no-tts-module", "QtTextToSpeech is not installed (%s): using clips", exc)
            return None
        names = engines if engines is not None else ["", *QTextToSpeech.availableEngines()]
        for name in dict.fromkeys(names):
            tts = QTextToSpeech(name) if name else QTextToSpeech()
            if tts.state() == QTextToSpeech.State.Error:
                tts.deleteLater()
                continue
            locales = [loc for loc in tts.availableLocales()
                       if loc.language() == QLocale.Language.Vietnamese]
            if locales:
                tts.setLocale(locales[0])
                voices = tts.availableVoices()
                if voices:
                    tts.setVoice(voices[0])
                log.info("text-to-speech: engine %s, voice %s", name or "default",
                         voices[0].name() if voices else "default")
                return cls(tts, parent, volume)
            tts.deleteLater()
        _warn_once("no-vi-voice", "no Vietnamese text-to-speech voice on this PC: using clips")
        return None

    def say(self, text: str) -> None:
        self._speaking = True
        self._tts.say(text)

    def _state_changed(self, state) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if not self._speaking:
            return
        if state == QTextToSpeech.State.Error:
            _warn_once("tts-error", "text-to-speech failed (%s): using the clips from now on",
                       self._tts.errorString())
            self.broken = True
        if state in (QTextToSpeech.State.Ready, QTextToSpeech.State.Error):
            self._speaking = False
            self.finished.emit()

    def stop(self) -> None:
        self._speaking = False
        self._tts.stop()

    def set_volume(self, volume: float) -> None:
        self._tts.setVolume(volume)


def create_clip_backend(parent: QObject | None = None, volume: float = 1.0) -> ClipBackend:
    """The QSoundEffect backend, or the silent one where QtMultimedia is missing or broken."""
    try:
        backend: ClipBackend = SoundEffectBackend(parent, volume)
    except ImportError as exc:
        _warn_once("no-multimedia", "QtMultimedia is not available (%s): calls are shown but "
                   "not heard; install PySide6-Addons", exc)
        return SilentBackend(parent)
    except Exception:
        log.exception("cannot start the audio backend: calls are shown but not heard")
        return SilentBackend(parent)
    if not backend.available:
        _warn_once("no-output", "no audio output device: calls are shown but not heard")
    return backend


# -- the announcer -----------------------------------------------------------------------------


@dataclass
class _Pending:
    announcement: Announcement
    queued_at: float


class VoiceAnnouncer(QObject):
    """Speaks announcements one after another with a gap between them.

    `announce()` queues and returns at once. Signals let the board (and tests) follow along:
    `announcement_started(text)`, `clip_started(name)` for each clip, `speech_started(text)`
    for a TTS sentence, `announcement_finished(text)`, and `idle()` once the queue is empty and
    the gap after the last announcement is over.
    """

    announcement_started = Signal(str)
    clip_started = Signal(str)
    speech_started = Signal(str)
    announcement_finished = Signal(str)
    idle = Signal()

    def __init__(self, parent: QObject | None = None, *, engine: str = "clips",
                 gap_s: float = 1.5, volume: float = 1.0, sounds: Path | None = None,
                 backend: ClipBackend | None = None, speech: SpeechBackend | None = None,
                 stale_after_s: float = 120.0, max_pending: int = 30):
        super().__init__(parent)
        if engine not in ENGINES:
            raise ValueError(f"voice engine must be one of {', '.join(ENGINES)}, not {engine!r}")
        self.gap_s = max(0.0, gap_s)
        self.stale_after_s = stale_after_s
        self.max_pending = max(1, max_pending)
        self._sounds = sounds or sounds_dir()
        self._volume = min(1.0, max(0.0, volume))
        self._queue: deque[_Pending] = deque()
        self._current: Announcement | None = None
        self._steps: list[tuple[str, str]] = []
        self._step = 0
        self._in_gap = False
        self._closed = False

        self._speech: SpeechBackend | None = None
        self._backend: ClipBackend | None = None
        self.engine = engine
        if engine != "off":
            self._backend = backend or create_clip_backend(self, self._volume)
            self._backend.finished.connect(self._step_done)
            self._backend.preload([self._path(n) for n in ("chime", "moi_cong_dan_co_so",
                                                             "den_quay_so")])
        if engine == "tts":
            self._speech = speech or SpeechBackend.create(self, self._volume)
            if self._speech is None:
                self.engine = "clips"
            else:
                self._speech.finished.connect(self._step_done)

        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._step_timed_out)
        self._gap = QTimer(self)
        self._gap.setSingleShot(True)
        # A coarse timer may fire 5% early; the gap is a promise to the listeners.
        self._gap.setTimerType(Qt.TimerType.PreciseTimer)
        self._gap.timeout.connect(self._gap_over)

    # -- state -------------------------------------------------------------------------------

    @property
    def audible(self) -> bool:
        """Whether anything can be heard (an engine is on and an output device exists)."""
        if self.engine == "off":
            return False
        if self.engine == "tts":
            return True
        return bool(self._backend is not None and self._backend.available)

    @property
    def busy(self) -> bool:
        return self._current is not None or self._in_gap

    @property
    def pending(self) -> int:
        return len(self._queue)

    def set_volume(self, volume: float) -> None:
        self._volume = min(1.0, max(0.0, volume))
        for part in (self._backend, self._speech):
            if part is not None:
                part.set_volume(self._volume)

    # -- queueing ----------------------------------------------------------------------------

    def announce(self, announcement: Announcement) -> bool:
        """Queue a call; False if it was not queued (engine off, closed, or the same call is
        already waiting: a clerk pressing "recall" twice need not be heard twice)."""
        if self.engine == "off" or self._closed:
            return False
        key = (announcement.number, announcement.counter)
        if any((p.announcement.number, p.announcement.counter) == key for p in self._queue):
            return False
        if len(self._queue) >= self.max_pending:
            dropped = self._queue.popleft()
            log.warning("announcement queue full: dropping the call of %s to counter %s",
                        dropped.announcement.number, dropped.announcement.counter)
        self._queue.append(_Pending(announcement, time.monotonic()))
        if not self.busy:
            self._start_next()
        return True

    def clear(self) -> None:
        """Forget queued calls (the one being spoken finishes)."""
        self._queue.clear()

    def close(self) -> None:
        """Stop speaking and drop everything (window closing)."""
        self._closed = True
        self._queue.clear()
        self._watchdog.stop()
        self._gap.stop()
        for part in (self._backend, self._speech):
            if part is not None:
                part.stop()
        self._current = None
        self._in_gap = False

    # -- sequencing --------------------------------------------------------------------------

    def _path(self, clip: str) -> Path:
        return clip_path(clip, self._sounds)

    def _start_next(self) -> None:
        while self._queue:
            item = self._queue.popleft()
            age = time.monotonic() - item.queued_at
            if age > self.stale_after_s:
                # Saying a number minutes after it was called sends people to the wrong place.
                log.info("not announcing %s: queued %.0f s ago", item.announcement.number, age)
                continue
            self._begin(item.announcement)
            return
        self.idle.emit()

    def _begin(self, announcement: Announcement) -> None:
        self._current = announcement
        if self._speech is not None and getattr(self._speech, "broken", False):
            self.engine = "clips"
        if self._speech is not None and self.engine == "tts":
            chime = announcement.clips[:1] if announcement.clips[:1] == ["chime"] else []
            self._steps = [("clip", c) for c in chime] + [("say", announcement.speech)]
        else:
            self._steps = [("clip", c) for c in announcement.clips]
        self._step = 0
        self.announcement_started.emit(announcement.text)
        self._run_step()

    def _run_step(self) -> None:
        if self._current is None:
            return
        if self._step >= len(self._steps):
            self._finish()
            return
        kind, value = self._steps[self._step]
        if kind == "say" and self._speech is not None:
            self.speech_started.emit(value)
            # No length to read: allow a generous speaking rate for the watchdog.
            self._watchdog.start(int((len(value) * 0.12 + 5.0) * 1000))
            self._speech.say(value)
            return
        assert self._backend is not None
        path = self._path(value)
        self.clip_started.emit(value)
        self._watchdog.start(int((clip_duration(path) + WATCHDOG_MARGIN_S) * 1000))
        self._backend.play(path)

    def _step_done(self) -> None:
        # The watchdog runs exactly while a step runs: an end reported outside that is a late
        # echo of a step already given up on, and must not skip the next one.
        if self._current is None or not self._watchdog.isActive():
            return
        self._watchdog.stop()
        if self._steps[self._step][0] == "say" and getattr(self._speech, "broken", False):
            # Nothing was said: say it with the clips instead (the chime has been heard).
            self.engine = "clips"
            self._steps[self._step + 1:] = [("clip", c) for c in self._current.clips
                                            if c != "chime"]
        self._step += 1
        self._run_step()

    def _step_timed_out(self) -> None:
        if self._current is None:
            return
        kind, value = self._steps[self._step]
        _warn_once(f"stall:{kind}", "audio did not report the end of %s %s: moving on",
                   kind, value)
        if kind == "say" and self._speech is not None:
            self._speech.stop()
        elif self._backend is not None:
            self._backend.stop()
        self._step += 1
        self._run_step()

    def _finish(self) -> None:
        done, self._current = self._current, None
        self._in_gap = True
        if done is not None:
            self.announcement_finished.emit(done.text)
        self._gap.start(int(self.gap_s * 1000))

    def _gap_over(self) -> None:
        self._in_gap = False
        if not self._closed:
            self._start_next()
