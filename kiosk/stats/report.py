"""The statistics report as an Excel workbook (xlsx), CSV or PDF (A4 landscape, to print or
send).

XLSX: the CSV's table (below) under the office's name, the title and the period, as real
numbers (one decimal shown, whatever the PC's regional settings: a Vietnamese Excel reads a
CSV's "7.4" as text and its commas as one column), each day as a date, a filter on the heading
row and the headings frozen. This is the "Xuất Excel" of the office window.

CSV: one long table, one row per group, with a "Nhóm" column (Tổng, Dịch vụ, Quầy, Cán bộ,
Ngày, Giờ, Lý do không hài lòng): every row has the same columns, so Excel's filter on the first
column shows one grouping at a time and a pivot table works without retyping. UTF-8 with BOM
(Excel then reads Vietnamese), comma-separated like the logbook export, numbers with a decimal
point and no thousands separator (they stay numbers whatever the PC's regional settings), blank
where a figure is not defined.

PDF: summary tiles, three small bar charts drawn with fpdf2 rectangles (no image library, sharp
at any zoom), then one table per grouping and how each figure is computed. Numbers are written
the Vietnamese way (12,5 phút; 66,7%).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.stats.compute import LEVEL_LABELS_VI, LEVELS, GroupStats, OfficeStats
from kiosk.stats.results import PROGRESS, SATISFACTION, ResultRow, indicator_legend

if TYPE_CHECKING:
    from fpdf import FPDF

FORMATS = ("xlsx", "csv", "pdf")
TITLE = "BÁO CÁO THỐNG KÊ HOẠT ĐỘNG"
SUBTITLE = "Tiếp nhận hồ sơ và trả kết quả tại Điểm phục vụ hành chính công"

GROUP_NAMES = {"total": "Tổng", "service": "Dịch vụ", "counter": "Quầy", "clerk": "Cán bộ",
               "day": "Ngày", "hour": "Giờ", "reason": "Lý do không hài lòng",
               "result_clerk": "Kết quả theo cán bộ", "result_procedure": "Kết quả theo thủ tục",
               "indicator": "Chỉ số QĐ 766"}

COLUMNS = (
    "Nhóm", "Mã", "Tên",
    "Phiếu cấp", "Đã gọi", "Đã phục vụ", "Vắng mặt (bỏ qua)", "Chuyển quầy/dịch vụ",
    "Chờ trung bình (phút)", "Chờ trung vị (phút)", "Chờ P90 (phút)",
    "Phục vụ trung bình (phút)", "Phục vụ trung vị (phút)", "Phục vụ P90 (phút)",
    "Rất hài lòng", "Hài lòng", "Không hài lòng", "Tỷ lệ hài lòng (%)",
    "Hồ sơ tiếp nhận", "Hồ sơ đã trả", "Trả đúng hạn", "Trả quá hạn", "Tỷ lệ trả đúng hạn (%)",
)
#: The results for the service index (kiosk.stats.results), after the figures above.
RESULT_COLUMNS = (
    "Giải quyết xong", "Giải quyết đúng hạn", "Giải quyết quá hạn", "Xin lỗi (Mẫu 04)",
    "Từ chối", "Yêu cầu bổ sung", "Giải quyết TB (ngày làm việc)",
    "Giải quyết P90 (ngày làm việc)", "Hài lòng giải quyết TTHC (%)", "PAKN đến hạn",
    "PAKN xử lý đúng hạn (%)",
)
#: The Decision 766/QĐ-TTg group each result column feeds (the "Chỉ số QĐ 766" rows).
RESULT_GROUPS = dict(zip(RESULT_COLUMNS, (*([PROGRESS] * 8), *([SATISFACTION] * 3)),
                         strict=True))
COLUMNS = COLUMNS + RESULT_COLUMNS

# -- number formats ----------------------------------------------------------------------------


def period_text(start: date, end: date) -> str:
    if start == end:
        return f"Ngày {start:%d/%m/%Y}"
    return f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def one_decimal(value: float) -> str:
    """Rounded half up like Excel and a calculator (8.25 -> "8.3"), not half to even."""
    return str(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def minutes_vi(value: float | None, unit: bool = False) -> str:
    """12,5 (or "12,5 phút"); "–" when there is nothing to measure."""
    if value is None:
        return "–"
    text = one_decimal(value).replace(".", ",")
    return f"{text} phút" if unit else text


def share_vi(value: float | None) -> str:
    """A 0..1 share as "66,7%"; "–" when undefined."""
    if value is None:
        return "–"
    return one_decimal(value * 100).replace(".", ",") + "%"


def count_vi(value: int | None) -> str:
    if value is None:
        return "–"
    return f"{value:,}".replace(",", ".")


def short_label(name: str, limit: int = 26) -> str:
    """A service name short enough for a chart axis: before any bracket or comma, then cut.
    "Chứng thực bản sao, chữ ký, hợp đồng" -> "Chứng thực bản sao"."""
    text = name.split(" (", 1)[0].split(",", 1)[0].strip() or name
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def reason_label(code: str) -> str:
    """The rating screen's wording of a reason; an unknown code as stored."""
    from kiosk.feedback.ratings import RatingReason

    try:
        return RatingReason(code).label_vi
    except ValueError:
        return code


