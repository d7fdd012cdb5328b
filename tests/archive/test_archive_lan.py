"""`kiosk archive` on the PCs of an office with a LAN hub: the queue's records (tickets with their
queue events and dossier links, ratings, feedback not tied to a petition) move to the archive
files; dossiers, their history, slips and hand-overs, petitions and the hub's copies of the
counters' dossiers stay live (a counter mirrors dossiers back from the hub's book, the hub takes
forwarded copies again). The hub keeps answering its counters after archiving: a replayed
operation naming an archived ticket is refused with a 404 and set aside, never a 5xx."""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from datetime import datetime

import pytest
import requests

from kiosk.archive.tables import DOSSIER_SIDE
from kiosk.config import Config
from kiosk.hub import protocol as p
from kiosk.paths import Paths
from tests.archive.test_archive import TZ, kiosk, live_count, reports
from tests.hubutil import KEY, Collector, HubProcess, wait_until

QUEUE_SIDE = ("tickets", "queue_events", "ticket_dossiers", "ratings", "citizen_feedback")


def lan_office(data, role: str) -> None:
    (data / "kiosk.toml").write_text(
        f'[hub]\nrole = "{role}"\n' + ('url = "http://192.168.1.10:8090"\n'
                                       if role == "client" else ""), encoding="utf-8")


def counts(data, tables) -> dict[str, int]:
    conn = sqlite3.connect(data / "kiosk.db")
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = "
                                            "'table'")}
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in tables if t in names}
    finally:
        conn.close()


def take_in_at_tickets(data) -> None:
    """Each dossier of 2024-2025 taken in at a ticket of its day (dossiers.ticket_id, and the
    visit's link in ticket_dossiers), as a counter does."""
    conn = sqlite3.connect(data / "kiosk.db")
    try:
        for n, (dossier_id, day) in enumerate(conn.execute(
                "SELECT id, day FROM dossiers WHERE day < '2026-01-01' ORDER BY id").fetchall()):
            conn.execute("UPDATE dossiers SET ticket_id = (SELECT id FROM tickets WHERE day = ? "
                         "ORDER BY id LIMIT 1 OFFSET ?) WHERE id = ?", (day, n % 6, dossier_id))
        conn.execute("INSERT INTO ticket_dossiers (ticket_id, dossier_code, linked_at, counter) "
                     "SELECT ticket_id, code, received_at, 1 FROM dossiers "
                     "WHERE ticket_id IS NOT NULL")
        conn.commit()
    finally:
        conn.close()


def archived_ticket(data) -> tuple[int, int]:
    """A ticket of 2024 no dossier points to (archived on a LAN PC), and the highest ticket
    id before archiving."""
    conn = sqlite3.connect(data / "kiosk.db")
    try:
        found = conn.execute(
            "SELECT min(id) FROM tickets WHERE day < '2025-01-01' AND id NOT IN "
            "(SELECT ticket_id FROM dossiers WHERE ticket_id IS NOT NULL)").fetchone()[0]
        return found, conn.execute("SELECT max(id) FROM tickets").fetchone()[0]
    finally:
        conn.close()


