"""``bangnin rebuild`` and ``bangnin report monthly``: reporting's console commands (for a stopped server)."""

from __future__ import annotations

import argparse
from pathlib import Path
import sys


def _runtime(args: argparse.Namespace):  # noqa: ANN202
    from services.cli import _settings
    from services.runtime import build_runtime

    return build_runtime(_settings(args))


def rebuild_command(args: argparse.Namespace) -> int:
    from services.reporting.rebuild import rebuild

    runtime = _runtime(args)
    try:
        result = rebuild(runtime)
    finally:
        runtime.stop()
    counts = "，".join(f"{service} {n} 条" for service, n in result.events.items())
    print(f"读模型已重建：共重放事件 {result.total} 条（{counts}），用时 {result.seconds:.2f} 秒")
    return 0


def monthly_command(args: argparse.Namespace) -> int:
    from shared.clock import today
    from services.reporting.periods import Period, parse_month
    from services.reporting.xlsx import monthly_workbook

    try:
        year, month = parse_month(args.month)
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    runtime = _runtime(args)
    try:
        if Period.month(year, month).start > today(runtime.clock):
            print(f"错误：{args.month} 尚未开始，不能生成月报", file=sys.stderr)
            return 2
        runtime.settle()  # publish whatever the stopped server had not relayed yet: the views are current
        report = runtime.services.reporting.monthly(year, month, args.department)
    finally:
        runtime.stop()
    out = Path(args.output) if args.output else runtime.settings.data_dir / "reports" / f"bangnin-monthly-{args.month}.xlsx"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(monthly_workbook(report))
    print(f"{args.month} 月报（{report['status_label']}）已写入：{out.resolve()}")
    return 0


def add_commands(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("rebuild", help="drop the read models of a stopped embedded server and replay them from its event stores")
    p.add_argument("--data-dir", help="data folder of the server; default ./data")
    p.set_defaults(func=rebuild_command)

    report = sub.add_parser("report", help="reports").add_subparsers(dest="report", required=True)
    p = report.add_parser("monthly", help="write the monthly report of YYYY-MM as an .xlsx workbook and print where")
    p.add_argument("month", help="YYYY-MM")
    p.add_argument("--data-dir", help="data folder of the server; default ./data")
    p.add_argument("--output", help="where to write the .xlsx (default <data-dir>/reports/bangnin-monthly-YYYY-MM.xlsx)")
    p.add_argument("--department", help="one department code only")
    p.set_defaults(func=monthly_command)
