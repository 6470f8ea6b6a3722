"""Integration events of the supervision loop (seed 三(八), 四(二)), published by evaluation.

* A complaint or suggestion (投诉建议) comes in through the 12345 hotline, the opinion box, e-mail or the portal,
  with or without a case; it is routed to one department and answered by a due date in working days.  Its
  envelope ``case_id`` is ``complaint:<complaint_id>`` (a complaint is not a step of the case it may name:
  ``about_case_id``), so it stays out of the case's history the applicant reads.
* A department's monthly submission (工作进展情况, 经验做法, 典型案例) is due by the 15th of the next month; its
  envelope ``case_id`` is ``submission:<department>:<YYYY-MM>``; a later submission for the same month replaces the
  earlier one (``version``), both stay recorded.
* A third-party assessor's scored report (seed 三(八) 委托第三方独立开展代办帮办工作评估评价) is imported once per
  report; its envelope ``case_id`` is ``third-party-report:<report_id>``.
* Dates are ISO ``YYYY-MM-DD`` strings; department fields are department codes.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Callable, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.registry import EventPayload, contract
from shared.types import FreeTextStr, PersonalStr

COMPLAINT_SUBJECT_PREFIX = "complaint:"
SUBMISSION_SUBJECT_PREFIX = "submission:"
THIRD_PARTY_SUBJECT_PREFIX = "third-party-report:"
ComplaintChannel = Literal["hotline_12345", "opinion_box", "email", "portal"]
COMPLAINT_CHANNEL_LABELS: dict[str, str] = {
    "hotline_12345": "12345政务服务便民热线", "opinion_box": "意见箱", "email": "电子邮箱", "portal": "网上（政务服务网）",
}
Routing = Literal["given", "case", "office"]
ROUTING_LABELS: dict[str, str] = {
    "given": "按登记时指定的部门", "case": "按所涉案件的服务点", "office": "未指明部门与案件，由区政务服务局办理",
}


SUBMISSION_DUE_DAY = 15  # 每月15日前报送上月情况 (seed 四(二))
SUBMISSION_REMINDER_DAY = 10  # 提醒尚未报送的部门：次月10日起（遇非工作日顺延至下一个工作日）


def submission_schedule(year: int, month: int) -> tuple[date, date]:
    """(ready from, due by) of a month's submissions and report: the 1st and the 15th of the next month."""
    ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(ny, nm, 1), date(ny, nm, SUBMISSION_DUE_DAY)


def submission_reminder_day(year: int, month: int, is_workday: Callable[[date], bool]) -> date:
    """The day a month's missing submissions are reminded: the 10th of the next month, or the next working day
    after it when the 10th is not one (``is_workday``: the working-day calendar's)."""
    day = date(*submission_schedule(year, month)[0].timetuple()[:2], SUBMISSION_REMINDER_DAY)
    while not is_workday(day) and day.day < SUBMISSION_DUE_DAY:
        day += timedelta(days=1)
    return day


SubmissionStatus = Literal["submitted", "submitted_late", "missing", "not_due"]
SUBMISSION_STATUS_LABELS: dict[str, str] = {"submitted": "按期报送", "submitted_late": "逾期报送", "missing": "逾期未报送",
                                            "not_due": "尚未报送"}


def submission_status(late: bool | None, today: date, due_by: date) -> str:
    """A department's state for a month: ``late`` of its first submission (None: it has not submitted)."""
    if late is not None:
        return "submitted_late" if late else "submitted"
    return "missing" if today > due_by else "not_due"


def complaint_subject(complaint_id: str) -> str:
    return f"{COMPLAINT_SUBJECT_PREFIX}{complaint_id}"


def submission_subject(department: str, month: str) -> str:
    return f"{SUBMISSION_SUBJECT_PREFIX}{department}:{month}"


def third_party_subject(report_id: str) -> str:
    return f"{THIRD_PARTY_SUBJECT_PREFIX}{report_id}"


