"""`kiosk report --from D --to D --format xlsx|csv|pdf --out FILE`: the files read back."""

import csv
import shutil
import subprocess

import pytest

from kiosk.cli import main
from kiosk.config import Config
from kiosk.stats import office_stats
from kiosk.stats.report import COLUMNS, RESULT_GROUPS, csv_rows, write_report
from kiosk.store import connect
from kiosk.ticketing import TicketDesk
from tests.stats.test_stats_helpers import DUC, HA, MONDAY, TZ, add_rating, at, seed_six_plus_one

DAY = MONDAY.isoformat()


@pytest.fixture
def station(tmp_path):
    """A data directory whose database holds the hand-computed day of test_stats_helpers."""
    data = tmp_path / "station"
    db = connect(data / "kiosk.db")
    tickets = seed_six_plus_one(db, TicketDesk(db, Config()))
    add_rating(db, at("08:16"), "very_satisfied", 1, HA, ticket=tickets["A001"])
    add_rating(db, at("08:21"), "unsatisfied", 2, DUC, ticket=tickets["B001"],
               reasons=("waiting_time",))
    db.conn.close()
    return data


def report(data, *args) -> int:
    return main(["--data-dir", str(data), "report", *args])


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the file as UTF-8
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_csv_reads_back_with_one_row_per_group(station, tmp_path, capsys):
    out = tmp_path / "out" / "thong-ke.csv"
    assert report(station, "--from", DAY, "--to", DAY, "--format", "csv", "--out",
                  str(out)) == 0
    assert "7 ticket(s), 5 served, 2 rating(s)" in capsys.readouterr().out
    header, *rows = read_csv(out)
    assert tuple(header) == COLUMNS
    by = {(r[0], r[1]): dict(zip(header, r, strict=True)) for r in rows}
    total = by[("Tổng", "02/03/2026-02/03/2026")]
    assert total["Tên"] == "Toàn điểm phục vụ"
    assert (total["Phiếu cấp"], total["Đã phục vụ"], total["Vắng mặt (bỏ qua)"]) == \
        ("7", "5", "1")
    assert (total["Chờ trung bình (phút)"], total["Chờ trung vị (phút)"],
            total["Chờ P90 (phút)"]) == ("7.4", "5.0", "14.6")
    assert (total["Phục vụ trung bình (phút)"], total["Phục vụ P90 (phút)"]) == ("11.4", "15.0")
    assert total["Tỷ lệ hài lòng (%)"] == "50.0"
    ct = by[("Dịch vụ", "CT")]
    assert (ct["Phiếu cấp"], ct["Chờ P90 (phút)"], ct["Phục vụ P90 (phút)"]) == \
        ("4", "12.1", "11.6")
    c2 = by[("Quầy", "2")]
    assert c2["Tên"] == "Quầy 2" and c2["Phiếu cấp"] == "" and c2["Hồ sơ tiếp nhận"] == ""
    assert (c2["Đã phục vụ"], c2["Chờ trung bình (phút)"]) == ("3", "8.3")  # 8.25, half up
    assert by[("Cán bộ", HA)]["Đã phục vụ"] == "2"
    assert by[("Ngày", DAY)]["Tên"] == "T2 02/03/2026"
    assert by[("Giờ", "08")]["Phiếu cấp"] == "7"
    assert by[("Lý do không hài lòng", "waiting_time")]["Không hài lòng"] == "1"
    assert by[("Lý do không hài lòng", "waiting_time")]["Tên"] == "Thời gian chờ đợi lâu"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_has_vietnamese_headings_and_figures(station, tmp_path):
    out = tmp_path / "thong-ke.pdf"
    assert report(station, "--from", DAY, "--to", "2026-03-03", "--format", "pdf", "--out",
                  str(out)) == 0
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    for heading in ("BÁO CÁO THỐNG KÊ HOẠT ĐỘNG", "Từ ngày 02/03/2026 đến ngày 03/03/2026",
                    "Thời gian chờ trung bình theo dịch vụ", "Số phiếu theo giờ trong ngày",
                    "Đánh giá của người dân", "1. Theo dịch vụ", "2. Theo quầy",
                    "3. Theo cán bộ", "4. Theo ngày", "Lý do không hài lòng", "Cách tính",
                    "Chứng thực bản sao", HA, DUC, "Quầy 2", "Trả hồ sơ đúng hạn"):
        assert heading in text, heading
    assert "7,4 phút" in text  # mean wait, written the Vietnamese way
    assert "14,6" in text and "50,0%" in text


def test_from_after_to_is_a_usage_error(station, tmp_path, capsys):
    out = tmp_path / "x.csv"
    assert report(station, "--from", "2026-03-03", "--to", DAY, "--format", "csv", "--out",
                  str(out)) == 2
    assert "--from 2026-03-03 is after --to 2026-03-02" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("args", [
    ("--from", "02/03/2026", "--to", DAY, "--format", "csv", "--out", "x.csv"),
    ("--from", DAY, "--to", DAY, "--format", "xls", "--out", "x.xls"),
    ("--from", DAY, "--format", "csv", "--out", "x.csv"),
])
def test_bad_arguments_exit_2(station, args, capsys):
    with pytest.raises(SystemExit) as exc:
        report(station, *args)
    assert exc.value.code == 2