def _num(value: float | None) -> str:
    return "" if value is None else one_decimal(value)


def _pct(value: float | None) -> str:
    return "" if value is None else one_decimal(value * 100)


def _int(value: int | None) -> str | int:
    return "" if value is None else value


# -- CSV ---------------------------------------------------------------------------------------


def group_cells(group: str, g: GroupStats, key: str | None = None) -> list[str | int]:
    d = g.dossiers
    r = g.ratings
    return [
        GROUP_NAMES[group], g.key if key is None else key, g.label,
        _int(g.issued), g.called, g.served, g.skipped, g.transferred,
        _num(g.waiting.mean), _num(g.waiting.median), _num(g.waiting.p90),
        _num(g.service.mean), _num(g.service.median), _num(g.service.p90),
        r.very_satisfied, r.satisfied, r.unsatisfied, _pct(r.satisfaction_share),
        *((d.received, d.handed_back, d.on_time, d.late, _pct(d.on_time_rate)) if d
          else ("", "", "", "", "")),
        *([""] * len(RESULT_COLUMNS)),
    ]


def result_cells(r: ResultRow) -> list[str | int]:
    """The RESULT_COLUMNS of one row of results."""
    return [r.settled, r.on_time, r.late, r.apologised, r.refused, r.supplemented,
            _num(r.settle_mean), _num(r.settle_p90), _pct(r.satisfaction_share),
            _int(r.petitions), _pct(r.petitions_on_time_rate)]


def csv_rows(stats: OfficeStats) -> list[list[str | int]]:
    """The CSV table below its header row."""
    first = len(COLUMNS) - len(RESULT_COLUMNS)
    rows = [group_cells("total", stats.total,
                        key=f"{stats.start:%d/%m/%Y}-{stats.end:%d/%m/%Y}")]
    results = stats.results
    if results is not None:
        rows[0][first:] = result_cells(results.total)
    for dimension in ("service", "counter", "clerk", "day"):
        rows.extend(group_cells(dimension, g) for g in stats.grouping(dimension))
    blank = [""] * (len(COLUMNS) - 3)
    for hour, (issued, served) in enumerate(zip(stats.issued_by_hour, stats.served_by_hour,
                                                strict=True)):
        if issued or served:
            row: list[str | int] = [GROUP_NAMES["hour"], f"{hour:02d}",
                                    f"{hour:02d}:00–{hour:02d}:59", *blank]
            row[3], row[5] = issued, served
            rows.append(row)
    unhappy = COLUMNS.index("Không hài lòng")
    for code, count in stats.unsatisfied_reasons:
        row = [GROUP_NAMES["reason"], code, reason_label(code), *blank]
        row[unhappy] = count
        rows.append(row)
    if results is not None:
        for group, items in (("result_clerk", results.by_clerk),
                             ("result_procedure", results.by_procedure)):
            for r in items:
                rows.append([GROUP_NAMES[group], r.key, r.label, *blank[:first - 3],
                             *result_cells(r)])
    for column, indicator in RESULT_GROUPS.items():
        rows.append([GROUP_NAMES["indicator"], column, indicator, *blank])
    return rows


