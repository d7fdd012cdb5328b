"""gzip files made of independent members, each saying its own length, so that the cores
unpack them side by side.

An archive year is one SQLite file of about 120 MB for a busy office. gzip unpacks it in
0.4 s on one core where xz took 1.8 s (0.9 s on two: docs/benchmarks.md), for about 40 %
more bytes (38 MB a year against 27 MB): a report over a year reaching two or three archive
files waited seconds for xz alone. The plain bytes are cut into pieces of
`packing.STREAM_BYTES`, each packed as a complete gzip member (RFC 1952), the members written
one after the other: `gzip -d`, 7-Zip and Python's gzip module read such a file as one. Each
member's header carries an extra field (subfield "KA", as BGZF's "BC" does for its blocks)
holding the member's length in bytes, so that a reading finds every member without
unpacking the ones before and unpacks them on two threads (zlib runs without Python's lock),
each straight to its place in the copy. A file without those fields (packed again by
another tool) is read member after member on one thread.

The bytes are the same whatever the number of threads (no time stamp, no name in the header).
Packing is zlib's; unpacking is ISA-L's inflate (the `isal` package, Intel's storage
library) where it loads: the same format and checks (header, CRC-32, length) in about half
zlib's time, which is most of what a report over an archived year waits for before it reads
(docs/benchmarks.md); zlib where it does not.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from kiosk.archive import packing
from kiosk.archive.packing import Sink

try:
    from isal import isal_zlib as _inflating
except ImportError:  # pragma: no cover - a platform without the isal wheel
    _inflating = zlib  # type: ignore[assignment]

LEVEL = 6
MAGIC = b"\x1f\x8b\x08"
_FEXTRA = 0x04
_SUBFIELD = b"KA"
#: magic, flags, mtime 0, extra flags, OS unknown (255), XLEN 8, subfield KA of 4 bytes.
_HEADER = struct.Struct("<3sBIBBH2sHI")
_HEADER_BYTES = _HEADER.size  # 20
#: Packed bytes handed to the inflater at a time (it copies what it leaves unconsumed at each
#: call).
_INPUT = 1 << 20
_TRAILER_BYTES = 8


def pack(src: BinaryIO, threads: int = 1) -> Iterator[bytes]:
    """The gzip bytes of everything `src` holds, member after member."""
    empty = True
    for out in packing.in_order(_member, packing.pieces_of(src, packing.STREAM_BYTES),
                                threads):
        empty = False
        yield out
    if empty:
        yield _member(b"")  # a valid gzip file of nothing, not an empty file


def _member(piece: bytes) -> bytes:
    packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = packer.compress(piece) + packer.flush()
    length = _HEADER_BYTES + len(body) + _TRAILER_BYTES
    header = _HEADER.pack(MAGIC, _FEXTRA, 0, 0, 255, 8, _SUBFIELD, 4, length)
    trailer = struct.pack("<II", zlib.crc32(piece), len(piece) & 0xFFFFFFFF)
    return header + body + trailer


def unpack(data: bytes, sink: Sink, threads: int = 1) -> int:
    """Unpack the gzip file `data` into `sink`, member by member (several at once with
    `threads` when the members say their lengths); returns the plain size. Raises zlib.error
    or EOFError when it is damaged or cut short (a cut exactly between two members is a valid
    gzip file: the caller checks what it got, kiosk/archive/files.py)."""
    try:
        spans: list[tuple[int, int, int]] | None = members(data)
    except ValueError:
        spans = None  # members that do not say their lengths (or a damaged file): unpacked
        # member after member, which says what is wrong with it
    view = memoryview(data)

    def span(start: int, stop: int) -> Iterator[bytes]:
        for piece, end in _member_pieces(view[start:stop]):
            if end not in (-1, stop - start):
                raise zlib.error("a gzip member does not end where its header says")
            yield piece

    return packing.unpack_spans(spans, sink, threads, whole=lambda: _strict(view), span=span,
                                error=zlib.error)


def members(data: bytes) -> list[tuple[int, int, int]]:
    """(start, stop, plain size) of each member of `data`, first to last, from the lengths
    their headers give and the sizes their trailers give; ValueError when a member does not
    say its length. Nothing is checked that unpacking does not check again."""
    out = []
    pos, end = 0, len(data)
    while pos < end:
        if end - pos < _HEADER_BYTES + _TRAILER_BYTES:
            raise ValueError("too short for a gzip member")
        magic, flags, _, _, _, xlen, sub, sublen, length = _HEADER.unpack_from(data, pos)
        if (magic != MAGIC or flags != _FEXTRA or xlen != 8 or sub != _SUBFIELD
                or sublen != 4 or length < _HEADER_BYTES + _TRAILER_BYTES
                or pos + length > end):
            raise ValueError("a gzip member that does not say its length")
        plain = struct.unpack_from("<I", data, pos + length - 4)[0]
        out.append((pos, pos + length, plain))
        pos += length
    if not out:
        raise ValueError("no gzip member")
    return out


def _member_pieces(data: memoryview) -> Iterator[tuple[bytes, int]]:
    """The first gzip member of `data` unpacked a piece at a time (zlib checks its header, its
    CRC-32 and its length), each with -1, the last with where the member ends in `data`."""
    unpacker = _inflating.decompressobj(16 + zlib.MAX_WBITS)
    pos = 0
    while True:
        chunk = unpacker.unconsumed_tail
        if not chunk and pos < len(data):
            chunk = data[pos:pos + _INPUT]
            pos += len(chunk)
        try:
            piece = unpacker.decompress(chunk, packing.PIECE)
        except _inflating.error as exc:  # ISA-L's own error class: one kind for the callers
            raise zlib.error(str(exc)) from exc
        if unpacker.eof:
            # What followed the member in the last input given (the tail of the input before
            # it, or a new slice: either ends at `pos`); zlib may leave it in unconsumed_tail
            # as well, which is not counted twice.
            yield piece, pos - len(unpacker.unused_data)
            return
        if not piece and not chunk:
            raise EOFError("the gzip file ends before its member does")
        yield piece, -1


def _strict(data: memoryview) -> Iterator[bytes]:
    """Every member of `data` unpacked in turn; anything after a member that is not another
    member is an error (Python's gzip module drops trailing zeros; a year is never followed
    by anything)."""
    while True:
        ended = -1
        for piece, end in _member_pieces(data):
            yield piece
            ended = end
        data = data[ended:]
        if not data:
            return
        if bytes(data[:2]) != MAGIC[:2]:  # ISA-L would wait for more of a header, zlib not
            raise zlib.error("something that is not a gzip member follows a member")
