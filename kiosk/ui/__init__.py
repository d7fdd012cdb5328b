"""The ticket kiosk's touch screen (PySide6 Widgets).

- runner.py: the one station runner (start-up, show, lock-down, signals, the loop, the stop);
  every station declares a `Station` for it; qtapp.py: the QApplication and bundled fonts
- app.py: the ticket kiosk's `build_window()`, its declaration `KIOSK` and `run_kiosk()`
- ticket_screen.py: the window and its state machine (start, priority, confirmation, out of service)
- views.py: the parts of the screen; style.py: the touch kiosk's rules (ticket screen,
  self-service, keyboard, rating) for theme.py: palette, type, scaling, style sheets of all
  stations; widgets.py: the widget helpers every station shares
- workers.py: the desk and printer lanes (operations.py); i18n.py: the live VI / EN switch

The screenshots in docs/screenshots/ come from tools/screenshots (`python -m tools.screenshots`).
Nothing here is imported by `import kiosk.ui`, so the CLI does not load Qt until it needs it.
"""
