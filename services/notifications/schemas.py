"""Responses of the notifications service: the inbox (to-dos and messages) and the text messages."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from services.notifications.rules import KIND_LABELS
from services.reporting.schemas import InboxTodoRead

KINDS = ", ".join(f"{k} {v}" for k, v in KIND_LABELS.items())


class InboxMessageRead(BaseModel):
    message_id: str
    kind: str = Field(description=KINDS)
    kind_label: str = Field(description="消息类别（中文）")
    text: str = Field(description="消息内容（中文，写明项目与期限）")
    read: bool = Field(description="本账号已读")
    at: str = Field(description="消息产生的时刻")
    on: str = Field(description="日期")
    case_id: str
    project: str | None = Field(default=None, description="项目名称")
    item_no: int | None
    item_name: str | None = None
    due_date: str | None = Field(description="期限（有期限时）")
    link: str = Field(description="页面链接")


class InboxRead(BaseModel):
    today: str
    todos: list[InboxTodoRead] = Field(description="待办：最新在前")
    messages: list[InboxMessageRead] = Field(description="消息：最新在前，已读未读")
    unread: int = Field(description="未读消息数")


class SmsAttemptRead(BaseModel):
    at: str = Field(description="发送时刻")
    ok: bool = Field(description="成功")
    error: str | None = Field(description="失败原因")
    gateway_id: str | None = Field(description="网关回执编号")


class SmsRead(BaseModel):
    sms_id: str
    case_id: str
    kind: str = Field(description=KINDS)
    recipient: str = Field(description="接收号码（遮蔽）")
    text: str = Field(description="短信内容")
    template_id: str | None = Field(description="网关模板编号（设置 SMS_TEMPLATES）")
    status: Literal["waiting", "sent", "failed"] = Field(description="waiting 待发送, sent 已发送, failed 发送失败")
    send_after: str = Field(description="最早发送时刻（夜间与非工作日顺延至下一个工作日上午）")
    sent_at: str | None = Field(description="发送时刻")
    created_at: str = Field(description="生成时刻")
    attempts: list[SmsAttemptRead] = Field(description="每一次发送尝试")


class SmsListRead(BaseModel):
    items: list[SmsRead]
