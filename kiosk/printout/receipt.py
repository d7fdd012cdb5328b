"""The dossier receipt "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" on a thermal roll.

Rendered, like the ticket, as one 1-bit image the width of the paper (576 dots for 80 mm, 384 for
58 mm) so Vietnamese prints the same on every ESC/POS printer. It is long (every field of the
official form, the documents table, two signature blocks); that is fine on a roll.

The CODE128 barcode is drawn module by module at a whole number of dots, never scaled. On 80 mm
paper a typical dossier code (288 modules) fits at 2 dots per module only by using the full
printable width: the roll's unprinted margin (about 4 mm each side, more than the 10-module
quiet zone of 2.5 mm) then serves as the quiet zone. Longer codes fall back to 1 dot per module
with the quiet zone drawn inside the image. The look-up QR carries the code as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from PIL import Image, ImageDraw, ImageFont

from kiosk.printout.canvas import (
    WHITE,
    VStack,
    inverted_label,
    line_metrics,
    load_font,
    normalize_text,
    qr_image,
    rule,
    text_block,
    text_width,
    to_1bit,
    trim_vertical,
    wrap_text,
)
from kiosk.printout.code128 import QUIET_ZONE, code128_image, module_count

SUPPORTED_WIDTHS = (576, 384)

TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
SUBMITTER_SIGNS = "NGƯỜI NỘP HỒ SƠ"
CLERK_SIGNS = "NGƯỜI TIẾP NHẬN HỒ SƠ"
SIGN_HINT = "(Ký và ghi rõ họ tên)"
EMPTY = "—"

#: Unprinted paper beyond each edge of the printable width, in dots (80 mm and 58 mm rolls
#: leave 3.5-5 mm); counted towards the barcode's quiet zone.
PAPER_MARGIN_DOTS = 28

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


@dataclass(frozen=True)
class ReceiptDocument:
    name: str
    originals: int = 0
    certified_copies: int = 0
    copies: int = 0


@dataclass(frozen=True)
class ReceiptSlip:
    """Everything the receipt shows, already chosen and formatted by the dossier desk."""

    unit_name: str  # receiving unit
    code: str
    lookup_text: str  # QR payload: a look-up URL or the bare code
    submitter_name: str
    submitter_id_number: str
    submitter_address: str
    submitter_phone: str
    submitter_email: str
    request: str  # nội dung yêu cầu giải quyết
    owner_name: str
    documents: tuple[ReceiptDocument, ...]
    sets: int
    processing_time: str  # e.g. "03 ngày làm việc"
    received_at: datetime
    appointment: date
    result_place: str
    clerk: str
    parent_authority: str = ""  # the line above the unit name on the A4 form
    place_name: str = ""  # "Hà Nội" in "Hà Nội, ngày … tháng … năm …"
    short_code: str = ""  # the 6-character look-up code typed at the kiosk (may be absent)

    def __post_init__(self) -> None:
        if self.received_at.tzinfo is None or self.received_at.utcoffset() is None:
            raise ValueError("ReceiptSlip.received_at must be timezone-aware local time")


def time_received_vi(at: datetime) -> str:
    """"09 giờ 05 phút, ngày 12 tháng 02 năm 2026", the official form's wording."""
    return f"{at:%H} giờ {at:%M} phút, ngày {at:%d} tháng {at:%m} năm {at:%Y}"


def date_vi(day: date) -> str:
    return f"ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def appointment_vi(day: date) -> str:
    return f"{WEEKDAYS_VI[day.weekday()]}, {date_vi(day)}"


def sets_vi(sets: int) -> str:
    return f"{sets:02d} bộ"


@dataclass(frozen=True)
class ThermalStyle:
    margin_x: int
    unit: int
    title: int
    code: int
    body: int
    small: int
    table: int
    table_head: int
    barcode_height: int
    qr_target: int
    gap: int
    sign_space: int


