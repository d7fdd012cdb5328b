"""Archive files as gzip members packed and unpacked side by side: the same bytes back, an
ordinary .gz for any reader, damage caught, the cores used only where someone waits."""

from __future__ import annotations

import gzip
import io
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import zlib
from pathlib import Path

import pytest

from kiosk.archive import files, gzstreams, packing


@pytest.fixture(autouse=True, params=["isal", "zlib"])
def inflating(request, monkeypatch):
    """Every reading through ISA-L's inflate (what a station uses) and through zlib's (where
    the isal wheel does not load): the same bytes, the same damage caught."""
    if request.param == "zlib":
        monkeypatch.setattr(gzstreams, "_inflating", zlib)
    return request.param


def _unpacked(packed: bytes, threads: int, unpack=gzstreams.unpack) -> bytes:
    """What `unpack` gives for the file `packed`, its sink written to from `threads`."""
    out = bytearray()
    lock = threading.Lock()

    def sink(offset, pieces):
        for piece in pieces:
            end = offset + len(piece)
            with lock:
                if len(out) < end:
                    out.extend(bytes(end - len(out)))
                out[offset:end] = piece
            offset = end

    size = unpack(packed, sink, threads)
    assert size == len(out)
    return bytes(out)


def _plain(size: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    words = [rng.randbytes(rng.randint(3, 40)) for _ in range(300)]
    out = bytearray()
    while len(out) < size:
        out += rng.choice(words)
    return bytes(out[:size])


def _year_db(path: Path, rows: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT)")
    rng = random.Random(7)
    conn.executemany("INSERT INTO t (note) VALUES (?)",
                     [(rng.randbytes(rng.randint(10, 200)).hex(),) for _ in range(rows)])
    conn.commit()
    conn.close()


@pytest.mark.parametrize("threads", [1, 3])
def test_a_file_of_several_members_unpacks_to_the_same_bytes(small_streams, threads):
    plain = _plain(small_streams * 5 + 1234)
    packed = b"".join(gzstreams.pack(io.BytesIO(plain), threads))

    spans = gzstreams.members(packed)
    assert len(spans) == 6
    assert [size for _, _, size in spans] == [small_streams] * 5 + [1234]
    assert spans[0][0] == 0 and spans[-1][1] == len(packed)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert _unpacked(packed, threads) == plain
    # Any gzip reader takes the members as one file, the length field as an extra field.
    assert gzip.decompress(packed) == plain


@pytest.mark.skipif(shutil.which("gzip") is None, reason="no gzip command on this machine")
def test_the_gzip_command_reads_and_tests_the_file(small_streams, tmp_path):
    plain = _plain(small_streams * 3 + 7)
    packed = tmp_path / "kiosk-archive-2024.db.gz"
    packed.write_bytes(b"".join(gzstreams.pack(io.BytesIO(plain), 2)))
    assert subprocess.run(["gzip", "-t", str(packed)]).returncode == 0
    out = subprocess.run(["gzip", "-dc", str(packed)], capture_output=True, check=True)
    assert out.stdout == plain


def test_packing_is_the_same_on_one_core_and_on_several(small_streams):
    plain = _plain(small_streams * 3)
    one = b"".join(gzstreams.pack(io.BytesIO(plain), 1))
    several = b"".join(gzstreams.pack(io.BytesIO(plain), 4))
    assert one == several  # the file's checksum in the manifest does not depend on the PC


@pytest.mark.parametrize("threads", [1, 2])
def test_a_file_packed_again_by_another_tool_still_unpacks(small_streams, threads):
    """A technician's `gzip` (no length fields; or members of its own, one after the other):
    read member after member on one thread."""
    plain = _plain(small_streams * 3)
    whole = gzip.compress(plain, mtime=0)
    with pytest.raises(ValueError):
        gzstreams.members(whole)
    assert _unpacked(whole, threads) == plain
    two = gzip.compress(plain[:1000], mtime=0) + gzip.compress(plain[1000:], mtime=0)
    assert _unpacked(two, threads) == plain


def test_a_damaged_member_in_the_middle_is_caught_and_leaves_no_copy(small_streams, tmp_path):
    plain = _plain(small_streams * 4)
    packed = bytearray(b"".join(gzstreams.pack(io.BytesIO(plain), 2)))
    start, stop, _ = gzstreams.members(bytes(packed))[2]
    packed[(start + stop) // 2] ^= 0x40  # inside the third member's deflate data
    src = tmp_path / "kiosk-archive-2025.db.gz"
    src.write_bytes(bytes(packed))
    dst = tmp_path / "copy.db"
    for threads in (1, 2):
        with pytest.raises(files.ArchiveError, match="damaged"):
            files.decompress(src, dst, threads=threads)
        assert not dst.exists()


def test_a_member_whose_length_field_lies_is_caught(small_streams, tmp_path):
    plain = _plain(small_streams * 3)
    packed = bytearray(b"".join(gzstreams.pack(io.BytesIO(plain), 2)))
    start, stop, _ = gzstreams.members(bytes(packed))[0]
    # The first member says it is 4 bytes shorter: the next "member" starts in its trailer.
    packed[start + 18:start + 22] = (stop - start - 4).to_bytes(4, "little")
    src = tmp_path / "kiosk-archive-2025.db.gz"
    src.write_bytes(bytes(packed))
    with pytest.raises(files.ArchiveError):
        files.decompress(src, tmp_path / "copy.db", threads=2)
    assert not (tmp_path / "copy.db").exists()


@pytest.mark.parametrize("cut", [1, 9, 5000])
def test_a_file_cut_short_is_caught(small_streams, tmp_path, cut):
    plain = _plain(small_streams * 3)
    packed = b"".join(gzstreams.pack(io.BytesIO(plain), 2))
    src = tmp_path / "kiosk-archive-2025.db.gz"
    src.write_bytes(packed[:-cut])
    for threads in (1, 2):
        with pytest.raises(files.ArchiveError):
            files.decompress(src, tmp_path / "copy.db", threads=threads)
        assert not (tmp_path / "copy.db").exists()


@pytest.mark.parametrize("junk", [b"junk", b"\x00" * 8])
def test_anything_between_or_after_members_is_caught(small_streams, tmp_path, junk):
    plain = _plain(small_streams * 2)
    packed = b"".join(gzstreams.pack(io.BytesIO(plain), 1))
    second = gzstreams.members(packed)[1][0]
    for bad in (packed[:second] + junk + packed[second:], packed + junk):
        src = tmp_path / "kiosk-archive-2025.db.gz"
        src.write_bytes(bad)
        with pytest.raises(files.ArchiveError, match="not a gzip member follows"):
            files.decompress(src, tmp_path / "copy.db", threads=2)


def test_a_station_database_goes_through_compress_and_decompress(small_streams, tmp_path):
    db = tmp_path / "year.db"
    _year_db(db, 3000)
    packed = tmp_path / "kiosk-archive-2026.db.gz"
    digest = files.compress(db, packed)
    assert digest == files.sha256_file(packed)
    assert len(gzstreams.members(packed.read_bytes())) > 3
    if os.name == "posix":
        assert packed.stat().st_mode & 0o077 == 0  # owner-only, as every archive file
    files.decompress(packed, tmp_path / "back.db")
    assert (tmp_path / "back.db").read_bytes() == db.read_bytes()


def test_a_year_cut_exactly_between_two_members_is_caught(small_streams, tmp_path):
    db = tmp_path / "year.db"
    _year_db(db, 3000)
    packed = tmp_path / "kiosk-archive-2026.db.gz"
    digest = files.compress(db, packed)
    data = packed.read_bytes()
    spans = gzstreams.members(data)
    packed.write_bytes(data[:spans[-1][0]])  # valid gzip: every member but the last
    kept = sum(size for _, _, size in spans[:-1])
    assert gzip.decompress(packed.read_bytes()) == db.read_bytes()[:kept]
    with pytest.raises(files.ArchiveError, match="cut short"):
        files.decompress(packed, tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()
    with pytest.raises(files.ArchiveError, match="does not match its manifest"):
        files.decompress(packed, tmp_path / "copy.db", sha256=digest)
    assert not (tmp_path / "copy.db").exists()


def test_nothing_packs_to_a_valid_empty_gzip_file():
    packed = b"".join(gzstreams.pack(io.BytesIO(b""), 2))
    assert packed and gzip.decompress(packed) == b""
    assert _unpacked(packed, 2) == b""
    with pytest.raises((zlib.error, EOFError)):
        _unpacked(b"", 2)  # an empty file is not a year


def test_a_missing_file_leaves_no_copy(tmp_path):
    with pytest.raises(FileNotFoundError):
        files.decompress(tmp_path / "kiosk-archive-2020.db.gz", tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()


def test_packing_on_the_archiving_thread_keeps_to_one_core():
    seen = {}

    def archiving() -> None:
        seen["threads"] = packing.archiving_threads()

    worker = threading.Thread(target=archiving)
    worker.start()
    worker.join()
    assert packing.archiving_threads() == min(os.cpu_count() or 1, 2)  # the command line
    assert seen["threads"] == 1


def test_a_station_quitting_while_a_year_is_packed_is_not_held_up(tmp_path):
    """The archiving thread is a daemon and so are the packing threads: the process ends when
    the station does, in the middle of packing. (A thread pool's threads would hold the exit
    until every piece handed to them is done: all twenty lines below would then be written.)"""
    done = tmp_path / "done"
    script = f"""
import threading, time
from kiosk.archive import packing
def piece(i):
    time.sleep(0.2)
    with open({str(done)!r}, "a") as f:
        f.write(f"{{i}}\\n")
    return i
def archiving():
    for _ in packing.in_order(piece, range(20), 2):
        pass
threading.Thread(target=archiving, daemon=True).start()
time.sleep(0.3)
"""
    run = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[2],
                         timeout=120)
    assert run.returncode == 0
    assert len(done.read_text().split()) < 20


def test_members_without_their_lengths_read_whatever_the_pieces_zlib_is_handed(monkeypatch):
    """The one-thread path hands zlib a bounded piece of input and takes a bounded piece of
    output at a time: where a member ends must come out right whichever call it ends in (a
    member ending in input left over from the call before once made the next one start in
    the wrong place: a valid file refused, a repeated member dropped, or no end at all)."""
    rng = random.Random(5)
    for trial in range(120):
        monkeypatch.setattr(packing, "PIECE", rng.choice([1, 7, 16, 300, 4096]))
        monkeypatch.setattr(gzstreams, "_INPUT", rng.choice([1, 5, 64, 1000, 1 << 20]))
        parts = [_plain(rng.randint(0, 3000), seed=rng.randint(0, 9)) for _ in range(
            rng.randint(1, 4))]
        if trial % 3 == 0:
            parts.append(parts[0])  # the same member twice, as `cat a.gz a.gz` makes
        members = [gzip.compress(p, mtime=0) for p in parts]
        packed = b"".join(members)
        assert _unpacked(packed, 1) == b"".join(parts), trial
        inside_last = len(packed) - len(members[-1]) // 2  # a cut inside the last member
        for bad in (packed[:-1], packed + b"\x1f", packed[:inside_last]):
            with pytest.raises((zlib.error, EOFError)):
                _unpacked(bad, 1)
