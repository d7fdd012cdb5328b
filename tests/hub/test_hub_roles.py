"""Station credentials on the LAN: pairing, roles, revoking, the wrong-key guard, and office
records bound to the station that sends them."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from kiosk.cli import main
from kiosk.config import Config, ConfigError, from_dict
from kiosk.dossiers import DossierDesk
from kiosk.hub import protocol as p
from kiosk.hub.server import start_hub_in_thread
from kiosk.officefeed.records import dossier_record_at
from kiosk.queue.errors import QueueError, Unauthorized
from kiosk.queue.remote import RemoteQueue
from kiosk.queue.settings import STATION_KEY_ENV, client_key, hub_settings
from kiosk.store import connect
from tests.dossiers.test_dossiers_helpers import CLERK, intake
from tests.hub.test_hub_auth import ws_handshake_status
from tests.hubutil import KEY, Collector, hub_fixture, hub_pool_fixture, pair  # noqa: F401
from tests.util import wait_until

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
UNIT = Config().office.code


def session() -> requests.Session:
    http = requests.Session()
    http.trust_env = False
    return http


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post_records(http: requests.Session, url: str, token: str, records: list) -> requests.Response:
    return http.post(url + p.OFFICE_RECORDS_PATH, json={"records": records},
                     headers=bearer(token), timeout=10)


def test_a_display_credential_cannot_read_a_dossier_nor_call_a_ticket(hub):
    display = pair(hub.url, "display-1", "display")
    counter = pair(hub.url, "counter-1", "counter")
    http = session()
    try:
        issued = http.post(hub.url + p.TICKETS_PATH, json={"service": "CT"},
                           headers={p.KEY_HEADER: KEY}, timeout=10)
        assert issued.status_code == 200
        code = f"{UNIT}-{datetime.now(HCM):%y%m%d}-0001"
        refused = [
            ("GET", p.DOSSIERS_PATH + f"/{code}", None),
            ("POST", p.COUNTERS_PATH + "/1/next", {}),
            ("POST", p.COUNTERS_PATH + "/1/recall", {}),
            ("POST", p.COUNTERS_PATH + "/1/finish", {}),
            ("POST", p.TICKETS_PATH, {"service": "CT"}),
            ("GET", p.TICKETS_PATH + "/1", None),
            ("POST", p.TICKETS_PATH + "/1/dossiers", {"dossier_code": code}),
            ("POST", p.PAIR_PATH, {"station_id": "x-1", "role": "admin"}),
            ("GET", p.STATIONS_PATH, None),
        ]
        for method, path, body in refused:
            r = http.request(method, hub.url + path, json=body, headers=bearer(display),
                             timeout=10)
            assert r.status_code == 403, (method, path, r.text)
            assert r.json()["error"] == "forbidden"
        # What a display is for still works: the board, the counters, the live events.
        for path in (p.SNAPSHOT_PATH, p.SERVICES_PATH, p.COUNTERS_PATH + "/1"):
            assert http.get(hub.url + path, headers=bearer(display), timeout=10).ok, path
        assert ws_handshake_status(hub.url, bearer(display)) == 101
        # ... and ratings from a rating screen beside it; never a dossier.
        rated = {"uid": "r-9", "counter": 1, "level": "satisfied", "station": "display-1",
                 "at": datetime.now(HCM).isoformat()}
        answer = post_records(http, hub.url, display, [
            {"id": "1", "type": "rating", "data": rated},
            {"id": "2", "type": "dossier", "data": {"code": code, "station_id": "display-1"}},
        ]).json()
        assert answer["applied"] == 1 and [x["id"] for x in answer["rejected"]] == ["2"]
        snap = http.get(hub.url + p.SNAPSHOT_PATH, headers=bearer(display), timeout=10).json()
        assert snap["waiting"]["CT"] == 1  # nobody was called by the display
        # The same through RemoteQueue, as the display program uses it.
        queue = RemoteQueue(hub.url, display)
        try:
            assert queue.snapshot().waiting["CT"] == 1
            with pytest.raises(QueueError) as info:
                queue.call_next(1)
            assert info.value.code == "forbidden"
            with pytest.raises(QueueError):
                queue.dossier_view(code)
        finally:
            queue.close()
        # The counter's credential calls it.
        called = http.post(hub.url + p.COUNTERS_PATH + "/1/next", json={},
                           headers=bearer(counter), timeout=10)
        assert called.status_code == 200 and called.json()["ticket"]["number"] == "A001"
    finally:
        http.close()


def test_roles_of_the_kiosk_and_the_rating_screen(hub):
    kiosk = pair(hub.url, "kiosk-1", "kiosk")
    rating = pair(hub.url, "rating-1", "rating")
    http = session()
    try:
        r = http.post(hub.url + p.TICKETS_PATH, json={"service": "CT"}, headers=bearer(kiosk),
                      timeout=10)
        assert r.status_code == 200
        ticket = r.json()["ticket"]["id"]
        assert http.post(hub.url + p.TICKETS_PATH + f"/{ticket}/print", json={"ok": True},
                         headers=bearer(kiosk), timeout=10).ok
        assert http.get(hub.url + p.DOSSIERS_PATH + f"/{UNIT}-260101-0001",
                        headers=bearer(kiosk), timeout=10).json() == {"dossier": None}
        assert http.post(hub.url + p.COUNTERS_PATH + "/1/next", json={},
                         headers=bearer(kiosk), timeout=10).status_code == 403
        assert http.post(hub.url + p.TICKETS_PATH, json={"service": "CT"},
                         headers=bearer(rating), timeout=10).status_code == 403
        rated = {"uid": "r-1", "counter": 2, "level": "satisfied", "station": "rating-1",
                 "at": datetime.now(HCM).isoformat()}
        dossier = {"code": f"{UNIT}-260101-0001", "version": 1, "station_id": "rating-1"}
        answer = post_records(http, hub.url, rating, [
            {"id": "1", "type": "rating", "data": rated},
            {"id": "2", "type": "dossier", "data": dossier}]).json()
        assert answer["applied"] == 1
        assert [(x["id"], "role" in x["reason"]) for x in answer["rejected"]] == [("2", True)]
        # The office key pairs and administers, but forwards nothing unbound.
        assert post_records(http, hub.url, KEY, [
            {"id": "3", "type": "rating", "data": dict(rated, uid="r-2")}]).status_code == 403
    finally:
        http.close()


def test_revoking_one_station_leaves_the_others_working(hub):
    tokens = {s: pair(hub.url, s, role) for s, role in
              (("display-1", "display"), ("display-2", "display"), ("counter-1", "counter"))}
    states = Collector()
    watching = RemoteQueue(hub.url, tokens["display-1"], on_connection=states)
    http = session()
    try:
        states.wait_for(lambda s: any(x.connected for x in s))
        r = http.post(hub.url + p.STATIONS_PATH + "/display-1/revoke",
                      headers={p.KEY_HEADER: KEY}, timeout=10)
        assert r.json() == {"station_id": "display-1", "revoked": True}
        # Its open event connection is closed, and it does not get back in.
        states.wait_for(lambda s: s and not s[-1].connected, timeout=15)
        assert http.get(hub.url + p.SNAPSHOT_PATH, headers=bearer(tokens["display-1"]),
                        timeout=10).status_code == 401
        assert http.get(hub.url + p.SNAPSHOT_PATH, headers=bearer(tokens["display-2"]),
                        timeout=10).ok
        assert http.post(hub.url + p.COUNTERS_PATH + "/1/next", json={},
                         headers=bearer(tokens["counter-1"]), timeout=10).ok
        listed = http.get(hub.url + p.STATIONS_PATH, headers={p.KEY_HEADER: KEY},
                          timeout=10).json()["stations"]
        assert {s["station_id"]: bool(s["revoked_at"]) for s in listed} == {
            "counter-1": False, "display-1": True, "display-2": False}
        assert all("token" not in s for s in listed)
        assert not any(t in json.dumps(listed) for t in tokens.values())
        # Pairing again replaces the old token.
        renewed = pair(hub.url, "display-2", "display")
        assert http.get(hub.url + p.SNAPSHOT_PATH, headers=bearer(tokens["display-2"]),
                        timeout=10).status_code == 401
        assert http.get(hub.url + p.SNAPSHOT_PATH, headers=bearer(renewed), timeout=10).ok
        # Only the office key pairs.
        assert http.post(hub.url + p.PAIR_PATH, json={"station_id": "x-1", "role": "admin"},
                         headers=bearer(tokens["counter-1"]), timeout=10).status_code == 403
        assert http.post(hub.url + p.PAIR_PATH, json={"station_id": "x 1", "role": "boss"},
                         headers={p.KEY_HEADER: KEY}, timeout=10).status_code == 400
    finally:
        watching.close()
        http.close()


def test_the_technician_pairs_lists_and_revokes_on_the_hub_pc(hub, capsys):
    def run(*args: str) -> tuple[int, str]:
        code = main(["--data-dir", str(hub.data_dir), "hub", *args])
        return code, capsys.readouterr().out

    code, out = run("pair", "--station", "counter-5", "--role", "counter", "--json")
    token = json.loads(out)["token"]
    assert code == 0 and len(token) >= 32
    http = session()
    states = Collector()
    watching = RemoteQueue(hub.url, token, on_connection=states)
    try:
        assert http.get(hub.url + p.SNAPSHOT_PATH, headers=bearer(token), timeout=10).ok
        states.wait_for(lambda s: any(x.connected for x in s))
        code, out = run("stations", "--json")
        assert json.loads(out)["stations"][0]["station_id"] == "counter-5"
        assert token not in out
        assert run("revoke", "counter-5")[0] == 0
        assert http.get(hub.url + p.SNAPSHOT_PATH, headers=bearer(token),
                        timeout=10).status_code == 401
        # The running hub closes that station's open event connection within seconds.
        states.wait_for(lambda s: s and not s[-1].connected, timeout=15)
        assert run("revoke", "counter-5")[0] == 1
    finally:
        watching.close()
        http.close()


def test_wrong_keys_are_rate_limited_and_logged_once_per_burst(tmp_path, config, caplog):
    hub = start_hub_in_thread(tmp_path / "hub.db", config, KEY, port=0, wrong_keys=(10, 1.5))
    http = session()
    caplog.set_level(logging.WARNING, logger="kiosk.hub.app")
    try:
        statuses = [http.get(hub.url + p.SNAPSHOT_PATH, headers=bearer(f"guess-{i:04d}"),
                             timeout=10).status_code for i in range(200)]
        assert statuses[:10] == [401] * 10 and set(statuses[10:]) == {429}
        locked = http.get(hub.url + p.SNAPSHOT_PATH, headers={p.KEY_HEADER: KEY}, timeout=10)
        assert locked.status_code == 429  # even the right key waits for the window to pass
        assert 1 <= int(locked.headers["Retry-After"]) <= 2
        assert locked.json()["error"] == "too_many_attempts"
        assert http.get(hub.url + p.HEALTH_PATH, timeout=10).ok
        time.sleep(1.7)  # the 1.5 s window passing is what is tested here, not a wait for a thread
        assert http.get(hub.url + p.SNAPSHOT_PATH, headers={p.KEY_HEADER: KEY}, timeout=10).ok
        lines = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
        assert len(lines) == 1, lines
        assert "refused 201 request(s)" in lines[0] and "127.0.0.1" in lines[0]
        assert "guess-" not in caplog.text and KEY not in caplog.text
    finally:
        http.close()
        hub.stop()


def test_short_and_repetitive_keys_are_refused_by_the_configuration(monkeypatch):
    for key in ("office-key-1234", "aaaaaaaaaaaaaaaaaaaaaaaa", "abcabcabcabcabcabc"):
        for name in ("office_key", "station_key"):
            with pytest.raises(ConfigError):
                from_dict({"hub": {name: key}})
    good = from_dict({"hub": {"office_key": "Hk3-vQ9_zT2mLp7x", "station_key": "s" + KEY}})
    assert client_key(hub_settings(good)) == "s" + KEY  # the station's own credential first
    assert client_key(hub_settings(good, key=KEY)) == KEY  # --key wins
    monkeypatch.setenv(STATION_KEY_ENV, "from-the-environment-0123")
    assert client_key(hub_settings(good)) == "from-the-environment-0123"
    assert client_key(hub_settings(Config())) == "from-the-environment-0123"


@pytest.fixture
def two_counters(tmp_path):
    """Two counter PCs with their own databases and dossier desks (they number codes alike)."""
    made = []
    for station in ("counter-1", "counter-2"):
        db = connect(tmp_path / station / "kiosk.db")
        made.append((db, DossierDesk(db, Config().with_values(station={"id": station}))))
    yield made
    for db, _ in made:
        db.conn.close()


def test_office_records_cannot_be_forged(hub, two_counters):
    (db_a, desk_a), (db_b, desk_b) = two_counters
    token_a, token_b = pair(hub.url, "counter-1", "counter"), pair(hub.url, "counter-2",
                                                                   "counter")
    path_a = db_a.conn.execute("PRAGMA database_list").fetchone()[2]
    feed_a = RemoteQueue(hub.url, token_a, outbox_path=path_a)
    kiosk = RemoteQueue(hub.url, pair(hub.url, "kiosk-1", "kiosk"))
    http = session()
    try:
        dossier = desk_a.save_intake(intake(), clerk=CLERK)
        assert feed_a.forward_office_records() == 1
        v1 = dossier_record_at(dossier, 1)
        refused_status = {"status": 3, "result_place": "Gọi 0900 000 000"}

        def rejected(token: str, data: dict) -> str:
            answer = post_records(http, hub.url, token,
                                  [{"id": "x", "type": "dossier", "data": data}]).json()
            assert answer["applied"] == 0 and len(answer["rejected"]) == 1, answer
            return answer["rejected"][0]["reason"]

        # Another station naming counter-1, or under its own name on counter-1's code.
        assert "station_id" in rejected(token_b, dict(v1, version=2, **refused_status))
        assert "another station" in rejected(
            token_b, dict(v1, station_id="counter-2", version=2, **refused_status))
        # counter-1's own credential, versions that jump or go back.
        assert "jumps" in rejected(token_a, dict(v1, version=50, **refused_status))
        assert "version" in rejected(token_a, dict(v1, version=0, **refused_status))
        # Codes it could not have given: a future day, another unit, a first version > 1.
        later = datetime.now(HCM).date() + timedelta(days=3)
        assert "future" in rejected(token_a, dict(v1, code=f"{UNIT}-{later:%y%m%d}-0001"))
        assert "unit" in rejected(token_a, dict(v1, code=f"000.00.99.H26-{later:%y%m%d}-0001"))
        assert "start at 1" in rejected(
            token_a, dict(v1, code=f"{UNIT}-{datetime.now(HCM):%y%m%d}-0077", version=4))

        # The real forwarder goes on: versions 2 and 3, consecutive.
        desk_a.finish(dossier.code, clerk=CLERK)
        returned = desk_a.hand_back(dossier.code, clerk=CLERK)
        assert feed_a.forward_office_records() == 2
        assert "goes back" in rejected(token_a, dict(v1, **refused_status))
        assert "already stored" in rejected(token_a, dict(dossier_record_at(returned, 3),
                                                           **refused_status))
        view = kiosk.dossier_view(dossier.code)
        assert view is not None and view.status_label == "Đã trả kết quả"
        assert view.result_place != refused_status["result_place"]

        # counter-2 gave the same code on its own PC: its records never replace counter-1's.
        desk_b.save_intake(intake(), clerk=CLERK)
        path_b = db_b.conn.execute("PRAGMA database_list").fetchone()[2]
        feed_b = RemoteQueue(hub.url, token_b, outbox_path=path_b)
        try:
            assert feed_b.forward_office_records() == 0
        finally:
            feed_b.close()
        hub_db = connect(hub.db_path)
        row = hub_db.execute("SELECT station_id, version FROM office_dossiers WHERE code = ?",
                             (dossier.code,)).fetchone()
        hub_db.conn.close()
        assert tuple(row) == ("counter-1", 3)
    finally:
        feed_a.close()
        kiosk.close()
        http.close()


def test_codes_far_ahead_odd_text_and_odd_dates_are_refused(hub, two_counters):
    """Squatting narrowed (full fix: office-unique codes): a code numbered past what the code
    scheme gives, dated before 2020, or more than 50 past the station's last code of that day
    is refused; free text is bounded and cleaned; appointment dates are YYYY-MM-DD; a rating's
    `at` lies within 31 days before and a day after the hub's clock, its clerk bounded."""
    (db_a, desk_a), _ = two_counters
    token_a, token_b = pair(hub.url, "counter-1", "counter"), pair(hub.url, "counter-2",
                                                                   "counter")
    rating = pair(hub.url, "rating-1", "rating")
    path_a = db_a.conn.execute("PRAGMA database_list").fetchone()[2]
    feed_a = RemoteQueue(hub.url, token_a, outbox_path=path_a)
    http = session()
    try:
        dossier = desk_a.save_intake(intake(), clerk=CLERK)
        assert feed_a.forward_office_records() == 1
        v1 = dossier_record_at(dossier, 1)
        today = datetime.now(HCM).date()
        tomorrow = today + timedelta(days=1)

        def answer(token: str, kind: str, data: dict) -> str | None:
            got = post_records(http, hub.url, token, [{"id": "x", "type": kind, "data": data}])
            assert got.status_code == 200, got.text
            body = got.json()
            return body["rejected"][0]["reason"] if body["rejected"] else None

        def squat(code: str, **more) -> str | None:
            return answer(token_b, "dossier", dict(v1, code=code, station_id="counter-2",
                                                   status=3, **more))

        assert "digits" in squat(f"{UNIT}-{today:%y%m%d}-0000001")
        assert "before 2020" in squat(f"{UNIT}-191231-0001")
        assert "past this station's last code" in squat(f"{UNIT}-{today:%y%m%d}-0051")
        assert "past this station's last code" in squat(f"{UNIT}-{tomorrow:%y%m%d}-0090")
        for bad_day in ("2026-W49-1", "20261210", "2026-12-1"):
            assert "appointment_date" in squat(f"{UNIT}-{today:%y%m%d}-0002",
                                               appointment_date=bad_day)
        assert "result_place" in squat(f"{UNIT}-{today:%y%m%d}-0002", result_place="x" * 201)
        assert "clerk" in squat(f"{UNIT}-{today:%y%m%d}-0002", clerk="x" * 101)
        assert "procedure_name" in squat(f"{UNIT}-{today:%y%m%d}-0002",
                                         procedure_name="x" * 301)
        # Within the window the code is still taken (codes are numbered per PC), but its text
        # arrives bounded and without control characters.
        assert squat(f"{UNIT}-{today:%y%m%d}-0002", initials="N.\tA.",
                     result_place="Tầng 1\n\x1b[2JGọi 0900\u200b 000 000") is None
        hub_db = connect(hub.db_path)
        row = hub_db.execute("SELECT result_place, initials FROM office_dossiers "
                             "WHERE code = ?", (f"{UNIT}-{today:%y%m%d}-0002",)).fetchone()
        assert tuple(row) == ("Tầng 1 [2JGọi 0900 000 000", "N. A.")
        # The real forwarder, in order, is never held back by the window; its 0002 is the
        # one code counter-2 took first (what office-unique codes will close).
        for _ in range(3):
            desk_a.save_intake(intake(), clerk=CLERK)
        assert feed_a.forward_office_records() == 2

        now = datetime.now(HCM)
        rated = {"uid": "r-1", "counter": 2, "level": "satisfied", "station": "rating-1",
                 "at": now.isoformat()}
        for at in ("0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59+07:00",
                   (now - timedelta(days=40)).isoformat(), (now + timedelta(days=2)).isoformat()):
            assert "at is" in answer(rating, "rating", dict(rated, at=at))
        assert "clerk" in answer(rating, "rating", dict(rated, clerk="x" * 101))
        assert answer(rating, "rating", dict(rated, clerk="Lan\nGọi 0900")) is None
        assert tuple(hub_db.execute("SELECT clerk FROM ratings WHERE uid = 'r-1'").fetchone()
                     ) == ("Lan Gọi 0900",)
        hub_db.conn.close()
    finally:
        feed_a.close()
        http.close()


