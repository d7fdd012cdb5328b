"""Retention: personal data leaves the station once handed back, synced and old enough."""

import json
import sqlite3
from datetime import date, datetime, timedelta

import pytest

from kiosk.cli import main
from kiosk.dossiers import DossierDesk, DossierStatus, is_synced, purge_personal_data
from kiosk.dossiers.logbook import logbook_rows
from kiosk.store import connect
from tests.dossiers.test_dossiers_helpers import (
    CLERK,
    HCM,
    ID_NUMBER,
    NAME,
    OWNER,
    OWNER_ID,
    THURSDAY_9AM,
    intake,
)

RETURNED_AT = datetime(2026, 2, 24, 10, 0, tzinfo=HCM)
LATER = RETURNED_AT + timedelta(days=91)


def deliver(db, code=None):
    """What the sync worker does when the city accepts records."""
    where = "" if code is None else (
        " WHERE record_id IN (SELECT e.uid FROM dossier_events e JOIN dossiers d "
        "ON d.id = e.dossier_id WHERE d.code = ?)")
    db.conn.execute(f"UPDATE outbox SET sent_at = '2026-02-24T11:00:00+07:00', "
                    f"sync_result = 'accepted'{where}", () if code is None else (code,))


def returned(desk, **kw):
    d = desk.save_intake(intake(notes="Cháu Nguyễn Thị Kim Thư nộp thay", **kw), clerk=CLERK,
                         at=THURSDAY_9AM)
    return desk.hand_back(d.code, clerk=CLERK, at=RETURNED_AT)


def personal(db, code):
    row = db.execute("SELECT * FROM dossiers WHERE code = ?", (code,)).fetchone()
    return " ".join(str(v) for v in row)


def test_purges_handed_back_synced_old_dossiers_only(desk, db):
    old = returned(desk)
    unsynced = returned(desk)
    recent = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    recent = desk.hand_back(recent.code, clerk=CLERK, at=LATER - timedelta(days=10))
    open_one = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    desk.change_status(open_one.code, DossierStatus.PROCESSING, clerk=CLERK, at=RETURNED_AT)
    deliver(db)
    db.conn.execute("UPDATE outbox SET sent_at = NULL WHERE record_id = ?",
                    (unsynced.history[-1].uid,))  # its hand-back is not at the city yet
    assert is_synced(db.conn, old) and not is_synced(db.conn, unsynced)

    report = purge_personal_data(db, now=LATER, retention_days=90)
    assert report.purged == [old.code]
    assert report.waiting_for_sync == [unsynced.code]

    gone = desk.get(old.code)
    assert gone.purged and gone.purged_at == LATER
    assert gone.submitter.name == "" and gone.submitter.id_number == ""
    assert gone.submitter.birth_date is None and gone.submitter.address == ""
    assert gone.submitter.phone == "" and gone.submitter.email == "" and gone.owner is None
    assert gone.notes == "" and gone.summary == gone.procedure_name
    # The non-personal record stays.
    assert (gone.code, gone.procedure_code, gone.status, gone.appointment_date, gone.on_time) \
        == (old.code, old.procedure_code, DossierStatus.RETURNED, old.appointment_date, True)
    assert gone.received_at == old.received_at and gone.returned_at == old.returned_at
    assert len(gone.history) == len(old.history) and gone.documents == old.documents
    text = personal(db, old.code)
    for secret in (NAME, ID_NUMBER, OWNER, OWNER_ID, "0912345678", "Trần Hoàng Na"):
        assert secret not in text
    # Delivered outbox rows of the purged dossier no longer carry the personal data either.
    payloads = [r[0] for r in db.execute(
        "SELECT o.payload FROM outbox o JOIN dossier_events e ON e.uid = o.record_id "
        "WHERE e.dossier_id = ?", (old.id,))]
    assert payloads and all(NAME not in p and ID_NUMBER not in p and OWNER not in p
                            for p in payloads)
    assert json.loads(payloads[0])["personal_data_purged"] is True
    # Everything else kept its personal data.
    for kept in (unsynced, recent, open_one):
        assert NAME in personal(db, kept.code)
    # The logbook still counts the purged dossier.
    rows = logbook_rows(desk, date(2026, 2, 12), date(2026, 2, 12))
    assert old.code in [r.code for r in rows]
    assert "Đã xóa dữ liệu cá nhân" in next(r for r in rows if r.code == old.code).notes
    # A purged dossier is read-only, and a second purge finds nothing new.
    assert purge_personal_data(db, now=LATER, retention_days=90).purged == []


def test_dry_run_changes_nothing(desk, db):
    d = returned(desk)
    deliver(db)
    before = db.execute("SELECT * FROM dossiers").fetchall(), db.execute(
        "SELECT payload FROM outbox").fetchall()
    report = purge_personal_data(db, now=LATER, retention_days=90, dry_run=True)
    assert report.dry_run and report.purged == [d.code]
    assert (db.execute("SELECT * FROM dossiers").fetchall(),
            db.execute("SELECT payload FROM outbox").fetchall()) == before


def test_retention_period_counts_from_the_hand_back(desk, db):
    d = returned(desk)
    deliver(db)
    assert purge_personal_data(db, now=RETURNED_AT + timedelta(days=89),
                               retention_days=90).purged == []
    assert purge_personal_data(db, now=RETURNED_AT + timedelta(days=5),
                               retention_days=5).purged == [d.code]
    with pytest.raises(ValueError):
        purge_personal_data(db, now=LATER, retention_days=-1)


def test_set_aside_records_are_not_synced(desk, db):
    d = returned(desk)
    deliver(db)
    db.conn.execute("UPDATE outbox SET sent_at = NULL, set_aside_at = 'x' WHERE record_id = ?",
                    (d.history[0].uid,))
    assert not is_synced(db.conn, d)
    assert purge_personal_data(db, now=LATER).purged == []


