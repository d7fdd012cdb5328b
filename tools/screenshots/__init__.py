"""Regenerate docs/screenshots/ from the real screens, headless (Qt's offscreen platform), on
throw-away data directories. Run from the repository root with the project's virtual
environment:

    python -m tools.screenshots [OUT_DIR]          # every screen
    python -m tools.screenshots.NAME [OUT_DIR]     # one: ticket, feedback, counter, display,
                                                   # office, admin, wizard

OUT_DIR defaults to docs/screenshots of this checkout; the files written are printed.

Each module lists the files it writes in SHOTS. tests/tools/test_screenshots.py holds
docs/screenshots to exactly those (a picture no module makes any more fails it, so does a
declared one missing), and a run that writes a file its module does not declare fails: a new
screen's picture goes into its module's SHOTS, a retired one out of SHOTS and out of docs.
"""

NAMES = ("ticket", "feedback", "counter", "display", "office", "admin", "wizard")
