"""The case as people read it: items with their clocks, plan against actual, the case clock."""

from __future__ import annotations

import datetime as dt

from shared.contracts import Role
from shared.contracts.coordination import CASE_STATUS_LABELS
from shared.masking import mask_free_text, mask_value
from shared.read_models import ItemProgressPart, OpenedItemPart, from_payload
from shared.reference import load_catalog
from services.coordination import crosslevel, items as sm
from services.coordination.clocks import case_clock, d, warning_date
from services.coordination.domain import Case
from services.coordination.plan import plan_vs_actual
from services.coordination.schemas import CaseOpenedPart

SEES_CONTACTS = {Role.window_agent, Role.park_agent, Role.applicant}


def item_view(case: Case, no: int, calendar, today: dt.date, warning_workdays: int) -> dict:  # noqa: ANN001
    catalog = load_catalog()
    i = case.items[no]
    dept = catalog.department(i["department"])
    end = d(i["concluded_on"]) if i["concluded_on"] else today
    due = case.due(no, calendar, end)
    due_s = due.due_date.isoformat() if due else None
    running = i["status"] in sm.CLOCK_RUNNING
    return {
        **from_payload(OpenedItemPart, i), **from_payload(ItemProgressPart, i),  # as opened, as last changed
        "department": {"code": dept.code, "name": dept.name},
        "assignee": i["assignees"][0] if i["assignees"] else None,
        "holder": "、".join(p["name"] for p in i["assignees"]) or f"{dept.name}（部门兜底）",
        "status": i["status"], "status_label": sm.STATUS_LABELS[i["status"]],
        "filed_on": i["filed_on"], "concluded_on": i["concluded_on"],
        # the clock as of today (or the day it concluded), not as of the last change
        "due_date": due_s, "due_date_estimated": bool(due and due.estimated),
        "paused": i["status"] in sm.PAUSED and bool(i["accepted_on"]),
        "paused_workdays": due.paused_workdays if due else 0, "pauses": i["pauses"],
        "until": i["until"], "deficiency": i["deficiency"],
        "deficiency_overdue": bool(i["deficiency"] and i["deficiency"]["until"] < today.isoformat()),
        "deficiency_overdue_flags": list(i["deficiency_overdue_for"]),
        "waiting_for_cross_level": crosslevel.waiting_for(case, no),
        "commitment": commitment_view(i["commitment"], today), "result": i["result"],
        "warnings": list(i["warned_for"]),
        "due_soon": bool(due and running and warning_date(calendar, due.due_date, warning_workdays) <= today <= due.due_date),
        "overdue": bool(due and ((running and today > due.due_date) or (i["concluded_on"] and end > due.due_date))),
        "overdue_flags": list(i["overdue_for"]),
        "acceptance_overdue": bool(i["status"] == sm.RECEIVED and i["acceptance_due"] and today.isoformat() > i["acceptance_due"]),
        "deemed_accepted": i["deemed_accepted"], "notice_breaches": i["notice_breaches"],
        "history": i["history"],
    }


def commitment_view(commitment: dict | None, today: dt.date) -> dict | None:
    if commitment is None:
        return None
    return {k: commitment[k] for k in ("verify_by", "result", "verified_on", "note")} | {
        "overdue": commitment["result"] is None and today.isoformat() > commitment["verify_by"],
        "overdue_flags": list(commitment["overdue_for"])}


def case_view(case: Case, calendar, today: dt.date, warning_workdays: int, role: Role) -> dict:  # noqa: ANN001
    catalog = load_catalog()
    items = [item_view(case, n, calendar, today, warning_workdays) for n in sorted(case.items)]
    end = d(case.closure["on"]) if case.closure else today
    actual = {v["item_no"]: {**v, "today": today.isoformat()} for v in items}
    cross = [dict(r) for r in case.cross_level.values()]
    if role not in SEES_CONTACTS:
        cross = mask_value(cross)
    view = {
        **from_payload(CaseOpenedPart, vars(case)),  # as opened
        "status": case.status, "status_label": CASE_STATUS_LABELS[case.status],
        "service_point_name": catalog.service_point(case.service_point).name, "agent_history": case.agent_history,
        "delegation_agrees": case.delegation_agrees,
        "delegated_agent": case.delegated_agent,
        "covers": [{**c, "active": c["from_date"] <= today.isoformat() <= c["to_date"]} for c in case.covers],
        "plan": {**case.plan, "rows": plan_vs_actual(case.plan, actual)} if case.plan else
                {"version": 0, "steps": [], "rows": plan_vs_actual(None, actual)},
        "plan_versions": case.plans,
        "items": items,
        "assignee_gaps": [v["item_no"] for v in items if v["assignee_gap"]],
        "unfinished_items": case.unfinished(),
        "clock": case_clock(calendar, case.opened_on, items, end),
        "notifications": case.notifications, "joint_reviews": case.joint_reviews,
        "combined_services": case.combined_services, "cross_level_requests": cross,
        "closure": case.closure, "closure_proposal": case.proposal,
    }
    return view if role in SEES_CONTACTS else mask_free_text(view)  # phones people wrote into notes
