"""Integration events published by evaluation (好差评: ratings, 差评 rectification, follow-up visits).

Conventions:
* a satisfaction level is always a *name* (``very_satisfied`` … ``very_dissatisfied``); codes exist
  only at the edge (export), always with the name of their code list;
* the bottom two levels are 差评; every 差评 opens one rectification, id ``<case_id>-R<rating_no>``;
* ``defaulted: true`` marks a rating the system recorded (基本满意 after N natural days unrated):
  keep it out of 主动评价率 and apart from ratings people gave;
* ``real_name``: an authenticated applicant account is real-name; a ``written`` / ``phone`` rating
  recorded by an agent is real-name only when the rater's name is recorded;
* a follow-up draw concerns no single case: ``FollowUpDrawn`` uses ``case_id = "draw:<draw_id>"``;
  a visit concerns one case: ``FollowUpVisited`` uses the visited case's id;
* dates are ISO ``YYYY-MM-DD`` strings; department fields are department codes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.envelope import ServicePoint
from shared.contracts.registry import EventPayload, contract
from shared.types import FreeTextStr, PersonalStr

Level = Literal["very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"]
LEVEL_LABELS: dict[str, str] = {
    "very_satisfied": "非常满意", "satisfied": "满意", "basically_satisfied": "基本满意",
    "dissatisfied": "不满意", "very_dissatisfied": "非常不满意",
}
# The seed's 评价表 (附件9) prints the middle level as 一般; the other four read the same.
FORM_LEVEL_LABELS: dict[str, str] = {**LEVEL_LABELS, "basically_satisfied": "一般"}
RatingChannel = Literal["portal", "mobile", "qr_code", "hall_tablet", "hall_terminal", "phone", "sms", "written"]
RATING_CHANNEL_LABELS: dict[str, str] = {
    "portal": "政务服务网（PC端）", "mobile": "移动端（蒙速办App/小程序）", "qr_code": "扫码评价（二维码）",
    "hall_tablet": "大厅评价器（平板）", "hall_terminal": "大厅其他自助终端", "phone": "电话（12345热线）",
    "sms": "短信", "written": "纸质评价表（附件9）",
}
# What the service ended in: the case completed or terminated (coordination), or the application rejected or
# withdrawn before a case opened (intake) — every service given is rated (国办发〔2019〕51号, 服务事项全覆盖)
CaseOutcome = Literal["completed", "terminated", "rejected", "withdrawn"]
CASE_OUTCOME_LABELS: dict[str, str] = {"completed": "已办结", "terminated": "已终止", "rejected": "不予受理",
                                       "withdrawn": "申请人撤回"}
RectificationState = Literal["pending", "in_progress", "under_review", "rectified", "invalid", "impossible", "closed"]
RECTIFICATION_STATE_LABELS: dict[str, str] = {
    "pending": "待整改", "in_progress": "整改中", "under_review": "待审核", "rectified": "整改完成",
    "invalid": "无效差评", "impossible": "无法整改", "closed": "已办结",
}
RectificationAction = Literal[
    "start", "record_follow_up_call", "verify", "rectify", "explain", "request_invalidation",
    "request_impossible", "approve_review", "reject_review", "give_feedback", "close",
]
RECTIFICATION_ACTION_LABELS: dict[str, str] = {
    "start": "开始整改", "record_follow_up_call": "记录回访电话", "verify": "核实", "rectify": "整改",
    "explain": "解释说明", "request_invalidation": "申请认定无效差评", "request_impossible": "申请认定无法整改",
    "approve_review": "审核通过", "reject_review": "审核驳回", "give_feedback": "反馈评价人", "close": "办结",
}
VisitOutcome = Literal["reached", "unreachable", "declined"]
VISIT_OUTCOME_LABELS: dict[str, str] = {"reached": "已回访", "unreachable": "无法联系", "declined": "拒绝回访"}


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_serialization_defaults_required=True)


class AgentRef(_Part):
    username: str
    name: str | None = None
    department: str | None = None


class ApplicantRef(_Part):
    name: str
    credit_code: str | None = None


class ProjectRef(_Part):
    name: str
    code: str | None = None


class CaseItem(_Part):
    item_no: int
    department: str


class Rater(_Part):
    """Who rated: an applicant account, a named person recorded by an agent, anonymous, or the system."""

    kind: Literal["applicant_account", "recorded_by_agent", "system"] = Field(
        description="applicant_account 申请人账号, recorded_by_agent 代办帮办员代录, system 系统默认")
    username: str | None = Field(default=None, description="评价账号")
    name: PersonalStr | None = Field(default=None, description="评价人姓名（实名评价）")
    phone: PersonalStr | None = Field(default=None, description="评价人联系电话")
    enterprise: str | None = Field(default=None, description="统一社会信用代码")
    recorded_by: str | None = Field(default=None, description="代录的工作人员账号（recorded_by_agent）")


def rater_key(rater: dict) -> tuple:
    """Who a rater is, for 首评/追评: an applicant account by its username; a person whose rating was keyed
    in by name and phone (an anonymous keyed-in rater is one rater); the system."""
    if rater.get("kind") == "applicant_account":
        return ("account", rater.get("username"))
    if rater.get("kind") == "recorded_by_agent":
        return ("keyed", rater.get("name"), rater.get("phone"))
    return ("system",)


def case_rating(ratings: list[dict]) -> dict | None:
    """The case's rating (the one 好差评 figures count): the applicant's own first rating; without one, the
    first rating keyed in on a rater's behalf (代录); without either, the system's default.  A keyed-in
    rating never precedes or displaces the applicant's own, whenever each was recorded."""
    for kind in ("applicant_account", "recorded_by_agent", "system"):
        for rating in ratings:
            if (rating.get("rater") or {}).get("kind") == kind:  # the first of its kind (older 追评 flags aside)
                return rating
    return next((r for r in ratings if not r.get("follow_up")), None)  # a rating that names no rater


