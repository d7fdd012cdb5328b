"""A counter PC of a LAN office and the office's dossier book on the hub (`hub.role = client`).

The hub's `dossiers` + `dossier_events` tables are the office dossier book: authoritative for
every dossier of the office once applied there. A counter keeps a MIRROR in its own tables of
the dossiers it touched, and works offline-first:

- every change (intake, status change, hand-back, official slip, hand-over: kiosk/dossiers/
  slips.py) is written to the mirror and, in the same transaction, queued in `book_outbox`
  in the hub's shape (POST /api/v1/dossiers/changes) with the city record the desk built: no
  city outbox row here, the hub sends it to the city under the same record id (the event's,
  the slip's or the hand-over's uid) when, and only when, it applies the change. A 02 or 03
  slip queues its status change first, then itself;
- the queue is pushed to the hub at once, in order (the same lane operation, so a conflict is
  known while the clerk is still there); while the hub is away it stays queued and the
  RemoteQueue's background thread pushes it, in order, when the hub returns;
- a status change is made on the book's latest copy (refreshed first when the hub answers);
  the hub applies it only on the version it was made on, so of two counters changing the
  same dossier at once one wins and the other gets DossierConflict, with the book's copy now
  in its mirror: never a silent overwrite. A change pushed later that meets such a conflict
  (or that the hub refuses) is kept in `book_outbox` as lost, with a message for the clerk;
- a look-up asks the hub for the full record and refreshes the mirror; with the hub away the
  mirror answers (`stale` says so), and a dossier in neither is "not found, hub unreachable".

Dossiers a counter took in before the book existed, and slips and hand-overs it made before
it queued them for the book (their city records went through its own outbox), are uploaded
once with `city: null`, so the city does not hear of them twice.

Logging names dossiers by code only, never personal data.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from kiosk.calendar import CalendarRules
from kiosk.config import Config
from kiosk.dossiers.intake import DOSSIER_SELECT, PERSON_FIELDS, DossierDesk, normalize_code
from kiosk.dossiers.models import Dossier, DossierError, DossierNotFound, StatusChange
from kiosk.dossiers.procedures import Procedure
from kiosk.dossiers.shortcode import short_code
from kiosk.dossiers.status import DossierStatus
from kiosk.queue.errors import HubUnavailable, QueueError
from kiosk.store import transaction

log = logging.getLogger(__name__)

INTAKE, STATUS, SLIP, HANDOVER = "intake", "status", "slip", "handover"
#: The book's fields of a slip / hand-over change (kiosk/dossiers/book.py), taken from the
#: city record the desk built (kiosk/dossiers/slips.py).
SLIP_FIELDS = ("form", "reason", "new_date", "details", "issued_at", "clerk")
HANDOVER_FIELDS = ("at", "from_party", "to_party", "handed_by", "received_by", "due_date",
                   "note")
APPLIED, UNCHANGED, CONFLICT, REJECTED = "applied", "unchanged", "conflict", "rejected"
PUSH_BATCH = 50  # changes per request at most ...
PUSH_BYTES = 48 * 1024  # ... and at most this much JSON: under the hub's 64 KiB body limit
TOO_LARGE = 413

Push = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


class DossierConflict(DossierError):
    """Another counter changed the dossier first: this counter's change was not applied and
    its mirror now holds the book's copy."""


class BookUnreachable(DossierNotFound):
    """Neither this PC's mirror nor (the hub being away) the office book could say."""

    def __init__(self, code: str) -> None:
        DossierError.__init__(
            self,
            f"Không kết nối được máy chủ văn phòng, và máy này chưa có hồ sơ mã {code}. "
            "Vui lòng kiểm tra mạng rồi tra lại.",
            f"dossier {code!r} is not on this PC and the office hub cannot be reached")
        self.code = code


@dataclass(frozen=True)
class LostChange:
    """A change the office book refused after it was made here (shown to the clerk)."""

    id: int
    code: str
    kind: str
    created_at: datetime
    message_vi: str


