"""HTTP API of reporting (API.md § reporting): read-only, eventually consistent views."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from shared.auth import Principal, require_roles
from shared.clock import CHINA, today
from shared.contracts import Role
from shared.contracts.evaluation import RatingChannel
from shared.errors import Invalid, NotFound
from shared.masking import SEES_PERSONAL_DATA, mask_value
from shared.reference import load_catalog
from services.reporting.access import CASE_READERS, FIGURE_READERS, figure_scope, may_see, show, summary
from services.reporting.assessment import scorecard
from services.reporting.caseview import CASE_STATUS_LABELS
from services.reporting.figures import satisfaction, workloads
from services.reporting.periods import Period, parse_month
from services.reporting.schemas import (
    AssessmentRead, CaseListRead, CaseViewRead, HistoryRead, MonthlyReportRead, SatisfactionRead, WorkloadsRead,
)
from services.reporting.service import ReportingService
from services.reporting.xlsx import monthly_workbook

router = APIRouter(prefix="/reporting", tags=["reporting"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CaseStatus = Literal[tuple(CASE_STATUS_LABELS)]  # type: ignore[valid-type]
XLSX_RESPONSE = {200: {"description": "月报：JSON（MonthlyReportRead），或 ?format=xlsx 时的 .xlsx 工作簿（附件下载）",
                       "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}}


def reporting(request: Request) -> ReportingService:
    return request.app.state.services.reporting


def period_of(period: str | None, start: date | None, end: date | None) -> Period:
    if period:
        try:
            return Period.month(*parse_month(period))
        except ValueError as exc:
            raise Invalid(str(exc), field="period", location="query") from None
    if start and end and end < start:
        raise Invalid("结束日期不能早于开始日期", field="to", location="query")
    return Period(start, end)


def checked_department(department: str | None) -> str | None:
    if department is not None:
        try:
            load_catalog().department(department)
        except KeyError:
            raise Invalid(f"部门代码“{department}”不在事项目录的部门中", field="department", location="query") from None
    return department


PERIOD = Query(default=None, description="统计月份 YYYY-MM（与 from/to 二选一）")
FROM = Query(default=None, alias="from", description="起始日期 YYYY-MM-DD（含）")
TO = Query(default=None, alias="to", description="截止日期 YYYY-MM-DD（含）")


def visible_case(service: ReportingService, principal: Principal, case_id: str) -> dict:
    case = service.case(case_id)
    if case is None or not case.get("status") or not may_see(principal, case):
        raise NotFound(f"案件 {case_id} 不存在")
    return case


@router.get("/cases/{case_id}", response_model=CaseViewRead, summary="案件全景：来自各服务的全部信息（最终一致）")
def get_case(case_id: str, request: Request, principal: Principal = Depends(require_roles(*CASE_READERS))) -> dict:
    service = reporting(request)
    basis = service.basis()
    return show(principal, visible_case(service, principal, case_id), basis.today, basis)


@router.get("/cases/{case_id}/history", response_model=HistoryRead,
            summary="案件审计历史：各服务全部事件按序排列；as_of 给出该时刻的案件状态")
def history(case_id: str, request: Request,
            as_of: str | None = Query(default=None, description="时刻（ISO 8601）或日期（YYYY-MM-DD，指当日终了）；无时区按北京时间"),
            principal: Principal = Depends(require_roles(*CASE_READERS))) -> dict:
    service = reporting(request)
    visible_case(service, principal, case_id)  # the current case decides who may read its past
    moment = _moment(as_of) if as_of else None
    case, events = service.history(case_id, moment)
    if case is None:
        raise NotFound(f"案件 {case_id} 在 {as_of} 时尚不存在")
    basis = service.basis()
    ref = moment.astimezone(CHINA).date() if moment else basis.today
    view = show(principal, case, ref, basis)
    if not (principal.role == Role.applicant or principal.role in SEES_PERSONAL_DATA):
        events = mask_value(events)
    return {"case_id": case_id, "as_of": moment.isoformat() if moment else None, "case": view,
            "event_count": len(events), "events": events}


def _moment(text: str) -> datetime:
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time.max, tzinfo=CHINA)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid("应为 ISO 8601 时刻（如 2026-10-01T09:00:00+08:00）或日期（YYYY-MM-DD）", field="as_of", location="query") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=CHINA)
    try:  # the history is ordered in UTC and shown in Beijing time: both must exist
        moment.astimezone(timezone.utc), moment.astimezone(CHINA)
    except OverflowError:
        raise Invalid("时刻超出可表示的范围（0001-01-01 至 9999-12-31）", field="as_of", location="query") from None
    return moment


@router.get("/cases", response_model=CaseListRead, summary="案件列表（筛选：状态、部门、服务点、是否超期、期间（按申请日期））")
def list_cases(request: Request, status: CaseStatus | None = Query(default=None, description="案件状态"),
               department: str | None = Query(default=None, description="部门代码：含该部门事项的案件"),
               service_point: Literal["district", "park"] | None = Query(default=None),
               overdue: bool | None = Query(default=None, description="true：有已超期在办事项的案件"),
               period: str | None = PERIOD, start: date | None = FROM, end: date | None = TO,
               limit: int = Query(default=100, ge=1, le=1000), offset: int = Query(default=0, ge=0),
               principal: Principal = Depends(require_roles(*CASE_READERS))) -> dict:
    service = reporting(request)
    basis = service.basis()
    window, department = period_of(period, start, end), checked_department(department)
    rows = []
    for case in service.cases():
        if not may_see(principal, case) or (status and case["status"] != status):
            continue
        if (department and department not in case["departments"]) or (service_point and case["service_point"] != service_point):
            continue
        if (window.start or window.end) and (not case["submitted_at"] or case["submitted_at"][:10] not in window):
            continue
        view = show(principal, case, basis.today, basis)
        if overdue is not None and (view["overdue_items"] > 0) != overdue:
            continue
        rows.append(summary(view))
    rows.sort(key=lambda r: (r["submitted_at"] or "", r["case_id"]), reverse=True)
    return {"total": len(rows), "limit": limit, "offset": offset, "items": rows[offset:offset + limit]}


@router.get("/workloads", response_model=WorkloadsRead, summary="部门与代办帮办人员工作量：在办、临期、超期、按时办结")
def get_workloads(request: Request, department: str | None = Query(default=None), period: str | None = PERIOD,
                  start: date | None = FROM, end: date | None = TO,
                  principal: Principal = Depends(require_roles(*FIGURE_READERS))) -> dict:
    service = reporting(request)
    cases, department = figure_scope(principal, service.cases(), checked_department(department))
    return workloads(cases, service.basis(), period_of(period, start, end), department)


@router.get("/satisfaction", response_model=SatisfactionRead, summary="好差评统计（口径见 DOMAIN.md；好评是否含基本满意由设置决定）")
def get_satisfaction(request: Request, department: str | None = Query(default=None),
                     channel: RatingChannel | None = Query(default=None, description="评价渠道"),
                     period: str | None = PERIOD, start: date | None = FROM, end: date | None = TO,
                     principal: Principal = Depends(require_roles(*FIGURE_READERS))) -> dict:
    service = reporting(request)
    cases, department = figure_scope(principal, service.cases(), checked_department(department))
    return satisfaction(cases, service.basis(), period_of(period, start, end), department, channel)


@router.get("/assessment", response_model=AssessmentRead, summary="部门“放管服”考核评分卡（含计分公式）")
def get_assessment(request: Request, department: str | None = Query(default=None), period: str | None = PERIOD,
                   start: date | None = FROM, end: date | None = TO,
                   principal: Principal = Depends(require_roles(*FIGURE_READERS))) -> dict:
    service = reporting(request)
    cases, department = figure_scope(principal, service.cases(), checked_department(department))
    return scorecard(cases, service.basis(), period_of(period, start, end), department)


@router.get("/monthly-reports/{month}", response_model=MonthlyReportRead, responses=XLSX_RESPONSE,
            summary="月报（JSON；?format=xlsx 下载工作簿）：次月1日起可生成，15日前报送")
def get_monthly(month: str, request: Request, format: Literal["json", "xlsx"] = Query(default="json"),
                department: str | None = Query(default=None),
                principal: Principal = Depends(require_roles(*FIGURE_READERS))) -> dict | Response:
    service = reporting(request)
    try:
        year, mon = parse_month(month)
    except ValueError as exc:
        raise Invalid(str(exc), field="month", location="path") from None
    if Period.month(year, mon).start > today(service.clock):
        raise Invalid(f"{month} 尚未开始，不能生成月报", field="month", location="path")
    cases, department = figure_scope(principal, service.cases(), checked_department(department))
    report = service.monthly(year, mon, department, cases)
    if format == "xlsx":
        return Response(monthly_workbook(report), media_type=XLSX, headers={
            "Content-Disposition": f'attachment; filename="bangnin-monthly-{month}.xlsx"'})
    return report
