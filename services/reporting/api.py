"""HTTP API of reporting (API.md § reporting): read-only, eventually consistent views."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response

from shared.auth import Principal, require_roles
from shared.clock import CHINA, today
from shared.contracts import Role
from shared.contracts.evaluation import RatingChannel
from shared.errors import Invalid, NotFound, Unavailable
from shared.gc_pause import without_gc
from shared.masking import SEES_PERSONAL_DATA, mask_value
from shared.reference import load_catalog
from shared.reference.register import effective_assignees
from services.reporting.access import (
    ASSESSMENT_READERS, CASE_READERS, FIGURE_READERS, case_scope, figure_scope, may_see, redact_history, redact_materials,
    show, summary,
)
from services.reporting.annual import annual_assessment
from services.reporting.assessment import scorecard
from services.reporting.case_index import CaseQuery
from services.reporting.caseview import CASE_STATUS_LABELS
from services.reporting.figure_cases import UnknownFigure, figure_members
from services.reporting.figures import satisfaction, workloads
from services.reporting import third_party
from services.reporting.periods import Period, parse_month
from services.reporting.schemas import (
    AnnualAssessmentRead, AssessmentRead, ThirdPartySampleRead, CaseListRead, CaseViewRead, FigureCasesRead, HistoryRead, MonthlyReportRead, ReferenceHistoryRead, SatisfactionRead,
    WorkloadsRead,
)
from services.reporting.search import search_terms
from services.reporting.service import ReportingService
from services.reporting.xlsx import monthly_workbook
from services.reporting.forms import FORMS, REGISTER_TITLE, form_docx, register_docx
from services.reporting.upward import title as upward_title, upward_docx
from shared.office import OfficeUnavailable, document_to_pdf, workbook_to_pdf
from shared.workbook import MEDIA_TYPE as WORKBOOK_MEDIA_TYPE

router = APIRouter(prefix="/reporting", tags=["reporting"])
XLSX = WORKBOOK_MEDIA_TYPE
CaseStatus = Literal[tuple(CASE_STATUS_LABELS)]  # type: ignore[valid-type]
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FormName = Literal[tuple(FORMS)]  # type: ignore[valid-type]
BlankFormName = Literal[(*FORMS, "register")]  # type: ignore[valid-type]
FORM_NAMES = "；".join(f"{f.name} {f.attachment}{f.short}" for f in FORMS.values())
FORM_RESPONSE = {200: {"description": "表单：PDF（默认，中文为文字、字体嵌入）或 DOCX（?format=docx），同一模板生成",
                       "content": {PDF: {"schema": {"type": "string", "format": "binary"}},
                                   DOCX: {"schema": {"type": "string", "format": "binary"}}}},
                 409: {"description": "案件尚未到该表所需的状态（如办结前的办结单）：原因写明，空白表见 /reporting/forms/{form}"},
                 503: {"description": "本服务器未安装 LibreOffice，无法生成 PDF（DOCX 不受影响）"}}
UPWARD_RESPONSE = {200: {"description": "上报文件：PDF（默认，中文为文字、字体嵌入）或 DOCX（?format=docx），同一文档生成",
                         "content": {PDF: {"schema": {"type": "string", "format": "binary"}},
                                     DOCX: {"schema": {"type": "string", "format": "binary"}}}},
                   503: {"description": "本服务器未安装 LibreOffice，无法生成 PDF（DOCX 不受影响）"}}
XLSX_RESPONSE = {200: {"description": "月报：JSON（MonthlyReportRead）；?format=xlsx 时为 .xlsx 工作簿，?format=pdf 时为"
                                      "报送用 PDF（A4 横向，工作簿经 LibreOffice 打印，中文字体嵌入，页码，首页为状态与报送截止）",
                       "content": {XLSX: {"schema": {"type": "string", "format": "binary"}},
                                   PDF: {"schema": {"type": "string", "format": "binary"}}}},
                 503: {"description": "本服务器未安装 LibreOffice，无法生成 PDF（xlsx 与 JSON 不受影响）"}}


def reporting(request: Request) -> ReportingService:
    return request.app.state.services.reporting


def period_of(period: str | None, start: date | None, end: date | None) -> Period:
    if period is not None and (start is not None or end is not None):
        raise Invalid("统计月份 period 与起止日期 from/to 二选一，不能同时给出", field="period", location="query")
    if period is not None:
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
SERVICE_POINT = Query(default=None, description="服务点：district 区政务服务局窗口，park 工业园区管委会服务点")
ServicePoint = Literal["district", "park"]
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
    breaks = service.verify(events)
    events = redact_materials(redact_history(events, principal.role), principal)
    if not (principal.role == Role.applicant or principal.role in SEES_PERSONAL_DATA):
        events = mask_value(events)
    return {"case_id": case_id, "as_of": moment.isoformat() if moment else None, "case": view,
            "event_count": len(events), "events": events,
            "verified": not breaks, "breaks": [{"service": b.service, "position": b.position, "reason": b.reason}
                                               for b in breaks]}


@router.get("/reference-history", response_model=ReferenceHistoryRead,
            summary="参考数据变更历史：工作日历调休表与代办帮办人员登记报备（谁、何时、为何）")
def reference_history(request: Request, _: Principal = Depends(require_roles(*FIGURE_READERS))) -> dict:
    events = reporting(request).reference_history()
    return {"event_count": len(events), "events": events}


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


@router.get("/cases", response_model=CaseListRead,
            summary="案件列表（检索 q；筛选：状态、部门、服务点、是否超期、期间（按申请日期））")
def list_cases(request: Request,
               q: str | None = Query(default=None, min_length=1, max_length=100,
                                     description="检索：企业名称、统一社会信用代码、项目名称、项目代码或案件编号的一部分"
                                                 "（不区分全角半角与大小写）"),
               status: CaseStatus | None = Query(default=None, description="案件状态"),
               department: str | None = Query(default=None, description="部门代码：含该部门事项的案件"),
               service_point: Literal["district", "park"] | None = Query(default=None),
               overdue: bool | None = Query(default=None, description="true：有已超期在办事项的案件"),
               period: str | None = PERIOD, start: date | None = FROM, end: date | None = TO,
               limit: int = Query(default=100, ge=1, le=1000), offset: int = Query(default=0, ge=0),
               cursor: str | None = Query(default=None, max_length=200,
                                          description="键集分页：上一页的 next_cursor（与 offset 二选一）"),
               principal: Principal = Depends(require_roles(*CASE_READERS))) -> dict:
    service = reporting(request)
    after_key = _cursor_key(cursor) if cursor else None
    if after_key and offset:
        raise Invalid("游标 cursor 与 offset 二选一", field="cursor", location="query")
    basis = service.basis()
    window = period_of(period, start, end)
    query = CaseQuery(today=basis.today, limit=limit + 1, offset=offset, after=after_key, status=status,
                      department=checked_department(department), service_point=service_point,
                      terms=tuple(search_terms(q)), submitted_from=window.start, submitted_to=window.end,
                      overdue=overdue, **case_scope(principal))
    total, cases = service.store.list_cases(query)
    page = [service.open(summary(show(principal, case, basis.today, basis))) for case in cases[:limit]]
    return {"total": total, "limit": limit, "offset": offset, "items": page,
            "next_cursor": "~".join(_row_key(page[-1])) if len(cases) > limit else None}


def _row_key(row: dict) -> tuple[str, str]:
    return row["submitted_at"] or "", row["case_id"]


def _cursor_key(cursor: str) -> tuple[str, str]:
    moment, sep, case_id = cursor.rpartition("~")
    if not sep or not case_id:
        raise Invalid("游标 cursor 无效：应为上一页返回的 next_cursor", field="cursor", location="query")
    return moment, case_id


def figure_cases_scope(principal: Principal, service: ReportingService, department: str | None,
                       service_point: str | None) -> tuple[list[dict], str | None]:
    cases, department = figure_scope(principal, service.cases(), checked_department(department))
    return [c for c in cases if service_point is None or c.get("service_point") == service_point], department


@router.get("/figure-cases", response_model=FigureCasesRead,
            summary="指标背后的案件：某一统计数字所计的每一条（与统计同一算法，条数等于该数字），供核查",
            description="figure：好差评的 ratings、good、bad、level.<满意度>、channel.<渠道>、department.<部门代码>、agent.<账号>、"
                        "item.<事项编号>、follow_up_ratings、defaulted_ratings、rectifications、invalid_bad_ratings、"
                        "rectification_due、rectified、real_name、visited、overdue_rectifications、concluded、rated、"
                        "actively_rated、items_concluded、items_on_time；工作量的 workload.<open_cases|open_items|"
                        "near_due_items|past_due_items|concluded_items|concluded_on_time|concluded_late>（各部门合计）；"
                        "考核的 assessment.<部门代码>.<handled_items|overdue_items>。筛选与统计接口相同。")
@without_gc
def get_figure_cases(request: Request,
                     figure: str = Query(default="ratings", min_length=1, max_length=100, description="指标名（见说明），缺省为 ratings 首次评价"),
                     department: str | None = Query(default=None),
                     channel: RatingChannel | None = Query(default=None, description="评价渠道"),
                     service_point: ServicePoint | None = SERVICE_POINT,
                     period: str | None = PERIOD, start: date | None = FROM, end: date | None = TO,
                     principal: Principal = Depends(require_roles(*FIGURE_READERS))) -> dict:
    service = reporting(request)
    window = period_of(period, start, end)
    cases, department = figure_cases_scope(principal, service, department, service_point)
    basis = service.basis()
    try:
        members = figure_members(cases, basis, figure, window, department, channel)
    except UnknownFigure:
        raise Invalid(f"指标“{figure}”不存在（可用的指标见接口说明）", field="figure", location="query") from None
    by_id = {c["case_id"]: c for c in cases}
    rows: dict[str, dict] = {}
    for m in members:
        if m["case_id"] not in rows:
            rows[m["case_id"]] = service.open(summary(show(principal, by_id[m["case_id"]], basis.today, basis)))
    return {"figure": figure, "period": window.as_dict(), "department": department, "service_point": service_point,
            "channel": channel, "count": len(members), "items": [{**m, "case": rows[m["case_id"]]} for m in members]}


@router.get("/workloads", response_model=WorkloadsRead, summary="部门与代办帮办人员工作量：在办、临期、超期、按时办结")
@without_gc
def get_workloads(request: Request, department: str | None = Query(default=None),
                  service_point: ServicePoint | None = SERVICE_POINT, period: str | None = PERIOD,
                  start: date | None = FROM, end: date | None = TO,
                  principal: Principal = Depends(require_roles(*FIGURE_READERS))) -> dict:
    service = reporting(request)
    cases, department = figure_cases_scope(principal, service, department, service_point)
    return service.open(workloads(cases, service.basis(), period_of(period, start, end), department))


@router.get("/satisfaction", response_model=SatisfactionRead, summary="好差评统计（口径见 DOMAIN.md；好评是否含基本满意由设置决定）")
@without_gc
def get_satisfaction(request: Request, department: str | None = Query(default=None),
                     channel: RatingChannel | None = Query(default=None, description="评价渠道"),
                     service_point: ServicePoint | None = SERVICE_POINT, period: str | None = PERIOD, start: date | None = FROM, end: date | None = TO,
                     principal: Principal = Depends(require_roles(*ASSESSMENT_READERS))) -> dict:
    service = reporting(request)
    cases, department = figure_cases_scope(principal, service, department, service_point)
    return service.open(satisfaction(cases, service.basis(), period_of(period, start, end), department, channel))


@router.get("/assessment", response_model=AssessmentRead,
            summary="部门“放管服”考核评分卡（含计分公式），及期间重叠的第三方评估报告的评分（third_party，与本系统评分并列）")
@without_gc
def get_assessment(request: Request, department: str | None = Query(default=None),
                   service_point: ServicePoint | None = SERVICE_POINT, period: str | None = PERIOD,
                   start: date | None = FROM, end: date | None = TO,
                   principal: Principal = Depends(require_roles(*ASSESSMENT_READERS))) -> dict:
    service = reporting(request)
    cases, department = figure_cases_scope(principal, service, department, service_point)
    window = period_of(period, start, end)
    card = scorecard(cases, service.basis(), window, department, complaints=service.complaints())
    return service.open({**card, "third_party": third_party.beside(service.third_party_reports(), card, window)})


@router.get("/third-party-sample", response_model=ThirdPartySampleRead,
            summary="第三方评估的抽样案件：期间内办结或终止的案件按种子随机抽取，已去除个人信息与企业信息",
            description="同一期间与种子，样本相同（缺省种子由期间导出）。每件只含事项、时限、受理与截止日期、办结日期、"
                        "是否按时、评价等级与渠道、差评整改状态；不含姓名、电话、身份证号、企业名称与代码、意见文字。")
@without_gc
def get_third_party_sample(request: Request, period: str | None = PERIOD, start: date | None = FROM,
                           end: date | None = TO,
                           size: int = Query(default=30, ge=1, le=500, description="样本量"),
                           seed: int | None = Query(default=None, ge=0, le=2**63 - 1, description="随机种子（缺省由期间导出）"),
                           principal: Principal = Depends(require_roles(Role.third_party, Role.supervisor, Role.admin))) -> dict:
    service = reporting(request)
    return third_party.sample(service.cases(), period_of(period, start, end), size, seed)


@router.get("/annual-assessment/{year}", response_model=AnnualAssessmentRead,
            summary="年度考核：全年“放管服”考核评分卡（各部门）与个人年度绩效考核数据（各代办帮办人员：案件、按时办结率、"
                    "评价、差评整改、投诉建议）",
            description="评分卡与 GET /reporting/assessment 同一算法（期间为该自然年）；年度未结束时为截至今日的临时数据。"
                        "人员数据口径见 definitions。领导小组办公室（督查员）与管理员可查看。")
@without_gc
def get_annual_assessment(year: str, request: Request,
                          principal: Principal = Depends(require_roles(Role.supervisor, Role.admin))) -> dict:
    service = reporting(request)
    if not (len(year) == 4 and year.isascii() and year.isdigit()) or int(year) < 2000:
        raise Invalid(f"年度应为四位数字（如 2026），收到“{year}”", field="year", location="path")
    if int(year) > today(service.clock).year:
        raise Invalid(f"{year} 年尚未开始，不能生成年度考核", field="year", location="path")
    return service.open(annual_assessment(service.cases(), service.basis(), int(year), service.complaints()))


@router.get("/monthly-reports/{month}", response_model=MonthlyReportRead, responses=XLSX_RESPONSE,
            summary="月报（JSON；?format=xlsx 工作簿，?format=pdf 报送用 PDF）：次月1日起可生成，15日前报送")
@without_gc
def get_monthly(month: str, request: Request, format: Literal["json", "xlsx", "pdf"] = Query(default="json"),
                department: str | None = Query(default=None),
                principal: Principal = Depends(require_roles(*ASSESSMENT_READERS))) -> dict | Response:
    service = reporting(request)
    year, mon = report_month(service, month)
    cases, department = figure_scope(principal, service.cases(), checked_department(department))
    report = service.monthly(year, mon, department, cases)
    if principal.role == Role.third_party:
        report = mask_value(report)  # names and numbers people wrote into the departments' texts
    if format == "xlsx":
        return Response(monthly_workbook(report), media_type=XLSX, headers={
            "Content-Disposition": f'attachment; filename="bangnin-monthly-{month}.xlsx"'})
    if format == "pdf":
        return Response(printed(workbook_to_pdf, monthly_workbook(report)), media_type=PDF, headers={
            "Content-Disposition": f'attachment; filename="bangnin-monthly-{month}.pdf"'})
    return report


def report_month(service: ReportingService, month: str) -> tuple[int, int]:
    """(year, month) of a report's path, begun by today; else 422 naming ``month``."""
    try:
        year, mon = parse_month(month)
    except ValueError as exc:
        raise Invalid(str(exc), field="month", location="path") from None
    if Period.month(year, mon).start > today(service.clock):
        raise Invalid(f"{month} 尚未开始，不能生成月报", field="month", location="path")
    return year, mon


