"""``/auth/accounts…`` (admin) and ``POST /auth/password`` (everyone, the only endpoint open before a new password is set)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from shared.auth import manage
from shared.auth.accounts import Account, Enterprise
from shared.auth.dependencies import Principal, current_principal, require_roles
from shared.auth.tokens import issue_token
from shared.contracts import Role
from shared.errors import Conflict, DomainError, Invalid, NotFound

router = APIRouter(prefix="/auth", tags=["auth"])
ADMIN = Depends(require_roles(Role.admin))
Username = Field(min_length=3, max_length=32, pattern=manage.USERNAME_PATTERN, description="用户名：小写字母开头，3–32 位小写字母、数字、_ . -")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EnterpriseBody(Strict):
    name: str = Field(min_length=2, max_length=100, description="企业名称")
    credit_code: str = Field(min_length=18, max_length=18, description="统一社会信用代码（校验位按 GB 32100 检查）")


class AccountCreate(Strict):
    username: str = Username
    name: str = Field(min_length=1, max_length=60, description="姓名或称谓")
    role: Role = Field(description="角色（system 除外）")
    department: str | None = Field(default=None, max_length=20, description="部门代码（部门代理人必填）")
    enterprise: EnterpriseBody | None = Field(default=None, description="企业（申请人必填）")
    password: str | None = Field(default=None, max_length=200, description="初始密码；不给则生成。首次登录须修改")


class RoleChange(Strict):
    role: Role
    department: str | None = Field(default=None, max_length=20)
    enterprise: EnterpriseBody | None = None


class PasswordChange(Strict):
    current_password: str = Field(max_length=200, description="当前（初始）密码")
    new_password: str = Field(max_length=200, description="新密码：至少 10 位，含三类字符，不含用户名，非常见密码")


class AccountRead(BaseModel):
    username: str
    name: str
    role: str
    department: str | None
    service_point: str | None
    enterprise: dict | None
    disabled: bool
    must_change_password: bool
    demo: bool = Field(description="演示账号（不可修改）")


class AccountWithPassword(AccountRead):
    password: str = Field(description="初始（或重置的）密码，仅此一次显示；首次登录须修改")


class PasswordChanged(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    role: str
    must_change_password: bool = False


def account_read(a: Account) -> dict:
    return {"username": a.username, "name": a.name, "role": a.role.value, "department": a.department,
            "service_point": a.service_point, "disabled": a.disabled, "must_change_password": a.must_change_password,
            "enterprise": {"name": a.enterprise.name, "credit_code": a.enterprise.credit_code} if a.enterprise else None,
            "demo": a.demo}


def _enterprise(body: EnterpriseBody | None) -> Enterprise | None:
    return Enterprise(body.name, body.credit_code) if body else None


def _run(call, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
    try:
        return call(*args, **kwargs)
    except manage.AccountError as exc:
        kind: type[DomainError] = {404: NotFound, 409: Conflict}.get(exc.status, Invalid)
        raise kind(exc.message, field=exc.field, location="path" if exc.field == "username" else "body") from None


def _directory(request: Request):  # noqa: ANN202
    return request.app.state.auth.accounts


@router.get("/accounts", response_model=list[AccountRead], summary="账号列表（管理员）")
def list_accounts(request: Request, _: Principal = ADMIN) -> list[dict]:
    return [account_read(a) for a in _directory(request).all()]


@router.post("/accounts", response_model=AccountWithPassword, status_code=201, summary="新建账号（管理员）：返回初始密码，首次登录须修改")
def create_account(body: AccountCreate, request: Request, _: Principal = ADMIN) -> dict:
    account, password = _run(manage.create, _directory(request), username=body.username, name=body.name, role=body.role,
                             department=body.department, enterprise=_enterprise(body.enterprise), password=body.password)
    return {**account_read(account), "password": password}


@router.get("/accounts/{username}", response_model=AccountRead, summary="账号（管理员）")
def get_account(username: str, request: Request, _: Principal = ADMIN) -> dict:
    account = _directory(request).get(username)
    if account is None:
        raise NotFound(f"账号 {username} 不存在", field="username", location="path")
    return account_read(account)


@router.post("/accounts/{username}/disable", response_model=AccountRead, summary="停用账号（管理员）：不能再登录，已发的令牌即时失效")
def disable_account(username: str, request: Request, principal: Principal = ADMIN) -> dict:
    return account_read(_run(manage.set_disabled, _directory(request), username, True, by=principal.account.username))


@router.post("/accounts/{username}/enable", response_model=AccountRead, summary="启用账号（管理员）")
def enable_account(username: str, request: Request, principal: Principal = ADMIN) -> dict:
    return account_read(_run(manage.set_disabled, _directory(request), username, False, by=principal.account.username))


@router.put("/accounts/{username}/role", response_model=AccountRead, summary="变更账号角色（管理员）：已发的令牌失效")
def change_role(username: str, body: RoleChange, request: Request, principal: Principal = ADMIN) -> dict:
    return account_read(_run(manage.change_role, _directory(request), username, body.role, body.department,
                             _enterprise(body.enterprise), by=principal.account.username))


@router.post("/accounts/{username}/password-reset", response_model=AccountWithPassword,
             summary="重置密码（管理员）：返回临时密码，登录后须修改；已发的令牌失效")
def reset_password(username: str, request: Request, _: Principal = ADMIN) -> dict:
    account, password = _run(manage.reset_password, _directory(request), username)
    return {**account_read(account), "password": password}


@router.post("/password", response_model=PasswordChanged, summary="修改自己的密码（初始或重置的密码须先改）：返回新令牌，旧令牌失效")
def change_password(body: PasswordChange, request: Request, principal: Principal = Depends(current_principal)) -> dict:
    auth = request.app.state.auth
    account = _run(manage.change_own_password, auth.accounts, principal.account, body.current_password, body.new_password)
    token, expires = issue_token(account.username, auth.secret, auth.token_minutes, version=account.version)
    return {"access_token": token, "expires_in": expires, "role": account.role.value}
