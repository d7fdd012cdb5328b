"""xz files made of independent streams, so that the cores pack and unpack them side by side.

An archive year is one SQLite file of about 100 MiB for a busy office's real days; one core
unpacks xz at about 100 MB/s, so a report reaching an archived month used to wait more than a
second for xz alone, and the monthly run packed the whole year again on one core. Here the
plain bytes are cut into pieces of `STREAM_BYTES`, each packed as a complete xz stream, and the
streams are written one after the other: the xz format allows concatenated streams, so the
file is an ordinary .xz for every reader (`xz -d`, Python's lzma). Reading finds the streams
from the file's end (each stream's footer gives its index, the index its blocks' sizes) and
unpacks them on a pool of threads (liblzma runs without Python's lock). A file of one stream,
as every file written before, is read as it always was.

Each stream starts xz's dictionary afresh: about 2 % more bytes than one stream (measured on
the benchmark's archive files).
"""

from __future__ import annotations

import lzma
import os
import struct
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import BinaryIO

#: Plain bytes per stream: a year of real days is six or seven streams, enough to keep the
#: cores busy, few enough that restarting the dictionary costs little.
STREAM_BYTES = 16 << 20
PRESET = 6

_HEADER_MAGIC = b"\xfd7zXZ\x00"
_FOOTER_MAGIC = b"YZ"


def _pack(piece: bytes) -> bytes:
    return lzma.compress(piece, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64, preset=PRESET)


def _in_order(work: Callable[[bytes], bytes], pieces: Iterable[bytes],
              threads: int) -> Iterator[bytes]:
    """work(piece) for each piece, in order, at most `threads` running and one waiting
    (memory stays a few pieces however long the file)."""
    if threads <= 1:
        yield from map(work, pieces)
        return
    with ThreadPoolExecutor(threads, thread_name_prefix="xz") as pool:
        running: deque[Future[bytes]] = deque()
        try:
            for piece in pieces:
                running.append(pool.submit(work, piece))
                if len(running) > threads:
                    yield running.popleft().result()
            while running:
                yield running.popleft().result()
        finally:
            for future in running:
                future.cancel()


def pack(src: BinaryIO, threads: int | None = None) -> Iterator[bytes]:
    """The xz bytes of everything `src` holds, stream after stream."""
    def pieces() -> Iterator[bytes]:
        while piece := src.read(STREAM_BYTES):
            yield piece

    yield from _in_order(_pack, pieces(), threads or cores())


def unpack(data: bytes, threads: int | None = None) -> Iterator[bytes]:
    """The plain bytes of the xz file `data`, in order, a piece at a time; raises
    lzma.LZMAError or EOFError when it is damaged or cut short."""
    try:
        spans = streams(data)
    except ValueError:
        spans = None
    if spans is None or len(spans) == 1:
        # One stream, or a file whose ends do not parse: unpacked in one go, which says what
        # is wrong with it.
        yield from _strict(data)
        return

    def one(span: tuple[int, int, int]) -> list[bytes]:
        start, stop, size = span
        pieces, rest = _stream(data[start:stop])
        if rest or sum(map(len, pieces)) != size:
            raise lzma.LZMAError("an xz stream does not hold what its index says")
        return pieces

    for pieces in _in_order(one, spans, threads or cores()):
        yield from pieces


#: Plain bytes handed on at a time: one big buffer per stream costs more in memory traffic.
_PIECE = 1 << 20


def _stream(data: bytes) -> tuple[list[bytes], bytes]:
    """The first xz stream of `data` unpacked, and what follows it."""
    decompressor = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
    pieces = [decompressor.decompress(data, max_length=_PIECE)]
    while not decompressor.eof:
        if decompressor.needs_input:
            raise EOFError("the xz file ends before its stream does")
        pieces.append(decompressor.decompress(b"", max_length=_PIECE))
    return pieces, decompressor.unused_data


def _strict(data: bytes) -> Iterator[bytes]:
    """Every stream of `data` unpacked in turn. Unlike lzma.decompress, which drops whatever
    follows a good stream when it does not parse (a damaged second stream would go unseen and
    the year come back cut short), anything but stream padding after a stream is an error."""
    while True:
        pieces, data = _stream(data)
        yield from pieces
        padding = len(data) - len(data.lstrip(b"\x00"))
        if padding % 4:
            raise lzma.LZMAError("bytes after an xz stream that are not stream padding")
        data = data[padding:]
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
            break
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


def cores() -> int:
    """Threads for a file: the cores, at most 4 (xz's packer takes about 94 MiB each at
    preset 6; a year is only six or seven streams anyway)."""
    return max(1, min(os.cpu_count() or 1, 4))


def pack_threads() -> int:
    """Threads for packing on the calling thread: every core, unless the caller is a
    background thread running at normal priority (the station's archiving where a thread's
    priority cannot be lowered: kiosk/archive/schedule.py lowest_priority), which packs on one
    core as it always did, so that the screens keep the others. Threads started by a thread
    whose priority was lowered (Linux) inherit its priority."""
    if threading.current_thread() is threading.main_thread() or _lowered():
        return cores()
    return 1


def _lowered() -> bool:
    try:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) > 0
    except (AttributeError, OSError):
        return False
