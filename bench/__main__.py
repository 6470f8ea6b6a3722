"""``python -m bench [--smoke] [section ...]``: run the benchmarks and print their figures.

``python -m bench scale --cases N [--json]``: the scale section at a size of your choosing (``bench/scale.py``).

Every chosen section runs even when an earlier one failed; the exit status is 1 when any failed.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import platform
import sys
import time
import traceback

from bench import FULL, SMOKE, Report

SECTIONS = ("intake", "path", "coordination", "reporting", "lag", "scale")


def _load() -> str:
    """The machine's load when the figures were taken (other work on the same cores skews them)."""
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def main(argv: list[str]) -> int:
    if argv[:1] == ["scale"] and any(a.startswith("--cases") for a in argv):
        from bench import scale

        return scale.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("sections", nargs="*", metavar="section", help=f"any of {', '.join(SECTIONS)} (default: all)")
    parser.add_argument("--smoke", action="store_true",
                        help="the same code at tiny sizes, to check that every benchmark still runs (CI)")
    args = parser.parse_args(argv)
    unknown = [s for s in args.sections if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    logging.basicConfig(level=logging.WARNING)
    chosen = args.sections or list(SECTIONS)
    sizes = SMOKE if args.smoke else FULL
    print(f"bangnin benchmarks{' (smoke: tiny sizes, figures mean nothing)' if args.smoke else ''} on "
          f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} cores, load average {_load()}, sections: {', '.join(chosen)}")
    report = Report()
    failed = []
    started = time.perf_counter()
    for name in chosen:
        try:
            importlib.import_module(f"bench.{name}").run(report, sizes)
        except Exception:  # noqa: BLE001 — report it, run the other sections, exit non-zero
            traceback.print_exc()
            failed.append(name)
    print(f"\n{time.perf_counter() - started:.1f} s, load average {_load()}; "
          + (f"FAILED: {', '.join(failed)}" if failed else "all sections ran"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
