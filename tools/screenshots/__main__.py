"""`python -m tools.screenshots [OUT_DIR]`: every screenshot module in turn. One that fails is
reported and the others still run; the exit code is 1 if any failed."""

import importlib
import sys
import traceback

from tools.screenshots import NAMES
from tools.screenshots.ticket import screenshot_main


def main() -> int:
    failed = []
    for name in NAMES:
        module = importlib.import_module(f"tools.screenshots.{name}")
        try:
            screenshot_main(module.take_screenshots)
        except Exception:  # noqa: BLE001 - report it, go on with the other screens
            traceback.print_exc()
            failed.append(name)
    if failed:
        print(f"screenshots failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
