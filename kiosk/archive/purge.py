"""Retention reaching archived years: an archive file can hold personal data that retention
had not purged when the year was archived (a dossier refused, withdrawn or stopped shortly
before, a feedback phone number given within [petitions] retention_days). Once it is past its
retention time, `kiosk dossier purge`, `kiosk petition purge` and the station's yearly run
(kiosk/archive/schedule.py retention_first) rewrite that year without it:

1. which years: from each manifest's `personal` (the first day of a last change holding
   personal data: nothing to do while it is within retention, nothing is unpacked); a
   manifest written before that count was kept is checked by unpacking the year once (and
   gets its count);
2. unpack the year into a hidden work file, blank the same fields the live purge blanks
   (dossiers: the submitter's and owner's details, notes, summary; feedback: the phone
   number), with SQLite's secure_delete on and a VACUUM after, so the old values are not left
   in free space;
3. the whole-table checksums of the manifest computed again over the work file, compress to
   a hidden file, check it unpacks to the work file byte for byte;
4. write the new manifest beside as `.kiosk-archive-YYYY.json.pending`, rename the file into
   place, then the manifest, flushing the folder after each. Cut off between the two renames:
   the next run (files.finish_pending) finds the pending manifest that
   matches the file and puts it in place; cut off before the first, the pending one is
   dropped (the old file and manifest still match). Nothing else changes: the rows, their
   keys and their count stay, so reports read the year as before.

The backup folder's copy ([backup] folder, `kiosk-archive-<station>/`) is replaced right
after (files.copy_years: the year's checksum changed). Copies elsewhere (`kiosk backup --out`
to a USB stick) are beyond reach: docs/archive.md says so.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.archive import files, packing
from kiosk.archive.files import ArchiveError

log = logging.getLogger(__name__)

#: Dossiers whose personal data retention purges (handed back; refused, withdrawn, stopped).
_PURGEABLE = (10, 3, 7, 8)


@dataclass
class YearPurge:
    year: int
    dossiers: int = 0  # dossiers whose personal data was blanked (dry run: would be)
    feedback_phones: int = 0
    counted_only: bool = False  # an older manifest got its count, nothing was past retention

    @property
    def changed(self) -> int:
        return self.dossiers + self.feedback_phones

    def as_json(self) -> dict[str, Any]:
        return {"year": self.year, "dossiers": self.dossiers,
                "feedback_phones": self.feedback_phones}


@dataclass
class ArchivePurge:
    years: list[YearPurge] = field(default_factory=list)  # years rewritten (or to rewrite)
    backup_copied: list[Path] = field(default_factory=list)
    backup_error: str | None = None
    skipped: list[str] = field(default_factory=list)  # years not purged, and why

    def describe(self, dry_run: bool) -> list[str]:
        """Lines for the purge commands' output (English, as their other lines)."""
        lines = []
        for y in self.years:
            what = []
            if y.dossiers:
                what.append(f"{y.dossiers} dossier(s)")
            if y.feedback_phones:
                what.append(f"{y.feedback_phones} feedback phone number(s)")
            verb = "would be rewritten" if dry_run else "rewritten"
            lines.append(f"Archived year {y.year} {verb} without the personal data past its "
                         f"retention: {', '.join(what)}.")
        if self.backup_copied:
            lines.append(f"The backup folder's copy replaced: "
                         f"{', '.join(p.name for p in self.backup_copied)}.")
        for why in self.skipped:
            lines.append(f"Archived year not purged: {why}")
        if self.backup_error:
            lines.append(f"The backup folder's copy could not be replaced ({self.backup_error});"
                         " the next scheduled backup tries again.")
        return lines


def _maybe_due(personal: dict | None, dossier_day: str | None, feedback_day: str | None) -> bool:
    """From a manifest's `personal` count: may some row be past retention? (None: not
    counted yet, so maybe.)"""
    if personal is None:
        return True
    d = (personal.get("dossiers") or {})
    f = (personal.get("feedback_phones") or {})
    return bool((dossier_day and d.get("rows") and d.get("from") and d["from"] <= dossier_day)
                or (feedback_day and f.get("rows") and f.get("from")
                    and f["from"] <= feedback_day))


