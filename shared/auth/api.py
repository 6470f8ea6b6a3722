"""``POST /auth/token`` and ``GET /auth/me``."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from shared.auth.accounts import AccountDirectory
from shared.auth.dependencies import Principal, current_principal
from shared.auth.tokens import issue_token


@dataclass
class AuthConfig:
    accounts: AccountDirectory
    secret: str
    token_minutes: int


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    role: str


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


@router.post("/token", response_model=TokenRead, summary="登录，获取访问令牌（OAuth2 密码模式）")
def token(request: Request, form: OAuth2PasswordRequestForm = Depends()) -> TokenRead:
    auth: AuthConfig = request.app.state.auth
    account = auth.accounts.authenticate(form.username, form.password)
    if account is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "用户名或密码错误", headers={"WWW-Authenticate": "Bearer"})
    access, expires = issue_token(account.username, auth.secret, auth.token_minutes)
    return TokenRead(access_token=access, expires_in=expires, role=account.role.value)


@router.get("/me", response_model=MeRead, summary="当前账号")
def me(principal: Principal = Depends(current_principal)) -> MeRead:
    a = principal.account
    return MeRead(
        username=a.username, name=a.name, role=a.role.value, department=a.department,
        service_point=a.service_point,
        enterprise=EnterpriseRead(name=a.enterprise.name, credit_code=a.enterprise.credit_code) if a.enterprise else None,
    )