@pytest.mark.parametrize(("start", "end"), [("0001-01-01", "0001-01-02"),
                                            (DAY, "9999-12-31"), ("1999-12-31", DAY)])
def test_days_outside_2000_to_2100_are_a_plain_usage_error(station, tmp_path, capsys,
                                                           start, end):
    """They used to end in an OverflowError traceback."""
    out = tmp_path / "x.csv"
    with pytest.raises(SystemExit) as exc:
        report(station, "--from", start, "--to", end, "--format", "csv", "--out", str(out))
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "between 2000-01-01 and 2100-12-31" in err and "Traceback" not in err
    assert not out.exists()


def test_empty_range_still_writes_every_format(tmp_path, db):
    stats = office_stats(db, MONDAY, MONDAY, TZ)
    rows = csv_rows(stats)
    # Then the Decision 766 group of each result column, data or not.
    indicators = len(RESULT_GROUPS)
    assert [r[0] for r in rows] == ["Tổng", "Ngày", *["Chỉ số QĐ 766"] * indicators]
    assert write_report(stats, "pdf", tmp_path / "e.pdf").stat().st_size > 1000
    assert write_report(stats, "csv", tmp_path / "e.csv").read_bytes().count(b"\n") == \
        3 + indicators
    from openpyxl import load_workbook

    ws = load_workbook(write_report(stats, "xlsx", tmp_path / "e.xlsx")).active
    firsts = [r[0] for r in ws.iter_rows(values_only=True)]
    assert firsts[-2 - indicators:-indicators] == ["Tổng", "Ngày"]


def test_xlsx_reads_back_with_numbers_dates_and_vietnamese(station, tmp_path, capsys):
    from datetime import datetime

    from openpyxl import load_workbook

    out = tmp_path / "thong-ke.xlsx"
    assert report(station, "--from", DAY, "--to", DAY, "--format", "xlsx", "--out",
                  str(out)) == 0
    assert "written to" in capsys.readouterr().out
    ws = load_workbook(out).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[1][0] == "BÁO CÁO THỐNG KÊ HOẠT ĐỘNG"
    assert "Ngày 02/03/2026" in [r[0] for r in rows[:4]]
    h = next(i for i, r in enumerate(rows) if tuple(r) == COLUMNS)
    header, body = rows[h], rows[h + 1:]
    by = {(r[0], r[1]): dict(zip(header, r, strict=True)) for r in body}
    total = by[("Tổng", "02/03/2026-02/03/2026")]
    assert total["Tên"] == "Toàn điểm phục vụ"
    assert (total["Phiếu cấp"], total["Đã phục vụ"], total["Vắng mặt (bỏ qua)"]) == (7, 5, 1)
    assert (total["Chờ trung bình (phút)"], total["Chờ P90 (phút)"]) == (7.4, 14.6)
    assert total["Tỷ lệ hài lòng (%)"] == 50.0
    c2 = by[("Quầy", "2")]
    assert c2["Phiếu cấp"] is None and c2["Hồ sơ tiếp nhận"] is None  # blank, not "" or 0
    assert c2["Chờ trung bình (phút)"] == 8.3  # 8.25, half up as in the CSV
    day = next(r for r in body if r[0] == "Ngày")
    assert day[1] == datetime(2026, 3, 2) and day[2] == "T2 02/03/2026"
    assert by[("Lý do không hài lòng", "waiting_time")]["Tên"] == "Thời gian chờ đợi lâu"
    # Shown with one decimal and the day as a date, whatever the PC's regional settings.
    wait_col = COLUMNS.index("Chờ trung bình (phút)") + 1
    assert ws.cell(row=h + 2, column=wait_col).number_format == "0.0"
    assert ws.cell(row=h + 1 + body.index(day) + 1, column=2).number_format == "DD/MM/YYYY"
    widths = {c: ws.column_dimensions[c].width for c in ("A", "B", "C", "D", "W")}
    assert widths["C"] >= 30 and all(10 <= w <= 40 for w in widths.values())
    assert ws.freeze_panes == f"D{h + 2}" and ws.auto_filter.ref.startswith(f"A{h + 1}:")


def test_report_counts_results_by_the_stations_calendar(tmp_path, capsys):
    """`kiosk report` counts settling days with the station's calendar: a holiday the office
    added (Friday 6 March) is no working day."""
    from tests.stats.test_stats_results import seed_month

    data = tmp_path / "station"
    db = connect(data / "kiosk.db")
    seed_month(db, Config())
    db.conn.close()
    (data / "kiosk.toml").write_text('[calendar]\nholiday_overrides = ["2026-03-06"]\n',
                                     encoding="utf-8")
    out = tmp_path / "r.csv"
    assert report(data, "--from", "2026-03-01", "--to", "2026-03-31", "--format", "csv",
                  "--out", str(out)) == 0
    assert "4 settled (2 late)" in capsys.readouterr().out
    header, *rows = read_csv(out)
    total = dict(zip(header, rows[0], strict=True))
    # Settling days 2, 4, 5, 1 (5, 6, 2 without the holiday): mean 3.0.
    assert total["Giải quyết TB (ngày làm việc)"] == "3.0"
    assert [r[1] for r in rows if r[0] == "Kết quả theo cán bộ"] == [DUC, HA]