@router.get("/monthly-reports/{month}/upward", responses=UPWARD_RESPONSE, response_class=Response,
            summary="月报上报文件：海南区“蒙速办·帮您办”工作情况报告（主送市行政审批和政务服务局；PDF 或 DOCX）",
            description="公文格式：标题、主送机关、总体情况（案件、办结、按时办结率、好评率、差评整改等，与月报 JSON 同一数据）、"
                        "各部门报送的工作进展情况、经验做法、典型案例、报送情况（逾期部门列名）、落款海南区政务服务局与日期。"
                        "全区口径；领导小组办公室（督查员）与管理员可取。月份未结束时注明为临时数据。")
@without_gc
def get_upward_report(month: str, request: Request,
                      format: Literal["pdf", "docx"] = Query(default="pdf", description="pdf（默认）或 docx"),
                      principal: Principal = Depends(require_roles(Role.supervisor, Role.admin))) -> Response:
    service = reporting(request)
    year, mon = report_month(service, month)
    docx = upward_docx(service.monthly(year, mon, None, service.cases()))
    people = f"{upward_title(month)}.{format}"
    body, media = (printed(document_to_pdf, docx), PDF) if format == "pdf" else (docx, DOCX)
    return Response(body, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=\"bangnin-upward-{month}.{format}\"; filename*=UTF-8''{quote(people)}"})


