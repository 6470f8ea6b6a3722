"""Coordination's reaction to intake: ``intake.ApplicationAccepted`` opens the case, exactly once.

Exactly once twice over: the tracking record (same transaction) skips a redelivered event, and a
case that already exists (e.g. the same acceptance republished at another position) is not opened
again.
"""

from __future__ import annotations

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent

from shared.application import CommandContext
from shared.clock import today
from shared.contracts import IntegrationEvent
from shared.reference import load_catalog
from services.coordination.domain import Case
from services.coordination.register import effective_assignees

GAP_REASON = "附件11未明确该事项的代办帮办人员，由承办部门（{dept}）兜底办理，服务点代办帮办员跟进"


def policy(app, event: IntegrationEvent, processing: ProcessingEvent) -> None:  # noqa: ANN001
    if event.type != "intake.ApplicationAccepted":
        return
    p = event.payload
    try:
        app.repository.get(Case.create_id(p["case_id"]))
        return
    except AggregateNotFoundError:
        pass
    catalog = load_catalog()
    on = today(app.clock).isoformat()
    app.index.refresh(app)
    register = effective_assignees(catalog, app.index.register_changes, on)
    items = []
    for no in p["items"]:
        item = catalog.item(no)
        people = register.get(no, [])
        dept = catalog.department(item.department)
        items.append({
            "item_no": no, "name": item.name, "department": item.department, "stage": item.stage,
            "promised_days": item.promised_days, "statutory_days": item.statutory_days, "assignees": people,
            "assignee_gap": not people, "assignee_gap_reason": None if people else GAP_REASON.format(dept=dept.name),
        })
    project, unit = p["project"], p["unit"]
    ctx = CommandContext(actor=event.actor, on_behalf_of=event.on_behalf_of, channel=event.channel)
    case = Case(
        case_id=p["case_id"], service_point=p["service_point"],
        case_agent={k: p["case_agent"].get(k) for k in ("username", "name", "department")},
        applicant={"name": p["applicant"]["name"], "credit_code": p["applicant"].get("credit_code")},
        project={k: project.get(k) for k in ("name", "code", "is_key_project", "in_industrial_park", "total_investment")},
        unit_name=unit["name"], channel=p["channel"], items=items, opened_on=on,
        delegation_no=p.get("delegation_no"), meta=app.meta(ctx, p["case_id"]),
    )
    processing.collect_events(case)
