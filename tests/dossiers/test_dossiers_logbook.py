"""The logbook (Sổ theo dõi hồ sơ): rows for a date range and the csv / xlsx / pdf exports."""

import csv
import shutil
import subprocess
from datetime import date, datetime, timedelta

import pytest

from kiosk.cli import main
from kiosk.dossiers import DossierDesk, DossierStatus
from kiosk.dossiers.logbook import COLUMNS, export_logbook, logbook_rows
from kiosk.store import connect
from tests.dossiers.test_dossiers_helpers import (
    ADDRESS,
    CLERK,
    HCM,
    NAME,
    OWNER,
    THURSDAY_9AM,
    intake,
)

START, END = date(2026, 2, 12), date(2026, 2, 13)


@pytest.fixture
def book(desk):
    a = desk.save_intake(intake("1.004194", notes="Nộp thay"), clerk=CLERK, at=THURSDAY_9AM)
    desk.finish(a.code, clerk=CLERK, at=datetime(2026, 2, 23, 10, 0, tzinfo=HCM))
    desk.hand_back(a.code, clerk=CLERK, at=datetime(2026, 2, 23, 15, 20, tzinfo=HCM))
    b = desk.save_intake(intake("2.000815", owner=None, sets=2), clerk="Trần Minh Đức",
                         at=THURSDAY_9AM + timedelta(days=1, hours=1))
    desk.request_supplement(b.code, "Thiếu bản chính", clerk=CLERK,
                            at=THURSDAY_9AM + timedelta(days=1, hours=2))
    # Outside the range: the day before.
    desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM - timedelta(days=1))
    return a.code, b.code


def test_rows_have_the_logbook_columns(desk, book):
    a, b = book
    rows = logbook_rows(desk, START, END)
    assert [r.code for r in rows] == [a, b]
    first, second = rows
    assert len(first.cells()) == len(COLUMNS) == 14
    assert first.index == 1 and first.content == "Đăng ký tạm trú" and first.sets == 1
    assert first.owner_name == OWNER  # chủ hồ sơ
    assert first.address == ADDRESS  # the owner has none on file: the submitter's
    assert first.phone == "0912345678"
    assert first.received == "12/02/2026 09:00"
    assert first.appointment == "24/02/2026"
    assert first.result_collected == "23/02/2026 15:20"
    assert first.signature == ""
    assert first.clerk == CLERK and first.area == "Tổ dân phố số 3"
    assert first.notes == "Nộp thay"
    assert second.owner_name == NAME and second.sets == 2 and second.clerk == "Trần Minh Đức"
    assert second.notes == "Yêu cầu bổ sung giấy tờ: Thiếu bản chính"
    assert second.result_collected == ""
    with pytest.raises(ValueError):
        logbook_rows(desk, END, START)


def test_csv_has_a_bom_and_reads_back(desk, book, tmp_path):
    out = export_logbook(logbook_rows(desk, START, END), "csv", tmp_path / "so.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # so Excel opens it as UTF-8
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == list(COLUMNS)
    assert [r[1] for r in rows[1:]] == list(book)
    assert rows[1][4] == OWNER and rows[1][8] == "24/02/2026"
    assert not (tmp_path / "so.csv.tmp").exists()


def test_xlsx_reads_back_with_openpyxl(desk, book, tmp_path):
    from openpyxl import load_workbook

    out = export_logbook(logbook_rows(desk, START, END), "xlsx", tmp_path / "so.xlsx",
                         unit_name=desk.settings.unit_name, start=START, end=END)
    ws = load_workbook(out).active
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(values) if row[0] == "STT")
    assert list(values[header_at]) == list(COLUMNS)
    data = values[header_at + 1:]
    assert [row[1] for row in data] == list(book)
    assert data[0][4] == OWNER and data[1][3] == 2
    flat = " ".join(str(v) for row in values for v in row if v)
    assert "SỔ THEO DÕI HỒ SƠ" in flat and "Từ ngày 12/02/2026 đến ngày 13/02/2026" in flat
    # Dates are Excel dates (sortable, filterable), shown the Vietnamese way; the phone is
    # text with its leading 0; "not yet collected" is a blank cell.
    assert data[0][7] == datetime(2026, 2, 12, 9, 0)
    assert data[0][8] == datetime(2026, 2, 24)
    assert data[0][9] == datetime(2026, 2, 23, 15, 20)
    assert data[1][9] is None
    assert data[0][6] == "0912345678"
    first = header_at + 2
    assert ws.cell(row=first, column=8).number_format == "DD/MM/YYYY HH:MM"
    assert ws.cell(row=first, column=9).number_format == "DD/MM/YYYY"
    assert ws.cell(row=first + 1, column=8).number_format == "DD/MM/YYYY HH:MM"  # copied
    assert ws.cell(row=first, column=5).number_format == "General"
    assert 20 <= ws.column_dimensions["E"].width <= 40


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_pdf_is_a4_landscape_with_the_text(desk, book, tmp_path):
    out = export_logbook(logbook_rows(desk, START, END), "pdf", tmp_path / "so.pdf",
                         unit_name=desk.settings.unit_name, start=START, end=END)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True,
                          check=True).stdout
    assert "841.89 x 595.28" in info  # A4 landscape, in points
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    text = " ".join(text.split())  # cells wrap inside narrow columns
    for expected in ("SỔ THEO DÕI HỒ SƠ", "Họ tên chủ hồ sơ", "Địa bàn phát sinh", OWNER,
                     "Đăng ký tạm trú", "Yêu cầu bổ sung giấy tờ", "Trần Minh Đức",
                     *(code.split("-")[-1] for code in book)):
        assert expected in text, expected


def test_empty_range_still_exports(desk, tmp_path):
    for fmt in ("csv", "xlsx", "pdf"):
        out = export_logbook([], fmt, tmp_path / f"empty.{fmt}")
        assert out.stat().st_size > 0
    with pytest.raises(ValueError):
        export_logbook([], "docx", tmp_path / "x.docx")


def test_cli_export_logbook_contract(tmp_path, config, capsys):
    db = connect(tmp_path / "station" / "kiosk.db")
    desk = DossierDesk(db, config)
    d = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    desk.change_status(d.code, DossierStatus.PROCESSING, clerk=CLERK, at=THURSDAY_9AM)
    db.conn.close()
    for fmt in ("csv", "xlsx", "pdf"):
        out = tmp_path / f"book.{fmt}"
        code = main(["--data-dir", str(tmp_path / "station"), "export", "logbook", "--from",
                     "2026-02-12", "--to", "12/02/2026", "--format", fmt, "--out", str(out)])
        assert code == 0
        assert out.exists() and out.stat().st_size > 0
    assert "1 dossier(s)" in capsys.readouterr().out
    assert main(["--data-dir", str(tmp_path / "station"), "export", "logbook", "--from",
                 "2026-02-13", "--to", "2026-02-12", "--format", "csv", "--out",
                 str(tmp_path / "x.csv")]) == 2
    assert main(["--data-dir", str(tmp_path / "station"), "export", "logbook", "--from",
                 "hôm qua", "--to", "2026-02-12", "--format", "csv", "--out",
                 str(tmp_path / "x.csv")]) == 2
