"""Account management: the rules the admin API and ``bangnin accounts`` both follow.

Each function takes the directory, changes a stored account (never a demo one) and says in Chinese
what is wrong when it cannot: ``AccountError`` carries the status (404, 409, 422) and the field.
"""

from __future__ import annotations

from shared.auth.accounts import Account, AccountDirectory, Enterprise, hash_password, verify_password
from shared.auth.passwords import generated_password, policy_problems
from shared.contracts import Role
from shared.reference import load_catalog
from shared.validation import validate_credit_code

USERNAME_PATTERN = r"^[a-z][a-z0-9_.-]{2,31}$"
ROLES = tuple(r for r in Role if r is not Role.system)
SERVICE_POINTS = {Role.window_agent: "district", Role.park_agent: "park"}


class AccountError(Exception):
    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def shape(role: Role, department: str | None, enterprise: Enterprise | None) -> dict:
    """The department, service point and enterprise an account of ``role`` has (checked)."""
    if role is Role.system:
        raise AccountError(422, "不能创建系统账号", "role")
    if role in SERVICE_POINTS:
        point = load_catalog().service_point(SERVICE_POINTS[role])
        if department not in (None, *point.departments):
            raise AccountError(422, f"{role.value} 的部门只能是 {'、'.join(point.departments)}", "department")
        return {"department": department or point.department, "service_point": point.code, "enterprise": None}
    if role is Role.department_agent:
        codes = {d.code for d in load_catalog().departments}
        if department not in codes:
            raise AccountError(422, "部门代理人须指定目录中的部门代码", "department")
        return {"department": department, "service_point": None, "enterprise": None}
    if role is Role.applicant:
        if enterprise is None or not enterprise.name.strip():
            raise AccountError(422, "申请人账号须指定企业名称与统一社会信用代码", "enterprise")
        try:
            enterprise = Enterprise(enterprise.name.strip(), validate_credit_code(enterprise.credit_code))
        except ValueError as exc:
            raise AccountError(422, str(exc), "enterprise.credit_code") from None
        return {"department": None, "service_point": None, "enterprise": enterprise}
    if department is not None or enterprise is not None:
        raise AccountError(422, f"{role.value} 账号不带部门或企业", "department" if department else "enterprise")
    return {"department": "zwfw" if role is Role.supervisor else None, "service_point": None, "enterprise": None}


def stored(directory: AccountDirectory, username: str) -> Account:
    if username in directory.builtin:
        raise AccountError(409, "演示账号不可修改（正式部署请关闭演示账号：BANGNIN_DEMO_ACCOUNTS=false）", "username")
    account = directory.store.get(username) if directory.store is not None else None
    if account is None:
        raise AccountError(404, f"账号 {username} 不存在", "username")
    return account


def checked_password(password: str, username: str, field: str = "password") -> str:
    problems = policy_problems(password, username)
    if problems:
        raise AccountError(422, "；".join(problems), field)
    return password


def create(directory: AccountDirectory, *, username: str, name: str, role: Role, department: str | None = None,
           enterprise: Enterprise | None = None, password: str | None = None) -> tuple[Account, str]:
    """A new account and its initial password (generated unless given); it must be changed at first login."""
    if directory.store is None:
        raise AccountError(409, "未配置账号存储")
    if username in directory.builtin:
        raise AccountError(409, f"用户名 {username} 是演示账号", "username")
    initial = checked_password(password, username) if password else generated_password()
    account = Account(username=username, password_hash=hash_password(initial), role=role, name=name,
                      must_change_password=True, **shape(role, department, enterprise))
    if not directory.store.add(account):
        raise AccountError(409, f"用户名 {username} 已被使用", "username")
    return account, initial


def set_disabled(directory: AccountDirectory, username: str, disabled: bool, by: str | None = None) -> Account:
    account = stored(directory, username)
    if disabled and by == username:
        raise AccountError(409, "不能停用自己的账号", "username")
    if account.disabled == disabled:
        return account
    return directory.store.update(account, disabled=disabled)


def change_role(directory: AccountDirectory, username: str, role: Role, department: str | None = None,
                enterprise: Enterprise | None = None, by: str | None = None) -> Account:
    account = stored(directory, username)
    if by == username and role is not Role.admin:
        raise AccountError(409, "不能取消自己的管理员角色", "role")
    return directory.store.update(account, role=role, **shape(role, department, enterprise))


def reset_password(directory: AccountDirectory, username: str) -> tuple[Account, str]:
    """A new generated password, to be changed at next login; the account's tokens stop working."""
    account = stored(directory, username)
    temporary = generated_password()
    return directory.store.update(account, password_hash=hash_password(temporary), must_change_password=True), temporary


def change_own_password(directory: AccountDirectory, account: Account, current: str, new: str) -> Account:
    if account.demo or account.username in directory.builtin:
        raise AccountError(409, "演示账号的密码不可修改", "new_password")
    if not verify_password(current, account.password_hash):
        raise AccountError(422, "当前密码不正确", "current_password")
    problems = policy_problems(new, account.username, previous_hash_matches=verify_password(new, account.password_hash))
    if problems:
        raise AccountError(422, "；".join(problems), "new_password")
    return directory.store.update(account, password_hash=hash_password(new), must_change_password=False)
