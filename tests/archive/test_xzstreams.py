"""The archive files written before gzip: xz streams unpacked side by side, the same bytes
back, old one-stream files still read, damage still caught (the tests make such files with
xzstreams.pack, as the station once did)."""

from __future__ import annotations

import io
import lzma
from pathlib import Path

import pytest

from kiosk.archive import files, xzstreams
from tests.archive.test_gzstreams import _plain, _year_db
from tests.archive.test_gzstreams import _unpacked as unpacked_by


def _unpacked(packed: bytes, threads: int) -> bytes:
    return unpacked_by(packed, threads, xzstreams.unpack)


@pytest.mark.parametrize("threads", [1, 3])
def test_a_file_of_several_streams_unpacks_to_the_same_bytes(small_streams, threads):
    plain = _plain(small_streams * 5 + 1234)
    packed = b"".join(xzstreams.pack(io.BytesIO(plain), threads))

    spans = xzstreams.streams(packed)
    assert len(spans) == 6
    assert [size for _, _, size in spans] == [small_streams] * 5 + [1234]
    assert spans[0][0] == 0 and spans[-1][1] == len(packed)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert _unpacked(packed, threads) == plain
    # Any xz reader takes the concatenated streams as one file.
    assert lzma.decompress(packed) == plain


def test_packing_is_the_same_on_one_core_and_on_several(small_streams):
    plain = _plain(small_streams * 3)
    one = b"".join(xzstreams.pack(io.BytesIO(plain), 1))
    several = b"".join(xzstreams.pack(io.BytesIO(plain), 4))
    assert one == several  # the file's checksum in the manifest does not depend on the PC


def test_an_old_file_of_one_stream_still_unpacks(tmp_path):
    plain = _plain(300_000)
    old = tmp_path / "kiosk-archive-2024.db.xz"
    old.write_bytes(lzma.compress(plain, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64))
    files.decompress(old, tmp_path / "plain")
    assert (tmp_path / "plain").read_bytes() == plain


def test_stream_padding_between_streams_is_read(small_streams):
    plain = _plain(small_streams * 2)
    a = lzma.compress(plain[:small_streams])
    b = lzma.compress(plain[small_streams:])
    padded = a + b"\x00" * 8 + b + b"\x00" * 4
    assert len(xzstreams.streams(padded)) == 2
    assert _unpacked(padded, 2) == plain


def test_a_damaged_stream_in_the_middle_is_caught_and_leaves_no_copy(small_streams, tmp_path):
    plain = _plain(small_streams * 4)
    packed = bytearray(b"".join(xzstreams.pack(io.BytesIO(plain), 2)))
    start, stop, _ = xzstreams.streams(bytes(packed))[2]
    packed[(start + stop) // 2] ^= 0x40  # inside the third stream's compressed block
    src = tmp_path / "kiosk-archive-2025.db.xz"
    src.write_bytes(bytes(packed))
    dst = tmp_path / "copy.db"
    with pytest.raises(files.ArchiveError, match="damaged"):
        files.decompress(src, dst)
    assert not dst.exists()


@pytest.mark.parametrize("cut", [1, 13, 5000])
def test_a_file_cut_short_is_caught(small_streams, tmp_path, cut):
    plain = _plain(small_streams * 3)
    packed = b"".join(xzstreams.pack(io.BytesIO(plain), 2))
    src = tmp_path / "kiosk-archive-2025.db.xz"
    src.write_bytes(packed[:-cut])
    with pytest.raises(files.ArchiveError):
        files.decompress(src, tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()


def test_junk_between_streams_is_caught(small_streams, tmp_path):
    plain = _plain(small_streams * 2)
    packed = b"".join(xzstreams.pack(io.BytesIO(plain), 1))
    second = xzstreams.streams(packed)[1][0]
    src = tmp_path / "kiosk-archive-2025.db.xz"
    src.write_bytes(packed[:second] + b"junk" + packed[second:])
    with pytest.raises(ValueError):
        xzstreams.streams(src.read_bytes())
    with pytest.raises(files.ArchiveError):
        files.decompress(src, tmp_path / "copy.db")


def _xz_file(db: Path, packed: Path) -> str:
    with open(db, "rb") as src:
        packed.write_bytes(b"".join(xzstreams.pack(src, 2)))
    return files.sha256_file(packed)


def test_a_station_database_packed_as_xz_decompresses(small_streams, tmp_path):
    db = tmp_path / "year.db"
    _year_db(db, 3000)
    packed = tmp_path / "kiosk-archive-2026.db.xz"
    _xz_file(db, packed)
    assert len(xzstreams.streams(packed.read_bytes())) > 3
    files.decompress(packed, tmp_path / "back.db")
    assert (tmp_path / "back.db").read_bytes() == db.read_bytes()


def test_nothing_packs_to_a_valid_empty_xz_file():
    packed = b"".join(xzstreams.pack(io.BytesIO(b""), 2))
    assert packed and lzma.decompress(packed) == b""
    assert _unpacked(packed, 2) == b""


def test_leading_padding_is_refused_as_xz_refuses_it(small_streams):
    packed = b"".join(xzstreams.pack(io.BytesIO(_plain(small_streams * 2)), 1))
    with pytest.raises(ValueError):
        xzstreams.streams(b"\x00" * 4 + packed)
    with pytest.raises(lzma.LZMAError):
        _unpacked(b"\x00" * 4 + packed, 2)


def test_a_year_cut_exactly_between_two_streams_is_caught(small_streams, tmp_path):
    db = tmp_path / "year.db"
    _year_db(db, 3000)
    packed = tmp_path / "kiosk-archive-2026.db.xz"
    digest = _xz_file(db, packed)
    data = packed.read_bytes()
    spans = xzstreams.streams(data)
    packed.write_bytes(data[:spans[-1][0]])  # valid xz: every stream but the last
    kept = sum(size for _, _, size in spans[:-1])
    assert lzma.decompress(packed.read_bytes()) == db.read_bytes()[:kept]
    with pytest.raises(files.ArchiveError, match="cut short"):
        files.decompress(packed, tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()
    with pytest.raises(files.ArchiveError, match="does not match its manifest"):
        files.decompress(packed, tmp_path / "copy.db", sha256=digest)
    assert not (tmp_path / "copy.db").exists()
