"""The case as people read it: items with their clocks, plan against actual, the case clock."""

from __future__ import annotations

import datetime as dt

from shared.contracts import Role
from shared.masking import mask_value
from shared.reference import load_catalog
from services.coordination import items as sm
from services.coordination.clocks import case_clock, d, warning_date
from services.coordination.domain import CASE_STATUS_LABELS, Case
from services.coordination.plan import plan_vs_actual

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
        "item_no": no, "name": i["name"], "department": {"code": dept.code, "name": dept.name}, "stage": i["stage"],
        "promised_days": i["promised_days"], "statutory_days": i["statutory_days"],
        "assignee": i["assignees"][0] if i["assignees"] else None, "assignees": i["assignees"],
        "holder": "、".join(p["name"] for p in i["assignees"]) or f"{dept.name}（部门兜底）",
        "assignee_gap": i["assignee_gap"], "assignee_gap_reason": i["assignee_gap_reason"],
        "status": i["status"], "status_label": sm.STATUS_LABELS[i["status"]],
        "filed_on": i["filed_on"], "accepted_on": i["accepted_on"], "concluded_on": i["concluded_on"],
        "due_date": due_s, "due_date_estimated": bool(due and due.estimated),
        "paused": i["status"] in sm.PAUSED and bool(i["accepted_on"]),
        "paused_workdays": due.paused_workdays if due else 0, "pauses": i["pauses"],
        "missing_materials": i["missing_materials"], "until": i["until"], "deficiency": i["deficiency"],
        "deficiency_overdue": bool(i["deficiency"] and i["deficiency"]["until"] < today.isoformat()),
        "warnings": list(i["warned_for"]),
        "due_soon": bool(due and running and warning_date(calendar, due.due_date, warning_workdays) <= today <= due.due_date),
        "overdue": bool(due and ((running and today > due.due_date) or (i["concluded_on"] and end > due.due_date))),
        "overdue_flags": list(i["overdue_for"]),
        "history": i["history"],
    }


def case_view(case: Case, calendar, today: dt.date, warning_workdays: int, role: Role) -> dict:  # noqa: ANN001
    catalog = load_catalog()
    items = [item_view(case, n, calendar, today, warning_workdays) for n in sorted(case.items)]
    end = d(case.closure["on"]) if case.closure else today
    actual = {v["item_no"]: {**v, "today": today.isoformat()} for v in items}
    cross = [dict(r) for r in case.cross_level.values()]
    if role not in SEES_CONTACTS:
        cross = mask_value(cross)
    return {
        "case_id": case.case_id, "status": case.status, "status_label": CASE_STATUS_LABELS[case.status],
        "service_point": case.service_point, "service_point_name": catalog.service_point(case.service_point).name,
        "case_agent": case.case_agent, "agent_history": case.agent_history, "applicant": case.applicant,
        "project": case.project, "unit_name": case.unit_name, "channel": case.channel, "opened_on": case.opened_on,
        "delegation_no": case.delegation_no,
        "plan": {**case.plan, "rows": plan_vs_actual(case.plan, actual)} if case.plan else
                {"version": 0, "steps": [], "rows": plan_vs_actual(None, actual)},
        "plan_versions": case.plans,
        "items": items,
        "assignee_gaps": [v["item_no"] for v in items if v["assignee_gap"]],
        "unfinished_items": case.unfinished(),
        "clock": case_clock(calendar, case.opened_on, items, end),
        "notifications": case.notifications, "joint_reviews": case.joint_reviews,
        "combined_services": case.combined_services, "cross_level_requests": cross,
        "closure": case.closure,
    }
