"""Ticket rendering: widths, Vietnamese text, wrapping, QR payload."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from kiosk.printout import TicketSlip, render_ticket, ticket_qr_text
from kiosk.printout.canvas import (
    VStack,
    fit_font,
    line_metrics,
    load_font,
    text_block,
    text_width,
    to_1bit,
    wrap_text,
)
from kiosk.printout.ticket import QR_HINT, render_ticket_uncached

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
LONG_SERVICE = "Chứng thực bản sao, chữ ký, hợp đồng giao dịch"


@pytest.fixture
def slip() -> TicketSlip:
    return TicketSlip(
        office_name="Điểm phục vụ hành chính công xã Demo",
        office_code="000.00.01.H26",
        service_name=LONG_SERVICE,
        number="A001",
        priority_label="ƯU TIÊN – Người cao tuổi",
        people_ahead=12,
        issued_at=datetime(2026, 1, 15, 8, 5, tzinfo=HCM),
    )


def black_pixels(image: Image.Image) -> int:
    return image.convert("L").histogram()[0]


def black_rows(image: Image.Image) -> list[int]:
    grey = image.convert("L")
    return [y for y in range(grey.height)
            if grey.crop((0, y, grey.width, y + 1)).getextrema()[0] == 0]


@pytest.mark.parametrize("width", [576, 384])
def test_ticket_is_exactly_paper_wide_and_1bit(slip: TicketSlip, width: int) -> None:
    image = render_ticket(slip, width)
    assert image.mode == "1"
    assert image.width == width
    # Compact: well under 12 cm of paper, so a 9600-baud serial printer is not kept busy.
    assert 300 < image.height < 950
    histogram = image.convert("L").histogram()
    assert sum(histogram[1:255]) == 0 and histogram[0] > 0


def test_other_widths_are_rejected(slip: TicketSlip) -> None:
    with pytest.raises(ValueError, match="576"):
        render_ticket(slip, 500)


@pytest.mark.parametrize("width", [576, 384])
def test_qr_decodes_to_office_date_and_number(slip: TicketSlip, width: int) -> None:
    image = render_ticket(slip, width)
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [ticket_qr_text(slip)]
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    assert ticket_qr_text(slip) == "TICKET|000.00.01.H26|20260115|A001"


def test_qr_size_fits_the_paper(slip: TicketSlip) -> None:
    sizes = {}
    for width in (576, 384):
        result = zxingcpp.read_barcodes(render_ticket(slip, width))[0]
        corners = result.position
        symbol = corners.top_right.x - corners.top_left.x
        sizes[width] = symbol
    # The symbol alone (quiet zone excluded) is ~145 dots on 80 mm, smaller on 58 mm.
    assert 120 <= sizes[576] <= 200
    assert sizes[384] < sizes[576]


def test_qr_date_is_the_local_day(slip: TicketSlip) -> None:
    # 00:30 on the 16th in Hà Nội is still the 15th in UTC: the QR must carry the local date,
    # or a ticket taken just after midnight would look like yesterday's.
    late = replace(slip, issued_at=datetime(2026, 1, 15, 23, 30, tzinfo=HCM))
    early = replace(slip, issued_at=datetime(2026, 1, 16, 0, 30, tzinfo=HCM))
    assert late.issued_at.astimezone(UTC).date().day == 15
    assert early.issued_at.astimezone(UTC).date().day == 15
    assert ticket_qr_text(late).split("|")[2] == "20260115"
    assert ticket_qr_text(early).split("|")[2] == "20260116"


def test_naive_datetime_is_refused(slip: TicketSlip) -> None:
    with pytest.raises(ValueError, match="timezone"):
        replace(slip, issued_at=datetime(2026, 1, 15, 8, 5))


def test_vietnamese_text_is_really_drawn() -> None:
    font = load_font("bold", 30)
    vietnamese = text_block("Chứng thực bản sao", font, 576)
    ascii_only = text_block("Chung thuc ban sao", font, 576)
    assert black_pixels(vietnamese) > 0
    assert vietnamese.tobytes() != ascii_only.tobytes()
    # The marks add ink and height (the stacked ứ rises above the cap height).
    assert black_pixels(vietnamese) > black_pixels(ascii_only)
    assert vietnamese.height > ascii_only.height


def test_decomposed_input_renders_like_composed() -> None:
    font = load_font("regular", 28)
    composed = text_block("Người cao tuổi", font, 400)
    decomposed_text = "Ngu\u031bo\u031b\u0300i cao tuo\u0302\u0309i"
    assert unicodedata.normalize("NFC", decomposed_text) == "Người cao tuổi" != decomposed_text
    decomposed = text_block(decomposed_text, font, 400)
    assert composed.tobytes() == decomposed.tobytes()


@pytest.mark.parametrize("text", ["ỄỄ", "Ặ ỵ", "ẴẪỖỮ gỵ"])
def test_stacked_marks_are_not_clipped(text: str) -> None:
    font = load_font("extrabold", 60)
    block = to_1bit(text_block(text, font, 400))
    # Reference: the same text drawn with plenty of room all around.
    reference = Image.new("L", (400, 300), 255)
    left = font.getbbox(text, anchor="ls")[0]
    x = (400 - text_width(text, font)) // 2 - min(0, left)
    ImageDraw.Draw(reference).text((x, 150), text, font=font, fill=0, anchor="ls")
    assert black_pixels(block) == black_pixels(to_1bit(reference))


def test_line_box_has_room_for_stacked_marks() -> None:
    font = load_font("regular", 100)
    metrics = line_metrics(font)
    assert metrics.ascent >= -font.getbbox("Ễ", anchor="ls")[1]
    assert metrics.descent >= font.getbbox("ỵ", anchor="ls")[3]


def test_lines_of_a_block_do_not_touch() -> None:
    font = load_font("bold", 30)
    block = text_block("ẴẪỖ gỵ ẴẪỖ gỵ ẴẪỖ gỵ ẴẪỖ gỵ", font, 200)
    rows = set(black_rows(block))
    assert len(wrap_text("ẴẪỖ gỵ ẴẪỖ gỵ ẴẪỖ gỵ ẴẪỖ gỵ", font, 200)) >= 2
    # There is at least one white row between consecutive lines.
    assert any(y not in rows for y in range(block.height))


def test_long_service_name_wraps_within_the_paper(slip: TicketSlip) -> None:
    very_long = ("Đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới "
                 "6 tuổi (liên thông thủ tục hành chính về đăng ký khai sinh)")
    font = load_font("bold", 30)
    lines = wrap_text(very_long, font, 552)
    assert len(lines) >= 3
    assert all(text_width(line, font) <= 552 for line in lines)
    assert " ".join(lines) == very_long
    for width in (576, 384):
        short = render_ticket(replace(slip, service_name="Hộ tịch"), width)
        long = render_ticket(replace(slip, service_name=very_long), width)
        assert long.width == width
        assert long.height > short.height + 40
        assert zxingcpp.read_barcodes(long)[0].text == ticket_qr_text(slip)


def test_unbreakable_word_is_split_not_overflowing() -> None:
    font = load_font("regular", 24)
    lines = wrap_text("X" * 80, font, 200)
    assert len(lines) > 1
    assert all(text_width(line, font) <= 200 for line in lines)
    assert "".join(lines) == "X" * 80


def test_wrap_keeps_deliberate_double_spaces() -> None:
    font = load_font("regular", 24)
    assert wrap_text("08:05  15/01/2026", font, 500) == ["08:05  15/01/2026"]


def test_balanced_wrap_prefers_breaking_after_a_comma() -> None:
    font = load_font("bold", 30)
    lines = wrap_text(LONG_SERVICE, font, 552, balance=True)
    assert lines == ["Chứng thực bản sao, chữ ký,", "hợp đồng giao dịch"]


def test_fit_font_uses_the_width() -> None:
    font = fit_font("A001", "extrabold", 552, max_size=400)
    assert 530 <= text_width("A001", font) <= 552
    longer = fit_font("A12345", "extrabold", 552, max_size=400)
    assert longer.size < font.size


def test_big_number_is_as_wide_as_the_paper_allows(slip: TicketSlip) -> None:
    image = render_ticket(slip, 576)
    # Some row of ink spans nearly the whole paper: the rule, and the big number.
    grey = image.convert("L")
    widest = 0
    for y in range(grey.height):
        box = grey.crop((0, y, grey.width, y + 1)).point(lambda v: 255 - v).getbbox()
        if box:
            widest = max(widest, box[2] - box[0])
    assert widest > 500


def test_priority_mark_is_an_inverted_box(slip: TicketSlip) -> None:
    with_mark = render_ticket(slip, 576)
    without = render_ticket(replace(slip, priority_label=None), 576)
    assert with_mark.height > without.height
    grey = with_mark.convert("L")
    # A solid black run of >= 200 dots exists only in the inverted box (and the rule).
    long_black_rows = [
        y for y in range(grey.height)
        if max((len(run) for run in bytes(grey.crop((0, y, 576, y + 1)).tobytes())
                .replace(b"\xff", b" ").split(b" ")), default=0) >= 200
    ]
    assert len(long_black_rows) > 20


def test_people_ahead_and_time_change_the_image(slip: TicketSlip) -> None:
    base = render_ticket(slip, 384)
    other_count = render_ticket(replace(slip, people_ahead=3), 384)
    other_time = render_ticket(replace(slip, issued_at=slip.issued_at + timedelta(minutes=7)),
                               384)
    assert base.tobytes() != other_count.tobytes()
    assert base.tobytes() != other_time.tobytes()


def test_vstack_centres_and_keeps_width() -> None:
    stack = VStack(100, margin_x=4)
    stack.add(Image.new("L", (10, 5), 0))
    stack.add(Image.new("L", (20, 5), 0), gap_before=3, align="left")
    stack.space_after(2)
    page = stack.render()
    assert page.size == (100, 15)
    assert page.getpixel((45, 0)) == 0 and page.getpixel((44, 0)) == 255
    assert page.getpixel((4, 8)) == 0 and page.getpixel((3, 8)) == 255
    with pytest.raises(ValueError):
        stack.add(Image.new("L", (101, 1), 0))


@pytest.mark.parametrize("width", [576, 384])
def test_kept_blocks_give_the_same_pixels_as_a_full_render(slip: TicketSlip, width: int) -> None:
    tickets = [slip, replace(slip, number="B0042", people_ahead=0, priority_label=None),
               replace(slip, service_name="Hộ tịch", number="C9", people_ahead=305,
                       issued_at=slip.issued_at + timedelta(hours=9, minutes=54)),
               replace(slip, office_name="UBND phường Hoàn Kiếm", priority_label="ƯU TIÊN")]
    for ticket in tickets * 2:  # the second round draws nothing but number and QR again
        kept, full = render_ticket(ticket, width), render_ticket_uncached(ticket, width)
        assert kept.mode == full.mode == "1"
        assert kept.size == full.size and kept.tobytes() == full.tobytes()


def test_ticket_says_where_its_qr_is(slip: TicketSlip) -> None:
    image = render_ticket(slip, 576)
    hint = image.info[QR_HINT]
    assert hint["text"] == ticket_qr_text(slip) and hint["error_correction"] == "M"
    qr = image.crop((0, hint["top"], 576, hint["top"] + hint["height"]))
    assert [r.text for r in zxingcpp.read_barcodes(qr)] == [ticket_qr_text(slip)]
    quiet = hint["border"] * hint["module"]
    above = image.crop((0, hint["top"], 576, hint["top"] + quiet))
    assert black_pixels(above) == 0  # the quiet zone is blank paper
    assert black_pixels(image.crop((0, hint["top"] - 1, 576, hint["top"]))) > 0  # text above


def test_next_number_counts_as_the_queue_does() -> None:
    from kiosk.printout.ticket import next_number
    from kiosk.queue.numbering import format_number

    assert [next_number(format_number("A", seq)) for seq in (1, 41, 999, 1000)] == [
        format_number("A", seq + 1) for seq in (1, 41, 999, 1000)]
    assert next_number("VIP") is None


def test_prepared_next_ticket_is_the_same_image(slip: TicketSlip) -> None:
    from kiosk.printout.ticket import prepare_next, warm_up

    warm_up(slip.office_name, slip.office_code, [slip.service_name], 576)
    prepare_next(slip, 576)
    following = replace(slip, number="A002", people_ahead=slip.people_ahead + 1)
    assert render_ticket(following, 576).tobytes() == \
        render_ticket_uncached(following, 576).tobytes()


def test_every_language_has_every_word_and_english_is_english() -> None:
    import dataclasses

    from kiosk.printout.words import TICKET_WORDS, ticket_words

    assert set(TICKET_WORDS) == {"vi", "en"}
    for field in dataclasses.fields(TICKET_WORDS["vi"]):
        vi, en = getattr(TICKET_WORDS["vi"], field.name), getattr(TICKET_WORDS["en"], field.name)
        assert vi and en and vi != en
        assert re.findall(r"\{\w+\}", vi) == re.findall(r"\{\w+\}", en)
        assert not any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", en))
    assert ticket_words("fr") is TICKET_WORDS["vi"]


def test_english_slip_draws_other_words_around_the_same_qr(slip: TicketSlip) -> None:
    english = replace(slip, service_name="Certified copies", priority_label="PRIORITY",
                      language="en")
    vi_image, en_image = render_ticket(slip, 576), render_ticket(english, 576)
    assert vi_image.tobytes() != en_image.tobytes()
    assert render_ticket_uncached(english, 576).tobytes() == en_image.tobytes()
    # Only the words change: the QR (office, day, number) is the same code.
    vi_qr, en_qr = vi_image.info[QR_HINT], en_image.info[QR_HINT]
    assert vi_qr["text"] == en_qr["text"]
    crop = lambda im, hint: im.crop((0, hint["top"], 576, hint["top"] + hint["height"]))  # noqa: E731
    assert crop(vi_image, vi_qr).tobytes() == crop(en_image, en_qr).tobytes()