@contract("evaluation.ComplaintReceived", description="收到投诉建议（12345、意见箱、电子邮箱或网上），已转办至责任部门，含答复期限（工作日）")
class ComplaintReceived(EventPayload):
    complaint_id: str = Field(description="投诉建议编号")
    channel: ComplaintChannel = Field(description="来源渠道")
    content: FreeTextStr = Field(description="投诉建议内容")
    about_case_id: str | None = Field(default=None, description="所涉案件编号")
    department: str = Field(description="责任部门（转办至）")
    routing: Routing = Field(description="given 登记时指定, case 所涉案件的服务点所属部门, office 区政务服务局")
    routing_reason: str = Field(description="转办理由")
    contact: PersonalStr | None = Field(default=None, description="投诉人联系方式（姓名、电话或邮箱）")
    enterprise: str | None = Field(default=None, description="网上提交的申请人企业（统一社会信用代码）")
    received_on: str = Field(description="收到日期")
    due_date: str = Field(description="答复期限")
    due_date_estimated: bool = Field(description="答复期限按预估的工作日历计算")
    workdays: int = Field(description="答复时限（工作日）")


@contract("evaluation.ComplaintReplied", description="投诉建议已答复（责任部门或督查员）；late：在答复期限之后")
class ComplaintReplied(EventPayload):
    complaint_id: str
    department: str = Field(description="责任部门")
    reply: FreeTextStr = Field(description="答复内容")
    replied_on: str = Field(description="答复日期")
    late: bool = Field(description="在答复期限之后答复")


@contract("evaluation.ComplaintOverdue", description="投诉建议超过答复期限仍未答复（每件仅一次）")
class ComplaintOverdue(EventPayload):
    complaint_id: str
    department: str = Field(description="责任部门")
    due_date: str
    detected_on: str


@contract("evaluation.MonthlySubmissionMade", description="部门月度报送（工作进展情况、经验做法、典型案例）；次月15日前报送，逾期标 late")
class MonthlySubmissionMade(EventPayload):
    department: str = Field(description="报送部门")
    month: str = Field(description="所报月份 YYYY-MM")
    version: int = Field(description="第几次报送（后一次取代前一次）")
    progress: FreeTextStr = Field(description="工作进展情况")
    practices: FreeTextStr = Field(description="经验做法")
    typical_cases: FreeTextStr | None = Field(default=None, description="典型案例")
    submitted_on: str = Field(description="报送日期")
    due_by: str = Field(description="报送期限（次月15日）")
    late: bool = Field(description="在报送期限之后报送")


class _SubmissionChased(EventPayload):
    """What the office's scheduled check did about a department's missing submission for a month."""

    department: str = Field(description="尚未报送的部门")
    month: str = Field(description="所报月份 YYYY-MM")
    due_by: str = Field(description="报送期限（次月15日）")


@contract("evaluation.MonthlySubmissionReminded",
          description="月度报送提醒：次月10日（遇非工作日顺延至下一个工作日）起仍未报送的部门，每部门每月提醒一次")
class MonthlySubmissionReminded(_SubmissionChased):
    reminded_on: str = Field(description="提醒日期")


@contract("evaluation.MonthlySubmissionOverdue",
          description="逾期未报送：报送期限（次月15日）已过仍未报送月度工作情况的部门，每部门每月标记一次")
class MonthlySubmissionOverdue(_SubmissionChased):
    detected_on: str = Field(description="发现逾期的日期")
class ThirdPartyScore(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_serialization_defaults_required=True)

    department: str = Field(description="部门代码")
    score: float = Field(ge=0, le=100, description="第三方评分（满分100）")
    notes: FreeTextStr | None = Field(default=None, description="评估意见")


@contract("evaluation.ThirdPartyReportImported",
          description="第三方评估机构的评估报告导入：评估期间、各部门评分与意见（每份报告一次；与系统自身的考核评分并列展示）")
class ThirdPartyReportImported(EventPayload):
    report_id: str = Field(description="报告编号")
    assessor: str = Field(description="评估机构名称")
    title: str | None = Field(default=None, description="报告名称")
    period_start: str = Field(description="评估期间起")
    period_end: str = Field(description="评估期间止")
    overall_score: float | None = Field(default=None, description="总体评分（满分100）")
    scores: list[ThirdPartyScore] = Field(description="各部门评分")
    notes: FreeTextStr | None = Field(default=None, description="总体意见")
    imported_on: str = Field(description="导入日期")
