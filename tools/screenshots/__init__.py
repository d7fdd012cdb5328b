"""Regenerate docs/screenshots/ from the real screens, headless (Qt's offscreen platform), on
throw-away data directories. Run from the repository root with the project's virtual
environment:

    python -m tools.screenshots [OUT_DIR]          # every screen
    python -m tools.screenshots.NAME [OUT_DIR]     # one: ticket, feedback, counter, display,
                                                   # office, admin, wizard

OUT_DIR defaults to docs/screenshots of this checkout; the files written are printed.
"""

NAMES = ("ticket", "feedback", "counter", "display", "office", "admin", "wizard")