def _write_csv(stats: OfficeStats, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows(csv_rows(stats))


# -- XLSX --------------------------------------------------------------------------------------

#: Characters per column: the names wide, the figures as wide as their (wrapped) headings.
_XLSX_WIDTHS = {"Nhóm": 20, "Mã": 12, "Tên": 34}
_XLSX_FIGURE_WIDTH = 12
#: Columns holding minutes or percentages: one decimal; the others are whole counts.
_XLSX_DECIMAL_COLUMNS = frozenset(i for i, name in enumerate(COLUMNS)
                                  if "(phút)" in name or "(%)" in name
                                  or "(ngày làm việc)" in name)


def _xlsx_value(column: int, value: str | int, group: str) -> Any:
    """A cell of csv_rows as Excel should hold it: numbers as numbers, a day as a date."""
    if value == "":
        return None
    if column == 1 and group == GROUP_NAMES["day"]:  # the day's ISO date
        return date.fromisoformat(str(value))
    if column < 3 or isinstance(value, int):
        return value
    return float(value) if column in _XLSX_DECIMAL_COLUMNS else int(value)


def _write_xlsx(stats: OfficeStats, path: Path, unit_name: str, generated: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Thong ke"
    last = get_column_letter(len(COLUMNS))
    top = 1
    for text, size in ((unit_name, 12), (TITLE, 14), (period_text(stats.start, stats.end), 11),
                       (generated, 10)):
        if text:
            cell = ws.cell(row=top, column=1, value=text)
            cell.font = Font(bold=size > 10, size=size, italic=size == 10)
            ws.merge_cells(f"A{top}:{last}{top}")
            top += 1
    header_row = top + 1 if top > 1 else 1
    for col, name in enumerate(COLUMNS, 1):
        cell = ws.cell(row=header_row, column=col, value=name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D3E2F5")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = _XLSX_WIDTHS.get(
            name, _XLSX_FIGURE_WIDTH)
    ws.row_dimensions[header_row].height = 45  # three lines of a wrapped heading
    for r, cells in enumerate(csv_rows(stats), header_row + 1):
        group = str(cells[0])
        for col, raw in enumerate(cells):
            value = _xlsx_value(col, raw, group)
            if value is None:
                continue
            cell = ws.cell(row=r, column=col + 1, value=value)
            if isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
                cell.alignment = Alignment(horizontal="left")
            elif col in _XLSX_DECIMAL_COLUMNS:
                cell.number_format = "0.0"
    ws.auto_filter.ref = f"A{header_row}:{last}{ws.max_row}"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=4)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    wb.save(path)


# -- PDF ---------------------------------------------------------------------------------------

NAVY = (10, 58, 112)
NAVY_TINT = (211, 226, 245)
AMBER = (245, 184, 0)
GREEN = (27, 110, 58)
RED = (179, 38, 30)
GREY = (90, 90, 90)
LIGHT = (232, 232, 232)
LEVEL_COLOURS = {"very_satisfied": GREEN, "satisfied": (103, 168, 120), "unsatisfied": RED}

#: A4 landscape between 10 mm margins: the name column, then 20 figures of 11.7 mm ("100,0%"
#: and "Chuyển" fit on one line at 7.5 pt).
_NAME_W = 43.0
_FIG_W = 11.7


def _tiles(pdf: FPDF, stats: OfficeStats) -> None:
    from kiosk.printout.receipt_pdf import FONT, nfc

    t = stats.total
    d = t.dossiers
    tiles = [
        ("Số phiếu đã cấp", count_vi(t.issued), ""),
        ("Đã phục vụ", count_vi(t.served), f"Vắng mặt: {count_vi(t.skipped)}"),
        ("Chờ trung bình", minutes_vi(t.waiting.mean, True),
         f"90% chờ ≤ {minutes_vi(t.waiting.p90, True)}" if t.waiting.p90 is not None else ""),
        ("Phục vụ trung bình", minutes_vi(t.service.mean, True),
         f"Trung vị: {minutes_vi(t.service.median, True)}"
         if t.service.median is not None else ""),
        ("Hài lòng", share_vi(t.ratings.satisfaction_share),
         f"{count_vi(t.ratings.total)} lượt đánh giá"),
        ("Trả hồ sơ đúng hạn", share_vi(d.on_time_rate if d else None),
         f"{count_vi(d.on_time if d else 0)}/{count_vi(d.handed_back if d else 0)} hồ sơ"),
    ]
    width = pdf.w - pdf.l_margin - pdf.r_margin
    gap = 3.0
    tile_w = (width - gap * (len(tiles) - 1)) / len(tiles)
    top = pdf.get_y()
    for index, (label, value, note) in enumerate(tiles):
        x = pdf.l_margin + index * (tile_w + gap)
        pdf.set_fill_color(*NAVY_TINT)
        pdf.set_draw_color(*NAVY)
        pdf.set_line_width(0.3)
        pdf.rect(x, top, tile_w, 21, style="DF")
        pdf.set_xy(x, top + 1.5)
        pdf.set_font(FONT, "", 8.5)
        pdf.set_text_color(*GREY)
        pdf.cell(tile_w, 4.5, nfc(label), align="C")
        pdf.set_xy(x, top + 6.5)
        pdf.set_font(FONT, "B", 15)
        pdf.set_text_color(*NAVY)
        pdf.cell(tile_w, 8, nfc(value), align="C")
        if note:
            pdf.set_xy(x, top + 15)
            pdf.set_font(FONT, "", 7.5)
            pdf.set_text_color(*GREY)
            pdf.cell(tile_w, 4, nfc(note), align="C")
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_y(top + 25)


def _chart_frame(pdf: FPDF, x: float, y: float, w: float, title: str) -> float:
    """Title above a chart; returns the y where its plot starts."""
    from kiosk.printout.receipt_pdf import FONT, nfc

    pdf.set_xy(x, y)
    pdf.set_font(FONT, "B", 9.5)
    pdf.cell(w, 5, nfc(title))
    return y + 7


def _no_data(pdf: FPDF, x: float, y: float, w: float) -> None:
    from kiosk.printout.receipt_pdf import FONT

    pdf.set_xy(x, y + 8)
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(*GREY)
    pdf.cell(w, 5, "Không có dữ liệu", align="C")
    pdf.set_text_color(0, 0, 0)


def draw_hbars(pdf: FPDF, x: float, y: float, w: float, title: str,
               items: Sequence[tuple[str, float, str, tuple[int, int, int]]],
               *, label_w: float = 34.0, bar_h: float = 4.2, gap: float = 1.8) -> float:
    """Horizontal bars: (label, value, value text, colour) per item, longest bar = the largest
    value. Returns the y below the chart."""
    from kiosk.printout.receipt_pdf import FONT, nfc

    top = _chart_frame(pdf, x, y, w, title)
    if not items or max(v for _, v, _, _ in items) <= 0:
        _no_data(pdf, x, top, w)
        return top + 20
    biggest = max(v for _, v, _, _ in items)
    plot_w = w - label_w - 14
    pdf.set_font(FONT, "", 7.5)
    for index, (label, value, text, colour) in enumerate(items):
        row_y = top + index * (bar_h + gap)
        pdf.set_xy(x, row_y)
        label = nfc(label)
        while pdf.get_string_width(label) > label_w - 1.5 and len(label) > 4:
            label = label[:-2].rstrip() + "…"
        pdf.cell(label_w - 1.5, bar_h, label, align="R")
        length = plot_w * value / biggest
        pdf.set_fill_color(*colour)
        if length > 0:
            pdf.rect(x + label_w, row_y + 0.3, length, bar_h - 0.6, style="F")
        pdf.set_xy(x + label_w + length + 1, row_y)
        pdf.cell(13, bar_h, nfc(text))
    bottom = top + len(items) * (bar_h + gap)
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.2)
    pdf.line(x + label_w, top - 0.8, x + label_w, bottom - gap + 0.8)
    pdf.set_draw_color(0, 0, 0)
    return bottom + 2


