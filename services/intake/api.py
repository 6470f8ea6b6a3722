"""HTTP API of intake (API.md § intake)."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Header, Request, status

from shared.auth import Principal, current_principal, require_roles
from shared.auth.dependencies import SERVICE_POINT_ROLES
from shared.contracts import Role
from shared.errors import Forbidden, Invalid, NotFound
from shared.idempotency import fingerprint
from shared.masking import mask_personal_data
from shared.reference import load_catalog
from services.intake.application import IntakeService
from services.intake.domain import STATUS_LABELS, Application
from services.intake.schemas import (
    AmendmentCreate, ApplicationCreate, ApplicationRead, CommitmentCreate, DelegationCreate, ItemRef, RejectionCreate,
    WithdrawalCreate,
)

router = APIRouter(prefix="/intake", tags=["intake"])
ONLINE_CHANNELS = {"portal", "mobile"}
READERS = (Role.applicant, *SERVICE_POINT_ROLES, Role.supervisor, Role.admin)


def intake(request: Request) -> IntakeService:
    return request.app.state.services.intake


@router.post("/applications", status_code=status.HTTP_201_CREATED, response_model=ApplicationRead,
             summary="提交代办帮办申请（附件4 申请表）")
def submit(body: ApplicationCreate, request: Request,
           principal: Principal = Depends(require_roles(Role.applicant, *SERVICE_POINT_ROLES)),
           idempotency_key: str | None = Header(default=None, max_length=200,
                                                description="重试时携带相同的键，不会重复建案")) -> ApplicationRead:
    account = principal.account
    if principal.role == Role.applicant:
        if body.channel.value not in ONLINE_CHANNELS:
            raise Invalid("申请人在线申请只能通过 portal（政务服务网）或 mobile（蒙速办）；窗口、服务点和12345热线的申请由代办帮办员登记",
                          field="channel")
        enterprise = account.enterprise
        if body.unit.credit_code and body.unit.credit_code != enterprise.credit_code:
            raise Invalid("统一社会信用代码与当前账号所属企业不一致", field="unit.credit_code")
        applicant = {"name": enterprise.name, "credit_code": enterprise.credit_code}
        ctx = principal.context(channel=body.channel.value)
    else:
        applicant = {"name": body.unit.name, "credit_code": body.unit.credit_code}
        ctx = principal.context(channel=body.channel.value, on_behalf_of=body.unit.credit_code or body.unit.name)
    application = intake(request).submit(
        ctx, channel=body.channel.value, unit=body.unit, project=body.project, items=body.items,
        applicant=applicant, idempotency_key=idempotency_key,
        request_hash=fingerprint(body) if idempotency_key else None,
    )
    return read(application, principal)


@router.get("/applications/{case_id}", response_model=ApplicationRead, summary="查看申请")
def get_application(case_id: str, request: Request,
                    principal: Principal = Depends(require_roles(*READERS))) -> ApplicationRead:
    return read(visible(intake(request), principal, case_id), principal)


@router.post("/applications/{case_id}/delegation", status_code=status.HTTP_201_CREATED,
             response_model=ApplicationRead, summary="签署授权委托书（附件5）；新委托书取代旧委托书")
def delegation(case_id: str, body: DelegationCreate, request: Request,
               principal: Principal = Depends(require_roles(Role.applicant, *SERVICE_POINT_ROLES))) -> ApplicationRead:
    service = intake(request)
    application = visible(service, principal, case_id)
    application = service.sign_delegation(
        _signing_context(principal, application), case_id, legal_representative=body.legal_representative,
        agent=body.agent, items=body.items)
    return read(application, principal)


@router.post("/applications/{case_id}/commitment", status_code=status.HTTP_201_CREATED,
             response_model=ApplicationRead, summary="签署承诺书（附件6）")
def commitment(case_id: str, body: CommitmentCreate, request: Request,
               principal: Principal = Depends(require_roles(Role.applicant, *SERVICE_POINT_ROLES))) -> ApplicationRead:
    service = intake(request)
    application = visible(service, principal, case_id)
    application = service.sign_commitment(_signing_context(principal, application), case_id, signed_by=body.signed_by)
    return read(application, principal)


@router.post("/applications/{case_id}/amendments", response_model=ApplicationRead,
             summary="更正申请表（附件4）：后补项目代码、更正有误的内容（申请人或负责的服务点代办帮办员，附理由）",
             description="只填要改的字段；更正前的内容留在案件历史中。是否位于工业园区、立项层级决定服务点，不能更正（422）；"
                         "不予受理或撤回后不能更正（409）；与现有内容相同的更正不重复记录。")
def amendment(case_id: str, body: AmendmentCreate, request: Request,
              principal: Principal = Depends(require_roles(Role.applicant, *SERVICE_POINT_ROLES))) -> ApplicationRead:
    service = intake(request)
    application = visible(service, principal, case_id)
    changes = body.changes
    unit = changes.unit.model_dump(mode="json", exclude_none=True) if changes.unit else {}
    project = changes.project.model_dump(mode="json", exclude_none=True) if changes.project else {}
    if not unit and not project:
        raise Invalid("没有要更正的字段", field="changes")
    application = service.amend(_signing_context(principal, application), case_id, unit, project, body.reason)
    return read(application, principal)


@router.post("/applications/{case_id}/acceptance", response_model=ApplicationRead,
             summary="受理申请（服务点代办帮办员）；案件随即在协调服务中开立")
def acceptance(case_id: str, request: Request,
               principal: Principal = Depends(require_roles(*SERVICE_POINT_ROLES))) -> ApplicationRead:
    application = intake(request).accept(principal.context(), case_id)
    return read(application, principal)


@router.post("/applications/{case_id}/rejection", response_model=ApplicationRead, summary="不予受理")
def rejection(case_id: str, body: RejectionCreate, request: Request,
              principal: Principal = Depends(require_roles(*SERVICE_POINT_ROLES))) -> ApplicationRead:
    application = intake(request).reject(principal.context(), case_id, reason=body.reason)
    return read(application, principal)


@router.post("/applications/{case_id}/withdrawal", response_model=ApplicationRead, summary="申请人撤回申请")
def withdrawal(case_id: str, request: Request, body: WithdrawalCreate = Body(default_factory=WithdrawalCreate),
               principal: Principal = Depends(require_roles(Role.applicant))) -> ApplicationRead:
    service = intake(request)
    visible(service, principal, case_id)
    application = service.withdraw(principal.context(), case_id, reason=body.reason)
    return read(application, principal)


# -- helpers -------------------------------------------------------------------------
def visible(service: IntakeService, principal: Principal, case_id: str) -> Application:
    """The application, if this principal may see it: another enterprise's case does not exist for them (404);
    a service point reads the applications routed to it only (403, as coordination answers)."""
    application = service.get(case_id)
    if principal.role == Role.applicant:
        if application.applicant.get("credit_code") != principal.account.enterprise.credit_code:
            raise NotFound(f"申请 {case_id} 不存在")
    elif principal.role in SERVICE_POINT_ROLES and application.service_point != principal.account.service_point:
        raise Forbidden("无权查看该申请：它由另一服务点负责（属地分派），仅该服务点的代办帮办员可以查看")
    return application


def _signing_context(principal: Principal, application: Application):
    if principal.role == Role.applicant:
        return principal.context()
    if application.service_point != principal.account.service_point:
        raise Forbidden("只有负责本申请的服务点代办帮办员可以代为登记申请人签署的纸质文书")
    return principal.context(on_behalf_of=application.applicant.get("credit_code") or application.applicant["name"])


def read(application: Application, principal: Principal) -> ApplicationRead:
    catalog = load_catalog()
    point = catalog.service_point(application.service_point)
    items = []
    for no in application.items:
        item = catalog.item(no)
        department = catalog.department(item.department)
        items.append(ItemRef(item_no=no, name=item.name, department={"code": department.code, "name": department.name}))
    body = ApplicationRead(
        case_id=application.case_id, status=application.status, status_label=STATUS_LABELS[application.status],
        channel=application.channel, service_point=application.service_point, service_point_name=point.name,
        routing_reason=application.routing_reason, unit=application.unit, project=application.project, items=items,
        applicant=application.applicant, recorded_by=application.recorded_by, submitted_at=application.submitted_at,
        delegation=application.delegation, delegations=application.delegations, commitment=application.commitment,
        missing_for_acceptance=application.missing_for_acceptance(), decision=application.decision,
        amendments=application.amendments,
    )
    return mask_personal_data(body, principal.role, owner=principal.role == Role.applicant)
