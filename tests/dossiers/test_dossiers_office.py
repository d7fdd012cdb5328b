"""Counter PCs of one office on the office's dossier book: OfficeDesks, each on its own
SQLite file with its own paired key, talking over real HTTP to one real `kiosk hub` process
(tests/dossiers/bookhub.py RealBook). Only the deterministic "two counters at the same moment"
test uses the stand-in hub (BookHub), which can hold both changes until both have arrived;
the real hub is raced for the same outcome in test_two_counters_racing_on_the_real_hub.
"""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from kiosk.config import Config
from kiosk.dossiers import DossierDesk, DossierStatus
from kiosk.dossiers.office import (
    BookUnreachable,
    DossierConflict,
    OfficeDesk,
    lost_changes,
    pending_count,
)
from kiosk.dossiers.status import IllegalTransition
from kiosk.queue.remote import RemoteQueue
from kiosk.store import connect
from tests.dossiers.bookhub import BookHub, RealBook
from tests.dossiers.test_dossiers_helpers import CLERK, HCM, ID_NUMBER, intake
from tests.util import wait_until

OTHER_CLERK = "Trần Văn Bình"


@pytest.fixture
def hub(tmp_path):
    book = RealBook(tmp_path / "hub" / "data")
    yield book
    book.close()


@pytest.fixture
def stand_in(tmp_path):
    book = BookHub(tmp_path / "stand-in" / "kiosk.db")
    yield book
    book.close()


class Counter:
    """One counter PC: its own database file, its RemoteQueue to the hub, its OfficeDesk."""

    def __init__(self, path, station: str, hub, *, number: int = 1, background: bool = False):
        from kiosk.dossiers.numbers import leased_numbers_for
        from kiosk.paths import Paths

        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = connect(path)
        self.config = Config().with_values(station={"id": station}, counter={"number": number},
                                           hub={"role": "client"})
        self.queue = RemoteQueue(hub.url, hub.key_for(station), outbox_path=path, timeout_s=2,
                                 dossier_book=True,
                                 on_connection=(lambda _state: None) if background else None)
        # As the counter window makes it: office-unique numbers leased through the same queue.
        numbers = leased_numbers_for(self.config, Paths(path.parent, path.parent / "kiosk.toml"),
                                     self.queue)
        self.desk = OfficeDesk(self.db, self.config, self.queue, numbers=numbers)

    def city_rows(self) -> int:
        return self.db.execute("SELECT count(*) FROM outbox WHERE record_type = 'dossier'"
                               ).fetchone()[0]

    def close(self) -> None:
        self.queue.close()
        self.db.conn.close()


@pytest.fixture
def counters(tmp_path, hub):
    made: list[Counter] = []

    def make(name: str, book=None, **kw) -> Counter:
        counter = Counter(tmp_path / name / "kiosk.db", name, book or hub,
                          number=len(made) + 1, **kw)
        made.append(counter)
        return counter

    yield make
    for counter in made:
        counter.close()


def test_taken_in_at_one_counter_handed_back_at_another(hub, counters):
    a, b = counters("counter-a"), counters("counter-b")
    taken = a.desk.save_intake(intake(), clerk=CLERK)
    assert hub.dossier(taken.code)["submitter"]["id_number"] == ID_NUMBER
    assert pending_count(a.db) == 0

    assert b.db.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0
    seen = b.desk.get(taken.code)  # by code, at the other PC
    assert (seen.uid, seen.submitter.id_number, seen.status) == (
        taken.uid, ID_NUMBER, DossierStatus.RECEIVED)
    assert not b.desk.stale
    returned = b.desk.hand_back(taken.code, clerk=OTHER_CLERK)
    assert returned.status is DossierStatus.RETURNED
    assert b.desk.receipt_slip(taken.code).code == taken.code  # reprint at the other PC

    book = hub.dossier(taken.code)
    assert book["status"] == int(DossierStatus.RETURNED)
    assert [h["to"] for h in book["history"]] == [2, 9, 10]
    assert [h["clerk"] for h in book["history"]] == [CLERK, OTHER_CLERK, OTHER_CLERK]
    # A sees the hand-back made at B.
    assert a.desk.get(taken.code).status is DossierStatus.RETURNED
    assert [h.uid for h in a.desk.get(taken.code).history] == [h["uid"] for h in book["history"]]

    # The city hears of each change once, from the hub, under the event's uid; the counters
    # keep no city record of their own for dossiers.
    city = hub.city_records()
    assert [record_id for record_id, _ in city] == [h["uid"] for h in book["history"]]
    assert [payload["event"]["to"] for _, payload in city] == [2, 9, 10]
    assert a.city_rows() == b.city_rows() == 0


