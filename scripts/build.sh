#!/usr/bin/env bash
# Builds the one-folder kiosk with PyInstaller (kiosk.spec) and reports its size.
#
#   bash scripts/build.sh [--camera] [--dist DIR] [--work DIR] [--no-archive]
#
#   --camera      include OpenCV for counters with a document camera (kiosk.spec -- --camera)
#   --dist DIR    where the folder goes (default: dist/); the folder is DIR/kiosk, or
#                 DIR/kiosk-camera with --camera
#   --work DIR    PyInstaller's work files (default: build/)
#   --no-archive  skip writing the archive; the compressed size is then not measured
#   --check-libusb DIR   only check that the built folder DIR carries libusb (below), then stop
#   --archive-only DIR   only write the archive of the built folder DIR (e.g. after signing
#                 its executables: build with --no-archive, sign, then this)
#
# Installs PyInstaller into the virtual environment if it is missing (the version pinned in
# pyproject.toml's `build` extra, else the one below). Prints the size on disk, the file count,
# the compressed size (DIST/kiosk-VERSION-PLATFORM.tar.gz on Linux, .zip on Windows: the file
# to copy to a counter PC) and the build time; the last line is for scripts:
#   build: dir=... bytes=... files=... archive=... archive_bytes=... seconds=...
# Works from Git Bash on Windows too (.venv/Scripts/python.exe).
#
# The build fails when it carries no libusb, without which no usb:// printer works on the
# station: on Windows `_internal/libusb-1.0.dll` (from the libusb-package Python package;
# kiosk.spec stops earlier when that package is missing); on Linux a libusb-1.0.so* in the
# folder, checked only when this build machine has libusb-1.0 itself (otherwise the check is
# skipped with a line saying why: the station then uses its own libusb-1.0-0 package).
# KIOSK_BUILD_TARGET=win32|linux checks (and archives) a folder as if built for that system
# (tests).
set -euo pipefail
cd "$(dirname "$0")/.."

PYINSTALLER_DEFAULT="pyinstaller==6.22.3"
VENV=${VENV:-.venv}
if [ -n "${PYTHON_BIN:-}" ]; then PY=$PYTHON_BIN
elif [ -x "$VENV/bin/python" ]; then PY=$VENV/bin/python
elif [ -x "$VENV/Scripts/python.exe" ]; then PY=$VENV/Scripts/python.exe
else echo "build: no virtual environment at $VENV (run ./dev setup first)" >&2; exit 2
fi

camera=0 dist=dist work=build archive=1 check_only='' archive_only=''
while [ $# -gt 0 ]; do
  case "$1" in
    --camera) camera=1 ;;
    --dist) dist=$2; shift ;;
    --work) work=$2; shift ;;
    --no-archive) archive=0 ;;
    --check-libusb) check_only=$2; shift ;;
    --archive-only) archive_only=$2; shift ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "build: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

check_libusb() {  # $1: the built folder; exits 1 when libusb is missing from it
  "$PY" - "$1" <<'EOF'
import ctypes.util, os, sys
from pathlib import Path

folder = Path(sys.argv[1])
target = os.environ.get("KIOSK_BUILD_TARGET") or sys.platform
if not folder.is_dir():
    sys.exit(f"build: {folder} is not a built folder")
if target == "win32":
    dll = folder / "_internal" / "libusb-1.0.dll"
    if not dll.is_file():
        sys.exit(f"build: FAILED: {dll} is missing, so usb:// printers cannot work on the "
                 "stations. Install libusb-package (pip install libusb-package) in the build "
                 "environment and build again.")
    print(f"build: libusb: {dll.relative_to(folder)}")
    sys.exit(0)
found = sorted(p for p in folder.rglob("libusb-1.0*.so*") if p.is_file())
if found:
    print(f"build: libusb: {found[0].relative_to(folder)}")
elif ctypes.util.find_library("usb-1.0") is None:
    print("build: libusb check skipped: this build machine has no libusb-1.0 (apt install "
          "libusb-1.0-0), so none was bundled; usb:// printers will use the station's own.")
else:
    sys.exit(f"build: FAILED: no libusb-1.0.so in {folder} although this machine has one: "
             "PyInstaller's pyusb hook did not bundle it, and usb:// printers would not work "
             "on a station without libusb-1.0-0. Check that pyusb is installed in the build "
             "environment.")
EOF
}

if [ -n "$check_only" ]; then
  check_libusb "$check_only"
  exit $?
fi

summarize() {  # $1: the built folder, $2: 1 to write the archive, $3: the build's seconds
  "$PY" - "$1" "$2" "$3" <<'EOF'
import os, platform, sys, tarfile, time, zipfile
from pathlib import Path

folder, want_archive, seconds = Path(sys.argv[1]), sys.argv[2] == "1", int(sys.argv[3])
if not folder.is_dir():
    sys.exit(f"build: {folder} is not a built folder")
target = os.environ.get("KIOSK_BUILD_TARGET") or sys.platform
files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
size = sum(p.stat().st_size for p in files)
print(f"build: {folder} in {seconds} s")
print(f"  size on disk  {size / 1e6:8.1f} MB in {len(files)} files")
out, out_size = "-", 0
if want_archive:
    sys.path.insert(0, ".")
    from kiosk import __version__

    system = {"win32": "windows", "darwin": "macos"}.get(target, target)
    machine = platform.machine().lower() or "unknown"  # AMD64 on Windows: amd64
    # kiosk-0.1.0-windows-amd64: a name with dots, so no Path.with_suffix (it would cut at
    # the version's last dot); the Windows workflow uploads dist/kiosk-*-windows-*.zip
    stem = f"{folder.parent / folder.name}-{__version__}-{system}-{machine}"
    began = time.perf_counter()
    if target == "win32":
        out = Path(f"{stem}.zip")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            for p in sorted(folder.rglob("*")):
                z.write(p, p.relative_to(folder.parent))
    else:
        out = Path(f"{stem}.tar.gz")
        with tarfile.open(out, "w:gz", compresslevel=6) as t:
            t.add(folder, arcname=folder.name)
    out_size = out.stat().st_size
    print(f"  compressed    {out_size / 1e6:8.1f} MB  {out} "
          f"({time.perf_counter() - began:.0f} s to write)")
print(f"build: dir={folder} bytes={size} files={len(files)} archive={out} "
      f"archive_bytes={out_size} seconds={seconds}")
EOF
}

if [ -n "$archive_only" ]; then
  summarize "$archive_only" 1 0
  exit $?
fi

if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
  pin=$("$PY" - "$PYINSTALLER_DEFAULT" <<'EOF'
import sys, tomllib
extras = tomllib.load(open("pyproject.toml", "rb"))["project"].get("optional-dependencies", {})
pins = [r for r in extras.get("build", []) if r.lower().startswith("pyinstaller")]
print(" ".join(pins) or sys.argv[1])
EOF
)
  echo "build: installing $pin (with $PY)"
  # shellcheck disable=SC2086 # one or more requirement strings
  "$PY" -m pip install --quiet $pin
fi

name=kiosk spec_args=()
if [ "$camera" = 1 ]; then
  name=kiosk-camera
  spec_args=(-- --camera --name "$name")
fi

start=$(date +%s)
"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$dist" --workpath "$work" \
  kiosk.spec "${spec_args[@]}"
seconds=$(( $(date +%s) - start ))
check_libusb "$dist/$name"
summarize "$dist/$name" "$archive" "$seconds"
