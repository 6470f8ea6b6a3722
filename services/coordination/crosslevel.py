"""Cross-level requests (跨层级审批事项服务协办单, 附件7) (pure): the form's fields taken from the case,
the request id, and the rules for recording the answer."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, uuid5

from shared.errors import Conflict, Invalid, NotFound
from shared.idempotency import check_same_body, fingerprint
from shared.reference import Catalog
from services.coordination import items as sm

if TYPE_CHECKING:
    from services.coordination.domain import Case

REGION = "海南区（150303）"
CROSS_LEVEL_WORKDAYS = 10  # 协办单的答复时限（工作日）：种子未规定，取10个工作日，可在此调整


def check_request(case: Case, items: list[int], upper_items: list[dict], waiting_items: list[int]) -> None:
    """Something to assist with (the case's items, or upper-level items the district catalog lacks); the
    items that wait for the answer are the case's, not yet filed."""
    if not items and not upper_items:
        raise Invalid("至少填写一项协办事项：本案件的委托事项（items）或上级部门事项（upper_items）", field="items")
    case.check_items(items)
    case.check_items(waiting_items, field="waiting_items")
    filed = [n for n in waiting_items if case.items[n]["status"] != sm.PENDING]
    if filed:
        raise Invalid(f"事项{filed}已申报，不能再等待协办结果", field="waiting_items")


def same_request(case: Case, items: list[int], upper_items: list[dict], reason: str, requested_unit: str) -> str | None:
    """Natural key (without an Idempotency-Key): the id of the same request made before, if any."""
    for rid, r in case.cross_level.items():
        if (r["items"], r.get("upper_items") or [], r["reason"], r["requested_unit"]) == (items, upper_items, reason, requested_unit):
            return rid
    return None


def check_retry(request: dict, *, items: list[int], upper_items: list[dict], reason: str, required_documents: list[str],
                requested_unit: str, project_contact: dict, agent_phone: str | None, remark: str | None) -> None:
    """A retry with the same Idempotency-Key must ask for what the first request asked (else 422)."""
    recorded = (request["items"], request.get("upper_items") or [], request["reason"], request["required_documents"],
                request["requested_unit"], request["project_contact"], request["helper"]["phone"], request["remark"])
    given = (items, upper_items, reason, required_documents, requested_unit, project_contact, agent_phone, remark)
    check_same_body(fingerprint({"request": list(recorded)}), fingerprint({"request": list(given)}))


def new_request_id(case: Case, idempotency_key: str | None) -> str:
    if idempotency_key:
        return f"XL{uuid5(NAMESPACE_URL, f'{case.case_id}:{idempotency_key}').hex[:10].upper()}"
    return f"XL{len(case.cross_level) + 1:03d}-{case.case_id}"


def request_fields(case: Case, catalog: Catalog, calendar, on: dt.date, *, items: list[int], reason: str,  # noqa: ANN001
                   required_documents: list[str], requested_unit: str, project_contact: dict,
                   agent_phone: str | None, remark: str | None, upper_items: list[dict] | None = None,
                   waiting_items: list[int] | None = None) -> dict:
    """Every 附件7 field: what the agent gave, the rest from the case, due in CROSS_LEVEL_WORKDAYS."""
    due = calendar.add_workdays(on, CROSS_LEVEL_WORKDAYS)
    point = catalog.service_point(case.service_point)
    agent_name = case.case_agent.get("name") or case.case_agent["username"]
    return {
        "project_name": case.project["name"], "region": REGION,
        "helper": {"name": agent_name, "phone": agent_phone},
        "requested_on": on.isoformat(), "project_contact": project_contact, "items": items,
        "item_names": [catalog.item(n).name for n in items] + [f"{u['name']}（{u['department']}）" for u in upper_items or []],
        "reason": reason, "upper_items": upper_items or None, "waiting_items": waiting_items or None,
        "required_documents": required_documents, "requested_unit": requested_unit,
        "local_center": f"{point.name}（{agent_name}）",
        "remark": remark, "due_date": due.date.isoformat(), "due_date_estimated": due.estimated,
    }


def waiting_for(case: Case, item_no: int) -> list[str]:
    """The unanswered requests whose answer ``item_no`` waits for before it can be filed."""
    return [rid for rid, r in case.cross_level.items() if r["answer"] is None and item_no in (r.get("waiting_items") or [])]


def needs_answer(request: dict | None, request_id: str, result: str, assisted_by: dict) -> bool:
    """Whether an answer is to be recorded: False for a retry of the answer given; NotFound for an
    unknown request, Conflict for a different second answer."""
    if request is None:
        raise NotFound(f"协办单 {request_id} 不存在")
    if request["answer"] is not None:
        if (request["answer"]["result"], request["answer"]["assisted_by"]) == (result, assisted_by):
            return False
        raise Conflict("该协办单已反馈协办结果，不能重复反馈", code="already_answered")
    return True
