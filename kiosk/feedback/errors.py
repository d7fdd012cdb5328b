"""The one error type of kiosk.feedback."""

from __future__ import annotations


class FeedbackError(ValueError):
    """Input the feedback desk refuses: a message for the citizen's screen and one for logs.

    Neither message ever contains what the citizen typed (it may hold a name or a phone
    number): both may be logged and shown on a public screen.

    `reason` names the check that failed ("phone", "text_short", "text_long", "topic"), so a
    screen can word it in the citizen's language (message_en is worded for logs).
    """

    def __init__(self, message_vi: str, message_en: str, *, reason: str = "") -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en
        self.reason = reason
