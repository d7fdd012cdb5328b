"""Layout of the queue ticket printed at the kiosk.

The ticket is rendered as one 1-bit image the width of the paper so that Vietnamese text prints
identically on every ESC/POS printer, whatever code pages it has. It is kept short because a
raster is slow on a serial link: at 9600 baud, 1 cm of 80 mm ticket (80 rows of 72 bytes) takes
about 6 s to send.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PIL import Image

from kiosk.printout.canvas import (
    VStack,
    fit_font,
    inverted_label,
    load_font,
    qr_image,
    rule,
    text_block,
    to_1bit,
)

#: Paper widths the layout is tuned for (80 mm and 58 mm rolls at 203 dpi).
SUPPORTED_WIDTHS = (576, 384)

QR_ERROR_CORRECTION = "M"


@dataclass(frozen=True)
class TicketSlip:
    """What a queue ticket shows; built by the queue when a citizen takes a number."""

    office_name: str
    office_code: str
    service_name: str
    number: str
    priority_label: str | None
    people_ahead: int
    issued_at: datetime

    def __post_init__(self) -> None:
        # A naive datetime is ambiguous (UTC or local?) and the printed date would silently be
        # wrong around midnight; the QR date must match the queue's local day.
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            raise ValueError("TicketSlip.issued_at must be timezone-aware local time")
        if self.people_ahead < 0:
            raise ValueError("TicketSlip.people_ahead cannot be negative")


def ticket_qr_text(slip: TicketSlip) -> str:
    """Payload of the ticket's QR code: `TICKET|{office_code}|{YYYYMMDD}|{number}`.

    The date keeps a ticket from yesterday (same number, sequence reset daily) from being
    accepted at a counter today.
    """
    return f"TICKET|{slip.office_code}|{slip.issued_at:%Y%m%d}|{slip.number}"


@dataclass(frozen=True)
class _Style:
    """Sizes in dots for one paper width."""

    margin_x: int
    office: int
    label: int
    number_max: int
    service: int
    priority: int
    body: int
    footer: int
    qr_target: int
    gap: int
    rule: int


def _style(width_dots: int) -> _Style:
    if width_dots >= 576:
        return _Style(margin_x=12, office=26, label=26, number_max=190, service=30, priority=26,
                      body=24, footer=22, qr_target=190, gap=12, rule=2)
    # 58 mm: scale down but keep body text >= ~2.5 mm so it stays readable.
    return _Style(margin_x=6, office=21, label=22, number_max=140, service=24, priority=21,
                  body=20, footer=19, qr_target=150, gap=9, rule=2)


def render_ticket(slip: TicketSlip, width_dots: int) -> Image.Image:
    """Render the ticket as a mode "1" image exactly `width_dots` wide (576 or 384)."""
    if width_dots not in SUPPORTED_WIDTHS:
        raise ValueError(f"width_dots must be one of {SUPPORTED_WIDTHS}, not {width_dots}")
    style = _style(width_dots)
    page = VStack(width_dots, margin_x=style.margin_x)
    content = page.content_width
    gap = style.gap

    page.add(text_block(slip.office_name, load_font("bold", style.office), content, balance=True),
             gap_before=4)
    page.add(rule(content, style.rule), gap_before=gap)
    page.add(text_block("SỐ THỨ TỰ", load_font("semibold", style.label), content),
             gap_before=gap + 2)

    number_font = fit_font(slip.number, "extrabold", content, max_size=style.number_max)
    page.add(text_block(slip.number, number_font, content, wrap=False), gap_before=gap + 4)

    page.add(text_block(slip.service_name, load_font("bold", style.service), content,
                        line_gap=-4, balance=True), gap_before=gap + 6)
    if slip.priority_label:
        page.add(inverted_label(slip.priority_label, load_font("bold", style.priority), content,
                                pad_x=style.gap + 2, pad_y=style.gap // 2 + 3),
                 gap_before=gap)

    body = load_font("regular", style.body)
    page.add(text_block(f"Số người đang chờ trước bạn: {slip.people_ahead}", body, content),
             gap_before=gap + 2)
    issued = slip.issued_at
    page.add(text_block(f"Thời gian lấy số: {issued:%H:%M}  {issued:%d/%m/%Y}", body, content),
             gap_before=gap - 2)

    # The QR image carries its own quiet zone, which doubles as the gap around it.
    page.add(qr_image(ticket_qr_text(slip), target_width=style.qr_target,
                      error_correction=QR_ERROR_CORRECTION))
    page.add(text_block("Vui lòng chờ đến lượt. Xin cảm ơn!", load_font("regular", style.footer),
                        content))
    page.space_after(4)
    return to_1bit(page.render())
