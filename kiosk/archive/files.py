"""The archive files of a station: `archive/kiosk-archive-YYYY.db.gz` in the data folder, one
per calendar year, each with its manifest `kiosk-archive-YYYY.json`.

An archive file is a plain SQLite database (the archived tables with the live tables' columns,
rows under their live ids, no secondary index: a report reads a year in one pass, and the
indexes were half of the bytes), compressed with gzip (packed by zlib; members unpacked on two
cores by ISA-L's inflate: gzstreams.py). A year written before as `kiosk-archive-YYYY.db.xz`
(xzstreams.py) is read as it is, and written again as gzip when its year is next rewritten
(the old file removed once the new one and its manifest are in place). The
manifest holds no personal data: the year, the station, `until` (the day, excluded, up to
which the file may hold records: the next 1 January for a whole year, earlier for the current
year's file while it grows month by month; none in an older manifest: a whole year), the rows
and a checksum of them per table, the SHA-256 of the compressed file, the archived dossier
codes (for the kiosk's look-up: "archived", without unpacking anything) and when it was
written. `kiosk doctor` checks each file against its manifest.

Everything is owner-only (kiosk/private_files.py): the folder, the files, and the temporary
unpacked copy a report reads (in a private temporary folder, removed afterwards).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import lzma
import os
import re
import sqlite3
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kiosk.archive import gzstreams, packing, xzstreams
from kiosk.private_files import open_private, private_dir, write_private_atomic

PREFIX = "kiosk-archive-"
SUFFIX = ".db.gz"
#: The years written before gzip, read as they are (xzstreams.py).
XZ_SUFFIX = ".db.xz"
SUFFIXES = (SUFFIX, XZ_SUFFIX)
MANIFEST_SUFFIX = ".json"
#: A rewritten year's manifest before it is put in place (kiosk/archive/purge.py).
PENDING_SUFFIX = ".json.pending"
FORMAT = 1
CHUNK = 1 << 20
_NAME = re.compile(rf"^{PREFIX}(\d{{4}})(?:{'|'.join(re.escape(s) for s in SUFFIXES)})$")


#: Where readings unpack the years they read: a private folder of the data folder, beside
#: `archive/` (kiosk/archive/reading.py), and, in it, the copies kept for the next readings.
READING_DIR = ".archive-reading"
KEPT_DIR = "kept"
KEPT_SUFFIX = ".db"


class ArchiveError(RuntimeError):
    """An archive file is missing, damaged or does not match its manifest."""


class NotItsManifests(ArchiveError):
    """An archive file is not the one its manifest names (its SHA-256)."""


class Postponed(ArchiveError):
    """The station got busy while a year was built in an idle turn (kiosk/archive/schedule.py):
    the year was left as it was (nothing renamed, nothing deleted), for the next idle turn."""


def folder_for(database: Path | str) -> Path:
    """The archive folder of the station database at `database`: `archive/` beside it (the
    data folder's, kiosk.paths.Paths.archive, unless [store] path moved the database)."""
    return Path(database).parent / "archive"


def new_year_file(folder: Path, year: int) -> Path:
    """Where the year's file is written (gzip)."""
    return Path(folder) / f"{PREFIX}{year:04d}{SUFFIX}"


def year_file(folder: Path, year: int) -> Path:
    """The year's file as it stands: the one there is (gzip, or xz written before); both
    there (a rewrite from xz cut off before it removed the old file): the one its manifest
    names; none: where a new one goes."""
    there = _forms(folder, year)
    if len(there) > 1:
        return named_file(folder, year, read_manifest(folder, year))
    return there[0] if there else new_year_file(folder, year)


def _forms(folder: Path, year: int) -> list[Path]:
    return [p for p in (Path(folder) / f"{PREFIX}{year:04d}{s}" for s in SUFFIXES)
            if p.is_file()]


def named_file(folder: Path, year: int, manifest: dict[str, Any] | None) -> Path:
    """The year's file `manifest` names (its "file": one of the year's own names), else the
    first there is of gzip and xz."""
    name = (manifest or {}).get("file")
    for suffix in SUFFIXES:
        if name == f"{PREFIX}{year:04d}{suffix}":
            return Path(folder) / name
    there = _forms(folder, year)
    return there[0] if there else new_year_file(folder, year)


def remove_replaced(folder: Path, year: int) -> None:
    """Remove the year's other file once the one its manifest names is in place (a year
    written again as gzip leaves its xz file until then)."""
    removed = False
    for other in replaced_files(folder, year):
        with contextlib.suppress(OSError):  # Windows: open elsewhere; the next run retries
            other.unlink()
            removed = True
    if removed:
        fsync_dir(folder)


def manifest_file(folder: Path, year: int) -> Path:
    return Path(folder) / f"{PREFIX}{year:04d}{MANIFEST_SUFFIX}"


def folder_state(folder: Path) -> frozenset[tuple[str, int, int]]:
    """The year files and manifests in `folder` as (name, size, modification time in ns):
    a reading compares it before and after attaching its years, to see whether a run
    replaced any meanwhile (kiosk/archive/reading.py)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return frozenset()
    state = set()
    for entry in entries:
        name = entry.name
        if _NAME.match(name) or (name.startswith(PREFIX) and name.endswith(MANIFEST_SUFFIX)):
            with contextlib.suppress(OSError):
                st = entry.stat()
                state.add((name, st.st_size, st.st_mtime_ns))
    return frozenset(state)


@dataclass(frozen=True)
class ArchiveYear:
    year: int
    path: Path
    size_bytes: int
    manifest: dict[str, Any] | None

    @property
    def rows(self) -> dict[str, int]:
        return dict((self.manifest or {}).get("rows", {}))


def archived_years(folder: Path) -> list[ArchiveYear]:
    """The archive files in `folder`, oldest year first (an unreadable manifest: None)."""
    out = []
    for year in year_numbers(folder):
        path = year_file(folder, year)
        try:
            size = path.stat().st_size
        except OSError:
            continue
        out.append(ArchiveYear(year, path, size, read_manifest(folder, year)))
    return out


def year_numbers(folder: Path) -> list[int]:
    """The years of the archive files in `folder`, oldest first, without reading their
    manifests (a year's is megabytes of JSON: the public look-up of its dossiers)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted({int(m.group(1)) for name in names if (m := _NAME.match(name))
                   and (Path(folder) / name).is_file()})


