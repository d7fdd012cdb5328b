"""`kiosk support-bundle`: logs, configuration and the doctor's results, with none of the
station's secrets (token, office key, PIN hash) and none of its personal data."""

import logging
import zipfile

import pytest

from kiosk import config as config_mod
from kiosk.admin.pin import hash_pin
from kiosk.admin.settings import save_pin_hash, stored_pin_hash
from kiosk.cli import main
from kiosk.config import Config
from kiosk.diagnostics.redact import redact_config, redact_text
from kiosk.dossiers import DossierDesk
from kiosk.logs import setup_logging
from kiosk.paths import Paths
from kiosk.store import connect
from tests.dossiers.test_dossiers_helpers import (
    ADDRESS,
    CLERK,
    EMAIL,
    ID_NUMBER,
    NAME,
    OWNER,
    OWNER_ID,
    PHONE,
    intake,
)

TOKEN = "station-secret-token-7Hq2Zx"
OFFICE_KEY = "office-key-Pq81vR"
OTHER_ID = "001203004005"  # in no dossier here: only the ID-number pattern can catch it


def bundle_texts(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name).decode("utf-8") for name in zf.namelist()}


@pytest.fixture
def station(tmp_path, monkeypatch):
    paths = Paths(tmp_path / "data", tmp_path / "data" / "kiosk.toml")
    config = Config().with_values(sync={"server_url": "http://127.0.0.1:9", "token": TOKEN})
    config = config.with_values(hub={"office_key": OFFICE_KEY})
    config_mod.save(config, paths.config_file)
    config = save_pin_hash(config, paths, hash_pin("482915"))
    db = connect(paths.database)
    dossier = DossierDesk(db, config).save_intake(intake(), clerk=CLERK)
    db.conn.close()
    # A careless log call, and an older rotated file, quoting everything that must not leave.
    setup_logging(paths)
    leak = (f"dossier {dossier.code}: {NAME} id {ID_NUMBER} other id {OTHER_ID} owner {OWNER} "
            f"{OWNER_ID} phone {PHONE} / 091 234 5678 mail {EMAIL} at {ADDRESS} token {TOKEN} "
            f"key {OFFICE_KEY} pin {stored_pin_hash(config, paths)}")
    logging.getLogger("tests.leak").warning(leak)
    (paths.logs / "kiosk.log.1").write_text(f"2026-01-01 older: {leak}\n", encoding="utf-8")
    for handler in logging.getLogger().handlers:
        handler.flush()
    return paths, config, dossier


def forbidden(paths: Paths, config: Config) -> list[str]:
    return [TOKEN, OFFICE_KEY, stored_pin_hash(config, paths), ID_NUMBER, OTHER_ID, OWNER_ID,
            PHONE,
            "091 234 5678", EMAIL, NAME, OWNER, ADDRESS]


def test_bundle_has_logs_config_and_doctor_without_secrets_or_personal_data(station,
                                                                            tmp_path, capsys):
    paths, config, dossier = station
    out = tmp_path / "bundle.zip"
    assert main(["--data-dir", str(paths.data_dir), "support-bundle", "--out", str(out)]) == 0
    assert "Support bundle written" in capsys.readouterr().out
    texts = bundle_texts(out)
    names = set(texts)
    assert {"manifest.txt", "config/kiosk.toml", "config/effective.toml", "logs/kiosk.log",
            "logs/kiosk.log.1", "doctor.json", "sync-status.json", "database.json"} <= names
    assert not any(n.endswith((".db", ".db-wal", ".png")) or "admin-pin" in n for n in names)
    for name, text in texts.items():
        for secret in forbidden(paths, config):
            assert secret not in text, (name, secret)
    # What is left is still useful: the record's code, masks where values were (the values
    # of the station's own dossiers as ***, anything shaped like an ID or a phone by kind).
    log = texts["logs/kiosk.log"]
    assert dossier.code in log and "<id-number>" in log and "<phone>" in log
    assert "id *** other id <id-number>" in log
    assert 'token = "***"' in texts["config/kiosk.toml"]
    manifest = texts["manifest.txt"]
    assert "hcc-kiosk" in manifest and "Python" in manifest and "OS " in manifest
    assert "[FAIL] city server" in manifest  # the doctor ran (port 9 is closed)
    assert '"dossiers": 1' in texts["database.json"]


def test_bundle_from_a_broken_configuration_still_masks_secrets(tmp_path):
    from kiosk.diagnostics.bundle import make_support_bundle

    paths = Paths(tmp_path, tmp_path / "kiosk.toml")
    paths.config_file.write_text(
        f'[sync]\ntoken = "{TOKEN}"\nserver_url = "https://city.example"\n'
        f'[hub]\noffice_key = "{OFFICE_KEY}"\n[printer]\nwidth = 70\n', encoding="utf-8")
    summary = make_support_bundle(paths, tmp_path / "b.zip", run_doctor=False)
    texts = bundle_texts(summary.path)
    for text in texts.values():
        assert TOKEN not in text and OFFICE_KEY not in text
    assert "configuration problem" in texts["manifest.txt"]

    paths.config_file.write_text(f'[sync\ntoken = "{TOKEN}"\nkey="{OFFICE_KEY}"',
                                 encoding="utf-8")  # not even TOML
    texts = bundle_texts(make_support_bundle(paths, tmp_path / "c.zip",
                                             run_doctor=False).path)
    assert TOKEN not in texts["config/kiosk.toml"] and "***" in texts["config/kiosk.toml"]
    assert OFFICE_KEY not in texts["config/kiosk.toml"]


def test_out_must_be_a_zip(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "support-bundle", "--out",
                 str(tmp_path / "b.tar")]) == 2


@pytest.mark.parametrize("text,kept", [
    ("ticket A012 printed in 0.123 s", "A012"),
    ("dossier 000.00.01.H26-260115-0007 received", "000.00.01.H26-260115-0007"),
    ("2026-01-15 09:12:33,123 INFO sync: 500 record(s) sent", "2026-01-15 09:12:33,123"),
    ("listening on http://127.0.0.1:8080", "127.0.0.1:8080"),
])
def test_masking_keeps_what_technicians_need(text, kept):
    assert kept in redact_text(text)


def test_config_redaction_names_the_secret_keys():
    data = {"sync": {"token": TOKEN, "server_url": "https://x"}, "hub": {"office_key": "k" * 9},
            "admin": {"pin_hash": "scrypt$..."}, "printer": {"uri": "usb://1:2"}}
    out = redact_config(data)
    assert out["sync"] == {"token": "***", "server_url": "https://x"}
    assert out["hub"]["office_key"] == "***" and out["admin"]["pin_hash"] == "***"
    assert out["printer"]["uri"] == "usb://1:2"