def purge_archives(folder: Path, *, now: datetime, dossier_days: int | None = None,
                   feedback_days: int | None = None, dry_run: bool = False,
                   backup_to: Path | None = None) -> ArchivePurge:
    """Rewrite each archived year holding personal data past retention without it (the
    module's steps): dossiers handed back, refused, withdrawn or stopped more than
    `dossier_days` ago, feedback phone numbers given more than `feedback_days` ago (None:
    that kind is not purged by this call). `backup_to`: the backup folder's
    `kiosk-archive-<station>/`, whose copies are replaced after."""
    from kiosk.archive.move import LOCK_FILE
    from kiosk.instance import AlreadyRunning, InstanceLock

    out = ArchivePurge()
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    folder = Path(folder)
    dossier_cut = now - timedelta(days=dossier_days) if dossier_days is not None else None
    feedback_cut = now - timedelta(days=feedback_days) if feedback_days is not None else None
    # A day string compares with the manifest's days: a row of that very day may be past.
    dossier_day = (dossier_cut + timedelta(days=1)).date().isoformat() if dossier_cut else None
    feedback_day = (feedback_cut + timedelta(days=1)).date().isoformat() if feedback_cut else None

    def due() -> list[files.ArchiveYear]:
        years = []
        for y in files.archived_years(folder):
            # A rewrite cut off between its renames (a real run finishes it first, under
            # the lock; a dry run reads the year by its pending manifest).
            pending = (files.pending_manifest(folder, y.year)
                       if files.pending_file(folder, y.year).exists() else None)
            if pending is not None:
                y = dataclasses.replace(y, manifest=pending,
                                        path=files.named_file(folder, y.year, pending))
            if y.manifest is not None and _maybe_due(y.manifest.get("personal"), dossier_day,
                                                     feedback_day):
                years.append(y)
        return years

    todo = due()
    if not todo and (dry_run or not files.has_leftovers(folder)):
        return out
    lock = None
    scratch = folder
    if not dry_run:
        try:
            lock = InstanceLock(folder / LOCK_FILE).acquire()
        except AlreadyRunning as exc:
            raise ArchiveError(f"an archiving run is under way (process {exc.pid or '?'}): "
                               "the archived years are purged at the next purge.") from exc
    try:
        if dry_run:
            # Unpacked in a folder of its own, never under the names a real run (which may
            # be under way: a dry run takes no lock) writes and removes.
            from kiosk.archive.reading import unpack_folder

            scratch = unpack_folder(folder)
        else:
            files.finish_pending(folder)
            files.remove_temporaries(folder)
            todo = due()  # the years as they are once the pending manifests are in place
        for entry in todo:
            try:
                done = _purge_year(folder, entry, now=now, dossier_cut=dossier_cut,
                                   feedback_cut=feedback_cut, dry_run=dry_run, scratch=scratch)
            except ArchiveError as exc:  # a damaged year: the others still go
                log.warning("archive: %s not purged: %s", entry.year, exc)
                out.skipped.append(str(exc))
                continue
            if done.changed:
                out.years.append(done)
    finally:
        if lock is not None:
            lock.release()
        if scratch != folder:
            shutil.rmtree(scratch, ignore_errors=True)
    if out.years and backup_to is not None and not dry_run:
        try:
            out.backup_copied = files.copy_years(Path(folder), backup_to)
        except (OSError, ArchiveError) as exc:
            out.backup_error = str(exc)
    return out


def _purge_year(folder: Path, entry: files.ArchiveYear, *, now: datetime,
                dossier_cut: datetime | None, feedback_cut: datetime | None,
                dry_run: bool, scratch: Path) -> YearPurge:
    from kiosk.archive.move import _public_dossiers, _same_bytes, personal_data

    result = YearPurge(entry.year)
    problem = files.check(entry)
    if problem:
        raise ArchiveError(f"{entry.year}: {entry.path.name} {problem} (`kiosk doctor`)")
    final = files.new_year_file(folder, entry.year)  # written again as gzip, if it was xz
    work = scratch / f".{final.name}.purge.tmp"
    packed = scratch / f".{final.name}.purged.tmp"
    try:
        files.decompress(entry.path, work, threads=packing.archiving_threads())
        conn = sqlite3.connect(work, isolation_level=None)
        try:
            conn.execute("PRAGMA secure_delete = ON")
            dossiers, phones = _past_retention(conn, dossier_cut, feedback_cut)
            result.dossiers, result.feedback_phones = len(dossiers), len(phones)
            if dry_run:
                return result
            if not result.changed:
                if "personal" not in entry.manifest:  # an older manifest: count it now
                    conn.close()
                    files.write_manifest(folder, entry.year, {**entry.manifest,
                                                              "personal": personal_data(work)})
                    result.counted_only = True
                return result
            _blank(conn, dossiers, phones, now)
            conn.execute("VACUUM")  # the blanked values out of the free space too
            rows = _checksums(conn)
        finally:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        digest = files.compress(work, packed)
        _same_bytes(packed, work)
        manifest = {**entry.manifest, "file": final.name, "file_sha256": digest,
                    "rows": {k: v[0] for k, v in rows.items()},
                    "rows_sha256": {k: v[1] for k, v in rows.items()},
                    "dossiers": _public_dossiers(work), "personal": personal_data(work),
                    "purged_at": now.astimezone(UTC).isoformat()}
        if manifest["rows"] != entry.manifest.get("rows"):
            raise ArchiveError(f"the archive of {entry.year} would not keep its rows: it "
                               "was not purged")
        from kiosk.private_files import write_private_atomic

        pending = files.pending_file(folder, entry.year)
        write_private_atomic(pending, files.manifest_text(manifest), fsync=True)
        os.replace(packed, final)
        files.fsync_dir(folder)
        _checkpoint("purge-renamed")
        os.replace(pending, files.manifest_file(folder, entry.year))
        files.fsync_dir(folder)
        _checkpoint("purge-in-place")
        files.remove_replaced(folder, entry.year)  # the year's xz file, when it had one
        files.forget_kept(folder, entry.year)  # the readings' copies: what was blanked
        log.info("archive: %d rewritten without personal data past retention (%d dossier(s), "
                 "%d feedback phone number(s))", entry.year, result.dossiers,
                 result.feedback_phones)
        return result
    finally:
        for p in (work, packed):
            files.remove_work_file(p)


