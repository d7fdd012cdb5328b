"""The years benchmark's copied days: what a real day has of its own, each copy has too, and
every figure still holds together (benchmarks/years.py `_build`)."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date, datetime, time

import pytest

from benchmarks import years

FIRST = date(2026, 3, 2)  # a Monday: the template day, then two copies
LAST = date(2026, 3, 4)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("years") / "kiosk.db"
    info = years._build(path, FIRST, LAST, lambda text: None)
    assert info["working_days"] == 3
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    yield path, conn
    conn.close()


def _rows(conn, sql, *args):
    return conn.execute(sql, args).fetchall()


def test_a_copied_day_has_its_own_uids(built):
    _, conn = built
    template = {r["uid"] for r in _rows(conn, "SELECT uid FROM tickets WHERE day = ?",
                                        FIRST.isoformat())}
    template |= {r["uid"] for r in _rows(
        conn, "SELECT q.uid FROM queue_events q JOIN tickets t ON t.id = q.ticket_id "
        "WHERE t.day = ?", FIRST.isoformat())}
    heads = {u[:24] for u in template}
    for day in ("2026-03-03", "2026-03-04"):
        copied = [r["uid"] for r in _rows(conn, "SELECT uid FROM tickets WHERE day = ?", day)]
        copied += [r["uid"] for r in _rows(
            conn, "SELECT q.uid FROM queue_events q JOIN tickets t ON t.id = q.ticket_id "
            "WHERE t.day = ?", day)]
        assert len(copied) > 2000
        assert len(set(copied)) == len(copied)
        assert not set(copied) & template
        # not the template's uid with a suffix: none starts as a template uid does
        assert sum(u[:24] in heads for u in copied) == 0
        for u in copied:  # in the application's own form (uuid4 as text)
            assert str(uuid.UUID(u)) == u and uuid.UUID(u).version == 4
    # the outbox names each record by its copied uid; a rating its copied ticket
    missing = conn.execute(
        "SELECT count(*) FROM tickets t WHERE t.day > ? AND NOT EXISTS "
        "(SELECT 1 FROM outbox o WHERE o.record_id = t.uid)", (FIRST.isoformat(),)).fetchone()
    assert missing[0] == 0
    orphans = conn.execute(
        "SELECT count(*) FROM ratings r WHERE r.ticket_uid IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM tickets t WHERE t.uid = r.ticket_uid AND t.number = r.ticket_number "
        "AND t.counter = r.counter AND t.clerk = r.clerk "
        "AND t.day = substr(r.at, 1, 10) AND t.finished_at < r.at)").fetchone()
    assert orphans[0] == 0


def test_a_tickets_times_move_together_and_stay_in_order(built):
    _, conn = built
    tickets = {r["id"]: r for r in _rows(conn, "SELECT * FROM tickets")}
    events: dict[int, list] = {}
    for r in _rows(conn, "SELECT * FROM queue_events ORDER BY id"):
        events.setdefault(r["ticket_id"], []).append(r)
    moved = 0
    for tid, t in tickets.items():
        k, template_id = divmod(tid, years.STRIDE)
        issued = datetime.fromisoformat(t["issued_at"])
        assert issued.utcoffset() is not None and issued.date().isoformat() == t["day"]
        # issued inside the office's morning or afternoon
        assert time(8) <= issued.time() < time(12) or time(13) <= issued.time() < time(17)
        stamps = [datetime.fromisoformat(e["at"]) for e in events[tid]]
        assert stamps == sorted(stamps), f"ticket {tid}: events out of order"
        assert stamps[0] == issued
        assert all(s.date() == issued.date() for s in stamps)
        calls = [e["at"] for e in events[tid] if e["kind"] == "called"]
        finished = [e["at"] for e in events[tid] if e["kind"] in ("finished", "skipped")]
        if t["called_at"]:
            assert t["called_at"] == calls[0]
            assert t["issued_at"] <= t["called_at"]
        if t["finished_at"]:
            assert t["finished_at"] == finished[-1]
            assert datetime.fromisoformat(t["called_at"]) <= datetime.fromisoformat(
                t["finished_at"])
        for e in events[tid]:  # the counter of its calls is the ticket's counter that day
            if e["kind"] in ("called", "finished") and t["counter"] is not None:
                assert f'"counter":{t["counter"]},' in e["detail"]
        if k:
            base = tickets[template_id]
            shift = issued - datetime.fromisoformat(base["issued_at"])
            assert shift.days in (k - 1, k)  # whole days of the copy, plus or minus its shift
            for e, b in zip(events[tid], events[template_id], strict=True):
                assert datetime.fromisoformat(e["at"]) - datetime.fromisoformat(b["at"]) == shift
            moved += shift.seconds % 86400 != 0 or shift.microseconds != 0
    assert moved > 0.9 * (len(tickets) * 2 / 3)


def test_a_dossiers_steps_move_together_and_stay_in_order(built):
    _, conn = built
    dossiers = {r["id"]: r for r in _rows(conn, "SELECT * FROM dossiers")}
    steps: dict[int, list] = {}
    for r in _rows(conn, "SELECT * FROM dossier_events ORDER BY id"):
        steps.setdefault(r["dossier_id"], []).append(r)
    codes = [d["short_code"] for d in dossiers.values()]
    assert len(set(codes)) == len(codes)
    for did, d in dossiers.items():
        received = datetime.fromisoformat(d["received_at"])
        assert received.date().isoformat() == d["day"]
        stamps = [datetime.fromisoformat(s["at"]) for s in steps[did]]
        assert stamps == sorted(stamps) and stamps[0] == received
        k, template_id = divmod(did, years.STRIDE)
        if k:
            base = [datetime.fromisoformat(s["at"]) for s in steps[template_id]]
            shifts = {a - b for a, b in zip(stamps, base, strict=True)}
            assert len(shifts) == 1
            for s, b in zip(stamps, base, strict=True):  # each step on its own day still
                assert (s.date() - b.date()).days == (received.date() - FIRST).days


def test_the_copied_days_figures_hold_together(built):
    """The shift moves a ticket's stamps together, so a copy's waiting and service times are
    the template day's; the kept day figures (their fingerprints) read as computed."""
    from kiosk.stats import office_stats
    from kiosk.store import connect

    path, _ = built
    db = connect(path)
    try:
        template = office_stats(db, FIRST, FIRST, years.TZ, keep_days=False)
        copy = office_stats(db, LAST, LAST, years.TZ, keep_days=False)
        for name in ("issued", "called", "served", "skipped", "waiting", "service"):
            assert getattr(copy.total, name) == getattr(template.total, name), name
        assert ({(g.label, g.served) for g in copy.by_clerk}
                == {(g.label, g.served) for g in template.by_clerk})
        assert sorted(g.served for g in copy.by_counter) == sorted(
            g.served for g in template.by_counter)
        assert copy.total.ratings != template.total.ratings  # drawn again per copy
        fresh = office_stats(db, FIRST, LAST, years.TZ, keep_days=False)
        office_stats(db, FIRST, LAST, years.TZ)  # keeps the settled days
        kept = office_stats(db, FIRST, LAST, years.TZ)  # reads them, checked by fingerprint
        assert db.execute("SELECT count(*) FROM stats_days").fetchone()[0] >= 3
        assert kept.total == fresh.total and kept.by_day == fresh.by_day
    finally:
        db.conn.close()