def test_a_display_station_key_reaches_the_hub_without_the_office_key(hub, tmp_path):
    """A client configured with only its station key (as the wizard leaves it) works."""
    from kiosk.paths import Paths
    from kiosk.station import open_queue

    token = pair(hub.url, "display-7", "display")
    config = Config().with_values(hub={"role": "client", "url": hub.url, "station_key": token})
    queue = open_queue(config, Paths(tmp_path, tmp_path / "kiosk.toml"))
    try:
        assert sum(queue.snapshot().waiting.values()) == 0
    finally:
        queue.close()
    wrong = RemoteQueue(hub.url, "not-a-station-key-0000")
    try:
        with pytest.raises(Unauthorized):
            wrong.snapshot()
    finally:
        wrong.close()


def test_doctor_warns_when_keys_cross_the_lan_in_clear(hub, tmp_path):
    from kiosk.diagnostics.checks import Context, check_hub
    from kiosk.paths import Paths

    paths = Paths(tmp_path, tmp_path / "kiosk.toml")

    def results(**hub_values) -> dict:
        ctx = Context(paths, Config().with_values(hub=hub_values), None, timeout_s=5.0)
        return {r.name: r for r in check_hub(ctx)}

    on_lan = results(role="hub", host="0.0.0.0", office_key=KEY)
    assert on_lan["hub"].ok and on_lan["hub TLS"].warning
    assert "make-cert" in on_lan["hub TLS"].fix
    assert "hub TLS" not in results(role="hub", host="127.0.0.1", office_key=KEY)
    client = results(role="client", url=hub.url,
                     station_key=pair(hub.url, "display-3", "display"))
    assert client["hub office key"].ok and not client["hub office key"].warning
    assert client["hub TLS"].warning and "https://" in client["hub TLS"].fix
    revoked = requests.post(hub.url + p.STATIONS_PATH + "/display-3/revoke",
                            headers={p.KEY_HEADER: KEY}, timeout=10)
    assert revoked.ok
    refused = results(role="client", url=hub.url, station_key=client_key_of(hub, "display-3"))
    assert not refused["hub office key"].ok and "kiosk hub pair" in refused["hub office key"].fix


