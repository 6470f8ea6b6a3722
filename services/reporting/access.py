"""Who may read what on the read side, and how a stored view is shown to them."""

from __future__ import annotations

from datetime import date

from shared.auth import Principal
from shared.contracts import Role
from shared.errors import Forbidden
from shared.masking import SEES_PERSONAL_DATA, mask_value
from services.reporting.figures import Basis, item_near_due, item_past_due

EVERYTHING = (Role.supervisor, Role.admin)
FIGURE_READERS = (Role.supervisor, Role.admin, Role.department_agent, Role.window_agent, Role.park_agent)
CASE_READERS = (*FIGURE_READERS, Role.applicant)


def may_see(principal: Principal, case: dict) -> bool:
    """Supervisors and admin: every case; department agents: cases with an item of their department;
    service-point agents: their service point's cases; applicants: their own enterprise's cases."""
    account = principal.account
    if principal.role in EVERYTHING:
        return True
    if principal.role == Role.department_agent:
        return account.department in case.get("departments", [])
    if principal.role in (Role.window_agent, Role.park_agent):
        return case.get("service_point") == account.service_point
    if principal.role == Role.applicant:
        return account.enterprise is not None and case.get("enterprise") == account.enterprise.credit_code
    return False


def figure_scope(principal: Principal, cases: list[dict], department: str | None) -> tuple[list[dict], str | None]:
    """The cases figures may count for this reader, and the department they are limited to."""
    if principal.role == Role.department_agent:
        own = principal.account.department
        if department and department != own:
            raise Forbidden("部门代办帮办人员只能查看本部门的统计")
        department = own
    return [c for c in cases if may_see(principal, c)], department


def show(principal: Principal, case: dict, ref: date, basis: Basis) -> dict:
    """The stored view as this reader sees it: items flagged near/past due at ``ref``, personal data masked."""
    view = {k: v for k, v in case.items() if k != "last_key"}
    view["items"] = [{**i, "overdue": item_past_due(case, i, ref), "near_due": item_near_due(case, i, ref, basis)}
                     for i in case["items"]]
    view["overdue_items"] = sum(i["overdue"] for i in view["items"])
    owner = principal.role == Role.applicant
    return view if owner or principal.role in SEES_PERSONAL_DATA else mask_value(view)


def summary(view: dict) -> dict:
    """One row of the case list."""
    ratings = [r for r in view["ratings"] if not r["follow_up"]]
    return {
        "case_id": view["case_id"], "status": view["status"], "status_label": view["status_label"],
        "channel": view["channel"], "service_point": view["service_point"],
        "applicant": (view["applicant"] or {}).get("name"), "project": (view["project"] or {}).get("name"),
        "case_agent": view["case_agent"], "departments": view["departments"], "submitted_at": view["submitted_at"],
        "opened_on": view["opened_on"], "concluded_on": view["concluded_on"], "items": len(view["items"]),
        "items_concluded": sum(i["concluded_on"] is not None for i in view["items"]),
        "overdue_items": view["overdue_items"], "rating": ratings[0]["level"] if ratings else None,
        "open_rectifications": sum(r["finished_on"] is None for r in view["rectifications"]),
    }