def thermal_style(width_dots: int) -> ThermalStyle:
    if width_dots >= 576:
        return ThermalStyle(margin_x=10, unit=24, title=27, code=25, body=22, small=19, table=19,
                      table_head=17, barcode_height=84, qr_target=170, gap=10, sign_space=96)
    # 58 mm: smaller, but body text stays >= ~2.3 mm high.
    return ThermalStyle(margin_x=6, unit=20, title=22, code=20, body=19, small=17, table=17,
                  table_head=15, barcode_height=72, qr_target=150, gap=8, sign_space=88)


# -- building blocks ------------------------------------------------------------------------


def runs_paragraph(runs: Sequence[tuple[str, ImageFont.FreeTypeFont]], width: int, *,
                    line_gap: int = 0, indent: int = 0) -> Image.Image:
    """Wrapped text mixing fonts (a bold label followed by regular text), left aligned.

    Continuation lines are indented by `indent` so the value stands out under its label.
    """
    words: list[tuple[str, ImageFont.FreeTypeFont]] = []
    for text, font in runs:
        words.extend((w, font) for w in normalize_text(text).split())
    if not words:
        return Image.new("L", (width, 0), WHITE)
    lines: list[list[tuple[str, ImageFont.FreeTypeFont]]] = [[]]
    x = 0
    for word, font in words:
        space = text_width(" ", font) if lines[-1] else 0
        start = indent if len(lines) > 1 else 0
        wide = text_width(word, font)
        if lines[-1] and start + x + space + wide > width:
            lines.append([])
            x, space, start = 0, 0, indent
        if start + wide > width:  # a word longer than the line: split it (codes, e-mails)
            for piece in wrap_text(word, font, width - start):
                if lines[-1]:
                    lines.append([])
                lines[-1].append((piece, font))
                x = text_width(piece, font)
            continue
        lines[-1].append((word, font))
        x += space + wide
    fonts = {id(f): f for _, f in words}.values()
    ascent = max(line_metrics(f).ascent for f in fonts)
    descent = max(line_metrics(f).descent for f in fonts)
    pitch = ascent + descent + line_gap
    image = Image.new("L", (width, pitch * len(lines)), WHITE)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        x = indent if row else 0
        for index, (word, font) in enumerate(line):
            if index:
                x += text_width(" ", font)
            draw.text((x, ascent + row * pitch), word, font=font, fill=0, anchor="ls")
            x += text_width(word, font)
    return trim_vertical(image)


def labelled_field(label: str, value: str, width: int, style: ThermalStyle, *,
                   bold_value: bool = False) -> Image.Image:
    label_font = load_font("bold", style.body)
    value_font = load_font("bold" if bold_value else "regular", style.body)
    # Lines of one field sit closer than separate fields, so each field reads as one block.
    return runs_paragraph([(f"{label}:", label_font), (value or EMPTY, value_font)], width,
                           line_gap=-3, indent=style.gap * 2)


