"""Archive files as xz streams packed and unpacked side by side: the same bytes back, an
ordinary .xz for any reader, old one-stream files still read, damage still caught."""

from __future__ import annotations

import io
import lzma
import os
import random
import sqlite3
import threading

import pytest

from kiosk.archive import files, xzstreams


@pytest.fixture
def small_streams(monkeypatch) -> int:
    size = 64 << 10
    monkeypatch.setattr(xzstreams, "STREAM_BYTES", size)
    return size


def _plain(size: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    words = [rng.randbytes(rng.randint(3, 40)) for _ in range(300)]
    out = bytearray()
    while len(out) < size:
        out += rng.choice(words)
    return bytes(out[:size])


@pytest.mark.parametrize("threads", [1, 3])
def test_a_file_of_several_streams_unpacks_to_the_same_bytes(small_streams, threads):
    plain = _plain(small_streams * 5 + 1234)
    packed = b"".join(xzstreams.pack(io.BytesIO(plain), threads))

    spans = xzstreams.streams(packed)
    assert len(spans) == 6
    assert [size for _, _, size in spans] == [small_streams] * 5 + [1234]
    assert spans[0][0] == 0 and spans[-1][1] == len(packed)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert b"".join(xzstreams.unpack(packed, threads)) == plain
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
    assert b"".join(xzstreams.unpack(padded, 2)) == plain


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


def test_a_station_database_goes_through_compress_and_decompress(small_streams, tmp_path):
    db = tmp_path / "year.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT)")
    rng = random.Random(7)
    conn.executemany("INSERT INTO t (note) VALUES (?)",
                     [(rng.randbytes(rng.randint(10, 200)).hex(),) for _ in range(3000)])
    conn.commit()
    conn.close()
    packed = tmp_path / "kiosk-archive-2026.db.xz"
    digest = files.compress(db, packed)
    assert digest == files.sha256_file(packed)
    assert len(xzstreams.streams(packed.read_bytes())) > 3
    if os.name == "posix":
        assert packed.stat().st_mode & 0o077 == 0  # owner-only, as every archive file
    files.decompress(packed, tmp_path / "back.db")
    assert (tmp_path / "back.db").read_bytes() == db.read_bytes()


def test_packing_on_a_background_thread_at_normal_priority_keeps_to_one_core():
    seen = {}

    def background() -> None:
        seen["threads"] = xzstreams.pack_threads()

    worker = threading.Thread(target=background)
    worker.start()
    worker.join()
    assert xzstreams.pack_threads() == xzstreams.cores()  # the CLI: every core
    assert seen["threads"] == 1


def test_packing_on_a_lowered_archiving_thread_uses_every_core():
    from kiosk.archive.schedule import lowest_priority

    seen = {}

    def archiving() -> None:
        seen["nice"] = lowest_priority()
        seen["threads"] = xzstreams.pack_threads()

    worker = threading.Thread(target=archiving)
    worker.start()
    worker.join()
    assert seen["nice"] == 19
    assert seen["threads"] == xzstreams.cores()


def test_the_pack_threads_inherit_the_lowered_priority(small_streams):
    from kiosk.archive.schedule import lowest_priority

    nices = set()

    def packing(piece: bytes) -> bytes:
        nices.add(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return piece

    def archiving() -> None:
        lowest_priority()
        list(xzstreams._in_order(packing, [b"a"] * 8, 3))

    worker = threading.Thread(target=archiving)
    worker.start()
    worker.join()
    assert nices == {19}


@pytest.mark.parametrize("tail", [b"junk", b"\x00\x00\x00\x00junk", b"\x00\x00"])
def test_anything_but_padding_after_an_old_file_is_caught(tmp_path, tail):
    # Python's lzma.decompress drops what follows a good stream when it does not parse.
    plain = _plain(200_000)
    src = tmp_path / "kiosk-archive-2024.db.xz"
    src.write_bytes(lzma.compress(plain) + tail)
    with pytest.raises(files.ArchiveError):
        files.decompress(src, tmp_path / "copy.db")
