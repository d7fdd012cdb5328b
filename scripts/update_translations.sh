#!/usr/bin/env bash
# Regenerate the ticket screen's translation files from the source strings in kiosk/ui/.
#
#   scripts/update_translations.sh
#
# 1. pyside6-lupdate collects every self.tr("...") string (Vietnamese source text) into
#    assets/translations/kiosk_en.ts, keeping the English translations already there and
#    marking new or changed strings "unfinished".
# 2. Translate those in Qt Linguist (.venv/bin/pyside6-linguist) or any text editor.
# 3. pyside6-lrelease compiles kiosk_en.ts into kiosk_en.qm, which the kiosk loads.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=".venv/bin"
[ -x "$bin/pyside6-lupdate" ] || bin="$(dirname "$(command -v pyside6-lupdate)")"
ts=assets/translations/kiosk_en.ts
mkdir -p assets/translations
"$bin/pyside6-lupdate" -no-obsolete -locations none \
    -source-language vi_VN -target-language en_GB kiosk/ui/*.py -ts "$ts"
"$bin/pyside6-lrelease" "$ts" -qm "${ts%.ts}.qm"
unfinished=$(grep -c 'type="unfinished"' "$ts" || true)
if [ "$unfinished" != "0" ]; then
    echo "warning: $unfinished string(s) in $ts still need an English translation" >&2
fi
