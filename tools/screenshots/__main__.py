"""`python -m tools.screenshots [OUT_DIR]`: every screenshot module in turn."""

import importlib
import sys

from tools.screenshots import NAMES
from tools.screenshots.ticket import screenshot_main


def main() -> int:
    for name in NAMES:
        module = importlib.import_module(f"tools.screenshots.{name}")
        screenshot_main(module.take_screenshots)
    return 0


if __name__ == "__main__":
    sys.exit(main())
