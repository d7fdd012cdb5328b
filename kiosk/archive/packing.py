"""What the two forms of archive file share: plain bytes cut into pieces, each packed as a
complete stream of its own (gzstreams.py, xzstreams.py), packed and unpacked on several
threads at once (zlib and liblzma run without Python's lock), each piece straight to its
place in the copy.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

#: Plain bytes per stream: a year of real days is six or seven streams, enough to keep the
#: cores busy, few enough that restarting the compressor's dictionary costs little.
STREAM_BYTES = 16 << 20
#: Plain bytes handed on at a time while unpacking.
PIECE = 1 << 20

T = TypeVar("T")
R = TypeVar("R")

#: Receives the plain bytes of the file from `offset` on, a piece at a time.
Sink = Callable[[int, Iterator[bytes]], None]


def pieces_of(src, size: int) -> Iterator[bytes]:
    """`src` read `size` bytes at a time."""
    while piece := src.read(size):
        yield piece


class _Job(threading.Thread, Generic[T, R]):
    def __init__(self, work: Callable[[T], R], item: T):
        super().__init__(name="archive-stream", daemon=True)
        self.work, self.item = work, item
        self.result: R | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.work(self.item)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller in outcome()
            self.error = exc
        finally:
            del self.item

    def outcome(self) -> R:
        self.join()
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]


def in_order(work: Callable[[T], R], items: Iterable[T], threads: int) -> Iterator[R]:
    """work(item) for each item, results in order, at most `threads` at work at once (so at
    most that many pieces in memory however long the file). Daemon threads, not a
    concurrent.futures pool: Python waits for a pool's threads at exit, and a station quitting
    while its archiving thread packs is not to be held up. Threads inherit the priority of
    the thread that starts them (Linux: the archiving thread's nice value)."""
    if threads <= 1:
        yield from map(work, items)
        return
    running: deque[_Job[T, R]] = deque()
    for item in items:
        if len(running) >= threads:
            yield running.popleft().outcome()
        job: _Job[T, R] = _Job(work, item)
        job.start()
        running.append(job)
    while running:
        yield running.popleft().outcome()


def unpack_spans(spans: list[tuple[int, int, int]] | None, sink: Sink, threads: int, *,
                 whole: Callable[[], Iterator[bytes]],
                 span: Callable[[int, int], Iterator[bytes]],
                 error: type[Exception]) -> int:
    """Unpack a file into `sink`; returns the plain size. `spans`: (start, stop, plain size) of
    its independent streams, unpacked `threads` at a time by `span(start, stop)`, each to its
    place (one that does not give the size its file says raises `error`); None: `whole()`
    unpacks the file in one go, from the start."""
    if spans is None:
        size = 0

        def counted() -> Iterator[bytes]:
            nonlocal size
            for piece in whole():
                size += len(piece)
                yield piece

        sink(0, counted())
        return size
    offsets = [0]
    for _, _, size in spans:
        offsets.append(offsets[-1] + size)

    def one(i: int) -> None:
        start, stop, size = spans[i]
        got = 0

        def pieces() -> Iterator[bytes]:
            nonlocal got
            for piece in span(start, stop):
                got += len(piece)
                yield piece

        sink(offsets[i], pieces())
        if got != size:
            raise error("a stream does not hold the bytes its file says")

    for _ in in_order(one, range(len(spans)), threads):
        pass
    return offsets[-1]


def threads_for(user_waits: bool) -> int:
    """Threads for a file: up to 2 cores where someone waits for it (a report, the command
    line), one for the station's own background work (its archiving run, which had the
    station's one spare core to itself before; a thread's priority cannot be lowered on
    Windows)."""
    if not user_waits:
        return 1
    return max(1, min(os.cpu_count() or 1, 2))


def archiving_threads() -> int:
    """Threads for packing in an archiving or retention run on the calling thread: two on the
    command line's main thread (`kiosk archive`, `kiosk dossier purge`), one on the station's
    archiving thread."""
    return threads_for(threading.current_thread() is threading.main_thread())
