"""The dossier logbook (Sổ theo dõi hồ sơ) for a date range, and its csv / xlsx / pdf exports.

Columns follow the paper logbook kept at one-stop counters (domain.md). "Trả kết quả" is the
citizen's signature column: it stays blank in every export, to be signed on the printout.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from copy import copy
from dataclasses import astuple, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.dossiers.models import Dossier
from kiosk.dossiers.status import DossierStatus

if TYPE_CHECKING:
    from kiosk.dossiers.intake import DossierDesk

FORMATS = ("csv", "xlsx", "pdf")
TITLE = "SỔ THEO DÕI HỒ SƠ"

COLUMNS = (
    "STT",
    "Mã hồ sơ",
    "Nội dung hồ sơ",
    "Số lượng (bộ)",
    "Họ tên chủ hồ sơ",
    "Địa chỉ",
    "Số điện thoại",
    "Ngày nhận hồ sơ",
    "Hẹn trả kết quả",
    "Ngày nhận kết quả",
    "Trả kết quả (ký nhận)",
    "Người nhận hồ sơ",
    "Địa bàn phát sinh",
    "Ghi chú",
)

#: Statuses worth a word in the notes column: the dossier left the normal path.
_NOTED = frozenset({DossierStatus.REFUSED, DossierStatus.SUPPLEMENT_REQUESTED,
                    DossierStatus.FEE_REQUESTED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED})


@dataclass(frozen=True)
class LogbookRow:
    index: int
    code: str
    content: str
    sets: int
    owner_name: str
    address: str
    phone: str
    received: str
    appointment: str
    result_collected: str
    signature: str
    clerk: str
    area: str
    notes: str

    def cells(self) -> list[str | int]:
        return list(astuple(self))


def _when(value: datetime | None) -> str:
    return f"{value:%d/%m/%Y %H:%M}" if value else ""


def _notes(d: Dossier) -> str:
    parts = [d.notes] if d.notes else []
    if d.status in _NOTED:
        parts.append(f"{d.status.label_vi}: {d.status_reason}" if d.status_reason
                     else d.status.label_vi)
    if d.status is DossierStatus.RETURNED and d.on_time is False:
        parts.append("Trả kết quả quá hạn")
    if d.purged:
        parts.append("Đã xóa dữ liệu cá nhân theo thời hạn lưu trữ")
    return "; ".join(parts)


def logbook_row(index: int, d: Dossier) -> LogbookRow:
    holder = d.holder
    return LogbookRow(
        index=index,
        code=d.code,
        content=d.summary or d.procedure_name,
        sets=d.sets,
        owner_name=holder.name,
        # An owner given by name only has no address of their own on file: the submitter's
        # (the family's) address is the one the office can use.
        address=holder.address or d.submitter.address,
        phone=d.submitter.phone or holder.phone,
        received=_when(d.received_at),
        appointment=f"{d.appointment_date:%d/%m/%Y}",
        result_collected=_when(d.returned_at),
        signature="",
        clerk=d.clerk,
        area=d.area,
        notes=_notes(d),
    )


def logbook_rows(desk: DossierDesk, start: date, end: date) -> list[LogbookRow]:
    """Rows for dossiers received on local days start..end inclusive, numbered from 1."""
    if end < start:
        raise ValueError("the logbook range ends before it starts")
    return [logbook_row(i, d) for i, d in enumerate(desk.list_for_logbook(start, end), 1)]


def period_text(start: date, end: date) -> str:
    return f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def export_logbook(rows: Sequence[LogbookRow], fmt: str, out: Path | str, *,
                   unit_name: str = "", start: date | None = None,
                   end: date | None = None) -> Path:
    """Write the rows as csv (UTF-8 with BOM, so Excel shows Vietnamese), xlsx or pdf
    (A4 landscape). The file is written beside `out` first and moved into place, so a failed
    export never leaves half a file where the last good one was."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown logbook format {fmt!r}; use one of {', '.join(FORMATS)}")
    from kiosk.private_files import private_temp

    out = Path(out)
    period = period_text(start, end) if start and end else ""
    # Names, ID numbers and addresses: owner-only from the first byte (writers keep the mode).
    with private_temp(out) as tmp:
        if fmt == "csv":
            _write_csv(rows, tmp)
        elif fmt == "xlsx":
            _write_xlsx(rows, tmp, unit_name, period)
        else:
            _write_pdf(rows, tmp, unit_name, period)
    return out


