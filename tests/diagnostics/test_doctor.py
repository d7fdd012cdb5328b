"""`kiosk doctor`: a healthy station passes; each broken part fails with a fix in plain words
and a non-zero exit code. `kiosk doctor --self-test` passes offline."""

import json
import socket
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from kiosk.admin.pin import hash_pin
from kiosk.admin.settings import save_pin_hash
from kiosk.cli import main
from kiosk.config import Config
from kiosk.diagnostics import checks
from kiosk.paths import Paths
from kiosk.store import connect
from tests.faultproxy import REVOKED_TOKEN, TOKEN, CityServer


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    server = CityServer(tmp_path_factory.mktemp("city"))
    yield server
    server.stop()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def station(tmp_path, *, printer: str | None = None, server: str = "", token: str = TOKEN,
            database: bool = True) -> Paths:
    """A configured station in tmp_path: file printer, admin PIN, a migrated database."""
    paths = Paths(tmp_path, tmp_path / "kiosk.toml")
    config = Config().with_values(
        office={"code": "000.00.01.H26", "name": "Điểm phục vụ thử"},
        printer={"uri": printer or f"file://{tmp_path / 'printer.bin'}"},
        sync={"server_url": server, "token": token if server else ""})
    from kiosk import config as config_mod

    config_mod.save(config, paths.config_file)
    save_pin_hash(config, paths, hash_pin("482915"))
    if database:
        connect(paths.database).conn.close()
    return paths


def doctor(paths: Paths, capsys, *extra: str) -> tuple[int, dict]:
    code = main(["--data-dir", str(paths.data_dir), "doctor", "--json", "--timeout", "3",
                 *extra])
    out = json.loads(capsys.readouterr().out)
    return code, out


def by_name(report: dict) -> dict[str, dict]:
    return {c["name"]: c for c in report["checks"]}


def assert_fails_with_fix(report: dict, name: str, *words: str) -> dict:
    check = by_name(report)[name]
    assert check["status"] == "FAIL", check
    assert check["fix"], check
    for word in words:
        assert word in check["detail"] + " " + check["fix"], (word, check)
    return check


def test_healthy_station_passes(tmp_path, capsys, city):
    paths = station(tmp_path, server=city.url)
    started = time.monotonic()
    code, report = doctor(paths, capsys)
    assert code == 0, report
    assert report["ok"] is True
    checks_ = by_name(report)
    for name in ("configuration", "admin PIN", "database", "free disk", "log folder",
                 "printer", "city server", "city token", "clock", "sync backlog"):
        assert checks_[name]["status"] == "PASS", checks_[name]
    assert checks_["scanner"]["status"] == "SKIP"
    assert time.monotonic() - started < 10
    # Plain text: one line per check, and the summary.
    assert main(["--data-dir", str(paths.data_dir), "doctor"]) == 0
    text = capsys.readouterr().out
    assert "[PASS] city token" in text and "0 failed" in text
    assert TOKEN not in text


def test_missing_printer_device_fails_with_a_fix(tmp_path, capsys):
    paths = station(tmp_path, printer=f"file://{tmp_path / 'unplugged' / 'lp0'}")
    code, report = doctor(paths, capsys)
    assert code == 1 and report["ok"] is False
    assert_fails_with_fix(report, "printer", "plugged in")


def test_unreachable_network_printer_fails_with_a_fix(tmp_path, capsys):
    paths = station(tmp_path, printer=f"tcp://127.0.0.1:{closed_port()}")
    code, report = doctor(paths, capsys)
    assert code == 1
    assert_fails_with_fix(report, "printer", "FEED", "IP address")


def test_unreachable_city_server_fails_with_a_fix(tmp_path, capsys):
    paths = station(tmp_path, server=f"http://127.0.0.1:{closed_port()}")
    code, report = doctor(paths, capsys)
    assert code == 1
    assert_fails_with_fix(report, "city server", "not reachable", "server_url")
    assert "city token" not in by_name(report)  # nothing to ask without a server


@pytest.mark.parametrize("token,words", [("not-the-token-0123", ("does not know",)),
                                         (REVOKED_TOKEN, ("revoked", "new token"))])
def test_refused_token_fails_with_a_fix(tmp_path, capsys, city, token, words):
    paths = station(tmp_path, server=city.url, token=token)
    code, report = doctor(paths, capsys)
    assert code == 1
    assert by_name(report)["city server"]["status"] == "PASS"
    assert_fails_with_fix(report, "city token", *words)
    assert token not in json.dumps(report)


