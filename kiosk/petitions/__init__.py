"""Citizens' petitions ("Phản ánh, kiến nghị") handled as cases with a deadline. Plain Python,
no Qt.

- cases.py: `take_petition()` (the kiosk's feedback becomes a case with a code), `assign()`,
  `answer()`, `close()`, `list_petitions()`, `find()`, `public_view()`, lateness
- schema.py: the tables, migration 14 registered with the store (kiosk/store/migrations.py)

A petition's text and phone number are personal data: never logged, blanked by `purge()` once
the city has the case and the retention period after the answer has passed.
"""