def _write_csv(rows: Sequence[LogbookRow], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(row.cells())


_XLSX_WIDTHS = (5, 27, 34, 8, 22, 34, 13, 16, 12, 16, 14, 20, 18, 30)
#: Columns (0-based) written as Excel dates, sortable and filterable by date: received and
#: result collected with their time, the appointment a day. The phone stays text (its 0).
_XLSX_WHEN_COLUMNS = {7: "DD/MM/YYYY HH:MM", 8: "DD/MM/YYYY", 9: "DD/MM/YYYY HH:MM"}


def _xlsx_when(text: str | int) -> datetime | None:
    """ "12/02/2026 09:00" or "24/02/2026" as a datetime (sliced, not strptime: a year's
    logbook has tens of thousands of them); blank stays blank."""
    if not isinstance(text, str) or len(text) < 10:
        return None
    hour, minute = (int(text[11:13]), int(text[14:16])) if len(text) >= 16 else (0, 0)
    return datetime(int(text[6:10]), int(text[3:5]), int(text[0:2]), hour, minute)


def _write_xlsx(rows: Sequence[LogbookRow], path: Path, unit_name: str, period: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "So theo doi ho so"
    last = get_column_letter(len(COLUMNS))
    top = 1
    for text, size in ((unit_name, 12), (TITLE, 14), (period, 11)):
        if not text:
            continue
        ws.cell(row=top, column=1, value=text).font = Font(bold=True, size=size)
        ws.merge_cells(f"A{top}:{last}{top}")
        ws.cell(row=top, column=1).alignment = Alignment(horizontal="center")
        top += 1
    header_row = top + 1 if top > 1 else 1
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, name in enumerate(COLUMNS, 1):
        cell = ws.cell(row=header_row, column=col, value=name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8E8E8")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        ws.column_dimensions[get_column_letter(col)].width = _XLSX_WIDTHS[col - 1]
    # Per column: the first body cell's style ids, copied to the cells below: looking a
    # style up in the workbook for each cell took most of a year's export (15 000 dossiers).
    styles: dict[int, Any] = {}
    for r, row in enumerate(rows, header_row + 1):
        for col, value in enumerate(row.cells()):  # text, whole numbers and dates
            when_format = _XLSX_WHEN_COLUMNS.get(col)
            if when_format is not None:
                value = _xlsx_when(value)
            cell = ws.cell(row=r, column=col + 1, value=value)
            style = styles.get(col)
            if style is None:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
                cell.border = border
                if when_format is not None:
                    cell.number_format = when_format
                styles[col] = cell._style
            else:
                cell._style = copy(style)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3)
    ws.print_options.gridLines = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    wb.save(path)


# Millimetres on A4 landscape (277 mm between 10 mm margins): a dossier code, a date and a
# 10-digit phone number each fit on one line at 7 pt.
_PDF_WIDTHS = (8, 39, 30, 9, 23, 30, 19, 18, 18, 18, 14, 19, 13, 19)
#: Columns holding "dd/mm/yyyy HH:MM": printed as date over time, to stay narrow.
_PDF_WHEN_COLUMNS = (7, 9)


def _write_pdf(rows: Sequence[LogbookRow], path: Path, unit_name: str, period: str) -> None:
    from fpdf.enums import XPos, YPos
    from fpdf.fonts import FontFace

    from kiosk.printout.receipt_pdf import FONT, nfc, pdf_document

    footer = TITLE.capitalize() + (f" {period[0].lower()}{period[1:]}" if period else "")
    pdf = pdf_document("L", footer=footer)
    pdf.set_margins(left=10, top=10, right=10)
    pdf.set_auto_page_break(auto=True, margin=13)
    pdf.set_title(TITLE)
    pdf.add_page()
    if unit_name:
        pdf.set_font(FONT, "B", 11)
        pdf.cell(0, 6, nfc(unit_name).upper(), align="C", new_x=XPos.LMARGIN,
                 new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", 15)
    pdf.cell(0, 9, TITLE, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if period:
        pdf.set_font(FONT, "", 10.5)
        pdf.cell(0, 6, period, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font(FONT, "", 7)
    heading = FontFace(emphasis="BOLD", fill_color=(232, 232, 232))
    aligns = ("CENTER", "LEFT", "LEFT", "CENTER", "LEFT", "LEFT", "LEFT", "CENTER", "CENTER",
              "CENTER", "LEFT", "LEFT", "LEFT", "LEFT")
    with pdf.table(col_widths=_PDF_WIDTHS, width=sum(_PDF_WIDTHS), line_height=3.6,
                   padding=(1, 0.9), text_align=aligns, headings_style=heading, repeat_headings=1,
                   v_align="MIDDLE") as table:
        head = table.row()
        for name in COLUMNS:
            head.cell(name, align="C")
        for row in rows:
            line = table.row()
            for column, value in enumerate(row.cells()):
                text = nfc(str(value))
                if column in _PDF_WHEN_COLUMNS:
                    text = text.replace(" ", "\n", 1)
                line.cell(text)
    if not rows:
        pdf.ln(3)
        pdf.set_font(FONT, "", 10)
        pdf.cell(0, 6, "Không có hồ sơ nào trong khoảng thời gian này.", align="C")
    pdf.output(str(path))
