"""Coordination's reaction to intake: ``intake.ApplicationAccepted`` opens the case, exactly once; a
``intake.DelegationSigned`` after that (a 委托书 signed again) is followed by the open case.

A pure decision: :func:`policy` takes the upstream event and what the application looked up for it
(:class:`Seen`: the case if it already exists, the catalog, the agent register in force, the time)
and returns the aggregates whose new events are to be recorded — nothing when there is nothing to do.

Exactly once twice over: the tracking record (same transaction) skips a redelivered event, and a
case that already exists (e.g. the same acceptance republished at another position) is not opened
again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from eventsourcing.domain import Aggregate

from shared.application import CommandContext, event_meta
from shared.clock import CHINA
from shared.contracts import IntegrationEvent
from shared.reference import Catalog
from services.coordination.domain import Case

CONSUMES = frozenset({"intake.ApplicationAccepted", "intake.DelegationSigned", "intake.ApplicationAmended"})
PROJECT_FIELDS = ("name", "code", "is_key_project", "in_industrial_park", "total_investment")


def project_summary(project: dict) -> dict:
    """The project as the case keeps it (coordination.ProjectSummary) from the application's."""
    return {k: project.get(k) for k in PROJECT_FIELDS}
GAP_REASON = "附件11未明确该事项的代办帮办人员，由承办部门（{dept}）兜底办理，服务点代办帮办员跟进"


@dataclass(frozen=True)
class Seen:
    """What the application looked up for one upstream event (plain values; no store behind them)."""

    case: Case | None  # the case the event is about, if it is open already
    catalog: Catalog
    register: dict[int, list[dict]]  # item_no -> the agents registered for it today (附件11 + 登记报备)
    now: datetime  # the service clock's time


def opened_items(numbers: list[int], seen: Seen) -> list[dict]:
    """The delegated items as the case holds them, each with the people registered for it (附件11, 登记报备)."""
    items, catalog = [], seen.catalog
    for no in numbers:
        item = catalog.item(no)
        people = seen.register.get(no, [])
        dept = catalog.department(item.department)
        items.append({
            "item_no": no, "name": item.name, "department": item.department, "stage": item.stage,
            "promised_days": item.promised_days, "statutory_days": item.statutory_days, "assignees": people,
            "assignee_gap": not people, "assignee_gap_reason": None if people else GAP_REASON.format(dept=dept.name),
        })
    return items


def policy(event: IntegrationEvent, seen: Seen) -> list[Aggregate]:
    ctx = CommandContext(actor=event.actor, on_behalf_of=event.on_behalf_of, channel=event.channel)
    if event.type == "intake.DelegationSigned":  # signed again after acceptance: the open case follows it
        p, case = event.payload, seen.case
        if case is None:
            return []  # before acceptance: the case opens with the 委托书 in force then
        added = opened_items([n for n in p["items"] if n not in case.items], seen)
        followed = case.follow_delegation(p["delegation_no"], p["agent"]["name"], added,
                                          event_meta(ctx, event.case_id, seen.now))
        return [case] if followed else []
    if event.type == "intake.ApplicationAmended":  # the 申请表 corrected: the open case's project follows
        case = seen.case
        if case is None:
            return []  # not accepted yet: the case will open with the corrected project
        amended = case.amend_project(project_summary(event.payload["project"]), event.payload["amendment_no"],
                                     event_meta(ctx, event.case_id, seen.now))
        return [case] if amended else []
    if event.type != "intake.ApplicationAccepted" or seen.case is not None:
        return []
    p = event.payload
    items = opened_items(p["items"], seen)
    project, unit = p["project"], p["unit"]
    return [Case.open(
        case_id=p["case_id"], service_point=p["service_point"],
        case_agent={k: p["case_agent"].get(k) for k in ("username", "name", "department")},
        applicant={"name": p["applicant"]["name"], "credit_code": p["applicant"].get("credit_code")},
        project=project_summary(project),
        unit_name=unit["name"], channel=p["channel"], items=items, opened_on=seen.now.astimezone(CHINA).date().isoformat(),
        delegation_no=p.get("delegation_no"), meta=event_meta(ctx, p["case_id"], seen.now),
    )]
