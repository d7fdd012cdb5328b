#!/usr/bin/env bash
# Regenerate the screens' translation files from the source strings in kiosk/ui/.
#
#   scripts/update_translations.sh
#
# 1. pyside6-lupdate collects every self.tr("...") / translate("Context", "...") string
#    (Vietnamese source text) and every word of a table marked N_("...") (kiosk/ui/i18n.py)
#    from all of kiosk/ui into assets/translations/kiosk_en.ts, keeping the English
#    translations already there and marking new or changed strings "unfinished".
# 2. Translate those in Qt Linguist (.venv/bin/pyside6-linguist) or any text editor. The
#    screens that offer English (the citizen's: ticket kiosk, self-service, rating) need every
#    string translated (tests/ui/test_ui_citizen_language.py); the clerk's and technician's
#    screens are Vietnamese only, and their strings stay unfinished (shown in Vietnamese).
# 3. pyside6-lrelease compiles kiosk_en.ts into kiosk_en.qm, which the kiosk loads.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=".venv/bin"
[ -x "$bin/pyside6-lupdate" ] || bin="$(dirname "$(command -v pyside6-lupdate)")"
ts=assets/translations/kiosk_en.ts
mkdir -p assets/translations
"$bin/pyside6-lupdate" -no-obsolete -locations none -disable-heuristic sametext \
    -disable-heuristic similartext -tr-function-alias QT_TR_NOOP+=N_ \
    -source-language vi_VN -target-language en_GB $(find kiosk/ui -name '*.py' | sort) \
    -ts "$ts"
"$bin/pyside6-lrelease" -nounfinished "$ts" -qm "${ts%.ts}.qm"
unfinished=$(grep -c 'type="unfinished"' "$ts" || true)
echo "$unfinished string(s) in $ts have no English (the Vietnamese-only screens' strings, and" \
     "any new citizen string: tests/ui/test_ui_citizen_language.py names those)" >&2