_manifests: dict[Path, tuple[tuple[int, int], dict[str, Any]]] = {}


def read_manifest(folder: Path, year: int) -> dict[str, Any] | None:
    path = manifest_file(folder, year)
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
        cached = _manifests.get(path)
        if cached and cached[0] == stamp:  # read once per change (the kiosk's look-up)
            return cached[1]
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    _manifests[path] = (stamp, data)
    return data


def manifest_until(manifest: dict[str, Any] | None, year: int) -> date:
    """The exclusive end of what a year's file may hold: the manifest's `until` (a file that
    grows month by month, [store] archive_keep_months), else the next 1 January (a whole
    year, as every file written before `until` was kept; an unreadable one too)."""
    whole = date(year + 1, 1, 1)
    try:
        return min(date.fromisoformat(str((manifest or {})["until"])), whole)
    except (KeyError, TypeError, ValueError):
        return whole


def holding_from(folder: Path, years: list[int], start: date | None) -> list[int]:
    """Of `years`, those whose file may hold a record with some activity from `start` on: a
    file whose `until` is at most the day before `start` cannot (the day before: a time stamp
    written with another offset near midnight)."""
    if start is None:
        return years
    return [y for y in years
            if manifest_until(read_manifest(folder, y), y) > start - timedelta(days=1)]


def manifest_text(manifest: dict[str, Any]) -> str:
    # One line per key, the dossiers' look-up compact (about 150 bytes a dossier).
    body = ",\n".join(f"{json.dumps(k)}:{json.dumps(v, ensure_ascii=False, separators=(',', ':'))}"
                       for k, v in sorted(manifest.items()))
    return "{" + body + "}\n"


