"""Which tables move to a year's archive, and which of their rows are closed.

A record moves to the archive of the calendar year of its *last* activity (with [store]
archive_keep_months, once that day is before the month cut-off), and only when
nothing will change it any more and nothing still waits for it:

- a ticket (with its queue events and its links to dossiers, `ticket_dossiers`) of a day in
  the year; its ratings go by their own time (they carry the ticket's uid, not its id);
- a dossier (with its history, slips and hand-overs) that is closed: handed back *and* purged
  of its personal data by retention, or refused, withdrawn or stopped (3, 7, 8: purged or
  not yet; retention reaches them in the archive once past their time, kiosk/archive/purge.py);
  its year is that of its last status change, slip or hand-over;
- a petition answered or closed and purged by retention, by its last change; citizen
  feedback by its time, except the feedback of a petition still live (retention purges it
  with its petition; the phone number of other feedback is purged after its retention time,
  in the archive too);
- on the hub, the public copy of a counter's dossier (`office_dossiers`) once closed.

Whatever its age, a record stays live while the city has not taken it (an outbox row of it
pending or set aside: its uid, or the uid of one of its events, slips or hand-overs, is the
record id or the payload's uid / ticket_uid / dossier_uid), while the office dossier book has
not taken a change of it (`book_outbox`), while a live dossier points to its ticket (the
foreign key), and when it holds the highest id of its table (SQLite gives a new row the
highest id + 1: ids are never reused, so a live row and an archived one never share an id).

Operational tables (counters, outboxes, credentials, applied operations) stay live: they are
small or pruned by the sync (sync/prune.py).

On the PCs of an office with a LAN hub (`keep_dossiers`) the dossier side stays live
(DOSSIER_SIDE): a counter mirrors dossiers back from the hub's book and the hub takes the
counters' forwarded copies again, so an archived dossier would come back. Every dossier's
ticket is then pinned (the foreign key), and feedback of any petition stays with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]  # identity: a row is in the archive once under this key

    @property
    def selection(self) -> str:
        """The temp table holding the keys of this table's rows to archive."""
        return f"arch_sel_{self.name}"


#: In the order rows are deleted (children before the rows they reference).
TABLES: tuple[Table, ...] = (
    Table("queue_events", ("id",)),
    Table("ticket_dossiers", ("ticket_id", "dossier_code")),
    Table("dossier_events", ("id",)),
    Table("dossier_slips", ("id",)),
    Table("dossier_handovers", ("id",)),
    Table("dossiers", ("id",)),
    Table("tickets", ("id",)),
    Table("ratings", ("id",)),
    Table("citizen_feedback", ("id",)),
    Table("petitions", ("id",)),
    Table("office_dossiers", ("code",)),
)
BY_NAME = {t.name: t for t in TABLES}
#: What stays live on the PCs of a LAN office (select_closed's `keep_dossiers`).
DOSSIER_SIDE = ("dossiers", "dossier_events", "dossier_slips", "dossier_handovers", "petitions",
                "office_dossiers")

RETURNED, REFUSED, WITHDRAWN, STOPPED = 10, 3, 7, 8
#: Dossiers in these states are closed without a hand-back: archived purged or not (retention
#: reaches them in the archive, kiosk/archive/purge.py).
CLOSED_UNPURGED = (REFUSED, WITHDRAWN, STOPPED)
#: Payload keys in an undelivered outbox row naming the records it is about.
_PAYLOAD_UIDS = ("uid", "ticket_uid", "dossier_uid")


def existing(db: Database) -> list[Table]:
    names = {r[0] for r in db.execute("SELECT name FROM main.sqlite_master WHERE type = "
                                      "'table'").fetchall()}
    return [t for t in TABLES if t.name in names]


def columns(db: Database, table: str, schema: str = "main") -> list[str]:
    return [r[1] for r in db.execute(f"PRAGMA {schema}.table_info({table})").fetchall()]


def _max_id(db: Database, table: str) -> int:
    return db.execute(f"SELECT coalesce(max(id), 0) FROM main.{table}").fetchone()[0]