@dataclass(frozen=True)
class BookState:
    """What the counter window shows about the book: changes waiting for the hub, lost ones,
    and whether the last try reached the hub (None: not tried yet)."""

    pending: int
    lost: tuple[LostChange, ...]
    online: bool | None
    numbers: Any = None  # the numbering's status() once leased numbers are merged, else None


# -- the changes, in the hub's shape -----------------------------------------------------------

def _ts(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def after_fields(dossier: Dossier) -> dict[str, Any]:
    return {"status": int(dossier.status), "status_reason": dossier.status_reason,
            "finished_at": _ts(dossier.finished_at), "returned_at": _ts(dossier.returned_at),
            "on_time": dossier.on_time, "updated_at": _ts(dossier.updated_at)}


def change_body(dossier: Dossier, change: StatusChange, city: dict[str, Any] | None,
                station: str) -> dict[str, Any]:
    """The change `change` (the dossier's last history entry, `dossier` as it stands after
    it) as POST /api/v1/dossiers/changes takes it."""
    if change.from_status is None:
        data = dossier.as_json()
        data["history"] = [change.as_json()]
        return {"id": change.uid, "kind": INTAKE, "dossier": data, "city": city}
    index = next(i for i, h in enumerate(dossier.history) if h.uid == change.uid)
    return {"id": change.uid, "kind": STATUS, "code": dossier.code, "base_version": index,
            "event": change.as_json(), "after": after_fields(dossier), "station": station,
            "city": city}


def record_body(kind: str, record: dict[str, Any], city: dict[str, Any] | None,
                after_event: str | None = None) -> dict[str, Any]:
    """The slip or hand-over `record` (Slip / Handover.as_json(), kiosk/dossiers/slips.py) as
    POST /api/v1/dossiers/changes takes it, with its city record (None: the city has it) and
    the status change it was made after (the dossier's last one on this PC: a 02's or 03's
    own; the book refuses the record if it does not hold that change)."""
    fields = SLIP_FIELDS if kind == SLIP else HANDOVER_FIELDS
    return {"id": record["uid"], "kind": kind, "code": record["code"],
            "station": record["station"], "after_event": after_event,
            kind: {f: record.get(f) for f in fields}, "city": city}


def _queue(conn: sqlite3.Connection, body: dict[str, Any], code: str, at: datetime) -> None:
    conn.execute(
        "INSERT INTO book_outbox (change_id, code, kind, body, created_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (change_id) DO NOTHING",
        (body["id"], code, body["kind"], json.dumps(body, ensure_ascii=False), at.isoformat()))


# -- the mirror --------------------------------------------------------------------------------

def _day_and_seq(code: str) -> tuple[date, int]:
    _, day, seq = code.rsplit("-", 2)
    return date(2000 + int(day[:2]), int(day[2:4]), int(day[4:6])), int(seq)


def _person(prefix: str, data: dict[str, Any] | None) -> dict[str, Any]:
    return {f"{prefix}_{f}": (data or {}).get(f) or None for f in PERSON_FIELDS}


def _archived(conn: sqlite3.Connection, code: str) -> bool:
    """Whether an archive file beside this database holds dossier `code` (kiosk/archive)."""
    from kiosk.archive.files import folder_for
    from kiosk.archive.reading import archived_dossier_year

    path = next((r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"), "")
    if not path:
        return False
    folder = folder_for(path)
    return folder.is_dir() and archived_dossier_year(folder, code) is not None


def mirror(conn: sqlite3.Connection, data: dict[str, Any]) -> bool:
    """Make this PC's copy of a dossier the book's copy `data` (Dossier.as_json()): its row
    and its events, except changes of its own still waiting for the hub. Returns False (and
    changes nothing) when this PC holds another dossier under the same code."""
    code = normalize_code(str(data["code"]))
    row = conn.execute("SELECT id, uid FROM dossiers WHERE code = ?", (code,)).fetchone()
    if row is not None and row[1] != data["uid"]:
        log.warning("dossier %s: this PC holds another dossier under the same code; the "
                    "book's copy is not mirrored", code)
        return False
    if row is None and _archived(conn, code):
        log.warning("dossier %s: archived on this PC; the book's copy is not mirrored", code)
        return False
    day, seq = _day_and_seq(code)
    procedure = data["procedure"]
    ticket_id = data.get("ticket_id")
    if ticket_id is not None and conn.execute(
            "SELECT 1 FROM tickets WHERE id = ?", (ticket_id,)).fetchone() is None:
        ticket_id = None  # a ticket of the hub's queue, not of this PC
    on_time = data.get("on_time")
    values: dict[str, Any] = {
        "uid": data["uid"], "code": code, "unit_code": data["receiving_unit"]["code"],
        "day": day.isoformat(), "seq": seq,
        "receiving_unit_name": data["receiving_unit"]["name"],
        "deciding_unit_code": data["deciding_unit"]["code"],
        "deciding_unit_name": data["deciding_unit"]["name"],
        "procedure_code": procedure["code"], "procedure_name": procedure["name"],
        "field_code": procedure["field_code"], "field_name": procedure["field_name"],
        "processing_days": procedure["processing_days"],
        **_person("submitter", data.get("submitter")), **_person("owner", data.get("owner")),
        "owner_kind": data["owner_kind"],
        "documents": json.dumps(data["documents"], ensure_ascii=False),
        "sets": data["sets"], "summary": data["summary"], "notes": data["notes"],
        "area": data["area"], "result_place": data["result_place"],
        "received_at": data["received_at"], "appointment_date": data["appointment_date"],
        "status": int(data["status"]), "status_reason": data.get("status_reason"),
        "finished_at": data.get("finished_at"), "returned_at": data.get("returned_at"),
        "on_time": None if on_time is None else int(bool(on_time)),
        "clerk": data["clerk"], "station_id": data["station"], "ticket_id": ticket_id,
        "purged_at": data.get("purged_at"), "updated_at": data["updated_at"],
        "short_code": short_code(day, seq),
    }
    if row is None:
        names = ", ".join(values)
        dossier_id = conn.execute(
            f"INSERT INTO dossiers ({names}) VALUES ({', '.join('?' for _ in values)})",
            tuple(values.values())).lastrowid
    else:
        dossier_id = row[0]
        conn.execute(f"UPDATE dossiers SET {', '.join(f'{n} = ?' for n in values)} WHERE id = ?",
                     (*values.values(), dossier_id))
    book = [h["uid"] for h in data["history"]]
    waiting = {r[0] for r in conn.execute(
        "SELECT change_id FROM book_outbox WHERE code = ? AND sent_at IS NULL "
        "AND lost_at IS NULL", (code,))}
    # Changes of this PC the book does not hold (refused ones) go; the book's come in order.
    for (uid,) in conn.execute("SELECT uid FROM dossier_events WHERE dossier_id = ?",
                               (dossier_id,)).fetchall():
        if uid not in book and uid not in waiting:
            conn.execute("DELETE FROM dossier_events WHERE uid = ?", (uid,))
    for h in data["history"]:
        # The station that made a change mirrored from the book is not known here ('' : so
        # it is never taken for a change of this PC's own, enqueue_earlier).
        conn.execute(
            "INSERT INTO dossier_events (uid, dossier_id, from_status, to_status, at, clerk, "
            "reason, station_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO NOTHING",
            (h["uid"], dossier_id, h.get("from"), int(h["to"]), h["at"], h["clerk"],
             h.get("reason"), str(h.get("station") or "")))
    _mirror_records(conn, dossier_id, data)
    return True


def _mirror_records(conn: sqlite3.Connection, dossier_id: int, data: dict[str, Any]) -> None:
    """The book's slips and hand-overs of the dossier (`slips`, `handovers` of its look-up
    answer; an older hub sends none) into this PC's copy, each once: its due date (a Mẫu
    04's new date), its Mẫu 05 and the one-02 rule then see every counter's."""
    for s in data.get("slips") or ():
        conn.execute(
            "INSERT INTO dossier_slips (uid, dossier_id, form, reason, new_date, details, "
            "issued_at, clerk, station_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (uid) DO NOTHING",
            (s["uid"], dossier_id, s["form"], s.get("reason"), s.get("new_date"),
             json.dumps(s.get("details") or {}, ensure_ascii=False), s["issued_at"],
             s["clerk"], str(s.get("station") or "")))
    for h in data.get("handovers") or ():
        conn.execute(
            "INSERT INTO dossier_handovers (uid, dossier_id, at, from_party, to_party, "
            "handed_by, received_by, due_date, note, station_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO NOTHING",
            (h["uid"], dossier_id, h["at"], h["from_party"], h["to_party"], h["handed_by"],
             h["received_by"], h.get("due_date"), h.get("note") or None,
             str(h.get("station") or "")))


# -- pushing -----------------------------------------------------------------------------------

_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock_for(db: Database) -> threading.Lock:
    """One push at a time per database file in this process (the counter window's lane and
    the RemoteQueue's background thread), so the hub sees the changes in order."""
    path = db.execute("PRAGMA database_list").fetchone()[2] or f"memory:{id(db)}"
    key = str(Path(path).resolve()) if not path.startswith("memory:") else path
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.Lock())


def pending_count(db: Database) -> int:
    return db.execute("SELECT count(*) FROM book_outbox WHERE sent_at IS NULL "
                      "AND lost_at IS NULL").fetchone()[0]


def _lost_message(result: str, body: dict[str, Any], answer: dict[str, Any]) -> str:
    code = body.get("code") or (body.get("dossier") or {}).get("code") or "?"
    if body.get("kind") == STATUS:
        what = "chuyển sang " + DossierStatus(int(body["event"]["to"])).label_vi
    elif body.get("kind") == SLIP:
        what = "lập phiếu Mẫu " + str((body.get("slip") or {}).get("form") or "")
    elif body.get("kind") == HANDOVER:
        what = "ghi giao nhận hồ sơ"
    else:
        what = "tiếp nhận"
    if result == CONFLICT:
        current = answer.get("dossier") or {}
        now = f" (hiện: {current['status_label']})" if current.get("status_label") else ""
        return (f"Hồ sơ {code} đã được quầy khác cập nhật trước{now}; thay đổi \"{what}\" "
                "làm tại máy này không được ghi vào sổ hồ sơ. Vui lòng xem lại hồ sơ.")
    why = answer.get("reason_vi")
    if isinstance(why, str) and why.strip():
        return (f"Máy chủ văn phòng không nhận thay đổi \"{what}\" của hồ sơ {code}: "
                f"{why.strip()[:300]}")
    return (f"Máy chủ văn phòng không nhận thay đổi \"{what}\" của hồ sơ {code}. Vui lòng "
            "xem lại hồ sơ và báo kỹ thuật viên.")


def push_pending(db: Database, push: Push, *, batch: int = PUSH_BATCH
                 ) -> dict[str, dict[str, Any]]:
    """Push the queued changes to the hub, oldest first, until none is left; returns the
    hub's answer per change id. Raises HubUnavailable (or another QueueError) when the hub
    cannot take them now: what was not answered stays queued, in order."""
    answers: dict[str, dict[str, Any]] = {}
    with _lock_for(db):
        while True:
            rows = _batch(db.execute(
                "SELECT id, change_id, code, body FROM book_outbox WHERE sent_at IS NULL "
                "AND lost_at IS NULL ORDER BY id LIMIT ?", (batch,)).fetchall())
            if not rows:
                return answers
            try:
                answer = push([json.loads(r[3]) for r in rows])
            except QueueError as exc:
                if getattr(exc, "status", None) != TOO_LARGE or len(rows) > 1:
                    raise
                # One change larger than the hub takes: it would block the queue for good.
                answer = [{"id": rows[0][1], "result": REJECTED, "reason": "body too large",
                           "dossier": None}]
            results = {str(r.get("id")): r for r in answer}
            now = datetime.now().astimezone().isoformat()
            answered = 0
            with transaction(db) as conn:
                refused: set[str] = set()
                for row_id, change_id, code, body in rows:
                    if code in refused:
                        answered += 1  # lost with the refused change it was made on
                        continue
                    answer = results.get(change_id)
                    if answer is None:
                        break  # not answered: sent again next time, in order
                    answered += 1
                    answers[change_id] = answer
                    result = str(answer.get("result"))
                    if result in (APPLIED, UNCHANGED):
                        conn.execute("UPDATE book_outbox SET sent_at = ?, result = ? "
                                     "WHERE id = ?", (now, result, row_id))
                        continue
                    if result not in (CONFLICT, REJECTED):
                        raise HubUnavailable(f"the hub answered {result!r} for a dossier change")
                    refused.add(code)
                    log.warning("dossier %s: the office book refused a change (%s: %s)", code,
                                result, answer.get("reason"))
                    message = _lost_message(result, json.loads(body), answer)
                    conn.execute(
                        "UPDATE book_outbox SET lost_at = ?, result = ?, lost_reason = ? "
                        "WHERE id = ?", (now, f"{result}: {answer.get('reason') or ''}"[:500],
                                         message, row_id))
                    # Later changes of the dossier were made on top of the refused one: lost
                    # with it (before the mirror takes the book's copy, which drops them).
                    conn.execute(
                        "UPDATE book_outbox SET lost_at = ?, result = 'conflict: follows a "
                        "refused change', lost_reason = ? WHERE code = ? AND sent_at IS NULL "
                        "AND lost_at IS NULL", (now, message, code))
                    _drop_lost_records(conn, code)
                    if isinstance(answer.get("dossier"), dict):
                        mirror(conn, answer["dossier"])
            if answered < len(rows):
                raise HubUnavailable("the hub did not answer every dossier change")


def _drop_lost_records(conn: sqlite3.Connection, code: str) -> None:
    """Slips and hand-overs of `code` the book refused leave this PC's copy, as its refused
    status changes do (the mirror is the book's): their queued copy stays, listed as lost."""
    for table, kind in (("dossier_slips", SLIP), ("dossier_handovers", HANDOVER)):
        conn.execute(f"DELETE FROM {table} WHERE uid IN (SELECT change_id FROM book_outbox "  # noqa: S608
                     "WHERE code = ? AND kind = ? AND lost_at IS NOT NULL)", (code, kind))


def resend_all(db: Database) -> int:
    """Queue every change this PC made for the book again, in the order made (for a hub whose
    database was restored from a backup: its epoch changed). The hub applies each change id
    once and the city takes each record id once, so what the book still has is unchanged.
    Lost changes stay lost; changes whose copy the retention purge emptied are not resent."""
    with transaction(db) as conn:
        return conn.execute("UPDATE book_outbox SET sent_at = NULL, result = NULL "
                            "WHERE sent_at IS NOT NULL AND body != '{}'").rowcount


def _batch(rows: list[Any]) -> list[Any]:
    """The first rows whose JSON stays within PUSH_BYTES as sent (requests escapes non-ASCII:
    a Vietnamese letter is 6 bytes); always at least one."""
    size = 0
    for n, row in enumerate(rows):
        size += len(json.dumps(json.loads(row[3])).encode()) + 2
        if n and size > PUSH_BYTES:
            return rows[:n]
    return rows


def resend_on_restore(db_path: Path | str) -> Callable[[str, str], None]:
    """For LeasedNumbers' `on_epoch_change`: the hub's database was restored from a backup, so
    every change of this PC goes to the book again (on a connection of its own: the lease may
    run on any thread)."""
    def resend(old: str, new: str) -> None:
        from kiosk.store import connect

        db = connect(db_path)
        try:
            n = resend_all(db)
        finally:
            db.conn.close()
        log.warning("dossier book: the hub's database was restored; %d change(s) of this PC "
                    "queued for it again", n)

    return resend


def lost_changes(db: Database, tz: ZoneInfo | None = None) -> list[LostChange]:
    """Changes the book refused that the clerk has not yet marked as seen, oldest first."""
    return [LostChange(r[0], r[1], r[2], datetime.fromisoformat(r[3]).astimezone(tz), r[4])
            for r in db.execute(
                "SELECT id, code, kind, created_at, lost_reason FROM book_outbox "
                "WHERE lost_at IS NOT NULL AND seen_at IS NULL ORDER BY id")]


def mark_seen(db: Database, ids: Iterable[int]) -> None:
    now = datetime.now().astimezone().isoformat()
    with transaction(db) as conn:
        conn.executemany("UPDATE book_outbox SET seen_at = ? WHERE id = ? AND seen_at IS NULL",
                         [(now, i) for i in ids])


# -- dossiers taken in before the book ---------------------------------------------------------

def enqueue_earlier(db: Database, tz: ZoneInfo, station: str) -> int:
    """Queue, once, the changes this PC (`station`) made before the book: its own changes
    that are not in `book_outbox` (their city records went through its own outbox, so they go
    to the book with `city: null`; changes mirrored from the book carry no station here).
    Returns how many."""
    from kiosk.dossiers.intake import dossier_from_row
    from kiosk.dossiers.slips import _handover_rows, _slip_rows

    earlier = {uid: code for uid, code in db.execute(
        "SELECT e.uid, d.code FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id "
        "WHERE e.station_id = ? AND NOT EXISTS (SELECT 1 FROM book_outbox b "
        "WHERE b.change_id = e.uid) ORDER BY e.id", (station,))}
    # Its slips and hand-overs too (their city records also went through its own outbox).
    for table in ("dossier_slips", "dossier_handovers"):
        earlier.update(db.execute(
            f"SELECT r.uid, d.code FROM {table} r JOIN dossiers d "  # noqa: S608
            "ON d.id = r.dossier_id WHERE r.station_id = ? AND NOT EXISTS (SELECT 1 FROM "
            "book_outbox b WHERE b.change_id = r.uid) ORDER BY r.id", (station,)).fetchall())
    if not earlier:
        return 0
    queued = 0
    with transaction(db) as conn:
        for code in dict.fromkeys(earlier.values()):
            row = conn.execute(f"SELECT {DOSSIER_SELECT} FROM dossiers WHERE code = ?",
                               (code,)).fetchone()
            dossier = dossier_from_row(conn, row, tz)
            bodies: list[tuple[dict[str, Any], datetime]] = []
            for index, change in enumerate(dossier.history):
                if change.uid in earlier:
                    bodies.append((change_body(_state_after(dossier, index), change, None,
                                               station), change.at))
            # Then its slips and hand-overs, in the order made: after the status changes
            # (a 02's or 03's comes first, as when made in book mode).
            records = [(SLIP, s.as_json(), s.issued_at)
                       for s in _slip_rows(conn, dossier, tz) if s.uid in earlier]
            records += [(HANDOVER, h.as_json(), h.at)
                        for h in _handover_rows(conn, dossier, tz) if h.uid in earlier]
            records.sort(key=lambda r: r[2])
            bodies += [(record_body(kind, record, None), at) for kind, record, at in records]
            for body, at in bodies:
                before = conn.total_changes
                _queue(conn, body, code, at)
                queued += conn.total_changes - before
    if queued:
        log.info("dossier book: %d earlier change(s) of this PC queued for the hub", queued)
    return queued


def _state_after(dossier: Dossier, index: int) -> Dossier:
    """The dossier as it stood after its change number `index` (0: the intake)."""
    from dataclasses import replace

    history = dossier.history[:index + 1]
    if len(history) == len(dossier.history):
        return dossier
    state = replace(dossier, history=history, status=history[-1].to_status,
                    status_reason=history[-1].reason, finished_at=None, returned_at=None,
                    on_time=None, updated_at=history[-1].at)
    for h in history:
        if h.to_status is DossierStatus.FINISHED:
            state = replace(state, finished_at=h.at)
    return state


# -- the desk ----------------------------------------------------------------------------------

class OfficeDesk(DossierDesk):
    """The dossier desk of a counter PC in a LAN office (`hub.role = client`): see the module.

    `hub`: the office hub's RemoteQueue, or a callable opening it on first need. None: no
    book, exactly a DossierDesk (a standalone PC, the hub PC itself).
    `numbers`: how intake codes are numbered, passed on to DossierDesk: on a counter PC of a
    LAN office LeasedNumbers (office-unique codes leased from the hub, kiosk/dossiers/
    numbers.py), topped up before each intake.
    """

    def __init__(self, db: Database, config: Config, hub: Any = None, *,
                 procedures: Iterable[Procedure] | None = None,
                 rules: CalendarRules | None = None, numbers: Any = None) -> None:
        extra = {"numbers": numbers} if numbers is not None else {}
        super().__init__(db, config, procedures, rules, **extra)
        self._hub_source = hub
        self._hub: Any = None
        self._local_depth = 0
        self._new_changes: list[str] = []
        self.stale = False  # the last look-up came from this PC's mirror, the hub being away
        self.online: bool | None = None  # did the last try reach the hub (None: not tried)
        if hub is not None:
            enqueue_earlier(db, self.tz, self.settings.station_id)

    @property
    def book(self) -> bool:
        return self._hub_source is not None

    def hub(self) -> Any:
        if self._hub is None:
            source = self._hub_source
            self._hub = source if hasattr(source, "push_dossier_changes") else source()
        return self._hub

    # -- reading -----------------------------------------------------------------------------

    def find(self, code: str) -> Dossier | None:
        """The dossier `code` as the office book holds it (the mirror refreshed first); with
        the hub away, this PC's mirror (`stale` is then True)."""
        if not self.book or self._local_depth:
            return super().find(code)
        self.stale = False
        try:
            self._refresh(code)
        except QueueError as exc:
            self.stale = True
            log.info("dossier book: look-up from this PC's copy (%s)",
                     getattr(exc, "code", type(exc).__name__))
        return super().find(code)

    def get(self, code: str) -> Dossier:
        dossier = self.find(code)
        if dossier is None:
            if self.stale:
                raise BookUnreachable(normalize_code(code))
            raise DossierNotFound(normalize_code(code))
        return dossier

    def state(self) -> BookState:
        """Changes waiting for the hub and lost ones (this PC's database only: no network)."""
        status = getattr(getattr(self, "numbers", None), "status", None)
        return BookState(pending_count(self.db) if self.book else 0,
                         tuple(lost_changes(self.db, self.tz)) if self.book else (),
                         self.online, status() if callable(status) else None)

    def mark_seen(self, ids: Iterable[int]) -> None:
        mark_seen(self.db, ids)

    # -- writing -----------------------------------------------------------------------------

    def save_intake(self, intake: Any, *, clerk: str, at: datetime | None = None) -> Dossier:
        if not self.book:
            return super().save_intake(intake, clerk=clerk, at=at)
        ensure = getattr(self.numbers, "ensure", None)
        if ensure is not None:
            ensure(conn=self.db.conn)  # leased numbers topped up before the transaction
        with self._mirror_only():
            dossier = super().save_intake(intake, clerk=clerk, at=at)
        # An intake the book refuses stays here and is listed for the clerk (the receipt
        # is already wanted): it is never silently dropped.
        self._settle(dossier.code, raise_refused=False)
        return super().find(dossier.code) or dossier

    def change_status(self, code: str, to: DossierStatus | int, *, clerk: str,
                      reason: str | None = None, at: datetime | None = None) -> Dossier:
        if not self.book:
            return super().change_status(code, to, clerk=clerk, reason=reason, at=at)
        self._refresh_quietly(code)
        with self._mirror_only():
            dossier = super().change_status(code, to, clerk=clerk, reason=reason, at=at)
        return self._settle(dossier.code)

    def hand_back(self, code: str, *, clerk: str, at: datetime | None = None,
                  finished_at: datetime | None = None, note: str | None = None) -> Dossier:
        if not self.book:
            return super().hand_back(code, clerk=clerk, at=at, finished_at=finished_at,
                                     note=note)
        self._refresh_quietly(code)
        with self._mirror_only():
            dossier = super().hand_back(code, clerk=clerk, at=at, finished_at=finished_at,
                                        note=note)
        return self._settle(dossier.code)

    def push(self) -> dict[str, dict[str, Any]]:
        """Push every queued change now, in order (raises HubUnavailable when away)."""
        try:
            answers = push_pending(self.db, self.hub().push_dossier_changes)
        except QueueError:
            self.online = False
            raise
        if answers:  # the hub answered (with nothing queued, nothing was asked)
            self.online = True
        return answers

    # -- internals ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _mirror_only(self) -> Iterator[None]:
        """DossierDesk's own reads inside a write see this PC's mirror (no hub round trip)."""
        self._local_depth += 1
        self._new_changes = []
        try:
            yield
        finally:
            self._local_depth -= 1

    def _publish(self, conn: sqlite3.Connection, dossier: Dossier, change: StatusChange,
                 payload: dict[str, Any], at: datetime) -> None:
        if not self.book:
            super()._publish(conn, dossier, change, payload, at)
            return
        _queue(conn, change_body(dossier, change, payload, self.settings.station_id),
               dossier.code, at)
        self._new_changes.append(change.uid)

    def _publish_record(self, conn: sqlite3.Connection, record_type: str,
                        payload: dict[str, Any], at: datetime, *,
                        after_event: str | None = None) -> None:
        if not self.book:
            super()._publish_record(conn, record_type, payload, at, after_event=after_event)
            return
        from kiosk.dossiers.slips import SLIP_RECORD

        kind = SLIP if record_type == SLIP_RECORD else HANDOVER
        _queue(conn, record_body(kind, payload, payload, after_event), payload["code"], at)
        self._new_changes.append(payload["uid"])

    def _refresh(self, code: str) -> None:
        """The book's copy of `code` into the mirror (this PC's own changes pushed first; a
        dossier with changes still waiting keeps this PC's copy)."""
        hub = self.hub()
        self.push()
        code = normalize_code(code)
        try:
            found = hub.dossier(code)
        except QueueError:
            self.online = False
            raise
        self.online = True
        if found is None:
            return
        with transaction(self.db) as conn:
            waiting = conn.execute("SELECT 1 FROM book_outbox WHERE code = ? AND sent_at IS "
                                   "NULL AND lost_at IS NULL", (code,)).fetchone()
            if waiting is None:
                mirror(conn, found[0])

    def _refresh_quietly(self, code: str) -> None:
        try:
            self._refresh(code)
        except QueueError as exc:
            log.info("dossier book: %s changed on this PC's copy, the hub being away (%s)",
                     normalize_code(code), getattr(exc, "code", type(exc).__name__))

    def _settle(self, code: str, *, raise_refused: bool = True) -> Dossier:
        """Push the change(s) just made; raise DossierConflict when the book refused them
        because another counter changed the dossier first. Offline they stay queued."""
        made = list(self._new_changes)
        try:
            self.push()
        except QueueError as exc:
            log.info("dossier book: %s queued for the hub (%s)", code,
                     getattr(exc, "code", type(exc).__name__))
        if made and raise_refused:
            marks = ", ".join("?" for _ in made)
            refused = self.db.execute(
                f"SELECT id, result, lost_reason FROM book_outbox WHERE change_id IN ({marks}) "
                "AND lost_at IS NOT NULL ORDER BY id", made).fetchall()
            if refused:
                mark_seen(self.db, [r[0] for r in refused])  # the clerk is told right now
                message, result = refused[0][2], str(refused[0][1])
                if result.startswith(CONFLICT):
                    raise DossierConflict(message, f"dossier {code}: another counter changed "
                                          "it first; the change was not applied")
                raise DossierError(message, f"dossier {code}: the office book refused the "
                                   f"change ({result})")
        dossier = super().find(code)
        if dossier is None:
            raise DossierNotFound(code)
        return dossier
