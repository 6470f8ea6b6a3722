"""HTTP API of notifications (API.md "Reaching people"): ``GET /inbox``, ``POST /inbox/{message_id}/read``,
``GET /notifications/sms``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request

from shared.auth import Principal, require_roles
from shared.contracts import Role
from shared.masking import mask_text
from shared.validation import mask_phone
from services.notifications.application import NotificationService
from services.notifications.rules import KIND_LABELS, addresses, submission_link
from services.notifications.schemas import InboxMessageRead, InboxRead, SmsListRead
from services.reporting.access import CASE_READERS, may_see, show
from services.reporting.inbox import last_month, submission_todos, todos

router = APIRouter(tags=["inbox"])
sms_router = APIRouter(prefix="/notifications", tags=["notifications"])
MessageId = Path(min_length=1, max_length=64, description="消息编号")


def notifications(request: Request) -> NotificationService:
    return request.app.state.services.notifications


def addresses_of(principal: Principal) -> set[str]:
    a = principal.account
    return addresses(a.username, principal.role.value, a.department, a.service_point,
                     a.enterprise.credit_code if a.enterprise else None)


def shown(message: dict) -> dict:
    return {**message, "kind_label": KIND_LABELS.get(message["kind"], message["kind"])}


@router.get("/inbox", response_model=InboxRead,
            summary="我的待办与消息：等我处理的事（受理申请、办理事项、补正、签署、评价、差评整改），各注明案件、项目、截止日期与链接；"
                    "以及发给我的消息（新申请、收件、补正通知、临期提醒、超期督办、协办单、待确认、评价邀请、差评整改、办理结果），已读未读")
def get_inbox(request: Request, principal: Principal = Depends(require_roles(*CASE_READERS))) -> dict:
    service = notifications(request)
    # reporting's read side: the process's own reporting where it runs here (embedded), else its read store
    reporting = getattr(request.app.state.services, "reporting", None) or service.reader()
    basis = reporting.basis()
    views = [show(principal, case, basis.today, basis) for case in reporting.cases()
             if case.get("status") and may_see(principal, case)]
    messages = [shown(m) for m in service.messages_for(addresses_of(principal), principal.account.username)]
    month = last_month(basis.today)
    waiting = submission_todos(principal, set(reporting.submissions(month)), basis.today, submission_link(month))
    found = sorted([*todos(principal, views), *waiting], key=lambda t: t["at"] or "", reverse=True)
    return {"today": basis.today.isoformat(), "todos": found, "messages": messages,
            "unread": sum(not m["read"] for m in messages)}


@router.post("/inbox/{message_id}/read", response_model=InboxMessageRead,
             summary="标记一条消息为已读（仅本账号的消息；他人的消息为 404）")
def read_message(request: Request, message_id: str = MessageId,
                 principal: Principal = Depends(require_roles(*CASE_READERS))) -> dict:
    return shown(notifications(request).mark_read(principal.context(), addresses_of(principal), message_id))


@sms_router.get("/sms", response_model=SmsListRead,
                summary="短信：接收号码（遮蔽）、内容、状态（待发送、已发送、发送失败）、最早发送时刻、发送时刻与每次尝试")
def list_sms(request: Request, principal: Principal = Depends(require_roles(Role.admin))) -> dict:
    items = [{**s, "recipient": mask_phone(s["phone"]), "text": mask_text(s["text"])} for s in notifications(request).text_messages()]
    return {"items": items}
