"""HTTP API of coordination (API.md § coordination): the case, its items and its closure."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Header, Query, Request, status

from shared.auth import Principal, require_roles, signed_in
from shared.auth.dependencies import SERVICE_POINT_ROLES
from shared.contracts import Role
from shared.errors import Invalid
from shared.types import PathNumber
from services.coordination import access
from services.coordination.application import CoordinationService
from services.coordination.inbound import STATES
from services.coordination.schemas import (
    CaseRead, CaseStatus, CaseSummaryRead, ClosureConfirmationCreate, CommitmentVerificationCreate, CombinedServiceCreate, CombinedServiceCreated, CompletionCreate, CrossLevelCreate,
    CrossLevelRead, CrossLevelResult, InboundStateCreate, InboundStateRead, ItemActionCreate, ItemActionRead, JointReviewCreate, JointReviewCreated,
    CoverCreate, CoverCreated, NotificationCreate, NotificationCreated, PlanPut, ReassignmentCreate, TerminationCreate,
)
from services.coordination.views import case_view, item_view

router = APIRouter(prefix="/coordination", tags=["coordination"])
AGENTS = (*SERVICE_POINT_ROLES, Role.department_agent)
KEY = Header(default=None, alias="Idempotency-Key", max_length=200, description="重试时携带相同的键，不会重复登记")


def coordination(request: Request) -> CoordinationService:
    return request.app.state.services.coordination


def read(service: CoordinationService, case, principal: Principal) -> dict:  # noqa: ANN001
    return case_view(case, service.calendar, service.today(), service.warning_workdays, principal.role)


@router.get("/cases", response_model=list[CaseSummaryRead], summary="我可查看的案件（申请单位：本单位案件；部门：涉及本部门事项的案件）")
def list_cases(request: Request, status_: CaseStatus | None = Query(default=None, alias="status", description="open / completed / terminated"),
               principal: Principal = Depends(signed_in)) -> list[dict]:
    rows = coordination(request).case_summaries()
    return [r for r in rows if access.may_read(principal.actor, r) and status_ in (None, r["status"])]


@router.get("/cases/{case_id}", response_model=CaseRead, summary="案件：状态、代办帮办员、申报计划（计划与实际）、各事项及其时限")
def get_case(case_id: str, request: Request, principal: Principal = Depends(signed_in)) -> dict:
    service = coordination(request)
    case = service.get(case_id)
    access.require_read(principal.actor, case)
    return read(service, case, principal)


@router.post("/cases/{case_id}/reassignment", response_model=CaseRead, summary="变更案件代办帮办员（附理由）")
def reassign(case_id: str, body: ReassignmentCreate, request: Request,
             principal: Principal = Depends(require_roles(*SERVICE_POINT_ROLES, Role.supervisor, Role.admin))) -> dict:
    agent, point = service_point_agent(request, body.username, "新的代办帮办员")
    service = coordination(request)
    return read(service, service.reassign(principal.context(), case_id, agent, point, body.reason), principal)


def service_point_agent(request: Request, username: str, who: str) -> tuple[dict, str | None]:
    """The account named, as a case agent, and its service point: 422 naming ``username`` unless it is an
    enabled window or park agent."""
    account = request.app.state.auth.accounts.get(username)
    if account is None or account.disabled or account.role not in SERVICE_POINT_ROLES:
        raise Invalid(f"{who}须为窗口或园区服务点代办帮办员账号", field="username")
    return {"username": account.username, "name": account.name, "department": account.department}, account.service_point


@router.post("/cases/{case_id}/cover", status_code=status.HTTP_201_CREATED, response_model=CoverCreated,
             summary="安排代岗：案件代办帮办员休假等期间由同一服务点的代办帮办员代为办理（期间内两人均可办理）")
def arrange_cover(case_id: str, body: CoverCreate, request: Request,
                  principal: Principal = Depends(require_roles(*SERVICE_POINT_ROLES, Role.supervisor, Role.admin))) -> dict:
    deputy, point = service_point_agent(request, body.username, "代岗人员")
    _, no = coordination(request).arrange_cover(principal.context(), case_id, deputy, point,
                                                 iso(body.from_date), iso(body.to_date), body.reason)
    return {"case_id": case_id, "cover_no": no}


@router.put("/cases/{case_id}/plan", response_model=CaseRead, summary="编制项目申报计划（每次提交为新版本，旧版本保留）")
def put_plan(case_id: str, body: PlanPut, request: Request,
             principal: Principal = Depends(require_roles(*SERVICE_POINT_ROLES))) -> dict:
    steps = [{**s.model_dump(mode="json")} for s in body.steps]
    service = coordination(request)
    return read(service, service.set_plan(principal.context(), case_id, steps, body.note), principal)


@router.post("/cases/{case_id}/items/{item_no}/actions", response_model=ItemActionRead,
             summary="办理事项（并联办理，各事项独立的状态与时限）")
def item_action(case_id: str, item_no: PathNumber, body: ItemActionCreate, request: Request,
                principal: Principal = Depends(require_roles(*AGENTS))) -> dict:
    service = coordination(request)
    case = service.act(principal.context(), case_id, item_no, body.action, note=body.note,
                       missing_materials=body.missing_materials, until=iso(body.until), verify_by=iso(body.verify_by),
                       result={"number": body.result_number, "material_id": body.result_material_id}
                       if body.result_number or body.result_material_id else None)
    item = item_view(case, item_no, service.calendar, service.today(), service.warning_workdays)
    return {"case_id": case_id, "case_status": case.status, "item": item}


@router.post("/cases/{case_id}/items/{item_no}/states", response_model=InboundStateRead,
             summary="部门审批系统上报事项办理状态（带本部门办件编号；同一上报只登记一次）",
             description="承办部门（通常是其机器客户端）按办理状态代码上报本部门事项的状态，登记为对应的事项操作；"
                         "同一部门、同一办件编号、同一状态与时间再次上报时不重复登记，答复相同并注明 already_recorded。"
                         "代码对照见 README「Other systems」。")
def report_state(case_id: str, item_no: PathNumber, body: InboundStateCreate, request: Request,
                 principal: Principal = Depends(require_roles(Role.department_agent))) -> dict:
    service = coordination(request)
    state = STATES[body.state]
    report = {"external_ref": body.external_ref, "reported_state": body.state,
              "reported_at": body.occurred_at.isoformat() if body.occurred_at else None}
    case, recorded, duplicate = service.report_state(
        principal.context(), case_id, item_no, report, state.action, note=body.note,
        missing_materials=body.missing_materials, until=iso(body.until), verify_by=iso(body.verify_by),
        result={"number": body.result_number, "material_id": None} if body.result_number else None)
    item = item_view(case, item_no, service.calendar, service.today(), service.warning_workdays)
    return {"case_id": case_id, "case_status": case.status, "item": item, "external_ref": body.external_ref,
            "state": state.code, "state_label": state.label, "action": state.action, "recorded": recorded,
            "already_recorded": duplicate}


@router.post("/cases/{case_id}/items/{item_no}/commitment-verification", response_model=ItemActionRead,
             summary="告知承诺制：登记对申请人承诺的核查结果（承办部门或案件代办帮办员；办结后也可登记）")
def commitment_verification(case_id: str, item_no: PathNumber, body: CommitmentVerificationCreate, request: Request,
                            principal: Principal = Depends(require_roles(*AGENTS))) -> dict:
    service = coordination(request)
    case = service.verify_commitment(principal.context(), case_id, item_no, body.result, body.note)
    item = item_view(case, item_no, service.calendar, service.today(), service.warning_workdays)
    return {"case_id": case_id, "case_status": case.status, "item": item}


@router.post("/cases/{case_id}/notifications", status_code=status.HTTP_201_CREATED, response_model=NotificationCreated,
             summary="一次性告知（按事项列出全部申报要求）")
def notify(case_id: str, body: NotificationCreate, request: Request,
           principal: Principal = Depends(require_roles(*SERVICE_POINT_ROLES))) -> dict:
    items = [i.model_dump() for i in body.items]
    _, no = coordination(request).give_notification(principal.context(), case_id, items, body.note)
    return {"case_id": case_id, "notification_no": no}


@router.post("/cases/{case_id}/joint-reviews", status_code=status.HTTP_201_CREATED, response_model=JointReviewCreated,
             summary="会商联审 / 联审联办工作会议（园区项目园区管委会参加）")
def joint_review(case_id: str, body: JointReviewCreate, request: Request,
                 principal: Principal = Depends(require_roles(*SERVICE_POINT_ROLES))) -> dict:
    from shared.reference import load_catalog

    catalog = load_catalog()
    unknown = [c for c in body.departments if c not in {d.code for d in catalog.departments}]
    if unknown:
        raise Invalid(f"部门代码{unknown}不存在", field="departments")
    _, no = coordination(request).joint_review(
        principal.context(), case_id, date=body.date.isoformat(), departments=sorted(set(body.departments)),
        items=sorted(set(body.items)), conclusion=body.conclusion)
    return {"case_id": case_id, "review_no": no}


@router.post("/cases/{case_id}/combined-services", status_code=status.HTTP_201_CREATED, response_model=CombinedServiceCreated,
             summary="标记多评合一、多图联审、联合验收")
def combined(case_id: str, body: CombinedServiceCreate, request: Request,
             principal: Principal = Depends(require_roles(*SERVICE_POINT_ROLES))) -> dict:
    _, no = coordination(request).mark_combined(principal.context(), case_id, body.kind, body.items, body.note)
    return {"case_id": case_id, "marker_no": no}


@router.post("/cases/{case_id}/cross-level-requests", status_code=status.HTTP_201_CREATED, response_model=CrossLevelRead,
             summary="跨层级审批事项服务协办单（附件7）")
def cross_level(case_id: str, body: CrossLevelCreate, request: Request, idempotency_key: str | None = KEY,
                principal: Principal = Depends(require_roles(*SERVICE_POINT_ROLES))) -> dict:
    case, rid = coordination(request).request_cross_level(
        principal.context(), case_id, items=sorted(set(body.items)), reason=body.reason,
        upper_items=[u.model_dump() for u in body.upper_items], waiting_items=sorted(set(body.waiting_items)),
        required_documents=body.required_documents, requested_unit=body.requested_unit,
        project_contact=body.project_contact.model_dump(), agent_phone=body.agent_phone, remark=body.remark,
        idempotency_key=idempotency_key)
    return {"case_id": case_id, "request_id": rid, **case.cross_level[rid]}


@router.post("/cases/{case_id}/cross-level-requests/{request_id}/result", response_model=CrossLevelRead, summary="登记协办结果")
def cross_level_result(case_id: str, request_id: str, body: CrossLevelResult, request: Request,
                       principal: Principal = Depends(require_roles(*SERVICE_POINT_ROLES))) -> dict:
    case = coordination(request).answer_cross_level(
        principal.context(), case_id, request_id, result=body.result, assisted_by=body.assisted_by.model_dump(),
        assisting_center=body.assisting_center, remark=body.remark)
    return {"case_id": case_id, "request_id": request_id, **case.cross_level[request_id]}


@router.post("/cases/{case_id}/completion", response_model=CaseRead,
             summary="办结（附件8 办结单）：代办帮办员签署，待申请人确认（经双方认可）",
             description="全部委托事项办结后由案件代办帮办员提出，写明已移交的资料；案件转为“待对方确认”，"
                         "申请人在线确认或代办帮办员录入申请人签字的办结单后才办结（并邀请评价）。")
def completion(case_id: str, body: CompletionCreate, request: Request,
               principal: Principal = Depends(require_roles(*SERVICE_POINT_ROLES))) -> dict:
    if body.materials_returned is False or body.materials_returned == []:
        raise Invalid("办结前须将有关资料移交申请单位：列出已移交的资料，或填 true", field="materials_returned")
    returned = None if body.materials_returned is True else list(body.materials_returned)
    service = coordination(request)
    case = service.complete(principal.context(), case_id, body.note, returned, iso(body.signed_on))
    return read(service, case, principal)


@router.post("/cases/{case_id}/termination", response_model=CaseRead,
             summary="终止代办帮办（附件10 终止单）：一方提出，待另一方确认",
             description="案件代办帮办员，或申请人（自愿委托，可随时申请终止，原因分类为 applicant_request）提出；"
                         "另一方确认后才终止。")
def termination(case_id: str, body: TerminationCreate, request: Request,
                principal: Principal = Depends(require_roles(*SERVICE_POINT_ROLES, Role.applicant))) -> dict:
    reason_code = body.reason_code
    if principal.role == Role.applicant:
        if "reason_code" in body.model_fields_set and reason_code != "applicant_request":
            raise Invalid("申请人提出终止时，原因分类为 applicant_request", field="reason_code")
        reason_code = "applicant_request"
    service = coordination(request)
    case = service.terminate(principal.context(), case_id, body.reason, reason_code,
                             list(body.materials_returned) if body.materials_returned else None, iso(body.signed_on))
    return read(service, case, principal)


@router.post("/cases/{case_id}/closure/confirmation", response_model=CaseRead,
             summary="确认办结或终止（经双方认可）：申请人在线确认，或代办帮办员录入申请人签字的纸质单据",
             description="另一方确认后案件才办结或终止，并邀请申请人评价。代办帮办员代录时须填写签字单据扫描件的 "
                         "material_id 和签字日期 signed_on；申请人本人确认时不填。提出方自己确认为 403。")
def closure_confirmation(case_id: str, body: ClosureConfirmationCreate, request: Request,
                         principal: Principal = Depends(require_roles(*SERVICE_POINT_ROLES, Role.applicant))) -> dict:
    if principal.role == Role.applicant and (body.signed_on or body.material_id):
        raise Invalid("申请人在线确认时不填写 signed_on 和 material_id", field="signed_on" if body.signed_on else "material_id")
    service = coordination(request)
    case = service.confirm_closure(principal.context(), case_id, iso(body.signed_on), body.material_id)
    return read(service, case, principal)


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
