"""HTTP API of the supervision loop (API.md § The supervision loop), served by evaluation:
complaints and suggestions (``/supervision/complaints``) and the departments' monthly submissions
(``/reporting/monthly-submissions/{YYYY-MM}``: the path the contract gives; evaluation records them, reporting
reads them into the monthly report; which process answers which path: ``shared.positions.ANSWERED_BY``)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Header, Query, Request, status

from shared.auth import Principal, require_roles
from shared.auth.dependencies import AGENT_ROLES, SERVICE_POINT_ROLES
from shared.contracts import Role
from shared.contracts.supervision import (
    COMPLAINT_CHANNEL_LABELS, SUBMISSION_STATUS_LABELS, ComplaintChannel, submission_schedule, submission_status,
)
from shared.errors import Forbidden, Invalid, NotFound
from shared.idempotency import fingerprint
from shared.masking import SEES_PERSONAL_DATA, mask_value
from shared.reference import load_catalog
from shared.validation import parse_month
from services.evaluation.application import EvaluationService
from services.evaluation.schemas import (
    ComplaintCreate, ComplaintListRead, ComplaintRead, ComplaintReply, MonthlySubmissionCreate, MonthlySubmissionRead,
    MonthlySubmissionsRead, ThirdPartyReportCreate, ThirdPartyReportRead,
)
from services.evaluation.supervision import Complaint, MonthlySubmission, ThirdPartyReport

router = APIRouter(prefix="/supervision", tags=["supervision"])
submissions_router = APIRouter(prefix="/reporting/monthly-submissions", tags=["supervision"])
OFFICE = (Role.supervisor, Role.admin)
RECORDERS = (*SERVICE_POINT_ROLES, Role.supervisor)  # who keys in a 12345 ticket, an opinion-box note, an e-mail
IdempotencyKey = Header(default=None, max_length=200, description="重试时携带相同的键，不会重复登记")


def evaluation(request: Request) -> EvaluationService:
    return request.app.state.services.evaluation


def department_name(code: str) -> str:
    return load_catalog().department_name(code)


def checked_department(code: str | None, location: str) -> str | None:
    if code is not None:
        try:
            load_catalog().department(code)
        except KeyError:
            raise Invalid(f"部门代码“{code}”不在事项目录的部门中", field="department", location=location) from None
    return code


def answering_departments(principal: Principal) -> frozenset[str]:
    """The departments whose complaints this account answers: a department agent its own; a service point's
    agent every department of its point (the park point: 工业园区管委会 and 区贸易促进会)."""
    account = principal.account
    if principal.role == Role.department_agent:
        return frozenset({account.department}) if account.department else frozenset()
    if principal.role in SERVICE_POINT_ROLES and account.service_point:
        return frozenset(load_catalog().service_point(account.service_point).departments)
    return frozenset()


def may_read(principal: Principal, complaint: Complaint) -> bool:
    """Supervisors and admin every complaint; agents those routed to their department(s); an applicant those its
    enterprise filed online."""
    if principal.role in OFFICE:
        return True
    if principal.role == Role.applicant:
        enterprise = principal.account.enterprise
        return enterprise is not None and complaint.enterprise == enterprise.credit_code
    return complaint.department in answering_departments(principal)


def complaint_read(complaint: Complaint, principal: Principal, today: str) -> dict:
    overdue = complaint.overdue_on is not None or bool(complaint.reply and complaint.reply["late"])
    shown_overdue = complaint.is_open and (complaint.overdue_on is not None or today > complaint.due_date)
    data = {
        **{k: getattr(complaint, k) for k in ComplaintRead.model_fields if hasattr(complaint, k)},
        "channel_label": COMPLAINT_CHANNEL_LABELS[complaint.channel],
        "department_name": department_name(complaint.department),
        "status": "open" if complaint.is_open else "replied",
        "status_label": ("答复超期" if shown_overdue else "待答复") if complaint.is_open else
                        ("已答复（超期）" if complaint.reply["late"] else "已答复"),
        "overdue": overdue or shown_overdue, "overdue_on": complaint.overdue_on, "reply": complaint.reply,
    }
    # the contact is for whoever must call back (the routed department's agents, the service points) and the filer
    whole = (principal.role in SEES_PERSONAL_DATA or principal.role == Role.applicant
             or complaint.department in answering_departments(principal))
    return data if whole else {**data, "contact": mask_value(data["contact"])}


def visible_complaint(service: EvaluationService, principal: Principal, complaint_id: str) -> Complaint:
    complaint = service.find_complaint(complaint_id)
    if complaint is None or not may_read(principal, complaint):
        raise NotFound(f"投诉建议 {complaint_id} 不存在")
    return complaint


@router.post("/complaints", status_code=status.HTTP_201_CREATED, response_model=ComplaintRead,
             summary="登记投诉建议：工作人员登记12345工单、意见箱、电子邮件（hotline_12345, opinion_box, email），"
                     "申请人网上提交（portal）；转办至责任部门，按工作日计答复期限",
             description="转办：填写 department 即转该部门；否则按 case_id 所涉案件的服务点（区政务服务局窗口 zwfw、"
                         "工业园区管委会 gyyq）；都不填由区政务服务局（zwfw）办理。答复时限为设置 "
                         "BANGNIN_COMPLAINT_REPLY_WORKDAYS（默认5个工作日）。申请人只能就本企业的案件网上提交。"
                         "带 Idempotency-Key 重试返回首次登记的投诉建议。")
def file_complaint(body: ComplaintCreate, request: Request,
                   principal: Principal = Depends(require_roles(Role.applicant, *RECORDERS)),
                   idempotency_key: str | None = IdempotencyKey) -> dict:
    service = evaluation(request)
    applicant = principal.role == Role.applicant
    if applicant and body.channel != "portal":
        raise Invalid("申请人本人网上提交时渠道为 portal；12345、意见箱、电子邮件由工作人员登记", field="channel")
    if not applicant and body.channel == "portal":
        raise Invalid("portal（网上）由申请人本人提交；工作人员登记 12345、意见箱或电子邮件", field="channel")
    checked_department(body.department, "body")
    enterprise = principal.account.enterprise.credit_code if applicant and principal.account.enterprise else None
    if body.case_id is not None:
        case = service.find_case(body.case_id)
        if case is None or (applicant and case.applicant.get("credit_code") != enterprise):
            raise Invalid(f"案件 {body.case_id} 不存在或尚未受理", field="case_id")
    complaint, _ = service.file_complaint(
        principal.context(channel=body.channel), channel=body.channel, content=body.content, case_id=body.case_id,
        department=body.department, contact=body.contact or None, enterprise=enterprise,
        idempotency_key=idempotency_key, request_hash=fingerprint(body) if idempotency_key else None)
    return complaint_read(complaint, principal, service.today().isoformat())


@router.get("/complaints", response_model=ComplaintListRead,
            summary="投诉建议列表：督查员看全部，部门（服务点）看转办本部门的，申请人看本企业网上提交的；期限早的在前")
def list_complaints(request: Request, channel: ComplaintChannel | None = Query(None, description="来源渠道"),
                    department: str | None = Query(None, max_length=100, description="责任部门代码"),
                    case_id: str | None = Query(None, max_length=100, description="所涉案件编号"),
                    state: Literal["open", "replied"] | None = Query(None, alias="status", description="open 待答复, replied 已答复"),
                    overdue: bool | None = Query(None, description="只看（或排除）超期的"),
                    principal: Principal = Depends(require_roles(Role.applicant, *AGENT_ROLES, *OFFICE))) -> dict:
    service = evaluation(request)
    checked_department(department, "query")
    today = service.today().isoformat()
    rows = []
    for entry in service.catch_up(service.index).complaints.values():
        if channel and entry.channel != channel or department and entry.department != department:
            continue
        if case_id and entry.about_case_id != case_id:
            continue
        complaint = service.complaint(entry.complaint_id)
        if not may_read(principal, complaint):
            continue
        row = complaint_read(complaint, principal, today)
        if state and row["status"] != state or overdue is not None and row["overdue"] != overdue:
            continue
        rows.append(row)
    rows.sort(key=lambda r: (r["due_date"], r["complaint_id"]))
    return {"total": len(rows), "complaints": rows}


@router.get("/complaints/{complaint_id}", response_model=ComplaintRead, summary="一件投诉建议及其答复")
def get_complaint(complaint_id: str, request: Request,
                  principal: Principal = Depends(require_roles(Role.applicant, *AGENT_ROLES, *OFFICE))) -> dict:
    service = evaluation(request)
    return complaint_read(visible_complaint(service, principal, complaint_id), principal, service.today().isoformat())


@router.post("/complaints/{complaint_id}/reply", response_model=ComplaintRead,
             summary="答复投诉建议（责任部门的代办帮办人员或督查员）；重复提交相同答复不重复记录，已答复后另行答复 409")
def reply_complaint(complaint_id: str, body: ComplaintReply, request: Request,
                    principal: Principal = Depends(require_roles(*AGENT_ROLES, Role.supervisor))) -> dict:
    service = evaluation(request)
    visible_complaint(service, principal, complaint_id)
    complaint = service.reply_complaint(principal.context(), complaint_id, body.reply)
    return complaint_read(complaint, principal, service.today().isoformat())


# -- departments' monthly submissions ---------------------------------------------------------------------------
def month_of(text: str) -> tuple[int, int]:
    try:
        return parse_month(text)
    except ValueError as exc:
        raise Invalid(str(exc), field="month", location="path") from None


def submission_read(submission: MonthlySubmission) -> dict:
    return {**{k: getattr(submission, k) for k in MonthlySubmissionRead.model_fields if hasattr(submission, k)},
            "department_name": department_name(submission.department)}


@submissions_router.put("/{month}", response_model=MonthlySubmissionRead,
                        summary="部门月度报送：工作进展情况、经验做法、典型案例（代办帮办人员报本部门）；次月15日前报送",
                        description="再次报送即更新（新的版本，前一版仍留记录）；内容与最近一次相同则不重复记录。"
                                    "期限（次月15日）之后报送标记为逾期（late）。尚未开始的月份 422。")
def submit(month: str, body: MonthlySubmissionCreate, request: Request,
           principal: Principal = Depends(require_roles(*AGENT_ROLES))) -> dict:
    service = evaluation(request)
    year, mon = month_of(month)
    if (year, mon) > (service.today().year, service.today().month):
        raise Invalid(f"{month} 尚未开始，不能报送", field="month", location="path")
    department = principal.account.department
    if not department:
        raise Forbidden("本账号不属于任何部门，不能报送月度工作情况")
    submission, _ = service.submit_monthly(principal.context(), department, year, mon, progress=body.progress,
                                           practices=body.practices, typical_cases=body.typical_cases or None)
    return submission_read(submission)


@submissions_router.get("/{month}", response_model=MonthlySubmissionsRead,
                        summary="各部门月度报送情况：每个部门的报送时间或逾期（督查员看全部，代办帮办人员看本部门）")
def submissions(month: str, request: Request,
                principal: Principal = Depends(require_roles(*AGENT_ROLES, *OFFICE))) -> dict:
    service = evaluation(request)
    year, mon = month_of(month)
    label = f"{year:04d}-{mon:02d}"
    _, due_by = submission_schedule(year, mon)
    today = service.today()
    codes = [d.code for d in load_catalog().departments]
    if principal.role not in OFFICE:
        codes = [c for c in codes if c == principal.account.department]
    rows = []
    for code in codes:
        latest = service.submission(code, label)
        first = service.submission_version(code, label, 1) if latest else None
        state = submission_status(first.late if first else None, today, due_by)
        label_text = (f"{SUBMISSION_STATUS_LABELS[state]}（{first.submitted_on}）" if first else
                      f"{SUBMISSION_STATUS_LABELS[state]}（期限 {due_by.isoformat()}）")
        rows.append({"department": code, "department_name": department_name(code), "status": state,
                     "status_label": label_text, "submitted_at": first.submitted_at if first else None,
                     "late": state in ("submitted_late", "missing"),
                     "submission": submission_read(latest) if latest else None,
                     **service.submission_chased(code, label)})
    return {"month": label, "due_by": due_by.isoformat(), "today": today.isoformat(),
            "submitted": sum(r["submission"] is not None for r in rows), "late": sum(r["late"] for r in rows),
            "missing": sum(r["status"] == "missing" for r in rows), "departments": rows}



# -- third-party evaluation (第三方评估, seed 三(八)) ------------------------------------------------------------
ASSESSORS = (Role.third_party, Role.supervisor)  # the assessor, or the office keying in a report sent on paper


def third_party_read(report: ThirdPartyReport) -> dict:
    return {**{k: getattr(report, k) for k in ThirdPartyReportRead.model_fields if hasattr(report, k)}}


@router.post("/third-party-reports", status_code=status.HTTP_201_CREATED, response_model=ThirdPartyReportRead,
             summary="导入第三方评估报告：评估期间、各部门评分与意见（第三方评估机构，或督查员代为录入）",
             description="每个部门一项，部门代码须在事项目录中；带 Idempotency-Key 重试不重复导入。"
                         "导入后在考核评分卡（GET /reporting/assessment）中与系统自身的评分并列展示。")
def import_third_party_report(body: ThirdPartyReportCreate, request: Request,
                              principal: Principal = Depends(require_roles(*ASSESSORS)),
                              idempotency_key: str | None = IdempotencyKey) -> dict:
    if body.period_end < body.period_start:
        raise Invalid("评估期间止日不能早于起日", field="period_end")
    seen: set[str] = set()
    known = {d.code for d in load_catalog().departments}
    for n, row in enumerate(body.scores):
        if row.department not in known:
            raise Invalid(f"部门代码“{row.department}”不在事项目录的部门中", field=f"scores.{n}.department")
        if row.department in seen:
            raise Invalid(f"部门“{row.department}”重复评分", field=f"scores.{n}.department")
        seen.add(row.department)
    report, _ = evaluation(request).import_third_party_report(
        principal.context(), idempotency_key=idempotency_key,
        request_hash=fingerprint(body) if idempotency_key else None, assessor=body.assessor, title=body.title or None,
        period_start=body.period_start.isoformat(), period_end=body.period_end.isoformat(),
        overall_score=body.overall_score, notes=body.notes or None,
        scores=[{"department": r.department, "score": r.score, "notes": r.notes or None} for r in body.scores])
    return third_party_read(report)


@router.get("/third-party-reports", response_model=list[ThirdPartyReportRead],
            summary="已导入的第三方评估报告（第三方评估机构、督查员、管理员）")
def third_party_reports(request: Request,
                        principal: Principal = Depends(require_roles(Role.third_party, *OFFICE))) -> list[dict]:
    return [third_party_read(r) for r in evaluation(request).third_party_reports()]
