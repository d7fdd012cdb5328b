"""xz files made of independent streams, so that the cores pack and unpack them side by side.

An archive year is one SQLite file of about 120 MB for a busy office; one core unpacks it
from xz in about 1.8 s (docs/benchmarks.md, the years on days that pack like real ones), so a
report reaching an archived month waited that long for xz alone; two cores take 0.9 s.
Here the plain bytes are cut into pieces of `STREAM_BYTES`, each packed as a
complete xz stream, and the streams are written one after the other: the xz format allows
concatenated streams (`xz -d`, 7-Zip and Python's lzma.open / lzma.decompress read them as one
file; a decoder used stream by stream, like Python's own LZMADecompressor, stops after the
first). Reading finds the streams from the file's end (each stream's footer gives its index,
the index its blocks' sizes) and unpacks them on several threads (liblzma runs without
Python's lock), each straight to its place in the copy. A file of one stream, as every file
written before, is read as it always was, a piece at a time.

Each stream starts xz's dictionary afresh: nothing measurable on real-like days (a day's
records do not point back to the days before), 2 % more bytes on copies of one day.
The threads are daemon threads: a station quitting while its
archiving thread packs is not held up by them.
"""

from __future__ import annotations

import lzma
import os
import struct
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO, Generic, TypeVar

#: Plain bytes per stream: a year of real days is six or seven streams, enough to keep the
#: cores busy, few enough that restarting the dictionary costs little.
STREAM_BYTES = 16 << 20
PRESET = 6
#: Plain bytes handed on at a time while unpacking.
PIECE = 1 << 20

_HEADER_MAGIC = b"\xfd7zXZ\x00"
_FOOTER_MAGIC = b"YZ"

T = TypeVar("T")
R = TypeVar("R")

#: Receives the plain bytes of the file from `offset` on, a piece at a time.
Sink = Callable[[int, Iterator[bytes]], None]


def pack(src: BinaryIO, threads: int = 1) -> Iterator[bytes]:
    """The xz bytes of everything `src` holds, stream after stream (the same bytes whatever
    `threads` is)."""
    def pieces() -> Iterator[bytes]:
        while piece := src.read(STREAM_BYTES):
            yield piece

    empty = True
    for out in _in_order(_pack, pieces(), threads):
        empty = False
        yield out
    if empty:
        yield _pack(b"")  # a valid xz file of nothing, not an empty file


def _pack(piece: bytes) -> bytes:
    return lzma.compress(piece, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64, preset=PRESET)


def unpack(data: bytes, sink: Sink, threads: int = 1) -> int:
    """Unpack the xz file `data` into `sink`, stream by stream (several at once with
    `threads`); returns the plain size. Raises lzma.LZMAError or EOFError when it is damaged
    or cut short (a cut exactly between two streams is a valid xz file: the caller checks
    what it got, kiosk/archive/files.py)."""
    try:
        spans = streams(data)
    except ValueError:
        spans = None
    if spans is None or len(spans) == 1 or threads <= 1:
        # One stream, one thread, or a file whose ends do not parse: unpacked in one go,
        # which says what is wrong with it.
        size = 0

        def counted() -> Iterator[bytes]:
            nonlocal size
            for piece in _strict(data):
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
            for piece, rest in _stream(data[start:stop]):
                if rest:
                    raise lzma.LZMAError("an xz stream does not end where its index says")
                got += len(piece)
                yield piece

        sink(offsets[i], pieces())
        if got != size:
            raise lzma.LZMAError("an xz stream does not hold what its index says")

    for _ in _in_order(one, range(len(spans)), threads):
        pass
    return offsets[-1]


def _stream(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """The first xz stream of `data` unpacked a piece at a time, each with what follows the
    stream once it has ended (b"" before)."""
    decompressor = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
    piece = decompressor.decompress(data, max_length=PIECE)
    while not decompressor.eof:
        yield piece, b""
        if decompressor.needs_input:
            raise EOFError("the xz file ends before its stream does")
        piece = decompressor.decompress(b"", max_length=PIECE)
    yield piece, decompressor.unused_data


def _strict(data: bytes) -> Iterator[bytes]:
    """Every stream of `data` unpacked in turn. Unlike lzma.decompress, which drops whatever
    follows a good stream when it does not parse (a damaged second stream would go unseen and
    the year come back cut short), anything but stream padding after a stream is an error."""
    while True:
        rest = b""
        for piece, after in _stream(data):
            yield piece
            rest = after
        padding = len(rest) - len(rest.lstrip(b"\x00"))
        if padding % 4:
            raise lzma.LZMAError("bytes after an xz stream that are not stream padding")
        data = rest[padding:]
        if not data:
            return


def streams(data: bytes) -> list[tuple[int, int, int]]:
    """(start, stop, plain size) of each xz stream of `data`, first to last, read from the
    streams' footers and indexes (the xz file format, sections 2.1.2 and 4); ValueError when
    they do not parse. Nothing is checked that unpacking does not check again."""
    out = []
    end = len(data)
    while end > 0:
        while end >= 4 and data[end - 4:end] == b"\x00\x00\x00\x00":
            end -= 4  # stream padding
        if end == 0:
            raise ValueError("stream padding before the first xz stream")
        if end < 24 or data[end - 2:end] != _FOOTER_MAGIC:
            raise ValueError("no xz stream footer")
        backward = (struct.unpack_from("<I", data, end - 8)[0] + 1) * 4
        index_start = end - 12 - backward
        if index_start < 12 or data[index_start] != 0:
            raise ValueError("no xz index")
        blocks, plain = _index(data[index_start:end - 12])
        start = index_start - blocks - 12
        if start < 0 or data[start:start + 6] != _HEADER_MAGIC:
            raise ValueError("no xz stream header")
        out.append((start, end, plain))
        end = start
    if not out:
        raise ValueError("no xz stream")
    out.reverse()
    return out


def _index(index: bytes) -> tuple[int, int]:
    """(bytes of the stream's blocks, plain bytes) from a stream's index."""
    pos = 1
    count, pos = _varint(index, pos)
    blocks = plain = 0
    for _ in range(count):
        unpadded, pos = _varint(index, pos)
        size, pos = _varint(index, pos)
        blocks += (unpadded + 3) & ~3
        plain += size
    return blocks, plain


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        if pos >= len(data):
            raise ValueError("xz index cut short")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            return value, pos
    raise ValueError("xz index number too long")


class _Job(threading.Thread, Generic[T, R]):
    def __init__(self, work: Callable[[T], R], item: T):
        super().__init__(name="xz", daemon=True)
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


def _in_order(work: Callable[[T], R], items: Iterable[T], threads: int) -> Iterator[R]:
    """work(item) for each item, results in order, at most `threads` at work at once (so at
    most that many pieces in memory however long the file). Daemon threads, not a
    concurrent.futures pool: Python waits for a pool's threads at exit. Threads inherit the
    priority of the thread that starts them (Linux: the archiving thread's nice value)."""
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


def threads_for(user_waits: bool) -> int:
    """Threads for a file: up to 2 cores where someone waits for it (a report, the command
    line), one for the station's own background work (its archiving run, which had the
    station's one spare core to itself before: packing takes about 94 MiB per thread, and a
    thread's priority cannot be lowered on Windows)."""
    if not user_waits:
        return 1
    return max(1, min(os.cpu_count() or 1, 2))


def archiving_threads() -> int:
    """Threads for xz in an archiving or retention run on the calling thread: two on the
    command line's main thread (`kiosk archive`, `kiosk dossier purge`), one on the station's
    archiving thread."""
    return threads_for(threading.current_thread() is threading.main_thread())
