"""``bangnin verify``, ``bangnin backup`` and ``bangnin restore``: the record's console commands."""

from __future__ import annotations

import argparse
from pathlib import Path
import sys


def _settings(args: argparse.Namespace):  # noqa: ANN202
    from shared.settings import Settings

    overrides: dict = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    if getattr(args, "runtime", None):
        overrides["runtime"] = args.runtime
    return Settings(**overrides)


def verify_command(args: argparse.Namespace) -> int:
    from services.reporting.service import WRITERS
    from shared.record.verify import verify_all

    settings = _settings(args)
    where = settings.data_dir if settings.runtime == "embedded" else "PostgreSQL"
    results = verify_all(settings, WRITERS)
    for r in results:
        if r.intact:
            head = f"链头 位置 {r.head[0]} {r.head[1]}" if r.head else "尚无事件"
            print(f"{r.service}：完好（事件 {r.events} 条，{head}）")
        else:
            print(f"{r.service}：哈希链断裂：位置 {r.broken.position}：{r.broken.reason}", file=sys.stderr)
    broken = [r.service for r in results if not r.intact]
    if broken:
        print(f"校验失败（{where}）：{'、'.join(broken)}", file=sys.stderr)
        return 1
    print(f"校验通过（{where}）：各服务的事件日志完整，未被改动")
    return 0


def backup_command(args: argparse.Namespace) -> int:
    from services.backup import BackupError, backup

    settings = _settings(args)
    try:
        manifest = backup(settings.data_dir, Path(args.to), include_keys=args.include_keys,
                          keys_dir=settings.resolved_keys_dir)
    except BackupError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    stores = "、".join(manifest["stores"])
    print(f"已备份 {settings.data_dir} 至 {Path(args.to).resolve()}（数据库：{stores}）")
    if not args.include_keys:
        print(f"注意：备份不含密钥（{'、'.join(manifest['keys_left_out']) or '无'}），请另行妥善保管；"
              "恢复时用 --keys-from 指定，或以 BANGNIN_CIPHER_KEY / BANGNIN_SECRET_KEY 提供")
    return 0


def restore_command(args: argparse.Namespace) -> int:
    from services.backup import BackupError, restore

    try:
        restored, missing = restore(Path(args.file), Path(args.data_dir), keys_from=Path(args.keys_from) if args.keys_from else None)
    except BackupError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print(f"已恢复至 {Path(args.data_dir).resolve()}：{'、'.join(restored)}")
    if missing:
        print(f"注意：备份不含密钥 {'、'.join(missing)}：启动前请放回原密钥（或 --keys-from 指定其所在目录），"
              "或以 BANGNIN_CIPHER_KEY / BANGNIN_SECRET_KEY 提供；用新密钥启动将无法读取个人信息", file=sys.stderr)
    return 0


def add_commands(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("verify", help="check every writing service's hash-chained event log end to end; "
                       "exit 0 when intact, 1 naming the service and position where it breaks")
    p.add_argument("--data-dir", help="data folder (embedded); default ./data")
    p.add_argument("--runtime", choices=("embedded", "distributed"),
                   help="distributed: check the PostgreSQL schemas of BANGNIN_POSTGRES_DSN (default: BANGNIN_RUNTIME)")
    p.set_defaults(func=verify_command)

    p = sub.add_parser("backup", help="a consistent copy of an embedded data folder, taken while the server runs")
    p.add_argument("--data-dir", help="data folder; default ./data")
    p.add_argument("--to", required=True, help="the backup file to write (.tar.gz)")
    p.add_argument("--include-keys", action="store_true",
                   help="also put cipher.key and secret.key in the file (then keep the file as secret as the keys)")
    p.set_defaults(func=backup_command)

    p = sub.add_parser("restore", help="make a new data folder from a backup file")
    p.add_argument("file", help="a file written by bangnin backup")
    p.add_argument("--data-dir", required=True, help="the new data folder (must be absent or empty)")
    p.add_argument("--keys-from", help="a folder holding cipher.key and secret.key, when the backup has no keys")
    p.set_defaults(func=restore_command)
