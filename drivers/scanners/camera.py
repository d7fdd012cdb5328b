"""A camera (or a video file) as a scanner: OpenCV capture on a worker thread, a live preview,
and every frame decoded once (zxing-cpp by default).

Frames are held in memory only while they are shown and decoded: no frame is written to disk,
logged or kept afterwards, because a frame may show a citizen's ID card (sensitive personal
data). The preview callback receives a small copy meant for display only.

A video file path works as the camera (tests, benchmarks, demos): it is read as fast as it
decodes unless `realtime` is set, and reports ENDED at its end.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from drivers.scanners.decoders import (
    DEFAULT_FORMATS,
    Check,
    Decoded,
    Repair,
    _import_cv2,
    decode_frame,
)
from drivers.scanners.events import ScanEvent, ScannerStatus

logger = logging.getLogger(__name__)

FrameCallback = Callable[[Any], None]


def parse_source(source: int | str) -> int | str:
    """'0' -> camera index 0; a device path, a URL or a video file stays a string."""
    if isinstance(source, int):
        return source
    text = str(source).strip()
    return int(text) if text.isdigit() else text


class _Debounce:
    """One scan per presentation: a code in view for many frames is reported once, and again
    only after it has been out of view for `repeat_after_s`. A read that needs confirmation
    is reported once a second frame within `confirm_within_s` reads the same."""

    def __init__(self, repeat_after_s: float, confirm_within_s: float = 1.0) -> None:
        self.repeat_after_s = repeat_after_s
        self.confirm_within_s = confirm_within_s
        self._last_seen: dict[str, float] = {}
        self._unconfirmed: dict[str, float] = {}

    def accept(self, decoded: Decoded, now: float) -> bool:
        text = decoded.text
        if not decoded.trusted and text not in self._last_seen:
            first = self._unconfirmed.get(text)
            if first is None or now - first > self.confirm_within_s:
                self._unconfirmed[text] = now
                return False
            del self._unconfirmed[text]
        last = self._last_seen.get(text)
        self._last_seen[text] = now
        return last is None or now - last > self.repeat_after_s

    def forget_old(self, now: float) -> None:
        # Texts may be ID card data: keep them no longer than the debounce needs them.
        horizon = max(self.repeat_after_s, self.confirm_within_s)
        for table in (self._last_seen, self._unconfirmed):
            for text in [t for t, seen in table.items() if now - seen > horizon]:
                del table[text]


class CameraScanner:
    """Reads codes from a camera (index, device path or URL) or a video file.

    `on_scan(ScanEvent)`, `on_frame(preview)` and `on_status(status, source)` run on the worker
    thread. `preview` is a BGR numpy array at most `preview_width` pixels wide; copy it if it
    must outlive the callback, and never store it.
    """

    def __init__(
        self,
        source: int | str,
        on_scan: Callable[[ScanEvent], None],
        *,
        on_frame: FrameCallback | None = None,
        on_status: Callable[[ScannerStatus, str], None] | None = None,
        engine: str = "zxing",
        formats: Sequence[str] = DEFAULT_FORMATS,
        preview_width: int = 640,
        resolution: tuple[int, int] = (1280, 720),
        repeat_after_s: float = 3.0,
        reconnect_s: float = 1.0,
        realtime: bool = False,
        check: Check | None = None,
        repair: Repair | None = None,
    ) -> None:
        self._cv2 = _import_cv2("the camera")
        from drivers.scanners.decoders import get_engine

        get_engine(engine)  # fail now, with an install hint, rather than on the worker thread
        self.source = parse_source(source)
        self.is_file = isinstance(self.source, str) and os.path.isfile(self.source)
        self.on_scan = on_scan
        self.on_frame = on_frame
        self.on_status = on_status
        self.engine = engine
        self.formats = tuple(formats)
        self.check = check  # the caller's verdict on a read (see decoders.plausible)
        self.repair = repair  # puts right a text zbar guessed (see decoders.repaired)
        self.preview_width = preview_width
        self.resolution = resolution
        self.reconnect_s = reconnect_s
        self.realtime = realtime
        self._debounce = _Debounce(repeat_after_s)
        self._stop = threading.Event()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._status: ScannerStatus | None = None
        #: Frames read and decoded since start(), for status screens and the benchmark.
        self.frames = 0

    @property
    def name(self) -> str:
        return f"camera:{self.source}"

    @property
    def status(self) -> ScannerStatus:
        return self._status or ScannerStatus.DISCONNECTED

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._done.clear()
        self._thread = threading.Thread(target=self._run, name="camera-scanner", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
        if self._status is not ScannerStatus.ENDED:
            self._set_status(ScannerStatus.STOPPED)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until a video file has been read to its end (or stop()); True if it has."""
        return self._done.wait(timeout)

    def __enter__(self) -> CameraScanner:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _set_status(self, status: ScannerStatus) -> None:
        if status is self._status:
            return
        self._status = status
        if status is ScannerStatus.DISCONNECTED:
            logger.warning("camera %s not available", self.source)
        else:
            logger.info("camera %s %s", self.source, status.value)
        if self.on_status is not None:
            try:
                self.on_status(status, str(self.source))
            except Exception as exc:
                logger.error("camera status handler raised %s", type(exc).__name__)

    def _open(self) -> Any:
        cv2 = self._cv2
        cap = cv2.VideoCapture(self.source)
        if not cap.isOpened():
            cap.release()
            return None
        if not self.is_file:
            width, height = self.resolution
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
            # A deep driver queue means decoding frames from the past: keep one.
            cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        return cap

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                cap = self._open()
                if cap is None:
                    self._set_status(ScannerStatus.DISCONNECTED)
                    if self.is_file:
                        break
                    self._stop.wait(self.reconnect_s)
                    continue
                self._set_status(ScannerStatus.CONNECTED)
                try:
                    ended = self._read(cap)
                finally:
                    cap.release()
                if ended:
                    self._set_status(ScannerStatus.ENDED)
                    break
                if not self._stop.is_set():
                    self._set_status(ScannerStatus.DISCONNECTED)
                    self._stop.wait(self.reconnect_s)
        finally:
            self._done.set()

    def _read(self, cap: Any) -> bool:
        """Read until the stream fails (False) or a video file ends (True)."""
        cv2 = self._cv2
        fps = cap.get(cv2.CAP_PROP_FPS) if self.is_file else 0.0
        started = time.monotonic()
        while not self._stop.is_set():
            ok, frame = cap.read()
            if not ok:
                return self.is_file
            self.frames += 1
            if self.is_file:
                # Video time, not wall time: reading faster than real time must not merge or
                # split presentations.
                now = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
                if self.realtime and fps > 0:
                    delay = started + self.frames / fps - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
            else:
                now = time.monotonic()
            if self.on_frame is not None:
                self._preview(frame)
            self._decode(frame, now)
            del frame  # nothing of the image outlives this iteration
        return False

    def _preview(self, frame: Any) -> None:
        cv2 = self._cv2
        h, w = frame.shape[:2]
        if w > self.preview_width:
            size = (self.preview_width, max(1, round(h * self.preview_width / w)))
            small = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
        else:
            small = frame.copy()
        try:
            self.on_frame(small)  # type: ignore[misc]
        except Exception as exc:
            logger.error("camera preview handler raised %s", type(exc).__name__)

    def _decode(self, frame: Any, now: float) -> None:
        for d in decode_frame(frame, self.engine, formats=self.formats, check=self.check,
                              repair=self.repair):
            if self._debounce.accept(d, now):
                event = ScanEvent.now(d.data, d.text, self.name)
                try:
                    self.on_scan(event)
                except Exception as exc:
                    logger.error("scan handler raised %s", type(exc).__name__)
        if self.frames % 50 == 0:
            self._debounce.forget_old(now)