def printed(convert, source: bytes) -> bytes:  # noqa: ANN001
    """The file printed to PDF by LibreOffice, or 503 naming it where the server has none."""
    try:
        return convert(source)
    except OfficeUnavailable as exc:
        raise Unavailable(str(exc), field="format", code="office_unavailable", location="query") from None


def form_response(form: str, docx: bytes, format: str, stem: str) -> Response:
    """The form as DOCX, or that DOCX printed to PDF; named for people (RFC 5987) and for old clients (ASCII)."""
    label = "附件11人员信息表" if form == "register" else f"{FORMS[form].attachment}{FORMS[form].short}"
    body, media = (printed(document_to_pdf, docx), PDF) if format == "pdf" else (docx, DOCX)
    people = f"{label}-{'空白' if stem == 'blank' else stem}.{format}"
    return Response(body, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=\"bangnin-{form}-{stem}.{format}\"; filename*=UTF-8''{quote(people)}"})


@router.get("/cases/{case_id}/forms/{form}", responses=FORM_RESPONSE, response_class=Response,
            description=f"表单：{FORM_NAMES}。能读该案件者可取；个人信息按案件视图对该角色的遮蔽规则显示；签字、盖章与日期处留空。",
            summary="打印表单（附件4–10）：按案件填写的申请表、授权委托书、承诺书、协办单、办结单、评价表、终止单（PDF 或 DOCX）")
