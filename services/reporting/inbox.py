"""An account's to-do list (``GET /inbox``, served by the notifications service): a pure function over the case
views it may read.

What waits for whom (each entry names the case, the project, what to do, the due date and a link):

* service-point agent: applications at its point to accept (or reject, send back); cases of its own whose
  items are all concluded (办结 to record); its cases waiting for a closure's other side (经双方认可);
  its cases' items near due or overdue;
* department agent: its department's running items (收件 to accept, 补正 to follow, 办结 to give);
* applicant: applications still missing the 授权委托书 or 承诺书; items waiting for its 补正 (what, by when);
  a 办结单 or 终止单 the agent signed, to confirm; concluded cases it has not rated yet;
* supervisor: 差评 not yet closed;
* an agent of a department (department agents, the service points' agents for theirs): last month's
  submission (工作进展情况, 经验做法, 典型案例) from the 1st of the month after it until it is made
  (``submission_todos``: not a case's).

The messages beside them (deadline warnings, overdue flags, results …) are the notifications service's own
(``services/notifications``): made once per event and recipient, read or unread.
"""

from __future__ import annotations

from datetime import date

from shared.auth import Principal
from shared.contracts import Role
from shared.contracts.supervision import submission_schedule
from services.reporting.caseview import CLOSED_ITEM, CONCLUDED_CASE

RUNNING = {"received", "accepted", "correction", "accepted_with_deficiency", "special_procedure"}
_DEPARTMENT_TODO = {
    "received": "受理或一次性告知补正", "accepted": "审查并办结", "correction": "等待补正材料",
    "accepted_with_deficiency": "容缺受理：跟进所缺材料并办结", "special_procedure": "特别程序中：结束后继续办理",
}


def _project(view: dict) -> str | None:
    return (view.get("project") or {}).get("name")


def _entry(view: dict, kind: str, what: str, at: str | None, due: str | None = None,
           item: dict | None = None) -> dict:
    return {"kind": kind, "what": what, "case_id": view["case_id"], "project": _project(view),
            "applicant": (view.get("applicant") or {}).get("name"),
            "item_no": item["item_no"] if item else None, "item_name": item["name"] if item else None,
            "due_date": due, "workdays_left": item.get("workdays_left") if item else None,
            "overdue": bool(item and item.get("overdue")), "near_due": bool(item and item.get("near_due")),
            "at": at, "link": f"/cases/{view['case_id']}"}


def _own_case(principal: Principal, view: dict) -> bool:
    return (view.get("case_agent") or {}).get("username") == principal.account.username


def todos(principal: Principal, views: list[dict]) -> list[dict]:
    role, found = principal.role, []
    for view in views:
        status, items = view["status"], view["items"]
        if role in (Role.window_agent, Role.park_agent):
            if status == "submitted":
                missing = [m for m, signed in (("授权委托书", view.get("delegation")), ("承诺书", view.get("commitment")))
                           if not signed]
                what = "受理申请" if not missing else f"待受理申请（尚缺{'、'.join(missing)}）"
                found.append(_entry(view, "application_to_accept", what, view.get("submitted_at")))
            elif status == "awaiting_confirmation" and _own_case(principal, view):
                proposal = view.get("closure_proposal") or {}
                what = ("申请人申请终止代办帮办：确认终止" if proposal.get("side") == "applicant"
                        else "待申请人确认" + ("办结单" if proposal.get("kind") == "completion" else "终止单")
                        + "（可录入申请人签字的纸质单据）")
                found.append(_entry(view, "closure_to_confirm", what, proposal.get("proposed_on")))
            elif status == "in_progress" and _own_case(principal, view):
                if items and all(i["status"] in CLOSED_ITEM for i in items):
                    found.append(_entry(view, "case_to_complete", "全部事项已办结：办理办结手续（办结单）",
                                        max((i["concluded_on"] or "" for i in items), default=None)))
                for item in items:
                    if item["status"] == "pending":
                        found.append(_entry(view, "item_to_file", "代为申报（收件）", view.get("opened_on"), item=item))
                    elif item.get("overdue") or item.get("near_due"):
                        found.append(_entry(view, "item_due", "事项已超期：督办" if item["overdue"] else "事项临期：督办",
                                            item.get("accepted_on"), item["due_date"], item))
        elif role == Role.department_agent:
            if status != "in_progress":
                continue
            for item in items:
                if item["department"] == principal.account.department and item["status"] in RUNNING:
                    found.append(_entry(view, "item_to_handle", _DEPARTMENT_TODO[item["status"]],
                                        item.get("accepted_on") or view.get("opened_on"), item["due_date"], item))
        elif role == Role.applicant:
            if status == "submitted":
                for label, signed in (("签署授权委托书", view.get("delegation")), ("签署承诺书", view.get("commitment"))):
                    if not signed:
                        found.append(_entry(view, "form_to_sign", label, view.get("submitted_at")))
            elif status == "in_progress":
                for item in items:
                    if item["status"] == "correction":
                        what = "补正材料：" + ("、".join(item["missing_materials"]) or "见补正告知")
                        found.append(_entry(view, "correction_to_supply", what, item.get("accepted_on"), None, item))
                    elif item["status"] == "accepted_with_deficiency" and item["missing_materials"]:
                        found.append(_entry(view, "deficiency_to_supply", "补齐容缺材料：" + "、".join(item["missing_materials"]),
                                            item.get("accepted_on"), item.get("until"), item))
            elif status == "awaiting_confirmation" and (view.get("closure_proposal") or {}).get("side") == "agent":
                proposal = view["closure_proposal"]
                what = "确认办结（办结单，资料已移交）" if proposal["kind"] == "completion" else "确认终止代办帮办（终止单）"
                found.append(_entry(view, "closure_to_confirm", what, proposal.get("proposed_on")))
            elif status in CONCLUDED_CASE and not view.get("ratings"):
                found.append(_entry(view, "rating_to_give", "评价本次代办帮办服务", view.get("concluded_on")))
        elif role == Role.supervisor:
            for r in view.get("rectifications", []):
                if r.get("finished_on") is None:
                    found.append(_entry(view, "rectification", "差评整改：" + (r.get("state_label") or r.get("state") or ""),
                                        r.get("opened_on"), r.get("due_date")))
    found.sort(key=lambda t: t["at"] or "", reverse=True)
    return found


def last_month(today: date) -> str:
    """The month whose submissions are due this month (YYYY-MM)."""
    return f"{today.year - 1}-12" if today.month == 1 else f"{today.year:04d}-{today.month - 1:02d}"


def submission_todos(principal: Principal, submitted: set[str], today: date, link: str) -> list[dict]:
    """The account's department's submission for last month, while it is not made (``submitted``: the
    departments that made theirs); overdue after the due date (the 15th)."""
    department = principal.account.department
    if principal.role not in (Role.department_agent, Role.window_agent, Role.park_agent) or not department:
        return []
    if department in submitted:
        return []
    month = last_month(today)
    ready, due_by = submission_schedule(*map(int, month.split("-")))
    year, mon = month.split("-")
    return [{"kind": "report_to_submit", "what": f"报送{int(year)}年{int(mon)}月工作进展情况、经验做法和典型案例",
             "case_id": None, "project": None, "applicant": None, "item_no": None, "item_name": None,
             "due_date": due_by.isoformat(), "workdays_left": None, "overdue": today > due_by, "near_due": False,
             "at": ready.isoformat(), "link": link}]
