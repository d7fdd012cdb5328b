"""The archive files written before gzip (kiosk/archive/gzstreams.py): xz, read as they are
until their year is rewritten, which writes it again as gzip.

The first of them were one xz stream; the later ones independent streams of
`packing.STREAM_BYTES` of plain bytes each, one after the other: the xz format allows
concatenated streams (`xz -d`, 7-Zip and Python's lzma.open / lzma.decompress read them as one
file; a decoder used stream by stream, like Python's own LZMADecompressor, stops after the
first). Reading finds the streams from the file's end (each stream's footer gives its index,
the index its blocks' sizes) and unpacks them on several threads (liblzma runs without
Python's lock), each straight to its place in the copy. A file of one stream is read a piece
at a time on one thread. xz packed a real-like year to 27 MB (gzip 38 MB) but unpacked it in
1.8 s on one core (gzip 0.4 s): docs/benchmarks.md. `pack` stays for the tests, which make
such files.
"""

from __future__ import annotations

import lzma
import struct
from collections.abc import Iterator
from typing import BinaryIO

from kiosk.archive import packing
from kiosk.archive.packing import Sink

PRESET = 6
MAGIC = b"\xfd7zXZ\x00"
_FOOTER_MAGIC = b"YZ"


def pack(src: BinaryIO, threads: int = 1) -> Iterator[bytes]:
    """The xz bytes of everything `src` holds, stream after stream (the same bytes whatever
    `threads` is)."""
    empty = True
    for out in packing.in_order(_pack, packing.pieces_of(src, packing.STREAM_BYTES), threads):
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
        spans: list[tuple[int, int, int]] | None = streams(data)
    except ValueError:
        spans = None
    if spans is not None and (len(spans) == 1 or threads <= 1):
        spans = None  # one stream, or one thread: unpacked in one go, as it always was
    # (a file whose ends do not parse too, which says what is wrong with it)

    def span(start: int, stop: int) -> Iterator[bytes]:
        for piece, rest in _stream(data[start:stop]):
            if rest:
                raise lzma.LZMAError("an xz stream does not end where its index says")
            yield piece

    return packing.unpack_spans(spans, sink, threads, whole=lambda: _strict(data), span=span,
                                error=lzma.LZMAError)


def _stream(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """The first xz stream of `data` unpacked a piece at a time, each with what follows the
    stream once it has ended (b"" before)."""
    decompressor = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
    piece = decompressor.decompress(data, max_length=packing.PIECE)
    while not decompressor.eof:
        yield piece, b""
        if decompressor.needs_input:
            raise EOFError("the xz file ends before its stream does")
        piece = decompressor.decompress(b"", max_length=packing.PIECE)
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
        if start < 0 or data[start:start + 6] != MAGIC:
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
