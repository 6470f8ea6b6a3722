"""``bangnin clients add|list|revoke``: machine clients for departments' own systems (shared.auth.clients)."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone
import sys


def clients_command(args: argparse.Namespace) -> int:
    from services.record_cli import _settings
    from shared.auth.clients import ClientError, create_client
    from shared.auth.store import open_account_store

    store = open_account_store(_settings(args))
    try:
        if args.action == "add":
            now = datetime.now(timezone.utc).isoformat(timespec="seconds")
            client, secret = create_client(store, args.name, args.department, args.scopes, now)
            print(f"client_id: {client.client_id}")
            print(f"client_secret: {secret}")
            print(f"已为 {client.department} 创建客户端“{client.name}”，授权范围 {' '.join(client.scopes)}；"
                  "密钥仅此一次显示，请妥善交给对方系统。", file=sys.stderr)
        elif args.action == "list":
            for c in store.clients():
                state = "已吊销" if c.revoked else "有效"
                print(f"{c.client_id}\t{c.department}\t{' '.join(c.scopes)}\t{c.name}\t{c.created_at}\t{state}")
        elif args.action == "revoke":
            if not store.revoke_client(args.client_id):
                raise ClientError(f"client_id: 没有客户端 {args.client_id}")
            print(f"{args.client_id} 已吊销（已发的令牌即时失效）")
    except ClientError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0


def add_commands(sub) -> None:  # noqa: ANN001
    from shared.auth.clients import SCOPES

    clients = sub.add_parser("clients", help="machine clients (OAuth2 client credentials): add, list, revoke")
    actions = clients.add_subparsers(dest="action", required=True)

    def common(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--data-dir", help="data folder (embedded); default ./data")
        p.add_argument("--runtime", choices=("embedded", "distributed"), help="distributed: the clients in PostgreSQL")
        p.set_defaults(func=clients_command)
        return p

    p = common(actions.add_parser("add", help="create a client; prints its client_id and client_secret once"))
    p.add_argument("name", help="the system's name, e.g. 区自然资源局审批系统")
    p.add_argument("--department", required=True, help="the department code it acts for")
    p.add_argument("--scopes", nargs="+", required=True, choices=sorted(SCOPES), help="what it may do")
    common(actions.add_parser("list", help="every client, with department, scopes and state"))
    common(actions.add_parser("revoke", help="revoke a client: its tokens stop at once")).add_argument("client_id")
