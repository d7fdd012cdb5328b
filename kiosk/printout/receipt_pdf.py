"""The dossier receipt as an A4 PDF for a laser printer, laid out like the official form.

fpdf2 with the bundled Be Vietnam Pro TTF files (embedded, subset), so the PDF prints and
extracts Vietnamese text the same on any PC. The barcode and QR are drawn as vector rectangles,
one per run of dark modules: exact widths at any printer resolution, no raster scaling.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import qrcode
import qrcode.constants
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from kiosk.assets import font_path
from kiosk.printout.code128 import QUIET_ZONE, modules
from kiosk.printout.receipt import (
    CLERK_SIGNS,
    EMPTY,
    SIGN_HINT,
    SUBMITTER_SIGNS,
    TITLE,
    ReceiptSlip,
    appointment_vi,
    date_vi,
    sets_vi,
    time_received_vi,
)

FONT = "BeVietnamPro"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

#: CODE128 module width: 0.33 mm (13 mil) reads on any laser print with any scanner.
BARCODE_MODULE_MM = 0.33
BARCODE_HEIGHT_MM = 11.0
QR_MODULE_MM = 0.7


def nfc(text: str) -> str:
    # Decomposed tone marks would be placed by the PDF viewer's basic layout and collide.
    return unicodedata.normalize("NFC", text or "")


class Document(FPDF):
    """FPDF with a footer line on every page: a document that runs over two pages still says
    which dossier (or logbook) each page belongs to."""

    footer_text = ""

    def footer(self) -> None:
        if not self.footer_text:
            return
        self.set_y(-10)
        self.set_font(FONT, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 4, f"{self.footer_text} — Trang {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0, 0, 0)


def pdf_document(orientation: str = "P", footer: str = "") -> Document:
    """An A4 document with the bundled fonts registered ("" regular, "B" bold)."""
    pdf = Document(orientation=orientation, unit="mm", format="A4")
    pdf.footer_text = nfc(footer)
    pdf.add_font(FONT, "", str(font_path("regular")))
    pdf.add_font(FONT, "B", str(font_path("bold")))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_creator("hcc-kiosk")
    return pdf


def draw_code128(pdf: FPDF, text: str, x: float, y: float, *,
                 module_mm: float = BARCODE_MODULE_MM,
                 height_mm: float = BARCODE_HEIGHT_MM) -> float:
    """Draw the barcode with its left quiet zone starting at x; returns its total width."""
    bars = modules(text)
    pdf.set_fill_color(0, 0, 0)
    start = x + QUIET_ZONE * module_mm
    run = 0
    for index, is_bar in enumerate([*bars, False]):
        if is_bar:
            run += 1
        elif run:
            left = start + (index - run) * module_mm
            pdf.rect(left, y, run * module_mm, height_mm, style="F")
            run = 0
    return (len(bars) + 2 * QUIET_ZONE) * module_mm


def draw_qr(pdf: FPDF, text: str, x: float, y: float, *,
            module_mm: float = QR_MODULE_MM) -> float:
    """Draw a QR code (quiet zone of 4 modules included) at x, y; returns its side."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    pdf.set_fill_color(0, 0, 0)
    for row, cells in enumerate(matrix):
        run = 0
        for col, dark in enumerate([*cells, False]):
            if dark:
                run += 1
            elif run:
                pdf.rect(x + (col - run) * module_mm, y + row * module_mm, run * module_mm,
                         module_mm, style="F")
                run = 0
    return len(matrix) * module_mm


def labelled(pdf: FPDF, label: str, value: str, *, size: float = 12, line: float = 6.2,
              bold_value: bool = False) -> None:
    pdf.set_x(pdf.l_margin)
    pdf.set_font(FONT, "B", size)
    pdf.write(line, nfc(label) + ": ")
    pdf.set_font(FONT, "B" if bold_value else "", size)
    pdf.write(line, nfc(value) or EMPTY)
    pdf.ln(line)


def _header(pdf: FPDF, slip: ReceiptSlip) -> None:
    letterhead(pdf, parent_authority=slip.parent_authority, unit_name=slip.unit_name,
               place_name=slip.place_name, day=slip.received_at.date())


