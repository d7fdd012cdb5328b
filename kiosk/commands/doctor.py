"""`kiosk doctor [--self-test] [--json]`, `kiosk support-bundle --out FILE.zip`,
`kiosk setup` (the set-up wizard), `kiosk admin` (the admin view, after the PIN).

These commands load the configuration themselves (needs_config=False): a broken file is
exactly what the doctor must report, and what the wizard and the admin view must repair,
instead of refusing to start.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from kiosk.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from kiosk.config import Config
from kiosk.paths import Paths


def register(sub) -> None:
    doc = sub.add_parser("doctor", help="check this station (configuration, database, disk, "
                         "printer, scanner, camera, hub, city server, clock); each check says "
                         "how to fix what fails; exit code 1 if any fails")
    doc.add_argument("--self-test", action="store_true",
                     help="instead, test this build offline: ticket raster, QR decoding, a "
                     "fresh database, the sync client against a local server")
    doc.add_argument("--json", action="store_true", help="print one JSON object")
    doc.add_argument("--timeout", type=float, default=4.0, metavar="S",
                     help="seconds each network check may take (default 4)")
    doc.set_defaults(handler=_doctor, needs_config=False)

    bundle = sub.add_parser("support-bundle", help="zip the logs, the configuration and the "
                            "doctor's results for a developer, with secrets and personal data "
                            "removed")
    bundle.add_argument("--out", required=True, metavar="FILE.zip")
    bundle.add_argument("--no-doctor", action="store_true",
                        help="leave out the doctor's checks (faster, offline)")
    bundle.set_defaults(handler=_bundle, needs_config=False)

    setup = sub.add_parser("setup", help="open the set-up wizard (office, role, printer, "
                           "scanner, city server, admin PIN) and write the configuration")
    setup.set_defaults(handler=_setup, needs_config=False, gui=True)

    admin = sub.add_parser("admin", help="open the admin view (reprint, device tests, sync, "
                           "doctor, logs, configuration) after the admin PIN")
    admin.set_defaults(handler=_admin, needs_config=False, gui=True)


def _doctor(args, config: Config, paths: Paths) -> int:
    if args.self_test:
        return _selftest(args)
    from kiosk.diagnostics.checks import all_ok, load_config, run_checks

    config_or_none, error = load_config(paths)
    started = time.monotonic()
    results = run_checks(paths, config=config_or_none, config_error=error,
                         timeout_s=args.timeout)
    passed = all_ok(results)
    if args.json:
        print(json.dumps({"ok": passed, "config_file": str(paths.config_file),
                          "data_dir": str(paths.data_dir),
                          "seconds": round(time.monotonic() - started, 2),
                          "checks": [r.as_json() for r in results]},
                         ensure_ascii=False, indent=2))
    else:
        print(f"Checking the station: configuration {paths.config_file}, data {paths.data_dir}")
        for r in results:
            print(r.line())
        counts = {s: sum(r.status == s for r in results) for s in ("PASS", "WARN", "SKIP",
                                                                    "FAIL")}
        print(f"{counts['PASS']} passed, {counts['WARN']} warning(s), {counts['SKIP']} not "
              f"applicable, {counts['FAIL']} failed.")
    return EXIT_OK if passed else EXIT_FAILED


def _selftest(args) -> int:
    from kiosk.diagnostics.selftest import run_selftest

    started = time.monotonic()
    echo = None if args.json else (lambda line: print(line, flush=True))
    results = run_selftest(echo)
    passed = all(r.ok for r in results)
    elapsed = time.monotonic() - started
    if args.json:
        print(json.dumps({"ok": passed, "seconds": round(elapsed, 2),
                          "steps": [{"name": r.name, "ok": r.ok, "detail": r.detail,
                                     "seconds": round(r.seconds, 3)} for r in results]},
                         ensure_ascii=False, indent=2))
    else:
        print(f"self-test {'passed' if passed else 'FAILED'} in {elapsed:.1f} s")
    return EXIT_OK if passed else EXIT_FAILED


def _bundle(args, config: Config, paths: Paths) -> int:
    from kiosk.diagnostics.bundle import make_support_bundle

    out = Path(args.out)
    if out.suffix.lower() != ".zip":
        print("The bundle is a zip file: give --out a name ending in .zip.", file=sys.stderr)
        return EXIT_USAGE
    try:
        summary = make_support_bundle(paths, out, run_doctor=not args.no_doctor)
    except OSError as exc:
        print(f"Cannot write {out}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"Support bundle written to {summary.path} ({len(summary.files)} files; tokens, "
          "keys, the PIN hash and personal data removed).")
    return EXIT_OK


def _load_or_defaults(paths: Paths) -> tuple[Config, str | None]:
    from kiosk.diagnostics.checks import load_config

    loaded, error = load_config(paths)
    return loaded or Config(), error


def _setup(args, config: Config, paths: Paths) -> int:
    from kiosk.ui.wizard import run_setup_wizard

    base, error = _load_or_defaults(paths)
    if error:
        print(f"{error}\nThe wizard starts from the defaults; saving replaces the file.",
              file=sys.stderr)
    result = run_setup_wizard(paths, base=base, existing=paths.config_file.exists())
    if result is None:
        print("Set-up cancelled: nothing was written.", file=sys.stderr)
        return EXIT_FAILED
    print(f"Configuration written to {paths.config_file}.")
    return EXIT_OK


def _admin(args, config: Config, paths: Paths) -> int:
    from kiosk.ui.admin.standalone import run_admin

    base, error = _load_or_defaults(paths)
    if error:
        print(f"{error}\nThe admin view opens on the defaults; fix the file in its "
              "configuration tab.", file=sys.stderr)
    return run_admin(base, paths, config_error=error)
