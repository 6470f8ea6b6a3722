"""``bangnin rebuild`` and ``bangnin report monthly``: reporting's console commands (for a stopped server).

The ``bangnin`` command (services/cli.py) adds them with :func:`add_commands`, handing over how to open the
runtime of a data folder: this module imports neither the command nor the runtime.
"""

from __future__ import annotations

import argparse
from pathlib import Path
import sys
from typing import Any, Callable

OpenRuntime = Callable[[argparse.Namespace], Any]  # args (with --data-dir) -> a built, not started, runtime


def rebuild_command(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from services.reporting.rebuild import interrupted, log_length, rebuild, writing_applications

    runtime = args.open_runtime(args)
    try:
        if interrupted(runtime.services.reporting) and not args.from_scratch:
            print("上次重建未完成：从中断处继续（--from-scratch 则从头重建）")
        # On stderr: events replayed, events/s and the time left.
        with tqdm(total=log_length(writing_applications(runtime)), desc="重建读模型", unit="事件",
                  unit_scale=True, dynamic_ncols=True) as bar:
            result = rebuild(runtime, progress=bar.update, from_scratch=args.from_scratch)
    except KeyboardInterrupt:
        print("\n重建已中断：再次运行 bangnin rebuild 将从中断处继续", file=sys.stderr)
        return 130
    finally:
        runtime.stop()
    counts = "，".join(f"{service} {n} 条" for service, n in result.events.items())
    print(f"读模型已重建{'（续建）' if result.resumed else ''}：共重放事件 {result.total} 条（{counts}），"
          f"用时 {result.seconds:.2f} 秒")
    return 0


def monthly_command(args: argparse.Namespace) -> int:
    from shared.clock import today
    from services.reporting.periods import Period, parse_month
    from services.reporting.xlsx import monthly_workbook
    from shared.office import OfficeUnavailable, workbook_to_pdf

    try:
        year, month = parse_month(args.month)
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    runtime = args.open_runtime(args)
    try:
        if Period.month(year, month).start > today(runtime.clock):
            print(f"错误：{args.month} 尚未开始，不能生成月报", file=sys.stderr)
            return 2
        runtime.settle()  # publish whatever the stopped server had not relayed yet: the views are current
        report = runtime.services.reporting.monthly(year, month, args.department)
    finally:
        runtime.stop()
    name = f"bangnin-monthly-{args.month}.{args.format}"
    out = Path(args.output) if args.output else runtime.settings.data_dir / "reports" / name
    workbook = monthly_workbook(report)
    if args.format == "pdf":
        try:
            content = workbook_to_pdf(workbook)
        except OfficeUnavailable as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 1
    else:
        content = workbook
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    print(f"{args.month} 月报（{report['status_label']}）已写入：{out.resolve()}")
    return 0


def add_commands(sub, open_runtime: OpenRuntime) -> None:  # noqa: ANN001
    p = sub.add_parser("rebuild", help="drop the read models of a stopped embedded server and replay them from its event "
                                       "stores (an interrupted rebuild resumes where it stopped)")
    p.add_argument("--data-dir", help="data folder of the server; default ./data")
    p.add_argument("--from-scratch", action="store_true", help="start over even when an interrupted rebuild could resume")
    p.set_defaults(func=rebuild_command, open_runtime=open_runtime)

    report = sub.add_parser("report", help="reports").add_subparsers(dest="report", required=True)
    p = report.add_parser("monthly", help="write the monthly report of YYYY-MM as an .xlsx workbook (or a PDF) and print where")
    p.add_argument("month", help="YYYY-MM")
    p.add_argument("--data-dir", help="data folder of the server; default ./data")
    p.add_argument("--format", choices=("xlsx", "pdf"), default="xlsx",
                   help="xlsx (default) or pdf: the workbook printed by LibreOffice headless, to send upward")
    p.add_argument("--output", help="where to write it (default <data-dir>/reports/bangnin-monthly-YYYY-MM.xlsx|pdf)")
    p.add_argument("--department", help="one department code only")
    p.set_defaults(func=monthly_command, open_runtime=open_runtime)