def client_key_of(hub, station_id: str) -> str:
    """A key the hub no longer knows for `station_id` (paired, then revoked)."""
    token = pair(hub.url, station_id, "display")
    requests.post(hub.url + p.STATIONS_PATH + f"/{station_id}/revoke",
                  headers={p.KEY_HEADER: KEY}, timeout=10).raise_for_status()
    return token


def test_a_station_still_on_the_office_key_is_told_once_to_pair(hub, two_counters, caplog,
                                                                 monkeypatch):
    import kiosk.queue.remote as remote

    (db, desk), _ = two_counters
    desk.save_intake(intake(), clerk=CLERK)
    monkeypatch.setattr(remote, "FORWARD_EVERY_S", 0.05)
    rounds = []
    forward = remote.RemoteQueue.forward_office_records

    def counted_forward(self):
        rounds.append(1)
        return forward(self)

    monkeypatch.setattr(remote.RemoteQueue, "forward_office_records", counted_forward)
    caplog.set_level(logging.INFO, logger="kiosk.queue.remote")
    states = Collector()
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    queue = RemoteQueue(hub.url, KEY, outbox_path=path, on_connection=states)
    try:
        states.wait_for(lambda s: any(x.connected for x in s))
        wait_until(lambda: len(rounds) >= 20, timeout=20)  # twenty rounds of the forwarder
    finally:
        queue.close()
    told = [r for r in caplog.records if "office feed" in r.getMessage()]
    assert len(told) == 1 and "station_key" in told[0].getMessage(), told


def test_the_wizard_run_again_on_a_paired_client_keeps_its_key(qtbot, tmp_path, hub):
    from kiosk.ui.wizard.pages import HubPage
    from tests.ui.wizard.test_ui_wizard_tls import make_wizard

    token = pair(hub.url, "display-5", "display")
    base = Config().with_values(station={"id": "display-5", "role": "display"},
                                hub={"role": "client", "url": hub.url, "station_key": token})
    wizard, _ = make_wizard(qtbot, tmp_path / "display-pc", base=base, existing=True)
    page = wizard.go_to(HubPage)
    assert page.url.text() == hub.url and page.key.text() == ""
    assert wizard.go_next(), page.error.text()  # no office key needed, no new pairing
    assert wizard.answers.station_key == token and wizard.answers.office_key == ""
    # Typing the office key pairs it again: a new key, the old one no longer works.
    page = wizard.go_to(HubPage)
    page.key.setText(KEY)
    wizard.go_next()
    qtbot.waitUntil(lambda: wizard.page is not page, timeout=15000)
    assert wizard.answers.station_key not in ("", token)
    with session() as http:
        assert http.get(hub.url + p.SNAPSHOT_PATH, headers=bearer(token),
                        timeout=10).status_code == 401
