"""Request and response bodies of the evaluation API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.evaluation import (
    FollowUpDrawn, Level, RatingChannel, RatingGiven, RectificationAction, RectificationOpened, VisitOutcome,
)
from shared.contracts.supervision import (
    ComplaintChannel, ComplaintReceived, ComplaintReplied, MonthlySubmissionMade, SubmissionStatus, ThirdPartyReportImported,
)
from shared.read_models import read_model
from shared.types import CaseDate, Code, ItemNumbers, LongNote, Name, Note, ShortText, Text
from shared.validation import Phone


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RaterInput(_Body):
    """评价人 of a rating an agent records (written form or phone); leave out for an anonymous rating."""

    name: Name | None = Field(default=None, description="评价人姓名（填写即为实名评价）")
    phone: Phone | None = Field(default=None, description="评价人联系电话（实名差评回访用）")


class RatingCreate(_Body):
    level: Level = Field(description="very_satisfied 非常满意, satisfied 满意, basically_satisfied 基本满意（评价表：一般）, "
                                     "dissatisfied 不满意, very_dissatisfied 非常不满意")
    comment: Note | None = Field(default=None, description="意见及建议")
    channel: RatingChannel = Field(description="评价渠道: portal, mobile, qr_code, hall_tablet, hall_terminal, phone, sms, written")
    rater: RaterInput | None = Field(default=None, description="仅代办帮办员代录 written/phone 评价时填写")
    signed_on: CaseDate | None = Field(default=None, description="代录时必填：评价表上的日期（电话评价为通话日期），"
                                                                  "不早于案件办结（终止）日、不晚于今日")


RatingRead = read_model(
    "RatingRead", RatingGiven, without=("request_key",), doc="评价（``evaluation.RatingGiven``）及其中文名称",
    rater=(dict, Field(description="评价人（申请人账号、代录的评价人或系统）")),
    level_label=(str, Field(description="满意度（中文）")),
    level_label_form=(str, Field(description="评价表（附件9）上的名称：基本满意即“一般”")),
    channel_label=(str | None, Field(description="评价渠道（中文）")),
    rated_at=(str, Field(description="登记时刻（ISO 8601）")),
    rectification_id=(str | None, Field(description="差评整改编号（同一评价人尚未办结的整改中追加的差评：该整改）；非差评为 null")),
    keyed_in=(bool, Field(description="代录：工作人员代评价人录入（纸质评价表、电话）")),
    keyed_in_label=(str | None, Field(description="“代录”；本人评价为 null")),
    case_rating=(bool, Field(description="本案的评价（计入好差评统计）：申请人本人的首评；无本人评价时为首个代录评价")))


class RectificationSummary(BaseModel):
    rectification_id: str
    rating_no: int
    state: str
    state_label: str
    overdue: bool
    due_date: str
    feedback: list[dict]


class CaseEvaluationRead(BaseModel):
    case_id: str
    status: Literal["open", "invited", "rated"]
    status_label: str
    outcome: str | None
    outcome_label: str | None
    concluded_on: str | None
    invited_at: str | None
    can_rate: bool
    applicant: dict
    project: dict
    service_point: str
    case_agent: dict
    ratings: list[RatingRead]
    rectifications: list[RectificationSummary]


class InvitationRead(BaseModel):
    case_id: str
    project: dict
    applicant: dict
    outcome: str
    outcome_label: str
    concluded_on: str
    invited_at: str | None
    rated: bool = Field(description="申请人是否已评价（系统默认评价不算）")
    ratings: int
    rate_at: str = Field(description="评价接口")


class RectificationActionCreate(_Body):
    action: RectificationAction
    note: LongNote | None = Field(default=None, description="说明：核实情况、整改措施、解释、理由或反馈内容")
    items: ItemNumbers | None = Field(default=None, description="verify：差评所涉事项编号（据此确定责任部门）")
    reached: bool | None = Field(default=None, description="record_follow_up_call：回访电话是否接通")


class RectificationRead(read_model("_RectificationOpenedPart", RectificationOpened, without=("department",),
                                    agent=(dict, Field(description="责任人（案件代办帮办员）")))):
    level_label: str
    state: str
    state_label: str
    overdue: bool
    overdue_since: str | None
    departments: list[dict]
    items: list[int]
    follow_up_calls: list[dict]
    verification: dict | None
    review: dict | None
    resolution: dict | None
    feedback: list[dict]
    history: list[dict]
    allowed_actions: list[str]


class DrawCreate(_Body):
    period_start: CaseDate = Field(description="办结（终止）日期起")
    period_end: CaseDate = Field(description="办结（终止）日期止（含）")
    ratio: float | None = Field(default=None, gt=0, le=1, description="抽取比例，缺省为设置 follow_up_ratio")
    seed: int | None = Field(default=None, ge=0, le=2**63 - 1, description="随机种子；缺省时随机生成并记录")


class VisitCreate(_Body):
    case_id: Code = Field(description="案件编号")
    outcome: VisitOutcome = Field(description="reached 已回访, unreachable 无法联系, declined 拒绝回访")
    level: Level | None = Field(default=None, description="回访时了解到的满意度（已回访时可填）")
    note: LongNote | None = Field(default=None)
    visited_on: CaseDate


class DrawRead(read_model("_FollowUpDrawnPart", FollowUpDrawn)):
    drawn_by: dict
    reproducible: bool = Field(description="以记录的种子和候选案件重新抽取，结果与记录一致")
    visits: list[dict]


class ExportRead(BaseModel):
    code_list: dict
    period_start: str | None
    period_end: str | None
    count: int
    records: list[dict]


# -- the supervision loop: complaints and suggestions, departments' monthly submissions -------------------------
class ComplaintCreate(_Body):
    channel: ComplaintChannel = Field(description="hotline_12345 12345热线, opinion_box 意见箱, email 电子邮箱, "
                                                  "portal 网上（申请人本人提交）")
    content: Text = Field(description="投诉建议内容")
    case_id: Code | None = Field(default=None, description="所涉案件编号（可不填）")
    department: Code | None = Field(default=None, description="责任部门代码（可不填：按所涉案件的服务点转办，"
                                                              "都不填时由区政务服务局办理）")
    contact: ShortText | None = Field(default=None, description="投诉人联系方式（姓名、电话或邮箱；网上提交时可不填）")


class ComplaintReply(_Body):
    reply: Text = Field(description="答复内容")


ComplaintReplyRead = read_model("ComplaintReplyRead", ComplaintReplied, without=("complaint_id", "department"),
                                doc="答复（``evaluation.ComplaintReplied``）",
                                by=(dict, Field(description="答复人")), at=(str, Field(description="答复时刻")))
ComplaintRead = read_model(
    "ComplaintRead", ComplaintReceived, doc="投诉建议（``evaluation.ComplaintReceived``）及其处理情况",
    channel_label=(str, Field(description="来源渠道（中文）")),
    department_name=(str, Field(description="责任部门名称")),
    received_at=(str, Field(description="登记时刻（ISO 8601）")),
    recorded_by=(dict, Field(description="登记人（工作人员代录或申请人本人）")),
    status=(Literal["open", "replied"], Field(description="open 待答复, replied 已答复")),
    status_label=(str, Field(description="状态（中文；超期未答复为“答复超期”）")),
    overdue=(bool, Field(description="超过答复期限仍未答复，或超期后才答复")),
    overdue_on=(str | None, Field(description="超期标记日期")),
    reply=(ComplaintReplyRead | None, Field(description="答复；未答复为 null")))


class ComplaintListRead(BaseModel):
    total: int
    complaints: list[ComplaintRead]  # type: ignore[valid-type]


class MonthlySubmissionCreate(_Body):
    progress: Text = Field(description="工作进展情况")
    practices: Text = Field(description="经验做法")
    typical_cases: Note | None = Field(default=None, description="典型案例（可不填）")


MonthlySubmissionRead = read_model(
    "MonthlySubmissionRead", MonthlySubmissionMade, doc="部门月度报送（``evaluation.MonthlySubmissionMade``）的最新一次",
    department_name=(str, Field(description="部门名称")),
    submitted_at=(str, Field(description="报送时刻（ISO 8601）")),
    submitted_by=(dict, Field(description="报送人")))


class SubmissionStatusRead(BaseModel):
    department: str = Field(description="部门代码")
    department_name: str = Field(description="部门名称")
    status: SubmissionStatus = Field(
        description="submitted 按期报送, submitted_late 逾期报送, missing 逾期未报送, not_due 尚未报送（未到期限）")
    status_label: str
    submitted_at: str | None = Field(description="报送时刻；未报送为 null")
    late: bool = Field(description="逾期：期限后报送，或已过期限仍未报送")
    submission: MonthlySubmissionRead | None = Field(description="最新一次报送；未报送为 null")  # type: ignore[valid-type]
    reminded_on: str | None = Field(default=None, description="提醒日期（次月10日起尚未报送时提醒一次）；未提醒为 null")
    flagged_late_on: str | None = Field(default=None, description="标记逾期未报送的日期（期限后仍未报送）；未标记为 null")


class MonthlySubmissionsRead(BaseModel):
    month: str = Field(description="月份 YYYY-MM")
    due_by: str = Field(description="报送期限（次月15日）")
    today: str
    submitted: int = Field(description="已报送的部门数")
    late: int = Field(description="逾期（逾期报送或逾期未报送）的部门数")
    missing: int = Field(description="逾期未报送的部门数")
    departments: list[SubmissionStatusRead] = Field(description="每个部门一行")



# -- third-party evaluation (第三方评估, seed 三(八)) ---------------------------------------------------------------
class ThirdPartyScoreCreate(_Body):
    department: Code = Field(description="部门代码（事项目录的部门）")
    score: float = Field(ge=0, le=100, description="第三方评分（满分100）")
    notes: Note | None = Field(default=None, description="评估意见")


class ThirdPartyReportCreate(_Body):
    assessor: ShortText = Field(description="评估机构名称")
    title: ShortText | None = Field(default=None, description="报告名称")
    period_start: CaseDate = Field(description="评估期间起 YYYY-MM-DD")
    period_end: CaseDate = Field(description="评估期间止 YYYY-MM-DD")
    overall_score: float | None = Field(default=None, ge=0, le=100, description="总体评分（满分100）")
    scores: list[ThirdPartyScoreCreate] = Field(min_length=1, max_length=50, description="各部门评分（每个部门一项）")
    notes: Text | None = Field(default=None, description="总体意见")


ThirdPartyReportRead = read_model(
    "ThirdPartyReportRead", ThirdPartyReportImported, doc="第三方评估报告（``evaluation.ThirdPartyReportImported``）",
    imported_at=(str, Field(description="导入时刻（ISO 8601）")),
    imported_by=(dict, Field(description="导入账号")))