@contract("evaluation.CaseRegistered", description="评价服务登记案件（据 coordination.CaseOpened）；办结或终止前不可评价")
class CaseRegistered(EventPayload):
    case_id: str
    applicant: ApplicantRef
    service_point: ServicePoint
    case_agent: AgentRef
    project: ProjectRef


@contract("evaluation.RatingInvited", description="案件办结或终止，邀请申请人评价（评价表 附件9）；每案一次")
class RatingInvited(EventPayload):
    case_id: str
    outcome: CaseOutcome
    concluded_on: str
    applicant: ApplicantRef
    service_point: ServicePoint
    case_agent: AgentRef
    project: ProjectRef
    items: list[CaseItem]


@contract("evaluation.RatingGiven", description="评价（follow_up: 追评，与首评并存；defaulted: 系统默认基本满意）")
class RatingGiven(EventPayload):
    case_id: str
    rating_no: int = Field(description="评价序号")
    level: Level = Field(description="满意度")
    channel: RatingChannel | None = Field(description="评价渠道；系统默认评价为 null")
    comment: FreeTextStr | None = Field(default=None, description="意见及建议")
    rater: Rater
    real_name: bool = Field(description="实名评价")
    follow_up: bool = Field(description="追评：同一评价人在首评之后的评价，与首评并存")
    defaulted: bool = Field(description="系统默认评价（不计入主动评价率）")
    rated_on: str = Field(description="评价日期")
    bad: bool = Field(description="差评（不满意、非常不满意）")
    request_key: str | None = Field(default=None, description="幂等键（重试时不重复记录）")
    signed_on: str | None = Field(default=None, description="代录评价：评价表上的日期（电话评价为通话日期）")


@contract("evaluation.RectificationOpened", description="差评整改开立（待整改），含整改期限（工作日）与责任部门、责任人")
class RectificationOpened(EventPayload):
    rectification_id: str = Field(description="整改编号")
    case_id: str
    rating_no: int = Field(description="差评的评价序号")
    level: Level = Field(description="满意度")
    real_name: bool = Field(description="实名差评")
    opened_on: str = Field(description="开立日期")
    due_date: str = Field(description="整改期限")
    due_date_estimated: bool = Field(description="整改期限按预估的工作日历计算")
    workdays: int = Field(description="整改时限（工作日）")
    service_point: ServicePoint
    department: str = Field(description="责任部门（开立时为服务点所属部门）")
    agent: AgentRef = Field(description="责任人（案件代办帮办员）")


@contract("evaluation.RectificationStateChanged", description="差评整改动作（核实、回访电话、整改、说明、申请认定与审核、办结）")
class RectificationStateChanged(EventPayload):
    rectification_id: str
    case_id: str
    action: RectificationAction
    from_state: RectificationState
    to_state: RectificationState
    note: FreeTextStr | None = None
    reached: bool | None = Field(default=None, description="回访电话是否接通（record_follow_up_call）")
    items: list[int] | None = Field(default=None, description="差评所涉事项（verify 时指明）")
    departments: list[str] | None = Field(default=None, description="据所涉事项确定的责任部门")
    on_date: str
    late: bool = Field(default=False, description="在整改期限之后完成")


@contract("evaluation.RectificationOverdue", description="差评整改超期（整改超期；每项整改仅一次）")
class RectificationOverdue(EventPayload):
    rectification_id: str
    case_id: str
    due_date: str
    detected_on: str
    state: RectificationState


@contract("evaluation.FeedbackGiven", description="向评价人反馈整改情况（申请人可见）")
class FeedbackGiven(EventPayload):
    rectification_id: str
    case_id: str
    feedback_no: int
    feedback: FreeTextStr
    given_on: str


@contract("evaluation.FollowUpDrawn", description="回访随机抽取（case_id 为 'draw:<draw_id>'；种子与排序后的候选案件均记录，可复现）")
class FollowUpDrawn(EventPayload):
    draw_id: str
    period_start: str
    period_end: str
    ratio: float
    seed: int
    inputs: list[str] = Field(description="期间内办结或终止的案件，按案件编号排序")
    sample: list[str] = Field(description="抽中的案件，按案件编号排序")
    algorithm: str
    drawn_on: str


@contract("evaluation.FollowUpVisited", description="回访结果；信封 case_id 为被回访的案件（= visited_case_id），draw_id 指明所属抽取")
class FollowUpVisited(EventPayload):
    draw_id: str
    visited_case_id: str
    visit_no: int
    outcome: VisitOutcome
    level: Level | None = None
    note: FreeTextStr | None = None
    visited_on: str
