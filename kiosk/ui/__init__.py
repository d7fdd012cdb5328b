"""The ticket kiosk's touch screen (PySide6 Widgets).

- runner.py: the one station runner (start-up, show, lock-down, signals, the loop, the stop);
  every station declares a `Station` for it; qtapp.py: the QApplication and bundled fonts
- app.py: the ticket kiosk's `build_window()`, its declaration `KIOSK` and `run_kiosk()`
- ticket_screen.py: the window and its state machine (start, priority, confirmation, out of service)
- views.py: the parts of the screen; style.py: colours, sizes, the scaled style sheet
- workers.py: the desk and printer threads; i18n.py: the live VI / EN switch
- screenshots.py: `python -m kiosk.ui.screenshots` regenerates docs/screenshots/

Nothing here is imported by `import kiosk.ui`, so the CLI does not load Qt until it needs it.
"""