def get_case_form(case_id: str, form: FormName, request: Request,  # type: ignore[valid-type]
                  format: Literal["pdf", "docx"] = Query(default="pdf", description="pdf（默认）或 docx"),
                  request_id: str | None = Query(default=None, max_length=100, description="协办单编号（form=cross_level 时必填）"),
                  principal: Principal = Depends(require_roles(*CASE_READERS))) -> Response:
    service = reporting(request)
    basis = service.basis()
    view = show(principal, visible_case(service, principal, case_id), basis.today, basis)
    if form != "cross_level" and request_id is not None:
        raise Invalid("只有跨层级协办单（cross_level）需要 request_id", field="request_id", location="query")
    docx = form_docx(form, view, request_id=request_id, public_url=service.settings.public_url)
    return form_response(form, docx, format, case_id if not request_id else request_id)


@router.get("/forms/{form}", responses={k: v for k, v in FORM_RESPONSE.items() if k != 409}, response_class=Response,
            summary="空白表单（附件4–10）供手写填写；register：附件11 代办帮办服务人员信息表（现行登记，含登记报备的调整）",
            description=f"表单：{FORM_NAMES}；register 附件11 {REGISTER_TITLE}（按今日在册人员）。PDF（默认）或 DOCX。")
def get_blank_form(request: Request, form: BlankFormName,  # type: ignore[valid-type]
                   format: Literal["pdf", "docx"] = Query(default="pdf", description="pdf（默认）或 docx"),
                   _: Principal = Depends(require_roles(*CASE_READERS))) -> Response:
    if form == "register":
        service = reporting(request)
        changes = [e["data"] for e in service.reference_history() if e["type"] == "coordination.AgentRegisterChanged"]
        day = service.basis().today
        return form_response(form, register_docx(effective_assignees(load_catalog(), changes, day.isoformat()), day),
                             format, day.isoformat())
    return form_response(form, form_docx(form, None), format, "blank")
