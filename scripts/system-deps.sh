#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the kiosk needs (Qt's runtime libraries, audio, USB,
# Xvfb for headless screenshots) and PostgreSQL, which the city server's tests start as a
# throwaway server of their own (tests/pgcluster.py; nothing is started here). As root it
# runs apt-get; otherwise it prints the exact line.
set -euo pipefail

# "a|b": the first name this distribution knows (Ubuntu 24.04 renamed some libraries).
WANTED=(
  python3-venv
  libegl1 libgl1 libopengl0 "libglib2.0-0t64|libglib2.0-0" libfontconfig1 libfreetype6
  libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3 libx11-xcb1
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
  libpulse0 libspeechd2 libzbar0 "libusb-1.0-0t64|libusb-1.0-0" xvfb xauth poppler-utils
  postgresql
)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: not a Debian/Ubuntu system; install Qt 6's runtime libraries yourself." >&2
  exit 0
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
known() { apt-cache show "$1" >/dev/null 2>&1; }

missing=()
need_update=0
for spec in "${WANTED[@]}"; do
  IFS='|' read -r -a names <<<"$spec"
  ok=0
  for n in "${names[@]}"; do installed "$n" && { ok=1; break; }; done
  [ "$ok" = 1 ] && continue
  pick=""
  for n in "${names[@]}"; do known "$n" && { pick="$n"; break; }; done
  if [ -z "$pick" ]; then pick="${names[-1]}"; need_update=1; fi
  missing+=("$pick")
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ]; then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  if [ "$need_update" = 1 ]; then
    # Names resolved before the package lists existed: resolve again now.
    exec "$0"
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "system-deps: these system packages are missing. Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