def draw_vbars(pdf: FPDF, x: float, y: float, w: float, h: float, title: str,
               categories: Sequence[str],
               series: Sequence[tuple[str, Sequence[float], tuple[int, int, int]]]) -> float:
    """Grouped vertical bars, one group per category, with a legend; returns the y below."""
    from kiosk.printout.receipt_pdf import FONT, nfc

    top = _chart_frame(pdf, x, y, w, title)
    biggest = max((v for _, values, _ in series for v in values), default=0)
    if not categories or biggest <= 0:
        _no_data(pdf, x, top, w)
        return top + h
    axis_w = 7.0
    plot_x, plot_w = x + axis_w, w - axis_w
    plot_h = h - 12
    base = top + plot_h
    pdf.set_font(FONT, "", 6.5)
    pdf.set_text_color(*GREY)
    pdf.set_draw_color(*LIGHT)
    pdf.set_line_width(0.15)
    for tick in _ticks(biggest):
        ty = base - plot_h * tick / biggest
        pdf.line(plot_x, ty, plot_x + plot_w, ty)
        pdf.set_xy(x, ty - 1.5)
        pdf.cell(axis_w - 1, 3, count_vi(int(tick)), align="R")
    slot = plot_w / len(categories)
    bar_w = slot * 0.8 / len(series)
    for ci, category in enumerate(categories):
        for si, (_, values, colour) in enumerate(series):
            value = values[ci]
            if value > 0:
                bh = plot_h * value / biggest
                pdf.set_fill_color(*colour)
                pdf.rect(plot_x + ci * slot + slot * 0.1 + si * bar_w, base - bh, bar_w, bh,
                         style="F")
        pdf.set_xy(plot_x + ci * slot, base + 0.8)
        pdf.cell(slot, 3, nfc(category), align="C")
    pdf.set_draw_color(*GREY)
    pdf.line(plot_x, base, plot_x + plot_w, base)
    legend_y = base + 5
    lx = plot_x
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(0, 0, 0)
    for name, _, colour in series:
        pdf.set_fill_color(*colour)
        pdf.rect(lx, legend_y + 0.8, 3, 2.6, style="F")
        pdf.set_xy(lx + 4, legend_y)
        text = nfc(name)
        pdf.cell(pdf.get_string_width(text) + 1, 4.2, text)
        lx += pdf.get_string_width(text) + 10
    pdf.set_draw_color(0, 0, 0)
    return top + h


