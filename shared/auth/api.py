"""``POST /auth/token`` and ``GET /auth/me``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from pydantic import BaseModel, Field

from shared.auth.accounts import AccountDirectory
from shared.auth.clients import authenticate as authenticate_client
from shared.auth.dependencies import Principal, current_principal
from shared.auth.security_log import LoginRecord, SecurityLog, masked_attempt
from shared.auth.throttle import LoginThrottle
from shared.auth.tokens import issue_client_token, issue_token
from shared.contracts import Role
from shared.errors import Invalid


@dataclass
class AuthConfig:
    accounts: AccountDirectory
    secret: str
    token_minutes: int
    throttle: LoginThrottle
    security_log: SecurityLog


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    role: str
    must_change_password: bool = Field(default=False, description="true：须先以 POST /auth/password 修改密码，其他接口均答 403")
    scope: str | None = Field(default=None, description="客户端凭据模式：令牌的授权范围（空格分隔）")


class EnterpriseRead(BaseModel):
    name: str
    credit_code: str


class MeRead(BaseModel):
    username: str
    name: str
    role: str
    department: str | None = None
    service_point: str | None = None
    enterprise: EnterpriseRead | None = None


router = APIRouter(prefix="/auth", tags=["auth"])


class TokenForm:
    """The token request (``application/x-www-form-urlencoded``): OAuth2 ``password`` for people,
    ``client_credentials`` for a department's system (``client_id``, ``client_secret``, optional ``scope``)."""

    def __init__(self, grant_type: Annotated[str | None, Form(description="password（默认）或 client_credentials")] = None,
                 username: Annotated[str, Form(max_length=200)] = "", password: Annotated[str, Form(max_length=1000)] = "",
                 client_id: Annotated[str, Form(max_length=200)] = "",
                 client_secret: Annotated[str, Form(max_length=1000)] = "",
                 scope: Annotated[str, Form(max_length=200)] = "") -> None:
        self.grant_type = grant_type or "password"
        self.username, self.password = username, password
        self.client_id, self.client_secret, self.scope = client_id, client_secret, scope


def _missing(field: str, why: str) -> Invalid:
    return Invalid(why, field=field, location="body", code="missing")


@router.post("/token", response_model=TokenRead, summary="登录，获取访问令牌（OAuth2 密码模式；部门系统用客户端凭据模式）")
def token(request: Request, form: TokenForm = Depends()) -> TokenRead:
    """Too many failures for the account or from the client's address: 429 with ``Retry-After``,
    before the password is checked. Every attempt goes into the security log."""
    auth: AuthConfig = request.app.state.auth
    client = request.client.host if request.client else "unknown"
    if form.grant_type not in ("password", "client_credentials"):
        raise Invalid("只支持 password 或 client_credentials", field="grant_type", location="body", code="value_error")
    machine = form.grant_type == "client_credentials"
    username = form.client_id if machine else form.username
    secret = form.client_secret if machine else form.password
    if not username:
        raise _missing("client_id" if machine else "username", "必填")
    if not secret:
        raise _missing("client_secret" if machine else "password", "必填")

    def log(outcome: str, reason: str | None = None) -> None:
        known = (auth.accounts.get_client(username) if machine else auth.accounts.get(username)) is not None
        auth.security_log.record(LoginRecord(
            at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            username=username if known else masked_attempt(username), known_account=known,
            outcome=outcome, reason=reason, client=client))

    refusal = auth.throttle.check(username, client)
    if refusal is not None:
        log("throttled", refusal.key.split(":", 1)[0])
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS,
                            f"登录失败次数过多，请 {refusal.retry_after} 秒后再试",
                            headers={"Retry-After": str(refusal.retry_after)})
    if machine:
        return _client_token(auth, form, username, secret, client, log)
    account = auth.accounts.authenticate(username, secret)
    if account is None:
        auth.throttle.failed(username, client)
        log("failure", "用户名或密码错误")
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "用户名或密码错误", headers={"WWW-Authenticate": "Bearer"})
    auth.throttle.succeeded(username, client)
    log("success")
    access, expires = issue_token(account.username, auth.secret, auth.token_minutes, version=account.version,
                                  must_change_password=account.must_change_password)
    return TokenRead(access_token=access, expires_in=expires, role=account.role.value,
                     must_change_password=account.must_change_password)


def _client_token(auth: AuthConfig, form: TokenForm, client_id: str, secret: str, address: str, log) -> TokenRead:  # noqa: ANN001
    machine = authenticate_client(auth.accounts.get_client(client_id), secret)
    if machine is None:
        auth.throttle.failed(client_id, address)
        log("failure", "客户端编号或密钥错误")
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "客户端编号或密钥错误（invalid_client）",
                            headers={"WWW-Authenticate": "Bearer"})
    asked = tuple(form.scope.split()) if form.scope else machine.scopes
    beyond = [s for s in asked if s not in machine.scopes]
    if beyond:
        log("failure", f"scope {beyond[0]} 未授权")
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"scope: {beyond[0]} 不在该客户端的授权范围内（invalid_scope）")
    auth.throttle.succeeded(client_id, address)
    log("success")
    access, expires = issue_client_token(machine.client_id, asked, auth.secret, auth.token_minutes)
    return TokenRead(access_token=access, expires_in=expires, role=Role.department_agent.value, scope=" ".join(asked))


@router.get("/me", response_model=MeRead, summary="当前账号")
def me(principal: Principal = Depends(current_principal)) -> MeRead:
    a = principal.account
    return MeRead(
        username=a.username, name=a.name, role=a.role.value, department=a.department,
        service_point=a.service_point,
        enterprise=EnterpriseRead(name=a.enterprise.name, credit_code=a.enterprise.credit_code) if a.enterprise else None,
    )
