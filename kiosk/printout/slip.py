"""The official slips Mẫu 02-05 on a thermal roll, laid out from their templates
(kiosk/printout/forms.py) with the receipt's building blocks: one 1-bit image the width of
the paper, the dossier code as CODE128 and as a look-up QR."""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image, ImageDraw

from kiosk.printout.canvas import (
    WHITE,
    VStack,
    inverted_label,
    line_metrics,
    load_font,
    qr_image,
    rule,
    text_block,
    to_1bit,
)
from kiosk.printout.forms import HandoverRow, SlipPrint
from kiosk.printout.receipt import (
    SUPPORTED_WIDTHS,
    ThermalStyle,
    barcode_block,
    date_vi,
    labelled_field,
    thermal_letterhead,
    thermal_style,
)


def _handovers(rows: Sequence[HandoverRow], columns: Sequence[str], width: int,
               s: ThermalStyle) -> Image.Image:
    """Mẫu 05's table does not fit a roll as columns: one framed block per hand-over, each
    column's heading as the label of its value."""
    stack = VStack(width)
    if not rows:
        stack.add(text_block("(Chưa có lần giao nhận nào)", load_font("regular", s.small), width),
                  align="left")
    inner = width - 2 * s.gap
    for index, row in enumerate(rows, 1):
        block = VStack(inner)
        block.add(text_block(f"{index}. {row.parties}", load_font("bold", s.small), inner,
                             align="left"), align="left")
        for label, value in zip(columns[1:], (row.at, row.handed_by, row.received_by,
                                              row.result, row.note), strict=False):
            if value:
                block.add(labelled_field(label.capitalize(), value, inner, s), gap_before=4,
                          align="left")
        body = block.render()
        framed = Image.new("L", (width, body.height + 2 * s.gap), WHITE)
        framed.paste(body, (s.gap, s.gap))
        ImageDraw.Draw(framed).rectangle((0, 0, width - 1, framed.height - 1), outline=0,
                                         width=2)
        stack.add(framed, gap_before=s.gap if index > 1 else 0)
    return stack.render()


def _signatures(slip: SlipPrint, width: int, s: ThermalStyle) -> Image.Image:
    heading = load_font("bold", s.small)
    hint = load_font("regular", s.small - 2)
    name = load_font("semibold", s.small)
    stack = VStack(width)
    for index, sig in enumerate(slip.template.signatures):
        signer = slip.fill(sig.signer)
        stack.add(text_block(sig.heading, heading, width), gap_before=s.gap * 3 if index else 0)
        if sig.hint:
            stack.add(text_block(sig.hint, hint, width), gap_before=4)
        stack.add(text_block(signer or " ", name, width), gap_before=s.sign_space)
        if not signer:
            stack.space_after(line_metrics(name).height)
    return stack.render()


def render_slip(slip: SlipPrint, width_dots: int) -> Image.Image:
    """Render a slip as a mode "1" image exactly `width_dots` wide (576 or 384)."""
    if width_dots not in SUPPORTED_WIDTHS:
        raise ValueError(f"width_dots must be one of {SUPPORTED_WIDTHS}, not {width_dots}")
    s = thermal_style(width_dots)
    page = VStack(width_dots, margin_x=s.margin_x)
    content = page.content_width
    gap = s.gap
    template = slip.template

    thermal_letterhead(page, s, slip.parent_authority, slip.unit_name)
    page.add(text_block(template.number, load_font("regular", s.small), content),
             gap_before=gap)
    page.add(text_block(template.title, load_font("extrabold", s.title), content, balance=True,
                        line_gap=2), gap_before=gap // 2)
    page.add(text_block(f"Mã hồ sơ: {slip.code}", load_font("bold", s.code), content),
             gap_before=gap)
    page.add(barcode_block(slip.code, width_dots, s.barcode_height), gap_before=gap)

    body = load_font("regular", s.body)
    for block in template.blocks:
        if "text" in block:
            page.add(text_block(slip.fill(block["text"]), body, content, align="left"),
                     gap_before=gap + 2, align="left")
        elif "field" in block:
            page.add(labelled_field(block["field"], slip.fill(block.get("value", "")), content,
                                    s), gap_before=gap, align="left")
        elif "items" in block:
            for index, item in enumerate(slip.missing, 1):
                page.add(text_block(f"{index}. {item}", body, content, align="left"),
                         gap_before=gap // 2 + 2, align="left")
        elif "stamp" in block:
            page.add(inverted_label(slip.fill(block["stamp"]), load_font("bold", s.code),
                                    content, pad_x=gap, pad_y=gap // 2 + 2), gap_before=gap)
        elif "handovers" in block:
            page.add(_handovers(slip.handovers, block.get("columns", ()), content, s),
                     gap_before=gap, align="left")

    place = f"{slip.place_name}, " if slip.place_name else ""
    page.add(text_block(place + date_vi(slip.issued_at.date()), load_font("regular", s.small),
                        content), gap_before=gap * 2)
    if template.signatures:
        page.add(_signatures(slip, content, s), gap_before=gap)
    page.add(rule(content, 1), gap_before=gap * 2)
    page.add(qr_image(slip.lookup_text, target_width=s.qr_target, error_correction="M"))
    page.add(text_block("Quét mã để tra cứu tình trạng hồ sơ.", load_font("regular", s.small),
                        content, balance=True))
    page.space_after(8)
    return to_1bit(page.render())
