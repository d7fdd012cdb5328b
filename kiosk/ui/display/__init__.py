"""The display board (TV) of a service point: who is served at which counter, the last calls,
how many wait per service, with spoken calls.

- model.py: BoardModel, plain Python (no Qt): applies queue snapshots and events
- window.py: DisplayBoard, the full-screen window; style.py: its sizes and rules (kiosk/ui/theme.py)
- feed.py: connects a queue (local or over the LAN) to the board on a background thread
- app.py: `build_display()`, the station's declaration `DISPLAY` and `run_display()`, the entry
  of `kiosk display`; demo.py: the --demo ticket generator
- its screenshots: `python -m tools.screenshots.display` regenerates docs/screenshots/display-*

Importing this package loads no Qt; QtMultimedia is loaded only by the voice (kiosk/ui/voice.py).
"""
