"""What a case page offers an account (which forms), and a form's values as typed."""

from __future__ import annotations

from typing import Any

from shared.contracts.coordination import ITEM_ACTION_LABELS
from services.coordination.items import TRANSITIONS
from services.web.session import Session

SERVICE_POINT_ROLES = ("window_agent", "park_agent")
SERVICE_POINT_OF_ROLE = {"window_agent": "district", "park_agent": "park"}
FIELDS_OF_ACTION = {  # which of the action's fields each item action takes (ItemActionCreate)
    "request_correction": ("missing_materials", "note"), "accept_with_deficiency": ("missing_materials", "until", "note"),
    "approve": ("result_number", "note"),
}
TERMINATION_REASONS = {"conditions_not_met": "项目或事项不具备办理条件", "falsified_materials": "申报材料弄虚作假",
                       "unlawful": "其他违法违规情况", "applicant_request": "申请人申请终止", "other": "其他"}


class Values(dict):
    """The form as typed: ``v(name)`` the first value, ``has(name, value)`` for checkboxes."""

    @classmethod
    def of(cls, fields: list[tuple[str, str]]) -> "Values":
        values = cls()
        for k, v in fields:
            values.setdefault(k, []).append(v)
        return values

    def v(self, name: str, default: str = "") -> str:
        return (self.get(name) or [default])[0]

    def has(self, name: str, value: Any) -> bool:
        return str(value) in self.get(name, [])


def item_actions(status: str) -> list[tuple[str, str]]:
    return [(a, ITEM_ACTION_LABELS[a]) for a, (allowed, _) in TRANSITIONS.items() if status in allowed]


def case_actions(session: Session, context: dict) -> dict:
    """What this account may do on this case's page (the API decides; this only chooses the forms shown)."""
    case, role = context["case"], session.role
    status = case["status"]
    at_point = role in SERVICE_POINT_ROLES and case.get("service_point") == SERVICE_POINT_OF_ROLE[role]
    own_case = at_point and (case.get("case_agent") or {}).get("username") == session.username
    covering = at_point and any(c["active"] and c["deputy"]["username"] == session.username
                                for c in (context.get("coordination") or {}).get("covers", []))
    agent = own_case or covering  # the case agent, or a deputy in their cover period (代岗)
    items = {}
    for item in case["items"]:
        own = role == "department_agent" and session.department == item["department"]
        if status == "in_progress" and (agent or own):
            items[item["item_no"]] = item_actions(item["status"])
    concluded = status in ("completed", "terminated")
    proposal = case.get("closure_proposal") or {}
    waiting = status == "awaiting_confirmation"
    numbers = [i["item_no"] for i in case["items"]] or list(case.get("requested_items") or [])
    if role == "department_agent":
        own = [i["item_no"] for i in case["items"] if i["department"] == session.department]
        upload = own or None
    else:
        may = (role == "applicant" or at_point) and status not in ("rejected", "withdrawn")
        upload = numbers if may else None
    return {
        "upload": upload,  # the items an upload may name (None: no upload form)
        "sign": role == "applicant" and status == "submitted",
        "withdraw": role == "applicant" and status == "submitted",
        "decide": at_point and status == "submitted",
        "manage": agent and status == "in_progress",
        "cover": own_case and status == "in_progress",  # only the case agent arranges their cover
        # 更正申请表: the applicant or the case's service point, while the application stands
        "amend": (role == "applicant" or at_point) and status not in ("rejected", "withdrawn", "completed", "terminated"),
        "items": items,
        "rate": role == "applicant" and concluded,
        # 经双方认可: the other side assents — the applicant online, the agent online (the applicant proposed)
        # or recording the applicant's signed paper form
        "confirm": waiting and ((role == "applicant" and proposal.get("side") == "agent")
                                or (agent and proposal.get("side") == "applicant")),
        "record_paper": waiting and agent and proposal.get("side") == "agent",
        "end_delegation": role == "applicant" and status == "in_progress",  # 自愿委托
        "all_concluded": all(i["status"] in ("approved", "concluded_with_deficiency", "refused", "withdrawn")
                             for i in case["items"]),
    }
