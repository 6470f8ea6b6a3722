"""``python -m bench [section ...]``: run the benchmarks and print their figures."""

from __future__ import annotations

import importlib
import logging
import platform
import sys

from bench import Report

SECTIONS = ("intake", "coordination", "reporting", "lag")


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING)
    chosen = argv or [s for s in SECTIONS]
    print(f"bangnin benchmarks on {platform.python_implementation()} {platform.python_version()}, "
          f"{platform.machine()}, sections: {', '.join(chosen)}")
    report = Report()
    for name in chosen:
        importlib.import_module(f"bench.{name}").run(report)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