def _ticks(biggest: float) -> list[float]:
    """Round gridline values up to `biggest` (at most about five)."""
    step = 1.0
    for candidate in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        step = float(candidate)
        if biggest / step <= 5:
            break
    return [step * i for i in range(1, int(biggest // step) + 1)]


def hour_range(stats: OfficeStats) -> range:
    """Hours worth showing: the office day (7–17) widened to any hour with activity."""
    busy = [h for h in range(24) if stats.issued_by_hour[h] or stats.served_by_hour[h]]
    first = min([7, *busy])
    last = max([17, *busy])
    return range(first, last + 1)


def _charts(pdf: FPDF, stats: OfficeStats) -> None:
    width = pdf.w - pdf.l_margin - pdf.r_margin
    gap = 8.0
    col_w = (width - 2 * gap) / 3
    top = pdf.get_y()
    x1, x2, x3 = (pdf.l_margin + i * (col_w + gap) for i in range(3))
    waits = [(short_label(g.label), g.waiting.mean, minutes_vi(g.waiting.mean), NAVY)
             for g in stats.by_service if g.waiting.mean is not None]
    b1 = draw_hbars(pdf, x1, top, col_w, "Thời gian chờ trung bình theo dịch vụ (phút)",
                    waits, label_w=40)
    hours = hour_range(stats)
    b2 = draw_vbars(pdf, x2, top, col_w, 58, "Số phiếu theo giờ trong ngày",
                    [f"{h}" for h in hours],
                    [("Phiếu cấp", [stats.issued_by_hour[h] for h in hours], NAVY),
                     ("Đã phục vụ", [stats.served_by_hour[h] for h in hours], AMBER)])
    r = stats.total.ratings
    ratings = [(LEVEL_LABELS_VI[level], r.count(level),
                f"{r.count(level)} ({share_vi(r.count(level) / r.total)})"
                if r.total else "0", LEVEL_COLOURS[level]) for level in LEVELS]
    b3 = draw_hbars(pdf, x3, top, col_w, "Đánh giá của người dân", ratings, label_w=26,
                    bar_h=5.5, gap=2.5)
    pdf.set_y(max(b1, b2, b3) + 4)


_HEAD_GROUPS = (("Hàng chờ (lượt)", 5), ("Thời gian chờ (phút)", 3),
                ("Thời gian phục vụ (phút)", 3), ("Đánh giá", 4), ("Hồ sơ", 5))
_HEADS = ("Cấp số", "Đã gọi", "Phục vụ", "Vắng mặt", "Chuyển", "TB", "Trung vị", "P90", "TB",
          "Trung vị", "P90", "Rất HL", "Hài lòng", "Không HL", "% HL", "Tiếp nhận", "Đã trả",
          "Đúng hạn", "Quá hạn", "% đúng hạn")


def _figures(g: GroupStats) -> list[str]:
    d = g.dossiers
    r = g.ratings
    queue = [count_vi(g.issued), count_vi(g.called), count_vi(g.served), count_vi(g.skipped),
             count_vi(g.transferred)]
    times = [minutes_vi(v) for v in (g.waiting.mean, g.waiting.median, g.waiting.p90,
                                     g.service.mean, g.service.median, g.service.p90)]
    rating = [count_vi(r.very_satisfied), count_vi(r.satisfied), count_vi(r.unsatisfied),
              share_vi(r.satisfaction_share)]
    dossiers = ([count_vi(d.received), count_vi(d.handed_back), count_vi(d.on_time),
                 count_vi(d.late), share_vi(d.on_time_rate)] if d else ["–"] * 5)
    return queue + times + rating + dossiers


def _section(pdf: FPDF, title: str, first_head: str, groups: Sequence[GroupStats],
             total: GroupStats | None) -> None:
    from fpdf.enums import XPos, YPos

    from kiosk.printout.receipt_pdf import FONT, nfc

    # A heading alone at the foot of a page is no use: start a new page if the heading and
    # a few rows do not fit.
    if pdf.get_y() + 34 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 7, nfc(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if not groups:
        pdf.set_font(FONT, "", 9)
        pdf.set_text_color(*GREY)
        pdf.cell(0, 6, "Không có số liệu trong khoảng thời gian này.", new_x=XPos.LMARGIN,
                 new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        pdf.ln(2)
        return
    pdf.set_font(FONT, "", 7.5)
    widths = (_NAME_W, *([_FIG_W] * len(_HEADS)))
    aligns = ("LEFT", *(["RIGHT"] * len(_HEADS)))
    # The table fills body cells with the current colour: a chart's last bar colour otherwise.
    pdf.set_fill_color(255, 255, 255)
    _plain_table(pdf, first_head, groups, total, widths, aligns)
    pdf.ln(4)


_LINE_H = 3.9
_PAD_V = 0.9
_ROW_FILL = (244, 247, 251)
_TOTAL_FILL = (245, 245, 245)


def _headings(pdf: FPDF, first_head: str, groups: Sequence[tuple[str, int]],
              heads: Sequence[str], widths: Sequence[float]) -> None:
    """A table's two heading rows at the current position: the grouping column over both,
    then each group of figures over its columns, and the columns' own names below (a name
    too wide for its column on more lines)."""
    from kiosk.printout.receipt_pdf import FONT, nfc

    pdf.set_font(FONT, "B", 7.5)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_fill_color(*LIGHT)
    pdf.set_text_color(0, 0, 0)
    spans: list[float] = []
    column = 1
    for _name, span in groups:
        spans.append(sum(widths[column:column + span]))
        column += span
    top = [_wrapped(pdf, nfc(name), width - 2 * pdf.c_margin)
           for (name, _span), width in zip(groups, spans, strict=True)]
    sub = [_wrapped(pdf, nfc(name), width - 2 * pdf.c_margin)
           for name, width in zip(heads, widths[1:], strict=True)]
    top_h = max(len(lines) for lines in top) * _LINE_H + 2 * _PAD_V
    sub_h = max(len(lines) for lines in sub) * _LINE_H + 2 * _PAD_V
    x, y = pdf.l_margin, pdf.get_y()
    _cell(pdf, x, y, widths[0], top_h + sub_h,
          _wrapped(pdf, nfc(first_head), widths[0] - 2 * pdf.c_margin), "L", "DF")
    x += widths[0]
    for lines, width in zip(top, spans, strict=True):
        _cell(pdf, x, y, width, top_h, lines, "C", "DF")
        x += width
    x = pdf.l_margin + widths[0]
    for lines, width in zip(sub, widths[1:], strict=True):
        _cell(pdf, x, y + top_h, width, sub_h, lines, "C", "DF")
        x += width
    pdf.set_xy(pdf.l_margin, y + top_h + sub_h)
    pdf.set_font(FONT, "", 7.5)
    pdf.set_fill_color(255, 255, 255)


def _cell(pdf: FPDF, x: float, y: float, width: float, height: float, lines: Sequence[str],
          align: str, style: str, widths: dict[str, float] | None = None) -> None:
    """What pdf.multi_cell with a border draws, as one rectangle and a text per line, the
    lines in the middle of the cell's height: a tenth of the time (a year's days are 7 000
    cells). `widths` keeps the texts' measured widths between calls."""
    pdf.rect(x, y, width, height, style=style)
    first = y + 0.5 * (height - (len(lines) - 1) * _LINE_H) + 0.3 * pdf.font_size
    for n, text in enumerate(lines):
        if not text:
            continue
        w = widths.get(text) if widths is not None else None
        if w is None:
            w = pdf.get_string_width(text)
            if widths is not None:
                widths[text] = w
        if align == "R":
            dx = width - pdf.c_margin - w
        elif align == "C":
            dx = 0.5 * (width - w)
        else:
            dx = pdf.c_margin
        pdf.text(x + dx, first + n * _LINE_H, text)


def _plain_table(pdf: FPDF, first_head: str, groups: Sequence[GroupStats],
                 total: GroupStats | None, widths: Sequence[float], aligns: Sequence[str],
                 ) -> None:
    """The section's table as `_section` lays it out (the headings again on each new
    page)."""
    from kiosk.printout.receipt_pdf import nfc

    rows = [(nfc(g.label), _figures(g), False) for g in groups]
    if total is not None:
        rows.append(("Cộng", _figures(total), True))
    _plain_rows(pdf, rows, widths, aligns,
                lambda: _headings(pdf, first_head, _HEAD_GROUPS, _HEADS, widths))


def _wrapped(pdf: FPDF, text: str, room: float) -> list[str]:
    """`text` broken at spaces into lines no wider than `room` in the current font; a word
    wider than a whole line is cut to fit with "…"."""
    if pdf.get_string_width(text) <= room:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split():
        joined = f"{line} {word}" if line else word
        if pdf.get_string_width(joined) <= room:
            line = joined
            continue
        if line:
            lines.append(line)
        while word and pdf.get_string_width(word) > room:
            word = word[:-2] + "…"
        line = word
    if line:
        lines.append(line)
    return lines or [""]


def _plain_rows(pdf: FPDF, rows: Sequence[tuple[str, Sequence[str], bool]],
                widths: Sequence[float], aligns: Sequence[str], headings: Callable[[], None],
                ) -> None:
    """Rows (label, figures, is the total) under `headings()`, drawn again at the top of each
    new page; a label too long for its column goes on more lines."""
    from kiosk.printout.receipt_pdf import FONT

    margin = pdf.c_margin
    bottom = pdf.h - pdf.b_margin
    text_widths: dict[bool, dict[str, float]] = {False: {}, True: {}}
    pdf.c_margin = 0.7
    try:
        headings()
        for index, (label, figures, is_total) in enumerate(rows):
            pdf.set_font(FONT, "B" if is_total else "", 7.5)
            lines = _wrapped(pdf, label, widths[0] - 2 * pdf.c_margin)
            height = len(lines) * _LINE_H + 2 * _PAD_V
            if pdf.get_y() + height > bottom:
                pdf.add_page()
                headings()
                pdf.set_font(FONT, "B" if is_total else "", 7.5)
            pdf.set_fill_color(*(_TOTAL_FILL if is_total else _ROW_FILL))
            style = "DF" if is_total or index % 2 == 1 else "D"
            x, y = pdf.l_margin, pdf.get_y()
            for cell, width, align in zip([lines, *([f] for f in figures)], widths, aligns,
                                          strict=True):
                _cell(pdf, x, y, width, height, cell, align[0], style, text_widths[is_total])
                x += width
            pdf.set_xy(pdf.l_margin, y + height)
    finally:
        pdf.c_margin = margin
        pdf.set_font(FONT, "", 7.5)
        pdf.set_fill_color(255, 255, 255)


_DEFINITIONS = (
    "Thời gian chờ: từ lúc lấy số đến lần gọi đầu tiên. Công dân được chuyển sang quầy/dịch vụ "
    "khác chờ thêm một lượt, tính cho quầy/dịch vụ nhận chuyển, từ lúc chuyển đến lúc được gọi.",
    "Thời gian phục vụ: từ lúc gọi (hoặc gọi lại sau khi bỏ qua) đến lúc kết thúc phục vụ; "
    "lượt chuyển đi không tính thời gian phục vụ.",
    "Trung vị: một nửa số lượt ngắn hơn, một nửa dài hơn. P90: 90% số lượt không quá giá trị "
    "này (nội suy tuyến tính, như hàm PERCENTILE.INC của Excel).",
    "Vắng mặt: số được gọi nhưng bị bỏ qua và không được gọi lại. Tỷ lệ hài lòng: (rất hài "
    "lòng + hài lòng) / tổng lượt đánh giá.",
    "Hồ sơ: tiếp nhận tính theo ngày nhận; đã trả, đúng hạn, quá hạn tính theo ngày trả; "
    "đúng hạn là hồ sơ giải quyết xong không muộn hơn ngày hẹn trả.",
    "Ngày tính theo giờ Việt Nam (0 giờ đến 24 giờ). Quầy không ghi nhận cấp số và hồ sơ (–).",
    "Kết quả giải quyết: hồ sơ giải quyết xong trong kỳ; quá hạn khi xong sau ngày hẹn (tính "
    "theo ngày làm việc, trừ ngày lễ, Tết) hoặc đã có phiếu xin lỗi (Mẫu 04); thời gian giải "
    "quyết tính bằng ngày làm việc từ ngày tiếp nhận đến ngày xong, không tính thời gian chờ "
    "bổ sung. Xin lỗi, từ chối, yêu cầu bổ sung: hồ sơ có phiếu hoặc trạng thái đó trong kỳ, "
    "tính cho cán bộ tiếp nhận.",
)


_RESULT_HEADS = ("Xong", "Đúng hạn", "Quá hạn", "Xin lỗi (Mẫu 04)", "Từ chối", "Bổ sung",
                 "TB (ngày)", "P90 (ngày)", "% hài lòng", "PAKN đến hạn", "% PAKN đúng hạn")
_RESULT_GROUPS = (("Tiến độ giải quyết — QĐ 766 (20 điểm)", 8),
                  ("Mức độ hài lòng — QĐ 766 (18 điểm)", 3))
_RESULT_NAME_W = 72.0
_RESULT_FIG_W = 18.6


def _result_figures(r: ResultRow) -> list[str]:
    return [count_vi(r.settled), count_vi(r.on_time), count_vi(r.late), count_vi(r.apologised),
            count_vi(r.refused), count_vi(r.supplemented), minutes_vi(r.settle_mean),
            minutes_vi(r.settle_p90), share_vi(r.satisfaction_share), count_vi(r.petitions),
            share_vi(r.petitions_on_time_rate)]


def _results(pdf: FPDF, stats: OfficeStats, number: int) -> None:
    """Results per clerk and per procedure, headed by the Decision 766 group they feed."""
    from fpdf.enums import XPos, YPos

    from kiosk.printout.receipt_pdf import FONT, nfc

    results = stats.results
    if results is None:
        return
    widths = (_RESULT_NAME_W, *([_RESULT_FIG_W] * len(_RESULT_HEADS)))
    aligns = ("LEFT", *(["RIGHT"] * len(_RESULT_HEADS)))
    for offset, (title, head, rows) in enumerate((
            ("Kết quả giải quyết theo cán bộ", "Cán bộ (tiếp nhận)", results.by_clerk),
            ("Kết quả giải quyết theo thủ tục", "Thủ tục hành chính", results.by_procedure))):
        if pdf.get_y() + 40 > pdf.h - pdf.b_margin:
            pdf.add_page()
        pdf.set_font(FONT, "B", 11)
        pdf.cell(0, 7, nfc(f"{number + offset}. {title}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(*GREY)
        pdf.cell(0, 4.5, nfc("Nhóm chỉ số của Bộ chỉ số phục vụ người dân, doanh nghiệp "
                             "(Quyết định 766/QĐ-TTg) ghi ở hàng tiêu đề."),
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        if not rows:
            pdf.set_font(FONT, "", 9)
            pdf.cell(0, 6, "Không có số liệu trong khoảng thời gian này.", new_x=XPos.LMARGIN,
                     new_y=YPos.NEXT)
            pdf.ln(2)
            continue
        pdf.set_font(FONT, "", 7.5)
        pdf.set_fill_color(255, 255, 255)
        def headings(head: str = head) -> None:
            _headings(pdf, head, _RESULT_GROUPS, _RESULT_HEADS, widths)

        body = [(nfc(r.label), _result_figures(r), False) for r in rows]
        body.append(("Cộng", _result_figures(results.total), True))
        _plain_rows(pdf, body, widths, aligns, headings)
        pdf.ln(4)
    if pdf.get_y() + 40 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 6, nfc("Số liệu nào tính vào chỉ số nào (Quyết định 766/QĐ-TTg)"),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 8.5)
    for figure, group in indicator_legend():
        pdf.cell(0, 4.4, nfc(f"• {figure}: nhóm {group}"), new_x=XPos.LMARGIN,
                 new_y=YPos.NEXT)
    if not results.petitions_data:
        pdf.cell(0, 4.4, nfc("• Phản ánh, kiến nghị: chưa có số liệu."), new_x=XPos.LMARGIN,
                 new_y=YPos.NEXT)
    pdf.ln(3)


def _reasons(pdf: FPDF, stats: OfficeStats) -> None:
    if not stats.unsatisfied_reasons:
        return
    items = [(reason_label(code), count, count_vi(count), RED)
             for code, count in stats.unsatisfied_reasons[:8]]
    if pdf.get_y() + 12 + 6 * len(items) > pdf.h - pdf.b_margin:
        pdf.add_page()
    bottom = draw_hbars(pdf, pdf.l_margin, pdf.get_y(), 140, "Lý do không hài lòng (lượt)",
                        items, label_w=60)
    pdf.set_xy(pdf.l_margin, bottom + 2)


def _definitions(pdf: FPDF) -> None:
    from fpdf.enums import XPos, YPos

    from kiosk.printout.receipt_pdf import FONT, nfc

    if pdf.get_y() + 6 + 4.4 * len(_DEFINITIONS) > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 6, "Cách tính", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 8.5)
    for line in _DEFINITIONS:
        pdf.multi_cell(0, 4.4, nfc("• " + line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def build_pdf(stats: OfficeStats, *, unit_name: str = "", generated: str = "") -> FPDF:
    """Lay the report out on A4 landscape; `.output()` gives the PDF bytes."""
    from fpdf.enums import XPos, YPos

    from kiosk.printout.receipt_pdf import FONT, nfc, pdf_document

    period = period_text(stats.start, stats.end)
    pdf = pdf_document("L", footer=f"Báo cáo thống kê — {period[0].lower()}{period[1:]}")
    pdf.set_margins(left=10, top=10, right=10)
    pdf.set_auto_page_break(auto=True, margin=13)
    pdf.set_title(f"{TITLE} - {period}")
    pdf.add_page()
    if unit_name:
        pdf.set_font(FONT, "B", 10.5)
        pdf.cell(0, 5.5, nfc(unit_name).upper(), align="C", new_x=XPos.LMARGIN,
                 new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", 15)
    pdf.cell(0, 8, TITLE, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10)
    pdf.cell(0, 5, nfc(f"{SUBTITLE} — {period}"), align="C", new_x=XPos.LMARGIN,
             new_y=YPos.NEXT)
    if generated:
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(*GREY)
        pdf.cell(0, 4.5, nfc(generated), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
    pdf.ln(3)
    _tiles(pdf, stats)
    _charts(pdf, stats)
    sections: list[tuple[str, str, Sequence[GroupStats], GroupStats | None]] = [
        ("1. Theo dịch vụ", "Dịch vụ", stats.by_service, stats.total),
        ("2. Theo quầy", "Quầy", stats.by_counter, None),
        ("3. Theo cán bộ", "Cán bộ", stats.by_clerk, None),
    ]
    if stats.days > 1:
        sections.append(("4. Theo ngày", "Ngày", stats.by_day, stats.total))
    for title, head, groups, total in sections:
        _section(pdf, title, head, groups, total)
    _results(pdf, stats, len(sections) + 1)
    _reasons(pdf, stats)
    _definitions(pdf)
    return pdf


# -- entry point -------------------------------------------------------------------------------


def write_report(stats: OfficeStats, fmt: str, out: Path | str, *, unit_name: str = "",
                 generated: str = "") -> Path:
    """Write the report as "xlsx", "csv" or "pdf". Written beside `out` and moved into place, so a
    failed export never leaves half a file where the last good one was."""
    writers: dict[str, Callable[[Path], None]] = {
        "xlsx": lambda p: _write_xlsx(stats, p, unit_name, generated),
        "csv": lambda p: _write_csv(stats, p),
        "pdf": lambda p: build_pdf(stats, unit_name=unit_name, generated=generated).output(
            str(p)),
    }
    if fmt not in writers:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    from kiosk.private_files import private_temp

    out = Path(out)
    with private_temp(out) as tmp:  # counts only, but the office's: owner-only like exports
        writers[fmt](tmp)
    return out
