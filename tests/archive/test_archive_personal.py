"""Which archived years hold personal data (refused/withdrawn/stopped dossiers, feedback phone
numbers: retention has no time for them), counted in the manifest and listed by the doctor,
without the data itself."""

from __future__ import annotations

import lzma
import shutil
import sqlite3
from datetime import datetime

import pytest

from kiosk.archive import files
from kiosk.config import Config
from kiosk.diagnostics.checks import check_archive, run_checks
from kiosk.paths import Paths
from kiosk.store import connect
from tests.archive.test_archive import TZ, kiosk, seed_station

PHONE = "0912345678"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return seed_station(tmp_path_factory.mktemp("seed") / "station")


@pytest.fixture
def station(seeded, tmp_path):
    data = tmp_path / "station"
    shutil.copytree(seeded, data)
    return data


def test_the_manifest_and_the_doctor_say_which_years_hold_personal_data(station, tmp_path):
    from kiosk.dossiers.intake import DossierDesk
    from kiosk.feedback.citizen_feedback import DEFAULT_TOPICS, record_feedback

    db = connect(station / "kiosk.db")
    # The dossier of 4 March 2024 still open: the citizen withdraws it the next day.
    code = db.conn.execute("SELECT code FROM dossiers WHERE day = '2024-03-04' AND status "
                           "IN (2, 4, 5, 6) ORDER BY id LIMIT 1").fetchone()[0]
    desk = DossierDesk(db, Config())
    desk.withdraw(code, "Công dân xin rút", clerk="cb", at=datetime(2024, 3, 5, 9, 0, tzinfo=TZ))
    # (the newest row of a table stays live: a change of this year after it)
    later = db.conn.execute("SELECT code FROM dossiers WHERE day >= '2026-01-01' AND status "
                            "IN (2, 4, 5, 6) ORDER BY id LIMIT 1").fetchone()[0]
    desk.withdraw(later, "Công dân xin rút", clerk="cb",
                  at=datetime(2026, 3, 3, 9, 0, tzinfo=TZ))
    record_feedback(db, topic=DEFAULT_TOPICS[0], text="Xin gọi lại", phone=PHONE,
                    at=datetime(2024, 5, 6, 9, 0, tzinfo=TZ), station_id="t")
    # (likewise)
    record_feedback(db, topic=DEFAULT_TOPICS[0], text="Sạch sẽ, tốt", phone=None,
                    at=datetime(2026, 5, 6, 9, 0, tzinfo=TZ), station_id="t")
    db.conn.execute("UPDATE outbox SET sent_at = created_at WHERE sent_at IS NULL")
    db.conn.commit()
    db.conn.close()
    assert kiosk(station, "archive", "--before", "2025-01-01") == 0
    # What the file holds, read by unpacking it.
    plain = tmp_path / "2024.db"
    plain.write_bytes(lzma.decompress(files.year_file(station / "archive", 2024).read_bytes()))
    conn = sqlite3.connect(plain)
    unpurged = conn.execute("SELECT count(*) FROM dossiers WHERE purged_at IS NULL AND "
                            "submitter_name IS NOT NULL").fetchone()[0]
    assert conn.execute("SELECT count(*) FROM dossiers WHERE status NOT IN (3, 7, 8) AND "
                        "submitter_name IS NOT NULL").fetchone()[0] == 0
    phones = conn.execute("SELECT count(*) FROM citizen_feedback WHERE phone IS NOT NULL"
                          ).fetchone()[0]
    conn.close()
    assert phones == 1
    manifest = files.read_manifest(station / "archive", 2024)
    assert manifest["personal"]["dossiers"]["rows"] == unpurged
    assert manifest["personal"]["feedback_phones"] == {"rows": 1, "from": "2024-05-06",
                                                       "to": "2024-05-06"}
    assert PHONE not in files.manifest_file(station / "archive", 2024).read_text("utf-8")
    (line,) = [r for r in run_checks(Paths(station, station / "kiosk.toml"), config=Config(),
                                     checks=[check_archive]) if "2024:" in r.detail]
    assert "verified; holds personal data" in line.detail
    assert "1 feedback phone number(s) (last change 2024-05-06 to 2024-05-06)" in line.detail
    assert unpurged >= 1
    assert f"{unpurged} refused/withdrawn/stopped dossier(s)" in line.detail
    assert PHONE not in line.detail
    # A manifest written before the count was kept: said so, not guessed.
    del manifest["personal"]
    files.write_manifest(station / "archive", 2024, manifest)
    (line,) = [r for r in run_checks(Paths(station, station / "kiosk.toml"), config=Config(),
                                     checks=[check_archive]) if "2024:" in r.detail]
    assert "personal data not counted" in line.detail
