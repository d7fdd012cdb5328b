"""Regenerate the key table in docs/configuration.md from the configuration schema."""

from pathlib import Path

from kiosk.config import reference_markdown

DOC = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"
MARK = "<!-- generated from kiosk/config.py by scripts/update_config_docs.py -->\n"

head = DOC.read_text(encoding="utf-8").split(MARK)[0] if DOC.exists() else ""
DOC.write_text(head + MARK + reference_markdown(), encoding="utf-8")
print(f"wrote {DOC}")
