"""The ``bangnin`` console script."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
import sys


def _settings(args: argparse.Namespace):
    from shared.settings import Settings

    overrides = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    return Settings(**overrides)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from services.app import create_app
    from services.runtime import build_runtime

    settings = _settings(args)
    services = [args.service] if getattr(args, "service", None) else None
    app = create_app(settings, runtime=build_runtime(settings, services=services))
    uvicorn.run(app, host=args.host, port=args.port, log_level=os.environ.get("BANGNIN_LOG_LEVEL", "info"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bangnin", description="蒙速办·帮您办 投资项目代办帮办案件系统")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="serve the embedded default (all four services, SQLite, in-process bus), "
                       "or one SERVICE as its own process (with BANGNIN_RUNTIME=distributed)")
    p.add_argument("service", nargs="?", help="one service only: intake, coordination, evaluation or reporting")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--data-dir", help="data folder (created if missing, reused if present); default ./data")
    p.set_defaults(func=serve)
    from services.reporting.cli import add_commands as add_reporting_commands
    add_reporting_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
