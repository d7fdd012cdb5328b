"""The office dossier book over the LAN: a real `kiosk hub` process on 127.0.0.1, changes made
by real dossier desks on counters' own databases, posted with paired counter credentials;
look-ups with every role's credential; and the city receiving each record once."""

from __future__ import annotations

import json
import subprocess
import threading

import pytest
import requests

from kiosk.config import Config
from kiosk.dossiers import DossierStatus
from kiosk.hub import protocol as p
from kiosk.officefeed.records import dossier_record_at
from kiosk.queue.remote import RemoteQueue
from tests.dossiers.bookutil import HCM, Counter
from tests.dossiers.test_dossiers_helpers import ADDRESS, CLERK, ID_NUMBER, NAME, PHONE, intake
from tests.faultproxy import ROOT, TOKEN, CityServer, assert_city_has_exactly, env, kiosk_cmd
from tests.hubutil import KEY, hub_fixture, hub_pool_fixture, pair  # noqa: F401

UNIT = Config().office.code
PUBLIC_KEYS = {"code", "procedure_name", "status", "appointment_date", "received_date",
               "initials", "result_place", "returned_date"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def http():
    session = requests.Session()
    session.trust_env = False
    yield session
    session.close()


@pytest.fixture
def counters(tmp_path):
    made = [Counter(tmp_path / "quay-1", "quay-1"), Counter(tmp_path / "quay-2", "quay-2")]
    yield made
    for c in made:
        c.close()


def post(http, hub, token, changes) -> requests.Response:
    return http.post(hub.url + p.DOSSIER_CHANGES_PATH, json={"changes": changes},
                     headers=bearer(token), timeout=10)


def results(http, hub, token, changes) -> list[dict]:
    r = post(http, hub, token, changes)
    assert r.status_code == 200, r.text
    return r.json()["results"]


def look_up(http, hub, token, code) -> requests.Response:
    return http.get(f"{hub.url}{p.DOSSIERS_PATH}/{code}", headers=bearer(token), timeout=10)


def mirror(http, hub, token, counter: Counter, code: str) -> None:
    """The hub's copy of `code` into the counter's own database, as read over the LAN."""
    from kiosk.dossiers.book import apply_changes

    data = look_up(http, hub, token, code).json()["dossier"]
    history = data["history"]
    first = dict(data, history=history[:1])
    changes = [{"id": history[0]["uid"], "kind": "intake", "dossier": first, "city": None}]
    changes += [{"id": e["uid"], "kind": "status", "code": code, "base_version": v,
                 "event": e, "station": "hub", "city": None}
                for v, e in enumerate(history[1:], start=1)]
    done = apply_changes(counter.db, changes, None, HCM, unit_code=UNIT)
    assert {r.result for r in done} == {"applied"}, done


def test_counters_read_the_whole_record_the_kiosk_only_the_public_view(hub, http, counters):
    a = counters[0]
    tokens = {role: pair(hub.url, f"{role}-1" if role != "counter" else "quay-1", role)
              for role in ("counter", "kiosk", "display", "rating")}
    tokens["other counter"] = pair(hub.url, "quay-2", "counter")
    taken = a.desk.save_intake(intake(), clerk=CLERK)
    [result] = results(http, hub, tokens["counter"], [a.intake_change(taken)])
    assert result["result"] == "applied" and result["version"] == 1
    assert result["dossier"] == taken.as_json()
    for who in ("counter", "other counter"):
        answer = look_up(http, hub, tokens[who], taken.code).json()
        assert set(answer) == {"dossier", "version"} and answer["version"] == 1
        assert {k: v for k, v in answer["dossier"].items() if k not in PUBLIC_KEYS | {
            "slips", "handovers"} or k in taken.as_json()} == taken.as_json()
        # With its official slips and hand-overs (none yet), for the counter's copy.
        assert (answer["dossier"]["slips"], answer["dossier"]["handovers"]) == ([], [])
        assert answer["dossier"]["initials"] == "L.V.L."  # and an older counter's fields
    # A counter of the previous version reads its public view from the same answer.
    older = RemoteQueue(hub.url, tokens["other counter"])
    try:
        view = older.dossier_view(taken.code)
        assert view.initials == "L.V.L." and view.status is DossierStatus.RECEIVED
    finally:
        older.close()
    # The office key (a technician's tools) reads it too.
    assert look_up(http, hub, KEY, taken.code).json()["dossier"]["submitter"]["name"] == NAME
    # The kiosk: exactly today's public answer, no name, ID number, address or phone.
    kiosk = look_up(http, hub, tokens["kiosk"], taken.code)
    assert kiosk.status_code == 200
    assert set(kiosk.json()) == {"dossier"}
    assert set(kiosk.json()["dossier"]) == PUBLIC_KEYS
    for secret in (NAME, ID_NUMBER, ADDRESS, PHONE, CLERK, "submitter", "history"):
        assert secret not in kiosk.text
    # A display or rating screen reads no dossier at all.
    for role in ("display", "rating"):
        refused = look_up(http, hub, tokens[role], taken.code)
        assert refused.status_code == 403 and NAME not in refused.text
    # Unknown: null, as today.
    unknown = f"{UNIT}-260101-0999"
    assert look_up(http, hub, tokens["kiosk"], unknown).json() == {"dossier": None}
    assert look_up(http, hub, tokens["counter"], unknown).json() == {"dossier": None,
                                                                     "version": None}


def test_only_counters_and_the_office_key_send_changes(hub, http, counters):
    a = counters[0]
    taken = a.desk.save_intake(intake(), clerk=CLERK)
    for role in ("kiosk", "display", "rating"):
        token = pair(hub.url, f"{role}-1", role)
        r = post(http, hub, token, [a.intake_change(taken)])
        assert r.status_code == 403 and r.json()["error"] == "forbidden"
    # The office key is not bound to a station: a technician replaying a counter's change.
    [result] = results(http, hub, KEY, [a.intake_change(taken)])
    assert result["result"] == "applied"
    # A counter's key is bound to its own station.
    other = pair(hub.url, "quay-2", "counter")
    moved = a.desk.change_status(taken.code, DossierStatus.PROCESSING, clerk=CLERK)
    [refused] = results(http, hub, other, [a.status_change(moved, 2)])
    assert refused["result"] == "rejected" and "station" in refused["reason"]
    assert refused["version"] == 1 and refused["dossier"]["status"] == 2


@pytest.mark.parametrize("body", [
    b'{"changes": "all"}', b'{"changes": {"id": 1}}', b"{}", b"[]", b'"changes"',
    b'{"changes": [' + b",".join([b"{}"] * 501) + b"]}", b"{\"changes\": [}", b"\xff\xfe",
    b'{"changes": [' * 40 + b"]" * 40 + b"}" * 40,
])
def test_a_body_that_is_no_list_of_changes_is_a_400(hub, http, body):
    token = pair(hub.url, "quay-1", "counter")
    r = http.post(hub.url + p.DOSSIER_CHANGES_PATH, data=body,
                  headers={**bearer(token), "Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 400, r.text
    answer = r.json()
    assert answer["error"] and answer["message"] and answer["message_vi"]


def test_odd_changes_get_a_result_each_never_a_500(hub, http, counters):
    a = counters[0]
    token = pair(hub.url, "quay-1", "counter")
    taken = a.desk.save_intake(intake(), clerk=CLERK)
    odd = [None, 1, "x", [], {}, {"id": None}, {"id": "0" * 10_000},
           {"id": taken.history[0].uid, "kind": "intake", "dossier": []},
           {"id": taken.history[0].uid, "kind": "status", "code": 7},
           {"id": taken.history[0].uid, "kind": "intake", "dossier": {"code": "x" * 5000}},
           a.intake_change(taken)]
    got = results(http, hub, token, odd)
    assert [g["result"] for g in got] == ["rejected"] * 10 + ["applied"]
    assert all(g["reason"] and g["reason_vi"] for g in got[:10])


def test_two_counters_changing_one_dossier_at_once_get_one_winner(hub, http, counters):
    a, b = counters
    tokens = [pair(hub.url, "quay-1", "counter"), pair(hub.url, "quay-2", "counter")]
    taken = a.desk.save_intake(intake(), clerk=CLERK)
    results(http, hub, tokens[0], [a.intake_change(taken)])
    mirror(http, hub, tokens[1], b, taken.code)
    changes = [
        a.status_change(a.desk.change_status(taken.code, DossierStatus.PROCESSING,
                                             clerk=CLERK), 2),
        b.status_change(b.desk.withdraw(taken.code, "Công dân xin rút hồ sơ",
                                        clerk="Trần Văn Bình"), 2),
    ]
    answers: list = [None, None]
    start = threading.Barrier(2)

    def send(i: int) -> None:
        with requests.Session() as s:
            s.trust_env = False
            start.wait()
            answers[i] = results(s, hub, tokens[i], [changes[i]])[0]

    threads = [threading.Thread(target=send, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    outcome = sorted(a["result"] for a in answers)
    assert outcome == ["applied", "conflict"], answers
    winner = next(a for a in answers if a["result"] == "applied")
    loser = next(a for a in answers if a["result"] == "conflict")
    assert loser["version"] == 2 and loser["dossier"] == winner["dossier"]
    assert "quầy khác" in loser["reason_vi"]
    held = look_up(http, hub, tokens[0], taken.code).json()
    assert held["version"] == 2 and held["dossier"]["status"] == winner["dossier"]["status"]


def test_a_code_only_an_older_counter_forwarded_is_public_and_the_book_wins(hub, http,
                                                                            counters):
    """Counters not yet upgraded still forward public copies (office_dossiers): the look-up
    finds those, and for a code in the book the book's record is the one shown."""
    a, b = counters
    token = pair(hub.url, "quay-1", "counter")
    old = pair(hub.url, "quay-2", "counter")
    kiosk = pair(hub.url, "kiosk-1", "kiosk")
    old_only = b.desk.save_intake(intake(), clerk=CLERK)  # quay-2's -0001 ...
    forwarded = http.post(hub.url + p.OFFICE_RECORDS_PATH, headers=bearer(old), json={
        "records": [{"id": "1", "type": "dossier", "data": dossier_record_at(old_only, 1)}]},
        timeout=10).json()
    assert forwarded["applied"] == 1
    answer = look_up(http, hub, token, old_only.code).json()
    assert answer["version"] is None and set(answer["dossier"]) == PUBLIC_KEYS
    # quay-1 takes in a dossier, hands it back through the book; quay-1 also forwarded its
    # first version the old way before it was upgraded.
    a.desk.save_intake(intake(), clerk=CLERK)
    mine = a.desk.save_intake(intake(), clerk=CLERK)
    http.post(hub.url + p.OFFICE_RECORDS_PATH, headers=bearer(token), json={"records": [
        {"id": "2", "type": "dossier", "data": dossier_record_at(mine, 1)}]}, timeout=10)
    a.desk.finish(mine.code, clerk=CLERK)
    done = a.desk.hand_back(mine.code, clerk=CLERK)
    assert [r["result"] for r in results(http, hub, token, a.changes(done))] == ["applied"] * 3
    for who in (token, kiosk):
        view = look_up(http, hub, who, mine.code).json()["dossier"]
        assert view["status"] == int(DossierStatus.RETURNED)
        assert view["returned_date"] == done.returned_at.date().isoformat()


def test_changes_from_two_counters_reach_the_city_once_through_the_hub(hub, http, counters,
                                                                      tmp_path):
    """Intakes and status changes applied at the hub from two stations, sent twice (a lost
    answer), reach a real `kiosk city-server` through the hub's outbox exactly once each,
    under the event uids, byte-equal to what the counters' desks built."""
    a, b = counters
    tokens = [pair(hub.url, "quay-1", "counter"), pair(hub.url, "quay-2", "counter")]
    made_at = {}  # event uid -> the counter whose desk built its city payload
    codes = []
    for _ in range(3):
        taken = a.desk.save_intake(intake(), clerk=CLERK)
        codes.append(taken.code)
        first = a.intake_change(taken)
        made_at[first["id"]] = a
        # The second time: a re-send after a lost answer.
        assert [results(http, hub, tokens[0], [first])[0]["result"]
                for _ in range(2)] == ["applied", "unchanged"]
    sent_by_b = []
    for code in codes:
        mirror(http, hub, tokens[1], b, code)
        b.desk.finish(code, clerk="Trần Văn Bình")
        done = b.desk.hand_back(code, clerk="Trần Văn Bình")
        changes = [b.status_change(done, 2), b.status_change(done, 3)]
        sent_by_b += changes
        for change in changes:
            made_at[change["id"]] = b
    assert [r["result"] for r in results(http, hub, tokens[1], sent_by_b)] == ["applied"] * 6
    assert [r["result"] for r in results(http, hub, tokens[1], sent_by_b)] == ["unchanged"] * 6

    city = CityServer(tmp_path)
    try:
        synced = subprocess.run(
            kiosk_cmd(hub.data_dir, "sync", "once", "--server", city.url, "--token", TOKEN,
                      "--json"), capture_output=True, text=True, env=env(), cwd=ROOT,
            timeout=120)
        assert synced.returncode == 0, synced.stderr
        assert json.loads(synced.stdout)["pending"] == 0
        assert_city_has_exactly(city, hub.db_path)
        at_city = {r["id"]: r["payload"] for r in city.records() if r["type"] == "dossier"}
        assert set(at_city) == set(made_at)  # 3 intakes + 6 status changes, once each
        for uid, counter in made_at.items():
            assert json.loads(at_city[uid]) == counter.city(uid)
        # Sending again after the push adds nothing at the hub nor at the city.
        again = results(http, hub, tokens[1], sent_by_b)
        assert {r["result"] for r in again} == {"unchanged"}
        synced = subprocess.run(
            kiosk_cmd(hub.data_dir, "sync", "once", "--server", city.url, "--token", TOKEN,
                      "--json"), capture_output=True, text=True, env=env(), cwd=ROOT,
            timeout=120)
        assert synced.returncode == 0, synced.stderr
        assert len([r for r in city.records() if r["type"] == "dossier"]) == 9
    finally:
        city.stop()


def test_counters_read_the_whole_office_due_list_from_the_book(hub, http, counters):
    """GET /api/v1/dossiers?due_within=N: the book's open dossiers overdue or falling due,
    for counter keys and the office key; no personal data; bad values are a 400."""
    from datetime import datetime, timedelta

    a, b = counters
    token = pair(hub.url, "quay-1", "counter")
    token_b = pair(hub.url, "quay-2", "counter")
    now = datetime.now(HCM)
    old = a.desk.save_intake(intake("1.004194"), clerk=CLERK, at=now - timedelta(days=40))
    new = b.desk.save_intake(intake("1.004194"), clerk="Trần Văn Bình", at=now)
    assert results(http, hub, token, [a.intake_change(old)])[0]["result"] == "applied"
    assert results(http, hub, token_b, [b.intake_change(new)])[0]["result"] == "applied"

    def listing(query: str, key: str = token) -> requests.Response:
        return http.get(f"{hub.url}{p.DOSSIERS_PATH}{query}", headers=bearer(key), timeout=10)

    r = listing("?due_within=10")
    assert r.status_code == 200, r.text
    data = r.json()
    assert [d["code"] for d in data["dossiers"]] == [old.code, new.code]
    assert data["source"] == "hub" and data["counts"]["overdue"] == 1
    for secret in (NAME, ID_NUMBER, ADDRESS, PHONE):
        assert secret not in r.text
    assert [d["code"] for d in listing("?due_within=10&overdue=1").json()["dossiers"]] == [
        old.code]
    assert listing("?due_within=0", KEY).status_code == 200
    # Through the counter PC's own client: the whole office, not only its own dossiers.
    remote = RemoteQueue(hub.url, token_b)
    try:
        assert [d["code"] for d in remote.due_dossiers(10)["dossiers"]] == [old.code, new.code]
    finally:
        remote.close()
    for bad in ("?due_within=-1", "?due_within=31", "?due_within=x", "?overdue=yes",
                "?due_within=2&sort=name"):
        refused = listing(bad)
        assert refused.status_code == 400, bad
        assert refused.json()["message_vi"]
    for role in ("kiosk", "display", "rating"):
        assert listing("?due_within=1", pair(hub.url, f"{role}-1", role)).status_code == 403


def test_kiosk_dossier_list_on_a_counter_pc_lists_the_whole_office(hub, http, counters,
                                                                     tmp_path, capsys):
    """`kiosk dossier list --hub URL --key KEY` on a PC that holds none of the dossiers: the
    book's list, every counter's dossiers."""
    from datetime import datetime, timedelta

    from kiosk.cli import main

    a = counters[0]
    token = pair(hub.url, "quay-1", "counter")
    old = a.desk.save_intake(intake("1.004194"), clerk=CLERK,
                             at=datetime.now(HCM) - timedelta(days=40))
    assert results(http, hub, token, [a.intake_change(old)])[0]["result"] == "applied"
    other_pc = tmp_path / "quay-3"
    key = pair(hub.url, "quay-3", "counter")
    code = main(["--data-dir", str(other_pc), "dossier", "list", "--overdue", "--hub", hub.url,
                 "--key", key, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    data = json.loads(out.out)
    assert data["source"] == "hub" and not data["stale"]
    assert [d["code"] for d in data["dossiers"]] == [old.code]
