"""The ``bangnin`` console script."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
import sys


def settings_from(args: argparse.Namespace):  # noqa: ANN201
    from shared.settings import Settings

    overrides = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    return Settings(**overrides)


def open_runtime(args: argparse.Namespace):  # noqa: ANN201
    """The runtime of the data folder the arguments name (every service; built, not started)."""
    from services.runtime import build_runtime

    return build_runtime(settings_from(args))


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from services.app import create_app
    from services.runtime import build_runtime

    os.umask(0o077)  # whatever the server writes (stores, their -wal, reports) is private to its user
    settings = settings_from(args)
    services = [args.service] if getattr(args, "service", None) else None
    app = create_app(settings, runtime=build_runtime(settings, services=services))
    uvicorn.run(app, host=args.host, port=args.port, log_level=os.environ.get("BANGNIN_LOG_LEVEL", "info"),
                server_header=False)  # no "server: uvicorn": what runs here is nobody else's business
    return 0


def build_parser() -> argparse.ArgumentParser:
    from services.system import NAMES
    from shared.version import VERSION

    parser = argparse.ArgumentParser(prog="bangnin", description="蒙速办·帮您办 投资项目代办帮办案件系统")
    parser.add_argument("--version", action="version", version=f"bangnin {VERSION}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="serve the embedded default (all four services, SQLite, in-process bus), "
                       "or one SERVICE as its own process (with BANGNIN_RUNTIME=distributed)")
    p.add_argument("service", nargs="?", choices=NAMES, help=f"one service only: {', '.join(NAMES)}")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--data-dir", help="data folder (created if missing, reused if present); default ./data")
    p.set_defaults(func=serve)
    from services.reporting.cli import add_commands as add_reporting_commands
    add_reporting_commands(sub, open_runtime)
    from services.record_cli import add_commands as add_record_commands
    add_record_commands(sub)
    from services.accounts_cli import add_commands as add_accounts_commands
    add_accounts_commands(sub)
    from services.clients_cli import add_commands as add_clients_commands
    add_clients_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