def test_a_hub_pc_archives_the_queue_and_keeps_the_dossier_side_live(station, tmp_path,
                                                                      capsys):
    lan_office(station, "hub")
    take_in_at_tickets(station)
    before = reports(station, tmp_path / "before")
    dossier_side = counts(station, DOSSIER_SIDE)
    queue_side = counts(station, QUEUE_SIDE)
    assert dossier_side["dossiers"] and dossier_side["dossier_events"]
    pinned = live_count(station, "tickets", "day < '2026-01-01' AND id IN (SELECT ticket_id "
                        "FROM dossiers WHERE ticket_id IS NOT NULL)")
    assert pinned  # the dossiers were taken in at tickets of those years
    links = live_count(station, "ticket_dossiers", "ticket_id IN (SELECT ticket_id FROM "
                       "dossiers)")
    capsys.readouterr()

    assert kiosk(station, "archive", "--before", "2026-01-01", "--json") == 0
    got = json.loads(capsys.readouterr().out)
    assert [y["year"] for y in got["years"]] == [2024, 2025]
    assert sorted(got["kept_live"]) == sorted(DOSSIER_SIDE)
    assert "hub.role = hub" in got["note"] and "ở lại" in got["note"]
    assert "dossiers and petitions stay live" in got["note"]
    moved = {t for y in got["years"] for t in y["rows"]}
    assert moved and not moved & set(DOSSIER_SIDE), moved
    assert {"tickets", "queue_events", "ratings", "citizen_feedback"} <= moved

    # Every dossier-side row is still live; the queue's rows of 2024-2025 are gone, but for
    # the tickets a live dossier points to (with their dossier links).
    assert counts(station, DOSSIER_SIDE) == dossier_side
    after = counts(station, QUEUE_SIDE)
    assert after["tickets"] < queue_side["tickets"] and after["ratings"] < queue_side["ratings"]
    assert live_count(station, "tickets", "day < '2026-01-01'") == pinned
    assert live_count(station, "ticket_dossiers") == links
    assert live_count(station, "ratings", "at < '2026-01-01'") == 0
    assert live_count(station, "citizen_feedback", "at < '2026-01-01'") == 0
    conn = sqlite3.connect(station / "kiosk.db")
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()

    # Reports and the logbook read the same as before archiving.
    assert reports(station, tmp_path / "after") == before

    # A second run has nothing more to move, and says why the dossiers stay.
    capsys.readouterr()
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    out = capsys.readouterr().out
    assert "Nothing to archive" in out
    assert "hồ sơ và phản ánh, kiến nghị vẫn ở lại" in out
    assert "dossiers and petitions stay live on this PC" in out


def test_a_dry_run_on_a_lan_pc_counts_only_what_moves(station, capsys):
    lan_office(station, "hub")
    size = (station / "kiosk.db").stat().st_size
    capsys.readouterr()
    assert kiosk(station, "archive", "--before", "2026-01-01", "--dry-run", "--json") == 0
    got = json.loads(capsys.readouterr().out)
    assert got["dry_run"] and sorted(got["kept_live"]) == sorted(DOSSIER_SIDE)
    rows = got["years"][0]["rows"]
    assert rows["tickets"] and not set(rows) & set(DOSSIER_SIDE)
    assert (station / "kiosk.db").stat().st_size == size
    assert not (station / "archive").exists()


def test_a_one_pc_office_still_archives_its_dossiers_and_adds_no_note(station, capsys):
    assert kiosk(station, "archive", "--before", "2026-01-01", "--dry-run", "--json") == 0
    got = json.loads(capsys.readouterr().out)
    assert "note" not in got and got["kept_live"] == []
    assert any(y["rows"].get("dossiers") for y in got["years"])


def test_a_database_serving_as_the_hub_keeps_its_dossiers_whatever_the_role(station, capsys):
    """A back-office PC running `kiosk hub` with the one-PC configuration: stations are paired
    to its database, so `kiosk archive` and the doctor treat it as the hub it is."""
    from kiosk.archive.schedule import keeps_dossiers, serves_hub
    from kiosk.store import connect

    db = connect(station / "kiosk.db")
    try:
        assert not serves_hub(db) and not keeps_dossiers(Config(), db)
        db.conn.execute("INSERT INTO hub_credentials (station_id, role, token_sha256, "
                        "created_at) VALUES ('quay-1', 'counter', 'x', '2026-01-01')")
        db.conn.commit()
        assert serves_hub(db) and keeps_dossiers(Config(), db)
    finally:
        db.conn.close()
    dossier_side = counts(station, DOSSIER_SIDE)
    capsys.readouterr()
    assert kiosk(station, "archive", "--before", "2026-01-01", "--json") == 0
    got = json.loads(capsys.readouterr().out)
    assert sorted(got["kept_live"]) == sorted(DOSSIER_SIDE)
    assert "serving as the office hub" in got["note"]
    assert counts(station, DOSSIER_SIDE) == dossier_side
    assert live_count(station, "ratings", "at < '2026-01-01'") == 0