def test_corrupt_database_fails_with_a_fix(tmp_path, capsys):
    paths = station(tmp_path, database=False)
    paths.database.write_bytes(b"this is not a database, it was cut by a power failure" * 200)
    code, report = doctor(paths, capsys)
    assert code == 1
    assert_fails_with_fix(report, "database", "Rename", ".recover")


def test_damaged_pages_fail_the_integrity_check(tmp_path, capsys):
    paths = station(tmp_path, database=False)
    db = connect(paths.database)
    db.conn.execute("PRAGMA journal_mode = DELETE")
    db.conn.execute("CREATE TABLE filler (x TEXT)")
    db.conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,)] * 400)
    db.conn.execute("CREATE INDEX filler_x ON filler (x)")
    db.conn.close()
    data = bytearray(paths.database.read_bytes())
    page = 4096
    for offset in range(page * 3, len(data) - page, page * 7):
        data[offset + 8:offset + 200] = b"\xff" * 192  # scramble cell pointers
    paths.database.write_bytes(bytes(data))
    code, report = doctor(paths, capsys)
    assert code == 1
    assert_fails_with_fix(report, "database", "Rename")


def test_broken_configuration_is_reported_not_fatal(tmp_path, capsys):
    paths = Paths(tmp_path, tmp_path / "kiosk.toml")
    paths.config_file.write_text('[printer]\nwidth = 70\n', encoding="utf-8")
    code, report = doctor(paths, capsys)
    assert code == 1
    check = assert_fails_with_fix(report, "configuration", "width", "kiosk setup")
    assert "must be 58 or 80" in check["detail"]
    assert by_name(report)["printer"]["status"] == "SKIP"


def test_missing_configuration_fails_and_points_to_setup(tmp_path, capsys):
    code, report = doctor(Paths(tmp_path, tmp_path / "kiosk.toml"), capsys)
    assert code == 1
    assert_fails_with_fix(report, "configuration", "kiosk setup")
    assert by_name(report)["admin PIN"]["status"] == "WARN"


def _date(delta_s: float) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=delta_s), usegmt=True)


def test_clock_skew_against_the_server():
    now = time.time()
    assert checks._clock_result(_date(0), now, now).status == "PASS"
    assert checks._clock_result(_date(-60), now, now).status == "WARN"
    skewed = checks._clock_result(_date(-900), now, now)
    assert skewed.status == "FAIL" and "ahead of" in skewed.detail
    assert "Set time automatically" in skewed.fix
    assert checks._clock_result(None, now, now).status == "SKIP"


def test_a_crashing_check_is_a_failed_check_not_a_crash(tmp_path):
    def broken(ctx):
        raise RuntimeError("boom")

    results = checks.run_checks(Paths(tmp_path, tmp_path / "kiosk.toml"), checks=[broken])
    assert [(r.name, r.status) for r in results] == [("broken", "FAIL")]
    assert "support-bundle" in results[0].fix


def test_self_test_passes_offline(capsys):
    started = time.monotonic()
    assert main(["doctor", "--self-test"]) == 0
    out = capsys.readouterr().out
    for step in ("ticket", "qr", "database", "archive", "sync"):
        assert f"self-test {step}: ok" in out
    assert "self-test passed" in out
    assert time.monotonic() - started < 15


def test_integrity_check_runs_on_the_real_file(tmp_path):
    # The check reads the file as is: it never migrates or creates a database.
    paths = Paths(tmp_path, tmp_path / "kiosk.toml")
    results = checks.check_database(checks.Context(paths, Config()))
    assert results[0].ok and "does not exist yet" in results[0].detail
    assert not paths.database.exists()
    sqlite3.connect(paths.database).close()
    assert checks.check_database(checks.Context(paths, Config()))[0].ok


def test_self_test_names_a_build_without_isa_l(tmp_path, monkeypatch):
    """A build that lost the isal library still reads its archive years (zlib), at half the
    speed: the self-test fails and says what to do."""
    import zlib

    from kiosk.archive import gzstreams
    from kiosk.diagnostics.selftest import step_archive

    assert "ISA-L" in step_archive(tmp_path)
    (tmp_path / "again").mkdir()
    monkeypatch.setattr(gzstreams, "_inflating", zlib)
    with pytest.raises(AssertionError, match="isal library did not load.*scripts/build.sh"):
        step_archive(tmp_path / "again")
