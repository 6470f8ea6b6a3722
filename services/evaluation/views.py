"""Response bodies built from the aggregates, and who may see what."""

from __future__ import annotations

from shared.auth import Principal
from shared.contracts import Role
from shared.contracts.evaluation import (
    CASE_OUTCOME_LABELS, FORM_LEVEL_LABELS, LEVEL_LABELS, RATING_CHANNEL_LABELS, case_rating,
)
from shared.errors import NotFound
from shared.masking import mask_value
from shared.read_models import from_payload
from shared.reference import load_catalog
from services.evaluation.application import EvaluationService
from services.evaluation.domain import CaseEvaluation, FollowUpDraw
from services.evaluation.levels import coded
from services.evaluation.rectification import ACTIONS, Rectification, rectification_id
from services.evaluation.sampling import draw_sample
from services.evaluation.schemas import (
    CaseEvaluationRead, DrawRead, RatingRead, RectificationRead, RectificationSummary,
)

SEES_PERSONAL_DATA = {Role.window_agent, Role.park_agent}  # the service point makes the follow-up call


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
        ok = account.department in {i["department"] for i in case.items}  # its own items' cases only
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
def rating_rectification(service: EvaluationService, case: CaseEvaluation, rating: dict) -> str | None:
    """The rectification a 差评 is worked in: its own, or — a 追评 while the rater's earlier one was still
    open — that earlier one (one open rectification per rater and case)."""
    if not rating["bad"]:
        return None
    earlier = [r for r in case.ratings_by(rating["rater"]) if r["bad"] and r["rating_no"] <= rating["rating_no"]]
    for r in sorted(earlier, key=lambda r: -r["rating_no"]):
        rid = rectification_id(case.case_id, r["rating_no"])
        if service.find_rectification(rid) is not None:
            return rid
    return None


def rating_body(case: CaseEvaluation, r: dict, rect_id: str | None) -> dict:
    keyed = r["rater"].get("kind") == "recorded_by_agent"
    return {
        "case_id": case.case_id, **from_payload(RatingRead, r), "level_label": LEVEL_LABELS[r["level"]],
        "level_label_form": FORM_LEVEL_LABELS[r["level"]],
        "channel_label": RATING_CHANNEL_LABELS.get(r["channel"]) if r["channel"] else None,
        "rectification_id": rect_id, "keyed_in": keyed, "keyed_in_label": "代录" if keyed else None,
        "case_rating": r["rating_no"] == ((case_rating(case.ratings) or {}).get("rating_no")),
    }


def rating_read(service: EvaluationService, case: CaseEvaluation, rating: dict, principal: Principal) -> RatingRead:
    body = rating_body(case, rating, rating_rectification(service, case, rating))
    return RatingRead(**_mask(body, principal, principal.role == Role.applicant))


def case_read(service: EvaluationService, case: CaseEvaluation, principal: Principal) -> CaseEvaluationRead:
    owner = principal.role == Role.applicant
    rects = []
    for r in case.ratings:
        if r["bad"] and (x := service.find_rectification(rectification_id(case.case_id, r["rating_no"]))):
            rects.append(RectificationSummary(
                rectification_id=x.rectification_id, rating_no=x.rating_no, state=x.state, state_label=x.state_label(),
                overdue=x.overdue is not None, due_date=x.due_date,
                feedback=[{"feedback": f["feedback"], "given_on": f["given_on"]} for f in x.feedback]))
    status = "open" if not case.concluded else ("rated" if case.own_ratings() else "invited")
    return CaseEvaluationRead(
        case_id=case.case_id, status=status,
        status_label={"open": "办理中，暂不可评价", "invited": "待评价", "rated": "已评价"}[status],
        outcome=case.outcome, outcome_label=CASE_OUTCOME_LABELS.get(case.outcome), concluded_on=case.concluded_on,
        invited_at=case.invited_at, can_rate=case.concluded, applicant=case.applicant, project=case.project,
        service_point=case.service_point, case_agent=case.case_agent,
        ratings=[_mask(rating_body(case, r, rating_rectification(service, case, r)), principal, owner) for r in case.ratings],
        rectifications=rects,
    )


def _department(code: str) -> dict:
    try:
        return {"code": code, "name": load_catalog().department(code).name}
    except KeyError:
        return {"code": code, "name": code}


def rectification_read(x: Rectification, principal: Principal) -> RectificationRead:
    allowed = [a for a, (states, *_rest) in ACTIONS.items() if x.state in states]
    body = {
        **from_payload(RectificationRead, vars(x)),  # as opened, then as it stands
        "level_label": LEVEL_LABELS[x.level], "state_label": x.state_label(), "overdue": x.overdue is not None,
        "overdue_since": x.overdue["detected_on"] if x.overdue else None,
        "departments": [_department(d) for d in x.departments], "follow_up_calls": x.calls, "allowed_actions": allowed,
    }
    return RectificationRead(**_mask(body, principal))


def draw_read(draw: FollowUpDraw) -> DrawRead:
    return DrawRead(**from_payload(DrawRead, vars(draw)),  # as drawn, with drawn_by and visits
                    reproducible=draw_sample(draw.inputs, draw.ratio, draw.seed) == draw.sample)


def export_record(service: EvaluationService, case: CaseEvaluation, rating: dict, code_list: str) -> dict:
    body = rating_body(case, rating, rating_rectification(service, case, rating))
    return mask_value({
        **body, **coded(rating["level"], code_list), "service_point": case.service_point,
        "case_agent": case.case_agent, "project": case.project, "applicant": case.applicant,
        "outcome": case.outcome, "concluded_on": case.concluded_on,
        "departments": sorted({i["department"] for i in case.items}),
    })
