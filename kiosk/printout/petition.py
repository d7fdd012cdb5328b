"""The petition slip: what a citizen takes home after sending a "Phản ánh, kiến nghị" at the
kiosk (or at the counter). It carries the petition's code large, as CODE128 (the kiosk's and
the counter's scanners read it), the day it was received and the deadline for the answer, and
how to read the answer. Never the text of the petition nor the phone number: a slip left on
the counter must not tell anyone what its owner wrote.

Rendered like the ticket (kiosk/printout/ticket.py): one mode "1" image exactly as wide as the
paper, printed with the printer's `print_image`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from PIL import Image

from kiosk.printout.canvas import (
    VStack,
    fit_font,
    inverted_label,
    load_font,
    rule,
    text_block,
    to_1bit,
)
from kiosk.printout.code128 import code128_image, module_count

TITLE_VI = "PHIẾU TIẾP NHẬN PHẢN ÁNH, KIẾN NGHỊ"
TITLE_EN = "PETITION RECEIPT"


@dataclass(frozen=True)
class PetitionSlip:
    office_name: str
    code: str
    topic: str
    received_at: datetime  # the office's local time
    due_date: date
    language: str = "vi"


def slip_lines(slip: PetitionSlip) -> dict[str, str]:
    """The slip's words (Vietnamese, or English for a citizen on the English screen)."""
    when = f"{slip.received_at:%H:%M} {slip.received_at:%d/%m/%Y}"
    if slip.language == "en":
        return {"title": TITLE_EN, "code_label": "Your petition code",
                "topic": f"Topic: {slip.topic}", "received": f"Received: {when}",
                "due": f"Answer due by: {slip.due_date:%d/%m/%Y}",
                "how": "Type this code at the kiosk (Tra cứu) to read the office's answer. "
                       "Keep this slip."}
    return {"title": TITLE_VI, "code_label": "Mã phản ánh của ông/bà",
            "topic": f"Nội dung: {slip.topic}", "received": f"Tiếp nhận lúc: {when}",
            "due": f"Hạn trả lời: {slip.due_date:%d/%m/%Y}",
            "how": "Nhập mã này tại ki-ốt (mục Tra cứu) để xem trả lời của cơ quan. "
                   "Vui lòng giữ phiếu."}


def render_petition_slip(slip: PetitionSlip, width_dots: int) -> Image.Image:
    """The slip as a mode "1" image exactly `width_dots` wide (576 for 80 mm, 384 for 58 mm)."""
    wide = width_dots >= 576
    margin = 12 if wide else 6
    stack = VStack(width_dots, margin_x=margin)
    inner = stack.content_width
    words = slip_lines(slip)
    body = load_font("regular", 24 if wide else 20)
    bold = load_font("bold", 26 if wide else 21)
    gap = 12 if wide else 9
    stack.add(text_block(slip.office_name.upper(), load_font("semibold", 24 if wide else 20),
                         inner, balance=True))
    stack.add(rule(inner), gap_before=gap)
    stack.add(text_block(words["title"], bold, inner, balance=True), gap_before=gap)
    stack.add(text_block(words["code_label"], body, inner), gap_before=gap)
    code_font = fit_font(slip.code, "extrabold", inner - 40, max_size=80 if wide else 60)
    stack.add(inverted_label(slip.code, code_font, inner, pad_x=16, pad_y=10), gap_before=6)
    module = max(1, min(3, inner // (module_count(slip.code) + 20)))
    stack.add(code128_image(slip.code, module=module, height=70 if wide else 56),
              gap_before=gap)
    for key in ("topic", "received", "due"):
        stack.add(text_block(words[key], bold if key == "due" else body, inner, align="left"),
                  gap_before=gap)
    stack.add(rule(inner), gap_before=gap)
    stack.add(text_block(words["how"], body, inner), gap_before=gap)
    stack.space_after(24)
    return to_1bit(stack.render())