def test_two_counters_change_the_same_dossier_at_once(stand_in, counters):
    hub = stand_in
    a, b = counters("counter-a", hub), counters("counter-b", hub)
    code = a.desk.save_intake(intake(), clerk=CLERK).code
    b.desk.get(code)
    hub.hold_changes(2)  # both changes reach the hub before either is applied
    outcomes: dict[str, object] = {}

    def act(name: str, counter: Counter, to: DossierStatus, reason: str | None) -> None:
        try:
            outcomes[name] = counter.desk.change_status(code, to, clerk=name, reason=reason)
        except Exception as exc:  # noqa: BLE001 - the test looks at what was raised
            outcomes[name] = exc

    threads = [threading.Thread(target=act, args=("A", a, DossierStatus.PROCESSING, None)),
               threading.Thread(target=act, args=("B", b, DossierStatus.WITHDRAWN,
                                                  "Công dân rút hồ sơ"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    conflicts = [n for n, o in outcomes.items() if isinstance(o, DossierConflict)]
    winners = [n for n, o in outcomes.items() if not isinstance(o, Exception)]
    assert len(conflicts) == 1 and len(winners) == 1, outcomes
    loser = a if conflicts[0] == "A" else b
    message = outcomes[conflicts[0]].message_vi
    assert "quầy khác cập nhật" in message and "Vui lòng xem lại" in message

    book = hub.dossier(code)
    assert [h["clerk"] for h in book["history"]] == [CLERK, winners[0]]  # no overwrite
    # The loser's copy is now the book's: the winner's change, not its own.
    mine = loser.desk.get(code)
    assert [h.uid for h in mine.history] == [h["uid"] for h in book["history"]]
    assert int(mine.status) == book["status"]
    # The clerk was told at once: nothing left in the list of lost changes.
    assert lost_changes(loser.db) == []
    assert [r for r, _ in hub.city_records()] == [h["uid"] for h in book["history"]]


def test_offline_changes_reach_the_book_once_in_order_when_the_hub_returns(hub, counters):
    a = counters("counter-a", background=True)  # its RemoteQueue thread replays the queue
    code = a.desk.save_intake(intake(), clerk=CLERK).code
    hub.stop()
    wait_until(lambda: a.queue.connection is not None and not a.queue.connection.connected)

    moved = a.desk.change_status(code, DossierStatus.PROCESSING, clerk=CLERK)
    assert moved.status is DossierStatus.PROCESSING  # on this PC's copy
    a.desk.hand_back(code, clerk=CLERK)  # finished, then returned: two more changes
    second = a.desk.save_intake(intake(), clerk=CLERK)  # intake offline too
    assert a.desk.online is False
    assert pending_count(a.db) == 4
    seen = a.desk.get(code)
    assert a.desk.stale and seen.status is DossierStatus.RETURNED
    with pytest.raises(BookUnreachable) as unreachable:
        a.desk.get("000.00.01.H26-260101-0077")
    assert unreachable.value.message_vi.startswith("Không kết nối được máy chủ văn phòng")

    hub.start()
    wait_until(lambda: pending_count(a.db) == 0, timeout=15)
    book = hub.dossier(code)
    assert [h["to"] for h in book["history"]] == [2, 4, 9, 10]
    assert book["status"] == int(DossierStatus.RETURNED)
    assert hub.dossier(second.code)["uid"] == second.uid
    local = [h.uid for h in a.desk.get(code).history]
    assert [h["uid"] for h in book["history"]] == local
    # Each change reached the book (and the city) once.
    # Each change reached the book, and the city, once and in the order made.
    city = [r for r, _ in hub.city_records()]
    assert city == local + [second.history[0].uid]


def test_a_replayed_change_that_conflicts_is_kept_as_lost(hub, counters):
    a = counters("counter-a")
    b = counters("counter-b")
    code = a.desk.save_intake(intake(), clerk=CLERK).code
    b.desk.get(code)
    hub.stop()
    a.desk.change_status(code, DossierStatus.PROCESSING, clerk=CLERK)  # offline at A
    a.desk.change_status(code, DossierStatus.FINISHED, clerk=CLERK)
    assert pending_count(a.db) == 2
    hub.start()
    b.desk.change_status(code, DossierStatus.WITHDRAWN, clerk=OTHER_CLERK,
                         reason="Công dân rút hồ sơ")  # B reaches the book first

    assert a.queue.push_book_changes() == 0  # what the background thread does
    assert pending_count(a.db) == 0
    lost = lost_changes(a.db)
    assert [x.code for x in lost] == [code, code]
    assert "quầy khác cập nhật" in lost[0].message_vi
    assert "Công dân yêu cầu rút hồ sơ" in lost[0].message_vi
    # A's copy is the book's again (without asking the hub), and the book has B's change only.
    book = hub.dossier(code)
    assert [h["clerk"] for h in book["history"]] == [CLERK, OTHER_CLERK]
    assert [tuple(r) for r in a.db.execute(
        "SELECT e.uid, e.to_status FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id "
        "WHERE d.code = ? ORDER BY e.id", (code,))] == [
        (h["uid"], h["to"]) for h in book["history"]]
    assert a.db.execute("SELECT status FROM dossiers WHERE code = ?", (code,)).fetchone()[0] == 7
    assert a.desk.get(code).status is DossierStatus.WITHDRAWN
    assert a.desk.state().lost == tuple(lost)
    a.desk.mark_seen([x.id for x in lost])
    assert a.desk.state().lost == ()


def test_dossiers_taken_in_before_the_book_are_uploaded_once_without_the_city(
        hub, tmp_path):
    path = tmp_path / "old" / "kiosk.db"
    path.parent.mkdir()
    db = connect(path)
    config = Config().with_values(station={"id": "counter-old"})
    old = DossierDesk(db, config)
    first = old.save_intake(intake(), clerk=CLERK)
    old.hand_back(first.code, clerk=CLERK, at=datetime.now(HCM))
    second = old.save_intake(intake(), clerk=CLERK)
    queue = RemoteQueue(hub.url, hub.key_for("counter-old"), outbox_path=path,
                        dossier_book=True)
    try:
        desk = OfficeDesk(db, config, queue)
        assert pending_count(db) == 4
        OfficeDesk(db, config, queue)  # opened again: nothing queued twice
        assert pending_count(db) == 4
        desk.push()
        assert pending_count(db) == 0
        assert [h["to"] for h in hub.dossier(first.code)["history"]] == [2, 9, 10]
        assert hub.dossier(first.code)["returned_at"] is not None
        assert hub.dossier(second.code)["status"] == int(DossierStatus.RECEIVED)
        assert hub.city_records() == []  # the counter's own sync delivers those
        OfficeDesk(db, config, queue)
        assert pending_count(db) == 0
    finally:
        queue.close()
        db.conn.close()


def test_without_a_hub_the_desk_is_the_standalone_one(db, config):
    desk = OfficeDesk(db, config)  # no hub: standalone, city outbox as today
    code = desk.save_intake(intake(), clerk=CLERK).code
    desk.hand_back(code, clerk=CLERK)
    assert db.execute("SELECT count(*) FROM outbox WHERE record_type = 'dossier'"
                      ).fetchone()[0] == 3
    assert pending_count(db) == 0


def test_in_book_mode_the_office_feed_forwards_ratings_only(tmp_path):
    from kiosk.feedback.ratings import record_rating
    from kiosk.officefeed.forward import backlog, forward_pending

    db = connect(tmp_path / "kiosk.db")
    try:
        desk = DossierDesk(db, Config().with_values(station={"id": "counter-2"}))
        code = desk.save_intake(intake(), clerk=CLERK).code
        record_rating(db, ticket_uid=None, dossier_code=code, counter=2, clerk=CLERK,
                      level="satisfied", reasons=[], at=datetime.now(HCM),
                      station_id="counter-2")
        sent: list[dict] = []

        def post(batch: dict) -> dict:
            sent.extend(batch["records"])
            return {"applied": len(batch["records"])}

        assert backlog(db, "hub", dossiers=False) == 1
        assert backlog(db, "hub") == 2
        assert forward_pending(db, "hub", post, HCM, dossiers=False) == 1
        assert [r["type"] for r in sent] == ["rating"]
        assert backlog(db, "hub", dossiers=False) == 0
    finally:
        db.conn.close()


def test_retention_counts_a_change_the_book_took_as_delivered(hub, counters):
    from datetime import timedelta

    from kiosk.dossiers import purge_personal_data

    a = counters("counter-a")
    sent = a.desk.save_intake(intake(), clerk=CLERK).code
    a.desk.hand_back(sent, clerk=CLERK)
    hub.stop()
    kept = a.desk.save_intake(intake(), clerk=CLERK).code
    a.desk.hand_back(kept, clerk=CLERK)  # offline: the book does not have it yet
    later = datetime.now(HCM) + timedelta(days=120)
    report = purge_personal_data(a.db, now=later, retention_days=90)
    assert (report.purged, report.waiting_for_sync) == ([sent], [kept])
    bodies = dict(a.db.execute("SELECT change_id, body FROM book_outbox WHERE code = ?",
                               (sent,)).fetchall())
    assert set(bodies.values()) == {"{}"}
    raw = a.db.execute("SELECT group_concat(body) FROM book_outbox").fetchone()[0]
    assert raw.count(ID_NUMBER) == 1  # only in the intake of `kept`, still queued
    from kiosk.dossiers.office import resend_all

    assert resend_all(a.db) == 0  # an emptied copy is never sent again


def test_retention_purges_a_mirrored_copy_of_another_counters_dossier(hub, counters):
    from datetime import timedelta

    from kiosk.dossiers import purge_personal_data

    a, b = counters("counter-a"), counters("counter-b")
    code = a.desk.save_intake(intake(), clerk=CLERK).code
    a.desk.hand_back(code, clerk=CLERK)
    assert b.desk.get(code).status is DossierStatus.RETURNED  # B's mirror holds a copy
    later = datetime.now(HCM) + timedelta(days=120)
    assert purge_personal_data(b.db, now=later, retention_days=90).purged == [code]
    row = b.db.execute("SELECT submitter_id_number, purged_at FROM dossiers WHERE code = ?",
                       (code,)).fetchone()
    assert row[0] is None and row[1] is not None


def test_dossier_show_works_at_every_counter_pc(hub, counters, tmp_path, capsys):
    import json

    from kiosk.cli import main

    a = counters("counter-a")
    code = a.desk.save_intake(intake(), clerk=CLERK).code
    station = tmp_path / "counter-b"
    station.mkdir()
    (station / "kiosk.toml").write_text(
        f'[hub]\nrole = "client"\nurl = "{hub.url}"\n'
        f'station_key = "{hub.key_for("counter-b")}"\ntimeout_s = 2\n'
        '[station]\nid = "counter-b"\n', encoding="utf-8")
    base = ["--data-dir", str(station)]
    assert main([*base, "dossier", "show", code, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["code"] == code and shown["submitter"]["id_number"] == ID_NUMBER

    hub.stop()  # this PC's copy now, said so on stderr
    assert main([*base, "dossier", "show", code, "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["code"] == code
    assert "The office hub did not answer" in err
    assert main([*base, "dossier", "show", "000.00.01.H26-260101-0077"]) == 1
    assert "Không kết nối được máy chủ văn phòng" in capsys.readouterr().err


def test_two_counters_racing_on_the_real_hub(hub, counters):
    """Both counters end the same dossier at the same time (withdrawn, stopped: from either,
    the other is illegal): exactly one change is in the book; the other counter is told,
    with a conflict (both made on the same version) or, having seen the winner first, the
    illegal transition. Never both, never a silent overwrite."""
    a, b = counters("counter-a"), counters("counter-b")
    seen: list[str] = []
    for _round in range(5):
        code = a.desk.save_intake(intake(), clerk=CLERK).code
        b.desk.get(code)
        start = threading.Barrier(2)
        outcomes: dict[str, object] = {}

        def act(name: str, counter: Counter, to: DossierStatus, code=code, start=start,
                outcomes=outcomes) -> None:
            start.wait(5)
            try:
                outcomes[name] = counter.desk.change_status(code, to, clerk=name,
                                                            reason="Lý do của quầy")
            except (DossierConflict, IllegalTransition) as exc:
                outcomes[name] = exc

        threads = [threading.Thread(target=act, args=("A", a, DossierStatus.WITHDRAWN)),
                   threading.Thread(target=act, args=("B", b, DossierStatus.STOPPED))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        winners = [n for n, o in outcomes.items() if not isinstance(o, Exception)]
        assert len(winners) == 1 and len(outcomes) == 2, outcomes
        seen.extend(type(o).__name__ for o in outcomes.values() if isinstance(o, Exception))
        book = hub.dossier(code)
        assert [h["clerk"] for h in book["history"]] == [CLERK, winners[0]]
        for counter in (a, b):  # both PCs now hold the book's copy
            assert [h.uid for h in counter.desk.get(code).history] == [
                h["uid"] for h in book["history"]]
    print("the losers were told:", seen)


def test_a_long_offline_backlog_goes_in_batches_the_hub_takes(hub, counters):
    a = counters("counter-a")
    hub.stop()
    codes = [a.desk.save_intake(intake(notes="Ghi chú dài " * 40), clerk=CLERK).code
             for _ in range(40)]
    sizes = [len(r[0]) for r in a.db.execute("SELECT body FROM book_outbox")]
    assert sum(sizes) > 2 * 64 * 1024  # more than the hub takes in one request
    hub.start()
    a.desk.push()
    assert pending_count(a.db) == 0 and lost_changes(a.db) == []
    assert [hub.dossier(c)["code"] for c in codes] == codes
    assert len(hub.city_records()) == 40


CARD = ("089202017098|352576714|Lê Văn Lương|23052002|Nam|Tổ 10 Ấp An Thái, Hòa Bình, Chợ "
        "Mới, An Giang|31122021")


def test_headless_commands_with_hub_take_in_at_one_pc_and_hand_back_at_another(
        hub, tmp_path, capsys):
    import json

    from kiosk.cli import main

    pc1, pc2 = tmp_path / "pc1", tmp_path / "pc2"

    def run(pc, station: str, *args: str) -> tuple[int, str, str]:
        (pc / "kiosk.toml").parent.mkdir(exist_ok=True)
        (pc / "kiosk.toml").write_text(f'[station]\nid = "{station}"\n', encoding="utf-8")
        code = main(["--data-dir", str(pc), "dossier", *args, "--hub", hub.url, "--key",
                     hub.key_for(station), "--json"])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = run(pc1, "pc-1", "intake", "--procedure", "1.004222", "--cccd", CARD,
                       "--clerk", CLERK)
    assert code == 0
    taken = json.loads(out)
    assert hub.dossier(taken["code"])["submitter"]["id_number"] == "089202017098"
    code, out, _ = run(pc2, "pc-2", "show", taken["code"])
    assert code == 0 and json.loads(out)["uid"] == taken["uid"]
    code, out, _ = run(pc2, "pc-2", "return", taken["code"], "--clerk", OTHER_CLERK)
    assert code == 0 and json.loads(out)["status"] == 10
    assert [h["to"] for h in hub.dossier(taken["code"])["history"]] == [2, 9, 10]
    code, _, err = run(pc2, "pc-2", "status", taken["code"], "--to", "processing",
                       "--clerk", OTHER_CLERK)
    assert code == 1 and "Lỗi: " in err and "Error: " in err  # returned: nothing more
    code, _, err = run(pc2, "pc-2", "show", "000.00.01.H26-200101-0099")
    assert code == 1 and "Không tìm thấy hồ sơ" in err
    assert taken["book"] == "saved"

    # A key of another station than this PC's [station] id: refused with the fix, exit 1.
    code, out, err = main(["--data-dir", str(pc1), "dossier", "intake", "--procedure",
                           "1.004222", "--cccd", CARD, "--clerk", CLERK, "--hub", hub.url,
                           "--key", hub.key_for("pc-2"), "--json"]), *capsys.readouterr()
    assert code == 1 and out == ""
    assert 'Đặt [station] id = "pc-2"' in err and "Error: the office book refused" in err


def test_headless_intake_with_the_hub_away_is_kept_and_sent_later(hub, tmp_path, capsys):
    """Offline-first like the window: the intake is saved here ("book": "pending", exit 0) and
    reaches the book with this PC's next command once the hub answers."""
    import json

    from kiosk.cli import main

    pc = tmp_path / "pc1"
    pc.mkdir()
    (pc / "kiosk.toml").write_text('[station]\nid = "pc-1"\n[counter]\nnumber = 4\n',
                                   encoding="utf-8")
    key, url = hub.key_for("pc-1"), hub.url
    hub.stop()
    assert main(["--data-dir", str(pc), "dossier", "intake", "--procedure", "1.004222",
                 "--cccd", CARD, "--clerk", CLERK, "--hub", url, "--key", key, "--json"]) == 0
    taken = json.loads(capsys.readouterr().out)
    assert taken["book"] == "pending" and taken["code"].endswith("-9301")  # counter 4's range
    hub.start()
    assert main(["--data-dir", str(pc), "dossier", "show", taken["code"], "--hub", hub.url,
                 "--key", key, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["book"] == "saved"
    assert hub.dossier(taken["code"])["uid"] == taken["uid"]


def test_two_counters_taking_in_at_once_give_distinct_codes_all_in_the_book(hub, counters):
    a, b = counters("counter-a"), counters("counter-b")
    taken: dict[str, list[str]] = {"a": [], "b": []}

    def take(name: str, counter: Counter) -> None:
        for _ in range(8):
            taken[name].append(counter.desk.save_intake(intake(), clerk=name).code)

    threads = [threading.Thread(target=take, args=("a", a)),
               threading.Thread(target=take, args=("b", b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    codes = taken["a"] + taken["b"]
    assert len(codes) == len(set(codes)) == 16
    assert lost_changes(a.db) == lost_changes(b.db) == []
    assert all(hub.dossier(c) is not None for c in codes)
    # Each PC sees the other's dossiers through the book.
    assert b.desk.get(taken["a"][0]).uid == hub.dossier(taken["a"][0])["uid"]
