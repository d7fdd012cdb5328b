"""The printed ticket's fixed words in each screen language.

The printout stays free of Qt, so it does not use the screens' translation files: the ticket
screen passes the language the citizen chose down the print lane, and the slip takes its words
from this table. Data keeps its own languages (a service's name_vi/name_en, a priority
category's label_vi/label_en); the office's name is printed as configured.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TicketWords:
    number: str  # above the number
    people_ahead: str  # "{n}"
    issued_at: str  # "{time}" and "{date}"
    please_wait: str  # the footer
    priority: str  # the priority mark without a category
    priority_of: str  # "{category}"


TICKET_WORDS: dict[str, TicketWords] = {
    "vi": TicketWords(
        number="SỐ THỨ TỰ",
        people_ahead="Số người đang chờ trước bạn: {n}",
        issued_at="Thời gian lấy số: {time}  {date}",
        please_wait="Vui lòng chờ đến lượt. Xin cảm ơn!",
        priority="ƯU TIÊN",
        priority_of="ƯU TIÊN – {category}",
    ),
    "en": TicketWords(
        number="YOUR NUMBER",
        people_ahead="People waiting before you: {n}",
        issued_at="Issued at: {time}  {date}",
        please_wait="Please wait for your turn. Thank you!",
        priority="PRIORITY",
        priority_of="PRIORITY – {category}",
    ),
}

LANGUAGES = tuple(TICKET_WORDS)


def ticket_words(language: str) -> TicketWords:
    """The words of a ticket in `language`; Vietnamese for a language without a table."""
    return TICKET_WORDS.get(language, TICKET_WORDS["vi"])
