"""Citizens' voice: satisfaction ratings after service, feedback ("phản ánh, kiến nghị") and the
public dossier look-up at the ticket kiosk. Plain Python, no Qt.

- ratings.py: the three official levels, reasons for an unhappy rating, `record_rating()`
- citizen_feedback.py: `record_feedback()` with topic, text and an optional phone number
- lookup.py: `public_dossier_view()`, what a dossier shows on a public screen (initials only)
- schema.py: the tables, one migration registered with the store (kiosk/store/migrations.py)

Every record is written with its outbox row in one transaction, like tickets and dossiers.
"""

from __future__ import annotations

from kiosk.feedback.errors import FeedbackError

__all__ = ["FeedbackError"]