def test_a_counter_pc_archives_its_queue_records_too(station, capsys):
    lan_office(station, "client")
    dossier_side = counts(station, DOSSIER_SIDE)
    capsys.readouterr()
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    out = capsys.readouterr().out
    assert "2024:" in out and "record(s) moved" in out and "hub.role = client" in out
    assert counts(station, DOSSIER_SIDE) == dossier_side
    assert live_count(station, "ratings", "at < '2026-01-01'") == 0
    assert (station / "archive" / "kiosk-archive-2024.db.gz").exists()


@pytest.mark.parametrize("role", ["client", "hub"])
def test_the_stations_yearly_run_archives_on_a_lan_pc(station, role):
    from kiosk.archive.schedule import read_state, run_once, start_yearly_archive

    config = Config().with_values(store={"archive_keep_months": 0, "archive_keep_years": 1},
                                  hub={"role": role})
    paths = Paths(station, station / "kiosk.toml")
    dossier_side = counts(station, DOSSIER_SIDE)
    archiver = start_yearly_archive(config, paths)
    assert archiver is not None and archiver._thread.is_alive()  # on, not logged off
    archiver.stop()
    moved = run_once(config, paths, datetime(2026, 4, 1, 19, 0, tzinfo=TZ))
    assert [m["year"] for m in moved] == [2024, 2025]
    assert read_state(paths)["done_for"] == 2026
    assert counts(station, DOSSIER_SIDE) == dossier_side
    assert live_count(station, "ratings", "at < '2026-01-01'") == 0


def _records(detail: str) -> int:
    return sum(int(n) for n in re.findall(r"(\d+) record\(s\)", detail))


def test_the_doctor_counts_what_a_lan_pc_archives(station):
    from kiosk.diagnostics.results import WARN
    from tests.archive.test_archive_idle import _archive_results

    lan = Config().with_values(hub={"role": "hub"})
    late = [r for r in _archive_results(station, lan) if r.status == WARN]
    assert len(late) == 1 and "2024:" in late[0].detail, [r.detail for r in late]
    standalone = [r for r in _archive_results(station) if r.status == WARN]
    # The dossier side is not counted on a LAN PC: it stays live there by design.
    assert _records(late[0].detail) < _records(standalone[0].detail)
    lan_office(station, "hub")
    assert kiosk(station, "archive") == 0
    results = _archive_results(station, lan)
    assert not [r for r in results if r.status == WARN], [r.detail for r in results]
    assert any("verified" in r.detail for r in results)


