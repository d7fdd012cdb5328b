"""The office dossier book (kiosk/dossiers/book.py) on real SQLite files: changes made by real
dossier desks on two counters' own databases, applied to a hub's database."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.config import Config
from kiosk.dossiers import DossierDesk, DossierStatus
from kiosk.dossiers.book import APPLIED, CONFLICT, REJECTED, UNCHANGED, apply_changes
from kiosk.jsonfields import FieldRejected
from kiosk.store import connect
from tests.dossiers.bookutil import HCM, Counter
from tests.dossiers.test_dossiers_helpers import CLERK, ID_NUMBER, NAME, intake

UNIT = Config().office.code


@pytest.fixture
def hub_db(tmp_path):
    (tmp_path / "hub").mkdir()
    db = connect(tmp_path / "hub" / "kiosk.db")
    yield db
    db.conn.close()


@pytest.fixture
def counters(tmp_path):
    made = [Counter(tmp_path / "quay-1", "quay-1"), Counter(tmp_path / "quay-2", "quay-2")]
    yield made
    for c in made:
        c.close()


def apply(db, changes, caller):
    return apply_changes(db, changes, caller, HCM, unit_code=UNIT)


def outbox(db) -> dict[str, str]:
    return dict(db.execute("SELECT record_id, payload FROM outbox WHERE record_type = "
                           "'dossier'").fetchall())


def book(db, code):
    return DossierDesk(db, Config()).get(code)


def mirror(counter: Counter, hub_db, code: str) -> None:
    """Put the book's copy of `code` into the counter's own database (no city records)."""
    results = apply(counter.db, _changes_without_outbox(book(hub_db, code)), None)
    assert {r.result for r in results} == {APPLIED}, results


def _changes_without_outbox(dossier):
    data = dossier.as_json()
    data["history"] = data["history"][:1]
    out = [{"id": dossier.history[0].uid, "kind": "intake", "dossier": data, "city": None}]
    for v in range(2, len(dossier.history) + 1):
        e = dossier.history[v - 1]
        out.append({"id": e.uid, "kind": "status", "code": dossier.code, "base_version": v - 1,
                    "event": e.as_json(), "station": "hub", "city": None})
    return out


def test_an_intake_and_its_status_changes_make_the_same_dossier_in_the_book(hub_db, counters):
    a = counters[0]
    notes = "Giấy  tờ photo:\n\t- sổ hộ khẩu  (bản sao)\r\n- CCCD"
    taken = a.desk.save_intake(intake(notes=notes), clerk=CLERK)
    a.desk.request_supplement(taken.code, "Thiếu  bản sao\nsổ hộ khẩu", clerk=CLERK)
    a.desk.change_status(taken.code, DossierStatus.PROCESSING, clerk=CLERK)
    done = a.desk.hand_back(taken.code, clerk=CLERK)
    results = apply(hub_db, a.changes(done), "quay-1")
    assert [r.result for r in results] == [APPLIED] * 5
    assert [r.version for r in results] == [1, 2, 3, 4, 5]
    held = book(hub_db, taken.code)
    assert held.notes == notes and held.history[1].reason == "Thiếu  bản sao\nsổ hộ khẩu"
    # The whole record, personal data, history uids and the on-time flag, as at the counter.
    assert held.as_json() == done.as_json()
    assert held.submitter.name == NAME and held.submitter.id_number == ID_NUMBER
    stations = {r[0] for r in hub_db.execute("SELECT station_id FROM dossier_events")}
    assert stations == {"quay-1"}
    # The city gets exactly what the counter's desk built, under the event uids.
    assert outbox(hub_db) == {rid: p for rid, p in outbox(a.db).items()}
    # A re-send (the answer was lost on the way back) changes nothing.
    again = apply(hub_db, a.changes(done), "quay-1")
    assert [r.result for r in again] == [UNCHANGED] * 5
    assert [r.version for r in again] == [5] * 5
    assert len(outbox(hub_db)) == 5
    assert hub_db.execute("SELECT count(*) FROM dossier_events").fetchone()[0] == 5


def test_another_counter_moves_a_dossier_along_and_hands_it_back(hub_db, counters):
    a, b = counters
    taken = a.desk.save_intake(intake(), clerk=CLERK)
    assert apply(hub_db, a.changes(taken), "quay-1")[0].result == APPLIED
    mirror(b, hub_db, taken.code)
    finished = b.desk.finish(taken.code, clerk="Trần Văn Bình")
    returned = b.desk.hand_back(taken.code, clerk="Trần Văn Bình")
    results = apply(hub_db, [b.status_change(returned, 2), b.status_change(returned, 3)],
                    "quay-2")
    assert [r.result for r in results] == [APPLIED, APPLIED], results
    held = book(hub_db, taken.code)
    assert held.status is DossierStatus.RETURNED and held.on_time is True
    assert held.finished_at == finished.finished_at
    assert held.as_json() == returned.as_json()
    by_station = hub_db.execute("SELECT to_status, station_id FROM dossier_events "
                                "ORDER BY id").fetchall()
    assert by_station == [(2, "quay-1"), (9, "quay-2"), (10, "quay-2")]
    assert set(outbox(hub_db)) == {e.uid for e in held.history}


def test_two_counters_at_once_one_wins_the_other_gets_a_conflict(hub_db, counters):
    a, b = counters
    taken = a.desk.save_intake(intake(), clerk=CLERK)
    apply(hub_db, a.changes(taken), "quay-1")
    mirror(b, hub_db, taken.code)
    moved = a.desk.change_status(taken.code, DossierStatus.PROCESSING, clerk=CLERK)
    withdrawn = b.desk.withdraw(taken.code, "Công dân xin rút", clerk="Trần Văn Bình")
    first = apply(hub_db, [a.status_change(moved, 2)], "quay-1")[0]
    second = apply(hub_db, [b.status_change(withdrawn, 2)], "quay-2")[0]
    assert first.result == APPLIED
    assert second.result == CONFLICT and second.version == 2
    assert second.dossier is not None and second.dossier.status is DossierStatus.PROCESSING
    assert "quầy khác" in (second.reason_vi or "")
    assert book(hub_db, taken.code).status is DossierStatus.PROCESSING
    assert withdrawn.history[-1].uid not in outbox(hub_db)
    as_json = second.as_json()
    assert as_json["result"] == "conflict" and as_json["dossier"]["status"] == 4


def test_a_bad_change_is_rejected_alone_and_the_next_ones_apply(hub_db, counters):
    a = counters[0]
    one = a.desk.save_intake(intake(), clerk=CLERK)
    two = a.desk.save_intake(intake(), clerk=CLERK)
    returned = a.desk.hand_back(two.code, clerk=CLERK)
    illegal = a.status_change(returned, 3)  # returned, skipping "finished" in the book
    illegal["base_version"] = 1
    illegal["event"] = dict(illegal["event"], **{"from": 2})
    results = apply(hub_db, [a.intake_change(one), "not a change",
                             a.intake_change(two), illegal, a.status_change(returned, 2)],
                    "quay-1")
    assert [r.result for r in results] == [APPLIED, REJECTED, APPLIED, REJECTED, APPLIED]
    assert "illegal status change 2 -> 10" in results[3].reason
    assert results[3].reason_vi.startswith("Hồ sơ đang ở trạng thái")
    assert results[3].version == 1 and results[3].dossier.code == two.code
    assert book(hub_db, two.code).status is DossierStatus.FINISHED


def _mutations():
    """(what is wrong, how to make a change so) for an intake change."""
    def at(path, value):
        def change(c):
            target = c
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        return change

    def drop(path):
        def change(c):
            target = c
            for key in path[:-1]:
                target = target[key]
            del target[path[-1]]
        return change

    return [
        ("id not a uuid", at(("id",), "abc")),
        ("id upper-case", lambda c: c.update(id=c["id"].upper())),
        ("kind unknown", at(("kind",), "delete")),
        ("dossier missing", drop(("dossier",))),
        ("code of another unit", at(("dossier", "code"), "000.00.99.H99-260101-0001")),
        ("code in the future", at(("dossier", "code"),
                                  f"{UNIT}-{datetime.now(HCM) + timedelta(days=3):%y%m%d}-0001")),
        ("code before 2020", at(("dossier", "code"), f"{UNIT}-190101-0001")),
        ("code number too long", at(("dossier", "code"), f"{UNIT}-260101-1234567")),
        ("receiving unit", at(("dossier", "receiving_unit", "code"), "000.00.99.H99")),
        ("another station", at(("dossier", "station"), "quay-9")),
        ("history empty", at(("dossier", "history"), [])),
        ("first uid not the id", at(("dossier", "history", 0, "uid"), str(uuid.uuid4()))),
        ("first has a from", at(("dossier", "history", 0, "from"), 2)),
        ("first is finished", at(("dossier", "history", 0, "to"), 9)),
        ("status 11", at(("dossier", "history", 0, "to"), 11)),
        ("status as bool", at(("dossier", "history", 0, "to"), True)),
        ("clerk empty", at(("dossier", "history", 0, "clerk"), "  ")),
        ("name too long", at(("dossier", "submitter", "name"), "x" * 201)),
        ("name a number", at(("dossier", "submitter", "name"), 12)),
        ("submitter without a name", at(("dossier", "submitter", "name"), "")),
        ("gender", at(("dossier", "submitter", "gender"), "X")),
        ("birth date", at(("dossier", "submitter", "birth_date"), "11/01/1986")),
        ("notes too long", at(("dossier", "notes"), "n" * 4001)),
        ("sets 0", at(("dossier", "sets"), 0)),
        ("sets huge", at(("dossier", "sets"), 2 ** 70)),
        ("owner kind", at(("dossier", "owner_kind"), 5)),
        ("documents not a list", at(("dossier", "documents"), {"a": 1})),
        ("document form", at(("dossier", "documents", 0, "form"), "photo")),
        ("document quantity", at(("dossier", "documents", 0, "quantity"), 0)),
        ("too many documents", at(("dossier", "documents"),
                                  [{"name": "a", "form": "copy", "quantity": 1,
                                    "received": True}] * 201)),
        ("received_at naive", at(("dossier", "received_at"), "2026-01-01T08:00:00")),
        ("received_at next week", at(("dossier", "received_at"),
                                     (datetime.now(HCM) + timedelta(days=7)).isoformat())),
        ("appointment date", at(("dossier", "appointment_date"), "2026-13-01")),
        ("uid not a uuid", at(("dossier", "uid"), "x")),
        ("processing days", at(("dossier", "procedure", "processing_days"), -1)),
        ("city not an object", at(("city",), [1])),
        ("city of another change", at(("city", "event", "uid"), str(uuid.uuid4()))),
        ("city of another code", at(("city", "code"), f"{UNIT}-260101-0999")),
        ("city of another unit", at(("city", "receiving_unit", "code"), "000.00.99.H99")),
        ("city without portal fields", at(("city", "portal"), {"MaHoSo": 5})),
    ]


@pytest.mark.parametrize("what,mutate", _mutations(), ids=[m[0] for m in _mutations()])
def test_a_malformed_intake_is_rejected_and_leaves_no_trace(hub_db, counters, what, mutate):
    a = counters[0]
    taken = a.desk.save_intake(intake(), clerk=CLERK)
    change = copy.deepcopy(a.intake_change(taken))
    mutate(change)
    result = apply(hub_db, [change], "quay-1")[0]
    assert result.result == REJECTED, (what, result)
    assert result.reason and result.reason_vi
    assert NAME not in result.reason and ID_NUMBER not in result.reason
    assert hub_db.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0
    assert hub_db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    # The untouched change still applies afterwards.
    assert apply(hub_db, [a.intake_change(taken)], "quay-1")[0].result == APPLIED


def test_status_change_checks(hub_db, counters):
    a, b = counters
    taken = a.desk.save_intake(intake(), clerk=CLERK)
    apply(hub_db, [a.intake_change(taken)], "quay-1")
    moved = a.desk.change_status(taken.code, DossierStatus.PROCESSING, clerk=CLERK)
    good = a.status_change(moved, 2)

    def variant(**kw):
        c = copy.deepcopy(good)
        for key, value in kw.items():
            if key.startswith("event_"):
                c["event"][key[6:]] = value
            elif key.startswith("after_"):
                c["after"][key[6:]] = value
            else:
                c[key] = value
        return c

    cases = {
        "no dossier with this code": variant(code=f"{UNIT}-260101-0999", city=None),
        "not of this office's unit": variant(code="000.00.99.H99-260101-0001", city=None),
        "event.uid must be the change's id": variant(event_uid=str(uuid.uuid4())),
        "not the station that sends it": variant(station="quay-2"),
        "event.from is not the dossier's status": variant(event_from=4),
        "base_version must be": variant(base_version=-1),
        "base_version must": variant(base_version="1"),
        "at must be an ISO 8601 time": variant(event_at="2026-01-01T08:00:00"),
        "at is more than a day ahead": variant(
            event_at=(datetime.now(HCM) + timedelta(days=7)).isoformat()),
        "after.status is not": variant(after_status=9),
        "after.finished_at is not": variant(after_finished_at=datetime.now(HCM).isoformat()),
        "clerk is empty": variant(event_clerk=""),
        "reason must be at most 2000": variant(event_reason="r" * 2001),
        "city is not a city dossier record": variant(city={"code": taken.code}),
    }
    results = apply(hub_db, list(cases.values()), "quay-1")
    for (what, _), result in zip(cases.items(), results, strict=True):
        assert result.result == REJECTED and what in result.reason, (what, result)
    assert book(hub_db, taken.code).status is DossierStatus.RECEIVED
    assert len(outbox(hub_db)) == 1
    # The office key (a technician) is not bound to a station; the good change applies.
    assert apply(hub_db, [variant(station="quay-2")], None)[0].result == APPLIED
    assert book(hub_db, taken.code).status is DossierStatus.PROCESSING
    # A second intake under a code the book holds for another dossier is refused.
    other = b.desk.save_intake(intake(), clerk=CLERK)
    assert other.code == taken.code  # numbered per PC: the collision the book refuses
    clash = apply(hub_db, [b.intake_change(other)], "quay-2")[0]
    assert clash.result == REJECTED and clash.dossier.uid == taken.uid
    assert "đã có trong sổ" in clash.reason_vi


def test_city_null_stores_the_change_without_telling_the_city(hub_db, counters):
    a = counters[0]
    taken = a.desk.save_intake(intake(), clerk=CLERK)
    done = a.desk.finish(taken.code, clerk=CLERK)
    results = apply(hub_db, a.changes(done, city=False), "quay-1")
    assert [r.result for r in results] == [APPLIED, APPLIED]
    assert outbox(hub_db) == {}
    assert book(hub_db, taken.code).status is DossierStatus.FINISHED


def test_a_body_that_is_no_list_of_changes_is_refused_whole(hub_db):
    for bad in ({"changes": []}, "x", None, [{}] * 501):
        with pytest.raises(FieldRejected):
            apply(hub_db, bad, "quay-1")
    assert apply(hub_db, [], "quay-1") == []


def test_the_answer_is_json(hub_db, counters):
    a = counters[0]
    taken = a.desk.save_intake(intake(), clerk=CLERK)
    result = apply(hub_db, [a.intake_change(taken)], "quay-1")[0]
    text = json.dumps(result.as_json(), ensure_ascii=False)
    back = json.loads(text)
    assert back["id"] == taken.history[0].uid and back["result"] == "applied"
    assert back["version"] == 1 and back["dossier"] == taken.as_json()


def test_times_sent_in_utc_are_stored_in_the_offices_time_zone(hub_db, counters):
    a = counters[0]
    taken = a.desk.save_intake(intake(), clerk=CLERK)
    done = a.desk.finish(taken.code, clerk=CLERK)
    changes = a.changes(done)
    utc = datetime.fromisoformat(changes[1]["event"]["at"]).astimezone(UTC).isoformat()
    changes[1]["event"]["at"] = utc
    changes[1]["after"]["finished_at"] = changes[1]["after"]["updated_at"] = utc
    changes[0]["dossier"]["received_at"] = datetime.fromisoformat(
        changes[0]["dossier"]["received_at"]).astimezone(UTC).isoformat()
    assert [r.result for r in apply(hub_db, changes, "quay-1")] == [APPLIED, APPLIED]
    stored = hub_db.execute("SELECT received_at, finished_at, updated_at FROM dossiers"
                            ).fetchone()
    events = [r[0] for r in hub_db.execute("SELECT at FROM dossier_events")]
    assert all(t.endswith("+07:00") for t in (*stored, *events)), (stored, events)
    assert book(hub_db, taken.code).as_json() == done.as_json()


def test_a_number_leased_to_another_counter_cannot_be_taken(hub_db, counters):
    """A counter credential cannot put a dossier into the book under a number the hub leased
    to another counter, nor under another counter's fallback range once that counter used it."""
    one, two = counters
    d = one.desk.save_intake(intake(), clerk=CLERK)
    day = d.code.rsplit("-", 2)[1]
    hub_db.execute(
        "INSERT INTO dossier_number_blocks (unit_code, day, first, last, next_seq, leased_at, "
        "source, station_id) VALUES (?, ?, 1, 20, 1, '2026-01-01T00:00:00+07:00', 'lease', ?)",
        (UNIT, d.received_at.date().isoformat(), "quay-2"))
    hub_db.conn.commit()
    [refused] = apply(hub_db, [one.intake_change(d)], "quay-1")
    assert refused.result == REJECTED and "leased to another station" in refused.reason
    # The counter it was leased to takes it in.
    own = two.desk.save_intake(intake(), clerk=CLERK)
    assert own.code == d.code and day in own.code
    [ok] = apply(hub_db, [two.intake_change(own)], "quay-2")
    assert ok.result == APPLIED

    # Fallback range of counter 3 (9201-9300): used by quay-2 first, then quay-1 is refused.
    def at_seq(counter, seq):
        counter.db.execute("INSERT INTO dossier_counters (day, unit_code, last_seq) VALUES "
                           "(?, ?, ?) ON CONFLICT (day, unit_code) DO UPDATE SET last_seq = ?",
                           (d.received_at.date().isoformat(), UNIT, seq - 1, seq - 1))
        counter.db.conn.commit()
        return counter.desk.save_intake(intake(), clerk=CLERK)

    first = at_seq(two, 9201)
    assert apply(hub_db, [two.intake_change(first)], "quay-2")[0].result == APPLIED
    squat = at_seq(one, 9202)
    [refused] = apply(hub_db, [one.intake_change(squat)], "quay-1")
    assert refused.result == REJECTED and "fallback range" in refused.reason