def _table(documents: Sequence[ReceiptDocument], width: int, style: ThermalStyle) -> Image.Image:
    """The documents table: No. | name | originals | certified copies | copies, ruled."""
    head = load_font("bold", style.table_head)
    body = load_font("regular", style.table)
    num_w = text_width("00", body) + 10
    count_w = max(text_width("chứng", head), text_width("chính", head)) + 12
    count_w = max(count_w, (width - num_w) // 7)
    name_w = width - num_w - 3 * count_w
    widths = (num_w, name_w, count_w, count_w, count_w)
    headers = ("TT", "Tên giấy tờ", "Bản chính", "Bản sao chứng thực", "Bản sao")
    pad = 4
    line = 2

    def cells(texts: Sequence[str], font: ImageFont.FreeTypeFont,
              aligns: Sequence[str]) -> list[Image.Image]:
        return [text_block(t, font, max(1, w - 2 * pad), align=a)  # type: ignore[arg-type]
                for t, w, a in zip(texts, widths, aligns, strict=True)]

    rows = [cells(headers, head, ("center",) * 5)]
    for index, doc in enumerate(documents, 1):
        counts = [str(n) if n else "" for n in (doc.originals, doc.certified_copies,
                                                 doc.copies)]
        rows.append(cells([str(index), doc.name, *counts], body,
                          ("center", "left", "center", "center", "center")))
    heights = [max(c.height for c in row) + 2 * pad + 2 for row in rows]
    total_h = sum(heights) + line * (len(rows) + 1)
    table = Image.new("L", (width, total_h), WHITE)
    draw = ImageDraw.Draw(table)
    y = line
    for row, h in zip(rows, heights, strict=True):
        x = line
        for cell, w in zip(row, widths, strict=True):
            # Centre each cell's block vertically so short counts sit beside long names.
            table.paste(cell, (x + pad, y + (h - cell.height) // 2))
            x += w
        y += h + line
    # Grid: outer frame, row lines, column lines.
    draw.rectangle((0, 0, width - 1, total_h - 1), outline=0, width=line)
    y = 0
    for h in heights[:-1]:
        y += line + h
        draw.rectangle((0, y, width - 1, y + line - 1), fill=0)
    x = 0
    for w in widths[:-1]:
        x += w
        draw.rectangle((x, 0, x + line - 1, total_h - 1), fill=0)
    return table


def barcode_layout(bars: int, width: int) -> tuple[int, int]:
    """(dots per module, quiet-zone modules drawn inside the image) for a barcode of `bars`
    modules on a `width`-dot line: the widest whole-dot module that fits, counting the paper's
    unprinted margin towards the quiet zone."""
    module, quiet = 1, min(QUIET_ZONE, max(0, (width - bars) // 2))
    for m in range(2, 9):
        inner = -(-max(0, QUIET_ZONE * m - PAPER_MARGIN_DOTS) // m)  # ceil, in modules
        if (bars + 2 * inner) * m <= width:
            module, quiet = m, inner
    return module, quiet


def barcode_block(code: str, width: int, height: int) -> Image.Image:
    module, quiet = barcode_layout(module_count(code), width)
    return code128_image(code, module=module, height=height, quiet_zone=quiet)


def _signature_blocks(slip: ReceiptSlip, width: int, style: ThermalStyle) -> Image.Image:
    title = load_font("bold", style.small)
    hint = load_font("regular", style.small - 2)
    name = load_font("semibold", style.small)
    side_by_side = width >= 500
    col = (width - style.gap) // 2 if side_by_side else width

    def block(heading: str, signer: str) -> Image.Image:
        stack = VStack(col)
        stack.add(text_block(heading, title, col))
        stack.add(text_block(SIGN_HINT, hint, col), gap_before=4)
        stack.add(text_block(signer or " ", name, col), gap_before=style.sign_space)
        if not signer:
            stack.space_after(line_metrics(name).height)
        return stack.render()

    left = block(SUBMITTER_SIGNS, slip.submitter_name)
    right = block(CLERK_SIGNS, slip.clerk)
    if side_by_side:
        out = Image.new("L", (width, max(left.height, right.height)), WHITE)
        out.paste(left, (0, 0))
        out.paste(right, (width - col, 0))
        return out
    out = Image.new("L", (width, left.height + right.height + style.gap * 3), WHITE)
    out.paste(left, (0, 0))
    out.paste(right, (0, left.height + style.gap * 3))
    return out


# -- the receipt ------------------------------------------------------------------------------


def _spaced(code: str) -> str:
    return f"{code[:3]} {code[3:]}" if len(code) == 6 else code


def thermal_letterhead(page: VStack, s: ThermalStyle, parent_authority: str,
                       unit_name: str) -> None:
    """The office's heading on a thermal paper: its parent authority, its name, a short rule
    (the receipt and the official slips)."""
    content = page.content_width
    if parent_authority:
        page.add(text_block(parent_authority, load_font("semibold", s.small), content,
                            balance=True), gap_before=4)
    page.add(text_block(unit_name, load_font("bold", s.unit), content, balance=True),
             gap_before=s.gap // 2)
    page.add(rule(content // 3, 2), gap_before=s.gap)


def render_receipt(slip: ReceiptSlip, width_dots: int) -> Image.Image:
    """Render the receipt as a mode "1" image exactly `width_dots` wide (576 or 384)."""
    if width_dots not in SUPPORTED_WIDTHS:
        raise ValueError(f"width_dots must be one of {SUPPORTED_WIDTHS}, not {width_dots}")
    s = thermal_style(width_dots)
    page = VStack(width_dots, margin_x=s.margin_x)
    content = page.content_width
    gap = s.gap

    thermal_letterhead(page, s, slip.parent_authority, slip.unit_name)
    page.add(text_block(TITLE, load_font("extrabold", s.title), content, balance=True,
                        line_gap=2), gap_before=gap + 4)
    page.add(text_block(f"Mã hồ sơ: {slip.code}", load_font("bold", s.code), content),
             gap_before=gap)
    page.add(barcode_block(slip.code, width_dots, s.barcode_height), gap_before=gap)
    if slip.short_code:
        # Typed on the kiosk's keyboard when there is no scanner or the barcode is worn: big,
        # in two groups of three, from letters and digits that cannot be confused.
        page.add(text_block("Mã tra cứu tại máy lấy số:", load_font("semibold", s.small),
                            content, balance=True), gap_before=gap)
        page.add(inverted_label(_spaced(slip.short_code), load_font("extrabold", s.title * 2),
                                content, pad_x=gap * 2, pad_y=gap // 2), gap_before=gap // 2)

    def field(label: str, value: str, *, bold: bool = False, before: int = gap) -> None:
        page.add(labelled_field(label, value, content, s, bold_value=bold), gap_before=before,
                 align="left")

    field("Cơ quan tiếp nhận", slip.unit_name, before=gap + 6)
    field("Tiếp nhận hồ sơ của", slip.submitter_name, bold=True)
    field("Số CCCD/định danh cá nhân", slip.submitter_id_number)
    field("Địa chỉ", slip.submitter_address)
    field("Số điện thoại", slip.submitter_phone)
    field("Email", slip.submitter_email)
    field("Nội dung yêu cầu giải quyết", slip.request, bold=True)
    field("Chủ hồ sơ", slip.owner_name)

    page.add(text_block("Thành phần hồ sơ:", load_font("bold", s.body), content, align="left"),
             gap_before=gap, align="left")
    page.add(_table(slip.documents, content, s), gap_before=gap - 2, align="left")
    field("Số lượng hồ sơ", sets_vi(slip.sets), before=gap + 2)
    field("Thời gian giải quyết theo quy định", slip.processing_time)
    field("Thời gian nhận hồ sơ", time_received_vi(slip.received_at))
    page.add(text_block("Thời gian trả kết quả giải quyết hồ sơ:", load_font("bold", s.body),
                        content, align="left"), gap_before=gap - 2, align="left")
    # The one date the citizen must remember: a black stamp reads across a counter.
    page.add(inverted_label(appointment_vi(slip.appointment), load_font("bold", s.code),
                            content, pad_x=gap, pad_y=gap // 2 + 2), gap_before=gap)
    field("Nơi nhận kết quả", slip.result_place, before=gap + 2)

    page.add(_signature_blocks(slip, content, s), gap_before=gap * 2)
    page.add(rule(content, 1), gap_before=gap * 2)
    page.add(qr_image(slip.lookup_text, target_width=s.qr_target, error_correction="M"))
    page.add(text_block("Quét mã để tra cứu tình trạng hồ sơ. Vui lòng mang theo giấy này khi "
                        "đến nhận kết quả.", load_font("regular", s.small), content,
                        balance=True))
    page.space_after(8)
    return to_1bit(page.render())
