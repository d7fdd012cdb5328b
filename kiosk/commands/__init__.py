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