def test_without_delivery_state_nothing_counts_as_synced():
    conn = sqlite3.connect(":memory:")
    conn.executescript("""
        CREATE TABLE outbox (id INTEGER PRIMARY KEY, record_id TEXT, payload TEXT);
        CREATE TABLE dossier_events (id INTEGER PRIMARY KEY, uid TEXT, dossier_id INTEGER);
        INSERT INTO dossier_events VALUES (1, 'e1', 7);
        INSERT INTO outbox VALUES (1, 'e1', '{}');
    """)
    assert is_synced(conn, 7) is False


def test_purged_dossier_cannot_change(desk, db):
    d = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    desk.finish(d.code, clerk=CLERK, at=RETURNED_AT)
    db.conn.execute("UPDATE dossiers SET purged_at = ? WHERE id = ?", (LATER.isoformat(), d.id))
    with pytest.raises(Exception, match="purged"):
        desk.hand_back(d.code, clerk=CLERK, at=LATER)


def test_cli_purge_and_show(tmp_path, config, capsys):
    station = tmp_path / "station"
    db = connect(station / "kiosk.db")
    desk = DossierDesk(db, config)
    # The command purges against the real clock: make the dossier old relative to it.
    received = desk.now() - timedelta(days=120)
    d = desk.save_intake(intake(), clerk=CLERK, at=received)
    desk.hand_back(d.code, clerk=CLERK, at=received + timedelta(days=10))
    deliver(db)
    db.conn.close()
    base = ["--data-dir", str(station)]
    assert main([*base, "dossier", "show", d.code.lower()]) == 0
    out = capsys.readouterr().out
    assert d.code in out and NAME in out and "Đã trả kết quả" in out
    assert main([*base, "dossier", "show", d.code, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["code"] == d.code and shown["status"] == 10 and len(shown["history"]) == 3
    assert main([*base, "dossier", "show", "000.00.01.H26-260212-9999"]) == 1
    capsys.readouterr()
    assert main([*base, "dossier", "purge", "--dry-run"]) == 0
    assert d.code in capsys.readouterr().out
    assert main([*base, "dossier", "purge"]) == 0
    assert "Purged personal data of 1 dossier(s)" in capsys.readouterr().out
    assert main([*base, "dossier", "show", d.code, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["submitter"]["name"] == "" and shown["purged_at"]


def test_cli_reprints_a_receipt(tmp_path, config, capsys):
    import zxingcpp

    from tests.escpos_raster import parse_escpos

    station = tmp_path / "station"
    db = connect(station / "kiosk.db")
    d = DossierDesk(db, config).save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    db.conn.close()
    out = tmp_path / "r.bin"
    assert main(["--data-dir", str(station), "dossier", "receipt", d.code, "--printer",
                 f"file://{out}"]) == 0
    image = parse_escpos(out.read_bytes()).pages[0].image
    assert d.code in [r.text for r in zxingcpp.read_barcodes(image)]
    pdf = tmp_path / "r.pdf"
    assert main(["--data-dir", str(station), "dossier", "receipt", d.code, "--pdf",
                 str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert main(["--data-dir", str(station), "dossier", "receipt", d.code, "--pdf"]) == 0
    assert (station / "receipts" / f"{d.code}.pdf").read_bytes().startswith(b"%PDF")


def test_the_receipt_goes_to_the_receipt_printer_at_its_width(tmp_path, config, capsys):
    """[dossiers] receipt_printer with its receipt_width, else the ticket printer at its own
    width; a command's --printer takes receipt_width (kiosk.station.open_receipt_printer)."""
    from tests.escpos_raster import parse_escpos

    station = tmp_path / "station"
    db = connect(station / "kiosk.db")
    d = DossierDesk(db, config).save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    db.conn.close()
    ticket, receipt, other = (tmp_path / f"{name}.bin" for name in ("ticket", "receipt", "o"))
    toml = station / "kiosk.toml"
    base = ["--data-dir", str(station), "dossier", "receipt", d.code]

    def width(path) -> int:
        return parse_escpos(path.read_bytes()).pages[0].image.width

    toml.write_text(f'[printer]\nuri = "file://{ticket}"\nwidth = 80\n', encoding="utf-8")
    assert main(base) == 0 and width(ticket) == 576
    toml.write_text(f'[printer]\nuri = "file://{ticket}"\nwidth = 80\n[dossiers]\n'
                    f'receipt_printer = "file://{receipt}"\nreceipt_width = 58\n',
                    encoding="utf-8")
    ticket.unlink()
    assert main(base) == 0 and width(receipt) == 384 and not ticket.exists()
    assert main([*base, "--printer", f"file://{other}"]) == 0 and width(other) == 384
    capsys.readouterr()


@pytest.mark.parametrize("status", [DossierStatus.WITHDRAWN, DossierStatus.STOPPED])
def test_a_dossier_closed_without_a_hand_back_is_purged_after_its_last_change(desk, db, status):
    old = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    desk.change_status(old.code, status, clerk=CLERK, reason="Công dân xin rút hồ sơ",
                       at=RETURNED_AT)
    recent = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    desk.change_status(recent.code, status, clerk=CLERK, reason="Công dân xin rút hồ sơ",
                       at=LATER - timedelta(days=10))
    deliver(db)
    report = purge_personal_data(db, now=LATER, retention_days=90)
    assert report.purged == [old.code]
    gone = desk.get(old.code)
    assert gone.purged and gone.submitter.name == "" and gone.status == status
    assert NAME not in personal(db, old.code) and NAME in personal(db, recent.code)