def test_the_hub_answers_its_counters_about_archived_tickets(station, tmp_path, capsys):
    """A real hub over the archived database: a counter's replayed finish or dossier link
    naming an archived ticket, or an operation id the hub applied before archiving, gets a
    404 and is set aside (no 5xx, no retry loop); the queue, its snapshot and its event push
    go on."""
    from kiosk.queue.errors import TicketNotFound
    from kiosk.queue.remote import RemoteQueue

    lan_office(station, "hub")
    gone, top = archived_ticket(station)
    applied = str(uuid.uuid4())  # a finish the hub applied to that ticket in 2024
    conn = sqlite3.connect(station / "kiosk.db")
    conn.execute("INSERT INTO applied_ops (op_id, kind, ticket_id, applied_at) VALUES "
                 "(?, 'finish', ?, '2024-03-04T10:00:00+07:00')", (applied, gone))
    conn.commit()
    conn.close()
    assert kiosk(station, "archive", "--before", "2026-01-01") == 0
    assert live_count(station, "tickets", f"id = {gone}") == 0
    capsys.readouterr()

    hub = HubProcess(station)
    counter_db = tmp_path / "counter" / "kiosk.db"
    counter = RemoteQueue(hub.url, KEY, outbox_path=counter_db, timeout_s=3)
    kiosk_queue = RemoteQueue(hub.url, KEY)
    events = Collector()
    try:
        # The counter recorded these while the hub was away; they are replayed now.
        now = datetime.now(TZ).isoformat()
        conn = sqlite3.connect(counter_db)
        ops = [(str(uuid.uuid4()), f"{p.COUNTERS_PATH}/1/finish",
                {"ticket_id": gone, "at": now}),
               (str(uuid.uuid4()), f"{p.TICKETS_PATH}/{gone}/dossiers",
                {"dossier_code": "000.00.01.H26-240304-0001", "counter": 1, "at": now}),
               (applied, f"{p.COUNTERS_PATH}/1/finish", {"ticket_id": gone, "at": now})]
        conn.executemany("INSERT INTO counter_outbox (op_id, hub, op, body, created_at) "
                         "VALUES (?, ?, ?, ?, ?)",
                         [(o, hub.url, path, json.dumps(b), now) for o, path, b in ops])
        conn.commit()
        conn.close()
        counter.close()  # restarted with them waiting, as after a day without the hub
        counter = RemoteQueue(hub.url, KEY, outbox_path=counter_db, timeout_s=3)
        assert counter.pending() == 3
        assert counter.flush() == 0 and counter.pending() == 0
        conn = sqlite3.connect(counter_db)
        reasons = [r for (r,) in conn.execute(
            "SELECT set_aside_reason FROM counter_outbox ORDER BY id")]
        conn.close()
        assert len(reasons) == 3 and all(r.startswith("ticket_not_found") for r in reasons), \
            reasons
        assert counter.flush() == 0  # set aside: not sent again

        # The hub's own answer, as a counter sees it: 404 with the error's words.
        with requests.Session() as http:
            http.trust_env = False
            r = http.post(f"{hub.url}{p.TICKETS_PATH}/{gone}/dossiers",
                          json={"dossier_code": "000.00.01.H26-240304-0002"},
                          headers={p.KEY_HEADER: KEY}, timeout=10)
            assert r.status_code == 404 and r.json()["error"] == "ticket_not_found"
            r = http.get(f"{hub.url}{p.TICKETS_PATH}/{gone}", headers={p.KEY_HEADER: KEY},
                         timeout=10)
            assert r.status_code == 404
        with pytest.raises(TicketNotFound):
            counter.link_dossier(gone, "000.00.01.H26-240304-0003")

        # The queue goes on: a new ticket after the highest id ever given, pushed to the
        # counter, called and finished; the snapshot reads.
        counter.subscribe(events)
        assert counter.wait_events(10)
        ticket = kiosk_queue.issue("CT")
        assert ticket.id > top
        events.wait_for(lambda items: any(e.ticket and e.ticket.id == ticket.id
                                          for e in items))
        assert counter.call_next(1, ["CT"]).id == ticket.id
        assert counter.finish(1).id == ticket.id
        wait_until(lambda: counter.pending() == 0, timeout=10)
        snap = counter.snapshot()
        assert snap.serving_at(1) is None
        assert [c.ticket_id for c in snap.recent_calls][:1] == [ticket.id]
        assert snap.seq >= max(e.seq for e in events.items)
        assert kiosk_queue.get(ticket.id).status == "done"
        assert hub.proc.poll() is None
        assert "internal error" not in hub.stderr_path.read_text(encoding="utf-8")
    finally:
        counter.close()
        kiosk_queue.close()
        hub.stop()


def test_a_pc_running_kiosk_hub_archives_as_a_hub_whatever_its_role(station):
    """`kiosk hub` serves the office's queue and dossier book: its yearly run keeps the
    dossier side live even when the PC's configuration says nothing of a hub."""
    from kiosk.archive.schedule import run_once
    from kiosk.commands.queue_ops import start_hub_archiver

    config = Config().with_values(store={"archive_keep_months": 0, "archive_keep_years": 1})
    paths = Paths(station, station / "kiosk.toml")
    dossier_side = counts(station, DOSSIER_SIDE)
    archiver = start_hub_archiver(config, paths)
    try:
        assert archiver is not None and archiver.config.hub.role == "hub"
    finally:
        archiver.stop()
    moved = run_once(archiver.config, paths, datetime(2026, 4, 1, 19, 0, tzinfo=TZ))
    assert [m["year"] for m in moved] == [2024, 2025]
    assert counts(station, DOSSIER_SIDE) == dossier_side
    assert live_count(station, "tickets", "day < '2026-01-01'") == 0