def letterhead(pdf: FPDF, *, parent_authority: str, unit_name: str, place_name: str,
               day: date) -> None:
    """The official documents' header: the issuing body on the left, the national header,
    motto and "place, date" on the right (the receipt and the other one-stop slips)."""
    width = pdf.w - pdf.l_margin - pdf.r_margin
    left_w = width * 0.42
    right_w = width - left_w
    top = pdf.get_y()
    # Left: the issuing body, in capitals as on official documents.
    pdf.set_xy(pdf.l_margin, top)
    if parent_authority:
        pdf.set_font(FONT, "", 10.5)
        pdf.multi_cell(left_w, 5, nfc(parent_authority).upper(), align="C",
                       new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", 10.5)
    pdf.multi_cell(left_w, 5, nfc(unit_name).upper(), align="C", new_x=XPos.LEFT,
                   new_y=YPos.NEXT)
    left_bottom = pdf.get_y()
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin + left_w * 0.35, left_bottom + 1, pdf.l_margin + left_w * 0.65,
             left_bottom + 1)
    # Right: national header and motto, with the short rule under the motto.
    pdf.set_xy(pdf.l_margin + left_w, top)
    pdf.set_font(FONT, "B", 10.5)
    pdf.multi_cell(right_w, 5, NATION, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", 11.5)
    pdf.multi_cell(right_w, 5.5, MOTTO, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    motto_w = pdf.get_string_width(MOTTO)
    centre = pdf.l_margin + left_w + right_w / 2
    pdf.line(centre - motto_w / 2, pdf.get_y() + 0.6, centre + motto_w / 2, pdf.get_y() + 0.6)
    pdf.ln(3)
    pdf.set_x(pdf.l_margin + left_w)
    pdf.set_font(FONT, "", 11)
    place = f"{nfc(place_name)}, " if place_name else ""
    pdf.multi_cell(right_w, 5.5, place + date_vi(day), align="C",
                   new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y(), left_bottom + 3) + 5)


def _documents_table(pdf: FPDF, slip: ReceiptSlip) -> None:
    pdf.set_font(FONT, "", 11)
    heading = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
    # Widths (mm, summing to the 175 mm text width) keep "Bản chính" and "Bản sao" on one
    # line and "Bản sao chứng thực" on two.
    with pdf.table(col_widths=(10, 92, 24, 26, 23), width=175, align="LEFT", line_height=5.6,
                   padding=1.2,
                   text_align=("CENTER", "LEFT", "CENTER", "CENTER", "CENTER"),
                   headings_style=heading, v_align="MIDDLE") as table:
        head = table.row()
        for text in ("TT", "Tên giấy tờ", "Bản chính", "Bản sao chứng thực", "Bản sao"):
            head.cell(text, align="C")
        for index, doc in enumerate(slip.documents, 1):
            row = table.row()
            row.cell(str(index))
            row.cell(nfc(doc.name))
            for count in (doc.originals, doc.certified_copies, doc.copies):
                row.cell(str(count) if count else "")


def _signatures(pdf: FPDF, slip: ReceiptSlip) -> None:
    signature_columns(pdf, ((SUBMITTER_SIGNS, SIGN_HINT, slip.submitter_name),
                            (CLERK_SIGNS, SIGN_HINT, slip.clerk)))


def signature_columns(pdf: FPDF, blocks: Sequence[tuple[str, str, str]]) -> None:
    """Side by side signature blocks (heading, hint, signer's name under ~2 cm of paper);
    one block sits in the right half, as official documents place the signer."""
    width = pdf.w - pdf.l_margin - pdf.r_margin
    half = width / 2
    # Keep the whole block on one page: a signature line alone on page 2 is useless.
    if pdf.get_y() + 38 > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y()
    offset = 1 if len(blocks) == 1 else 0
    for column, (heading, hint, signer) in enumerate(blocks, offset):
        x = pdf.l_margin + column * half
        pdf.set_xy(x, top)
        pdf.set_font(FONT, "B", 11.5)
        pdf.multi_cell(half, 6, nfc(heading), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 10)
        pdf.cell(half, 5, nfc(hint), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        # About 2 cm of blank paper to sign in.
        pdf.set_xy(x, top + 29)
        pdf.set_font(FONT, "B", 11.5)
        pdf.cell(half, 6, nfc(signer), align="C")
    pdf.set_y(top + 36)


def build_receipt_pdf(slip: ReceiptSlip) -> Document:
    """Lay out the A4 receipt; `.output()` gives the PDF bytes."""
    pdf = pdf_document("P", footer=f"Mã hồ sơ {slip.code}")
    pdf.set_margins(left=20, top=15, right=15)
    pdf.set_title(f"{TITLE} - {slip.code}")
    pdf.add_page()
    _header(pdf, slip)

    pdf.set_font(FONT, "B", 14.5)
    pdf.multi_cell(0, 7.5, TITLE, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 6.5, f"Mã hồ sơ: {slip.code}", align="C", new_x=XPos.LMARGIN,
             new_y=YPos.NEXT)
    bar_w = (len(modules(slip.code)) + 2 * QUIET_ZONE) * BARCODE_MODULE_MM
    y = pdf.get_y() + 1
    draw_code128(pdf, slip.code, (pdf.w - bar_w) / 2, y)
    pdf.set_y(y + BARCODE_HEIGHT_MM + 2)
    if slip.short_code:
        # The look-up code typed at the kiosk, big (as on the thermal receipt).
        pdf.set_font(FONT, "", 10)
        pdf.cell(0, 5, "Mã tra cứu tại máy lấy số:", align="C", new_x=XPos.LMARGIN,
                 new_y=YPos.NEXT)
        pdf.set_font(FONT, "B", 22)
        pdf.cell(0, 10, f"{slip.short_code[:3]} {slip.short_code[3:]}", align="C",
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)

    # The receiving unit heads the page; the first line names the citizen.
    labelled(pdf, "Tiếp nhận hồ sơ của", slip.submitter_name, bold_value=True)
    labelled(pdf, "Số CCCD/định danh cá nhân", slip.submitter_id_number)
    labelled(pdf, "Địa chỉ", slip.submitter_address)
    labelled(pdf, "Số điện thoại", slip.submitter_phone)
    labelled(pdf, "Email", slip.submitter_email)
    labelled(pdf, "Nội dung yêu cầu giải quyết", slip.request, bold_value=True)
    labelled(pdf, "Chủ hồ sơ", slip.owner_name)
    pdf.ln(1.5)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 6.5, "1. Thành phần hồ sơ nộp gồm:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(0.5)
    _documents_table(pdf, slip)
    pdf.ln(2)
    labelled(pdf, "2. Số lượng hồ sơ", sets_vi(slip.sets))
    labelled(pdf, "3. Thời gian giải quyết hồ sơ theo quy định", slip.processing_time)
    labelled(pdf, "4. Thời gian nhận hồ sơ", time_received_vi(slip.received_at))
    labelled(pdf, "5. Thời gian trả kết quả giải quyết hồ sơ", appointment_vi(slip.appointment),
              bold_value=True)
    labelled(pdf, "6. Nơi nhận kết quả", slip.result_place)
    pdf.ln(4)
    _signatures(pdf, slip)

    # Look-up QR at the foot, with its caption beside it.
    side = 26.0
    if pdf.get_y() + side > pdf.h - pdf.b_margin:
        pdf.add_page()
    y = pdf.get_y() + 2
    drawn = draw_qr(pdf, slip.lookup_text, pdf.l_margin, y)
    pdf.set_xy(pdf.l_margin + drawn + 3, y + drawn / 2 - 6)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(pdf.w - pdf.r_margin - pdf.get_x(), 5,
                   "Quét mã để tra cứu tình trạng hồ sơ. Vui lòng mang theo giấy này khi đến "
                   "nhận kết quả; người nhận thay phải có giấy ủy quyền theo quy định.",
                   align="L")
    return pdf


def write_receipt_pdf(slip: ReceiptSlip, out: Path) -> Path:
    """Write the A4 receipt to `out` (parent folders created); returns the path."""
    from kiosk.private_files import private_temp

    with private_temp(out) as tmp:  # names and ID numbers: owner-only from the first byte
        build_receipt_pdf(slip).output(str(tmp))
    return out
