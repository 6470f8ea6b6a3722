"""Response bodies built from the aggregates, and who may see what."""

from __future__ import annotations

from shared.auth import Principal
from shared.contracts import Role
from shared.errors import NotFound
from shared.masking import mask_value
from shared.reference import load_catalog
from services.evaluation.application import EvaluationService
from services.evaluation.domain import OUTCOME_LABELS, CaseEvaluation, FollowUpDraw
from services.evaluation.levels import CHANNEL_LABELS, LEVEL_LABELS, SEED_FORM_LABELS, coded
from services.evaluation.rectification import ACTIONS, Rectification, rectification_id
from services.evaluation.sampling import draw_sample
from services.evaluation.schemas import (
    CaseEvaluationRead, DrawRead, RatingRead, RectificationRead, RectificationSummary,
)

SEES_PERSONAL_DATA = {Role.window_agent, Role.park_agent, Role.department_agent}  # they make the follow-up call


def _mask(data, principal: Principal, owner: bool = False):  # noqa: ANN001, ANN202
    return data if owner or principal.role in SEES_PERSONAL_DATA else mask_value(data)


# -- visibility -------------------------------------------------------------------------
def visible_case(service: EvaluationService, principal: Principal, case_id: str) -> CaseEvaluation:
    """The case if this principal may see it; otherwise it does not exist for them (404)."""
    case = service.case(case_id)
    role, account = principal.role, principal.account
    if role == Role.applicant:
        ok = case.applicant.get("credit_code") == account.enterprise.credit_code
    elif role in (Role.window_agent, Role.park_agent):
        ok = case.service_point == account.service_point
    elif role == Role.department_agent:
        ok = account.department in {i["department"] for i in case.items} or case.case_agent.get("department") == account.department
    else:
        ok = role in (Role.supervisor, Role.admin)
    if not ok:
        raise NotFound(f"案件 {case_id} 不存在")
    return case


def may_see_rectification(principal: Principal, service_point: str, departments: list[str]) -> bool:
    role, account = principal.role, principal.account
    if role in (Role.supervisor, Role.admin):
        return True
    if role in (Role.window_agent, Role.park_agent):
        return service_point == account.service_point
    return role == Role.department_agent and account.department in departments


def visible_rectification(service: EvaluationService, principal: Principal, rect_id: str) -> Rectification:
    rectification = service.rectification(rect_id)
    if not may_see_rectification(principal, rectification.service_point, rectification.departments):
        raise NotFound(f"差评整改 {rect_id} 不存在")
    return rectification


# -- bodies ---------------------------------------------------------------------------
def rating_body(case_id: str, r: dict) -> dict:
    return {
        "case_id": case_id, "rating_no": r["rating_no"], "level": r["level"], "level_label": LEVEL_LABELS[r["level"]],
        "level_label_form": SEED_FORM_LABELS[r["level"]], "channel": r["channel"],
        "channel_label": CHANNEL_LABELS.get(r["channel"]) if r["channel"] else None, "comment": r["comment"],
        "rater": r["rater"], "real_name": r["real_name"], "follow_up": r["follow_up"], "defaulted": r["defaulted"],
        "bad": r["bad"], "rated_on": r["rated_on"], "rated_at": r["rated_at"],
        "rectification_id": rectification_id(case_id, r["rating_no"]) if r["bad"] else None,
    }


def rating_read(case: CaseEvaluation, rating: dict, principal: Principal) -> RatingRead:
    return RatingRead(**_mask(rating_body(case.case_id, rating), principal, principal.role == Role.applicant))


def case_read(service: EvaluationService, case: CaseEvaluation, principal: Principal) -> CaseEvaluationRead:
    owner = principal.role == Role.applicant
    rects = []
    for r in case.ratings:
        if r["bad"]:
            x = service.rectification(rectification_id(case.case_id, r["rating_no"]))
            rects.append(RectificationSummary(
                rectification_id=x.rectification_id, rating_no=x.rating_no, state=x.state, state_label=x.state_label(),
                overdue=x.overdue is not None, due_date=x.due_date,
                feedback=[{"feedback": f["feedback"], "given_on": f["given_on"]} for f in x.feedback]))
    status = "open" if not case.concluded else ("rated" if case.own_ratings() else "invited")
    return CaseEvaluationRead(
        case_id=case.case_id, status=status,
        status_label={"open": "办理中，暂不可评价", "invited": "待评价", "rated": "已评价"}[status],
        outcome=case.outcome, outcome_label=OUTCOME_LABELS.get(case.outcome), concluded_on=case.concluded_on,
        invited_at=case.invited_at, can_rate=case.concluded, applicant=case.applicant, project=case.project,
        service_point=case.service_point, case_agent=case.case_agent,
        ratings=[_mask(rating_body(case.case_id, r), principal, owner) for r in case.ratings], rectifications=rects,
    )


def _department(code: str) -> dict:
    try:
        return {"code": code, "name": load_catalog().department(code).name}
    except KeyError:
        return {"code": code, "name": code}


def rectification_read(x: Rectification, principal: Principal) -> RectificationRead:
    allowed = [a for a, (states, *_rest) in ACTIONS.items() if x.state in states]
    body = dict(
        rectification_id=x.rectification_id, case_id=x.case_id, rating_no=x.rating_no, level=x.level,
        level_label=LEVEL_LABELS[x.level], real_name=x.real_name, state=x.state, state_label=x.state_label(),
        overdue=x.overdue is not None, overdue_since=x.overdue["detected_on"] if x.overdue else None,
        opened_on=x.opened_on, due_date=x.due_date, due_date_estimated=x.due_date_estimated, workdays=x.workdays,
        service_point=x.service_point, departments=[_department(d) for d in x.departments], agent=x.agent,
        items=x.items, follow_up_calls=x.calls, verification=x.verification, review=x.review,
        resolution=x.resolution, feedback=x.feedback, history=x.history, allowed_actions=allowed,
    )
    return RectificationRead(**_mask(body, principal))


def draw_read(draw: FollowUpDraw) -> DrawRead:
    return DrawRead(
        draw_id=draw.draw_id, period_start=draw.period_start, period_end=draw.period_end, ratio=draw.ratio,
        seed=draw.seed, algorithm=draw.algorithm, inputs=draw.inputs, sample=draw.sample, drawn_on=draw.drawn_on,
        drawn_by=draw.drawn_by, reproducible=draw_sample(draw.inputs, draw.ratio, draw.seed) == draw.sample,
        visits=draw.visits,
    )


def export_record(case: CaseEvaluation, rating: dict, code_list: str) -> dict:
    body = rating_body(case.case_id, rating)
    return mask_value({
        **body, **coded(rating["level"], code_list), "service_point": case.service_point,
        "case_agent": case.case_agent, "project": case.project, "applicant": case.applicant,
        "outcome": case.outcome, "concluded_on": case.concluded_on,
        "departments": sorted({i["department"] for i in case.items}),
    })
