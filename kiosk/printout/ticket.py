"""Layout of the queue ticket printed at the kiosk.

The ticket is rendered as one 1-bit image the width of the paper so that Vietnamese text prints
identically on every ESC/POS printer, whatever code pages it has. It is kept short because a
raster is slow on a serial link: at 9600 baud, 1 cm of 80 mm ticket (80 rows of 72 bytes) takes
about 6 s to send.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from PIL import Image

from kiosk.printout.canvas import (
    VStack,
    fit_font,
    inverted_label,
    load_font,
    qr_image,
    qr_image_1bit,
    rule,
    text_block,
    to_1bit,
)
from kiosk.printout.words import ticket_words

#: Image.info key of the QR's place on the slip (drivers.printers.escpos_job.QR_HINT; the
#: printout layer does not import the drivers).
QR_HINT = "escpos.qr"

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
    #: The citizen's screen language: the fixed words come from kiosk/printout/words.py
    #: (service_name and priority_label are given in that language already).
    language: str = "vi"

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
    """Render the ticket as a mode "1" image exactly `width_dots` wide (576 or 384).

    Every block is drawn once and kept (see _block): on a given day only the number, the
    people-ahead count, the minute and the QR differ between two tickets of one service, so a
    ticket costs one QR encoding, the number, and pasting. Pixel for pixel the same image as
    render_ticket_uncached. The image's info carries where the QR is (QR_HINT), for printers
    that print it with their own QR command.
    """
    layout = _layout(slip, width_dots, _block)
    style = _style(width_dots)
    qr, box = _qr(ticket_qr_text(slip), style.qr_target)
    blocks = [*layout.before_qr, (qr, 0), *layout.after_qr]
    height = sum(gap + image.height for image, gap in blocks) + layout.tail
    page = Image.new("1", (width_dots, height), 1)
    y = 0
    for image, gap in blocks:
        y += gap
        if image is qr:
            page.info[QR_HINT] = {"text": ticket_qr_text(slip), "top": y, "height": qr.height,
                                  "module": box, "border": QR_BORDER,
                                  "error_correction": QR_ERROR_CORRECTION}
        page.paste(image, (max(0, (width_dots - image.width) // 2), y))
        y += image.height
    return page


@lru_cache(maxsize=32)
def _qr(text: str, target_width: int) -> tuple[Image.Image, int]:
    return qr_image_1bit(text, target_width=target_width, error_correction=QR_ERROR_CORRECTION)


def next_number(number: str) -> str | None:
    """The number after `number` in its series ("A123" -> "A124", "A999" -> "A1000", as
    kiosk.queue.numbering counts); None if it does not end in digits."""
    match = re.fullmatch(r"(.*?)(\d+)", number)
    if not match:
        return None
    return f"{match.group(1)}{int(match.group(2)) + 1:03d}"


def prepare_next(slip: TicketSlip, width_dots: int) -> None:
    """Draw the parts of the ticket most likely to come next (this service's next number, its
    QR, one more citizen ahead) while the kiosk is idle, so that a tap costs little more than
    pasting blocks. A guess that misses (another kiosk took that number) costs nothing but
    this call."""
    number = next_number(slip.number)
    if number is not None:
        # One more citizen waits ahead of the next one, unless a counter called someone.
        render_ticket(replace(slip, number=number, people_ahead=slip.people_ahead + 1),
                      width_dots)


def warm_up(office_name: str, office_code: str, service_names: Iterable[str],
            width_dots: int, language: str = "vi") -> None:
    """Draw the blocks every ticket of these services shares (and load the fonts) ahead of the
    first ticket, so that it costs what every other one does. `service_names` are in
    `language`."""
    issued_at = datetime(2026, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    for name in service_names:
        render_ticket(TicketSlip(office_name, office_code, name, "A000", None, 0, issued_at,
                                 language), width_dots)


def render_ticket_uncached(slip: TicketSlip, width_dots: int) -> Image.Image:
    """The ticket drawn from scratch in greyscale and thresholded once at the end: how every
    ticket was rendered before render_ticket kept its blocks. The reference it must equal, and
    the benchmarks' baseline."""
    layout = _layout(slip, width_dots, _draw)
    style = _style(width_dots)
    page = VStack(width_dots, margin_x=style.margin_x)
    for image, gap in layout.before_qr:
        page.add(image, gap_before=gap)
    page.add(qr_image(ticket_qr_text(slip), target_width=style.qr_target,
                      error_correction=QR_ERROR_CORRECTION, border=QR_BORDER))
    for image, gap in layout.after_qr:
        page.add(image, gap_before=gap)
    page.space_after(layout.tail)
    return to_1bit(page.render())


