"""How evaluation reacts to coordination's events.

* ``coordination.CaseOpened``: register the case (whose it is, which service point and agent), so
  that a rating before conclusion is a 409 for its applicant and a 404 for anyone else's.
* ``coordination.CaseCompleted`` / ``coordination.CaseTerminated``: invite the applicant to rate,
  once per case — a duplicated delivery (same position) is skipped by the tracking record, and a
  repeated or later conclusion event (another position) finds the case already invited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.application import ProcessingEvent

from shared.application import CommandContext
from shared.contracts import IntegrationEvent
from shared.errors import NotFound
from services.evaluation.domain import CaseEvaluation

if TYPE_CHECKING:
    from services.evaluation.application import EvaluationService

CONCLUSIONS = {"coordination.CaseCompleted": ("completed", "completed_on"),
               "coordination.CaseTerminated": ("terminated", "terminated_on")}


def _agent(payload: dict) -> dict:
    agent = payload.get("case_agent") or {}
    return {"username": agent.get("username", ""), "name": agent.get("name"), "department": agent.get("department")}


def _project(payload: dict) -> dict:
    project = payload.get("project") or {}
    return {"name": project.get("name", ""), "code": project.get("code")}


def _applicant(payload: dict) -> dict:
    applicant = payload.get("applicant") or {}
    return {"name": applicant.get("name", ""), "credit_code": applicant.get("credit_code")}


def react(app: "EvaluationService", event: IntegrationEvent, processing: ProcessingEvent) -> None:
    if event.type == "coordination.CaseOpened":
        _register(app, event, processing)
    elif event.type in CONCLUSIONS:
        _invite(app, event, processing)


def _context(event: IntegrationEvent) -> CommandContext:
    return CommandContext.system(reason=f"{event.type} #{event.position}")


def _register(app: "EvaluationService", event: IntegrationEvent, processing: ProcessingEvent) -> CaseEvaluation:
    p = event.payload
    try:
        return app.case(p["case_id"])
    except NotFound:
        case = CaseEvaluation(case_id=p["case_id"], applicant=_applicant(p), service_point=p["service_point"],
                              case_agent=_agent(p), project=_project(p), meta=app.meta(_context(event), p["case_id"]))
        processing.collect_events(case)
        return case


def _invite(app: "EvaluationService", event: IntegrationEvent, processing: ProcessingEvent) -> None:
    p = event.payload
    outcome, date_field = CONCLUSIONS[event.type]
    case = _register(app, event, processing)
    items = [{"item_no": int(i["item_no"]), "department": i["department"]} for i in p.get("items") or []]
    if case.invite(outcome, p[date_field], _applicant(p), p["service_point"], _agent(p), _project(p), items,
                   app.meta(_context(event), p["case_id"])):
        processing.collect_events(case)
