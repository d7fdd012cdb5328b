"""The official slips Mẫu 02-05 as A4 PDFs, laid out from their templates
(kiosk/printout/forms.py) with the receipt's building blocks (kiosk/printout/receipt_pdf.py):
the letterhead, the vector CODE128 and QR, the signature columns."""

from __future__ import annotations

from pathlib import Path

from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from kiosk.printout.code128 import QUIET_ZONE, modules
from kiosk.printout.forms import SlipPrint
from kiosk.printout.receipt_pdf import (
    BARCODE_HEIGHT_MM,
    BARCODE_MODULE_MM,
    FONT,
    Document,
    draw_code128,
    draw_qr,
    labelled,
    letterhead,
    nfc,
    pdf_document,
    signature_columns,
)


def _paragraph(pdf: Document, text: str, *, size: float = 12, style: str = "") -> None:
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, 6.2, nfc(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _handovers(pdf: Document, slip: SlipPrint, columns: tuple[str, ...]) -> None:
    pdf.set_font(FONT, "", 10)
    heading = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
    with pdf.table(col_widths=(44, 30, 26, 26, 26, 23), width=175, align="LEFT",
                   line_height=5, padding=1.2, headings_style=heading,
                   text_align=("LEFT", "CENTER", "CENTER", "CENTER", "CENTER", "LEFT"),
                   v_align="MIDDLE") as table:
        head = table.row()
        for text in columns:
            head.cell(nfc(text), align="C")
        for index, row in enumerate(slip.handovers, 1):
            cells = table.row()
            cells.cell(nfc(f"{index}. {row.parties}"))
            for value in (row.at, row.handed_by, row.received_by, row.result, row.note):
                cells.cell(nfc(value))
    if not slip.handovers:
        _paragraph(pdf, "(Chưa có lần giao nhận nào)", size=10)


def build_slip_pdf(slip: SlipPrint) -> Document:
    """Lay out the A4 slip; `.output()` gives the PDF bytes."""
    template = slip.template
    pdf = pdf_document("P", footer=f"{template.number} — Mã hồ sơ {slip.code}")
    pdf.set_margins(left=20, top=15, right=15)
    pdf.set_title(f"{template.title} - {slip.code}")
    pdf.add_page()
    letterhead(pdf, parent_authority=slip.parent_authority, unit_name=slip.unit_name,
               place_name=slip.place_name, day=slip.issued_at.date())
    pdf.set_font(FONT, "", 10)
    pdf.set_xy(pdf.l_margin, 10)
    pdf.cell(0, 5, nfc(template.number), align="R")
    pdf.set_y(max(pdf.get_y(), 45))
    pdf.set_font(FONT, "B", 14.5)
    pdf.multi_cell(0, 7.5, nfc(template.title), align="C", new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)
    pdf.ln(1)
    bar_w = (len(modules(slip.code)) + 2 * QUIET_ZONE) * BARCODE_MODULE_MM
    y = pdf.get_y() + 1
    draw_code128(pdf, slip.code, (pdf.w - bar_w) / 2, y)
    pdf.set_y(y + BARCODE_HEIGHT_MM + 1)
    pdf.set_font(FONT, "", 10)
    pdf.cell(0, 5, slip.code, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)

    for block in template.blocks:
        if "text" in block:
            _paragraph(pdf, slip.fill(block["text"]))
        elif "field" in block:
            labelled(pdf, block["field"], slip.fill(block.get("value", "")))
        elif "items" in block:
            for index, item in enumerate(slip.missing, 1):
                pdf.set_x(pdf.l_margin + 6)
                pdf.set_font(FONT, "", 12)
                pdf.multi_cell(0, 6.2, nfc(f"{index}. {item}"), new_x=XPos.LMARGIN,
                               new_y=YPos.NEXT)
        elif "stamp" in block:
            pdf.ln(1)
            _paragraph(pdf, slip.fill(block["stamp"]), size=13, style="B")
            pdf.ln(1)
        elif "handovers" in block:
            pdf.ln(1)
            _handovers(pdf, slip, tuple(block.get("columns", ())))
        pdf.ln(0.8)
    pdf.ln(4)
    if template.signatures:
        signature_columns(pdf, [(s.heading, s.hint, slip.fill(s.signer))
                                for s in template.signatures])

    side = 26.0
    if pdf.get_y() + side > pdf.h - pdf.b_margin:
        pdf.add_page()
    y = pdf.get_y() + 4
    drawn = draw_qr(pdf, slip.lookup_text, pdf.l_margin, y)
    pdf.set_xy(pdf.l_margin + drawn + 3, y + drawn / 2 - 3)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(pdf.w - pdf.r_margin - pdf.get_x(), 5,
                   "Quét mã để tra cứu tình trạng hồ sơ.", align="L")
    return pdf


def write_slip_pdf(slip: SlipPrint, out: Path) -> Path:
    """Write the A4 slip to `out` (parent folders created); returns the path."""
    from kiosk.private_files import private_temp

    with private_temp(out) as tmp:  # the citizen's name: owner-only from the first byte
        build_slip_pdf(slip).output(str(tmp))
    return out