def _checkpoint(step: str) -> None:
    from kiosk.archive.move import _checkpoint as stop_at

    stop_at(step)


def _names(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _past_retention(conn: sqlite3.Connection, dossier_cut: datetime | None,
                    feedback_cut: datetime | None) -> tuple[list[int], list[int]]:
    """The ids of the archived dossiers and feedback rows holding personal data past
    retention (instants compared, not strings: stored offsets may differ)."""
    from kiosk.dossiers.intake import PERSON_FIELDS

    names = _names(conn)
    dossiers: list[int] = []
    if dossier_cut is not None and "dossiers" in names:
        held = " OR ".join(f"d.{p}_{f} IS NOT NULL" for p in ("submitter", "owner")
                           for f in PERSON_FIELDS)
        # The archive has no index: each dossier's last change from one grouped pass.
        events = ("(SELECT dossier_id, max(at) AS at FROM dossier_events GROUP BY dossier_id)"
                  if "dossier_events" in names else "(SELECT NULL AS dossier_id, NULL AS at)")
        marks = ", ".join("?" * len(_PURGEABLE))
        for dossier_id, returned, last in conn.execute(
                f"SELECT d.id, d.returned_at, m.at FROM dossiers d LEFT JOIN {events} m ON "
                f"m.dossier_id = d.id WHERE d.purged_at IS NULL AND d.status IN ({marks}) AND "
                f"(({held}) OR coalesce(d.notes, '') != '')", _PURGEABLE):
            since = returned or last
            if since and datetime.fromisoformat(since) <= dossier_cut:
                dossiers.append(dossier_id)
    phones: list[int] = []
    if feedback_cut is not None and "citizen_feedback" in names:
        for feedback_id, at in conn.execute("SELECT id, at FROM citizen_feedback WHERE phone "
                                            "IS NOT NULL AND phone != ''"):
            if datetime.fromisoformat(at) <= feedback_cut:
                phones.append(feedback_id)
    return dossiers, phones


def _blank(conn: sqlite3.Connection, dossiers: list[int], phones: list[int],
           now: datetime) -> None:
    """The same fields the live purges blank (kiosk/dossiers/retention.py,
    kiosk/petitions/cases.py), in one transaction."""
    from kiosk.dossiers.intake import PERSON_FIELDS

    cleared = ", ".join(f"{p}_{f} = NULL" for p in ("submitter", "owner") for f in PERSON_FIELDS)
    stamp = now.isoformat()
    conn.execute("BEGIN")
    try:
        conn.executemany(f"UPDATE dossiers SET {cleared}, notes = '', summary = procedure_name, "
                         "purged_at = ? WHERE id = ?", [(stamp, i) for i in dossiers])
        conn.executemany("UPDATE citizen_feedback SET phone = NULL, purged_at = ? WHERE id = ?",
                         [(stamp, i) for i in phones])
        _checkpoint("purge-blanking")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _checksums(conn: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    """Rows and checksum of each archived table in the work file, as archiving computes them
    for the manifest (files.table_checksum over the archive's own columns)."""
    from kiosk.archive.tables import TABLES

    names = _names(conn)
    out = {}
    for t in TABLES:
        if t.name in names:
            cols = [r[1] for r in conn.execute(f"PRAGMA main.table_info({t.name})")]
            out[t.name] = files.table_checksum(conn, "main", t.name, cols, t.key)
    return out