def write_manifest(folder: Path, year: int, manifest: dict[str, Any]) -> None:
    write_private_atomic(manifest_file(folder, year), manifest_text(manifest), fsync=True)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def check(entry: ArchiveYear) -> str | None:
    """None when the file is the one its manifest describes; else what is wrong."""
    if entry.manifest is None:
        return "its manifest is missing or unreadable"
    try:
        digest = sha256_file(entry.path)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if digest != entry.manifest.get("file_sha256"):
        return "its content does not match its manifest (damaged, or an archiving run was cut " \
               "off: run `kiosk archive` again)"
    return None


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def compress(src: Path, dst: Path) -> str:
    """gzip `src` into the new owner-only file `dst` (independent members, on two cores
    where someone waits: kiosk/archive/gzstreams.py), flushed to the disk; returns the
    SHA-256 of the compressed bytes."""
    h = hashlib.sha256()
    threads = packing.archiving_threads()
    with open(src, "rb") as inp, open_private(dst, "wb") as raw:
        for out in gzstreams.pack(inp, threads):
            h.update(out)
            raw.write(out)
        raw.flush()
        os.fsync(raw.fileno())
    return h.hexdigest()


def unpack(src: Path, sink: packing.Sink, *, sha256: str | None = None,
           threads: int | None = None) -> int:
    """Unpack the archive file `src`, gzip or xz by its first bytes, into `sink` (by default
    on two cores, for someone waits for it); returns the plain size. A damaged file raises
    ArchiveError, and so does a file that is not `sha256` when given (its manifest's: the one
    check that sees a file cut exactly between two of its streams)."""
    data = src.read_bytes()
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise NotItsManifests(f"the archive file {src} does not match its manifest")
    form = xzstreams if data.startswith(xzstreams.MAGIC) else gzstreams
    try:
        return form.unpack(data, sink, threads or packing.threads_for(True))
    except (zlib.error, lzma.LZMAError, EOFError) as exc:
        raise ArchiveError(f"the archive file {src} is damaged: {exc}") from exc


