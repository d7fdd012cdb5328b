"""One counter PC of the office tests, as its own process: it runs `kiosk` commands in-process,
one per line of stdin (a JSON list of arguments), and answers each with one JSON line
{"rc", "out", "err"}. A PC that stays up between commands is what an office has (and 60 Python
start-ups would be most of a test's time)."""

from __future__ import annotations

import contextlib
import io
import json
import sys


def serve() -> None:
    from kiosk.cli import main

    for line in sys.stdin:
        args = json.loads(line)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = main(args)
            except SystemExit as exc:
                rc = exc.code if isinstance(exc.code, int) else 1
        sys.__stdout__.write(json.dumps({"rc": rc, "out": out.getvalue(),
                                         "err": err.getvalue()}) + "\n")
        sys.__stdout__.flush()


if __name__ == "__main__":
    serve()