#: Quiet zone around the QR, in modules (the QR image carries it; it doubles as the gap).
QR_BORDER = 4


@dataclass(frozen=True)
class _Layout:
    """The ticket's blocks top to bottom, each with the gap above it, around the QR."""

    before_qr: list[tuple[Image.Image, int]]
    after_qr: list[tuple[Image.Image, int]]
    tail: int


def _draw(kind: Callable[..., Image.Image], *args: Any, **kwargs: Any) -> Image.Image:
    return kind(*args, **kwargs)


@lru_cache(maxsize=512)
def _cached_block(kind: Callable[..., Image.Image], args: tuple, kwargs: tuple) -> Image.Image:
    # Thresholded per block: blocks never overlap on the page, so this equals thresholding the
    # composed page, and pasting 1-bit blocks needs no conversion per ticket.
    return to_1bit(kind(*args, **dict(kwargs)))


def _block(kind: Callable[..., Image.Image], *args: Any, **kwargs: Any) -> Image.Image:
    """A block drawn once per distinct content: the office name, the service, the labels, and
    (the same for many tickets in a row) the people-ahead line and the minute. Fonts come from
    load_font's cache, so equal fonts are the same key."""
    return _cached_block(kind, args, tuple(sorted(kwargs.items())))


def _layout(slip: TicketSlip, width_dots: int,
            block: Callable[..., Image.Image]) -> _Layout:
    if width_dots not in SUPPORTED_WIDTHS:
        raise ValueError(f"width_dots must be one of {SUPPORTED_WIDTHS}, not {width_dots}")
    style = _style(width_dots)
    content = width_dots - 2 * style.margin_x
    gap = style.gap
    words = ticket_words(slip.language)
    before: list[tuple[Image.Image, int]] = []

    def add(image: Image.Image, gap_before: int = 0, into: list = before) -> None:
        if image.height:  # as VStack.add: an empty block is skipped with its gap
            into.append((image, gap_before))

    add(block(text_block, slip.office_name, load_font("bold", style.office), content,
              balance=True), 4)
    add(block(rule, content, style.rule), gap)
    add(block(text_block, words.number, load_font("semibold", style.label), content), gap + 2)

    number_font = fit_font(slip.number, "extrabold", content, max_size=style.number_max)
    add(block(text_block, slip.number, number_font, content, wrap=False), gap + 4)

    add(block(text_block, slip.service_name, load_font("bold", style.service), content,
              line_gap=-4, balance=True), gap + 6)
    if slip.priority_label:
        add(block(inverted_label, slip.priority_label, load_font("bold", style.priority),
                  content, pad_x=style.gap + 2, pad_y=style.gap // 2 + 3), gap)

    body = load_font("regular", style.body)
    add(block(text_block, words.people_ahead.format(n=slip.people_ahead), body, content),
        gap + 2)
    issued = slip.issued_at
    add(block(text_block, words.issued_at.format(time=f"{issued:%H:%M}",
                                                 date=f"{issued:%d/%m/%Y}"), body,
              content), gap - 2)

    # The QR image carries its own quiet zone, which doubles as the gap around it.
    after: list[tuple[Image.Image, int]] = []
    add(block(text_block, words.please_wait,
              load_font("regular", style.footer), content), 0, after)
    return _Layout(before, after, 4)
