"""The office's records gathered on the hub.

In a LAN office each counter PC keeps the ratings its citizens give in its own database (and
syncs them to the city itself); a counter not yet writing to the office dossier book
(kiosk/dossiers/book.py, the hub's own dossier tables) keeps its dossiers the same way. The
kiosk's "Tra cứu hồ sơ" and the office statistics run on the hub (reading the book first), so
every client station forwards a public copy of those records to the hub:

- schema.py: `office_dossiers` on the hub (the public subset of each dossier, latest state)
  and `office_feed_cursor` on a client (how far its outbox has been forwarded, per hub);
- records.py: what a forwarded record holds, and applying a batch on the hub (idempotent:
  a dossier is upserted by code, newer state wins; a rating is inserted once by uid); the
  kiosk's look-up (find_office_view: the book through the hub, then the station's own copy);
- forward.py: the client side, reading its outbox after the cursor in batches.

What is forwarded carries no personal data beyond the holder's initials and staff names:
no full name, ID number, birth date, address, phone, notes or status reasons.
"""
