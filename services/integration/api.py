"""HTTP API of integration (API.md, Other systems): webhook subscriptions (admin) and their delivery log."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request, status

from shared.auth import Principal, require_roles
from shared.contracts import Role
from services.integration.application import IntegrationService, attempts_view
from services.integration.schemas import (
    DeliveryRead, RedeliveryCreate, ReplayCreate, ReplayRead, SubscriptionCreate, SubscriptionCreated, SubscriptionRead,
)

router = APIRouter(prefix="/integration", tags=["integration"])
ADMIN = Depends(require_roles(Role.admin))


def integration(request: Request) -> IntegrationService:
    return request.app.state.services.integration


def _read(service: IntegrationService, subscription_id: str) -> dict:
    service.catch_up(service.index)
    return service.summary(service.index.subscriptions[subscription_id])


@router.post("/subscriptions", status_code=status.HTTP_201_CREATED, response_model=SubscriptionCreated,
             summary="新建推送订阅（webhook）：每个事件以其集成事件 JSON POST 到 url，带签名；密钥只显示这一次")
def subscribe(body: SubscriptionCreate, request: Request, principal: Principal = ADMIN) -> dict:
    service = integration(request)
    s, secret = service.subscribe(principal.context(), url=body.url, events=body.events, case_filter=body.case_filter)
    return {**_read(service, s.subscription_id), "secret": secret}


@router.get("/subscriptions", response_model=list[SubscriptionRead], summary="推送订阅及其投递数")
def subscriptions(request: Request, principal: Principal = ADMIN) -> list[dict]:
    return integration(request).subscriptions()


@router.get("/subscriptions/{subscription_id}", response_model=SubscriptionRead, summary="一个推送订阅")
def subscription(subscription_id: str, request: Request, principal: Principal = ADMIN) -> dict:
    service = integration(request)
    service.subscription(subscription_id)
    return _read(service, subscription_id)


@router.delete("/subscriptions/{subscription_id}", response_model=SubscriptionRead,
               summary="停用推送订阅（不再推送；记录与投递日志保留）")
def disable(subscription_id: str, request: Request, principal: Principal = ADMIN) -> dict:
    service = integration(request)
    service.subscription(subscription_id)
    return service.disable(principal.context(), subscription_id)


@router.get("/subscriptions/{subscription_id}/deliveries", response_model=list[DeliveryRead],
            summary="投递日志：每个事件的每次尝试（HTTP 状态、错误、第几次、下次重试时间）")
def deliveries(subscription_id: str, request: Request, principal: Principal = ADMIN,
               status_: Literal["pending", "delivered", "dead"] | None = Query(default=None, alias="status")) -> list[dict]:
    return [attempts_view(d) for d in integration(request).deliveries(subscription_id, status_)]


@router.post("/subscriptions/{subscription_id}/deliveries/{delivery_id}/redelivery", response_model=DeliveryRead,
             summary="重新投递一个死信（尝试次数接着计）")
def redeliver(subscription_id: str, delivery_id: str, body: RedeliveryCreate, request: Request,
              principal: Principal = ADMIN) -> dict:
    return attempts_view(integration(request).redeliver(principal.context(), subscription_id, delivery_id, body.reason))


@router.post("/subscriptions/{subscription_id}/replay", response_model=ReplayRead,
             summary="从事件流的某一位置起，重新推送本订阅收到过的事件（已投递与死信）")
def replay(subscription_id: str, body: ReplayCreate, request: Request, principal: Principal = ADMIN) -> dict:
    ids = integration(request).replay(principal.context(), subscription_id, body.service, body.from_position, body.reason)
    return {"subscription_id": subscription_id, "deliveries": ids}