def decompress(src: Path, dst: Path, *, flush: bool = True, sha256: str | None = None,
               threads: int | None = None) -> None:
    """Unpack the archive file `src` into the new owner-only file `dst` (see unpack; a
    damaged file leaves no `dst`), flushed to the disk unless `flush` is False (a reading's
    copy, removed afterwards)."""
    src.stat()  # a missing file raises before `dst` is made

    def write(offset: int, pieces: Iterator[bytes]) -> None:
        with open(dst, "r+b") as out:  # each stream's thread at its own place
            out.seek(offset)
            for piece in pieces:
                out.write(piece)

    try:
        with open_private(dst, "wb"):
            pass
        size = unpack(src, write, sha256=sha256, threads=threads)
        _check_sqlite_length(src, dst, size)
        if flush:
            with open(dst, "rb+") as out:
                os.fsync(out.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            dst.unlink()
        raise


def _check_sqlite_length(src: Path, dst: Path, size: int) -> None:
    """An unpacked SQLite database is as long as its header says (a year cut exactly between
    two streams or members is a valid file, but SQLite's page count then says more)."""
    with open(dst, "rb") as f:
        f.seek(0, os.SEEK_END)
        actual = f.tell()
        f.seek(0)
        header = f.read(100)
    if actual != size:
        raise ArchiveError(f"the archive file {src} unpacked to {actual} bytes, not {size}")
    said = sqlite_size(header)
    if said and said != size:
        raise ArchiveError(f"the archive file {src} is cut short or damaged: it unpacks to "
                           f"{size} bytes where its database has {said}")


def sqlite_size(header: bytes) -> int | None:
    """The length an SQLite file's first 100 bytes say it has; None when they are no SQLite
    header or do not say (a page count not kept up to date: before SQLite 3.7.0)."""
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return None
    page = int.from_bytes(header[16:18], "big")
    page = 65536 if page == 1 else page
    pages = int.from_bytes(header[28:32], "big")
    valid = header[92:96] == header[24:28]  # the page count is kept up to date (3.7.0+)
    return pages * page if valid and pages else None


def ensure_folder(folder: Path) -> Path:
    return private_dir(folder)


#: What SQLite leaves beside a work file it had open (a rollback journal holds the pages
#: as they were before the change: in a retention rewrite, the personal data being blanked).
SQLITE_SIDE_FILES = ("-journal", "-wal", "-shm")
_TEMPORARY_ENDINGS = (".tmp", *(f".tmp{side}" for side in SQLITE_SIDE_FILES))


def remove_temporaries(folder: Path) -> None:
    """Left by a run cut off before it finished (the hidden work files, and the SQLite
    journal of a work file it had open): never read, safe to remove."""
    with contextlib.suppress(OSError):
        for name in os.listdir(folder):
            if name.startswith(".") and name.endswith(_TEMPORARY_ENDINGS):
                with contextlib.suppress(OSError):
                    (Path(folder) / name).unlink()


def remove_work_file(path: Path) -> None:
    """Remove a hidden work file and whatever SQLite left beside it."""
    for p in (path, *(path.with_name(path.name + side) for side in SQLITE_SIDE_FILES)):
        with contextlib.suppress(OSError):
            p.unlink()


def table_checksum(conn: sqlite3.Connection, schema: str, table: str, columns: list[str],
                   key: tuple[str, ...], only: str | None = None) -> tuple[int, str]:
    """(rows, SHA-256 over the rows in key order) of `schema.table`'s `columns`; `only`: the
    temp table of keys to restrict it to."""
    h = hashlib.sha256()
    cols = ", ".join(f'"{c}"' for c in columns)
    where = ""
    if only:
        keys = ", ".join(key)
        where = f"WHERE ({keys}) IN (SELECT {keys} FROM temp.{only})"
    n = 0
    for row in conn.execute(f"SELECT {cols} FROM {schema}.{table} {where} "
                            f"ORDER BY {', '.join(key)}"):
        h.update(repr(row).encode("utf-8"))
        h.update(b"\n")
        n += 1
    return n, h.hexdigest()


def backup_folder_name(station_id: str) -> str:
    """Where backups keep a station's archive files: a folder beside its database backups."""
    from kiosk.backup.files import safe_station

    return f"{PREFIX}{safe_station(station_id)}"


#: A copy this process verified (its bytes hashed to its manifest's checksum) and has not seen
#: change since (same size, same modification time): not read again before RECHECK_S, so a
#: backup round does not read the whole drive each time. Keyed by the copy's path: (size,
#: mtime_ns, checksum, time.monotonic() when verified).
_verified: dict[Path, tuple[int, int, str, float]] = {}
#: How often a copy is read whole again even when unchanged (bytes gone bad on the drive).
RECHECK_S = 7 * 86400.0


def _note_verified(target: Path, digest: str) -> None:
    import time

    with contextlib.suppress(OSError):
        st = target.stat()
        _verified[target] = (st.st_size, st.st_mtime_ns, digest, time.monotonic())


def _still_verified(target: Path, digest: str, recheck_s: float) -> bool:
    """The copy at `target` holds `digest`: known from this process's last check of it when
    unchanged since and checked within `recheck_s`, else by hashing it (and noted)."""
    import time

    try:
        st = target.stat()
    except OSError:
        return False
    known = _verified.get(target)
    if (known is not None and known[:3] == (st.st_size, st.st_mtime_ns, digest)
            and time.monotonic() - known[3] < recheck_s):
        return True
    try:
        ok = sha256_file(target) == digest
    except OSError:
        return False
    if ok:
        _note_verified(target, digest)
    else:
        _verified.pop(target, None)
    return ok


def copy_years(source: Path, dest: Path, *, recheck_s: float | None = None) -> list[Path]:
    """Keep `dest` (created owner-only) one verified copy per year of the archive files (with
    their manifests) of `source`, the station's newest: a year whose copy in `dest` is the
    station's (same manifest checksum) and still reads as it (its bytes hash to it) is left
    alone; a year the station rewrote since (a late record), or whose copy here is damaged or
    half-replaced, is copied again over the old copy. Each copy is checked against the
    manifest, flushed and renamed into place; what a cut-off copy left is removed. A year the
    station no longer holds keeps its copy here (it may be the only one left: stray_years()
    names it, `kiosk doctor` warns). A copy read and found good before is not read again
    while its size and modification time stay as they were, for `recheck_s` (RECHECK_S).
    Returns the archive files copied."""
    copied = []
    years = archived_years(source)
    if not years:
        return copied
    dest = private_dir(dest, tighten=False)
    remove_temporaries(dest)
    for entry in years:
        if entry.manifest is None:
            continue  # an unfinished run: its year is copied once the run is done
        target = dest / entry.path.name
        theirs = read_manifest(dest, entry.year)
        digest = entry.manifest.get("file_sha256")
        if (target.exists() and theirs is not None
                and theirs.get("file_sha256") == digest
                and target.stat().st_size == entry.size_bytes
                and _still_verified(target, digest,
                                    RECHECK_S if recheck_s is None else recheck_s)):
            pass
        else:
            copied.append(_copy_year(entry, dest, target))
            _note_verified(target, digest)
        # The copy of a year the station wrote again as gzip: its xz copy goes (at every
        # round: a round cut off, or a file Windows would not delete, is retried).
        remove_replaced(dest, entry.year)
    return copied


def stray_years(source: Path, dest: Path) -> list[int]:
    """The years `dest` (a backup folder's `kiosk-archive-<station>/`) holds that the
    station's archive folder `source` does not: their only copy may be the backup's."""
    here = {a.year for a in archived_years(source)}
    return [a.year for a in archived_years(dest) if a.year not in here]


def restore_years(source: Path, dest: Path) -> tuple[list[Path], list[str]]:
    """After a restore: copy the archive files (with their manifests) of `source` (beside the
    backup) into the station's archive folder `dest` for the years `dest` does not hold. A
    year `dest` holds stays as it is, even when the backup's copy differs (the backup may be
    older than a year rewritten since); one that does not check against its own manifest is
    not replaced either, but named in the warnings returned. Returns (copied, warnings)."""
    copied: list[Path] = []
    warnings: list[str] = []
    years = archived_years(source)
    if not years:
        return copied, warnings
    dest = private_dir(dest, tighten=False)
    for entry in years:
        if entry.manifest is None:
            continue
        target = year_file(dest, entry.year)
        mine = read_manifest(dest, entry.year)
        if not target.exists() or mine is None:  # (no manifest: a restore cut off mid-copy)
            try:
                copied.append(_copy_year(entry, dest, dest / entry.path.name))
            except (OSError, ArchiveError) as exc:  # the other years are still restored
                warnings.append(f"{entry.year} was not restored: {exc}")
            else:
                remove_replaced(dest, entry.year)
            continue
        if sha256_file(target) != mine.get("file_sha256"):
            warnings.append(f"{target} does not match its manifest; it was kept as it is, "
                            f"the backup's copy of {entry.year} is {entry.path} (run "
                            "`kiosk doctor`)")
    return copied, warnings


def _copy_year(entry: ArchiveYear, dest: Path, target: Path) -> Path:
    tmp = dest / f".{target.name}.copy.tmp"  # removed by remove_temporaries() if cut off
    h = hashlib.sha256()
    with open(entry.path, "rb") as src, open_private(tmp, "wb") as out:
        while block := src.read(CHUNK):
            h.update(block)
            out.write(block)
        out.flush()
        os.fsync(out.fileno())
    if h.hexdigest() != entry.manifest.get("file_sha256"):
        tmp.unlink()
        raise ArchiveError(f"{entry.path} does not match its manifest: not copied (run "
                           "`kiosk doctor`)")
    # The file, then its manifest: a copy cut off between holds the new file and the old
    # manifest (the year's old pair when its name changed, xz to gzip), copied again next time.
    os.replace(tmp, target)
    fsync_dir(dest)
    write_manifest(dest, entry.year, entry.manifest)
    return target


def pending_file(folder: Path, year: int) -> Path:
    return Path(folder) / f".{PREFIX}{year:04d}{PENDING_SUFFIX}"


def pending_manifest(folder: Path, year: int) -> dict[str, Any] | None:
    """The manifest a rewrite cut off between its two renames left pending, when it describes
    the file now in place (the file is then whole: only its manifest waits for the next run,
    finish_pending); else None."""
    try:
        manifest = json.loads(pending_file(folder, year).read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or int(manifest.get("year", -1)) != year:
            return None
        matches = (sha256_file(named_file(folder, year, manifest))
                   == manifest.get("file_sha256"))
    except (OSError, ValueError, TypeError):
        return None
    return manifest if matches else None


def has_leftovers(folder: Path) -> bool:
    """A rewrite's manifest waits beside the files, or a year rewritten from xz still has its
    old file (finish_pending finishes both)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    return (any(n.startswith(f".{PREFIX}") and n.endswith(PENDING_SUFFIX) for n in names)
            or any(replaced_files(folder, y) for y in year_numbers(folder)))


def replaced_files(folder: Path, year: int) -> list[Path]:
    """The year's files its manifest does not name, beside the one it names: an xz file a
    rewrite as gzip has not removed yet (it still holds what the rewrite changed: personal
    data a retention purge blanked)."""
    there = _forms(folder, year)
    if len(there) < 2:
        return []
    named = (read_manifest(folder, year) or {}).get("file")
    if named not in [p.name for p in there]:
        return []  # no readable manifest naming one of them: nothing says which is the year
    return [p for p in there if p.name != named]


def kept_folder(folder: Path) -> Path:
    """The folder of the readings' kept copies of the archive `folder`'s years."""
    return Path(folder).parent / READING_DIR / KEPT_DIR


def kept_name(year: int, digest: str) -> str:
    """A kept copy's name: its year and the SHA-256 of the file it was unpacked from."""
    return f"{year}-{digest.lower()}{KEPT_SUFFIX}"


def forget_kept(folder: Path, year: int | None = None) -> None:
    """Remove the readings' kept copies of `year` (of every year: None): the year's file was
    written again (by a purge: they hold what it blanked). One in use by a reading on Windows
    stays until a later reading (kiosk/archive/reading.py `_forget_unused`)."""
    pattern = f"{year}-*{KEPT_SUFFIX}" if year is not None else f"*{KEPT_SUFFIX}"
    try:
        found = list(kept_folder(folder).glob(pattern))
    except OSError:
        return
    for path in found:
        with contextlib.suppress(OSError):
            path.unlink()


def finish_pending(folder: Path) -> None:
    """A rewrite cut off between its two renames: put the pending manifest in place when it
    describes the file now there, else drop it (the old file and manifest still match).
    Then remove what a rewrite from xz cut off after its renames left: the year's old file
    beside the one its manifest names."""
    with contextlib.suppress(OSError):
        names = os.listdir(folder)
        for name in names:
            if not (name.startswith(f".{PREFIX}") and name.endswith(PENDING_SUFFIX)):
                continue
            pending = Path(folder) / name
            try:
                manifest = json.loads(pending.read_text(encoding="utf-8"))
                year = int(manifest["year"])
                matches = (sha256_file(named_file(folder, year, manifest))
                           == manifest.get("file_sha256"))
            except (OSError, ValueError, KeyError, TypeError):
                matches = False
            if matches:
                os.replace(pending, manifest_file(folder, year))
                fsync_dir(folder)
                forget_kept(folder, year)
            else:
                pending.unlink()
    for year in year_numbers(folder):
        remove_replaced(folder, year)
