"""Request and response bodies of the integration API (webhook subscriptions and their deliveries)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts import PUBLISHERS
from shared.types import Code, Note


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SubscriptionCreate(_Body):
    url: str = Field(min_length=1, max_length=2000, description="推送地址（主机须在 BANGNIN_WEBHOOK_ALLOWED_HOSTS 之内）")
    events: list[Code] = Field(min_length=1, max_length=200, description="事件类型（如 coordination.ItemStateChanged），* 表示全部")
    case_filter: str | None = Field(default=None, min_length=1, max_length=200,
                                    description="只推送这些案件的事件：案件编号，可含通配符 *（如 BN-2026-*）")


class SubscriptionRead(BaseModel):
    subscription_id: str = Field(description="订阅编号")
    url: str
    events: list[str]
    case_filter: str | None
    active: bool = Field(description="是否启用（停用后不再推送）")
    created_at: str
    created_by: str
    disabled_at: str | None
    deliveries: dict[str, int] = Field(description="各状态的投递数：pending 待投递、delivered 已投递、dead 死信")


class SubscriptionCreated(SubscriptionRead):
    secret: str = Field(description="签名密钥：只在此时显示一次；X-Bangnin-Signature = sha256=HMAC-SHA256(密钥, 请求体)")


class AttemptRead(BaseModel):
    attempt: int = Field(description="第几次尝试（从 1 起）")
    at: str = Field(description="尝试时间（UTC）")
    status_code: int | None = Field(description="对方的 HTTP 状态码（未连上、超时为 null）")
    error: str | None = Field(description="失败原因")
    outcome: Literal["delivered", "pending", "dead"] = Field(description="delivered 已投递，pending 将重试，dead 转入死信")
    next_attempt_at: str | None = Field(description="下次重试时间（UTC）")
    duration_ms: int


class RedeliveryRead(BaseModel):
    at: str
    by: str
    reason: str | None
    after_attempt: int = Field(description="在第几次尝试之后重新投递")


class DeliveryRead(BaseModel):
    delivery_id: str
    subscription_id: str
    event_id: str = Field(description="事件编号（X-Bangnin-Event-Id）")
    event_type: str
    case_id: str
    service: str = Field(description="发布事件的服务（事件流）")
    position: int = Field(description="事件在该服务事件流中的位置")
    status: Literal["pending", "delivered", "dead"]
    next_attempt_at: str | None
    created_at: str
    attempts: list[AttemptRead]
    redeliveries: list[RedeliveryRead]


class RedeliveryCreate(_Body):
    reason: Note | None = Field(default=None, description="重新投递的原因")


class ReplayCreate(_Body):
    service: Literal[PUBLISHERS] = Field(description="事件流（发布服务）")  # type: ignore[valid-type]
    from_position: int = Field(ge=1, description="从该位置（含）起重新推送本订阅收到过的事件")
    reason: Note | None = Field(default=None)


class ReplayRead(BaseModel):
    subscription_id: str
    deliveries: list[str] = Field(description="重新排队的投递")
