"""Run benchmarks by name and print their figures.

    python -m benchmarks                 every benchmark
    python -m benchmarks ticket --json   one, as JSON
    python -m benchmarks --quick         fewer repetitions (a smoke run)

Each benchmark is a module `benchmarks/NAME.py` with `run(quick: bool = False) -> dict`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
from datetime import UTC, datetime

NAMES = ("ticket", "scan", "sync", "hub", "years", "city", "workflow", "dossiers", "results")


def machine() -> dict:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "processor": _cpu_model(),
        "python_loop_ms": python_loop_ms(),
    }


def python_loop_ms() -> float:
    """One core's speed at plain Python, to compare the machines figures were measured on
    (machines reporting the same processor model have differed by twice): the best of 5 runs
    of a fixed loop."""
    import time

    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        sum(i * i for i in range(10**6))
        best = min(best, time.perf_counter() - t0)
    return round(best * 1000, 1)


def _cached_bytecode() -> None:
    """The processes a benchmark starts (`kiosk report`, the windows' start-up) run compiled
    bytecode, as a station does (the frozen build, or an installed package), not every module
    compiled afresh each time: with PYTHONDONTWRITEBYTECODE set, they keep it in a folder of
    their own (PYTHONPYCACHEPREFIX), the source tree untouched."""
    if os.environ.get("PYTHONDONTWRITEBYTECODE") is None or os.environ.get("PYTHONPYCACHEPREFIX"):
        return
    import tempfile

    # This user's own folder: bytecode another user could write there would be run.
    uid = os.getuid() if hasattr(os, "getuid") else None
    owner = "user" if uid is None else uid
    folder = os.path.join(tempfile.gettempdir(), f"hcc-bench-pycache-{owner}")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    if uid is not None and os.stat(folder).st_uid != uid:
        return  # someone else's: compiled afresh, as before
    del os.environ["PYTHONDONTWRITEBYTECODE"]
    os.environ["PYTHONPYCACHEPREFIX"] = folder


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _cached_bytecode()
    p = argparse.ArgumentParser(prog="python -m benchmarks")
    p.add_argument("names", nargs="*", metavar="NAME", help=f"one of: {', '.join(NAMES)}")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = p.parse_args(argv)
    unknown = [n for n in args.names if n not in NAMES]
    if unknown:
        p.error(f"unknown benchmark {unknown[0]!r}; known: {', '.join(NAMES)}")
    results: dict = {"machine": machine()}
    for name in args.names or NAMES:
        module = importlib.import_module(f"benchmarks.{name}")
        if not args.json:
            print(f"== {name}", flush=True)
        results[name] = module.run(quick=args.quick)
        if not args.json:
            for key, value in results[name].items():
                if key == "reading" and isinstance(value, list):  # sentences, one a line
                    print("  reading:\n" + "\n".join(f"    - {line}" for line in value))
                    continue
                print(f"  {key:<36} {value}")
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        print("machine: " + ", ".join(f"{k}={v}" for k, v in results["machine"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