def select_closed(db: Database, year: int, until: date | None = None, *,
                  keep_dossiers: bool = False) -> dict[str, int]:
    """Fill temp tables (Table.selection) with the keys of the rows of `year` to archive
    (their last activity from 1 January to the next, or to `until` when earlier: the day
    itself excluded); returns the row count per table. Reads only: no write lock on the live
    database. `keep_dossiers` (a PC of a LAN office): nothing of DOSSIER_SIDE is selected."""
    conn = db.conn
    end_day = date(year + 1, 1, 1) if until is None else min(until, date(year + 1, 1, 1))
    start, end = f"{year:04d}-01-01", end_day.isoformat()
    present = {t.name for t in existing(db)}
    conn.execute("DROP TABLE IF EXISTS temp.arch_held")
    conn.execute("CREATE TEMP TABLE arch_held (k TEXT PRIMARY KEY) WITHOUT ROWID")
    conn.execute("INSERT OR IGNORE INTO temp.arch_held SELECT record_id FROM main.outbox "
                 "WHERE sent_at IS NULL")
    for key in _PAYLOAD_UIDS:
        conn.execute("INSERT OR IGNORE INTO temp.arch_held SELECT json_extract(payload, ?) "
                     "FROM main.outbox WHERE sent_at IS NULL AND json_valid(payload) AND "
                     "json_extract(payload, ?) IS NOT NULL", (f"$.{key}", f"$.{key}"))
    if "book_outbox" in {r[0] for r in conn.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table'")}:
        conn.execute("INSERT OR IGNORE INTO temp.arch_held SELECT 'code:' || code FROM "
                     "main.book_outbox WHERE sent_at IS NULL")
    for t in TABLES:
        cols = ", ".join(t.key)
        conn.execute(f"DROP TABLE IF EXISTS temp.{t.selection}")
        conn.execute(f"CREATE TEMP TABLE {t.selection} ({cols}, PRIMARY KEY ({cols}))")

    def held(uid_expr: str) -> str:
        return f"{uid_expr} IN (SELECT k FROM temp.arch_held)"

    if "dossiers" in present and not keep_dossiers:
        top = {n: _max_id(db, n) for n in ("dossiers", "dossier_events", "dossier_slips",
                                           "dossier_handovers") if n in present}
        last = ["d.received_at", "coalesce(d.finished_at, '')", "coalesce(d.returned_at, '')",
                "coalesce((SELECT max(at) FROM main.dossier_events e "
                "WHERE e.dossier_id = d.id), '')"]
        children = [("dossier_events", "at")]
        for child, when in (("dossier_slips", "issued_at"), ("dossier_handovers", "at")):
            if child in present:
                last.append(f"coalesce((SELECT max({when}) FROM main.{child} c "
                            "WHERE c.dossier_id = d.id), '')")
                children.append((child, when))
        busy_children = " OR ".join(
            f"EXISTS (SELECT 1 FROM main.{child} c WHERE c.dossier_id = d.id AND "
            f"({held('c.uid')} OR c.id >= {top[child]}))" for child, _ in children)
        closed = (f"((d.status = {RETURNED} AND d.purged_at IS NOT NULL) OR d.status IN "
                  f"({', '.join(map(str, CLOSED_UNPURGED))}))")
        code_held = held("'code:' || d.code")
        conn.execute(
            "INSERT INTO temp.arch_sel_dossiers SELECT id FROM (SELECT d.id, "
            f"max({', '.join(last)}) AS last_at FROM main.dossiers d WHERE {closed} "
            f"AND d.id < {top['dossiers']} AND NOT {held('d.uid')} AND NOT {code_held} "
            f"AND NOT ({busy_children})) WHERE substr(last_at, 1, 10) >= ? "
            "AND substr(last_at, 1, 10) < ?", (start, end))
        for child, _ in children:
            conn.execute(f"INSERT INTO temp.{BY_NAME[child].selection} SELECT c.id FROM "
                         f"main.{child} c WHERE c.dossier_id IN "
                         "(SELECT id FROM temp.arch_sel_dossiers)")
    if "tickets" in present:
        top_t, top_q = _max_id(db, "tickets"), _max_id(db, "queue_events")
        pinned = ""
        if "dossiers" in present:
            # A live dossier's ticket stays (the foreign key dossiers.ticket_id), found in one
            # pass over the dossiers (ticket_id has no index).
            conn.execute("DROP TABLE IF EXISTS temp.arch_pinned")
            conn.execute("CREATE TEMP TABLE arch_pinned AS SELECT DISTINCT ticket_id AS id "
                         "FROM main.dossiers WHERE ticket_id IS NOT NULL AND id NOT IN "
                         "(SELECT id FROM temp.arch_sel_dossiers)")
            pinned = "AND t.id NOT IN (SELECT id FROM temp.arch_pinned)"
        conn.execute(
            f"INSERT INTO temp.arch_sel_tickets SELECT t.id FROM main.tickets t "
            f"WHERE t.day >= ? AND t.day < ? AND t.id < {top_t} AND NOT {held('t.uid')} "
            f"{pinned} AND NOT EXISTS (SELECT 1 FROM main.queue_events e WHERE "
            f"e.ticket_id = t.id AND ({held('e.uid')} OR e.id >= {top_q}))", (start, end))
        conn.execute("INSERT INTO temp.arch_sel_queue_events SELECT e.id FROM main.queue_events "
                     "e WHERE e.ticket_id IN (SELECT id FROM temp.arch_sel_tickets)")
        if "ticket_dossiers" in present:
            conn.execute("INSERT INTO temp.arch_sel_ticket_dossiers SELECT ticket_id, "
                         "dossier_code FROM main.ticket_dossiers WHERE ticket_id IN "
                         "(SELECT id FROM temp.arch_sel_tickets)")
    if "ratings" in present:
        conn.execute(f"INSERT INTO temp.arch_sel_ratings SELECT id FROM main.ratings r WHERE "
                     f"r.at >= ? AND r.at < ? AND r.id < {_max_id(db, 'ratings')} "
                     f"AND NOT {held('r.uid')}", (start, end))
    if "petitions" in present and not keep_dossiers:
        conn.execute(
            f"INSERT INTO temp.arch_sel_petitions SELECT id FROM (SELECT p.id, max(p.received_at, "
            f"coalesce(p.answered_at, ''), coalesce(p.closed_at, '')) AS last_at FROM "
            f"main.petitions p WHERE p.status IN ('answered', 'closed') AND p.purged_at IS NOT "
            f"NULL AND p.id < {_max_id(db, 'petitions')} AND NOT {held('p.uid')}) "
            "WHERE substr(last_at, 1, 10) >= ? AND substr(last_at, 1, 10) < ?", (start, end))
    if "citizen_feedback" in present:
        live_petition = ""
        if "petitions" in present:
            live_petition = ("AND f.uid NOT IN (SELECT feedback_uid FROM main.petitions WHERE "
                             "feedback_uid IS NOT NULL AND id NOT IN "
                             "(SELECT id FROM temp.arch_sel_petitions))")
        # Feedback that became a petition goes with it (purged); other feedback has no
        # retention to escape, it goes by its time.
        conn.execute(f"INSERT INTO temp.arch_sel_citizen_feedback SELECT id FROM "
                     f"main.citizen_feedback f WHERE f.at >= ? AND f.at < ? "
                     f"AND f.id < {_max_id(db, 'citizen_feedback')} AND NOT "
                     f"{held('f.uid')} {live_petition}", (start, end))
    if "office_dossiers" in present and not keep_dossiers:
        conn.execute(
            f"INSERT INTO temp.arch_sel_office_dossiers SELECT code FROM (SELECT o.code, "
            f"max(o.received_at, coalesce(o.finished_at, ''), coalesce(o.returned_at, '')) AS "
            f"last_at FROM main.office_dossiers o WHERE o.status IN ({RETURNED}, "
            f"{', '.join(map(str, CLOSED_UNPURGED))})) WHERE substr(last_at, 1, 10) >= ? AND "
            "substr(last_at, 1, 10) < ?", (start, end))
    return {t.name: conn.execute(f"SELECT count(*) FROM temp.{t.selection}").fetchone()[0]
            for t in TABLES if t.name in present}


def drop_selection(db: Database) -> None:
    for name in [t.selection for t in TABLES] + ["arch_held", "arch_pinned"]:
        db.conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
