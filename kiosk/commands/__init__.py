"""Subcommands of `kiosk`, one module per feature. Each module has `register(subparsers)`;
a subcommand's handler is `handler(args, config, paths) -> exit code`."""

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
#: The station already runs from this data folder (kiosk/instance.py): nothing was started.
EXIT_ALREADY_RUNNING = 4
#: An unexpected exception ended the command (logged with its traceback): under `kiosk run`
#: the supervisor starts the window again.
EXIT_CRASHED = 70


def tell_without_console(args, text_vi: str, detail: str = "", *,
                         warning: bool = False) -> None:
    """Show what a screen command (`kiosk run`, `demo`, ...) could not do in a message box
    when there is no console to print it on: kiosk-gui.exe, where main() sets
    args.no_console. The line printed to stderr and the log stay as they are; a console start
    never loads Qt for this."""
    if not (getattr(args, "no_console", False) and getattr(args, "gui", False)):
        return
    try:
        from kiosk.ui.notice import show_notice

        show_notice("hcc-kiosk", text_vi, detail, warning=warning)
    except Exception:  # no screen to show it on: the log line stays the only trace
        import logging

        logging.getLogger("kiosk").warning("could not show the message box", exc_info=True)
