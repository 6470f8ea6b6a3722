"""How evaluation reacts to coordination's events, and to intake's ending an application (a pure decision).

* ``coordination.CaseOpened``: register the case (whose it is, which service point and agent), so
  that a rating before conclusion is a 409 for its applicant and a 404 for anyone else's.
* ``coordination.CaseCompleted`` / ``coordination.CaseTerminated``: invite the applicant to rate,
  once per case — a duplicated delivery (same position) is skipped by the tracking record, and a
  repeated or later conclusion event (another position) finds the case already invited.
* ``intake.ApplicationRejected`` / ``intake.ApplicationWithdrawn``: the application ended before a case
  opened; it is registered and its applicant invited to rate the service given (服务事项全覆盖).

:func:`policy` takes the upstream event and what the application looked up for it (:class:`Seen`)
and returns the aggregates whose new events are to be recorded (none when nothing changes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from eventsourcing.domain import Aggregate

from shared.application import CommandContext, event_meta
from shared.clock import CHINA
from shared.contracts import IntegrationEvent
from services.evaluation.domain import CaseEvaluation

CONCLUSIONS = {"coordination.CaseCompleted": ("completed", "completed_on"),
               "coordination.CaseTerminated": ("terminated", "terminated_on")}
# An application that ends before a case opens: the service given is rated too (国办发〔2019〕51号, 服务事项全覆盖)
ENDED_APPLICATIONS = {"intake.ApplicationRejected": "rejected", "intake.ApplicationWithdrawn": "withdrawn"}
CONSUMES = frozenset({"coordination.CaseOpened", *CONCLUSIONS, *ENDED_APPLICATIONS})


@dataclass(frozen=True)
class Seen:
    """What the application looked up for one upstream event."""

    case: CaseEvaluation | None  # the case's evaluation, if registered already
    now: datetime  # the service clock's time


def _agent(payload: dict) -> dict:
    agent = payload.get("case_agent") or {}
    return {"username": agent.get("username", ""), "name": agent.get("name"), "department": agent.get("department")}


def _project(payload: dict) -> dict:
    project = payload.get("project") or {}
    return {"name": project.get("name", ""), "code": project.get("code")}


def _applicant(payload: dict) -> dict:
    applicant = payload.get("applicant") or {}
    return {"name": applicant.get("name", ""), "credit_code": applicant.get("credit_code")}


def ended_application(event: IntegrationEvent, seen: Seen, meta: dict) -> list[Aggregate]:
    """A rejected or withdrawn application: registered and its applicant invited, once; the agent who decided
    (for a withdrawal, nobody: the service point) is the one whose service is rated."""
    p = event.payload
    if p.get("applicant") is None or seen.case is not None:
        return []  # an event from before these carried whom they concern, or invited already
    agent = {"username": event.actor.username, "name": None, "department": None} \
        if event.type == "intake.ApplicationRejected" else {"username": "", "name": None, "department": None}
    case = CaseEvaluation.register(case_id=event.case_id, applicant=_applicant(p), service_point=p["service_point"],
                                   case_agent=agent, project=_project(p), meta=meta)
    case.invite(ENDED_APPLICATIONS[event.type], event.occurred_at.astimezone(CHINA).date().isoformat(), _applicant(p),
                p["service_point"], agent, _project(p), [], meta)
    return [case]


def policy(event: IntegrationEvent, seen: Seen) -> list[Aggregate]:
    if event.type not in CONSUMES:
        return []
    p = event.payload
    meta = event_meta(CommandContext.system(reason=f"{event.type} #{event.position}"), event.case_id, seen.now)
    if event.type in ENDED_APPLICATIONS:
        return ended_application(event, seen, meta)
    case, new = seen.case, seen.case is None
    if new:
        case = CaseEvaluation.register(case_id=p["case_id"], applicant=_applicant(p), service_point=p["service_point"],
                              case_agent=_agent(p), project=_project(p), meta=meta)
    invited = False
    if event.type in CONCLUSIONS:
        outcome, date_field = CONCLUSIONS[event.type]
        items = [{"item_no": int(i["item_no"]), "department": i["department"]} for i in p.get("items") or []]
        invited = case.invite(outcome, p[date_field], _applicant(p), p["service_point"], _agent(p), _project(p),
                              items, meta)
    return [case] if new or invited else []
