"""``bangnin accounts add|list|disable|enable|role|reset-password``: the admin's account commands (on the stored accounts)."""

from __future__ import annotations

import argparse
import getpass
import sys


def _directory(args: argparse.Namespace):  # noqa: ANN202
    from services.record_cli import _settings
    from shared.auth.accounts import AccountDirectory
    from shared.auth.store import open_account_store

    settings = _settings(args)
    return AccountDirectory.build(demo=settings.demo_accounts_enabled, accounts_file=settings.data_dir / "accounts.yaml",
                                  store=open_account_store(settings))


def _enterprise(args: argparse.Namespace):  # noqa: ANN202
    from shared.auth.accounts import Enterprise

    if args.credit_code or args.enterprise_name:
        return Enterprise(args.enterprise_name or "", args.credit_code or "")
    return None


def accounts_command(args: argparse.Namespace) -> int:
    from shared.auth import manage
    from shared.contracts import Role

    directory = _directory(args)
    try:
        if args.action == "list":
            for a in directory.all():
                state = "已停用" if a.disabled else ("待改密" if a.must_change_password else "正常")
                where = a.department or (a.enterprise.credit_code if a.enterprise else "")
                print(f"{a.username}\t{a.role.value}\t{where}\t{a.name}\t{state}{'（演示）' if a.demo else ''}")
        elif args.action == "add":
            password = getpass.getpass("初始密码（回车则生成）：") if args.ask_password else None
            account, initial = manage.create(directory, username=args.username, name=args.name or args.username,
                                             role=Role(args.role), department=args.department,
                                             enterprise=_enterprise(args), password=password or None)
            print(f"已创建 {account.username}（{account.role.value}）；初始密码：{initial}（仅此一次显示，首次登录须修改）")
        elif args.action in ("disable", "enable"):
            account = manage.set_disabled(directory, args.username, args.action == "disable")
            print(f"{account.username} {'已停用（已发的令牌即时失效）' if account.disabled else '已启用'}")
        elif args.action == "role":
            account = manage.change_role(directory, args.username, Role(args.role), args.department, _enterprise(args))
            print(f"{account.username} 的角色已改为 {account.role.value}（已发的令牌失效）")
        elif args.action == "reset-password":
            account, temporary = manage.reset_password(directory, args.username)
            print(f"{account.username} 的临时密码：{temporary}（仅此一次显示，登录后须修改）")
    except manage.AccountError as exc:
        print(f"错误：{exc.field + '：' if exc.field else ''}{exc.message}", file=sys.stderr)
        return 1
    finally:
        if directory.store is not None:
            directory.store.close()
    return 0


def add_commands(sub) -> None:  # noqa: ANN001
    accounts = sub.add_parser("accounts", help="stored accounts: add, list, disable, enable, role, reset-password")
    actions = accounts.add_subparsers(dest="action", required=True)
    roles = [r.value for r in __import__("shared.auth.manage", fromlist=["ROLES"]).ROLES]

    def common(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--data-dir", help="data folder (embedded); default ./data")
        p.add_argument("--runtime", choices=("embedded", "distributed"), help="distributed: the accounts in PostgreSQL")
        p.set_defaults(func=accounts_command)
        return p

    def shape(p: argparse.ArgumentParser) -> None:
        p.add_argument("--department", help="department code (department agents)")
        p.add_argument("--enterprise-name", help="enterprise name (applicants)")
        p.add_argument("--credit-code", help="unified social credit code (applicants)")

    common(actions.add_parser("list", help="every account, with role and state"))
    p = common(actions.add_parser("add", help="create an account; prints its initial password once"))
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=roles)
    p.add_argument("--name", help="the person's name")
    p.add_argument("--ask-password", action="store_true", help="type the initial password instead of generating one")
    shape(p)
    for action in ("disable", "enable", "reset-password"):
        common(actions.add_parser(action, help=f"{action} an account")).add_argument("username")
    p = common(actions.add_parser("role", help="change an account's role"))
    p.add_argument("username")
    p.add_argument("role", choices=roles)
    shape(p)
