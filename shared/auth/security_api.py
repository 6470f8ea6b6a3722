"""``GET /auth/security-log``: the admin reads the security log (login attempts), newest first."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from shared.auth.dependencies import require_roles
from shared.auth.security_log import OUTCOME_LABELS
from shared.contracts import Role

router = APIRouter(prefix="/auth", tags=["auth"])


class LoginRecordRead(BaseModel):
    at: str = Field(description="时刻（ISO 8601，UTC）")
    username: str = Field(description="账号；不是账号的用户名只记前两个字符与长度")
    known_account: bool = Field(description="用户名是否为现有账号")
    outcome: Literal["success", "failure", "throttled"] = Field(description="success 成功, failure 失败, throttled 尝试过多被拒绝")
    outcome_label: str = Field(description="结果（中文）")
    reason: str | None = Field(description="失败原因；被拒绝时为 account（该账号失败过多）或 client（该地址失败过多）")
    client: str = Field(description="客户端地址")


class SecurityLogRead(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[LoginRecordRead]


@router.get("/security-log", response_model=SecurityLogRead, summary="安全日志：登录记录（成功、失败、被限制），最新在前（系统管理员）")
def security_log(request: Request,
                 username: str | None = Query(default=None, max_length=100, description="只看该账号"),
                 outcome: Literal["success", "failure", "throttled"] | None = Query(default=None, description="只看该结果"),
                 limit: int = Query(default=100, ge=1, le=1000), offset: int = Query(default=0, ge=0),
                 _=Depends(require_roles(Role.admin))) -> dict:
    total, rows = request.app.state.auth.security_log.page(limit=limit, offset=offset, username=username,
                                                            outcome=outcome)
    return {"total": total, "limit": limit, "offset": offset, "items": [
        {**vars(r), "outcome_label": OUTCOME_LABELS[r.outcome]} for r in rows]}
